package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/longgame/longgame/storage"
)

// RiskSummary reads deal dealID's risk summary in one snapshot and one
// round trip: a pipeline of BEGIN (REPEATABLE READ), the deal's risk
// tallies, the first limit risks of each list through the partial indexes
// in the order they are shown, the adoption coverage, and COMMIT. Its cost
// grows with limit, not with the number of risks. ErrNotFound if the
// workspace has no such deal; ErrInvalid for a negative limit.
func (db *DB) RiskSummary(ctx context.Context, teamID string, dealID int64, limit int) (storage.RiskSummary, error) {
	if limit < 0 {
		return storage.RiskSummary{}, fmt.Errorf("risk summary: %w", storage.Invalidf("limit %d is negative", limit))
	}
	s, err := read(ctx, db, func(q querier) (storage.RiskSummary, error) {
		return riskSummary(ctx, db.pool, teamID, dealID, limit)
	})
	if err != nil {
		return storage.RiskSummary{}, fmt.Errorf("risk summary: %w", err)
	}
	return s, nil
}

// batcher sends a pgx.Batch: the pool does.
type batcher interface {
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

func riskSummary(ctx context.Context, q batcher, teamID string, dealID int64, limit int) (storage.RiskSummary, error) {
	s := storage.RiskSummary{ByArea: map[storage.Area]int{}, Coverage: map[storage.Area][]storage.Cover{},
		CoverageTotal: map[storage.Area]int{}}
	lists := []struct {
		query string
		dest  *[]storage.Risk
	}{
		{undisclosedQuery, &s.UndisclosedTop},
		{disclosedQuery, &s.DisclosedTop},
		{untestedQuery, &s.UntestedTop},
	}
	areas := make([]string, len(storage.CoverageAreas))
	for i, a := range storage.CoverageAreas {
		areas[i] = string(a)
	}
	b := &pgx.Batch{}
	b.Queue(`BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY`)
	b.Queue(tallyQuery, teamID, dealID)
	if limit > 0 {
		for _, l := range lists {
			b.Queue(l.query, teamID, dealID, limit)
		}
	}
	b.Queue(coverageQuery, teamID, dealID, storage.CoverageMax, areas)
	b.Queue(`COMMIT`)
	br := q.SendBatch(ctx, b)
	defer br.Close()
	if _, err := br.Exec(); err != nil {
		return s, err
	}
	rows, err := br.Query()
	if err != nil {
		return s, err
	}
	if err := riskTallies(rows, dealID, &s); err != nil {
		return s, err
	}
	if limit > 0 {
		for _, l := range lists {
			rows, err := br.Query()
			if err != nil {
				return s, err
			}
			if *l.dest, err = scanAll(rows, scanRisk); err != nil {
				return s, err
			}
		}
	}
	rows, err = br.Query()
	if err != nil {
		return s, err
	}
	if err := riskCoverage(rows, &s); err != nil {
		return s, err
	}
	if _, err := br.Exec(); err != nil {
		return s, err
	}
	return s, br.Close()
}

// scanAll scans every row of rows with scan, and closes rows.
func scanAll[T any](rows pgx.Rows, scan func(rowScanner, *T) error) ([]T, error) {
	defer rows.Close()
	var all []T
	for rows.Next() {
		var v T
		if err := scan(rows, &v); err != nil {
			return nil, err
		}
		all = append(all, v)
	}
	return all, rows.Err()
}

// tallyQuery reads the open-risk tallies of deal $2 of workspace $1: no
// row when there is no such deal, one row of NULLs when it has no open
// risk.
const tallyQuery = `SELECT t.severity, t.area, t.needs_test, t.disclosed, t.n
	FROM deals d LEFT JOIN risk_tallies t ON t.team_id = d.team_id AND t.deal_id = d.id AND t.n > 0
	WHERE d.team_id = $1 AND d.id = $2`

// riskTallies fills in s's counts from the rows of tallyQuery.
func riskTallies(rows pgx.Rows, dealID int64, s *storage.RiskSummary) error {
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

// coverageQuery reads, for deal $2 of workspace $1 and each adoption area
// in $4, the first $3 risks covering it, open or resolved, as an array of
// numbers (a resolved risk's negated), and how many there are: counted
// only when the list is full, as CASE runs its subquery only then. Both
// read the risks_adoption index alone; their WHERE implies its predicate.
// OFFSET 0 keeps the list one subquery: pulled up, it would run once for
// each of its three uses.
const coverageQuery = `SELECT a.area, l.covers,
		CASE WHEN cardinality(l.covers) < $3 THEN cardinality(l.covers) ELSE (
			SELECT COUNT(*) FROM risks r
			WHERE r.team_id = $1 AND r.deal_id = $2 AND r.status IN ('open', 'resolved')
				AND r.area IN ('training', 'process', 'trust') AND r.area = a.area) END
	FROM unnest($4::text[]) AS a(area)
	CROSS JOIN LATERAL (SELECT ARRAY(
		SELECT CASE r.status WHEN 'resolved' THEN -r.number ELSE r.number END FROM risks r
		WHERE r.team_id = $1 AND r.deal_id = $2 AND r.status IN ('open', 'resolved')
			AND r.area IN ('training', 'process', 'trust') AND r.area = a.area
		ORDER BY r.number LIMIT $3) AS covers OFFSET 0) l`

// riskCoverage fills in s.Coverage and s.CoverageTotal from the rows of
// coverageQuery, for the areas some risk covers.
func riskCoverage(rows pgx.Rows, s *storage.RiskSummary) error {
	defer rows.Close()
	for rows.Next() {
		var area storage.Area
		var nums []int32
		var total int
		if err := rows.Scan(text(&area), &nums, integer(&total)); err != nil {
			return err
		}
		if len(nums) == 0 {
			continue
		}
		covers := make([]storage.Cover, len(nums))
		for i, n := range nums {
			covers[i] = storage.Cover{Number: int(max(n, -n)), Resolved: n < 0}
		}
		s.Coverage[area], s.CoverageTotal[area] = covers, total
	}
	return rows.Err()
}
