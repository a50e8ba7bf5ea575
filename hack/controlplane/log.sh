# Sourced by the control-plane scripts: timestamped progress and errors with hints, on stderr.
# shellcheck shell=bash

log() { printf '[%s] %s: %s\n' "$(date +%H:%M:%S)" "$(basename "$0")" "$*" >&2; }

# die MESSAGE [HINT...]: what went wrong, then what to do about it.
die() {
  printf '[%s] %s: ERROR: %s\n' "$(date +%H:%M:%S)" "$(basename "$0")" "$1" >&2
  shift
  local hint
  for hint in "$@"; do printf '    -> %s\n' "${hint}" >&2; done
  exit 1
}
