package access

import (
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// NormalName is the form of an organisation's name or acronym under which
// two spellings of the same name compare equal: decomposed (NFD) with the
// combining marks removed (é → e), case-folded, every run of punctuation,
// symbols and spaces made one space, trimmed. "Médecins Sans Frontières"
// and "medecins-sans frontieres!" both become "medecins sans frontieres";
// "M.S.F." becomes "m s f", so dots are dropped between single letters too
// ("msf").
func NormalName(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	folded, _, err := transform.String(t, s)
	if err != nil {
		folded = s
	}
	var b strings.Builder
	space := false
	for _, r := range folded {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteString(string(unicode.ToLower(r)))
		default:
			space = true
		}
	}
	return joinInitials(b.String())
}

// joinInitials joins runs of single-letter words ("m s f" → "msf"), so an
// acronym written with dots or spaces compares equal to one without.
func joinInitials(s string) string {
	words := strings.Fields(s)
	var out []string
	run := ""
	for _, w := range words {
		if len([]rune(w)) == 1 {
			run += w
			continue
		}
		if run != "" {
			out, run = append(out, run), ""
		}
		out = append(out, w)
	}
	if run != "" {
		out = append(out, run)
	}
	return strings.Join(out, " ")
}

// SameOrg reports whether two organisations are likely the same one: a
// normalised name or acronym of one equals a normalised name or acronym of
// the other. An editor is asked to confirm before creating such a second
// organisation; it is not refused, since two organisations may share an
// acronym.
func SameOrg(a, b Org) bool {
	keys := func(o Org) []string {
		var k []string
		for _, s := range []string{o.Name, o.Acronym} {
			if n := NormalName(s); n != "" {
				k = append(k, n)
			}
		}
		return k
	}
	for _, x := range keys(a) {
		for _, y := range keys(b) {
			if x == y {
				return true
			}
		}
	}
	return false
}

// ParsePeople reads a whole number of people as editors type it: digits,
// optionally grouped by thousands with commas, spaces, no-break spaces
// (U+00A0), narrow no-break spaces (U+202F) or apostrophes, one kind of
// separator per number and groups of exactly three digits ("2,000,000",
// "2 000 000", "2'000'000"). Anything else — a decimal point, "2,00", a
// sign — is not a whole number.
func ParsePeople(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false
	}
	var sep rune
	groups := strings.FieldsFunc(s, func(r rune) bool {
		if r >= '0' && r <= '9' {
			return false
		}
		if sep == 0 && strings.ContainsRune(", \u00a0\u202f'", r) {
			sep = r
		}
		return true
	})
	// Every non-digit must be the one separator, once between groups.
	if strings.Count(s, string(sep)) != len(groups)-1 && sep != 0 {
		return 0, false
	}
	digits := strings.Join(groups, "")
	if sep == 0 && len(groups) != 1 {
		return 0, false
	}
	if len(groups) > 1 {
		if len(groups[0]) > 3 {
			return 0, false
		}
		for _, g := range groups[1:] {
			if len(g) != 3 {
				return 0, false
			}
		}
	}
	if strings.ContainsFunc(s, func(r rune) bool { return (r < '0' || r > '9') && r != sep }) {
		return 0, false
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	return n, err == nil
}

// LatestDay is the last day that is today somewhere on Earth at instant
// now: the UTC day after now's, since the furthest zone ahead is UTC+14.
// A date up to that day is not in the future.
func LatestDay(now time.Time) time.Time { return now.UTC().AddDate(0, 0, 1) }

// SlugFor suggests a slug for an organisation from its acronym or name:
// the normalised name with hyphens for spaces, Latin letters and digits
// only ("Médecins Sans Frontières" → "medecins-sans-frontieres"); "" when
// nothing usable is left (a name in another script: the editor types one).
func SlugFor(name string) string {
	var b strings.Builder
	for _, r := range NormalName(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ':
			b.WriteByte('-')
		}
	}
	s := strings.Trim(b.String(), "-")
	for strings.Contains(s, "--") {
		s = strings.ReplaceAll(s, "--", "-")
	}
	if len(s) > 64 {
		s = strings.TrimRight(s[:64], "-")
	}
	return s
}
