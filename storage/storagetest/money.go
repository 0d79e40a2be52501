package storagetest

import (
	"fmt"
	"testing"

	"github.com/longgame/longgame/storage"
)

// testMoneyKeepsItsDigits stores deal values in currencies of 0, 2, 3 and 4
// minor digits, as a seller types them, and reads back the same amounts,
// shown as typed.
func testMoneyKeepsItsDigits(t *testing.T, db storage.Store, clk *Clock) {
	ctx := t.Context()
	for i, tc := range []struct{ typed, shown string }{
		{"$120,000", "$120,000"},
		{"€90,500.50", "€90,500.50"},
		{"1.234 KWD", "1.234 KWD"},
		{"5000 UGX", "5,000 UGX"},
		{"¥300k", "¥300,000"},
		{"1.2345 CLF", "1.2345 CLF"},
	} {
		m := Must(storage.ParseMoney(tc.typed, "USD"))
		d := Must(db.OpenDeal(ctx, Alice, storage.NewDeal{ChannelID: fmt.Sprintf("C%d", i), Name: tc.typed, OwnerID: "UALICE", Value: m, Budget: 10}))
		if got := Must(db.DealByID(ctx, "T1", d.ID)).Value; got != m || got.String() != tc.shown {
			t.Errorf("%s: stored %+v, read back %+v shown %q; want %q", tc.typed, m, got, got.String(), tc.shown)
		}
		changed := Must(db.UpdateDeal(ctx, Alice, d.ID, storage.DealChanges{Value: &storage.Money{Minor: m.Minor + 1, Currency: m.Currency}}))
		if changed.Value.Minor != m.Minor+1 || changed.Value.Currency != m.Currency {
			t.Errorf("%s: updated to %+v, want one minor unit more", tc.typed, changed.Value)
		}
	}
}
