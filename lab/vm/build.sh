#!/bin/sh
# lab/vm/build.sh OUTDIR [TEST_SCRIPT] [FILES...]
#
# Builds a qemu guest for the kernel ESP (XFRM) datapath tests:
#   OUTDIR/vmlinuz         the Debian cloud kernel (LZ4, boots fast under TCG)
#   OUTDIR/initrd.cpio.gz  busybox + /init + the ESP/XFRM/veth modules
#                          + TEST_SCRIPT as /test.sh + FILES
#
# Nothing is installed on the host: the kernel package and busybox-static
# are fetched with `apt-get download` (cached in OUTDIR/debs) and unpacked
# with `dpkg-deb -x`.  No root needed.
#
# FILES: each argument is either HOSTPATH (copied to the same path in the
# guest) or HOSTPATH=GUESTPATH.  Symlinks are followed.  Directories are
# copied recursively.  For dynamic ELF files the libraries reported by
# ldd and the dynamic loader are copied too (to the same paths).
#
# Environment:
#   KPKG     kernel package (default: what linux-image-cloud-amd64 depends on)
#   LAB_EXTRA_MODULES  extra module names to load (after the default list)
#   LAB_CACHE  where the downloads and the unpacked kernel and busybox live
#            (debs/, kernel/, busybox/, kpkg; default OUTDIR), so that several
#            OUTDIRs (one per test) share one download
set -eu

die() { echo "build.sh: $*" >&2; exit 1; }

[ $# -ge 1 ] || die "usage: build.sh OUTDIR [TEST_SCRIPT] [FILES...]"
OUT=$1; shift
TEST=
if [ $# -ge 1 ]; then TEST=$1; shift; fi
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
CACHE=${LAB_CACHE:-$OUT}
mkdir -p "$CACHE"
CACHE=$(cd "$CACHE" && pwd)
DEBS=$CACHE/debs
mkdir -p "$DEBS"
# tests sharing a cache may start together: one fetches and unpacks
if [ -z "${LAB_CACHE_LOCKED:-}" ] && command -v flock >/dev/null; then
	LAB_CACHE_LOCKED=1 exec flock "$CACHE/.lock" "$0" "$OUT" ${TEST:+"$TEST"} "$@"
fi

# Modules we want, in load order.  Their modules.dep dependencies are
# added (depth first) in front of each.  The crypto templates (ctr, ghash,
# seqiv, echainiv, drbg...) are normally loaded by request_module, which
# has no modprobe here, so they are listed explicitly.  drbg is mandatory:
# without a "stdrng" `ip xfrm state add` fails with "Kernel was unable to
# initialize cryptographic operations".  sha3_generic must precede
# jitterentropy_rng (6.1.192), sha512_generic precedes drbg.  Names that
# are built in (modules.builtin) or absent are skipped.
WANT="xfrm_algo xfrm_user esp4 authenc aes_generic cbc hmac sha1_generic
sha256_generic echainiv seqiv ctr gf128mul ghash-generic gcm
sha512_generic sha3_generic jitterentropy_rng drbg veth dummy
${LAB_EXTRA_MODULES:-}"

fetch() { # fetch PKG -> echo path of its .deb in $DEBS
	_p=$1
	_f=$(ls "$DEBS"/"${_p}"_*.deb 2>/dev/null | head -n1 || true)
	if [ -z "$_f" ]; then
		(cd "$DEBS" && timeout 300 apt-get download -q "$_p" >&2) ||
			die "apt-get download $_p failed"
		_f=$(ls "$DEBS"/"${_p}"_*.deb | head -n1)
	fi
	echo "$_f"
}

# ---- 1. kernel + busybox, unpacked once and cached ------------------------
if [ -z "${KPKG:-}" ]; then
	if [ -f "$CACHE/kpkg" ]; then
		KPKG=$(cat "$CACHE/kpkg")
	else
		KPKG=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null |
			awk '/Depends: linux-image-/ {print $2; exit}')
		[ -n "$KPKG" ] || die "cannot resolve linux-image-cloud-amd64"
	fi
fi
echo "$KPKG" > "$CACHE/kpkg"
KVER=${KPKG#linux-image-}

KROOT=$CACHE/kernel
if [ ! -f "$KROOT/.done" ]; then
	kdeb=$(fetch "$KPKG")
	rm -rf "$KROOT"; mkdir -p "$KROOT"
	dpkg-deb -x "$kdeb" "$KROOT"
	touch "$KROOT/.done"
fi
BBROOT=$CACHE/busybox
if [ ! -f "$BBROOT/.done" ]; then
	bdeb=$(fetch busybox-static)
	rm -rf "$BBROOT"; mkdir -p "$BBROOT"
	dpkg-deb -x "$bdeb" "$BBROOT"
	touch "$BBROOT/.done"
fi
BB=$BBROOT/bin/busybox
[ -x "$BB" ] || die "no busybox in busybox-static"
MODDIR=$KROOT/lib/modules/$KVER
[ -d "$MODDIR" ] || die "no $MODDIR"
# The .deb ships no modules.dep (postinst runs depmod); kmod may be absent.
if [ ! -s "$MODDIR/modules.dep" ]; then
	"$BB" depmod -b "$KROOT" "$KVER" || die "depmod failed"
fi
cp -f "$KROOT/boot/vmlinuz-$KVER" "$OUT/vmlinuz"

# ---- 2. base rootfs (busybox, modules, /init), cached ---------------------
BASE=$OUT/base
stamp="$KVER $(echo $WANT) $(cat "$HERE/build.sh" "$HERE/init" | cksum)"
if [ ! -f "$BASE/.stamp" ] || [ "$(cat "$BASE/.stamp")" != "$stamp" ]; then
	rm -rf "$BASE"
	mkdir -p "$BASE"
	(cd "$BASE" && mkdir -p bin sbin usr/bin usr/sbin usr/lib usr/lib64 \
		etc proc sys dev run tmp root var mnt)
	# lib and lib64 as on merged-/usr Debian hosts

	ln -s usr/lib "$BASE/lib"
	ln -s usr/lib64 "$BASE/lib64"
	mkdir -p "$BASE/usr/lib/modules/$KVER"
	cp "$BB" "$BASE/bin/busybox"
	# applet links (relative to /)
	"$BB" --list-full | while read -r a; do
		case $a in bin/busybox|"") continue ;; esac
		d=$(dirname "$a")
		mkdir -p "$BASE/$d"
		[ -e "$BASE/$a" ] || [ -L "$BASE/$a" ] || ln -s /bin/busybox "$BASE/$a"
	done
	printf 'root:x:0:0:root:/root:/bin/sh\n' > "$BASE/etc/passwd"
	printf 'root:x:0:\n' > "$BASE/etc/group"
	# modules: depth-first walk of modules.dep
	: > "$BASE/etc/lab-modules"
	seen=" "
	add_mod() { # add_mod RELPATH (as in modules.dep)
		case $seen in *" $1 "*) return 0 ;; esac
		seen="$seen$1 "
		for d in $(awk -v m="$1:" '$1 == m { $1 = ""; print; exit }' "$MODDIR/modules.dep"); do
			add_mod "$d"
		done
		mkdir -p "$BASE/usr/lib/modules/$KVER/$(dirname "$1")"
		cp "$MODDIR/$1" "$BASE/usr/lib/modules/$KVER/$1"
		echo "/lib/modules/$KVER/$1" >> "$BASE/etc/lab-modules"
	}
	for m in $WANT; do
		# module file names may use - or _ interchangeably
		m1=$(echo "$m" | tr _ -); m2=$(echo "$m" | tr - _)
		rel=$(awk -F: -v a="/$m1.ko" -v b="/$m2.ko" '
			{ n = $1; sub(/.*\//, "/", n); sub(/\.(xz|zst|gz)$/, "", n)
			  if (n == a || n == b) { print $1; exit } }' "$MODDIR/modules.dep")
		if [ -n "$rel" ]; then
			add_mod "$rel"
		elif grep -Eq "/($m1|$m2)\.ko\$" "$MODDIR/modules.builtin" 2>/dev/null; then
			echo "build.sh: $m is built in" >&2
		else
			echo "build.sh: warning: module $m not found, skipped" >&2
		fi
	done
	cp "$HERE/init" "$BASE/init"
	chmod 755 "$BASE/init"
	echo "$stamp" > "$BASE/.stamp"
fi

# ---- 3. per-run tree: base + test + files --------------------------------
ROOT=$OUT/root
rm -rf "$ROOT"
cp -a "$BASE" "$ROOT"
rm -f "$ROOT/.stamp"

copy_one() { # copy_one HOSTPATH GUESTPATH
	_dst=$ROOT/${2#/}
	mkdir -p "$(dirname "$_dst")"
	rm -f "$_dst"
	cp -L "$1" "$_dst"
}
add_file() { # add_file HOSTPATH GUESTPATH, with ELF libs
	if [ -d "$1" ]; then
		mkdir -p "$ROOT/${2#/}"
		cp -aL "$1"/. "$ROOT/${2#/}/"
		return 0
	fi
	[ -e "$1" ] || die "no such file: $1"
	copy_one "$1" "$2"
	# ELF?  copy the needed libraries and the loader
	if [ "$(head -c4 "$1" | od -An -c | tr -d ' ')" = '177ELF' ]; then
		ldd "$1" 2>/dev/null | awk '
			/=> \// { print $3; next }
			/^[ \t]*\// { print $1 }' | while read -r lib; do
			[ -e "$ROOT/${lib#/}" ] || copy_one "$lib" "$lib"
		done
	fi
}
if [ -n "$TEST" ]; then
	[ -f "$TEST" ] || die "no test script $TEST"
	cp -L "$TEST" "$ROOT/test.sh"
else
	printf '#!/bin/sh\necho "no /test.sh given"\nexit 0\n' > "$ROOT/test.sh"
fi
chmod 755 "$ROOT/test.sh"
for f in "$@"; do
	case $f in
	*=*) add_file "${f%%=*}" "${f#*=}" ;;
	*) add_file "$f" "$f" ;;
	esac
done

# busybox cpio can write newc, so the host needs no cpio package.
# /dev/console is not in the archive (that would need mknod/root); /init
# mounts devtmpfs and redirects to /dev/console itself.
(cd "$ROOT" && find . | LC_ALL=C sort | "$BB" cpio -o -H newc -R 0:0 2>/dev/null) |
	gzip -6 > "$OUT/initrd.cpio.gz.tmp"
mv "$OUT/initrd.cpio.gz.tmp" "$OUT/initrd.cpio.gz"
echo "build.sh: $OUT/initrd.cpio.gz ($(wc -c < "$OUT/initrd.cpio.gz") bytes," \
	"$(wc -l < "$ROOT/etc/lab-modules") modules, kernel $KVER)"
