package sqlite

import (
	"testing"
	"time"

	"github.com/longgame/longgame/storage"
)

func TestMarkEventSeen(t *testing.T) {
	db, _ := openTest(t)
	for _, tc := range []struct {
		team, event string
		first       bool
	}{
		{"T1", "Ev1", true},
		{"T1", "Ev1", false}, // redelivered
		{"T1", "Ev2", true},
		{"T2", "Ev1", true}, // same id, another workspace
	} {
		got, err := db.MarkEventSeen(t.Context(), tc.team, tc.event)
		wantErr(t, err, nil)
		if got != tc.first {
			t.Errorf("MarkEventSeen(%s, %s) = %v, want %v", tc.team, tc.event, got, tc.first)
		}
	}
	_, err := db.MarkEventSeen(t.Context(), "T1", "")
	wantErr(t, err, storage.ErrInvalid)
}

func TestUserTZ(t *testing.T) {
	db, clk := openTest(t)
	ctx := t.Context()
	_, _, err := db.UserTZ(ctx, "T1", "UALICE")
	wantErr(t, err, storage.ErrNotFound)

	wantErr(t, db.SaveUserTZ(ctx, "T1", "UALICE", "Europe/Paris"), nil)
	clk.Advance(24 * time.Hour)
	wantErr(t, db.SaveUserTZ(ctx, "T1", "UALICE", "America/New_York"), nil)
	tz, fetched, err := db.UserTZ(ctx, "T1", "UALICE")
	wantErr(t, err, nil)
	if tz != "America/New_York" || !fetched.Equal(t0.Add(24*time.Hour)) {
		t.Errorf("got %s fetched %v, want America/New_York fetched %v", tz, fetched, t0.Add(24*time.Hour))
	}
	_, _, err = db.UserTZ(ctx, "T2", "UALICE")
	wantErr(t, err, storage.ErrNotFound)
	wantErr(t, db.SaveUserTZ(ctx, "T1", "UALICE", ""), storage.ErrInvalid)
}
