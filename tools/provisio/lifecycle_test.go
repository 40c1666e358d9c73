package main

// Each template's lifecycle, driven through our tofu binary exactly as the
// runner drives it: state in PostgreSQL (the pg backend, one workspace per
// stack, locking on) encrypted by OpenTofu's encryption block, saved plans,
// show -json, refresh-only drift, destroy. Against the real PostgreSQL and
// moto that scripts/test-iac starts.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// The encryption block, given to tofu as TF_ENCRYPTION: state and plan files
// are AES-GCM encrypted client-side with a key derived from the passphrase.
const encryptionConfig = `
key_provider "pbkdf2" "main" {
  passphrase = "provisio-test-passphrase-0123456789"
}
method "aes_gcm" "main" {
  keys = key_provider.pbkdf2.main
}
state {
  method = method.aes_gcm.main
}
plan {
  method = method.aes_gcm.main
}
`

func requireEnv(t *testing.T, names ...string) {
	t.Helper()
	for _, n := range names {
		if os.Getenv(n) == "" {
			t.Fatalf("%s must be set (scripts/test-iac sets it)", n)
		}
	}
}

func pgURL(database string) string {
	u := url.URL{Scheme: "postgres", User: url.UserPassword(os.Getenv("PROVISIO_TEST_PG_USER"), os.Getenv("PROVISIO_TEST_PG_PASSWORD")),
		Host: os.Getenv("PROVISIO_TEST_PG_HOST") + ":" + os.Getenv("PROVISIO_TEST_PG_PORT"), Path: "/" + database, RawQuery: "sslmode=disable"}
	return u.String()
}

// psql runs SQL on the test cluster and returns its unaligned output.
func psql(t *testing.T, database, sql string) string {
	t.Helper()
	cmd := exec.Command(filepath.Join(pgBin(), "psql"), "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql, pgURL(database))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("psql %q: %v\n%s", sql, err, out)
	}
	return strings.TrimSpace(string(out))
}

func pgBin() string {
	if b := os.Getenv("PG_BIN"); b != "" {
		return b
	}
	return "/usr/lib/postgresql/15/bin"
}

// stack is one stack of one template: a working directory laid out as the
// runner lays it out, and the tofu environment.
type stack struct {
	t        *testing.T
	name     string
	dir      string
	env      []string
	backends string // the database holding this test's states
}

func newStack(t *testing.T, template, name string, encrypted bool, extraEnv ...string) *stack {
	t.Helper()
	requireEnv(t, "PROVISIO_TEST_PG_HOST", "PROVISIO_TEST_PG_PORT", "PROVISIO_TEST_PG_USER", "PROVISIO_TEST_PG_PASSWORD")
	dir := copyTemplate(t, template, nil)
	if err := os.WriteFile(filepath.Join(dir, "backend.tf"), []byte("terraform {\n  backend \"pg\" {}\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := &stack{t: t, name: name, dir: dir, backends: "tofu_states"}
	s.env = append(os.Environ(), "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "TF_INPUT=0",
		"PGHOST="+os.Getenv("PROVISIO_TEST_PG_HOST"), "PGPORT="+os.Getenv("PROVISIO_TEST_PG_PORT"),
		"PGUSER="+os.Getenv("PROVISIO_TEST_PG_USER"), "PGPASSWORD="+os.Getenv("PROVISIO_TEST_PG_PASSWORD"), "PGSSLMODE=disable")
	if encrypted {
		s.env = append(s.env, "TF_ENCRYPTION="+encryptionConfig)
	}
	s.env = append(s.env, extraEnv...)
	if psql(t, "postgres", "SELECT count(*) FROM pg_database WHERE datname = 'tofu_states'") == "0" {
		psql(t, "postgres", "CREATE DATABASE tofu_states")
	}
	schema := "tofu_" + strings.ReplaceAll(template, "-", "_")
	s.mustTofu("init", "-input=false", "-no-color", "-backend-config=conn_str="+pgURL(s.backends), "-backend-config=schema_name="+schema)
	s.mustTofu("workspace", "new", "-no-color", name)
	return s
}

// tofu runs a tofu command in the stack's directory: its stdout, stderr and exit code.
func (s *stack) tofu(args ...string) (string, string, int) {
	s.t.Helper()
	cmd := exec.Command(tofuBinary(s.t), args...)
	cmd.Dir = s.dir
	cmd.Env = s.env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		s.t.Fatalf("tofu %v: %v", args, err)
	}
	return stdout.String(), stderr.String(), code
}

func (s *stack) mustTofu(args ...string) string {
	s.t.Helper()
	out, errOut, code := s.tofu(args...)
	if code != 0 {
		s.t.Fatalf("tofu %s: exit %d\n%s\n%s", strings.Join(args, " "), code, out, errOut)
	}
	return out
}

func varArgs(vars map[string]string) []string {
	var args []string
	for k, v := range vars {
		args = append(args, "-var="+k+"="+v)
	}
	slices.Sort(args)
	return args
}

// plan saves a plan to file and returns each resource's actions from show -json.
func (s *stack) plan(file string, vars map[string]string, extra ...string) map[string][]string {
	s.t.Helper()
	args := append([]string{"plan", "-input=false", "-no-color", "-out=" + file}, extra...)
	s.mustTofu(append(args, varArgs(vars)...)...)
	var shown struct {
		ResourceChanges []struct {
			Address string `json:"address"`
			Change  struct {
				Actions []string `json:"actions"`
			} `json:"change"`
		} `json:"resource_changes"`
		ResourceDrift []struct {
			Address string `json:"address"`
		} `json:"resource_drift"`
	}
	if err := json.Unmarshal([]byte(s.mustTofu("show", "-json", file)), &shown); err != nil {
		s.t.Fatal(err)
	}
	actions := map[string][]string{}
	for _, rc := range shown.ResourceChanges {
		actions[rc.Address] = rc.Change.Actions
	}
	return actions
}

func (s *stack) outputs() map[string]struct {
	Value     any  `json:"value"`
	Sensitive bool `json:"sensitive"`
} {
	s.t.Helper()
	var out map[string]struct {
		Value     any  `json:"value"`
		Sensitive bool `json:"sensitive"`
	}
	if err := json.Unmarshal([]byte(s.mustTofu("output", "-json")), &out); err != nil {
		s.t.Fatal(err)
	}
	return out
}

// drift runs a refresh-only plan with -detailed-exitcode and returns the
// addresses that drifted (exit code 2 means there is drift).
func (s *stack) drift(vars map[string]string) []string {
	s.t.Helper()
	file := filepath.Join(s.dir, "drift.tfplan")
	args := append([]string{"plan", "-refresh-only", "-detailed-exitcode", "-input=false", "-no-color", "-out=" + file}, varArgs(vars)...)
	out, errOut, code := s.tofu(args...)
	if code == 1 {
		s.t.Fatalf("refresh-only plan failed:\n%s\n%s", out, errOut)
	}
	if code == 0 {
		return nil
	}
	var shown struct {
		ResourceDrift []struct {
			Address string `json:"address"`
		} `json:"resource_drift"`
	}
	if err := json.Unmarshal([]byte(s.mustTofu("show", "-json", file)), &shown); err != nil {
		s.t.Fatal(err)
	}
	var drifted []string
	for _, d := range shown.ResourceDrift {
		drifted = append(drifted, d.Address)
	}
	slices.Sort(drifted)
	return drifted
}

// stateRow is the stack's state as the pg backend stores it.
func (s *stack) stateRow(template string) string {
	schema := "tofu_" + strings.ReplaceAll(template, "-", "_")
	return psql(s.t, s.backends, fmt.Sprintf("SELECT data FROM %s.states WHERE name = '%s'", schema, s.name))
}

func expectActions(t *testing.T, got map[string][]string, want map[string]string) {
	t.Helper()
	for address, action := range want {
		if strings.Join(got[address], ",") != action {
			t.Errorf("%s: planned %v, want %s (whole plan: %v)", address, got[address], action, got)
		}
	}
}

func TestLifecycle_localSite(t *testing.T) {
	root := t.TempDir()
	s := newStack(t, "local-site", "team-a-docs", true)
	vars := map[string]string{"site_name": "docs", "provisio_stack": "team-a-docs", "provisio_local_root": root}
	index := filepath.Join(root, "team-a-docs", "docs", "index.html")

	plan := filepath.Join(s.dir, "create.tfplan")
	expectActions(t, s.plan(plan, vars), map[string]string{"local_file.index": "create", "local_file.manifest": "create"})
	s.mustTofu("apply", "-input=false", "-no-color", plan)
	if body, err := os.ReadFile(index); err != nil || !strings.Contains(string(body), "Hello from Provisio") {
		t.Fatalf("index.html after apply: %q, %v", body, err)
	}
	if got := s.outputs()["index_path"].Value; got != index {
		t.Fatalf("output index_path = %v, want %s", got, index)
	}

	// A changed parameter: local_file replaces its file.
	vars["greeting"] = "Welcome"
	plan = filepath.Join(s.dir, "change.tfplan")
	expectActions(t, s.plan(plan, vars), map[string]string{"local_file.index": "delete,create", "local_file.manifest": "no-op"})
	s.mustTofu("apply", "-input=false", "-no-color", plan)
	if body, _ := os.ReadFile(index); !strings.Contains(string(body), "Welcome") {
		t.Fatalf("index.html after the change: %q", body)
	}

	// Out of band: the file is deleted; drift finds it.
	os.Remove(index)
	if drifted := s.drift(vars); !slices.Equal(drifted, []string{"local_file.index"}) {
		t.Fatalf("drifted %v, want [local_file.index]", drifted)
	}

	s.mustTofu(append([]string{"destroy", "-auto-approve", "-input=false", "-no-color"}, varArgs(vars)...)...)
	if entries, _ := os.ReadDir(filepath.Join(root, "team-a-docs", "docs")); len(entries) != 0 {
		t.Fatalf("left after destroy: %v", entries)
	}
	if out := s.mustTofu("state", "list"); strings.TrimSpace(out) != "" {
		t.Fatalf("state after destroy lists %q", out)
	}
}

func TestLifecycle_staticSite(t *testing.T) {
	requireEnv(t, "PROVISIO_TEST_S3_ENDPOINT")
	aws := t.TempDir()
	os.WriteFile(filepath.Join(aws, "config"), fmt.Appendf(nil, "[profile emulator]\nregion = us-east-1\nendpoint_url = %s\n", os.Getenv("PROVISIO_TEST_S3_ENDPOINT")), 0o600)
	os.WriteFile(filepath.Join(aws, "credentials"), []byte("[emulator]\naws_access_key_id = testing\naws_secret_access_key = testing\n"), 0o600)
	s := newStack(t, "static-site", "team-b-site", true,
		"AWS_CONFIG_FILE="+filepath.Join(aws, "config"), "AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(aws, "credentials"))
	vars := map[string]string{"bucket_name": "team-b-site", "team": "b", "provisio_stack": "team-b-site"}

	plan := filepath.Join(s.dir, "create.tfplan")
	expectActions(t, s.plan(plan, vars), map[string]string{"s3_bucket.site": "create", "s3_object.index": "create"})
	s.mustTofu("apply", "-input=false", "-no-color", plan)
	if body := getObject(t, "team-b-site", "index.html"); !strings.Contains(body, "Hello from Provisio") {
		t.Fatalf("index.html served: %q", body)
	}
	if got := s.outputs()["bucket"].Value; got != "team-b-site" {
		t.Fatalf("output bucket = %v", got)
	}

	vars["greeting"] = "Welcome"
	plan = filepath.Join(s.dir, "change.tfplan")
	expectActions(t, s.plan(plan, vars), map[string]string{"s3_object.index": "update", "s3_bucket.site": "no-op"})
	s.mustTofu("apply", "-input=false", "-no-color", plan)
	if body := getObject(t, "team-b-site", "index.html"); !strings.Contains(body, "Welcome") {
		t.Fatalf("index.html served after the change: %q", body)
	}

	// Out of band: the object is overwritten; drift finds it.
	putObject(t, "team-b-site", "index.html", "defaced")
	if drifted := s.drift(vars); !slices.Equal(drifted, []string{"s3_object.index"}) {
		t.Fatalf("drifted %v, want [s3_object.index]", drifted)
	}

	s.mustTofu(append([]string{"destroy", "-auto-approve", "-input=false", "-no-color"}, varArgs(vars)...)...)
	if bucketExists(t, "team-b-site") {
		t.Fatal("the bucket is left after destroy")
	}
}

func TestLifecycle_databaseWithEncryptedState(t *testing.T) {
	s := newStack(t, "database", "team-c-db", true)
	vars := map[string]string{"database_name": "orders", "provisio_stack": "team-c-db"}

	plan := filepath.Join(s.dir, "create.tfplan")
	expectActions(t, s.plan(plan, vars), map[string]string{"postgresql_database.db": "create", "postgresql_role.owner": "create",
		"postgresql_role.readonly": "create", "postgresql_grant.readonly_select": "create"})
	s.mustTofu("apply", "-input=false", "-no-color", plan)
	outputs := s.outputs()
	password, _ := outputs["owner_password"].Value.(string)
	if !outputs["owner_password"].Sensitive || len(password) != 32 {
		t.Fatalf("owner_password: sensitive=%v, %d characters", outputs["owner_password"].Sensitive, len(password))
	}
	// The generated password logs in, and appears nowhere in the state table.
	if who := psqlAs(t, "orders", "orders_owner", password, "SELECT current_user"); who != "orders_owner" {
		t.Fatalf("logged in as %q", who)
	}
	if row := s.stateRow("database"); row == "" || strings.Contains(row, password) || strings.Contains(row, "orders_owner") {
		t.Fatalf("the encrypted state row is empty or holds plaintext (%d bytes)", len(row))
	}
	// The read-only role reads but does not write.
	psql(t, "orders", "CREATE TABLE public.items (id int); INSERT INTO public.items VALUES (1)")
	readonlyPassword, _ := outputs["readonly_password"].Value.(string)
	vars["connection_limit"] = "30"
	plan = filepath.Join(s.dir, "change.tfplan")
	expectActions(t, s.plan(plan, vars), map[string]string{"postgresql_database.db": "update", "postgresql_role.owner": "no-op"})
	s.mustTofu("apply", "-input=false", "-no-color", plan)
	if got := psql(t, "postgres", "SELECT datconnlimit FROM pg_database WHERE datname = 'orders'"); got != "30" {
		t.Fatalf("connection limit %s, want 30", got)
	}
	if got := psqlAs(t, "orders", "orders_readonly", readonlyPassword, "SELECT count(*) FROM public.items"); got != "1" {
		t.Fatalf("the read-only role reads %q", got)
	}

	// Out of band: the limit is changed; drift finds it.
	psql(t, "postgres", "ALTER DATABASE orders CONNECTION LIMIT 5")
	if drifted := s.drift(vars); !slices.Equal(drifted, []string{"postgresql_database.db"}) {
		t.Fatalf("drifted %v, want [postgresql_database.db]", drifted)
	}

	s.mustTofu(append([]string{"destroy", "-auto-approve", "-input=false", "-no-color"}, varArgs(vars)...)...)
	if got := psql(t, "postgres", "SELECT count(*) FROM pg_database WHERE datname = 'orders'"); got != "0" {
		t.Fatal("database orders is left after destroy")
	}
	if got := psql(t, "postgres", "SELECT count(*) FROM pg_roles WHERE rolname LIKE 'orders_%'"); got != "0" {
		t.Fatalf("%s roles left after destroy", got)
	}
}

func TestState_withoutEncryptionThePasswordIsInTheStateTable(t *testing.T) {
	// The control for the test above: the same check finds the password when
	// the encryption block is off, so "finds nothing" means something.
	s := newStack(t, "database", "team-c-plain", false)
	vars := map[string]string{"database_name": "plain", "provisio_stack": "team-c-plain"}
	plan := filepath.Join(s.dir, "create.tfplan")
	s.plan(plan, vars)
	s.mustTofu("apply", "-input=false", "-no-color", plan)
	password, _ := s.outputs()["owner_password"].Value.(string)
	if row := s.stateRow("database"); password == "" || !strings.Contains(row, password) {
		t.Fatal("the unencrypted state row does not hold the generated password")
	}
	s.mustTofu(append([]string{"destroy", "-auto-approve", "-input=false", "-no-color"}, varArgs(vars)...)...)
}

func TestPlan_staleSavedPlanIsRefused(t *testing.T) {
	root := t.TempDir()
	s := newStack(t, "local-site", "team-d-stale", true)
	vars := map[string]string{"site_name": "stale", "provisio_stack": "team-d-stale", "provisio_local_root": root}
	first, second := filepath.Join(s.dir, "first.tfplan"), filepath.Join(s.dir, "second.tfplan")
	s.plan(first, vars)
	s.plan(second, vars)
	s.mustTofu("apply", "-input=false", "-no-color", second)
	_, errOut, code := s.tofu("apply", "-input=false", "-no-color", first)
	if code == 0 || !strings.Contains(errOut, "Saved plan is stale") {
		t.Fatalf("applying the older plan: exit %d, %s", code, errOut)
	}
	s.mustTofu(append([]string{"destroy", "-auto-approve", "-input=false", "-no-color"}, varArgs(vars)...)...)
}

func TestLock_secondApplyOnAStackFailsClearlyWhileTheFirstHoldsTheLock(t *testing.T) {
	root := t.TempDir()
	s := newStack(t, "local-site", "team-e-lock", true)
	vars := map[string]string{"site_name": "locked", "provisio_stack": "team-e-lock", "provisio_local_root": root}
	// The first apply takes the lock and waits at its confirmation prompt.
	first := exec.Command(tofuBinary(t), append([]string{"apply", "-no-color"}, varArgs(vars)...)...)
	first.Dir, first.Env = s.dir, append(slices.Clone(s.env[:len(s.env):len(s.env)]), "TF_INPUT=1")
	stdin, _ := first.StdinPipe()
	var firstOut bytes.Buffer
	first.Stdout, first.Stderr = &firstOut, &firstOut
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for !strings.Contains(firstOut.String(), "Enter a value") {
		if time.Now().After(deadline) {
			first.Process.Kill()
			t.Fatalf("the first apply never reached its prompt:\n%s", firstOut.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	_, errOut, code := s.tofu(append([]string{"apply", "-auto-approve", "-input=false", "-no-color", "-lock-timeout=2s"}, varArgs(vars)...)...)
	stdin.Write([]byte("no\n"))
	stdin.Close()
	first.Wait()
	if code == 0 || !strings.Contains(errOut, "Error acquiring the state lock") {
		t.Fatalf("the second apply: exit %d, %s", code, errOut)
	}
	// Once the first has let go, an apply goes through.
	s.mustTofu(append([]string{"apply", "-auto-approve", "-input=false", "-no-color", "-lock-timeout=10s"}, varArgs(vars)...)...)
	s.mustTofu(append([]string{"destroy", "-auto-approve", "-input=false", "-no-color"}, varArgs(vars)...)...)
}

func TestPlan_badParameterNamesTheVariable(t *testing.T) {
	s := newStack(t, "local-site", "team-f-bad", true)
	vars := map[string]string{"site_name": "Not A Name!", "provisio_stack": "team-f-bad", "provisio_local_root": t.TempDir()}
	_, errOut, code := s.tofu(append([]string{"plan", "-input=false", "-no-color"}, varArgs(vars)...)...)
	if code == 0 || !strings.Contains(errOut, "var.site_name") || !strings.Contains(errOut, "site_name must be 3 to 63 lowercase") {
		t.Fatalf("plan with a bad site_name: exit %d, %s", code, errOut)
	}
}

func psqlAs(t *testing.T, database, user, password, sql string) string {
	t.Helper()
	u := url.URL{Scheme: "postgres", User: url.UserPassword(user, password),
		Host: os.Getenv("PROVISIO_TEST_PG_HOST") + ":" + os.Getenv("PROVISIO_TEST_PG_PORT"), Path: "/" + database, RawQuery: "sslmode=disable"}
	out, err := exec.CommandContext(context.Background(), filepath.Join(pgBin(), "psql"), "-X", "-A", "-t", "-c", sql, u.String()).CombinedOutput()
	if err != nil {
		t.Fatalf("psql as %s: %v\n%s", user, err, out)
	}
	return strings.TrimSpace(string(out))
}
