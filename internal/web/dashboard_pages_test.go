package web

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/store"
	"github.com/accesswatch/accesswatch/internal/storetest"
	"github.com/accesswatch/accesswatch/internal/synth"
	"github.com/accesswatch/accesswatch/internal/web/site"
)

// flat is a selection's text with runs of white space made single spaces.
func flat(s *goquery.Selection) string { return strings.Join(strings.Fields(s.Text()), " ") }

// page fetches target, requires a 200 HTML answer and parses it.
func page(t *testing.T, h http.Handler, target string) *goquery.Document {
	t.Helper()
	rec := get(t, h, target)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s: %d %s", target, rec.Code, rec.Body.String())
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Fatalf("GET %s: content type %q", target, ct)
	}
	return parse(t, rec)
}

// terms maps each <dt> of a definition list to the text of its <dd>.
func terms(dl *goquery.Selection) map[string]string {
	out := map[string]string{}
	dl.Find("dt").Each(func(_ int, dt *goquery.Selection) { out[flat(dt)] = flat(dt.NextFiltered("dd")) })
	return out
}

// containsAll reports the wanted strings that text lacks.
func containsAll(t *testing.T, what, text string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("%s lacks %q: %s", what, w, text)
		}
	}
}

// recordEvent records a status change, failing the test on error.
func recordEvent(t *testing.T, st *store.Store, country, slug, date string, status access.Status) {
	t.Helper()
	_, err := st.RecordEvent(context.Background(), store.NewEvent{
		Event: access.Event{CountryCode: country, OrgSlug: slug, Date: access.MustParseDate(date),
			Type: fittingType(access.EventSuspensionOrdered, status), StatusAfter: status, InitiatedBy: access.InitiatedByAuthority,
			Sources: []access.Source{{Publisher: "Test wire", URL: "https://news.example/" + slug}}},
		Org:             &access.Org{Name: "Org " + slug, Type: access.OrgINGO},
		ExpectedVersion: store.AnyVersion, Actor: "test",
	})
	if err != nil {
		t.Fatal(err)
	}
}

// fittingType is t if an event of type t may set status st, else "other".
func fittingType(t access.EventType, st access.Status) access.EventType {
	if access.StatusFitsType(t, st) {
		return t
	}
	return access.EventOther
}

func TestRecordPageShowsTheICRCCase(t *testing.T) {
	srv, _ := newTestServer(t)
	doc := page(t, srv, "/countries/NER/orgs/icrc")
	if title := doc.Find("title").Text(); !strings.HasPrefix(title, "ICRC in Niger") {
		t.Errorf("title %q", title)
	}
	facts := terms(doc.Find("#record-facts"))
	containsAll(t, "status", facts["Status"], "Expelled", "since 5 Jun 2025", "Initiated by: Authorities")
	containsAll(t, "presence", facts["Present"], "from 1990 to 2025 (35 years)")
	containsAll(t, "reach", facts["Reach"], "2,000,000 in total since arrival", "reported 5 Jun 2025")
	containsAll(t, "reach lost", facts["Reach lost"], "2,000,000")
	// No editor has reviewed the bundled record: "last reviewed" is not the
	// date of its latest event.
	if strings.Contains(facts["Last reviewed"], "5 Jun 2025") {
		t.Errorf("last reviewed %q is the latest event's date", facts["Last reviewed"])
	}
	if doc.Find("#record-facts .badge--expelled.badge--flagged").Length() != 1 {
		t.Error("no flagged Expelled badge")
	}
	crumbs := doc.Find(".breadcrumbs li")
	if crumbs.Length() != 4 || crumbs.Last().AttrOr("aria-current", "") != "page" || crumbs.Eq(2).Find("a").AttrOr("href", "") != "/countries/NER" {
		t.Errorf("breadcrumbs: %s", flat(crumbs))
	}

	timeline := doc.Find(`ol[data-timeline="timeline"]`)
	entries := timeline.Children()
	if entries.Length() != 5 {
		t.Fatalf("timeline has %d entries", entries.Length())
	}
	var dates []string
	entries.Each(func(_ int, li *goquery.Selection) {
		dates = append(dates, li.Find(".when time").AttrOr("datetime", ""))
	})
	if !slices.IsSorted(dates) || dates[0] != "1990" {
		t.Errorf("timeline not oldest first: %v", dates)
	}
	order := flat(entries.Eq(1))
	containsAll(t, "order to leave", order, "31 Jan 2025", "Order to leave issued", "Ordered to leave", "Authorities",
		"Ministry of Foreign Affairs", "Note verbale", "None given at the time", "RFI, via afric.info")
	closed := entries.FilterFunction(func(_ int, li *goquery.Selection) bool { return li.AttrOr("data-event-type", "") == "offices_closed" })
	containsAll(t, "offices closed", flat(closed), "5 Jun 2025", "Offices closed", "New status: Expelled", "AP, via Bastille Post", "News report")
	closedFacts := terms(closed.Find("dl"))
	if closedFacts["Authority"] != "Military government of Niger" || closedFacts["Reach (people the organisation reached)"] != "2,000,000 in total since arrival" ||
		closedFacts["Initiated by"] != "Authorities" {
		t.Errorf("offices closed facts: %v", closedFacts)
	}
	link := closed.Find(`.sources a[rel~="external"]`)
	if href := link.AttrOr("href", ""); !strings.HasPrefix(href, "https://www.bastillepost.com/") || link.Text() != "AP, via Bastille Post" {
		t.Errorf("source link %q %q", href, link.Text())
	}
	if id := closed.AttrOr("id", ""); !strings.HasPrefix(id, "event-") {
		t.Errorf("entry id %q", id)
	}
	accused := flat(entries.Eq(2))
	containsAll(t, "accusation", accused, "Alleged links to armed groups", "Public statement")
}

func TestRecordPagePresenceStillOngoing(t *testing.T) {
	st, clock := storetest.OpenCountriesOnly(t)
	_, err := st.RecordEvent(context.Background(), store.NewEvent{
		Event: access.Event{CountryCode: "TCD", OrgSlug: "helpers", Date: access.MustParseDate("2025"), Type: access.EventPresenceRecorded,
			StatusAfter: access.StatusOperating, PresenceSince: 2025, Verification: access.Pending,
			Sources: []access.Source{{Publisher: "Helpers", URL: "https://helpers.example/", Title: "Annual report", Date: access.MustParseDate("2025-03")}}},
		Org: &access.Org{Name: "Helpers", Type: access.OrgNationalNGO}, ExpectedVersion: 0, Actor: "t",
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := newServerFor(t, st)
	doc := page(t, srv, "/countries/TCD/orgs/helpers")
	facts := terms(doc.Find("#record-facts"))
	// The clock reads 2026: present since 2025, one year, still there.
	containsAll(t, "status", facts["Status"], "Operating", "Due for review")
	if facts["Present"] != "since 2025 (1 year)" {
		t.Errorf("presence %q", facts["Present"])
	}
	entry := flat(doc.Find("#timeline li"))
	containsAll(t, "entry", entry, "Awaiting verification", "“Annual report”", "Mar 2025")

	clock.Advance(365 * 24 * time.Hour)
	doc = page(t, srv, "/countries/TCD/orgs/helpers")
	if got := terms(doc.Find("#record-facts"))["Present"]; got != "since 2025 (2 years)" {
		t.Errorf("a year on, presence %q", got)
	}
}

func TestCountryPageNiger(t *testing.T) {
	srv, _ := newTestServer(t)
	doc := page(t, srv, "/countries/NER")
	if h1 := flat(doc.Find("h1")); h1 != "Niger" {
		t.Errorf("h1 %q", h1)
	}
	var rows []string
	doc.Find("#records tbody tr").Each(func(_ int, tr *goquery.Selection) { rows = append(rows, tr.AttrOr("data-record", "")) })
	slices.Sort(rows)
	if !slices.Equal(rows, []string{"NER/acted", "NER/apbe", "NER/icrc", "NER/inso", "NER/un-rco"}) {
		t.Errorf("records %v", rows)
	}
	containsAll(t, "ICRC row", flat(doc.Find(`#records tr[data-record="NER/icrc"]`)), "ICRC", "Expelled", "5 Jun 2025", "2,000,000")
	containsAll(t, "Acted row", flat(doc.Find(`#records tr[data-record="NER/acted"]`)), "ACTED", "Banned", "12 Nov 2024", "1,000,000")
	// Issue 15: reach lost per basis with the basis stated (ICRC's
	// 2,000,000 and ACTED's 1,000,000 are both cumulative).
	if v := flat(doc.Find(`[data-figure="reach-lost"] [data-basis-sum="cumulative"]`)); v != "3,000,000 reached in total since arrival" {
		t.Errorf("reach lost %q", v)
	}
	containsAll(t, "flagged figure", flat(doc.Find(`[data-figure="flagged"]`)), "4", "Expelled: 1", "Banned: 3")
	containsAll(t, "severity", flat(doc.Find(`[data-figure="severity"]`)), "no access-severity score recorded")
	if doc.Find("#records caption").Length() != 1 || doc.Find(`#records thead th[scope="col"]`).Length() == 0 {
		t.Error("the table has no caption or column headers")
	}
	timeline := doc.Find(`ol[data-timeline="timeline"] > li`)
	if timeline.Length() != 12 {
		t.Errorf("timeline has %d entries, want Niger's 12 events", timeline.Length())
	}
	if href := doc.Find(`a[href^="/changes?country=NER"]`).Length(); href == 0 {
		t.Error("no link to Niger's change log")
	}
}

func TestCountryPageMaliShowsTheClassLevelMeasure(t *testing.T) {
	srv, _ := newTestServer(t)
	doc := page(t, srv, "/countries/MLI")
	measure := doc.Find("#timeline li.class-level")
	if measure.Length() != 1 {
		t.Fatalf("%d class-level entries", measure.Length())
	}
	containsAll(t, "Mali's measure", flat(measure), "21 Nov 2022", "Measure against a class of organisations",
		"funded or supported by France", "Transitional government", "Africanews")
	// Version 2 of the data records Geneva Call's suspension in Mali too.
	if doc.Find(`#records tr[data-record="MLI/geneva-call"]`).Length() != 1 {
		t.Error("Mali's one record is not listed")
	}
}

func TestOrgPageNRC(t *testing.T) {
	srv, _ := newTestServer(t)
	doc := page(t, srv, "/orgs/nrc")
	var rows []string
	doc.Find("#records tbody tr").Each(func(_ int, tr *goquery.Selection) { rows = append(rows, tr.AttrOr("data-record", "")) })
	slices.Sort(rows)
	if !slices.Equal(rows, []string{"AFG/nrc", "ETH/nrc", "LBY/nrc", "PSE/nrc", "SDN/nrc", "SSD/nrc"}) {
		t.Errorf("records %v", rows)
	}
	containsAll(t, "heading", flat(doc.Find("h1")), "Norwegian Refugee Council", "NRC")
	containsAll(t, "Afghanistan row", flat(doc.Find(`tr[data-record="AFG/nrc"]`)), "Afghanistan", "Suspended", "Due for review")
	containsAll(t, "figures", flat(doc.Find("#org-figures")), "3 countries where it is flagged", "6 countries recorded")
	filtered := page(t, srv, "/orgs/nrc?region=Africa&sort=country")
	var africa []string
	filtered.Find("#records tbody tr").Each(func(_ int, tr *goquery.Selection) { africa = append(africa, tr.AttrOr("data-record", "")) })
	if !slices.Equal(africa, []string{"ETH/nrc", "LBY/nrc", "SSD/nrc", "SDN/nrc"}) {
		t.Errorf("NRC in Africa by country: %v", africa)
	}
}

func TestOverviewSections(t *testing.T) {
	st, clock := storetest.OpenSeeded(t)
	srv := newServerFor(t, st)
	doc := page(t, srv, "/")
	h, err := st.Headline(context.Background(), access.DayOf(clock.Now().AddDate(0, 0, -site.RecentDays)))
	if err != nil {
		t.Fatal(err)
	}
	figure := func(doc *goquery.Document, name string) string {
		return flat(doc.Find(`[data-figure="` + name + `"] .value`))
	}
	for name, want := range map[string]int64{"flagged-orgs": int64(h.FlaggedOrgs), "countries": int64(h.CountriesAffected),
		"class-measures": int64(h.ClassMeasuresInForce), "recent": int64(h.RecentChanges)} {
		if got := figure(doc, name); got != srv.l.Number(want) {
			t.Errorf("figure %s = %q, want %d", name, got, want)
		}
	}
	// Issue 15: the headline no longer shows one sum over every basis; it
	// lists the largest figures and one sum per basis (see truth_test.go).
	if doc.Find(`[data-figure="people-lost"]`).Length() != 0 {
		t.Error("the mixed sum of reach lost is still a headline figure")
	}
	// Sudan (ten expelled) ranks before Palestine.
	var ranking []string
	doc.Find("#ranking tbody tr").Each(func(_ int, tr *goquery.Selection) { ranking = append(ranking, tr.AttrOr("data-country", "")) })
	if len(ranking) < 2 || ranking[0] != "SDN" || ranking[1] != "PSE" {
		t.Errorf("ranking %v", ranking)
	}
	// The short timeline holds status changes and class-level measures only, newest first.
	latest := doc.Find(`ol[data-timeline="latest"] > li`)
	if latest.Length() == 0 || latest.Length() > site.OverviewLatest {
		t.Fatalf("latest changes: %d entries", latest.Length())
	}
	var dates []string
	latest.Each(func(_ int, li *goquery.Selection) {
		if li.Find(".status-after").Length() == 0 && !li.HasClass("class-level") {
			t.Errorf("not a change: %s", flat(li))
		}
		dates = append(dates, li.Find("time").AttrOr("datetime", ""))
	})
	if !slices.IsSortedFunc(dates, func(a, b string) int { return strings.Compare(b, a) }) {
		t.Errorf("latest not newest first: %v", dates)
	}
	containsAll(t, "first change", flat(latest.First()), "27 Feb 2026", "Palestine", "Restricted")

	// Distinct badges for each flagged status.
	for _, st := range access.FlaggedStatuses {
		if st == access.StatusOrderedToLeave {
			continue // no bundled record is at "ordered to leave" any more
		}
		if doc.Find("#flagged .badge--flagged.badge--"+string(st)).Length() == 0 {
			t.Errorf("no flagged %s badge", st)
		}
	}

	// A change inside the window counts at once (the commit invalidates the
	// cache); a day later with nothing committed, it can fall out of the
	// window, and the page says so.
	recordEvent(t, st, "TCD", "newcomer", "2025-12-02", access.StatusSuspended)
	doc = page(t, srv, "/")
	if got := figure(doc, "recent"); got != srv.l.Number(int64(h.RecentChanges+1)) {
		t.Errorf("after a recent change: %q", got)
	}
	clock.Advance(2 * 24 * time.Hour)
	doc = page(t, srv, "/")
	if got := figure(doc, "recent"); got != srv.l.Number(int64(h.RecentChanges)) {
		t.Errorf("two days later: %q, want the change dated 2 Dec 2025 out of the 90 days", got)
	}
}

func TestOverviewShowsTheHeadOfLongLists(t *testing.T) {
	st, _ := storetest.OpenCountriesOnly(t)
	events, err := synth.Events(synth.Spec{Records: 600, Events: 1800, Seed: 3, Now: storetest.Start}, storetest.Countries(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.RecordEvents(context.Background(), events); err != nil {
		t.Fatal(err)
	}
	srv := newServerFor(t, st)
	doc := page(t, srv, "/")
	flagged, _, _ := st.Records(context.Background(), store.RecordFilter{FlaggedOnly: true})
	others, _, _ := st.UnflaggedRecords(context.Background(), 0)
	if len(flagged) <= site.OverviewFlagged || len(others) <= site.OverviewOthers {
		t.Skipf("the synthetic data has %d flagged and %d other records; too few to truncate", len(flagged), len(others))
	}
	if n := doc.Find("#flagged tbody tr").Length(); n != site.OverviewFlagged {
		t.Errorf("%d flagged rows", n)
	}
	if n := doc.Find(".country-group tbody tr").Length(); n != site.OverviewOthers {
		t.Errorf("%d other rows", n)
	}
	containsAll(t, "notes", flat(doc.Find("main")),
		"Showing the 100 most severe of "+srv.l.Number(int64(len(flagged)))+" flagged records",
		"Showing 200 of "+srv.l.Number(int64(len(others)))+" other records")
	if n := doc.Find("#ranking tbody tr").Length(); n != site.OverviewCountries {
		t.Errorf("%d countries ranked", n)
	}
}

func TestNavigationMarksTheCurrentSection(t *testing.T) {
	srv, _ := newTestServer(t)
	for target, current := range map[string]string{"/": "/", "/countries": "/countries", "/countries/NER": "/countries",
		"/orgs": "/orgs", "/orgs/icrc": "/orgs", "/changes": "/changes", "/map": "/map",
		"/about": "/about", "/data": "/data"} {
		doc := page(t, srv, target)
		nav := doc.Find(".site-nav a")
		if nav.Length() != 7 {
			t.Errorf("%s: %d navigation links", target, nav.Length())
		}
		if got := nav.Filter(`[aria-current="page"]`).AttrOr("href", ""); got != current {
			t.Errorf("%s: current section %q, want %q", target, got, current)
		}
		// Every page advertises a feed: its own selection's on country and
		// organisation pages (see TestFeedAutodiscovery), every change's elsewhere.
		want := "/changes.atom"
		if code, ok := strings.CutPrefix(target, "/countries/"); ok {
			want += "?country=" + code
		} else if slug, ok := strings.CutPrefix(target, "/orgs/"); ok {
			want += "?org=" + slug
		}
		if got := doc.Find(`link[rel="alternate"][type="application/atom+xml"]`).AttrOr("href", ""); got != want {
			t.Errorf("%s: feed discovery link %q, want %q", target, got, want)
		}
		if doc.Find("main h1").Length() != 1 {
			t.Errorf("%s: want one h1", target)
		}
		for _, link := range []string{"/about", "/data"} {
			if doc.Find(`.site-nav a[href="`+link+`"]`).Length() != 1 || doc.Find(`.site-footer a[href="`+link+`"]`).Length() != 1 {
				t.Errorf("%s: %s is not linked from both the header and the footer", target, link)
			}
		}
	}
}

func TestPagesEscapeStoredText(t *testing.T) {
	st, _ := newStoreWithHostileOrg(t)
	srv := newServerFor(t, st)
	for _, target := range []string{"/orgs", "/orgs/hostile", "/countries/MLI", "/countries/MLI/orgs/hostile", "/changes", "/changes.atom"} {
		body := get(t, srv, target).Body.String()
		if strings.Contains(body, "<script>alert") || strings.Contains(body, "<img src=x") {
			t.Errorf("%s: stored text rendered as markup", target)
		}
		if !strings.Contains(body, "&lt;script&gt;alert") && !strings.Contains(body, "&lt;b&gt;X&lt;/b&gt;") {
			t.Errorf("%s: the hostile name is not shown escaped", target)
		}
	}
}
