#!/usr/bin/env bash
# Events per second from Kafka to committed ledger rows, beside a PostgreSQL COPY of the same rows, in one run.
# Usage: bench/run-pipeline-bench.sh [events per round, default 100000] [rounds, default 3]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mvn -B -q -pl bench -am install -DskipTests
mvn -B -q -f bench/pom.xml dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
exec java -Xmx1g -cp "bench/target/classes:$(cat bench/target/classpath.txt)" io.caracal.bench.PipelineBenchmark "$@"
