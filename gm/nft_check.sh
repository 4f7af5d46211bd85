#!/bin/bash
# nft_check.sh: the nftables module against this kernel, in a throwaway
# topology of two namespaces (root only; exit 77 = skipped otherwise).
#
#   g  10.97.0.1  the GM: L = 10.97.0.1, table ip gdoi_gm, WAN eth0
#   s  10.97.0.2  a sender, with 10.99.0.0/24 routed via g
#   and a second link lan0 between them: g 10.98.0.1, s 10.98.0.2
#
# Runs `check_nft --netns` in g, then drives the API with
# `check_nft --cmd` and checks with nft(8): one table after installing
# twice; the set, the chains (type, hook, priority) and the rules'
# bytecode (nft --debug=netlink); SPI add/del; the table gone after
# remove; an error logged.  Functional: raw ESP packets from s to
# 10.99.0.5 (routed to g, not local to it) with an SPI in the set must
# count in pre and reach a test-only chain (priority 0, made here with
# nft) with daddr L and the header checksum recomputed; with an SPI
# outside the set they must not count and keep their daddr.  The wan
# chain: packets arriving on g's eth0 (the WAN given to the module) must
# reach a test-only chain (priority -100) with mark & W == W and their
# other mark bits (set at priority -400 by the test) kept, count in wan,
# and those arriving on lan0 must not be marked; without a WAN mark the
# module makes no wan chain.  The stash and outer chains need ESP, which
# this kernel lacks: bytecode only.
if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi
set -u
export LC_ALL=C

if [ "$(id -u)" != 0 ]; then
	echo "nft_check: not root, skipped"
	exit 77
fi
for t in ip nft timeout; do
	command -v $t >/dev/null 2>&1 || { echo "nft_check: $t not found"; exit 99; }
done
bin=${CHECK_NFT:-./check_nft}
[ -x "$bin" ] || { echo "nft_check: $bin not built"; exit 99; }

netns="${top_srcdir:-$(dirname "$0")/..}/lab/netns.sh"
prefix=gdoinf$$
g=$prefix-g
s=$prefix-s
L=10.97.0.1
W=0x00a00000  # the WAN mark
cleanup() { bash "$netns" down "$prefix" >/dev/null 2>&1; }
trap cleanup EXIT INT TERM
bash "$netns" up "$prefix" g=$L s=10.97.0.2 >/dev/null || exit 99
ip -n "$g" link add lan0 type veth peer name lan0 netns "$s" || exit 99
ip -n "$g" addr add 10.98.0.1/24 dev lan0 || exit 99
ip -n "$s" addr add 10.98.0.2/24 dev lan0 || exit 99
ip -n "$g" link set lan0 up || exit 99
ip -n "$s" link set lan0 up || exit 99
if ! ip netns exec "$g" nft list ruleset >/dev/null 2>&1; then
	echo "nft_check: no nf_tables in this kernel, skipped"
	exit 77
fi

rc=0
fail() { echo "nft_check: $*"; rc=1; }
# api OP [SPI...]: one call of the module in g (WAN eth0, mark W); api_nowan: no WAN mark
api() { timeout 20 ip netns exec "$g" "$bin" --cmd gdoi_gm 0x4d01 $L eth0 $W "$@"; }
api_nowan() { timeout 20 ip netns exec "$g" "$bin" --cmd gdoi_gm 0x4d01 $L eth0 0 "$@"; }
gnft() { ip netns exec "$g" nft "$@"; }
# send N SRC DST SPI: N raw ESP packets from s (check_nft --send)
send() {
	local n=$1
	shift
	for _ in $(seq "$n"); do
		ip netns exec "$s" "$bin" --send "$@" $L >/dev/null || fail "send failed"
	done
}
# the SPIs in the set, as "4096,12288" ("" when empty)
elems() { gnft -j list set ip gdoi_gm spi | grep -o '"elem": \[[^]]*\]' | sed 's/.*\[//; s/\]//; s/ //g'; }

CK_DEFAULT_TIMEOUT=20 timeout 60 ip netns exec "$g" "$bin" --netns || fail "check_nft --netns failed"

# ---- install: twice is one table, with an empty set ----
api install || fail "install failed"
api install || fail "second install failed"
n=$(gnft list tables | grep -c '^table ip gdoi_gm$')
[ "$n" = 1 ] || fail "$n tables ip gdoi_gm, want 1"
[ "$(gnft list tables | wc -l)" = 1 ] || fail "tables other than ours: $(gnft list tables)"
[ -z "$(elems)" ] || fail "the set is not empty after install: $(elems)"

# ---- set and chains ----
json=$(gnft -j list table ip gdoi_gm)
for want in \
	'"name": "spi", "table": "gdoi_gm", "type": "integer", "handle": [0-9]*}' \
	'"name": "pre", "handle": [0-9]*, "type": "filter", "hook": "prerouting", "prio": -300, "policy": "accept"}' \
	'"name": "stash", "handle": [0-9]*, "type": "filter", "hook": "postrouting", "prio": -300, "policy": "accept"}' \
	'"name": "outer", "handle": [0-9]*, "type": "route", "hook": "output", "prio": -150, "policy": "accept"}' \
	'"name": "wan", "handle": [0-9]*, "type": "filter", "hook": "prerouting", "prio": -350, "policy": "accept"}'; do
	echo "$json" | grep -q "$want" || fail "not in nft -j list: $want"
done
gnft list set ip gdoi_gm spi | grep -q '^		typeof esp spi$' || fail "set spi is not 'typeof esp spi'"
[ "$(echo "$json" | grep -o '{"chain":' | wc -l)" = 4 ] || fail "not 4 chains"
[ "$(echo "$json" | grep -o '{"rule":' | wc -l)" = 4 ] || fail "not 4 rules"

# ---- bytecode (10.97.0.1 = 0x0100610a, reqid 0x4d01: little-endian words;
# ifindex and mark are host-order words: ~W = 0xff5fffff) ----
want=$(cat <<'EOF'
ip gdoi_gm pre
  [ meta load l4proto => reg 1 ]
  [ cmp eq reg 1 0x00000032 ]
  [ payload load 4b @ transport header + 0 => reg 1 ]
  [ lookup reg 1 set spi 0x0 ]
  [ counter pkts 0 bytes 0 ]
  [ immediate reg 1 0x0100610a ]
  [ payload write reg 1 => 4b @ network header + 16 csum_type 1 csum_off 10 csum_flags 0x0 ]

ip gdoi_gm stash
  [ xfrm load out 0 reqid => reg 1 ]
  [ cmp eq reg 1 0x00004d01 ]
  [ counter pkts 0 bytes 0 ]
  [ payload load 4b @ network header + 16 => reg 1 ]
  [ meta set mark with reg 1 ]
  [ payload load 4b @ network header + 12 => reg 1 ]
  [ meta set priority with reg 1 ]

ip gdoi_gm outer
  [ meta load l4proto => reg 1 ]
  [ cmp eq reg 1 0x00000032 ]
  [ payload load 4b @ transport header + 0 => reg 1 ]
  [ lookup reg 1 set spi 0x0 ]
  [ meta load mark => reg 1 ]
  [ cmp neq reg 1 0x00000000 ]
  [ counter pkts 0 bytes 0 ]
  [ payload write reg 1 => 4b @ network header + 16 csum_type 1 csum_off 10 csum_flags 0x0 ]
  [ meta load priority => reg 1 ]
  [ payload write reg 1 => 4b @ network header + 12 csum_type 1 csum_off 10 csum_flags 0x0 ]
  [ immediate reg 1 0x00000000 ]
  [ meta set mark with reg 1 ]
  [ meta set priority with reg 1 ]
EOF
)
ifx=$(ip -n "$g" -o link show dev eth0 | sed 's/:.*//')
case $ifx in '' | *[!0-9]*) echo "nft_check: no ifindex of eth0: '$ifx'"; exit 99 ;; esac
want="$want

ip gdoi_gm wan
  [ meta load iif => reg 1 ]
  [ cmp eq reg 1 $(printf 0x%08x "$ifx") ]
  [ counter pkts N bytes N ]
  [ meta load mark => reg 1 ]
  [ bitwise reg 1 = ( reg 1 & 0xff5fffff ) ^ 0x00a00000 ]
  [ meta set mark with reg 1 ]"
# the rules' part of the listing, rule handles dropped (and the wan
# counter's numbers: an IGMP report of s may already have counted)
got=$(gnft --debug=netlink list table ip gdoi_gm | sed -n '/^ip gdoi_gm [a-z]* [0-9]*$/,/^$/p' |
	sed 's/^\(ip gdoi_gm [a-z]*\) [0-9]*$/\1/' | sed '$ { /^$/d }' |
	sed '/^ip gdoi_gm wan$/,$ s/\[ counter pkts [0-9]* bytes [0-9]* \]/[ counter pkts N bytes N ]/')
if [ "$got" != "$want" ]; then
	fail "bytecode differs (- want, + got):"
	diff <(echo "$want") <(echo "$got") | sed 's/^/    /'
fi

# ---- no WAN mark: no wan chain, its counter 0; then the WAN again ----
api_nowan install || fail "install without a WAN mark failed"
json=$(gnft -j list table ip gdoi_gm)
[ "$(echo "$json" | grep -o '{"chain":' | wc -l)" = 3 ] || fail "not 3 chains without a WAN mark"
echo "$json" | grep -q '"name": "wan"' && fail "a wan chain without a WAN mark"
c=$(api_nowan counters) || fail "counters without a WAN mark failed"
[ "$c" = "pre=0 stash=0 outer=0 wan=0" ] || fail "counters without a WAN mark: '$c'"
api counters >/dev/null 2>&1 && fail "counters with a WAN but no wan chain succeeded"
api install || fail "install with the WAN again failed"

# ---- SPIs ----
api add 0x1000 0x2000 0x3000 || fail "spi add failed"
api add 0x1000 || fail "adding an SPI already there failed"
[ "$(elems)" = 4096,8192,12288 ] || fail "set after add: '$(elems)', want 4096,8192,12288"
api del 0x2000 0x5000 || fail "spi del with one SPI not in the set failed"
[ "$(elems)" = 4096,12288 ] || fail "set after del: '$(elems)', want 4096,12288"

# ---- functional: pre rewrites the daddr of ESP with our SPIs to L ----
ip -n "$s" route add 10.99.0.0/24 via $L || exit 99
# test-only, after pre (-300): what reaches priority 0
ck=$(ip netns exec "$s" "$bin" --send 10.97.0.2 10.99.0.5 0x7777 $L) || exit 99
sum=${ck#* }  # the checksum once daddr is L
gnft -f - <<EOF || exit 99
table ip gdoi_test {
	chain c {
		type filter hook prerouting priority 0; policy accept;
		ip protocol esp ip daddr $L ip checksum $sum counter comment "rewritten"
		ip protocol esp ip daddr $L counter comment "to_L"
		ip protocol esp ip daddr 10.99.0.5 counter comment "kept"
	}
}
EOF
# the counter of the test rule with comment $1 (in chain $2, default c)
tcount() {
	gnft list chain ip gdoi_test "${2:-c}" |
		sed -n "s/.* counter packets \([0-9]*\) bytes [0-9]* comment \"$1\"$/\1/p"
}
send 3 10.97.0.2 10.99.0.5 0x1000
send 2 10.97.0.2 10.99.0.5 0x2000
sleep 0.2
c=$(api counters) || fail "counters failed"
# the 6 ESP packets so far arrived on eth0, the WAN (and maybe an IGMP report of s)
[ "${c% wan=*}" = "pre=3 stash=0 outer=0" ] || fail "counters '$c', want pre=3 stash=0 outer=0"
[ "${c##*wan=}" -ge 6 ] 2>/dev/null || fail "counters '$c', want wan >= 6"
[ "$(tcount rewritten)" = 3 ] ||
	fail "$(tcount rewritten) packets to L with checksum $sum, want 3 (to L: $(tcount to_L))"
[ "$(tcount to_L)" = 3 ] || fail "$(tcount to_L) packets to L, want 3"
[ "$(tcount kept)" = 2 ] || fail "$(tcount kept) packets kept 10.99.0.5 (SPI 0x2000, deleted), want 2"
gnft list chain ip gdoi_test c | sed -n 's/^\t\t//p'
echo "$c"

# ---- functional: wan marks what arrives on eth0, not what arrives on lan0 ----
wan0=${c##*wan=}
# test-only: every packet gets mark 5 before wan (-350); at -100 what it
# became (ESP only: s may send IGMP reports on either link)
gnft -f - <<EOF || exit 99
table ip gdoi_test {
	chain premark {
		type filter hook prerouting priority -400; policy accept;
		meta mark set 0x5
	}
	chain m {
		type filter hook prerouting priority -100; policy accept;
		iifname "eth0" ip protocol esp meta mark & $W == $W counter comment "eth0_w"
		iifname "eth0" ip protocol esp meta mark $((W | 5)) counter comment "eth0_w5"
		iifname "eth0" ip protocol esp counter comment "eth0"
		iifname "lan0" meta mark & $W == $W counter comment "lan0_w"
		iifname "lan0" ip protocol esp meta mark 5 counter comment "lan0_5"
		iifname "lan0" ip protocol esp counter comment "lan0"
	}
}
EOF
send 4 10.97.0.2 $L 0x7777
send 2 10.98.0.2 10.98.0.1 0x7777
sleep 0.2
for want in eth0_w=4 eth0_w5=4 eth0=4 lan0_w=0 lan0_5=2 lan0=2; do
	got=$(tcount "${want%=*}" m)
	[ "$got" = "${want#*=}" ] || fail "test rule ${want%=*}: '$got' packets, want ${want#*=}"
done
c=$(api counters) || fail "counters failed"
[ "${c##*wan=}" -ge $((wan0 + 4)) ] 2>/dev/null ||
	fail "wan counted ${c##*wan=}, want at least $((wan0 + 4)) ($c)"
gnft list chain ip gdoi_test m | sed -n 's/^\t\t//p'
echo "$c"

# ---- remove ----
api remove || fail "remove failed"
gnft list tables | grep -q '^table ip gdoi_gm$' && fail "table gdoi_gm still there after remove"
api remove || fail "remove of no table failed"
gnft list table ip gdoi_test >/dev/null 2>&1 || fail "remove took the test table with it"
# an error names the table, the message, errno and the kernel's text
err=$(api add 0x1000 2>&1) && fail "spi add without a table succeeded"
echo "$err" | grep -q '%GDOI-4-NFT: table gdoi_gm: NEWSETELEM #0: No such file or directory (errno 2)' ||
	fail "unexpected error log: $err"
# without CAP_NET_ADMIN the kernel refuses the whole batch (ACK of batch begin)
# (when nobody can run $bin: the build tree may not be readable by it)
nobody() {
	ip netns exec "$g" setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=-all --bounding-set=-all "$@"
}
# shellcheck disable=SC2016
if command -v setpriv >/dev/null 2>&1 && nobody sh -c 'test -x "$1"' _ "$bin"; then
	err=$(nobody "$bin" --cmd gdoi_gm 0x4d01 $L eth0 $W install 2>&1) &&
		fail "install without CAP_NET_ADMIN succeeded"
	echo "$err" | grep -q '%GDOI-4-NFT: table gdoi_gm: transaction: Operation not permitted (errno 1)' ||
		fail "unexpected error log: $err"
fi
exit $rc
