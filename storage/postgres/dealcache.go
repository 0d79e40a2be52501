package postgres

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/longgame/longgame/storage"
)

// Every command in a deal channel reads the channel's deal first, and deals
// change rarely (an edit, a close, a champion named), so each replica
// keeps the deals it read, as SQLite's store does (readcache.go there),
// and forgets one when the database says it changed: the trigger of
// migration 0006 notifies dealsChannel with the channel at the commit of
// any change to what a read returns, and a connection of the replica's
// own listens (dealListener). So that a kept deal is never older than what
// the replica was told:
//   - nothing is kept while that connection is not listening;
//   - a read begun before a change was heard of but answered after it is
//     not kept (the cache's generation moved meanwhile);
//   - a write of this replica forgets every kept deal before it returns,
//     so its next read sees the write whatever the notification's delay;
//   - a kept deal is read again after dealTTL in any case: the bound if
//     notifications stop arriving while the connection stays up (e.g.
//     behind a pooler in transaction mode, which does not carry LISTEN).
//
// Another replica's change is thus seen once its notification arrives,
// within milliseconds; SQLite has one process and needs none of this.

const (
	dealsChannel = "longgame_deals"
	dealTTL      = time.Second
	maxKeptDeals = 10000 // past it the cache starts again empty
)

// dealKey is a deal's channel in its workspace.
type dealKey struct{ team, channel string }

type keptDeal struct {
	deal  storage.Deal
	until time.Time
}

// dealCache is the deals a replica read, by channel.
type dealCache struct {
	ttl time.Duration
	now func() time.Time // monotonic time.Now; a test's clock for expiry

	mu    sync.Mutex
	gen   uint64 // moves with every change heard of, and with live
	live  bool   // the listener is listening
	deals map[dealKey]keptDeal
}

func newDealCache() *dealCache {
	return &dealCache{ttl: dealTTL, now: time.Now, deals: map[dealKey]keptDeal{}}
}

// ticket is the cache's state when a read began: put keeps the read's deal
// only if nothing was heard of since.
type ticket struct {
	gen  uint64
	live bool
}

// get returns the kept deal of k, if any and not expired.
func (c *dealCache) get(k dealKey) (storage.Deal, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	kd, ok := c.deals[k]
	if !ok {
		return storage.Deal{}, false
	}
	if !c.now().Before(kd.until) {
		delete(c.deals, k)
		return storage.Deal{}, false
	}
	return kd.deal, true
}

// begin is taken before a read is sent.
func (c *dealCache) begin() ticket {
	c.mu.Lock()
	defer c.mu.Unlock()
	return ticket{gen: c.gen, live: c.live}
}

// put keeps d, read under t, unless the listener was not listening or a
// change was heard of since t.
func (c *dealCache) put(t ticket, k dealKey, d storage.Deal) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !t.live || t.gen != c.gen {
		return
	}
	if len(c.deals) >= maxKeptDeals {
		clear(c.deals)
	}
	c.deals[k] = keptDeal{deal: d, until: c.now().Add(c.ttl)}
}

// forget drops the deal of k: it changed.
func (c *dealCache) forget(k dealKey) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	delete(c.deals, k)
}

// forgetAll drops every kept deal: this replica wrote, or a change of
// unknown reach was heard of.
func (c *dealCache) forgetAll() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	clear(c.deals)
}

// setLive says whether the listener is listening, and forgets every kept
// deal: changes made while it was not are unknown.
func (c *dealCache) setLive(live bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.live = live
	clear(c.deals)
}

// isLive reports whether the listener is listening.
func (c *dealCache) isLive() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.live
}

// dealListener owns the connection that listens for changed deals, and
// connects it again, after a pause that grows, when it fails. It starts
// with the first deal read by channel: a one-shot command (migrate,
// backup, export) never reads one and opens no connection for it.
type dealListener struct {
	cfg    *pgx.ConnConfig
	cache  *dealCache
	ctx    context.Context
	cancel context.CancelFunc
	once   sync.Once     // starts the loop, or stop marks it never started
	done   chan struct{} // closed when the loop ended, or by stop if it never ran
}

// Pauses between the listener's attempts to connect.
const (
	firstListenPause = 100 * time.Millisecond
	lastListenPause  = 5 * time.Second
)

func newDealListener(cfg *pgx.ConnConfig, cache *dealCache) *dealListener {
	ctx, cancel := context.WithCancel(context.Background())
	return &dealListener{cfg: cfg, cache: cache, ctx: ctx, cancel: cancel, done: make(chan struct{})}
}

// ensure starts the listener unless it runs, or was stopped.
func (l *dealListener) ensure() {
	l.once.Do(func() { go l.loop(l.ctx) })
}

// stop ends the listener, if it ran, and closes its connection.
func (l *dealListener) stop() {
	l.cancel()
	l.once.Do(func() { close(l.done) })
	<-l.done
}

func (l *dealListener) loop(ctx context.Context) {
	defer close(l.done)
	pause := firstListenPause
	for {
		if l.listen(ctx) {
			pause = firstListenPause
		}
		l.cache.setLive(false)
		t := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		pause = min(2*pause, lastListenPause)
	}
}

// listen connects, listens and forgets each deal it hears of until the
// connection fails or ctx ends. It reports whether it listened at all.
func (l *dealListener) listen(ctx context.Context) (listened bool) {
	conn, err := pgx.ConnectConfig(ctx, l.cfg)
	if err != nil {
		return false
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		conn.Close(ctx)
	}()
	if _, err := conn.Exec(ctx, "LISTEN "+dealsChannel); err != nil {
		return false
	}
	l.cache.setLive(true)
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return true
		}
		team, channel, ok := strings.Cut(n.Payload, " ")
		if !ok {
			l.cache.forgetAll()
			continue
		}
		l.cache.forget(dealKey{team: team, channel: channel})
	}
}
