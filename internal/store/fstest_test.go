package store

import (
	"database/sql/driver"
	"io/fs"
	"testing/fstest"
)

// fstestMap builds an in-memory file system from path → content.
type fstestMap map[string]string

func (m fstestMap) FS() fs.FS {
	out := fstest.MapFS{}
	for name, body := range m {
		out[name] = &fstest.MapFile{Data: []byte(body)}
	}
	return out
}

// driverBadConn makes database/sql discard a connection.
var driverBadConn = driver.ErrBadConn
