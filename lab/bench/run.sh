#!/bin/bash
#
# lab/bench/run.sh: the benchmarks of make bench (not part of make test).
#
#   bash lab/bench/run.sh [BUILD_DIR]        (as root; BUILD_DIR: build/)
#
# 1. gdoi-bench-limits: the machine's raw limits, one thread per core,
#    through the libgdoi calls the daemons make (KS crypto per
#    registration for ECP-256 and MODP-2048, rekey build, GM rekey
#    processing with the XFRM batch).
# 2. For each DH group in BENCH_DH and each count in BENCH_GMS: a fresh
#    gdoi-ks (conf/ks-unicast.xml) in namespace gbench-ks (10.77.0.1/16),
#    gdoi-loadgen in gbench-lg (10.77.0.2/16) registering N members from
#    10.78.0.10 on (10.78.0.0/16 is local in gbench-lg, routed there from
#    gbench-ks).  Measured: the registration rate (loadgen), the KS's CPU
#    time per registration (/proc/PID/stat), the KS's resident memory
#    before and after (VmRSS, per member), then one forced unicast rekey
#    (gdoictl crypto gdoi ks rekey) with RFC 8263 ACKs: the KS's own
#    "Duration of the last rekey" (rekey start to the last ACK) and its
#    retransmissions, read from gdoictl -f keyvalue, and the UDP drop
#    counters of both namespaces.
# 3. Multicast: a fresh gdoi-ks (conf/ks-multicast.xml), BENCH_MCAST_GMS
#    members, one forced rekey captured by tcpdump in gbench-ks: datagrams
#    (= signatures: each copy has its own SEQ), octets, and the time from
#    the rekey command to the first datagram on the wire.
# 4. lab/bench/results/latest.kv (every raw key=value), latest.md (the
#    table: metric | measured | limit or target | ratio) and latest.png
#    (gnuplot).  Ratios only: nothing here passes or fails on a speed.
#
# Knobs (environment): BENCH_GMS ("1000 10000"), BENCH_DH ("ecp256
# modp2048"), BENCH_SECONDS (3, per limit measurement), BENCH_CONCURRENCY
# (64 registrations under way), BENCH_DROP_ACKS (0, % of ACKs the members
# skip), BENCH_MCAST_GMS (100), BENCH_OUT (lab/bench/results), BENCH_KEEP=1
# (keep the run directory with the logs).
# Exit: 0 done (whatever the numbers), 1 a step failed, 2 usage.

if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi
set -u
export LC_ALL=C

me=bench/run.sh
top=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "${1:-$top/build}" 2>/dev/null && pwd) || { echo "$me: no build directory ${1:-}" >&2; exit 2; }
GMS_LIST=${BENCH_GMS:-"1000 10000"}
DH_LIST=${BENCH_DH:-"ecp256 modp2048"}
LIMIT_SECONDS=${BENCH_SECONDS:-3}
CONC=${BENCH_CONCURRENCY:-64}
DROP=${BENCH_DROP_ACKS:-0}
MCAST_GMS=${BENCH_MCAST_GMS:-100}
OUT=${BENCH_OUT:-$top/lab/bench/results}

PFX=gbench
KS_ADDR=10.77.0.1
LG_ADDR=10.77.0.2
GM_BASE=10.78.0.10
GM_NET=10.78.0.0/16
MCAST=239.77.0.1
PSK=gdoi-bench-secret
GROUP_ID=1234
GROUP=BENCH

KS=$BUILD/ks/gdoi-ks
CTL=$BUILD/cli/gdoictl
LIMITS=$BUILD/lab/gdoi-bench-limits
LG=$BUILD/lab/gdoi-loadgen
NETNS="bash $top/lab/netns.sh"

RUN=
KS_PID=
LG_PID=
TD_PID=

err() { echo "$me: $*" >&2; }
die() { err "$*"; exit 1; }
note() { echo "gdoi: bench: $*"; }

for n in $GMS_LIST $CONC $DROP $MCAST_GMS; do
	case $n in '' | *[!0-9]*) err "not a number: '$n'"; exit 2 ;; esac
done
for d in $DH_LIST; do
	case $d in modp2048 | ecp256) ;; *) err "BENCH_DH: modp2048 or ecp256, not '$d'"; exit 2 ;; esac
done
[ "$(id -u)" -eq 0 ] || die "run as root (network namespaces)"
for b in "$KS" "$CTL" "$LIMITS"; do
	[ -x "$b" ] || die "$b not built (make in $BUILD)"
done
HAVE_LG=yes
[ -x "$LG" ] || { HAVE_LG=no; err "$LG not built: registration and rekey runs skipped"; }

# ------------------------------------------------------------------
# Processes we started, by pid; the namespaces.

stop_pid() { # stop_pid PID: SIGTERM, then SIGKILL after 5 s
	local pid=$1 i
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null || return 0
	for i in $(seq 1 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

cleanup() {
	stop_pid "$TD_PID"; TD_PID=
	stop_pid "$LG_PID"; LG_PID=
	stop_pid "$KS_PID"; KS_PID=
	$NETNS down $PFX >/dev/null 2>&1 || true
	if [ -n "$RUN" ] && [ "${BENCH_KEEP:-}" != 1 ]; then
		rm -rf "$RUN"
	elif [ -n "$RUN" ]; then
		note "logs kept in $RUN"
	fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

RUN=$(mktemp -d /tmp/gdoi-bench.XXXXXX) || die "mktemp failed"
KV=$RUN/latest.kv
: > "$KV"

kv() { # kv KEY VALUE: record and show
	printf '%s=%s\n' "$1" "$2" >> "$KV"
	printf '  %s=%s\n' "$1" "$2"
}
get() { # get KEY [FILE]: a recorded value (last one), or empty
	sed -n "s|^$1=||p" "${2:-$KV}" | tail -n 1
}
calc() { awk "BEGIN { printf \"%.3f\", $1 }" </dev/null; }
calcf() { awk "BEGIN { printf \"$1\", $2 }" </dev/null; }
now() { date +%s.%N; }

# The KS's keyvalue status: ksval KEY (the group's key, e.g. registrations)
# "ks policy": the group counters without the member list (the other
# forms list members: the first 100, or all of them for "ks members")
ks_show() { "$CTL" -s "$RUN/ks.sock" -f keyvalue show crypto gdoi ks policy 2>/dev/null; }
ksval() { ks_show | sed -n "s|^group\.$GROUP\.$1=||p" | head -n 1; }
rss_kib() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$1/status" 2>/dev/null; }
cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | awk '{ print $12 + $13 }'; }
udp_drops() { # udp_drops NODE: InErrors+RcvbufErrors of the namespace's UDP
	ip netns exec "$PFX-$1" cat /proc/net/snmp 2>/dev/null |
		awk '/^Udp:/ { if (!h) { for (i = 1; i <= NF; i++) c[$i] = i; h = 1 }
			else print $(c["InErrors"]) + $(c["RcvbufErrors"]) }'
}

# ------------------------------------------------------------------
# Topology, KS, load generator

topology() {
	$NETNS down $PFX >/dev/null 2>&1 || true
	$NETNS up $PFX ks=$KS_ADDR/16 lg=$LG_ADDR/16 >/dev/null || die "netns.sh up failed"
	ip -n $PFX-lg route add local $GM_NET dev lo || die "cannot make $GM_NET local in $PFX-lg"
	ip -n $PFX-ks route add $GM_NET via $LG_ADDR || die "cannot route $GM_NET from $PFX-ks"
}

# ks_start CONF: a fresh KS (empty state) in the background; KS_PID
ks_start() {
	local conf=$RUN/$(basename "$1") i
	rm -rf "$RUN/state" "$RUN/ks.sock" "$RUN/ks.log"
	mkdir -p "$RUN/state"
	sed -e "s|@RUN@|$RUN|g; s|@KS@|$KS_ADDR|g; s|@GMS@|$GM_NET|g" "$1" > "$conf"
	$NETNS exec $PFX ks "$KS" -d -f "$conf" -l "$RUN/ks.log" >/dev/null 2>&1 &
	KS_PID=$!
	for i in $(seq 1 100); do
		[ -n "$(ksval registrations)" ] && return 0
		kill -0 "$KS_PID" 2>/dev/null || break
		sleep 0.1
	done
	tail -n 20 "$RUN/ks.log" >&2
	die "gdoi-ks did not start (log above)"
}

ks_stop() { stop_pid "$KS_PID"; KS_PID=; }

# lg_start DH N OUTFILE: the load generator, N members, one rekey each
lg_start() {
	(
		ulimit -n $(($2 + 4096)) 2>/dev/null || true
		exec $NETNS exec $PFX lg "$LG" -k $KS_ADDR -n "$2" -s $GM_BASE -g $GROUP_ID \
			-p $PSK --dh "$1" -c "$CONC" -d $((120 + $2 / 50)) --exit-after-rekeys 1 \
			--drop-acks "$DROP" -q --summary-format kv > "$3" 2> "$3.err"
	) &
	LG_PID=$!
}

# lg_wait SECONDS: wait for the load generator to end; 0 if it did
lg_wait() {
	local end=$(($(date +%s) + $1))
	while kill -0 "$LG_PID" 2>/dev/null && [ "$(date +%s)" -lt "$end" ]; do
		sleep 0.2
	done
	if kill -0 "$LG_PID" 2>/dev/null; then
		stop_pid "$LG_PID"; LG_PID=
		return 1
	fi
	wait "$LG_PID" 2>/dev/null
	LG_PID=
	return 0
}

# ------------------------------------------------------------------
# One unicast run: register N members with DH, measure, rekey, measure.

unicast_run() {
	local dh=$1 n=$2 p="reg.$1.n$2" r="rekey.unicast.$1.n$2" out=$RUN/lg-$1-$2.kv
	local rss0 rss1 cpu0 cpu1 t0 t1 end regs acks0 acks dur retx drops_ks drops_lg hz
	note "unicast: $n members, $dh"
	ks_start "$top/lab/bench/conf/ks-unicast.xml"
	rss0=$(rss_kib $KS_PID)
	cpu0=$(cpu_ticks $KS_PID)
	drops_ks=$(udp_drops ks) drops_lg=$(udp_drops lg)
	t0=$(now)
	lg_start "$dh" "$n" "$out"
	end=$(($(date +%s) + 60 + n / 20))
	regs=0
	while [ "$(date +%s)" -lt "$end" ] && kill -0 "$LG_PID" 2>/dev/null; do
		regs=$(ksval registrations)
		[ "${regs:-0}" -ge "$n" ] && break
		sleep 0.1
	done
	t1=$(now)
	cpu1=$(cpu_ticks $KS_PID)
	sleep 1 # let the last exchanges linger out of the measurement
	rss1=$(rss_kib $KS_PID)
	hz=$(getconf CLK_TCK)
	kv "$p.registered_ks" "${regs:-0}"
	kv "$p.wall_s" "$(calc "$t1 - $t0")"
	kv "$p.ks_cpu_s" "$(calc "($cpu1 - $cpu0) / $hz")"
	if [ "${regs:-0}" -gt 0 ]; then
		kv "$p.ks_cpu_us_per_reg" "$(calcf "%.1f" "($cpu1 - $cpu0) / $hz / ${regs} * 1e6")"
		kv "mem.n$n.$dh.ks_rss_kib_before" "$rss0"
		kv "mem.n$n.$dh.ks_rss_kib_after" "$rss1"
		kv "mem.n$n.$dh.ks_bytes_per_gm" "$(calcf "%.0f" "($rss1 - $rss0) * 1024 / $regs")"
	fi
	kv "$r.members" "$(ksval members)"
	acks0=$(ksval acks_rcvd)
	"$CTL" -s "$RUN/ks.sock" crypto gdoi ks rekey >/dev/null || err "gdoictl rekey failed"
	end=$(($(date +%s) + 45))
	dur=
	while [ "$(date +%s)" -lt "$end" ]; do
		dur=$(ksval last_duration_ms)
		[ "${dur:-0}" != 0 ] && break
		sleep 0.05
	done
	acks=$(ksval acks_rcvd)
	retx=$(ksval last_retransmits)
	kv "$r.last_ack_ms" "${dur:-NA}"
	kv "$r.retransmits" "${retx:-NA}"
	kv "$r.acks" "$(( ${acks:-0} - ${acks0:-0} ))"
	kv "$r.ejected" "$(ksval members_ejected)"
	lg_wait 30 || err "gdoi-loadgen did not end within 30 s after the rekey"
	kv "$r.udp_drops_ks" "$(( $(udp_drops ks) - drops_ks ))"
	kv "$r.udp_drops_lg" "$(( $(udp_drops lg) - drops_lg ))"
	kv "$p.ks_rss_kib_end" "$(rss_kib $KS_PID)"
	ks_stop
	# the load generator's own summary, prefixed
	sed -n 's/^loadgen\.\([a-z_0-9.]*\)=\(.*\)$/\1 \2/p' "$out" | while read -r k v; do
		kv "$p.lg.$k" "$v"
	done
	[ -s "$out" ] || { err "no loadgen summary; its stderr:"; tail -n 5 "$out.err" >&2; }
}

# ------------------------------------------------------------------
# Multicast: one forced rekey on the wire.

multicast_run() {
	local out=$RUN/lg-mcast.kv pcap=$RUN/mcast.pcap r=rekey.mcast t0 end regs i
	note "multicast: $MCAST_GMS members, ecp256, one forced rekey captured in $PFX-ks"
	ks_start "$top/lab/bench/conf/ks-multicast.xml"
	lg_start ecp256 "$MCAST_GMS" "$out"
	end=$(($(date +%s) + 60))
	while [ "$(date +%s)" -lt "$end" ] && kill -0 "$LG_PID" 2>/dev/null; do
		regs=$(ksval registrations)
		[ "${regs:-0}" -ge "$MCAST_GMS" ] && break
		sleep 0.1
	done
	ip netns exec $PFX-ks tcpdump -i eth0 -n -U -s 0 -w "$pcap" "udp and dst host $MCAST" \
		>/dev/null 2>"$RUN/tcpdump.err" &
	TD_PID=$!
	for i in $(seq 1 50); do # tcpdump says "listening on" once capturing
		grep -q listening "$RUN/tcpdump.err" 2>/dev/null && break
		sleep 0.1
	done
	t0=$(now)
	"$CTL" -s "$RUN/ks.sock" crypto gdoi ks rekey >/dev/null || err "gdoictl rekey failed"
	sleep 3.5 # the rekey and its 2 retransmissions, 1 s apart
	stop_pid "$TD_PID"; TD_PID=
	lg_wait 10 || true
	tcpdump -r "$pcap" -n -tt 2>/dev/null | awk -v t0="$t0" '
		{ n++; if (n == 1) first = $1; last = $1
		  for (i = 1; i <= NF; i++) if ($i == "length") len = $(i + 1)
		  bytes += len }
		END { printf "datagrams %d\nudp_payload_bytes %d\nfirst_ms %.2f\nspan_ms %.1f\n",
			n, bytes, n ? (first - t0) * 1000 : -1, n ? (last - first) * 1000 : -1 }' |
	while read -r k v; do kv "$r.$k" "$v"; done
	kv "$r.members" "${regs:-0}"
	kv "$r.lg_rekeys_received" "$(get loadgen.rekeys_received "$out")"
	kv "$r.ks_retransmits" "$(ksval retransmits)"
	ks_stop
}

# ------------------------------------------------------------------
# Main

note "results in $OUT; run directory $RUN"
{
	echo "bench.date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "bench.host.cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
	echo "bench.host.cores=$(nproc)"
	echo "bench.host.kernel=$(uname -r)"
	echo "bench.host.openssl=$(openssl version 2>/dev/null | awk '{ print $2 }')"
	echo "bench.host.loadavg_start=$(cut -d' ' -f1-3 /proc/loadavg)"
	echo "bench.gms=$GMS_LIST"
	echo "bench.dh=$DH_LIST"
	echo "bench.concurrency=$CONC"
	echo "bench.drop_acks=$DROP"
	echo "bench.commit=$(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo unknown)"
} >> "$KV"

note "limits: $LIMITS -t $LIMIT_SECONDS"
"$LIMITS" -t "$LIMIT_SECONDS" > "$RUN/limits.kv" || die "gdoi-bench-limits failed"
sed 's/^/  /' "$RUN/limits.kv"
cat "$RUN/limits.kv" >> "$KV"

if [ $HAVE_LG = yes ]; then
	topology
	for dh in $DH_LIST; do
		for n in $GMS_LIST; do
			unicast_run "$dh" "$n"
		done
	done
	multicast_run
	$NETNS down $PFX >/dev/null 2>&1 || true
fi
echo "bench.host.loadavg_end=$(cut -d' ' -f1-3 /proc/loadavg)" >> "$KV"

mkdir -p "$OUT" || die "cannot create $OUT"
cp "$KV" "$OUT/latest.kv"
bash "$top/lab/bench/report.sh" "$OUT/latest.kv" "$OUT" || die "report failed"
note "wrote $OUT/latest.kv, $OUT/latest.md$( [ -f "$OUT/latest.png" ] && echo ", $OUT/latest.png")"
