package reminders

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/longgame/longgame/bot/blockkit"
	"github.com/longgame/longgame/storage"
)

// Action is what a button of a check-in reminder does; it is the button's
// action_id, and the button's value is the check-in id.
type Action string

// The buttons of a check-in reminder. The bot handles their clicks (see
// ParseAction and ResolvedMessage).
const (
	ActionDone   Action = "checkin_done"
	ActionSnooze Action = "checkin_snooze"
	ActionSkip   Action = "checkin_skip"
)

// BlockIDPrefix starts the block_id of a reminder's actions block, followed
// by the check-in id: "checkin:42".
const BlockIDPrefix = "checkin:"

// SnoozeFor is how far the Snooze button moves a check-in.
const SnoozeFor = 7 * 24 * time.Hour

// SnoozeDue is where the Snooze button moves a check-in clicked at now:
// 09:00, in the owner's zone loc, on the owner's date a week from today.
// Pass both to storage's SnoozeCheckin.
func SnoozeDue(now time.Time, loc *time.Location) (dueOn, dueAt time.Time) {
	y, m, d := now.In(loc).Date()
	dueOn = time.Date(y, m, d+int(SnoozeFor/(24*time.Hour)), 0, 0, 0, 0, time.UTC)
	return dueOn, DueAt(dueOn, loc)
}

// MetadataEventType is the event_type of the metadata every reminder
// carries; its event_payload holds checkin_id, due_at (Unix seconds) and
// team_id. Reconciliation finds a posted reminder in channel history by it.
const MetadataEventType = "longgame_checkin"

// BlockID is the block_id of the actions block of check-in id's reminder.
func BlockID(checkinID int64) string { return BlockIDPrefix + strconv.FormatInt(checkinID, 10) }

// ParseAction reads a button click of a reminder: its action_id and value.
// An action_id that is not a reminder button, or a value that is not a
// check-in id, is an error.
func ParseAction(actionID, value string) (Action, int64, error) {
	a := Action(actionID)
	if a != ActionDone && a != ActionSnooze && a != ActionSkip {
		return "", 0, fmt.Errorf("action %q is not a check-in button", actionID)
	}
	id, err := strconv.ParseInt(value, 10, 64)
	if err != nil || id <= 0 {
		return "", 0, fmt.Errorf("check-in button value %q is not a check-in id", value)
	}
	return a, id, nil
}

// CheckinMessage is the reminder of a due check-in, posted in the deal
// channel: the plain-text fallback (it mentions the owner, so post it with
// slack.MsgOptionText(text, false)) and the blocks.
func CheckinMessage(r storage.DueCheckin) (text string, blocks []slack.Block) {
	c, d := r.Checkin, r.Deal
	deal := userText(d.Name, 150)
	switch c.Kind {
	case storage.KindKeepInTouch:
		text = fmt.Sprintf("%s: keep in touch with %s, %s — a light touch, no pitch.", deal, championName(r.Champion), blockkit.Mention(d.OwnerID))
		blocks = keepInTouchBlocks(r)
	case storage.KindManual:
		text = fmt.Sprintf("%s: the check-in you asked for, %s.", deal, blockkit.Mention(d.OwnerID))
		blocks = manualBlocks(r)
	default:
		text = fmt.Sprintf("%s: %s post-sale check-in, %s — ask %s about training, process and trust.",
			deal, offsetLabel(c.Offset), blockkit.Mention(d.OwnerID), championName(r.Champion))
		blocks = postCloseBlocks(r)
	}
	if r.Missed > 0 {
		text += " " + missedLine(r.Missed)
	}
	blocks = append(blocks, actionsBlock(c.ID), blockkit.Context(fmt.Sprintf("Due %s · check-in #%d", formatDay(c.DueOn), c.ID)))
	return text, blocks
}

func postCloseBlocks(r storage.DueCheckin) []slack.Block {
	c, d := r.Checkin, r.Deal
	blocks := []slack.Block{
		blockkit.Section(fmt.Sprintf(":seedling: *%s* — %s post-sale check-in (won on %s)",
			userText(d.Name, 150), offsetLabel(c.Offset), formatDay(d.ClosedOn))),
		blockkit.Section(greeting(r)),
	}
	if r.Missed > 0 {
		blocks = append(blocks, blockkit.Context(":hourglass_flowing_sand: "+missedLine(r.Missed)))
	}
	blocks = append(blocks, blockkit.Section(adoptionQuestions(r.Champion)))
	return appendRisks(blocks, r)
}

func keepInTouchBlocks(r storage.DueCheckin) []slack.Block {
	d := r.Deal
	who := championName(r.Champion)
	blocks := []slack.Block{
		blockkit.Section(fmt.Sprintf(":handshake: *%s* — keep in touch (lost on %s)", userText(d.Name, 150), formatDay(d.ClosedOn))),
		blockkit.Section(fmt.Sprintf("%s, the deal was lost, but %s's career goes on, and the IT world is small: "+
			"they may be choosing a vendor again one day, here or at their next company.\n"+
			"Send a light touch — ask how things are going, share something useful to them. *No pitch.*",
			blockkit.Mention(d.OwnerID), who)),
	}
	if r.Champion == nil {
		blocks = append(blocks, blockkit.Context("No champion was named for this deal: reach out to whoever defended it inside."))
	}
	if d.LostReason != "" {
		blocks = append(blocks, blockkit.Context("Lost because: "+userText(d.LostReason, 500)))
	}
	if r.Missed > 0 {
		blocks = append(blocks, blockkit.Context(":hourglass_flowing_sand: "+missedLine(r.Missed)))
	}
	return blocks
}

func manualBlocks(r storage.DueCheckin) []slack.Block {
	c, d := r.Checkin, r.Deal
	note := "(no note)"
	if strings.TrimSpace(c.Note) != "" {
		note = "> " + strings.ReplaceAll(userText(c.Note, 2500), "\n", "\n> ")
	}
	blocks := []slack.Block{
		blockkit.Section(fmt.Sprintf(":memo: *%s* — the check-in you asked for", userText(d.Name, 150))),
		blockkit.Section(fmt.Sprintf("%s, you asked me to remind you:\n%s", blockkit.Mention(d.OwnerID), note)),
	}
	if r.Missed > 0 {
		blocks = append(blocks, blockkit.Context(":hourglass_flowing_sand: "+missedLine(r.Missed)))
	}
	if d.Stage == storage.StageWon {
		blocks = append(blocks, blockkit.Section(adoptionQuestions(r.Champion)))
	}
	return appendRisks(blocks, r)
}

// greeting mentions the owner and names the champion.
func greeting(r storage.DueCheckin) string {
	owner := blockkit.Mention(r.Deal.OwnerID)
	if r.Champion == nil {
		return owner + ", time to check in with the customer. No champion is named for this deal: " +
			"who defends the purchase inside? Name them with `/champion set`."
	}
	who := "*" + userText(r.Champion.Name, 200) + "*"
	if r.Champion.Title != "" {
		who += " (" + userText(r.Champion.Title, 200) + ")"
	}
	return fmt.Sprintf("%s, time to check in with %s, your champion. They defended this purchase inside "+
		"the customer, and they carry its adoption now.", owner, who)
}

// adoptionQuestions asks about the three adoption costs the champion carries.
func adoptionQuestions(ch *storage.Champion) string {
	return "*Ask about the three adoption costs they carry:*\n" +
		"• *Training* — who was trained, and who still needs it?\n" +
		"• *Process* — are the new processes in place, and actually used?\n" +
		"• *Trust* — has any incident cost " + championName(ch) + " trust inside their organisation?"
}

func championName(ch *storage.Champion) string {
	if ch == nil {
		return "the champion"
	}
	return userText(ch.Name, 200)
}

func missedLine(n int) string {
	if n == 1 {
		return "1 earlier check-in was missed; this one covers it."
	}
	return fmt.Sprintf("%d earlier check-ins were missed; this one covers them.", n)
}

// appendRisks adds the open risks flagged before the close, if any.
func appendRisks(blocks []slack.Block, r storage.DueCheckin) []slack.Block {
	if len(r.Risks) == 0 {
		return blocks
	}
	title := "*Open risks flagged before the close:*"
	if r.Deal.Stage == storage.StageOpen {
		title = "*Open risks:*"
	}
	lines := make([]string, 0, len(r.Risks))
	for _, k := range r.Risks {
		lines = append(lines, riskLine(k))
	}
	return append(blocks, blockkit.Section(list(title, lines)))
}

var severityIcon = map[storage.Severity]string{
	storage.SeverityCritical: ":red_circle:",
	storage.SeverityHigh:     ":large_orange_circle:",
	storage.SeverityMedium:   ":large_yellow_circle:",
	storage.SeverityLow:      ":white_circle:",
}

func riskLine(k storage.Risk) string {
	line := fmt.Sprintf("%s #%d *%s* · %s — %s", severityIcon[k.Severity], k.Number, k.Severity, k.Area, userText(k.What, 200))
	if k.NeedsTest {
		line += " _(needs testing)_"
	}
	return line
}

func actionsBlock(checkinID int64) *slack.ActionBlock {
	id := strconv.FormatInt(checkinID, 10)
	return slack.NewActionBlock(BlockID(checkinID),
		blockkit.Button(string(ActionDone), "Done", id, slack.StylePrimary),
		blockkit.Button(string(ActionSnooze), "Snooze 1 week", id, slack.StyleDefault),
		blockkit.Button(string(ActionSkip), "Skip", id, slack.StyleDefault),
	)
}

// offsetLabel writes a post-close offset: "14d" is "14-day".
func offsetLabel(offset string) string {
	if days, ok := strings.CutSuffix(offset, "d"); ok {
		if _, err := strconv.Atoi(days); err == nil {
			return days + "-day"
		}
	}
	if offset == "" {
		return "a"
	}
	return offset
}

// formatDay writes a calendar date: "Tue 1 Dec 2026".
func formatDay(d time.Time) string {
	if d.IsZero() {
		return "—"
	}
	return d.Format("Mon 2 Jan 2006")
}

// ownerCopy is the reminder sent to the owner by DM when the deal channel
// refused it (cause is Slack's error code).
func ownerCopy(r storage.DueCheckin, cause string) (text string, blocks []slack.Block) {
	text, blocks = CheckinMessage(r)
	why := fmt.Sprintf(":warning: I could not post this reminder in <#%s> (`%s`): %s, so here it is.",
		r.Deal.ChannelID, blockkit.Escape(cause), channelProblem(cause))
	return "I could not post this in the deal channel. " + text, append([]slack.Block{blockkit.Section(why)}, blocks...)
}

// privateCopy is the reminder as sent to the owner alone because the deal
// channel is shared with another organisation.
func privateCopy(r storage.DueCheckin) (text string, blocks []slack.Block) {
	text, blocks = CheckinMessage(r)
	why := fmt.Sprintf(":lock: <#%s> is shared with another organisation, so this reminder comes to you alone: "+
		"it names the champion and lists the deal's risks.", r.Deal.ChannelID)
	return "Only for you: " + text, append([]slack.Block{blockkit.Context(why)}, blocks...)
}

// channelProblem says what a channel error means for the owner.
func channelProblem(code string) string {
	switch code {
	case "is_archived", "channel_is_archived":
		return "the channel is archived — unarchive it to get the next reminders there"
	case "not_in_channel":
		return "I am no longer a member — invite me back with `/invite` to get the next reminders there"
	case "channel_not_found":
		return "the channel is gone, or I cannot see it any more"
	}
	return "Slack refused it"
}

// Resolution is what a click on a reminder's button did, for
// ResolvedMessage.
type Resolution struct {
	Action   Action
	UserID   string         // who clicked
	Until    time.Time      // for ActionSnooze: the new due time
	Location *time.Location // the zone Until is shown in; nil means UTC
}

// Line is the resolution as the message shows it: "Done by <@U1>".
func (r Resolution) Line() string {
	switch r.Action {
	case ActionDone:
		return ":white_check_mark: Done by " + blockkit.Mention(r.UserID)
	case ActionSnooze:
		loc := r.Location
		if loc == nil {
			loc = time.UTC
		}
		return fmt.Sprintf(":zzz: Snoozed to %s by %s", r.Until.In(loc).Format("Mon 2 Jan 2006 15:04 MST"), blockkit.Mention(r.UserID))
	case ActionSkip:
		return ":fast_forward: Skipped by " + blockkit.Mention(r.UserID)
	}
	return "Handled by " + blockkit.Mention(r.UserID)
}

// ErrNoButtons means the message has no buttons of that check-in to
// replace: it was resolved already, or is not a reminder.
var ErrNoButtons = errors.New("no buttons of that check-in in the message")

// ResolvedMessage is a reminder after a click, for chat.update: the blocks
// of the original message (from the interaction payload) with check-in
// checkinID's buttons replaced by what was done, so nobody clicks twice.
// ErrNoButtons when the buttons are not there.
func ResolvedMessage(original []slack.Block, checkinID int64, r Resolution) (text string, blocks []slack.Block, err error) {
	id := BlockID(checkinID)
	found := false
	for _, b := range original {
		if a, ok := b.(*slack.ActionBlock); ok && a.BlockID == id {
			found = true
			b = blockkit.Context(r.Line())
		}
		blocks = append(blocks, b)
	}
	if !found {
		return "", nil, ErrNoButtons
	}
	return r.Line(), blocks, nil
}

// checkinMetadata is the metadata a reminder is posted with.
func checkinMetadata(r storage.DueCheckin) slack.SlackMetadata {
	return slack.SlackMetadata{
		EventType: MetadataEventType,
		EventPayload: map[string]any{
			"checkin_id": r.Checkin.ID,
			"due_at":     r.Checkin.DueAt.Unix(),
			"team_id":    r.Checkin.TeamID,
		},
	}
}

// isReminderOf reports whether message metadata m is that of r's reminder,
// as posted for r's current due time (a snoozed check-in's old message does
// not count).
func isReminderOf(m slack.SlackMetadata, r storage.DueCheckin) bool {
	if m.EventType != MetadataEventType {
		return false
	}
	id, ok1 := number(m.EventPayload["checkin_id"])
	due, ok2 := number(m.EventPayload["due_at"])
	return ok1 && ok2 && id == r.Checkin.ID && due == r.Checkin.DueAt.Unix()
}

// number reads a JSON number decoded into an any.
func number(v any) (int64, bool) {
	switch v := v.(type) {
	case float64:
		return int64(v), float64(int64(v)) == v
	case int64:
		return v, true
	case int:
		return int64(v), true
	case string:
		n, err := strconv.ParseInt(v, 10, 64)
		return n, err == nil
	}
	return 0, false
}
