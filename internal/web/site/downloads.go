package site

import (
	"context"
	"slices"

	"github.com/accesswatch/accesswatch/internal/opendata"
	"github.com/accesswatch/accesswatch/internal/query"
	"github.com/accesswatch/accesswatch/templates"
)

// The open-data addresses a page's Download block links to. Their links are
// built from the page's parsed query (query.Query.URL), never by pasting the
// page's query string: a page parameter a download does not take would
// otherwise be dropped without a word (see TestDownloadsCarryEveryFilter).
const (
	recordsCSV       = "/export/records.csv"
	eventsCSV        = "/export/events.csv"
	classMeasuresCSV = "/export/class-measures.csv"
	recordsJSON      = "/api/v1/records"
	eventsJSON       = "/api/v1/events"
	classJSON        = "/api/v1/class-measures"
	feedPath         = "/changes.atom"
)

// with is spec also taking the parameters extra.
func with(spec query.Spec, extra ...string) query.Spec {
	spec.Params = append(slices.Clone(spec.Params), extra...)
	return spec
}

// selection is q without what only shapes a page (order, page number): what
// a download selects.
func selection(q query.Query) query.Query {
	q.Page, q.Sort, q.Limit, q.Offset, q.Ignored = 1, "", 0, 0, nil
	return q
}

// links are the CSV, CSV for Excel and JSON addresses of the selection q
// for an export (csv, spec) and an API list (json, jsonSpec): downloads are
// whole, not paged; a paged API list (jsonSpec takes limit) is asked for
// its largest page, query.MaxLimit items.
func links(q query.Query, csv string, spec query.Spec, json string, jsonSpec query.Spec) templates.DownloadSet {
	q = selection(q)
	excel, whole := q, q
	excel.BOM, whole.Limit = true, query.MaxLimit
	return templates.DownloadSet{
		CSV:      q.URL(csv, spec),
		ExcelCSV: excel.URL(csv, with(spec, query.BOM)),
		JSON:     whole.URL(json, jsonSpec),
	}
}

// recordDownloads are the downloads of the records q selects.
func recordDownloads(q query.Query) templates.DownloadSet {
	d := links(q, recordsCSV, opendata.RecordExportSpec, recordsJSON, with(opendata.RecordExportSpec, query.Limit))
	d.Kind = "records"
	return d
}

// classMeasureDownloads are the downloads of the class-level measures q
// selects.
func classMeasureDownloads(q query.Query) templates.DownloadSet {
	d := links(q, classMeasuresCSV, opendata.ClassMeasureSpec, classJSON, opendata.ClassMeasureSpec)
	d.Kind = "class-measures"
	return d
}

// changeDownloads are the downloads of the events q selects, with the
// feed of the same selection titled title.
func changeDownloads(q query.Query, feed templates.FeedLink) templates.DownloadSet {
	d := links(q, eventsCSV, opendata.EventExportSpec, eventsJSON, with(opendata.EventExportSpec, query.Limit))
	d.Kind, d.Atom, d.AtomTitle = "changes", feed.URL, feed.Title
	return d
}

// feedLink is the feed of the events q selects, in the page's language,
// titled as the feed titles itself (see feedTitle).
func (s *Site) feedLink(ctx context.Context, q query.Query, regions []string) (templates.FeedLink, error) {
	q = selection(q)
	title, err := s.feedTitle(ctx, q)
	if err != nil {
		return templates.FeedLink{}, err
	}
	u := feedURL(q, regions)
	if lang := templates.FeedLang(ctx); lang != "" {
		// a French page advertises the French feed, which a feed reader
		// (sending no Accept-Language) gets only by asking for it
		u = templates.AddLang(u, lang)
	}
	return templates.FeedLink{URL: u, Title: title}, nil
}

// feedURL is the address of the feed of the events q selects.
func feedURL(q query.Query, regions []string) string {
	return selection(q).URL(feedPath, feedSpec(regions))
}

// feedTitle names the selection of a feed: "accesswatch — changes in
// Niger", composed from catalogue messages so that a translation words it
// its own way. The feed of every change keeps the site's feed title.
func (s *Site) feedTitle(ctx context.Context, q query.Query) (string, error) {
	if !q.Filtered() && !q.Reviews {
		return s.l.T("dash.feed.title"), nil
	}
	var country, org string
	if q.Country != "" {
		c, err := s.store.Country(ctx, q.Country)
		if err != nil {
			return "", err
		}
		country = c.Name
	} else if q.Region != "" {
		country = q.Region
	}
	if q.Org != "" {
		o, err := s.store.Org(ctx, q.Org)
		if err != nil {
			return "", err
		}
		org = o.Label()
	}
	var sel string
	switch {
	case org != "" && country != "":
		sel = s.l.Tf("dash.feed.sel.org_in", org, country)
	case org != "":
		sel = s.l.Tf("dash.feed.sel.org", org)
	case country != "":
		sel = s.l.Tf("dash.feed.sel.country", country)
	default:
		sel = s.l.T("dash.feed.sel.all")
	}
	var narrowed []string
	if q.Country != "" && q.Region != "" {
		narrowed = append(narrowed, q.Region)
	}
	if q.OrgType != "" {
		narrowed = append(narrowed, s.l.OrgType(q.OrgType))
	}
	for _, st := range q.Statuses {
		narrowed = append(narrowed, s.l.Status(st))
	}
	if q.Flagged {
		narrowed = append(narrowed, s.l.T("dash.feed.sel.flagged"))
	}
	for _, e := range q.Events {
		narrowed = append(narrowed, s.l.EventType(e))
	}
	if !q.Since.IsZero() {
		narrowed = append(narrowed, s.l.Tf("dash.feed.sel.since", s.l.Date(q.Since)))
	}
	if !q.Until.IsZero() {
		narrowed = append(narrowed, s.l.Tf("dash.feed.sel.until", s.l.Date(q.Until)))
	}
	if q.Text != "" {
		narrowed = append(narrowed, s.l.Tf("dash.feed.sel.text", q.Text))
	}
	if q.Reviews {
		narrowed = append(narrowed, s.l.T("dash.feed.sel.reviews"))
	}
	if len(narrowed) > 0 {
		list := narrowed[0]
		for _, n := range narrowed[1:] {
			list = s.l.Tf("dash.feed.sel.list", list, n)
		}
		sel = s.l.Tf("dash.feed.sel.narrowed", sel, list)
	}
	return s.l.Tf("dash.feed.title.selection", s.l.T("site.name"), sel), nil
}

// listDownloads fills the Download block of a list of countries or
// organisations (q its parsed query): the records of the listed items, with
// the page's filters, and the feed of their changes. The feed takes only
// the filters that mean the same for events (region, organisation type): a
// status, "flagged" or search text reads an event's own status and words,
// not its record's, so a list narrowed by them has no feed of its own and
// advertises the feed of every change. It returns the feed the page
// advertises (zero: every change's).
//
// A searched list has no download: its search text matches the countries'
// (organisations') names, while the records' q also matches the
// organisations' (countries') names, so the records download would hold
// more than the list. The block says so rather than link a different
// selection.
func (s *Site) listDownloads(ctx context.Context, q query.Query, regions []string, d *templates.Downloads) (templates.FeedLink, error) {
	if q.Text != "" {
		d.Unavailable = s.l.T("dash.download.searched")
		return templates.FeedLink{}, nil
	}
	records := recordDownloads(q)
	if len(q.Statuses) > 0 || q.Flagged || q.Text != "" {
		d.Sets = []templates.DownloadSet{records}
		return templates.FeedLink{}, nil
	}
	feed, err := s.feedLink(ctx, query.Query{Region: q.Region, OrgType: q.OrgType}, regions)
	if err != nil {
		return templates.FeedLink{}, err
	}
	records.Atom, records.AtomTitle = feed.URL, feed.Title
	d.Sets = []templates.DownloadSet{records}
	return feed, nil
}
