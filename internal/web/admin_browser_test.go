package web

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/accesswatch/accesswatch/internal/e2e"
	"github.com/accesswatch/accesswatch/internal/metrics"
	"github.com/accesswatch/accesswatch/internal/storetest"
)

// browserCheck is one thing a reader should see after the change, checked
// in the same browser. Other pages (the public record page, /metrics) add
// their checks to afterLiftingActedBan.
type browserCheck struct {
	name  string
	check func(t *testing.T, ctx context.Context, base string)
}

// afterLiftingActedBan is what must be true once an editor has recorded
// that Niger lifted Acted's ban.
var afterLiftingActedBan = []browserCheck{
	{"overview shows Acted operating in Niger", func(t *testing.T, ctx context.Context, base string) {
		if err := chromedp.Do(ctx, chromedp.Navigate(base+"/")); err != nil {
			t.Fatal(err)
		}
		row, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`tr[data-record="NER/acted"]`)))
		if err != nil {
			t.Fatal(err)
		}
		// innerText follows the badge's text-transform: compare without case.
		if row = strings.ToLower(row); !strings.Contains(row, "operating") || strings.Contains(row, "banned") {
			t.Errorf("Acted/Niger row on the overview: %q", row)
		}
		flagged, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#flagged`)))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(flagged, "ACTED") {
			t.Error("Acted is still among the flagged records")
		}
	}},
	{"record page shows Acted operating and the new event", func(t *testing.T, ctx context.Context, base string) {
		if err := chromedp.Do(ctx, chromedp.Navigate(base+"/countries/NER/orgs/acted")); err != nil {
			t.Fatal(err)
		}
		status, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#record-facts dd .badge`)))
		if err != nil {
			t.Fatal(err)
		}
		if status = strings.ToLower(status); status != "operating" {
			t.Errorf("Acted/Niger's status on its record page: %q", status)
		}
		last, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`[data-timeline="timeline"] > li:last-child`)))
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"20 Feb 2026", "Resumption authorised", "Ministry of the Interior",
			"Niger's authorities authorised Acted to resume its operations.", "Example News"} {
			if !strings.Contains(last, want) {
				t.Errorf("the timeline's last event lacks %q: %q", want, last)
			}
		}
	}},
	{"/metrics reports Acted operating", func(t *testing.T, ctx context.Context, base string) {
		if err := chromedp.Do(ctx, chromedp.Navigate(base+"/metrics")); err != nil {
			t.Fatal(err)
		}
		body, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`body`)))
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{
			`accesswatch_presence_status{country="NER",org="acted",status="operating"} 1`,
			`accesswatch_presence_status{country="NER",org="acted",status="banned"} 0`,
		} {
			if !strings.Contains(body, want+"\n") {
				t.Errorf("/metrics lacks %s", want)
			}
		}
	}},
}

// TestBrowserEditorLiftsActedBan logs in with a real browser, records
// through the real form that Niger authorised Acted to resume (banned →
// operating), and checks what the public sees: the overview, the record
// page and /metrics.
func TestBrowserEditorLiftsActedBan(t *testing.T) {
	// The site as `accesswatch serve` wires it (cmd/accesswatch newHandler):
	// the metrics exporter over the same store serves /metrics, and
	// instruments the whole handler.
	st, clock := storetest.OpenSeeded(t)
	exp, err := metrics.New(st, metrics.Options{PerRecord: true})
	if err != nil {
		t.Fatal(err)
	}
	f := newAdminFixtureOver(t, st, clock, Options{Metrics: exp.Handler()})
	ts := httptest.NewServer(exp.Instrument(f.srv))
	defer ts.Close()
	ctx := e2e.Browser(t, 90*time.Second)

	browserLogin(t, ctx, ts.URL, "ed", testPassword)
	browserRecordEvent(t, ctx, ts.URL+"/admin/countries/NER/orgs/acted/events/new", map[string]string{
		"event_type":       "resumption_authorised",
		"status":           "operating",
		"date":             "2026-02-20",
		"initiated_by":     "authority",
		"authority":        "Ministry of the Interior",
		"description":      "Niger's authorities authorised Acted to resume its operations.",
		"source_url":       "https://example.org/news/niger-acted-resumes",
		"source_publisher": "Example News",
		"source_title":     "Niger lets Acted resume",
		"source_type":      "news",
	})
	for _, c := range afterLiftingActedBan {
		t.Run(c.name, func(t *testing.T) { c.check(t, ctx, ts.URL) })
	}
}

// browserLogin fills and submits the login form, and waits for the admin area.
func browserLogin(t *testing.T, ctx context.Context, base, name, password string) {
	t.Helper()
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/admin/"), // redirected to the login page
		chromedp.WaitVisible(chromedp.CSS(`#f-username`)),
		chromedp.SendKeys(chromedp.CSS(`#f-username`), name),
		chromedp.SendKeys(chromedp.CSS(`#f-password`), password),
		chromedp.Click(chromedp.CSS(`form[action="/admin/login"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`body[data-admin-user] #records`)),
	)
	if err != nil {
		t.Fatalf("log in: %v", err)
	}
}

// browserRecordEvent opens an event form, fills it (selects by value, text
// by typing; fields with a default are replaced), submits it and waits for
// the confirmation.
func browserRecordEvent(t *testing.T, ctx context.Context, formURL string, fields map[string]string) {
	t.Helper()
	steps := []chromedp.Action[chromedp.Void]{chromedp.Navigate(formURL), chromedp.WaitVisible(chromedp.CSS(`#f-event_type`))}
	for name, value := range fields {
		sel := chromedp.CSS("#f-" + name)
		switch name {
		case "event_type", "status", "initiated_by", "instrument", "reason_category", "people_basis", "source_type", "date":
			steps = append(steps, chromedp.SetValue(sel, value))
		default:
			steps = append(steps, chromedp.SendKeys(sel, value))
		}
	}
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("fill the form: %v", err)
	}
	if png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)); err == nil {
		_ = os.WriteFile(filepath.Join(e2e.ArtifactDir(t), "admin-event-form.png"), png, 0o644)
	}
	err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#submit-event`)), // the primary button: Publish (or Submit for verification)
		chromedp.WaitVisible(chromedp.CSS(`.notice`)),
	)
	if err != nil {
		problems, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`main`)))
		t.Fatalf("submit the form: %v\n%s", err, problems)
	}
	notice, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`.notice`)))
	if err != nil || !strings.Contains(notice, "Event recorded") {
		t.Fatalf("after submitting: %q %v", notice, err)
	}
}

// TestBrowserFormSurvivesAnExpiredSession: an editor opens the event form,
// fills it, and sends it after the session has ended (idle too long). The
// browser lands on the login page; after logging in it is back on the
// form, every field as typed, and nothing was saved meanwhile.
func TestBrowserFormSurvivesAnExpiredSession(t *testing.T) {
	f := newAdminFixture(t)
	ts := httptest.NewServer(f.srv)
	defer ts.Close()
	ctx := e2e.Browser(t, 90*time.Second)

	browserLogin(t, ctx, ts.URL, "ed", testPassword)
	formURL := ts.URL + "/admin/countries/NER/orgs/acted/events/new"
	selects := map[string]string{"event_type": "resumption_authorised", "status": "operating", "initiated_by": "de_facto_authority",
		"instrument": "ministerial_order", "reason_category": "security", "people_basis": "annual", "source_type": "news"}
	texts := map[string]string{"date": "2026-02-20", "authority": "Ministère de l'Intérieur", "people": "2 000 000",
		"reason": "Sécurité", "description": "Notes typed while reading sources,\nwith a second line.",
		"source_url": "https://example.org/news/niger-acted", "source_publisher": "Example News", "source_title": "Niger lets Acted resume"}
	steps := []chromedp.Action[chromedp.Void]{chromedp.Navigate(formURL), chromedp.WaitVisible(chromedp.CSS(`#f-event_type`))}
	for name, v := range selects {
		steps = append(steps, chromedp.SetValue(chromedp.CSS("#f-"+name), v))
	}
	for name, v := range texts {
		steps = append(steps, chromedp.SendKeys(chromedp.CSS("#f-"+name), v))
	}
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("fill the form: %v", err)
	}
	sum := f.checksum()
	f.clock.Advance(31 * time.Minute) // the session ends while the editor reads
	err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#submit-event`)),
		chromedp.WaitVisible(chromedp.CSS(`#f-username`)),
	)
	if err != nil {
		t.Fatalf("submit after the session ended: %v", err)
	}
	if notice, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`.notice`))); !strings.Contains(notice, "the form you sent is kept") {
		t.Errorf("login page notice %q", notice)
	}
	if f.checksum() != sum {
		t.Fatal("the form was saved without a session")
	}
	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(`#f-username`), "ed"),
		chromedp.SendKeys(chromedp.CSS(`#f-password`), testPassword),
		chromedp.Click(chromedp.CSS(`form[action="/admin/login"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#f-event_type`)),
	)
	if err != nil {
		t.Fatalf("log in again: %v", err)
	}
	if png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)); err == nil {
		_ = os.WriteFile(filepath.Join(e2e.ArtifactDir(t), "admin-form-restored.png"), png, 0o644)
	}
	for name, want := range selects {
		if got, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#f-"+name))); err != nil || got != want {
			t.Errorf("%s after login: %q %v, want %q", name, got, err, want)
		}
	}
	for name, want := range texts {
		if got, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#f-"+name))); err != nil || got != want {
			t.Errorf("%s after login: %q %v, want %q", name, got, err, want)
		}
	}
	// Sent as it came back, it is recorded. The form page itself shows a
	// notice (the form is back), so wait for the admin home's notice
	// rather than for any notice.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#submit-event`))); err != nil {
		t.Fatalf("send again: %v", err)
	}
	var notice string
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if notice, _ = chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`.notice`))); strings.Contains(notice, "Event recorded") {
			break
		}
	}
	if !strings.Contains(notice, "Event recorded") {
		t.Fatalf("sent again: the notice reads %q", notice)
	}
}
