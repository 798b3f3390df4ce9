#!/usr/bin/env bash
# The main job in one command: builds the jars when they are missing or older than the sources, then
# starts a local stack (two brokers, a probe each, a dispatcher) on free loopback ports, runs the
# comparison against DNS round-robin, prints the summary table and the report's path, and stops
# everything it started. Options go to 'loadgen demo' (try --help), e.g. --scenario paper.
set -euo pipefail
cd "$(dirname "$0")/.."

jars=(dispatcher/target/dispatcher.jar probe/target/probe.jar loadgen/target/loadgen.jar)
stale=0
for jar in "${jars[@]}"; do
  if [ ! -f "$jar" ] || [ -n "$(find pom.xml dispatcher probe loadgen -path '*/target' -prune -o -type f -newer "$jar" -print -quit)" ]; then
    stale=1
  fi
done
if [ "$stale" = 1 ]; then
  echo "building the jars (mvn -B -q package -DskipTests) ..." >&2
  # (the sed drops the bare colour-reset codes some Maven versions print even in quiet batch mode)
  mvn -B -q -Dstyle.color=never package -DskipTests 2>&1 | sed -e 's/\x1b\[0m//g' -e '/^$/d' >&2
fi

exec java -jar loadgen/target/loadgen.jar demo "$@"
