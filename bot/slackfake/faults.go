package slackfake

import (
	"context"
	"math"
	"net/http"
	"strconv"
	"time"
)

// Fault changes how a Web API method answers, for reliability tests.
// Delay applies first; then Status, else Error; with neither, the call is
// carried out and answered normally, After later.
type Fault struct {
	Times int           // calls affected; 0 means every call until ClearFaults
	Delay time.Duration // wait before answering
	// After holds the answer of a call that was carried out: the message
	// is posted, but the app hears nothing for this long (a crash or a
	// timeout in that window leaves it not knowing).
	After      time.Duration
	Status     int           // answer this HTTP status (429 carries Retry-After)
	RetryAfter time.Duration // Retry-After for a 429, in whole seconds; default 1s
	Error      string        // answer HTTP 200 {"ok":false,"error":Error}
}

// InjectFault queues f for method ("chat.postMessage", "apps.connections.open",
// "response_url", …). Faults for one method apply in the order injected.
func (s *Server) InjectFault(method string, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[method] = append(s.faults[method], &f)
}

// ClearFaults removes every injected fault and the channel rate limit.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = map[string][]*Fault{}
	s.chanLimit = 0
}

// SetChannelRateLimit makes chat.postMessage answer 429 when more than
// perSecond messages reach one channel within a second of wall-clock time,
// as Slack does. Zero turns it off.
func (s *Server) SetChannelRateLimit(perSecond int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.chanLimit = perSecond
	s.chanPosts = map[string][]time.Time{}
}

// takeFault returns the fault for this call of method, if any, and uses it up.
func (s *Server) takeFault(method string) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.faults[method]
	if len(q) == 0 {
		return nil
	}
	f := *q[0]
	if q[0].Times > 0 {
		q[0].Times--
		if q[0].Times == 0 {
			s.faults[method] = q[1:]
		}
	}
	return &f
}

// applyFault carries out f. It reports whether it answered the request.
func (s *Server) applyFault(ctx context.Context, w http.ResponseWriter, f *Fault) bool {
	if f.Delay > 0 {
		if err := s.sleepCtx(ctx, f.Delay); err != nil {
			http.Error(w, "closed", http.StatusServiceUnavailable)
			return true
		}
	}
	switch {
	case f.Status == http.StatusTooManyRequests:
		writeRateLimited(w, f.RetryAfter)
	case f.Status != 0:
		http.Error(w, http.StatusText(f.Status), f.Status)
	case f.Error != "":
		writeJSON(w, obj{"ok": false, "error": f.Error})
	default:
		return false
	}
	return true
}

func writeRateLimited(w http.ResponseWriter, after time.Duration) {
	secs := int(math.Ceil(after.Seconds()))
	if secs < 1 {
		secs = 1
	}
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusTooManyRequests)
	_, _ = w.Write([]byte(`{"ok":false,"error":"ratelimited"}`))
}

// channelLimited records a post to channel and reports, when the channel
// is over its rate, how long to wait. Called with s.mu held.
func (s *Server) channelLimited(channel string) (time.Duration, bool) {
	if s.chanLimit <= 0 {
		return 0, false
	}
	now := time.Now()
	recent := s.chanPosts[channel][:0]
	for _, t := range s.chanPosts[channel] {
		if now.Sub(t) < time.Second {
			recent = append(recent, t)
		}
	}
	if len(recent) >= s.chanLimit {
		s.chanPosts[channel] = recent
		return time.Second - now.Sub(recent[0]), true
	}
	s.chanPosts[channel] = append(recent, now)
	return 0, false
}
