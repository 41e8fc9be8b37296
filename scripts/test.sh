#!/usr/bin/env bash
# The project's one test command (README): makes sure what the tests need is on the machine,
# runs every test project of the solution, and closes with the line `N passed, M failed`.
# Idempotent: a second run installs nothing.
set -uo pipefail
cd "$(dirname "$0")/.."

log() { printf '==> %s\n' "$*"; }

ensure_prerequisites() {
  if ! command -v dotnet >/dev/null 2>&1; then
    echo "dotnet (the .NET 10 SDK) is required: https://dotnet.microsoft.com/download" >&2
    exit 2
  fi
}

ensure_prerequisites

results="$(mktemp -d /tmp/reengage-tests.XXXXXX)"
log "dotnet test (results in $results)"
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
