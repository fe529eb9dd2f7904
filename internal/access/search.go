package access

import (
	"slices"
	"strings"
	"unicode"
)

// Search: what a reader's search text q matches beyond the free text the
// store compares it with. Words that exist only in the message catalogues
// (the labels of statuses, event types, instruments and reason categories,
// the names of countries in each language) and the other names readers
// use for countries are not in the database; MatchText turns q into the
// codes they stand for, so the store can select by code. Every language's
// words count, whatever the reader's: a French reader pasting an English
// label, or an English page asked "expulsé", finds the same records.

// CountryAlternative lists other names readers type for a country (short
// forms, former names, the adjective of its people) besides the name and
// official name of the country list.
type CountryAlternative struct {
	Code  string   // ISO 3166-1 alpha-3
	Names []string // other names, as readers write them
}

// CountryAlternatives is the table of other names. It is data: add a row
// (or a name) when readers are found to search under another name. A name
// matches when the search text is part of it, whatever the case and
// accents, so a name need not be repeated in its shorter forms.
var CountryAlternatives = []CountryAlternative{
	{Code: "AFG", Names: []string{"Afghan"}},
	{Code: "BFA", Names: []string{"Burkinabe", "Burkinabè", "Upper Volta"}},
	{Code: "CIV", Names: []string{"Côte d'Ivoire", "Ivorian"}},
	{Code: "COD", Names: []string{"DRC", "DR Congo", "Congo-Kinshasa", "Zaire", "Congolese"}},
	{Code: "COG", Names: []string{"Congo-Brazzaville", "Congolese"}},
	{Code: "ETH", Names: []string{"Ethiopian"}},
	{Code: "FRA", Names: []string{"French"}},
	{Code: "GBR", Names: []string{"Britain", "British", "UK"}},
	{Code: "MLI", Names: []string{"Malian"}},
	{Code: "MMR", Names: []string{"Burma", "Burmese"}},
	{Code: "NER", Names: []string{"Nigerien"}},
	{Code: "NIC", Names: []string{"Nicaraguan"}},
	{Code: "PAK", Names: []string{"Pakistani"}},
	{Code: "PSE", Names: []string{"occupied Palestinian territory", "oPt", "Palestinian", "Gaza", "West Bank", "East Jerusalem"}},
	{Code: "RUS", Names: []string{"Russian"}},
	{Code: "SDN", Names: []string{"Sudanese"}},
	{Code: "SSD", Names: []string{"South Sudanese"}},
	{Code: "SYR", Names: []string{"Syrian"}},
	{Code: "TUR", Names: []string{"Turkey", "Turkish"}},
	{Code: "USA", Names: []string{"United States", "US", "American"}},
	{Code: "VEN", Names: []string{"Venezuelan"}},
	{Code: "YEM", Names: []string{"Yemeni"}},
}

// SearchLabels gives the words the catalogues of every language show for
// what search text may name (package i18n's Languages has them).
type SearchLabels interface {
	// MatchLabels returns the codes of a vocabulary ("status", "event",
	// "instrument" or "reason") whose label in any language holds q,
	// whatever the case and accents.
	MatchLabels(vocabulary, q string) []string
	// CountryNames are a country's names in every language, given its
	// code and its name in the data, which comes first. The list may be
	// shared: callers do not change it.
	CountryNames(code, name string) []string
}

// TextMatch is what search text stands for besides itself. Zero fields
// add nothing.
type TextMatch struct {
	// Countries are the codes of the countries whose name, official name
	// or alternative name (CountryAlternatives) holds the text.
	Countries []string
	// Terms are more words to look for in free text (stated reasons,
	// descriptions): the names of the matched countries that do not hold
	// the text as typed, so that "French" also finds "relations with
	// France" and "DRC" finds "DR Congo" (none when there would be more
	// than a handful).
	Terms []string
	// Statuses, Events, Instruments and Reasons are the statuses, event
	// types, instruments and reason categories whose label, in any
	// language, holds the text.
	Statuses    []Status
	Events      []EventType
	Instruments []Instrument
	Reasons     []ReasonCategory
}

// minMatchRunes is the shortest text that is matched against labels and
// alternative names: one or two letters are in nearly every word.
const minMatchRunes = 2

// maxTerms bounds the further words: text that many country names hold
// ("an") is too vague to stand for them, and each word is one more
// comparison with every event's text.
const maxTerms = 8

// MatchText works out what q stands for: the countries of the list it
// names (by name, official name, alternative name or name in another
// language), and the statuses, event types, instruments and reason
// categories whose labels in any language hold it. Matching ignores case
// and accents. Text shorter than two letters stands for nothing but
// itself. With labels nil, only the data's own names count.
func MatchText(q string, countries []Country, labels SearchLabels) TextMatch {
	needle := SearchFold(q)
	var m TextMatch
	if len([]rune(needle)) < minMatchRunes {
		return m
	}
	has := func(s string) bool { return s != "" && strings.Contains(SearchFold(s), needle) }
	names := func(c Country) []string {
		list := []string{c.Name, c.OfficialName}
		if labels != nil {
			list = append(list, labels.CountryNames(c.Code, c.Name)[1:]...)
		}
		return list
	}
	byCode := make(map[string]Country, len(countries))
	for _, c := range countries {
		byCode[c.Code] = c
		if slices.ContainsFunc(names(c), has) {
			m.Countries = appendNew(m.Countries, c.Code)
		}
	}
	for _, alt := range CountryAlternatives {
		if _, known := byCode[alt.Code]; known && slices.ContainsFunc(alt.Names, has) {
			m.Countries = appendNew(m.Countries, alt.Code)
		}
	}
	// A matched country's names become further words, but for those that
	// hold the text as typed: free text that holds them holds the text.
	lower := strings.ToLower(strings.TrimSpace(q))
	for _, code := range m.Countries {
		for _, name := range names(byCode[code]) {
			if name != "" && !strings.Contains(strings.ToLower(name), lower) {
				m.Terms = appendNew(m.Terms, name)
			}
		}
	}
	if len(m.Terms) > maxTerms {
		m.Terms = nil
	}
	if labels != nil {
		m.Statuses = matchLabels(labels, "status", q, Statuses)
		m.Events = matchLabels(labels, "event", q, EventTypes)
		m.Instruments = matchLabels(labels, "instrument", q, Instruments)
		m.Reasons = matchLabels(labels, "reason", q, ReasonCategories)
	}
	return m
}

// matchLabels is the values of known whose label in vocabulary holds q, in
// the order of known (a catalogue key that names no value is ignored).
func matchLabels[T ~string](labels SearchLabels, vocabulary, q string, known []T) []T {
	codes := labels.MatchLabels(vocabulary, q)
	var out []T
	for _, v := range known {
		if slices.Contains(codes, string(v)) {
			out = append(out, v)
		}
	}
	return out
}

// SearchFold is s as search compares it: lower case, without the accents
// of Latin letters, with its spaces trimmed.
func SearchFold(s string) string {
	return unaccent.Replace(strings.Map(unicode.ToLower, strings.TrimSpace(s)))
}

// unaccent takes the accents off the lower-case Latin letters of the
// languages the data is written in, and writes the typographic apostrophe
// and French's no-break spaces as a keyboard types them. Why a table and
// not golang.org/x/text's decomposition (NFD, marks removed), as
// NormalName uses: search folds every country's names in every language on
// each uncached search, and with the decomposition
// BenchmarkMatchTextEveryLanguage took 0.99 ms a search against 0.24 ms.
var unaccent = strings.NewReplacer(
	"à", "a", "á", "a", "â", "a", "ã", "a", "ä", "a", "å", "a", "ç", "c", "è", "e", "é", "e", "ê", "e", "ë", "e",
	"ì", "i", "í", "i", "î", "i", "ï", "i", "ñ", "n", "ò", "o", "ó", "o", "ô", "o", "õ", "o", "ö", "o",
	"ù", "u", "ú", "u", "û", "u", "ü", "u", "ý", "y", "ÿ", "y", "ş", "s", "ğ", "g", "ı", "i", "œ", "oe", "æ", "ae",
	"\u2019", "'", "\u00a0", " ", "\u202f", " ",
)

func appendNew[T comparable](list []T, v T) []T {
	if slices.Contains(list, v) {
		return list
	}
	return append(list, v)
}
