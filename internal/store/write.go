package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/accesswatch/accesswatch/internal/access"
)

// AnyVersion, as NewEvent.ExpectedVersion, skips the optimistic lock (imports
// and the seed, which do not edit what someone read).
const AnyVersion int64 = -1

// NewEvent asks to add an event to the timeline.
type NewEvent struct {
	Event access.Event
	// Org is created if Event.OrgSlug names no organisation yet; nil means
	// the organisation must exist.
	Org *access.Org
	// ExpectedVersion is the record version the caller saw: 0 when it saw no
	// record (the event creates it), AnyVersion to skip the check. Ignored
	// for class-level measures.
	ExpectedVersion int64
	// Actor is who is recording it (a username, "seed", "import").
	Actor string
	// SecondEditor: a pending event waits for a second editor's
	// verification (the admin forms set it; bulk loads do not, so their
	// events count as entered).
	SecondEditor bool
	// PublishAlone is the reason an admin gives for publishing a pending
	// event without a second editor: the event is recorded verified by the
	// actor, the reason audited (see VerifyEvent). The caller checks that
	// the actor is an admin.
	PublishAlone string
}

// Recorded is what RecordEvent wrote.
type Recorded struct {
	EventID int64
	Record  *access.RecordView // the record after the event; nil for a class-level measure
}

// ConflictError is returned (wrapping ErrConflict) when the record is not at
// the version the caller expected: someone else recorded an event first.
// Nothing was written.
type ConflictError struct {
	Expected int64
	Current  *access.RecordView // nil when the record does not exist
}

func (e *ConflictError) Error() string {
	if e.Current == nil {
		return fmt.Sprintf("%s: expected version %d, but the record does not exist", ErrConflict, e.Expected)
	}
	return fmt.Sprintf("%s: expected version %d, now at %d", ErrConflict, e.Expected, e.Current.Version)
}

// Unwrap makes errors.Is(err, ErrConflict) hold.
func (e *ConflictError) Unwrap() error { return ErrConflict }

// RecordEvent adds an event and, for an organisation's event, brings its
// record up to date, in one durable transaction: the organisation (if new),
// the record (created on its first event), the event, its sources, the
// record's derived state and version, and an audit row — or nothing.
// Invalid input returns access.Errors; a stale version a *ConflictError.
func (s *Store) RecordEvent(ctx context.Context, in NewEvent) (Recorded, error) {
	var out Recorded
	err := s.editData(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = s.recordEventTx(ctx, tx, in)
		return err
	})
	if err != nil {
		return Recorded{}, err
	}
	return out, nil
}

// RecordEvents records many events in one transaction: all of them or, on
// the first error, none. Errors name the (0-based) index of the event that
// failed. For bulk loads; editors' single changes use RecordEvent.
func (s *Store) RecordEvents(ctx context.Context, ins []NewEvent) ([]Recorded, error) {
	out := make([]Recorded, 0, len(ins))
	err := s.changeData(ctx, func(tx *sql.Tx) error {
		if len(ins) == 0 {
			return errUnchanged
		}
		for i, in := range ins {
			rec, err := s.recordEventTx(ctx, tx, in)
			if err != nil {
				return &BatchError{Index: i, Err: err}
			}
			out = append(out, rec)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// BatchError says which event of a batch failed; nothing of the batch was
// written.
type BatchError struct {
	Index int
	Err   error
}

func (e *BatchError) Error() string { return fmt.Sprintf("event %d: %v", e.Index+1, e.Err) }

// Unwrap returns the event's own error (access.Errors, *ConflictError, ...).
func (e *BatchError) Unwrap() error { return e.Err }

func (s *Store) recordEventTx(ctx context.Context, tx *sql.Tx, in NewEvent) (Recorded, error) {
	ev := in.Event
	now := s.now()
	ev.EnteredBy, ev.EnteredAt = in.Actor, now
	if ev.Verification == "" {
		ev.Verification = access.Verified
	}
	if err := ev.Validate(now); err != nil {
		return Recorded{}, err
	}
	country, err := countryInTx(ctx, tx, ev.CountryCode)
	if errors.Is(err, ErrNotFound) {
		return Recorded{}, access.Errors{{Field: "country", Code: access.CodeUnknownValue}}
	}
	if err != nil {
		return Recorded{}, fmt.Errorf("find country: %w", err)
	}
	if ev.ClassLevel() {
		id, err := s.insertEvent(ctx, tx, ev, 0, 0)
		if err != nil {
			return Recorded{}, err
		}
		if err := s.awaitSecondEditor(ctx, tx, id, ev, in); err != nil {
			return Recorded{}, err
		}
		if err := s.publishAloneTx(ctx, tx, id, ev, in); err != nil {
			return Recorded{}, err
		}
		return Recorded{EventID: id}, s.audit(ctx, tx, in.Actor, "event.create", "country", ev.CountryCode, nil, eventAudit(id, ev))
	}

	org, oid, err := orgInTx(ctx, tx, ev.OrgSlug)
	if err != nil {
		return Recorded{}, fmt.Errorf("find organisation: %w", err)
	}
	if oid == 0 {
		if in.Org == nil {
			return Recorded{}, access.Errors{{Field: "org", Code: access.CodeUnknownValue}}
		}
		org = *in.Org
		org.Slug = ev.OrgSlug
		if oid, err = s.insertOrg(ctx, tx, org, in.Actor); err != nil {
			return Recorded{}, err
		}
	}

	// The record is read on its own (the country and organisation are known
	// by now) and only once: its state after the event is computed here from
	// the same values the UPDATE stores, rather than read back.
	before, err := recordRowInTx(ctx, tx, ev.CountryCode, oid)
	switch {
	case errors.Is(err, ErrNotFound):
		if in.ExpectedVersion > 0 {
			return Recorded{}, &ConflictError{Expected: in.ExpectedVersion}
		}
		before, err = insertRecord(ctx, tx, ev.CountryCode, oid, now, in.Actor)
		if err != nil {
			return Recorded{}, err
		}
	case err != nil:
		return Recorded{}, fmt.Errorf("read record: %w", err)
	}
	before.OrgSlug, before.Org, before.CountryName, before.Region = org.Slug, org, country.Name, country.Region
	if before.Version > 0 && in.ExpectedVersion != AnyVersion && in.ExpectedVersion != before.Version {
		return Recorded{}, &ConflictError{Expected: in.ExpectedVersion, Current: &before}
	}

	version := before.Version + 1
	id, err := s.insertEvent(ctx, tx, ev, before.ID, version)
	if err != nil {
		return Recorded{}, err
	}
	if err := s.awaitSecondEditor(ctx, tx, id, ev, in); err != nil {
		return Recorded{}, err
	}
	if err := s.publishAloneTx(ctx, tx, id, ev, in); err != nil {
		return Recorded{}, err
	}
	if err := markPrivacyIf(ctx, tx, before.ID, s.requireVerification); err != nil {
		return Recorded{}, err
	}
	events, err := foldInputs(ctx, tx, before.ID)
	if err != nil {
		return Recorded{}, fmt.Errorf("read timeline: %w", err)
	}
	after := before
	after.RecordState = asStored(access.Fold(events))
	after.Version, after.UpdatedAt, after.UpdatedBy = version, parseTimestamp(timestamp(now)), in.Actor
	if err := updateRecord(ctx, tx, after, before.Version); err != nil {
		return Recorded{}, err
	}
	var beforeAudit any
	if before.Version > 0 {
		beforeAudit = recordAudit(before, 0)
	}
	key := ev.CountryCode + "/" + ev.OrgSlug
	if err := s.audit(ctx, tx, in.Actor, "event.create", "record", key, beforeAudit, recordAudit(after, id)); err != nil {
		return Recorded{}, err
	}
	return Recorded{EventID: id, Record: &after}, nil
}

// insertEvent writes an event and its sources.
func (s *Store) insertEvent(ctx context.Context, tx *sql.Tx, ev access.Event, recordID, version int64) (int64, error) {
	var rid sql.NullInt64
	if recordID != 0 {
		rid = sql.NullInt64{Int64: recordID, Valid: true}
	}
	people, basis, period := reachColumns(ev.Reach)
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO events (country_code, record_id, record_version, date, type, status_after,
		initiated_by, authority, instrument, reason, reason_category, constraint_category, people, people_basis,
		people_period, presence_since, description, verification, entered_by, entered_at, people_affected, until, supersedes, note, text_lang)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		ev.CountryCode, rid, version, ev.Date.ISO(), ev.Type, ev.StatusAfter, ev.InitiatedBy, ev.Authority,
		ev.Instrument, ev.Reason, ev.ReasonCategory, ev.Constraint, people, basis, period, ev.PresenceSince,
		ev.Description, ev.Verification, ev.EnteredBy, timestamp(ev.EnteredAt), countColumn(ev.PeopleAffected),
		ev.Until.ISO(), ev.Supersedes, ev.Note, ev.TextLang).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("insert event: %w", err)
	}
	for i, src := range ev.Sources {
		_, err := tx.ExecContext(ctx, `INSERT INTO event_sources (event_id, position, publisher, url, title, date, type, archived_url)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, id, i, src.Publisher, src.URL, src.Title, src.Date.ISO(), src.Type, src.ArchivedURL)
		if err != nil {
			return 0, fmt.Errorf("insert source: %w", err)
		}
	}
	return id, nil
}

// recordAuditValues is what the audit log keeps of a record's state. The
// fields are in key order and the optional ones omitted when empty, so the
// JSON is what a map of the same values would encode to.
type recordAuditValues struct {
	EventID      int64              `json:"event_id,omitempty"`
	InitiatedBy  access.InitiatedBy `json:"initiated_by"`
	LastReviewed string             `json:"last_reviewed"`
	Reach        *int64             `json:"reach,omitempty"`
	ReachBasis   *access.ReachBasis `json:"reach_basis,omitempty"`
	Status       access.Status      `json:"status"`
	StatusSince  string             `json:"status_since"`
	Version      int64              `json:"version"`
}

// recordAudit is what the audit log keeps of a record's state.
func recordAudit(r access.RecordView, eventID int64) recordAuditValues {
	v := recordAuditValues{EventID: eventID, InitiatedBy: r.StatusInitiatedBy, LastReviewed: r.LastReviewed.ISO(),
		Status: r.Status, StatusSince: r.StatusSince.ISO(), Version: r.Version}
	if r.Reach != nil {
		v.Reach, v.ReachBasis = &r.Reach.People, &r.Reach.Basis
	}
	return v
}

// eventAudit is what the audit log keeps of a class-level measure.
func eventAudit(id int64, ev access.Event) map[string]any {
	return map[string]any{"event_id": id, "type": ev.Type, "date": ev.Date.ISO()}
}
