package store

import (
	"context"
	"strings"
	"testing"

	"github.com/accesswatch/accesswatch/internal/access"
)

func TestRecordsFilters(t *testing.T) {
	forEachEngine(t, func(t *testing.T, eng Engine) {
		s, _ := openSeededOn(t, eng)
		ctx := context.Background()
		all, total, err := s.Records(ctx, RecordFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if total != len(all) || total != count(t, s, `SELECT COUNT(*) FROM records`) {
			t.Fatalf("total %d, rows %d", total, len(all))
		}
		// Default order: flagged first, most severe first.
		seenUnflagged := false
		for i, r := range all {
			if !r.Flagged() {
				seenUnflagged = true
			} else if seenUnflagged {
				t.Errorf("flagged record %s/%s after an unflagged one", r.CountryCode, r.OrgSlug)
			}
			if i > 0 && r.Flagged() == all[i-1].Flagged() && r.Status.Severity() > all[i-1].Status.Severity() {
				t.Errorf("%s after %s", r.Status, all[i-1].Status)
			}
		}

		tests := []struct {
			name  string
			f     RecordFilter
			check func(access.RecordView) bool
		}{
			{"country", RecordFilter{Country: "NER"}, func(r access.RecordView) bool { return r.CountryCode == "NER" }},
			{"org", RecordFilter{Org: "nrc"}, func(r access.RecordView) bool { return r.OrgSlug == "nrc" }},
			{"statuses", RecordFilter{Statuses: []access.Status{access.StatusBanned, access.StatusExpelled}}, func(r access.RecordView) bool {
				return r.Status == access.StatusBanned || r.Status == access.StatusExpelled
			}},
			{"flagged", RecordFilter{FlaggedOnly: true}, func(r access.RecordView) bool { return r.FlaggedAt(s.Now()) }},
			{"region", RecordFilter{Region: "Asia"}, func(r access.RecordView) bool { return r.Region == "Asia" }},
			{"org type", RecordFilter{OrgType: access.OrgNationalNGO}, func(r access.RecordView) bool { return r.Org.Type == access.OrgNationalNGO }},
			{"text", RecordFilter{Query: "red cross"}, func(r access.RecordView) bool { return strings.Contains(strings.ToLower(r.Org.Name), "red cross") }},
			{"text in country", RecordFilter{Query: "niger"}, func(r access.RecordView) bool { return r.CountryCode == "NER" || r.CountryCode == "NGA" }},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, total, err := s.Records(ctx, tt.f)
				if err != nil {
					t.Fatal(err)
				}
				if len(got) == 0 || total != len(got) {
					t.Fatalf("%d rows, total %d", len(got), total)
				}
				want := 0
				for _, r := range all {
					if tt.check(r) {
						want++
					}
				}
				if len(got) != want {
					t.Errorf("%d rows, want %d", len(got), want)
				}
				for _, r := range got {
					if !tt.check(r) {
						t.Errorf("unexpected %s/%s (%s)", r.CountryCode, r.OrgSlug, r.Status)
					}
				}
			})
		}

		// Wildcards in search text match themselves.
		if got, _, _ := s.Records(ctx, RecordFilter{Query: "e%e"}); len(got) != 0 {
			t.Errorf("%% matched %d records", len(got))
		}

		// Pages follow one stable order and report the full total.
		var paged []access.RecordView
		for off := 0; off < len(all); off += 4 {
			page, total, err := s.Records(ctx, RecordFilter{Limit: 4, Offset: off})
			if err != nil || total != len(all) {
				t.Fatalf("page at %d: total %d, err %v", off, total, err)
			}
			paged = append(paged, page...)
		}
		for i := range all {
			if paged[i].ID != all[i].ID {
				t.Fatalf("paging order differs at %d", i)
			}
		}
		if page, total, _ := s.Records(ctx, RecordFilter{Limit: 5, Offset: 10_000}); len(page) != 0 || total != len(all) {
			t.Errorf("past the end: %d rows, total %d", len(page), total)
		}
		for _, sort := range RecordSorts {
			if got, _, err := s.Records(ctx, RecordFilter{Sort: sort}); err != nil || len(got) != len(all) {
				t.Errorf("sort %s: %d rows, %v", sort, len(got), err)
			}
		}
		if _, _, err := s.Records(ctx, RecordFilter{Sort: "name; DROP TABLE records"}); err == nil {
			t.Error("unknown sort accepted")
		}
	})
}

func TestEventsFilters(t *testing.T) {
	forEachEngine(t, func(t *testing.T, eng Engine) {
		s, _ := openSeededOn(t, eng)
		ctx := context.Background()
		all, _, err := s.Events(ctx, EventFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for i := 1; i < len(all); i++ {
			if all[i].Date.Compare(all[i-1].Date) > 0 {
				t.Fatalf("not newest first at %d", i)
			}
		}
		for _, e := range all {
			if len(e.Sources) == 0 {
				t.Errorf("event %d has no sources", e.ID)
			}
		}
		timeline, _, _ := s.Events(ctx, EventFilter{Country: "NER", Org: "icrc", OldestFirst: true})
		if len(timeline) != 5 || timeline[0].Type != access.EventPresenceRecorded || timeline[4].Date.ISO() != "2025-06-05" {
			t.Errorf("ICRC timeline: %d events", len(timeline))
		}
		in2025, _, _ := s.Events(ctx, EventFilter{Country: "NER", Since: access.MustParseDate("2025"), Until: access.MustParseDate("2025-04")})
		if len(in2025) != 1 || in2025[0].Type != access.EventOrderToLeaveIssued {
			t.Errorf("NER Jan–Apr 2025: %v", in2025)
		}
		detained, _, _ := s.Events(ctx, EventFilter{Types: []access.EventType{access.EventStaffDetained}})
		wantDetained := 0
		for _, e := range all {
			if e.Type == access.EventStaffDetained {
				wantDetained++
			}
		}
		if len(detained) != wantDetained || wantDetained < 2 || detained[0].Type != access.EventStaffDetained {
			t.Errorf("staff detained: %d events, want %d", len(detained), wantDetained)
		}
		page, total, _ := s.Events(ctx, EventFilter{Limit: 3, Offset: 3})
		if len(page) != 3 || total != len(all) || page[0].ID != all[3].ID {
			t.Errorf("page: %d rows, total %d", len(page), total)
		}
	})
}

// Control characters in search text are dropped by the store too (the web
// layer already refuses them): SQLite's LIKE reads its pattern as a C string,
// so a NUL would cut the pattern short and "\x00zzz" would match everything.
func TestSearchTextDropsControlCharacters(t *testing.T) {
	forEachEngine(t, func(t *testing.T, eng Engine) {
		if got := likePattern(" a\x00b\x1fc\x7fd\u0085e\xff "); got != "%abcde%" {
			t.Errorf("likePattern = %q", got)
		}
		if got := likePattern("\x00\t"); got != "" {
			t.Errorf("only control characters: %q, want no filter", got)
		}
		s, _ := openSeededOn(t, eng)
		ctx := context.Background()
		if got, _, err := s.Records(ctx, RecordFilter{Query: "\x00zzz"}); err != nil || len(got) != 0 {
			t.Errorf("records %q: %d rows, %v", "\x00zzz", len(got), err)
		}
		if got, _, err := s.Records(ctx, RecordFilter{Query: "red\x00 cross"}); err != nil || len(got) == 0 || got[0].OrgSlug != "icrc" {
			t.Errorf("records %q: %d rows, %v", "red\x00 cross", len(got), err)
		}
		if got, _, err := s.CountrySummaries(ctx, CountryFilter{Query: "\x00zzz"}); err != nil || len(got) != 0 {
			t.Errorf("countries %q: %d rows, %v", "\x00zzz", len(got), err)
		}
		if got, _, err := s.OrgSummaries(ctx, OrgFilter{Query: "\x00zzz"}); err != nil || len(got) != 0 {
			t.Errorf("orgs %q: %d rows, %v", "\x00zzz", len(got), err)
		}
		if got, _, err := s.Changes(ctx, ChangeFilter{Query: "\x00zzz"}); err != nil || len(got) != 0 {
			t.Errorf("changes %q: %d rows, %v", "\x00zzz", len(got), err)
		}
	})
}
