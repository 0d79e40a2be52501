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
	RiskOpen     RiskStatus = "open"
	RiskResolved RiskStatus = "resolved"
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
	Open                                      RiskCounts     // open risks by severity
	ByArea                                    map[Area]int   // open risks by area
	Undisclosed, Disclosed, Untested          int            // open risks not disclosed / disclosed / needing a test
	UndisclosedTop, DisclosedTop, UntestedTop []Risk         // at most limit each
	Coverage                                  map[Area][]int // for CoverageAreas: numbers of open risks, at most CoverageMax each, ascending
}

// CoverageAreas are the adoption costs whose risks RiskSummary.Coverage
// lists, for the summary's adoption checklist.
var CoverageAreas = []Area{AreaTraining, AreaProcess, AreaTrust}

// CoverageMax is how many risk numbers RiskSummary.Coverage keeps for an
// area.
const CoverageMax = 10
