// Package pgtest gives tests databases of their own on the PostgreSQL
// server that LONGGAME_TEST_POSTGRES names (a URL such as
// postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable). Without the
// variable the tests that need one are skipped, so that `go test ./...`
// passes on a machine with only Go; with it, a server that does not answer
// fails them: CI sets it and never skips.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/longgame/longgame/storage/postgres"
)

// Env is the variable naming the test server.
const Env = "LONGGAME_TEST_POSTGRES"

// ServerURL is the URL of the test server. It skips t when Env is unset,
// and fails it when the server does not answer.
func ServerURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv(Env)
	if u == "" {
		t.Skipf("%s is not set: the PostgreSQL tests need a server (e.g. %s=postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable)", Env, Env)
	}
	if err := ping(t.Context(), u); err != nil {
		t.Fatalf("%s names a server that does not answer: %v", Env, err)
	}
	return u
}

var pinged sync.Map // URL → error, so that a run checks the server once

func ping(ctx context.Context, server string) error {
	if err, ok := pinged.Load(server); ok {
		return err.(errOrNil).err
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	err := admin(ctx, server, func(c *pgx.Conn) error { return c.Ping(ctx) })
	pinged.Store(server, errOrNil{err})
	return err
}

type errOrNil struct{ err error }

// NewDatabase creates an empty database on the test server and returns its
// URL; it is dropped when t ends.
func NewDatabase(t testing.TB) string {
	t.Helper()
	return newDatabase(t, "")
}

// newDatabase creates a database copied from template ("" for the
// server's default) and drops it when t ends.
func newDatabase(t testing.TB, template string) string {
	t.Helper()
	server := ServerURL(t)
	name := "lgtest_" + randomName()
	if err := Create(t.Context(), server, name, template); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := Drop(context.Background(), server, name); err != nil {
			t.Errorf("drop test database: %v", err)
		}
	})
	return WithDatabase(server, name)
}

// Template is a database prepared once and copied for each test: faster
// than preparing each (CREATE DATABASE … TEMPLATE copies files).
type Template struct {
	// Prepare fills the template, given its URL, and closes every
	// connection to it (a template in use cannot be copied).
	Prepare func(ctx context.Context, url string) error

	once   sync.Once
	server string
	name   string
	err    error
}

// New is a copy of the template, dropped when t ends.
func (tm *Template) New(t testing.TB) string {
	t.Helper()
	server := ServerURL(t)
	tm.once.Do(func() {
		tm.server, tm.name = server, "lgtmpl_"+randomName()
		if tm.err = Create(context.Background(), server, tm.name, ""); tm.err == nil {
			tm.err = tm.Prepare(context.Background(), WithDatabase(server, tm.name))
		}
	})
	if tm.err != nil {
		t.Fatalf("prepare the template database: %v", tm.err)
	}
	return newDatabase(t, tm.name)
}

// Close drops the template, if it was made. Call it from TestMain.
func (tm *Template) Close() error {
	if tm.name == "" {
		return nil
	}
	return Drop(context.Background(), tm.server, tm.name)
}

// Create creates database name on server, as a copy of template ("" for
// the server's default).
func Create(ctx context.Context, server, name, template string) error {
	return postgres.CreateDatabase(ctx, server, name, template)
}

// Drop drops database name on server, closing the connections still open
// to it.
func Drop(ctx context.Context, server, name string) error {
	return postgres.DropDatabase(ctx, server, name)
}

// admin runs fn on a connection to server.
func admin(ctx context.Context, server string, fn func(*pgx.Conn) error) error {
	c, err := pgx.Connect(ctx, server)
	if err != nil {
		return err
	}
	defer c.Close(context.WithoutCancel(ctx))
	return fn(c)
}

// WithDatabase is the URL server with its database replaced by name.
func WithDatabase(server, name string) string {
	u, err := postgres.WithDatabase(server, name)
	if err != nil {
		panic(fmt.Sprintf("%s: %v", Env, err))
	}
	return u
}

func randomName() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return strings.ToLower(hex.EncodeToString(b[:]))
}
