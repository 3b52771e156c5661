#!/usr/bin/env bash
# Runs every test of the three modules (client, cli, server): unit tests, then the server's integration tests against a cell of their own (port 7788,
# depot /var/tmp/greenhouse-it) that Maven starts and stops, and in-server tests that Arquillian
# deploys into a Liberty server of their own (port 17788, depot /var/tmp/greenhouse-it-arquillian).
# The Helm chart is linted and rendered by real Helm inside the unit tests (HelmChartTest).
# Does all set-up a fresh machine needs (GREENHOUSE_STATE_DIR as for setup-host.sh).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
"$here/setup-host.sh"
cd "$here"
# A test cell or in-server test server left running by an interrupted run would hold its port.
for dir in server/target/liberty/wlp/usr/servers/greenhouse-it server/target/liberty/wlp/usr/servers/greenhouse-arquillian-*; do
  [ -d "$dir" ] && server/target/liberty/wlp/bin/server stop "$(basename "$dir")" >/dev/null 2>&1 || true
done
# The test servers run the helpers setup-host.sh just built (GREENHOUSE_STATE_DIR/bin).
exec mvn -B verify -Dgreenhouse.test.helpers="${GREENHOUSE_STATE_DIR:-/var/lib/greenhouse}/bin" "$@"
