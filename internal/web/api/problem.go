package api

import (
	"net/http"
	"strings"

	"github.com/accesswatch/accesswatch/internal/web/httpkit"

	"github.com/accesswatch/accesswatch/internal/i18n"
	"github.com/accesswatch/accesswatch/internal/query"
)

// apiNotFound is a 404 problem with a detail saying what does not exist.
func apiNotFound(detail string, cause error) error {
	return &httpkit.APIError{Status: http.StatusNotFound, Kind: "not-found", Detail: detail, Err: cause}
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
func (s *API) invalidParams(qe *QueryError) error {
	e := &httpkit.APIError{Status: http.StatusBadRequest, Kind: "invalid-parameter", Detail: s.l.Tf("api.detail.params", len(qe.Problems), qe.Error()), Err: qe}
	for _, p := range qe.Problems {
		e.Params = append(e.Params, httpkit.ProblemParam{Parameter: p.Param, Value: p.Value, Detail: p.Message})
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

// Problems adapts an API handler: errors are answered as problems here rather
// than as HTML error pages, and never cached (the page cache keeps only
// 200 answers).
func (s *API) Problems(h httpkit.HandlerFunc) httpkit.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := h(w, r); err != nil {
			s.kit.ServeProblem(w, r, err)
		}
		return nil
	}
}

// writeJSON answers 200 with v as JSON.
func writeJSON(w http.ResponseWriter, v any) error {
	body, err := httpkit.MarshalJSON(v)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	_, err = w.Write(body)
	return err
}
