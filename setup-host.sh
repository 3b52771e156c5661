#!/usr/bin/env bash
# Prepares a Debian 12 host to run a Greenhouse cell, as root. Idempotent: run it as often as you
# like. Installs the host packages, builds the helper binaries from server/src/main/c and the default
# busybox root filesystem.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
state="${GREENHOUSE_STATE_DIR:-/var/lib/greenhouse}"

if [ "$(id -u)" != 0 ]; then
  echo "setup-host.sh must run as root (it mounts, creates cgroups and runs runc)" >&2
  exit 1
fi

need=()
for pair in runc:runc crun:crun busybox:busybox-static iptables:iptables ip:iproute2 nsenter:util-linux \
            script:bsdutils gcc:gcc mvn:maven java:openjdk-17-jdk-headless tar:tar curl:curl \
            chromium:chromium chromedriver:chromium-driver; do
  cmd="${pair%%:*}"; pkg="${pair##*:}"
  command -v "$cmd" >/dev/null 2>&1 || need+=("$pkg")
done
[ -f /usr/lib/x86_64-linux-gnu/libc.a ] || [ -f /usr/lib/aarch64-linux-gnu/libc.a ] || need+=(libc6-dev)
# busybox may come from the dynamic package; the rootfs needs the static one.
if ! file -L "$(command -v busybox 2>/dev/null || echo /nonexistent)" 2>/dev/null | grep -q static; then
  dpkg -s busybox-static >/dev/null 2>&1 || need+=(busybox-static)
fi
command -v file >/dev/null 2>&1 || need+=(file)
# The image tests run real registries (docker-registry, htpasswd for the one with auth) on loopback;
# getfattr checks the layer store's overlay xattrs.
command -v docker-registry >/dev/null 2>&1 || need+=(docker-registry)
command -v htpasswd >/dev/null 2>&1 || need+=(apache2-utils)
command -v getfattr >/dev/null 2>&1 || need+=(attr)
# The writable layers' quota store is an XFS image made at the first cell start (mkfs.xfs).
command -v mkfs.xfs >/dev/null 2>&1 || need+=(xfsprogs)
# ... or btrfs with qgroups where the kernel has no XFS quotas (mkfs.btrfs; the btrfs tool for checks).
command -v mkfs.btrfs >/dev/null 2>&1 || need+=(btrfs-progs)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  # The package's own service would listen on every interface (:5000); the tests start their own.
  if printf '%s\n' "${need[@]}" | grep -qx docker-registry && [ -d /run/systemd/system ]; then
    systemctl disable --now docker-registry >/dev/null 2>&1 || true
  fi
fi

# Helper binaries, built from this repository's own C sources (and the headers they share).
mkdir -p "$state/bin"
for src in "$here"/server/src/main/c/*.c; do
  name="$(basename "$src" .c)"
  out="$state/bin/$name"
  stale=0
  for dep in "$src" "$here"/server/src/main/c/*.h; do
    [ "$dep" -nt "$out" ] && stale=1
  done
  if [ ! -x "$out" ] || [ "$stale" = 1 ]; then
    gcc -static -O2 -Wall -Werror -o "$out.tmp" "$src"
    mv "$out.tmp" "$out"
  fi
done

"$here/server/src/main/rootfs/build-busybox-rootfs.sh" "$state/rootfs/busybox"

# CRIU for checkpoint/restore (greenhouse.checkpoint.criu points at the wrapper): Debian 13's, in a
# directory of its own, since Debian 12's cannot run on this kernel. A failure is not fatal: the
# cell runs without checkpoints, and its health says why.
"$here/server/src/main/criu/install-criu.sh" "$state/criu" >/dev/null ||
  echo "warning: criu could not be installed in $state/criu; checkpoints are unavailable" >&2
echo "host ready: helpers in $state/bin, default rootfs in $state/rootfs/busybox, criu in $state/criu"
