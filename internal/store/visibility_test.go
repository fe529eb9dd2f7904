package store

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/accesswatch/accesswatch/internal/access"
)

// pendingEvent is an event editor "ana" enters on a new record (MSF in
// Niger, which the bundled data does not hold) with three sources.
func pendingEvent() access.Event {
	return access.Event{CountryCode: "NER", OrgSlug: "verify-test-org", Date: access.MustParseDate("2026-02-20"),
		Type: access.EventSuspensionOrdered, StatusAfter: access.StatusSuspended, InitiatedBy: access.InitiatedByAuthority,
		Verification: access.Pending, Note: "called the office: not yet public",
		Sources: []access.Source{
			{Publisher: "One", URL: "https://example.org/one", Type: access.SourceNews, ArchivedURL: "https://web.archive.org/one"},
			{Publisher: "Two", URL: "https://example.org/two", Type: access.SourceNews},
			{Type: access.SourceInternalReport, Title: "field call"},
		}}
}

// publicTrace says where the event or its record shows on public reads.
func publicTrace(t *testing.T, s *Store, eventID int64) []string {
	t.Helper()
	ctx := context.Background()
	var where []string
	evs, _, err := s.Events(ctx, EventFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if slices.ContainsFunc(evs, func(e access.EventView) bool { return e.ID == eventID }) {
		where = append(where, "events")
	}
	ch, _, err := s.Changes(ctx, ChangeFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if slices.ContainsFunc(ch, func(e access.EventView) bool { return e.ID == eventID }) {
		where = append(where, "changes")
	}
	if _, err := s.Record(ctx, "NER", "verify-test-org"); err == nil {
		where = append(where, "record")
	}
	recs, _, err := s.Records(ctx, RecordFilter{Org: "verify-test-org"})
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) > 0 {
		where = append(where, "records")
	}
	m, err := s.MetricsData(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if slices.ContainsFunc(m.Records, func(r MetricsRecord) bool { return r.Org == "verify-test-org" }) {
		where = append(where, "metrics")
	}
	if slices.ContainsFunc(m.StatusEvents, func(c StatusEventCount) bool { return c.Country == "NER" && c.Status == access.StatusSuspended }) {
		where = append(where, "metrics-counter")
	}
	trend, err := s.TrendEvents(ctx, "NER")
	if err != nil {
		t.Fatal(err)
	}
	if slices.ContainsFunc(trend, func(e access.Event) bool { return e.ID == eventID }) {
		where = append(where, "trends")
	}
	return where
}

// openRequiringVerificationOn opens a new database on the engine that keeps
// unverified events private, with the country list only.
func openRequiringVerificationOn(t *testing.T, e Engine) *Store {
	t.Helper()
	clock := &testClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	s, err := Open(context.Background(), testDB(t, e), Options{Now: clock.Now, Verification: RequireVerification})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Initialise(context.Background(), bundledCountries(t), nil); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestRequireVerificationKeepsUnverifiedPrivate(t *testing.T) {
	forEachEngine(t, func(t *testing.T, eng Engine) {
		ctx := context.Background()
		s := openRequiringVerificationOn(t, eng)
		org := access.Org{Slug: "verify-test-org", Name: "Verify Test", Type: access.OrgType("ingo")}
		rec, err := s.RecordEvent(ctx, NewEvent{Event: pendingEvent(), Org: &org, Actor: "ana", SecondEditor: true})
		if err != nil {
			t.Fatal(err)
		}
		if where := publicTrace(t, s, rec.EventID); len(where) != 0 {
			t.Errorf("an unverified event under require-verification shows on %v", where)
		}
		// Editors still see it, with its three sources and note.
		got, err := s.Event(ctx, rec.EventID)
		if err != nil || !got.Private || got.Verification != access.Pending || len(got.Sources) != 3 || got.Note == "" ||
			got.Sources[0].ArchivedURL != "https://web.archive.org/one" {
			t.Errorf("editor's read: %+v, %v", got, err)
		}
		// The metrics read counts it per country (the work-queue gauge),
		// though the event itself is private.
		if md, err := s.MetricsData(ctx); err != nil || !slices.Equal(md.AwaitingVerification, []CountryCount{{Country: "NER", Count: 1}}) {
			t.Errorf("metrics: awaiting verification %+v, %v", md.AwaitingVerification, err)
		}
		q, err := s.WorkQueues(ctx, QueueFilter{User: "ben"})
		if err != nil || q.AwaitingCount != 1 || q.Awaiting[0].ID != rec.EventID {
			t.Errorf("ben's queue %+v, %v", q, err)
		}
		if q, _ := s.WorkQueues(ctx, QueueFilter{User: "ana"}); q.AwaitingCount != 0 {
			t.Errorf("ana's own entry is in her verification queue")
		}
		if q, _ := s.WorkQueues(ctx, QueueFilter{User: "ben", Country: "MLI"}); q.AwaitingCount != 0 {
			t.Errorf("country filter ignored")
		}

		// Ana cannot verify her own entry; nothing changes.
		before := s.Generation()
		if _, err := s.VerifyEvent(ctx, rec.EventID, "ana", ""); !errors.Is(err, ErrOwnEntry) {
			t.Errorf("own verification: %v", err)
		}
		if after := s.Generation(); after != before {
			t.Errorf("a refused verification moved the data version")
		}
		if where := publicTrace(t, s, rec.EventID); len(where) != 0 {
			t.Errorf("after a refused verification the event shows on %v", where)
		}

		// Ben verifies it: it shows everywhere, the record folds it in.
		if _, err := s.VerifyEvent(ctx, rec.EventID, "ben", ""); err != nil {
			t.Fatal(err)
		}
		if where := publicTrace(t, s, rec.EventID); len(where) != 7 {
			t.Errorf("a verified event shows on %v only", where)
		}
		r, err := s.Record(ctx, "NER", "verify-test-org")
		if err != nil || r.Status != access.StatusSuspended {
			t.Errorf("record after verification %+v, %v", r.RecordState, err)
		}
		got, _ = s.Event(ctx, rec.EventID)
		if got.Verification != access.Verified || got.Confirmation == nil || got.Confirmation.By != "ben" || got.Private {
			t.Errorf("verified event %+v", got)
		}
		if md, err := s.MetricsData(ctx); err != nil || md.AwaitingVerification == nil || len(md.AwaitingVerification) != 0 {
			t.Errorf("metrics after verification: awaiting %+v (want counted, none), %v", md.AwaitingVerification, err)
		}
		if _, err := s.VerifyEvent(ctx, rec.EventID, "carla", ""); !errors.Is(err, ErrAlreadyVerified) {
			t.Errorf("second verification: %v", err)
		}
		log, _, err := s.AuditLog(ctx, AuditFilter{})
		if err != nil || !slices.ContainsFunc(log, func(e AuditEntry) bool { return e.Action == "event.verify" && e.Actor == "ben" }) {
			t.Errorf("no audit row of ben's verification (%v)", err)
		}
	})
}

func TestVerificationRuleFollowsTheSetting(t *testing.T) {
	forEachEngine(t, func(t *testing.T, eng Engine) {
		ctx := context.Background()
		clock := &testClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
		path := testDB(t, eng)
		open := func(rule VerificationRule) *Store {
			s, err := Open(ctx, path, Options{Now: clock.Now, Verification: rule})
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
		s := open(PublishUnverified)
		if _, err := s.Initialise(ctx, bundledCountries(t), nil); err != nil {
			t.Fatal(err)
		}
		org := access.Org{Slug: "verify-test-org", Name: "Verify Test", Type: access.OrgType("ingo")}
		rec, err := s.RecordEvent(ctx, NewEvent{Event: pendingEvent(), Org: &org, Actor: "ana", SecondEditor: true})
		if err != nil {
			t.Fatal(err)
		}
		// Off: public at once, awaiting verification (the record is due for review).
		if where := publicTrace(t, s, rec.EventID); len(where) != 7 {
			t.Errorf("without require-verification the event shows on %v only", where)
		}
		if r, _ := s.Record(ctx, "NER", "verify-test-org"); !r.ReviewDue {
			t.Errorf("an unverified status is not marked due for review")
		}
		s.Close()

		// On: the same database hides it; a command that keeps the rule too.
		for _, rule := range []VerificationRule{RequireVerification, KeepVerificationRule} {
			s = open(rule)
			if !s.RequiresVerification() {
				t.Errorf("rule %d: verification not required", rule)
			}
			if where := publicTrace(t, s, rec.EventID); len(where) != 0 {
				t.Errorf("rule %d: the unverified event shows on %v", rule, where)
			}
			s.Close()
		}
		// Off again: public again.
		s = open(PublishUnverified)
		defer s.Close()
		if where := publicTrace(t, s, rec.EventID); len(where) != 7 {
			t.Errorf("back to publish-at-once, the event shows on %v only", where)
		}
	})
}

func TestAdminPublishesAloneOnlyWithAReason(t *testing.T) {
	forEachEngine(t, func(t *testing.T, eng Engine) {
		ctx := context.Background()
		s := openRequiringVerificationOn(t, eng)
		org := access.Org{Slug: "verify-test-org", Name: "Verify Test", Type: access.OrgType("ingo")}
		rec, err := s.RecordEvent(ctx, NewEvent{Event: pendingEvent(), Org: &org, Actor: "root", SecondEditor: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.VerifyEvent(ctx, rec.EventID, "root", "  "); !errors.Is(err, ErrOwnEntry) {
			t.Errorf("publishing alone without a reason: %v", err)
		}
		if _, err := s.VerifyEvent(ctx, rec.EventID, "root", "the ministry's decree is public"); err != nil {
			t.Fatal(err)
		}
		got, _ := s.Event(ctx, rec.EventID)
		if got.Confirmation == nil || got.Confirmation.Reason != "the ministry's decree is public" || got.Private {
			t.Errorf("published alone: %+v", got.Confirmation)
		}
		log, _, _ := s.AuditLog(ctx, AuditFilter{})
		if !slices.ContainsFunc(log, func(e AuditEntry) bool {
			return e.Action == "event.publish_alone" && e.Actor == "root"
		}) {
			t.Errorf("no audit row of the publication without a second editor")
		}
	})
}

func TestWorkQueuesOrderAndFilters(t *testing.T) {
	forEachEngine(t, func(t *testing.T, eng Engine) {
		ctx := context.Background()
		s, _ := openSeededOn(t, eng)
		q, err := s.WorkQueues(ctx, QueueFilter{User: "x", Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		if q.DueCount < 2 || q.PastEndCount < 1 {
			t.Fatalf("the bundled data has %d records due and %d past their end; the test needs some", q.DueCount, q.PastEndCount)
		}
		for i := 1; i < len(q.DueForReview); i++ {
			if lastConfirmed(q.DueForReview[i-1]).Compare(lastConfirmed(q.DueForReview[i])) > 0 {
				t.Errorf("due for review not oldest first at %d: %s after %s", i,
					lastConfirmed(q.DueForReview[i]).ISO(), lastConfirmed(q.DueForReview[i-1]).ISO())
			}
		}
		now := s.Now()
		for _, r := range q.PastEnd {
			if !r.EndedUnconfirmed(now) {
				t.Errorf("%s/%s is listed past its end but is not", r.CountryCode, r.OrgSlug)
			}
		}
		one := q.DueForReview[0]
		f, err := s.WorkQueues(ctx, QueueFilter{User: "x", Country: one.CountryCode, Org: one.OrgSlug})
		if err != nil || f.DueCount != 1 || f.DueForReview[0].ID != one.ID {
			t.Errorf("filtered by %s/%s: %d due (%v)", one.CountryCode, one.OrgSlug, f.DueCount, err)
		}
		if l, _ := s.WorkQueues(ctx, QueueFilter{User: "x", Limit: 1}); len(l.DueForReview) != 1 || l.DueCount != q.DueCount {
			t.Errorf("a limit of 1 lists %d and counts %d (want 1 and %d)", len(l.DueForReview), l.DueCount, q.DueCount)
		}
	})
}

// Search reads public events and records only: while verification is
// required, words, labels and names found only in what awaits
// verification select nothing on public lists (a result would reveal the
// event), and the editors' record list still finds them.
func TestSearchIgnoresWhatAwaitsVerification(t *testing.T) {
	forEachEngine(t, func(t *testing.T, eng Engine) {
		ctx := context.Background()
		s := openRequiringVerificationOn(t, eng)
		// record enters ev as ana; verified, ben verifies it.
		record := func(ev access.Event, org *access.Org, verified bool) {
			t.Helper()
			rec, err := s.RecordEvent(ctx, NewEvent{Event: ev, Org: org, Actor: "ana", SecondEditor: true, ExpectedVersion: AnyVersion})
			if err != nil {
				t.Fatal(err)
			}
			if verified {
				if _, err := s.VerifyEvent(ctx, rec.EventID, "ben", ""); err != nil {
					t.Fatal(err)
				}
			}
		}
		// Public: Verify Test suspended in Niger, Other Relief in Mali.
		record(pendingEvent(), &access.Org{Slug: "verify-test-org", Name: "Verify Test", Type: access.OrgType("ingo")}, true)
		other := pendingEvent()
		other.CountryCode, other.OrgSlug = "MLI", "other-relief"
		record(other, &access.Org{Slug: "other-relief", Name: "Other Relief", Type: access.OrgType("ingo")}, true)
		// Private: Verify Test expelled from Niger, with a word found
		// nowhere else, and a first record of Verify Test in Mali.
		secret := pendingEvent()
		secret.Date, secret.Type, secret.StatusAfter = access.MustParseDate("2026-02-25"), access.EventOrderToLeaveIssued, access.StatusExpelled
		secret.Description = "zzsecretword"
		record(secret, nil, false)
		inMali := pendingEvent()
		inMali.CountryCode = "MLI"
		record(inMali, nil, false)

		for _, tc := range []struct {
			name  string
			query string
			match access.TextMatch
		}{
			{"a word", "zzsecretword", access.TextMatch{}},
			{"a status label", "zzqx", access.TextMatch{Statuses: []access.Status{access.StatusExpelled}}},
			{"an event-type label", "zzqx", access.TextMatch{Events: []access.EventType{access.EventOrderToLeaveIssued}}},
		} {
			records, _, err := s.Records(ctx, RecordFilter{Query: tc.query, Match: tc.match})
			if err != nil {
				t.Fatal(err)
			}
			changes, _, _ := s.Changes(ctx, ChangeFilter{Query: tc.query, Match: tc.match})
			countries, _, _ := s.CountrySummaries(ctx, CountryFilter{Query: tc.query, Match: tc.match})
			orgs, _, _ := s.OrgSummaries(ctx, OrgFilter{Query: tc.query, Match: tc.match})
			if len(records)+len(changes)+len(countries)+len(orgs) != 0 {
				t.Errorf("%s of a private event finds %d records, %d changes, %d countries, %d organisations",
					tc.name, len(records), len(changes), len(countries), len(orgs))
			}
			editors, _, err := s.Records(ctx, RecordFilter{Query: tc.query, Match: tc.match, IncludePrivate: true})
			if err != nil || len(editors) != 1 || editors[0].OrgSlug != "verify-test-org" || editors[0].CountryCode != "NER" {
				t.Errorf("%s: the editors' list finds %+v, %v", tc.name, editors, err)
			}
		}
		// The private record links Verify Test to Mali: neither name
		// leads to the other.
		countries, _, _ := s.CountrySummaries(ctx, CountryFilter{Query: "Verify Test"})
		if len(countries) != 1 || countries[0].Code != "NER" {
			t.Errorf("countries for Verify Test: %+v", countries)
		}
		orgs, _, _ := s.OrgSummaries(ctx, OrgFilter{Query: "zzqx", Match: access.TextMatch{Countries: []string{"MLI"}}})
		if len(orgs) != 1 || orgs[0].Slug != "other-relief" {
			t.Errorf("organisations for Mali: %+v", orgs)
		}
	})
}
