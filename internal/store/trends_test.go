package store

import (
	"context"
	"testing"
)

func TestTrendEventsAreTheRecordEvents(t *testing.T) {
	s, _ := openSeeded(t)
	ctx := context.Background()
	full, _, err := s.Events(ctx, EventFilter{OldestFirst: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, country := range []string{"", "NER", "ZZZ"} {
		got, err := s.TrendEvents(ctx, country)
		if err != nil {
			t.Fatal(err)
		}
		var want []EventView
		for _, e := range full {
			if !e.ClassLevel() && (country == "" || e.CountryCode == country) {
				want = append(want, e)
			}
		}
		if len(got) != len(want) {
			t.Fatalf("country %q: %d trend events, want %d record events", country, len(got), len(want))
		}
		for i, e := range got {
			w := want[i]
			if e.ID != w.ID || e.CountryCode != w.CountryCode || e.OrgSlug != w.OrgSlug || e.Date != w.Date ||
				e.Type != w.Type || e.StatusAfter != w.StatusAfter || e.InitiatedBy != w.InitiatedBy || e.Verification != w.Verification {
				t.Errorf("country %q event %d: %+v, want the fields of %+v", country, i, e, w.Event)
			}
		}
	}
	if ner, _ := s.TrendEvents(ctx, "NER"); len(ner) < 5 {
		t.Errorf("only %d NER events", len(ner))
	}
}
