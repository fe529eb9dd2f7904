package api

import (
	"bytes"
	_ "embed"
	"net/http"
)

// openAPIDocument describes the JSON API and the CSV exports (OpenAPI 3.1).
// It is written by hand; TestOpenAPIDescribesEveryRoute keeps it in step
// with routes.go, the query parameters each address accepts, and the JSON
// the handlers write.
//
//go:embed openapi.json
var openAPIDocument []byte

// OpenAPIDocument returns a copy of the OpenAPI document, for the /data
// page, which lists what it describes.
func OpenAPIDocument() []byte { return bytes.Clone(openAPIDocument) }

// ShowOpenAPI serves the OpenAPI document.
func (s *API) ShowOpenAPI(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.query(r, apiNoParams); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	_, err := w.Write(openAPIDocument)
	return err
}
