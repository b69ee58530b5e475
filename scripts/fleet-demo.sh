#!/usr/bin/env bash
# A fleet on loopback: the pinned restate-server, the fake provider (Kling's API front), two
# video-workers behind video-lb, N jobs submitted through the ingress; one worker is killed
# with SIGKILL mid-run and restarted. Prints, as its last line:
#   fleet: jobs=N finished=F submissions=S files_ok=K max_running=M seconds=T
# (S: the fake's count of accepted submissions; K: saved files whose SHA-256 matches the video
# the fake serves for that task; M: the most of the account's tasks the fake saw running at
# once). Environment:
#   N (default 200), RENDER_MS (5000), POLL_MS (1000), PROFILE (release), BASE_PORT (18000);
#   MAX_RUNNING   the account's concurrency limit, shared by both workers (default: none);
#   KILL_WORKER=0 kill nothing (a measurement: the scale run of scripts/bench.sh FLEET=1);
#   KILL_AT       kill once this many tasks exist (default N/2);
#   KILL_SERVER=1 also SIGKILL restate-server mid-run and restart it on the same data folder;
#   MAX_COST      a fleet budget (e.g. 10USD), each job priced at PRICE (default 1USD) through
#                 a catalog file: jobs that do not fit end "over budget, not sent";
#   PROVIDER      kling (default: Kling's API, lookup by reference) or kling-dmx (the relay);
#   CARGO_TARGET_DIR is honoured (the binaries are built and run from there).
set -euo pipefail
cd "$(dirname "$0")/.."

N="${N:-200}"
RENDER_MS="${RENDER_MS:-5000}"
POLL_MS="${POLL_MS:-1000}"
PROFILE="${PROFILE:-release}"
BASE_PORT="${BASE_PORT:-18000}"
MAX_RUNNING="${MAX_RUNNING:-}"
KILL_SERVER="${KILL_SERVER:-0}"
KILL_WORKER="${KILL_WORKER:-1}"
KILL_AT="${KILL_AT:-$((N / 2))}"
MAX_COST="${MAX_COST:-}"
PRICE="${PRICE:-1USD}"
PROVIDER="${PROVIDER:-kling}"
INGRESS=$((BASE_PORT + 80)) ADMIN=$((BASE_PORT + 70)) NODE=$((BASE_PORT + 22))
FAKE=$((BASE_PORT + 87)) LB=$((BASE_PORT + 90)) WORKER_A=$((BASE_PORT + 91)) WORKER_B=$((BASE_PORT + 92))

log() { printf 'fleet-demo: %s\n' "$*" >&2; }

log "building video-worker, video-lb and dmx-fake ($PROFILE)"
cargo build --quiet --profile "$PROFILE" -p video-restate -p video-fake
target_dir="${CARGO_TARGET_DIR:-target}"
bin="$target_dir/$PROFILE"
[[ "$PROFILE" == dev ]] && bin="$target_dir/debug"
server="$(bash scripts/restate-server.sh)"

work="$(mktemp -d /tmp/fleet.XXXXXX)"
pids=()
cleanup() {
  # Processes started inside $(...) are not this shell's children: wait for each by its pid.
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  rm -rf "$work" 2>/dev/null || { sleep 1; rm -rf "$work" || true; }
}
trap cleanup EXIT

wait_http() { # url
  for _ in $(seq 1 600); do curl -sf -o /dev/null "$1" && return 0; sleep 0.1; done
  log "timed out waiting for $1"; return 1
}
wait_port() { # port
  for _ in $(seq 1 600); do (echo > "/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done
  log "timed out waiting for port $1"; return 1
}

log "restate-server $("$server" --version | awk '{print $2}') on ingress :$INGRESS, admin :$ADMIN"
start_server() { # -> pid (the data folder survives restarts)
  RESTATE_BASE_DIR="$work/restate" RESTATE_NODE_NAME=fleet RESTATE_DISABLE_TELEMETRY=true \
  RESTATE_INGRESS__BIND_ADDRESS="127.0.0.1:$INGRESS" RESTATE_ADMIN__BIND_ADDRESS="127.0.0.1:$ADMIN" \
  RESTATE_BIND_ADDRESS="127.0.0.1:$NODE" \
    "$server" --no-logo >> "$work/restate.log" 2>&1 &
  echo $!
}
pid_server="$(start_server)"; pids+=("$pid_server")
"$bin/dmx-fake" --port "$FAKE" --render-ms "$RENDER_MS" --video-bytes 65536 > "$work/fake.log" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$ADMIN/health"
wait_http "http://127.0.0.1:$FAKE/debug/counters"

export KLING_BASE_URL="http://127.0.0.1:$FAKE" KLING_ACCESS_KEY=ak-fake-kling KLING_SECRET_KEY=sk-fake-kling-secret
export DMXAPI_BASE_URL="http://127.0.0.1:$FAKE" DMXAPI_API_KEY=sk-fake-dmxapi-key
mkdir -p "$work/videos"
limits=()
if [[ -n "$MAX_RUNNING" ]]; then limits+=(--max-running "$MAX_RUNNING"); fi
if [[ -n "$MAX_COST" ]]; then
  amount="${PRICE%%[A-Za-z]*}" currency="${PRICE##*[0-9.]}"
  printf '{"as_of": "demo", "models": [{"id": "kling-v2.6", "routes": [{"provider": "%s", "model": "kling-v2-6", "source": "fleet-demo", "as_of": "demo", "price": {"currency": "%s", "per_video": "%s"}}]}]}' \
    "$PROVIDER" "$currency" "$amount" > "$work/catalog.json"
  limits+=(--max-cost "$MAX_COST" --catalog "$work/catalog.json")
fi
start_worker() { # port -> pid
  "$bin/video-worker" --provider "$PROVIDER" --model kling-v2-6 --listen "127.0.0.1:$1" \
    --output "$work/videos" --poll-ms "$POLL_MS" "${limits[@]}" >> "$work/worker-$1.log" 2>&1 &
  echo $!
}
pid_a="$(start_worker "$WORKER_A")"; pids+=("$pid_a")
pid_b="$(start_worker "$WORKER_B")"; pids+=("$pid_b")
"$bin/video-lb" --listen "127.0.0.1:$LB" --to "127.0.0.1:$WORKER_A" --to "127.0.0.1:$WORKER_B" \
  > "$work/lb.log" 2>&1 &
pids+=($!)
wait_port "$WORKER_A"; wait_port "$WORKER_B"; wait_port "$LB"
curl -sf -X POST "http://127.0.0.1:$ADMIN/deployments" -H 'content-type: application/json' \
  -d "{\"uri\":\"http://127.0.0.1:$LB\"}" > /dev/null
log "two workers behind video-lb :$LB, registered; submitting $N jobs"

started=$(date +%s.%N)
# Sending `run` again for a key that was already sent starts nothing new: safe to retry
# while the server restarts.
seq 1 "$N" | xargs -P 16 -I{} curl -s -o /dev/null --retry 60 --retry-connrefused \
  --retry-all-errors --retry-delay 1 -X POST \
  "http://127.0.0.1:$INGRESS/restate/send/VideoJob/job-{}/run" \
  -H 'content-type: application/json' -d '{"prompt":"fleet video {}","duration_secs":5}' &
submitter=$!

if [[ "$KILL_WORKER" == 1 ]]; then
# While jobs are still being submitted and created (KILL_WORKER=1, the default): kill worker A once about half the tasks
# exist, restart it two seconds later.
for _ in $(seq 1 600); do
  accepted=$(curl -sf "http://127.0.0.1:$FAKE/debug/counters" | grep -o '"submissions_accepted":[0-9]*' | cut -d: -f2)
  (( accepted >= KILL_AT )) && break
  sleep 0.1
done
log "SIGKILL worker A (pid $pid_a) with $accepted of $N tasks created"
kill -9 "$pid_a"
if [[ "$KILL_SERVER" == 1 ]]; then
  sleep 0.5
  log "SIGKILL restate-server (pid $pid_server)"
  kill -9 "$pid_server"; wait "$pid_server" 2>/dev/null || true
fi
sleep 2
if [[ "$KILL_SERVER" == 1 ]]; then
  pid_server="$(start_server)"; pids+=("$pid_server")
  wait_http "http://127.0.0.1:$ADMIN/health"
  log "restate-server restarted on the same data folder (pid $pid_server)"
fi
pid_a="$(start_worker "$WORKER_A")"; pids+=("$pid_a")
log "worker A restarted (pid $pid_a)"
fi
wait "$submitter" || log "some submissions failed (their jobs are counted as not finished)"

# Wait for every job (attach blocks until it ends), 16 at a time.
seq 1 "$N" | xargs -P 16 -I{} sh -c \
  "curl -s -m 600 --retry 30 --retry-connrefused --retry-delay 1 -o '$work/out-{}.json' -w '%{http_code}\n' 'http://127.0.0.1:$INGRESS/restate/workflow/VideoJob/job-{}/attach'" \
  > "$work/codes.txt"
ended=$(date +%s.%N)
cpu_of() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$1/stat" 2>/dev/null || echo 0; }
hwm_of() { awk '/^VmHWM/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
workers_cpu=$(python3 -c "print(round($(cpu_of "$pid_a") + $(cpu_of "$pid_b"), 2))")
log "metrics restate_cpu_s=$(cpu_of "$pid_server") restate_peak_rss_kib=$(hwm_of "$pid_server") workers_cpu_s=$workers_cpu (since their last start)"

finished=$(grep -c '^200$' "$work/codes.txt" || true)
counters=$(curl -sf "http://127.0.0.1:$FAKE/debug/counters")
submissions=$(echo "$counters" | grep -o '"submissions_accepted":[0-9]*' | cut -d: -f2)
max_running=$(echo "$counters" | grep -o '"max_running":[0-9]*' | cut -d: -f2)
over_budget=$( (grep -l 'over budget' "$work"/out-*.json 2>/dev/null || true) | wc -l)
if [[ -n "$MAX_COST" ]]; then log "over budget, not sent: $over_budget"; fi
seconds=$(python3 -c "print(round($ended - $started, 1))")
# Every result checked in one process: the saved file's SHA-256 and the one of the video the
# fake serves for that task must both be the result's.
files_ok=$(python3 - "$work" "$N" "$seconds" "http://127.0.0.1:$FAKE" <<'PY'
import hashlib, json, sys, urllib.request
work, n, seconds, fake = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
ok, windows = 0, []
def sha(data):
    return hashlib.sha256(data).hexdigest()
for i in range(1, n + 1):
    try:
        result = json.load(open(f"{work}/out-{i}.json"))
        task = result["task_id"]["id"] if isinstance(result["task_id"], dict) else result["task_id"]
        video = result["videos"][0]
    except Exception:
        continue
    if result.get("submit_window_ms") is not None:
        windows.append(float(result["submit_window_ms"]))
    try:
        served = sha(urllib.request.urlopen(f"{fake}/videos/{task}.mp4", timeout=30).read())
        saved = sha(open(video["location"], "rb").read())
    except Exception:
        continue
    ok += served == video["sha256"] == saved
print(ok)
windows.sort()
print(f"fleet-demo: {n / seconds:.1f} jobs/s", file=sys.stderr)
if windows:
    pick = lambda q: windows[min(len(windows) - 1, int(q * len(windows)))]
    print(f"fleet-demo: submit window (reply → journaled) median {pick(0.5):.2f} ms, "
          f"p99 {pick(0.99):.2f} ms, max {windows[-1]:.2f} ms", file=sys.stderr)
PY
)
echo "fleet: jobs=$N finished=$finished submissions=$submissions files_ok=$files_ok max_running=$max_running seconds=$seconds"
