-- Placeholder for migration 14, taken by another branch: only so that this
-- branch runs (migrations have no gaps). Take the other branch's file on merge.
SELECT 1;
