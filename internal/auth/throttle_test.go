package auth

import (
	"fmt"
	"testing"
	"time"
)

func TestBackoffGrowsAndIsCapped(t *testing.T) {
	var got []time.Duration
	for n := range FreeAddressFailures + 10 {
		got = append(got, backoff(n, FreeAddressFailures, FirstAddressBackoff, MaxAddressBackoff))
	}
	for n, d := range got {
		switch {
		case n < FreeAddressFailures && d != 0:
			t.Errorf("failure %d waits %s; the first %d are free", n, d, FreeAddressFailures)
		case n == FreeAddressFailures && d != FirstAddressBackoff:
			t.Errorf("first wait %s, want %s", d, FirstAddressBackoff)
		case n > FreeAddressFailures && d != min(2*got[n-1], MaxAddressBackoff):
			t.Errorf("wait after %d failures = %s, after %d = %s: not doubling up to the cap", n, d, n-1, got[n-1])
		}
	}
	if d := backoff(1000, FreeAddressFailures, FirstAddressBackoff, MaxAddressBackoff); d != MaxAddressBackoff {
		t.Errorf("backoff(1000) = %s", d)
	}
}

func TestAddressThrottle(t *testing.T) {
	th := newAddressThrottle()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for i := range FreeAddressFailures {
		if w := th.wait("192.0.2.1", now); w != 0 {
			t.Fatalf("try %d must not wait, waits %s", i, w)
		}
		th.fail("192.0.2.1", now)
	}
	if w := th.wait("192.0.2.1", now); w != FirstAddressBackoff {
		t.Errorf("after %d failures: wait %s", FreeAddressFailures, w)
	}
	if w := th.wait("192.0.2.2", now); w != 0 {
		t.Errorf("another address waits %s", w)
	}
	now = now.Add(FirstAddressBackoff)
	if w := th.wait("192.0.2.1", now); w != 0 {
		t.Errorf("after the backoff: wait %s", w)
	}
	th.fail("192.0.2.1", now)
	if w := th.wait("192.0.2.1", now); w != 2*FirstAddressBackoff {
		t.Errorf("after one more failure: wait %s", w)
	}
	if w := th.wait("192.0.2.1", now.Add(AddressForget)); w != 0 {
		t.Errorf("after %s without failures: wait %s", AddressForget, w)
	}
	for range 10 {
		th.fail("192.0.2.3", now)
	}
	th.succeed("192.0.2.3")
	if w := th.wait("192.0.2.3", now); w != 0 {
		t.Errorf("after a success: wait %s", w)
	}
}

func TestAddressThrottleIsBounded(t *testing.T) {
	th := newAddressThrottle()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for i := range maxAddresses + 20 {
		th.fail(fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255), now.Add(time.Duration(i)*time.Millisecond))
	}
	if n := len(th.entries); n > maxAddresses {
		t.Errorf("%d addresses kept, bound is %d", n, maxAddresses)
	}
	// The newest address is kept; the oldest went first.
	if _, ok := th.entries["10.0.0.0"]; ok {
		t.Error("the oldest address survived eviction")
	}
	last := maxAddresses + 19
	if _, ok := th.entries[fmt.Sprintf("10.%d.%d.%d", last>>16&255, last>>8&255, last&255)]; !ok {
		t.Error("the newest address was evicted")
	}
}

func TestPairWait(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	if w := pairWait(0, time.Time{}, now); w != 0 {
		t.Errorf("no failures: wait %s", w)
	}
	if w := pairWait(FreePairFailures-1, now, now); w != 0 {
		t.Errorf("%d failures: wait %s, want none", FreePairFailures-1, w)
	}
	if w := pairWait(FreePairFailures, now, now); w != FirstPairBackoff {
		t.Errorf("%d failures: wait %s, want %s", FreePairFailures, w, FirstPairBackoff)
	}
	if w := pairWait(FreePairFailures+1, now, now.Add(time.Second)); w != time.Second {
		t.Errorf("one second into a two-second wait: %s left", w)
	}
	if w := pairWait(10_000, now, now); w != MaxPairBackoff {
		t.Errorf("10000 failures: wait %s, want the cap %s", w, MaxPairBackoff)
	}
	if w := pairWait(10_000, now, now.Add(MaxPairBackoff)); w != 0 {
		t.Errorf("after the cap: wait %s", w)
	}
}

// TestAccountDelayIsSmallAndBounded: whatever strangers do, the delay an
// account's owner pays grows with failures but never beyond MaxAccountDelay,
// which is a few seconds.
func TestAccountDelayIsSmallAndBounded(t *testing.T) {
	if MaxAccountDelay > 5*time.Second {
		t.Fatalf("MaxAccountDelay %s is more than a few seconds", MaxAccountDelay)
	}
	prev := time.Duration(0)
	for _, n := range []int{0, 1, 19, 20, 99, 100, 499, 500, 10_000, 1 << 30} {
		d := accountDelay(n)
		if d < prev || d > MaxAccountDelay {
			t.Errorf("accountDelay(%d) = %s after %s; want growing, at most %s", n, d, prev, MaxAccountDelay)
		}
		prev = d
	}
	if accountDelay(0) != 0 || accountDelay(1<<30) != MaxAccountDelay {
		t.Errorf("delay runs from %s to %s", accountDelay(0), accountDelay(1<<30))
	}
}

func TestReporterLimitsRate(t *testing.T) {
	var r reporter
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	if !r.due("a", now) {
		t.Fatal("first report not due")
	}
	if r.due("a", now.Add(reportEvery/2)) {
		t.Error("a second report within the interval")
	}
	if !r.due("b", now) {
		t.Error("another key held back")
	}
	if !r.due("a", now.Add(reportEvery)) {
		t.Error("no report after the interval")
	}
}
