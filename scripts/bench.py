#!/usr/bin/env python3
"""Runs every benchmark of docs/benchmarks.md and prints one markdown table.

Called by scripts/bench.sh after it has built the release binaries and the Python venv; one
module per measure under scripts/benchkit/. Each client runs as its own process; its CPU
(user+sys) and peak RSS come from GNU time's rusage of that process, its wall time from the
clock around it. Each run gets a fresh `dmx-fake` (release, its own process, on loopback), so
the relay's counters are per run. With two cores, measures 1 and 3 pin the relay to core 0
and the client to core 1.

Environment (all optional):
  K             runs per client and measure (median reported), default 3 (2 with QUICK);
                measure 1 runs the Rust clients at least 7 times, measure 3 every client 5
  QUICK=1       small sizes, for a smoke test (a few minutes)
  N_QUERIES     measure 1 queries per run (default 10000)
  FLEET_TASKS   measure 2 tasks end to end (default 10000)
  SCALE_TASKS   measure 2b's large run (default 100000; 10000 with QUICK); K_SCALE its runs
  BIG_BYTES     measure 3 video size (default 1 GiB)
  STREAM_TASKS  polling: tasks against the relay in stream mode (default 20)
  BENCH_DIR     where videos are written (default /dev/shm/video-bench, else TARGET/tmp)
  ONLY          comma-separated measures to run (build, queries, fleet, download, polling,
                fleet-scale); default all but fleet-scale. `ONLY=queries` runs measures 1, 1b
                and 1c (several minutes)
  FLEET=1       also measure 5: FLEET_JOBS (default 10000) jobs through a Restate fleet
                against the plain Pipeline in one process (long: tens of minutes)
"""

import os
import shutil
import time

from benchkit import build, download, fleet, fleet_scale, polling, queries
from benchkit.common import (BIG_BYTES, DIR, FLEET_TASKS, K, N_QUERIES, SCALE_TASKS, SPLIT,
                             Table)


def main():
    started = time.perf_counter()
    os.makedirs(DIR, exist_ok=True)
    only = set(filter(None, os.environ.get("ONLY", "").split(",")))
    wanted = lambda name: not only or name in only
    # The cold build first, while the machine is otherwise idle.
    b = build.run() if wanted("build") else None
    q = queries.run() if wanted("queries") else None
    f = fleet.run() if wanted("fleet") else None
    d = download.run() if wanted("download") else None
    p = polling.run() if wanted("polling") else None
    scale_wanted = os.environ.get("FLEET") == "1" or "fleet-scale" in only
    s = fleet_scale.run() if scale_wanted else None

    table = Table()
    errors = {}
    if q is not None:
        errors["1"] = queries.report(table, q)
    if f is not None:
        fleet.report(table, f)
    if d is not None:
        errors["3"] = download.report(table, d)
    if b is not None:
        errors["4"] = build.report(table, b)
    if p is not None:
        errors["polling"] = polling.report(table, p)
    if s is not None:
        fleet_scale.report(table, s)

    print()
    print(f"Runs per client: {K} (measure 1, Rust clients: {queries.K_RUST}; measure 2, "
          f"Python peers: {fleet.K_PEERS}; measure 3: "
          f"{download.K3}; measure 2b: {fleet.K_SCALE}; medians). Sizes: {queries.N_RUST:,} queries "
          f"(Rust clients), {N_QUERIES:,} (Python); "
          f"{FLEET_TASKS:,} tasks x 256 KiB; {fleet.SMALL_TASKS:,} and {SCALE_TASKS:,} tasks x "
          f"16 KiB; one {BIG_BYTES >> 20} MiB video; videos written to {DIR}. Relay and client "
          f"on separate cores in measures 1 and 3: {'yes' if SPLIT else 'no'}.")
    print("Errors: " + ", ".join(f"measure {k} {v}" for k, v in errors.items()) + ".")
    print()
    table.print()
    print()
    print(f"Total time: {time.perf_counter() - started:.0f} s")
    shutil.rmtree(DIR, ignore_errors=True)


if __name__ == "__main__":
    main()
