package reminders

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/robfig/cron/v3"
	"github.com/slack-go/slack"

	"github.com/longgame/longgame/storage"
)

// Store is what the dispatcher and the weekly nudge need from the database.
// Every storage.Store implements it.
type Store interface {
	ClaimDue(ctx context.Context, claimant string, now time.Time, limit int) ([]storage.DueCheckin, error)
	ReclaimStuck(ctx context.Context, claimant string, now, olderThan time.Time, limit int) ([]storage.DueCheckin, error)
	MarkSent(ctx context.Context, id int64, claimant, channel, ts string, at time.Time) error
	Fold(ctx context.Context, ids []int64, into int64, claimant string) error
	Release(ctx context.Context, id int64, claimant string, next time.Time, reason string) error
	ReleaseUncertain(ctx context.Context, id int64, claimant string, next time.Time, reason string) error
	Hold(ctx context.Context, id int64, claimant string, until time.Time) error
	RenewClaim(ctx context.Context, id int64, claimant string, now time.Time) error
	MarkFailed(ctx context.Context, id int64, claimant, errText, dmChannel, dmTS string) error
	TakeReminderDay(ctx context.Context, teamID, channel string, id int64, dayStart, dayEnd time.Time) (bool, error)

	Workspaces(ctx context.Context) ([]string, error)
	Nudges(ctx context.Context, teamID string, w storage.NudgeWindow) ([]storage.Nudge, error)
	ClaimDigest(ctx context.Context, teamID, userID, slot string) (bool, error)
	MarkDigestSent(ctx context.Context, teamID, userID, slot, channel, ts string) error
	MarkDigestFailed(ctx context.Context, teamID, userID, slot, errText string) error
	ReleaseDigest(ctx context.Context, teamID, userID, slot string) error
}

var _ Store = storage.Store(nil)

// Poster is the part of the Slack Web API the dispatcher calls.
// *slack.Client implements it.
type Poster interface {
	PostMessageContext(ctx context.Context, channelID string, options ...slack.MsgOption) (string, string, error)
	OpenConversationContext(ctx context.Context, params *slack.OpenConversationParameters) (*slack.Channel, bool, bool, error)
	GetConversationHistoryContext(ctx context.Context, params *slack.GetConversationHistoryParameters) (*slack.GetConversationHistoryResponse, error)
}

var _ Poster = (*slack.Client)(nil)

// Options configure a Dispatcher. Zero fields take the defaults noted.
type Options struct {
	Logger *slog.Logger     // default: discard
	Now    func() time.Time // the clock; default time.Now
	// Location is the time zone of owners whose own is not cached, and of
	// digest specs without CRON_TZ; default UTC.
	Location *time.Location
	// ClaimantID names this dispatcher in the claims it makes; it must
	// differ between processes. Default: host name, process id and a
	// random suffix.
	ClaimantID string
	// Lease is how long a claim may stay in "sending" before another
	// dispatcher takes it over and reconciles it; default 5 minutes. It
	// must be longer than a pass takes to send what it claimed.
	Lease time.Duration
	// Concurrency is how many deal channels are sent to at once; default
	// 64. Each channel gets one goroutine, so one channel never sees two
	// posts at once (Slack limits posts per channel): the look-ups and the
	// posts of different channels overlap instead of queueing.
	Concurrency int
	// Batch is how many due reminders one claim takes; default 256.
	Batch int
	// CallTimeout bounds each Slack call; default 20 seconds.
	CallTimeout time.Duration
	// Shared reports whether a channel is shared with another
	// organisation. A reminder names the champion and lists the deal's
	// risks, which the customer must never read: for a deal in such a
	// channel (or one that cannot be checked) it goes to the owner by DM.
	// Nil means no channel is shared.
	Shared func(ctx context.Context, channel string) (bool, error)
	// Member reports whether a user is a full member of the organisation
	// that owns the deals; the weekly nudge goes to members only. Nil
	// means everyone is.
	Member func(ctx context.Context, teamID, userID string) (bool, error)
	// Delivered, if set, hears of each reminder once its fate is known:
	// storage.DeliverySent when it was posted (in its deal channel, or to
	// its owner because the channel is shared), storage.DeliveryFailed
	// when the channel refused it and it went to the owner by DM, or
	// nowhere. A folded reminder is not heard of: the one covering it is.
	// It must be quick: it runs in the delivery.
	Delivered func(storage.Delivery)
	// KeepInTouch is how long a closed deal's champion may go without a
	// recorded contact before the weekly nudge lists them; 0 lists none.
	KeepInTouch time.Duration
	// Workdays are the working days, in each owner's zone: the weekly
	// nudge reaches an owner on the first of their working week.
	// Default Monday to Friday.
	Workdays storage.Workdays
	// Hold, if set, holds off a share of a deal channel until the func it
	// returns is called: the bot's lock on the channel. A reminder holds
	// its channel from the check that it is not shared to the record of
	// its post, so a share either comes first (and the reminder goes
	// privately) or finds the reminder to hide.
	Hold func(channel string) (release func())
	// Post, if set, posts a message (meta nil: none) and returns its ts,
	// with the errors slack-go's PostMessageContext returns; nil posts
	// through the Poster. slack-go decodes the whole message Slack echoes
	// back, blocks and all: a fifth of the CPU of a dispatch pass, for a
	// ts.
	Post func(ctx context.Context, channel, text string, blocks []slack.Block, meta *slack.SlackMetadata) (string, error)
}

// Dispatcher delivers due check-in reminders and the weekly nudge. Its
// methods are safe for concurrent use; Dispatch passes run one at a time.
// Replicas on one database each run theirs: claims, the daily cap and the
// weekly nudge are decided in the database.
type Dispatcher struct {
	store       Store
	slack       Poster
	post        func(ctx context.Context, channel, text string, blocks []slack.Block, meta *slack.SlackMetadata) (string, error)
	hold        func(channel string) (release func())
	messages    Messages
	log         *slog.Logger
	now         func() time.Time
	loc         *time.Location
	claimant    string
	lease       time.Duration
	concurrency int
	batch       int
	callTimeout time.Duration
	shared      func(ctx context.Context, channel string) (bool, error)
	member      func(ctx context.Context, teamID, userID string) (bool, error)
	delivered   func(storage.Delivery)
	keepInTouch time.Duration
	workdays    storage.Workdays

	zones  sync.Map   // IANA name → *time.Location
	passMu sync.Mutex // one Dispatch at a time
	// retries are the retry times passes scheduled that may still lie
	// ahead: a pass returns only its own, and a reminder released by an
	// earlier pass, not yet due when the next one claimed, would otherwise
	// wait for the dispatch interval (a minute) rather than its
	// Retry-After.
	retriesMu sync.Mutex
	retries   []time.Time
	schedMu   sync.Mutex
	sched     cron.Schedule // the digest schedule Run was started with
}

// Retry policy for failures that are not rate limits.
const (
	backoffBase = 30 * time.Second
	backoffMax  = time.Hour
	// maxRefusals is how many times a definite refusal that is not about
	// the channel (invalid_blocks, missing_scope…) is retried before the
	// reminder goes to the owner by DM.
	maxRefusals = 5
)

// New returns a Dispatcher that reads and records reminders in store and
// posts them through slack, as messages writes them.
func New(store Store, slack Poster, messages Messages, opts Options) *Dispatcher {
	d := &Dispatcher{
		store:       store,
		slack:       slack,
		messages:    messages,
		log:         opts.Logger,
		now:         opts.Now,
		loc:         opts.Location,
		claimant:    opts.ClaimantID,
		lease:       cmp.Or(opts.Lease, 5*time.Minute),
		concurrency: cmp.Or(opts.Concurrency, 64),
		batch:       cmp.Or(opts.Batch, 256),
		callTimeout: cmp.Or(opts.CallTimeout, 20*time.Second),
		shared:      opts.Shared,
		member:      opts.Member,
		delivered:   opts.Delivered,
		keepInTouch: opts.KeepInTouch,
		workdays:    cmp.Or(opts.Workdays, storage.MonToFri),
		post:        opts.Post,
		hold:        opts.Hold,
	}
	if d.hold == nil {
		d.hold = func(string) func() { return func() {} }
	}
	if d.post == nil {
		d.post = d.postThroughPoster
	}
	if d.log == nil {
		d.log = slog.New(slog.DiscardHandler)
	}
	if d.now == nil {
		d.now = time.Now
	}
	if d.loc == nil {
		d.loc = time.UTC
	}
	if d.claimant == "" {
		d.claimant = defaultClaimant()
	}
	if d.delivered == nil {
		d.delivered = func(storage.Delivery) {}
	}
	return d
}

// postThroughPoster posts as Options.Post does, through slack-go.
func (d *Dispatcher) postThroughPoster(ctx context.Context, channel, text string, blocks []slack.Block, meta *slack.SlackMetadata) (string, error) {
	opts := []slack.MsgOption{slack.MsgOptionText(text, false), slack.MsgOptionBlocks(blocks...)} // false: keep <@U…> a mention
	if meta != nil {
		opts = append(opts, slack.MsgOptionMetadata(*meta))
	}
	_, ts, err := d.slack.PostMessageContext(ctx, channel, opts...)
	return ts, err
}

// defaultClaimant is unique to this process: host, pid, random suffix.
func defaultClaimant() string {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%s-%d-%s", cmp.Or(host, "host"), os.Getpid(), hex.EncodeToString(b))
}

// Claimant is the id this dispatcher claims reminders under.
func (d *Dispatcher) Claimant() string { return d.claimant }

// Dispatch is one delivery pass at now. It first takes over the claims
// left in "sending" longer than the lease and reconciles them with the
// channel's history; then it claims what is due, batch by batch, and sends
// it, several deal channels at once. Slack failures are handled (retried
// later, or sent to the owner by DM); next is the earliest retry time this
// pass scheduled, zero when none. err reports database failures.
func (d *Dispatcher) Dispatch(ctx context.Context, now time.Time) (next time.Time, err error) {
	d.passMu.Lock()
	defer d.passMu.Unlock()
	p := &pass{d: d, now: now, sem: make(chan struct{}, d.concurrency)}
	stuck, err := d.store.ReclaimStuck(ctx, d.claimant, now, now.Add(-d.lease), d.batch)
	if err != nil {
		return time.Time{}, fmt.Errorf("dispatch: %w", err)
	}
	if len(stuck) > 0 {
		d.log.Warn("reconciling reminders left mid-send", "count", len(stuck))
	}
	// The stuck ones are settled before anything new is claimed: a fresh
	// reminder of the same deal must not be folded or capped against one
	// whose post is still being looked for.
	p.deliver(ctx, stuck)
	p.wg.Wait()
	for ctx.Err() == nil {
		due, err := d.store.ClaimDue(ctx, d.claimant, now, d.batch)
		if err != nil {
			p.fail(fmt.Errorf("dispatch: %w", err))
			break
		}
		// The next batch is claimed as soon as this one's deals all have a
		// slot, not when they are done: a batch's slowest channel does not
		// leave the others idle.
		p.deliver(ctx, due)
		if len(due) < d.batch {
			break
		}
	}
	p.wg.Wait()
	return p.result()
}

// pass is one Dispatch: its time, the earliest retry it scheduled and the
// first database error it met.
type pass struct {
	d   *Dispatcher
	now time.Time
	sem chan struct{}  // a slot per deal being delivered, Concurrency in all
	wg  sync.WaitGroup // the deals' deliveries and their look-ahead

	mu   sync.Mutex
	next time.Time
	err  error
}

func (p *pass) result() (time.Time, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.next, p.err
}

// retryAt notes a retry scheduled at t.
func (p *pass) retryAt(t time.Time) {
	p.d.scheduled(t)
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.next.IsZero() || t.Before(p.next) {
		p.next = t
	}
}

// scheduled remembers a retry time, once. Times more than an hour past
// are dropped (a pass lasts far less than that: its claims' lease is
// minutes), so the list stays short even where Run does not read it
// (local's CatchUp).
func (d *Dispatcher) scheduled(t time.Time) {
	d.retriesMu.Lock()
	defer d.retriesMu.Unlock()
	if len(d.retries) >= 64 {
		old := d.now().Add(-time.Hour)
		d.retries = slices.DeleteFunc(d.retries, func(r time.Time) bool { return r.Before(old) })
	}
	if !slices.ContainsFunc(d.retries, t.Equal) {
		d.retries = append(d.retries, t)
	}
}

// nextRetry is the earliest retry time scheduled by any pass that is
// after since (when the last pass claimed: what was due then it took),
// zero if none; the earlier ones are forgotten.
func (d *Dispatcher) nextRetry(since time.Time) time.Time {
	d.retriesMu.Lock()
	defer d.retriesMu.Unlock()
	d.retries = slices.DeleteFunc(d.retries, func(t time.Time) bool { return !t.After(since) })
	if len(d.retries) == 0 {
		return time.Time{}
	}
	return slices.MinFunc(d.retries, time.Time.Compare)
}

func (p *pass) fail(err error) {
	p.d.log.Error("reminder bookkeeping failed", "err", err)
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.err == nil {
		p.err = err
	}
}

// deliver starts sending claimed reminders, one goroutine per deal (one
// deal per channel, so per channel), at most Concurrency at once across
// the pass: a slow or rate-limited channel never holds up the others. It
// returns once every deal has its slot; p.wg tells when they are done.
func (p *pass) deliver(ctx context.Context, claimed []storage.DueCheckin) {
	for _, group := range byDeal(claimed) {
		if !acquire(ctx, p.sem) {
			// Shutting down: give the claims back rather than leave them
			// to the lease.
			p.holdAll(ctx, group, p.now)
			continue
		}
		p.wg.Go(func() {
			defer func() { <-p.sem }()
			defer p.recover(group)
			p.deliverDeal(ctx, group)
		})
	}
}

// acquire takes a slot of sem, unless ctx ends first.
func acquire(ctx context.Context, sem chan struct{}) bool {
	select {
	case sem <- struct{}{}:
	case <-ctx.Done():
		return false
	}
	if ctx.Err() != nil { // both were ready
		<-sem
		return false
	}
	return true
}

// recover logs a panic in a deal's delivery; its claims stay, to be
// reconciled after the lease.
func (p *pass) recover(group []storage.DueCheckin) {
	if r := recover(); r != nil {
		p.d.log.Error("reminder delivery panicked", "deal", group[0].Deal.ID, "panic", r)
	}
}

// byDeal groups claimed reminders by deal, each group oldest first, the
// groups in the order of their oldest reminder.
func byDeal(claimed []storage.DueCheckin) [][]storage.DueCheckin {
	index := map[int64]int{}
	var groups [][]storage.DueCheckin
	for _, c := range claimed {
		i, ok := index[c.Deal.ID]
		if !ok {
			i = len(groups)
			index[c.Deal.ID] = i
			groups = append(groups, nil)
		}
		groups[i] = append(groups[i], c)
	}
	for _, g := range groups {
		slices.SortStableFunc(g, func(a, b storage.DueCheckin) int {
			return cmp.Or(a.Checkin.DueAt.Compare(b.Checkin.DueAt), cmp.Compare(a.Checkin.ID, b.Checkin.ID))
		})
	}
	return groups
}

// deliverDeal delivers one deal's claimed reminders: reconciles those that
// may have been posted already, folds the older ones into the newest,
// applies the daily cap and sends that one. The fold comes first so that
// an older reminder of the group that took the day and certainly did not
// post (folded now) hands it to the newest.
func (p *pass) deliverDeal(ctx context.Context, group []storage.DueCheckin) {
	group, ok := p.reconcile(ctx, group)
	if !ok || len(group) == 0 {
		return
	}
	p.lookAhead(ctx, group[0].Deal.ChannelID)
	group, moves := apart(group)
	if len(moves) > 0 {
		// A champion's job change is its own conversation, not an adoption
		// check-in: it neither covers nor is covered by one, and waits for
		// the next day's reminder.
		p.holdAll(ctx, moves, p.nextMorning(p.d.location(moves[0].OwnerTZ)))
	}
	newest := group[len(group)-1]
	if older := group[:len(group)-1]; len(older) > 0 {
		ids := make([]int64, len(older))
		for i, c := range older {
			ids[i] = c.Checkin.ID
		}
		if err := p.d.store.Fold(context.WithoutCancel(ctx), ids, newest.Checkin.ID, p.d.claimant); err != nil {
			// A claim was lost meanwhile (e.g. a snooze): try again next pass.
			p.d.log.Warn("folding missed check-ins failed; retrying", "deal", newest.Deal.ID, "err", err)
			p.holdAll(ctx, group, p.now.Add(time.Second))
			return
		}
		newest.Missed += len(older)
	}
	if capped, until := p.dailyCap(ctx, newest, p.d.location(newest.OwnerTZ)); capped {
		p.holdAll(ctx, []storage.DueCheckin{newest}, until)
		return
	}
	p.send(ctx, newest)
}

// apart splits a deal's due reminders into the ones sent now and the
// job-change ones that wait: when both kinds are due, the adoption
// check-ins go first.
func apart(group []storage.DueCheckin) (now, later []storage.DueCheckin) {
	for _, c := range group {
		if c.Checkin.Kind == storage.KindJobChange {
			later = append(later, c)
		} else {
			now = append(now, c)
		}
	}
	if len(now) == 0 {
		// Only job changes: the newest is sent, covering the older.
		return later, nil
	}
	return now, later
}

// dailyCap takes the deal channel's reminder of the day, in the owner's
// time zone, for r, the reminder about to be sent; when another reminder
// has it (posted, or being posted by another replica) it reports when the
// next may go: 09:00 the owner's next working day. On a database error it
// holds too, and retries soon.
func (p *pass) dailyCap(ctx context.Context, r storage.DueCheckin, loc *time.Location) (bool, time.Time) {
	y, m, day := p.now.In(loc).Date()
	start, end := time.Date(y, m, day, 0, 0, 0, 0, loc), time.Date(y, m, day+1, 0, 0, 0, 0, loc)
	ok, err := p.d.store.TakeReminderDay(ctx, r.Deal.TeamID, r.Deal.ChannelID, r.Checkin.ID, start, end)
	if err != nil {
		p.fail(err)
		return true, p.now.Add(backoffBase)
	}
	if ok {
		return false, time.Time{}
	}
	next := p.nextMorning(loc)
	p.d.log.Info("deal channel had its reminder today; holding to the next working morning", "deal", r.Deal.ID,
		"channel", r.Deal.ChannelID, "until", next)
	return true, next
}

// nextMorning is 09:00 on the owner's next working day, in loc: where a
// reminder that cannot go today waits. A check-in never lands on a day off,
// not even one held from a Friday.
func (p *pass) nextMorning(loc *time.Location) time.Time {
	return storage.DueAt(p.d.workdays.OnOrAfter(storage.Today(p.now, loc).AddDate(0, 0, 1)), loc)
}

// holdAll gives the group's claims back until until, no attempt counted.
func (p *pass) holdAll(ctx context.Context, group []storage.DueCheckin, until time.Time) {
	until = storage.RoundUp(p.later(until))
	for _, c := range group {
		if err := p.d.store.Hold(context.WithoutCancel(ctx), c.Checkin.ID, p.d.claimant, until); err != nil {
			p.lost(c, "held", err)
		}
	}
	p.retryAt(until)
}

// later is t, or a second after the pass if t is not after it, so a retry
// never comes back within the same pass.
func (p *pass) later(t time.Time) time.Time {
	return maxTime(t, p.now.Add(time.Second))
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// location is the owner's time zone, or the default one.
func (d *Dispatcher) location(tz string) *time.Location {
	if tz == "" {
		return d.loc
	}
	if loc, ok := d.zones.Load(tz); ok {
		return loc.(*time.Location)
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		d.log.Warn("unknown owner time zone; using the default", "tz", tz, "err", err)
		loc = d.loc
	}
	d.zones.Store(tz, loc)
	return loc
}

// backoff is the delay before retry number attempts (1, 2, …): 30s
// doubling, at most an hour.
func backoff(attempts int) time.Duration {
	d := backoffBase
	for i := 1; i < attempts && d < backoffMax; i++ {
		d *= 2
	}
	return min(d, backoffMax)
}
