package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/longgame/longgame/storage"
)

// TestBatchWithAFailedStatement gives the adder a batch in which one
// statement fails: the batch rolls back, the others run again alone and
// are written, numbered in order; only the bad one fails.
func TestBatchWithAFailedStatement(t *testing.T) {
	db := openAdderTest(t)
	alice := storage.Actor{TeamID: "T1", UserID: "UALICE"}
	d, err := db.OpenDeal(t.Context(), alice, storage.NewDeal{ChannelID: "C1", Name: "Acme", OwnerID: "UALICE", Budget: 10})
	if err != nil {
		t.Fatal(err)
	}
	asks := make([]storage.Ask, 3)
	op := func(i int, query string) *addOp {
		return &addOp{kind: byDeal, key: d.ID, query: query, done: make(chan error, 1),
			args: []any{"T1", d.ID, "ask", 1, "UALICE", time.Now().UTC().Truncate(time.Second), `{}`},
			scan: func(r pgx.Row) error { return scanAsk(r, &asks[i]) }}
	}
	batch := []*addOp{op(0, insertAskQuery), op(1, insertAskQuery+` WHERE 1/0 = 1`), op(2, insertAskQuery)}
	db.adds.run(batch)
	for i, want := range []bool{true, false, true} {
		if err := <-batch[i].done; (err == nil) != want {
			t.Errorf("op %d: error %v, want success %v", i, err, want)
		}
	}
	if asks[0].Number != 1 || asks[2].Number != 2 {
		t.Errorf("numbers %d and %d, want 1 and 2", asks[0].Number, asks[2].Number)
	}
	if err := db.IntegrityCheck(t.Context()); err != nil {
		t.Error(err)
	}
}

// openAdderTest opens a store on a database of its own, dropped after t.
func openAdderTest(t *testing.T) *DB {
	t.Helper()
	return openInternal(t, newInternalDatabase(t))
}

// newInternalDatabase creates a database of its own on the test server,
// dropped after t, and returns its URL.
func newInternalDatabase(t *testing.T) string {
	t.Helper()
	server := os.Getenv("LONGGAME_TEST_POSTGRES")
	if server == "" {
		t.Skip("LONGGAME_TEST_POSTGRES is not set")
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "lgtest_" + hex.EncodeToString(b[:])
	if err := CreateDatabase(t.Context(), server, name, ""); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = DropDatabase(context.Background(), server, name) })
	url, _ := WithDatabase(server, name)
	return url
}

// openInternal opens the store at url, closed after t.
func openInternal(t *testing.T, url string) *DB {
	t.Helper()
	db, err := Open(t.Context(), url, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestMergedRiskAdds gives the adder risk adds to two deals and to a deal
// that does not exist, merged into one statement: each deal's risks are
// numbered in the order they came, the add to no deal finds nothing, and
// the tallies agree with the risks. Then the same with one add the server
// refuses: the merged statement rolls back, the others are written alone,
// and only the bad one fails.
func TestMergedRiskAdds(t *testing.T) {
	db := openAdderTest(t)
	alice := storage.Actor{TeamID: "T1", UserID: "UALICE"}
	var deals []int64
	for _, ch := range []string{"C1", "C2"} {
		d, err := db.OpenDeal(t.Context(), alice, storage.NewDeal{ChannelID: ch, Name: "Acme " + ch, OwnerID: "UALICE", Budget: 10})
		if err != nil {
			t.Fatal(err)
		}
		deals = append(deals, d.ID)
	}
	now := time.Now().UTC().Truncate(time.Second)
	run := func(adds []riskAdd) ([]storage.Risk, []error) {
		risks := make([]storage.Risk, len(adds))
		batch := make([]*addOp, len(adds))
		for i, a := range adds {
			batch[i] = &addOp{kind: byDeal, key: a.deal, query: insertRiskQuery, done: make(chan error, 1),
				args:  []any{a.team, a.deal, a.risk.What, a.risk.Severity, a.risk.Area, a.risk.NeedsTest, a.risk.Scenario, a.by, a.at, a.detail},
				scan:  func(r pgx.Row) error { return scanRisk(r, &risks[i]) },
				merge: riskAdds, item: a}
		}
		ops := slices.Clone(batch) // run sorts batch by deal
		db.adds.run(batch)
		errs := make([]error, len(adds))
		for i, op := range ops {
			errs[i] = <-op.done
		}
		return risks, errs
	}
	add := func(deal int64, what string, sev storage.Severity) riskAdd {
		return riskAdd{team: "T1", deal: deal, risk: storage.NewRisk{What: what, Severity: sev, Area: storage.AreaOther},
			by: "UALICE", at: now, detail: `{}`}
	}
	risks, errs := run([]riskAdd{add(deals[1], "b1", "low"), add(deals[0], "a1", "high"), add(deals[1], "b2", "low"),
		add(deals[0]+deals[1]+100, "nowhere", "low"), add(deals[0], "a2", "low")})
	for i, want := range []struct {
		what   string
		number int
	}{{"b1", 1}, {"a1", 1}, {"b2", 2}, {"", 0}, {"a2", 2}} {
		if want.what == "" {
			if !errors.Is(errs[i], pgx.ErrNoRows) {
				t.Errorf("add %d to no deal: error %v, want no row", i, errs[i])
			}
			continue
		}
		if errs[i] != nil || risks[i].What != want.what || risks[i].Number != want.number {
			t.Errorf("add %d: %q #%d (error %v), want %q #%d", i, risks[i].What, risks[i].Number, errs[i], want.what, want.number)
		}
	}
	risks, errs = run([]riskAdd{add(deals[0], "a3", "low"), add(deals[0], "bad", "dire"), add(deals[1], "b3", "low")})
	if errs[0] != nil || errs[2] != nil || risks[0].Number != 3 || risks[2].Number != 3 {
		t.Errorf("good adds beside a bad one: #%d (%v) and #%d (%v), want #3 each", risks[0].Number, errs[0], risks[2].Number, errs[2])
	}
	if !errors.Is(errs[1], storage.ErrInvalid) {
		t.Errorf("bad severity: error %v, want ErrInvalid", errs[1])
	}
	for i, d := range deals {
		s, err := db.RiskSummary(t.Context(), "T1", d, 10)
		if err != nil {
			t.Fatal(err)
		}
		if s.Undisclosed != 3 {
			t.Errorf("deal %d: %d open risks in the summary, want 3", i, s.Undisclosed)
		}
	}
	if err := db.IntegrityCheck(t.Context()); err != nil {
		t.Error(err)
	}
}

// TestTakeDayPlanLooksUpTheDeal checks the plan the server keeps for the
// daily cap when many reminders were sent before autovacuum gathered
// statistics on them (a database just filled by migrate-to, a busy first
// day): the check-ins it reads are found by their deal, not among every
// sent check-in of the workspace (the join it replaced was planned so, and
// made a dispatch pass quadratic in the deals).
func TestTakeDayPlanLooksUpTheDeal(t *testing.T) {
	db := openAdderTest(t)
	ctx := t.Context()
	seed := []string{
		`INSERT INTO workspaces VALUES ('T1', now())`,
		`INSERT INTO deals (team_id, channel_id, name, stage, owner_id, budget, closed_on, closed_at,
			created_by, created_at, updated_by, updated_at)
			SELECT 'T1', 'C' || g, 'deal ' || g, 'won', 'U1', 5, current_date, now(), 'U1', now(), 'U1', now()
			FROM generate_series(1, 2000) g`,
		`INSERT INTO checkins (team_id, deal_id, number, kind, due_on, due_at, delivery, message_channel,
			message_ts, sent_at, created_by, created_at, updated_by, updated_at)
			SELECT 'T1', d.id, 1, 'post_close', current_date, now(), 'sent', d.channel_id, '1.0', now(),
				'U1', now(), 'U1', now() FROM deals d`,
	}
	for _, q := range seed {
		if _, err := db.pool.Exec(ctx, q); err != nil {
			t.Fatalf("%.40s: %v", q, err)
		}
	}
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SET plan_cache_mode = force_generic_plan`); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, `PREPARE take(text, text, timestamptz, timestamptz, bigint) AS `+takeDayQuery); err != nil {
		t.Fatal(err)
	}
	rows, err := conn.Query(ctx, `EXPLAIN EXECUTE take('T1', 'C7', now() - interval '1 day', now(), 7)`)
	if err != nil {
		t.Fatal(err)
	}
	lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	plan := strings.Join(lines, "\n")
	if !strings.Contains(plan, "deal_id = ") {
		t.Errorf("the sent check-ins are not looked up by deal:\n%s", plan)
	}
	if strings.Contains(plan, "Seq Scan on checkins") {
		t.Errorf("the plan scans the check-ins:\n%s", plan)
	}
}
