# Sourced by run-gateway-bench.sh and run-llm-bench.sh after gateway-bench-setup.sh, with duration (per row) and lua
# set: the gateway bench server's start, check and stop, and measuring one wrk row with the CPU time each process
# spent on it. Rows collect in rows; print_rows and field read them; exit_on_failures ends a run that had failed rows.
hz=$(getconf CLK_TCK)
nginx_alive() { kill -0 "$nginx_pid" 2>/dev/null || { echo "our nginx is not running (ports 18091-18092 taken by another run?), see $work/error.log" >&2; exit 1; }; }
sleep 1
nginx_alive
gateway_pid="" postmaster="" redis="" servers=()
cleanup() {
  [[ -n $gateway_pid ]] && stop_gateway
  kill "$nginx_pid" 2>/dev/null || true
}
trap cleanup EXIT

# --- CPU accounting ------------------------------------------------------------------------------------------------
# utime + stime of one process (all its threads) in clock ticks; with "reaped" also the cutime + cstime of its
# children that exited (the postmaster's backends that ended between two samples).
ticks_of() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }
  local -a f
  read -r -a f <<< "${stat##*) }" # the fields after "pid (comm) ": f[11] utime, f[12] stime, f[13] cutime, f[14] cstime
  if [[ ${2:-} == reaped ]]; then echo $(( f[11] + f[12] + f[13] + f[14] )); else echo $(( f[11] + f[12] )); fi
}
descendants() { local child; for child in $(pgrep -P "$1" || true); do echo "$child"; descendants "$child"; done; }
tree_ticks() { # a process, counting what its exited children used, and all its living descendants
  local total pid
  total=$(ticks_of "$1" reaped)
  for pid in $(descendants "$1"); do total=$(( total + $(ticks_of "$pid") )); done
  echo "$total"
}
# "nginx jvm postgres redis" in clock ticks; "-" for a process that is not running (no gateway, or a pass-through
# server without PostgreSQL and Redis).
cpu_sample() {
  if [[ -n $postmaster ]]; then
    echo "$(tree_ticks "$nginx_pid") $(ticks_of "$gateway_pid") $(tree_ticks "$postmaster") $(ticks_of "$redis")"
  elif [[ -n $gateway_pid ]]; then
    echo "$(tree_ticks "$nginx_pid") $(ticks_of "$gateway_pid") - -"
  else
    echo "$(tree_ticks "$nginx_pid") - - -"
  fi
}

# --- the gateway server ------------------------------------------------------------------------------------------
start_gateway() { # fsync on|off, then any more upstreams as <name>:<type>:<url> (see GatewayBenchServer)
  local fsync=$1
  shift
  rm -f "$work/keys" "$work/info"
  java -Xms512m -Xmx1g -cp "$classpath" io.caracal.bench.GatewayBenchServer 18093 http://127.0.0.1:18091/v1 \
    "$work/keys" "$fsync" "$work/info" "$@" > "$work/gateway-fsync-$fsync.log" 2>&1 &
  gateway_pid=$!
  for _ in $(seq 1 180); do
    [[ -s $work/keys ]] && break
    kill -0 "$gateway_pid" 2>/dev/null || { tail -30 "$work/gateway-fsync-$fsync.log"; gateway_pid=""; echo "gateway did not start" >&2; exit 1; }
    sleep 1
  done
  [[ -s $work/keys ]] || { echo "gateway not ready after 180 s, see $work/gateway-fsync-$fsync.log" >&2; exit 1; }
  postmaster=$(awk '$1 == "postgres" {print $2}' "$work/info")
  redis=$(awk '$1 == "redis" {print $2}' "$work/info")
  servers+=("gateway (fsync $fsync): PostgreSQL $(sed -n 's/^settings //p' "$work/info"), pool size $(awk '$1 == "pool" {print $2}' "$work/info")")
  echo "${servers[-1]}"
}
stop_gateway() { # SIGTERM: the JVM's shutdown hook stops the gateway, Redis and PostgreSQL
  kill "$gateway_pid" 2>/dev/null || true
  wait "$gateway_pid" 2>/dev/null || true
  if [[ -n $postmaster ]]; then
    for _ in $(seq 1 30); do kill -0 "$postmaster" 2>/dev/null || break; sleep 1; done
    kill "$postmaster" 2>/dev/null || true # only if the shutdown hook did not stop it
  fi
  gateway_pid="" postmaster="" redis=""
}
# One request by hand before trusting wrk: it must be a 200 that the gateway charged, in the X-Caracal-Charged
# header, or for a stream (its headers went out before its cost was known) in a last ": X-Caracal-Charged:" comment.
check_gateway() { # url [request: generic (default), openai or openai-stream, as in gateway-bench.lua]
  local url=$1 request=${2:-generic} response charged
  local body='{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hello"}],"max_completion_tokens":16'
  local -a estimate=()
  case $request in
    generic) estimate=(-H "X-Caracal-Estimated-Cost: 0.0001") body+='}' ;;
    openai) body+='}' ;;
    openai-stream) body+=',"stream":true}' ;;
  esac
  response=$(curl -s -D - -X POST "$url" -H "X-API-Key: $(head -1 "$work/keys")" "${estimate[@]}" \
    -H "Content-Type: application/json" --data-binary "$body" | tr -d '\r')
  if [[ $request == openai-stream ]]; then
    charged=$(grep '^: X-Caracal-Charged:' <<< "$response" | tail -1)
  else
    charged=$(sed '/^$/q' <<< "$response" | grep -i '^X-Caracal-Charged:')
  fi
  echo "check $request: $(head -1 <<< "$response"), ${charged:-not charged}"
  head -1 <<< "$response" | grep -q ' 200' && [[ -n $charged ]] \
    || { echo "the gateway does not answer $url with a 200 and a charge: not benchmarking it" >&2; exit 1; }
}

# --- one row -------------------------------------------------------------------------------------------------------
wrk_headers=() # more headers for every request of the rows run while set, as wrk -H arguments (a peer proxy's own)
rows=() # target|scenario|connections|fsync|req/s|p50 ms|p99 ms|non-2xx|socket errors|CPU µs/req nginx|jvm|pg|redis|total
failures=0
run() { # target url scenario connections fsync [request, default generic: see gateway-bench.lua]
  local target=$1 url=$2 scenario=$3 connections=$4 fsync=$5 request=${6:-generic}
  local keys=$([[ $scenario == "hot agent" ]] && echo 1 || echo 64)
  local threads=$(( connections < 2 ? 1 : 2 )) # wrk needs a connection per thread
  local out="$work/wrk-${target//[ ,]/-}-${scenario// /-}-c$connections-fsync-$fsync.txt"
  nginx_alive
  local before after
  before=$(cpu_sample)
  wrk -t"$threads" -c"$connections" -d"$duration" --latency "${wrk_headers[@]}" -s "$lua" "$url" -- "$work/keys" "$keys" "$request" > "$out"
  sleep 0.2 # let work behind the last responses finish inside the sample
  after=$(cpu_sample)
  local result
  result=$(grep '^result ' "$out") || { cat "$out"; echo "wrk gave no result" >&2; exit 1; }
  local row
  row=$(awk -v target="$target" -v scenario="$scenario" -v c="$connections" -v fsync="$fsync" -v hz="$hz" \
      -v before="$before" -v after="$after" -v result="$result" 'BEGIN {
    n = split(result, kv, /[ =]/); for (i = 2; i < n; i += 2) r[kv[i]] = kv[i + 1]
    split(before, b, " "); split(after, a, " ")
    req = r["requests"]; total = 0
    for (i = 1; i <= 4; i++) {
      if (b[i] == "-") { us[i] = "—"; continue }
      v = req > 0 ? (a[i] - b[i]) * 1e6 / hz / req : 0; total += v; us[i] = sprintf("%.0f", v)
    }
    printf "%s|%s|%s|%s|%.0f|%.3f|%.3f|%d|%d|%s|%s|%s|%s|%.0f|%d\n", target, scenario, c, fsync,
      req * 1e6 / r["duration_us"], r["p50_us"] / 1000, r["p99_us"] / 1000, r["non2xx"], r["socket_errors"],
      us[1], us[2], us[3], us[4], total, req
  }')
  local requests=${row##*|}
  row=${row%|*}
  local -a f
  IFS='|' read -r -a f <<< "$row"
  if (( requests == 0 || (f[7] + f[8]) * 100 > requests )); then
    failures=$(( failures + 1 ))
    echo "!!! $target, $scenario, $connections conn, fsync $fsync: ${f[7]} non-2xx and ${f[8]} socket errors of $requests requests (see $out)" >&2
  fi
  rows+=("$row")
  printf '%-38s %-10s c=%-2s fsync=%-3s %8s req/s  p50 %7s ms  p99 %7s ms  non-2xx %s  CPU %s µs/req\n' \
    "$target" "$scenario" "$connections" "$fsync" "${f[4]}" "${f[5]}" "${f[6]}" "${f[7]}" "${f[13]}"
}

# --- the results ---------------------------------------------------------------------------------------------------
run_header() { # what was run, on what, for the table's caption
  echo "$(git rev-parse --short HEAD) $(git status --porcelain | grep -q . && echo '(with local changes)'), $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $duration per row"
}
print_rows() { # the targets, in the order their rows are to be listed
  local server target row
  for server in "${servers[@]}"; do echo "$server  "; done
  echo "CPU: µs of CPU time per request (utime + stime from /proc); nginx serves the stub in every row, and proxies in the nginx rows; the gateway JVM column is node's in the Portkey rows."
  echo
  echo "| target | scenario | conn | fsync | req/s | p50 ms | p99 ms | non-2xx | socket errors | CPU nginx | CPU gateway JVM | CPU PostgreSQL | CPU Redis | CPU total |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  for target in "$@"; do
    for row in "${rows[@]}"; do
      if [[ ${row%%|*} == "$target" ]]; then echo "| ${row//|/ | } |"; fi
    done
  done
}
field() { # target scenario connections fsync column
  local row
  for row in "${rows[@]}"; do
    IFS='|' read -r -a f <<< "$row"
    [[ ${f[0]} == "$1" && ${f[1]} == "$2" && ${f[2]} == "$3" && ${f[3]} == "$4" ]] && { echo "${f[$5]}"; return; }
  done
}
exit_on_failures() {
  if (( failures > 0 )); then
    echo
    echo "**$failures row(s) had more than 1 % failed requests: not a result** (wrk output in $work)."
    exit 1
  fi
}
