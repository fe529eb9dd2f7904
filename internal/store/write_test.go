package store

import (
	"context"
	"errors"
	"testing"

	"github.com/accesswatch/accesswatch/internal/access"
)

func TestSeedLoad(t *testing.T) {
	forEachEngine(t, func(t *testing.T, eng Engine) {
		s, _ := openSeededOn(t, eng)
		rows := bundledRows(t)
		orgs, records, classLevel, sources := map[string]bool{}, map[string]bool{}, 0, 0
		for _, r := range rows {
			sources += len(r.Event.Sources)
			if r.Event.ClassLevel() {
				classLevel++
				continue
			}
			orgs[r.Event.OrgSlug] = true
			records[r.Event.CountryCode+"/"+r.Event.OrgSlug] = true
		}
		for query, want := range map[string]int{
			`SELECT COUNT(*) FROM countries`:                           250,
			`SELECT COUNT(*) FROM events`:                              len(rows),
			`SELECT COUNT(*) FROM events WHERE record_id IS NULL`:      classLevel,
			`SELECT COUNT(*) FROM organisations`:                       len(orgs),
			`SELECT COUNT(*) FROM records`:                             len(records),
			`SELECT COUNT(*) FROM event_sources`:                       sources,
			`SELECT COUNT(*) FROM audit WHERE action = 'event.create'`: len(rows),
		} {
			if got := count(t, s, query); got != want {
				t.Errorf("%s = %d, want %d", query, got, want)
			}
		}
		countries := map[string]bool{}
		for _, r := range rows {
			countries[r.Event.CountryCode] = true
		}
		// Version 2 of the reference list: 148 events (22 class-level) in 26 countries.
		if classLevel != 22 || len(rows) != 148 || len(countries) != 26 {
			t.Errorf("seed file has %d rows (%d class-level) in %d countries; the reference list has 148 (22) in 26", len(rows), classLevel, len(countries))
		}
		if got := count(t, s, `SELECT COUNT(DISTINCT country_code) FROM events`); got != 26 {
			t.Errorf("events in %d countries, want 26", got)
		}

		ctx := context.Background()
		icrc, err := s.Record(ctx, "NER", "icrc")
		if err != nil {
			t.Fatal(err)
		}
		if icrc.Status != access.StatusExpelled || icrc.StatusSince.ISO() != "2025-06-05" {
			t.Errorf("ICRC/NER = %s since %s", icrc.Status, icrc.StatusSince)
		}
		if icrc.Reach == nil || icrc.Reach.People != 2_000_000 || icrc.Reach.Basis != access.ReachCumulative {
			t.Errorf("ICRC/NER reach = %+v", icrc.Reach)
		}
		if icrc.PresenceSince != 1990 || !icrc.Flagged() || icrc.Version != 5 {
			t.Errorf("ICRC/NER presence %d flagged %v version %d", icrc.PresenceSince, icrc.Flagged(), icrc.Version)
		}
		acted, err := s.Record(ctx, "NER", "acted")
		if err != nil {
			t.Fatal(err)
		}
		if acted.Status != access.StatusBanned || acted.StatusSince.ISO() != "2024-11-12" || acted.ReachLost() != 1_000_000 {
			t.Errorf("Acted/NER = %s since %s, lost %d", acted.Status, acted.StatusSince, acted.ReachLost())
		}
		nrc, err := s.Record(ctx, "AFG", "nrc")
		if err != nil {
			t.Fatal(err)
		}
		if !nrc.ReviewDue || nrc.Flagged() {
			t.Errorf("NRC/AFG (self-suspension, needs review): due=%v flagged=%v", nrc.ReviewDue, nrc.Flagged())
		}

		// A second start does not load anything again.
		before := checksum(t, s)
		loaded, err := s.Initialise(ctx, bundledCountries(t), seedEvents(rows))
		if err != nil || loaded {
			t.Fatalf("second Initialise: loaded=%v err=%v", loaded, err)
		}
		if checksum(t, s) != before {
			t.Error("second Initialise changed the database")
		}
	})
}

func TestInitialiseWithoutSeed(t *testing.T) {
	forEachEngine(t, func(t *testing.T, eng Engine) {
		s, _ := openTestOn(t, eng)
		loaded, err := s.Initialise(context.Background(), bundledCountries(t), nil)
		if err != nil || !loaded {
			t.Fatalf("loaded=%v err=%v", loaded, err)
		}
		if count(t, s, `SELECT COUNT(*) FROM countries`) != 250 || count(t, s, `SELECT COUNT(*) FROM events`) != 0 {
			t.Error("--no-seed must load the countries and no cases")
		}
	})
}

func newEvent(version int64) NewEvent {
	return NewEvent{
		Event: access.Event{
			CountryCode: "NER", OrgSlug: "acted", Date: access.MustParseDate("2026-02-20"),
			Type: access.EventResumptionAuthorised, StatusAfter: access.StatusOperating, InitiatedBy: access.InitiatedByAuthority,
			Sources: []access.Source{
				{Publisher: "Example News", URL: "https://news.example/acted", Type: access.SourceNews},
				{Publisher: "Acted", URL: "https://acted.example/statement", Type: access.SourceOrganisation},
			},
		},
		ExpectedVersion: version,
		Actor:           "editor1",
	}
}

func TestRecordEventWritesEverythingInOneTransaction(t *testing.T) {
	forEachEngine(t, func(t *testing.T, eng Engine) {
		s, _ := openSeededOn(t, eng)
		ctx := context.Background()
		acted, _ := s.Record(ctx, "NER", "acted")
		gen := s.Generation()
		events, audits := count(t, s, `SELECT COUNT(*) FROM events`), count(t, s, `SELECT COUNT(*) FROM audit`)

		res, err := s.RecordEvent(ctx, newEvent(acted.Version))
		if err != nil {
			t.Fatal(err)
		}
		if res.Record == nil || res.Record.Status != access.StatusOperating || res.Record.Version != acted.Version+1 {
			t.Fatalf("record after = %+v", res.Record)
		}
		if res.Record.Flagged() || res.Record.StatusSince.ISO() != "2026-02-20" || res.Record.UpdatedBy != "editor1" {
			t.Errorf("record after: flagged=%v since=%s by=%s", res.Record.Flagged(), res.Record.StatusSince, res.Record.UpdatedBy)
		}
		if got := count(t, s, `SELECT COUNT(*) FROM events`); got != events+1 {
			t.Errorf("events %d → %d", events, got)
		}
		if got := count(t, s, `SELECT COUNT(*) FROM event_sources WHERE event_id = ?`, res.EventID); got != 2 {
			t.Errorf("%d sources stored, want 2", got)
		}
		if got := count(t, s, `SELECT COUNT(*) FROM audit`); got != audits+1 {
			t.Errorf("audit rows %d → %d", audits, got)
		}
		if got := count(t, s, `SELECT COUNT(*) FROM audit WHERE actor = 'editor1' AND entity_key = 'NER/acted' AND before LIKE '%banned%' AND after LIKE '%operating%'`); got != 1 {
			t.Error("audit row does not say who changed what from banned to operating")
		}
		if s.Generation() == gen {
			t.Error("generation did not change after a commit")
		}
		ev, err := s.Event(ctx, res.EventID)
		if err != nil {
			t.Fatal(err)
		}
		if ev.EnteredBy != "editor1" || len(ev.Sources) != 2 || ev.Sources[1].Publisher != "Acted" || ev.RecordVersion != acted.Version+1 {
			t.Errorf("stored event = %+v", ev)
		}
	})
}

func TestRecordEventIsAllOrNothing(t *testing.T) {
	forEachEngine(t, func(t *testing.T, eng Engine) {
		s, _ := openSeededOn(t, eng)
		ctx := context.Background()
		// Make the second source's insert fail, after the event row was written.
		trigger := `CREATE TRIGGER fail_second_source BEFORE INSERT ON event_sources
			WHEN NEW.position = 1 BEGIN SELECT RAISE(ABORT, 'injected failure'); END`
		if eng == Postgres {
			trigger = `CREATE FUNCTION fail_second() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN IF NEW.position = 1 THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$;
			CREATE TRIGGER fail_second_source BEFORE INSERT ON event_sources FOR EACH ROW EXECUTE FUNCTION fail_second()`
		}
		if _, err := s.writer.Exec(trigger); err != nil {
			t.Fatal(err)
		}
		before := checksum(t, s)
		acted, _ := s.Record(ctx, "NER", "acted")
		if _, err := s.RecordEvent(ctx, newEvent(acted.Version)); err == nil {
			t.Fatal("the injected failure did not surface")
		}
		if checksum(t, s) != before {
			t.Error("a failed transaction left changes behind")
		}
		after, _ := s.Record(ctx, "NER", "acted")
		if after.Status != access.StatusBanned || after.Version != acted.Version {
			t.Errorf("record moved to %s v%d", after.Status, after.Version)
		}
	})
}

func TestStaleVersionConflicts(t *testing.T) {
	forEachEngine(t, func(t *testing.T, eng Engine) {
		s, _ := openSeededOn(t, eng)
		ctx := context.Background()
		acted, _ := s.Record(ctx, "NER", "acted")
		if _, err := s.RecordEvent(ctx, newEvent(acted.Version)); err != nil {
			t.Fatal(err)
		}
		before := checksum(t, s)
		second := newEvent(acted.Version)
		second.Event.Type, second.Event.StatusAfter = access.EventOrderToLeaveIssued, access.StatusExpelled
		_, err := s.RecordEvent(ctx, second)
		var conflict *ConflictError
		if !errors.As(err, &conflict) || !errors.Is(err, ErrConflict) {
			t.Fatalf("got %v, want a ConflictError", err)
		}
		if conflict.Current == nil || conflict.Current.Version != acted.Version+1 || conflict.Current.Status != access.StatusOperating {
			t.Errorf("conflict reports %+v", conflict.Current)
		}
		if checksum(t, s) != before {
			t.Error("a conflicting write changed the database")
		}
		// What changed since the editor's version can be listed.
		changed, _, err := s.Events(ctx, EventFilter{Country: "NER", Org: "acted", AfterVersion: acted.Version})
		if err != nil || len(changed) != 1 || changed[0].StatusAfter != access.StatusOperating {
			t.Errorf("events after v%d: %v %v", acted.Version, changed, err)
		}

		// Version 0 means "I saw no record": a record that exists conflicts.
		if _, err := s.RecordEvent(ctx, newEvent(0)); !errors.Is(err, ErrConflict) {
			t.Errorf("create over an existing record: %v", err)
		}
	})
}

func TestRecordEventCreatesRecordAndOrg(t *testing.T) {
	forEachEngine(t, func(t *testing.T, eng Engine) {
		s, _ := openSeededOn(t, eng)
		ctx := context.Background()
		in := newEvent(0)
		in.Event.OrgSlug = "new-ngo"
		in.Event.StatusAfter = access.StatusSuspended
		in.Event.Type = access.EventSuspensionOrdered
		if _, err := s.RecordEvent(ctx, in); err == nil {
			t.Fatal("an unknown organisation was accepted without its details")
		} else if errs, ok := access.AsErrors(err); !ok || len(errs) != 1 || errs[0].Field != "org" {
			t.Fatalf("got %v", err)
		}
		in.Org = &access.Org{Name: "New NGO", Type: access.OrgNationalNGO}
		res, err := s.RecordEvent(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		if res.Record.Version != 1 || !res.Record.Flagged() || res.Record.Org.Name != "New NGO" {
			t.Errorf("new record = %+v", res.Record)
		}
		if count(t, s, `SELECT COUNT(*) FROM audit WHERE action = 'org.create' AND entity_key = 'new-ngo'`) != 1 {
			t.Error("organisation creation not audited")
		}
	})
}

func TestRecordEventRejectsBadInputUnchanged(t *testing.T) {
	forEachEngine(t, func(t *testing.T, eng Engine) {
		s, _ := openSeededOn(t, eng)
		ctx := context.Background()
		before := checksum(t, s)
		cases := map[string]func(*NewEvent){
			"unknown country":   func(in *NewEvent) { in.Event.CountryCode = "XXX" },
			"invalid status":    func(in *NewEvent) { in.Event.StatusAfter = "closed" },
			"no sources":        func(in *NewEvent) { in.Event.Sources = nil },
			"javascript source": func(in *NewEvent) { in.Event.Sources[0].URL = "javascript:alert(1)" },
			"future":            func(in *NewEvent) { in.Event.Date = access.MustParseDate("2027-01-01") },
			"bad new org":       func(in *NewEvent) { in.Event.OrgSlug = "zz"; in.Org = &access.Org{Name: "", Type: "x"} },
			"negative affected": func(in *NewEvent) { n := int64(-5); in.Event.PeopleAffected = &n },
		}
		for name, edit := range cases {
			in := newEvent(AnyVersion)
			in.Event.Sources = append([]access.Source(nil), in.Event.Sources...)
			edit(&in)
			_, err := s.RecordEvent(ctx, in)
			if _, ok := access.AsErrors(err); !ok {
				t.Errorf("%s: got %v, want validation errors", name, err)
			}
		}
		if checksum(t, s) != before {
			t.Error("rejected input changed the database")
		}
	})
}

func TestClassLevelEvent(t *testing.T) {
	forEachEngine(t, func(t *testing.T, eng Engine) {
		s, _ := openSeededOn(t, eng)
		ctx := context.Background()
		in := newEvent(AnyVersion)
		in.Event.OrgSlug, in.Event.StatusAfter, in.Event.Type = "", "", access.EventClassBanAnnounced
		in.Event.CountryCode = "BFA"
		res, err := s.RecordEvent(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		if res.Record != nil {
			t.Error("a class-level measure has no record")
		}
		evs, _, err := s.Events(ctx, EventFilter{Country: "BFA", ClassLevelOnly: true})
		if err != nil || len(evs) != 1 || evs[0].ID != res.EventID || evs[0].Org.Slug != "" {
			t.Errorf("class-level events of BFA: %v %v", evs, err)
		}
	})
}

func TestStatusSources(t *testing.T) {
	forEachEngine(t, func(t *testing.T, eng Engine) {
		s, _ := openSeededOn(t, eng)
		ctx := context.Background()
		icrc, _ := s.Record(ctx, "NER", "icrc")
		srcs, err := s.Sources(ctx, []int64{icrc.StatusEventID})
		if err != nil {
			t.Fatal(err)
		}
		got := srcs[icrc.StatusEventID]
		if len(got) != 1 || got[0].Publisher != "AP, via Bastille Post" {
			t.Errorf("sources behind ICRC's status: %+v", got)
		}
	})
}
