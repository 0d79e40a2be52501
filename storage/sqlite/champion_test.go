package sqlite

import (
	"testing"

	"github.com/longgame/longgame/storage"
)

// TestChampionMatchingAddsNoRow counts the rows behind what the suite sees
// through deals: a champion matched by name or by user is the same row,
// and only another person makes a new one.
func TestChampionMatchingAddsNoRow(t *testing.T) {
	db, _ := openTest(t)
	ctx := t.Context()
	d1, d2 := newDeal(t, db, alice, "C1"), newDeal(t, db, alice, "C2")
	for _, c := range []struct {
		deal int64
		in   storage.ChampionInput
	}{
		{d1.ID, storage.ChampionInput{Name: "Jane Doe"}},
		{d2.ID, storage.ChampionInput{Name: "  jane   DOE "}},
		{d2.ID, storage.ChampionInput{Name: "Jane Doe", UserID: "UJANE"}},
		{d1.ID, storage.ChampionInput{UserID: "UJANE", Title: "CIO"}},
		{d1.ID, storage.ChampionInput{Name: "Jane Doe", UserID: "UOTHER"}}, // another person
	} {
		must(db.SetChampion(ctx, bob, c.deal, c.in))
	}
	if n := count(t, db, `SELECT COUNT(*) FROM champions`); n != 2 {
		t.Errorf("got %d champions, want 2", n)
	}
}
