#!/usr/bin/env bash
# The project's one test command (README): makes sure what the tests need is on the machine,
# runs every test project of the solution, and closes with the line `N passed, M failed`.
# Idempotent: a second run installs nothing.
set -uo pipefail
cd "$(dirname "$0")/.."

log() { printf '==> %s\n' "$*"; }

# A missing prerequisite still ends with the closing line CI reads, so it never passes for green.
missing() {
  echo "$*" >&2
  echo "0 passed, 1 failed"
  exit 2
}

# Runs a command as root: directly when we are root, else through sudo when there is one.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    echo "root (or sudo) is needed to run: $*" >&2
    return 1
  fi
}

apt_updated=""
apt_install() {
  log "installing $* (apt-get)"
  # A fresh machine's package lists are empty: update once, the first time something is installed.
  if [ -z "$apt_updated" ]; then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq || return 1
    apt_updated=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}

ensure_prerequisites() {
  if ! command -v dotnet >/dev/null 2>&1; then
    missing "dotnet (the .NET 10 SDK) is required: https://dotnet.microsoft.com/download"
  fi
  # The designer bundles its canvas (@antv/x6) with npm and esbuild while it builds.
  if ! command -v npm >/dev/null 2>&1; then
    apt_install nodejs npm || missing "npm is required to build the designer; installing nodejs and npm with apt-get failed"
  fi
  # Browser tests drive Debian's chromium through Playwright (no `playwright install`).
  if [ ! -x /usr/bin/chromium ]; then
    apt_install chromium || missing "Debian's chromium (/usr/bin/chromium) is required by the browser tests; apt-get install chromium failed"
  fi
}

ensure_prerequisites

results="$(mktemp -d /tmp/reengage-tests.XXXXXX)"
# Browser tests put their screenshots and the Host's log beside the trx files.
export REENGAGE_TEST_ARTIFACTS="$results/browser"
log "dotnet test (results in $results, browser screenshots in $REENGAGE_TEST_ARTIFACTS/screenshots)"
dotnet test ReEngage.Flows.sln --nologo --logger "trx" --results-directory "$results" "$@"
status=$?

passed=0
failed=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(printf '%s' "$counters" | sed -n 's/.* passed="\([0-9]*\)".*/\1/p')
  f=$(printf '%s' "$counters" | sed -n 's/.* failed="\([0-9]*\)".*/\1/p')
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
done

# A build failure produces no results: count it so the closing line never reads as green.
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1
fi

echo "$passed passed, $failed failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
