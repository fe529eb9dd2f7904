-- accesswatch schema, version 6: RESERVED for the verification work
-- (issue 17, branch verify), which brings its own 0006 file. This
-- placeholder only keeps the numbering without gaps on the forms branch;
-- it changes nothing and is to be dropped when the two branches merge.
SELECT 1;
