package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"
)

// Exit statuses of the binary.
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

// invocation is everything a subcommand may use: no globals, so an end-to-end
// test can run several instances of the program side by side.
type invocation struct {
	args   []string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	now    func() time.Time // the wall clock: time.Now, unless a test pins it
}

// subcommand is one verb of the binary. Adding a verb is adding an entry to
// subcommands and a file that implements it.
type subcommand struct {
	name    string
	summary string
	run     func(ctx context.Context, inv invocation) int
}

func subcommands() []subcommand {
	return []subcommand{
		{"run", "connect to Slack over Socket Mode and serve (the default)", runRun},
		{"local", "the whole bot against a Slack emulator in this terminal: no Slack account needed", runLocal},
		{"migrate", "apply the database migrations and exit", runMigrate},
		{"doctor", "check the configuration, the database and Slack; say what to fix", runDoctor},
		{"backup", "write a consistent copy of the database, even while the bot runs", runBackup},
		{"restore", "load a PostgreSQL backup into an empty PostgreSQL database", runRestore},
		{"migrate-to", "copy the SQLite database into an empty PostgreSQL one and check it", runMigrateTo},
		{"export", "write every deal and its records as JSON or CSV", runExport},
		{"version", "print the version", runVersion},
		{"bench", "measure latency, throughput, reminders, memory and start-up against a bare bot", runBench},
		{"bench-baseline", "", runBenchBaseline}, // hidden: the bare bot bench measures against
		{"help", "show this help", runHelp},
	}
}

// run is main without the process: it returns the exit status.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	name := "run"
	if len(args) > 0 {
		name, args = args[0], args[1:]
	}
	inv := invocation{args: args, stdin: stdin, stdout: stdout, stderr: stderr, now: time.Now}
	for _, sc := range subcommands() {
		if sc.name == name {
			return sc.run(ctx, inv)
		}
	}
	if strings.TrimLeft(name, "-") == "help" || name == "-h" {
		return runHelp(ctx, inv)
	}
	fmt.Fprintf(stderr, "longgame: unknown command %q\n\n", name)
	printUsage(stderr)
	return exitUsage
}

func runHelp(_ context.Context, inv invocation) int {
	printUsage(inv.stdout)
	return exitOK
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "usage: longgame <command> [arguments]")
	fmt.Fprintln(w)
	for _, sc := range subcommands() {
		if sc.summary == "" {
			continue // hidden: for the binary's own use
		}
		fmt.Fprintf(w, "  %-10s %s\n", sc.name, sc.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Configuration is read from the environment; see README.md.")
}
