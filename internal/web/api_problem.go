package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/accesswatch/accesswatch/internal/i18n"
	"github.com/accesswatch/accesswatch/internal/query"
	"github.com/accesswatch/accesswatch/internal/store"
)

// problemTypes identify the kinds of API error (RFC 9457 "type"). They are
// absolute URIs of the sections of docs/api.md that explain them.
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
	Errors   []problemParam `json:"errors,omitempty"`
}

// problemParam is one query parameter's problem.
type problemParam struct {
	Parameter string `json:"parameter"`
	Value     string `json:"value"`
	Detail    string `json:"detail"`
}

// apiError is an error an API handler answers with a problem.
type apiError struct {
	status int
	kind   string // the problem type's name, e.g. "invalid-parameter"
	detail string
	params []problemParam
	err    error // the cause, for the log
}

func (e *apiError) Error() string {
	if e.err != nil {
		return e.detail + ": " + e.err.Error()
	}
	return e.detail
}

func (e *apiError) Unwrap() error { return e.err }

// apiNotFound is a 404 problem with a detail saying what does not exist.
func apiNotFound(detail string, cause error) error {
	return &apiError{status: http.StatusNotFound, kind: "not-found", detail: detail, err: cause}
}

// QueryError lists every problem with a request's query parameters (or an
// export command's filters), each said in words.
type QueryError struct {
	Problems []ParamProblem
}

// ParamProblem is one parameter's problem.
type ParamProblem struct {
	Param   string
	Value   string
	Message string // what is wrong and what is allowed
}

func (e *QueryError) Error() string {
	msgs := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		msgs[i] = p.Message
	}
	return strings.Join(msgs, " ")
}

// apiQueryError puts parameter problems into words.
func apiQueryError(l *i18n.Locale, spec query.Spec, qe *query.Error) *QueryError {
	e := &QueryError{Problems: make([]ParamProblem, len(qe.Problems))}
	for i, p := range qe.Problems {
		e.Problems[i] = ParamProblem{Param: p.Param, Value: p.Value, Message: paramMessage(l, spec, p)}
	}
	return e
}

// invalidParams is the 400 problem of a QueryError.
func (s *Server) invalidParams(qe *QueryError) error {
	e := &apiError{status: http.StatusBadRequest, kind: "invalid-parameter", detail: s.l.Tf("api.detail.params", len(qe.Problems), qe.Error()), err: qe}
	for _, p := range qe.Problems {
		e.params = append(e.params, problemParam{Parameter: p.Param, Value: p.Value, Detail: p.Message})
	}
	return e
}

// paramMessage says what is wrong with one parameter and what is allowed.
func paramMessage(l *i18n.Locale, spec query.Spec, p query.Problem) string {
	key := "api.param." + string(p.Code)
	allowed := oneOf(l, p.Allowed)
	if (p.Code == query.CodeUnknown || p.Code == query.CodeUnnamed) && len(spec.Params) == 0 {
		key += ".none"
	}
	return l.Tf(key, p.Param, p.Value, allowed)
}

// oneOf lists values as "a, b or c".
func oneOf(l *i18n.Locale, values []string) string {
	if len(values) < 2 {
		return strings.Join(values, "")
	}
	return strings.Join(values[:len(values)-1], ", ") + " " + l.T("api.list.or") + " " + values[len(values)-1]
}

// strs converts a vocabulary to plain strings.
func strs[T ~string](values []T) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = string(v)
	}
	return out
}

// apiHandler is an API handler; its errors become problem answers.
type apiHandler func(w http.ResponseWriter, r *http.Request) error

// api adapts an API handler: errors are answered as problems here rather
// than as HTML error pages, and never cached (the page cache keeps only
// 200 answers).
func (s *Server) api(h apiHandler) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := h(w, r); err != nil {
			s.serveProblem(w, r, err)
		}
		return nil
	}
}

// serveProblem answers with a problem. Errors that are not apiErrors are
// unexpected: they are logged and answered with a generic 500.
func (s *Server) serveProblem(w http.ResponseWriter, r *http.Request, err error) {
	var ae *apiError
	switch {
	case errors.As(err, &ae):
	case errors.Is(err, store.ErrNotFound):
		ae = &apiError{status: http.StatusNotFound, kind: "not-found", detail: s.l.T("api.detail.path"), err: err}
	default:
		ae = &apiError{status: http.StatusInternalServerError, kind: "server-error", detail: s.l.T("api.detail.server"), err: err}
	}
	if ae.status >= 500 {
		s.log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "status", ae.status, "err", err)
	} else {
		s.log.DebugContext(r.Context(), "request rejected", "method", r.Method, "path", r.URL.Path, "status", ae.status, "err", err)
	}
	s.writeProblem(w, r, ae)
}

// writeProblem writes a problem answer (without logging it).
func (s *Server) writeProblem(w http.ResponseWriter, r *http.Request, ae *apiError) {
	p := problem{Type: problemTypeBase + ae.kind, Title: s.l.T("api.problem." + ae.kind), Status: ae.status,
		Detail: ae.detail, Instance: r.URL.RequestURI(), Errors: ae.params}
	body, _ := marshalJSON(p)
	h := w.Header()
	h.Set("Content-Type", "application/problem+json")
	h.Set("Cache-Control", "no-store")
	if ae.status == http.StatusMethodNotAllowed {
		h.Set("Allow", "GET, HEAD")
	}
	w.WriteHeader(ae.status)
	_, _ = w.Write(body)
}

// marshalJSON encodes v compactly, without HTML escaping (the answer is
// JSON, not HTML, and URLs keep their '&'), ending in a newline.
func marshalJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// writeJSON answers 200 with v as JSON.
func writeJSON(w http.ResponseWriter, v any) error {
	body, err := marshalJSON(v)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	_, err = w.Write(body)
	return err
}
