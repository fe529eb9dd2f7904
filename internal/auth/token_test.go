package auth

import (
	"bytes"
	"encoding/base64"
	"testing"
)

func TestTokens(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		tok, err := NewToken()
		if err != nil {
			t.Fatal(err)
		}
		raw, err := base64.RawURLEncoding.DecodeString(tok)
		if err != nil || len(raw)*8 < 128 {
			t.Fatalf("token %q: %d bits (%v)", tok, len(raw)*8, err)
		}
		if seen[tok] {
			t.Fatal("a token repeated")
		}
		seen[tok] = true
		if !wellFormedToken(tok) {
			t.Errorf("%q is not well formed", tok)
		}
	}
	tok, _ := NewToken()
	if h := HashToken(tok); len(h) != 32 || bytes.Contains(h, []byte(tok)) || !bytes.Equal(h, HashToken(tok)) {
		t.Errorf("HashToken(%q) = %x", tok, h)
	}
	for _, bad := range []string{"", "x", tok + "A", tok[:len(tok)-1], tok[:len(tok)-1] + "=", tok[:len(tok)-1] + "+", tok[:len(tok)-1] + "/"} {
		if wellFormedToken(bad) {
			t.Errorf("%q is taken for a token", bad)
		}
	}
}
