package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/kelseyhightower/envconfig"

	"github.com/longgame/longgame/bot/command"
	"github.com/longgame/longgame/reminders"
	"github.com/longgame/longgame/storage"
)

// config is the environment: every LONGGAME_ variable and the Slack
// tokens, with their defaults. Constructors downstream get plain values
// from it, never the struct.
type config struct {
	BotToken         string   `envconfig:"SLACK_BOT_TOKEN"`
	AppToken         string   `envconfig:"SLACK_APP_TOKEN"`
	APIURL           apiURL   `envconfig:"SLACK_API_URL"`
	DB               string   `envconfig:"LONGGAME_DB" default:"longgame.db"`
	Timezone         timezone `envconfig:"LONGGAME_TIMEZONE" default:"UTC"`
	Currency         currency `envconfig:"LONGGAME_CURRENCY" default:"USD"`
	ChampionBudget   budget   `envconfig:"LONGGAME_CHAMPION_BUDGET" default:"10"`
	CheckinOffsets   dayList  `envconfig:"LONGGAME_CHECKIN_OFFSETS" default:"14d,30d,90d,180d,365d"`
	LostFollowup     days     `envconfig:"LONGGAME_LOST_FOLLOWUP" default:"90d"`
	DigestSchedule   cronSpec `envconfig:"LONGGAME_DIGEST_SCHEDULE"` // "": each owner at 09:00 on their first working day
	DispatchInterval interval `envconfig:"LONGGAME_DISPATCH_INTERVAL" default:"1m"`
	ReminderLease    interval `envconfig:"LONGGAME_REMINDER_LEASE" default:"5m"`
	LogLevel         logLevel `envconfig:"LONGGAME_LOG_LEVEL" default:"info"`
	HTTPAddr         httpAddr `envconfig:"LONGGAME_HTTP_ADDR"`
	KeepInTouch      days     `envconfig:"LONGGAME_KEEP_IN_TOUCH" default:"90d"`
	Workdays         workdays `envconfig:"LONGGAME_WORKDAYS" default:"Mon-Fri"`
}

// loadConfig reads the environment. An error names the variable and the
// value it could not use; token values are never echoed.
func loadConfig() (config, error) {
	var c config
	if err := envconfig.Process("", &c); err != nil {
		var pe *envconfig.ParseError
		if errors.As(err, &pe) {
			return c, fmt.Errorf("%s=%q: %w", pe.KeyName, pe.Value, pe.Err)
		}
		return c, fmt.Errorf("read configuration: %w", err)
	}
	return c, nil
}

// apiURL is SLACK_API_URL with the trailing slash slack-go needs: without it
// "auth.test" becomes "/apiauth.test", a 404 that is fatal at start-up.
type apiURL string

func (u *apiURL) Decode(v string) error {
	if v == "" {
		return nil
	}
	p, err := url.Parse(v)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
		return errors.New("want an http(s) URL such as https://slack.com/api/")
	}
	if !strings.HasSuffix(v, "/") {
		v += "/"
	}
	*u = apiURL(v)
	return nil
}

type timezone struct{ *time.Location }

func (tz *timezone) Decode(v string) error {
	loc, err := time.LoadLocation(v)
	if err != nil || v == "" {
		return errors.New("want an IANA time zone such as Europe/Paris or UTC")
	}
	tz.Location = loc
	return nil
}

type currency string

func (c *currency) Decode(v string) error {
	v = strings.ToUpper(strings.TrimSpace(v))
	if _, ok := storage.MinorDigits(v); !ok {
		return errors.New("want a three-letter ISO 4217 code such as USD or EUR")
	}
	*c = currency(v)
	return nil
}

// workdays are the days a reminder may land on: "Mon-Fri", "Sun-Thu",
// "Mon,Tue,Thu".
type workdays storage.Workdays

func (w *workdays) Decode(v string) error {
	days, err := storage.ParseWorkdays(v)
	if err != nil {
		return err
	}
	if days == 0 {
		return errors.New("want at least one working day")
	}
	*w = workdays(days)
	return nil
}

type budget int

func (b *budget) Decode(v string) error {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || storage.ValidateBudget(n) != nil {
		return fmt.Errorf("want a whole number from %d to %d", storage.MinBudget, storage.MaxBudget)
	}
	*b = budget(n)
	return nil
}

// days is a span in calendar days ("90d", "12w"); "0" means none.
type days int

func (d *days) Decode(v string) error {
	n, err := parseDays(v, true)
	if err != nil {
		return err
	}
	*d = days(n)
	return nil
}

// dayList is a comma-separated list of spans in days, kept in order.
type dayList []int

func (l *dayList) Decode(v string) error {
	var out []int
	for _, item := range strings.Split(v, ",") {
		n, err := parseDays(item, false)
		if err != nil {
			return fmt.Errorf("item %q: %w", strings.TrimSpace(item), err)
		}
		out = append(out, n)
	}
	*l = out
	return nil
}

func parseDays(v string, zeroOK bool) (int, error) {
	parse := command.ParseDays
	if zeroOK {
		parse = command.ParseDaysAllowZero
	}
	n, err := parse(strings.TrimSpace(v))
	if err != nil {
		return 0, errors.New("want a number of days such as 14d or 2w (at most 10 years)")
	}
	return n, nil
}

type cronSpec string

// Decode reads an override of the weekly nudge's schedule; blank keeps the
// default, each owner at 09:00 in their own zone.
func (c *cronSpec) Decode(v string) error {
	if strings.TrimSpace(v) == "" {
		*c = ""
		return nil
	}
	if _, err := reminders.ParseSchedule(v); err != nil {
		return fmt.Errorf("not a usable cron schedule: %w", err)
	}
	*c = cronSpec(v)
	return nil
}

type interval time.Duration

func (i *interval) Decode(v string) error {
	d, err := time.ParseDuration(strings.TrimSpace(v))
	if err != nil || d < time.Second || d > 24*time.Hour {
		return errors.New("want a duration from 1s to 24h, such as 1m or 30s")
	}
	*i = interval(d)
	return nil
}

type logLevel slog.Level

func (l *logLevel) Decode(v string) error {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(strings.TrimSpace(v))); err != nil {
		return errors.New("want debug, info, warn or error")
	}
	*l = logLevel(lv)
	return nil
}

// httpAddr is where /healthz, /readyz and /metrics are served, host:port
// as net.Listen takes it (":8080", "127.0.0.1:0"); "" serves nothing.
type httpAddr string

func (a *httpAddr) Decode(v string) error {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil
	}
	_, port, err := net.SplitHostPort(v)
	if n, perr := strconv.Atoi(port); err != nil || perr != nil || n < 0 || n > 65535 {
		return errors.New("want host:port such as :8080 or 127.0.0.1:9090")
	}
	*a = httpAddr(v)
	return nil
}
