// Command coredns is CoreDNS v1.12.2 (the version the conformance suite's
// coredns Deployment uses) with only the plugins that Deployment's Corefile
// names: errors, log, whoami and forward. The harness strips `forward` from the
// Corefile before starting it (see podrunner), so the binary never forwards;
// the plugin is compiled in only so that an unmodified Corefile still parses.
package main

import (
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/coremain"
	_ "github.com/coredns/coredns/plugin/errors"
	_ "github.com/coredns/coredns/plugin/forward"
	_ "github.com/coredns/coredns/plugin/log"
	_ "github.com/coredns/coredns/plugin/whoami"
)

func init() {
	// Plugin order of CoreDNS's own plugin.cfg, restricted to these four.
	dnsserver.Directives = []string{"errors", "log", "forward", "whoami"}
}

func main() {
	coremain.Run()
}
