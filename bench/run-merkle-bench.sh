#!/usr/bin/env bash
# The verifiable ledger's costs beside their floors (openssl speed sha256 and ecdsap256, Java's SHA-256, a raw
# binary COPY of the rows), in one run. Builds the reactor's classes only: nothing is installed into ~/.m2.
# Usage: bench/run-merkle-bench.sh [events for verify-range, default 1000000]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mvn -B -q -o compile dependency:build-classpath -pl bench -am -Dmdep.outputFile="$root/bench/target/classpath.txt"
echo "== load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== openssl speed -seconds 3 sha256 (the hashing floor)"
openssl speed -seconds 3 sha256 2>/dev/null | grep -E '^(type|sha256)'
echo "== openssl speed -seconds 3 ecdsap256 (the signing floor)"
openssl speed -seconds 3 ecdsap256 2>/dev/null | grep -E 'sign/s|256 bits ecdsa'
echo "== Caracal (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
java -Xmx2g -cp "bench/target/classes:$(cat bench/target/classpath.txt)" io.caracal.bench.MerkleBenchmark "$@"
echo "== load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
