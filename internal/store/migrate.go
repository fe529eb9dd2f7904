package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// pgMigrationFiles are the PostgreSQL twins of migrationFiles, numbered
// alike: migrations_pg/NNNN_x.sql makes on PostgreSQL the change that
// migrations/NNNN_x.sql makes on SQLite.
//
//go:embed migrations_pg/*.sql
var pgMigrationFiles embed.FS

// migration is one numbered schema change.
type migration struct {
	Version int
	Name    string
	SQL     string
}

// loadMigrations reads dir/NNNN_name.sql in version order. Versions
// must run 1, 2, 3... without gaps or repeats.
func loadMigrations(fsys fs.FS, dir string) ([]migration, error) {
	names, err := fs.Glob(fsys, dir+"/*.sql")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, name := range names {
		base := strings.TrimSuffix(path.Base(name), ".sql")
		num, label, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s: want NNNN_name.sql", name)
		}
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{Version: v, Name: label, SQL: string(body)})
	}
	slices.SortFunc(ms, func(a, b migration) int { return a.Version - b.Version })
	for i, m := range ms {
		if m.Version != i+1 {
			return nil, fmt.Errorf("migration %d_%s: versions must run 1, 2, 3... without gaps", m.Version, m.Name)
		}
	}
	return ms, nil
}

// migrate brings the schema up to date in ONE write transaction: it
// creates schema_migrations if missing, reads the version, and applies
// every migration the database lacks, each with its row in
// schema_migrations. The writer's BEGIN IMMEDIATE takes the write lock
// before the version is read, so two processes opening a new file at once
// (the first `serve` and a `user add` beside it) cannot both see version 0
// and both try to create the tables: the second waits for the first and
// then finds nothing to do. A failure or a crash leaves the schema as it
// was. It refuses a database whose schema is newer than this binary knows.
//
// On PostgreSQL the writer's transactions begin by taking the advisory
// write lock (pgdriver.go), so instances starting together migrate once
// in the same way, and the DDL is transactional there too.
func migrate(ctx context.Context, db *sql.DB, engine Engine, ms []migration, now string) (from int, err error) {
	ddl := `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT NOT NULL,
		applied_at TEXT NOT NULL
	) STRICT`
	if engine == Postgres {
		ddl = `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    BIGINT PRIMARY KEY,
		name       TEXT NOT NULL,
		applied_at TEXT NOT NULL
	)`
	}
	err = inTx(ctx, db, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, ddl); err != nil {
			return fmt.Errorf("create schema_migrations: %w", err)
		}
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&from); err != nil {
			return fmt.Errorf("read schema version: %w", err)
		}
		if from > len(ms) {
			return fmt.Errorf("%w: the database is at schema version %d, this accesswatch knows up to %d; use a newer accesswatch or restore a backup", ErrSchemaTooNew, from, len(ms))
		}
		for _, m := range ms[from:] {
			if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
				return fmt.Errorf("migration %d_%s: %w", m.Version, m.Name, err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`, m.Version, m.Name, now); err != nil {
				return fmt.Errorf("migration %d_%s: %w", m.Version, m.Name, err)
			}
		}
		return nil
	})
	return from, err
}

// inTx runs fn in a transaction, committing if it returns nil. The writer's
// DSN makes every BEGIN an IMMEDIATE one, so the write lock is taken up
// front and a transaction never fails half-way on a lock upgrade.
func inTx(ctx context.Context, db *sql.DB, fn func(*sql.Tx) error) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}
