package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/longgame/longgame/storage"
)

// MoveChampion records a champion's job change, as storage.Store says.
func (db *DB) MoveChampion(ctx context.Context, a storage.Actor, championID int64, m storage.ChampionMove) (storage.Moved, error) {
	if err := a.Validate(); err != nil {
		return storage.Moved{}, fmt.Errorf("move champion: %w", err)
	}
	if err := m.Validate(); err != nil {
		return storage.Moved{}, fmt.Errorf("move champion: %w", err)
	}
	m.Company, m.Title = strings.TrimSpace(m.Company), strings.TrimSpace(m.Title)
	moved, err := writeValue(ctx, db, func(ctx context.Context, tx pgx.Tx, now time.Time) (storage.Moved, error) {
		return moveChampion(ctx, tx, a, now, championID, m)
	})
	if err != nil {
		return storage.Moved{}, fmt.Errorf("move champion: %w", err)
	}
	return moved, nil
}

// moveChampion locks the champion's row first, so that two moves of one
// person queue and the second sees the company the first recorded (the
// timeline says who left what). A SetChampion in flight locks its deal
// before the champion, this the champion before the deals: should the two
// wait on each other, the server breaks the deadlock and writeValue runs
// this again.
func moveChampion(ctx context.Context, tx pgx.Tx, a storage.Actor, now time.Time, id int64, m storage.ChampionMove) (storage.Moved, error) {
	var c storage.Champion
	err := scanChampion(tx.QueryRow(ctx, `SELECT `+championCols+` FROM champions ch
		WHERE ch.team_id = $1 AND ch.id = $2 FOR NO KEY UPDATE`, a.TeamID, id), &c)
	if err != nil {
		return storage.Moved{}, found(err, fmt.Sprintf("champion %d", id))
	}
	if storage.NameKey(c.Company) == storage.NameKey(m.Company) {
		return storage.Moved{}, fmt.Errorf("%s is at %s already: %w", c.Name, c.Company, storage.ErrUnchanged)
	}
	_, err = tx.Exec(ctx, `UPDATE champions SET company = $1, company_key = $2, title = $3, updated_by = $4, updated_at = $5
		WHERE team_id = $6 AND id = $7`, m.Company, storage.NameKey(m.Company), m.Title, a.UserID, tsArg(now), a.TeamID, id)
	if err != nil {
		return storage.Moved{}, err
	}
	_, err = tx.Exec(ctx, `INSERT INTO champion_roles (team_id, champion_id, company, title, since, moved_from, recorded_by, recorded_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, a.TeamID, id, m.Company, m.Title, dateArg(m.On), c.Company, a.UserID, tsArg(now))
	if err != nil {
		return storage.Moved{}, err
	}
	out := storage.Moved{From: c.Company, Reminders: len(m.Reminders)}
	out.Left, err = queryAll(ctx, tx, scanDeal, `UPDATE deals d SET champion_left = $3, updated_by = $4, updated_at = $5
		WHERE d.team_id = $1 AND d.champion_id = $2 AND d.stage = 'open'
		RETURNING `+dealCols, a.TeamID, id, c.Company, a.UserID, tsArg(now))
	if err != nil {
		return storage.Moved{}, err
	}
	slices.SortFunc(out.Left, func(x, y storage.Deal) int { return int(x.ID - y.ID) })
	detail, deals := m.Audit(id, c.Company, out.Left)
	for _, dealID := range deals {
		if err := audit(ctx, tx, a, now, "champion.move", dealID, detail); err != nil {
			return storage.Moved{}, err
		}
	}
	for _, r := range m.Reminders {
		if err := addReminder(ctx, tx, a, now, r); err != nil {
			return storage.Moved{}, err
		}
	}
	out.Champion, err = championByID(ctx, tx, a.TeamID, id)
	return out, err
}

// addReminder schedules r in tx, numbered after its deal's last check-in,
// with its checkin.add audit row, as AddCheckin does alone.
func addReminder(ctx context.Context, tx pgx.Tx, a storage.Actor, now time.Time, r storage.NewCheckin) error {
	if err := r.Validate(); err != nil {
		return err
	}
	var c storage.Checkin
	err := scanCheckin(tx.QueryRow(ctx, addCheckinQuery, append(checkinArgs(a, now, r, 0), detail(map[string]any{"checkin": r}))...), &c)
	return found(err, fmt.Sprintf("deal %d", r.DealID))
}

// AddTouch records a contact with a deal's champion, as storage.Store says.
func (db *DB) AddTouch(ctx context.Context, a storage.Actor, t storage.Touch) (storage.Touch, error) {
	if err := a.Validate(); err != nil {
		return storage.Touch{}, fmt.Errorf("add touch: %w", err)
	}
	if err := t.Validate(); err != nil {
		return storage.Touch{}, fmt.Errorf("add touch: %w", err)
	}
	t.Note = strings.TrimSpace(t.Note)
	t, err := writeValue(ctx, db, func(ctx context.Context, tx pgx.Tx, now time.Time) (storage.Touch, error) {
		return addTouch(ctx, tx, a, now, t)
	})
	if err != nil {
		return storage.Touch{}, fmt.Errorf("add touch: %w", err)
	}
	return t, nil
}

// addTouch takes the deal's champion in the statement that records the
// touch: a SetChampion committed before it is seen, one in flight is after
// it, as with SQLite's single writer.
func addTouch(ctx context.Context, tx pgx.Tx, a storage.Actor, now time.Time, t storage.Touch) (storage.Touch, error) {
	var out storage.Touch
	err := scanTouch(tx.QueryRow(ctx, `INSERT INTO touches AS t (team_id, champion_id, deal_id, note, created_by, created_at)
		SELECT team_id, champion_id, id, $3, $4, $5 FROM deals
		WHERE team_id = $1 AND id = $2 AND champion_id IS NOT NULL
		RETURNING `+touchCols, a.TeamID, t.DealID, t.Note, a.UserID, tsArg(now)), &out)
	if errors.Is(err, pgx.ErrNoRows) {
		if _, err := dealByID(ctx, tx, a.TeamID, t.DealID); err != nil {
			return storage.Touch{}, err
		}
		return storage.Touch{}, storage.Invalidf("the deal names no champion yet")
	} else if err != nil {
		return storage.Touch{}, err
	}
	return out, audit(ctx, tx, a, now, "champion.touch", out.DealID, map[string]any{"champion_id": out.ChampionID, "note": out.Note})
}

const touchCols = `t.id, t.champion_id, t.deal_id, t.note, t.created_by, t.created_at`

func scanTouch(s rowScanner, t *storage.Touch) error {
	return s.Scan(integer(&t.ID), integer(&t.ChampionID), integer(&t.DealID), text(&t.Note), text(&t.By), ts(&t.At))
}

// goodwillSums are a champion's goodwill columns, for champion $2 of
// workspace $1 since $3, with deal $4 (NULL for none) among their deals:
// asked, given and deals, as storage.GoodwillOf counts them. The asks and
// gives are found through the asks_team_champion and gives_team_champion
// indexes.
const goodwillSums = `
	(SELECT COALESCE(SUM(cost + extra), 0) FROM asks
		WHERE team_id = $1 AND champion_id = $2 AND created_at >= $3 AND status IN ('open', 'done')),
	(SELECT COALESCE(SUM(value), 0) FROM gives
		WHERE team_id = $1 AND champion_id = $2 AND created_at >= $3 AND withdrawn_at IS NULL),
	(SELECT COUNT(*) FROM (
		SELECT deal_id FROM asks WHERE team_id = $1 AND champion_id = $2 AND created_at >= $3 AND status <> 'withdrawn'
		UNION SELECT deal_id FROM gives WHERE team_id = $1 AND champion_id = $2 AND created_at >= $3 AND withdrawn_at IS NULL
		UNION SELECT id FROM deals WHERE team_id = $1 AND champion_id = $2 AND stage = 'open'
		UNION SELECT $4::bigint WHERE $4::bigint IS NOT NULL) gd)`

// Goodwill is a champion's goodwill across their deals since since.
func (db *DB) Goodwill(ctx context.Context, teamID string, championID, currentDeal int64, since time.Time) (storage.Goodwill, error) {
	g, err := read(ctx, db, func(q querier) (storage.Goodwill, error) {
		var g storage.Goodwill
		err := q.QueryRow(ctx, `SELECT `+goodwillSums, teamID, championID, tsArg(since), idArg(currentDeal)).
			Scan(integer(&g.Asked), integer(&g.Given), integer(&g.Deals))
		return g, err
	})
	if err != nil {
		return storage.Goodwill{}, fmt.Errorf("goodwill of champion %d: %w", championID, err)
	}
	return g, nil
}

// peopleDeals selects, as (ch_id, deal_id), the deals of workspace $1
// each champion was champion of (now, or by their asks and gives) that
// viewer $2 may see ("" sees all; else their own and those whose channel
// is in the array $3), owned by $4 when it is not "".
//
// It starts from the deals selected, so "mine" reads one owner's deals
// through their index, then each deal's asks and gives through theirs.
func peopleDeals(mine bool) string {
	where := `d.team_id = $1 AND ($2::text = '' OR d.owner_id = $2 OR d.channel_id = ANY($3::text[])) AND $4::text = ''`
	if mine {
		where = `d.team_id = $1 AND d.owner_id = $4 AND ($2::text = '' OR d.owner_id = $2 OR d.channel_id = ANY($3::text[]))`
	}
	// The deals first, then each one's asks and gives by deal; the
	// unary + keeps the champion_id tests off the champion indexes.
	return `SELECT d.champion_id AS ch_id, d.id AS deal_id FROM deals d WHERE ` + where + ` AND +d.champion_id IS NOT NULL
	UNION SELECT a.champion_id, a.deal_id FROM deals d JOIN asks a ON a.team_id = d.team_id AND a.deal_id = d.id
		WHERE ` + where + ` AND +a.champion_id IS NOT NULL
	UNION SELECT g.champion_id, g.deal_id FROM deals d JOIN gives g ON g.team_id = d.team_id AND g.deal_id = d.id
		WHERE ` + where + ` AND +g.champion_id IS NOT NULL`
}

// lastContact is the latest contact with champion ch: a touch, an ask or a
// give, or a check-in done on a deal they champion; NULL when none
// (GREATEST leaves out the NULLs of the kinds never recorded).
const lastContact = `GREATEST(
	(SELECT MAX(created_at) FROM touches t WHERE t.team_id = ch.team_id AND t.champion_id = ch.id),
	(SELECT MAX(created_at) FROM asks a WHERE a.team_id = ch.team_id AND a.champion_id = ch.id AND a.status <> 'withdrawn'),
	(SELECT MAX(created_at) FROM gives g WHERE g.team_id = ch.team_id AND g.champion_id = ch.id AND g.withdrawn_at IS NULL),
	(SELECT MAX(c.updated_at) FROM checkins c JOIN deals cd ON cd.team_id = c.team_id AND cd.id = c.deal_id
		WHERE c.team_id = ch.team_id AND cd.champion_id = ch.id AND c.status = 'done'))`

// latestMove is the latest job change of champion ch: the company left
// and the day (or the day it was recorded, in UTC, when no day was said).
const latestMove = `
	COALESCE((SELECT r.moved_from FROM champion_roles r WHERE r.team_id = ch.team_id AND r.champion_id = ch.id
		AND r.moved_from <> '' ORDER BY r.id DESC LIMIT 1), ''),
	(SELECT COALESCE(r.since, (r.recorded_at AT TIME ZONE 'UTC')::date) FROM champion_roles r
		WHERE r.team_id = ch.team_id AND r.champion_id = ch.id AND r.moved_from <> '' ORDER BY r.id DESC LIMIT 1)`

// personGoodwill is goodwillSums of champion ch since $5.
var personGoodwill = strings.NewReplacer("$1", "ch.team_id", "$2", "ch.id", "$3", "$5", "$4", "NULL").Replace(goodwillSums)

// peopleQuery reads the first $6 people, by name as SQLite orders them
// (bytewise).
func peopleQuery(mine bool) string {
	return `WITH pd AS (` + peopleDeals(mine) + `),
	people AS (SELECT ch_id, COUNT(DISTINCT deal_id) AS n FROM pd GROUP BY ch_id)
	SELECT ` + championCols + `, p.n, ` + personGoodwill + `, ` + lastContact + `, ` + latestMove + `
	FROM people p JOIN champions ch ON ch.team_id = $1 AND ch.id = p.ch_id
	ORDER BY ch.name_key COLLATE "C", ch.company_key COLLATE "C", ch.id LIMIT $6`
}

// People lists the champions f selects, as storage.Store says.
func (db *DB) People(ctx context.Context, teamID string, f storage.PeopleFilter) (storage.Page[storage.Person], error) {
	if err := f.Validate(); err != nil {
		return storage.Page[storage.Person]{}, fmt.Errorf("people: %w", err)
	}
	if f.Limit <= 0 {
		f.Limit = storage.DefaultListLimit
	}
	viewer, channels := viewerArgs(f.Viewer)
	var p storage.Page[storage.Person]
	err := db.readTx(ctx, func(tx pgx.Tx) error {
		var err error
		p.Items, err = queryAll(ctx, tx, scanPerson, peopleQuery(f.OwnerID != ""), teamID, viewer, channels, f.OwnerID, tsArg(f.Since), f.Limit)
		if err != nil {
			return err
		}
		err = tx.QueryRow(ctx, `SELECT COUNT(DISTINCT ch_id) FROM (`+peopleDeals(f.OwnerID != "")+`) pd`,
			teamID, viewer, channels, f.OwnerID).Scan(&p.Total)
		if err != nil || f.Viewer == nil || !f.Viewer.Unknown {
			return err
		}
		// The deals left out because the viewer's channels are unknown.
		return tx.QueryRow(ctx, `SELECT COUNT(*) FROM deals d WHERE d.team_id = $1 AND d.owner_id <> $2
			AND ($3::text = '' OR d.owner_id = $3) AND d.champion_id IS NOT NULL`, teamID, viewer, f.OwnerID).Scan(&p.Hidden)
	})
	if err != nil {
		return storage.Page[storage.Person]{}, fmt.Errorf("people: %w", err)
	}
	return p, nil
}

func scanPerson(s rowScanner, p *storage.Person) error {
	dest := append(championDest(&p.Champion), integer(&p.Deals), integer(&p.Goodwill.Asked), integer(&p.Goodwill.Given),
		integer(&p.Goodwill.Deals), ts(&p.LastContact), text(&p.MovedFrom), date(&p.MovedOn))
	return s.Scan(dest...)
}
