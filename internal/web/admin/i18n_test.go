package admin

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/auth"
	"github.com/accesswatch/accesswatch/internal/i18n"
	"github.com/accesswatch/accesswatch/internal/store"
)

// TestAdminWordsAreInTheCatalogue finds every catalogue key the admin code
// and templates name, and the keys they build, and checks en.txt has them:
// a missing key would show on the page as the key itself.
func TestAdminWordsAreInTheCatalogue(t *testing.T) {
	l := i18n.English()
	literal := regexp.MustCompile(`\bTf?\("([a-z0-9_.]+)"`)
	notice := regexp.MustCompile(`redirectDone\([^)]*"([a-z_]+)"\)`)
	files, _ := filepath.Glob("*.go")
	templ, _ := filepath.Glob("../../../templates/admin_*")
	var keys []string
	for _, name := range append(files, templ...) {
		if strings.HasSuffix(name, "_test.go") || strings.HasSuffix(name, "_templ.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range literal.FindAllStringSubmatch(string(src), -1) {
			if !strings.HasSuffix(m[1], ".") { // a prefix, checked below
				keys = append(keys, m[1])
			}
		}
		for _, m := range notice.FindAllStringSubmatch(string(src), -1) {
			keys = append(keys, "admin.done."+m[1])
		}
	}
	if len(keys) < 50 {
		t.Fatalf("found only %d keys; is the scan broken?", len(keys))
	}
	// Notices chosen through a variable.
	for _, n := range []string{"session_ended", "event_recorded", "reviewed", "record_created"} {
		keys = append(keys, "admin.done."+n)
	}
	for _, code := range []string{"unexpected_field", "duplicate_field", "malformed", "bad_value"} {
		keys = append(keys, "admin.form."+code)
	}
	for _, r := range access.Roles {
		keys = append(keys, "admin.role."+string(r))
	}
	for _, code := range []string{auth.CodeTooShort, auth.CodeNameFormat, store.CodeTaken} {
		keys = append(keys, "problem."+code)
	}
	for _, field := range []string{"username", "password", "role", "internal_report"} {
		keys = append(keys, "field."+field)
	}
	for _, k := range keys {
		if !l.Has(k) {
			t.Errorf("en.txt has no %s", k)
		}
	}
	// Every field of every admin form has a label.
	for _, spec := range []formSpec{eventSpec, reviewSpec, createSpec, loginSpec, newOrgSpec, severitySpec, newUserSpec} {
		for field := range spec {
			if m := rowField.FindStringSubmatch(field); m != nil {
				field = m[1] // a source row after the first is labelled as the first
			}
			if field != "version" && field != "next" && field != "sources" && field != "add_source" && !l.Has("field."+field) {
				t.Errorf("no label for form field %q", field)
			}
		}
	}
	if got := l.Problem(access.FieldError{Field: "password", Code: auth.CodeTooShort, Limit: 8}); got != "Password: use at least 8 characters." {
		t.Errorf("got %q", got)
	}
}
