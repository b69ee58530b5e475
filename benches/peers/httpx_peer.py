"""What a Python user picks for many tasks: `httpx.AsyncClient` with `asyncio`.

queries: N status queries of one task in a loop (awaited one after the other).
fleet:   T tasks, one coroutine each: submit, sleep 1 s, query every 0.5 s until it succeeds,
         stream the video into --dir, check its size, delete it. One AsyncClient with
         max_connections=64, and an asyncio.Semaphore(64) around each request, as usual
         with many tasks: without it, httpcore's pool rescans its whole wait queue on every
         request (quadratic; 2,000 tasks took 77 CPU seconds on the bench machine).
"""

import asyncio
import os
import time

import httpx

from common import (cpu_seconds, emit, parse_args, peak_rss_kib, query_body, status_of,
                    submit_body, task_id_of)


async def main():
    a = parse_args()
    api = a.base.rstrip("/") + "/v1/responses"
    headers = {"Authorization": a.key}
    limits = httpx.Limits(max_connections=a.pool, max_keepalive_connections=a.pool)
    timeout = httpx.Timeout(120.0, pool=None)
    async with httpx.AsyncClient(limits=limits, timeout=timeout) as client:

        sem = asyncio.Semaphore(a.pool)

        async def post(body):
            async with sem:
                r = await client.post(api, json=body, headers=headers)
            r.raise_for_status()
            return r.json()

        if a.measure == "queries":
            tid = task_id_of(await post(submit_body(0)))
            for _ in range(a.warmup):
                status_of(await post(query_body(tid)))
            errors = 0
            cpu0, t0 = cpu_seconds(), time.perf_counter()
            for _ in range(a.n):
                try:
                    status_of(await post(query_body(tid)))
                except Exception:
                    errors += 1
            wall, cpu = time.perf_counter() - t0, cpu_seconds() - cpu0
            emit(measure="queries", client="httpx", n=a.n, errors=errors, loop_cpu_s=cpu,
                 loop_wall_s=wall, cpu_per_query_us=cpu / a.n * 1e6,
                 wall_per_query_us=wall / a.n * 1e6, peak_rss_kib=peak_rss_kib())
            return

        os.makedirs(a.dir, exist_ok=True)
        t0 = time.perf_counter()

        async def one(i):
            tid = task_id_of(await post(submit_body(i)))
            await asyncio.sleep(1.0)
            while True:
                status, url = status_of(await post(query_body(tid)))
                if url is not None:
                    break
                await asyncio.sleep(0.5)
            path = os.path.join(a.dir, f"{i}.mp4")
            async with sem, client.stream("GET", url) as r:
                r.raise_for_status()
                with open(path, "wb") as f:
                    async for chunk in r.aiter_bytes(64 * 1024):
                        f.write(chunk)
            size = os.path.getsize(path)
            os.remove(path)
            if size != a.video_bytes:
                raise RuntimeError(f"video {i}: {size} bytes")

        results = await asyncio.gather(*(one(i) for i in range(a.tasks)), return_exceptions=True)
        failures = [r for r in results if isinstance(r, BaseException)]
        emit(measure="fleet", client="httpx", tasks=a.tasks, ok=len(results) - len(failures),
             errors=len(failures), first_error=repr(failures[0]) if failures else None,
             wall_s=time.perf_counter() - t0, cpu_s=cpu_seconds(), peak_rss_kib=peak_rss_kib())


if __name__ == "__main__":
    asyncio.run(main())
