# Archway's container image: one image for `archway controller` and `archway proxy`.
#
# Build the jar first (the image build itself needs no Maven and no network beyond the base image):
#   source scripts/java-home.sh && mvn -B -q package -pl app -am -DskipTests
#   docker build -t ghcr.io/archway-dev/archway:0.1.0 .
#
# Base: Eclipse Temurin 21 JRE (the project compiles with --release 21, so a 21 runtime is enough;
# eclipse-temurin:25-jre works as well). Runs as an unprivileged user (65532) on a read-only root
# file system (the Helm chart and the proxy Deployments mount an emptyDir on /tmp for the JVM and
# Netty's native libraries).
FROM eclipse-temurin:21-jre-noble

RUN groupadd --system --gid 65532 archway \
 && useradd --system --uid 65532 --gid 65532 --home-dir /nonexistent --no-create-home \
      --shell /usr/sbin/nologin archway
COPY app/target/archway.jar /opt/archway/archway.jar

USER 65532:65532
# Container-aware heap sizing; the Helm chart overrides it with JAVA_TOOL_OPTIONS.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=70 -XX:+ExitOnOutOfMemoryError"
ENTRYPOINT ["java", "-jar", "/opt/archway/archway.jar"]
CMD ["controller", "--infrastructure=kubernetes"]
