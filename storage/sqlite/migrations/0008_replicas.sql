-- What replicas decide together on PostgreSQL (its migration 0003). One
-- process serves a SQLite file; the store keeps the same contract.

-- The reminder days (PostgreSQL's reminder_days) are held in memory: one
-- process serves a SQLite file.

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
