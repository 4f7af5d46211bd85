#!/bin/bash
#
# registration6_check.sh: registration over IPv6.  A KS and a GM in
# network namespaces (lab/netns.sh, prefix gdoi6t<pid>) with fd00:97::/64
# addresses; the shipped etc/ks.xml and etc/gm1.xml with their IPv4
# addresses replaced by IPv6 ones.  Checks: the GM registers with the KS
# at fd00:97::1 using fd00:97::11, both hold the same TEK and KEK, the KS
# lists the member by its IPv6 address, and both stop on SIGTERM.
#
# Exit 0 pass, 1 fail, 77 (skip) when not root or without namespaces.

set -u
# shellcheck source=../common.sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/common.sh"
export LC_ALL=C

me=registration6_check
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir/build}
ks_bin=${GDOI_KS:-$top_builddir/ks/gdoi-ks}
gm_bin=${GDOI_GM:-$top_builddir/gm/gdoi-gm}
ctl=${GDOICTL:-$top_builddir/cli/gdoictl}
netns=$top_srcdir/lab/netns.sh
prefix=gdoi6t$$
KS6=fd00:97::1
GM6=fd00:97::11
fails=0
tmp=
ks_pid=
gm_pid=

[ "$(id -u)" = 0 ] || { echo "$me: SKIP: needs root (network namespaces)"; exit 77; }
for b in "$ks_bin" "$gm_bin" "$ctl"; do
	[ -x "$b" ] || { echo "$me: FAIL: $b is not built"; exit 1; }
done

cleanup() {
	[ -n "$gm_pid" ] && kill -KILL "$gm_pid" 2>/dev/null
	[ -n "$ks_pid" ] && kill -KILL "$ks_pid" 2>/dev/null
	bash "$netns" down "$prefix" >/dev/null 2>&1
	gdoi_tmp_done "$tmp"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

check() {
	local what=$1
	shift
	if "$@"; then
		echo "OK   $what"
	else
		echo "FAIL $what"
		fails=$((fails + 1))
	fi
}

kv() { "$ctl" -s "$1" -f keyvalue show crypto gdoi 2>/dev/null | sed -n "s/^$2=//p"; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/gdoi-reg6.XXXXXX") || exit 1
if ! bash "$netns" up "$prefix" ks=10.97.0.1 gm=10.97.0.11 >"$tmp/netns.log" 2>&1; then
	echo "$me: SKIP: cannot create network namespaces:"; cat "$tmp/netns.log"
	exit 77
fi
ip -n "$prefix-ks" -6 addr add "$KS6/64" dev eth0 nodad || exit 1
ip -n "$prefix-gm" -6 addr add "$GM6/64" dev eth0 nodad || exit 1

# IPv6 everywhere the configurations name an address
sed -e "s|\"10.99.0.1\"|\"$KS6\"|; s|0.0.0.0/0|::/0|; s|10.99.0.0/26|fd00:97::/64|" \
	"$top_srcdir/etc/ks.xml" >"$tmp/ks.xml"
sed -e "s|\"10.99.0.1\"|\"$KS6\"|g" "$top_srcdir/etc/gm1.xml" >"$tmp/gm.xml"
check "the IPv6 configurations pass -n" \
	sh -c "'$ks_bin' -n -f '$tmp/ks.xml' >/dev/null && '$gm_bin' -n -f '$tmp/gm.xml' >/dev/null"

ip netns exec "$prefix-ks" "$ks_bin" -d -f "$tmp/ks.xml" -s "$tmp/ks.sock" -p "$tmp/ks.pid" \
	-S "$tmp" >"$tmp/ks.log" 2>&1 &
ks_pid=$!
for _ in $(seq 50); do [ -S "$tmp/ks.sock" ] && break; sleep 0.1; done
ip netns exec "$prefix-gm" "$gm_bin" -d -f "$tmp/gm.xml" -s "$tmp/gm.sock" -p "$tmp/gm.pid" \
	>"$tmp/gm.log" 2>&1 &
gm_pid=$!

st=
for _ in $(seq 150); do
	st=$(kv "$tmp/gm.sock" group.G1.registration_status)
	[ "$st" = Registered ] && break
	sleep 0.2
done
check "GM registered over IPv6 (status '$st')" [ "$st" = Registered ]
v=$(kv "$tmp/gm.sock" group.G1.registered_with)
check "GM registered with $v (want $KS6)" [ "$v" = "$KS6" ]
check "GM log: registration complete using $GM6" \
	grep -q "%GDOI-5-GM_REGS_COMPL: Registration to KS $KS6 complete for group G1 using address $GM6" "$tmp/gm.log"
for k in tek.0.spi tek.0.key_fingerprint kek.spi kek.key_fingerprint; do
	a=$(kv "$tmp/gm.sock" "group.G1.$k")
	b=$(kv "$tmp/ks.sock" "group.G1.$k")
	check "$k: GM '$a' = KS '$b'" [ "${a:-gm-empty}" = "${b:-ks-empty}" ]
done
v=$(kv "$tmp/ks.sock" group.G1.member.0.address)
check "KS lists the member as $v (want $GM6)" [ "$v" = "$GM6" ]

for np in "gm:$gm_pid" "ks:$ks_pid"; do
	n=${np%%:*}
	p=${np#*:}
	kill -TERM "$p"
	rc=124
	for _ in $(seq 50); do
		if ! kill -0 "$p" 2>/dev/null; then wait "$p"; rc=$?; break; fi
		sleep 0.1
	done
	check "$n exited on SIGTERM with status $rc (want 0)" [ "$rc" = 0 ]
done
gm_pid=
ks_pid=

if [ "$fails" -ne 0 ]; then
	echo "$me: $fails check(s) failed; logs:"
	cat "$tmp/ks.log" "$tmp/gm.log"
	exit 1
fi
echo "$me: all checks passed"
exit 0
