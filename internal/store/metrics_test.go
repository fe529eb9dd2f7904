package store

import (
	"context"
	"testing"

	"github.com/accesswatch/accesswatch/internal/access"
)

func TestMetricsDataOnSeed(t *testing.T) {
	forEachEngine(t, func(t *testing.T, eng Engine) {
		s, _ := openSeededOn(t, eng)
		ctx := context.Background()
		data, err := s.MetricsData(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if want := count(t, s, `SELECT COUNT(*) FROM records`); len(data.Records) != want {
			t.Errorf("%d records, want %d", len(data.Records), want)
		}
		if want := count(t, s, `SELECT COUNT(*) FROM organisations`); len(data.Orgs) != want {
			t.Errorf("%d organisations, want %d", len(data.Orgs), want)
		}

		byKey := map[string]MetricsRecord{}
		for i, r := range data.Records {
			if i > 0 {
				prev := data.Records[i-1]
				if prev.Country > r.Country || (prev.Country == r.Country && prev.Org >= r.Org) {
					t.Errorf("records out of order: %s/%s after %s/%s", r.Country, r.Org, prev.Country, prev.Org)
				}
			}
			byKey[r.Country+"/"+r.Org] = r
		}
		icrc := byKey["NER/icrc"]
		if icrc.Status != access.StatusExpelled || !icrc.Flagged || !icrc.ReachKnown || icrc.Reach != 2_000_000 || icrc.ReachLost != 2_000_000 {
			t.Errorf("NER/icrc = %+v", icrc)
		}
		// No editor has reviewed the seeded data: last reviewed is never.
		if icrc.StatusSince.ISO() != "2025-06-05" || !icrc.LastReviewed.IsZero() {
			t.Errorf("NER/icrc since %s reviewed %s", icrc.StatusSince, icrc.LastReviewed)
		}
		if acted := byKey["NER/acted"]; acted.Status != access.StatusBanned || acted.ReachLost != 1_000_000 {
			t.Errorf("NER/acted = %+v", acted)
		}
		// APBE's decree gave no figure: its reach is unknown, not zero.
		if apbe := byKey["NER/apbe"]; apbe.Status != access.StatusBanned || apbe.ReachKnown || apbe.ReachLost != 0 {
			t.Errorf("NER/apbe = %+v", apbe)
		}
		// Every record agrees with the record view the pages use.
		views, _, err := s.Records(ctx, RecordFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range views {
			m, ok := byKey[v.CountryCode+"/"+v.OrgSlug]
			if !ok {
				t.Errorf("%s/%s missing", v.CountryCode, v.OrgSlug)
				continue
			}
			if m.Status != v.Status || m.ReachLost != v.ReachLost() || m.ReachKnown != (v.Reach != nil) || m.Flagged != v.Flagged() ||
				m.StatusSince != v.StatusSince || m.LastReviewed != v.LastReviewed {
				t.Errorf("%s/%s: metrics %+v, record %+v", v.CountryCode, v.OrgSlug, m, v.RecordState)
			}
		}

		for _, o := range data.Orgs {
			if o.Slug == "icrc" && (o.Name != "International Committee of the Red Cross" || o.Type != access.OrgRedCross) {
				t.Errorf("icrc = %+v", o)
			}
		}

		// Status changes of records, counted independently from the seed file:
		// neither presence_recorded nor a class-level measure's status counts.
		want := map[[2]string]int64{}
		for _, r := range bundledRows(t) {
			if r.Event.StatusAfter != "" && !r.Event.ClassLevel() && r.Event.Type != access.EventPresenceRecorded {
				want[[2]string{r.Event.CountryCode, string(r.Event.StatusAfter)}]++
			}
		}
		got := map[[2]string]int64{}
		for _, c := range data.StatusEvents {
			got[[2]string{c.Country, string(c.Status)}] = c.Events
		}
		if len(got) != len(want) {
			t.Errorf("%d (country, status) counts, want %d: %v", len(got), len(want), got)
		}
		for k, n := range want {
			if got[k] != n {
				t.Errorf("status events %v = %d, want %d", k, got[k], n)
			}
		}
	})
}

func TestMetricsDataFollowsEvents(t *testing.T) {
	forEachEngine(t, func(t *testing.T, eng Engine) {
		s, _ := openSeededOn(t, eng)
		ctx := context.Background()
		before, err := s.MetricsData(ctx)
		if err != nil {
			t.Fatal(err)
		}
		acted, err := s.Record(ctx, "NER", "acted")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.RecordEvent(ctx, newEvent(acted.Version)); err != nil {
			t.Fatal(err)
		}
		// A back-dated event that sets no new status still counts: the counter
		// never shrinks, whatever the order of dates.
		old := newEvent(acted.Version + 1)
		old.Event.Date = access.MustParseDate("2024-11-13")
		old.Event.Type, old.Event.StatusAfter = access.EventAuthorisationWithdrawn, access.StatusBanned
		if _, err := s.RecordEvent(ctx, old); err != nil {
			t.Fatal(err)
		}
		after, err := s.MetricsData(ctx)
		if err != nil {
			t.Fatal(err)
		}
		find := func(d MetricsData, status access.Status) int64 {
			for _, c := range d.StatusEvents {
				if c.Country == "NER" && c.Status == status {
					return c.Events
				}
			}
			return 0
		}
		for _, st := range []access.Status{access.StatusOperating, access.StatusBanned} {
			if find(after, st) != find(before, st)+1 {
				t.Errorf("NER %s events %d → %d, want one more", st, find(before, st), find(after, st))
			}
		}
		for _, r := range after.Records {
			if r.Country == "NER" && r.Org == "acted" {
				if r.Status != access.StatusOperating || r.ReachLost != 0 || r.StatusSince.ISO() != "2026-02-20" {
					t.Errorf("NER/acted after resumption = %+v", r)
				}
			}
		}
	})
}

func TestMetricsDataHonoursContext(t *testing.T) {
	forEachEngine(t, func(t *testing.T, eng Engine) {
		s, _ := openSeededOn(t, eng)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := s.MetricsData(ctx); err == nil {
			t.Error("a cancelled read succeeded")
		}
	})
}
