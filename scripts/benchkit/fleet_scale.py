"""Measure 5 (FLEET=1, long): 10,000 jobs through a Restate fleet (scripts/fleet-demo.sh: the
pinned restate-server, two video-workers behind video-lb, the fake relay; no kill)
against the same 10,000 through the plain Pipeline in one process (bench-fleet), in one run:
jobs per second, restate-server CPU seconds and peak RSS per 1,000 jobs, worker CPU per job,
and the one-process reference's CPU per job and peak RSS. Same render (2 s), polls every
0.5 s, 64 KiB videos."""

import os
import re
import subprocess
import time

from .common import BIN, KEY, ROOT, TARGET, Fake, fmt, fresh_dir, log, measure, mib

JOBS = int(os.environ.get("FLEET_JOBS", "10000"))
VIDEO_BYTES = 65536


def reference():
    with Fake(render_ms=2000, video_bytes=VIDEO_BYTES) as fake:
        d = fresh_dir("fleet-reference")
        cmd = [f"{BIN}/bench-fleet", "--base", fake.base, "--key", KEY, "--tasks", str(JOBS),
               "--in-flight", "64", "--video-bytes", str(VIDEO_BYTES), "--dir", d]
        result, cpu, wall, rss, rc = measure(cmd)
        accepted = fake.counters()["submissions_accepted"]
    run = dict(jobs_s=JOBS / wall, wall=wall, cpu_per_job_ms=cpu / JOBS * 1e3, rss=rss,
               errors=result.get("errors", JOBS) + (rc != 0), submissions=accepted)
    log(f"  pipeline, one process: {run['jobs_s']:.1f} jobs/s, cpu {cpu:.1f} s, "
        f"rss {rss / 1024:.1f} MiB, accepted {accepted:,}")
    return run


def fleet():
    # The relay, as the reference uses (Kling's API would add its lookup before each submit).
    env = dict(os.environ, N=str(JOBS), RENDER_MS="2000", POLL_MS="500", KILL_WORKER="0",
               PROVIDER="kling-dmx",
               PROFILE="release", CARGO_TARGET_DIR=TARGET, VIDEO_BYTES=str(VIDEO_BYTES))
    started = time.perf_counter()
    proc = subprocess.run(["bash", os.path.join(ROOT, "scripts", "fleet-demo.sh")], env=env,
                          capture_output=True, text=True)
    wall = time.perf_counter() - started
    last = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ""
    fields = dict(re.findall(r"(\w+)=([\d.]+)", last))
    metrics = dict(re.findall(r"(\w+)=([\d.]+)",
                              " ".join(l for l in proc.stderr.splitlines() if "metrics" in l)))
    if proc.returncode != 0 or not fields:
        log(f"  ! fleet-demo exited {proc.returncode}: {proc.stderr.strip()[-800:]}")
        return None
    seconds = float(fields["seconds"])
    run = dict(jobs_s=JOBS / seconds, seconds=seconds, finished=int(fields["finished"]),
               submissions=int(fields["submissions"]), files_ok=int(fields["files_ok"]),
               server_cpu_per_1000=float(metrics["restate_cpu_s"]) / JOBS * 1000,
               server_rss=float(metrics["restate_peak_rss_kib"]),
               worker_cpu_per_job_ms=float(metrics["workers_cpu_s"]) / JOBS * 1e3,
               total_wall=wall)
    log(f"  fleet: {run['jobs_s']:.1f} jobs/s ({seconds:.0f} s), restate-server "
        f"{metrics['restate_cpu_s']} cpu s, peak {float(metrics['restate_peak_rss_kib']) / 1024:.0f}"
        f" MiB, workers {metrics['workers_cpu_s']} cpu s; {last}")
    return run


def run():
    log(f"measure 5: {JOBS:,} jobs through a Restate fleet and through one process")
    return dict(reference=reference(), fleet=fleet())


def report(table, r):
    ref, fl = r["reference"], r["fleet"]
    name = f"5 {JOBS:,} jobs: fleet vs one process"
    if fl is None:
        table.row(name, "fleet", "failed (see the log)", "", "", False)
        return
    table.row(name, "jobs per second", fmt(fl["jobs_s"]), f"one process {fmt(ref['jobs_s'])}",
              "", None)
    table.row("", "restate-server CPU s per 1,000 jobs", fmt(fl["server_cpu_per_1000"], digits=2),
              "", "", None)
    table.row("", "restate-server peak RSS (MiB)", fmt(mib(fl["server_rss"])), "", "", None)
    table.row("", "worker CPU per job (ms)", fmt(fl["worker_cpu_per_job_ms"], digits=2),
              f"one process {fmt(ref['cpu_per_job_ms'], digits=2)}", "", None)
    table.row("", "peak RSS, one process (MiB)", "", fmt(mib(ref["rss"])), "", None)
    exact = fl["submissions"] == JOBS and fl["finished"] == JOBS and fl["files_ok"] == JOBS
    table.row("", "finished · submissions · files ok",
              f"{fl['finished']:,} · {fl['submissions']:,} · {fl['files_ok']:,}",
              f"one process: errors {ref['errors']}, accepted {ref['submissions']:,}",
              f"{JOBS:,} each", exact)
