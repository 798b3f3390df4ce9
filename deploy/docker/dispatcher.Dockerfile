# The dispatcher image. Build from the repository root, after Maven has built the jars:
#
#   mvn -B -q package -DskipTests
#   docker build -f deploy/docker/dispatcher.Dockerfile -t mqtt-dispatcher:latest .
#
# Ports: 1883 devices (MQTT), 7883 probe reports, 8080 admin HTTP (/health, /ready, /metrics, ...).
FROM eclipse-temurin:17-jre

RUN groupadd --system --gid 10001 mqtt \
 && useradd --system --uid 10001 --gid mqtt --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin mqtt
COPY --chmod=0444 dispatcher/target/dispatcher.jar /opt/mqtt-dispatcher/dispatcher.jar

# Size the heap from the container's memory limit.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
USER 10001:10001
EXPOSE 1883 7883 8080

# Liveness from the admin API. Bash's /dev/tcp keeps curl out of the image. The admin API must
# listen where this check can reach it, hence --admin-listen 0.0.0.0:8080 below.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /health HTTP/1.0\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]

ENTRYPOINT ["java", "-jar", "/opt/mqtt-dispatcher/dispatcher.jar"]
# Defaults for a container; an orchestrator that passes its own arguments replaces all of them.
CMD ["--probe-secret-file", "/run/secrets/probe-secret", "--admin-listen", "0.0.0.0:8080"]
