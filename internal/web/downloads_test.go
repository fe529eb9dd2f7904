package web

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/accesswatch/accesswatch/internal/opendata"
	"github.com/accesswatch/accesswatch/internal/web/site"
)

// The rule the Download block keeps, and this test checks item by item:
//
//   - Downloads are not paged. The page's items, gathered over every page of
//     its list (following rel="next"), are exactly the download's items: the
//     records of a record table, the countries or organisations of a list
//     (the countries in the records download, plus countries listed only
//     for class-level measures, which have no record), the events of
//     /changes and of a record's timeline, the class-level measures in
//     force on a country page.
//   - A detail page shows the head of a longer timeline (the latest
//     site.CountryTimelineLen or site.OrgTimelineLen events): those are the
//     download's newest events, and all of them when there are fewer.
//   - The CSV and the JSON hold the same items (JSON: one answer of up to
//     1,000 items, whose total must be all of them); the CSV for Excel is
//     the CSV's bytes after a UTF-8 byte order mark.
//   - The Atom feed holds the newest site.FeedEntries entries of the same
//     selection, reviews that change nothing left out; on a list of
//     countries or organisations, each entry belongs to a listed item.

// crawlLimit bounds the crawl: far above the pages the bundled data has,
// each reached in English and, through the language switch, in French.
const crawlLimit = 600

// extraStarts are filtered views the crawl also visits: the pages link
// to few filtered addresses, and a filter is where a download could
// drift from its page.
var extraStarts = []string{
	"/changes?country=NER", "/changes?status=expelled&since=2020", "/changes?org=icrc&event=order_to_leave_issued",
	"/changes?region=Africa&type=ingo", "/changes?flagged=1&sort=oldest",
	"/countries?status=expelled", "/countries?region=Africa", "/countries?type=ingo", "/countries?flagged=1&sort=name",
	"/orgs?flagged=1", "/orgs?region=Asia", "/orgs?type=un_agency&status=operating",
	"/countries/NER?status=expelled", "/countries/AFG?type=ingo", "/countries/NER?flagged=1",
	"/orgs/icrc?region=Africa", "/orgs/icrc?status=operating",
	"/countries?q=niger", "/orgs?q=msf", "/countries/NER?q=icrc", "/countries/AFG?q=afghanistan", "/orgs/msf?q=sudan", "/changes?q=taliban",
	// In French: the same selections, links and feeds carrying lang=fr.
	"/countries/NER?lang=fr", "/changes?country=NER&lang=fr", "/orgs/icrc?lang=fr", "/countries?lang=fr",
}

func TestDownloadBlocksReturnWhatThePageShows(t *testing.T) {
	server, _ := newTestServer(t)
	srv := memo(fromLoopback(server))
	seen := map[string]bool{}
	queue := append([]string{"/"}, extraStarts...)
	kinds := map[string]int{}
	for len(queue) > 0 {
		target := queue[0]
		queue = queue[1:]
		if seen[target] {
			continue
		}
		seen[target] = true
		if len(seen) > crawlLimit {
			t.Fatalf("more than %d pages reachable from /: raise crawlLimit if that is right", crawlLimit)
		}
		rec := get(t, srv, target)
		if rec.Code != http.StatusOK {
			t.Errorf("GET %s: %d", target, rec.Code)
			continue
		}
		if !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
			continue
		}
		doc := parse(t, rec)
		doc.Find("a[href]").Each(func(_ int, a *goquery.Selection) {
			// Links to the page in another language (the header's switch,
			// and every link of a page read with ?lang=) select the same
			// items: the crawl does not follow them, or it would visit every
			// page three times; the French starts above check that surface.
			if next, ok := internalPage(a.AttrOr("href", "")); ok && !seen[next] && !strings.Contains(next, "lang=") {
				queue = append(queue, next)
			}
		})
		kind := pageKind(target)
		if kind == "" {
			continue
		}
		kinds[kind]++
		block := doc.Find("[data-downloads]")
		if block.Length() != 1 {
			t.Errorf("%s: %d Download blocks, want 1", target, block.Length())
			continue
		}
		checkDownloads(t, srv, target, kind, doc, block)
	}
	for _, k := range []string{"overview", "changes", "countries", "orgs", "country", "org", "record", "map"} {
		if kinds[k] == 0 {
			t.Errorf("the crawl reached no %s page: it proves nothing about them", k)
		}
	}
	t.Logf("crawled %d pages; checked the Download block of %v", len(seen), kinds)
}

// fromLoopback serves requests as from this machine, which the render
// limit leaves alone: a crawl asks for hundreds of pages at once.
func fromLoopback(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.RemoteAddr = "127.0.0.1:50000"
		h.ServeHTTP(w, r)
	})
}

// memo answers a repeated GET of the same address with the first answer:
// the crawl asks for the same download from many pages (every page of a
// list links the same files), and the data does not change meanwhile.
func memo(h http.Handler) http.Handler {
	answers := map[string]*httptest.ResponseRecorder{}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec, ok := answers[r.URL.String()]
		if !ok {
			rec = httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			answers[r.URL.String()] = rec
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	})
}

// internalPage reads a link to a public page of the site (no file, feed,
// export, API or admin address), without its fragment.
func internalPage(href string) (string, bool) {
	u, err := url.Parse(href)
	if err != nil || u.Scheme != "" || u.Host != "" || !strings.HasPrefix(u.Path, "/") {
		return "", false
	}
	for _, skip := range []string{"/static/", "/export/", "/api/", "/admin", "/badge/", "/metrics"} {
		if strings.HasPrefix(u.Path, skip) {
			return "", false
		}
	}
	if strings.HasSuffix(u.Path, ".atom") {
		return "", false
	}
	u.Fragment = ""
	return u.String(), true
}

// pageKind names the pages that must have a Download block.
func pageKind(target string) string {
	path, _, _ := strings.Cut(target, "?")
	parts := strings.Split(strings.Trim(path, "/"), "/")
	switch {
	case path == "/":
		return "overview"
	case path == "/changes" || path == "/countries" || path == "/orgs" || path == "/map":
		return parts[0]
	case len(parts) == 2 && parts[0] == "countries":
		return "country"
	case len(parts) == 2 && parts[0] == "orgs":
		return "org"
	case len(parts) == 4 && parts[0] == "countries" && parts[2] == "orgs":
		return "record"
	}
	return ""
}

// checkDownloads checks every set of a page's Download block against the page.
func checkDownloads(t *testing.T, srv http.Handler, target, kind string, doc *goquery.Document, block *goquery.Selection) {
	t.Helper()
	sets := map[string]*goquery.Selection{}
	block.Find("[data-download-set]").Each(func(_ int, s *goquery.Selection) { sets[s.AttrOr("data-download-set", "")] = s })
	want := map[string][]string{
		"overview": {"records", "changes"}, "changes": {"changes"}, "countries": {"records"}, "orgs": {"records"},
		"country": {"records", "class-measures", "changes"}, "org": {"records", "changes"}, "record": {"records", "changes"},
		"map": {"records", "class-measures"},
	}[kind]
	if (kind == "countries" || kind == "orgs") && strings.Contains(target, "q=") {
		// A searched list says it has no download (see site.listDownloads).
		want = nil
		if block.Find("[data-download-unavailable]").Length() != 1 {
			t.Errorf("%s: a searched list without downloads does not say why", target)
		}
	}
	for _, w := range want {
		if sets[w] == nil {
			t.Errorf("%s: no %q downloads", target, w)
			return
		}
	}
	if len(sets) != len(want) {
		t.Errorf("%s: download sets %v, want %v", target, keys(sets), want)
	}
	if s := sets["records"]; s != nil {
		recs := recordDownload(t, srv, target, s)
		switch kind {
		case "overview":
			mustSubset(t, target, "records on the page", dataValues(doc.Find("tr[data-record]"), "data-record"), recs, "records download")
		case "country", "org":
			onPage := gather(t, srv, target, doc, func(d *goquery.Document) []string {
				return dataValues(d.Find("table#records tr[data-record]"), "data-record")
			})
			mustEqual(t, target, "records on the page", onPage, recs, "records download")
		case "record":
			path, _, _ := strings.Cut(target, "?")
			mustEqual(t, target, "the page's record", []string{strings.Replace(strings.TrimPrefix(path, "/countries/"), "/orgs/", "/", 1)}, recs, "records download")
		case "countries":
			checkCountryList(t, srv, target, doc, recs, s)
		case "map":
			// each country of the map's table has as many records in the
			// download as the table says, and no other country has any
			perCountry := map[string]int{}
			for _, r := range recs {
				code, _, _ := strings.Cut(r, "/")
				perCountry[code]++
			}
			rows := doc.Find("tr[data-country]")
			rows.Each(func(_ int, tr *goquery.Selection) {
				code, n := tr.AttrOr("data-country", ""), tr.Find("[data-records]").AttrOr("data-records", "")
				if strconv.Itoa(perCountry[code]) != n {
					t.Errorf("%s: %s has %s records on the map, %d in the download", target, code, n, perCountry[code])
				}
				delete(perCountry, code)
			})
			if rows.Length() == 0 || len(perCountry) != 0 {
				t.Errorf("%s: %d countries on the map; in the download only: %v", target, rows.Length(), perCountry)
			}
		case "orgs":
			onPage := gather(t, srv, target, doc, func(d *goquery.Document) []string { return dataValues(d.Find("tr[data-org]"), "data-org") })
			mustEqual(t, target, "organisations on the page", onPage, partOf(recs, 1), "organisations in the records download")
			if href := s.Find(`[data-download="atom"]`).AttrOr("href", ""); href != "" {
				for _, e := range atomEntries(t, srv, target, href, s.Find(`[data-download="atom"]`).AttrOr("title", "")) {
					if e.org != "" && !slices.Contains(onPage, e.org) {
						t.Errorf("%s: feed entry %d is about %s, not listed", target, e.id, e.org)
					}
				}
			}
		}
	}
	if s := sets["changes"]; s != nil {
		ids := changeDownload(t, srv, target, s, doc)
		switch kind {
		case "changes":
			onPage := gather(t, srv, target, doc, func(d *goquery.Document) []string { return eventIDs(d.Find("ol#changes")) })
			mustEqual(t, target, "events on the page", onPage, ids, "events download")
		case "record":
			mustEqual(t, target, "events on the page", eventIDs(doc.Find("ol#timeline")), ids, "events download")
		case "country", "org":
			onPage := eventIDs(doc.Find(`section[aria-labelledby="` + kind + `-timeline-heading"] [data-timeline]`))
			head := map[string]int{"country": site.CountryTimelineLen, "org": site.OrgTimelineLen}[kind]
			mustSubset(t, target, "events on the page", onPage, ids, "events download")
			if len(onPage) != min(len(ids), head) {
				t.Errorf("%s: %d events on the page, want the latest %d of %d", target, len(onPage), head, len(ids))
			}
		case "overview":
			mustSubset(t, target, "events on the page", eventIDs(doc.Find("[data-timeline]")), ids, "events download")
		}
	}
	if s := sets["class-measures"]; s != nil && kind == "map" {
		// the map counts the measures in force per country
		ids := classMeasureDownload(t, srv, target, s)
		perCountry := map[string]int{}
		for _, m := range getJSON[struct {
			Items []struct {
				Country struct{ Code string } `json:"country"`
			} `json:"items"`
		}](t, srv, s.Find(`[data-download="json"]`).AttrOr("href", "")).Items {
			perCountry[m.Country.Code]++
		}
		n := 0
		doc.Find("tr[data-country]").Each(func(_ int, tr *goquery.Selection) {
			code, shown := tr.AttrOr("data-country", ""), tr.Find("[data-class-measures]").AttrOr("data-class-measures", "")
			if strconv.Itoa(perCountry[code]) != shown {
				t.Errorf("%s: %s has %s class-level measures on the map, %d in the download", target, code, shown, perCountry[code])
			}
			n += perCountry[code]
		})
		if len(ids) == 0 || n == 0 {
			t.Errorf("%s: %d class-level measures in the download, %d in the map's table: the check proves nothing", target, len(ids), n)
		}
	} else if s != nil {
		var onPage []string
		doc.Find("li[data-class-measure] a").Each(func(_ int, a *goquery.Selection) {
			onPage = append(onPage, strings.TrimPrefix(a.AttrOr("href", ""), "#event-"))
		})
		mustEqual(t, target, "class-level measures on the page", onPage, classMeasureDownload(t, srv, target, s), "class-measures download")
	}
}

// checkCountryList compares a list of countries with its records download
// and feed: a listed country is in the records download, or is listed for
// class-level measures alone (no record, so no status or type filter).
func checkCountryList(t *testing.T, srv http.Handler, target string, doc *goquery.Document, recs []string, s *goquery.Selection) {
	t.Helper()
	onPage := gather(t, srv, target, doc, func(d *goquery.Document) []string { return dataValues(d.Find("tr[data-country]"), "data-country") })
	inDownload := partOf(recs, 0)
	mustSubset(t, target, "countries in the records download", inDownload, onPage, "countries on the page")
	q, _ := url.ParseQuery(strings.SplitN(target+"?", "?", 2)[1])
	for _, code := range onPage {
		if slices.Contains(inDownload, code) {
			continue
		}
		if q.Has("status") || q.Has("type") || q.Has("flagged") {
			t.Errorf("%s: %s is listed but has no record in the download", target, code)
			continue
		}
		c := getJSON[struct {
			Records       []json.RawMessage `json:"records"`
			ClassMeasures []json.RawMessage `json:"class_level_events"`
		}](t, srv, "/api/v1/countries/"+code)
		if len(c.Records) != 0 || len(c.ClassMeasures) == 0 {
			t.Errorf("%s: %s is listed, has %d records and %d class-level events, and no row in the download", target, code, len(c.Records), len(c.ClassMeasures))
		}
	}
	if href := s.Find(`[data-download="atom"]`).AttrOr("href", ""); href != "" {
		for _, e := range atomEntries(t, srv, target, href, s.Find(`[data-download="atom"]`).AttrOr("title", "")) {
			if !slices.Contains(onPage, e.country) {
				t.Errorf("%s: feed entry %d is about %s, not listed", target, e.id, e.country)
			}
		}
	}
}

// recordDownload fetches a records set's CSV, CSV for Excel and JSON, checks
// they agree, and returns the records as "ISO3/slug", sorted.
func recordDownload(t *testing.T, srv http.Handler, target string, s *goquery.Selection) []string {
	t.Helper()
	csvBody := fetchCSV(t, srv, target, s)
	var fromCSV []string
	for _, row := range csvRows(t, target, csvBody, "country_code", "org_slug") {
		fromCSV = append(fromCSV, row[0]+"/"+row[1])
	}
	href := s.Find(`[data-download="json"]`).AttrOr("href", "")
	list := getJSON[struct {
		Total int `json:"total"`
		Items []struct {
			Country struct{ Code string } `json:"country"`
			Org     struct{ Slug string } `json:"org"`
		} `json:"items"`
	}](t, srv, href)
	var fromJSON []string
	for _, it := range list.Items {
		fromJSON = append(fromJSON, it.Country.Code+"/"+it.Org.Slug)
	}
	if list.Total != len(list.Items) {
		t.Errorf("%s: %s holds %d of %d records", target, href, len(list.Items), list.Total)
	}
	mustEqual(t, target, "records in the CSV", fromCSV, fromJSON, "records in the JSON")
	sort.Strings(fromJSON)
	return fromJSON
}

// changeDownload fetches a changes set's CSV, CSV for Excel, JSON and
// Atom, checks they agree, and returns the events' ids, sorted.
func changeDownload(t *testing.T, srv http.Handler, target string, s *goquery.Selection, doc *goquery.Document) []string {
	t.Helper()
	csvBody := fetchCSV(t, srv, target, s)
	var fromCSV []string
	for _, row := range csvRows(t, target, csvBody, "country_code", "org_slug", "date", "event_type", "status_after") {
		fromCSV = append(fromCSV, strings.Join(row, "|"))
	}
	href := s.Find(`[data-download="json"]`).AttrOr("href", "")
	list := getJSON[struct {
		Total int `json:"total"`
		Items []struct {
			ID      int64                  `json:"id"`
			Country struct{ Code string }  `json:"country"`
			Org     *struct{ Slug string } `json:"org"`
			Date    struct{ Date string }  `json:"date"`
			Type    string                 `json:"type"`
			Status  *string                `json:"status_after"`
		} `json:"items"`
	}](t, srv, href)
	if list.Total != len(list.Items) {
		t.Errorf("%s: %s holds %d of %d events", target, href, len(list.Items), list.Total)
	}
	var fromJSON, ids, feedable []string
	for _, it := range list.Items {
		org, status := "", ""
		if it.Org != nil {
			org = it.Org.Slug
		}
		if it.Status != nil {
			status = *it.Status
		}
		fromJSON = append(fromJSON, strings.Join([]string{it.Country.Code, org, it.Date.Date, it.Type, status}, "|"))
		id := strconv.FormatInt(it.ID, 10)
		ids = append(ids, id)
		if it.Type != "reviewed" || status != "" {
			feedable = append(feedable, id)
		}
	}
	mustEqual(t, target, "events in the CSV", fromCSV, fromJSON, "events in the JSON")

	atom := s.Find(`[data-download="atom"]`)
	title := atom.AttrOr("title", "")
	var inFeed []string
	for _, e := range atomEntries(t, srv, target, atom.AttrOr("href", ""), title) {
		inFeed = append(inFeed, strconv.FormatInt(e.id, 10))
	}
	mustSubset(t, target, "feed entries", inFeed, ids, "events download")
	if len(inFeed) != min(len(feedable), site.FeedEntries) {
		t.Errorf("%s: %d feed entries, want %d (the newest of %d events that are not empty reviews)", target, len(inFeed), min(len(feedable), site.FeedEntries), len(feedable))
	}
	// The page advertises the feed of what it shows (the overview and the
	// lists: every change's, or the list's own).
	link := doc.Find(`head link[rel="alternate"][type="application/atom+xml"]`)
	if got := link.AttrOr("href", ""); got != atom.AttrOr("href", "") || link.AttrOr("title", "") != title {
		t.Errorf("%s: advertises the feed %q %q; its Download block %q %q", target, got, link.AttrOr("title", ""), atom.AttrOr("href", ""), title)
	}
	sort.Strings(ids)
	return ids
}

// classMeasureDownload fetches a class-measures set's CSV, CSV for Excel
// and JSON, checks they agree, and returns the measures' event ids.
func classMeasureDownload(t *testing.T, srv http.Handler, target string, s *goquery.Selection) []string {
	t.Helper()
	csvBody := fetchCSV(t, srv, target, s)
	rows := csvRows(t, target, csvBody, "country_code", "date", "status")
	list := getJSON[struct {
		Total int `json:"total"`
		Items []struct {
			EventID int64                 `json:"event_id"`
			Country struct{ Code string } `json:"country"`
			Date    struct{ Date string } `json:"date"`
			Status  string                `json:"status"`
		} `json:"items"`
	}](t, srv, s.Find(`[data-download="json"]`).AttrOr("href", ""))
	var fromCSV, fromJSON, ids []string
	for _, r := range rows {
		fromCSV = append(fromCSV, strings.Join(r, "|"))
	}
	for _, it := range list.Items {
		fromJSON = append(fromJSON, it.Country.Code+"|"+it.Date.Date+"|"+it.Status)
		ids = append(ids, strconv.FormatInt(it.EventID, 10))
	}
	mustEqual(t, target, "class-level measures in the CSV", fromCSV, fromJSON, "in the JSON")
	return ids
}

// fetchCSV fetches a set's CSV and CSV for Excel, requiring the second to
// be the first after a byte order mark.
func fetchCSV(t *testing.T, srv http.Handler, target string, s *goquery.Selection) []byte {
	t.Helper()
	plain, excel := s.Find(`[data-download="csv"]`).AttrOr("href", ""), s.Find(`[data-download="excel"]`).AttrOr("href", "")
	a, b := get(t, srv, plain), get(t, srv, excel)
	if a.Code != http.StatusOK || b.Code != http.StatusOK {
		t.Fatalf("%s: GET %s: %d, GET %s: %d", target, plain, a.Code, excel, b.Code)
	}
	if !bytes.Equal(b.Body.Bytes(), append([]byte(opendata.ByteOrderMark), a.Body.Bytes()...)) {
		t.Errorf("%s: %s is not %s after a byte order mark", target, excel, plain)
	}
	if bytes.HasPrefix(a.Body.Bytes(), []byte(opendata.ByteOrderMark)) {
		t.Errorf("%s: %s starts with a byte order mark", target, plain)
	}
	return a.Body.Bytes()
}

// csvRows reads an export's data rows (after the header and HXL rows),
// keeping the named columns.
func csvRows(t *testing.T, target string, body []byte, cols ...string) [][]string {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil || len(rows) < 2 {
		t.Fatalf("%s: CSV: %v (%d rows)", target, err, len(rows))
	}
	idx := make([]int, len(cols))
	for i, c := range cols {
		if idx[i] = slices.Index(rows[0], c); idx[i] < 0 {
			t.Fatalf("%s: CSV has no column %q: %v", target, c, rows[0])
		}
	}
	out := make([][]string, 0, len(rows)-2)
	for _, r := range rows[2:] {
		row := make([]string, len(cols))
		for i, j := range idx {
			row[i] = r[j]
		}
		out = append(out, row)
	}
	return out
}

// atomEntry is what the test reads of a feed entry: its event's id and
// what it is about (org "" for a class-level measure).
type atomEntry struct {
	id           int64
	country, org string
}

// atomEntries fetches a feed, checks its title is the one its link
// announced, and reads its entries.
func atomEntries(t *testing.T, srv http.Handler, target, href, title string) []atomEntry {
	t.Helper()
	rec := get(t, srv, href)
	if rec.Code != http.StatusOK {
		t.Fatalf("%s: GET %s: %d", target, href, rec.Code)
	}
	var feed struct {
		Title   string `xml:"title"`
		Entries []struct {
			ID    string `xml:"id"`
			Title string `xml:"title"`
			Link  struct {
				Href string `xml:"href,attr"`
			} `xml:"link"`
			Categories []struct {
				Term string `xml:"term,attr"`
			} `xml:"category"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(rec.Body.Bytes(), &feed); err != nil {
		t.Fatalf("%s: %s: %v", target, href, err)
	}
	if title == "" || feed.Title != title {
		t.Errorf("%s: feed %s titled %q, its link %q", target, href, feed.Title, title)
	}
	out := make([]atomEntry, len(feed.Entries))
	for i, e := range feed.Entries {
		_, num, _ := strings.Cut(e.ID, "/event/")
		id, err := strconv.ParseInt(num, 10, 64)
		if err != nil {
			t.Fatalf("%s: entry id %q", href, e.ID)
		}
		u, _ := url.Parse(e.Link.Href)
		parts := strings.Split(strings.Trim(u.Path, "/"), "/")
		out[i] = atomEntry{id: id, country: parts[1]}
		if len(parts) == 4 {
			out[i].org = parts[3]
		}
	}
	return out
}

// gather collects a list's items over every page: from the first
// (rel="first", when doc is a later page), following rel="next".
func gather(t *testing.T, srv http.Handler, target string, doc *goquery.Document, items func(*goquery.Document) []string) []string {
	t.Helper()
	if first, ok := doc.Find(`a[rel="first"]`).Attr("href"); ok {
		doc = page(t, srv, first)
	}
	out := items(doc)
	for n := 0; ; n++ {
		next, ok := doc.Find(`a[rel="next"]`).Attr("href")
		if !ok {
			return out
		}
		if n > 100 {
			t.Fatalf("%s: more than 100 pages", target)
		}
		doc = page(t, srv, next)
		out = append(out, items(doc)...)
	}
}

func eventIDs(s *goquery.Selection) []string {
	var out []string
	s.Find(`li[id^="event-"]`).Each(func(_ int, li *goquery.Selection) {
		out = append(out, strings.TrimPrefix(li.AttrOr("id", ""), "event-"))
	})
	return out
}

func dataValues(s *goquery.Selection, attr string) []string {
	var out []string
	s.Each(func(_ int, e *goquery.Selection) { out = append(out, e.AttrOr(attr, "")) })
	return out
}

// partOf is the distinct i-th parts of "a/b" values, sorted.
func partOf(values []string, i int) []string {
	var out []string
	for _, v := range values {
		if p := strings.Split(v, "/"); !slices.Contains(out, p[i]) {
			out = append(out, p[i])
		}
	}
	sort.Strings(out)
	return out
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// mustEqual requires two lists to hold the same items as many times.
func mustEqual(t *testing.T, target, aName string, a, b []string, bName string) {
	t.Helper()
	a, b = slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b))
	if len(a) == 0 && len(b) == 0 {
		return
	}
	if !slices.Equal(a, b) {
		t.Errorf("%s: %s %v differ from %s %v", target, aName, clipList(a), bName, clipList(b))
	}
}

// mustSubset requires every item of a to be in b.
func mustSubset(t *testing.T, target, aName string, a, b []string, bName string) {
	t.Helper()
	for _, x := range a {
		if !slices.Contains(b, x) {
			t.Errorf("%s: %s: %s is not in the %s", target, aName, x, bName)
		}
	}
}

func clipList(l []string) string {
	if len(l) > 12 {
		return strings.Join(l[:12], " ") + " … (" + strconv.Itoa(len(l)) + ")"
	}
	return strings.Join(l, " ") + " (" + strconv.Itoa(len(l)) + ")"
}

// TestExcelCSVParameter: bom=1 is the CSV after a byte order mark on every
// export; another value is a 400 that says what bom takes.
func TestExcelCSVParameter(t *testing.T) {
	server, _ := newTestServer(t)
	srv := fromLoopback(server)
	for _, kind := range opendata.Kinds {
		plain, excel := get(t, srv, "/export/"+kind+".csv?country=NER"), get(t, srv, "/export/"+kind+".csv?country=NER&bom=true")
		if plain.Code != http.StatusOK || excel.Code != http.StatusOK || plain.Body.Len() < 100 {
			t.Fatalf("%s: %d, %d (%d bytes)", kind, plain.Code, excel.Code, plain.Body.Len())
		}
		if !bytes.Equal(excel.Body.Bytes(), append([]byte("\xef\xbb\xbf"), plain.Body.Bytes()...)) {
			t.Errorf("%s: bom=true is not the CSV after EF BB BF", kind)
		}
		if excel.Header().Get("Content-Type") != plain.Header().Get("Content-Type") || excel.Header().Get("Content-Disposition") == "" {
			t.Errorf("%s: headers %v", kind, excel.Header())
		}
		if off := get(t, srv, "/export/"+kind+".csv?country=NER&bom=0"); !bytes.Equal(off.Body.Bytes(), plain.Body.Bytes()) {
			t.Errorf("%s: bom=0 is not the plain CSV", kind)
		}
		bad := get(t, srv, "/export/"+kind+".csv?bom=yes")
		if bad.Code != http.StatusBadRequest || !strings.Contains(bad.Body.String(), "byte order mark") {
			t.Errorf("%s: bom=yes: %d %s", kind, bad.Code, bad.Body.String())
		}
	}
	// The API answers JSON, which needs no mark: it does not take bom.
	if rec := get(t, srv, "/api/v1/records?bom=1"); rec.Code != http.StatusBadRequest {
		t.Errorf("/api/v1/records?bom=1: %d", rec.Code)
	}
}
