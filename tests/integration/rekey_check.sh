#!/bin/bash
#
# rekey_check.sh: unicast rekeys with RFC 8263 acknowledgements, end to
# end, with the lab time scale.  A KS and three GMs in network namespaces
# (lab/netns.sh, prefix gdoirk<pid>), the shipped configurations with short
# lifetimes on the KS (TEK 300 s, KEK 900 s, acknowledgement="true") and
# -T 100 on every daemon (GDOI_LAB=1), so 30 s of real time are 3000 s of
# protocol time.  Checks:
#   1. at every sample (4 per second) every GM is registered and holds a
#      TEK and a KEK with lifetime left; at least 10 TEK and 3 KEK rekeys;
#      every GM takes every rekey, acknowledges it, rejects none and never
#      re-registers; the KS counts the ACKs and removes no one;
#   2. bad rekeys put on the wire to GM1 (lab/gdoi-inject): a captured
#      rekey sent again (replay), the same cut short (truncated) and one
#      built under the real KEK but signed by another key (forged) are each
#      refused with their counter and a GM_REKEY_REJECTED line, and GM1
#      keeps its keys;
#   2b. a SIGHUP with an access list changed on the KS pushes the new
#      policy (new TEK, new ACL) in a rekey; no GM registers for it;
#   3. GM3's ACKs are dropped on its way out (nftables): the KS removes it
#      after 3 unacknowledged rekeys (KS_NACK_GM_EJECT, member state
#      "Removed"), sends it nothing more, and GM3 registers again when its
#      keys run out;
#   4. a KS restart continues above every SEQ it sent before (the state
#      file in -S), and the GMs accept its rekeys after registering again.
#
# Exit 0 pass, 1 fail, 77 (skip) when not root or without namespaces.

set -u
# shellcheck source=../common.sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/common.sh"
export LC_ALL=C

gdoi_daemon_test rekey_check
prefix=gdoirk$$
inject=${GDOI_INJECT:-$top_builddir/lab/gdoi-inject}
tmp=
pids=
ks_pid=
cap_pid=
fails=0
GMS="gm1 gm2 gm3"

cleanup() { gdoi_cleanup $pids $ks_pid $cap_pid; }
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

kv() { gdoi_kv "$ctl" "$tmp/$1.sock" "$2"; }
ksm() { # KEY of the KS member at address $1
	"$ctl" -s "$tmp/ks.sock" -f keyvalue show crypto gdoi ks members 2>/dev/null |
		awk -F= -v a="$1" -v k="$2" '
			$1 ~ /\.member\.[0-9]+\.address$/ && $2 == a {
				p = $1; sub(/address$/, "", p); want = p k }
			want != "" && $1 == want { print $2; exit }'
}
registered() { [ "$(kv "$1" group.G1.registration_status)" = Registered ]; }
start_ks() {
	gdoi_start ks "$tmp/ks.log" "$ks_bin" -T 100 -f "$tmp/ks.xml" -S "$tmp/state" \
		-k "$tmp/ks.keylog"
	ks_pid=$!
	gdoi_wait_for 50 test -S "$tmp/ks.sock"
}

[ -x "$inject" ] || { echo "$me: FAIL: $inject is not built"; exit 1; }
for t in tcpdump tshark nft; do
	command -v "$t" >/dev/null || { echo "$me: FAIL: $t is not installed (make deps)"; exit 1; }
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gdoi-rekey.XXXXXX") || exit 1
mkdir -p "$tmp/state"
gdoi_netns_up ks=10.99.0.1 gm1=10.99.0.11 gm2=10.99.0.12 gm3=10.99.0.13
sed -e 's/<ipsec-profile \(.*\) lifetime="3600"/<ipsec-profile \1 lifetime="300"/' \
	-e 's/<rekey lifetime="86400"/<rekey lifetime="900" acknowledgement="true"/' \
	"$top_srcdir/etc/ks.xml" >"$tmp/ks.xml"
check "the KS configuration (ACKs, short lifetimes) passes -n" \
	sh -c "'$ks_bin' -n -f '$tmp/ks.xml' >/dev/null"
cp "$top_srcdir/etc/gm1.xml" "$tmp/gm1.xml"
cp "$top_srcdir/etc/gm2.xml" "$tmp/gm2.xml"
# GM3's control socket also for group "daemon" (control-group)
sed -e 's|<daemon |<daemon control-group="daemon" |' "$top_srcdir/etc/gm1.xml" >"$tmp/gm3.xml"

export GDOI_LAB=1
# GM1's traffic, for a rekey to replay
ip netns exec "$prefix-gm1" tcpdump -i eth0 -U -n -w "$tmp/gm1.pcap" udp port 848 \
	>"$tmp/tcpdump.log" 2>&1 &
cap_pid=$!
start_ks
for gm in $GMS; do
	gdoi_start $gm "$tmp/$gm.log" "$gm_bin" -T 100 -f "$tmp/$gm.xml"
	pids="$pids $!"
done
for gm in $GMS; do gdoi_wait_for 100 registered $gm; done
check "GM3's control socket belongs to group daemon, mode 0660" \
	[ "$(stat -c '%G %a' "$tmp/gm3.sock")" = "daemon 660" ]
check "GM1's control socket is root's only" [ "$(stat -c '%G %a' "$tmp/gm1.sock")" = "root 660" ]

# ---- 1. 30 s of samples: registered, TEK and KEK alive -------------------
bad=$(gdoi_sample 120 1 $GMS)
check "every GM registered with a live TEK and KEK at 360 samples ($bad misses)" [ "$bad" = 0 ]

tek=$(kv ks group.G1.tek_rekeys)
kek=$(kv ks group.G1.kek_rekeys)
sent=$(kv ks group.G1.rekeys_sent)
retx=$(kv ks group.G1.retransmits)
acks=$(kv ks group.G1.acks_rcvd)
check "KS made $tek TEK rekeys (want >= 10)" [ "${tek:-0}" -ge 10 ]
check "KS made $kek KEK rekeys (want >= 3)" [ "${kek:-0}" -ge 3 ]
check "KS received $acks ACKs for $sent rekeys to 3 GMs (at most 1 rekey in flight)" \
	[ "${acks:-0}" -ge $((3 * (${sent:-0} - 1))) ]
check "ACKed rekeys were not retransmitted ($retx retransmissions, want <= 2)" \
	[ "${retx:-99}" -le 2 ]
check "KS removed no member" [ "$(kv ks group.G1.members_ejected)" = 0 ]
for gm in $GMS; do
	out=$("$ctl" -s "$tmp/$gm.sock" -f keyvalue show crypto gdoi 2>/dev/null)
	got=$(printf '%s\n' "$out" | sed -n 's/^group.G1.rekeys.total=//p')
	ack=$(printf '%s\n' "$out" | sed -n 's/^group.G1.rekey_acks_sent=//p')
	check "$gm received $got of the $sent rekeys (at most 1 in flight)" \
		[ "${got:-0}" -ge $((sent - 1)) ]
	check "$gm acknowledged every rekey it received ($ack of $got)" [ "${ack:-0}" = "${got:-x}" ]
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
same13() {
	a=$(kv gm1 group.G1.tek.0.spi)/$(kv gm1 group.G1.kek.spi)
	b=$(kv gm3 group.G1.tek.0.spi)/$(kv gm3 group.G1.kek.spi)
	[ "$a" = "$b" ]
}
check "GM1 and GM3 hold the same TEK and KEK (sampled apart: retried)" gdoi_wait_for 10 same13

# ---- 2. replayed, truncated and forged rekeys to GM1 ---------------------
# the latest rekey under the KEK GM1 holds now (a KEK rekey and its
# retransmissions travel under the previous KEK, which GM1 drops at expiry);
# right after a KEK rekey there is none yet: the next TEK rekey brings one
pick() {
	kek1=$(kv gm1 group.G1.kek.spi | tr -d ':' | sed 's/^0x//' | tr 'A-F' 'a-f')
	hex=$(tshark -r "$tmp/gm1.pcap" -d udp.port==848,isakmp -Y 'isakmp.exchangetype == 33' \
		-T fields -e isakmp.ispi -e isakmp.rspi -e udp.payload 2>/dev/null |
		tr -d ':' | awk -v k="$kek1" 'tolower($1 $2) == k { h = $3 } END { print h }')
	[ -n "$hex" ]
}
hex=
gdoi_wait_for 25 pick
kill -INT "$cap_pid" 2>/dev/null
wait "$cap_pid" 2>/dev/null
cap_pid=
check "a rekey to GM1 under its current KEK (${kek1:-none}) was captured" [ -n "$hex" ]
rej() { kv gm1 "group.G1.rekeys.rejected_$1"; }
spis() { echo "$(kv gm1 group.G1.tek.0.spi)/$(kv gm1 group.G1.kek.spi)"; }
grew() { [ "$(rej "$1")" -gt "$2" ]; }
inject_case() { # WHAT COUNTER REASON INJECT-ARGS...
	local what=$1 counter=$2 reason=$3 before lines
	shift 3
	before=$(rej "$counter")
	lines=$(grep -cE "GM_REKEY_REJECTED.*($reason)" "$tmp/gm1.log")
	sleep 0.15 # past GM_REKEY_REJECTED's rate limit (10 s protocol time)
	check "$what sent" ip netns exec "$prefix-ks" "$inject" "$@" --to 10.99.0.11
	check "GM1 refused the $what rekey (rejected_$counter was $before)" \
		gdoi_wait_for 30 grew "$counter" "$before"
	check "GM1 logged the $what rekey ($reason)" \
		gdoi_wait_for 30 sh -c "[ \$(grep -cE 'GM_REKEY_REJECTED.*($reason)' '$tmp/gm1.log') -gt $lines ]"
}
inject_case replayed replay replay send --hex "$hex"
inject_case truncated malformed 'bad-header|decrypt|malformed' send --hex "$hex" --truncate 120
inject_case forged sig bad-signature forge --keylog "$tmp/ks.keylog" --group 1234 \
	--seq 4000000000
same12() { [ "$(spis)" = "$(kv gm2 group.G1.tek.0.spi)/$(kv gm2 group.G1.kek.spi)" ]; }
check "GM1 took nothing from them: it holds GM2's keys ($(spis))" gdoi_wait_for 20 same12
check "GM1 is still registered" registered gm1

# ---- 2b. policy change: SIGHUP with a new ACL entry ----------------------
regs=$(kv gm2 group.G1.succeeded_registrations)
tek0=$(kv gm2 group.G1.tek.0.spi)
sed -i 's|<deny protocol="udp" source="any" source-port="848"|<deny protocol="tcp" source="any" destination="any" destination-port="179"/>\n    &|' \
	"$tmp/ks.xml"
check "the changed configuration adds a deny entry" grep -q 'destination-port="179"' "$tmp/ks.xml"
kill -HUP "$ks_pid"
policy() { [ "$(kv ks group.G1.policy_rekeys)" = 1 ]; }
check "KS pushed a policy change rekey" gdoi_wait_for 50 policy
check "KS logged the policy change" grep -q "KS_POLICY_CHANGE.*G1" "$tmp/ks.log"
newacl() { kv gm2 group.G1.acl.0 | grep -q 179; }
check "GM2 has the new ACL from the rekey ($(kv gm2 group.G1.acl.0))" gdoi_wait_for 50 newacl
check "GM2 has a new TEK ($tek0 -> $(kv gm2 group.G1.tek.0.spi))" \
	[ "$(kv gm2 group.G1.tek.0.spi)" != "$tek0" ]
check "GM2 did not register for it" [ "$(kv gm2 group.G1.succeeded_registrations)" = "$regs" ]
check "the KS kept its members over the reload" [ "$(kv ks group.G1.members)" = 3 ]

# ---- 2c. operator commands: a forced rekey, rekey detail, debug ---------
tek0=$(kv gm2 group.G1.tek.0.spi)
regs=$(kv gm2 group.G1.succeeded_registrations)
check "gdoictl crypto gdoi ks rekey is accepted" \
	sh -c "'$ctl' -s '$tmp/ks.sock' crypto gdoi ks rekey group G1 >/dev/null"
forced() { [ "$(kv gm2 group.G1.tek.0.spi)" != "$tek0" ]; }
check "GM2 got a new TEK from the operator's rekey" gdoi_wait_for 30 forced
check "KS logged the operator's rekey" grep -q "KS_REKEY_FORCED" "$tmp/ks.log"
check "GM2 did not register for it" [ "$(kv gm2 group.G1.succeeded_registrations)" = "$regs" ]
check "a rekey of an unknown group is refused" \
	sh -c "! '$ctl' -s '$tmp/ks.sock' crypto gdoi ks rekey group NOPE 2>/dev/null"
curkek() {
	detail=$("$ctl" -s "$tmp/gm2.sock" -f keyvalue show crypto gdoi gm rekey detail)
	cur=$(printf '%s\n' "$detail" | sed -n 's/^group.G1.kek.current.my_cookie=//p')
	cur=$cur$(printf '%s\n' "$detail" | sed -n 's/^group.G1.kek.current.his_cookie=//p')
	[ -n "$cur" ] && [ "$cur" = "$(kv gm2 group.G1.kek.spi)" ]
}
check "rekey detail shows the current KEK's cookies" gdoi_wait_for 10 curkek
check "debug switches on at run time" \
	sh -c "'$ctl' -s '$tmp/ks.sock' debug rekey >/dev/null && grep -q 'DEBUG: Debugging rekey is on' '$tmp/ks.log'"
check "a bad debug token is refused" sh -c "! '$ctl' -s '$tmp/ks.sock' debug 'x y!' 2>/dev/null"
check "no debug switches it off" \
	sh -c "'$ctl' -s '$tmp/ks.sock' no debug >/dev/null && grep -q 'DEBUG: Debugging is off' '$tmp/ks.log'"

# ---- 3. GM3's ACKs are lost: removed after 3 rekeys ----------------------
ip netns exec "$prefix-gm3" nft -f - <<'NFT'
table inet gdoiack {
	chain out {
		type filter hook output priority 0;
		# UDP to 848 whose ISAKMP exchange type (octet 18) is 35
		udp dport 848 @th,208,8 35 counter drop
	}
}
NFT
check "nftables drops GM3's ACKs" [ $? = 0 ]
members() { "$ctl" -s "$tmp/ks.sock" -f keyvalue show crypto gdoi ks members 2>/dev/null; }
snapm() { # KEY of member 10.99.0.13 in the snapshot $snap
	printf '%s\n' "$snap" | awk -F= -v k="$1" '
		$1 ~ /\.member\.[0-9]+\.address$/ && $2 == "10.99.0.13" {
			p = $1; sub(/address$/, "", p); want = p k }
		want != "" && $1 == want { print $2; exit }'
}
removed() { snap=$(members); regs3=$(kv gm3 group.G1.succeeded_registrations); \
	snapm state | grep -q Removed; }
snap=
check "KS removed GM3 after unacknowledged rekeys" gdoi_wait_for 150 removed
ip netns exec "$prefix-gm3" nft delete table inet gdoiack
check "KS logged the removal" grep -q "KS_NACK_GM_EJECT.*10.99.0.13" "$tmp/ks.log"
missed=$(snapm acks_missed)
check "GM3 missed exactly 3 ACKs in a row before removal ($missed)" [ "${missed:-0}" = 3 ]
nrem=$(printf '%s\n' "$snap" | grep -c 'state=Removed')
check "GM1 and GM2 stay members (removed: $nrem)" [ "$nrem" = 1 ]
again() { [ "$(kv gm3 group.G1.succeeded_registrations)" -gt "$regs3" ]; }
check "GM3 registers again when its keys run out" gdoi_wait_for 100 again
back() { [ "$(ksm 10.99.0.13 state)" = Registered ]; }
check "KS lists GM3 as registered again" gdoi_wait_for 20 back
# from the removal to the new registration, every rekey went to 2 members
between=$(awk '/KS_NACK_GM_EJECT.*10\.99\.0\.13/ { on = 1; next }
	on && /KS_REGS_COMPL.*10\.99\.0\.13/ { exit }
	on && /KS_SEND_UNICAST_REKEY/ { print $NF == "members" ? $(NF - 1) : "?" }' "$tmp/ks.log" |
	sort -u | tr '\n' ' ')
check "KS sent GM3 no rekey while it was removed (rekeys went to: ${between:-none})" \
	sh -c "[ -z '$between' ] || [ '$between' = '2 ' ]"
acked() { [ "$(ksm 10.99.0.13 acks_rcvd)" -gt "$1" ]; }
check "KS gets GM3's ACKs again" gdoi_wait_for 60 acked "$(ksm 10.99.0.13 acks_rcvd)"

# ---- 4. KS restart: SEQ continues above the last sent ---------------------
seq_before=$(kv ks group.G1.seq)
kill -TERM "$ks_pid"
wait "$ks_pid" 2>/dev/null
ks_pid=
hw=$(sed -n 's/^seq //p' "$tmp/state/gdoi-G1.seq" 2>/dev/null)
check "the SEQ high-water mark on disk ($hw) covers the last SEQ ($seq_before)" \
	[ "${hw:-0}" -ge "${seq_before:-1}" ]
check "the KS starts again" start_ks
seq_after=$(kv ks group.G1.seq)
check "the restarted KS continues at $seq_after, above $seq_before" \
	[ "${seq_after:-0}" -ge "${seq_before:-x}" ]
rereg() { [ "$(kv ks group.G1.members)" -ge 3 ]; }
check "the GMs register with the restarted KS" gdoi_wait_for 100 rereg
first() { kv ks group.G1.sent_seq | cut -d' ' -f1; }
newrekey() { [ "$(first)" != 0 ] && [ -n "$(first)" ]; }
check "the restarted KS sends a rekey" gdoi_wait_for 100 newrekey
s1=$(first)
check "its first SEQ ($s1) is above every SEQ sent before the restart ($seq_before)" \
	[ "${s1:-0}" -gt "${seq_before:-x}" ]
gm1seq() { [ "$(kv gm1 group.G1.last_rekey_seq)" -ge "$s1" ]; }
check "GM1 accepted the restarted KS's rekey" gdoi_wait_for 30 gm1seq

for p in $pids $ks_pid; do kill -TERM "$p" 2>/dev/null; done
for p in $pids $ks_pid; do wait "$p" 2>/dev/null; done
pids=
ks_pid=

if [ "$fails" -ne 0 ]; then
	echo "$me: $fails check(s) failed; logs in $tmp (KEEP=1 keeps them)"
	tail -n 20 "$tmp/ks.log" "$tmp/gm1.log" "$tmp/gm3.log"
	exit 1
fi
echo "$me: all checks passed"
exit 0
