"""What every measure shares: settings from the environment, the fake relay, the process
measurement, medians and the result table."""

import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.request

BIN = os.environ["BENCH_BIN"]          # .../release
PY = os.environ["BENCH_PY"]            # the venv's python
ROOT = os.environ["BENCH_ROOT"]        # the workspace root
TARGET = os.path.dirname(BIN)          # the cargo target folder
QUICK = os.environ.get("QUICK") == "1"
K = int(os.environ.get("K", "2" if QUICK else "3"))
N_QUERIES = int(os.environ.get("N_QUERIES", "2000" if QUICK else "10000"))
FLEET_TASKS = int(os.environ.get("FLEET_TASKS", "1000" if QUICK else "10000"))
FLEET_BYTES = 256 * 1024
SCALE_TASKS = int(os.environ.get("SCALE_TASKS", "10000" if QUICK else "100000"))
SCALE_BYTES = 16 * 1024
BIG_BYTES = int(os.environ.get("BIG_BYTES", str(128 << 20 if QUICK else 1 << 30)))
STREAM_TASKS = int(os.environ.get("STREAM_TASKS", "5" if QUICK else "20"))
KEY = "sk-fake-dmxapi-key"
PEERS = os.path.join(ROOT, "benches", "peers")
_default_dir = ("/dev/shm/video-bench" if os.path.isdir("/dev/shm")
                else os.path.join(TARGET, "tmp", "video-bench"))
DIR = os.environ.get("BENCH_DIR", _default_dir)
TIME = "/usr/bin/time"

# With two cores or more, the relay runs on core 0 and the client on core 1 (`taskset`), so
# the relay never takes the client's core and each client sees the same machine.
SPLIT = bool(shutil.which("taskset")) and (os.cpu_count() or 1) >= 2
RELAY_CORE = ("taskset", "-c", "0") if SPLIT else ()
CLIENT_CORE = ("taskset", "-c", "1") if SPLIT else ()


def log(*args):
    print(*args, file=sys.stderr, flush=True)


class Fake:
    """A dmx-fake process on a free loopback port."""

    def __init__(self, render_ms, video_bytes=FLEET_BYTES, pin=()):
        self.proc = subprocess.Popen(
            [*pin, f"{BIN}/dmx-fake", "--port", "0", "--key", KEY, "--render-ms", str(render_ms),
             "--video-bytes", str(video_bytes)],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.base = self.proc.stdout.readline().strip()
        if not self.base.startswith("http"):
            raise RuntimeError("dmx-fake did not start")

    def counters(self):
        with urllib.request.urlopen(f"{self.base}/debug/counters", timeout=10) as r:
            return json.load(r)

    def post(self, body):
        req = urllib.request.Request(f"{self.base}/v1/responses", data=json.dumps(body).encode(),
                                     headers={"Authorization": KEY,
                                              "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as r:
            return json.load(r)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def measure(cmd, pin=()):
    """Runs cmd; returns (its last JSON stdout line or {}, cpu_s, wall_s, peak_rss_kib, rc).

    CPU (user+sys) and peak RSS are the rusage of cmd's own process, read by GNU time, which
    forks and execs it: a process exec'd straight from this (larger) Python process would
    inherit its memory high-water mark as a floor for ru_maxrss.
    """
    report = os.path.join(DIR, ".time")
    started = time.perf_counter()
    proc = subprocess.run([*pin, TIME, "-f", "%U %S %M", "-o", report, *cmd],
                          capture_output=True, text=True)
    wall = time.perf_counter() - started
    with open(report) as f:
        user, system, rss = f.read().split()[-3:]
    result = {}
    for line in proc.stdout.splitlines():
        if line.startswith("{"):
            result = json.loads(line)
    if proc.returncode != 0:
        log(f"  ! {cmd[0]} exited {proc.returncode}: {proc.stderr.strip()[-500:]}")
    return result, float(user) + float(system), wall, int(rss), proc.returncode


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def m(runs, key):
    """The median of `key` over runs."""
    return med(r[key] for r in runs)


def paired(runs_a, runs_b, key):
    """The median over rounds of a's `key` over b's in the same round (runs interleave, so
    the two of a round ran back to back): slow drift of the machine, which moves both alike,
    cancels out of each round's ratio."""
    ratios = [ratio(a[key], b[key]) for a, b in zip(runs_a, runs_b)]
    return med(ratios)


def fresh_dir(name):
    path = os.path.join(DIR, name)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path, exist_ok=True)
    return path


def fmt(value, unit="", digits=1):
    if value is None:
        return "–"
    return f"{value:,.{digits}f}{unit}"


def ratio(a, b):
    return None if a is None or b in (None, 0) else a / b


def mib(kib):
    return None if kib is None else kib / 1024


class Table:
    """The rows of the printed markdown table."""

    def __init__(self):
        self.rows = []

    def row(self, measure, metric, sdk, peers, target, met):
        verdict = "–" if met is None else ("**met**" if met else "**missed**")
        self.rows.append((measure, metric, sdk, peers, target, verdict))

    def print(self):
        print("| measure | metric | SDK | peers | target | result |")
        print("|---|---|---|---|---|---|")
        for r in self.rows:
            print("| " + " | ".join(r) + " |")
