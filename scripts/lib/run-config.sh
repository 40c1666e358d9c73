# Reads scripts/run's configuration file (config/provisio.conf documents it).
# Sourced, not run.

# load_run_config FILE: sets every setting config/provisio.conf lists, from
# (first that has it) the environment, FILE, config/provisio.conf's default.
# Files are KEY=value lines with '#' comments, no quoting and no expansion:
# data, never run as shell. A key the defaults do not list is an error, so a
# typo is reported rather than ignored.
load_run_config() {
  local file=$1 defaults="$PROVISIO_ROOT/config/provisio.conf"
  [[ -f "$file" ]] || die "the configuration file $file does not exist"
  local -A from_environment=()
  local key
  for key in $(sed -n 's/^\([A-Z_][A-Z0-9_]*\)=.*/\1/p' "$defaults"); do
    [[ -n "${!key+x}" ]] && from_environment[$key]=1
  done
  local source_file line value number
  for source_file in "$defaults" "$file"; do
    number=0
    while IFS= read -r line || [[ -n "$line" ]]; do
      number=$((number + 1))
      line=${line%%#*}
      line=${line%"${line##*[![:space:]]}"}
      [[ -z "$line" ]] && continue
      [[ "$line" =~ ^([A-Z_][A-Z0-9_]*)=(.*)$ ]] ||
        die "$source_file:$number: expected KEY=value, found '$line'"
      key=${BASH_REMATCH[1]} value=${BASH_REMATCH[2]}
      grep -q "^$key=" "$defaults" ||
        die "$source_file:$number: unknown setting $key (config/provisio.conf lists them)"
      [[ -n "${from_environment[$key]+x}" ]] || printf -v "$key" '%s' "$value"
    done <"$source_file"
  done
}
