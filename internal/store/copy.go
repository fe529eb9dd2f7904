package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// ErrTargetNotEmpty: `accesswatch copy` refuses a target that holds data.
var ErrTargetNotEmpty = errors.New("the target database is not empty")

// copySkipped are the SQLite tables `accesswatch copy` leaves behind:
// schema_migrations (the target has its own, at the same version),
// sessions (editors sign in again on the new deployment: a session is a
// bearer credential, and moving one gains nothing worth moving it) and
// login_throttle (transient counters that expire within a day).
var copySkipped = []string{"schema_migrations", "sessions", "login_throttle"}

// TableCopy is what copying one table did, and the proof that both sides
// hold the same rows.
type TableCopy struct {
	Table          string
	Rows           int64 // rows read from the source
	TargetRows     int64 // rows counted on the target after the copy
	Checksum       string
	TargetChecksum string
}

// CopyTo copies every table of s (an SQLite store) but those of
// copySkipped into target (a PostgreSQL store at the same schema
// version), in one target transaction, and then checks each table's row
// count and checksum on both sides. Tables are discovered from the source
// schema, so a table a later migration adds is copied too (its twin must
// exist on PostgreSQL). It refuses a target that holds any row, and a
// source whose data changes while it is copied cannot pass the checks.
func (s *Store) CopyTo(ctx context.Context, target *Store) ([]TableCopy, error) {
	if s.engine != SQLite || target.engine != Postgres {
		return nil, fmt.Errorf("copy goes from an SQLite file to a PostgreSQL database (got %s to %s)", s.engine, target.engine)
	}
	var fromV, toV int
	if err := s.reader.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&fromV); err != nil {
		return nil, fmt.Errorf("source schema version: %w", err)
	}
	if err := target.reader.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&toV); err != nil {
		return nil, fmt.Errorf("target schema version: %w", err)
	}
	if fromV != toV {
		return nil, fmt.Errorf("the source is at schema version %d and the target at %d: copy with the accesswatch that opened both", fromV, toV)
	}
	tables, err := s.copyOrder(ctx)
	if err != nil {
		return nil, err
	}
	for _, t := range tables {
		var n int64
		q := `SELECT COUNT(*) FROM ` + t.name
		if t.name == "data_version" {
			q += ` WHERE version <> 0` // created at 0 by the migrations
		}
		if err := target.reader.QueryRowContext(ctx, q).Scan(&n); err != nil {
			return nil, fmt.Errorf("target table %s: %w", t.name, err)
		}
		if n > 0 {
			return nil, fmt.Errorf("%w: table %s holds %d rows; copy only into a new, empty database", ErrTargetNotEmpty, t.name, n)
		}
	}

	var out []TableCopy
	err = inTx(ctx, target.writer, func(tx *sql.Tx) error {
		out = nil
		for i := len(tables) - 1; i >= 0; i-- { // only data_version's 0 row is there
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+tables[i].name); err != nil {
				return fmt.Errorf("empty %s: %w", tables[i].name, err)
			}
		}
		for _, t := range tables {
			n, err := copyTable(ctx, s.reader, tx, t)
			if err != nil {
				return err
			}
			out = append(out, TableCopy{Table: t.name, Rows: n})
		}
		// Identity columns go on from the highest id copied.
		rows, err := tx.QueryContext(ctx, `SELECT table_name, column_name FROM information_schema.columns
			WHERE table_schema = current_schema() AND is_identity = 'YES'`)
		if err != nil {
			return err
		}
		var idents [][2]string
		for rows.Next() {
			var tname, col string
			if err := rows.Scan(&tname, &col); err != nil {
				rows.Close()
				return err
			}
			idents = append(idents, [2]string{tname, col})
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, ic := range idents {
			if _, err := tx.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence(?, ?), COALESCE(MAX(`+ic[1]+`), 0) + 1, false) FROM `+ic[0],
				ic[0], ic[1]); err != nil {
				return fmt.Errorf("identity of %s: %w", ic[0], err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var v uint64
	if v, err = readDataVersion(ctx, target.reader); err == nil {
		target.version.raise(v)
	}
	var bad []string
	for i, t := range tables {
		c := &out[i]
		if c.Checksum, c.Rows, err = tableChecksum(ctx, s.reader, t); err != nil {
			return out, err
		}
		if c.TargetChecksum, c.TargetRows, err = tableChecksum(ctx, target.reader, t); err != nil {
			return out, err
		}
		if c.Rows != c.TargetRows || c.Checksum != c.TargetChecksum {
			bad = append(bad, t.name)
		}
	}
	if len(bad) > 0 {
		return out, fmt.Errorf("after the copy, %s differ between source and target (was the source written to meanwhile?)", strings.Join(bad, ", "))
	}
	return out, nil
}

// copyTableInfo is a source table and its columns.
type copyTableInfo struct {
	name string
	cols []string
}

// copyOrder lists the source's tables (but copySkipped) with their
// columns, each after the tables its foreign keys point to.
func (s *Store) copyOrder(ctx context.Context) ([]copyTableInfo, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return nil, err
		}
		if !slices.Contains(copySkipped, n) {
			names = append(names, n)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	deps := map[string][]string{}
	info := map[string]copyTableInfo{}
	for _, n := range names {
		t := copyTableInfo{name: n}
		if err := eachRow(ctx, s.reader, `SELECT name FROM pragma_table_info(?) ORDER BY cid`, []any{n}, func(r *sql.Rows) error {
			var c string
			err := r.Scan(&c)
			t.cols = append(t.cols, c)
			return err
		}); err != nil {
			return nil, err
		}
		info[n] = t
		if err := eachRow(ctx, s.reader, `SELECT "table" FROM pragma_foreign_key_list(?)`, []any{n}, func(r *sql.Rows) error {
			var d string
			err := r.Scan(&d)
			if d != n {
				deps[n] = append(deps[n], d)
			}
			return err
		}); err != nil {
			return nil, err
		}
	}
	var order []copyTableInfo
	placed := map[string]bool{}
	var place func(n string, depth int) error
	place = func(n string, depth int) error {
		if placed[n] {
			return nil
		}
		if depth > len(names) {
			return fmt.Errorf("foreign keys of %s form a cycle", n)
		}
		for _, d := range deps[n] {
			if _, ok := info[d]; ok {
				if err := place(d, depth+1); err != nil {
					return err
				}
			}
		}
		placed[n] = true
		order = append(order, info[n])
		return nil
	}
	for _, n := range names {
		if err := place(n, 0); err != nil {
			return nil, err
		}
	}
	return order, nil
}

func eachRow(ctx context.Context, db *sql.DB, q string, args []any, fn func(*sql.Rows) error) error {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// copyTable reads every row of t from src and inserts it through tx.
func copyTable(ctx context.Context, src *sql.DB, tx *sql.Tx, t copyTableInfo) (int64, error) {
	cols := strings.Join(t.cols, ", ")
	rows, err := src.QueryContext(ctx, `SELECT `+cols+` FROM `+t.name)
	if err != nil {
		return 0, fmt.Errorf("read %s: %w", t.name, err)
	}
	defer rows.Close()
	ins, err := tx.PrepareContext(ctx, `INSERT INTO `+t.name+` (`+cols+`) VALUES (`+strings.TrimSuffix(strings.Repeat("?, ", len(t.cols)), ", ")+`)`)
	if err != nil {
		return 0, fmt.Errorf("prepare %s: %w", t.name, err)
	}
	defer ins.Close()
	vals := make([]any, len(t.cols))
	ptrs := make([]any, len(t.cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var n int64
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return n, fmt.Errorf("read %s: %w", t.name, err)
		}
		if _, err := ins.ExecContext(ctx, vals...); err != nil {
			return n, fmt.Errorf("copy %s row %d: %w", t.name, n+1, err)
		}
		n++
	}
	return n, rows.Err()
}

// tableChecksum digests every row of t, whatever their order: the sum
// (mod 2^64) of each row's SHA-256 prefix, over a typed encoding of its
// values, so that the two engines' digests agree exactly when they hold
// the same rows.
func tableChecksum(ctx context.Context, db *sql.DB, t copyTableInfo) (string, int64, error) {
	rows, err := db.QueryContext(ctx, `SELECT `+strings.Join(t.cols, ", ")+` FROM `+t.name)
	if err != nil {
		return "", 0, fmt.Errorf("checksum %s: %w", t.name, err)
	}
	defer rows.Close()
	vals := make([]any, len(t.cols))
	ptrs := make([]any, len(t.cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var sum uint64
	var n int64
	var buf []byte
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return "", n, err
		}
		buf = buf[:0]
		for _, v := range vals {
			switch v := v.(type) {
			case nil:
				buf = append(buf, 'N')
			case int64:
				buf = strconv.AppendInt(append(buf, 'I'), v, 10)
			case float64:
				buf = strconv.AppendFloat(append(buf, 'F'), v, 'g', -1, 64)
			case string:
				buf = append(strconv.AppendInt(append(buf, 'S'), int64(len(v)), 10), ':')
				buf = append(buf, v...)
			case []byte:
				buf = append(strconv.AppendInt(append(buf, 'B'), int64(len(v)), 10), ':')
				buf = append(buf, v...)
			default:
				return "", n, fmt.Errorf("checksum %s: unexpected %T", t.name, v)
			}
			buf = append(buf, 0x1f)
		}
		h := sha256.Sum256(buf)
		sum += binary.BigEndian.Uint64(h[:8])
		n++
	}
	if err := rows.Err(); err != nil {
		return "", n, err
	}
	var out [8]byte
	binary.BigEndian.PutUint64(out[:], sum)
	return hex.EncodeToString(out[:]), n, nil
}
