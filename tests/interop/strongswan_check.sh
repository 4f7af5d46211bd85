#!/bin/bash
#
# strongswan_check.sh: IKEv1 Main Mode (pre-shared key and RSA
# signatures) between libgdoi and strongSwan's charon, over a veth pair
# between two private network namespaces.
#
# Namespace A runs p1peer (tests/interop/p1peer.c, libgdoi's Phase 1 state
# machine on a UDP socket), namespace B runs charon with a private /run
# (its pid file is hard-coded), its own strongswan.conf and vici socket.
# For each transform case:
#   (a) p1peer initiates, charon responds;
#   (b) charon initiates (swanctl --initiate --ike), p1peer responds.
# A run passes when p1peer prints "ESTABLISHED <transform>" with the
# expected transform and charon lists the IKE SA as ESTABLISHED.
# The "life0" case runs charon with rekey_time = 0, so its transform
# carries Life-Duration 0 s (libgdoi: no lifetime given).
# The "rsa" case runs (a) and (b) with RSA signatures (auth = pubkey):
# a CA and one end-entity certificate per side (subjectAltName IP of that
# side, identities = subject DNs) are made with the openssl command line;
# charon loads its credentials with swanctl --load-creds from the x509/,
# x509ca/ and private/ directories next to the temporary swanctl.conf
# (SWANCTL_DIR and --file point there), and always sends its certificate
# (send_cert = always: p1peer sends no certificate request).
# (c) One exchange is captured with tcpdump; tshark, given the keylog line
# p1peer wrote (-K), must decrypt messages 5 and 6 (their Identification
# payload shows up), and must not without it.
#
# Environment:
#   P1PEER    path of p1peer (set by "make check")
#   CHARON    charon binary (default /usr/lib/ipsec/charon)
#   SWANCTL   swanctl binary (default: swanctl from PATH)
#   TSHARK    tshark binary (default: tshark from PATH)
#   KEEP=1    keep the temporary directory (logs, pcap) and print its name
#
# Needs root (namespaces, port 500).  Never skipped: a missing tool is a
# failure with a message saying what to install.

if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi

set -u
# shellcheck source=../common.sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/common.sh"
export LC_ALL=C

me=strongswan_check
CHARON=${CHARON:-/usr/lib/ipsec/charon}
SWANCTL=${SWANCTL:-swanctl}
TSHARK=${TSHARK:-tshark}
PSK='gdoi-interop-psk-7f3a9c'
T0=$(date +%s%N)

die() {
	echo "$me: $*" >&2
	echo "FAIL $me: $*"
	exit 1
}

[ "$(id -u)" -eq 0 ] || die "must run as root (network namespaces, UDP port 500)"
[ -x "$CHARON" ] || die "charon not found at '$CHARON': install strongswan-charon (make deps)"
command -v "$SWANCTL" >/dev/null 2>&1 ||
	die "swanctl not found: install strongswan-swanctl (make deps)"
command -v "$TSHARK" >/dev/null 2>&1 || die "tshark not found: install tshark (make deps)"
command -v tcpdump >/dev/null 2>&1 || die "tcpdump not found: install tcpdump (make deps)"
command -v ip >/dev/null 2>&1 || die "ip not found: install iproute2 (make deps)"
command -v timeout >/dev/null 2>&1 || die "timeout (coreutils) not found"
command -v openssl >/dev/null 2>&1 || die "openssl not found: install openssl (make deps)"
p1peer=${P1PEER:-}
if [ -z "$p1peer" ] && [ -n "${top_builddir:-}" ]; then
	p1peer=$top_builddir/tests/interop/p1peer
fi
[ -n "$p1peer" ] && [ -x "$p1peer" ] || die "P1PEER must name the p1peer program (got '${P1PEER:-}')"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/gdoi-swan.XXXXXX") || die "mktemp -d failed"
chmod 755 "$tmp"
nsA=gdoiswA$$
nsB=gdoiswB$$
vA=gswa$$
vB=gswb$$
# A /24 of 10.231.0.0/16 that only these two namespaces see.
net=10.231.$(($$ % 200 + 20))
addrA=$net.1
addrB=$net.2
charon_pid=
bg_pids=

cleanup() {
	for p in $bg_pids; do
		kill "$p" 2>/dev/null
	done
	if [ -n "$charon_pid" ]; then
		kill "$charon_pid" 2>/dev/null
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			kill -0 "$charon_pid" 2>/dev/null || break
			sleep 0.2
		done
		kill -9 "$charon_pid" 2>/dev/null
	fi
	ip netns del "$nsA" 2>/dev/null
	ip netns del "$nsB" 2>/dev/null
	gdoi_tmp_done "$tmp"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

ok=0
bad=0
pass() { echo "OK   $*"; ok=$((ok + 1)); }
fail() { echo "FAIL $*"; bad=$((bad + 1)); }

# ---------------------------------------------------------------- network
ip netns add "$nsA" || die "ip netns add $nsA failed"
ip netns add "$nsB" || die "ip netns add $nsB failed"
ip link add "$vA" type veth peer name "$vB" || die "cannot create veth pair"
ip link set "$vA" netns "$nsA" && ip link set "$vB" netns "$nsB" ||
	die "cannot move the veth ends"
ip -n "$nsA" addr add "$addrA/24" dev "$vA" &&
	ip -n "$nsB" addr add "$addrB/24" dev "$vB" &&
	ip -n "$nsA" link set lo up && ip -n "$nsB" link set lo up &&
	ip -n "$nsA" link set "$vA" up && ip -n "$nsB" link set "$vB" up ||
	die "cannot configure the veth pair"
ok_ping=no
for _ in $(seq 1 30); do
	if ip netns exec "$nsA" ping -c 1 -W 1 "$addrB" >/dev/null 2>&1; then
		ok_ping=yes
		break
	fi
	sleep 0.1
done
[ $ok_ping = yes ] || die "no connectivity $addrA -> $addrB over the veth pair"

# ---------------------------------------------------------------- charon
ss=$tmp/ss
mkdir -p "$ss" || die "mkdir $ss"
vici="unix://$ss/charon.vici"
log=$ss/charon.log
cat > "$ss/strongswan.conf" <<CONF
# charon for $me: IKE on port 500 of $addrB only, no routes or
# virtual IPs, a verbose IKE log of its own.
charon {
	load_modular = yes
	port = 500
	port_nat_t = 4500
	install_routes = no
	install_virtual_ip = no
	retransmit_tries = 2
	retransmit_timeout = 1.0
	plugins {
		include /etc/strongswan.d/charon/*.conf
		vici {
			socket = $vici
		}
		stroke {
			load = no
		}
	}
	filelog {
		swanlog {
			path = $log
			time_format = %T
			default = 1
			ike = 4
			cfg = 2
			enc = 2
			net = ${SWAN_NET_LEVEL:-1}
			flush_line = yes
		}
	}
	syslog {
		daemon {
			default = -1
		}
		auth {
			default = -1
		}
	}
}
swanctl {
	socket = $vici
}
CONF

ip netns exec "$nsB" sh -c "mount -t tmpfs tmpfs /run && STRONGSWAN_CONF='$ss/strongswan.conf' exec '$CHARON'" \
	>"$ss/charon.out" 2>&1 &
charon_pid=$!
up=no
for _ in $(seq 1 100); do
	if [ -S "$ss/charon.vici" ]; then
		up=yes
		break
	fi
	kill -0 "$charon_pid" 2>/dev/null || break
	sleep 0.1
done
if [ $up != yes ]; then
	cat "$ss/charon.out" "$log" 2>/dev/null | tail -n 20 >&2
	die "charon did not come up (no vici socket after 10 s)"
fi
echo "$me: charon $("$SWANCTL" --version --uri "$vici" 2>/dev/null | tail -n 1) (pid $charon_pid) in $nsB at $addrB, p1peer in $nsA at $addrA"

sw() {
	STRONGSWAN_CONF="$ss/strongswan.conf" timeout 20 "$SWANCTL" "$@" --uri "$vici"
}

# Credentials for the rsa case: a CA, p1peer's certificate (SAN IP
# $addrA) and charon's (SAN IP $addrB), in charon's swanctl layout.
sd=$ss/swanctl
pk=$tmp/pki
mkcerts() {
	local ext=$pk/ext.cnf
	mkdir -p "$sd/x509" "$sd/x509ca" "$sd/private" "$pk" || return 1
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$pk/ca.key" -out "$pk/ca.pem" \
		-days 2 -subj "/O=gdoi-interop/CN=gdoi interop CA" \
		-addext "basicConstraints=critical,CA:TRUE" \
		-addext "keyUsage=critical,keyCertSign,cRLSign" || return 1
	for who in p1peer charon; do
		[ $who = p1peer ] && ip=$addrA || ip=$addrB
		printf 'basicConstraints=CA:FALSE\nsubjectAltName=IP:%s\n' "$ip" >"$ext"
		openssl req -newkey rsa:2048 -nodes -keyout "$pk/$who.key" \
			-out "$pk/$who.csr" -subj "/O=gdoi-interop/CN=$who" || return 1
		openssl x509 -req -in "$pk/$who.csr" -CA "$pk/ca.pem" -CAkey "$pk/ca.key" \
			-CAcreateserial -days 2 -sha256 -extfile "$ext" \
			-out "$pk/$who.pem" || return 1
	done
	cp "$pk/ca.pem" "$sd/x509ca/ca.pem" && cp "$pk/charon.pem" "$sd/x509/charon.pem" &&
		cp "$pk/charon.key" "$sd/private/charon.key"
}

# load_conn NAME PROPOSAL [psk|life0|rsa]: the only connection charon
# knows from now on.
load_conn() {
	local mode=${3:-psk} rekey=3600s la ra
	# An explicit IKE SA lifetime: with rekey_time = 0 and reauth_time = 0
	# charon proposes Life-Duration 0 s (the life0 case tests exactly that).
	[ "$mode" = life0 ] && rekey=0
	if [ "$mode" = rsa ]; then
		la="auth = pubkey
			certs = charon.pem"
		ra="auth = pubkey
			cacerts = ca.pem"
	else
		la="auth = psk
			id = $addrB"
		ra="auth = psk"
	fi
	mkdir -p "$sd"
	cat > "$sd/swanctl.conf" <<CONF
connections {
	$1 {
		version = 1
		aggressive = no
		local_addrs = $addrB
		remote_addrs = $addrA
		proposals = $2
		dpd_delay = 0
		rekey_time = $rekey
		send_cert = always
		local {
			$la
		}
		remote {
			$ra
			id = %any
		}
	}
}
secrets {
	ike-gdoi {
		secret = "$PSK"
	}
}
CONF
	SWANCTL_DIR=$sd sw --load-all --clear --noprompt --file "$sd/swanctl.conf" \
		>"$ss/load.out" 2>&1 || { cat "$ss/load.out" >&2; return 1; }
}

# p1auth MODE: p1peer's authentication options.
p1auth() {
	if [ "$1" = rsa ]; then
		echo "-a rsa --key $pk/p1peer.key --cert $pk/p1peer.pem --ca $pk/ca.pem"
	else
		echo "-a psk -k $PSK"
	fi
}

# charon_established NAME: 0 when charon lists an ESTABLISHED IKE SA NAME.
charon_established() {
	sw --list-sas --ike "$1" >"$ss/sas.out" 2>&1 &&
		grep -q "^$1: .*ESTABLISHED" "$ss/sas.out"
}

# clear_sas NAME: drop every IKE SA of NAME without talking to the peer.
clear_sas() {
	sw --terminate --ike "$1" --force --timeout 2 >/dev/null 2>&1
	for _ in $(seq 1 20); do
		sw --list-sas --ike "$1" 2>/dev/null | grep -q "^$1:" || return 0
		sleep 0.1
	done
	return 0
}

# ---------------------------------------------------------------- runs
# run_a CASE PROPOSAL [KEYLOG]: p1peer initiates, charon responds.
run_a() {
	run_a_ "$@"
	clear_sas "$1"
}
run_a_() {
	local name=$1 prop=$2 kl=${3:-} t0 t1 rc out
	local what="(a) $name: p1peer initiator -> charon responder, $prop ($mode)"
	local o=$tmp/a-$name.out e=$tmp/a-$name.err

	load_conn "$name" "$prop" "$mode" || { fail "$what: swanctl --load-all failed"; return; }
	clear_sas "$name"
	t0=$(date +%s%N)
	timeout 25 ip netns exec "$nsA" "$p1peer" -r initiator -l "$addrA:500" \
		-p "$addrB:500" $(p1auth "$mode") -t "$prop" -T 15 ${kl:+-K "$kl"} >"$o" 2>"$e"
	rc=$?
	t1=$(date +%s%N)
	out=$(head -n 1 "$o")
	if [ $rc -ne 0 ] || [ "$out" != "ESTABLISHED $prop" ]; then
		fail "$what: p1peer exit $rc, said '$out' (stderr: $(tr '\n' ' ' <"$e"))"
		tail -n 15 "$log" | sed 's/^/    charon: /'
		return
	fi
	if ! charon_established "$name"; then
		fail "$what: p1peer established, charon does not list the SA"
		sed 's/^/    swanctl: /' "$ss/sas.out"
		tail -n 15 "$log" | sed 's/^/    charon: /'
		return
	fi
	pass "$what: both ESTABLISHED ($(((t1 - t0) / 1000000)) ms)"
}

# run_b CASE PROPOSAL: charon initiates, p1peer responds.
run_b() {
	run_b_ "$@"
	clear_sas "$1"
}
run_b_() {
	local name=$1 prop=$2 t0 t1 rc prc out pid bound
	local what="(b) $name: charon initiator -> p1peer responder, $prop ($mode)"
	local o=$tmp/b-$name.out e=$tmp/b-$name.err

	load_conn "$name" "$prop" "$mode" || { fail "$what: swanctl --load-all failed"; return; }
	clear_sas "$name"
	timeout 25 ip netns exec "$nsA" "$p1peer" -r responder -l "$addrA:500" \
		$(p1auth "$mode") -t "$prop" -T 15 >"$o" 2>"$e" &
	pid=$!
	bg_pids="$bg_pids $pid"
	bound=no
	for _ in $(seq 1 50); do
		if ip netns exec "$nsA" ss -Hlun "sport = :500" 2>/dev/null | grep -q .; then
			bound=yes
			break
		fi
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if [ $bound != yes ]; then
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		fail "$what: p1peer did not bind $addrA:500 (stderr: $(tr '\n' ' ' <"$e"))"
		return
	fi
	t0=$(date +%s%N)
	sw --initiate --ike "$name" --timeout 15 >"$tmp/b-$name.swanctl" 2>&1
	rc=$?
	wait "$pid"
	prc=$?
	t1=$(date +%s%N)
	out=$(head -n 1 "$o")
	if [ $prc -ne 0 ] || [ "$out" != "ESTABLISHED $prop" ]; then
		fail "$what: p1peer exit $prc, said '$out' (stderr: $(tr '\n' ' ' <"$e"))"
		tail -n 15 "$log" | sed 's/^/    charon: /'
		return
	fi
	if [ $rc -ne 0 ] || ! charon_established "$name"; then
		fail "$what: p1peer established, swanctl --initiate exit $rc / SA not listed"
		sed 's/^/    swanctl: /' "$tmp/b-$name.swanctl" "$ss/sas.out"
		return
	fi
	pass "$what: both ESTABLISHED ($(((t1 - t0) / 1000000)) ms)"
}

# CASES: NAME:PROPOSAL[:MODE] (MODE psk, life0 or rsa; default psk).
cases=${CASES:-"dh14:aes256-sha256-modp2048 dh19:aes256-sha256-ecp256 sha1:aes128-sha1-modp2048 sha1dh19:aes128-sha1-ecp256 life0:aes256-sha256-modp2048:life0 rsa:aes256-sha256-modp2048:rsa"}
case "$cases" in
*:rsa*) mkcerts >"$tmp/mkcerts.out" 2>&1 ||
	die "openssl could not make the test certificates: $(tail -n 5 "$tmp/mkcerts.out")" ;;
esac
for c in $cases; do
	name=${c%%:*}
	rest=${c#*:}
	prop=${rest%%:*}
	mode=psk
	[ "$prop" != "$rest" ] && mode=${rest#*:}
	run_a "$name" "$prop"
	run_b "$name" "$prop"
done
mode=psk

# ---------------------------------------------------------------- capture
# (c) one exchange on the wire, decrypted by tshark with p1peer's keylog.
pcap=$tmp/mm.pcap
keylog=$tmp/keylog
cap_name=dh14
cap_prop=aes256-sha256-modp2048
ip netns exec "$nsA" timeout 30 tcpdump -n -i "$vA" --immediate-mode -U -w "$pcap" \
	'udp port 500' \
	>"$tmp/tcpdump.out" 2>&1 &
tcpdump_pid=$!
bg_pids="$bg_pids $tcpdump_pid"
listening=no
for _ in $(seq 1 50); do
	if grep -q 'listening on' "$tmp/tcpdump.out"; then
		listening=yes
		break
	fi
	kill -0 "$tcpdump_pid" 2>/dev/null || break
	sleep 0.1
done
if [ $listening != yes ]; then
	fail "(c) tcpdump did not start: $(tr '\n' ' ' <"$tmp/tcpdump.out")"
else
	okbefore=$ok
	run_a "$cap_name" "$cap_prop" "$keylog"
	# Six datagrams are well over 600 octets; then let tcpdump flush.
	for _ in $(seq 1 30); do
		[ "$(stat -c %s "$pcap" 2>/dev/null || echo 0)" -ge 600 ] && break
		sleep 0.1
	done
	sleep 0.2
	kill -INT "$tcpdump_pid" 2>/dev/null
	wait "$tcpdump_pid" 2>/dev/null
	if [ $ok -eq $okbefore ]; then
		fail "(c) the captured exchange did not establish"
	elif [ ! -s "$keylog" ]; then
		fail "(c) p1peer -K wrote no keylog line"
	else
		klkey=$(head -n 1 "$keylog" | cut -d, -f2)
		echo "$me: (c) keylog: I-cookie $(cut -c1-16 "$keylog"), key of $((${#klkey} / 2)) octets"
		# charon (ike = 4) logs its Ka as a hex dump: the last one is
		# this SA's, and must be the key p1peer derived.
		ka=$(awk '
			/\[IKE\] encryption key Ka =>/ { k = ""; on = 1; next }
			on && /\[IKE\] +[0-9]+: / {
				for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+:$/) break
				for (j = i + 1; j <= i + 16 && j <= NF; j++)
					if ($j ~ /^[0-9A-F][0-9A-F]$/) k = k $j
				next
			}
			{ on = 0 }
			END { print tolower(k) }' "$log")
		if [ -n "$ka" ] && [ "$ka" = "$klkey" ]; then
			pass "(c) p1peer's key equals charon's Ka ($((${#ka} / 2)) octets)"
		else
			fail "(c) p1peer's key '$klkey' differs from charon's Ka '$ka'"
		fi
	fi
fi

# ts WSCONFDIR: frame number, flags, ID type, ID IPv4 address of every
# Identity Protection (Main Mode) frame of the SA in the keylog, tab
# separated.  (charon's Informational delete when the SA is cleared shares
# the cookies but not the exchange type.)
ts() {
	WIRESHARK_CONFIG_DIR=$1 timeout 60 "$TSHARK" -n -r "$pcap" -d udp.port==500,isakmp \
		-Y "isakmp.ispi == $(cut -c1-16 "$keylog") && isakmp.exchangetype == 2" -T fields -e frame.number -e isakmp.flags -e isakmp.id.type \
		-e isakmp.id.data.ipv4_addr 2>"$tmp/tshark.err"
}

if [ -s "$pcap" ] && [ -s "$keylog" ]; then
	mkdir -p "$tmp/ws-plain" "$tmp/ws-key"
	# The UAT file: "<I-cookie hex>,<Ka hex>" per line, unquoted.
	cp "$keylog" "$tmp/ws-key/ikev1_decryption_table"
	plain=$(ts "$tmp/ws-plain") || fail "(c) tshark failed: $(cat "$tmp/tshark.err")"
	keyed=$(ts "$tmp/ws-key") || fail "(c) tshark (keylog) failed: $(cat "$tmp/tshark.err")"
	nframes=$(printf '%s\n' "$plain" | grep -c .)
	if [ "$nframes" -ne 6 ]; then
		fail "(c) expected 6 ISAKMP frames (Main Mode), got $nframes"
		printf '%s\n' "$plain" | sed 's/^/    /'
	fi
	# Messages 5 and 6: the 5th and 6th ISAKMP frames, encryption bit set.
	for m in 5 6; do
		pl=$(printf '%s\n' "$plain" | sed -n "${m}p")
		ky=$(printf '%s\n' "$keyed" | sed -n "${m}p")
		flags=$(printf '%s' "$pl" | cut -f2)
		if [ $((flags & 1)) -ne 1 ]; then
			fail "(c) message $m: encryption flag not set (flags $flags)"
		fi
		if [ -n "$(printf '%s' "$pl" | cut -f3)" ]; then
			fail "(c) message $m: ID visible without the keylog: '$pl'"
		else
			pass "(c) message $m: no ID visible without the keylog"
		fi
		[ $m = 5 ] && want=$addrA || want=$addrB
		idt=$(printf '%s' "$ky" | cut -f3)
		ida=$(printf '%s' "$ky" | cut -f4)
		if [ "$idt" = 1 ] && [ "$ida" = "$want" ]; then
			pass "(c) message $m decrypted with the keylog: ID_IPV4_ADDR $ida"
		else
			fail "(c) message $m with the keylog: ID type '$idt' address '$ida' (want 1, $want)"
		fi
	done
elif [ -s "$keylog" ]; then
	fail "(c) empty capture"
fi

T1=$(date +%s%N)
echo "$me: $ok passed, $bad failed, $(((T1 - T0) / 1000000)) ms"
[ $bad -eq 0 ] && [ $ok -gt 0 ] || exit 1
exit 0
