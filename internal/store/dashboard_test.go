package store

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/accesswatch/accesswatch/internal/access"
)

func TestHeadlineAddsUpTheRecords(t *testing.T) {
	forEachEngine(t, func(t *testing.T, eng Engine) {
		s, _ := openSeededOn(t, eng)
		ctx := context.Background()
		since := access.MustParseDate("2025-06-01")
		h, err := s.Headline(ctx, since)
		if err != nil {
			t.Fatal(err)
		}
		// The same figures, worked out in Go from the plain lists.
		records, _, _ := s.Records(ctx, RecordFilter{})
		orgs, countries := map[string]bool{}, map[string]bool{}
		var flagged int
		var lost int64
		byBasis := map[access.ReachBasis]int64{}
		now := s.Now()
		for _, r := range records {
			lost += r.ReachLost()
			if r.FlaggedAt(now) {
				flagged++
				orgs[r.OrgSlug], countries[r.CountryCode] = true, true
			}
			if l := r.LostReachAt(now); l != nil {
				byBasis[l.Basis] += l.People
			}
		}
		events, _, _ := s.Events(ctx, EventFilter{})
		recent := 0
		for _, e := range events {
			if access.ChangesStatus(e.Event) && e.Date.ISO() >= since.ISO() {
				recent++
			}
		}
		want := [5]int64{int64(len(orgs)), int64(flagged), int64(len(countries)), lost, int64(recent)}
		got := [5]int64{int64(h.FlaggedOrgs), int64(h.FlaggedRecords), int64(h.CountriesAffected), h.PeopleLost, int64(h.RecentChanges)}
		if got != want {
			t.Errorf("headline %+v, want %+v", got, want)
		}
		if !maps.Equal(h.LostByBasis, byBasis) || len(byBasis) < 2 {
			t.Errorf("lost by basis %v, want %v", h.LostByBasis, byBasis)
		}
		for i, f := range h.LargestLost {
			if i > 0 && f.Reach.People > h.LargestLost[i-1].Reach.People || f.Reach.Basis == "" || f.Reported.IsZero() {
				t.Errorf("largest lost %+v", h.LargestLost)
			}
		}
		if h.WithFigure == 0 || h.WithoutFigure == 0 || h.AsOf.NewestEvent.ISO() != "2026-02-27" || h.AsOf.LastEntry.IsZero() {
			t.Errorf("with %d without %d as of %+v", h.WithFigure, h.WithoutFigure, h.AsOf)
		}
		// The bundled cases: ICRC 2,000,000 + Acted 1,000,000 in Niger, and two
		// Sudan figures; at least the ICRC's expulsion is recent.
		if h.PeopleLost < 3_000_000 || h.RecentChanges < 1 || h.FlaggedOrgs >= h.FlaggedRecords {
			t.Errorf("implausible headline %+v", h)
		}

		// A new status change inside the window is counted at once.
		acted, _ := s.Record(ctx, "NER", "acted")
		if _, err := s.RecordEvent(ctx, NewEvent{Event: access.Event{CountryCode: "NER", OrgSlug: "acted",
			Date: access.MustParseDate("2026-02-01"), Type: access.EventResumptionAuthorised, StatusAfter: access.StatusOperating,
			InitiatedBy: access.InitiatedByAuthority, Sources: []access.Source{{Publisher: "P", URL: "https://p.example/"}}},
			ExpectedVersion: acted.Version, Actor: "t"}); err != nil {
			t.Fatal(err)
		}
		after, _ := s.Headline(ctx, since)
		if after.RecentChanges != h.RecentChanges+1 || after.PeopleLost != h.PeopleLost-1_000_000 || after.FlaggedRecords != h.FlaggedRecords-1 {
			t.Errorf("after Acted resumed: %+v (before %+v)", after, h)
		}
	})
}

func TestCountrySummaries(t *testing.T) {
	forEachEngine(t, func(t *testing.T, eng Engine) {
		s, _ := openSeededOn(t, eng)
		ctx := context.Background()
		all, total, err := s.CountrySummaries(ctx, CountryFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if total != len(all) {
			t.Fatalf("total %d, rows %d", total, len(all))
		}
		byCode := map[string]access.CountrySummary{}
		for _, c := range all {
			byCode[c.Code] = c
		}
		// Every summary matches the records it stands for.
		for _, c := range all {
			recs, _, _ := s.Records(ctx, RecordFilter{Country: c.Code})
			flagged, lost := 0, int64(0)
			flags := map[access.Status]int{}
			for _, r := range recs {
				lost = max(lost, r.ReachLost()) // the largest single figure: bases are never added
				if r.FlaggedAt(s.Now()) {
					flagged++
					flags[r.Status]++
				}
			}
			measures, _, _ := s.Events(ctx, EventFilter{Country: c.Code, ClassLevelOnly: true})
			if c.Records != len(recs) || c.Flagged != flagged || c.ReachLost != lost || c.Measures != len(measures) {
				t.Errorf("%s: %+v; records %d flagged %d lost %d measures %d", c.Code, c, len(recs), flagged, lost, len(measures))
			}
			if len(flags) != len(c.Flags) {
				t.Errorf("%s flags %v, want %v", c.Code, c.Flags, flags)
			}
			for st, n := range flags {
				if c.Flags[st] != n {
					t.Errorf("%s flags %v, want %v", c.Code, c.Flags, flags)
				}
			}
		}
		ner := byCode["NER"]
		// The newest Niger entry is the class-level suspension of Nov 2025.
		if ner.ReachLost != 2_000_000 || ner.LastChange.ISO() != "2025-11" || ner.Flags[access.StatusExpelled] != 1 || ner.Measures != 2 {
			t.Errorf("Niger: %+v", ner)
		}
		// Mali has one record besides the class-level ban of 2022.
		if mli, ok := byCode["MLI"]; !ok || mli.Records != 1 || mli.Measures != 1 || mli.LastChange.ISO() != "2022-12-17" {
			t.Errorf("Mali: %+v (listed %v)", mli, ok)
		}
		if _, ok := byCode["NOR"]; ok {
			t.Error("a country without records or measures is listed")
		}
		// Default order: most flagged first.
		for i := 1; i < len(all); i++ {
			if all[i].Flagged > all[i-1].Flagged {
				t.Errorf("%s (%d flagged) after %s (%d)", all[i].Code, all[i].Flagged, all[i-1].Code, all[i-1].Flagged)
			}
		}

		national, _, _ := s.Records(ctx, RecordFilter{OrgType: access.OrgNationalNGO})
		withNational := map[string]bool{}
		for _, r := range national {
			withNational[r.CountryCode] = true
		}
		tests := []struct {
			name  string
			f     CountryFilter
			check func(access.CountrySummary) bool
		}{
			{"flagged", CountryFilter{FlaggedOnly: true}, func(c access.CountrySummary) bool { return c.Flagged > 0 }},
			{"region", CountryFilter{Region: "Asia"}, func(c access.CountrySummary) bool { return c.Region == "Asia" }},
			{"text", CountryFilter{Query: "burkina"}, func(c access.CountrySummary) bool { return strings.Contains(strings.ToLower(c.Name), "burkina") }},
			{"org type", CountryFilter{OrgType: access.OrgNationalNGO}, func(c access.CountrySummary) bool { return withNational[c.Code] }},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, total, err := s.CountrySummaries(ctx, tt.f)
				if err != nil {
					t.Fatal(err)
				}
				want := 0
				for _, c := range all {
					if tt.check(c) {
						want++
					}
				}
				if len(got) == 0 || len(got) != want || total != want {
					t.Errorf("%d rows, total %d, want %d", len(got), total, want)
				}
				for _, c := range got {
					if !tt.check(c) {
						t.Errorf("unexpected %s", c.Code)
					}
				}
			})
		}
		// Statuses narrow what is counted, not just what is listed.
		banned, _, _ := s.CountrySummaries(ctx, CountryFilter{Statuses: []access.Status{access.StatusBanned}})
		if len(banned) < 2 {
			t.Errorf("banned: %+v", banned)
		}
		for _, c := range banned {
			if c.Flags[access.StatusExpelled] != 0 || (c.Code == "NER" && (c.Records != 3 || c.ReachLost != 1_000_000)) {
				t.Errorf("banned: %+v", c)
			}
		}

		// Pages of every order cover the list once.
		for _, sort := range CountrySorts {
			var paged []string
			for off := 0; off < len(all); off += 2 {
				page, total, err := s.CountrySummaries(ctx, CountryFilter{Sort: sort, Limit: 2, Offset: off})
				if err != nil || total != len(all) {
					t.Fatalf("%s page at %d: total %d, err %v", sort, off, total, err)
				}
				for _, c := range page {
					paged = append(paged, c.Code)
				}
			}
			slices.Sort(paged)
			if len(slices.Compact(paged)) != len(all) {
				t.Errorf("%s: pages hold %d distinct countries, want %d", sort, len(paged), len(all))
			}
		}
		if _, _, err := s.CountrySummaries(ctx, CountryFilter{Sort: "name; DROP TABLE countries"}); err == nil {
			t.Error("unknown sort accepted")
		}
	})
}

func TestCountrySummaryOfOneCountry(t *testing.T) {
	forEachEngine(t, func(t *testing.T, eng Engine) {
		s, _ := openSeededOn(t, eng)
		ctx := context.Background()
		ner, err := s.CountrySummary(ctx, "NER")
		if err != nil || ner.Name != "Niger" || ner.Records != 5 || ner.ReachLost != 2_000_000 {
			t.Errorf("NER: %+v, %v", ner, err)
		}
		nor, err := s.CountrySummary(ctx, "NOR")
		if err != nil || nor.Name != "Norway" || nor.Records != 0 || nor.Flags != nil {
			t.Errorf("NOR: %+v, %v", nor, err)
		}
		if _, err := s.CountrySummary(ctx, "XXX"); !errors.Is(err, ErrNotFound) {
			t.Errorf("XXX: %v", err)
		}
	})
}

func TestOrgSummaries(t *testing.T) {
	forEachEngine(t, func(t *testing.T, eng Engine) {
		s, _ := openSeededOn(t, eng)
		ctx := context.Background()
		all, total, err := s.OrgSummaries(ctx, OrgFilter{})
		if err != nil || total != len(all) {
			t.Fatalf("%d rows, total %d, %v", len(all), total, err)
		}
		orgs, _ := s.Orgs(ctx)
		if len(all) != len(orgs) {
			t.Errorf("%d summaries for %d organisations", len(all), len(orgs))
		}
		for _, o := range all {
			recs, _, _ := s.Records(ctx, RecordFilter{Org: o.Slug})
			flagged, lost := 0, int64(0)
			for _, r := range recs {
				lost += r.ReachLost()
				if r.FlaggedAt(s.Now()) {
					flagged++
				}
			}
			if o.Countries != len(recs) || o.Flagged != flagged || o.ReachLost != lost {
				t.Errorf("%s: %+v; countries %d flagged %d lost %d", o.Slug, o, len(recs), flagged, lost)
			}
		}
		nrc := all[slices.IndexFunc(all, func(o access.OrgSummary) bool { return o.Slug == "nrc" })]
		// Sudan expelled it, Israel ordered it out, a third authority suspended
		// it; Ethiopia's three-month suspension of 2021 has ended (unconfirmed)
		// and its own suspension in Afghanistan is not flagged.
		if nrc.Countries != 6 || nrc.Flagged != 3 || nrc.Flags[access.StatusExpelled] != 1 || nrc.Flags[access.StatusSuspended] != 1 {
			t.Errorf("NRC: %+v", nrc)
		}
		// Search text also matches the words of other organisations' events
		// (a statement that names NRC): NRC is among the matches, with its
		// records in Africa only.
		africa, _, _ := s.OrgSummaries(ctx, OrgFilter{Region: "Africa", Query: "NRC"})
		if i := slices.IndexFunc(africa, func(o access.OrgSummary) bool { return o.Slug == "nrc" }); i < 0 || africa[i].Countries != 4 {
			t.Errorf("NRC in Africa: %+v", africa)
		}
		flaggedOnly, _, _ := s.OrgSummaries(ctx, OrgFilter{FlaggedOnly: true})
		for _, o := range flaggedOnly {
			if o.Flagged == 0 {
				t.Errorf("%s listed as flagged", o.Slug)
			}
		}
		national, _, _ := s.OrgSummaries(ctx, OrgFilter{OrgType: access.OrgNationalNGO})
		if len(national) != 4 || !slices.ContainsFunc(national, func(o access.OrgSummary) bool { return o.Slug == "apbe" }) {
			t.Errorf("national NGOs: %+v", national)
		}
		for _, sort := range OrgSorts {
			page, total, err := s.OrgSummaries(ctx, OrgFilter{Sort: sort, Limit: 3, Offset: 3})
			if err != nil || len(page) != 3 || total != len(all) {
				t.Errorf("%s: %d rows, total %d, %v", sort, len(page), total, err)
			}
		}
		byName, _, _ := s.OrgSummaries(ctx, OrgFilter{Sort: OrgByName})
		if !slices.IsSortedFunc(byName, func(a, b access.OrgSummary) int { return strings.Compare(a.Name, b.Name) }) {
			t.Error("not in name order")
		}
	})
}

func TestOrgSummaryOfOneOrganisation(t *testing.T) {
	forEachEngine(t, func(t *testing.T, eng Engine) {
		s, _ := openSeededOn(t, eng)
		ctx := context.Background()
		icrc, err := s.OrgSummary(ctx, "icrc")
		if err != nil || icrc.Name != "International Committee of the Red Cross" || icrc.Countries != 3 || icrc.ReachLost != 2_000_000 ||
			icrc.Flags[access.StatusExpelled] != 3 {
			t.Errorf("icrc: %+v, %v", icrc, err)
		}
		if _, err := s.OrgSummary(ctx, "no-such-org"); !errors.Is(err, ErrNotFound) {
			t.Errorf("unknown slug: %v", err)
		}
	})
}

func TestUnflaggedRecords(t *testing.T) {
	forEachEngine(t, func(t *testing.T, eng Engine) {
		s, _ := openSeededOn(t, eng)
		ctx := context.Background()
		got, total, err := s.UnflaggedRecords(ctx, 0)
		if err != nil {
			t.Fatal(err)
		}
		all, _, _ := s.Records(ctx, RecordFilter{})
		want := 0
		for _, r := range all {
			if !r.FlaggedAt(s.Now()) {
				want++
			}
		}
		if len(got) != want || total != want || want == 0 {
			t.Fatalf("%d rows, total %d, want %d", len(got), total, want)
		}
		for i, r := range got {
			if r.FlaggedAt(s.Now()) {
				t.Errorf("%s/%s is flagged", r.CountryCode, r.OrgSlug)
			}
			if i > 0 && r.CountryName < got[i-1].CountryName {
				t.Errorf("%s after %s", r.CountryName, got[i-1].CountryName)
			}
		}
		first, total, _ := s.UnflaggedRecords(ctx, 2)
		if len(first) != 2 || total != want || first[0].ID != got[0].ID {
			t.Errorf("limited: %d rows, total %d", len(first), total)
		}
	})
}

func TestChangesFilters(t *testing.T) {
	forEachEngine(t, func(t *testing.T, eng Engine) {
		s, _ := openSeededOn(t, eng)
		ctx := context.Background()
		all, total, err := s.Changes(ctx, ChangeFilter{})
		if err != nil {
			t.Fatal(err)
		}
		plain, _, _ := s.Events(ctx, EventFilter{})
		if total != len(all) || len(all) != len(plain) {
			t.Fatalf("%d changes, total %d, %d events", len(all), total, len(plain))
		}
		for i := range all {
			if all[i].ID != plain[i].ID || len(all[i].Sources) == 0 {
				t.Fatalf("change %d differs from the event list (or has no sources)", i)
			}
		}
		countries, _ := s.Countries(ctx)
		region := map[string]string{}
		for _, c := range countries {
			region[c.Code] = c.Region
		}
		tests := []struct {
			name  string
			f     ChangeFilter
			check func(access.EventView) bool
		}{
			{"country", ChangeFilter{Country: "MLI"}, func(e access.EventView) bool { return e.CountryCode == "MLI" }},
			{"org", ChangeFilter{Org: "icrc"}, func(e access.EventView) bool { return e.OrgSlug == "icrc" }},
			{"statuses", ChangeFilter{Statuses: []access.Status{access.StatusSuspended}}, func(e access.EventView) bool { return e.StatusAfter == access.StatusSuspended }},
			{"flagged", ChangeFilter{FlaggedOnly: true}, func(e access.EventView) bool { return e.StatusAfter.Flagged(e.InitiatedBy) }},
			{"region", ChangeFilter{Region: "Asia"}, func(e access.EventView) bool { return region[e.CountryCode] == "Asia" }},
			{"org type", ChangeFilter{OrgType: access.OrgRedCross}, func(e access.EventView) bool { return e.Org.Type == access.OrgRedCross }},
			{"types", ChangeFilter{Types: []access.EventType{access.EventClassBanAnnounced, access.EventStaffDetained}}, func(e access.EventView) bool {
				return e.Type == access.EventClassBanAnnounced || e.Type == access.EventStaffDetained
			}},
			{"text", ChangeFilter{Query: "toumba"}, func(e access.EventView) bool { return strings.Contains(e.Authority, "Toumba") }},
			{"dates", ChangeFilter{Since: access.MustParseDate("2025"), Until: access.MustParseDate("2025-06")}, func(e access.EventView) bool {
				return e.Date.ISO() >= "2025" && e.Date.ISO() < "2025-07"
			}},
			{"changes only", ChangeFilter{ChangesOnly: true}, func(e access.EventView) bool { return e.StatusAfter != "" || e.ClassLevel() }},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, total, err := s.Changes(ctx, tt.f)
				if err != nil {
					t.Fatal(err)
				}
				want := 0
				for _, e := range all {
					if tt.check(e) {
						want++
					}
				}
				if len(got) == 0 || len(got) != want || total != want {
					t.Errorf("%d rows, total %d, want %d", len(got), total, want)
				}
				for _, e := range got {
					if !tt.check(e) {
						t.Errorf("unexpected event %d (%s %s %s)", e.ID, e.CountryCode, e.OrgSlug, e.Type)
					}
				}
			})
		}
		oldest, _, _ := s.Changes(ctx, ChangeFilter{OldestFirst: true})
		for i := range oldest {
			if oldest[i].ID != all[len(all)-1-i].ID {
				t.Fatalf("oldest first is not the reverse of newest first at %d", i)
			}
		}
		page, total, _ := s.Changes(ctx, ChangeFilter{Limit: 4, Offset: 4})
		if len(page) != 4 || total != len(all) || page[0].ID != all[4].ID {
			t.Errorf("page: %d rows, total %d", len(page), total)
		}
		past, total, _ := s.Changes(ctx, ChangeFilter{Limit: 4, Offset: 10_000})
		if len(past) != 0 || total != len(all) {
			t.Errorf("past the end: %d rows, total %d", len(past), total)
		}
	})
}

func TestDashboardQueriesTakeHostileTextAsText(t *testing.T) {
	forEachEngine(t, func(t *testing.T, eng Engine) {
		s, _ := openSeededOn(t, eng)
		ctx := context.Background()
		before := checksum(t, s)
		// (Control characters never get this far: the web layer rejects them,
		// and the store drops them; see TestSearchTextDropsControlCharacters.)
		// LIKE's wildcards match themselves: "e%e" and "a_a" would match
		// nearly every text as patterns, and no text holds them literally.
		for _, q := range []string{"e%e", "a_a", `\`, "'; DROP TABLE records; --", "NER' OR '1'='1"} {
			if got, _, err := s.CountrySummaries(ctx, CountryFilter{Query: q}); err != nil || len(got) != 0 {
				t.Errorf("countries %q: %d rows, %v", q, len(got), err)
			}
			if got, _, err := s.OrgSummaries(ctx, OrgFilter{Query: q}); err != nil || len(got) != 0 {
				t.Errorf("orgs %q: %d rows, %v", q, len(got), err)
			}
			if got, _, err := s.Changes(ctx, ChangeFilter{Query: q, Country: q, Org: q, Region: q}); err != nil || len(got) != 0 {
				t.Errorf("changes %q: %d rows, %v", q, len(got), err)
			}
		}
		if checksum(t, s) != before {
			t.Error("the data changed")
		}
	})
}

func TestSummaryTotalsPastTheEnd(t *testing.T) {
	forEachEngine(t, func(t *testing.T, eng Engine) {
		s, _ := openSeededOn(t, eng)
		ctx := context.Background()
		all, _, _ := s.CountrySummaries(ctx, CountryFilter{})
		page, total, err := s.CountrySummaries(ctx, CountryFilter{Limit: 5, Offset: 10_000})
		if err != nil || len(page) != 0 || total != len(all) {
			t.Errorf("countries past the end: %d rows, total %d (want %d), %v", len(page), total, len(all), err)
		}
		orgs, _, _ := s.OrgSummaries(ctx, OrgFilter{})
		opage, ototal, err := s.OrgSummaries(ctx, OrgFilter{Limit: 5, Offset: 10_000})
		if err != nil || len(opage) != 0 || ototal != len(orgs) {
			t.Errorf("organisations past the end: %d rows, total %d (want %d), %v", len(opage), ototal, len(orgs), err)
		}
		if _, total, _ := s.Changes(ctx, ChangeFilter{Limit: 2, NoTotal: true}); total != 2 {
			t.Errorf("NoTotal: total %d, want the page's 2", total)
		}
	})
}

// TestScopedChangeQueriesUseTheIndexes guards the reason the change log has
// a query per scope: a country's or an organisation's timeline is read
// through an index, not by scanning every event.
func TestScopedChangeQueriesUseTheIndexes(t *testing.T) {
	s, _ := openSeeded(t)
	plan := func(query string, f ChangeFilter) string { return queryPlan(t, s, query, f.args()...) }
	for scope, f := range map[changeScope]ChangeFilter{scopeCountry: {Country: "NER"}, scopeOrg: {Org: "nrc"}} {
		p := plan(changeQueries[scope][0], f)
		if strings.Contains(p, "SCAN e") {
			t.Errorf("scope %d scans every event:\n%s", scope, p)
		}
		if f.scope() != scope {
			t.Errorf("filter %+v has scope %d", f, f.scope())
		}
	}
	if !strings.Contains(plan(changeQueries[scopeAll][2], ChangeFilter{}), "SCAN") {
		t.Error("the plan reader sees no scan even in the unscoped count; the check above proves nothing")
	}
}
