package store

import (
	"context"
	"database/sql/driver"
	"fmt"
	"strconv"
	"strings"
	"sync"
)

// The PostgreSQL engine runs the store's SQL — written once, in SQLite's
// dialect — through a thin database/sql driver around pgx's own
// (github.com/jackc/pgx/v5/stdlib, which keeps pgx's statement cache on every
// pooled connection). The wrapper translates each statement text once, caches
// the translation, and adapts the arguments and results:
//
//   - parameters `?` and `:name` become `$1, $2...`, numbered exactly as
//     SQLite numbers them (a `?` takes the next number, a name its first
//     number), and arguments are placed as SQLite's driver places them
//     (sql.Named by name, the others by position);
//   - LIKE becomes ILIKE (SQLite's LIKE ignores ASCII case; PostgreSQL's
//     does not);
//   - json_each(x) becomes aw_json_each(x), a function of the PostgreSQL
//     schema (migrations_pg/0001) with SQLite's `value` column, that reads
//     '' as an empty list;
//   - `LIMIT ?` becomes `LIMIT CASE WHEN $n >= 0 THEN $n END`: a negative
//     limit means none on SQLite, and NULL means none on PostgreSQL;
//   - Go bool arguments are sent as 0/1 (both schemas keep flags in integer
//     columns), and boolean results come back as 0/1 as SQLite's do.
//
// Everything else must already be SQL both engines run alike; see
// "SQL for both engines" in dialect.go.

// pgConnector opens wrapped pgx connections. serialise makes every
// transaction take the store's write lock first (see pgWriteLock).
type pgConnector struct {
	inner     driver.Connector
	serialise bool
	readOnly  bool
}

func (c *pgConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.inner.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &pgConn{inner: conn, c: c}, nil
}

func (c *pgConnector) Driver() driver.Driver { return c.inner.Driver() }

// pgWriteLock is the key of the transaction-level advisory lock every write
// transaction on PostgreSQL takes at BEGIN: writes are serialised across
// every instance on the database, as SQLite's BEGIN IMMEDIATE serialises
// them across processes on one file, so that a transaction's reads (the
// record's version, its events) still hold when it commits. The number is
// arbitrary ("aw" in ASCII) and shared by all accesswatch versions.
const pgWriteLock = 0x6177

// innerConn is what pgx's stdlib connection offers.
type innerConn interface {
	driver.Conn
	driver.ConnPrepareContext
	driver.ConnBeginTx
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.SessionResetter
}

type pgConn struct {
	inner driver.Conn
	c     *pgConnector
}

func (p *pgConn) in() innerConn { return p.inner.(innerConn) }

func (p *pgConn) Prepare(query string) (driver.Stmt, error) {
	return p.PrepareContext(context.Background(), query)
}

func (p *pgConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	t, err := translate(query)
	if err != nil {
		return nil, err
	}
	st, err := p.in().PrepareContext(ctx, t.sql)
	if err != nil {
		return nil, err
	}
	return &pgStmt{inner: st, t: t}, nil
}

func (p *pgConn) Close() error { return p.inner.Close() }

func (p *pgConn) Begin() (driver.Tx, error) {
	return p.BeginTx(context.Background(), driver.TxOptions{})
}

func (p *pgConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	if p.c.readOnly {
		// A read transaction (the metrics snapshot) sees one state of the
		// database throughout, as an SQLite read transaction does.
		opts.Isolation = driver.IsolationLevel(4) // sql.LevelRepeatableRead
		opts.ReadOnly = true
	}
	tx, err := p.in().BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	if p.c.serialise {
		if _, err := p.in().ExecContext(ctx, `SELECT pg_advisory_xact_lock(`+strconv.Itoa(pgWriteLock)+`)`, nil); err != nil {
			_ = tx.Rollback()
			return nil, fmt.Errorf("take the write lock: %w", err)
		}
	}
	return tx, nil
}

func (p *pgConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	q, a, err := bind(query, args)
	if err != nil {
		return nil, err
	}
	return p.in().ExecContext(ctx, q, a)
}

// bind translates query to PostgreSQL's dialect (cached) and orders args
// for its $n parameters.
func bind(query string, args []driver.NamedValue) (string, []driver.NamedValue, error) {
	t, err := translate(query)
	if err != nil {
		return "", nil, err
	}
	a, err := t.args(args)
	if err != nil {
		return "", nil, err
	}
	return t.sql, a, nil
}

func (p *pgConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	q, a, err := bind(query, args)
	if err != nil {
		return nil, err
	}
	rows, err := p.in().QueryContext(ctx, q, a)
	if err != nil {
		return nil, err
	}
	return pgRows{rows}, nil
}

func (p *pgConn) Ping(ctx context.Context) error { return p.in().Ping(ctx) }

func (p *pgConn) ResetSession(ctx context.Context) error { return p.in().ResetSession(ctx) }

// CheckNamedValue accepts every argument; pgx encodes them (after args).
func (p *pgConn) CheckNamedValue(*driver.NamedValue) error { return nil }

type pgStmt struct {
	inner driver.Stmt
	t     *translated
}

func (s *pgStmt) Close() error  { return s.inner.Close() }
func (s *pgStmt) NumInput() int { return -1 }

func (s *pgStmt) Exec(args []driver.Value) (driver.Result, error) {
	return s.ExecContext(context.Background(), valuesToNamed(args))
}

func (s *pgStmt) Query(args []driver.Value) (driver.Rows, error) {
	return s.QueryContext(context.Background(), valuesToNamed(args))
}

func (s *pgStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	a, err := s.t.args(args)
	if err != nil {
		return nil, err
	}
	return s.inner.(driver.StmtExecContext).ExecContext(ctx, a)
}

func (s *pgStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	a, err := s.t.args(args)
	if err != nil {
		return nil, err
	}
	rows, err := s.inner.(driver.StmtQueryContext).QueryContext(ctx, a)
	if err != nil {
		return nil, err
	}
	return pgRows{rows}, nil
}

func valuesToNamed(vs []driver.Value) []driver.NamedValue {
	out := make([]driver.NamedValue, len(vs))
	for i, v := range vs {
		out[i] = driver.NamedValue{Ordinal: i + 1, Value: v}
	}
	return out
}

// pgRows gives boolean results as 0/1, as SQLite gives them.
type pgRows struct{ driver.Rows }

func (r pgRows) Next(dest []driver.Value) error {
	if err := r.Rows.Next(dest); err != nil {
		return err
	}
	for i, v := range dest {
		if b, ok := v.(bool); ok {
			dest[i] = int64(boolInt(b))
		}
	}
	return nil
}

// translated is one statement text in PostgreSQL's dialect.
type translated struct {
	sql   string
	n     int            // parameters $1..$n
	names map[string]int // :name → its number
}

// translations caches translate's results by statement text: the store's
// statements are constants, so the cache holds a few hundred entries.
var translations sync.Map

// translate turns a statement written for SQLite into PostgreSQL's dialect
// (see the comment at the top of this file).
func translate(query string) (*translated, error) {
	if t, ok := translations.Load(query); ok {
		return t.(*translated), nil
	}
	t := &translated{names: map[string]int{}}
	var b strings.Builder
	b.Grow(len(query) + 16)
	limitPending := false // just after LIMIT: its parameter may be negative
	q := query
	for i := 0; i < len(q); {
		c := q[i]
		switch {
		case c == '\'' || c == '"':
			j := skipQuoted(q, i, c)
			b.WriteString(q[i:j])
			i = j
		case c == '-' && strings.HasPrefix(q[i:], "--"):
			j := strings.IndexByte(q[i:], '\n')
			if j < 0 {
				j = len(q) - i
			}
			b.WriteString(q[i : i+j])
			i += j
		case c == '/' && strings.HasPrefix(q[i:], "/*"):
			j := strings.Index(q[i+2:], "*/")
			if j < 0 {
				return nil, fmt.Errorf("unterminated comment in %q", query)
			}
			b.WriteString(q[i : i+2+j+2])
			i += 2 + j + 2
		case c == '$':
			// A dollar-quoted body ($$...$$ or $tag$...$tag$) is copied as is.
			j := i + 1
			for j < len(q) && isWordByte(q[j]) {
				j++
			}
			if j < len(q) && q[j] == '$' {
				tag := q[i : j+1]
				k := strings.Index(q[j+1:], tag)
				if k < 0 {
					return nil, fmt.Errorf("unterminated %s quote in %q", tag, query)
				}
				end := j + 1 + k + len(tag)
				b.WriteString(q[i:end])
				i = end
			} else {
				b.WriteByte(c)
				i++
			}
		case c == ':' && i+1 < len(q) && q[i+1] == ':':
			b.WriteString("::")
			i += 2
		case c == ':' && i+1 < len(q) && isWordStart(q[i+1]):
			j := i + 1
			for j < len(q) && isWordByte(q[j]) {
				j++
			}
			name := q[i+1 : j]
			num, ok := t.names[name]
			if !ok {
				t.n++
				num = t.n
				t.names[name] = num
			}
			emitParam(&b, num, &limitPending)
			i = j
		case c == '?':
			t.n++
			emitParam(&b, t.n, &limitPending)
			i++
		case isWordStart(c):
			j := i
			for j < len(q) && isWordByte(q[j]) {
				j++
			}
			word := q[i:j]
			limitPending = strings.EqualFold(word, "LIMIT")
			switch {
			case strings.EqualFold(word, "LIKE"):
				b.WriteString("ILIKE")
			case strings.EqualFold(word, "json_each"):
				b.WriteString("aw_json_each")
			default:
				b.WriteString(word)
			}
			i = j
		default:
			if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
				limitPending = false
			}
			b.WriteByte(c)
			i++
		}
	}
	t.sql = b.String()
	translations.Store(query, t)
	return t, nil
}

// emitParam writes parameter num, wrapped when it is a LIMIT's.
func emitParam(b *strings.Builder, num int, limitPending *bool) {
	p := "$" + strconv.Itoa(num)
	if *limitPending {
		p = "CASE WHEN " + p + " >= 0 THEN " + p + " END"
		*limitPending = false
	}
	b.WriteString(p)
}

// skipQuoted returns the index just past the quoted text starting at i
// (a doubled quote stands for itself).
func skipQuoted(q string, i int, quote byte) int {
	for j := i + 1; j < len(q); j++ {
		if q[j] == quote {
			if j+1 < len(q) && q[j+1] == quote {
				j++
				continue
			}
			return j + 1
		}
	}
	return len(q)
}

func isWordStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func isWordByte(c byte) bool { return isWordStart(c) || c >= '0' && c <= '9' }

// args places the caller's arguments as SQLite's driver would: a named
// one at its name's number, the others at their position. Named arguments
// the statement does not use are ignored.
func (t *translated) args(in []driver.NamedValue) ([]driver.NamedValue, error) {
	out := make([]driver.NamedValue, t.n)
	set := make([]bool, t.n)
	for _, a := range in {
		num := a.Ordinal
		if a.Name != "" {
			var ok bool
			if num, ok = t.names[a.Name]; !ok {
				continue
			}
		}
		if num < 1 || num > t.n {
			return nil, fmt.Errorf("argument %d for a statement with %d parameters", num, t.n)
		}
		v := a.Value
		if b, ok := v.(bool); ok {
			v = int64(boolInt(b))
		}
		out[num-1] = driver.NamedValue{Ordinal: num, Value: v}
		set[num-1] = true
	}
	for i, ok := range set {
		if !ok {
			return nil, fmt.Errorf("no argument for parameter $%d", i+1)
		}
	}
	return out, nil
}
