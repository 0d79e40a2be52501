package checkin

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/slack-go/slack"

	"github.com/longgame/longgame/bot/blockkit"
	"github.com/longgame/longgame/bot/slackfake"
	"github.com/longgame/longgame/reminders"
	"github.com/longgame/longgame/storage"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// checkGolden compares a message with testdata/name.json, or rewrites it
// with -update, and checks Slack's limits, which a golden file alone would
// not make visible.
func checkGolden(t *testing.T, name, text string, blocks []slack.Block) {
	t.Helper()
	checkLimits(t, blocks)
	// Unescaped HTML, so a reviewer reads <@U1> as Slack will.
	var raw bytes.Buffer
	blockEnc := json.NewEncoder(&raw)
	blockEnc.SetEscapeHTML(false)
	if err := blockEnc.Encode(blocks); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(struct {
		Text   string          `json:"text"`
		Blocks json.RawMessage `json:"blocks"`
	}{text, raw.Bytes()}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", name+".json")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./bot/checkin -update to create it)", err)
	}
	if !bytes.Equal(want, buf.Bytes()) {
		t.Errorf("%s differs from the golden file (-want +got):\n%s", path, cmp.Diff(string(want), buf.String()))
	}
}

// checkLimits fails when blocks break a limit that makes Slack answer
// invalid_blocks or msg_blocks_too_long.
func checkLimits(t *testing.T, blocks []slack.Block) {
	t.Helper()
	if len(blocks) > blockkit.MaxMessageBlocks {
		t.Errorf("%d blocks, Slack allows %d", len(blocks), blockkit.MaxMessageBlocks)
	}
	total := 0
	for i, b := range blocks {
		switch b := b.(type) {
		case *slack.SectionBlock:
			n := utf8.RuneCountInString(b.Text.Text)
			total += n
			if n == 0 || n > blockkit.MaxSectionText {
				t.Errorf("block %d: section text of %d characters", i, n)
			}
		case *slack.ContextBlock:
			for _, el := range b.ContextElements.Elements {
				if o, ok := el.(*slack.TextBlockObject); ok {
					total += utf8.RuneCountInString(o.Text)
				}
			}
		case *slack.HeaderBlock:
			if n := utf8.RuneCountInString(b.Text.Text); n == 0 || n > 150 {
				t.Errorf("block %d: header of %d characters", i, n)
			}
		}
	}
	if total > 12000 {
		t.Errorf("%d characters of block text: Slack answers msg_blocks_too_long past about 13k", total)
	}
}

var (
	closedOn = day(2026, 3, 2)
	jane     = &storage.Champion{ID: 1, TeamID: "T1", Name: "Jane Doe", Title: "VP of IT"}
)

func wonReminder() storage.DueCheckin {
	return storage.DueCheckin{
		Checkin: storage.Checkin{ID: 42, TeamID: "T1", DealID: 7, Kind: storage.KindPostClose, Offset: "30d",
			DueOn: day(2026, 4, 1), DueAt: time.Date(2026, 4, 1, 7, 0, 0, 0, time.UTC)},
		Deal: storage.Deal{ID: 7, TeamID: "T1", ChannelID: "C1", Name: "Acme & Co — Platform", Stage: storage.StageWon,
			OwnerID: "UALICE", ClosedOn: closedOn},
		Champion: jane,
		Risks: []storage.Risk{
			{Number: 2, What: "Data migration from the old CRM", Severity: storage.SeverityCritical, Area: storage.AreaTechnical, NeedsTest: true},
			{Number: 1, What: "SSO with <their> IdP not tested", Severity: storage.SeverityHigh, Area: storage.AreaSecurity},
			{Number: 4, What: "Ops team never trained", Severity: storage.SeverityMedium, Area: storage.AreaTraining},
		},
	}
}

func TestCheckinMessages(t *testing.T) {
	missed := wonReminder()
	missed.Champion, missed.Risks, missed.Missed = nil, nil, 2

	huge := wonReminder()
	huge.Deal.Name = strings.Repeat("<!channel> Enormous deal ", 20)
	huge.Champion = &storage.Champion{Name: strings.Repeat("Maximilian ", 40), Title: strings.Repeat("Head ", 60)}
	huge.Risks = nil
	for i := range 60 {
		huge.Risks = append(huge.Risks, storage.Risk{Number: i + 1, What: strings.Repeat(fmt.Sprintf("risk %d ", i+1), 60),
			Severity: storage.SeverityHigh, Area: storage.AreaProcess})
	}
	huge.Missed = 1

	lost := wonReminder()
	lost.Checkin.Kind, lost.Checkin.Offset = storage.KindKeepInTouch, "90d"
	lost.Deal.Stage, lost.Deal.LostReason = storage.StageLost, "chose the incumbent"

	manual := wonReminder()
	manual.Checkin.Kind, manual.Checkin.Offset = storage.KindManual, ""
	manual.Checkin.Note = "Ask Jane how the <b>pilot</b> went\nand whether legal signed"
	manual.Risks = manual.Risks[:1]

	manualOpen := wonReminder()
	manualOpen.Checkin.Kind, manualOpen.Checkin.Offset, manualOpen.Checkin.Note = storage.KindManual, "", ""
	manualOpen.Deal.Stage, manualOpen.Deal.ClosedOn = storage.StageOpen, time.Time{}

	// The close of 2 March was recorded on the 9th; a risk flagged on the
	// 5th counts as before it, one flagged on the 12th is since the close,
	// and the deal has more open risks than a reminder lists.
	since := wonReminder()
	since.Deal.ClosedAt = time.Date(2026, 3, 9, 10, 0, 0, 0, time.UTC)
	since.Risks[0].CreatedAt = time.Date(2026, 3, 5, 10, 0, 0, 0, time.UTC)
	since.Risks[1].CreatedAt = time.Date(2026, 3, 12, 10, 0, 0, 0, time.UTC)
	since.OpenRisks = 14

	moved := wonReminder()
	moved.Checkin.Kind, moved.Checkin.Offset = storage.KindJobChange, "30d"
	movedChampion := *moved.Champion
	movedChampion.Company, movedChampion.Title = "Hooli", "CTO"
	moved.Champion = &movedChampion

	for _, tc := range []struct {
		name string
		r    storage.DueCheckin
	}{
		{"checkin_post_close", wonReminder()},
		{"checkin_job_change", moved},
		{"checkin_risks_since_close", since},
		{"checkin_missed_no_champion", missed},
		{"checkin_huge", huge},
		{"checkin_keep_in_touch", lost},
		{"checkin_manual", manual},
		{"checkin_manual_open_deal", manualOpen},
	} {
		t.Run(tc.name, func(t *testing.T) {
			msg := Messages{}.Reminder(tc.r)
			text, blocks := msg.Text, msg.Blocks
			checkGolden(t, tc.name, text, blocks)
			if !strings.Contains(text, "<@UALICE>") {
				t.Errorf("the text %q does not mention the owner", text)
			}
			if strings.Contains(text+string(must(json.Marshal(blocks))), "<!channel>") {
				t.Error("user text reached Slack unescaped")
			}
			if tc.r.Missed > 0 && !strings.Contains(text, fmt.Sprintf("%d earlier check-in", tc.r.Missed)) {
				t.Errorf("the text %q does not say how many were missed", text)
			}
		})
	}
}

func TestHugeMessagesAreAcceptedBySlack(t *testing.T) {
	fake := slackfake.New(slackfake.Options{})
	if err := fake.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(fake.Close)
	fake.AddChannel(slackfake.Channel{ID: "C1", Name: "deal", IsMember: true})
	api := slack.New("xoxb-fake", slack.OptionAPIURL(fake.APIURL()))
	huge := wonReminder()
	for i := range 200 {
		huge.Risks = append(huge.Risks, storage.Risk{Number: i + 5, What: strings.Repeat("ünïcödé ", 100), Severity: storage.SeverityLow})
	}
	huge.Checkin.Kind, huge.Checkin.Note = storage.KindManual, strings.Repeat("long note ", 300)
	for name, msg := range map[string]reminders.Message{
		"reminder":     Messages{}.Reminder(huge),
		"owner copy":   Messages{}.OwnerCopy(huge, "is_archived"),
		"private copy": Messages{}.PrivateCopy(huge),
		"unchecked":    Messages{}.UncheckedCopy(huge),
		"nudge":        Messages{}.Nudge(hugeNudge(), t0, time.UTC),
	} {
		checkLimits(t, msg.Blocks)
		if _, _, err := api.PostMessageContext(t.Context(), "C1", slack.MsgOptionText(msg.Text, false), slack.MsgOptionBlocks(msg.Blocks...)); err != nil {
			t.Errorf("%s: Slack refused it: %v", name, err)
		}
	}
}

func TestOwnerCopySaysWhy(t *testing.T) {
	msg := Messages{}.OwnerCopy(wonReminder(), "is_archived")
	checkGolden(t, "owner_copy_archived", msg.Text, msg.Blocks)
}

func TestUncheckedCopySaysItMayBeInTheChannel(t *testing.T) {
	msg := Messages{}.UncheckedCopy(wonReminder())
	checkGolden(t, "unchecked_copy", msg.Text, msg.Blocks)
}

func TestResolvedMessageReplacesTheButtons(t *testing.T) {
	paris := mustLoad("Europe/Paris")
	original := Messages{}.Reminder(wonReminder()).Blocks
	// The bot gets the blocks back from the interaction payload.
	var payload slack.Blocks
	if err := json.Unmarshal(must(json.Marshal(original)), &payload); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		r    Resolution
	}{
		{"resolved_done", Resolution{Action: ActionDone, UserID: "UBOB"}},
		{"resolved_snoozed", Resolution{Action: ActionSnooze, UserID: "UALICE", Until: time.Date(2026, 4, 8, 7, 0, 0, 0, time.UTC), Location: paris}},
		{"resolved_skipped", Resolution{Action: ActionSkip, UserID: "UALICE"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			text, blocks, err := ResolvedMessage(payload.BlockSet, 42, tc.r)
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, tc.name, text, blocks)
			if strings.Contains(string(must(json.Marshal(blocks))), `"actions"`) {
				t.Error("the buttons are still there")
			}
			if _, _, err := ResolvedMessage(blocks, 42, tc.r); !errors.Is(err, ErrNoButtons) {
				t.Errorf("resolving twice: %v, want ErrNoButtons", err)
			}
		})
	}
	if _, _, err := ResolvedMessage(payload.BlockSet, 43, Resolution{Action: ActionDone, UserID: "U1"}); !errors.Is(err, ErrNoButtons) {
		t.Errorf("another check-in's buttons: %v, want ErrNoButtons", err)
	}
}

func TestParseAction(t *testing.T) {
	for _, tc := range []struct {
		actionID, value string
		want            Action
		id              int64
		ok              bool
	}{
		{"checkin_done", "42", ActionDone, 42, true},
		{"checkin_snooze", "7", ActionSnooze, 7, true},
		{"checkin_skip", "1", ActionSkip, 1, true},
		{"checkin_done", "x", "", 0, false},
		{"checkin_done", "-3", "", 0, false},
		{"deal_open", "42", "", 0, false},
	} {
		a, id, err := ParseAction(tc.actionID, tc.value)
		if (err == nil) != tc.ok || a != tc.want || id != tc.id {
			t.Errorf("ParseAction(%q, %q) = %q, %d, %v; want %q, %d, ok %v", tc.actionID, tc.value, a, id, err, tc.want, tc.id, tc.ok)
		}
	}
	if got := BlockID(42); got != "checkin:42" {
		t.Errorf("BlockID(42) = %q", got)
	}
}

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func mustLoad(name string) *time.Location { return must(time.LoadLocation(name)) }

func typicalNudge() storage.Nudge {
	acme := storage.Deal{ID: 1, ChannelID: "C1", Name: "Acme", Stage: storage.StageWon, OwnerID: "UALICE", ClosedOn: day(2026, 2, 20)}
	beta := storage.Deal{ID: 2, ChannelID: "C2", Name: "Beta <Labs>", Stage: storage.StageOpen, OwnerID: "UALICE"}
	return storage.Nudge{
		TeamID: "T1", OwnerID: "UALICE",
		Due: []storage.CheckinDue{
			{Checkin: storage.Checkin{ID: 3, Kind: storage.KindPostClose, Offset: "14d", DueOn: day(2026, 3, 1), DueAt: time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)}, Deal: acme},
			{Checkin: storage.Checkin{ID: 4, Kind: storage.KindManual, Note: "ask about the pilot", DueOn: day(2026, 3, 5), DueAt: time.Date(2026, 3, 5, 8, 0, 0, 0, time.UTC)}, Deal: beta},
		},
		Failed: []storage.CheckinDue{
			{Checkin: storage.Checkin{ID: 5, Kind: storage.KindKeepInTouch, DeliveryError: "channel C9: is_archived", MessageTS: "1.2"},
				Deal: storage.Deal{ChannelID: "C9", Name: "Gamma"}},
		},
		Unchecked: []storage.Deal{acme},
		AtRisk: []storage.DealOverview{
			{Deal: beta, OpenRisks: storage.RiskCounts{Critical: 1, High: 2}, Capital: storage.Capital{Budget: 10, Left: -3}},
		},
	}
}

func hugeNudge() storage.Nudge {
	n := typicalNudge()
	for i := range 300 {
		d := storage.Deal{ChannelID: fmt.Sprintf("C%d", 100+i), Name: strings.Repeat("Very long deal name ", 10)}
		n.Due = append(n.Due, storage.CheckinDue{Checkin: storage.Checkin{Kind: storage.KindManual, Note: strings.Repeat("note ", 100),
			DueOn: day(2026, 3, 3), DueAt: t0.Add(time.Hour)}, Deal: d})
		n.Failed = append(n.Failed, storage.CheckinDue{Checkin: storage.Checkin{Kind: storage.KindPostClose, Offset: "90d",
			DeliveryError: strings.Repeat("x", 500)}, Deal: d})
		n.Unchecked = append(n.Unchecked, d)
		n.AtRisk = append(n.AtRisk, storage.DealOverview{Deal: d, OpenRisks: storage.RiskCounts{High: 1}})
	}
	return n
}

func TestNudgeMessages(t *testing.T) {
	quiet := typicalNudge()
	quiet.Untouched = []storage.Untouched{
		{Champion: storage.Champion{Name: "Jane Doe", Title: "CIO", Company: "Acme"},
			Deal: storage.Deal{ChannelID: "C1", Name: "Acme", Stage: storage.StageWon}, LastContact: t0.AddDate(0, -5, 0)},
		{Champion: storage.Champion{Name: "Sam <Roe>", Company: "Globex"}, Deal: storage.Deal{ChannelID: "C2", Name: "Globex", Stage: storage.StageLost}},
	}
	for name, n := range map[string]storage.Nudge{"nudge_typical": typicalNudge(), "nudge_huge": hugeNudge(), "nudge_untouched": quiet} {
		t.Run(name, func(t *testing.T) {
			msg := Messages{KeepInTouch: 90 * 24 * time.Hour}.Nudge(n, t0, mustLoad("Europe/Paris"))
			checkGolden(t, name, msg.Text, msg.Blocks)
		})
	}
}
