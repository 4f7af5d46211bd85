#!/bin/bash
#
# runtime_check.sh: the daemons' runtime, over IPv6.  A KS and a GM in
# network namespaces (lab/netns.sh, prefix gdoi6t<pid>) with fd00:97::/64
# addresses; the shipped etc/ks.xml and etc/gm1.xml with their IPv4
# addresses replaced by IPv6 ones.  Checks:
#   - the GM registers with the KS at fd00:97::1 using fd00:97::11, both
#     hold the same TEK and KEK, the KS lists the member by its address;
#   - malformed datagrams to the KS are dropped and counted, with one
#     rate-limited log line, and the KS keeps serving;
#   - SIGHUP with a broken configuration file logs file:line and keeps
#     the running configuration and keys; gdoictl reload with the file
#     repaired succeeds and keeps the group's keys;
#   - both daemons stop on SIGTERM with status 0;
#   - -T (lab time scale) is refused without GDOI_LAB=1; with GDOI_LAB=1
#     and -T 200, 24 s of real time are 4800 s of protocol time, more
#     than one TEK lifetime (3600 s): the KS rekeys the TEK (100 s before
#     expiry), the GM takes the rekey, never re-registers, holds a new
#     TEK, and is registered at every sample (2 per second).
#
# Exit 0 pass, 1 fail, 77 (skip) when not root or without namespaces.

set -u
# shellcheck source=../common.sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/common.sh"
export LC_ALL=C

gdoi_daemon_test runtime_check
prefix=gdoi6t$$
KS6=fd00:97::1
GM6=fd00:97::11
tmp=
fails=0
ks_pid=
gm_pid=


cleanup() { gdoi_cleanup $gm_pid $ks_pid; }
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

kv() { gdoi_kv "$ctl" "$1" "$2"; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/gdoi-reg6.XXXXXX") || exit 1
gdoi_netns_up ks=10.97.0.1 gm=10.97.0.11
ip -n "$prefix-ks" -6 addr add "$KS6/64" dev eth0 nodad || exit 1
ip -n "$prefix-gm" -6 addr add "$GM6/64" dev eth0 nodad || exit 1

# IPv6 everywhere the configurations name an address
sed -e "s|\"10.99.0.1\"|\"$KS6\"|; s|0.0.0.0/0|::/0|; s|10.99.0.0/26|fd00:97::/64|" \
	"$top_srcdir/etc/ks.xml" >"$tmp/ks.xml"
sed -e "s|\"10.99.0.1\"|\"$KS6\"|g" "$top_srcdir/etc/gm1.xml" >"$tmp/gm.xml"
check "the IPv6 configurations pass -n" \
	sh -c "'$ks_bin' -n -f '$tmp/ks.xml' >/dev/null && '$gm_bin' -n -f '$tmp/gm.xml' >/dev/null"
# refuses PROGRAM FILE TEXT: PROGRAM -n fails on FILE and says TEXT ($out)
refuses() { out=$("$1" -n -f "$2" 2>&1) && return 1; grep -q "$3" <<<"$out"; }
refuses "$ks_bin" "$tmp/gm.xml" 'has no server local'
check "gdoi-ks -n refuses a group member's file ($out)" [ $? = 0 ]
refuses "$gm_bin" "$tmp/ks.xml" 'has no server address'
check "gdoi-gm -n refuses a key server's file ($out)" [ $? = 0 ]

gdoi_start ks "$tmp/ks.log" "$ks_bin" -f "$tmp/ks.xml" -S "$tmp"
ks_pid=$!
gdoi_wait_for 50 test -S "$tmp/ks.sock"
gdoi_start gm "$tmp/gm.log" "$gm_bin" -f "$tmp/gm.xml"
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

# malformed input: 20 datagrams of junk from the GM's namespace
spi0=$(kv "$tmp/ks.sock" group.G1.tek.0.spi)
bad0=$(kv "$tmp/ks.sock" ks.rx_bad)
ip netns exec "$prefix-gm" python3 - "$KS6" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
for i in range(20):
    s.sendto(bytes([0x5a]) * (i + 1), (sys.argv[1], 848))
PY
bad1=
for _ in $(seq 50); do
	bad1=$(kv "$tmp/ks.sock" ks.rx_bad)
	[ "${bad1:-0}" -ge $((bad0 + 20)) ] && break
	sleep 0.1
done
check "KS counted 20 malformed datagrams (rx_bad $bad0 -> $bad1)" [ "${bad1:-0}" -eq $((bad0 + 20)) ]
n=$(grep -c "IKMP_BAD_MESSAGE: IKE message from $GM6" "$tmp/ks.log")
check "KS logged the burst once (rate limited): $n line(s)" [ "$n" = 1 ]
check "KS still serves after the junk" [ "$(kv "$tmp/ks.sock" group.G1.tek.0.spi)" = "$spi0" ]

# SIGHUP with a broken file: the running configuration stays
cp "$tmp/ks.xml" "$tmp/ks.good"
printf '<gdoi>\n  <isakmp>\n    <bogus/>\n' >"$tmp/ks.xml"
kill -HUP "$ks_pid"
for _ in $(seq 50); do grep -q CONFIG_ERROR "$tmp/ks.log" && break; sleep 0.1; done
check "SIGHUP with a broken file: CONFIG_ERROR names $tmp/ks.xml:line" \
	grep -Eq "%GDOI-3-CONFIG_ERROR: $tmp/ks.xml:[0-9]+: .*keeping the running configuration" "$tmp/ks.log"
check "KS keeps its keys and members after the failed reload" \
	[ "$(kv "$tmp/ks.sock" group.G1.tek.0.spi)/$(kv "$tmp/ks.sock" ks.members_total)" = "$spi0/1" ]
check "gdoictl reload with the broken file fails (exit 1)" \
	sh -c "'$ctl' -s '$tmp/ks.sock' reload >/dev/null 2>&1; [ \$? = 1 ]"
cp "$tmp/ks.good" "$tmp/ks.xml"
check "gdoictl reload with the repaired file succeeds" \
	sh -c "'$ctl' -s '$tmp/ks.sock' reload >/dev/null"
check "the unchanged group keeps its TEK across the reload" \
	[ "$(kv "$tmp/ks.sock" group.G1.tek.0.spi)" = "$spi0" ]

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

# lab time scale
check "-T without GDOI_LAB=1 is refused (exit 64)" \
	sh -c "env -u GDOI_LAB '$ks_bin' -T 10 -d -f '$tmp/ks.xml' >/dev/null 2>&1; [ \$? = 64 ]"
rm -f "$tmp/ks.log" "$tmp/gm.log"
GDOI_LAB=1 gdoi_start ks "$tmp/ks.log" "$ks_bin" -T 200 -f "$tmp/ks.xml" -S "$tmp"
ks_pid=$!
gdoi_wait_for 50 test -S "$tmp/ks.sock"
GDOI_LAB=1 gdoi_start gm "$tmp/gm.log" "$gm_bin" -T 200 -f "$tmp/gm.xml"
gm_pid=$!
for _ in $(seq 50); do
	[ "$(kv "$tmp/gm.sock" group.G1.registration_status)" = Registered ] && break
	sleep 0.1
done
spi0=$(kv "$tmp/gm.sock" group.G1.tek.0.spi)
unreg=0
for _ in $(seq 48); do
	sleep 0.5
	st=$(kv "$tmp/gm.sock" group.G1.registration_status)
	[ "$st" = Registered ] || [ "$st" = Registering ] || unreg=$((unreg + 1))
done
spi1=$(kv "$tmp/gm.sock" group.G1.tek.0.spi)
n=$(grep -c GM_RE_REGISTER "$tmp/gm.log")
check "time scale 200: no re-registration in 4800 protocol s ($n)" [ "$n" = 0 ]
n=$(kv "$tmp/gm.sock" group.G1.rekeys.total)
check "time scale 200: the GM received the TEK rekey and its retransmissions ($n, want 3)" \
	[ "${n:-0}" = 3 ]
check "time scale 200: a new TEK after the first one ran out ($spi0 -> $spi1)" \
	[ "${spi1:-none}" != "${spi0:-none}" ]
check "time scale 200: never without a registration at 48 samples ($unreg misses)" [ "$unreg" = 0 ]
kill -TERM "$gm_pid" "$ks_pid" 2>/dev/null
wait "$gm_pid" "$ks_pid" 2>/dev/null
gm_pid=
ks_pid=

if [ "$fails" -ne 0 ]; then
	echo "$me: $fails check(s) failed; logs:"
	cat "$tmp/ks.log" "$tmp/gm.log"
	exit 1
fi
echo "$me: all checks passed"
exit 0
