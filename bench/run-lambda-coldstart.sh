#!/usr/bin/env bash
# The gateway Lambda's cold start, measured without a Lambda runtime emulator: JVM start to the first handled API
# Gateway event, in fresh JVMs started with the Lambda functions' JAVA_TOOL_OPTIONS (LambdaColdStart). Results in
# bench/RESULTS.md.
# Usage: bench/run-lambda-coldstart.sh [runs, default 5]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mvn -B -q -pl bench -am package dependency:build-classpath -DskipTests -Dmdep.outputFile=target/classpath.txt
exec java -Xmx1g -cp "bench/target/classes:$(cat bench/target/classpath.txt)" io.caracal.bench.LambdaColdStart "$@"
