-- When a deal's close was recorded (deals.closed_at), beside the close date
-- the seller gave (closed_on), which may be days earlier: a check-in
-- reminder marks the risks flagged after the close was recorded. Set by
-- CloseDeal, cleared by ReopenDeal; NULL while the deal is open.
ALTER TABLE deals ADD COLUMN closed_at INTEGER;

-- Deals closed before this column existed: the time of their latest close
-- in the audit trail, else of their last change.
UPDATE deals SET closed_at = COALESCE(
        (SELECT MAX(a.at) FROM audit a
         WHERE a.team_id = deals.team_id AND a.deal_id = deals.id AND a.action = 'deal.close'),
        updated_at)
    WHERE stage <> 'open';
