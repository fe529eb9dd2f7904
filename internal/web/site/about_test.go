package site

import (
	"os"
	"strings"
	"testing"
)

func TestParseContact(t *testing.T) {
	for in, want := range map[string]string{
		"":                                "",
		"corrections@example.org":         "mailto:corrections@example.org",
		" corrections@example.org ":       "mailto:corrections@example.org",
		"https://example.org/corrections": "https://example.org/corrections",
		"http://example.org/form?lang=en": "http://example.org/form?lang=en",
	} {
		got, err := ParseContact(in)
		if err != nil || got != want {
			t.Errorf("ParseContact(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"someone", "ftp://example.org", "javascript:alert(1)", "https://", "https://u:p@example.org/",
		"Ada <ada@example.org>", "ada@localhost", "mailto:ada@example.org"} {
		if got, err := ParseContact(bad); err == nil {
			t.Errorf("ParseContact(%q) = %q, want an error", bad, got)
		}
	}
}

// TestAPIDocReadsTheProjectsDocument reads the real openapi.json and checks
// that every endpoint, parameter and schema field in it comes out.
func TestAPIDocReadsTheProjectsDocument(t *testing.T) {
	raw, err := os.ReadFile("../api/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := apiDoc(raw)
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Endpoints) < 10 || len(doc.Schemas) < 10 {
		t.Fatalf("%d endpoints, %d schemas", len(doc.Endpoints), len(doc.Schemas))
	}
	var params int
	for _, e := range doc.Endpoints {
		for _, p := range e.Params {
			if p.Name == "" || p.In == "" || p.Type == "" {
				t.Errorf("%s %s: parameter %+v not resolved", e.Method, e.Path, p)
			}
			params++
		}
	}
	if params == 0 {
		t.Error("no parameters read")
	}
	if _, err := apiDoc([]byte(`{"paths":{"/x":{"get":{"parameters":[{"$ref":"#/components/parameters/nope"}]}}}}`)); err == nil ||
		!strings.Contains(err.Error(), "nope") {
		t.Errorf("a dangling $ref: %v", err)
	}
	if _, err := apiDoc([]byte(`{`)); err == nil {
		t.Error("broken JSON accepted")
	}
}
