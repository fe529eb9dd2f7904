package web

import (
	"context"
	"fmt"
	"math"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/e2e"
)

// phonePages are one address of every kind of page, with a name for its
// screenshot.
var phonePages = []struct{ name, path string }{
	{"overview", "/"},
	{"countries", "/countries"}, // the list, with its trend charts
	{"orgs", "/orgs"},
	{"changes", "/changes"},
	{"country", "/countries/NER"},
	{"org", "/orgs/icrc"},
	{"record", "/countries/NER/orgs/icrc"},
	{"map", "/map"},
	{"about", "/about"},
	{"data", "/data"},
	{"login", "/admin/login"},
	{"error", "/countries/XYZ"},
}

// overflowJS lists the elements whose box reaches past the viewport's
// right (or left) edge and that no scrolling box of their own holds: what
// makes a reader scroll the page sideways. Every disclosure is opened
// first, so that the filter forms and the map's list are measured too.
const overflowJS = `(() => {
	document.querySelectorAll("details").forEach(d => d.open = true);
	const w = window.innerWidth, out = [];
	const held = e => { for (let a = e.parentElement; a; a = a.parentElement) {
		const o = getComputedStyle(a).overflowX;
		if (o !== "visible" && o !== "clip") { const r = a.getBoundingClientRect(); return r.left >= -0.5 && r.right <= w + 0.5; }
	} return false; };
	for (const e of document.body.querySelectorAll("*")) {
		const r = e.getBoundingClientRect();
		if (r.width === 0 || r.height === 0) continue;
		const cs = getComputedStyle(e);
		if (cs.position === "absolute" && cs.clip === "rect(0px, 0px, 0px, 0px)") continue; // visually hidden
		if ((r.right > w + 0.5 || r.left < -0.5) && !held(e)) {
			out.push(e.tagName.toLowerCase() + (e.className && e.className.baseVal === undefined ? "." + e.className : "") +
				" [" + Math.round(r.left) + "–" + Math.round(r.right) + "] " + (e.textContent || "").trim().slice(0, 40));
		}
	}
	return {Scroll: document.scrollingElement.scrollWidth, Inner: w, Wide: out.slice(0, 8)};
})()`

// tapTargetsJS measures the links of the navigation, of tables and of the
// map's list of countries: each must be at least 24 × 24 CSS px, or have
// room around it (WCAG 2.2, 2.5.8: a 24 px circle centred on it touches
// no other target nor another small target's circle).
const tapTargetsJS = `(() => {
	document.querySelectorAll("details").forEach(d => d.open = true);
	const sel = ".site-nav a, table a, .map-table a";
	const all = [...document.querySelectorAll(sel)].map(e => ({e, r: e.getBoundingClientRect()}))
		.filter(t => t.r.width > 0 && t.r.height > 0);
	const small = all.filter(t => t.r.width < 24 || t.r.height < 24);
	const centre = r => [r.left + r.width / 2, r.top + r.height / 2];
	const hitsRect = (c, r) => { const dx = Math.max(r.left - c[0], 0, c[0] - r.right), dy = Math.max(r.top - c[1], 0, c[1] - r.bottom); return dx * dx + dy * dy < 144; };
	const bad = [];
	for (const t of small) {
		const c = centre(t.r);
		const crowded = all.some(o => o !== t && hitsRect(c, o.r)) ||
			small.some(o => o !== t && Math.hypot(c[0] - centre(o.r)[0], c[1] - centre(o.r)[1]) < 24);
		if (crowded) bad.push(t.e.textContent.trim().slice(0, 30) + " " + Math.round(t.r.width * 10) / 10 + "×" + Math.round(t.r.height * 10) / 10);
	}
	return {Targets: all.length, Bad: bad.slice(0, 8), BadCount: bad.length};
})()`

// TestBrowserPhones loads every kind of page in Chromium at 320 and 390
// CSS px wide. Nothing may reach past the viewport (the page's scroll
// width is the viewport's, and no element's box extends beyond it unless
// a scrolling box of its own holds it); the links of the navigation, the
// tables and the map's list are tap targets of at least 24 × 24 px (or
// spaced as WCAG 2.2 allows); the filter forms fold behind a "Filter"
// disclosure; the overview shows its ranked lists before its long tables.
// With prefers-color-scheme: dark the status colours of the map legend
// and of the badges keep their severity order (the palette test's rule:
// the flaggable statuses darken as they grow more severe). Screenshots
// at phone width, light and dark, go to artifacts/.
func TestBrowserPhones(t *testing.T) {
	ctx := e2e.Browser(t, 240*time.Second)
	srv, _ := newTestServer(t)
	ts := httptest.NewServer(srv)
	defer ts.Close()
	scheme := func(s string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
				Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: s}}})
			return err
		})
	}
	shoot := func(name string) {
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Errorf("screenshot %s: %v", name, err)
			return
		}
		if err := os.WriteFile(filepath.Join(e2e.ArtifactDir(t), name), png, 0o644); err != nil {
			t.Error(err)
		}
	}
	type overflow struct {
		Scroll, Inner float64
		Wide          []string
	}
	type taps struct {
		Targets, BadCount int
		Bad               []string
	}
	for _, width := range []int64{320, 390} {
		for _, p := range phonePages {
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 800), scheme("light"),
				chromedp.Navigate(ts.URL+p.path), chromedp.WaitVisible(`main h1, main .code`)); err != nil {
				t.Fatalf("%s: %v", p.path, err)
			}
			if width == 390 {
				shoot(fmt.Sprintf("phone-%s-390.png", p.name))
			}
			// The filter forms are folded until opened (or a filter is set).
			if open, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`[...document.querySelectorAll("form.filters")].some(f => !f.closest("details") || f.closest("details").open)`)); err != nil || open {
				t.Errorf("%s at %d px: a filter form is not folded behind a disclosure (%v)", p.path, width, err)
			}
			o, err := chromedp.Run(ctx, chromedp.Evaluate[overflow](overflowJS))
			if err != nil {
				t.Fatal(err)
			}
			if o.Scroll > o.Inner || len(o.Wide) > 0 {
				t.Errorf("%s at %d px: scroll width %g for a %g px viewport; past the edge: %s", p.path, width, o.Scroll, o.Inner, strings.Join(o.Wide, "; "))
			}
			tp, err := chromedp.Run(ctx, chromedp.Evaluate[taps](tapTargetsJS))
			if err != nil {
				t.Fatal(err)
			}
			if tp.Targets == 0 && p.path != "/admin/login" {
				t.Errorf("%s at %d px: no link to measure", p.path, width)
			}
			if tp.BadCount > 0 {
				t.Errorf("%s at %d px: %d of %d links are smaller than 24 × 24 px and crowded: %s", p.path, width, tp.BadCount, tp.Targets, strings.Join(tp.Bad, "; "))
			}
		}
	}

	// The overview: its ranked lists (the most affected countries) come
	// before its long tables.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 800), chromedp.Navigate(ts.URL+"/"), chromedp.WaitVisible(`main h1`)); err != nil {
		t.Fatal(err)
	}
	order, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
		const ranked = document.querySelector("[data-ranked]"), table = document.querySelector("#flagged");
		if (!ranked || !table) return "missing " + (!ranked ? "ranked list" : "table");
		return ranked.getBoundingClientRect().top < table.getBoundingClientRect().top ? "" : "ranked list after the flagged records' table";
	})()`))
	if err != nil || order != "" {
		t.Errorf("overview at 390 px: %s (%v)", order, err)
	}

	// The map offers the list of its countries, each with its status, so
	// that small countries (Niger's shape is a few px wide) can be reached.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(320, 800), chromedp.Navigate(ts.URL+"/map"), chromedp.WaitVisible(`main h1`)); err != nil {
		t.Fatal(err)
	}
	niger, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
		document.querySelectorAll("details").forEach(d => d.open = true);
		const a = document.querySelector('.map-table a[href="/countries/NER"]');
		if (!a) return "no link to Niger in the map's list";
		const row = a.closest("tr"), r = a.getBoundingClientRect();
		if (!row.querySelector(".badge")) return "no status for Niger in the map's list";
		return r.width >= 24 && r.height >= 24 ? "" : "Niger's link is " + r.width + "×" + r.height;
	})()`))
	if err != nil || niger != "" {
		t.Errorf("map at 320 px: %s (%v)", niger, err)
	}

	// Dark and light: the status colours of the map legend and the badges
	// keep their severity order.
	var flaggable []access.Status
	for _, s := range access.Statuses {
		if s.Flagged(access.InitiatedByAuthority) {
			flaggable = append(flaggable, s)
		}
	}
	for _, sch := range []string{"light", "dark"} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 800), scheme(sch), chromedp.Navigate(ts.URL+"/map"), chromedp.WaitVisible(`main h1`)); err != nil {
			t.Fatal(err)
		}
		shoot("phone-map-" + sch + "-390.png")
		for _, what := range []struct{ name, js string }{
			{"legend swatch", `getComputedStyle(document.querySelector(".map-legend .map--%s")).backgroundColor`},
			{"badge", `(() => { const e = document.createElement("span"); e.className = "badge badge--%s";
				document.querySelector("main").append(e); const c = getComputedStyle(e).color; e.remove(); return c })()`},
		} {
			prev := math.Inf(1)
			for _, s := range flaggable {
				c, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(what.js, s)))
				if err != nil {
					t.Fatalf("%s %s: %v", what.name, s, err)
				}
				var r, g, b float64
				if _, err := fmt.Sscanf(c, "rgb(%g, %g, %g)", &r, &g, &b); err != nil {
					t.Fatalf("%s theme, %s %s: colour %q: %v", sch, what.name, s, c, err)
				}
				l := cieL(r/255, g/255, b/255)
				if l >= prev {
					t.Errorf("%s theme at 390 px: %s %s (%s, L* %.1f) is not darker than the status before it (L* %.1f)", sch, what.name, s, c, l, prev)
				}
				prev = l
			}
		}
		if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/countries/NER/orgs/icrc"), chromedp.WaitVisible(`main h1`)); err != nil {
			t.Fatal(err)
		}
		shoot("phone-record-" + sch + "-390.png")
	}
}
