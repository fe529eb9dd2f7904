package web

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/store"
	"github.com/accesswatch/accesswatch/internal/storetest"
)

func TestOverviewShowsFlaggedCasesWithDatesAndSources(t *testing.T) {
	srv, _ := newTestServer(t)
	rec := get(t, srv, "/")
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d", rec.Code)
	}
	doc := parse(t, rec)
	icrc := doc.Find(`#flagged tr[data-record="NER/icrc"]`)
	if icrc.Length() != 1 {
		t.Fatal("ICRC/Niger is not in the flagged table")
	}
	text := strings.Join(strings.Fields(icrc.Text()), " ")
	for _, want := range []string{"ICRC", "Niger", "Expelled", "5 Jun 2025", "2,000,000", "in total since arrival", "AP, via Bastille Post"} {
		if !strings.Contains(text, want) {
			t.Errorf("ICRC row lacks %q: %s", want, text)
		}
	}
	if href, _ := icrc.Find(`a[rel~="external"]`).Attr("href"); !strings.HasPrefix(href, "https://www.bastillepost.com/") {
		t.Errorf("source link = %q", href)
	}
	if icrc.Find(".badge--expelled.badge--flagged").Length() != 1 {
		t.Error("no flagged expelled badge")
	}
	acted := doc.Find(`#flagged tr[data-record="NER/acted"]`)
	if !strings.Contains(acted.Text(), "Banned") || !strings.Contains(acted.Text(), "12 Nov 2024") || !strings.Contains(acted.Text(), "AP, via KVIA") {
		t.Errorf("Acted row: %s", acted.Text())
	}
	// Self-suspensions are not flagged; they are listed by country, due for review.
	if doc.Find(`#flagged tr[data-record="AFG/nrc"]`).Length() != 0 {
		t.Error("NRC's own suspension in Afghanistan is flagged")
	}
	nrc := doc.Find(`.country-group tr[data-record="AFG/nrc"]`)
	if nrc.Length() != 1 || !strings.Contains(nrc.Text(), "Due for review") {
		t.Errorf("NRC/AFG among other records: %q", nrc.Text())
	}
	// Flagged rows come in severity order: every expelled before any banned.
	var statuses []string
	doc.Find("#flagged tbody tr .badge").Each(func(_ int, s *goquery.Selection) { statuses = append(statuses, s.Text()) })
	lastExpelled, firstBanned := -1, len(statuses)
	for i, s := range statuses {
		if s == "Expelled" {
			lastExpelled = i
		}
		if s == "Banned" && i < firstBanned {
			firstBanned = i
		}
	}
	if lastExpelled > firstBanned {
		t.Errorf("order: %v", statuses)
	}
}

func TestOverviewEscapesStoredText(t *testing.T) {
	st, _ := newStoreWithHostileOrg(t)
	srv := newServerFor(t, st)
	body := get(t, srv, "/").Body.String()
	if strings.Contains(body, "<script>alert") {
		t.Error("an organisation name was rendered as markup")
	}
	if !strings.Contains(body, "&lt;script&gt;alert") {
		t.Error("the hostile name is not shown escaped")
	}
}

func TestOverviewEmptyDatabase(t *testing.T) {
	st := emptyStore(t)
	rec := get(t, newServerFor(t, st), "/")
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "No organisation is flagged") {
		t.Errorf("status %d", rec.Code)
	}
}

// failingStore is a working store whose named methods fail, as a broken
// database would: with an error, not a panic. The page cache's Generation
// and Now keep working, so a request reaches the handler's error path.
type failingStore struct {
	Store
	failing map[string]bool // method names; nil: every method below fails
}

func (f failingStore) fails(method string) error {
	if f.failing == nil || f.failing[method] {
		return errDisk
	}
	return nil
}

func (f failingStore) Headline(ctx context.Context, since access.Date) (access.Headline, error) {
	if err := f.fails("Headline"); err != nil {
		return access.Headline{}, err
	}
	return f.Store.Headline(ctx, since)
}

func (f failingStore) Records(ctx context.Context, rf store.RecordFilter) ([]access.RecordView, int, error) {
	if err := f.fails("Records"); err != nil {
		return nil, 0, err
	}
	return f.Store.Records(ctx, rf)
}

func (f failingStore) Sources(ctx context.Context, ids []int64) (map[int64][]access.Source, error) {
	if err := f.fails("Sources"); err != nil {
		return nil, err
	}
	return f.Store.Sources(ctx, ids)
}

func (f failingStore) CountrySummaries(ctx context.Context, cf store.CountryFilter) ([]access.CountrySummary, int, error) {
	if err := f.fails("CountrySummaries"); err != nil {
		return nil, 0, err
	}
	return f.Store.CountrySummaries(ctx, cf)
}

func (f failingStore) Changes(ctx context.Context, cf store.ChangeFilter) ([]access.EventView, int, error) {
	if err := f.fails("Changes"); err != nil {
		return nil, 0, err
	}
	return f.Store.Changes(ctx, cf)
}

func (f failingStore) UnflaggedRecords(ctx context.Context, limit int) ([]access.RecordView, int, error) {
	if err := f.fails("UnflaggedRecords"); err != nil {
		return nil, 0, err
	}
	return f.Store.UnflaggedRecords(ctx, limit)
}

func (f failingStore) TrendEvents(ctx context.Context, country string) ([]access.Event, error) {
	if err := f.fails("TrendEvents"); err != nil {
		return nil, err
	}
	return f.Store.TrendEvents(ctx, country)
}

func (f failingStore) Ping(ctx context.Context) error {
	if err := f.fails("Ping"); err != nil {
		return err
	}
	return f.Store.Ping(ctx)
}

// overviewQueries are the store methods the overview reads; each one's
// failure must end in the generic 500.
var overviewQueries = []string{"Headline", "Records", "Sources", "CountrySummaries", "Changes", "UnflaggedRecords", "TrendEvents"}

// TestStoreFailureIsAGeneric500 fails each query of the overview in turn:
// the answer is a generic 500 that leaks nothing, reached through the
// handler's error path (logged as a failed request, not recovered from a
// panic).
func TestStoreFailureIsAGeneric500(t *testing.T) {
	st, _ := storetest.OpenSeeded(t)
	for _, method := range overviewQueries {
		t.Run(method, func(t *testing.T) {
			var log bytes.Buffer
			srv := newServerLogging(t, failingStore{Store: st, failing: map[string]bool{method: true}}, &log)
			rec := get(t, srv, "/")
			if rec.Code != http.StatusInternalServerError {
				t.Fatalf("status %d", rec.Code)
			}
			if strings.Contains(rec.Body.String(), "secret") {
				t.Error("internal error details leaked into the page")
			}
			if !strings.Contains(log.String(), "request failed") || !strings.Contains(log.String(), errDisk.Error()) ||
				strings.Contains(log.String(), "panic") {
				t.Errorf("not the error path:\n%s", log.String())
			}
		})
	}
	srv := newServerFor(t, failingStore{Store: st})
	if rec := get(t, srv, "/readyz"); rec.Code != http.StatusServiceUnavailable {
		t.Errorf("/readyz with a dead database: %d", rec.Code)
	}
	if rec := get(t, srv, "/healthz"); rec.Code != http.StatusOK {
		t.Errorf("/healthz must not depend on the database: %d", rec.Code)
	}
}
