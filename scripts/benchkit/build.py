"""Measure 4: time to first video for a newcomer, `cargo build --example quickstart` into an
empty target folder with the registry already downloaded (`cargo fetch` first, untimed)."""

import os
import re
import shutil
import subprocess
import time

from .common import ROOT, TARGET, fmt, log


def run():
    target = os.path.join(TARGET, "bench-cold-quickstart")
    shutil.rmtree(target, ignore_errors=True)
    subprocess.run(["cargo", "fetch", "--quiet"], cwd=ROOT, check=True)
    # As a newcomer's shell has it: no inherited target folder or incremental override.
    env = {k: v for k, v in os.environ.items()
           if k not in ("CARGO_TARGET_DIR", "CARGO_INCREMENTAL", "CARGO_BUILD_JOBS")}
    log("measure 4: cargo build --example quickstart from a cold target folder")
    started = time.perf_counter()
    proc = subprocess.run(["cargo", "build", "--example", "quickstart", "--target-dir", target],
                          cwd=ROOT, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    crates = len(re.findall(r"^\s*Compiling ", proc.stderr, re.MULTILINE))
    shutil.rmtree(target, ignore_errors=True)
    errors = int(proc.returncode != 0)
    if errors:
        log(f"  ! cargo build exited {proc.returncode}: {proc.stderr.strip()[-500:]}")
    log(f"  {wall:.1f} s, {crates} crates compiled")
    return dict(wall=wall, crates=crates, errors=errors)


def report(table, b):
    table.row("4 quickstart, cold build", "wall time (s)", fmt(b["wall"]), "", "≤ 60 s",
              b["errors"] == 0 and b["wall"] <= 60)
    table.row("", "crates compiled", str(b["crates"]), "", "≤ 120",
              b["errors"] == 0 and b["crates"] <= 120)
    return b["errors"]
