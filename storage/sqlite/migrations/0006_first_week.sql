-- A seller's first week: entries can be withdrawn, a champion is a person
-- with a company and a timeline, asks and gives belong to the champion
-- they were asked of, check-ins are numbered and can be missed.
--
-- SQLite cannot change a CHECK constraint in place, so asks, gives, risks
-- and checkins are rebuilt: a new table, the rows copied, the old one
-- dropped and the new one renamed. Nothing references asks, gives or
-- risks; checkins references only itself, so its new table references
-- itself by its new name, which the rename carries over.

-- A champion is matched by name and company (company_key), so two Jane
-- Does at two customers stay two people. Existing champions take the name
-- of their earliest deal as their company; company_key is filled by the
-- program (storage.NameKey), which SQL's ASCII-only lower() cannot match.
ALTER TABLE champions ADD COLUMN company TEXT NOT NULL DEFAULT '';
ALTER TABLE champions ADD COLUMN company_key TEXT NOT NULL DEFAULT '';
UPDATE champions SET company = COALESCE(
    (SELECT d.name FROM deals d WHERE d.team_id = champions.team_id AND d.champion_id = champions.id
     ORDER BY d.created_at, d.id LIMIT 1),
    (SELECT d.name FROM audit a JOIN deals d ON d.team_id = a.team_id AND d.id = a.deal_id
     WHERE a.team_id = champions.team_id AND a.action = 'champion.set'
        AND json_extract(a.detail, '$.champion_id') = champions.id
     ORDER BY a.id LIMIT 1),
    '');
DROP INDEX champions_team_name;
CREATE INDEX champions_team_name ON champions (team_id, name_key, company_key);

-- The champion's timeline: each company and title they were recorded
-- with, oldest first. The champions row holds the latest.
CREATE TABLE champion_roles (
    id          INTEGER PRIMARY KEY,
    team_id     TEXT NOT NULL,
    champion_id INTEGER NOT NULL,
    company     TEXT NOT NULL,
    title       TEXT NOT NULL DEFAULT '',
    since       TEXT CHECK (date(since) IS since), -- when the role began, if said
    recorded_by TEXT NOT NULL,
    recorded_at INTEGER NOT NULL,
    FOREIGN KEY (team_id, champion_id) REFERENCES champions (team_id, id)
) STRICT;
CREATE INDEX champion_roles_champion ON champion_roles (team_id, champion_id, id);
INSERT INTO champion_roles (team_id, champion_id, company, title, recorded_by, recorded_at)
    SELECT team_id, id, company, title, created_by, created_at FROM champions ORDER BY id;

-- Asks: withdrawn is a status (it stops counting), and each ask belongs to
-- the champion it was asked of (NULL: asked before any was named).
CREATE TABLE asks_new (
    id           INTEGER PRIMARY KEY,
    team_id      TEXT NOT NULL,
    deal_id      INTEGER NOT NULL,
    number       INTEGER NOT NULL CHECK (number >= 1),
    what         TEXT NOT NULL CHECK (what <> ''),
    cost         INTEGER NOT NULL CHECK (cost BETWEEN 1 AND 5),
    status       TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'declined', 'withdrawn')),
    champion_id  INTEGER,
    withdrawn_by TEXT,
    withdrawn_at INTEGER,
    created_by   TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    updated_by   TEXT NOT NULL,
    updated_at   INTEGER NOT NULL,
    UNIQUE (team_id, deal_id, number),
    FOREIGN KEY (team_id, deal_id) REFERENCES deals (team_id, id),
    FOREIGN KEY (team_id, champion_id) REFERENCES champions (team_id, id),
    CHECK ((status = 'withdrawn') = (withdrawn_at IS NOT NULL)),
    CHECK ((withdrawn_at IS NULL) = (withdrawn_by IS NULL))
) STRICT;
INSERT INTO asks_new (id, team_id, deal_id, number, what, cost, status, champion_id,
        created_by, created_at, updated_by, updated_at)
    SELECT a.id, a.team_id, a.deal_id, a.number, a.what, a.cost, a.status, d.champion_id,
        a.created_by, a.created_at, a.updated_by, a.updated_at
    FROM asks a JOIN deals d ON d.team_id = a.team_id AND d.id = a.deal_id;
DROP TABLE asks;
ALTER TABLE asks_new RENAME TO asks;
-- A deal's capital sums its champion's asks; a champion's history finds
-- the deals of their asks.
CREATE INDEX asks_team_champion ON asks (team_id, champion_id, deal_id);

CREATE TABLE gives_new (
    id           INTEGER PRIMARY KEY,
    team_id      TEXT NOT NULL,
    deal_id      INTEGER NOT NULL,
    number       INTEGER NOT NULL CHECK (number >= 1),
    what         TEXT NOT NULL CHECK (what <> ''),
    value        INTEGER NOT NULL CHECK (value BETWEEN 1 AND 5),
    champion_id  INTEGER,
    withdrawn_by TEXT,
    withdrawn_at INTEGER,
    created_by   TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    updated_by   TEXT NOT NULL,
    updated_at   INTEGER NOT NULL,
    UNIQUE (team_id, deal_id, number),
    FOREIGN KEY (team_id, deal_id) REFERENCES deals (team_id, id),
    FOREIGN KEY (team_id, champion_id) REFERENCES champions (team_id, id),
    CHECK ((withdrawn_at IS NULL) = (withdrawn_by IS NULL))
) STRICT;
INSERT INTO gives_new (id, team_id, deal_id, number, what, value, champion_id,
        created_by, created_at, updated_by, updated_at)
    SELECT g.id, g.team_id, g.deal_id, g.number, g.what, g.value, d.champion_id,
        g.created_by, g.created_at, g.updated_by, g.updated_at
    FROM gives g JOIN deals d ON d.team_id = g.team_id AND d.id = g.deal_id;
DROP TABLE gives;
ALTER TABLE gives_new RENAME TO gives;
CREATE INDEX gives_team_champion ON gives (team_id, champion_id, deal_id);

-- Risks: withdrawn is a status. The tallies count open risks only, so a
-- withdrawn risk leaves them through the update triggers, recreated below.
CREATE TABLE risks_new (
    id              INTEGER PRIMARY KEY,
    team_id         TEXT NOT NULL,
    deal_id         INTEGER NOT NULL,
    number          INTEGER NOT NULL CHECK (number >= 1),
    what            TEXT NOT NULL CHECK (what <> ''),
    severity        TEXT NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
    area            TEXT NOT NULL CHECK (area IN ('training', 'process', 'trust', 'technical',
                                                  'security', 'commercial', 'legal', 'other')),
    needs_test      INTEGER NOT NULL DEFAULT 0 CHECK (needs_test IN (0, 1)),
    scenario        TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved', 'withdrawn')),
    resolution_note TEXT NOT NULL DEFAULT '',
    resolved_at     INTEGER,
    disclosed_at    INTEGER,
    disclosed_by    TEXT,
    disclosure_note TEXT NOT NULL DEFAULT '',
    withdrawn_by    TEXT,
    withdrawn_at    INTEGER,
    created_by      TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    updated_by      TEXT NOT NULL,
    updated_at      INTEGER NOT NULL,
    severity_rank   INTEGER GENERATED ALWAYS AS
        (CASE severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END) VIRTUAL,
    disclosed       INTEGER GENERATED ALWAYS AS (disclosed_at IS NOT NULL) VIRTUAL,
    UNIQUE (team_id, deal_id, number),
    FOREIGN KEY (team_id, deal_id) REFERENCES deals (team_id, id),
    CHECK (status <> 'open' OR resolved_at IS NULL),
    CHECK (status <> 'resolved' OR resolved_at IS NOT NULL),
    CHECK ((status = 'withdrawn') = (withdrawn_at IS NOT NULL)),
    CHECK ((withdrawn_at IS NULL) = (withdrawn_by IS NULL)),
    CHECK ((disclosed_at IS NULL) = (disclosed_by IS NULL))
) STRICT;
INSERT INTO risks_new (id, team_id, deal_id, number, what, severity, area, needs_test, scenario, status,
        resolution_note, resolved_at, disclosed_at, disclosed_by, disclosure_note,
        created_by, created_at, updated_by, updated_at)
    SELECT id, team_id, deal_id, number, what, severity, area, needs_test, scenario, status,
        resolution_note, resolved_at, disclosed_at, disclosed_by, disclosure_note,
        created_by, created_at, updated_by, updated_at
    FROM risks;
DROP TABLE risks;
ALTER TABLE risks_new RENAME TO risks;

CREATE INDEX risks_open_by_rank ON risks (team_id, deal_id, disclosed, severity_rank, number)
    WHERE status = 'open';
CREATE INDEX risks_untested_by_rank ON risks (team_id, deal_id, severity_rank, number)
    WHERE status = 'open' AND needs_test = 1;
-- The risks covering each adoption cost, open or resolved, by number: a
-- resolved training risk still says training was thought of. A query uses
-- it only if its WHERE repeats these terms as they are written here.
CREATE INDEX risks_adoption ON risks (team_id, deal_id, area, number, status)
    WHERE status IN ('open', 'resolved') AND area IN ('training', 'process', 'trust');

CREATE TRIGGER risk_tallies_insert AFTER INSERT ON risks WHEN NEW.status = 'open'
BEGIN
    INSERT INTO risk_tallies (team_id, deal_id, severity, area, needs_test, disclosed, n)
        VALUES (NEW.team_id, NEW.deal_id, NEW.severity, NEW.area, NEW.needs_test, NEW.disclosed, 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER risk_tallies_delete AFTER DELETE ON risks WHEN OLD.status = 'open'
BEGIN
    UPDATE risk_tallies SET n = n - 1
    WHERE team_id = OLD.team_id AND deal_id = OLD.deal_id AND severity = OLD.severity AND area = OLD.area
        AND needs_test = OLD.needs_test AND disclosed = OLD.disclosed;
END;

CREATE TRIGGER risk_tallies_update_old AFTER UPDATE OF team_id, deal_id, status, severity, area, needs_test, disclosed_at
    ON risks WHEN OLD.status = 'open'
BEGIN
    UPDATE risk_tallies SET n = n - 1
    WHERE team_id = OLD.team_id AND deal_id = OLD.deal_id AND severity = OLD.severity AND area = OLD.area
        AND needs_test = OLD.needs_test AND disclosed = OLD.disclosed;
END;

CREATE TRIGGER risk_tallies_update_new AFTER UPDATE OF team_id, deal_id, status, severity, area, needs_test, disclosed_at
    ON risks WHEN NEW.status = 'open'
BEGIN
    INSERT INTO risk_tallies (team_id, deal_id, severity, area, needs_test, disclosed, n)
        VALUES (NEW.team_id, NEW.deal_id, NEW.severity, NEW.area, NEW.needs_test, NEW.disclosed, 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
END;

-- Check-ins: numbered per deal (/checkin done #3), in the order they were
-- made, 'missed' for those a later reminder covered, and a kind for the
-- keep-in-touch after a champion's job change.
CREATE TABLE checkins_new (
    id              INTEGER PRIMARY KEY,
    team_id         TEXT NOT NULL,
    deal_id         INTEGER NOT NULL,
    number          INTEGER NOT NULL CHECK (number >= 1),
    kind            TEXT NOT NULL CHECK (kind IN ('post_close', 'keep_in_touch', 'manual', 'job_change')),
    due_offset      TEXT NOT NULL DEFAULT '', -- e.g. '14d' after the close
    note            TEXT NOT NULL DEFAULT '',
    due_on          TEXT NOT NULL CHECK (date(due_on) IS due_on),
    due_at          INTEGER NOT NULL,
    status          TEXT NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'done', 'skipped', 'missed', 'cancelled')),
    done_note       TEXT NOT NULL DEFAULT '',
    close_seq       INTEGER, -- deals.close_seq of the close that scheduled it; NULL when added by hand
    delivery        TEXT NOT NULL DEFAULT 'queued'
                    CHECK (delivery IN ('queued', 'sending', 'sent', 'folded', 'failed')),
    claimed_by      TEXT,
    claimed_at      INTEGER,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER,
    message_channel TEXT NOT NULL DEFAULT '',
    message_ts      TEXT NOT NULL DEFAULT '',
    sent_at         INTEGER,
    folded_into     INTEGER REFERENCES checkins_new (id),
    delivery_error  TEXT NOT NULL DEFAULT '',
    post_uncertain  INTEGER NOT NULL DEFAULT 0 CHECK (post_uncertain IN (0, 1)),
    created_by      TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    updated_by      TEXT NOT NULL,
    updated_at      INTEGER NOT NULL,
    UNIQUE (team_id, deal_id, number),
    FOREIGN KEY (team_id, deal_id) REFERENCES deals (team_id, id)
) STRICT;
INSERT INTO checkins_new (id, team_id, deal_id, number, kind, due_offset, note, due_on, due_at, status, done_note,
        close_seq, delivery, claimed_by, claimed_at, attempts, next_attempt_at, message_channel, message_ts,
        sent_at, folded_into, delivery_error, post_uncertain, created_by, created_at, updated_by, updated_at)
    SELECT id, team_id, deal_id, ROW_NUMBER() OVER (PARTITION BY team_id, deal_id ORDER BY id),
        kind, due_offset, note, due_on, due_at, status, done_note,
        close_seq, delivery, claimed_by, claimed_at, attempts, next_attempt_at, message_channel, message_ts,
        sent_at, folded_into, delivery_error, post_uncertain, created_by, created_at, updated_by, updated_at
    FROM checkins ORDER BY id;
DROP TABLE checkins;
ALTER TABLE checkins_new RENAME TO checkins;

CREATE INDEX checkins_delivery_due ON checkins (delivery, due_at);
-- A deal's next check-in: pending, not covered by a later reminder
-- (delivery), by due time.
CREATE INDEX checkins_team_deal ON checkins (team_id, deal_id, status, due_at, id, delivery);
CREATE INDEX checkins_claimable ON checkins (max(due_at, coalesce(next_attempt_at, 0)), id)
    WHERE delivery = 'queued' AND status = 'pending';
CREATE INDEX checkins_sending ON checkins (claimed_at, id) WHERE delivery = 'sending';
CREATE INDEX checkins_folded_into ON checkins (folded_into) WHERE folded_into IS NOT NULL;
