package httpkit

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/store"
	"github.com/accesswatch/accesswatch/internal/web/query"
)

// EventSelection is the store filter of an events query, the one
// translation /changes, /changes.atom, /api/v1/events and
// /export/events.csv share; callers set the order and paging.
func EventSelection(q query.Query) store.ChangeFilter {
	return store.ChangeFilter{
		Country: q.Country, Org: q.Org, Statuses: q.Statuses, FlaggedOnly: q.Flagged, Region: q.Region,
		OrgType: q.OrgType, Types: q.Events, Query: q.Text, Since: q.Since, Until: q.Until,
	}
}

// RefStore answers whether the things a query names exist.
type RefStore interface {
	Country(ctx context.Context, code string) (access.Country, error)
	Org(ctx context.Context, slug string) (access.Org, error)
	Countries(ctx context.Context) ([]access.Country, error)
}

// CheckRefs checks that the country, organisation and region a parsed query
// names exist, adding a problem to qe for each that does not, and gives the
// region its stored spelling (regions match whatever their case). A filter
// naming nothing is an error, not an empty answer, so that a mistyped code
// is not mistaken for "no data".
func CheckRefs(ctx context.Context, st RefStore, q *query.Query, qe *query.Error) error {
	if q.Country != "" {
		if _, err := st.Country(ctx, q.Country); errors.Is(err, store.ErrNotFound) {
			qe.Add(query.Problem{Param: query.Country, Value: q.Country, Code: query.CodeCountryUnknown, Allowed: []string{"NER"}})
		} else if err != nil {
			return err
		}
	}
	if q.Org != "" {
		if _, err := st.Org(ctx, q.Org); errors.Is(err, store.ErrNotFound) {
			qe.Add(query.Problem{Param: query.Org, Value: q.Org, Code: query.CodeOrgUnknown, Allowed: []string{"icrc"}})
		} else if err != nil {
			return err
		}
	}
	if q.Region != "" {
		regions, err := KnownRegions(ctx, st)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(regions, func(r string) bool { return strings.EqualFold(r, q.Region) })
		if i < 0 {
			qe.Add(query.Problem{Param: query.Region, Value: q.Region, Code: query.CodeRegion, Allowed: regions})
		} else {
			q.Region = regions[i]
		}
	}
	return nil
}

// KnownRegions lists the regions of the country list, sorted.
func KnownRegions(ctx context.Context, st RefStore) ([]string, error) {
	countries, err := st.Countries(ctx)
	if err != nil {
		return nil, err
	}
	var regions []string
	for _, c := range countries {
		if c.Region != "" && !slices.Contains(regions, c.Region) {
			regions = append(regions, c.Region)
		}
	}
	slices.Sort(regions)
	return regions, nil
}

// Strs converts a vocabulary to plain strings.
func Strs[T ~string](values []T) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = string(v)
	}
	return out
}

// PublicDay is t at the precision public outputs give editors' activity:
// the start (00:00:00 UTC) of its day. An hour or second would tell anyone
// watching when, and so perhaps who, recorded a government's measure.
func PublicDay(t time.Time) time.Time { return t.UTC().Truncate(24 * time.Hour) }
