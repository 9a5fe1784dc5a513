# The Elbow operator. Build from the repository root after `./mvnw -DskipTests package`:
#   docker build -f images/operator.Dockerfile -t ghcr.io/elbow-lb/elbow-operator:0.1.0-SNAPSHOT .
# Non-root, a JRE only, the JVM sized by the container's memory limit.
FROM eclipse-temurin:17-jre
WORKDIR /opt/elbow
COPY operator/target/lib/ lib/
COPY operator/target/elbow-operator-*.jar lib/
USER 10001:10001
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
ENTRYPOINT ["java", "-cp", "/opt/elbow/lib/*", "dev.elbow.operator.OperatorMain"]
