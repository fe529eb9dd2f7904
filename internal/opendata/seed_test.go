package opendata_test

import (
	"context"
	"testing"

	"github.com/accesswatch/accesswatch/internal/opendata"
	"github.com/accesswatch/accesswatch/internal/store"
	"github.com/accesswatch/accesswatch/internal/storetest"
)

// A new database is loaded with the bundled data by the same reading and
// checking an import does, once: a second start loads nothing.
func TestInitialiseLoadsTheBundledDataOnce(t *testing.T) {
	ctx := context.Background()
	st, _ := storetest.Open(t)
	loaded, n, err := opendata.Initialise(ctx, st, true)
	if err != nil || !loaded {
		t.Fatalf("first start: loaded %v, %v", loaded, err)
	}
	countries, _ := st.Countries(ctx)
	_, events, _ := st.Events(ctx, store.EventFilter{Limit: 1})
	if n.Countries != len(countries) || n.Countries < 200 || n.Events != events || n.Events != len(storetest.SeedRows(t)) {
		t.Errorf("loaded %+v; the database holds %d countries and %d events", n, len(countries), events)
	}
	if rec, err := st.Record(ctx, "NER", "icrc"); err != nil || rec.Status != "expelled" {
		t.Errorf("ICRC in Niger: %+v, %v", rec.Status, err)
	}
	before := storetest.Checksum(t, st)
	if loaded, n, err := opendata.Initialise(ctx, st, true); err != nil || loaded || n != (opendata.Loaded{}) {
		t.Errorf("second start: loaded %v %+v, %v", loaded, n, err)
	}
	if storetest.Checksum(t, st) != before {
		t.Error("a second start changed the database")
	}
}

func TestInitialiseWithoutCases(t *testing.T) {
	ctx := context.Background()
	st, _ := storetest.Open(t)
	loaded, n, err := opendata.Initialise(ctx, st, false)
	if err != nil || !loaded || n.Events != 0 || n.Countries < 200 {
		t.Fatalf("loaded %v %+v, %v", loaded, n, err)
	}
	if _, events, _ := st.Events(ctx, store.EventFilter{Limit: 1}); events != 0 {
		t.Errorf("%d events without the cases", events)
	}
}
