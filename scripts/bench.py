#!/usr/bin/env python3
"""Runs every benchmark of docs/benchmarks.md and prints one markdown table.

Called by scripts/bench.sh after it has built the release binaries and the Python venv.
Each client runs as its own process; its CPU (user+sys) and peak RSS come from wait4()'s
rusage of that process, its wall time from the clock around it. Each run gets a fresh
`dmx-fake` (release, its own process, on loopback), so the relay's counters are per run.

Environment (all optional):
  K             runs per client and measure (median reported), default 3 (measure 3: >= 5)
  QUICK=1       small sizes, for a smoke test (about a minute)
  N_QUERIES     measure 1 queries per run (default 10000)
  FLEET_TASKS   measure 2 tasks (default 10000)
  BIG_BYTES     measure 3 video size (default 1 GiB)
  STREAM_TASKS  measure 4 tasks against the relay in stream mode (default 20)
  BENCH_DIR     where videos are written (default /dev/shm/video-bench, else TARGET/tmp)
"""

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
QUICK = os.environ.get("QUICK") == "1"
K = int(os.environ.get("K", "2" if QUICK else "3"))
N_QUERIES = int(os.environ.get("N_QUERIES", "2000" if QUICK else "10000"))
FLEET_TASKS = int(os.environ.get("FLEET_TASKS", "1000" if QUICK else "10000"))
FLEET_BYTES = 256 * 1024
BIG_BYTES = int(os.environ.get("BIG_BYTES", str(128 << 20 if QUICK else 1 << 30)))
STREAM_TASKS = int(os.environ.get("STREAM_TASKS", "5" if QUICK else "20"))
KEY = "sk-fake-dmxapi-key"
PEERS = os.path.join(ROOT, "benches", "peers")
default_dir = "/dev/shm/video-bench" if os.path.isdir("/dev/shm") else os.path.join(BIN, "..", "tmp", "video-bench")
DIR = os.environ.get("BENCH_DIR", default_dir)


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


TIME = "/usr/bin/time"


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


def fresh_dir(name):
    path = os.path.join(DIR, name)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path, exist_ok=True)
    return path


# ---------------------------------------------------------------------------------------------
# Measure 1: per-query client overhead.

def measure_queries():
    log(f"measure 1: {N_QUERIES} status queries, {K} runs per client")
    clients = {
        "sdk": lambda base: [f"{BIN}/bench-queries", "--base", base, "--key", KEY,
                             "--n", str(N_QUERIES)],
        "requests": lambda base: [PY, f"{PEERS}/requests_peer.py", "queries", "--base", base,
                                  "--key", KEY, "--n", str(N_QUERIES)],
        "httpx": lambda base: [PY, f"{PEERS}/httpx_peer.py", "queries", "--base", base,
                               "--key", KEY, "--n", str(N_QUERIES)],
    }
    runs = {name: [] for name in clients}
    for k in range(K):
        for name, cmd in clients.items():
            with Fake(render_ms=3_600_000) as fake:
                result, cpu, wall, rss, rc = measure(cmd(fake.base))
                errors = result.get("errors", 1) + (rc != 0)
                runs[name].append(dict(per_query=result.get("cpu_per_query_us"),
                                       wall_per_query=result.get("wall_per_query_us"),
                                       cpu=cpu, wall=wall, rss=rss, errors=errors))
                log(f"  run {k + 1} {name}: {result.get('cpu_per_query_us', 0):.1f} µs CPU/query, "
                    f"{result.get('wall_per_query_us', 0):.1f} µs wall/query, errors {errors}")
    # Diagnostic: the relay and the client pinned to the same core (taskset -c 0), so no
    # cross-core wake-up is needed between a request and its reply.
    pinned = {"sdk": [], "requests": []}
    if shutil.which("taskset"):
        pin = ("taskset", "-c", "0")
        for k in range(K):
            for name in pinned:
                with Fake(render_ms=3_600_000, pin=pin) as fake:
                    result, _, _, _, rc = measure(clients[name](fake.base), pin=pin)
                    pinned[name].append(result.get("cpu_per_query_us"))
                    log(f"  run {k + 1} {name}, pinned to one core: "
                        f"{result.get('cpu_per_query_us', 0):.1f} µs CPU/query")
    runs["pinned"] = pinned
    return runs


# ---------------------------------------------------------------------------------------------
# Measure 2: 10,000 tasks in flight.

def measure_fleet():
    log(f"measure 2: {FLEET_TASKS} tasks in flight (2 s render, 256 KiB videos), {K} runs")
    clients = {
        "sdk": lambda base, d: [f"{BIN}/bench-fleet", "--base", base, "--key", KEY,
                                "--tasks", str(FLEET_TASKS), "--in-flight", "64",
                                "--video-bytes", str(FLEET_BYTES), "--dir", d],
        # Diagnostic, not a peer: the same SDK client with the app letting at most 16
        # downloads run at once (see docs/benchmarks.md, "what costs memory").
        "sdk-dl16": lambda base, d: [f"{BIN}/bench-fleet", "--base", base, "--key", KEY,
                                     "--tasks", str(FLEET_TASKS), "--in-flight", "64",
                                     "--video-bytes", str(FLEET_BYTES), "--dir", d,
                                     "--download-concurrency", "16"],
        "requests": lambda base, d: [PY, f"{PEERS}/requests_peer.py", "fleet", "--base", base,
                                     "--key", KEY, "--tasks", str(FLEET_TASKS), "--pool", "64",
                                     "--video-bytes", str(FLEET_BYTES), "--dir", d],
        "httpx": lambda base, d: [PY, f"{PEERS}/httpx_peer.py", "fleet", "--base", base,
                                  "--key", KEY, "--tasks", str(FLEET_TASKS), "--pool", "64",
                                  "--video-bytes", str(FLEET_BYTES), "--dir", d],
    }
    runs = {name: [] for name in clients}
    for k in range(K):
        for name, cmd in clients.items():
            with Fake(render_ms=2000, video_bytes=FLEET_BYTES) as fake:
                result, cpu, wall, rss, rc = measure(cmd(fake.base, fresh_dir(f"fleet-{name}")))
                counters = fake.counters()
            leftovers = len(os.listdir(os.path.join(DIR, f"fleet-{name}")))
            accepted = counters["submissions_accepted"]
            errors = result.get("errors", FLEET_TASKS) + (rc != 0) + (leftovers != 0) \
                + (result.get("ok") != FLEET_TASKS)
            runs[name].append(dict(cpu=cpu, wall=wall, rss=rss, errors=errors, accepted=accepted,
                                   queries=counters["queries"] / max(FLEET_TASKS, 1)))
            log(f"  run {k + 1} {name}: cpu {cpu:.2f} s, wall {wall:.1f} s, "
                f"rss {rss / 1024:.1f} MiB, errors {errors}, accepted {accepted}, "
                f"queries/task {counters['queries'] / max(FLEET_TASKS, 1):.2f}")
    return runs


# ---------------------------------------------------------------------------------------------
# Measure 3: one large download.

def measure_download():
    # A download takes under a second and varies run to run: at least 5 runs each.
    k3 = max(K, 5)
    log(f"measure 3: one {BIG_BYTES >> 20} MiB download, {k3} runs per client")
    runs = {"sdk": [], "curl": []}
    for k in range(k3):
        with Fake(render_ms=100, video_bytes=BIG_BYTES) as fake:
            d = fresh_dir("download-sdk")
            result, cpu, wall, rss, rc = measure(
                [f"{BIN}/bench-download", "--base", fake.base, "--key", KEY,
                 "--video-bytes", str(BIG_BYTES), "--dir", d])
            errors = result.get("errors", 1) + (rc != 0)
            runs["sdk"].append(dict(mibs=result.get("mib_per_s"), cpu=result.get("download_cpu_s"),
                                    wall=result.get("download_wall_s"), rss=rss, errors=errors))
            log(f"  run {k + 1} sdk: {result.get('mib_per_s', 0):.0f} MiB/s, "
                f"rss {rss / 1024:.1f} MiB, errors {errors}")
        with Fake(render_ms=100, video_bytes=BIG_BYTES) as fake:
            tid = fake.post({"model": "kling-v2-6-text2video", "input": "a fox", "duration": 5})
            tid = tid["data"]["task_id"]
            time.sleep(0.3)
            reply = fake.post({"model": "kling-text2video-get", "input": tid})
            url = reply["data"]["task_result"]["videos"][0]["url"]
            path = os.path.join(fresh_dir("download-curl"), "one-large.mp4")
            _, cpu, wall, rss, rc = measure(["curl", "-sS", "-o", path, url])
            size = os.path.getsize(path) if os.path.exists(path) else 0
            os.remove(path) if os.path.exists(path) else None
            errors = (rc != 0) + (size != BIG_BYTES)
            runs["curl"].append(dict(mibs=size / (1 << 20) / wall, cpu=cpu, wall=wall, rss=rss,
                                     errors=errors))
            log(f"  run {k + 1} curl: {size / (1 << 20) / wall:.0f} MiB/s, "
                f"rss {rss / 1024:.1f} MiB, errors {errors}")
    return runs


# ---------------------------------------------------------------------------------------------
# Measure 4: polling efficiency (mock, paused clock) and the stream query mode (fake relay).

def measure_polling():
    log("measure 4: polling on the mock under a paused clock; stream mode on the relay")
    result = subprocess.run([f"{BIN}/bench-polling"], capture_output=True, text=True, check=True)
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    with Fake(render_ms=2000) as fake:
        out, cpu, wall, rss, rc = measure([f"{BIN}/bench-polling", "--base", fake.base,
                                           "--key", KEY, "--tasks", str(STREAM_TASKS)])
        counters = fake.counters()
    stream = dict(tasks=STREAM_TASKS, errors=out.get("errors", 1) + (rc != 0),
                  requests_per_task=counters["queries"] / STREAM_TASKS,
                  stream_per_task=counters["stream_queries"] / STREAM_TASKS,
                  wall=wall)
    log(f"  stream mode: {stream}")
    return rows, stream


# ---------------------------------------------------------------------------------------------

def fmt(value, unit="", digits=1):
    if value is None:
        return "–"
    return f"{value:,.{digits}f}{unit}"


def ratio(a, b):
    return None if a is None or b in (None, 0) else a / b


def main():
    started = time.perf_counter()
    os.makedirs(DIR, exist_ok=True)
    q = measure_queries()
    f = measure_fleet()
    d = measure_download()
    polling, stream = measure_polling()

    rows = []

    def row(measure, metric, sdk, peers, target, met):
        rows.append((measure, metric, sdk, peers, target,
                     "–" if met is None else ("**met**" if met else "**missed**")))

    # 1
    sdk_q = med(r["per_query"] for r in q["sdk"])
    req_q = med(r["per_query"] for r in q["requests"])
    hx_q = med(r["per_query"] for r in q["httpx"])
    r1 = ratio(sdk_q, req_q)
    row("1 per-query overhead", "client CPU per query (µs)", fmt(sdk_q),
        f"requests {fmt(req_q)} · httpx {fmt(hx_q)}",
        "≤ 1/20 of requests", None if r1 is None else r1 <= 1 / 20)
    row("", "ratio SDK / peer", "",
        f"requests 1/{fmt(1 / r1 if r1 else None)} · httpx 1/{fmt(hx_q / sdk_q if sdk_q else None)}",
        "", None)
    row("", "wall per query (µs)", fmt(med(r["wall_per_query"] for r in q["sdk"])),
        f"requests {fmt(med(r['wall_per_query'] for r in q['requests']))} · "
        f"httpx {fmt(med(r['wall_per_query'] for r in q['httpx']))}", "", None)
    row("", "peak RSS (MiB)", fmt(med(r["rss"] for r in q["sdk"]) / 1024),
        f"requests {fmt(med(r['rss'] for r in q['requests']) / 1024)} · "
        f"httpx {fmt(med(r['rss'] for r in q['httpx']) / 1024)}", "", None)
    pinned = q.pop("pinned")
    p_sdk, p_req = med(pinned["sdk"]), med(pinned["requests"])
    row("", "diagnostic: relay and client on one core — CPU per query (µs)", fmt(p_sdk),
        f"requests {fmt(p_req)} (1/{fmt(ratio(p_req, p_sdk))})", "", None)
    q_errors = sum(r["errors"] for runs in q.values() for r in runs)

    # 2
    def m(runs, key):
        return med(r[key] for r in runs)
    sdk_rss = m(f["sdk"], "rss") / 1024
    sdk_cpu, hx_cpu, req_cpu = m(f["sdk"], "cpu"), m(f["httpx"], "cpu"), m(f["requests"], "cpu")
    row(f"2 {FLEET_TASKS:,} tasks in flight", "peak RSS (MiB)", fmt(sdk_rss),
        f"requests {fmt(m(f['requests'], 'rss') / 1024)} · httpx {fmt(m(f['httpx'], 'rss') / 1024)}",
        "≤ 64 MiB", sdk_rss <= 64)
    r2 = ratio(sdk_cpu, hx_cpu)
    row("", "client CPU, user+sys (s)", fmt(sdk_cpu, digits=2),
        f"requests {fmt(req_cpu, digits=2)} · httpx {fmt(hx_cpu, digits=2)}",
        "≤ 1/10 of httpx", None if r2 is None else r2 <= 1 / 10)
    row("", "ratio SDK / peer (CPU)", "",
        f"requests 1/{fmt(req_cpu / sdk_cpu)} · httpx 1/{fmt(hx_cpu / sdk_cpu)}", "", None)
    row("", "wall (s)", fmt(m(f["sdk"], "wall")),
        f"requests {fmt(m(f['requests'], 'wall'))} · httpx {fmt(m(f['httpx'], 'wall'))}", "", None)
    row("", "query requests per task (relay count)", fmt(m(f["sdk"], "queries"), digits=2),
        f"requests {fmt(m(f['requests'], 'queries'), digits=2)} · "
        f"httpx {fmt(m(f['httpx'], 'queries'), digits=2)}", "", None)
    row("", "diagnostic: SDK, app caps downloads at 16 — peak RSS (MiB) · CPU (s)",
        f"{fmt(m(f['sdk-dl16'], 'rss') / 1024)} · {fmt(m(f['sdk-dl16'], 'cpu'), digits=2)}",
        "", "", None)
    sdk_errors = sum(r["errors"] for r in f["sdk"])
    accepted = [r["accepted"] for r in f["sdk"]]
    row("", "errors (all runs)", str(sdk_errors),
        f"requests {sum(r['errors'] for r in f['requests'])} · "
        f"httpx {sum(r['errors'] for r in f['httpx'])}", "0", sdk_errors == 0)
    def each(runs):
        return " / ".join(f"{r['accepted']:,}" for r in runs)
    row("", "relay's accepted submissions (each run)", each(f["sdk"]),
        f"requests {each(f['requests'])} · httpx {each(f['httpx'])}",
        f"exactly {FLEET_TASKS:,}", all(a == FLEET_TASKS for a in accepted))

    # 3
    sdk_rss3 = m(d["sdk"], "rss") / 1024
    sdk_t, curl_t = m(d["sdk"], "mibs"), m(d["curl"], "mibs")
    row(f"3 one {BIG_BYTES >> 20} MiB download", "peak RSS (MiB)", fmt(sdk_rss3),
        f"curl {fmt(m(d['curl'], 'rss') / 1024)}", "≤ 16 MiB", sdk_rss3 <= 16)
    r3 = ratio(sdk_t, curl_t)
    row("", "throughput (MiB/s)", fmt(sdk_t, digits=0), f"curl -o {fmt(curl_t, digits=0)}",
        "≥ 0.9× curl", None if r3 is None else r3 >= 0.9)
    row("", "ratio SDK / curl (throughput)", fmt(r3, "×", 2), "", "", None)
    row("", "client CPU during download (s)", fmt(m(d["sdk"], "cpu"), digits=2),
        f"curl {fmt(m(d['curl'], 'cpu'), digits=2)} (whole process)", "", None)
    d_errors = sum(r["errors"] for runs in d.values() for r in runs)

    # 4
    by = {(r["scenario"], r["policy"]): r for r in polling}
    for scenario in ["30s", "60s", "2min", "5min", "60-180s"]:
        de, fx = by[(scenario, "default")], by[(scenario, "fixed-5s")]
        spread = scenario == "60-180s"
        met = (de["mean_queries"] <= 12 and de["mean_lag_s"] <= 5) if spread else None
        row("4 polling (mock, paused clock)" if scenario == "30s" else "",
            f"render {scenario}: queries/task · mean lag (max)",
            f"default {de['mean_queries']:.1f} · {de['mean_lag_s']:.1f} s ({de['max_lag_s']:.1f} s)",
            f"fixed 5 s {fx['mean_queries']:.1f} · {fx['mean_lag_s']:.1f} s ({fx['max_lag_s']:.1f} s)",
            "≤ 12 queries, lag ≤ 5 s" if spread else "", met)
    row("", f"stream mode on the relay: query requests per task ({STREAM_TASKS} tasks)",
        f"{stream['stream_per_task']:.2f} stream + {stream['requests_per_task'] - stream['stream_per_task']:.2f} JSON",
        "", "1", stream["requests_per_task"] == 1 and stream["errors"] == 0)

    print()
    print(f"Runs per client: {K} (measure 3: {max(K, 5)}; medians). Sizes: {N_QUERIES:,} queries; {FLEET_TASKS:,} tasks "
          f"x 256 KiB; one {BIG_BYTES >> 20} MiB video; videos written to {DIR}.")
    print(f"Errors: measure 1 {q_errors}, measure 3 {d_errors}, measure 4 "
          f"{sum(r['errors'] for r in polling) + stream['errors']}.")
    print()
    print("| measure | metric | SDK | peers | target | result |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print("| " + " | ".join(r) + " |")
    print()
    print(f"Total time: {time.perf_counter() - started:.0f} s")
    shutil.rmtree(DIR, ignore_errors=True)


if __name__ == "__main__":
    main()
