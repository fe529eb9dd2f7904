package access

import (
	"errors"
	"testing"
)

// englishFull are the full month names people write ("June 2025").
var englishFull = [12]string{"January", "February", "March", "April", "May", "June", "July", "August", "September",
	"October", "November", "December"}

// FuzzParseDate: no input panics; whatever is accepted is a valid date in
// range that reads back unchanged from its ISO form and from its written
// forms, and whatever is refused is refused with ErrDate.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2025-06-05", "2025-06", "1990", "5 Jun 2025", "June 2025", "12 november 2024",
		"  31 Jan 2025 ", "2024-02-29", "Sept 2023", "2025-13", "2023-02-29", "0 Jun 2025", "１９９０", "2025-06-05T00:00:00Z",
		"31 Apr 2025", "1800", "2200-12-31", "5  Jun  2025", "-001", "+2025"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			if !errors.Is(err, ErrDate) {
				t.Fatalf("ParseDate(%q): error %v does not wrap ErrDate", s, err)
			}
			if d != (Date{}) {
				t.Fatalf("ParseDate(%q) failed yet returned %+v", s, d)
			}
			return
		}
		if !d.Precision.Valid() || d.IsZero() || d.Year < MinYear || d.Year > MaxYear {
			t.Fatalf("ParseDate(%q) accepted %+v", s, d)
		}
		if !d.Start().Before(d.End()) {
			t.Fatalf("ParseDate(%q) = %+v: starts %v, ends %v", s, d, d.Start(), d.End())
		}
		for _, form := range []string{d.ISO(), d.Format(englishAbbrev), d.Format(englishFull)} {
			again, err := ParseDate(form)
			if err != nil || again != d {
				t.Fatalf("ParseDate(%q) = %+v, whose form %q reads back as %+v, %v", s, d, form, again, err)
			}
		}
	})
}
