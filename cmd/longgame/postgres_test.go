package main

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/longgame/longgame/storage/postgres/pgtest"
)

// refusingServer listens on 127.0.0.1 and closes every connection at once,
// as a server refusing the client would; it returns the port.
func refusingServer(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	return ln.Addr().(*net.TCPAddr).Port
}

// TestDatabasePasswordIsNeverShown runs every subcommand that opens the
// database with a PostgreSQL URL holding a password, against servers that
// refuse it: neither the output nor the log shows the password.
func TestDatabasePasswordIsNeverShown(t *testing.T) {
	const secret = "s3cret-Pw-7f2e"
	urls := []string{
		fmt.Sprintf("postgres://longgame:%s@127.0.0.1:%d/longgame?sslmode=disable", secret, refusingServer(t)),
		fmt.Sprintf("postgresql://longgame@127.0.0.1:%d/longgame?sslmode=disable&password=%s", refusingServer(t), secret),
	}
	if server := os.Getenv(pgtest.Env); server != "" {
		// A real server, a database that does not exist: it refuses.
		urls = append(urls, strings.Replace(pgtest.WithDatabase(server, "longgame_no_such_db"), "://", "://postgres:"+secret+"@", 1))
	}
	fake := newWorkspace(t)
	for _, url := range urls {
		for _, args := range [][]string{
			{"run"}, {"migrate"}, {"doctor"}, {"export"}, {"backup", filepath.Join(t.TempDir(), "b")},
			{"restore", filepath.Join(t.TempDir(), "none")},
		} {
			t.Run(strings.Join(args[:1], " ")+" "+url[:10], func(t *testing.T) {
				doctorEnv(t, fake, url)
				code, out, errOut := runForTest(t, args...)
				if code == exitOK && args[0] != "doctor" {
					t.Errorf("exit 0 against a refusing server: %s%s", out, errOut)
				}
				if strings.Contains(out+errOut, secret) {
					t.Errorf("the password shows:\nstdout: %s\nstderr: %s", out, errOut)
				}
				if !strings.Contains(out+errOut, "***") && args[0] != "restore" {
					t.Errorf("no masked URL in the output, does it name the database?\nstdout: %s\nstderr: %s", out, errOut)
				}
			})
		}
		t.Run("migrate-to", func(t *testing.T) {
			doctorEnv(t, fake, migratedDB(t))
			code, out, errOut := runForTest(t, "migrate-to", url)
			if code == exitOK || strings.Contains(out+errOut, secret) {
				t.Errorf("exit %d; output shows the password or succeeded:\n%s%s", code, out, errOut)
			}
		})
	}
}

// dealScript records deals, a champion, asks, gives, risks and a close,
// end to end, in the database at db, and stops the bot.
func dealScript(t *testing.T, db string) {
	t.Helper()
	h := startBot(t, newWorkspace(t), db)
	h.inChannel("U1", "C1", "/deal open Acme renewal value:$120,000 close:2026-12-15")
	h.inChannel("U1", "C1", `/champion set Jane Doe title:"VP of IT" <@U9|jane>`)
	h.inChannel("U1", "C1", "/champion ask an intro to the CFO cost:high")
	h.inChannel("U2", "C1", "/champion ask push the security review")
	h.inChannel("U1", "C1", "/champion done 1")
	h.inChannel("U1", "C1", "/champion give a training plan value:low")
	h.inChannel("U2", "C1", `/risk flag SSO with Okta untested severity:high area:security test:"10k users at 9am"`)
	h.inChannel("U1", "C1", "/risk flag no admin trained area:training")
	h.inChannel("U1", "C1", "/risk disclose 1 walked Jane through it")
	h.inChannel("U1", "C1", "/risk resolve 2 trained")
	h.inChannel("U1", "C1", "/deal close won", "closed Acme renewal as won")
	h.inChannel("U2", "C2", "/deal open Globex value:€50k")
	h.private("U1", "C1", "/risk summary")
	if code := h.shutdown(); code != exitOK {
		t.Fatalf("bot exited %d", code)
	}
}

// exportOf is `longgame export` of the database at db, instants replaced
// by a placeholder when anyTime (two runs record at different times).
func exportOf(t *testing.T, db string, anyTime bool) string {
	t.Helper()
	t.Setenv("LONGGAME_DB", db)
	code, out, errOut := runForTest(t, "export")
	if code != exitOK {
		t.Fatalf("export: exit %d: %s", code, errOut)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	delete(doc, "exported_at")
	buf, _ := json.MarshalIndent(doc, "", " ")
	if anyTime {
		buf = regexp.MustCompile(`"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"`).ReplaceAll(buf, []byte(`"T"`))
		// Check-ins fall on dates counted from today.
		buf = regexp.MustCompile(`"\d{4}-\d\d-\d\d"`).ReplaceAll(buf, []byte(`"D"`))
	}
	return string(buf)
}

// TestPostgresEndToEnd runs the bot on PostgreSQL and on SQLite with the
// same commands, then the admin subcommands as main runs them: export
// says the same on both; backup and restore, and migrate-to, carry every
// row across and the export with them.
func TestPostgresEndToEnd(t *testing.T) {
	pg := pgtest.NewDatabase(t)
	lite := filepath.Join(t.TempDir(), "longgame.db")
	dealScript(t, pg)
	dealScript(t, lite)

	t.Run("export is the same on both", func(t *testing.T) {
		if d := cmp.Diff(exportOf(t, lite, true), exportOf(t, pg, true)); d != "" {
			t.Errorf("export (-sqlite +postgres):\n%s", d)
		}
	})
	t.Run("migrate and doctor", func(t *testing.T) {
		fake := newWorkspace(t)
		allScopes(fake)
		doctorEnv(t, fake, pg)
		code, out, errOut := runForTest(t, "migrate")
		if code != exitOK || !strings.Contains(out, "up to date") {
			t.Errorf("migrate: exit %d, %s%s", code, out, errOut)
		}
		code, out, _ = runForTest(t, "doctor")
		for _, want := range []string{"connected, PostgreSQL 1", "migrations current (version", "numbering check out"} {
			if !strings.Contains(out, want) {
				t.Errorf("doctor (exit %d) does not say %q:\n%s", code, want, out)
			}
		}
		if code != exitOK {
			t.Errorf("doctor: exit %d:\n%s", code, out)
		}
	})
	t.Run("backup and restore", func(t *testing.T) {
		dst := filepath.Join(t.TempDir(), "longgame.backup")
		t.Setenv("LONGGAME_DB", pg)
		code, out, errOut := runForTest(t, "backup", dst)
		if code != exitOK {
			t.Fatalf("backup: exit %d: %s", code, errOut)
		}
		if st, err := os.Stat(dst); err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("backup file: %v, %v; want mode 600", st, err)
		}
		t.Log(out)
		if code, _, _ := runForTest(t, "restore", dst); code != exitError {
			t.Errorf("restore into the database it came from (not empty): exit %d, want %d", code, exitError)
		}
		restored := pgtest.NewDatabase(t)
		t.Setenv("LONGGAME_DB", restored)
		code, out, errOut = runForTest(t, "restore", dst)
		if code != exitOK || !strings.Contains(out, "risks") {
			t.Fatalf("restore: exit %d: %s%s", code, out, errOut)
		}
		if d := cmp.Diff(exportOf(t, pg, false), exportOf(t, restored, false)); d != "" {
			t.Errorf("export after restore (-original +restored):\n%s", d)
		}
	})
	t.Run("migrate-to", func(t *testing.T) {
		target := pgtest.NewDatabase(t)
		t.Setenv("LONGGAME_DB", lite)
		code, out, errOut := runForTest(t, "migrate-to", target)
		if code != exitOK || !strings.Contains(out, "copied") {
			t.Fatalf("migrate-to: exit %d: %s%s", code, out, errOut)
		}
		t.Log(out)
		if d := cmp.Diff(exportOf(t, lite, false), exportOf(t, target, false)); d != "" {
			t.Errorf("export after migrate-to (-sqlite +postgres):\n%s", d)
		}
		t.Setenv("LONGGAME_DB", lite)
		if code, _, _ := runForTest(t, "migrate-to", target); code != exitError {
			t.Errorf("migrate-to a database that is not empty: exit %d, want %d", code, exitError)
		}
		// The copy goes on: new records number after the copied ones.
		h := startBot(t, newWorkspace(t), target)
		h.inChannel("U1", "C1", "/risk flag after the move", "#3")
	})
}
