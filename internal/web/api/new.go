// Package api is accesswatch's open data: the read-only JSON API under
// /api/v1/, its OpenAPI description, and the CSV exports. Errors are
// answered as problems (RFC 9457), never as HTML pages.
package api

import (
	"context"
	"net/http"
	"time"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/i18n"
	"github.com/accesswatch/accesswatch/internal/opendata"
	"github.com/accesswatch/accesswatch/internal/store"
	"github.com/accesswatch/accesswatch/internal/web/httpkit"
)

// Store is what the JSON API and the CSV exports read.
type Store interface {
	opendata.RefStore
	opendata.Source
	Orgs(ctx context.Context) ([]access.Org, error)
	Record(ctx context.Context, country, slug string) (access.RecordView, error)
	Events(ctx context.Context, f store.EventFilter) ([]access.EventView, int, error)
	// ClassMeasureCounts counts the class-level measures in force by country.
	ClassMeasureCounts(ctx context.Context) (map[string]int, error)
	// Now is the store's clock, ReviewAfter how long a record may go
	// unconfirmed: the time rules are applied with them.
	Now() time.Time
	ReviewAfter() time.Duration
}

// ExportSlot takes one of the slots of CSV exports rendering at once and
// returns the function that gives it back; when none frees in time it has
// answered the request itself (503) and returns ok false.
type ExportSlot func(w http.ResponseWriter, r *http.Request) (release func(), ok bool)

// API serves the JSON API and the CSV exports.
type API struct {
	store      Store
	kit        *httpkit.Kit
	l          *i18n.Locale
	labels     access.SearchLabels // every language's words, for q
	exportSlot ExportSlot
}

// New returns the API over st, answering with kit, matching search text
// against labels (every language's: q=expulsé selects expelled records);
// exports render only once exportSlot grants them a slot.
func New(st Store, kit *httpkit.Kit, labels access.SearchLabels, exportSlot ExportSlot) *API {
	return &API{store: st, kit: kit, l: kit.L, labels: labels, exportSlot: exportSlot}
}
