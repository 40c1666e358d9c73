// Package acctest is what the providers' acceptance tests share: they run
// terraform-plugin-testing with Provisio's own OpenTofu binary against the
// real PostgreSQL cluster and moto server that scripts/test starts, and they
// refuse to be skipped.
//
// Environment (scripts/test sets it):
//
//	TF_ACC=1                   terraform-plugin-testing skips every acceptance test without it
//	PROVISIO_TOFU              the tofu binary scripts/setup built
//	PROVISIO_TEST_PG_HOST, PROVISIO_TEST_PG_PORT, PROVISIO_TEST_PG_USER, PROVISIO_TEST_PG_PASSWORD
//	                           a superuser on a throwaway cluster
//	PROVISIO_TEST_S3_ENDPOINT  the moto server's URL
package acctest

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// Stack is the stack every acceptance test's provider marks objects with.
const Stack = "acceptance"

// Main is the test packages' TestMain: it fails the run, rather than let
// terraform-plugin-testing skip silently, when the environment is missing.
func Main(m *testing.M, required ...string) {
	required = append([]string{"TF_ACC", "PROVISIO_TOFU"}, required...)
	for _, name := range required {
		if os.Getenv(name) == "" {
			fmt.Fprintf(os.Stderr, "acceptance tests need %s (run them through scripts/test, which sets it)\n", name)
			os.Exit(1)
		}
	}
	// Our OpenTofu, and our providers' addresses, for terraform-plugin-testing.
	os.Setenv("TF_ACC_TERRAFORM_PATH", os.Getenv("PROVISIO_TOFU"))
	os.Setenv("TF_ACC_PROVIDER_HOST", "registry.opentofu.org")
	os.Setenv("TF_ACC_PROVIDER_NAMESPACE", "provisio")
	os.Setenv("CHECKPOINT_DISABLE", "1")
	os.Exit(m.Run())
}

// PostgresProvider is the provider block for the test cluster.
func PostgresProvider() string {
	return fmt.Sprintf(`
terraform {
  required_providers {
    postgresql = { source = "provisio/postgresql" }
  }
}
provider "postgresql" {
  host     = %q
  port     = %s
  username = %q
  password = %q
  sslmode  = "disable"
  stack    = %q
}
`, os.Getenv("PROVISIO_TEST_PG_HOST"), os.Getenv("PROVISIO_TEST_PG_PORT"),
		os.Getenv("PROVISIO_TEST_PG_USER"), os.Getenv("PROVISIO_TEST_PG_PASSWORD"), Stack)
}

// PostgresURL is a connection URL for database as user with password
// (the superuser when user is empty).
func PostgresURL(database, user, password string) string {
	if user == "" {
		user, password = os.Getenv("PROVISIO_TEST_PG_USER"), os.Getenv("PROVISIO_TEST_PG_PASSWORD")
	}
	u := url.URL{Scheme: "postgres", User: url.UserPassword(user, password),
		Host: os.Getenv("PROVISIO_TEST_PG_HOST") + ":" + os.Getenv("PROVISIO_TEST_PG_PORT"),
		Path: "/" + database, RawQuery: "sslmode=disable"}
	return u.String()
}

// Postgres connects to database as the superuser; the test closes it.
func Postgres(t *testing.T, database string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), PostgresURL(database, "", ""))
	if err != nil {
		t.Fatalf("connecting to the test cluster: %v", err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// Exec runs statements as the superuser on database, failing the test on error.
func Exec(t *testing.T, database string, statements ...string) {
	t.Helper()
	conn := Postgres(t, database)
	for _, s := range statements {
		if _, err := conn.Exec(context.Background(), s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// AWSProfile writes shared AWS config and credentials files with the profile
// "emulator" pointing at the moto server, and points the SDK at them, so that
// the tests reach S3 through a named profile as deployments do.
func AWSProfile(dir string) error {
	config := filepath.Join(dir, "config")
	credentials := filepath.Join(dir, "credentials")
	if err := os.WriteFile(config, fmt.Appendf(nil,
		"[profile emulator]\nregion = us-east-1\nendpoint_url = %s\n", os.Getenv("PROVISIO_TEST_S3_ENDPOINT")), 0o600); err != nil {
		return err
	}
	if err := os.WriteFile(credentials, []byte("[emulator]\naws_access_key_id = testing\naws_secret_access_key = testing\n"), 0o600); err != nil {
		return err
	}
	os.Setenv("AWS_CONFIG_FILE", config)
	os.Setenv("AWS_SHARED_CREDENTIALS_FILE", credentials)
	os.Unsetenv("AWS_PROFILE")
	os.Unsetenv("AWS_ACCESS_KEY_ID")
	os.Unsetenv("AWS_SECRET_ACCESS_KEY")
	return nil
}

// S3Provider is the provider block for the moto server, through the profile.
func S3Provider() string {
	return fmt.Sprintf(`
terraform {
  required_providers {
    s3 = { source = "provisio/s3" }
  }
}
provider "s3" {
  profile = "emulator"
  stack   = %q
}
`, Stack)
}

// Diagnostic matches OpenTofu's rendering of an error diagnostic: its summary,
// then the configuration line it points at (so the attribute at fault is
// named), then its detail. OpenTofu wraps long lines and aligns "=", so any
// run of spaces in the arguments matches any whitespace.
func Diagnostic(summary, line, detail string) *regexp.Regexp {
	words := func(s string) string {
		return strings.Join(strings.Fields(regexp.QuoteMeta(s)), `\s+`)
	}
	return regexp.MustCompile(`(?s)Error: ` + words(summary) + `.*\d+:\s+` + words(line) + `.*` + words(detail))
}
