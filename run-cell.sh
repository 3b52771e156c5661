#!/usr/bin/env bash
# Starts a Greenhouse cell in the foreground on 127.0.0.1:7777 (GREENHOUSE_LISTEN_ADDRESS /
# GREENHOUSE_LISTEN_PORT to change), doing all set-up a fresh Debian 12 machine needs first.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
"$here/setup-host.sh"
cd "$here"
mvn -q -B -DskipTests package liberty:create liberty:deploy
# The root build makes the client and CLI too; only the server module makes a Liberty server.
exec server/target/liberty/wlp/bin/server run greenhouse
