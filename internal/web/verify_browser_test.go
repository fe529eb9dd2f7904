package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/accesswatch/accesswatch/internal/e2e"
	"github.com/accesswatch/accesswatch/internal/metrics"
	"github.com/accesswatch/accesswatch/internal/store"
	"github.com/accesswatch/accesswatch/internal/storetest"
)

// httpBody GETs a public URL and returns its body.
func httpBody(t *testing.T, u string) string {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %v", u, resp.StatusCode, err)
	}
	return string(b)
}

// screenshot writes a full-page screenshot to artifacts/name.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // quality 100: PNG (below it, JPEG)
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(e2e.ArtifactDir(t), name), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestBrowserSecondEditorVerifiesThreeSourceEvent: under
// --require-verification, editor Ed records through the real form (using
// "Add another source" twice, without JavaScript's help) that Niger let
// Acted resume, with three sources. The event is on no public output;
// Ed cannot verify it; Bea finds it in her queue on /admin/ and verifies
// it; then it is everywhere, with its three sources.
func TestBrowserSecondEditorVerifiesThreeSourceEvent(t *testing.T) {
	st, clock := storetest.OpenSeededWith(t, store.Options{Verification: store.RequireVerification})
	exp, err := metrics.New(st, metrics.Options{PerRecord: true})
	if err != nil {
		t.Fatal(err)
	}
	f := newAdminFixtureOver(t, st, clock, Options{Metrics: exp.Handler()})
	f.addUser("bea", "editor")
	ts := httptest.NewServer(exp.Instrument(f.srv))
	defer ts.Close()
	ctx := e2e.Browser(t, 120*time.Second)

	const (
		second = "Acted Second Source"
		third  = "Third source: call with the country office"
		desc   = "Niger's authorities let Acted resume its operations."
	)
	browserLogin(t, ctx, ts.URL, "ed", testPassword)
	err = chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/admin/countries/NER/orgs/acted/events/new"),
		chromedp.WaitVisible(chromedp.CSS(`#f-event_type`)),
		chromedp.SetValue(chromedp.CSS(`#f-event_type`), "resumption_authorised"),
		chromedp.SetValue(chromedp.CSS(`#f-status`), "operating"),
		chromedp.SetValue(chromedp.CSS(`#f-date`), "2026-02-20"),
		chromedp.SetValue(chromedp.CSS(`#f-initiated_by`), "authority"),
		chromedp.SendKeys(chromedp.CSS(`#f-description`), desc),
		chromedp.SendKeys(chromedp.CSS(`#f-source_url`), "https://example.org/news/niger-acted-resumes"),
		chromedp.SendKeys(chromedp.CSS(`#f-source_publisher`), "Example News"),
		chromedp.SetValue(chromedp.CSS(`#f-source_type`), "news"),
		chromedp.SendKeys(chromedp.CSS(`#f-note`), "Asked the country office to confirm the date."),
		chromedp.Click(chromedp.CSS(`button[name="add_source"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#f-source_url_2`)),
		chromedp.SendKeys(chromedp.CSS(`#f-source_url_2`), "https://example.org/acted-statement"),
		chromedp.SendKeys(chromedp.CSS(`#f-source_publisher_2`), second),
		chromedp.SendKeys(chromedp.CSS(`#f-source_archived_url_2`), "https://web.archive.org/web/2026/https://example.org/acted-statement"),
		chromedp.Click(chromedp.CSS(`button[name="add_source"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#f-source_url_3`)),
		chromedp.Click(chromedp.CSS(`#f-internal_report_3`)),
		chromedp.SendKeys(chromedp.CSS(`#f-source_title_3`), third),
	)
	if err != nil {
		t.Fatalf("fill the form: %v", err)
	}
	// Everything typed before the two "Add another source" survived them.
	kept, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[document.querySelector('#f-description').value,
		document.querySelector('#f-source_publisher').value, document.querySelector('#f-note').value,
		document.querySelector('#f-event_type').value, document.querySelector('#f-source_publisher_2').value]`))
	if err != nil || strings.Join(kept, "|") != desc+"|Example News|Asked the country office to confirm the date.|resumption_authorised|"+second {
		t.Errorf("after adding source rows the form holds %q (%v)", kept, err)
	}
	button, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#submit-event`)))
	if err != nil || button != "Submit for verification" {
		t.Errorf("the primary button says %q (%v)", button, err)
	}
	screenshot(t, ctx, "admin-event-form-timeline.png")
	err = chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#submit-event`)), chromedp.WaitVisible(chromedp.CSS(`.notice`)))
	if err != nil {
		t.Fatalf("submit: %v", err)
	}
	if notice, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`.notice`))); !strings.Contains(notice, "submitted for verification") {
		t.Errorf("after submitting: %q", notice)
	}

	// Absent from every public output.
	public := []string{"/countries/NER/orgs/acted", "/changes", "/changes.atom", "/api/v1/events?country=NER&org=acted",
		"/api/v1/countries/NER/orgs/acted", "/export/events.csv", "/metrics"}
	for _, p := range public {
		if body := httpBody(t, ts.URL+p); strings.Contains(body, second) || strings.Contains(body, desc) {
			t.Errorf("the unverified event shows on %s", p)
		}
	}
	if m := httpBody(t, ts.URL+"/metrics"); !strings.Contains(m, `accesswatch_presence_status{country="NER",org="acted",status="banned"} 1`) {
		t.Error("/metrics does not show Acted still banned while the event awaits verification")
	}

	// Ed could not verify it: no Verify button for him, and a POST is refused.
	evs, _, err := st.Events(context.Background(), store.EventFilter{Country: "NER", Org: "acted", IncludePrivate: true, Limit: 1})
	if err != nil || len(evs) != 1 || len(evs[0].Sources) != 3 {
		t.Fatalf("the recorded event: %+v %v", evs, err)
	}
	id := evs[0].ID
	err = chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/admin/countries/NER/orgs/acted/events/new"),
		chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`#event-%d .own-entry`, id))))
	if err != nil {
		t.Errorf("Ed's timeline does not say another editor must verify: %v", err)
	}
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](fmt.Sprintf(`document.querySelectorAll('button[data-verify="%d"]').length`, id)))
	if err != nil || n != 0 {
		t.Errorf("Ed is offered %d Verify buttons for his own entry (%v)", n, err)
	}
	status, err := chromedp.Run(ctx, chromedp.Evaluate[int](fmt.Sprintf(`fetch('/admin/events/%d/verify', {method: 'POST',
		headers: {'Content-Type': 'application/x-www-form-urlencoded'}, body: ''}).then(r => r.status)`, id), chromedp.EvalAwaitPromise))
	if err != nil || status != http.StatusForbidden {
		t.Errorf("Ed verifying his own entry: %d (%v)", status, err)
	}

	// Bea finds it in her queue and verifies it.
	err = chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`form.logout button`)), chromedp.WaitVisible(chromedp.CSS(`#f-username`)))
	if err != nil {
		t.Fatalf("log out: %v", err)
	}
	browserLogin(t, ctx, ts.URL, "bea", testPassword)
	verify := fmt.Sprintf(`#awaiting button[data-verify="%d"]`, id)
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(verify))); err != nil {
		t.Fatalf("the event is not in Bea's queue: %v", err)
	}
	count, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`a[data-queue-count="awaiting"] .count`)))
	if err != nil || count != "1" {
		t.Errorf("the navigation counts %q events to verify (%v)", count, err)
	}
	screenshot(t, ctx, "admin-home-queues.png")
	err = chromedp.Do(ctx, chromedp.Click(chromedp.CSS(verify)), chromedp.WaitVisible(chromedp.CSS(`.notice`)))
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	if state, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(fmt.Sprintf(`#event-%d .verification-state`, id)))); !strings.Contains(state, "Verified") || !strings.Contains(state, "bea") {
		t.Errorf("after verifying, the timeline says %q", state)
	}

	// Everywhere now, with its three sources.
	if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/countries/NER/orgs/acted")); err != nil {
		t.Fatal(err)
	}
	last, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`[data-timeline="timeline"] > li:last-child`)))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{desc, "Example News", second, third, "archived copy"} {
		if !strings.Contains(last, want) {
			t.Errorf("the record page's latest event lacks %q: %q", want, last)
		}
	}
	for _, p := range []string{"/changes", "/changes.atom", "/export/events.csv"} {
		if body := httpBody(t, ts.URL+p); !strings.Contains(body, second) {
			t.Errorf("the verified event's second source is not on %s", p)
		}
	}
	var api struct {
		Items []struct {
			Description  string `json:"description"`
			Verification string `json:"verification"`
			Sources      []struct {
				Publisher   *string `json:"publisher"`
				ArchivedURL *string `json:"archived_url"`
			} `json:"sources"`
		} `json:"items"`
	}
	apiBody := httpBody(t, ts.URL+"/api/v1/events?country=NER&org=acted&limit=100")
	if err := json.Unmarshal([]byte(apiBody), &api); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range api.Items {
		if e.Description == desc {
			found = true
			if len(e.Sources) != 3 || e.Verification != "verified" || e.Sources[1].ArchivedURL == nil {
				t.Errorf("the API's event: %+v", e)
			}
		}
	}
	if !found {
		t.Errorf("the verified event is not in the API's events: %s", apiBody[len(apiBody)-1500:])
	}
	if m := httpBody(t, ts.URL+"/metrics"); !strings.Contains(m, `accesswatch_presence_status{country="NER",org="acted",status="operating"} 1`) {
		t.Error("/metrics does not show Acted operating once the event is verified")
	}
	if note := httpBody(t, ts.URL+"/countries/NER/orgs/acted"); strings.Contains(note, "Asked the country office") {
		t.Error("the private note is on the public record page")
	}
}
