package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// openAPI is the part of an OpenAPI 3.1 document the tests read.
type openAPI struct {
	OpenAPI string `json:"openapi"`
	Info    struct {
		Title   string `json:"title"`
		Version string `json:"version"`
	} `json:"info"`
	Paths map[string]map[string]struct {
		Parameters []struct {
			Ref string `json:"$ref"`
		} `json:"parameters"`
		Responses map[string]json.RawMessage `json:"responses"`
	} `json:"paths"`
	Components struct {
		Schemas    map[string]json.RawMessage `json:"schemas"`
		Parameters map[string]struct {
			Name string `json:"name"`
			In   string `json:"in"`
		} `json:"parameters"`
		Responses map[string]json.RawMessage `json:"responses"`
	} `json:"components"`
}

// openAPIDocument is package api's openapi.json, the file it embeds and
// serves.
func openAPIDocument(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("api", "openapi.json"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func loadOpenAPI(t *testing.T) (openAPI, map[string]any) {
	t.Helper()
	var doc openAPI
	if err := json.Unmarshal(openAPIDocument(t), &doc); err != nil {
		t.Fatalf("openapi.json does not parse: %v", err)
	}
	var raw map[string]any
	if err := json.Unmarshal(openAPIDocument(t), &raw); err != nil {
		t.Fatal(err)
	}
	return doc, raw
}

// openDataRoutes are the GET routes of the open data section of routes.go.
func openDataRoutes(t *testing.T) []string {
	t.Helper()
	src, err := os.ReadFile("routes.go")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range regexp.MustCompile(`"GET (/(?:api/v1|export)/[^"]*)"`).FindAllStringSubmatch(string(src), -1) {
		out = append(out, m[1])
	}
	slices.Sort(out)
	return out
}

func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	doc, raw := loadOpenAPI(t)
	if !strings.HasPrefix(doc.OpenAPI, "3.1.") || doc.Info.Title == "" || doc.Info.Version == "" {
		t.Errorf("openapi %q, info %+v", doc.OpenAPI, doc.Info)
	}
	routes := openDataRoutes(t)
	documented := slices.Sorted(maps.Keys(doc.Paths))
	if len(routes) < 10 || !slices.Equal(routes, documented) {
		t.Errorf("routes.go serves\n  %v\nopenapi.json describes\n  %v", routes, documented)
	}

	// Every reference resolves.
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if ref, ok := v["$ref"].(string); ok {
				if _, err := resolve(raw, ref); err != nil {
					t.Errorf("%s: %v", ref, err)
				}
			}
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(raw)

	// Each address has exactly a get operation with a 200 answer and
	// documents its path wildcards; its query parameters are checked
	// against the parser's lists in package api (TestOpenAPIParameters).
	for path, ops := range doc.Paths {
		op, ok := ops["get"]
		if !ok || len(ops) != 1 {
			t.Errorf("%s: want exactly a get operation", path)
			continue
		}
		var wild []string
		for _, p := range op.Parameters {
			param := doc.Components.Parameters[strings.TrimPrefix(p.Ref, "#/components/parameters/")]
			if param.In != "query" {
				wild = append(wild, "{"+param.Name+"}")
			}
		}
		if want := regexp.MustCompile(`\{[^}]+\}`).FindAllString(path, -1); !slices.Equal(wild, want) {
			t.Errorf("%s documents path parameters %v, has %v", path, wild, want)
		}
		if _, ok := op.Responses["200"]; !ok {
			t.Errorf("%s: no 200 response", path)
		}
	}
}

// TestOpenAPISchemasMatchTheAnswers checks real answers against the
// documented schemas, so that the document and the handlers cannot drift.
func TestOpenAPISchemasMatchTheAnswers(t *testing.T) {
	_, raw := loadOpenAPI(t)
	srv, _ := newTestServer(t)
	for _, route := range openDataRoutes(t) {
		if !strings.HasPrefix(route, "/api/v1/") || strings.HasSuffix(route, "openapi.json") {
			continue
		}
		target := strings.NewReplacer("{iso3}", "NER", "{slug}", "icrc").Replace(route)
		schema, err := resolve(raw, "#/paths/"+strings.ReplaceAll(strings.ReplaceAll(route, "~", "~0"), "/", "~1")+"/get/responses/200/content/application~1json/schema")
		if err != nil {
			t.Fatalf("%s: %v", route, err)
		}
		var body any
		if err := json.Unmarshal(get(t, srv, target).Body.Bytes(), &body); err != nil {
			t.Fatalf("%s: %v", target, err)
		}
		if errs := validate(raw, schema, body, target); len(errs) > 0 {
			t.Errorf("%s does not match its schema:\n  %s", target, strings.Join(errs, "\n  "))
		}
	}
	problemSchema, _ := resolve(raw, "#/components/schemas/Problem")
	for _, target := range []string{"/api/v1/records?limit=-1&colour=red", "/api/v1/countries/XXX"} {
		var body any
		_ = json.Unmarshal(get(t, srv, target).Body.Bytes(), &body)
		if errs := validate(raw, problemSchema, body, target); len(errs) > 0 {
			t.Errorf("%s: %v", target, errs)
		}
	}
	if body := get(t, srv, "/api/v1/openapi.json").Body.Bytes(); !bytes.Equal(body, openAPIDocument(t)) {
		t.Error("/api/v1/openapi.json does not serve api/openapi.json")
	}
	var served any
	if err := json.Unmarshal(get(t, srv, "/api/v1/openapi.json").Body.Bytes(), &served); err != nil || served.(map[string]any)["openapi"] != "3.1.0" {
		t.Errorf("/api/v1/openapi.json: %v", err)
	}
	if rec := get(t, srv, "/api/v1/openapi.json"); rec.Code != http.StatusOK || rec.Header().Get("ETag") == "" {
		t.Errorf("openapi.json: %d", rec.Code)
	}
}

// resolve follows a local JSON pointer ("#/a/b").
func resolve(root map[string]any, ref string) (any, error) {
	if !strings.HasPrefix(ref, "#/") {
		return nil, fmt.Errorf("not a local reference")
	}
	var cur any = root
	for _, part := range strings.Split(ref[2:], "/") {
		part = strings.ReplaceAll(strings.ReplaceAll(part, "~1", "/"), "~0", "~")
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s: %q is not inside an object", ref, part)
		}
		if cur, ok = m[part]; !ok {
			return nil, fmt.Errorf("%s: no %q", ref, part)
		}
	}
	return cur, nil
}

// validate checks a value against the JSON Schema subset openapi.json uses
// ($ref, allOf, oneOf, type with null, enum, required, properties,
// additionalProperties as a schema, items).
// Objects must hold exactly their documented properties: an undocumented
// field is drift too.
func validate(root map[string]any, schema, v any, at string) []string {
	s, _ := schema.(map[string]any)
	if ref, ok := s["$ref"].(string); ok {
		target, err := resolve(root, ref)
		if err != nil {
			return []string{at + ": " + err.Error()}
		}
		return validate(root, target, v, at)
	}
	if branches, ok := s["oneOf"].([]any); ok {
		var all []string
		for _, b := range branches {
			errs := validate(root, b, v, at)
			if len(errs) == 0 {
				return nil
			}
			all = append(all, errs...)
		}
		return append([]string{at + ": matches no oneOf branch"}, all...)
	}
	if parts, ok := s["allOf"].([]any); ok {
		// Merge the parts' properties, then check as one object.
		merged := map[string]any{"type": "object", "properties": map[string]any{}, "required": []any{}}
		for _, p := range parts {
			p, _ := p.(map[string]any)
			if ref, ok := p["$ref"].(string); ok {
				r, _ := resolve(root, ref)
				p, _ = r.(map[string]any)
			}
			maps.Copy(merged["properties"].(map[string]any), p["properties"].(map[string]any))
			req, _ := p["required"].([]any)
			merged["required"] = append(merged["required"].([]any), req...)
		}
		return validate(root, merged, v, at)
	}
	var errs []string
	fail := func(format string, args ...any) { errs = append(errs, at+": "+fmt.Sprintf(format, args...)) }
	if enum, ok := s["enum"].([]any); ok && !slices.Contains(enum, v) {
		fail("%v not in enum", v)
	}
	types := map[string]bool{}
	switch tt := s["type"].(type) {
	case string:
		types[tt] = true
	case []any:
		for _, x := range tt {
			types[x.(string)] = true
		}
	}
	if len(types) == 0 {
		return errs
	}
	switch v := v.(type) {
	case nil:
		if !types["null"] {
			fail("null not allowed")
		}
	case bool:
		if !types["boolean"] {
			fail("boolean not allowed")
		}
	case string:
		if !types["string"] {
			fail("string %q not allowed", v)
		}
	case float64:
		if !types["number"] && !(types["integer"] && v == math.Trunc(v)) {
			fail("number %v not allowed", v)
		}
	case []any:
		if !types["array"] {
			fail("array not allowed")
			break
		}
		for i, x := range v {
			errs = append(errs, validate(root, s["items"], x, fmt.Sprintf("%s[%d]", at, i))...)
		}
	case map[string]any:
		if !types["object"] {
			fail("object not allowed")
			break
		}
		props, _ := s["properties"].(map[string]any)
		req, _ := s["required"].([]any)
		for _, name := range req {
			if _, ok := v[name.(string)]; !ok {
				fail("missing %s", name)
			}
		}
		for name, x := range v {
			ps, ok := props[name]
			if !ok {
				// A map (additionalProperties) documents its values, not its keys.
				if ps, ok = s["additionalProperties"].(map[string]any); !ok {
					fail("undocumented field %s", name)
					continue
				}
			}
			errs = append(errs, validate(root, ps, x, at+"."+name)...)
		}
	}
	return errs
}
