#!/bin/bash
#
# rekey_check.sh: unicast rekeys end to end, with the lab time scale.
# A KS and two GMs in network namespaces (lab/netns.sh, prefix
# gdoirk<pid>), the shipped configurations with short lifetimes on the KS
# (TEK 300 s, KEK 900 s) and -T 100 on every daemon (GDOI_LAB=1), so
# 30 s of real time are 3000 s of protocol time.  Checks:
#   - at every sample (4 per second) both GMs are registered and hold a
#     TEK and a KEK with lifetime left;
#   - at least 9 TEK and 3 KEK rekeys happen, each GM receives every
#     rekey and retransmission the KS sent (less the ones in flight at the
#     end), rejects none, and never re-registers;
#   - the two GMs end with the same TEK SPI and KEK SPI.
#
# Exit 0 pass, 1 fail, 77 (skip) when not root or without namespaces.

set -u
# shellcheck source=../common.sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/common.sh"
export LC_ALL=C

gdoi_daemon_test rekey_check
prefix=gdoirk$$
tmp=
pids=
fails=0


cleanup() {
	for p in $pids; do kill -KILL "$p" 2>/dev/null; done
	bash "$netns" down "$prefix" >/dev/null 2>&1
	gdoi_tmp_done "$tmp"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

kv() { gdoi_kv "$ctl" "$tmp/$1.sock" "$2"; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/gdoi-rekey.XXXXXX") || exit 1
if ! bash "$netns" up "$prefix" ks=10.99.0.1 gm1=10.99.0.11 gm2=10.99.0.12 \
	>"$tmp/netns.log" 2>&1; then
	echo "$me: SKIP: cannot create network namespaces:"; cat "$tmp/netns.log"
	exit 77
fi
sed -e 's/<ipsec-profile \(.*\) lifetime="3600"/<ipsec-profile \1 lifetime="300"/' \
	-e 's/<rekey lifetime="86400"/<rekey lifetime="900"/' \
	"$top_srcdir/etc/ks.xml" >"$tmp/ks.xml"
check "the short-lifetime KS configuration passes -n" \
	sh -c "'$ks_bin' -n -f '$tmp/ks.xml' >/dev/null"

export GDOI_LAB=1
ip netns exec "$prefix-ks" "$ks_bin" -T 100 -d -f "$tmp/ks.xml" -s "$tmp/ks.sock" \
	-p "$tmp/ks.pid" -S "$tmp" >"$tmp/ks.log" 2>&1 &
pids="$pids $!"
for _ in $(seq 50); do [ -S "$tmp/ks.sock" ] && break; sleep 0.1; done
for gm in gm1 gm2; do
	ip netns exec "$prefix-$gm" "$gm_bin" -T 100 -d -f "$top_srcdir/etc/$gm.xml" \
		-s "$tmp/$gm.sock" -p "$tmp/$gm.pid" >"$tmp/$gm.log" 2>&1 &
	pids="$pids $!"
done
for gm in gm1 gm2; do
	for _ in $(seq 50); do
		[ "$(kv $gm group.G1.registration_status)" = Registered ] && break
		sleep 0.1
	done
done

# 30 s of samples: registered, TEK and KEK alive
bad=0
samples=0
for _ in $(seq 120); do
	for gm in gm1 gm2; do
		out=$("$ctl" -s "$tmp/$gm.sock" -f keyvalue show crypto gdoi 2>/dev/null)
		st=$(printf '%s\n' "$out" | sed -n 's/^group.G1.registration_status=//p')
		tek=$(printf '%s\n' "$out" | sed -n 's/^group.G1.tek.0.remaining=//p')
		kek=$(printf '%s\n' "$out" | sed -n 's/^group.G1.kek.lifetime=//p')
		samples=$((samples + 1))
		if [ "$st" != Registered ] || [ "${tek:-0}" -le 0 ] || [ "${kek:-0}" -le 0 ]; then
			bad=$((bad + 1))
			echo "$me: $gm sample: status '$st', TEK left '$tek', KEK left '$kek'"
		fi
	done
	sleep 0.25
done
check "every GM registered with a live TEK and KEK at $samples samples ($bad misses)" [ "$bad" = 0 ]

tek=$(kv ks group.G1.tek_rekeys)
kek=$(kv ks group.G1.kek_rekeys)
sent=$(kv ks group.G1.rekeys_sent)
retx=$(kv ks group.G1.retransmits)
check "KS made $tek TEK rekeys (want >= 9)" [ "${tek:-0}" -ge 9 ]
check "KS made $kek KEK rekeys (want >= 3)" [ "${kek:-0}" -ge 3 ]
total=$((${sent:-0} + ${retx:-0}))
for gm in gm1 gm2; do
	got=$(kv $gm group.G1.rekeys.total)
	check "$gm received $got of the $total rekey messages sent (at most 2 in flight)" \
		[ "${got:-0}" -ge $((total - 2)) ]
	n=0
	for k in rejected_sig rejected_replay rejected_malformed; do
		n=$((n + $(kv $gm "group.G1.rekeys.$k")))
	done
	check "$gm rejected no rekey ($n)" [ "$n" = 0 ]
	n=$(grep -c GM_RE_REGISTER "$tmp/$gm.log")
	check "$gm never re-registered ($n)" [ "$n" = 0 ]
	n=$(kv $gm group.G1.succeeded_registrations)
	check "$gm registered once ($n)" [ "$n" = 1 ]
done
sleep 0.2
a=$(kv gm1 group.G1.tek.0.spi)/$(kv gm1 group.G1.kek.spi)
b=$(kv gm2 group.G1.tek.0.spi)/$(kv gm2 group.G1.kek.spi)
check "both GMs hold the same TEK and KEK ($a, $b)" [ "$a" = "$b" ]

for p in $pids; do kill -TERM "$p" 2>/dev/null; done
for p in $pids; do wait "$p" 2>/dev/null; done
pids=
fails=0

if [ "$fails" -ne 0 ]; then
	echo "$me: $fails check(s) failed; logs in $tmp (KEEP=1 keeps them)"
	tail -n 20 "$tmp/ks.log" "$tmp/gm1.log"
	exit 1
fi
echo "$me: all checks passed"
exit 0
