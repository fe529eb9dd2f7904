package harness

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/url"
	"strings"

	_ "github.com/mattn/go-sqlite3" // the database is read directly
)

// Reconciliation reads the database file after the server stopped (or was
// killed) and holds every write the editors attempted against it:
//
//   - an acknowledged write (303) is there exactly once: one event with its
//     marker, on the record it was made to, with its one source, and one
//     audit row naming that event at that record version;
//   - a write with an unknown outcome (the server died or stopped without
//     answering) is there completely, as above, or not at all;
//   - a rejected write (any other answer) is not there;
//   - nothing else carries the run's marker;
//
// and, over the whole database, that the file is sound (PRAGMA
// integrity_check), that every record's version counts its events and
// matches the newest event's record_version, that every event has exactly
// one audit row and every event audit row an event, and that every
// record's status is backed by an event of that record setting it.

// Reconciliation is what the database holds of the writes.
type Reconciliation struct {
	Attempted        int
	Acknowledged     int
	AcknowledgedHeld int // acknowledged writes found complete, exactly once
	Unknown          int
	UnknownCommitted int // unknown outcomes that did commit (all of it)
	Rejected         int
	Events           int // events in the database
	Records          int
	Problems         []string
}

// OK reports whether nothing is wrong.
func (r Reconciliation) OK() bool { return len(r.Problems) == 0 }

// Print writes the counts and any problems.
func (r Reconciliation) Print(w io.Writer) {
	fmt.Fprintf(w, "reconciled against the database file: %d writes attempted; %d acknowledged, %d of them held exactly once "+
		"(event, source, audit); %d unknown outcomes (%d committed whole, %d absent whole); %d rejected, none written; "+
		"%d events and %d records consistent\n",
		r.Attempted, r.Acknowledged, r.AcknowledgedHeld, r.Unknown, r.UnknownCommitted, r.Unknown-r.UnknownCommitted,
		r.Rejected, r.Events, r.Records)
	for i, p := range r.Problems {
		if i == 20 {
			fmt.Fprintf(w, "  … and %d more problems\n", len(r.Problems)-i)
			break
		}
		fmt.Fprintf(w, "  PROBLEM: %s\n", p)
	}
}

// harnessEvent is an event the harness wrote, as the database has it.
type harnessEvent struct {
	id, recordVersion int64
	country, org      string
	sources           []string // source URLs
	audits            int      // event.create audit rows naming it
	auditVersion      int64
}

// Reconcile checks the writes against the database at path. Only the
// events whose description starts with prefix are the harness's.
func Reconcile(ctx context.Context, path, prefix string, writes []Write) (Reconciliation, error) {
	rep := Reconciliation{Attempted: len(writes)}
	db, err := sql.Open("sqlite3", "file:"+(&url.URL{Path: path}).EscapedPath()+"?_busy_timeout=10000")
	if err != nil {
		return rep, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	problem := func(format string, args ...any) { rep.Problems = append(rep.Problems, fmt.Sprintf(format, args...)) }

	var integrity string
	if err := db.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&integrity); err != nil {
		return rep, fmt.Errorf("integrity_check: %w", err)
	}
	if integrity != "ok" {
		problem("PRAGMA integrity_check: %s", integrity)
	}

	events, err := harnessEvents(ctx, db, prefix)
	if err != nil {
		return rep, err
	}
	seen := map[string]bool{}
	for _, w := range writes {
		seen[w.Marker] = true
		found := events[w.Marker]
		switch w.Outcome {
		case Acknowledged:
			rep.Acknowledged++
			if len(found) != 1 {
				problem("acknowledged write %s: %d events, want exactly 1", w.Marker, len(found))
				continue
			}
			if checkWhole(w, found[0], problem) {
				rep.AcknowledgedHeld++
			}
		case Unknown:
			rep.Unknown++
			switch len(found) {
			case 0:
			case 1:
				if checkWhole(w, found[0], problem) {
					rep.UnknownCommitted++
				}
			default:
				problem("write %s (no answer): %d events, want 0 or 1", w.Marker, len(found))
			}
		default:
			rep.Rejected++
			if len(found) != 0 {
				problem("rejected write %s: %d events, want none", w.Marker, len(found))
			}
		}
	}
	for marker, evs := range events {
		if !seen[marker] {
			problem("%d events carry marker %s, which no editor sent", len(evs), marker)
		}
	}
	if err := checkInvariants(ctx, db, &rep, problem); err != nil {
		return rep, err
	}
	return rep, nil
}

// checkWhole checks that a write's event came with everything it needs.
func checkWhole(w Write, ev harnessEvent, problem func(string, ...any)) bool {
	ok := true
	if ev.country != w.Target.Country || ev.org != w.Target.Org {
		problem("write %s: event on %s/%s, sent to %s/%s", w.Marker, ev.country, ev.org, w.Target.Country, w.Target.Org)
		ok = false
	}
	if len(ev.sources) != 1 || ev.sources[0] != MarkerURL(w.Marker) {
		problem("write %s: sources %v, want exactly [%s]", w.Marker, ev.sources, MarkerURL(w.Marker))
		ok = false
	}
	if ev.audits != 1 {
		problem("write %s: %d audit rows, want exactly 1", w.Marker, ev.audits)
		ok = false
	} else if ev.auditVersion != ev.recordVersion {
		problem("write %s: audit says version %d, event %d", w.Marker, ev.auditVersion, ev.recordVersion)
		ok = false
	}
	return ok
}

// harnessEvents reads the harness's events by marker, with their sources
// and audit rows.
func harnessEvents(ctx context.Context, db *sql.DB, prefix string) (map[string][]harnessEvent, error) {
	audits, err := eventAudits(ctx, db)
	if err != nil {
		return nil, err
	}
	rows, err := db.QueryContext(ctx, `
SELECT e.id, e.description, e.record_version, COALESCE(r.country_code, ''), COALESCE(o.slug, '')
FROM events e
LEFT JOIN records r ON r.id = e.record_id
LEFT JOIN organisations o ON o.id = r.org_id
WHERE substr(e.description, 1, length(?)) = ?`, prefix, prefix)
	if err != nil {
		return nil, fmt.Errorf("read the harness's events: %w", err)
	}
	defer rows.Close()
	out := map[string][]harnessEvent{}
	for rows.Next() {
		var ev harnessEvent
		var marker string
		if err := rows.Scan(&ev.id, &marker, &ev.recordVersion, &ev.country, &ev.org); err != nil {
			return nil, err
		}
		a := audits[ev.id]
		ev.audits, ev.auditVersion = a.rows, a.version
		out[marker] = append(out[marker], ev)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	byID := map[int64]*harnessEvent{}
	for marker, evs := range out {
		for i := range evs {
			byID[evs[i].id] = &out[marker][i]
		}
	}
	srcs, err := db.QueryContext(ctx, `SELECT s.event_id, s.url FROM event_sources s JOIN events e ON e.id = s.event_id
WHERE substr(e.description, 1, length(?)) = ? ORDER BY s.event_id, s.position`, prefix, prefix)
	if err != nil {
		return nil, fmt.Errorf("read the harness's sources: %w", err)
	}
	defer srcs.Close()
	for srcs.Next() {
		var id int64
		var u string
		if err := srcs.Scan(&id, &u); err != nil {
			return nil, err
		}
		if ev := byID[id]; ev != nil {
			ev.sources = append(ev.sources, u)
		}
	}
	return out, srcs.Err()
}

// eventAudit is what the audit log says of one event.
type eventAudit struct {
	rows    int   // event.create rows of a record naming the event
	version int64 // the record version the (last) row gives
}

// eventAudits reads the record-event audit rows, by event id.
func eventAudits(ctx context.Context, db *sql.DB) (map[int64]eventAudit, error) {
	rows, err := db.QueryContext(ctx, `SELECT json_extract(after, '$.event_id'), COUNT(*), MAX(json_extract(after, '$.version'))
FROM audit WHERE action = 'event.create' AND entity = 'record' GROUP BY 1`)
	if err != nil {
		return nil, fmt.Errorf("read the audit log: %w", err)
	}
	defer rows.Close()
	out := map[int64]eventAudit{}
	for rows.Next() {
		var id sql.NullInt64
		var a eventAudit
		if err := rows.Scan(&id, &a.rows, &a.version); err != nil {
			return nil, err
		}
		out[id.Int64] = a
	}
	return out, rows.Err()
}

// checkInvariants checks what must hold over the whole database.
func checkInvariants(ctx context.Context, db *sql.DB, rep *Reconciliation, problem func(string, ...any)) error {
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM events`).Scan(&rep.Events); err != nil {
		return err
	}
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM records`).Scan(&rep.Records); err != nil {
		return err
	}
	checks := []struct {
		what  string
		query string
	}{
		{"records whose version is not the number of their events, or not their newest event's record_version", `
SELECT r.country_code || '/' || r.org_id || ' at version ' || r.version || ' with ' || COUNT(e.id) || ' events, newest ' || COALESCE(MAX(e.record_version), 0)
FROM records r LEFT JOIN events e ON e.record_id = r.id
GROUP BY r.id
HAVING r.version != COUNT(e.id) OR r.version != COALESCE(MAX(e.record_version), 0) OR COUNT(DISTINCT e.record_version) != COUNT(e.id)`},
		{"events without exactly one audit row", `
WITH named AS (SELECT json_extract(after, '$.event_id') AS event_id, COUNT(*) AS n
               FROM audit WHERE action = 'event.create' GROUP BY 1)
SELECT 'event ' || e.id || ': ' || COALESCE(named.n, 0) || ' audit rows'
FROM events e LEFT JOIN named ON named.event_id = e.id
WHERE COALESCE(named.n, 0) != 1`},
		{"event audit rows naming no event", `
SELECT 'audit ' || a.id || ' names event ' || COALESCE(json_extract(a.after, '$.event_id'), 'none')
FROM audit a
WHERE a.action = 'event.create'
  AND NOT EXISTS (SELECT 1 FROM events e WHERE e.id = json_extract(a.after, '$.event_id'))`},
		{"records whose status no event of theirs set", `
SELECT r.country_code || '/' || r.org_id || ' is ' || r.status || ' by event ' || r.status_event_id
FROM records r LEFT JOIN events e ON e.id = r.status_event_id
WHERE r.status_event_id != 0 AND (e.id IS NULL OR e.record_id != r.id OR e.status_after != r.status)`},
	}
	for _, c := range checks {
		rows, err := db.QueryContext(ctx, c.query)
		if err != nil {
			return fmt.Errorf("check %s: %w", c.what, err)
		}
		var found []string
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				rows.Close()
				return err
			}
			found = append(found, s)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(found) > 0 {
			problem("%s: %d, e.g. %s", c.what, len(found), strings.Join(found[:min(3, len(found))], "; "))
		}
	}
	return nil
}
