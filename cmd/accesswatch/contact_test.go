package main

import (
	"strings"
	"testing"
)

// TestServeConfigContact: --contact (or ACCESSWATCH_CONTACT) takes an
// e-mail address or an http(s) URL, and anything else stops the server at
// start with a message that names the flag and what it expects.
func TestServeConfigContact(t *testing.T) {
	env, _, _ := testEnv(nil)
	for _, good := range []string{"corrections@example.org", "https://example.org/corrections", "http://example.org/c?x=1"} {
		cfg, err := serveConfig([]string{"--contact", good}, env)
		if err != nil || cfg.Contact != good {
			t.Errorf("--contact %q: %q, %v", good, cfg.Contact, err)
		}
	}
	env, _, _ = testEnv(map[string]string{"ACCESSWATCH_CONTACT": "data@example.org"})
	if cfg, err := serveConfig(nil, env); err != nil || cfg.Contact != "data@example.org" {
		t.Errorf("ACCESSWATCH_CONTACT: %q, %v", cfg.Contact, err)
	}
	env, _, _ = testEnv(nil)
	if cfg, err := serveConfig(nil, env); err != nil || cfg.Contact != "" {
		t.Errorf("default contact %q, %v", cfg.Contact, err)
	}
	for _, bad := range []string{"not a contact", "ftp://example.org/x", "javascript:alert(1)", "https://", "Ada <ada@example.org>", "ada@localhost"} {
		_, err := serveConfig([]string{"--contact", bad}, env)
		if err == nil || !strings.Contains(err.Error(), "--contact") || !strings.Contains(err.Error(), "e-mail address") {
			t.Errorf("--contact %q: %v", bad, err)
		}
	}
}
