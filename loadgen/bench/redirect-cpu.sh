#!/usr/bin/env bash
# CPU per redirect of the dispatcher against the native reference redirect server (redirsrv.c: a
# single-threaded epoll loop that answers every CONNECT with a fixed CONNACK 0x9C and closes), both
# driven by the same native load tool (connflood.c) on loopback. Each server is pinned to core 0 and
# the load tool to core 1, so the figure is server CPU time per exchange, not a throughput race.
#
# usage: loadgen/bench/redirect-cpu.sh [RUNS] [CONCURRENCY] [SECONDS]    (needs gcc, mosquitto, built jars)
# DISPATCHER_ARGS adds dispatcher options, e.g. DISPATCHER_ARGS="--routing-file loadgen/bench/routing-bench.yaml"
# to measure a redirect that goes through routing rules.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
runs=${1:-3}; conc=${2:-64}; secs=${3:-5}
"$here/build.sh"
for jar in dispatcher probe; do
  [ -f "$root/$jar/target/$jar.jar" ] || { echo "missing $jar/target/$jar.jar: mvn -B -q package -DskipTests" >&2; exit 2; }
done
command -v mosquitto >/dev/null || [ -x /usr/sbin/mosquitto ] || { echo "needs mosquitto (apt-get install -y mosquitto)" >&2; exit 2; }
mosq=$(command -v mosquitto || echo /usr/sbin/mosquitto)

tmp=$(mktemp -d); pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT INT TERM
base=$((20000 + RANDOM % 20000))
broker=$base devices=$((base + 1)) probes=$((base + 2)) admin=$((base + 3)) native=$((base + 4))
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$tmp/secret"
printf 'listener %d 127.0.0.1\nallow_anonymous true\npersistence false\n' "$broker" > "$tmp/m.conf"
"$mosq" -c "$tmp/m.conf" >/dev/null 2>&1 & pids+=($!)
taskset -c 0 java -jar "$root/dispatcher/target/dispatcher.jar" --io-threads 1 --listen 127.0.0.1:$devices \
  --probe-listen 127.0.0.1:$probes --admin-listen 127.0.0.1:$admin --probe-secret-file "$tmp/secret" \
  --allow 127.0.0.1 ${DISPATCHER_ARGS:-} >"$tmp/dispatcher.log" 2>&1 & dpid=$!; pids+=($dpid)
sleep 2
java -jar "$root/probe/target/probe.jar" --broker-id bench --endpoint mqtt=127.0.0.1:$broker \
  --dispatcher 127.0.0.1:$probes --secret-file "$tmp/secret" >"$tmp/probe.log" 2>&1 & pids+=($!)
taskset -c 0 "$here/bin/redirsrv" $native 127.0.0.1:$broker & rpid=$!; pids+=($rpid)
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$admin/ready" >/dev/null && break; sleep 0.2
done
curl -sf "http://127.0.0.1:$admin/ready" >/dev/null || { echo "dispatcher never became ready; log: $tmp/dispatcher.log" >&2; exit 1; }

echo "warm-up (JIT) ..."
"$here/cpu_per_op.sh" $dpid $devices $conc $secs >/dev/null
for i in $(seq 1 "$runs"); do
  d=$("$here/cpu_per_op.sh" $dpid $devices $conc $secs | tail -1 | awk '{print $(NF-1)}')
  r=$("$here/cpu_per_op.sh" $rpid $native $conc $secs | tail -1 | awk '{print $(NF-1)}')
  awk -v d="$d" -v r="$r" -v i="$i" 'BEGIN{printf "run %d: dispatcher %.1f us/redirect, native reference %.1f us/redirect, ratio %.2f\n", i, d, r, d/r}'
done
