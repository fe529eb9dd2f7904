package admin

import (
	"net/http"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/store"
	"github.com/accesswatch/accesswatch/templates"
)

// Measures against a class of organisations (a ban on every NGO funded
// from one country, a suspension of all that did not file their accounts)
// are events of a country and of no organisation: the same store path as
// the CSV import (store.RecordEvent with no OrgSlug), now from a form of
// their own.

// showClassMeasureForm shows the form that records a measure against a
// class of organisations in the country {iso3}.
func (s *Admin) showClassMeasureForm(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	c, err := s.countryFromPath(r)
	if err != nil {
		return err
	}
	return s.renderClassMeasure(w, r, a, http.StatusOK, c, restored(a, map[string]string{}))
}

func (s *Admin) renderClassMeasure(w http.ResponseWriter, r *http.Request, a *adminRequest, status int, c access.Country, form templates.Form) error {
	inForce, err := s.store.ClassMeasuresInForce(r.Context(), c.Code)
	if err != nil {
		return err
	}
	v := templates.ClassMeasureView{Country: c, InForce: inForce, Form: form}
	s.kit.Render(w, r, status, templates.ClassMeasurePage(s.adminPage(a, s.l.Tf("admin.class.title", c.Name), "countries", r), v))
	return nil
}

// saveClassMeasure records a measure against a class of organisations:
// 422 with the input and a message per field, else 303 to the country's
// admin list.
func (s *Admin) saveClassMeasure(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	c, err := s.countryFromPath(r)
	if err != nil {
		return err
	}
	values, err := s.readForm(r)
	if err != nil {
		return err
	}
	ev, fields, problems, err := decodeClassMeasure(values, c.Code)
	if err != nil {
		return s.refused(err)
	}
	problems = merge(problems, ev.Validate(s.now()))
	if len(problems) == 0 {
		_, err := s.store.RecordEvent(r.Context(), store.NewEvent{Event: ev, ExpectedVersion: store.AnyVersion, Actor: a.session.User.Name})
		errs, invalid := access.AsErrors(err)
		switch {
		case err == nil:
			return redirectDone(w, r, "/admin/countries", "class_measure_recorded")
		case !invalid:
			return err
		}
		problems = errs
	}
	return s.renderClassMeasure(w, r, a, http.StatusUnprocessableEntity, c, s.formView(fields, problems))
}
