package access

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Precision says how much of a Date is known.
type Precision string

// Precisions, from finest to coarsest.
const (
	PrecisionDay   Precision = "day"
	PrecisionMonth Precision = "month"
	PrecisionYear  Precision = "year"
)

// Precisions lists every precision.
var Precisions = []Precision{PrecisionDay, PrecisionMonth, PrecisionYear}

// Valid reports whether p is one of Precisions.
func (p Precision) Valid() bool { return member(p, Precisions) }

// Date is a calendar date known to a precision: a day ("5 Jun 2025"), a month
// ("Jun 2025") or a year ("1990"). Reports often give no more than a month or
// a year, and a date must never claim more than its source says.
// The zero Date is "no date".
type Date struct {
	Year      int
	Month     time.Month // zero when Precision is year
	Day       int        // zero unless Precision is day
	Precision Precision
}

// ErrDate is wrapped by every date parsing error.
var ErrDate = errors.New("invalid date")

// MinYear and MaxYear bound the years a Date accepts.
const (
	MinYear = 1800
	MaxYear = 2200
)

// englishMonths lets ParseDate read the forms that people and press reports
// write ("5 Jun 2025", "June 2025"); printing in a language is Date.Format's job.
var englishMonths = [12]string{"january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"}

// DayOf returns t's calendar day (in t's location) as a day-precision Date.
func DayOf(t time.Time) Date {
	return Date{Year: t.Year(), Month: t.Month(), Day: t.Day(), Precision: PrecisionDay}
}

// ParseDate reads an ISO 8601 date at its precision ("2025-06-05",
// "2025-06", "2025") or the written English forms "5 Jun 2025",
// "Jun 2025" and "June 2025". Surrounding space is ignored.
func ParseDate(s string) (Date, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Date{}, fmt.Errorf("%w: empty", ErrDate)
	}
	var d Date
	var err error
	if s[0] >= '0' && s[0] <= '9' && !strings.Contains(s, " ") {
		d, err = parseISODate(s)
	} else {
		d, err = parseWrittenDate(s)
	}
	if err != nil {
		return Date{}, fmt.Errorf("%w %q: %v", ErrDate, s, err)
	}
	if err := d.check(); err != nil {
		return Date{}, err // never a half-valid date: callers that ignore the error get "no date"
	}
	return d, nil
}

// MustParseDate is ParseDate for literals known to be valid; it panics otherwise.
func MustParseDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func parseISODate(s string) (Date, error) {
	parts := strings.Split(s, "-")
	if len(parts) > 3 {
		return Date{}, errors.New("want YYYY, YYYY-MM or YYYY-MM-DD")
	}
	widths := []int{4, 2, 2}
	nums := make([]int, len(parts))
	for i, p := range parts {
		if len(p) != widths[i] {
			return Date{}, errors.New("want YYYY, YYYY-MM or YYYY-MM-DD")
		}
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 {
			return Date{}, errors.New("want digits")
		}
		nums[i] = n
	}
	d := Date{Year: nums[0], Precision: PrecisionYear}
	if len(nums) > 1 {
		d.Month, d.Precision = time.Month(nums[1]), PrecisionMonth
	}
	if len(nums) > 2 {
		d.Day, d.Precision = nums[2], PrecisionDay
	}
	return d, nil
}

func parseWrittenDate(s string) (Date, error) {
	fields := strings.Fields(s)
	d := Date{Precision: PrecisionMonth}
	switch len(fields) {
	case 2:
	case 3:
		n, err := strconv.Atoi(fields[0])
		if err != nil || len(fields[0]) > 2 {
			return Date{}, errors.New("want a day number before the month")
		}
		d.Day, d.Precision, fields = n, PrecisionDay, fields[1:]
	default:
		return Date{}, errors.New(`want "5 Jun 2025", "Jun 2025" or "2025"`)
	}
	if d.Month = monthByName(fields[0]); d.Month == 0 {
		return Date{}, fmt.Errorf("unknown month %q", fields[0])
	}
	year, err := strconv.Atoi(fields[1])
	if err != nil || len(fields[1]) != 4 {
		return Date{}, errors.New("want a four-digit year")
	}
	d.Year = year
	return d, nil
}

// monthByName accepts full English month names and their first three letters.
func monthByName(name string) time.Month {
	name = strings.ToLower(strings.TrimSuffix(name, "."))
	if len(name) < 3 {
		return 0
	}
	for i, m := range englishMonths {
		if name == m || name == m[:3] || (name == "sept" && i == 8) {
			return time.Month(i + 1)
		}
	}
	return 0
}

// check validates the ranges of a parsed date.
func (d Date) check() error {
	if d.Year < MinYear || d.Year > MaxYear {
		return fmt.Errorf("%w: year %d outside %d–%d", ErrDate, d.Year, MinYear, MaxYear)
	}
	if d.Precision == PrecisionYear {
		return nil
	}
	if d.Month < time.January || d.Month > time.December {
		return fmt.Errorf("%w: month %d outside 1–12", ErrDate, d.Month)
	}
	if d.Precision == PrecisionMonth {
		return nil
	}
	if last := daysIn(d.Year, d.Month); d.Day < 1 || d.Day > last {
		return fmt.Errorf("%w: %s %d has no day %d", ErrDate, d.Month, d.Year, d.Day)
	}
	return nil
}

func daysIn(year int, m time.Month) int {
	return time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// IsZero reports whether d is the zero Date ("no date").
func (d Date) IsZero() bool { return d.Precision == "" }

// ISO returns the ISO 8601 form at d's precision: "2025-06-05", "2025-06" or
// "2025"; "" for the zero Date. ISO strings of dates sort in time order, a
// coarser date sorting before the finer dates it contains.
func (d Date) ISO() string {
	switch d.Precision {
	case PrecisionDay:
		return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
	case PrecisionMonth:
		return fmt.Sprintf("%04d-%02d", d.Year, int(d.Month))
	case PrecisionYear:
		return fmt.Sprintf("%04d", d.Year)
	}
	return ""
}

// String returns d in ISO form.
func (d Date) String() string { return d.ISO() }

// Format writes d at its precision with the given month abbreviations
// (January first): "5 Jun 2025", "Jun 2025", "1990". Languages supply their
// own abbreviations through internal/i18n.
func (d Date) Format(months [12]string) string {
	switch d.Precision {
	case PrecisionDay:
		return fmt.Sprintf("%d %s %d", d.Day, months[d.Month-1], d.Year)
	case PrecisionMonth:
		return fmt.Sprintf("%s %d", months[d.Month-1], d.Year)
	case PrecisionYear:
		return strconv.Itoa(d.Year)
	}
	return ""
}

// Start returns the first instant (UTC) of the period d covers.
func (d Date) Start() time.Time {
	switch d.Precision {
	case PrecisionDay:
		return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
	case PrecisionMonth:
		return time.Date(d.Year, d.Month, 1, 0, 0, 0, 0, time.UTC)
	case PrecisionYear:
		return time.Date(d.Year, time.January, 1, 0, 0, 0, 0, time.UTC)
	}
	return time.Time{}
}

// End returns the first instant (UTC) after the period d covers.
func (d Date) End() time.Time {
	switch d.Precision {
	case PrecisionDay:
		return d.Start().AddDate(0, 0, 1)
	case PrecisionMonth:
		return d.Start().AddDate(0, 1, 0)
	case PrecisionYear:
		return d.Start().AddDate(1, 0, 0)
	}
	return time.Time{}
}

// Compare orders dates by their start; at the same start the coarser date
// comes first (so "2025" < "2025-01" < "2025-01-01"), matching ISO order.
// It returns -1, 0 or +1.
func (d Date) Compare(o Date) int {
	return strings.Compare(d.ISO(), o.ISO())
}

// After reports whether the whole of d lies after the day of now, that is,
// whether d is a date in the future.
func (d Date) After(now time.Time) bool {
	return !d.IsZero() && !d.Start().Before(DayOf(now).End())
}
