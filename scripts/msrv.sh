#!/usr/bin/env bash
# Prints the minimum Rust version the lockfile allows: the highest `rust-version` any
# package in the resolved dependency graph (all features, all targets) declares, with the
# packages that declare it. The workspace's `rust-version` must be at least this; CI runs
# this script and fails when the workspace declares less.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo metadata --format-version 1 --all-features --locked 2>/dev/null | python3 -c '
import json, sys
meta = json.load(sys.stdin)
resolved = {node["id"] for node in meta["resolve"]["nodes"]}
members = set(meta["workspace_members"])
def key(v):
    return tuple(int(p) for p in v.split("."))+(0,)*(3-len(v.split(".")))
needs = [(p["rust_version"], p["name"], p["version"]) for p in meta["packages"]
         if p["id"] in resolved and p["id"] not in members and p.get("rust_version")]
top = max(needs, key=lambda n: key(n[0]))[0]
declared = {p["rust_version"] for p in meta["packages"] if p["id"] in members}
print(f"minimum from the lockfile: {top}")
print("  needed by: " + ", ".join(f"{n} {v}" for r, n, v in sorted(needs) if key(r) == key(top)))
print("workspace declares: " + ", ".join(sorted(d or "none" for d in declared)))
bad = [d for d in declared if not d or key(d) < key(top)]
sys.exit(1 if bad else 0)
'
