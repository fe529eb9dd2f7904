package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/store"
	"github.com/accesswatch/accesswatch/internal/web/admin"
)

// wrongActedEvent is a made-up event that sets Acted in Niger to expelled.
func wrongActedEvent(version string) url.Values {
	v := actedEvent(version)
	v.Set("event_type", "order_to_leave_issued")
	v.Set("status", "expelled")
	v.Set("date", "2026-02-25")
	v.Set("description", "Made up: no such expulsion")
	return v
}

// newestActedEvent is the ID of Acted/Niger's newest event.
func (f *adminFixture) newestActedEvent() int64 {
	f.t.Helper()
	evs, _, err := f.st.Events(context.Background(), store.EventFilter{Country: "NER", Org: "acted", Limit: 1})
	if err != nil || len(evs) != 1 {
		f.t.Fatalf("newest event: %v %v", evs, err)
	}
	return evs[0].ID
}

func TestRetractingAnEventThroughTheAdminForm(t *testing.T) {
	f := newAdminFixture(t)
	ed := f.login("ed")
	before, err := f.st.Record(context.Background(), "NER", "acted")
	if err != nil {
		t.Fatal(err)
	}
	if w := f.post("/admin/countries/NER/orgs/acted/events/new", wrongActedEvent(f.actedVersion()), ed); w.Code != http.StatusSeeOther {
		t.Fatalf("record the wrong event: %d %s", w.Code, problemsOf(w.Body.String()))
	}
	id := f.newestActedEvent()
	recordPage := "/admin/countries/NER/orgs/acted/events/new"
	retract := "/admin/countries/NER/orgs/acted/events/" + strconv.FormatInt(id, 10) + "/retract"

	// The record's admin page offers Retract and Correct on the event.
	item := parse(t, f.get(recordPage, ed)).Find(`#timeline li[data-event="` + strconv.FormatInt(id, 10) + `"]`)
	if href, _ := item.Find(`a[href$="/retract"]`).Attr("href"); href != retract {
		t.Fatalf("retract link %q; item %q", href, item.Text())
	}
	if item.Find(`a[href$="/correct"]`).Length() != 1 {
		t.Errorf("no correct link on %q", item.Text())
	}
	// The confirmation step explains and asks for the reason.
	confirm := parse(t, f.get(retract, ed))
	if confirm.Find(`form[action="`+retract+`"] textarea[name="correction_reason"]`).Length() != 1 ||
		!strings.Contains(confirm.Text(), "entered in error") {
		t.Fatalf("confirmation page: %q", confirm.Find("main").Text())
	}

	// No reason: 422 with the message at the field, nothing written.
	sum := f.checksum()
	w := f.post(retract, url.Values{"correction_reason": {"   "}}, ed)
	if w.Code != http.StatusUnprocessableEntity {
		t.Fatalf("blank reason: %d", w.Code)
	}
	if msg := parse(t, w).Find(`#f-correction_reason`).AttrOr("aria-invalid", ""); msg != "true" {
		t.Errorf("the reason field is not marked invalid: %s", problemsOf(w.Body.String()))
	}
	if f.checksum() != sum {
		t.Error("a refused retraction changed the database")
	}
	// A field no form sends: 400, nothing written.
	if w := f.post(retract, url.Values{"correction_reason": {"x"}, "actor": {"mallory"}}, ed); w.Code != http.StatusBadRequest || f.checksum() != sum {
		t.Errorf("unexpected field: %d", w.Code)
	}

	w = f.post(retract, url.Values{"correction_reason": {"entered in error: no such expulsion"}}, ed)
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != recordPage+"?done=event_retracted" {
		t.Fatalf("retract: %d → %q %s", w.Code, w.Header().Get("Location"), problemsOf(w.Body.String()))
	}
	after, err := f.st.Record(context.Background(), "NER", "acted")
	if err != nil {
		t.Fatal(err)
	}
	if after.Status != before.Status || after.StatusSince != before.StatusSince || after.UpdatedBy != "ed" {
		t.Errorf("after retraction: %s since %s by %s; before: %s since %s", after.Status, after.StatusSince, after.UpdatedBy, before.Status, before.StatusSince)
	}
	ev, err := f.st.Event(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if ev.Correction == nil || ev.Correction.Kind != access.Retracted || ev.Correction.By != "ed" || ev.Correction.Reason != "entered in error: no such expulsion" {
		t.Fatalf("correction stored: %+v", ev.Correction)
	}
	// The record's page confirms, shows the state and no more actions.
	page := parse(t, f.get(w.Header().Get("Location"), ed))
	if n := page.Find(".notice").Text(); !strings.Contains(n, "Event retracted") {
		t.Errorf("notice %q", n)
	}
	item = page.Find(`#timeline li[data-event="` + strconv.FormatInt(id, 10) + `"]`)
	if st := item.Find(".correction-state").Text(); !strings.Contains(st, "Retracted") || !strings.Contains(st, "by ed") ||
		!strings.Contains(st, "no such expulsion") || item.Find(`a[href$="/retract"], a[href$="/correct"]`).Length() != 0 {
		t.Errorf("corrected item: %q", item.Text())
	}

	// Retracting again: 409 with the reason, nothing written.
	sum = f.checksum()
	w = f.post(retract, url.Values{"correction_reason": {"again"}}, ed)
	if w.Code != http.StatusConflict || !strings.Contains(w.Body.String(), "no such expulsion") || f.checksum() != sum {
		t.Errorf("second retraction: %d %s", w.Code, problemsOf(w.Body.String()))
	}
	// Correcting a retracted event: 409 too.
	correct := "/admin/countries/NER/orgs/acted/events/" + strconv.FormatInt(id, 10) + "/correct"
	if w := f.get(correct, ed); w.Code != http.StatusConflict {
		t.Errorf("correct form of a retracted event: %d", w.Code)
	}
	// An event of another record, through this record's path: 404.
	other, _, _ := f.st.Events(context.Background(), store.EventFilter{Country: "NER", Org: "icrc", Limit: 1})
	if w := f.get("/admin/countries/NER/orgs/acted/events/"+strconv.FormatInt(other[0].ID, 10)+"/retract", ed); w.Code != http.StatusNotFound {
		t.Errorf("another record's event: %d", w.Code)
	}
}

func TestCorrectingAnEventThroughTheAdminForm(t *testing.T) {
	f := newAdminFixture(t)
	ed := f.login("ada") // an admin may correct as an editor may
	if w := f.post("/admin/countries/NER/orgs/acted/events/new", wrongActedEvent(f.actedVersion()), ed); w.Code != http.StatusSeeOther {
		t.Fatalf("record the event: %d %s", w.Code, problemsOf(w.Body.String()))
	}
	id := f.newestActedEvent()
	correct := "/admin/countries/NER/orgs/acted/events/" + strconv.FormatInt(id, 10) + "/correct"
	doc := parse(t, f.get(correct, ed))
	form := doc.Find(`form[action="` + correct + `"]`)
	if form.Length() != 1 {
		t.Fatalf("no correct form: %s", doc.Find("main").Text())
	}
	// The form is pre-filled from the event.
	values := url.Values{}
	for _, name := range []string{"date", "authority", "source_url", "version"} {
		v, _ := form.Find(`input[name="` + name + `"]`).Attr("value")
		values.Set(name, v)
	}
	if values.Get("date") != "2026-02-25" || values.Get("source_url") != "https://example.org/acted-niger" || values.Get("version") != f.actedVersion() {
		t.Fatalf("pre-filled: %v", values)
	}
	if st := form.Find(`select[name="status"] option[selected]`).AttrOr("value", ""); st != "expelled" {
		t.Errorf("status pre-filled as %q", st)
	}

	// The editor fixes the date and the status; without a reason: 422.
	in := wrongActedEvent(f.actedVersion())
	in.Set("status", "suspended")
	in.Set("event_type", "suspension_ordered")
	in.Set("date", "2026-02-21")
	sum := f.checksum()
	if w := f.post(correct, in, ed); w.Code != http.StatusUnprocessableEntity || f.checksum() != sum ||
		parse(t, w).Find(`#f-correction_reason`).AttrOr("aria-invalid", "") != "true" {
		t.Fatalf("no reason: %d %s", w.Code, problemsOf(w.Body.String()))
	}
	in.Set("correction_reason", "wrong date and status: it was a suspension")
	w := f.post(correct, in, ed)
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/admin/countries/NER/orgs/acted/events/new?done=event_corrected" {
		t.Fatalf("correct: %d → %q %s", w.Code, w.Header().Get("Location"), problemsOf(w.Body.String()))
	}
	rec, err := f.st.Record(context.Background(), "NER", "acted")
	if err != nil {
		t.Fatal(err)
	}
	if rec.Status != access.StatusSuspended || rec.StatusSince.ISO() != "2026-02-21" {
		t.Errorf("the record does not follow the corrected event: %s since %s", rec.Status, rec.StatusSince)
	}
	old, err := f.st.Event(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if old.Correction == nil || old.Correction.Kind != access.Superseded || old.Correction.ByEvent == 0 || old.Correction.By != "ada" {
		t.Fatalf("old event: %+v", old.Correction)
	}
	newID := old.Correction.ByEvent
	if nev, err := f.st.Event(context.Background(), newID); err != nil || nev.Supersedes != id || nev.Date.ISO() != "2026-02-21" ||
		nev.StatusAfter != access.StatusSuspended || nev.Authority != "Ministry of the Interior" {
		t.Errorf("new event: %+v %v", nev, err)
	}
	page := parse(t, f.get("/admin/countries/NER/orgs/acted/events/new", ed))
	if st := page.Find(`#timeline li[data-event="` + strconv.FormatInt(id, 10) + `"] .correction-state`).Text(); !strings.Contains(st, "Superseded") {
		t.Errorf("old event's state %q", st)
	}
	// A stale form (the record moved on): 409, nothing written.
	sum = f.checksum()
	newCorrect := "/admin/countries/NER/orgs/acted/events/" + strconv.FormatInt(newID, 10) + "/correct"
	w = f.post(newCorrect, in, ed)
	if w.Code != http.StatusConflict || f.checksum() != sum {
		t.Fatalf("stale version: %d", w.Code)
	}
	if v := parse(t, w).Find(`form[action="`+newCorrect+`"] input[name="version"]`).AttrOr("value", ""); v != f.actedVersion() {
		t.Errorf("the 409 form is at version %q, the record at %s", v, f.actedVersion())
	}
}

// The retract and correct posts are bounded and protected like every form:
// an oversized body is read up to the limit and refused (the retract form
// comes back with its message at the reason; the correct form, cut before
// its hidden version, as a request no form sends), a cross-site post 403,
// and nothing is written.
func TestCorrectionPostsAreBoundedAndSameOrigin(t *testing.T) {
	f := newAdminFixture(t)
	ed := f.login("ed")
	id := strconv.FormatInt(f.newestActedEvent(), 10)
	sum := f.checksum()
	for _, action := range []string{"retract", "correct"} {
		path := "/admin/countries/NER/orgs/acted/events/" + id + "/" + action
		big := url.Values{"correction_reason": {strings.Repeat("x", admin.MaxFormBytes)}}
		want := map[string]int{"retract": http.StatusUnprocessableEntity, "correct": http.StatusBadRequest}[action]
		if w := f.post(path, big, ed); w.Code != want {
			t.Errorf("%s: oversized form: %d, want %d", action, w.Code, want)
		} else if action == "retract" && !strings.Contains(parse(t, w).Find(`#f-correction_reason`).Parent().Text(), "keep it to 4000 characters") {
			t.Errorf("retract: oversized form without a message at the field")
		}
		w := f.do(request{method: http.MethodPost, target: path, form: url.Values{"correction_reason": {"entered in error"}}, cookie: ed,
			header: map[string]string{"Sec-Fetch-Site": "cross-site"}})
		if w.Code != http.StatusForbidden {
			t.Errorf("%s: cross-site post: %d", action, w.Code)
		}
	}
	if f.checksum() != sum {
		t.Error("refused corrections changed the database")
	}
}
