package store

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/accesswatch/accesswatch/internal/access"
)

func TestClassMeasuresInForceOnBundledData(t *testing.T) {
	forEachEngine(t, func(t *testing.T, eng Engine) {
		s, clock := openSeededOn(t, eng)
		ctx := context.Background()
		clock.t = time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
		counts, err := s.ClassMeasureCounts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []string{"MLI", "NER", "PSE"} {
			if counts[c] == 0 {
				t.Errorf("%s has no class-level measure in force: %v", c, counts)
			}
		}
		// Burundi's three-month suspension of 2018 ended in December 2018.
		if counts["BDI"] != 0 {
			t.Errorf("BDI: %d measures in force", counts["BDI"])
		}
		ner, _ := s.ClassMeasuresInForce(ctx, "NER")
		if !slices.ContainsFunc(ner, func(m access.ClassMeasure) bool {
			return m.Status == access.StatusSuspended && m.Event.Date.ISO() == "2025-11"
		}) {
			t.Errorf("Niger's suspension of Nov 2025 is not in force: %+v", ner)
		}
		mli, _ := s.ClassMeasuresInForce(ctx, "MLI")
		if len(mli) != 1 || mli[0].Status != access.StatusBanned || mli[0].Event.Date.Year != 2022 {
			t.Errorf("Mali: %+v", mli)
		}
		summary, err := s.CountrySummary(ctx, "PSE")
		if err != nil || summary.ClassMeasuresInForce != counts["PSE"] {
			t.Errorf("PSE summary counts %d measures, want %d (%v)", summary.ClassMeasuresInForce, counts["PSE"], err)
		}
		h, err := s.Headline(ctx, access.MustParseDate("2026-01-01"))
		total := 0
		for _, n := range counts {
			total += n
		}
		if err != nil || h.ClassMeasuresInForce != total || h.ClassMeasureCountries != len(counts) {
			t.Errorf("headline: %d measures in %d countries, want %d in %d", h.ClassMeasuresInForce, h.ClassMeasureCountries, total, len(counts))
		}
		data, err := s.MetricsData(ctx)
		if err != nil {
			t.Fatal(err)
		}
		metric := 0
		for _, c := range data.ClassMeasures {
			metric += c.Measures
		}
		if metric != total {
			t.Errorf("metrics count %d class measures, want %d", metric, total)
		}
	})
}

func TestTimeToldTrulyOnBundledData(t *testing.T) {
	forEachEngine(t, func(t *testing.T, eng Engine) {
		s, clock := openSeededOn(t, eng)
		ctx := context.Background()
		clock.t = time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
		now := clock.Now()
		// Ethiopia's three-month suspensions of Aug 2021 ended unconfirmed.
		for _, org := range []string{"msf-holland", "nrc"} {
			r, err := s.Record(ctx, "ETH", org)
			if err != nil {
				t.Fatal(err)
			}
			if r.Status != access.StatusSuspended || r.StatusUntil.ISO() != "2021-11" || !r.EndedUnconfirmed(now) || r.FlaggedAt(now) || !r.DueForReview(now, s.ReviewAfter()) {
				t.Errorf("ETH/%s: %+v", org, r.RecordState)
			}
		}
		// Sudan's 2009 expulsions are due for review; no seeded record was ever
		// reviewed by an editor.
		due, err := s.DueForReview(ctx, "SDN")
		if err != nil || len(due) == 0 {
			t.Fatalf("SDN due for review: %d (%v)", len(due), err)
		}
		for _, r := range due {
			if !r.LastReviewed.IsZero() {
				t.Errorf("%s/%s last reviewed %s", r.CountryCode, r.OrgSlug, r.LastReviewed)
			}
		}
		asOf, err := s.DataAsOf(ctx)
		if err != nil || asOf.NewestEvent.ISO() != "2026-02-27" || asOf.LastEntry.IsZero() {
			t.Errorf("data as of %+v (%v)", asOf, err)
		}
	})
}

// wrongStatus is an expulsion of Acted from Niger that never happened.
func wrongStatus(version int64) NewEvent {
	return NewEvent{Event: access.Event{CountryCode: "NER", OrgSlug: "acted", Date: access.MustParseDate("2026-02-20"),
		Type: access.EventOrderToLeaveIssued, StatusAfter: access.StatusExpelled, InitiatedBy: access.InitiatedByAuthority,
		Reach:   &access.Reach{People: 9_999_999, Basis: access.ReachAnnual},
		Sources: []access.Source{{Publisher: "Rumour", URL: "https://rumour.example/x"}}}, ExpectedVersion: version, Actor: "alice"}
}

func TestRetractionRestoresTheRecord(t *testing.T) {
	forEachEngine(t, func(t *testing.T, eng Engine) {
		ctx := context.Background()
		clean, _ := openSeededOn(t, eng)
		s, _ := openSeededOn(t, eng)
		acted, _ := s.Record(ctx, "NER", "acted")
		rec, err := s.RecordEvent(ctx, wrongStatus(acted.Version))
		if err != nil {
			t.Fatal(err)
		}
		if rec.Record.Status != access.StatusExpelled {
			t.Fatalf("the wrong status was not recorded: %s", rec.Record.Status)
		}
		before := s.Generation()
		if _, err := s.RetractEvent(ctx, rec.EventID, "  ", "alice"); err == nil {
			t.Error("a retraction without a reason was accepted")
		}
		if _, err := s.RetractEvent(ctx, 999_999, "entered in error", "alice"); !errors.Is(err, ErrNotFound) {
			t.Errorf("unknown event: %v", err)
		}
		out, err := s.RetractEvent(ctx, rec.EventID, "entered in error: no such order", "alice")
		if err != nil {
			t.Fatal(err)
		}
		if s.Generation() == before {
			t.Error("the retraction did not move the domain-data version")
		}
		if _, err := s.RetractEvent(ctx, rec.EventID, "again", "alice"); !errors.Is(err, ErrCorrected) {
			t.Errorf("second retraction: %v", err)
		}

		// The record is what it would be had the event never been entered.
		want, _ := clean.Record(ctx, "NER", "acted")
		got, _ := s.Record(ctx, "NER", "acted")
		if !reflect.DeepEqual(got.RecordState, want.RecordState) || !reflect.DeepEqual(out.Record.RecordState, want.RecordState) {
			t.Errorf("record after retraction %+v\nwant %+v", got.RecordState, want.RecordState)
		}
		if got.Version != want.Version+2 {
			t.Errorf("version %d, want %d (the event and the retraction)", got.Version, want.Version+2)
		}

		// The timeline keeps the event, marked retracted; the others are the same.
		timeline, _, _ := s.Events(ctx, EventFilter{Country: "NER", Org: "acted", OldestFirst: true})
		cleanTimeline, _, _ := clean.Events(ctx, EventFilter{Country: "NER", Org: "acted", OldestFirst: true})
		var counting []int64
		var retracted *access.EventView
		for i, e := range timeline {
			if e.Counts() {
				counting = append(counting, e.ID)
			} else {
				retracted = &timeline[i]
			}
		}
		if len(counting) != len(cleanTimeline) || retracted == nil || retracted.ID != rec.EventID {
			t.Fatalf("timeline: %d counting events, want %d; retracted %+v", len(counting), len(cleanTimeline), retracted)
		}
		if c := retracted.Correction; c.Kind != access.Retracted || c.Reason != "entered in error: no such order" || c.By != "alice" || c.At.IsZero() {
			t.Errorf("correction %+v", c)
		}

		// Trends and the headline agree with the clean database.
		for _, country := range []string{"", "NER"} {
			a, _ := s.TrendEvents(ctx, country)
			b, _ := clean.TrendEvents(ctx, country)
			first, last := access.Month{Year: 1990, Month: 1}, access.Month{Year: 2026, Month: 3}
			if !reflect.DeepEqual(access.MonthlyTrend(a, first, last), access.MonthlyTrend(b, first, last)) {
				t.Errorf("trend of %q differs after the retraction", country)
			}
		}
		hs, _ := s.Headline(ctx, access.MustParseDate("2026-01-01"))
		hc, _ := clean.Headline(ctx, access.MustParseDate("2026-01-01"))
		hs.AsOf, hc.AsOf = access.DataAsOf{}, access.DataAsOf{}
		if !reflect.DeepEqual(hs, hc) {
			t.Errorf("headline %+v\nwant %+v", hs, hc)
		}

		// The metrics snapshot: the same records; the counter keeps the
		// retracted change and counts the correction apart.
		ms, _ := s.MetricsData(ctx)
		mc, _ := clean.MetricsData(ctx)
		if !reflect.DeepEqual(ms.Records, mc.Records) || !reflect.DeepEqual(ms.ClassMeasures, mc.ClassMeasures) {
			t.Error("metrics records differ after the retraction")
		}
		counts := func(cs []StatusEventCount) map[[2]string]int64 {
			m := map[[2]string]int64{}
			for _, c := range cs {
				m[[2]string{c.Country, string(c.Status)}] = c.Events
			}
			return m
		}
		changed, cleanChanged, corrected := counts(ms.StatusEvents), counts(mc.StatusEvents), counts(ms.StatusCorrections)
		k := [2]string{"NER", "expelled"}
		if changed[k] != cleanChanged[k]+1 || corrected[k] != 1 || len(corrected) != 1 {
			t.Errorf("status changes %d (clean %d), corrections %v", changed[k], cleanChanged[k], corrected)
		}
	})
}

func TestSupersedeReplacesTheEvent(t *testing.T) {
	forEachEngine(t, func(t *testing.T, eng Engine) {
		ctx := context.Background()
		s, _ := openSeededOn(t, eng)
		acted, _ := s.Record(ctx, "NER", "acted")
		rec, err := s.RecordEvent(ctx, wrongStatus(acted.Version))
		if err != nil {
			t.Fatal(err)
		}
		fixed := wrongStatus(rec.Record.Version)
		fixed.Event.StatusAfter, fixed.Event.Type, fixed.Event.Reach = access.StatusSuspended, access.EventSuspensionOrdered, nil
		fixed.Event.Until = access.MustParseDate("2026-05")
		elsewhere := fixed
		elsewhere.Event.CountryCode = "MLI"
		if _, err := s.SupersedeEvent(ctx, rec.EventID, elsewhere, "wrong country"); err == nil {
			t.Error("a correction on another record was accepted")
		}
		out, err := s.SupersedeEvent(ctx, rec.EventID, fixed, "it was a suspension, not an expulsion")
		if err != nil {
			t.Fatal(err)
		}
		if out.Record.Status != access.StatusSuspended || out.Record.StatusUntil.ISO() != "2026-05" || out.Record.Reach == nil || out.Record.Reach.People == 9_999_999 {
			t.Errorf("record after supersession %+v", out.Record.RecordState)
		}
		old, _ := s.Event(ctx, rec.EventID)
		fresh, _ := s.Event(ctx, out.EventID)
		if old.Correction == nil || old.Correction.Kind != access.Superseded || old.Correction.ByEvent != out.EventID || fresh.Supersedes != rec.EventID || !fresh.Counts() {
			t.Errorf("old %+v new supersedes %d", old.Correction, fresh.Supersedes)
		}
	})
}

func TestChangesByEntryAndWithoutEmptyReviews(t *testing.T) {
	forEachEngine(t, func(t *testing.T, eng Engine) {
		ctx := context.Background()
		s, clock := openSeededOn(t, eng)
		clock.Advance(time.Hour)
		// A 2009 fact entered today comes first by entry time.
		back := NewEvent{Event: access.Event{CountryCode: "SDN", OrgSlug: "backdated-org", Date: access.MustParseDate("2009-03-04"),
			Type: access.EventOrderToLeaveIssued, StatusAfter: access.StatusExpelled, InitiatedBy: access.InitiatedByAuthority,
			Sources: []access.Source{{Publisher: "P", URL: "https://p.example/2009"}}},
			Org: &access.Org{Name: "Backdated", Type: access.OrgINGO}, ExpectedVersion: AnyVersion, Actor: "alice"}
		rec, err := s.RecordEvent(ctx, back)
		if err != nil {
			t.Fatal(err)
		}
		clock.Advance(time.Hour)
		review := NewEvent{Event: access.Event{CountryCode: "NER", OrgSlug: "icrc", Date: access.MustParseDate("2026-02-28"),
			Type: access.EventReviewed, Sources: []access.Source{{Publisher: "P", URL: "https://p.example/review"}}},
			ExpectedVersion: AnyVersion, Actor: "alice"}
		reviewed, err := s.RecordEvent(ctx, review)
		if err != nil {
			t.Fatal(err)
		}
		all, _, _ := s.Changes(ctx, ChangeFilter{ByEntry: true, Limit: 3})
		if len(all) < 2 || all[0].ID != reviewed.EventID || all[1].ID != rec.EventID {
			t.Errorf("by entry: %d, %d first", all[0].ID, all[1].ID)
		}
		feed, _, _ := s.Changes(ctx, ChangeFilter{ByEntry: true, SkipEmptyReviews: true, Limit: 3})
		if len(feed) == 0 || feed[0].ID != rec.EventID {
			t.Errorf("without empty reviews, the backdated event is first: %+v", feed[0].Event)
		}
		byDate, _, _ := s.Changes(ctx, ChangeFilter{Limit: 1})
		if byDate[0].ID == rec.EventID {
			t.Error("by date, a 2009 event is not the newest")
		}
		// The review is an editor's: it sets the record's last reviewed.
		icrc, _ := s.Record(ctx, "NER", "icrc")
		if icrc.LastReviewed.ISO() != "2026-02-28" {
			t.Errorf("last reviewed %q", icrc.LastReviewed)
		}
	})
}
