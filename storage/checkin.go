package storage

import "time"

// CheckinKind says what scheduled a check-in.
type CheckinKind string

// Check-in kinds.
const (
	KindPostClose   CheckinKind = "post_close"    // /deal close won
	KindKeepInTouch CheckinKind = "keep_in_touch" // /deal close lost
	KindManual      CheckinKind = "manual"        // /checkin add
	KindJobChange   CheckinKind = "job_change"    // /champion moved, after a closed deal
)

// CheckinStatus is the owner's side of a check-in.
type CheckinStatus string

// Check-in statuses. Nothing is ever deleted: cancelled and skipped are
// states.
const (
	CheckinPending   CheckinStatus = "pending"
	CheckinDone      CheckinStatus = "done"
	CheckinSkipped   CheckinStatus = "skipped"
	CheckinMissed    CheckinStatus = "missed" // covered by a later reminder: it never happened
	CheckinCancelled CheckinStatus = "cancelled"
)

// ValidateFinish checks that s is how a pending check-in may finish: done
// or skipped.
func ValidateFinish(s CheckinStatus) error {
	if s != CheckinDone && s != CheckinSkipped {
		return Invalidf("a check-in finishes done or skipped, not %q", s)
	}
	return nil
}

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
	Number        int // per deal, from 1, in the order check-ins were made
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

// Covered reports whether c is pending but folded into a later reminder,
// which covers it: it is listed as missed, not as due on its own.
func (c Checkin) Covered() bool {
	return c.Status == CheckinPending && c.Delivery == DeliveryFolded
}

// NewCheckin is a check-in to schedule.
type NewCheckin struct {
	DealID int64
	Kind   CheckinKind // "" means manual
	Offset string      // e.g. "14d" after the close
	Note   string
	DueOn  time.Time // the calendar date; zero means DueAt's date in UTC
	DueAt  time.Time // when the reminder goes out; required
	// MovedFrom is the date a day off moved it from (Week.Due), for the
	// answer that schedules it; zero when it was not moved. Not stored.
	MovedFrom time.Time `json:",omitzero"`
}

// WithDefaults is c with its defaults filled in: manual, and due on DueAt's
// date in UTC.
func (c NewCheckin) WithDefaults() NewCheckin {
	if c.Kind == "" {
		c.Kind = KindManual
	}
	c.DueOn = DueOn(c.DueOn, c.DueAt)
	return c
}

// Validate checks c's kind ("" is manual) and that it has a due time.
func (c NewCheckin) Validate() error {
	if c.Kind != "" && !c.Kind.Valid() {
		return Invalidf("unknown check-in kind %q", c.Kind)
	}
	return ValidateDue(c.DueAt)
}

// ValidateDue refuses a check-in without a due time.
func ValidateDue(dueAt time.Time) error {
	if dueAt.IsZero() {
		return Invalidf("a check-in needs a due time")
	}
	return nil
}

// DueOn is a check-in's calendar date: dueOn, or when it is zero dueAt's
// date in UTC, as a UTC midnight.
func DueOn(dueOn, dueAt time.Time) time.Time {
	if !dueOn.IsZero() || dueAt.IsZero() {
		return dueOn
	}
	y, m, d := dueAt.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// CheckinDue is a pending check-in with its deal.
type CheckinDue struct {
	Checkin Checkin
	Deal    Deal
}

// DueCheckin is a check-in claimed for delivery, with everything its
// reminder message shows.
type DueCheckin struct {
	Checkin  Checkin
	Deal     Deal
	Champion *Champion // nil when the deal names none
	OwnerTZ  string    // the owner's cached time zone (IANA name); "" when unknown
	// Risks are the deal's open risks, whenever they were flagged, most
	// severe first then by number: the first MaxDueRisks of OpenRisks.
	// Deal.SinceClose says which were flagged after the close.
	Risks     []Risk
	OpenRisks int // the deal's open risks, listed or not
	Missed    int // pending earlier check-ins folded into this one
	// ClaimedBy and ClaimedAt are the claim every later write is fenced on.
	ClaimedBy string
	ClaimedAt time.Time
	// Uncertain means an earlier post of this reminder may have reached
	// Slack (a 5xx, a dropped connection, a crash mid-send): look for it in
	// the channel's history before posting again.
	Uncertain bool
}

// MaxDueRisks is how many of a deal's open risks a claimed check-in
// carries: what one reminder message lists.
const MaxDueRisks = 10

// ValidateClaim checks a claim of reminders: a claimant, and a positive
// limit.
func ValidateClaim(claimant string, limit int) error {
	if claimant == "" {
		return Invalidf("a claim needs a claimant")
	}
	if limit <= 0 {
		return Invalidf("claim limit %d is not positive", limit)
	}
	return nil
}

// DueToFinish reports whether c may be marked done without its number:
// pending, not covered by a later reminder, and due on or before today
// (the caller's calendar date, as a UTC midnight). A future check-in is
// finished only by naming it.
func (c Checkin) DueToFinish(today time.Time) bool {
	return c.Status == CheckinPending && !c.Covered() && !c.DueOn.After(today)
}

// DueSoonDays is how far ahead "your check-ins" look: /checkin outside a
// deal channel, and the App Home.
const DueSoonDays = 14

// DueSoon is the end of the "your check-ins" window that starts at now.
func DueSoon(now time.Time) time.Time { return now.Add(DueSoonDays * 24 * time.Hour) }
