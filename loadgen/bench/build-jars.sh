#!/usr/bin/env bash
# Builds the dispatcher and probe jars the bench scripts run, with the modules they need (-am), when
# they are missing or older than the sources: a fresh clone needs nothing installed first.
# BENCH_TEST_CLASSPATH=1 also writes the dispatcher's test classpath (for BareRedirectServer) to
# dispatcher/target/bench-classpath.txt.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
stale=0
for m in dispatcher probe; do
  jar=$m/target/$m.jar
  if [ ! -f "$jar" ] || [ -n "$(find $m/src probe/protocol/src pom.xml $m/pom.xml -newer "$jar" -type f -print -quit)" ]; then stale=1; fi
done
if [ "${BENCH_TEST_CLASSPATH:-0}" = 1 ]; then
  [ -f dispatcher/target/bench-classpath.txt ] && [ -d dispatcher/target/test-classes/io/mqttdispatcher/bench ] || stale=1
fi
[ "$stale" = 1 ] || exit 0
echo "building the dispatcher and probe jars (mvn package -DskipTests -pl dispatcher,probe -am) ..." >&2
goals=(package)
[ "${BENCH_TEST_CLASSPATH:-0}" = 1 ] && goals+=(dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test)
mvn -B -q ${MVN_ARGS:-} -DskipTests -Dspotless.check.skip=true -pl dispatcher,probe -am "${goals[@]}" >&2 ||
  { echo "the build failed: mvn -B package -DskipTests -pl dispatcher,probe -am" >&2; exit 2; }
