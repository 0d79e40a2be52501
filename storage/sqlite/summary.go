package sqlite

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/longgame/longgame/storage"
)

// RiskSummary reads deal dealID's risk summary in one snapshot: the counts
// from the deal's risk tallies, the lists through indexes in the order they
// are shown. Its cost grows with limit, not with the number of risks: a deal
// with 2,000 costs what one with 100 does. ErrNotFound if the workspace has
// no such deal; ErrInvalid for a negative limit.
func (db *DB) RiskSummary(ctx context.Context, teamID string, dealID int64, limit int) (storage.RiskSummary, error) {
	if limit < 0 {
		return storage.RiskSummary{}, fmt.Errorf("risk summary: %w", storage.Invalidf("limit %d is negative", limit))
	}
	key := summaryKey{dealKey{teamID, dealID}, limit}
	if s, ok := db.cache.summary(key); ok {
		return s, nil
	}
	gen := db.cache.generation()
	s, err := db.cache.readSummary(ctx, key, gen, func() (storage.RiskSummary, error) {
		var s storage.RiskSummary
		err := db.readTx(ctx, func(tx *txn) error {
			var err error
			s, err = riskSummary(ctx, tx, teamID, dealID, limit)
			return err
		})
		if err == nil {
			db.cache.putSummary(key, gen, s)
		}
		return s, err
	})
	if err != nil {
		return storage.RiskSummary{}, fmt.Errorf("risk summary: %w", err)
	}
	return s, nil
}

func riskSummary(ctx context.Context, q querier, teamID string, dealID int64, limit int) (storage.RiskSummary, error) {
	s := storage.RiskSummary{ByArea: map[storage.Area]int{}, Coverage: map[storage.Area][]storage.Cover{}, CoverageTotal: map[storage.Area]int{}}
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

// tallyQuery reads the open-risk tallies of deal ?2 of workspace ?1: no
// row when there is no such deal, one row of NULLs when it has no open
// risk.
const tallyQuery = `SELECT t.severity, t.area, t.needs_test, t.disclosed, t.n
	FROM deals d LEFT JOIN risk_tallies t ON t.team_id = d.team_id AND t.deal_id = d.id AND t.n > 0
	WHERE d.team_id = ?1 AND d.id = ?2`

// riskTallies fills in s's counts.
func riskTallies(ctx context.Context, q querier, teamID string, dealID int64, s *storage.RiskSummary) error {
	rows, err := q.QueryContext(ctx, tallyQuery, teamID, dealID)
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

// The first ?3 open risks of deal ?2 of workspace ?1 in each list, most
// severe first, then by number: each reads its index (migration 0003) in
// that order and stops at the limit. Reading the rows costs about 4 µs
// each through the driver, whatever the size of the deal.
const (
	rankedRisks = `SELECT ` + riskCols + ` FROM risks r
		WHERE r.team_id = ?1 AND r.deal_id = ?2 AND r.status = 'open' AND `
	undisclosedQuery = rankedRisks + `r.disclosed = 0 ORDER BY r.severity_rank, r.number LIMIT ?3`
	disclosedQuery   = rankedRisks + `r.disclosed = 1 ORDER BY r.severity_rank, r.number LIMIT ?3`
	untestedQuery    = rankedRisks + `r.needs_test = 1 ORDER BY r.severity_rank, r.number LIMIT ?3`
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

// coverageQuery reads, for deal ?2 of workspace ?1, the first CoverageMax
// risks covering each adoption area, open or resolved, in one row: a list
// "3,-8,12" (or NULL) per area, in CoverageAreas order, a resolved risk's
// number negated. One row rather than one per risk, because each row read
// costs more than the whole list.
//
// Its WHERE repeats the one of the risks_adoption index (migration 0006)
// word for word: SQLite uses a partial index only then.
var coverageQuery = func() string {
	var cols []string
	for _, a := range storage.CoverageAreas {
		cols = append(cols, fmt.Sprintf(`(SELECT group_concat(n) FROM (SELECT CASE status WHEN 'resolved' THEN -number ELSE number END AS n
			FROM risks WHERE team_id = ?1 AND deal_id = ?2 AND status IN ('open', 'resolved') AND area IN ('training', 'process', 'trust')
				AND area = '%s' ORDER BY number LIMIT %d))`, a, storage.CoverageMax))
	}
	return "SELECT " + strings.Join(cols, ",\n\t")
}()

// coverageCountQuery counts the risks covering area ?3 of deal ?2, read
// only when an area has more than the list shows.
const coverageCountQuery = `SELECT COUNT(*) FROM risks WHERE team_id = ?1 AND deal_id = ?2
	AND status IN ('open', 'resolved') AND area IN ('training', 'process', 'trust') AND area = ?3`

// riskCoverage fills in s.Coverage and s.CoverageTotal.
func riskCoverage(ctx context.Context, q querier, teamID string, dealID int64, s *storage.RiskSummary) error {
	lists := make([]string, len(storage.CoverageAreas))
	dest := make([]any, len(lists))
	for i := range lists {
		dest[i] = text(&lists[i])
	}
	if err := q.QueryRowContext(ctx, coverageQuery, teamID, dealID).Scan(dest...); err != nil {
		return err
	}
	for i, list := range lists {
		if list == "" {
			continue
		}
		area := storage.CoverageAreas[i]
		var covers []storage.Cover
		for f := range strings.SplitSeq(list, ",") {
			n, err := strconv.Atoi(f)
			if err != nil {
				return fmt.Errorf("coverage of %s: %w", area, err)
			}
			covers = append(covers, storage.Cover{Number: max(n, -n), Resolved: n < 0})
		}
		// group_concat keeps the order read; this makes it certain.
		slices.SortFunc(covers, func(x, y storage.Cover) int { return x.Number - y.Number })
		s.Coverage[area] = covers
		s.CoverageTotal[area] = len(covers)
		if len(covers) == storage.CoverageMax {
			var n int
			if err := q.QueryRowContext(ctx, coverageCountQuery, teamID, dealID, area).Scan(&n); err != nil {
				return fmt.Errorf("coverage of %s: %w", area, err)
			}
			s.CoverageTotal[area] = n
		}
	}
	return nil
}
