package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"time"

	"github.com/accesswatch/accesswatch/internal/access"
)

// Session lifetimes: a session ends after IdleTimeout without a request, and
// AbsoluteTimeout after login whatever happens.
const (
	IdleTimeout     = 30 * time.Minute
	AbsoluteTimeout = 12 * time.Hour
	// touchEvery limits last-seen writes to one a minute per session: the
	// idle timeout is then exact to within a minute (never longer than
	// IdleTimeout), and browsing the admin area does not write on every click.
	touchEvery = time.Minute
)

// Store is what the service needs from the database.
type Store interface {
	UserByName(ctx context.Context, name string) (access.User, error)
	LoginThrottleState(ctx context.Context, name, address string, since time.Time) (access.LoginThrottle, error)
	AddLoginFailure(ctx context.Context, name, address string, at, forgetBefore time.Time) error
	ClearLoginFailures(ctx context.Context, name, address string) (int, error)
	AddSecurityEvent(ctx context.Context, e access.SecurityEvent) error
	CreateSession(ctx context.Context, sess access.Session, replaces []byte) error
	SessionUser(ctx context.Context, tokenHash []byte) (access.Session, access.User, error)
	TouchSession(ctx context.Context, tokenHash []byte, at time.Time) error
	DeleteSession(ctx context.Context, tokenHash []byte) error
}

// Errors of Login and Authenticate.
var (
	// ErrBadCredentials: the name and password do not open an active
	// account. Deliberately one error for unknown names, wrong passwords
	// and disabled accounts.
	ErrBadCredentials = errors.New("wrong name or password")
	// ErrNoSession: the token opens no live session.
	ErrNoSession = errors.New("no valid session")
	// ErrBusy: too many passwords are being checked at once; the attempt
	// was not checked and may be retried in a moment (HTTP 503).
	ErrBusy = errors.New("too many logins at once; retry in a moment")
)

// ThrottledError: too many failed logins from this address (for this name,
// or for any); try again after RetryAfter.
type ThrottledError struct{ RetryAfter time.Duration }

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("too many failed logins; try again in %s", e.RetryAfter.Round(time.Second))
}

// Service logs people in and out, recognises their sessions, and keeps the
// login trail (in the store and in the structured log).
type Service struct {
	st    Store
	now   func() time.Time
	log   *slog.Logger
	addrs *addressThrottle
	// hashing bounds concurrent argon2 runs (19 MiB and ~30 ms of one core
	// each) for the whole process, so a burst of logins cannot exhaust
	// memory or CPU.
	hashing chan struct{}
	// hashWait is how long to wait for a slot (HashWait; tests shorten it).
	hashWait time.Duration
	// sleep waits out the per-account delay; tests replace it.
	sleep    func(context.Context, time.Duration) error
	reported reporter
}

// NewService returns a Service over the store with the given clock (nil
// means time.Now) and logger (nil discards).
func NewService(st Store, now func() time.Time, log *slog.Logger) *Service {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{st: st, now: now, log: log, addrs: newAddressThrottle(),
		hashing: make(chan struct{}, max(2, runtime.NumCPU())), hashWait: HashWait, sleep: sleepContext}
}

func sleepContext(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Session is a live session and its account.
type Session struct {
	User      access.User
	TokenHash []byte
	CreatedAt time.Time
}

// LoginAttempt is what a login form submits, and where from.
type LoginAttempt struct {
	Name     string // as typed; normalised here
	Password string
	// Address is the client address, an opaque key for throttling and the
	// login trail (the web layer decides what it is).
	Address string
	// Previous is the session token the browser presented, if any: it is
	// destroyed, so a token planted or seen before the login is worthless
	// after it.
	Previous string
}

// throttleKey is the name throttling and the trail use for what was typed:
// every impossible name shares the key "", so junk does not fill the table.
func throttleKey(typed string) string {
	name := NormalizeName(typed)
	if !ValidName(name) {
		return ""
	}
	return name
}

// Login checks a name and password and, if they open an active account,
// starts a new session and returns its token. It fails with
// ErrBadCredentials (the same for an unknown name, a wrong password and a
// disabled account, after the same work: a password check against a dummy
// hash stands in for a missing account), *ThrottledError or ErrBusy. Every
// outcome is written to the login trail.
func (s *Service) Login(ctx context.Context, a LoginAttempt) (string, access.User, error) {
	now := s.now()
	key := throttleKey(a.Name)
	if err := s.admit(ctx, key, a.Address, now); err != nil {
		return "", access.User{}, err
	}

	hash, usable := dummyHash, false
	var user access.User
	if key != "" {
		var err error
		user, err = s.st.UserByName(ctx, key)
		switch {
		case err == nil:
			hash, usable = user.PasswordHash, !user.Disabled
		case !errors.Is(err, access.ErrNotFound):
			return "", access.User{}, err
		}
	}
	ok, err := s.verify(ctx, key, a.Address, hash, a.Password)
	if err != nil {
		return "", access.User{}, err
	}
	if !ok || !usable {
		return "", access.User{}, s.failed(ctx, key, a.Address, now, "login")
	}

	s.addrs.succeed(a.Address)
	if _, err := s.st.ClearLoginFailures(ctx, key, a.Address); err != nil {
		return "", access.User{}, err
	}
	token, err := NewToken()
	if err != nil {
		return "", access.User{}, err
	}
	var replaces []byte
	if wellFormedToken(a.Previous) {
		replaces = HashToken(a.Previous)
	}
	sess := access.Session{TokenHash: HashToken(token), UserID: user.ID, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(AbsoluteTimeout)}
	if err := s.st.CreateSession(ctx, sess, replaces); err != nil {
		return "", access.User{}, err
	}
	if err := s.trail(ctx, slog.LevelInfo, access.SecurityEvent{At: now, Name: key, Address: a.Address, Outcome: access.OutcomeLogin}); err != nil {
		return "", access.User{}, err
	}
	return token, user, nil
}

// admit applies the throttle before a password check of name from
// address: it refuses (*ThrottledError) while the address or the pair must
// wait, and otherwise waits out the account's small delay, if any.
func (s *Service) admit(ctx context.Context, name, address string, now time.Time) error {
	if wait := s.addrs.wait(address, now); wait > 0 {
		return s.throttled(ctx, name, address, now, wait, "address")
	}
	th, err := s.st.LoginThrottleState(ctx, name, address, now.Add(-AccountWindow))
	if err != nil {
		return err
	}
	if wait := pairWait(th.Failures, th.LastFailure, now); wait > 0 {
		return s.throttled(ctx, name, address, now, wait, "account and address")
	}
	if d := accountDelay(th.Recent); d > 0 {
		if s.reported.due("delay|"+name, now) {
			e := access.SecurityEvent{At: now, Name: name, Address: address, Outcome: access.OutcomeThrottled,
				Detail: fmt.Sprintf("account delay %s after %d recent failures", d, th.Recent)}
			if err := s.trail(ctx, slog.LevelWarn, e); err != nil {
				return err
			}
		}
		if err := s.sleep(ctx, d); err != nil {
			return err
		}
	}
	return nil
}

// throttled records a refused attempt (at most once a minute per address
// for the address layer, whatever the names it tries; per name and
// address for the pair layer) and returns its error.
func (s *Service) throttled(ctx context.Context, name, address string, now time.Time, wait time.Duration, layer string) error {
	key := layer + "|" + address
	if layer != "address" {
		key += "|" + name
	}
	if s.reported.due(key, now) {
		e := access.SecurityEvent{At: now, Name: name, Address: address, Outcome: access.OutcomeThrottled,
			Detail: fmt.Sprintf("%s must wait %s", layer, wait.Round(time.Second))}
		if err := s.trail(ctx, slog.LevelWarn, e); err != nil {
			return err
		}
	}
	return &ThrottledError{RetryAfter: wait}
}

// failed counts a failed password check of name from address in both
// throttling layers and the trail, and returns ErrBadCredentials.
func (s *Service) failed(ctx context.Context, name, address string, now time.Time, what string) error {
	s.addrs.fail(address, now)
	if err := s.st.AddLoginFailure(ctx, name, address, now, now.Add(-PairForget)); err != nil {
		return err
	}
	e := access.SecurityEvent{At: now, Name: name, Address: address, Outcome: access.OutcomeFailure, Detail: what}
	if err := s.trail(ctx, slog.LevelWarn, e); err != nil {
		return err
	}
	return ErrBadCredentials
}

// trail writes one event to the login trail and the structured log.
func (s *Service) trail(ctx context.Context, level slog.Level, e access.SecurityEvent) error {
	s.log.Log(ctx, level, "login trail", "outcome", string(e.Outcome), "account", e.Name, "address", e.Address, "detail", e.Detail)
	if err := s.st.AddSecurityEvent(ctx, e); err != nil {
		return fmt.Errorf("login trail: %w", err)
	}
	return nil
}

// acquire takes a password-check slot, waiting at most HashWait; ErrBusy
// if none frees up. release gives it back.
func (s *Service) acquire(ctx context.Context) error {
	select {
	case s.hashing <- struct{}{}:
		return nil
	default:
	}
	t := time.NewTimer(s.hashWait)
	defer t.Stop()
	select {
	case s.hashing <- struct{}{}:
		return nil
	case <-t.C:
		return ErrBusy
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *Service) release() { <-s.hashing }

// verify runs one password check in a hashing slot. A stored hash it
// cannot read counts as a wrong password. ErrBusy is recorded in the trail
// (at most once a minute per address).
func (s *Service) verify(ctx context.Context, name, address, hash, pw string) (bool, error) {
	if err := s.acquire(ctx); err != nil {
		if errors.Is(err, ErrBusy) && s.reported.due("busy|"+address, s.now()) {
			if terr := s.trail(ctx, slog.LevelWarn, access.SecurityEvent{At: s.now(), Name: name, Address: address, Outcome: access.OutcomeBusy}); terr != nil {
				return false, terr
			}
		}
		return false, err
	}
	defer s.release()
	ok, err := VerifyPassword(hash, pw)
	if err != nil && !errors.Is(err, ErrBadHash) {
		return false, err
	}
	return ok, nil
}

// ConfirmPassword checks the current password of a logged-in account
// before a sensitive change (its own password; another account's role,
// password or status). It is throttled and recorded like a login from
// address: a wrong password is ErrBadCredentials and counts as a failure;
// it may also fail with *ThrottledError or ErrBusy.
func (s *Service) ConfirmPassword(ctx context.Context, u access.User, password, address string) error {
	now := s.now()
	if err := s.admit(ctx, u.Name, address, now); err != nil {
		return err
	}
	ok, err := s.verify(ctx, u.Name, address, u.PasswordHash, password)
	if err != nil {
		return err
	}
	if !ok || u.Disabled {
		return s.failed(ctx, u.Name, address, now, "current password")
	}
	return nil
}

// HashPassword checks and hashes a new password in a hashing slot, so that
// forms that set passwords share the global bound with logins. It fails
// with the password's problems (see CheckPassword) or ErrBusy.
func (s *Service) HashPassword(ctx context.Context, pw string) (string, error) {
	if err := CheckPassword(pw); err != nil {
		return "", err
	}
	if err := s.acquire(ctx); err != nil {
		return "", err
	}
	defer s.release()
	return HashPassword(pw)
}

// EndedError is the ErrNoSession of a token whose session existed and has
// just ended (idle or absolute limit, disabled account): it names the
// account, so that what the request carried can be kept for that account
// alone (the admin area's drafts).
type EndedError struct {
	Name string
}

func (e *EndedError) Error() string {
	return ErrNoSession.Error() + ": the session of " + e.Name + " ended"
}

// Unwrap makes errors.Is(err, ErrNoSession) hold.
func (e *EndedError) Unwrap() error { return ErrNoSession }

// Authenticate returns the live session a token opens, or ErrNoSession,
// without knowing the client's address (see AuthenticateFrom).
func (s *Service) Authenticate(ctx context.Context, token string) (Session, error) {
	return s.AuthenticateFrom(ctx, token, "")
}

// AuthenticateFrom returns the live session a token opens, or ErrNoSession
// (an *EndedError when the token's session has just ended).
// A session past its absolute or idle limit, or of a disabled account, is
// deleted on sight, and its end recorded in the login trail with the
// client's address.
func (s *Service) AuthenticateFrom(ctx context.Context, token, address string) (Session, error) {
	if !wellFormedToken(token) {
		return Session{}, ErrNoSession
	}
	th := HashToken(token)
	sess, user, err := s.st.SessionUser(ctx, th)
	if errors.Is(err, access.ErrNotFound) {
		return Session{}, ErrNoSession
	}
	if err != nil {
		return Session{}, err
	}
	now := s.now()
	var why string
	switch {
	case user.Disabled:
		why = "account disabled"
	case !now.Before(sess.ExpiresAt):
		why = "absolute limit"
	case !now.Before(sess.LastSeenAt.Add(IdleTimeout)):
		why = "idle limit"
	}
	if why != "" {
		if err := s.st.DeleteSession(ctx, th); err != nil {
			return Session{}, err
		}
		if err := s.trail(ctx, slog.LevelInfo, access.SecurityEvent{At: now, Name: user.Name, Address: address, Outcome: access.OutcomeExpired, Detail: why}); err != nil {
			return Session{}, err
		}
		return Session{}, &EndedError{Name: user.Name}
	}
	if now.Sub(sess.LastSeenAt) >= touchEvery {
		if err := s.st.TouchSession(ctx, th, now); err != nil {
			return Session{}, err
		}
	}
	return Session{User: user, TokenHash: th, CreatedAt: sess.CreatedAt}, nil
}

// Logout ends the session of a token (if it has one) and records it in the
// login trail with the client's address.
func (s *Service) Logout(ctx context.Context, token, address string) error {
	if !wellFormedToken(token) {
		return nil
	}
	th := HashToken(token)
	_, user, err := s.st.SessionUser(ctx, th)
	if errors.Is(err, access.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := s.st.DeleteSession(ctx, th); err != nil {
		return err
	}
	return s.trail(ctx, slog.LevelInfo, access.SecurityEvent{At: s.now(), Name: user.Name, Address: address, Outcome: access.OutcomeLogout})
}
