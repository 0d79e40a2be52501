package storage

import (
	"context"
	"time"
)

// Store is what an implementation of Long Game's storage provides, safe
// for concurrent use, and what storagetest.Run checks.
//
// Every row belongs to a Slack workspace (team id) and every method taking
// one is scoped by it: another workspace's deal, champion or check-in is
// ErrNotFound, and lists leave its rows out. Every change records who made
// it and when (Audit), in the same transaction as the change. A write
// returns nil only once its change is durable; times are stored to the
// second, in UTC. Calendar dates are returned as UTC midnights.
//
// Errors wrap ErrNotFound, ErrConflict, ErrInvalid, ErrUnchanged (nothing
// was written) or ErrClosed; other errors are the store's own failures.
// Nothing is ever erased: a withdrawn ask, give or risk stays, marked, and
// the audit keeps every version of what was edited.
type Store interface {
	// OpenDeal makes channel n.ChannelID a deal's home, recording the
	// workspace if it is new. ErrConflict if the channel already has a
	// deal.
	OpenDeal(ctx context.Context, a Actor, n NewDeal) (Deal, error)
	// DealByChannel is the deal whose home is channelID.
	DealByChannel(ctx context.Context, teamID, channelID string) (Deal, error)
	// DealByID is deal id of the workspace.
	DealByID(ctx context.Context, teamID string, id int64) (Deal, error)
	// UpdateDeal applies c to a deal. With nothing to change it writes
	// nothing.
	UpdateDeal(ctx context.Context, a Actor, dealID int64, c DealChanges) (Deal, error)
	// CloseDeal closes an open deal as won or lost (on c.On, today in UTC
	// when zero) and schedules c.Checkins in the same transaction.
	// ErrConflict if the deal is not open.
	CloseDeal(ctx context.Context, a Actor, dealID int64, c Close) (Deal, error)
	// ReopenDeal takes a closed deal back to open and cancels the pending
	// check-ins its latest close scheduled; it returns how many it
	// cancelled. ErrConflict if the deal is already open.
	ReopenDeal(ctx context.Context, a Actor, dealID int64) (Deal, int, error)
	// SetBudget sets the champion's capital budget for a deal.
	SetBudget(ctx context.Context, a Actor, dealID int64, budget int) (Deal, error)
	// ListDeals lists the workspace's deals that f selects, open ones
	// first, then by name (case ignored): the first f.Limit of them, and
	// how many there are.
	ListDeals(ctx context.Context, teamID string, f DealFilter) (Page[DealOverview], error)
	// DealOverview is one deal's overview, as ListDeals lists it.
	DealOverview(ctx context.Context, teamID string, dealID int64) (DealOverview, error)

	// SetChampion names a deal's champion. The person is found by
	// c.UserID when given, else by NameKey of the name and of the company
	// (c.Company, or the deal's name when ""); a champion linked to
	// another user is another person. A new champion is created when none
	// matches (ErrInvalid if c has no name then), with the deal's name as
	// company unless c gives one. A given name or user id is recorded on
	// the champion (the same name typed another way keeps the recorded
	// spelling); a new title or company is a new entry of their timeline.
	// When the deal named another person, that one is Replaced and keeps
	// their asks and gives; asks and gives recorded before the deal named
	// anyone become this champion's.
	SetChampion(ctx context.Context, a Actor, dealID int64, c ChampionInput) (ChampionSet, error)
	// FindChampions finds champions of the workspace: the one linked to
	// q.UserID when given; else those named q.Name (NameKey), at q.Company
	// when given, linked to nobody if q.UserID was given; at most limit
	// (DefaultListLimit when 0), oldest first.
	FindChampions(ctx context.Context, teamID string, q ChampionQuery, limit int) ([]Champion, error)
	// ChampionByID is champion id of the workspace.
	ChampionByID(ctx context.Context, teamID string, id int64) (Champion, error)
	// ChampionRoles is a champion's timeline, oldest first.
	ChampionRoles(ctx context.Context, teamID string, championID int64) ([]ChampionRole, error)
	// ChampionHistory lists the workspace's deals that championID was
	// champion of — their champion now, or asked of or given to on them
	// before another was named — oldest first: the first limit
	// (DefaultListLimit when 0) of those v may see (all when v is nil).
	// Each counts this person's asks and gives only.
	ChampionHistory(ctx context.Context, teamID string, championID int64, v *Viewer, limit int) (Page[ChampionDeal], error)
	// MoveChampion records championID's job change: a new entry of their
	// timeline at m.Company (with m.Title, from m.On), their open deals
	// marked as left without a defender (Deal.ChampionLeft, until another
	// champion is set), and m.Reminders scheduled, in one transaction.
	// ErrUnchanged when they are at m.Company already.
	MoveChampion(ctx context.Context, a Actor, championID int64, m ChampionMove) (Moved, error)
	// AddTouch records a contact with the champion of deal t.DealID
	// (t.ChampionID is filled in): ErrInvalid when the deal names none.
	AddTouch(ctx context.Context, a Actor, t Touch) (Touch, error)
	// Goodwill is championID's goodwill across their deals since since, as
	// GoodwillOf counts it, with currentDeal (0 when none) counted among
	// their deals.
	Goodwill(ctx context.Context, teamID string, championID, currentDeal int64, since time.Time) (Goodwill, error)
	// People lists the champions of the workspace's deals that f selects,
	// by name: the first f.Limit, and how many there are.
	People(ctx context.Context, teamID string, f PeopleFilter) (Page[Person], error)
	// AddAsk records a favor asked of the deal's champion, costing 1 to 5,
	// numbered after the deal's last ask.
	AddAsk(ctx context.Context, a Actor, dealID int64, what string, cost int) (Ask, error)
	// SetAskStatus records the champion's answer to ask #number, as
	// Ask.Answer allows: ErrUnchanged when it already is s, ErrConflict
	// when it was answered otherwise or withdrawn.
	SetAskStatus(ctx context.Context, a Actor, dealID int64, number int, s AskStatus) (Ask, error)
	// EditAsk corrects ask #number as AskEdit.Apply does: ErrUnchanged
	// when that changes nothing, ErrConflict when it was withdrawn.
	EditAsk(ctx context.Context, a Actor, dealID int64, number int, e AskEdit) (Ask, error)
	// WithdrawAsk withdraws ask #number: it stops counting, and stays in
	// the ledger marked withdrawn by a. ErrUnchanged when it already is.
	WithdrawAsk(ctx context.Context, a Actor, dealID int64, number int) (Ask, error)
	// Asks lists a deal's asks by number, withdrawn ones included.
	Asks(ctx context.Context, teamID string, dealID int64) ([]Ask, error)
	// AddGive records something done for the deal's champion, worth 1 to
	// 5, numbered after the deal's last give.
	AddGive(ctx context.Context, a Actor, dealID int64, what string, value int) (Give, error)
	// EditGive corrects give #number as GiveEdit.Apply does: ErrUnchanged
	// when that changes nothing, ErrConflict when it was withdrawn.
	EditGive(ctx context.Context, a Actor, dealID int64, number int, e GiveEdit) (Give, error)
	// WithdrawGive withdraws give #number, as WithdrawAsk does an ask.
	WithdrawGive(ctx context.Context, a Actor, dealID int64, number int) (Give, error)
	// Gives lists a deal's gives by number, withdrawn ones included.
	Gives(ctx context.Context, teamID string, dealID int64) ([]Give, error)
	// Ledger lists every ask and give of a deal with the running capital,
	// as LedgerOf computes it.
	Ledger(ctx context.Context, teamID string, dealID int64) ([]LedgerEntry, error)

	// AddRisk records a risk of a deal, numbered after the deal's last
	// risk: concurrent adds to one deal get consecutive numbers.
	AddRisk(ctx context.Context, a Actor, dealID int64, r NewRisk) (Risk, error)
	// Risks lists a deal's risks by number: the open ones, or all of them
	// (resolved and withdrawn too).
	Risks(ctx context.Context, teamID string, dealID int64, all bool) ([]Risk, error)
	// RiskSummary is a deal's risk summary, read in one snapshot, with
	// lists of at most limit risks. ErrInvalid for a negative limit.
	RiskSummary(ctx context.Context, teamID string, dealID int64, limit int) (RiskSummary, error)
	// ResolveRisk closes risk #number with a note, as Risk.Resolve allows:
	// ErrUnchanged if it is already resolved, ErrConflict if withdrawn.
	ResolveRisk(ctx context.Context, a Actor, dealID int64, number int, note string) (Risk, error)
	// ReopenRisk opens resolved risk #number again, forgetting the
	// resolution, as Risk.Reopen allows.
	ReopenRisk(ctx context.Context, a Actor, dealID int64, number int) (Risk, error)
	// DiscloseRisk records that risk #number was shared openly with the
	// champion or the customer: by whom, when, with a note, as
	// Risk.Disclose allows: the first disclosure stands (ErrUnchanged).
	DiscloseRisk(ctx context.Context, a Actor, dealID int64, number int, note string) (Risk, error)
	// EditRisk corrects risk #number as RiskEdit.Apply does: ErrUnchanged
	// when that changes nothing, ErrConflict when it was withdrawn.
	EditRisk(ctx context.Context, a Actor, dealID int64, number int, e RiskEdit) (Risk, error)
	// WithdrawRisk withdraws risk #number: it leaves the counts, lists,
	// summary and reminders, and stays in /risk list all marked withdrawn
	// by a. ErrUnchanged when it already is.
	WithdrawRisk(ctx context.Context, a Actor, dealID int64, number int) (Risk, error)

	// AddCheckin schedules a check-in of one's own on a deal.
	AddCheckin(ctx context.Context, a Actor, c NewCheckin) (Checkin, error)
	// DealCheckins lists all of a deal's check-ins, whatever their status,
	// by due time.
	DealCheckins(ctx context.Context, teamID string, dealID int64) ([]Checkin, error)
	// OwnerCheckinsDue lists the pending check-ins due before before
	// (overdue ones included) of the deals ownerID owns, earliest first;
	// those Covered by a later reminder are left out, as it covers them.
	OwnerCheckinsDue(ctx context.Context, teamID, ownerID string, before time.Time) ([]CheckinDue, error)
	// NextPendingCheckin is a deal's pending check-in due first, leaving
	// out those Covered by a later reminder.
	NextPendingCheckin(ctx context.Context, teamID string, dealID int64) (Checkin, error)
	// CheckinByID is check-in id of the workspace.
	CheckinByID(ctx context.Context, teamID string, id int64) (Checkin, error)
	// CheckinByNumber is check-in #number of a deal.
	CheckinByNumber(ctx context.Context, teamID string, dealID int64, number int) (Checkin, error)
	// FinishCheckin marks a pending check-in done or skipped, with a note.
	// It touches no other check-in. ErrConflict if it is not pending.
	FinishCheckin(ctx context.Context, a Actor, checkinID int64, s CheckinStatus, note string) (Checkin, error)
	// MissFolded marks missed the pending check-ins folded into check-in
	// into, whose reminder covered them, and returns how many: they never
	// happened, whatever became of into.
	MissFolded(ctx context.Context, a Actor, into int64) (int, error)
	// SnoozeCheckin moves one pending check-in to dueAt (dueOn as DueOn
	// says) and queues its reminder again, dropping any claim on it. The
	// rest of the series stays. ErrConflict if it is not pending.
	SnoozeCheckin(ctx context.Context, a Actor, checkinID int64, dueOn, dueAt time.Time) (Checkin, error)

	// ClaimDue atomically claims for claimant the reminders due at now —
	// pending, queued, due and not waiting for a retry — across all
	// workspaces: the deals of the limit oldest ones, each with all its
	// claimable check-ins, so it may return a few more than limit, oldest
	// first. A reminder is claimed by one caller only.
	ClaimDue(ctx context.Context, claimant string, now time.Time, limit int) ([]DueCheckin, error)
	// ReclaimStuck takes over for claimant, at most limit, the reminders
	// claimed before olderThan and never marked (the claimant crashed or
	// hung), oldest claim first. They come back Uncertain. Stuck claims of
	// check-ins no longer pending are dropped back to the queue.
	ReclaimStuck(ctx context.Context, claimant string, now, olderThan time.Time, limit int) ([]DueCheckin, error)
	// StuckSending lists, without claiming them, the reminders claimed
	// before olderThan and never marked.
	StuckSending(ctx context.Context, olderThan time.Time) ([]DueCheckin, error)
	// MarkSent records that claimant posted check-in id's reminder as
	// message ts in channel at at, and keeps it among the posted messages.
	// ErrConflict if the claim was lost.
	MarkSent(ctx context.Context, id int64, claimant, channel, ts string, at time.Time) error
	// Release queues check-in id, claimed by claimant, again for a retry
	// at next, counting the attempt and keeping reason: the post certainly
	// did not happen. ErrConflict if the claim was lost.
	Release(ctx context.Context, id int64, claimant string, next time.Time, reason string) error
	// ReleaseUncertain is Release after a post whose outcome is unknown:
	// the check-in comes back Uncertain.
	ReleaseUncertain(ctx context.Context, id int64, claimant string, next time.Time, reason string) error
	// RenewClaim restarts claimant's claim of check-in id at now, so that
	// no one takes it over for another lease: a pass about to post a
	// reminder it claimed long ago makes sure it still holds it.
	// ErrConflict if the claim was lost.
	RenewClaim(ctx context.Context, id int64, claimant string, now time.Time) error
	// Hold queues check-in id, claimed by claimant, again until until
	// without counting an attempt. ErrConflict if the claim was lost.
	Hold(ctx context.Context, id int64, claimant string, until time.Time) error
	// MarkFailed records that the deal channel refused check-in id's
	// reminder (errText says why) and where it went instead: the owner's
	// DM, or nowhere when both are "". ErrConflict if the claim was lost.
	MarkFailed(ctx context.Context, id int64, claimant, errText, dmChannel, dmTS string) error
	// Fold records that check-ins ids, claimed by claimant, are covered by
	// the reminder of check-in into, of the same deal and also claimed by
	// claimant. Check-ins folded earlier into one of ids then count
	// against into. All or nothing: ErrConflict if any claim was lost.
	Fold(ctx context.Context, ids []int64, into int64, claimant string) error
	// TakeReminderDay takes, for the reminder of check-in id (claimed by
	// the caller), the one reminder message deal channel channel of the
	// workspace may get on the owner's day [dayStart, dayEnd). True when no
	// other reminder was posted in the channel within that day and the day
	// is free or id's already. A day stays taken by a reminder that was
	// posted, is being posted or may have been (Uncertain); one that
	// certainly was not (released for a retry, folded, refused) gives it
	// up. It holds for every process using the store (a SQLite file has
	// one): of replicas asking at once for one channel's day, one gets it.
	TakeReminderDay(ctx context.Context, teamID, channel string, id int64, dayStart, dayEnd time.Time) (bool, error)
	// ReminderBacklog is how many reminders, across all workspaces, are
	// queued and due at now, as ClaimDue would claim them (one claimed, or
	// waiting for its retry time, is in hand and left out), and the due
	// time of the oldest; the zero time when there are none. It is read
	// for metrics at every scrape, so it must stay cheap however many
	// check-ins are stored.
	ReminderBacklog(ctx context.Context, now time.Time) (pending int, oldestDue time.Time, err error)

	// Workspaces lists the team id of every workspace, in order.
	Workspaces(ctx context.Context) ([]string, error)
	// Nudges is what each owner of the workspace gets in the weekly nudge
	// for window w, by owner id. Owners with nothing are left out.
	Nudges(ctx context.Context, teamID string, w NudgeWindow) ([]Nudge, error)
	// ClaimDigest claims the weekly nudge of userID for schedule slot and
	// reports whether this call claimed it: once per slot, whoever asks.
	ClaimDigest(ctx context.Context, teamID, userID, slot string) (bool, error)
	// MarkDigestSent records where the claimed nudge was posted.
	// ErrNotFound if it was not claimed.
	MarkDigestSent(ctx context.Context, teamID, userID, slot, channel, ts string) error
	// MarkDigestFailed keeps why the claimed nudge could not be posted.
	// ErrNotFound if it was not claimed.
	MarkDigestFailed(ctx context.Context, teamID, userID, slot, errText string) error
	// ReleaseDigest gives back the claim of a nudge that certainly was not
	// posted, so a later run in the slot sends it. ErrNotFound if it was
	// not claimed, or was posted.
	ReleaseDigest(ctx context.Context, teamID, userID, slot string) error

	// TakeHomeRefresh decides, across processes, who refreshes userID's
	// App Home and when: changed says something the Home shows changed.
	// take is true when the caller is to refresh it now: a change waits
	// and no refresh was taken within gap (to the second) before. Else
	// retryAt is when the caller must ask again, a change still waiting,
	// or zero when none waits: a refresh taken after the change covers it.
	TakeHomeRefresh(ctx context.Context, teamID, userID string, changed bool, gap time.Duration) (take bool, retryAt time.Time, err error)

	// MarkEventSeen records an events_api event id and reports whether it
	// is the first time: Slack may deliver an event more than once.
	MarkEventSeen(ctx context.Context, teamID, eventID string) (first bool, err error)
	// PruneSeenEvents forgets the event ids seen before before and returns
	// how many it forgot.
	PruneSeenEvents(ctx context.Context, before time.Time) (int64, error)
	// UserTZ is the cached time zone of a user and when it was fetched.
	// ErrNotFound when none is cached.
	UserTZ(ctx context.Context, teamID, userID string) (tz string, fetched time.Time, err error)
	// SaveUserTZ caches a user's time zone (an IANA name), as fetched now.
	SaveUserTZ(ctx context.Context, teamID, userID, tz string) error

	// RecordPosts keeps messages Long Game posted in channels, in one
	// write; a message kept already is left as it is.
	RecordPosts(ctx context.Context, posts ...PostedMessage) error
	// UnredactedPosts lists up to limit messages posted in a channel that
	// are not hidden yet, by ts.
	UnredactedPosts(ctx context.Context, teamID, channelID string, limit int) ([]PostedMessage, error)
	// MarkRedacted records that a posted message was edited to hide it.
	MarkRedacted(ctx context.Context, teamID, channelID, ts string) error
	// StartShare records that a channel became shared. When the channel
	// has a share still being applied, that one is returned and started
	// is false; otherwise a new one starts.
	StartShare(ctx context.Context, teamID, channelID, why string) (share ChannelShare, started bool, err error)
	// Share is the latest share of a channel; ErrNotFound if it never was.
	Share(ctx context.Context, teamID, channelID string) (ChannelShare, error)
	// SharesSince lists up to limit shares, of every workspace, started at
	// or after since, oldest first: how a replica learns of the channels
	// another one saw become shared.
	SharesSince(ctx context.Context, since time.Time, limit int) ([]ChannelShare, error)
	// PendingShares lists up to limit shares whose hiding is not finished,
	// oldest first.
	PendingShares(ctx context.Context, limit int) ([]ChannelShare, error)
	// ProgressShare adds hidden to the messages a pending share hid, and
	// when done finishes it. ErrNotFound if no share is pending.
	ProgressShare(ctx context.Context, teamID, channelID string, hidden int, done bool) (ChannelShare, error)

	// Audit lists the changes recorded for a deal of the workspace, oldest
	// first.
	Audit(ctx context.Context, teamID string, dealID int64) ([]AuditEntry, error)
	// Export reads every deal of workspace teamID, or of every workspace
	// when teamID is "", with everything recorded on it, in one consistent
	// snapshot. A teamID with no workspace gives an empty Export.
	Export(ctx context.Context, teamID string) (Export, error)

	// SchemaVersion is the version of the schema the store holds.
	SchemaVersion(ctx context.Context) (int, error)
	// IntegrityCheck checks the stored data (its structure, its references
	// and the counts kept beside the rows) and says what is wrong.
	IntegrityCheck(ctx context.Context) error
	// Backup writes a consistent copy of everything to a new file at path,
	// readable by its owner only, while the store keeps serving. It
	// refuses an existing file with an error wrapping os.ErrExist.
	Backup(ctx context.Context, path string) error
	// Close finishes the writes already taken and releases the store;
	// later writes fail with ErrClosed. Closing again returns the first
	// Close's result.
	Close() error
}
