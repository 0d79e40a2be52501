-- Risk tallies follow the added risks once per statement rather than once
-- per row. The store adds the risks of concurrent commands as one
-- multi-row INSERT (adder.go); a row trigger would still run its upsert
-- once for each, on the same few tally rows. A statement trigger sees all
-- the statement's new rows in a transition table and adds each tally's
-- count in one upsert. Changes and deletions stay with the row trigger:
-- they touch one risk at a time, and a transition table cannot go with
-- its UPDATE OF column list.
DROP TRIGGER risk_tallies_follow ON risks;

CREATE TRIGGER risk_tallies_follow
    AFTER DELETE OR UPDATE OF team_id, deal_id, status, severity, area, needs_test, disclosed_at ON risks
    FOR EACH ROW EXECUTE FUNCTION risk_tallies_follow();

CREATE FUNCTION risk_tallies_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO risk_tallies AS t (team_id, deal_id, severity, area, needs_test, disclosed, n)
        SELECT team_id, deal_id, severity, area, needs_test, disclosed, count(*)
        FROM added WHERE status = 'open'
        GROUP BY team_id, deal_id, severity, area, needs_test, disclosed
        -- One order for every statement, so that two of them never wait
        -- on each other's tally rows in a cycle.
        ORDER BY team_id, deal_id, severity, area, needs_test, disclosed
        ON CONFLICT (team_id, deal_id, severity, area, needs_test, disclosed) DO UPDATE SET n = t.n + EXCLUDED.n;
    RETURN NULL;
END
$$;

CREATE TRIGGER risk_tallies_add
    AFTER INSERT ON risks REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION risk_tallies_add();
