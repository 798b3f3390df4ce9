#!/usr/bin/env bash
# Where a redirect's CPU goes in the dispatcher: perf samples of the dispatcher process (all its
# threads) under connflood, with JIT-compiled Java named through the JVM's perf map, and its GC log.
# The dispatcher runs as redirect-cpu.sh runs it (--io-threads 1, pinned to core 0, a probe beside one
# Mosquitto, connflood pinned to core 1), warms up for WARMUP seconds of the same kind of device, then
# perf records SECONDS of it. Prints the top frames by share of the samples (self time), the shares of
# kernel, JIT-compiled Java, the JVM and libraries, the share of each thread, and young collections
# per second with their mean pause.
#
# usage: loadgen/bench/profile-redirect.sh [clean|session] [SECONDS] [WARMUP]   (defaults clean 10 30)
#   TRANSPORT     io_uring (default), epoll or nio
#   JAVA_OPTS     extra JVM options for the dispatcher (e.g. "-XX:+UseParallelGC")
#   BARE=1        profile the bare Netty redirect server (BareRedirectServer) instead of the dispatcher
#   OUT           where perf.data, the perf map, the GC log and the report go (default: a new temp dir)
# needs perf (linux-perf), gcc, mosquitto, and root or kernel.perf_event_paranoid <= 1.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
mode=${1:-clean}; secs=${2:-10}; warmup=${3:-30}
case "$mode" in clean|session) ;; *) echo "the first argument is clean or session, was: $mode" >&2; exit 2 ;; esac
transport=${TRANSPORT:-io_uring}; bare=${BARE:-0}
command -v perf >/dev/null || { echo "needs perf (apt-get install -y linux-perf)" >&2; exit 2; }
"$here/build.sh" >/dev/null
BENCH_TEST_CLASSPATH=$bare "$here/build-jars.sh"
mosq=${MOSQUITTO:-$(command -v mosquitto || true)}
[ -n "$mosq" ] && [ -x "$mosq" ] || { echo "needs mosquitto on the PATH or named by MOSQUITTO=/path/to/mosquitto" >&2; exit 2; }

out=${OUT:-$(mktemp -d)}; mkdir -p "$out"; pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM
base=$((20000 + RANDOM % 20000))
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$out/secret"
printf 'listener %d 127.0.0.1\nallow_anonymous true\npersistence false\n' "$base" > "$out/m.conf"
"$mosq" -c "$out/m.conf" >/dev/null 2>&1 & pids+=($!)
# Frame pointers for perf's call graphs; the perf map names JIT-compiled methods.
jvm=(-XX:+PreserveFramePointer -XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit
  "-Xlog:gc:file=$out/gc.log:uptime" ${JAVA_OPTS:-})
if [ "$bare" = 1 ]; then
  # shellcheck disable=SC2086
  taskset -c 0 java "${jvm[@]}" -cp "$root/dispatcher/target/test-classes:$root/dispatcher/target/classes:$(cat "$root/dispatcher/target/bench-classpath.txt")" \
    io.mqttdispatcher.bench.BareRedirectServer $((base + 10)) 127.0.0.1:$base "$transport" >"$out/server.log" 2>&1 & spid=$!; pids+=($spid)
  for _ in $(seq 1 150); do (exec 3<>/dev/tcp/127.0.0.1/$((base + 10))) 2>/dev/null && break; sleep 0.2; done
else
  taskset -c 0 java "${jvm[@]}" -jar "$root/dispatcher/target/dispatcher.jar" --io-threads 1 --transport "$transport" \
    --listen 127.0.0.1:$((base + 10)) --probe-listen 127.0.0.1:$((base + 11)) \
    --admin-listen 127.0.0.1:$((base + 12)) --probe-secret-file "$out/secret" --allow 127.0.0.1 \
    >"$out/server.log" 2>&1 & spid=$!; pids+=($spid)
  java -jar "$root/probe/target/probe.jar" --broker-id bench --endpoint mqtt=127.0.0.1:$base \
    --dispatcher 127.0.0.1:$((base + 11)) --secret-file "$out/secret" >"$out/probe.log" 2>&1 & pids+=($!)
  for _ in $(seq 1 150); do curl -sf "http://127.0.0.1:$((base + 12))/ready" >/dev/null && break; sleep 0.2; done
  curl -sf "http://127.0.0.1:$((base + 12))/ready" >/dev/null || { echo "the dispatcher never became ready:" >&2; tail -5 "$out/server.log" >&2; exit 1; }
fi
session=0; [ "$mode" = session ] && session=1
flood() { CONNFLOOD_SESSION=$session CONNFLOOD_SEQ0=$1 taskset -c 1 "$here/bin/connflood" 127.0.0.1 $((base + 10)) 64 "$2" | head -1; }
echo "warm-up: ${warmup}s of $mode devices: $(flood 0 "$warmup")"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
gc0=$(grep -c 'Pause Young' "$out/gc.log" || true); t0=$(awk '{print $14+$15}' "/proc/$spid/stat")
perf record -q -g -p "$spid" -o "$out/perf.data" -- sleep "$secs" 2>/dev/null & ppid=$!
result=$(flood 100000000 "$secs")
wait $ppid || true
t1=$(awk '{print $14+$15}' "/proc/$spid/stat")
n=$(echo "$result" | awk '{print $2}')
echo "profiled: ${secs}s: $result"
echo "process CPU per redirect: $(awk -v a="$t0" -v b="$t1" -v n="$n" -v t="$(getconf CLK_TCK)" 'BEGIN {printf "%.1f us", (b - a) / t * 1e6 / n}')"
kill "$spid"; wait "$spid" 2>/dev/null || true   # DumpPerfMapAtExit writes /tmp/perf-PID.map now
for _ in $(seq 1 50); do [ -s "/tmp/perf-$spid.map" ] && break; sleep 0.1; done
cp "/tmp/perf-$spid.map" "$out/" 2>/dev/null || echo "no perf map was written: Java frames stay unnamed" >&2
# young collections in the profiled seconds (the GC log's pauses since the profile began)
awk -v skip="$gc0" -v secs="$secs" '/Pause Young/ { if (++n > skip) { m++; ms += $NF + 0 } }
  END { printf "young collections while profiled: %d (%.1f/s), mean pause %.2f ms\n", m, m / secs, m ? ms / m : 0 }' "$out/gc.log"
echo
echo "== share of samples by where the code lives =="
perf report -i "$out/perf.data" --no-children --sort dso --stdio -g none 2>/dev/null | grep -v '^#' | grep -v '^$' | head -12
echo
echo "== share of samples by thread =="
perf report -i "$out/perf.data" --no-children --sort comm --stdio -g none 2>/dev/null | grep -v '^#' | grep -v '^$' | head -12
echo
echo "== top frames (self) =="
perf report -i "$out/perf.data" --no-children --sort sym --stdio -g none 2>/dev/null | grep -v '^#' | grep -v '^$' | head -40
echo
echo "perf.data, perf map, GC log: $out   (perf report -i $out/perf.data)"
