// Package synth generates a clearly synthetic dataset of any size, for
// benchmarks and load tests. Every organisation is named "Synthetic
// organisation NNNNN" with a slug starting "synthetic-", and every source
// points at example.org, so generated data can never be mistaken for real
// cases. The same seed always yields the same data.
package synth

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/store"
)

// Spec sizes a dataset.
type Spec struct {
	Records int    // organisation-in-country records
	Events  int    // events in all; at least one per record (its presence)
	Seed    uint64 // random seed
	Now     time.Time
}

// SlugPrefix starts the slug of every synthetic organisation.
const SlugPrefix = "synthetic-"

// Events returns the events of a synthetic dataset over the given countries,
// in an order that can be recorded one after another. Records are spread
// over organisations (about one per 8 records, so each works in several
// countries) and countries; each record starts with its presence and gets
// status changes, statements and reviews dated between 2015 and now.
func Events(spec Spec, countries []access.Country) ([]store.NewEvent, error) {
	if spec.Records <= 0 || spec.Events < spec.Records {
		return nil, fmt.Errorf("need at least one record and one event per record (records %d, events %d)", spec.Records, spec.Events)
	}
	if len(countries) == 0 {
		return nil, fmt.Errorf("no countries to place records in")
	}
	if spec.Now.IsZero() {
		spec.Now = time.Now()
	}
	rng := rand.New(rand.NewPCG(spec.Seed, spec.Seed^0x9e3779b97f4a7c15))
	orgCount := max(1, spec.Records/8)
	orgs := make([]access.Org, orgCount)
	types := []access.OrgType{access.OrgINGO, access.OrgNationalNGO, access.OrgUN, access.OrgRedCross}
	for i := range orgs {
		orgs[i] = access.Org{
			Slug:    fmt.Sprintf("%s%05d", SlugPrefix, i+1),
			Name:    fmt.Sprintf("Synthetic organisation %05d", i+1),
			Acronym: fmt.Sprintf("SYN%05d", i+1),
			Type:    types[i%len(types)],
		}
	}

	// Assign each record a distinct (country, organisation) pair.
	type pair struct{ country, org int }
	pairs := make([]pair, 0, spec.Records)
	for i := 0; len(pairs) < spec.Records; i++ {
		org := i % orgCount
		country := (i/orgCount*7919 + org*104729) % len(countries)
		pairs = append(pairs, pair{country, org})
		if i > spec.Records*len(countries) {
			return nil, fmt.Errorf("cannot place %d records in %d countries", spec.Records, len(countries))
		}
	}
	seen := map[pair]bool{}
	for i := range pairs {
		for seen[pairs[i]] {
			pairs[i].country = (pairs[i].country + 1) % len(countries)
		}
		seen[pairs[i]] = true
	}

	extra := spec.Events - spec.Records
	out := make([]store.NewEvent, 0, spec.Events)
	lastYear := spec.Now.Year()
	for i, p := range pairs {
		org := orgs[p.org]
		country := countries[p.country].Code
		since := 1980 + rng.IntN(max(1, 2014-1980))
		out = append(out, newEvent(i, country, org, access.Date{Year: since, Precision: access.PrecisionYear},
			access.EventPresenceRecorded, access.StatusOperating, "", since, nil))

		// Spread the remaining events evenly, the remainder to the first records.
		n := extra / spec.Records
		if i < extra%spec.Records {
			n++
		}
		day := time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rng.IntN(365*3))
		for range n {
			day = day.AddDate(0, 0, 1+rng.IntN(300))
			if day.After(spec.Now) || day.Year() > lastYear {
				day = spec.Now.AddDate(0, 0, -rng.IntN(30))
			}
			typ, status, by := step(rng)
			var reach *access.Reach
			if rng.IntN(3) == 0 {
				reach = &access.Reach{People: int64(1000 * (1 + rng.IntN(500))), Basis: access.ReachAnnual}
			}
			out = append(out, newEvent(i, country, org, access.DayOf(day), typ, status, by, 0, reach))
		}
	}
	return out, nil
}

// step picks what happens next to a record.
func step(rng *rand.Rand) (access.EventType, access.Status, access.InitiatedBy) {
	switch rng.IntN(10) {
	case 0:
		return access.EventSuspensionOrdered, access.StatusSuspended, access.InitiatedByAuthority
	case 1:
		return access.EventAuthorisationWithdrawn, access.StatusBanned, access.InitiatedByAuthority
	case 2:
		return access.EventOrderToLeaveIssued, access.StatusOrderedToLeave, access.InitiatedByAuthority
	case 3:
		return access.EventOfficesClosed, access.StatusExpelled, access.InitiatedByAuthority
	case 4:
		return access.EventRestrictionImposed, access.StatusRestricted, access.InitiatedByAuthority
	case 5:
		return access.EventResumptionAuthorised, access.StatusOperating, access.InitiatedByAuthority
	case 6:
		return access.EventSelfSuspension, access.StatusSuspended, access.InitiatedByOrganisation
	case 7:
		return access.EventPublicAccusation, "", access.InitiatedByAuthority
	case 8:
		return access.EventOrganisationStatement, "", access.InitiatedByOrganisation
	}
	return access.EventReviewed, "", ""
}

func newEvent(i int, country string, org access.Org, d access.Date, typ access.EventType, status access.Status, by access.InitiatedBy, presence int, reach *access.Reach) store.NewEvent {
	o := org
	return store.NewEvent{
		Event: access.Event{
			CountryCode: country, OrgSlug: org.Slug, Date: d, Type: typ, StatusAfter: status, InitiatedBy: by,
			PresenceSince: presence, Reach: reach,
			Description: "Synthetic event for load testing; not a real case.",
			Sources: []access.Source{{
				Publisher: "Synthetic data generator",
				URL:       fmt.Sprintf("https://example.org/synthetic/%d/%s", i, d.ISO()),
				Type:      access.SourceOther,
			}},
		},
		Org:             &o,
		ExpectedVersion: store.AnyVersion,
		Actor:           "synth",
	}
}
