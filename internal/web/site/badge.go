package site

import (
	"bytes"
	"errors"
	"net/http"
	"strings"

	"github.com/accesswatch/accesswatch/internal/store"
	"github.com/accesswatch/accesswatch/templates"
)

// BadgeCacheControl (the router sets it on badges) lets the browsers and image proxies of the sites that
// embed a badge keep it for five minutes before revalidating with its ETag:
// a badge is fetched on every view of someone else's page, and a status
// that is five minutes late is still news.
const BadgeCacheControl = "public, max-age=300"

// ShowBadge serves GET /badge/{country}/{file}: a record's status as an SVG
// ShowBadge ("ICRC · Niger | Expelled") for other sites to embed, through the
// page cache (ETag, 304). A file without the .svg suffix is an ordinary
// 404 page; an unknown record gets a grey "not found" badge with status
// 404, so an embed with a typo shows what is wrong instead of a broken
// image.
func (s *Site) ShowBadge(w http.ResponseWriter, r *http.Request) error {
	slug, ok := strings.CutSuffix(r.PathValue("file"), ".svg")
	if !ok || slug == "" {
		return s.kit.NotFound(nil)
	}
	country := strings.ToUpper(r.PathValue("country"))
	rec, err := s.store.Record(r.Context(), country, slug)
	if errors.Is(err, store.ErrNotFound) {
		w.Header().Set("Cache-Control", "no-store")
		return s.renderSVG(w, r, http.StatusNotFound, templates.NewBadge(s.l.T("site.name"), s.l.T("badge.notfound"), s.l.T("badge.notfound"), ""))
	}
	if err != nil {
		return err
	}
	label := rec.Org.Label() + " · " + s.l.Country(rec.CountryCode, rec.CountryName)
	status := s.l.Status(rec.Status)
	title := s.l.Tf("badge.title", rec.Org.Label(), s.l.Country(rec.CountryCode, rec.CountryName), status)
	return s.renderSVG(w, r, http.StatusOK, templates.NewBadge(label, status, title, rec.Status))
}

// renderSVG writes a badge as a standalone SVG document.
func (s *Site) renderSVG(w http.ResponseWriter, r *http.Request, status int, b templates.BadgeView) error {
	var buf bytes.Buffer
	if err := templates.BadgeSVG(b).Render(r.Context(), &buf); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
	return nil
}
