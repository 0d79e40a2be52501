package bot

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"

	"github.com/longgame/longgame/storage"
)

// flakyPosts fails its first writes, then keeps what it is given.
type flakyPosts struct {
	mu    sync.Mutex
	fails int
	kept  []storage.PostedMessage
}

func (f *flakyPosts) RecordPosts(_ context.Context, posts ...storage.PostedMessage) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fails > 0 {
		f.fails--
		return errors.New("database is locked")
	}
	f.kept = append(f.kept, posts...)
	return nil
}

func TestPostLogKeepsEveryTSThroughFailures(t *testing.T) {
	store := &flakyPosts{fails: 1}
	l := newPostLog(store, slog.New(slog.DiscardHandler))
	ctx := context.Background()
	l.add(storage.PostedMessage{TS: "1.1"})
	l.add(storage.PostedMessage{TS: "1.2"})
	if err := l.flush(ctx); err == nil {
		t.Fatal("the failing write reported no error")
	}
	l.add(storage.PostedMessage{TS: "1.3"})
	if err := l.flush(ctx); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range store.kept {
		got = append(got, p.TS)
	}
	if len(got) != 3 || got[0] != "1.1" || got[2] != "1.3" {
		t.Errorf("kept %v, want 1.1 1.2 1.3 in order", got)
	}
}

func TestPostLogWritesTheRestWhenStopped(t *testing.T) {
	store := &flakyPosts{}
	l := newPostLog(store, slog.New(slog.DiscardHandler))
	stop, done := make(chan struct{}), make(chan struct{})
	go func() { l.run(context.Background(), stop); close(done) }()
	for _, ts := range []string{"1.1", "1.2", "1.3"} {
		l.add(storage.PostedMessage{TS: ts})
	}
	close(stop)
	<-done
	if len(store.kept) != 3 {
		t.Errorf("%d ts kept once stopped, want 3", len(store.kept))
	}
}
