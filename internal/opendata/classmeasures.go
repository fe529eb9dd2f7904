package opendata

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/dataset"
	"github.com/accesswatch/accesswatch/internal/query"
	"github.com/accesswatch/accesswatch/internal/store"
)

// ClassMeasureSpec is what /api/v1/class-measures and
// /export/class-measures.csv accept: a country, the status a measure
// imposes, its date range, search text, and in_force (default: in force
// today; false: every measure, in force or not).
var ClassMeasureSpec = query.Spec{Strict: true, Params: []string{query.Country, query.Status, query.Since, query.Until,
	query.Text, query.InForce}}

// ClassMeasureSource is what the class-measures list reads.
type ClassMeasureSource interface {
	Events(ctx context.Context, f store.EventFilter) ([]access.EventView, int, error)
	Now() time.Time
}

// ClassMeasure is a measure against a class of organisations as it stands
// at the store's clock: the event that imposed it (with its sources and
// any correction), its state, and whether it is in force.
type ClassMeasure struct {
	Event   access.EventView
	Measure access.ClassMeasure
	InForce bool
}

// ClassMeasures lists the class-level measures a query selects, by
// country then date: those in force at the store's clock (see
// access.ClassMeasuresInForce), or with q.AnyForce every class-level event
// that imposes a measure (lifting events and statements are not
// measures). Whether a measure is in force is decided over the whole
// timeline of its country; the filters then select among the measures:
// status (the status it imposes today), since and until (its date, at
// their precision) and q, read as every other list reads it (see
// matchesText).
func ClassMeasures(ctx context.Context, src ClassMeasureSource, q query.Query) ([]ClassMeasure, error) {
	evs, _, err := src.Events(ctx, store.EventFilter{Country: q.Country, ClassLevelOnly: true, OldestFirst: true})
	if err != nil {
		return nil, fmt.Errorf("class measures: %w", err)
	}
	events := make([]access.Event, len(evs))
	for i, e := range evs {
		events[i] = e.Event
	}
	inForce := map[int64]access.ClassMeasure{}
	for _, m := range access.ClassMeasuresInForce(events, src.Now()) {
		inForce[m.Event.ID] = m
	}
	var out []ClassMeasure
	for _, e := range evs {
		m, ok := inForce[e.ID]
		if !ok {
			st, measure := access.ClassMeasureStatus(e.Event)
			if !measure || !q.AnyForce {
				continue
			}
			m = access.ClassMeasure{Event: e.Event, Status: st}
		}
		if len(q.Statuses) > 0 && !slices.Contains(q.Statuses, m.Status) {
			continue
		}
		if !q.Since.IsZero() && e.Date.Start().Before(q.Since.Start()) {
			continue
		}
		if !q.Until.IsZero() && !e.Date.Start().Before(q.Until.End()) {
			continue
		}
		if q.Text != "" && !matchesText(q, e, m.Status) {
			continue
		}
		out = append(out, ClassMeasure{Event: e, Measure: m, InForce: ok})
	}
	slices.SortStableFunc(out, func(a, b ClassMeasure) int { return strings.Compare(a.Event.CountryCode, b.Event.CountryCode) })
	return out, nil
}

// matchesText reports whether class-level event e, a measure imposing
// status, matches q's search text as the store's lists match an event
// (store's eventTextMatch and countryTextMatch): its country's name or
// code, authority, stated reason, description or a source's publisher
// holds the text, its reason or description a further word, or its
// country, status, type, instrument or reason category is one the text
// stands for (q.Match: labels in every language, so q=interdite finds the
// bans). The measures are few and already read, so the match is made here
// rather than in SQL.
func matchesText(q query.Query, e access.EventView, status access.Status) bool {
	text := strings.ToLower(q.Text)
	if matches(text, e.CountryCode, e.CountryName, e.Authority, e.Description, e.Reason) {
		return true
	}
	for _, src := range e.Sources {
		if matches(text, src.Publisher) {
			return true
		}
	}
	m := q.Match
	if slices.Contains(m.Countries, e.CountryCode) || slices.Contains(m.Statuses, status) || slices.Contains(m.Statuses, e.StatusAfter) ||
		slices.Contains(m.Events, e.Type) || slices.Contains(m.Instruments, e.Instrument) || slices.Contains(m.Reasons, e.ReasonCategory) {
		return true
	}
	for _, term := range m.Terms {
		if matches(strings.ToLower(term), e.Reason, e.Description) {
			return true
		}
	}
	return false
}

// matches reports whether any of fields holds text (lower case), whatever
// its case.
func matches(text string, fields ...string) bool {
	for _, f := range fields {
		if strings.Contains(strings.ToLower(f), text) {
			return true
		}
	}
	return false
}

// WriteClassMeasures writes the class measures q selects as the
// class-measures CSV, with its header and HXL hashtag row.
func WriteClassMeasures(ctx context.Context, src ClassMeasureSource, q query.Query, w io.Writer) error {
	ms, err := ClassMeasures(ctx, src, q)
	if err != nil {
		return fmt.Errorf("export class measures: %w", err)
	}
	rows := make([]dataset.ClassMeasureRow, len(ms))
	for i, m := range ms {
		rows[i] = dataset.ClassMeasureRow{Event: m.Event.Event, CountryName: m.Event.CountryName, Measure: m.Measure, InForce: m.InForce}
	}
	return dataset.WriteClassMeasures(w, rows, true)
}
