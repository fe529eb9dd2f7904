package main

import (
	"strings"
	"testing"
)

// --public-url takes an absolute http(s) URL (from the flag or
// ACCESSWATCH_PUBLIC_URL) and drops a trailing slash; anything else stops
// the server with a message naming the flag.
func TestPublicURLFlag(t *testing.T) {
	env, _, _ := testEnv(map[string]string{"ACCESSWATCH_PUBLIC_URL": "https://access.example.org/"})
	cfg, err := serveConfig(nil, env)
	if err != nil || cfg.PublicURL != "https://access.example.org" {
		t.Errorf("from the environment: %q, %v", cfg.PublicURL, err)
	}
	env, _, _ = testEnv(nil)
	if cfg, err := serveConfig(nil, env); err != nil || cfg.PublicURL != "" {
		t.Errorf("default: %q, %v", cfg.PublicURL, err)
	}
	if cfg, err := serveConfig([]string{"--public-url", "http://localhost:8080/aw"}, env); err != nil || cfg.PublicURL != "http://localhost:8080/aw" {
		t.Errorf("with a path: %q, %v", cfg.PublicURL, err)
	}
	for _, bad := range []string{"access.example.org", "/countries", "ftp://x.org", "https://", "https://x.org/?a=1", "https://u:p@x.org"} {
		if _, err := serveConfig([]string{"--public-url", bad}, env); err == nil || !strings.Contains(err.Error(), "--public-url") {
			t.Errorf("%q: %v", bad, err)
		}
	}
}
