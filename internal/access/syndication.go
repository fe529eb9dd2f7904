package access

import "strings"

// Syndication: many sources are copies of a news agency's story carried by
// another outlet. The data records them in the publisher field, in the
// forms the data's README describes: "AP, via Monterey Herald" (the agency
// first) or "Daily Sabah (AP)" and "Cyberlego (AFP copy)" (the outlet
// first, the agency in brackets). No separate field is needed; Syndicated
// reads the publisher.

// newsAgencies are the wire services whose name in brackets after an
// outlet marks a syndicated copy (other brackets are notes: "Le Matinal
// (Benin)", "DW (live blog)").
var newsAgencies = []string{"AP", "AFP", "Reuters", "EFE", "PTI", "APP", "DPA", "ANSA", "Xinhua", "Anadolu", "IANS", "UNI", "Lusa"}

// Syndicated reports whether the source is a copy of another's story, with
// the original (the agency or agencies, "AP" or "AP/AFP") and the outlet
// that carried it.
func (s Source) Syndicated() (original, carrier string, ok bool) {
	p := strings.TrimSpace(s.Publisher)
	if i := strings.LastIndex(p, ", via "); i > 0 {
		original, carrier = strings.TrimSpace(p[:i]), strings.TrimSpace(p[i+len(", via "):])
		return original, carrier, original != "" && carrier != ""
	}
	open := strings.LastIndex(p, " (")
	if open <= 0 || !strings.HasSuffix(p, ")") {
		return "", "", false
	}
	inner := strings.TrimSuffix(p[open+2:len(p)-1], " copy")
	parts := strings.FieldsFunc(inner, func(r rune) bool { return r == '/' || r == ',' })
	if len(parts) == 0 {
		return "", "", false
	}
	for i, part := range parts {
		part = strings.TrimSpace(part)
		if !isAgency(part) {
			return "", "", false
		}
		parts[i] = part
	}
	return strings.Join(parts, "/"), strings.TrimSpace(p[:open]), true
}

func isAgency(name string) bool {
	for _, a := range newsAgencies {
		if strings.EqualFold(a, name) {
			return true
		}
	}
	return false
}
