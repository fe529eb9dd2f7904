// Command accesswatch serves the accesswatch dashboard, API and metrics, and
// manages its database.
//
//	accesswatch [serve] [flags]     serve HTTP (the default)
//	accesswatch version             print the version
//	accesswatch healthcheck         exit 0 if a local server answers /healthz
//
// Run "accesswatch help" for every subcommand.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, env *environment, args []string) error
}

// environment is what a subcommand may touch: its streams and the process
// environment variables (injected so tests can run commands in-process).
type environment struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
}

func commands() []command {
	return []command{
		{"serve", "serve the dashboard, API and metrics (the default)", runServe},
		{"version", "print the version", runVersion},
		{"healthcheck", "exit 0 if the server at --addr answers /healthz (for container health checks)", runHealthcheck},
		{"gen", "fill a new database with a clearly synthetic dataset (benchmarks, load tests)", runGen},
		{"user", "manage editors' accounts: add NAME --role admin|editor, list, disable NAME, passwd NAME", runUser},
		{"export", "write records or events as CSV with HXL hashtags to stdout (the API's filters)", runExport},
		{"import", "import an events CSV: every row checked, all or nothing, rows already held skipped", runImport},
		{"backup", "copy the database to a new file while it is in use, and check the copy", runBackup},
		{"copy", "copy an SQLite database into a new PostgreSQL one (--from FILE --to URL), and check the copy", runCopy},
	}
}

// errUsage marks a command-line mistake: the message is printed with a hint
// and the exit code is 2.
var errUsage = errors.New("usage")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	env := &environment{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}
	code := run(ctx, env, os.Args[1:])
	stop()
	os.Exit(code)
}

// run dispatches to a subcommand and returns the exit code.
func run(ctx context.Context, env *environment, args []string) int {
	name := "serve"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		name, args = args[0], args[1:]
	}
	if name == "help" || name == "-h" || name == "--help" {
		usage(env.stdout)
		return 0
	}
	for _, c := range commands() {
		if c.name != name {
			continue
		}
		err := c.run(ctx, env, args)
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.Is(err, errUsage):
			fmt.Fprintf(env.stderr, "accesswatch %s: %v\nRun 'accesswatch %s -h' for help.\n", name, err, name)
			return 2
		default:
			fmt.Fprintf(env.stderr, "accesswatch %s: %v\n", name, err)
			return 1
		}
	}
	fmt.Fprintf(env.stderr, "accesswatch: unknown command %q\n\n", name)
	usage(env.stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: accesswatch [command] [flags]")
	fmt.Fprintln(w, "\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-12s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nEvery flag can also be set with an environment variable: --db is ACCESSWATCH_DB, --log-level is ACCESSWATCH_LOG_LEVEL.")
}

// usageError wraps a message as a command-line mistake.
func usageError(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{errUsage}, args...)...)
}
