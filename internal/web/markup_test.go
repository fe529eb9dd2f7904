package web

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
)

// voidElements have no end tag.
var voidElements = []string{"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

// blockInP are elements a <p> cannot hold (a browser would close the
// paragraph before them, and the page would not be what its markup says).
var blockInP = []string{"address", "article", "aside", "blockquote", "details", "div", "dl", "fieldset", "figure", "footer",
	"form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "main", "nav", "ol", "p", "pre", "section", "table", "ul"}

// interactive are elements a link or a button cannot hold.
var interactive = []string{"a", "button", "details", "input", "select", "textarea", "label"}

// markupProblems reads a page's markup as written (not as a browser
// repairs it): every element closed in order, no duplicate attribute, no
// block inside a paragraph, nothing interactive inside a link or a button.
func markupProblems(body string) []string {
	var out []string
	var stack []string
	z := html.NewTokenizer(strings.NewReader(body))
	inSVG := 0
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			if len(stack) > 0 {
				out = append(out, "unclosed: "+strings.Join(stack, " > "))
			}
			return out
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			name := tok.Data
			seen := map[string]bool{}
			for _, a := range tok.Attr {
				if seen[a.Key] {
					out = append(out, "<"+name+"> repeats "+a.Key)
				}
				seen[a.Key] = true
			}
			if name == "svg" {
				inSVG++
			}
			if slices.Contains(stack, "p") && slices.Contains(blockInP, name) && inSVG == 0 {
				out = append(out, "<"+name+"> inside <p>: "+strings.Join(stack, " > "))
			}
			if (slices.Contains(stack, "a") || slices.Contains(stack, "button")) && slices.Contains(interactive, name) {
				out = append(out, "<"+name+"> inside a link or button: "+strings.Join(stack, " > "))
			}
			if tt == html.SelfClosingTagToken && inSVG > 0 || slices.Contains(voidElements, name) {
				if name == "svg" {
					inSVG--
				}
				continue
			}
			stack = append(stack, name)
		case html.EndTagToken:
			name := z.Token().Data
			if len(stack) == 0 || stack[len(stack)-1] != name {
				out = append(out, "</"+name+"> closes "+strings.Join(stack, " > "))
				continue
			}
			stack = stack[:len(stack)-1]
			if name == "svg" {
				inSVG--
			}
		}
	}
}

// accessibilityProblems checks what a reader with assistive technology
// relies on: the language, one title, one main landmark and one h1,
// headings that do not skip a level going down, unique ids that every
// reference (label for, aria-labelledby, aria-describedby, in-page link)
// finds, a name for every form control, text for every image, and a
// caption or label for every table.
func accessibilityProblems(doc *goquery.Document) []string {
	var out []string
	if doc.Find("html").AttrOr("lang", "") == "" {
		out = append(out, "no lang on <html>")
	}
	if n := doc.Find("head title").Length(); n != 1 || strings.TrimSpace(doc.Find("head title").Text()) == "" {
		out = append(out, "not one non-empty <title>")
	}
	if n := doc.Find("main").Length(); n != 1 {
		out = append(out, "main landmarks: "+itoa(int64(n)))
	}
	if n := doc.Find("h1").Length(); n != 1 {
		out = append(out, "h1 elements: "+itoa(int64(n)))
	}
	prev := 0
	doc.Find("main h1, main h2, main h3, main h4, main h5, main h6").Each(func(_ int, h *goquery.Selection) {
		level := int(goquery.NodeName(h)[1] - '0')
		if prev > 0 && level > prev+1 {
			out = append(out, goquery.NodeName(h)+" after h"+itoa(int64(prev))+": "+flat(h))
		}
		prev = level
	})
	ids := map[string]int{}
	doc.Find("[id]").Each(func(_ int, e *goquery.Selection) { ids[e.AttrOr("id", "")]++ })
	for id, n := range ids {
		if n > 1 {
			out = append(out, "id "+id+" used "+itoa(int64(n))+" times")
		}
	}
	refer := func(what, ref string) {
		for _, id := range strings.Fields(ref) {
			if ids[id] == 0 {
				out = append(out, what+" names a missing id "+id)
			}
		}
	}
	doc.Find("label[for]").Each(func(_ int, e *goquery.Selection) { refer("label for", e.AttrOr("for", "")) })
	doc.Find("[aria-labelledby]").Each(func(_ int, e *goquery.Selection) { refer("aria-labelledby", e.AttrOr("aria-labelledby", "")) })
	doc.Find("[aria-describedby]").Each(func(_ int, e *goquery.Selection) { refer("aria-describedby", e.AttrOr("aria-describedby", "")) })
	doc.Find(`a[href^="#"]`).Each(func(_ int, e *goquery.Selection) {
		if href := e.AttrOr("href", ""); len(href) > 1 {
			refer("link", href[1:])
		}
	})
	doc.Find(`input:not([type="hidden"]):not([type="submit"]), select, textarea`).Each(func(_ int, e *goquery.Selection) {
		id := e.AttrOr("id", "")
		named := e.Closest("label").Length() > 0 || e.AttrOr("aria-label", "") != "" || e.AttrOr("aria-labelledby", "") != "" ||
			id != "" && doc.Find(`label[for="`+id+`"]`).Length() > 0
		if !named {
			out = append(out, "<"+goquery.NodeName(e)+" name="+e.AttrOr("name", "")+"> has no label")
		}
	})
	doc.Find("img").Each(func(_ int, e *goquery.Selection) {
		if _, ok := e.Attr("alt"); !ok {
			out = append(out, "<img src="+e.AttrOr("src", "")+"> has no alt")
		}
	})
	doc.Find("a").Each(func(_ int, e *goquery.Selection) {
		if flat(e) == "" && e.AttrOr("aria-label", "") == "" && e.Find("img[alt], svg title, [aria-label]").Length() == 0 {
			out = append(out, "a link without words: "+e.AttrOr("href", ""))
		}
	})
	doc.Find("main table").Each(func(_ int, e *goquery.Selection) {
		if e.Find("caption").Length() == 0 && e.AttrOr("aria-labelledby", "") == "" && e.AttrOr("aria-label", "") == "" {
			out = append(out, "a table without caption or label")
		}
	})
	return out
}

// Every kind of HTML page, /about and /data among them, passes the same
// markup and accessibility checks; so does the error page.
func TestEveryPagePassesTheMarkupAndAccessibilityChecks(t *testing.T) {
	f := newAdminFixture(t)
	ada := f.login("ada")
	pages := []struct {
		target string
		cookie *http.Cookie
		status int
	}{
		{"/map", nil, http.StatusOK}, {"/admin/login", nil, http.StatusOK}, {"/admin/", ada, http.StatusOK},
		{"/countries/XYZ", nil, http.StatusNotFound}, {"/changes?since=tomorrow", nil, http.StatusBadRequest},
		{"/changes?q=French&country=NER", nil, http.StatusOK},
	}
	for _, target := range dashboardPages {
		if !strings.HasSuffix(target, ".atom") {
			pages = append(pages, struct {
				target string
				cookie *http.Cookie
				status int
			}{target, nil, http.StatusOK})
		}
	}
	checked := map[string]bool{}
	for _, p := range pages {
		w := f.get(p.target, p.cookie)
		if w.Code != p.status {
			t.Errorf("%s: %d, want %d", p.target, w.Code, p.status)
			continue
		}
		for _, problem := range markupProblems(w.Body.String()) {
			t.Errorf("%s: markup: %s", p.target, problem)
		}
		for _, problem := range accessibilityProblems(parse(t, w)) {
			t.Errorf("%s: accessibility: %s", p.target, problem)
		}
		checked[p.target] = true
	}
	if !checked["/about"] || !checked["/data"] {
		t.Error("/about and /data were not checked")
	}
	// The checks can fail: a paragraph holding a list, a link in a link,
	// a label that names nothing and an unnamed control are found.
	bad := `<!DOCTYPE html><html><head><title>t</title></head><body><main><h1>x</h1><h3>y</h3><p><ul><li>a</li></ul></p>` +
		`<a href="/"><a href="/b">b</a></a><label for="nope">n</label><select name="s"></select></main></body></html>`
	if n := len(markupProblems(bad)); n < 2 {
		t.Errorf("markup check found %d problems in broken markup", n)
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(bad))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(accessibilityProblems(doc)); n < 4 {
		t.Errorf("accessibility check found %d problems in broken markup", n)
	}
}
