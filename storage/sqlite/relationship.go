package sqlite

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/longgame/longgame/storage"
)

// MoveChampion records a champion's job change, as storage.Store says.
func (db *DB) MoveChampion(ctx context.Context, a storage.Actor, championID int64, m storage.ChampionMove) (storage.Moved, error) {
	moved, err := writeValue(ctx, db, func(ctx context.Context, tx *txn, now time.Time) (storage.Moved, error) {
		return moveChampion(ctx, tx, a, now, championID, m)
	})
	if err != nil {
		return storage.Moved{}, fmt.Errorf("move champion: %w", err)
	}
	return moved, nil
}

func moveChampion(ctx context.Context, tx *txn, a storage.Actor, now time.Time, id int64, m storage.ChampionMove) (storage.Moved, error) {
	if err := a.Validate(); err != nil {
		return storage.Moved{}, err
	}
	if err := m.Validate(); err != nil {
		return storage.Moved{}, err
	}
	m.Company, m.Title = strings.TrimSpace(m.Company), strings.TrimSpace(m.Title)
	c, err := championByID(ctx, tx, a.TeamID, id)
	if err != nil {
		return storage.Moved{}, err
	}
	if storage.NameKey(c.Company) == storage.NameKey(m.Company) {
		return storage.Moved{}, fmt.Errorf("%s is at %s already: %w", c.Name, c.Company, storage.ErrUnchanged)
	}
	_, err = tx.ExecContext(ctx, `UPDATE champions SET company = ?, company_key = ?, title = ?, updated_by = ?, updated_at = ?
		WHERE team_id = ? AND id = ?`, m.Company, storage.NameKey(m.Company), m.Title, a.UserID, unixArg(now), a.TeamID, id)
	if err != nil {
		return storage.Moved{}, err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO champion_roles (team_id, champion_id, company, title, since, moved_from, recorded_by, recorded_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, a.TeamID, id, m.Company, m.Title, dateArg(m.On), c.Company, a.UserID, unixArg(now))
	if err != nil {
		return storage.Moved{}, err
	}
	out := storage.Moved{From: c.Company, Reminders: len(m.Reminders)}
	out.Left, err = queryAll(ctx, tx, scanDeal, `UPDATE deals SET champion_left = ?3, updated_by = ?4, updated_at = ?5
		WHERE team_id = ?1 AND champion_id = ?2 AND stage = 'open'
		RETURNING `+returning(dealCols, "d", "deals"), a.TeamID, id, c.Company, a.UserID, unixArg(now))
	if err != nil {
		return storage.Moved{}, err
	}
	detail, deals := m.Audit(id, c.Company, out.Left)
	for _, dealID := range deals {
		if err := audit(ctx, tx, a, now, "champion.move", dealID, detail); err != nil {
			return storage.Moved{}, err
		}
	}
	for _, r := range m.Reminders {
		cid, err := insertCheckin(ctx, tx, a, now, r, 0)
		if err != nil {
			return storage.Moved{}, err
		}
		if err := audit(ctx, tx, a, now, "checkin.add", r.DealID, map[string]any{"checkin_id": cid, "checkin": r}); err != nil {
			return storage.Moved{}, err
		}
	}
	out.Champion, err = championByID(ctx, tx, a.TeamID, id)
	return out, err
}

// AddTouch records a contact with a deal's champion, as storage.Store says.
func (db *DB) AddTouch(ctx context.Context, a storage.Actor, t storage.Touch) (storage.Touch, error) {
	t, err := writeValue(ctx, db, func(ctx context.Context, tx *txn, now time.Time) (storage.Touch, error) {
		if err := a.Validate(); err != nil {
			return storage.Touch{}, err
		}
		if err := t.Validate(); err != nil {
			return storage.Touch{}, err
		}
		d, err := dealByID(ctx, tx, a.TeamID, t.DealID)
		if err != nil {
			return storage.Touch{}, err
		}
		if d.ChampionID == 0 {
			return storage.Touch{}, storage.Invalidf("the deal names no champion yet")
		}
		t.ChampionID, t.Note, t.By, t.At = d.ChampionID, strings.TrimSpace(t.Note), a.UserID, now.Truncate(time.Second)
		res, err := tx.ExecContext(ctx, `INSERT INTO touches (team_id, champion_id, deal_id, note, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?)`, a.TeamID, t.ChampionID, t.DealID, t.Note, a.UserID, unixArg(now))
		if err != nil {
			return storage.Touch{}, err
		}
		if t.ID, err = res.LastInsertId(); err != nil {
			return storage.Touch{}, err
		}
		return t, audit(ctx, tx, a, now, "champion.touch", t.DealID, map[string]any{"champion_id": t.ChampionID, "note": t.Note})
	})
	if err != nil {
		return storage.Touch{}, fmt.Errorf("add touch: %w", err)
	}
	return t, nil
}

const touchCols = `t.id, t.champion_id, t.deal_id, t.note, t.created_by, t.created_at`

func scanTouch(s rowScanner, t *storage.Touch) error {
	return s.Scan(integer(&t.ID), integer(&t.ChampionID), integer(&t.DealID), text(&t.Note), text(&t.By), unix(&t.At))
}

// goodwillSums are a champion's goodwill columns, for champion ?2 of
// workspace ?1 since ?3, with deal ?4 (NULL for none) among their deals:
// asked, given and deals, as storage.GoodwillOf counts them.
const goodwillSums = `
	(SELECT COALESCE(SUM(cost + extra), 0) FROM asks
		WHERE team_id = ?1 AND champion_id = ?2 AND created_at >= ?3 AND status IN ('open', 'done')),
	(SELECT COALESCE(SUM(value), 0) FROM gives
		WHERE team_id = ?1 AND champion_id = ?2 AND created_at >= ?3 AND withdrawn_at IS NULL),
	(SELECT COUNT(*) FROM (
		SELECT deal_id FROM asks WHERE team_id = ?1 AND champion_id = ?2 AND created_at >= ?3 AND status <> 'withdrawn'
		UNION SELECT deal_id FROM gives WHERE team_id = ?1 AND champion_id = ?2 AND created_at >= ?3 AND withdrawn_at IS NULL
		UNION SELECT id FROM deals WHERE team_id = ?1 AND champion_id = ?2 AND stage = 'open'
		UNION SELECT ?4 WHERE ?4 IS NOT NULL))`

// Goodwill is a champion's goodwill across their deals since since.
func (db *DB) Goodwill(ctx context.Context, teamID string, championID, currentDeal int64, since time.Time) (storage.Goodwill, error) {
	var g storage.Goodwill
	err := db.read.QueryRowContext(ctx, `SELECT `+goodwillSums, teamID, championID, unixArg(since), idArg(currentDeal)).
		Scan(integer(&g.Asked), integer(&g.Given), integer(&g.Deals))
	if err != nil {
		return storage.Goodwill{}, fmt.Errorf("goodwill of champion %d: %w", championID, err)
	}
	return g, nil
}

// peopleDeals selects, as (ch_id, deal_id), the deals of workspace ?1
// each champion was champion of (now, or by their asks and gives) that
// viewer ?2 may see ("" sees all; else their own and those whose channel
// is in the JSON array ?3), owned by ?4 when it is not "".
//
// It starts from the deals selected, so "mine" reads one owner's deals
// through their index, then each deal's asks and gives through theirs.
func peopleDeals(mine bool) string {
	where := `d.team_id = ?1 AND (?2 = '' OR d.owner_id = ?2 OR d.channel_id IN (SELECT value FROM json_each(?3))) AND ?4 = ''`
	deals := `deals d`
	if mine {
		where = `d.team_id = ?1 AND d.owner_id = ?4 AND (?2 = '' OR d.owner_id = ?2 OR d.channel_id IN (SELECT value FROM json_each(?3)))`
		deals = `deals d INDEXED BY deals_team_owner`
	}
	// The deals first, then each one's asks and gives by deal: without
	// statistics SQLite would rather scan the workspace's asks through the
	// champion index, whose cost grows with the workspace, not the owner.
	return `SELECT d.champion_id AS ch_id, d.id AS deal_id FROM ` + deals + ` WHERE ` + where + ` AND +d.champion_id IS NOT NULL
	UNION SELECT a.champion_id, a.deal_id FROM ` + deals + ` CROSS JOIN asks a INDEXED BY sqlite_autoindex_asks_1
		ON a.team_id = d.team_id AND a.deal_id = d.id WHERE ` + where + ` AND +a.champion_id IS NOT NULL
	UNION SELECT g.champion_id, g.deal_id FROM ` + deals + ` CROSS JOIN gives g INDEXED BY sqlite_autoindex_gives_1
		ON g.team_id = d.team_id AND g.deal_id = d.id WHERE ` + where + ` AND +g.champion_id IS NOT NULL`
}

// lastContact is the latest contact with champion ch: a touch, an ask or a
// give, or a check-in done on a deal they champion.
const lastContact = `NULLIF(MAX(
	COALESCE((SELECT MAX(created_at) FROM touches t WHERE t.team_id = ch.team_id AND t.champion_id = ch.id), 0),
	COALESCE((SELECT MAX(created_at) FROM asks a WHERE a.team_id = ch.team_id AND a.champion_id = ch.id AND a.status <> 'withdrawn'), 0),
	COALESCE((SELECT MAX(created_at) FROM gives g WHERE g.team_id = ch.team_id AND g.champion_id = ch.id AND g.withdrawn_at IS NULL), 0),
	COALESCE((SELECT MAX(c.updated_at) FROM checkins c JOIN deals cd ON cd.team_id = c.team_id AND cd.id = c.deal_id
		WHERE c.team_id = ch.team_id AND cd.champion_id = ch.id AND c.status = 'done'), 0)), 0)`

// latestMove is the latest job change of champion ch: the company left
// and the day (or the day it was recorded, when no day was said).
const latestMove = `
	COALESCE((SELECT r.moved_from FROM champion_roles r WHERE r.team_id = ch.team_id AND r.champion_id = ch.id
		AND r.moved_from <> '' ORDER BY r.id DESC LIMIT 1), ''),
	(SELECT COALESCE(r.since, date(r.recorded_at, 'unixepoch')) FROM champion_roles r
		WHERE r.team_id = ch.team_id AND r.champion_id = ch.id AND r.moved_from <> '' ORDER BY r.id DESC LIMIT 1)`

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
	err := db.readTx(ctx, func(tx *txn) error {
		var err error
		p.Items, err = queryAll(ctx, tx, scanPerson, `WITH pd AS (`+peopleDeals(f.OwnerID != "")+`),
			people AS (SELECT ch_id, COUNT(DISTINCT deal_id) AS n FROM pd GROUP BY ch_id)
			SELECT `+championCols+`, p.n, `+personGoodwill+`, `+lastContact+`, `+latestMove+`
			FROM people p JOIN champions ch ON ch.team_id = ?1 AND ch.id = p.ch_id
			ORDER BY ch.name_key, ch.company_key, ch.id LIMIT ?6`,
			teamID, viewer, channels, f.OwnerID, unixArg(f.Since), f.Limit)
		if err != nil {
			return err
		}
		err = tx.QueryRowContext(ctx, `SELECT COUNT(DISTINCT ch_id) FROM (`+peopleDeals(f.OwnerID != "")+`)`,
			teamID, viewer, channels, f.OwnerID).Scan(&p.Total)
		if err != nil || f.Viewer == nil || !f.Viewer.Unknown {
			return err
		}
		// The deals left out because the viewer's channels are unknown.
		return tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM deals d WHERE d.team_id = ?1 AND d.owner_id <> ?2
			AND (?3 = '' OR d.owner_id = ?3) AND d.champion_id IS NOT NULL`, teamID, viewer, f.OwnerID).Scan(&p.Hidden)
	})
	if err != nil {
		return storage.Page[storage.Person]{}, fmt.Errorf("people: %w", err)
	}
	return p, nil
}

// personGoodwill is goodwillSums of champion ch since ?5.
var personGoodwill = strings.NewReplacer("?1", "ch.team_id", "?2", "ch.id", "?3", "?5", "?4", "NULL").Replace(goodwillSums)

func scanPerson(s rowScanner, p *storage.Person) error {
	dest := append(championDest(&p.Champion), integer(&p.Deals), integer(&p.Goodwill.Asked), integer(&p.Goodwill.Given),
		integer(&p.Goodwill.Deals), unix(&p.LastContact), text(&p.MovedFrom), date(&p.MovedOn))
	return s.Scan(dest...)
}
