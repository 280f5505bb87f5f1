#!/usr/bin/env bash
# wrk through the Caracal gateway to a stub upstream, beside the stub hit directly, nginx as a plain reverse proxy
# and the Portkey AI gateway as a peer LLM proxy, all in one run (issue 13, "Must show: Benchmark"; Portkey: issue 17). Every row POSTs the same OpenAI-style chat request
# (bench/gateway-bench.lua) with X-Caracal-Estimated-Cost: 0.0001 and an API key, for each of
#   target:      stub direct, nginx reverse proxy, Portkey AI gateway (npm @portkey-ai/gateway, its Node server, one
#                process, forwarding as an openai provider to the stub as its custom host: x-portkey-provider and
#                x-portkey-custom-host, with an Authorization header it passes on; no budget, key or ledger of its
#                own), Caracal gateway (GatewayBenchServer: embedded PostgreSQL and Redis, 64 agents each with a policy and a key, the default pool size), and the floor under the
#                gateway: Micronaut pass-through (PassThroughBenchServer: the same server and upstream client, none
#                of Caracal's work)
#   scenario:    "64 agents" (each request the next of 64 keys) and "hot agent" (every request one key)
#   connections: 32 (2 wrk threads) and 1 (1 thread)
#   fsync:       the gateway's PostgreSQL with fsync, synchronous_commit and full_page_writes on, and all off
#                (one gateway server per setting, each warmed up before it is measured)
# For each row, the CPU time (utime + stime from /proc/<pid>/stat) of nginx (which serves the stub, and proxies in
# the nginx rows), the gateway JVM (node in the Portkey rows), the postmaster and all its backends, and redis-server is sampled before and
# after wrk and divided by the requests wrk counted; wrk's own CPU is not counted. Prints a markdown table at the
# end, and exits 1 if any row had more than 1 % failed requests (non-2xx or socket errors).
# Needs wrk and nginx (Debian: apt-get install -y wrk nginx-light), and Node with npm: the pinned Portkey release is
# installed into $work/portkey on the first run.
# Usage: bench/run-gateway-bench.sh [duration per row, default 15s]   (WARMUP=60s: the gateway JVM's warm-up; its JIT is still compiling the path well after 10 s)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
duration="${1:-15s}"
warmup="${WARMUP:-60s}"
stub=http://127.0.0.1:18091/v1/chat/completions
proxy=http://127.0.0.1:18092/v1/chat/completions
gateway=http://127.0.0.1:18093/stub/chat/completions
portkey=http://127.0.0.1:18094/v1/chat/completions
portkey_version=1.15.2
lua="$root/bench/gateway-bench.lua"
source "$root/bench/gateway-bench-setup.sh"
source "$root/bench/gateway-bench-rows.sh"

start_pass_through() { # the floor: the gateway's server and client with none of Caracal's work, on the gateway's port
  rm -f "$work/info"
  java -Xms512m -Xmx1g -cp "$classpath" io.caracal.bench.PassThroughBenchServer 18093 http://127.0.0.1:18091/v1 "$work/info" \
    > "$work/pass-through.log" 2>&1 &
  gateway_pid=$!
  for _ in $(seq 1 60); do [[ -s $work/info ]] && break; sleep 1; done
  [[ -s $work/info ]] || { tail -30 "$work/pass-through.log"; echo "pass-through server did not start" >&2; exit 1; }
  curl -sf -o /dev/null -X POST "$gateway" --data-binary '{}' || { echo "the pass-through server does not answer a POST with 200" >&2; exit 1; }
}
start_portkey() { # on 18094, in the CPU column of the gateway process
  [[ -f $work/portkey/node_modules/@portkey-ai/gateway/build/start-server.js ]] \
    || npm install --prefix "$work/portkey" --no-audit --no-fund "@portkey-ai/gateway@$portkey_version" > "$work/portkey-install.log" 2>&1 \
    || { tail -20 "$work/portkey-install.log"; echo "npm could not install @portkey-ai/gateway@$portkey_version" >&2; exit 1; }
  NODE_ENV=production node "$work/portkey/node_modules/@portkey-ai/gateway/build/start-server.js" --port=18094 --headless \
    > "$work/portkey.log" 2>&1 &
  gateway_pid=$!
  wrk_headers=(-H "x-portkey-provider: openai" -H "x-portkey-custom-host: http://127.0.0.1:18091/v1" -H "Authorization: Bearer bench")
  for _ in $(seq 1 60); do curl -sf -o /dev/null "${wrk_headers[@]}" -X POST "$portkey" -H "Content-Type: application/json" --data-binary '{}' && break; sleep 1; done
  curl -sf -o /dev/null "${wrk_headers[@]}" -X POST "$portkey" -H "Content-Type: application/json" --data-binary '{}' \
    || { tail -30 "$work/portkey.log"; echo "Portkey does not answer a POST with 200" >&2; exit 1; }
  servers+=("Portkey AI gateway $portkey_version: node $(node --version), NODE_ENV=production, one process")
}
run_all() { # target url fsync
  local scenario connections
  for scenario in "64 agents" "hot agent"; do
    for connections in 32 1; do run "$1" "$2" "$scenario" "$connections" "$3"; done
  done
}

header=$(run_header)
echo "gateway bench: $header"
for fsync in off on; do
  start_gateway "$fsync"
  check_gateway "$gateway"
  # Warm-up, so the JIT has compiled the gateway's path before it is measured.
  wrk -t2 -c32 -d"$warmup" -s "$lua" "$gateway" -- "$work/keys" 64 > /dev/null
  run_all "Caracal gateway" "$gateway" "$fsync"
  stop_gateway
done
start_pass_through
wrk -t2 -c32 -d"$warmup" -s "$lua" "$gateway" -- "$work/keys" 64 > /dev/null
run_all "Micronaut pass-through" "$gateway" "—"
stop_gateway
# The Portkey, stub and nginx rows last, with the gateway stopped; the key file left by the last gateway gives their
# requests the same shape (the key header is ignored).
start_portkey
wrk -t2 -c32 -d10s "${wrk_headers[@]}" -s "$lua" "$portkey" -- "$work/keys" 64 > /dev/null # its JIT warmed up too
run_all "Portkey AI gateway" "$portkey" "—"
stop_gateway
wrk_headers=()
curl -sf -o /dev/null -X POST "$proxy" --data-binary '{}' || { echo "nginx does not answer a POST with 200" >&2; exit 1; }
run_all "stub direct" "$stub" "—"
run_all "nginx reverse proxy" "$proxy" "—"

# --- the tables ----------------------------------------------------------------------------------------------------
echo
echo "Run: \`bench/run-gateway-bench.sh $duration\`, $header.  "
print_rows "stub direct" "nginx reverse proxy" "Portkey AI gateway" "Micronaut pass-through" "Caracal gateway"
echo
echo "| target | scenario | fsync | req/s, % of nginx (32 conn; gateway target ≥ 25 %) | added p50 / p99 at 1 conn, vs stub direct (gateway target ≤ 1 / ≤ 3 ms) |"
echo "|---|---|---|---|---|"
for row in "Caracal gateway|off" "Caracal gateway|on" "Micronaut pass-through|—" "Portkey AI gateway|—"; do
  target=${row%|*} fsync=${row#*|}
  for scenario in "64 agents" "hot agent"; do
    awk -v s="$scenario" -v fsync="$fsync" -v target="$target" -v gw="$(field "$target" "$scenario" 32 "$fsync" 4)" \
        -v nginx="$(field "nginx reverse proxy" "$scenario" 32 — 4)" \
        -v g50="$(field "$target" "$scenario" 1 "$fsync" 5)" -v g99="$(field "$target" "$scenario" 1 "$fsync" 6)" \
        -v s50="$(field "stub direct" "$scenario" 1 — 5)" -v s99="$(field "stub direct" "$scenario" 1 — 6)" \
        'BEGIN { printf "| %s | %s | %s | %.1f %% | %+.3f / %+.3f ms |\n", target, s, fsync, 100 * gw / nginx, g50 - s50, g99 - s99 }'
  done
done
exit_on_failures
