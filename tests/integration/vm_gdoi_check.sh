#!/bin/bash
#
# vm_gdoi_check.sh: the GDOI VM lab (lab/vm/gdoi-lab-host.sh).  In a qemu
# guest with a stock Debian kernel (ESP as a module, which this host's
# kernel lacks) a real gdoi-ks and two gdoi-gm with <datapath> run in
# network namespaces, with a host behind each GM.  h1 pings h2 and sends
# numbered UDP datagrams for 75 s while the TEK is rekeyed every ~20 s
# (-T 10, TEK lifetime 300 s).  Checks in the guest: both GMs registered;
# the traffic got through; the WAN carries only ESP, from 10.1.0.10 to
# 10.2.0.10 and back (address preservation), under the GMs' TEK SPIs, no
# plaintext; >= 2 TEK rekeys and >= 3 SPIs during the traffic; loss within
# a small bound (each loss reported with the nearest rekey).  On the host
# afterwards: tshark decrypts the ESP of every SPI with the esp_sa lines
# the GMs logged.  The kernel and busybox-static are downloaded once into
# $GDOI_VM_OUT (default $top_builddir/lab/vm-out, shared with
# vm_esp_check); this test works in its gdoi/ subdirectory.
#
# Exit 0 pass, 1 fail.  It does not skip: without qemu-system-x86 or
# tshark it fails (make deps installs them).

set -u
# shellcheck source=../common.sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/common.sh"
export LC_ALL=C
gdoi_test vm_gdoi_check
cache=${GDOI_VM_OUT:-$top_builddir/lab/vm-out}
out=$cache/gdoi
mkdir -p "$out" || exit 1
if GDOI_BUILDDIR=$top_builddir LAB_CACHE=$cache LAB_TIMEOUT=${LAB_TIMEOUT:-360} \
	timeout -k 10 570 sh "$top_srcdir/lab/vm/gdoi-lab-host.sh" "$out"; then
	echo "$me: PASS"
	exit 0
fi
echo "$me: FAIL (console: $out/console.log, results: $out/results)"
exit 1
