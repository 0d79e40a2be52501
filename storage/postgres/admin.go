package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// IntegrityCheck checks what the database's constraints cannot: that the
// risk tallies agree with the risks (they are kept by a trigger) and that
// no deal's counters lag behind the numbers its asks, gives, risks and
// check-ins carry. Foreign keys, CHECKs and unique keys are enforced by
// the server on every write.
func (db *DB) IntegrityCheck(ctx context.Context) error {
	return db.readTx(ctx, func(tx pgx.Tx) error {
		for _, c := range []struct{ what, query string }{
			{"risk tally check", tallyCheckQuery},
			{"numbering check", counterCheckQuery},
		} {
			problems, err := queryAll(ctx, tx, scanString, c.query)
			if err != nil {
				return fmt.Errorf("%s: %w", c.what, err)
			}
			if len(problems) > 0 {
				return fmt.Errorf("%s: %s", c.what, strings.Join(problems, "; "))
			}
		}
		return nil
	})
}

// tallyCheckQuery recounts the open risks and describes the risk tallies
// that disagree.
const tallyCheckQuery = `SELECT format('deal %s of %s has %s open risks of a kind tallied as %s',
		deal_id, team_id, SUM(counted), SUM(tallied)) FROM (
		SELECT team_id, deal_id, severity, area, needs_test, disclosed, n AS tallied, 0 AS counted FROM risk_tallies
		UNION ALL
		SELECT team_id, deal_id, severity, area, needs_test, disclosed, 0, 1 FROM risks WHERE status = 'open') x
	GROUP BY team_id, deal_id, severity, area, needs_test, disclosed
	HAVING SUM(tallied) <> SUM(counted)`

// counterCheckQuery describes the deals whose last_ask, last_give,
// last_risk or last_checkin is below a number already given: the next add
// would collide.
const counterCheckQuery = `SELECT format('deal %s of %s numbered its %s up to %s, but #%s exists', d.id, d.team_id, x.what, x.last, x.top)
	FROM deals d CROSS JOIN LATERAL (VALUES
		('asks', d.last_ask, (SELECT MAX(number) FROM asks WHERE team_id = d.team_id AND deal_id = d.id)),
		('gives', d.last_give, (SELECT MAX(number) FROM gives WHERE team_id = d.team_id AND deal_id = d.id)),
		('risks', d.last_risk, (SELECT MAX(number) FROM risks WHERE team_id = d.team_id AND deal_id = d.id)),
		('check-ins', d.last_checkin, (SELECT MAX(number) FROM checkins WHERE team_id = d.team_id AND deal_id = d.id))) x(what, last, top)
	WHERE x.top > x.last`

// ServerVersion is the server's version, as SHOW server_version says it.
func (db *DB) ServerVersion(ctx context.Context) (string, error) {
	return read(ctx, db, func(q querier) (string, error) {
		var v string
		err := q.QueryRow(ctx, `SHOW server_version`).Scan(&v)
		return v, err
	})
}
