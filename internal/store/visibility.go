package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/accesswatch/accesswatch/internal/access"
)

// The visibility rule. While verification is required, an event that
// awaits verification is private: no public read shows it (pages, API,
// CSV, feed, metrics), and a record's derived state (status, reach, ...)
// is folded from its public events only. The rule is materialised, so that
// every read path obeys it with one condition rather than restating it:
//
//   - table private_events lists the private events; public event reads
//     carry `e.id NOT IN privateEvents` (publicEvent below);
//   - records.private is 1 for a record whose every event is private (a
//     record an unverified event created); public record reads carry
//     `r.private = 0` (publicRecord below).
//
// The store keeps both in step with its setting: when it opens with a
// different setting than the database was last served with (syncVisibility),
// when an event is recorded (recordEventTx) and when one is verified
// (VerifyEvent). When verification is not required the table is empty and
// every event is public at once (shown as awaiting verification).

// VerificationRule says whether unverified events are public.
type VerificationRule int

// Verification rules. The zero value keeps the database's own setting, for
// commands that do not serve (import, export, backup, user).
const (
	KeepVerificationRule VerificationRule = iota
	PublishUnverified                     // unverified events are public at once, marked awaiting verification
	RequireVerification                   // unverified events stay private until a second editor verifies them
)

// SQL fragments of the visibility rule, for public reads. e is the events
// alias, r the records alias.
const (
	privateEvents = `(SELECT event_id FROM private_events)`
	publicEvent   = `(e.id NOT IN ` + privateEvents + `)`
	publicRecord  = `r.private = 0`
)

// metaRequireVerification is the meta key that holds the rule the database
// was last opened with ("1" required, "0" not).
const metaRequireVerification = "require_verification"

// RequiresVerification reports whether unverified events stay private.
func (s *Store) RequiresVerification() bool { return s.requireVerification }

// syncVisibility brings the database in line with rule: it stores the
// rule, fills or empties private_events, and re-folds every record whose
// public events changed, in one transaction that moves the data version
// when anything changed.
func (s *Store) syncVisibility(ctx context.Context, rule VerificationRule) error {
	var stored string
	err := s.writer.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, metaRequireVerification).Scan(&stored)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("read verification rule: %w", err)
	}
	switch rule {
	case KeepVerificationRule:
		s.requireVerification = stored == "1"
		return nil
	case RequireVerification:
		s.requireVerification = true
	default:
		s.requireVerification = false
	}
	want := "0"
	if s.requireVerification {
		want = "1"
	}
	if stored == want {
		return nil
	}
	return s.changeData(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES (?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, metaRequireVerification, want); err != nil {
			return fmt.Errorf("store verification rule: %w", err)
		}
		var changed []int64
		if s.requireVerification {
			changed, err = int64s(ctx, tx, `SELECT DISTINCT COALESCE(record_id, 0) FROM events e WHERE `+unverified)
			if err == nil {
				_, err = tx.ExecContext(ctx, `INSERT INTO private_events (event_id) SELECT e.id FROM events e WHERE `+unverified+` ON CONFLICT (event_id) DO NOTHING`)
			}
		} else {
			changed, err = int64s(ctx, tx, `SELECT DISTINCT COALESCE(e.record_id, 0) FROM events e JOIN private_events p ON p.event_id = e.id`)
			if err == nil {
				_, err = tx.ExecContext(ctx, `DELETE FROM private_events`)
			}
		}
		if err != nil {
			return fmt.Errorf("apply verification rule: %w", err)
		}
		if len(changed) == 0 {
			return errOnlyAudit // the rule is stored; no public data changed
		}
		for _, id := range changed {
			if id == 0 {
				continue
			}
			if _, err := s.refoldRecord(ctx, tx, id, "system", "record.visibility"); err != nil {
				return err
			}
		}
		return nil
	})
}

// effectiveVerification is an event's (alias e) verification state: as
// entered, or verified once confirmed.
const effectiveVerification = `CASE WHEN e.verification = 'pending' AND e.id IN (SELECT event_id FROM event_verifications)
	THEN 'verified' ELSE e.verification END`

// unverified selects the events (alias e) that wait for a second editor.
const unverified = `e.id IN (SELECT event_id FROM awaiting_verification)`

// pendingUnconfirmed selects the events (alias e) entered pending and not
// verified since (bundled or imported ones included).
const pendingUnconfirmed = `e.verification = 'pending' AND e.id NOT IN (SELECT event_id FROM event_verifications)`

func int64s(ctx context.Context, tx *sql.Tx, query string, args ...any) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var n int64
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// markPrivacy sets records.private for a record: 1 when it has events and
// every one is private.
func markPrivacy(ctx context.Context, tx *sql.Tx, recordID int64) error {
	return markPrivacyIf(ctx, tx, recordID, true)
}

// markPrivacyIf is markPrivacy when needed is set. While verification is
// not required no event is private (syncVisibility made every record
// public when the rule changed), so the write path skips the update.
func markPrivacyIf(ctx context.Context, tx *sql.Tx, recordID int64, needed bool) error {
	if !needed {
		return nil
	}
	_, err := tx.ExecContext(ctx, `UPDATE records SET private = CASE WHEN
		EXISTS (SELECT 1 FROM events WHERE record_id = records.id)
		AND NOT EXISTS (SELECT 1 FROM events e WHERE e.record_id = records.id AND `+publicEvent+`)
		THEN 1 ELSE 0 END
		WHERE id = ?`, recordID)
	if err != nil {
		return fmt.Errorf("mark record privacy: %w", err)
	}
	return nil
}

// refoldRecord folds a record again from its public events that still
// count, one version on, and audits the change under action.
func (s *Store) refoldRecord(ctx context.Context, tx *sql.Tx, recordID int64, actor, action string) (*access.RecordView, error) {
	var country, slug string
	err := tx.QueryRowContext(ctx, `SELECT r.country_code, o.slug FROM records r JOIN organisations o ON o.id = r.org_id
		WHERE r.id = ?`, recordID).Scan(&country, &slug)
	if err != nil {
		return nil, fmt.Errorf("read record %d: %w", recordID, err)
	}
	return s.refold(ctx, tx, correctedEvent{country: country, recordID: recordID, org: slug}, actor, action)
}

// ErrOwnEntry is returned when an editor tries to verify an event they
// entered themselves; ErrAlreadyVerified when the event needs no
// verification. Nothing was written.
var (
	ErrOwnEntry        = errors.New("an editor cannot verify their own entry")
	ErrAlreadyVerified = fmt.Errorf("%w: the event is already verified", ErrConflict)
)

// VerifyEvent records that actor confirmed an event another editor
// entered, in one durable transaction: the verification row, the event
// made public (when verification is required), its record re-folded, an
// audit row, and the data version. alone is the reason an admin gives for
// publishing an event without a second editor ("" for a second editor's
// verification); with a reason, the actor may be the one who entered it
// (the caller checks the actor is an admin). It returns ErrNotFound,
// ErrAlreadyVerified, ErrOwnEntry, or access.Errors for a bad reason.
func (s *Store) VerifyEvent(ctx context.Context, eventID int64, actor, alone string) (Recorded, error) {
	alone = strings.TrimSpace(alone)
	var out Recorded
	err := s.editData(ctx, func(tx *sql.Tx) error {
		var ev access.Event
		var recordID int64
		var corrected int
		err := tx.QueryRowContext(ctx, `SELECT e.entered_by, COALESCE(e.record_id, 0),
			CASE WHEN `+pendingUnconfirmed+` THEN 'pending' ELSE 'verified' END,
			(SELECT COUNT(*) FROM event_corrections x WHERE x.event_id = e.id)
			FROM events e WHERE e.id = ?`, eventID).Scan(&ev.EnteredBy, &recordID, &ev.Verification, &corrected)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("event %d: %w", eventID, ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("read event %d: %w", eventID, err)
		}
		if corrected > 0 {
			return fmt.Errorf("event %d: %w", eventID, ErrCorrected)
		}
		switch access.CanVerify(ev, actor) {
		case "verified":
			return fmt.Errorf("event %d: %w", eventID, ErrAlreadyVerified)
		case "own":
			if alone == "" {
				return fmt.Errorf("event %d: %w", eventID, ErrOwnEntry)
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO event_verifications (event_id, actor, at, reason) VALUES (?, ?, ?, ?)`,
			eventID, actor, timestamp(s.now()), alone); err != nil {
			return fmt.Errorf("record the verification: %w", err)
		}
		if err := publishTx(ctx, tx, eventID); err != nil {
			return err
		}
		action, after := "event.verify", map[string]any{"entered_by": ev.EnteredBy}
		if alone != "" {
			action, after["reason"] = "event.publish_alone", alone
		}
		if err := s.audit(ctx, tx, actor, action, "event", strconv.FormatInt(eventID, 10), nil, after); err != nil {
			return err
		}
		out.EventID = eventID
		if recordID == 0 {
			return nil
		}
		out.Record, err = s.refoldRecord(ctx, tx, recordID, actor, "record.refold")
		return err
	})
	if err != nil {
		return Recorded{}, err
	}
	return out, nil
}

// publishAloneTx records, for a pending event recorded with a reason to
// publish it alone (NewEvent.PublishAlone), the actor's verification with
// the reason, makes the event public, and audits it.
func (s *Store) publishAloneTx(ctx context.Context, tx *sql.Tx, id int64, ev access.Event, in NewEvent) error {
	reason := strings.TrimSpace(in.PublishAlone)
	if reason == "" || ev.Verification != access.Pending {
		return nil
	}
	if err := access.ValidatePublishAlone(reason); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO event_verifications (event_id, actor, at, reason) VALUES (?, ?, ?, ?)`,
		id, in.Actor, timestamp(s.now()), reason); err != nil {
		return fmt.Errorf("record the verification: %w", err)
	}
	if err := publishTx(ctx, tx, id); err != nil {
		return err
	}
	return s.audit(ctx, tx, in.Actor, "event.publish_alone", "event", strconv.FormatInt(id, 10), nil,
		map[string]any{"entered_by": in.Actor, "reason": reason})
}

// publishTx takes a verified event off the verification queue and makes
// it public.
func publishTx(ctx context.Context, tx *sql.Tx, id int64) error {
	for _, q := range []string{`DELETE FROM awaiting_verification WHERE event_id = ?`, `DELETE FROM private_events WHERE event_id = ?`} {
		if _, err := tx.ExecContext(ctx, q, id); err != nil {
			return fmt.Errorf("publish the event: %w", err)
		}
	}
	return nil
}

// awaitingVerificationQuery counts, per country, the events waiting for a
// second editor that no correction has replaced.
const awaitingVerificationQuery = `SELECT e.country_code, COUNT(*) FROM events e
	WHERE ` + unverified + ` AND e.id NOT IN (SELECT event_id FROM event_corrections)
	GROUP BY e.country_code ORDER BY e.country_code`

// awaitSecondEditor queues a pending event an editor entered for a second
// editor's verification, private meanwhile when verification is required.
func (s *Store) awaitSecondEditor(ctx context.Context, tx *sql.Tx, id int64, ev access.Event, in NewEvent) error {
	if !in.SecondEditor || ev.Verification != access.Pending {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO awaiting_verification (event_id) VALUES (?)`, id); err != nil {
		return fmt.Errorf("queue the event for verification: %w", err)
	}
	if s.requireVerification {
		if _, err := tx.ExecContext(ctx, `INSERT INTO private_events (event_id) VALUES (?)`, id); err != nil {
			return fmt.Errorf("keep the event private: %w", err)
		}
	}
	return nil
}
