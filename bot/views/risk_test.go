package views

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/longgame/longgame/bot/blockkit"
	"github.com/longgame/longgame/storage"
	"github.com/longgame/longgame/storage/storagetest"
)

func risk(n int, sev storage.Severity, area storage.Area, what string) storage.Risk {
	return storage.Risk{Number: n, What: what, Severity: sev, Area: area, Status: storage.RiskOpen}
}

func overviewWith(risks []storage.Risk, capital storage.Capital) storage.DealOverview {
	ch := jane()
	var c storage.RiskCounts
	for _, r := range risks {
		switch r.Severity {
		case storage.SeverityCritical:
			c.Critical++
		case storage.SeverityHigh:
			c.High++
		case storage.SeverityMedium:
			c.Medium++
		default:
			c.Low++
		}
	}
	return storage.DealOverview{Deal: acmeDeal(), Champion: &ch, Capital: capital, OpenRisks: c}
}

func typicalRisks() []storage.Risk {
	sso := risk(2, storage.SeverityHigh, storage.AreaSecurity, "SSO with Okta untested at their scale")
	sso.NeedsTest, sso.Scenario = true, "10k users logging in at 9am"
	admins := risk(3, storage.SeverityMedium, storage.AreaTraining, "admins not trained before go-live")
	admins.DisclosedAt = time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	return []storage.Risk{
		risk(1, storage.SeverityLow, storage.AreaCommercial, "renewal price not agreed"),
		sso,
		admins,
		risk(4, storage.SeverityCritical, storage.AreaTechnical, "data migration may slip past quarter end"),
	}
}

func TestRiskSummaryGolden(t *testing.T) {
	checkGolden(t, "risk_summary_small", RiskSummary(overviewWith(nil, storage.Capital{Budget: 10, Left: 10}), summarize(nil), Across{}))
	typical := RiskSummary(overviewWith(typicalRisks(), storage.Capital{Budget: 10, Left: 2}), summarize(typicalRisks()), Across{})
	checkGolden(t, "risk_summary_typical", typical)

	var huge []storage.Risk
	sevs := []storage.Severity{storage.SeverityLow, storage.SeverityMedium, storage.SeverityHigh, storage.SeverityCritical}
	areaList := []storage.Area{storage.AreaTechnical, storage.AreaSecurity, storage.AreaLegal, storage.AreaTrust}
	for i := range 2000 {
		r := risk(i+1, sevs[i%4], areaList[i%4], fmt.Sprintf("risk %d: a long description of what could go wrong for the champion after the purchase", i+1))
		r.NeedsTest = i%3 == 0
		if i%2 == 0 {
			r.DisclosedAt = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
		}
		huge = append(huge, r)
	}
	hugeReply := RiskSummary(overviewWith(huge, storage.Capital{Budget: 10, Left: -4}), summarize(huge), Across{})
	checkGolden(t, "risk_summary_huge", hugeReply)
	if text := blockText(hugeReply.Blocks); !strings.Contains(text, "more") || !strings.Contains(text, "Open risks: 2000") {
		t.Errorf("a 2,000-risk summary does not give the total and say how many more:\n%.500s", text)
	}
}

func TestRiskSummaryOrder(t *testing.T) {
	text := blockText(RiskSummary(overviewWith(typicalRisks(), storage.Capital{Budget: 10, Left: 2}), summarize(typicalRisks()), Across{}).Blocks)
	order := []string{
		"Not yet disclosed", "#4* data migration", "#2* SSO", "#1* renewal price",
		"Disclosed, still open", "#3* admins",
		"Scenarios still to test", "10k users logging in at 9am",
		"Champion:", "Jane Doe", "2 of 10", "Running low",
		"Adoption checklist", "Training: covered by #3",
		"No process risk recorded", "No trust risk recorded",
	}
	at := 0
	for _, want := range order {
		i := strings.Index(text[at:], want)
		if i < 0 {
			t.Fatalf("%q missing, or out of order, in:\n%s", want, text)
		}
		at += i
	}
}

// summarize is what storage's RiskSummary reads for these risks.
func summarize(risks []storage.Risk) storage.RiskSummary {
	return storagetest.SummaryOf(risks, SummaryRisks)
}

func TestHomeGolden(t *testing.T) {
	now := testNow
	var deals []storage.DealOverview
	var due []storage.CheckinDue
	for i := range 200 {
		d := acmeDeal()
		d.ID, d.Name, d.ChannelID = int64(i+1), fmt.Sprintf("Deal %d", i+1), fmt.Sprintf("C%03d", i)
		deals = append(deals, storage.DealOverview{Deal: d, Capital: storage.Capital{Budget: 10, Left: 5 - i%8}, OpenRisks: storage.RiskCounts{Critical: i % 2}})
		c := storage.Checkin{ID: int64(i + 1), DealID: d.ID, Number: 2, Kind: storage.KindPostClose, Offset: "30d",
			DueAt: now.Add(time.Duration(i-100) * time.Hour), Status: storage.CheckinPending}
		due = append(due, storage.CheckinDue{Checkin: c, Deal: d})
	}
	none := storage.Page[storage.DealOverview]{}
	won := make([]storage.DealOverview, 0, 40)
	for _, ov := range deals[:40] {
		ov.Deal.Stage, ov.Deal.ClosedOn = storage.StageWon, date(2026, 10, 1)
		ov.OpenRisks = storage.RiskCounts{High: 1, Critical: 2}
		won = append(won, ov)
	}
	checkHome(t, "home_small", Home(none, none, nil, now, paris, testButtons))
	checkHome(t, "home_typical", Home(pageOf(deals[:3], 3), pageOf(won[:1], 1), due[98:101], now, paris, testButtons))
	checkHome(t, "home_huge", Home(pageOf(deals[:HomeMaxDeals], len(deals)), pageOf(won[:HomeMaxPostSale], len(won)), due, now, paris, testButtons))
}

func checkHome(t *testing.T, name string, blocks []slack.Block) {
	t.Helper()
	checkGoldenWithin(t, name, Reply{Blocks: blocks, Text: "home"}, blockkit.MaxViewBlocks)
}

// testButtons are the check-in buttons of the App Home, as the check-in
// feature makes them (views cannot import it: it imports views).
func testButtons(id int64) slack.Block {
	v := strconv.FormatInt(id, 10)
	return slack.NewActionBlock("checkin:"+v,
		blockkit.Button("checkin_done", "Done", v, slack.StylePrimary),
		blockkit.Button("checkin_snooze", "Snooze 1 week", v, slack.StyleDefault))
}

// The adoption costs are the champion's after a purchase: a lost deal's
// summary has no checklist; an open or won one has.
func TestLostDealSummaryHasNoAdoptionChecklist(t *testing.T) {
	for stage, want := range map[storage.Stage]bool{storage.StageOpen: true, storage.StageWon: true, storage.StageLost: false} {
		ov := overviewWith(typicalRisks(), storage.Capital{Budget: 10, Left: 6})
		ov.Deal.Stage = stage
		r := RiskSummary(ov, summarize(typicalRisks()), Across{})
		raw, err := json.Marshal(r.Blocks)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(string(raw), "Adoption checklist"); got != want {
			t.Errorf("%s deal: checklist shown %v, want %v", stage, got, want)
		}
	}
}
