package access

import (
	"errors"
	"time"
)

// Accounts, sessions and the login trail: the plain data that internal/auth
// works on and the store keeps. Like the read models they carry no
// behaviour beyond validity checks, so auth, the admin pages and templates
// share them without depending on the store.

// ErrNotFound: the thing asked for (a record, a country, an account, a
// session, ...) does not exist. The store returns it, wrapped.
var ErrNotFound = errors.New("not found")

// Role is what an account may do.
type Role string

// Roles. Editors record events, records, organisations and severity scores;
// admins also read the audit log and manage accounts.
const (
	RoleAdmin  Role = "admin"
	RoleEditor Role = "editor"
)

// Roles lists every role.
var Roles = []Role{RoleAdmin, RoleEditor}

// Valid reports whether r is one of Roles.
func (r Role) Valid() bool { return r == RoleAdmin || r == RoleEditor }

// User is an account.
type User struct {
	ID           int64
	Name         string
	Role         Role
	PasswordHash string // PHC string; never the password
	Disabled     bool
	// Lang is the interface language the editor chose ("fr"); "" when
	// none: the browser's Accept-Language decides.
	Lang      string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// SecurityOutcome is what happened in one row of the login trail.
type SecurityOutcome string

// Outcomes of the login trail.
const (
	OutcomeLogin     SecurityOutcome = "login"     // a successful login
	OutcomeFailure   SecurityOutcome = "failure"   // a wrong name or password (or a wrong current password on a form)
	OutcomeThrottled SecurityOutcome = "throttled" // an attempt refused, or slowed, by the login throttle
	OutcomeBusy      SecurityOutcome = "busy"      // an attempt refused because too many passwords were being checked at once
	OutcomeUnlock    SecurityOutcome = "unlock"    // an account's failed logins were forgotten (user unlock, a password change)
	OutcomeLogout    SecurityOutcome = "logout"    // a session ended by its user
	OutcomeExpired   SecurityOutcome = "expired"   // a session ended by its idle or absolute limit
)

// SecurityOutcomes lists every outcome, in the order filters offer them.
var SecurityOutcomes = []SecurityOutcome{OutcomeLogin, OutcomeFailure, OutcomeThrottled, OutcomeBusy, OutcomeUnlock, OutcomeLogout, OutcomeExpired}

// Valid reports whether o is one of SecurityOutcomes.
func (o SecurityOutcome) Valid() bool {
	for _, v := range SecurityOutcomes {
		if o == v {
			return true
		}
	}
	return false
}

// SecurityEvent is one row of the login trail.
type SecurityEvent struct {
	ID      int64
	At      time.Time
	Name    string // the account name as tried, normalised
	Address string // the client address; "cli" for the command line
	Outcome SecurityOutcome
	Detail  string // a short machine-made note, never a password
}

// Session is a logged-in browser, known by the SHA-256 of its token.
//
// Session, login-failure and login-trail writes do not move the store's
// domain-data version: they change nothing that public pages show, and must
// not empty the page cache on every admin request or failed login.
type Session struct {
	TokenHash  []byte
	UserID     int64
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time // the absolute limit
}

// LoginThrottle is what the database knows of recent failed logins for a
// name: those from one client address, and those from every address.
type LoginThrottle struct {
	// Failures is the number of failures for the name from the address
	// since the pair's state was last cleared; LastFailure the latest.
	Failures    int
	LastFailure time.Time
	// Recent counts the failures for the name from any address whose pair
	// failed at or after the since time the store was asked about.
	Recent int
}
