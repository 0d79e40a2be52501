package bot

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/longgame/longgame/storage"
)

// postLog keeps the ts of the records Long Game posts, off the answer's
// path: a record is already on disk and in the channel when its ts is
// known, and writing the ts before answering would cost every record a
// second commit. The ts are written in batches; a share flushes them before
// it lists what to hide, and a ts lost to a crash is found again in the
// channel's history by the record's metadata.
type postLog struct {
	store interface {
		RecordPosts(ctx context.Context, posts ...storage.PostedMessage) error
	}
	log *slog.Logger

	mu      sync.Mutex
	pending []storage.PostedMessage
	kick    chan struct{}
	writing sync.Mutex // one batch at a time, so a flush sees every earlier one written
}

func newPostLog(store interface {
	RecordPosts(ctx context.Context, posts ...storage.PostedMessage) error
}, log *slog.Logger) *postLog {
	return &postLog{store: store, log: log, kick: make(chan struct{}, 1)}
}

// add queues a posted record's ts for the next batch.
func (l *postLog) add(p storage.PostedMessage) {
	l.mu.Lock()
	l.pending = append(l.pending, p)
	l.mu.Unlock()
	select {
	case l.kick <- struct{}{}:
	default:
	}
}

// flush writes what is queued, now.
func (l *postLog) flush(ctx context.Context) error {
	l.writing.Lock()
	defer l.writing.Unlock()
	l.mu.Lock()
	batch := l.pending
	l.pending = nil
	l.mu.Unlock()
	if len(batch) == 0 {
		return nil
	}
	err := l.store.RecordPosts(ctx, batch...)
	if err != nil {
		l.requeue(batch)
	}
	return err
}

// maxPending bounds what waits to be written while the database fails: the
// oldest go first (the history still finds their records).
const maxPending = 10_000

func (l *postLog) requeue(batch []storage.PostedMessage) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.pending = append(batch, l.pending...)
	if over := len(l.pending) - maxPending; over > 0 {
		l.pending = l.pending[over:]
	}
}

// postLogDelay is how long a ts may wait to be written with others: under
// load one commit then keeps many, rather than each record costing the
// disk a second sync.
const postLogDelay = 50 * time.Millisecond

// run writes the queued ts a little after they come, in batches (a failed
// batch is tried again a second later), until stop is closed, then the
// rest.
func (l *postLog) run(ctx context.Context, stop <-chan struct{}) {
	later := time.NewTimer(time.Hour)
	later.Stop()
	defer later.Stop()
	armed := false
	for {
		select {
		case <-l.kick:
			if !armed { // the first ts of a batch starts its wait; the rest join it
				later.Reset(postLogDelay)
				armed = true
			}
			continue
		case <-later.C:
			armed = false
		case <-stop:
			if err := l.flush(context.WithoutCancel(ctx)); err != nil {
				l.log.Error("keeping the ts of posted records", "err", err)
			}
			return
		}
		if err := l.flush(ctx); err != nil {
			l.log.Warn("keeping the ts of posted records failed; retrying", "err", err)
			later.Reset(time.Second)
			armed = true
		}
	}
}
