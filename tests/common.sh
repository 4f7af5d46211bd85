# Shell helpers shared by the interop and integration scripts (sourced).

# Remove a test's temporary directory, or keep it when KEEP=1 (to read the
# logs, captures and keylogs of a failed run).  $me names the script.
gdoi_tmp_done() {
	[ -n "${1:-}" ] || return 0
	if [ "${KEEP:-0}" = 1 ]; then
		echo "$me: kept $1"
	else
		rm -rf "$1"
	fi
}

# check WHAT CMD...: run CMD, print "OK   WHAT" or "FAIL WHAT", count
# failures in $fails.
fails=${fails:-0}
check() {
	local what=$1
	shift
	if "$@"; then
		echo "OK   $what"
	else
		echo "FAIL $what"
		fails=$((fails + 1))
	fi
}

# gdoi_kv GDOICTL SOCKET KEY: one value of "show crypto gdoi" in keyvalue form.
gdoi_kv() {
	"$1" -s "$2" -f keyvalue show crypto gdoi 2>/dev/null | sed -n "s/^$3=//p"
}

# gdoi_test NAME: me, and top_srcdir and top_builddir when the test
# driver did not set them (a script run by hand from the source tree).
gdoi_test() {
	me=$1
	top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
	top_builddir=${top_builddir:-$top_srcdir/build}
}

# gdoi_daemon_test NAME: the set-up of a test that runs the daemons in
# namespaces: gdoi_test NAME, then ks_bin, gm_bin, ctl, netns;
# skips (77) when not root, fails when a program is not built.
gdoi_daemon_test() {
	gdoi_test "$1"
	ks_bin=${GDOI_KS:-$top_builddir/ks/gdoi-ks}
	gm_bin=${GDOI_GM:-$top_builddir/gm/gdoi-gm}
	ctl=${GDOICTL:-$top_builddir/cli/gdoictl}
	netns=$top_srcdir/lab/netns.sh
	[ "$(id -u)" = 0 ] || { echo "$me: SKIP: needs root (network namespaces)"; exit 77; }
	for b in "$ks_bin" "$gm_bin" "$ctl"; do
		[ -x "$b" ] || { echo "$me: FAIL: $b is not built"; exit 1; }
	done
}

# gdoi_wait_for TRIES CMD...: run CMD every 0.1 s until it succeeds, at
# most TRIES times; the status of the last run.
gdoi_wait_for() {
	local n=$1
	shift
	while [ "$n" -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}

# gdoi_sample N WANT_KEK GM...: N samples 0.25 s apart of each GM's
# "show crypto gdoi" (control socket $tmp/GM.sock, gdoictl $ctl): it must
# be registered in group G1 (or registering again while it holds its keys)
# with TEK lifetime left and, when WANT_KEK is 1, KEK lifetime left.
# Prints the number of misses (each described on stderr).
gdoi_sample() {
	local n=$1 want_kek=$2 bad=0 gm out st tek kek
	shift 2
	for _ in $(seq "$n"); do
		for gm in "$@"; do
			out=$("$ctl" -s "$tmp/$gm.sock" -f keyvalue show crypto gdoi 2>/dev/null)
			st=$(printf '%s\n' "$out" | sed -n 's/^group.G1.registration_status=//p')
			tek=$(printf '%s\n' "$out" | sed -n 's/^group.G1.tek.0.remaining=//p')
			kek=$(printf '%s\n' "$out" | sed -n 's/^group.G1.kek.lifetime=//p')
			[ "$want_kek" = 1 ] || kek=1
			case $st in Registered | Registering) ;; *) st="!$st" ;; esac
			if [ "${st#!}" != "$st" ] || [ "${tek:-0}" -le 0 ] || [ "${kek:-0}" -le 0 ]; then
				bad=$((bad + 1))
				echo "$me: $gm sample: status '$st', TEK left '$tek', KEK left '$kek'" >&2
			fi
		done
		sleep 0.25
	done
	echo "$bad"
}

# gdoi_netns_up NODE=ADDR...: lab/netns.sh up $prefix NODE=ADDR... (its
# output in $tmp/netns.log).  Skips (77) only when this system cannot make
# a network namespace at all; a failure of netns.sh itself (a topology it
# should build) fails the test.
gdoi_netns_up() {
	local err
	bash "$netns" up "$prefix" "$@" >"$tmp/netns.log" 2>&1 && return 0
	if ! err=$(ip netns add "$prefix-probe" 2>&1); then
		echo "$me: SKIP: cannot create network namespaces: $err"
		cat "$tmp/netns.log"
		exit 77
	fi
	ip netns del "$prefix-probe" 2>/dev/null
	echo "$me: FAIL: lab/netns.sh up $prefix $*:"
	cat "$tmp/netns.log"
	exit 1
}

# gdoi_start NODE LOG PROGRAM ARG...: PROGRAM -d -s $tmp/NODE.sock
# -p $tmp/NODE.pid ARG... in the namespace of NODE (lab/netns.sh exec), in
# the background, its output appended to LOG; $! is its pid.
gdoi_start() {
	local node=$1 log=$2 prog=$3
	shift 3
	bash "$netns" exec "$prefix" "$node" "$prog" -d -s "$tmp/$node.sock" -p "$tmp/$node.pid" \
		"$@" >>"$log" 2>&1 &
}

# gdoi_cleanup PID...: the EXIT trap of a namespace test: kill -KILL the
# PIDs and reap them, take down the namespaces $prefix-*, remove $tmp.
gdoi_cleanup() {
	local p
	for p in "$@"; do kill -KILL "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
	bash "$netns" down "$prefix" >/dev/null 2>&1
	gdoi_tmp_done "$tmp"
}
