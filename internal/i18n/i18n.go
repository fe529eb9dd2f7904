// Package i18n holds every word accesswatch shows to people, one catalogue
// file per language (locales/en.txt, locales/fr.txt), with the plural
// rules, number and date formats, country names and collation that go with
// them. A new language is a new file (and its tag in Languages); nothing
// else changes.
//
// Plurals follow the CLDR rules of golang.org/x/text/feature/plural: a
// message that depends on a count has one line per plural form, the key
// followed by the form's name (key.one, key.other; French adds no form of
// its own but puts 0 in "one"), and is read with Locale.Plural or
// Locale.Count. Every family needs .other, the fallback.
package i18n

import (
	"bufio"
	"bytes"
	"embed"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/text/collate"
	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"github.com/accesswatch/accesswatch/internal/access"
)

// Locale is one language's catalogue.
type Locale struct {
	// Tag is the BCP 47 language tag, for <html lang>.
	Tag string
	// MonthNames are the month names dates are written with, January
	// first: abbreviated in English ("Jun"), in full in French ("juin").
	MonthNames [12]string
	// ThousandsSep separates groups of three digits in numbers (","
	// in English, a narrow no-break space U+202F in French).
	ThousandsSep string
	// DecimalSep separates the integer part from the fraction ("." / ",").
	DecimalSep string
	// firstDay writes the first day of a month ("1er" in French); "" to
	// write it as a number like any other.
	firstDay string
	lang     language.Tag
	regions  display.Namer // country names in this language; nil: the data's own (English)
	messages map[string]string
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
// are skipped. Keys starting with meta. are formats, not words:
// meta.months (twelve space-separated names), meta.thousands and
// meta.decimal (separators, in Go string quotes so that spaces show),
// meta.first_day (optional: how the 1st of a month is written).
func parse(tag string, raw []byte) (*Locale, error) {
	lang, err := language.Parse(tag)
	if err != nil {
		return nil, fmt.Errorf("i18n: %s is not a language tag: %w", tag, err)
	}
	l := &Locale{Tag: tag, lang: lang, messages: map[string]string{}}
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
	copy(l.MonthNames[:], months)
	if l.ThousandsSep, err = quoted(l.messages, "meta.thousands", ","); err != nil {
		return nil, fmt.Errorf("i18n: %s.txt: %w", tag, err)
	}
	if l.DecimalSep, err = quoted(l.messages, "meta.decimal", "."); err != nil {
		return nil, fmt.Errorf("i18n: %s.txt: %w", tag, err)
	}
	l.firstDay = l.messages["meta.first_day"]
	for key := range l.messages {
		if base, form, ok := pluralForm(key); ok && form != "other" {
			if _, has := l.messages[base+".other"]; !has {
				return nil, fmt.Errorf("i18n: %s.txt: %s has no %s.other", tag, key, base)
			}
		}
	}
	if lang != language.English {
		l.regions = display.Regions(lang)
	}
	return l, nil
}

// quoted reads a meta value written in Go string quotes ("\u202f"); def
// when the key is absent.
func quoted(messages map[string]string, key, def string) (string, error) {
	v, ok := messages[key]
	if !ok {
		return def, nil
	}
	s, err := strconv.Unquote(v)
	if err != nil {
		return "", fmt.Errorf("%s: want a quoted string, got %s", key, v)
	}
	return s, nil
}

// pluralForms are the CLDR plural categories, as keys end with them.
var pluralForms = map[plural.Form]string{
	plural.Other: "other", plural.Zero: "zero", plural.One: "one",
	plural.Two: "two", plural.Few: "few", plural.Many: "many",
}

// pluralForm splits "x.one" into "x" and "one" when the key ends with a
// CLDR plural category.
func pluralForm(key string) (base, form string, ok bool) {
	i := strings.LastIndexByte(key, '.')
	if i < 0 {
		return "", "", false
	}
	for _, f := range pluralForms {
		if key[i+1:] == f {
			return key[:i], f, true
		}
	}
	return "", "", false
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

// Keys lists the catalogue's keys, sorted (for tests that walk it).
func (l *Locale) Keys() []string {
	keys := make([]string, 0, len(l.messages))
	for k := range l.messages {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Has reports whether the catalogue has key.
func (l *Locale) Has(key string) bool {
	_, ok := l.messages[key]
	return ok
}

// Tf formats the message for key with fmt verbs.
func (l *Locale) Tf(key string, args ...any) string { return fmt.Sprintf(l.T(key), args...) }

// Plural returns the form of the message family key that the language's
// CLDR cardinal rules choose for the count n (key.one, key.other, ...),
// formatted with args when there are any. A form the catalogue lacks falls
// back to key.other. In English 1 is "one" and 0 "other"; in French 0 and
// 1 are both "one" ("0 organisation signalée").
func (l *Locale) Plural(key string, n int64, args ...any) string {
	if n < 0 {
		n = -n
	}
	form := plural.Cardinal.MatchPlural(l.lang, int(n%10_000_000), 0, 0, 0, 0)
	msg, ok := l.messages[key+"."+pluralForms[form]]
	if !ok {
		msg = l.T(key + ".other")
	}
	if len(args) == 0 {
		return msg
	}
	return fmt.Sprintf(msg, args...)
}

// Count is Plural with the count, formatted for the language, as the
// first argument: l.Count("dash.n_orgs", 2) with "dash.n_orgs.other = %s
// organisations" gives "2 organisations".
func (l *Locale) Count(key string, n int64, args ...any) string {
	return l.Plural(key, n, append([]any{l.Number(n)}, args...)...)
}

// Date writes d at its precision: "5 Jun 2025", "Jun 2025", "1990" in
// English, "5 juin 2025", "1er juin 2025", "juin 2025" in French; "" for no date.
func (l *Locale) Date(d access.Date) string {
	if d.Precision == access.PrecisionDay && d.Day == 1 && l.firstDay != "" {
		return l.firstDay + " " + l.MonthNames[d.Month-1] + " " + strconv.Itoa(d.Year)
	}
	return d.Format(l.MonthNames)
}

// Number writes n with grouped thousands: 2,000,000 in English,
// 2 000 000 (narrow no-break spaces) in French.
func (l *Locale) Number(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteString("-")
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(l.ThousandsSep)
		}
		b.WriteRune(c)
	}
	return b.String()
}

// Decimal writes f rounded to digits fraction digits, with grouped
// thousands and the language's decimal separator: 1,234.5 / 1 234,5.
func (l *Locale) Decimal(f float64, digits int) string {
	s := strconv.FormatFloat(f, 'f', digits, 64)
	whole, frac, _ := strings.Cut(s, ".")
	neg := strings.HasPrefix(whole, "-")
	n, _ := strconv.ParseInt(strings.TrimPrefix(whole, "-"), 10, 64)
	out := l.Number(n)
	if neg {
		out = "-" + out
	}
	if frac != "" {
		out += l.DecimalSep + frac
	}
	return out
}

// Country names a country by its ISO 3166-1 alpha-3 code in the
// language: the catalogue's country.<ISO3> if it has one (a name the
// field uses that CLDR does not, e.g. "État de Palestine"), else CLDR's
// name carried by golang.org/x/text/language/display, else name, the
// data's own (English) name, which English always uses.
func (l *Locale) Country(code, name string) string {
	if m, ok := l.messages["country."+code]; ok {
		return m
	}
	if l.regions == nil {
		return name
	}
	r, err := language.ParseRegion(code)
	if err != nil {
		return name
	}
	if n := l.regions.Name(r); n != "" {
		return n
	}
	return name
}

// Region names a world region or subregion as the data writes it in
// English ("Western Africa"): the catalogue's region.<name with
// underscores>, else the name itself.
func (l *Locale) Region(name string) string {
	if m, ok := l.messages["region."+strings.ReplaceAll(name, " ", "_")]; ok {
		return m
	}
	return name
}

// Compare orders two names by the language's collation rules (French:
// "Éthiopie" between "Érythrée" and "Fidji", case and accents second).
// A collator is not safe for concurrent use, so each call makes its own;
// sort many names with SortFunc instead.
func (l *Locale) Compare(a, b string) int { return collate.New(l.lang).CompareString(a, b) }

// SortFunc sorts items by the name key gives, in the language's collation.
func SortFunc[T any](l *Locale, items []T, key func(T) string) {
	c := collate.New(l.lang)
	slices.SortStableFunc(items, func(a, b T) int { return c.CompareString(key(a), key(b)) })
}

// Lang is the language of the catalogue, for matching and display.
func (l *Locale) Lang() language.Tag { return l.lang }

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
	return l.Tf("problem.line", l.Field(fe.Field), msg)
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
