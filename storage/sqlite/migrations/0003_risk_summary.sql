-- What /risk summary and the deal card read (storage/summary.go,
-- overview.go), without reading every risk of a deal.

-- The order risks are listed in, most severe first; and whether a risk was
-- disclosed. Computed, never stored: the indexes below hold them.
ALTER TABLE risks ADD COLUMN severity_rank INTEGER GENERATED ALWAYS AS
    (CASE severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END) VIRTUAL;
ALTER TABLE risks ADD COLUMN disclosed INTEGER GENERATED ALWAYS AS (disclosed_at IS NOT NULL) VIRTUAL;

-- The first open risks of a deal, most severe first: not yet disclosed,
-- disclosed, and needing a test. A LIMIT reads only the rows it returns.
CREATE INDEX risks_open_by_rank ON risks (team_id, deal_id, disclosed, severity_rank, number)
    WHERE status = 'open';
CREATE INDEX risks_untested_by_rank ON risks (team_id, deal_id, severity_rank, number)
    WHERE status = 'open' AND needs_test = 1;
-- The open risks covering each adoption cost, by number. A query uses it
-- only if its WHERE repeats this one's terms as they are written here.
CREATE INDEX risks_open_adoption ON risks (team_id, deal_id, area, number)
    WHERE status = 'open' AND area IN ('training', 'process', 'trust');

-- How many open risks a deal has of each kind. Counting the risks
-- themselves costs a read of every one (0.1-1 ms for 2,000); these counts
-- cost a read of a few rows. The triggers keep them in the transaction of
-- every change to a risk, whoever makes it; IntegrityCheck recounts them.
CREATE TABLE risk_tallies (
    team_id    TEXT NOT NULL,
    deal_id    INTEGER NOT NULL,
    severity   TEXT NOT NULL,
    area       TEXT NOT NULL,
    needs_test INTEGER NOT NULL,
    disclosed  INTEGER NOT NULL,
    n          INTEGER NOT NULL CHECK (n >= 0),
    PRIMARY KEY (team_id, deal_id, severity, area, needs_test, disclosed)
) STRICT, WITHOUT ROWID;

INSERT INTO risk_tallies (team_id, deal_id, severity, area, needs_test, disclosed, n)
    SELECT team_id, deal_id, severity, area, needs_test, disclosed, COUNT(*)
    FROM risks WHERE status = 'open'
    GROUP BY team_id, deal_id, severity, area, needs_test, disclosed;

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
