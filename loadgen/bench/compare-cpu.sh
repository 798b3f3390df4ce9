#!/usr/bin/env bash
# CPU per redirect of two dispatchers side by side (A and B: two jars, or one jar with two sets of
# options), both pinned to core 0 with the reference redirect server, under connflood pinned to core
# 1. Each run measures A, B and the reference back to back with client ids never seen before, so a
# change in the dispatcher can be weighed against the same machine minutes apart, which separate
# runs of redirect-cpu.sh cannot do (the reference alone moves by 30 % between runs on a shared
# machine). Besides each server's own CPU it prints the whole machine's (/proc/stat: the load tool and
# kernel threads included) per redirect, meaningful on an otherwise idle machine only.
#
# usage: loadgen/bench/compare-cpu.sh [RUNS] [SECONDS] [clean|session]   (defaults 5 5 clean)
#   A_JAR, B_JAR   dispatcher jars (default: dispatcher/target/dispatcher.jar for both)
#   A_ARGS, B_ARGS extra dispatcher options (default: A on epoll, B on io_uring: "--transport epoll",
#                  "--transport io_uring"), e.g. B_ARGS="--transport io_uring --device-table 0"
#   A_BARE=1       A is the least a Netty redirect server does (io.mqttdispatcher.bench.BareRedirectServer
#                  in the dispatcher's test classes: one loop, MqttDecoder, MqttEncoder, a fixed
#                  CONNACK), to weigh the dispatcher against Netty itself; BARE_TRANSPORT=epoll|io_uring
#                  (default io_uring). The jars and this classpath are built with Maven when missing.
# e.g. an older build against this one:
#   git worktree add /tmp/old REV && (cd /tmp/old && mvn -B -q package -DskipTests -pl dispatcher -am)
#   A_JAR=/tmp/old/dispatcher/target/dispatcher.jar loadgen/bench/compare-cpu.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
runs=${1:-5}; secs=${2:-5}; mode=${3:-clean}
case "$mode" in clean|session) ;; *) echo "the third argument is clean or session, was: $mode" >&2; exit 2 ;; esac
a_jar=${A_JAR:-$root/dispatcher/target/dispatcher.jar}; b_jar=${B_JAR:-$root/dispatcher/target/dispatcher.jar}
bare=${A_BARE:-0}; bare_transport=${BARE_TRANSPORT:-io_uring}
a_args=${A_ARGS---transport epoll}; b_args=${B_ARGS---transport io_uring}
BENCH_TEST_CLASSPATH=$bare "$here/build-jars.sh"
if [ "$bare" = 1 ]; then
  a_jar="$root/dispatcher/target/bench-classpath.txt"
fi
"$here/build.sh" >/dev/null
for jar in "$a_jar" "$b_jar" "$root/probe/target/probe.jar"; do
  [ -f "$jar" ] || { echo "missing $jar: mvn -B -q package -DskipTests" >&2; exit 2; }
done
mosq=${MOSQUITTO:-$(command -v mosquitto || true)}
[ -n "$mosq" ] && [ -x "$mosq" ] || { echo "needs mosquitto on the PATH or named by MOSQUITTO=/path/to/mosquitto" >&2; exit 2; }

tmp=$(mktemp -d); pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT INT TERM
base=$((20000 + RANDOM % 20000))
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$tmp/secret"
printf 'listener %d 127.0.0.1\nallow_anonymous true\npersistence false\n' "$base" > "$tmp/m.conf"
"$mosq" -c "$tmp/m.conf" >/dev/null 2>&1 & pids+=($!)
# start NAME JAR PORT_OFFSET ARGS...: a dispatcher (devices, probes, admin on three ports) and its probe
start() {
  local name=$1 jar=$2 o=$3; shift 3
  if [ "$name" = A ] && [ "$bare" = 1 ]; then
    taskset -c 0 java -cp "$root/dispatcher/target/test-classes:$root/dispatcher/target/classes:$(cat "$jar")" \
      io.mqttdispatcher.bench.BareRedirectServer $((base + o)) 127.0.0.1:$base "$bare_transport" >"$tmp/$name.log" 2>&1 & pids+=($!)
    echo $! > "$tmp/$name.pid"
    return
  fi
  taskset -c 0 java -jar "$jar" --io-threads 1 --listen 127.0.0.1:$((base + o)) \
    --probe-listen 127.0.0.1:$((base + o + 1)) --admin-listen 127.0.0.1:$((base + o + 2)) \
    --probe-secret-file "$tmp/secret" --allow 127.0.0.1 "$@" >"$tmp/$name.log" 2>&1 & pids+=($!)
  echo $! > "$tmp/$name.pid"
  java -jar "$root/probe/target/probe.jar" --broker-id bench --endpoint mqtt=127.0.0.1:$base \
    --dispatcher 127.0.0.1:$((base + o + 1)) --secret-file "$tmp/secret" >"$tmp/$name-probe.log" 2>&1 & pids+=($!)
}
# shellcheck disable=SC2086 # the ARGS are option lists
start A "$a_jar" 10 $a_args
# shellcheck disable=SC2086
start B "$b_jar" 20 $b_args
taskset -c 0 "$here/bin/redirsrv" $((base + 30)) 127.0.0.1:$base & rpid=$!; pids+=($rpid)
for o in 10 20; do
  if [ "$o" = 10 ] && [ "$bare" = 1 ]; then
    for _ in $(seq 1 150); do grep -q . "$tmp/A.log" 2>/dev/null && break; (exec 3<>/dev/tcp/127.0.0.1/$((base + o))) 2>/dev/null && break; sleep 0.2; done
    continue
  fi
  for _ in $(seq 1 150); do curl -sf "http://127.0.0.1:$((base + o + 2))/ready" >/dev/null && break; sleep 0.2; done
  curl -sf "http://127.0.0.1:$((base + o + 2))/ready" >/dev/null || { echo "a dispatcher never became ready:" >&2; tail -5 "$tmp"/*.log >&2; exit 1; }
done
apid=$(cat "$tmp/A.pid"); bpid=$(cat "$tmp/B.pid")

tick=$(getconf CLK_TCK); seq0=0
busy() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }
# measure PID PORT SECONDS: sets m_proc and m_mach (CPU microseconds per exchange, of the server and
# of the machine) and moves seq0 past every id it used. Called without $(...): a subshell would lose
# seq0, and the next run would send client ids already seen.
measure() {
  local session=0 a b ma mb out n errs; [ "$mode" = session ] && session=1
  a=$(awk '{print $14+$15}' "/proc/$1/stat"); ma=$(busy)
  out=$(CONNFLOOD_SESSION=$session CONNFLOOD_SEQ0=$seq0 taskset -c 1 "$here/bin/connflood" 127.0.0.1 "$2" 64 "$3" | head -1)
  b=$(awk '{print $14+$15}' "/proc/$1/stat"); mb=$(busy)
  n=$(echo "$out" | awk '{print $2}'); errs=$(echo "$out" | awk '{print $NF}')
  seq0=$((seq0 + n + errs + 64))
  m_proc=$(awk -v a="$a" -v b="$b" -v n="$n" -v t="$tick" 'BEGIN {printf "%.1f", (b - a) / t * 1e6 / n}')
  m_mach=$(awk -v a="$ma" -v b="$mb" -v n="$n" -v t="$tick" 'BEGIN {printf "%.1f", (b - a) / t * 1e6 / n}')
}

if [ "$bare" = 1 ]; then echo "A: the bare Netty redirect server (BareRedirectServer on $bare_transport)"; else echo "A: $a_jar $a_args"; fi
echo "B: $b_jar $b_args"
echo "warm-up: 20 s of $mode devices against each dispatcher, 10 s against the reference ..."
measure "$apid" $((base + 10)) 20
measure "$bpid" $((base + 20)) 20
measure "$rpid" $((base + 30)) 10
echo "commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown), $(date -u '+%Y-%m-%d %H:%M UTC'), $mode devices"
echo "load average before the runs: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%4s %10s %10s %10s %6s %6s %6s  %s\n' run A B reference A/ref B/ref B/A "machine-wide A/ref B/ref"
ratios=(); aref=(); bref=(); amach=(); bmach=()
for i in $(seq 1 "$runs"); do
  if [ $((i % 2)) -eq 1 ]; then
    measure "$apid" $((base + 10)) "$secs"; a=$m_proc; ma=$m_mach
    measure "$bpid" $((base + 20)) "$secs"; b=$m_proc; mb=$m_mach
  else
    measure "$bpid" $((base + 20)) "$secs"; b=$m_proc; mb=$m_mach
    measure "$apid" $((base + 10)) "$secs"; a=$m_proc; ma=$m_mach
  fi
  measure "$rpid" $((base + 30)) "$secs"; r=$m_proc; mr=$m_mach
  ba=$(awk -v x="$b" -v y="$a" 'BEGIN {printf "%.2f", x / y}')
  ar=$(awk -v x="$a" -v y="$r" 'BEGIN {printf "%.2f", x / y}'); br=$(awk -v x="$b" -v y="$r" 'BEGIN {printf "%.2f", x / y}')
  amr=$(awk -v x="$ma" -v y="$mr" 'BEGIN {printf "%.2f", x / y}'); bmr=$(awk -v x="$mb" -v y="$mr" 'BEGIN {printf "%.2f", x / y}')
  ratios+=("$ba"); aref+=("$ar"); bref+=("$br"); amach+=("$amr"); bmach+=("$bmr")
  printf '%4d %7s us %7s us %7s us %6s %6s %6s  %6s %6s\n' "$i" "$a" "$b" "$r" "$ar" "$br" "$ba" "$amr" "$bmr"
done
echo "load average after the runs: $(cut -d' ' -f1-3 /proc/loadavg)"
# spread NAME VALUES...: range and median
spread() {
  local name=$1; shift
  printf '%s\n' "$@" | sort -n | awk -v name="$name" '{v[NR] = $1} END {
    m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    printf "%-40s %.2f-%.2f over %d runs, median %.2f\n", name, v[1], v[NR], NR, m }'
}
spread "A/reference, process CPU per redirect:" "${aref[@]}"
spread "B/reference, process CPU per redirect:" "${bref[@]}"
spread "A/reference, machine CPU per redirect:" "${amach[@]}"
spread "B/reference, machine CPU per redirect:" "${bmach[@]}"
spread "B/A CPU per redirect:" "${ratios[@]}"
