package synth

import (
	"context"
	"strings"
	"testing"

	"github.com/accesswatch/accesswatch/internal/store"
	"github.com/accesswatch/accesswatch/internal/storetest"
)

func TestEventsShapeAndDeterminism(t *testing.T) {
	countries := storetest.Countries(t)
	spec := Spec{Records: 300, Events: 1200, Seed: 7, Now: storetest.Start}
	a, err := Events(spec, countries)
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != 1200 {
		t.Fatalf("%d events", len(a))
	}
	pairs := map[string]bool{}
	for _, e := range a {
		if !strings.HasPrefix(e.Event.OrgSlug, SlugPrefix) || !strings.HasPrefix(e.Event.Sources[0].URL, "https://example.org/") {
			t.Fatalf("not clearly synthetic: %+v", e.Event)
		}
		if err := e.Event.Validate(spec.Now); err != nil {
			t.Fatalf("invalid event: %v", err)
		}
		pairs[e.Event.CountryCode+"/"+e.Event.OrgSlug] = true
	}
	if len(pairs) != 300 {
		t.Errorf("%d distinct records, want 300", len(pairs))
	}
	b, _ := Events(spec, countries)
	for i := range a {
		if a[i].Event.Date != b[i].Event.Date || a[i].Event.CountryCode != b[i].Event.CountryCode || a[i].Event.Type != b[i].Event.Type {
			t.Fatal("the same seed gave different data")
		}
	}
	if _, err := Events(Spec{Records: 10, Events: 5}, countries); err == nil {
		t.Error("fewer events than records accepted")
	}
}

func TestEventsLoadIntoAStore(t *testing.T) {
	st, _ := storetest.OpenCountriesOnly(t)
	evs, err := Events(Spec{Records: 200, Events: 800, Seed: 1, Now: storetest.Start}, storetest.Countries(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.RecordEvents(context.Background(), evs); err != nil {
		t.Fatal(err)
	}
	recs, total, err := st.Records(context.Background(), store.RecordFilter{Limit: 1})
	if err != nil || total != 200 || len(recs) != 1 {
		t.Fatalf("records: %d, %v", total, err)
	}
	_, events, _ := st.Events(context.Background(), store.EventFilter{Limit: 1})
	if events != 800 {
		t.Errorf("%d events stored", events)
	}
	flagged, _, _ := st.Records(context.Background(), store.RecordFilter{FlaggedOnly: true})
	if len(flagged) == 0 || len(flagged) == 200 {
		t.Errorf("%d of 200 flagged: the mix of statuses is off", len(flagged))
	}
}
