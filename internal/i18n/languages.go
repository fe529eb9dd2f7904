package i18n

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"golang.org/x/text/language"

	"github.com/accesswatch/accesswatch/internal/access"
)

// Tags are the languages accesswatch speaks, the default first.
var Tags = []string{"en", "fr"}

// Languages is every catalogue, loaded once, with the matcher that picks
// one for a reader. It is read only and safe for concurrent use.
type Languages struct {
	byTag   map[string]*Locale
	list    []*Locale
	matcher language.Matcher
	// labels are the vocabulary's labels in every catalogue, folded once
	// at load for MatchLabels.
	labels []vocabularyLabel
	// countryNames caches CountryNames by countryKey: a search looks up
	// every country's names, and CLDR's lookups were most of its cost:
	// BenchmarkMatchTextEveryLanguage measured about 0.43 ms a search
	// without the cache, 0.22 ms with it, on this project's build machine.
	countryNames sync.Map
}

// countryKey is a country as CountryNames is asked for it.
type countryKey struct{ code, name string }

// vocabularyLabel is one label of a coded value ("status.expelled =
// Expulsée") as search compares it.
type vocabularyLabel struct {
	vocabulary, code, folded string
}

// LoadLanguages loads the catalogue of every tag in Tags.
func LoadLanguages() (*Languages, error) {
	ls := &Languages{byTag: map[string]*Locale{}}
	var tags []language.Tag
	for _, t := range Tags {
		l, err := Load(t)
		if err != nil {
			return nil, err
		}
		ls.byTag[t] = l
		ls.list = append(ls.list, l)
		tags = append(tags, l.lang)
	}
	ls.matcher = language.NewMatcher(tags)
	for _, l := range ls.list {
		for key, msg := range l.messages {
			vocabulary, code, ok := strings.Cut(key, ".")
			if !ok || strings.Contains(code, ".") || !slices.Contains(searchedVocabularies, vocabulary) {
				continue
			}
			ls.labels = append(ls.labels, vocabularyLabel{vocabulary: vocabulary, code: code, folded: access.SearchFold(msg)})
		}
	}
	return ls, nil
}

// MustLoadLanguages is LoadLanguages for the embedded catalogues, which a
// test loads: it panics on error.
func MustLoadLanguages() *Languages {
	ls, err := LoadLanguages()
	if err != nil {
		panic(fmt.Sprintf("i18n: %v", err))
	}
	return ls
}

// Default is the catalogue used when nothing else decides: English.
func (ls *Languages) Default() *Locale { return ls.list[0] }

// All lists the catalogues in the order of Tags.
func (ls *Languages) All() []*Locale { return ls.list }

// Get returns the catalogue of tag ("en", "fr"), or nil.
func (ls *Languages) Get(tag string) *Locale { return ls.byTag[tag] }

// Explicit returns the catalogue a ?lang= value names exactly ("fr",
// "en"; case-insensitive), or nil for anything else.
func (ls *Languages) Explicit(v string) *Locale {
	if len(v) > 8 {
		return nil
	}
	return ls.byTag[strings.ToLower(v)]
}

// FromHeader picks the catalogue for an Accept-Language header, honouring
// q-values: "fr-FR,fr;q=0.9" and "fr-CA" give French, "de, fr;q=0.5"
// French (the only one of ours the reader accepts), "en;q=0.1, fr;q=0.9"
// French. An empty or malformed header, or one naming none of our
// languages, gives the default. Headers without the letters "fr" are
// answered without parsing: this runs on every cached page view.
func (ls *Languages) FromHeader(h string) *Locale {
	if h == "" || len(h) > 512 || !mentionsOther(h, ls) {
		return ls.Default()
	}
	tags, _, err := language.ParseAcceptLanguage(h)
	if err != nil || len(tags) == 0 {
		return ls.Default()
	}
	_, i, conf := ls.matcher.Match(tags...)
	if conf == language.No {
		return ls.Default()
	}
	return ls.list[i]
}

// mentionsOther reports whether h could name a language other than the
// default: whether it contains the tag of one, in any case. It allocates
// nothing.
func mentionsOther(h string, ls *Languages) bool {
	for _, l := range ls.list[1:] {
		for i := 0; i+len(l.Tag) <= len(h); i++ {
			if strings.EqualFold(h[i:i+len(l.Tag)], l.Tag) {
				return true
			}
		}
	}
	return false
}

// searchedVocabularies are the catalogue prefixes whose labels search
// text may name: statuses, event types, instruments, reason categories.
var searchedVocabularies = []string{"status", "event", "instrument", "reason"}

// MatchLabels returns the codes of vocabulary ("status", "event",
// "instrument" or "reason") whose label in any catalogue contains q,
// compared as search compares text (access.SearchFold: without regard to
// case, accents or the kind of apostrophe and space): "expulsé", "EXPULSEE" and "expelled" all give "expelled" for
// "status". It is how a search finds a record by a label in either
// language. The codes come sorted, each once.
func (ls *Languages) MatchLabels(vocabulary, q string) []string {
	q = access.SearchFold(q)
	if q == "" {
		return nil
	}
	var codes []string
	for _, lb := range ls.labels {
		if lb.vocabulary == vocabulary && !slices.Contains(codes, lb.code) && strings.Contains(lb.folded, q) {
			codes = append(codes, lb.code)
		}
	}
	slices.Sort(codes)
	return codes
}

// CountryNames are the names of a country in every catalogue (see
// Locale.Country), each once: name, the data's English name, first. The
// list is shared: callers must not change it.
func (ls *Languages) CountryNames(code, name string) []string {
	key := countryKey{code, name}
	if v, ok := ls.countryNames.Load(key); ok {
		return v.([]string)
	}
	names := []string{name}
	for _, l := range ls.list {
		if n := l.Country(code, name); !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	ls.countryNames.Store(key, names)
	return names
}
