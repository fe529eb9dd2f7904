package site

import (
	"encoding/xml"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/web/httpkit"

	"github.com/accesswatch/accesswatch/templates"
)

// The Atom 1.0 feed (RFC 4287) of the change log: the newest events that the
// same filters as /changes select. It is data, not a page, so it is encoded
// with encoding/xml rather than a template.

const atomNS = "http://www.w3.org/2005/Atom"

type atomFeed struct {
	XMLName   xml.Name    `xml:"feed"`
	NS        string      `xml:"xmlns,attr"`
	Lang      string      `xml:"xml:lang,attr"`
	ID        string      `xml:"id"`
	Title     string      `xml:"title"`
	Subtitle  string      `xml:"subtitle"`
	Updated   string      `xml:"updated"`
	Links     []atomLink  `xml:"link"`
	Author    atomPerson  `xml:"author"`
	Generator string      `xml:"generator"`
	Entries   []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomEntry struct {
	ID         string         `xml:"id"`
	Title      string         `xml:"title"`
	Updated    string         `xml:"updated"`
	Published  string         `xml:"published"`
	Links      []atomLink     `xml:"link"`
	Categories []atomCategory `xml:"category"`
	Summary    atomText       `xml:"summary"`
}

type atomCategory struct {
	Term  string `xml:"term,attr"`
	Label string `xml:"label,attr,omitempty"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Text string `xml:",chardata"`
}

// ShowFeed serves /changes.atom.
func (s *Site) ShowFeed(w http.ResponseWriter, r *http.Request) error {
	q, spec, err := s.parseQueryWithRegions(r, feedSpec)
	if err != nil {
		return err
	}
	f, err := s.changeFilter(r.Context(), q)
	if err != nil {
		return err
	}
	// Readers follow what is new to them: the newest recorded first (a
	// 2009 fact entered today comes first), reviews that change nothing
	// left out unless asked for.
	f.Limit, f.ByEntry, f.SkipEmptyReviews = FeedEntries, true, !q.Reviews
	events, _, err := s.store.Changes(r.Context(), f)
	if err != nil {
		return err
	}
	// The title names the selection, as the pages that advertise the feed
	// title their <link rel="alternate">.
	title, err := s.feedTitle(r.Context(), q)
	if err != nil {
		return err
	}
	origin := s.kit.Origin(r)
	// Links name the feed's language when it must be kept (see
	// templates.FeedLang); the feed's and entries' ids do not.
	link := func(path string) string { return origin + path }
	if lang := templates.FeedLang(r.Context()); lang != "" {
		link = func(path string) string { return origin + templates.AddLang(path, lang) }
	}
	tag := "tag:" + tagAuthority(r.Host) + ",2025:accesswatch/"
	page := q
	page.Sort = changeSorts[0]
	feedID := tag + "changes"
	if enc := q.Values(spec).Encode(); enc != "" {
		feedID += "?" + enc
	}
	feed := atomFeed{
		NS:       atomNS,
		Lang:     s.l.Tag,
		ID:       feedID,
		Title:    title,
		Subtitle: s.l.T("site.tagline"),
		Links: []atomLink{
			{Rel: "self", Type: "application/atom+xml", Href: link(q.URL("/changes.atom", spec))},
			{Rel: "alternate", Type: "text/html", Href: link(page.URL("/changes", changesSpec(spec.Regions)))},
		},
		Author:    atomPerson{Name: s.l.T("site.name")},
		Generator: s.l.T("site.name"),
	}
	// The feed changed when the last entry was recorded (an event or a
	// correction), at day precision; an empty database dates it from the
	// start of today, which keeps its bytes (and ETag) stable for the day.
	for _, e := range events {
		feed.Entries = append(feed.Entries, s.feedEntry(link, tag, e))
	}
	asOf, err := s.store.DataAsOf(r.Context())
	if err != nil {
		return err
	}
	updated := asOf.LastEntry
	if updated.IsZero() {
		updated = httpkit.PublicDay(s.now())
	}
	feed.Updated = atomTime(updated)

	body, err := xml.MarshalIndent(feed, "", "  ")
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	_, _ = w.Write([]byte(xml.Header))
	_, err = w.Write(body)
	return err
}

// feedEntry is one event as an Atom entry, linked to its place in the
// record's (or, for a class-level measure, the country's) timeline; link
// makes a path of the site an absolute link.
func (s *Site) feedEntry(link func(string) string, tag string, e access.EventView) atomEntry {
	subject := s.l.Tf("dash.event.class_level_in", s.l.Country(e.CountryCode, e.CountryName))
	if !e.ClassLevel() {
		subject = s.l.Tf("dash.event.org_in", e.Org.Label(), s.l.Country(e.CountryCode, e.CountryName))
	}
	title := s.l.Tf("dash.feed.entry", s.l.Date(e.Date), subject, s.l.EventType(e.Type))
	if e.StatusAfter != "" {
		title = s.l.Tf("dash.feed.entry.status", title, s.l.Status(e.StatusAfter))
	}
	var summary []string
	fact := func(field, value string) {
		summary = append(summary, s.l.Tf("dash.feed.fact", s.l.Field(field), value))
	}
	if e.Authority != "" {
		fact("authority", e.Authority)
	}
	if e.Reason != "" {
		fact("reason", e.Reason)
	}
	if e.Reach != nil {
		fact("people", s.l.Tf("dash.feed.people", s.l.Number(e.Reach.People), s.l.ReachBasis(e.Reach.Basis)))
	}
	if e.Description != "" {
		summary = append(summary, e.Description)
	}
	for _, src := range e.Sources {
		if src.URL != "" {
			summary = append(summary, s.l.Tf("dash.feed.source", src.Publisher, src.URL))
		}
	}
	entry := atomEntry{
		ID:      tag + "event/" + strconv.FormatInt(e.ID, 10),
		Title:   title,
		Updated: atomTime(entryUpdated(e)),
		// Entered that day: editors' activity is public to the day only.
		Published: atomTime(e.EnteredAt),
		Links:     []atomLink{{Rel: "alternate", Type: "text/html", Href: link(feedLink(e))}},
		Summary:   atomText{Type: "text", Text: strings.Join(summary, " ")},
		Categories: []atomCategory{
			{Term: string(e.Type), Label: s.l.EventType(e.Type)},
			{Term: e.CountryCode, Label: e.CountryName},
		},
	}
	if e.StatusAfter != "" {
		entry.Categories = append(entry.Categories, atomCategory{Term: string(e.StatusAfter), Label: s.l.Status(e.StatusAfter)})
	}
	return entry
}

// entryUpdated is when an entry last changed: its correction, if any,
// else its entry.
func entryUpdated(e access.EventView) time.Time {
	if e.Correction != nil && e.Correction.At.After(e.EnteredAt) {
		return e.Correction.At
	}
	return e.EnteredAt
}

// feedLink is where an entry points: its record's or country's timeline.
func feedLink(e access.EventView) string {
	if e.ClassLevel() {
		return templates.CountryURL(e.CountryCode) + "#" + templates.EventAnchor(e.ID)
	}
	return templates.RecordURL(e.CountryCode, e.OrgSlug) + "#" + templates.EventAnchor(e.ID)
}

// atomTime writes an Atom date (RFC 3339, which requires a time of day) at
// day precision: midnight UTC of t's day (see httpkit.PublicDay).
func atomTime(t time.Time) string { return httpkit.PublicDay(t).Format(time.RFC3339) }

var dnsName = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$`)

// tagAuthority is the host name that mints the feed's tag: URIs (RFC 4151).
// A host that is not a DNS name (an IPv6 literal) falls back to a name
// that cannot belong to anyone else.
func tagAuthority(host string) string {
	name := strings.ToLower(host)
	if i := strings.LastIndexByte(name, ':'); i >= 0 && !strings.Contains(name[:i], ":") {
		name = name[:i]
	}
	if !dnsName.MatchString(name) {
		return "accesswatch.invalid"
	}
	return name
}
