# Archway's container image: one image for `archway controller` and `archway proxy`.
#
# hack/image/build.sh builds the jar and then this image, from a fresh clone (deploy/README.md,
# "Image"). By hand, build the jar first (the image build itself needs no Maven and no network
# beyond the base image):
#   source scripts/java-home.sh && mvn -B -q package -pl app -am -DskipTests
#   docker build -t ghcr.io/archway-dev/archway:0.1.0 .
#
# Base (BASE_IMAGE): Eclipse Temurin 21 JRE by default (the project compiles with --release 21, so
# a 21 runtime is enough; eclipse-temurin:25-jre works as well). Any image with `java` 21+ on its
# PATH and groupadd/useradd will do: without a registry, hack/image/debian-base.sh makes one from
# Debian's packages (--build-arg BASE_IMAGE=archway-base:debian-trixie-jre21).
# Runs as an unprivileged user (65532) on a read-only root file system (the Helm chart and the
# proxy Deployments mount an emptyDir on /tmp for the JVM and Netty's native libraries).
ARG BASE_IMAGE=eclipse-temurin:21-jre-noble
FROM ${BASE_IMAGE}

RUN groupadd --system --gid 65532 archway \
 && useradd --system --uid 65532 --gid 65532 --home-dir /nonexistent --no-create-home \
      --shell /usr/sbin/nologin archway
COPY app/target/archway.jar /opt/archway/archway.jar

USER 65532:65532
# Container-aware heap sizing, G1 without concurrent refinement threads and promoting what survived
# two collections, the C heap trimmed every 2 s (a product flag from JDK 21.0.4, which the base
# image's floating 21 tag is past) (docs/benchmarks.md, "JVM settings"); the Helm chart overrides
# it with JAVA_TOOL_OPTIONS.
ENV JAVA_TOOL_OPTIONS="-XX:+UseG1GC -XX:G1ConcRefinementThreads=0 -XX:MaxTenuringThreshold=2 -XX:TrimNativeHeapInterval=2000 -XX:MaxRAMPercentage=70 -XX:+ExitOnOutOfMemoryError"
# Netty's native transport needs native access (a warning without it on JDK 22+), as ./archway gives.
ENTRYPOINT ["java", "--enable-native-access=ALL-UNNAMED", "-jar", "/opt/archway/archway.jar"]
CMD ["controller", "--infrastructure=kubernetes"]
