package storagetest

import (
	"testing"
	"time"

	"github.com/longgame/longgame/storage"
)

func testMarkEventSeen(t *testing.T, db storage.Store, clk *Clock) {
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
		WantErr(t, err, nil)
		if got != tc.first {
			t.Errorf("MarkEventSeen(%s, %s) = %v, want %v", tc.team, tc.event, got, tc.first)
		}
	}
	_, err := db.MarkEventSeen(t.Context(), "T1", "")
	WantErr(t, err, storage.ErrInvalid)
}

func testUserTZ(t *testing.T, db storage.Store, clk *Clock) {
	ctx := t.Context()
	_, _, err := db.UserTZ(ctx, "T1", "UALICE")
	WantErr(t, err, storage.ErrNotFound)

	WantErr(t, db.SaveUserTZ(ctx, "T1", "UALICE", "Europe/Paris"), nil)
	clk.Advance(24 * time.Hour)
	WantErr(t, db.SaveUserTZ(ctx, "T1", "UALICE", "America/New_York"), nil)
	tz, fetched, err := db.UserTZ(ctx, "T1", "UALICE")
	WantErr(t, err, nil)
	if tz != "America/New_York" || !fetched.Equal(T0.Add(24*time.Hour)) {
		t.Errorf("got %s fetched %v, want America/New_York fetched %v", tz, fetched, T0.Add(24*time.Hour))
	}
	_, _, err = db.UserTZ(ctx, "T2", "UALICE")
	WantErr(t, err, storage.ErrNotFound)
	WantErr(t, db.SaveUserTZ(ctx, "T1", "UALICE", ""), storage.ErrInvalid)
}
