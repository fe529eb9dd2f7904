package web

import (
	"context"
	"encoding/xml"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/i18n"
	"github.com/accesswatch/accesswatch/internal/store"
	"github.com/accesswatch/accesswatch/internal/storetest"
	"github.com/accesswatch/accesswatch/internal/web/site"
	"github.com/accesswatch/accesswatch/static"
)

// The feed as a reader sees it, decoded independently of feed.go's types.
type testFeed struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	Lang    string   `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
	ID      string   `xml:"http://www.w3.org/2005/Atom id"`
	Title   string   `xml:"http://www.w3.org/2005/Atom title"`
	Updated string   `xml:"http://www.w3.org/2005/Atom updated"`
	Author  string   `xml:"http://www.w3.org/2005/Atom author>name"`
	Links   []struct {
		Rel  string `xml:"rel,attr"`
		Href string `xml:"href,attr"`
	} `xml:"http://www.w3.org/2005/Atom link"`
	Entries []struct {
		ID        string `xml:"http://www.w3.org/2005/Atom id"`
		Title     string `xml:"http://www.w3.org/2005/Atom title"`
		Updated   string `xml:"http://www.w3.org/2005/Atom updated"`
		Published string `xml:"http://www.w3.org/2005/Atom published"`
		Summary   string `xml:"http://www.w3.org/2005/Atom summary"`
		Links     []struct {
			Rel  string `xml:"rel,attr"`
			Href string `xml:"href,attr"`
		} `xml:"http://www.w3.org/2005/Atom link"`
	} `xml:"http://www.w3.org/2005/Atom entry"`
}

func (f testFeed) link(rel string) string {
	for _, l := range f.Links {
		if l.Rel == rel {
			return l.Href
		}
	}
	return ""
}

// fetchFeed gets and decodes a feed, checking its content type.
func fetchFeed(t *testing.T, h http.Handler, target, host string) testFeed {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	if host != "" {
		req.Host = host
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s: %d %s", target, rec.Code, rec.Body.String())
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/atom+xml; charset=utf-8" {
		t.Errorf("content type %q", ct)
	}
	if !strings.HasPrefix(rec.Body.String(), `<?xml version="1.0" encoding="UTF-8"?>`) {
		t.Error("no XML declaration")
	}
	var f testFeed
	if err := xml.Unmarshal(rec.Body.Bytes(), &f); err != nil {
		t.Fatalf("the feed is not well-formed Atom: %v", err)
	}
	return f
}

func TestAtomFeed(t *testing.T) {
	srv, st := newTestServer(t)
	ctx := context.Background()
	f := fetchFeed(t, srv, "/changes.atom", "")
	if f.Lang != "en" || f.Title == "" || f.Author == "" || !strings.HasPrefix(f.ID, "tag:example.com,2025:") {
		t.Errorf("feed head: lang %q title %q author %q id %q", f.Lang, f.Title, f.Author, f.ID)
	}
	if _, err := time.Parse(time.RFC3339, f.Updated); err != nil {
		t.Errorf("updated %q: %v", f.Updated, err)
	}
	if f.link("self") != "http://example.com/changes.atom" || f.link("alternate") != "http://example.com/changes" {
		t.Errorf("links: self %q alternate %q", f.link("self"), f.link("alternate"))
	}
	_, total, _ := st.Events(ctx, store.EventFilter{})
	if len(f.Entries) != min(total, site.FeedEntries) {
		t.Fatalf("%d entries for %d events", len(f.Entries), total)
	}
	ids := map[string]bool{}
	var last *access.EventView
	for i, e := range f.Entries {
		if ids[e.ID] {
			t.Errorf("entry id %s repeated", e.ID)
		}
		ids[e.ID] = true
		prefix := "tag:example.com,2025:accesswatch/event/"
		eventID, err := strconv.ParseInt(strings.TrimPrefix(e.ID, prefix), 10, 64)
		if !strings.HasPrefix(e.ID, prefix) || err != nil {
			t.Fatalf("entry id %q", e.ID)
		}
		if _, err := time.Parse(time.RFC3339, e.Updated); err != nil || e.Title == "" || e.Summary == "" {
			t.Errorf("entry %s: updated %q (%v), title %q, summary %q", e.ID, e.Updated, err, e.Title, e.Summary)
		}
		// Newest recorded first (issue 15: a fact entered today is new to
		// readers, whatever its date), ties by id; published is the entry
		// day at midnight UTC.
		ev, err := st.Event(ctx, eventID)
		if err != nil {
			t.Fatal(err)
		}
		if last != nil && (ev.EnteredAt.After(last.EnteredAt) || ev.EnteredAt.Equal(last.EnteredAt) && ev.ID > last.ID) {
			t.Errorf("entry %d (event %d entered %s) comes after event %d entered %s", i, ev.ID, ev.EnteredAt, last.ID, last.EnteredAt)
		}
		last = &ev
		y, m, d := ev.EnteredAt.UTC().Date()
		if want := time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Format(time.RFC3339); e.Published != want {
			t.Errorf("entry %s published %q, want the entry day %q", e.ID, e.Published, want)
		}
		// Reviews that change nothing are left out by default.
		if ev.Type == access.EventReviewed && ev.StatusAfter == "" {
			t.Errorf("entry %s is a review that changes nothing", e.ID)
		}
		if !strings.Contains(e.Title, srv.l.Date(ev.Date)) {
			t.Errorf("title %q lacks the date", e.Title)
		}
		// The link is absolute and leads to a page that has the entry.
		if len(e.Links) != 1 || e.Links[0].Rel != "alternate" {
			t.Fatalf("entry links %v", e.Links)
		}
		u, err := url.Parse(e.Links[0].Href)
		if err != nil || !u.IsAbs() || u.Host != "example.com" || u.Fragment == "" {
			t.Fatalf("entry link %q", e.Links[0].Href)
		}
		if page(t, srv, u.Path).Find("#"+u.Fragment).Length() != 1 {
			t.Errorf("%s has no element #%s", u.Path, u.Fragment)
		}
	}
	// The feed dates from the last entry, to the day.
	asOf, err := st.DataAsOf(ctx)
	if err != nil {
		t.Fatal(err)
	}
	y, m, d := asOf.LastEntry.UTC().Date()
	if want := time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Format(time.RFC3339); f.Updated != want {
		t.Errorf("feed updated %q, want the last entry's day %q", f.Updated, want)
	}
}

// A fact of 2009 entered today is what is new to readers: it comes first in
// the feed, with its own date in the title and today as its published day.
func TestAtomFeedPutsABackdatedEntryFirst(t *testing.T) {
	st, clock := storetest.OpenSeeded(t)
	srv := newServerFor(t, st)
	clock.Advance(48 * time.Hour)
	recordEvent(t, st, "SDN", "backdated-ngo", "2009-03-05", access.StatusExpelled)
	f := fetchFeed(t, srv, "/changes.atom", "")
	if len(f.Entries) == 0 {
		t.Fatal("empty feed")
	}
	first := f.Entries[0]
	if !strings.Contains(first.Title, "5 Mar 2009") || !strings.Contains(first.Title, "Org backdated-ngo") {
		t.Errorf("first entry %q, want the backdated event", first.Title)
	}
	y, m, d := clock.Now().UTC().Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Format(time.RFC3339)
	if first.Published != today || f.Updated != today {
		t.Errorf("published %q, feed updated %q, want today %q", first.Published, f.Updated, today)
	}
	// A review that changes nothing is left out, unless ?reviews=1.
	clock.Advance(24 * time.Hour)
	_, err := st.RecordEvent(context.Background(), store.NewEvent{
		Event: access.Event{CountryCode: "SDN", OrgSlug: "backdated-ngo", Date: access.DayOf(clock.Now()),
			Type: access.EventReviewed, Description: "Checked: still expelled.",
			Sources: []access.Source{{Type: access.SourceInternalReport, Title: "Editor check"}}},
		ExpectedVersion: store.AnyVersion, Actor: "test",
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := fetchFeed(t, srv, "/changes.atom", "").Entries[0].Title; !strings.Contains(got, "5 Mar 2009") {
		t.Errorf("the review that changes nothing is in the default feed: first entry %q", got)
	}
	withReviews := fetchFeed(t, srv, "/changes.atom?reviews=1", "")
	if got := withReviews.Entries[0].Title; !strings.Contains(got, srv.l.EventType(access.EventReviewed)) {
		t.Errorf("?reviews=1: first entry %q, want the review", got)
	}
	if withReviews.link("self") != "http://example.com/changes.atom?reviews=1" {
		t.Errorf("self link %q", withReviews.link("self"))
	}
}

func TestAtomFeedFilters(t *testing.T) {
	srv, _ := newTestServer(t)
	f := fetchFeed(t, srv, "/changes.atom?country=MLI", "")
	// Mali: the class-level ban of Nov 2022 (oldest, last) and Geneva Call's two events.
	if len(f.Entries) != 3 || !strings.HasPrefix(f.Entries[2].Links[0].Href, "http://example.com/countries/MLI#event-") {
		t.Fatalf("Mali's feed: %+v", f.Entries)
	}
	if !strings.Contains(f.Entries[2].Title, "Measure against a class of organisations in Mali") {
		t.Errorf("title %q", f.Entries[2].Title)
	}
	if f.link("self") != "http://example.com/changes.atom?country=MLI" || f.link("alternate") != "http://example.com/changes?country=MLI" {
		t.Errorf("links %+v", f.Links)
	}
	all := fetchFeed(t, srv, "/changes.atom", "")
	if f.ID == all.ID {
		t.Error("a filtered feed has the id of the whole feed")
	}
	none := fetchFeed(t, srv, "/changes.atom?q=nothing-matches", "")
	if len(none.Entries) != 0 || none.Updated == "" {
		t.Errorf("empty feed: %d entries, updated %q", len(none.Entries), none.Updated)
	}
	// The change log links to the feed of the same selection.
	doc := page(t, srv, "/changes?country=MLI&sort=oldest&page=1")
	if href := doc.Find("a.feed-link").AttrOr("href", ""); href != "/changes.atom?country=MLI" {
		t.Errorf("feed link %q", href)
	}
}

func TestAtomFeedLinksFollowTheRequestOrigin(t *testing.T) {
	srv, _ := newTestServer(t)
	fetchFeed(t, srv, "/changes.atom", "") // fills the cache for example.com
	other := fetchFeed(t, srv, "/changes.atom", "other.example:8443")
	if other.link("self") != "http://other.example:8443/changes.atom" || !strings.HasPrefix(other.ID, "tag:other.example,2025:") {
		t.Errorf("other host: self %q id %q", other.link("self"), other.ID)
	}
	if again := fetchFeed(t, srv, "/changes.atom", ""); again.link("self") != "http://example.com/changes.atom" {
		t.Errorf("one host's links served to another: %q", again.link("self"))
	}
	if v6 := fetchFeed(t, srv, "/changes.atom", "[::1]:8080"); !strings.HasPrefix(v6.ID, "tag:accesswatch.invalid,2025:") {
		t.Errorf("IPv6 host: id %q", v6.ID)
	}

	st, _ := storetest.OpenSeeded(t)
	assets, err := static.New()
	if err != nil {
		t.Fatal(err)
	}
	tls := New(st, Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Locale: i18n.English(), Assets: assets, BehindTLS: true})
	if self := fetchFeed(t, tls, "/changes.atom", "").link("self"); self != "https://example.com/changes.atom" {
		t.Errorf("behind TLS: self %q", self)
	}
}
