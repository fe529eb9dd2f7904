package access

import (
	"slices"
	"strings"
	"testing"
)

// testLabels is a second language's catalogue: labels by key, and
// country names by code ("country.TCD").
type testLabels map[string]string

func (l testLabels) MatchLabels(vocabulary, q string) []string {
	var codes []string
	for key, label := range l {
		if code, ok := strings.CutPrefix(key, vocabulary+"."); ok && strings.Contains(SearchFold(label), SearchFold(q)) {
			codes = append(codes, code)
		}
	}
	// A key that names no value must be ignored.
	return append(codes, "no_such_value")
}

func (l testLabels) CountryNames(code, name string) []string {
	if n, ok := l["country."+code]; ok {
		return []string{name, n}
	}
	return []string{name}
}

func TestMatchText(t *testing.T) {
	countries := []Country{
		{Code: "BFA", Name: "Burkina Faso", OfficialName: "Burkina Faso"},
		{Code: "COD", Name: "DR Congo", OfficialName: "Democratic Republic of the Congo"},
		{Code: "COG", Name: "Republic of the Congo", OfficialName: "Republic of the Congo"},
		{Code: "CIV", Name: "Ivory Coast", OfficialName: "Republic of Côte d'Ivoire"},
		{Code: "FRA", Name: "France", OfficialName: "French Republic"},
		{Code: "PSE", Name: "Palestine", OfficialName: "State of Palestine"},
		{Code: "TCD", Name: "Chad", OfficialName: "Republic of Chad"},
	}
	// A catalogue in another language: matching follows its words.
	fr := testLabels{"instrument.decree": "Décret", "instrument.note_verbale": "Note verbale",
		"reason.gender_policy": "Politique de genre", "reason.security": "Sécurité",
		"status.expelled": "Expulsée", "status.ordered_to_leave": "Sommée de partir",
		"event.offices_closed": "Fermeture des bureaux", "event.staff_detained": "Personnel détenu",
		"country.TCD": "Tchad"}
	for _, tc := range []struct {
		q           string
		countries   []string
		terms       []string
		instruments []Instrument
		reasons     []ReasonCategory
		statuses    []Status
		events      []EventType
	}{
		{q: "burkina", countries: []string{"BFA"}},
		{q: "Burkinabè", countries: []string{"BFA"}, terms: []string{"Burkina Faso"}},
		{q: "DRC", countries: []string{"COD"}, terms: []string{"DR Congo", "Democratic Republic of the Congo"}},
		{q: "congo", countries: []string{"COD", "COG"}},
		{q: "cote d'ivoire", countries: []string{"CIV"}, terms: []string{"Ivory Coast", "Republic of Côte d'Ivoire"}},
		{q: "French", countries: []string{"FRA"}, terms: []string{"France"}},
		{q: "Gaza", countries: []string{"PSE"}, terms: []string{"Palestine", "State of Palestine"}},
		{q: "decret", instruments: []Instrument{InstrumentDecree}},
		{q: "securite", reasons: []ReasonCategory{ReasonSecurity}},
		{q: "genre", reasons: []ReasonCategory{ReasonGenderPolicy}},
		{q: "expulsé", statuses: []Status{StatusExpelled}},
		{q: "EXPULSEE", statuses: []Status{StatusExpelled}},
		{q: "fermeture", events: []EventType{EventOfficesClosed}},
		{q: "detenu", events: []EventType{EventStaffDetained}},
		// A country named in the other language; its data name becomes a
		// further word.
		{q: "Tchad", countries: []string{"TCD"}, terms: []string{"Chad", "Republic of Chad"}},
		{q: "e"}, // too short to stand for anything
		{q: "atlantis"},
	} {
		m := MatchText(tc.q, countries, fr)
		if !slices.Equal(m.Countries, tc.countries) || !slices.Equal(m.Terms, tc.terms) ||
			!slices.Equal(m.Instruments, tc.instruments) || !slices.Equal(m.Reasons, tc.reasons) ||
			!slices.Equal(m.Statuses, tc.statuses) || !slices.Equal(m.Events, tc.events) {
			t.Errorf("%q: %+v", tc.q, m)
		}
	}
	// Text that many countries' names hold is too vague to add words.
	var many []Country
	for _, n := range []string{"Aland", "Bland", "Cland", "Dland", "Eland", "Fland", "Gland", "Hland", "Iland", "Jland"} {
		many = append(many, Country{Code: strings.ToUpper(n[:3]), Name: n, OfficialName: "Kingdom of " + n})
	}
	if m := MatchText("kingdom", many, nil); len(m.Countries) != len(many) || m.Terms != nil {
		t.Errorf("kingdom: %+v", m)
	}
	if m := MatchText("kingdom", many[:2], nil); len(m.Terms) != 2 {
		t.Errorf("kingdom of two: %+v", m)
	}
	// Every alternative names a real ISO 3166-1 alpha-3 code, once.
	seen := map[string]bool{}
	for _, a := range CountryAlternatives {
		if !ValidCountryCode(a.Code) || seen[a.Code] || len(a.Names) == 0 {
			t.Errorf("alternative names for %q", a.Code)
		}
		seen[a.Code] = true
	}
}
