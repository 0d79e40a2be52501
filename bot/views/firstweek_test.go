package views

import (
	"testing"
	"time"

	"github.com/longgame/longgame/storage"
)

// The answers of a seller's first week: fixing mistakes, honest records.

func TestFixingMistakesGolden(t *testing.T) {
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	capital := storage.Capital{Budget: 10, Left: 7}
	ask := storage.Ask{Number: 4, What: "an intro to the CFO", Cost: 5, Status: storage.AskDone, ChampionID: 1}
	checkGolden(t, "ask_edited", AskEdited(ask, capital, "U1"))
	typo := storage.Ask{Number: 5, What: "edit 4", Cost: 3, Status: storage.AskWithdrawn, WithdrawnBy: "U1", WithdrawnAt: at}
	checkGolden(t, "ask_withdrawn", AskWithdrawn(typo, capital, "U1"))
	give := storage.Give{Number: 2, What: "a training plan", Value: 4}
	checkGolden(t, "give_edited", GiveEdited(give, capital, "U1"))
	give.WithdrawnBy, give.WithdrawnAt = "U1", at
	checkGolden(t, "give_withdrawn", GiveWithdrawn(give, capital, "U1"))
	risk := storage.Risk{Number: 3, What: "their 3-step approval", Severity: storage.SeverityHigh, Area: storage.AreaProcess,
		NeedsTest: true, Scenario: "run their 3-step approval in sandbox", Status: storage.RiskOpen}
	checkGolden(t, "risk_edited", RiskEdited(risk, "U1"))
	risk.Status, risk.WithdrawnBy, risk.WithdrawnAt = storage.RiskWithdrawn, "U1", at
	checkGolden(t, "risk_withdrawn", RiskWithdrawn(risk, "U1"))
}

func TestLedgerKeepsWithdrawnAndEarlierGolden(t *testing.T) {
	at := func(d int) time.Time { return time.Date(2026, 11, d, 10, 0, 0, 0, time.UTC) }
	gavin := storage.Ask{Number: 1, What: "push legal", Cost: 5, Status: storage.AskDone, ChampionID: 7, CreatedAt: at(1)}
	typo := storage.Ask{Number: 2, What: "edit 1", Cost: 3, Status: storage.AskWithdrawn, ChampionID: 1,
		WithdrawnBy: "U1", WithdrawnAt: at(3), CreatedAt: at(2)}
	intro := storage.Ask{Number: 3, What: "intro to the CFO", Cost: 3, ChampionID: 1, CreatedAt: at(4)}
	give := storage.Give{Number: 1, What: "reference call", Value: 2, ChampionID: 1, CreatedAt: at(5)}
	entries := storage.LedgerOf(10, 1, []storage.Ask{gavin, typo, intro}, []storage.Give{give})
	ch := jane()
	checkGolden(t, "ledger_first_week", Ledger(acmeDeal(), &ch, entries))
	checkGolden(t, "champion_status_first_week", ChampionStatus(acmeDeal(), &ch, entries))
}

func TestChampionReplacedGolden(t *testing.T) {
	gavin := storage.Champion{ID: 7, Name: "Gavin Belson", Title: "CEO", Company: "Hooli"}
	richard := storage.Champion{ID: 8, Name: "Richard Hendricks", Company: "Acme renewal <2027>"}
	capital := storage.Capital{Budget: 10, Left: 10}
	checkGolden(t, "champion_replaced", ChampionSet(acmeDeal(), storage.ChampionSet{Champion: richard, Replaced: &gavin}, capital, "U1", 0))
	checkGolden(t, "champion_namesakes", ChampionSet(acmeDeal(), storage.ChampionSet{Champion: richard, Adopted: 2}, capital, "U1", 1))
}

func TestHonestCheckinsGolden(t *testing.T) {
	due := func(d int) time.Time { return time.Date(2026, 11, d, 8, 0, 0, 0, time.UTC) }
	all := []storage.Checkin{
		{Number: 1, Kind: storage.KindPostClose, Offset: "14d", DueAt: due(1), Status: storage.CheckinMissed},
		{Number: 2, Kind: storage.KindPostClose, Offset: "30d", DueAt: due(17), Status: storage.CheckinPending, Delivery: storage.DeliveryFolded},
		{Number: 3, Kind: storage.KindPostClose, Offset: "90d", DueAt: due(25), Status: storage.CheckinPending, Delivery: storage.DeliverySent},
		{Number: 4, Kind: storage.KindManual, Note: "ask about the admins", DueAt: due(30), Status: storage.CheckinPending},
	}
	checkGolden(t, "checkins_honest", DealCheckins(acmeDeal(), all, testNow, paris))
	done := all[2]
	done.Status, done.DoneNote = storage.CheckinDone, "training done"
	checkGolden(t, "checkin_done_covering", CheckinDone(acmeDeal(), done, 1, "U1"))
}

func TestChecklistCountsResolvedRisksGolden(t *testing.T) {
	risks := []storage.Risk{
		{Number: 1, What: "admins untrained", Severity: storage.SeverityHigh, Area: storage.AreaTraining, Status: storage.RiskResolved},
		{Number: 2, What: "SSO", Severity: storage.SeverityMedium, Area: storage.AreaSecurity, Status: storage.RiskOpen},
		{Number: 3, What: "approval flow", Severity: storage.SeverityLow, Area: storage.AreaProcess, Status: storage.RiskOpen},
		{Number: 4, What: "typo", Severity: storage.SeverityCritical, Area: storage.AreaTrust, Status: storage.RiskWithdrawn},
	}
	ch := jane()
	ov := storage.DealOverview{Deal: acmeDeal(), Champion: &ch, Capital: storage.Capital{Budget: 10, Left: 6}}
	checkGolden(t, "summary_resolved_covers", RiskSummary(ov, summarize(risks), Across{}))
}
