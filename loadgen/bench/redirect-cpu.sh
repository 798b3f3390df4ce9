#!/usr/bin/env bash
# CPU per redirect of the dispatcher on each of its transports against the native reference
# redirect server (redirsrv.c: a single-threaded epoll loop that answers every CONNECT with a fixed
# CONNACK 0x9C and closes), all driven by the same native load tool (connflood.c) on loopback. Each
# server is pinned to core 0 and the load tool to core 1. Two figures per exchange:
# - process: the server's CPU time (utime+stime of the whole process, JIT and GC threads included);
# - machine: every core's busy time from /proc/stat (load tool and kernel threads included), so work
#   a transport moves into kernel workers or onto the other core is counted too. It is only
#   meaningful on an otherwise idle machine: the load average is printed before and after.
#
# What makes single runs disagree from one day to the next is taken out of the result:
# - clean devices and session devices (CONNFLOOD_SESSION=1: Clean Start 0, Session Expiry 3600 s);
# - every connection a client id never seen before (CONNFLOOD_SEQ0 moves on), as in a real fleet;
# - a warm-up of both kinds of device first (WARMUP seconds each): the JIT compiles for tens of
#   seconds after start, and its threads' CPU counts against the dispatcher;
# - each run measures every server back to back for each kind of device, the order rotating from
#   run to run, and prints the ratios of that run; the summary gives the spread over the runs.
#
# usage: loadgen/bench/redirect-cpu.sh [RUNS] [CONCURRENCY] [SECONDS] [WARMUP]
#        (defaults 6 64 5 20; needs gcc and mosquitto; builds the jars it lacks with Maven)
# TRANSPORTS    the dispatcher's transports to measure, one dispatcher each (default "io_uring epoll";
#               a transport this host cannot run stops the script with the dispatcher's reason)
# DISPATCHER_ARGS adds dispatcher options to every dispatcher, e.g.
#               DISPATCHER_ARGS="--routing-file loadgen/bench/routing-bench.yaml" to measure a redirect
#               that goes through routing rules.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
runs=${1:-6}; conc=${2:-64}; secs=${3:-5}; warmup=${4:-20}
read -r -a transports <<<"${TRANSPORTS:-io_uring epoll}"
"$here/build.sh" >/dev/null
"$here/build-jars.sh"
mosq=${MOSQUITTO:-$(command -v mosquitto || true)}   # MOSQUITTO names it, else the PATH's
[ -n "$mosq" ] && [ -x "$mosq" ] || { echo "needs mosquitto on the PATH or named by MOSQUITTO=/path/to/mosquitto (apt-get install -y mosquitto)" >&2; exit 2; }

tmp=$(mktemp -d); pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT INT TERM
base=$((20000 + RANDOM % 20000))
broker=$base native=$((base + 1))
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$tmp/secret"
printf 'listener %d 127.0.0.1\nallow_anonymous true\npersistence false\n' "$broker" > "$tmp/m.conf"
"$mosq" -c "$tmp/m.conf" >/dev/null 2>&1 & pids+=($!)
# servers: NAME PID PORT, the reference last
names=(); spids=(); ports=()
o=10
for t in "${transports[@]}"; do
  taskset -c 0 java -jar "$root/dispatcher/target/dispatcher.jar" --io-threads 1 --transport "$t" \
    --listen 127.0.0.1:$((base + o)) --probe-listen 127.0.0.1:$((base + o + 1)) \
    --admin-listen 127.0.0.1:$((base + o + 2)) --probe-secret-file "$tmp/secret" \
    --allow 127.0.0.1 ${DISPATCHER_ARGS:-} >"$tmp/$t.log" 2>&1 & dpid=$!; pids+=($dpid)
  java -jar "$root/probe/target/probe.jar" --broker-id bench --endpoint mqtt=127.0.0.1:$broker \
    --dispatcher 127.0.0.1:$((base + o + 1)) --secret-file "$tmp/secret" >"$tmp/$t-probe.log" 2>&1 & pids+=($!)
  for _ in $(seq 1 150); do
    curl -sf "http://127.0.0.1:$((base + o + 2))/ready" >/dev/null && break
    kill -0 $dpid 2>/dev/null || break; sleep 0.2
  done
  curl -sf "http://127.0.0.1:$((base + o + 2))/ready" >/dev/null ||
    { echo "the dispatcher on $t never became ready:" >&2; tail -5 "$tmp/$t.log" >&2; exit 1; }
  names+=("$t"); spids+=($dpid); ports+=($((base + o))); o=$((o + 10))
done
taskset -c 0 "$here/bin/redirsrv" $native 127.0.0.1:$broker & rpid=$!; pids+=($rpid)
names+=(reference); spids+=($rpid); ports+=($native)
n_servers=${#names[@]}

tick=$(getconf CLK_TCK)
seq0=0
busy() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }
# measure PID PORT MODE SECONDS: sets m_proc and m_mach (CPU microseconds per exchange, of the
# server and of the machine) and moves seq0 past every id it used. Called without $(...): a subshell
# would lose seq0, and the next run would send client ids already seen.
measure() {
  local session=0 a b ma mb out n errs; [ "$3" = session ] && session=1
  a=$(awk '{print $14+$15}' "/proc/$1/stat"); ma=$(busy)
  out=$(CONNFLOOD_SESSION=$session CONNFLOOD_SEQ0=$seq0 taskset -c 1 "$here/bin/connflood" 127.0.0.1 "$2" "$conc" "$4" | head -1)
  b=$(awk '{print $14+$15}' "/proc/$1/stat"); mb=$(busy)
  n=$(echo "$out" | awk '{print $2}'); errs=$(echo "$out" | awk '{print $NF}')
  seq0=$((seq0 + n + errs + conc))
  m_proc=$(awk -v a="$a" -v b="$b" -v n="$n" -v t="$tick" 'BEGIN {printf "%.1f", (b - a) / t * 1e6 / n}')
  m_mach=$(awk -v a="$ma" -v b="$mb" -v n="$n" -v t="$tick" 'BEGIN {printf "%.1f", (b - a) / t * 1e6 / n}')
}

echo "warm-up: ${warmup}s of clean and ${warmup}s of session devices against each server ..."
for mode in clean session; do
  for i in $(seq 0 $((n_servers - 1))); do measure "${spids[$i]}" "${ports[$i]}" $mode "$warmup"; done
done
echo "commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown), $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores"
echo "load average before the runs: $(cut -d' ' -f1-3 /proc/loadavg) (CPU per exchange grows on a busy machine)"
printf '%4s %8s %10s %12s %12s %8s %8s\n' run devices server process machine proc/ref mach/ref
results=()
for i in $(seq 1 "$runs"); do
  for mode in clean session; do
    declare -A proc=() mach=()
    for k in $(seq 0 $((n_servers - 1))); do   # a different server first in every run
      j=$(( (k + i) % n_servers ))
      measure "${spids[$j]}" "${ports[$j]}" $mode "$secs"
      proc[$j]=$m_proc; mach[$j]=$m_mach
    done
    r=$((n_servers - 1))
    for j in $(seq 0 $r); do
      pr=$(awk -v d="${proc[$j]}" -v r="${proc[$r]}" 'BEGIN {printf "%.2f", d / r}')
      mr=$(awk -v d="${mach[$j]}" -v r="${mach[$r]}" 'BEGIN {printf "%.2f", d / r}')
      printf '%4d %8s %10s %9s us %9s us %8s %8s\n' "$i" "$mode" "${names[$j]}" "${proc[$j]}" "${mach[$j]}" "$pr" "$mr"
      [ "$j" -lt "$r" ] && results+=("$mode ${names[$j]} $pr $mr ${proc[$j]} ${proc[$r]}")
    done
    unset proc mach
  done
done
echo "load average after the runs: $(cut -d' ' -f1-3 /proc/loadavg)"
for mode in clean session; do
  for t in "${transports[@]}"; do
    for col in 3 4; do
      printf '%s\n' "${results[@]}" | awk -v m="$mode" -v t="$t" -v c="$col" '$1 == m && $2 == t {print $c}' | sort -n |
        awk -v m="$mode" -v t="$t" -v what="$([ $col = 3 ] && echo process || echo machine)" '
          {v[NR] = $1} END {med = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
            printf "%-7s devices, dispatcher on %-8s / reference, %-7s CPU per redirect: %.2f-%.2fx over %d runs, median %.2fx\n", m, t, what, v[1], v[NR], NR, med}'
    done
  done
done
