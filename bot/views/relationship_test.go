package views

import (
	"strings"
	"testing"
	"time"

	"github.com/longgame/longgame/storage"
)

// The answers of champions across deals: goodwill, the favored
// alternative, job changes, touches and the people list.

func TestAcrossDealsGolden(t *testing.T) {
	d := acmeDeal()
	d.Favored = "Microsoft Teams"
	ask := storage.Ask{Number: 4, What: "a reference call", Cost: 1, Extra: storage.FavoredSurcharge, ChampionID: 1}
	overdrawn := Across{Name: "Jane Doe", Goodwill: storage.Goodwill{Deals: 3, Asked: 19, Given: 4}, Budget: 10}
	checkGolden(t, "ask_favored_overdrawn_across", AskRecorded(ask, d, storage.Capital{Budget: 10, Left: 2}, overdrawn, "U1"))

	ch := jane()
	left := acmeDeal()
	left.ChampionLeft, left.Favored = "Acme", "Microsoft Teams"
	ov := storage.DealOverview{Deal: left, Champion: &ch, Capital: storage.Capital{Budget: 10, Left: 4}}
	fine := Across{Name: "Jane Doe", Goodwill: storage.Goodwill{Deals: 2, Asked: 8, Given: 5}, Budget: 10}
	checkGolden(t, "deal_card_across", DealCard(ov, fine, testNow, paris))
	checkGolden(t, "risk_summary_across", RiskSummary(ov, summarize(typicalRisks()), fine))

	// One deal only: nothing to say beyond it.
	alone := Across{Name: "Jane Doe", Goodwill: storage.Goodwill{Deals: 1, Asked: 30}, Budget: 10}
	plain := storage.Ask{Number: 4, What: "a reference call", Cost: 1, ChampionID: 1}
	text := blockText(AskRecorded(plain, acmeDeal(), storage.Capital{Budget: 10, Left: 2}, alone, "U1").Blocks)
	if strings.Contains(text, "across") || strings.Contains(text, "favored") {
		t.Errorf("an ask of a one-deal champion on a deal with no favored alternative says:\n%s", text)
	}
}

func TestGoodwillLine(t *testing.T) {
	for _, tc := range []struct {
		name string
		g    storage.Goodwill
		want []string
		not  []string
	}{
		{"one deal", storage.Goodwill{Deals: 1, Asked: 40}, nil, []string{"across"}},
		{"two deals, even", storage.Goodwill{Deals: 2, Asked: 10, Given: 10}, []string{"across 2 deals in 12 months: asked 10, given 10"}, []string{"overdrawn"}},
		{"exactly minus the budget is not overdrawn", storage.Goodwill{Deals: 2, Asked: 10}, []string{"asked 10, given 0"}, []string{"overdrawn"}},
		{"one past it is", storage.Goodwill{Deals: 2, Asked: 11}, []string{"overdrawn across deals", "by 11"}, nil},
		{"gives above a deal's budget count", storage.Goodwill{Deals: 3, Asked: 25, Given: 15}, []string{"given 15"}, []string{"overdrawn"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			line := GoodwillLine("Jane Doe", tc.g, 10)
			for _, w := range tc.want {
				if !strings.Contains(line, w) {
					t.Errorf("%q does not say %q", line, w)
				}
			}
			for _, w := range tc.not {
				if strings.Contains(line, w) {
					t.Errorf("%q says %q", line, w)
				}
			}
		})
	}
}

func TestRelationshipAnswersGolden(t *testing.T) {
	ch := jane()
	ch.Company, ch.Title = "Hooli", "CTO"
	phase2 := acmeDeal()
	phase2.ID, phase2.ChannelID, phase2.Name, phase2.ChampionLeft = 2, "C2", "Acme phase 2", "Acme"
	on := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	reminder := storage.MoveReminder(1, on, storage.Week{Loc: paris, Days: storage.MonToFri})
	moved := storage.Moved{Champion: ch, From: "Acme", Left: []storage.Deal{phase2}, Reminders: 1}
	checkGolden(t, "champion_moved", ChampionMoved(moved, on, []storage.NewCheckin{reminder}, "U1", paris))

	touch := storage.Touch{ChampionID: 1, DealID: 1, Note: "coffee at the user group", By: "U1", At: testNow}
	checkGolden(t, "touch_recorded", TouchRecorded(ch, touch, "U1"))

	sam := storage.Champion{ID: 2, Name: "Sam Roe", Company: "Globex"}
	people := storage.Page[storage.Person]{Total: 3, Hidden: 1, Items: []storage.Person{
		{Champion: ch, Deals: 2, Goodwill: storage.Goodwill{Deals: 2, Asked: 19, Given: 2}, LastContact: testNow.AddDate(0, 0, -3),
			MovedFrom: "Acme", MovedOn: on},
		{Champion: sam, Deals: 1, Goodwill: storage.Goodwill{Deals: 1, Asked: 3, Given: 5}},
	}}
	checkGolden(t, "champion_people", People(people, false, 10, paris))
	checkGoldenWithin(t, "home_champions", Reply{Blocks: HomeChampions(people.Items, testNow, 90*24*time.Hour, paris)}, 100)
}
