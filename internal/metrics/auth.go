package metrics

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strings"
)

// requireToken lets through only requests with "Authorization: Bearer
// <token>"; an empty token lets everything through (the data is public, so
// the token is off by default). Both tokens are hashed before the
// constant-time comparison, so neither the content nor the length of the
// expected token leaks through timing.
func requireToken(token string, next http.Handler) http.Handler {
	if token == "" {
		return next
	}
	want := sha256.Sum256([]byte(token))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, present := bearerToken(r.Header.Get("Authorization"))
		sum := sha256.Sum256([]byte(got))
		if subtle.ConstantTimeCompare(sum[:], want[:]) == 1 && present {
			next.ServeHTTP(w, r)
			return
		}
		challenge := `Bearer realm="accesswatch metrics"`
		if present {
			challenge += `, error="invalid_token"`
		}
		w.Header().Set("WWW-Authenticate", challenge)
		w.Header().Set("Cache-Control", "no-store")
		http.Error(w, "401 Unauthorized: /metrics needs the bearer token configured with --metrics-token (ACCESSWATCH_METRICS_TOKEN).", http.StatusUnauthorized)
	})
}

// bearerToken extracts the token of an "Authorization: Bearer" header; the
// scheme is case-insensitive (RFC 9110).
func bearerToken(header string) (string, bool) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(header), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}
