package harness

import (
	"net/http"
	"testing"
)

// TestSheddingIsOnlyARefusalWithRetryAfter: a 429 or 503 that says when to
// come back is the server shedding load as designed; anything else that is
// not a 200 stays an error of the run.
func TestSheddingIsOnlyARefusalWithRetryAfter(t *testing.T) {
	withRetry := http.Header{"Retry-After": {"2"}}
	for _, tc := range []struct {
		status int
		header http.Header
		want   bool
	}{
		{http.StatusServiceUnavailable, withRetry, true},
		{http.StatusTooManyRequests, withRetry, true},
		{http.StatusServiceUnavailable, http.Header{}, false},
		{http.StatusTooManyRequests, http.Header{}, false},
		{http.StatusInternalServerError, withRetry, false},
		{http.StatusOK, withRetry, false},
	} {
		if got := shedding(response{status: tc.status, header: tc.header}); got != tc.want {
			t.Errorf("status %d, Retry-After %q: shed %v, want %v", tc.status, tc.header.Get("Retry-After"), got, tc.want)
		}
	}
}
