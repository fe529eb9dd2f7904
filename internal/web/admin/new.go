// Package admin is accesswatch's editors' area under /admin: login and
// sessions, the guard every admin route goes through, the forms that
// record events and reviews, organisations, severity scores, users, the
// audit and security logs, and the events CSV upload.
package admin

import (
	"context"
	"net/http"
	"time"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/auth"
	"github.com/accesswatch/accesswatch/internal/i18n"
	"github.com/accesswatch/accesswatch/internal/opendata"
	"github.com/accesswatch/accesswatch/internal/store"
	"github.com/accesswatch/accesswatch/internal/web/httpkit"
)

// Store is what the admin area reads and writes.
type Store interface {
	auth.Store
	opendata.Recorder // the import upload
	EditorRecord(ctx context.Context, country, slug string) (access.RecordView, error)
	Records(ctx context.Context, f store.RecordFilter) ([]access.RecordView, int, error)
	Events(ctx context.Context, f store.EventFilter) ([]access.EventView, int, error)
	Countries(ctx context.Context) ([]access.Country, error)
	ClassMeasuresInForce(ctx context.Context, country string) ([]access.ClassMeasure, error)
	Country(ctx context.Context, code string) (access.Country, error)
	Orgs(ctx context.Context) ([]access.Org, error)
	Org(ctx context.Context, slug string) (access.Org, error)
	RecordEvent(ctx context.Context, in store.NewEvent) (store.Recorded, error)
	Event(ctx context.Context, id int64) (access.EventView, error)
	RetractEvent(ctx context.Context, eventID int64, reason, actor string) (store.Recorded, error)
	SupersedeEvent(ctx context.Context, oldID int64, in store.NewEvent, reason string) (store.Recorded, error)
	VerifyEvent(ctx context.Context, eventID int64, actor, alone string) (store.Recorded, error)
	RequiresVerification() bool
	WorkQueues(ctx context.Context, f store.QueueFilter) (store.Queues, error)
	CreateOrg(ctx context.Context, o access.Org, actor string) error
	OrgForEdit(ctx context.Context, slug string) (access.Org, int64, error)
	UpdateOrg(ctx context.Context, o access.Org, expected int64, actor string) error
	SimilarOrgs(ctx context.Context, o access.Org) ([]access.Org, error)
	MergeOrg(ctx context.Context, from, into, actor string) (store.Merged, error)
	SaveDraft(ctx context.Context, d store.Draft) error
	ClaimDraft(ctx context.Context, idHash, owner string, now time.Time) error
	TakeDraft(ctx context.Context, idHash, owner, path string, now time.Time) (store.Draft, error)
	SetSeverity(ctx context.Context, code string, sc access.SeverityScore, actor string) error
	AuditLog(ctx context.Context, f store.AuditFilter) ([]store.AuditEntry, int, error)
	Users(ctx context.Context) ([]access.User, error)
	CreateUser(ctx context.Context, nu store.NewUser, actor string) (access.User, error)
	DisableUser(ctx context.Context, name, actor string) error
	EnableUser(ctx context.Context, name, actor string) error
	SetUserPassword(ctx context.Context, name, hash, actor string) error
	SetUserRole(ctx context.Context, name string, role access.Role, actor string) error
	SecurityLog(ctx context.Context, f store.SecurityFilter) ([]access.SecurityEvent, int, error)
	SetUserLang(ctx context.Context, name, lang string) error
}

// Admin serves the admin area.
type Admin struct {
	store  Store
	kit    *httpkit.Kit
	l      *i18n.Locale
	now    func() time.Time // the site's one clock, shared with sessions and throttling
	auth   *auth.Service
	origin *http.CrossOriginProtection
	// langs and byLang: the admin area in every language (WithLanguages);
	// nil: English only.
	langs  *i18n.Languages
	byLang map[string]*inLanguage
}

// inLanguage is the admin area written in one language, with its route
// handlers bound to it.
type inLanguage struct {
	admin    *Admin
	handlers map[string]adminHandler
}

// WithLanguages makes Guard answer in the language of each request: the
// one chosen with ?lang= (remembered in the editor's account), else the
// one the account remembers, else the browser's Accept-Language. Call it
// once, before serving.
func (s *Admin) WithLanguages(ls *i18n.Languages) {
	byLang := map[string]*inLanguage{}
	for _, l := range ls.All() {
		c := s.InLanguage(s.kit.InLanguage(l))
		in := &inLanguage{admin: c, handlers: map[string]adminHandler{}}
		for _, rt := range c.Routes() {
			in.handlers[rt.Pattern] = rt.handle
		}
		byLang[l.Tag] = in
	}
	s.langs, s.byLang = ls, byLang
}

// InLanguage returns the admin area written with kit (whose locale it
// takes), sharing everything else — sessions, throttling, cross-origin
// protection — with s: one per language, made once at start; Guard
// picks one per request.
func (s *Admin) InLanguage(kit *httpkit.Kit) *Admin {
	c := *s
	c.kit, c.l = kit, kit.L
	return &c
}

// New returns the admin area over st, answering with kit, its sessions and
// throttling on the clock now.
func New(st Store, kit *httpkit.Kit, now func() time.Time) *Admin {
	return &Admin{store: st, kit: kit, l: kit.L, now: now, auth: auth.NewService(st, now, kit.Log), origin: http.NewCrossOriginProtection()}
}
