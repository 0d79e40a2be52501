package sqlite

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/longgame/longgame/storage"
	"github.com/longgame/longgame/storage/storagetest"
)

// TestRiskSummaryMigrationBackfills upgrades a database written by the
// schema of migration 0002, with risks in it, and checks that the tallies
// migration 0003 fills in agree with the risks.
func TestRiskSummaryMigrationBackfills(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	old, err := sql.Open("sqlite", dsn(path, commonPragmas, "immediate"))
	if err != nil {
		t.Fatal(err)
	}
	ms := must(embeddedMigrations())
	_, err = old.ExecContext(t.Context(), `CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL) STRICT`)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms[:2] {
		if err := applyMigration(t.Context(), old, m, t0); err != nil {
			t.Fatalf("%s: %v", m.name, err)
		}
	}
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
