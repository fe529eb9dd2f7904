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

// ErrCorrected is returned when an event to retract or supersede was
// already retracted or superseded (it wraps ErrConflict: someone corrected
// it first). Nothing was written.
var ErrCorrected = fmt.Errorf("%w: the event was already retracted or superseded", ErrConflict)

// correctedEvent is what a correction needs to know of the event it corrects.
type correctedEvent struct {
	id       int64
	country  string
	recordID int64 // 0 for a class-level measure
	org      string
}

// eventToCorrect reads an event that may be corrected: it exists and was
// neither retracted nor superseded.
func eventToCorrect(ctx context.Context, tx *sql.Tx, id int64) (correctedEvent, error) {
	var c correctedEvent
	var done int
	err := tx.QueryRowContext(ctx, `SELECT e.id, e.country_code, COALESCE(e.record_id, 0), COALESCE(o.slug, ''),
		(SELECT COUNT(*) FROM event_corrections x WHERE x.event_id = e.id)
		FROM events e LEFT JOIN records r ON r.id = e.record_id LEFT JOIN organisations o ON o.id = r.org_id
		WHERE e.id = ?`, id).Scan(&c.id, &c.country, &c.recordID, &c.org, &done)
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("event %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return c, fmt.Errorf("read event %d: %w", id, err)
	}
	if done > 0 {
		return c, fmt.Errorf("event %d: %w", id, ErrCorrected)
	}
	return c, nil
}

// RetractEvent marks an event as entered in error, with the reason, in one
// durable transaction: the correction row (the event itself stays, as the
// history is append-only), the record re-folded without it (status, since,
// reach), the record's version, an audit row, and the domain-data version.
// A retracted event counts for nothing but stays readable on the timeline
// (EventView.Correction). A missing reason returns access.Errors; an
// unknown event ErrNotFound; an event already corrected ErrCorrected.
func (s *Store) RetractEvent(ctx context.Context, eventID int64, reason, actor string) (Recorded, error) {
	if err := access.ValidateCorrection(reason); err != nil {
		return Recorded{}, err
	}
	var out Recorded
	err := s.editData(ctx, func(tx *sql.Tx) error {
		ev, err := eventToCorrect(ctx, tx, eventID)
		if err != nil {
			return err
		}
		if err := s.insertCorrection(ctx, tx, ev, access.Retracted, 0, reason, actor); err != nil {
			return err
		}
		out.EventID = eventID
		if ev.recordID == 0 {
			return nil
		}
		rec, err := s.refold(ctx, tx, ev, actor, "record.refold")
		out.Record = rec
		return err
	})
	if err != nil {
		return Recorded{}, err
	}
	return out, nil
}

// SupersedeEvent replaces an event with a corrected one in one durable
// transaction: the new event (of the same country and organisation) is
// recorded referencing the old one (access.Event.Supersedes), the old one
// is marked superseded (it stays, readable, and counts for nothing), and
// the record is re-folded. in.ExpectedVersion is checked as RecordEvent
// does. The result is the new event and the record after it.
func (s *Store) SupersedeEvent(ctx context.Context, oldID int64, in NewEvent, reason string) (Recorded, error) {
	if err := access.ValidateCorrection(reason); err != nil {
		return Recorded{}, err
	}
	var out Recorded
	err := s.editData(ctx, func(tx *sql.Tx) error {
		old, err := eventToCorrect(ctx, tx, oldID)
		if err != nil {
			return err
		}
		if in.Event.CountryCode != old.country || in.Event.OrgSlug != old.org {
			return access.Errors{{Field: "event", Code: access.CodeOutOfRange}} // a correction stays on its record
		}
		in.Event.Supersedes = oldID
		rec, err := s.recordEventTx(ctx, tx, in)
		if err != nil {
			return err
		}
		if err := s.insertCorrection(ctx, tx, old, access.Superseded, rec.EventID, reason, in.Actor); err != nil {
			return err
		}
		out.EventID = rec.EventID
		if old.recordID == 0 {
			return nil
		}
		out.Record, err = s.refold(ctx, tx, old, in.Actor, "record.refold")
		return err
	})
	if err != nil {
		return Recorded{}, err
	}
	return out, nil
}

// insertCorrection writes the correction row and its audit row.
func (s *Store) insertCorrection(ctx context.Context, tx *sql.Tx, ev correctedEvent, kind access.CorrectionKind, byEvent int64, reason, actor string) error {
	reason = strings.TrimSpace(reason)
	if _, err := tx.ExecContext(ctx, `INSERT INTO event_corrections (event_id, kind, by_event, reason, actor, at)
		VALUES (?, ?, ?, ?, ?, ?)`, ev.id, kind, byEvent, reason, actor, timestamp(s.now())); err != nil {
		return fmt.Errorf("record the correction: %w", err)
	}
	after := map[string]any{"kind": kind, "reason": reason}
	if byEvent != 0 {
		after["by_event"] = byEvent
	}
	return s.audit(ctx, tx, actor, "event."+string(kind), "event", strconv.FormatInt(ev.id, 10), nil, after)
}

// refold brings the record of a corrected event up to date: its state
// folded again from the public events that still count, one version on,
// audited under action.
func (s *Store) refold(ctx context.Context, tx *sql.Tx, ev correctedEvent, actor, action string) (*access.RecordView, error) {
	var orgID int64
	if err := tx.QueryRowContext(ctx, `SELECT org_id FROM records WHERE id = ?`, ev.recordID).Scan(&orgID); err != nil {
		return nil, fmt.Errorf("read record: %w", err)
	}
	before, err := recordRowInTx(ctx, tx, ev.country, orgID)
	if err != nil {
		return nil, fmt.Errorf("read record: %w", err)
	}
	org, _, err := orgInTx(ctx, tx, ev.org)
	if err != nil {
		return nil, fmt.Errorf("find organisation: %w", err)
	}
	country, err := countryInTx(ctx, tx, ev.country)
	if err != nil {
		return nil, fmt.Errorf("find country: %w", err)
	}
	before.OrgSlug, before.Org, before.CountryName, before.Region = org.Slug, org, country.Name, country.Region
	events, err := foldInputs(ctx, tx, ev.recordID)
	if err != nil {
		return nil, fmt.Errorf("read timeline: %w", err)
	}
	after := before
	after.RecordState = asStored(access.Fold(events))
	after.Version, after.UpdatedAt, after.UpdatedBy = before.Version+1, parseTimestamp(timestamp(s.now())), actor
	if err := updateRecord(ctx, tx, after, before.Version); err != nil {
		return nil, err
	}
	if err := markPrivacy(ctx, tx, ev.recordID); err != nil {
		return nil, err
	}
	key := ev.country + "/" + ev.org
	if err := s.audit(ctx, tx, actor, action, "record", key, recordAudit(before, 0), recordAudit(after, 0)); err != nil {
		return nil, err
	}
	return &after, nil
}
