#!/usr/bin/env bash
# The offline ledger bundle (binary; JSON at the first size): export and verify in their own JVMs, size, peak RSS,
# beside the hashing floors, in one run.
# Usage: bench/run-bundle-bench.sh [sizes, default 100000,1000000]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# Built in the reactor, whose modules resolve to their target/classes: nothing is installed in the shared ~/.m2.
mvn -B -q -o compile dependency:build-classpath -pl bench -am -Dmdep.outputFile=target/classpath.txt
echo "== $(date -u +%FT%TZ), $(nproc) cores, load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== openssl speed -seconds 3 sha256 (the floor)"
openssl speed -seconds 3 sha256 2>/dev/null | grep -E '^(type|sha256)'
echo "== Caracal"
java -Xmx2g -cp "bench/target/classes:$(cat bench/target/classpath.txt)" io.caracal.bench.BundleBenchmark "$@"
echo "== done $(date -u +%FT%TZ), load average: $(cut -d' ' -f1-3 /proc/loadavg)"
