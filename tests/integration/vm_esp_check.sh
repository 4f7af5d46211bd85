#!/bin/bash
#
# vm_esp_check.sh: the real kernel ESP datapath, which this host's kernel
# lacks, in a qemu guest (lab/vm: a stock Debian cloud kernel with esp4 as
# a module, booted under TCG with an initramfs built here).  Inside the
# guest two namespaces joined by a veth pair ping each other through ESP
# tunnel SAs (AES-CBC + HMAC-SHA1, then rfc4106(gcm(aes))): the ping fails
# without the SAs, passes with them, the SA counters show the packets, and
# a wrong key on the receiver makes it fail again.  The kernel and
# busybox-static packages are downloaded once into $GDOI_VM_OUT (default
# $top_builddir/lab/vm-out).
#
# Exit 0 pass, 1 fail.  It does not skip: without qemu-system-x86 it fails
# (make deps installs it).

set -u
# shellcheck source=../common.sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/common.sh"
export LC_ALL=C
gdoi_test vm_esp_check
out=${GDOI_VM_OUT:-$top_builddir/lab/vm-out}
mkdir -p "$out" || exit 1
if sh "$top_srcdir/lab/vm/vm_check.sh" "$out"; then
	echo "$me: PASS"
	exit 0
fi
echo "$me: FAIL (console: $out/console.log)"
tail -n 40 "$out/console.log" 2>/dev/null
exit 1
