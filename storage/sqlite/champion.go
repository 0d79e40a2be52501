package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/longgame/longgame/storage"
)

const championCols = `ch.id, ch.team_id, ch.name, ch.title, ch.user_id,
	ch.created_by, ch.created_at, ch.updated_by, ch.updated_at`

func championDest(c *storage.Champion) []any {
	return []any{integer(&c.ID), text(&c.TeamID), text(&c.Name), text(&c.Title), text(&c.UserID),
		text(&c.CreatedBy), unix(&c.CreatedAt), text(&c.UpdatedBy), unix(&c.UpdatedAt)}
}

func scanChampion(s rowScanner, c *storage.Champion) error { return s.Scan(championDest(c)...) }

// SetChampion names a deal's champion. The person is found by c.UserID when
// given, else by name (case and spaces ignored); a champion linked to
// another user is another person. A new champion is created when none
// matches. A given name, title or user id is recorded on the champion.
func (db *DB) SetChampion(ctx context.Context, a storage.Actor, dealID int64, c storage.ChampionInput) (storage.Champion, error) {
	ch, err := writeValue(ctx, db, func(ctx context.Context, tx *txn, now time.Time) (storage.Champion, error) {
		return setChampion(ctx, tx, a, now, dealID, c)
	})
	if err != nil {
		return storage.Champion{}, fmt.Errorf("set champion: %w", err)
	}
	return ch, nil
}

func setChampion(ctx context.Context, tx *txn, a storage.Actor, now time.Time, dealID int64, in storage.ChampionInput) (storage.Champion, error) {
	if err := a.Validate(); err != nil {
		return storage.Champion{}, err
	}
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" && in.UserID == "" {
		return storage.Champion{}, storage.Invalidf("a champion needs a name or a user")
	}
	if _, err := dealByID(ctx, tx, a.TeamID, dealID); err != nil {
		return storage.Champion{}, err
	}
	id, err := upsertChampion(ctx, tx, a, now, in)
	if err != nil {
		return storage.Champion{}, err
	}
	err = updateOne(ctx, tx, fmt.Sprintf("deal %d", dealID), `UPDATE deals SET champion_id = ?, updated_by = ?, updated_at = ?
		WHERE team_id = ? AND id = ?`, id, a.UserID, unixArg(now), a.TeamID, dealID)
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
func upsertChampion(ctx context.Context, tx *txn, a storage.Actor, now time.Time, in storage.ChampionInput) (int64, error) {
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
	_, err = tx.ExecContext(ctx, `UPDATE champions SET name = COALESCE(?, name), name_key = COALESCE(?, name_key),
		title = COALESCE(?, title), user_id = COALESCE(?, user_id), updated_by = ?, updated_at = ?
		WHERE team_id = ? AND id = ?`, textArg(in.Name), textArg(storage.NameKey(in.Name)), textArg(in.Title),
		textArg(in.UserID), a.UserID, unixArg(now), a.TeamID, c.ID)
	return c.ID, err
}

func insertChampion(ctx context.Context, tx *txn, a storage.Actor, now time.Time, in storage.ChampionInput) (int64, error) {
	if in.Name == "" {
		return 0, storage.Invalidf("no champion is linked to user %s yet: give a name", in.UserID)
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO champions (team_id, name, name_key, title, user_id,
		created_by, created_at, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.TeamID, in.Name, storage.NameKey(in.Name), in.Title, textArg(in.UserID), a.UserID, unixArg(now), a.UserID, unixArg(now))
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// FindChampion finds a champion of the workspace by Slack user id when
// given, else by name (case and spaces ignored). When both are given and no
// champion is linked to the user, only champions linked to nobody match the
// name.
func (db *DB) FindChampion(ctx context.Context, teamID, name, userID string) (storage.Champion, error) {
	c, err := findChampion(ctx, db.read, teamID, name, userID)
	if err != nil {
		return storage.Champion{}, fmt.Errorf("find champion: %w", err)
	}
	return c, nil
}

func findChampion(ctx context.Context, q querier, teamID, name, userID string) (storage.Champion, error) {
	var c storage.Champion
	if userID != "" {
		err := scanChampion(q.QueryRowContext(ctx, `SELECT `+championCols+` FROM champions ch
			WHERE ch.team_id = ? AND ch.user_id = ?`, teamID, userID), &c)
		if !errors.Is(err, sql.ErrNoRows) {
			return c, err
		}
	}
	key := storage.NameKey(name)
	if key == "" {
		return storage.Champion{}, fmt.Errorf("champion of user %s: %w", userID, storage.ErrNotFound)
	}
	err := scanChampion(q.QueryRowContext(ctx, `SELECT `+championCols+` FROM champions ch
		WHERE ch.team_id = ? AND ch.name_key = ? AND (? = '' OR ch.user_id IS NULL)
		ORDER BY ch.id LIMIT 1`, teamID, key, userID), &c)
	if err != nil {
		return storage.Champion{}, found(err, fmt.Sprintf("champion %q", name))
	}
	return c, nil
}

// ChampionByID is champion id of the workspace.
func (db *DB) ChampionByID(ctx context.Context, teamID string, id int64) (storage.Champion, error) {
	c, err := championByID(ctx, db.read, teamID, id)
	if err != nil {
		return storage.Champion{}, fmt.Errorf("champion by id: %w", err)
	}
	return c, nil
}

func championByID(ctx context.Context, q querier, teamID string, id int64) (storage.Champion, error) {
	var c storage.Champion
	err := scanChampion(q.QueryRowContext(ctx, `SELECT `+championCols+` FROM champions ch
		WHERE ch.team_id = ? AND ch.id = ?`, teamID, id), &c)
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
	err := db.readTx(ctx, func(tx *txn) error {
		if _, err := championByID(ctx, tx, teamID, championID); err != nil {
			return err
		}
		var err error
		p.Items, err = queryAll(ctx, tx, scanChampionDeal, `WITH `+championCapitalSums+`
			SELECT `+dealCols+`, COALESCE(ak.n, 0), COALESCE(gv.n, 0), COALESCE(ak.spent, 0), COALESCE(gv.given, 0),
				NULLIF(MAX(COALESCE(ak.last, 0), COALESCE(gv.last, 0)), 0)
			FROM deals d
			LEFT JOIN ask_sums ak ON ak.deal_id = d.id
			LEFT JOIN give_sums gv ON gv.deal_id = d.id
			WHERE d.team_id = ?1 AND d.champion_id = ?2 AND `+historyVisible+`
			ORDER BY d.created_at, d.id LIMIT ?5`, teamID, championID, viewer, channels, limit)
		if err != nil {
			return err
		}
		err = tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM deals d WHERE d.team_id = ?1 AND d.champion_id = ?2 AND `+
			historyVisible, teamID, championID, viewer, channels).Scan(&p.Total)
		if err != nil || v == nil || !v.Unknown {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM deals d WHERE d.team_id = ?1 AND d.champion_id = ?2
			AND d.owner_id <> ?3`, teamID, championID, viewer).Scan(&p.Hidden)
	})
	if err != nil {
		return storage.Page[storage.ChampionDeal]{}, fmt.Errorf("champion history: %w", err)
	}
	return p, nil
}

// historyVisible keeps the deals viewer ?3 may see ("" sees all): those
// they own and those whose channel is in the JSON array ?4.
const historyVisible = `(?3 = '' OR d.owner_id = ?3 OR d.channel_id IN (SELECT value FROM json_each(?4)))`

// championCapitalSums are capitalSums over the deals of champion ?2.
var championCapitalSums = capitalSums(`deal_id IN (SELECT id FROM deals WHERE team_id = ?1 AND champion_id = ?2)`)

func scanChampionDeal(s rowScanner, cd *storage.ChampionDeal) error {
	var spent, given int
	dest := append(dealDest(&cd.Deal), integer(&cd.Asks), integer(&cd.Gives), integer(&spent), integer(&given), unix(&cd.LastContact))
	if err := s.Scan(dest...); err != nil {
		return err
	}
	cd.Capital = storage.CapitalOf(cd.Deal.Budget, spent, given)
	return nil
}
