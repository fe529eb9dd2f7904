package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/mattn/go-sqlite3"
)

// ErrBackupExists is returned when the backup's file already exists: a
// backup never overwrites anything.
var ErrBackupExists = errors.New("backup file already exists")

// Backup writes a consistent copy of the database to a new file at dest
// while the database stays in use. It copies through SQLite's online backup
// API from a read connection, in one step, so the copy is the snapshot of
// one moment: it holds every transaction committed before the backup began
// and none half-done, and writers carry on meanwhile (WAL mode lets a
// reader and the writer run together). The copy is a single self-contained
// file (rollback journal mode; the server switches it back to WAL when it
// opens it) and must pass PRAGMA integrity_check when opened on its own.
// On any failure the partial copy is removed.
func (s *Store) Backup(ctx context.Context, dest string) (err error) {
	// Creating the file exclusively reserves the name, so two backups to the
	// same name cannot both proceed, and an existing file is never touched.
	f, err := os.OpenFile(dest, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%w: %s", ErrBackupExists, dest)
	}
	if err != nil {
		return fmt.Errorf("create backup: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("create backup: %w", err)
	}
	defer func() {
		if err != nil {
			for _, suffix := range []string{"", "-journal", "-wal", "-shm"} {
				_ = os.Remove(dest + suffix)
			}
		}
	}()
	if err := s.copyTo(ctx, dest); err != nil {
		return fmt.Errorf("back up to %s: %w", dest, err)
	}
	if err := CheckIntegrity(ctx, dest); err != nil {
		return fmt.Errorf("check backup %s: %w", dest, err)
	}
	return nil
}

// copyTo runs the online backup from a connection of the read pool into a
// new database at dest.
func (s *Store) copyTo(ctx context.Context, dest string) error {
	dst, err := sql.Open("sqlite3", "file:"+escapePath(dest)+"?_busy_timeout="+fmt.Sprint(busyTimeout.Milliseconds()))
	if err != nil {
		return err
	}
	defer dst.Close()
	dconn, err := dst.Conn(ctx)
	if err != nil {
		return err
	}
	defer dconn.Close()
	sconn, err := s.reader.Conn(ctx)
	if err != nil {
		return err
	}
	defer sconn.Close()
	err = dconn.Raw(func(d any) error {
		return sconn.Raw(func(src any) error {
			dc, ok1 := d.(*sqlite3.SQLiteConn)
			sc, ok2 := src.(*sqlite3.SQLiteConn)
			if !ok1 || !ok2 {
				return fmt.Errorf("unexpected driver connections %T, %T", d, src)
			}
			return onlineBackup(ctx, dc, sc)
		})
	})
	if err != nil {
		return err
	}
	// The copied header says WAL, as the source does; a backup is better
	// as one file that can be moved and checked on its own.
	var mode string
	if err := dconn.QueryRowContext(ctx, `PRAGMA journal_mode = DELETE`).Scan(&mode); err != nil {
		return fmt.Errorf("set journal mode: %w", err)
	}
	if mode != "delete" {
		return fmt.Errorf("backup journal mode is %q, want delete", mode)
	}
	return nil
}

// onlineBackup copies every page in one step (-1): the source's read
// transaction spans the whole copy, so the copy is one consistent snapshot.
// A busy or locked source (another process mid-checkpoint) is retried.
func onlineBackup(ctx context.Context, dst, src *sqlite3.SQLiteConn) error {
	b, err := dst.Backup("main", src, "main")
	if err != nil {
		return err
	}
	for {
		done, err := b.Step(-1)
		if err != nil {
			_ = b.Close()
			return err
		}
		if done {
			return b.Finish()
		}
		select {
		case <-ctx.Done():
			_ = b.Close()
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// CheckIntegrity opens the database file at path read-only, on its own, and
// runs PRAGMA integrity_check, which must answer exactly "ok".
func CheckIntegrity(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err != nil {
		return err
	}
	db, err := sql.Open("sqlite3", "file:"+escapePath(path)+"?mode=ro")
	if err != nil {
		return err
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return classify(err)
	}
	defer rows.Close()
	var report []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return err
		}
		report = append(report, line)
	}
	if err := rows.Err(); err != nil {
		return classify(err)
	}
	if len(report) != 1 || report[0] != "ok" {
		return fmt.Errorf("%w: integrity_check says %q", ErrCorrupt, report)
	}
	return nil
}
