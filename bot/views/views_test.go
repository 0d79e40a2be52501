package views

import (
	"encoding/json"
	"fmt"
	"github.com/slack-go/slack"
	"strings"
	"testing"
	"time"

	"github.com/longgame/longgame/storage"
)

var (
	testNow = time.Date(2026, 11, 27, 15, 4, 0, 0, time.UTC)
	paris   = mustLoad("Europe/Paris")
)

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func acmeDeal() storage.Deal {
	return storage.Deal{
		ID: 1, TeamID: "T1", ChannelID: "C1", Name: "Acme renewal <2027>", Stage: storage.StageOpen,
		OwnerID: "U1", Value: storage.Money{Minor: 12000000, Currency: "USD"},
		ExpectedClose: date(2026, 12, 15), ChampionID: 1, Budget: 10,
	}
}

func jane() storage.Champion {
	return storage.Champion{ID: 1, TeamID: "T1", Name: "Jane Doe", Title: "VP of IT", Company: "Acme", UserID: "U9"}
}

func TestDealCardGolden(t *testing.T) {
	ch := jane()
	next := storage.Checkin{DueAt: time.Date(2026, 12, 16, 8, 0, 0, 0, time.UTC)}
	typical := storage.DealOverview{
		Deal: acmeDeal(), Champion: &ch, Capital: storage.Capital{Budget: 10, Left: 4},
		OpenRisks: storage.RiskCounts{Critical: 1, High: 2, Low: 3}, UntestedRisks: 2, NextCheckin: &next,
	}
	checkGolden(t, "deal_card_typical", DealCard(typical, Across{}, testNow, paris))

	bare := storage.DealOverview{Deal: storage.Deal{ID: 2, ChannelID: "C2", Name: "Globex", Stage: storage.StageOpen, OwnerID: "U2", Budget: 10},
		Capital: storage.Capital{Budget: 10, Left: 10}}
	checkGolden(t, "deal_card_small", DealCard(bare, Across{}, testNow, time.UTC))

	// An open deal whose expected close passed says so; a won one shows
	// the day it closed, not the day it was expected.
	late := typical
	late.Deal.ExpectedClose = testNow.AddDate(0, 0, -4).Truncate(24 * time.Hour)
	checkGolden(t, "deal_card_late", DealCard(late, Across{}, testNow, time.UTC))
	won := typical
	won.Deal.Stage, won.Deal.ClosedOn = storage.StageWon, date(2026, 11, 20)
	checkGolden(t, "deal_card_won", DealCard(won, Across{}, testNow, paris))
}

func TestCapitalThresholds(t *testing.T) {
	for _, tc := range []struct {
		name     string
		capital  storage.Capital
		contains string
		absent   []string
	}{
		{"healthy", storage.Capital{Budget: 10, Left: 3}, "*3 of 10*", []string{"Running low", "Overdrawn"}},
		{"twenty percent warns", storage.Capital{Budget: 10, Left: 2}, "Running low", []string{"Overdrawn"}},
		{"zero warns, not overdrawn", storage.Capital{Budget: 10, Left: 0}, "Running low", []string{"Overdrawn"}},
		{"below zero is overdrawn", storage.Capital{Budget: 10, Left: -3}, "you might lose despite winning it — give back before you ask again", []string{"Running low"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := CapitalLine(tc.capital)
			if !strings.Contains(got, tc.contains) {
				t.Errorf("CapitalLine(%+v) = %q, want it to contain %q", tc.capital, got, tc.contains)
			}
			for _, a := range tc.absent {
				if strings.Contains(got, a) {
					t.Errorf("CapitalLine(%+v) = %q, should not say %q", tc.capital, got, a)
				}
			}
		})
	}
}

func TestAskAnswersGolden(t *testing.T) {
	ask := storage.Ask{Number: 3, What: "an intro to the CFO & <!channel>", Cost: 5, Status: storage.AskOpen}
	checkGolden(t, "ask_recorded_overdrawn", AskRecorded(ask, storage.Deal{}, storage.Capital{Budget: 10, Left: -2}, Across{}, "U1"))
	give := storage.Give{Number: 1, What: "a training plan for their admins", Value: 3}
	checkGolden(t, "give_recorded", GiveRecorded(give, storage.Capital{Budget: 10, Left: 8}, "U1"))
}

func TestLedgerGolden(t *testing.T) {
	d := acmeDeal()
	ch := jane()
	checkGolden(t, "ledger_typical", Ledger(d, &ch, ledgerEntries(6)))
	huge := Ledger(d, &ch, ledgerEntries(2000))
	checkGolden(t, "ledger_huge", huge)
	if !strings.Contains(blockText(huge.Blocks), "more") {
		t.Error("a 2,000-entry ledger does not say how many entries were left out")
	}
}

func ledgerEntries(n int) []storage.LedgerEntry {
	out := make([]storage.LedgerEntry, 0, n)
	left := 10
	for i := range n {
		at := time.Date(2026, 10, 1, 10, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Hour)
		if i%3 == 2 {
			g := storage.Give{Number: i/3 + 1, What: fmt.Sprintf("give number %d: a reference call with a peer", i), Value: 1}
			left = min(10, left+1)
			out = append(out, storage.LedgerEntry{At: at, Give: &g, Left: left})
			continue
		}
		a := storage.Ask{Number: i - i/3 + 1, What: fmt.Sprintf("ask number %d: push the security review", i), Cost: 1, Status: storage.AskOpen}
		left--
		out = append(out, storage.LedgerEntry{At: at, Ask: &a, Left: left})
	}
	return out
}

func TestDealListGolden(t *testing.T) {
	var deals []storage.DealOverview
	for i := range 400 {
		d := acmeDeal()
		d.ID, d.ChannelID, d.Name = int64(i+1), fmt.Sprintf("C%03d", i), fmt.Sprintf("Deal %d with a fairly long customer name", i)
		deals = append(deals, storage.DealOverview{Deal: d, Capital: storage.Capital{Budget: 10, Left: 10 - i%14},
			OpenRisks: storage.RiskCounts{High: i % 2}})
	}
	today := storage.Today(testNow, paris)
	deals[1].Deal.ExpectedClose = today.AddDate(0, 0, -4)
	deals[2].Deal.Stage, deals[2].Deal.ClosedOn = storage.StageWon, date(2026, 11, 2)
	deals[3].Deal.Stage, deals[3].Deal.ClosedOn = storage.StageLost, date(2026, 10, 1)
	checkGolden(t, "deal_list_typical", DealList(pageOf(deals[:5], 5), "open", false, today))
	checkGolden(t, "deal_list_huge", DealList(pageOf(deals[:DealListLimit], len(deals)), "all", true, today))
	checkGolden(t, "deal_list_empty", DealList(storage.Page[storage.DealOverview]{}, "won", true, today))
}

func TestHistoryGolden(t *testing.T) {
	ch := jane()
	won := acmeDeal()
	won.Stage, won.ClosedOn = storage.StageWon, date(2026, 6, 1)
	deals := []storage.ChampionDeal{
		{Deal: acmeDeal(), Current: true, Asks: 4, Gives: 1, Capital: storage.Capital{Budget: 10, Left: 2}, LastContact: time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)},
		{Deal: won, Asks: 1, Gives: 0, Capital: storage.Capital{Budget: 10, Left: 7}},
	}
	checkGolden(t, "champion_history", History(ch, pageOf(deals, len(deals)), paris))
}

func TestUserTextCannotPingTheChannel(t *testing.T) {
	ask := storage.Ask{Number: 1, What: "<!channel> please <@U123> & co", Cost: 3}
	got := blockText(AskRecorded(ask, storage.Deal{}, storage.Capital{Budget: 10, Left: 7}, Across{}, "U1").Blocks)
	if strings.Contains(got, "<!channel>") || strings.Contains(got, "<@U123>") || !strings.Contains(got, "&lt;!channel&gt;") {
		t.Errorf("user text echoed as live markup: %s", got)
	}
}

// pageOf is the first items of a list of total.
func pageOf[T any](items []T, total int) storage.Page[T] {
	return storage.Page[T]{Items: items, Total: total}
}

// Every surface writes an amount as the money rule does, whatever the
// currency's minor digits: an outside test saw 1.234 KWD shown as 12.34
// and 5000 UGX as 50 by a second, smaller rule set.
func TestMoneyOnEverySurface(t *testing.T) {
	for _, tc := range []struct{ typed, shown string }{
		{"1.234 KWD", "1.234 KWD"}, // 3 minor digits
		{"5000UGX", "5,000 UGX"},   // 0
		{"¥300k", "¥300,000"},      // 0, by symbol
		{"$120,000.50", "$120,000.50"},
		{"90.5k EUR", "€90,500"},
		{"2m IDR", "2,000,000 IDR"}, // 2, where some tables say 0
	} {
		m, err := storage.ParseMoney(tc.typed, "USD")
		if err != nil {
			t.Fatalf("%s: %v", tc.typed, err)
		}
		d := acmeDeal()
		d.Value = m
		ov := storage.DealOverview{Deal: d, Capital: storage.Capital{Budget: 10, Left: 10}}
		page := pageOf([]storage.DealOverview{ov}, 1)
		for surface, r := range map[string]Reply{
			"deal card": DealCard(ov, Across{}, testNow, paris),
			"deal list": DealList(page, "open", false, storage.Today(testNow, paris)),
			"App Home":  {Blocks: Home(page, page, nil, testNow, paris, func(int64) slack.Block { return nil })},
			"opened":    DealOpened(d, "U1"),
		} {
			raw, err := json.Marshal(r.Blocks)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(raw), tc.shown) {
				t.Errorf("%s: %q shows as something else than %q:\n%s", surface, tc.typed, tc.shown, raw)
			}
		}
	}
}
