package access

import (
	"errors"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Problem codes. Each says what is wrong with a field; internal/i18n turns
// the pair (field, code) into a sentence.
const (
	CodeRequired       = "required"        // missing or blank
	CodeTooLong        = "too_long"        // longer than FieldError.Limit characters
	CodeInvalidUTF8    = "invalid_utf8"    // not valid UTF-8 text
	CodeControlChars   = "control_chars"   // contains control characters
	CodeInvisibleChars = "invisible_chars" // contains noncharacters or bidirectional overrides
	CodeUnknownValue   = "unknown_value"   // not one of the vocabulary's values
	CodeDateFormat     = "date_format"     // not YYYY, YYYY-MM or YYYY-MM-DD
	CodeDateFuture     = "date_future"     // after today
	CodeNotHTTPURL     = "not_http_url"    // not an absolute http(s) URL
	CodeSlugFormat     = "slug_format"     // not lower-case letters, digits and hyphens
	CodeCountryFormat  = "country_format"  // not three capital letters
	CodeOutOfRange     = "out_of_range"    // a number outside its range
	CodeNotANumber     = "not_a_number"    // not a whole number
	CodeBasisRequired  = "basis_required"  // a reach figure without its basis
	CodeClassLevel     = "class_level"     // a status change on a class-level measure (no longer refused: kept for catalogues)
	CodeSourceRequired = "source_required" // no source given
)

// Text limits, in characters.
const (
	MaxShortText = 200  // names, authorities, publishers
	MaxTitle     = 300  // source titles
	MaxReason    = 1000 // stated reasons
	MaxLongText  = 4000 // descriptions, summaries
	MaxURL       = 2048
	MaxSources   = 20
	MaxPeople    = 10_000_000_000 // more than the world's population: a typo
)

// FieldError is one problem with one input field. Field names are those of
// the admin forms and the CSV columns ("date", "source_url", ...).
type FieldError struct {
	Field string
	Code  string
	Limit int // for CodeTooLong and CodeOutOfRange, the bound that was crossed
}

// Errors is the list of problems found in one input; it is an error when
// not empty. Validation reports every problem at once, not the first.
type Errors []FieldError

// Error lists the problems as "field: code" pairs, for logs and tests;
// people read them through internal/i18n.
func (e Errors) Error() string {
	parts := make([]string, len(e))
	for i, fe := range e {
		parts[i] = fe.Field + ": " + fe.Code
	}
	return "invalid input: " + strings.Join(parts, "; ")
}

// Field returns the first problem with the named field, if any.
func (e Errors) Field(name string) (FieldError, bool) {
	for _, fe := range e {
		if fe.Field == name {
			return fe, true
		}
	}
	return FieldError{}, false
}

// AsErrors returns the Errors inside err, if it wraps some.
func AsErrors(err error) (Errors, bool) {
	var e Errors
	ok := errors.As(err, &e)
	return e, ok
}

// Add appends a problem.
func (e *Errors) Add(field, code string) { *e = append(*e, FieldError{Field: field, Code: code}) }

// AddLimit appends a problem with the bound it crossed.
func (e *Errors) AddLimit(field, code string, limit int) {
	*e = append(*e, FieldError{Field: field, Code: code, Limit: limit})
}

// Err returns e as an error, or nil when there are no problems.
func (e Errors) Err() error {
	if len(e) == 0 {
		return nil
	}
	return e
}

var (
	slugPattern    = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)
	countryPattern = regexp.MustCompile(`^[A-Z]{3}$`)
)

// ValidSlug reports whether s can be an organisation slug.
func ValidSlug(s string) bool { return len(s) <= 64 && slugPattern.MatchString(s) }

// ValidCountryCode reports whether s has the form of an ISO 3166-1 alpha-3
// code. Whether the country exists is the store's question.
func ValidCountryCode(s string) bool { return countryPattern.MatchString(s) }

// text checks a free-text field: valid UTF-8, no control characters (other
// than newlines and tabs when multiline), at most limit characters.
func (e *Errors) text(field, s string, limit int, required, multiline bool) {
	switch {
	case !utf8.ValidString(s):
		e.Add(field, CodeInvalidUTF8)
	case required && strings.TrimSpace(s) == "":
		e.Add(field, CodeRequired)
	case utf8.RuneCountInString(s) > limit:
		e.AddLimit(field, CodeTooLong, limit)
	case strings.IndexFunc(s, func(r rune) bool {
		return unicode.IsControl(r) && !(multiline && (r == '\n' || r == '\r' || r == '\t'))
	}) >= 0:
		e.Add(field, CodeControlChars)
	case strings.IndexFunc(s, forbiddenRune) >= 0:
		e.Add(field, CodeInvisibleChars)
	}
}

// forbiddenRune reports the characters no text field may hold besides
// control characters: Unicode noncharacters (U+FDD0–U+FDEF and the last
// two code points of every plane, U+FFFE, U+FFFF, U+1FFFE, ...), which are
// not valid in XML and break the SVG badges, and the bidirectional
// embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069),
// which can make a name display as something other than what it is.
func forbiddenRune(r rune) bool {
	switch {
	case r >= 0xFDD0 && r <= 0xFDEF:
		return true
	case r&0xFFFE == 0xFFFE: // U+xxFFFE and U+xxFFFF in every plane
		return true
	case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

// enum checks an optional vocabulary value.
func enum[T ~string](e *Errors, field string, v T, valid func(T) bool) {
	if v != "" && !valid(v) {
		e.Add(field, CodeUnknownValue)
	}
}

// httpURL checks an absolute http(s) URL with a host.
func (e *Errors) httpURL(field, s string, required bool) {
	if s == "" {
		if required {
			e.Add(field, CodeRequired)
		}
		return
	}
	if len(s) > MaxURL {
		e.AddLimit(field, CodeTooLong, MaxURL)
		return
	}
	if !IsHTTPURL(s) {
		e.Add(field, CodeNotHTTPURL)
	}
}

// IsHTTPURL reports whether s is an absolute http or https URL with a host
// and no spaces or control characters. Anything else (javascript:, data:,
// relative paths) could not be linked to safely.
func IsHTTPURL(s string) bool {
	if strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return false
	}
	u, err := url.Parse(s)
	if err != nil {
		return false
	}
	return (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.User == nil
}

// Validate checks an organisation.
func (o Org) Validate() error {
	var e Errors
	if !ValidSlug(o.Slug) {
		e.Add("slug", CodeSlugFormat)
	}
	e.text("name", o.Name, MaxShortText, true, false)
	e.text("acronym", o.Acronym, 40, false, false)
	if o.Type == "" {
		e.Add("type", CodeRequired)
	}
	enum(&e, "type", o.Type, OrgType.Valid)
	e.httpURL("website", o.Website, false)
	return e.Err()
}

// Validate checks an event as of now (for "not in the future": see
// LatestDay). It checks
// form, not existence: whether the country or organisation exists is the
// store's question.
func (ev Event) Validate(now time.Time) error {
	var e Errors
	if !ValidCountryCode(ev.CountryCode) {
		e.Add("country", CodeCountryFormat)
	}
	if ev.OrgSlug != "" && !ValidSlug(ev.OrgSlug) {
		e.Add("org", CodeSlugFormat)
	}
	switch {
	case ev.Date.IsZero():
		e.Add("date", CodeRequired)
	case ev.Date.check() != nil:
		e.Add("date", CodeDateFormat)
	case ev.Date.After(LatestDay(now)): // today in any time zone is not the future
		e.Add("date", CodeDateFuture)
	}
	if ev.Type == "" {
		e.Add("event_type", CodeRequired)
	}
	enum(&e, "event_type", ev.Type, EventType.Valid)
	enum(&e, "status", ev.StatusAfter, Status.Valid)
	if ev.Type.Valid() && ev.StatusAfter.Valid() && !StatusFitsType(ev.Type, ev.StatusAfter) {
		e.Add("status", CodeStatusForType)
	}
	// A class-level measure may state the status it imposes on its class
	// (suspended, banned, ...): that status is the measure's own and
	// changes no record (see ClassMeasuresInForce).
	enum(&e, "initiated_by", ev.InitiatedBy, InitiatedBy.Valid)
	e.text("authority", ev.Authority, MaxShortText, false, false)
	enum(&e, "instrument", ev.Instrument, Instrument.Valid)
	e.text("reason", ev.Reason, MaxReason, false, true)
	enum(&e, "reason_category", ev.ReasonCategory, ReasonCategory.Valid)
	enum(&e, "constraint", ev.Constraint, ConstraintCategory.Valid)
	if r := ev.Reach; r != nil {
		if r.People < 0 || r.People > MaxPeople {
			e.Add("people", CodeOutOfRange)
		}
		if r.Basis == "" {
			e.Add("people_basis", CodeBasisRequired)
		}
		enum(&e, "people_basis", r.Basis, ReachBasis.Valid)
		e.text("people_period", r.Period, 100, false, false)
	}
	if n := ev.PeopleAffected; n != nil && (*n < 0 || *n > MaxPeople) {
		e.Add("people_affected", CodeOutOfRange)
	}
	if !ev.Until.IsZero() && !ev.Date.IsZero() && ev.Until.End().Before(ev.Date.Start()) {
		e.Add("until", CodeOutOfRange) // a measure cannot end before it begins
	}
	if y := ev.PresenceSince; y != 0 && (y < MinYear || y > now.Year()) {
		e.Add("presence_since", CodeOutOfRange)
	}
	e.text("description", ev.Description, MaxLongText, false, true)
	e.text("note", ev.Note, MaxLongText, false, true)
	enum(&e, "verification", ev.Verification, Verification.Valid)
	e.text("entered_by", ev.EnteredBy, MaxShortText, false, false)
	switch {
	case len(ev.Sources) == 0:
		e.Add("source_url", CodeSourceRequired)
	case len(ev.Sources) > MaxSources:
		e.AddLimit("source_url", CodeOutOfRange, MaxSources)
	}
	for _, s := range ev.Sources {
		e.source(s)
	}
	return e.Err()
}

// Validate checks one source on its own (as Event.Validate checks each).
func (s Source) Validate() error {
	var e Errors
	e.source(s)
	return e.Err()
}

func (e *Errors) source(s Source) {
	e.httpURL("source_url", s.URL, s.Type != SourceInternalReport)
	if s.Type != SourceInternalReport && s.URL == "" {
		return
	}
	e.text("source_publisher", s.Publisher, MaxShortText, s.Type != SourceInternalReport, false)
	e.text("source_title", s.Title, MaxTitle, false, false)
	enum(e, "source_type", s.Type, SourceType.Valid)
	if !s.Date.IsZero() && s.Date.check() != nil {
		e.Add("source_date", CodeDateFormat)
	}
	e.httpURL("source_archived_url", s.ArchivedURL, false)
}

// Validate checks an access-severity score.
func (s SeverityScore) Validate(now time.Time) error {
	var e Errors
	if s.Score < 0 || s.Score > 5 {
		e.AddLimit("score", CodeOutOfRange, 5)
	}
	switch {
	case s.Date.IsZero():
		e.Add("score_date", CodeRequired)
	case s.Date.After(LatestDay(now)):
		e.Add("score_date", CodeDateFuture)
	}
	e.text("score_publisher", s.Publisher, MaxShortText, true, false)
	e.httpURL("score_url", s.URL, false)
	return e.Err()
}

// ValidateCorrection checks the reason given for retracting or superseding
// an event: required, one or more lines of text within MaxLongText.
func ValidateCorrection(reason string) error {
	var e Errors
	e.text("reason", strings.TrimSpace(reason), MaxLongText, true, true)
	return e.Err()
}
