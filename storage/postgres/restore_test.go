package postgres_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/longgame/longgame/storage"
	"github.com/longgame/longgame/storage/postgres"
	"github.com/longgame/longgame/storage/postgres/pgtest"
	"github.com/longgame/longgame/storage/storagetest"
)

// TestBackupAndRestoreCarryTheFirstWeek restores a backup of a store
// holding one of everything the first week added: the copy reads the same
// (deal, entries, audit, timelines), and numbering goes on where it was.
func TestBackupAndRestoreCarryTheFirstWeek(t *testing.T) {
	ctx := t.Context()
	src := openTest(t, migrated.New(t), storagetest.NewClock(storagetest.T0).Now)
	d, champions := storagetest.FirstWeek(t, src)
	dst := openTest(t, restored(t, src), nil)

	storagetest.Diff(t, storagetest.Snapshot(t, dst, d.ID), storagetest.Snapshot(t, src, d.ID))
	for _, c := range champions {
		storagetest.Diff(t, must(dst.ChampionRoles(ctx, "T1", c.ID)), must(src.ChampionRoles(ctx, "T1", c.ID)))
	}
	storagetest.Diff(t, must(dst.Counts(ctx)), must(src.Counts(ctx)))
	if a := must(dst.AddAsk(ctx, storagetest.Alice, d.ID, "next", 1)); a.Number != 4 || a.ChampionID != champions[1].ID {
		t.Errorf("the next ask: #%d of champion %d, want #4 of %d", a.Number, a.ChampionID, champions[1].ID)
	}
	if c := must(dst.AddCheckin(ctx, storagetest.Alice, storage.NewCheckin{DealID: d.ID, DueAt: storagetest.T0})); c.Number != 4 {
		t.Errorf("the next check-in: #%d, want #4", c.Number)
	}
}

// TestRestoreOfAnOlderBackupMigratesIt restores a backup taken at schema
// 0001: the restore migrates it on as Open migrates a database, the
// champions' company keys included.
func TestRestoreOfAnOlderBackupMigratesIt(t *testing.T) {
	old := oldDatabase(t, 1, firstWeekData...)
	path := filepath.Join(t.TempDir(), "backup")
	if err := postgres.BackupAsIs(t.Context(), old, path); err != nil {
		t.Fatal(err)
	}
	db := openTest(t, restore(t, path), nil)
	wantFirstWeekMigrated(t, db)
}

// restored is a new database holding a backup of db.
func restored(t *testing.T, db *postgres.DB) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "backup")
	if err := db.Backup(t.Context(), path); err != nil {
		t.Fatal(err)
	}
	return restore(t, path)
}

// restore is a new database into which the backup at path was restored.
func restore(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	url := pgtest.NewDatabase(t)
	if _, err := postgres.Restore(t.Context(), url, f); err != nil {
		t.Fatalf("restore: %v", err)
	}
	return url
}
