package access

import (
	"testing"
	"time"
)

func day(s string) time.Time { return MustParseDate(s).Start() }

func TestFoldReachNotAffected(t *testing.T) {
	affected := int64(800)
	st := Fold([]Event{
		{ID: 1, Date: MustParseDate("2020"), Type: EventPresenceRecorded, StatusAfter: StatusOperating},
		{ID: 2, Date: MustParseDate("2025-05-08"), Type: EventOfficesClosed, StatusAfter: StatusBanned, InitiatedBy: InitiatedByAuthority, PeopleAffected: &affected},
	})
	if st.Reach != nil || st.ReachKnown() {
		t.Fatalf("people affected set the reach: %+v", st.Reach)
	}
	if st.LostReachAt(day("2026-01-01")) != nil {
		t.Error("a record with no reach figure has no lost reach, not 0")
	}
}

func TestFoldSkipsCorrectedEvents(t *testing.T) {
	good := []Event{
		{ID: 1, Date: MustParseDate("2020"), Type: EventPresenceRecorded, StatusAfter: StatusOperating, Reach: &Reach{People: 10, Basis: ReachAnnual}},
	}
	wrong := Event{ID: 2, Date: MustParseDate("2025-01-02"), Type: EventOrderToLeaveIssued, StatusAfter: StatusExpelled, InitiatedBy: InitiatedByAuthority,
		Reach: &Reach{People: 99, Basis: ReachCumulative}, Correction: &Correction{Kind: Retracted, Reason: "entered in error"}}
	want := Fold(good)
	got := Fold(append(good, wrong))
	if *got.Reach != *want.Reach {
		t.Errorf("reach %+v, want %+v", *got.Reach, *want.Reach)
	}
	got.Reach, want.Reach = nil, nil
	if got != want {
		t.Errorf("retracted event changed the fold:\n got %+v\nwant %+v", got, want)
	}
}

func TestTimeLimitedMeasureEnds(t *testing.T) {
	// Ethiopia, 2021: a three-month suspension "until 2021-11".
	st := Fold([]Event{
		{ID: 1, Date: MustParseDate("2000"), Type: EventPresenceRecorded, StatusAfter: StatusOperating, Reach: &Reach{People: 5000, Basis: ReachAnnual}},
		{ID: 2, Date: MustParseDate("2021-08-04"), Type: EventSuspensionOrdered, StatusAfter: StatusSuspended, InitiatedBy: InitiatedByAuthority, Until: MustParseDate("2021-11")},
	})
	if st.StatusUntilKind != UntilEnds || st.StatusUntil.ISO() != "2021-11" {
		t.Fatalf("until %s kind %q", st.StatusUntil, st.StatusUntilKind)
	}
	during, after := day("2021-10-15"), day("2021-12-01")
	if st.EndedUnconfirmed(during) || !st.FlaggedAt(during) || st.LostReachAt(during) == nil {
		t.Error("before its end the suspension is current, flagged and lost")
	}
	if !st.EndedUnconfirmed(after) || st.FlaggedAt(after) || st.LostReachAt(after) != nil {
		t.Error("after its end the suspension is ended-unconfirmed, neither flagged nor lost")
	}
	if !st.DueForReview(after, DefaultReviewAfter) {
		t.Error("an ended, unconfirmed measure is due for review")
	}
	// An editor's review after the end confirms the suspension still holds.
	reviewed := Fold([]Event{
		{ID: 2, Date: MustParseDate("2021-08-04"), Type: EventSuspensionOrdered, StatusAfter: StatusSuspended, InitiatedBy: InitiatedByAuthority, Until: MustParseDate("2021-11")},
		{ID: 3, Date: MustParseDate("2021-12-10"), Type: EventReviewed},
	})
	if reviewed.EndedUnconfirmed(day("2022-01-01")) || !reviewed.FlaggedAt(day("2022-01-01")) {
		t.Error("a review after the end confirms the measure")
	}
	if reviewed.LastReviewed.ISO() != "2021-12-10" {
		t.Errorf("last reviewed %s", reviewed.LastReviewed)
	}
}

func TestDeadlineDoesNotEndMeasure(t *testing.T) {
	st := Fold([]Event{
		{ID: 1, Date: MustParseDate("2026-01-01"), Type: EventAuthorisationWithdrawn, StatusAfter: StatusOrderedToLeave, InitiatedBy: InitiatedByAuthority, Until: MustParseDate("2026-03-01")},
	})
	before, deadlineDay, after := day("2026-02-15"), day("2026-03-01"), day("2026-03-02")
	if st.StatusUntilKind != UntilDeadline {
		t.Fatalf("kind %q", st.StatusUntilKind)
	}
	if st.DeadlinePassed(before) || st.DeadlinePassed(deadlineDay) || !st.DeadlinePassed(after) {
		t.Error("the deadline passes at the end of its day")
	}
	if !st.FlaggedAt(after) || st.EndedUnconfirmed(after) {
		t.Error("a passed deadline leaves the record flagged")
	}
	if st.DueForReview(before, DefaultReviewAfter) || !st.DueForReview(after, DefaultReviewAfter) {
		t.Error("a passed deadline makes the record due for review")
	}
}

func TestUnconfirmedAfterReviewAfter(t *testing.T) {
	st := Fold([]Event{
		{ID: 1, Date: MustParseDate("2009-03-04"), Type: EventOrderToLeaveIssued, StatusAfter: StatusExpelled, InitiatedBy: InitiatedByAuthority},
	})
	if !st.DueForReview(day("2026-12-06"), DefaultReviewAfter) {
		t.Error("a 2009 record is due for review in 2026")
	}
	if st.DueForReview(day("2009-06-01"), DefaultReviewAfter) {
		t.Error("a fresh record is not due")
	}
	if !st.DueForReview(day("2009-06-01"), 24*time.Hour) {
		t.Error("a short review-after makes it due")
	}
}

func TestUntilKindOf(t *testing.T) {
	for typ, want := range map[EventType]UntilKind{
		EventSuspensionOrdered: UntilEnds, EventSelfSuspension: UntilEnds, EventRestrictionImposed: UntilEnds,
		EventOrderToLeaveIssued: UntilDeadline, EventAuthorisationWithdrawn: UntilDeadline,
	} {
		if got := UntilKindOf(typ); got != want {
			t.Errorf("%s: %q, want %q", typ, got, want)
		}
	}
}
