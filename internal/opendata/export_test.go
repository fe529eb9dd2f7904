package opendata_test

import (
	"context"
	"testing"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/opendata"
	"github.com/accesswatch/accesswatch/internal/store"
	"github.com/accesswatch/accesswatch/internal/storetest"
)

func TestRecordsCSVCarriesTheSourcesOfTheStatus(t *testing.T) {
	st, _ := storetest.OpenSeeded(t)
	rows, err := opendata.RecordRows(context.Background(), st, store.RecordFilter{Country: "NER", Sort: store.SortCountry, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	_, total, _ := st.Records(context.Background(), store.RecordFilter{Country: "NER", Limit: 1})
	if len(rows) != total || total < 2 {
		t.Fatalf("%d rows for %d NER records (Limit must be ignored)", len(rows), total)
	}
	for _, r := range rows {
		if r.Record.OrgSlug != "icrc" {
			continue
		}
		if r.Record.Status != access.StatusExpelled || r.CountryName != "Niger" || r.Region != "Africa" || r.Org.Acronym != "ICRC" {
			t.Errorf("ICRC row: %+v", r)
		}
		if len(r.StatusSources) == 0 || r.StatusSources[0].URL == "" {
			t.Errorf("ICRC row has no status source: %+v", r.StatusSources)
		}
		return
	}
	t.Error("no ICRC row")
}
