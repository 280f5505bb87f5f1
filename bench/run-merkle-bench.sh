#!/usr/bin/env bash
# The verifiable ledger's costs beside raw SHA-256 (openssl speed, the floor), in one run.
# Usage: bench/run-merkle-bench.sh [events for verify-range, default 1000000]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mvn -B -q -pl bench -am install -DskipTests
mvn -B -q -f bench/pom.xml dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
echo "== openssl speed -seconds 3 sha256 (the floor)"
openssl speed -seconds 3 sha256 2>/dev/null | grep -E '^(type|sha256)'
echo "== Caracal"
exec java -Xmx2g -cp "bench/target/classes:$(cat bench/target/classpath.txt)" io.caracal.bench.MerkleBenchmark "$@"
