package access

import (
	"errors"
	"testing"
	"time"
)

var englishAbbrev = [12]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

func TestParseDate(t *testing.T) {
	tests := []struct {
		in        string
		iso       string
		precision Precision
		human     string
	}{
		{"2025-06-05", "2025-06-05", PrecisionDay, "5 Jun 2025"},
		{"2025-06", "2025-06", PrecisionMonth, "Jun 2025"},
		{"1990", "1990", PrecisionYear, "1990"},
		{"5 Jun 2025", "2025-06-05", PrecisionDay, "5 Jun 2025"},
		{"Jun 2025", "2025-06", PrecisionMonth, "Jun 2025"},
		{"June 2025", "2025-06", PrecisionMonth, "Jun 2025"},
		{"12 november 2024", "2024-11-12", PrecisionDay, "12 Nov 2024"},
		{"  31 Jan 2025 ", "2025-01-31", PrecisionDay, "31 Jan 2025"},
		{"2024-02-29", "2024-02-29", PrecisionDay, "29 Feb 2024"},
		{"Sept 2023", "2023-09", PrecisionMonth, "Sep 2023"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			d, err := ParseDate(tt.in)
			if err != nil {
				t.Fatalf("ParseDate(%q): %v", tt.in, err)
			}
			if d.ISO() != tt.iso || d.Precision != tt.precision {
				t.Errorf("ParseDate(%q) = %s (%s), want %s (%s)", tt.in, d.ISO(), d.Precision, tt.iso, tt.precision)
			}
			if got := d.Format(englishAbbrev); got != tt.human {
				t.Errorf("Format = %q, want %q", got, tt.human)
			}
			again, err := ParseDate(d.Format(englishAbbrev))
			if err != nil || again != d {
				t.Errorf("printed form %q does not parse back: %v, %v", d.Format(englishAbbrev), again, err)
			}
		})
	}
}

func TestParseDateRejects(t *testing.T) {
	for _, in := range []string{
		"", "2025-13", "2025-02-30", "2023-02-29", "25-06-05", "2025-6-5", "2025/06/05",
		"0 Jun 2025", "32 Jan 2025", "Foo 2025", "5 Jun 25", "5 Jun 2025 12:00", "1700",
		"9999", "2025-06-05T00:00:00Z", "-2025", "２０２５", "Jun", "ju 2025",
	} {
		t.Run(in, func(t *testing.T) {
			d, err := ParseDate(in)
			if err == nil {
				t.Fatalf("ParseDate(%q) = %v, want an error", in, d)
			}
			if !errors.Is(err, ErrDate) {
				t.Errorf("error %v does not wrap ErrDate", err)
			}
		})
	}
}

func TestDateOrderAndRange(t *testing.T) {
	y, m, d := MustParseDate("2025"), MustParseDate("2025-06"), MustParseDate("2025-06-05")
	if !(y.Compare(m) < 0 && m.Compare(d) < 0 && d.Compare(MustParseDate("2025-06-06")) < 0) {
		t.Error("want 2025 < 2025-06 < 2025-06-05 < 2025-06-06")
	}
	if got := m.End().Sub(m.Start()); got != 30*24*time.Hour {
		t.Errorf("June lasts %v", got)
	}
	if got := y.End(); !got.Equal(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("2025 ends at %v", got)
	}
	now := time.Date(2025, 6, 5, 23, 0, 0, 0, time.UTC)
	if d.After(now) {
		t.Error("today is not in the future")
	}
	if !MustParseDate("2025-06-06").After(now) {
		t.Error("tomorrow is in the future")
	}
	if y.After(now) {
		t.Error("the current year has started, so it is not in the future")
	}
	if (Date{}).ISO() != "" || !(Date{}).IsZero() {
		t.Error("zero date prints empty")
	}
}
