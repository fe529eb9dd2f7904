package site

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/accesswatch/accesswatch/templates"
)

// The part of an OpenAPI 3.1 document that /data shows.
type (
	oaDocument struct {
		Paths      map[string]map[string]oaOperation `json:"paths"`
		Components struct {
			Parameters map[string]oaParameter `json:"parameters"`
			Schemas    map[string]oaSchema    `json:"schemas"`
		} `json:"components"`
	}
	oaOperation struct {
		Summary     string                `json:"summary"`
		Description string                `json:"description"`
		Parameters  []oaParameter         `json:"parameters"`
		Responses   map[string]oaResponse `json:"responses"`
	}
	oaParameter struct {
		Ref         string   `json:"$ref"`
		Name        string   `json:"name"`
		In          string   `json:"in"`
		Description string   `json:"description"`
		Schema      oaSchema `json:"schema"`
	}
	oaResponse struct {
		Content map[string]struct {
			Schema oaSchema `json:"schema"`
		} `json:"content"`
	}
	oaSchema struct {
		Ref         string              `json:"$ref"`
		Type        json.RawMessage     `json:"type"` // a string or a list of strings
		Enum        []any               `json:"enum"`
		Items       *oaSchema           `json:"items"`
		OneOf       []oaSchema          `json:"oneOf"`
		Properties  map[string]oaSchema `json:"properties"`
		Required    []string            `json:"required"`
		Description string              `json:"description"`
		Format      string              `json:"format"`
	}
)

// apiDoc reads an OpenAPI document into what /data lists: every endpoint
// with its parameters and what it returns, and every schema with its
// fields. A $ref that points nowhere is an error, so a broken document is
// noticed at start-up rather than shown half.
func apiDoc(doc []byte) (templates.APIDoc, error) {
	var d oaDocument
	if err := json.Unmarshal(doc, &d); err != nil {
		return templates.APIDoc{}, fmt.Errorf("read the OpenAPI document: %w", err)
	}
	var out templates.APIDoc
	paths := make([]string, 0, len(d.Paths))
	for p := range d.Paths {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		methods := make([]string, 0, len(d.Paths[p]))
		for m := range d.Paths[p] {
			methods = append(methods, m)
		}
		sort.Strings(methods)
		for _, m := range methods {
			op := d.Paths[p][m]
			ep := templates.APIEndpoint{Method: strings.ToUpper(m), Path: p, Summary: op.Summary, Description: op.Description}
			for _, prm := range op.Parameters {
				if prm.Ref != "" {
					name := strings.TrimPrefix(prm.Ref, "#/components/parameters/")
					def, ok := d.Components.Parameters[name]
					if !ok {
						return out, fmt.Errorf("OpenAPI %s %s: parameter %s is not defined", m, p, prm.Ref)
					}
					prm = def
				}
				ep.Params = append(ep.Params, templates.APIParam{Name: prm.Name, In: prm.In, Type: schemaType(prm.Schema), Description: prm.Description})
			}
			if ok, found := op.Responses["200"]; found {
				types := make([]string, 0, len(ok.Content))
				for t := range ok.Content {
					types = append(types, t)
				}
				sort.Strings(types)
				for _, t := range types {
					ret := templates.APIReturn{MediaType: t, Schema: schemaType(ok.Content[t].Schema)}
					if r := ok.Content[t].Schema.Ref; r != "" {
						ret.SchemaName = strings.TrimPrefix(r, "#/components/schemas/")
						if _, ok := d.Components.Schemas[ret.SchemaName]; !ok {
							return out, fmt.Errorf("OpenAPI %s %s: schema %s is not defined", m, p, r)
						}
					}
					ep.Returns = append(ep.Returns, ret)
				}
			}
			out.Endpoints = append(out.Endpoints, ep)
		}
	}
	names := make([]string, 0, len(d.Components.Schemas))
	for n := range d.Components.Schemas {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		sc := d.Components.Schemas[n]
		s := templates.APISchema{Name: n, Description: sc.Description, Type: schemaType(sc)}
		props := make([]string, 0, len(sc.Properties))
		for p := range sc.Properties {
			props = append(props, p)
		}
		sort.Strings(props)
		for _, p := range props {
			f := sc.Properties[p]
			s.Fields = append(s.Fields, templates.APIField{Name: p, Type: schemaType(f), Ref: schemaRef(f),
				Required: slices.Contains(sc.Required, p), Description: f.Description})
		}
		out.Schemas = append(out.Schemas, s)
	}
	return out, nil
}

// schemaType words a schema's type for people: "string", "integer or
// null", "array of Source", "one of: a, b".
func schemaType(s oaSchema) string {
	if s.Ref != "" {
		return strings.TrimPrefix(s.Ref, "#/components/schemas/")
	}
	if len(s.OneOf) > 0 {
		var parts []string
		for _, o := range s.OneOf {
			parts = append(parts, schemaType(o))
		}
		return strings.Join(parts, " or ")
	}
	var types []string
	if len(s.Type) > 0 {
		var one string
		if json.Unmarshal(s.Type, &one) == nil {
			types = []string{one}
		} else {
			_ = json.Unmarshal(s.Type, &types)
		}
	}
	for i, t := range types {
		if t == "array" && s.Items != nil {
			types[i] = "array of " + schemaType(*s.Items)
		}
	}
	out := strings.Join(types, " or ")
	if s.Format != "" {
		out += " (" + s.Format + ")"
	}
	if len(s.Enum) > 0 {
		var vals []string
		for _, v := range s.Enum {
			if v != nil {
				vals = append(vals, fmt.Sprint(v))
			}
		}
		out += ": " + strings.Join(vals, ", ")
	}
	return out
}

// schemaRef is the schema a field refers to, directly, through an array or
// through oneOf, for a link to its table; "" when none.
func schemaRef(s oaSchema) string {
	switch {
	case s.Ref != "":
		return strings.TrimPrefix(s.Ref, "#/components/schemas/")
	case s.Items != nil:
		return schemaRef(*s.Items)
	}
	for _, o := range s.OneOf {
		if r := schemaRef(o); r != "" {
			return r
		}
	}
	return ""
}
