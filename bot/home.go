package bot

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/longgame/longgame/bot/checkin"
	"github.com/longgame/longgame/bot/views"
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
		blocks = r.Blocks
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
	deals, err := b.store.ListDeals(ctx, teamID, storage.DealFilter{Stage: storage.StageOpen, OwnerID: userID, Limit: views.HomeMaxDeals})
	if err != nil {
		return nil, fmt.Errorf("home deals: %w", err)
	}
	now := b.cfg.Now()
	loc := b.zones.Of(ctx, teamID, userID)
	postSale, err := b.store.ListDeals(ctx, teamID, storage.DealFilter{OwnerID: userID, Limit: views.HomeMaxPostSale,
		StillAtRiskSince: storage.Today(now, loc).Add(-storage.PostSaleWatch)})
	if err != nil {
		return nil, fmt.Errorf("home post-sale deals: %w", err)
	}
	due, err := b.store.OwnerCheckinsDue(ctx, teamID, userID, storage.DueSoon(now))
	if err != nil {
		return nil, fmt.Errorf("home check-ins: %w", err)
	}
	people, err := b.store.People(ctx, teamID, storage.PeopleFilter{OwnerID: userID, Since: storage.GoodwillSince(now), Limit: views.HomeMaxPeople})
	if err != nil {
		return nil, fmt.Errorf("home champions: %w", err)
	}
	blocks := views.Home(deals, postSale, due, now, loc, checkin.HomeButtons)
	return append(blocks, views.HomeChampions(people.Items, now, b.cfg.KeepInTouch, loc)...), nil
}

// homeRefreshGap is the least time between two refreshes of one user's
// Home: a burst of commands must not turn into a burst of publishes, each
// several queries, competing with the commands for the CPU.
const homeRefreshGap = time.Second

// refreshHomes republishes the App Home of each user after a change, in the
// background: the answer to the command does not wait for it. Refreshes of
// one user coalesce: while one runs, further changes ask for one more run
// after it (and after homeRefreshGap), not one each. With replicas, the
// database decides which one refreshes (takeHomeRefresh): a change another
// replica's later refresh covers needs none here.
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
			ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), b.cfg.WorkTimeout)
			defer cancel()
			changed := true
			for {
				take, wait := b.takeHomeRefresh(ctx, teamID, u, changed)
				changed = false
				if take || b.isStopping() {
					// Stopping, a change still waiting is published now
					// rather than left to a replica that may not come.
					if err := b.publishHome(ctx, teamID, u); err != nil {
						b.log.Warn("app home refresh failed", "user", u, "err", err)
					}
					wait = homeRefreshGap
				}
				if wait > 0 {
					gap := time.NewTimer(wait)
					select {
					case <-gap.C:
					case <-b.stopping:
						gap.Stop()
					}
				}
				if !take && wait > 0 && !b.isStopping() {
					continue // another replica's window: ask again once it passed
				}
				if !b.homes.again(teamID, u) {
					return
				}
				changed = true
			}
		}()
	}
}

// isStopping reports whether Run stopped taking envelopes.
func (b *Bot) isStopping() bool {
	select {
	case <-b.stopping:
		return true
	default:
		return false
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
