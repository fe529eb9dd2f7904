package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/store"
	"github.com/accesswatch/accesswatch/internal/web/httpkit"
	"github.com/accesswatch/accesswatch/internal/web/site"
)

// followMerged wraps a handler of a path with an organisation's {slug}:
// when h finds no such organisation and the slug is that of an
// organisation merged into another, the answer is a permanent redirect
// (301) to the same path and query with the slug it became. The alias is
// looked up only after a miss, so pages of live organisations cost nothing
// more; the redirect is not cached (it is not a 200), and a merge moves the
// data version, so no cached page of the old slug outlives it.
func (s *Server) followMerged(h httpkit.HandlerFunc) httpkit.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		err := h(w, r)
		if err == nil || !errors.Is(err, store.ErrNotFound) {
			return err
		}
		old := r.PathValue("slug")
		if !access.ValidSlug(old) {
			return err
		}
		to, aerr := s.store.OrgAlias(r.Context(), old)
		if errors.Is(aerr, store.ErrNotFound) {
			return err
		}
		if aerr != nil {
			return aerr
		}
		u := *r.URL
		u.Path = strings.TrimSuffix(u.Path, "/"+old) + "/" + to
		u.RawPath = ""
		http.Redirect(w, r, u.RequestURI(), http.StatusMovedPermanently)
		return nil
	}
}

// mergedPage is followMerged for a public page served in the reader's
// language (see sitePage).
func (s *Server) mergedPage(m sitePage) sitePage {
	return func(sf *site.Site, w http.ResponseWriter, r *http.Request) error {
		return s.followMerged(func(w http.ResponseWriter, r *http.Request) error { return m(sf, w, r) })(w, r)
	}
}
