package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/longgame/longgame/storage"
)

// Every slash command in a deal channel first reads the channel's deal
// (DealByChannel): under load, as many reads at once as commands in
// flight, each a statement of its own on a connection of its own, each
// waking a server process. The channel lookup reads them in groups
// instead, as the adder writes: its goroutine takes the reads waiting (up
// to maxLookupBatch) and answers them with one statement. A read sent
// alone goes at once; those that come while it is on the way wait for the
// next statement, which is taken after they were asked, so that each sees
// every write committed before it began.

// maxLookupBatch bounds how many reads one statement answers.
const maxLookupBatch = 64

// lookupReq is one DealByChannel waiting for its statement.
type lookupReq struct {
	team, channel string
	deal          storage.Deal
	done          chan error // buffered: the lookup never blocks on a reply
}

// channelLookup owns the goroutine that reads deals by channel in groups.
type channelLookup struct {
	db      *DB
	reqs    chan *lookupReq
	quit    chan struct{}
	stopped chan struct{}
}

func startChannelLookup(db *DB) *channelLookup {
	l := &channelLookup{db: db, reqs: make(chan *lookupReq), quit: make(chan struct{}), stopped: make(chan struct{})}
	go l.loop()
	return l
}

// stop ends the goroutine; call it with no read in flight.
func (l *channelLookup) stop() {
	close(l.quit)
	<-l.stopped
}

// get hands the read to the goroutine and waits for its answer, or for
// ctx: the read then still runs, and its answer is dropped. The caller is
// in flight (db.enter), so Close waits for it and the goroutine is running.
func (l *channelLookup) get(ctx context.Context, team, channel string) (storage.Deal, error) {
	r := &lookupReq{team: team, channel: channel, done: make(chan error, 1)}
	select {
	case l.reqs <- r:
	case <-ctx.Done():
		return storage.Deal{}, ctx.Err()
	}
	select {
	case err := <-r.done:
		return r.deal, err
	case <-ctx.Done():
		return storage.Deal{}, ctx.Err()
	}
}

func (l *channelLookup) loop() {
	defer close(l.stopped)
	for {
		select {
		case r := <-l.reqs:
			batch := []*lookupReq{r}
		more:
			for len(batch) < maxLookupBatch {
				select {
				case r := <-l.reqs:
					batch = append(batch, r)
				default:
					break more
				}
			}
			l.run(batch)
		case <-l.quit:
			return
		}
	}
}

// lookupQuery reads the deals of the channels ($1, $2: workspaces and
// channels, in the reads' order), each row after the position of its read
// (from 1). Each channel's deal is its own index lookup: OFFSET 0 keeps
// the subquery apart, so that the one plan the connection keeps (made not
// knowing there are a handful of channels, not the ten it assumes) does
// not hash every deal of the table instead.
const lookupQuery = `SELECT k.pos, ` + dealCols + `
	FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS k (team_id, channel_id, pos)
	CROSS JOIN LATERAL (SELECT * FROM deals d WHERE d.team_id = k.team_id AND d.channel_id = k.channel_id OFFSET 0) d`

// run answers every read of batch: its deal, ErrNotFound when the channel
// has none, or the statement's error.
func (l *channelLookup) run(batch []*lookupReq) {
	teams, channels := make([]string, len(batch)), make([]string, len(batch))
	for i, r := range batch {
		teams[i], channels[i] = r.team, r.channel
	}
	found := make([]bool, len(batch))
	err := l.read(teams, channels, func(pos int, row pgx.Row) error {
		if pos < 1 || pos > len(batch) || found[pos-1] {
			return fmt.Errorf("channel lookup: row for read %d of %d", pos, len(batch))
		}
		found[pos-1] = true
		return scanDeal(row, &batch[pos-1].deal)
	})
	for i, r := range batch {
		switch {
		case err != nil:
			r.done <- err
		case !found[i]:
			r.done <- fmt.Errorf("deal in channel %s: %w", r.channel, storage.ErrNotFound)
		default:
			r.done <- nil
		}
	}
}

// read runs lookupQuery and hands each row to each, after its position.
func (l *channelLookup) read(teams, channels []string, each func(pos int, row pgx.Row) error) error {
	rows, err := l.db.pool.Query(context.Background(), lookupQuery, teams, channels)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var pos int64
		dest := make([]any, len(rows.FieldDescriptions()))
		dest[0] = &pos
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		if err := each(int(pos), skipFirst{rows}); err != nil {
			return err
		}
	}
	return rows.Err()
}
