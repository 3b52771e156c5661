#!/usr/bin/env bash
# Stand-in images for the upstream Garden integration suite (garden-integration-tests), which
# names Docker Hub images that cannot be fetched here (no Internet). This starts a registry on
# loopback and pushes, under the upstream names, images built from Greenhouse's own busybox rootfs
# (server/src/main/rootfs) plus the users and files the specs that use them read. Nothing in them
# comes from the upstream images: what each must hold is taken from the specs' assertions.
#
#   stand-in-images.sh start   # installs docker-registry if missing, starts it, builds, pushes,
#                              # prints the environment to export before starting the cell
#   stand-in-images.sh stop    # stops the registry (its storage stays, for the next start)
#
# Settings (environment): STAND_IN_PORT (7953), STAND_IN_DIR (/var/tmp/gh-stand-ins: registry
# storage, its log and pid, the staged trees). Needs root (owners, setuid bits, file capabilities),
# busybox, tar and gcc (with static glibc, for the sudo and spinner stand-ins).
#
# The images (base = the busybox rootfs, its first layer, shared by all):
#   cloudfoundry/garden-rootfs   base + alice 1001:1010 (member of 1010 alice and 1011 alice-extra),
#                                testuser 1000 (testuser:staff is 1000:50), /home/{alice,testuser},
#                                /bin/usemem-with-setuid (mode 4755), /sbin/hello-world (only in
#                                /sbin), /bin/throttled-or-not (stand-in-spinner.c, for CPU
#                                Throttling), /test/bar hidden by a third layer's opaque /test holding foo;
#                                Env PATH=...:/bin:/from-dockerfile, TEST=second-test-from-dockerfile:
#                                test-from-dockerfile. Used by the Security "Users and groups", users,
#                                Rootfs ($PATH, $TEST, opaque whiteouts), Process (username:groupname),
#                                Networking (non-root /etc/hosts) and pea (/etc/passwd) specs.
#   cfgarden/preexisting_users   base + alice 1000:1000 owning /home/alice/alicesfile, /.foo
#                                ("this is a pre-existing dotfile"). Security "with a docker image".
#   ubuntu:14.04                 base + /etc/sudoers (0440, root only), /usr/bin/sudo (4755, the
#                                static stand-in-sudo.c), /usr/sbin/useradd (-U -m NAME, over adduser),
#                                the host's GNU /bin/date (with libc, ld.so) for `date --set "+2 minutes"`.
#                                Security privileged "the user changes to root" (chown, date).
#   cloudfoundry/garden-fuse     base + alice, /usr/bin/getfattr (the host's, with its libc and
#                                ld.so), /usr/bin/ping (a busybox copy) with security.capability
#                                0x0100000200200000000000000000000000000000 (cap_net_raw+ep).
#                                Lifecycle StreamIn "rootfs image have xattrs".
#   busybox:1.37.0               base without /etc/hosts and /etc/resolv.conf. Networking
#                                "rootFS doesn't contain /etc/hosts or /etc/resolv.conf".
#   ubuntu:trusty-20160323       base + /var/stand-in-bulk (24 MiB of zeros: an image larger than
#                                the 10 MiB limit). Limits "when rootfs exceeds the quota".
# Not provided: debian:jessie-20180312 (its one spec resolves an Internet name and is skipped) and
# gnome.azurecr.io/alpine (needs Azure credentials; skipped without them).
set -euo pipefail
cmd="${1:-}"
port="${STAND_IN_PORT:-7953}"
dir="${STAND_IN_DIR:-/var/tmp/gh-stand-ins}"
here="$(cd "$(dirname "$0")" && pwd)"
rootfs_script="$here/../../main/rootfs/build-busybox-rootfs.sh"
registry="127.0.0.1:$port"

stop() {
  if [[ -f $dir/registry.pid ]]; then
    kill "$(cat "$dir/registry.pid")" 2>/dev/null || true
    rm -f "$dir/registry.pid"
  fi
}

start_registry() {
  command -v docker-registry >/dev/null || { apt-get update -qq && apt-get install -y -qq docker-registry; }
  # Debian's package starts a registry of its own on :5000; ours is separate, on loopback only.
  mkdir -p "$dir/storage"
  cat > "$dir/config.yml" <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $dir/storage
  delete:
    enabled: true
http:
  addr: $registry
EOF
  if ! curl -sf "http://$registry/v2/" >/dev/null; then
    nohup docker-registry serve "$dir/config.yml" > "$dir/registry.log" 2>&1 &
    echo $! > "$dir/registry.pid"
    for _ in $(seq 1 30); do curl -sf "http://$registry/v2/" >/dev/null && break; sleep 0.5; done
    curl -sf "http://$registry/v2/" >/dev/null || { echo "registry did not start; see $dir/registry.log" >&2; exit 1; }
  fi
}

# tar of the named paths (relative to $1) in the form layers take: numeric owners, every mode bit,
# security.* xattrs; names sorted and times fixed so that a rebuild gives the same blob.
layer() {
  local root="$1" out="$2"; shift 2
  tar -C "$root" --numeric-owner --xattrs --xattrs-include='security.*' --sort=name \
    --mtime=@1700000000 --pax-option=delete=atime,delete=ctime --format=posix -cf "$out" "$@"
}

# A copy of the base tree to change for one image.
stage() {
  rm -rf "$dir/stage/$1"
  mkdir -p "$dir/stage"
  cp -a "$dir/base" "$dir/stage/$1"
  echo "$dir/stage/$1"
}

add_user() { # ROOT NAME UID GID HOME
  echo "$2:x:$3:$4:$2:$5:/bin/sh" >> "$1/etc/passwd"
  echo "$2:!:19000:0:99999:7:::" >> "$1/etc/shadow"
  mkdir -p "$1$5"
  chown "$3:$4" "$1$5"
  chmod 755 "$1$5"
}

# A dynamically linked host binary (Debian's, linked against libc only) at DEST, with the libc and
# loader it needs. Replaces a busybox applet link there without touching busybox itself.
host_binary() { # ROOT SOURCE DEST
  rm -f "$1$3"
  install -m 0755 "$2" "$1$3"
  mkdir -p "$1/lib/x86_64-linux-gnu" "$1/lib64"
  cp -L /lib/x86_64-linux-gnu/libc.so.6 "$1/lib/x86_64-linux-gnu/"
  cp -L /lib64/ld-linux-x86-64.so.2 "$1/lib64/"
}

default_env() { printf 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n' > "$1"; }

push() { python3 "$here/stand-in-push.py" "$registry" "$@"; }

build_and_push() {
  local l="$dir/layers" s
  mkdir -p "$l"
  bash "$rootfs_script" "$dir/base"
  rm -f "$dir/base/.greenhouse-rootfs.tar"
  (cd "$dir/base" && ls -A | grep -vx '.greenhouse-rootfs' > "$l/base.list")
  mapfile -t base_paths < "$l/base.list"
  layer "$dir/base" "$l/base.tar" "${base_paths[@]}"
  default_env "$l/default.env"

  # cloudfoundry/garden-rootfs
  s=$(stage garden-rootfs)
  # alice is listed in both of her groups (as busybox's adduser -G and addgroup USER GROUP leave
  # it): the users spec expects both as supplementary groups (Groups: 1010 1011).
  echo 'alice:x:1010:alice' >> "$s/etc/group"
  echo 'alice-extra:x:1011:alice' >> "$s/etc/group"
  echo 'testuser:x:1000:' >> "$s/etc/group"
  add_user "$s" alice 1001 1010 /home/alice
  add_user "$s" testuser 1000 1000 /home/testuser
  printf '#!/bin/sh\n# stand-in: only its setuid mode is looked at\necho usemem stand-in\n' > "$s/bin/usemem-with-setuid"
  chmod 4755 "$s/bin/usemem-with-setuid"
  printf '#!/bin/sh\necho "Hello from /sbin"\n' > "$s/sbin/hello-world"
  chmod 755 "$s/sbin/hello-world"
  mkdir -p "$s/test" && echo bar > "$s/test/bar"
  gcc -static -O2 -Wall -o "$s/bin/throttled-or-not" "$here/stand-in-spinner.c"
  layer "$s" "$l/garden-rootfs-1.tar" etc/passwd etc/group etc/shadow home bin/usemem-with-setuid sbin/hello-world test \
    bin/throttled-or-not
  rm -rf "$s/test" && mkdir -p "$s/test" && echo foo > "$s/test/foo" && : > "$s/test/.wh..wh..opq"
  layer "$s" "$l/garden-rootfs-2.tar" test
  printf '%s\n' 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/bin:/from-dockerfile' \
    'TEST=second-test-from-dockerfile:test-from-dockerfile' > "$l/garden-rootfs.env"
  push cloudfoundry/garden-rootfs latest "$l/garden-rootfs.env" "$l/base.tar" "$l/garden-rootfs-1.tar" "$l/garden-rootfs-2.tar"

  # cfgarden/preexisting_users
  s=$(stage preexisting_users)
  echo 'alice:x:1000:' >> "$s/etc/group"
  add_user "$s" alice 1000 1000 /home/alice
  echo 'alice was here' > "$s/home/alice/alicesfile"
  chown 1000:1000 "$s/home/alice/alicesfile"
  echo 'this is a pre-existing dotfile' > "$s/.foo"
  layer "$s" "$l/preexisting_users.tar" etc/passwd etc/group etc/shadow home .foo
  push cfgarden/preexisting_users latest "$l/default.env" "$l/base.tar" "$l/preexisting_users.tar"

  # ubuntu:14.04
  s=$(stage ubuntu-14.04)
  gcc -static -O2 -Wall -Werror -o "$s/usr/bin/sudo" "$here/stand-in-sudo.c"
  chmod 4755 "$s/usr/bin/sudo"
  printf 'root ALL=(ALL:ALL) ALL\n' > "$s/etc/sudoers"
  chmod 440 "$s/etc/sudoers"
  cat > "$s/usr/sbin/useradd" <<'EOF'
#!/bin/sh
# stand-in for useradd: the -U (group of the same name) and -m (home) that the spec passes are
# what busybox-style adduser -D does anyway.
while getopts "Umu:g:d:s:" opt; do :; done
shift $((OPTIND - 1))
exec adduser -D "$1"
EOF
  chmod 755 "$s/usr/sbin/useradd"
  # GNU date, whose --set takes the spec's "+2 minutes" (busybox's refuses it before it ever
  # asks the kernel, which would make the spec pass without testing CAP_SYS_TIME).
  host_binary "$s" /bin/date /bin/date
  layer "$s" "$l/ubuntu-14.04.tar" usr/bin/sudo usr/sbin/useradd etc/sudoers bin/date lib/x86_64-linux-gnu lib64
  push library/ubuntu 14.04 "$l/default.env" "$l/base.tar" "$l/ubuntu-14.04.tar"

  # cloudfoundry/garden-fuse
  s=$(stage garden-fuse)
  echo 'alice:x:1000:' >> "$s/etc/group"
  add_user "$s" alice 1000 1000 /home/alice
  host_binary "$s" "$(command -v getfattr)" /usr/bin/getfattr
  rm -f "$s/usr/bin/ping"
  cp "$s/bin/busybox" "$s/usr/bin/ping"
  setfattr -n security.capability -v 0x0100000200200000000000000000000000000000 "$s/usr/bin/ping"
  layer "$s" "$l/garden-fuse.tar" etc/passwd etc/group etc/shadow home usr/bin/getfattr usr/bin/ping lib/x86_64-linux-gnu lib64
  push cloudfoundry/garden-fuse latest "$l/default.env" "$l/base.tar" "$l/garden-fuse.tar"

  # busybox:1.37.0: one layer, the base without the two files Garden must provide.
  s=$(stage busybox)
  rm -f "$s/etc/hosts" "$s/etc/resolv.conf"
  mapfile -t paths < <(cd "$s" && ls -A | grep -vx '.greenhouse-rootfs')
  layer "$s" "$l/busybox.tar" "${paths[@]}"
  push library/busybox 1.37.0 "$l/default.env" "$l/busybox.tar"

  # ubuntu:trusty-20160323: larger than a 10 MiB disk limit.
  s=$(stage ubuntu-trusty)
  dd if=/dev/zero of="$s/var/stand-in-bulk" bs=1M count=24 status=none
  layer "$s" "$l/ubuntu-trusty.tar" var/stand-in-bulk
  push library/ubuntu trusty-20160323 "$l/default.env" "$l/base.tar" "$l/ubuntu-trusty.tar"

  rm -rf "$dir/stage" "$l"
}

case "$cmd" in
  start)
    mkdir -p "$dir"
    start_registry
    build_and_push
    echo "registry $registry (pid $(cat "$dir/registry.pid" 2>/dev/null || echo '?'), storage $dir/storage); for the cell:"
    echo "export GREENHOUSE_IMAGE_DOCKER_HUB_MIRROR=$registry"
    ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop   (STAND_IN_PORT, STAND_IN_DIR)" >&2; exit 2 ;;
esac
