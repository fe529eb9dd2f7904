package admin

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"unicode/utf8"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/store"
	"github.com/accesswatch/accesswatch/templates"
)

// PageSize is how many rows an admin list shows per page.
const PageSize = 50

// showDashboard lists records to edit, searchable and paged.
func (s *Admin) showDashboard(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	q := r.URL.Query().Get("q")
	if !utf8.ValidString(q) || utf8.RuneCountInString(q) > access.MaxShortText {
		return s.kit.BadRequest(s.l.T("admin.error.query"))
	}
	page, err := s.pageParam(r)
	if err != nil {
		return err
	}
	records, total, err := s.store.Records(r.Context(), store.RecordFilter{Query: q, Sort: store.SortCountry,
		Limit: PageSize, Offset: (page - 1) * PageSize})
	if err != nil {
		return err
	}
	link := func(n int) string {
		v := url.Values{}
		if q != "" {
			v.Set("q", q)
		}
		if n > 1 {
			v.Set("page", strconv.Itoa(n))
		}
		if len(v) == 0 {
			return "/admin/"
		}
		return "/admin/?" + v.Encode()
	}
	v := templates.DashboardView{Query: q, Records: records, Pager: pager(page, PageSize, total, link)}
	s.kit.Render(w, r, http.StatusOK, templates.AdminDashboard(s.adminPage(a, s.l.T("admin.records.title"), "records", r), v))
	return nil
}

// recordFromPath loads the record named by the {iso3} and {slug} of the
// path; 404 if there is none.
func (s *Admin) recordFromPath(r *http.Request) (access.RecordView, error) {
	iso3, slug := r.PathValue("iso3"), r.PathValue("slug")
	if !access.ValidCountryCode(iso3) || !access.ValidSlug(slug) {
		return access.RecordView{}, s.kit.NotFound(nil)
	}
	return s.store.Record(r.Context(), iso3, slug)
}

// today is the editor's default date for a new event.
func (s *Admin) today() string { return access.DayOf(s.now().UTC()).ISO() }

// showEventForm shows the record-an-event form at the record's current version.
func (s *Admin) showEventForm(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	return s.showRecordForm(w, r, a, access.EditEvent)
}

// showReviewForm shows the form that confirms a record is still accurate.
func (s *Admin) showReviewForm(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	return s.showRecordForm(w, r, a, access.EditReview)
}

// showRecordForm shows the event or review form of the record the path
// names.
func (s *Admin) showRecordForm(w http.ResponseWriter, r *http.Request, a *adminRequest, mode access.RecordEdit) error {
	rec, err := s.recordFromPath(r)
	if err != nil {
		return err
	}
	form := templates.Form{Values: map[string]string{"version": strconv.FormatInt(rec.Version, 10), "date": s.today()}}
	return s.renderEventForm(w, r, a, http.StatusOK, templates.EventFormView{Mode: mode, Record: rec, Form: form})
}

// saveEvent adds an event to a record's timeline, against the version the
// form was loaded at.
func (s *Admin) saveEvent(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	return s.saveRecordForm(w, r, a, access.EditEvent)
}

// saveReview records that an editor confirmed a record: an event that
// changes nothing but the record's last-reviewed date.
func (s *Admin) saveReview(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	return s.saveRecordForm(w, r, a, access.EditReview)
}

// saveRecordForm reads the event or review form posted for the record the
// path names and writes it (see writeEvent).
func (s *Admin) saveRecordForm(w http.ResponseWriter, r *http.Request, a *adminRequest, mode access.RecordEdit) error {
	rec, err := s.recordFromPath(r)
	if err != nil {
		return err
	}
	values, err := s.readForm(r)
	if err != nil {
		return err
	}
	in, problems, err := decodeEvent(values, mode)
	if err != nil {
		return s.refused(err)
	}
	in.Event.CountryCode, in.Event.OrgSlug = rec.CountryCode, rec.OrgSlug
	return s.writeEvent(w, r, a, templates.EventFormView{Mode: mode, Record: rec}, in, problems)
}

// showNewRecordForm shows the form that creates a record with its first event.
func (s *Admin) showNewRecordForm(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	form := templates.Form{Values: map[string]string{"date": s.today()}}
	return s.renderEventForm(w, r, a, http.StatusOK, templates.EventFormView{Mode: access.EditCreate, Form: form})
}

// createRecord creates a record (an existing organisation in a country) with
// its first event; version 0 says "I saw no record", so a record someone
// else created meanwhile is a conflict, not an overwrite.
func (s *Admin) createRecord(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	values, err := s.readForm(r)
	if err != nil {
		return err
	}
	in, problems, err := decodeEvent(values, access.EditCreate)
	if err != nil {
		return s.refused(err)
	}
	return s.writeEvent(w, r, a, templates.EventFormView{Mode: access.EditCreate}, in, problems)
}

// writeEvent validates a decoded event form and records it: problems
// re-show the form (422) with the input and a message per field; a stale
// version answers 409 with what changed; success redirects (303).
func (s *Admin) writeEvent(w http.ResponseWriter, r *http.Request, a *adminRequest, v templates.EventFormView,
	in eventInput, problems access.Errors) error {
	problems = merge(problems, in.Event.Validate(s.now()))
	if in.Event.TextLang == "" {
		in.Event.TextLang = s.l.Tag // the text is taken to be in the editor's interface language
	}
	if len(problems) == 0 {
		_, err := s.store.RecordEvent(r.Context(), store.NewEvent{Event: in.Event, ExpectedVersion: in.Version, Actor: a.session.User.Name})
		var conflict *store.ConflictError
		switch {
		case errors.As(err, &conflict) && conflict.Current != nil:
			return s.renderConflict(w, r, a, v.Mode, in, *conflict.Current)
		case errors.As(err, &conflict):
			return s.kit.NotFound(err) // the record went away: records are never deleted, so this is a bug
		case err != nil:
			errs, ok := access.AsErrors(err)
			if !ok {
				return err
			}
			problems = errs
		default:
			done := map[access.RecordEdit]string{access.EditEvent: "event_recorded", access.EditReview: "reviewed",
				access.EditCreate: "record_created"}[v.Mode]
			return redirectDone(w, r, "/admin/", done)
		}
	}
	v.Form = s.formView(in.Fields, problems)
	return s.renderEventForm(w, r, a, http.StatusUnprocessableEntity, v)
}

// renderConflict answers 409: the record is at cur, not at the version the
// editor saw. It lists the events recorded since, and shows the editor's
// input again as a form on the current version.
func (s *Admin) renderConflict(w http.ResponseWriter, r *http.Request, a *adminRequest, mode access.RecordEdit,
	in eventInput, cur access.RecordView) error {
	changes, _, err := s.store.Events(r.Context(), store.EventFilter{Country: cur.CountryCode, Org: cur.OrgSlug,
		AfterVersion: in.Version, OldestFirst: true})
	if err != nil {
		return err
	}
	if mode == access.EditCreate {
		mode = access.EditEvent // the record exists now: add to it
	}
	values := map[string]string{}
	for k, v := range in.Fields {
		if k != "country" && k != "org" {
			values[k] = v
		}
	}
	values["version"] = strconv.FormatInt(cur.Version, 10)
	form := templates.EventFormView{Mode: mode, Record: cur, Action: eventFormAction(mode, cur), Form: s.formView(values, nil)}
	p := s.adminPage(a, s.l.T("admin.conflict.title"), "records", r)
	s.kit.Render(w, r, http.StatusConflict, templates.ConflictPage(p, templates.ConflictView{Record: cur, Changes: changes, Form: form}))
	return nil
}

func eventFormAction(mode access.RecordEdit, rec access.RecordView) string {
	switch mode {
	case access.EditReview:
		return templates.AdminReviewURL(rec.CountryCode, rec.OrgSlug)
	case access.EditCreate:
		return "/admin/records/new"
	}
	return templates.AdminEventURL(rec.CountryCode, rec.OrgSlug)
}

// renderEventForm shows one of the event forms.
func (s *Admin) renderEventForm(w http.ResponseWriter, r *http.Request, a *adminRequest, status int, v templates.EventFormView) error {
	var title, section string
	switch v.Mode {
	case access.EditCreate:
		title, section = s.l.T("admin.create.title"), "new-record"
		var err error
		if v.Countries, err = s.store.Countries(r.Context()); err != nil {
			return err
		}
		if v.Orgs, err = s.store.Orgs(r.Context()); err != nil {
			return err
		}
	case access.EditReview:
		title, section = s.l.Tf("admin.review.title", v.Record.Org.Label(), v.Record.CountryName), "records"
	default:
		title, section = s.l.Tf("admin.event.title", v.Record.Org.Label(), v.Record.CountryName), "records"
		var err error
		if v.Timeline, _, err = s.store.Events(r.Context(), store.EventFilter{Country: v.Record.CountryCode, Org: v.Record.OrgSlug}); err != nil {
			return err
		}
	}
	v.Action = eventFormAction(v.Mode, v.Record)
	s.kit.Render(w, r, status, templates.EventFormPage(s.adminPage(a, title, section, r), v))
	return nil
}
