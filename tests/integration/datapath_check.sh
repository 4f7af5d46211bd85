#!/bin/bash
#
# datapath_check.sh: the GM's kernel datapath on this kernel (XFRM and
# nftables, but no ESP), real daemons in namespaces.
#
#   ks   10.99.0.1   gdoi-ks, the demo KS with the ACL
#                      permit ip 10.0.0.0/8 10.0.0.0/8, deny tcp any any eq 22
#                    (it covers the GDOI traffic itself: the GM's bypass
#                    for UDP 848 must let registration and rekeys through)
#   gm1  10.99.0.11  gdoi-gm with <datapath esp-keylog=...>, -T 100
#   h1   10.1.0.10   a host behind gm1 (lab/netns.sh h1@gm1), gateway 10.1.0.1
#
# Checks:
#   a) GM1 registers and takes TEK rekeys through its own policies;
#   b) the policies read back from the kernel are exactly: the GDOI
#      bypass (priority 1000: out sport 848, in and fwd dport 848), then
#      the ACL in order (1001: permit with an ESP tunnel template, reqid
#      18244, out to the anchor 127.128.0.1; 1002: the deny, no template),
#      each out as written (only through the WAN interface eth0), in and
#      fwd mirrored (only for packets marked 0x40000000: WAN arrivals);
#   c) every NEWSA is refused by this ESP-less kernel with "Requested type
#      not found" (logged), nothing half-installed, the GM keeps running;
#   d) the nftables table gdoi_gm with chains wan, pre, stash, outer;
#      h1 reaches gm1's LAN address in plaintext (the ACL holds on the WAN
#      only); h1's traffic to the KS, which the ACL covers, is held back
#      for want of an SA (ACQUIRE counted) and never crosses in clear;
#   e) kill -9 leaves the objects; a new GM removes them at start (logged)
#      and installs exactly one set again;
#   f) SIGTERM removes every policy of ours and the table.
# Exit 0 pass, 1 fail, 77 skip (not root, no namespaces).

if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi

set -u
# shellcheck source=../common.sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/common.sh"
export LC_ALL=C

gdoi_daemon_test datapath_check
prefix=gdoidp$$
tmp=
ks_pid=
gm_pid=
fails=0

cleanup() { gdoi_cleanup $gm_pid $ks_pid; }
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

kv() { gdoi_kv "$ctl" "$tmp/$1.sock" "$2"; }
registered() { [ "$(kv "$1" group.G1.registration_status)" = Registered ]; }
pols() { ip -n "$prefix-gm1" xfrm policy list; }
start_gm() {
	gdoi_start gm1 "$tmp/gm1.log" "$gm_bin" -T 100 -f "$tmp/gm1.xml"
	gm_pid=$!
}

command -v nft >/dev/null || { echo "$me: FAIL: nft is not installed (make deps)"; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gdoi-dp.XXXXXX") || exit 1
mkdir -p "$tmp/state"
gdoi_netns_up ks=10.99.0.1 gm1=10.99.0.11 h1@gm1=10.1.0.10/24
# the demo KS, with an ACL that also covers the GDOI traffic
awk '
	/<access-list name="getvpn-acl">/ { print; skip = 1
		print "    <permit protocol=\"ip\" source=\"10.0.0.0/8\" destination=\"10.0.0.0/8\"/>"
		print "    <deny protocol=\"tcp\" source=\"any\" destination=\"any\" destination-port=\"22\"/>"
		next }
	skip && /<\/access-list>/ { skip = 0 }
	!skip { print }' "$top_srcdir/etc/ks.xml" |
	sed -e 's/<ipsec-profile \(.*\) lifetime="3600"/<ipsec-profile \1 lifetime="300"/' \
	>"$tmp/ks.xml"
sed -e "s|<isakmp>|<datapath esp-keylog=\"$tmp/gm1.esp_sa\"/>\n  <isakmp>|" \
	"$top_srcdir/etc/gm1.xml" >"$tmp/gm1.xml"
check "the configurations pass -n" sh -c "'$ks_bin' -n -f '$tmp/ks.xml' >/dev/null &&
	'$gm_bin' -n -f '$tmp/gm1.xml' >/dev/null"

export GDOI_LAB=1
gdoi_start ks "$tmp/ks.log" "$ks_bin" -T 100 -f "$tmp/ks.xml" -S "$tmp/state"
ks_pid=$!
gdoi_wait_for 50 test -S "$tmp/ks.sock"
start_gm

# ---- a) registration and rekeys through the GM's own policies -----------
check "GM1 registers with its policies installed" gdoi_wait_for 100 registered gm1
spi0=$(kv gm1 group.G1.tek.0.spi)
gdoi_wait_for 150 sh -c "[ \"\$('$ctl' -s '$tmp/gm1.sock' -f keyvalue show crypto gdoi |
	sed -n 's/^group.G1.rekeys.total=//p')\" -ge 2 ]"
check "GM1 took $(kv gm1 group.G1.rekeys.total) rekeys (want >= 2; TEK $spi0 -> $(kv gm1 group.G1.tek.0.spi))" \
	[ "$(kv gm1 group.G1.rekeys.total)" -ge 2 ]

# ---- b) the policies, read back -------------------------------------------
out=$(pols)
# one line per policy: dir priority selector [tmpl dst reqid]
got=$(printf '%s\n' "$out" | awk '
	/^src/ { sel = $0; sub(/ *$/, "", sel); next }
	/^\tdir/ { if (line != "") print line; line = $2 " " $4 " " sel; next }
	/^\tmark/ { line = line " mark " $2; next }
	/tmpl src/ { line = line " tmpl " $5 }
	/proto esp reqid/ { line = line " reqid " $4 }
	END { if (line != "") print line }' | sort)
want=$(sort <<'EOF'
out 1000 src 0.0.0.0/0 dst 0.0.0.0/0 proto udp sport 848 dev eth0
in 1000 src 0.0.0.0/0 dst 0.0.0.0/0 proto udp dport 848 mark 0x40000000/0x40000000
fwd 1000 src 0.0.0.0/0 dst 0.0.0.0/0 proto udp dport 848 mark 0x40000000/0x40000000
out 1001 src 10.0.0.0/8 dst 10.0.0.0/8 dev eth0 tmpl 127.128.0.1 reqid 18244
in 1001 src 10.0.0.0/8 dst 10.0.0.0/8 mark 0x40000000/0x40000000 tmpl 0.0.0.0 reqid 18244
fwd 1001 src 10.0.0.0/8 dst 10.0.0.0/8 mark 0x40000000/0x40000000 tmpl 0.0.0.0 reqid 18244
out 1002 src 0.0.0.0/0 dst 0.0.0.0/0 proto tcp dport 22 dev eth0
in 1002 src 0.0.0.0/0 dst 0.0.0.0/0 proto tcp sport 22 mark 0x40000000/0x40000000
fwd 1002 src 0.0.0.0/0 dst 0.0.0.0/0 proto tcp sport 22 mark 0x40000000/0x40000000
EOF
)
check "the kernel holds the bypass and the ACL, in order, each out/in/fwd" \
	[ "$got" = "$want" ]
[ "$got" = "$want" ] || { echo "--- got"; echo "$got"; echo "--- want"; echo "$want"; }

# ---- c) SAs: refused by this kernel, precisely ----------------------------
check "NEWSA refused with the kernel's reason (no ESP here)" \
	grep -q 'NEWSA #[0-9]*: IPsec protocol not supported by the kernel (errno 93): Requested type not found' "$tmp/gm1.log"
check "no SA of ours half-installed" \
	[ -z "$(ip -n "$prefix-gm1" xfrm state list)" ]
check "the ESP key log has GM1's TEK ($spi0) in esp_sa form" \
	grep -qi "^\"IPv4\",\"\\*\",\"\\*\",\"0x$(printf %08x "$((spi0))")\",\"AES-CBC \\[RFC3602\\]\",\"0x[0-9a-f]\\{64\\}\",\"HMAC-SHA-256-128 \\[RFC4868\\]\",\"0x[0-9a-f]\\{64\\}\"$" "$tmp/gm1.esp_sa"

# ---- d) nftables -------------------------------------------------------------
nftout=$(ip netns exec "$prefix-gm1" nft list table ip gdoi_gm 2>&1)
for c in 'chain wan' 'iif "eth0"' 'chain pre' 'chain stash' 'chain outer' 'type route hook output' \
	'type filter hook prerouting priority raw' 'set spi'; do
	check "nftables table gdoi_gm has '$c'" grep -q "$c" <<<"$nftout"
done

check "h1 pings gm1's LAN address in plaintext (the group ACL holds on the WAN only)" \
	sh -c "ip netns exec '$prefix-h1' ping -c 2 -i 0.2 -W 1 10.1.0.1 >/dev/null"
ip netns exec "$prefix-core" tcpdump -i br0 -U -n -w "$tmp/br0.pcap" icmp >/dev/null 2>&1 &
cap=$!
sleep 1
check "h1 -> KS (covered by the ACL, no SA on this kernel) does not get through" \
	sh -c "! ip netns exec '$prefix-h1' ping -c 3 -i 0.2 -W 1 10.99.0.1 >/dev/null"
sleep 0.5
kill -INT "$cap"; wait "$cap" 2>/dev/null
# (a capture that cannot be read back is a failure, not "nothing seen")
clear_h1() { tcpdump -n -r "$tmp/br0.pcap" >"$tmp/br0.txt" 2>/dev/null && ! grep -q 10.1.0.10 "$tmp/br0.txt"; }
check "nothing from h1 crossed the WAN in clear (br0 capture read back)" clear_h1
check "gm1 counted the held packets (ACQUIRE)" \
	[ "$("$ctl" -s "$tmp/gm1.sock" -f keyvalue show crypto gdoi gm dataplane |
		sed -n 's/^dataplane.acquires=//p')" -ge 1 ]
dp=$("$ctl" -s "$tmp/gm1.sock" -f keyvalue show crypto gdoi gm dataplane 2>&1)
check "show crypto gdoi gm dataplane: XFRM, reqid 18244, 2 ACL entries, no SA (no ESP)" \
	sh -c "printf '%s\n' \"\$1\" | grep -qx 'dataplane.state=XFRM' &&
		printf '%s\n' \"\$1\" | grep -qx 'dataplane.reqid=18244' &&
		printf '%s\n' \"\$1\" | grep -qx 'dataplane.group.G1.policies=2' &&
		printf '%s\n' \"\$1\" | grep -qx 'dataplane.esp_redirected=0' &&
		! printf '%s\n' \"\$1\" | grep -q 'sa.0.spi'" _ "$dp"
[ $fails = 0 ] || printf '%s\n' "$dp"

# ---- e) crash and restart ----------------------------------------------------
kill -KILL "$gm_pid"; wait "$gm_pid" 2>/dev/null
n_before=$(pols | grep -c '^src')
check "kill -9 leaves the 9 policies" [ "$n_before" = 9 ]
start_gm
check "the new GM registers" gdoi_wait_for 100 registered gm1
check "the new GM removed the 9 stale policies at start (logged)" \
	grep -q 'GM_DP_FLUSH: Removed 9 XFRM SAs and policies of ours' "$tmp/gm1.log"
check "and installed exactly one set again" [ "$(pols | grep -c '^src')" = 9 ]

# ---- f) stop -------------------------------------------------------------------
kill -TERM "$gm_pid"
for _ in $(seq 50); do kill -0 "$gm_pid" 2>/dev/null || break; sleep 0.1; done
check "SIGTERM: the GM is gone" sh -c "! kill -0 $gm_pid 2>/dev/null"
gm_pid=
check "SIGTERM: no policy of ours left" [ "$(pols | grep -c '^src')" = 0 ]
check "SIGTERM: the nftables table is gone" \
	sh -c "! ip netns exec '$prefix-gm1' nft list table ip gdoi_gm >/dev/null 2>&1"

if [ "$fails" -ne 0 ]; then
	echo "$me: $fails check(s) failed; GM log:"
	tail -n 30 "$tmp/gm1.log"
	exit 1
fi
echo "$me: PASS"
exit 0
