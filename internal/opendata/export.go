package opendata

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/dataset"
	"github.com/accesswatch/accesswatch/internal/store"
)

// Kinds names the CSV exports, as `accesswatch export KIND` and
// /export/KIND.csv take them.
var Kinds = []string{"records", "events", "class-measures"}

// Source is what the exports read from the database.
type Source interface {
	Records(ctx context.Context, f store.RecordFilter) ([]access.RecordView, int, error)
	Changes(ctx context.Context, f store.ChangeFilter) ([]access.EventView, int, error)
	Sources(ctx context.Context, eventIDs []int64) (map[int64][]access.Source, error)
	Events(ctx context.Context, f store.EventFilter) ([]access.EventView, int, error)
	// Now is the store's clock and ReviewAfter how long a record may go
	// unconfirmed: the records export applies the time rules with them.
	Now() time.Time
	ReviewAfter() time.Duration
}

// WriteEvents writes the events f selects as the events CSV, with its
// header and HXL hashtag rows: by date (a coarser date before the finer
// dates it contains), then in the order they were recorded. Limit, Offset
// OldestFirst and NoTotal are ignored. Importing the file into a database without
// these events records them in the same order, so exporting again yields
// the same bytes.
func WriteEvents(ctx context.Context, src Source, f store.ChangeFilter, w io.Writer) error {
	f.OldestFirst, f.Limit, f.Offset, f.NoTotal = true, 0, 0, true
	events, _, err := src.Changes(ctx, f)
	if err != nil {
		return fmt.Errorf("export events: %w", err)
	}
	rows := make([]dataset.EventRow, len(events))
	for i, e := range events {
		rows[i] = dataset.EventRow{Event: e.Event, Org: e.Org, CountryName: e.CountryName}
	}
	return dataset.WriteEvents(w, rows, true)
}

// WriteRecords writes the records f selects as the records CSV, with its
// header and HXL hashtag rows, in f.Sort order, each with the sources of
// the event that set its status. Limit and Offset are ignored.
func WriteRecords(ctx context.Context, src Source, f store.RecordFilter, w io.Writer) error {
	rows, err := recordRows(ctx, src, f)
	if err != nil {
		return err
	}
	return dataset.WriteRecords(w, rows, true)
}

func recordRows(ctx context.Context, src Source, f store.RecordFilter) ([]dataset.RecordRow, error) {
	f.Limit, f.Offset = 0, 0
	records, _, err := src.Records(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("export records: %w", err)
	}
	ids := make([]int64, 0, len(records))
	for _, r := range records {
		if r.StatusEventID != 0 {
			ids = append(ids, r.StatusEventID)
		}
	}
	sources, err := src.Sources(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("export records: %w", err)
	}
	rows := make([]dataset.RecordRow, len(records))
	now, reviewAfter := src.Now(), src.ReviewAfter()
	for i, r := range records {
		rows[i] = dataset.RecordRow{Record: r.Record, Org: r.Org, CountryName: r.CountryName, Region: r.Region,
			StatusSources: sources[r.StatusEventID], Now: now, ReviewAfter: reviewAfter}
	}
	return rows, nil
}
