package sqlite

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
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
		diff(t, got, storagetest.SummaryOf(must(db.Risks(t.Context(), d.team, d.id, true)), 10))
		if got.Open.Total() == 0 || got.Disclosed == 0 || got.Untested == 0 {
			t.Errorf("deal %d: %+v, want open, disclosed and untested risks", d.id, got)
		}
	}
}

// TestFirstWeekMigrationBringsDataAlong upgrades a database written by the
// previous version (schema 0005): champions get the name of their earliest
// deal as their company (from the audit trail when no deal names them any
// more), asks and gives belong to their deal's champion, check-ins are
// numbered per deal in the order they were made, and nothing is lost.
func TestFirstWeekMigrationBringsDataAlong(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	old := oldDatabase(t, path, 5)
	for _, q := range []string{
		`INSERT INTO workspaces VALUES ('T1', 0), ('T2', 0)`,
		`INSERT INTO champions (id, team_id, name, name_key, title, user_id, created_by, created_at, updated_by, updated_at) VALUES
			(1, 'T1', 'Jane Doe', 'jane doe', 'CIO', NULL, 'U', 0, 'U', 0),
			(2, 'T1', 'Sam Roe', 'sam roe', '', NULL, 'U', 0, 'U', 0),
			(3, 'T2', 'Élise Côté', 'élise côté', '', 'UELISE', 'U', 0, 'U', 0)`,
		`INSERT INTO deals (id, team_id, channel_id, name, stage, owner_id, closed_on, closed_at, champion_id, budget,
				created_by, created_at, updated_by, updated_at) VALUES
			(1, 'T1', 'C1', 'Acme Corp', 'won', 'U', '2026-03-02', 100, 1, 10, 'U', 10, 'U', 0),
			(2, 'T1', 'C2', 'Acme Phase 2', 'open', 'U', NULL, NULL, 1, 10, 'U', 20, 'U', 0),
			(3, 'T1', 'C3', 'Initech', 'open', 'U', NULL, NULL, NULL, 10, 'U', 30, 'U', 0),
			(4, 'T2', 'C1', 'ÄRZTE Gruppe', 'open', 'U', NULL, NULL, 3, 12, 'U', 40, 'U', 0)`,
		`INSERT INTO audit (team_id, user_id, at, action, deal_id, detail) VALUES
			('T1', 'U', 5, 'champion.set', 3, '{"champion_id":2,"name":"Sam Roe"}')`,
		`INSERT INTO asks (team_id, deal_id, number, what, cost, status, created_by, created_at, updated_by, updated_at) VALUES
			('T1', 1, 1, 'intro', 3, 'done', 'U', 1, 'U', 1), ('T1', 1, 2, 'legal', 5, 'declined', 'U', 2, 'U', 2),
			('T1', 3, 1, 'asked of Sam', 2, 'open', 'U', 3, 'U', 3), ('T2', 4, 1, 'Termin', 4, 'open', 'U', 4, 'U', 4)`,
		`INSERT INTO gives (team_id, deal_id, number, what, value, created_by, created_at, updated_by, updated_at) VALUES
			('T1', 1, 1, 'training plan', 2, 'U', 5, 'U', 5)`,
		`INSERT INTO risks (team_id, deal_id, number, what, severity, area, status, resolved_at, created_by, created_at, updated_by, updated_at) VALUES
			('T1', 1, 1, 'training', 'high', 'training', 'open', NULL, 'U', 1, 'U', 1),
			('T1', 1, 2, 'process', 'low', 'process', 'resolved', 9, 'U', 1, 'U', 1)`,
		`INSERT INTO checkins (id, team_id, deal_id, kind, due_offset, due_on, due_at, status, delivery, folded_into,
				created_by, created_at, updated_by, updated_at) VALUES
			(10, 'T1', 1, 'post_close', '14d', '2026-03-16', 1, 'pending', 'folded', 12, 'U', 0, 'U', 0),
			(11, 'T2', 4, 'manual', '', '2026-03-20', 2, 'pending', 'queued', NULL, 'U', 0, 'U', 0),
			(12, 'T1', 1, 'post_close', '30d', '2026-04-01', 3, 'pending', 'sent', NULL, 'U', 0, 'U', 0),
			(13, 'T1', 1, 'post_close', '90d', '2026-05-31', 4, 'pending', 'queued', NULL, 'U', 0, 'U', 0)`,
	} {
		if _, err := old.ExecContext(t.Context(), q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	old.Close()

	db := openFile(t, path, nil)
	ctx := t.Context()
	if err := db.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	for _, want := range []struct {
		team          string
		id            int64
		company, name string
	}{{"T1", 1, "Acme Corp", "Jane Doe"}, {"T1", 2, "Initech", "Sam Roe"}, {"T2", 3, "ÄRZTE Gruppe", "Élise Côté"}} {
		c := must(db.ChampionByID(ctx, want.team, want.id))
		if c.Company != want.company {
			t.Errorf("%s: company %q, want %q", c.Name, c.Company, want.company)
		}
		found := must(db.FindChampions(ctx, want.team, storage.ChampionQuery{Name: want.name, Company: strings.ToLower(want.company)}, 0))
		if len(found) != 1 || found[0].ID != want.id {
			t.Errorf("%s at %s (any case): found %+v", want.name, want.company, found)
		}
		if roles := must(db.ChampionRoles(ctx, want.team, want.id)); len(roles) != 1 || roles[0].Company != want.company {
			t.Errorf("%s's timeline: %+v", c.Name, roles)
		}
	}
	if got := must(db.DealOverview(ctx, "T1", 1)).Capital; got != (storage.Capital{Budget: 10, Left: 9}) {
		t.Errorf("Acme's capital %+v, want 10 - 3 + 2 as before", got)
	}
	if got := must(db.DealOverview(ctx, "T2", 4)).Capital; got != (storage.Capital{Budget: 12, Left: 8}) {
		t.Errorf("Ärzte's capital %+v, want 12 - 4 as before", got)
	}
	if asks := must(db.Asks(ctx, "T1", 3)); len(asks) != 1 || asks[0].ChampionID != 0 {
		t.Errorf("Initech's ask, made while it named no champion: %+v", asks)
	}
	var numbers []int
	for _, c := range must(db.DealCheckins(ctx, "T1", 1)) {
		numbers = append(numbers, c.Number)
	}
	diff(t, numbers, []int{1, 2, 3})
	if c := must(db.CheckinByID(ctx, "T1", 10)); !c.Covered() || c.Number != 1 {
		t.Errorf("the folded 14-day check-in: %+v, want #1, covered", c)
	}
	if c := must(db.CheckinByNumber(ctx, "T2", 4, 1)); c.ID != 11 {
		t.Errorf("Ärzte's check-in #1 is %d, want 11", c.ID)
	}
	s := must(db.RiskSummary(ctx, "T1", 1, 10))
	diff(t, s.Coverage[storage.AreaProcess], []storage.Cover{{Number: 2, Resolved: true}})
	exp := must(db.Export(ctx, ""))
	deals, asks := 0, 0
	for _, w := range exp.Workspaces {
		for _, d := range w.Deals {
			deals++
			asks += len(d.Asks)
		}
	}
	if deals != 4 || asks != 4 {
		t.Errorf("export: %d deals and %d asks, want 4 and 4", deals, asks)
	}
}

// TestRelationshipsMigrationRewritesNothing migrates a database made by the
// previous version (schema 0006): every row keeps what it said, and the new
// columns read as "nothing recorded" (no favored alternative, no defender
// who left, no surcharge, no job change) until a seller records them.
func TestRelationshipsMigrationRewritesNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	old := oldDatabase(t, path, 6)
	for _, q := range []string{
		`INSERT INTO workspaces VALUES ('T1', 0)`,
		`INSERT INTO champions (id, team_id, name, name_key, title, company, company_key, user_id, created_by, created_at, updated_by, updated_at) VALUES
			(1, 'T1', 'Jane Doe', 'jane doe', 'CIO', 'Acme', 'acme', NULL, 'U', 0, 'U', 0)`,
		`INSERT INTO champion_roles (team_id, champion_id, company, title, recorded_by, recorded_at) VALUES ('T1', 1, 'Acme', 'CIO', 'U', 0)`,
		`INSERT INTO deals (id, team_id, channel_id, name, stage, owner_id, champion_id, budget,
				created_by, created_at, updated_by, updated_at) VALUES
			(1, 'T1', 'C1', 'Acme', 'open', 'U', 1, 10, 'U', 10, 'U', 10)`,
		`INSERT INTO asks (team_id, deal_id, number, what, cost, status, champion_id, created_by, created_at, updated_by, updated_at) VALUES
			('T1', 1, 1, 'intro', 3, 'done', 1, 'U', 1, 'U', 1)`,
	} {
		if _, err := old.ExecContext(t.Context(), q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	old.Close()

	db := openFile(t, path, nil)
	ctx := t.Context()
	if err := db.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	d := must(db.DealByID(ctx, "T1", 1))
	if d.Favored != "" || d.ChampionLeft != "" || d.ChampionID != 1 || d.Name != "Acme" {
		t.Errorf("deal after the migration: %+v", d)
	}
	asks := must(db.Asks(ctx, "T1", 1))
	if len(asks) != 1 || asks[0].Extra != 0 || asks[0].CapitalCost() != 3 {
		t.Errorf("asks after the migration: %+v", asks)
	}
	roles := must(db.ChampionRoles(ctx, "T1", 1))
	if len(roles) != 1 || roles[0].MovedFrom != "" || roles[0].Company != "Acme" {
		t.Errorf("timeline after the migration: %+v", roles)
	}
	if g := must(db.Goodwill(ctx, "T1", 1, 0, time.Unix(0, 0))); g != (storage.Goodwill{Deals: 1, Asked: 3}) {
		t.Errorf("goodwill after the migration: %+v", g)
	}
	// The new records work on the migrated file.
	a := storage.Actor{TeamID: "T1", UserID: "U"}
	must(db.AddTouch(ctx, a, storage.Touch{DealID: 1, Note: "coffee"}))
	moved := must(db.MoveChampion(ctx, a, 1, storage.ChampionMove{Company: "Hooli"}))
	if len(moved.Left) != 1 || moved.Left[0].ChampionLeft != "Acme" {
		t.Errorf("a move on the migrated file: %+v", moved)
	}
}
