package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/longgame/longgame/storage"
)

const championCols = `ch.id, ch.team_id, ch.name, ch.title, ch.company, ch.user_id,
	ch.created_by, ch.created_at, ch.updated_by, ch.updated_at`

func championDest(c *storage.Champion) []any {
	return []any{integer(&c.ID), text(&c.TeamID), text(&c.Name), text(&c.Title), text(&c.Company), text(&c.UserID),
		text(&c.CreatedBy), ts(&c.CreatedAt), text(&c.UpdatedBy), ts(&c.UpdatedAt)}
}

func scanChampion(s rowScanner, c *storage.Champion) error { return s.Scan(championDest(c)...) }

// SetChampion names a deal's champion, as storage.Store says.
func (db *DB) SetChampion(ctx context.Context, a storage.Actor, dealID int64, c storage.ChampionInput) (storage.ChampionSet, error) {
	if err := a.Validate(); err != nil {
		return storage.ChampionSet{}, fmt.Errorf("set champion: %w", err)
	}
	if err := c.Validate(); err != nil {
		return storage.ChampionSet{}, fmt.Errorf("set champion: %w", err)
	}
	c.Name, c.Title, c.Company = strings.TrimSpace(c.Name), strings.TrimSpace(c.Title), strings.TrimSpace(c.Company)
	set, err := writeValue(ctx, db, func(ctx context.Context, tx pgx.Tx, now time.Time) (storage.ChampionSet, error) {
		return setChampion(ctx, tx, a, now, dealID, c)
	})
	if err != nil {
		return storage.ChampionSet{}, fmt.Errorf("set champion: %w", err)
	}
	return set, nil
}

// setChampion locks the deal first: a second SetChampion, or an add that
// takes the deal's champion for its ask or give, waits for this one.
func setChampion(ctx context.Context, tx pgx.Tx, a storage.Actor, now time.Time, dealID int64, in storage.ChampionInput) (storage.ChampionSet, error) {
	d, err := lockDeal(ctx, tx, a.TeamID, dealID)
	if err != nil {
		return storage.ChampionSet{}, err
	}
	var set storage.ChampionSet
	id, moved, err := upsertChampion(ctx, tx, a, now, in, d.Name)
	if err != nil {
		return storage.ChampionSet{}, err
	}
	set.Moved = moved
	switch prev := d.ChampionID; {
	case prev == 0:
		if set.Adopted, err = adoptEntries(ctx, tx, a.TeamID, dealID, id); err != nil {
			return storage.ChampionSet{}, err
		}
	case prev != id:
		replaced, err := championByID(ctx, tx, a.TeamID, prev)
		if err != nil {
			return storage.ChampionSet{}, err
		}
		set.Replaced = &replaced
	}
	// A champion named after the last one left is the deal's defender again.
	err = updateOne(ctx, tx, fmt.Sprintf("deal %d", dealID), `UPDATE deals SET champion_id = $1, champion_left = '', updated_by = $2, updated_at = $3
		WHERE team_id = $4 AND id = $5`, id, a.UserID, tsArg(now), a.TeamID, dealID)
	if err != nil {
		return storage.ChampionSet{}, err
	}
	detail := map[string]any{"champion_id": id, "name": in.Name, "title": in.Title, "company": in.Company,
		"user_id": in.UserID, "replaced": d.ChampionID, "adopted": set.Adopted}
	if err := audit(ctx, tx, a, now, "champion.set", dealID, detail); err != nil {
		return storage.ChampionSet{}, err
	}
	if set.Champion, err = championByID(ctx, tx, a.TeamID, id); err != nil {
		return storage.ChampionSet{}, err
	}
	return set, nil
}

// adoptEntries gives champion id the asks and gives of a deal recorded
// before it named any champion: they were asked of this person. One
// statement counts both.
func adoptEntries(ctx context.Context, tx pgx.Tx, teamID string, dealID, id int64) (int, error) {
	var n int
	err := tx.QueryRow(ctx, `WITH
		a AS (UPDATE asks SET champion_id = $3 WHERE team_id = $1 AND deal_id = $2 AND champion_id IS NULL RETURNING 1),
		g AS (UPDATE gives SET champion_id = $3 WHERE team_id = $1 AND deal_id = $2 AND champion_id IS NULL RETURNING 1)
		SELECT (SELECT COUNT(*) FROM a) + (SELECT COUNT(*) FROM g)`, teamID, dealID, id).Scan(&n)
	return n, err
}

// upsertChampion updates the matching champion with in, or creates one at
// in.Company, else dealName. It reports whether their title or company
// changed: a new entry of their timeline.
//
// Two deals naming the same new person at once may both find none: the
// second insert then meets the first's unique user id (ErrConflict), or
// creates a namesake, as SQLite's single writer never would.
func upsertChampion(ctx context.Context, tx pgx.Tx, a storage.Actor, now time.Time, in storage.ChampionInput, dealName string) (int64, bool, error) {
	company := in.Company
	if company == "" {
		company = dealName
	}
	found, err := findChampions(ctx, tx, a.TeamID, storage.ChampionQuery{Name: in.Name, Company: company, UserID: in.UserID}, 1)
	if err != nil {
		return 0, false, err
	}
	if len(found) == 0 {
		in.Company = company
		id, err := insertChampion(ctx, tx, a, now, in)
		return id, false, err
	}
	c := found[0]
	if storage.NameKey(in.Name) == storage.NameKey(c.Name) {
		// The same name typed another way ("jane  DOE") keeps its recorded spelling.
		in.Name = ""
	}
	if in.Title == c.Title {
		in.Title = ""
	}
	if storage.NameKey(in.Company) == storage.NameKey(c.Company) {
		in.Company = ""
	}
	_, err = tx.Exec(ctx, `UPDATE champions SET name = COALESCE($1, name), name_key = COALESCE($2, name_key),
		title = COALESCE($3, title), company = COALESCE($4, company), company_key = COALESCE($5, company_key),
		user_id = COALESCE($6, user_id), updated_by = $7, updated_at = $8
		WHERE team_id = $9 AND id = $10`, textArg(in.Name), textArg(storage.NameKey(in.Name)), textArg(in.Title),
		textArg(in.Company), textArg(storage.NameKey(in.Company)), textArg(in.UserID), a.UserID, tsArg(now), a.TeamID, c.ID)
	if err != nil {
		return 0, false, err
	}
	if in.Title == "" && in.Company == "" {
		return c.ID, false, nil
	}
	return c.ID, true, addRole(ctx, tx, a, now, c.ID)
}

// addRole records the champion's present title and company as the newest
// entry of their timeline.
func addRole(ctx context.Context, tx pgx.Tx, a storage.Actor, now time.Time, id int64) error {
	_, err := tx.Exec(ctx, `INSERT INTO champion_roles (team_id, champion_id, company, title, recorded_by, recorded_at)
		SELECT team_id, id, company, title, $1, $2 FROM champions WHERE team_id = $3 AND id = $4`,
		a.UserID, tsArg(now), a.TeamID, id)
	return err
}

// insertChampion creates a champion and the first entry of their
// timeline, in one statement.
func insertChampion(ctx context.Context, tx pgx.Tx, a storage.Actor, now time.Time, in storage.ChampionInput) (int64, error) {
	if in.Name == "" {
		return 0, storage.Invalidf("no champion is linked to user %s yet: give a name", in.UserID)
	}
	var id int64
	err := tx.QueryRow(ctx, `WITH ch AS (
			INSERT INTO champions (team_id, name, name_key, title, company, company_key, user_id,
				created_by, created_at, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $8, $9)
			RETURNING id, team_id, company, title),
		r AS (INSERT INTO champion_roles (team_id, champion_id, company, title, recorded_by, recorded_at)
			SELECT team_id, id, company, title, $8, $9 FROM ch)
		SELECT id FROM ch`,
		a.TeamID, in.Name, storage.NameKey(in.Name), in.Title, in.Company, storage.NameKey(in.Company), textArg(in.UserID),
		a.UserID, tsArg(now)).Scan(&id)
	return id, err
}

// FindChampions finds champions of the workspace, as storage.Store says.
func (db *DB) FindChampions(ctx context.Context, teamID string, q storage.ChampionQuery, limit int) ([]storage.Champion, error) {
	if err := q.Validate(); err != nil {
		return nil, fmt.Errorf("find champions: %w", err)
	}
	if limit <= 0 {
		limit = storage.DefaultListLimit
	}
	cs, err := read(ctx, db, func(r querier) ([]storage.Champion, error) { return findChampions(ctx, r, teamID, q, limit) })
	if err != nil {
		return nil, fmt.Errorf("find champions: %w", err)
	}
	return cs, nil
}

// findChampions is the champion linked to cq.UserID, else the first limit
// named cq.Name (at cq.Company when given; linked to nobody when a user
// was asked for), oldest first.
func findChampions(ctx context.Context, q querier, teamID string, cq storage.ChampionQuery, limit int) ([]storage.Champion, error) {
	if cq.UserID != "" {
		var c storage.Champion
		err := scanChampion(q.QueryRow(ctx, `SELECT `+championCols+` FROM champions ch
			WHERE ch.team_id = $1 AND ch.user_id = $2`, teamID, cq.UserID), &c)
		if err == nil {
			return []storage.Champion{c}, nil
		} else if !errors.Is(err, pgx.ErrNoRows) {
			return nil, err
		}
	}
	key := storage.NameKey(cq.Name)
	if key == "" {
		return nil, nil
	}
	return queryAll(ctx, q, scanChampion, `SELECT `+championCols+` FROM champions ch
		WHERE ch.team_id = $1 AND ch.name_key = $2 AND ($3::text = '' OR ch.company_key = $3)
			AND ($4::text = '' OR ch.user_id IS NULL)
		ORDER BY ch.id LIMIT $5`, teamID, key, storage.NameKey(cq.Company), cq.UserID, limit)
}

// ChampionRoles is a champion's timeline, oldest first.
func (db *DB) ChampionRoles(ctx context.Context, teamID string, championID int64) ([]storage.ChampionRole, error) {
	var roles []storage.ChampionRole
	err := db.readTx(ctx, func(tx pgx.Tx) error {
		if _, err := championByID(ctx, tx, teamID, championID); err != nil {
			return err
		}
		var err error
		roles, err = queryAll(ctx, tx, scanRole, `SELECT company, title, since, moved_from, recorded_by, recorded_at
			FROM champion_roles WHERE team_id = $1 AND champion_id = $2 ORDER BY id`, teamID, championID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("champion roles: %w", err)
	}
	return roles, nil
}

func scanRole(s rowScanner, r *storage.ChampionRole) error {
	return s.Scan(text(&r.Company), text(&r.Title), date(&r.Since), text(&r.MovedFrom), text(&r.RecordedBy), ts(&r.RecordedAt))
}

// ChampionByID is champion id of the workspace.
func (db *DB) ChampionByID(ctx context.Context, teamID string, id int64) (storage.Champion, error) {
	c, err := read(ctx, db, func(q querier) (storage.Champion, error) { return championByID(ctx, q, teamID, id) })
	if err != nil {
		return storage.Champion{}, fmt.Errorf("champion by id: %w", err)
	}
	return c, nil
}

func championByID(ctx context.Context, q querier, teamID string, id int64) (storage.Champion, error) {
	var c storage.Champion
	err := scanChampion(q.QueryRow(ctx, `SELECT `+championCols+` FROM champions ch
		WHERE ch.team_id = $1 AND ch.id = $2`, teamID, id), &c)
	if err != nil {
		return storage.Champion{}, found(err, fmt.Sprintf("champion %d", id))
	}
	return c, nil
}

// ChampionHistory lists the workspace's deals that championID was champion
// of, oldest first, each with this person's asks and gives only: the first
// limit of those v may see (all when v is nil).
func (db *DB) ChampionHistory(ctx context.Context, teamID string, championID int64, v *storage.Viewer, limit int) (storage.Page[storage.ChampionDeal], error) {
	if err := v.Validate(); err != nil {
		return storage.Page[storage.ChampionDeal]{}, fmt.Errorf("champion history: %w", err)
	}
	if limit <= 0 {
		limit = storage.DefaultListLimit
	}
	viewer, channels := viewerArgs(v)
	var p storage.Page[storage.ChampionDeal]
	err := db.readTx(ctx, func(tx pgx.Tx) error {
		if _, err := championByID(ctx, tx, teamID, championID); err != nil {
			return err
		}
		var err error
		p.Items, err = queryAll(ctx, tx, scanChampionDeal, `WITH `+championCapitalSums+`
			SELECT `+dealCols+`, COALESCE(d.champion_id = $2, false), COALESCE(ak.n, 0), COALESCE(gv.n, 0),
				COALESCE(ak.spent, 0), COALESCE(gv.given, 0), GREATEST(ak.last, gv.last)
			FROM deals d
			LEFT JOIN ask_sums ak ON ak.deal_id = d.id
			LEFT JOIN give_sums gv ON gv.deal_id = d.id
			WHERE `+championDeals+` AND `+historyVisible+`
			ORDER BY d.created_at, d.id LIMIT $5`, teamID, championID, viewer, channels, limit)
		if err != nil {
			return err
		}
		err = tx.QueryRow(ctx, `SELECT COUNT(*) FROM deals d WHERE `+championDeals+` AND `+
			historyVisible, teamID, championID, viewer, channels).Scan(&p.Total)
		if err != nil || v == nil || !v.Unknown {
			return err
		}
		return tx.QueryRow(ctx, `SELECT COUNT(*) FROM deals d WHERE `+championDeals+`
			AND d.owner_id <> $3`, teamID, championID, viewer).Scan(&p.Hidden)
	})
	if err != nil {
		return storage.Page[storage.ChampionDeal]{}, fmt.Errorf("champion history: %w", err)
	}
	return p, nil
}

// historyVisible keeps the deals viewer $3 may see ("" sees all): those
// they own and those whose channel is in the array $4.
const historyVisible = `($3::text = '' OR d.owner_id = $3 OR d.channel_id = ANY($4::text[]))`

// championDeals selects the deals d of workspace $1 that champion $2 was
// champion of: now, or before another was named (their asks and gives say
// so, found through the asks_team_champion and gives_team_champion
// indexes).
const championDeals = `d.team_id = $1 AND (d.champion_id = $2
	OR d.id IN (SELECT deal_id FROM asks WHERE team_id = $1 AND champion_id = $2)
	OR d.id IN (SELECT deal_id FROM gives WHERE team_id = $1 AND champion_id = $2))`

// championCapitalSums are capitalSums of champion $2's asks and gives,
// whatever their deal.
var championCapitalSums = capitalSums(`true`, `champion_id = $2`)

func scanChampionDeal(s rowScanner, cd *storage.ChampionDeal) error {
	var spent, given int
	dest := append(dealDest(&cd.Deal), boolean(&cd.Current), integer(&cd.Asks), integer(&cd.Gives), integer(&spent), integer(&given),
		ts(&cd.LastContact))
	if err := s.Scan(dest...); err != nil {
		return err
	}
	cd.Capital = storage.CapitalOf(cd.Deal.Budget, spent, given)
	return nil
}

// viewerArgs are the viewer's id ("" for no viewer) and channels as query
// arguments.
func viewerArgs(v *storage.Viewer) (string, []string) {
	if v == nil {
		return "", []string{}
	}
	if v.Unknown || v.Channels == nil {
		return v.UserID, []string{}
	}
	return v.UserID, v.Channels
}
