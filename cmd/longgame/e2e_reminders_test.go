package main

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/longgame/longgame/bot/render"
	"github.com/longgame/longgame/bot/slackfake"
	"github.com/longgame/longgame/storage"
	"github.com/longgame/longgame/storage/sqlite"
)

// reminderEnv makes the dispatcher look every second, so end-to-end tests
// see reminders promptly.
var reminderEnv = []string{"LONGGAME_DISPATCH_INTERVAL", "1s", "LONGGAME_TIMEZONE", "UTC"}

// reminderPosts are the check-in reminders the bot posted in channel, by
// the check-in id in their metadata.
func reminderPosts(fake *slackfake.Server, channel string) map[int64][]slackfake.Reply {
	out := map[int64][]slackfake.Reply{}
	for _, r := range fake.Replies() {
		if id, ok := reminderOf(r); ok && r.Channel == channel {
			out[id] = append(out[id], r)
		}
	}
	return out
}

// reminderOf is the check-in id of a reminder Slack took, from its
// metadata; false for any other reply.
func reminderOf(r slackfake.Reply) (int64, bool) {
	if r.Kind != slackfake.KindPostMessage || len(r.Metadata) == 0 {
		return 0, false
	}
	var m struct {
		EventType    string `json:"event_type"`
		EventPayload struct {
			CheckinID int64 `json:"checkin_id"`
		} `json:"event_payload"`
	}
	if json.Unmarshal(r.Metadata, &m) != nil || m.EventType != "longgame_checkin" {
		return 0, false
	}
	return m.EventPayload.CheckinID, true
}

// waitReminder waits for the first reminder posted in channel after seq.
func (h *e2e) waitReminder(seq int, channel string) slackfake.Reply {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	r, err := h.fake.WaitReplyAfter(ctx, seq, func(r slackfake.Reply) bool {
		_, ok := reminderOf(r)
		return ok && r.Channel == channel
	})
	if err != nil {
		h.t.Fatalf("no reminder in %s: %v\nlog:\n%s", channel, err, h.logs)
	}
	return r
}

// A deal closed won 40 days ago: one reminder for the 30-day check-in that
// says one earlier was missed; Done marks both; a restart sends nothing
// again.
func TestOverdueCheckinsMakeOneReminderThatSurvivesRestart(t *testing.T) {
	fake := newWorkspace(t)
	dbPath := filepath.Join(t.TempDir(), "longgame.db")
	h := startBot(t, fake, dbPath, reminderEnv...)
	h.inChannel("U1", "C1", "/deal open Acme")
	h.inChannel("U1", "C1", "/champion set Jane Doe")
	h.inChannel("U1", "C1", "/risk flag admins not trained severity:high area:training")
	seq := lastSeq(fake)
	h.inChannel("U1", "C1", "/deal close won "+daysAgo("U1", 40))

	r := h.waitReminder(seq, "C1")
	text := render.Message(r.Text, r.Blocks)
	// The risk was flagged after the (backdated) close date, before the
	// close was recorded: every open risk of the deal is listed.
	answer{text: text}.expect(t, "reminder", "@U1", "Jane Doe", "30-day", "admins not trained", "Training", "Process", "Trust",
		"1 earlier check-in was missed", "[1: Done]", "[2: Snooze 1 week]", "[3: Skip]")
	_, buttons := render.Blocks(r.Blocks)
	seq = lastSeq(fake)
	if _, err := fake.BlockAction(h.ctx(), slackfake.BlockAction{UserID: "U1", ChannelID: "C1", MessageTS: r.TS,
		ActionID: buttons[0].ActionID, BlockID: buttons[0].BlockID}); err != nil {
		t.Fatal(err)
	}
	upd, err := fake.WaitReplyAfter(h.ctx(), seq, func(r slackfake.Reply) bool { return r.Kind == slackfake.KindUpdate })
	if err != nil {
		t.Fatal(err)
	}
	if got := render.Message(upd.Text, upd.Blocks); !strings.Contains(got, "Done by @U1") || strings.Contains(got, "[1: Done]") {
		t.Errorf("after Done the reminder reads:\n%s", got)
	}
	// The 14-day check-in never happened: missed, not done.
	h.private("U1", "C1", "/checkin", "14-day check-in — missed", "30-day check-in — :white_check_mark: done")

	// Restart on the same file: the passes that run find nothing to resend.
	if code := h.shutdown(); code != exitOK {
		t.Fatalf("exit %d", code)
	}
	h2 := startBot(t, fake, dbPath, reminderEnv...)
	h2.inChannel("U2", "C2", "/deal open Globex")
	seq = lastSeq(fake)
	// A probe: its reminder proves that passes ran after the restart.
	h2.inChannel("U2", "C2", "/deal close won "+daysAgo("U2", 20))
	h2.waitReminder(seq, "C2")
	for id, posts := range reminderPosts(fake, "C1") {
		if len(posts) != 1 {
			t.Errorf("check-in %d was posted %d times", id, len(posts))
		}
	}
	if n := len(reminderPosts(fake, "C1")); n != 1 {
		t.Errorf("%d reminders in C1, want 1", n)
	}
}

// 429s delay a reminder; it arrives once.
func TestRateLimitedReminderArrivesOnce(t *testing.T) {
	h := startBot(t, newWorkspace(t), filepath.Join(t.TempDir(), "longgame.db"), reminderEnv...)
	h.inChannel("U1", "C1", "/deal open Acme")
	h.fake.InjectFault("chat.postMessage", slackfake.Fault{Times: 2, Status: 429, RetryAfter: time.Second})
	seq := lastSeq(h.fake)
	h.inChannel("U1", "C1", "/deal close won "+daysAgo("U1", 20))
	h.waitReminder(seq, "C1")
	posts := reminderPosts(h.fake, "C1")
	if len(posts) != 1 {
		t.Fatalf("%d check-ins posted, want 1", len(posts))
	}
	for id, p := range posts {
		if len(p) != 1 {
			t.Errorf("check-in %d posted %d times after 429s", id, len(p))
		}
	}
}

// An archived deal channel: the owner gets the reminder by DM, and the
// failure is kept.
func TestArchivedChannelReminderReachesTheOwnerByDM(t *testing.T) {
	fake := newWorkspace(t)
	dbPath := filepath.Join(t.TempDir(), "longgame.db")
	h := startBot(t, fake, dbPath, reminderEnv...)
	h.inChannel("U1", "C1", "/deal open Acme")
	// Archived while the bot is down, the moment the check-in falls due.
	h.shutdown()
	if err := fake.SetArchived("C1", true); err != nil {
		t.Fatal(err)
	}
	db, err := sqlite.Open(context.Background(), dbPath, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	d, _ := db.DealByChannel(context.Background(), "T1", "C1")
	now := time.Now()
	if _, err := db.AddCheckin(context.Background(), storage.Actor{TeamID: "T1", UserID: "U1"},
		storage.NewCheckin{DealID: d.ID, Note: "call Jane", DueOn: now, DueAt: now}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	seq := lastSeq(fake)
	dm := fake.DM("U1")
	h = startBot(t, fake, dbPath, reminderEnv...)
	r := h.waitReminder(seq, dm)
	answer{text: render.Message(r.Text, r.Blocks)}.expect(t, "owner copy", "could not post this reminder in", "archived")
	// The bot records the outcome just after the post.
	waitFor(t, "the failure to be recorded", func() bool { return h.count("checkins WHERE delivery = 'failed'") == 1 })

	if code := h.shutdown(); code != exitOK {
		t.Fatalf("exit %d", code)
	}
	db, err = sqlite.Open(context.Background(), dbPath, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	all, _ := db.DealCheckins(context.Background(), "T1", d.ID)
	failed := 0
	for _, c := range all {
		if c.Delivery == storage.DeliveryFailed && strings.Contains(c.DeliveryError, "is_archived") && c.MessageChan == dm {
			failed++
		}
	}
	if failed == 0 {
		t.Errorf("no check-in keeps the archived channel's failure: %+v\n%s", all, h.logs)
	}
}

// The weekly nudge reaches exactly the owners with something due.
func TestNudgeReachesOnlyOwnersWithSomethingDue(t *testing.T) {
	env := append(append([]string(nil), reminderEnv...), "LONGGAME_DIGEST_SCHEDULE", "@every 1s")
	h := startBot(t, newWorkspace(t), filepath.Join(t.TempDir(), "longgame.db"), env...)
	// From the start: the slot's one nudge may go out while the commands
	// below are still being answered.
	seq := lastSeq(h.fake)
	h.inChannel("U1", "C1", "/deal open Acme")
	h.inChannel("U1", "C1", "/risk flag their CISO may block SSO severity:critical")
	h.inChannel("U2", "C2", "/deal open Quiet deal")
	first := h.waitNudge(seq, "U1")
	answer{text: render.Message(first.Text, first.Blocks)}.expect(t, "nudge", "Open deals at risk", "Acme")
	// Shutting down waits for the digest pass in progress: after it, U2
	// has been considered too.
	h.shutdown()
	nudges := 0
	for _, r := range h.fake.Replies() {
		if r.Kind == slackfake.KindPostMessage && r.Channel == h.fake.DM("U1") {
			nudges++
		}
		if r.Kind == slackfake.KindPostMessage && r.Channel == h.fake.DM("U2") {
			t.Errorf("U2, with nothing due, got a nudge: %s", r.Text)
		}
	}
	// Passes every second within one minute share a slot: one nudge.
	if nudges != 1 && time.Now().Second() > 2 {
		t.Errorf("U1 got %d nudges in one slot, want 1", nudges)
	}
}

func (h *e2e) waitNudge(seq int, user string) slackfake.Reply {
	h.t.Helper()
	dm := h.fake.DM(user)
	r, err := h.fake.WaitReplyAfter(h.ctx(), seq, func(r slackfake.Reply) bool {
		return r.Kind == slackfake.KindPostMessage && r.Channel == dm
	})
	if err != nil {
		h.t.Fatalf("no nudge for %s: %v\nlog:\n%s", user, err, h.logs)
	}
	return r
}

// A deal's owner since made a guest gets no reminder by DM: it names the
// champion and lists the risks. The channel, with them in it, is shared,
// so the reminder cannot go there either: it is recorded as failed and
// reaches nobody.
func TestReminderNeverReachesAnOwnerMadeGuest(t *testing.T) {
	fake, dbPath := newWorkspace(t), filepath.Join(t.TempDir(), "longgame.db")
	h := startBot(t, fake, dbPath) // dispatches at start-up, then a minute later
	dealWithSecrets(h)
	h.inChannel("U1", "C1", "/deal close won "+daysAgo("U1", 20), "14-day")
	h.shutdown()
	if err := fake.AddMember("C1", "U1"); err != nil {
		t.Fatal(err)
	}
	fake.AddUser(slackfake.User{ID: "U1", Name: "ana", RealName: "Ana Seller", TZ: userZones["U1"], IsRestricted: true})
	seq := lastSeq(fake)
	h = startBot(t, fake, dbPath, reminderEnv...)
	waitFor(t, "the reminder recorded as failed", func() bool {
		return h.count("checkins WHERE delivery = 'failed' AND delivery_error LIKE '%not a full member%'") == 1
	})
	for _, r := range fake.Replies()[seq:] {
		if r.Channel == fake.DM("U1") || r.Channel == "C1" && r.Kind == slackfake.KindPostMessage {
			strangerSaw(t, fmt.Sprintf("Ana, now a guest (%s in %s)", r.Kind, r.Channel), render.Message(r.Text, r.Blocks))
		}
	}
}

// A reminder hidden by a share stays hidden when its owner clicks Done on
// the copy their client still shows: the resolved message is built from
// that copy, and would put the champion and the risks back in a channel a
// guest now reads.
func TestClickOnAHiddenReminderKeepsItHidden(t *testing.T) {
	h, r := secretsAndReminder(t)
	ours := 0
	for _, m := range h.fake.Messages("C1") {
		if m.BotID != "" {
			ours++
		}
	}
	h.event(h.fake.NewMemberJoinedChannel("C1", "UG", "U1"))
	expectAllHidden(t, h, "C1", ours)

	_, buttons := render.Blocks(r.Blocks)
	if _, err := h.fake.BlockAction(h.ctx(), slackfake.BlockAction{UserID: "U1", ChannelID: "C1", MessageTS: r.TS,
		ActionID: buttons[0].ActionID, BlockID: buttons[0].BlockID, Shown: r.Blocks}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the Done recorded", func() bool { return h.count("checkins WHERE status = 'done'") == 1 })
	waitFor(t, "the click resolved", func() bool {
		return strings.Contains(h.logs.String(), "a clicked reminder is left as it is")
	})
	expectAllHidden(t, h, "C1", ours)
}

// Done on a reminder that came by DM (its channel is shared) resolves it
// there, with only the scopes manifest.yml asks for: the DM is never asked
// about, which would need im:read.
func TestDoneInTheOwnersDMResolvesTheReminder(t *testing.T) {
	fake := newWorkspace(t)
	allScopes(fake)
	h := startBot(t, fake, filepath.Join(t.TempDir(), "longgame.db"), reminderEnv...)
	addStrangers(h)
	h.inChannel("U1", "C1", "/deal open Acme")
	h.event(fake.NewMemberJoinedChannel("C1", "UG", "U1"))
	seq := lastSeq(fake)
	h.private("U1", "C1", "/deal close won "+daysAgo("U1", 20), "Only you can see this")
	dm := fake.DM("U1")
	r := h.waitReminder(seq, dm)
	_, buttons := render.Blocks(r.Blocks)
	if len(buttons) == 0 {
		t.Fatalf("the DM reminder has no buttons:\n%s", render.Message(r.Text, r.Blocks))
	}
	seq = lastSeq(fake)
	if _, err := fake.BlockAction(h.ctx(), slackfake.BlockAction{UserID: "U1", ChannelID: dm, MessageTS: r.TS,
		ActionID: buttons[0].ActionID, BlockID: buttons[0].BlockID}); err != nil {
		t.Fatal(err)
	}
	upd, err := fake.WaitReplyAfter(h.ctx(), seq, func(r slackfake.Reply) bool { return r.Kind == slackfake.KindUpdate && r.Channel == dm })
	if err != nil {
		t.Fatalf("the DM reminder was not resolved: %v\nlog:\n%s", err, h.logs)
	}
	if got := render.Message(upd.Text, upd.Blocks); !strings.Contains(got, "Done by @U1") || strings.Contains(got, "[1: Done]") {
		t.Errorf("after Done the DM reminder reads:\n%s", got)
	}
}
