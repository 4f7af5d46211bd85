#!/bin/bash
#
# ctl_check.sh: the output contract of gdoictl (gdoictl(8): the keys are a
# stable interface).  A KS and one GM in network namespaces (lab/netns.sh,
# prefix gdoicc<pid>) with the shipped etc/ks.xml and etc/gm1.xml, on the
# real clock.  Once the GM is registered:
#   1. the keyvalue keys of "show crypto gdoi" on the GM and of "show
#      crypto gdoi ks members" on the KS equal the committed lists
#      data/keys-gm.txt and data/keys-ks.txt exactly (sorted, keys only;
#      the demo's instances: group G1, TEK 0, member 0, ACL entries 0 and
#      1); within a reply every key is unique and, but for the group name,
#      made of [a-z0-9_.-];
#   2. for each show command of each daemon (GM: "show crypto gdoi", "...
#      gm", "... gm rekey detail"; KS: "show crypto gdoi", "... ks", "... ks
#      members", "... ks policy"): the JSON parses (python3 -m json.tool),
#      its member names are unique among siblings, and flattened to dotted
#      paths it equals the keyvalue output (keys, values, order); the XML
#      is well-formed, validates against shared/gdoictl.rng (xmllint) and
#      flattened the same way equals the keyvalue output too.  The formats
#      are read from the same state: keyvalue is read before and after the
#      others, and everything again until the two agree;
#   3. the text output of the GM ("show crypto gdoi") and of the KS ("show
#      crypto gdoi ks members") equals data/text-gm.golden and
#      data/text-ks.golden once the values that change from run to run are
#      masked (after the last ": " of a line: numbers and hex strings as
#      "#", timestamps as "<time>", paths as "<path>"): the labels, their
#      order, the indentation and the colon column are pinned;
#   4. errors, as gdoictl(8) documents them: a socket path that does not
#      exist and a plain file: exit 2 and "gdoictl: cannot connect to PATH:
#      REASON"; a socket that closes without answering, one that answers
#      garbage and one that never answers (-t 300): exit 1 and one line
#      naming the socket; "show crypto gdoi bogus": exit 64, the message and
#      the usage line, nothing sent; a KS view asked of the GM: exit 1 and
#      the daemon's message.
#
# After a deliberate change of the keys or of the text layout, rewrite the
# data files from the running daemons instead of comparing with them:
#   REGEN=1 make -C tests/integration check TESTS=ctl_check.sh
# (or REGEN=1 top_builddir=BUILD bash tests/integration/ctl_check.sh) and
# review "git diff tests/integration/data" before committing it.
#
# Exit 0 pass, 1 fail, 77 (skip) when not root.

set -u
# shellcheck source=../common.sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/common.sh"
export LC_ALL=C

gdoi_daemon_test ctl_check
prefix=gdoicc$$
data=$top_srcdir/tests/integration/data
rng=$top_srcdir/shared/gdoictl.rng
regen=${REGEN:-0}
tmp=
ks_pid=
gm_pid=
peers_pid=
fails=0

cleanup() { gdoi_cleanup $gm_pid $ks_pid $peers_pid; }
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

for t in python3 xmllint; do
	command -v "$t" >/dev/null || { echo "$me: FAIL: $t is not installed (make deps)"; exit 1; }
done
[ -r "$rng" ] || { echo "$me: FAIL: $rng is missing"; exit 1; }
# the interpreter itself: a version manager's python3 wrapper can take most
# of a second to start, and the test starts python 20 times
py=$(python3 -c 'import sys; print(sys.executable)') && [ -x "$py" ] || py=python3
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gdoi-ctl.XXXXXX") || exit 1
mkdir -p "$tmp/state"

# gdoictl with a bounded wait for the reply
q() { "$ctl" -t 3000 "$@"; }
kv() { q -s "$tmp/$1.sock" -f keyvalue show crypto gdoi 2>/dev/null | sed -n "s/^$2=//p"; }

# flat.py json FILE | flat.py xml FILE KVFILE: the attributes of a JSON or
# XML output of gdoictl as keyvalue lines (dotted path=value, the value
# escaped as -f keyvalue escapes it), in document order.  JSON: every
# member a string or an object, member names unique among siblings.  XML:
# <section key=..>/<attr key=..> stand for their key; an element with
# children is a section, one with text an attribute; an empty element is
# an attribute with an empty value when KVFILE has one at that path,
# otherwise an empty section (the XML cannot tell them apart).
cat >"$tmp/flat.py" <<'PY'
import json, sys
import xml.etree.ElementTree as ET

def esc(s):
    out = []
    for ch in s:
        o = ord(ch)
        if ch == '\\':
            out.append('\\\\')
        elif ch == '\n':
            out.append('\\n')
        elif ch == '\r':
            out.append('\\r')
        elif ch == '\t':
            out.append('\\t')
        elif o < 0x20 or o == 0x7f:
            out.append('\\x%02x' % o)
        else:
            out.append(ch)
    return ''.join(out)

def fail(msg):
    sys.stderr.write('flat.py: %s\n' % msg)
    sys.exit(3)

def members(pairs):
    seen = set()
    for k, _ in pairs:
        if k in seen:
            fail('JSON member name %r twice in one object' % k)
        seen.add(k)
    return pairs

def walk_json(obj, path, out):
    for k, v in obj:
        p = path + [k]
        if isinstance(v, list):
            walk_json(v, p, out)
        elif isinstance(v, str):
            out.append('.'.join(p) + '=' + esc(v))
        else:
            fail('%s: a JSON %s, not a string or an object' % ('.'.join(p), type(v).__name__))

def walk_xml(el, path, out, kvpaths):
    for c in el:
        keyed = c.tag in ('section', 'attr') and 'key' in c.attrib
        p = path + [c.attrib['key'] if keyed else c.tag]
        dotted = '.'.join(p)
        if len(c) > 0 or (keyed and c.tag == 'section'):
            walk_xml(c, p, out, kvpaths)
        elif c.text or (keyed and c.tag == 'attr') or dotted in kvpaths:
            out.append(dotted + '=' + esc(c.text or ''))

mode, path = sys.argv[1], sys.argv[2]
out = []
if mode == 'json':
    with open(path, encoding='utf-8') as f:
        doc = json.load(f, object_pairs_hook=members)
    if not isinstance(doc, list):
        fail('the JSON document is not an object')
    walk_json(doc, [], out)
else:
    with open(sys.argv[3], encoding='utf-8', errors='surrogateescape') as f:
        kvpaths = set(line.split('=', 1)[0] for line in f if not line.startswith('='))
    root = ET.parse(path).getroot()
    if root.tag != 'gdoi':
        fail('the XML root is <%s>, not <gdoi>' % root.tag)
    walk_xml(root, [], out, kvpaths)
sys.stdout.write(''.join(line + '\n' for line in out))
PY

# The text output with the values that change from run to run masked:
# in what follows the last ": " of a line, a path, a timestamp, and every
# number or hex string (0x..., digits, hex with a digit, 8+ hex letters).
mask() {
	sed -E '/: /{
		h
		s/^(.*: ).*$/\1/
		x
		s/^.*: //
		s/^\/.*/<path>/
		s/[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}/<time>/g
		s/\b(0x[0-9A-Fa-f]+|[0-9A-Fa-f]*[0-9][0-9A-Fa-f]*|[0-9A-Fa-f]{8,})\b/#/g
		x
		G
		s/\n//
	}'
}

# snap NAME DAEMON WORDS...: one show command in every format, into
# $tmp/NAME.{kv,json,xml,txt}, from one state: keyvalue is read first and
# last, everything again (at most 10 times) until those two agree.
snap() {
	local name=$1 sock=$tmp/$2.sock o=$tmp/$1
	shift 2
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		q -s "$sock" -f keyvalue "$@" >"$o.kv" &&
			q -s "$sock" -f json "$@" >"$o.json" &&
			q -s "$sock" -f xml "$@" >"$o.xml" &&
			q -s "$sock" "$@" >"$o.txt" &&
			q -s "$sock" -f keyvalue "$@" >"$o.kv2" || return 1
		[ -s "$o.kv" ] && cmp -s "$o.kv" "$o.kv2" && return 0
		sleep 0.2
	done
	return 1
}

# same WHAT EXPECTED ACTUAL: compare two files; on a difference print it.
same() {
	if cmp -s "$2" "$3"; then
		echo "OK   $1"
	else
		echo "FAIL $1:"
		diff -u "$2" "$3" | sed 's/^/    /' | head -n 60
		fails=$((fails + 1))
	fi
}

# Keys that break the contract: used twice, or with characters other than
# [a-z0-9_.-] once the group name (an instance key from the configuration)
# is set aside.
dup_keys() { cut -d= -f1 "$1" | sort | uniq -d; }
odd_keys() { cut -d= -f1 "$1" | sed -E 's/(^|\.)G1\./\1group-name./' | grep -vE '^[a-z0-9_.-]+$'; }

json_ok() { "$py" -m json.tool <"$1" >/dev/null; }
xml_ok() {
	xmllint --noout --relaxng "$rng" - <"$1" 2>"$1.xmllint" && return 0
	sed 's/^/    /' "$1.xmllint"
	return 1
}

# view NAME DAEMON WORDS...: the machine formats of one show command agree.
view() {
	local name=$1 d=$2 what o=$tmp/$1 bad
	shift 2
	what="$d: $*"
	if ! snap "$name" "$d" "$@"; then
		echo "FAIL $what: no consistent reply in every format"
		fails=$((fails + 1))
		return
	fi
	bad=$(dup_keys "$o.kv" | tr '\n' ' ')
	check "$what: keyvalue keys are unique${bad:+ (twice: $bad)}" [ -z "$bad" ]
	bad=$(odd_keys "$o.kv" | tr '\n' ' ')
	check "$what: keys are [a-z0-9_.-]${bad:+ (not: $bad)}" [ -z "$bad" ]
	check "$what: JSON parses (python3 -m json.tool)" json_ok "$o.json"
	if "$py" "$tmp/flat.py" json "$o.json" >"$o.json.kv"; then
		same "$what: flattened JSON = keyvalue (keys, values, order)" "$o.kv" "$o.json.kv"
	else
		echo "FAIL $what: JSON not flattened (above)"
		fails=$((fails + 1))
	fi
	check "$what: XML is well-formed and validates against gdoictl.rng" xml_ok "$o.xml"
	if "$py" "$tmp/flat.py" xml "$o.xml" "$o.kv" >"$o.xml.kv"; then
		same "$what: flattened XML = keyvalue (keys, values, order)" "$o.kv" "$o.xml.kv"
	else
		echo "FAIL $what: XML not flattened (above)"
		fails=$((fails + 1))
	fi
}

# pin WHAT DATAFILE ACTUAL: ACTUAL must equal the committed data file (or,
# with REGEN=1, becomes it).
pin() {
	if [ "$regen" = 1 ]; then
		mkdir -p "$data" && cp "$3" "$data/$2" && echo "REGEN wrote $data/$2"
		return
	fi
	if [ ! -f "$data/$2" ]; then
		echo "FAIL $1: $data/$2 is missing (REGEN=1 writes it)"
		fails=$((fails + 1))
	elif cmp -s "$data/$2" "$3"; then
		echo "OK   $1 = data/$2"
	else
		echo "FAIL $1 differs from data/$2 (- committed, + now):"
		diff -u "$data/$2" "$3" | sed 's/^/    /' | head -n 80
		echo "     The output contract changed.  If that is deliberate, rewrite the file"
		echo "     (REGEN=1 make -C tests/integration check TESTS=ctl_check.sh) and"
		echo "     commit the new tests/integration/data/$2 with the change."
		fails=$((fails + 1))
	fi
}

# run ARGS...: gdoictl with its stdout, stderr and exit status in
# $tmp/e.out, $tmp/e.err and $rc; its error message in $msg.
rc=
msg=
run() {
	"$ctl" "$@" >"$tmp/e.out" 2>"$tmp/e.err"
	rc=$?
	msg=$(head -n 1 "$tmp/e.err")
}
# expect RC is|starts TEXT: the last run exited with RC, printed nothing on
# stdout and one line on stderr: TEXT, or TEXT followed by a reason.
expect() {
	[ "$rc" = "$1" ] && [ ! -s "$tmp/e.out" ] && [ "$(wc -l <"$tmp/e.err")" = 1 ] || return 1
	case $2 in
	is) [ "$msg" = "$3" ] ;;
	*) case $msg in "$3"?*) true ;; *) false ;; esac ;;
	esac
}
# the usage error of gdoictl(8): exit 64, the message, the usage line
usage_is() {
	[ "$rc" = 64 ] && [ ! -s "$tmp/e.out" ] && [ "$(wc -l <"$tmp/e.err")" = 2 ] &&
		[ "$msg" = "$1" ] && sed -n 2p "$tmp/e.err" | grep -q '^usage: gdoictl '
}

# Peers that are not a gdoi daemon: close.sock accepts and closes,
# garbage.sock answers with something else, silent.sock never accepts
# (connecting works: the backlog); all gone after 30 s in any case.
cat >"$tmp/peers.py" <<'PY'
import os, select, socket, sys, time
socks = {}
for name in ('close', 'garbage', 'silent'):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(os.path.join(sys.argv[1], name + '.sock'))
    s.listen(8)
    socks[s] = name
open(os.path.join(sys.argv[1], 'peers.ready'), 'w').close()
end = time.monotonic() + 30
while time.monotonic() < end:
    r, _, _ = select.select([s for s in socks if socks[s] != 'silent'], [], [], 0.5)
    for s in r:
        c, _ = s.accept()
        if socks[s] == 'garbage':
            c.settimeout(1)
            try:
                c.recv(4096)
                c.sendall(b'HTTP/1.0 400 Bad Request\r\n\r\n')
            except OSError:
                pass
        c.close()
PY
"$py" "$tmp/peers.py" "$tmp" >"$tmp/peers.log" 2>&1 &
peers_pid=$!

if ! bash "$netns" up "$prefix" ks=10.99.0.1 gm1=10.99.0.11 >"$tmp/netns.log" 2>&1; then
	echo "$me: FAIL: cannot create network namespaces:"; cat "$tmp/netns.log"
	exit 1
fi
bail() {
	echo "$me: the daemons did not come up; logs in $tmp (KEEP=1 keeps them)"
	tail -n 20 "$tmp/ks.log" "$tmp/gm1.log" 2>/dev/null
	exit 1
}
cp "$top_srcdir/etc/ks.xml" "$tmp/ks.xml"
cp "$top_srcdir/etc/gm1.xml" "$tmp/gm1.xml"
gdoi_start ks "$tmp/ks.log" "$ks_bin" -f "$tmp/ks.xml" -S "$tmp/state"
ks_pid=$!
check "the KS is up" gdoi_wait_for 100 test -S "$tmp/ks.sock"
[ "$fails" -eq 0 ] || bail
gdoi_start gm1 "$tmp/gm1.log" "$gm_bin" -f "$tmp/gm1.xml"
gm_pid=$!
registered() {
	[ "$(kv gm1 group.G1.registration_status)" = Registered ] &&
		[ "$(kv ks group.G1.members)" = 1 ]
}
check "the GM registers, the KS lists it" gdoi_wait_for 100 registered
[ "$fails" -eq 0 ] || bail

# ---- 1.-3. the formats ---------------------------------------------------
view gm gm1 show crypto gdoi
view gm_gm gm1 show crypto gdoi gm
view gm_rekey gm1 show crypto gdoi gm rekey detail
view ks ks show crypto gdoi
view ks_ks ks show crypto gdoi ks
view ks_members ks show crypto gdoi ks members
view ks_policy ks show crypto gdoi ks policy

cut -d= -f1 "$tmp/gm.kv" | sort >"$tmp/keys-gm.txt"
cut -d= -f1 "$tmp/ks_members.kv" | sort >"$tmp/keys-ks.txt"
pin "GM keys of show crypto gdoi" keys-gm.txt "$tmp/keys-gm.txt"
pin "KS keys of show crypto gdoi ks members" keys-ks.txt "$tmp/keys-ks.txt"
mask <"$tmp/gm.txt" >"$tmp/text-gm.golden"
mask <"$tmp/ks_members.txt" >"$tmp/text-ks.golden"
pin "GM text of show crypto gdoi, masked" text-gm.golden "$tmp/text-gm.golden"
pin "KS text of show crypto gdoi ks members, masked" text-ks.golden "$tmp/text-ks.golden"

# ---- 4. errors -----------------------------------------------------------
run -s "$tmp/nonexistent.sock" show crypto gdoi
check "no such socket: exit 2 ($rc), '$msg'" \
	expect 2 is "gdoictl: cannot connect to $tmp/nonexistent.sock: No such file or directory"
: >"$tmp/plain"
run -s "$tmp/plain" show crypto gdoi
check "a plain file: exit 2 ($rc), '$msg'" expect 2 starts "gdoictl: cannot connect to $tmp/plain: "
check "the fake peers are up" gdoi_wait_for 50 test -e "$tmp/peers.ready"
run -s "$tmp/close.sock" show crypto gdoi
check "a peer that closes: exit 1 ($rc), '$msg'" expect 1 starts "gdoictl: $tmp/close.sock: "
run -s "$tmp/garbage.sock" show crypto gdoi
check "a peer that answers garbage: exit 1 ($rc), '$msg'" \
	expect 1 starts "gdoictl: $tmp/garbage.sock: "
t0=$(date +%s%N)
run -s "$tmp/silent.sock" -t 300 show crypto gdoi
ms=$((($(date +%s%N) - t0) / 1000000))
check "a peer that never answers: exit 1 ($rc), '$msg'" \
	expect 1 is "gdoictl: no reply from $tmp/silent.sock within 300 ms"
check "... after the timeout: $ms ms (300 to 3000)" [ $((ms >= 300 && ms < 3000)) = 1 ]
run -s "$tmp/gm1.sock" show crypto gdoi bogus
check "show crypto gdoi bogus: exit 64 ($rc), '$msg' and the usage line" \
	usage_is "gdoictl: unknown command 'show crypto gdoi bogus'"
run -s "$tmp/gm1.sock" show crypto gdoi ks members
check "a KS view asked of the GM: exit 1 ($rc), '$msg'" expect 1 starts "gdoictl: "

# ---- the daemons stop -----------------------------------------------------
kill -TERM "$gm_pid" "$ks_pid" 2>/dev/null
gone() { ! kill -0 "$gm_pid" 2>/dev/null && ! kill -0 "$ks_pid" 2>/dev/null; }
check "both daemons stop on SIGTERM" gdoi_wait_for 50 gone
gm_pid=
ks_pid=

if [ "$fails" -ne 0 ]; then
	echo "$me: $fails check(s) failed; logs in $tmp (KEEP=1 keeps them)"
	exit 1
fi
echo "$me: all checks passed"
[ "$regen" = 1 ] && echo "$me: REGEN=1: data files rewritten, review git diff tests/integration/data"
exit 0
