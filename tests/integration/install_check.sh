#!/bin/bash
#
# make install into a staging directory (DESTDIR), as any user, and what
# it installs.
#
# Environment:
#   top_srcdir, top_builddir   set by the test driver (else guessed)
#
# Checks:
#   a) make install DESTDIR=TMP succeeds and installs gdoi-ks, gdoi-gm,
#      gdoictl, gdoidump, the man pages gdoi-ks.8 gdoi-gm.8 gdoictl.8
#      gdoidump.8 gdoi.xml.5, gdoi.rng, the examples and the systemd
#      units;
#   b) the units name the configured sbindir and sysconfdir, with no
#      placeholder left, have the keys each must have and only unit
#      lines, and, when systemd-analyze is there, "systemd-analyze verify"
#      accepts them without a word (the ExecStart path re-rooted into TMP,
#      MANPATH at the installed pages so their Documentation= links are
#      checked too);
#   c) every installed man page renders without a warning (groff -ww, and
#      man --warnings when man is there);
#   d) the installed daemons accept the installed examples and the two
#      examples of gdoi.xml(5) (-n), and the installed schema is the
#      source one;
#   e) make uninstall DESTDIR=TMP leaves no file behind.
#
# Needs no root: everything goes under TMP.  Exit 0 when every check
# passes, 1 otherwise.  KEEP=1 keeps TMP.

# The checks use bash; a test driver may start us with sh.
if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi

set -u

me=install_check.sh
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir/build}
. "$top_srcdir/tests/common.sh"
fails=0

tmp=$(mktemp -d "${TMPDIR:-/tmp}/gdoi-install.XXXXXX") || exit 1
trap 'gdoi_tmp_done "$tmp"' EXIT
trap 'exit 1' HUP INT TERM
dest=$tmp/root

# A make of the build tree, without what the make running this test passes
# down (its TESTS=..., -j): the install is that of the configured tree.
bmake() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
	    make --no-print-directory -C "$top_builddir" "$@"
}

# mkvar NAME: the value of a make variable of the top-level Makefile,
# expanded (sbindir comes as ${exec_prefix}/sbin there).
mkvar() {
	printf 'gdoi-print-var:\n\t@echo $(%s)\n' "$1" |
	    bmake -s -f Makefile -f - gdoi-print-var
}

# a) install
if ! bmake install DESTDIR="$dest" >"$tmp/install.log" 2>&1; then
	echo "FAIL make install DESTDIR=$dest:"
	tail -n 30 "$tmp/install.log"
	exit 1
fi
echo "OK   make install DESTDIR=..."

for v in sbindir bindir sysconfdir mandir pkgdatadir systemdsystemunitdir; do
	val=$(mkvar "$v")
	case $val in
	/*) printf -v "$v" '%s' "$val" ;;
	*) echo "FAIL $v of $top_builddir/Makefile: \"$val\""; exit 1 ;;
	esac
done

for f in "$sbindir/gdoi-ks" "$sbindir/gdoi-gm" "$sbindir/gdoictl" "$bindir/gdoidump"; do
	check "installed, executable: $f" test -x "$dest$f"
done
mans="man8/gdoi-ks.8 man8/gdoi-gm.8 man8/gdoictl.8 man8/gdoidump.8 man5/gdoi.xml.5"
for m in $mans; do
	check "installed: $mandir/$m" test -s "$dest$mandir/$m"
done
check "installed: $pkgdatadir/gdoi.rng, the source schema" \
    cmp -s "$dest$pkgdatadir/gdoi.rng" "$top_srcdir/shared/gdoi.rng"
for x in ks.xml gm1.xml gm2.xml; do
	check "installed: $pkgdatadir/examples/$x" test -s "$dest$pkgdatadir/examples/$x"
done
units="gdoi-ks.service gdoi-gm.service"
for u in $units; do
	check "installed: $systemdsystemunitdir/$u" test -s "$dest$systemdsystemunitdir/$u"
done

# b) the units
unit_paths() {	# UNIT DAEMON
	local f=$dest$systemdsystemunitdir/$1
	! grep -q '@[a-z_]*@' "$f" &&
	    grep -qx "ExecStart=$sbindir/$2 -f $sysconfdir/gdoi/${2#gdoi-}.xml -p /run/gdoi/${2#gdoi-}.pid" "$f" &&
	    grep -qx "PIDFile=/run/gdoi/${2#gdoi-}.pid" "$f"
}
check "gdoi-ks.service: ExecStart=$sbindir/gdoi-ks -f $sysconfdir/gdoi/ks.xml ..." \
    unit_paths gdoi-ks.service gdoi-ks
check "gdoi-gm.service: ExecStart=$sbindir/gdoi-gm -f $sysconfdir/gdoi/gm.xml ..." \
    unit_paths gdoi-gm.service gdoi-gm

# The keys each unit must have, and nothing but comments, sections and
# Key=Value lines (the check when systemd-analyze is not there).
unit_keys() {	# FILE KEY=VALUE...
	local f=$1 kv
	shift
	awk '/^[ \t]*(#|;|$)/ { next }
	    /^\[(Unit|Service|Install)\]$/ { next }
	    /^[A-Za-z][A-Za-z0-9]*=/ { next }
	    { print FILENAME ":" FNR ": not a unit line: " $0; bad = 1 }
	    END { exit bad }' "$f" || return 1
	for s in '[Unit]' '[Service]' '[Install]'; do
		grep -qxF "$s" "$f" || { echo "$f: no $s"; return 1; }
	done
	for kv in "$@"; do
		case $kv in
		*=) grep -q "^$kv." "$f" ;;
		*) grep -qxF "$kv" "$f" ;;
		esac || { echo "$f: no $kv"; return 1; }
	done
}
ks_keys() {
	unit_keys "$dest$systemdsystemunitdir/gdoi-ks.service" Type=forking ExecStart= \
	    'ExecReload=/bin/kill -HUP $MAINPID' Restart=on-failure RuntimeDirectory=gdoi \
	    WantedBy=multi-user.target PIDFile=/run/gdoi/ks.pid StateDirectory=gdoi
}
gm_keys() {
	unit_keys "$dest$systemdsystemunitdir/gdoi-gm.service" Type=forking ExecStart= \
	    'ExecReload=/bin/kill -HUP $MAINPID' Restart=on-failure RuntimeDirectory=gdoi \
	    WantedBy=multi-user.target PIDFile=/run/gdoi/gm.pid
}
check "gdoi-ks.service: the required keys" ks_keys
check "gdoi-gm.service: the required keys" gm_keys

if command -v systemd-analyze >/dev/null 2>&1; then
	# verify wants ExecStart= to exist: point it into the staging tree.
	mkdir -p "$tmp/units"
	for u in $units; do
		sed "s|^ExecStart=$sbindir/|ExecStart=$dest$sbindir/|" \
		    "$dest$systemdsystemunitdir/$u" > "$tmp/units/$u"
	done
	# Any message is a failure: unknown keys are only warned about.
	verify() {
		local out
		out=$(cd "$tmp/units" && MANPATH=$dest$mandir \
		    systemd-analyze verify "./$1" 2>&1) && [ -z "$out" ] ||
		    { printf '%s\n' "$out"; return 1; }
	}
	for u in $units; do
		check "systemd-analyze verify $u" verify "$u"
	done
else
	echo "OK   (no systemd-analyze: units checked by their keys only)"
fi

# c) every installed man page renders without warnings
pages=$(cd "$dest$mandir" && find . -type f -name '*.[1-9]*' | sed 's|^\./||' | sort)
have_renderer=0
if command -v groff >/dev/null 2>&1; then
	have_renderer=1
	groff_clean() {
		local out
		out=$(groff -man -ww -z "$1" 2>&1) && [ -z "$out" ] ||
		    { printf '%s\n' "$out"; return 1; }
	}
	for m in $pages; do
		check "groff -man -ww: $m" groff_clean "$dest$mandir/$m"
	done
fi
if command -v man >/dev/null 2>&1; then
	have_renderer=1
	man_clean() {
		local out
		out=$(MANWIDTH=80 man --warnings -l "$1" 2>&1 >/dev/null) && [ -z "$out" ] ||
		    { printf '%s\n' "$out"; return 1; }
	}
	for m in $pages; do
		check "man --warnings: $m" man_clean "$dest$mandir/$m"
	done
fi
check "groff or man is there to render the pages (make deps)" test "$have_renderer" = 1

# d) the installed programs and the examples
# quiet CMD...: run CMD, show its output only when it fails.
quiet() {
	local out
	out=$("$@" 2>&1) || { printf '%s\n' "$out"; return 1; }
}
conf_ok() {	# DAEMON FILE
	quiet "$dest$sbindir/$1" -n -f "$2"
}
check "installed gdoi-ks runs (-V)" quiet "$dest$sbindir/gdoi-ks" -V
check "installed gdoi-gm runs (-V)" quiet "$dest$sbindir/gdoi-gm" -V
check "installed gdoictl runs (-h)" quiet "$dest$sbindir/gdoictl" -h
check "installed gdoidump runs (-h)" quiet "$dest$bindir/gdoidump" -h
check "gdoi-ks -n: installed examples/ks.xml" conf_ok gdoi-ks "$dest$pkgdatadir/examples/ks.xml"
check "gdoi-gm -n: installed examples/gm1.xml" conf_ok gdoi-gm "$dest$pkgdatadir/examples/gm1.xml"
# The examples of gdoi.xml(5) lie between '.\" example NAME begin' and
# '.\" example NAME end', as roff text ("\-" for "-").
man_example() {	# NAME OUT
	sed -n "/^\.\\\\\" example $1 begin/,/^\.\\\\\" example $1 end/p" \
	    "$dest$mandir/man5/gdoi.xml.5" | sed -e '/^\./d' -e 's/\\-/-/g' > "$2"
	grep -q '^</gdoi>$' "$2"
}
check "gdoi.xml(5): the key server example is there" man_example ks.xml "$tmp/man-ks.xml"
check "gdoi.xml(5): the group member example is there" man_example gm.xml "$tmp/man-gm.xml"
check "gdoi-ks -n: the key server example of gdoi.xml(5)" conf_ok gdoi-ks "$tmp/man-ks.xml"
check "gdoi-gm -n: the group member example of gdoi.xml(5)" conf_ok gdoi-gm "$tmp/man-gm.xml"
if command -v xmllint >/dev/null 2>&1; then
	check "xmllint --relaxng installed gdoi.rng: the examples of gdoi.xml(5)" \
	    quiet xmllint --noout --relaxng "$dest$pkgdatadir/gdoi.rng" "$tmp/man-ks.xml" \
	    "$tmp/man-gm.xml"
fi

# e) uninstall
if bmake uninstall DESTDIR="$dest" >"$tmp/uninstall.log" 2>&1; then
	left=$(find "$dest" ! -type d | sed "s|^$dest||")
	check "make uninstall DESTDIR=... leaves no file${left:+ (left: $left)}" test -z "$left"
else
	echo "FAIL make uninstall DESTDIR=...:"
	tail -n 30 "$tmp/uninstall.log"
	fails=$((fails + 1))
fi

if [ "$fails" -ne 0 ]; then
	echo "$me: $fails check(s) failed"
	exit 1
fi
echo "$me: all checks passed"
exit 0
