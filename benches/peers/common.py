"""Shared bits of the Python peers: arguments, the protocol bodies, CPU and RSS readings."""

import argparse
import json
import resource
import time


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("measure", choices=["queries", "fleet"])
    p.add_argument("--base", required=True)
    p.add_argument("--key", default="sk-fake-dmxapi-key")
    p.add_argument("--n", type=int, default=20000, help="queries (measure 1)")
    p.add_argument("--warmup", type=int, default=200)
    p.add_argument("--tasks", type=int, default=10000, help="tasks (measure 2)")
    p.add_argument("--pool", type=int, default=64)
    p.add_argument("--video-bytes", type=int, default=256 * 1024)
    p.add_argument("--dir", default="/tmp/video-bench-peer")
    return p.parse_args()


def submit_body(i):
    return {"model": "kling-v2-6-text2video",
            "input": f"benchmark task {i}: a red fox in fresh snow", "duration": 5}


def query_body(task_id):
    return {"model": "kling-text2video-get", "input": task_id}


def task_id_of(reply):
    if reply.get("code") != 0:
        raise RuntimeError(f"submission refused: {reply}")
    return reply["data"]["task_id"]


def status_of(reply):
    """(status, video url or None) from a query reply."""
    if reply.get("code") != 0:
        raise RuntimeError(f"query refused: {reply}")
    data = reply["data"]
    status = data["task_status"]
    if status == "succeed":
        return status, data["task_result"]["videos"][0]["url"]
    if status == "failed":
        raise RuntimeError(f"task failed: {data.get('task_status_msg')}")
    return status, None


def cpu_seconds():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def peak_rss_kib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def emit(**fields):
    print(json.dumps(fields), flush=True)


now = time.monotonic
