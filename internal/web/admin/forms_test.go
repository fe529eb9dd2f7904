package admin

import (
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/auth"
)

func TestDecodeFieldsIsStrict(t *testing.T) {
	spec := formSpec{"a": {max: 3, required: true}, "b": {max: 5}}
	for body, want := range map[string]string{
		"a=x&b=y":        "",
		"a=x":            "", // optional b may be absent
		"a=x&a=y":        "duplicate_field",
		"a=x&b=1&b=1":    "duplicate_field",
		"a=x&c=1":        "unexpected_field",
		"a=x&A=1":        "unexpected_field", // names are exact
		"a=x&b%00=1":     "unexpected_field",
		"a=abcd":         access.CodeTooLong,
		"a=":             access.CodeRequired,
		"b=y":            access.CodeRequired,
		"a=%ff":          access.CodeInvalidUTF8,
		"a=%C3%A9%C3%A9": "", // two characters, four bytes: limits count characters
	} {
		values, err := url.ParseQuery(body)
		if err != nil {
			t.Fatalf("%s: %v", body, err)
		}
		fields, problems, err := decodeFields(values, spec)
		var fe *formError
		got := ""
		switch {
		case errors.As(err, &fe):
			got = fe.code
		case len(problems) > 0:
			got = problems[0].Code
		}
		if got != want {
			t.Errorf("%q: got %q, want %q", body, got, want)
		}
		if err == nil && !utf8.ValidString(fields["a"]) {
			t.Errorf("%q: invalid UTF-8 returned for display", body)
		}
	}
}

func TestDecodeEvent(t *testing.T) {
	v := actedEvent("7")
	v.Set("people", "1500")
	v.Set("people_basis", "annual")
	in, problems, err := decodeEvent(v, access.EditEvent)
	if err != nil || len(problems) > 0 {
		t.Fatalf("%v %v", err, problems)
	}
	ev := in.Event
	if in.Version != 7 || ev.Type != access.EventResumptionAuthorised || ev.StatusAfter != access.StatusOperating ||
		ev.Date.ISO() != "2026-02-20" || ev.Reach == nil || ev.Reach.People != 1500 || ev.Reach.Basis != access.ReachAnnual ||
		len(ev.Sources) != 1 || ev.Sources[0].Type != access.SourceNews {
		t.Errorf("decoded %+v", in)
	}
	v.Set("status", access.StatusUnchanged)
	if in, _, _ := decodeEvent(v, access.EditEvent); in.Event.StatusAfter != "" {
		t.Errorf("unchanged → %q", in.Event.StatusAfter)
	}
	// A review has a fixed type and no status; without a URL it is the
	// editor's own check.
	review := url.Values{"date": {"2026-03"}, "description": {""}, "source_url": {""}, "source_publisher": {""}, "source_title": {""}, "version": {"3"}}
	in, problems, err = decodeEvent(review, access.EditReview)
	if err != nil || len(problems) > 0 || in.Event.Type != access.EventReviewed || in.Event.StatusAfter != "" ||
		in.Event.Sources[0].Type != access.SourceInternalReport || in.Event.Date.Precision != access.PrecisionMonth {
		t.Errorf("review %+v %v %v", in, problems, err)
	}
	if _, _, err := decodeEvent(actedEvent("3"), access.EditReview); err == nil {
		t.Error("the review form accepted the event form's fields")
	}
}

// fuzzBodies are seeds: valid forms, and the shapes of attacks.
func fuzzBodies(valid url.Values) []string {
	body := valid.Encode()
	return []string{
		body, "", "&&&", "=", "a=b", body + "&" + body, body + "&version=1", "version=%ff", body + "&x=%00",
		strings.Replace(body, "=", "=%ff", 1), "event_type=" + strings.Repeat("x", 5000), body + ";x=y", "%zz=1",
	}
}

// checkDecoded holds for every decoder: what it accepts without problems
// is valid UTF-8 within its limits, and it never accepts a repeated or
// unknown field.
func checkDecoded(t *testing.T, body string, spec formSpec, fields map[string]string, problems access.Errors, err error) {
	t.Helper()
	values, _ := url.ParseQuery(body)
	for name, vs := range values {
		if _, known := spec[name]; (!known || len(vs) > 1) && err == nil {
			t.Fatalf("%q: accepted field %q ×%d", body, name, len(vs))
		}
	}
	if err != nil {
		return
	}
	for name, v := range fields {
		if !utf8.ValidString(v) {
			t.Fatalf("%q: field %s is not valid UTF-8 after decoding", body, name)
		}
		if _, bad := problems.Field(name); !bad && utf8.RuneCountInString(v) > spec[name].max {
			t.Fatalf("%q: field %s over its limit without a problem", body, name)
		}
	}
}

var fuzzNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func FuzzDecodeEvent(f *testing.F) {
	for _, b := range fuzzBodies(actedEvent("2")) {
		f.Add(b, uint8(0))
	}
	f.Fuzz(func(t *testing.T, body string, m uint8) {
		values, err := url.ParseQuery(body)
		if err != nil {
			return
		}
		mode := access.RecordEdit(m % 3)
		in, problems, err := decodeEvent(values, mode)
		spec := map[access.RecordEdit]formSpec{access.EditEvent: eventSpec, access.EditReview: reviewSpec, access.EditCreate: createSpec}[mode]
		checkDecoded(t, body, spec, in.Fields, problems, err)
		if err == nil {
			_ = in.Event.Validate(fuzzNow) // must not panic either
			for _, s := range in.Event.Sources {
				if s.URL != "" && !access.IsHTTPURL(s.URL) && len(merge(problems, in.Event.Validate(fuzzNow))) == 0 {
					t.Fatalf("%q: non-http source %q passes", body, s.URL)
				}
			}
		}
	})
}

func FuzzDecodeLogin(f *testing.F) {
	for _, b := range fuzzBodies(url.Values{"username": {"ed"}, "password": {"x"}, "next": {"/admin/"}}) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, body string) {
		values, err := url.ParseQuery(body)
		if err != nil {
			return
		}
		fields, problems, err := decodeLogin(values)
		checkDecoded(t, body, loginSpec, fields, problems, err)
		if err == nil {
			if next := safeNext(fields["next"]); !strings.HasPrefix(next, "/admin/") || strings.Contains(next, "//") {
				t.Fatalf("%q: next %q leaves the admin area", body, next)
			}
		}
	})
}

func FuzzDecodeOrg(f *testing.F) {
	for _, b := range fuzzBodies(url.Values{"slug": {"x"}, "name": {"X"}, "acronym": {""}, "type": {"ingo"}, "website": {""}}) {
		f.Add(b, false)
	}
	f.Fuzz(func(t *testing.T, body string, edit bool) {
		values, err := url.ParseQuery(body)
		if err != nil {
			return
		}
		slug, spec := "", newOrgSpec
		if edit {
			slug, spec = "acted", editOrgSpec
		}
		in, problems, err := decodeOrg(values, slug)
		checkDecoded(t, body, spec, in.Fields, problems, err)
		if err == nil && len(problems) == 0 && in.Org.Validate() != nil {
			t.Fatalf("%q: invalid organisation accepted: %+v", body, in.Org)
		}
	})
}

func FuzzDecodeSeverity(f *testing.F) {
	for _, b := range fuzzBodies(url.Values{"score": {"3"}, "score_date": {"2025-01"}, "score_publisher": {"ACAPS"}, "score_url": {""}}) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, body string) {
		values, err := url.ParseQuery(body)
		if err != nil {
			return
		}
		sc, fields, problems, err := decodeSeverity(values)
		checkDecoded(t, body, severitySpec, fields, problems, err)
		if err == nil && len(merge(problems, sc.Validate(fuzzNow))) == 0 && (sc.Score < 0 || sc.Score > 5) {
			t.Fatalf("%q: score %d accepted", body, sc.Score)
		}
	})
}

func FuzzDecodeUser(f *testing.F) {
	for _, b := range fuzzBodies(url.Values{"username": {"ed"}, "role": {"editor"}, "password": {"long enough"}}) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, body string) {
		values, err := url.ParseQuery(body)
		if err != nil {
			return
		}
		nu, pw, fields, problems, err := decodeNewUser(values)
		checkDecoded(t, body, newUserSpec, fields, problems, err)
		if err == nil && len(problems) == 0 && (!auth.ValidName(nu.Name) || !nu.Role.Valid() || auth.CheckPassword(pw) != nil) {
			t.Fatalf("%q: accepted %+v", body, nu)
		}
		pw, current, problems, err := decodePassword(values)
		if err == nil && len(problems) == 0 && (auth.CheckPassword(pw) != nil || strings.TrimSpace(current) == "") {
			t.Fatalf("%q: accepted password %q (current %q)", body, pw, current)
		}
	})
}

// actedEvent is a valid record-an-event form lifting Acted's ban in Niger,
// at the given version.
func actedEvent(version string) url.Values {
	return url.Values{
		"event_type": {"resumption_authorised"}, "status": {"operating"}, "date": {"2026-02-20"},
		"initiated_by": {"authority"}, "authority": {"Ministry of the Interior"}, "instrument": {"decree"},
		"reason": {""}, "reason_category": {""}, "people": {""}, "people_basis": {""},
		"description": {"Authorisation restored by decree"}, "source_url": {"https://example.org/acted-niger"},
		"source_publisher": {"Example News"}, "source_title": {"Niger lifts Acted ban"}, "source_type": {"news"},
		"version": {version},
	}
}
