package admin

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/store"
	"github.com/accesswatch/accesswatch/internal/web/httpkit"
	"github.com/accesswatch/accesswatch/templates"
)

// Corrections: an event that counts can be retracted (entered in error)
// or superseded by a corrected one. Nothing is deleted: the store marks
// the old event and folds the record again without it.

// retractSpec is the retract form: only the reason.
var retractSpec = formSpec{"correction_reason": {max: access.MaxLongText, required: true}}

// correctionField is the field of the correct form, beyond the event
// form's, that holds the reason of the correction.
const correctionField = "correction_reason"

// correctSpec is the correct form: the event form and the reason.
var correctSpec = withFields(eventSpec, retractSpec)

// eventFromPath loads the record and the event the path names; 404 when
// either is missing or the event is not the record's.
func (s *Admin) eventFromPath(r *http.Request) (access.RecordView, access.EventView, error) {
	rec, err := s.recordFromPath(r)
	if err != nil {
		return rec, access.EventView{}, err
	}
	v := r.PathValue("id")
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 || !digitsPattern.MatchString(v) {
		return rec, access.EventView{}, s.kit.NotFound(nil)
	}
	ev, err := s.store.Event(r.Context(), id)
	if err != nil {
		return rec, ev, err
	}
	if ev.CountryCode != rec.CountryCode || ev.OrgSlug != rec.OrgSlug || ev.Type == access.EventReviewed {
		return rec, ev, s.kit.NotFound(errors.New(s.l.T("admin.error.event_elsewhere")))
	}
	return rec, ev, nil
}

// alreadyCorrected answers 409 for an event that was corrected before:
// how, when, by whom and why; nothing was written.
func (s *Admin) alreadyCorrected(ev access.EventView, cause error) error {
	c := ev.Correction
	detail := s.l.T("admin.conflict.none")
	if c != nil {
		detail = s.l.Tf("admin.error.corrected.detail", s.l.T("admin.correction."+string(c.Kind)), c.At.UTC().Format("2006-01-02 15:04 UTC"), c.By, c.Reason)
	}
	return &httpkit.HTTPError{Status: http.StatusConflict, Heading: s.l.T("admin.error.corrected"), Details: []string{detail}, Err: cause}
}

// showRetractForm is the confirmation step of a retraction: the event,
// what retracting does, and the reason asked for. An event already
// corrected shows how, with no form.
func (s *Admin) showRetractForm(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	rec, ev, err := s.eventFromPath(r)
	if err != nil {
		return err
	}
	return s.renderRetract(w, r, a, http.StatusOK, rec, ev, templates.Form{})
}

func (s *Admin) renderRetract(w http.ResponseWriter, r *http.Request, a *adminRequest, status int,
	rec access.RecordView, ev access.EventView, form templates.Form) error {
	v := templates.RetractView{Record: rec, Event: ev, Action: templates.AdminRetractURL(rec.CountryCode, rec.OrgSlug, ev.ID), Form: form}
	title := s.l.Tf("admin.retract.title", rec.Org.Label(), rec.CountryName)
	s.kit.Render(w, r, status, templates.RetractPage(s.adminPage(a, title, "records", r), v))
	return nil
}

// retractEvent retracts an event as entered in error, with the reason,
// acted by the session's user; then back to the record's page (303). A
// missing reason re-shows the form (422); an event corrected meanwhile
// answers 409 and nothing is written.
func (s *Admin) retractEvent(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	rec, ev, err := s.eventFromPath(r)
	if err != nil {
		return err
	}
	values, err := s.readForm(r)
	if err != nil {
		return err
	}
	f, problems, err := decodeFields(values, retractSpec)
	if err != nil {
		return s.refused(err)
	}
	if !ev.Counts() {
		return s.alreadyCorrected(ev, nil)
	}
	if len(problems) == 0 {
		_, err = s.store.RetractEvent(r.Context(), ev.ID, f[correctionField], a.session.User.Name)
		switch {
		case errors.Is(err, store.ErrCorrected):
			now, rerr := s.store.Event(r.Context(), ev.ID)
			if rerr != nil {
				return rerr
			}
			return s.alreadyCorrected(now, err)
		case err != nil:
			errs, ok := access.AsErrors(err)
			if !ok {
				return err
			}
			problems = asCorrectionErrors(errs)
		default:
			return redirectDone(w, r, templates.AdminEventURL(rec.CountryCode, rec.OrgSlug), "event_retracted")
		}
	}
	return s.renderRetract(w, r, a, http.StatusUnprocessableEntity, rec, ev, s.formView(f, problems))
}

// asCorrectionErrors names the reason of a correction by its form field:
// the store calls it "reason", which on the event form is the event's
// stated reason.
func asCorrectionErrors(errs access.Errors) access.Errors {
	out := make(access.Errors, len(errs))
	for i, fe := range errs {
		if fe.Field == "reason" {
			fe.Field = correctionField
		}
		out[i] = fe
	}
	return out
}

// showCorrectForm shows the event form pre-filled from the event, to
// record a corrected one in its place, with the reason asked for.
func (s *Admin) showCorrectForm(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	rec, ev, err := s.eventFromPath(r)
	if err != nil {
		return err
	}
	if !ev.Counts() {
		return s.alreadyCorrected(ev, nil)
	}
	values := eventValues(ev.Event)
	values["version"] = strconv.FormatInt(rec.Version, 10)
	return s.renderCorrectForm(w, r, a, http.StatusOK, rec, ev, templates.Form{Values: values})
}

func (s *Admin) renderCorrectForm(w http.ResponseWriter, r *http.Request, a *adminRequest, status int,
	rec access.RecordView, ev access.EventView, form templates.Form) error {
	v := templates.EventFormView{Mode: access.EditEvent, Record: rec, Form: form, Correcting: &ev,
		Action: templates.AdminCorrectURL(rec.CountryCode, rec.OrgSlug, ev.ID)}
	s.sourceFormParts(a, &v)
	var err error
	if v.Timeline, _, err = s.store.Events(r.Context(), store.EventFilter{Country: rec.CountryCode, Org: rec.OrgSlug, IncludePrivate: true}); err != nil {
		return err
	}
	title := s.l.Tf("admin.correct.title", rec.Org.Label(), rec.CountryName)
	s.kit.Render(w, r, status, templates.EventFormPage(s.adminPage(a, title, "records", r), v))
	return nil
}

// eventValues writes an event as the event form's values.
func eventValues(e access.Event) map[string]string {
	v := map[string]string{
		"event_type": string(e.Type), "status": string(e.StatusAfter), "date": e.Date.ISO(),
		"initiated_by": string(e.InitiatedBy), "authority": e.Authority, "instrument": string(e.Instrument),
		"reason": e.Reason, "reason_category": string(e.ReasonCategory), "description": e.Description,
	}
	if e.StatusAfter == "" {
		v["status"] = access.StatusUnchanged
	}
	if e.Reach != nil {
		v["people"] = strconv.FormatInt(e.Reach.People, 10)
		v["people_basis"] = string(e.Reach.Basis)
	}
	sourceValues(v, e.Sources)
	v["note"] = e.Note
	return v
}

// supersedeEvent records the corrected event in place of the old one,
// against the record version the form was loaded at, with the reason;
// then back to the record's page (303). Problems re-show the form (422);
// an event corrected meanwhile, or a record that moved on, answers 409
// and nothing is written.
func (s *Admin) supersedeEvent(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	rec, old, err := s.eventFromPath(r)
	if err != nil {
		return err
	}
	values, err := s.readForm(r)
	if err != nil {
		return err
	}
	f, rproblems, err := decodeFields(values, correctSpec)
	if err != nil {
		return s.refused(err)
	}
	reason := f[correctionField]
	eventOnly := url.Values{}
	for k, v := range values {
		if k != correctionField {
			eventOnly[k] = v
		}
	}
	in, problems, err := decodeEvent(eventOnly, access.EditEvent)
	if err != nil {
		return s.refused(err)
	}
	if in.Event.TextLang == "" {
		in.Event.TextLang = s.l.Tag
	}
	if fe, ok := rproblems.Field(correctionField); ok {
		problems = append(problems, fe)
	}
	in.Fields[correctionField] = reason
	if !old.Counts() {
		return s.alreadyCorrected(old, nil)
	}
	in.Event.CountryCode, in.Event.OrgSlug = rec.CountryCode, rec.OrgSlug
	keepUnformed(&in.Event, old.Event)
	if in.AddSource {
		in.Fields["sources"] = strconv.Itoa(moreRows(in.Fields["sources"]))
		return s.renderCorrectForm(w, r, a, http.StatusOK, rec, old, s.formView(in.Fields, nil))
	}
	problems = merge(problems, in.Event.Validate(s.now()))
	problems = merge(problems, s.checkPublishAlone(a, in))
	if len(problems) == 0 {
		_, err = s.store.SupersedeEvent(r.Context(), old.ID, store.NewEvent{Event: in.Event, ExpectedVersion: in.Version,
			Actor: a.session.User.Name, PublishAlone: in.PublishReason, SecondEditor: true}, reason)
		var conflict *store.ConflictError
		switch {
		case errors.Is(err, store.ErrCorrected):
			now, rerr := s.store.Event(r.Context(), old.ID)
			if rerr != nil {
				return rerr
			}
			return s.alreadyCorrected(now, err)
		case errors.As(err, &conflict) && conflict.Current != nil:
			// The record moved on since the form was loaded: nothing was
			// written; the form comes back at the current version, to send
			// again after reading the record's timeline below it.
			in.Fields["version"] = strconv.FormatInt(conflict.Current.Version, 10)
			form := s.formView(in.Fields, nil)
			form.Problems = append(form.Problems, templates.Problem{Message: s.l.T("admin.conflict.explain")})
			return s.renderCorrectForm(w, r, a, http.StatusConflict, *conflict.Current, old, form)
		case err != nil:
			errs, ok := access.AsErrors(err)
			if !ok {
				return err
			}
			problems = errs
		default:
			return redirectDone(w, r, templates.AdminEventURL(rec.CountryCode, rec.OrgSlug), "event_corrected")
		}
	}
	return s.renderCorrectForm(w, r, a, http.StatusUnprocessableEntity, rec, old, s.formView(in.Fields, problems))
}

// keepUnformed carries over from the old event what the event form does
// not show (people affected, end date, constraint, presence, the reach's
// period), so a correction of the date or status loses nothing else. The
// corrected event is a new entry: it awaits verification like any other.
func keepUnformed(e *access.Event, old access.Event) {
	e.PeopleAffected, e.Until, e.Constraint, e.PresenceSince =
		old.PeopleAffected, old.Until, old.Constraint, old.PresenceSince
	if e.Reach != nil && old.Reach != nil && e.Reach.Basis == old.Reach.Basis {
		e.Reach.Period = old.Reach.Period
	}
}
