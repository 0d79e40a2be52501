package reminders

import (
	"testing"
	"time"
)

func TestParseScheduleAcceptsSpecsUsersWrite(t *testing.T) {
	for _, spec := range []string{
		"CRON_TZ=UTC 0 9 * * MON",
		"CRON_TZ=Europe/Paris 30 8 * * 1-5",
		"0 9 * * MON",
		"@weekly",
		"@every 1m",
	} {
		if _, err := ParseSchedule(spec); err != nil {
			t.Errorf("ParseSchedule(%q): %v", spec, err)
		}
	}
}

func TestParseScheduleRejectsSpecsCronAcceptsSilently(t *testing.T) {
	for _, spec := range []string{
		"",
		"CRON_TZ=UTC",
		"TZ=UTC",
		"0 9 31 2 *",
		"@every -5s",
		"@every 0s",
		"0 25 * * *",
		"every monday",
		"CRON_TZ=Mars/Olympus 0 9 * * MON",
	} {
		if _, err := ParseSchedule(spec); err == nil {
			t.Errorf("ParseSchedule(%q) = nil error, want a rejection", spec)
		}
	}
}

func TestDefaultDigestScheduleFiresMondayNineUTC(t *testing.T) {
	sched, err := ParseSchedule("CRON_TZ=UTC 0 9 * * MON")
	if err != nil {
		t.Fatal(err)
	}
	from := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC) // a Friday
	want := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	if got := sched.Next(from); !got.Equal(want) {
		t.Errorf("next after %s = %s, want %s", from, got, want)
	}
}
