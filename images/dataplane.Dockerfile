# The Elbow data plane. Build from the repository root after `./mvnw -DskipTests package`:
#   docker build -f images/dataplane.Dockerfile -t ghcr.io/elbow-lb/elbow-dataplane:0.1.0-SNAPSHOT .
# Non-root, a JRE only, the JVM sized by the container's memory limit.
FROM eclipse-temurin:17-jre
WORKDIR /opt/elbow
COPY dataplane/target/lib/ lib/
COPY dataplane/target/elbow-dataplane-*.jar lib/
USER 10001:10001
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
EXPOSE 9901
ENTRYPOINT ["java", "-cp", "/opt/elbow/lib/*", "dev.elbow.dataplane.DataPlaneMain"]
