package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/longgame/longgame/storage"
)

const exportHelp = `usage: longgame export [--format json|csv] [--team T] [--dir D] [--force]

Writes every deal of the database (LONGGAME_DB) with its champion, champion
capital, asks, gives, risks and check-ins, read in one consistent snapshot;
safe to run while the bot is running. --team T limits it to one Slack
workspace (team id T).

--format json (the default) writes one JSON document to stdout:
  {"exported_at": "…", "workspaces": [{"team_id": "T…", "deals": [{…deal,
   "champion": {…} or null, "capital": {…}, "asks": […], "gives": […],
   "risks": […], "checkins": […]}], "champions": [{…person, "timeline":
   [{company, title, since, moved_from, …}], "touches": […]}]}]}
Times are RFC 3339 in UTC, calendar dates YYYY-MM-DD, amounts
{"amount": "120000.00", "currency": "USD"}; a value not set is null.

--format csv writes one file per kind of record into the directory --dir
(required; created if missing), for spreadsheets and pivot tables:
  deals.csv     one row per deal, with its champion and capital
  asks.csv      one row per ask of the champion
  gives.csv     one row per give
  risks.csv     one row per risk, resolved ones included
  checkins.csv  one row per check-in, whatever its status
  touches.csv   one row per recorded contact with a champion
Every row starts with team_id, deal_id and deal_name, so rows of any file
group by deal. A header row names the columns. Times are UTC, written
YYYY-MM-DD HH:MM:SS (columns ending in _utc) so spreadsheets read them as
dates; amounts are a plain decimal and a currency column. Files are UTF-8
with a byte-order mark (Excel then shows accents and € correctly) and CRLF
line ends; text that a spreadsheet would run as a formula (starting with
= + - or @) is prefixed with '. The files are readable by their owner only.
Existing files are left alone unless --force is given; each file is written
whole or not at all.

Exit status: 0 when written, 1 when the export failed (or --team names no
workspace of the database), 2 for a usage error.
`

func runExport(ctx context.Context, inv invocation) int {
	fs := newFlagSet(inv, "export", exportHelp)
	format := fs.String("format", "json", "json or csv")
	team := fs.String("team", "", "export only the workspace with this Slack team id")
	dir := fs.String("dir", "", "the directory the CSV files go to (csv only; required)")
	force := fs.Bool("force", false, "replace CSV files already in --dir (csv only)")
	if code, ok := parseFlags(fs, inv.args); !ok {
		return code
	}
	switch {
	case fs.NArg() > 0:
		return usageError(fs, "takes only flags, got %q", fs.Args())
	case *format != "json" && *format != "csv":
		return usageError(fs, "--format is json or csv, not %q", *format)
	case *format == "csv" && *dir == "":
		return usageError(fs, "--format csv needs --dir, the directory for the files")
	case *format == "json" && (*dir != "" || *force):
		return usageError(fs, "--dir and --force are for --format csv; JSON goes to stdout")
	}
	cfg, err := loadConfig()
	if err != nil {
		fmt.Fprintf(inv.stderr, "longgame export: %v\n", err)
		return exitUsage
	}
	ex, err := readExport(ctx, cfg.DB, *team)
	switch {
	case err != nil:
	case *format == "json":
		err = writeJSONExport(inv.stdout, ex, time.Now())
	default:
		err = writeCSVExport(inv.stdout, *dir, ex, *force)
	}
	if err != nil {
		fmt.Fprintf(inv.stderr, "longgame export: %v\n", err)
		return exitError
	}
	return exitOK
}

// readExport reads the export of workspace team ("" for all) from the
// database at path, which must exist.
func readExport(ctx context.Context, path, team string) (storage.Export, error) {
	if _, err := os.Stat(path); err != nil && !isPostgres(path) {
		// sqlite.Open would create an empty database: nothing to export.
		return storage.Export{}, fmt.Errorf("database %s (LONGGAME_DB): %w", path, err)
	}
	db, err := openStore(ctx, path, storeOptions{})
	if err != nil {
		return storage.Export{}, fmt.Errorf("open database: %w", err)
	}
	defer db.Close()
	ex, err := db.Export(ctx, team)
	if err != nil {
		return storage.Export{}, err
	}
	if team != "" && len(ex.Workspaces) == 0 {
		return storage.Export{}, fmt.Errorf("%s holds no workspace %s", dbName(path), team)
	}
	return ex, nil
}

// Values as the export writes them.

// isoDate is a calendar date as YYYY-MM-DD, "" when not set.
func isoDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

// ---- JSON

type jsonExport struct {
	ExportedAt string          `json:"exported_at"`
	Workspaces []jsonWorkspace `json:"workspaces"`
}

type jsonWorkspace struct {
	TeamID    string       `json:"team_id"`
	Deals     []jsonDeal   `json:"deals"`
	Champions []jsonPerson `json:"champions"`
}

// jsonPerson is a champion across deals: their timeline and contacts.
type jsonPerson struct {
	ID       int64       `json:"id"`
	Name     string      `json:"name"`
	Title    string      `json:"title"`
	Company  string      `json:"company"`
	UserID   string      `json:"user_id"`
	Timeline []jsonRole  `json:"timeline"`
	Touches  []jsonTouch `json:"touches"`
}

type jsonRole struct {
	Company    string  `json:"company"`
	Title      string  `json:"title"`
	Since      *string `json:"since"`
	MovedFrom  string  `json:"moved_from"`
	RecordedBy string  `json:"recorded_by"`
	RecordedAt *string `json:"recorded_at"`
}

type jsonTouch struct {
	DealID int64   `json:"deal_id"`
	Note   string  `json:"note"`
	By     string  `json:"by"`
	At     *string `json:"at"`
}

type jsonMoney struct {
	Amount   string `json:"amount"`
	Currency string `json:"currency"`
}

type jsonDeal struct {
	ID            int64         `json:"id"`
	ChannelID     string        `json:"channel_id"`
	Name          string        `json:"name"`
	Stage         string        `json:"stage"`
	OwnerID       string        `json:"owner_id"`
	Value         *jsonMoney    `json:"value"`
	ExpectedClose *string       `json:"expected_close"`
	ClosedOn      *string       `json:"closed_on"`
	LostReason    string        `json:"lost_reason"`
	Favored       string        `json:"favored"`
	ChampionLeft  string        `json:"champion_left"`
	CreatedBy     string        `json:"created_by"`
	CreatedAt     *string       `json:"created_at"`
	UpdatedBy     string        `json:"updated_by"`
	UpdatedAt     *string       `json:"updated_at"`
	Champion      *jsonChampion `json:"champion"`
	Capital       jsonCapital   `json:"capital"`
	Asks          []jsonAsk     `json:"asks"`
	Gives         []jsonGive    `json:"gives"`
	Risks         []jsonRisk    `json:"risks"`
	Checkins      []jsonCheckin `json:"checkins"`
}

type jsonChampion struct {
	ID      int64  `json:"id"`
	Name    string `json:"name"`
	Title   string `json:"title"`
	Company string `json:"company"`
	UserID  string `json:"user_id"`
}

type jsonCapital struct {
	Budget    int  `json:"budget"`
	Left      int  `json:"left"`
	Overdrawn bool `json:"overdrawn"`
}

type jsonAsk struct {
	Number    int     `json:"number"`
	What      string  `json:"what"`
	Cost      int     `json:"cost"`
	Extra     int     `json:"extra"`
	Status    string  `json:"status"`
	CreatedBy string  `json:"created_by"`
	CreatedAt *string `json:"created_at"`
	UpdatedBy string  `json:"updated_by"`
	UpdatedAt *string `json:"updated_at"`
}

type jsonGive struct {
	Number    int     `json:"number"`
	What      string  `json:"what"`
	Value     int     `json:"value"`
	CreatedBy string  `json:"created_by"`
	CreatedAt *string `json:"created_at"`
}

type jsonRisk struct {
	Number         int     `json:"number"`
	What           string  `json:"what"`
	Severity       string  `json:"severity"`
	Area           string  `json:"area"`
	NeedsTest      bool    `json:"needs_test"`
	Scenario       string  `json:"scenario"`
	Status         string  `json:"status"`
	ResolutionNote string  `json:"resolution_note"`
	ResolvedAt     *string `json:"resolved_at"`
	DisclosedAt    *string `json:"disclosed_at"`
	DisclosedBy    string  `json:"disclosed_by"`
	DisclosureNote string  `json:"disclosure_note"`
	CreatedBy      string  `json:"created_by"`
	CreatedAt      *string `json:"created_at"`
	UpdatedBy      string  `json:"updated_by"`
	UpdatedAt      *string `json:"updated_at"`
}

type jsonCheckin struct {
	ID            int64   `json:"id"`
	Kind          string  `json:"kind"`
	Offset        string  `json:"offset"`
	Note          string  `json:"note"`
	DueOn         *string `json:"due_on"`
	DueAt         *string `json:"due_at"`
	Status        string  `json:"status"`
	DoneNote      string  `json:"done_note"`
	Delivery      string  `json:"delivery"`
	DeliveryError string  `json:"delivery_error"`
	CreatedBy     string  `json:"created_by"`
	CreatedAt     *string `json:"created_at"`
	UpdatedBy     string  `json:"updated_by"`
	UpdatedAt     *string `json:"updated_at"`
}

// writeJSONExport writes ex as one JSON document, stamped with now.
func writeJSONExport(w io.Writer, ex storage.Export, now time.Time) error {
	doc := jsonExport{ExportedAt: now.UTC().Format(time.RFC3339), Workspaces: each(ex.Workspaces, toJSONWorkspace)}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(doc)
}

// each maps in through f, to a non-nil slice: JSON shows [] rather than null.
func each[T, U any](in []T, f func(T) U) []U {
	out := make([]U, 0, len(in))
	for _, v := range in {
		out = append(out, f(v))
	}
	return out
}

// jsonTime is t in RFC 3339 UTC, nil (null) when not set.
func jsonTime(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.UTC().Format(time.RFC3339)
	return &s
}

// jsonDate is t's calendar date, nil (null) when not set.
func jsonDate(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := isoDate(t)
	return &s
}

func toJSONWorkspace(w storage.WorkspaceExport) jsonWorkspace {
	return jsonWorkspace{TeamID: w.TeamID, Deals: each(w.Deals, toJSONDeal), Champions: each(w.Champions, toJSONPerson)}
}

func toJSONPerson(p storage.ChampionExport) jsonPerson {
	c := p.Champion
	return jsonPerson{ID: c.ID, Name: c.Name, Title: c.Title, Company: c.Company, UserID: c.UserID,
		Timeline: each(p.Roles, func(r storage.ChampionRole) jsonRole {
			return jsonRole{Company: r.Company, Title: r.Title, Since: jsonDate(r.Since), MovedFrom: r.MovedFrom,
				RecordedBy: r.RecordedBy, RecordedAt: jsonTime(r.RecordedAt)}
		}),
		Touches: each(p.Touches, func(t storage.Touch) jsonTouch {
			return jsonTouch{DealID: t.DealID, Note: t.Note, By: t.By, At: jsonTime(t.At)}
		}),
	}
}

func toJSONDeal(x storage.DealExport) jsonDeal {
	d := x.Deal
	out := jsonDeal{
		ID: d.ID, ChannelID: d.ChannelID, Name: d.Name, Stage: string(d.Stage), OwnerID: d.OwnerID,
		ExpectedClose: jsonDate(d.ExpectedClose), ClosedOn: jsonDate(d.ClosedOn), LostReason: d.LostReason,
		Favored: d.Favored, ChampionLeft: d.ChampionLeft,
		CreatedBy: d.CreatedBy, CreatedAt: jsonTime(d.CreatedAt), UpdatedBy: d.UpdatedBy, UpdatedAt: jsonTime(d.UpdatedAt),
		Capital: jsonCapital{Budget: x.Capital.Budget, Left: x.Capital.Left, Overdrawn: x.Capital.Overdrawn()},
		Asks:    each(x.Asks, toJSONAsk), Gives: each(x.Gives, toJSONGive),
		Risks: each(x.Risks, toJSONRisk), Checkins: each(x.Checkins, toJSONCheckin),
	}
	if !d.Value.IsZero() {
		out.Value = &jsonMoney{Amount: d.Value.Decimal(), Currency: d.Value.Currency}
	}
	if c := x.Champion; c != nil {
		out.Champion = &jsonChampion{ID: c.ID, Name: c.Name, Title: c.Title, Company: c.Company, UserID: c.UserID}
	}
	return out
}

func toJSONAsk(a storage.Ask) jsonAsk {
	return jsonAsk{Number: a.Number, What: a.What, Cost: a.Cost, Extra: a.Extra, Status: string(a.Status),
		CreatedBy: a.CreatedBy, CreatedAt: jsonTime(a.CreatedAt), UpdatedBy: a.UpdatedBy, UpdatedAt: jsonTime(a.UpdatedAt)}
}

func toJSONGive(g storage.Give) jsonGive {
	return jsonGive{Number: g.Number, What: g.What, Value: g.Value, CreatedBy: g.CreatedBy, CreatedAt: jsonTime(g.CreatedAt)}
}

func toJSONRisk(r storage.Risk) jsonRisk {
	return jsonRisk{Number: r.Number, What: r.What, Severity: string(r.Severity), Area: string(r.Area),
		NeedsTest: r.NeedsTest, Scenario: r.Scenario, Status: string(r.Status),
		ResolutionNote: r.ResolutionNote, ResolvedAt: jsonTime(r.ResolvedAt),
		DisclosedAt: jsonTime(r.DisclosedAt), DisclosedBy: r.DisclosedBy, DisclosureNote: r.DisclosureNote,
		CreatedBy: r.CreatedBy, CreatedAt: jsonTime(r.CreatedAt), UpdatedBy: r.UpdatedBy, UpdatedAt: jsonTime(r.UpdatedAt)}
}

func toJSONCheckin(c storage.Checkin) jsonCheckin {
	return jsonCheckin{ID: c.ID, Kind: string(c.Kind), Offset: c.Offset, Note: c.Note,
		DueOn: jsonDate(c.DueOn), DueAt: jsonTime(c.DueAt), Status: string(c.Status), DoneNote: c.DoneNote,
		Delivery: string(c.Delivery), DeliveryError: c.DeliveryError,
		CreatedBy: c.CreatedBy, CreatedAt: jsonTime(c.CreatedAt), UpdatedBy: c.UpdatedBy, UpdatedAt: jsonTime(c.UpdatedAt)}
}

// ---- CSV

// csvTable is one CSV file: a header and its rows.
type csvTable struct {
	name   string
	header []string
	rows   [][]string
}

// The CSV files, by their index in csvTables.
const (
	csvDeals = iota
	csvAsks
	csvGives
	csvRisks
	csvCheckins
	csvTouches
	csvCount
)

// csvNames are the files' names.
var csvNames = [csvCount]string{"deals.csv", "asks.csv", "gives.csv", "risks.csv", "checkins.csv", "touches.csv"}

// dealKey are the columns every CSV row starts with.
var dealKey = []string{"team_id", "deal_id", "deal_name"}

// csvHeaders are the files' columns after dealKey.
var csvHeaders = [csvCount][]string{
	csvDeals: {"channel_id", "stage", "owner_id", "value_amount", "value_currency",
		"expected_close", "closed_on", "lost_reason", "champion_name", "champion_title", "champion_user_id",
		"capital_budget", "capital_left", "asks", "gives", "risks_open", "created_by", "created_at_utc", "updated_by", "updated_at_utc",
		"champion_company", "favored", "champion_left"},
	csvAsks:  {"number", "what", "cost", "status", "created_by", "created_at_utc", "updated_by", "updated_at_utc", "extra"},
	csvGives: {"number", "what", "value", "created_by", "created_at_utc"},
	csvRisks: {"number", "what", "severity", "area", "needs_test", "scenario", "status",
		"resolution_note", "resolved_at_utc", "disclosed_at_utc", "disclosed_by", "disclosure_note",
		"created_by", "created_at_utc", "updated_by", "updated_at_utc"},
	csvCheckins: {"id", "kind", "offset", "note", "due_on", "due_at_utc", "status", "done_note",
		"delivery", "delivery_error", "created_by", "created_at_utc", "updated_by", "updated_at_utc"},
	csvTouches: {"champion_id", "champion_name", "note", "by", "at_utc"},
}

// csvTables lays ex out as CSV files, in csvNames' order.
func csvTables(ex storage.Export) []csvTable {
	tables := make([]csvTable, csvCount)
	for i := range tables {
		tables[i] = csvTable{name: csvNames[i], header: slices.Concat(dealKey, csvHeaders[i])}
	}
	for _, w := range ex.Workspaces {
		names := map[int64]string{}
		for _, d := range w.Deals {
			names[d.Deal.ID] = d.Deal.Name
		}
		for _, p := range w.Champions {
			for _, t := range p.Touches {
				tables[csvTouches].rows = append(tables[csvTouches].rows, []string{w.TeamID, strconv.FormatInt(t.DealID, 10),
					cell(names[t.DealID]), strconv.FormatInt(p.Champion.ID, 10), cell(p.Champion.Name), cell(t.Note), t.By, csvTime(t.At)})
			}
		}
		for _, x := range w.Deals {
			key := []string{w.TeamID, strconv.FormatInt(x.Deal.ID, 10), cell(x.Deal.Name)}
			add := func(t int, cols []string) { tables[t].rows = append(tables[t].rows, slices.Concat(key, cols)) }
			add(csvDeals, dealColumns(x))
			for _, a := range x.Asks {
				add(csvAsks, askColumns(a))
			}
			for _, g := range x.Gives {
				add(csvGives, []string{itoa(g.Number), cell(g.What), itoa(g.Value), g.CreatedBy, csvTime(g.CreatedAt)})
			}
			for _, r := range x.Risks {
				add(csvRisks, riskColumns(r))
			}
			for _, c := range x.Checkins {
				add(csvCheckins, checkinColumns(c))
			}
		}
	}
	return tables
}

func dealColumns(x storage.DealExport) []string {
	d := x.Deal
	var value, currency, champion, title, user, company string
	if !d.Value.IsZero() {
		value, currency = d.Value.Decimal(), d.Value.Currency
	}
	if c := x.Champion; c != nil {
		champion, title, user, company = cell(c.Name), cell(c.Title), c.UserID, cell(c.Company)
	}
	open := 0
	for _, r := range x.Risks {
		if r.Status == storage.RiskOpen {
			open++
		}
	}
	return []string{d.ChannelID, string(d.Stage), d.OwnerID, value, currency,
		isoDate(d.ExpectedClose), isoDate(d.ClosedOn), cell(d.LostReason), champion, title, user,
		itoa(x.Capital.Budget), itoa(x.Capital.Left), itoa(len(x.Asks)), itoa(len(x.Gives)), itoa(open),
		d.CreatedBy, csvTime(d.CreatedAt), d.UpdatedBy, csvTime(d.UpdatedAt), company, cell(d.Favored), cell(d.ChampionLeft)}
}

func askColumns(a storage.Ask) []string {
	return []string{itoa(a.Number), cell(a.What), itoa(a.Cost), string(a.Status),
		a.CreatedBy, csvTime(a.CreatedAt), a.UpdatedBy, csvTime(a.UpdatedAt), itoa(a.Extra)}
}

func riskColumns(r storage.Risk) []string {
	return []string{itoa(r.Number), cell(r.What), string(r.Severity), string(r.Area), strconv.FormatBool(r.NeedsTest),
		cell(r.Scenario), string(r.Status), cell(r.ResolutionNote), csvTime(r.ResolvedAt),
		csvTime(r.DisclosedAt), r.DisclosedBy, cell(r.DisclosureNote),
		r.CreatedBy, csvTime(r.CreatedAt), r.UpdatedBy, csvTime(r.UpdatedAt)}
}

func checkinColumns(c storage.Checkin) []string {
	return []string{strconv.FormatInt(c.ID, 10), string(c.Kind), c.Offset, cell(c.Note), isoDate(c.DueOn), csvTime(c.DueAt),
		string(c.Status), cell(c.DoneNote), string(c.Delivery), cell(c.DeliveryError),
		c.CreatedBy, csvTime(c.CreatedAt), c.UpdatedBy, csvTime(c.UpdatedAt)}
}

func itoa(n int) string { return strconv.Itoa(n) }

// csvTime is t in UTC as spreadsheets parse a date and time, "" when not set.
func csvTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.DateTime)
}

// cell is free text as a spreadsheet cell: text a spreadsheet would
// evaluate as a formula gets a leading ' so it shows as typed.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// writeCSVExport writes ex's files into dir and says on out what it wrote.
// Each file is written to a temporary file in dir and renamed into place,
// once all are written.
func writeCSVExport(out io.Writer, dir string, ex storage.Export, force bool) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tables := csvTables(ex)
	if !force {
		var exist []string
		for _, t := range tables {
			if _, err := os.Lstat(filepath.Join(dir, t.name)); err == nil {
				exist = append(exist, t.name)
			}
		}
		if len(exist) > 0 {
			return fmt.Errorf("%s already holds %s: choose another --dir, or add --force to replace them",
				dir, strings.Join(exist, ", "))
		}
	}
	tmps := make([]string, 0, len(tables))
	defer func() {
		for _, tmp := range tmps {
			os.Remove(tmp) // gone already once renamed
		}
	}()
	for _, t := range tables {
		tmp, err := writeCSVTemp(dir, t)
		if err != nil {
			return err
		}
		tmps = append(tmps, tmp)
	}
	for i, t := range tables {
		if err := os.Rename(tmps[i], filepath.Join(dir, t.name)); err != nil {
			return err
		}
	}
	if err := syncDir(dir); err != nil {
		return err
	}
	for _, t := range tables {
		rows := "rows"
		if len(t.rows) == 1 {
			rows = "row"
		}
		fmt.Fprintf(out, "wrote %s (%d %s)\n", filepath.Join(dir, t.name), len(t.rows), rows)
	}
	return nil
}

// writeCSVTemp writes t to a new temporary file in dir and returns its name.
func writeCSVTemp(dir string, t csvTable) (string, error) {
	f, err := os.CreateTemp(dir, "."+t.name+"-")
	if err != nil {
		return "", err
	}
	err = writeCSV(f, t)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("write %s: %w", t.name, err)
	}
	return f.Name(), nil
}

// writeCSV writes t's header and rows, UTF-8 with a byte-order mark and
// CRLF line ends, as spreadsheets expect.
func writeCSV(w io.Writer, t csvTable) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(t.header); err != nil {
		return err
	}
	if err := cw.WriteAll(t.rows); err != nil {
		return err
	}
	return cw.Error()
}
