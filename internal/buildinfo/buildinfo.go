// Package buildinfo says which accesswatch this is.
package buildinfo

import (
	"runtime"
	"runtime/debug"
)

// version is set at link time: -ldflags "-X github.com/accesswatch/accesswatch/internal/buildinfo.version=v1.2.3".
var version = "dev"

// revision is set at link time where the build has no VCS information of
// its own (a container build, whose context leaves out .git):
// -ldflags "-X github.com/accesswatch/accesswatch/internal/buildinfo.revision=$(git rev-parse HEAD)".
// It wins over the revision Go records from the VCS.
var revision = ""

// Info describes the running binary.
type Info struct {
	Version   string // release version, "dev" for a development build
	Revision  string // VCS revision, when the build recorded one
	GoVersion string
}

// Read returns the build's description.
func Read() Info {
	info := Info{Version: version, GoVersion: runtime.Version(), Revision: "unknown"}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && s.Value != "" {
				info.Revision = s.Value
			}
		}
		if info.Version == "dev" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			info.Version = bi.Main.Version
		}
	}
	if revision != "" {
		info.Revision = revision
	}
	return info
}
