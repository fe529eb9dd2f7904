package web

import (
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/accesswatch/accesswatch/internal/e2e"
)

// The feed each view advertises (<link rel="alternate">), and the title it
// names its selection by, which the feed's own <title> repeats.
var viewFeeds = []struct{ page, feed, title string }{
	{"/countries/NER", "/changes.atom?country=NER", "accesswatch — changes in Niger"},
	{"/changes?country=NER", "/changes.atom?country=NER", "accesswatch — changes in Niger"},
	{"/changes?country=NER&page=1&sort=oldest", "/changes.atom?country=NER", "accesswatch — changes in Niger"},
	{"/orgs/icrc", "/changes.atom?org=icrc", "accesswatch — changes for ICRC"},
	{"/countries/NER/orgs/icrc", "/changes.atom?country=NER&org=icrc", "accesswatch — changes for ICRC in Niger"},
	{"/changes?country=NER&status=expelled&since=2020", "/changes.atom?country=NER&since=2020&status=expelled", "accesswatch — changes in Niger (Expelled, since 2020)"},
	{"/countries?region=Africa", "/changes.atom?region=Africa", "accesswatch — changes in Africa"},
	{"/changes", "/changes.atom", "accesswatch: changes in humanitarian access"},
}

func TestFeedAutodiscovery(t *testing.T) {
	srv, _ := newTestServer(t)
	for _, c := range viewFeeds {
		doc := page(t, srv, c.page)
		links := doc.Find(`head link[rel="alternate"][type="application/atom+xml"]`)
		if links.Length() != 1 {
			t.Errorf("%s: %d feed links", c.page, links.Length())
			continue
		}
		if href, title := links.AttrOr("href", ""), links.AttrOr("title", ""); href != c.feed || title != c.title {
			t.Errorf("%s: advertises %q titled %q, want %q titled %q", c.page, href, title, c.feed, c.title)
		}
		rec := get(t, srv, c.feed)
		if rec.Code != http.StatusOK {
			t.Fatalf("GET %s: %d", c.feed, rec.Code)
		}
		var feed struct {
			Title   string `xml:"title"`
			Entries []struct {
				Categories []struct {
					Term string `xml:"term,attr"`
				} `xml:"category"`
			} `xml:"entry"`
		}
		if err := xml.Unmarshal(rec.Body.Bytes(), &feed); err != nil {
			t.Fatalf("%s: %v", c.feed, err)
		}
		if feed.Title != c.title {
			t.Errorf("%s: titled %q, its pages say %q", c.feed, feed.Title, c.title)
		}
		if len(feed.Entries) == 0 {
			t.Errorf("%s: no entry", c.feed)
		}
		if strings.Contains(c.feed, "country=NER") {
			for i, e := range feed.Entries {
				if !slices.ContainsFunc(e.Categories, func(c struct {
					Term string `xml:"term,attr"`
				}) bool {
					return c.Term == "NER"
				}) {
					t.Errorf("%s: entry %d is not about Niger", c.feed, i)
				}
			}
		}
	}
	// A page with no feed of its own (a list narrowed by a record's status:
	// events have statuses of their own) advertises every change's.
	doc := page(t, srv, "/countries?status=expelled")
	if href := doc.Find(`head link[rel="alternate"]`).AttrOr("href", ""); href != "/changes.atom" {
		t.Errorf("/countries?status=expelled advertises %q", href)
	}
}

// TestFeedReadersParseTheNigerFeed has Python's feedparser, which many
// feed readers and aggregators are built on, read the Niger feed as served.
func TestFeedReadersParseTheNigerFeed(t *testing.T) {
	python := e2e.Python(t, "feedparser")
	handler, _ := newTestServer(t)
	srv := httptest.NewServer(handler)
	defer srv.Close()

	const feedPath = "/changes.atom?country=NER"
	var want struct {
		Title   string `xml:"title"`
		Entries []struct {
			ID string `xml:"id"`
		} `xml:"entry"`
	}
	resp, err := http.Get(srv.URL + feedPath) // as served to this host: the entries' ids name it
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if err := xml.Unmarshal(body, &want); err != nil || len(want.Entries) == 0 {
		t.Fatalf("the Niger feed: %v, %d entries", err, len(want.Entries))
	}
	doc := page(t, handler, "/countries/NER")
	advertised := doc.Find(`head link[rel="alternate"][type="application/atom+xml"]`)
	if advertised.AttrOr("href", "") != feedPath {
		t.Fatalf("/countries/NER advertises %q, not the Niger feed", advertised.AttrOr("href", ""))
	}

	const script = `
import json, sys, feedparser
d = feedparser.parse(sys.argv[1])
print(json.dumps({
    "bozo": bool(d.bozo), "bozo_exception": str(d.get("bozo_exception", "")),
    "status": d.get("status"), "version": d.get("version"),
    "title": d.feed.get("title"), "language": d.feed.get("language"),
    "entries": [{"id": e.get("id"), "title": e.get("title"), "link": e.get("link"),
                 "tags": [t.get("term") for t in e.get("tags", [])]} for e in d.entries],
}))`
	out, err := exec.Command(python, "-c", script, srv.URL+advertised.AttrOr("href", "")).Output()
	if err != nil {
		t.Fatalf("feedparser: %v", err)
	}
	var got struct {
		Bozo          bool   `json:"bozo"`
		BozoException string `json:"bozo_exception"`
		Status        int    `json:"status"`
		Version       string `json:"version"`
		Title         string `json:"title"`
		Language      string `json:"language"`
		Entries       []struct {
			ID, Title, Link string
			Tags            []string
		} `json:"entries"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("feedparser's answer %q: %v", out, err)
	}
	if got.Bozo || got.Status != http.StatusOK || got.Version != "atom10" {
		t.Errorf("feedparser: bozo %v (%s), status %d, version %q", got.Bozo, got.BozoException, got.Status, got.Version)
	}
	if got.Title != want.Title || got.Title != advertised.AttrOr("title", "") || !strings.Contains(got.Title, "Niger") {
		t.Errorf("feedparser reads the title %q; the feed says %q, the country page %q", got.Title, want.Title, advertised.AttrOr("title", ""))
	}
	if len(got.Entries) != len(want.Entries) {
		t.Fatalf("feedparser reads %d entries, the feed has %d", len(got.Entries), len(want.Entries))
	}
	for i, e := range got.Entries {
		if e.ID != want.Entries[i].ID || e.Title == "" || !strings.HasPrefix(e.Link, srv.URL+"/countries/NER") || !slices.Contains(e.Tags, "NER") {
			t.Errorf("entry %d as feedparser reads it: %+v (want id %s)", i, e, want.Entries[i].ID)
		}
	}
	t.Logf("feedparser read %q: %d entries, %s", got.Title, len(got.Entries), got.Version)
}
