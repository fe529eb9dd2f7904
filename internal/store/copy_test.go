package store

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/accesswatch/accesswatch/internal/access"
)

// TestCopyToPostgres: a seeded SQLite database with an account, a session,
// a failed login, a security-log row and a correction, copied into a new
// PostgreSQL database, reads the same through the store (records, events,
// the checksum of the tests), keeps accounts but not sessions, continues
// ids after the copied ones, and a second copy into it is refused.
func TestCopyToPostgres(t *testing.T) {
	ctx := context.Background()
	src, clock := openSeeded(t)
	u, err := src.CreateUser(ctx, NewUser{Name: "alice", Role: access.RoleAdmin, PasswordHash: "$argon2id$x"}, "cli")
	if err != nil {
		t.Fatal(err)
	}
	if err := src.CreateSession(ctx, access.Session{TokenHash: bytes.Repeat([]byte{9}, 32), UserID: u.ID,
		CreatedAt: clock.Now(), LastSeenAt: clock.Now(), ExpiresAt: clock.Now().Add(time.Hour)}, nil); err != nil {
		t.Fatal(err)
	}
	if err := src.AddLoginFailure(ctx, "alice", "192.0.2.1", clock.Now(), clock.Now().Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := src.AddSecurityEvent(ctx, access.SecurityEvent{At: clock.Now(), Name: "alice", Address: "192.0.2.1", Outcome: access.OutcomeFailure}); err != nil {
		t.Fatal(err)
	}
	rec, err := src.RecordEvent(ctx, classEvent("https://example.org/to-retract"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := src.RetractEvent(ctx, rec.EventID, "test of the copy", "alice"); err != nil {
		t.Fatal(err)
	}

	dst, _ := openTestOn(t, Postgres)
	tables, err := src.CopyTo(ctx, dst)
	if err != nil {
		t.Fatalf("copy: %v (%+v)", err, tables)
	}
	copied := map[string]int64{}
	for _, tc := range tables {
		copied[tc.Table] = tc.TargetRows
		if tc.Rows != tc.TargetRows || tc.Checksum != tc.TargetChecksum {
			t.Errorf("%+v", tc)
		}
	}
	for _, table := range []string{"sessions", "login_throttle", "schema_migrations"} {
		if _, ok := copied[table]; ok {
			t.Errorf("%s copied", table)
		}
	}
	for _, table := range []string{"countries", "organisations", "records", "events", "event_sources", "audit", "users", "security_log", "event_corrections", "data_version"} {
		if copied[table] == 0 {
			t.Errorf("%s: no rows copied", table)
		}
	}
	if got := count(t, dst, `SELECT COUNT(*) FROM sessions`); got != 0 {
		t.Errorf("%d sessions on the target", got)
	}
	if a, b := checksum(t, src), checksum(t, dst); a != b {
		t.Errorf("checksums differ: %s, %s", a, b)
	}
	if dst.Generation() != src.Generation() {
		t.Errorf("data version %d on the target, %d on the source", dst.Generation(), src.Generation())
	}
	r1, n1, err1 := src.Records(ctx, RecordFilter{})
	r2, n2, err2 := dst.Records(ctx, RecordFilter{})
	if err1 != nil || err2 != nil || n1 != n2 || !reflect.DeepEqual(r1, r2) {
		t.Errorf("records differ after the copy (%d and %d, %v, %v)", n1, n2, err1, err2)
	}
	e1, _, err1 := src.Events(ctx, EventFilter{})
	e2, _, err2 := dst.Events(ctx, EventFilter{})
	if err1 != nil || err2 != nil || !reflect.DeepEqual(e1, e2) {
		t.Errorf("events differ after the copy (%d and %d, %v, %v)", len(e1), len(e2), err1, err2)
	}
	// New rows continue after the copied ids.
	next, err := dst.RecordEvent(ctx, classEvent("https://example.org/after-copy"))
	if err != nil {
		t.Fatalf("write after the copy: %v", err)
	}
	if next.EventID <= rec.EventID {
		t.Errorf("new event id %d, the copy's last was %d", next.EventID, rec.EventID)
	}
	if _, err := src.CopyTo(ctx, dst); !errors.Is(err, ErrTargetNotEmpty) {
		t.Errorf("second copy: %v, want ErrTargetNotEmpty", err)
	}
}
