package main

import (
	"encoding/json"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/longgame/longgame/storage"
	"github.com/longgame/longgame/storage/postgres"
	"github.com/longgame/longgame/storage/postgres/pgtest"
	"github.com/longgame/longgame/storage/sqlite"
	"github.com/longgame/longgame/storage/storagetest"
)

// TestMigrateToCarriesTheFirstWeek copies a SQLite database holding one of
// everything the first week added (timelines, withdrawn and edited
// entries, earlier champions' asks, numbered and missed check-ins) into
// PostgreSQL: both stores then read the same, and numbering goes on.
func TestMigrateToCarriesTheFirstWeek(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "longgame.db")
	lite, err := sqlite.Open(ctx, path, sqlite.Options{Now: storagetest.NewClock(storagetest.T0).Now})
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	d, champions := storagetest.FirstWeek(t, lite)
	url := pgtest.NewDatabase(t)
	if _, err := migrateTo(ctx, path, url); err != nil {
		t.Fatalf("migrate-to: %v", err)
	}
	pg, err := postgres.Open(ctx, url, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()

	// The audit details are the same JSON, which each store spells its way.
	sameJSON := cmp.FilterPath(func(p cmp.Path) bool {
		f, ok := p.Last().(cmp.StructField)
		return ok && f.Name() == "Detail"
	}, cmp.Comparer(jsonEqual))
	storagetest.Diff(t, storagetest.Snapshot(t, pg, d.ID), storagetest.Snapshot(t, lite, d.ID), sameJSON)
	for _, c := range champions {
		storagetest.Diff(t, storagetest.Must(pg.ChampionRoles(ctx, "T1", c.ID)), storagetest.Must(lite.ChampionRoles(ctx, "T1", c.ID)))
	}
	if a := storagetest.Must(pg.AddAsk(ctx, storagetest.Alice, d.ID, "next", 1)); a.Number != 4 || a.ChampionID != champions[1].ID {
		t.Errorf("the next ask: #%d of champion %d, want #4 of %d", a.Number, a.ChampionID, champions[1].ID)
	}
}

// jsonEqual reports whether x and y are the same JSON value.
func jsonEqual(x, y string) bool {
	var vx, vy any
	return json.Unmarshal([]byte(x), &vx) == nil && json.Unmarshal([]byte(y), &vy) == nil && reflect.DeepEqual(vx, vy)
}

// TestMigrateToCarriesRelationships copies a SQLite database holding what
// champions across deals record (a favored alternative and its surcharge,
// a job change with its reminder, a touch) into PostgreSQL: both export
// the same.
func TestMigrateToCarriesRelationships(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "longgame.db")
	lite, err := sqlite.Open(ctx, path, sqlite.Options{Now: storagetest.NewClock(storagetest.T0).Now})
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	a, b := storagetest.Alice, storagetest.Bob
	open := storagetest.NewDeal(t, lite, a, "C1")
	won, _ := storagetest.WonDeal(t, lite, b, "C2")
	jane := storagetest.Must(lite.SetChampion(ctx, a, open.ID, storage.ChampionInput{Name: "Jane Doe", Company: "Acme"})).Champion
	storagetest.Must(lite.SetChampion(ctx, b, won.ID, storage.ChampionInput{Name: "Jane Doe", Company: "Acme"}))
	favored := "Microsoft"
	storagetest.Must(lite.UpdateDeal(ctx, a, open.ID, storage.DealChanges{Favored: &favored}))
	storagetest.Must(lite.AddAsk(ctx, a, open.ID, "intro", 2))
	storagetest.Must(lite.AddTouch(ctx, b, storage.Touch{DealID: won.ID, Note: "lunch"}))
	reminder := storage.MoveReminder(won.ID, storagetest.T0, storage.Week{Loc: time.UTC, Days: storage.MonToFri})
	storagetest.Must(lite.MoveChampion(ctx, a, jane.ID, storage.ChampionMove{Company: "Hooli", On: storagetest.T0,
		Reminders: []storage.NewCheckin{reminder}}))

	url := pgtest.NewDatabase(t)
	counts, err := migrateTo(ctx, path, url)
	if err != nil {
		t.Fatalf("migrate-to: %v", err)
	}
	if counts["touches"] != 1 {
		t.Errorf("touches copied: %d, want 1", counts["touches"])
	}
	pg, err := postgres.Open(ctx, url, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	want := storagetest.Must(lite.Export(ctx, ""))
	storagetest.Diff(t, storagetest.Must(pg.Export(ctx, "")), want)
	ex := want.Workspaces[0]
	if o := ex.Deals[0]; o.Deal.Favored != favored || o.Deal.ChampionLeft != "Acme" || o.Asks[0].Extra != storage.FavoredSurcharge {
		t.Errorf("the open deal: %+v", o)
	}
	if c := ex.Champions[0]; len(c.Roles) != 2 || c.Roles[1].MovedFrom != "Acme" || len(c.Touches) != 1 {
		t.Errorf("Jane: %+v, want a move from Acme and a touch", c)
	}
}
