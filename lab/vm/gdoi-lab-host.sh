#!/bin/sh
# lab/vm/gdoi-lab-host.sh [OUTDIR]
#
# The GDOI VM lab, host side: boots the lab VM (run.sh) with gdoi-lab.sh as
# the test, a real gdoi-ks and two gdoi-gm, and checks afterwards with
# tshark that the captured WAN ESP decrypts with the ESP-SA key log the GMs
# wrote (Wireshark's esp_sa UAT).  Prints PASS/FAIL per check and the times.
#
#   OUTDIR  work directory (default lab/vm/out-gdoi); results in OUTDIR/results
# Environment:
#   GDOI_BUILDDIR  build tree with ks/gdoi-ks, gm/gdoi-gm, cli/gdoictl
#                  (default: $top_builddir, else the source tree's build/)
#   LAB_CACHE      shared download cache (see build.sh; default OUTDIR)
#   DATAPATH=on|off  <datapath xfrm="on"> in the GM configurations (default on)
#   TSCALE TEK_LIFE DURATION UDP_RATE PING_IVAL  see gdoi-lab.sh
#   LAB_TIMEOUT    qemu hard timeout (default 420 s)
# Host packages: qemu-system-x86, iproute2, nftables, tcpdump, iputils-ping,
# tshark, e2fsprogs (mkfs.ext4, debugfs), openssl, a C compiler.
# Exit 0 only if the guest's checks and the tshark check passed.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
OUT=${1:-$HERE/out-gdoi}
mkdir -p "$OUT" && OUT=$(cd "$OUT" && pwd) || exit 2
B=${GDOI_BUILDDIR:-${top_builddir:-$SRC/build}}
DATAPATH=${DATAPATH:-on}
me=gdoi-lab-host
die() { echo "$me: $*" >&2; exit 2; }
t0=$(date +%s.%N)

for f in ks/gdoi-ks gm/gdoi-gm cli/gdoictl; do
	[ -x "$B/$f" ] || die "$B/$f is not built"
done
need() { # need NAME CANDIDATES...: the first executable one
	_n=$1; shift
	for _c in "$@"; do [ -x "$_c" ] && { echo "$_c"; return 0; }; done
	die "$_n not found (install it)"
}
IPBIN=$(need ip /usr/sbin/ip /sbin/ip /usr/bin/ip /bin/ip) || exit 2
NFT=$(need nft /usr/sbin/nft /sbin/nft) || exit 2
TCPDUMP=$(need tcpdump /usr/bin/tcpdump /usr/sbin/tcpdump) || exit 2
PING=$(need ping /usr/bin/ping /bin/ping) || exit 2
"$PING" -V 2>&1 | grep -q iputils || die "$PING is not iputils ping"
for c in tshark debugfs mkfs.ext4 openssl qemu-system-x86_64; do
	command -v $c >/dev/null || die "$c missing"
done

# the UDP tool (x86-64 baseline: the guest CPU is qemu64)
${CC:-cc} -O2 -Wall -o "$OUT/udpseq" "$HERE/udpseq.c" || die "cannot build udpseq"
# RSA keygen under TCG takes long: the KS gets its rekey key from here
if [ ! -s "$OUT/ks-rekey.pem" ]; then
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
		-out "$OUT/ks-rekey.pem" 2>/dev/null || die "openssl genpkey failed"
fi
{
	echo "DATAPATH=$DATAPATH"
	for v in TSCALE TEK_LIFE DURATION UDP_RATE PING_IVAL; do
		eval "x=\${$v:-}"
		[ -n "$x" ] && echo "$v=$x"
	done
} > "$OUT/gdoi-lab.env"
# results disk: ext4 made without root; the guest mounts /dev/vda
rm -f "$OUT/results.img"
truncate -s 64M "$OUT/results.img" && mkfs.ext4 -q -F "$OUT/results.img" || die "mkfs.ext4 failed"
rm -rf "$OUT/results"; mkdir -p "$OUT/results"

t1=$(date +%s.%N)
LAB_EXTRA_MODULES="bridge nf_tables nft_xfrm virtio_pci virtio_blk ${LAB_EXTRA_MODULES:-}" \
LAB_QEMU_ARGS="-drive file=$OUT/results.img,format=raw,if=virtio ${LAB_QEMU_ARGS:-}" \
LAB_TIMEOUT=${LAB_TIMEOUT:-420} \
	"$HERE/run.sh" "$OUT" "$HERE/gdoi-lab.sh" \
	"$IPBIN=/sbin/ip" "$NFT=/usr/sbin/nft" "$TCPDUMP=/usr/bin/tcpdump" "$PING=/usr/bin/ping" \
	"$B/ks/gdoi-ks=/usr/sbin/gdoi-ks" "$B/gm/gdoi-gm=/usr/sbin/gdoi-gm" \
	"$B/cli/gdoictl=/usr/bin/gdoictl" "$OUT/udpseq=/usr/bin/udpseq" \
	"$HERE/conf/ks.xml=/etc/gdoi/ks.xml" "$HERE/conf/gm1.xml=/etc/gdoi/gm1.xml" \
	"$HERE/conf/gm2.xml=/etc/gdoi/gm2.xml" "$OUT/ks-rekey.pem=/etc/gdoi/ks-rekey.pem" \
	"$OUT/gdoi-lab.env=/etc/gdoi-lab.env"
rc=$?
t2=$(date +%s.%N)
tr -d '\r' < "$OUT/console.log" | grep -a -E '^gdoi-lab: |^    ' || true

# ---- results from the disk --------------------------------------------------
debugfs -R 'ls -p /' "$OUT/results.img" 2>/dev/null |
	awk -F/ '$6 != "" && $6 != "." && $6 != ".." && $6 != "lost+found" { print $6 }' |
	while read -r f; do
		debugfs -R "dump /$f $OUT/results/$f" "$OUT/results.img" >/dev/null 2>&1
	done
echo "$me: results in $OUT/results: $(ls "$OUT/results" | tr '\n' ' ')"

# ---- 6. tshark decrypts every SPI's ESP with the GMs' esp_sa lines ----------
trc=0
if [ "$DATAPATH" = on ]; then
	sh "$HERE/esp-decrypt-check.sh" "$OUT/results" || trc=1
else
	echo "$me: SKIP: 6 tshark decryption (DATAPATH=off)"
fi

t3=$(date +%s.%N)
boot=$(tr -d '\r' < "$OUT/console.log" | sed -n 's/^LAB-TEST: begin.*//; s/^LAB-INIT: modules loaded uptime=//p' | head -n 1)
echo "$t0 $t1 $t2 $t3 $(cat "$OUT/boot-seconds" 2>/dev/null || echo 0) ${boot:-0}" | awk '{
	printf "gdoi-lab-host: prepare %.1fs, qemu boot+test %.1fs (guest booted and loaded modules in %.1fs), tshark %.1fs, total %.1fs\n",
		$2 - $1, $5, $6, $4 - $3, $4 - $1 }'
if [ "$rc" = 0 ] && [ "$trc" = 0 ]; then
	echo "$me: PASS"
	exit 0
fi
echo "$me: FAIL (guest status $rc, tshark check $trc; console: $OUT/console.log)"
exit 1
