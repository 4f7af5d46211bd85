#!/bin/sh
# lab/vm/run.sh OUTDIR TEST_SCRIPT [FILES...]
#
# Rebuilds OUTDIR/initrd.cpio.gz with TEST_SCRIPT as /test.sh and FILES
# added (see build.sh), boots it under qemu TCG, writes the serial console
# to OUTDIR/console.log and exits with the status of the test, read from
# the "LAB-TEST-EXIT=N" marker line.  Exit 124 on timeout, 125 when no
# marker was found (panic, crash, ...).
#
# Environment:
#   LAB_TIMEOUT  hard timeout of the whole qemu run in seconds (default 300)
#   LAB_MEM      guest memory (default 1024)
#   LAB_QEMU_ARGS extra qemu arguments
set -eu

die() { echo "run.sh: $*" >&2; exit 2; }
[ $# -ge 2 ] || die "usage: run.sh OUTDIR TEST_SCRIPT [FILES...]"
OUT=$1; TEST=$2; shift 2
HERE=$(cd "$(dirname "$0")" && pwd)
TMO=${LAB_TIMEOUT:-300}
MEM=${LAB_MEM:-1024}
command -v qemu-system-x86_64 >/dev/null ||
	die "qemu-system-x86_64 missing (apt-get install --no-install-recommends qemu-system-x86)"

"$HERE/build.sh" "$OUT" "$TEST" "$@" || die "build failed"
OUT=$(cd "$OUT" && pwd)
LOG=$OUT/console.log
# the in-guest bound on /test.sh leaves time for boot and poweroff
GTMO=$((TMO - 30))
[ "$GTMO" -gt 10 ] || GTMO=10

t0=$(date +%s.%N)
set +e
# -nic none: no NIC (and no iPXE ROM); the tests use netns + veth inside.
# stdin from /dev/null: qemu's -nographic would otherwise grab the tty.
timeout -k 10 "$TMO" qemu-system-x86_64 -accel tcg -m "$MEM" -smp 1 \
	-nographic -no-reboot -nic none \
	-kernel "$OUT/vmlinuz" -initrd "$OUT/initrd.cpio.gz" \
	-append "console=ttyS0 panic=-1 quiet lab.timeout=$GTMO" \
	${LAB_QEMU_ARGS:-} < /dev/null > "$LOG" 2>&1
qrc=$?
set -e
t1=$(date +%s.%N)
secs=$(echo "$t0 $t1" | awk '{ printf "%.1f", $2 - $1 }')
echo "$secs" > "$OUT/boot-seconds"

# strip CRs from the serial log for the marker lookup
marker=$(tr -d '\r' < "$LOG" | sed -n 's/^LAB-TEST-EXIT=\([0-9][0-9]*\)$/\1/p' | tail -n1)
if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
	echo "run.sh: TIMEOUT after ${TMO}s (see $LOG)" >&2
	tail -n 20 "$LOG" >&2
	exit 124
fi
if [ -z "$marker" ]; then
	echo "run.sh: no LAB-TEST-EXIT marker (qemu rc=$qrc, ${secs}s); see $LOG" >&2
	tail -n 30 "$LOG" >&2
	exit 125
fi
echo "run.sh: test exit status $marker, qemu boot+test ${secs}s (log: $LOG)"
exit "$marker"
