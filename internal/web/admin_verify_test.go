package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/accesswatch/accesswatch/internal/metrics"
	"github.com/accesswatch/accesswatch/internal/store"
	"github.com/accesswatch/accesswatch/internal/storetest"
)

// publicOutputs are the public pages, API answers, exports, feed and
// metrics an event of Acted in Niger could show on.
var publicOutputs = []string{
	"/", "/countries/NER", "/countries/NER/orgs/acted", "/orgs/acted", "/changes", "/changes.atom",
	"/api/v1/events?country=NER&org=acted", "/api/v1/countries/NER/orgs/acted", "/api/v1/records?country=NER",
	"/export/events.csv", "/export/events.csv?country=NER&org=acted", "/export/records.csv", "/metrics",
}

// publicHits returns the public outputs whose body contains marker.
func publicHits(t *testing.T, h http.Handler, marker string) []string {
	t.Helper()
	var hits []string
	for _, target := range publicOutputs {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, target, nil))
		if w.Code != http.StatusOK {
			t.Fatalf("GET %s: %d", target, w.Code)
		}
		if strings.Contains(w.Body.String(), marker) {
			hits = append(hits, target)
		}
	}
	return hits
}

// verifyFixture is an admin fixture whose server also serves /metrics,
// over a seeded store opened with the given verification rule.
func verifyFixture(t *testing.T, rule store.VerificationRule) (*adminFixture, http.Handler) {
	t.Helper()
	st, clock := storetest.OpenSeededWith(t, store.Options{Verification: rule})
	exp, err := metrics.New(st, metrics.Options{PerRecord: true})
	if err != nil {
		t.Fatal(err)
	}
	f := newAdminFixtureOver(t, st, clock, Options{Metrics: exp.Handler()})
	f.addUser("bea", "editor")
	return f, exp.Instrument(f.srv)
}

// threeSourceEvent is the event form for Acted in Niger with three
// sources (a news report, an organisation statement with an archived
// copy, an internal report) and a private note.
func threeSourceEvent(version, note string) url.Values {
	v := actedEvent(version)
	v.Set("description", "Three-source resumption of Acted in Niger")
	v.Set("sources", "3")
	v.Set("source_url_2", "https://example.org/acted-statement")
	v.Set("source_publisher_2", "Acted Second Source")
	v.Set("source_type_2", "organisation_statement")
	v.Set("source_archived_url_2", "https://web.archive.org/web/2026/https://example.org/acted-statement")
	v.Set("internal_report_3", "1")
	v.Set("source_title_3", "Third source: call with the country office")
	v.Set("note", note)
	return v
}

func TestAddAnotherSourceKeepsEverythingTypedAndWritesNothing(t *testing.T) {
	f := newAdminFixture(t)
	c := f.login("ed")
	before := f.checksum()
	form := actedEvent(f.actedVersion())
	form.Set("note", "ask the country office")
	form.Set("add_source", "1")
	w := f.post("/admin/countries/NER/orgs/acted/events/new", form, c)
	if w.Code != http.StatusOK {
		t.Fatalf("add a source: %d", w.Code)
	}
	body := w.Body.String()
	for _, want := range []string{`name="source_url_2"`, `value="https://example.org/acted-niger"`, `value="Example News"`,
		"Authorisation restored by decree", "ask the country office", `name="sources" value="2"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the form with one more row lacks %s", want)
		}
	}
	if strings.Contains(body, `name="source_url_3"`) {
		t.Error("two rows were added for one click")
	}
	if f.checksum() != before {
		t.Error("adding a source row wrote to the database")
	}
	// A row count no form sends is refused, and nothing written.
	form.Set("sources", "99")
	if w := f.post("/admin/countries/NER/orgs/acted/events/new", form, c); w.Code != http.StatusBadRequest {
		t.Errorf("sources=99: %d", w.Code)
	}
	if f.checksum() != before {
		t.Error("a refused form wrote to the database")
	}
}

func TestSourceRowProblemsAreNamedByRow(t *testing.T) {
	f := newAdminFixture(t)
	c := f.login("ed")
	before := f.checksum()
	form := actedEvent(f.actedVersion())
	form.Set("sources", "2")
	form.Set("source_url_2", "ftp://example.org/not-web")
	form.Set("source_publisher_2", "Second")
	w := f.post("/admin/countries/NER/orgs/acted/events/new", form, c)
	if w.Code != http.StatusUnprocessableEntity {
		t.Fatalf("a bad second source: %d", w.Code)
	}
	if body := w.Body.String(); !strings.Contains(body, "Source 2") || !strings.Contains(body, `id="f-source_url_2"`) ||
		!strings.Contains(body, `value="ftp://example.org/not-web"`) {
		t.Errorf("the problem is not shown at the second source's URL:\n%s", body)
	}
	if f.checksum() != before {
		t.Error("an invalid form wrote to the database")
	}
}

func TestVerificationBySecondEditorOverHTTP(t *testing.T) {
	f, h := verifyFixture(t, store.RequireVerification)
	ed, bea := f.login("ed"), f.login("bea")
	const marker = "Acted Second Source"
	w := f.post("/admin/countries/NER/orgs/acted/events/new", threeSourceEvent(f.actedVersion(), "private-note-marker"), ed)
	if w.Code != http.StatusSeeOther || !strings.Contains(w.Header().Get("Location"), "event_submitted") {
		t.Fatalf("submit for verification: %d %s", w.Code, w.Header().Get("Location"))
	}
	if hits := publicHits(t, h, marker); len(hits) != 0 {
		t.Errorf("an unverified event shows on %v", hits)
	}
	ev, _, err := f.st.Events(context.Background(), store.EventFilter{Country: "NER", Org: "acted", IncludePrivate: true, Limit: 1})
	if err != nil || len(ev) != 1 || len(ev[0].Sources) != 3 || !ev[0].Private {
		t.Fatalf("the submitted event: %+v %v", ev, err)
	}
	id := ev[0].ID
	verifyURL := fmt.Sprintf("/admin/events/%d/verify", id)

	// Ed cannot verify his own entry: 403, a clear message, nothing written.
	before := f.checksum()
	w = f.post(verifyURL, url.Values{}, ed)
	if w.Code != http.StatusForbidden || !strings.Contains(w.Body.String(), "cannot verify your own entry") {
		t.Errorf("own verification: %d %s", w.Code, w.Body.String())
	}
	// Nor may an editor publish alone.
	if w := f.post(verifyURL, url.Values{"publish_reason": {"trust me"}}, ed); w.Code != http.StatusForbidden {
		t.Errorf("an editor publishing alone: %d", w.Code)
	}
	if f.checksum() != before {
		t.Error("a refused verification wrote to the database")
	}
	// Bea sees it in her queue, not Ed in his.
	if body := f.get("/admin/", bea).Body.String(); !strings.Contains(body, fmt.Sprintf(`data-verify="%d"`, id)) {
		t.Error("the event is not in the second editor's queue")
	}
	if body := f.get("/admin/", ed).Body.String(); strings.Contains(body, fmt.Sprintf(`data-verify="%d"`, id)) {
		t.Error("the author is offered to verify his own entry")
	}
	w = f.post(verifyURL, url.Values{}, bea)
	if w.Code != http.StatusSeeOther || !strings.Contains(w.Header().Get("Location"), "event_verified") {
		t.Fatalf("bea verifies: %d %s", w.Code, w.Body.String())
	}
	hits := publicHits(t, h, marker)
	for _, want := range []string{"/countries/NER/orgs/acted", "/changes", "/changes.atom", "/api/v1/events?country=NER&org=acted",
		"/export/events.csv"} {
		if !strings.Contains(strings.Join(hits, " "), want) {
			t.Errorf("the verified event's second source is not on %s (found on %v)", want, hits)
		}
	}
	if w := f.post(verifyURL, url.Values{}, bea); w.Code != http.StatusConflict {
		t.Errorf("verifying twice: %d", w.Code)
	}
	// The note stayed private throughout.
	if hits := publicHits(t, h, "private-note-marker"); len(hits) != 0 {
		t.Errorf("the private note shows on %v", hits)
	}
}

func TestPrivateNoteIsOnNoPublicOutput(t *testing.T) {
	f, h := verifyFixture(t, store.PublishUnverified)
	ed := f.login("ed")
	const note = "NOTE-7f3a: call Mr X on +227 00 00 00, doubts about the date"
	w := f.post("/admin/countries/NER/orgs/acted/events/new", threeSourceEvent(f.actedVersion(), note), ed)
	if w.Code != http.StatusSeeOther {
		t.Fatalf("publish: %d %s", w.Code, w.Body.String())
	}
	// Published at once (awaiting verification): the event is public...
	if hits := publicHits(t, h, "Three-source resumption"); len(hits) < 5 {
		t.Errorf("the published event shows on %v only", hits)
	}
	if body := f.get("/countries/NER/orgs/acted", nil).Body.String(); !strings.Contains(body, "Awaiting verification") {
		t.Error("the public record page does not say the event awaits verification")
	}
	// ...its note is on none of the public outputs, whole or in part...
	for _, part := range []string{"NOTE-7f3a", "+227 00 00 00"} {
		if hits := publicHits(t, h, part); len(hits) != 0 {
			t.Errorf("the private note (%q) shows on %v", part, hits)
		}
	}
	// ...and editors see it on the record's admin page.
	if body := f.get("/admin/countries/NER/orgs/acted/events/new", ed).Body.String(); !strings.Contains(body, "NOTE-7f3a") {
		t.Error("the editors' record page does not show the note")
	}
}

func TestConflictKeepsEverySourceRow(t *testing.T) {
	f := newAdminFixture(t)
	c := f.login("ed")
	stale := f.actedVersion()
	if w := f.post("/admin/countries/NER/orgs/acted/events/new", actedEvent(stale), f.login("ada")); w.Code != http.StatusSeeOther {
		t.Fatalf("first save: %d", w.Code)
	}
	before := f.checksum()
	w := f.post("/admin/countries/NER/orgs/acted/events/new", threeSourceEvent(stale, "keep me"), c)
	if w.Code != http.StatusConflict {
		t.Fatalf("stale save: %d", w.Code)
	}
	for _, want := range []string{`value="Acted Second Source"`, `value="Third source: call with the country office"`, "keep me",
		`name="sources" value="3"`} {
		if !strings.Contains(w.Body.String(), want) {
			t.Errorf("the 409 form lost %s", want)
		}
	}
	if f.checksum() != before {
		t.Error("a stale save wrote to the database")
	}
}
