package templates

import (
	"strings"
	"unicode"

	"github.com/accesswatch/accesswatch/internal/access"
)

// BadgeView is an embeddable status badge: a label on grey, a status on its
// colour. Colours are attributes, not classes: the badge is shown as an
// image on other sites, where this site's stylesheet does not apply.
type BadgeView struct {
	Label, Value string
	Title        string // accessible name, e.g. "ICRC in Niger: Expelled (accesswatch)"
	Colour       string // background of the value part

	Width, Height                    string
	LabelWidth, ValueWidth           string
	LabelX, ValueX, TextY            string
	LabelTextLength, ValueTextLength string
}

// badgeColours are the status colours of the light theme (static/app.css,
// --st-*), chosen for white text; static/palette_test.go keeps them equal.
var badgeColours = map[access.Status]string{
	access.StatusOperating:      "#2e806c",
	access.StatusRestricted:     "#7c7043",
	access.StatusSuspended:      "#db1700",
	access.StatusBanned:         "#a8031c",
	access.StatusOrderedToLeave: "#820073",
	access.StatusExpelled:       "#7a0916",
	access.StatusWithdrawn:      "#5e4b8b",
	access.StatusUnknown:        "#6c737b",
}

// BadgeColour is the colour of a status on an embeddable badge.
func BadgeColour(s access.Status) string { return badgeColours[s] }

const (
	badgeLabelColour = "#3d4148"
	badgePadding     = 6.0 // each side of a text
	badgeHeight      = 20.0
)

// NewBadge lays out a badge; status picks the colour (an unknown or empty
// status is grey) and the glyph put before the value. Widths follow the text's estimated length in 11px
// Verdana; textLength makes the text fit them whatever font is used.
func NewBadge(label, value, title string, status access.Status) BadgeView {
	colour, ok := badgeColours[status]
	if !ok {
		colour = badgeColours[access.StatusUnknown]
	}
	if g := StatusGlyph(status); g != "" {
		value = g + " " + value // the status's second cue, as on the site
	}
	lt, vt := TextWidth(label), TextWidth(value)
	lw, vw := lt+2*badgePadding, vt+2*badgePadding
	return BadgeView{
		Label: label, Value: value, Title: title, Colour: colour,
		Width: num(lw + vw), Height: num(badgeHeight),
		LabelWidth: num(lw), ValueWidth: num(vw),
		LabelX: num(lw / 2), ValueX: num(lw + vw/2), TextY: num(14),
		LabelTextLength: num(lt), ValueTextLength: num(vt),
	}
}

// TextWidth estimates the width in pixels of s set in 11px Verdana, a wide
// font, so the estimate errs on the roomy side for most fallbacks.
func TextWidth(s string) float64 {
	w := 0.0
	for _, r := range s {
		switch {
		case r == ' ':
			w += 3.9
		case strings.ContainsRune("ijlI.,:;'!|·", r):
			w += 3.6
		case strings.ContainsRune("ftr()[]-", r):
			w += 4.9
		case strings.ContainsRune("mwMW—", r):
			w += 11
		case r >= '0' && r <= '9':
			w += 7
		case r >= 'A' && r <= 'Z':
			w += 7.6
		case r >= 'a' && r <= 'z':
			w += 6.8
		case unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul):
			w += 11
		default:
			w += 7.5
		}
	}
	return w
}
