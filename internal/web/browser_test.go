package web

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/accesswatch/accesswatch/internal/e2e"
)

// TestBrowserFollowsTheICRCRowToItsTimeline drives a real Chromium: the
// overview loads with its stylesheet under the strict CSP, the ICRC row
// leads to the record page and its timeline, and a filter form works as a
// plain GET form. It leaves a full-page screenshot of the overview in
// e2e.ArtifactDir (artifacts/overview.png).
func TestBrowserFollowsTheICRCRowToItsTimeline(t *testing.T) {
	ctx := e2e.Browser(t, 90*time.Second)
	srv, _ := newTestServer(t)
	ts := httptest.NewServer(srv)
	defer ts.Close()

	if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/"), chromedp.WaitVisible(`#flagged`)); err != nil {
		t.Fatal(err)
	}
	// The stylesheet applies (a blocked one would leave the badge unfilled).
	bg, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector('#flagged .badge--flagged')).backgroundColor`))
	if err != nil {
		t.Fatal(err)
	}
	if bg == "" || bg == "rgba(0, 0, 0, 0)" || bg == "transparent" {
		t.Errorf("flagged badge background %q: the stylesheet did not apply", bg)
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	shot := filepath.Join(e2e.ArtifactDir(t), "overview.png")
	if err := os.WriteFile(shot, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("overview screenshot: %s", shot)

	if err := chromedp.Do(ctx, chromedp.Click(`#flagged tr[data-record="NER/icrc"] th a`), chromedp.WaitVisible(`[data-timeline="timeline"]`)); err != nil {
		t.Fatal(err)
	}
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	if loc != ts.URL+"/countries/NER/orgs/icrc" {
		t.Errorf("followed the ICRC row to %s", loc)
	}
	timeline, err := chromedp.Run(ctx, chromedp.Text(`[data-timeline="timeline"]`))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"31 Jan 2025", "Order to leave issued", "5 Jun 2025", "Offices closed", "AP, via Bastille Post"} {
		if !strings.Contains(timeline, want) {
			t.Errorf("timeline lacks %q", want)
		}
	}

	// Filters are a plain GET form: ticking "flagged only" and applying
	// gives a shareable address.
	if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/countries"), chromedp.Click(`form.filters input[name="flagged"]`),
		chromedp.Click(`form.filters button[type="submit"]`), chromedp.WaitVisible(`form.filters .filter-actions a`)); err != nil {
		t.Fatal(err)
	}
	if loc, err = chromedp.Run(ctx, chromedp.Location()); err != nil || !strings.Contains(loc, "flagged=1") {
		t.Errorf("after applying the filter: %s (%v)", loc, err)
	}
	rows, err := chromedp.Run(ctx, chromedp.Text(`#countries tbody`))
	if err != nil || strings.Contains(rows, "Mali") || !strings.Contains(rows, "Niger") {
		t.Errorf("flagged countries: %q (%v)", rows, err)
	}
}
