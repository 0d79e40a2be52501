package postgres

import (
	"context"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/longgame/longgame/storage"
)

// RiskSummary reads deal dealID's risk summary in one snapshot: the counts
// from the deal's risk tallies, the lists through the partial indexes in
// the order they are shown, so that its cost grows with limit, not with the
// number of risks. ErrNotFound if the workspace has no such deal;
// ErrInvalid for a negative limit.
func (db *DB) RiskSummary(ctx context.Context, teamID string, dealID int64, limit int) (storage.RiskSummary, error) {
	if limit < 0 {
		return storage.RiskSummary{}, fmt.Errorf("risk summary: %w", storage.Invalidf("limit %d is negative", limit))
	}
	var s storage.RiskSummary
	err := db.readTx(ctx, func(tx pgx.Tx) error {
		var err error
		s, err = riskSummary(ctx, tx, teamID, dealID, limit)
		return err
	})
	if err != nil {
		return storage.RiskSummary{}, fmt.Errorf("risk summary: %w", err)
	}
	return s, nil
}

func riskSummary(ctx context.Context, q querier, teamID string, dealID int64, limit int) (storage.RiskSummary, error) {
	s := storage.RiskSummary{ByArea: map[storage.Area]int{}, Coverage: map[storage.Area][]int{}}
	if err := riskTallies(ctx, q, teamID, dealID, &s); err != nil {
		return storage.RiskSummary{}, err
	}
	if s.Open.Total() == 0 {
		return s, nil
	}
	if limit > 0 {
		if err := riskLists(ctx, q, teamID, dealID, limit, &s); err != nil {
			return storage.RiskSummary{}, err
		}
	}
	if err := riskCoverage(ctx, q, teamID, dealID, &s); err != nil {
		return storage.RiskSummary{}, err
	}
	return s, nil
}

// tallyQuery reads the open-risk tallies of deal $2 of workspace $1: no
// row when there is no such deal, one row of NULLs when it has no open
// risk.
const tallyQuery = `SELECT t.severity, t.area, t.needs_test, t.disclosed, t.n
	FROM deals d LEFT JOIN risk_tallies t ON t.team_id = d.team_id AND t.deal_id = d.id AND t.n > 0
	WHERE d.team_id = $1 AND d.id = $2`

// riskTallies fills in s's counts.
func riskTallies(ctx context.Context, q querier, teamID string, dealID int64, s *storage.RiskSummary) error {
	rows, err := q.Query(ctx, tallyQuery, teamID, dealID)
	if err != nil {
		return err
	}
	defer rows.Close()
	deal := false
	for rows.Next() {
		deal = true
		var (
			sev                 storage.Severity
			area                storage.Area
			untested, disclosed bool
			n                   int
		)
		if err := rows.Scan(text(&sev), text(&area), boolean(&untested), boolean(&disclosed), integer(&n)); err != nil {
			return err
		}
		s.Open.Add(sev, n)
		if n > 0 {
			s.ByArea[area] += n
		}
		if disclosed {
			s.Disclosed += n
		} else {
			s.Undisclosed += n
		}
		if untested {
			s.Untested += n
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if !deal {
		return fmt.Errorf("deal %d: %w", dealID, storage.ErrNotFound)
	}
	return nil
}

// The first $3 open risks of deal $2 of workspace $1 in each list, most
// severe first, then by number: each reads its partial index (migration
// 0001) in that order and stops at the limit.
const (
	rankedRisks = `SELECT ` + riskCols + ` FROM risks r
		WHERE r.team_id = $1 AND r.deal_id = $2 AND r.status = 'open' AND `
	undisclosedQuery = rankedRisks + `NOT r.disclosed ORDER BY r.severity_rank, r.number LIMIT $3`
	disclosedQuery   = rankedRisks + `r.disclosed ORDER BY r.severity_rank, r.number LIMIT $3`
	untestedQuery    = rankedRisks + `r.needs_test ORDER BY r.severity_rank, r.number LIMIT $3`
)

// riskLists fills in s's lists of at most limit risks, reading none for a
// list its count says is empty.
func riskLists(ctx context.Context, q querier, teamID string, dealID int64, limit int, s *storage.RiskSummary) error {
	for _, l := range []struct {
		n     int
		query string
		dest  *[]storage.Risk
	}{
		{s.Undisclosed, undisclosedQuery, &s.UndisclosedTop},
		{s.Disclosed, disclosedQuery, &s.DisclosedTop},
		{s.Untested, untestedQuery, &s.UntestedTop},
	} {
		if l.n == 0 {
			continue
		}
		risks, err := queryAll(ctx, q, scanRisk, l.query, teamID, dealID, limit)
		if err != nil {
			return err
		}
		*l.dest = risks
	}
	return nil
}

// coverageQuery reads, for deal $2 of workspace $1, the numbers of the
// first $3 open risks of each adoption area in $4, through the
// risks_open_adoption index: an array of numbers per area.
const coverageQuery = `SELECT a.area, ARRAY(
		SELECT r.number FROM risks r
		WHERE r.team_id = $1 AND r.deal_id = $2 AND r.status = 'open' AND r.area IN ('training', 'process', 'trust')
			AND r.area = a.area
		ORDER BY r.number LIMIT $3)
	FROM unnest($4::text[]) AS a(area)`

// riskCoverage fills in s.Coverage, for the areas that have open risks.
func riskCoverage(ctx context.Context, q querier, teamID string, dealID int64, s *storage.RiskSummary) error {
	var areas []string
	for _, a := range storage.CoverageAreas {
		if s.ByArea[a] > 0 {
			areas = append(areas, string(a))
		}
	}
	if len(areas) == 0 {
		return nil
	}
	rows, err := q.Query(ctx, coverageQuery, teamID, dealID, storage.CoverageMax, areas)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var area string
		var nums []int32
		if err := rows.Scan(&area, &nums); err != nil {
			return err
		}
		if len(nums) == 0 {
			continue
		}
		list := make([]int, len(nums))
		for i, n := range nums {
			list[i] = int(n)
		}
		slices.Sort(list)
		s.Coverage[storage.Area(area)] = list
	}
	return rows.Err()
}
