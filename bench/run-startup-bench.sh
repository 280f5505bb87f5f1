#!/usr/bin/env bash
# Start-up time and resident memory of each function's runnable jar (issue 17): the gateway, ledger, metrics and
# audit jars, each started as its container starts it (`java -jar`, configured by environment variables), against
# the PostgreSQL and Redis of this machine and an embedded Kafka broker started per run (StartupBenchmark). Measures
# the time from exec to /ready answering 200, VmRSS (/proc/<pid>/status) at that moment, and VmRSS after traffic
# (the gateway: CALLS charged calls to a stub upstream; each consumer: once its group has read the events of those
# calls). RUNS runs, medians. Results in bench/RESULTS.md.
# Usage: bench/run-startup-bench.sh [runs, default 5] [calls, default 2000]
#   DB_HOST, DB_PORT, DB_USER (default 127.0.0.1, 5432, postgres: a user that may create databases, no password),
#   REDIS_URL (default redis://127.0.0.1:6379), JAVA_OPTS (default -XX:MaxRAM=1g: the JVM sizes itself as in the
#   compose file's 1 GB containers), MVN_ARGS (e.g. -o to build offline).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
runs="${1:-5}"
calls="${2:-2000}"
# Build the reactor (never install: ~/.m2 is shared): the four shaded jars, and the bench's classpath.
mvn -B -q ${MVN_ARGS:-} -pl bench,gateway-function,ledger-function,metrics-function,audit-function -am package \
  dependency:build-classpath -DskipTests -Dmdep.outputFile=target/classpath.txt
echo "startup bench: $(git rev-parse --short HEAD)$(git status --porcelain | grep -q . && echo ' (with local changes)'), $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), JAVA_OPTS=${JAVA_OPTS--XX:MaxRAM=1g}"
exec java -Xmx512m -cp "bench/target/classes:$(cat bench/target/classpath.txt)" io.caracal.bench.StartupBenchmark "$runs" "$calls" \
  "${DB_HOST:-127.0.0.1}" "${DB_PORT:-5432}" "${DB_USER:-postgres}" "${REDIS_URL:-redis://127.0.0.1:6379}" "${JAVA_OPTS--XX:MaxRAM=1g}" \
  gateway-function/target/caracal-gateway.jar ledger-function/target/caracal-ledger.jar \
  metrics-function/target/caracal-metrics.jar audit-function/target/caracal-audit.jar
