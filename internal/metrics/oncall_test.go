package metrics

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/store"
)

// The series alerts read to name things and to tell news from history:
// country names, the reach with its basis, the latest class measure, and
// zero status-change counters for a country that has no record yet.
func TestSeriesForAlertAnnotations(t *testing.T) {
	src := &fakeSource{}
	ner := record("NER", "icrc", access.StatusExpelled, 2_000_000)
	src.set(store.MetricsData{
		Records: []store.MetricsRecord{ner},
		Orgs:    []store.MetricsOrg{{Slug: "icrc", Name: "ICRC", Type: access.OrgType("red_cross_red_crescent")}},
		Countries: []store.MetricsCountry{
			{Code: "MLI", Name: "Mali", Region: "Africa"},
			{Code: "NER", Name: "Niger", Region: "Africa"},
			{Code: "TCD", Name: "Chad", Region: "Africa"},
		},
		ClassMeasures: []store.ClassMeasureCount{
			{Country: "MLI", Status: access.StatusBanned, Measures: 2, Latest: access.MustParseDate("2026-11-20")},
		},
	}, nil)
	g := domainScrapes(t, src, true)
	compare(t, g, `
accesswatch_country_info{country="MLI",name="Mali",region="Africa"} 1
accesswatch_country_info{country="NER",name="Niger",region="Africa"} 1
accesswatch_country_info{country="TCD",name="Chad",region="Africa"} 1
accesswatch_presence_reach{basis="cumulative",country="NER",org="icrc"} 2e+06
accesswatch_class_measure_latest_timestamp_seconds{country="MLI",status="banned"} `+strconv.FormatInt(unix("2026-11-20"), 10))
	// Chad has no record and no event, yet every status has a counter at
	// 0, so that its first change is an increase; nothing else of Chad.
	compare(t, only(g, "country", "TCD"), perStatus("accesswatch_status_changes_total", "TCD", nil))
	if n := gatherAndCount(t, only(g, "country", "TCD"), "accesswatch_status_change_corrections_total", "accesswatch_organisations"); n != 0 {
		t.Errorf("%d correction or organisation series for a country without records", n)
	}
	// Not counted by the store: no gauge at all, rather than a false 0.
	if n := gatherAndCount(t, g, "accesswatch_events_awaiting_verification"); n != 0 {
		t.Errorf("%d awaiting-verification series without a count", n)
	}
}

// When the store counts events awaiting verification, every country with
// data gets the gauge, 0 included.
func TestAwaitingVerificationGauge(t *testing.T) {
	src := &fakeSource{}
	src.set(store.MetricsData{
		Records: []store.MetricsRecord{
			record("NER", "icrc", access.StatusExpelled, 0),
			record("SDN", "msf", access.StatusOperating, 0),
		},
		AwaitingVerification: []store.CountryCount{{Country: "NER", Count: 3}},
	}, nil)
	compare(t, domainScrapes(t, src, false), `
accesswatch_events_awaiting_verification{country="NER"} 3
accesswatch_events_awaiting_verification{country="SDN"} 0`)
}

// pingSource is a fakeSource whose database answers or not.
type pingSource struct {
	*fakeSource
	err error
}

func (p pingSource) Ping(context.Context) error { return p.err }

// The public URL and the database's readiness are on every scrape.
func TestSiteInfoAndDatabaseReady(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{{nil, "accesswatch_database_ready 1"}, {errors.New("disk gone"), "accesswatch_database_ready 0"}} {
		src := pingSource{fakeSource: &fakeSource{}, err: tc.err}
		e := newExporter(t, src, Options{PublicURL: "https://access.example.org"})
		body := scrape(t, e.Handler()).Body.String()
		for _, want := range []string{tc.want + "\n", `accesswatch_site_info{public_url="https://access.example.org"} 1` + "\n"} {
			if !strings.Contains(body, want) {
				t.Errorf("ping error %v: scrape lacks %q", tc.err, want)
			}
		}
	}
	// A source that cannot be pinged has no readiness gauge.
	e := newExporter(t, &fakeSource{}, Options{})
	if body := scrape(t, e.Handler()).Body.String(); strings.Contains(body, "accesswatch_database_ready") {
		t.Error("readiness reported for a source without Ping")
	}
}

// Under --require-verification the events awaiting a second editor are
// private: a public /metrics does not tell how many there are, a
// token-protected one does.
func TestAwaitingVerificationPrivateNeedsAToken(t *testing.T) {
	data := store.MetricsData{
		Records:              []store.MetricsRecord{record("NER", "icrc", access.StatusExpelled, 0)},
		AwaitingVerification: []store.CountryCount{{Country: "NER", Count: 2}},
		AwaitingArePrivate:   true,
	}
	const series = `accesswatch_events_awaiting_verification{country="NER"} 2`
	src := &fakeSource{}
	src.set(data, nil)
	public := newExporter(t, src, Options{})
	if body := scrape(t, public.Handler()).Body.String(); strings.Contains(body, "accesswatch_events_awaiting_verification") {
		t.Error("a public /metrics counts private entries")
	}
	const token = "a-long-enough-metrics-token-for-tests"
	protected := newExporter(t, src, Options{Token: token})
	if body := scrape(t, protected.Handler(), "Authorization", "Bearer "+token).Body.String(); !strings.Contains(body, series) {
		t.Errorf("a token-protected /metrics lacks %q", series)
	}
}
