package sqlite

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/longgame/longgame/storage"
	"github.com/longgame/longgame/storage/storagetest"
)

// oldDatabase is a database at path migrated to version only, as an older
// binary left it; the caller closes it before opening path with Open.
func oldDatabase(t *testing.T, path string, version int) *sql.DB {
	t.Helper()
	old, err := sql.Open("sqlite", dsn(path, commonPragmas, "immediate"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = old.ExecContext(t.Context(), `CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL) STRICT`)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range must(embeddedMigrations())[:version] {
		if err := applyMigration(t.Context(), old, m, t0); err != nil {
			t.Fatalf("%s: %v", m.name, err)
		}
	}
	return old
}

// TestClosedAtMigrationBackfills upgrades a database of schema 0004 with
// closed deals: each gets the time its latest close was recorded, from the
// audit trail, else from its last change; an open deal gets none.
func TestClosedAtMigrationBackfills(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	old := oldDatabase(t, path, 4)
	at := func(days int) int64 { return t0.AddDate(0, 0, days).Unix() }
	for _, q := range []string{
		`INSERT INTO workspaces VALUES ('T1', 0)`,
		fmt.Sprintf(`INSERT INTO deals (id, team_id, channel_id, name, stage, owner_id, closed_on, budget,
				created_by, created_at, updated_by, updated_at) VALUES
			(1, 'T1', 'C1', 'closed twice', 'won', 'U', '2026-03-02', 10, 'U', 0, 'U', %d),
			(2, 'T1', 'C2', 'no audit', 'lost', 'U', '2026-03-03', 10, 'U', 0, 'U', %d),
			(3, 'T1', 'C3', 'open', 'open', 'U', NULL, 10, 'U', 0, 'U', %d)`, at(50), at(7), at(8)),
		fmt.Sprintf(`INSERT INTO audit (team_id, user_id, at, action, deal_id) VALUES
			('T1', 'U', %d, 'deal.close', 1), ('T1', 'U', %d, 'deal.reopen', 1), ('T1', 'U', %d, 'deal.close', 1),
			('T1', 'U', %d, 'deal.update', 1), ('T1', 'U', %d, 'deal.close', 3), ('T1', 'U', %d, 'deal.reopen', 3)`,
			at(1), at(2), at(40), at(50), at(3), at(4)),
	} {
		if _, err := old.ExecContext(t.Context(), q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	old.Close()

	db := openFile(t, path, nil)
	for id, want := range map[int64]int64{1: at(40), 2: at(7), 3: 0} {
		d := must(db.DealByID(t.Context(), "T1", id))
		if got := d.ClosedAt; want == 0 && !got.IsZero() || want != 0 && got.Unix() != want {
			t.Errorf("deal %d (%s): closed at %v, want %v", id, d.Name, got, time.Unix(want, 0).UTC())
		}
	}
}

// TestRiskSummaryMigrationBackfills upgrades a database written by the
// schema of migration 0002, with risks in it, and checks that the tallies
// migration 0003 fills in agree with the risks.
func TestRiskSummaryMigrationBackfills(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	old := oldDatabase(t, path, 2)
	stmts := []string{
		`INSERT INTO workspaces VALUES ('T1', 0), ('T2', 0)`,
		`INSERT INTO deals (id, team_id, channel_id, name, owner_id, budget, created_by, created_at, updated_by, updated_at)
			VALUES (1, 'T1', 'C1', 'one', 'U', 10, 'U', 0, 'U', 0), (2, 'T2', 'C2', 'two', 'U', 10, 'U', 0, 'U', 0)`,
	}
	for i := range 300 {
		deal, team := 1+i%2, []string{"T1", "T2"}[i%2]
		status, resolved := "'open'", "NULL"
		if i%5 == 0 {
			status, resolved = "'resolved'", "1"
		}
		disclosedAt, disclosedBy := "NULL", "NULL"
		if i%7 == 0 {
			disclosedAt, disclosedBy = "1", "'U'"
		}
		stmts = append(stmts, fmt.Sprintf(`INSERT INTO risks (team_id, deal_id, number, what, severity, area, needs_test,
			status, resolved_at, disclosed_at, disclosed_by, created_by, created_at, updated_by, updated_at)
			VALUES ('%s', %d, %d, 'risk', '%s', '%s', %d, %s, %s, %s, %s, 'U', 0, 'U', 0)`,
			team, deal, i+1, storage.Severities()[i%4], storage.Areas()[i%8], i%3/2, status, resolved, disclosedAt, disclosedBy))
	}
	for _, s := range stmts {
		if _, err := old.ExecContext(t.Context(), s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	old.Close()

	db := must(Open(t.Context(), path, Options{}))
	defer db.Close()
	if err := db.IntegrityCheck(t.Context()); err != nil {
		t.Fatal(err)
	}
	for _, d := range []struct {
		team string
		id   int64
	}{{"T1", 1}, {"T2", 2}} {
		got := must(db.RiskSummary(t.Context(), d.team, d.id, 10))
		diff(t, got, storagetest.SummaryOf(must(db.Risks(t.Context(), d.team, d.id, false)), 10))
		if got.Open.Total() == 0 || got.Disclosed == 0 || got.Untested == 0 {
			t.Errorf("deal %d: %+v, want open, disclosed and untested risks", d.id, got)
		}
	}
}
