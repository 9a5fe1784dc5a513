#!/usr/bin/env bash
# Runs the reliability suite (tests tagged "reliability": faults injected under load, hostile
# input) and writes docs/reliability.md from the rows they record in target/reliability.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf target/reliability
./mvnw -B verify -Dgroups=reliability -Dsurefire.failIfNoSpecifiedTests=false \
  -Dfailsafe.failIfNoSpecifiedTests=false "$@"
java scripts/ReliabilityReport.java target/reliability docs/reliability.md
