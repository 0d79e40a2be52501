package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"
)

// benchReport is everything one run of `longgame bench` measured.
type benchReport struct {
	Date      string `json:"date"`
	Platform  string `json:"platform"`
	CPUs      int    `json:"cpus"`
	GoVersion string `json:"go_version"`
	// LoadAvg is the machine's 1-minute load average at the start and at
	// the end: other work on a shared machine skews every number.
	LoadAvg      [2]float64      `json:"load_avg"`
	Options      benchOptions    `json:"options"`
	Baseline     *loadReport     `json:"baseline,omitempty"`
	Bot          *loadReport     `json:"bot,omitempty"`
	Reminders    *reminderReport `json:"reminders,omitempty"`
	Reminders429 *reminderReport `json:"reminders_429,omitempty"`
	// RemindersReplicas is the reminder run with several processes on one
	// PostgreSQL database (--db only).
	RemindersReplicas *reminderReport `json:"reminders_replicas,omitempty"`
	Startup           *startupReport  `json:"startup,omitempty"`
	Disk              *diskReport     `json:"disk,omitempty"`
	Targets           []targetCheck   `json:"targets"`
	// Problems are counts that do not match: a reply missing or doubled, a
	// command answered with an error, a risk not stored. Speed is never a
	// problem here; Targets say what is too slow.
	Problems []string `json:"problems,omitempty"`
}

// targetCheck is one target of issues #7 and #15 and whether this run met it.
type targetCheck struct {
	Name   string `json:"name"`
	Target string `json:"target"`
	Value  string `json:"value"`
	Met    bool   `json:"met"`
}

func newBenchReport(opts benchOptions) *benchReport {
	cpus, goVersion, platform := benchEnv()
	return &benchReport{Date: time.Now().UTC().Format(time.RFC3339), Platform: platform, CPUs: cpus,
		GoVersion: goVersion, Options: opts, LoadAvg: [2]float64{loadAvg(), 0}}
}

const mib = 1 << 20

// The targets of issues #7 and #15 as the table shows them.
const (
	openP99Target = "≤ 1.0 ms and ≤ 2.5x"
)

// The targets of issues #7 and #15, by name.
const (
	targetOpenP99      = "open-loop reply p99 at 200/s"
	targetClosed       = "closed-loop recording commands/s, 16 in flight"
	targetSummaryP99   = "risk summary p99 on 2000 risks, 16 in flight"
	targetRSS          = "peak RSS after the load"
	targetReminders    = "reminders unthrottled"
	targetReminders429 = "reminders under 429"
	targetStartup      = "start-up with 100k deals"
	// Issue #14's, on PostgreSQL.
	targetReplicas = "reminders with several replicas"
)

// closedTarget is the closed-loop target: issue #15's on SQLite (2.5×
// Bolt for JavaScript's ~2,100/s), issue #14's on PostgreSQL.
func (o benchOptions) closedTarget() float64 {
	if o.DB != "" {
		return 3000
	}
	return 5000
}

// remindersRate is the unthrottled reminders target: issue #15's on
// SQLite, issue #14's on PostgreSQL.
func (o benchOptions) remindersRate() float64 {
	if o.DB != "" {
		return 1000
	}
	return 1500
}

// remindersTarget writes the unthrottled reminders target.
func (o benchOptions) remindersTarget() string {
	return fmt.Sprintf("≥ %.0f/s, 0 dup, 0 missing", o.remindersRate())
}

// checkTargets compares the bot's numbers with the targets of issues #7,
// #14 and #15 and
// notes the counts that do not add up.
func (r *benchReport) checkTargets() []targetCheck {
	var out []targetCheck
	add := func(name, target, value string, met bool) {
		out = append(out, targetCheck{Name: name, Target: target, Value: value, Met: met})
	}
	if bot := r.Bot; bot != nil {
		add(targetOpenP99, openP99Target, fmtMS(bot.Open.P99MS), bot.Open.P99MS <= 1.0 &&
			(r.Baseline == nil || bot.Open.P99MS <= 2.5*r.Baseline.Open.P99MS))
		add(targetClosed, fmt.Sprintf("≥ %.0f/s", r.Options.closedTarget()), fmtRate(bot.Closed.PerSecond),
			bot.Closed.PerSecond >= r.Options.closedTarget())
		add(targetSummaryP99, "≤ 5 ms", fmtMS(bot.Summary.P99MS), bot.Summary.P99MS <= 5)
		add(targetRSS, "≤ 40 MiB", fmtMiB(bot.PeakRSS), bot.PeakRSS > 0 && bot.PeakRSS <= 40*mib)
	}
	if rm := r.Reminders; rm != nil {
		add(targetReminders, r.Options.remindersTarget(),
			fmt.Sprintf("%s, %d dup, %d missing", fmtRate(rm.PerSecond), rm.Dup, rm.Missing),
			rm.Wired && rm.PerSecond >= r.Options.remindersRate() && rm.Dup == 0 && rm.Missing == 0)
	}
	if rm := r.Reminders429; rm != nil {
		ratio := rm.Seconds / rm.FloorSeconds
		add(targetReminders429, "≤ 1.10 × floor",
			fmt.Sprintf("%.2fx (%.2f s vs %.2f s)", ratio, rm.Seconds, rm.FloorSeconds),
			rm.Missing == 0 && rm.Dup == 0 && ratio <= 1.10)
	}
	if rm := r.RemindersReplicas; rm != nil {
		add(targetReplicas, "0 dup, 0 missing", fmt.Sprintf("%d dup, %d missing", rm.Dup, rm.Missing),
			rm.Wired && rm.Dup == 0 && rm.Missing == 0)
	}
	if st := r.Startup; st != nil {
		add(targetStartup, "≤ 300 ms", fmtMS(st.MedianMS), st.MedianMS <= 300)
	}
	r.Problems = append(r.Problems, r.Baseline.problems("baseline")...)
	r.Problems = append(r.Problems, r.Bot.problems("bot")...)
	for _, rm := range []*reminderReport{r.Reminders, r.Reminders429, r.RemindersReplicas} {
		if rm != nil && rm.Wired && (rm.Dup > 0 || rm.Missing > 0) {
			r.Problems = append(r.Problems, fmt.Sprintf("reminders (throttled %v, %d replicas): %d duplicates, %d missing",
				rm.Throttled, max(rm.Replicas, 1), rm.Dup, rm.Missing))
		}
	}
	return out
}

// problems lists the counts of a load that do not add up.
func (l *loadReport) problems(name string) []string {
	if l == nil {
		return nil
	}
	var out []string
	for _, x := range []struct {
		what string
		r    latencyReport
	}{{"open loop", l.Open}, {"risk summary", l.Summary}, {"closed loop", l.Closed}} {
		if x.r.Answered != x.r.Sent {
			out = append(out, fmt.Sprintf("%s %s: %d sent, %d answered, %d unexpected replies, %d without reply (first: %s)",
				name, x.what, x.r.Sent, x.r.Answered, x.r.Unexpected, x.r.Failed, x.r.FirstError))
		}
	}
	if l.Replies != l.Commands {
		out = append(out, fmt.Sprintf("%s: %d commands but %d visible replies", name, l.Commands, l.Replies))
	}
	if name == "bot" && (l.StoredOpen != l.Open.Answered || l.StoredClosed != l.Closed.Answered) {
		out = append(out, fmt.Sprintf("bot: stored %d+%d risks for %d+%d recorded answers",
			l.StoredOpen, l.StoredClosed, l.Open.Answered, l.Closed.Answered))
	}
	return out
}

// print writes the report as a table.
func (r *benchReport) print(w io.Writer) {
	fmt.Fprintf(w, "longgame bench · %s · %s · %d CPUs · %s · load average %.2f at the start, %.2f at the end\n",
		r.Date, r.Platform, r.CPUs, r.GoVersion, r.LoadAvg[0], r.LoadAvg[1])
	if r.Options.DB != "" {
		fmt.Fprintf(w, "the bot runs on PostgreSQL (%s), a fresh database per scenario\n", r.Options.DB)
	}
	if r.Options.scaled() {
		fmt.Fprintln(w, "sizes scaled down: the targets are those of the full run and only indicative here")
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "scenario\tmetric\tbaseline\tbot\tbot/baseline\ttarget\t")
	for _, row := range r.rows() {
		fmt.Fprintln(tw, strings.Join(row, "\t")+"\t")
	}
	tw.Flush()
	if len(r.Problems) > 0 {
		fmt.Fprintln(w, "\nPROBLEMS (counts that do not match):")
		for _, p := range r.Problems {
			fmt.Fprintln(w, "  - "+p)
		}
	}
	for _, rm := range []*reminderReport{r.Reminders, r.Reminders429, r.RemindersReplicas} {
		if rm != nil && rm.Note != "" {
			fmt.Fprintln(w, "\nreminders: "+rm.Note)
		}
	}
}

// scaled reports whether o's sizes differ from the full run's.
func (o benchOptions) scaled() bool {
	d := defaultBenchOptions()
	return o.OpenN != d.OpenN || o.OpenRate != d.OpenRate || o.SummaryN != d.SummaryN || o.InFlight != d.InFlight ||
		o.ClosedFor != d.ClosedFor || o.Reminders != d.Reminders || o.StartupDeals != d.StartupDeals
}

// met is whether the target named name was met; nil if not measured.
func (r *benchReport) met(name string) *bool {
	for _, t := range r.Targets {
		if t.Name == name {
			return &t.Met
		}
	}
	return nil
}

func (r *benchReport) rows() [][]string {
	var rows [][]string
	base, bot := r.Baseline, r.Bot
	if base == nil {
		base = &loadReport{}
	}
	if bot == nil {
		bot = &loadReport{}
	}
	has := r.Baseline != nil || r.Bot != nil
	o := r.Options
	row := func(scenario, metric string, b, t float64, format func(float64) string, target string, met *bool) {
		rows = append(rows, []string{scenario, metric, orDash(r.Baseline != nil, format(b)), orDash(r.Bot != nil, format(t)),
			ratio(b, t, r.Baseline != nil && r.Bot != nil), withMet(target, met)})
	}
	if has {
		row("start-up, empty db", "connected", base.StartupMS, bot.StartupMS, fmtMS, "", nil)
		open := fmt.Sprintf("open loop %d @%d/s", o.OpenN, o.OpenRate)
		row(open, "p50", base.Open.P50MS, bot.Open.P50MS, fmtMS, "", nil)
		row(open, "p99", base.Open.P99MS, bot.Open.P99MS, fmtMS, openP99Target, r.met(targetOpenP99))
		row(open, "max", base.Open.MaxMS, bot.Open.MaxMS, fmtMS, "", nil)
		row(open, "CPU per command", base.Open.CPUPerCmdUS, bot.Open.CPUPerCmdUS, fmtUS, "", nil)
		row(open, "fake+load CPU per command", base.Open.FakeCPUPerCmdUS, bot.Open.FakeCPUPerCmdUS, fmtUS, "", nil)
		rows = append(rows, []string{open, "answered", answered(r.Baseline != nil, base.Open), answered(r.Bot != nil, bot.Open), "", ""})
		sum := fmt.Sprintf("risk summary ×%d, %d in flight, %d risks", o.SummaryN, o.InFlight, o.OpenN)
		row(sum, "p50", base.Summary.P50MS, bot.Summary.P50MS, fmtMS, "", nil)
		row(sum, "p99", base.Summary.P99MS, bot.Summary.P99MS, fmtMS, "≤ 5 ms", r.met(targetSummaryP99))
		row(sum, "CPU per command", base.Summary.CPUPerCmdUS, bot.Summary.CPUPerCmdUS, fmtUS, "", nil)
		row(sum, "fake+load CPU per command", base.Summary.FakeCPUPerCmdUS, bot.Summary.FakeCPUPerCmdUS, fmtUS, "", nil)
		closed := fmt.Sprintf("closed loop, %d in flight, %s", o.InFlight, time.Duration(o.ClosedFor))
		row(closed, "commands/s", base.Closed.PerSecond, bot.Closed.PerSecond, fmtRate,
			fmt.Sprintf("≥ %.0f/s", o.closedTarget()), r.met(targetClosed))
		row(closed, "p50", base.Closed.P50MS, bot.Closed.P50MS, fmtMS, "", nil)
		row(closed, "p99", base.Closed.P99MS, bot.Closed.P99MS, fmtMS, "", nil)
		row(closed, "CPU per command", base.Closed.CPUPerCmdUS, bot.Closed.CPUPerCmdUS, fmtUS, "", nil)
		row(closed, "fake+load CPU per command", base.Closed.FakeCPUPerCmdUS, bot.Closed.FakeCPUPerCmdUS, fmtUS, "", nil)
		row("peak RSS after the load", "VmHWM", float64(base.PeakRSS), float64(bot.PeakRSS), func(v float64) string { return fmtMiB(int64(v)) },
			"≤ 40 MiB", r.met(targetRSS))
	}
	if d := r.Disk; d != nil {
		name := fmt.Sprintf("disk: 4 KiB write + fdatasync ×%d", d.Syncs)
		for _, m := range []struct {
			metric string
			v      float64
		}{{"p50", d.P50MS}, {"p99", d.P99MS}, {"max", d.MaxMS}} {
			rows = append(rows, []string{name, m.metric, "—", fmtMS(m.v), "", ""})
		}
	}
	if rm := r.Reminders; rm != nil {
		rows = append(rows, reminderRows(rm, r.Options, r.met(targetReminders))...)
	}
	if rm := r.Reminders429; rm != nil {
		rows = append(rows, reminderRows(rm, r.Options, r.met(targetReminders429))...)
	}
	if rm := r.RemindersReplicas; rm != nil {
		rows = append(rows, reminderRows(rm, r.Options, r.met(targetReplicas))...)
	}
	if st := r.Startup; st != nil {
		rows = append(rows, []string{fmt.Sprintf("start-up, %d deals", st.Deals), fmt.Sprintf("median of %d", len(st.RunsMS)),
			"—", fmtMS(st.MedianMS) + " (max " + fmtMS(st.MaxMS) + ")", "", withMet("≤ 300 ms", r.met(targetStartup))})
	}
	return rows
}

// reminderRows are a reminder run's rows, with the target of its kind.
func reminderRows(rm *reminderReport, o benchOptions, met *bool) [][]string {
	name := fmt.Sprintf("reminders ×%d", rm.Deals)
	target := o.remindersTarget()
	if rm.Throttled {
		name += ", 429 on first posts"
		target = "≤ 1.10 × floor"
	}
	if rm.Replicas > 1 {
		name += fmt.Sprintf(", %d replicas", rm.Replicas)
		target = "0 dup, 0 missing"
	}
	if !rm.Wired {
		return [][]string{{name, "delivered", "—", "NOT WIRED (0 arrived)", "", withMet(target, met)}}
	}
	rows := [][]string{
		{name, "all delivered in", "—", fmt.Sprintf("%.2f s (first at %.2f s)", rm.Seconds, rm.FirstSeconds), "", ""},
		{name, "reminders/s", "—", fmtRate(rm.PerSecond), "", ""},
		{name, "dup / missing", "—", fmt.Sprintf("%d / %d", rm.Dup, rm.Missing), "", ""},
		{name, "postMessage calls", "—", fmt.Sprint(rm.PostCalls), "", ""},
		{name, "look-ups: info / members / users", "—", fmt.Sprintf("%d / %d / %d", rm.InfoCalls, rm.MembersCalls, rm.UsersCalls), "", ""},
		{name, "peak RSS", "—", fmtMiB(rm.PeakRSS), "", ""},
	}
	if rm.CPUPerReminder > 0 {
		rows = append(rows, []string{name, "bot CPU per reminder", "—", fmtUS(float64(rm.CPUPerReminder) / 1e3), "", ""})
	}
	if rm.Throttled {
		rows = append(rows, []string{name, "vs floor", "—", fmt.Sprintf("%.2fx of %.2f s", rm.Seconds/rm.FloorSeconds, rm.FloorSeconds), "", ""})
	}
	rows[0][5] = withMet(target, met)
	return rows
}

func withMet(target string, met *bool) string {
	switch {
	case target == "" || met == nil:
		return target
	case *met:
		return target + "  met"
	}
	return target + "  MISSED"
}

func orDash(measured bool, s string) string {
	if !measured {
		return "—"
	}
	return s
}

func answered(measured bool, l latencyReport) string {
	if !measured {
		return "—"
	}
	return fmt.Sprintf("%d/%d", l.Answered, l.Sent)
}

func ratio(base, bot float64, both bool) string {
	if !both || base == 0 {
		return ""
	}
	return fmt.Sprintf("%.2fx", bot/base)
}

// loadAvg is the 1-minute load average from /proc/loadavg; 0 where there is
// none.
func loadAvg() float64 {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	var v float64
	_, _ = fmt.Sscan(string(data), &v)
	return v
}

func fmtMS(v float64) string { return fmt.Sprintf("%.2f ms", v) }

func fmtUS(v float64) string { return fmt.Sprintf("%.0f µs", v) }

func fmtRate(v float64) string { return fmt.Sprintf("%.0f/s", v) }

func fmtMiB(b int64) string {
	if b <= 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.1f MiB", float64(b)/mib)
}
