//go:build faultinject

package store

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"time"
)

// FaultInjection is true only in a build made with -tags faultinject (the
// crash harness's negative control); such a build must never serve anyone.
const FaultInjection = true

// FaultAckBeforeCommitEnv names the environment variable that, in a
// faultinject build only, makes editTx report success before committing:
// the commit follows after the given delay (e.g. "2s"), in the background.
// A process killed in between loses writes it acknowledged — the loss the
// crash harness must catch.
const FaultAckBeforeCommitEnv = "ACCESSWATCH_FAULT_ACK_BEFORE_COMMIT"

// editTx runs an editor's single change in one transaction on the writer;
// with the fault switched on, it returns before the commit.
func (s *Store) editTx(ctx context.Context, fn func(*sql.Tx) error) error {
	delay, err := time.ParseDuration(os.Getenv(FaultAckBeforeCommitEnv))
	if err != nil || delay <= 0 {
		return inTx(ctx, s.writer, fn)
	}
	// The transaction must outlive the request that started it.
	tx, err := s.writer.BeginTx(context.WithoutCancel(ctx), nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	go func() {
		time.Sleep(delay)
		_ = tx.Commit()
	}()
	return nil
}
