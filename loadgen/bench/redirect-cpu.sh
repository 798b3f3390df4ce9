#!/usr/bin/env bash
# CPU per redirect of the dispatcher against the native reference redirect server (redirsrv.c: a
# single-threaded epoll loop that answers every CONNECT with a fixed CONNACK 0x9C and closes), both
# driven by the same native load tool (connflood.c) on loopback. Each server is pinned to core 0 and
# the load tool to core 1, so the figure is server CPU time per exchange (utime+stime of the whole
# process, JIT and GC threads included), not a throughput race.
#
# The same measurement as cpu_per_op.sh in this folder, with what makes single runs of it disagree
# from one day to the next taken out of the result:
# - clean devices and session devices (CONNFLOOD_SESSION=1: Clean Start 0, Session Expiry 3600 s);
# - every connection a client id never seen before (CONNFLOOD_SEQ0 moves on), as in a real fleet
#   and as in a fresh process measured once: repeating ids would measure returning devices instead;
# - a warm-up of both kinds of device first (WARMUP seconds each): the JIT compiles for tens of
#   seconds after start, and its threads' CPU counts against the dispatcher;
# - each run measures both servers back to back for each kind of device, the order alternating
#   from run to run, and prints the ratio of that run; the summary gives the spread over the runs.
#
# usage: loadgen/bench/redirect-cpu.sh [RUNS] [CONCURRENCY] [SECONDS] [WARMUP]
#        (defaults 6 64 5 20; needs gcc, mosquitto and the jars: mvn -B -q package -DskipTests)
# DISPATCHER_ARGS adds dispatcher options, e.g. DISPATCHER_ARGS="--routing-file loadgen/bench/routing-bench.yaml"
# to measure a redirect that goes through routing rules.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
runs=${1:-6}; conc=${2:-64}; secs=${3:-5}; warmup=${4:-20}
"$here/build.sh" >/dev/null
for jar in dispatcher probe; do
  [ -f "$root/$jar/target/$jar.jar" ] || { echo "missing $jar/target/$jar.jar: mvn -B -q package -DskipTests" >&2; exit 2; }
done
mosq=${MOSQUITTO:-$(command -v mosquitto || true)}   # MOSQUITTO names it, else the PATH's
[ -n "$mosq" ] && [ -x "$mosq" ] || { echo "needs mosquitto on the PATH or named by MOSQUITTO=/path/to/mosquitto (apt-get install -y mosquitto)" >&2; exit 2; }

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
java -jar "$root/probe/target/probe.jar" --broker-id bench --endpoint mqtt=127.0.0.1:$broker \
  --dispatcher 127.0.0.1:$probes --secret-file "$tmp/secret" >"$tmp/probe.log" 2>&1 & pids+=($!)
taskset -c 0 "$here/bin/redirsrv" $native 127.0.0.1:$broker & rpid=$!; pids+=($rpid)
for _ in $(seq 1 150); do
  curl -sf "http://127.0.0.1:$admin/ready" >/dev/null && break; sleep 0.2
done
curl -sf "http://127.0.0.1:$admin/ready" >/dev/null || { echo "dispatcher never became ready; log: $tmp/dispatcher.log" >&2; exit 1; }

tick=$(getconf CLK_TCK)
seq0=0
# measure PID PORT MODE SECONDS -> CPU microseconds per exchange; moves seq0 past every id it used
measure() {
  local session=0 a b out n errs; [ "$3" = session ] && session=1
  a=$(awk '{print $14+$15}' "/proc/$1/stat")
  out=$(CONNFLOOD_SESSION=$session CONNFLOOD_SEQ0=$seq0 taskset -c 1 "$here/bin/connflood" 127.0.0.1 "$2" "$conc" "$4" | head -1)
  b=$(awk '{print $14+$15}' "/proc/$1/stat")
  n=$(echo "$out" | awk '{print $2}'); errs=$(echo "$out" | awk '{print $NF}')
  seq0=$((seq0 + n + errs + conc))
  awk -v a="$a" -v b="$b" -v n="$n" -v t="$tick" 'BEGIN {printf "%.1f", (b - a) / t * 1e6 / n}'
}

echo "warm-up: ${warmup}s of clean and ${warmup}s of session devices against each server ..."
for mode in clean session; do
  measure $dpid $devices $mode "$warmup" >/dev/null
  measure $rpid $native $mode "$warmup" >/dev/null
done
echo "load average before the runs: $(cut -d' ' -f1-3 /proc/loadavg) (CPU per exchange grows on a busy machine)"
printf '%4s %8s %12s %12s %6s\n' run devices dispatcher reference ratio
results=()
for i in $(seq 1 "$runs"); do
  for mode in clean session; do
    if [ $((i % 2)) -eq 1 ]; then
      d=$(measure $dpid $devices $mode "$secs"); r=$(measure $rpid $native $mode "$secs")
    else
      r=$(measure $rpid $native $mode "$secs"); d=$(measure $dpid $devices $mode "$secs")
    fi
    ratio=$(awk -v d="$d" -v r="$r" 'BEGIN {printf "%.2f", d / r}')
    printf '%4d %8s %9s us %9s us %6s\n' "$i" "$mode" "$d" "$r" "$ratio"
    results+=("$mode $ratio")
  done
done
for mode in clean session; do
  printf '%s\n' "${results[@]}" | awk -v m="$mode" '$1 == m {print $2}' | sort -n | awk -v m="$mode" '
    {v[NR] = $1} END {med = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
      printf "%s devices: dispatcher/reference CPU per redirect %.2f-%.2fx over %d runs, median %.2fx\n", m, v[1], v[NR], NR, med}'
done
echo "load average after the runs: $(cut -d' ' -f1-3 /proc/loadavg)"
