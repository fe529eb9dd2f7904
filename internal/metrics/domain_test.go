package metrics

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/store"
	"github.com/accesswatch/accesswatch/internal/storetest"
)

// stateSet writes the expected state-set lines of one record.
func stateSet(country, org string, current access.Status) string {
	var b strings.Builder
	for _, s := range access.Statuses {
		v := 0
		if s == current {
			v = 1
		}
		fmt.Fprintf(&b, "accesswatch_presence_status{country=%q,org=%q,status=%q} %d\n", country, org, s, v)
	}
	return b.String()
}

// perStatus writes the expected lines of a per-country metric with a
// status label: one per status, zero where counts has none.
func perStatus(name, country string, counts map[access.Status]int) string {
	var b strings.Builder
	for _, s := range access.Statuses {
		fmt.Fprintf(&b, "%s{country=%q,status=%q} %d\n", name, country, s, counts[s])
	}
	return b.String()
}

func unix(date string) int64 { return access.MustParseDate(date).Start().Unix() }

func compare(t *testing.T, g prometheus.Gatherer, samples string) {
	t.Helper()
	var names []string
	for line := range strings.SplitSeq(strings.TrimSpace(samples), "\n") {
		name, _, _ := strings.Cut(strings.TrimSpace(line), "{")
		names = append(names, name)
	}
	if err := testutil.GatherAndCompare(g, expectation(t, g, samples), names...); err != nil {
		t.Error(err)
	}
}

// domainScrapes is the scrapes of a new exporter over src.
func domainScrapes(t *testing.T, src Source, perRecord bool) prometheus.Gatherer {
	t.Helper()
	return scrapes(newExporter(t, src, Options{PerRecord: perRecord}))
}

// gatherAndCount counts the series of the named families (all if none)
// that g gathers; a failed gathering fails the test.
func gatherAndCount(t *testing.T, g prometheus.Gatherer, names ...string) int {
	t.Helper()
	n, err := testutil.GatherAndCount(g, names...)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestDomainOnSeed(t *testing.T) {
	st, _ := storetest.OpenSeeded(t)
	c := domainScrapes(t, st, true)

	compare(t, only(c, "country", "NER", "org", "icrc"), stateSet("NER", "icrc", access.StatusExpelled)+fmt.Sprintf(`
accesswatch_beneficiaries_reached{country="NER",org="icrc"} 2e+06
accesswatch_beneficiaries_lost{country="NER",org="icrc"} 2e+06
accesswatch_presence_flagged{country="NER",org="icrc"} 1
accesswatch_presence_status_changed_timestamp_seconds{country="NER",org="icrc"} %d
accesswatch_presence_reviewed_timestamp_seconds{country="NER",org="icrc"} %d
`, unix("2025-06-05"), unix("2025-06-05")))

	// Niger as a whole: ICRC expelled, Acted and APBE banned; APBE's reach
	// is unknown, so it has no reach series rather than a false zero.
	compare(t, only(c, "country", "NER"), stateSet("NER", "acted", access.StatusBanned)+stateSet("NER", "apbe", access.StatusBanned)+
		stateSet("NER", "icrc", access.StatusExpelled)+`
accesswatch_beneficiaries_lost{country="NER",org="acted"} 1e+06
accesswatch_beneficiaries_lost{country="NER",org="icrc"} 2e+06
accesswatch_country_beneficiaries_lost{country="NER"} 3e+06
`+perStatus("accesswatch_organisations", "NER", map[access.Status]int{access.StatusBanned: 2, access.StatusExpelled: 1})+
		perStatus("accesswatch_status_changes_total", "NER", map[access.Status]int{
			access.StatusOperating: 2, access.StatusBanned: 2, access.StatusOrderedToLeave: 1, access.StatusExpelled: 1}))

	compare(t, only(c, "org", "icrc", "type", "red_cross_red_crescent"), `
accesswatch_organisation_info{name="International Committee of the Red Cross",org="icrc",type="red_cross_red_crescent"} 1
`)
}

func TestDomainFollowsStatusChanges(t *testing.T) {
	st, _ := storetest.OpenSeeded(t)
	c := domainScrapes(t, st, true)
	ctx := context.Background()
	// Read once, so that the change below must replace a snapshot.
	if n := gatherAndCount(t, c, "accesswatch_presence_status"); n == 0 {
		t.Fatal("no presence series on the seed")
	}

	acted, err := st.Record(ctx, "NER", "acted")
	if err != nil {
		t.Fatal(err)
	}
	_, err = st.RecordEvent(ctx, store.NewEvent{
		Event: access.Event{
			CountryCode: "NER", OrgSlug: "acted", Date: access.MustParseDate("2026-02-20"),
			Type: access.EventResumptionAuthorised, StatusAfter: access.StatusOperating, InitiatedBy: access.InitiatedByAuthority,
			Sources: []access.Source{{Publisher: "Example News", URL: "https://news.example/acted", Type: access.SourceNews}},
		},
		ExpectedVersion: acted.Version, Actor: "editor1",
	})
	if err != nil {
		t.Fatal(err)
	}

	compare(t, only(c, "country", "NER", "org", "acted"), stateSet("NER", "acted", access.StatusOperating)+fmt.Sprintf(`
accesswatch_beneficiaries_lost{country="NER",org="acted"} 0
accesswatch_presence_flagged{country="NER",org="acted"} 0
accesswatch_presence_status_changed_timestamp_seconds{country="NER",org="acted"} %d
`, unix("2026-02-20")))
	compare(t, only(c, "country", "NER"), `
accesswatch_country_beneficiaries_lost{country="NER"} 2e+06
`+perStatus("accesswatch_organisations", "NER", map[access.Status]int{
		access.StatusOperating: 1, access.StatusBanned: 1, access.StatusExpelled: 1})+
		perStatus("accesswatch_status_changes_total", "NER", map[access.Status]int{
			access.StatusOperating: 3, access.StatusBanned: 2, access.StatusOrderedToLeave: 1, access.StatusExpelled: 1}))
}

// The store has no way to delete a record (corrections are new events), so
// a fake source shows what happens when one disappears from the data.
func TestDomainDropsVanishedRecords(t *testing.T) {
	src := &fakeSource{}
	src.set(store.MetricsData{
		Records: []store.MetricsRecord{
			record("NER", "icrc", access.StatusExpelled, 2_000_000),
			record("NER", "acted", access.StatusBanned, 1_000_000),
			record("MLI", "nrc", access.StatusOperating, 500),
		},
		Orgs:         []store.MetricsOrg{{Slug: "icrc", Name: "ICRC", Type: access.OrgRedCross}, {Slug: "acted", Name: "Acted", Type: access.OrgINGO}},
		StatusEvents: []store.StatusEventCount{{Country: "NER", Status: access.StatusExpelled, Events: 1}},
	}, nil)
	c := domainScrapes(t, src, true)
	if n := gatherAndCount(t, only(c, "org", "acted"), "accesswatch_presence_status"); n != len(access.Statuses) {
		t.Fatalf("acted has %d state-set series, want %d", n, len(access.Statuses))
	}
	if n := gatherAndCount(t, only(c, "country", "MLI")); n == 0 {
		t.Fatal("MLI has no series")
	}

	src.set(store.MetricsData{
		Records:      []store.MetricsRecord{record("NER", "icrc", access.StatusExpelled, 2_000_000)},
		Orgs:         []store.MetricsOrg{{Slug: "icrc", Name: "ICRC", Type: access.OrgRedCross}},
		StatusEvents: []store.StatusEventCount{{Country: "NER", Status: access.StatusExpelled, Events: 1}},
	}, nil)
	if n := gatherAndCount(t, only(c, "org", "acted")); n != 0 {
		t.Errorf("%d series of the removed NER/acted remain", n)
	}
	if n := gatherAndCount(t, only(c, "country", "MLI")); n != 0 {
		t.Errorf("%d series of MLI remain after its only record went", n)
	}
	compare(t, only(c, "country", "NER"), stateSet("NER", "icrc", access.StatusExpelled)+`
accesswatch_country_beneficiaries_lost{country="NER"} 2e+06
`)
}

func TestDomainLint(t *testing.T) {
	st, _ := storetest.OpenSeeded(t)
	for _, perRecord := range []bool{true, false} {
		c := domainScrapes(t, st, perRecord)
		if n := gatherAndCount(t, c); n == 0 {
			t.Fatal("nothing collected")
		}
		problems, err := testutil.GatherAndLint(c)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range problems {
			t.Errorf("per-record %v: lint: %s: %s", perRecord, p.Metric, p.Text)
		}
	}
}

func TestDomainWithoutPerRecordSeries(t *testing.T) {
	st, _ := storetest.OpenSeeded(t)
	c := domainScrapes(t, st, false)
	for _, name := range []string{"accesswatch_presence_status", "accesswatch_beneficiaries_reached", "accesswatch_beneficiaries_lost", "accesswatch_presence_flagged",
		"accesswatch_presence_status_changed_timestamp_seconds", "accesswatch_presence_reviewed_timestamp_seconds", "accesswatch_organisation_info"} {
		if n := gatherAndCount(t, c, name); n != 0 {
			t.Errorf("%s: %d series with per-record series off", name, n)
		}
	}
	if n := gatherAndCount(t, only(c, "org", "icrc")); n != 0 {
		t.Errorf("%d series still name an organisation", n)
	}
	compare(t, only(c, "country", "NER", "status", "expelled"), `
accesswatch_organisations{country="NER",status="expelled"} 1
accesswatch_status_changes_total{country="NER",status="expelled"} 1
`)
	compare(t, only(c, "country", "NER"), `
accesswatch_country_beneficiaries_lost{country="NER"} 3e+06
`)
}

func TestDomainReadsOnlyWhenTheDataChanged(t *testing.T) {
	src := &fakeSource{}
	src.set(store.MetricsData{Records: []store.MetricsRecord{record("NER", "icrc", access.StatusExpelled, 2_000_000)}}, nil)
	c := domainScrapes(t, src, true)
	for range 3 {
		gatherAndCount(t, c)
	}
	if n := src.readCount(); n != 1 {
		t.Errorf("%d reads for three collections of unchanged data, want 1", n)
	}
	src.set(store.MetricsData{Records: []store.MetricsRecord{record("NER", "icrc", access.StatusWithdrawn, 2_000_000)}}, nil)
	compare(t, c, stateSet("NER", "icrc", access.StatusWithdrawn))
	if n := src.readCount(); n != 2 {
		t.Errorf("%d reads after one change, want 2", n)
	}
}

// A name that is not valid UTF-8 (it cannot come through validated input,
// but a database is only a file) neither panics nor loses the scrape.
func TestDomainSurvivesBadNames(t *testing.T) {
	src := &fakeSource{}
	src.set(store.MetricsData{
		Records: []store.MetricsRecord{record("NER", "icrc", access.StatusExpelled, 2_000_000)},
		Orgs:    []store.MetricsOrg{{Slug: "icrc", Name: "Comit\xe9 international", Type: access.OrgRedCross}},
	}, nil)
	c := domainScrapes(t, src, true)
	compare(t, only(c, "org", "icrc", "type", "red_cross_red_crescent"),
		"accesswatch_organisation_info{name=\"Comit\uFFFD international\",org=\"icrc\",type=\"red_cross_red_crescent\"} 1\n")
}
