package storage

import (
	"strings"
	"time"
)

// Severity of a risk, from low to critical.
type Severity string

// Risk severities.
const (
	SeverityLow      Severity = "low"
	SeverityMedium   Severity = "medium"
	SeverityHigh     Severity = "high"
	SeverityCritical Severity = "critical"
)

// Area is the part of the adoption a risk threatens.
type Area string

// Risk areas. Training, process and trust are the three adoption costs the
// champion carries after the purchase.
const (
	AreaTraining   Area = "training"
	AreaProcess    Area = "process"
	AreaTrust      Area = "trust"
	AreaTechnical  Area = "technical"
	AreaSecurity   Area = "security"
	AreaCommercial Area = "commercial"
	AreaLegal      Area = "legal"
	AreaOther      Area = "other"
)

// RiskStatus says whether a risk is still open.
type RiskStatus string

// Risk statuses.
const (
	RiskOpen      RiskStatus = "open"
	RiskResolved  RiskStatus = "resolved"
	RiskWithdrawn RiskStatus = "withdrawn" // recorded by mistake: it counts for nothing
)

// Risk is a risk or scenario that needs more testing, numbered per deal.
type Risk struct {
	ID             int64
	DealID         int64
	Number         int
	What           string
	Severity       Severity
	Area           Area
	NeedsTest      bool
	Scenario       string // what to test; "" when NeedsTest has no scenario
	Status         RiskStatus
	ResolutionNote string
	ResolvedAt     time.Time
	DisclosedAt    time.Time // zero until shared with the champion or customer
	DisclosedBy    string
	DisclosureNote string
	WithdrawnBy    string
	WithdrawnAt    time.Time
	CreatedBy      string
	CreatedAt      time.Time
	UpdatedBy      string
	UpdatedAt      time.Time
}

// NewRisk is what /risk flag records.
type NewRisk struct {
	What      string
	Severity  Severity // "" means medium
	Area      Area     // "" means other
	NeedsTest bool
	Scenario  string // what to test; a scenario implies NeedsTest
}

// WithDefaults is r with its defaults filled in: medium, other, and a
// test needed when a scenario is given.
func (r NewRisk) WithDefaults() NewRisk {
	if r.Severity == "" {
		r.Severity = SeverityMedium
	}
	if r.Area == "" {
		r.Area = AreaOther
	}
	if r.Scenario != "" {
		r.NeedsTest = true
	}
	return r
}

// Validate checks that r says what the risk is, with a known severity and
// area ("" takes the default).
func (r NewRisk) Validate() error {
	switch {
	case strings.TrimSpace(r.What) == "":
		return Invalidf("say what the risk is")
	case r.Severity != "" && !r.Severity.Valid():
		return Invalidf("unknown severity %q", r.Severity)
	case r.Area != "" && !r.Area.Valid():
		return Invalidf("unknown area %q", r.Area)
	}
	return nil
}

// Resolve checks that r may be resolved: ErrUnchanged when it is
// already, ErrConflict when it was withdrawn.
func (r Risk) Resolve() error { return r.move(RiskResolved) }

// Reopen checks that r may be opened again: ErrUnchanged when it is open,
// ErrConflict when it was withdrawn.
func (r Risk) Reopen() error { return r.move(RiskOpen) }

func (r Risk) move(to RiskStatus) error {
	switch r.Status {
	case to:
		return ErrUnchanged
	case RiskWithdrawn:
		return Conflictf("risk #%d was withdrawn", r.Number)
	}
	return nil
}

// Disclose checks that r may be recorded as disclosed: ErrUnchanged when
// it was already (the first disclosure stands), ErrConflict when it was
// withdrawn.
func (r Risk) Disclose() error {
	switch {
	case r.Status == RiskWithdrawn:
		return Conflictf("risk #%d was withdrawn", r.Number)
	case !r.DisclosedAt.IsZero():
		return ErrUnchanged
	}
	return nil
}

// RiskEdit is what /risk edit changes; a nil field is left alone.
type RiskEdit struct {
	What      *string
	Severity  *Severity
	Area      *Area
	NeedsTest *bool
	Scenario  *string // a scenario implies NeedsTest
}

// Validate checks the fields that change.
func (e RiskEdit) Validate() error {
	switch {
	case e.What != nil && strings.TrimSpace(*e.What) == "":
		return Invalidf("say what the risk is")
	case e.Severity != nil && !e.Severity.Valid():
		return Invalidf("unknown severity %q", *e.Severity)
	case e.Area != nil && !e.Area.Valid():
		return Invalidf("unknown area %q", *e.Area)
	}
	return nil
}

// Apply is r with e applied, and whether that changes anything. A
// withdrawn risk is not edited: ErrConflict.
func (e RiskEdit) Apply(r Risk) (Risk, bool, error) {
	if r.Status == RiskWithdrawn {
		return r, false, Conflictf("risk #%d was withdrawn", r.Number)
	}
	changed := false
	set(&r.What, e.What, &changed)
	set(&r.Severity, e.Severity, &changed)
	set(&r.Area, e.Area, &changed)
	set(&r.NeedsTest, e.NeedsTest, &changed)
	set(&r.Scenario, e.Scenario, &changed)
	if e.Scenario != nil && *e.Scenario != "" && !r.NeedsTest {
		r.NeedsTest, changed = true, true
	}
	if !r.NeedsTest && r.Scenario != "" {
		r.Scenario, changed = "", true // no test, no scenario to run
	}
	return r, changed, nil
}

// RiskCounts counts open risks by severity.
type RiskCounts struct {
	Low, Medium, High, Critical int
}

// Total is the number of open risks.
func (r RiskCounts) Total() int { return r.Low + r.Medium + r.High + r.Critical }

// Add counts n more risks of severity sev.
func (r *RiskCounts) Add(sev Severity, n int) {
	switch sev {
	case SeverityLow:
		r.Low += n
	case SeverityMedium:
		r.Medium += n
	case SeverityHigh:
		r.High += n
	case SeverityCritical:
		r.Critical += n
	}
}

// RiskSummary is the risk picture of one deal, for /risk summary: counts
// over every open risk, and only the first limit risks of each list, most
// severe first, then by number.
type RiskSummary struct {
	Open                                      RiskCounts   // open risks by severity
	ByArea                                    map[Area]int // open risks by area
	Undisclosed, Disclosed, Untested          int          // open risks not disclosed / disclosed / needing a test
	UndisclosedTop, DisclosedTop, UntestedTop []Risk       // at most limit each
	// Coverage lists, for each of CoverageAreas, the risks that cover it:
	// open or resolved (a resolved risk says the cost was thought of), at
	// most CoverageMax, by number. CoverageTotal counts them all.
	Coverage      map[Area][]Cover
	CoverageTotal map[Area]int
}

// Cover is a risk covering an adoption cost in the checklist.
type Cover struct {
	Number   int
	Resolved bool
}

// CoverageAreas are the adoption costs whose risks RiskSummary.Coverage
// lists, for the summary's adoption checklist.
var CoverageAreas = []Area{AreaTraining, AreaProcess, AreaTrust}

// CoverageMax is how many risk numbers RiskSummary.Coverage keeps for an
// area.
const CoverageMax = 10
