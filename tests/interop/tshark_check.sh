#!/bin/bash
#
# tshark_check.sh: check libgdoi's encoder against an independent decoder.
#
# gdoi-mkpcap (lab/mkpcap.c) writes one message of every kind we build
# (lab/samples.c) into a pcap, and a manifest of the values the messages
# were built from.  tshark (Wireshark's ISAKMP dissector) decodes the pcap.
# This script asserts that tshark finds nothing malformed and raises no
# expert warning or error, and that every field tshark extracts equals the
# manifest.  Each comparison is printed as OK or FAIL with both values.
#
# Environment:
#   GDOI_MKPCAP  path of gdoi-mkpcap (set by "make check"; else PATH is searched)
#   TSHARK       tshark binary (default: tshark from PATH)
#   V=1          print long values in full on OK lines too
#
# Wireshark 4.0 limits, worked around by comparing numbers and raw bytes:
#   - exchanges 32/33 are named "Quick Mode"/"New Group Mode": the numbers
#     are compared;
#   - SA KEK attributes are decoded with the IPsec-DOI table, so their names
#     are wrong: type, form and raw value are compared;
#   - every Key Download attribute is named with the TEK names: type, form,
#     length and raw value are compared;
#   - GAP is not dissected: at top level its body is compared as raw bytes,
#     nested in an SA only the pointer to it and the SA length are checked.
#
# Exit status: 0 when every comparison holds, 1 otherwise.  The check is
# never skipped (no exit 77): a machine without tshark fails it.

# Bash is required; re-run under it when started as "sh tshark_check.sh".
if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi

set -u
export LC_ALL=C

me=tshark_check
TSHARK=${TSHARK:-tshark}

die() {
	echo "$me: $*" >&2
	echo "FAIL $me: $*"
	exit 1
}

if ! command -v "$TSHARK" >/dev/null 2>&1; then
	die "tshark not found ('$TSHARK'): install the tshark package; this check cannot run without it"
fi
mkpcap=${GDOI_MKPCAP:-}
if [ -z "$mkpcap" ]; then
	mkpcap=$(command -v gdoi-mkpcap 2>/dev/null) || mkpcap=
fi
if [ -z "$mkpcap" ] || [ ! -x "$mkpcap" ]; then
	die "GDOI_MKPCAP must name the gdoi-mkpcap program (got '${GDOI_MKPCAP:-}')"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/gdoi-tshark.XXXXXX") || die "mktemp -d failed"
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM
pcap=$tmp/samples.pcap
man=$tmp/manifest.txt
# A private, empty configuration: no personal preferences or decode-as.
export WIRESHARK_CONFIG_DIR=$tmp/wsconf
mkdir "$WIRESHARK_CONFIG_DIR" || die "cannot create $WIRESHARK_CONFIG_DIR"

"$mkpcap" -w "$pcap" -m "$man" || die "$mkpcap failed"

echo "$me: $("$TSHARK" -v 2>/dev/null | head -n 1)"
echo "$me: samples from $mkpcap"

ts() {
	"$TSHARK" -n -r "$pcap" -d udp.port==848,isakmp \
	    -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE "$@"
}

ok=0
bad=0

# short VALUE: sets SHORT to VALUE, abbreviated when long (unless V=1)
short() {
	if [ -z "$1" ]; then
		SHORT='(empty)'
	elif [ ${#1} -gt 72 ] && [ -z "${V:-}" ]; then
		SHORT="${1:0:64}... (${#1} chars)"
	else
		SHORT=$1
	fi
}

# chk LABEL EXPECTED ACTUAL
chk() {
	if [ "$2" = "$3" ]; then
		ok=$((ok + 1))
		short "$2"
		printf 'OK   %s: %s\n' "$1" "$SHORT"
	else
		bad=$((bad + 1))
		printf "FAIL %s: expected '%s', tshark '%s'\n" "$1" "$2" "$3"
	fi
}

info() {
	printf 'INFO %s\n' "$*"
}

# ---------------------------------------------------------------------
# 1. Nothing malformed, no expert warnings or errors

ts -V >"$tmp/verbose.txt" 2>"$tmp/verbose.err" ||
	die "tshark -V failed: $(grep -v 'Running as user' "$tmp/verbose.err" | head -n 5)"
n=$(grep -c 'Malformed' "$tmp/verbose.txt")
chk "tshark -V: lines mentioning Malformed" 0 "$n"
n=$(grep -cE '\[Expert Info \((Error|Warning)/' "$tmp/verbose.txt")
chk "tshark -V: expert items of severity Warning or Error" 0 "$n"
if [ "$bad" -gt 0 ]; then
	grep -nE 'Malformed|\[Expert Info \((Error|Warning)/' "$tmp/verbose.txt" | head -n 20
fi

ts -q -z expert,warn >"$tmp/expert.txt" 2>"$tmp/expert.err" ||
	die "tshark -z expert failed: $(grep -v 'Running as user' "$tmp/expert.err" | head -n 5)"
n=$(grep -cE '^(Errors|Warns) \(' "$tmp/expert.txt")
chk "tshark -z expert,warn: groups of errors or warnings" 0 "$n"
[ "$n" = 0 ] || cat "$tmp/expert.txt"
ts -q -z expert >"$tmp/expert_all.txt" 2>/dev/null || true
n=$(grep -cE '^(Notes|Chats) \(' "$tmp/expert_all.txt")
[ "$n" = 0 ] || info "tshark reports notes or chats (not failures): $(grep -E '^(Notes|Chats) \(' "$tmp/expert_all.txt" | tr '\n' ' ')"

# ---------------------------------------------------------------------
# 2. Field values against the manifest

fields=(
	frame.number _ws.expert.severity _ws.malformed
	ip.checksum.status udp.checksum.status udp.srcport udp.dstport udp.length
	isakmp.ispi isakmp.rspi isakmp.version isakmp.exchangetype isakmp.flags
	isakmp.messageid isakmp.length isakmp.nextpayload isakmp.typepayload
	isakmp.payloadlength isakmp.reserved
	isakmp.sa.doi isakmp.sa.situation isakmp.sa.next_attribute_payload
	isakmp.prop.number isakmp.prop.protoid isakmp.spisize isakmp.spi
	isakmp.prop.transforms isakmp.trans.number isakmp.trans.id
	isakmp.ike.attr.type isakmp.ike.attr.format isakmp.ike.attr.value
	isakmp.ike.attr.encryption_algorithm isakmp.ike.attr.key_length
	isakmp.ike.attr.hash_algorithm isakmp.ike.attr.authentication_method
	isakmp.ike.attr.group_description isakmp.ike.attr.life_type
	isakmp.ike.attr.life_duration
	isakmp.vid_bytes isakmp.key_exchange.data isakmp.nonce isakmp.hash isakmp.sig
	isakmp.id.type isakmp.id.protoid isakmp.id.port isakmp.id.data.key_id
	isakmp.sak.nextpayload isakmp.sak.protoid
	isakmp.sak.src_id_type isakmp.sak.src_id_port isakmp.sak.src_id_length isakmp.sak.src_id_data
	isakmp.sak.dst_id_type isakmp.sak.dst_id_port isakmp.sak.dst_id_length isakmp.sak.dst_id_data
	isakmp.sak.spi
	isakmp.sat.nextpayload isakmp.sat.protocol_id isakmp.sat.protocol
	isakmp.sat.src_id_type isakmp.sat.src_id_port isakmp.sat.src_id_length isakmp.sat.src_id_data
	isakmp.sat.dst_id_type isakmp.sat.dst_id_port isakmp.sat.dst_id_length isakmp.sat.dst_id_data
	isakmp.sat.transform_id isakmp.sat.spi
	isakmp.ipsec.attr.type isakmp.ipsec.attr.format isakmp.ipsec.attr.value
	isakmp.ipsec.attr.life_type isakmp.ipsec.attr.life_duration
	isakmp.ipsec.attr.group_description isakmp.ipsec.attr.encap_mode
	isakmp.ipsec.attr.auth_algorithm isakmp.ipsec.attr.key_length
	isakmp.ipsec.attr.key_rounds isakmp.ipsec.attr.addr_preservation
	isakmp.ipsec.attr.sa_direction
	isakmp.seq.seq
	isakmp.kd.num_pkt isakmp.kd.payload.type isakmp.kd.payload.length
	isakmp.kd.payload.spi_size isakmp.kd.payload.spi
	isakmp.key_download.attr.type isakmp.key_download.attr.format
	isakmp.key_download.attr.length isakmp.key_download.attr.value
	isakmp.datapayload
	isakmp.notify.doi isakmp.notify.protoid isakmp.notify.msgtype isakmp.notify.data
	isakmp.delete.doi isakmp.delete.protoid isakmp.spinum isakmp.delete.spi
)
eargs=()
for f in "${fields[@]}"; do
	eargs+=(-e "$f")
done
ts -T fields -E separator='|' -E occurrence=a -E aggregator=, "${eargs[@]}" \
    >"$tmp/fields.txt" 2>"$tmp/fields.err" ||
	die "tshark -T fields failed: $(grep -v 'Running as user' "$tmp/fields.err" | head -n 5)"

declare -A T M
nframes=0
while IFS='|' read -r -a row; do
	[ -n "${row[0]:-}" ] || continue
	nframes=$((nframes + 1))
	for i in "${!fields[@]}"; do
		T["${row[0]}|${fields[$i]}"]=${row[$i]:-}
	done
done <"$tmp/fields.txt"

while IFS= read -r line; do
	case $line in
	*=*) M["${line%%=*}"]=${line#*=} ;;
	esac
done <"$man"

cur=
fr=
# has KEY: the manifest has <sample>.KEY
has() { [ -n "${M[$cur.$1]+x}" ]; }
# c LABEL MANIFEST-KEY FIELD: compare a manifest value with a tshark field
c() { chk "$cur $1" "${M[$cur.$2]-}" "${T[$fr|$3]-}"; }

# List helpers; lists are comma-separated.
lst_count() { # LIST VALUE
	local n=0 x a
	IFS=, read -r -a a <<<"$1"
	for x in "${a[@]}"; do
		[ "$x" = "$2" ] && n=$((n + 1))
	done
	echo "$n"
}
lst_join() { # LIST... (empty lists are skipped)
	local out='' x
	for x in "$@"; do
		[ -n "$x" ] || continue
		out=${out:+$out,}$x
	done
	printf '%s' "$out"
}
lst_hexlen() { # LIST of hex strings -> LIST of octet counts
	local out='' x a
	IFS=, read -r -a a <<<"$1"
	for x in "${a[@]}"; do
		out=${out:+$out,}$((${#x} / 2))
	done
	printf '%s' "$out"
}
hex2dec() { # "0x0f" or "000f" -> 15
	local h=${1#0x}
	[ -n "$h" ] || return 0
	printf '%d' "$((16#$h))"
}

for k in samples.count samples.names; do
	[ -n "${M[$k]+x}" ] || die "manifest has no $k"
done
chk "number of frames" "${M[samples.count]}" "$nframes"
IFS=, read -r -a names <<<"${M[samples.names]}"

for cur in "${names[@]}"; do
	echo "---- $cur"
	if has error; then
		chk "$cur encodes" "" "${M[$cur.error]-}"
		continue
	fi
	fr=${M[$cur.frame]-}

	# framing
	n=0
	IFS=, read -r -a a <<<"${T[$fr|_ws.expert.severity]-}"
	for x in "${a[@]}"; do
		[ -n "$x" ] && [ "$x" -ge $((0x600000)) ] && n=$((n + 1))
	done
	chk "$cur expert items of severity Warning or Error" 0 "$n"
	x=${T[$fr|_ws.malformed]-}
	chk "$cur malformed items" none "${x:-none}"
	chk "$cur IPv4 header checksum status (1 = good)" 1 "${T[$fr|ip.checksum.status]-}"
	chk "$cur UDP checksum status (1 = good)" 1 "${T[$fr|udp.checksum.status]-}"
	chk "$cur UDP ports" "848,848" "${T[$fr|udp.srcport]-},${T[$fr|udp.dstport]-}"
	chk "$cur UDP payload length" "${M[$cur.length]-}" "$((${T[$fr|udp.length]-} - 8))"

	# ISAKMP header
	c "I-cookie" icookie isakmp.ispi
	c "R-cookie" rcookie isakmp.rspi
	chk "$cur version" 0x10 "${T[$fr|isakmp.version]-}"
	c "exchange type" exchange isakmp.exchangetype
	chk "$cur flags" "${M[$cur.flags]-}" "$(hex2dec "${T[$fr|isakmp.flags]-}")"
	x=${T[$fr|isakmp.messageid]-}
	chk "$cur message id" "${M[$cur.msgid]-}" "${x#0x}"
	c "ISAKMP length" length isakmp.length
	x=${T[$fr|isakmp.nextpayload]-}
	chk "$cur header next payload" "${M[$cur.np]-}" "${x%%,*}"

	# Top-level chain: tshark's payload type list also holds Proposal (2),
	# Transform (3) and SA TEK (16); its payload length list holds the
	# lengths of all but the SA TEKs.  Pair them and keep the top level.
	IFS=, read -r -a ty <<<"${T[$fr|isakmp.typepayload]-}"
	IFS=, read -r -a ln <<<"${T[$fr|isakmp.payloadlength]-}"
	pty=()
	for x in "${ty[@]}"; do
		[ "$x" = 16 ] || pty+=("$x")
	done
	if [ ${#pty[@]} -ne ${#ln[@]} ]; then
		chk "$cur payload types pair with payload lengths" "${#pty[@]} lengths" "${#ln[@]} lengths"
	else
		top=
		sum=28
		for i in "${!pty[@]}"; do
			case ${pty[$i]} in
			2 | 3) ;;
			*)
				top=${top:+$top,}${pty[$i]}
				sum=$((sum + ln[i]))
				;;
			esac
		done
		chk "$cur top-level payload types" "${M[$cur.payloads]-}" "$top"
		chk "$cur header length = 28 + top-level payload lengths" "${M[$cur.length]-}" "$sum"
	fi

	# SA, either layout
	if has sa.doi; then
		c "SA DOI" sa.doi isakmp.sa.doi
		x=${T[$fr|isakmp.sa.situation]-}
		chk "$cur SA situation" "${M[$cur.sa.situation]-}" "$(hex2dec "$x")"
	fi

	# Phase 1 SA: proposal, transforms, IKE attributes
	if has prop.num; then
		c "proposal numbers" prop.num isakmp.prop.number
		c "proposal protocol ids" prop.proto isakmp.prop.protoid
		c "proposal SPI sizes" prop.spi_size isakmp.spisize
		x=${M[$cur.prop.spi]-}
		if [ -n "${x//,/}" ]; then
			c "proposal SPIs" prop.spi isakmp.spi
		fi
		c "proposal # of transforms" prop.ntrans isakmp.prop.transforms
		IFS=, read -r -a a <<<"${M[$cur.prop.num]-}"
		chk "$cur Proposal payloads dissected" "${#a[@]}" \
		    "$(lst_count "${T[$fr|isakmp.typepayload]-}" 2)"
		IFS=, read -r -a a <<<"${M[$cur.trans.num]-}"
		chk "$cur Transform payloads dissected" "${#a[@]}" \
		    "$(lst_count "${T[$fr|isakmp.typepayload]-}" 3)"
		c "transform numbers" trans.num isakmp.trans.number
		c "transform ids" trans.id isakmp.trans.id
		c "IKE attribute types" ike.attr.types isakmp.ike.attr.type
		c "IKE attribute forms (1 = TV)" ike.attr.tv isakmp.ike.attr.format
		c "IKE attribute raw values" ike.attr.raw isakmp.ike.attr.value
		for kf in enc:encryption_algorithm key_length:key_length hash:hash_algorithm \
		    auth:authentication_method group:group_description life_type:life_type \
		    life_duration:life_duration; do
			has "ike.${kf%%:*}" || continue
			c "IKE ${kf#*:}" "ike.${kf%%:*}" "isakmp.ike.attr.${kf#*:}"
		done
	fi

	# GDOI SA: SA KEK, SA TEKs, GAP
	if has sa.items; then
		IFS=, read -r -a it <<<"${M[$cur.sa.items]-}"
		chk "$cur SA Attribute Next Payload" "${it[0]}" \
		    "$(hex2dec "${T[$fr|isakmp.sa.next_attribute_payload]-}")"
		sak_np=
		sat_np=
		gap_in_sa=0
		for i in "${!it[@]}"; do
			nx=${it[$((i + 1))]:-0}
			case ${it[$i]} in
			15) sak_np=$(lst_join "$sak_np" "$nx") ;;
			16) sat_np=$(lst_join "$sat_np" "$nx") ;;
			22) gap_in_sa=1 ;;
			esac
		done
		if has sak.spi; then
			chk "$cur SA KEK next payload" "$sak_np" "${T[$fr|isakmp.sak.nextpayload]-}"
			c "SA KEK protocol" sak.proto isakmp.sak.protoid
			for e in src dst; do
				c "SA KEK $e ID type" "sak.$e.type" "isakmp.sak.${e}_id_type"
				c "SA KEK $e ID port" "sak.$e.port" "isakmp.sak.${e}_id_port"
				chk "$cur SA KEK $e ID data length" "$(lst_hexlen "${M[$cur.sak.$e.data]-}")" \
				    "${T[$fr|isakmp.sak.${e}_id_length]-}"
				c "SA KEK $e ID data" "sak.$e.data" "isakmp.sak.${e}_id_data"
			done
			c "SA KEK SPI" sak.spi isakmp.sak.spi
			# The 4 octets after the SPI are the only 4-octet Reserved item.
			rsv=
			IFS=, read -r -a a <<<"${T[$fr|isakmp.reserved]-}"
			for x in "${a[@]}"; do
				[ ${#x} = 8 ] && rsv=$(lst_join "$rsv" "$x")
			done
			chk "$cur SA KEK reserved (RFC 3547 POP fields)" "${M[$cur.sak.reserved]-}" "$rsv"
		fi
		nsat=$(lst_count "${M[$cur.sa.items]-}" 16)
		chk "$cur SA TEK payloads dissected" "$nsat" "$(lst_count "${T[$fr|isakmp.typepayload]-}" 16)"
		if [ "$nsat" -gt 0 ]; then
			chk "$cur SA TEK next payloads" "$sat_np" "${T[$fr|isakmp.sat.nextpayload]-}"
			c "SA TEK protocol ids" sat.proto_id isakmp.sat.protocol_id
			c "SA TEK IP protocols" sat.ip_proto isakmp.sat.protocol
			for e in src dst; do
				c "SA TEK $e ID types" "sat.$e.type" "isakmp.sat.${e}_id_type"
				c "SA TEK $e ID ports" "sat.$e.port" "isakmp.sat.${e}_id_port"
				chk "$cur SA TEK $e ID data lengths" "$(lst_hexlen "${M[$cur.sat.$e.data]-}")" \
				    "${T[$fr|isakmp.sat.${e}_id_length]-}"
				c "SA TEK $e ID data" "sat.$e.data" "isakmp.sat.${e}_id_data"
			done
			c "SA TEK transform ids" sat.transform isakmp.sat.transform_id
			c "SA TEK SPIs" sat.spi isakmp.sat.spi
		fi
		# tshark decodes SA KEK and SA TEK attributes with one IPsec table,
		# in wire order: SA KEK first (it is the first item), then the TEKs.
		at=$(lst_join "${M[$cur.sak.attr.types]-}" "${M[$cur.sat.attr.types]-}")
		av=$(lst_join "${M[$cur.sak.attr.raw]-}" "${M[$cur.sat.attr.raw]-}")
		af=$(lst_join "${M[$cur.sak.attr.tv]-}" "${M[$cur.sat.attr.tv]-}")
		if [ -n "$at" ]; then
			lbl="SA KEK+TEK attribute"
			chk "$cur $lbl types" "$at" "${T[$fr|isakmp.ipsec.attr.type]-}"
			chk "$cur $lbl forms (1 = TV)" "$af" "${T[$fr|isakmp.ipsec.attr.format]-}"
			chk "$cur $lbl raw values" "$av" "${T[$fr|isakmp.ipsec.attr.value]-}"
			# tshark's per-type value fields, as numbers (for SA KEK
			# attributes these carry IPsec names, so only numbers count)
			IFS=, read -r -a ta <<<"$at"
			IFS=, read -r -a va <<<"$av"
			for tf in 1:life_type 2:life_duration 3:group_description 4:encap_mode \
			    5:auth_algorithm 6:key_length 7:key_rounds 14:addr_preservation \
			    15:sa_direction; do
				want=
				for i in "${!ta[@]}"; do
					[ "${ta[$i]}" = "${tf%%:*}" ] || continue
					want=$(lst_join "$want" "$(hex2dec "${va[$i]}")")
				done
				[ -n "$want" ] || continue
				chk "$cur IPsec-table value of attribute type ${tf%%:*} (isakmp.ipsec.attr.${tf#*:})" \
				    "$want" "${T[$fr|isakmp.ipsec.attr.${tf#*:}]-}"
			done
		fi
		if [ "$gap_in_sa" = 1 ]; then
			info "$cur GAP nested in the SA: not dissected by tshark 4.0; the SA TEK next-payload pointer to it and the SA length (framing) are checked above"
		fi
	fi

	# Top-level GAP: tshark shows the body as raw bytes; rebuild them
	# from the manifest (TV: AF|type, value; TLV: type, length, value).
	if [ "$(lst_count "${M[$cur.payloads]-}" 22)" -gt 0 ]; then
		IFS=, read -r -a gt <<<"${M[$cur.gap.attr.types]-}"
		IFS=, read -r -a gv <<<"${M[$cur.gap.attr.raw]-}"
		IFS=, read -r -a gf <<<"${M[$cur.gap.attr.tv]-}"
		want=
		for i in "${!gt[@]}"; do
			if [ "${gf[$i]}" = 1 ]; then
				want=$want$(printf '%04x' $((0x8000 | gt[i])))${gv[$i]}
			else
				want=$want$(printf '%04x%04x' "${gt[$i]}" $((${#gv[$i]} / 2)))${gv[$i]}
			fi
		done
		chk "$cur GAP body (raw attributes)" "$want" "${T[$fr|isakmp.datapayload]-}"
	fi

	# Opaque payloads
	for kf in vid:isakmp.vid_bytes ke:isakmp.key_exchange.data nonce:isakmp.nonce \
	    hash:isakmp.hash sig:isakmp.sig; do
		k=${kf%%:*}
		has "$k" || continue
		x=${T[$fr|${kf#*:}]-}
		chk "$cur ${k^^} data" "${M[$cur.$k]-}" "$x"
		chk "$cur ${k^^} length" "${M[$cur.$k.len]-}" "$((${#x} / 2))"
	done

	# Identification
	if has id.type; then
		c "ID type" id.type isakmp.id.type
		c "ID protocol" id.proto isakmp.id.protoid
		c "ID port" id.port isakmp.id.port
		if [ "${M[$cur.id.type]-}" = 11 ]; then
			x=${T[$fr|isakmp.id.data.key_id]-}
			chk "$cur ID_KEY_ID data" "${M[$cur.id.data]-}" "$x"
			has id.group && chk "$cur group number (big-endian KEY_ID)" "${M[$cur.id.group]-}" "$(hex2dec "$x")"
		fi
	fi

	has seq && c "SEQ" seq isakmp.seq.seq

	# Key Download
	if has kd.count; then
		c "KD number of key packets" kd.count isakmp.kd.num_pkt
		c "KD key packet types" kd.types isakmp.kd.payload.type
		c "KD key packet lengths (whole key packet)" kd.lengths isakmp.kd.payload.length
		c "KD SPI sizes" kd.spi_sizes isakmp.kd.payload.spi_size
		c "KD SPIs" kd.spis isakmp.kd.payload.spi
		c "KD attribute types" kd.attr.types isakmp.key_download.attr.type
		c "KD attribute forms (1 = TV)" kd.attr.tv isakmp.key_download.attr.format
		# tshark shows a Length only for TLV attributes
		IFS=, read -r -a ka <<<"${M[$cur.kd.attr.lens]-}"
		IFS=, read -r -a kform <<<"${M[$cur.kd.attr.tv]-}"
		want=
		for i in "${!ka[@]}"; do
			[ "${kform[$i]}" = 1 ] || want=$(lst_join "$want" "${ka[$i]}")
		done
		chk "$cur KD TLV attribute lengths" "$want" "${T[$fr|isakmp.key_download.attr.length]-}"
		c "KD attribute raw values" kd.attr.raw isakmp.key_download.attr.value
		# One line per key, against the named manifest values.  tshark
		# names every one of them with the TEK table.
		IFS=, read -r -a kt <<<"${M[$cur.kd.types]-}"
		IFS=, read -r -a kn <<<"${M[$cur.kd.nattrs]-}"
		IFS=, read -r -a kat <<<"${M[$cur.kd.attr.types]-}"
		IFS=, read -r -a tv <<<"${T[$fr|isakmp.key_download.attr.value]-}"
		declare -A occ=()
		idx=0
		for p in "${!kt[@]}"; do
			case ${kt[$p]} in
			1) pn=tek names_=(x alg_key integrity_key source_auth_key) ;;
			2) pn=kek names_=(x alg_key sig_key) ;;
			4) pn=sid names_=(x bits value) ;;
			*) pn=other names_=(x) ;;
			esac
			o=${occ[$pn]:-0}
			occ[$pn]=$((o + 1))
			for ((j = 0; j < ${kn[$p]:-0}; j++, idx++)); do
				ty_=${kat[$idx]}
				nm=${names_[$ty_]:-attr$ty_}
				key=kd.$pn.$nm
				has "$key" || continue
				IFS=, read -r -a ev <<<"${M[$cur.$key]-}"
				want=${ev[$o]:-}
				got=${tv[$idx]:-}
				[ "${kform[$idx]}" = 1 ] && got=$(hex2dec "$got")
				chk "$cur KD key packet $((p + 1)) ${pn^^} $nm (type $ty_)" "$want" "$got"
			done
		done
		unset occ
	fi

	# Notify
	if has notify.type; then
		c "Notify DOI" notify.doi isakmp.notify.doi
		c "Notify protocol" notify.proto isakmp.notify.protoid
		c "Notify message type" notify.type isakmp.notify.msgtype
		c "Notify SPI size" notify.spi_size isakmp.spisize
		c "Notify SPI" notify.spi isakmp.spi
		x=${T[$fr|isakmp.notify.data]-}
		[ "$x" = "<MISSING>" ] && x= # tshark's text for zero octets
		chk "$cur Notify data" "${M[$cur.notify.data]-}" "$x"
	fi

	# Delete
	if has delete.doi; then
		c "Delete DOI" delete.doi isakmp.delete.doi
		c "Delete protocol" delete.proto isakmp.delete.protoid
		c "Delete SPI size" delete.spi_size isakmp.spisize
		c "Delete # of SPIs" delete.nspi isakmp.spinum
		c "Delete SPIs" delete.spis isakmp.delete.spi
	fi
done

echo "----"
echo "$me: $((ok + bad)) comparisons, $ok OK, $bad FAIL"
[ "$bad" -eq 0 ]
