package main

import (
	"context"
	"fmt"
	"os"
)

// runBackup copies the database, while the server may be using it, to a
// new file, and checks the copy. It never overwrites a file.
func runBackup(ctx context.Context, env *environment, args []string) error {
	fs := newDataFlagSet("backup FILE", env.stderr)
	db := dbFlag(fs)
	dest, err := parseWithArgument(fs, args, onlyDBFromEnv(env.getenv))
	if err != nil {
		return err
	}
	if _, err := os.Lstat(dest); err == nil {
		return fmt.Errorf("%s already exists; a backup never overwrites a file, so choose a new name", dest)
	}
	st, err := openExisting(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Backup(ctx, dest); err != nil {
		return err
	}
	info, err := os.Stat(dest)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "backed up %s to %s (%d bytes); integrity_check: ok\n", *db, dest, info.Size())
	return nil
}
