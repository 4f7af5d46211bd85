#!/bin/sh
# lab/vm/vm_check.sh [OUTDIR]
#
# Host-side check of the real kernel ESP datapath: builds the lab VM
# (build.sh; downloads are cached in OUTDIR, default lab/vm/out) and boots
# it with esp-smoke.sh and the host's iproute2 `ip` (run.sh).  Prints the
# boot+test time; exits non-zero on any failure.  No root needed.
# Host packages: qemu-system-x86 (apt-get install --no-install-recommends),
# plus apt-get/dpkg-deb (Debian) to fetch the kernel and busybox-static.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$HERE/out}
IPBIN=$(command -v ip || true)
for c in /usr/sbin/ip /sbin/ip /usr/bin/ip /bin/ip; do
	[ -n "$IPBIN" ] || { [ -x "$c" ] && IPBIN=$c; }
done
[ -n "$IPBIN" ] || { echo "vm_check: iproute2 ip not found" >&2; exit 2; }
command -v qemu-system-x86_64 >/dev/null || {
	echo "vm_check: qemu-system-x86_64 missing" \
		"(apt-get install -y --no-install-recommends qemu-system-x86)" >&2
	exit 2
}

t0=$(date +%s.%N)
"$HERE/build.sh" "$OUT"          # fetch/unpack (cached) + base initramfs
t1=$(date +%s.%N)
set +e
LAB_TIMEOUT=${LAB_TIMEOUT:-240} "$HERE/run.sh" "$OUT" "$HERE/esp-smoke.sh" "$IPBIN=/sbin/ip"
rc=$?
set -e
t2=$(date +%s.%N)
grep -a 'esp-smoke: ' "$OUT/console.log" | tr -d '\r' | grep -E 'FAIL|PASS|packets=' || true
echo "$t0 $t1 $t2 $(cat "$OUT/boot-seconds" 2>/dev/null || echo 0)" | awk '{
	printf "vm_check: build %.1fs, qemu boot+test %.1fs, total %.1fs\n", $2 - $1, $4, $3 - $1 }'
if [ $rc = 0 ]; then
	echo "vm_check: PASS (kernel ESP datapath works in the VM)"
else
	echo "vm_check: FAIL (status $rc, console log: $OUT/console.log)" >&2
fi
exit $rc
