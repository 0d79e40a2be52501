package sqlite

import (
	"context"
	"strings"
	"testing"
)

// TestSchemaRefusesCrossWorkspaceRows checks the composite foreign keys:
// even SQL that forgets the team id cannot attach a row to another
// workspace's deal.
func TestSchemaRefusesCrossWorkspaceRows(t *testing.T) {
	db, _ := openTest(t)
	d := newDeal(t, db, alice, "C1")
	newDeal(t, db, mallory, "C9")
	err := db.write(t.Context(), func(ctx context.Context, tx *txn) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO asks (team_id, deal_id, number, what, cost, created_by, created_at,
			updated_by, updated_at) VALUES ('T2', ?, 1, 'x', 1, 'U', 0, 'U', 0)`, d.ID)
		return err
	})
	if err == nil {
		t.Error("an ask of T2 on a deal of T1 was stored")
	} else if !strings.Contains(err.Error(), "FOREIGN KEY") {
		t.Errorf("got %v, want a foreign key violation", err)
	}
}
