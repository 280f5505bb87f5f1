#!/usr/bin/env bash
# Soak: the gateway under steady load (64 agents, POSTed chat body, PostgreSQL durability off) for a long run,
# sampling what must stay flat: the gateway JVM's live heap (after a full GC) and resident memory, and the Redis
# key count and memory. Needs wrk and nginx (Debian: apt-get install -y wrk nginx-light).
# Usage: bench/run-soak.sh [minutes, default 15] [seconds between samples, default 60] [connections, default 32]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
minutes="${1:-15}"
every="${2:-60}"
connections="${3:-32}"
source "$root/bench/gateway-bench-setup.sh"
rm -f "$work/keys" "$work/info"
java -Xms512m -Xmx1g -cp "$classpath" io.caracal.bench.GatewayBenchServer 18093 http://127.0.0.1:18091/v1 "$work/keys" off "$work/info" \
  > "$work/soak-gateway.log" 2>&1 &
gateway_pid=$!
wrk_pid=""
trap 'kill $wrk_pid $gateway_pid $nginx_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 180); do [[ -s $work/keys ]] && break; sleep 1; done
[[ -s $work/keys ]] || { echo "gateway not ready, see $work/soak-gateway.log" >&2; exit 1; }
redis_pid=$(awk '$1 == "redis" {print $2}' "$work/info")
redis_port=$(ss -ltnpH | grep "pid=$redis_pid," | awk '{print $4}' | sed 's/.*://' | head -1)

sample() { # minute
  jcmd "$gateway_pid" GC.run > /dev/null
  local heap rss keys redis_mem
  heap=$(jcmd "$gateway_pid" GC.heap_info | grep -oE 'used [0-9]+K' | head -1 | grep -oE '[0-9]+')
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$gateway_pid/status")
  keys=$(redis-cli -p "$redis_port" dbsize)
  redis_mem=$(redis-cli -p "$redis_port" info memory | awk -F: '/^used_memory:/ {print $2}' | tr -d '\r')
  printf '| %s | %d | %d | %s | %d |\n' "$1" $((heap / 1024)) $((rss / 1024)) "$keys" $((redis_mem / 1024))
}

echo "soak: ${minutes} min at ${connections} connections, 64 agents, sampled every ${every} s"
echo
echo "| minute | live heap MiB | gateway RSS MiB | Redis keys | Redis memory KiB |"
echo "|---|---|---|---|---|"
wrk -t2 -c"$connections" -d"$((minutes * 60))s" -s bench/gateway-bench.lua http://127.0.0.1:18093/stub/chat -- "$work/keys" \
  > "$work/soak-wrk.txt" 2>&1 &
wrk_pid=$!
started=$(date +%s)
sample 0
while kill -0 "$wrk_pid" 2>/dev/null; do
  sleep "$every"
  kill -0 "$wrk_pid" 2>/dev/null || break
  sample "$(( ($(date +%s) - started) / 60 ))"
done
wait "$wrk_pid" || true
echo
grep -E "^result" "$work/soak-wrk.txt" || tail -5 "$work/soak-wrk.txt"
