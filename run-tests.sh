#!/usr/bin/env bash
# Runs every test: unit tests, then integration tests against a cell of their own (port 7788,
# depot /var/tmp/greenhouse-it) that Maven starts and stops, and in-server tests that Arquillian
# deploys into a Liberty server of their own (port 7789, depot /var/tmp/greenhouse-arquillian).
# Does all set-up a fresh machine needs.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
"$here/setup-host.sh"
cd "$here"
# A test cell or in-server test server left running by an interrupted run would hold its port.
for server in greenhouse-it greenhouse-arquillian; do
  [ -x target/liberty/wlp/bin/server ] && target/liberty/wlp/bin/server stop "$server" >/dev/null 2>&1 || true
done
exec mvn -B verify "$@"
