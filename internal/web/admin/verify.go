package admin

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/store"
	"github.com/accesswatch/accesswatch/internal/web/httpkit"
	"github.com/accesswatch/accesswatch/templates"
)

// Verification by a second editor: an event an editor enters awaits
// verification; a different editor confirms it (POST .../verify). An
// editor cannot verify their own entry; an admin may publish their own
// alone by giving a reason, which the audit keeps.

// verifySpec is the verify form: a button, and the reason an admin gives
// to publish without a second editor (empty for a second editor's check).
var verifySpec = formSpec{"publish_reason": {max: access.MaxLongText}}

// verifyEvent records that the logged-in editor verified the event the
// path names; then back to its record (303). Their own entry is refused
// (403) unless an admin gives a reason; an event verified or corrected
// meanwhile answers 409. Nothing is written on a refusal.
func (s *Admin) verifyEvent(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	v := r.PathValue("id")
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 || !digitsPattern.MatchString(v) {
		return s.kit.NotFound(nil)
	}
	values, err := s.readForm(r)
	if err != nil {
		return err
	}
	f, problems, err := decodeFields(values, verifySpec)
	if err != nil {
		return s.refused(err)
	}
	if len(problems) > 0 {
		return s.kit.BadRequest(s.problemMessage(problems[0]))
	}
	ev, err := s.store.Event(r.Context(), id)
	if err != nil {
		return err
	}
	reason := f["publish_reason"]
	user := a.session.User
	if reason != "" && user.Role != access.RoleAdmin {
		return &httpkit.HTTPError{Status: http.StatusForbidden, Heading: s.l.T("admin.error.forbidden"),
			Details: []string{s.l.T("problem.publish_reason.admin_only")}}
	}
	_, err = s.store.VerifyEvent(r.Context(), id, user.Name, reason)
	switch {
	case errors.Is(err, store.ErrOwnEntry):
		return &httpkit.HTTPError{Status: http.StatusForbidden, Heading: s.l.T("admin.verify.own"),
			Details: []string{s.l.T("admin.verify.own.detail")}, Err: err}
	case errors.Is(err, store.ErrAlreadyVerified):
		return &httpkit.HTTPError{Status: http.StatusConflict, Heading: s.l.T("admin.verify.already"),
			Details: []string{s.l.T("admin.verify.already.detail")}, Err: err}
	case errors.Is(err, store.ErrCorrected):
		return s.alreadyCorrected(ev, err)
	case err != nil:
		if errs, ok := access.AsErrors(err); ok {
			return s.kit.BadRequest(s.problemMessage(errs[0]))
		}
		return err
	}
	to := "/admin/"
	if !ev.ClassLevel() {
		to = templates.AdminEventURL(ev.CountryCode, ev.OrgSlug)
	}
	return redirectDone(w, r, to, "event_verified")
}

// queueFilter reads the work queues' country and organisation filters; a
// value that cannot be a code or a slug is a 400.
func (s *Admin) queueFilter(r *http.Request, a *adminRequest) (store.QueueFilter, error) {
	q := r.URL.Query()
	f := store.QueueFilter{User: a.session.User.Name, Country: q.Get("country"), Org: q.Get("org")}
	if (f.Country != "" && !access.ValidCountryCode(f.Country)) || (f.Org != "" && !access.ValidSlug(f.Org)) {
		return f, s.kit.BadRequest(s.l.T("admin.error.query"))
	}
	return f, nil
}

// queueCounts counts the logged-in editor's work queues for the
// navigation; a failure to count leaves the counts out (and is logged).
func (s *Admin) queueCounts(r *http.Request, a *adminRequest) *templates.QueueCounts {
	if a.session.User.Name == "" {
		return nil
	}
	q, err := s.store.WorkQueues(r.Context(), store.QueueFilter{User: a.session.User.Name, Limit: 1})
	if err != nil {
		s.kit.Log.Error("count work queues", "err", err)
		return nil
	}
	return &templates.QueueCounts{Awaiting: q.AwaitingCount, Due: q.DueCount, PastEnd: q.PastEndCount}
}
