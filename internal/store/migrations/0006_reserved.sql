-- Placeholder on branch "french" only: version 6 belongs to the "verify"
-- branch. Delete this file when merging that branch (two files numbered
-- 0006 make the migration loader fail at once, so this cannot be missed).
SELECT 1;
