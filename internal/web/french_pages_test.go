package web

import (
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
	ls := i18n.MustLoadLanguages()
	en, fr := ls.Get("en"), ls.Get("fr")
	var englishMessages []string
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
			englishMessages = append(englishMessages, best)
		}
	}
	if len(englishMessages) < 300 {
		t.Fatalf("only %d English messages to look for", len(englishMessages))
	}
	for _, path := range everyPageKind {
		rec := getLang(t, srv, path, "fr-FR,fr;q=0.9")
		doc := parse(t, rec)
		if lang, _ := doc.Find("html").Attr("lang"); lang != "fr" {
			t.Errorf("%s: status %d, <html lang=%q>", path, rec.Code, lang)
			continue
		}
		// English text rightly marked, file names and addresses in code,
		// organisations' full names under their acronyms
		doc.Find(`[lang="en"], script, style, code, th[scope="row"] .sub`).Remove()
		text := doc.Text()
		for _, m := range englishMessages {
			if strings.Contains(text, m) {
				t.Errorf("%s: English interface text %q", path, m)
			}
		}
		doc.Find(`title, h1, h2, h3, caption, th[scope="col"], label, button, legend, dt, summary, nav a, option, .figure .label`).Each(func(_ int, s *goquery.Selection) {
			if s.Is(`a[href^="/orgs/"], a[href*="/orgs/"]`) || s.Find(`a[href*="/orgs/"]`).Length() > 0 || s.Is("h1") && strings.Contains(path, "/orgs/") {
				return // an organisation's name
			}
			if fileName.MatchString(strings.TrimSpace(s.Text())) {
				return // a file to download, named as it is saved
			}
			if w := englishInterfaceWord.FindString(s.Text()); w != "" {
				t.Errorf("%s: English word %q in <%s> %q", path, w, goquery.NodeName(s), strings.TrimSpace(s.Text()))
			}
		})
	}
}

// enKeys lists the English catalogue's keys.
func enKeys(l *i18n.Locale) []string { return l.Keys() }
