package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/web/admin"
)

// TestCrossOriginPostsAreRefused: with a valid session, a POST that a
// browser marks as cross-site, or that comes from a foreign Origin without
// Sec-Fetch-Site (older browsers), is refused with 403 and writes nothing;
// the same POST from the site itself is accepted.
func TestCrossOriginPostsAreRefused(t *testing.T) {
	f := newAdminFixture(t)
	ada := f.login("ada")
	static := func(v url.Values) func() url.Values { return func() url.Values { return v } }
	// Forms are built when sent: the review needs the version the event left.
	posts := []struct {
		path string
		form func() url.Values
	}{
		{"/admin/countries/NER/orgs/acted/events/new", func() url.Values { return actedEvent(f.actedVersion()) }},
		{"/admin/countries/NER/orgs/acted/review", func() url.Values {
			return url.Values{"date": {"2026-02-28"}, "description": {""}, "source_url": {""},
				"source_publisher": {""}, "source_title": {""}, "version": {f.actedVersion()}}
		}},
		{"/admin/orgs/new", static(url.Values{"slug": {"csrf-ngo"}, "name": {"CSRF NGO"}, "acronym": {""}, "type": {"ingo"}, "website": {""}})},
		{"/admin/orgs/acted/edit", static(url.Values{"name": {"Renamed"}, "acronym": {"X"}, "type": {"ingo"}, "website": {""}, "version": {"1"}})},
		{"/admin/countries/NER/severity", static(url.Values{"score": {"5"}, "score_date": {"2026-01"}, "score_publisher": {"ACAPS"}, "score_url": {""}})},
		{"/admin/users", static(url.Values{"username": {"mallory"}, "role": {"admin"}, "password": {"mallory's password"}})},
		{"/admin/users/ed/password", static(url.Values{"password": {"mallory's password"}, "current_password": {testPassword}})},
		{"/admin/users/ed/role", static(url.Values{"role": {"admin"}, "current_password": {testPassword}})},
		{"/admin/users/ed/disable", static(url.Values{"current_password": {testPassword}})},
		{"/admin/logout", static(url.Values{})},
	}
	attacks := map[string]map[string]string{
		"Sec-Fetch-Site: cross-site":             {"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
		"Sec-Fetch-Site: same-site":              {"Sec-Fetch-Site": "same-site", "Origin": "http://sub.example.com"},
		"foreign Origin, no Sec-Fetch-Site":      {"Sec-Fetch-Site": "", "Origin": "https://evil.example"},
		"Origin null, no Sec-Fetch-Site":         {"Sec-Fetch-Site": "", "Origin": "null"},
		"cross-site despite a matching Origin":   {"Sec-Fetch-Site": "cross-site", "Origin": "http://example.com"},
		"other scheme's port, no Sec-Fetch-Site": {"Sec-Fetch-Site": "", "Origin": "http://example.com:8443"},
	}
	sum := f.checksum()
	for _, p := range posts {
		for name, h := range attacks {
			w := f.do(request{method: http.MethodPost, target: p.path, form: p.form(), cookie: ada, header: h})
			if w.Code != http.StatusForbidden || !strings.Contains(w.Body.String(), "Request from another site refused") {
				t.Errorf("POST %s, %s: %d", p.path, name, w.Code)
			}
		}
	}
	if f.checksum() != sum {
		t.Fatal("cross-origin POSTs changed the database")
	}
	if w := f.get("/admin/", ada); w.Code != http.StatusOK {
		t.Fatalf("a cross-origin logout ended the session: %d", w.Code)
	}
	// The same requests from the site itself go through (the logout last).
	for _, p := range posts {
		w := f.post(p.path, p.form(), ada)
		if w.Code != http.StatusSeeOther {
			t.Errorf("same-origin POST %s: %d %s", p.path, w.Code, w.Body.String())
		}
	}
	if f.checksum() == sum {
		t.Error("same-origin POSTs changed nothing")
	}
	// A non-browser client (no Sec-Fetch-Site, no Origin) is not a CSRF
	// vector: it has to hold the cookie itself.
	again := f.login("ada")
	w := f.do(request{method: http.MethodPost, target: "/admin/countries/NER/severity", cookie: again,
		form:   url.Values{"score": {"3"}, "score_date": {"2026-01"}, "score_publisher": {"ACAPS"}, "score_url": {""}},
		header: map[string]string{"Sec-Fetch-Site": "", "Origin": ""}})
	if w.Code != http.StatusSeeOther {
		t.Errorf("POST without browser headers: %d", w.Code)
	}
}

func TestCrossOriginLoginIsRefused(t *testing.T) {
	f := newAdminFixture(t)
	w := f.do(request{method: http.MethodPost, target: "/admin/login", form: loginForm("ed", testPassword),
		header: map[string]string{"Sec-Fetch-Site": "cross-site"}})
	if w.Code != http.StatusForbidden || sessionCookieOf(w) != nil {
		t.Errorf("cross-site login (login CSRF): %d", w.Code)
	}
}

// versionFirst encodes a form as a browser sends it: the hidden version
// (first in the form) ahead of the other fields.
func versionFirst(v url.Values) string {
	rest := url.Values{}
	for k, vs := range v {
		if k != "version" {
			rest[k] = vs
		}
	}
	return url.Values{"version": v["version"]}.Encode() + "&" + rest.Encode()
}

func TestRequestBodiesAreBounded(t *testing.T) {
	f := newAdminFixture(t)
	ada := f.login("ada")
	sum := f.checksum()
	path := "/admin/countries/NER/orgs/acted/events/new"
	big := actedEvent(f.actedVersion())
	big.Set("description", strings.Repeat("x", admin.MaxFormBytes))
	// Beyond the limit, the form comes back with what was read and a
	// message at the field that is too long; nothing is saved. (The body
	// is in the form's order: the hidden version first.)
	w := f.do(request{method: http.MethodPost, target: path, body: versionFirst(big), cookie: ada})
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(parse(t, w).Find(`#f-description`).Parent().Text(), "keep it to 4000 characters") {
		t.Errorf("a %d-byte form: %d", len(big.Encode()), w.Code)
	}
	// Without Content-Length (chunked), the limit holds while reading.
	r := f.do(request{method: http.MethodPost, target: path, body: versionFirst(big), cookie: ada, header: map[string]string{"Content-Length": ""}})
	if r.Code != http.StatusUnprocessableEntity {
		t.Errorf("chunked oversize form: %d", r.Code)
	}
	for _, ct := range []string{"multipart/form-data; boundary=x", "application/json", "text/plain", ""} {
		w := f.do(request{method: http.MethodPost, target: path, body: actedEvent(f.actedVersion()).Encode(), cookie: ada,
			header: map[string]string{"Content-Type": ct}})
		if w.Code != http.StatusUnsupportedMediaType {
			t.Errorf("Content-Type %q: %d", ct, w.Code)
		}
	}
	if f.checksum() != sum {
		t.Error("refused bodies changed the database")
	}
}

// badInput is one entry of the catalogue: a form with one thing wrong.
type badInput struct {
	name   string
	path   string
	form   func(v url.Values) // edits a valid form
	raw    string             // or a raw body instead
	status int
	says   string // what the answer must say (a person's words)
}

// TestBadInputCatalogue sends every bad input in the catalogue as an
// editor: each gets a 4xx with a clear message, and the database does not
// change.
func TestBadInputCatalogue(t *testing.T) {
	f := newAdminFixture(t)
	ada := f.login("ada")
	event := "/admin/countries/NER/orgs/acted/events/new"
	version := f.actedVersion()
	del := func(k string) func(url.Values) { return func(v url.Values) { v.Del(k) } }
	set := func(k, val string) func(url.Values) { return func(v url.Values) { v.Set(k, val) } }
	add := func(k, val string) func(url.Values) { return func(v url.Values) { v.Add(k, val) } }
	long := func(n int) string { return strings.Repeat("é", n) }
	catalogue := []badInput{
		{name: "missing event type", path: event, form: del("event_type"), status: 422, says: "What happened: this is required."},
		{name: "blank date", path: event, form: set("date", " "), status: 422, says: "Date: this is required."},
		{name: "missing status", path: event, form: del("status"), status: 422, says: "New status: this is required."},
		{name: "missing version", path: event, form: del("version"), status: 400, says: "hidden field"},
		{name: "duplicated status", path: event, form: add("status", "banned"), status: 400, says: `field "status" more than once`},
		{name: "duplicated version", path: event, form: add("version", "99"), status: 400, says: `"version" more than once`},
		{name: "unknown field", path: event, form: set("is_admin", "1"), status: 400, says: `does not have ("is_admin")`},
		{name: "unknown status", path: event, form: set("status", "annihilated"), status: 422, says: "New status: choose one of the listed values."},
		{name: "unknown event type", path: event, form: set("event_type", "coup"), status: 422, says: "What happened: choose one"},
		{name: "unknown initiator", path: event, form: set("initiated_by", "aliens"), status: 422, says: "Initiated by: choose one"},
		{name: "unknown people basis", path: event, form: func(v url.Values) { v.Set("people", "5"); v.Set("people_basis", "weekly") }, status: 422, says: "People counted: choose one"},
		{name: "date: month 13", path: event, form: set("date", "2025-13-01"), status: 422, says: "Date: use YYYY, YYYY-MM or YYYY-MM-DD"},
		{name: "date: 30 February", path: event, form: set("date", "2025-02-30"), status: 422, says: "Date: use YYYY"},
		{name: "date: written out", path: event, form: set("date", "5 June 2025"), status: 422, says: "Date: use YYYY"},
		{name: "date: two-digit year", path: event, form: set("date", "25-06-05"), status: 422, says: "Date: use YYYY"},
		{name: "date: in the future", path: event, form: set("date", "2099-01-01"), status: 422, says: "Date: the date is in the future."},
		{name: "date: SQL", path: event, form: set("date", "2025'--"), status: 422, says: "Date: use YYYY"},
		{name: "javascript: source", path: event, form: set("source_url", "javascript:alert(document.cookie)"), status: 422, says: "Source URL: use a full web address"},
		{name: "data: source", path: event, form: set("source_url", "data:text/html,<script>alert(1)</script>"), status: 422, says: "Source URL: use a full web address"},
		{name: "ftp source", path: event, form: set("source_url", "ftp://example.org/file"), status: 422, says: "Source URL: use a full web address"},
		{name: "relative source", path: event, form: set("source_url", "/admin/users"), status: 422, says: "Source URL: use a full web address"},
		{name: "protocol-relative source", path: event, form: set("source_url", "//evil.example/x"), status: 422, says: "Source URL: use a full web address"},
		{name: "source with credentials", path: event, form: set("source_url", "https://user:pw@example.org/"), status: 422, says: "Source URL: use a full web address"},
		{name: "source with a space", path: event, form: set("source_url", "https://example.org/a b"), status: 422, says: "Source URL: use a full web address"},
		{name: "no source, not internal", path: event, form: func(v url.Values) {
			v.Set("source_url", "")
			v.Set("source_publisher", "")
			v.Set("source_title", "")
		}, status: 422, says: "give at least one source, or mark the event as an internal report"},
		{name: "source without publisher", path: event, form: set("source_publisher", ""), status: 422, says: "Source publisher: this is required."},
		{name: "bad internal_report", path: event, form: set("internal_report", "yes"), status: 422, says: "Internal report: choose one"},
		{name: "people not a number", path: event, form: func(v url.Values) { v.Set("people", "2,00"); v.Set("people_basis", "annual") }, status: 422, says: "People affected: enter a whole number"},
		{name: "people negative", path: event, form: func(v url.Values) { v.Set("people", "-5"); v.Set("people_basis", "annual") }, status: 422, says: "People affected: enter a whole number"},
		{name: "people absurd", path: event, form: func(v url.Values) { v.Set("people", "99999999999999"); v.Set("people_basis", "annual") }, status: 422, says: "People affected: give a number between 0 and 10,000,000,000."},
		{name: "people without basis", path: event, form: set("people", "1000"), status: 422, says: "People counted: say whether the figure is per year"},
		{name: "over-long authority", path: event, form: set("authority", long(access.MaxShortText+1)), status: 422, says: "Authority: keep it to 200 characters or fewer."},
		{name: "over-long description", path: event, form: set("description", long(access.MaxLongText+1)), status: 422, says: "Description: keep it to 4000 characters"},
		{name: "over-long reason", path: event, form: set("reason", long(access.MaxReason+1)), status: 422, says: "Stated reason: keep it to 1000 characters"},
		{name: "over-long source URL", path: event, form: set("source_url", "https://example.org/"+strings.Repeat("a", access.MaxURL)), status: 422, says: "Source URL: keep it to 2048 characters"},
		{name: "over-long status", path: event, form: set("status", strings.Repeat("banned", 20)), status: 422, says: "New status: keep it to 64 characters"},
		{name: "invalid UTF-8 description", path: event, form: set("description", "ok \xff\xfe broken"), status: 422, says: "Description: the text is not valid UTF-8."},
		{name: "invalid UTF-8 authority", path: event, form: set("authority", "\xc3\x28"), status: 422, says: "Authority: the text is not valid UTF-8."},
		{name: "control characters", path: event, form: set("authority", "Ministry\x00of\x1bthe Interior"), status: 422, says: "Authority: remove the control characters."},
		{name: "SQL injection in version", path: event, form: set("version", "1; DROP TABLE events"), status: 400, says: `hidden field "version"`},
		{name: "negative version", path: event, form: set("version", "-1"), status: 400, says: `hidden field "version"`},
		{name: "stale version plus bad date", path: event, form: func(v url.Values) { v.Set("version", "1"); v.Set("date", "2025-99") }, status: 422, says: "Date: use YYYY"},
		{name: "malformed body", path: event, raw: "event_type=%zz&status=banned", status: 400, says: "The form could not be read."},
		{name: "semicolon separators", path: event, raw: "event_type=other;status=banned", status: 400, says: "The form could not be read."},
		{name: "empty body", path: event, raw: "", status: 400, says: `hidden field "version"`},

		{name: "org: bad slug", path: "/admin/orgs/new", form: set("slug", "Bad Slug!"), status: 422, says: "Short name (slug): use lower-case letters"},
		{name: "org: slug taken", path: "/admin/orgs/new", form: set("slug", "icrc"), status: 422, says: "another organisation has this short name"},
		{name: "org: SQL slug", path: "/admin/orgs/new", form: set("slug", "x'); DELETE FROM organisations; --"), status: 422, says: "Short name (slug): use lower-case"},
		{name: "org: javascript website", path: "/admin/orgs/new", form: set("website", "javascript:alert(1)"), status: 422, says: "Website: use a full web address"},
		{name: "org: unknown type", path: "/admin/orgs/new", form: set("type", "cult"), status: 422, says: "Type: choose one"},
		{name: "org: missing name", path: "/admin/orgs/new", form: del("name"), status: 422, says: "Name: this is required."},
		{name: "org: duplicated name", path: "/admin/orgs/new", form: add("name", "Other"), status: 400, says: `"name" more than once`},
		{name: "org edit: slug field", path: "/admin/orgs/acted/edit", form: set("slug", "icrc"), status: 400, says: `does not have ("slug")`},
		{name: "severity: 6", path: "/admin/countries/NER/severity", form: set("score", "6"), status: 422, says: "Access severity score: give a score from 0 to 5."},
		{name: "severity: words", path: "/admin/countries/NER/severity", form: set("score", "high"), status: 422, says: "Access severity score: enter a whole number"},
		{name: "severity: bad date", path: "/admin/countries/NER/severity", form: set("score_date", "yesterday"), status: 422, says: "Score date: use YYYY"},
		{name: "severity: javascript URL", path: "/admin/countries/NER/severity", form: set("score_url", "javascript:x"), status: 422, says: "Score source URL: use a full web address"},
		{name: "user: short password", path: "/admin/users", form: set("password", "1234567"), status: 422, says: "Password: use at least 8 characters."},
		{name: "user: long password", path: "/admin/users", form: set("password", strings.Repeat("p", 1025)), status: 422, says: "Password: keep it to 1024"},
		{name: "user: bad name", path: "/admin/users", form: set("username", "<script>"), status: 422, says: "Name: use 1 to 64 of a–z"},
		{name: "user: taken name", path: "/admin/users", form: set("username", "Ed"), status: 422, says: "an account with this name exists already"},
		{name: "user: unknown role", path: "/admin/users", form: set("role", "root"), status: 422, says: "Role: choose one"},
		{name: "user: common password", path: "/admin/users", form: set("password", "Password1"), status: 422, says: "Password: this is one of the 10,000 most common passwords"},
		{name: "user: repeated character", path: "/admin/users", form: set("password", "zzzzzzzzzzzz"), status: 422, says: "Password: a single character repeated"},
		{name: "password: short", path: "/admin/users/ed/password", form: set("password", "short"), status: 422, says: "Password: use at least 8 characters."},
		{name: "password: common", path: "/admin/users/ed/password", form: set("password", "iloveyou"), status: 422, says: "Password: this is one of the 10,000 most common passwords"},
		{name: "password: no current password", path: "/admin/users/ed/password", form: del("current_password"), status: 422, says: "Your current password: this is required."},
		{name: "password: wrong current password", path: "/admin/users/ed/password", form: set("current_password", "not it at all"), status: 422, says: "Your current password: this is not your current password."},
		{name: "own password: common", path: "/admin/account", form: set("password", "qwertyuiop"), status: 422, says: "Password: this is one of the 10,000 most common passwords"},
		{name: "own password: wrong current password", path: "/admin/account", form: set("current_password", "not it at all"), status: 422, says: "Your current password: this is not your current password."},
		{name: "role: unknown", path: "/admin/users/ed/role", form: set("role", "root"), status: 422, says: "Role: choose one"},
		{name: "role: wrong current password", path: "/admin/users/ed/role", form: set("current_password", "not it at all"), status: 422, says: "Your current password: this is not your current password."},
		{name: "disable: unexpected field", path: "/admin/users/ed/disable", form: set("really", "yes"), status: 400, says: `does not have ("really")`},
		{name: "disable: no current password", path: "/admin/users/ed/disable", form: del("current_password"), status: 422, says: "Your current password: this is required."},
		{name: "disable: wrong current password", path: "/admin/users/ed/disable", form: set("current_password", "not it at all"), status: 422, says: "Your current password: this is not your current password."},
	}
	valid := map[string]url.Values{
		event:                           actedEvent(version),
		"/admin/orgs/new":               {"slug": {"new-ngo"}, "name": {"New NGO"}, "acronym": {""}, "type": {"ingo"}, "website": {""}},
		"/admin/orgs/acted/edit":        {"name": {"Acted"}, "acronym": {"ACTED"}, "type": {"ingo"}, "website": {""}, "version": {"1"}},
		"/admin/countries/NER/severity": {"score": {"4"}, "score_date": {"2026-01"}, "score_publisher": {"ACAPS"}, "score_url": {""}},
		"/admin/users":                  {"username": {"newbie"}, "role": {"editor"}, "password": {"a fine password"}},
		"/admin/users/ed/password":      {"password": {"a fine password"}, "current_password": {testPassword}},
		"/admin/users/ed/role":          {"role": {"admin"}, "current_password": {testPassword}},
		"/admin/account":                {"password": {"a fine new password"}, "current_password": {testPassword}},
		"/admin/users/ed/disable":       {"current_password": {testPassword}},
	}
	sum := f.checksum()
	for _, bad := range catalogue {
		var w *httptest.ResponseRecorder
		if bad.form != nil {
			form := url.Values{}
			for k, v := range valid[bad.path] {
				form[k] = append([]string(nil), v...)
			}
			bad.form(form)
			w = f.post(bad.path, form, ada)
		} else {
			w = f.do(request{method: http.MethodPost, target: bad.path, body: bad.raw, cookie: ada})
		}
		body := w.Body.String()
		if w.Code != bad.status || !strings.Contains(body, htmlText(bad.says)) {
			t.Errorf("%s: %d, want %d saying %q\n%s", bad.name, w.Code, bad.status, bad.says, problemsOf(body))
		}
		if strings.Contains(body, "\xff") || strings.Contains(body, "<script>") {
			t.Errorf("%s: the answer echoes raw input", bad.name)
		}
		if f.checksum() != sum {
			t.Fatalf("%s changed the database", bad.name)
		}
	}
	// Every form in the catalogue is valid without its one fault.
	for path, form := range valid {
		if w := f.post(path, form, ada); w.Code != http.StatusSeeOther {
			t.Errorf("valid form for %s: %d\n%s", path, w.Code, problemsOf(w.Body.String()))
		}
	}
}

// htmlText escapes what templ escapes, to find a message in a page.
func htmlText(s string) string {
	return strings.NewReplacer(`"`, "&#34;", "'", "&#39;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// problemsOf extracts the messages of an error page or form, for failures.
func problemsOf(body string) string {
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		return body
	}
	return strings.Join(doc.Find("#problems li, .error-page p, #login-problem").Map(func(_ int, s *goquery.Selection) string {
		return s.Text()
	}), "\n")
}

// TestInjectedHTMLRendersEscaped records an event (and an organisation)
// full of markup through the forms, then checks that the public overview
// shows it as text.
func TestInjectedHTMLRendersEscaped(t *testing.T) {
	f := newAdminFixture(t)
	ada := f.login("ada")
	const payload = `<script>alert(1)</script><img src=x onerror=alert(2)>"'><svg onload=alert(3)>`
	org := url.Values{"slug": {"xss-ngo"}, "name": {payload}, "acronym": {`<b>X</b>`}, "type": {"ingo"}, "website": {"https://example.org/?q=<x>"}}
	if w := f.post("/admin/orgs/new", org, ada); w.Code != http.StatusSeeOther {
		t.Fatalf("create org: %d %s", w.Code, problemsOf(w.Body.String()))
	}
	create := actedEvent("")
	create.Del("version")
	create.Set("country", "MLI")
	create.Set("org", "xss-ngo")
	create.Set("event_type", "authorisation_withdrawn")
	create.Set("status", "banned")
	create.Set("authority", payload)
	create.Set("description", payload)
	create.Set("source_publisher", payload)
	create.Set("source_url", `https://example.org/"><script>alert(4)</script>`)
	if w := f.post("/admin/records/new", create, ada); w.Code != http.StatusSeeOther {
		t.Fatalf("create record: %d %s", w.Code, problemsOf(w.Body.String()))
	}
	for _, page := range []string{"/", "/admin/", "/admin/orgs", "/admin/audit"} {
		w := f.get(page, ada)
		body := w.Body.String()
		if w.Code != http.StatusOK {
			t.Fatalf("%s: %d", page, w.Code)
		}
		for _, raw := range []string{"<script>alert", "<img src=x", "<svg onload", "<b>X</b>"} {
			if strings.Contains(body, raw) {
				t.Errorf("%s contains raw markup %q", page, raw)
			}
		}
	}
	doc := parse(t, f.get("/", nil))
	row := doc.Find(`tr[data-record="MLI/xss-ngo"]`)
	if !strings.Contains(row.Text(), "<b>X</b>") {
		t.Errorf("the overview does not show the acronym as text: %q", row.Text())
	}
	if href, _ := row.Find(`a[rel~="external"]`).Attr("href"); !strings.HasPrefix(href, "https://example.org/") {
		t.Errorf("source link %q", href)
	}
}
