package access

import "testing"

func TestFoldICRCNiger(t *testing.T) {
	src := []Source{{Publisher: "AP", URL: "https://example.org/a"}}
	// Entered out of date order on purpose: the fold must follow dates.
	events := []Event{
		{ID: 4, Date: MustParseDate("2025-06-05"), Type: EventOfficesClosed, StatusAfter: StatusExpelled, InitiatedBy: InitiatedByAuthority,
			Reach: &Reach{People: 2_000_000, Basis: ReachCumulative}, Sources: src},
		{ID: 1, Date: MustParseDate("1990"), Type: EventPresenceRecorded, StatusAfter: StatusOperating, PresenceSince: 1990, Sources: src},
		{ID: 5, Date: MustParseDate("2025-06-05"), Type: EventOrganisationStatement, InitiatedBy: InitiatedByOrganisation, Sources: src},
		{ID: 2, Date: MustParseDate("2025-01-31"), Type: EventOrderToLeaveIssued, StatusAfter: StatusOrderedToLeave, InitiatedBy: InitiatedByAuthority, Sources: src},
		{ID: 3, Date: MustParseDate("2025-05-31"), Type: EventPublicAccusation, InitiatedBy: InitiatedByAuthority, Sources: src},
	}
	st := Fold(events)
	if st.Status != StatusExpelled || st.StatusSince.ISO() != "2025-06-05" || st.StatusInitiatedBy != InitiatedByAuthority {
		t.Errorf("status = %s since %s by %s", st.Status, st.StatusSince, st.StatusInitiatedBy)
	}
	if st.PresenceSince != 1990 {
		t.Errorf("presence since %d", st.PresenceSince)
	}
	if st.Reach == nil || st.Reach.People != 2_000_000 || st.Reach.Basis != ReachCumulative {
		t.Errorf("reach = %+v", st.Reach)
	}
	if !st.Flagged() || st.ReachLost() != 2_000_000 {
		t.Errorf("flagged=%v lost=%d", st.Flagged(), st.ReachLost())
	}
	// No editor reviewed it: "last reviewed" is never, not the latest event.
	if !st.LastReviewed.IsZero() || st.LatestEvent.ISO() != "2025-06-05" || st.ReviewDue || st.StatusEventID != 4 {
		t.Errorf("reviewed %q, latest %s, due %v", st.LastReviewed, st.LatestEvent, st.ReviewDue)
	}
}

func TestFoldRules(t *testing.T) {
	src := []Source{{Publisher: "p", URL: "https://example.org"}}
	t.Run("no status is unknown, never operating", func(t *testing.T) {
		st := Fold([]Event{{ID: 1, Date: MustParseDate("2024"), Type: EventPublicAccusation, Sources: src}})
		if st.Status != StatusUnknown || !st.StatusSince.IsZero() {
			t.Errorf("got %s since %s", st.Status, st.StatusSince)
		}
		if st.Flagged() || st.ReachLost() != 0 {
			t.Error("unknown is neither flagged nor lost")
		}
	})
	t.Run("same date, later entry wins", func(t *testing.T) {
		st := Fold([]Event{
			{ID: 2, Date: MustParseDate("2024-11-12"), StatusAfter: StatusOperating},
			{ID: 1, Date: MustParseDate("2024-11-12"), StatusAfter: StatusBanned, InitiatedBy: InitiatedByAuthority},
		})
		if st.Status != StatusOperating {
			t.Errorf("got %s", st.Status)
		}
	})
	t.Run("a backfilled older event does not override", func(t *testing.T) {
		st := Fold([]Event{
			{ID: 1, Date: MustParseDate("2024-11-12"), StatusAfter: StatusBanned, InitiatedBy: InitiatedByAuthority},
			{ID: 2, Date: MustParseDate("2010"), Type: EventPresenceRecorded, StatusAfter: StatusOperating, Reach: &Reach{People: 5, Basis: ReachAnnual}},
		})
		if st.Status != StatusBanned || st.PresenceSince != 2010 {
			t.Errorf("got %s, presence %d", st.Status, st.PresenceSince)
		}
		if st.ReachLost() != 5 {
			t.Errorf("the only reach figure still counts as lost: %d", st.ReachLost())
		}
	})
	t.Run("self-suspension loses reach but is not flagged", func(t *testing.T) {
		st := Fold([]Event{{ID: 1, Date: MustParseDate("2022-12-25"), StatusAfter: StatusSuspended, InitiatedBy: InitiatedByOrganisation,
			Reach: &Reach{People: 10, Basis: ReachAnnual}, Verification: Pending}})
		if st.Flagged() || st.ReachLost() != 10 || !st.ReviewDue {
			t.Errorf("flagged=%v lost=%d due=%v", st.Flagged(), st.ReachLost(), st.ReviewDue)
		}
	})
	t.Run("a verified later status clears review due", func(t *testing.T) {
		st := Fold([]Event{
			{ID: 1, Date: MustParseDate("2022-12-25"), StatusAfter: StatusSuspended, Verification: Pending},
			{ID: 2, Date: MustParseDate("2023-03"), StatusAfter: StatusRestricted, Verification: Verified},
		})
		if st.ReviewDue || st.Status != StatusRestricted {
			t.Errorf("got %s due=%v", st.Status, st.ReviewDue)
		}
	})
	t.Run("a confirmed review clears review due; a pending one does not", func(t *testing.T) {
		events := []Event{
			{ID: 1, Date: MustParseDate("2022-12-25"), StatusAfter: StatusSuspended, Verification: Pending},
			{ID: 2, Date: MustParseDate("2023-01"), Type: EventReviewed, Verification: Pending},
		}
		if st := Fold(events); !st.ReviewDue {
			t.Error("a pending review cleared review due")
		}
		events = append(events, Event{ID: 3, Date: MustParseDate("2026-03-01"), Type: EventReviewed, Verification: Verified})
		st := Fold(events)
		if st.ReviewDue || st.Status != StatusSuspended || st.LastReviewed.ISO() != "2026-03-01" || st.StatusEventID != 1 {
			t.Errorf("after a confirmed review: %+v", st)
		}
		// A review dated before the pending status does not confirm it.
		st = Fold([]Event{
			{ID: 5, Date: MustParseDate("2022"), Type: EventReviewed, Verification: Verified},
			{ID: 6, Date: MustParseDate("2022-12-25"), StatusAfter: StatusSuspended, Verification: Pending},
		})
		if !st.ReviewDue {
			t.Error("an older review cleared a newer pending status")
		}
	})
	t.Run("input order is untouched", func(t *testing.T) {
		in := []Event{{ID: 2, Date: MustParseDate("2025")}, {ID: 1, Date: MustParseDate("2024")}}
		Fold(in)
		if in[0].ID != 2 {
			t.Error("Fold sorted its caller's slice")
		}
	})
}
