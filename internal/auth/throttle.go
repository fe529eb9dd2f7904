package auth

import (
	"sync"
	"time"
)

// Login throttling. Its rule: failures from one client must never stop an
// account's owner logging in from another. There is no refusal of an
// account as a whole; there are three layers, and a global bound.
//
// Per (account name, client address), in the database: FreePairFailures
// failures, then each further try from that address for that name must
// wait twice as long as the last (1 s, 2 s, 4 s ... at most MaxPairBackoff)
// after the latest failure. A successful login from the address clears the
// pair; `accesswatch user unlock NAME` and a password change clear every
// pair of the name. Pairs not failing for PairForget are deleted. Kept in
// the database, so a restart does not reset it and several instances on
// one database count together. Names without an account are counted alike,
// so throttling never tells which names exist.
//
// Per client address, in memory: FreeAddressFailures failures (whatever
// the names), then a wait that doubles from FirstAddressBackoff up to
// MaxAddressBackoff, forgotten after AddressForget without a failure; a
// successful login clears it. It slows one address that guesses many names
// at once, and refuses a flooding address before any database write: that
// is why it stays in memory (a flood does not become a stream of writes).
//
// Per account, from every address: an account whose pairs saw many recent
// failures slows every login attempt for it, its owner's included, by a
// delay that grows with the count but never exceeds MaxAccountDelay (see
// accountDelay). It is a delay, never a refusal: the password is always
// checked after it. It costs a guesser spread over many addresses time per
// guess, and the owner at most a few seconds.
//
// Globally, at most Service.hashing password checks run at once; a login
// that finds no free slot within HashWait answers ErrBusy (503), so a
// flood cannot exhaust CPU or memory.
const (
	FreePairFailures = 5
	FirstPairBackoff = time.Second
	MaxPairBackoff   = 15 * time.Minute
	PairForget       = 24 * time.Hour

	FreeAddressFailures = 5
	FirstAddressBackoff = time.Second
	MaxAddressBackoff   = time.Minute
	AddressForget       = 15 * time.Minute

	// AccountWindow is how far back failures of an account from any address
	// count towards its delay.
	AccountWindow = 15 * time.Minute
	// MaxAccountDelay bounds what failures from other addresses can cost
	// the owner of an account.
	MaxAccountDelay = 3 * time.Second

	// HashWait is how long a login waits for a free password-check slot
	// before answering ErrBusy.
	HashWait = 2 * time.Second

	// maxAddresses bounds the memory the address layer takes; beyond it,
	// forgotten entries are dropped, and then the oldest.
	maxAddresses = 10_000
)

// accountDelay is the delay before checking a password for an account with
// n failures from any address in the last AccountWindow: none below 20,
// then 1 s, 2 s from 100 failures and MaxAccountDelay from 500.
func accountDelay(n int) time.Duration {
	switch {
	case n < 20:
		return 0
	case n < 100:
		return time.Second
	case n < 500:
		return 2 * time.Second
	default:
		return MaxAccountDelay
	}
}

// backoff is the wait after the latest of n failures: none for the first
// free ones, then first, doubling, at most limit.
func backoff(n, free int, first, limit time.Duration) time.Duration {
	if n < free {
		return 0
	}
	d := first
	for i := free; i < n && d < limit; i++ {
		d *= 2
	}
	return min(d, limit)
}

// pairWait is how long a name must wait at now before its next try from
// an address, given that pair's failures and the latest of them.
func pairWait(failures int, last, now time.Time) time.Duration {
	if failures == 0 {
		return 0
	}
	if until := last.Add(backoff(failures, FreePairFailures, FirstPairBackoff, MaxPairBackoff)); now.Before(until) {
		return until.Sub(now)
	}
	return 0
}

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
	if until := e.last.Add(backoff(e.failures, FreeAddressFailures, FirstAddressBackoff, MaxAddressBackoff)); now.Before(until) {
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

// reporter limits how often one kind of refusal for one key is written to
// the login trail and the log, so that a flood of refused attempts does not
// become a flood of writes: at most once per reportEvery per key.
type reporter struct {
	mu   sync.Mutex
	last map[string]time.Time
}

const (
	reportEvery = time.Minute
	maxReported = 10_000
)

// due reports whether key may be reported at now, and if so notes it.
func (r *reporter) due(key string, now time.Time) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.last == nil || len(r.last) >= maxReported {
		r.last = map[string]time.Time{}
	}
	if at, ok := r.last[key]; ok && now.Sub(at) < reportEvery && !now.Before(at) {
		return false
	}
	r.last[key] = now
	return true
}
