package auth

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/accesswatch/accesswatch/internal/store"
	"github.com/accesswatch/accesswatch/internal/storetest"
)

const testPassword = "a long enough passphrase"

// newTestService opens a database with one editor, "alice".
func newTestService(t *testing.T) (*Service, *store.Store, *storetest.Clock) {
	t.Helper()
	st, clock := storetest.Open(t)
	addUser(t, st, "alice", store.RoleEditor, testPassword)
	return NewService(st, clock.Now), st, clock
}

func addUser(t *testing.T, st *store.Store, name string, role store.Role, pw string) {
	t.Helper()
	h, err := HashPassword(pw)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateUser(context.Background(), store.NewUser{Name: name, Role: role, PasswordHash: h}, "test"); err != nil {
		t.Fatal(err)
	}
}

func TestLoginStartsASessionThatLogoutEnds(t *testing.T) {
	svc, _, _ := newTestService(t)
	ctx := context.Background()
	token, user, err := svc.Login(ctx, LoginAttempt{Name: "  Alice ", Password: testPassword, Address: "192.0.2.1"})
	if err != nil {
		t.Fatal(err)
	}
	if user.Name != "alice" || !wellFormedToken(token) {
		t.Errorf("user %q, token %q", user.Name, token)
	}
	sess, err := svc.Authenticate(ctx, token)
	if err != nil || sess.User.Name != "alice" || sess.User.Role != store.RoleEditor {
		t.Fatalf("authenticate: %+v %v", sess, err)
	}
	if err := svc.Logout(ctx, token); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Authenticate(ctx, token); !errors.Is(err, ErrNoSession) {
		t.Errorf("after logout: %v", err)
	}
}

func TestTheDatabaseHoldsNoTokens(t *testing.T) {
	svc, st, _ := newTestService(t)
	token, _, err := svc.Login(context.Background(), LoginAttempt{Name: "alice", Password: testPassword, Address: "a"})
	if err != nil {
		t.Fatal(err)
	}
	w, _ := st.Pools()
	var n int
	if err := w.QueryRow(`SELECT COUNT(*) FROM sessions WHERE token_hash = ? OR CAST(token_hash AS TEXT) = ?`, token, token).Scan(&n); err != nil || n != 0 {
		t.Errorf("the token itself is stored (%d rows, %v)", n, err)
	}
	if _, _, err := st.SessionUser(context.Background(), HashToken(token)); err != nil {
		t.Errorf("the token's hash is not stored: %v", err)
	}
}

func TestLoginReplacesThePreviousSession(t *testing.T) {
	svc, _, _ := newTestService(t)
	ctx := context.Background()
	first, _, err := svc.Login(ctx, LoginAttempt{Name: "alice", Password: testPassword, Address: "a"})
	if err != nil {
		t.Fatal(err)
	}
	second, _, err := svc.Login(ctx, LoginAttempt{Name: "alice", Password: testPassword, Address: "a", Previous: first})
	if err != nil {
		t.Fatal(err)
	}
	if second == first {
		t.Fatal("login reused the presented token")
	}
	if _, err := svc.Authenticate(ctx, first); !errors.Is(err, ErrNoSession) {
		t.Errorf("the pre-login token still works: %v", err)
	}
	if _, err := svc.Authenticate(ctx, second); err != nil {
		t.Errorf("the new token does not work: %v", err)
	}
}

func TestIdleAndAbsoluteExpiry(t *testing.T) {
	svc, _, clock := newTestService(t)
	ctx := context.Background()
	login := func() string {
		t.Helper()
		tok, _, err := svc.Login(ctx, LoginAttempt{Name: "alice", Password: testPassword, Address: "a"})
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}

	idle := login()
	clock.Advance(IdleTimeout - time.Second)
	if _, err := svc.Authenticate(ctx, idle); err != nil {
		t.Fatalf("1 s before the idle limit: %v", err)
	}
	// That request counted as activity: the idle limit starts again.
	clock.Advance(IdleTimeout - time.Second)
	if _, err := svc.Authenticate(ctx, idle); err != nil {
		t.Fatalf("activity did not extend the session: %v", err)
	}
	clock.Advance(IdleTimeout)
	if _, err := svc.Authenticate(ctx, idle); !errors.Is(err, ErrNoSession) {
		t.Errorf("after %s idle: %v", IdleTimeout, err)
	}

	busy := login()
	for elapsed := time.Duration(0); elapsed < AbsoluteTimeout-20*time.Minute; elapsed += 20 * time.Minute {
		clock.Advance(20 * time.Minute)
		if _, err := svc.Authenticate(ctx, busy); err != nil {
			t.Fatalf("active session ended after %s: %v", elapsed+20*time.Minute, err)
		}
	}
	clock.Advance(20 * time.Minute)
	if _, err := svc.Authenticate(ctx, busy); !errors.Is(err, ErrNoSession) {
		t.Errorf("an active session outlived the absolute limit of %s: %v", AbsoluteTimeout, err)
	}
}

func TestDisablingAUserEndsTheirSessions(t *testing.T) {
	svc, st, _ := newTestService(t)
	ctx := context.Background()
	token, _, err := svc.Login(ctx, LoginAttempt{Name: "alice", Password: testPassword, Address: "a"})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.DisableUser(ctx, "alice", "admin"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Authenticate(ctx, token); !errors.Is(err, ErrNoSession) {
		t.Errorf("session of a disabled user: %v", err)
	}
	if _, _, err := svc.Login(ctx, LoginAttempt{Name: "alice", Password: testPassword, Address: "b"}); !errors.Is(err, ErrBadCredentials) {
		t.Errorf("a disabled user logged in: %v", err)
	}
}

func TestLoginFailuresLookAlike(t *testing.T) {
	svc, st, _ := newTestService(t)
	addUser(t, st, "bob", store.RoleAdmin, testPassword)
	if err := st.DisableUser(context.Background(), "bob", "test"); err != nil {
		t.Fatal(err)
	}
	for _, a := range []LoginAttempt{
		{Name: "alice", Password: "wrong password"},
		{Name: "nobody", Password: "wrong password"},
		{Name: "bob", Password: testPassword}, // right password, disabled
		{Name: "not a valid name!", Password: testPassword},
		{Name: "", Password: ""},
	} {
		a.Address = a.Name
		if _, _, err := svc.Login(context.Background(), a); !errors.Is(err, ErrBadCredentials) {
			t.Errorf("%q: %v, want ErrBadCredentials", a.Name, err)
		}
	}
}

func TestAccountThrottle(t *testing.T) {
	svc, st, clock := newTestService(t)
	ctx := context.Background()
	now := clock.Now()
	// Fill the window but one, without spending an argon2 run on each.
	for _, name := range []string{"alice", "nobody"} {
		for i := range MaxAccountFailures - 1 {
			if err := st.AddLoginFailure(ctx, name, now.Add(-time.Duration(i)*time.Second), now.Add(-AccountWindow)); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, name := range []string{"alice", "nobody"} {
		// The hundredth failure, from a fresh address, is still checked...
		if _, _, err := svc.Login(ctx, LoginAttempt{Name: name, Password: "wrong password", Address: name + "-1"}); !errors.Is(err, ErrBadCredentials) {
			t.Fatalf("%s: failure %d: %v", name, MaxAccountFailures, err)
		}
		// ...then even the right password is refused, whatever the address,
		// and alike for a name with no account.
		var te *ThrottledError
		if _, _, err := svc.Login(ctx, LoginAttempt{Name: name, Password: testPassword, Address: name + "-2"}); !errors.As(err, &te) {
			t.Errorf("%s: after %d failures: %v, want throttled", name, MaxAccountFailures, err)
		}
	}
	// Other accounts are not affected.
	addUser(t, st, "carol", store.RoleEditor, testPassword)
	if _, _, err := svc.Login(ctx, LoginAttempt{Name: "carol", Password: testPassword, Address: "c"}); err != nil {
		t.Errorf("another account: %v", err)
	}
	// An hour later the failures have aged out.
	clock.Advance(AccountWindow + time.Second)
	if _, _, err := svc.Login(ctx, LoginAttempt{Name: "alice", Password: testPassword, Address: "d"}); err != nil {
		t.Errorf("an hour later: %v", err)
	}
}

func TestAddressBackoffInLogin(t *testing.T) {
	svc, _, clock := newTestService(t)
	ctx := context.Background()
	for i := range FreeAddressFailures {
		if _, _, err := svc.Login(ctx, LoginAttempt{Name: "alice", Password: "wrong password", Address: "203.0.113.9"}); !errors.Is(err, ErrBadCredentials) {
			t.Fatalf("failure %d: %v", i, err)
		}
	}
	var te *ThrottledError
	_, _, err := svc.Login(ctx, LoginAttempt{Name: "alice", Password: testPassword, Address: "203.0.113.9"})
	if !errors.As(err, &te) || te.RetryAfter != FirstAddressBackoff {
		t.Fatalf("after %d failures: %v", FreeAddressFailures, err)
	}
	if _, _, err := svc.Login(ctx, LoginAttempt{Name: "alice", Password: testPassword, Address: "203.0.113.10"}); err != nil {
		t.Errorf("another address is held back: %v", err)
	}
	clock.Advance(FirstAddressBackoff)
	if _, _, err := svc.Login(ctx, LoginAttempt{Name: "alice", Password: testPassword, Address: "203.0.113.9"}); err != nil {
		t.Errorf("after the backoff: %v", err)
	}
}

func TestAuthenticateIgnoresJunk(t *testing.T) {
	svc, _, _ := newTestService(t)
	forged, _ := NewToken()
	for _, tok := range []string{"", "junk", forged, "' OR 1=1 --"} {
		if _, err := svc.Authenticate(context.Background(), tok); !errors.Is(err, ErrNoSession) {
			t.Errorf("%q: %v", tok, err)
		}
	}
}

// BenchmarkLoginFailure compares the time a failed login takes for an
// unknown name with the time for a wrong password: the ratio should be near
// 1, so timing does not reveal which names have accounts.
//
//	go test -run '^$' -bench LoginFailure ./internal/auth/
func BenchmarkLoginFailure(b *testing.B) {
	st, clock := storetest.Open(b)
	h, err := HashPassword(testPassword)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := st.CreateUser(context.Background(), store.NewUser{Name: "alice", Role: store.RoleEditor, PasswordHash: h}, "test"); err != nil {
		b.Fatal(err)
	}
	svc := NewService(st, clock.Now)
	run := func(name string, n int) time.Duration {
		start := time.Now()
		for i := range n {
			clock.Advance(AccountWindow) // keep both throttles out of the way
			if _, _, err := svc.Login(context.Background(), LoginAttempt{Name: name, Password: "wrong password", Address: string(rune('a' + i%20))}); !errors.Is(err, ErrBadCredentials) {
				b.Fatal(err)
			}
		}
		return time.Since(start)
	}
	var known, unknown time.Duration
	for b.Loop() {
		known += run("alice", 1)
		unknown += run("nobody", 1)
	}
	b.ReportMetric(float64(unknown)/float64(known), "unknown-name-x-of-wrong-password")
}
