package storage

import (
	"testing"
	"time"
)

func TestGoodwillArithmetic(t *testing.T) {
	now := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	since := GoodwillSince(now)
	ask := func(deal int64, cost int, s AskStatus, at time.Time) Ask {
		return Ask{DealID: deal, ChampionID: 1, Cost: cost, Status: s, CreatedAt: at}
	}
	give := func(deal int64, value int, at time.Time) Give {
		return Give{DealID: deal, ChampionID: 1, Value: value, CreatedAt: at}
	}
	for _, tc := range []struct {
		name    string
		current []int64
		asks    []Ask
		gives   []Give
		want    Goodwill
	}{
		{"nothing yet, one deal", []int64{1}, nil, nil, Goodwill{Deals: 1}},
		{"asks across deals", []int64{1, 2}, []Ask{ask(1, 5, AskDone, now), ask(2, 3, AskOpen, now)}, nil,
			Goodwill{Deals: 2, Asked: 8}},
		{"exactly 12 months ago counts", nil, []Ask{ask(1, 4, AskOpen, since)}, nil, Goodwill{Deals: 1, Asked: 4}},
		{"a second more than 12 months ago does not", nil, []Ask{ask(1, 4, AskOpen, since.Add(-time.Second))}, nil, Goodwill{}},
		{"declined asks cost nothing but the deal counts", nil, []Ask{ask(1, 5, AskDeclined, now), ask(2, 2, AskDone, now)}, nil,
			Goodwill{Deals: 2, Asked: 2}},
		{"withdrawn asks are not there at all", nil, []Ask{ask(3, 5, AskWithdrawn, now)}, nil, Goodwill{}},
		{"gives above a deal's budget all count", []int64{1}, []Ask{ask(1, 2, AskOpen, now)},
			[]Give{give(1, 5, now), give(1, 5, now), give(1, 5, now)}, Goodwill{Deals: 1, Asked: 2, Given: 15}},
		{"another person's entries", nil, []Ask{{DealID: 9, ChampionID: 2, Cost: 5, CreatedAt: now}}, nil, Goodwill{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := GoodwillOf(1, tc.current, tc.asks, tc.gives, since); got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
	g := Goodwill{Deals: 3, Asked: 13, Given: 2}
	if g.Net() != -11 || !g.Overdrawn(10) || g.Overdrawn(11) || !g.AcrossDeals() {
		t.Errorf("%+v: net %d, overdrawn(10) %v", g, g.Net(), g.Overdrawn(10))
	}
	if (Goodwill{Deals: 1}).AcrossDeals() {
		t.Error("one deal counts as across deals")
	}
}
