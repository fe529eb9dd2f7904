package api

import (
	"bytes"
	"mime"
	"net/http"
	"slices"

	"github.com/accesswatch/accesswatch/internal/opendata"
	"github.com/accesswatch/accesswatch/internal/query"
)

// ExportRecords serves /export/records.csv: records by country, then
// flagged and most severe first.
func (s *API) ExportRecords(w http.ResponseWriter, r *http.Request) error {
	return s.export(w, r, "records")
}

// ExportEvents serves /export/events.csv: events in the order an import
// reproduces (see opendata.WriteEvents).
func (s *API) ExportEvents(w http.ResponseWriter, r *http.Request) error {
	return s.export(w, r, "events")
}

// ExportClassMeasures serves /export/class-measures.csv: the measures
// against classes of organisations (in force today, or every one with
// in_force=false), by country, then date.
func (s *API) ExportClassMeasures(w http.ResponseWriter, r *http.Request) error {
	return s.export(w, r, "class-measures")
}

// export renders an export whole, once the export slot allows it.
func (s *API) export(w http.ResponseWriter, r *http.Request, kind string) error {
	q, err := s.query(r, ExportSpec(kind))
	if err != nil {
		return err
	}
	// An export is the most expensive answer: only a few render at once,
	// whoever asks.
	release, ok := s.exportSlot(w, r)
	if !ok {
		return nil
	}
	defer release()
	// Render whole before answering, so that a failure half-way is a
	// clean error rather than a truncated file.
	var buf bytes.Buffer
	if err := opendata.Export(r.Context(), s.store, kind, q, &buf); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8; header=present")
	_, err = w.Write(buf.Bytes())
	return err
}

// ExportSpec is what /export/KIND.csv accepts: the filters of
// opendata.ExportSpecs (which `accesswatch export` shares) and bom=1, the
// "CSV for Excel" (a byte order mark before the same bytes).
func ExportSpec(kind string) query.Spec {
	spec := opendata.ExportSpecs[kind]
	spec.Params = append(slices.Clone(spec.Params), query.BOM)
	return spec
}

// Download is what the router puts around the cached export KIND
// ("records", "events" or "class-measures"): open to any origin, old parameter spellings
// marked, and a 200 answer offered as a file to save.
func Download(kind string, cached http.Handler) http.Handler {
	disposition := mime.FormatMediaType("attachment", map[string]string{"filename": "accesswatch-" + kind + ".csv"})
	return Deprecations(opendata.ExportSpecs[kind], OpenData(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cached.ServeHTTP(&headerOnOK{ResponseWriter: w, set: func(h http.Header) { h.Set("Content-Disposition", disposition) }}, r)
	})))
}

// headerOnOK adds headers to a 200 answer only: a file is offered for
// download, but a problem answered instead stays readable in place. (The
// page cache replays cached answers with headers of its own, so the
// headers are added on the way out rather than by the handler.)
type headerOnOK struct {
	http.ResponseWriter
	set     func(http.Header)
	written bool
}

func (w *headerOnOK) WriteHeader(code int) {
	if !w.written {
		w.written = true
		if code == http.StatusOK {
			w.set(w.Header())
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *headerOnOK) Write(b []byte) (int, error) {
	if !w.written {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *headerOnOK) Unwrap() http.ResponseWriter { return w.ResponseWriter }
