package api

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/accesswatch/accesswatch/internal/opendata"
	"github.com/accesswatch/accesswatch/internal/query"
)

// TestOpenAPIParameters checks that each address of the OpenAPI document
// documents exactly the query parameters it accepts, in the order the
// parser lists them. (The router's tests check that the document describes
// every route of routes.go, and that the answers match its schemas.)
func TestOpenAPIParameters(t *testing.T) {
	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []struct {
				Ref string `json:"$ref"`
			} `json:"parameters"`
		} `json:"paths"`
		Components struct {
			Parameters map[string]struct {
				Name string `json:"name"`
				In   string `json:"in"`
			} `json:"parameters"`
		} `json:"components"`
	}
	if err := json.Unmarshal(openAPIDocument, &doc); err != nil {
		t.Fatalf("openapi.json does not parse: %v", err)
	}
	if len(doc.Paths) < 10 {
		t.Fatalf("only %d paths documented", len(doc.Paths))
	}
	specs := map[string]query.Spec{
		"/api/v1/records": recordListParams, "/api/v1/events": EventListParams,
		"/export/records.csv": ExportSpec("records"), "/export/events.csv": ExportSpec("events"),
		"/api/v1/class-measures": opendata.ClassMeasureSpec, "/export/class-measures.csv": ExportSpec("class-measures"),
	}
	for path, ops := range doc.Paths {
		op, ok := ops["get"]
		if !ok {
			t.Errorf("%s: no get operation", path)
			continue
		}
		var params []string
		for _, p := range op.Parameters {
			param := doc.Components.Parameters[strings.TrimPrefix(p.Ref, "#/components/parameters/")]
			if param.In == "query" {
				params = append(params, param.Name)
			}
		}
		if want := specs[path].Params; !slices.Equal(params, want) {
			t.Errorf("%s documents query parameters %v, accepts %v", path, params, want)
		}
	}
}
