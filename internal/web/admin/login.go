package admin

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/auth"
	"github.com/accesswatch/accesswatch/internal/i18n"
	"github.com/accesswatch/accesswatch/templates"
)

// formView turns decoded values and their problems into what a form
// template shows. Password fields are never sent back.
func (s *Admin) formView(values map[string]string, problems access.Errors) templates.Form {
	f := templates.Form{Values: map[string]string{}, Errors: map[string]string{}}
	for k, v := range values {
		if !strings.Contains(k, "password") {
			f.Values[k] = v
		}
	}
	for _, fe := range problems {
		msg := s.problemMessage(fe)
		if _, dup := f.Errors[fe.Field]; !dup {
			f.Errors[fe.Field] = msg
		}
		f.Problems = append(f.Problems, templates.Problem{Field: fe.Field, Message: msg})
	}
	return f
}

// showLogin shows the login form, or sends a logged-in editor on.
func (s *Admin) showLogin(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	next := safeNext(r.URL.Query().Get("next"))
	if _, err := s.auth.AuthenticateFrom(r.Context(), a.token, s.kit.ClientKey(r)); err == nil {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return nil
	}
	form := templates.Form{Values: map[string]string{"next": next}}
	s.renderLogin(w, r, http.StatusOK, form, "")
	return nil
}

func (s *Admin) renderLogin(w http.ResponseWriter, r *http.Request, status int, f templates.Form, message string) {
	p := s.adminPage(&adminRequest{}, s.l.T("admin.login.title"), "", r)
	s.kit.Render(w, r, status, templates.LoginPage(p, f, message))
}

// submitLogin checks a name and password. Every failure that could tell whether
// an account exists answers with the same status and words (only the name
// typed is shown again); throttled tries answer 429 with Retry-After, and
// tries that find every password-check slot taken answer 503. A
// success starts a new session under a new token, destroying any session
// the browser had, and sends the editor to where they were going.
func (s *Admin) submitLogin(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	values, err := s.readForm(r)
	if err != nil {
		return err
	}
	f, problems, err := decodeLogin(values)
	if err != nil {
		return s.refused(err)
	}
	f["next"] = safeNext(f["next"])
	if len(problems) > 0 {
		s.renderLogin(w, r, http.StatusUnprocessableEntity, s.formView(f, problems), "")
		return nil
	}
	token, user, err := s.auth.Login(r.Context(), auth.LoginAttempt{
		Name: f["username"], Password: f["password"], Address: s.kit.ClientKey(r), Previous: a.token,
	})
	var throttled *auth.ThrottledError
	switch {
	case errors.Is(err, auth.ErrBadCredentials):
		s.renderLogin(w, r, http.StatusUnauthorized, s.formView(f, nil), s.l.T("admin.login.failed"))
		return nil
	case errors.As(err, &throttled):
		secs := retryAfter(w, throttled.RetryAfter)
		s.renderLogin(w, r, http.StatusTooManyRequests, s.formView(f, nil), s.l.Plural("admin.login.throttled", int64(secs), secs))
		return nil
	case errors.Is(err, auth.ErrBusy):
		retryAfter(w, time.Second)
		s.renderLogin(w, r, http.StatusServiceUnavailable, s.formView(f, nil), s.l.T("admin.login.busy"))
		return nil
	case err != nil:
		return err
	}
	s.setSessionCookie(w, r, token)
	if err := s.claimDraft(r, user.Name); err != nil {
		return err
	}
	if lang := r.URL.Query().Get("lang"); slices.Contains(i18n.Tags, lang) && lang != user.Lang {
		// logged in from a page read with ?lang=: the account remembers it
		if err := s.store.SetUserLang(r.Context(), user.Name, lang); err != nil {
			s.kit.Log.ErrorContext(r.Context(), "remembering the interface language failed", "user", user.Name, "err", err)
		}
	}
	http.Redirect(w, r, f["next"], http.StatusSeeOther)
	return nil
}

// retryAfter sets Retry-After to d in whole seconds (at least one) and
// returns that number.
func retryAfter(w http.ResponseWriter, d time.Duration) int {
	secs := max(1, int((d+time.Second-1)/time.Second))
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	return secs
}

// submitLogout ends the session and its cookie.
func (s *Admin) submitLogout(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	if err := s.auth.Logout(r.Context(), a.token, s.kit.ClientKey(r)); err != nil {
		return err
	}
	s.clearSessionCookie(w, r)
	return redirectDone(w, r, "/admin/login", "logged_out")
}
