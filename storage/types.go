package storage

import (
	"errors"
	"time"
)

// Errors the store returns; callers test them with errors.Is.
var (
	// ErrNotFound means the deal, ask, risk, champion or check-in does not
	// exist in the caller's workspace.
	ErrNotFound = errors.New("not found")
	// ErrConflict means the change contradicts what is recorded, e.g. a
	// second deal in a channel that already has one.
	ErrConflict = errors.New("conflict")
)

// Actor is who makes a change: every write records it with the time.
type Actor struct {
	TeamID string
	UserID string
}

// Stage is where a deal stands.
type Stage string

// Deal stages.
const (
	StageOpen Stage = "open"
	StageWon  Stage = "won"
	StageLost Stage = "lost"
)

// Deal is one sales opportunity; its Slack channel is its home.
//
// Calendar dates (ExpectedClose, ClosedOn) are UTC midnights; the zero time
// means "not set".
type Deal struct {
	ID            int64
	TeamID        string
	ChannelID     string
	Name          string
	Stage         Stage
	OwnerID       string
	Value         Money
	ExpectedClose time.Time
	ClosedOn      time.Time
	LostReason    string
	ChampionID    int64 // 0 when no champion is named
	Budget        int   // champion capital budget
	CreatedBy     string
	CreatedAt     time.Time
	UpdatedBy     string
	UpdatedAt     time.Time
}

// Champion is a person inside the customer who defends the purchase. One
// person is one champion across the deals of a workspace: matched by Slack
// user id when linked, else by case-insensitive name.
type Champion struct {
	ID        int64
	TeamID    string
	Name      string
	Title     string
	UserID    string // linked Slack user, "" when none
	CreatedBy string
	CreatedAt time.Time
	UpdatedBy string
	UpdatedAt time.Time
}

// AskStatus is what became of a favor asked of the champion.
type AskStatus string

// Ask statuses.
const (
	AskOpen     AskStatus = "open"
	AskDone     AskStatus = "done"
	AskDeclined AskStatus = "declined"
)

// Ask is a favor asked of the champion, numbered per deal from 1.
type Ask struct {
	ID        int64
	DealID    int64
	Number    int
	What      string
	Cost      int // 1..5
	Status    AskStatus
	CreatedBy string
	CreatedAt time.Time
	UpdatedBy string
	UpdatedAt time.Time
}

// Give is something done for the champion, numbered per deal from 1.
type Give struct {
	ID        int64
	DealID    int64
	Number    int
	What      string
	Value     int // 1..5
	CreatedBy string
	CreatedAt time.Time
}

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

// CheckinKind says what scheduled a check-in.
type CheckinKind string

// Check-in kinds.
const (
	KindPostClose   CheckinKind = "post_close"    // /deal close won
	KindKeepInTouch CheckinKind = "keep_in_touch" // /deal close lost
	KindManual      CheckinKind = "manual"        // /checkin add
)

// CheckinStatus is the owner's side of a check-in.
type CheckinStatus string

// Check-in statuses. Nothing is ever deleted: cancelled and skipped are
// states.
const (
	CheckinPending   CheckinStatus = "pending"
	CheckinDone      CheckinStatus = "done"
	CheckinSkipped   CheckinStatus = "skipped"
	CheckinCancelled CheckinStatus = "cancelled"
)

// Delivery is the reminder message's side of a check-in.
type Delivery string

// Delivery states of a check-in's reminder message.
const (
	DeliveryQueued  Delivery = "queued"  // not yet sent
	DeliverySending Delivery = "sending" // claimed by a dispatcher
	DeliverySent    Delivery = "sent"    // posted; MessageTS says where
	DeliveryFolded  Delivery = "folded"  // covered by a later reminder's message
	DeliveryFailed  Delivery = "failed"  // the channel refused; see DeliveryError
)

// Checkin is a post-sale check-in and the reminder that announces it.
//
// DueOn is the calendar date (UTC midnight); DueAt the instant the reminder
// goes out (09:00 in the owner's time zone on DueOn, or later when snoozed).
type Checkin struct {
	ID            int64
	TeamID        string
	DealID        int64
	Kind          CheckinKind
	Offset        string // "14d" for a post-close check-in
	Note          string
	DueOn         time.Time
	DueAt         time.Time
	Status        CheckinStatus
	Delivery      Delivery
	MessageTS     string
	MessageChan   string
	DeliveryError string
	Attempts      int
	DoneNote      string
	CreatedBy     string
	CreatedAt     time.Time
	UpdatedBy     string
	UpdatedAt     time.Time
}
