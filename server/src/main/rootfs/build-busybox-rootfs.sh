#!/usr/bin/env bash
# Builds Greenhouse's default root filesystem from the host's static busybox into $1.
# Rebuilt only when this script or busybox changed. Debian's busybox lacks adduser/addgroup,
# which the Garden test suite uses, so small shell versions are installed beside it.
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

cat > "$tmp/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
cat > "$tmp/etc/group" <<'EOF'
root:x:0:
tty:x:5:
nogroup:x:65534:
EOF
printf 'root:*:19000:0:99999:7:::\nnobody:*:19000:0:99999:7:::\n' > "$tmp/etc/shadow"
chmod 640 "$tmp/etc/shadow"
printf 'hosts: files dns\n' > "$tmp/etc/nsswitch.conf"
: > "$tmp/etc/hosts"
: > "$tmp/etc/resolv.conf"

rm -rf "$target"
mv "$tmp" "$target"
echo "$want" > "$stamp"
