package storage

import (
	"testing"
	"time"
)

func TestSetChampionMatchesAcrossDeals(t *testing.T) {
	db, _ := openTest(t)
	ctx := t.Context()
	d1, d2, d3 := newDeal(t, db, alice, "C1"), newDeal(t, db, alice, "C2"), newDeal(t, db, alice, "C3")
	jane := must(db.SetChampion(ctx, alice, d1.ID, ChampionInput{Name: "Jane Doe", Title: "VP of IT"}))

	for _, tc := range []struct {
		name   string
		deal   int64
		in     ChampionInput
		same   bool     // the same champion as jane
		want   Champion // fields checked when same
		wantID int64
	}{
		{"name, other case and spaces keeps the recorded spelling", d2.ID, ChampionInput{Name: "  jane   DOE "}, true,
			Champion{Name: "Jane Doe", Title: "VP of IT"}, 0},
		{"name links a user and sets the title", d3.ID, ChampionInput{Name: "Jane Doe", Title: "CIO", UserID: "UJANE"}, true,
			Champion{Name: "Jane Doe", Title: "CIO", UserID: "UJANE"}, 0},
		{"user id with another name", d2.ID, ChampionInput{Name: "J. Doe", UserID: "UJANE"}, true,
			Champion{Name: "J. Doe", Title: "CIO", UserID: "UJANE"}, 0},
		{"user id alone", d1.ID, ChampionInput{UserID: "UJANE"}, true,
			Champion{Name: "J. Doe", Title: "CIO", UserID: "UJANE"}, 0},
		{"same name, another user: another person", d1.ID, ChampionInput{Name: "J. Doe", UserID: "UOTHER"}, false,
			Champion{}, 0},
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
				diff(t, Champion{Name: got.Name, Title: got.Title, UserID: got.UserID}, tc.want)
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
		in   ChampionInput
		err  error
	}{
		{"nothing", d.ID, ChampionInput{Name: " "}, ErrInvalid},
		{"unknown user, no name", d.ID, ChampionInput{UserID: "UNEW"}, ErrInvalid},
		{"no such deal", 99, ChampionInput{Name: "Jane"}, ErrNotFound},
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
	jane := must(db.SetChampion(t.Context(), alice, d.ID, ChampionInput{Name: "Jane Doe", UserID: "UJANE"}))
	sam := must(db.SetChampion(t.Context(), alice, d.ID, ChampionInput{Name: "Sam Roe"}))
	for _, tc := range []struct {
		name, find, userID string
		want               int64
		err                error
	}{
		{"by user", "", "UJANE", jane.ID, nil},
		{"by name", "JANE doe", "", jane.ID, nil},
		{"by name, unlinked", "sam roe", "", sam.ID, nil},
		{"unknown user, name of an unlinked champion", "Sam Roe", "UX", sam.ID, nil},
		{"unknown user, name of a champion linked to another", "Jane Doe", "UX", 0, ErrNotFound},
		{"unknown name", "Nobody", "", 0, ErrNotFound},
		{"nothing", "", "", 0, ErrNotFound},
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
	wantErr(t, err, ErrNotFound)
}

func TestChampionHistory(t *testing.T) {
	db, clk := openTest(t)
	ctx := t.Context()
	d1, d2, other := newDeal(t, db, alice, "C1"), newDeal(t, db, alice, "C2"), newDeal(t, db, alice, "C3")
	jane := must(db.SetChampion(ctx, alice, d1.ID, ChampionInput{Name: "Jane"}))
	must(db.SetChampion(ctx, alice, d2.ID, ChampionInput{Name: "jane"}))
	must(db.SetChampion(ctx, alice, other.ID, ChampionInput{Name: "Sam"}))
	must(db.AddAsk(ctx, alice, d1.ID, "intro", 3))
	must(db.AddAsk(ctx, alice, d1.ID, "push legal", 5))
	must(db.SetAskStatus(ctx, alice, d1.ID, 2, AskDeclined))
	clk.Advance(48 * time.Hour)
	must(db.AddGive(ctx, alice, d1.ID, "reference call", 1))
	must(db.AddAsk(ctx, alice, other.ID, "not Jane's", 5))

	got := must(db.ChampionHistory(ctx, "T1", jane.ID, nil, 0)).Items
	var rows []ChampionDeal
	for _, cd := range got {
		rows = append(rows, ChampionDeal{Deal: Deal{ID: cd.Deal.ID}, Asks: cd.Asks, Gives: cd.Gives, Capital: cd.Capital, LastContact: cd.LastContact})
	}
	diff(t, rows, []ChampionDeal{
		{Deal: Deal{ID: d1.ID}, Asks: 2, Gives: 1, Capital: Capital{Budget: 10, Left: 8}, LastContact: t0.Add(48 * time.Hour)},
		{Deal: Deal{ID: d2.ID}, Capital: Capital{Budget: 10, Left: 10}},
	})

	_, err := db.ChampionHistory(ctx, "T1", 99, nil, 0)
	wantErr(t, err, ErrNotFound)
}
