package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/store"
	"github.com/accesswatch/accesswatch/internal/storetest"
)

const testPassword = "a long enough passphrase"

// newTestService opens a database with one editor, "alice".
func newTestService(t *testing.T) (*Service, *store.Store, *storetest.Clock) {
	t.Helper()
	st, clock := storetest.Open(t)
	addUser(t, st, "alice", access.RoleEditor, testPassword)
	return newService(st, clock), st, clock
}

// newService returns a Service whose account delay only adds to delays
// instead of sleeping.
func newService(st *store.Store, clock *storetest.Clock) *Service {
	svc := NewService(st, clock.Now, nil)
	svc.sleep = func(context.Context, time.Duration) error { return nil }
	return svc
}

// cheap are argon2id parameters that make a test user's hash fast to check,
// for tests that run hundreds of logins. They are never used outside tests.
var cheap = Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

func addCheapUser(t *testing.T, st *store.Store, name, pw string) {
	t.Helper()
	h, err := HashPasswordWith(cheap, pw)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateUser(context.Background(), store.NewUser{Name: name, Role: access.RoleEditor, PasswordHash: h}, "test"); err != nil {
		t.Fatal(err)
	}
}

// trail returns the outcomes of the login trail for a name, oldest first.
func trail(t *testing.T, st *store.Store, name string) []access.SecurityEvent {
	t.Helper()
	rows, _, err := st.SecurityLog(context.Background(), store.SecurityFilter{Name: name})
	if err != nil {
		t.Fatal(err)
	}
	slices.Reverse(rows)
	return rows
}

func outcomes(rows []access.SecurityEvent) []access.SecurityOutcome {
	var out []access.SecurityOutcome
	for _, r := range rows {
		out = append(out, r.Outcome)
	}
	return out
}

func addUser(t *testing.T, st *store.Store, name string, role access.Role, pw string) {
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
	if err != nil || sess.User.Name != "alice" || sess.User.Role != access.RoleEditor {
		t.Fatalf("authenticate: %+v %v", sess, err)
	}
	if err := svc.Logout(ctx, token, "192.0.2.1"); err != nil {
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
	addUser(t, st, "bob", access.RoleAdmin, testPassword)
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

// TestStrangersCannotLockTheOwnerOut: 500 failed logins for an account from
// 50 addresses leave its owner able to log in from a fresh address with the
// right password, after at most MaxAccountDelay (a few seconds); each
// attacking address is throttled for that account.
func TestStrangersCannotLockTheOwnerOut(t *testing.T) {
	st, clock := storetest.Open(t)
	addCheapUser(t, st, "owner", testPassword)
	svc := NewService(st, clock.Now, nil)
	var delays []time.Duration
	svc.sleep = func(_ context.Context, d time.Duration) error { delays = append(delays, d); return nil }
	ctx := context.Background()

	failures, refusals := 0, 0
	for failures < 500 {
		addr := fmt.Sprintf("198.51.100.%d", failures%50)
		_, _, err := svc.Login(ctx, LoginAttempt{Name: "owner", Password: fmt.Sprintf("guess %d", failures), Address: addr})
		var te *ThrottledError
		switch {
		case errors.Is(err, ErrBadCredentials):
			failures++
		case errors.As(err, &te):
			// The attacker waits as told, and tries again.
			refusals++
			clock.Advance(te.RetryAfter)
		default:
			t.Fatalf("failure %d: %v", failures, err)
		}
	}
	if refusals == 0 {
		t.Error("500 failures from 50 addresses were never throttled")
	}
	delays = nil
	_, user, err := svc.Login(ctx, LoginAttempt{Name: "owner", Password: testPassword, Address: "203.0.113.200"})
	if err != nil || user.Name != "owner" {
		t.Fatalf("the owner, from a fresh address, after 500 failures: %v", err)
	}
	var waited time.Duration
	for _, d := range delays {
		waited += d
	}
	if waited > MaxAccountDelay || MaxAccountDelay > 5*time.Second {
		t.Errorf("the owner was held back %s (bound %s); want a few seconds at most", waited, MaxAccountDelay)
	}
	if waited == 0 {
		t.Error("500 recent failures added no delay at all for the account")
	}
	// An attacking address is still held back for this account.
	var te *ThrottledError
	if _, _, err := svc.Login(ctx, LoginAttempt{Name: "owner", Password: testPassword, Address: "198.51.100.7"}); !errors.As(err, &te) {
		t.Errorf("an attacking address, right after its failures: %v, want throttled", err)
	}
	got := outcomes(trail(t, st, "owner"))
	if n := strings.Count(fmt.Sprint(got), "failure"); n != 500 {
		t.Errorf("the trail has %d failures, want 500", n)
	}
	if !slices.Contains(got, access.OutcomeThrottled) || got[len(got)-1] != access.OutcomeThrottled || got[len(got)-2] != access.OutcomeLogin {
		t.Errorf("trail ends %v; want ... throttled, login, throttled", got[max(0, len(got)-3):])
	}
}

// TestUnlockAndPasswordChangeClearThrottling: `user unlock` (UnlockUser) and
// a password change forget the failures that throttle an address for an
// account.
func TestUnlockAndPasswordChangeClearThrottling(t *testing.T) {
	st, clock := storetest.Open(t)
	addCheapUser(t, st, "owner", testPassword)
	ctx := context.Background()
	for _, clear := range []func() error{
		func() error { _, err := st.UnlockUser(ctx, "owner", "cli", "test"); return err },
		func() error {
			h, err := HashPasswordWith(cheap, testPassword)
			if err != nil {
				return err
			}
			return st.SetUserPassword(ctx, "owner", h, "test")
		},
	} {
		// A fresh service each round: the in-memory per-address layer is a
		// running server's; what must be cleared is the database's.
		svc := newService(st, clock)
		for i := range FreePairFailures + 3 {
			_, _, err := svc.Login(ctx, LoginAttempt{Name: "owner", Password: "wrong", Address: "192.0.2.50"})
			var te *ThrottledError
			if errors.As(err, &te) {
				clock.Advance(te.RetryAfter)
				_, _, err = svc.Login(ctx, LoginAttempt{Name: "owner", Password: "wrong", Address: "192.0.2.50"})
			}
			if !errors.Is(err, ErrBadCredentials) {
				t.Fatalf("failure %d: %v", i, err)
			}
		}
		svc = newService(st, clock)
		var te *ThrottledError
		if _, _, err := svc.Login(ctx, LoginAttempt{Name: "owner", Password: testPassword, Address: "192.0.2.50"}); !errors.As(err, &te) {
			t.Fatalf("before clearing: %v, want throttled", err)
		}
		if err := clear(); err != nil {
			t.Fatal(err)
		}
		if _, _, err := svc.Login(ctx, LoginAttempt{Name: "owner", Password: testPassword, Address: "192.0.2.50"}); err != nil {
			t.Errorf("after clearing: %v", err)
		}
	}
	if n := strings.Count(fmt.Sprint(outcomes(trail(t, st, "owner"))), "unlock"); n != 2 {
		t.Errorf("%d unlocks in the trail, want 2", n)
	}
}

// TestTrailRecordsEveryOutcome: a login, a failure, a throttled attempt, a
// logout and an expired session each leave their row, with the account and
// the client address.
func TestTrailRecordsEveryOutcome(t *testing.T) {
	svc, st, clock := newTestService(t)
	ctx := context.Background()
	tok, _, err := svc.Login(ctx, LoginAttempt{Name: "alice", Password: testPassword, Address: "192.0.2.1"})
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Logout(ctx, tok, "192.0.2.1"); err != nil {
		t.Fatal(err)
	}
	for range FreeAddressFailures {
		if _, _, err := svc.Login(ctx, LoginAttempt{Name: "alice", Password: "wrong", Address: "192.0.2.2"}); !errors.Is(err, ErrBadCredentials) {
			t.Fatal(err)
		}
	}
	if _, _, err := svc.Login(ctx, LoginAttempt{Name: "alice", Password: testPassword, Address: "192.0.2.2"}); err == nil {
		t.Fatal("not throttled")
	}
	tok, _, err = svc.Login(ctx, LoginAttempt{Name: "alice", Password: testPassword, Address: "192.0.2.3"})
	if err != nil {
		t.Fatal(err)
	}
	clock.Advance(IdleTimeout)
	if _, err := svc.AuthenticateFrom(ctx, tok, "192.0.2.3"); !errors.Is(err, ErrNoSession) {
		t.Fatal(err)
	}
	rows := trail(t, st, "alice")
	want := []access.SecurityOutcome{access.OutcomeLogin, access.OutcomeLogout, "failure", "failure", "failure", "failure", "failure",
		access.OutcomeThrottled, access.OutcomeLogin, access.OutcomeExpired}
	if !slices.Equal(outcomes(rows), want) {
		t.Fatalf("trail %v, want %v", outcomes(rows), want)
	}
	for i, addr := range []string{"192.0.2.1", "192.0.2.1", "192.0.2.2", "192.0.2.2", "192.0.2.2", "192.0.2.2", "192.0.2.2", "192.0.2.2", "192.0.2.3", "192.0.2.3"} {
		if rows[i].Address != addr || rows[i].Name != "alice" || rows[i].At.IsZero() {
			t.Errorf("row %d: %+v, want alice from %s", i, rows[i], addr)
		}
	}
	if rows[len(rows)-1].Detail != "idle limit" {
		t.Errorf("expiry detail %q", rows[len(rows)-1].Detail)
	}
}

// TestHashingIsBoundedGlobally: with every password-check slot taken, a
// login waits HashWait and then answers ErrBusy, recorded once.
func TestHashingIsBoundedGlobally(t *testing.T) {
	svc, st, _ := newTestService(t)
	svc.hashWait = 10 * time.Millisecond
	for range cap(svc.hashing) {
		svc.hashing <- struct{}{}
	}
	_, _, err := svc.Login(context.Background(), LoginAttempt{Name: "alice", Password: testPassword, Address: "192.0.2.9"})
	if !errors.Is(err, ErrBusy) {
		t.Fatalf("login with every slot taken: %v, want ErrBusy", err)
	}
	if _, err := svc.HashPassword(context.Background(), "a new long passphrase"); !errors.Is(err, ErrBusy) {
		t.Errorf("hashing a new password with every slot taken: %v, want ErrBusy", err)
	}
	if got := outcomes(trail(t, st, "alice")); !slices.Equal(got, []access.SecurityOutcome{access.OutcomeBusy}) {
		t.Errorf("trail %v", got)
	}
	<-svc.hashing
	if _, _, err := svc.Login(context.Background(), LoginAttempt{Name: "alice", Password: testPassword, Address: "192.0.2.9"}); err != nil {
		t.Errorf("with a slot free again: %v", err)
	}
}

// TestConfirmPassword: the current-password check before sensitive changes
// accepts the right password, refuses a wrong one as a failure of that
// account from that address, and is throttled like a login.
func TestConfirmPassword(t *testing.T) {
	svc, st, clock := newTestService(t)
	ctx := context.Background()
	alice, err := st.UserByName(ctx, "alice")
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.ConfirmPassword(ctx, alice, testPassword, "192.0.2.1"); err != nil {
		t.Fatalf("right password: %v", err)
	}
	for range FreePairFailures {
		if err := svc.ConfirmPassword(ctx, alice, "wrong", "192.0.2.1"); !errors.Is(err, ErrBadCredentials) {
			t.Fatalf("wrong password: %v", err)
		}
	}
	var te *ThrottledError
	if err := svc.ConfirmPassword(ctx, alice, testPassword, "192.0.2.1"); !errors.As(err, &te) {
		t.Errorf("after %d wrong passwords: %v, want throttled", FreePairFailures, err)
	}
	clock.Advance(te.RetryAfter)
	if err := svc.ConfirmPassword(ctx, alice, testPassword, "192.0.2.1"); err != nil {
		t.Errorf("after the wait: %v", err)
	}
	rows := trail(t, st, "alice")
	if rows[0].Outcome != access.OutcomeFailure || rows[0].Detail != "current password" {
		t.Errorf("first trail row %+v", rows[0])
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
	if _, err := st.CreateUser(context.Background(), store.NewUser{Name: "alice", Role: access.RoleEditor, PasswordHash: h}, "test"); err != nil {
		b.Fatal(err)
	}
	svc := newService(st, clock)
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

// TestRefusalsAreRecordedSparingly: a flood of attempts from a throttled
// address writes one trail row a minute, not one per attempt, whatever
// names it tries.
func TestRefusalsAreRecordedSparingly(t *testing.T) {
	svc, st, clock := newTestService(t)
	ctx := context.Background()
	for range FreeAddressFailures {
		if _, _, err := svc.Login(ctx, LoginAttempt{Name: "alice", Password: "wrong", Address: "192.0.2.66"}); !errors.Is(err, ErrBadCredentials) {
			t.Fatal(err)
		}
	}
	for i := range 200 {
		var te *ThrottledError
		name := fmt.Sprintf("name%d", i%20)
		if _, _, err := svc.Login(ctx, LoginAttempt{Name: name, Password: "wrong", Address: "192.0.2.66"}); !errors.As(err, &te) {
			t.Fatalf("attempt %d: %v, want throttled", i, err)
		}
	}
	_, n, err := st.SecurityLog(ctx, store.SecurityFilter{Outcome: access.OutcomeThrottled})
	if err != nil || n != 1 {
		t.Errorf("%d throttled rows for 200 refused attempts in a minute, want 1 (%v)", n, err)
	}
	clock.Advance(reportEvery)
	svc.addrs.fail("192.0.2.66", clock.Now()) // keep the address throttled
	if _, _, err := svc.Login(ctx, LoginAttempt{Name: "alice", Password: "wrong", Address: "192.0.2.66"}); err == nil {
		t.Fatal("not throttled")
	}
	if _, n, _ := st.SecurityLog(ctx, store.SecurityFilter{Outcome: access.OutcomeThrottled}); n != 2 {
		t.Errorf("%d throttled rows a minute later, want 2", n)
	}
}

// TestTrailGoesToTheStructuredLog: each trail event is also logged, at
// info for a login and warn for a failure, with account and address.
func TestTrailGoesToTheStructuredLog(t *testing.T) {
	st, clock := storetest.Open(t)
	addUser(t, st, "alice", access.RoleEditor, testPassword)
	var buf strings.Builder
	svc := NewService(st, clock.Now, slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo})))
	ctx := context.Background()
	if _, _, err := svc.Login(ctx, LoginAttempt{Name: "alice", Password: testPassword, Address: "192.0.2.5"}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := svc.Login(ctx, LoginAttempt{Name: "alice", Password: "wrong", Address: "192.0.2.6"}); !errors.Is(err, ErrBadCredentials) {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 ||
		!strings.Contains(lines[0], "level=INFO") || !strings.Contains(lines[0], "outcome=login account=alice address=192.0.2.5") ||
		!strings.Contains(lines[1], "level=WARN") || !strings.Contains(lines[1], "outcome=failure account=alice address=192.0.2.6") {
		t.Errorf("log:\n%s", buf.String())
	}
	if strings.Contains(buf.String(), "wrong") || strings.Contains(buf.String(), testPassword) {
		t.Error("a password reached the log")
	}
}
