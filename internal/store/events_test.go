package store_test

import (
	"context"
	"testing"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/store"
	"github.com/accesswatch/accesswatch/internal/storetest"
)

func TestEventsUntilHonoursThePrecisionOfEventDates(t *testing.T) {
	ctx := context.Background()
	st, _ := storetest.OpenCountriesOnly(t)
	for _, d := range []string{"2025", "2025-06", "2025-06-30", "2025-07", "2025-07-01"} {
		_, err := st.RecordEvent(ctx, store.NewEvent{Event: access.Event{
			CountryCode: "MLI", Date: access.MustParseDate(d), Type: access.EventClassBanAnnounced,
			Sources: []access.Source{{Publisher: "Test", URL: "https://example.org/" + d, Type: access.SourceNews}},
		}, Actor: "test"})
		if err != nil {
			t.Fatal(err)
		}
	}
	dates := func(f store.EventFilter) string {
		f.OldestFirst = true
		evs, _, err := st.Events(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		for i, e := range evs {
			if i > 0 {
				got += " "
			}
			got += e.Date.ISO()
		}
		return got
	}
	// A date is in a range when the period it names starts in it.
	for until, want := range map[string]string{
		"2025-06":    "2025 2025-06 2025-06-30",
		"2025-06-30": "2025 2025-06 2025-06-30",
		"2025-07-01": "2025 2025-06 2025-06-30 2025-07 2025-07-01",
		"2025":       "2025 2025-06 2025-06-30 2025-07 2025-07-01",
		"2024":       "",
	} {
		if got := dates(store.EventFilter{Until: access.MustParseDate(until)}); got != want {
			t.Errorf("until %s: %q, want %q", until, got, want)
		}
	}
	for since, want := range map[string]string{
		"2025":       "2025 2025-06 2025-06-30 2025-07 2025-07-01",
		"2025-01-01": "2025 2025-06 2025-06-30 2025-07 2025-07-01",
		"2025-06-02": "2025-06-30 2025-07 2025-07-01",
		"2025-07-01": "2025-07 2025-07-01",
		"2026":       "",
	} {
		if got := dates(store.EventFilter{Since: access.MustParseDate(since)}); got != want {
			t.Errorf("since %s: %q, want %q", since, got, want)
		}
	}
}
