package metrics

import (
	"path/filepath"
	"testing"

	"github.com/accesswatch/accesswatch/internal/e2e"
)

// The rules for several instances on one database (instances.yml), tested
// with two instances' series, and the Prometheus configuration of
// deploy/compose-ha.yaml, checked by promtool.
func TestInstanceRulesWithPromtool(t *testing.T) {
	_, bin := e2e.Prometheus(t)
	dir := filepath.Join(deployDir, "prometheus")
	promtool(t, bin, dir, "check", "rules", "instances.yml")
	promtool(t, bin, dir, "test", "rules", "instances_test.yml")
	promtool(t, bin, filepath.Join(deployDir, "ha"), "check", "config", "--syntax-only", "prometheus-ha.yml")
}
