package main

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/synctest"
)

// pingFunc is a database for /readyz.
type pingFunc func(ctx context.Context) error

func (f pingFunc) SchemaVersion(ctx context.Context) (int, error) { return 7, f(ctx) }

func TestReadyzSaysWhyOnOneLine(t *testing.T) {
	answers := func(context.Context) error { return nil }
	fails := func(context.Context) error {
		return errors.New(`failed to connect to "postgres://longgame:s3cret@db.internal/longgame"`)
	}
	hangs := func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() }
	for _, tc := range []struct {
		name      string
		connected bool
		db        pingFunc
		status    int
		body      string
	}{
		{"ready", true, answers, http.StatusOK, "ok"},
		{"socket down", false, answers, http.StatusServiceUnavailable, "not connected to Slack (Socket Mode)"},
		{"database failing", true, fails, http.StatusServiceUnavailable, "the database failed to answer"},
		{"database hanging", true, hangs, http.StatusServiceUnavailable, "the database did not answer within 1s"},
		{"both", false, fails, http.StatusServiceUnavailable, "not connected to Slack (Socket Mode); the database failed to answer"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) { // the hanging database's timeout passes at once
				tel := newTelemetry()
				tel.connected.Store(tc.connected)
				h := opsHandler(tel, tc.db, slog.New(slog.DiscardHandler))
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest("GET", "/readyz", nil))
				body := rec.Body.String()
				if rec.Code != tc.status || body != tc.body+"\n" {
					t.Errorf("got %d %q, want %d %q", rec.Code, body, tc.status, tc.body+"\n")
				}
				if strings.Contains(body, "s3cret") {
					t.Errorf("the body repeats the database's error: %q", body)
				}
			})
		})
	}
}

func TestHealthzAnswersWhateverTheState(t *testing.T) {
	h := opsHandler(newTelemetry(), pingFunc(func(context.Context) error { return errors.New("down") }), slog.New(slog.DiscardHandler))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/healthz", nil))
	if rec.Code != http.StatusOK {
		t.Errorf("/healthz: %d, want 200", rec.Code)
	}
}
