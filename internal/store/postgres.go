package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// pgWriterConns caps the PostgreSQL writer pool. Write transactions are
// serialised by the advisory lock anyway; a few connections let a waiting
// transaction be ready the moment the lock is free, and let single-row
// writes outside transactions (session touches) pass beside them.
const pgWriterConns = 4

// notifyChannel is the channel the data_version trigger (migrations_pg/0004)
// notifies on.
const notifyChannel = "accesswatch_data_version"

// listenerName is the application_name of the listening connection, so
// that an operator (and a test) can tell it apart in pg_stat_activity.
const listenerName = "accesswatch-listen"

// openPostgres opens a PostgreSQL database (url is a postgres:// URL) with a
// writer and a read-only pool over pgx, applies the PostgreSQL migrations,
// and starts listening for other instances' domain changes.
func openPostgres(ctx context.Context, url string, opt Options) (*Store, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("database URL: %w", err)
	}
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = 5 * time.Second
	}
	s := &Store{engine: Postgres, dsn: url, now: opt.Now, reviewAfter: opt.ReviewAfter}
	s.writer = sql.OpenDB(&pgConnector{inner: stdlib.GetConnector(*cfg), serialise: true})
	s.writer.SetMaxOpenConns(pgWriterConns)
	s.writer.SetMaxIdleConns(pgWriterConns)
	s.writer.SetConnMaxIdleTime(5 * time.Minute)

	ms, err := loadMigrations(pgMigrationFiles, "migrations_pg")
	if err != nil {
		s.writer.Close()
		return nil, err
	}
	if _, err := migrate(ctx, s.writer, Postgres, ms, timestamp(s.now())); err != nil {
		s.writer.Close()
		return nil, err
	}
	rcfg := cfg.Copy()
	rcfg.RuntimeParams["default_transaction_read_only"] = "on"
	s.reader = sql.OpenDB(&pgConnector{inner: stdlib.GetConnector(*rcfg), readOnly: true})
	s.reader.SetMaxOpenConns(opt.ReadConns)
	s.reader.SetMaxIdleConns(opt.ReadConns)
	s.reader.SetConnMaxIdleTime(5 * time.Minute)
	if err := s.finishOpen(ctx, opt); err != nil {
		s.Close()
		return nil, err
	}

	lcfg := cfg.Copy()
	lcfg.RuntimeParams["application_name"] = listenerName
	lctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.listen(lctx, lcfg)
	}()
	s.stopListening = func() { cancel(); <-done }
	return s, nil
}

// listen follows the data version through LISTEN/NOTIFY on a connection of
// its own, so that a domain change committed by another instance reaches
// this one's caches at once. While the connection is down (the database
// restarting, a network cut) Generation polls every second, as on SQLite;
// after each (re)connection the version is read once, to catch what was
// missed. It returns when ctx ends.
func (s *Store) listen(ctx context.Context, cfg *pgx.ConnConfig) {
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		err := s.listenOnce(ctx, cfg)
		s.version.listening.Store(false)
		s.version.next.Store(0) // poll at the next Generation, then every second
		if ctx.Err() != nil {
			return
		}
		_ = err // the poll fallback covers the gap; /readyz reports the database's state
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 2*time.Second)
	}
}

func (s *Store) listenOnce(ctx context.Context, cfg *pgx.ConnConfig) error {
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN "+notifyChannel); err != nil {
		return err
	}
	var v uint64
	if err := conn.QueryRow(ctx, `SELECT version FROM data_version WHERE id = 1`).Scan(&v); err != nil {
		return err
	}
	s.version.raise(v)
	s.version.listening.Store(true)
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		if v, err := strconv.ParseUint(n.Payload, 10, 64); err == nil {
			s.version.raise(v)
		}
	}
}
