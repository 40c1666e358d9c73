// Command terraform-provider-s3 serves the provisio/s3
// provider over the plugin protocol (docs/providers.md).
package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"provisio.dev/providers/s3"
)

// version is set at build time (-X main.version=...) by scripts/setup.
var version = "dev"

func main() {
	debug := flag.Bool("debug", false, "run for a debugger (prints TF_REATTACH_PROVIDERS)")
	flag.Parse()
	err := providerserver.Serve(context.Background(), s3.New(version), providerserver.ServeOpts{
		Address: s3.Address,
		Debug:   *debug,
	})
	if err != nil {
		log.Fatal(err)
	}
}
