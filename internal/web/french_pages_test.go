package web

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/accesswatch/accesswatch/internal/i18n"
)

// everyPageKind is one address of each kind of page a reader or an
// editor's login sees, errors included.
var everyPageKind = []string{"/", "/countries", "/countries/NER", "/countries/NER/orgs/icrc", "/orgs", "/orgs/icrc",
	"/changes", "/changes?country=NER", "/map", "/about", "/data", "/no-such-page", "/changes?page=99", "/countries/XXX",
	"/admin/login"}

// englishInterfaceWord finds words of the English interface in a French
// page's interface elements (headings, labels, table heads, buttons, nav).
var englishInterfaceWord = regexp.MustCompile(`(?i)\b(the|of|and|with|showing|filters?|search|download|previous|next|records?|since|countries|changes|flagged|reach|lost|overview|about|unknown|operating|expelled|banned|suspended)\b`)

// isoCode is a country's code shown after its name, "Andorre (AND)".
var isoCode = regexp.MustCompile(`\([A-Z]{3}\)`)

var fileName = regexp.MustCompile(`^[\w.-]+\.(csv|json)$`)

// TestFrenchPagesHaveNoEnglish renders every page kind in French and finds
// no English interface text: no English catalogue message (of two words or
// more, unless French spells it the same) anywhere in the text, and no
// English interface word in headings, labels, table heads, buttons,
// navigation and the page title. Text marked lang="en" (free text entered
// in English, the API's own descriptions) and proper names (organisation
// names, source titles, which link to their pages or sources) are left out.
func TestFrenchPagesHaveNoEnglish(t *testing.T) {
	srv, _ := newTestServer(t)
	english := englishMessages(t)
	for _, path := range everyPageKind {
		rec := getLang(t, srv, path, "fr-FR,fr;q=0.9")
		checkNoEnglish(t, path, rec, english)
	}
}

// everyAdminPageKind is one address of each kind of admin page: the home
// with its work queues, the event form with its source rows, the review,
// record, organisation, merge and class-measure forms, and the accounts.
var everyAdminPageKind = []string{"/admin/", "/admin/countries/NER/orgs/icrc/events/new",
	"/admin/countries/NER/orgs/icrc/review", "/admin/records/new", "/admin/orgs", "/admin/orgs/new",
	"/admin/orgs/icrc/edit", "/admin/orgs/icrc/merge", "/admin/countries", "/admin/countries/NER/severity",
	"/admin/countries/NER/measures/new", "/admin/import", "/admin/users", "/admin/users/ed/enable",
	"/admin/account"}

// TestFrenchAdminPagesHaveNoEnglish is TestFrenchPagesHaveNoEnglish for
// the admin area, seen by an administrator who chose French, with an
// event awaiting verification so that the work queue lists it.
func TestFrenchAdminPagesHaveNoEnglish(t *testing.T) {
	f := newAdminFixture(t)
	ed := f.login("ed")
	event := threeSourceEvent(f.actedVersion(), "appeler le bureau")
	event.Set("text_lang", "fr")
	if rec := f.post("/admin/countries/NER/orgs/acted/events/new", event, ed); rec.Code != http.StatusSeeOther {
		t.Fatalf("submitting an event: %d %s", rec.Code, rec.Body.String())
	}
	c := f.login("ada")
	if rec := f.get("/admin/?lang=fr", c); rec.Code != http.StatusOK {
		t.Fatalf("choosing French: %d", rec.Code)
	}
	english := englishMessages(t)
	home := f.get("/admin/", c)
	if parse(t, home).Find(`#awaiting li, #awaiting tr`).Length() == 0 {
		t.Errorf("the admin home lists no event awaiting verification:\n%s", home.Body.String())
	}
	for _, path := range everyAdminPageKind {
		rec := f.get(path, c)
		if rec.Code != http.StatusOK {
			t.Errorf("%s: status %d", path, rec.Code)
		}
		checkNoEnglish(t, path, rec, english)
	}
	// The private note is free text like the description: marked with
	// the language it was written in.
	note := parse(t, f.get("/admin/countries/NER/orgs/acted/events/new", c)).Find(`.private-note`)
	if note.Length() == 0 || note.First().AttrOr("lang", "") != "fr" || !strings.Contains(note.Text(), "appeler le bureau") {
		t.Errorf("the private note: %d, lang %q", note.Length(), note.First().AttrOr("lang", ""))
	}
	// Numbers in messages are French numbers: "10 000 événements".
	if hint := parse(t, f.get("/admin/import", c)).Find(`#import-file-hint`).Text(); !strings.Contains(hint, "10\u202f000") {
		t.Errorf("the import hint reads %q", hint)
	}
	// the event form again with one more source row, as "Add another
	// source" sends it back
	form := actedEvent(f.actedVersion())
	form.Set("add_source", "1")
	rec := f.post("/admin/countries/NER/orgs/acted/events/new", form, c)
	if n := parse(t, rec).Find(`fieldset.source-row`).Length(); n != 2 {
		t.Errorf("add a source: %d source rows (status %d)", n, rec.Code)
	}
	checkNoEnglish(t, "event form with two sources", rec, english)
}

// englishMessages is, for each English catalogue message French does not
// spell the same, its longest fragment between format verbs when that has
// two words or more.
func englishMessages(t *testing.T) []string {
	t.Helper()
	ls := i18n.MustLoadLanguages()
	en, fr := ls.Get("en"), ls.Get("fr")
	var out []string
	for _, key := range enKeys(en) {
		msg := en.T(key)
		if strings.HasPrefix(key, "meta.") || strings.HasPrefix(key, "api.") || strings.HasPrefix(key, "export.flag.") || fr.T(key) == msg {
			continue
		}
		// the longest fragment between format verbs
		best := ""
		for _, part := range regexp.MustCompile(`%(\[\d+\])?[a-z]`).Split(msg, -1) {
			if part = strings.TrimSpace(part); len(part) > len(best) {
				best = part
			}
		}
		if strings.Count(best, " ") >= 1 && len(best) >= 10 {
			out = append(out, best)
		}
	}
	if len(out) < 300 {
		t.Fatalf("only %d English messages to look for", len(out))
	}
	return out
}

// checkNoEnglish reports English interface text in the French page rec.
func checkNoEnglish(t *testing.T, path string, rec *httptest.ResponseRecorder, englishMessages []string) {
	t.Helper()
	doc := parse(t, rec)
	if lang, _ := doc.Find("html").Attr("lang"); lang != "fr" {
		t.Errorf("%s: status %d, <html lang=%q>", path, rec.Code, lang)
		return
	}
	// English text rightly marked, file names and addresses in code,
	// organisations' full names under their acronyms
	doc.Find(`[lang="en"], script, style, code, th[scope="row"] .sub`).Remove()
	// organisations' names offered to pick from are proper names
	doc.Find(`select[name="org"] option, datalist#orgs-list option, tr[data-org] th[scope="row"]`).Remove()
	text := doc.Text()
	for _, m := range englishMessages {
		if strings.Contains(text, m) {
			t.Errorf("%s: English interface text %q", path, m)
		}
	}
	doc.Find(`title, h1, h2, h3, caption, th[scope="col"], label, button, legend, dt, summary, nav a, select option, .figure .label`).Each(func(_ int, s *goquery.Selection) {
		if s.Is(`a[href^="/orgs/"], a[href*="/orgs/"]`) || s.Find(`a[href*="/orgs/"]`).Length() > 0 || s.Is("h1") && strings.Contains(path, "/orgs/") {
			return // an organisation's name
		}
		if fileName.MatchString(strings.TrimSpace(s.Text())) {
			return // a file to download, named as it is saved
		}
		if w := englishInterfaceWord.FindString(isoCode.ReplaceAllString(s.Text(), "")); w != "" {
			t.Errorf("%s: English word %q in <%s> %q", path, w, goquery.NodeName(s), strings.TrimSpace(s.Text()))
		}
	})
}

// enKeys lists the English catalogue's keys.
func enKeys(l *i18n.Locale) []string { return l.Keys() }
