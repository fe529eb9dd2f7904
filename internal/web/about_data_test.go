package web

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/dataset"
	"github.com/accesswatch/accesswatch/internal/i18n"
	"github.com/accesswatch/accesswatch/internal/store"
	"github.com/accesswatch/accesswatch/internal/storetest"
	"github.com/accesswatch/accesswatch/static"
)

func TestAboutExplainsTheModel(t *testing.T) {
	srv, st := newTestServer(t)
	l := i18n.English()
	doc := page(t, srv, "/about")
	main := doc.Find("main")
	text := flat(main)
	// Every status, with its word and its explanation.
	rows := main.Find("#statuses ~ .table-wrap tbody tr, section[aria-labelledby=statuses] tbody tr")
	if rows.Length() != len(access.Statuses) {
		t.Errorf("%d status rows, want %d", rows.Length(), len(access.Statuses))
	}
	for _, s := range access.Statuses {
		if !strings.Contains(text, l.Status(s)) || !strings.Contains(text, l.T("about.status."+string(s))) {
			t.Errorf("status %s is not explained", s)
		}
	}
	containsAll(t, "about", text, "documented in public sources; not exhaustive", "CC BY 4.0", "MIT",
		l.T("about.flagged.heading"), l.T("about.class.heading"), l.ReachBasis(access.ReachAnnual),
		"never added together", "not reported", "struck through", "365 days", "--review-after", "deadline")
	// No contact configured: the page says so.
	if !strings.Contains(text, l.T("about.corrections.none")) || main.Find("a.contact").Length() != 0 {
		t.Error("without --contact the page must say none is configured")
	}
	// "Data as of" is the newest event's date, whatever order events were entered in.
	evs, _, err := st.Changes(context.Background(), store.ChangeFilter{OldestFirst: true})
	if err != nil || len(evs) == 0 {
		t.Fatal(err)
	}
	newest := evs[0].Date
	for _, e := range evs {
		if e.Date.ISO() > newest.ISO() {
			newest = e.Date
		}
	}
	asOf := l.Date(newest)
	cite := flat(main.Find("blockquote.citation"))
	if !strings.Contains(cite, "data as of "+asOf) || !strings.Contains(cite, "http://example.com/") {
		t.Errorf("citation %q lacks the address or the date %s", cite, asOf)
	}
}

func TestAboutShowsTheContact(t *testing.T) {
	st, _ := storetest.OpenSeeded(t)
	assets, err := static.New()
	if err != nil {
		t.Fatal(err)
	}
	for contact, href := range map[string]string{"fix@example.org": "mailto:fix@example.org", "https://example.org/fix": "https://example.org/fix"} {
		srv := New(st, Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Locale: i18n.English(), Assets: assets, Contact: contact})
		a := page(t, srv, "/about").Find("main a.contact")
		if a.Length() != 1 || a.AttrOr("href", "") != href || a.Text() != contact {
			t.Errorf("contact %q: link %q %q", contact, a.AttrOr("href", ""), a.Text())
		}
	}
}

func TestDataListsTheAPIFromItsDocument(t *testing.T) {
	srv, _ := newTestServer(t)
	doc := page(t, srv, "/data")
	main := doc.Find("main")
	raw, err := os.ReadFile("api/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	var oa struct {
		Paths      map[string]map[string]struct{ Parameters []map[string]string } `json:"paths"`
		Components struct {
			Parameters map[string]struct{ Name string }                           `json:"parameters"`
			Schemas    map[string]struct{ Properties map[string]json.RawMessage } `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(raw, &oa); err != nil {
		t.Fatal(err)
	}
	headings := strings.Join(main.Find("section.endpoint h4").Map(func(_ int, s *goquery.Selection) string { return s.Text() }), "\n")
	for path, ops := range oa.Paths {
		for method, op := range ops {
			if !strings.Contains(headings, strings.ToUpper(method)+" "+path+" ") {
				t.Errorf("endpoint %s %s is not listed", method, path)
			}
			sec := main.Find("section.endpoint").FilterFunction(func(_ int, s *goquery.Selection) bool {
				return strings.Contains(s.Find("h4").Text(), strings.ToUpper(method)+" "+path+" ")
			})
			names := sec.Find("tbody th code").Map(func(_ int, s *goquery.Selection) string { return s.Text() })
			for _, p := range op.Parameters {
				name := p["name"]
				if ref := p["$ref"]; ref != "" {
					name = oa.Components.Parameters[strings.TrimPrefix(ref, "#/components/parameters/")].Name
				}
				if !slices.Contains(names, name) {
					t.Errorf("%s %s: parameter %q not listed (have %v)", method, path, name, names)
				}
			}
		}
	}
	for name, s := range oa.Components.Schemas {
		tbl := main.Find("#schema-" + name).Parent()
		fields := tbl.Find("tbody th code").Map(func(_ int, s *goquery.Selection) string { return s.Text() })
		for f := range s.Properties {
			if !slices.Contains(fields, f) {
				t.Errorf("schema %s: field %q not listed", name, f)
			}
		}
	}
	// HXL hashtags come from the dataset's column definitions.
	for id, cols := range map[string][]string{"hxl-records": hxlTags(dataset.RecordColumns), "hxl-events": hxlTags(dataset.EventColumns)} {
		got := main.Find("#" + id + " tbody td code").Map(func(_ int, s *goquery.Selection) string { return s.Text() })
		if !slices.Equal(got, cols) {
			t.Errorf("%s: %v, want %v", id, got, cols)
		}
	}
	// Copyable examples that work against this very server.
	text := flat(main)
	containsAll(t, "data", text, "curl", "/export/records.csv", "/export/events.csv", "/changes.atom", "/badge/")
	img := main.Find(`#badges ~ p img, section[aria-labelledby=badges] img`).AttrOr("src", "")
	if img == "" {
		t.Fatal("no badge example")
	}
	if rec := get(t, srv, img); rec.Code != 200 || !strings.Contains(rec.Header().Get("Content-Type"), "svg") {
		t.Errorf("the badge example %s answers %d", img, rec.Code)
	}
	for _, code := range main.Find("pre code").Map(func(_ int, s *goquery.Selection) string { return s.Text() }) {
		if i := strings.Index(code, "http://example.com"); i >= 0 {
			u := strings.Fields(strings.Trim(code[i+len("http://example.com"):], `'"<>`))[0]
			u = strings.TrimRight(u, `'"`)
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, httptest.NewRequest("GET", u, nil))
			if rec.Code != 200 {
				t.Errorf("example %q: %s answers %d", code, u, rec.Code)
			}
		}
	}
}

func hxlTags[C interface {
	~struct{ Name, HXL, Field string }
}](cols []C) []string {
	var out []string
	for _, c := range cols {
		out = append(out, struct{ Name, HXL, Field string }(c).HXL)
	}
	return out
}
