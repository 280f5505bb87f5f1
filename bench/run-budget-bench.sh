#!/usr/bin/env bash
# Runs the budget benchmarks (JMH) against embedded Redis and PostgreSQL started by the benchmark itself.
# Usage: bench/run-budget-bench.sh [extra JMH options]   e.g. -f 1 -wi 2 -w 3s -i 3 -r 5s
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mvn -B -q -pl bench -am install -DskipTests
mvn -B -q -f bench/pom.xml dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
exec java -cp "bench/target/classes:$(cat bench/target/classpath.txt)" org.openjdk.jmh.Main BudgetBenchmark \
  -f 1 -wi 2 -w 3s -i 3 -r 5s -rf json -rff bench/target/budget-bench.json "$@"
