package main

import (
	"io"
	"net"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/longgame/longgame/bot"
	"github.com/longgame/longgame/bot/slackfake"
)

// opsClient talks to the bot's health and metrics server.
type opsClient struct {
	t    *testing.T
	base string // http://host:port
	http *http.Client
}

// boundAddr is the address the log says the health server listens on.
var boundAddr = regexp.MustCompile(`msg="serving health and metrics" addr=(\S+)`)

// ops waits for the health server's log line and returns a client for it.
func (h *e2e) ops() *opsClient {
	h.t.Helper()
	var addr string
	waitFor(h.t, "the health server's address in the log", func() bool {
		m := boundAddr.FindStringSubmatch(h.logs.String())
		if m != nil {
			addr = m[1]
		}
		return m != nil
	})
	tr := &http.Transport{}
	h.t.Cleanup(tr.CloseIdleConnections)
	return &opsClient{t: h.t, base: "http://" + addr, http: &http.Client{Transport: tr, Timeout: 5 * time.Second}}
}

// get returns path's status and body; a failed request is status 0.
func (c *opsClient) get(path string) (int, string) {
	c.t.Helper()
	resp, err := c.http.Get(c.base + path)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatalf("GET %s: %v", path, err)
	}
	return resp.StatusCode, string(body)
}

// waitReady polls /readyz until it answers status, and returns the body.
func (c *opsClient) waitReady(status int) string {
	c.t.Helper()
	var body string
	waitFor(c.t, "/readyz to answer "+http.StatusText(status), func() bool {
		var got int
		got, body = c.get("/readyz")
		return got == status
	})
	return body
}

// scrape reads /metrics as Prometheus would.
func (c *opsClient) scrape() metrics {
	c.t.Helper()
	status, body := c.get("/metrics")
	if status != http.StatusOK {
		c.t.Fatalf("/metrics: %d %s", status, body)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	families, err := p.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		c.t.Fatalf("/metrics is not the text format: %v\n%s", err, body)
	}
	return metrics(families)
}

// metrics are the families of one scrape, by name.
type metrics map[string]*dto.MetricFamily

// value is the counter's or gauge's value, or the histogram's count, of
// the series of name with labels (name, value pairs); -1 when there is
// none.
func (m metrics) value(name string, labels ...string) float64 {
	f, ok := m[name]
	if !ok {
		return -1
	}
	for _, s := range f.GetMetric() {
		if !hasLabels(s, labels) {
			continue
		}
		switch {
		case s.Counter != nil:
			return s.Counter.GetValue()
		case s.Gauge != nil:
			return s.Gauge.GetValue()
		case s.Histogram != nil:
			return float64(s.Histogram.GetSampleCount())
		}
	}
	return -1
}

func hasLabels(s *dto.Metric, labels []string) bool {
	have := map[string]string{}
	for _, l := range s.GetLabel() {
		have[l.GetName()] = l.GetValue()
	}
	for i := 0; i+1 < len(labels); i += 2 {
		if have[labels[i]] != labels[i+1] {
			return false
		}
	}
	return true
}

// What a Grafana user would check: commands by outcome, the replies'
// latency, reminders, the socket, the database; and /readyz following the
// Socket Mode connection.
func TestHealthAndMetrics(t *testing.T) {
	fake := newWorkspace(t)
	fake.AddUser(slackfake.User{ID: "UG", Name: "gus", RealName: "Gus Guest", TZ: "UTC", IsRestricted: true})
	env := append([]string{"LONGGAME_HTTP_ADDR", "127.0.0.1:0"}, reminderEnv...)
	h := startBot(t, fake, filepath.Join(t.TempDir(), "longgame.db"), env...)
	ops := h.ops()
	if status, body := ops.get("/healthz"); status != http.StatusOK {
		t.Errorf("/healthz: %d %s", status, body)
	}
	ops.waitReady(http.StatusOK)

	h.inChannel("U1", "C1", "/deal open Acme")
	h.private("U1", "C1", "/deal set value:12x", "not an amount")
	h.private("UG", "C1", "/deal", bot.StrangerText)
	h.private("U1", "C1", "/deal")
	h.private("U1", "C1", "/risk flagg SSO untested", "is not a /risk command")
	h.cmd("U1", "C1", "/dael open Acme")
	seq := lastSeq(fake)
	h.inChannel("U1", "C1", "/deal close won "+daysAgo("U1", 20)) // the 14-day check-in is due
	h.waitReminder(seq, "C1")

	var m metrics
	waitFor(t, "the reminder to be counted", func() bool {
		m = ops.scrape()
		return m.value("longgame_reminders_sent_total") == 1
	})
	for _, tc := range []struct {
		name   string
		labels []string
		want   float64
	}{
		{"longgame_commands_total", []string{"command", "/deal", "outcome", "recorded"}, 2},
		{"longgame_commands_total", []string{"command", "/deal", "outcome", "invalid"}, 1},
		{"longgame_commands_total", []string{"command", "/deal", "outcome", "refused"}, 1},
		{"longgame_commands_total", []string{"command", "/deal", "outcome", "answered"}, 1},
		{"longgame_commands_total", []string{"command", "/risk", "outcome", "invalid"}, 1},
		{"longgame_commands_total", []string{"command", "other", "outcome", "invalid"}, 1},
		{"longgame_reply_seconds", []string{"command", "/deal"}, 5},
		{"longgame_reply_seconds", []string{"command", "/risk"}, 1},
		{"longgame_reply_seconds", []string{"command", "other"}, 1},
		{"longgame_reminders_failed_total", nil, 0},
		{"longgame_reminders_pending", nil, 0}, // claimed, then sent
		{"longgame_reminders_oldest_pending_age_seconds", nil, 0},
		{"longgame_socket_reconnects_total", nil, 0},
	} {
		if got := m.value(tc.name, tc.labels...); got != tc.want {
			t.Errorf("%s%q = %v, want %v", tc.name, tc.labels, got, tc.want)
		}
	}
	if got := m.value("longgame_db_commit_seconds"); got < 3 {
		t.Errorf("%v group commits observed, want one for each recorded change at least", got)
	}
	if _, raw := ops.get("/metrics"); strings.Contains(raw, "/dael") {
		t.Error("/metrics repeats a command Long Game does not know")
	}

	// Slack drops the socket and refuses to open another: not ready,
	// saying why; ready again once it reconnects, which is counted.
	fake.InjectFault("apps.connections.open", slackfake.Fault{Status: http.StatusServiceUnavailable})
	fake.DropConnections()
	if body := ops.waitReady(http.StatusServiceUnavailable); body != "not connected to Slack (Socket Mode)\n" {
		t.Errorf("/readyz while disconnected says %q", body)
	}
	if status, _ := ops.get("/healthz"); status != http.StatusOK {
		t.Errorf("/healthz while disconnected: %d, want 200: the process is alive", status)
	}
	fake.ClearFaults()
	ops.waitReady(http.StatusOK)
	if got := ops.scrape().value("longgame_socket_reconnects_total"); got != 1 {
		t.Errorf("longgame_socket_reconnects_total = %v after one reconnect", got)
	}

	// The server stops with the bot.
	if code := h.shutdown(); code != exitOK {
		t.Fatalf("exit %d; log:\n%s", code, h.logs)
	}
	if status, _ := ops.get("/healthz"); status != 0 {
		t.Errorf("/healthz answered %d after shutdown", status)
	}
}

// A port already taken stops start-up before Slack is contacted, naming
// the variable and the address.
func TestHTTPAddrTakenStopsStartUp(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	fake := newWorkspace(t)
	clearConfigEnv(t)
	t.Setenv("SLACK_BOT_TOKEN", testBotToken)
	t.Setenv("SLACK_APP_TOKEN", testAppToken)
	t.Setenv("SLACK_API_URL", fake.APIURL())
	t.Setenv("LONGGAME_DB", filepath.Join(t.TempDir(), "lg.db"))
	t.Setenv("LONGGAME_HTTP_ADDR", taken.Addr().String())
	code, _, stderr := runForTest(t, "run")
	if code != exitError || !strings.Contains(stderr, "LONGGAME_HTTP_ADDR="+taken.Addr().String()) ||
		!strings.Contains(stderr, "address already in use") {
		t.Errorf("exit %d, stderr:\n%s\nwant exit 1 naming LONGGAME_HTTP_ADDR and the address taken", code, stderr)
	}
	if n := fake.Calls("auth.test"); n != 0 {
		t.Errorf("auth.test was called %d times: start-up went on", n)
	}
}
