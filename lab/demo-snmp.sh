#!/bin/bash
#
# demo-snmp.sh: the SNMP part of `make demo`.
#
#   demo-snmp.sh start BUILDDIR SRCDIR
#       Starts a private snmpd on 127.0.0.1:16161 (community "public",
#       AgentX master socket /run/gdoi/agentx.sock, state in
#       /run/gdoi/snmp; the system's snmpd, if any, is not touched) and
#       BUILDDIR/mibs/gdoi-snmp against the demo's control sockets
#       (/run/gdoi/ks.sock, /run/gdoi/gm1.sock, /run/gdoi/gm2.sock), then
#       prints the group member table of GDOI-LINUX-MIB as snmpwalk shows
#       it.  Pid files: /run/gdoi/snmpd.pid, /run/gdoi/gdoi-snmp.pid; logs
#       /run/gdoi/snmpd.log, /run/gdoi/gdoi-snmp.log.
#   demo-snmp.sh stop
#       Stops both (SIGTERM) when their pid files name them.
#   demo-snmp.sh walk SRCDIR [OBJECT]
#       snmpwalk of OBJECT (default gdoiMIBObjects) with the MIB loaded.
#
# Exit 0 done, 1 failed, 2 usage.
set -u
export LC_ALL=C
run=/run/gdoi
port=16161
export SNMP_PERSISTENT_DIR=$run/snmp
PATH=$PATH:/usr/sbin:/sbin

# The directory holding SNMPv2-SMI and friends (Debian: erlang-snmp).
ietf_mibs() {
	local d
	for d in ${GDOI_IETF_MIBS:-} /usr/share/snmp/mibs/ietf /usr/share/mibs/ietf \
		/var/lib/mibs/ietf /usr/lib/erlang/lib/snmp-*/mibs; do
		[ -f "$d/SNMPv2-SMI.mib" ] || [ -f "$d/SNMPv2-SMI" ] || [ -f "$d/SNMPv2-SMI.txt" ] ||
			continue
		echo "$d"
		return 0
	done
	return 1
}

walk() { # SRCDIR [OBJECT]
	local ietf
	ietf=$(ietf_mibs) || { echo "demo-snmp.sh: no IETF base MIBs (make deps)" >&2; return 1; }
	timeout 10 snmpwalk -v2c -c public -t 2 -r 1 \
		-M "$1/mibs:$ietf:/usr/share/snmp/mibs" -m GDOI-LINUX-MIB \
		"127.0.0.1:$port" "GDOI-LINUX-MIB::${2:-gdoiMIBObjects}"
}

stop_pid() { # PIDFILE NAME
	local pid
	[ -f "$1" ] || return 0
	pid=$(tr -dc 0-9 <"$1")
	if [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$2" ]; then
		kill -TERM "$pid" 2>/dev/null
		for _ in $(seq 30); do [ -d "/proc/$pid" ] || break; sleep 0.1; done
	fi
	rm -f "$1"
}

case ${1:-} in
start)
	[ $# = 3 ] || { echo "usage: demo-snmp.sh start BUILDDIR SRCDIR" >&2; exit 2; }
	build=$2
	src=$3
	command -v snmpd >/dev/null || { echo "demo-snmp.sh: snmpd is not installed" >&2; exit 1; }
	[ -x "$build/mibs/gdoi-snmp" ] ||
		{ echo "demo-snmp.sh: $build/mibs/gdoi-snmp is not built" >&2; exit 1; }
	mkdir -p "$run" "$SNMP_PERSISTENT_DIR"
	cat >"$run/snmpd.conf" <<CONF
agentaddress  udp:127.0.0.1:$port
master        agentx
agentXSocket  $run/agentx.sock
agentXPerms   0660 0770
rocommunity   public 127.0.0.1
sysLocation   gdoi demo
dontLogTCPWrappersConnects yes
CONF
	snmpd -C -c "$run/snmpd.conf" -Lf "$run/snmpd.log" -p "$run/snmpd.pid" ||
		{ echo "demo-snmp.sh: snmpd did not start (see $run/snmpd.log)" >&2; exit 1; }
	for _ in $(seq 50); do [ -S "$run/agentx.sock" ] && break; sleep 0.1; done
	args=
	for s in ks gm1 gm2; do
		[ -S "$run/$s.sock" ] || continue
		[ $s = ks ] && args="$args -k $run/$s.sock" || args="$args -g $run/$s.sock"
	done
	# shellcheck disable=SC2086
	nohup "$build/mibs/gdoi-snmp" -x "$run/agentx.sock" $args >"$run/gdoi-snmp.log" 2>&1 &
	echo $! >"$run/gdoi-snmp.pid"
	for _ in $(seq 50); do
		walk "$src" gdoiGmGroupName 2>/dev/null | grep -q G1 && break
		sleep 0.2
	done
	echo "==== snmpwalk -v2c -c public 127.0.0.1:$port GDOI-LINUX-MIB::gdoiGmGroupTable"
	walk "$src" gdoiGmGroupTable || exit 1
	;;
stop)
	stop_pid "$run/gdoi-snmp.pid" gdoi-snmp
	stop_pid "$run/snmpd.pid" snmpd
	;;
walk)
	[ $# -ge 2 ] || { echo "usage: demo-snmp.sh walk SRCDIR [OBJECT]" >&2; exit 2; }
	walk "$2" "${3:-}"
	;;
*)
	echo "usage: demo-snmp.sh start BUILDDIR SRCDIR | stop | walk SRCDIR [OBJECT]" >&2
	exit 2
	;;
esac
