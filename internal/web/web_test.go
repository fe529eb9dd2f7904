package web

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/accesswatch/accesswatch/internal/i18n"
	"github.com/accesswatch/accesswatch/internal/store"
	"github.com/accesswatch/accesswatch/internal/storetest"
	"github.com/accesswatch/accesswatch/static"
)

// newTestServer serves a seeded database.
func newTestServer(t *testing.T) (*Server, *store.Store) {
	t.Helper()
	st, _ := storetest.OpenSeeded(t)
	return newServerFor(t, st), st
}

func newServerFor(t *testing.T, st Store) *Server {
	t.Helper()
	return newServerLogging(t, st, io.Discard)
}

// newServerLogging serves st, logging as text to log.
func newServerLogging(t *testing.T, st Store, log io.Writer) *Server {
	t.Helper()
	assets, err := static.New()
	if err != nil {
		t.Fatal(err)
	}
	return New(st, Options{Logger: slog.New(slog.NewTextHandler(log, nil)), Locale: i18n.English(), Assets: assets})
}

// get performs a request against the handler.
func get(t *testing.T, h http.Handler, target string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
	return rec
}

func parse(t *testing.T, rec *httptest.ResponseRecorder) *goquery.Document {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(rec.Body.String()))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}
