"""Measure 2: many tasks in flight. End to end, 10,000 tasks with 256 KiB videos against the
Python clients (the first round's measure 2); and the scale runs, the SDK alone with 10,000
and 100,000 tasks (16 KiB videos) for memory per waiting task and CPU per task."""

import os

from .common import (BIN, DIR, FLEET_BYTES, FLEET_TASKS, K, KEY, PEERS, PY, QUICK, SCALE_BYTES,
                     SCALE_TASKS, Fake, fmt, fresh_dir, log, m, measure, mib, ratio)

SMALL_TASKS = min(10_000, SCALE_TASKS)
K_SCALE = int(os.environ.get("K_SCALE", "1" if QUICK else "2"))
K_PEERS = max(K - 1, 1)


def sdk(base, d, tasks, video_bytes):
    return [f"{BIN}/bench-fleet", "--base", base, "--key", KEY, "--tasks", str(tasks),
            "--in-flight", "64", "--video-bytes", str(video_bytes), "--dir", d]


def peer(script):
    return lambda base, d, tasks, video_bytes: [
        PY, f"{PEERS}/{script}", "fleet", "--base", base, "--key", KEY, "--tasks", str(tasks),
        "--pool", "64", "--video-bytes", str(video_bytes), "--dir", d]


def one_run(name, cmd, tasks, video_bytes):
    with Fake(render_ms=2000, video_bytes=video_bytes) as fake:
        d = fresh_dir(f"fleet-{name}")
        result, cpu, wall, rss, rc = measure(cmd(fake.base, d, tasks, video_bytes))
        counters = fake.counters()
    leftovers = len(os.listdir(os.path.join(DIR, f"fleet-{name}")))
    accepted = counters["submissions_accepted"]
    errors = result.get("errors", tasks) + (rc != 0) + (leftovers != 0) \
        + (result.get("ok") != tasks)
    run = dict(cpu=cpu, wall=wall, rss=rss, errors=errors, accepted=accepted,
               cpu_per_task_ms=cpu / max(tasks, 1) * 1e3,
               queries=counters["queries"] / max(tasks, 1))
    log(f"  {name} ({tasks:,} tasks): cpu {cpu:.2f} s, wall {wall:.1f} s, "
        f"rss {rss / 1024:.1f} MiB, errors {errors}, accepted {accepted:,}, "
        f"queries/task {run['queries']:.2f}")
    return run


def run():
    log(f"measure 2: {FLEET_TASKS:,} tasks end to end (2 s render, 256 KiB videos), {K} runs "
        f"({K_PEERS} for the Python peers); "
        f"scale: {SMALL_TASKS:,} and {SCALE_TASKS:,} tasks (16 KiB videos), {K_SCALE} runs")
    clients = {"sdk": sdk, "requests": peer("requests_peer.py"), "httpx": peer("httpx_peer.py")}
    runs = {name: [] for name in clients}
    for k in range(K):
        for name, cmd in clients.items():
            # The Python peers take 40-90 s a run: K - 1 runs each keep the whole bench
            # inside 15 minutes from a fresh clone.
            if name != "sdk" and k >= K_PEERS:
                continue
            runs[name].append(one_run(name, cmd, FLEET_TASKS, FLEET_BYTES))
    runs["small"], runs["large"] = [], []
    for _ in range(K_SCALE):
        runs["small"].append(one_run("sdk-scale", sdk, SMALL_TASKS, SCALE_BYTES))
        runs["large"].append(one_run("sdk-scale", sdk, SCALE_TASKS, SCALE_BYTES))
    return runs


def each(runs):
    return " / ".join(f"{r['accepted']:,}" for r in runs)


def report(table, f):
    report_end_to_end(table, f)
    report_scale(table, f["small"], f["large"])


def report_end_to_end(table, f):
    sdk_rss = mib(m(f["sdk"], "rss"))
    sdk_cpu, hx_cpu, req_cpu = m(f["sdk"], "cpu"), m(f["httpx"], "cpu"), m(f["requests"], "cpu")
    table.row(f"2 {FLEET_TASKS:,} tasks end to end", "peak RSS (MiB)", fmt(sdk_rss),
              f"requests {fmt(mib(m(f['requests'], 'rss')))} · "
              f"httpx {fmt(mib(m(f['httpx'], 'rss')))}", "≤ 32 MiB", sdk_rss <= 32)
    table.row("", "client CPU, user+sys (s)", fmt(sdk_cpu, digits=2),
              f"requests {fmt(req_cpu, digits=2)} · httpx {fmt(hx_cpu, digits=2)}", "", None)
    table.row("", "ratio SDK / peer (CPU)", "",
              f"requests 1/{fmt(ratio(req_cpu, sdk_cpu))} · httpx 1/{fmt(ratio(hx_cpu, sdk_cpu))}",
              "", None)
    table.row("", "wall (s)", fmt(m(f["sdk"], "wall")),
              f"requests {fmt(m(f['requests'], 'wall'))} · httpx {fmt(m(f['httpx'], 'wall'))}",
              "", None)
    table.row("", "query requests per task (relay count)", fmt(m(f["sdk"], "queries"), digits=2),
              f"requests {fmt(m(f['requests'], 'queries'), digits=2)} · "
              f"httpx {fmt(m(f['httpx'], 'queries'), digits=2)}", "", None)
    errors = sum(r["errors"] for r in f["sdk"])
    table.row("", "errors (all runs)", str(errors),
              f"requests {sum(r['errors'] for r in f['requests'])} · "
              f"httpx {sum(r['errors'] for r in f['httpx'])}", "0", errors == 0)
    table.row("", "relay's accepted submissions (each run)", each(f["sdk"]),
              f"requests {each(f['requests'])} · httpx {each(f['httpx'])}",
              f"exactly {FLEET_TASKS:,}", all(r["accepted"] == FLEET_TASKS for r in f["sdk"]))


def report_scale(table, small, large):
    rss_small, rss_large = m(small, "rss"), m(large, "rss")
    slope = None
    if SCALE_TASKS > SMALL_TASKS:
        slope = (rss_large - rss_small) * 1024 / (SCALE_TASKS - SMALL_TASKS)
    table.row(f"2b scale (SDK, 16 KiB videos)", f"peak RSS (MiB): {SMALL_TASKS:,} · {SCALE_TASKS:,} tasks",
              f"{fmt(mib(rss_small))} · {fmt(mib(rss_large))}", "", "", None)
    table.row("", "RSS per waiting task (bytes, slope)", fmt(slope, digits=0), "", "≤ 1,024",
              None if slope is None else slope <= 1024)
    cpu_small, cpu_large = m(small, "cpu_per_task_ms"), m(large, "cpu_per_task_ms")
    growth = ratio(cpu_large, cpu_small)
    table.row("", f"CPU per task (ms): {SMALL_TASKS:,} · {SCALE_TASKS:,} tasks",
              f"{fmt(cpu_small, digits=3)} · {fmt(cpu_large, digits=3)} ({fmt(growth, '×', 2)})",
              "", "no worse (≤ 1.05×, noise)", None if growth is None else growth <= 1.05)
    errors = sum(r["errors"] for r in large)
    table.row("", f"{SCALE_TASKS:,} tasks: errors · accepted submissions (each run)",
              f"{errors} · {each(large)}", "", f"0 · exactly {SCALE_TASKS:,}",
              errors == 0 and all(r["accepted"] == SCALE_TASKS for r in large))
    table.row("", f"{SCALE_TASKS:,} tasks: wall (s) · query requests per task",
              f"{fmt(m(large, 'wall'))} · {fmt(m(large, 'queries'), digits=2)}", "", "", None)
