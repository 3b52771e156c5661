#!/usr/bin/env bash
# Runs every test: unit tests, then integration tests against a cell of their own (port 7788,
# depot /var/tmp/greenhouse-it) that Maven starts and stops. Does all set-up a fresh machine needs.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
"$here/setup-host.sh"
cd "$here"
# A test cell left running by an interrupted run would hold the port.
[ -x target/liberty/wlp/bin/server ] && target/liberty/wlp/bin/server stop greenhouse-it >/dev/null 2>&1 || true
exec mvn -B verify "$@"
