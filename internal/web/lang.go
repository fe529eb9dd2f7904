package web

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"strings"

	"golang.org/x/net/html"

	"github.com/accesswatch/accesswatch/internal/i18n"
	"github.com/accesswatch/accesswatch/internal/web/httpkit"
	"github.com/accesswatch/accesswatch/internal/web/site"
	"github.com/accesswatch/accesswatch/templates"
)

// surface is what answers in one language: the kit (error pages) and the
// public pages, written in that language. One per language is made at
// start; they share the store and caches. (The admin area keeps its own,
// see admin.WithLanguages.)
type surface struct {
	kit  *httpkit.Kit
	site *site.Site
}

// chooseLang picks the language of a request: ?lang=fr or ?lang=en
// explicitly (explicit is true), else the Accept-Language header (q-values
// honoured; malformed or foreign: English). An unknown ?lang= value is
// ignored. This runs on every public request, cached or not: the query is
// parsed only when it mentions lang.
func (s *Server) chooseLang(r *http.Request) (l *i18n.Locale, explicit bool) {
	if strings.Contains(r.URL.RawQuery, "lang=") {
		if q, err := url.ParseQuery(r.URL.RawQuery); err == nil {
			if l := s.langs.Explicit(q.Get("lang")); l != nil {
				return l, true
			}
		}
	}
	return s.langs.FromHeader(r.Header.Get("Accept-Language")), false
}

// sitePage is a public page handler as a method expression of site.Site
// ((*site.Site).ShowOverview): the router calls it on the Site of the
// request's language.
type sitePage func(*site.Site, http.ResponseWriter, *http.Request) error

// page serves a public page in the reader's language through the page
// cache (see cachedBy): the cache key carries the language, an answer
// chosen by the header says Vary: Accept-Language, and on a page chosen
// by ?lang= every link to another page keeps that choice (keepLang).
func (s *Server) page(m sitePage) http.Handler { return s.pageBy(m, false) }

// pagePerOrigin is page for pages whose output names the request's origin
// (the feed, /about, /data): the origin is part of the cache key
// (cacheOptions.perOrigin).
func (s *Server) pagePerOrigin(m sitePage) http.Handler { return s.pageBy(m, true) }

// pageBy makes, once per route, a cached handler for each language and
// way of choosing it, so that serving a cached page allocates nothing for
// the language.
func (s *Server) pageBy(m sitePage, perOrigin bool) http.Handler {
	type choice struct {
		tag      string
		explicit bool
	}
	handlers := map[choice]http.Handler{}
	for _, l := range s.langs.All() {
		sf := s.surfaces[l.Tag]
		h := func(w http.ResponseWriter, r *http.Request) error { return m(sf.site, w, r) }
		for _, explicit := range []bool{false, true} {
			opt := cacheOptions{perOrigin: perOrigin, kit: sf.kit, lang: l.Tag, byHeader: !explicit}
			if !explicit && l != s.langs.Default() {
				opt.keyPrefix = l.Tag + "|"
			}
			if explicit {
				opt.rewrite = func(body []byte) []byte { return keepLang(body, l.Tag) }
				opt.location = func(to string) string {
					if with, ok := withLang(to, l.Tag); ok {
						return with
					}
					return to
				}
			}
			// the language links are made only when the page is
			// rendered, not on a cache hit
			opt.request = func(r *http.Request) *http.Request {
				r = r.WithContext(templates.WithLangLinks(r.Context(), s.langs, l.Tag, explicit, r.URL.Path, r.URL.Query()))
				return withoutLang(r)
			}
			handlers[choice{l.Tag, explicit}] = s.cachedWith(h, opt)
		}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l, explicit := s.chooseLang(r)
		handlers[choice{l.Tag, explicit}].ServeHTTP(w, r)
	})
}

// withoutLang hands the pages a request without its lang parameter: the
// router has used it, and the pages' own query checks (which redirect
// away parameters they do not take) need not know it.
func withoutLang(r *http.Request) *http.Request {
	if !strings.Contains(r.URL.RawQuery, "lang=") {
		return r
	}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return r
	}
	q.Del("lang")
	u := *r.URL
	u.RawQuery = q.Encode()
	r.URL = &u
	return r
}

// keepLang adds lang=tag to every link of an HTML page that leads to
// another page of this site, and a hidden lang field to every GET form,
// so that a reader who chose a language with ?lang= keeps it from page to
// page.
//
// Why rewrite the rendered HTML rather than build every href with a
// helper: the templates hold well over a hundred links, written by several
// people at once; a helper must be remembered at each of them, and a
// forgotten one silently drops the reader back into the browser's
// language. Rewriting once, at render time, covers every link present and
// future, costs nothing on a cache hit (the rewritten page is what is
// cached), and is only done for pages asked for with ?lang= (a reader
// whose language comes from the header keeps it without help). It works
// on tokens from golang.org/x/net/html, never on text with regular
// expressions: only the href of <a>, of the Atom feed's <link> and the
// action of <form> change, and
// every other byte is copied as it came.
func keepLang(body []byte, tag string) []byte {
	z := html.NewTokenizer(bytes.NewReader(body))
	var out bytes.Buffer
	out.Grow(len(body) + len(body)/50)
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			if z.Err() == io.EOF {
				return out.Bytes()
			}
			return body // not HTML we can read: leave it as it is
		}
		raw := z.Raw()
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			out.Write(raw)
			continue
		}
		tok := z.Token()
		switch tok.Data {
		case "a":
			if i := attrIndex(tok, "href"); i >= 0 {
				if href, ok := withLang(tok.Attr[i].Val, tag); ok {
					tok.Attr[i].Val = href
					out.WriteString(tok.String())
					continue
				}
			}
		case "link":
			// a feed advertised for autodiscovery: a reader subscribing from
			// a French page gets the French feed, as its Download block does
			if i, t := attrIndex(tok, "href"), attrIndex(tok, "type"); i >= 0 && t >= 0 && tok.Attr[t].Val == "application/atom+xml" {
				if href, ok := withLang(tok.Attr[i].Val, tag); ok {
					tok.Attr[i].Val = href
					out.WriteString(tok.String())
					continue
				}
			}
		case "form":
			if i := attrIndex(tok, "method"); i < 0 || strings.EqualFold(tok.Attr[i].Val, "get") {
				// a GET form replaces the query with its fields: carry
				// lang as one of them
				out.Write(raw)
				out.WriteString(`<input type="hidden" name="lang" value="` + html.EscapeString(tag) + `">`)
				continue
			}
			if i := attrIndex(tok, "action"); i >= 0 {
				if action, ok := withLang(tok.Attr[i].Val, tag); ok {
					tok.Attr[i].Val = action
					out.WriteString(tok.String())
					continue
				}
			}
		}
		out.Write(raw)
	}
}

func attrIndex(t html.Token, name string) int {
	for i, a := range t.Attr {
		if a.Key == name && a.Namespace == "" {
			return i
		}
	}
	return -1
}

// withLang adds lang=tag to href if it is a page of this site: a path
// starting with one "/", outside the machine-readable and static
// addresses, that has no lang yet.
func withLang(href, tag string) (string, bool) {
	if !strings.HasPrefix(href, "/") || strings.HasPrefix(href, "//") {
		return "", false
	}
	for _, p := range []string{"/static/", "/api/", "/export/", "/metrics", "/healthz", "/readyz"} {
		if strings.HasPrefix(href, p) {
			return "", false
		}
	}
	with := templates.AddLang(href, tag)
	return with, with != href
}
