package postgres

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
	_, err = q.Exec(ctx, `INSERT INTO audit (team_id, user_id, at, action, deal_id, detail)
		VALUES ($1, $2, $3, $4, $5, $6)`, a.TeamID, a.UserID, tsArg(now), action, idArg(dealID), string(buf))
	if err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return nil
}

// Audit lists the changes recorded for a deal of the workspace, oldest first.
func (db *DB) Audit(ctx context.Context, teamID string, dealID int64) ([]storage.AuditEntry, error) {
	entries, err := read(ctx, db, func(q querier) ([]storage.AuditEntry, error) {
		return queryAll(ctx, q, scanAudit, `SELECT id, team_id, user_id, at, action, deal_id, detail
			FROM audit WHERE team_id = $1 AND deal_id = $2 ORDER BY id`, teamID, dealID)
	})
	if err != nil {
		return nil, fmt.Errorf("audit of deal %d: %w", dealID, err)
	}
	return entries, nil
}

func scanAudit(s rowScanner, e *storage.AuditEntry) error {
	return s.Scan(integer(&e.ID), text(&e.TeamID), text(&e.UserID), ts(&e.At), text(&e.Action), integer(&e.DealID), text(&e.Detail))
}
