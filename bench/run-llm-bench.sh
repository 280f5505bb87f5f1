#!/usr/bin/env bash
# What pricing LLM calls from the provider's reported usage costs the gateway (issue 14), in one run: wrk through the
# gateway to an upstream of type openai that answers a JSON chat completion (read whole, its usage parsed) or an SSE
# stream (metered event by event; the gateway asks for the usage chunk and drops it, since the client did not, and
# writes the charge as SSE comments at the end), beside the same calls through a generic upstream (priced by
# X-Caracal-Estimated-Cost, the answer streamed through untouched) and nginx as a reverse proxy of each answer.
# The stub (bench/nginx-bench.conf) gives the generic upstream the same JSON answer the openai upstream parses, so
# the two gateway JSON rows differ only in how the call is priced.
#   targets:     nginx reverse proxy (JSON answer, SSE answer); the Caracal gateway (GatewayBenchServer: embedded
#                PostgreSQL with fsync, synchronous_commit and full_page_writes on, Redis, 64 agents each with a policy
#                and a key, the bench model priced) through a generic upstream, an openai upstream (JSON) and an
#                openai upstream (SSE), all three in one server, warmed up together for WARMUP before the first row
#   requests:    gateway-bench.lua's generic, openai and openai-stream (the nginx rows: openai and openai-stream)
#   scenario:    "64 agents" (each request the next of 64 keys); connections: 32 (2 wrk threads) and 1 (1 thread)
# CPU per request and process as in run-gateway-bench.sh. Prints the rows, then each gateway path's req/s as % of
# nginx on the same answer and its CPU per request beside the generic upstream's; exits 1 if any row had more than
# 1 % failed requests. Needs wrk and nginx (Debian: apt-get install -y wrk nginx-light).
# Usage: bench/run-llm-bench.sh [duration per row, default 15s]   (WARMUP=90s: three wrk at once, one per gateway path)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
duration="${1:-15s}"
warmup="${WARMUP:-90s}"
lua="$root/bench/gateway-bench.lua"
source "$root/bench/gateway-bench-setup.sh"
source "$root/bench/gateway-bench-rows.sh"

stub=http://127.0.0.1:18091
gateway=http://127.0.0.1:18093
# Each path through the gateway: target|url|request (gateway-bench.lua's) and the nginx row on the same answer.
paths=(
  "Caracal gateway, generic upstream|$gateway/generic/chat/completions|generic|nginx reverse proxy, JSON"
  "Caracal gateway, openai upstream, JSON|$gateway/openai/chat/completions|openai|nginx reverse proxy, JSON"
  "Caracal gateway, openai upstream, SSE|$gateway/openai-sse/chat/completions|openai-stream|nginx reverse proxy, SSE"
)
baselines=(
  "nginx reverse proxy, JSON|http://127.0.0.1:18092/openai/v1/chat/completions|openai"
  "nginx reverse proxy, SSE|http://127.0.0.1:18092/openai-sse/v1/chat/completions|openai-stream"
)
scenario="64 agents"

header=$(run_header)
echo "llm bench: $header"
start_gateway on "generic:generic:$stub/openai/v1" "openai:openai:$stub/openai/v1" "openai-sse:openai:$stub/openai-sse/v1"
for path in "${paths[@]}"; do
  IFS='|' read -r target url request _ <<< "$path"
  check_gateway "$url" "$request"
done
# Warm-up, so the JIT has compiled all three paths (most of their code is shared) before any is measured.
warming=()
for path in "${paths[@]}"; do
  IFS='|' read -r target url request _ <<< "$path"
  wrk -t1 -c10 -d"$warmup" -s "$lua" "$url" -- "$work/keys" 64 "$request" > /dev/null &
  warming+=($!)
done
wait "${warming[@]}"
for connections in 32 1; do
  for path in "${paths[@]}"; do
    IFS='|' read -r target url request _ <<< "$path"
    run "$target" "$url" "$scenario" "$connections" on "$request"
  done
done
stop_gateway
# The nginx rows last, with the gateway stopped; the key file left by the gateway gives their requests the same
# shape (the key header is ignored).
for connections in 32 1; do
  for path in "${baselines[@]}"; do
    IFS='|' read -r target url request <<< "$path"
    run "$target" "$url" "$scenario" "$connections" — "$request"
  done
done

# --- the tables ----------------------------------------------------------------------------------------------------
echo
echo "Run: \`bench/run-llm-bench.sh $duration\`, $header.  "
print_rows "nginx reverse proxy, JSON" "nginx reverse proxy, SSE" "Caracal gateway, generic upstream" \
  "Caracal gateway, openai upstream, JSON" "Caracal gateway, openai upstream, SSE"
echo
echo "| gateway path | conn | req/s, % of nginx on the same answer | added p50 / p99 over nginx | CPU gateway JVM µs/req | JVM vs generic | CPU total µs/req | total vs generic |"
echo "|---|---|---|---|---|---|---|---|"
generic="Caracal gateway, generic upstream"
for connections in 32 1; do
  for path in "${paths[@]}"; do
    IFS='|' read -r target url request baseline <<< "$path"
    awk -v target="${target#Caracal gateway, }" -v c="$connections" \
        -v rps="$(field "$target" "$scenario" "$connections" on 4)" -v nginx="$(field "$baseline" "$scenario" "$connections" — 4)" \
        -v p50="$(field "$target" "$scenario" "$connections" on 5)" -v n50="$(field "$baseline" "$scenario" "$connections" — 5)" \
        -v p99="$(field "$target" "$scenario" "$connections" on 6)" -v n99="$(field "$baseline" "$scenario" "$connections" — 6)" \
        -v jvm="$(field "$target" "$scenario" "$connections" on 10)" -v gjvm="$(field "$generic" "$scenario" "$connections" on 10)" \
        -v total="$(field "$target" "$scenario" "$connections" on 13)" -v gtotal="$(field "$generic" "$scenario" "$connections" on 13)" \
        'BEGIN { baseline = target == "generic upstream"
                 printf "| %s | %s | %d (%.1f %% of %d) | %+.3f / %+.3f ms | %d | %s | %d | %s |\n", target, c, rps, 100 * rps / nginx, nginx,
                   p50 - n50, p99 - n99, jvm, baseline ? "—" : sprintf("%+d", jvm - gjvm), total, baseline ? "—" : sprintf("%+d", total - gtotal) }'
  done
done
exit_on_failures
