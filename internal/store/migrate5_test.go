package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
)

// A database of schema version 4 (bundled data of version 1 era) is brought
// to version 5: a reach of 0 that no event reported becomes "not reported",
// a reported one stays; "last reviewed" becomes the last editor's review.
func TestMigration5TellsUnknownReachAndReviews(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "v4.db")
	ms, err := loadMigrations(migrationFiles, "migrations")
	if err != nil {
		t.Fatal(err)
	}
	if err := createPrivate(path); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite3", writerDSN(path))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := migrate(ctx, db, SQLite, ms[:4], "2026-01-01T00:00:00.000000Z"); err != nil {
		t.Fatal(err)
	}
	const at = "2026-01-01T00:00:00.000000Z"
	for _, q := range []string{
		`INSERT INTO countries (code, iso2, numeric, name, official_name, region, subregion, lat, lng, un_member) VALUES ('NER', 'NE', '562', 'Niger', 'Niger', 'Africa', 'Western Africa', 16, 8, 1)`,
		`INSERT INTO organisations (id, slug, name, type, created_at, updated_at) VALUES (1, 'apbe', 'APBE', 'national_ngo', '` + at + `', '` + at + `'), (2, 'icrc', 'ICRC', 'red_cross_red_crescent', '` + at + `', '` + at + `')`,
		// APBE: stored as 0 though no event gave a figure; ICRC: a figure.
		`INSERT INTO records (id, country_code, org_id, status, reach_people, reach_basis, last_reviewed, flagged, updated_at, updated_by) VALUES
			(1, 'NER', 1, 'banned', 0, '', '2024-11-12', 1, '` + at + `', 'seed'),
			(2, 'NER', 2, 'expelled', 2000000, 'cumulative', '2025-06-05', 1, '` + at + `', 'seed')`,
		`INSERT INTO events (country_code, record_id, record_version, date, type, status_after, verification, entered_by, entered_at, people, people_basis) VALUES
			('NER', 1, 1, '2024-11-12', 'authorisation_withdrawn', 'banned', 'verified', 'seed', '` + at + `', NULL, ''),
			('NER', 2, 1, '2025-06-05', 'offices_closed', 'expelled', 'verified', 'seed', '` + at + `', 2000000, 'cumulative'),
			('NER', 2, 2, '2025-07', 'reviewed', '', 'verified', 'alice', '` + at + `', NULL, '')`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	db.Close()

	s, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	apbe, err := s.Record(ctx, "NER", "apbe")
	if err != nil {
		t.Fatal(err)
	}
	if apbe.Reach != nil || !apbe.LastReviewed.IsZero() || apbe.LatestEvent.ISO() != "2024-11-12" {
		t.Errorf("APBE after migration: reach %+v, reviewed %q, latest %s", apbe.Reach, apbe.LastReviewed, apbe.LatestEvent)
	}
	icrc, _ := s.Record(ctx, "NER", "icrc")
	if icrc.Reach == nil || icrc.Reach.People != 2_000_000 || icrc.LastReviewed.ISO() != "2025-07" || icrc.LatestEvent.ISO() != "2025-07" {
		t.Errorf("ICRC after migration: reach %+v, reviewed %q, latest %s", icrc.Reach, icrc.LastReviewed, icrc.LatestEvent)
	}
}
