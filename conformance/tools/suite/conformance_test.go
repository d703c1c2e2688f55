// Package suite wraps the upstream Gateway API conformance suite
// (sigs.k8s.io/gateway-api/conformance) so that `go test -c` builds one
// binary, conformance.test, which run.sh runs against Archway. All flags
// (--gateway-class, --conformance-profiles, --report-output, ...) are the
// upstream suite's own; see docs/conformance.md.
package suite

import (
	"testing"

	"sigs.k8s.io/gateway-api/conformance"
)

func TestConformance(t *testing.T) {
	conformance.RunConformance(t)
}
