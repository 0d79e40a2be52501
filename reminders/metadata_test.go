package reminders

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/longgame/longgame/storage"
)

func TestMetadataMatchesOnlyTheSameDueTime(t *testing.T) {
	r := storage.DueCheckin{Checkin: storage.Checkin{ID: 42, TeamID: "T1", DueAt: time.Date(2026, 4, 1, 7, 0, 0, 0, time.UTC)}}
	var meta slack.SlackMetadata
	if err := json.Unmarshal(must(json.Marshal(checkinMetadata(r))), &meta); err != nil {
		t.Fatal(err)
	}
	if !isReminderOf(meta, r) {
		t.Errorf("%+v does not match its own reminder", meta)
	}
	snoozed := r
	snoozed.Checkin.DueAt = r.Checkin.DueAt.AddDate(0, 0, storage.SnoozeDays)
	other := r
	other.Checkin.ID = 43
	for name, x := range map[string]storage.DueCheckin{"snoozed": snoozed, "another check-in": other} {
		if isReminderOf(meta, x) {
			t.Errorf("%s: matched an old message", name)
		}
	}
}
