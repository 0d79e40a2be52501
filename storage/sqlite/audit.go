package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/longgame/longgame/storage"
)

// audit appends the audit row of a change, in the change's transaction.
func audit(ctx context.Context, q querier, a storage.Actor, now time.Time, action string, dealID int64, detail any) error {
	buf, err := json.Marshal(detail)
	if err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	_, err = q.ExecContext(ctx, `INSERT INTO audit (team_id, user_id, at, action, deal_id, detail)
		VALUES (?, ?, ?, ?, ?, ?)`, a.TeamID, a.UserID, unixArg(now), action, idArg(dealID), string(buf))
	if err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return nil
}

// Audit lists the changes recorded for a deal of the workspace, oldest first.
func (db *DB) Audit(ctx context.Context, teamID string, dealID int64) ([]storage.AuditEntry, error) {
	entries, err := queryAll(ctx, db.read, scanAudit, `SELECT id, team_id, user_id, at, action, deal_id, detail
		FROM audit WHERE team_id = ? AND deal_id = ? ORDER BY id`, teamID, dealID)
	if err != nil {
		return nil, fmt.Errorf("audit of deal %d: %w", dealID, err)
	}
	return entries, nil
}

func scanAudit(s rowScanner, e *storage.AuditEntry) error {
	return s.Scan(&e.ID, &e.TeamID, &e.UserID, unix(&e.At), &e.Action, integer(&e.DealID), &e.Detail)
}
