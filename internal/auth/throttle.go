package auth

import (
	"sync"
	"time"
)

// Login throttling, in two layers.
//
// Per account: at most MaxAccountFailures failed logins per AccountWindow
// for one name, counted in the database (so a restart does not reset them)
// and counted alike for names that have no account, so that throttling
// never tells which names exist. Past the limit, logins with that name are
// refused without checking the password until old failures age out.
//
// Per client address: FreeAddressFailures failures, then each further try
// must wait twice as long as the last (1 s, 2 s, 4 s ... at most
// MaxAddressBackoff) after the latest failure. An address that has not
// failed for AddressForget starts afresh; a successful login clears it.
// This layer slows a guesser down at once; it lives in memory.
const (
	MaxAccountFailures  = 100
	AccountWindow       = time.Hour
	FreeAddressFailures = 5
	FirstAddressBackoff = time.Second
	MaxAddressBackoff   = time.Minute
	AddressForget       = 15 * time.Minute
	// maxAddresses bounds the memory the address layer takes; beyond it,
	// forgotten entries are dropped, and then the oldest.
	maxAddresses = 10_000
)

// addressThrottle is the per-address layer.
type addressThrottle struct {
	mu      sync.Mutex
	entries map[string]*addressEntry
}

type addressEntry struct {
	failures int
	last     time.Time
}

func newAddressThrottle() *addressThrottle {
	return &addressThrottle{entries: map[string]*addressEntry{}}
}

// backoff is the wait after the latest of n failures.
func backoff(n int) time.Duration {
	if n < FreeAddressFailures {
		return 0
	}
	d := FirstAddressBackoff
	for i := FreeAddressFailures; i < n && d < MaxAddressBackoff; i++ {
		d *= 2
	}
	return min(d, MaxAddressBackoff)
}

// wait returns how long addr must wait before its next try (0: go ahead).
func (t *addressThrottle) wait(addr string, now time.Time) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	e, ok := t.entries[addr]
	if !ok {
		return 0
	}
	if now.Sub(e.last) >= AddressForget {
		delete(t.entries, addr)
		return 0
	}
	if until := e.last.Add(backoff(e.failures)); now.Before(until) {
		return until.Sub(now)
	}
	return 0
}

// fail counts a failed login from addr.
func (t *addressThrottle) fail(addr string, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	e, ok := t.entries[addr]
	if !ok {
		if len(t.entries) >= maxAddresses {
			t.evict(now)
		}
		e = &addressEntry{}
		t.entries[addr] = e
	}
	e.failures++
	e.last = now
}

// succeed forgets addr's failures.
func (t *addressThrottle) succeed(addr string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.entries, addr)
}

// evict makes room: it drops forgotten entries, and if none were, the
// entry with the oldest failure.
func (t *addressThrottle) evict(now time.Time) {
	var oldest string
	var oldestAt time.Time
	dropped := false
	for addr, e := range t.entries {
		if now.Sub(e.last) >= AddressForget {
			delete(t.entries, addr)
			dropped = true
			continue
		}
		if oldest == "" || e.last.Before(oldestAt) {
			oldest, oldestAt = addr, e.last
		}
	}
	if !dropped && oldest != "" {
		delete(t.entries, oldest)
	}
}
