-- Each replica keeps the deals of its channels (dealcache.go) and forgets
-- one when told the row changed: a change to anything a deal read returns
-- notifies 'longgame_deals' with the channel, at its commit, every
-- replica listening. A new number taken (last_ask, last_give, last_risk,
-- last_checkin, close_seq) changes nothing a read returns, and does not
-- notify: it is most of the writes to the table. An insert needs no word
-- either: a replica keeps only deals it found.
CREATE FUNCTION deals_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('longgame_deals', OLD.team_id || ' ' || OLD.channel_id);
    IF TG_OP = 'UPDATE' AND (NEW.team_id, NEW.channel_id) IS DISTINCT FROM (OLD.team_id, OLD.channel_id) THEN
        PERFORM pg_notify('longgame_deals', NEW.team_id || ' ' || NEW.channel_id);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER deals_notify
    AFTER DELETE OR UPDATE OF id, team_id, channel_id, name, stage, owner_id, value_minor, currency,
        expected_close, closed_on, closed_at, lost_reason, favored, champion_left, champion_id, budget,
        created_by, created_at, updated_by, updated_at ON deals
    FOR EACH ROW EXECUTE FUNCTION deals_notify();
