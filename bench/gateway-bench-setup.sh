# Sourced by run-gateway-bench.sh, run-llm-bench.sh and run-soak.sh, with $root set: checks that no other run holds
# the bench's ports, builds this tree and starts nginx (the stub on 18091, the reverse proxy on 18092). Sets work,
# classpath and nginx_pid. MVN_ARGS: more arguments for the build, e.g. -o to build offline.
work=/tmp/caracal-bench-nginx # nginx-bench.conf keeps its pid, logs and temp files here
mkdir -p "$work"
cd "$root"
for port in 18091 18092 18093 18094; do # another run's servers would answer in place of ours
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "port $port is in use: is another bench running?" >&2; exit 1; fi
done
# Build the reactor (never install: ~/.m2 is shared) and take the classpath from it, so the bench runs this tree.
mvn -B -q ${MVN_ARGS:-} -pl bench -am package dependency:build-classpath -DskipTests -Dmdep.outputFile=target/classpath.txt
classpath="bench/target/classes:$(cat bench/target/classpath.txt)"
nginx -c "$root/bench/nginx-bench.conf" -p "$work" &
nginx_pid=$!
