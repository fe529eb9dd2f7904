package admin

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/accesswatch/accesswatch/internal/store"
	"github.com/accesswatch/accesswatch/templates"
)

// Nothing typed is lost: a form posted after its session ended (idle for
// 30 minutes while the editor read sources, say) is held in the database,
// and its author gets it back, as typed, after logging in again.
//
//   - The guard, finding no session on a POST, saves the form's values
//     (never a password field) as a draft under a random id, sets that id
//     in a cookie (HttpOnly, SameSite=Lax, path /admin/, 30 minutes) — the
//     id is never in a URL — and sends to the login page, which then
//     returns to the form's page.
//   - A login with the cookie binds the draft to the account that logged
//     in — if the session that ended was known, only to that account —
//     and no other account can have it.
//   - The form's page, opened by that account within DraftLifetime, shows
//     the draft's values instead of the defaults, with a notice; the draft
//     is deleted as it is given back. Nothing is saved: the editor reads
//     and submits again.

// DraftLifetime is how long a form posted without a session is held.
const DraftLifetime = 30 * time.Minute

// DraftCookie holds a draft's id.
const DraftCookie = "accesswatch_draft"

// keepDraft saves the form a POST without a session carries, for rt's
// page, and reports whether it did. author is the account whose session
// had just ended ("" if unknown): only it may claim the draft. Logout and uploads are not forms to
// keep; a body that is not a form, or the bound on unclaimed drafts, keeps
// nothing (the editor is sent to log in as before).
func (s *Admin) keepDraft(w http.ResponseWriter, r *http.Request, rt Route, author string) (bool, error) {
	if r.Method != http.MethodPost || rt.MaxBody != MaxFormBytes || safeNext(r.URL.Path) != r.URL.Path ||
		strings.HasPrefix(r.URL.Path, "/admin/log") {
		return false, nil
	}
	values, err := s.readForm(r)
	if err != nil {
		return false, nil //nolint:nilerr // not a form: nothing to keep
	}
	for k := range values {
		if strings.Contains(k, "password") {
			delete(values, k)
		}
	}
	if len(values) == 0 {
		return false, nil
	}
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return false, err
	}
	id := base64.RawURLEncoding.EncodeToString(raw[:])
	now := s.now()
	err = s.store.SaveDraft(r.Context(), store.Draft{IDHash: draftHash(id), Author: author, Path: r.URL.Path, Body: values.Encode(),
		CreatedAt: now, ExpiresAt: now.Add(DraftLifetime)})
	if errors.Is(err, store.ErrTooManyDrafts) {
		s.kit.Log.WarnContext(r.Context(), "form posted without a session not kept: too many unclaimed drafts", "path", r.URL.Path)
		return false, nil
	}
	if err != nil {
		return false, err
	}
	s.setDraftCookie(w, r, id, int(DraftLifetime/time.Second))
	return true, nil
}

// claimDraft binds the draft whose id the login request carries to the
// account that just logged in.
func (s *Admin) claimDraft(r *http.Request, name string) error {
	c, err := r.Cookie(DraftCookie)
	if err != nil || c.Value == "" {
		return nil
	}
	return s.store.ClaimDraft(r.Context(), draftHash(c.Value), name, s.now())
}

// takeDraft returns the values of the draft the request's cookie names, if
// it belongs to this account and to this page, and forgets it (cookie and
// row); nil if there is none.
func (s *Admin) takeDraft(w http.ResponseWriter, r *http.Request, name string) (url.Values, error) {
	c, err := r.Cookie(DraftCookie)
	if err != nil || c.Value == "" {
		return nil, nil
	}
	d, err := s.store.TakeDraft(r.Context(), draftHash(c.Value), name, r.URL.Path, s.now())
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	s.setDraftCookie(w, r, "", -1)
	values, err := url.ParseQuery(d.Body)
	if err != nil {
		return nil, nil //nolint:nilerr // written by keepDraft: cannot happen
	}
	return values, nil
}

func (s *Admin) setDraftCookie(w http.ResponseWriter, r *http.Request, id string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: DraftCookie, Value: id, Path: "/admin/", MaxAge: maxAge,
		HttpOnly: true, Secure: s.kit.Secure(r), SameSite: http.SameSiteLaxMode})
}

func draftHash(id string) string {
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:])
}

// restored returns the form's values: the draft given back, if any (its
// first value of each field), else defaults.
func restored(a *adminRequest, defaults map[string]string) templates.Form {
	if a.draft == nil {
		return templates.Form{Values: defaults}
	}
	values := map[string]string{}
	for k, vs := range a.draft {
		if len(vs) > 0 {
			values[k] = vs[0]
		}
	}
	return templates.Form{Values: values}
}
