"""Measure 3: one large download, the SDK (`download_to_file`'s default, and with the SHA-256
the pipeline computes) against `curl -o`, each from a fresh relay; the client on its own
core."""

import os
import time

from .common import (BIG_BYTES, BIN, CLIENT_CORE, K, KEY, RELAY_CORE, Fake, fmt, fresh_dir, log,
                     m, measure, mib, ratio)

K3 = max(K, 5)  # a download takes about a second and varies run to run


def sdk_run(sha256):
    with Fake(render_ms=100, video_bytes=BIG_BYTES, pin=RELAY_CORE) as fake:
        d = fresh_dir("download-sdk")
        result, _, _, rss, rc = measure(
            [f"{BIN}/bench-download", "--base", fake.base, "--key", KEY,
             "--video-bytes", str(BIG_BYTES), "--dir", d, "--sha256", str(int(sha256))],
            pin=CLIENT_CORE)
    errors = result.get("errors", 1) + (rc != 0)
    return dict(mibs=result.get("mib_per_s"), cpu=result.get("download_cpu_s"), rss=rss,
                errors=errors)


def curl_run():
    with Fake(render_ms=100, video_bytes=BIG_BYTES, pin=RELAY_CORE) as fake:
        tid = fake.post({"model": "kling-v2-6-text2video", "input": "a fox", "duration": 5})
        tid = tid["data"]["task_id"]
        time.sleep(0.3)
        reply = fake.post({"model": "kling-text2video-get", "input": tid})
        url = reply["data"]["task_result"]["videos"][0]["url"]
        path = os.path.join(fresh_dir("download-curl"), "one-large.mp4")
        _, cpu, wall, rss, rc = measure(["curl", "-sS", "-o", path, url], pin=CLIENT_CORE)
        size = os.path.getsize(path) if os.path.exists(path) else 0
        if os.path.exists(path):
            os.remove(path)
    errors = (rc != 0) + (size != BIG_BYTES)
    return dict(mibs=size / (1 << 20) / wall, cpu=cpu, rss=rss, errors=errors)


def run():
    log(f"measure 3: one {BIG_BYTES >> 20} MiB download, {K3} runs per client")
    runs = {"sdk": [], "sdk-sha256": [], "curl": []}
    for k in range(K3):
        for name, one in (("sdk", lambda: sdk_run(False)), ("sdk-sha256", lambda: sdk_run(True)),
                          ("curl", curl_run)):
            r = one()
            runs[name].append(r)
            log(f"  run {k + 1} {name}: {r['mibs'] or 0:.0f} MiB/s, rss {r['rss'] / 1024:.1f} MiB, "
                f"errors {r['errors']}")
    return runs


def report(table, d):
    curl_t = m(d["curl"], "mibs")
    first = True
    for name, label in (("sdk", "SDK, `download_to_file` default"),
                        ("sdk-sha256", "SDK with SHA-256 (`sha256(true)`, as the pipeline)")):
        rss, t = mib(m(d[name], "rss")), m(d[name], "mibs")
        r = ratio(t, curl_t)
        # The targets are the default's; the hashed row shows what the hash costs.
        table.row(f"3 one {BIG_BYTES >> 20} MiB download" if first else "",
                  f"{label}: throughput (MiB/s) · ratio to curl",
                  f"{fmt(t, digits=0)} · {fmt(r, '×', 2)}", f"curl -o {fmt(curl_t, digits=0)}",
                  "≥ 1.0× curl" if first else "",
                  (None if r is None else r >= 1.0) if first else None)
        table.row("", f"{label}: peak RSS (MiB)", fmt(rss),
                  f"curl {fmt(mib(m(d['curl'], 'rss')))}", "≤ 8 MiB" if first else "",
                  rss <= 8 if first else None)
        table.row("", f"{label}: client CPU during the download (s)",
                  fmt(m(d[name], "cpu"), digits=2),
                  f"curl {fmt(m(d['curl'], 'cpu'), digits=2)} (whole process)", "", None)
        first = False
    return sum(r["errors"] for runs in d.values() for r in runs)
