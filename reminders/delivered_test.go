package reminders

import (
	"maps"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/longgame/longgame/bot/slackfake"
	"github.com/longgame/longgame/storage"
)

// deliveries records what Options.Delivered hears.
type deliveries struct {
	mu   sync.Mutex
	seen map[storage.Delivery]int
}

func (d *deliveries) add(s storage.Delivery) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.seen[s]++
}

func (d *deliveries) get() map[storage.Delivery]int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return maps.Clone(d.seen)
}

// Delivered hears each reminder once, when its fate is known: not while a
// rate limit delays it, not for the check-ins a reminder covers.
func TestDeliveredHearsEachReminderOnce(t *testing.T) {
	e := newEnv(t, t0)
	heard := &deliveries{seen: map[storage.Delivery]int{}}
	// One deal at a time, in the order of their oldest reminder: C1 first.
	e.d = New(e.db, e.api, echoMessages{}, Options{Logger: testLogger(t), Now: e.clock.Now, ClaimantID: "w1",
		Concurrency: 1, Delivered: heard.add})
	closed := utcDate(t0.AddDate(0, 0, -40))
	e.wonDeal(alice, "C1", closed, time.UTC, 14, 30) // rate limited first; two overdue, one message
	e.wonDeal(bob, "C2", closed, time.UTC, 14)       // archived: to the owner
	e.wonDeal(carol, "C3", closed, time.UTC, 14)
	check(e.fake.SetArchived("C2", true))
	e.fake.InjectFault("chat.postMessage", slackfake.Fault{Times: 1, Status: 429, RetryAfter: time.Minute})

	next := e.dispatch(t0)
	if diff := cmp.Diff(map[storage.Delivery]int{storage.DeliverySent: 1, storage.DeliveryFailed: 1}, heard.get()); diff != "" {
		t.Errorf("after the first pass (-want +heard):\n%s", diff)
	}
	e.dispatch(next)
	e.dispatch(next.Add(time.Hour))
	want := map[storage.Delivery]int{storage.DeliverySent: 2, storage.DeliveryFailed: 1}
	if diff := cmp.Diff(want, heard.get()); diff != "" {
		t.Errorf("once every reminder went out (-want +heard):\n%s", diff)
	}
}
