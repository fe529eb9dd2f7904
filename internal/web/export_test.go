package web

import (
	"bytes"
	"context"
	"encoding/csv"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/accesswatch/accesswatch/internal/dataset"
	"github.com/accesswatch/accesswatch/internal/store"
	"github.com/accesswatch/accesswatch/internal/web/api"
	"github.com/accesswatch/accesswatch/internal/web/httpkit"
	"github.com/accesswatch/accesswatch/internal/web/query"
)

// getCSV fetches an export and checks it is offered as a CSV file.
func getCSV(t *testing.T, h http.Handler, target string) [][]string {
	t.Helper()
	rec := get(t, h, target)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s: %d %s", target, rec.Code, rec.Body.String())
	}
	hd := rec.Header()
	if !strings.HasPrefix(hd.Get("Content-Type"), "text/csv; charset=utf-8") || hd.Get("Access-Control-Allow-Origin") != "*" ||
		hd.Get("ETag") == "" || !strings.HasPrefix(hd.Get("Content-Disposition"), "attachment; filename=accesswatch-") {
		t.Errorf("GET %s: headers %v", target, hd)
	}
	// That these are the bytes `accesswatch export` writes for the same
	// filters is cmd/accesswatch's TestExportCommandWritesWhatTheServerServes.
	rows, err := csv.NewReader(bytes.NewReader(rec.Body.Bytes())).ReadAll()
	if err != nil {
		t.Fatalf("GET %s: not RFC 4180: %v", target, err)
	}
	if len(rows) < 2 || !strings.HasPrefix(rows[1][0], "#") {
		t.Fatalf("GET %s: no HXL row", target)
	}
	return rows
}

// column returns the values of a named column below the header and HXL rows.
func column(t *testing.T, rows [][]string, name string) []string {
	t.Helper()
	for i, h := range rows[0] {
		if h == name {
			var out []string
			for _, r := range rows[2:] {
				out = append(out, r[i])
			}
			return out
		}
	}
	t.Fatalf("no column %s in %v", name, rows[0])
	return nil
}

func TestExportEventsCSV(t *testing.T) {
	srv, st := newTestServer(t)
	rows := getCSV(t, srv, "/export/events.csv")
	for i, c := range dataset.EventColumns {
		if rows[0][i] != c.Name || rows[1][i] != c.HXL {
			t.Errorf("column %d: %s %s, want %s %s", i, rows[0][i], rows[1][i], c.Name, c.HXL)
		}
	}
	_, total, _ := st.Changes(context.Background(), eventFilterOf(t, ""))
	if len(rows)-2 != total {
		t.Errorf("%d rows for %d events", len(rows)-2, total)
	}
	dates := column(t, rows, "date")
	for i := 1; i < len(dates); i++ {
		if dates[i] < dates[i-1] {
			t.Errorf("not oldest first at row %d: %s after %s", i, dates[i], dates[i-1])
		}
	}
	for query, check := range map[string]func(r map[string]string) bool{
		"country=NER":                    func(r map[string]string) bool { return r["country_code"] == "NER" && r["country_name"] == "Niger" },
		"org=icrc&since=2025":            func(r map[string]string) bool { return r["org_slug"] == "icrc" && r["date"] >= "2025" },
		"event=class_ban_announced":      func(r map[string]string) bool { return r["org_slug"] == "" && r["event_type"] == "class_ban_announced" },
		"until=2009&type=staff_departed": func(r map[string]string) bool { return r["date"] < "2010" && r["event_type"] == "staff_departed" },
	} {
		got := getCSV(t, srv, "/export/events.csv?"+query)
		_, want, _ := st.Changes(context.Background(), eventFilterOf(t, query))
		if len(got)-2 != want {
			t.Errorf("?%s: %d rows, want %d", query, len(got)-2, want)
		}
		for _, r := range got[2:] {
			m := map[string]string{}
			for i, h := range got[0] {
				m[h] = r[i]
			}
			if !check(m) {
				t.Errorf("?%s: row %v", query, r)
			}
		}
	}
}

// eventFilterOf parses an events export query as the handler does.
func eventFilterOf(t *testing.T, raw string) store.ChangeFilter {
	t.Helper()
	q, qe := query.Parse(raw, api.EventExportParams)
	if qe != nil {
		t.Fatal(qe)
	}
	f := httpkit.EventSelection(q)
	f.Limit = 1 // ask for the total
	return f
}

func TestExportRecordsCSV(t *testing.T) {
	srv, _ := newTestServer(t)
	rows := getCSV(t, srv, "/export/records.csv?status=expelled&status=banned&region=africa")
	for i, c := range dataset.RecordColumns {
		if rows[0][i] != c.Name || rows[1][i] != c.HXL {
			t.Errorf("column %d: %s %s", i, rows[0][i], rows[1][i])
		}
	}
	if len(rows) < 4 {
		t.Fatalf("%d rows", len(rows))
	}
	statuses, flagged := column(t, rows, "status"), column(t, rows, "flagged")
	for i, s := range statuses {
		if (s != "expelled" && s != "banned") || flagged[i] != "true" {
			t.Errorf("row %d: %s flagged=%s", i, s, flagged[i])
		}
	}
	found := false
	for i, slug := range column(t, rows, "org_slug") {
		if slug == "icrc" {
			found = true
			if column(t, rows, "people_lost")[i] != "2000000" || !strings.HasPrefix(column(t, rows, "source_url")[i], "https://") {
				t.Errorf("ICRC row: %v", rows[i+2])
			}
		}
	}
	if !found {
		t.Error("no ICRC row")
	}
}

func TestExportRejectsBadFiltersAsProblems(t *testing.T) {
	srv, _ := newTestServer(t)
	for target, param := range map[string]string{
		"/export/events.csv?limit=10":         "limit",
		"/export/events.csv?flagged=yes":      "flagged",
		"/export/records.csv?since=2025":      "since",
		"/export/records.csv?country=XXX":     "country",
		"/export/records.csv?status=evicted":  "status",
		"/export/events.csv?until=2025-13-01": "until",
	} {
		rec := get(t, srv, target)
		if rec.Code != http.StatusBadRequest || rec.Header().Get("Content-Type") != "application/problem+json" ||
			rec.Header().Get("Content-Disposition") != "" || !strings.Contains(rec.Body.String(), `"parameter":"`+param+`"`) {
			t.Errorf("%s: %d %v %s", target, rec.Code, rec.Header(), rec.Body.String())
		}
	}
	first := get(t, srv, "/export/records.csv")
	req := httptest.NewRequest(http.MethodGet, "/export/records.csv", nil)
	req.Header.Set("If-None-Match", first.Header().Get("ETag"))
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	if rec.Code != http.StatusNotModified {
		t.Errorf("revalidation: %d", rec.Code)
	}
}
