"""The relay's documented approach: `requests`, a thread pool for concurrency.

queries: N status queries of one task in a loop on one Session.
fleet:   T tasks: submit each, query 1 s after its submission and then every 0.5 s until it
         succeeds, download the video into --dir, check its size, delete it. Work runs on a
         ThreadPoolExecutor of 64 workers sharing one Session with a pool of 64 connections;
         the main thread keeps the timers (a heap) and hands due queries to the pool.
"""

import heapq
import os
import queue
import time
from concurrent.futures import ThreadPoolExecutor

import requests
from requests.adapters import HTTPAdapter

from common import (cpu_seconds, emit, now, parse_args, peak_rss_kib, query_body, status_of,
                    submit_body, task_id_of)


def session(pool):
    s = requests.Session()
    adapter = HTTPAdapter(pool_connections=pool, pool_maxsize=pool)
    s.mount("http://", adapter)
    s.mount("https://", adapter)
    return s


def main():
    a = parse_args()
    api = a.base.rstrip("/") + "/v1/responses"
    headers = {"Authorization": a.key}
    s = session(a.pool)

    def post(body):
        r = s.post(api, json=body, headers=headers, timeout=120)
        r.raise_for_status()
        return r.json()

    if a.measure == "queries":
        tid = task_id_of(post(submit_body(0)))
        for _ in range(a.warmup):
            status_of(post(query_body(tid)))
        errors = 0
        cpu0, t0 = cpu_seconds(), time.perf_counter()
        for _ in range(a.n):
            try:
                status_of(post(query_body(tid)))
            except Exception:
                errors += 1
        wall, cpu = time.perf_counter() - t0, cpu_seconds() - cpu0
        emit(measure="queries", client="requests", n=a.n, errors=errors, loop_cpu_s=cpu,
             loop_wall_s=wall, cpu_per_query_us=cpu / a.n * 1e6,
             wall_per_query_us=wall / a.n * 1e6, peak_rss_kib=peak_rss_kib())
        return

    os.makedirs(a.dir, exist_ok=True)
    t0 = time.perf_counter()

    def submit(i):
        return task_id_of(post(submit_body(i)))

    def query(tid):
        return status_of(post(query_body(tid)))

    def download(i, url):
        path = os.path.join(a.dir, f"{i}.mp4")
        with s.get(url, stream=True, timeout=120) as r:
            r.raise_for_status()
            with open(path, "wb") as f:
                for chunk in r.iter_content(chunk_size=64 * 1024):
                    f.write(chunk)
        size = os.path.getsize(path)
        os.remove(path)
        if size != a.video_bytes:
            raise RuntimeError(f"video {i}: {size} bytes")

    done = queue.Queue()
    ok = errors = 0
    first_error = None
    outstanding = 0
    timers = []  # (due, index, task id)

    with ThreadPoolExecutor(max_workers=a.pool) as pool:
        def start(kind, i, fn, *args):
            nonlocal outstanding
            outstanding += 1
            fut = pool.submit(fn, *args)
            fut.add_done_callback(lambda f: done.put((kind, i, args, f)))

        for i in range(a.tasks):
            start("submit", i, submit, i)
        while outstanding or timers:
            t = now()
            while timers and timers[0][0] <= t:
                _, i, tid = heapq.heappop(timers)
                start("query", i, query, tid)
            wait = max(0.0, timers[0][0] - now()) if timers else None
            try:
                kind, i, args, fut = done.get(timeout=wait)
            except queue.Empty:
                continue
            outstanding -= 1
            try:
                result = fut.result()
            except Exception as e:  # noqa: BLE001 - counted and reported
                errors += 1
                first_error = first_error or repr(e)
                continue
            if kind == "submit":
                heapq.heappush(timers, (now() + 1.0, i, result))
            elif kind == "query":
                status, url = result
                if url is not None:
                    start("download", i, download, i, url)
                else:
                    heapq.heappush(timers, (now() + 0.5, i, args[0]))
            else:
                ok += 1

    emit(measure="fleet", client="requests", tasks=a.tasks, ok=ok, errors=errors,
         first_error=first_error, wall_s=time.perf_counter() - t0, cpu_s=cpu_seconds(),
         peak_rss_kib=peak_rss_kib())


if __name__ == "__main__":
    main()
