-- Who may see what (storage/privacy.go).

-- Every message Long Game posted in a channel, so that when the channel
-- becomes shared each can be edited to a line that hides it. Slack gives no
-- way to list an app's own messages cheaply, and answers posted from a
-- slash command's ack cannot be edited: records are posted with
-- chat.postMessage and their ts kept here.
CREATE TABLE posted_messages (
    team_id     TEXT NOT NULL,
    channel_id  TEXT NOT NULL,
    ts          TEXT NOT NULL,
    deal_id     INTEGER,
    kind        TEXT NOT NULL,    -- 'record', 'summary', 'checkin'
    posted_at   INTEGER NOT NULL,
    redacted_at INTEGER,          -- set once edited to the private line
    PRIMARY KEY (team_id, channel_id, ts)
) STRICT, WITHOUT ROWID;
CREATE INDEX posted_messages_unredacted ON posted_messages (team_id, channel_id, ts)
    WHERE redacted_at IS NULL;

-- Channels seen to become shared, and the redaction of what was posted
-- there before. A row with done_at NULL is a redaction still to finish
-- (after a restart too); until it is finished nothing new is posted there.
CREATE TABLE channel_shares (
    team_id    TEXT NOT NULL,
    channel_id TEXT NOT NULL,
    why        TEXT NOT NULL,   -- 'slack_connect', 'shared', 'guest', 'outsider'
    seen_at    INTEGER NOT NULL,
    hidden     INTEGER NOT NULL DEFAULT 0,
    done_at    INTEGER,
    PRIMARY KEY (team_id, channel_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX channel_shares_pending ON channel_shares (seen_at) WHERE done_at IS NULL;

-- Reminders already sent in a channel are messages Long Game posted there.
INSERT INTO posted_messages (team_id, channel_id, ts, deal_id, kind, posted_at)
    SELECT team_id, message_channel, message_ts, deal_id, 'checkin', COALESCE(sent_at, updated_at)
    FROM checkins WHERE message_ts <> '' AND message_channel <> ''
    ON CONFLICT DO NOTHING;
