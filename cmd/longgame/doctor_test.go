package main

import (
	"bufio"
	"database/sql"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/longgame/longgame/bot/slackfake"
	"github.com/longgame/longgame/storage/sqlite"
)

// doctorEnv configures the program for fake and the database at dbPath, as
// startBot does, without starting the bot.
func doctorEnv(t *testing.T, fake *slackfake.Server, dbPath string) {
	t.Helper()
	clearConfigEnv(t)
	t.Setenv("SLACK_BOT_TOKEN", testBotToken)
	t.Setenv("SLACK_APP_TOKEN", testAppToken)
	t.Setenv("SLACK_API_URL", fake.APIURL())
	t.Setenv("LONGGAME_DB", dbPath)
}

// allScopes is a workspace that granted every scope manifest.yml asks for.
func allScopes(fake *slackfake.Server) {
	var names []string
	for _, s := range requiredScopes {
		names = append(names, s.name)
	}
	fake.SetScopes(names...)
}

// migratedDB is a database file at the latest schema.
func migratedDB(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "longgame.db")
	db, err := sqlite.Open(t.Context(), path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestDoctorAllGood(t *testing.T) {
	fake := newWorkspace(t)
	allScopes(fake)
	path := migratedDB(t)
	doctorEnv(t, fake, path)
	code, out, errOut := runForTest(t, "doctor")
	t.Logf("doctor output:\n%s", out)
	if code != exitOK {
		t.Errorf("exit %d, want 0; stderr %q", code, errOut)
	}
	want := fmt.Sprintf(`ok  configuration: every variable parses (LONGGAME_DB=%[1]s, time zone UTC, currency USD)
ok  tokens: SLACK_BOT_TOKEN is a bot token (xoxb-…), SLACK_APP_TOKEN an app-level token (xapp-…)
ok  database %[1]s: opens, migrations current (version %[2]d)
ok  database %[1]s: integrity and foreign key checks pass
ok  Slack auth.test: workspace Acme Sales (T1), bot user longgame (U0BOT)
ok  Slack scopes: the bot token has the %[3]d scopes manifest.yml asks for
ok  Slack Socket Mode: apps.connections.open accepts SLACK_APP_TOKEN
`, path, sqlite.LatestSchemaVersion(), len(requiredScopes))
	if d := cmp.Diff(want, out); d != "" {
		t.Errorf("output (-want +got):\n%s", d)
	}
}

func TestDoctorFindsProblems(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, fake *slackfake.Server, dbPath string)
		code  int
		want  []string // lines or parts of lines of the output
		calls int      // auth.test calls the fake must have seen
	}{
		{
			name: "missing scopes",
			setup: func(t *testing.T, fake *slackfake.Server, _ string) {
				fake.SetScopes("commands", "chat:write", "channels:read")
			},
			code: exitError,
			want: []string{"ok  Slack auth.test: workspace Acme Sales (T1)",
				"PROBLEM Slack scopes: the bot token lacks chat:write.public (", "; users:read (", "; groups:history (",
				"reinstall the app from manifest.yml"},
			calls: 1,
		},
		{
			name:  "bot token refused",
			setup: func(t *testing.T, _ *slackfake.Server, _ string) { t.Setenv("SLACK_BOT_TOKEN", "xoxb-revoked-0000") },
			code:  exitError,
			want: []string{"PROBLEM Slack auth.test: slack refused SLACK_BOT_TOKEN (invalid_auth): reinstall the app",
				"ok  Slack Socket Mode"},
			calls: 1,
		},
		{
			name:  "app token refused",
			setup: func(t *testing.T, _ *slackfake.Server, _ string) { t.Setenv("SLACK_APP_TOKEN", "xapp-revoked-0000") },
			code:  exitError,
			want: []string{"ok  Slack auth.test",
				"PROBLEM Slack Socket Mode: slack refused SLACK_APP_TOKEN (invalid_auth): generate an app-level token with the connections:write scope"},
			calls: 1,
		},
		{
			name: "socket mode down",
			setup: func(t *testing.T, fake *slackfake.Server, _ string) {
				fake.InjectFault("apps.connections.open", slackfake.Fault{Status: http.StatusServiceUnavailable})
			},
			code:  exitError,
			want:  []string{"PROBLEM Slack Socket Mode: ", "503", "check the network, and SLACK_API_URL"},
			calls: 1,
		},
		{
			name: "swapped tokens",
			setup: func(t *testing.T, _ *slackfake.Server, _ string) {
				t.Setenv("SLACK_BOT_TOKEN", testAppToken)
				t.Setenv("SLACK_APP_TOKEN", testBotToken)
			},
			code: exitError,
			want: []string{"PROBLEM tokens: SLACK_BOT_TOKEN holds an app-level token", "PROBLEM tokens: SLACK_APP_TOKEN holds a bot token",
				"PROBLEM Slack: not contacted: fix the tokens above first"},
			calls: 0,
		},
		{
			name: "no tokens",
			setup: func(t *testing.T, _ *slackfake.Server, _ string) {
				t.Setenv("SLACK_BOT_TOKEN", "")
				t.Setenv("SLACK_APP_TOKEN", "")
			},
			code:  exitError,
			want:  []string{"PROBLEM tokens: SLACK_BOT_TOKEN is not set", "PROBLEM tokens: SLACK_APP_TOKEN is not set", "ok  database"},
			calls: 0,
		},
		{
			name: "corrupt database",
			setup: func(t *testing.T, _ *slackfake.Server, dbPath string) {
				if err := os.WriteFile(dbPath, []byte(strings.Repeat("not a database\n", 512)), 0o600); err != nil {
					t.Fatal(err)
				}
			},
			code: exitError,
			want: []string{"PROBLEM database ", "cannot open it (", "file is not a database",
				"restore the latest backup", "ok  Slack auth.test"},
			calls: 1,
		},
		{
			name:  "database not created yet",
			setup: func(t *testing.T, _ *slackfake.Server, dbPath string) { os.Remove(dbPath) },
			code:  exitOK,
			want:  []string{"longgame.db: does not exist yet; longgame run (or migrate) creates it"},
			calls: 1,
		},
		{
			name: "database of an older version",
			setup: func(t *testing.T, _ *slackfake.Server, dbPath string) {
				if err := os.WriteFile(dbPath, nil, 0o600); err != nil { // an empty SQLite database
					t.Fatal(err)
				}
			},
			code:  exitOK,
			want:  []string{fmt.Sprintf("longgame.db: opens, migrations applied now (version 0 → %d)", sqlite.LatestSchemaVersion())},
			calls: 1,
		},
		{
			name: "database of a newer binary",
			setup: func(t *testing.T, _ *slackfake.Server, dbPath string) {
				db, err := sql.Open("sqlite", dbPath)
				if err != nil {
					t.Fatal(err)
				}
				defer db.Close()
				if _, err := db.Exec(`INSERT INTO schema_migrations (version, applied_at) VALUES (99, 0)`); err != nil {
					t.Fatal(err)
				}
			},
			code:  exitError,
			want:  []string{fmt.Sprintf("its schema is at version 99, newer than this binary's %d", sqlite.LatestSchemaVersion())},
			calls: 1,
		},
		{
			name:  "bad configuration",
			setup: func(t *testing.T, _ *slackfake.Server, _ string) { t.Setenv("LONGGAME_CURRENCY", "dollars") },
			code:  exitError,
			want:  []string{`PROBLEM configuration: LONGGAME_CURRENCY="dollars": want a three-letter ISO 4217 code`},
			calls: 0,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := newWorkspace(t)
			allScopes(fake)
			path := migratedDB(t)
			doctorEnv(t, fake, path)
			tc.setup(t, fake, path)
			code, out, errOut := runForTest(t, "doctor")
			t.Logf("doctor output:\n%s", out)
			if code != tc.code {
				t.Errorf("exit %d, want %d", code, tc.code)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("output does not say %q:\n%s", w, out)
				}
			}
			if n := fake.Calls("auth.test"); n != tc.calls {
				t.Errorf("auth.test called %d times, want %d", n, tc.calls)
			}
			noSecrets(t, out+errOut)
		})
	}
}

// noSecrets fails the test if output shows a token, beyond its xoxb- or
// xapp- prefix, or a Socket Mode URL (its ticket is a credential).
func noSecrets(t *testing.T, output string) {
	t.Helper()
	for _, secret := range []string{testBotToken, testAppToken, "e2e-bot-token", "e2e-app-token", "revoked-0000", "ticket", "ws://", "/ws?"} {
		if strings.Contains(output, secret) {
			t.Errorf("output shows %q:\n%s", secret, output)
		}
	}
}

func TestDoctorUsage(t *testing.T) {
	clearConfigEnv(t)
	if code, _, errOut := runForTest(t, "doctor", "now"); code != exitUsage || !strings.Contains(errOut, "usage: longgame doctor") {
		t.Errorf("doctor now: exit %d, stderr %q; want %d and the usage", code, errOut, exitUsage)
	}
	for _, arg := range []string{"-h", "--help"} {
		if code, _, errOut := runForTest(t, "doctor", arg); code != exitOK || !strings.Contains(errOut, "PROBLEM <what>: <fix>") {
			t.Errorf("doctor %s: exit %d, stderr %q; want 0 and the help", arg, code, errOut)
		}
	}
}

// TestRequiredScopesAreTheManifests keeps requiredScopes equal to the bot
// scopes of manifest.yml, which go:embed cannot reach from here.
func TestRequiredScopesAreTheManifests(t *testing.T) {
	f, err := os.Open("../../manifest.yml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	manifest, err := manifestBotScopes(bufio.NewScanner(f))
	if err != nil {
		t.Fatal(err)
	}
	var ours []string
	for _, s := range requiredScopes {
		ours = append(ours, s.name)
	}
	if d := cmp.Diff(manifest, ours); d != "" {
		t.Errorf("requiredScopes differ from manifest.yml oauth_config.scopes.bot (-manifest +doctor.go):\n%s", d)
	}
}

// manifestBotScopes reads the list under oauth_config: scopes: bot: of a
// manifest in YAML block style, the way manifest.yml is written.
func manifestBotScopes(sc *bufio.Scanner) ([]string, error) {
	path := []string{"oauth_config", "scopes", "bot"}
	var (
		depth  int // how many keys of path were found
		indent = -1
		out    []string
	)
	for sc.Scan() {
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		ind := len(line) - len(strings.TrimLeft(line, " "))
		if depth == len(path) {
			if item, ok := strings.CutPrefix(trimmed, "- "); ok && ind >= indent {
				out = append(out, strings.Trim(item, `"'`))
				continue
			}
			if ind <= indent {
				break
			}
		}
		if depth < len(path) && trimmed == path[depth]+":" && ind > indent {
			depth++
			indent = ind
		}
	}
	if depth < len(path) || len(out) == 0 {
		return nil, fmt.Errorf("manifest.yml has no list at %s", strings.Join(path, "."))
	}
	return out, sc.Err()
}
