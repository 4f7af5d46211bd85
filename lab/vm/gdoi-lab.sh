#!/bin/sh
# lab/vm/gdoi-lab.sh: runs INSIDE the lab VM as /test.sh (lab/vm/gdoi-lab-host.sh
# builds the guest and calls run.sh).  A real gdoi-ks and two gdoi-gm in
# network namespaces, hosts behind the GMs, traffic across rekeys:
#
#   h1 10.1.0.10 -- lan0 10.1.0.1 [gm1] eth0 172.16.0.11 --+
#                                                         br0 [core .254] -- [ks] 172.16.0.1
#   h2 10.2.0.10 -- lan0 10.2.0.1 [gm2] eth0 172.16.0.12 --+
#
# core routes 10.1.0.0/24 via .11 and 10.2.0.0/24 via .12.  The KS hands
# out one TEK for "permit ip 10.0.0.0/8 10.0.0.0/8" with a short lifetime;
# the daemons run with -T (GDOI_LAB=1).  h1 pings h2 and sends numbered UDP
# datagrams (udpseq) while tcpdump on the core's br0 records the WAN.
# Checks (one PASS/FAIL line each):
#   1 both GMs registered;  2 ping and UDP h1 -> h2 got through;
#   3 the WAN carries ESP from 10.1.0.10 to 10.2.0.10 (address
#     preservation) under the GMs' TEK SPIs, and no plaintext ICMP/UDP
#     between the two hosts;  4 >= 2 TEK rekeys during the traffic, >= 3
#     SPIs in the capture;  5 loss within the bound (see LOSS_* below);
#   7 plaintext sent from the WAN (the core, as 10.1.0.99) to h2 is dropped
#     by gm2's XFRM policy check.
#   8 h1 <-> its GM's LAN address 10.1.0.1 (plaintext on the LAN: the
#     group ACL applies on the WAN only).
# With DATAPATH=off (no <datapath> in the GM configuration) 3, 7 and 4's
# SPI part are skipped and 2 runs in plaintext.
# Settings: /etc/gdoi-lab.env (written by the host driver).  Results go to
# /results (the ext4 disk /dev/vda when there is one): wan.pcap, the logs,
# gm*.esp_sa, report.txt.  Exit 0 only if every check passed.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
IP=/sbin/ip
DATAPATH=on TSCALE=10 TEK_LIFE=300 DURATION=75 UDP_RATE=50 PING_IVAL=0.2
# Loss allowed: the traffic starts only after both GMs registered and hold
# their SAs, and a TEK rekey is hitless by design (the new TEK inbound at
# once, sending moves to it 30 protocol seconds = 3 s before the old TEK
# expires), so none is expected.  The small allowance is for the one
# emulated CPU (a stalled vCPU can overflow a queue); every loss is
# printed with its time and the nearest rekey.
LOSS_PING_MAX=2 LOSS_UDP_PERMILLE=5
[ -f /etc/gdoi-lab.env ] && . /etc/gdoi-lab.env
export GDOI_LAB=1
R=/results
mkdir -p $R /run/gdoi
fails=0
T0=$(cut -d' ' -f1 /proc/uptime)
say() { echo "gdoi-lab: $*"; echo "$*" >> $R/report.txt; }
pass() { say "PASS: $*"; }
fail() { say "FAIL: $*"; fails=$((fails + 1)); }
N() { _ns=$1; shift; "$IP" netns exec "$_ns" "$@"; }
now() { /usr/bin/udpseq now; }
kv() { gdoictl -s /run/gdoi/$1.sock -f keyvalue show crypto gdoi 2>/dev/null | sed -n "s/^$2=//p"; }
wait_for() { # TENTHS CMD...: every 0.1 s, at most TENTHS times
	_n=$1; shift
	while [ "$_n" -gt 0 ]; do "$@" && return 0; sleep 0.1; _n=$((_n - 1)); done
	return 1
}

if [ -b /dev/vda ] && mount -t ext4 /dev/vda $R; then
	rm -rf "${R:?}"/* 2>/dev/null
else
	echo "gdoi-lab: no results disk, results stay in $R (RAM)"
fi
: > $R/report.txt
say "settings: DATAPATH=$DATAPATH TSCALE=$TSCALE TEK_LIFE=$TEK_LIFE DURATION=$DURATION UDP_RATE=$UDP_RATE PING_IVAL=$PING_IVAL"

# ---- topology -------------------------------------------------------------
topo() {
	for ns in core ks gm1 gm2 h1 h2; do
		"$IP" netns add $ns && N $ns "$IP" link set lo up || return 1
	done
	N core "$IP" link add br0 type bridge || return 1
	N core "$IP" addr add 172.16.0.254/24 dev br0 && N core "$IP" link set br0 up || return 1
	N core sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.send_redirects=0 \
		net.ipv4.conf.default.send_redirects=0 net.ipv4.conf.br0.send_redirects=0 >/dev/null
	for n in ks:172.16.0.1 gm1:172.16.0.11 gm2:172.16.0.12; do
		ns=${n%%:*} a=${n#*:}
		"$IP" link add p-$ns type veth peer name eth0 netns $ns || return 1
		"$IP" link set p-$ns netns core || return 1
		N core "$IP" link set p-$ns master br0 up || return 1
		N $ns "$IP" addr add $a/24 dev eth0 && N $ns "$IP" link set eth0 up || return 1
		N $ns "$IP" route add default via 172.16.0.254 || return 1
	done
	N core "$IP" route add 10.1.0.0/24 via 172.16.0.11 || return 1
	N core "$IP" route add 10.2.0.0/24 via 172.16.0.12 || return 1
	for i in 1 2; do
		"$IP" link add lan0 netns gm$i type veth peer name eth0 netns h$i || return 1
		N gm$i "$IP" addr add 10.$i.0.1/24 dev lan0 && N gm$i "$IP" link set lan0 up || return 1
		N gm$i sysctl -qw net.ipv4.ip_forward=1 >/dev/null
		N h$i "$IP" addr add 10.$i.0.10/24 dev eth0 && N h$i "$IP" link set eth0 up || return 1
		N h$i "$IP" route add default via 10.$i.0.1 || return 1
	done
}
if ! topo; then fail "topology setup"; exit 1; fi
if N h1 ping -c 2 -i 0.2 -W 2 10.2.0.10 > /tmp/ping0.out 2>&1; then
	say "topology: plaintext ping h1 -> h2 works before the daemons start"
else
	cat /tmp/ping0.out; fail "plaintext ping h1 -> h2 through the core (topology)"; exit 1
fi

# ---- daemons --------------------------------------------------------------
mkdir -p /run/gdoi/ks-state
cp /etc/gdoi/ks-rekey.pem /run/gdoi/ks-state/ks-rekey.pem
chmod 600 /run/gdoi/ks-state/ks-rekey.pem
sed "s/@TEK_LIFE@/$TEK_LIFE/" /etc/gdoi/ks.xml > /run/gdoi/ks.xml
for i in 1 2; do
	dp=
	[ "$DATAPATH" = on ] &&
		dp="<datapath xfrm=\"true\" local-address=\"172.16.0.1$i\" esp-keylog=\"$R/gm$i.esp_sa\"/>"
	sed "s|@DATAPATH@|$dp|" /etc/gdoi/gm$i.xml > /run/gdoi/gm$i.xml
done
for c in ks gm1 gm2; do
	b=gdoi-gm; [ $c = ks ] && b=gdoi-ks
	if ! $b -n -f /run/gdoi/$c.xml > /tmp/n.out 2>&1; then
		cat /tmp/n.out; fail "configuration $c.xml (-n)"; exit 1
	fi
done
N core tcpdump -Z root -i br0 -U -n -s 0 -w $R/wan.pcap > $R/tcpdump.log 2>&1 &
cap_pid=$!
N ks gdoi-ks -T $TSCALE -d -f /run/gdoi/ks.xml -s /run/gdoi/ks.sock -p /run/gdoi/ks.pid \
	-k $R/ks.keylog > $R/ks.log 2>&1 &
ks_pid=$!
wait_for 100 test -S /run/gdoi/ks.sock || { fail "KS control socket"; cat $R/ks.log; }
t_start=$(now)
for i in 1 2; do
	N gm$i gdoi-gm -T $TSCALE -d -f /run/gdoi/gm$i.xml -s /run/gdoi/gm$i.sock \
		-p /run/gdoi/gm$i.pid -k $R/gm$i.keylog > $R/gm$i.log 2>&1 &
	eval gm${i}_pid=$!
done
# stop PID: SIGTERM (a background job of a non-interactive shell ignores
# SIGINT), SIGKILL after 5 s; reaps it
stop() {
	kill -TERM $1 2>/dev/null
	( sleep 5; kill -KILL $1 2>/dev/null ) &
	_w=$!
	wait $1 2>/dev/null
	kill $_w 2>/dev/null
}
registered() { [ "$(kv $1 group.G1.registration_status)" = Registered ]; }
wait_for 600 registered gm1; wait_for 300 registered gm2
t_reg=$(now)
if registered gm1 && registered gm2; then
	pass "1 both GMs registered ($(awk -v a=$t_start -v b=$t_reg 'BEGIN { printf "%.1f", b - a }') s after start)"
else
	fail "1 both GMs registered (gm1: $(kv gm1 group.G1.registration_status), gm2: $(kv gm2 group.G1.registration_status))"
fi
if [ "$DATAPATH" = on ]; then
	# the SAs arrive with the registration
	have_sa() { [ -n "$(N gm1 "$IP" xfrm state)" ] && [ -n "$(N gm2 "$IP" xfrm state)" ]; }
	wait_for 50 have_sa || say "note: no XFRM state in gm1 or gm2 5 s after registration"
fi

# ---- traffic across rekeys ------------------------------------------------
ks_tek0=$(kv ks group.G1.tek_rekeys)
gm1_rk0=$(kv gm1 group.G1.rekeys.total)
gm2_rk0=$(kv gm2 group.G1.rekeys.total)
npings=$(awk -v d=$DURATION -v i=$PING_IVAL 'BEGIN { printf "%d", d / i }')
nudp=$((DURATION * UDP_RATE))
N h2 udpseq recv 5000 $((DURATION + 8)) $nudp > $R/udp-recv.out 2>&1 &
recv_pid=$!
sleep 0.5
t_traffic=$(now)
N h1 ping -D -n -i $PING_IVAL -c $npings -W 2 10.2.0.10 > $R/ping.out 2>&1 &
ping_pid=$!
N h1 udpseq send 10.2.0.10 5000 $UDP_RATE $DURATION > $R/udp-send.out 2>&1 &
send_pid=$!
# once a second: the TEK SPIs each GM holds and its rekey count
: > $R/poll.log
while kill -0 $send_pid 2>/dev/null; do
	for g in gm1 gm2; do
		o=$(gdoictl -s /run/gdoi/$g.sock -f keyvalue show crypto gdoi 2>/dev/null)
		spis=$(printf '%s\n' "$o" | sed -n 's/^group\.G1\.tek\.[0-9]*\.spi=//p' | tr '\n' ' ')
		rk=$(printf '%s\n' "$o" | sed -n 's/^group\.G1\.rekeys\.total=//p')
		st=$(printf '%s\n' "$o" | sed -n 's/^group\.G1\.registration_status=//p')
		echo "$(now) $g rekeys=$rk status=$st spis=$spis" >> $R/poll.log
	done
	sleep 1
done
wait $send_pid
t_end=$(now)
# ping ends within its -W 2 after the last request, the receiver 8 s after
# the sender started plus DURATION: both are bounded, so wait for them
wait $ping_pid
wait $recv_pid
say "traffic: $(awk -v a=$t_traffic -v b=$t_end 'BEGIN { printf "%.1f", b - a }') s from $t_traffic"

# ---- counters, capture stop -----------------------------------------------
ks_tek=$(( $(kv ks group.G1.tek_rekeys) - ${ks_tek0:-0} ))
gm1_rk=$(( $(kv gm1 group.G1.rekeys.total) - ${gm1_rk0:-0} ))
gm2_rk=$(( $(kv gm2 group.G1.rekeys.total) - ${gm2_rk0:-0} ))
sleep 0.5
stop $cap_pid
rel() { awk -v a=$t_traffic -v b=$1 'BEGIN { printf "%+.1f", b - a }'; }

# rekey times: the GMs' GM_RECV_REKEY lines (local time = UTC in the guest)
: > /tmp/rekeys
for g in gm1 gm2; do
	sed -n 's/^\([0-9-]* [0-9:]*\)\(\.[0-9]*\) .*GM_RECV_REKEY.*seq # \([0-9]*\).*/\1 \2 \3/p' $R/$g.log |
	while read -r d t ms seq; do
		e=$(date -d "$d $t" +%s 2>/dev/null) || continue
		echo "$e$ms $g $seq" >> /tmp/rekeys
	done
done
sort -n /tmp/rekeys > $R/rekeys.txt
while read -r t g seq; do
	say "rekey: $g received rekey seq $seq at t$(rel $t) s"
done < $R/rekeys.txt
near() { # near TIME: the nearest rekey (any GM) as "gmN seq S at +/-X s"
	awk -v t=$1 '{ d = $1 - t; a = d < 0 ? -d : d
		if (best == "" || a < besta) { besta = a; best = sprintf("%s rekey seq %s %+.1f s away", $2, $3, d) } }
		END { print best == "" ? "no rekey" : best }' $R/rekeys.txt
}

# ---- 2 and 5: ping and UDP ------------------------------------------------
ptx=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' $R/ping.out)
prx=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' $R/ping.out)
# time of icmp_seq k: from the first reply, [ts] ... icmp_seq=k ... time=X ms
pofs=$(awk -v iv=$PING_IVAL -F'[][ =]+' '/icmp_seq=/ { for (i = 1; i <= NF; i++) {
		if ($i == "icmp_seq") s = $(i + 1); if ($i == "time") r = $(i + 1) }
		printf "%.3f\n", $2 - r / 1000 - (s - 1) * iv; exit }' $R/ping.out)
sed -n 's/.*icmp_seq=\([0-9]*\) .*/\1/p' $R/ping.out > /tmp/pseqs
awk -v n=${ptx:-0} -v o=${pofs:-$t_traffic} -v iv=$PING_IVAL '{ got[$1] = 1 }
	END { for (k = 1; k <= n; k++) if (!(k in got)) printf "%d %.3f\n", k, o + (k - 1) * iv }' \
	/tmp/pseqs > $R/ping-lost.txt
plost=$(wc -l < $R/ping-lost.txt)
# runs of consecutive lost pings, at most 20 lines
awk 'NR == 1 { f = $1; ft = $2 } NR > 1 && $1 != l + 1 { print f, l, ft, lt; f = $1; ft = $2 }
	{ l = $1; lt = $2 } END { if (NR) print f, l, ft, lt }' $R/ping-lost.txt > /tmp/pruns
head -n 20 /tmp/pruns | while read -r f l tf tl; do
	say "loss: ping icmp_seq=$f-$l ($((l - f + 1))) at t$(rel $tf)..$(rel $tl) s (nearest: $(near $tf))"
done
[ $(wc -l < /tmp/pruns) -le 20 ] || say "loss: ... $(wc -l < /tmp/pruns) runs of lost pings in all"
usum=$(grep '^udpseq-recv:' $R/udp-recv.out)
urx=$(echo "$usum" | sed -n 's/.* received=\([0-9]*\).*/\1/p')
ulost=$(echo "$usum" | sed -n 's/.* lost=\([0-9]*\).*/\1/p')
serr=$(sed -n 's/.* errors=\([0-9]*\).*/\1/p' $R/udp-send.out)
# times from the sender's t0 (the receiver has none when nothing came)
st0=$(sed -n 's/.* t0=\([0-9.]*\).*/\1/p' $R/udp-send.out)
grep '^LOST ' $R/udp-recv.out | head -n 20 | while read -r w f l n tf tl; do
	tf=$(awk -v t=${st0:-0} -v k=$f -v r=$UDP_RATE 'BEGIN { printf "%.3f", t + k / r }')
	tl=$(awk -v t=${st0:-0} -v k=$l -v r=$UDP_RATE 'BEGIN { printf "%.3f", t + k / r }')
	say "loss: UDP seq $f-$l ($n) sent at t$(rel $tf)..$(rel $tl) s (nearest: $(near $tf))"
done
[ $(grep -c '^LOST ' $R/udp-recv.out) -le 20 ] ||
	say "loss: ... $(grep -c '^LOST ' $R/udp-recv.out) runs of lost datagrams in all"
say "ping: ${ptx:-?} sent, ${prx:-?} received, $plost lost; UDP: $nudp sent (${serr:-?} send errors), ${urx:-?} received, ${ulost:-?} lost, $(echo "$usum" | sed -n 's/.*\(dup=[0-9]*\) \(reordered=[0-9]*\).*/\1 \2/p')"
if [ "${prx:-0}" -gt 0 ] && [ "${urx:-0}" -gt 0 ]; then
	pass "2 ping ($prx/$ptx) and UDP ($urx/$nudp) from h1 reached h2"
else
	fail "2 ping ($prx/$ptx) and UDP ($urx/$nudp) from h1 reached h2"
fi
ubound=$((nudp * LOSS_UDP_PERMILLE / 1000))
if [ -n "$ptx" ] && [ -n "$ulost" ] && [ $plost -le $LOSS_PING_MAX ] && [ "$ulost" -le $ubound ]; then
	pass "5 loss within bound: $plost pings (<= $LOSS_PING_MAX), $ulost datagrams (<= $ubound = $LOSS_UDP_PERMILLE per mille)"
else
	fail "5 loss within bound: $plost pings (<= $LOSS_PING_MAX), ${ulost:-?} datagrams (<= $ubound = $LOSS_UDP_PERMILLE per mille)"
fi

# ---- 3 and 4: the WAN capture ---------------------------------------------
tcpdump -Z root -tt -n -r $R/wan.pcap esp 2>/dev/null > /tmp/esp.txt
tcpdump -Z root -tt -n -r $R/wan.pcap 'host 10.1.0.10 and host 10.2.0.10 and (icmp or udp)' 2>/dev/null > /tmp/plain.txt
n_fwd=$(grep -c ' IP 10\.1\.0\.10 > 10\.2\.0\.10: ESP' /tmp/esp.txt)
n_rev=$(grep -c ' IP 10\.2\.0\.10 > 10\.1\.0\.10: ESP' /tmp/esp.txt)
n_esp=$(wc -l < /tmp/esp.txt)
n_plain=$(wc -l < /tmp/plain.txt)
sed -n 's/.*ESP(spi=\(0x[0-9a-f]*\),.*/\1/p' /tmp/esp.txt | sort | uniq -c > $R/esp-spis.txt
sed -n 's/.* spis=//p' $R/poll.log | tr ' ' '\n' | tr 'A-F' 'a-f' | grep . | sort -u > /tmp/gm-spis
# SPI changes in the direction h1 -> h2, with times
awk '/ IP 10\.1\.0\.10 > 10\.2\.0\.10: ESP/ { s = $0; sub(/.*spi=/, "", s); sub(/,.*/, "", s)
	if (s != last) { print $1, s; last = s } }' /tmp/esp.txt > $R/spi-switches.txt
say "capture: $n_esp ESP packets ($n_fwd 10.1.0.10>10.2.0.10, $n_rev back; each is seen twice on br0), $n_plain plaintext ICMP/UDP between the hosts"
while read -r t s; do say "capture: h1->h2 ESP under spi $s from t$(rel $t) s"; done < $R/spi-switches.txt
unknown=
for s in $(awk '{ print $2 }' $R/esp-spis.txt); do grep -qx "$s" /tmp/gm-spis || unknown="$unknown $s"; done
nspi=$(awk '{ print $2 }' $R/spi-switches.txt | sort -u | wc -l)
if [ "$DATAPATH" != on ]; then
	say "SKIP: 3, 4 (SPIs): DATAPATH=off"
else
	last=$(tail -n 1 $R/spi-switches.txt | awk '{ print $2 }')
	# the TEKs gm1 listed in the last TEK lifetime (gdoictl shows the
	# newest; sending moves to it only shortly before the older expires)
	lastgm=$(awk -v e=$t_end -v w=$((TEK_LIFE / TSCALE)) '$2 == "gm1" && $1 >= e - w {
		s = $0; sub(/.* spis=/, "", s); n = split(s, a, " ")
		for (i = 1; i <= n; i++) if (!(a[i] in seen)) { seen[a[i]] = 1; printf "%s ", a[i] } }' \
		$R/poll.log | tr 'A-F' 'a-f')
	if [ "$n_fwd" -gt 0 ] && [ "$n_rev" -gt 0 ] && [ "$n_plain" = 0 ] &&
	   [ $((n_fwd + n_rev)) = "$n_esp" ] && [ -z "$unknown" ] &&
	   [ -n "$last" ] && echo " $lastgm " | grep -q " $last "; then
		pass "3 WAN: ESP 10.1.0.10 <-> 10.2.0.10 only, under the GMs' TEK SPIs (last $last, gm1 held $lastgm in the last TEK lifetime), no plaintext"
	else
		fail "3 WAN: ESP fwd=$n_fwd rev=$n_rev of $n_esp ESP, plaintext=$n_plain, SPIs not from gdoictl:${unknown:- none}, last h1->h2 SPI ${last:-none}, gm1 holds $lastgm"
		head -n 5 /tmp/plain.txt
		grep -v -e ' IP 10\.1\.0\.10 > 10\.2\.0\.10: ESP' -e ' IP 10\.2\.0\.10 > 10\.1\.0\.10: ESP' /tmp/esp.txt | head -n 5
	fi
fi
if [ "$ks_tek" -ge 2 ] && [ "$gm1_rk" -ge 2 ] && [ "$gm2_rk" -ge 2 ] &&
   { [ "$DATAPATH" != on ] || [ "$nspi" -ge 3 ]; }; then
	pass "4 TEK rekeys during the traffic: KS $ks_tek, gm1 $gm1_rk, gm2 $gm2_rk; $nspi SPIs h1->h2 in the capture"
else
	fail "4 TEK rekeys during the traffic: KS $ks_tek, gm1 $gm1_rk, gm2 $gm2_rk (want >= 2); $nspi SPIs h1->h2 in the capture (want >= 3)"
fi

# ---- evidence, shutdown ---------------------------------------------------
for g in gm1 gm2; do
	{
		echo "== $g ip -s xfrm state"; N $g "$IP" -s xfrm state
		echo "== $g ip -s xfrm policy"; N $g "$IP" -s xfrm policy
		echo "== $g nft list ruleset"; N $g nft list ruleset
		echo "== $g /proc/net/xfrm_stat"; N $g cat /proc/net/xfrm_stat
		echo "== $g ip -s link"; N $g "$IP" -s link
	} > $R/evidence-$g.txt 2>&1
	say "$g xfrm_stat non-zero: $(N $g cat /proc/net/xfrm_stat | awk '$2 != 0 { printf "%s=%s ", $1, $2 }')"
	say "$g: $(N $g "$IP" xfrm state | grep -c '^src') SAs, $(N $g "$IP" xfrm policy | grep -c '^src') policies, nft tables: $(N $g nft list tables 2>&1 | tr '\n' ' ')"
done
# ---- 7: plaintext from the WAN with group addresses is dropped -------------
if [ "$DATAPATH" = on ]; then
	# core sends as 10.1.0.99 (a group address, not a member's host) to h2
	mm() { N gm2 cat /proc/net/xfrm_stat | awk '$1 == "XfrmInTmplMismatch" { print $2 }'; }
	m0=$(mm)
	N core "$IP" addr add 10.1.0.99/32 dev br0
	if N core ping -c 3 -i 0.2 -W 1 -I 10.1.0.99 10.2.0.10 > /tmp/p7 2>&1; then r=answered; else r=unanswered; fi
	m1=$(mm)
	if [ $r = unanswered ] && [ $((m1 - m0)) -ge 3 ]; then
		pass "7 plaintext 10.1.0.99 -> h2 from the WAN dropped by gm2 (XfrmInTmplMismatch +$((m1 - m0)))"
	else
		fail "7 plaintext 10.1.0.99 -> h2 from the WAN: ping $r, gm2 XfrmInTmplMismatch +$((m1 - m0))"
	fi
fi

# ---- 8: a LAN host and its own GM: plaintext, untouched by the group ACL ----
if N h1 ping -c 2 -i 0.2 -W 1 10.1.0.1 > /tmp/p1 2>&1 &&
	N gm1 ping -c 2 -i 0.2 -W 1 10.1.0.10 > /tmp/p2 2>&1; then
	pass "8 h1 <-> gm1's LAN address 10.1.0.1 (the group ACL holds on the WAN only)"
else
	fail "8 h1 <-> gm1's LAN address 10.1.0.1: ping fails (the group ACL caught the LAN)"
fi

if [ $fails != 0 ]; then
	for g in gm1 gm2; do sed 's/^/    /' $R/evidence-$g.txt | head -n 80; done
	for f in ks gm1 gm2; do echo "== $f.log (tail)"; tail -n 15 $R/$f.log; done
fi
for p in $gm1_pid $gm2_pid $ks_pid; do stop $p; done
say "guest time: $(awk -v a=$T0 -v b=$(cut -d' ' -f1 /proc/uptime) 'BEGIN { printf "%.1f", b - a }') s in /test.sh"
if [ $fails = 0 ]; then say "PASS: all checks"; rc=0; else say "FAILED: $fails check(s)"; rc=1; fi
cd /
sync
umount $R 2>/dev/null
exit $rc
