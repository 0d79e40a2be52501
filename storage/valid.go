package storage

import "slices"

// The values each enumerated type allows; a store's schema may hold the
// same lists (SQLite's CHECK constraints do).
var (
	stages          = []Stage{StageOpen, StageWon, StageLost}
	askStatuses     = []AskStatus{AskOpen, AskDone, AskDeclined, AskWithdrawn}
	severities      = []Severity{SeverityLow, SeverityMedium, SeverityHigh, SeverityCritical}
	areas           = []Area{AreaTraining, AreaProcess, AreaTrust, AreaTechnical, AreaSecurity, AreaCommercial, AreaLegal, AreaOther}
	checkinKinds    = []CheckinKind{KindPostClose, KindKeepInTouch, KindManual, KindJobChange}
	checkinStatuses = []CheckinStatus{CheckinPending, CheckinDone, CheckinSkipped, CheckinMissed, CheckinCancelled}
	riskStatuses    = []RiskStatus{RiskOpen, RiskResolved, RiskWithdrawn}
)

// Severities lists the risk severities, from low to critical.
func Severities() []Severity { return slices.Clone(severities) }

// Areas lists the risk areas, the adoption costs first.
func Areas() []Area { return slices.Clone(areas) }

// Valid reports whether s is a known stage.
func (s Stage) Valid() bool { return slices.Contains(stages, s) }

// Valid reports whether s is a known ask status.
func (s AskStatus) Valid() bool { return slices.Contains(askStatuses, s) }

// Valid reports whether s is a known risk status.
func (s RiskStatus) Valid() bool { return slices.Contains(riskStatuses, s) }

// Valid reports whether s is a known severity.
func (s Severity) Valid() bool { return slices.Contains(severities, s) }

// Valid reports whether a is a known area.
func (a Area) Valid() bool { return slices.Contains(areas, a) }

// Valid reports whether k is a known check-in kind.
func (k CheckinKind) Valid() bool { return slices.Contains(checkinKinds, k) }

// Valid reports whether s is a known check-in status.
func (s CheckinStatus) Valid() bool { return slices.Contains(checkinStatuses, s) }
