package sqlite

import (
	"testing"
	"time"

	"github.com/longgame/longgame/storage"
)

func TestSetChampionMatchesAcrossDeals(t *testing.T) {
	db, _ := openTest(t)
	ctx := t.Context()
	d1, d2, d3 := newDeal(t, db, alice, "C1"), newDeal(t, db, alice, "C2"), newDeal(t, db, alice, "C3")
	jane := must(db.SetChampion(ctx, alice, d1.ID, storage.ChampionInput{Name: "Jane Doe", Title: "VP of IT"}))

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
			got, err := db.SetChampion(ctx, bob, tc.deal, tc.in)
			wantErr(t, err, nil)
			if (got.ID == jane.ID) != tc.same {
				t.Fatalf("got champion %d, want same as %d: %v", got.ID, jane.ID, tc.same)
			}
			if d := must(db.DealByID(ctx, "T1", tc.deal)); d.ChampionID != got.ID || d.UpdatedBy != "UBOB" {
				t.Errorf("deal's champion is %d updated by %s, want %d by UBOB", d.ChampionID, d.UpdatedBy, got.ID)
			}
			if tc.same {
				diff(t, storage.Champion{Name: got.Name, Title: got.Title, UserID: got.UserID}, tc.want)
			}
		})
	}
	if n := count(t, db, `SELECT COUNT(*) FROM champions`); n != 2 {
		t.Errorf("got %d champions, want 2", n)
	}
}

func TestSetChampionInvalid(t *testing.T) {
	db, _ := openTest(t)
	d := newDeal(t, db, alice, "C1")
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
			_, err := db.SetChampion(t.Context(), alice, tc.deal, tc.in)
			wantErr(t, err, tc.err)
		})
	}
}

func TestFindChampion(t *testing.T) {
	db, _ := openTest(t)
	d := newDeal(t, db, alice, "C1")
	jane := must(db.SetChampion(t.Context(), alice, d.ID, storage.ChampionInput{Name: "Jane Doe", UserID: "UJANE"}))
	sam := must(db.SetChampion(t.Context(), alice, d.ID, storage.ChampionInput{Name: "Sam Roe"}))
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
			wantErr(t, err, tc.err)
			if got.ID != tc.want {
				t.Errorf("got champion %d, want %d", got.ID, tc.want)
			}
		})
	}
	diff(t, must(db.ChampionByID(t.Context(), "T1", jane.ID)), jane)
	_, err := db.ChampionByID(t.Context(), "T1", 99)
	wantErr(t, err, storage.ErrNotFound)
}

func TestChampionHistory(t *testing.T) {
	db, clk := openTest(t)
	ctx := t.Context()
	d1, d2, other := newDeal(t, db, alice, "C1"), newDeal(t, db, alice, "C2"), newDeal(t, db, alice, "C3")
	jane := must(db.SetChampion(ctx, alice, d1.ID, storage.ChampionInput{Name: "Jane"}))
	must(db.SetChampion(ctx, alice, d2.ID, storage.ChampionInput{Name: "jane"}))
	must(db.SetChampion(ctx, alice, other.ID, storage.ChampionInput{Name: "Sam"}))
	must(db.AddAsk(ctx, alice, d1.ID, "intro", 3))
	must(db.AddAsk(ctx, alice, d1.ID, "push legal", 5))
	must(db.SetAskStatus(ctx, alice, d1.ID, 2, storage.AskDeclined))
	clk.Advance(48 * time.Hour)
	must(db.AddGive(ctx, alice, d1.ID, "reference call", 1))
	must(db.AddAsk(ctx, alice, other.ID, "not Jane's", 5))

	got := must(db.ChampionHistory(ctx, "T1", jane.ID, nil, 0)).Items
	var rows []storage.ChampionDeal
	for _, cd := range got {
		rows = append(rows, storage.ChampionDeal{Deal: storage.Deal{ID: cd.Deal.ID}, Asks: cd.Asks, Gives: cd.Gives, Capital: cd.Capital, LastContact: cd.LastContact})
	}
	diff(t, rows, []storage.ChampionDeal{
		{Deal: storage.Deal{ID: d1.ID}, Asks: 2, Gives: 1, Capital: storage.Capital{Budget: 10, Left: 8}, LastContact: t0.Add(48 * time.Hour)},
		{Deal: storage.Deal{ID: d2.ID}, Capital: storage.Capital{Budget: 10, Left: 10}},
	})

	_, err := db.ChampionHistory(ctx, "T1", 99, nil, 0)
	wantErr(t, err, storage.ErrNotFound)
}
