#!/usr/bin/env bash
# Measures the probe's own CPU cost: runs probe.jar at --interval 1s beside a Mosquitto broker
# (publishing $SYS every second) and a dispatcher, all on loopback, and reads the probe process's
# utime+stime from /proc/PID/stat before and after a steady-state window (JVM start-up excluded).
#
#   probe/bench/probe-cpu.sh [SECONDS [WARMUP]]   (defaults 60 and 30; run from the repository root after
#                                                  'mvn -B package -DskipTests')
# JVM options for the probe go in PROBE_JAVA_OPTS, e.g.
#   PROBE_JAVA_OPTS='-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData -Xmx64m' probe/bench/probe-cpu.sh
set -euo pipefail
SECONDS_TO_MEASURE=${1:-60}
WARMUP=${2:-30}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d)
BASE=$(( 20000 + RANDOM % 30000 ))
MQTT=$BASE; DEVICES=$((BASE + 1)); PROBES=$((BASE + 2)); ADMIN=$((BASE + 3))
HZ=$(getconf CLK_TCK)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

printf 'listener %s 127.0.0.1\nallow_anonymous true\nsys_interval 1\n' "$MQTT" > "$WORK/mosquitto.conf"
echo bench-secret > "$WORK/secret"
MOSQ=${MOSQUITTO:-$(command -v mosquitto || true)}   # MOSQUITTO names it, else the PATH's
[ -n "$MOSQ" ] && [ -x "$MOSQ" ] || { echo "needs mosquitto on the PATH or named by MOSQUITTO=/path/to/mosquitto (apt-get install -y mosquitto)" >&2; exit 2; }
"$MOSQ" -c "$WORK/mosquitto.conf" 2> "$WORK/mosquitto.log" & PIDS+=($!); BROKER_PID=$!
java -jar "$ROOT/dispatcher/target/dispatcher.jar" --listen 127.0.0.1:$DEVICES --probe-listen 127.0.0.1:$PROBES \
  --admin-listen 127.0.0.1:$ADMIN --probe-secret-file "$WORK/secret" 2> "$WORK/dispatcher.log" & PIDS+=($!)
sleep 2
# shellcheck disable=SC2086
java ${PROBE_JAVA_OPTS:-} -jar "$ROOT/probe/target/probe.jar" --broker-id bench --endpoint mqtt=127.0.0.1:$MQTT \
  --dispatcher 127.0.0.1:$PROBES --secret-file "$WORK/secret" --interval 1s --pid "$BROKER_PID" \
  2> "$WORK/probe.log" & PIDS+=($!); PROBE=$!

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
sleep "$WARMUP"
curl -fsS "http://127.0.0.1:$ADMIN/brokers" | grep -q '"id":"bench"' || { echo "probe not registered"; cat "$WORK/probe.log"; exit 1; }
T0=$(ticks "$PROBE"); S0=$(date +%s.%N)
sleep "$SECONDS_TO_MEASURE"
T1=$(ticks "$PROBE"); S1=$(date +%s.%N)
TOTAL=$(ticks "$PROBE")
awk -v opts="${PROBE_JAVA_OPTS:-default}" -v t0="$T0" -v t1="$T1" -v s0="$S0" -v s1="$S1" -v hz="$HZ" -v total="$TOTAL" -v warm="$WARMUP" 'BEGIN {
  cpu = (t1 - t0) / hz; wall = s1 - s0;
  printf "probe CPU (JVM options: %s) over %.1f s of steady state: %.2f s = %.2f%% of one core (start-up and first %d s: %.2f s)\n",
    opts, wall, cpu, 100 * cpu / wall, warm, t0 / hz }'
