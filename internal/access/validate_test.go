package access

import (
	"strings"
	"testing"
	"time"
)

var testNow = time.Date(2025, 7, 1, 12, 0, 0, 0, time.UTC)

func validEvent() Event {
	return Event{
		CountryCode: "NER", OrgSlug: "icrc", Date: MustParseDate("2025-06-05"),
		Type: EventOfficesClosed, StatusAfter: StatusExpelled, InitiatedBy: InitiatedByAuthority,
		Reach:   &Reach{People: 2_000_000, Basis: ReachCumulative},
		Sources: []Source{{Publisher: "AP", URL: "https://example.org/icrc", Type: SourceNews}},
	}
}

func TestEventValidate(t *testing.T) {
	if err := validEvent().Validate(testNow); err != nil {
		t.Fatalf("valid event rejected: %v", err)
	}
	tests := []struct {
		name  string
		edit  func(*Event)
		field string
		code  string
	}{
		{"bad country", func(e *Event) { e.CountryCode = "ner" }, "country", CodeCountryFormat},
		{"bad slug", func(e *Event) { e.OrgSlug = "ICRC!" }, "org", CodeSlugFormat},
		{"no date", func(e *Event) { e.Date = Date{} }, "date", CodeRequired},
		{"impossible date", func(e *Event) { e.Date = Date{Year: 2025, Month: 2, Day: 30, Precision: PrecisionDay} }, "date", CodeDateFormat},
		{"future date", func(e *Event) { e.Date = MustParseDate("2025-07-03") }, "date", CodeDateFuture}, // two days ahead: tomorrow is today in UTC+14
		{"no type", func(e *Event) { e.Type = "" }, "event_type", CodeRequired},
		{"unknown type", func(e *Event) { e.Type = "coup" }, "event_type", CodeUnknownValue},
		{"unknown status", func(e *Event) { e.StatusAfter = "closed" }, "status", CodeUnknownValue},
		{"until before the date", func(e *Event) { e.Until = MustParseDate("2024") }, "until", CodeOutOfRange},
		{"negative people affected", func(e *Event) { n := int64(-1); e.PeopleAffected = &n }, "people_affected", CodeOutOfRange},
		{"unknown initiator", func(e *Event) { e.InitiatedBy = "aliens" }, "initiated_by", CodeUnknownValue},
		{"long authority", func(e *Event) { e.Authority = strings.Repeat("é", MaxShortText+1) }, "authority", CodeTooLong},
		{"invalid utf8", func(e *Event) { e.Reason = "bad \xff byte" }, "reason", CodeInvalidUTF8},
		{"control chars", func(e *Event) { e.Authority = "a\x00b" }, "authority", CodeControlChars},
		{"noncharacter U+FFFE", func(e *Event) { e.Authority = "a\uFFFEb" }, "authority", CodeInvisibleChars},
		{"noncharacter U+FFFF", func(e *Event) { e.Description = "a\uFFFF" }, "description", CodeInvisibleChars},
		{"noncharacter U+FDD0", func(e *Event) { e.Reason = "\uFDD0" }, "reason", CodeInvisibleChars},
		{"noncharacter U+FDEF", func(e *Event) { e.Sources[0].Title = "x\uFDEF" }, "source_title", CodeInvisibleChars},
		{"plane-final U+1FFFE", func(e *Event) { e.Sources[0].Publisher = "x\U0001FFFE" }, "source_publisher", CodeInvisibleChars},
		{"plane-final U+10FFFF", func(e *Event) { e.Authority = "x\U0010FFFF" }, "authority", CodeInvisibleChars},
		{"right-to-left override", func(e *Event) { e.Authority = "Ministry \u202Eyrtsinim" }, "authority", CodeInvisibleChars},
		{"left-to-right embedding", func(e *Event) { e.Description = "\u202Ax" }, "description", CodeInvisibleChars},
		{"first strong isolate", func(e *Event) { e.Reason = "\u2068x\u2069" }, "reason", CodeInvisibleChars},
		{"left-to-right isolate", func(e *Event) { e.Authority = "\u2066x" }, "authority", CodeInvisibleChars},
		{"negative people", func(e *Event) { e.Reach.People = -1 }, "people", CodeOutOfRange},
		{"absurd people", func(e *Event) { e.Reach.People = MaxPeople + 1 }, "people", CodeOutOfRange},
		{"people without basis", func(e *Event) { e.Reach.Basis = "" }, "people_basis", CodeBasisRequired},
		{"presence in future", func(e *Event) { e.PresenceSince = 2030 }, "presence_since", CodeOutOfRange},
		{"no source", func(e *Event) { e.Sources = nil }, "source_url", CodeSourceRequired},
		{"javascript url", func(e *Event) { e.Sources[0].URL = "javascript:alert(1)" }, "source_url", CodeNotHTTPURL},
		{"relative url", func(e *Event) { e.Sources[0].URL = "/etc/passwd" }, "source_url", CodeNotHTTPURL},
		{"url with space", func(e *Event) { e.Sources[0].URL = "https://a.org/x y" }, "source_url", CodeNotHTTPURL},
		{"url with credentials", func(e *Event) { e.Sources[0].URL = "https://u:p@a.org/" }, "source_url", CodeNotHTTPURL},
		{"missing url", func(e *Event) { e.Sources[0].URL = "" }, "source_url", CodeRequired},
		{"missing publisher", func(e *Event) { e.Sources[0].Publisher = " " }, "source_publisher", CodeRequired},
		{"long description", func(e *Event) { e.Description = strings.Repeat("x", MaxLongText+1) }, "description", CodeTooLong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := validEvent()
			r := *ev.Reach
			ev.Reach = &r
			ev.Sources = append([]Source(nil), ev.Sources...)
			tt.edit(&ev)
			err := ev.Validate(testNow)
			errs, ok := AsErrors(err)
			if !ok {
				t.Fatalf("Validate = %v, want Errors", err)
			}
			fe, ok := errs.Field(tt.field)
			if !ok || fe.Code != tt.code {
				t.Errorf("got %v, want %s: %s", errs, tt.field, tt.code)
			}
		})
	}
}

func TestEventValidateReportsEveryProblem(t *testing.T) {
	ev := Event{CountryCode: "x", Type: "nope", Sources: []Source{{URL: "ftp://a"}}}
	errs, _ := AsErrors(ev.Validate(testNow))
	for _, f := range []string{"country", "date", "event_type", "source_url"} {
		if _, ok := errs.Field(f); !ok {
			t.Errorf("no problem reported for %s in %v", f, errs)
		}
	}
}

func TestInternalReportNeedsNoURL(t *testing.T) {
	ev := validEvent()
	ev.Sources = []Source{{Type: SourceInternalReport}}
	if err := ev.Validate(testNow); err != nil {
		t.Errorf("internal report rejected: %v", err)
	}
	ev.Sources = []Source{{Type: SourceInternalReport, URL: "javascript:x"}}
	if err := ev.Validate(testNow); err == nil {
		t.Error("a bad URL is rejected even on an internal report")
	}
}

func TestOrgValidate(t *testing.T) {
	ok := Org{Slug: "msf-holland", Name: "Médecins Sans Frontières", Acronym: "MSF-H", Type: OrgINGO, Website: "https://msf.org"}
	if err := ok.Validate(); err != nil {
		t.Fatalf("valid org rejected: %v", err)
	}
	bad := Org{Slug: "-x", Name: "", Type: "club", Website: "javascript:void(0)"}
	errs, _ := AsErrors(bad.Validate())
	for _, f := range []string{"slug", "name", "type", "website"} {
		if _, ok := errs.Field(f); !ok {
			t.Errorf("no problem for %s in %v", f, errs)
		}
	}
}

// TestTextKeepsOrdinaryUnicode: the characters refused as invisible are
// exactly the noncharacters and the bidirectional controls; their
// neighbours, other scripts and marks that do not reorder text pass.
func TestTextKeepsOrdinaryUnicode(t *testing.T) {
	for _, name := range []string{"Médecins Sans Frontières", "الهلال الأحمر", "a\u200Fb (RLM)", "\uFDCF\uFDF0", "\uFFFD\uFFFC", "\U0001FFFD emoji-plane", "\u2065\u206A", "\u2029\u2060"} {
		o := Org{Slug: "x", Name: name, Type: OrgINGO}
		err := o.Validate()
		if errs, ok := AsErrors(err); ok {
			if fe, bad := errs.Field("name"); bad && fe.Code == CodeInvisibleChars {
				t.Errorf("%q refused as invisible", name)
			}
		}
	}
	o := Org{Slug: "x", Name: "Relief \u202Eorg", Type: OrgINGO}
	errs, _ := AsErrors(o.Validate())
	if fe, ok := errs.Field("name"); !ok || fe.Code != CodeInvisibleChars {
		t.Errorf("an override in an organisation name: %v", errs)
	}
}

func TestSeverityValidate(t *testing.T) {
	if err := (SeverityScore{Score: 4, Date: MustParseDate("2025-06"), Publisher: "ACAPS"}).Validate(testNow); err != nil {
		t.Fatal(err)
	}
	errs, _ := AsErrors(SeverityScore{Score: 6}.Validate(testNow))
	if _, ok := errs.Field("score"); !ok || len(errs) != 3 {
		t.Errorf("got %v", errs)
	}
}
