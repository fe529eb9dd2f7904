package i18n

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/accesswatch/accesswatch/internal/access"
)

// englishOnly are the key prefixes that stay English by design: the JSON
// API's problem texts and the command line's export warnings are read by
// programs and scripts (docs/api.md says so). No other catalogue has them.
var englishOnly = []string{"api.", "export.flag."}

// isName reports whether key names a country or region in one language
// only (English takes names from the data; see Locale.Country, Region).
func isName(key string) bool {
	return strings.HasPrefix(key, "country.") || strings.HasPrefix(key, "region.")
}

func isEnglishOnly(key string) bool {
	for _, p := range englishOnly {
		if strings.HasPrefix(key, p) {
			return true
		}
	}
	return false
}

// sameInFrench are the French messages that are rightly spelt as in
// English: the site's name, and words French shares with English.
var sameInFrench = map[string]bool{
	"accesswatch": true, "Date": true, "Description": true, "Organisation": true, "Organisations": true,
	"Type": true, "Source": true, "Sources": true, "Version": true, "Pages": true, "Actions": true,
	"Note verbale": true, "Licence": true, "Corrections": true, "Stable": true, "Instruments": true,
	"%s organisation": true, "%s organisations": true, "%s — page %d": true,
	"Source %s — %s": true, "Source %d": true, "public": true, "CSV": true, "JSON": true,
}

// TestCataloguesHaveTheSameKeys fails when a key exists in one catalogue
// and not in another (meta.* formats and the English-only prefixes aside).
func TestCataloguesHaveTheSameKeys(t *testing.T) {
	ls := MustLoadLanguages()
	en := ls.Default()
	for _, l := range ls.All()[1:] {
		for key := range en.messages {
			if strings.HasPrefix(key, "meta.") || isEnglishOnly(key) {
				continue
			}
			if _, ok := l.messages[key]; !ok {
				t.Errorf("%s.txt lacks %s (en: %q)", l.Tag, key, en.messages[key])
			}
		}
		for key := range l.messages {
			if strings.HasPrefix(key, "meta.") || isName(key) {
				continue
			}
			if isEnglishOnly(key) {
				t.Errorf("%s.txt has %s, which stays English (API, command line)", l.Tag, key)
			} else if _, ok := en.messages[key]; !ok {
				t.Errorf("%s.txt has %s, which en.txt does not", l.Tag, key)
			}
		}
	}
}

// TestFrenchIsTranslated fails when a French message is the English one,
// unless it is listed in sameInFrench or holds no word at all ("%s · %s").
func TestFrenchIsTranslated(t *testing.T) {
	en, fr := mustLoad(t, "en"), mustLoad(t, "fr")
	for key, msg := range fr.messages {
		if strings.HasPrefix(key, "meta.") || msg != en.messages[key] || sameInFrench[msg] || !hasWord(msg) {
			continue
		}
		t.Errorf("fr.txt %s is the English %q: translate it, or list it in sameInFrench", key, msg)
	}
}

// hasWord reports whether msg has letters outside its format verbs.
func hasWord(msg string) bool {
	return strings.IndexFunc(verbRE.ReplaceAllString(msg, ""), unicode.IsLetter) >= 0
}

// verbRE finds fmt verbs: %%, %s, %d, %q, %[2]s ...
var verbRE = regexp.MustCompile(`%(%|(\[(\d+)\])?[-+# 0]*\d*(\.\d+)?[a-zA-Z])`)

// verbs lists a message's verbs as "argument:verb", with the argument
// numbered as fmt would (explicit [n] or the next one), sorted.
func verbs(msg string) []string {
	var out []string
	next := 1
	for _, m := range verbRE.FindAllStringSubmatch(msg, -1) {
		if m[1] == "%" {
			continue
		}
		arg := next
		if m[3] != "" {
			arg, _ = strconv.Atoi(m[3])
		}
		next = arg + 1
		out = append(out, fmt.Sprintf("%d:%c", arg, m[0][len(m[0])-1]))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// TestPlaceholdersMatch fails when a message's format verbs differ between
// English and French. Plural forms: each form may use only verbs of the
// family's .other form, .other must match exactly, and a French .one
// (which covers 0 and 1) must show the count, as its .other does.
func TestPlaceholdersMatch(t *testing.T) {
	en, fr := mustLoad(t, "en"), mustLoad(t, "fr")
	for key, msg := range fr.messages {
		if strings.HasPrefix(key, "meta.") || isName(key) {
			continue
		}
		want := verbs(en.messages[key])
		base, form, plural := pluralForm(key)
		if plural && form != "other" {
			other := verbs(en.messages[base+".other"])
			for _, v := range verbs(msg) {
				if !slices.Contains(other, v) {
					t.Errorf("fr.txt %s uses %s, which %s.other (en) does not", key, v, base)
				}
			}
			if form == "one" && !slices.Equal(verbs(msg), verbs(fr.messages[base+".other"])) {
				t.Errorf("fr.txt %s must show every value of %s.other (0 and 1 both read it): %v vs %v",
					key, base, verbs(msg), verbs(fr.messages[base+".other"]))
			}
			continue
		}
		if got := verbs(msg); !slices.Equal(got, want) {
			t.Errorf("fr.txt %s has verbs %v, en.txt %v", key, got, want)
		}
	}
}

func TestVerbsParser(t *testing.T) {
	for msg, want := range map[string][]string{
		"%s: %d x":               {"1:s", "2:d"},
		"%[1]s: 1 x — %[3]s":     {"1:s", "3:s"},
		"100%% of %s":            {"1:s"},
		"%[2]s then %[1]s %s":    {"1:s", "2:s"},
		"no verbs":               nil,
		"%q and %[3]s and %[1]d": {"1:d", "1:q", "3:s"},
	} {
		if got := verbs(msg); !slices.Equal(got, want) {
			t.Errorf("verbs(%q) = %v, want %v", msg, got, want)
		}
	}
}

// TestPlurals checks the CLDR rules through the catalogues: English says
// "0 organisations, 1 organisation, 2 organisations"; French puts 0 with
// 1 in the singular.
func TestPlurals(t *testing.T) {
	en, fr := mustLoad(t, "en"), mustLoad(t, "fr")
	for _, c := range []struct {
		l    *Locale
		n    int64
		want string
	}{
		{en, 0, "0 records"}, {en, 1, "1 record"}, {en, 2, "2 records"}, {en, 1000, "1,000 records"},
		{fr, 0, "0 fiche"}, {fr, 1, "1 fiche"}, {fr, 2, "2 fiches"}, {fr, 2000, "2\u202f000 fiches"},
	} {
		if got := c.l.Count("admin.records.count", c.n); got != c.want {
			t.Errorf("%s Count(%d) = %q, want %q", c.l.Tag, c.n, got, c.want)
		}
	}
	for _, c := range []struct {
		l    *Locale
		n    int64
		want string
	}{
		{en, 0, "organisations flagged"}, {en, 1, "organisation flagged"}, {en, 2, "organisations flagged"},
		{fr, 0, "organisation signalée"}, {fr, 1, "organisation signalée"}, {fr, 2, "organisations signalées"},
	} {
		if got := c.l.Plural("dash.figure.flagged_orgs", c.n); got != c.want {
			t.Errorf("%s Plural(%d) = %q, want %q", c.l.Tag, c.n, got, c.want)
		}
	}
	// indexed verbs: the English singular leaves the count out
	if got := en.Plural("map.country.flagged", 1, "Niger", 1, "Expelled"); got != "Niger: 1 organisation flagged — worst status: Expelled" {
		t.Errorf("got %q", got)
	}
	if got := fr.Plural("map.country.flagged", 0, "Niger", 0, "Expulsée"); got != "Niger\u00a0: 0 organisation signalée — statut le plus grave\u00a0: Expulsée" {
		t.Errorf("got %q", got)
	}
}

// TestPluralFamiliesAreWhole: every family has .other in every catalogue
// and English, whose rules need it, has .one too.
func TestPluralFamiliesAreWhole(t *testing.T) {
	for _, l := range MustLoadLanguages().All() {
		for key := range l.messages {
			// a family is a base with a form other than .other: the
			// vocabularies' "event.other" is no plural
			base, form, ok := pluralForm(key)
			if !ok || form == "other" {
				continue
			}
			for _, need := range []string{".one", ".other"} {
				if !l.Has(base + need) {
					t.Errorf("%s.txt: %s has no %s", l.Tag, base, need)
				}
			}
		}
	}
	if _, err := parse("xx", []byte("meta.months = a b c d e f g h i j k l\nx.one = one\n")); err == nil {
		t.Error("a family without .other was accepted")
	}
}

func TestFrenchFormats(t *testing.T) {
	fr := mustLoad(t, "fr")
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1\u202f000", 2_000_000: "2\u202f000\u202f000", -12345: "-12\u202f345"} {
		if got := fr.Number(n); got != want {
			t.Errorf("Number(%d) = %q, want %q", n, got, want)
		}
	}
	if got := fr.Decimal(1234.5, 1); got != "1\u202f234,5" {
		t.Errorf("Decimal = %q", got)
	}
	if got := mustLoad(t, "en").Decimal(1234.5, 1); got != "1,234.5" {
		t.Errorf("English Decimal = %q", got)
	}
	for in, want := range map[string]string{"2025-06-05": "5 juin 2025", "2025-06": "juin 2025", "2025": "2025", "2025-03-01": "1er mars 2025", "2024-08-15": "15 août 2024"} {
		if got := fr.Date(access.MustParseDate(in)); got != want {
			t.Errorf("Date(%s) = %q, want %q", in, got, want)
		}
	}
	if got := mustLoad(t, "en").Date(access.MustParseDate("2025-03-01")); got != "1 Mar 2025" {
		t.Errorf("English first of month = %q", got)
	}
}

func TestCountryNames(t *testing.T) {
	en, fr := mustLoad(t, "en"), mustLoad(t, "fr")
	for code, want := range map[string]string{"NER": "Niger", "TCD": "Tchad", "BFA": "Burkina Faso", "PSE": "État de Palestine", "ETH": "Éthiopie", "MLI": "Mali", "COD": "République démocratique du Congo"} {
		if got := fr.Country(code, "English name"); got != want {
			t.Errorf("fr Country(%s) = %q, want %q", code, got, want)
		}
	}
	if got := en.Country("TCD", "Chad"); got != "Chad" {
		t.Errorf("en Country(TCD) = %q: English keeps the data's name", got)
	}
	if got := fr.Country("XKX", "Kosovo"); got != "Kosovo" {
		t.Errorf("unknown code: %q", got)
	}
	if got := fr.Region("Western Africa"); got != "Afrique de l’Ouest" {
		t.Errorf("Region = %q", got)
	}
}

func TestFrenchCollation(t *testing.T) {
	fr := mustLoad(t, "fr")
	names := []string{"Tchad", "Éthiopie", "Afghanistan", "Érythrée", "Fidji", "Égypte", "Eswatini"}
	SortFunc(fr, names, func(s string) string { return s })
	want := []string{"Afghanistan", "Égypte", "Érythrée", "Eswatini", "Éthiopie", "Fidji", "Tchad"}
	if !slices.Equal(names, want) {
		t.Errorf("sorted %v, want %v", names, want)
	}
	if fr.Compare("Éthiopie", "Fidji") >= 0 {
		t.Error("Éthiopie should sort before Fidji")
	}
}

func TestFromHeader(t *testing.T) {
	ls := MustLoadLanguages()
	for h, want := range map[string]string{
		"":                            "en",
		"fr-FR,fr;q=0.9":              "fr",
		"fr-CA":                       "fr",
		"fr-BE, en;q=0.5":             "fr",
		"en-GB,en;q=0.9,fr;q=0.8":     "en",
		"en;q=0.1, fr;q=0.9":          "fr",
		"de-DE, fr;q=0.5":             "fr",
		"de-DE, es":                   "en",
		"fr;q=0":                      "en",
		";;;,,==q=fr":                 "en",
		"fr-FR;q=abc":                 "en",
		strings.Repeat("fr-FR,", 200): "en",
		"*":                           "en",
	} {
		if got := ls.FromHeader(h).Tag; got != want {
			t.Errorf("FromHeader(%q) = %s, want %s", h, got, want)
		}
	}
	if ls.Explicit("FR").Tag != "fr" || ls.Explicit("en").Tag != "en" || ls.Explicit("de") != nil || ls.Explicit("fr-FR-xxxxxxxx") != nil {
		t.Error("Explicit")
	}
}

func TestMatchLabels(t *testing.T) {
	ls := MustLoadLanguages()
	for q, want := range map[string][]string{
		"expulsé":  {"expelled"},
		"EXPULSEE": {"expelled"},
		"expelled": {"expelled"},
		"suspend":  {"suspended"},
		"zzz":      nil,
		"":         nil,
	} {
		if got := ls.MatchLabels("status", q); !slices.Equal(got, want) {
			t.Errorf("MatchLabels(status, %q) = %v, want %v", q, got, want)
		}
	}
	if got := ls.MatchLabels("event", "fermeture"); !slices.Equal(got, []string{"offices_closed"}) {
		t.Errorf("event fermeture: %v", got)
	}
	// A keyboard's apostrophe finds the typographic one the catalogue
	// writes ("Retrait de l’autorisation").
	if got := ls.MatchLabels("event", "retrait de l'autorisation"); !slices.Equal(got, []string{"authorisation_withdrawn"}) {
		t.Errorf("event with an apostrophe: %v", got)
	}
	// Labels of other keys do not count: "meta" and countries are not
	// vocabularies search selects by.
	if got := ls.MatchLabels("meta", "janvier"); got != nil {
		t.Errorf("meta: %v", got)
	}
}

func TestCountryNamesInEveryLanguage(t *testing.T) {
	ls := MustLoadLanguages()
	if got := ls.CountryNames("TCD", "Chad"); !slices.Equal(got, []string{"Chad", "Tchad"}) {
		t.Errorf("Chad: %v", got)
	}
	if got := ls.CountryNames("NER", "Niger"); !slices.Equal(got, []string{"Niger"}) {
		t.Errorf("Niger: %v", got)
	}
	if got := ls.CountryNames("PSE", "Palestine"); !slices.Contains(got, "État de Palestine") {
		t.Errorf("Palestine: %v", got)
	}
}

func mustLoad(t *testing.T, tag string) *Locale {
	t.Helper()
	l, err := Load(tag)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// TestFromHeaderFastPath: a header naming no other language is answered
// without allocating (it runs on every cached page view).
func TestFromHeaderFastPath(t *testing.T) {
	ls := MustLoadLanguages()
	if n := testing.AllocsPerRun(100, func() { _ = ls.FromHeader("en-US,en;q=0.9,de;q=0.5") }); n != 0 {
		t.Errorf("%v allocations", n)
	}
	if ls.FromHeader("FR-fr").Tag != "fr" {
		t.Error("upper-case French tag not recognised")
	}
}
