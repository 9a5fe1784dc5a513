# The Elbow data plane. Build from the repository root after `./mvnw -DskipTests package`:
#   docker build -f images/dataplane.Dockerfile -t ghcr.io/elbow-lb/elbow-dataplane:0.1.0-SNAPSHOT .
# Non-root, a JRE only, the JVM sized by the container's memory limit. The JVM options are the
# ones bench/run.sh and Http2LargeStreamMemoryTest read from this line, so what is measured is
# what ships: the throughput collector named (a 1 GiB limit on two cores would otherwise get the
# serial one), half the limit for the heap, and a cap on Netty's direct buffers, so heap, direct
# buffers and the JVM's own memory stay inside the limit. scripts/images.sh builds the same image
# without Docker, reading this file.
FROM eclipse-temurin:17-jre
WORKDIR /opt/elbow
COPY dataplane/target/lib/ lib/
COPY dataplane/target/elbow-dataplane-*.jar lib/
USER 10001:10001
ENV JAVA_TOOL_OPTIONS="-XX:+UseParallelGC -XX:MaxRAMPercentage=50 -XX:MaxDirectMemorySize=256m -XX:+ExitOnOutOfMemoryError"
EXPOSE 9901
ENTRYPOINT ["java", "-cp", "/opt/elbow/lib/*", "dev.elbow.dataplane.DataPlaneMain"]
