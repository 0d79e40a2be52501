package postgres_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

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
	url := restored(t, src)
	dst := openTest(t, url, nil)

	storagetest.Diff(t, storagetest.Snapshot(t, dst, d.ID), storagetest.Snapshot(t, src, d.ID))
	wantAnalyzed(t, url, "deals", "checkins", "asks", "risks")
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

// TestBackupAndRestoreCarryRelationships restores a backup of a store
// holding what champions across deals record (a favored alternative and
// its surcharge, a job change with its reminder, a touch): the copy
// exports the same, and a new touch takes the next id.
func TestBackupAndRestoreCarryRelationships(t *testing.T) {
	ctx := t.Context()
	src := openTest(t, migrated.New(t), storagetest.NewClock(storagetest.T0).Now)
	recordRelationships(t, src)
	dst := openTest(t, restored(t, src), nil)

	storagetest.Diff(t, must(dst.Export(ctx, "")), must(src.Export(ctx, "")))
	storagetest.Diff(t, must(dst.Counts(ctx)), must(src.Counts(ctx)))
	d := must(dst.DealByChannel(ctx, "T1", "C2"))
	if tch := must(dst.AddTouch(ctx, storagetest.Bob, storage.Touch{DealID: d.ID})); tch.ID != 2 {
		t.Errorf("the next touch has id %d, want 2", tch.ID)
	}
}

// recordRelationships records on s one of everything champions across
// deals added, and checks that the export carries each.
func recordRelationships(t *testing.T, s storage.Store) {
	t.Helper()
	ctx := t.Context()
	a, b := storagetest.Alice, storagetest.Bob
	open := storagetest.NewDeal(t, s, a, "C1")
	won, _ := storagetest.WonDeal(t, s, b, "C2")
	jane := must(s.SetChampion(ctx, a, open.ID, storage.ChampionInput{Name: "Jane Doe", Company: "Acme"})).Champion
	must(s.SetChampion(ctx, b, won.ID, storage.ChampionInput{Name: "Jane Doe", Company: "Acme"}))
	favored := "Microsoft"
	must(s.UpdateDeal(ctx, a, open.ID, storage.DealChanges{Favored: &favored}))
	must(s.AddAsk(ctx, a, open.ID, "intro", 2))
	must(s.AddTouch(ctx, b, storage.Touch{DealID: won.ID, Note: "lunch"}))
	reminder := storage.MoveReminder(won.ID, storagetest.T0, storage.Week{Loc: time.UTC, Days: storage.MonToFri})
	must(s.MoveChampion(ctx, a, jane.ID, storage.ChampionMove{Company: "Hooli", On: storagetest.T0,
		Reminders: []storage.NewCheckin{reminder}}))

	ex := must(s.Export(ctx, "T1")).Workspaces[0]
	o, w := ex.Deals[0], ex.Deals[1]
	if o.Deal.Favored != favored || o.Deal.ChampionLeft != "Acme" || len(o.Asks) != 1 || o.Asks[0].Extra != storage.FavoredSurcharge {
		t.Errorf("the open deal: %+v", o)
	}
	if !slices.ContainsFunc(w.Checkins, func(c storage.Checkin) bool { return c.Kind == storage.KindJobChange }) {
		t.Errorf("the won deal's check-ins: %+v, want a job change among them", w.Checkins)
	}
	if c := ex.Champions[0]; len(c.Roles) != 2 || c.Roles[1].MovedFrom != "Acme" || len(c.Touches) != 1 {
		t.Errorf("Jane: %+v, want a move from Acme and a touch", c)
	}
}

// wantAnalyzed checks that the planner has statistics on tables of the
// database at url: a restored database is used at once, and a plan made
// without them may scan what an index would find.
func wantAnalyzed(t *testing.T, url string, tables ...string) {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	for _, table := range tables {
		var tuples float64
		if err := conn.QueryRow(t.Context(), `SELECT reltuples FROM pg_class WHERE relname = $1 AND relkind = 'r'`, table).Scan(&tuples); err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		if tuples < 0 {
			t.Errorf("table %s has no statistics after the restore", table)
		}
	}
}
