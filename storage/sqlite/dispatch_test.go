package sqlite

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/longgame/longgame/storage"
)

func dueIDs(due []storage.DueCheckin) (ids []int64) {
	for _, d := range due {
		ids = append(ids, d.Checkin.ID)
	}
	return ids
}

func TestClaimDueClaimsWhatIsDueOnce(t *testing.T) {
	db, clk := openTest(t)
	d, series := wonDeal(t, db, alice, "C1")
	must(db.SetChampion(t.Context(), alice, d.ID, storage.ChampionInput{Name: "Jane Doe", Title: "VP of IT"}))
	before := must(db.AddRisk(t.Context(), alice, d.ID, storage.NewRisk{What: "SSO untested", Severity: storage.SeverityHigh}))
	crit := must(db.AddRisk(t.Context(), alice, d.ID, storage.NewRisk{What: "data migration", Severity: storage.SeverityCritical}))
	resolved := must(db.AddRisk(t.Context(), alice, d.ID, storage.NewRisk{What: "pricing", Severity: storage.SeverityLow}))
	must(db.ResolveRisk(t.Context(), alice, d.ID, resolved.Number, "agreed"))
	clk.Advance(48 * time.Hour)
	must(db.AddRisk(t.Context(), alice, d.ID, storage.NewRisk{What: "flagged after the close"}))
	wantErr(t, db.SaveUserTZ(t.Context(), "T1", "UALICE", "Europe/Paris"), nil)
	_, theirs := wonDeal(t, db, mallory, "C9") // another workspace: claimed too

	now := t0.AddDate(0, 0, 15)
	due := must(db.ClaimDue(t.Context(), "w1", now, 10))
	diff(t, dueIDs(due), []int64{series[0].ID, theirs[0].ID})
	got := due[0]
	if got.Deal.ID != d.ID || got.Deal.ChannelID != "C1" || got.Champion == nil || got.Champion.Name != "Jane Doe" {
		t.Errorf("claimed %+v: want deal %d in C1 with champion Jane Doe", got, d.ID)
	}
	if got.OwnerTZ != "Europe/Paris" || got.ClaimedBy != "w1" || !got.ClaimedAt.Equal(now) || got.Uncertain || got.Missed != 0 {
		t.Errorf("claim = tz %q by %q at %s uncertain %v missed %d", got.OwnerTZ, got.ClaimedBy, got.ClaimedAt, got.Uncertain, got.Missed)
	}
	var risks []string
	for _, r := range got.Risks {
		risks = append(risks, r.What)
	}
	diff(t, risks, []string{crit.What, before.What})
	if got.Checkin.Delivery != storage.DeliverySending {
		t.Errorf("delivery %s, want sending", got.Checkin.Delivery)
	}
	diff(t, dueIDs(must(db.ClaimDue(t.Context(), "w2", now, 10))), []int64(nil))
}

func TestClaimDueSkipsWhatIsNotDue(t *testing.T) {
	db, _ := openTest(t)
	d, series := wonDeal(t, db, alice, "C1")
	now := t0.AddDate(0, 0, 15)
	must(db.FinishCheckin(t.Context(), alice, series[0].ID, storage.CheckinDone, ""))
	if _, _, err := db.ReopenDeal(t.Context(), alice, d.ID); err != nil { // cancels the rest
		t.Fatal(err)
	}
	manual := must(db.AddCheckin(t.Context(), alice, storage.NewCheckin{DealID: d.ID, DueAt: now.Add(-time.Hour)}))
	exec(t, db, `UPDATE checkins SET next_attempt_at = ? WHERE id = ?`, now.Add(time.Minute).Unix(), manual.ID)
	diff(t, dueIDs(must(db.ClaimDue(t.Context(), "w1", now, 10))), []int64(nil))
	diff(t, dueIDs(must(db.ClaimDue(t.Context(), "w1", now.Add(time.Minute), 10))), []int64{manual.ID})

	_, err := db.ClaimDue(t.Context(), "", now, 10)
	wantErr(t, err, storage.ErrInvalid)
	_, err = db.ClaimDue(t.Context(), "w1", now, 0)
	wantErr(t, err, storage.ErrInvalid)
}

func TestClaimDueLimitKeepsADealWhole(t *testing.T) {
	db, _ := openTest(t)
	_, series := wonDeal(t, db, alice, "C1")
	_, other := wonDeal(t, db, bob, "C2")
	now := t0.AddDate(0, 0, 40)
	first := must(db.ClaimDue(t.Context(), "w1", now, 1))
	diff(t, dueIDs(first), []int64{series[0].ID, series[1].ID})
	diff(t, dueIDs(must(db.ClaimDue(t.Context(), "w1", now, 1))), []int64{other[0].ID, other[1].ID})
}

func TestFencedWrites(t *testing.T) {
	db, _ := openTest(t)
	_, series := wonDeal(t, db, alice, "C1")
	now := t0.AddDate(0, 0, 15)
	id := series[0].ID
	must(db.ClaimDue(t.Context(), "w1", now, 10))

	wantErr(t, db.MarkSent(t.Context(), id, "stale", "C1", "1.1", now), storage.ErrConflict)
	wantErr(t, db.Release(t.Context(), id, "w1", time.Time{}, "x"), storage.ErrInvalid)
	wantErr(t, db.ReleaseUncertain(t.Context(), id, "w1", now.Add(time.Minute), "http 503"), nil)
	wantErr(t, db.MarkSent(t.Context(), id, "w1", "C1", "1.1", now), storage.ErrConflict) // released: the claim is gone
	c := must(db.CheckinByID(t.Context(), "T1", id))
	if c.Delivery != storage.DeliveryQueued || c.Attempts != 1 || c.DeliveryError != "http 503" {
		t.Errorf("after release: %s, %d attempts, error %q", c.Delivery, c.Attempts, c.DeliveryError)
	}

	due := must(db.ClaimDue(t.Context(), "w2", now.Add(time.Minute), 10))
	if len(due) != 1 || !due[0].Uncertain {
		t.Fatalf("reclaimed %+v, want check-in %d, uncertain", due, id)
	}
	wantErr(t, db.Hold(t.Context(), id, "w2", now.Add(24*time.Hour)), nil)
	if c := must(db.CheckinByID(t.Context(), "T1", id)); c.Attempts != 1 {
		t.Errorf("a hold counted an attempt: %d", c.Attempts)
	}
	if due = must(db.ClaimDue(t.Context(), "w2", now.Add(24*time.Hour), 10)); len(due) != 1 {
		t.Fatalf("after the hold: claimed %d, want the held check-in", len(due))
	}
	wantErr(t, db.Release(t.Context(), id, "w2", now.Add(25*time.Hour), "ratelimited"), nil)
	due = must(db.ClaimDue(t.Context(), "w3", now.Add(25*time.Hour), 10))
	if len(due) != 1 || due[0].Uncertain {
		t.Errorf("after a certain release: %+v, want not uncertain", due)
	}
	wantErr(t, db.MarkSent(t.Context(), id, "w3", "C1", "1.2", now.Add(25*time.Hour)), nil)
	c = must(db.CheckinByID(t.Context(), "T1", id))
	if c.Delivery != storage.DeliverySent || c.MessageTS != "1.2" || c.MessageChan != "C1" || c.Attempts != 3 || c.DeliveryError != "" {
		t.Errorf("after sent: %+v", c)
	}
	wantErr(t, db.MarkSent(t.Context(), id, "w3", "C1", "1.3", now), storage.ErrConflict) // not sending any more
}

func TestMarkFailedKeepsTheError(t *testing.T) {
	db, clk := openTest(t)
	_, series := wonDeal(t, db, alice, "C1")
	clk.Advance(15 * 24 * time.Hour)
	must(db.ClaimDue(t.Context(), "w1", clk.Now(), 10))
	wantErr(t, db.MarkFailed(t.Context(), series[0].ID, "w1", "is_archived", "D1", "5.5"), nil)
	c := must(db.CheckinByID(t.Context(), "T1", series[0].ID))
	if c.Delivery != storage.DeliveryFailed || c.DeliveryError != "is_archived" || c.MessageChan != "D1" || c.MessageTS != "5.5" {
		t.Errorf("after failure: %+v", c)
	}
	if c.Status != storage.CheckinPending {
		t.Errorf("a delivery failure changed the check-in's status to %s", c.Status)
	}
}

func TestFold(t *testing.T) {
	db, _ := openTest(t)
	d, series := wonDeal(t, db, alice, "C1")
	_, other := wonDeal(t, db, bob, "C2")
	now := t0.AddDate(0, 0, 100) // all three overdue
	must(db.ClaimDue(t.Context(), "w1", now, 10))
	wantErr(t, db.Fold(t.Context(), []int64{series[0].ID, other[0].ID}, series[2].ID, "w1"), storage.ErrConflict) // another deal
	wantErr(t, db.Fold(t.Context(), []int64{series[0].ID}, series[2].ID, "w2"), storage.ErrConflict)
	wantErr(t, db.Fold(t.Context(), []int64{series[2].ID}, series[2].ID, "w1"), storage.ErrInvalid)
	// The 14d one folds into the 30d one, which is then released…
	wantErr(t, db.Fold(t.Context(), []int64{series[0].ID}, series[1].ID, "w1"), nil)
	wantErr(t, db.Release(t.Context(), series[1].ID, "w1", now, "ratelimited"), nil)
	wantErr(t, db.Release(t.Context(), series[2].ID, "w1", now, "ratelimited"), nil)
	// …and next time both fold into the 90d one, which covers two.
	due := must(db.ClaimDue(t.Context(), "w1", now, 10))
	diff(t, dueIDs(due), []int64{series[1].ID, series[2].ID}) // bob's are still claimed
	wantErr(t, db.Fold(t.Context(), []int64{series[1].ID}, series[2].ID, "w1"), nil)
	wantErr(t, db.Release(t.Context(), series[2].ID, "w1", now, "ratelimited"), nil)
	due = must(db.ClaimDue(t.Context(), "w1", now, 1))
	if len(due) != 1 || due[0].Checkin.ID != series[2].ID || due[0].Missed != 2 {
		t.Fatalf("claimed %+v, want the 90d check-in covering 2", due)
	}
	for _, c := range must(db.DealCheckins(t.Context(), "T1", d.ID))[:2] {
		if c.Delivery != storage.DeliveryFolded || c.Status != storage.CheckinPending {
			t.Errorf("check-in %d: %s %s, want folded, still pending", c.ID, c.Delivery, c.Status)
		}
	}
	if n := count(t, db, `SELECT COUNT(*) FROM checkins WHERE folded_into = ?`, series[2].ID); n != 2 {
		t.Errorf("%d check-ins folded into the 90d one, want 2", n)
	}
	// Finishing a folded check-in takes it out of the count.
	must(db.FinishCheckin(t.Context(), alice, series[0].ID, storage.CheckinDone, ""))
	wantErr(t, db.Release(t.Context(), series[2].ID, "w1", now, "x"), nil)
	if due := must(db.ClaimDue(t.Context(), "w1", now, 1)); due[0].Missed != 1 {
		t.Errorf("missed = %d, want 1", due[0].Missed)
	}
}

func TestReclaimStuck(t *testing.T) {
	db, _ := openTest(t)
	_, series := wonDeal(t, db, alice, "C1")
	claimedAt := t0.AddDate(0, 0, 15)
	must(db.ClaimDue(t.Context(), "crashed", claimedAt, 10))
	diff(t, dueIDs(must(db.StuckSending(t.Context(), claimedAt))), []int64(nil))
	diff(t, dueIDs(must(db.StuckSending(t.Context(), claimedAt.Add(time.Second)))), []int64{series[0].ID})

	later := claimedAt.Add(10 * time.Minute)
	diff(t, dueIDs(must(db.ReclaimStuck(t.Context(), "w2", later, claimedAt, 10))), []int64(nil)) // lease not over
	due := must(db.ReclaimStuck(t.Context(), "w2", later, later.Add(-5*time.Minute), 10))
	if len(due) != 1 || due[0].Checkin.ID != series[0].ID || !due[0].Uncertain || due[0].ClaimedBy != "w2" {
		t.Fatalf("reclaimed %+v, want check-in %d for w2, uncertain", due, series[0].ID)
	}
	wantErr(t, db.MarkSent(t.Context(), series[0].ID, "crashed", "C1", "1.1", later), storage.ErrConflict)
	wantErr(t, db.MarkSent(t.Context(), series[0].ID, "w2", "C1", "1.1", later), nil)

	// A stuck claim of a check-in finished meanwhile is dropped, not reclaimed.
	must(db.ClaimDue(t.Context(), "crashed", t0.AddDate(0, 0, 31), 10))
	must(db.FinishCheckin(t.Context(), alice, series[1].ID, storage.CheckinDone, ""))
	diff(t, dueIDs(must(db.ReclaimStuck(t.Context(), "w2", t0.AddDate(0, 0, 32), t0.AddDate(0, 0, 32), 10))), []int64(nil))
	if c := must(db.CheckinByID(t.Context(), "T1", series[1].ID)); c.Delivery != storage.DeliveryQueued {
		t.Errorf("finished check-in left %s", c.Delivery)
	}
}

func TestLastSentOn(t *testing.T) {
	db, _ := openTest(t)
	_, series := wonDeal(t, db, alice, "C1")
	wonDeal(t, db, mallory, "C1") // same channel id, another workspace
	at := t0.AddDate(0, 0, 14)
	must(db.ClaimDue(t.Context(), "w1", at, 10))
	wantErr(t, db.MarkSent(t.Context(), series[0].ID, "w1", "C1", "1.1", at), nil)
	day := asDate(at)
	for _, tc := range []struct {
		name        string
		team, chann string
		start, end  time.Time
		want        time.Time
	}{
		{"that day", "T1", "C1", day, day.AddDate(0, 0, 1), at},
		{"the day after", "T1", "C1", day.AddDate(0, 0, 1), day.AddDate(0, 0, 2), time.Time{}},
		{"end is exclusive", "T1", "C1", day, at, time.Time{}},
		{"another channel", "T1", "C2", day, day.AddDate(0, 0, 1), time.Time{}},
		{"another workspace", "T2", "C1", day, day.AddDate(0, 0, 1), time.Time{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := must(db.LastSentOn(t.Context(), tc.team, tc.chann, tc.start, tc.end))
			if !got.Equal(tc.want) {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

// TestClaimPlan checks that a claim reads only what it claims, through the
// claimable index, however many check-ins are finished or far off.
func TestClaimPlan(t *testing.T) {
	db, _ := openTest(t)
	for _, ch := range []string{"C1", "C2", "C3"} {
		wonDeal(t, db, alice, ch)
	}
	rows, err := db.w.conn.QueryContext(t.Context(), `EXPLAIN QUERY PLAN `+claimQuery, "w", t0.Unix(), 10)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan strings.Builder
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan.WriteString(detail + "\n")
	}
	for _, want := range []string{"USING INDEX checkins_claimable (<expr><?)", "USING INDEX checkins_team_deal"} {
		if !strings.Contains(plan.String(), want) {
			t.Errorf("plan:\n%swant %s", plan.String(), want)
		}
	}
	if strings.Contains(plan.String(), "checkins_delivery_due") || strings.Contains(plan.String(), "SCAN c") {
		t.Errorf("plan:\n%sscans the queue", plan.String())
	}
}

// BenchmarkClaimDue claims batches of 64 due reminders, with their deals,
// from a table of 100,000 check-ins of which about a third are due.
func BenchmarkClaimDue(b *testing.B) {
	db, err := Open(b.Context(), filepath.Join(b.TempDir(), "bench.db"), Options{Now: func() time.Time { return t0 }})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	const deals, perDeal = 20_000, 5
	exec(b, db, `INSERT INTO workspaces (team_id, created_at) VALUES ('T1', 0)`)
	exec(b, db, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
		INSERT INTO deals (id, team_id, channel_id, name, stage, owner_id, closed_on, budget, created_by, created_at, updated_by, updated_at)
		SELECT i, 'T1', 'C' || i, 'Deal ' || i, 'won', 'U' || (i % 50), '2026-01-01', 10, 'U1', 0, 'U1', 0 FROM n`, deals)
	// Check-in k of deal i is due k*30 days after a start spread over a
	// year from six months ago.
	exec(b, db, `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
		INSERT INTO checkins (team_id, deal_id, kind, due_on, due_at, created_by, created_at, updated_by, updated_at)
		SELECT 'T1', i / ?2 + 1, 'post_close', '2026-01-01', ?3 + (i / ?2) * 1500 + (i % ?2) * 30 * 86400, 'U1', 0, 'U1', 0 FROM n`,
		deals*perDeal-1, perDeal, t0.AddDate(0, -6, 0).Unix())
	claimed := 0
	for b.Loop() {
		due, err := db.ClaimDue(b.Context(), "bench", t0, 64)
		if err != nil {
			b.Fatal(err)
		}
		claimed += len(due)
		b.StopTimer()
		if len(due) == 0 {
			exec(b, db, `UPDATE checkins SET delivery = 'queued' WHERE delivery = 'sent'`)
		} else {
			exec(b, db, `UPDATE checkins SET delivery = 'sent' WHERE delivery = 'sending'`)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(claimed)/b.Elapsed().Seconds(), "claimed/s")
}

func TestFinishFolded(t *testing.T) {
	db, _ := openTest(t)
	d, series := wonDeal(t, db, alice, "C1")
	now := t0.AddDate(0, 0, 100)
	must(db.ClaimDue(t.Context(), "w1", now, 10))
	wantErr(t, db.Fold(t.Context(), []int64{series[0].ID, series[1].ID}, series[2].ID, "w1"), nil)
	wantErr(t, db.MarkSent(t.Context(), series[2].ID, "w1", "C1", "1.1", now), nil)
	must(db.FinishCheckin(t.Context(), alice, series[0].ID, storage.CheckinSkipped, "")) // one was answered already

	must(db.FinishCheckin(t.Context(), bob, series[2].ID, storage.CheckinDone, "all good"))
	if n := must(db.FinishFolded(t.Context(), bob, series[2].ID, storage.CheckinDone, "all good")); n != 1 {
		t.Errorf("finished %d folded check-ins, want 1", n)
	}
	var got []storage.CheckinStatus
	for _, c := range must(db.DealCheckins(t.Context(), "T1", d.ID)) {
		got = append(got, c.Status)
	}
	diff(t, got, []storage.CheckinStatus{storage.CheckinSkipped, storage.CheckinDone, storage.CheckinDone})
	if n := must(db.FinishFolded(t.Context(), bob, series[2].ID, storage.CheckinDone, "")); n != 0 {
		t.Errorf("finishing again finished %d", n)
	}
	_, err := db.FinishFolded(t.Context(), mallory, series[2].ID, storage.CheckinDone, "")
	wantErr(t, err, storage.ErrNotFound)
	_, err = db.FinishFolded(t.Context(), bob, series[2].ID, storage.CheckinCancelled, "")
	wantErr(t, err, storage.ErrInvalid)
}
