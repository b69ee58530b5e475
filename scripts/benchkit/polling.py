"""The first round's polling measure: queries per task and lag on the mock under a paused
clock, and the relay's stream query mode (one request per task)."""

import json
import subprocess

from .common import BIN, KEY, STREAM_TASKS, Fake, log, measure


def run():
    log("polling: the mock under a paused clock; stream mode on the relay")
    result = subprocess.run([f"{BIN}/bench-polling"], capture_output=True, text=True, check=True)
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    with Fake(render_ms=2000) as fake:
        out, _, wall, _, rc = measure([f"{BIN}/bench-polling", "--base", fake.base,
                                       "--key", KEY, "--tasks", str(STREAM_TASKS)])
        counters = fake.counters()
    stream = dict(tasks=STREAM_TASKS, errors=out.get("errors", 1) + (rc != 0),
                  requests_per_task=counters["queries"] / STREAM_TASKS,
                  stream_per_task=counters["stream_queries"] / STREAM_TASKS,
                  wall=wall)
    log(f"  stream mode: {stream}")
    return rows, stream


def report(table, polling):
    rows, stream = polling
    by = {(r["scenario"], r["policy"]): r for r in rows}
    for scenario in ["30s", "60s", "2min", "5min", "60-180s"]:
        de, fx = by[(scenario, "default")], by[(scenario, "fixed-5s")]
        spread = scenario == "60-180s"
        met = (de["mean_queries"] <= 12 and de["mean_lag_s"] <= 5) if spread else None
        table.row("5 polling (mock, paused clock; first round)" if scenario == "30s" else "",
                  f"render {scenario}: queries/task · mean lag (max)",
                  f"default {de['mean_queries']:.1f} · {de['mean_lag_s']:.1f} s "
                  f"({de['max_lag_s']:.1f} s)",
                  f"fixed 5 s {fx['mean_queries']:.1f} · {fx['mean_lag_s']:.1f} s "
                  f"({fx['max_lag_s']:.1f} s)",
                  "≤ 12 queries, lag ≤ 5 s" if spread else "", met)
    json_per_task = stream["requests_per_task"] - stream["stream_per_task"]
    table.row("", f"stream mode on the relay: query requests per task ({STREAM_TASKS} tasks)",
              f"{stream['stream_per_task']:.2f} stream + {json_per_task:.2f} JSON",
              "", "1", stream["requests_per_task"] == 1 and stream["errors"] == 0)
    return sum(r["errors"] for r in rows) + stream["errors"]
