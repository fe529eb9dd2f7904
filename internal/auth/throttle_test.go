package auth

import (
	"fmt"
	"testing"
	"time"
)

func TestBackoffGrowsAndIsCapped(t *testing.T) {
	var got []time.Duration
	for n := range FreeAddressFailures + 10 {
		got = append(got, backoff(n))
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
	if backoff(1000) != MaxAddressBackoff {
		t.Errorf("backoff(1000) = %s", backoff(1000))
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
