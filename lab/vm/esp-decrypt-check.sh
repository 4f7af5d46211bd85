#!/bin/sh
# lab/vm/esp-decrypt-check.sh RESULTS_DIR
#
# Host side of the GDOI VM lab (check 6): tshark decrypts the ESP captured
# on the WAN (RESULTS_DIR/wan.pcap) with the ESP SAs that the GMs logged
# (RESULTS_DIR/gm*.esp_sa, Wireshark's esp_sa UAT lines, one SA a line:
#   "IPv4","*","*","0xSPI","AES-CBC [RFC3602]","0xKEY","HMAC-SHA-1-96 [RFC2404]","0xKEY"
# the 8 fields of tshark 4.0's esp_sa UAT).  The lines are given both as
# -o uat:esp_sa:LINE options and, for the second run, as the esp_sa file of
# a WIRESHARK_CONFIG_DIR; both runs must agree.  Passes when every SPI in
# the capture has keys, and every ESP packet of every SPI decrypts into
# ICMP or UDP between 10.1.0.10 and 10.2.0.10 with a good ICV.
set -u
D=$1
me=esp-decrypt-check
pcap=$D/wan.pcap
export LC_ALL=C
[ -s "$pcap" ] || { echo "$me: FAIL: no $pcap"; exit 1; }
cat "$D"/gm*.esp_sa 2>/dev/null | tr -d '\r' | grep -v '^#' | grep . | sort -u > "$D/esp_sa.all"
n=$(wc -l < "$D/esp_sa.all")
[ "$n" -gt 0 ] || { echo "$me: FAIL: no esp_sa lines in $D/gm*.esp_sa"; exit 1; }
# the exact forms tshark 4.0 takes (8 fields; keys as 0x + hex of the
# key's length: AES 128/192/256, HMAC-SHA1 160, HMAC-SHA256 256 bits,
# GCM key + 4-octet salt)
cbc='"IPv4","\*","\*","0x[0-9a-f]{8}","AES-CBC \[RFC3602\]","0x([0-9a-f]{32}|[0-9a-f]{48}|[0-9a-f]{64})"'
good="^($cbc,\"HMAC-SHA-1-96 \\[RFC2404\\]\",\"0x[0-9a-f]{40}\"|$cbc,\"HMAC-SHA-256-128 \\[RFC4868\\]\",\"0x[0-9a-f]{64}\""
good="$good|\"IPv4\",\"\\*\",\"\\*\",\"0x[0-9a-f]{8}\",\"AES-GCM with 16 octet ICV \\[RFC4106\\]\",\"0x([0-9a-f]{40}|[0-9a-f]{56}|[0-9a-f]{72})\",\"NULL\",\"\")\$"
grep -aE "$good" "$D/esp_sa.all" > "$D/esp_sa.uat"
grep -avE "$good" "$D/esp_sa.all" > "$D/esp_sa.bad"
nbad=$(wc -l < "$D/esp_sa.bad")
echo "$me: $n esp_sa lines, $nbad malformed; e.g.: $(head -n 1 "$D/esp_sa.all" | cut -c1-64 | cat -v)..."
fields="-T fields -E separator=/t -E occurrence=a -E aggregator=, -e esp.spi -e ip.src -e ip.dst -e ip.proto -e esp.icv_good -e esp.icv_bad"
prefs="-o esp.enable_encryption_decode:TRUE -o esp.enable_authentication_check:TRUE"
judge() { # judge FILE: per SPI: packets, decrypted to ICMP/UDP between the hosts, ICV good
	awk -F'\t' '
	{ spi = $1; n[spi]++
	  split($2, s, ","); split($3, d, ","); split($4, p, ",")
	  inner = (p[2] == 1 || p[2] == 17) &&
	          ((s[2] == "10.1.0.10" && d[2] == "10.2.0.10") || (s[2] == "10.2.0.10" && d[2] == "10.1.0.10"))
	  if (inner) dec[spi]++
	  if ($5 == "1" || $5 == "True") good[spi]++
	  if ($6 == "1" || $6 == "True") bad[spi]++
	  if (p[2] == 1) icmp[spi]++; else if (p[2] == 17) udp[spi]++ }
	END {
	  bads = 0
	  for (spi in n) {
	    ok = dec[spi] == n[spi] && good[spi] == n[spi] && bad[spi] == 0
	    if (!ok) bads++
	    printf "  spi %s: %d ESP packets, %d decrypted (%d ICMP, %d UDP) between 10.1.0.10 and 10.2.0.10, ICV good %d bad %d%s\n",
	      spi, n[spi], dec[spi], icmp[spi], udp[spi], good[spi], bad[spi], ok ? "" : "  <-- NOT all"
	  }
	  if (length(n) == 0) { print "  no ESP packets"; bads = 1 }
	  exit bads != 0 }' "$1"
}
# check UATFILE TAG: tshark with the lines as -o uat:esp_sa:LINE options
# and as WIRESHARK_CONFIG_DIR/esp_sa; 0 if every packet of every SPI
# decrypts in both
check() {
	uat=$1 tag=$2 fails=0
	set --
	while read -r line; do set -- "$@" -o "uat:esp_sa:$line"; done < "$uat"
	# shellcheck disable=SC2086
	tshark -n -r "$pcap" $prefs "$@" -Y esp $fields > "$D/tshark-$tag-uat.txt" 2> "$D/tshark-$tag-uat.err"
	r1=$?
	rm -rf "$D/wsconf-$tag"; mkdir -p "$D/wsconf-$tag"
	cp "$uat" "$D/wsconf-$tag/esp_sa"
	# shellcheck disable=SC2086
	WIRESHARK_CONFIG_DIR=$D/wsconf-$tag tshark -n -r "$pcap" $prefs -Y esp $fields \
		> "$D/tshark-$tag-dir.txt" 2> "$D/tshark-$tag-dir.err"
	r2=$?
	grep -v 'Running as user "root"' "$D/tshark-$tag-uat.err" > "$D/tshark-$tag-uat.msg"
	[ -s "$D/tshark-$tag-uat.msg" ] && { echo "$me: tshark said:"; head -n 5 "$D/tshark-$tag-uat.msg"; }
	echo "$me: [$tag] tshark with -o uat:esp_sa:... (status $r1):"
	judge "$D/tshark-$tag-uat.txt" || fails=$((fails + 1))
	echo "$me: [$tag] tshark with WIRESHARK_CONFIG_DIR/esp_sa (status $r2):"
	judge "$D/tshark-$tag-dir.txt" > "$D/judge-$tag-dir.txt" || fails=$((fails + 1))
	if cmp -s "$D/tshark-$tag-uat.txt" "$D/tshark-$tag-dir.txt"; then
		echo "  same result"
	else
		cat "$D/judge-$tag-dir.txt"
	fi
	# SPIs in the capture without a key line
	nokey=$(tshark -n -r "$pcap" -Y esp -T fields -e esp.spi 2>/dev/null | sort -u | while read -r s; do
		grep -qi "\"$s\"" "$uat" || printf ' %s' "$s"; done)
	[ -z "$nokey" ] || { echo "$me: [$tag] SPIs without an esp_sa line:$nokey"; fails=$((fails + 1)); }
	[ $fails = 0 ] && [ $r1 = 0 ] && [ $r2 = 0 ]
}
rc=0
check "$D/esp_sa.uat" strict || rc=1
[ "$nbad" = 0 ] || rc=1
if [ "$nbad" != 0 ]; then
	echo "$me: malformed esp_sa lines (cat -v):"
	head -n 3 "$D/esp_sa.bad" | cat -v | sed 's/^/  /'
	# diagnostic only: the same lines cut to their keys' lengths (AES-128,
	# HMAC-SHA1 as in conf/ks.xml), to show whether the keys are right
	sed -E 's/^("IPv4","\*","\*","0x[0-9a-f]{8}","AES-CBC \[RFC3602\]","0x[0-9a-f]{32}).*("HMAC-SHA-1-96 \[RFC2404\]","0x[0-9a-f]{40}).*$/\1",\2"/' \
		"$D/esp_sa.all" | grep -aE "$good" | sort -u > "$D/esp_sa.repaired"
	echo "$me: diagnostic: $(wc -l < "$D/esp_sa.repaired") lines cut to the key lengths:"
	if check "$D/esp_sa.repaired" repaired; then
		echo "$me: diagnostic: with the keys cut to length, tshark decrypts everything"
	fi
fi
if [ $rc = 0 ]; then
	echo "$me: PASS: 6 tshark decrypts the ESP of every SPI with the GMs' esp_sa lines"
	exit 0
fi
echo "$me: FAIL: 6 tshark decryption with the GMs' esp_sa lines ($nbad malformed lines)"
exit 1
