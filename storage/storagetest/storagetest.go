// Package storagetest is the conformance suite of storage.Store: every
// implementation passes Run, and may use the fixtures for tests of its
// own.
//
// The suite checks what a user of the store would: what each method
// returns and records, the errors it answers with, that a workspace sees
// nothing of another's, that claims and numbers hold under concurrency.
// How an implementation gets there (its schema, its query plans, its
// files) is for its own tests.
package storagetest

import (
	"testing"
	"time"

	"github.com/longgame/longgame/storage"
)

// Opener opens an empty store whose clock is now, to be closed when t
// ends. A test may close it earlier: a second Close must be harmless.
type Opener func(t *testing.T, now func() time.Time) storage.Store

// Run runs the whole suite on stores that open makes, one each test, all
// with a clock starting at T0.
func Run(t *testing.T, open Opener) {
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clk := NewClock(T0)
			tc.run(t, open(t, clk.Now), clk)
		})
	}
}

// tests are the suite, by area.
var tests = []struct {
	name string
	run  func(t *testing.T, db storage.Store, clk *Clock)
}{
	{"OpenDeal", testOpenDeal},
	{"OpenDealInvalid", testOpenDealInvalid},
	{"DealNotFound", testDealNotFound},
	{"UpdateDeal", testUpdateDeal},
	{"CloseAndReopenDeal", testCloseAndReopenDeal},
	{"ReopenCancelsOnlyTheCloseCheckins", testReopenCancelsOnlyTheCloseCheckins},
	{"SetBudget", testSetBudget},
	{"EveryWriteIsAudited", testEveryWriteIsAudited},
	{"MoneyKeepsItsDigits", testMoneyKeepsItsDigits},

	{"SetChampionMatchesAcrossDeals", testSetChampionMatchesAcrossDeals},
	{"SetChampionInvalid", testSetChampionInvalid},
	{"FindChampions", testFindChampions},
	{"ChampionCompanyDefaultsToTheDeal", testChampionCompanyDefaultsToTheDeal},
	{"ChampionTimeline", testChampionTimeline},
	{"ReplacingAChampion", testReplacingAChampion},
	{"ChampionHistory", testChampionHistory},
	{"AsksAndGives", testAsksAndGives},
	{"Ledger", testLedger},
	{"EveryCapitalAgreesWithComputeCapital", testEveryCapitalAgreesWithComputeCapital},
	{"MoveChampion", testMoveChampion},
	{"FavoredSurcharge", testFavoredSurcharge},
	{"GoodwillAcrossDeals", testGoodwillAcrossDeals},
	{"TouchesAndPeople", testTouchesAndPeople},
	{"NudgeListsUntouchedChampions", testNudgeListsUntouchedChampions},
	{"ExportKeepsTimelinesAndTouches", testExportKeepsTimelinesAndTouches},

	{"AddRisk", testAddRisk},
	{"ResolveReopenDiscloseRisk", testResolveReopenDiscloseRisk},
	{"RiskNumbersUnderConcurrency", testRiskNumbersUnderConcurrency},
	{"AskAndGiveNumbersUnderConcurrency", testAskAndGiveNumbersUnderConcurrency},
	{"RiskSummaryMatchesRisks", testRiskSummaryMatchesRisks},
	{"RiskSummaryFollowsChanges", testRiskSummaryFollowsChanges},

	{"DealOverview", testDealOverview},
	{"ListDeals", testListDeals},
	{"ListDealsShowsEachDealToItsOwnerAndChannelMembers", testListDealsShowsEachDealToItsOwnerAndChannelMembers},
	{"ListDealsLimited", testListDealsLimited},
	{"ChampionHistoryShowsOnlyWhatTheViewerMaySee", testChampionHistoryShowsOnlyWhatTheViewerMaySee},

	{"AddCheckin", testAddCheckin},
	{"CloseSchedulesCheckins", testCloseSchedulesCheckins},
	{"FinishCheckinLeavesTheOthers", testFinishCheckinLeavesTheOthers},
	{"SnoozeCheckinMovesOnlyThatOne", testSnoozeCheckinMovesOnlyThatOne},
	{"OwnerCheckinsDue", testOwnerCheckinsDue},

	{"ClaimDueClaimsWhatIsDueOnce", testClaimDueClaimsWhatIsDueOnce},
	{"ClaimDueSkipsWhatIsNotDue", testClaimDueSkipsWhatIsNotDue},
	{"ClaimDueLimitKeepsADealWhole", testClaimDueLimitKeepsADealWhole},
	{"ClaimDueOnceUnderConcurrency", testClaimDueOnceUnderConcurrency},
	{"ReclaimStuckOnceUnderConcurrency", testReclaimStuckOnceUnderConcurrency},
	{"EventsAndDigestsOnceUnderConcurrency", testEventsAndDigestsOnceUnderConcurrency},
	{"CheckinListsEveryOpenRisk", testCheckinListsEveryOpenRisk},
	{"CheckinRisksAreBounded", testCheckinRisksAreBounded},
	{"FencedWrites", testFencedWrites},
	{"MarkFailedKeepsTheError", testMarkFailedKeepsTheError},
	{"Fold", testFold},
	{"ReclaimStuck", testReclaimStuck},
	{"RenewClaim", testRenewClaim},
	{"MissFolded", testMissFolded},
	{"AnsweringAnAsk", testAnsweringAnAsk},
	{"EditAndWithdrawAsks", testEditAndWithdrawAsks},
	{"EditAndWithdrawGives", testEditAndWithdrawGives},
	{"EditAndWithdrawRisks", testEditAndWithdrawRisks},
	{"CheckinsAreNumbered", testCheckinsAreNumbered},
	{"CoveredCheckinsAreNotDueOnTheirOwn", testCoveredCheckinsAreNotDueOnTheirOwn},
	{"NudgeListsLateDeals", testNudgeListsLateDeals},
	{"StillAtRiskAfterTheSale", testStillAtRiskAfterTheSale},
	{"Nudges", testNudges},
	{"ClaimDigestOncePerSlot", testClaimDigestOncePerSlot},
	{"ReminderBacklog", testReminderBacklog},
	{"TakeReminderDay", testTakeReminderDay},
	{"TakeReminderDayOnceUnderConcurrency", testTakeReminderDayOnceUnderConcurrency},
	{"TakeHomeRefresh", testTakeHomeRefresh},
	{"SharesSince", testSharesSince},

	{"MarkEventSeen", testMarkEventSeen},
	{"PruneSeenEvents", testPruneSeenEvents},
	{"UserTZ", testUserTZ},
	{"SharesAndPosts", testSharesAndPosts},

	{"WorkspacesAreIsolated", testWorkspacesAreIsolated},
	{"ExportGroupsEveryRowUnderItsDeal", testExportGroupsEveryRowUnderItsDeal},
	{"ExportOfEmptyDatabase", testExportOfEmptyDatabase},
	{"IntegrityCheck", testIntegrityCheck},
	{"Backup", testBackup},
	{"WriteAfterClose", testWriteAfterClose},
}
