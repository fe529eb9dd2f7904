package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/auth"
	"github.com/accesswatch/accesswatch/internal/store"
	"github.com/accesswatch/accesswatch/internal/web/admin"
)

// An organisation whose normalised name or acronym matches an existing one
// is not created at once: the form comes back linking the existing one,
// and is created only when the editor ticks the box.
func TestNewOrganisationLikeAnExistingOneAsksToConfirm(t *testing.T) {
	f := newAdminFixture(t)
	ed := f.login("ed")
	for _, o := range []url.Values{
		{"slug": {"msf-2"}, "name": {"Medecins sans frontieres"}, "acronym": {""}, "type": {"ingo"}, "website": {""}},
		{"slug": {"msf-2"}, "name": {"Doctors Without Borders"}, "acronym": {"M.S.F."}, "type": {"ingo"}, "website": {""}},
	} {
		sum := f.checksum()
		w := f.post("/admin/orgs/new", o, ed)
		doc := parse(t, w)
		if w.Code != http.StatusUnprocessableEntity || doc.Find(`#similar-orgs a[href="/admin/orgs/msf/edit"]`).Length() != 1 {
			t.Fatalf("%v: %d, want 422 linking MSF's organisation\n%s", o, w.Code, problemsOf(w.Body.String()))
		}
		if v := doc.Find(`input[name="name"]`).AttrOr("value", ""); v != o.Get("name") {
			t.Errorf("the input was not kept: name %q", v)
		}
		if f.checksum() != sum {
			t.Fatal("an unconfirmed duplicate was written")
		}
	}
	confirmed := url.Values{"slug": {"msf-2"}, "name": {"Médecins Sans Frontières"}, "acronym": {"MSF"}, "type": {"ingo"}, "website": {""},
		"confirm_duplicate": {"1"}}
	if w := f.post("/admin/orgs/new", confirmed, ed); w.Code != http.StatusSeeOther {
		t.Fatalf("confirmed: %d %s", w.Code, problemsOf(w.Body.String()))
	}
	if _, err := f.st.Org(context.Background(), "msf-2"); err != nil {
		t.Errorf("the confirmed organisation: %v", err)
	}
	// A name nobody has goes straight through.
	other := url.Values{"slug": {"alima"}, "name": {"ALIMA"}, "acronym": {""}, "type": {"ingo"}, "website": {""}}
	if w := f.post("/admin/orgs/new", other, ed); w.Code != http.StatusSeeOther {
		t.Errorf("a new name: %d %s", w.Code, problemsOf(w.Body.String()))
	}
}

// Two editors open the same organisation; the second save answers 409,
// shows what the first saved, keeps the second's input on the current
// version, and writes nothing until sent again.
func TestOrganisationStaleSaveIsAConflict(t *testing.T) {
	f := newAdminFixture(t)
	ada, ed := f.login("ada"), f.login("ed")
	formOf := func(c *http.Cookie) url.Values {
		doc := parse(t, f.get("/admin/orgs/icrc/edit", c))
		v := url.Values{}
		doc.Find(`main form input[name], main form select[name]`).Each(func(_ int, s *goquery.Selection) {
			name, _ := s.Attr("name")
			if s.Is("select") {
				v.Set(name, s.Find("option[selected]").AttrOr("value", ""))
			} else {
				v.Set(name, s.AttrOr("value", ""))
			}
		})
		return v
	}
	first, second := formOf(ada), formOf(ed)
	if first.Get("version") == "" || first.Get("version") != second.Get("version") {
		t.Fatalf("versions %q and %q", first.Get("version"), second.Get("version"))
	}
	first.Set("website", "https://www.icrc.org/fr")
	if w := f.post("/admin/orgs/icrc/edit", first, ada); w.Code != http.StatusSeeOther {
		t.Fatalf("first save: %d %s", w.Code, problemsOf(w.Body.String()))
	}
	sum := f.checksum()
	second.Set("acronym", "CICR")
	w := f.post("/admin/orgs/icrc/edit", second, ed)
	if w.Code != http.StatusConflict {
		t.Fatalf("stale save: %d, want 409", w.Code)
	}
	if f.checksum() != sum {
		t.Fatal("a stale save wrote something")
	}
	doc := parse(t, w)
	if !strings.Contains(doc.Find("#org-conflict").Text(), "https://www.icrc.org/fr") {
		t.Errorf("the 409 does not show the other editor's save: %q", doc.Find("#org-conflict").Text())
	}
	if v := doc.Find(`input[name="acronym"]`).AttrOr("value", ""); v != "CICR" {
		t.Errorf("the 409 lost the input: acronym %q", v)
	}
	again := url.Values{}
	doc.Find(`main form input[name], main form select[name]`).Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		if s.Is("select") {
			again.Set(name, s.Find("option[selected]").AttrOr("value", ""))
		} else {
			again.Set(name, s.AttrOr("value", ""))
		}
	})
	again.Set("website", "https://www.icrc.org/fr") // having read the other editor's save
	if again.Get("version") == second.Get("version") {
		t.Fatalf("the 409 form is still at version %s", again.Get("version"))
	}
	if w := f.post("/admin/orgs/icrc/edit", again, ed); w.Code != http.StatusSeeOther {
		t.Fatalf("resubmission: %d %s", w.Code, problemsOf(w.Body.String()))
	}
	o, _ := f.st.Org(context.Background(), "icrc")
	if o.Acronym != "CICR" || o.Website != "https://www.icrc.org/fr" {
		t.Errorf("after both saves: %+v", o)
	}
}

// An admin merges a duplicate organisation into the real one: its records
// and events move, its old addresses answer 301 on the public pages and
// the API, and the audit log says who did it.
func TestMergeOrganisations(t *testing.T) {
	f := newAdminFixture(t)
	ada, ed := f.login("ada"), f.login("ed")
	ctx := context.Background()
	twin := access.Org{Slug: "acted-dup", Name: "Acted duplicate entry", Type: access.OrgINGO}
	if _, err := f.st.RecordEvent(ctx, store.NewEvent{Event: access.Event{CountryCode: "MLI", OrgSlug: twin.Slug,
		Date: access.MustParseDate("2025-05-02"), Type: access.EventSuspensionOrdered, StatusAfter: access.StatusSuspended,
		InitiatedBy: access.InitiatedByAuthority, Sources: []access.Source{{Publisher: "T", URL: "https://example.org/dup", Type: access.SourceNews}}},
		Org: &twin, ExpectedVersion: store.AnyVersion, Actor: "ed"}); err != nil {
		t.Fatal(err)
	}
	merge := url.Values{"into": {"acted"}, "current_password": {testPassword}}
	if w := f.post("/admin/orgs/acted-dup/merge", merge, ed); w.Code != http.StatusForbidden {
		t.Errorf("an editor's merge: %d, want 403", w.Code)
	}
	// Public pages of the duplicate, cached before the merge.
	if w := f.get("/orgs/acted-dup", nil); w.Code != http.StatusOK {
		t.Fatalf("/orgs/acted-dup before the merge: %d", w.Code)
	}
	if w := f.post("/admin/orgs/acted-dup/merge", merge, ada); w.Code != http.StatusSeeOther {
		t.Fatalf("merge: %d %s", w.Code, problemsOf(w.Body.String()))
	}
	for old, to := range map[string]string{
		"/orgs/acted-dup":                  "/orgs/acted",
		"/orgs/acted-dup?status=suspended": "/orgs/acted?status=suspended",
		"/countries/MLI/orgs/acted-dup":    "/countries/MLI/orgs/acted",
		// a reader who chose French keeps it through the redirect
		"/orgs/acted-dup?lang=fr":              "/orgs/acted?lang=fr",
		"/api/v1/orgs/acted-dup":               "/api/v1/orgs/acted",
		"/api/v1/countries/MLI/orgs/acted-dup": "/api/v1/countries/MLI/orgs/acted",
	} {
		w := f.get(old, nil)
		if w.Code != http.StatusMovedPermanently || w.Header().Get("Location") != to {
			t.Errorf("GET %s: %d to %q, want 301 to %s", old, w.Code, w.Header().Get("Location"), to)
		}
	}
	if w := f.get("/orgs/never-was", nil); w.Code != http.StatusNotFound {
		t.Errorf("an unknown slug: %d", w.Code)
	}
	rec, err := f.st.Record(ctx, "MLI", "acted")
	if err != nil || rec.Status != access.StatusSuspended {
		t.Fatalf("the moved record: %+v %v", rec, err)
	}
	evs, _, _ := f.st.Events(ctx, store.EventFilter{Country: "MLI", Org: "acted"})
	if len(evs) != 1 || evs[0].Sources[0].URL != "https://example.org/dup" {
		t.Errorf("the moved events: %+v", evs)
	}
	if w := f.get("/countries/MLI/orgs/acted", nil); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "https://example.org/dup") {
		t.Errorf("the record page under the new slug: %d", w.Code)
	}
	entries, _, err := f.st.AuditLog(ctx, store.AuditFilter{Entity: "org", Key: "acted-dup"})
	if err != nil || len(entries) == 0 || entries[0].Action != "org.merge" || entries[0].Actor != "ada" {
		t.Errorf("audit: %+v %v", entries, err)
	}

	// Two organisations with a record in the same country are not merged.
	if _, err := f.st.RecordEvent(ctx, store.NewEvent{Event: access.Event{CountryCode: "NER", OrgSlug: "acted-two",
		Date: access.MustParseDate("2025-05-02"), Type: access.EventOther, Sources: []access.Source{{Publisher: "T", URL: "https://example.org/two", Type: access.SourceNews}}},
		Org: &access.Org{Name: "Acted two", Type: access.OrgINGO}, ExpectedVersion: store.AnyVersion, Actor: "ed"}); err != nil {
		t.Fatal(err)
	}
	sum := f.checksum()
	w := f.post("/admin/orgs/acted-two/merge", merge, ada)
	if w.Code != http.StatusConflict || !strings.Contains(parse(t, w).Find(`#f-into`).Parent().Text(), "NER") {
		t.Errorf("a colliding merge: %d %s", w.Code, problemsOf(w.Body.String()))
	}
	if f.checksum() != sum {
		t.Error("a refused merge wrote something")
	}
}

// The status an event sets must fit its type: the form answers 422 with a
// message at the status, and writes nothing.
func TestStatusMustFitTheEventType(t *testing.T) {
	f := newAdminFixture(t)
	ed := f.login("ed")
	sum := f.checksum()
	for typ, st := range map[string]string{"reviewed": "expelled", "operations_resumed": "banned", "resumption_authorised": "ordered_to_leave"} {
		form := actedEvent(f.actedVersion())
		form.Set("event_type", typ)
		form.Set("status", st)
		w := f.post("/admin/countries/NER/orgs/acted/events/new", form, ed)
		if msg := parse(t, w).Find(`#f-status`).Parent().Text(); w.Code != http.StatusUnprocessableEntity || !strings.Contains(msg, "cannot set this status") {
			t.Errorf("%s → %s: %d %q", typ, st, w.Code, msg)
		}
	}
	if f.checksum() != sum {
		t.Error("refused events were written")
	}
}

// Dates: today in the furthest time zone ahead (UTC+14) is accepted;
// numbers may be grouped with commas, spaces or narrow no-break spaces.
func TestEventFormDatesAndNumbers(t *testing.T) {
	f := newAdminFixture(t)
	ed := f.login("ed")
	doc := parse(t, f.get("/admin/countries/NER/orgs/acted/events/new", ed))
	if v := doc.Find(`input[name="date"]`).AttrOr("value", "?"); v != "" {
		t.Errorf("default date %q, want an empty field", v)
	}
	tomorrow := access.DayOf(f.clock.Now().UTC().AddDate(0, 0, 1)).ISO()
	form := actedEvent(f.actedVersion())
	form.Set("date", tomorrow)
	form.Set("people", "2\u202f000\u202f000")
	form.Set("people_basis", "annual")
	if w := f.post("/admin/countries/NER/orgs/acted/events/new", form, ed); w.Code != http.StatusSeeOther {
		t.Fatalf("tomorrow in UTC (today in UTC+14), 2 000 000 people: %d %s", w.Code, problemsOf(w.Body.String()))
	}
	rec, _ := f.st.Record(context.Background(), "NER", "acted")
	if rec.Reach == nil || rec.Reach.People != 2_000_000 {
		t.Errorf("reach %+v", rec.Reach)
	}
	form = actedEvent(f.actedVersion())
	form.Set("date", access.DayOf(f.clock.Now().UTC().AddDate(0, 0, 2)).ISO())
	form.Set("confirm_duplicate", "1")
	if w := f.post("/admin/countries/NER/orgs/acted/events/new", form, ed); w.Code != http.StatusUnprocessableEntity || !strings.Contains(problemsOf(w.Body.String()), "in the future") {
		t.Errorf("the day after tomorrow: %d %s", w.Code, problemsOf(w.Body.String()))
	}
}

// A session that ends between opening the event form and sending it: the
// editor is sent to log in, and after logging in finds the form as typed,
// held server-side (never in a URL) and for their account only.
func TestFormSurvivesAnExpiredSession(t *testing.T) {
	f := newAdminFixture(t)
	ed := f.login("ed")
	path := "/admin/countries/NER/orgs/acted/events/new"
	doc := parse(t, f.get(path, ed))
	typed := actedEvent(doc.Find(`input[name="version"]`).AttrOr("value", ""))
	typed.Set("description", "Long notes typed while reading sources — with accents: é, ü, and a\nsecond line")
	typed.Set("people", "2,000,000")
	typed.Set("people_basis", "annual")
	typed.Set("reason", "Stated: \"security\"")
	typed.Set("reason_category", "security")
	typed.Set("internal_report", "1")

	f.clock.Advance(auth.IdleTimeout + time.Minute) // the editor read for a long while
	sum := f.checksum()
	w := f.post(path, typed, ed)
	loc := w.Header().Get("Location")
	if w.Code != http.StatusSeeOther || !strings.HasPrefix(loc, "/admin/login?") {
		t.Fatalf("post with an ended session: %d to %q", w.Code, loc)
	}
	if f.checksum() != sum {
		t.Fatal("a post without a session wrote domain data")
	}
	u, _ := url.Parse(loc)
	if u.Query().Get("next") != path || u.Query().Get("done") != "draft_kept" {
		t.Errorf("login redirect %q", loc)
	}
	if strings.Contains(loc, "Long+notes") || strings.Contains(loc, "description") {
		t.Errorf("the form is in the URL: %q", loc)
	}
	draft := cookieNamed(w, admin.DraftCookie)
	if draft == nil || !draft.HttpOnly || draft.MaxAge != int(admin.DraftLifetime/time.Second) {
		t.Fatalf("draft cookie %+v", draft)
	}

	// Someone else logging in on this browser does not get it.
	other := f.do(request{method: http.MethodPost, target: "/admin/login", form: loginForm("ada", testPassword), cookie: draft})
	ada := sessionCookieOf(other)
	if ada == nil {
		t.Fatalf("ada's login: %d", other.Code)
	}
	if got := parse(t, f.doWithCookies(request{method: http.MethodGet, target: path}, ada, draft)); got.Find(`textarea[name="description"]`).Text() != "" {
		t.Error("a form given to another account")
	}

	// Its author logs in (with the draft cookie) and is sent back to the form.
	login := url.Values{"username": {"ed"}, "password": {testPassword}, "next": {path}}
	lw := f.doWithCookies(request{method: http.MethodPost, target: "/admin/login", form: login}, draft)
	if lw.Code != http.StatusSeeOther || lw.Header().Get("Location") != path {
		t.Fatalf("login: %d to %q", lw.Code, lw.Header().Get("Location"))
	}
	ed = sessionCookieOf(lw)
	back := f.doWithCookies(request{method: http.MethodGet, target: path}, ed, draft)
	if back.Code != http.StatusOK {
		t.Fatalf("the form after login: %d", back.Code)
	}
	got := parse(t, back)
	for name, want := range typed {
		var v string
		switch el := got.Find(`main form [name="` + name + `"]`); {
		case el.Is("textarea"):
			v = el.Text()
		case el.Is("select"):
			v = el.Find("option[selected]").AttrOr("value", "")
		case el.AttrOr("type", "") == "checkbox":
			if _, on := el.Attr("checked"); on {
				v = el.AttrOr("value", "")
			}
		default:
			v = el.AttrOr("value", "")
		}
		if v != want[0] {
			t.Errorf("field %s came back as %q, want %q", name, v, want[0])
		}
	}
	if !strings.Contains(got.Find(".notice, [role=status]").Text(), "as you typed it") {
		t.Errorf("no notice that the form was restored: %q", got.Find(".notice, [role=status]").Text())
	}
	if c := cookieNamed(back, admin.DraftCookie); c == nil || c.MaxAge >= 0 {
		t.Errorf("the draft cookie was not cleared: %+v", c)
	}
	// Sent again from the restored form, it is recorded.
	if w := f.post(path, typed, ed); w.Code != http.StatusSeeOther {
		t.Fatalf("sent again: %d %s", w.Code, problemsOf(w.Body.String()))
	}
	// Given back once only.
	if again := parse(t, f.doWithCookies(request{method: http.MethodGet, target: path}, ed, draft)); again.Find(`textarea[name="description"]`).Text() != "" {
		t.Error("the draft was given back twice")
	}
}

// A draft is held for 30 minutes at most.
func TestDraftExpires(t *testing.T) {
	f := newAdminFixture(t)
	ed := f.login("ed")
	path := "/admin/orgs/new"
	f.clock.Advance(auth.IdleTimeout + time.Minute)
	w := f.post(path, url.Values{"slug": {"late"}, "name": {"Late NGO"}, "acronym": {""}, "type": {"ingo"}, "website": {""}}, ed)
	draft := cookieNamed(w, admin.DraftCookie)
	if draft == nil {
		t.Fatalf("no draft kept: %d", w.Code)
	}
	f.clock.Advance(admin.DraftLifetime + time.Minute)
	lw := f.doWithCookies(request{method: http.MethodPost, target: "/admin/login", form: url.Values{"username": {"ed"}, "password": {testPassword}, "next": {path}}}, draft)
	ed = sessionCookieOf(lw)
	if got := parse(t, f.doWithCookies(request{method: http.MethodGet, target: path}, ed, draft)); got.Find(`input[name="name"]`).AttrOr("value", "") != "" {
		t.Error("a draft given back after 30 minutes")
	}
}

// A 200 KB description is within the body limit but beyond the field's:
// the form comes back with the message at the description and every field
// as typed, the description whole.
func TestLongDescriptionComesBackWithAMessage(t *testing.T) {
	f := newAdminFixture(t)
	ed := f.login("ed")
	sum := f.checksum()
	form := actedEvent(f.actedVersion())
	long := strings.Repeat("Témoignage recueilli auprès du personnel. ", 200_000/43+1)
	form.Set("description", long)
	w := f.post("/admin/countries/NER/orgs/acted/events/new", form, ed)
	if w.Code != http.StatusUnprocessableEntity {
		t.Fatalf("a %d-byte description: %d", len(long), w.Code)
	}
	doc := parse(t, w)
	if msg := doc.Find(`#f-description`).Parent().Find(".field-error, [id$=-error]").Text(); !strings.Contains(msg, "keep it to 4000 characters") {
		t.Errorf("message at the description: %q", msg)
	}
	if got := doc.Find(`textarea[name="description"]`).Text(); got != long {
		t.Errorf("the description came back with %d bytes, want %d", len(got), len(long))
	}
	if ml := doc.Find(`textarea[name="description"]`).AttrOr("maxlength", ""); ml != "4000" {
		t.Errorf("description maxlength %q", ml)
	}
	for _, name := range []string{"authority", "source_url", "source_publisher", "source_title"} {
		if v := doc.Find(`input[name="`+name+`"]`).AttrOr("value", ""); v != form.Get(name) {
			t.Errorf("%s came back as %q", name, v)
		}
	}
	if f.checksum() != sum {
		t.Error("an over-long description was written")
	}
}

// The new-record form names countries and organisations through lists the
// browser filters (no JavaScript), takes names as well as codes, and can
// create the organisation with the record.
func TestNewRecordFormChoosesAndCreates(t *testing.T) {
	f := newAdminFixture(t)
	ed := f.login("ed")
	doc := parse(t, f.get("/admin/records/new", ed))
	if doc.Find(`input[name="country"][list="countries-list"]`).Length() != 1 || doc.Find(`datalist#countries-list option[value="NER"]`).Length() != 1 {
		t.Error("no country list")
	}
	if doc.Find(`input[name="org"][list="orgs-list"]`).Length() != 1 || doc.Find(`datalist#orgs-list option[value="icrc"]`).Length() != 1 {
		t.Error("no organisation list")
	}
	form := actedEvent("")
	form.Del("version")
	form.Set("event_type", "presence_recorded")
	form.Set("status", "operating")
	form.Set("country", "mali")
	form.Set("org", "")
	form.Set("new_org_name", "Alliance for International Medical Action")
	form.Set("new_org_acronym", "ALIMA")
	form.Set("new_org_type", "ingo")
	if w := f.post("/admin/records/new", form, ed); w.Code != http.StatusSeeOther {
		t.Fatalf("new record with a new organisation: %d %s", w.Code, problemsOf(w.Body.String()))
	}
	if rec, err := f.st.Record(context.Background(), "MLI", "alima"); err != nil || rec.Org.Name != "Alliance for International Medical Action" {
		t.Errorf("record %+v %v", rec, err)
	}
	// An organisation like an existing one asks to confirm first.
	form.Set("country", "NER")
	form.Set("new_org_name", "Medecins Sans Frontieres")
	form.Set("new_org_acronym", "")
	sum := f.checksum()
	w := f.post("/admin/records/new", form, ed)
	if w.Code != http.StatusUnprocessableEntity || parse(t, w).Find(`#duplicates a[href="/admin/orgs/msf/edit"]`).Length() != 1 {
		t.Errorf("a new organisation like MSF: %d %s", w.Code, problemsOf(w.Body.String()))
	}
	if f.checksum() != sum {
		t.Error("an unconfirmed organisation was written")
	}
	// An existing organisation typed by name.
	form.Del("new_org_name")
	form.Del("new_org_acronym")
	form.Del("new_org_type")
	form.Set("country", "Burkina Faso")
	form.Set("org", "icrc")
	if w := f.post("/admin/records/new", form, ed); w.Code != http.StatusSeeOther && w.Code != http.StatusConflict {
		t.Errorf("country by name: %d %s", w.Code, problemsOf(w.Body.String()))
	}
}

// Disabling asks to confirm; a disabled account can be enabled again.
func TestEnableAnAccountAgain(t *testing.T) {
	f := newAdminFixture(t)
	ada := f.login("ada")
	if w := f.post("/admin/users/ed/disable", url.Values{"current_password": {testPassword}}, ada); w.Code != http.StatusSeeOther {
		t.Fatalf("disable: %d", w.Code)
	}
	if w := f.post("/admin/login", loginForm("ed", testPassword), nil); w.Code == http.StatusSeeOther {
		t.Fatal("a disabled account logged in")
	}
	users := parse(t, f.get("/admin/users", ada))
	if users.Find(`tr[data-user="ed"] a[href="/admin/users/ed/enable"]`).Length() != 1 {
		t.Error("no Enable link for the disabled account")
	}
	if w := f.get("/admin/users/ed/enable", ada); w.Code != http.StatusOK || parse(t, w).Find(`input[name="current_password"]`).Length() != 1 {
		t.Errorf("enable asks to confirm: %d", w.Code)
	}
	if w := f.post("/admin/users/ed/enable", url.Values{"current_password": {"wrong password here"}}, ada); w.Code != http.StatusUnprocessableEntity {
		t.Errorf("enable with a wrong password: %d", w.Code)
	}
	if w := f.post("/admin/users/ed/enable", url.Values{"current_password": {testPassword}}, ada); w.Code != http.StatusSeeOther {
		t.Fatalf("enable: %d %s", w.Code, problemsOf(w.Body.String()))
	}
	f.login("ed")
	entries, _, _ := f.st.AuditLog(context.Background(), store.AuditFilter{Entity: "user", Key: "ed"})
	if len(entries) == 0 || entries[0].Action != "user.enable" || entries[0].Actor != "ada" {
		t.Errorf("audit %+v", entries)
	}
}

// cookieNamed returns the cookie a response sets under name, if any.
func cookieNamed(w interface{ Result() *http.Response }, name string) *http.Cookie {
	for _, c := range w.Result().Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// doWithCookies serves a request carrying several cookies (a session and a
// draft), as a browser would.
func (f *adminFixture) doWithCookies(rq request, cookies ...*http.Cookie) *httptest.ResponseRecorder {
	f.t.Helper()
	var parts []string
	for _, c := range cookies {
		if c != nil {
			parts = append(parts, c.Name+"="+c.Value)
		}
	}
	if rq.header == nil {
		rq.header = map[string]string{}
	}
	rq.header["Cookie"] = strings.Join(parts, "; ")
	return f.do(rq)
}

// A measure against a class of organisations has its own form: recorded as
// an event of the country alone, shown among the measures in force.
func TestClassMeasureForm(t *testing.T) {
	f := newAdminFixture(t)
	ed := f.login("ed")
	path := "/admin/countries/BFA/measures/new"
	if w := f.get(path, ed); w.Code != http.StatusOK || parse(t, w).Find(`textarea[name="description"][maxlength="4000"]`).Length() != 1 {
		t.Fatalf("the form: %d", w.Code)
	}
	form := url.Values{"event_type": {"suspension_ordered"}, "status": {"suspended"}, "date": {"2026-02-10"}, "until": {"2026-05"},
		"initiated_by": {"de_facto_authority"}, "authority": {"Ministry of Territorial Administration"}, "instrument": {"ministerial_order"},
		"reason": {""}, "reason_category": {"administrative_registration"}, "people_affected": {"1 200"},
		"description": {"All associations that had not renewed their registration"}, "source_url": {"https://example.org/bfa-class"},
		"source_publisher": {"Example News"}, "source_title": {""}, "source_type": {"news"}}
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("description", "")
	sum := f.checksum()
	if w := f.post(path, bad, ed); w.Code != http.StatusUnprocessableEntity || !strings.Contains(problemsOf(w.Body.String()), "Description") {
		t.Errorf("without a description: %d %s", w.Code, problemsOf(w.Body.String()))
	}
	if f.checksum() != sum {
		t.Error("a refused measure was written")
	}
	if w := f.post(path, form, ed); w.Code != http.StatusSeeOther {
		t.Fatalf("record: %d %s", w.Code, problemsOf(w.Body.String()))
	}
	measures, err := f.st.ClassMeasuresInForce(context.Background(), "BFA")
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, m := range measures {
		if m.Event.Description == form.Get("description") {
			found = true
			if m.Status != access.StatusSuspended || m.Event.PeopleAffected == nil || *m.Event.PeopleAffected != 1200 || m.Event.Until.ISO() != "2026-05" {
				t.Errorf("measure %+v", m)
			}
		}
	}
	if !found {
		t.Errorf("the measure is not in force: %+v", measures)
	}
	if !strings.Contains(parse(t, f.get(path, ed)).Find("#class-measures").Text(), "renewed their registration") {
		t.Error("the form does not list the measure in force")
	}
}
