package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// Mistakes on the command line exit 2 with a message, before anything is
// built or started; the harnesses themselves are tested in internal/harness.
func TestCommandLineMistakes(t *testing.T) {
	for _, args := range [][]string{nil, {"help"}, {"nonsense"}, {"stress", "-bogus"}, {"crash", "extra"}, {"slow", "-slow", "many"}} {
		var out, errOut bytes.Buffer
		if code := run(context.Background(), args, &out, &errOut); code != 2 {
			t.Errorf("awstress %v: exit %d, want 2", args, code)
		}
		if errOut.Len() == 0 {
			t.Errorf("awstress %v: no message", args)
		}
		if strings.Contains(out.String(), "built") {
			t.Errorf("awstress %v built something: %s", args, out.String())
		}
	}
}

func TestMachineSaysCoresAndMemory(t *testing.T) {
	m := machine()
	if !strings.Contains(m, "vCPU") || !strings.Contains(m, "RAM") || strings.HasPrefix(m, "? vCPU") {
		t.Errorf("machine() = %q", m)
	}
}
