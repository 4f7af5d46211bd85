#!/bin/bash
#
# loadgen_check.sh: gdoi-loadgen (lab/) against the real gdoi-ks.  A KS and
# a load generator in network namespaces (lab/netns.sh, prefix
# gdoilg<pid>); the load generator's members use 10.100.0.0/16, routed to
# its namespace and local there (ip route add local ... dev lo), so the
# addresses need not be configured.  The KS: etc/ks.xml with unicast
# rekeys asking for acknowledgements, TEK 300 s, KEK 900 s, the members'
# prefix authorized, -T 100 (GDOI_LAB=1).  Checks:
#   1. 200 members register, each accepts 2 rekeys and acknowledges them:
#      the kv summary (every contract key present) says registered=200,
#      failed=0, rekeys_received >= 400, acks_sent >= 400, exit 0; the KS
#      lists 200 members (gdoictl keyvalue) and counts the ACKs;
#   2. --drop-acks 50: half the ACKs are skipped, the rekeys still arrive;
#   3. a wrong pre-shared key: every member fails with reason p1_auth,
#      exit 1; bad options exit 2.
#
# Exit 0 pass, 1 fail, 77 (skip) when not root or without namespaces.

set -u
# shellcheck source=../common.sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/common.sh"
export LC_ALL=C

gdoi_daemon_test loadgen_check
prefix=gdoilg$$
loadgen=${GDOI_LOADGEN:-$top_builddir/lab/gdoi-loadgen}
tmp=
ks_pid=
fails=0

cleanup() { gdoi_cleanup $ks_pid; }
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

[ -x "$loadgen" ] || { echo "$me: FAIL: $loadgen is not built"; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gdoi-loadgen.XXXXXX") || exit 1
mkdir -p "$tmp/state"
gdoi_netns_up ks=10.99.0.1 lg=10.99.0.2
if ! ip -n "$prefix-lg" route add local 10.100.0.0/16 dev lo 2>>"$tmp/netns.log" ||
	! ip -n "$prefix-ks" route add 10.100.0.0/16 via 10.99.0.2 2>>"$tmp/netns.log"; then
	echo "$me: FAIL: cannot route 10.100.0.0/16 to the load generator:"; cat "$tmp/netns.log"
	exit 1
fi
sed -e 's/<ipsec-profile \(.*\) lifetime="3600"/<ipsec-profile \1 lifetime="300"/' \
	-e 's/<rekey lifetime="86400"/<rekey lifetime="900" acknowledgement="true"/' \
	-e 's|<address prefix="10.99.0.0/26"/>|<address prefix="10.100.0.0/16"/>|' \
	-e "s|/var/lib/gdoi/ks-rekey.pem|$tmp/state/ks-rekey.pem|" \
	"$top_srcdir/etc/ks.xml" >"$tmp/ks.xml"
check "the KS configuration (ACKs, short lifetimes, 10.100.0.0/16) passes -n" \
	sh -c "'$ks_bin' -n -f '$tmp/ks.xml' >/dev/null"
check "the configuration authorizes the load generator's prefix" \
	grep -q 'prefix="10.100.0.0/16"' "$tmp/ks.xml"

export GDOI_LAB=1
gdoi_start ks "$tmp/ks.log" "$ks_bin" -T 100 -f "$tmp/ks.xml" -S "$tmp/state"
ks_pid=$!
check "the KS is up" gdoi_wait_for 50 test -S "$tmp/ks.sock"

lg() { # OUT ARGS...: run the load generator in its namespace, kv summary in OUT
	local out=$1
	shift
	timeout 120 ip netns exec "$prefix-lg" "$loadgen" -k 10.99.0.1 -g 1234 -q \
		--summary-format kv "$@" >"$tmp/$out.kv" 2>"$tmp/$out.err"
}
val() { sed -n "s/^loadgen\.$2=//p" "$tmp/$1.kv"; }
ge() { [ -n "$1" ] && [ "${1%%.*}" -ge "$2" ]; }

# ---- 1. 200 members, 2 rekeys each, ACKs ---------------------------------
lg run -n 200 -s 10.100.0.10 -p gdoi-demo-secret --exit-after-rekeys 2 -d 90
rc=$?
check "gdoi-loadgen -n 200 --exit-after-rekeys 2 exits 0 (rc $rc)" [ "$rc" = 0 ]
missing=
for k in gms registered failed reg_elapsed_ms reg_rate reg_latency_ms.p50 \
	reg_latency_ms.p90 reg_latency_ms.p99 reg_latency_ms.max rekeys_received \
	rekeys_rejected rekey_msgs acks_sent rekey_last_latency_ms rekey_first_to_last_ms; do
	grep -q "^loadgen\.$k=[0-9][0-9.]*\$" "$tmp/run.kv" || missing="$missing $k"
done
check "the kv summary has every contract key (missing:${missing:- none})" [ -z "$missing" ]
check "no line outside the loadgen. namespace" sh -c "! grep -qv '^loadgen\.' '$tmp/run.kv'"
check "gms=200 ($(val run gms))" [ "$(val run gms)" = 200 ]
check "registered=200 ($(val run registered))" [ "$(val run registered)" = 200 ]
check "failed=0 ($(val run failed))" [ "$(val run failed)" = 0 ]
check "rekeys_received >= 400 ($(val run rekeys_received))" ge "$(val run rekeys_received)" 400
check "acks_sent >= 400 ($(val run acks_sent))" ge "$(val run acks_sent)" 400
check "rekey_msgs >= 2 ($(val run rekey_msgs))" ge "$(val run rekey_msgs)" 2
check "rekeys_rejected=0 ($(val run rekeys_rejected))" [ "$(val run rekeys_rejected)" = 0 ]
check "reg_rate above 0 ($(val run reg_rate))" sh -c "[ '$(val run reg_rate)' != 0.0 ]"
members=$(gdoi_kv "$ctl" "$tmp/ks.sock" group.G1.members)
check "gdoictl: the KS has 200 members ($members)" [ "$members" = 200 ]
acks=$(gdoi_kv "$ctl" "$tmp/ks.sock" group.G1.acks_rcvd)
check "the KS counted at least 400 ACKs ($acks)" ge "$acks" 400
check "the KS took every ACK as authentic ($(gdoi_kv "$ctl" "$tmp/ks.sock" group.G1.acks_bad) bad)" \
	[ "$(gdoi_kv "$ctl" "$tmp/ks.sock" group.G1.acks_bad)" = 0 ]

# ---- 2. --drop-acks 50 ----------------------------------------------------
lg drop -n 20 -s 10.100.2.0 -p gdoi-demo-secret --exit-after-rekeys 2 -d 90 --drop-acks 50
rc=$?
got=$(val drop rekeys_received)
sent=$(val drop acks_sent)
check "--drop-acks 50: all 20 registered and took 2 rekeys each (rc $rc)" \
	sh -c "[ $rc = 0 ] && [ '$(val drop registered)' = 20 ]"
half() { [ -n "$got" ] && [ -n "$sent" ] && [ "$got" -ge 40 ] &&
	[ $((2 * sent)) -ge "$got" ] && [ $((2 * sent)) -le $((got + 1)) ]; }
check "--drop-acks 50: half the ACKs skipped ($sent sent for $got rekeys)" half

# ---- 3. a wrong pre-shared key; usage errors -----------------------------
lg bad -n 10 -s 10.100.3.0 -p not-the-secret --reg-timeout 20
rc=$?
check "a wrong PSK exits 1 (rc $rc)" [ "$rc" = 1 ]
check "a wrong PSK: registered=0 ($(val bad registered))" [ "$(val bad registered)" = 0 ]
check "a wrong PSK: failed=10 ($(val bad failed))" [ "$(val bad failed)" = 10 ]
check "a wrong PSK: failed.p1_auth=10 ($(val bad failed.p1_auth))" \
	[ "$(val bad failed.p1_auth)" = 10 ]
"$loadgen" -n 5 >/dev/null 2>&1
rc=$?
check "missing options exit 2 (rc $rc)" [ "$rc" = 2 ]
"$loadgen" -k 10.99.0.1 -n 5 -s 10.100.0.1 -g 1 -p x --dh modp1024 >/dev/null 2>&1
rc=$?
check "an unknown DH group exits 2 (rc $rc)" [ "$rc" = 2 ]
check "--help exits 0" sh -c "'$loadgen' --help | grep -q exit-after-rekeys"

kill -TERM "$ks_pid" 2>/dev/null
wait "$ks_pid" 2>/dev/null
ks_pid=

if [ "$fails" -ne 0 ]; then
	echo "$me: $fails check(s) failed; logs in $tmp (KEEP=1 keeps them)"
	tail -n 20 "$tmp/ks.log"
	cat "$tmp"/*.kv "$tmp"/*.err
	exit 1
fi
echo "$me: all checks passed"
exit 0
