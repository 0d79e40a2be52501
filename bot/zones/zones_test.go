package zones

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/longgame/longgame/bot/access"
)

type memStore struct {
	tz      map[string]string
	fetched map[string]time.Time
	saves   int
}

func (m *memStore) UserTZ(_ context.Context, _, user string) (string, time.Time, error) {
	tz, ok := m.tz[user]
	if !ok {
		return "", time.Time{}, errors.New("not found")
	}
	return tz, m.fetched[user], nil
}

func (m *memStore) SaveUserTZ(_ context.Context, _, user, tz string) error {
	m.tz[user], m.fetched[user] = tz, now
	m.saves++
	return nil
}

type people map[string]access.Person

func (p people) Person(_ context.Context, user string) (access.Person, error) {
	if q, ok := p[user]; ok {
		return q, nil
	}
	return access.Person{}, errors.New("users.info failed")
}

var now = time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)

func TestZones(t *testing.T) {
	store := &memStore{tz: map[string]string{"UOLD": "Asia/Tokyo"}, fetched: map[string]time.Time{"UOLD": now.AddDate(0, 0, -30)}}
	store.tz["UKEPT"], store.fetched["UKEPT"] = "Europe/Paris", now.AddDate(0, 0, -1)
	slack := people{"UNEW": {TZ: "America/New_York"}, "UOLD": {TZ: "Europe/Berlin"}, "UNONE": {}}
	z := New(store, slack, time.UTC, func() time.Time { return now }, nil)
	ctx := t.Context()
	for _, tc := range []struct{ user, want string }{
		{"UKEPT", "Europe/Paris"},    // kept a day ago: Slack not asked
		{"UNEW", "America/New_York"}, // asked, then kept
		{"UOLD", "Europe/Berlin"},    // kept a month ago: asked again
		{"UNONE", "UTC"},             // Slack says none: the default
		{"UFAIL", "UTC"},             // Slack fails: the default
	} {
		if got := z.Of(ctx, "T1", tc.user).String(); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.user, got, tc.want)
		}
	}
	if store.tz["UNEW"] != "America/New_York" || store.tz["UOLD"] != "Europe/Berlin" || store.saves != 2 {
		t.Errorf("kept %v after %d saves; want the two zones Slack gave", store.tz, store.saves)
	}
}
