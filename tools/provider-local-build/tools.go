//go:build tools

// Package tools keeps the provider's main package in this module's dependency
// graph, so that `go mod tidy` records what building it needs in go.sum.
package tools

import _ "github.com/terraform-providers/terraform-provider-local"
