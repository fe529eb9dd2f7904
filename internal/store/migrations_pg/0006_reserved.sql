-- accesswatch schema for PostgreSQL, version 6: placeholder twin of
-- migrations/0006_reserved.sql (replaced by the verification migration).
SELECT 1;
