package web

import (
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/accesswatch/accesswatch/internal/i18n"
	"github.com/accesswatch/accesswatch/internal/storetest"
)

// getLang performs a GET with an Accept-Language header.
func getLang(t *testing.T, h http.Handler, target, acceptLanguage string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	if acceptLanguage != "" {
		req.Header.Set("Accept-Language", acceptLanguage)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// frenchPages are one page of each kind the issue names.
var frenchPages = []string{"/", "/countries/NER", "/countries/NER/orgs/icrc", "/changes", "/map", "/about", "/admin/login"}

// TestFrenchByHeader: Accept-Language: fr-FR,fr;q=0.9 gives French pages
// with lang="fr", a switch and hreflang links, and Vary: Accept-Language.
func TestFrenchByHeader(t *testing.T) {
	srv, _ := newTestServer(t)
	words := map[string]string{
		"/": "Vue d’ensemble", "/countries/NER": "Organisations dans ce pays", "/countries/NER/orgs/icrc": "Chronologie",
		"/changes": "Changements", "/map": "Carte du monde", "/about": "À propos des données", "/admin/login": "Se connecter",
	}
	for _, path := range frenchPages {
		rec := getLang(t, srv, path, "fr-FR,fr;q=0.9")
		if rec.Code != http.StatusOK {
			t.Errorf("%s: status %d", path, rec.Code)
			continue
		}
		doc := parse(t, rec)
		if lang, _ := doc.Find("html").Attr("lang"); lang != "fr" {
			t.Errorf("%s: <html lang=%q>", path, lang)
		}
		if !strings.Contains(doc.Text(), words[path]) {
			t.Errorf("%s: no %q in the French page", path, words[path])
		}
		if doc.Find(`.lang-switch a[lang="en"]`).Text() != "English" || doc.Find(`.lang-switch a[lang="fr"]`).Text() != "Français" {
			t.Errorf("%s: no English / Français switch", path)
		}
		if !strings.HasPrefix(path, "/admin") {
			if href, ok := doc.Find(`link[rel="alternate"][hreflang="en"]`).Attr("href"); !ok || !strings.Contains(href, "lang=en") {
				t.Errorf("%s: no hreflang link to English (%q)", path, href)
			}
			if v := rec.Header().Get("Vary"); !strings.Contains(v, "Accept-Language") {
				t.Errorf("%s: Vary %q", path, v)
			}
		}
	}
}

// TestICRCNigerInFrench: the record reads "5 juin 2025" and "2 000 000"
// with narrow no-break spaces, by header and by ?lang=fr alike.
func TestICRCNigerInFrench(t *testing.T) {
	srv, _ := newTestServer(t)
	for _, c := range []struct{ target, header string }{
		{"/countries/NER/orgs/icrc", "fr-FR,fr;q=0.9"},
		{"/countries/NER/orgs/icrc?lang=fr", ""},
	} {
		rec := getLang(t, srv, c.target, c.header)
		body := rec.Body.String()
		for _, want := range []string{"5 juin 2025", "2\u202f000\u202f000", `lang="fr"`} {
			if !strings.Contains(body, want) {
				t.Errorf("%s (%q): no %q", c.target, c.header, want)
			}
		}
		if strings.Contains(body, "2,000,000") || strings.Contains(body, "Jun 2025") {
			t.Errorf("%s: English formats in the French page", c.target)
		}
	}
}

// TestLanguageCacheSeparation: French first, then an English reader (no
// header, an English header, a malformed one) of the same addresses still
// gets English; and ?lang=fr without a header gives French.
func TestLanguageCacheSeparation(t *testing.T) {
	srv, _ := newTestServer(t)
	for _, path := range frenchPages {
		if rec := getLang(t, srv, path, "fr-FR,fr;q=0.9"); !strings.Contains(rec.Body.String(), `<html lang="fr"`) {
			t.Fatalf("%s: not French", path)
		}
		for _, h := range []string{"", "en-GB,en;q=0.9", "fr-FR;q=abc,,;;=", "de-DE"} {
			rec := getLang(t, srv, path, h)
			if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `<html lang="en"`) {
				t.Errorf("%s with %q after a French reader: status %d, not English", path, h, rec.Code)
			}
		}
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		if rec := getLang(t, srv, path+sep+"lang=fr", "en-GB"); !strings.Contains(rec.Body.String(), `<html lang="fr"`) {
			t.Errorf("%s?lang=fr: not French", path)
		}
		if rec := getLang(t, srv, path+sep+"lang=en", "fr-FR"); !strings.Contains(rec.Body.String(), `<html lang="en"`) {
			t.Errorf("%s?lang=en with a French header: not English", path)
		}
	}
}

// TestLinksKeepLang: on a page asked for with ?lang=fr, every link to
// another page of the site keeps lang=fr and every GET form carries it;
// links to the API, exports and static files do not change.
func TestLinksKeepLang(t *testing.T) {
	srv, _ := newTestServer(t)
	for _, path := range []string{"/?lang=fr", "/changes?lang=fr", "/countries?lang=fr", "/countries/NER/orgs/icrc?lang=fr"} {
		doc := parse(t, getLang(t, srv, path, ""))
		n := 0
		doc.Find("a[href^='/']").Each(func(_ int, a *goquery.Selection) {
			href, _ := a.Attr("href")
			n++
			machine := strings.HasPrefix(href, "/api/") || strings.HasPrefix(href, "/export/") || strings.HasPrefix(href, "/static/")
			if machine == strings.Contains(href, "lang=") && !strings.Contains(href, "lang=en") {
				t.Errorf("%s: link %q", path, href)
			}
		})
		if n < 10 {
			t.Errorf("%s: only %d links", path, n)
		}
		doc.Find("form").Each(func(_ int, f *goquery.Selection) {
			if m, _ := f.Attr("method"); m == "get" || m == "" {
				if v, _ := f.Find(`input[name="lang"]`).Attr("value"); v != "fr" {
					t.Errorf("%s: a GET form without lang=fr", path)
				}
			}
		})
	}
	// a page chosen by the header needs no rewriting: its links are plain
	doc := parse(t, getLang(t, srv, "/", "fr"))
	if href, _ := doc.Find(`a[href^="/countries/"]`).First().Attr("href"); strings.Contains(href, "lang=") {
		t.Errorf("header-chosen page rewrote %q", href)
	}
}

func TestKeepLangRewrite(t *testing.T) {
	in := `<p><a href="/countries?flagged=1">x</a> <a href="/orgs">y</a> <a href="https://example.org/">z</a> <a href="//evil">e</a>` +
		`<a href="/api/v1/records">api</a><a href="/changes?lang=en">en</a><a href="#main">skip</a></p>` +
		`<form method="get" action="/changes"><input name="q"></form><form method="post" action="/admin/login"></form>`
	got := string(keepLang([]byte(in), "fr"))
	for _, want := range []string{`href="/countries?flagged=1&amp;lang=fr"`, `href="/orgs?lang=fr"`, `href="https://example.org/"`, `href="//evil"`,
		`href="/api/v1/records"`, `href="/changes?lang=en"`, `href="#main"`,
		`<form method="get" action="/changes"><input type="hidden" name="lang" value="fr">`, `action="/admin/login?lang=fr"`} {
		if !strings.Contains(got, want) {
			t.Errorf("no %s in\n%s", want, got)
		}
	}
}

// TestFrenchCountryOrder: /countries?sort=name in French sorts by the
// French names with French collation (Tchad under T, not C).
func TestFrenchCountryOrder(t *testing.T) {
	srv, _ := newTestServer(t)
	doc := parse(t, getLang(t, srv, "/countries?sort=name&lang=fr", ""))
	var names []string
	doc.Find(`tr[data-country] th[scope="row"] > a`).Each(func(_ int, a *goquery.Selection) { names = append(names, a.Text()) })
	if len(names) < 5 {
		t.Fatalf("names: %v", names)
	}
	fr := i18n.MustLoadLanguages().Get("fr")
	for i := 1; i < len(names); i++ {
		if fr.Compare(names[i-1], names[i]) > 0 {
			t.Errorf("%q before %q", names[i-1], names[i])
		}
	}
	if !slices.Contains(names, "Tchad") && !slices.Contains(names, "Niger") {
		t.Errorf("French names expected: %v", names)
	}
}

// TestChosenLanguageSurvivesRedirects: a page's redirect to its canonical
// address keeps the language the reader chose with ?lang=; one chosen by
// the header needs none.
func TestChosenLanguageSurvivesRedirects(t *testing.T) {
	srv, _ := newTestServer(t)
	for target, want := range map[string]string{
		"/changes?country=NER&utm_source=x&lang=fr": "/changes?country=NER&lang=fr",
		"/countries?lang=en&fbclid=1":               "/countries?lang=en",
		"/changes?country=NER&utm_source=x":         "/changes?country=NER",
	} {
		rr := getLang(t, srv, target, "fr-FR")
		if rr.Code != http.StatusMovedPermanently || rr.Header().Get("Location") != want {
			t.Errorf("%s: %d to %q, want 301 to %s", target, rr.Code, rr.Header().Get("Location"), want)
		}
	}
	// An error page's links keep the choice as well.
	for _, target := range []string{"/countries/ZZZ?lang=fr", "/changes?since=garbage&lang=fr"} {
		rr := getLang(t, srv, target, "")
		links := parse(t, rr).Find(`a[href^="/"]`)
		if rr.Code < 400 || links.Length() < 3 {
			t.Errorf("%s: %d with %d links", target, rr.Code, links.Length())
		}
		links.Each(func(_ int, a *goquery.Selection) {
			if href := a.AttrOr("href", ""); !strings.Contains(href, "lang=") {
				t.Errorf("%s: link %q", target, href)
			}
		})
	}
	// Followed, the French redirect gives a French page.
	if doc := parse(t, getLang(t, srv, "/changes?country=NER&lang=fr", "")); doc.Find("html").AttrOr("lang", "") != "fr" {
		t.Error("the redirect's target is not French")
	}
}

// TestFrenchFeedLinksOpenFrenchPages: feed readers send no
// Accept-Language, so a French feed's links (self, alternate, every
// entry) name lang=fr, whether ?lang= or the header chose it; its ids do
// not change with the language; the English feed's links stay bare.
func TestFrenchFeedLinksOpenFrenchPages(t *testing.T) {
	srv, _ := newTestServer(t)
	type atom struct {
		ID    string `xml:"id"`
		Links []struct {
			Rel  string `xml:"rel,attr"`
			Href string `xml:"href,attr"`
		} `xml:"link"`
		Entries []struct {
			ID    string `xml:"id"`
			Links []struct {
				Href string `xml:"href,attr"`
			} `xml:"link"`
		} `xml:"entry"`
	}
	read := func(target, header string) (feed atom, hrefs []string) {
		t.Helper()
		rr := getLang(t, srv, target, header)
		if err := xml.Unmarshal(rr.Body.Bytes(), &feed); err != nil || rr.Code != http.StatusOK {
			t.Fatalf("%s: %d %v", target, rr.Code, err)
		}
		for _, l := range feed.Links {
			hrefs = append(hrefs, l.Href)
		}
		for _, e := range feed.Entries {
			for _, l := range e.Links {
				hrefs = append(hrefs, l.Href)
			}
		}
		if len(feed.Entries) < 10 {
			t.Fatalf("%s: %d entries", target, len(feed.Entries))
		}
		return feed, hrefs
	}
	english, enHrefs := read("/changes.atom?country=NER", "")
	for _, c := range []struct{ target, header string }{{"/changes.atom?country=NER&lang=fr", ""}, {"/changes.atom?country=NER", "fr-FR,fr;q=0.9"}} {
		french, hrefs := read(c.target, c.header)
		for _, h := range hrefs {
			u, err := url.Parse(h)
			if err != nil || u.Query().Get("lang") != "fr" {
				t.Errorf("%s (%s): link %q", c.target, c.header, h)
			}
		}
		if french.ID != english.ID || french.Entries[0].ID != english.Entries[0].ID {
			t.Errorf("ids change with the language: %s %s", french.ID, french.Entries[0].ID)
		}
	}
	for _, h := range enHrefs {
		if strings.Contains(h, "lang=") {
			t.Errorf("English feed link %q", h)
		}
	}
	// A French page, chosen by the header, advertises the French feed.
	doc := parse(t, getLang(t, srv, "/countries/NER", "fr-FR,fr;q=0.9"))
	if href := doc.Find(`link[type="application/atom+xml"]`).AttrOr("href", ""); href != "/changes.atom?country=NER&lang=fr" {
		t.Errorf("a French page advertises %q", href)
	}
	if href := parse(t, getLang(t, srv, "/countries/NER", "")).Find(`link[type="application/atom+xml"]`).AttrOr("href", ""); href != "/changes.atom?country=NER" {
		t.Errorf("an English page advertises %q", href)
	}
	// A French entry's link, followed, gives the French record page.
	_, hrefs := read("/changes.atom?country=NER&lang=fr", "")
	u, _ := url.Parse(hrefs[len(hrefs)-1])
	if doc := parse(t, getLang(t, srv, u.RequestURI(), "")); doc.Find("html").AttrOr("lang", "") != "fr" {
		t.Errorf("%s is not French", u.RequestURI())
	}
}

// TestFeedAndBadgeInFrench: the Atom feed's titles and a badge's label
// follow ?lang=fr; the JSON API stays English whatever the header.
func TestFeedAndBadgeInFrench(t *testing.T) {
	srv, _ := newTestServer(t)
	feed := getLang(t, srv, "/changes.atom?lang=fr", "").Body.String()
	if !strings.Contains(feed, "accesswatch\u00a0: évolution de l’accès humanitaire") || !strings.Contains(feed, "Expulsée") {
		t.Errorf("French feed: %.400s", feed)
	}
	if en := getLang(t, srv, "/changes.atom", "").Body.String(); !strings.Contains(en, "accesswatch: changes in humanitarian access") {
		t.Errorf("English feed after the French one: %.300s", en)
	}
	badge := getLang(t, srv, "/badge/NER/icrc.svg?lang=fr", "")
	if badge.Code != http.StatusOK || !strings.Contains(strings.ToLower(badge.Body.String()), "expulsée") {
		t.Errorf("French badge: %d %.300s", badge.Code, badge.Body.String())
	}
	api := getLang(t, srv, "/api/v1/countries/NER/orgs/icrc", "fr-FR,fr;q=0.9")
	if !strings.Contains(api.Body.String(), `"expelled"`) || strings.Contains(api.Body.String(), "Expulsée") {
		t.Errorf("API in French? %.300s", api.Body.String())
	}
}

// TestAdminRemembersLanguage: an editor who picks French with ?lang=fr gets
// the admin area in French from then on without it, even from a browser
// asking for English, until they pick English; the stored choice is in
// their account.
func TestAdminRemembersLanguage(t *testing.T) {
	st, clock := storetest.OpenSeeded(t)
	f := newAdminFixtureOver(t, st, clock, Options{})
	c := f.login("ed")
	htmlLang := func(rec *httptest.ResponseRecorder) string {
		l, _ := parse(t, rec).Find("html").Attr("lang")
		return l
	}
	if got := htmlLang(f.get("/admin/", c)); got != "en" {
		t.Fatalf("before choosing: %s", got)
	}
	if got := htmlLang(f.get("/admin/?lang=fr", c)); got != "fr" {
		t.Fatalf("?lang=fr: %s", got)
	}
	english := f.do(request{method: http.MethodGet, target: "/admin/orgs", cookie: c, header: map[string]string{"Accept-Language": "en-GB,en"}})
	if got := htmlLang(english); got != "fr" || !strings.Contains(english.Body.String(), "Organisations") {
		t.Errorf("after choosing French, an English browser gets %s", got)
	}
	if u, err := st.UserByName(t.Context(), "ed"); err != nil || u.Lang != "fr" {
		t.Errorf("account language %q %v", u.Lang, err)
	}
	_ = f.get("/admin/?lang=en", c)
	if got := htmlLang(f.get("/admin/", c)); got != "en" {
		t.Errorf("after choosing English again: %s", got)
	}
	// the login page follows the header before anyone logs in
	rec := f.do(request{method: http.MethodGet, target: "/admin/login", header: map[string]string{"Accept-Language": "fr-BE"}})
	if got := htmlLang(rec); got != "fr" {
		t.Errorf("login page with fr-BE: %s", got)
	}
}
