package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/accesswatch/accesswatch/internal/e2e"
)

// TestBrowserFollowsTheICRCRowToItsTimeline drives a real Chromium: the
// overview loads with its stylesheet under the strict CSP and draws the
// world map, the ICRC row leads to the record page and its timeline, and a
// filter form works as a plain GET form. It leaves a full-page screenshot
// of the overview, map included, in e2e.ArtifactDir (artifacts/overview.png).
func TestBrowserFollowsTheICRCRowToItsTimeline(t *testing.T) {
	ctx := e2e.Browser(t, 90*time.Second)
	srv, _ := newTestServer(t)
	ts := httptest.NewServer(srv)
	defer ts.Close()

	if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/"), chromedp.WaitVisible(`#flagged`), chromedp.WaitVisible(`#overview-map svg`)); err != nil {
		t.Fatal(err)
	}
	// The stylesheet applies (a blocked one would leave the badge unfilled),
	// and the map is drawn: Niger filled in the expelled colour, at a size
	// one can see and click.
	bg, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector('#flagged .badge--flagged')).backgroundColor`))
	if err != nil {
		t.Fatal(err)
	}
	if bg == "" || bg == "rgba(0, 0, 0, 0)" || bg == "transparent" {
		t.Errorf("flagged badge background %q: the stylesheet did not apply", bg)
	}
	type shape struct {
		Fill, Legend  string
		Width, Height float64
	}
	niger, err := chromedp.Run(ctx, chromedp.Evaluate[shape](`(() => {
		const p = document.querySelector('#overview-map a[href="/countries/NER"] path');
		const b = p.getBoundingClientRect();
		const swatch = document.querySelector('#overview-map .map-legend .map--expelled');
		return {Fill: getComputedStyle(p).fill, Legend: getComputedStyle(swatch).backgroundColor, Width: b.width, Height: b.height};
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if niger.Fill == "none" || niger.Fill != niger.Legend || niger.Width < 5 || niger.Height < 5 {
		t.Errorf("Niger on the map: %+v, want filled as the legend's expelled swatch, at least 5 × 5 px", niger)
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

	// Filters are a plain GET form behind a "Filter" disclosure: opening
	// it, ticking "flagged only" and applying gives a shareable address.
	if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/countries"), chromedp.Click(`details.filter-box > summary`),
		chromedp.Click(`form.filters input[name="flagged"]`),
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

// TestBrowserOverviewWorksWithoutJavaScript loads the overview in Chromium
// with JavaScript switched off (DevTools' Emulation.setScriptExecutionDisabled):
// the map, its table and the links work as plain HTML, and the ICRC row
// still leads to its timeline. A probe page with an inline script shows
// that scripts really are off.
func TestBrowserOverviewWorksWithoutJavaScript(t *testing.T) {
	ctx := e2e.Browser(t, 90*time.Second)
	srv, _ := newTestServer(t)
	ts := httptest.NewServer(srv)
	defer ts.Close()
	probe := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(`<!DOCTYPE html><title>t</title><p id="p">script off</p><script>document.getElementById("p").textContent = "script ran"</script>`))
	}))
	defer probe.Close()

	noScript := chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	})
	if err := chromedp.Do(ctx, noScript, chromedp.Navigate(probe.URL)); err != nil {
		t.Fatal(err)
	}
	if got, err := chromedp.Run(ctx, chromedp.Text(`#p`)); err != nil || got != "script off" {
		t.Fatalf("the probe page says %q (%v): JavaScript is not off", got, err)
	}

	// The map's table opens (a native <details>) and links like the map.
	if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/"), chromedp.WaitVisible(`#overview-map svg`),
		chromedp.Click(`#overview-map details.map-table summary`),
		chromedp.WaitVisible(`#overview-map details.map-table table a[href="/countries/NER"]`)); err != nil {
		t.Fatal(err)
	}
	// Niger on the map is a link to its page.
	if err := chromedp.Do(ctx, chromedp.Click(`#overview-map svg a[href="/countries/NER"] path`),
		chromedp.WaitVisible(`#country-figures`)); err != nil {
		t.Fatal(err)
	}
	if loc, err := chromedp.Run(ctx, chromedp.Location()); err != nil || loc != ts.URL+"/countries/NER" {
		t.Errorf("clicking Niger on the map led to %s (%v)", loc, err)
	}
	// The ICRC row leads to its timeline.
	if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/"), chromedp.WaitVisible(`#flagged`),
		chromedp.Click(`#flagged tr[data-record="NER/icrc"] th a`), chromedp.WaitVisible(`[data-timeline="timeline"]`)); err != nil {
		t.Fatal(err)
	}
	if loc, err := chromedp.Run(ctx, chromedp.Location()); err != nil || loc != ts.URL+"/countries/NER/orgs/icrc" {
		t.Errorf("followed the ICRC row to %s (%v)", loc, err)
	}
	if timeline, err := chromedp.Run(ctx, chromedp.Text(`[data-timeline="timeline"]`)); err != nil || !strings.Contains(timeline, "Offices closed") {
		t.Errorf("timeline without JavaScript: %q (%v)", timeline, err)
	}
}

// TestBrowserShowsPalestineClassMeasures opens /countries/PSE in Chromium:
// the class measures in force are counted and listed among the flagged
// items, in the alert style. It leaves a full-page screenshot in
// e2e.ArtifactDir (artifacts/country-pse.png).
func TestBrowserShowsPalestineClassMeasures(t *testing.T) {
	ctx := e2e.Browser(t, 90*time.Second)
	srv, _ := newTestServer(t)
	ts := httptest.NewServer(srv)
	defer ts.Close()
	if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/countries/PSE"), chromedp.WaitVisible(`[data-figure="class-measures"]`)); err != nil {
		t.Fatal(err)
	}
	listed, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('[data-figure="class-measures"] [data-class-measure]').length`))
	if err != nil {
		t.Fatal(err)
	}
	if listed == 0 {
		t.Error("no class measure listed on /countries/PSE")
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	shot := filepath.Join(e2e.ArtifactDir(t), "country-pse.png")
	if err := os.WriteFile(shot, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("country screenshot: %s", shot)
}
