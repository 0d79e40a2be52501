package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Bounds of the health and metrics server.
const (
	readyTimeout      = time.Second     // the database's answer to /readyz
	opsShutdownGrace  = 5 * time.Second // requests in flight at shutdown
	opsHeaderTimeout  = 5 * time.Second
	opsRequestTimeout = 30 * time.Second
)

// pinger is the cheap query /readyz asks the database.
type pinger interface {
	SchemaVersion(ctx context.Context) (int, error)
}

// opsHandler serves /healthz (the process is alive), /readyz (Socket Mode
// connected and the database answering) and /metrics (tel's registry).
func opsHandler(tel *telemetry, db pinger, log *slog.Logger) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		io.WriteString(w, "ok\n")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
		defer cancel()
		_, err := db.SchemaVersion(ctx)
		if err != nil {
			log.Debug("readiness: the database did not answer", "err", err)
		}
		if why := notReady(tel.connected.Load(), err); why != "" {
			http.Error(w, why, http.StatusServiceUnavailable)
			return
		}
		io.WriteString(w, "ok\n")
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(tel.registry, promhttp.HandlerOpts{
		ErrorLog:      promLogger{log},
		ErrorHandling: promhttp.ContinueOnError, // a failed gauge leaves the others served
	}))
	return mux
}

// notReady is why the bot cannot serve, on one line, or "" when it can.
// It never repeats the database's error, which may name a host or a user.
func notReady(connected bool, dbErr error) string {
	var why []string
	if !connected {
		why = append(why, "not connected to Slack (Socket Mode)")
	}
	switch {
	case errors.Is(dbErr, context.DeadlineExceeded):
		why = append(why, fmt.Sprintf("the database did not answer within %s", readyTimeout))
	case dbErr != nil:
		why = append(why, "the database failed to answer")
	}
	return strings.Join(why, "; ")
}

// promLogger sends promhttp's errors to the log.
type promLogger struct{ log *slog.Logger }

func (l promLogger) Println(v ...any) {
	l.log.Warn("metrics: " + strings.TrimSuffix(fmt.Sprintln(v...), "\n"))
}

// opsServer is the health and metrics server of LONGGAME_HTTP_ADDR.
type opsServer struct {
	srv    *http.Server
	served chan error // Serve's return
	once   sync.Once
	err    error
}

// listenOps listens on addr and serves h there. A listen error (the port
// is taken) names LONGGAME_HTTP_ADDR, so that start-up stops saying what
// to change. The log line gives the address bound (the port, for ":0").
func listenOps(addr string, h http.Handler, log *slog.Logger) (*opsServer, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("LONGGAME_HTTP_ADDR=%s: cannot serve health and metrics: %w", addr, err)
	}
	s := &opsServer{
		srv: &http.Server{
			Handler:           h,
			ReadHeaderTimeout: opsHeaderTimeout,
			WriteTimeout:      opsRequestTimeout,
			ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		},
		served: make(chan error, 1),
	}
	go func() { s.served <- s.srv.Serve(ln) }()
	log.Info("serving health and metrics", "addr", ln.Addr().String())
	return s, nil
}

// run serves until ctx ends, then shuts down gracefully. It returns early
// with an error if the server stops on its own.
func (s *opsServer) run(ctx context.Context) error {
	select {
	case <-ctx.Done():
		return s.shutdown()
	case err := <-s.served:
		return fmt.Errorf("health and metrics server: %w", err)
	}
}

// shutdown stops taking connections and lets the requests in flight
// finish, opsShutdownGrace at most. Calling it again returns the first
// call's result.
func (s *opsServer) shutdown() error {
	s.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), opsShutdownGrace)
		defer cancel()
		if err := s.srv.Shutdown(ctx); err != nil {
			s.err = fmt.Errorf("shut down the health and metrics server: %w", err)
		}
	})
	return s.err
}
