#!/usr/bin/env bash
# Installs CRIU 4.1.1 from Debian 13 (trixie) into a private directory, without touching the host's
# packages: Debian 12's criu 3.17.1 cannot run on kernels that map a [vvar_vclock] area (6.x: it
# stops at "Failed to fill self vdso symtable"), and trixie's libraries (libc6 2.41 among them) must
# not replace the host's. A private apt configuration (own sources list, lists, cache and an empty
# dpkg status, so every dependency down to libc6 is fetched) downloads the packages, `dpkg -x`
# unpacks them into DIR/root, and DIR/criu runs criu through that root's own dynamic loader with
# --library-path, so criu and only criu sees those libraries (the programs it starts, such as
# iptables-restore, keep the host's). Idempotent: nothing is downloaded once DIR/criu answers.
#
# usage: install-criu.sh DIR     (e.g. /var/lib/greenhouse/criu)
set -euo pipefail
dir="${1:?usage: install-criu.sh DIR}"
suite="${GREENHOUSE_CRIU_SUITE:-trixie}"
mirror="${GREENHOUSE_CRIU_MIRROR:-http://deb.debian.org/debian}"
arch="$(dpkg --print-architecture)"
case "$arch" in
  amd64) triplet=x86_64-linux-gnu; loader=usr/lib64/ld-linux-x86-64.so.2 ;;
  arm64) triplet=aarch64-linux-gnu; loader=usr/lib/ld-linux-aarch64.so.1 ;;
  *) echo "install-criu.sh: unsupported architecture $arch" >&2; exit 1 ;;
esac

if [ -x "$dir/criu" ] && grep -q 'GREENHOUSE_CRIU_TIMEOUT' "$dir/criu" && timeout 20 "$dir/criu" --version 2>/dev/null | grep -q '^Version: 4\.'; then
  exit 0
fi

apt="$dir/apt"
mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/etc/preferences.d"
: > "$apt/status"
echo "deb $mirror $suite main" > "$apt/etc/sources.list"
cat > "$apt/apt.conf" <<CONF
Dir::State "$apt";
Dir::State::lists "$apt/lists";
Dir::State::status "$apt/status";
Dir::Cache "$apt/cache";
Dir::Etc::SourceList "$apt/etc/sources.list";
Dir::Etc::SourceParts "/nonexistent";
Dir::Etc::Preferences "$apt/etc/preferences";
Dir::Etc::PreferencesParts "$apt/etc/preferences.d";
APT::Architecture "$arch";
APT::Install-Recommends "false";
CONF
export APT_CONFIG="$apt/apt.conf"
timeout 600 apt-get -qq update
# --download-only with an empty status: apt resolves criu's whole dependency closure from trixie.
timeout 600 apt-get -qq -y --download-only install criu >/dev/null

root="$dir/root.tmp"
rm -rf "$root"
mkdir -p "$root"
for deb in "$apt"/cache/archives/*.deb; do
  dpkg -x "$deb" "$root"
done
rm -rf "$dir/root"
mv "$root" "$dir/root"

# Trixie is merged-/usr: loader and libraries are under usr/ (the /lib symlinks come from packages
# an empty status does not pull, such as base-files).
cat > "$dir/criu.tmp" <<WRAP
#!/bin/sh
# criu 4.1.1 from Debian $suite, run with its own dynamic loader and libraries (install-criu.sh).
# CRIU_FAULT=130 (FI_NO_BREAKPOINTS) makes the parasite code stop tasks by stepping through
# syscalls instead of a hardware breakpoint: in virtual machines whose hypervisor does not pass
# debug registers through (these ones), the breakpoint never fires and a dump hangs forever.
# A caller's own CRIU_FAULT wins. Every run is bounded (GREENHOUSE_CRIU_TIMEOUT seconds, then
# SIGTERM and 10 s later SIGKILL): a criu stuck with its tasks frozen would hold them forever.
export CRIU_FAULT="\${CRIU_FAULT:-130}"
exec timeout -k 10 "\${GREENHOUSE_CRIU_TIMEOUT:-600}" "$dir/root/$loader" --library-path "$dir/root/usr/lib/$triplet:$dir/root/lib/$triplet" "$dir/root/usr/sbin/criu" "\$@"
WRAP
chmod 0755 "$dir/criu.tmp"
mv "$dir/criu.tmp" "$dir/criu"
# Keep the lists and archives out of the way but the directory small.
rm -rf "$apt/cache/archives"/*.deb "$apt/lists"/*_Packages* 2>/dev/null || true
"$dir/criu" --version
