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

const championCols = `ch.id, ch.team_id, ch.name, ch.title, ch.user_id,
	ch.created_by, ch.created_at, ch.updated_by, ch.updated_at`

func championDest(c *storage.Champion) []any {
	return []any{integer(&c.ID), text(&c.TeamID), text(&c.Name), text(&c.Title), text(&c.UserID),
		text(&c.CreatedBy), ts(&c.CreatedAt), text(&c.UpdatedBy), ts(&c.UpdatedAt)}
}

func scanChampion(s rowScanner, c *storage.Champion) error { return s.Scan(championDest(c)...) }

// SetChampion names a deal's champion. The person is found by c.UserID when
// given, else by name (case and spaces ignored); a champion linked to
// another user is another person. A new champion is created when none
// matches. A given name, title or user id is recorded on the champion.
func (db *DB) SetChampion(ctx context.Context, a storage.Actor, dealID int64, c storage.ChampionInput) (storage.Champion, error) {
	if err := a.Validate(); err != nil {
		return storage.Champion{}, fmt.Errorf("set champion: %w", err)
	}
	c.Name = strings.TrimSpace(c.Name)
	if err := c.Validate(); err != nil {
		return storage.Champion{}, fmt.Errorf("set champion: %w", err)
	}
	ch, err := writeValue(ctx, db, func(ctx context.Context, tx pgx.Tx, now time.Time) (storage.Champion, error) {
		return setChampion(ctx, tx, a, now, dealID, c)
	})
	if err != nil {
		return storage.Champion{}, fmt.Errorf("set champion: %w", err)
	}
	return ch, nil
}

func setChampion(ctx context.Context, tx pgx.Tx, a storage.Actor, now time.Time, dealID int64, in storage.ChampionInput) (storage.Champion, error) {
	if _, err := lockDeal(ctx, tx, a.TeamID, dealID); err != nil {
		return storage.Champion{}, err
	}
	id, err := upsertChampion(ctx, tx, a, now, in)
	if err != nil {
		return storage.Champion{}, err
	}
	err = updateOne(ctx, tx, fmt.Sprintf("deal %d", dealID), `UPDATE deals SET champion_id = $1, updated_by = $2, updated_at = $3
		WHERE team_id = $4 AND id = $5`, id, a.UserID, tsArg(now), a.TeamID, dealID)
	if err != nil {
		return storage.Champion{}, err
	}
	detail := map[string]any{"champion_id": id, "name": in.Name, "title": in.Title, "user_id": in.UserID}
	if err := audit(ctx, tx, a, now, "champion.set", dealID, detail); err != nil {
		return storage.Champion{}, err
	}
	return championByID(ctx, tx, a.TeamID, id)
}

// upsertChampion updates the matching champion with in, or creates one.
// Two deals naming the same new person at once may both find none: the
// second insert then meets the first's unique user id, or creates a
// namesake, as SQLite's single writer never would; a linked user is
// matched again on conflict.
func upsertChampion(ctx context.Context, tx pgx.Tx, a storage.Actor, now time.Time, in storage.ChampionInput) (int64, error) {
	c, err := findChampion(ctx, tx, a.TeamID, in.Name, in.UserID)
	if errors.Is(err, storage.ErrNotFound) {
		return insertChampion(ctx, tx, a, now, in)
	} else if err != nil {
		return 0, err
	}
	if storage.NameKey(in.Name) == storage.NameKey(c.Name) {
		// The same name typed another way ("jane  DOE") keeps its recorded spelling.
		in.Name = ""
	}
	_, err = tx.Exec(ctx, `UPDATE champions SET name = COALESCE($1, name), name_key = COALESCE($2, name_key),
		title = COALESCE($3, title), user_id = COALESCE($4, user_id), updated_by = $5, updated_at = $6
		WHERE team_id = $7 AND id = $8`, textArg(in.Name), textArg(storage.NameKey(in.Name)), textArg(in.Title),
		textArg(in.UserID), a.UserID, tsArg(now), a.TeamID, c.ID)
	return c.ID, err
}

func insertChampion(ctx context.Context, tx pgx.Tx, a storage.Actor, now time.Time, in storage.ChampionInput) (int64, error) {
	if in.Name == "" {
		return 0, storage.Invalidf("no champion is linked to user %s yet: give a name", in.UserID)
	}
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO champions (team_id, name, name_key, title, user_id,
		created_by, created_at, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $6, $7) RETURNING id`,
		a.TeamID, in.Name, storage.NameKey(in.Name), in.Title, textArg(in.UserID), a.UserID, tsArg(now)).Scan(&id)
	return id, err
}

// FindChampion finds a champion of the workspace by Slack user id when
// given, else by name (case and spaces ignored). When both are given and no
// champion is linked to the user, only champions linked to nobody match the
// name.
func (db *DB) FindChampion(ctx context.Context, teamID, name, userID string) (storage.Champion, error) {
	c, err := read(ctx, db, func(q querier) (storage.Champion, error) { return findChampion(ctx, q, teamID, name, userID) })
	if err != nil {
		return storage.Champion{}, fmt.Errorf("find champion: %w", err)
	}
	return c, nil
}

func findChampion(ctx context.Context, q querier, teamID, name, userID string) (storage.Champion, error) {
	var c storage.Champion
	if userID != "" {
		err := scanChampion(q.QueryRow(ctx, `SELECT `+championCols+` FROM champions ch
			WHERE ch.team_id = $1 AND ch.user_id = $2`, teamID, userID), &c)
		if !errors.Is(err, pgx.ErrNoRows) {
			return c, err
		}
	}
	key := storage.NameKey(name)
	if key == "" {
		return storage.Champion{}, fmt.Errorf("champion of user %s: %w", userID, storage.ErrNotFound)
	}
	err := scanChampion(q.QueryRow(ctx, `SELECT `+championCols+` FROM champions ch
		WHERE ch.team_id = $1 AND ch.name_key = $2 AND ($3 = '' OR ch.user_id IS NULL)
		ORDER BY ch.id LIMIT 1`, teamID, key, userID), &c)
	if err != nil {
		return storage.Champion{}, found(err, fmt.Sprintf("champion %q", name))
	}
	return c, nil
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

// ChampionHistory lists the workspace's deals that have championID as their
// champion, oldest first: the first limit of those v may see (all when v
// is nil).
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
			SELECT `+dealCols+`, COALESCE(ak.n, 0), COALESCE(gv.n, 0), COALESCE(ak.spent, 0), COALESCE(gv.given, 0),
				GREATEST(ak.last, gv.last)
			FROM deals d
			LEFT JOIN ask_sums ak ON ak.deal_id = d.id
			LEFT JOIN give_sums gv ON gv.deal_id = d.id
			WHERE d.team_id = $1 AND d.champion_id = $2 AND `+historyVisible+`
			ORDER BY d.created_at, d.id LIMIT $5`, teamID, championID, viewer, channels, limit)
		if err != nil {
			return err
		}
		err = tx.QueryRow(ctx, `SELECT COUNT(*) FROM deals d WHERE d.team_id = $1 AND d.champion_id = $2 AND `+
			historyVisible, teamID, championID, viewer, channels).Scan(&p.Total)
		if err != nil || v == nil || !v.Unknown {
			return err
		}
		return tx.QueryRow(ctx, `SELECT COUNT(*) FROM deals d WHERE d.team_id = $1 AND d.champion_id = $2
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

// championCapitalSums are capitalSums over the deals of champion $2.
var championCapitalSums = capitalSums(`deal_id IN (SELECT id FROM deals WHERE team_id = $1 AND champion_id = $2)`)

func scanChampionDeal(s rowScanner, cd *storage.ChampionDeal) error {
	var spent, given int
	dest := append(dealDest(&cd.Deal), integer(&cd.Asks), integer(&cd.Gives), integer(&spent), integer(&given), ts(&cd.LastContact))
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
