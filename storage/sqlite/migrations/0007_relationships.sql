-- Champions across deals: the relationship outlives the deal.
--
-- Only new columns and a new table: no existing row is rewritten. Every
-- new column's default is what an existing row means (no favored
-- alternative, no defender who left, no surcharge on earlier asks).

-- The product generally favored inside the customer (/deal set favored:),
-- and the company the deal's champion left while it was open.
ALTER TABLE deals ADD COLUMN favored TEXT NOT NULL DEFAULT '';
ALTER TABLE deals ADD COLUMN champion_left TEXT NOT NULL DEFAULT '';

-- What an ask cost more because a favored alternative was recorded when it
-- was asked: capital counts cost + extra.
ALTER TABLE asks ADD COLUMN extra INTEGER NOT NULL DEFAULT 0 CHECK (extra BETWEEN 0 AND 5);

-- A job change is an entry of the timeline that says which company they
-- left; a retitle or a correction leaves it empty.
ALTER TABLE champion_roles ADD COLUMN moved_from TEXT NOT NULL DEFAULT '';

-- Contacts with a champion (/champion touch), on one of their deals.
CREATE TABLE touches (
    id          INTEGER PRIMARY KEY,
    team_id     TEXT NOT NULL,
    champion_id INTEGER NOT NULL,
    deal_id     INTEGER NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    created_by  TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    FOREIGN KEY (team_id, champion_id) REFERENCES champions (team_id, id),
    FOREIGN KEY (team_id, deal_id) REFERENCES deals (team_id, id)
) STRICT;
CREATE INDEX touches_champion ON touches (team_id, champion_id, created_at);
CREATE INDEX touches_deal ON touches (team_id, deal_id);
