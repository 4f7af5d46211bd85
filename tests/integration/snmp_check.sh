#!/bin/bash
#
# snmp_check.sh: GDOI-LINUX-MIB through a real snmpd, end to end.
#
# A KS and one GM in network namespaces (lab/netns.sh, prefix
# gdoisn<pid>) from the shipped etc/ks.xml and etc/gm1.xml, control
# sockets in a temporary directory.  In the calling namespace: a private
# snmpd (net-snmp) on 127.0.0.1:<free port>, "master agentx" with its
# AgentX socket in the temporary directory, a read-only community for
# 127.0.0.1 and no other configuration file; then mibs/gdoi-snmp against
# that socket with both control sockets.  Checks:
#   a) smilint -l 6 (libsmi's most thorough level: errors, review
#      warnings (4), environment warnings (5) and auxiliary notices (6);
#      higher levels add nothing) prints nothing for
#      mibs/GDOI-LINUX-MIB.txt, and net-snmp loads the module silently;
#   b) snmpget/snmpwalk with -m GDOI-LINUX-MIB answer what gdoictl -f
#      keyvalue shows: GM group name, identity, registration status, key
#      server, TEK SPI, KEK SPI and lifetimes; KS group, member count,
#      rekeys sent, member address, state and counters; the KS and the GM
#      hold the same TEK and KEK;
#   c) a walk of gdoiLinuxMIB stays in the subtree, has every table, and
#      GETBULK (snmpbulkwalk) visits the same OIDs as GETNEXT; a missing
#      instance is noSuchInstance, a missing object noSuchObject;
#   d) when the GM stops, its rows go (after the 1 s snapshot) while the
#      KS rows stay, and gdoi-snmp logs it once;
#   e) gdoi-snmp exits 0 on SIGTERM.
# Nothing outside the temporary directory is used or written: the system
# snmpd (if any) is neither needed nor touched, and SNMP_PERSISTENT_DIR
# keeps net-snmp's state files in the temporary directory.
#
# Needs: snmpd and snmp (snmpget, snmpwalk), smitools (smilint), the
# IETF base modules SNMPv2-SMI, SNMPv2-TC, SNMPv2-CONF and
# INET-ADDRESS-MIB (Debian ships them in erlang-snmp; snmp-mibs-downloader
# or GDOI_IETF_MIBS=DIR also do) and NET-SNMP-MIB (libsnmp-base).  A
# missing one is a failure, not a skip: make deps installs them all.
#
# Environment: top_srcdir, top_builddir, GDOI_KS, GDOI_GM, GDOICTL (set by
# make check), GDOI_SNMP (default $top_builddir/mibs/gdoi-snmp),
# GDOI_IETF_MIBS, KEEP=1 (keep the temporary directory).
# Exit 0 pass, 1 fail, 77 (skip) only when not root.

if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi

set -u
# shellcheck source=../common.sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/common.sh"
export LC_ALL=C
# snmpd lives in sbin, which a non-login PATH may lack
PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin

gdoi_daemon_test snmp_check
snmp_bin=${GDOI_SNMP:-$top_builddir/mibs/gdoi-snmp}
mib=$top_srcdir/mibs/GDOI-LINUX-MIB.txt
prefix=gdoisn$$
community=gdoi$$
tmp=
ks_pid=
gm_pid=
snmpd_pid=
agent_pid=
fails=0
T0=$(date +%s)

cleanup() { gdoi_cleanup $agent_pid $snmpd_pid $gm_pid $ks_pid; }
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

die() {
	echo "$me: FAIL: $*"
	exit 1
}

# ---- requirements: a missing piece fails the test -----------------------
[ -x "$snmp_bin" ] ||
	die "$snmp_bin is not built (configure found no net-snmp: make deps installs libsnmp-dev)"
for t in snmpd snmpget snmpwalk snmpbulkwalk snmptranslate smilint; do
	command -v "$t" >/dev/null ||
		die "$t is not installed (make deps: snmpd, snmp, smitools)"
done
[ -r "$mib" ] || die "$mib is missing"
# a directory holding module files named after the module (any suffix)
has_modules() {
	local d=$1 m
	shift
	for m in "$@"; do
		compgen -G "$d/$m" >/dev/null || compgen -G "$d/$m.*" >/dev/null || return 1
	done
}
ietf=
for d in ${GDOI_IETF_MIBS:-} /usr/share/snmp/mibs/ietf /usr/share/mibs/ietf \
	/var/lib/mibs/ietf /usr/lib/erlang/lib/snmp-*/mibs; do
	if [ -d "$d" ] && has_modules "$d" SNMPv2-SMI SNMPv2-TC SNMPv2-CONF INET-ADDRESS-MIB; then
		ietf=$d
		break
	fi
done
[ -n "$ietf" ] || die "no directory holds SNMPv2-SMI, SNMPv2-TC, SNMPv2-CONF and" \
	"INET-ADDRESS-MIB (make deps installs erlang-snmp; or set GDOI_IETF_MIBS)"
netsnmp_mibs=
for d in /usr/share/snmp/mibs /usr/local/share/snmp/mibs; do
	if has_modules "$d" NET-SNMP-MIB; then
		netsnmp_mibs=$d
		break
	fi
done
[ -n "$netsnmp_mibs" ] || die "NET-SNMP-MIB is not installed (libsnmp-base)"
mibpath=$top_srcdir/mibs:$ietf:$netsnmp_mibs

tmp=$(mktemp -d "${TMPDIR:-/tmp}/gdoi-snmp.XXXXXX") || exit 1
mkdir -p "$tmp/state" "$tmp/persist/cert_indexes"
export SNMP_PERSISTENT_DIR=$tmp/persist
# no MIB loading by the agents, only by the clients below (-M/-m)
export MIBS=

# ---- (a) the MIB module ---------------------------------------------------
out=$(SMIPATH=$ietf:$netsnmp_mibs smilint -l 6 -s "$mib" 2>&1)
rc=$?
check "smilint -l 6 -s GDOI-LINUX-MIB: exit $rc, ${out:+output below}${out:-no output}" [ "$rc.$out" = 0. ]
[ -z "$out" ] || printf '%s\n' "$out" | head -n 20
root=.1.3.6.1.4.1.8072.9999.9999.848
out=$(snmptranslate -M "$mibpath" -m GDOI-LINUX-MIB -On GDOI-LINUX-MIB::gdoiLinuxMIB 2>&1)
check "net-snmp loads GDOI-LINUX-MIB quietly: gdoiLinuxMIB = $out" [ "$out" = "$root" ]

# ---- the daemons ------------------------------------------------------------
bash "$netns" up "$prefix" ks=10.99.0.1 gm1=10.99.0.11 >"$tmp/netns.log" 2>&1 ||
	{ cat "$tmp/netns.log"; die "cannot create the network namespaces"; }
gdoi_start ks "$tmp/ks.log" "$ks_bin" -f "$top_srcdir/etc/ks.xml" -S "$tmp/state"
ks_pid=$!
gdoi_wait_for 100 test -S "$tmp/ks.sock" || { cat "$tmp/ks.log"; die "gdoi-ks did not start"; }
gdoi_start gm1 "$tmp/gm1.log" "$gm_bin" -f "$top_srcdir/etc/gm1.xml"
gm_pid=$!
kv() { gdoi_kv "$ctl" "$tmp/$1.sock" "$2"; }
registered() { [ "$(kv gm1 group.G1.registration_status)" = Registered ]; }
gdoi_wait_for 300 registered || { tail -n 20 "$tmp/gm1.log"; die "GM1 did not register in 30 s"; }
echo "$me: GM1 registered with the KS ($(($(date +%s) - T0)) s)"

# ---- snmpd on 127.0.0.1:<free port>, AgentX master on a private socket ------
# A port that ss shows free; if snmpd still cannot have it (a race), another.
snmpd_up() { # answers sysLocation.0 on $port
	[ "$(timeout 5 snmpget -v2c -c "$community" -t 1 -r 0 -Oqv "127.0.0.1:$port" \
		.1.3.6.1.2.1.1.6.0 2>/dev/null)" = '"gdoi snmp_check"' ]
}
port=
for _ in 1 2 3 4 5; do
	port=$((20000 + RANDOM % 40000))
	ss -Hlun "sport = :$port" 2>/dev/null | grep -q . && continue
	cat >"$tmp/snmpd.conf" <<CONF
agentaddress  udp:127.0.0.1:$port
master        agentx
agentXSocket  $tmp/agentx.sock
agentXPerms   0660 0770
rocommunity   $community 127.0.0.1
sysLocation   gdoi snmp_check
dontLogTCPWrappersConnects yes
CONF
	snmpd -f -C -c "$tmp/snmpd.conf" -Lf "$tmp/snmpd.log" -p "$tmp/snmpd.pid" &
	snmpd_pid=$!
	if gdoi_wait_for 50 test -S "$tmp/agentx.sock" && gdoi_wait_for 20 snmpd_up; then
		break
	fi
	kill -KILL "$snmpd_pid" 2>/dev/null
	wait "$snmpd_pid" 2>/dev/null
	snmpd_pid=
	rm -f "$tmp/agentx.sock"
done
[ -n "$snmpd_pid" ] || { cat "$tmp/snmpd.log"; die "snmpd did not start on a free port"; }

# ---- gdoi-snmp ------------------------------------------------------------
"$snmp_bin" -x "$tmp/agentx.sock" -k "$tmp/ks.sock" -g "$tmp/gm1.sock" >"$tmp/agent.log" 2>&1 &
agent_pid=$!

snmp() { # snmpget|snmpwalk|snmpbulkwalk [OPTION...] OID: to our snmpd
	local cmd=$1 oid=${!#}
	shift
	set -- "${@:1:$(($# - 1))}"
	timeout 10 "$cmd" -v2c -c "$community" -t 2 -r 1 -M "$mibpath" -m GDOI-LINUX-MIB \
		"$@" "127.0.0.1:$port" "$oid" 2>&1
}
get() { # OBJECT.INDEX: the value alone ("" quotes and hex spacing kept)
	snmp snmpget -Oqv -OU GDOI-LINUX-MIB::"$1" | sed 's/^"\(.*\)"$/\1/'
}
gethex() { # OBJECT.INDEX: the octets as upper-case hex, no spaces
	snmp snmpget -Oqv -Ox GDOI-LINUX-MIB::"$1" | tr -d ' \n"' | tr 'a-f' 'A-F'
}
served() { [ "$(get gdoiGmGroupName.1)" = G1 ]; }
gdoi_wait_for 100 served ||
	{ cat "$tmp/agent.log" "$tmp/snmpd.log"; snmp snmpget GDOI-LINUX-MIB::gdoiGmGroupName.1
	  die "gdoi-snmp does not serve gdoiGmGroupName.1"; }
check "gdoi-snmp connected to the master as an AgentX subagent" \
	grep -q 'AgentX subagent connected' "$tmp/agent.log"
echo "$me: snmpd on 127.0.0.1:$port serves GDOI-LINUX-MIB ($(($(date +%s) - T0)) s)"

# ---- (b) values: SNMP against gdoictl -f keyvalue ---------------------------
ksm() { # KEY of member N (0-based) of G1 in "show crypto gdoi ks members"
	"$ctl" -s "$tmp/ks.sock" -f keyvalue show crypto gdoi ks members 2>/dev/null |
		sed -n "s/^group\.G1\.member\.$1\.$2=//p"
}
# text of a daemon -> the MIB's enumeration label
lower() { printf '%s' "$1" | sed 's/^\(.\)/\L\1/; s/ \(.\)/\U\1/g'; }
hex2ip() { # 8 hex digits -> dotted quad
	local h=$1
	[ ${#h} = 8 ] || { echo "?$h"; return; }
	printf '%d.%d.%d.%d' "0x${h:0:2}" "0x${h:2:2}" "0x${h:4:2}" "0x${h:6:2}"
}
eq_set() { [ -n "$2" ] && [ "$1" = "$2" ]; }
within5() { # GOT WANT: a lifetime read a moment apart (and up to 1 s cached)
	[ -n "$1" ] && [ -n "$2" ] && [ "$1" -le $(($2 + 5)) ] && [ "$1" -ge $(($2 - 5)) ]
}
same() { check "$1: SNMP '$2', gdoictl '$3'" eq_set "$2" "$3"; }
near() { check "$1: SNMP '$2', gdoictl '$3' (within 5 s)" within5 "$2" "$3"; }

echo "# (b) group member"
same "GM group name" "$(get gdoiGmGroupName.1)" "$(kv gm1 group.G1.name)"
same "GM group identity" "$(get gdoiGmGroupIdentity.1)" "$(kv gm1 group.G1.identity)"
same "GM registration status" "$(get gdoiGmGroupRegStatus.1)" \
	"$(lower "$(kv gm1 group.G1.registration_status)")"
same "GM registered with (type)" "$(get gdoiGmGroupRegisteredWithType.1)" ipv4
same "GM registered with" "$(hex2ip "$(gethex gdoiGmGroupRegisteredWith.1)")" \
	"$(kv gm1 group.G1.registered_with)"
v=$(kv gm1 group.G1.reregisters_in)
near "GM re-registers in" "$(get gdoiGmGroupReregistersIn.1)" "${v% sec}"
same "GM registrations" "$(get gdoiGmGroupRegistrations.1)" \
	"$(kv gm1 group.G1.succeeded_registrations)"
same "GM rekeys received" "$(get gdoiGmGroupRekeysRcvd.1)" "$(kv gm1 group.G1.rekeys_received)"
same "GM last rekey seq" "$(get gdoiGmGroupLastRekeySeqNum.1)" "$(kv gm1 group.G1.last_rekey_seq)"
same "GM rejected (signature)" "$(get gdoiGmGroupRejectedSig.1)" \
	"$(kv gm1 group.G1.rekeys.rejected_sig)"
same "GM acks sent" "$(get gdoiGmGroupAcksSent.1)" "$(kv gm1 group.G1.rekey_acks_sent)"
gm_tek=$(printf '0x%08X' "$(get gdoiTekSpi.2.1.1)" 2>/dev/null)
same "GM TEK SPI" "$gm_tek" "$(kv gm1 group.G1.tek.0.spi)"
same "GM TEK transform" "$(get gdoiTekTransform.2.1.1)" "$(kv gm1 group.G1.tek.0.transform)"
near "GM TEK lifetime" "$(get gdoiTekLifetimeRemaining.2.1.1)" "$(kv gm1 group.G1.tek.0.remaining)"
gm_kek=$(gethex gdoiKekSpi.2.1)
same "GM KEK SPI" "$gm_kek" "$(kv gm1 group.G1.kek.spi | tr -d ':' | tr 'a-f' 'A-F')"
same "GM KEK algorithm" "$(get gdoiKekEncryptAlgorithm.2.1)" \
	"$(kv gm1 group.G1.kek.encrypt_algorithm | tr 'A-Z' 'a-z')"
same "GM KEK key size" "$(get gdoiKekKeySize.2.1)" "$(kv gm1 group.G1.kek.key_size)"
near "GM KEK lifetime" "$(get gdoiKekLifetimeRemaining.2.1)" "$(kv gm1 group.G1.kek.lifetime)"

echo "# (b) key server"
same "KS group name" "$(get gdoiKsGroupName.1)" "$(kv ks group.G1.name)"
same "KS group identity" "$(get gdoiKsGroupIdentity.1)" "$(kv ks group.G1.identity)"
same "KS members" "$(get gdoiKsGroupMembersActive.1)" "$(kv ks group.G1.members)"
same "KS members removed" "$(get gdoiKsGroupMembersRemoved.1)" "$(kv ks group.G1.members_removed)"
same "KS registrations" "$(get gdoiKsGroupRegistrations.1)" "$(kv ks group.G1.registrations)"
same "KS rekeys sent" "$(get gdoiKsGroupRekeysSent.1)" "$(kv ks group.G1.rekeys_sent)"
same "KS retransmits" "$(get gdoiKsGroupRetransmits.1)" "$(kv ks group.G1.retransmits)"
same "KS TEK rekeys" "$(get gdoiKsGroupTekRekeys.1)" "$(kv ks group.G1.tek_rekeys)"
same "KS KEK rekeys" "$(get gdoiKsGroupKekRekeys.1)" "$(kv ks group.G1.kek_rekeys)"
same "KS seq" "$(get gdoiKsGroupSeqNum.1)" "$(kv ks group.G1.seq)"
near "KS time to rekey" "$(get gdoiKsGroupTimeToRekey.1)" "$(kv ks group.G1.time_to_rekey)"
same "KS rekey transport" "$(get gdoiKsGroupRekeyTransport.1)" \
	"$(kv ks group.G1.transport | tr 'A-Z' 'a-z')"
same "KS member 1 address type" "$(get gdoiKsMemberAddressType.1.1)" ipv4
same "KS member 1 address" "$(hex2ip "$(gethex gdoiKsMemberAddress.1.1)")" "$(ksm 0 address)"
same "KS member 1 state" "$(get gdoiKsMemberState.1.1)" "$(lower "$(ksm 0 state)")"
same "KS member 1 rekeys sent" "$(get gdoiKsMemberRekeysSent.1.1)" "$(ksm 0 rekeys_sent)"
same "KS member 1 acks rcvd" "$(get gdoiKsMemberAcksRcvd.1.1)" "$(ksm 0 acks_rcvd)"
same "KS member 1 acks missed" "$(get gdoiKsMemberAcksMissed.1.1)" "$(ksm 0 acks_missed)"
ks_tek=$(printf '0x%08X' "$(get gdoiTekSpi.1.1.1)" 2>/dev/null)
same "KS TEK SPI" "$ks_tek" "$(kv ks group.G1.tek.0.spi)"
ks_kek=$(gethex gdoiKekSpi.1.1)
same "KS KEK SPI" "$ks_kek" "$(kv ks group.G1.kek.spi | tr -d ':' | tr 'a-f' 'A-F')"
same "the KS and the GM hold the same TEK and KEK" "$ks_tek/$ks_kek" "$gm_tek/$gm_kek"

# ---- (c) walks, GETBULK, missing instances and objects ------------------------
echo "# (c) walks"
snmp snmpwalk -On GDOI-LINUX-MIB::gdoiLinuxMIB >"$tmp/walk"
snmp snmpbulkwalk -On -Cr20 GDOI-LINUX-MIB::gdoiLinuxMIB >"$tmp/bulkwalk"
n=$(grep -c "^$root\.1\." "$tmp/walk")
all_in() { [ "$n" -gt 40 ] && [ "$n" = "$(wc -l <"$tmp/walk")" ]; }
check "snmpwalk gdoiLinuxMIB: $n rows, every one in gdoiMIBObjects" all_in
for t in 1.1.1 1.1.2 1.2.1 1.3.1 1.3.2; do
	check "the walk has rows of table $t" grep -q "^$root\.$t\.1\." "$tmp/walk"
done
oids() { sed 's/ = .*//' "$1"; }
check "snmpbulkwalk (GETBULK) visits the same $(oids "$tmp/bulkwalk" | wc -l) OIDs as GETNEXT" \
	cmp -s <(oids "$tmp/walk") <(oids "$tmp/bulkwalk")
sorted() { oids "$1" | sed 's/^\.//' | sort -c -t . -n -k1,1 -k2,2 -k3,3 -k4,4 -k5,5 -k6,6 \
	-k7,7 -k8,8 -k9,9 -k10,10 -k11,11 -k12,12 -k13,13 -k14,14 -k15,15 -k16,16 -k17,17 \
	-k18,18 2>/dev/null; }
check "the walk is in OID order" sorted "$tmp/walk"
out=$(snmp snmpget GDOI-LINUX-MIB::gdoiGmGroupName.5)
check "a missing row is noSuchInstance: $out" grep -q 'No Such Instance' <<<"$out"
out=$(snmp snmpget "$root.1.9.9")
check "a missing object is noSuchObject: $out" grep -q 'No Such Object' <<<"$out"
out=$(snmp snmpget GDOI-LINUX-MIB::gdoiKsGroupTimeToRekey)
check "a column without an index is noSuchInstance: $out" grep -q 'No Such Instance' <<<"$out"

# ---- (d) the GM stops: its rows go, the KS rows stay ---------------------------
echo "# (d) a daemon stops"
kill -TERM "$gm_pid" 2>/dev/null
wait "$gm_pid" 2>/dev/null
gm_pid=
gm_gone() { get gdoiGmGroupName.1 | grep -q 'No Such Instance'; }
check "GM rows are gone once the GM stopped (within 3 s)" gdoi_wait_for 30 gm_gone
same "KS rows stay" "$(get gdoiKsGroupName.1)" G1
check "no GM TEK row either" grep -q 'No Such Instance' <<<"$(snmp snmpget GDOI-LINUX-MIB::gdoiTekSpi.2.1.1)"
n=$(grep -c 'gm1\.sock: .*rows are absent' "$tmp/agent.log")
check "gdoi-snmp logged the GM's absence once ($n)" [ "$n" = 1 ]

# ---- (e) SIGTERM ----------------------------------------------------------------
kill -TERM "$agent_pid"
stopped() { ! kill -0 "$agent_pid" 2>/dev/null; }
check "gdoi-snmp stops on SIGTERM within 5 s" gdoi_wait_for 50 stopped
wait "$agent_pid"
rc=$?
agent_pid=
check "gdoi-snmp exit status 0 ($rc)" [ "$rc" = 0 ]

if [ "$fails" -gt 0 ] || [ "${KEEP:-0}" = 1 ]; then
	echo "--- gdoi-snmp log"
	cat "$tmp/agent.log"
	echo "--- snmpd log"
	tail -n 20 "$tmp/snmpd.log"
fi
echo "$me: $fails failure(s) in $(($(date +%s) - T0)) s"
[ "$fails" = 0 ]
