#!/usr/bin/env bash
# Installs the pinned Restate server (the npm package `@restatedev/restate-server`, which ships
# the binary) under target/restate-server unless it is there already, and prints the path of
# the binary. The video-restate tests, scripts/fleet-demo.sh and .ci/run use it.
set -euo pipefail
VERSION="${RESTATE_SERVER_VERSION:-1.7.12}"
cd "$(dirname "$0")/.."
dir="$PWD/target/restate-server-$VERSION"
find_binary() {
  ls "$dir"/node_modules/@restatedev/restate-server-*/bin/restate-server 2>/dev/null | head -n 1
}
binary="$(find_binary || true)"
if [[ -z "$binary" ]]; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "restate-server.sh: npm is needed to install restate-server $VERSION (apt-get install npm)" >&2
    exit 1
  fi
  mkdir -p "$dir"
  npm install --silent --no-audit --no-fund --prefix "$dir" "@restatedev/restate-server@$VERSION" >&2
  binary="$(find_binary || true)"
fi
if [[ -z "$binary" || ! -x "$binary" ]]; then
  echo "restate-server.sh: no restate-server binary for this platform under $dir" >&2
  exit 1
fi
echo "$binary"
