package web

import (
	"encoding/json"
	"maps"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/accesswatch/accesswatch/internal/access"
)

// The API tells the bundled data truly (issue 15): unknown reach is null,
// never 0; sums never add figures of different bases; class-level measures
// are counted and listed; time-limited measures end and records go due for
// review.

// truthRecord is the part of a record these tests read.
type truthRecord struct {
	Country struct{ Code string } `json:"country"`
	Org     struct {
		Slug string `json:"slug"`
	} `json:"org"`
	Status      string   `json:"status"`
	Flagged     bool     `json:"flagged"`
	StatusSince *apiDate `json:"status_since"`
	Reach       *struct {
		People int64  `json:"people"`
		Basis  string `json:"basis"`
	} `json:"reach"`
	ReachLost        *int64   `json:"reach_lost"`
	DueForReview     bool     `json:"due_for_review"`
	LastReviewed     *apiDate `json:"last_reviewed"`
	LatestEvent      *apiDate `json:"latest_event"`
	StatusUntil      *apiDate `json:"status_until"`
	StatusUntilKind  *string  `json:"status_until_kind"`
	EndedUnconfirmed bool     `json:"ended_unconfirmed"`
	DeadlinePassed   bool     `json:"deadline_passed"`
}

func apiAllRecords(t *testing.T, srv *Server) []truthRecord {
	t.Helper()
	page := getJSON[apiPage[truthRecord]](t, srv, "/api/v1/records?limit=1000")
	if page.Total != len(page.Items) || page.Total < 50 {
		t.Fatalf("%d records of %d", len(page.Items), page.Total)
	}
	return page.Items
}

func TestAPIUnknownReachIsNullAndSumsKeepTheirBasis(t *testing.T) {
	srv, st := newTestServer(t)
	records := apiAllRecords(t, srv)
	// What the records say each country lost, per basis, and how many lost
	// records have a figure and how many have none.
	lost := map[string]map[string]int64{}
	with, without := map[string]int{}, map[string]int{}
	unknown := 0
	for _, r := range records {
		key := r.Country.Code + "/" + r.Org.Slug
		if r.Reach == nil {
			unknown++
			if r.ReachLost != nil {
				t.Errorf("%s: reach not reported but reach_lost %d", key, *r.ReachLost)
			}
		} else if r.ReachLost == nil || (*r.ReachLost != 0 && *r.ReachLost != r.Reach.People) {
			t.Errorf("%s: reach %d, reach_lost %v", key, r.Reach.People, r.ReachLost)
		}
		if !access.Status(r.Status).ReachLost() || r.EndedUnconfirmed {
			continue
		}
		if r.ReachLost == nil {
			without[r.Country.Code]++
			continue
		}
		with[r.Country.Code]++
		if lost[r.Country.Code] == nil {
			lost[r.Country.Code] = map[string]int64{}
		}
		lost[r.Country.Code][r.Reach.Basis] += *r.ReachLost
	}
	if unknown == 0 {
		t.Fatal("no record without a reach figure: the test proves nothing")
	}

	list := getJSON[apiPage[struct {
		Code   string    `json:"code"`
		Counts apiCounts `json:"counts"`
	}]](t, srv, "/api/v1/countries")
	bases := 0
	for _, c := range list.Items {
		want := lost[c.Code]
		if want == nil {
			want = map[string]int64{}
		}
		if !maps.Equal(c.Counts.ReachLostByBasis, want) || c.Counts.WithFigure != with[c.Code] || c.Counts.WithoutFigure != without[c.Code] {
			t.Errorf("%s: counts %+v; the records say %v over %d with a figure, %d without", c.Code, c.Counts, want, with[c.Code], without[c.Code])
		}
		for b := range c.Counts.ReachLostByBasis {
			if !access.ReachBasis(b).Valid() {
				t.Errorf("%s: %q is no basis", c.Code, b)
			}
			bases++
		}
	}
	if bases < 2 {
		t.Errorf("only %d per-basis sums over every country", bases)
	}
	// The whole data: one sum per basis, as the store's rule has it.
	summary, err := st.LostReach(t.Context(), "", 0)
	if err != nil {
		t.Fatal(err)
	}
	total := map[string]int64{}
	for _, m := range lost {
		for b, n := range m {
			total[b] += n
		}
	}
	if len(summary.ByBasis) < 2 || len(total) != len(summary.ByBasis) {
		t.Errorf("per basis %v, store %v", total, summary.ByBasis)
	}
	for b, n := range summary.ByBasis {
		if total[string(b)] != n {
			t.Errorf("%s: records add to %d, store %d", b, total[string(b)], n)
		}
	}

	// No summary publishes a mixed number any more.
	for _, target := range []string{"/api/v1/countries", "/api/v1/countries/NER", "/api/v1/orgs", "/api/v1/orgs/icrc"} {
		counts := countsOf(t, get(t, srv, target).Body.String())
		if !strings.Contains(counts, `"reach_lost_by_basis":`) || strings.Contains(counts, `"reach_lost":`) {
			t.Errorf("%s: counts %s", target, counts)
		}
	}
}

// countsOf returns the first "counts" object of a JSON body.
func countsOf(t *testing.T, body string) string {
	t.Helper()
	i := strings.Index(body, `"counts":`)
	if i < 0 {
		return ""
	}
	var raw json.RawMessage
	if err := json.NewDecoder(strings.NewReader(body[i+len(`"counts":`):])).Decode(&raw); err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

func TestAPIClassMeasuresInForce(t *testing.T) {
	srv, st := newTestServer(t)
	counts, err := st.ClassMeasureCounts(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	list := getJSON[apiPage[struct {
		Code     string `json:"code"`
		Measures int    `json:"class_measures_in_force"`
	}]](t, srv, "/api/v1/countries")
	inForce := map[string]int{}
	for _, c := range list.Items {
		if c.Measures != counts[c.Code] {
			t.Errorf("%s: %d class measures in force, store %d", c.Code, c.Measures, counts[c.Code])
		}
		inForce[c.Code] = c.Measures
	}
	for code, year := range map[string]string{"MLI": "2022", "NER": "2025-11", "PSE": "2025"} {
		if inForce[code] == 0 {
			t.Errorf("%s: no class measure in force", code)
		}
		d := getJSON[struct {
			Measures int `json:"class_measures_in_force"`
			List     []struct {
				EventID int64           `json:"event_id"`
				Date    apiDate         `json:"date"`
				Status  string          `json:"status"`
				InForce bool            `json:"in_force"`
				Sources []apiSource     `json:"sources"`
				Fix     json.RawMessage `json:"correction"`
			} `json:"class_measures"`
		}](t, srv, "/api/v1/countries/"+code)
		if d.Measures != len(d.List) || d.Measures != inForce[code] {
			t.Errorf("%s: count %d, list %d, in the list of countries %d", code, d.Measures, len(d.List), inForce[code])
		}
		found := false
		for _, m := range d.List {
			if !m.InForce || !access.Status(m.Status).Valid() || len(m.Sources) == 0 || string(m.Fix) != "null" {
				t.Errorf("%s: measure %+v", code, m)
			}
			found = found || strings.HasPrefix(m.Date.Date, year)
		}
		if !found {
			t.Errorf("%s: no measure of %s in force: %+v", code, year, d.List)
		}
	}
}

func TestAPIRecordsTellTheirTime(t *testing.T) {
	srv, _ := newTestServer(t)
	records := apiAllRecords(t, srv)
	eth, sudan2009 := 0, 0
	for _, r := range records {
		key := r.Country.Code + "/" + r.Org.Slug
		if r.EndedUnconfirmed && (r.Flagged || !r.DueForReview || r.StatusUntil == nil || r.StatusUntilKind == nil || *r.StatusUntilKind != "end") {
			t.Errorf("%s: ended unconfirmed yet %+v", key, r)
		}
		if r.DeadlinePassed && (r.StatusUntilKind == nil || *r.StatusUntilKind != "deadline") {
			t.Errorf("%s: deadline passed, until kind %v", key, r.StatusUntilKind)
		}
		if (r.StatusUntil == nil) != (r.StatusUntilKind == nil) {
			t.Errorf("%s: status_until %v, kind %v", key, r.StatusUntil, r.StatusUntilKind)
		}
		if r.LatestEvent == nil {
			t.Errorf("%s: no latest event", key)
		}
		switch {
		case key == "ETH/msf-holland" || key == "ETH/nrc":
			eth++
			if !r.EndedUnconfirmed || r.Flagged || !r.DueForReview || r.ReachLost != nil && *r.ReachLost != 0 ||
				r.StatusSince == nil || !strings.HasPrefix(r.StatusSince.Date, "2021") {
				t.Errorf("%s: the 2021 suspension should read as ended, not confirmed: %+v", key, r)
			}
		case r.Country.Code == "SDN" && r.StatusSince != nil && strings.HasPrefix(r.StatusSince.Date, "2009"):
			sudan2009++
			if !r.DueForReview {
				t.Errorf("%s: status of 2009 not due for review", key)
			}
		}
	}
	if eth != 2 || sudan2009 == 0 {
		t.Errorf("found %d Ethiopian suspensions of 2021, %d Sudanese records of 2009", eth, sudan2009)
	}
}

// The records CSV says what the API says: an unknown reach and its loss are
// empty cells, never 0; the time columns agree with the records' JSON.
func TestRecordsCSVTellsTheTruth(t *testing.T) {
	srv, _ := newTestServer(t)
	rows := getCSV(t, srv, "/export/records.csv")
	byKey := map[string]truthRecord{}
	for _, r := range apiAllRecords(t, srv) {
		byKey[r.Country.Code+"/"+r.Org.Slug] = r
	}
	if len(rows)-2 != len(byKey) {
		t.Fatalf("%d rows, %d records", len(rows)-2, len(byKey))
	}
	cols := map[string][]string{}
	for _, name := range []string{"country_code", "org_slug", "people_reached", "people_lost", "flagged", "due_for_review",
		"latest_event", "status_until", "status_until_kind", "ended_unconfirmed", "deadline_passed"} {
		cols[name] = column(t, rows, name)
	}
	empty := 0
	for i := range cols["org_slug"] {
		key := cols["country_code"][i] + "/" + cols["org_slug"][i]
		r, ok := byKey[key]
		if !ok {
			t.Errorf("%s: not in the API", key)
			continue
		}
		cell := func(name string) string { return cols[name][i] }
		if (cell("people_reached") == "") != (cell("people_lost") == "") || (cell("people_reached") == "") != (r.Reach == nil) {
			t.Errorf("%s: people_reached %q, people_lost %q", key, cell("people_reached"), cell("people_lost"))
		}
		if cell("people_reached") == "" {
			empty++
		}
		if r.ReachLost != nil && cell("people_lost") != strconv.FormatInt(*r.ReachLost, 10) {
			t.Errorf("%s: people_lost %q, API %d", key, cell("people_lost"), *r.ReachLost)
		}
		for name, want := range map[string]bool{"flagged": r.Flagged, "due_for_review": r.DueForReview,
			"ended_unconfirmed": r.EndedUnconfirmed, "deadline_passed": r.DeadlinePassed} {
			if cell(name) != strconv.FormatBool(want) {
				t.Errorf("%s: %s %q, API %v", key, name, cell(name), want)
			}
		}
		dateCell := func(d *apiDate) string {
			if d == nil {
				return ""
			}
			return d.Date
		}
		kind := ""
		if r.StatusUntilKind != nil {
			kind = *r.StatusUntilKind
		}
		if cell("latest_event") != dateCell(r.LatestEvent) || cell("status_until") != dateCell(r.StatusUntil) || cell("status_until_kind") != kind {
			t.Errorf("%s: time cells %q %q %q, API %+v", key, cell("latest_event"), cell("status_until"), cell("status_until_kind"), r)
		}
		if key == "ETH/nrc" && (cell("ended_unconfirmed") != "true" || cell("flagged") != "false") {
			t.Errorf("ETH/nrc: %v", rows[i+2])
		}
	}
	if empty == 0 {
		t.Error("no row without a reach figure: the test proves nothing")
	}
}

type apiClassMeasure struct {
	EventID int64 `json:"event_id"`
	Country struct {
		Code string `json:"code"`
	} `json:"country"`
	Date        apiDate     `json:"date"`
	Status      string      `json:"status"`
	InForce     bool        `json:"in_force"`
	Description *string     `json:"description"`
	Sources     []apiSource `json:"sources"`
}

func TestAPIClassMeasuresList(t *testing.T) {
	srv, st := newTestServer(t)
	counts, err := st.ClassMeasureCounts(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, n := range counts {
		want += n
	}
	type list struct {
		Total int               `json:"total"`
		Items []apiClassMeasure `json:"items"`
	}
	inForce := getJSON[list](t, srv, "/api/v1/class-measures")
	if inForce.Total != want || len(inForce.Items) != want || want == 0 {
		t.Fatalf("%d measures listed, %d in force by country", inForce.Total, want)
	}
	seen := map[string]int{}
	for _, m := range inForce.Items {
		if !m.InForce || len(m.Sources) == 0 {
			t.Errorf("measure %+v", m)
		}
		seen[m.Country.Code]++
	}
	for _, code := range []string{"MLI", "NER", "PSE"} {
		if seen[code] != counts[code] || seen[code] == 0 {
			t.Errorf("%s: %d listed, %d in force", code, seen[code], counts[code])
		}
	}
	all := getJSON[list](t, srv, "/api/v1/class-measures?in_force=false")
	ended := 0
	for _, m := range all.Items {
		if !m.InForce {
			ended++
		}
	}
	if all.Total != len(all.Items) || all.Total-ended != want || ended == 0 {
		t.Errorf("in_force=false: %d measures, %d not in force; %d in force", all.Total, ended, want)
	}
	// Each filter keeps what it says, and only that.
	for target, keep := range map[string]func(apiClassMeasure) bool{
		"/api/v1/class-measures?country=NER&in_force=false": func(m apiClassMeasure) bool { return m.Country.Code == "NER" },
		"/api/v1/class-measures?status=banned":              func(m apiClassMeasure) bool { return m.Status == "banned" && m.InForce },
		"/api/v1/class-measures?since=2025&until=2025-12":   func(m apiClassMeasure) bool { return m.Date.Date >= "2025" && m.Date.Date < "2026" && m.InForce },
		"/api/v1/class-measures?q=mali&in_force=false": func(m apiClassMeasure) bool {
			return m.Country.Code == "MLI" || m.Description != nil && strings.Contains(strings.ToLower(*m.Description), "mali")
		},
		// a status's label in French, as every list reads q
		"/api/v1/class-measures?q=suspendue&in_force=false": func(m apiClassMeasure) bool { return m.Status == "suspended" },
	} {
		got := getJSON[list](t, srv, target)
		base := inForce.Items
		if strings.Contains(target, "in_force=false") {
			base = all.Items
		}
		n := 0
		for _, m := range base {
			if keep(m) {
				n++
			}
		}
		if got.Total != len(got.Items) || n == 0 {
			t.Errorf("%s: %d listed, %d expected", target, got.Total, n)
		}
		for _, m := range got.Items {
			if !keep(m) {
				t.Errorf("%s: %+v", target, m)
			}
		}
		if (!strings.Contains(target, "q=") || strings.Contains(target, "q=suspendue")) && got.Total != n {
			t.Errorf("%s: %d listed, %d expected", target, got.Total, n)
		}
	}
	for _, bad := range []string{"/api/v1/class-measures?in_force=maybe", "/api/v1/class-measures?org=icrc", "/api/v1/class-measures?country=XXX"} {
		getProblem(t, srv, bad, http.StatusBadRequest)
	}

	// The export holds the same measures, with its HXL row.
	rows := getCSV(t, srv, "/export/class-measures.csv?in_force=false")
	if len(rows)-2 != all.Total || rows[1][0] != "#country+code" {
		t.Fatalf("%d CSV rows for %d measures; HXL row %v", len(rows)-2, all.Total, rows[1])
	}
	ids, flags := column(t, rows, "event_id"), column(t, rows, "in_force")
	for i, m := range all.Items {
		if ids[i] != strconv.FormatInt(m.EventID, 10) || flags[i] != strconv.FormatBool(m.InForce) {
			t.Errorf("row %d: event %s in force %s; API %d %v", i, ids[i], flags[i], m.EventID, m.InForce)
		}
	}
}

// A retracted event stays listed, marked, and counts for nothing: not for
// the record, not among the class measures in force.
func TestAPICorrectedEventsAreMarkedAndNotCounted(t *testing.T) {
	srv, st := newTestServer(t)
	ctx := t.Context()
	rec, err := st.Record(ctx, "NER", "icrc")
	if err != nil || rec.StatusEventID == 0 {
		t.Fatalf("NER/icrc: %+v %v", rec, err)
	}
	measures := getJSON[struct {
		Items []apiClassMeasure `json:"items"`
	}](t, srv, "/api/v1/class-measures?country=MLI")
	if len(measures.Items) == 0 {
		t.Fatal("no class measure in force in Mali")
	}
	ban := measures.Items[0].EventID
	for _, id := range []int64{rec.StatusEventID, ban} {
		if _, err := st.RetractEvent(ctx, id, "entered in error: wrong country", "admin"); err != nil {
			t.Fatal(err)
		}
	}
	type marked struct {
		ID         int64 `json:"id"`
		Correction *struct {
			Kind       string `json:"kind"`
			Date       string `json:"date"`
			Reason     string `json:"reason"`
			ReplacedBy *int64 `json:"replaced_by"`
		} `json:"correction"`
	}
	check := func(target string, events []marked) {
		t.Helper()
		found := 0
		for _, e := range events {
			if e.ID == rec.StatusEventID || e.ID == ban {
				found++
				if c := e.Correction; c == nil || c.Kind != "retracted" || c.Reason != "entered in error: wrong country" ||
					c.ReplacedBy != nil || c.Date != st.Now().UTC().Format(time.DateOnly) {
					t.Errorf("%s: event %d correction %+v", target, e.ID, c)
				}
			} else if e.Correction != nil {
				t.Errorf("%s: event %d marked corrected", target, e.ID)
			}
		}
		if found == 0 {
			t.Errorf("%s: the retracted event is no longer listed", target)
		}
	}
	check("/api/v1/events?country=NER", getJSON[apiPage[marked]](t, srv, "/api/v1/events?country=NER&limit=1000").Items)
	check("/api/v1/events?country=MLI", getJSON[apiPage[marked]](t, srv, "/api/v1/events?country=MLI&limit=1000").Items)
	r := getJSON[struct {
		StatusSince *apiDate `json:"status_since"`
		Events      []marked `json:"events"`
	}](t, srv, "/api/v1/countries/NER/orgs/icrc")
	check("record NER/icrc", r.Events)
	if r.StatusSince != nil && r.StatusSince.Date == rec.StatusSince.ISO() {
		t.Errorf("NER/icrc still has its status from the retracted event: %+v", r.StatusSince)
	}
	after := getJSON[struct {
		Items []apiClassMeasure `json:"items"`
	}](t, srv, "/api/v1/class-measures?country=MLI&in_force=false")
	for _, m := range after.Items {
		if m.EventID == ban && m.InForce {
			t.Errorf("the retracted ban is still in force: %+v", m)
		}
	}
	c := getJSON[struct {
		Measures int `json:"class_measures_in_force"`
	}](t, srv, "/api/v1/countries/MLI")
	if c.Measures != len(measures.Items)-1 {
		t.Errorf("MLI: %d class measures in force after the retraction, %d before", c.Measures, len(measures.Items))
	}
}
