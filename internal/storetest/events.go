package storetest

import (
	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/store"
)

// RichEvents returns events that use every field of the events CSV, for
// round-trip tests: an organisation's event with every optional field and
// three sources (one an internal report without a URL, one without a title),
// a class-level measure with its own optional fields and two sources, and
// two events that share their identity (organisation, country, date, type,
// first source URL). Their text holds commas, quotes, line breaks and
// non-ASCII letters. The organisation is clearly a test one.
func RichEvents() []store.NewEvent {
	org := access.Org{Slug: "test-relief", Name: "Test Relief, \"Example\" Org", Acronym: "TRÉ", Type: access.OrgINGO}
	full := access.Event{
		CountryCode: "NER", OrgSlug: org.Slug, Date: access.MustParseDate("2025-07"),
		Type: access.EventSuspensionOrdered, StatusAfter: access.StatusSuspended,
		InitiatedBy: access.InitiatedByAuthority, Authority: "Ministry of the Interior, Niamey",
		Instrument: access.InstrumentDecree, Reason: "Said to \"lack papers\",\nthen more",
		ReasonCategory: access.ReasonAdministrative, Constraint: access.ConstraintInterference,
		Reach:         &access.Reach{People: 350_000, Basis: access.ReachPeriod, Period: "2011–2024"},
		PresenceSince: 2005, Description: "Première ligne\nsecond line, with a comma", Verification: access.Pending,
		Sources: []access.Source{
			{Publisher: "Example News", URL: "https://news.example.org/a?x=1&y=2", Title: "Suspended, for now", Date: access.MustParseDate("2025-07-03"), Type: access.SourceNews},
			{Publisher: "Example NGO", URL: "https://ngo.example.org/statement", Date: access.MustParseDate("2025-07"), Type: access.SourceOrganisation},
			{Publisher: "Field office", Type: access.SourceInternalReport},
		},
	}
	class := access.Event{
		CountryCode: "BFA", Date: access.MustParseDate("2024"), Type: access.EventClassBanAnnounced,
		InitiatedBy: access.InitiatedByAuthority, Authority: "Transitional authorities", Instrument: access.InstrumentPublicStatement,
		Reason: "Security", ReasonCategory: access.ReasonSecurity, Constraint: access.ConstraintEntryImpediments,
		Reach:       &access.Reach{People: 1_200, Basis: access.ReachAnnual},
		Description: "Measure against every foreign NGO", Verification: access.Verified,
		Sources: []access.Source{
			{Publisher: "Wire", URL: "https://wire.example.org/1", Type: access.SourceNews},
			{Publisher: "Gazette", URL: "https://gazette.example.org/2", Title: "Official text", Type: access.SourceGovernment},
		},
	}
	twin := access.Event{
		CountryCode: "NER", OrgSlug: org.Slug, Date: access.MustParseDate("2025-08-02"), Type: access.EventStaffDetained,
		Description: "One of two detentions reported the same day", Verification: access.Verified,
		Sources: []access.Source{{Publisher: "Example News", URL: "https://news.example.org/b", Type: access.SourceNews}},
	}
	twin2 := twin
	twin2.Description = "The second detention reported that day"
	var out []store.NewEvent
	for _, ev := range []access.Event{full, class, twin, twin2} {
		in := store.NewEvent{Event: ev, ExpectedVersion: store.AnyVersion, Actor: "test"}
		if !ev.ClassLevel() {
			o := org
			in.Org = &o
		}
		out = append(out, in)
	}
	return out
}
