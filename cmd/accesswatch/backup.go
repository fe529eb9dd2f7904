package main

import (
	"context"
	"fmt"
	"os"

	"github.com/accesswatch/accesswatch/internal/store"
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
	if store.IsPostgresURL(*db) {
		return usageError("%s is a PostgreSQL database: back it up with PostgreSQL's own tools, e.g.\n"+
			"  pg_dump --format=custom --file=accesswatch.dump '%s'\n"+
			"and restore with pg_restore (or use the server's base backups and WAL archiving);\n"+
			"accesswatch backup copies SQLite files only", store.Redact(*db), store.Redact(*db))
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
	fmt.Fprintf(env.stdout, "backed up %s to %s (%d bytes); integrity_check: ok\n", store.Redact(*db), dest, info.Size())
	return nil
}
