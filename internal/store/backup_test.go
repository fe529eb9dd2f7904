package store_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/store"
	"github.com/accesswatch/accesswatch/internal/storetest"
)

func TestBackupDuringConcurrentWritesHoldsEveryAcknowledgedWrite(t *testing.T) {
	ctx := context.Background()
	st, _ := storetest.OpenCountriesOnly(t)

	const writers = 4
	var (
		mu    sync.Mutex
		acked []int64 // event ids whose RecordEvent returned
		wg    sync.WaitGroup
	)
	stop := make(chan struct{})
	started := make(chan struct{}, 1)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			slug := fmt.Sprintf("test-writer-%d", w)
			org := access.Org{Slug: slug, Name: "Test writer", Type: access.OrgINGO}
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				res, err := st.RecordEvent(ctx, store.NewEvent{Event: access.Event{
					CountryCode: "NER", OrgSlug: slug, Date: access.MustParseDate("2025-01-01"), Type: access.EventReviewed,
					Sources: []access.Source{{Publisher: "Test", URL: fmt.Sprintf("https://example.org/%d/%d", w, i), Type: access.SourceOther}},
				}, Org: &org, ExpectedVersion: store.AnyVersion, Actor: "test"})
				if err != nil {
					t.Errorf("writer %d: %v", w, err)
					return
				}
				mu.Lock()
				acked = append(acked, res.EventID)
				if len(acked) == 200 {
					started <- struct{}{}
				}
				mu.Unlock()
			}
		}()
	}
	<-started // a burst is under way

	mu.Lock()
	before := append([]int64(nil), acked...)
	mu.Unlock()
	dest := filepath.Join(t.TempDir(), "backup.db")
	err := st.Backup(ctx, dest)
	mu.Lock()
	during := len(acked) - len(before)
	mu.Unlock()
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatalf("backup: %v", err)
	}
	t.Logf("%d writes acknowledged before the backup, %d while it ran", len(before), during)

	for _, suffix := range []string{"-wal", "-shm", "-journal"} {
		if _, err := os.Stat(dest + suffix); err == nil {
			t.Errorf("backup left %s beside it; it must be one file", suffix)
		}
	}
	if err := store.CheckIntegrity(ctx, dest); err != nil {
		t.Fatalf("integrity: %v", err)
	}
	cp, err := store.Open(ctx, dest, store.Options{})
	if err != nil {
		t.Fatalf("open backup: %v", err)
	}
	defer cp.Close()
	for _, id := range before {
		if _, err := cp.Event(ctx, id); err != nil {
			t.Fatalf("event %d, acknowledged before the backup, is missing from it: %v", id, err)
		}
	}
	// A consistent snapshot: every record's version counts exactly its events.
	records, _, err := cp.Records(ctx, store.RecordFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(records) != writers {
		t.Errorf("%d records in the backup", len(records))
	}
	for _, r := range records {
		_, n, err := cp.Events(ctx, store.EventFilter{Country: r.CountryCode, Org: r.OrgSlug, Limit: 1})
		if err != nil || int64(n) != r.Version {
			t.Errorf("%s: version %d but %d events (%v)", r.OrgSlug, r.Version, n, err)
		}
	}
}

func TestBackupRefusesToOverwrite(t *testing.T) {
	ctx := context.Background()
	st, _ := storetest.OpenSeeded(t)
	dest := filepath.Join(t.TempDir(), "precious.db")
	if err := os.WriteFile(dest, []byte("keep me"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := st.Backup(ctx, dest); !errors.Is(err, store.ErrBackupExists) {
		t.Errorf("backup over an existing file: %v", err)
	}
	if b, _ := os.ReadFile(dest); string(b) != "keep me" {
		t.Errorf("existing file changed to %q", b)
	}
	missing := filepath.Join(t.TempDir(), "no", "such", "dir", "b.db")
	if err := st.Backup(ctx, missing); err == nil {
		t.Error("backup into a missing directory succeeded")
	}
}

func TestCheckIntegrityRejectsJunk(t *testing.T) {
	junk := filepath.Join(t.TempDir(), "junk.db")
	if err := os.WriteFile(junk, make([]byte, 8192), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := store.CheckIntegrity(context.Background(), junk); err == nil {
		t.Error("a file of zeros passed the integrity check")
	}
}
