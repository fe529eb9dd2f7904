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
	"github.com/accesswatch/accesswatch/internal/storetest"
)

// TestBrowserFrenchEditor logs in from the French login page, so that the
// account remembers French; records an event with a French description
// through the French form (whose text language defaults to French); and
// finds the description on the English record page marked lang="fr".
// Screenshots of the French event form and overview go to artifacts/.
func TestBrowserFrenchEditor(t *testing.T) {
	st, clock := storetest.OpenSeeded(t)
	f := newAdminFixtureOver(t, st, clock, Options{})
	ts := httptest.NewServer(f.srv)
	defer ts.Close()
	ctx := e2e.Browser(t, 90*time.Second)
	dir := e2e.ArtifactDir(t)

	err := chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/admin/login?lang=fr"),
		chromedp.WaitVisible(chromedp.CSS(`#f-username`)),
		chromedp.SendKeys(chromedp.CSS(`#f-username`), "ed"),
		chromedp.SendKeys(chromedp.CSS(`#f-password`), testPassword),
		chromedp.Click(chromedp.CSS(`form[action="/admin/login?lang=fr"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`body[data-admin-user] #records`)),
	)
	if err != nil {
		t.Fatalf("log in: %v", err)
	}
	// the form, opened without ?lang=, is French: the account remembers it
	const description = "Le CICR a confirmé la fermeture de sa délégation à Niamey."
	err = chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/admin/countries/NER/orgs/icrc/events/new"),
		chromedp.WaitVisible(chromedp.CSS(`#f-text_lang`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	lang, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(`html`), "lang"))
	if err != nil || lang.Value != "fr" {
		t.Fatalf("event form: <html lang=%q> %v", lang.Value, err)
	}
	textLang, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(`#f-text_lang`)))
	if err != nil || textLang != "fr" {
		t.Errorf("text language defaults to %q, want fr (%v)", textLang, err)
	}
	err = chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS(`#f-event_type`), "organisation_statement"),
		chromedp.SetValue(chromedp.CSS(`#f-status`), "unchanged"),
		chromedp.SetValue(chromedp.CSS(`#f-date`), "2026-02-20"),
		chromedp.SendKeys(chromedp.CSS(`#f-description`), description),
		chromedp.SendKeys(chromedp.CSS(`#f-source_url`), "https://example.org/fr/cicr-niamey"),
		chromedp.SendKeys(chromedp.CSS(`#f-source_publisher`), "Exemple Info"),
		chromedp.SetValue(chromedp.CSS(`#f-source_type`), "news"),
	)
	if err != nil {
		t.Fatal(err)
	}
	if png, err := chromedp.Run(ctx, chromedp.FullScreenshot(90)); err == nil {
		_ = os.WriteFile(filepath.Join(dir, "event-form-fr.png"), png, 0o644)
	}
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#submit-event`)),
		chromedp.WaitVisible(chromedp.CSS(`.notice`)),
	)
	if err != nil {
		page, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`main`)))
		t.Fatalf("submit: %v\n%s", err, page)
	}
	if notice, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`.notice`))); !strings.Contains(notice, "Événement enregistré") {
		t.Errorf("notice %q", notice)
	}

	// the English record page marks the French text
	err = chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/countries/NER/orgs/icrc?lang=en"), chromedp.WaitVisible(chromedp.CSS(`main`)))
	if err != nil {
		t.Fatal(err)
	}
	if lang, _ := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(`html`), "lang")); lang.Value != "en" {
		t.Errorf("record page <html lang=%q>, want en", lang.Value)
	}
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`p.description[lang="fr"]`)))
	if err != nil || text != description {
		t.Errorf("French description on the English page: %q %v", text, err)
	}

	err = chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/?lang=fr"), chromedp.WaitVisible(chromedp.CSS(`#figures`)))
	if err != nil {
		t.Fatal(err)
	}
	if png, err := chromedp.Run(ctx, chromedp.FullScreenshot(90)); err == nil {
		_ = os.WriteFile(filepath.Join(dir, "overview-fr.png"), png, 0o644)
	}
}
