package slackfake

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/slack-go/slack"
)

func TestFaults(t *testing.T) {
	fake, api := newAPI(t, Options{})
	ctx := testCtx(t)
	post := func() error {
		_, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("hi", false))
		return err
	}

	fake.InjectFault("chat.postMessage", Fault{Times: 1, Status: http.StatusTooManyRequests, RetryAfter: 2 * time.Second})
	var rl *slack.RateLimitedError
	if err := post(); !errors.As(err, &rl) || rl.RetryAfter != 2*time.Second {
		t.Errorf("429: err = %v, want RateLimitedError of 2s", err)
	}

	fake.InjectFault("chat.postMessage", Fault{Times: 2, Status: http.StatusServiceUnavailable})
	for range 2 {
		var sce slack.StatusCodeError
		if err := post(); !errors.As(err, &sce) || sce.Code != http.StatusServiceUnavailable {
			t.Errorf("5xx: err = %v, want StatusCodeError 503", err)
		}
	}

	fake.InjectFault("chat.postMessage", Fault{Times: 1, Error: "fatal_error"})
	if err := post(); !isSlackError(err, "fatal_error") {
		t.Errorf("error fault: %v", err)
	}

	fake.InjectFault("chat.postMessage", Fault{Times: 1, Delay: 50 * time.Millisecond})
	start := time.Now()
	if err := post(); err != nil || time.Since(start) < 50*time.Millisecond {
		t.Errorf("delayed call: err %v after %v", err, time.Since(start))
	}

	if err := post(); err != nil {
		t.Errorf("after faults are used up: %v", err)
	}
	if got, want := fake.Calls("chat.postMessage"), 6; got != want {
		t.Errorf("Calls = %d, want %d", got, want)
	}
	if got := len(fake.Messages("C1")); got != 2 {
		t.Errorf("stored messages = %d, want 2 (the delayed and the last)", got)
	}

	fake.InjectFault("users.info", Fault{Error: "internal_error"})
	for range 3 {
		if _, err := api.GetUserInfoContext(ctx, "U1"); !isSlackError(err, "internal_error") {
			t.Errorf("standing fault: %v", err)
		}
	}
	fake.ClearFaults()
	if _, err := api.GetUserInfoContext(ctx, "U1"); err != nil {
		t.Errorf("after ClearFaults: %v", err)
	}
}

func TestDelayFaultEndsOnClose(t *testing.T) {
	fake, api := newAPI(t, Options{})
	fake.InjectFault("auth.test", Fault{Delay: time.Hour})
	done := make(chan error, 1)
	go func() {
		_, err := api.AuthTestContext(testCtx(t))
		done <- err
	}()
	for fake.Calls("auth.test") == 0 {
		select {
		case err := <-done:
			t.Fatalf("returned before the delay: %v", err)
		case <-time.After(time.Millisecond):
		}
	}
	fake.Close()
	if err := <-done; err == nil {
		t.Error("delayed call succeeded after Close")
	}
}

func TestChannelRateLimit(t *testing.T) {
	fake, api := newAPI(t, Options{})
	ctx := testCtx(t)
	fake.SetChannelRateLimit(2)
	var limited int
	for range 3 {
		_, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("burst", false))
		var rl *slack.RateLimitedError
		if errors.As(err, &rl) {
			limited++
			if rl.RetryAfter < time.Second {
				t.Errorf("Retry-After %v, want at least 1s", rl.RetryAfter)
			}
		} else if err != nil {
			t.Fatal(err)
		}
	}
	if limited != 1 {
		t.Errorf("%d of 3 posts limited, want 1", limited)
	}
	// Another channel has its own budget.
	if _, _, err := api.PostMessageContext(ctx, "C4", slack.MsgOptionText("elsewhere", false)); err != nil {
		t.Errorf("other channel: %v", err)
	}
}
