package static

import (
	"regexp"
	"strings"
	"testing"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/templates"
)

// The palette's promises, measured as CIEDE2000 differences.
const (
	minAdjacentDE = 10 // between statuses next to each other in severity order
	minFlaggedDE  = 20 // between "operating" and every status that can be flagged
	minStepL      = 3  // L* step between reds of increasing severity
	minContrast   = 4.5
)

// cssVar maps a status to the suffix of its custom property (--st-…).
func cssVar(s access.Status) string {
	if s == access.StatusOrderedToLeave {
		return "ordered"
	}
	return string(s)
}

// theme is one set of the stylesheet's colours.
type theme struct {
	name     string
	status   map[string]rgb // by custom-property suffix
	surface  rgb            // what status-coloured text is drawn on
	onStatus rgb            // the text of a flagged (filled) badge
}

var stVar = regexp.MustCompile(`--st-([a-z_]+):\s*(#[0-9a-fA-F]{3,6})\s*;`)

// parseThemes reads the light theme (the first :root block) and the dark
// theme (the :root block inside prefers-color-scheme: dark) from css.
func parseThemes(t *testing.T, css string) []theme {
	t.Helper()
	light, rest, ok := strings.Cut(css, "@media (prefers-color-scheme: dark)")
	if !ok {
		t.Fatal("app.css has no dark theme")
	}
	dark, _, _ := strings.Cut(rest, "\n}\n")
	parse := func(name, block string, surface, on rgb) theme {
		th := theme{name: name, status: map[string]rgb{}, surface: surface, onStatus: on}
		for _, m := range stVar.FindAllStringSubmatch(block, -1) {
			c, ok := parseHex(m[2])
			if !ok {
				t.Fatalf("%s theme: --st-%s: %q is not a colour", name, m[1], m[2])
			}
			th.status[m[1]] = c
		}
		return th
	}
	return []theme{
		parse("light", light, mustVar(t, light, "surface"), rgb{1, 1, 1}),
		parse("dark", dark, mustVar(t, dark, "surface"), mustFlaggedText(t, css)),
	}
}

// mustVar reads a custom property's colour from a block.
func mustVar(t *testing.T, block, name string) rgb {
	t.Helper()
	m := regexp.MustCompile(`--` + name + `:\s*(#[0-9a-fA-F]{3,6})`).FindStringSubmatch(block)
	if m == nil {
		t.Fatalf("no --%s in the theme", name)
	}
	c, _ := parseHex(m[1])
	return c
}

// mustFlaggedText reads the dark theme's text colour of a flagged badge.
func mustFlaggedText(t *testing.T, css string) rgb {
	t.Helper()
	m := regexp.MustCompile(`prefers-color-scheme: dark\) \{ \.badge--flagged \{ color: (#[0-9a-fA-F]{3,6})`).FindStringSubmatch(css)
	if m == nil {
		t.Fatal("no dark-theme text colour for flagged badges")
	}
	c, _ := parseHex(m[1])
	return c
}

// vision is a way of seeing colour: normal or a simulated dichromacy.
type vision struct {
	name string
	m    matrix3
}

var visions = []vision{
	{"normal vision", identity},
	{"protanopia", machadoProtanopia},
	{"deuteranopia", machadoDeuteranopia},
	{"tritanopia", machadoTritanopia},
}

func readCSS(t *testing.T) string {
	t.Helper()
	b, err := files.ReadFile("app.css")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestPaletteDistinguishable checks, in both themes and under normal
// vision and simulated protanopia, deuteranopia and tritanopia (Machado et
// al. 2009, severity 1), that statuses next to each other in severity
// differ by at least minAdjacentDE (CIEDE2000), and that "operating"
// differs from every status that can be flagged by at least minFlaggedDE.
func TestPaletteDistinguishable(t *testing.T) {
	themes := parseThemes(t, readCSS(t))
	var flaggable []access.Status
	for _, s := range access.Statuses {
		if s.Flagged(access.InitiatedByAuthority) {
			flaggable = append(flaggable, s)
		}
	}
	if len(flaggable) == 0 {
		t.Fatal("no status can be flagged: nothing to compare with operating")
	}
	for _, th := range themes {
		for _, s := range access.Statuses {
			if _, ok := th.status[cssVar(s)]; !ok {
				t.Fatalf("%s theme: no --st-%s for status %s", th.name, cssVar(s), s)
			}
		}
		for _, v := range visions {
			seen := func(s access.Status) lab { return toLab(simulate(v.m, th.status[cssVar(s)])) }
			minAdj, minOp := 1e9, 1e9
			defer func() {
				t.Logf("%s theme, %s: closest neighbours ΔE00 %.1f, operating to a flaggable status %.1f", th.name, v.name, minAdj, minOp)
			}()
			for i := 0; i+1 < len(access.Statuses); i++ {
				a, b := access.Statuses[i], access.Statuses[i+1]
				d := ciede2000(seen(a), seen(b))
				minAdj = min(minAdj, d)
				if d < minAdjacentDE {
					t.Errorf("%s theme, %s: %s and %s differ by ΔE00 %.1f, want ≥ %d", th.name, v.name, a, b, d, minAdjacentDE)
				}
			}
			for _, f := range flaggable {
				d := ciede2000(seen(access.StatusOperating), seen(f))
				minOp = min(minOp, d)
				if d < minFlaggedDE {
					t.Errorf("%s theme, %s: operating and %s differ by ΔE00 %.1f, want ≥ %d", th.name, v.name, f, d, minFlaggedDE)
				}
			}
		}
	}
}

// TestPaletteSeverityOrder checks that the statuses that can be flagged
// (shades of red) darken as they grow more severe, in both themes, so that
// the most severe is never the palest; and that every status colour is
// legible as text on the page's surface and as the fill behind a flagged
// badge's text (WCAG AA, 4.5:1).
func TestPaletteSeverityOrder(t *testing.T) {
	for _, th := range parseThemes(t, readCSS(t)) {
		var prev access.Status
		for _, s := range access.Statuses {
			if !s.Flagged(access.InitiatedByAuthority) {
				continue
			}
			if prev != "" {
				lp, ls := toLab(th.status[cssVar(prev)]).L, toLab(th.status[cssVar(s)]).L
				if lp-ls < minStepL {
					t.Errorf("%s theme: %s (L* %.1f) is not darker than the less severe %s (L* %.1f) by %d", th.name, s, ls, prev, lp, minStepL)
				}
			}
			prev = s
			if c := contrast(th.status[cssVar(s)], th.onStatus); c < minContrast {
				t.Errorf("%s theme: flagged badge text on %s: contrast %.2f, want ≥ %.1f", th.name, s, c, minContrast)
			}
		}
		for _, s := range access.Statuses {
			if c := contrast(th.status[cssVar(s)], th.surface); c < minContrast {
				t.Errorf("%s theme: %s text on the surface: contrast %.2f, want ≥ %.1f", th.name, s, c, minContrast)
			}
		}
	}
}

// TestBadgeColoursFollowPalette checks that the embeddable SVG badges,
// which cannot use the stylesheet, carry the light theme's colours.
func TestBadgeColoursFollowPalette(t *testing.T) {
	light := parseThemes(t, readCSS(t))[0]
	for _, s := range access.Statuses {
		got, ok := parseHex(templates.BadgeColour(s))
		if !ok {
			t.Errorf("badge colour of %s: %q is not a colour", s, templates.BadgeColour(s))
			continue
		}
		if want := light.status[cssVar(s)]; got != want {
			t.Errorf("badge colour of %s is %s, the palette's is %v", s, templates.BadgeColour(s), want)
		}
	}
}

// TestEveryStatusHasASecondCue checks that each status's badge draws a
// glyph before its word (app.css, .badge--STATUS::before), that no two
// statuses share one, that it is kept out of speech, and that it is the
// glyph the SVG badges use (templates.StatusGlyph).
func TestEveryStatusHasASecondCue(t *testing.T) {
	css := readCSS(t)
	seen := map[string]access.Status{}
	for _, s := range access.Statuses {
		re := regexp.MustCompile(`\.badge--` + string(s) + `::before \{ content: "([^"]+)"; content: "([^"]+)" / ""; \}`)
		m := re.FindStringSubmatch(css)
		if m == nil {
			t.Errorf("%s: no glyph before the badge's word (or not silent to screen readers)", s)
			continue
		}
		if m[1] != m[2] || m[1] != templates.StatusGlyph(s) {
			t.Errorf("%s: glyphs %q, %q in app.css, %q on SVG badges", s, m[1], m[2], templates.StatusGlyph(s))
		}
		if other, dup := seen[m[1]]; dup {
			t.Errorf("%s and %s share the glyph %q", s, other, m[1])
		}
		seen[m[1]] = s
	}
}
