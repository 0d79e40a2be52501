-- The reminder dispatcher's bookkeeping (storage/dispatch.go, digest.go).

-- Set when a post of the check-in's reminder may have reached Slack without
-- the bot hearing back (a 5xx, a dropped connection, a crash mid-send):
-- before posting again, the dispatcher looks for the message in the
-- channel's history by its metadata.
ALTER TABLE checkins ADD COLUMN post_uncertain INTEGER NOT NULL DEFAULT 0 CHECK (post_uncertain IN (0, 1));

-- What ClaimDue scans, by the time a reminder may go out (its due time, or
-- its retry time when later): only the check-ins still waiting for their
-- reminder, so finished, cancelled and retrying ones never slow it down.
CREATE INDEX checkins_claimable ON checkins (max(due_at, coalesce(next_attempt_at, 0)), id)
    WHERE delivery = 'queued' AND status = 'pending';
-- Claims to reconcile after a crash.
CREATE INDEX checkins_sending ON checkins (claimed_at, id) WHERE delivery = 'sending';
-- How many earlier check-ins a reminder covers.
CREATE INDEX checkins_folded_into ON checkins (folded_into) WHERE folded_into IS NOT NULL;

-- A digests row is claimed (sent_at is the claim time) before the nudge is
-- posted; these say what became of it.
ALTER TABLE digests ADD COLUMN message_channel TEXT NOT NULL DEFAULT '';
ALTER TABLE digests ADD COLUMN message_ts TEXT NOT NULL DEFAULT '';
ALTER TABLE digests ADD COLUMN error TEXT NOT NULL DEFAULT '';
