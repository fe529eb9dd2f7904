package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/accesswatch/accesswatch/internal/access"
)

// Every exported method of *Store, by what it does to the domain-data
// version. A new method fails TestEveryWritePath until it is placed here,
// and a method placed in domainWrites must be exercised in it (and move the
// version): nobody can add a data write and forget the version. The writes
// of the login flow (failed logins, throttling, the security trail) are
// also proved harmless end to end by web's TestOnlyDomainWritesInvalidate.
// Some names are those of the login-security work (issue 13), listed ahead.
var (
	domainWrites = []string{"CreateOrg", "ImportEvents", "Initialise", "RecordEvent", "RecordEvents", "RetractEvent",
		"MergeOrg", "SetSeverity", "SupersedeEvent", "UpdateOrg", "VerifyEvent"}
	otherWrites = []string{"AddLoginFailure", "AddSecurityEvent", "ClaimDraft", "ClearLoginFailures", "CreateSession", "CreateUser",
		"DeleteSession", "DisableUser", "EnableUser", "SaveDraft", "TakeDraft", "SetUserPassword", "SetUserLang", "SetUserRole", "TouchSession", "UnlockUser"}
	noWrites = []string{"AuditLog", "EditorRecord", "RequiresVerification", "WorkQueues", "Backup", "Changes", "Checksum", "CopyTo", "Engine", "ClassMeasureCounts", "ClassMeasuresInForce", "Close",
		"Countries", "Country", "CountrySummaries", "EventCountries", "DataAsOf", "DueForReview", "LostReach", "ReviewAfter",
		"CountrySummary", "Event", "Events", "Generation", "Headline", "LoginFailures", "LoginThrottleState", "MetricsData",
		"Now", "Org", "OrgAlias", "OrgForEdit", "OrgSummaries", "OrgSummary", "Orgs", "Path", "Ping", "Pools", "Record", "Records", "Regions",
		"SecurityLog", "SessionUser", "SimilarOrgs", "Sources", "TrendEvents", "UnflaggedRecords", "UserByName", "Users"}
)

func TestEveryWritePath(t *testing.T) {
	forEachEngine(t, func(t *testing.T, eng Engine) {
		typ := reflect.TypeFor[*Store]()
		for i := range typ.NumMethod() {
			name := typ.Method(i).Name
			if !slices.Contains(domainWrites, name) && !slices.Contains(otherWrites, name) && !slices.Contains(noWrites, name) {
				t.Errorf("Store.%s is in none of the lists of dataversion_test.go: does it write domain data?", name)
			}
		}

		ctx := context.Background()
		s, clock := openTestOn(t, eng)
		u, err := s.CreateUser(ctx, NewUser{Name: "alice", Role: access.RoleAdmin, PasswordHash: "$argon2id$x"}, "cli")
		if err != nil {
			t.Fatal(err)
		}
		th := bytes.Repeat([]byte{7}, 32)
		org := access.Org{Slug: "test-org", Name: "Test Org", Type: access.OrgType("ingo")}
		event := func(url string) access.Event {
			return access.Event{CountryCode: "NER", OrgSlug: org.Slug, Date: access.MustParseDate("2025-01-02"),
				Type: access.EventAuthorisationWithdrawn, StatusAfter: access.StatusBanned, InitiatedBy: access.InitiatedByAuthority,
				Sources: []access.Source{{Publisher: "Test", URL: url, Type: access.SourceNews}}}
		}
		imported := []ImportEvent{{Event: event("https://example.org/import"), Org: org}}
		var first, second int64 // events recorded by the steps, then corrected

		steps := []struct {
			method string
			moves  bool
			run    func() error
		}{
			{"Initialise", true, func() error {
				_, err := s.Initialise(ctx, []access.Country{{Code: "NER", Name: "Niger", Region: "Africa"}}, nil)
				return err
			}},
			{"Initialise", false, func() error { // initialised already: writes nothing
				_, err := s.Initialise(ctx, []access.Country{{Code: "NER", Name: "Niger", Region: "Africa"}}, nil)
				return err
			}},
			{"CreateOrg", true, func() error { return s.CreateOrg(ctx, org, "alice") }},
			{"UpdateOrg", false, func() error { return s.UpdateOrg(ctx, org, 1, "alice") }}, // unchanged
			{"UpdateOrg", true, func() error { o := org; o.Name = "Test Organisation"; return s.UpdateOrg(ctx, o, 1, "alice") }},
			{"UpdateOrg", false, func() error { // stale: a conflict, nothing written
				o := org
				o.Name = "Stale"
				if err := s.UpdateOrg(ctx, o, 1, "alice"); !errors.Is(err, ErrConflict) {
					return fmt.Errorf("stale UpdateOrg: %v, want a conflict", err)
				}
				return nil
			}},
			{"CreateOrg", true, func() error { return s.CreateOrg(ctx, access.Org{Slug: "twin", Name: "Twin", Type: "ingo"}, "alice") }},
			{"MergeOrg", true, func() error { _, err := s.MergeOrg(ctx, "twin", org.Slug, "alice"); return err }},
			{"SetSeverity", true, func() error {
				return s.SetSeverity(ctx, "NER", access.SeverityScore{Score: 4, Date: access.MustParseDate("2025-01"),
					Publisher: "ACAPS", URL: "https://example.org/acaps"}, "alice")
			}},
			{"RecordEvent", true, func() error {
				rec, err := s.RecordEvent(ctx, NewEvent{Event: event("https://example.org/1"), ExpectedVersion: AnyVersion, Actor: "alice"})
				first = rec.EventID
				return err
			}},
			{"RecordEvents", true, func() error {
				recs, err := s.RecordEvents(ctx, []NewEvent{{Event: event("https://example.org/2"), ExpectedVersion: AnyVersion, Actor: "alice"}})
				if len(recs) == 1 {
					second = recs[0].EventID
				}
				return err
			}},
			{"VerifyEvent", true, func() error {
				ev := event("https://example.org/pending")
				ev.Verification = access.Pending
				rec, err := s.RecordEvent(ctx, NewEvent{Event: ev, ExpectedVersion: AnyVersion, Actor: "bob", SecondEditor: true})
				if err != nil {
					return err
				}
				_, err = s.VerifyEvent(ctx, rec.EventID, "alice", "")
				return err
			}},
			{"RetractEvent", true, func() error { _, err := s.RetractEvent(ctx, first, "entered in error", "alice"); return err }},
			{"SupersedeEvent", true, func() error {
				_, err := s.SupersedeEvent(ctx, second, NewEvent{Event: event("https://example.org/3"), ExpectedVersion: AnyVersion, Actor: "alice"}, "wrong source")
				return err
			}},
			{"RecordEvents", false, func() error { _, err := s.RecordEvents(ctx, nil); return err }},
			{"ImportEvents", false, func() error { // a dry run
				_, err := s.ImportEvents(ctx, imported, ImportOptions{Actor: "alice", DryRun: true})
				return err
			}},
			{"ImportEvents", true, func() error { _, err := s.ImportEvents(ctx, imported, ImportOptions{Actor: "alice"}); return err }},
			{"ImportEvents", false, func() error { // every event held already
				_, err := s.ImportEvents(ctx, imported, ImportOptions{Actor: "alice"})
				return err
			}},
			{"CreateUser", false, func() error {
				_, err := s.CreateUser(ctx, NewUser{Name: "bob", Role: access.RoleEditor, PasswordHash: "$argon2id$y"}, "alice")
				return err
			}},
			{"SetUserPassword", false, func() error { return s.SetUserPassword(ctx, "bob", "$argon2id$z", "alice") }},
			{"DisableUser", false, func() error { return s.DisableUser(ctx, "bob", "alice") }},
			{"EnableUser", false, func() error { return s.EnableUser(ctx, "bob", "alice") }},
			{"SaveDraft", false, func() error {
				now := clock.Now()
				return s.SaveDraft(ctx, Draft{IDHash: "ab", Path: "/admin/orgs/new", Body: "name=x", CreatedAt: now, ExpiresAt: now.Add(time.Hour)})
			}},
			{"ClaimDraft", false, func() error { return s.ClaimDraft(ctx, "ab", "bob", clock.Now()) }},
			{"TakeDraft", false, func() error { _, err := s.TakeDraft(ctx, "ab", "bob", "/admin/orgs/new", clock.Now()); return err }},
			{"CreateSession", false, func() error {
				now := clock.Now()
				return s.CreateSession(ctx, access.Session{TokenHash: th, UserID: u.ID, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(time.Hour)}, nil)
			}},
			{"TouchSession", false, func() error { return s.TouchSession(ctx, th, clock.Now()) }},
			{"DeleteSession", false, func() error { return s.DeleteSession(ctx, th) }},
		}
		exercised := map[string]bool{}
		for _, step := range steps {
			before := s.Generation()
			if err := step.run(); err != nil {
				t.Fatalf("%s: %v", step.method, err)
			}
			if moved := s.Generation() != before; moved != step.moves {
				t.Errorf("%s: version moved %v, want %v", step.method, moved, step.moves)
			}
			// What another process sees, a second later, agrees.
			clock.Advance(2 * pollInterval)
			after := s.Generation()
			if stored := readVersion(t, s); after != stored {
				t.Errorf("%s: Generation %d, counter row %d", step.method, after, stored)
			}
			exercised[step.method] = true
		}
		for _, name := range domainWrites {
			if !exercised[name] {
				t.Errorf("data write %s is not exercised", name)
			}
		}
	})
}

func readVersion(t *testing.T, s *Store) uint64 {
	t.Helper()
	v, err := readDataVersion(context.Background(), s.reader)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// Another process's writes: a domain write (as `accesswatch import` against
// the live file makes) is noticed within a poll; writes to accounts and the
// database's own facts are not data and move nothing.
func TestGenerationSeesOtherProcessesDomainWritesOnly(t *testing.T) {
	forEachEngine(t, func(t *testing.T, eng Engine) {
		ctx := context.Background()
		s, clock := openSeededOn(t, eng)
		clock.Advance(2 * pollInterval)
		g0 := s.Generation()

		raw, err := openRaw(s)
		if err != nil {
			t.Fatal(err)
		}
		defer raw.Close()
		for i := range 5 {
			now := timestamp(clock.Now())
			if _, err := raw.Exec(`INSERT INTO users (name, role, password_hash, created_at, updated_at) VALUES (?, 'editor', 'h', ?, ?)`,
				"user"+string(rune('a'+i)), now, now); err != nil {
				t.Fatal(err)
			}
			if _, err := raw.Exec(`INSERT INTO meta (key, value) VALUES (?, 'x')`, "touched"+string(rune('a'+i))); err != nil {
				t.Fatal(err)
			}
			clock.Advance(2 * pollInterval)
			if g := s.Generation(); g != g0 {
				t.Fatalf("another process's non-domain write moved the version from %d to %d", g0, g)
			}
		}

		other, err := Open(ctx, s.dsn, Options{Now: clock.Now})
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		if _, err := other.RecordEvent(ctx, NewEvent{Event: access.Event{CountryCode: "MLI", Date: access.MustParseDate("2025-03"),
			Type: access.EventClassBanAnnounced, Sources: []access.Source{{Publisher: "T", URL: "https://example.org/x", Type: access.SourceNews}}},
			Actor: "import"}); err != nil {
			t.Fatal(err)
		}
		if eng == Postgres {
			// On PostgreSQL the commit is announced (LISTEN/NOTIFY), so the
			// version follows without waiting for a poll: wait for the
			// notification (real time, generously bounded).
			deadline := time.Now().Add(10 * time.Second)
			for s.Generation() == g0 && time.Now().Before(deadline) {
				time.Sleep(10 * time.Millisecond)
			}
		} else if s.Generation() != g0 {
			t.Error("polled again within a second")
		}
		clock.Advance(2 * pollInterval)
		g1 := s.Generation()
		if g1 == g0 || g1 != other.Generation() {
			t.Errorf("after another process's event: version %d (was %d), the other process says %d", g1, g0, other.Generation())
		}
		clock.Advance(2 * pollInterval)
		if s.Generation() != g1 {
			t.Error("version moved with no commit")
		}
	})
}
