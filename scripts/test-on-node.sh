#!/usr/bin/env bash
# `npm ci && npm test` on each Node.js named: a major version (22, 24…) installed from the npm
# registry (node-<platform>-<arch>@<major>) into a temporary folder, or `system` (the Node on PATH).
# Each gets its own `npm ci`: better-sqlite3 is compiled for that Node's ABI (against the headers its
# package ships). Prints one line per runtime; exits 1 if any failed. Put `system` last to leave
# node_modules built for the machine's own Node.
# Usage: scripts/test-on-node.sh 22 24 system
set -uo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
platform=$(node -p 'process.platform + "-" + process.arch')
results=()
failed=0

for version in "$@"; do
  started=$SECONDS
  if [ "$version" = system ]; then
    home=""
  else
    home="$tmp/node$version/node_modules/node-$platform"
    if ! npm install --prefix "$tmp/node$version" --no-audit --no-fund --silent "node-$platform@$version"; then
      results+=("node $version: FAILED to install node-$platform@$version")
      failed=1
      continue
    fi
  fi
  if (
    if [ -n "$home" ]; then
      export PATH="$home/bin:$PATH" npm_config_nodedir="$home"
    fi
    echo "== tests on node $(node --version)"
    npm ci --no-audit --no-fund && npm test
  ); then
    results+=("node $version: passed ($((SECONDS - started)) s)")
  else
    results+=("node $version: FAILED ($((SECONDS - started)) s)")
    failed=1
  fi
done

echo
printf 'ci: %s\n' "${results[@]}"
exit $failed
