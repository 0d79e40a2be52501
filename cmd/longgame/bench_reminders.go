package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/longgame/longgame/bot/slackfake"
)

// retryAfter429 is the Retry-After of the rate-limited reminder run.
const retryAfter429 = time.Second

// dupQuiet is how long the collector keeps listening after the last
// reminder arrived, to count late duplicates.
const dupQuiet = 500 * time.Millisecond

// reminderReport is what a reminder run measured.
type reminderReport struct {
	Deals     int  `json:"deals"`
	Throttled bool `json:"throttled"`          // the first Deals posts were answered 429
	Replicas  int  `json:"replicas,omitempty"` // processes sharing the database; 0: one
	Wired     bool `json:"wired"`              // any reminder reached the fake
	Delivered int  `json:"delivered"`          // distinct check-ins (or channels) reached
	Dup       int  `json:"duplicates"`
	Missing   int  `json:"missing"`
	PostCalls int  `json:"post_calls"` // chat.postMessage requests, 429s included
	// The privacy look-ups the bot made before posting: each channel is
	// new to it, with a member of its own, so each takes one of each.
	InfoCalls    int `json:"conversations_info_calls"`
	MembersCalls int `json:"conversations_members_calls"`
	UsersCalls   int `json:"users_info_calls"`
	// Seconds runs from the process start to the last distinct reminder;
	// FirstSeconds to the first.
	Seconds      float64 `json:"seconds"`
	FirstSeconds float64 `json:"first_seconds"`
	PerSecond    float64 `json:"per_second"`
	// FloorSeconds is, for the throttled run, the fastest it could finish:
	// the unthrottled run's time plus one Retry-After.
	FloorSeconds float64 `json:"floor_seconds,omitempty"`
	// CPUPerReminder is the bot's CPU time (user and system) from the
	// first reminder to the last, per reminder after the first: unlike
	// the rate, a busy machine does not inflate it. Zero with replicas.
	CPUPerReminder time.Duration `json:"bot_cpu_per_reminder_ns,omitempty"`
	PeakRSS        int64         `json:"peak_rss_bytes"`
	Note           string        `json:"note,omitempty"`
}

// reminders seeds n won deals with a check-in due, each in its own channel
// of the fake, starts `longgame run` on them and collects the reminders
// the fake receives. With throttled, the fake answers the first n posts
// 429 with Retry-After: 1, so in practice the first post to each channel.
func (b *bench) reminders(ctx context.Context, n int, throttled bool, floor time.Duration) (*reminderReport, error) {
	path, err := b.database(ctx, fmt.Sprintf("reminders-%v", throttled))
	if err != nil {
		return nil, err
	}
	ids, err := b.seedReminders(ctx, path, n)
	if err != nil {
		return nil, err
	}
	rep := &reminderReport{Deals: n, Throttled: throttled}
	if throttled {
		b.fake.InjectFault("chat.postMessage", slackfake.Fault{Times: n, Status: http.StatusTooManyRequests, RetryAfter: retryAfter429})
		defer b.fake.ClearFaults()
		rep.FloorSeconds = (floor + retryAfter429).Seconds()
	}
	c, _, err := b.start(ctx, fmt.Sprintf("reminders (%d deals, throttled %v)", n, throttled), "run", "LONGGAME_DB="+path)
	if err != nil {
		return nil, err
	}
	defer b.stopChild(ctx, c)
	col := newReminderCollector(ids)
	col.cpu = c.cpuTime
	col.run(ctx, b.fake, reminderChannel, c.started, time.Duration(b.opts.ReminderWait), reminderTimeout(n))
	rep.PeakRSS = b.peakRSS(c)
	rep.PostCalls = b.fake.Calls("chat.postMessage")
	rep.InfoCalls = b.fake.Calls("conversations.info")
	rep.MembersCalls = b.fake.Calls("conversations.members")
	rep.UsersCalls = b.fake.Calls("users.info")
	col.fill(rep, c.started)
	if !rep.Wired {
		rep.Note = fmt.Sprintf("not wired: no reminder reached Slack within %s of the start (`longgame run` does not run the reminders dispatcher)", b.opts.ReminderWait)
	} else if rep.Missing > 0 {
		rep.Note = fmt.Sprintf("%d reminders had not arrived %s after the start", rep.Missing, reminderTimeout(n))
	}
	return rep, nil
}

// reminderChannel prefixes the channels of the won deals.
const reminderChannel = "CR"

// seedReminders adds n channels to the fake and seeds the database at path
// with a won deal in each, whose check-in is due. Each channel has a
// member of its own besides the owner, a full member the bot has never
// seen: before posting in it the bot must ask Slack what the channel is
// (conversations.info), who is in it (conversations.members) and who that
// member is (users.info), as it would for a workspace's real channels. It
// returns the check-in ids by channel.
func (b *bench) seedReminders(ctx context.Context, path string, n int) (map[string]int64, error) {
	channels := make([]string, n)
	for i := range channels {
		channels[i] = fmt.Sprintf("%s%05d", reminderChannel, i+1)
		member := fmt.Sprintf("UR%05d", i+1)
		b.fake.AddUser(slackfake.User{ID: member, Name: "member-" + strconv.Itoa(i+1), RealName: "Member " + strconv.Itoa(i+1), TZ: "UTC"})
		b.fake.AddChannel(slackfake.Channel{ID: channels[i], Name: "won-" + strconv.Itoa(i+1), IsMember: true,
			Members: []string{"U1", member}})
	}
	b.progress("reminders: seeding %d won deals with a check-in due", n)
	return seedWonDeals(ctx, path, channels)
}

// reminderTimeout bounds a reminder run: long enough to see a retry that
// waited for the default one-minute dispatch interval instead of the
// Retry-After.
func reminderTimeout(n int) time.Duration {
	return 90*time.Second + time.Duration(n)*20*time.Millisecond
}

// reminderCollector counts the reminders that reach the fake.
type reminderCollector struct {
	want    map[string]int64 // channel → the check-in due there
	byKey   map[string]int   // check-in id (or channel) → posts
	posts   int
	first   time.Time
	last    time.Time // of the last distinct reminder
	perChan map[string]bool
	// cpu, if set, is the bot's CPU time so far, read when the first
	// reminder and the last wanted one arrive.
	cpu           func() (time.Duration, error)
	cpuAt         [2]time.Duration
	cpuFirst      int // distinct reminders when cpuAt[0] was read
	cpuN          int // distinct reminders between the two reads
	cpuReadFailed bool
}

func newReminderCollector(want map[string]int64) *reminderCollector {
	return &reminderCollector{want: want, byKey: map[string]int{}, perChan: map[string]bool{}}
}

// run collects chat.postMessage replies in channels starting with prefix
// until every wanted channel had one (and dupQuiet passed), until none came
// within firstWait of the start, or until total passed.
func (c *reminderCollector) run(ctx context.Context, fake *slackfake.Server, prefix string, started time.Time, firstWait, total time.Duration) {
	seq := 0
	match := func(r slackfake.Reply) bool {
		return r.Kind == slackfake.KindPostMessage && strings.HasPrefix(r.Channel, prefix)
	}
	end := started.Add(total)
	for {
		deadline := end
		switch {
		case c.posts == 0:
			deadline = started.Add(firstWait)
		case len(c.perChan) == len(c.want):
			deadline = time.Now().Add(dupQuiet)
		}
		wctx, cancel := context.WithDeadline(ctx, deadline)
		r, err := fake.WaitReplyAfter(wctx, seq, match)
		cancel()
		if err != nil {
			return
		}
		seq = r.Seq
		c.add(r, time.Now())
	}
}

// readCPU reads the bot's CPU time into cpuAt[i]: 0 at the first
// reminder, 1 at the last.
func (c *reminderCollector) readCPU(i int) {
	if c.cpu == nil || c.cpuReadFailed {
		return
	}
	t, err := c.cpu()
	if err != nil {
		c.cpuReadFailed = true
		return
	}
	c.cpuAt[i] = t
	if i == 0 {
		c.cpuFirst = len(c.byKey)
	} else {
		c.cpuN = len(c.byKey) - c.cpuFirst
	}
}

func (c *reminderCollector) add(r slackfake.Reply, at time.Time) {
	c.posts++
	if c.first.IsZero() {
		c.first = at
	}
	key := r.Channel
	if id, ok := checkinID(r.Metadata); ok {
		key = "checkin " + strconv.FormatInt(id, 10)
	}
	c.byKey[key]++
	if c.byKey[key] == 1 {
		c.last = at
	}
	if _, wanted := c.want[r.Channel]; wanted {
		c.perChan[r.Channel] = true
	}
	switch {
	case c.posts == 1:
		c.readCPU(0)
	case len(c.perChan) == len(c.want) && c.cpuN == 0:
		c.readCPU(1)
	}
}

func (c *reminderCollector) fill(rep *reminderReport, started time.Time) {
	rep.Wired = c.posts > 0
	rep.Delivered = len(c.byKey)
	rep.Dup = c.posts - len(c.byKey)
	rep.Missing = len(c.want) - len(c.perChan)
	if c.posts > 0 {
		rep.FirstSeconds = c.first.Sub(started).Seconds()
		rep.Seconds = c.last.Sub(started).Seconds()
		rep.PerSecond = float64(len(c.byKey)) / rep.Seconds
	}
	if c.cpuN > 0 && !c.cpuReadFailed {
		rep.CPUPerReminder = (c.cpuAt[1] - c.cpuAt[0]) / time.Duration(c.cpuN)
	}
}

// checkinID reads the check-in id from a reminder's message metadata:
// {"event_type":…,"event_payload":{"checkin_id":…}}.
func checkinID(meta json.RawMessage) (int64, bool) {
	if meta == nil {
		return 0, false
	}
	var m struct {
		EventPayload struct {
			CheckinID json.Number `json:"checkin_id"`
		} `json:"event_payload"`
	}
	if err := json.Unmarshal(meta, &m); err != nil {
		return 0, false
	}
	id, err := m.EventPayload.CheckinID.Int64()
	return id, err == nil
}
