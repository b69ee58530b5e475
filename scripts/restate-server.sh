#!/usr/bin/env bash
# Installs the pinned Restate server under ${CARGO_TARGET_DIR:-target}/restate-server-<version>
# unless it is there already, and prints the path of its binary. The binary comes from the npm
# package `@restatedev/restate-server` (its platform package, fetched with curl from the npm
# registry, so neither node nor npm is needed); the linux-x64 download is checked against a
# pinned SHA-256, others against the registry's integrity hash. The video-restate tests,
# scripts/fleet-demo.sh and .ci/run use it.
#
# Safe to run many times at once (parallel tests): one run installs, behind a lock, into a
# temporary folder that is renamed into place only when complete; the others wait for the
# lock and find the binary. A binary is never run while it is being written.
#
# Environment: RESTATE_SERVER_VERSION (default 1.7.12), RESTATE_SERVER_REGISTRY (default
# https://registry.npmjs.org; tests point it at a local server), CARGO_TARGET_DIR.
set -euo pipefail
VERSION="${RESTATE_SERVER_VERSION:-1.7.12}"
REGISTRY="${RESTATE_SERVER_REGISTRY:-https://registry.npmjs.org}"
LINUX_X64_SHA256="4d40ef3b28cd6d96503f2ae9f7d119b6902bead3fbeaadfd865530631959118f"
repo="$(cd "$(dirname "$0")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$repo/target}"
case "$target" in /*) ;; *) target="$repo/$target" ;; esac
dir="$target/restate-server-$VERSION"
binary="$dir/bin/restate-server"
if [[ -x "$binary" ]]; then
  echo "$binary"
  exit 0
fi
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) platform=linux-x64 ;;
  Linux-aarch64 | Linux-arm64) platform=linux-arm64 ;;
  Darwin-arm64) platform=darwin-arm64 ;;
  Darwin-x86_64) platform=darwin-x64 ;;
  *) echo "restate-server.sh: no restate-server build for $(uname -s)-$(uname -m)" >&2; exit 1 ;;
esac
mkdir -p "$target"
# One installer at a time; the others wait here, then find the finished binary.
exec 9>"$target/restate-server-$VERSION.lock"
flock 9
if [[ -x "$binary" ]]; then
  echo "$binary"
  exit 0
fi
staging="$(mktemp -d "$target/.restate-server-$VERSION.XXXXXX")"
trap 'rm -rf "$staging"' EXIT
package="restate-server-$platform"
url="$REGISTRY/@restatedev/$package/-/$package-$VERSION.tgz"
tarball="$staging/$package.tgz"
echo "restate-server.sh: downloading $url" >&2
curl -fsSL --retry 3 -o "$tarball" "$url"
if [[ "$platform" == linux-x64 && "$VERSION" == 1.7.12 ]]; then
  echo "$LINUX_X64_SHA256  $tarball" | sha256sum -c --quiet - >&2
else
  expected="$(curl -fsSL "$REGISTRY/@restatedev/$package/$VERSION" \
    | grep -o '"integrity":"sha512-[^"]*"' | head -n 1 | cut -d'"' -f4)"
  actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 | tr -d '\n')"
  [[ "$expected" == "$actual" ]] || { echo "restate-server.sh: $tarball fails its integrity check" >&2; exit 1; }
fi
tar -xzf "$tarball" -C "$staging" package/bin/restate-server
mkdir -p "$staging/install/bin"
mv "$staging/package/bin/restate-server" "$staging/install/bin/restate-server"
chmod +x "$staging/install/bin/restate-server"
# A half-installed folder from a run killed before this script took the lock goes first.
rm -rf "$dir"
mv "$staging/install" "$dir"
echo "$binary"
