#!/usr/bin/env bash
# How soon a broker is usable again: the time from starting the probe's JVM to the dispatcher seeing
# its broker usable (probe start to first report), and from (re)starting the broker beside a probe
# that already runs to usable (broker start to usable). The figures of a power cut's recovery.
#
# usage: loadgen/bench/probe-start.sh [RUNS] [JAVA_OPTIONS...]
#        (default 5 runs; the probe runs with the JVM options the loadgen's stacks use unless others
#        are given; needs mosquitto and the jars: mvn -B -q package -DskipTests)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
runs=${1:-5}; shift || true
jvm=("$@")
[ ${#jvm[@]} -gt 0 ] || jvm=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData -Xmx64m)
for jar in dispatcher probe; do
  [ -f "$root/$jar/target/$jar.jar" ] || { echo "missing $jar/target/$jar.jar: mvn -B -q package -DskipTests" >&2; exit 2; }
done
mosq=${MOSQUITTO:-$(command -v mosquitto || true)}   # MOSQUITTO names it, else the PATH's
[ -n "$mosq" ] && [ -x "$mosq" ] || { echo "needs mosquitto on the PATH or named by MOSQUITTO=/path/to/mosquitto (apt-get install -y mosquitto)" >&2; exit 2; }

tmp=$(mktemp -d); pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT INT TERM
base=$((20000 + RANDOM % 20000))
broker=$base devices=$((base + 1)) probes=$((base + 2)) admin=$((base + 3))
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$tmp/secret"
printf 'listener %d 127.0.0.1\nallow_anonymous true\npersistence false\n' "$broker" > "$tmp/m.conf"
java -jar "$root/dispatcher/target/dispatcher.jar" --listen 127.0.0.1:$devices --probe-listen 127.0.0.1:$probes \
  --admin-listen 127.0.0.1:$admin --probe-secret-file "$tmp/secret" --allow 127.0.0.1 >"$tmp/dispatcher.log" 2>&1 &
pids+=($!)

now() { date +%s%N; }
usable() { curl -s "http://127.0.0.1:$admin/brokers" 2>/dev/null | grep -q '"usable":1,'; }
wait_until() { # $1: true|false (usable or not), within 60 s in 10 ms steps
  for _ in $(seq 6000); do
    if usable; then [ "$1" = true ] && return 0; else [ "$1" = false ] && return 0; fi
    sleep 0.01
  done
  echo "timed out waiting for usable=$1" >&2; exit 1
}
for _ in $(seq 300); do curl -s "http://127.0.0.1:$admin/health" >/dev/null && break; sleep 0.1; done

echo "run  probe start to usable (ms)  broker restart to usable (ms)"
for run in $(seq "$runs"); do
  "$mosq" -c "$tmp/m.conf" >/dev/null 2>&1 & mpid=$!
  for _ in $(seq 100); do (echo >/dev/tcp/127.0.0.1/$broker) 2>/dev/null && break; sleep 0.05; done
  t0=$(now)
  java "${jvm[@]}" -jar "$root/probe/target/probe.jar" --broker-id b --endpoint mqtt=127.0.0.1:$broker \
    --secret-file "$tmp/secret" --dispatcher 127.0.0.1:$probes --pid "$mpid" >"$tmp/probe.log" 2>&1 &
  ppid=$!
  wait_until true
  probe_ms=$(( ($(now) - t0) / 1000000 ))
  kill -9 "$mpid"; wait "$mpid" 2>/dev/null || true
  wait_until false
  t1=$(now)
  "$mosq" -c "$tmp/m.conf" >/dev/null 2>&1 & mpid=$!
  wait_until true
  broker_ms=$(( ($(now) - t1) / 1000000 ))
  printf '%3d  %27d  %29d\n' "$run" "$probe_ms" "$broker_ms"
  kill "$ppid" "$mpid" 2>/dev/null || true; wait "$ppid" "$mpid" 2>/dev/null || true
  wait_until false
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
