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
#   2. for each show command of each daemon (GM: "show crypto gdoi", "show
#      crypto gdoi gm"; KS: "show crypto gdoi", "... ks", "... ks members",
#      "... ks policy"): the JSON parses (python3 -m json.tool), its member
#      names are unique among siblings, and flattened to dotted paths it
#      equals the keyvalue output (keys, values, order); the XML is
#      well-formed, validates against shared/gdoictl.rng (xmllint) and
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

cleanup() {
	for p in $gm_pid $ks_pid $peers_pid; do kill -KILL "$p" 2>/dev/null; done
	bash "$netns" down "$prefix" >/dev/null 2>&1
	gdoi_tmp_done "$tmp"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

for t in python3 xmllint; do
	command -v "$t" >/dev/null || { echo "$me: FAIL: $t is not installed (make deps)"; exit 1; }
done
[ -r "$rng" ] || { echo "$me: FAIL: $rng is missing"; exit 1; }
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
odd_keys() { cut -d= -f1 "$1" | sed 's/^group\.G1\./group./' | grep -vE '^[a-z0-9_.-]+$'; }

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
	bad=$(dup_keys "$o.kv")
	check "$what: keyvalue keys are unique${bad:+ (twice: $(echo $bad))}" [ -z "$bad" ]
	bad=$(odd_keys "$o.kv")
	check "$what: keys are [a-z0-9_.-]${bad:+ (not: $(echo $bad))}" [ -z "$bad" ]
	check "$what: JSON parses (python3 -m json.tool)" \
		sh -c "python3 -m json.tool <'$o.json' >/dev/null"
	if python3 "$tmp/flat.py" json "$o.json" >"$o.json.kv"; then
		same "$what: flattened JSON = keyvalue (keys, values, order)" "$o.kv" "$o.json.kv"
	else
		echo "FAIL $what: JSON not flattened (above)"
		fails=$((fails + 1))
	fi
	check "$what: XML validates against gdoictl.rng" \
		sh -c "xmllint --noout --relaxng '$rng' - <'$o.xml' 2>'$o.xmllint' ||
			{ sed 's/^/    /' '$o.xmllint'; exit 1; }"
	if python3 "$tmp/flat.py" xml "$o.xml" "$o.kv" >"$o.xml.kv"; then
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
		echo "     The output contract changed.  If that is deliberate, update the list"
		echo "     (REGEN=1 make -C tests/integration check TESTS=ctl_check.sh) and"
		echo "     commit the new tests/integration/data/$2 with the change."
		fails=$((fails + 1))
	fi
}

# run ARGS...: gdoictl with its stdout, stderr and exit status in
# $tmp/e.out, $tmp/e.err and $rc.
rc=
run() {
	"$ctl" "$@" >"$tmp/e.out" 2>"$tmp/e.err"
	rc=$?
}
err_is() { [ "$(cat "$tmp/e.err")" = "$1" ]; }
# one line on stderr, starting with $1, with something after it
err_line() {
	[ "$(wc -l <"$tmp/e.err")" = 1 ] && [ -z "$(cat "$tmp/e.out")" ] &&
		case $(cat "$tmp/e.err") in "$1"?*) true ;; *) false ;; esac
}
