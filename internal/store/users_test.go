package store

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"
)

func TestUsers(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	if us, err := s.Users(ctx); err != nil || len(us) != 0 {
		t.Fatalf("a new database has accounts: %v %v", us, err)
	}
	u, err := s.CreateUser(ctx, NewUser{Name: "alice", Role: RoleAdmin, PasswordHash: "$argon2id$x"}, "cli")
	if err != nil || u.ID == 0 {
		t.Fatalf("create: %+v %v", u, err)
	}
	if _, err := s.CreateUser(ctx, NewUser{Name: "alice", Role: RoleEditor, PasswordHash: "$argon2id$y"}, "cli"); !errors.Is(err, ErrUserExists) {
		t.Errorf("duplicate name: %v", err)
	}
	for _, bad := range []NewUser{{Name: "bob", Role: "root", PasswordHash: "h"}, {Name: "", Role: RoleEditor, PasswordHash: "h"}, {Name: "bob", Role: RoleEditor}} {
		if _, err := s.CreateUser(ctx, bad, "cli"); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
	got, err := s.UserByName(ctx, "alice")
	if err != nil || got.Role != RoleAdmin || got.PasswordHash != "$argon2id$x" || got.Disabled || got.CreatedAt.IsZero() {
		t.Errorf("read back: %+v %v", got, err)
	}
	if _, err := s.UserByName(ctx, "nobody"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown user: %v", err)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM audit WHERE action = 'user.create' AND entity_key = 'alice' AND after NOT LIKE '%argon2%'`); n != 1 {
		t.Errorf("%d audit rows for the creation (without the hash)", n)
	}
}

func TestDisableAndPasswordEndSessions(t *testing.T) {
	s, clock := openTest(t)
	ctx := context.Background()
	u, err := s.CreateUser(ctx, NewUser{Name: "alice", Role: RoleEditor, PasswordHash: "h1"}, "cli")
	if err != nil {
		t.Fatal(err)
	}
	newSession := func(b byte) []byte {
		th := bytes.Repeat([]byte{b}, 32)
		now := clock.Now()
		if err := s.CreateSession(ctx, Session{TokenHash: th, UserID: u.ID, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(time.Hour)}, nil); err != nil {
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
}

func TestCreateSessionReplacesAndSweeps(t *testing.T) {
	s, clock := openTest(t)
	ctx := context.Background()
	u, err := s.CreateUser(ctx, NewUser{Name: "alice", Role: RoleEditor, PasswordHash: "h"}, "cli")
	if err != nil {
		t.Fatal(err)
	}
	now := clock.Now()
	old, expired, fresh := bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32), bytes.Repeat([]byte{3}, 32)
	for _, sess := range []Session{
		{TokenHash: old, UserID: u.ID, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(time.Hour)},
		{TokenHash: expired, UserID: u.ID, CreatedAt: now.Add(-2 * time.Hour), LastSeenAt: now, ExpiresAt: now.Add(-time.Hour)},
	} {
		if err := s.CreateSession(ctx, sess, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.CreateSession(ctx, Session{TokenHash: fresh, UserID: u.ID, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(time.Hour)}, old); err != nil {
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
}

func TestLoginFailureCounts(t *testing.T) {
	s, clock := openTest(t)
	ctx := context.Background()
	now := clock.Now()
	for i := range 5 {
		if err := s.AddLoginFailure(ctx, "alice", now.Add(-time.Duration(i)*20*time.Minute), now.Add(-2*time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := s.LoginFailures(ctx, "alice", now.Add(-time.Hour)); err != nil || n != 4 {
		t.Errorf("failures in the last hour: %d %v; want 4 (0, 20, 40, 60 minutes ago)", n, err)
	}
	if n, _ := s.LoginFailures(ctx, "bob", now.Add(-time.Hour)); n != 0 {
		t.Errorf("bob: %d", n)
	}
	// A later failure sweeps away rows older than its horizon.
	if err := s.AddLoginFailure(ctx, "bob", now, now.Add(-30*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM login_failures`); n != 3 {
		t.Errorf("%d rows after the sweep; want alice's 0 and 20 minutes old and bob's", n)
	}
	if err := s.ClearLoginFailures(ctx, "alice"); err != nil {
		t.Fatal(err)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM login_failures`); n != 1 {
		t.Errorf("%d rows after clearing alice", n)
	}
}
