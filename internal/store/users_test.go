package store

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/accesswatch/accesswatch/internal/access"
)

func TestUsers(t *testing.T) {
	forEachEngine(t, func(t *testing.T, eng Engine) {
		s, _ := openTestOn(t, eng)
		ctx := context.Background()
		if us, err := s.Users(ctx); err != nil || len(us) != 0 {
			t.Fatalf("a new database has accounts: %v %v", us, err)
		}
		u, err := s.CreateUser(ctx, NewUser{Name: "alice", Role: access.RoleAdmin, PasswordHash: "$argon2id$x"}, "cli")
		if err != nil || u.ID == 0 {
			t.Fatalf("create: %+v %v", u, err)
		}
		if _, err := s.CreateUser(ctx, NewUser{Name: "alice", Role: access.RoleEditor, PasswordHash: "$argon2id$y"}, "cli"); !errors.Is(err, ErrUserExists) {
			t.Errorf("duplicate name: %v", err)
		}
		for _, bad := range []NewUser{{Name: "bob", Role: "root", PasswordHash: "h"}, {Name: "", Role: access.RoleEditor, PasswordHash: "h"}, {Name: "bob", Role: access.RoleEditor}} {
			if _, err := s.CreateUser(ctx, bad, "cli"); err == nil {
				t.Errorf("%+v accepted", bad)
			}
		}
		got, err := s.UserByName(ctx, "alice")
		if err != nil || got.Role != access.RoleAdmin || got.PasswordHash != "$argon2id$x" || got.Disabled || got.CreatedAt.IsZero() {
			t.Errorf("read back: %+v %v", got, err)
		}
		if _, err := s.UserByName(ctx, "nobody"); !errors.Is(err, ErrNotFound) {
			t.Errorf("unknown user: %v", err)
		}
		if n := count(t, s, `SELECT COUNT(*) FROM audit WHERE action = 'user.create' AND entity_key = 'alice' AND after NOT LIKE '%argon2%'`); n != 1 {
			t.Errorf("%d audit rows for the creation (without the hash)", n)
		}
	})
}

func TestDisableAndPasswordEndSessions(t *testing.T) {
	forEachEngine(t, func(t *testing.T, eng Engine) {
		s, clock := openTestOn(t, eng)
		ctx := context.Background()
		u, err := s.CreateUser(ctx, NewUser{Name: "alice", Role: access.RoleEditor, PasswordHash: "h1"}, "cli")
		if err != nil {
			t.Fatal(err)
		}
		newSession := func(b byte) []byte {
			th := bytes.Repeat([]byte{b}, 32)
			now := clock.Now()
			if err := s.CreateSession(ctx, access.Session{TokenHash: th, UserID: u.ID, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(time.Hour)}, nil); err != nil {
				t.Fatal(err)
			}
			return th
		}
		gen := s.Generation()
		th := newSession(1)
		sess, su, err := s.SessionUser(ctx, th)
		if err != nil || su.Name != "alice" || !sess.ExpiresAt.Equal(clock.Now().Add(time.Hour)) {
			t.Fatalf("session: %+v %+v %v", sess, su, err)
		}
		if err := s.TouchSession(ctx, th, clock.Now().Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		if sess, _, _ := s.SessionUser(ctx, th); !sess.LastSeenAt.Equal(clock.Now().Add(time.Minute)) {
			t.Errorf("touch: last seen %v", sess.LastSeenAt)
		}
		clock.Advance(2 * pollInterval) // past the poll for other processes' writes
		if s.Generation() != gen {
			t.Error("session writes changed the generation (they would empty the page cache)")
		}

		if err := s.SetUserPassword(ctx, "alice", "h2", "admin"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.SessionUser(ctx, th); !errors.Is(err, ErrNotFound) {
			t.Errorf("a password change left a session: %v", err)
		}
		if u, _ := s.UserByName(ctx, "alice"); u.PasswordHash != "h2" {
			t.Errorf("hash %q", u.PasswordHash)
		}

		th = newSession(2)
		if err := s.DisableUser(ctx, "alice", "admin"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.SessionUser(ctx, th); !errors.Is(err, ErrNotFound) {
			t.Errorf("disabling left a session: %v", err)
		}
		if err := s.DisableUser(ctx, "alice", "admin"); err != nil {
			t.Fatal(err)
		}
		if n := count(t, s, `SELECT COUNT(*) FROM audit WHERE action = 'user.disable'`); n != 1 {
			t.Errorf("%d disable audit rows; disabling twice is one change", n)
		}
		if n := count(t, s, `SELECT COUNT(*) FROM audit WHERE action = 'user.password' AND before NOT LIKE '%h1%' AND after NOT LIKE '%h2%'`); n != 1 {
			t.Errorf("%d password audit rows without hashes", n)
		}
		if err := s.DisableUser(ctx, "nobody", "admin"); !errors.Is(err, ErrNotFound) {
			t.Errorf("disable unknown: %v", err)
		}
	})
}

func TestCreateSessionReplacesAndSweeps(t *testing.T) {
	forEachEngine(t, func(t *testing.T, eng Engine) {
		s, clock := openTestOn(t, eng)
		ctx := context.Background()
		u, err := s.CreateUser(ctx, NewUser{Name: "alice", Role: access.RoleEditor, PasswordHash: "h"}, "cli")
		if err != nil {
			t.Fatal(err)
		}
		now := clock.Now()
		old, expired, fresh := bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32), bytes.Repeat([]byte{3}, 32)
		for _, sess := range []access.Session{
			{TokenHash: old, UserID: u.ID, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(time.Hour)},
			{TokenHash: expired, UserID: u.ID, CreatedAt: now.Add(-2 * time.Hour), LastSeenAt: now, ExpiresAt: now.Add(-time.Hour)},
		} {
			if err := s.CreateSession(ctx, sess, nil); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.CreateSession(ctx, access.Session{TokenHash: fresh, UserID: u.ID, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(time.Hour)}, old); err != nil {
			t.Fatal(err)
		}
		if n := count(t, s, `SELECT COUNT(*) FROM sessions`); n != 1 {
			t.Errorf("%d sessions left; want only the new one", n)
		}
		if err := s.DeleteSession(ctx, fresh); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.SessionUser(ctx, fresh); !errors.Is(err, ErrNotFound) {
			t.Errorf("deleted session: %v", err)
		}
	})
}

func TestLoginThrottleState(t *testing.T) {
	forEachEngine(t, func(t *testing.T, eng Engine) {
		s, clock := openTestOn(t, eng)
		ctx := context.Background()
		now := clock.Now()
		// alice: three failures from one address, the latest 10 minutes ago; two
		// from another, 40 minutes ago.
		for _, f := range []struct {
			addr string
			ago  time.Duration
		}{{"a", 30 * time.Minute}, {"a", 20 * time.Minute}, {"a", 10 * time.Minute}, {"b", 50 * time.Minute}, {"b", 40 * time.Minute}} {
			if err := s.AddLoginFailure(ctx, "alice", f.addr, now.Add(-f.ago), now.Add(-24*time.Hour)); err != nil {
				t.Fatal(err)
			}
		}
		th, err := s.LoginThrottleState(ctx, "alice", "a", now.Add(-15*time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		if th.Failures != 3 || !th.LastFailure.Equal(now.Add(-10*time.Minute)) || th.Recent != 3 {
			t.Errorf("alice from a: %+v; want 3 failures, the last 10 minutes ago, 3 recent (b's last is 40 minutes old)", th)
		}
		if th, _ := s.LoginThrottleState(ctx, "alice", "c", now.Add(-time.Hour)); th.Failures != 0 || !th.LastFailure.IsZero() || th.Recent != 5 {
			t.Errorf("alice from a fresh address: %+v; want no failures of its own, 5 recent", th)
		}
		if th, _ := s.LoginThrottleState(ctx, "bob", "a", now.Add(-time.Hour)); th != (access.LoginThrottle{}) {
			t.Errorf("bob: %+v", th)
		}
		// A later failure sweeps away pairs whose last failure is older than its horizon.
		if err := s.AddLoginFailure(ctx, "bob", "a", now, now.Add(-30*time.Minute)); err != nil {
			t.Fatal(err)
		}
		if n := count(t, s, `SELECT COUNT(*) FROM login_throttle`); n != 2 {
			t.Errorf("%d pairs after the sweep; want alice/a and bob/a", n)
		}
		// A success clears one pair; an unlock every pair of a name.
		if n, err := s.ClearLoginFailures(ctx, "alice", "a"); err != nil || n != 3 {
			t.Fatalf("clear alice/a: %d %v", n, err)
		}
		if n := count(t, s, `SELECT COUNT(*) FROM login_throttle WHERE name = 'bob'`); n != 1 {
			t.Errorf("clearing alice touched bob: %d", n)
		}
		for _, addr := range []string{"x", "y"} {
			if err := s.AddLoginFailure(ctx, "bob", addr, now, now.Add(-time.Hour)); err != nil {
				t.Fatal(err)
			}
		}
		gen := s.Generation()
		n, err := s.UnlockUser(ctx, "bob", "cli", "unlocked by test")
		if err != nil || n != 3 {
			t.Fatalf("unlock bob: %d %v; want 3 failures forgotten", n, err)
		}
		if c := count(t, s, `SELECT COUNT(*) FROM login_throttle`); c != 0 {
			t.Errorf("%d pairs left after unlocking bob", c)
		}
		rows, _, err := s.SecurityLog(ctx, SecurityFilter{Name: "bob", Outcome: access.OutcomeUnlock})
		if err != nil || len(rows) != 1 || rows[0].Address != "cli" || !strings.Contains(rows[0].Detail, "3 failures") {
			t.Errorf("unlock trail: %+v %v", rows, err)
		}
		if s.Generation() != gen {
			t.Error("login-throttle and trail writes changed the generation (they would empty the page cache)")
		}
	})
}

func TestSetUserPasswordForgetsFailures(t *testing.T) {
	forEachEngine(t, func(t *testing.T, eng Engine) {
		s, clock := openTestOn(t, eng)
		ctx := context.Background()
		if _, err := s.CreateUser(ctx, NewUser{Name: "alice", Role: access.RoleEditor, PasswordHash: "h1"}, "test"); err != nil {
			t.Fatal(err)
		}
		now := clock.Now()
		for _, addr := range []string{"a", "b", "c"} {
			if err := s.AddLoginFailure(ctx, "alice", addr, now, now.Add(-time.Hour)); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.SetUserPassword(ctx, "alice", "h2", "admin"); err != nil {
			t.Fatal(err)
		}
		if th, _ := s.LoginThrottleState(ctx, "alice", "a", now.Add(-time.Hour)); th.Failures != 0 || th.Recent != 0 {
			t.Errorf("after a password change: %+v", th)
		}
		rows, _, _ := s.SecurityLog(ctx, SecurityFilter{Name: "alice"})
		if len(rows) != 1 || rows[0].Outcome != access.OutcomeUnlock || !strings.Contains(rows[0].Detail, "password changed by admin") {
			t.Errorf("trail: %+v", rows)
		}
	})
}

func TestSecurityLogFilterPageAndPrune(t *testing.T) {
	forEachEngine(t, func(t *testing.T, eng Engine) {
		s, clock := openTestOn(t, eng)
		ctx := context.Background()
		start := clock.Now()
		add := func(name string, o access.SecurityOutcome, at time.Time) {
			t.Helper()
			if err := s.AddSecurityEvent(ctx, access.SecurityEvent{At: at, Name: name, Address: "192.0.2.1", Outcome: o}); err != nil {
				t.Fatal(err)
			}
		}
		add("old", access.OutcomeLogin, start)
		for i := range 5 {
			add("alice", access.OutcomeFailure, start.Add(time.Duration(i)*time.Minute))
		}
		add("bob", access.OutcomeLogin, start.Add(10*time.Minute))
		rows, total, err := s.SecurityLog(ctx, SecurityFilter{Name: "alice", Outcome: access.OutcomeFailure, Limit: 2, Offset: 2})
		if err != nil || total != 5 || len(rows) != 2 || !rows[0].At.Equal(start.Add(2*time.Minute)) || rows[0].Address != "192.0.2.1" {
			t.Fatalf("alice's failures, page 2: %+v, total %d, %v", rows, total, err)
		}
		if _, total, _ := s.SecurityLog(ctx, SecurityFilter{Outcome: access.OutcomeLogin}); total != 2 {
			t.Errorf("logins: %d, want 2", total)
		}
		if err := s.AddSecurityEvent(ctx, access.SecurityEvent{At: start, Name: "x", Outcome: "root"}); err == nil {
			t.Error("an unknown outcome was recorded")
		}
		// A row written 90 days and 3 minutes after the first ones prunes every
		// row older than 3 minutes after the start.
		add("carol", access.OutcomeLogout, start.Add(SecurityLogRetention+3*time.Minute))
		if _, total, _ := s.SecurityLog(ctx, SecurityFilter{}); total != 4 {
			t.Errorf("%d rows after pruning; want 4: alice's failures at 3 and 4 minutes, bob's login, carol's logout", total)
		}
		if _, total, _ := s.SecurityLog(ctx, SecurityFilter{Name: "old"}); total != 0 {
			t.Errorf("a row older than 90 days survived")
		}
	})
}

// TestLoginWritesLeaveTheGenerationAlone: sessions, failed logins, unlocks
// and the login trail are written by this process's writer, so even after
// the once-a-second check for other processes' commits the generation (on
// which page caches and the metrics snapshot key) has not moved; a domain
// write still moves it.
func TestLoginWritesLeaveTheGenerationAlone(t *testing.T) {
	forEachEngine(t, func(t *testing.T, eng Engine) {
		s, clock := openSeededOn(t, eng)
		ctx := context.Background()
		u, err := s.CreateUser(ctx, NewUser{Name: "alice", Role: access.RoleEditor, PasswordHash: "h"}, "cli")
		if err != nil {
			t.Fatal(err)
		}
		clock.Advance(2 * pollInterval)
		gen := s.Generation()
		now := clock.Now()
		th := make([]byte, 32)
		writes := []func() error{
			func() error { return s.AddLoginFailure(ctx, "alice", "192.0.2.1", now, now.Add(-time.Hour)) },
			func() error {
				return s.AddSecurityEvent(ctx, access.SecurityEvent{At: now, Name: "alice", Address: "192.0.2.1", Outcome: access.OutcomeFailure})
			},
			func() error {
				return s.CreateSession(ctx, access.Session{TokenHash: th, UserID: u.ID, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(time.Hour)}, nil)
			},
			func() error { return s.TouchSession(ctx, th, now.Add(time.Minute)) },
			func() error { _, err := s.ClearLoginFailures(ctx, "alice", "192.0.2.1"); return err },
			func() error { _, err := s.UnlockUser(ctx, "alice", "cli", "test"); return err },
			func() error { return s.DeleteSession(ctx, th) },
		}
		for i, write := range writes {
			if err := write(); err != nil {
				t.Fatal(err)
			}
			clock.Advance(2 * pollInterval)
			if g := s.Generation(); g != gen {
				t.Fatalf("write %d moved the generation from %d to %d", i, gen, g)
			}
		}
		if err := s.CreateOrg(ctx, access.Org{Slug: "gen-ngo", Name: "Gen NGO", Type: access.OrgTypes[0]}, "test"); err != nil {
			t.Fatal(err)
		}
		if s.Generation() == gen {
			t.Error("a domain write did not move the generation")
		}
	})
}
