package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/longgame/longgame/bot/slackfake"
	"github.com/longgame/longgame/storage/postgres"
)

const benchUsage = `usage: longgame bench [flags]

Measures Long Game against a bare slack-go bot under the same load, in the
same run, so that what matters is the ratio bot/baseline rather than the
speed of this machine. It starts a fake Slack (Web API and Socket Mode on
127.0.0.1) in this process, and runs each bot as a child process of this
binary with SLACK_API_URL pointing at the fake: first the baseline
("bench-baseline": slack-go v0.35.0's socketmode client acking every slash
command at once with {"text":"ok"}), then the real bot ("longgame run") on
a fresh SQLite file in a temporary directory, removed at the end (with
--db postgres://…, on a fresh PostgreSQL database created on that server
for each scenario and dropped at the end). Nothing
leaves 127.0.0.1 and no environment variable of this process is read.

Each bot gets, in turn:
  open loop    --open-n "/risk flag … severity:low" into one deal, sent at
               --open-rate per second on schedule whatever the answers;
               latency is envelope sent → first user-visible reply (the ack
               payload, or the response_url post when the ack has none)
  read path    --summary-n "/risk summary" of that deal (it then holds
               --open-n risks) with --in-flight outstanding: p50/p99
  closed loop  "/risk flag" into a second deal with --in-flight
               outstanding for --closed-for: commands answered per second
  peak RSS     VmHWM of the process after that load (/proc, Linux)
Then the bot alone:
  reminders    --reminders won deals, each in its own channel with a
               check-in due, before "longgame run" starts: time from the
               process start until every reminder reached the fake, with
               duplicates and missing ones; then the same with the first
               --reminders chat.postMessage calls answered 429
               (Retry-After: 1), against the floor: the unthrottled time
               plus one Retry-After. "not wired" means no reminder arrived
               within --reminder-wait of connecting. With --db, once
               more with three "longgame run" processes on one database,
               started together: every reminder must still arrive once.
  start-up     --startup-deals open deals seeded with the storage package,
               then process start → Socket Mode connected, --startup-runs
               times (median and max).

It prints a table, with the targets of issue #7 and whether they are met,
and with --json writes the whole report to a file. --quick shrinks every
size to a smoke run of a few seconds; a flag given explicitly wins over it.
Profiles come from the Go benchmarks, not from here:
  go test ./cmd/longgame -run '^$' -bench BenchmarkRecordRisk -cpuprofile cpu.out

Flags:
`

// benchOptions size the benchmark. Durations are in JSON as strings.
type benchOptions struct {
	OpenN        int      `json:"open_n"`
	OpenRate     int      `json:"open_rate"`
	SummaryN     int      `json:"summary_n"`
	InFlight     int      `json:"in_flight"`
	ClosedFor    duration `json:"closed_for"`
	Reminders    int      `json:"reminders"`
	ReminderWait duration `json:"reminder_wait"`
	StartupDeals int      `json:"startup_deals"`
	StartupRuns  int      `json:"startup_runs"`
	Skip         []string `json:"skip,omitempty"`
	Quick        bool     `json:"quick"`
	// DB is a PostgreSQL server URL: the bot then runs on PostgreSQL, each
	// scenario on a database of its own created there and dropped after.
	// "" runs it on SQLite files. Reported with its password masked.
	DB   string `json:"db,omitempty"`
	JSON string `json:"-"`
	// bin is the longgame binary the children run; default this one.
	bin string
}

// duration is a time.Duration that reads and writes as "1.5s".
type duration time.Duration

func (d duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

func (d *duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	*d = duration(v)
	return err
}

func (d duration) String() string { return time.Duration(d).String() }

func defaultBenchOptions() benchOptions {
	return benchOptions{OpenN: 2000, OpenRate: 200, SummaryN: 200, InFlight: 16, ClosedFor: duration(10 * time.Second),
		Reminders: 1000, ReminderWait: duration(10 * time.Second), StartupDeals: 100_000, StartupRuns: 3}
}

// quickSizes are --quick's sizes: a smoke run of a few seconds.
var quickSizes = map[string]string{
	"open-n": "200", "summary-n": "40", "closed-for": "1s", "reminders": "50",
	"reminder-wait": "3s", "startup-deals": "2000", "startup-runs": "1",
}

// benchScenarios are what --skip may name.
var benchScenarios = []string{"baseline", "bot", "reminders", "replicas", "startup"}

func parseBenchFlags(args []string, stderr io.Writer) (benchOptions, error) {
	o := defaultBenchOptions()
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, benchUsage)
		fs.PrintDefaults()
	}
	skip := defineBenchFlags(fs, &o)
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("bench takes no arguments, only flags: %q", fs.Arg(0))
	}
	if o.Quick {
		if err := applyQuick(fs); err != nil {
			return o, err
		}
	}
	var err error
	if o.Skip, err = parseSkip(*skip); err != nil {
		return o, err
	}
	return o, o.validate()
}

// defineBenchFlags binds the flags to o; it returns --skip's value.
func defineBenchFlags(fs *flag.FlagSet, o *benchOptions) *string {
	fs.IntVar(&o.OpenN, "open-n", o.OpenN, "open loop: commands sent")
	fs.IntVar(&o.OpenRate, "open-rate", o.OpenRate, "open loop: commands per second")
	fs.IntVar(&o.SummaryN, "summary-n", o.SummaryN, "read path: /risk summary commands")
	fs.IntVar(&o.InFlight, "in-flight", o.InFlight, "closed loop and read path: commands outstanding")
	fs.Func("closed-for", "closed loop: how long (default 10s)", durationFlag(&o.ClosedFor))
	fs.IntVar(&o.Reminders, "reminders", o.Reminders, "reminders: won deals with a check-in due, per run")
	fs.Func("reminder-wait", "reminders: how long to wait for the first one before reporting \"not wired\" (default 10s)", durationFlag(&o.ReminderWait))
	fs.IntVar(&o.StartupDeals, "startup-deals", o.StartupDeals, "start-up: deals in the database")
	fs.IntVar(&o.StartupRuns, "startup-runs", o.StartupRuns, "start-up: how many starts to time")
	fs.BoolVar(&o.Quick, "quick", false, "tiny sizes for a smoke run; explicit flags still win")
	fs.StringVar(&o.JSON, "json", "", "also write the report as JSON to this file")
	fs.StringVar(&o.DB, "db", "", "run the bot on PostgreSQL: a postgres:// URL of a server where bench may create (and drop) databases; default SQLite files")
	return fs.String("skip", "", "comma-separated scenarios to leave out: "+strings.Join(benchScenarios, ", "))
}

// applyQuick sets --quick's sizes on the flags not given explicitly.
func applyQuick(fs *flag.FlagSet) error {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	for name, v := range quickSizes {
		if !set[name] {
			if err := fs.Set(name, v); err != nil {
				return err
			}
		}
	}
	return nil
}

// parseSkip reads --skip: scenarios separated by commas.
func parseSkip(list string) ([]string, error) {
	var out []string
	for _, s := range strings.Split(list, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		if !slices.Contains(benchScenarios, s) {
			return nil, fmt.Errorf("--skip %s: not a scenario; use %s", s, strings.Join(benchScenarios, ", "))
		}
		out = append(out, s)
	}
	return out, nil
}

func durationFlag(p *duration) func(string) error {
	return func(s string) error {
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			return errors.New("want a positive duration such as 10s")
		}
		*p = duration(d)
		return nil
	}
}

func (o benchOptions) validate() error {
	for _, c := range []struct {
		name string
		v    int
		min  int
	}{{"open-n", o.OpenN, 1}, {"open-rate", o.OpenRate, 1}, {"summary-n", o.SummaryN, 1}, {"in-flight", o.InFlight, 1},
		{"reminders", o.Reminders, 1}, {"startup-deals", o.StartupDeals, 0}, {"startup-runs", o.StartupRuns, 1}} {
		if c.v < c.min {
			return fmt.Errorf("--%s %d: want at least %d", c.name, c.v, c.min)
		}
	}
	if o.DB != "" && !isPostgres(o.DB) {
		return fmt.Errorf("--db %s: want a postgres:// URL (without --db the bot runs on SQLite)", dbName(o.DB))
	}
	if o.Reminders > 99999 {
		return fmt.Errorf("--reminders %d: at most 99999", o.Reminders)
	}
	return nil
}

func (o benchOptions) skips(scenario string) bool { return slices.Contains(o.Skip, scenario) }

func runBench(ctx context.Context, inv invocation) int {
	opts, err := parseBenchFlags(inv.args, inv.stderr)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(inv.stderr, "longgame bench: %v\n", err)
		return exitUsage
	}
	if opts.bin, err = os.Executable(); err != nil {
		fmt.Fprintf(inv.stderr, "longgame bench: cannot find this binary to run it: %v\n", err)
		return exitError
	}
	rep, err := benchmark(ctx, opts, inv.stderr)
	if rep != nil {
		rep.print(inv.stdout)
	}
	if err != nil {
		fmt.Fprintf(inv.stderr, "longgame bench: %v\n", err)
		return exitError
	}
	if opts.JSON != "" {
		if err := rep.writeJSON(opts.JSON); err != nil {
			fmt.Fprintf(inv.stderr, "longgame bench: %v\n", err)
			return exitError
		}
	}
	return exitOK
}

// bench is one run of the benchmark.
type bench struct {
	opts      benchOptions
	fake      *slackfake.Server // the current scenario's
	dir       string            // temporary: the SQLite databases
	log       io.Writer
	databases []string // PostgreSQL databases created, to drop
}

// database is a new, empty database for a scenario, as LONGGAME_DB names
// it: a file in the temporary directory, or with --db a database created
// on that server (dropped at the end).
func (b *bench) database(ctx context.Context, name string) (string, error) {
	if b.opts.DB == "" {
		return filepath.Join(b.dir, name+".db"), nil
	}
	db := fmt.Sprintf("longgame_bench_%d_%s", os.Getpid(), strings.ReplaceAll(name, "-", "_"))
	if err := postgres.DropDatabase(ctx, b.opts.DB, db); err != nil {
		return "", err
	}
	if err := postgres.CreateDatabase(ctx, b.opts.DB, db, ""); err != nil {
		return "", err
	}
	b.databases = append(b.databases, db)
	return postgres.WithDatabase(b.opts.DB, db)
}

// dropDatabases drops the PostgreSQL databases the run created.
func (b *bench) dropDatabases() {
	for _, db := range b.databases {
		if err := postgres.DropDatabase(context.Background(), b.opts.DB, db); err != nil {
			b.progress("drop database %s: %v", db, err)
		}
	}
}

func (b *bench) progress(format string, args ...any) {
	fmt.Fprintf(b.log, "bench: "+format+"\n", args...)
}

// benchmark runs every scenario not skipped and returns what it measured,
// even when a scenario failed.
func benchmark(ctx context.Context, opts benchOptions, progress io.Writer) (*benchReport, error) {
	dir, err := os.MkdirTemp("", "longgame-bench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	b := &bench{opts: opts, dir: dir, log: progress}
	defer b.dropDatabases()
	rep := newBenchReport(opts)
	rep.Options.DB = dbName(opts.DB)
	err = b.run(ctx, rep)
	rep.LoadAvg[1] = loadAvg()
	rep.Targets = rep.checkTargets()
	return rep, err
}

func (b *bench) run(ctx context.Context, rep *benchReport) error {
	steps := []struct {
		name, scenario string // scenario: what --skip names
		run            func() error
	}{
		{"baseline", "baseline", func() (err error) { rep.Baseline, err = b.load(ctx, baselineTarget()); return }},
		{"bot", "bot", func() error {
			db, err := b.database(ctx, "bot")
			if err == nil {
				rep.Bot, err = b.load(ctx, botTarget(db))
			}
			return err
		}},
		{"reminders", "reminders", func() (err error) {
			rep.Reminders, err = b.reminders(ctx, b.opts.Reminders, false, 0)
			return
		}},
		{"reminders under 429", "reminders", func() (err error) {
			if !rep.Reminders.Wired {
				return nil // nothing to throttle
			}
			floor := time.Duration(rep.Reminders.Seconds * float64(time.Second))
			rep.Reminders429, err = b.reminders(ctx, b.opts.Reminders, true, floor)
			return
		}},
		{"reminders, 3 replicas", "replicas", func() (err error) {
			if b.opts.DB == "" {
				return nil // replicas share a PostgreSQL database
			}
			rep.RemindersReplicas, err = b.replicaReminders(ctx, b.opts.Reminders)
			return
		}},
		{"start-up", "startup", func() (err error) { rep.Startup, err = b.startup(ctx); return }},
	}
	for _, s := range steps {
		if b.opts.skips(s.scenario) {
			continue
		}
		if err := b.withFake(s.run); err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
	}
	return nil
}

// withFake runs one scenario against a fake Slack of its own, so that no
// scenario inherits the messages and replies of another.
func (b *bench) withFake(scenario func() error) error {
	fake, err := newBenchFake()
	if err != nil {
		return err
	}
	defer fake.Close()
	b.fake = fake
	defer func() { b.fake = nil }()
	return scenario()
}

// newBenchFake starts the fake Slack the benchmark drives: one team, the
// users and the channels of the load.
func newBenchFake() (*slackfake.Server, error) {
	fake := slackfake.New(slackfake.Options{BotToken: benchBotToken, AppToken: benchAppToken, TeamID: benchTeam, TeamName: "Bench"})
	if err := fake.Start(); err != nil {
		return nil, err
	}
	fake.AddUser(slackfake.User{ID: "U1", Name: "ana", RealName: "Ana Seller", TZ: "UTC"})
	for _, c := range []slackfake.Channel{
		{ID: "C1", Name: "deal-open-loop", IsMember: true},
		{ID: "C2", Name: "deal-closed-loop", IsMember: true},
	} {
		fake.AddChannel(c)
	}
	return fake, nil
}

// start runs bin verb as a child against the scenario's fake and waits
// until it is connected; up is the time that took from the process start.
func (b *bench) start(ctx context.Context, name, verb string, env ...string) (c *child, up time.Duration, err error) {
	b.progress("%s: starting %q", name, verb)
	if c, err = startChild(b.opts.bin, verb, b.fake, env...); err != nil {
		return nil, 0, err
	}
	if up, err = c.connect(ctx, b.fake, 30*time.Second); err != nil {
		b.stopChild(ctx, c)
		return nil, 0, err
	}
	return c, up, nil
}

// peakRSS is c's peak RSS, or 0 (n/a) where it cannot be read.
func (b *bench) peakRSS(c *child) int64 {
	rss, err := c.peakRSS()
	if err != nil {
		b.progress("%s: %v", c.verb, err)
	}
	return rss
}

// stopChild stops c and waits until the fake saw its socket go.
func (b *bench) stopChild(ctx context.Context, c *child) {
	if err := c.stop(); err != nil {
		b.progress("%s: %v", c.verb, err)
	}
	if err := waitDisconnected(ctx, b.fake); err != nil {
		b.progress("%v", err)
	}
}

// benchEnv describes the machine, for the report's header.
func benchEnv() (cpus int, goVersion, platform string) {
	return runtime.NumCPU(), runtime.Version(), runtime.GOOS + "/" + runtime.GOARCH
}

func (r *benchReport) writeJSON(path string) error {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
}
