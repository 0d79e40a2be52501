package sqlite

import "testing"

// TestDigestRecordsWhereItWent checks the columns a claimed nudge's outcome
// is kept in: nothing reads them back but an operator.
func TestDigestRecordsWhereItWent(t *testing.T) {
	db, _ := openTest(t)
	ctx := t.Context()
	const slot = "2026-03-02T09:00 UTC"
	for _, user := range []string{"UALICE", "UBOB"} {
		if !must(db.ClaimDigest(ctx, "T1", user, slot)) {
			t.Fatalf("claim of %s refused", user)
		}
	}
	wantErr(t, db.MarkDigestSent(ctx, "T1", "UALICE", slot, "D1", "1.1"), nil)
	wantErr(t, db.MarkDigestFailed(ctx, "T1", "UBOB", slot, "user_not_found"), nil)
	if n := count(t, db, `SELECT COUNT(*) FROM digests WHERE message_channel = 'D1' AND message_ts = '1.1' AND error = ''`); n != 1 {
		t.Errorf("%d digests recorded as sent, want 1", n)
	}
	if n := count(t, db, `SELECT COUNT(*) FROM digests WHERE error = 'user_not_found' AND message_ts = ''`); n != 1 {
		t.Errorf("%d digests recorded as failed, want 1", n)
	}
}
