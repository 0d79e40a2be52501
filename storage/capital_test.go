package storage

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestComputeCapital(t *testing.T) {
	ask := func(cost int, s AskStatus) Ask { return Ask{Cost: cost, Status: s} }
	give := func(v int) Give { return Give{Value: v} }
	for _, tc := range []struct {
		name   string
		budget int
		asks   []Ask
		gives  []Give
		left   int
	}{
		{"nothing yet", 10, nil, nil, 10},
		{"open and done asks cost", 10, []Ask{ask(3, AskOpen), ask(2, AskDone)}, nil, 5},
		{"declined asks cost nothing", 10, []Ask{ask(3, AskOpen), ask(5, AskDeclined)}, nil, 7},
		{"gives give back", 10, []Ask{ask(5, AskDone)}, []Give{give(2)}, 7},
		{"never above the budget", 10, []Ask{ask(1, AskOpen)}, []Give{give(5), give(5)}, 10},
		{"a give at full budget counts against later asks", 10, []Ask{ask(3, AskOpen)}, []Give{give(2)}, 9},
		{"overdrawn", 10, []Ask{ask(5, AskDone), ask(5, AskOpen), ask(4, AskOpen)}, []Give{give(1)}, -3},
		{"zero budget", 0, []Ask{ask(1, AskOpen)}, nil, -1},
		{"withdrawn asks cost nothing", 10, []Ask{ask(3, AskOpen), ask(5, AskWithdrawn)}, nil, 7},
		{"withdrawn gives give nothing", 10, []Ask{ask(5, AskDone)}, []Give{{Value: 2, WithdrawnBy: "U1", WithdrawnAt: time.Unix(1, 0)}}, 5},
		{"an earlier champion's asks and gives are theirs", 10,
			[]Ask{ask(3, AskOpen), {Cost: 5, Status: AskDone, ChampionID: 7}}, []Give{{Value: 4, ChampionID: 7}}, 7},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := ComputeCapital(tc.budget, 0, tc.asks, tc.gives)
			if want := (Capital{Budget: tc.budget, Left: tc.left}); got != want {
				t.Errorf("got %+v, want %+v", got, want)
			}
		})
	}
}

func TestCapitalState(t *testing.T) {
	for _, tc := range []struct {
		c    Capital
		want CapitalState
	}{
		{Capital{10, 10}, CapitalHealthy},
		{Capital{10, 3}, CapitalHealthy},
		{Capital{10, 2}, CapitalLow}, // 20% left
		{Capital{10, 0}, CapitalLow},
		{Capital{0, 0}, CapitalLow},
		{Capital{10, -1}, CapitalOverdrawn},
		{Capital{7, 1}, CapitalLow}, // 14%
		{Capital{7, 2}, CapitalHealthy},
	} {
		if got := tc.c.State(); got != tc.want {
			t.Errorf("%+v.State() = %v, want %v", tc.c, got, tc.want)
		}
		if got := tc.c.Overdrawn(); got != (tc.want == CapitalOverdrawn) {
			t.Errorf("%+v.Overdrawn() = %v", tc.c, got)
		}
	}
}

// TestLedgerOf checks the running capital: entries by time, asks before
// gives at the same time, the clamp on the total.
func TestLedgerOf(t *testing.T) {
	at := func(m int) time.Time { return time.Date(2026, 3, 2, 9, m, 0, 0, time.UTC) }
	asks := []Ask{
		{Number: 1, Cost: 5, Status: AskOpen, CreatedAt: at(1)},
		{Number: 2, Cost: 4, Status: AskDeclined, CreatedAt: at(1)},
		{Number: 3, Cost: 5, Status: AskDone, CreatedAt: at(2)},
	}
	gives := []Give{{Number: 1, Value: 2, CreatedAt: at(0)}, {Number: 2, Value: 1, CreatedAt: at(2)}}
	var got []int
	var order []string
	for _, e := range LedgerOf(10, 0, asks, gives) {
		got = append(got, e.Left)
		if e.Ask != nil {
			order = append(order, "ask")
		} else {
			order = append(order, "give")
		}
	}
	if d := cmp.Diff([]int{10, 7, 7, 2, 3}, got); d != "" {
		t.Errorf("running capital (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"give", "ask", "ask", "ask", "give"}, order); d != "" {
		t.Errorf("order (-want +got):\n%s", d)
	}
}

// TestLedgerOfEarlierChampion checks that entries of a champion the deal
// named before stay in the ledger, marked, without moving the capital.
func TestLedgerOfEarlierChampion(t *testing.T) {
	at := func(m int) time.Time { return time.Date(2026, 3, 2, 9, m, 0, 0, time.UTC) }
	asks := []Ask{
		{Number: 1, Cost: 5, Status: AskDone, ChampionID: 1, CreatedAt: at(1)},
		{Number: 2, Cost: 3, Status: AskOpen, ChampionID: 2, CreatedAt: at(2)},
		{Number: 3, Cost: 1, Status: AskWithdrawn, ChampionID: 2, CreatedAt: at(3)},
	}
	var left []int
	var earlier []bool
	for _, e := range LedgerOf(10, 2, asks, nil) {
		left = append(left, e.Left)
		earlier = append(earlier, e.Earlier)
	}
	if d := cmp.Diff([]int{10, 7, 7}, left); d != "" {
		t.Errorf("running capital (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]bool{true, false, false}, earlier); d != "" {
		t.Errorf("earlier (-want +got):\n%s", d)
	}
}
