#!/usr/bin/env bash
# Events per second from Kafka to committed ledger rows, beside PostgreSQL COPYs of as many rows (into a fresh table and
# into ledger_events), in one run, after a warm-up that lasts until the JIT has settled (about a minute).
# Usage: bench/run-pipeline-bench.sh [events per round, default 100000] [rounds, default 3]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# The reactor's classes only: nothing is installed into ~/.m2.
mvn -B -q compile dependency:build-classpath -pl bench -am -Dmdep.outputFile="$root/bench/target/classpath.txt"
echo "== load average: $(cut -d' ' -f1-3 /proc/loadavg)"
java -Xmx1g -cp "bench/target/classes:$(cat bench/target/classpath.txt)" io.caracal.bench.PipelineBenchmark "$@"
echo "== load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
