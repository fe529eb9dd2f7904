package admin

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/store"
	"github.com/accesswatch/accesswatch/templates"
)

// PageSize is how many rows an admin list shows per page.
const PageSize = 50

// Problem codes of the confirmation steps: an event like one the record
// has (same date and type), an organisation like an existing one.
const (
	CodeDuplicateEvent = "duplicate_event"
	CodeSimilarOrg     = "similar_org"
)

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
	records, total, err := s.store.Records(r.Context(), store.RecordFilter{Query: q, Sort: store.SortCountry, IncludePrivate: true,
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
	qf, err := s.queueFilter(r, a)
	if err != nil {
		return err
	}
	queues, err := s.store.WorkQueues(r.Context(), qf)
	if err != nil {
		return err
	}
	countries, err := s.store.Countries(r.Context())
	if err != nil {
		return err
	}
	orgs, err := s.store.Orgs(r.Context())
	if err != nil {
		return err
	}
	v := templates.DashboardView{Query: q, Records: records, Pager: pager(page, PageSize, total, link),
		Queues: templates.WorkQueues(queues), QueueCountry: qf.Country, QueueOrg: qf.Org, Countries: countries, Orgs: orgs, User: qf.User}
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
	return s.store.EditorRecord(r.Context(), iso3, slug)
}

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
	// No default date: an event's date is the source's, never "today" by
	// default (an editor who forgets it gets a message, not a wrong date).
	form := restored(a, map[string]string{"version": strconv.FormatInt(rec.Version, 10)})
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
	return s.renderEventForm(w, r, a, http.StatusOK, templates.EventFormView{Mode: access.EditCreate, Form: restored(a, map[string]string{})})
}

// createRecord creates a record (an existing organisation in a country) with
// its first event; version 0 says "I saw no record", so a record someone
// else created meanwhile is a conflict, not an overwrite.
func (s *Admin) createRecord(w http.ResponseWriter, r *http.Request, a *adminRequest) error {
	values, err := s.readForm(r)
	if err != nil {
		return err
	}
	if err := s.resolveNames(r.Context(), values); err != nil {
		return err
	}
	in, problems, err := decodeEvent(values, access.EditCreate)
	if err != nil {
		return s.refused(err)
	}
	return s.writeEvent(w, r, a, templates.EventFormView{Mode: access.EditCreate}, in, problems)
}

// resolveNames lets the create-record form's country and organisation be
// typed as names: a country's name (any case or accents) becomes its code,
// an organisation's name or acronym the slug of the one organisation that
// has it. Anything else is left as typed, for the usual checks.
func (s *Admin) resolveNames(ctx context.Context, values url.Values) error {
	if c := strings.TrimSpace(values.Get("country")); c != "" && !access.ValidCountryCode(c) && len(values["country"]) == 1 {
		cs, err := s.store.Countries(ctx)
		if err != nil {
			return err
		}
		for _, x := range cs {
			if access.NormalName(x.Name) == access.NormalName(c) || strings.EqualFold(x.Code, c) {
				values.Set("country", x.Code)
				break
			}
		}
	}
	if len(values["org"]) == 1 {
		slug, err := s.resolveOrg(ctx, strings.TrimSpace(values.Get("org")))
		if err != nil {
			return err
		}
		values.Set("org", slug)
	}
	return nil
}

// resolveOrg returns the slug of the one organisation whose name, acronym
// or list label is typed (normalised), or typed itself when it is a slug
// already, names none, or names several.
func (s *Admin) resolveOrg(ctx context.Context, typed string) (string, error) {
	if typed == "" || access.ValidSlug(typed) {
		return typed, nil
	}
	orgs, err := s.store.Orgs(ctx)
	if err != nil {
		return "", err
	}
	n := access.NormalName(typed)
	var found []string
	for _, x := range orgs {
		if n == access.NormalName(x.Name) || n == access.NormalName(x.Acronym) || n == access.NormalName(orgLabelOf(x)) {
			found = append(found, x.Slug)
		}
	}
	if len(found) == 1 {
		return found[0], nil
	}
	return typed, nil
}

// orgLabelOf is how the datalist labels an organisation ("MSF — Médecins
// Sans Frontières"), so that a label picked whole also resolves.
func orgLabelOf(o access.Org) string {
	if o.Acronym != "" && o.Acronym != o.Name {
		return o.Acronym + " — " + o.Name
	}
	return o.Name
}

// duplicates returns what the event looks like, before it is recorded:
// events of its record that count, with the same date and type (the form
// asks to confirm), and for a new organisation the existing ones like it.
// A form loaded at another version than the record's (rec) is a conflict
// first: the 409 shows what changed, and the duplicates are looked for
// when it is sent again; so is a create-record form for a record that
// exists.
func (s *Admin) duplicates(ctx context.Context, mode access.RecordEdit, rec access.RecordView, in eventInput) ([]access.EventView, []access.Org, error) {
	if in.Confirmed {
		return nil, nil, nil
	}
	if in.NewOrg != nil {
		if _, err := s.store.Org(ctx, in.NewOrg.Slug); errors.Is(err, store.ErrNotFound) {
			similar, err := s.store.SimilarOrgs(ctx, *in.NewOrg)
			return nil, similar, err
		} else if err != nil {
			return nil, nil, err
		}
	}
	ev := in.Event
	if mode != access.EditEvent || rec.Version != in.Version || ev.Type == access.EventReviewed {
		return nil, nil, nil
	}
	events, _, err := s.store.Events(ctx, store.EventFilter{Country: ev.CountryCode, Org: ev.OrgSlug})
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	var same []access.EventView
	for _, e := range events {
		if e.Counts() && e.Type == ev.Type && e.Date == ev.Date {
			same = append(same, e)
		}
	}
	if len(same) > 0 {
		// rec was read before the events: another editor's save may have
		// come between (two editors sending the same event at once). Read
		// the version again, after the events: if it moved, the save is a
		// conflict (409, with what changed) rather than a duplicate.
		now, err := s.store.EditorRecord(ctx, ev.CountryCode, ev.OrgSlug)
		if err != nil {
			return nil, nil, err
		}
		if now.Version != in.Version {
			return nil, nil, nil
		}
	}
	return same, nil, nil
}

// writeEvent validates a decoded event form and records it: problems
// re-show the form (422) with the input and a message per field; a stale
// version answers 409 with what changed; success redirects (303).
func (s *Admin) writeEvent(w http.ResponseWriter, r *http.Request, a *adminRequest, v templates.EventFormView,
	in eventInput, problems access.Errors) error {
	if in.AddSource {
		return s.showMoreSources(w, r, a, v, in)
	}
	problems = merge(problems, in.Event.Validate(s.now()))
	problems = merge(problems, s.checkPublishAlone(a, in))
	if in.Event.TextLang == "" {
		in.Event.TextLang = s.l.Tag // the text is taken to be in the editor's interface language
	}
	if len(problems) == 0 {
		var err error
		if v.Duplicates, v.SimilarOrgs, err = s.duplicates(r.Context(), v.Mode, v.Record, in); err != nil {
			return err
		}
		if len(v.Duplicates) > 0 || len(v.SimilarOrgs) > 0 {
			code := CodeDuplicateEvent
			if len(v.SimilarOrgs) > 0 {
				code = CodeSimilarOrg
			}
			problems = access.Errors{{Field: "confirm_duplicate", Code: code}}
		}
	}
	if len(problems) == 0 {
		_, err := s.store.RecordEvent(r.Context(), store.NewEvent{Event: in.Event, Org: in.NewOrg, ExpectedVersion: in.Version,
			Actor: a.session.User.Name, PublishAlone: in.PublishReason, SecondEditor: true})
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
			if v.Mode != access.EditReview && s.store.RequiresVerification() && in.PublishReason == "" {
				done = "event_submitted"
			}
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
		AfterVersion: in.Version, OldestFirst: true, IncludePrivate: true})
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
	s.sourceFormParts(a, &form) // every source row typed comes back
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
	}
	if v.Mode != access.EditCreate {
		// the record's whole timeline, so that a review confirms what it
		// can see, as an event is recorded against it
		var err error
		if v.Timeline, _, err = s.store.Events(r.Context(), store.EventFilter{Country: v.Record.CountryCode, Org: v.Record.OrgSlug, IncludePrivate: true}); err != nil {
			return err
		}
	}
	v.Action = eventFormAction(v.Mode, v.Record)
	s.sourceFormParts(a, &v)
	s.kit.Render(w, r, status, templates.EventFormPage(s.adminPage(a, title, section, r), v))
	return nil
}
