package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/longgame/longgame/bot/blockkit"
	"github.com/longgame/longgame/reminders"
	"github.com/longgame/longgame/storage"
)

// onHomeOpened publishes the Home of who opened it.
func (b *Bot) onHomeOpened(ctx context.Context, teamID, userID string) {
	if err := b.publishHome(ctx, teamID, userID); err != nil {
		b.log.Error("app home failed", "user", userID, "err", err)
	}
}

// publishHome builds and publishes userID's App Home: the deals they own
// and their check-ins, nobody else's. Anyone but a full member (a guest, a
// user of another organisation, an owner since made a guest) gets the one
// line.
func (b *Bot) publishHome(ctx context.Context, teamID, userID string) error {
	var blocks []slack.Block
	if r, ok := b.admit(ctx, userID, teamID); !ok {
		blocks = r.blocks
	} else {
		var err error
		if blocks, err = b.homeOf(ctx, teamID, userID); err != nil {
			return err
		}
	}
	view := slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: blocks}}
	if _, err := b.api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: userID, View: view}); err != nil {
		return fmt.Errorf("views.publish: %w", err)
	}
	return nil
}

// homeOf is a member's Home.
func (b *Bot) homeOf(ctx context.Context, teamID, userID string) ([]slack.Block, error) {
	deals, err := b.store.ListDeals(ctx, teamID, storage.DealFilter{Stage: storage.StageOpen, OwnerID: userID, Limit: homeMaxDeals})
	if err != nil {
		return nil, fmt.Errorf("home deals: %w", err)
	}
	now := b.cfg.Now()
	due, err := b.store.OwnerCheckinsDue(ctx, teamID, userID, now.Add(dueWindow))
	if err != nil {
		return nil, fmt.Errorf("home check-ins: %w", err)
	}
	return homeBlocks(deals, due, now, b.ownerLocation(ctx, teamID, userID)), nil
}

// homeRefreshGap is the least time between two refreshes of one user's
// Home: a burst of commands must not turn into a burst of publishes, each
// several queries, competing with the commands for the CPU.
const homeRefreshGap = time.Second

// refreshHomes republishes the App Home of each user after a change, in the
// background: the answer to the command does not wait for it. Refreshes of
// one user coalesce: while one runs, further changes ask for one more run
// after it (and after homeRefreshGap), not one each.
func (b *Bot) refreshHomes(ctx context.Context, teamID string, userIDs ...string) {
	seen := map[string]bool{}
	for _, u := range userIDs {
		if u == "" || seen[u] || !b.homes.want(teamID, u) {
			continue
		}
		seen[u] = true
		b.inflight.Add(1)
		go func() {
			defer b.inflight.Done()
			ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), workTimeout)
			defer cancel()
			for {
				if err := b.publishHome(ctx, teamID, u); err != nil {
					b.log.Warn("app home refresh failed", "user", u, "err", err)
				}
				gap := time.NewTimer(homeRefreshGap)
				select {
				case <-gap.C:
				case <-b.stopping:
					gap.Stop()
				}
				if !b.homes.again(teamID, u) {
					return
				}
			}
		}()
	}
}

// homeRefreshes tracks, per user, whether a refresh runs and whether
// another is wanted after it.
type homeRefreshes struct {
	mu    sync.Mutex
	dirty map[string]bool // present: a refresh runs; true: run once more after it
}

// want records a change; it reports whether the caller must start a
// refresher because none runs for that user.
func (h *homeRefreshes) want(teamID, userID string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.dirty == nil {
		h.dirty = map[string]bool{}
	}
	k := teamID + "/" + userID
	if _, running := h.dirty[k]; running {
		h.dirty[k] = true
		return false
	}
	h.dirty[k] = false
	return true
}

// again reports whether a change came in during the refresh that just
// ended; if not, the user's refresher stops.
func (h *homeRefreshes) again(teamID, userID string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	k := teamID + "/" + userID
	if h.dirty[k] {
		h.dirty[k] = false
		return true
	}
	delete(h.dirty, k)
	return false
}

const (
	homeMaxDeals    = 30
	homeMaxCheckins = 25 // two blocks each: the line and its buttons
)

func homeBlocks(deals storage.Page[storage.DealOverview], due []storage.CheckinDue, now time.Time, loc *time.Location) []slack.Block {
	blocks := []slack.Block{blockkit.Header("Play the long game"), blockkit.Section(fmt.Sprintf("*Your open deals: %d*", deals.Total))}
	if deals.Total == 0 {
		blocks = append(blocks, blockkit.Context("No open deal of yours. Open one in its channel with `/deal open <name>`."))
	}
	lines := make([]string, 0, len(deals.Items))
	for _, ov := range deals.Items {
		lines = append(lines, dealListLine(ov))
	}
	blocks = append(blocks, blockkit.LinesOf(lines, deals.Total, 10, maxListChars)...)
	blocks = append(blocks, slack.NewDividerBlock(), blockkit.Section(fmt.Sprintf("*Your check-ins due in the next 14 days or overdue: %d*", len(due))))
	if len(due) == 0 {
		blocks = append(blocks, blockkit.Context("Nothing to chase right now."))
	}
	for i, cd := range due {
		if i == homeMaxCheckins {
			blocks = append(blocks, blockkit.Context(fmt.Sprintf("…and %d more: `/checkin` lists them all.", len(due)-i)))
			break
		}
		blocks = append(blocks, checkinBlocks(cd, now, loc)...)
	}
	return blocks
}

func checkinBlocks(cd storage.CheckinDue, now time.Time, loc *time.Location) []slack.Block {
	c := cd.Checkin
	line := fmt.Sprintf("*%s* in <#%s> — %s\n%s · %s", blockkit.Escape(cd.Deal.Name), cd.Deal.ChannelID, checkinWhat(c),
		formatMoment(c.DueAt, loc), checkinStatus(c, now))
	// The reminder messages' buttons: one handler serves both.
	id := strconv.FormatInt(c.ID, 10)
	actions := slack.NewActionBlock(reminders.BlockID(c.ID),
		blockkit.Button(string(reminders.ActionDone), "Done", id, slack.StylePrimary),
		blockkit.Button(string(reminders.ActionSnooze), "Snooze 1 week", id, slack.StyleDefault),
	)
	return []slack.Block{blockkit.Section(line), actions}
}

// onCheckinButton handles Done, Snooze 1 week and Skip, on a reminder or
// in the App Home.
func (b *Bot) onCheckinButton(ctx context.Context, cb slack.InteractionCallback, action reminders.Action, id int64) {
	actor := storage.Actor{TeamID: cb.Team.ID, UserID: cb.User.ID}
	c, err := b.store.CheckinByID(ctx, actor.TeamID, id)
	if err != nil {
		b.log.Warn("check-in button for an unknown check-in", "checkin", id, "err", err)
		return
	}
	d, err := b.store.DealByID(ctx, actor.TeamID, c.DealID)
	if err != nil {
		b.log.Error("deal of a check-in", "checkin", id, "err", err)
		return
	}
	if !buttonBelongs(cb, d) {
		b.log.Warn("a check-in button clicked where it does not belong", "checkin", id, "user", actor.UserID,
			"container", cb.Container.Type, "channel", cb.Channel.ID)
		b.tellUser(ctx, cb, "This button does not belong here, so Long Game did nothing.")
		return
	}
	loc := b.ownerLocation(ctx, d.TeamID, d.OwnerID)
	switch action {
	case reminders.ActionDone, reminders.ActionSkip:
		c, err = b.finishFromButton(ctx, actor, id, action)
	case reminders.ActionSnooze:
		on, at := reminders.SnoozeDue(b.cfg.Now(), loc)
		c, err = b.store.SnoozeCheckin(ctx, actor, id, on, at)
	}
	if err != nil {
		b.tellUser(ctx, cb, b.describe(b.checkinChangeErr(err, "check-in button")))
		return
	}
	b.resolveReminder(ctx, cb, reminders.Resolution{Action: action, UserID: actor.UserID, Until: c.DueAt, Location: loc}, id)
	b.refreshHomes(ctx, actor.TeamID, actor.UserID, d.OwnerID)
}

// buttonBelongs reports whether a check-in button of deal d may act where it
// was clicked: on a message in the deal's own channel (a reminder), or, for
// the deal's owner, in their App Home or their DM with the app (where
// reminders of a shared channel go). A payload naming another deal's
// check-in does nothing.
func buttonBelongs(cb slack.InteractionCallback, d storage.Deal) bool {
	channel := cb.Container.ChannelID
	if channel == "" {
		channel = cb.Channel.ID
	}
	switch {
	case cb.Container.Type == "view":
		return cb.View.Type == slack.VTHomeTab && d.OwnerID == cb.User.ID
	case channel == d.ChannelID:
		return true
	case strings.HasPrefix(channel, "D"):
		return d.OwnerID == cb.User.ID
	}
	return false
}

// finishFromButton finishes a check-in and those its reminder covered.
func (b *Bot) finishFromButton(ctx context.Context, actor storage.Actor, id int64, action reminders.Action) (storage.Checkin, error) {
	status := storage.CheckinDone
	if action == reminders.ActionSkip {
		status = storage.CheckinSkipped
	}
	c, err := b.store.FinishCheckin(ctx, actor, id, status, "")
	if err != nil {
		return c, err
	}
	if _, err := b.store.FinishFolded(ctx, actor, id, status, ""); err != nil {
		b.log.Error("finishing the check-ins a reminder covered", "checkin", id, "err", err)
	}
	return c, nil
}

// resolveReminder replaces a clicked reminder's buttons with what was done,
// so nobody clicks twice. Clicks in the App Home have no message to update.
func (b *Bot) resolveReminder(ctx context.Context, cb slack.InteractionCallback, res reminders.Resolution, id int64) {
	if cb.Container.Type != "message" || cb.Container.MessageTs == "" {
		return
	}
	text, blocks, err := reminders.ResolvedMessage(cb.Message.Blocks.BlockSet, id, res)
	if errors.Is(err, reminders.ErrNoButtons) {
		return
	}
	if err != nil {
		b.log.Warn("resolving a reminder", "checkin", id, "err", err)
		return
	}
	_, _, _, err = b.api.UpdateMessageContext(ctx, cb.Container.ChannelID, cb.Container.MessageTs,
		slack.MsgOptionText(text, false), slack.MsgOptionBlocks(blocks...))
	if err != nil {
		b.log.Warn("updating the reminder after a click failed", "checkin", id, "err", err)
	}
}

// tellUser answers an interaction privately where it happened.
func (b *Bot) tellUser(ctx context.Context, cb slack.InteractionCallback, msg string) {
	channel := cb.Channel.ID
	if channel == "" {
		channel = cb.User.ID
	}
	b.tell(ctx, place{team: cb.Team.ID, channel: channel, user: cb.User.ID}, problemReply(msg, ""))
}
