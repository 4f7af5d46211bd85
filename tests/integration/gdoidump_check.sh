#!/bin/bash
#
# gdoidump against the lab sample messages.
#
# Environment:
#   GDOIDUMP     the gdoidump binary under test
#   GDOI_MKPCAP  the sample generator: gdoi-mkpcap -w FILE.pcap -m MANIFEST
#
# Checks:
#   a) every sample decodes, with every payload and exchange name and the
#      values the manifest says were encoded;
#   b) no key material from the manifest shows up, not even with -x;
#   c) a capture cut off inside a record fails with a "truncated" message;
#   d) a file that is not a capture fails with a clear message;
#   e) a packet with a corrupted payload length is reported as malformed
#      and the packets after it are still decoded;
#   plus usage errors, -c and a user filter.
#
# Exit 0 when every check passes, 1 otherwise.

# The checks use bash; a test driver may start us with sh.
if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi

set -u

fails=0
checks=0

ok() { checks=$((checks + 1)); printf 'ok   %s\n' "$*"; }
bad() { checks=$((checks + 1)); fails=$((fails + 1)); printf 'FAIL %s\n' "$*"; }
die() { printf 'FAIL %s\n' "$*"; exit 1; }

# check DESCRIPTION COMMAND...: run COMMAND, ok when it succeeds.
check() {
	local what=$1
	shift
	if "$@"; then ok "$what"; else bad "$what"; fi
}

: "${GDOIDUMP:?set GDOIDUMP to the gdoidump binary}"
: "${GDOI_MKPCAP:?set GDOI_MKPCAP to the gdoi-mkpcap binary}"
[ -x "$GDOIDUMP" ] || die "GDOIDUMP=$GDOIDUMP is not executable"
[ -x "$GDOI_MKPCAP" ] || die "GDOI_MKPCAP=$GDOI_MKPCAP is not executable"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/gdoidump_check.XXXXXX") || die "mktemp -d failed"
trap 'rm -rf "$tmp"' EXIT

pcap=$tmp/samples.pcap
manifest=$tmp/manifest.txt
"$GDOI_MKPCAP" -w "$pcap" -m "$manifest" >"$tmp/mkpcap.out" 2>&1 ||
	die "gdoi-mkpcap failed: $(cat "$tmp/mkpcap.out")"
[ -s "$pcap" ] || die "gdoi-mkpcap wrote no capture"
[ -s "$manifest" ] || die "gdoi-mkpcap wrote no manifest"

# The value of manifest key $1 (exact match), empty when absent.
mf() {
	awk -v k="$1" 'index($0, k "=") == 1 { print substr($0, length(k) + 2); exit }' \
		"$manifest"
}

# The keys the checks below read; a missing one fails the test up front.
for key in samples.count push.seq pull4.seq pull2.sat.spi push.sat.spi pull2.sak.spi \
	push.sak.spi pull1.id.group push.icookie push.rcookie info_n.notify.type \
	info_d.delete.spis pull2.gap.atd; do
	[ -n "$(mf "$key")" ] || die "manifest has no value for $key"
done
mf_need() { mf "$1"; }

# out_has FILE STRING: fixed-string, case-insensitive search.
out_has() { grep -Fqi -- "$2" "$1"; }
out_lacks() { ! grep -Fqi -- "$2" "$1"; }

# run OUT ERR ARGS...: run gdoidump, leave its status in $rc.
run() {
	local out=$1 err=$2
	shift 2
	"$GDOIDUMP" "$@" >"$out" 2>"$err"
	rc=$?
}

n=$(mf samples.count)
[ "$n" -gt 1 ] 2>/dev/null || die "cannot tell the number of samples from the manifest"
echo "# $n sample packets in $pcap"

# ---------------------------------------------------------------- (a)
echo "# (a) decode every sample"
out=$tmp/a.out
err=$tmp/a.err
run "$out" "$err" -r "$pcap"
check "gdoidump -r exits 0 (got $rc)" [ "$rc" -eq 0 ]
check "summary: $n packets, $n decoded, 0 malformed, 0 skipped" \
	out_has "$out" "$n packets, $n decoded, 0 malformed, 0 skipped"
check "nothing on stderr" [ ! -s "$err" ]

for name in "Security Association" "SA KEK" "SA TEK" "Key Download" \
	"Sequence Number" "Group Associated Policy" "Signature" "Hash" "Nonce" \
	"Key Exchange" "Identification" "Notification" "Delete" "Proposal" \
	"Transform" "Vendor ID"; do
	check "payload name \"$name\" printed" out_has "$out" "$name"
done
for name in "GROUPKEY-PULL (32)" "GROUPKEY-PUSH (33)" "Main Mode" "Informational (5)"; do
	check "exchange \"$name\" printed" out_has "$out" "$name"
done

# Values from the manifest, in the form gdoidump prints them.
v=$(mf_need push.seq)
check "PUSH sequence number $v" out_has "$out" "sequence number: $v"
v=$(mf_need pull4.seq)
check "PULL message 4 sequence number $v" out_has "$out" "sequence number: $v"
for key in pull2.sat.spi push.sat.spi; do
	for spi in $(mf_need "$key" | tr ',' ' '); do
		check "TEK SPI $spi ($key) as hex and decimal" \
			out_has "$out" "SPI: 0x$spi ($((16#$spi)))"
	done
done
for key in pull2.sak.spi push.sak.spi; do
	v=$(mf_need "$key")
	check "KEK SPI $v ($key)" out_has "$out" "SPI: 0x$v"
done
v=$(mf_need pull1.id.group)
check "group id $v in the PULL ID payload" out_has "$out" "(group $v)"
check "PUSH header cookies $(mf push.icookie) / $(mf push.rcookie)" \
	out_has "$out" "I-cookie $(mf push.icookie), R-cookie $(mf push.rcookie)"
v=$(mf_need info_n.notify.type)
check "notify type $v by name" out_has "$out" "type: INVALID-ID-INFORMATION ($v)"
for spi in $(mf_need info_d.delete.spis | tr ',' ' '); do
	check "deleted SPI $spi" out_has "$out" "SPI: 0x$spi"
done
check "attribute value by name (IKE)" out_has "$out" "Encryption-Algorithm = AES-CBC (7)"
check "attribute value by name (IPsec)" \
	out_has "$out" "Address-Preservation = Source-and-Destination (4)"
check "attribute value by name (KEK)" out_has "$out" "SIG_ALGORITHM = SIG_ALG_RSA (1)"
v=$(mf_need pull2.gap.atd)
check "GAP activation delay $v" out_has "$out" "ACTIVATION_TIME_DELAY = $v"
check "TEK selector as addr/mask" out_has "$out" "10.1.0.0/255.255.0.0"

# ---------------------------------------------------------------- (b)
echo "# (b) key material is never printed"
xout=$tmp/b.out
run "$xout" "$tmp/b.err" -x -v -r "$pcap"
check "gdoidump -x -v exits 0 (got $rc)" [ "$rc" -eq 0 ]
check "key material shown as its length" out_has "$xout" "octets of key material>"
check "hex dumps mask key bytes as **" out_has "$xout" " ** ** "
check "the public signature key is still dumped" out_has "$xout" "(public key)"

# Every secret the manifest lists: TEK/KEK algorithm and integrity keys.
secrets=$(grep -E '^[a-z0-9_]+\.kd\.[a-z]+\.[a-z_]*key=' "$manifest" | grep -v '\.sig_key=' |
	cut -d= -f2- | grep -E '^[0-9a-f]+$')
[ -n "$secrets" ] || bad "manifest lists no key material (kd.*.*key): check (b) is vacuous"
# Public hex (everything but the secrets and the raw attribute lists that
# hold them), to tell a leak from a pattern the samples share with a key.
public=$(grep -v -E '\.kd\.[a-z]+\.[a-z_]*key=|\.kd\.attr\.raw=' "$manifest" | cut -d= -f2- |
	tr -d ',\n')
for s in $secrets; do
	check "secret ${s:0:16}... absent as a hex string" out_lacks "$xout" "$s"
	leak=
	# Any 8 consecutive key octets, spaced as in a hex dump line.
	for ((i = 0; i + 16 <= ${#s}; i += 2)); do
		w=${s:i:16}
		case $public in *"$w"*) continue ;; esac
		spaced=$(printf '%s' "$w" | sed 's/../& /g; s/ $//')
		if out_has "$xout" "$spaced"; then
			leak=$spaced
			break
		fi
	done
	check "secret ${s:0:16}... absent from hex dumps${leak:+ (found \"$leak\")}" [ -z "$leak" ]
done

# ---------------------------------------------------------------- (c)
echo "# (c) a capture cut off inside a record"
size=$(wc -c <"$pcap")
head -c $((size - 10)) "$pcap" >"$tmp/trunc.pcap"
run "$tmp/c.out" "$tmp/c.err" -r "$tmp/trunc.pcap"
check "truncated capture exits non-zero (got $rc)" [ "$rc" -ne 0 ]
check "truncated capture says \"truncated\": $(head -n1 "$tmp/c.err")" \
	out_has "$tmp/c.err" "truncated"
check "packets before the cut are decoded" out_has "$tmp/c.out" "$((n - 1)) decoded"
head -c 30 "$pcap" >"$tmp/trunc2.pcap"
run "$tmp/c2.out" "$tmp/c2.err" -r "$tmp/trunc2.pcap"
check "capture cut inside the first record header exits non-zero (got $rc)" [ "$rc" -ne 0 ]
check "... and says \"truncated\"" out_has "$tmp/c2.err" "truncated"

# ---------------------------------------------------------------- (d)
echo "# (d) a file that is not a capture"
printf 'this is not a packet capture, just some text\n' >"$tmp/notpcap.txt"
run "$tmp/d.out" "$tmp/d.err" -r "$tmp/notpcap.txt"
check "non-pcap file exits 1 (got $rc)" [ "$rc" -eq 1 ]
check "non-pcap file message names the file: $(head -n1 "$tmp/d.err")" \
	out_has "$tmp/d.err" "notpcap.txt"
check "non-pcap file message is libpcap's reason" out_has "$tmp/d.err" "format"
run "$tmp/d2.out" "$tmp/d2.err" -r "$tmp/does-not-exist.pcap"
check "missing file exits 1 (got $rc)" [ "$rc" -eq 1 ]
check "missing file message: $(head -n1 "$tmp/d2.err")" \
	out_has "$tmp/d2.err" "No such file"

# ---------------------------------------------------------------- (e)
echo "# (e) a corrupted payload length in the first packet"
# Offsets from the capture itself: pcap header (24), record header (16),
# link header (by link type), IPv4 header (IHL), UDP (8), ISAKMP header (28),
# then the first generic payload header, whose octets 2-3 are its length.
byte() { od -An -tu1 -j "$2" -N 1 "$1" | tr -d ' \n'; }
m0=$(od -An -tx1 -N 4 "$pcap" | tr -d ' \n')
case $m0 in
d4c3b2a1 | 4d3cb2a1) le=1 ;;
a1b2c3d4 | a1b23c4d) le=0 ;;
*) die "samples.pcap is not a classic pcap file (magic $m0)" ;;
esac
if [ $le -eq 1 ]; then
	lt=$(($(byte "$pcap" 20) + 256 * $(byte "$pcap" 21)))
else
	lt=$((256 * $(byte "$pcap" 22) + $(byte "$pcap" 23)))
fi
case $lt in
1) linklen=14 ;;      # Ethernet
0 | 108) linklen=4 ;; # BSD loopback
101 | 228) linklen=0 ;; # raw IPv4
113) linklen=16 ;;    # Linux cooked
276) linklen=20 ;;    # Linux cooked v2
*) die "unexpected link type $lt in samples.pcap" ;;
esac
ip=$((24 + 16 + linklen))
[ $(($(byte "$pcap" $ip) >> 4)) -eq 4 ] || die "first packet is not IPv4"
ihl=$((($(byte "$pcap" $ip) & 15) * 4))
plen_off=$((ip + ihl + 8 + 28 + 2))
cp "$pcap" "$tmp/bad.pcap"
printf '\377\377' | dd of="$tmp/bad.pcap" bs=1 seek=$plen_off conv=notrunc status=none ||
	die "cannot patch the copy"
echo "# first payload length at file offset $plen_off set to 65535"
run "$tmp/e.out" "$tmp/e.err" -r "$tmp/bad.pcap"
check "corrupted capture still exits 0 (got $rc)" [ "$rc" -eq 0 ]
check "packet 1 reported as malformed: $(grep -m1 'malformed:' "$tmp/e.out")" \
	out_has "$tmp/e.out" "malformed: "
check "malformed line names the offset and the payload" \
	grep -Eq 'malformed: .+ at offset [0-9]+ \(payload [^)]+\): ' "$tmp/e.out"
check "summary: $n packets, $((n - 1)) decoded, 1 malformed, 0 skipped" \
	out_has "$tmp/e.out" "$n packets, $((n - 1)) decoded, 1 malformed, 0 skipped"
check "packets after the malformed one are decoded" out_has "$tmp/e.out" "GROUPKEY-PUSH (33)"
run "$tmp/e2.out" "$tmp/e2.err" -x -r "$tmp/bad.pcap"
check "malformed packet with -x exits 0 (got $rc)" [ "$rc" -eq 0 ]

# ---------------------------------------------------------------- misc
echo "# options"
run "$tmp/f.out" "$tmp/f.err"
check "no arguments: usage error, exit 2 (got $rc)" [ "$rc" -eq 2 ]
check "usage text printed" out_has "$tmp/f.err" "usage:"
run "$tmp/f.out" "$tmp/f.err" -c 0 -r "$pcap"
check "-c 0: usage error, exit 2 (got $rc)" [ "$rc" -eq 2 ]
run "$tmp/f.out" "$tmp/f.err" -r "$pcap" -i lo
check "-r and -i together: usage error, exit 2 (got $rc)" [ "$rc" -eq 2 ]
run "$tmp/f.out" "$tmp/f.err" -r "$pcap" 'udp and and'
check "bad filter: exit 2 (got $rc)" [ "$rc" -eq 2 ]
run "$tmp/f.out" "$tmp/f.err" -c 3 -r "$pcap"
check "-c 3 stops after 3 packets" out_has "$tmp/f.out" "3 packets, 3 decoded"
run "$tmp/f.out" "$tmp/f.err" -r "$pcap" udp port 500
check "filter 'udp port 500' matches none of the port 848 samples (exit $rc)" \
	out_has "$tmp/f.out" "0 packets, 0 decoded"
run "$tmp/f.out" "$tmp/f.err" -r "$pcap" udp port 848 or udp port 500
check "filter 'udp port 848 or udp port 500' matches all $n" \
	out_has "$tmp/f.out" "$n packets, $n decoded"

echo "# $checks checks, $fails failed"
[ "$fails" -eq 0 ] || exit 1
exit 0
