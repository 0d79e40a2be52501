-- Several replicas on one database, as SQLite's migration 0007: what one
-- process decides for all is decided here, not in memory.

-- The one reminder message a deal channel gets a day: the check-in whose
-- reminder last took the channel's day, and that day [day_start, day_end)
-- in its owner's zone. One row per channel, so that deciding holds its
-- lock whatever zone each decision counted the day in.
CREATE TABLE reminder_days (
    team_id    text COLLATE "C" NOT NULL,
    channel_id text COLLATE "C" NOT NULL,
    day_start  timestamptz NOT NULL,
    day_end    timestamptz NOT NULL,
    checkin_id bigint NOT NULL,
    PRIMARY KEY (team_id, channel_id)
);

-- Who refreshes a user's App Home: a change waits (dirty) until a refresh
-- is taken, at most one before next_at.
CREATE TABLE home_refreshes (
    team_id text COLLATE "C" NOT NULL,
    user_id text COLLATE "C" NOT NULL,
    dirty   boolean NOT NULL,
    next_at timestamptz NOT NULL,
    PRIMARY KEY (team_id, user_id)
);

-- Replicas poll for the shares started lately.
CREATE INDEX channel_shares_seen ON channel_shares (seen_at);
