package e2e

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserRendersALocalPage proves the browser helper works on this
// machine: Chromium starts headless, loads a loopback page and reads it.
func TestBrowserRendersALocalPage(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte(`<!doctype html><title>t</title><h1 id="x">hello from accesswatch</h1>`))
	}))
	defer srv.Close()
	ctx := Browser(t, 60*time.Second)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL)); err != nil {
		t.Fatal(err)
	}
	text, err := chromedp.Run(ctx, chromedp.Text("#x"))
	if err != nil {
		t.Fatal(err)
	}
	if text != "hello from accesswatch" {
		t.Errorf("read %q", text)
	}
}
