# The Crossgate ingress gateway.
#   docker build -f k8s/docker/gateway.Dockerfile -t crossgate/gateway:0.1.0 .
# Build context: the repository root. The CLI is built inside (the launcher layout:
# crossgate.jar with its lib/ folder), so no local build is needed first.
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY . .
RUN ./mvnw -B -ntp -DskipTests -pl cli -am package

FROM eclipse-temurin:17-jre
# The launcher layout: ./crossgate beside cli/target/crossgate.jar and its lib/ folder. The
# launcher checks Java, adds its JVM settings for the role, and execs java (PID 1 gets signals).
COPY --from=build /src/crossgate /opt/crossgate/crossgate
COPY --from=build /src/cli/target/crossgate.jar /opt/crossgate/cli/target/crossgate.jar
COPY --from=build /src/cli/target/lib/ /opt/crossgate/cli/target/lib/
# Never build inside the image; JVM flags (heap) come from JAVA_OPTS.
ENV CROSSGATE_NO_BUILD=1
# A numeric non-root user, so runAsNonRoot can check it; state goes to a mounted volume.
USER 10001:10001
WORKDIR /var/lib/crossgate
EXPOSE 8080 9901
ENTRYPOINT ["/opt/crossgate/crossgate"]
CMD ["gateway", "--help"]
