#!/usr/bin/env bash
# Elbow on this machine, no Kubernetes needed: builds the standalone mode and runs it with three
# demo backends (127.0.0.1:18081-18083), serving examples/standalone/shop.yaml (a BackendServerGroup
# weighted 1:2:3 and an HTTP Listener on 127.0.0.1:8080). Edit the YAML while it runs: it reloads.
# Extra arguments go to the standalone process (e.g. --config DIR). Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."

./mvnw -q -B -DskipTests -pl standalone -am package
cp="standalone/target/elbow-standalone-0.1.0-SNAPSHOT.jar:standalone/target/lib/*"
export ELBOW_ADMIN_TOKEN="${ELBOW_ADMIN_TOKEN:-demo-token}"

cat <<MSG

Try it in another terminal:
  for i in \$(seq 6); do curl -s http://127.0.0.1:8080/; done       # 1:2:3 over three backends
  curl -s -H "Authorization: Bearer $ELBOW_ADMIN_TOKEN" http://127.0.0.1:9901/v1/status   # health

MSG
exec java -cp "$cp" \
  dev.elbow.standalone.StandaloneMain --demo "$@"
