#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Fetches Debian's current amd64 kernel and builds a tiny initramfs that mounts the
# host's root over 9p with a tmpfs overlay, for run.sh. Everything is cached in
# ${SCARLETTD_VM_CACHE:-$HOME/.cache/scarlettd-vm}; a second run only checks the cache.
# Prints the cache entry's directory (holding vmlinuz, initrd.gz, tree/) on the last
# line of stdout; progress goes to stderr.
set -eu

cache="${SCARLETTD_VM_CACHE:-$HOME/.cache/scarlettd-vm}"
say() { echo "prepare: $*" >&2; }
die() { echo "prepare: error: $*" >&2; exit 1; }

for tool in apt-cache apt-get dpkg depmod cpio gzip; do
	command -v "$tool" >/dev/null 2>&1 || die "$tool not found (run scripts/install-deps.sh --test)"
done
busybox=""
for candidate in /bin/busybox /usr/bin/busybox; do
	if [ -x "$candidate" ] && ! ldd "$candidate" >/dev/null 2>&1; then busybox="$candidate"; break; fi
done
[ -n "$busybox" ] || die "a static busybox is needed (Debian package busybox-static)"

pkg="${SCARLETTD_VM_KERNEL_PKG:-}"
if [ -z "$pkg" ]; then
	pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
		awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }')
	[ -n "$pkg" ] || die "cannot resolve linux-image-amd64 (apt-cache depends gave nothing; apt-get update?)"
fi
version="${pkg#linux-image-}"
entry="$cache/$pkg"
tree="$entry/tree"
mkdir -p "$cache"

if [ ! -f "$entry/kernel.ok" ]; then
	say "fetching $pkg (about 70 MB, once)"
	work="$cache/.fetch.$$"
	rm -rf "$work" "$entry"
	mkdir -p "$work"
	trap 'rm -rf "$work"' EXIT
	if ! (cd "$work" && apt-get download -q "$pkg" >&2); then
		# The archive may have moved on since the package lists were fetched.
		[ "$(id -u)" -eq 0 ] || die "apt-get download $pkg failed; run apt-get update"
		say "download failed; running apt-get update and retrying"
		apt-get update -qq >&2
		(cd "$work" && apt-get download -q "$pkg" >&2) || die "apt-get download $pkg failed"
	fi
	say "unpacking"
	mkdir -p "$work/entry/tree"
	dpkg -x "$work"/*.deb "$work/entry/tree"
	[ -d "$work/entry/tree/lib/modules/$version" ] || die "no lib/modules/$version in $pkg"
	cp "$work/entry/tree/boot/vmlinuz-$version" "$work/entry/vmlinuz"
	say "depmod"
	depmod -b "$work/entry/tree" "$version"
	touch "$work/entry/kernel.ok"
	mv "$work/entry" "$entry"
	rm -rf "$work"
	trap - EXIT
else
	say "kernel $pkg cached in $entry"
fi

moddir="$tree/lib/modules/$version"

# Modules the initramfs needs to reach the host root; their dependencies come from
# modules.dep, loaded depth first so that every module follows what it needs.
ModuleOrder() {
	awk -v roots="$*" '
		{ sub(":", "", $1); path[name($1)] = $1; deps[name($1)] = ""
		  for (i = 2; i <= NF; i++) deps[name($1)] = deps[name($1)] " " name($i) }
		function name(p,   n) { n = p; sub(".*/", "", n); sub("\\.ko.*$", "", n); gsub("-", "_", n); return n }
		function visit(m,   list, i, n) {
			if (m in seen) return
			seen[m] = 1
			if (!(m in path)) return
			n = split(deps[m], list, " ")
			for (i = n; i >= 1; i--) visit(list[i])
			print path[m]
		}
		END { n = split(roots, r, " "); for (i = 1; i <= n; i++) visit(r[i]) }
	' "$moddir/modules.dep"
}

# The init script is rebuilt into the initramfs whenever this file changes.
stamp=$(cksum <"$0" | cut -d' ' -f1)
if [ ! -f "$entry/initrd.gz" ] || [ "$(cat "$entry/initrd.stamp" 2>/dev/null)" != "$stamp" ]; then
	say "building initramfs"
	root="$entry/.initrd.$$"
	rm -rf "$root"
	mkdir -p "$root/bin" "$root/lib/modules" "$root/dev" "$root/proc" "$root/sys" "$root/lower" \
		"$root/upper" "$root/newroot"
	cp "$busybox" "$root/bin/busybox"
	: >"$root/modules"
	for mod in $(ModuleOrder virtio_pci 9pnet_virtio 9p overlay); do
		cp "$moddir/$mod" "$root/lib/modules/"
		echo "${mod##*/}" >>"$root/modules"
	done
	[ -s "$root/modules" ] || die "no modules found for the initramfs"
	cat >"$root/init" <<'EOF'
#!/bin/busybox sh
# Stage 1: load virtio + 9p + overlay, stack a tmpfs overlay on the host root, hand
# over to the stage-2 script named on the kernel command line (scd.stage2=).
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
fail() { echo "scd-vm: $*"; echo o >/proc/sysrq-trigger; sleep 5; exit 1; }
for m in $(cat /modules); do insmod "/lib/modules/$m" || fail "insmod $m failed"; done
stage2=""
for arg in $(cat /proc/cmdline); do
	case "$arg" in scd.stage2=*) stage2="${arg#scd.stage2=}" ;; esac
done
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=512000,cache=loose hostroot /lower ||
	fail "cannot mount the host root over 9p"
mount -t tmpfs -o mode=0755 tmpfs /upper
mkdir -p /upper/data /upper/work
mount -t overlay -o lowerdir=/lower,upperdir=/upper/data,workdir=/upper/work overlay /newroot ||
	fail "cannot mount the overlay"
for d in proc sys dev; do mount --move /$d /newroot/$d; done
[ -n "$stage2" ] || fail "no scd.stage2= on the kernel command line"
exec switch_root /newroot /bin/sh "$stage2"
EOF
	chmod 755 "$root/init"
	(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$entry/initrd.gz.new"
	mv "$entry/initrd.gz.new" "$entry/initrd.gz"
	echo "$stamp" >"$entry/initrd.stamp"
	rm -rf "$root"
fi

ln -sfn "$pkg" "$cache/current"
say "ready: kernel $version, modules in $tree"
echo "$entry"
