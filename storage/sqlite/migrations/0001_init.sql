-- The whole Long Game schema.
--
-- Every table carries team_id and every query filters on it: one workspace
-- never sees another's rows. Child rows reference their deal by
-- (team_id, deal_id), so the database itself refuses a row whose workspace
-- differs from its deal's. Times are INTEGER Unix seconds (UTC); calendar
-- dates are TEXT 'YYYY-MM-DD'; an unset value is NULL.

CREATE TABLE workspaces (
    team_id    TEXT PRIMARY KEY CHECK (team_id <> ''),
    created_at INTEGER NOT NULL
) STRICT;

-- One person inside a customer, shared by the deals of a workspace.
CREATE TABLE champions (
    id         INTEGER PRIMARY KEY,
    team_id    TEXT NOT NULL REFERENCES workspaces (team_id),
    name       TEXT NOT NULL CHECK (name <> ''),
    name_key   TEXT NOT NULL CHECK (name_key <> ''), -- lower-cased, trimmed name, for matching
    title      TEXT NOT NULL DEFAULT '',
    user_id    TEXT CHECK (user_id <> ''),          -- linked Slack user, NULL when none
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (team_id, id)
) STRICT;
CREATE UNIQUE INDEX champions_team_user ON champions (team_id, user_id) WHERE user_id IS NOT NULL;
CREATE INDEX champions_team_name ON champions (team_id, name_key);

CREATE TABLE deals (
    id             INTEGER PRIMARY KEY,
    team_id        TEXT NOT NULL REFERENCES workspaces (team_id),
    channel_id     TEXT NOT NULL CHECK (channel_id <> ''),
    name           TEXT NOT NULL CHECK (name <> ''),
    stage          TEXT NOT NULL DEFAULT 'open' CHECK (stage IN ('open', 'won', 'lost')),
    owner_id       TEXT NOT NULL CHECK (owner_id <> ''),
    value_minor    INTEGER,
    currency       TEXT CHECK (currency GLOB '[A-Z][A-Z][A-Z]'),
    expected_close TEXT CHECK (date(expected_close) IS expected_close),
    closed_on      TEXT CHECK (date(closed_on) IS closed_on),
    lost_reason    TEXT NOT NULL DEFAULT '',
    -- How many times the deal was closed; each close tags the check-ins it
    -- schedules with it, so a reopen cancels exactly those.
    close_seq      INTEGER NOT NULL DEFAULT 0,
    champion_id    INTEGER,
    budget         INTEGER NOT NULL CHECK (budget >= 0),
    created_by     TEXT NOT NULL,
    created_at     INTEGER NOT NULL,
    updated_by     TEXT NOT NULL,
    updated_at     INTEGER NOT NULL,
    UNIQUE (team_id, channel_id), -- one deal per channel
    UNIQUE (team_id, id),
    FOREIGN KEY (team_id, champion_id) REFERENCES champions (team_id, id),
    CHECK ((value_minor IS NULL) = (currency IS NULL)),
    CHECK ((stage = 'open') = (closed_on IS NULL))
) STRICT;
CREATE INDEX deals_team_owner ON deals (team_id, owner_id);
CREATE INDEX deals_team_champion ON deals (team_id, champion_id);

-- Favors asked of the champion, numbered per deal.
CREATE TABLE asks (
    id         INTEGER PRIMARY KEY,
    team_id    TEXT NOT NULL,
    deal_id    INTEGER NOT NULL,
    number     INTEGER NOT NULL CHECK (number >= 1),
    what       TEXT NOT NULL CHECK (what <> ''),
    cost       INTEGER NOT NULL CHECK (cost BETWEEN 1 AND 5),
    status     TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'declined')),
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (team_id, deal_id, number),
    FOREIGN KEY (team_id, deal_id) REFERENCES deals (team_id, id)
) STRICT;

-- What was done for the champion, numbered per deal.
CREATE TABLE gives (
    id         INTEGER PRIMARY KEY,
    team_id    TEXT NOT NULL,
    deal_id    INTEGER NOT NULL,
    number     INTEGER NOT NULL CHECK (number >= 1),
    what       TEXT NOT NULL CHECK (what <> ''),
    value      INTEGER NOT NULL CHECK (value BETWEEN 1 AND 5),
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (team_id, deal_id, number),
    FOREIGN KEY (team_id, deal_id) REFERENCES deals (team_id, id)
) STRICT;

CREATE TABLE risks (
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
    status          TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
    resolution_note TEXT NOT NULL DEFAULT '',
    resolved_at     INTEGER,
    disclosed_at    INTEGER,
    disclosed_by    TEXT,
    disclosure_note TEXT NOT NULL DEFAULT '',
    created_by      TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    updated_by      TEXT NOT NULL,
    updated_at      INTEGER NOT NULL,
    UNIQUE (team_id, deal_id, number),
    FOREIGN KEY (team_id, deal_id) REFERENCES deals (team_id, id),
    CHECK ((status = 'resolved') = (resolved_at IS NOT NULL)),
    CHECK ((disclosed_at IS NULL) = (disclosed_by IS NULL))
) STRICT;

-- Post-sale check-ins and the reminder message that announces each.
-- status is the owner's side; delivery, claimed_*, attempts, next_attempt_at,
-- message_*, sent_at, folded_into and delivery_error the dispatcher's.
CREATE TABLE checkins (
    id              INTEGER PRIMARY KEY,
    team_id         TEXT NOT NULL,
    deal_id         INTEGER NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('post_close', 'keep_in_touch', 'manual')),
    due_offset      TEXT NOT NULL DEFAULT '', -- e.g. '14d' after the close
    note            TEXT NOT NULL DEFAULT '',
    due_on          TEXT NOT NULL CHECK (date(due_on) IS due_on),
    due_at          INTEGER NOT NULL,
    status          TEXT NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'done', 'skipped', 'cancelled')),
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
    folded_into     INTEGER REFERENCES checkins (id),
    delivery_error  TEXT NOT NULL DEFAULT '',
    created_by      TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    updated_by      TEXT NOT NULL,
    updated_at      INTEGER NOT NULL,
    FOREIGN KEY (team_id, deal_id) REFERENCES deals (team_id, id)
) STRICT;
CREATE INDEX checkins_delivery_due ON checkins (delivery, due_at); -- the dispatcher's scan
CREATE INDEX checkins_team_deal ON checkins (team_id, deal_id, status, due_at);

-- One row per change, written in the change's transaction.
CREATE TABLE audit (
    id      INTEGER PRIMARY KEY,
    team_id TEXT NOT NULL REFERENCES workspaces (team_id),
    user_id TEXT NOT NULL,
    at      INTEGER NOT NULL,
    action  TEXT NOT NULL,
    deal_id INTEGER,
    detail  TEXT NOT NULL DEFAULT '{}', -- JSON
    FOREIGN KEY (team_id, deal_id) REFERENCES deals (team_id, id)
) STRICT;
CREATE INDEX audit_team_deal ON audit (team_id, deal_id, id);

-- events_api envelopes already handled: Slack may deliver one again.
CREATE TABLE seen_events (
    team_id  TEXT NOT NULL,
    event_id TEXT NOT NULL,
    seen_at  INTEGER NOT NULL,
    PRIMARY KEY (team_id, event_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX seen_events_seen_at ON seen_events (seen_at);

-- A cache of users.info: the user's time zone.
CREATE TABLE user_prefs (
    team_id    TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    tz         TEXT NOT NULL,
    fetched_at INTEGER NOT NULL,
    PRIMARY KEY (team_id, user_id)
) STRICT;

-- Weekly nudges sent, one per owner and schedule slot.
CREATE TABLE digests (
    team_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    slot    TEXT NOT NULL,
    sent_at INTEGER NOT NULL,
    PRIMARY KEY (team_id, user_id, slot)
) STRICT;
