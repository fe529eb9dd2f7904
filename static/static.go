// Package static embeds the stylesheets, scripts and icons that pages link
// to, and serves them with content-hashed URLs so they can be cached for a
// year and still change the moment a file does.
package static

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"
)

//go:embed *.css *.svg
var files embed.FS

// Assets serves the embedded files and names them by content.
type Assets struct {
	fsys   fs.FS
	hashes map[string]string // file name → short content hash
}

// New indexes the embedded files.
func New() (*Assets, error) { return newAssets(files) }

func newAssets(fsys fs.FS) (*Assets, error) {
	a := &Assets{fsys: fsys, hashes: map[string]string{}}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		a.hashes[p] = hex.EncodeToString(sum[:6])
		return nil
	})
	return a, err
}

// URL returns the path a page links to for the named file, with its content
// hash as version: "/static/app.css?v=1a2b3c4d5e6f". An unknown name yields a
// path without version, which 404s visibly rather than silently.
func (a *Assets) URL(name string) string {
	if h, ok := a.hashes[name]; ok {
		return "/static/" + name + "?v=" + h
	}
	return "/static/" + name
}

// ServeHTTP serves /static/NAME. A request naming the current version is
// cached for a year as immutable; any other is cached briefly, so a stale
// link never pins an old file.
func (a *Assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(path.Clean(r.URL.Path), "/static/")
	h, ok := a.hashes[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	if r.URL.Query().Get("v") == h {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "public, max-age=300")
	}
	w.Header().Set("ETag", `"`+h+`"`)
	http.ServeFileFS(w, r, a.fsys, name)
}
