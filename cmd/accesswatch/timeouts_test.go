package main

import (
	"testing"
	"time"
)

func TestReadHeaderTimeoutFlag(t *testing.T) {
	env, _, _ := testEnv(nil)
	cfg, err := serveConfig(nil, env)
	if err != nil || cfg.ReadHeaderTimeout != defaultReadHeaderTimeout {
		t.Fatalf("default: %v, %v", cfg.ReadHeaderTimeout, err)
	}
	cfg, err = serveConfig([]string{"--read-header-timeout", "750ms"}, env)
	if err != nil || cfg.ReadHeaderTimeout != 750*time.Millisecond {
		t.Fatalf("flag: %v, %v", cfg.ReadHeaderTimeout, err)
	}
	env, _, _ = testEnv(map[string]string{"ACCESSWATCH_READ_HEADER_TIMEOUT": "2s"})
	if cfg, err = serveConfig(nil, env); err != nil || cfg.ReadHeaderTimeout != 2*time.Second {
		t.Fatalf("environment: %v, %v", cfg.ReadHeaderTimeout, err)
	}
	for _, bad := range []string{"0s", "-1s", "31s", "soon"} {
		if _, err := serveConfig([]string{"--read-header-timeout", bad}, env); err == nil {
			t.Errorf("--read-header-timeout %s accepted", bad)
		}
	}
}
