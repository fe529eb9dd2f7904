-- PLACEHOLDER on branch i14-store only: version 3 belongs to issue 13's
-- migration (branch i13-auth). Delete this file when merging that one;
-- migrations must run 1, 2, 3... without gaps or repeats.
SELECT 1;
