#!/usr/bin/env bash
# wrk through the Caracal gateway to a stub upstream, beside the stub hit directly and nginx as a plain reverse
# proxy, all in one run. Needs wrk and nginx (Debian: apt-get install -y wrk nginx-light).
# Usage: bench/run-gateway-bench.sh [duration, default 20s] [connections, default 32]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
duration="${1:-20s}"
connections="${2:-32}"
# wrk needs at least one connection per thread: one thread for a single connection.
threads=$(( connections < 2 ? 1 : 2 ))
work=/tmp/caracal-bench-nginx
mkdir -p "$work"
cd "$root"
mvn -B -q -pl bench -am install -DskipTests
mvn -B -q -f bench/pom.xml dependency:build-classpath -Dmdep.outputFile=target/classpath.txt

nginx -c "$root/bench/nginx-bench.conf" -p "$work" &
nginx_pid=$!
rm -f "$work/key"
java -Xms512m -Xmx1g -cp "bench/target/classes:$(cat bench/target/classpath.txt)" io.caracal.bench.GatewayBenchServer 18093 \
  http://127.0.0.1:18091/v1 "$work/key" > "$work/gateway.log" 2>&1 &
gateway_pid=$!
trap 'kill $gateway_pid $nginx_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do [[ -s "$work/key" ]] && break; sleep 1; done
key="$(cat "$work/key")"

run() { # name url [headers...]
  local name=$1 url=$2; shift 2
  echo "=== $name"
  wrk -t"$threads" -c"$connections" -d"$duration" --latency "$@" "$url" | grep -E "Requests/sec|50%|90%|99%|Non-2xx|Socket errors"
}
# Warm-up, so the JIT has compiled the gateway's path before it is measured.
wrk -t"$threads" -c"$connections" -d10s -H "X-API-Key: $key" -H "X-Caracal-Estimated-Cost: 0.0001" http://127.0.0.1:18093/stub/chat > /dev/null
run "stub direct" http://127.0.0.1:18091/v1/chat
run "nginx reverse proxy" http://127.0.0.1:18092/v1/chat
run "caracal gateway" http://127.0.0.1:18093/stub/chat -H "X-API-Key: $key" -H "X-Caracal-Estimated-Cost: 0.0001"
