package bot

import (
	"context"
	"time"

	"github.com/longgame/longgame/bot/checkin"
	"github.com/longgame/longgame/bot/slash"
	"github.com/longgame/longgame/bot/zones"
	"github.com/longgame/longgame/storage"
)

// Store is what the bot records and reads: what its commands, the
// check-in buttons and the time zones need, and its own bookkeeping
// (events seen, records posted, channels shared, the App Home), shared
// with the other replicas on the same database.
type Store interface {
	slash.Store
	checkin.Store
	zones.Store

	ListDeals(ctx context.Context, teamID string, f storage.DealFilter) (storage.Page[storage.DealOverview], error)
	OwnerCheckinsDue(ctx context.Context, teamID, ownerID string, before time.Time) ([]storage.CheckinDue, error)

	MarkEventSeen(ctx context.Context, teamID, eventID string) (bool, error)
	PruneSeenEvents(ctx context.Context, before time.Time) (int64, error)
	RecordPosts(ctx context.Context, posts ...storage.PostedMessage) error
	UnredactedPosts(ctx context.Context, teamID, channelID string, limit int) ([]storage.PostedMessage, error)
	MarkRedacted(ctx context.Context, teamID, channelID, ts string) error
	StartShare(ctx context.Context, teamID, channelID, why string) (storage.ChannelShare, bool, error)
	ProgressShare(ctx context.Context, teamID, channelID string, hidden int, done bool) (storage.ChannelShare, error)
	PendingShares(ctx context.Context, limit int) ([]storage.ChannelShare, error)
	Share(ctx context.Context, teamID, channelID string) (storage.ChannelShare, error)

	// What replicas on one database decide together.
	SharesSince(ctx context.Context, since time.Time, limit int) ([]storage.ChannelShare, error)
	TakeHomeRefresh(ctx context.Context, teamID, userID string, changed bool, gap time.Duration) (bool, time.Time, error)
}
