package bot

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/longgame/longgame/storage"
)

// Action ids of the check-in buttons. The same ids serve the App Home and
// the reminder messages; the container tells which to refresh.
const (
	actionCheckinDone   = "checkin_done"
	actionCheckinSnooze = "checkin_snooze"
	actionCheckinSkip   = "checkin_skip"
)

// publishHome builds and publishes userID's App Home.
func (b *Bot) publishHome(ctx context.Context, teamID, userID string) error {
	deals, err := b.store.ListDeals(ctx, teamID, storage.DealFilter{Stage: storage.StageOpen, OwnerID: userID})
	if err != nil {
		return fmt.Errorf("home deals: %w", err)
	}
	now := b.cfg.Now()
	due, err := b.store.OwnerCheckinsDue(ctx, teamID, userID, now.Add(dueWindow))
	if err != nil {
		return fmt.Errorf("home check-ins: %w", err)
	}
	loc := b.ownerLocation(ctx, teamID, userID)
	view := slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: homeBlocks(deals, due, now, loc)}}
	if _, err := b.api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: userID, View: view}); err != nil {
		return fmt.Errorf("views.publish: %w", err)
	}
	return nil
}

// refreshHomes republishes the App Home of each user after a change, in the
// background: the answer to the command does not wait for it. Refreshes of
// one user coalesce: while one runs, further changes ask for one more run
// after it, not one each, so a burst of commands costs two publishes.
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

func homeBlocks(deals []storage.DealOverview, due []storage.CheckinDue, now time.Time, loc *time.Location) []slack.Block {
	blocks := []slack.Block{header("Play the long game"), section(fmt.Sprintf("*Your open deals: %d*", len(deals)))}
	if len(deals) == 0 {
		blocks = append(blocks, contextBlock("No open deal of yours. Open one in its channel with `/deal open <name>`."))
	}
	lines := make([]string, 0, len(deals))
	for _, ov := range deals {
		lines = append(lines, dealListLine(ov))
	}
	blocks = append(blocks, listSection(limitLines(lines, homeMaxDeals), 10)...)
	blocks = append(blocks, slack.NewDividerBlock(), section(fmt.Sprintf("*Your check-ins due in the next 14 days or overdue: %d*", len(due))))
	if len(due) == 0 {
		blocks = append(blocks, contextBlock("Nothing to chase right now."))
	}
	for i, cd := range due {
		if i == homeMaxCheckins {
			blocks = append(blocks, contextBlock(fmt.Sprintf("…and %d more: `/checkin` lists them all.", len(due)-i)))
			break
		}
		blocks = append(blocks, checkinBlocks(cd, now, loc)...)
	}
	return blocks
}

func checkinBlocks(cd storage.CheckinDue, now time.Time, loc *time.Location) []slack.Block {
	c := cd.Checkin
	line := fmt.Sprintf("*%s* in <#%s> — %s\n%s · %s", escape(cd.Deal.Name), cd.Deal.ChannelID, checkinWhat(c),
		formatMoment(c.DueAt, loc), checkinStatus(c, now))
	id := strconv.FormatInt(c.ID, 10)
	actions := slack.NewActionBlock("checkin:"+id,
		button(actionCheckinDone, "Done", id, slack.StylePrimary),
		button(actionCheckinSnooze, "Snooze 1 week", id, slack.StyleDefault),
	)
	return []slack.Block{section(line), actions}
}

// onCheckinButton handles Done, Snooze 1 week and Skip, wherever they were
// clicked.
func (b *Bot) onCheckinButton(ctx context.Context, cb slack.InteractionCallback, action *slack.BlockAction) {
	actor := storage.Actor{TeamID: cb.Team.ID, UserID: cb.User.ID}
	id, err := strconv.ParseInt(strings.TrimSpace(action.Value), 10, 64)
	if err != nil {
		b.log.Warn("check-in button without an id", "value", action.Value)
		return
	}
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
	switch action.ActionID {
	case actionCheckinDone:
		c, err = b.store.FinishCheckin(ctx, actor, id, storage.CheckinDone, "")
	case actionCheckinSkip:
		c, err = b.store.FinishCheckin(ctx, actor, id, storage.CheckinSkipped, "")
	case actionCheckinSnooze:
		y, m, dd := b.cfg.Now().In(b.ownerLocation(ctx, d.TeamID, d.OwnerID)).Date()
		c, err = b.snooze(ctx, actor, d, c, defaultSnoozeDays, time.Date(y, m, dd, 0, 0, 0, 0, time.UTC))
	}
	if err != nil {
		b.tellUser(ctx, cb, b.describe(b.checkinChangeErr(err, "check-in button")))
	}
	b.afterCheckinButton(ctx, cb, actor, d, c)
}

// tellUser answers an interaction privately where it happened.
func (b *Bot) tellUser(ctx context.Context, cb slack.InteractionCallback, msg string) {
	channel := cb.Channel.ID
	if channel == "" {
		channel = cb.User.ID
	}
	b.post(ctx, channel, cb.User.ID, "", problemReply(msg, ""))
}

// afterCheckinButton shows the click where it happened: the Home is
// republished; a reminder message loses its buttons and says who did what,
// so nobody clicks twice.
func (b *Bot) afterCheckinButton(ctx context.Context, cb slack.InteractionCallback, actor storage.Actor, d storage.Deal, c storage.Checkin) {
	defer b.refreshHomes(ctx, actor.TeamID, actor.UserID, d.OwnerID)
	if cb.Container.Type != "message" || cb.Container.MessageTs == "" {
		return
	}
	blocks := resolvedBlocks(cb.Message.Blocks.BlockSet, c, actor.UserID, b.ownerLocation(ctx, d.TeamID, d.OwnerID))
	_, _, _, err := b.api.UpdateMessageContext(ctx, cb.Container.ChannelID, cb.Container.MessageTs,
		slack.MsgOptionText(cb.Message.Text, false), slack.MsgOptionBlocks(blocks...))
	if err != nil {
		b.log.Warn("updating the reminder after a click failed", "checkin", c.ID, "err", err)
	}
}

// resolvedBlocks is a reminder message with its buttons replaced by what
// became of the check-in.
func resolvedBlocks(blocks []slack.Block, c storage.Checkin, userID string, loc *time.Location) []slack.Block {
	var outcome string
	switch c.Status {
	case storage.CheckinDone:
		outcome = ":white_check_mark: Done by " + mention(userID)
	case storage.CheckinSkipped:
		outcome = ":fast_forward: Skipped by " + mention(userID)
	case storage.CheckinPending:
		outcome = ":zzz: Snoozed by " + mention(userID) + " to " + formatMoment(c.DueAt, loc)
	default:
		outcome = "This check-in was " + string(c.Status)
	}
	out := make([]slack.Block, 0, len(blocks)+1)
	for _, bl := range blocks {
		if bl.BlockType() == slack.MBTAction {
			continue
		}
		out = append(out, bl)
	}
	return append(out, contextBlock(outcome))
}
