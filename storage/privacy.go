package storage

import "time"

// Post kinds: what a message Long Game posted in a channel is.
const (
	PostRecord  = "record"  // the answer to a recording command
	PostSummary = "summary" // a risk summary asked for by mention
	PostCheckin = "checkin" // a check-in reminder
)

// PostedMessage is a message Long Game posted in a channel. Each is kept
// so that, if the channel becomes shared, it can be edited to a line that
// hides what it said.
type PostedMessage struct {
	TeamID    string
	ChannelID string
	TS        string
	DealID    int64 // 0 when none
	Kind      string
	PostedAt  time.Time
}

// Validate checks that p says where it was posted and what it is.
func (p PostedMessage) Validate() error {
	if p.TeamID == "" || p.ChannelID == "" || p.TS == "" || p.Kind == "" {
		return Invalidf("a posted message needs a team, a channel, a ts and a kind")
	}
	return nil
}

// ChannelShare is a channel seen to become shared, and the hiding of what
// Long Game posted there before.
type ChannelShare struct {
	TeamID    string
	ChannelID string
	Why       string // "slack_connect", "shared", "guest", "outsider"
	SeenAt    time.Time
	Hidden    int       // messages hidden so far
	DoneAt    time.Time // zero while messages remain to hide
}

// Done reports whether every earlier message was hidden.
func (s ChannelShare) Done() bool { return !s.DoneAt.IsZero() }
