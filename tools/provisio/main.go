// Command provisio is the template author's and operator's CLI. For now it
// has one command:
//
//	provisio template validate DIR...
//
// which checks each template directory: template.yaml (title, description,
// parameter hints, approval policy, stateful resources, drift-check interval,
// ttl), that its parameters and variables.tf agree, and the configuration
// with `tofu validate -json` (providers from the mirror). Problems are printed
// as FILE:LINE: message; the exit status is 1 when there is any.
//
// The tofu binary is $PROVISIO_TOFU (scripts/setup builds it), else tofu on
// PATH; TF_CLI_CONFIG_FILE should name the mirror-only CLI config.
package main

import (
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 4 || os.Args[1] != "template" || os.Args[2] != "validate" {
		fmt.Fprintln(os.Stderr, "usage: provisio template validate DIR...")
		os.Exit(2)
	}
	tofu := os.Getenv("PROVISIO_TOFU")
	if tofu == "" {
		tofu = "tofu"
	}
	failed := false
	for _, dir := range os.Args[3:] {
		problems := validateTemplate(dir, tofu)
		for _, p := range problems {
			fmt.Println(p)
		}
		if len(problems) > 0 {
			failed = true
			fmt.Printf("%s: %d problem(s)\n", dir, len(problems))
		} else {
			fmt.Printf("%s: valid\n", dir)
		}
	}
	if failed {
		os.Exit(1)
	}
}
