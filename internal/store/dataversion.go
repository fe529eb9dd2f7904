package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync/atomic"
	"time"
)

// The domain-data version is a counter row (table data_version, migration
// 0004) that goes up in the same transaction as every write to the data
// the public sees: countries, organisations, records, events and their
// sources, imports and the seed. Accounts, sessions, failed logins and the
// security trail do not move it, so a stranger's failed login empties no
// cache. Every such write goes through changeData or editData, which bump
// the counter; TestEveryWritePath lists the write paths and what each must
// do to the version.

// errUnchanged, returned by a changeData or editData function, rolls its
// transaction back and reports success: nothing needed writing, so the
// data version stays where it is.
var errUnchanged = errors.New("nothing to change")

// errOnlyAudit, returned by a changeData or editData function, commits
// its transaction without moving the data version: it wrote nothing the
// public sees (only an audit row, say for an import whose every event was
// already held).
var errOnlyAudit = errors.New("only the audit log changed")

// changeData runs fn in one transaction on the writer and, if fn succeeds,
// increases the domain-data version in the same transaction. For bulk
// writes (imports, the seed) and administrators' changes.
func (s *Store) changeData(ctx context.Context, fn func(*sql.Tx) error) error {
	return s.bumping(ctx, fn, func(f func(*sql.Tx) error) error { return inTx(ctx, s.writer, f) })
}

// editData is changeData for an editor's single change (see editTx).
func (s *Store) editData(ctx context.Context, fn func(*sql.Tx) error) error {
	return s.bumping(ctx, fn, func(f func(*sql.Tx) error) error { return s.editTx(ctx, f) })
}

func (s *Store) bumping(ctx context.Context, fn func(*sql.Tx) error, run func(func(*sql.Tx) error) error) error {
	var version uint64
	err := run(func(tx *sql.Tx) error {
		if err := fn(tx); errors.Is(err, errOnlyAudit) {
			return nil
		} else if err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `UPDATE data_version SET version = version + 1 WHERE id = 1 RETURNING version`).Scan(&version); err != nil {
			return fmt.Errorf("move the data version: %w", err)
		}
		return nil
	})
	switch {
	case errors.Is(err, errUnchanged):
		return nil
	case err != nil:
		return err
	}
	if version > 0 {
		s.version.raise(version)
	}
	return nil
}

// Generation returns the domain-data version: a number that changes
// whenever the data the public sees may have changed, and only then. It
// moves at once after a domain write through this Store and (checked at
// most once a second) after domain writes by other processes, such as
// `accesswatch import` against the live database file; writes to accounts,
// sessions and failed logins leave it alone. Page caches and the metrics
// snapshot key on it.
func (s *Store) Generation() uint64 {
	if s.version.due(s.now()) {
		s.version.poll(s.reader)
	}
	return s.version.current.Load()
}

// dataVersion follows the counter row: raised by this process's commits,
// and by polling for those of others.
type dataVersion struct {
	current atomic.Uint64
	next    atomic.Int64 // unix nanoseconds of the next poll
	// listening: a PostgreSQL LISTEN connection is up and raises current
	// as other instances commit (postgres.go), so polls can be rare.
	listening atomic.Bool
}

// pollInterval is how often Generation looks for other processes' writes;
// listeningPollInterval how often while notifications arrive (a safety
// net only).
const (
	pollInterval          = time.Second
	listeningPollInterval = 30 * time.Second
)

// raise moves the version up to v (never down: a slow poll that read an
// older value must not undo a newer commit).
func (d *dataVersion) raise(v uint64) {
	for {
		cur := d.current.Load()
		if v <= cur || d.current.CompareAndSwap(cur, v) {
			return
		}
	}
}

// due reports whether this caller should poll now; of callers arriving at
// once, only one is told to.
func (d *dataVersion) due(now time.Time) bool {
	next := d.next.Load()
	interval := pollInterval
	if d.listening.Load() {
		interval = listeningPollInterval
	}
	return now.UnixNano() >= next && d.next.CompareAndSwap(next, now.Add(interval).UnixNano())
}

// poll reads the counter row. A failed read changes nothing; the next
// poll tries again.
func (d *dataVersion) poll(reader *sql.DB) {
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if v, err := readDataVersion(ctx, reader); err == nil {
		d.raise(v)
	}
}

type queryRower interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func readDataVersion(ctx context.Context, q queryRower) (uint64, error) {
	var v uint64
	if err := q.QueryRowContext(ctx, `SELECT version FROM data_version WHERE id = 1`).Scan(&v); err != nil {
		return 0, fmt.Errorf("read the data version: %w", err)
	}
	return v, nil
}
