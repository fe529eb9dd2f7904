package static

import (
	"encoding/xml"
	"io"
	"math"
	"strings"
	"testing"
)

// TestMarkIsNoProtectedEmblem checks that the site's mark cannot be taken
// for the red cross (or red crescent) emblem protected by the First Geneva
// Convention (art. 53): the mark is drawn in no red at all, so neither a
// red sign on white nor a white sign on red can arise.
func TestMarkIsNoProtectedEmblem(t *testing.T) {
	b, err := files.ReadFile("favicon.svg")
	if err != nil {
		t.Fatal(err)
	}
	colours := svgColours(t, string(b))
	if len(colours) == 0 {
		t.Fatal("favicon.svg paints nothing: the test would pass vacuously")
	}
	for _, c := range colours {
		if isRed(mustHex(t, c)) {
			t.Errorf("favicon.svg paints in %s, a red: the mark must not evoke the protected emblem", c)
		}
	}
}

// TestIsRedCatchesTheOldMark checks the red test on the colours of the
// mark it replaced (a white cross on #b42318) and on the new one's blue.
func TestIsRedCatchesTheOldMark(t *testing.T) {
	old := `<svg xmlns="http://www.w3.org/2000/svg"><circle fill="#b42318"/><path stroke="#fff"/></svg>`
	var red int
	for _, c := range svgColours(t, old) {
		if isRed(mustHex(t, c)) {
			red++
		}
	}
	if red != 1 {
		t.Errorf("found %d red colours in the old mark, want 1", red)
	}
	if isRed(mustHex(t, "#0b5cad")) {
		t.Error("#0b5cad taken for red")
	}
}

// svgColours lists every fill and stroke colour given as #rgb or #rrggbb.
func svgColours(t *testing.T, doc string) []string {
	t.Helper()
	var out []string
	d := xml.NewDecoder(strings.NewReader(doc))
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("favicon.svg is not well-formed XML: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			for _, a := range se.Attr {
				if (a.Name.Local == "fill" || a.Name.Local == "stroke") && strings.HasPrefix(a.Value, "#") {
					out = append(out, a.Value)
				}
			}
		}
	}
}

// mustHex parses #rgb or #rrggbb.
func mustHex(t *testing.T, s string) rgb {
	t.Helper()
	c, ok := parseHex(s)
	if !ok {
		t.Fatalf("not a hex colour: %q", s)
	}
	return c
}

// isRed reports whether c is a saturated colour whose CIELAB hue lies
// among the reds (from crimson to red-orange).
func isRed(c rgb) bool {
	l := toLab(c)
	chroma := math.Hypot(l.A, l.B)
	h := math.Atan2(l.B, l.A) * 180 / math.Pi
	return chroma > 30 && h > -10 && h < 50
}
