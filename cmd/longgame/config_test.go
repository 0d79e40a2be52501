package main

import (
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/longgame/longgame/storage"
)

// clearConfigEnv unsets every variable the program reads, so the developer's
// own environment cannot leak into a test.
func clearConfigEnv(t *testing.T) {
	t.Helper()
	for _, k := range []string{
		"SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_API_URL", "LONGGAME_DB",
		"LONGGAME_TIMEZONE", "LONGGAME_CURRENCY", "LONGGAME_CHAMPION_BUDGET",
		"LONGGAME_CHECKIN_OFFSETS", "LONGGAME_LOST_FOLLOWUP", "LONGGAME_DIGEST_SCHEDULE",
		"LONGGAME_DISPATCH_INTERVAL", "LONGGAME_LOG_LEVEL", "LONGGAME_HTTP_ADDR",
		"LONGGAME_KEEP_IN_TOUCH", "LONGGAME_WORKDAYS", "LONGGAME_REMINDER_LEASE",
	} {
		t.Setenv(k, "") // restores the original value after the test
		os.Unsetenv(k)
	}
}

func TestConfigDefaultsAreTheSpecs(t *testing.T) {
	clearConfigEnv(t)
	c, err := loadConfig()
	if err != nil {
		t.Fatal(err)
	}
	if c.DB != "longgame.db" || c.Timezone.String() != "UTC" || c.Currency != "USD" ||
		c.ChampionBudget != 10 || c.LostFollowup != 90 || c.DigestSchedule != "" ||
		time.Duration(c.DispatchInterval) != time.Minute || slog.Level(c.LogLevel) != slog.LevelInfo || c.HTTPAddr != "" ||
		c.KeepInTouch != 90 || storage.Workdays(c.Workdays) != storage.MonToFri {
		t.Errorf("defaults: %+v", c)
	}
	if diff := cmp.Diff([]int{14, 30, 90, 180, 365}, []int(c.CheckinOffsets)); diff != "" {
		t.Errorf("check-in offsets (-want +got):\n%s", diff)
	}
}

func TestConfigParsesValuesUsersWrite(t *testing.T) {
	clearConfigEnv(t)
	t.Setenv("SLACK_API_URL", "http://127.0.0.1:9000/api")
	t.Setenv("LONGGAME_TIMEZONE", "Europe/Paris")
	t.Setenv("LONGGAME_CURRENCY", "eur")
	t.Setenv("LONGGAME_CHECKIN_OFFSETS", "7d, 2w,30")
	t.Setenv("LONGGAME_LOST_FOLLOWUP", "0")
	t.Setenv("LONGGAME_DIGEST_SCHEDULE", "@every 1m")
	t.Setenv("LONGGAME_LOG_LEVEL", "debug")
	t.Setenv("LONGGAME_HTTP_ADDR", " :8080 ")
	t.Setenv("LONGGAME_KEEP_IN_TOUCH", "8w")
	t.Setenv("LONGGAME_WORKDAYS", "Sun-Thu")
	c, err := loadConfig()
	if err != nil {
		t.Fatal(err)
	}
	if c.APIURL != "http://127.0.0.1:9000/api/" {
		t.Errorf("SLACK_API_URL = %q, want the trailing slash added", c.APIURL)
	}
	if c.Timezone.String() != "Europe/Paris" || c.Currency != "EUR" || c.LostFollowup != 0 ||
		slog.Level(c.LogLevel) != slog.LevelDebug || c.HTTPAddr != ":8080" || c.KeepInTouch != 56 ||
		storage.Workdays(c.Workdays).String() != "Mon,Tue,Wed,Thu,Sun" {
		t.Errorf("parsed: %+v", c)
	}
	if diff := cmp.Diff([]int{7, 14, 30}, []int(c.CheckinOffsets)); diff != "" {
		t.Errorf("check-in offsets (-want +got):\n%s", diff)
	}
}

func TestConfigBadValueNamesVariableAndValue(t *testing.T) {
	for _, tc := range []struct{ key, value string }{
		{"SLACK_API_URL", "slack.com/api"},
		{"LONGGAME_TIMEZONE", "Mars/Olympus"},
		{"LONGGAME_CURRENCY", "dollars"},
		{"LONGGAME_CHAMPION_BUDGET", "-3"},
		{"LONGGAME_CHECKIN_OFFSETS", "14d,soon"},
		{"LONGGAME_LOST_FOLLOWUP", "ninety"},
		{"LONGGAME_DIGEST_SCHEDULE", "CRON_TZ=UTC"},
		{"LONGGAME_DIGEST_SCHEDULE", "0 9 31 2 *"},
		{"LONGGAME_DISPATCH_INTERVAL", "5x"},
		{"LONGGAME_REMINDER_LEASE", "0s"},
		{"LONGGAME_LOG_LEVEL", "chatty"},
		{"LONGGAME_HTTP_ADDR", "8080"},
		{"LONGGAME_HTTP_ADDR", "localhost:http"},
		{"LONGGAME_HTTP_ADDR", "127.0.0.1:70000"},
		{"LONGGAME_KEEP_IN_TOUCH", "often"},
		{"LONGGAME_WORKDAYS", "weekdays"},
		{"LONGGAME_WORKDAYS", "Mon-Fry"},
		{"LONGGAME_CHAMPION_BUDGET", "500"},
	} {
		t.Run(tc.key+"="+tc.value, func(t *testing.T) {
			clearConfigEnv(t)
			t.Setenv(tc.key, tc.value)
			_, err := loadConfig()
			if err == nil {
				t.Fatal("loadConfig accepted it")
			}
			if msg := err.Error(); !strings.Contains(msg, tc.key) || !strings.Contains(msg, tc.value) {
				t.Errorf("error %q does not name %s and %q", msg, tc.key, tc.value)
			}
		})
	}
}
