#!/usr/bin/env bash
# Redirects per second of the dispatcher with one event loop (--io-threads 1) and with two
# (--io-threads 2), side by side: both dispatchers run unpinned, the native load tool (connflood.c)
# drives one after the other, alternating, with client ids never seen before. On a 2-core machine the
# load tool shares the cores with the dispatcher, so the figures are lower bounds and the ratio says
# whether the second loop helps, not how far it would scale on more cores.
#
# usage: loadgen/bench/io-threads.sh [RUNS] [CONCURRENCY] [SECONDS]   (defaults 5 128 5)
#   TRANSPORT  the dispatchers' --transport (default io_uring)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
runs=${1:-5}; conc=${2:-128}; secs=${3:-5}; transport=${TRANSPORT:-io_uring}
"$here/build.sh" >/dev/null
"$here/build-jars.sh"
mosq=${MOSQUITTO:-$(command -v mosquitto || true)}
[ -n "$mosq" ] && [ -x "$mosq" ] || { echo "needs mosquitto on the PATH or named by MOSQUITTO=/path/to/mosquitto" >&2; exit 2; }

tmp=$(mktemp -d); pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT INT TERM
base=$((20000 + RANDOM % 20000))
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$tmp/secret"
printf 'listener %d 127.0.0.1\nallow_anonymous true\npersistence false\n' "$base" > "$tmp/m.conf"
"$mosq" -c "$tmp/m.conf" >/dev/null 2>&1 & pids+=($!)
for n in 1 2; do
  o=$((n * 10))
  java -jar "$root/dispatcher/target/dispatcher.jar" --io-threads $n --transport "$transport" \
    --listen 127.0.0.1:$((base + o)) --probe-listen 127.0.0.1:$((base + o + 1)) \
    --admin-listen 127.0.0.1:$((base + o + 2)) --probe-secret-file "$tmp/secret" --allow 127.0.0.1 \
    >"$tmp/d$n.log" 2>&1 & pids+=($!)
  java -jar "$root/probe/target/probe.jar" --broker-id bench --endpoint mqtt=127.0.0.1:$base \
    --dispatcher 127.0.0.1:$((base + o + 1)) --secret-file "$tmp/secret" >"$tmp/p$n.log" 2>&1 & pids+=($!)
  for _ in $(seq 1 150); do curl -sf "http://127.0.0.1:$((base + o + 2))/ready" >/dev/null && break; sleep 0.2; done
  curl -sf "http://127.0.0.1:$((base + o + 2))/ready" >/dev/null || { echo "dispatcher --io-threads $n never became ready:" >&2; tail -5 "$tmp/d$n.log" >&2; exit 1; }
done
seq0=0
# flood N SECONDS: sets rate (exchanges per second against the dispatcher with N loops)
flood() {
  local out
  out=$(CONNFLOOD_SEQ0=$seq0 "$here/bin/connflood" 127.0.0.1 $((base + $1 * 10)) "$conc" "$2" | head -1)
  rate=$(echo "$out" | awk '{sub("/s", "", $6); print $6}')
  seq0=$((seq0 + $(echo "$out" | awk '{print $2}') + $(echo "$out" | awk '{print $NF}') + conc))
}
echo "warm-up: 20 s against each dispatcher ..."
flood 1 20; flood 2 20
echo "commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown), $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, --transport $transport"
echo "load average before the runs: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%4s %14s %14s %6s\n' run "1 loop /s" "2 loops /s" ratio
ratios=()
for i in $(seq 1 "$runs"); do
  if [ $((i % 2)) -eq 1 ]; then flood 1 "$secs"; one=$rate; flood 2 "$secs"; two=$rate
  else flood 2 "$secs"; two=$rate; flood 1 "$secs"; one=$rate; fi
  r=$(awk -v a="$two" -v b="$one" 'BEGIN {printf "%.2f", a / b}'); ratios+=("$r")
  printf '%4d %14s %14s %6s\n' "$i" "$one" "$two" "$r"
done
echo "load average after the runs: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%s\n' "${ratios[@]}" | sort -n | awk '{v[NR] = $1} END {
  m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
  printf "2 loops / 1 loop, redirects per second: %.2f-%.2f over %d runs, median %.2f\n", v[1], v[NR], NR, m }'
