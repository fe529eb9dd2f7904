-- Placeholder on branch "french" only: version 7 belongs to the "forms"
-- branch. Delete this file when merging that branch (two files numbered
-- 0007 make the migration loader fail at once, so this cannot be missed).
SELECT 1;
