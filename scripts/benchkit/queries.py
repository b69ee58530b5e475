"""Measure 1: CPU per status query, the SDK against a bare reqwest client and the Python
clients. Runs interleave (sdk, bare, requests, httpx, sdk, ...) so drift hits all alike.
Measure 1b: the same for a Seedance 2.0 query through the relay's envelope (`video-dmx`),
against a bare client that parses the reply and then its envelope text.
Measure 1c: the same for the providers of other shapes (`video-openai`, `video-minimax`,
`video-runway`) at the fake's fronts of their APIs, against a bare GET parsed into a `Value`.
The SDK / bare target rows of all three pair the two clients in one process, in alternating
blocks of queries (`bench-queries --paired-blocks`): see `in_process`. The ratios of runs in
separate processes are printed beside them."""

from .common import (BIN, CLIENT_CORE, K, KEY, N_QUERIES, PEERS, PY, QUICK, RELAY_CORE, SPLIT, Fake,
                     fmt, log, m, measure, mib, paired, ratio)

# The SDK / bare ratio is the finest figure here: more runs and more queries per run for the
# two Rust clients (a run of 20,000 queries takes about two seconds).
K_RUST = max(K, 3 if QUICK else 9)
N_RUST = max(N_QUERIES, 20_000)
SEEDANCE = "doubao-seedance-2-0-260128"
SHAPES = ("openai", "minimax", "runway")
# Measure 1c across processes (reported beside the target rows): one run of one client moves
# ±10 % on a shared 2-vCPU guest, and a round's two runs are one pair, so the median of 15
# pairs still moves about ±3 % from one bench to the next.
K_SHAPES = max(K_RUST, 3 if QUICK else 15)
# The SDK / bare target rows: the SDK and the bare peer in one process, alternating blocks
# of BLOCK queries, PAIRS pairs per process (each pair's two blocks run milliseconds apart,
# so the machine's moods weigh on both), P_TOGETHER processes per peer.
PAIRS, BLOCK = (40, 100) if QUICK else (200, 100)
P_TOGETHER = 3 if QUICK else 5
# What `bench-queries` measures for each bare peer (`video_benches::BarePeer`).
TOGETHER = {"kling": [], "seedance": ["--model", SEEDANCE],
            **{shape: ["--shape", shape] for shape in SHAPES}}


def clients():
    return {
        "sdk": lambda base: [f"{BIN}/bench-queries", "--base", base, "--key", KEY,
                             "--n", str(N_RUST)],
        "bare": lambda base: [f"{BIN}/bench-bare-queries", "--base", base, "--key", KEY,
                              "--n", str(N_RUST)],
        "sdk-seedance": lambda base: [f"{BIN}/bench-queries", "--base", base, "--key", KEY,
                                      "--n", str(N_RUST), "--model", SEEDANCE],
        "bare-seedance": lambda base: [f"{BIN}/bench-bare-queries", "--base", base, "--key",
                                       KEY, "--n", str(N_RUST), "--family", "seedance"],
        **{name: command for shape in SHAPES for name, command in shape_clients(shape)},
        "requests": lambda base: [PY, f"{PEERS}/requests_peer.py", "queries", "--base", base,
                                  "--key", KEY, "--n", str(N_QUERIES)],
        "httpx": lambda base: [PY, f"{PEERS}/httpx_peer.py", "queries", "--base", base,
                               "--key", KEY, "--n", str(N_QUERIES)],
    }


def shape_clients(shape):
    """The SDK and the bare client of one provider shape, side by side (so they interleave)."""
    args = lambda binary: lambda base: [f"{BIN}/{binary}", "--base", base, "--key", KEY,
                                        "--n", str(N_RUST), "--shape", shape]
    return [(f"sdk-{shape}", args("bench-queries")), (f"bare-{shape}", args("bench-bare-queries"))]


def run():
    log(f"measure 1: status queries, {N_RUST} x {K_RUST} runs for the Rust clients, "
        f"{N_QUERIES} x {K} for the Python ones")
    cmds = clients()
    runs = {name: [] for name in cmds}
    for k in range(K_SHAPES):
        for name, cmd in cmds.items():
            if name in ("requests", "httpx") and k >= K:
                continue
            if k >= K_RUST and not name.endswith(SHAPES):
                continue
            with Fake(render_ms=3_600_000, pin=RELAY_CORE) as fake:
                result, cpu, wall, rss, rc = measure(cmd(fake.base), pin=CLIENT_CORE)
            errors = result.get("errors", 1) + (rc != 0)
            runs[name].append(dict(per_query=result.get("cpu_per_query_us"),
                                   wall_per_query=result.get("wall_per_query_us"),
                                   rss=rss, errors=errors))
            log(f"  run {k + 1} {name}: {result.get('cpu_per_query_us', 0):.1f} µs CPU/query, "
                f"{result.get('wall_per_query_us', 0):.1f} µs wall/query, errors {errors}")
    runs["one-core"] = one_core(cmds)
    runs["in-process"] = in_process()
    return runs


def in_process():
    """The target rows: per peer, P_TOGETHER processes that each run the SDK and the bare
    peer in PAIRS pairs of alternating blocks; each process reports its median pair ratio."""
    runs = {peer: [] for peer in TOGETHER}
    for k in range(P_TOGETHER):
        for peer, args in TOGETHER.items():
            with Fake(render_ms=3_600_000, pin=RELAY_CORE) as fake:
                cmd = [f"{BIN}/bench-queries", "--base", fake.base, "--key", KEY, *args,
                       "--paired-blocks", str(PAIRS), "--block", str(BLOCK)]
                result, _, _, _, rc = measure(cmd, pin=CLIENT_CORE)
            runs[peer].append(dict(ratio=result.get("median_ratio"),
                                   sdk=result.get("sdk_cpu_per_query_us"),
                                   bare=result.get("bare_cpu_per_query_us"),
                                   errors=result.get("errors", 1) + (rc != 0)))
            log(f"  in-process run {k + 1} {peer}: median pair ratio "
                f"{fmt(result.get('median_ratio'), '×', 3)} over {PAIRS} pairs of {BLOCK} "
                f"queries (SDK {fmt(result.get('sdk_cpu_per_query_us'))} µs, bare "
                f"{fmt(result.get('bare_cpu_per_query_us'))} µs), errors {runs[peer][-1]['errors']}")
    return runs


def together_row(table, runs):
    """The target row of one peer: the median of its processes' median pair ratios."""
    t_ratio = m(runs, "ratio")
    spread = [r["ratio"] for r in runs if r["ratio"] is not None]
    table.row("", f"ratio SDK / bare, one process, alternating blocks (median of "
                  f"{len(runs)} runs' median pair ratios)", fmt(t_ratio, "×", 3),
              f"runs {fmt(min(spread, default=None), '×', 3)}–"
              f"{fmt(max(spread, default=None), '×', 3)} · SDK {fmt(m(runs, 'sdk'))} µs, "
              f"bare {fmt(m(runs, 'bare'))} µs", "≤ 1.1×",
              None if t_ratio is None else t_ratio <= 1.1)


def peer_rows(table, title, bare_name, sdk_runs, bare_runs, together_runs):
    """Measures 1b and 1c: CPU per query a process each, the in-process target row, and the
    separate-process ratios beside it."""
    sdk, bare = m(sdk_runs, "per_query"), m(bare_runs, "per_query")
    table.row(title, "client CPU per query (µs), a process each", fmt(sdk),
              f"{bare_name} {fmt(bare)}", "", None)
    together_row(table, together_runs)
    table.row("", "ratio SDK / bare, a process each (median of paired runs)",
              fmt(paired(sdk_runs, bare_runs, "per_query"), "×", 2),
              f"ratio of medians {fmt(ratio(sdk, bare), '×', 2)}", "", None)


def one_core(cmds):
    """Diagnostic: the relay and the client on the same core, so no reply needs a cross-core
    wake-up (which this KVM guest charges to the woken client)."""
    if not SPLIT:
        return {}
    pin = ("taskset", "-c", "0")
    runs = {"sdk": [], "bare": [], "requests": []}
    for k in range(K):
        for name in runs:
            with Fake(render_ms=3_600_000, pin=pin) as fake:
                result, _, _, _, rc = measure(cmds[name](fake.base), pin=pin)
            runs[name].append(dict(per_query=result.get("cpu_per_query_us")))
            log(f"  run {k + 1} {name}, relay and client on one core: "
                f"{result.get('cpu_per_query_us', 0):.1f} µs CPU/query")
    return runs


def report(table, q):
    one = q.pop("one-core")
    together = q.pop("in-process")
    sdk, bare = m(q["sdk"], "per_query"), m(q["bare"], "per_query")
    req, hx = m(q["requests"], "per_query"), m(q["httpx"], "per_query")
    to_bare, to_req = paired(q["sdk"], q["bare"], "per_query"), ratio(sdk, req)
    table.row("1 per-query overhead", "client CPU per query (µs), a process each", fmt(sdk),
              f"bare reqwest {fmt(bare)} · requests {fmt(req)} · httpx {fmt(hx)}", "", None)
    together_row(table, together["kling"])
    table.row("", "ratio SDK / bare reqwest + `Value`, a process each (median of paired runs)",
              fmt(to_bare, "×", 2), f"ratio of medians {fmt(ratio(sdk, bare), '×', 2)}",
              "", None)
    table.row("", "ratio SDK / requests", f"1/{fmt(ratio(req, sdk))}",
              f"httpx 1/{fmt(ratio(hx, sdk))}", "≤ 1/20",
              None if to_req is None else to_req <= 1 / 20)
    table.row("", "wall per query (µs)", fmt(m(q["sdk"], "wall_per_query")),
              f"bare {fmt(m(q['bare'], 'wall_per_query'))} · "
              f"requests {fmt(m(q['requests'], 'wall_per_query'))} · "
              f"httpx {fmt(m(q['httpx'], 'wall_per_query'))}", "", None)
    table.row("", "peak RSS (MiB)", fmt(mib(m(q["sdk"], "rss"))),
              f"bare {fmt(mib(m(q['bare'], 'rss')))} · "
              f"requests {fmt(mib(m(q['requests'], 'rss')))} · "
              f"httpx {fmt(mib(m(q['httpx'], 'rss')))}", "", None)
    peer_rows(table, "1b Seedance query", "bare reqwest + two `Value` parses",
              q["sdk-seedance"], q["bare-seedance"], together["seedance"])
    for shape in SHAPES:
        peer_rows(table, f"1c {shape} query", "bare reqwest GET + `Value`",
                  q[f"sdk-{shape}"], q[f"bare-{shape}"], together[shape])
    if one:
        o_sdk, o_bare, o_req = (m(one[n], "per_query") for n in ("sdk", "bare", "requests"))
        table.row("", "diagnostic: relay and client on one core — CPU per query (µs)",
                  fmt(o_sdk), f"bare {fmt(o_bare)} ({fmt(ratio(o_sdk, o_bare), '×', 2)}) · "
                  f"requests {fmt(o_req)} (1/{fmt(ratio(o_req, o_sdk))})", "", None)
    return (sum(r["errors"] for runs in q.values() for r in runs)
            + sum(r["errors"] for runs in together.values() for r in runs))
