package sqlite

import (
	"database/sql"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"testing/fstest"

	modernc "modernc.org/sqlite"

	"github.com/longgame/longgame/storage"
	"github.com/longgame/longgame/storage/storagetest"
)

func TestOpenPragmasReadBack(t *testing.T) {
	db, _ := openTest(t)
	for _, tc := range []struct {
		name    string
		pool    *sql.DB
		pragmas []pragma
	}{
		{"writer", db.w.conn.DB, writePragmas},
		{"readers", db.read.DB, readPragmas},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := checkPragmas(t.Context(), tc.pool, tc.pragmas); err != nil {
				t.Errorf("got %v, want the pragmas as asked", err)
			}
		})
	}
}

func TestCheckPragmasNamesTheWrongOne(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.db")
	for _, tc := range []struct {
		name string
		set  string // the setting that replaces the right one
	}{
		{"busy_timeout", "busy_timeout(10)"},
		{"foreign_keys", "foreign_keys(0)"},
		{"journal_mode", "journal_mode(DELETE)"},
		{"synchronous", "synchronous(NORMAL)"},
		{"foreign_keys", "foreign_key(1)"}, // misspelt: silently ignored by the driver
	} {
		t.Run(tc.set, func(t *testing.T) {
			var asked []pragma
			for _, p := range commonPragmas {
				if p.name == tc.name {
					p.set = tc.set
				}
				asked = append(asked, p)
			}
			pool, err := sql.Open("sqlite", dsn(path, asked, ""))
			if err != nil {
				t.Fatal(err)
			}
			defer pool.Close()
			err = checkPragmas(t.Context(), pool, commonPragmas)
			if err == nil || !strings.Contains(err.Error(), "pragma "+tc.name) {
				t.Errorf("got %v, want an error naming pragma %s", err, tc.name)
			}
		})
	}
}

func TestOpenRefusesPaths(t *testing.T) {
	for _, path := range []string{"", ":memory:", "file::memory:?cache=shared", "a?b.db"} {
		t.Run(path, func(t *testing.T) {
			db, err := Open(t.Context(), path, Options{})
			if err == nil {
				db.Close()
			}
			wantErr(t, err, storage.ErrInvalid)
		})
	}
}

func TestMigrationsIdempotentAcrossReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "longgame.db")
	latest := LatestSchemaVersion()
	if latest < 1 {
		t.Fatalf("LatestSchemaVersion() = %d, want ≥ 1", latest)
	}
	for i := range 3 {
		db, err := Open(t.Context(), path, Options{})
		if err != nil {
			t.Fatalf("open #%d: %v", i, err)
		}
		if got := must(db.SchemaVersion(t.Context())); got != latest {
			t.Errorf("open #%d: SchemaVersion = %d, want %d", i, got, latest)
		}
		if got := count(t, db, `SELECT COUNT(*) FROM schema_migrations`); got != latest {
			t.Errorf("open #%d: %d migrations recorded, want %d", i, got, latest)
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "longgame.db")
	db := must(Open(t.Context(), path, Options{}))
	exec(t, db, `INSERT INTO schema_migrations (version, applied_at) VALUES (999, 0)`)
	db.Close()
	db, err := Open(t.Context(), path, Options{})
	if err == nil {
		db.Close()
		t.Fatal("Open succeeded on a database from a newer binary")
	}
	if !strings.Contains(err.Error(), "newer") {
		t.Errorf("got %v, want it to say the schema is newer", err)
	}
}

func TestLoadMigrations(t *testing.T) {
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	for _, tc := range []struct {
		name     string
		fs       fstest.MapFS
		versions []int
		wantErr  bool
	}{
		{"in order", fstest.MapFS{"migrations/0001_a.sql": file("x"), "migrations/0002_b.sql": file("y")}, []int{1, 2}, false},
		{"gap", fstest.MapFS{"migrations/0001_a.sql": file("x"), "migrations/0003_c.sql": file("y")}, nil, true},
		{"bad name", fstest.MapFS{"migrations/init.sql": file("x")}, nil, true},
		{"zero", fstest.MapFS{"migrations/0000_a.sql": file("x")}, nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ms, err := loadMigrations(tc.fs)
			if (err != nil) != tc.wantErr {
				t.Fatalf("got error %v, want error: %v", err, tc.wantErr)
			}
			var versions []int
			for _, m := range ms {
				versions = append(versions, m.version)
			}
			diff(t, versions, tc.versions)
		})
	}
}

func TestEmbeddedMigrationsLoad(t *testing.T) {
	if _, err := embeddedMigrations(); err != nil {
		t.Fatal(err)
	}
}

func TestReopenFileKeepsEverything(t *testing.T) {
	path := filepath.Join(t.TempDir(), "longgame.db")
	c := storagetest.NewClock(t0)
	db := must(Open(t.Context(), path, Options{Now: c.Now}))
	d := newDeal(t, db, alice, "C1")
	must(db.SetChampion(t.Context(), alice, d.ID, storage.ChampionInput{Name: "Jane Doe", Title: "VP of IT"}))
	must(db.AddAsk(t.Context(), alice, d.ID, "intro to CFO", 3))
	must(db.AddGive(t.Context(), alice, d.ID, "training plan", 2))
	must(db.AddRisk(t.Context(), alice, d.ID, storage.NewRisk{What: "SSO untested", Severity: storage.SeverityHigh, Area: storage.AreaTechnical, Scenario: "Okta"}))
	must(db.CloseDeal(t.Context(), alice, d.ID, storage.Close{Stage: storage.StageWon, Checkins: []storage.NewCheckin{{Kind: storage.KindPostClose, Offset: "14d", DueAt: t0.AddDate(0, 0, 14)}}}))
	before := storagetest.Snapshot(t, db, d.ID)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db = must(Open(t.Context(), path, Options{Now: c.Now}))
	defer db.Close()
	diff(t, storagetest.Snapshot(t, db, d.ID), before)
}

func TestBackup(t *testing.T) {
	db, _ := openTest(t)
	d := newDeal(t, db, alice, "C1")
	must(db.AddAsk(t.Context(), alice, d.ID, "intro to CFO", 3))
	path := filepath.Join(t.TempDir(), "backup.db")

	if err := db.Backup(t.Context(), path); err != nil {
		t.Fatalf("Backup: %v", err)
	}
	// storagetest checks the file's mode and that no file is overwritten;
	// here the copy is opened.
	cp := must(Open(t.Context(), path, Options{}))
	defer cp.Close()
	if err := cp.IntegrityCheck(t.Context()); err != nil {
		t.Error(err)
	}
	diff(t, must(cp.Asks(t.Context(), "T1", d.ID)), must(db.Asks(t.Context(), "T1", d.ID)))
}

func TestCommitsSyncWithFdatasyncWhereItExists(t *testing.T) {
	db, err := Open(t.Context(), filepath.Join(t.TempDir(), "lg.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if runtime.GOOS == "linux" && !modernc.FdatasyncEnabled() {
		t.Error("commits sync with fsync; SQLite's Linux builds use fdatasync, as durable and faster")
	}
}
