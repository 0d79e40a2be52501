package bot

import (
	"context"
	"time"

	"github.com/longgame/longgame/storage"
)

// Store is what the bot records and reads. Every storage.Store implements it.
type Store interface {
	OpenDeal(ctx context.Context, a storage.Actor, d storage.NewDeal) (storage.Deal, error)
	DealByChannel(ctx context.Context, teamID, channelID string) (storage.Deal, error)
	DealByID(ctx context.Context, teamID string, id int64) (storage.Deal, error)
	UpdateDeal(ctx context.Context, a storage.Actor, dealID int64, c storage.DealChanges) (storage.Deal, error)
	CloseDeal(ctx context.Context, a storage.Actor, dealID int64, c storage.Close) (storage.Deal, error)
	ReopenDeal(ctx context.Context, a storage.Actor, dealID int64) (storage.Deal, int, error)
	ListDeals(ctx context.Context, teamID string, f storage.DealFilter) (storage.Page[storage.DealOverview], error)
	DealOverview(ctx context.Context, teamID string, dealID int64) (storage.DealOverview, error)

	SetChampion(ctx context.Context, a storage.Actor, dealID int64, c storage.ChampionInput) (storage.Champion, error)
	FindChampion(ctx context.Context, teamID, name, userID string) (storage.Champion, error)
	ChampionByID(ctx context.Context, teamID string, id int64) (storage.Champion, error)
	ChampionHistory(ctx context.Context, teamID string, championID int64, v *storage.Viewer, limit int) (storage.Page[storage.ChampionDeal], error)
	AddAsk(ctx context.Context, a storage.Actor, dealID int64, what string, cost int) (storage.Ask, error)
	SetAskStatus(ctx context.Context, a storage.Actor, dealID int64, number int, s storage.AskStatus) (storage.Ask, error)
	AddGive(ctx context.Context, a storage.Actor, dealID int64, what string, value int) (storage.Give, error)
	SetBudget(ctx context.Context, a storage.Actor, dealID int64, budget int) (storage.Deal, error)
	Ledger(ctx context.Context, teamID string, dealID int64) ([]storage.LedgerEntry, error)

	AddRisk(ctx context.Context, a storage.Actor, dealID int64, r storage.NewRisk) (storage.Risk, error)
	Risks(ctx context.Context, teamID string, dealID int64, includeResolved bool) ([]storage.Risk, error)
	RiskSummary(ctx context.Context, teamID string, dealID int64, limit int) (storage.RiskSummary, error)
	ResolveRisk(ctx context.Context, a storage.Actor, dealID int64, number int, note string) (storage.Risk, error)
	ReopenRisk(ctx context.Context, a storage.Actor, dealID int64, number int) (storage.Risk, error)
	DiscloseRisk(ctx context.Context, a storage.Actor, dealID int64, number int, note string) (storage.Risk, error)

	AddCheckin(ctx context.Context, a storage.Actor, c storage.NewCheckin) (storage.Checkin, error)
	DealCheckins(ctx context.Context, teamID string, dealID int64) ([]storage.Checkin, error)
	OwnerCheckinsDue(ctx context.Context, teamID, ownerID string, before time.Time) ([]storage.CheckinDue, error)
	NextPendingCheckin(ctx context.Context, teamID string, dealID int64) (storage.Checkin, error)
	CheckinByID(ctx context.Context, teamID string, id int64) (storage.Checkin, error)
	FinishCheckin(ctx context.Context, a storage.Actor, checkinID int64, s storage.CheckinStatus, note string) (storage.Checkin, error)
	FinishFolded(ctx context.Context, a storage.Actor, into int64, s storage.CheckinStatus, note string) (int, error)
	SnoozeCheckin(ctx context.Context, a storage.Actor, checkinID int64, dueOn, dueAt time.Time) (storage.Checkin, error)

	MarkEventSeen(ctx context.Context, teamID, eventID string) (bool, error)
	PruneSeenEvents(ctx context.Context, before time.Time) (int64, error)
	RecordPosts(ctx context.Context, posts ...storage.PostedMessage) error
	UnredactedPosts(ctx context.Context, teamID, channelID string, limit int) ([]storage.PostedMessage, error)
	MarkRedacted(ctx context.Context, teamID, channelID, ts string) error
	StartShare(ctx context.Context, teamID, channelID, why string) (storage.ChannelShare, bool, error)
	ProgressShare(ctx context.Context, teamID, channelID string, hidden int, done bool) (storage.ChannelShare, error)
	PendingShares(ctx context.Context, limit int) ([]storage.ChannelShare, error)
	UserTZ(ctx context.Context, teamID, userID string) (string, time.Time, error)
	SaveUserTZ(ctx context.Context, teamID, userID, tz string) error
}

var _ Store = storage.Store(nil)
