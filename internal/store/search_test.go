package store

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/accesswatch/accesswatch/internal/access"
)

// EventCountries are exactly the countries of the change log's events.
func TestEventCountries(t *testing.T) {
	forEachEngine(t, func(t *testing.T, eng Engine) {
		s, _ := openSeededOn(t, eng)
		ctx := context.Background()
		events, _, err := s.Changes(ctx, ChangeFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		for _, e := range events {
			if !slices.Contains(want, e.CountryCode) {
				want = append(want, e.CountryCode)
			}
		}
		list, err := s.EventCountries(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, c := range list {
			got = append(got, c.Code)
		}
		if !slices.IsSortedFunc(list, func(a, b access.Country) int { return strings.Compare(a.Name, b.Name) }) {
			t.Errorf("not by name: %v", got)
		}
		slices.Sort(got)
		slices.Sort(want)
		if len(want) == 0 || !slices.Equal(got, want) {
			t.Errorf("event countries %v, the events' %v", got, want)
		}
	})
}

// A search matches by what the text stands for (access.TextMatch), not
// only by the text: a code list selects countries, an instrument or reason
// category selects events, further words are looked for in free text.
func TestSearchByWhatTheTextStandsFor(t *testing.T) {
	forEachEngine(t, func(t *testing.T, eng Engine) {
		s, _ := openSeededOn(t, eng)
		ctx := context.Background()
		// Text found nowhere, standing for Niger: Niger's events only.
		got, _, err := s.Changes(ctx, ChangeFilter{Query: "zzqx", Match: access.TextMatch{Countries: []string{"NER"}}})
		if err != nil || len(got) == 0 {
			t.Fatalf("%d events, %v", len(got), err)
		}
		for _, e := range got {
			if e.CountryCode != "NER" {
				t.Errorf("event %d in %s", e.ID, e.CountryCode)
			}
		}
		// Standing for an instrument, a status or an event type (labels, in
		// any language): the events with it, that set it, or of that type.
		for _, c := range []struct {
			match access.TextMatch
			want  string
			of    func(access.EventView) string
		}{
			{access.TextMatch{Instruments: []access.Instrument{access.InstrumentNoteVerbale}}, "note_verbale",
				func(e access.EventView) string { return string(e.Instrument) }},
			{access.TextMatch{Statuses: []access.Status{access.StatusExpelled}}, "expelled",
				func(e access.EventView) string { return string(e.StatusAfter) }},
			{access.TextMatch{Events: []access.EventType{access.EventOfficesClosed}}, "offices_closed",
				func(e access.EventView) string { return string(e.Type) }},
		} {
			got, _, err := s.Changes(ctx, ChangeFilter{Query: "zzqx", Match: c.match})
			if err != nil || len(got) == 0 {
				t.Errorf("%s: %d events, %v", c.want, len(got), err)
			}
			for _, e := range got {
				if c.of(e) != c.want {
					t.Errorf("%s: event %d has %q", c.want, e.ID, c.of(e))
				}
			}
		}
		expelled, _, _ := s.Records(ctx, RecordFilter{Query: "zzqx", Match: access.TextMatch{Statuses: []access.Status{access.StatusExpelled}}})
		if !slices.ContainsFunc(expelled, func(r access.RecordView) bool { return r.CountryCode == "NER" && r.OrgSlug == "icrc" }) {
			t.Errorf("the ICRC's expulsion from Niger is not among %d records", len(expelled))
		}
		// A further word: the events whose reason or description holds it.
		got, _, _ = s.Changes(ctx, ChangeFilter{Query: "zzqx", Match: access.TextMatch{Terms: []string{"France"}}})
		if len(got) == 0 {
			t.Error("nothing mentions France")
		}
		for _, e := range got {
			if !strings.Contains(strings.ToLower(e.Reason+" "+e.Description), "france") {
				t.Errorf("event %d does not mention France: %q %q", e.ID, e.Reason, e.Description)
			}
		}
		// Countries and organisations follow their events.
		countries, _, _ := s.CountrySummaries(ctx, CountryFilter{Query: "zzqx", Match: access.TextMatch{Reasons: []access.ReasonCategory{access.ReasonGenderPolicy}}})
		if len(countries) != 1 || countries[0].Code != "AFG" {
			t.Errorf("gender policy: countries %+v", countries)
		}
		orgs, _, _ := s.OrgSummaries(ctx, OrgFilter{Query: "zzqx", Match: access.TextMatch{Countries: []string{"NER"}}})
		records, _, _ := s.Records(ctx, RecordFilter{Country: "NER"})
		var inNiger []string
		for _, r := range records {
			if !slices.Contains(inNiger, r.OrgSlug) {
				inNiger = append(inNiger, r.OrgSlug)
			}
		}
		var found []string
		for _, o := range orgs {
			found = append(found, o.Slug)
		}
		slices.Sort(found)
		slices.Sort(inNiger)
		if !slices.Equal(found, inNiger) {
			t.Errorf("organisations standing for Niger %v, with records there %v", found, inNiger)
		}
	})
}
