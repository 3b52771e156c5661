#!/usr/bin/env bash
# Builds Greenhouse's default root filesystem from the host's static busybox into $1.
# Rebuilt only when this script or busybox changed. Debian's busybox lacks adduser/addgroup,
# which the Garden test suite uses, so small shell versions are installed beside it. Its users
# include Docker's busybox image's operator (37:37), whom the suite's pea specs run as.
set -euo pipefail
target="$1"
here="$(cd "$(dirname "$0")" && pwd)"
busybox="$(command -v busybox)"
stamp="$target/.greenhouse-rootfs"
want="$(sha256sum "$0" "$busybox" "$here"/adduser "$here"/addgroup | sha256sum | cut -c1-16)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi

tmp="$target.tmp.$$"
rm -rf "$tmp"
mkdir -p "$tmp"/{bin,sbin,usr/bin,usr/sbin,etc,root,home,tmp,proc,dev,sys,var/tmp,var/run}
chmod 1777 "$tmp/tmp" "$tmp/var/tmp"
chmod 700 "$tmp/root"
cp "$busybox" "$tmp/bin/busybox"
# One hard link per applet at the path busybox itself names.
"$busybox" --list-full | while read -r applet; do
  [ -e "$tmp/$applet" ] || ln "$tmp/bin/busybox" "$tmp/$applet"
done
install -m 0755 "$here/adduser" "$tmp/bin/adduser"
install -m 0755 "$here/addgroup" "$tmp/bin/addgroup"

# The users and groups of the busybox image (Docker Hub's busybox), so specs and apps that name
# them (operator 37:37, www-data, nobody ...) find them.
cat > "$tmp/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
bin:x:2:2:bin:/bin:/bin/false
sys:x:3:3:sys:/dev:/bin/false
sync:x:4:100:sync:/bin:/bin/sync
mail:x:8:8:mail:/var/spool/mail:/bin/false
www-data:x:33:33:www-data:/var/www:/bin/false
operator:x:37:37:Operator:/var:/bin/false
nobody:x:65534:65534:nobody:/home:/bin/false
EOF
cat > "$tmp/etc/group" <<'EOF'
root:x:0:
daemon:x:1:
bin:x:2:
sys:x:3:
adm:x:4:
tty:x:5:
disk:x:6:
lp:x:7:
mail:x:8:
kmem:x:9:
wheel:x:10:root
cdrom:x:11:
dialout:x:18:
floppy:x:19:
video:x:28:
audio:x:29:
tape:x:32:
www-data:x:33:
operator:x:37:
utmp:x:43:
plugdev:x:46:
staff:x:50:
lock:x:54:
netdev:x:82:
users:x:100:
nogroup:x:65534:
EOF
cut -d: -f1 "$tmp/etc/passwd" | while read -r user; do
  printf '%s:*:19000:0:99999:7:::\n' "$user"
done > "$tmp/etc/shadow"
chmod 640 "$tmp/etc/shadow"
printf 'hosts: files dns\n' > "$tmp/etc/nsswitch.conf"
: > "$tmp/etc/hosts"
: > "$tmp/etc/resolv.conf"

rm -rf "$target"
mv "$tmp" "$target"
echo "$want" > "$stamp"
