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
