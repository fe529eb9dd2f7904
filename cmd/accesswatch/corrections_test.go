package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/auth"
	"github.com/accesswatch/accesswatch/internal/store"
	"github.com/accesswatch/accesswatch/internal/storetest"
)

// correctionSite is the whole site over a freshly seeded database, with an
// editor account.
type correctionSite struct {
	st  *store.Store
	url string
}

func newCorrectionSite(t *testing.T) correctionSite {
	t.Helper()
	st, _ := storetest.OpenSeeded(t)
	h, err := auth.HashPassword("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateUser(context.Background(), store.NewUser{Name: "ed", Role: access.RoleEditor, PasswordHash: h}, "test"); err != nil {
		t.Fatal(err)
	}
	return correctionSite{st: st, url: siteServer(t, st, Config{MetricsPerRecord: true}).URL}
}

// editor logs in as ed and returns a client that keeps the session and
// does not follow redirects.
func (s correctionSite) editor(t *testing.T) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.PostForm(s.url+"/admin/login", url.Values{"username": {"ed"}, "password": {"correct horse battery staple"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: %d", resp.StatusCode)
	}
	return c
}

// post sends a form and wants a 303; it returns where to.
func post(t *testing.T, c *http.Client, target string, form url.Values) string {
	t.Helper()
	resp, err := c.PostForm(target, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		var b bytes.Buffer
		b.ReadFrom(resp.Body)
		t.Fatalf("POST %s: %d\n%.2000s", target, resp.StatusCode, b.String())
	}
	return resp.Header.Get("Location")
}

// formValue reads an input's value from a page.
func formValue(t *testing.T, c *http.Client, target, name string) string {
	t.Helper()
	code, _, body := fetch(t, c, target)
	if code != http.StatusOK {
		t.Fatalf("GET %s: %d", target, code)
	}
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	v, ok := doc.Find(`input[name="` + name + `"]`).Attr("value")
	if !ok {
		t.Fatalf("%s has no %s", target, name)
	}
	return v
}

// wrongExpulsion is a made-up event that sets Acted in Niger to expelled.
func wrongExpulsion(version string) url.Values {
	return url.Values{
		"event_type": {"order_to_leave_issued"}, "status": {"expelled"}, "date": {"2026-02-25"},
		"initiated_by": {"authority"}, "authority": {"Ministry of the Interior"}, "instrument": {"decree"},
		"reason": {""}, "reason_category": {""}, "people": {""}, "people_basis": {""},
		"description": {"Made up: Acted was never expelled"}, "source_url": {"https://example.org/made-up"},
		"source_publisher": {"Nobody"}, "source_title": {"No such expulsion"}, "source_type": {"news"},
		"version": {version},
	}
}

// TestARetractedStatusLeavesNoTrace records a wrong status for Acted in
// Niger through the admin form, retracts it through the admin form, and
// compares the site with one over a database that never had it: the
// record, the events that count, the API, the records CSV, the trends and
// every domain series of /metrics, except the two counters documented to
// count what was ever recorded and corrected.
func TestARetractedStatusLeavesNoTrace(t *testing.T) {
	a, b := newCorrectionSite(t), newCorrectionSite(t)
	ctx := context.Background()
	metricsBefore := domainSeries(t, a.url)
	ed := a.editor(t)
	recordPage := a.url + "/admin/countries/NER/orgs/acted/events/new"
	post(t, ed, recordPage, wrongExpulsion(formValue(t, ed, recordPage, "version")))
	if rec, _ := a.st.Record(ctx, "NER", "acted"); rec.Status != access.StatusExpelled {
		t.Fatalf("the wrong event did not take: %s", rec.Status)
	}
	if got := domainSeries(t, a.url); got[nigerExpelled("accesswatch_status_changes_total")] != metricsBefore[nigerExpelled("accesswatch_status_changes_total")]+1 {
		t.Errorf("recording a change: %s %v → %v", nigerExpelled("accesswatch_status_changes_total"),
			metricsBefore[nigerExpelled("accesswatch_status_changes_total")], got[nigerExpelled("accesswatch_status_changes_total")])
	}
	evs, _, err := a.st.Events(ctx, store.EventFilter{Country: "NER", Org: "acted", Limit: 1})
	if err != nil || len(evs) != 1 || evs[0].StatusAfter != access.StatusExpelled {
		t.Fatalf("the wrong event: %+v %v", evs, err)
	}
	wrong := evs[0].ID
	retract := a.url + "/admin/countries/NER/orgs/acted/events/" + strconv.FormatInt(wrong, 10) + "/retract"
	if code, _, _ := fetch(t, ed, retract); code != http.StatusOK {
		t.Fatalf("confirmation step: %d", code)
	}
	if to := post(t, ed, retract, url.Values{"correction_reason": {"entered in error: no such expulsion was published"}}); !strings.HasPrefix(to, "/admin/countries/NER/orgs/acted/events/new?") {
		t.Errorf("after retracting: %q", to)
	}

	// The record, via the store.
	ra, err := a.st.Record(ctx, "NER", "acted")
	if err != nil {
		t.Fatal(err)
	}
	rb, err := b.st.Record(ctx, "NER", "acted")
	if err != nil {
		t.Fatal(err)
	}
	if ra.Status != rb.Status || ra.StatusSince != rb.StatusSince || !reflect.DeepEqual(ra.Reach, rb.Reach) || !reflect.DeepEqual(ra.RecordState, rb.RecordState) {
		t.Errorf("record after retraction:\n%+v\nnever had it:\n%+v", ra.RecordState, rb.RecordState)
	}
	// The events that count.
	if ca, cb := countingEvents(t, a.st), countingEvents(t, b.st); !reflect.DeepEqual(ca, cb) {
		t.Errorf("events that count differ:\n%v\n%v", ca, cb)
	}
	// The API.
	// The retracted event stays in the history the API lists (append-only),
	// and is all that differs.
	ja, jb := apiRecord(t, a.url), apiRecord(t, b.url)
	if evs, ok := ja["events"].([]any); ok {
		kept := slices.DeleteFunc(slices.Clone(evs), func(e any) bool {
			m, _ := e.(map[string]any)
			id, _ := m["id"].(float64)
			return int64(id) == wrong
		})
		if len(kept) != len(evs)-1 {
			t.Errorf("the API's history of the record does not list the retracted event once: %d of %d kept", len(kept), len(evs))
		}
		ja["events"] = kept
	}
	if !reflect.DeepEqual(ja, jb) {
		t.Errorf("API record:\n%v\nnever had it:\n%v", ja, jb)
	}
	// The records CSV row.
	if ca, cb := csvRow(t, a.url, "NER", "acted"), csvRow(t, b.url, "NER", "acted"); !reflect.DeepEqual(ca, cb) {
		t.Errorf("records CSV:\n%v\nnever had it:\n%v", ca, cb)
	}
	// The trends.
	ta, err := a.st.TrendEvents(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	tb, err := b.st.TrendEvents(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	now := storetest.Start
	first, last := access.MonthOf(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)), access.MonthOf(now)
	if ma, mb := access.MonthlyTrend(ta, first, last), access.MonthlyTrend(tb, first, last); !reflect.DeepEqual(ma, mb) {
		t.Errorf("monthly trend differs")
	}
	if da, db := access.CountryTrends(ta, now), access.CountryTrends(tb, now); !reflect.DeepEqual(da, db) {
		t.Errorf("country trends: %v vs %v", da["NER"], db["NER"])
	}
	// /metrics: every domain series the same, but the two counters
	// documented to count what was ever recorded and what was corrected:
	// their Niger/expelled series is one more, each.
	ma, mb := domainSeries(t, a.url), domainSeries(t, b.url)
	for _, counter := range []string{"accesswatch_status_changes_total", "accesswatch_status_change_corrections_total"} {
		k := nigerExpelled(counter)
		if ma[k] != mb[k]+1 {
			t.Errorf("%s: %v after the retraction, %v never having had it (want +1)", k, ma[k], mb[k])
		}
		delete(ma, k)
		delete(mb, k)
	}
	for k, v := range ma {
		if w, ok := mb[k]; !ok || w != v {
			t.Errorf("lingering series %s = %v (never had it: %v, present %v)", k, v, w, ok)
		}
	}
	for k, v := range mb {
		if _, ok := ma[k]; !ok {
			t.Errorf("missing series %s = %v", k, v)
		}
	}
	// The public record page still shows the event, and it no longer
	// decides the status.
	code, _, page := fetch(t, http.DefaultClient, a.url+"/countries/NER/orgs/acted")
	if code != http.StatusOK || !bytes.Contains(page, []byte("Acted was never expelled")) {
		t.Errorf("public record page: %d, the retracted event is not shown", code)
	}
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(doc.Find(`.status, .badge`).First().Text(), "Expelled") {
		t.Errorf("the public page still leads with Expelled: %q", doc.Find(`.status, .badge`).First().Text())
	}
}

// nigerExpelled is the series of a counter family for Niger, status expelled.
func nigerExpelled(family string) string { return family + `{country="NER",status="expelled"}` }

// countingEvents lists every event that counts, as comparable text.
func countingEvents(t *testing.T, st *store.Store) []string {
	t.Helper()
	evs, _, err := st.Events(context.Background(), store.EventFilter{OldestFirst: true})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range evs {
		if e.Counts() {
			out = append(out, strconv.FormatInt(e.ID, 10)+" "+e.CountryCode+"/"+e.OrgSlug+" "+e.Date.ISO()+" "+string(e.Type)+" "+string(e.StatusAfter))
		}
	}
	return out
}

// apiRecord is Acted/Niger's API answer without what a write moves on by
// itself: the record's version and when and by whom it was last written.
func apiRecord(t *testing.T, base string) map[string]any {
	t.Helper()
	code, _, body := fetch(t, http.DefaultClient, base+"/api/v1/countries/NER/orgs/acted")
	if code != http.StatusOK {
		t.Fatalf("API: %d %s", code, body)
	}
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	dropWriteStamps(m)
	return m
}

// writeStamps are the fields that say when and by whom a record was last
// written: a retraction writes it, so they differ by design.
var writeStamps = []string{"version", "updated_at", "updated_by"}

func dropWriteStamps(v any) {
	switch v := v.(type) {
	case map[string]any:
		for _, k := range writeStamps {
			delete(v, k)
		}
		for _, x := range v {
			dropWriteStamps(x)
		}
	case []any:
		for _, x := range v {
			dropWriteStamps(x)
		}
	}
}

// csvRow is a record's row of the records CSV, by column name, without the
// write stamps.
func csvRow(t *testing.T, base, country, org string) map[string]string {
	t.Helper()
	code, _, body := fetch(t, http.DefaultClient, base+"/export/records.csv")
	if code != http.StatusOK {
		t.Fatalf("records CSV: %d", code)
	}
	rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	head := rows[0]
	ci, oi := slices.Index(head, "country_code"), slices.Index(head, "org_slug")
	if ci < 0 || oi < 0 {
		t.Fatalf("records CSV header: %v", head)
	}
	for _, r := range rows[1:] {
		if r[ci] == country && r[oi] == org {
			out := map[string]string{}
			for i, h := range head {
				if !slices.Contains(writeStamps, h) {
					out[h] = r[i]
				}
			}
			return out
		}
	}
	t.Fatalf("no %s/%s row in the records CSV", country, org)
	return nil
}

// domainSeries scrapes /metrics and returns every accesswatch_ domain
// sample (series with labels → value); HTTP, build and pool series are left
// out, as they follow requests rather than the data.
func domainSeries(t *testing.T, base string) map[string]float64 {
	t.Helper()
	code, _, body := fetch(t, http.DefaultClient, base+"/metrics")
	if code != http.StatusOK {
		t.Fatalf("/metrics: %d", code)
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "accesswatch_") || !isDomainSeries(line) {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("sample %q: %v", line, err)
		}
		out[line[:i]] = v
	}
	if len(out) < 20 {
		t.Fatalf("only %d domain samples", len(out))
	}
	return out
}

// notDomain are the prefixes of series that follow requests, the process
// or the database pools rather than the data.
var notDomain = []string{"accesswatch_http_", "accesswatch_build_", "accesswatch_collector_", "accesswatch_db_", "accesswatch_sql_"}

func isDomainSeries(line string) bool {
	for _, p := range notDomain {
		if strings.HasPrefix(line, p) {
			return false
		}
	}
	return true
}

// TestASupersededStatusReadsAsTheCorrectedOne records a wrong status for
// Acted in Niger, corrects its date and status through the admin's correct
// form, and compares with a site where the right event was recorded
// directly: the record follows the corrected event, the old one is marked
// superseded, and /metrics differs only by the two counters.
func TestASupersededStatusReadsAsTheCorrectedOne(t *testing.T) {
	a, b := newCorrectionSite(t), newCorrectionSite(t)
	ctx := context.Background()
	right := func(version string) url.Values {
		v := wrongExpulsion(version)
		v.Set("event_type", "suspension_ordered")
		v.Set("status", "suspended")
		v.Set("date", "2026-02-21")
		return v
	}
	edA, edB := a.editor(t), b.editor(t)
	pageA, pageB := a.url+"/admin/countries/NER/orgs/acted/events/new", b.url+"/admin/countries/NER/orgs/acted/events/new"
	post(t, edA, pageA, wrongExpulsion(formValue(t, edA, pageA, "version")))
	post(t, edB, pageB, right(formValue(t, edB, pageB, "version")))
	evs, _, err := a.st.Events(ctx, store.EventFilter{Country: "NER", Org: "acted", Limit: 1})
	if err != nil || len(evs) != 1 {
		t.Fatal(evs, err)
	}
	wrong := evs[0].ID
	correct := a.url + "/admin/countries/NER/orgs/acted/events/" + strconv.FormatInt(wrong, 10) + "/correct"
	form := right(formValue(t, edA, correct, "version"))
	form.Set("correction_reason", "it was a suspension, on 21 February")
	post(t, edA, correct, form)

	ra, err := a.st.Record(ctx, "NER", "acted")
	if err != nil {
		t.Fatal(err)
	}
	rb, err := b.st.Record(ctx, "NER", "acted")
	if err != nil {
		t.Fatal(err)
	}
	if ra.Status != access.StatusSuspended || ra.Status != rb.Status || ra.StatusSince != rb.StatusSince || !reflect.DeepEqual(ra.Reach, rb.Reach) {
		t.Errorf("corrected: %s since %s; recorded right: %s since %s", ra.Status, ra.StatusSince, rb.Status, rb.StatusSince)
	}
	old, err := a.st.Event(ctx, wrong)
	if err != nil {
		t.Fatal(err)
	}
	if old.Correction == nil || old.Correction.Kind != access.Superseded || old.Correction.ByEvent != ra.StatusEventID {
		t.Errorf("the old event: %+v; the record's status event %d", old.Correction, ra.StatusEventID)
	}
	ma, mb := domainSeries(t, a.url), domainSeries(t, b.url)
	for _, counter := range []string{"accesswatch_status_changes_total", "accesswatch_status_change_corrections_total"} {
		k := nigerExpelled(counter)
		if ma[k] != mb[k]+1 {
			t.Errorf("%s: %v corrected, %v recorded right (want +1)", k, ma[k], mb[k])
		}
		delete(ma, k)
		delete(mb, k)
	}
	for k, v := range ma {
		if w, ok := mb[k]; !ok || w != v {
			t.Errorf("series %s = %v (recorded right: %v, present %v)", k, v, w, ok)
		}
	}
	for k, v := range mb {
		if _, ok := ma[k]; !ok {
			t.Errorf("missing series %s = %v", k, v)
		}
	}
}
