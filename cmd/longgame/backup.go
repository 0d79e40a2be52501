package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/longgame/longgame/storage/postgres"
	"github.com/longgame/longgame/storage/sqlite"
)

const backupHelp = `usage: longgame backup [--force] <file>

Writes a consistent copy of the database (LONGGAME_DB) to <file>, safe to run
while the bot is running: SQLite's VACUUM INTO copies one snapshot, never a
half-written page, and the bot keeps answering meanwhile. Copying the
database file with cp is not safe while the bot runs.

An existing <file> is left alone unless --force is given; then the copy is
written next to it first and renamed over it, so a backup that fails never
destroys the previous one. Restore by stopping the bot and putting the copy
in place of LONGGAME_DB.

For PostgreSQL (LONGGAME_DB=postgres://…) the copy is every table as COPY
writes it, read in one REPEATABLE READ transaction, with a header naming
the schema version; "longgame restore <file>" loads it into an empty
database.

Opening the database applies pending migrations first, as "longgame run"
would. Exit status: 0 when the copy is written, 1 when it could not be,
2 for a usage error.
`

func runBackup(ctx context.Context, inv invocation) int {
	fs := newFlagSet(inv, "backup", backupHelp)
	force := fs.Bool("force", false, "replace <file> if it exists")
	if code, ok := parseFlags(fs, inv.args); !ok {
		return code
	}
	switch {
	case fs.NArg() == 0:
		return usageError(fs, "name the file to write the copy to")
	case fs.NArg() > 1:
		return usageError(fs, "takes one file, got %q (flags go before the file)", fs.Args())
	}
	dst := fs.Arg(0)
	cfg, err := loadConfig()
	if err != nil {
		fmt.Fprintf(inv.stderr, "longgame backup: %v\n", err)
		return exitUsage
	}
	if err := backup(ctx, cfg.DB, dst, *force); err != nil {
		fmt.Fprintf(inv.stderr, "longgame backup: %v\n", err)
		return exitError
	}
	info, err := os.Stat(dst)
	if err != nil {
		fmt.Fprintf(inv.stderr, "longgame backup: %v\n", err)
		return exitError
	}
	fmt.Fprintf(inv.stdout, "wrote %s (%d bytes): a consistent copy of %s\n", dst, info.Size(), dbName(cfg.DB))
	return exitOK
}

// backup copies the database at src to dst, replacing dst only if force.
func backup(ctx context.Context, src, dst string, force bool) error {
	if isPostgres(src) {
		return backupPostgres(ctx, src, dst, force)
	}
	srcInfo, err := os.Stat(src)
	if err != nil {
		// sqlite.Open would create an empty database: nothing to back up.
		return fmt.Errorf("database %s (LONGGAME_DB): %w", src, err)
	}
	if _, err := os.Lstat(dst); err == nil && !force {
		return fmt.Errorf("%s already exists: choose another name, or add --force to replace it", dst)
	}
	db, err := sqlite.Open(ctx, src, sqlite.Options{})
	if err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	defer db.Close()
	// The copy is made in a fresh directory beside dst, then moved into
	// place: dst is never a half-written file.
	tmpDir, err := os.MkdirTemp(filepath.Dir(dst), ".longgame-backup-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmpDir)
	tmp := filepath.Join(tmpDir, "backup.db")
	if err := db.Backup(ctx, tmp); err != nil {
		return err
	}
	// The copy holds what the database holds: the same permissions.
	if err := os.Chmod(tmp, srcInfo.Mode().Perm()); err != nil {
		return err
	}
	if err := place(tmp, dst, force); err != nil {
		return err
	}
	return syncDir(filepath.Dir(dst))
}

// backupPostgres writes the PostgreSQL database at url to dst as the
// file `longgame restore` loads: every table copied in one snapshot,
// readable by its owner only.
func backupPostgres(ctx context.Context, url, dst string, force bool) error {
	if _, err := os.Lstat(dst); err == nil && !force {
		return fmt.Errorf("%s already exists: choose another name, or add --force to replace it", dst)
	}
	db, err := postgres.Open(ctx, url, postgres.Options{})
	if err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	defer db.Close()
	tmpDir, err := os.MkdirTemp(filepath.Dir(dst), ".longgame-backup-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmpDir)
	tmp := filepath.Join(tmpDir, "backup.lgpg")
	if err := db.Backup(ctx, tmp); err != nil {
		return err
	}
	if err := place(tmp, dst, force); err != nil {
		return err
	}
	return syncDir(filepath.Dir(dst))
}

// place moves tmp to dst. Without force it never replaces dst, even one
// created since it was checked.
func place(tmp, dst string, force bool) error {
	if force {
		return os.Rename(tmp, dst)
	}
	err := os.Link(tmp, dst)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s already exists: choose another name, or add --force to replace it", dst)
	}
	if err == nil {
		return nil
	}
	// A file system without hard links: check again, then rename.
	if _, err := os.Lstat(dst); err == nil {
		return fmt.Errorf("%s already exists: choose another name, or add --force to replace it", dst)
	}
	return os.Rename(tmp, dst)
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}
