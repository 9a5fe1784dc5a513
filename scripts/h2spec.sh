#!/usr/bin/env bash
# Builds h2spec, the HTTP/2 conformance suite (RFC 7540/9113 and HPACK), from its Go module and
# caches it outside the work tree; prints the binary's path. H2SpecTest runs it against the data
# plane's HTTPS and h2c listeners.
#
# Usage: scripts/h2spec.sh     build if missing, print the binary
set -euo pipefail

H2SPEC_VERSION="${H2SPEC_VERSION:-v2.2.1}"
DEST="$HOME/.cache/elbow/h2spec-$H2SPEC_VERSION"

if [[ -x "$DEST/h2spec" ]]; then
  echo "$DEST/h2spec"
  exit 0
fi
if ! command -v go >/dev/null; then
  echo "h2spec: Go is needed to build h2spec (.ci/run installs it)" >&2
  exit 1
fi
mkdir -p "$DEST"
# The module predates Go modules' major-version rule, hence +incompatible.
GOBIN="$DEST" GOFLAGS=-mod=mod go install \
  "github.com/summerwind/h2spec/cmd/h2spec@${H2SPEC_VERSION}+incompatible" >&2
echo "$DEST/h2spec"
