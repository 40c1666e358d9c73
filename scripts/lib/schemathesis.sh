# Schemathesis, the API fuzzer (PyPI, pinned), in a virtualenv of its own: its
# dependencies must not move moto's in the project's venv. Sourced after
# common.sh, not run.
SCHEMATHESIS_VERSION=4.32.5
SCHEMATHESIS_VENV="$PROVISIO_CACHE/schemathesis-$SCHEMATHESIS_VERSION"
SCHEMATHESIS="$SCHEMATHESIS_VENV/bin/schemathesis"

# install_schemathesis: once per pinned version (a second call takes no time).
install_schemathesis() {
  [[ -x "$SCHEMATHESIS" ]] && "$SCHEMATHESIS" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION" && return 0
  log "installing schemathesis==$SCHEMATHESIS_VERSION into $SCHEMATHESIS_VENV"
  rm -rf "$SCHEMATHESIS_VENV"
  python3 -m venv "$SCHEMATHESIS_VENV"
  "$SCHEMATHESIS_VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
}
