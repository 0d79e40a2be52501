package storage

import "time"

// AuditEntry is one recorded change: who did what, when, to which deal.
type AuditEntry struct {
	ID     int64
	TeamID string
	UserID string
	At     time.Time
	Action string // e.g. "ask.add", "deal.close"
	DealID int64  // 0 when the change concerns no deal
	Detail string // JSON
}
