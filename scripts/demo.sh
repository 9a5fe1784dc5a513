#!/usr/bin/env bash
# Builds the data plane and runs it on localhost with demo backends, serving the example snapshot
# (examples/demo-snapshot.json):
#   HTTP  127.0.0.1:8080 -> three HTTP backends on 18081-18083, weighted 1:2:3
#   TCP   127.0.0.1:9000 -> two line-answering TCP backends on 18091-18092
#   admin 127.0.0.1:9901 (bearer token in $ELBOW_ADMIN_TOKEN, default "demo-token")
# Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."

./mvnw -q -B -DskipTests -pl dataplane -am package
cp="dataplane/target/elbow-dataplane-0.1.0-SNAPSHOT.jar:dataplane/target/lib/*"
export ELBOW_ADMIN_TOKEN="${ELBOW_ADMIN_TOKEN:-demo-token}"

java -cp "$cp" dev.elbow.dataplane.demo.DemoBackendsMain \
  http:18081 http:18082 http:18083 tcp:18091 tcp:18092 &
backends=$!
trap 'kill $backends 2>/dev/null || true' EXIT

cat <<MSG

Try it in another terminal:
  for i in \$(seq 6); do curl -s http://127.0.0.1:8080/; done      # 1:2:3 over three backends
  echo hello | nc -q1 127.0.0.1 9000                                # TCP, answered by a backend
  curl -s -H "Authorization: Bearer $ELBOW_ADMIN_TOKEN" http://127.0.0.1:9901/v1/status   # health

MSG
java -cp "$cp" dev.elbow.dataplane.DataPlaneMain \
  --admin-address 127.0.0.1 --admin-port 9901 --listen-address 127.0.0.1 \
  --snapshot examples/demo-snapshot.json
