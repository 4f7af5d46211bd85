#!/bin/sh
# lab/vm/esp-smoke.sh: runs INSIDE the lab VM as /test.sh (see run.sh).
# Proves the kernel ESP datapath with two netns joined by a veth pair:
#
#   ns a: dum0 10.1.0.1/24   va 192.168.100.1 ==veth== vb 192.168.100.2   ns b: dum0 10.2.0.1/24
#
# ESP tunnel-mode SAs between 192.168.100.1 and .2 protect 10.1.0.0/24 <->
# 10.2.0.0/24.  For each algorithm set (cbc(aes)+hmac(sha1), then
# rfc4106(gcm(aes))):
#   policies only, no SA      -> ping must FAIL
#   policies + SAs            -> ping must succeed, and the SA counters of
#                                both directions on both ends must count it
#   SAs deleted again         -> ping must FAIL
# The "dir in" policies (level required) make the receiver drop plaintext,
# so a successful ping with policies in place went through ESP.
# Needs iproute2's ip (busybox ip has no netns/xfrm): IP=/sbin/ip.
# Exit 0 only if all of it holds.
IP=${IP:-/sbin/ip}
PINGS=${PINGS:-5}
fails=0
say() { echo "esp-smoke: $*"; }
bad() { echo "esp-smoke: FAIL: $*"; fails=$((fails + 1)); }
A() { "$IP" netns exec a "$@"; }
B() { "$IP" netns exec b "$@"; }

"$IP" -V 2>&1 | grep -q iproute2 || { say "need iproute2 ip at $IP"; exit 2; }

setup() {
	"$IP" netns add a && "$IP" netns add b || return 1
	"$IP" link add va type veth peer name vb || return 1
	"$IP" link set va netns a && "$IP" link set vb netns b || return 1
	A "$IP" link set lo up
	B "$IP" link set lo up
	A "$IP" link add dum0 type dummy && A "$IP" link set dum0 up || return 1
	B "$IP" link add dum0 type dummy && B "$IP" link set dum0 up || return 1
	A "$IP" addr add 10.1.0.1/24 dev dum0
	B "$IP" addr add 10.2.0.1/24 dev dum0
	A "$IP" addr add 192.168.100.1/24 dev va && A "$IP" link set va up || return 1
	B "$IP" addr add 192.168.100.2/24 dev vb && B "$IP" link set vb up || return 1
	A "$IP" route add 10.2.0.0/24 via 192.168.100.2 src 10.1.0.1 || return 1
	B "$IP" route add 10.1.0.0/24 via 192.168.100.1 src 10.2.0.1 || return 1
}

# ping from the host behind a to the host behind b; 0 if all replies came
ping_ab() { # ping_ab COUNT
	A timeout 30 ping -c "$1" -i 0.2 -W 1 -I 10.1.0.1 10.2.0.1 > /tmp/ping.out 2>&1
	_rc=$?
	sed 's/^/    /' /tmp/ping.out
	grep -q " $1 packets received" /tmp/ping.out && [ $_rc = 0 ]
}

policies() { # the same tunnel policies for both runs (reqid 1)
	for ns in a b; do
		if [ $ns = a ]; then l=10.1.0.0/24 r=10.2.0.0/24 lo=192.168.100.1 ro=192.168.100.2
		else l=10.2.0.0/24 r=10.1.0.0/24 lo=192.168.100.2 ro=192.168.100.1; fi
		"$IP" netns exec $ns "$IP" xfrm policy add src $l dst $r dir out \
			tmpl src $lo dst $ro proto esp reqid 1 mode tunnel || return 1
		for d in in fwd; do
			"$IP" netns exec $ns "$IP" xfrm policy add src $r dst $l dir $d \
				tmpl src $ro dst $lo proto esp reqid 1 mode tunnel level required || return 1
		done
	done
}

states() { # states SPI_AB SPI_BA ALG-ARGS...: same SAs in both namespaces
	s1=$1 s2=$2; shift 2
	for ns in a b; do
		"$IP" netns exec $ns "$IP" xfrm state add src 192.168.100.1 dst 192.168.100.2 \
			proto esp spi $s1 reqid 1 mode tunnel "$@" || return 1
		"$IP" netns exec $ns "$IP" xfrm state add src 192.168.100.2 dst 192.168.100.1 \
			proto esp spi $s2 reqid 1 mode tunnel "$@" || return 1
	done
}

# packets counted by one SA in one namespace
sa_packets() { # sa_packets NS SRC DST SPI
	"$IP" -s netns exec $1 "$IP" -s xfrm state get src $2 dst $3 proto esp spi $4 2>/dev/null |
		sed -n 's/.*[ ,]\([0-9][0-9]*\)(packets).*/\1/p' | head -n1
}

check_counters() { # check_counters SPI_AB SPI_BA MIN
	for ns in a b; do
		p1=$(sa_packets $ns 192.168.100.1 192.168.100.2 $1)
		p2=$(sa_packets $ns 192.168.100.2 192.168.100.1 $2)
		say "  ns $ns: SA spi $1 (a->b) packets=${p1:-?}, SA spi $2 (b->a) packets=${p2:-?}"
		[ "${p1:-0}" -ge "$3" ] || bad "ns $ns spi $1 counted ${p1:-0} < $3 packets"
		[ "${p2:-0}" -ge "$3" ] || bad "ns $ns spi $2 counted ${p2:-0} < $3 packets"
	done
}

one_run() { # one_run NAME SPI_AB SPI_BA ALG-ARGS...
	name=$1 s1=$2 s2=$3; shift 3
	say "=== $name: policies only, no SA: ping must fail"
	if ping_ab 1; then bad "$name: ping worked without SAs"; else say "  ok, no traffic without SA"; fi
	say "=== $name: add SAs spi $s1/$s2"
	if ! states "$s1" "$s2" "$@"; then
		bad "$name: ip xfrm state add failed"; dmesg | tail -n 5; return
	fi
	if ping_ab "$PINGS"; then say "  ok, ping through ESP"; else bad "$name: ping through ESP failed"; fi
	check_counters "$s1" "$s2" "$PINGS"
	say "  ip -s xfrm state (ns a):"
	A "$IP" -s xfrm state | sed 's/^/    /'
	say "=== $name: delete SAs: ping must fail again"
	A "$IP" xfrm state flush; B "$IP" xfrm state flush
	if ping_ab 1; then bad "$name: ping worked after SA removal"; else say "  ok, no traffic after SA removal"; fi
}

# Receiver with a different GCM key: the ICV check must fail in ns b
# (XfrmInStateProtoError goes up) and the ping must not get through.
tamper() {
	say "=== GCM with a wrong key on the receiver: ping must fail, b must count ICV errors"
	k=0x00112233445566778899aabbccddeeff01020304
	w=0xffeeddccbbaa99887766554433221100aabbccdd
	A "$IP" xfrm state add src 192.168.100.1 dst 192.168.100.2 proto esp spi 0x3001 \
		reqid 1 mode tunnel aead 'rfc4106(gcm(aes))' $k 128 &&
	B "$IP" xfrm state add src 192.168.100.1 dst 192.168.100.2 proto esp spi 0x3001 \
		reqid 1 mode tunnel aead 'rfc4106(gcm(aes))' $w 128 || { bad "tamper: state add"; return; }
	if ping_ab 2; then bad "ping worked with a wrong key"; fi
	e=$(B cat /proc/net/xfrm_stat | awk '$1 == "XfrmInStateProtoError" { print $2 }')
	say "  ns b XfrmInStateProtoError=${e:-?}"
	[ "${e:-0}" -ge 1 ] || bad "no ICV error counted with a wrong key"
	A "$IP" xfrm state flush; B "$IP" xfrm state flush
}

setup || { say "netns/veth setup failed"; exit 1; }
say "=== plaintext (no xfrm): routing sanity"
if ping_ab 2; then say "  ok"; else bad "plain ping failed (setup broken)"; exit 1; fi
policies || { bad "ip xfrm policy add failed"; exit 1; }
A "$IP" xfrm policy | sed 's/^/    /'

one_run "AES-CBC+HMAC-SHA1" 0x1001 0x1002 \
	enc 'cbc(aes)' 0x00112233445566778899aabbccddeeff \
	auth-trunc 'hmac(sha1)' 0x0123456789abcdef0123456789abcdef01234567 96
one_run "AES-GCM (rfc4106)" 0x2001 0x2002 \
	aead 'rfc4106(gcm(aes))' 0x00112233445566778899aabbccddeeff01020304 128

tamper
for ns in a b; do
	say "/proc/net/xfrm_stat (ns $ns, non-zero lines):"
	"$IP" netns exec $ns cat /proc/net/xfrm_stat | awk '$2 != 0 { print "    " $0 }'
done
if [ $fails = 0 ]; then say "PASS: ESP carried the traffic (CBC+HMAC-SHA1 and GCM)"; exit 0; fi
say "FAILED ($fails checks)"
exit 1
