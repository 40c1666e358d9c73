//go:build tools

// Package tools keeps cmd/tofu in this module's dependency graph, so that
// `go mod tidy` records every module that building it needs in go.sum.
package tools

import _ "github.com/opentofu/opentofu/cmd/tofu"
