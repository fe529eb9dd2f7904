package metrics

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

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
accesswatch_presence_confirmed_timestamp_seconds{country="NER",org="icrc"} %d
`, unix("2025-06-05"), unix("2025-06-05")))
	// No editor reviewed the bundled data: no "reviewed" series at all.
	if n := gatherAndCount(t, c, "accesswatch_presence_reviewed_timestamp_seconds"); n != 0 {
		t.Errorf("%d reviewed series on data no editor reviewed", n)
	}

	// Niger as a whole: ICRC expelled, Acted, APBE and INSO banned, the UN
	// coordinator's office unknown; the reach of APBE and INSO is unknown,
	// so they have no reach series rather than a false zero. Both figures
	// are cumulative: one series, basis "cumulative". presence_recorded is
	// no status change. The class-level restriction of 2023 and suspension
	// of Nov 2025 are in force. At the store's clock (1 Mar 2026), every
	// record but the ICRC's has gone over a year unconfirmed.
	compare(t, only(c, "country", "NER"), stateSet("NER", "acted", access.StatusBanned)+stateSet("NER", "apbe", access.StatusBanned)+
		stateSet("NER", "icrc", access.StatusExpelled)+stateSet("NER", "inso", access.StatusBanned)+stateSet("NER", "un-rco", access.StatusUnknown)+`
accesswatch_beneficiaries_lost{country="NER",org="acted"} 1e+06
accesswatch_beneficiaries_lost{country="NER",org="icrc"} 2e+06
accesswatch_country_beneficiaries_lost{basis="cumulative",country="NER"} 3e+06
accesswatch_class_measures{country="NER",status="restricted"} 1
accesswatch_class_measures{country="NER",status="suspended"} 1
accesswatch_records_due_for_review{country="NER"} 4
accesswatch_measures_past_end{country="NER"} 0
`+perStatus("accesswatch_organisations", "NER", map[access.Status]int{access.StatusBanned: 3, access.StatusExpelled: 1, access.StatusUnknown: 1})+
		perStatus("accesswatch_status_changes_total", "NER", map[access.Status]int{
			access.StatusBanned: 3, access.StatusOrderedToLeave: 1, access.StatusExpelled: 1}))

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
accesswatch_country_beneficiaries_lost{basis="cumulative",country="NER"} 2e+06
`+perStatus("accesswatch_organisations", "NER", map[access.Status]int{
		access.StatusOperating: 1, access.StatusBanned: 2, access.StatusExpelled: 1, access.StatusUnknown: 1})+
		perStatus("accesswatch_status_changes_total", "NER", map[access.Status]int{
			access.StatusOperating: 1, access.StatusBanned: 3, access.StatusOrderedToLeave: 1, access.StatusExpelled: 1}))
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
accesswatch_country_beneficiaries_lost{basis="cumulative",country="NER"} 2e+06
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
		"accesswatch_presence_status_changed_timestamp_seconds", "accesswatch_presence_reviewed_timestamp_seconds",
		"accesswatch_presence_confirmed_timestamp_seconds", "accesswatch_organisation_info"} {
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
accesswatch_country_beneficiaries_lost{basis="cumulative",country="NER"} 3e+06
`)
}

// A country's lost reach is one series per basis, never a mixed sum.
func TestDomainCountryLostPerBasis(t *testing.T) {
	src := &fakeSource{}
	annual := record("SDN", "msf", access.StatusExpelled, 200_000)
	annual.ReachBasis = access.ReachAnnual
	src.set(store.MetricsData{Records: []store.MetricsRecord{
		record("SDN", "icrc", access.StatusExpelled, 2_000_000), annual, record("SDN", "oxfam", access.StatusOperating, 600_000),
		record("SDN", "nrc", access.StatusExpelled, 0), // no figure: counted nowhere
	}}, nil)
	c := domainScrapes(t, src, false)
	compare(t, only(c, "country", "SDN"), `
accesswatch_country_beneficiaries_lost{basis="annual",country="SDN"} 200000
accesswatch_country_beneficiaries_lost{basis="cumulative",country="SDN"} 2e+06
`)
}

// Retracting a status change neither lowers accesswatch_status_changes_total
// nor leaves a series of the retracted state: the correction is counted
// apart.
func TestDomainRetraction(t *testing.T) {
	st, _ := storetest.OpenSeeded(t)
	c := domainScrapes(t, st, true)
	ctx := context.Background()
	acted, err := st.Record(ctx, "NER", "acted")
	if err != nil {
		t.Fatal(err)
	}
	wrong, err := st.RecordEvent(ctx, store.NewEvent{Event: access.Event{CountryCode: "NER", OrgSlug: "acted",
		Date: access.MustParseDate("2026-02-20"), Type: access.EventOrderToLeaveIssued, StatusAfter: access.StatusExpelled,
		InitiatedBy: access.InitiatedByAuthority, Sources: []access.Source{{Publisher: "Rumour", URL: "https://rumour.example/", Type: access.SourceNews}}},
		ExpectedVersion: acted.Version, Actor: "editor1"})
	if err != nil {
		t.Fatal(err)
	}
	compare(t, only(c, "country", "NER", "status", "expelled"), `
accesswatch_organisations{country="NER",status="expelled"} 2
accesswatch_status_changes_total{country="NER",status="expelled"} 2
accesswatch_status_change_corrections_total{country="NER",status="expelled"} 0
`)
	if _, err := st.RetractEvent(ctx, wrong.EventID, "entered in error", "editor1"); err != nil {
		t.Fatal(err)
	}
	compare(t, only(c, "country", "NER", "status", "expelled"), `
accesswatch_organisations{country="NER",status="expelled"} 1
accesswatch_status_changes_total{country="NER",status="expelled"} 2
accesswatch_status_change_corrections_total{country="NER",status="expelled"} 1
`)
	compare(t, only(c, "country", "NER", "org", "acted"), stateSet("NER", "acted", access.StatusBanned)+`
accesswatch_beneficiaries_lost{country="NER",org="acted"} 1e+06
accesswatch_presence_flagged{country="NER",org="acted"} 1
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

// Time-dependent series follow the calendar without a data change: when a
// deadline passes, the next day's scrape reads the data again.
func TestDomainFollowsTheDay(t *testing.T) {
	st, clock := storetest.OpenSeeded(t)
	c := domainScrapes(t, st, false)
	// Palestine: the orders to cease operations by 1 Mar 2026 (MSF, Oxfam,
	// ...) have not passed on the store's first day.
	before := gatherAndCount(t, only(c, "country", "PSE"), "accesswatch_measures_past_end")
	if before != 1 {
		t.Fatalf("%d past-end series for PSE", before)
	}
	value := func() float64 {
		fams, err := c.Gather()
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fams {
			if f.GetName() != "accesswatch_measures_past_end" {
				continue
			}
			for _, m := range f.GetMetric() {
				for _, l := range m.GetLabel() {
					if l.GetName() == "country" && l.GetValue() == "PSE" {
						return m.GetGauge().GetValue()
					}
				}
			}
		}
		t.Fatal("no PSE past-end series")
		return 0
	}
	if v := value(); v != 0 {
		t.Errorf("past end on 1 Mar 2026: %v", v)
	}
	clock.Advance(48 * time.Hour)
	if v := value(); v == 0 {
		t.Error("past end after the deadline: still 0")
	}
}
