package storagetest

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/longgame/longgame/storage"
)

func testLedger(t *testing.T, db storage.Store, clk *Clock) {
	ctx := t.Context()
	d := NewDeal(t, db, Alice, "C1")
	Must(db.AddGive(ctx, Alice, d.ID, "exec intro", 2)) // at full budget: clamped, but banked
	clk.Advance(time.Minute)
	Must(db.AddAsk(ctx, Alice, d.ID, "push procurement", 5))
	Must(db.AddAsk(ctx, Alice, d.ID, "sign early", 4)) // same second as the ask before
	Must(db.SetAskStatus(ctx, Alice, d.ID, 2, storage.AskDeclined))
	clk.Advance(time.Minute)
	Must(db.AddAsk(ctx, Alice, d.ID, "reference", 5))
	Must(db.AddGive(ctx, Alice, d.ID, "training plan", 1)) // same second: after the ask

	type row struct {
		At   time.Time
		What string
		Left int
	}
	var got []row
	for _, e := range Must(db.Ledger(ctx, "T1", d.ID)) {
		what := "give "
		if e.Ask != nil {
			what = "ask " + e.Ask.What
		} else {
			what += e.Give.What
		}
		got = append(got, row{e.At, what, e.Left})
	}
	m := func(n int) time.Time { return T0.Add(time.Duration(n) * time.Minute) }
	Diff(t, got, []row{
		{m(0), "give exec intro", 10},
		{m(1), "ask push procurement", 7},
		{m(1), "ask sign early", 7},
		{m(2), "ask reference", 2},
		{m(2), "give training plan", 3},
	})
	_, err := db.Ledger(ctx, "T1", 99)
	WantErr(t, err, storage.ErrNotFound)
}

// testEveryCapitalAgreesWithComputeCapital fills deals with random asks (some
// done, some declined) and gives, and checks that every capital the store
// reports (lists, overviews, ledgers, histories) agrees with ComputeCapital.
func testEveryCapitalAgreesWithComputeCapital(t *testing.T, db storage.Store, clk *Clock) {
	ctx := t.Context()
	rng := rand.New(rand.NewPCG(1, 2))
	champ := int64(0)
	for i := range 12 {
		d := NewDeal(t, db, Alice, "C"+string(rune('A'+i)))
		Must(db.SetBudget(ctx, Alice, d.ID, 1+rng.IntN(15)))
		champ = Must(db.SetChampion(ctx, Alice, d.ID, storage.ChampionInput{Name: "Jane", Company: "Acme"})).Champion.ID
		for n := range rng.IntN(8) {
			Must(db.AddAsk(ctx, Alice, d.ID, "ask", 1+rng.IntN(5)))
			if s := []storage.AskStatus{storage.AskOpen, storage.AskDone, storage.AskDeclined}[rng.IntN(3)]; s != storage.AskOpen {
				Must(db.SetAskStatus(ctx, Alice, d.ID, n+1, s))
			}
		}
		for range rng.IntN(5) {
			Must(db.AddGive(ctx, Alice, d.ID, "give", 1+rng.IntN(5)))
		}
	}

	want := map[int64]storage.Capital{}
	for _, o := range Must(db.ListDeals(ctx, "T1", storage.DealFilter{})).Items {
		id := o.Deal.ID
		want[id] = storage.ComputeCapital(o.Deal.Budget, o.Deal.ChampionID, Must(db.Asks(ctx, "T1", id)), Must(db.Gives(ctx, "T1", id)))
		if o.Capital != want[id] {
			t.Errorf("deal %d: ListDeals capital %+v, want %+v", id, o.Capital, want[id])
		}
		if got := Must(db.DealOverview(ctx, "T1", id)).Capital; got != want[id] {
			t.Errorf("deal %d: DealOverview capital %+v, want %+v", id, got, want[id])
		}
		if l := Must(db.Ledger(ctx, "T1", id)); len(l) > 0 && l[len(l)-1].Left != want[id].Left {
			t.Errorf("deal %d: ledger ends at %d, want %d", id, l[len(l)-1].Left, want[id].Left)
		}
	}
	for _, cd := range Must(db.ChampionHistory(ctx, "T1", champ, nil, 0)).Items {
		if cd.Capital != want[cd.Deal.ID] {
			t.Errorf("deal %d: ChampionHistory capital %+v, want %+v", cd.Deal.ID, cd.Capital, want[cd.Deal.ID])
		}
	}
	if len(want) != 12 {
		t.Errorf("checked %d deals, want 12", len(want))
	}
}

func testAsksAndGives(t *testing.T, db storage.Store, clk *Clock) {
	ctx := t.Context()
	d1, d2 := NewDeal(t, db, Alice, "C1"), NewDeal(t, db, Alice, "C2")
	a1 := Must(db.AddAsk(ctx, Alice, d1.ID, "intro to CFO", 3))
	Must(db.AddAsk(ctx, Alice, d1.ID, "push legal", 2))
	b1 := Must(db.AddAsk(ctx, Alice, d2.ID, "other deal", 1))
	clk.Advance(time.Hour)
	done := Must(db.SetAskStatus(ctx, Bob, d1.ID, 1, storage.AskDone))

	Diff(t, a1, storage.Ask{ID: a1.ID, DealID: d1.ID, Number: 1, What: "intro to CFO", Cost: 3, Status: storage.AskOpen,
		CreatedBy: "UALICE", CreatedAt: T0, UpdatedBy: "UALICE", UpdatedAt: T0})
	Diff(t, done, storage.Ask{ID: a1.ID, DealID: d1.ID, Number: 1, What: "intro to CFO", Cost: 3, Status: storage.AskDone,
		CreatedBy: "UALICE", CreatedAt: T0, UpdatedBy: "UBOB", UpdatedAt: T0.Add(time.Hour)})
	if b1.Number != 1 {
		t.Errorf("first ask of another deal is #%d, want #1", b1.Number)
	}
	var numbers []int
	for _, a := range Must(db.Asks(ctx, "T1", d1.ID)) {
		numbers = append(numbers, a.Number)
	}
	Diff(t, numbers, []int{1, 2})

	g1 := Must(db.AddGive(ctx, Alice, d1.ID, "training plan", 4))
	g2 := Must(db.AddGive(ctx, Alice, d1.ID, "business case", 2))
	Diff(t, Must(db.Gives(ctx, "T1", d1.ID)), []storage.Give{g1, g2})
	Diff(t, g1, storage.Give{ID: g1.ID, DealID: d1.ID, Number: 1, What: "training plan", Value: 4,
		CreatedBy: "UALICE", CreatedAt: T0.Add(time.Hour), UpdatedBy: "UALICE", UpdatedAt: T0.Add(time.Hour)})

	for _, tc := range []struct {
		name string
		err  error
		call func() error
	}{
		{"cost 0", storage.ErrInvalid, func() error { _, err := db.AddAsk(ctx, Alice, d1.ID, "x", 0); return err }},
		{"cost 6", storage.ErrInvalid, func() error { _, err := db.AddAsk(ctx, Alice, d1.ID, "x", 6); return err }},
		{"blank ask", storage.ErrInvalid, func() error { _, err := db.AddAsk(ctx, Alice, d1.ID, " ", 1); return err }},
		{"ask on no deal", storage.ErrNotFound, func() error { _, err := db.AddAsk(ctx, Alice, 99, "x", 1); return err }},
		{"unknown status", storage.ErrInvalid, func() error { _, err := db.SetAskStatus(ctx, Alice, d1.ID, 1, "maybe"); return err }},
		{"missing ask", storage.ErrNotFound, func() error { _, err := db.SetAskStatus(ctx, Alice, d1.ID, 9, storage.AskDone); return err }},
		{"value 6", storage.ErrInvalid, func() error { _, err := db.AddGive(ctx, Alice, d1.ID, "x", 6); return err }},
		{"give on no deal", storage.ErrNotFound, func() error { _, err := db.AddGive(ctx, Alice, 99, "x", 1); return err }},
	} {
		t.Run(tc.name, func(t *testing.T) { WantErr(t, tc.call(), tc.err) })
	}
}
