#!/bin/bash
#
# registration_check.sh: GDOI registration end to end, real daemons in
# network namespaces.
#
# Topology (lab/netns.sh, prefix gdoit<pid>): one bridge namespace and
#   ks      10.99.0.1    gdoi-ks, etc/ks.xml
#   gm1     10.99.0.11   gdoi-gm, etc/gm1.xml
#   gm2     10.99.0.12   gdoi-gm, etc/gm2.xml
#   badpsk  10.99.0.13   gdoi-gm, tests/integration/conf/gm-badpsk.xml
#                        (wrong pre-shared key)
#   unauth  10.99.0.100  gdoi-gm, tests/integration/conf/gm-unauth.xml
#                        (right key, outside the authorized prefix)
# The daemons run with the shipped configurations as they are; the
# control sockets, pid files, KS state directory (with the rekey signing
# key) and keylogs are moved into a temporary directory with -s/-p/-S/-k,
# so the test never touches /run/gdoi or /var/lib/gdoi.  Addresses, group
# name and key server address below are the ones those configurations
# use.
#
# Checks:
#   a) every configuration passes -n;
#   b) both GMs register (gdoictl: registration_status=Registered within
#      30 s), log the registration messages, and hold the same KEK and TEK
#      (SPI and key fingerprint) as the KS; the KS lists exactly them;
#   c) the wrong-key GM and the unauthorized GM are refused, with the
#      expected messages in both logs; the KS keeps running, answering
#      and listing 2 members;
#   d) the capture on the bridge (UDP 848), decrypted by tshark with the
#      GMs' keylogs, shows the GROUPKEY-PULL (exchange 32) payloads SA KEK
#      (15), SA TEK (16) and Key Download (17) with the SPIs gdoictl shows,
#      and shows none of them without the keylogs.  tshark 4.0 reads a
#      Main Mode SA payload with DOI 2 (GDOI, as RFC 6407 section 2.1 has
#      it) in the GROUPKEY-PULL layout, so it never learns the Phase 1
#      cipher and decrypts nothing; the test gives it a copy of the
#      capture in which the DOI of those SA payloads is 1 (IPsec).  The
#      cipher, keys and IVs do not depend on the DOI.
#   e) SIGTERM stops every daemon within 5 s, with status 0 and its pid
#      file removed.
#
# Environment:
#   GDOI_KS, GDOI_GM, GDOICTL   the programs (set by "make check"; default
#                               $top_builddir/{ks/gdoi-ks,gm/gdoi-gm,cli/gdoictl})
#   top_srcdir, top_builddir    set by "make check"
#   TSHARK, DUMPCAP             default: from PATH
#   GDOI_DEBUG                  debug tokens, passed to every daemon as -D
#   KEEP=1                      keep the temporary directory (logs, pcap)
#
# Exit 0 when every check passes, 1 otherwise, 77 (skip) when not root or
# when network namespaces cannot be created.

if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi

set -u
# shellcheck source=../common.sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/common.sh"
export LC_ALL=C

me=registration_check
now_ms() { date +%s%3N; }
T0=$(now_ms)
TSHARK=${TSHARK:-tshark}
DUMPCAP=${DUMPCAP:-dumpcap}

# What the shipped configurations say.
GROUP=G1
KS_ADDR=10.99.0.1
GM1_ADDR=10.99.0.11
GM2_ADDR=10.99.0.12
BAD_ADDR=10.99.0.13
UNAUTH_ADDR=10.99.0.100

# Bounds, in milliseconds.
REG_WAIT=30000  # readiness of the KS; registration of the two GMs
FAIL_WAIT=30000 # the refusal of the two bad GMs
STOP_WAIT=5000  # exit after SIGTERM

die() {
	echo "$me: $*" >&2
	echo "FAIL $me: $*"
	exit 1
}
skip() {
	echo "SKIP $me: $*"
	exit 77
}

here=$(cd "$(dirname "$0")" && pwd)
top_srcdir=${top_srcdir:-$(cd "$here/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir/build}
GDOI_KS=${GDOI_KS:-$top_builddir/ks/gdoi-ks}
GDOI_GM=${GDOI_GM:-$top_builddir/gm/gdoi-gm}
GDOICTL=${GDOICTL:-$top_builddir/cli/gdoictl}
netns=$top_srcdir/lab/netns.sh

[ "$(id -u)" -eq 0 ] || skip "needs root (network namespaces)"
command -v ip >/dev/null 2>&1 || skip "ip (iproute2) not found"

for b in "$GDOI_KS" "$GDOI_GM" "$GDOICTL"; do
	[ -x "$b" ] || die "$b is missing or not executable (build first)"
done
command -v "$TSHARK" >/dev/null 2>&1 || die "tshark not found: install tshark (make deps)"
command -v "$DUMPCAP" >/dev/null 2>&1 || die "dumpcap not found: install tshark (make deps)"
command -v timeout >/dev/null 2>&1 || die "timeout (coreutils) not found"
[ -r "$netns" ] || die "$netns not found"

declare -A conf
conf[ks]=$top_srcdir/etc/ks.xml
conf[gm1]=$top_srcdir/etc/gm1.xml
conf[gm2]=$top_srcdir/etc/gm2.xml
conf[badpsk]=$top_srcdir/tests/integration/conf/gm-badpsk.xml
conf[unauth]=$top_srcdir/tests/integration/conf/gm-unauth.xml
for n in ks gm1 gm2 badpsk unauth; do
	[ -r "${conf[$n]}" ] || die "configuration ${conf[$n]} not found"
done

prefix=gdoit$$
# Can this environment create a namespace at all?
if ! err=$(ip netns add "$prefix-probe" 2>&1); then
	skip "ip netns unusable here: $err"
fi
ip netns del "$prefix-probe" 2>/dev/null

declare -A pid # daemon name -> process id, while it may run
cap_pid=
tmp=

# alive PID: the process exists and is not a zombie.
alive() {
	local st
	[ -n "$1" ] && [ -r "/proc/$1/stat" ] || return 1
	st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
	[ -n "$st" ] && [ "$st" != Z ]
}

# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
	local n p left
	for n in "${!pid[@]}"; do
		kill -TERM "${pid[$n]}" 2>/dev/null
	done
	for _ in $(seq 1 30); do
		left=
		for n in "${!pid[@]}"; do
			alive "${pid[$n]}" && left=yes
		done
		[ -z "$left" ] && break
		sleep 0.1
	done
	for n in "${!pid[@]}"; do
		p=${pid[$n]}
		alive "$p" && { echo "$me: $n (pid $p) ignored SIGTERM, killing it"; kill -KILL "$p" 2>/dev/null; }
	done
	[ -n "$cap_pid" ] && kill -INT "$cap_pid" 2>/dev/null
	bash "$netns" down "$prefix" >/dev/null 2>&1 || echo "$me: netns.sh down $prefix failed"
	gdoi_tmp_done "$tmp"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

tmp=$(mktemp -d "${TMPDIR:-/tmp}/gdoi-reg.XXXXXX") || die "mktemp -d failed"
chmod 755 "$tmp"
pcap=$tmp/reg.pcap
mkdir -p "$tmp/ks-state" || die "mkdir in $tmp failed"

ok=0
bad=0
pass() { echo "OK   $*"; ok=$((ok + 1)); }
fail() { echo "FAIL $*"; bad=$((bad + 1)); }
# check DESCRIPTION COMMAND...: pass when COMMAND succeeds.
check() {
	local what=$1
	shift
	if "$@"; then pass "$what"; else fail "$what"; fi
}

# tail_log NAME: the end of a daemon's log, indented.
tail_log() {
	echo "    --- last lines of $1.log"
	tail -n "${2:-15}" "$tmp/$1.log" 2>/dev/null | sed 's/^/    /'
}

# has_line NAME STRING: the daemon's log holds STRING (fixed string).
has_line() { grep -Fq -- "$2" "$tmp/$1.log" 2>/dev/null; }
# shellcheck disable=SC2317 # called through check
lacks_line() { ! has_line "$@"; }

# start NAME NODE PROGRAM: start a daemon in the foreground (-d) in its
# namespace, everything it needs under $tmp.
start() {
	local name=$1 node=$2 prog=$3 extra=()
	[ "$prog" = "$GDOI_KS" ] && extra=(-S "$tmp/ks-state")
	bash "$netns" exec "$prefix" "$node" "$prog" -f "${conf[$name]}" -d \
		-s "$tmp/$name.sock" -p "$tmp/$name.pid" -k "$tmp/$name.keylog" \
		${GDOI_DEBUG:+-D "$GDOI_DEBUG"} "${extra[@]}" >"$tmp/$name.log" 2>&1 &
	pid[$name]=$!
	echo "$me: started $name (pid ${pid[$name]}) in $prefix-$node: $(basename "$prog"), ${conf[$name]#"$top_srcdir"/}"
}

# ctl NAME: gdoictl's keyvalue output of daemon NAME into $tmp/NAME.kv;
# fails when gdoictl fails.
ctl() {
	timeout 5 "$GDOICTL" -s "$tmp/$1.sock" -f keyvalue show crypto gdoi \
		>"$tmp/$1.kv.new" 2>"$tmp/$1.ctl.err" || return 1
	mv "$tmp/$1.kv.new" "$tmp/$1.kv"
}

# kv NAME KEY: the value of KEY in the last ctl output of NAME.
kv() {
	awk -v k="$2" 'index($0, k "=") == 1 { print substr($0, length(k) + 2); exit }' \
		"$tmp/$1.kv" 2>/dev/null
}

# kv_all NAME PATTERN: every value whose key matches the regex PATTERN.
kv_all() {
	awk -v p="$2" '{ i = index($0, "="); if (i && substr($0, 1, i - 1) ~ p) print substr($0, i + 1) }' \
		"$tmp/$1.kv" 2>/dev/null
}

# hexnorm VALUE: lower case hex digits only (no 0x, colons or spaces).
hexnorm() {
	local v
	v=$(printf '%s' "$1" | tr 'A-F' 'a-f')
	v=${v#0x}
	printf '%s' "$v" | tr -d ': '
}

# ---------------------------------------------------------------- (a)
echo "# (a) configurations"
for n in ks gm1 gm2 badpsk unauth; do
	[ $n = ks ] && prog=$GDOI_KS || prog=$GDOI_GM
	out=$("$prog" -n -f "${conf[$n]}" 2>&1)
	rc=$?
	check "$(basename "$prog") -n -f ${conf[$n]#"$top_srcdir"/}: exit $rc${out:+ ($(printf '%s' "$out" | head -n 3 | tr '\n' ' '))}" \
		[ $rc -eq 0 ]
done

# ---------------------------------------------------------------- network
bash "$netns" up "$prefix" ks=$KS_ADDR gm1=$GM1_ADDR gm2=$GM2_ADDR \
	badpsk=$BAD_ADDR unauth=$UNAUTH_ADDR >"$tmp/netns.out" 2>&1 ||
	die "netns.sh up failed: $(tr '\n' ' ' <"$tmp/netns.out")"
reach=no
for _ in $(seq 1 30); do
	if bash "$netns" exec "$prefix" gm1 ping -c 1 -W 1 $KS_ADDR >/dev/null 2>&1; then
		reach=yes
		break
	fi
	sleep 0.1
done
[ $reach = yes ] || die "no connectivity gm1 -> $KS_ADDR through $prefix-core"
echo "$me: topology $prefix: ks $KS_ADDR, gm1 $GM1_ADDR, gm2 $GM2_ADDR, badpsk $BAD_ADDR, unauth $UNAUTH_ADDR"

# The capture on the bridge sees every node's traffic; it starts before
# the KS.
bash "$netns" exec "$prefix" core "$DUMPCAP" -q -P -i br0 -f 'udp port 848' -w "$pcap" \
	>"$tmp/dumpcap.out" 2>&1 &
cap_pid=$!
capturing=no
for _ in $(seq 1 100); do
	if grep -q '^File: ' "$tmp/dumpcap.out"; then
		capturing=yes
		break
	fi
	alive "$cap_pid" || break
	sleep 0.1
done
[ $capturing = yes ] || die "dumpcap did not start: $(tr '\n' ' ' <"$tmp/dumpcap.out")"

# ---------------------------------------------------------------- KS
start ks ks "$GDOI_KS"
up=no
end=$(($(now_ms) + REG_WAIT))
while [ "$(now_ms)" -lt $end ]; do
	if ctl ks; then
		up=yes
		break
	fi
	alive "${pid[ks]}" || break
	sleep 0.2
done
if [ $up != yes ]; then
	tail_log ks
	[ -s "$tmp/ks.ctl.err" ] && echo "    gdoictl: $(tr '\n' ' ' <"$tmp/ks.ctl.err")"
	if alive "${pid[ks]}"; then
		die "gdoi-ks does not answer gdoictl on $tmp/ks.sock after $((REG_WAIT / 1000)) s"
	fi
	die "gdoi-ks exited at start-up"
fi
pass "gdoi-ks is up and answers gdoictl"
if [ -s "$tmp/ks.pid" ] && [ "$(tr -d ' \n' <"$tmp/ks.pid")" = "${pid[ks]}" ]; then
	pass "gdoi-ks -d -p wrote its pid file with its pid ${pid[ks]}"
else
	fail "gdoi-ks pid file $tmp/ks.pid: '$(cat "$tmp/ks.pid" 2>/dev/null)', want ${pid[ks]}"
fi
v=$(cd "$tmp/ks-state" && ls)
check "gdoi-ks -S: the state directory holds its files (${v//$'\n'/ })" [ -n "$v" ]

# ---------------------------------------------------------------- (b)
echo "# (b) registration of gm1 and gm2"
start gm1 gm1 "$GDOI_GM"
start gm2 gm2 "$GDOI_GM"
declare -A reg=([gm1]=no [gm2]=no)
t0=$(now_ms)
end=$((t0 + REG_WAIT))
while [ "$(now_ms)" -lt $end ]; do
	for n in gm1 gm2; do
		[ "${reg[$n]}" = yes ] && continue
		if ctl $n && [ "$(kv $n "group.$GROUP.registration_status")" = Registered ]; then
			reg[$n]=yes
		fi
	done
	[ "${reg[gm1]}" = yes ] && [ "${reg[gm2]}" = yes ] && break
	if ! alive "${pid[gm1]}" || ! alive "${pid[gm2]}" || ! alive "${pid[ks]}"; then
		break
	fi
	sleep 0.2
done
t1=$(now_ms)
for n in gm1 gm2; do
	if [ "${reg[$n]}" = yes ]; then
		pass "$n registration_status=Registered ($((t1 - t0)) ms after start)"
	else
		fail "$n not Registered (status '$(kv $n "group.$GROUP.registration_status")', process $(alive "${pid[$n]}" && echo alive || echo gone))"
		[ -s "$tmp/$n.ctl.err" ] && echo "    gdoictl: $(tr '\n' ' ' <"$tmp/$n.ctl.err")"
		tail_log $n
	fi
done
if [ "${reg[gm1]}" != yes ] || [ "${reg[gm2]}" != yes ]; then
	tail_log ks
	die "registration failed, not going on"
fi
ctl ks || fail "gdoictl on the KS failed after registration: $(tr '\n' ' ' <"$tmp/ks.ctl.err")"
for n in gm1 gm2 ks; do
	sed "s/^/    $n: /" "$tmp/$n.kv" >"$tmp/$n.kv.shown"
done

for n in gm1 gm2; do
	[ $n = gm1 ] && a=$GM1_ADDR || a=$GM2_ADDR
	check "$n log: %CRYPTO-5-GM_REGSTER ... using address $a" has_line $n \
		"%CRYPTO-5-GM_REGSTER: Start registration to KS $KS_ADDR for group $GROUP using address $a"
	check "$n log: %GDOI-5-GM_REGS_COMPL ... using address $a" has_line $n \
		"%GDOI-5-GM_REGS_COMPL: Registration to KS $KS_ADDR complete for group $GROUP using address $a"
	check "$n log: %GDOI-5-GM_INSTALL_POLICIES_SUCCESS ... gm identity $a" has_line $n \
		"%GDOI-5-GM_INSTALL_POLICIES_SUCCESS: SUCCESS: Installation of Reg/Rekey policies from KS $KS_ADDR for group $GROUP & gm identity $a"
	check "ks log: %GDOI-5-KS_REGS_COMPL ... with GM $a" has_line ks \
		"%GDOI-5-KS_REGS_COMPL: KS completed successful registration in group $GROUP with GM $a"
	g=group.$GROUP
	v=$(kv $n $g.registered_with)
	check "$n $g.registered_with=$v (want $KS_ADDR)" [ "$v" = $KS_ADDR ]
	v=$(kv $n $g.succeeded_registrations)
	check "$n $g.succeeded_registrations=$v (want 1)" [ "$v" = 1 ]
	v=$(kv $n $g.attempted_registrations)
	check "$n $g.attempted_registrations=$v (want 1)" [ "$v" = 1 ]
	v=$(kv $n $g.tek.0.transform)
	check "$n $g.tek.0.transform=$v" [ -n "$v" ]
	v=$(kv $n $g.acl.0)
	check "$n $g.acl.0=$v" [ -n "$v" ]
	v=$(kv $n $g.kek.lifetime)
	check "$n $g.kek.lifetime=$v (remaining seconds > 0)" [ "${v:-0}" -gt 0 ] 2>/dev/null
done

# same WHAT KEY PATTERN: gm1, gm2 and (when it shows KEY) the KS hold the
# same value of KEY, which matches the regex PATTERN.
same() {
	local what=$1 key=group.$GROUP.$2 pat=$3 a b k
	a=$(kv gm1 "$key")
	b=$(kv gm2 "$key")
	k=$(kv ks "$key")
	if [ -z "$a" ] || ! printf '%s' "$a" | grep -Eqx -- "$pat"; then
		fail "$what: gm1 $key='$a' is not of the form $pat"
	elif [ "$a" != "$b" ]; then
		fail "$what: gm1 $key=$a but gm2 has '$b'"
	elif [ -n "$k" ] && [ "$k" != "$a" ]; then
		fail "$what: the GMs have $key=$a but the KS has '$k'"
	elif [ -z "$k" ]; then
		pass "$what: gm1 = gm2 = $a (the KS does not show $key)"
	else
		pass "$what: gm1 = gm2 = KS = $a"
	fi
}
same "KEK SPI" kek.spi '(0x)?[0-9A-Fa-f]{32}'
same "KEK key fingerprint" kek.key_fingerprint '(0x)?[0-9A-Fa-f:]+'
same "TEK 0 SPI" tek.0.spi '0x[0-9A-Fa-f]{8}'
same "TEK 0 key fingerprint" tek.0.key_fingerprint '(0x)?[0-9A-Fa-f:]+'
for key in kek.spi tek.0.spi tek.0.key_fingerprint; do
	[ -n "$(kv ks "group.$GROUP.$key")" ] || fail "the KS does not show group.$GROUP.$key"
done

# members NAME: the member addresses the KS lists, sorted, space separated.
members() {
	kv_all ks "^group[.]${GROUP}[.]member[.][0-9]+[.]address\$" | sort | tr '\n' ' ' | sed 's/ $//'
}
v=$(kv ks ks.members_total)
check "KS ks.members_total=$v (want 2)" [ "$v" = 2 ]
v=$(kv ks "group.$GROUP.members")
check "KS group.$GROUP.members=$v (want 2)" [ "$v" = 2 ]
v=$(members)
check "KS member addresses: '$v' (want $GM1_ADDR $GM2_ADDR)" [ "$v" = "$GM1_ADDR $GM2_ADDR" ]

# ---------------------------------------------------------------- (c)
echo "# (c) refused registrations: wrong pre-shared key, unauthorized identity"
start badpsk badpsk "$GDOI_GM"
start unauth unauth "$GDOI_GM"
failmsg="%GDOI-4-GM_REGS_FAIL: Registration to KS $KS_ADDR for group $GROUP failed: "
unauth_ks="%GDOI-1-UNAUTHORIZED_IDENTITY: Group $GROUP received registration from unauthorized identity: $UNAUTH_ADDR"
badpsk_ks="%CRYPTO-4-IKMP_BAD_MESSAGE: IKE message from $BAD_ADDR failed its sanity check or is malformed"
# reason NAME: the notify name of NAME's first GM_REGS_FAIL line.
reason() {
	awk -v m="$failmsg" 'i = index($0, m) { s = substr($0, i + length(m)); sub(/[ \t].*/, "", s); print s; exit }' \
		"$tmp/$1.log" 2>/dev/null
}
t0=$(now_ms)
end=$((t0 + FAIL_WAIT))
while [ "$(now_ms)" -lt $end ]; do
	if [ -n "$(reason badpsk)" ] && [ -n "$(reason unauth)" ] &&
		has_line ks "$unauth_ks" && has_line ks "$badpsk_ks"; then
		break
	fi
	if ! alive "${pid[badpsk]}" || ! alive "${pid[unauth]}" || ! alive "${pid[ks]}"; then
		break
	fi
	sleep 0.2
done
t1=$(now_ms)
r=$(reason unauth)
if [ "$r" = INVALID-ID-INFORMATION ]; then
	pass "unauth ($UNAUTH_ADDR) log: GM_REGS_FAIL ... failed: $r ($((t1 - t0)) ms or less)"
else
	fail "unauth ($UNAUTH_ADDR) log: want GM_REGS_FAIL ... failed: INVALID-ID-INFORMATION, got '${r:-no such line}'"
	tail_log unauth
fi
r=$(reason badpsk)
case $r in
INVALID-HASH-INFORMATION | AUTHENTICATION-FAILED)
	pass "badpsk ($BAD_ADDR) log: GM_REGS_FAIL ... failed: $r" ;;
*)
	fail "badpsk ($BAD_ADDR) log: want GM_REGS_FAIL ... failed: INVALID-HASH-INFORMATION or AUTHENTICATION-FAILED, got '${r:-no such line}'"
	tail_log badpsk ;;
esac
check "ks log: %GDOI-1-UNAUTHORIZED_IDENTITY ... identity: $UNAUTH_ADDR" has_line ks "$unauth_ks"
check "ks log: %CRYPTO-4-IKMP_BAD_MESSAGE: IKE message from $BAD_ADDR ..." has_line ks "$badpsk_ks"
for a in $BAD_ADDR $UNAUTH_ADDR; do
	check "ks log: no KS_REGS_COMPL with GM $a" lacks_line ks \
		"%GDOI-5-KS_REGS_COMPL: KS completed successful registration in group $GROUP with GM $a"
done
if ! has_line ks "$unauth_ks" || ! has_line ks "$badpsk_ks"; then
	tail_log ks 25
fi
for n in badpsk unauth; do
	if ctl $n; then
		v=$(kv $n "group.$GROUP.registration_status")
		check "$n answers gdoictl, registration_status='$v' (not Registered)" [ "$v" != Registered ]
	else
		fail "$n does not answer gdoictl: $(tr '\n' ' ' <"$tmp/$n.ctl.err") (process $(alive "${pid[$n]}" && echo alive || echo gone))"
	fi
done
check "gdoi-ks (pid ${pid[ks]}) still runs" alive "${pid[ks]}"
if ctl ks; then
	pass "gdoi-ks still answers gdoictl"
	v=$(kv ks ks.members_total)
	check "KS ks.members_total=$v (still 2)" [ "$v" = 2 ]
	v=$(members)
	check "KS member addresses: '$v' (still $GM1_ADDR $GM2_ADDR)" [ "$v" = "$GM1_ADDR $GM2_ADDR" ]
else
	fail "gdoi-ks no longer answers gdoictl: $(tr '\n' ' ' <"$tmp/ks.ctl.err")"
fi

# ---------------------------------------------------------------- (d)
echo "# (d) the capture, decrypted with the GMs' keylogs"
kill -INT "$cap_pid" 2>/dev/null
end=$(($(now_ms) + STOP_WAIT))
while alive "$cap_pid" && [ "$(now_ms)" -lt $end ]; do sleep 0.1; done
wait "$cap_pid" 2>/dev/null
cap_pid=
frames=$(timeout 60 "$TSHARK" -n -r "$pcap" 2>/dev/null | grep -c .)
check "capture on $prefix-core br0 (udp port 848): ${frames:-0} frames" [ "${frames:-0}" -gt 0 ]

# doi1 IN OUT: OUT is IN (a classic pcap written on this host) with the
# DOI of every Main Mode SA payload changed from 2 (GDOI) to 1 (IPsec);
# prints how many it changed.
doi1() {
	local in=$1 out=$2 list off=24 n=0 size caplen f p last
	list=$(WIRESHARK_CONFIG_DIR=$tmp/ws-plain timeout 60 "$TSHARK" -n -r "$in" -d udp.port==848,isakmp \
		-Y 'isakmp.exchangetype == 2 && isakmp.sa.doi == 2' -T pdml 2>/dev/null |
		awk -F'"' '
			/<field name="num"/ { for (i = 1; i < NF; i++) if ($i ~ / show=$/) f = $(i + 1) }
			/<field name="isakmp.sa.doi"/ { for (i = 1; i < NF; i++) if ($i ~ / pos=$/) print f, $(i + 1) }')
	cp "$in" "$out" || return 1
	[ -n "$list" ] || { echo 0; return 0; }
	case $(od -An -tx4 -N4 "$out" | tr -d ' ') in
	a1b2c3d4 | a1b23c4d) ;;
	*) return 1 ;;
	esac
	last=$(printf '%s\n' "$list" | awk '{ print $1 }' | sort -n | tail -n 1)
	size=$(stat -c %s "$out")
	while [ $off -lt "$size" ] && [ $n -lt "$last" ]; do
		n=$((n + 1))
		caplen=$(od -An -tu4 -j $((off + 8)) -N4 "$out" | tr -d ' ')
		while read -r f p; do
			[ "$f" = $n ] || continue
			printf '\001' | dd of="$out" bs=1 seek=$((off + 16 + p + 3)) conv=notrunc status=none || return 1
		done <<<"$list"
		off=$((off + 16 + caplen))
	done
	printf '%s\n' "$list" | grep -c .
}

mkdir -p "$tmp/ws-plain" "$tmp/ws-key"
dpcap=$tmp/reg-doi1.pcap
if nd=$(doi1 "$pcap" "$dpcap"); then
	check "copy of the capture for tshark: $nd Main Mode SA payload(s) with DOI 2 now DOI 1 (want >= 4)" \
		[ "$nd" -ge 4 ]
else
	fail "cannot make the DOI 1 copy of $pcap"
fi
: >"$tmp/ws-key/ikev1_decryption_table"
for n in gm1 gm2; do
	if [ ! -s "$tmp/$n.keylog" ]; then
		fail "$n -k wrote no keylog"
	elif grep -Evq '^[0-9A-Fa-f]{16},[0-9A-Fa-f]+$' "$tmp/$n.keylog"; then
		fail "$n keylog has lines not of the form <16 hex I-cookie>,<hex key>: $(grep -Ev '^[0-9A-Fa-f]{16},[0-9A-Fa-f]+$' "$tmp/$n.keylog" | head -n 2 | tr '\n' ' ')"
	else
		pass "$n keylog: $(grep -c . "$tmp/$n.keylog") line(s), I-cookie $(head -n 1 "$tmp/$n.keylog" | cut -c1-16)"
	fi
	cat "$tmp/$n.keylog" >>"$tmp/ws-key/ikev1_decryption_table" 2>/dev/null
done

# pull WSCONFDIR NAME: one line per GROUPKEY-PULL frame of NAME's Phase 1
# SAs: frame, flags, payload types, SA attribute next payload, KEK SPIs,
# TEK SPIs, key packet types (tab separated, multiple values with ",").
pull() {
	local c f=
	while read -r c; do
		f="${f:+$f || }isakmp.ispi == $c"
	done < <(cut -d, -f1 "$tmp/$2.keylog" 2>/dev/null | tr 'A-F' 'a-f' | sort -u |
		sed 's/../&:/g; s/:$//')
	[ -n "$f" ] || return 1
	WIRESHARK_CONFIG_DIR=$1 timeout 60 "$TSHARK" -n -r "$dpcap" -d udp.port==848,isakmp \
		-Y "isakmp.exchangetype == 32 && ($f)" -T fields -e frame.number -e isakmp.flags \
		-e isakmp.typepayload -e isakmp.sa.next_attribute_payload -e isakmp.sak.spi \
		-e isakmp.sat.spi -e isakmp.kd.payload.type 2>"$tmp/tshark.err"
}

# col LINES N: the values of column N over all lines, one per line.
col() { printf '%s\n' "$1" | cut -f"$2" | tr ',' '\n' | grep . ; }
# words: stdin's lines joined with spaces.
words() { tr '\n' ' ' | sed 's/ $//'; }

for n in gm1 gm2; do
	[ -s "$tmp/$n.keylog" ] || continue
	keyed=$(pull "$tmp/ws-key" $n) || { fail "$n: tshark failed: $(head -c 300 "$tmp/tshark.err")"; continue; }
	plain=$(pull "$tmp/ws-plain" $n) || { fail "$n: tshark failed: $(head -c 300 "$tmp/tshark.err")"; continue; }
	printf '%s\n' "$keyed" >"$tmp/$n.pull.keyed"
	printf '%s\n' "$plain" >"$tmp/$n.pull.plain"
	nf=$(printf '%s\n' "$keyed" | grep -c .)
	if [ "$nf" -eq 0 ]; then
		fail "$n: no GROUPKEY-PULL (exchange 32) frame with its Phase 1 I-cookie in the capture"
		continue
	fi
	check "$n: $nf GROUPKEY-PULL (exchange 32) frames with its Phase 1 I-cookie (want >= 4)" [ "$nf" -ge 4 ]
	unenc=0
	for fl in $(col "$plain" 2); do
		[ $((fl & 1)) -eq 1 ] || unenc=$((unenc + 1))
	done
	check "$n: every GROUPKEY-PULL frame has the encryption flag ($unenc without)" [ "$unenc" -eq 0 ]
	types=$(col "$keyed" 3 | sort -n -u | words)
	sanp=$(col "$keyed" 4 | sed 's/^0x//' | sort -u | words)
	# tshark 4.0 decodes the SA KEK inline in the SA payload: its type shows
	# up as the SA's "SA Attribute Next Payload" (000f), not as a payload.
	case " $types $sanp " in
	*" 15 "* | *" 000f "*) pass "$n: decrypted PULL has SA KEK (15) (payload types: $types; SA attribute next payload: $sanp)" ;;
	*) fail "$n: decrypted PULL has no SA KEK (15) (payload types: $types; SA attribute next payload: $sanp)" ;;
	esac
	for t in 16:"SA TEK" 17:"Key Download"; do
		case " $types " in
		*" ${t%%:*} "*) pass "$n: decrypted PULL has ${t#*:} (${t%%:*})" ;;
		*) fail "$n: decrypted PULL has no ${t#*:} (${t%%:*}) (payload types: $types)" ;;
		esac
	done
	kdt=$(col "$keyed" 7 | sort -n -u | words)
	if [[ " $kdt " == *" 1 "* && " $kdt " == *" 2 "* ]]; then
		pass "$n: Key Download holds a TEK (1) and a KEK (2) key packet"
	else
		fail "$n: Key Download key packet types '$kdt' (want 1 and 2)"
	fi
	want=$(hexnorm "$(kv $n "group.$GROUP.tek.0.spi")")
	got=$(col "$keyed" 6 | tr 'A-F' 'a-f' | sort -u | words)
	case " $got " in
	*" $want "*) pass "$n: TEK SPI in the capture ($got) includes gdoictl's tek.0.spi 0x$want" ;;
	*) fail "$n: TEK SPIs in the capture '$got' do not include gdoictl's tek.0.spi 0x$want" ;;
	esac
	want=$(hexnorm "$(kv $n "group.$GROUP.kek.spi")")
	got=$(col "$keyed" 5 | tr 'A-F' 'a-f' | sort -u | words)
	case " $got " in
	*" $want "*) pass "$n: KEK SPI in the capture equals gdoictl's kek.spi $want" ;;
	*) fail "$n: KEK SPIs in the capture '$got' do not include gdoictl's kek.spi $want" ;;
	esac
	ptypes=$(col "$plain" 3 | sort -n -u | words)
	pspis=$(col "$plain" 6 | words)
	case " $ptypes " in
	*" 16 "* | *" 17 "*) fail "$n: SA TEK or KD visible without the keylog (payload types: $ptypes)" ;;
	*) check "$n: without the keylog no SA TEK, KD or TEK SPI is visible" [ -z "$pspis" ] ;;
	esac
done

# ---------------------------------------------------------------- (e)
echo "# (e) SIGTERM"
for n in ks gm1 gm2 badpsk unauth; do
	kill -TERM "${pid[$n]}" 2>/dev/null
done
t0=$(now_ms)
end=$((t0 + STOP_WAIT))
while [ "$(now_ms)" -lt $end ]; do
	left=
	for n in ks gm1 gm2 badpsk unauth; do
		alive "${pid[$n]}" && left=yes
	done
	[ -z "$left" ] && break
	sleep 0.1
done
for n in ks gm1 gm2 badpsk unauth; do
	p=${pid[$n]}
	if alive "$p"; then
		fail "$n (pid $p) still runs $((STOP_WAIT / 1000)) s after SIGTERM"
		continue
	fi
	wait "$p" 2>/dev/null
	rc=$?
	unset "pid[$n]"
	check "$n exited on SIGTERM with status $rc (want 0)" [ $rc -eq 0 ]
	check "$n removed its pid file" [ ! -e "$tmp/$n.pid" ]
done
[ $bad -eq 0 ] || { tail_log ks 25; for n in gm1 gm2; do tail_log $n 10; done; }

T1=$(now_ms)
echo "$me: $ok passed, $bad failed, $((T1 - T0)) ms"
[ $bad -eq 0 ] && [ $ok -gt 0 ] || exit 1
exit 0
