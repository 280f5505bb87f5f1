#!/usr/bin/env bash
# wrk through the Caracal gateway to a stub upstream, beside the stub hit directly and nginx as a plain reverse
# proxy, all in one run (issue 13, "Must show: Benchmark"). Every row POSTs the same OpenAI-style chat request
# (bench/gateway-bench.lua) with X-Caracal-Estimated-Cost: 0.0001 and an API key, for each of
#   target:      stub direct, nginx reverse proxy, Caracal gateway (GatewayBenchServer: embedded PostgreSQL and
#                Redis, 64 agents each with a policy and a key, the default pool size), and the floor under the
#                gateway: Micronaut pass-through (PassThroughBenchServer: the same server and upstream client, none
#                of Caracal's work)
#   scenario:    "64 agents" (each request the next of 64 keys) and "hot agent" (every request one key)
#   connections: 32 (2 wrk threads) and 1 (1 thread)
#   fsync:       the gateway's PostgreSQL with fsync, synchronous_commit and full_page_writes on, and all off
#                (one gateway server per setting, each warmed up before it is measured)
# For each row, the CPU time (utime + stime from /proc/<pid>/stat) of nginx (which serves the stub, and proxies in
# the nginx rows), the gateway JVM, the postmaster and all its backends, and redis-server is sampled before and
# after wrk and divided by the requests wrk counted; wrk's own CPU is not counted. Prints a markdown table at the
# end, and exits 1 if any row had more than 1 % failed requests (non-2xx or socket errors).
# Needs wrk and nginx (Debian: apt-get install -y wrk nginx-light).
# Usage: bench/run-gateway-bench.sh [duration per row, default 15s]   (WARMUP=60s: the gateway JVM's warm-up; its JIT is still compiling the path well after 10 s)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
duration="${1:-15s}"
warmup="${WARMUP:-60s}"
stub=http://127.0.0.1:18091/v1/chat/completions
proxy=http://127.0.0.1:18092/v1/chat/completions
gateway=http://127.0.0.1:18093/stub/chat/completions
lua="$root/bench/gateway-bench.lua"
hz=$(getconf CLK_TCK)
source "$root/bench/gateway-bench-setup.sh"
sleep 1
nginx_alive() { kill -0 "$nginx_pid" 2>/dev/null || { echo "our nginx is not running (ports 18091-18092 taken by another run?), see $work/error.log" >&2; exit 1; }; }
nginx_alive
gateway_pid="" postmaster="" redis="" servers=()
cleanup() {
  [[ -n $gateway_pid ]] && stop_gateway
  kill "$nginx_pid" 2>/dev/null || true
}
trap cleanup EXIT

# --- CPU accounting ------------------------------------------------------------------------------------------------
# utime + stime of one process (all its threads) in clock ticks; with "reaped" also the cutime + cstime of its
# children that exited (the postmaster's backends that ended between two samples).
ticks_of() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }
  local -a f
  read -r -a f <<< "${stat##*) }" # the fields after "pid (comm) ": f[11] utime, f[12] stime, f[13] cutime, f[14] cstime
  if [[ ${2:-} == reaped ]]; then echo $(( f[11] + f[12] + f[13] + f[14] )); else echo $(( f[11] + f[12] )); fi
}
descendants() { local child; for child in $(pgrep -P "$1" || true); do echo "$child"; descendants "$child"; done; }
tree_ticks() { # a process, counting what its exited children used, and all its living descendants
  local total pid
  total=$(ticks_of "$1" reaped)
  for pid in $(descendants "$1"); do total=$(( total + $(ticks_of "$pid") )); done
  echo "$total"
}
# "nginx jvm postgres redis" in clock ticks; the gateway's three are 0 while no gateway runs.
cpu_sample() {
  if [[ -n $postmaster ]]; then
    echo "$(tree_ticks "$nginx_pid") $(ticks_of "$gateway_pid") $(tree_ticks "$postmaster") $(ticks_of "$redis")"
  elif [[ -n $gateway_pid ]]; then
    echo "$(tree_ticks "$nginx_pid") $(ticks_of "$gateway_pid") 0 0"
  else
    echo "$(tree_ticks "$nginx_pid") 0 0 0"
  fi
}

# --- the gateway server ------------------------------------------------------------------------------------------
start_gateway() { # fsync on|off
  rm -f "$work/keys" "$work/info"
  java -Xms512m -Xmx1g -cp "$classpath" io.caracal.bench.GatewayBenchServer 18093 http://127.0.0.1:18091/v1 \
    "$work/keys" "$1" "$work/info" > "$work/gateway-fsync-$1.log" 2>&1 &
  gateway_pid=$!
  for _ in $(seq 1 180); do
    [[ -s $work/keys ]] && break
    kill -0 "$gateway_pid" 2>/dev/null || { tail -30 "$work/gateway-fsync-$1.log"; gateway_pid=""; echo "gateway did not start" >&2; exit 1; }
    sleep 1
  done
  [[ -s $work/keys ]] || { echo "gateway not ready after 180 s, see $work/gateway-fsync-$1.log" >&2; exit 1; }
  postmaster=$(awk '$1 == "postgres" {print $2}' "$work/info")
  redis=$(awk '$1 == "redis" {print $2}' "$work/info")
  servers+=("gateway (fsync $1): PostgreSQL $(sed -n 's/^settings //p' "$work/info"), pool size $(awk '$1 == "pool" {print $2}' "$work/info")")
  echo "${servers[-1]}"
}
stop_gateway() { # SIGTERM: the JVM's shutdown hook stops the gateway, Redis and PostgreSQL
  kill "$gateway_pid" 2>/dev/null || true
  wait "$gateway_pid" 2>/dev/null || true
  if [[ -n $postmaster ]]; then
    for _ in $(seq 1 30); do kill -0 "$postmaster" 2>/dev/null || break; sleep 1; done
    kill "$postmaster" 2>/dev/null || true # only if the shutdown hook did not stop it
  fi
  gateway_pid="" postmaster="" redis=""
}
start_pass_through() { # the floor: the gateway's server and client with none of Caracal's work, on the gateway's port
  rm -f "$work/info"
  java -Xms512m -Xmx1g -cp "$classpath" io.caracal.bench.PassThroughBenchServer 18093 http://127.0.0.1:18091/v1 "$work/info" \
    > "$work/pass-through.log" 2>&1 &
  gateway_pid=$!
  for _ in $(seq 1 60); do [[ -s $work/info ]] && break; sleep 1; done
  [[ -s $work/info ]] || { tail -30 "$work/pass-through.log"; echo "pass-through server did not start" >&2; exit 1; }
  curl -sf -o /dev/null -X POST "$gateway" --data-binary '{}' || { echo "the pass-through server does not answer a POST with 200" >&2; exit 1; }
}
# One request by hand before trusting wrk: it must be a 200 that the gateway charged.
check_gateway() {
  local headers
  headers=$(curl -s -o /dev/null -D - -X POST "$gateway" -H "X-API-Key: $(head -1 "$work/keys")" \
    -H "X-Caracal-Estimated-Cost: 0.0001" -H "Content-Type: application/json" --data-binary @- <<< \
    '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hello"}],"max_tokens":16}' | tr -d '\r')
  echo "check: $(head -1 <<< "$headers"), $(grep -i '^X-Caracal-Charged:' <<< "$headers" || echo 'no X-Caracal-Charged')"
  head -1 <<< "$headers" | grep -q ' 200' && grep -qi '^X-Caracal-Charged:' <<< "$headers" \
    || { echo "the gateway does not answer 200 with a charge: not benchmarking it" >&2; exit 1; }
}

# --- one row -------------------------------------------------------------------------------------------------------
rows=() # target|scenario|connections|fsync|req/s|p50 ms|p99 ms|non-2xx|socket errors|CPU µs/req nginx|jvm|pg|redis|total
failures=0
run() { # target url scenario connections fsync
  local target=$1 url=$2 scenario=$3 connections=$4 fsync=$5
  local keys=$([[ $scenario == "hot agent" ]] && echo 1 || echo 64)
  local threads=$(( connections < 2 ? 1 : 2 )) # wrk needs a connection per thread
  local out="$work/wrk-${target// /-}-${scenario// /-}-c$connections-fsync-$fsync.txt"
  nginx_alive
  local before after
  before=$(cpu_sample)
  wrk -t"$threads" -c"$connections" -d"$duration" --latency -s "$lua" "$url" -- "$work/keys" "$keys" > "$out"
  sleep 0.2 # let work behind the last responses finish inside the sample
  after=$(cpu_sample)
  local result
  result=$(grep '^result ' "$out") || { cat "$out"; echo "wrk gave no result" >&2; exit 1; }
  local row
  row=$(awk -v target="$target" -v scenario="$scenario" -v c="$connections" -v fsync="$fsync" -v hz="$hz" \
      -v before="$before" -v after="$after" -v result="$result" 'BEGIN {
    n = split(result, kv, /[ =]/); for (i = 2; i < n; i += 2) r[kv[i]] = kv[i + 1]
    split(before, b, " "); split(after, a, " ")
    req = r["requests"]; total = 0
    for (i = 1; i <= 4; i++) { us[i] = req > 0 ? (a[i] - b[i]) * 1e6 / hz / req : 0; total += us[i] }
    printf "%s|%s|%s|%s|%.0f|%.3f|%.3f|%d|%d|%.0f|%.0f|%.0f|%.0f|%.0f|%d\n", target, scenario, c, fsync,
      req * 1e6 / r["duration_us"], r["p50_us"] / 1000, r["p99_us"] / 1000, r["non2xx"], r["socket_errors"],
      us[1], us[2], us[3], us[4], total, req
  }')
  local requests=${row##*|}
  row=${row%|*}
  local -a f
  IFS='|' read -r -a f <<< "$row"
  if (( requests == 0 || (f[7] + f[8]) * 100 > requests )); then
    failures=$(( failures + 1 ))
    echo "!!! $target, $scenario, $connections conn, fsync $fsync: ${f[7]} non-2xx and ${f[8]} socket errors of $requests requests (see $out)" >&2
  fi
  rows+=("$row")
  printf '%-20s %-10s c=%-2s fsync=%-3s %8s req/s  p50 %7s ms  p99 %7s ms  non-2xx %s  CPU %s µs/req\n' \
    "$target" "$scenario" "$connections" "$fsync" "${f[4]}" "${f[5]}" "${f[6]}" "${f[7]}" "${f[13]}"
}
run_all() { # target url fsync
  local scenario connections
  for scenario in "64 agents" "hot agent"; do
    for connections in 32 1; do run "$1" "$2" "$scenario" "$connections" "$3"; done
  done
}

header="gateway bench: $(git rev-parse --short HEAD) $(git status --porcelain | grep -q . && echo '(with local changes)'), $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $duration per row"
echo "$header"
for fsync in off on; do
  start_gateway "$fsync"
  check_gateway
  # Warm-up, so the JIT has compiled the gateway's path before it is measured.
  wrk -t2 -c32 -d"$warmup" -s "$lua" "$gateway" -- "$work/keys" 64 > /dev/null
  run_all "Caracal gateway" "$gateway" "$fsync"
  stop_gateway
done
start_pass_through
wrk -t2 -c32 -d"$warmup" -s "$lua" "$gateway" -- "$work/keys" 64 > /dev/null
run_all "Micronaut pass-through" "$gateway" "—"
stop_gateway
# The stub and nginx rows last, with the gateway stopped; the key file left by the last gateway gives their requests
# the same shape (the key header is ignored).
curl -sf -o /dev/null -X POST "$proxy" --data-binary '{}' || { echo "nginx does not answer a POST with 200" >&2; exit 1; }
run_all "stub direct" "$stub" "—"
run_all "nginx reverse proxy" "$proxy" "—"

# --- the table -----------------------------------------------------------------------------------------------------
echo
echo "Run: \`bench/run-gateway-bench.sh $duration\`, ${header#gateway bench: }.  "
for server in "${servers[@]}"; do echo "$server  "; done
echo "CPU: µs of CPU time per request (utime + stime from /proc); nginx serves the stub in every row, and proxies in the nginx rows."
echo
echo "| target | scenario | conn | fsync | req/s | p50 ms | p99 ms | non-2xx | socket errors | CPU nginx | CPU gateway JVM | CPU PostgreSQL | CPU Redis | CPU total |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
for target in "stub direct" "nginx reverse proxy" "Micronaut pass-through" "Caracal gateway"; do
  for row in "${rows[@]}"; do
    [[ ${row%%|*} == "$target" ]] || continue
    IFS='|' read -r -a f <<< "$row"
    case $target in
      "Caracal gateway") gw="${f[10]} | ${f[11]} | ${f[12]}" ;;
      "Micronaut pass-through") gw="${f[10]} | — | —" ;;
      *) gw="— | — | —" ;;
    esac
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "${f[0]}" "${f[1]}" "${f[2]}" "${f[3]}" \
      "${f[4]}" "${f[5]}" "${f[6]}" "${f[7]}" "${f[8]}" "${f[9]}" "$gw" "${f[13]}"
  done
done
echo
echo "| target | scenario | fsync | req/s, % of nginx (32 conn; gateway target ≥ 25 %) | added p50 / p99 at 1 conn, vs stub direct (gateway target ≤ 1 / ≤ 3 ms) |"
echo "|---|---|---|---|---|"
field() { # target scenario connections fsync column
  local row
  for row in "${rows[@]}"; do
    IFS='|' read -r -a f <<< "$row"
    [[ ${f[0]} == "$1" && ${f[1]} == "$2" && ${f[2]} == "$3" && ${f[3]} == "$4" ]] && { echo "${f[$5]}"; return; }
  done
}
for fsync in off on —; do
  for scenario in "64 agents" "hot agent"; do
    target=$([[ $fsync == — ]] && echo "Micronaut pass-through" || echo "Caracal gateway")
    awk -v s="$scenario" -v fsync="$fsync" -v target="$target" -v gw="$(field "$target" "$scenario" 32 "$fsync" 4)" \
        -v nginx="$(field "nginx reverse proxy" "$scenario" 32 — 4)" \
        -v g50="$(field "$target" "$scenario" 1 "$fsync" 5)" -v g99="$(field "$target" "$scenario" 1 "$fsync" 6)" \
        -v s50="$(field "stub direct" "$scenario" 1 — 5)" -v s99="$(field "stub direct" "$scenario" 1 — 6)" \
        'BEGIN { printf "| %s | %s | %s | %.1f %% | %+.3f / %+.3f ms |\n", target, s, fsync, 100 * gw / nginx, g50 - s50, g99 - s99 }'
  done
done
if (( failures > 0 )); then
  echo
  echo "**$failures row(s) had more than 1 % failed requests: not a result** (wrk output in $work)."
  exit 1
fi
