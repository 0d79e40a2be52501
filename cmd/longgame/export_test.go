package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/longgame/longgame/bot/slackfake"
)

// exportFixture records deals in two workspaces of one Enterprise Grid org
// through the bot, end to end, then stops it. The bot's environment stays
// set for the export.
func exportFixture(t *testing.T) {
	t.Helper()
	h := startBot(t, newWorkspaceWith(t, slackfake.Options{EnterpriseID: "E1"}), filepath.Join(t.TempDir(), "longgame.db"))
	h.inChannel("U1", "C1", "/deal open Acme renewal value:$120,000 close:2026-12-15")
	h.inChannel("U1", "C1", `/champion set Jane Doe title:"VP of IT" <@U9|jane>`)
	h.inChannel("U1", "C1", "/champion ask an intro to the CFO cost:high")
	h.inChannel("U2", "C1", "/champion ask push the security review")
	h.inChannel("U1", "C1", "/champion done 1")
	h.inChannel("U1", "C1", "/champion declined 2")
	h.inChannel("U1", "C1", "/champion give a training plan value:low")
	h.inChannel("U2", "C1", `/risk flag SSO with Okta untested severity:high area:security test:"10k users at 9am"`)
	h.inChannel("U1", "C1", "/risk flag =1+2 looks like a formula severity:low")
	h.inChannel("U1", "C1", "/risk disclose 1 walked Jane through it")
	h.inChannel("U1", "C1", "/risk resolve 2 not a risk after all")
	h.inChannel("U1", "C1", "/deal close won", "closed Acme renewal as won")
	h.inChannel("U1", "C1", "/champion touch lunch after the go-live")
	h.inChannel("U1", "C1", "/champion moved Hooli title:CTO", "moved from Acme renewal to Hooli as CTO")
	h.inChannel("U2", "C2", "/deal open Globex")
	h.inChannel("U2", "C2", "/deal set favored:Teams")

	h.fake.AddTeam(slackfake.Team{ID: "T2", Name: "Other Co", Domain: "other", EnterpriseID: "E1"})
	h.fake.AddUser(slackfake.User{ID: "U5", TeamID: "T2", Name: "olga", TZ: "UTC"})
	h.fake.AddChannel(slackfake.Channel{ID: "C5", Name: "deal-x", IsMember: true})
	h.inChannel("U5", "C5", "/deal open Their secret deal value:€50k")
	h.inChannel("U5", "C5", "/champion set Olga")
	h.inChannel("U5", "C5", "/champion ask their secret favor")
	if code := h.shutdown(); code != exitOK {
		t.Fatalf("bot exited %d", code)
	}
}

func TestExportJSON(t *testing.T) {
	exportFixture(t)
	start := time.Now().UTC().Truncate(time.Second)
	code, out, errOut := runForTest(t, "export")
	if code != exitOK {
		t.Fatalf("export: exit %d, stderr %q", code, errOut)
	}
	var doc any
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("export is not JSON: %v\n%s", err, out)
	}
	if at, err := time.Parse(time.RFC3339, field(t, doc, "exported_at").(string)); err != nil || at.Before(start) {
		t.Errorf("exported_at = %v (%v), want an RFC 3339 time from now", field(t, doc, "exported_at"), err)
	}

	closed := field(t, doc, "workspaces.0.deals.0.closed_on").(string)
	closedOn, err := time.Parse(time.DateOnly, closed)
	if err != nil {
		t.Fatalf("closed_on %q: %v", closed, err)
	}
	const acme, globex = "workspaces.0.deals.0.", "workspaces.0.deals.1."
	for path, want := range map[string]any{
		"workspaces.0.team_id":                           "T1",
		acme + "name":                                    "Acme renewal",
		acme + "channel_id":                              "C1",
		acme + "stage":                                   "won",
		acme + "owner_id":                                "U1",
		acme + "value":                                   map[string]any{"amount": "120000.00", "currency": "USD"},
		acme + "expected_close":                          "2026-12-15",
		acme + "champion.name":                           "Jane Doe",
		acme + "champion.title":                          "CTO",
		acme + "champion.user_id":                        "U9",
		acme + "champion.company":                        "Hooli",
		acme + "asks.0.extra":                            0.0,
		globex + "favored":                               "Teams",
		"workspaces.0.champions.#":                       1,
		"workspaces.0.champions.0.name":                  "Jane Doe",
		"workspaces.0.champions.0.timeline.#":            2,
		"workspaces.0.champions.0.timeline.0.company":    "Acme renewal",
		"workspaces.0.champions.0.timeline.1.company":    "Hooli",
		"workspaces.0.champions.0.timeline.1.moved_from": "Acme renewal",
		"workspaces.0.champions.0.timeline.1.title":      "CTO",
		"workspaces.0.champions.0.touches.0.note":        "lunch after the go-live",
		"workspaces.0.champions.0.touches.0.by":          "U1",
		acme + "capital":                                 map[string]any{"budget": 10.0, "left": 6.0, "overdrawn": false},
		acme + "asks.#":                                  2,
		acme + "asks.0.number":                           1.0,
		acme + "asks.0.what":                             "an intro to the CFO",
		acme + "asks.0.cost":                             5.0,
		acme + "asks.0.status":                           "done",
		acme + "asks.1.status":                           "declined",
		acme + "asks.1.created_by":                       "U2",
		acme + "gives.#":                                 1,
		acme + "gives.0.what":                            "a training plan",
		acme + "gives.0.value":                           1.0,
		acme + "risks.#":                                 2,
		acme + "risks.0.what":                            "SSO with Okta untested",
		acme + "risks.0.severity":                        "high",
		acme + "risks.0.area":                            "security",
		acme + "risks.0.needs_test":                      true,
		acme + "risks.0.scenario":                        "10k users at 9am",
		acme + "risks.0.status":                          "open",
		acme + "risks.0.disclosed_by":                    "U1",
		acme + "risks.0.resolved_at":                     nil,
		acme + "risks.1.what":                            "=1+2 looks like a formula",
		acme + "risks.1.status":                          "resolved",
		acme + "risks.1.resolution_note":                 "not a risk after all",
		acme + "risks.1.disclosed_at":                    nil,
		acme + "checkins.#":                              6,
		acme + "checkins.0.kind":                         "post_close",
		acme + "checkins.0.offset":                       "14d",
		acme + "checkins.0.due_on":                       closedOn.AddDate(0, 0, 14).Format(time.DateOnly),
		acme + "checkins.0.status":                       "pending",
		acme + "checkins.5.offset":                       "365d",
		globex + "name":                                  "Globex",
		globex + "stage":                                 "open",
		globex + "value":                                 nil,
		globex + "closed_on":                             nil,
		globex + "champion":                              nil,
		globex + "capital":                               map[string]any{"budget": 10.0, "left": 10.0, "overdrawn": false},
		globex + "asks":                                  []any{},
		globex + "checkins":                              []any{},
		"workspaces.#":                                   2,
		"workspaces.1.team_id":                           "T2",
		"workspaces.1.deals.0.value":                     map[string]any{"amount": "50000.00", "currency": "EUR"},
	} {
		if d := cmp.Diff(want, field(t, doc, path)); d != "" {
			t.Errorf("%s (-want +got):\n%s", path, d)
		}
	}
	for _, path := range []string{acme + "created_at", acme + "risks.0.disclosed_at", acme + "risks.1.resolved_at", acme + "checkins.0.due_at"} {
		if _, err := time.Parse(time.RFC3339, field(t, doc, path).(string)); err != nil {
			t.Errorf("%s: %v", path, err)
		}
	}
}

func TestExportTeamKeepsWorkspacesApart(t *testing.T) {
	exportFixture(t)
	code, out, errOut := runForTest(t, "export", "--team", "T1")
	if code != exitOK {
		t.Fatalf("export: exit %d, stderr %q", code, errOut)
	}
	var doc any
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if n, team := field(t, doc, "workspaces.#"), field(t, doc, "workspaces.0.team_id"); n != 1 || team != "T1" {
		t.Errorf("--team T1 exported %v workspaces, the first %v", n, team)
	}
	// "T2" quoted: a time of day from 20:00 on holds T2 too ("…T20:04:37Z").
	if strings.Contains(out, "secret") || strings.Contains(out, `"T2"`) || strings.Contains(out, "Olga") {
		t.Errorf("--team T1 shows T2's data:\n%s", out)
	}

	dir := t.TempDir()
	if code, _, errOut := runForTest(t, "export", "--format", "csv", "--team", "T2", "--dir", dir); code != exitOK {
		t.Fatalf("export csv: exit %d, stderr %q", code, errOut)
	}
	for _, name := range []string{"deals.csv", "asks.csv", "gives.csv", "risks.csv", "checkins.csv"} {
		for _, row := range readCSV(t, filepath.Join(dir, name))[1:] {
			if row[0] != "T2" {
				t.Errorf("%s with --team T2 has a row of %s: %q", name, row[0], row)
			}
		}
	}

	code, out, errOut = runForTest(t, "export", "--team", "T9")
	if code != exitError || out != "" || !strings.Contains(errOut, "no workspace T9") {
		t.Errorf("--team T9: exit %d, stdout %q, stderr %q; want 1 saying there is no such workspace", code, out, errOut)
	}
}

func TestExportCSV(t *testing.T) {
	exportFixture(t)
	dir := filepath.Join(t.TempDir(), "export") // created by the export
	code, out, errOut := runForTest(t, "export", "--format", "csv", "--dir", dir)
	if code != exitOK {
		t.Fatalf("export: exit %d, stderr %q", code, errOut)
	}
	for _, line := range []string{"deals.csv (3 rows)", "asks.csv (3 rows)", "gives.csv (1 row)", "risks.csv (2 rows)", "checkins.csv (6 rows)",
		"touches.csv (1 row)"} {
		if !strings.Contains(out, "wrote "+filepath.Join(dir, line)) {
			t.Errorf("output does not say it wrote %s:\n%s", line, out)
		}
	}

	deals := readCSV(t, filepath.Join(dir, "deals.csv"))
	wantDeals := [][]string{
		{"team_id", "deal_id", "deal_name", "channel_id", "stage", "owner_id", "value_amount", "value_currency",
			"expected_close", "closed_on", "lost_reason", "champion_name", "champion_title", "champion_user_id",
			"capital_budget", "capital_left", "asks", "gives", "risks_open", "created_by", "created_at_utc", "updated_by", "updated_at_utc",
			"champion_company", "favored", "champion_left"},
		{"T1", "1", "Acme renewal", "C1", "won", "U1", "120000.00", "USD", "2026-12-15", deals[1][9], "", "Jane Doe", "CTO", "U9",
			"10", "6", "2", "1", "1", "U1", deals[1][20], "U1", deals[1][22], "Hooli", "", ""},
		{"T1", "2", "Globex", "C2", "open", "U2", "", "", "", "", "", "", "", "", "10", "10", "0", "0", "0", "U2", deals[2][20], "U2", deals[2][22],
			"", "Teams", ""},
		{"T2", "3", "Their secret deal", "C5", "open", "U5", "50000.00", "EUR", "", "", "", "Olga", "", "", "10", "7", "1", "0", "0", "U5", deals[3][20], "U5", deals[3][22],
			"Their secret deal", "", ""},
	}
	if d := cmp.Diff(wantDeals, deals); d != "" {
		t.Errorf("deals.csv (-want +got):\n%s", d)
	}
	spreadsheetTime := regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$`)
	if !spreadsheetTime.MatchString(deals[1][20]) {
		t.Errorf("created_at_utc = %q, want YYYY-MM-DD HH:MM:SS", deals[1][20])
	}

	asks := readCSV(t, filepath.Join(dir, "asks.csv"))
	if d := cmp.Diff([]string{"team_id", "deal_id", "deal_name", "number", "what", "cost", "status"}, asks[0][:7]); d != "" {
		t.Errorf("asks.csv header (-want +got):\n%s", d)
	}
	for i, want := range [][]string{
		{"T1", "1", "Acme renewal", "1", "an intro to the CFO", "5", "done", "U1"},
		{"T1", "1", "Acme renewal", "2", "push the security review", "3", "declined", "U2"},
		{"T2", "3", "Their secret deal", "1", "their secret favor", "3", "open", "U5"},
	} {
		if d := cmp.Diff(want, asks[i+1][:8]); d != "" {
			t.Errorf("asks.csv row %d (-want +got):\n%s", i+1, d)
		}
	}

	risks := readCSV(t, filepath.Join(dir, "risks.csv"))
	col := columns(risks[0])
	r1, r2 := risks[1], risks[2]
	for _, c := range []struct {
		row        []string
		name, want string
	}{
		{r1, "what", "SSO with Okta untested"},
		{r1, "needs_test", "true"},
		{r1, "scenario", "10k users at 9am"},
		{r1, "disclosure_note", "walked Jane through it"},
		{r2, "what", "'=1+2 looks like a formula"}, // shown as text, not run as a formula
		{r2, "status", "resolved"},
		{r2, "disclosed_at_utc", ""},
	} {
		if got := c.row[col[c.name]]; got != c.want {
			t.Errorf("risks.csv %s = %q, want %q", c.name, got, c.want)
		}
	}

	checkins := readCSV(t, filepath.Join(dir, "checkins.csv"))
	if got := checkins[1][columns(checkins[0])["offset"]]; got != "14d" {
		t.Errorf("first check-in offset %q, want 14d", got)
	}

	raw, err := os.ReadFile(filepath.Join(dir, "gives.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(raw), "\ufeffteam_id,") || !strings.Contains(string(raw), "\r\n") {
		t.Errorf("gives.csv is not UTF-8 with a BOM and CRLF line ends: %q", raw)
	}
}

func TestExportCSVKeepsExistingFilesUnlessForced(t *testing.T) {
	clearConfigEnv(t)
	t.Setenv("LONGGAME_DB", migratedDB(t))
	dir := t.TempDir()
	risks := filepath.Join(dir, "risks.csv")
	if err := os.WriteFile(risks, []byte("mine"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := runForTest(t, "export", "--format", "csv", "--dir", dir)
	if code != exitError || !strings.Contains(errOut, "already holds risks.csv") || !strings.Contains(errOut, "--force") {
		t.Errorf("exit %d, stderr %q; want 1 naming risks.csv and --force", code, errOut)
	}
	if b, _ := os.ReadFile(risks); string(b) != "mine" {
		t.Errorf("risks.csv was changed: %q", b)
	}
	if _, err := os.Stat(filepath.Join(dir, "deals.csv")); err == nil {
		t.Errorf("deals.csv was written although the export was refused")
	}
	if code, _, errOut := runForTest(t, "export", "--format", "csv", "--dir", dir, "--force"); code != exitOK {
		t.Fatalf("--force: exit %d, stderr %q", code, errOut)
	}
	if rows := readCSV(t, risks); len(rows) != 1 || rows[0][0] != "team_id" {
		t.Errorf("risks.csv after --force: %q, want the header alone", rows)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != len(csvNames) {
		t.Errorf("the directory holds %d files, want the %d CSV files and no temporary ones", len(entries), len(csvNames))
	}
}

func TestExportUsage(t *testing.T) {
	clearConfigEnv(t)
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--format", "xml"}, exitUsage, `--format is json or csv, not "xml"`},
		{[]string{"--format", "csv"}, exitUsage, "--format csv needs --dir"},
		{[]string{"--dir", "out"}, exitUsage, "--dir and --force are for --format csv"},
		{[]string{"deals"}, exitUsage, "takes only flags"},
		{[]string{"--help"}, exitOK, "deals.csv     one row per deal"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, out, errOut := runForTest(t, append([]string{"export"}, tc.args...)...)
			if code != tc.code || !strings.Contains(errOut, tc.want) || !strings.Contains(errOut, "usage: longgame export") {
				t.Errorf("exit %d, stderr %q; want %d, %q and the usage", code, errOut, tc.code, tc.want)
			}
			if out != "" {
				t.Errorf("stdout %q, want nothing", out)
			}
		})
	}
}

func TestExportRefusesToInventADatabase(t *testing.T) {
	clearConfigEnv(t)
	path := filepath.Join(t.TempDir(), "missing.db")
	t.Setenv("LONGGAME_DB", path)
	if code, _, errOut := runForTest(t, "export"); code != exitError || !strings.Contains(errOut, "LONGGAME_DB") {
		t.Errorf("exit %d, stderr %q; want 1 naming LONGGAME_DB", code, errOut)
	}
	if _, err := os.Stat(path); err == nil {
		t.Errorf("export created %s", path)
	}
}

// TestExportKeepsEachCurrencysDigits records deals in Kuwaiti dinars
// (three decimals) and Ugandan shillings (none) through the bot, and
// checks that both formats write the amounts typed.
func TestExportKeepsEachCurrencysDigits(t *testing.T) {
	h := startBot(t, newWorkspace(t), filepath.Join(t.TempDir(), "longgame.db"))
	h.inChannel("U1", "C1", `/deal open Kuwait value:"1.234 KWD"`)
	h.inChannel("U1", "C2", `/deal open Kampala value:"5000 UGX"`)
	if code := h.shutdown(); code != exitOK {
		t.Fatalf("bot exited %d", code)
	}
	code, out, errOut := runForTest(t, "export")
	if code != exitOK {
		t.Fatalf("export: exit %d, stderr %q", code, errOut)
	}
	var doc any
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]any{
		"workspaces.0.deals.0.value": map[string]any{"amount": "1.234", "currency": "KWD"},
		"workspaces.0.deals.1.value": map[string]any{"amount": "5000", "currency": "UGX"},
	} {
		if d := cmp.Diff(want, field(t, doc, path)); d != "" {
			t.Errorf("%s (-want +got):\n%s", path, d)
		}
	}
	dir := t.TempDir()
	if code, _, errOut := runForTest(t, "export", "--format", "csv", "--dir", dir); code != exitOK {
		t.Fatalf("export csv: exit %d, stderr %q", code, errOut)
	}
	deals := readCSV(t, filepath.Join(dir, "deals.csv"))
	col := columns(deals[0])
	var got [][2]string
	for _, row := range deals[1:] {
		got = append(got, [2]string{row[col["value_amount"]], row[col["value_currency"]]})
	}
	if d := cmp.Diff([][2]string{{"1.234", "KWD"}, {"5000", "UGX"}}, got); d != "" {
		t.Errorf("deals.csv amounts (-want +got):\n%s", d)
	}
}

// field is the value at path in a decoded JSON document: keys and indexes
// separated by dots; a last element "#" is the length of the array.
func field(t *testing.T, doc any, path string) any {
	t.Helper()
	v := doc
	for _, p := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = x[p]; !ok {
				t.Fatalf("%s: no %q", path, p)
			}
		case []any:
			if p == "#" {
				return len(x)
			}
			i, err := strconv.Atoi(p)
			if err != nil || i < 0 || i >= len(x) {
				t.Fatalf("%s: no element %q of %d", path, p, len(x))
			}
			v = x[i]
		default:
			t.Fatalf("%s: %q of a %T", path, p, v)
		}
	}
	return v
}

// readCSV reads a CSV file of the export, header included, without its BOM.
func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(b), "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return rows
}

// columns maps a header's names to their indexes.
func columns(header []string) map[string]int {
	m := map[string]int{}
	for i, name := range header {
		m[name] = i
	}
	return m
}
