-- Several replicas on one database (PostgreSQL's migration 0003 is the
-- same): what one process decides for all is decided here, not in memory.

-- The one reminder message a deal channel gets a day: the check-in whose
-- reminder took the owner's day (day_start, its first instant).
CREATE TABLE reminder_days (
    team_id    TEXT NOT NULL,
    channel_id TEXT NOT NULL,
    day_start  INTEGER NOT NULL,
    checkin_id INTEGER NOT NULL,
    PRIMARY KEY (team_id, channel_id, day_start)
) STRICT, WITHOUT ROWID;

-- Who refreshes a user's App Home: a change waits (dirty) until a refresh
-- is taken, at most one before next_at.
CREATE TABLE home_refreshes (
    team_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    dirty   INTEGER NOT NULL,
    next_at INTEGER NOT NULL,
    PRIMARY KEY (team_id, user_id)
) STRICT, WITHOUT ROWID;

-- Replicas poll for the shares started lately.
CREATE INDEX channel_shares_seen ON channel_shares (seen_at);
