package access

import (
	"context"
	"sync"
	"time"
)

// cache remembers answers from Slack for a while. Each key has a generation,
// bumped by forget: a fetch that started before a forget cannot store its
// answer after it, so an event saying "this changed" is never undone by a
// look-up that was already on its way. Concurrent look-ups of one key share
// one fetch.
type cache[K comparable, V any] struct {
	ttl time.Duration
	now func() time.Time
	max int // entries kept at most; past it, expired ones go first

	mu      sync.Mutex
	entries map[K]*entry[V]
}

type entry[V any] struct {
	gen     uint64
	val     V
	fetched time.Time
	valid   bool       // val holds an answer of this generation
	flight  *flight[V] // a fetch of this generation under way
}

// flight is one fetch that several callers wait for.
type flight[V any] struct {
	done chan struct{}
	val  V
	err  error
}

func newCache[K comparable, V any](ttl time.Duration, now func() time.Time, max int) *cache[K, V] {
	return &cache[K, V]{ttl: ttl, now: now, max: max, entries: map[K]*entry[V]{}}
}

// get returns k's value: remembered if fresh, else fetched (once for all
// callers asking meanwhile). A failed fetch is not remembered.
func (c *cache[K, V]) get(ctx context.Context, k K, fetch func(context.Context) (V, error)) (V, error) {
	c.mu.Lock()
	e := c.entry(k)
	if e.valid && c.fresh(e.fetched) {
		v := e.val
		c.mu.Unlock()
		return v, nil
	}
	f := e.flight
	if f == nil {
		f = &flight[V]{done: make(chan struct{})}
		e.flight = f
		gen := e.gen
		c.mu.Unlock()
		c.run(ctx, k, gen, f, fetch)
	} else {
		c.mu.Unlock()
	}
	select {
	case <-f.done:
		return f.val, f.err
	case <-ctx.Done():
		var zero V
		return zero, ctx.Err()
	}
}

// cached returns k's value if a fresh one is remembered, asking nobody.
func (c *cache[K, V]) cached(k K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[k]; ok && e.valid && c.fresh(e.fetched) {
		return e.val, true
	}
	var zero V
	return zero, false
}

// run fetches for generation gen and stores the answer only if no forget
// came meanwhile.
func (c *cache[K, V]) run(ctx context.Context, k K, gen uint64, f *flight[V], fetch func(context.Context) (V, error)) {
	f.val, f.err = fetch(ctx)
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[k]; ok && e.gen == gen {
		e.flight = nil
		if f.err == nil {
			e.val, e.fetched, e.valid = f.val, c.now(), true
		}
	}
	close(f.done)
}

// entry is k's entry, made if needed. Called with c.mu held.
func (c *cache[K, V]) entry(k K) *entry[V] {
	if e, ok := c.entries[k]; ok {
		return e
	}
	if len(c.entries) >= c.max {
		c.evict()
	}
	e := &entry[V]{}
	c.entries[k] = e
	return e
}

// evict drops expired entries, or every idle one if none had expired: the
// cache stays bounded whatever Slack sends. Called with c.mu held.
func (c *cache[K, V]) evict() {
	for k, e := range c.entries {
		if e.flight == nil && !c.fresh(e.fetched) {
			delete(c.entries, k)
		}
	}
	if len(c.entries) < c.max {
		return
	}
	for k, e := range c.entries {
		if e.flight == nil {
			delete(c.entries, k)
		}
	}
}

func (c *cache[K, V]) fresh(fetched time.Time) bool {
	age := c.now().Sub(fetched)
	return age >= 0 && age < c.ttl
}

// forget drops what is known of k and voids the fetches under way.
func (c *cache[K, V]) forget(k K) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[k]
	if !ok {
		return
	}
	e.gen++
	e.valid = false
	e.flight = nil // its callers still get its answer; it is just not kept
}

// put stores v for k as a fresh answer, voiding fetches under way: for an
// event that carries the new state itself.
func (c *cache[K, V]) put(k K, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.entry(k)
	e.gen++
	e.flight = nil
	e.val, e.fetched, e.valid = v, c.now(), true
}

// forgetAll forgets every key.
func (c *cache[K, V]) forgetAll() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, e := range c.entries {
		e.gen++
		e.valid = false
		e.flight = nil
	}
}
