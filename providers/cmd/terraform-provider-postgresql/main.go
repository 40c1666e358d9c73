// Command terraform-provider-postgresql serves the provisio/postgresql
// provider over the plugin protocol (docs/providers.md).
package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"provisio.dev/providers/postgresql"
)

// version is set at build time (-X main.version=...) by scripts/setup.
var version = "dev"

func main() {
	debug := flag.Bool("debug", false, "run for a debugger (prints TF_REATTACH_PROVIDERS)")
	flag.Parse()
	err := providerserver.Serve(context.Background(), postgresql.New(version), providerserver.ServeOpts{
		Address: postgresql.Address,
		Debug:   *debug,
	})
	if err != nil {
		log.Fatal(err)
	}
}
