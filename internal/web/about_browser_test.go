package web

import (
	"context"
	"fmt"
	"math"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/e2e"
)

// TestBrowserAboutAndDataOnPhones loads /about and /data in Chromium at
// 320 and 390 CSS px: nothing may be wider than the viewport (long API
// paths, HXL tags and curl lines wrap or scroll inside their own box).
// Then, with prefers-color-scheme: dark, it reads the colours the browser
// actually gives the status badges on /about and checks that the reds
// darken as severity grows, in both themes. Screenshots of both pages at
// 320 px and of /about in dark go to artifacts/.
func TestBrowserAboutAndDataOnPhones(t *testing.T) {
	ctx := e2e.Browser(t, 120*time.Second)
	srv, _ := newTestServer(t)
	ts := httptest.NewServer(srv)
	defer ts.Close()
	shoot := func(name string) {
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(90))
		if err != nil {
			t.Errorf("screenshot %s: %v", name, err)
			return
		}
		if err := os.WriteFile(filepath.Join(e2e.ArtifactDir(t), name), png, 0o644); err != nil {
			t.Error(err)
		}
	}
	for _, width := range []int64{320, 390} {
		for _, path := range []string{"/about", "/data"} {
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 800), chromedp.Navigate(ts.URL+path), chromedp.WaitVisible(`main h1`)); err != nil {
				t.Fatal(err)
			}
			over, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`document.documentElement.scrollWidth - document.documentElement.clientWidth`))
			if err != nil {
				t.Fatal(err)
			}
			if over > 0 {
				wide, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => { const w = document.documentElement.clientWidth;
					const e = [...document.querySelectorAll("main *")].find(e => e.getBoundingClientRect().right > w + 0.5);
					return e ? e.tagName + "." + e.className + ": " + e.textContent.slice(0, 60) : "" })()`))
				t.Errorf("%s at %d px overflows by %g px (%s)", path, width, over, wide)
			}
			if width == 320 {
				shoot(fmt.Sprintf("i16%s-320.png", filepath.Base(path)))
			}
		}
	}
	flaggable := []access.Status{}
	for _, s := range access.Statuses {
		if s.Flagged(access.InitiatedByAuthority) {
			flaggable = append(flaggable, s)
		}
	}
	for _, scheme := range []string{"light", "dark"} {
		media := chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
				Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}})
			return err
		})
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(1000, 800), media, chromedp.Navigate(ts.URL+"/about"), chromedp.WaitVisible(`main h1`)); err != nil {
			t.Fatal(err)
		}
		prev := math.Inf(1)
		for _, s := range flaggable {
			// Text colour of the outlined badge (the filled one reuses it as background).
			js := `(() => { const e = document.createElement("span"); e.className = "badge badge--` + string(s) + `";
				document.querySelector("main").append(e); const c = getComputedStyle(e).color; e.remove(); return c })()`
			c, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
			if err != nil {
				t.Fatal(err)
			}
			var r, g, b float64
			if _, err := fmt.Sscanf(c, "rgb(%g, %g, %g)", &r, &g, &b); err != nil {
				t.Fatalf("%s: colour %q: %v", s, c, err)
			}
			l := cieL(r/255, g/255, b/255)
			if l >= prev {
				t.Errorf("%s theme: %s (%s, L* %.1f) is not darker than the status before it (L* %.1f)", scheme, s, c, l, prev)
			}
			prev = l
		}
		if scheme == "dark" {
			shoot("i16about-dark.png")
		}
	}
}

// cieL is the CIE L* of an sRGB colour with channels in [0, 1].
func cieL(r, g, b float64) float64 {
	lin := func(c float64) float64 {
		if c <= 0.04045 {
			return c / 12.92
		}
		return math.Pow((c+0.055)/1.055, 2.4)
	}
	y := 0.2126729*lin(r) + 0.7151522*lin(g) + 0.0721750*lin(b)
	if y > 216.0/24389.0 {
		return 116*math.Cbrt(y) - 16
	}
	return y * 24389.0 / 27.0
}
