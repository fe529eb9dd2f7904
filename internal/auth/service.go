package auth

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"time"

	"github.com/accesswatch/accesswatch/internal/store"
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
	UserByName(ctx context.Context, name string) (store.User, error)
	LoginFailures(ctx context.Context, name string, since time.Time) (int, error)
	AddLoginFailure(ctx context.Context, name string, at, forgetBefore time.Time) error
	ClearLoginFailures(ctx context.Context, name string) error
	CreateSession(ctx context.Context, sess store.Session, replaces []byte) error
	SessionUser(ctx context.Context, tokenHash []byte) (store.Session, store.User, error)
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
)

// ThrottledError: too many failed logins; try again after RetryAfter.
type ThrottledError struct{ RetryAfter time.Duration }

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("too many failed logins; try again in %s", e.RetryAfter.Round(time.Second))
}

// Service logs people in and out and recognises their sessions.
type Service struct {
	st    Store
	now   func() time.Time
	addrs *addressThrottle
	// hashing bounds concurrent argon2 runs (19 MiB each), so a burst of
	// logins cannot exhaust memory.
	hashing chan struct{}
}

// NewService returns a Service over the store with the given clock (nil
// means time.Now).
func NewService(st Store, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{st: st, now: now, addrs: newAddressThrottle(), hashing: make(chan struct{}, max(2, runtime.NumCPU()))}
}

// Session is a live session and its account.
type Session struct {
	User      store.User
	TokenHash []byte
	CreatedAt time.Time
}

// LoginAttempt is what a login form submits, and where from.
type LoginAttempt struct {
	Name     string // as typed; normalised here
	Password string
	Address  string // client address, for the per-address throttle
	// Previous is the session token the browser presented, if any: it is
	// destroyed, so a token planted or seen before the login is worthless
	// after it.
	Previous string
}

// Login checks a name and password and, if they open an active account,
// starts a new session and returns its token. It fails with
// ErrBadCredentials (the same for an unknown name, a wrong password and a
// disabled account, after the same work: a password check against a dummy
// hash stands in for a missing account) or *ThrottledError.
func (s *Service) Login(ctx context.Context, a LoginAttempt) (string, store.User, error) {
	now := s.now()
	if wait := s.addrs.wait(a.Address, now); wait > 0 {
		return "", store.User{}, &ThrottledError{RetryAfter: wait}
	}
	name := NormalizeName(a.Name)
	key := name
	if !ValidName(name) {
		key = "" // every impossible name shares one bucket, so junk does not fill the table
	}
	failures, err := s.st.LoginFailures(ctx, key, now.Add(-AccountWindow))
	if err != nil {
		return "", store.User{}, err
	}
	if failures >= MaxAccountFailures {
		return "", store.User{}, &ThrottledError{RetryAfter: AccountWindow}
	}

	hash, usable := dummyHash, false
	var user store.User
	if key != "" {
		user, err = s.st.UserByName(ctx, name)
		switch {
		case err == nil:
			hash, usable = user.PasswordHash, !user.Disabled
		case !errors.Is(err, store.ErrNotFound):
			return "", store.User{}, err
		}
	}
	ok, err := s.verify(ctx, hash, a.Password)
	if err != nil && !errors.Is(err, ErrBadHash) {
		return "", store.User{}, err
	}
	if !ok || !usable {
		s.addrs.fail(a.Address, now)
		if err := s.st.AddLoginFailure(ctx, key, now, now.Add(-AccountWindow)); err != nil {
			return "", store.User{}, err
		}
		return "", store.User{}, ErrBadCredentials
	}

	s.addrs.succeed(a.Address)
	if err := s.st.ClearLoginFailures(ctx, key); err != nil {
		return "", store.User{}, err
	}
	token, err := NewToken()
	if err != nil {
		return "", store.User{}, err
	}
	var replaces []byte
	if wellFormedToken(a.Previous) {
		replaces = HashToken(a.Previous)
	}
	sess := store.Session{TokenHash: HashToken(token), UserID: user.ID, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(AbsoluteTimeout)}
	if err := s.st.CreateSession(ctx, sess, replaces); err != nil {
		return "", store.User{}, err
	}
	return token, user, nil
}

// verify runs one password check, waiting for a free hashing slot.
func (s *Service) verify(ctx context.Context, hash, pw string) (bool, error) {
	select {
	case s.hashing <- struct{}{}:
	case <-ctx.Done():
		return false, ctx.Err()
	}
	defer func() { <-s.hashing }()
	return VerifyPassword(hash, pw)
}

// Authenticate returns the live session a token opens, or ErrNoSession. A
// session past its absolute or idle limit, or of a disabled account, is
// deleted on sight.
func (s *Service) Authenticate(ctx context.Context, token string) (Session, error) {
	if !wellFormedToken(token) {
		return Session{}, ErrNoSession
	}
	th := HashToken(token)
	sess, user, err := s.st.SessionUser(ctx, th)
	if errors.Is(err, store.ErrNotFound) {
		return Session{}, ErrNoSession
	}
	if err != nil {
		return Session{}, err
	}
	now := s.now()
	if user.Disabled || !now.Before(sess.ExpiresAt) || !now.Before(sess.LastSeenAt.Add(IdleTimeout)) {
		if err := s.st.DeleteSession(ctx, th); err != nil {
			return Session{}, err
		}
		return Session{}, ErrNoSession
	}
	if now.Sub(sess.LastSeenAt) >= touchEvery {
		if err := s.st.TouchSession(ctx, th, now); err != nil {
			return Session{}, err
		}
	}
	return Session{User: user, TokenHash: th, CreatedAt: sess.CreatedAt}, nil
}

// Logout ends the session of a token (if it has one).
func (s *Service) Logout(ctx context.Context, token string) error {
	if !wellFormedToken(token) {
		return nil
	}
	return s.st.DeleteSession(ctx, HashToken(token))
}
