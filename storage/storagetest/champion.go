package storagetest

import (
	"strings"
	"testing"
	"time"

	"github.com/longgame/longgame/storage"
)

func testSetChampionMatchesAcrossDeals(t *testing.T, db storage.Store, clk *Clock) {
	ctx := t.Context()
	d1, d2, d3 := NewDeal(t, db, Alice, "C1"), NewDeal(t, db, Alice, "C2"), NewDeal(t, db, Alice, "C3")
	jane := Must(db.SetChampion(ctx, Alice, d1.ID, storage.ChampionInput{Name: "Jane Doe", Title: "VP of IT", Company: "Acme"})).Champion

	for _, tc := range []struct {
		name string
		deal int64
		in   storage.ChampionInput
		same bool             // the same champion as jane
		want storage.Champion // fields checked when same
	}{
		{"name and company, other case and spaces, keep the recorded spelling", d2.ID,
			storage.ChampionInput{Name: "  jane   DOE ", Company: "ACME"}, true,
			storage.Champion{Name: "Jane Doe", Title: "VP of IT", Company: "Acme"}},
		{"name and company link a user and set the title", d3.ID,
			storage.ChampionInput{Name: "Jane Doe", Title: "CIO", Company: "Acme", UserID: "UJANE"}, true,
			storage.Champion{Name: "Jane Doe", Title: "CIO", Company: "Acme", UserID: "UJANE"}},
		{"user id with another name", d2.ID, storage.ChampionInput{Name: "J. Doe", UserID: "UJANE"}, true,
			storage.Champion{Name: "J. Doe", Title: "CIO", Company: "Acme", UserID: "UJANE"}},
		{"user id alone", d1.ID, storage.ChampionInput{UserID: "UJANE"}, true,
			storage.Champion{Name: "J. Doe", Title: "CIO", Company: "Acme", UserID: "UJANE"}},
		{"same name, another user: another person", d1.ID, storage.ChampionInput{Name: "J. Doe", UserID: "UOTHER"}, false,
			storage.Champion{}},
		{"same name at another company: another person", d3.ID, storage.ChampionInput{Name: "J. Doe", Company: "Initech"}, false,
			storage.Champion{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			set, err := db.SetChampion(ctx, Bob, tc.deal, tc.in)
			WantErr(t, err, nil)
			got := set.Champion
			if (got.ID == jane.ID) != tc.same {
				t.Fatalf("got champion %d, want same as %d: %v", got.ID, jane.ID, tc.same)
			}
			if d := Must(db.DealByID(ctx, "T1", tc.deal)); d.ChampionID != got.ID || d.UpdatedBy != "UBOB" {
				t.Errorf("deal's champion is %d updated by %s, want %d by UBOB", d.ChampionID, d.UpdatedBy, got.ID)
			}
			if tc.same {
				Diff(t, storage.Champion{Name: got.Name, Title: got.Title, Company: got.Company, UserID: got.UserID}, tc.want)
			}
		})
	}
}

// testChampionCompanyDefaultsToTheDeal checks that a champion named
// without a company is matched at the deal's name: the same name on two
// customers' deals is two people, and a title on one retitles nobody else.
func testChampionCompanyDefaultsToTheDeal(t *testing.T, db storage.Store, clk *Clock) {
	ctx := t.Context()
	acme, hooli := NewDeal(t, db, Alice, "C1"), NewDeal(t, db, Alice, "C2")
	first := Must(db.SetChampion(ctx, Alice, acme.ID, storage.ChampionInput{Name: "Jane Doe", Title: "VP of IT"})).Champion
	if first.Company != acme.Name {
		t.Errorf("company %q, want the deal's name %q", first.Company, acme.Name)
	}
	second := Must(db.SetChampion(ctx, Alice, hooli.ID, storage.ChampionInput{Name: "Jane Doe", Title: "CIO"})).Champion
	if second.ID == first.ID || second.Company != hooli.Name {
		t.Errorf("Jane Doe on %s is %+v, want another person at %s", hooli.Name, second, hooli.Name)
	}
	if got := Must(db.ChampionByID(ctx, "T1", first.ID)); got.Title != "VP of IT" {
		t.Errorf("the first Jane Doe was retitled %q", got.Title)
	}
	both := Must(db.FindChampions(ctx, "T1", storage.ChampionQuery{Name: "jane doe"}, 0))
	if len(both) != 2 || both[0].ID != first.ID || both[1].ID != second.ID {
		t.Errorf("FindChampions by name: %+v, want both Jane Does, oldest first", both)
	}
	one := Must(db.FindChampions(ctx, "T1", storage.ChampionQuery{Name: "Jane Doe", Company: strings.ToUpper(hooli.Name)}, 0))
	if len(one) != 1 || one[0].ID != second.ID {
		t.Errorf("FindChampions by name and company: %+v, want the second", one)
	}
}

// testChampionTimeline checks that a new title or company is a change in
// the person's timeline, not a rewrite of it.
func testChampionTimeline(t *testing.T, db storage.Store, clk *Clock) {
	ctx := t.Context()
	d := NewDeal(t, db, Alice, "C1")
	jane := Must(db.SetChampion(ctx, Alice, d.ID, storage.ChampionInput{Name: "Jane Doe", Title: "VP of IT", UserID: "UJANE"})).Champion
	clk.Advance(24 * time.Hour)
	again := Must(db.SetChampion(ctx, Bob, d.ID, storage.ChampionInput{UserID: "UJANE", Title: "VP of IT"}))
	if again.Moved {
		t.Error("the same title counted as a change")
	}
	moved := Must(db.SetChampion(ctx, Bob, d.ID, storage.ChampionInput{UserID: "UJANE", Title: "CIO", Company: "Initech"}))
	if !moved.Moved || moved.Champion.Title != "CIO" || moved.Champion.Company != "Initech" || moved.Champion.ID != jane.ID {
		t.Errorf("SetChampion with a new title and company: %+v", moved)
	}
	Diff(t, Must(db.ChampionRoles(ctx, "T1", jane.ID)), []storage.ChampionRole{
		{Company: d.Name, Title: "VP of IT", RecordedBy: "UALICE", RecordedAt: T0},
		{Company: "Initech", Title: "CIO", RecordedBy: "UBOB", RecordedAt: T0.Add(24 * time.Hour)},
	})
	_, err := db.ChampionRoles(ctx, "T1", 999)
	WantErr(t, err, storage.ErrNotFound)
}

// testReplacingAChampion checks that a new champion on a deal is a new
// person: the earlier one keeps their asks and gives, the capital is the
// new one's, and asks made before anyone was named go to the first named.
func testReplacingAChampion(t *testing.T, db storage.Store, clk *Clock) {
	ctx := t.Context()
	d := NewDeal(t, db, Alice, "C1")
	Must(db.AddAsk(ctx, Alice, d.ID, "before anyone was named", 2))
	gavin := Must(db.SetChampion(ctx, Alice, d.ID, storage.ChampionInput{Name: "Gavin Belson"}))
	if gavin.Adopted != 1 || gavin.Replaced != nil {
		t.Errorf("first champion: %+v, want 1 adopted, none replaced", gavin)
	}
	Must(db.AddAsk(ctx, Alice, d.ID, "push legal", 5))
	Must(db.AddGive(ctx, Alice, d.ID, "exec intro", 1))
	richard := Must(db.SetChampion(ctx, Alice, d.ID, storage.ChampionInput{Name: "Richard Hendricks"}))
	if richard.Replaced == nil || richard.Replaced.ID != gavin.Champion.ID || richard.Adopted != 0 {
		t.Fatalf("second champion: %+v, want Gavin replaced and nothing adopted", richard)
	}
	Must(db.AddAsk(ctx, Alice, d.ID, "beta test", 1))

	if got := Must(db.DealOverview(ctx, "T1", d.ID)).Capital; got != (storage.Capital{Budget: 10, Left: 9}) {
		t.Errorf("capital %+v, want Richard's: 10 - 1", got)
	}
	var owners []int64
	for _, a := range Must(db.Asks(ctx, "T1", d.ID)) {
		owners = append(owners, a.ChampionID)
	}
	Diff(t, owners, []int64{gavin.Champion.ID, gavin.Champion.ID, richard.Champion.ID})
	var earlier []bool
	for _, e := range Must(db.Ledger(ctx, "T1", d.ID)) {
		earlier = append(earlier, e.Earlier)
	}
	// By time, asks before gives: Gavin's two asks, Richard's, Gavin's give.
	Diff(t, earlier, []bool{true, true, false, true})

	hist := Must(db.ChampionHistory(ctx, "T1", gavin.Champion.ID, nil, 0))
	if len(hist.Items) != 1 || hist.Items[0].Current || hist.Items[0].Asks != 2 || hist.Items[0].Gives != 1 ||
		hist.Items[0].Capital != (storage.Capital{Budget: 10, Left: 4}) {
		t.Errorf("Gavin's history: %+v, want the deal, not current, his 2 asks and 1 give, 10-7+1", hist.Items)
	}
	hist = Must(db.ChampionHistory(ctx, "T1", richard.Champion.ID, nil, 0))
	if len(hist.Items) != 1 || !hist.Items[0].Current || hist.Items[0].Asks != 1 {
		t.Errorf("Richard's history: %+v, want the deal, current, 1 ask", hist.Items)
	}
}

func testSetChampionInvalid(t *testing.T, db storage.Store, clk *Clock) {
	d := NewDeal(t, db, Alice, "C1")
	for _, tc := range []struct {
		name string
		deal int64
		in   storage.ChampionInput
		err  error
	}{
		{"nothing", d.ID, storage.ChampionInput{Name: " "}, storage.ErrInvalid},
		{"unknown user, no name", d.ID, storage.ChampionInput{UserID: "UNEW"}, storage.ErrInvalid},
		{"no such deal", 99, storage.ChampionInput{Name: "Jane"}, storage.ErrNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := db.SetChampion(t.Context(), Alice, tc.deal, tc.in)
			WantErr(t, err, tc.err)
		})
	}
}

func testFindChampions(t *testing.T, db storage.Store, clk *Clock) {
	d := NewDeal(t, db, Alice, "C1")
	jane := Must(db.SetChampion(t.Context(), Alice, d.ID, storage.ChampionInput{Name: "Jane Doe", UserID: "UJANE"})).Champion
	sam := Must(db.SetChampion(t.Context(), Alice, d.ID, storage.ChampionInput{Name: "Sam Roe"})).Champion
	for _, tc := range []struct {
		name string
		q    storage.ChampionQuery
		want []int64
	}{
		{"by user", storage.ChampionQuery{UserID: "UJANE"}, []int64{jane.ID}},
		{"by name", storage.ChampionQuery{Name: "JANE doe"}, []int64{jane.ID}},
		{"by name, unlinked", storage.ChampionQuery{Name: "sam roe"}, []int64{sam.ID}},
		{"by name and company", storage.ChampionQuery{Name: "sam roe", Company: d.Name}, []int64{sam.ID}},
		{"by name at another company", storage.ChampionQuery{Name: "sam roe", Company: "Initech"}, nil},
		{"unknown user, name of an unlinked champion", storage.ChampionQuery{Name: "Sam Roe", UserID: "UX"}, []int64{sam.ID}},
		{"unknown user, name of a champion linked to another", storage.ChampionQuery{Name: "Jane Doe", UserID: "UX"}, nil},
		{"unknown name", storage.ChampionQuery{Name: "Nobody"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []int64
			for _, c := range Must(db.FindChampions(t.Context(), "T1", tc.q, 0)) {
				got = append(got, c.ID)
			}
			Diff(t, got, tc.want)
		})
	}
	_, err := db.FindChampions(t.Context(), "T1", storage.ChampionQuery{Name: " "}, 0)
	WantErr(t, err, storage.ErrInvalid)
	Diff(t, Must(db.ChampionByID(t.Context(), "T1", jane.ID)), jane)
	_, err = db.ChampionByID(t.Context(), "T1", 99)
	WantErr(t, err, storage.ErrNotFound)
}

func testChampionHistory(t *testing.T, db storage.Store, clk *Clock) {
	ctx := t.Context()
	d1, d2, other := NewDeal(t, db, Alice, "C1"), NewDeal(t, db, Alice, "C2"), NewDeal(t, db, Alice, "C3")
	jane := Must(db.SetChampion(ctx, Alice, d1.ID, storage.ChampionInput{Name: "Jane", Company: "Acme"})).Champion
	Must(db.SetChampion(ctx, Alice, d2.ID, storage.ChampionInput{Name: "jane", Company: "acme"}))
	Must(db.SetChampion(ctx, Alice, other.ID, storage.ChampionInput{Name: "Sam"}))
	Must(db.AddAsk(ctx, Alice, d1.ID, "intro", 3))
	Must(db.AddAsk(ctx, Alice, d1.ID, "push legal", 5))
	Must(db.SetAskStatus(ctx, Alice, d1.ID, 2, storage.AskDeclined))
	clk.Advance(48 * time.Hour)
	Must(db.AddGive(ctx, Alice, d1.ID, "reference call", 1))
	Must(db.AddAsk(ctx, Alice, other.ID, "not Jane's", 5))

	got := Must(db.ChampionHistory(ctx, "T1", jane.ID, nil, 0)).Items
	var rows []storage.ChampionDeal
	for _, cd := range got {
		rows = append(rows, storage.ChampionDeal{Deal: storage.Deal{ID: cd.Deal.ID}, Current: cd.Current, Asks: cd.Asks, Gives: cd.Gives,
			Capital: cd.Capital, LastContact: cd.LastContact})
	}
	Diff(t, rows, []storage.ChampionDeal{
		{Deal: storage.Deal{ID: d1.ID}, Current: true, Asks: 2, Gives: 1, Capital: storage.Capital{Budget: 10, Left: 8}, LastContact: T0.Add(48 * time.Hour)},
		{Deal: storage.Deal{ID: d2.ID}, Current: true, Capital: storage.Capital{Budget: 10, Left: 10}},
	})

	_, err := db.ChampionHistory(ctx, "T1", 99, nil, 0)
	WantErr(t, err, storage.ErrNotFound)
}
