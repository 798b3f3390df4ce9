#!/usr/bin/env bash
# How soon a restarted dispatcher serves redirects: a Mosquitto and a probe keep running while the
# dispatcher is killed (SIGKILL, as a crash or a node loss) and started again. Per run, from the
# dispatcher's start: when its admin API answers /ready, and when a device (one raw MQTT v5
# CONNECT, retried every 10 ms while the port is closed) gets its first CONNACK 0x9C with a Server
# Reference. A CONNECT that arrives before the probe has reconnected is held, so the second figure
# is the dispatcher's start plus the probe's reconnect.
#
# usage: loadgen/bench/dispatcher-restart.sh [RUNS]
#        (default 5; needs mosquitto, python3 and the jars: mvn -B -q package -DskipTests)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
runs=${1:-5}
for jar in dispatcher probe; do
  [ -f "$root/$jar/target/$jar.jar" ] || { echo "missing $jar/target/$jar.jar: mvn -B -q package -DskipTests" >&2; exit 2; }
done
mosq=${MOSQUITTO:-$(command -v mosquitto || true)}   # MOSQUITTO names it, else the PATH's
[ -n "$mosq" ] && [ -x "$mosq" ] || { echo "needs mosquitto on the PATH or named by MOSQUITTO=/path/to/mosquitto (apt-get install -y mosquitto)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "needs python3" >&2; exit 2; }

tmp=$(mktemp -d); pids=(); dpid=
cleanup() { for p in "${pids[@]}" $dpid; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT INT TERM
base=$((20000 + RANDOM % 20000))
broker=$base devices=$((base + 1)) probes=$((base + 2)) admin=$((base + 3))
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$tmp/secret"
printf 'listener %d 127.0.0.1\nallow_anonymous true\npersistence false\n' "$broker" > "$tmp/m.conf"
"$mosq" -c "$tmp/m.conf" >/dev/null 2>&1 & pids+=($!)

# One device: connect (retrying while refused), send CONNECT, read the CONNACK; prints ms from $1
# (epoch ns) to the first CONNACK with reason 0x9C, within 60 s.
cat > "$tmp/device.py" <<'PY'
import socket, sys, time
start_ns, port = int(sys.argv[1]), int(sys.argv[2])
cid = b"restart-probe-device"
body = b"\x00\x04MQTT\x05\x02\x00\x3c\x00" + len(cid).to_bytes(2, "big") + cid
packet = b"\x10" + bytes([len(body)]) + body
deadline = time.time() + 60
while time.time() < deadline:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
            s.sendall(packet)
            data = s.recv(256)
            if len(data) >= 4 and data[0] == 0x20 and data[3] == 0x9C:
                print((time.time_ns() - start_ns) // 1_000_000)
                sys.exit(0)
    except OSError:
        pass
    time.sleep(0.01)
print("no redirect within 60 s", file=sys.stderr)
sys.exit(1)
PY

start_dispatcher() {
  java -jar "$root/dispatcher/target/dispatcher.jar" --listen 127.0.0.1:$devices --probe-listen 127.0.0.1:$probes \
    --admin-listen 127.0.0.1:$admin --probe-secret-file "$tmp/secret" --allow 127.0.0.1 >>"$tmp/dispatcher.log" 2>&1 &
  dpid=$!
}
ready_ms() { # ms from $1 (epoch ns) until /ready answers, within 60 s
  for _ in $(seq 6000); do
    curl -sf "http://127.0.0.1:$admin/ready" >/dev/null 2>&1 && { echo $(( ($(date +%s%N) - $1) / 1000000 )); return 0; }
    sleep 0.01
  done
  echo "the dispatcher never became ready" >&2; tail -5 "$tmp/dispatcher.log" >&2; exit 1
}
start_dispatcher
java -jar "$root/probe/target/probe.jar" --broker-id b --endpoint mqtt=127.0.0.1:$broker \
  --secret-file "$tmp/secret" --dispatcher 127.0.0.1:$probes >"$tmp/probe.log" 2>&1 & pids+=($!)
t=$(date +%s%N); ready_ms "$t" >/dev/null; python3 "$tmp/device.py" "$t" $devices >/dev/null

echo "run  start to ready (ms)  start to first redirect (ms)"
for run in $(seq "$runs"); do
  sleep 2  # the probe's link has been up a while, as in a running deployment
  kill -9 "$dpid"; wait "$dpid" 2>/dev/null || true
  t=$(date +%s%N)
  start_dispatcher
  python3 "$tmp/device.py" "$t" $devices > "$tmp/redirect" & dev=$!
  ready=$(ready_ms "$t")
  wait "$dev"
  printf '%3d  %19d  %28d\n' "$run" "$ready" "$(cat "$tmp/redirect")"
done
