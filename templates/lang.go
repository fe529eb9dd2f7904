package templates

import (
	"context"
	"net/url"
	"slices"

	"github.com/accesswatch/accesswatch/internal/i18n"
)

// LangLink is the address of the current page in one language.
type LangLink struct {
	Tag, Label, Href string
}

// LangLinks are the current page's addresses in every language, for the
// layout's <link rel="alternate" hreflang> and its English / Français switch.
type LangLinks struct {
	Current string // the tag the page is written in
	// Explicit says the reader chose it with ?lang= (links must keep it).
	Explicit bool
	Links    []LangLink
}

type langLinksKey struct{}

// WithLangLinks returns ctx carrying the language links of the page at
// path?query (its lang parameter replaced in each link): the router puts
// them there, and the layout, rendered with that context, shows them.
func WithLangLinks(ctx context.Context, ls *i18n.Languages, current string, explicit bool, path string, query url.Values) context.Context {
	v := LangLinks{Current: current, Explicit: explicit}
	q := url.Values{}
	for k, vs := range query {
		if k != "lang" {
			q[k] = vs
		}
	}
	for _, l := range ls.All() {
		q.Set("lang", l.Tag)
		v.Links = append(v.Links, LangLink{Tag: l.Tag, Label: l.T("lang.self"), Href: path + "?" + q.Encode()})
	}
	return context.WithValue(ctx, langLinksKey{}, v)
}

// LangHref returns href with the page's language added when the reader
// chose it with ?lang= (for the admin area's forms, which the public
// pages' link rewriting does not reach).
func LangHref(ctx context.Context, href string) string {
	if v := langLinksFrom(ctx); v.Explicit {
		return href + "?lang=" + url.QueryEscape(v.Current)
	}
	return href
}

// AddLang returns href, an address of this site with or without a query
// and fragment, with lang=tag added to its query; one that names a lang
// already, or cannot be read, is returned as it is.
func AddLang(href, tag string) string {
	u, err := url.Parse(href)
	if err != nil || u.Query().Has("lang") {
		return href
	}
	if u.RawQuery != "" {
		u.RawQuery += "&"
	}
	u.RawQuery += "lang=" + url.QueryEscape(tag)
	return u.String()
}

// FeedLang is the language a feed's links name with lang=, "" for none:
// the feed's language when the reader chose it with ?lang= or when it is
// not the default. Feed readers send no Accept-Language, so a French
// feed's bare links would open English pages (and its self link, fetched
// again, an English feed).
func FeedLang(ctx context.Context) string {
	v := langLinksFrom(ctx)
	if v.Explicit || (v.Current != "" && v.Current != i18n.Tags[0]) {
		return v.Current
	}
	return ""
}

// regionsByName is regions (as the data names them, in English) in the
// order of their names in l's language, for a region picker.
func regionsByName(l *i18n.Locale, regions []string) []string {
	sorted := slices.Clone(regions)
	i18n.SortFunc(l, sorted, l.Region)
	return sorted
}

// TextLang is the lang attribute of an event's free text: the language
// it was recorded in, or "en" for text recorded before languages were
// (migration 0008), when the only way to enter it was in English.
func TextLang(tag string) string {
	if tag == "" {
		return "en"
	}
	return tag
}

// langLinksFrom returns the links WithLangLinks put in ctx (none outside
// a request: a component rendered alone shows no switch).
func langLinksFrom(ctx context.Context) LangLinks {
	v, _ := ctx.Value(langLinksKey{}).(LangLinks)
	return v
}
