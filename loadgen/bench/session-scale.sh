#!/usr/bin/env bash
# Does the cost of a redirect stay flat however many distinct devices the dispatcher has seen?
# Runs the dispatcher jar (--io-threads 1, pinned to core 0) and drives it with connflood (pinned to
# core 1), every connection a client id never seen before, until IDS distinct ids have arrived:
# once with session devices (Clean Start 0, Session Expiry Interval 3600 s: each one gets a session
# record, so the table fills up to --affinity-records and then evicts), once with clean devices (no
# record), each mode against its own dispatcher. Both dispatchers run side by side and the chunks
# alternate between them (session chunk 1, clean chunk 1, session chunk 2, ...), so that both modes
# see the same machine at the same time: on a shared machine the CPU per redirect of anything moves
# by 30 % within minutes, and the clean devices, whose cost cannot depend on the ids seen, are the
# yardstick for the session devices. Per chunk of CHUNK seconds it prints redirects/s,
# the dispatcher's CPU time per redirect (utime+stime of the process over the chunk), heap used after
# a full GC (jcmd, run between chunks, so its CPU is not counted), and the session records held and
# evicted (admin /metrics), and the session/clean ratio of CPU per redirect. The last lines compare
# the last chunk with the first, per mode and for the ratio.
#
# usage: loadgen/bench/session-scale.sh [IDS] [CHUNK_SECONDS] [CONCURRENCY]
#        (needs gcc, mosquitto, a JDK's jcmd, and the jars: mvn -B -q package -DskipTests)
# env:   AFFINITY_RECORDS (default: the dispatcher's default), DISPATCHER_JAVA_OPTS (default -Xmx512m,
#        the heap of deploy/systemd), MODES (default "session clean"), WARMUP (seconds, default 20)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
ids=${1:-5000000}; chunk=${2:-10}; conc=${3:-64}; warmup=${WARMUP:-20}
modes=${MODES:-session clean}
java_opts=${DISPATCHER_JAVA_OPTS:--Xmx512m}
"$here/build.sh" >/dev/null
for jar in dispatcher probe; do
  [ -f "$root/$jar/target/$jar.jar" ] || { echo "missing $jar/target/$jar.jar: mvn -B -q package -DskipTests" >&2; exit 2; }
done
mosq=${MOSQUITTO:-$(command -v mosquitto || true)}   # MOSQUITTO names it, else the PATH's
[ -n "$mosq" ] && [ -x "$mosq" ] || { echo "needs mosquitto on the PATH or named by MOSQUITTO=/path/to/mosquitto (apt-get install -y mosquitto)" >&2; exit 2; }
command -v jcmd >/dev/null || { echo "needs jcmd (a JDK, not only a JRE)" >&2; exit 2; }

tmp=$(mktemp -d); pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT INT TERM
base=$((20000 + RANDOM % 20000))
broker=$base
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$tmp/secret"
printf 'listener %d 127.0.0.1\nallow_anonymous true\npersistence false\n' "$broker" > "$tmp/m.conf"
"$mosq" -c "$tmp/m.conf" >/dev/null 2>&1 & pids+=($!)
tick=$(getconf CLK_TCK)

cpu_ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
metric() { awk -v m="$1" '$1 == m {printf "%d", $2; found=1} END {if (!found) printf "0"}' "$tmp/metrics"; }
heap_after_gc_mb() {
  jcmd "$1" GC.run >/dev/null
  # The heap's generations (G1: one line; Serial, which a JVM pinned to one core picks: two) say
  # "total ...K, used ...K"; Metaspace and class space lines have no total.
  jcmd "$1" GC.heap_info | awk '/ total .*, used / {for (i = 1; i < NF; i++) if ($i == "used") {v = $(i+1); sub(/K.*/, "", v); kb += v}}
    END {printf "%.0f", kb / 1024}'
}

# flood PID PORT MODE SEQ0 SECONDS -> "exchanges ids_consumed cpu_seconds"
flood() {
  local session=0; [ "$3" = session ] && session=1
  local a b out n errs
  a=$(cpu_ticks "$1")
  out=$(CONNFLOOD_SESSION=$session CONNFLOOD_SEQ0=$4 taskset -c 1 "$here/bin/connflood" 127.0.0.1 "$2" "$conc" "$5")
  b=$(cpu_ticks "$1")
  n=$(echo "$out" | awk 'NR == 1 {print $2}'); errs=$(echo "$out" | awk 'NR == 1 {print $NF}')
  # Ids are numbered per connection started: the completed ones, the failed ones, and at most
  # CONCURRENCY still in flight when the run ended. Skip them all, so every id is new.
  echo "$n $((n + errs + conc)) $(awk -v a="$a" -v b="$b" -v t="$tick" 'BEGIN {printf "%.3f", (b - a) / t}')"
}

# One dispatcher per mode, ports base+10.. for the first, base+20.. for the second.
declare -A dpid port admin_port seq0 first last bound_heap us_of
o=10
for mode in $modes; do
  affinity=(); [ -n "${AFFINITY_RECORDS:-}" ] && affinity=(--affinity-records "$AFFINITY_RECORDS")
  port[$mode]=$((base + o)); admin_port[$mode]=$((base + o + 2))
  # shellcheck disable=SC2086
  taskset -c 0 java $java_opts -jar "$root/dispatcher/target/dispatcher.jar" --io-threads 1 --listen 127.0.0.1:${port[$mode]} \
    --probe-listen 127.0.0.1:$((base + o + 1)) --admin-listen 127.0.0.1:${admin_port[$mode]} --probe-secret-file "$tmp/secret" \
    --allow 127.0.0.1 "${affinity[@]}" >"$tmp/dispatcher-$mode.log" 2>&1 & dpid[$mode]=$!; pids+=($!)
  java -jar "$root/probe/target/probe.jar" --broker-id bench --endpoint mqtt=127.0.0.1:$broker \
    --dispatcher 127.0.0.1:$((base + o + 1)) --secret-file "$tmp/secret" >"$tmp/probe-$mode.log" 2>&1 & pids+=($!)
  o=$((o + 10))
done
for mode in $modes; do
  for _ in $(seq 1 150); do curl -sf "http://127.0.0.1:${admin_port[$mode]}/ready" >/dev/null && break; sleep 0.2; done
  curl -sf "http://127.0.0.1:${admin_port[$mode]}/ready" >/dev/null || { echo "dispatcher never became ready: $(tail -5 "$tmp/dispatcher-$mode.log")" >&2; exit 1; }
  # JIT warm-up with ids far outside the measured range (for session devices they enter the table too).
  read -r wn _ _ < <(flood "${dpid[$mode]}" "${port[$mode]}" "$mode" 9000000000 "$warmup")
  echo "== $mode devices: warm-up $wn redirects in ${warmup}s"
  seq0[$mode]=0
done
echo "== ${AFFINITY_RECORDS:-default} session records, $ids distinct ids per mode in ${chunk}s chunks, concurrency $conc, modes alternating"
printf '%6s %8s %10s %12s %14s %10s %10s %12s %12s\n' chunk mode ids_seen redirects/s cpu_us/redirect heap_MB records evicted_size evicted_expiry
i=0; ratio_first=""; ratio_last=""
done_all() { for m in $modes; do [ "${seq0[$m]}" -lt "$ids" ] && return 1; done; return 0; }
until done_all; do
  i=$((i + 1)); us_of=()
  for mode in $modes; do
    [ "${seq0[$mode]}" -lt "$ids" ] || continue
    read -r n used cpu < <(flood "${dpid[$mode]}" "${port[$mode]}" "$mode" "${seq0[$mode]}" "$chunk")
    seq0[$mode]=$((${seq0[$mode]} + used))
    heap=$(heap_after_gc_mb "${dpid[$mode]}")
    curl -sf "http://127.0.0.1:${admin_port[$mode]}/metrics" > "$tmp/metrics"
    records=$(metric dispatcher_session_records)
    by_size=$(metric 'dispatcher_session_records_evicted_total{cause="size"}')
    by_expiry=$(metric 'dispatcher_session_records_evicted_total{cause="expiry"}')
    rate=$(awk -v n="$n" -v s="$chunk" 'BEGIN {printf "%.0f", n / s}')
    us=$(awk -v c="$cpu" -v n="$n" 'BEGIN {printf "%.1f", (n > 0 ? c * 1e6 / n : 0)}')
    us_of[$mode]=$us
    printf '%6d %8s %10d %12s %14s %10s %10s %12s %12s\n' "$i" "$mode" "${seq0[$mode]}" "$rate" "$us" "$heap" "$records" "$by_size" "$by_expiry"
    [ -z "${first[$mode]:-}" ] && first[$mode]="$rate $us $heap"
    last[$mode]="$rate $us $heap"
    [ -z "${bound_heap[$mode]:-}" ] && [ "$by_size" -gt 0 ] && bound_heap[$mode]=$heap
  done
  if [ -n "${us_of[session]:-}" ] && [ -n "${us_of[clean]:-}" ]; then
    r=$(awk -v s="${us_of[session]}" -v c="${us_of[clean]}" 'BEGIN {printf "%.2f", s / c}')
    printf '%6d %8s %s\n' "$i" ratio "session/clean CPU per redirect $r"
    [ -z "$ratio_first" ] && ratio_first=$r
    ratio_last=$r
  fi
done
for mode in $modes; do
  read -r r1 u1 _ <<<"${first[$mode]}"; read -r r2 u2 h2 <<<"${last[$mode]}"
  awk -v m="$mode" -v r1="$r1" -v r2="$r2" -v u1="$u1" -v u2="$u2" -v hb="${bound_heap[$mode]:-none}" -v h2="$h2" 'BEGIN {
    dr = (r2 / r1 - 1) * 100; du = (u2 / u1 - 1) * 100
    ok = (dr >= -10 && du <= 10) ? "not worse than the first by more than 10 %" : "WORSE than the first by more than 10 %"
    printf "%s: last chunk vs first: redirects/s %+.1f %%, CPU per redirect %+.1f %% (%s); heap after GC %s MB when the table first evicted, %s MB at the end\n", m, dr, du, ok, hb, h2 }'
done
if [ -n "$ratio_first" ]; then
  awk -v a="$ratio_first" -v b="$ratio_last" 'BEGIN {
    d = (b / a - 1) * 100
    ok = (d <= 10) ? "within 10 %" : "MORE than 10 % above"
    printf "session/clean CPU per redirect: %.2f in the first chunk, %.2f in the last (%+.1f %%, %s): the same machine for both modes\n", a, b, d, ok }'
fi
