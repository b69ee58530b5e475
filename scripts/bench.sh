#!/usr/bin/env bash
# Benchmarks of the SDK against the tools a user would pick instead (docs/benchmarks.md).
#
#   scripts/bench.sh            # the full run (about 10 minutes on 2 cores)
#   QUICK=1 scripts/bench.sh    # small sizes, a smoke test
#   ONLY=queries scripts/bench.sh   # measures 1, 1b and 1c only (per-query CPU), a few minutes
#   FLEET=1 ONLY=fleet-scale scripts/bench.sh   # 10,000 jobs: a Restate fleet vs one process
#
# Builds the release binaries (the bench clients and the fake relay), makes a Python venv with
# `requests` and `httpx` under the target folder, then runs scripts/bench.py, which starts a
# fresh `dmx-fake` per run, runs each measure for the SDK and the peers K times, checks the
# relay's counters and prints one markdown table on stdout (progress on stderr).
# Environment: CARGO_TARGET_DIR (default ./target), K, QUICK, ONLY, N_QUERIES, FLEET_TASKS,
# BIG_BYTES, STREAM_TASKS, BENCH_DIR (see scripts/bench.py).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
export CARGO_TARGET_DIR="$target"

echo "building release binaries..." >&2
(cd "$root" && cargo build --release --quiet -p video-benches -p video-fake)
if [ "${FLEET:-}" = 1 ]; then
    (cd "$root" && cargo build --release --quiet -p video-restate)
fi

venv="$target/bench-venv"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import requests, httpx' 2>/dev/null; then
    echo "creating $venv with requests and httpx..." >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check requests httpx
fi
command -v curl >/dev/null || { echo "curl is needed (apt-get install curl)" >&2; exit 1; }
if [ ! -x /usr/bin/time ]; then
    echo "installing GNU time (Debian package 'time')..." >&2
    apt-get install -y -qq time >/dev/null || { echo "GNU time is needed (apt-get install time)" >&2; exit 1; }
fi

echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), \
$(free -g | awk '/^Mem:/ {print $2}') GiB RAM" >&2
echo "versions: $("$venv/bin/python" -c 'import sys, requests, httpx; print(f"python {sys.version.split()[0]}, requests {requests.__version__}, httpx {httpx.__version__}")'), \
$(curl --version | head -1 | cut -d' ' -f1-2)" >&2

BENCH_BIN="$target/release" BENCH_PY="$venv/bin/python" BENCH_ROOT="$root" \
    exec "$venv/bin/python" "$root/scripts/bench.py"
