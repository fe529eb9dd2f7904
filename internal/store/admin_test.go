package store

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"

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
		if err := s.UpdateOrg(ctx, o, "bob"); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Org(ctx, "new-ngo"); got != o {
			t.Errorf("after update %+v", got)
		}
		sum = checksum(t, s)
		if err := s.UpdateOrg(ctx, o, "bob"); err != nil {
			t.Fatal(err)
		}
		if checksum(t, s) != sum {
			t.Error("saving unchanged values wrote something")
		}
		if err := s.UpdateOrg(ctx, access.Org{Slug: "nobody", Name: "x", Type: access.OrgINGO}, "bob"); !errors.Is(err, ErrNotFound) {
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
