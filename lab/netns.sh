#!/bin/bash
#
# netns.sh: a lab topology of network namespaces around one bridge.
#
#   netns.sh up PREFIX NODE=ADDR[/LEN] ...
#       Creates the namespace PREFIX-core holding the bridge br0, and one
#       namespace PREFIX-NODE per node.  Each node gets a veth pair: eth0
#       inside PREFIX-NODE with ADDR (prefix length 24 unless given),
#       and its peer "p-NODE" in PREFIX-core, enslaved to br0.  Loopback is
#       up everywhere, IPv6 duplicate address detection is off (no
#       "tentative" delay), and each node has a route for 224.0.0.0/4 on
#       eth0 so that multicast rekeys can be sent without a default route.
#       Nothing is created in the calling namespace, so two topologies with
#       different prefixes (and the same addresses) can coexist.
#       On any error the namespaces created so far are removed again.
#       A node written NODE@GW=ADDR/LEN is a host behind node GW (which
#       must be a bridge node of the same call): namespace PREFIX-NODE
#       with eth0 = ADDR/LEN, joined by a veth pair to GW, whose end
#       "l-NODE" gets the first address of that subnet and becomes the
#       host's default gateway.  GW forwards (ip_forward=1), and every
#       other bridge node gets a route to the subnet via GW's bridge
#       address: the LAN behind a GETVPN group member.
#   netns.sh down PREFIX
#       Stops what still runs inside PREFIX-* (SIGTERM, then SIGKILL after
#       2 s) and deletes every namespace named PREFIX-*.  Idempotent: no
#       namespace left is not an error.
#   netns.sh exec PREFIX NODE COMMAND [ARG...]
#       Runs COMMAND inside PREFIX-NODE (NODE may be "core").  The command
#       replaces this script, so "$!" of a background netns.sh exec is the
#       command's own process id.
#   netns.sh list PREFIX
#       Prints the namespaces named PREFIX-*.
#
# PREFIX and NODE: letters, digits and "_" (no "-", so that PREFIX-* never
# matches another prefix's namespaces); NODE at most 13 characters (the
# interface name p-NODE must fit in 15).  Needs root and iproute2.
# Exit status: 0 done, 1 failed, 2 usage error.

if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi

set -u
export LC_ALL=C

me=netns.sh
BRIDGE=br0

usage() {
	cat >&2 <<'EOF'
usage: netns.sh up PREFIX NODE=ADDR[/LEN]|NODE@GW=ADDR/LEN ...
       netns.sh down PREFIX
       netns.sh exec PREFIX NODE COMMAND [ARG...]
       netns.sh list PREFIX
EOF
	exit 2
}

err() { echo "$me: $*" >&2; }
die() { err "$*"; exit 1; }

valid_name() {
	case $1 in
	'' | *[!A-Za-z0-9_]*) return 1 ;;
	esac
	return 0
}

# The namespaces named PREFIX-*.
list_ns() {
	ip netns list 2>/dev/null | awk -v p="$1-" 'index($1, p) == 1 { print $1 }'
}

# quad ADDR: 0 when ADDR is a dotted IPv4 address.
quad() {
	local IFS=. a b c d x
	read -r a b c d x <<<"$1"
	[ -z "$x" ] && [ -n "$d" ] || return 1
	for x in "$a" "$b" "$c" "$d"; do
		case $x in '' | *[!0-9]*) return 1 ;; esac
		[ "$x" -le 255 ] || return 1
	done
	return 0
}

# ip2int ADDR / int2ip N: dotted quad <-> integer.
ip2int() {
	local IFS=. a b c d
	read -r a b c d <<<"$1"
	echo $(((a << 24) | (b << 16) | (c << 8) | d))
}
int2ip() {
	echo "$((($1 >> 24) & 255)).$((($1 >> 16) & 255)).$((($1 >> 8) & 255)).$(($1 & 255))"
}

# nssysctl NS KEY=VALUE...: best effort (an IPv6-less kernel has no
# net.ipv6 keys).
nssysctl() {
	local ns=$1
	shift
	ip netns exec "$ns" sysctl -q -w "$@" >/dev/null 2>&1 || true
}

do_down() {
	local prefix=$1 ns pids p left
	pids=
	for ns in $(list_ns "$prefix"); do
		pids="$pids $(ip netns pids "$ns" 2>/dev/null | tr '\n' ' ')"
	done
	if [ -n "${pids// /}" ]; then
		err "stopping processes still running in $prefix-*:$pids"
		for p in $pids; do kill -TERM "$p" 2>/dev/null; done
		for _ in $(seq 1 20); do
			left=
			for p in $pids; do
				kill -0 "$p" 2>/dev/null && left="$left $p"
			done
			[ -z "$left" ] && break
			sleep 0.1
		done
		for p in $left; do kill -KILL "$p" 2>/dev/null; done
	fi
	# Node namespaces first: deleting one takes its veth pair with it.
	for ns in $(list_ns "$prefix" | grep -v -x -- "$prefix-core") $(list_ns "$prefix" | grep -x -- "$prefix-core"); do
		ip netns del "$ns" 2>/dev/null || err "cannot delete namespace $ns"
	done
	left=$(list_ns "$prefix")
	[ -z "$left" ] || die "namespaces left over: $left"
	return 0
}

# add_host PREFIX NODE GW ADDR/LEN SPEC...: host NODE behind bridge node GW.
add_host() {
	local prefix=$1 node=$2 gw=$3 addr=${4%/*} len=${4#*/} net gwaddr gwbr spec other
	shift 4
	local ns=$prefix-$node gns=$prefix-$gw
	net=$(($(ip2int "$addr") & ~((1 << (32 - len)) - 1)))
	gwaddr=$(int2ip $((net + 1)))
	ip netns add "$ns" || die "ip netns add $ns failed"
	ip -n "$ns" link set lo up || die "$ns: lo up failed"
	ip -n "$gns" link add "l-$node" type veth peer name eth0 netns "$ns" ||
		die "cannot create the veth pair l-$node ($gns) / eth0 ($ns)"
	ip -n "$gns" addr add "$gwaddr/$len" dev "l-$node" || die "$gns: cannot add $gwaddr/$len"
	ip -n "$gns" link set "l-$node" up || die "$gns: l-$node up failed"
	nssysctl "$gns" net.ipv4.ip_forward=1
	ip -n "$ns" addr add "$addr/$len" dev eth0 || die "$ns: cannot add $addr/$len"
	ip -n "$ns" link set eth0 up || die "$ns: eth0 up failed"
	ip -n "$ns" route add default via "$gwaddr" || die "$ns: no default route via $gwaddr"
	# the other bridge nodes reach the subnet through GW's bridge address
	for spec in "$@"; do
		case ${spec%%=*} in "$gw") gwbr=${spec#*=}; gwbr=${gwbr%/*} ;; esac
	done
	for spec in "$@"; do
		other=${spec%%=*}
		case $other in *@* | "$gw") continue ;; esac
		ip -n "$prefix-$other" route add "$(int2ip "$net")/$len" via "$gwbr" ||
			die "$prefix-$other: no route to $(int2ip "$net")/$len via $gwbr"
	done
	echo "$me: $ns eth0 $addr/$len behind $gw ($gwaddr)"
}

do_up() {
	local prefix=$1 spec node addr len core ns seen=" "
	shift
	[ $# -ge 1 ] || usage
	# Check every argument before creating anything.
	local bridge_nodes=" " gw
	for spec in "$@"; do
		node=${spec%%=*}
		case $node in *@*) ;; *) bridge_nodes="$bridge_nodes$node " ;; esac
	done
	for spec in "$@"; do
		node=${spec%%=*}
		addr=${spec#*=}
		[ "$node" != "$spec" ] || die "'$spec': expected NODE=ADDR"
		gw=
		case $node in *@*)
			gw=${node#*@}
			node=${node%%@*}
			case $bridge_nodes in *" $gw "*) ;; *)
				die "'$spec': $gw is not a bridge node of this topology" ;;
			esac
			case $addr in */*) ;; *) die "'$spec': a host needs ADDR/LEN" ;; esac
			;;
		esac
		valid_name "$node" || die "'$node': a node name is letters, digits and _"
		[ ${#node} -le 13 ] || die "'$node': a node name is at most 13 characters"
		[ "$node" != core ] || die "'core' is the bridge namespace, not a node name"
		case $seen in *" $node "*) die "node '$node' given twice" ;; esac
		seen="$seen$node "
		len=24
		case $addr in */*)
			len=${addr#*/}
			addr=${addr%/*} ;;
		esac
		quad "$addr" || die "'$spec': not an IPv4 address"
		case $len in '' | *[!0-9]*) die "'$spec': bad prefix length" ;; esac
		if [ "$len" -lt 1 ] || [ "$len" -gt 32 ]; then
			die "'$spec': bad prefix length"
		fi
		if [ -n "$gw" ]; then
			[ "$len" -le 30 ] || die "'$spec': a host subnet needs a prefix length of at most 30"
			[ "$(ip2int "$addr")" -ne $((($(ip2int "$addr") & ~((1 << (32 - len)) - 1)) + 1)) ] ||
				die "'$spec': the first address of the subnet is the gateway's"
		fi
	done
	[ -z "$(list_ns "$prefix")" ] ||
		die "namespaces $prefix-* exist already (netns.sh down $prefix): $(list_ns "$prefix" | tr '\n' ' ')"

	core=$prefix-core
	trap 'err "setting up $prefix failed, removing it"; do_down "$prefix" >/dev/null 2>&1' EXIT
	ip netns add "$core" || die "ip netns add $core failed"
	nssysctl "$core" net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	ip -n "$core" link set lo up || die "$core: lo up failed"
	ip -n "$core" link add "$BRIDGE" type bridge || die "$core: cannot create bridge $BRIDGE"
	ip -n "$core" link set "$BRIDGE" up || die "$core: $BRIDGE up failed"

	for spec in "$@"; do
		node=${spec%%=*}
		case $node in *@*) continue ;; esac
		addr=${spec#*=}
		case $addr in */*) ;; *) addr=$addr/24 ;; esac
		ns=$prefix-$node
		ip netns add "$ns" || die "ip netns add $ns failed"
		nssysctl "$ns" net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 \
			net.ipv6.conf.all.dad_transmits=0 net.ipv6.conf.default.dad_transmits=0
		ip -n "$ns" link set lo up || die "$ns: lo up failed"
		# Both ends are created where they live: no name in the calling
		# namespace, no clash with another topology.
		ip -n "$core" link add "p-$node" type veth peer name eth0 netns "$ns" ||
			die "cannot create the veth pair p-$node ($core) / eth0 ($ns)"
		ip -n "$core" link set "p-$node" master "$BRIDGE" || die "$core: cannot enslave p-$node"
		ip -n "$core" link set "p-$node" up || die "$core: p-$node up failed"
		ip -n "$ns" addr add "$addr" dev eth0 || die "$ns: cannot add $addr to eth0"
		ip -n "$ns" link set eth0 up || die "$ns: eth0 up failed"
		ip -n "$ns" route add 224.0.0.0/4 dev eth0 || die "$ns: cannot add the multicast route"
		echo "$me: $ns eth0 $addr"
	done
	for spec in "$@"; do
		node=${spec%%=*}
		case $node in *@*) ;; *) continue ;; esac
		add_host "$prefix" "${node%%@*}" "${node#*@}" "${spec#*=}" "$@"
	done
	trap - EXIT
	return 0
}

[ $# -ge 2 ] || usage
cmd=$1
prefix=$2
shift 2
valid_name "$prefix" || die "'$prefix': a prefix is letters, digits and _"
case $cmd in
up | down)
	[ "$(id -u)" -eq 0 ] || die "must run as root (network namespaces)"
	command -v ip >/dev/null 2>&1 || die "ip not found: install iproute2"
	;;
esac

case $cmd in
up) do_up "$prefix" "$@" ;;
down)
	[ $# -eq 0 ] || usage
	do_down "$prefix"
	;;
exec)
	[ $# -ge 2 ] || usage
	node=$1
	shift
	valid_name "$node" || die "'$node': a node name is letters, digits and _"
	exec ip netns exec "$prefix-$node" "$@"
	;;
list)
	[ $# -eq 0 ] || usage
	list_ns "$prefix"
	;;
*) usage ;;
esac
