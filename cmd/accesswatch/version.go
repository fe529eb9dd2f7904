package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/accesswatch/accesswatch/internal/buildinfo"
)

func runVersion(ctx context.Context, env *environment, args []string) error {
	if len(args) > 0 {
		return usageError("version takes no arguments")
	}
	info := buildinfo.Read()
	fmt.Fprintf(env.stdout, "accesswatch %s (revision %s, %s)\n", info.Version, info.Revision, info.GoVersion)
	return nil
}

// runHealthcheck asks a server on this machine for /healthz. It needs no
// shell or curl, so a minimal container image can use it as its HEALTHCHECK.
func runHealthcheck(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet("healthcheck", env.stderr)
	addr := fs.String("addr", "localhost:8080", "address the server listens on")
	if err := parseFlags(fs, args, env.getenv); err != nil {
		return err
	}
	host, port, err := net.SplitHostPort(*addr)
	if err != nil {
		return usageError("--addr %q: %v", *addr, err)
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1" // a wildcard listener is reached on loopback
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+net.JoinHostPort(host, port)+"/healthz", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("unhealthy: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("unhealthy: /healthz answered %s", resp.Status)
	}
	fmt.Fprintln(env.stdout, strings.TrimSpace("healthy"))
	return nil
}
