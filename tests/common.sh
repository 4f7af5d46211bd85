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

# gdoi_daemon_test NAME: the set-up of a test that runs the daemons in
# namespaces: me, top_srcdir, top_builddir, ks_bin, gm_bin, ctl, netns;
# skips (77) when not root, fails when a program is not built.
gdoi_daemon_test() {
	me=$1
	top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
	top_builddir=${top_builddir:-$top_srcdir/build}
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
