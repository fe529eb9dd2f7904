package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/accesswatch/accesswatch/internal/access"
)

func TestCreateAndUpdateOrg(t *testing.T) {
	forEachEngine(t, func(t *testing.T, eng Engine) {
		s, _ := openSeededOn(t, eng)
		ctx := context.Background()
		gen := s.Generation()
		o := access.Org{Slug: "new-ngo", Name: "New NGO", Type: access.OrgNationalNGO, Website: "https://example.org"}
		if err := s.CreateOrg(ctx, o, "alice"); err != nil {
			t.Fatal(err)
		}
		if s.Generation() == gen {
			t.Error("creating an organisation did not change the generation")
		}
		if got, err := s.Org(ctx, "new-ngo"); err != nil || got != o {
			t.Errorf("read back %+v %v", got, err)
		}
		sum := checksum(t, s)
		err := s.CreateOrg(ctx, access.Org{Slug: "icrc", Name: "Impostor", Type: access.OrgINGO}, "alice")
		if errs, ok := access.AsErrors(err); !ok || errs[0].Field != "slug" || errs[0].Code != CodeTaken {
			t.Errorf("taken slug: %v", err)
		}
		if _, ok := access.AsErrors(s.CreateOrg(ctx, access.Org{Slug: "Bad Slug", Name: "x", Type: access.OrgINGO}, "alice")); !ok {
			t.Error("invalid organisation accepted")
		}
		if checksum(t, s) != sum {
			t.Error("refused creations changed the database")
		}

		o.Name, o.Acronym = "Renamed NGO", "RN"
		if err := s.UpdateOrg(ctx, o, 1, "bob"); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Org(ctx, "new-ngo"); got != o {
			t.Errorf("after update %+v", got)
		}
		sum = checksum(t, s)
		if err := s.UpdateOrg(ctx, o, 2, "bob"); err != nil {
			t.Fatal(err)
		}
		if checksum(t, s) != sum {
			t.Error("saving unchanged values wrote something")
		}
		if err := s.UpdateOrg(ctx, access.Org{Slug: "nobody", Name: "x", Type: access.OrgINGO}, AnyVersion, "bob"); !errors.Is(err, ErrNotFound) {
			t.Errorf("update unknown: %v", err)
		}
		entries, total, err := s.AuditLog(ctx, AuditFilter{Entity: "org", Key: "new-ngo"})
		if err != nil || total != 2 || len(entries) != 2 {
			t.Fatalf("audit of new-ngo: %d/%d %v", len(entries), total, err)
		}
		upd := entries[0]
		if upd.Action != "org.update" || upd.Actor != "bob" || upd.Before["name"] != "New NGO" || upd.After["name"] != "Renamed NGO" {
			t.Errorf("update audit %+v", upd)
		}
		if entries[1].Action != "org.create" || entries[1].Before != nil {
			t.Errorf("create audit %+v", entries[1])
		}
	})
}

// Two editors load the same organisation at version 1; the second save is
// a conflict that names the current values and writes nothing.
func TestUpdateOrgStaleVersion(t *testing.T) {
	forEachEngine(t, func(t *testing.T, eng Engine) {
		s, _ := openSeededOn(t, eng)
		ctx := context.Background()
		o, v, err := s.OrgForEdit(ctx, "icrc")
		if err != nil {
			t.Fatal(err)
		}
		first, second := o, o
		first.Website, second.Acronym = "https://www.icrc.org/fr", "CICR"
		if err := s.UpdateOrg(ctx, first, v, "alice"); err != nil {
			t.Fatal(err)
		}
		sum, gen := checksum(t, s), s.Generation()
		err = s.UpdateOrg(ctx, second, v, "bob")
		var conflict *OrgConflictError
		if !errors.As(err, &conflict) || !errors.Is(err, ErrConflict) {
			t.Fatalf("stale save: %v, want an OrgConflictError", err)
		}
		if conflict.Version != v+1 || conflict.Current.Website != first.Website {
			t.Errorf("conflict %+v, want version %d with alice's website", conflict, v+1)
		}
		if checksum(t, s) != sum || s.Generation() != gen {
			t.Error("a stale save changed the database")
		}
		if _, now, _ := s.OrgForEdit(ctx, "icrc"); now != v+1 {
			t.Errorf("version %d after one save from %d", now, v)
		}
	})
}

func TestSimilarOrgs(t *testing.T) {
	forEachEngine(t, func(t *testing.T, eng Engine) {
		s, _ := openSeededOn(t, eng)
		ctx := context.Background()
		if err := s.CreateOrg(ctx, access.Org{Slug: "msf-test", Name: "Médecins Sans Frontières Test", Acronym: "MSFT", Type: access.OrgINGO}, "alice"); err != nil {
			t.Fatal(err)
		}
		got, err := s.SimilarOrgs(ctx, access.Org{Name: "Medecins sans frontieres test"})
		if err != nil || len(got) != 1 || got[0].Slug != "msf-test" {
			t.Errorf("similar to an unaccented spelling: %+v %v", got, err)
		}
		got, _ = s.SimilarOrgs(ctx, access.Org{Name: "Some other body", Acronym: "m.s.f.t."})
		if len(got) != 1 || got[0].Slug != "msf-test" {
			t.Errorf("similar by acronym: %+v", got)
		}
		got, _ = s.SimilarOrgs(ctx, access.Org{Slug: "msf-test", Name: "Médecins Sans Frontières Test"})
		if len(got) != 0 {
			t.Errorf("an organisation is similar to itself: %+v", got)
		}
		got, _ = s.SimilarOrgs(ctx, access.Org{Name: "An organisation nobody has heard of"})
		if len(got) != 0 {
			t.Errorf("similar to a new name: %+v", got)
		}
	})
}

func TestMergeOrg(t *testing.T) {
	forEachEngine(t, func(t *testing.T, eng Engine) {
		s, _ := openSeededOn(t, eng)
		ctx := context.Background()
		twin := access.Org{Slug: "acted-twin", Name: "ACTED (duplicate)", Type: access.OrgINGO}
		ev := access.Event{CountryCode: "MLI", OrgSlug: twin.Slug, Date: access.MustParseDate("2025-03-02"), Type: access.EventSuspensionOrdered,
			StatusAfter: access.StatusSuspended, InitiatedBy: access.InitiatedByAuthority,
			Sources: []access.Source{{Publisher: "T", URL: "https://example.org/twin", Type: access.SourceNews}}}
		if _, err := s.RecordEvent(ctx, NewEvent{Event: ev, Org: &twin, Actor: "alice"}); err != nil {
			t.Fatal(err)
		}
		// A record in a country where the target has one too refuses the merge.
		clash := ev
		clash.CountryCode = "NER"
		if _, err := s.RecordEvent(ctx, NewEvent{Event: clash, Actor: "alice"}); err != nil {
			t.Fatal(err)
		}
		sum, gen := checksum(t, s), s.Generation()
		_, err := s.MergeOrg(ctx, twin.Slug, "acted", "admin")
		var collision *MergeCollisionError
		if !errors.As(err, &collision) || !slices.Equal(collision.Countries, []string{"NER"}) {
			t.Fatalf("merge with a record in both: %v, want a collision in NER", err)
		}
		if checksum(t, s) != sum || s.Generation() != gen {
			t.Error("a refused merge changed the database")
		}

		// Without the clash, the merge moves the record and its event.
		s2, _ := openSeededOn(t, eng)
		if _, err := s2.RecordEvent(ctx, NewEvent{Event: ev, Org: &twin, Actor: "alice"}); err != nil {
			t.Fatal(err)
		}
		gen = s2.Generation()
		m, err := s2.MergeOrg(ctx, twin.Slug, "acted", "admin")
		if err != nil || m.Records != 1 || m.Events != 1 {
			t.Fatalf("merge: %+v %v", m, err)
		}
		if s2.Generation() == gen {
			t.Error("a merge did not move the data version")
		}
		if _, err := s2.Org(ctx, twin.Slug); !errors.Is(err, ErrNotFound) {
			t.Errorf("the merged organisation is still there: %v", err)
		}
		if to, err := s2.OrgAlias(ctx, twin.Slug); err != nil || to != "acted" {
			t.Errorf("alias of %s: %q %v", twin.Slug, to, err)
		}
		rec, err := s2.Record(ctx, "MLI", "acted")
		if err != nil || rec.Status != access.StatusSuspended {
			t.Errorf("moved record: %+v %v", rec, err)
		}
		evs, _, err := s2.Events(ctx, EventFilter{Country: "MLI", Org: "acted"})
		if err != nil || len(evs) != 1 || evs[0].Sources[0].URL != "https://example.org/twin" {
			t.Errorf("moved events: %+v %v", evs, err)
		}
		entries, _, err := s2.AuditLog(ctx, AuditFilter{Entity: "org", Key: twin.Slug})
		if err != nil || len(entries) == 0 || entries[0].Action != "org.merge" || entries[0].Actor != "admin" || entries[0].After["into"] != "acted" {
			t.Errorf("merge audit: %+v %v", entries, err)
		}
		// The old slug is never given out again.
		err = s2.CreateOrg(ctx, access.Org{Slug: twin.Slug, Name: "Someone else", Type: access.OrgINGO}, "alice")
		if errs, ok := access.AsErrors(err); !ok || errs[0].Code != CodeTaken {
			t.Errorf("a merged slug re-created: %v", err)
		}
		// Merging the target further carries the alias along.
		if err := s2.CreateOrg(ctx, access.Org{Slug: "acted-final", Name: "Acted final", Type: access.OrgINGO}, "alice"); err != nil {
			t.Fatal(err)
		}
		if _, err := s2.MergeOrg(ctx, "acted", "acted-final", "admin"); err != nil {
			t.Fatal(err)
		}
		for _, old := range []string{twin.Slug, "acted"} {
			if to, err := s2.OrgAlias(ctx, old); err != nil || to != "acted-final" {
				t.Errorf("alias of %s after a second merge: %q %v", old, to, err)
			}
		}
		if _, err := s2.MergeOrg(ctx, "acted-final", "acted-final", "admin"); err == nil {
			t.Error("merged an organisation into itself")
		}
		if _, err := s2.MergeOrg(ctx, "nobody", "acted-final", "admin"); !errors.Is(err, ErrNotFound) {
			t.Errorf("merge of an unknown organisation: %v", err)
		}
	})
}

func TestDrafts(t *testing.T) {
	forEachEngine(t, func(t *testing.T, eng Engine) {
		s, clock := openTestOn(t, eng)
		ctx := context.Background()
		now := clock.Now()
		d := Draft{IDHash: "h1", Path: "/admin/orgs/new", Body: "name=Typed", CreatedAt: now, ExpiresAt: now.Add(30 * time.Minute)}
		if err := s.SaveDraft(ctx, d); err != nil {
			t.Fatal(err)
		}
		if _, err := s.TakeDraft(ctx, "h1", "", d.Path, now); !errors.Is(err, ErrNotFound) {
			t.Errorf("an unclaimed draft was given out: %v", err)
		}
		if err := s.ClaimDraft(ctx, "h1", "alice", now); err != nil {
			t.Fatal(err)
		}
		if err := s.ClaimDraft(ctx, "h1", "mallory", now); err != nil {
			t.Fatal(err)
		}
		if _, err := s.TakeDraft(ctx, "h1", "mallory", d.Path, now); !errors.Is(err, ErrNotFound) {
			t.Errorf("another account took alice's draft: %v", err)
		}
		if _, err := s.TakeDraft(ctx, "h1", "alice", "/admin/other", now); !errors.Is(err, ErrNotFound) {
			t.Errorf("a draft given out for another form: %v", err)
		}
		got, err := s.TakeDraft(ctx, "h1", "alice", d.Path, now)
		if err != nil || got.Body != d.Body {
			t.Fatalf("take: %+v %v", got, err)
		}
		if _, err := s.TakeDraft(ctx, "h1", "alice", d.Path, now); !errors.Is(err, ErrNotFound) {
			t.Errorf("a draft given out twice: %v", err)
		}
		// Expired: never given out.
		d.IDHash = "h2"
		if err := s.SaveDraft(ctx, d); err != nil {
			t.Fatal(err)
		}
		_ = s.ClaimDraft(ctx, "h2", "alice", now)
		if _, err := s.TakeDraft(ctx, "h2", "alice", d.Path, now.Add(31*time.Minute)); !errors.Is(err, ErrNotFound) {
			t.Errorf("an expired draft was given out: %v", err)
		}
		// A draft with an author: only that account may claim it.
		d.IDHash = "h3"
		d.Author = "alice"
		if err := s.SaveDraft(ctx, d); err != nil {
			t.Fatal(err)
		}
		_ = s.ClaimDraft(ctx, "h3", "mallory", now)
		if _, err := s.TakeDraft(ctx, "h3", "mallory", d.Path, now); !errors.Is(err, ErrNotFound) {
			t.Errorf("another account claimed alice's draft: %v", err)
		}
		_ = s.ClaimDraft(ctx, "h3", "alice", now)
		if got, err := s.TakeDraft(ctx, "h3", "alice", d.Path, now); err != nil || got.Author != "alice" {
			t.Errorf("alice's own draft: %+v %v", got, err)
		}
		// Bounded.
		for i := range MaxDrafts + 1 {
			d.IDHash = fmt.Sprint("n", i)
			err = s.SaveDraft(ctx, d)
		}
		if !errors.Is(err, ErrTooManyDrafts) {
			t.Errorf("draft %d: %v, want ErrTooManyDrafts", MaxDrafts+1, err)
		}
	})
}

func TestSetSeverity(t *testing.T) {
	forEachEngine(t, func(t *testing.T, eng Engine) {
		s, _ := openSeededOn(t, eng)
		ctx := context.Background()
		sc := access.SeverityScore{Score: 4, Date: access.MustParseDate("2025-12"), Publisher: "ACAPS", URL: "https://www.acaps.org/en/"}
		if err := s.SetSeverity(ctx, "NER", sc, "alice"); err != nil {
			t.Fatal(err)
		}
		c, err := s.Country(ctx, "NER")
		if err != nil || c.Severity == nil || *c.Severity != sc {
			t.Fatalf("read back %+v %v", c.Severity, err)
		}
		sc2 := sc
		sc2.Score = 5
		if err := s.SetSeverity(ctx, "NER", sc2, "bob"); err != nil {
			t.Fatal(err)
		}
		all, _, err := s.AuditLog(ctx, AuditFilter{Entity: "country", Key: "NER"})
		// Niger's class-level measures are audited under the country too.
		entries := slices.DeleteFunc(all, func(e AuditEntry) bool { return e.Action == "event.create" })
		if err != nil || len(entries) != 2 {
			t.Fatalf("%d audit rows %v", len(entries), err)
		}
		if entries[0].Before["score"] != json.Number("4") || entries[0].After["score"] != json.Number("5") || entries[1].Before != nil {
			t.Errorf("audit %+v / %+v", entries[0], entries[1])
		}
		sum := checksum(t, s)
		if err := s.SetSeverity(ctx, "XXX", sc, "bob"); !errors.Is(err, ErrNotFound) {
			t.Errorf("unknown country: %v", err)
		}
		bad := sc
		bad.Score, bad.URL = 6, "javascript:alert(1)"
		errs, ok := access.AsErrors(s.SetSeverity(ctx, "NER", bad, "bob"))
		if _, hasScore := errs.Field("score"); !ok || !hasScore {
			t.Errorf("invalid score: %v", errs)
		}
		if checksum(t, s) != sum {
			t.Error("refused scores changed the database")
		}
	})
}

func TestAuditLogPages(t *testing.T) {
	forEachEngine(t, func(t *testing.T, eng Engine) {
		s, _ := openSeededOn(t, eng)
		ctx := context.Background()
		all, total, err := s.AuditLog(ctx, AuditFilter{})
		if err != nil || total != len(all) || total < 28 {
			t.Fatalf("%d rows of %d: %v", len(all), total, err)
		}
		for i := 1; i < len(all); i++ {
			if all[i].ID >= all[i-1].ID {
				t.Fatal("not newest first")
			}
		}
		page2, total2, err := s.AuditLog(ctx, AuditFilter{Limit: 10, Offset: 10})
		if err != nil || total2 != total || len(page2) != 10 || page2[0].ID != all[10].ID {
			t.Errorf("page 2: %d rows, total %d, first %d (%v)", len(page2), total2, page2[0].ID, err)
		}
		// The bundled data opens with a class-level measure (Afghanistan, 2022).
		if oldest := all[len(all)-1]; oldest.Action != "event.create" || oldest.Entity != "country" || oldest.Before != nil || oldest.Actor != "seed" {
			t.Errorf("oldest row %+v", all[len(all)-1])
		}
	})
}
