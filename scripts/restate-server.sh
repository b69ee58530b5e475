#!/usr/bin/env bash
# Installs the pinned Restate server under target/restate-server-<version> unless it is there
# already, and prints the path of its binary. The binary comes from the npm package
# `@restatedev/restate-server` (its platform package, fetched with curl from the npm registry,
# so neither node nor npm is needed); the linux-x64 download is checked against a pinned
# SHA-256, others against the registry's integrity hash. The video-restate tests,
# scripts/fleet-demo.sh and .ci/run use it.
set -euo pipefail
VERSION="${RESTATE_SERVER_VERSION:-1.7.12}"
LINUX_X64_SHA256="4d40ef3b28cd6d96503f2ae9f7d119b6902bead3fbeaadfd865530631959118f"
cd "$(dirname "$0")/.."
dir="$PWD/target/restate-server-$VERSION"
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
package="restate-server-$platform"
url="https://registry.npmjs.org/@restatedev/$package/-/$package-$VERSION.tgz"
mkdir -p "$dir"
tarball="$dir/$package.tgz"
echo "restate-server.sh: downloading $url" >&2
curl -fsSL --retry 3 -o "$tarball" "$url"
if [[ "$platform" == linux-x64 && "$VERSION" == 1.7.12 ]]; then
  echo "$LINUX_X64_SHA256  $tarball" | sha256sum -c --quiet - >&2
else
  expected="$(curl -fsSL "https://registry.npmjs.org/@restatedev/$package/$VERSION" \
    | grep -o '"integrity":"sha512-[^"]*"' | head -n 1 | cut -d'"' -f4)"
  actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 | tr -d '\n')"
  [[ "$expected" == "$actual" ]] || { echo "restate-server.sh: $tarball fails its integrity check" >&2; exit 1; }
fi
tar -xzf "$tarball" -C "$dir" package/bin/restate-server
mkdir -p "$dir/bin"
mv "$dir/package/bin/restate-server" "$binary"
rm -rf "$dir/package" "$tarball"
chmod +x "$binary"
echo "$binary"
