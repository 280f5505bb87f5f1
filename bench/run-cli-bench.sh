#!/usr/bin/env bash
# Times `caracal --help` and `caracal budget status` (issue 17: a CLI that answers in under a second), each started
# as ./caracal starts it and with less of what it adds, RUNS times each, and prints the median wall time, the mean
# user+sys CPU time and the load average around each series.
# Usage: bench/run-cli-bench.sh [OLD_BUILD_DIR]
#   OLD_BUILD_DIR: a caracal-cli.jar with its lib/ from an older build (e.g. main before issue 17), timed the way
#   ./caracal ran it then (java -jar, JVM defaults).
# The database is DB_HOST/DB_PORT/DB_NAME/DB_USER/DB_PASSWORD (default: PostgreSQL on 127.0.0.1:5432 as postgres, database
# caracal_clibench, created if missing) and the Redis REDIS_URL (default redis://127.0.0.1:6379/15); the script
# creates one agent with one policy there and reads its budget. RUNS (default 10) sets the number of runs.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
old="${1:-}"
runs="${RUNS:-10}"
export DB_HOST="${DB_HOST:-127.0.0.1}" DB_PORT="${DB_PORT:-5432}" DB_NAME="${DB_NAME:-caracal_clibench}"
export DB_USER="${DB_USER:-postgres}" DB_PASSWORD="${DB_PASSWORD:-}" REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/15}"
export CARACAL_HOME="$root/bench/target/cli-bench-home"
mkdir -p "$CARACAL_HOME"
jar="$root/cli/target/caracal-cli.jar"
# Builds the jar if it is not there, and makes its class data sharing archive if it is older than the jar.
"$root/caracal" --version >/dev/null

"$root/caracal" db init >/dev/null
agent="$("$root/caracal" agent create --name "cli-bench-$(date +%s%N)" --owner bench -o json | sed -E 's/.*"agent_id":"([^"]+)".*/\1/')"
"$root/caracal" policy create --agent-id "$agent" --limit 100.00 >/dev/null

# series LABEL COMMAND...: RUNS timed runs after one untimed (page cache, archive mapping).
series() {
  local label="$1" times
  shift
  "$@" >/dev/null 2>&1 || true
  times="$(mktemp)"
  local before after
  before="$(cut -d' ' -f1 /proc/loadavg)"
  for ((i = 0; i < runs; i++)); do
    /usr/bin/time -f "%e %U %S" -a -o "$times" "$@" >/dev/null 2>&1
  done
  after="$(cut -d' ' -f1 /proc/loadavg)"
  sort -n -k1 "$times" | awk -v label="$label" -v loads="$before-$after" '
    { wall[NR] = $1; cpu += $2 + $3 }
    END { m = (NR % 2) ? wall[(NR + 1) / 2] : (wall[NR / 2] + wall[NR / 2 + 1]) / 2
          printf "| %-52s | %6.2f s | %6.2f s | %6.2f s | %6.2f s | %s |\n", label, m, wall[1], wall[NR], cpu / NR, loads }'
  rm -f "$times"
}

echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $runs runs each, $(java -version 2>&1 | head -1)"
echo "| command, started as | median wall | min wall | max wall | mean user+sys | load (1 min) before-after |"
echo "|---|---|---|---|---|---|"
for command in "--help" "budget status --agent-id $agent"; do
  read -ra args <<<"$command"
  shown="${command/$agent/ID}"
  if [[ -n "$old" ]]; then
    series "$shown: old build, java -jar" java -jar "$old/caracal-cli.jar" "${args[@]}"
  fi
  series "$shown: java -jar (JVM defaults)" java -jar "$jar" "${args[@]}"
  series "$shown: + C1 only, serial GC" java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -jar "$jar" "${args[@]}"
  series "$shown: ./caracal (+ class data sharing archive)" "$root/caracal" "${args[@]}"
done
