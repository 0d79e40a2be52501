package checkin

import (
	"fmt"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/longgame/longgame/bot/blockkit"
	"github.com/longgame/longgame/bot/views"
	"github.com/longgame/longgame/reminders"
	"github.com/longgame/longgame/storage"
)

// Messages writes what the reminders' dispatcher posts: a due check-in's
// reminder and its copies for the owner, and the weekly nudge.
type Messages struct {
	// KeepInTouch is the quiet period after which the nudge lists a
	// closed deal's champion: its section's title says it.
	KeepInTouch time.Duration
}

var _ reminders.Messages = Messages{}

// Reminder is the reminder of a due check-in, for the deal channel. Its
// plain-text fallback mentions the owner.
func (Messages) Reminder(r storage.DueCheckin) reminders.Message {
	c, d := r.Checkin, r.Deal
	deal := userText(d.Name, 150)
	var text string
	var blocks []slack.Block
	switch c.Kind {
	case storage.KindKeepInTouch:
		text = fmt.Sprintf("%s: keep in touch with %s, %s — a light touch, no pitch.", deal, championName(r.Champion), views.Mention(d.OwnerID))
		blocks = keepInTouchBlocks(r)
	case storage.KindManual:
		text = fmt.Sprintf("%s: the check-in you asked for, %s.", deal, views.Mention(d.OwnerID))
		blocks = manualBlocks(r)
	case storage.KindJobChange:
		text = fmt.Sprintf("%s: %s changed jobs a month ago, %s — congratulate them and ask how the new job goes.",
			deal, championName(r.Champion), views.Mention(d.OwnerID))
		blocks = jobChangeBlocks(r)
	default:
		text = fmt.Sprintf("%s: %s, %s — ask %s about training, process and trust.",
			deal, Name(c), views.Mention(d.OwnerID), championName(r.Champion))
		blocks = postCloseBlocks(r)
	}
	if r.Missed > 0 {
		text += " " + missedLine(r.Missed)
	}
	blocks = append(blocks, Buttons(c.ID), blockkit.Context(fmt.Sprintf("Due %s · check-in #%d", views.Day(c.DueOn), c.ID)))
	return reminders.Message{Text: text, Blocks: blocks}
}

// OwnerCopy is the reminder sent to the owner by DM because the deal
// channel refused it with Slack's error code cause.
func (m Messages) OwnerCopy(r storage.DueCheckin, cause string) reminders.Message {
	msg := m.Reminder(r)
	why := fmt.Sprintf(":warning: I could not post this reminder in <#%s> (`%s`): %s, so here it is.",
		r.Deal.ChannelID, blockkit.Escape(cause), channelProblem(cause))
	return reminders.Message{Text: "I could not post this in the deal channel. " + msg.Text,
		Blocks: append([]slack.Block{blockkit.Section(why)}, msg.Blocks...)}
}

// PrivateCopy is the reminder sent to the owner alone because people
// outside the team are in the deal channel (or Slack could not say).
func (m Messages) PrivateCopy(r storage.DueCheckin) reminders.Message {
	msg := m.Reminder(r)
	why := fmt.Sprintf(":lock: People outside your team are in <#%s>, so this reminder comes to you alone: "+
		"it names the champion and lists the deal's risks.", r.Deal.ChannelID)
	return reminders.Message{Text: "Only for you: " + msg.Text, Blocks: append([]slack.Block{blockkit.Context(why)}, msg.Blocks...)}
}

// UncheckedCopy is the reminder sent to the owner by DM when a post to the
// deal channel was interrupted (Slack may have taken it) and the channel's
// history cannot be read to find out: the app posts in public channels it
// is not in, but only a member reads them. Once is enough for the owner; a
// second copy in the channel would be one too many for the whole team.
func (m Messages) UncheckedCopy(r storage.DueCheckin) reminders.Message {
	msg := m.Reminder(r)
	why := fmt.Sprintf(":grey_question: This reminder may already be in <#%s>: Slack did not confirm my post there, "+
		"and I cannot look, as I am not a member of the channel. So it comes to you here instead of twice to the channel. "+
		"Invite me with `/invite @Long Game` and I will check the channel myself next time.", r.Deal.ChannelID)
	return reminders.Message{Text: "This may already be in the deal channel. " + msg.Text,
		Blocks: append([]slack.Block{blockkit.Context(why)}, msg.Blocks...)}
}

// Name is a check-in's one name, the same everywhere: "14-day check-in".
func Name(c storage.Checkin) string { return views.CheckinName(c.Kind, c.Offset, c.Note) }

func postCloseBlocks(r storage.DueCheckin) []slack.Block {
	c, d := r.Checkin, r.Deal
	blocks := []slack.Block{
		blockkit.Section(fmt.Sprintf(":seedling: *%s* — %s (won on %s)", userText(d.Name, 150), Name(c), views.Day(d.ClosedOn))),
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
		blockkit.Section(fmt.Sprintf(":handshake: *%s* — keep in touch (lost on %s)", userText(d.Name, 150), views.Day(d.ClosedOn))),
		blockkit.Section(fmt.Sprintf("%s, the deal was lost, but %s's career goes on, and the IT world is small: "+
			"they may be choosing a vendor again one day, here or at their next company.\n"+
			"Send a light touch — ask how things are going, share something useful to them. *No pitch.*",
			views.Mention(d.OwnerID), who)),
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

// jobChangeBlocks are the keep-in-touch reminder of a champion's move:
// congratulate them, ask how the new job goes, and, in one click, open a
// deal at their new company.
func jobChangeBlocks(r storage.DueCheckin) []slack.Block {
	d := r.Deal
	blocks := []slack.Block{
		blockkit.Section(fmt.Sprintf(":briefcase: *%s* — your champion changed jobs", userText(d.Name, 150))),
	}
	if r.Champion == nil {
		return append(blocks, blockkit.Section(fmt.Sprintf("%s, the champion of this deal changed jobs a month ago. "+
			"Congratulate them and ask how the new job goes. *No pitch.*", views.Mention(d.OwnerID))))
	}
	ch := *r.Champion
	where := userText(ch.Company, 200)
	if ch.Title != "" {
		where = userText(ch.Title, 200) + " at " + where
	}
	where = "*" + where + "*"
	blocks = append(blocks,
		blockkit.Section(fmt.Sprintf("%s, *%s* moved to %s a month ago. They defended this purchase; the IT world is small, "+
			"and a new job is when people choose vendors again.\nCongratulate them and ask how the new job goes. *No pitch* — "+
			"but if they want to bring what worked here, you are ready:", views.Mention(d.OwnerID), userText(ch.Name, 200), where)),
		OpenDealButton(r.Checkin.ID, ch.Company),
	)
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
		blockkit.Section(fmt.Sprintf("%s, you asked me to remind you:\n%s", views.Mention(d.OwnerID), note)),
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
	owner := views.Mention(r.Deal.OwnerID)
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

// appendRisks adds the deal's open risks, whenever they were flagged (a
// close is often recorded days after its date); those flagged after the
// close was recorded are marked.
func appendRisks(blocks []slack.Block, r storage.DueCheckin) []slack.Block {
	if len(r.Risks) == 0 {
		return blocks
	}
	lines := make([]string, 0, len(r.Risks))
	for _, k := range r.Risks {
		line := views.RiskLine(k)
		if r.Deal.SinceClose(k) {
			line += " _(since the close)_"
		}
		lines = append(lines, line)
	}
	return append(blocks, blockkit.Section(listOf("*Open risks:*", lines, max(r.OpenRisks, len(lines)))))
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

// Lists in a reminder stay short, so a message always fits Slack's limits.
const (
	// maxListItems bounds a list in a message: past it, "…and N more".
	maxListItems = 10
	// maxLineChars bounds one list line, so ten of them fit in a section.
	maxLineChars = 280
)

// userText is user-typed text made safe and short for mrkdwn.
func userText(s string, n int) string {
	return blockkit.Escape(blockkit.Clip(strings.TrimSpace(s), n))
}

// list renders a titled bullet list for one section: at most maxListItems
// lines, each clipped, the whole within a section's 3,000 characters, and
// "…and N more" for the rest.
func list(title string, lines []string) string { return listOf(title, lines, len(lines)) }

// listOf is list for the first lines of total.
func listOf(title string, lines []string, total int) string {
	var b strings.Builder
	b.WriteString(title)
	shown := 0
	for i, line := range lines {
		line = "\n• " + blockkit.Clip(line, maxLineChars)
		// Room for this line and, if others follow, for "…and N more".
		if i == maxListItems || b.Len()+len(line)+len("\n…and 1000 more") > blockkit.MaxSectionText {
			break
		}
		b.WriteString(line)
		shown++
	}
	if total > shown {
		fmt.Fprintf(&b, "\n…and %d more", total-shown)
	}
	return b.String()
}
