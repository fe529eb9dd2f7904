package web

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/store"
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

// failingStore fails every query, as a broken database would.
type failingStore struct{ Store }

func (failingStore) Records(context.Context, store.RecordFilter) ([]store.RecordView, int, error) {
	return nil, 0, errors.New("disk I/O error: secret path /var/lib/x")
}
func (failingStore) Ping(context.Context) error { return errors.New("down") }
func (failingStore) Sources(context.Context, []int64) (map[int64][]access.Source, error) {
	return nil, errors.New("down")
}

func TestStoreFailureIsAGeneric500(t *testing.T) {
	srv := newServerFor(t, failingStore{})
	rec := get(t, srv, "/")
	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("status %d", rec.Code)
	}
	if strings.Contains(rec.Body.String(), "secret path") {
		t.Error("internal error details leaked into the page")
	}
	if rec := get(t, srv, "/readyz"); rec.Code != http.StatusServiceUnavailable {
		t.Errorf("/readyz with a dead database: %d", rec.Code)
	}
	if rec := get(t, srv, "/healthz"); rec.Code != http.StatusOK {
		t.Errorf("/healthz must not depend on the database: %d", rec.Code)
	}
}
