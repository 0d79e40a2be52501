package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/longgame/longgame/storage/postgres"
)

const restoreHelp = `usage: longgame restore <file>

Loads a backup that "longgame backup" wrote from a PostgreSQL database into
the PostgreSQL database LONGGAME_DB names (postgres://…), which must be
empty: a new database, or one "longgame migrate" just created the tables
of. A database holding any row is refused, untouched. The tables are
loaded in one transaction, each table's row count checked against the
backup's, then the schema is migrated to this binary's version and the
store's checks run. Nothing is written if any of it fails.

A SQLite backup needs no restore: stop the bot and put the file in place
of LONGGAME_DB.

Exit status: 0 when restored, 1 when it could not be, 2 for a usage error.
`

func runRestore(ctx context.Context, inv invocation) int {
	fs := newFlagSet(inv, "restore", restoreHelp)
	if code, ok := parseFlags(fs, inv.args); !ok {
		return code
	}
	if fs.NArg() != 1 {
		return usageError(fs, "name the backup file to restore")
	}
	cfg, err := loadConfig()
	if err != nil {
		fmt.Fprintf(inv.stderr, "longgame restore: %v\n", err)
		return exitUsage
	}
	if !isPostgres(cfg.DB) {
		fmt.Fprintf(inv.stderr, "longgame restore: LONGGAME_DB=%s is a SQLite file: restore loads into PostgreSQL (postgres://…); to restore a SQLite backup, stop the bot and put the file in place of LONGGAME_DB\n", cfg.DB)
		return exitUsage
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		fmt.Fprintf(inv.stderr, "longgame restore: %v\n", err)
		return exitError
	}
	defer f.Close()
	counts, err := postgres.Restore(ctx, cfg.DB, f)
	if err != nil {
		fmt.Fprintf(inv.stderr, "longgame restore: %s into %s: %v\n", fs.Arg(0), dbName(cfg.DB), err)
		return exitError
	}
	fmt.Fprintf(inv.stdout, "restored %s into %s, every table's row count checked:\n", fs.Arg(0), dbName(cfg.DB))
	printCounts(inv.stdout, counts)
	return exitOK
}

// printCounts writes one line per table, by name: its rows.
func printCounts(w io.Writer, counts map[string]int64) {
	var total int64
	for _, t := range slices.Sorted(maps.Keys(counts)) {
		fmt.Fprintf(w, "  %-16s %d\n", t, counts[t])
		total += counts[t]
	}
	fmt.Fprintf(w, "  %-16s %d\n", strings.Repeat("-", 5), total)
}
