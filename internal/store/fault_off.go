//go:build !faultinject

package store

import (
	"context"
	"database/sql"
)

// FaultInjection is true only in a build made with -tags faultinject (the
// crash harness's negative control); such a build must never serve anyone.
const FaultInjection = false

// editTx runs an editor's single change in one transaction on the writer.
// (A faultinject build can acknowledge it before it commits; this one
// returns only after the commit.)
func (s *Store) editTx(ctx context.Context, fn func(*sql.Tx) error) error {
	return inTx(ctx, s.writer, fn)
}
