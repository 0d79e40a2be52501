package postgres_test

import (
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/longgame/longgame/storage"
	"github.com/longgame/longgame/storage/postgres"
	"github.com/longgame/longgame/storage/postgres/pgtest"
	"github.com/longgame/longgame/storage/storagetest"
)

// oldDatabase is a new database migrated to version only, as an older
// binary left it, holding what stmts insert; it returns its URL.
func oldDatabase(t *testing.T, version int, stmts ...string) string {
	t.Helper()
	url := pgtest.NewDatabase(t)
	if err := postgres.MigrateUpTo(t.Context(), url, version); err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(t.Context())
	for _, q := range stmts {
		if _, err := conn.Exec(t.Context(), q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	return url
}

// firstWeekData is what a database of schema 0001 may hold: champions
// named on deals (one only in the audit trail), deal names that SQL's
// lower() would not key as storage.NameKey does (two spaces; capitals
// outside ASCII, which a C locale does not fold), asks and gives, a
// resolved risk, and check-ins of which one is folded.
var firstWeekData = []string{
	`INSERT INTO workspaces VALUES ('T1', '2026-03-01Z'), ('T2', '2026-03-01Z')`,
	`INSERT INTO champions (id, team_id, name, name_key, title, user_id, created_by, created_at, updated_by, updated_at) VALUES
		(1, 'T1', 'Jane Doe', 'jane doe', 'CIO', NULL, 'U', '2026-03-01Z', 'U', '2026-03-01Z'),
		(2, 'T1', 'Sam Roe', 'sam roe', '', NULL, 'U', '2026-03-01Z', 'U', '2026-03-01Z'),
		(3, 'T2', 'Élise Côté', 'élise côté', '', 'UELISE', 'U', '2026-03-01Z', 'U', '2026-03-01Z')`,
	`INSERT INTO deals (id, team_id, channel_id, name, stage, owner_id, closed_on, closed_at, champion_id, budget,
			last_ask, last_give, last_risk, created_by, created_at, updated_by, updated_at) VALUES
		(1, 'T1', 'C1', 'Acme Corp', 'won', 'U', '2026-03-02', '2026-03-02Z', 1, 10, 2, 1, 2, 'U', '2026-03-01 00:00:10Z', 'U', '2026-03-02Z'),
		(2, 'T1', 'C2', 'Acme Phase 2', 'open', 'U', NULL, NULL, 1, 10, 0, 0, 0, 'U', '2026-03-01 00:00:20Z', 'U', '2026-03-01Z'),
		(3, 'T1', 'C3', 'Initech  Labs', 'open', 'U', NULL, NULL, NULL, 10, 1, 0, 0, 'U', '2026-03-01 00:00:30Z', 'U', '2026-03-01Z'),
		(4, 'T2', 'C1', 'ÄRZTE Gruppe', 'open', 'U', NULL, NULL, 3, 12, 1, 0, 0, 'U', '2026-03-01 00:00:40Z', 'U', '2026-03-01Z')`,
	`INSERT INTO audit (team_id, user_id, at, action, deal_id, detail) VALUES
		('T1', 'U', '2026-03-01Z', 'champion.set', 3, '{"champion_id": 2, "name": "Sam Roe"}')`,
	`INSERT INTO asks (team_id, deal_id, number, what, cost, status, created_by, created_at, updated_by, updated_at) VALUES
		('T1', 1, 1, 'intro', 3, 'done', 'U', '2026-03-01 00:01Z', 'U', '2026-03-01 00:01Z'),
		('T1', 1, 2, 'legal', 5, 'declined', 'U', '2026-03-01 00:02Z', 'U', '2026-03-01 00:02Z'),
		('T1', 3, 1, 'asked of Sam', 2, 'open', 'U', '2026-03-01 00:03Z', 'U', '2026-03-01 00:03Z'),
		('T2', 4, 1, 'Termin', 4, 'open', 'U', '2026-03-01 00:04Z', 'U', '2026-03-01 00:04Z')`,
	`INSERT INTO gives (team_id, deal_id, number, what, value, created_by, created_at, updated_by, updated_at) VALUES
		('T1', 1, 1, 'training plan', 2, 'U', '2026-03-01 00:05Z', 'U', '2026-03-01 00:05Z')`,
	`INSERT INTO risks (team_id, deal_id, number, what, severity, area, status, resolved_at,
			created_by, created_at, updated_by, updated_at) VALUES
		('T1', 1, 1, 'training', 'high', 'training', 'open', NULL, 'U', '2026-03-01Z', 'U', '2026-03-01Z'),
		('T1', 1, 2, 'process', 'low', 'process', 'resolved', '2026-03-02Z', 'U', '2026-03-01Z', 'U', '2026-03-02Z')`,
	`INSERT INTO checkins (id, team_id, deal_id, kind, due_offset, due_on, due_at, status, delivery, folded_into,
			created_by, created_at, updated_by, updated_at) VALUES
		(10, 'T1', 1, 'post_close', '14d', '2026-03-16', '2026-03-16 08:00Z', 'pending', 'folded', 12, 'U', '2026-03-02Z', 'U', '2026-03-02Z'),
		(11, 'T2', 4, 'manual', '', '2026-03-20', '2026-03-20 08:00Z', 'pending', 'queued', NULL, 'U', '2026-03-02Z', 'U', '2026-03-02Z'),
		(12, 'T1', 1, 'post_close', '30d', '2026-04-01', '2026-04-01 08:00Z', 'pending', 'sent', NULL, 'U', '2026-03-02Z', 'U', '2026-03-02Z'),
		(13, 'T1', 1, 'post_close', '90d', '2026-05-31', '2026-05-31 08:00Z', 'pending', 'queued', NULL, 'U', '2026-03-02Z', 'U', '2026-03-02Z')`,
}

// TestFirstWeekMigrationBringsDataAlong upgrades a database of schema 0001
// as SQLite's TestFirstWeekMigrationBringsDataAlong does one of its schema
// 0005: champions get the name of their earliest deal as their company
// (from the audit trail when no deal names them any more), matched in any
// case; asks and gives belong to their deal's champion, so the capital is
// unchanged; check-ins are numbered per deal in the order they were made,
// and numbering goes on from there; nothing is lost.
func TestFirstWeekMigrationBringsDataAlong(t *testing.T) {
	db := openTest(t, oldDatabase(t, 1, firstWeekData...), nil)
	wantFirstWeekMigrated(t, db)
}

// wantFirstWeekMigrated checks a database that held firstWeekData at
// schema 0001 and was migrated.
func wantFirstWeekMigrated(t *testing.T, db *postgres.DB) {
	t.Helper()
	ctx := t.Context()
	if err := db.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	for _, want := range []struct {
		team          string
		id            int64
		company, name string
	}{{"T1", 1, "Acme Corp", "Jane Doe"}, {"T1", 2, "Initech  Labs", "Sam Roe"}, {"T2", 3, "ÄRZTE Gruppe", "Élise Côté"}} {
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
	wantCapital(t, db, "T1", 1, storage.Capital{Budget: 10, Left: 9}) // 10 - 3 + 2, as before
	wantCapital(t, db, "T2", 4, storage.Capital{Budget: 12, Left: 8}) // 12 - 4
	if asks := must(db.Asks(ctx, "T1", 3)); len(asks) != 1 || asks[0].ChampionID != 0 {
		t.Errorf("Initech's ask, made while it named no champion: %+v", asks)
	}
	if asks := must(db.Asks(ctx, "T1", 1)); len(asks) != 2 || asks[0].ChampionID != 1 || asks[1].ChampionID != 1 {
		t.Errorf("Acme's asks: %+v, want Jane's", asks)
	}
	wantCheckins(t, db)
	s := must(db.RiskSummary(ctx, "T1", 1, 10))
	storagetest.Diff(t, s.Coverage[storage.AreaProcess], []storage.Cover{{Number: 2, Resolved: true}})
	wantNothingLost(t, db)
}

// wantCheckins checks the migrated check-ins: numbered by id within their
// deal, the folded one still covered, and the deal's counter past them.
func wantCheckins(t *testing.T, db *postgres.DB) {
	t.Helper()
	ctx := t.Context()
	var numbers []int
	for _, c := range must(db.DealCheckins(ctx, "T1", 1)) {
		numbers = append(numbers, c.Number)
	}
	storagetest.Diff(t, numbers, []int{1, 2, 3})
	if c := must(db.CheckinByID(ctx, "T1", 10)); !c.Covered() || c.Number != 1 {
		t.Errorf("the folded 14-day check-in: %+v, want #1, covered", c)
	}
	if c := must(db.CheckinByNumber(ctx, "T2", 4, 1)); c.ID != 11 {
		t.Errorf("Ärzte's check-in #1 is %d, want 11", c.ID)
	}
	next := must(db.AddCheckin(ctx, storagetest.Alice, storage.NewCheckin{DealID: 1, DueAt: storagetest.T0}))
	if next.Number != 4 {
		t.Errorf("the next check-in of Acme is #%d, want #4", next.Number)
	}
}

func wantCapital(t *testing.T, db *postgres.DB, team string, dealID int64, want storage.Capital) {
	t.Helper()
	if got := must(db.DealOverview(t.Context(), team, dealID)).Capital; got != want {
		t.Errorf("deal %d: capital %+v, want %+v", dealID, got, want)
	}
}

// wantNothingLost checks the rows of every table against what
// firstWeekData inserted, and that the export carries them.
func wantNothingLost(t *testing.T, db *postgres.DB) {
	t.Helper()
	counts := must(db.Counts(t.Context()))
	for table, want := range map[string]int64{"workspaces": 2, "champions": 3, "champion_roles": 3, "deals": 4,
		"asks": 4, "gives": 1, "risks": 2, "checkins": 4} {
		if table == "checkins" {
			want++ // wantCheckins added one
		}
		if counts[table] != want {
			t.Errorf("table %s: %d rows, want %d", table, counts[table], want)
		}
	}
	deals, asks := 0, 0
	for _, w := range must(db.Export(t.Context(), "")).Workspaces {
		for _, d := range w.Deals {
			deals++
			asks += len(d.Asks)
		}
	}
	if deals != 4 || asks != 4 {
		t.Errorf("export: %d deals and %d asks, want 4 and 4", deals, asks)
	}
}

func must[T any](v T, err error) T { return storagetest.Must(v, err) }

// relationshipTables are the tables migration 0003 changes, with the
// columns it adds.
var relationshipTables = map[string][]string{
	"deals": {"favored", "champion_left"}, "asks": {"extra"}, "champion_roles": {"moved_from"},
	"checkins": nil, "champions": nil,
}

// rowsAndFiles reads, per table of relationshipTables, every row as JSON
// (the columns 0003 adds left out) and the file the server keeps the table
// in, which a rewrite of the table would replace.
func rowsAndFiles(t *testing.T, url string) (rows, files map[string]string) {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(t.Context())
	rows, files = map[string]string{}, map[string]string{}
	for table, added := range relationshipTables {
		var r, f string
		err := conn.QueryRow(t.Context(), `SELECT COALESCE(jsonb_agg(to_jsonb(x) - $1::text[] ORDER BY x.id), '[]')::text,
			pg_relation_filenode($2::regclass)::text FROM `+pgx.Identifier{table}.Sanitize()+` x`, append([]string{}, added...), table).Scan(&r, &f)
		if err != nil {
			t.Fatalf("table %s: %v", table, err)
		}
		rows[table], files[table] = r, f
	}
	return rows, files
}

// TestRelationshipsMigrationRewritesNothing migrates a database made by the
// previous version (schema 0002), as SQLite's test of the same name does
// one of schema 0006: every row keeps what it said, no table is rewritten,
// and the new columns read as "nothing recorded" (no favored alternative,
// no defender who left, no surcharge, no job change) until a seller
// records them; a job change's reminder, a kind 0002 did not allow, can
// then be scheduled.
func TestRelationshipsMigrationRewritesNothing(t *testing.T) {
	url := oldDatabase(t, 2,
		`INSERT INTO workspaces VALUES ('T1', '2026-03-01Z')`,
		`INSERT INTO champions (id, team_id, name, name_key, title, company, company_key, user_id,
				created_by, created_at, updated_by, updated_at) VALUES
			(1, 'T1', 'Jane Doe', 'jane doe', 'CIO', 'Acme', 'acme', NULL, 'U', '2026-03-01Z', 'U', '2026-03-01Z')`,
		`INSERT INTO champion_roles (team_id, champion_id, company, title, recorded_by, recorded_at) VALUES
			('T1', 1, 'Acme', 'CIO', 'U', '2026-03-01Z')`,
		`INSERT INTO deals (id, team_id, channel_id, name, stage, owner_id, closed_on, closed_at, champion_id, budget,
				last_ask, last_checkin, created_by, created_at, updated_by, updated_at) VALUES
			(1, 'T1', 'C1', 'Acme', 'open', 'U', NULL, NULL, 1, 10, 1, 0, 'U', '2026-03-01 00:00:10Z', 'U', '2026-03-01 00:00:10Z'),
			(2, 'T1', 'C2', 'Acme Pilot', 'won', 'U', '2026-03-02', '2026-03-02Z', 1, 10, 0, 1, 'U', '2026-03-01 00:00:20Z', 'U', '2026-03-02Z')`,
		`INSERT INTO asks (team_id, deal_id, number, what, cost, status, champion_id, created_by, created_at, updated_by, updated_at) VALUES
			('T1', 1, 1, 'intro', 3, 'done', 1, 'U', '2026-03-01 00:01Z', 'U', '2026-03-01 00:01Z')`,
		`INSERT INTO checkins (id, team_id, deal_id, number, kind, due_offset, due_on, due_at, status,
				created_by, created_at, updated_by, updated_at) VALUES
			(10, 'T1', 2, 1, 'post_close', '30d', '2026-04-01', '2026-04-01 08:00Z', 'pending', 'U', '2026-03-02Z', 'U', '2026-03-02Z')`,
	)
	rowsBefore, filesBefore := rowsAndFiles(t, url)
	db := openTest(t, url, nil)
	ctx := t.Context()
	if v := must(db.SchemaVersion(ctx)); v != postgres.LatestSchemaVersion() || v < 3 {
		t.Fatalf("schema version %d after opening, want %d", v, postgres.LatestSchemaVersion())
	}
	rowsAfter, filesAfter := rowsAndFiles(t, url)
	storagetest.Diff(t, rowsAfter, rowsBefore)
	storagetest.Diff(t, filesAfter, filesBefore)
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
	wantCapital(t, db, "T1", 1, storage.Capital{Budget: 10, Left: 7})
	roles := must(db.ChampionRoles(ctx, "T1", 1))
	if len(roles) != 1 || roles[0].MovedFrom != "" || roles[0].Company != "Acme" {
		t.Errorf("timeline after the migration: %+v", roles)
	}
	since := storagetest.T0.AddDate(-10, 0, 0)
	if g := must(db.Goodwill(ctx, "T1", 1, 0, since)); g != (storage.Goodwill{Deals: 1, Asked: 3}) {
		t.Errorf("goodwill after the migration: %+v", g)
	}

	// The new records work on the migrated database.
	a := storage.Actor{TeamID: "T1", UserID: "U"}
	must(db.AddTouch(ctx, a, storage.Touch{DealID: 1, Note: "coffee"}))
	on := storagetest.T0
	reminder := storage.MoveReminder(2, on, storage.Week{Loc: time.UTC, Days: storage.MonToFri})
	moved := must(db.MoveChampion(ctx, a, 1, storage.ChampionMove{Company: "Hooli", On: on, Reminders: []storage.NewCheckin{reminder}}))
	if len(moved.Left) != 1 || moved.Left[0].ChampionLeft != "Acme" {
		t.Errorf("a move on the migrated database: %+v", moved)
	}
	cs := must(db.DealCheckins(ctx, "T1", 2))
	if len(cs) != 2 || cs[1].Kind != storage.KindJobChange || cs[1].Number != 2 {
		t.Errorf("the won deal's check-ins after the move: %+v, want #2 a job change", cs)
	}
	p := must(db.People(ctx, "T1", storage.PeopleFilter{Since: since}))
	if len(p.Items) != 1 || p.Items[0].MovedFrom != "Acme" || p.Items[0].LastContact.IsZero() {
		t.Errorf("people after the move: %+v", p)
	}
}
