package store

import (
	"github.com/accesswatch/accesswatch/internal/dataset"
)

// FromRows turns rows of an events CSV into events to record without a
// version check (the seed and imports), creating organisations as needed.
func FromRows(rows []dataset.EventRow, actor string) []NewEvent {
	out := make([]NewEvent, len(rows))
	for i, r := range rows {
		in := NewEvent{Event: r.Event, ExpectedVersion: AnyVersion, Actor: actor}
		if !r.Event.ClassLevel() {
			org := r.Org
			in.Org = &org
		}
		out[i] = in
	}
	return out
}
