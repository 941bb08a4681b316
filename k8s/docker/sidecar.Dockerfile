# The Crossgate sidecar, and the capture script its init container runs.
#   docker build -f k8s/docker/sidecar.Dockerfile -t crossgate/sidecar:0.1.0 .
# Build context: the repository root. The CLI is built inside (the launcher layout:
# crossgate.jar with its lib/ folder), so no local build is needed first.
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY . .
RUN ./mvnw -B -ntp -DskipTests -pl cli -am package

FROM eclipse-temurin:17-jre
# iptables for the crossgate-init container (it runs the script below as root with only
# NET_ADMIN and NET_RAW); the sidecar itself never uses it.
RUN apt-get update \
 && apt-get install -y --no-install-recommends iptables \
 && rm -rf /var/lib/apt/lists/*
COPY k8s/scripts/crossgate-iptables.sh /usr/local/bin/crossgate-iptables
# The launcher layout: ./crossgate beside cli/target/crossgate.jar and its lib/ folder. The
# launcher checks Java, adds its JVM settings for the role, and execs java (PID 1 gets signals).
COPY --from=build /src/crossgate /opt/crossgate/crossgate
COPY --from=build /src/cli/target/crossgate.jar /opt/crossgate/cli/target/crossgate.jar
COPY --from=build /src/cli/target/lib/ /opt/crossgate/cli/target/lib/
# Never build inside the image; JVM flags (heap) come from JAVA_OPTS.
ENV CROSSGATE_NO_BUILD=1
# The sidecar's UID: the capture rules let this UID's own traffic through uncaptured.
USER 1337:1337
WORKDIR /var/run/crossgate
# Outbound (loopback only), inbound, admin.
EXPOSE 4140 4143 4191
ENTRYPOINT ["/opt/crossgate/crossgate"]
CMD ["sidecar", "--help"]
