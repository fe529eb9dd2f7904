package access

import "testing"

func TestClassMeasuresInForce(t *testing.T) {
	src := []Source{{Publisher: "p", URL: "https://example.org"}}
	ev := func(id int64, country, d string, typ EventType, st Status, until string) Event {
		e := Event{ID: id, CountryCode: country, Date: MustParseDate(d), Type: typ, StatusAfter: st, InitiatedBy: InitiatedByAuthority, Sources: src}
		if until != "" {
			e.Until = MustParseDate(until)
		}
		return e
	}
	events := []Event{
		ev(1, "MLI", "2022-11-21", EventClassBanAnnounced, "", ""),
		ev(2, "BDI", "2018-09-27", EventSuspensionOrdered, StatusSuspended, "2018-12"),
		ev(3, "PSE", "2025-11", EventRegistrationDenied, "", ""),
		ev(4, "PSE", "2025-12-30", EventAuthorisationWithdrawn, StatusOrderedToLeave, "2026-03-01"),
		ev(5, "PSE", "2026-02-22", EventOrganisationStatement, "", ""),
		ev(6, "PSE", "2026-02-27", EventResumptionAuthorised, StatusRestricted, ""),
		ev(7, "LBY", "2025-04-02", EventSuspensionOrdered, StatusSuspended, ""),
		ev(8, "LBY", "2025-09", EventOperationsResumed, StatusOperating, ""),
		ev(9, "NER", "2025-11", EventSuspensionOrdered, StatusSuspended, ""),
		{ID: 10, CountryCode: "NOR", Date: MustParseDate("2025-01-01"), Type: EventClassBanAnnounced, Correction: &Correction{Kind: Retracted}},
		{ID: 11, CountryCode: "NER", OrgSlug: "icrc", Date: MustParseDate("2025-01-31"), Type: EventOrderToLeaveIssued, StatusAfter: StatusOrderedToLeave},
	}
	got := ClassMeasuresInForce(events, day("2026-12-06"))
	byCountry := map[string][]ClassMeasure{}
	for _, m := range got {
		byCountry[m.Event.CountryCode] = append(byCountry[m.Event.CountryCode], m)
	}
	if m := byCountry["MLI"]; len(m) != 1 || m[0].Status != StatusBanned {
		t.Errorf("Mali: %+v", m)
	}
	if m := byCountry["NER"]; len(m) != 1 || m[0].Status != StatusSuspended {
		t.Errorf("Niger: %+v (a record's event is no class measure)", m)
	}
	if m := byCountry["BDI"]; len(m) != 0 {
		t.Errorf("Burundi's three-month suspension ended: %+v", m)
	}
	if m := byCountry["LBY"]; len(m) != 0 {
		t.Errorf("Libya's lifted suspension: %+v", m)
	}
	if m := byCountry["NOR"]; len(m) != 0 {
		t.Errorf("a retracted measure: %+v", m)
	}
	pse := byCountry["PSE"]
	if len(pse) != 2 || pse[0].Status != StatusBanned || pse[1].Status != StatusRestricted || pse[1].Eased == nil || pse[1].Event.ID != 4 {
		t.Errorf("Palestine: %+v", pse)
	}
	// Before the freeze, the order to leave stood with its deadline ahead.
	before := ClassMeasuresInForce(events, day("2026-02-01"))
	n := 0
	for _, m := range before {
		if m.Event.CountryCode == "PSE" && m.Status == StatusOrderedToLeave && !m.DeadlinePassed {
			n++
		}
	}
	if n != 1 {
		t.Errorf("PSE before the freeze: %+v", before)
	}
	// Burundi's suspension was in force before its end.
	during := ClassMeasuresInForce(events, day("2018-11-15"))
	if len(during) != 1 || during[0].Event.CountryCode != "BDI" {
		t.Errorf("Burundi in Nov 2018: %+v", during)
	}
}

func TestSummariseLostNeverMixesBases(t *testing.T) {
	rec := func(country, org string, st Status, r *Reach) Record {
		return Record{CountryCode: country, OrgSlug: org, RecordState: RecordState{Status: st, StatusInitiatedBy: InitiatedByAuthority, Reach: r, ReachDate: MustParseDate("2025-06-05")}}
	}
	records := []Record{
		rec("NER", "icrc", StatusExpelled, &Reach{People: 2_000_000, Basis: ReachCumulative}),
		rec("NER", "acted", StatusBanned, &Reach{People: 1_000_000, Basis: ReachPeriod}),
		rec("SDN", "oxfam", StatusExpelled, &Reach{People: 600_000, Basis: ReachPeriod}),
		rec("NER", "apbe", StatusBanned, nil),
		rec("NER", "msf", StatusOperating, &Reach{People: 9_000_000, Basis: ReachAnnual}),
	}
	s := SummariseLost(records, day("2026-01-01"), 2)
	if len(s.ByBasis) != 2 || s.ByBasis[ReachCumulative] != 2_000_000 || s.ByBasis[ReachPeriod] != 1_600_000 {
		t.Errorf("by basis %v", s.ByBasis)
	}
	if _, ok := s.ByBasis[ReachAnnual]; ok {
		t.Error("an operating record's reach is not lost")
	}
	if s.WithFigure != 3 || s.WithoutFigure != 1 {
		t.Errorf("with %d without %d", s.WithFigure, s.WithoutFigure)
	}
	if len(s.Largest) != 2 || s.Largest[0].Org != "icrc" || s.Largest[0].Reach.Basis != ReachCumulative || s.Largest[1].Org != "acted" || s.Largest[0].Reported.ISO() != "2025-06-05" {
		t.Errorf("largest %+v", s.Largest)
	}
}
