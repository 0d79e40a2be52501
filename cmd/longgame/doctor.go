package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/slack-go/slack"
	_ "modernc.org/sqlite" // the driver peekSchemaVersion reads with

	"github.com/longgame/longgame/storage/postgres"
	"github.com/longgame/longgame/storage/sqlite"
)

const doctorHelp = `usage: longgame doctor

Checks what the bot needs, with the configuration of the environment
(see README.md), and prints one line per check:

  ok  <what>                 the check passed
  PROBLEM <what>: <fix>      what is wrong and what to do about it

The checks: every configuration variable parses; SLACK_BOT_TOKEN and
SLACK_APP_TOKEN are present and of the right kind; the database LONGGAME_DB
opens (pending migrations are applied, as "longgame run" would), and passes
SQLite's integrity and foreign key checks (for a postgres:// URL: the
connection works, the server's version, the schema's version against this
binary's, and the store's own checks); Slack's auth.test accepts the bot
token, and the token has every bot scope manifest.yml asks for;
apps.connections.open accepts the app-level token (Socket Mode).

Tokens, the Socket Mode URL and a database URL's password are never
printed.
Exit status: 0 when every check passes, 1 when any found a problem,
2 for a usage error.
`

// slackCheckTimeout bounds each call doctor makes to Slack.
const slackCheckTimeout = 20 * time.Second

// scope is a bot scope the app needs, and why.
type scope struct{ name, why string }

// requiredScopes are manifest.yml's oauth_config.scopes.bot, in its order.
// manifest.yml is outside this package, beyond go:embed's reach; a test
// keeps the two lists equal.
var requiredScopes = []scope{
	{"commands", "slash commands"},
	{"chat:write", "answers, check-in reminders and the weekly nudge"},
	{"chat:write.public", "check-ins in public deal channels the bot was not invited to"},
	{"users:read", "who is asking (a member, a guest or another organisation) and the owner's time zone"},
	{"channels:read", "who is in a public deal channel, and whether it is shared"},
	{"groups:read", "who is in a private deal channel, and whether it is shared"},
	{"mpim:read", "who is in a group DM used as a deal channel"},
	{"im:write", "the weekly nudge DM"},
	{"app_mentions:read", `"@Long Game risk summary"`},
	{"channels:history", "reconciling an interrupted reminder in a public channel"},
	{"groups:history", "reconciling an interrupted reminder in a private channel"},
	{"mpim:history", "finding the app's records in a group DM to hide them once shared"},
	{"im:history", "reconciling an interrupted reminder sent to its owner by DM"},
}

func runDoctor(ctx context.Context, inv invocation) int {
	fs := newFlagSet(inv, "doctor", doctorHelp)
	if code, ok := parseFlags(fs, inv.args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		return usageError(fs, "takes no arguments, got %q", fs.Arg(0))
	}
	d := &doctor{w: inv.stdout}
	d.run(ctx)
	if d.problems > 0 {
		return exitError
	}
	return exitOK
}

// doctor runs the checks and counts the problems it reports.
type doctor struct {
	w        io.Writer
	problems int
}

func (d *doctor) ok(format string, args ...any) {
	fmt.Fprintf(d.w, "ok  "+format+"\n", args...)
}

func (d *doctor) problem(what, format string, args ...any) {
	d.problems++
	fmt.Fprintf(d.w, "PROBLEM %s: %s\n", what, fmt.Sprintf(format, args...))
}

func (d *doctor) run(ctx context.Context) {
	cfg, err := loadConfig()
	if err != nil {
		// The other checks need the configuration.
		d.problem("configuration", "%v (the other checks wait until this is fixed)", err)
		return
	}
	d.ok("configuration: every variable parses (LONGGAME_DB=%s, time zone %s, currency %s)",
		dbName(cfg.DB), cfg.Timezone, cfg.Currency)
	botOK, appOK := d.checkTokens(cfg)
	d.checkDatabase(ctx, cfg.DB)
	if !botOK || !appOK {
		d.problem("Slack", "not contacted: fix the tokens above first")
		return
	}
	api := newSlackAPI(cfg, doctorHTTPClient)
	d.checkAuth(ctx, api)
	d.checkSocketMode(ctx, api)
}

// checkTokens checks each token's presence and shape, never echoing one.
func (d *doctor) checkTokens(cfg config) (botOK, appOK bool) {
	botOK, appOK = true, true
	for _, p := range tokenProblems(cfg) {
		d.problem("tokens", "%s", p)
		botOK = botOK && !strings.HasPrefix(p, "SLACK_BOT_TOKEN")
		appOK = appOK && !strings.HasPrefix(p, "SLACK_APP_TOKEN")
	}
	if botOK && appOK {
		d.ok("tokens: SLACK_BOT_TOKEN is a bot token (xoxb-…), SLACK_APP_TOKEN an app-level token (xapp-…)")
	}
	return botOK, appOK
}

// checkDatabase opens the database as the bot does, which applies pending
// migrations, and runs SQLite's integrity checks. A missing file is not
// created: the bot creates it on its first run.
func (d *doctor) checkDatabase(ctx context.Context, path string) {
	if isPostgres(path) {
		d.checkPostgres(ctx, path)
		return
	}
	what := "database " + path
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		d.ok("%s: does not exist yet; longgame run (or migrate) creates it. Check LONGGAME_DB if you expected data there", what)
		return
	} else if err != nil {
		d.problem(what, "%v: check LONGGAME_DB and the file's permissions", err)
		return
	}
	before, peekErr := peekSchemaVersion(ctx, path)
	if latest := sqlite.LatestSchemaVersion(); peekErr == nil && before > latest {
		d.problem(what, "its schema is at version %d, newer than this binary's %d: run the newer longgame that migrated it", before, latest)
		return
	}
	db, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		d.problem(what, "cannot open it (%v): LONGGAME_DB must name Long Game's SQLite file; if the file is damaged, restore the latest backup", err)
		return
	}
	defer db.Close()
	d.checkSchema(ctx, db, what, before, peekErr)
	if err := db.IntegrityCheck(ctx); err != nil {
		d.problem(what, "%v: stop the bot, keep a copy of the file, and restore the latest backup", err)
		return
	}
	d.ok("%s: integrity and foreign key checks pass", what)
}

// checkSchema says whether opening db migrated it: before is its version
// read beforehand, unknown when peekErr is set.
func (d *doctor) checkSchema(ctx context.Context, db interface {
	SchemaVersion(context.Context) (int, error)
}, what string, before int, peekErr error) {
	after, err := db.SchemaVersion(ctx)
	switch {
	case err != nil:
		d.problem(what, "cannot read its schema version (%v): restore the latest backup", err)
	case peekErr != nil || before == after:
		d.ok("%s: opens, migrations current (version %d)", what, after)
	default:
		d.ok("%s: opens, migrations applied now (version %d → %d)", what, before, after)
	}
}

// checkPostgres connects to the PostgreSQL database at url, says which
// server it is, compares its schema version with this binary's, applies
// the pending migrations (as "longgame run" would) and runs the store's
// integrity check. The URL's password is never printed.
func (d *doctor) checkPostgres(ctx context.Context, url string) {
	what := "database " + dbName(url)
	before, err := postgres.PeekSchemaVersion(ctx, url)
	if err != nil {
		d.problem(what, "cannot connect (%v): check LONGGAME_DB (host, port, user, password, database, sslmode) and that the server runs", err)
		return
	}
	if latest := postgres.LatestSchemaVersion(); before > latest {
		d.problem(what, "its schema is at version %d, newer than this binary's %d: run the newer longgame that migrated it", before, latest)
		return
	}
	db, err := postgres.Open(ctx, url, postgres.Options{})
	if err != nil {
		d.problem(what, "cannot open it (%v): check that the user may create tables in the database", err)
		return
	}
	defer db.Close()
	version, err := db.ServerVersion(ctx)
	if err != nil {
		d.problem(what, "the connection works but the server does not say its version (%v)", err)
		return
	}
	d.ok("%s: connected, PostgreSQL %s", what, version)
	d.checkSchema(ctx, db, what, before, nil)
	if err := db.IntegrityCheck(ctx); err != nil {
		d.problem(what, "%v: stop the bot and restore the latest backup (longgame restore)", err)
		return
	}
	d.ok("%s: risk tallies and numbering check out", what)
}

// peekSchemaVersion reads the schema version of the database at path
// without migrating it, so doctor can say whether opening it migrated it.
func peekSchemaVersion(ctx context.Context, path string) (int, error) {
	uri := "file:" + strings.NewReplacer("%", "%25", "#", "%23").Replace(path) + "?mode=ro&_pragma=busy_timeout(5000)"
	db, err := sql.Open("sqlite", uri)
	if err != nil {
		return 0, err
	}
	defer db.Close()
	var tables int
	err = db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'`).Scan(&tables)
	if err != nil || tables == 0 {
		return 0, err
	}
	var v int
	err = db.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v)
	return v, err
}

// checkAuth calls auth.test with the bot token and compares the scopes it
// was granted (the x-oauth-scopes header) with the ones the app needs.
func (d *doctor) checkAuth(ctx context.Context, api *slack.Client) {
	ctx, cancel := context.WithTimeout(ctx, slackCheckTimeout)
	defer cancel()
	res, err := api.AuthTestContext(ctx)
	if err != nil {
		d.problem("Slack auth.test", "%s", slackFix(err, func(slack.SlackErrorResponse) string { return authError(err).Error() }))
		return
	}
	d.ok("Slack auth.test: workspace %s (%s), bot user %s (%s)", res.Team, res.TeamID, res.User, res.UserID)
	header := res.Header.Get("X-OAuth-Scopes")
	if header == "" {
		d.problem("Slack scopes", "auth.test did not say which scopes the bot token has (no x-oauth-scopes header): check that SLACK_API_URL reaches Slack's Web API")
		return
	}
	if missing := missingScopes(header); len(missing) > 0 {
		d.problem("Slack scopes", "the bot token lacks %s: reinstall the app from manifest.yml (api.slack.com/apps → your app → OAuth & Permissions → Reinstall to Workspace)",
			strings.Join(missing, "; "))
		return
	}
	d.ok("Slack scopes: the bot token has the %d scopes manifest.yml asks for", len(requiredScopes))
}

// missingScopes lists the required scopes absent from granted, the
// comma-separated x-oauth-scopes header, each with what it is for.
func missingScopes(granted string) []string {
	have := strings.Split(granted, ",")
	for i := range have {
		have[i] = strings.TrimSpace(have[i])
	}
	var out []string
	for _, s := range requiredScopes {
		if !slices.Contains(have, s.name) {
			out = append(out, fmt.Sprintf("%s (%s)", s.name, s.why))
		}
	}
	return out
}

// checkSocketMode asks apps.connections.open for a Socket Mode URL with the
// app-level token. The URL carries a one-use ticket, a credential: it is
// dropped unread.
func (d *doctor) checkSocketMode(ctx context.Context, api *slack.Client) {
	ctx, cancel := context.WithTimeout(ctx, slackCheckTimeout)
	defer cancel()
	if _, _, err := api.StartSocketModeContext(ctx); err != nil {
		d.problem("Slack Socket Mode", "%s", slackFix(err, appTokenFix))
		return
	}
	d.ok("Slack Socket Mode: apps.connections.open accepts SLACK_APP_TOKEN")
}

// appTokenFix is what to do when apps.connections.open refuses the
// app-level token.
func appTokenFix(se slack.SlackErrorResponse) string {
	switch se.Err {
	case "invalid_auth", "not_authed", "token_revoked", "not_allowed_token_type":
		return fmt.Sprintf("slack refused SLACK_APP_TOKEN (%s): generate an app-level token with the connections:write scope under Basic Information → App-Level Tokens", se.Err)
	}
	return fmt.Sprintf("apps.connections.open answered %s: check that Socket Mode is on for the app (manifest.yml turns it on)", se.Err)
}

// slackFix says what to do about err from a Slack call: refused is the
// advice when Slack answered with an error; otherwise the call did not get
// through.
func slackFix(err error, refused func(slack.SlackErrorResponse) string) string {
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		return refused(se)
	}
	return fmt.Sprintf("%v: check the network, and SLACK_API_URL if it is set", err)
}

// The flag handling below is shared by doctor, backup and export.

// newFlagSet is a subcommand's flag set: its errors and -h go to stderr,
// with help and the flags' defaults.
func newFlagSet(inv invocation, name, help string) *flag.FlagSet {
	fs := flag.NewFlagSet("longgame "+name, flag.ContinueOnError)
	fs.SetOutput(inv.stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), help)
		n := 0
		fs.VisitAll(func(*flag.Flag) { n++ })
		if n > 0 {
			fmt.Fprintln(fs.Output(), "\nflags:")
			fs.PrintDefaults()
		}
	}
	return fs
}

// parseFlags parses args. When ok is false the subcommand exits with code:
// 0 after -h, 2 after a bad flag (flag has explained it and shown usage).
func parseFlags(fs *flag.FlagSet, args []string) (code int, ok bool) {
	switch err := fs.Parse(args); {
	case err == nil:
		return exitOK, true
	case errors.Is(err, flag.ErrHelp):
		return exitOK, false
	default:
		return exitUsage, false
	}
}

// usageError says what is wrong with the invocation, shows the usage and
// returns the usage exit status.
func usageError(fs *flag.FlagSet, format string, args ...any) int {
	fmt.Fprintf(fs.Output(), "%s: %s\n\n", fs.Name(), fmt.Sprintf(format, args...))
	fs.Usage()
	return exitUsage
}

// doctorHTTPClient makes doctor's few Web API calls.
var doctorHTTPClient = &http.Client{Timeout: 30 * time.Second}
