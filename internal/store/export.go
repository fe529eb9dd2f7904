package store

import (
	"context"
	"fmt"

	"github.com/accesswatch/accesswatch/internal/dataset"
)

// EventRows returns the events f selects as rows of the events CSV, in
// export order: by date (a coarser date before the finer dates it contains),
// then in the order they were recorded. Limit, Offset and OldestFirst are
// ignored. Importing the rows into a database without these events records
// them in the same order, so exporting again yields the same file.
func (s *Store) EventRows(ctx context.Context, f ChangeFilter) ([]dataset.EventRow, error) {
	f.OldestFirst, f.Limit, f.Offset, f.NoTotal = true, 0, 0, true
	events, _, err := s.Changes(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("export events: %w", err)
	}
	rows := make([]dataset.EventRow, len(events))
	for i, e := range events {
		rows[i] = dataset.EventRow{Event: e.Event, Org: e.Org, CountryName: e.CountryName}
	}
	return rows, nil
}

// RecordRows returns the records f selects as rows of the records CSV, in
// f.Sort order, each with the sources of the event that set its status.
// Limit and Offset are ignored.
func (s *Store) RecordRows(ctx context.Context, f RecordFilter) ([]dataset.RecordRow, error) {
	f.Limit, f.Offset = 0, 0
	records, _, err := s.Records(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("export records: %w", err)
	}
	ids := make([]int64, 0, len(records))
	for _, r := range records {
		if r.StatusEventID != 0 {
			ids = append(ids, r.StatusEventID)
		}
	}
	sources, err := s.Sources(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("export records: %w", err)
	}
	rows := make([]dataset.RecordRow, len(records))
	for i, r := range records {
		rows[i] = dataset.RecordRow{Record: r.Record, Org: r.Org, CountryName: r.CountryName, Region: r.Region,
			StatusSources: sources[r.StatusEventID]}
	}
	return rows, nil
}
