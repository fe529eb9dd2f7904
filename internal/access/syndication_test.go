package access

import "testing"

func TestSyndicated(t *testing.T) {
	for _, tc := range []struct {
		publisher, original, carrier string
	}{
		{"AP, via Monterey Herald", "AP", "Monterey Herald"},
		{"Times of Israel (Reuters), via NewsBeep", "Times of Israel (Reuters)", "NewsBeep"},
		{"Daily Sabah (AP)", "AP", "Daily Sabah"},
		{"Hindustan Times (AP/AFP)", "AP/AFP", "Hindustan Times"},
		{"RFE/RL (Reuters, AP, AFP)", "Reuters/AP/AFP", "RFE/RL"},
		{"Cyberlego (AFP copy)", "AFP", "Cyberlego"},
		{"Le Matinal (Benin)", "", ""},
		{"DW (live blog)", "", ""},
		{"LNG in Northern BC (wire copy)", "", ""},
		{"Havana Times (EFE/Confidencial)", "", ""},
		{"Al Jazeera", "", ""},
		{"", "", ""},
	} {
		o, c, ok := Source{Publisher: tc.publisher}.Syndicated()
		if o != tc.original || c != tc.carrier || ok != (tc.original != "") {
			t.Errorf("%q: %q via %q (%v), want %q via %q", tc.publisher, o, c, ok, tc.original, tc.carrier)
		}
	}
}
