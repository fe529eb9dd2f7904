package store

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"strings"
	"testing"

	"github.com/accesswatch/accesswatch/internal/access"
)

func TestTrendEventsAreTheRecordEvents(t *testing.T) {
	forEachEngine(t, func(t *testing.T, eng Engine) {
		s, _ := openSeededOn(t, eng)
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
			// In no particular order: compare by entry.
			slices.SortFunc(got, func(a, b access.Event) int { return cmp.Compare(a.ID, b.ID) })
			var want []access.EventView
			for _, e := range full {
				if !e.ClassLevel() && (country == "" || e.CountryCode == country) {
					want = append(want, e)
				}
			}
			slices.SortFunc(want, func(a, b access.EventView) int { return cmp.Compare(a.ID, b.ID) })
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
	})
}

// One country's trend events are read through the events_country index,
// not by scanning every event.
func TestCountryTrendEventsUseTheIndex(t *testing.T) {
	s, _ := openSeeded(t)
	if p := queryPlan(t, s, trendEventsOfCountry, sql.Named("country", "NER")); strings.Contains(p, "SCAN e") || !strings.Contains(p, "events_country") {
		t.Errorf("a country's trend events scan every event:\n%s", p)
	}
	if p := queryPlan(t, s, trendEvents); !strings.Contains(p, "SCAN") {
		t.Errorf("no scan in reading every event? the check above proves nothing:\n%s", p)
	}
}
