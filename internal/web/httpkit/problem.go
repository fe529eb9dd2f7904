package httpkit

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/accesswatch/accesswatch/internal/store"
)

// problemTypeBase starts the URI of every kind of API error (RFC 9457
// "type"): the sections of docs/api.md that explain them.
const problemTypeBase = "https://github.com/accesswatch/accesswatch/blob/main/docs/api.md#problem-"

// problem is an RFC 9457 problem details object, answered as
// application/problem+json. Errors is an extension member listing each
// query parameter's problem, so that a client can show them one by one.
type problem struct {
	Type     string         `json:"type"`
	Title    string         `json:"title"`
	Status   int            `json:"status"`
	Detail   string         `json:"detail"`
	Instance string         `json:"instance"`
	Errors   []ProblemParam `json:"errors,omitempty"`
}

// ProblemParam is one query parameter's problem.
type ProblemParam struct {
	Parameter string `json:"parameter"`
	Value     string `json:"value"`
	Detail    string `json:"detail"`
}

// APIError is an error answered with a problem (the JSON API, the exports).
type APIError struct {
	Status int
	Kind   string // the problem type's name, e.g. "invalid-parameter"
	Detail string
	Params []ProblemParam
	Err    error // the cause, for the log
}

// Error says the detail and the cause.
func (e *APIError) Error() string {
	if e.Err != nil {
		return e.Detail + ": " + e.Err.Error()
	}
	return e.Detail
}

// Unwrap returns the cause.
func (e *APIError) Unwrap() error { return e.Err }

// ServeProblem answers with a problem. Errors that are not APIErrors are
// unexpected: they are logged and answered with a generic 500.
func (k *Kit) ServeProblem(w http.ResponseWriter, r *http.Request, err error) {
	var ae *APIError
	switch {
	case errors.As(err, &ae):
	case errors.Is(err, store.ErrNotFound):
		ae = &APIError{Status: http.StatusNotFound, Kind: "not-found", Detail: k.L.T("api.detail.path"), Err: err}
	default:
		ae = &APIError{Status: http.StatusInternalServerError, Kind: "server-error", Detail: k.L.T("api.detail.server"), Err: err}
	}
	if ae.Status >= 500 {
		k.Log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "status", ae.Status, "err", err)
	} else {
		k.Log.DebugContext(r.Context(), "request rejected", "method", r.Method, "path", r.URL.Path, "status", ae.Status, "err", err)
	}
	k.WriteProblem(w, r, ae)
}

// WriteProblem writes a problem answer (without logging it).
func (k *Kit) WriteProblem(w http.ResponseWriter, r *http.Request, ae *APIError) {
	p := problem{Type: problemTypeBase + ae.Kind, Title: k.L.T("api.problem." + ae.Kind), Status: ae.Status,
		Detail: ae.Detail, Instance: r.URL.RequestURI(), Errors: ae.Params}
	body, _ := MarshalJSON(p)
	h := w.Header()
	h.Set("Content-Type", "application/problem+json")
	h.Set("Cache-Control", "no-store")
	if ae.Status == http.StatusMethodNotAllowed {
		h.Set("Allow", "GET, HEAD")
	}
	w.WriteHeader(ae.Status)
	_, _ = w.Write(body)
}

// MarshalJSON encodes v compactly, without HTML escaping (the answer is
// JSON, not HTML, and URLs keep their '&'), ending in a newline.
func MarshalJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
