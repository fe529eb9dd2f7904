package access

import (
	"testing"
	"time"
)

func TestNormalName(t *testing.T) {
	same := [][2]string{
		{"Médecins Sans Frontières", "Medecins sans frontieres"},
		{"Médecins Sans Frontières", "  MÉDECINS-SANS   FRONTIÈRES! "},
		{"M.S.F.", "MSF"},
		{"Norwegian Refugee Council (NRC)", "norwegian refugee council nrc"},
		{"Acción contra el Hambre", "Accion Contra El Hambre"},
	}
	for _, p := range same {
		if a, b := NormalName(p[0]), NormalName(p[1]); a != b {
			t.Errorf("NormalName(%q) = %q, NormalName(%q) = %q: want equal", p[0], a, p[1], b)
		}
	}
	differ := [][2]string{
		{"Médecins Sans Frontières", "Médecins du Monde"},
		{"Save the Children", "Save the Children International"},
		{"IRC", "ICRC"},
	}
	for _, p := range differ {
		if a, b := NormalName(p[0]), NormalName(p[1]); a == b {
			t.Errorf("NormalName(%q) = NormalName(%q) = %q: want different", p[0], p[1], a)
		}
	}
	if got := NormalName("Médecins Sans Frontières"); got != "medecins sans frontieres" {
		t.Errorf("NormalName = %q", got)
	}
}

func TestSameOrg(t *testing.T) {
	msf := Org{Slug: "msf", Name: "Médecins Sans Frontières", Acronym: "MSF"}
	cases := []struct {
		o    Org
		want bool
	}{
		{Org{Name: "Medecins sans frontieres"}, true},
		{Org{Name: "Doctors Without Borders", Acronym: "M.S.F."}, true},
		{Org{Name: "MSF"}, true}, // a name equal to the other's acronym
		{Org{Name: "Médecins du Monde", Acronym: "MdM"}, false},
		{Org{Name: "", Acronym: ""}, false},
	}
	for _, c := range cases {
		if got := SameOrg(msf, c.o); got != c.want {
			t.Errorf("SameOrg(msf, %+v) = %v, want %v", c.o, got, c.want)
		}
		if got := SameOrg(c.o, msf); got != c.want {
			t.Errorf("SameOrg(%+v, msf) = %v, want %v (not symmetric)", c.o, got, c.want)
		}
	}
}

func TestParsePeople(t *testing.T) {
	good := map[string]int64{
		"2000000":             2_000_000,
		"2,000,000":           2_000_000,
		"2 000 000":           2_000_000,
		"2\u00a0000\u00a0000": 2_000_000,
		"2\u202f000\u202f000": 2_000_000,
		"2'000'000":           2_000_000,
		" 35 ":                35,
		"999":                 999,
		"12,345":              12_345,
	}
	for in, want := range good {
		if got, ok := ParsePeople(in); !ok || got != want {
			t.Errorf("ParsePeople(%q) = %d, %v; want %d", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "2,00", "2.000.000", "2,000 000", "2,,000", ",000", "2,000,", "1234,567", "-5", "+5", "2e6", "two", "1.5", "99999999999999999999"} {
		if got, ok := ParsePeople(in); ok {
			t.Errorf("ParsePeople(%q) = %d, true; want refused", in, got)
		}
	}
}

func TestTodayInAnyTimeZoneIsNotTheFuture(t *testing.T) {
	// 11:00 UTC on 6 December: in Kiritimati (UTC+14) it is already 7 December.
	now := time.Date(2026, 12, 6, 11, 0, 0, 0, time.UTC)
	ev := Event{CountryCode: "NER", OrgSlug: "icrc", Type: EventOther, Sources: []Source{{Type: SourceInternalReport}}}
	for _, c := range []struct {
		date   string
		future bool
	}{{"2026-12-06", false}, {"2026-12-07", false}, {"2026-12-08", true}, {"2026-12", false}, {"2027", true}} {
		ev.Date, _ = ParseDate(c.date)
		errs, _ := AsErrors(ev.Validate(now))
		fe, got := errs.Field("date")
		if got != c.future || (got && fe.Code != CodeDateFuture) {
			t.Errorf("date %s at %s: problem %+v, want future=%v", c.date, now, fe, c.future)
		}
	}
}
