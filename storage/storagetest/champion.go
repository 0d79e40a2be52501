package storagetest

import (
	"testing"
	"time"

	"github.com/longgame/longgame/storage"
)

func testSetChampionMatchesAcrossDeals(t *testing.T, db storage.Store, clk *Clock) {
	ctx := t.Context()
	d1, d2, d3 := NewDeal(t, db, Alice, "C1"), NewDeal(t, db, Alice, "C2"), NewDeal(t, db, Alice, "C3")
	jane := Must(db.SetChampion(ctx, Alice, d1.ID, storage.ChampionInput{Name: "Jane Doe", Title: "VP of IT"}))

	for _, tc := range []struct {
		name   string
		deal   int64
		in     storage.ChampionInput
		same   bool             // the same champion as jane
		want   storage.Champion // fields checked when same
		wantID int64
	}{
		{"name, other case and spaces keeps the recorded spelling", d2.ID, storage.ChampionInput{Name: "  jane   DOE "}, true,
			storage.Champion{Name: "Jane Doe", Title: "VP of IT"}, 0},
		{"name links a user and sets the title", d3.ID, storage.ChampionInput{Name: "Jane Doe", Title: "CIO", UserID: "UJANE"}, true,
			storage.Champion{Name: "Jane Doe", Title: "CIO", UserID: "UJANE"}, 0},
		{"user id with another name", d2.ID, storage.ChampionInput{Name: "J. Doe", UserID: "UJANE"}, true,
			storage.Champion{Name: "J. Doe", Title: "CIO", UserID: "UJANE"}, 0},
		{"user id alone", d1.ID, storage.ChampionInput{UserID: "UJANE"}, true,
			storage.Champion{Name: "J. Doe", Title: "CIO", UserID: "UJANE"}, 0},
		{"same name, another user: another person", d1.ID, storage.ChampionInput{Name: "J. Doe", UserID: "UOTHER"}, false,
			storage.Champion{}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := db.SetChampion(ctx, Bob, tc.deal, tc.in)
			WantErr(t, err, nil)
			if (got.ID == jane.ID) != tc.same {
				t.Fatalf("got champion %d, want same as %d: %v", got.ID, jane.ID, tc.same)
			}
			if d := Must(db.DealByID(ctx, "T1", tc.deal)); d.ChampionID != got.ID || d.UpdatedBy != "UBOB" {
				t.Errorf("deal's champion is %d updated by %s, want %d by UBOB", d.ChampionID, d.UpdatedBy, got.ID)
			}
			if tc.same {
				Diff(t, storage.Champion{Name: got.Name, Title: got.Title, UserID: got.UserID}, tc.want)
			}
		})
	}
	// Jane on C2 and C3, the other J. Doe on C1: two people, no more.
	people := map[int64]bool{}
	for _, d := range Must(db.Export(ctx, "T1")).Workspaces[0].Deals {
		people[d.Champion.ID] = true
	}
	if len(people) != 2 || !people[jane.ID] {
		t.Errorf("the deals' champions are %v, want Jane (%d) and one other", people, jane.ID)
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

func testFindChampion(t *testing.T, db storage.Store, clk *Clock) {
	d := NewDeal(t, db, Alice, "C1")
	jane := Must(db.SetChampion(t.Context(), Alice, d.ID, storage.ChampionInput{Name: "Jane Doe", UserID: "UJANE"}))
	sam := Must(db.SetChampion(t.Context(), Alice, d.ID, storage.ChampionInput{Name: "Sam Roe"}))
	for _, tc := range []struct {
		name, find, userID string
		want               int64
		err                error
	}{
		{"by user", "", "UJANE", jane.ID, nil},
		{"by name", "JANE doe", "", jane.ID, nil},
		{"by name, unlinked", "sam roe", "", sam.ID, nil},
		{"unknown user, name of an unlinked champion", "Sam Roe", "UX", sam.ID, nil},
		{"unknown user, name of a champion linked to another", "Jane Doe", "UX", 0, storage.ErrNotFound},
		{"unknown name", "Nobody", "", 0, storage.ErrNotFound},
		{"nothing", "", "", 0, storage.ErrNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := db.FindChampion(t.Context(), "T1", tc.find, tc.userID)
			WantErr(t, err, tc.err)
			if got.ID != tc.want {
				t.Errorf("got champion %d, want %d", got.ID, tc.want)
			}
		})
	}
	Diff(t, Must(db.ChampionByID(t.Context(), "T1", jane.ID)), jane)
	_, err := db.ChampionByID(t.Context(), "T1", 99)
	WantErr(t, err, storage.ErrNotFound)
}

func testChampionHistory(t *testing.T, db storage.Store, clk *Clock) {
	ctx := t.Context()
	d1, d2, other := NewDeal(t, db, Alice, "C1"), NewDeal(t, db, Alice, "C2"), NewDeal(t, db, Alice, "C3")
	jane := Must(db.SetChampion(ctx, Alice, d1.ID, storage.ChampionInput{Name: "Jane"}))
	Must(db.SetChampion(ctx, Alice, d2.ID, storage.ChampionInput{Name: "jane"}))
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
		rows = append(rows, storage.ChampionDeal{Deal: storage.Deal{ID: cd.Deal.ID}, Asks: cd.Asks, Gives: cd.Gives, Capital: cd.Capital, LastContact: cd.LastContact})
	}
	Diff(t, rows, []storage.ChampionDeal{
		{Deal: storage.Deal{ID: d1.ID}, Asks: 2, Gives: 1, Capital: storage.Capital{Budget: 10, Left: 8}, LastContact: T0.Add(48 * time.Hour)},
		{Deal: storage.Deal{ID: d2.ID}, Capital: storage.Capital{Budget: 10, Left: 10}},
	})

	_, err := db.ChampionHistory(ctx, "T1", 99, nil, 0)
	WantErr(t, err, storage.ErrNotFound)
}
