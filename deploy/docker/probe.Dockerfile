# The probe image: runs beside one broker, as a compose service sharing the broker's PID namespace
# or as a sidecar in the broker's pod. Build from the repository root after Maven:
#
#   mvn -B -q package -DskipTests
#   docker build -f deploy/docker/probe.Dockerfile -t mqtt-probe:latest .
#
# It has no default arguments: every probe needs its own --broker-id, --endpoint, --dispatcher and
# --secret-file (see deploy/compose.yaml and deploy/k8s/broker-statefulset.yaml). It opens no port.
FROM eclipse-temurin:17-jre

RUN groupadd --system --gid 10001 mqtt \
 && useradd --system --uid 10001 --gid mqtt --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin mqtt
COPY --chmod=0444 probe/target/probe.jar /opt/mqtt-dispatcher/probe.jar

# A sidecar should stay small: a modest heap and a single GC thread are plenty for one report a second.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData -XX:+ExitOnOutOfMemoryError"
USER 10001:10001

ENTRYPOINT ["java", "-jar", "/opt/mqtt-dispatcher/probe.jar"]
