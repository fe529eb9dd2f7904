package templates

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/a-h/templ"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/i18n"
)

var en = i18n.English()

func testPage() Page {
	return Page{L: en, Asset: func(name string) string { return "/static/" + name }}
}

// render renders a component and parses the result.
func render(t *testing.T, c templ.Component) *goquery.Document {
	t.Helper()
	var buf bytes.Buffer
	if err := c.Render(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	doc, err := goquery.NewDocumentFromReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func flat(s *goquery.Selection) string { return strings.Join(strings.Fields(s.Text()), " ") }

func TestCountryFiguresShowTheSeverityScoreWithItsSource(t *testing.T) {
	v := CountryView{Summary: access.CountrySummary{
		Country: access.Country{Code: "NER", Name: "Niger", Region: "Africa", Subregion: "Western Africa",
			Severity: &access.SeverityScore{Score: 4, Date: access.MustParseDate("2025-09"), Publisher: "ACAPS", URL: "https://www.acaps.org/x"}},
		Flagged: 3, ReachLost: 3_000_000, Records: 3,
		Flags: map[access.Status]int{access.StatusBanned: 2, access.StatusExpelled: 1},
	}}
	doc := render(t, CountryFigures(testPage(), v))
	sev := doc.Find(`[data-figure="severity"]`)
	if got := flat(sev); !strings.Contains(got, "4 / 5") || !strings.Contains(got, "Sep 2025") {
		t.Errorf("severity: %q", got)
	}
	if a := sev.Find("a"); a.AttrOr("href", "") != "https://www.acaps.org/x" || a.Text() != "ACAPS" || !strings.Contains(a.AttrOr("rel", ""), "noopener") {
		t.Errorf("severity source link: %q %q", a.AttrOr("href", ""), a.Text())
	}
	// Flag counts list the most severe status first.
	items := doc.Find(`[data-figure="flagged"] .flag-counts li`)
	if items.Length() != 2 || items.First().Text() != "Expelled: 1" || items.Last().Text() != "Banned: 2" {
		t.Errorf("flag counts: %q", flat(items))
	}
	if got := flat(doc.Find(".region")); got != "Africa · Western Africa" {
		t.Errorf("region %q", got)
	}
	v.Summary.Severity = nil
	if got := flat(render(t, CountryFigures(testPage(), v)).Find(`[data-figure="severity"]`)); !strings.Contains(got, "no access-severity score recorded") {
		t.Errorf("without a score: %q", got)
	}
}

func TestPagerNav(t *testing.T) {
	middle := render(t, PagerNav(en, Pager{Page: 2, Pages: 3, Total: 120, From: 51, To: 100,
		First: "/changes", Prev: "/changes", Next: "/changes?page=3", Last: "/changes?page=3"}))
	if got := flat(middle.Find(".pager-status")); got != "Showing 51–100 of 120" {
		t.Errorf("status %q", got)
	}
	for rel, href := range map[string]string{"first": "/changes", "prev": "/changes", "next": "/changes?page=3", "last": "/changes?page=3"} {
		if got := middle.Find(`a[rel="`+rel+`"]`).AttrOr("href", ""); got != href {
			t.Errorf("%s link %q", rel, got)
		}
	}
	if got := flat(middle.Find(`[aria-current="page"]`)); got != "Page 2 of 3" {
		t.Errorf("current %q", got)
	}
	single := render(t, PagerNav(en, Pager{Page: 1, Pages: 1, Total: 3, From: 1, To: 3}))
	if single.Find("ul").Length() != 0 || single.Find("a").Length() != 0 {
		t.Error("a single page has page links")
	}
	if empty := render(t, PagerNav(en, Pager{Page: 1, Pages: 1})); empty.Find(".pager-status").Length() != 0 {
		t.Error("an empty list says what it shows")
	}
}

func TestFilterFormShowsOnlyItsFieldsAndTheirState(t *testing.T) {
	f := Filters{Action: "/orgs", Fields: []string{"q", "status", "region"}, Statuses: []access.Status{access.StatusBanned},
		Region: "Asia", Regions: []string{"Africa", "Asia"}, Query: "red", Sorts: []string{"flagged", "name"}, Sort: "name",
		Filtered: true, ClearURL: "/orgs"}
	doc := render(t, FilterForm(en, f))
	form := doc.Find("form")
	if form.AttrOr("method", "") != "get" || form.AttrOr("action", "") != "/orgs" {
		t.Errorf("form %v", form.Nodes[0].Attr)
	}
	if form.Find(`[name="type"], [name="flagged"], [name="country"], [name="event"]`).Length() != 0 {
		t.Error("inputs for fields the page does not take")
	}
	if n := form.Find(`input[name="status"]`).Length(); n != len(access.Statuses) {
		t.Errorf("%d status boxes", n)
	}
	if checked := form.Find(`input[name="status"][checked]`); checked.Length() != 1 || checked.AttrOr("value", "") != "banned" {
		t.Errorf("checked: %d", checked.Length())
	}
	if form.Find(`select[name="region"] option[selected]`).AttrOr("value", "") != "Asia" || form.Find(`input[name="q"]`).AttrOr("value", "") != "red" {
		t.Error("region or search not shown")
	}
	if form.Find(`select[name="sort"] option[selected]`).Text() != "Name" {
		t.Error("order not shown")
	}
	if form.Find(`fieldset legend`).Text() != "Status" || form.Find("label").Length() < 3 {
		t.Error("inputs are not labelled")
	}
	// Regions are listed in the order of their names in the page's
	// language (Western, Eastern, Northern Africa: "Afrique de l’Est",
	// "de l’Ouest", "du Nord" in French), their values unchanged.
	subregions := Filters{Action: "/changes", Fields: []string{"region"}, Regions: []string{"Western Africa", "Eastern Africa", "Northern Africa"}}
	for l, want := range map[*i18n.Locale][]string{
		en:                                 {"Eastern Africa", "Northern Africa", "Western Africa"},
		i18n.MustLoadLanguages().Get("fr"): {"Eastern Africa", "Western Africa", "Northern Africa"},
	} {
		var got []string
		render(t, FilterForm(l, subregions)).Find(`select[name="region"] option[value!=""]`).Each(func(_ int, o *goquery.Selection) {
			got = append(got, o.AttrOr("value", ""))
		})
		if !slices.Equal(got, want) {
			t.Errorf("%s regions in the order %v, want %v", l.Tag, got, want)
		}
	}
	f.Filtered, f.Sorts = false, []string{"newest"}
	plain := render(t, FilterForm(en, f))
	if plain.Find(`a`).Length() != 0 || plain.Find(`select[name="sort"]`).Length() != 0 {
		t.Error("a clear link without filters, or an order choice of one")
	}
}

func TestTimelineModes(t *testing.T) {
	events := []access.EventView{
		{Event: access.Event{ID: 7, CountryCode: "NER", OrgSlug: "icrc", Date: access.MustParseDate("2025-06-05"), Type: access.EventOfficesClosed,
			StatusAfter: access.StatusExpelled, InitiatedBy: access.InitiatedByAuthority, Authority: "Military government",
			Reach:   &access.Reach{People: 2_000_000, Basis: access.ReachCumulative, Period: "1990–2025"},
			Sources: []access.Source{{Publisher: "AP", URL: "https://ap.example/x", Title: "Red Cross leaves", Date: access.MustParseDate("2025-06-06"), Type: access.SourceNews}}},
			Org: access.Org{Slug: "icrc", Acronym: "ICRC", Name: "International Committee of the Red Cross"}, CountryName: "Niger"},
		{Event: access.Event{ID: 9, CountryCode: "MLI", Date: access.MustParseDate("2022-11"), Type: access.EventClassBanAnnounced,
			InitiatedBy: access.InitiatedByAuthority, Verification: access.Pending}, CountryName: "Mali"},
	}
	full := render(t, Timeline(en, "timeline", events, TimelineFull))
	first := full.Find("#event-7")
	if first.Find(".subject").Length() != 0 {
		t.Error("the full timeline names the subject (the record page already does)")
	}
	got := flat(first)
	for _, want := range []string{"5 Jun 2025", "Offices closed", "New status: Expelled", "Military government", "2,000,000", "in total since arrival",
		"1990–2025", "AP", "“Red Cross leaves”", "6 Jun 2025", "News report"} {
		if !strings.Contains(got, want) {
			t.Errorf("full entry lacks %q: %s", want, got)
		}
	}
	if first.Find(".badge--expelled.badge--flagged").Length() != 1 || !first.HasClass("changes-status") {
		t.Error("the status the event set is not shown as flagged")
	}
	if d := first.Find("time").First().AttrOr("datetime", ""); d != "2025-06-05" {
		t.Errorf("datetime %q", d)
	}
	second := full.Find("#event-9")
	if !second.HasClass("class-level") || !strings.Contains(flat(second), "Awaiting verification") || second.Find("time").Text() != "Nov 2022" {
		t.Errorf("class-level entry: %s", flat(second))
	}

	with := render(t, Timeline(en, "changes", events, TimelineWithSubject))
	if href := with.Find("#event-7 .subject a").AttrOr("href", ""); href != "/countries/NER/orgs/icrc#event-7" {
		t.Errorf("subject link %q", href)
	}
	if a := with.Find("#event-9 .subject a"); a.AttrOr("href", "") != "/countries/MLI#event-9" || flat(a) != "Measure against a class of organisations in Mali" {
		t.Errorf("class-level subject %q %q", a.AttrOr("href", ""), flat(a))
	}
	brief := render(t, Timeline(en, "latest", events, TimelineBrief))
	if brief.Find("dl, .sources").Length() != 0 || brief.Find(".subject").Length() != 2 || !brief.Find("ol").HasClass("timeline--brief") {
		t.Error("the brief timeline shows details or lacks subjects")
	}
}

func TestRecordPagePresence(t *testing.T) {
	rec := access.RecordView{Record: access.Record{CountryCode: "NER", OrgSlug: "x", RecordState: access.RecordState{Status: access.StatusUnknown}},
		Org: access.Org{Slug: "x", Name: "X"}, CountryName: "Niger"}
	doc := render(t, RecordPage(testPage(), RecordPageView{Record: rec}))
	if !strings.Contains(flat(doc.Find("#record-facts")), "not recorded") {
		t.Error("an unknown presence is not said to be unknown")
	}
	if doc.Find(`ol[data-timeline="timeline"]`).Length() != 1 {
		t.Error("no timeline element")
	}
	rec.PresenceSince = 1990
	doc = render(t, RecordPage(testPage(), RecordPageView{Record: rec, PresenceUntil: 2025, PresenceYears: 35}))
	if !strings.Contains(flat(doc.Find("#record-facts")), "from 1990 to 2025 (35 years)") {
		t.Errorf("presence: %s", flat(doc.Find("#record-facts")))
	}
}

func TestOverviewSaysWhenItShowsOnlyTheHeadOfALongList(t *testing.T) {
	v := OverviewView{
		Flagged:      []access.RecordView{{Record: access.Record{CountryCode: "NER", OrgSlug: "a", RecordState: access.RecordState{Status: access.StatusBanned}}}},
		FlaggedTotal: 250, OthersShown: 200, OthersTotal: 900,
		Others: []CountryRecords{{Code: "AFG", Name: "Afghanistan", Records: []access.RecordView{{Record: access.Record{CountryCode: "AFG", OrgSlug: "b"}}}}},
	}
	doc := render(t, Overview(testPage(), v))
	text := flat(doc.Find("main"))
	for _, want := range []string{"Showing the 1 most severe of 250 flagged records.", "Showing 200 of 900 other records."} {
		if !strings.Contains(text, want) {
			t.Errorf("overview lacks %q", want)
		}
	}
	// Every section is there, each under its own heading, in this order:
	// the short ranked lists before the long tables (a phone reaches them
	// first).
	var headings []string
	doc.Find("main h2").Each(func(_ int, h *goquery.Selection) { headings = append(headings, h.AttrOr("id", "")) })
	want := []string{"figures-heading", "map-heading", "ranking-heading", "latest-heading", "flagged-heading", "trends-heading", "others-heading"}
	if strings.Join(headings, " ") != strings.Join(want, " ") {
		t.Errorf("sections %v, want %v", headings, want)
	}
	// Every table (the map's and the charts' fallbacks included) is named.
	if n := doc.Find("table").Length(); n < 3 || doc.Find("table > caption, table[aria-labelledby]").Length() != n {
		t.Errorf("%d tables, not all with a caption or label", n)
	}
}

// TestEveryCatalogueKeyExists finds the literal message keys the pages,
// handlers and commands use (T, Tf, Field, and the plural families of
// Plural and Count) and checks the English catalogue has each of them, so
// that no key reaches a page raw: a key renamed in the catalogue (say
// into a plural family) and still called by its old name fails here.
func TestEveryCatalogueKeyExists(t *testing.T) {
	call := regexp.MustCompile(`\.(T|Tf|Field|Plural|Count)\(\s*"([a-z0-9_.\-]+)"`)
	var files []string
	for _, pattern := range []string{"*.templ", "*.go", "../internal/*/*.go", "../internal/web/*/*.go", "../cmd/*/*.go"} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	found := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") || strings.HasSuffix(f, "_templ.go") || strings.HasPrefix(f, "../internal/i18n/") {
			continue // i18n's own doc comments show made-up keys
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range call.FindAllStringSubmatch(string(src), -1) {
			key := m[2]
			if strings.HasSuffix(key, ".") {
				continue // a prefix the code completes (checked below for orders)
			}
			switch m[1] {
			case "Field":
				key = "field." + key
			case "Plural", "Count":
				found++
				if !en.Has(key + ".other") {
					t.Errorf("%s uses the plural family %q, which en.txt lacks (no %s.other)", f, key, key)
				}
				continue
			}
			found++
			if !en.Has(key) {
				t.Errorf("%s uses %q, which en.txt lacks", f, key)
			}
		}
	}
	if found < 100 {
		t.Errorf("found only %d keys; is the pattern still right?", found)
	}
	for _, sort := range []string{"severity", "org", "country", "since", "reach", "flagged", "name", "records", "recent", "countries", "newest", "oldest"} {
		if !en.Has("dash.sort." + sort) {
			t.Errorf("no label for the order %q", sort)
		}
	}
}
