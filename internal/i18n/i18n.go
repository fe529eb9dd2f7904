// Package i18n holds every word accesswatch shows to people, one catalogue
// file per language (locales/en.txt), with the number and date formats that
// go with them. A new language is a new file; nothing else changes.
package i18n

import (
	"bufio"
	"bytes"
	"embed"
	"fmt"
	"strconv"
	"strings"

	"github.com/accesswatch/accesswatch/internal/access"
)

// Locale is one language's catalogue.
type Locale struct {
	// Tag is the BCP 47 language tag, for <html lang>.
	Tag string
	// MonthAbbrev are the abbreviated month names, January first.
	MonthAbbrev [12]string
	// ThousandsSep separates groups of three digits in numbers.
	ThousandsSep string
	messages     map[string]string
}

//go:embed locales/*.txt
var catalogues embed.FS

// Load reads the catalogue of the language tag, e.g. "en".
func Load(tag string) (*Locale, error) {
	raw, err := catalogues.ReadFile("locales/" + tag + ".txt")
	if err != nil {
		return nil, fmt.Errorf("i18n: no catalogue for %q: %w", tag, err)
	}
	return parse(tag, raw)
}

// English returns the English catalogue, which always exists (a test loads it).
func English() *Locale {
	l, err := Load("en")
	if err != nil {
		panic(err)
	}
	return l
}

// parse reads "key = message" lines; blank lines and lines starting with #
// are skipped. Two keys are special: meta.months (twelve space-separated
// abbreviations) and meta.thousands (the digit-group separator).
func parse(tag string, raw []byte) (*Locale, error) {
	l := &Locale{Tag: tag, messages: map[string]string{}}
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, msg, ok := strings.Cut(line, "=")
		key, msg = strings.TrimSpace(key), strings.TrimSpace(msg)
		if !ok || key == "" {
			return nil, fmt.Errorf("i18n: %s.txt line %d: want key = message", tag, n)
		}
		if _, dup := l.messages[key]; dup {
			return nil, fmt.Errorf("i18n: %s.txt line %d: %s defined twice", tag, n, key)
		}
		l.messages[key] = msg
	}
	months := strings.Fields(l.messages["meta.months"])
	if len(months) != 12 {
		return nil, fmt.Errorf("i18n: %s.txt: meta.months needs 12 names, has %d", tag, len(months))
	}
	copy(l.MonthAbbrev[:], months)
	l.ThousandsSep = strings.Trim(l.messages["meta.thousands"], `"`)
	return l, nil
}

// T returns the message for key; a missing key is returned as itself so that
// a gap shows on the page instead of failing the request (the catalogue tests
// make sure there are none).
func (l *Locale) T(key string) string {
	if m, ok := l.messages[key]; ok {
		return m
	}
	return key
}

// Has reports whether the catalogue has key.
func (l *Locale) Has(key string) bool {
	_, ok := l.messages[key]
	return ok
}

// Tf formats the message for key with fmt verbs.
func (l *Locale) Tf(key string, args ...any) string { return fmt.Sprintf(l.T(key), args...) }

// Date writes d at its precision: "5 Jun 2025", "Jun 2025", "1990"; "" for no date.
func (l *Locale) Date(d access.Date) string { return d.Format(l.MonthAbbrev) }

// Number writes n with grouped thousands: 2,000,000.
func (l *Locale) Number(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(l.ThousandsSep)
		}
		b.WriteRune(c)
	}
	return b.String()
}

// Status is the label of a status ("Ordered to leave").
func (l *Locale) Status(s access.Status) string { return l.T("status." + string(s)) }

// EventType is the label of an event type.
func (l *Locale) EventType(t access.EventType) string { return l.T("event." + string(t)) }

// InitiatedBy is the label of an initiator.
func (l *Locale) InitiatedBy(i access.InitiatedBy) string { return l.T("initiator." + string(i)) }

// OrgType is the label of an organisation type.
func (l *Locale) OrgType(t access.OrgType) string { return l.T("orgtype." + string(t)) }

// Instrument is the label of an instrument.
func (l *Locale) Instrument(i access.Instrument) string { return l.T("instrument." + string(i)) }

// ReasonCategory is the label of a reason category.
func (l *Locale) ReasonCategory(r access.ReasonCategory) string { return l.T("reason." + string(r)) }

// Constraint is the label of an access-constraint category.
func (l *Locale) Constraint(c access.ConstraintCategory) string {
	return l.T("constraint." + string(c))
}

// ReachBasis is the label of a reach basis.
func (l *Locale) ReachBasis(b access.ReachBasis) string { return l.T("basis." + string(b)) }

// SourceType is the label of a source type.
func (l *Locale) SourceType(t access.SourceType) string { return l.T("sourcetype." + string(t)) }

// Field is the label of an input field ("Date", "Source URL").
func (l *Locale) Field(name string) string { return l.T("field." + name) }

// Problem writes one validation problem as a sentence a person can act on,
// e.g. "Date: use YYYY, YYYY-MM or YYYY-MM-DD."
func (l *Locale) Problem(fe access.FieldError) string {
	msg := l.T("problem." + fe.Code)
	if specific := "problem." + fe.Field + "." + fe.Code; l.Has(specific) {
		msg = l.T(specific)
	}
	if strings.Contains(msg, "%d") {
		msg = fmt.Sprintf(msg, fe.Limit)
	}
	return l.Field(fe.Field) + ": " + msg
}

// Problems writes every problem of err, one per line; for an error that is
// not a validation error it returns err's text.
func (l *Locale) Problems(err error) []string {
	errs, ok := access.AsErrors(err)
	if !ok {
		return []string{err.Error()}
	}
	out := make([]string, len(errs))
	for i, fe := range errs {
		out[i] = l.Problem(fe)
	}
	return out
}
