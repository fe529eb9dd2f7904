package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"golang.org/x/term"

	"github.com/accesswatch/accesswatch/internal/access"
	"github.com/accesswatch/accesswatch/internal/auth"
	"github.com/accesswatch/accesswatch/internal/i18n"
	"github.com/accesswatch/accesswatch/internal/store"
)

// userCommands are the subcommands of "accesswatch user".
var userCommands = []struct{ name, args, summary string }{
	{"add", "NAME --role admin|editor", "create an account; the password is read from standard input"},
	{"list", "", "list the accounts"},
	{"disable", "NAME", "disable an account and end its sessions"},
	{"enable", "NAME", "enable a disabled account again (it logs in with its password)"},
	{"passwd", "NAME", "set a new password (read from standard input), end the account's sessions and forget its failed logins"},
	{"unlock", "NAME", "forget the account's failed logins from every address (login throttling)"},
}

// runUser manages editors' accounts. No account exists until "user add"
// creates one: there is no default password.
func runUser(ctx context.Context, env *environment, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(env.stderr, "Usage: accesswatch user COMMAND [--db FILE|URL]")
		for _, c := range userCommands {
			fmt.Fprintf(env.stderr, "  %-40s %s\n", strings.TrimSpace(c.name+" "+c.args), c.summary)
		}
		if len(args) == 0 {
			return usageError("user needs a command: add, list, disable, enable, passwd or unlock")
		}
		return flag.ErrHelp
	}
	sub, args := args[0], args[1:]
	fs := newFlagSet("user "+sub, env.stderr)
	db := dbFlag(fs)
	role := ""
	if sub == "add" {
		fs.StringVar(&role, "role", "", "the account's role: admin (also manages accounts and reads the audit log) or editor")
	}
	names, err := parseInterleaved(fs, args, env.getenv)
	if err != nil {
		return err
	}
	want := 1
	switch sub {
	case "list":
		want = 0
	case "add", "disable", "enable", "passwd", "unlock":
	default:
		return usageError("unknown user command %q (want add, list, disable, enable, passwd or unlock)", sub)
	}
	if len(names) != want {
		return usageError("user %s takes %d name(s), got %d", sub, want, len(names))
	}
	name := ""
	if want == 1 {
		name = auth.NormalizeName(names[0])
		if err := auth.CheckName(name); err != nil {
			return usageError("%s", strings.Join(i18n.English().Problems(err), " "))
		}
	}
	if sub == "add" && !access.Role(role).Valid() {
		return usageError("--role must be admin or editor")
	}

	st, err := store.Open(ctx, *db, store.Options{})
	if err != nil {
		return fmt.Errorf("open %s: %w", store.Redact(*db), err)
	}
	defer st.Close()
	actor := "cli"
	if u := env.getenv("USER"); u != "" {
		actor += ":" + u
	}
	switch sub {
	case "add":
		return addUser(ctx, env, st, name, access.Role(role), actor)
	case "list":
		return listUsers(ctx, env, st)
	case "disable":
		err := st.DisableUser(ctx, name, actor)
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("no account is named %q", name)
		}
		if err == nil {
			fmt.Fprintf(env.stdout, "disabled %s; its sessions have ended\n", name)
		}
		return err
	case "enable":
		err := st.EnableUser(ctx, name, actor)
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("no account is named %q", name)
		}
		if err == nil {
			fmt.Fprintf(env.stdout, "enabled %s; it can log in again\n", name)
		}
		return err
	case "unlock":
		return unlockUser(ctx, env, st, name, actor)
	default:
		return setUserPassword(ctx, env, st, name, actor)
	}
}

// unlockUser forgets an account's failed logins, so that no address has to
// wait before its next try; the login trail records it. A running server's
// in-memory per-address layer is not affected (it never holds back an
// account, only an address).
func unlockUser(ctx context.Context, env *environment, st *store.Store, name, actor string) error {
	if _, err := st.UserByName(ctx, name); errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no account is named %q", name)
	}
	n, err := st.UnlockUser(ctx, name, "cli", "unlocked by "+actor)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "unlocked %s: forgot %d failed logins\n", name, n)
	return nil
}

func addUser(ctx context.Context, env *environment, st *store.Store, name string, role access.Role, actor string) error {
	if _, err := st.UserByName(ctx, name); err == nil {
		return fmt.Errorf("an account named %q exists already", name)
	}
	hash, err := readNewPassword(env, name)
	if err != nil {
		return err
	}
	if _, err := st.CreateUser(ctx, store.NewUser{Name: name, Role: role, PasswordHash: hash}, actor); err != nil {
		if errors.Is(err, store.ErrUserExists) {
			return fmt.Errorf("an account named %q exists already", name)
		}
		return err
	}
	fmt.Fprintf(env.stdout, "added %s %s\n", role, name)
	return nil
}

func setUserPassword(ctx context.Context, env *environment, st *store.Store, name, actor string) error {
	if _, err := st.UserByName(ctx, name); errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no account is named %q", name)
	}
	hash, err := readNewPassword(env, name)
	if err != nil {
		return err
	}
	if err := st.SetUserPassword(ctx, name, hash, actor); err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "changed the password of %s; its sessions have ended and its failed logins are forgotten\n", name)
	return nil
}

func listUsers(ctx context.Context, env *environment, st *store.Store) error {
	users, err := st.Users(ctx)
	if err != nil {
		return err
	}
	if len(users) == 0 {
		fmt.Fprintln(env.stdout, "no accounts yet; create one with: accesswatch user add NAME --role admin")
		return nil
	}
	tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tROLE\tSTATE\tCREATED")
	for _, u := range users {
		state := "active"
		if u.Disabled {
			state = "disabled"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", u.Name, u.Role, state, u.CreatedAt.UTC().Format("2006-01-02 15:04 UTC"))
	}
	return tw.Flush()
}

// readNewPassword reads a password, checks it and returns its hash. On a
// terminal it prompts twice without echo; otherwise it reads the first line
// of standard input (for scripts: printf '%s\n' "$PW" | accesswatch user add ...).
func readNewPassword(env *environment, name string) (string, error) {
	var pw string
	if f, ok := env.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		first, err := prompt(env, f, "New password for "+name+": ")
		if err != nil {
			return "", err
		}
		again, err := prompt(env, f, "Same password again: ")
		if err != nil {
			return "", err
		}
		if !bytes.Equal(first, again) {
			return "", errors.New("the two passwords differ; nothing was changed")
		}
		pw = string(first)
	} else {
		line, err := readLine(env.stdin, auth.MaxPasswordBytes)
		if err != nil {
			return "", err
		}
		pw = line
	}
	if err := auth.CheckPassword(pw); err != nil {
		return "", errors.New(strings.Join(i18n.English().Problems(err), " "))
	}
	return auth.HashPassword(pw)
}

func prompt(env *environment, f *os.File, text string) ([]byte, error) {
	fmt.Fprint(env.stderr, text)
	b, err := term.ReadPassword(int(f.Fd()))
	fmt.Fprintln(env.stderr)
	if err != nil {
		return nil, fmt.Errorf("read password: %w", err)
	}
	return b, nil
}

// readLine reads the first line of r without its line ending. A line
// longer than limit bytes is refused rather than cut, so that a password
// is used whole or not at all.
func readLine(r io.Reader, limit int) (string, error) {
	br := bufio.NewReader(io.LimitReader(r, int64(limit)+3))
	line, err := br.ReadBytes('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password: %w", err)
	}
	line = bytes.TrimSuffix(bytes.TrimSuffix(line, []byte("\n")), []byte("\r"))
	if len(line) > limit {
		return "", fmt.Errorf("the password is longer than %d bytes", limit)
	}
	if len(line) == 0 {
		return "", errors.New("no password on standard input (give it as the first line)")
	}
	return string(line), nil
}

// parseInterleaved parses flags that may come before or after the
// positional arguments ("user add ed --role editor"), then fills unset
// flags from the environment; it returns the positional arguments.
func parseInterleaved(fs *flag.FlagSet, args []string, getenv func(string) string) ([]string, error) {
	var flags, positional []string
	for rest := args; len(rest) > 0; {
		if err := fs.Parse(rest); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usageError("%v", err)
		}
		flags = append(flags, rest[:len(rest)-fs.NArg()]...)
		rest = fs.Args()
		if len(rest) > 0 {
			positional = append(positional, rest[0])
			rest = rest[1:]
		}
	}
	return positional, parseFlags(fs, flags, getenv)
}
