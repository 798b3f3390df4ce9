# The load generator image, for running the comparison inside the same network as the brokers.
# Build from the repository root after Maven:
#
#   mvn -B -q package -DskipTests
#   docker build -f deploy/docker/loadgen.Dockerfile -t mqtt-loadgen:latest .
#
# Results go to /results (results.json, timeline.csv, report.html); mount a volume there.
FROM eclipse-temurin:17-jre

RUN groupadd --system --gid 10001 mqtt \
 && useradd --system --uid 10001 --gid mqtt --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin mqtt \
 && mkdir /results && chown mqtt:mqtt /results
COPY --chmod=0444 loadgen/target/loadgen.jar /opt/mqtt-dispatcher/loadgen.jar

ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
USER 10001:10001
WORKDIR /results
VOLUME /results

ENTRYPOINT ["java", "-jar", "/opt/mqtt-dispatcher/loadgen.jar"]
CMD ["--help"]
