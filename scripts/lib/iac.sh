# The infrastructure-as-code toolchain's pins and cache paths, shared by
# scripts/setup (which builds it) and scripts/test (which uses it). Sourced
# after common.sh, not run. docs/iac.md explains the choices.
#
# Everything is built from the Go module proxy into $PROVISIO_CACHE, under a
# directory named by a key over everything that decides its bytes (the pins,
# the go.mod/go.sum files, the sources, the Go version, the flags), so a second
# setup rebuilds nothing and a changed pin builds beside the old one.

# OpenTofu, built from its Go module through tools/opentofu-build (whose go.mod
# must require this version).
OPENTOFU_VERSION=1.12.6
# OpenTofu 1.12.6's go.mod says go 1.26.6.
GO_MIN_VERSION=1.26.6
# Used only when no Go that new is installed: the Go toolchain as a module from
# the proxy (fetched with any older Go, such as Debian 12's 1.19), checked
# against this hash, unpacked into the cache.
GO_TOOLCHAIN_MODULE=golang.org/toolchain@v0.0.1-go1.26.8.linux-amd64
GO_TOOLCHAIN_SUM=h1:ZOmGe1OnfREDMIdb1Qi4G9JSuDPBLGExZMQ4nis1RXM=
# hashicorp/local's release that tools/provider-local-build's pseudo-version is.
PROVIDER_LOCAL_VERSION=2.9.0
# The version our own providers (providers/) are published as in the mirror.
PROVISIO_PROVIDERS_VERSION=0.1.0
# The S3 emulator, in the project's venv.
MOTO_VERSION=5.2.5
MOTO_SERVER="$PROVISIO_VENV/bin/moto_server"
# Debian's PostgreSQL 15 server binaries (initdb, pg_ctl, postgres).
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}

# The release ldflag: OpenTofu's version package reports "-dev" unless dev=no.
OPENTOFU_LDFLAGS="-s -w -X github.com/opentofu/opentofu/version.dev=no"
# Two cores are shared by everyone on a machine: never more than two build jobs.
GO_BUILD_JOBS=2

# version_at_least A B: true when dotted version A >= B.
version_at_least() {
  [[ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" == "$2" ]]
}

# iac_go: prints the path of a Go new enough for OpenTofu: `go` on PATH (or
# /usr/local/go) if it is, else the toolchain module unpacked in the cache.
# Prints nothing when neither is there yet (setup installs the fallback).
iac_go() {
  local candidate version
  for candidate in "$(command -v go 2>/dev/null)" /usr/local/go/bin/go "$PROVISIO_CACHE/go/${GO_TOOLCHAIN_MODULE##*-go}/bin/go"; do
    [[ -n "$candidate" && -x "$candidate" ]] || continue
    version=$(GOTOOLCHAIN=local "$candidate" env GOVERSION 2>/dev/null) || continue
    version=${version#go}
    if version_at_least "$version" "$GO_MIN_VERSION"; then
      printf '%s\n' "$candidate"
      return 0
    fi
  done
}

# hash_files FILE...: one SHA-256 over the files' names and contents.
hash_files() {
  local file
  for file in "$@"; do
    printf '%s\n' "${file#"$PROVISIO_ROOT"/}"
    sha256sum <"$file"
  done | sha256sum | cut -c1-16
}

# iac_paths GO: sets OPENTOFU_BIN, PROVIDER_MIRROR and TOFU_CLI_CONFIG for the
# current pins, sources and Go.
iac_paths() {
  local go=$1 go_version tofu_key providers_key
  go_version=$(GOTOOLCHAIN=local "$go" env GOVERSION)
  tofu_key=$( {
    printf '%s\n' "$OPENTOFU_VERSION" "$go_version" "$OPENTOFU_LDFLAGS"
    hash_files "$PROVISIO_ROOT/tools/opentofu-build/go.mod" "$PROVISIO_ROOT/tools/opentofu-build/go.sum"
  } | sha256sum | cut -c1-16)
  providers_key=$( {
    printf '%s\n' "$PROVIDER_LOCAL_VERSION" "$PROVISIO_PROVIDERS_VERSION" "$go_version"
    hash_files "$PROVISIO_ROOT/tools/provider-local-build/go.mod" "$PROVISIO_ROOT/tools/provider-local-build/go.sum" \
      $(cd "$PROVISIO_ROOT" && find providers -type f \( -name '*.go' -o -name go.mod -o -name go.sum \) ! -name '*_test.go' | LC_ALL=C sort | sed "s|^|$PROVISIO_ROOT/|")
  } | sha256sum | cut -c1-16)
  OPENTOFU_BIN="$PROVISIO_CACHE/opentofu/$tofu_key/tofu"
  PROVIDER_MIRROR="$PROVISIO_CACHE/providers/$providers_key/mirror"
  TOFU_CLI_CONFIG="$PROVISIO_CACHE/providers/$providers_key/tofurc"
}

# iac_env: exports what every tofu run of ours needs (the binary, the
# mirror-only CLI config, no update checks); dies if setup has not built them.
iac_env() {
  local go
  go=$(iac_go)
  [[ -n "$go" ]] || die "no Go >= $GO_MIN_VERSION; run scripts/setup"
  iac_paths "$go"
  [[ -x "$OPENTOFU_BIN" && -f "$TOFU_CLI_CONFIG" ]] || die "the OpenTofu toolchain is not built; run scripts/setup"
  export PROVISIO_GO="$go"
  export PROVISIO_TOFU="$OPENTOFU_BIN"
  export TF_CLI_CONFIG_FILE="$TOFU_CLI_CONFIG"
  export PROVISIO_PROVIDER_MIRROR="$PROVIDER_MIRROR"
  export CHECKPOINT_DISABLE=1
}
