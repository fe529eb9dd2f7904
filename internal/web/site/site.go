// Package site is accesswatch's public face: the overview, the country,
// organisation and record pages, the change log and its Atom feed, the
// world map and the status badges. Its handlers render; the router
// (package web) decides caching and limits.
package site

import (
	"context"
	"sync"
	"time"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/geo"
	"github.com/accesswatch/accesswatch/internal/i18n"
	"github.com/accesswatch/accesswatch/internal/opendata"
	"github.com/accesswatch/accesswatch/internal/store"
	"github.com/accesswatch/accesswatch/internal/web/httpkit"
	"github.com/accesswatch/accesswatch/templates"
)

// Store is what the public pages read.
type Store interface {
	Headline(ctx context.Context, recentSince access.Date) (access.Headline, error)
	Regions(ctx context.Context) ([]string, error)
	CountrySummaries(ctx context.Context, f store.CountryFilter) ([]access.CountrySummary, int, error)
	CountrySummary(ctx context.Context, code string) (access.CountrySummary, error)
	OrgSummaries(ctx context.Context, f store.OrgFilter) ([]access.OrgSummary, int, error)
	OrgSummary(ctx context.Context, slug string) (access.OrgSummary, error)
	UnflaggedRecords(ctx context.Context, limit int) ([]access.RecordView, int, error)
	Changes(ctx context.Context, f store.ChangeFilter) ([]access.EventView, int, error)
	Records(ctx context.Context, f store.RecordFilter) ([]access.RecordView, int, error)
	Record(ctx context.Context, country, slug string) (access.RecordView, error)
	Sources(ctx context.Context, eventIDs []int64) (map[int64][]access.Source, error)
	TrendEvents(ctx context.Context, country string) ([]access.Event, error)
	DataAsOf(ctx context.Context) (access.DataAsOf, error)
	ReviewAfter() time.Duration
	ClassMeasuresInForce(ctx context.Context, country string) ([]access.ClassMeasure, error)
	ClassMeasureCounts(ctx context.Context) (map[string]int, error)
	Orgs(ctx context.Context) ([]access.Org, error)
	EventCountries(ctx context.Context) ([]access.Country, error)
	opendata.RefStore // the countries, organisations and regions filters name
}

// Site serves the public pages.
type Site struct {
	store Store
	kit   *httpkit.Kit
	l     *i18n.Locale
	// labels are the words of every language search text may name
	// (statuses, event types, countries...): a search finds them whatever
	// the page's language.
	labels access.SearchLabels
	now    func() time.Time           // the site's one clock: "today", "the last 90 days"
	world  func() (*geo.World, error) // the projected map, built once on first use
	info   Info
	// contactHref links to info.Contact ("" when none or not valid); api
	// is info.OpenAPI as /data lists it, apiErr why it could not be read.
	contactHref string
	api         templates.APIDoc
	apiErr      error
}

// New returns the public pages over st, rendered with kit, dated by now
// (the same clock as the store's), searching labels, told info. The OpenAPI document is read
// here, once; a contact or document that cannot be read is logged and
// left out of the pages (cmd/accesswatch rejects a bad contact at start).
func New(st Store, kit *httpkit.Kit, now func() time.Time, labels access.SearchLabels, info Info) *Site {
	s := &Site{store: st, kit: kit, l: kit.L, labels: labels, now: now, world: sync.OnceValues(embeddedWorld), info: info}
	var err error
	if s.contactHref, err = ParseContact(info.Contact); err != nil {
		kit.Log.Error("corrections contact ignored", "err", err)
	}
	if s.api, s.apiErr = apiDoc(info.OpenAPI); s.apiErr != nil {
		kit.Log.Error("OpenAPI document unreadable: /data lists no endpoints", "err", s.apiErr)
	}
	return s
}

// InLanguage returns the public pages written with kit (whose locale
// they take): one Site per language, made once at start, sharing the
// store, clock, map and API description. The router picks one per
// request, so handlers keep writing s.l and s.kit.
func (s *Site) InLanguage(kit *httpkit.Kit) *Site {
	c := *s
	c.kit, c.l = kit, kit.L
	return &c
}

// page is the layout's values for a public page: the kit's, with how
// current the data is (the footer's "Data as of" line).
func (s *Site) page(ctx context.Context, title, section string) (templates.Page, error) {
	p := s.kit.Page(title, section)
	asOf, err := s.store.DataAsOf(ctx)
	if err != nil {
		return p, err
	}
	p.AsOf = asOf
	return p, nil
}
