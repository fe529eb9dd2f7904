package i18n

import (
	"strings"
	"testing"
	"time"

	"github.com/accesswatch/accesswatch/internal/access"
)

// TestEveryCodeHasALabel makes sure no vocabulary value or validation problem
// reaches a page as a raw key.
func TestEveryCodeHasALabel(t *testing.T) {
	l := English()
	var keys []string
	for _, v := range access.Statuses {
		keys = append(keys, "status."+string(v))
	}
	for _, v := range access.EventTypes {
		keys = append(keys, "event."+string(v))
	}
	for _, v := range access.Initiators {
		keys = append(keys, "initiator."+string(v))
	}
	for _, v := range access.OrgTypes {
		keys = append(keys, "orgtype."+string(v))
	}
	for _, v := range access.Instruments {
		keys = append(keys, "instrument."+string(v))
	}
	for _, v := range access.ReasonCategories {
		keys = append(keys, "reason."+string(v))
	}
	for _, v := range access.ConstraintCategories {
		keys = append(keys, "constraint."+string(v))
	}
	for _, v := range access.ReachBases {
		keys = append(keys, "basis."+string(v))
	}
	for _, v := range access.SourceTypes {
		keys = append(keys, "sourcetype."+string(v))
	}
	for _, code := range []string{access.CodeRequired, access.CodeTooLong, access.CodeInvalidUTF8, access.CodeControlChars, access.CodeInvisibleChars,
		access.CodeUnknownValue, access.CodeDateFormat, access.CodeDateFuture, access.CodeNotHTTPURL, access.CodeSlugFormat,
		access.CodeCountryFormat, access.CodeOutOfRange, access.CodeNotANumber, access.CodeBasisRequired, access.CodeClassLevel,
		access.CodeSourceRequired} {
		keys = append(keys, "problem."+code)
	}
	for _, k := range keys {
		if !l.Has(k) {
			t.Errorf("en.txt has no %s", k)
		}
	}
}

// TestProblemsNameTheirFields checks every field a validator can report has a label.
func TestProblemsNameTheirFields(t *testing.T) {
	l := English()
	bad := access.Event{CountryCode: "x", OrgSlug: "X", Type: "x", StatusAfter: "x", InitiatedBy: "x", Instrument: "x",
		ReasonCategory: "x", Constraint: "x", Verification: "x", Reach: &access.Reach{People: -1, Basis: "x"},
		PresenceSince: 1, Authority: "\x00", Reason: "\xff", Description: strings.Repeat("x", 5000),
		Sources: []access.Source{{URL: "javascript:x", Type: "x"}}}
	errs, _ := access.AsErrors(bad.Validate(testNow()))
	if len(errs) < 10 {
		t.Fatalf("expected many problems, got %v", errs)
	}
	for _, fe := range errs {
		if !l.Has("field." + fe.Field) {
			t.Errorf("no label for field %q", fe.Field)
		}
		msg := l.Problem(fe)
		if strings.Contains(msg, "problem.") || strings.Contains(msg, "%!") {
			t.Errorf("unreadable message %q", msg)
		}
	}
	if got := l.Problem(access.FieldError{Field: "authority", Code: access.CodeTooLong, Limit: 200}); got != "Authority: keep it to 200 characters or fewer." {
		t.Errorf("got %q", got)
	}
}

func TestFormats(t *testing.T) {
	l := English()
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 2_000_000: "2,000,000", -12345: "-12,345"} {
		if got := l.Number(n); got != want {
			t.Errorf("Number(%d) = %q, want %q", n, got, want)
		}
	}
	if got := l.Date(access.MustParseDate("2025-06-05")); got != "5 Jun 2025" {
		t.Errorf("got %q", got)
	}
	if got := l.Status(access.StatusOrderedToLeave); got != "Ordered to leave" {
		t.Errorf("got %q", got)
	}
}

func TestParseRejectsBrokenCatalogues(t *testing.T) {
	for name, raw := range map[string]string{
		"no equals":  "meta.months = a b c d e f g h i j k l\nbroken line\n",
		"duplicate":  "meta.months = a b c d e f g h i j k l\nx = 1\nx = 2\n",
		"few months": "meta.months = Jan Feb\n",
	} {
		if _, err := parse("xx", []byte(raw)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := Load("zz"); err == nil {
		t.Error("Load of a missing language succeeded")
	}
}

func testNow() time.Time { return time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC) }
