# The Elbow operator. Build from the repository root after `./mvnw -DskipTests package`:
#   docker build -f images/operator.Dockerfile -t ghcr.io/elbow-lb/elbow-operator:0.1.0-SNAPSHOT .
# Non-root, a JRE only, the JVM sized by the container's memory limit: the collector named (a
# 512 MiB limit would otherwise get the serial one), half the limit for the heap and a small cap
# on direct buffers (the operator's are the API client's), so it all stays inside the limit.
# scripts/images.sh builds the same image without Docker, reading this file.
FROM eclipse-temurin:17-jre
WORKDIR /opt/elbow
COPY operator/target/lib/ lib/
COPY operator/target/elbow-operator-*.jar lib/
USER 10001:10001
ENV JAVA_TOOL_OPTIONS="-XX:+UseParallelGC -XX:MaxRAMPercentage=50 -XX:MaxDirectMemorySize=64m -XX:+ExitOnOutOfMemoryError"
ENTRYPOINT ["java", "-cp", "/opt/elbow/lib/*", "dev.elbow.operator.OperatorMain"]
