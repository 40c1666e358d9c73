# npm packages of the project: installs from their lock files only when needed.
# Sourced after common.sh, not run.

# npm_ci_if_needed DIR: `npm ci` in DIR when its node_modules is missing or
# older than package-lock.json. npm writes node_modules/.package-lock.json
# last, so an interrupted install is redone.
npm_ci_if_needed() {
  local dir=$1
  if [[ ! -f "$dir/node_modules/.package-lock.json" ||
        "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]]; then
    log "installing ${dir#"$PROVISIO_ROOT"/}'s npm packages (npm ci)"
    (cd "$dir" && npm ci --no-audit --no-fund)
  fi
}
