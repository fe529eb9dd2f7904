package harness

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"sync"
	"time"
)

// LockoutOptions configure the lockout harness: Addresses clients each
// fail PerAddress logins for one account, waiting whatever Retry-After
// tells them in between.
type LockoutOptions struct {
	Binary     Binary
	Dir        string
	Addresses  int
	PerAddress int
	Out        io.Writer
}

// LockoutReport is what the lockout harness saw.
type LockoutReport struct {
	Failed, Throttled, Busy int           // answers to the attackers' attempts
	Attack                  time.Duration // wall time of the attack
	// Owner is the owner's login, right password, from a fresh address
	// after the attack: status and time to answer.
	OwnerStatus  int
	OwnerLatency time.Duration
	// Baseline is the same login before the attack.
	BaselineLatency time.Duration
	// After a restart (which forgets the in-memory per-address layer):
	// an attacking address is still throttled for the account (persisted),
	// and `user unlock` / `user passwd` free it.
	PersistedStatus, UnlockedStatus   int
	PasswdBeforeStatus, PasswdStatus  int
	ExpectedOwnerBound, MeasuredBound time.Duration
	problems                          []string
}

// Print writes the report.
func (r LockoutReport) Print(w io.Writer) {
	fmt.Fprintf(w, "attack: %d failed logins (%d throttled answers, %d busy) in %s\n", r.Failed, r.Throttled, r.Busy, round(r.Attack))
	fmt.Fprintf(w, "owner from a fresh address: before the attack %s, after it %d in %s (bound %s)\n",
		round(r.BaselineLatency), r.OwnerStatus, round(r.OwnerLatency), r.ExpectedOwnerBound)
	fmt.Fprintf(w, "after a restart, an attacking address: %d; after user unlock: %d\n", r.PersistedStatus, r.UnlockedStatus)
	fmt.Fprintf(w, "second account, attacking address: %d; after user passwd, new password: %d\n", r.PasswdBeforeStatus, r.PasswdStatus)
	for _, p := range r.problems {
		fmt.Fprintln(w, "FAIL:", p)
	}
}

// Failures lists the checks that failed.
func (r LockoutReport) Failures() []string { return r.problems }

// ownerBound is how long the owner's login may take after the attack: the
// server's largest account delay (3 s) plus a generous allowance for one
// password check on a loaded machine.
const ownerBound = 6 * time.Second

// RunLockout proves against the real binary that failed logins from many
// addresses cannot lock an account's owner out: Addresses × PerAddress
// failures for "owner", each client address given by X-Forwarded-For from
// the loopback proxy the server trusts, then the owner logs in from a
// fresh address. It then restarts the server and shows the per-(account,
// address) state survived, and that `user unlock` and `user passwd` clear it.
func RunLockout(ctx context.Context, opt LockoutOptions) (LockoutReport, error) {
	rep := LockoutReport{ExpectedOwnerBound: ownerBound}
	db := filepath.Join(opt.Dir, "lockout.db")
	const ownerPW, otherPW, newPW = "the owner's own passphrase", "the other owner's passphrase", "a brand new passphrase"
	for name, pw := range map[string]string{"owner": ownerPW, "other": otherPW} {
		if _, err := opt.Binary.run(ctx, pw+"\n", "user", "add", name, "--role", "editor", "--db", db); err != nil {
			return rep, err
		}
	}
	// The client address comes from X-Forwarded-For, appended by a proxy on
	// loopback: --behind-tls reads it in builds that predate
	// --trusted-proxies; ACCESSWATCH_TRUSTED_PROXIES in builds that have it.
	bin := opt.Binary
	bin.Env = append(append([]string(nil), bin.Env...), "ACCESSWATCH_TRUSTED_PROXIES=127.0.0.1/32")
	start := func() (*Server, error) {
		return bin.Start(ctx, ServerOptions{DB: db, Args: []string{"--no-seed", "--behind-tls"}, Log: nil})
	}
	srv, err := start()
	if err != nil {
		return rep, err
	}
	defer func() { srv.Kill() }()
	client := &http.Client{Transport: newTransport(), CheckRedirect: noRedirects}
	login := func(name, pw, addr string) (int, time.Duration, time.Duration, error) {
		body := url.Values{"username": {name}, "password": {pw}, "next": {"/admin/"}}.Encode()
		h := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "X-Forwarded-For": {addr}}
		began := time.Now()
		resp, err := do(ctx, client, http.MethodPost, srv.URL+"/admin/login", h, body)
		took := time.Since(began)
		if err != nil {
			return 0, took, 0, err
		}
		retry, _ := strconv.Atoi(resp.header.Get("Retry-After"))
		return resp.status, took, time.Duration(retry) * time.Second, nil
	}
	check := func(what string, got, want int) {
		if got != want {
			rep.problems = append(rep.problems, fmt.Sprintf("%s: %d, want %d", what, got, want))
		}
	}

	status, took, _, err := login("owner", ownerPW, "203.0.113.1")
	if err != nil {
		return rep, err
	}
	check("owner before the attack", status, http.StatusSeeOther)
	rep.BaselineLatency = took

	// The attack, one goroutine per address.
	var mu sync.Mutex
	var wg sync.WaitGroup
	errs := make(chan error, opt.Addresses+2)
	began := time.Now()
	attack := func(name, addr string, n int) {
		defer wg.Done()
		for failed := 0; failed < n; {
			status, _, retry, err := login(name, "guess "+strconv.Itoa(failed), addr)
			if err != nil {
				errs <- err
				return
			}
			mu.Lock()
			switch status {
			case http.StatusUnauthorized:
				failed++
				rep.Failed++
			case http.StatusTooManyRequests:
				rep.Throttled++
			case http.StatusServiceUnavailable:
				rep.Busy++
			default:
				mu.Unlock()
				errs <- fmt.Errorf("attacker %s: unexpected %d", addr, status)
				return
			}
			mu.Unlock()
			if status != http.StatusUnauthorized {
				select {
				case <-time.After(max(retry, 100*time.Millisecond)):
				case <-ctx.Done():
					errs <- ctx.Err()
					return
				}
			}
		}
	}
	for i := range opt.Addresses {
		wg.Add(1)
		go attack("owner", fmt.Sprintf("198.51.100.%d", i+1), opt.PerAddress)
	}
	wg.Add(1)
	go attack("other", "192.0.2.77", opt.PerAddress)
	wg.Wait()
	rep.Attack = time.Since(began)
	close(errs)
	for err := range errs {
		return rep, err
	}
	fmt.Fprintf(opt.Out, "attack done: %d failures in %s\n", rep.Failed, round(rep.Attack))

	rep.OwnerStatus, rep.OwnerLatency, _, err = login("owner", ownerPW, "203.0.113.2")
	if err != nil {
		return rep, err
	}
	check("owner from a fresh address after the attack", rep.OwnerStatus, http.StatusSeeOther)
	if rep.OwnerLatency > ownerBound {
		rep.problems = append(rep.problems, fmt.Sprintf("the owner waited %s, more than %s", round(rep.OwnerLatency), ownerBound))
	}

	// Restart: the in-memory per-address layer is gone, the database's
	// per-(account, address) layer is not.
	if _, err := srv.Terminate(10 * time.Second); err != nil {
		return rep, err
	}
	if srv, err = start(); err != nil {
		return rep, err
	}
	if rep.PersistedStatus, _, _, err = login("owner", ownerPW, "198.51.100.1"); err != nil {
		return rep, err
	}
	check("an attacking address after a restart", rep.PersistedStatus, http.StatusTooManyRequests)
	if rep.PasswdBeforeStatus, _, _, err = login("other", otherPW, "192.0.2.77"); err != nil {
		return rep, err
	}
	check("the second account's attacking address after a restart", rep.PasswdBeforeStatus, http.StatusTooManyRequests)

	if _, err := opt.Binary.run(ctx, "", "user", "unlock", "owner", "--db", db); err != nil {
		return rep, err
	}
	if rep.UnlockedStatus, _, _, err = login("owner", ownerPW, "198.51.100.1"); err != nil {
		return rep, err
	}
	check("an attacking address after user unlock", rep.UnlockedStatus, http.StatusSeeOther)

	if _, err := opt.Binary.run(ctx, newPW+"\n", "user", "passwd", "other", "--db", db); err != nil {
		return rep, err
	}
	if rep.PasswdStatus, _, _, err = login("other", newPW, "192.0.2.77"); err != nil {
		return rep, err
	}
	check("the second account's attacking address after user passwd", rep.PasswdStatus, http.StatusSeeOther)
	for _, line := range LogProblems(srv.Log()) {
		rep.problems = append(rep.problems, "server log: "+line)
	}
	return rep, nil
}
