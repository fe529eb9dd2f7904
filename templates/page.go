// Package templates holds the templ components that render every page.
// Components take plain values (the view structs below, store views and
// domain values) and the language catalogue; they do no I/O.
package templates

import (
	"net/url"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/i18n"
)

// Page carries what the layout needs on every page.
type Page struct {
	L     *i18n.Locale
	Title string // the page's own title; the site name is appended
	// Section names the navigation entry to mark as current ("overview", ...).
	Section string
	// Asset maps a static file name to its versioned URL.
	Asset func(name string) string
	// AsOf says how current the data is, for the footer's "Data as of"
	// line; zero (no line) on pages that do not fill it.
	AsOf access.DataAsOf
	// Feed is the Atom feed of what the page shows, advertised in the
	// head for feed readers; zero advertises the feed of every change.
	Feed FeedLink
}

// feed is the feed a page advertises: its own, else every change's.
func (p Page) feed() FeedLink {
	if p.Feed.URL != "" {
		return p.Feed
	}
	return FeedLink{URL: "/changes.atom", Title: p.L.T("dash.feed.title")}
}

// RecordURL is the public page of one organisation in one country.
func RecordURL(country, slug string) string {
	return "/countries/" + url.PathEscape(country) + "/orgs/" + url.PathEscape(slug)
}

// CountryURL is the public page of a country.
func CountryURL(code string) string { return "/countries/" + url.PathEscape(code) }

// OrgURL is the public page of an organisation.
func OrgURL(slug string) string { return "/orgs/" + url.PathEscape(slug) }

// statusGlyphs are each status's second cue besides its colour: a shape
// that still tells statuses apart in grey print and to colour-blind
// readers. Plain text symbols (no emoji presentation), each distinct.
var statusGlyphs = map[access.Status]string{
	access.StatusOperating:      "✓",
	access.StatusRestricted:     "◐",
	access.StatusSuspended:      "‖",
	access.StatusBanned:         "⊘",
	access.StatusOrderedToLeave: "→",
	access.StatusExpelled:       "✕",
	access.StatusWithdrawn:      "↶",
	access.StatusUnknown:        "?",
}

// StatusGlyph is the symbol shown with a status's word and colour; "" for
// a value that is no status.
func StatusGlyph(s access.Status) string { return statusGlyphs[s] }

// badgeClass returns the CSS classes of a status badge.
func badgeClass(s access.Status, flagged bool) string {
	c := "badge badge--" + string(s)
	if flagged {
		c += " badge--flagged"
	}
	return c
}

// sourceLabel names a source: its publisher, else its title, else its type.
func sourceLabel(l *i18n.Locale, s access.Source) string {
	switch {
	case s.Publisher != "":
		if original, carrier, ok := s.Syndicated(); ok {
			return l.Tf("dash.source.via", original, carrier)
		}
		return s.Publisher
	case s.Title != "":
		return s.Title
	}
	return l.SourceType(s.Type)
}
