#!/bin/bash
#
# lab/bench/report.sh KV OUTDIR: the table (OUTDIR/latest.md) and the plot
# (OUTDIR/latest.png, gnuplot) of one make bench run from its key=value
# file (run.sh writes it; rerun this to re-render).  Ratios only: every
# speed or memory figure is set against a limit measured in the same run
# (gdoi-bench-limits) or against a stated target, never asserted.

if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi
set -u
export LC_ALL=C

[ $# -eq 2 ] && [ -f "$1" ] || { echo "usage: report.sh KV OUTDIR" >&2; exit 2; }
KV=$1
OUT=$2
MD=$OUT/latest.md

get() { sed -n "s|^$1=||p" "$KV" | tail -n 1; }
# num X: X if it is a number, else empty
num() { case $1 in '' | *[!0-9.e+-]*) ;; *) echo "$1" ;; esac; }
# ratio A B [FMT]: A / B, or "n/a"
ratio() {
	local a b
	a=$(num "$1") b=$(num "$2")
	if [ -z "$a" ] || [ -z "$b" ] || [ "$(awk "BEGIN { print ($b == 0) }")" = 1 ]; then
		echo "n/a"
	else
		awk "BEGIN { printf \"${3:-%.2f}\", $a / $b }"
	fi
}
fmt() { [ -n "$(num "$1")" ] && awk "BEGIN { printf \"${2:-%.0f}\", $1 }" || echo "${1:-n/a}"; }
row() { printf '| %s | %s | %s | %s |\n' "$@" >> "$MD"; }
dhname() { case $1 in ecp256) echo ECP-256 ;; modp2048) echo MODP-2048 ;; *) echo "$1" ;; esac; }

dhs=$(get bench.dh)
gms=$(get bench.gms)
largest=$(printf '%s\n' $gms | sort -n | tail -n 1)

{
	echo "# gdoi benchmarks (make bench)"
	echo
	echo "$(get bench.date), commit $(get bench.commit); $(get bench.host.cpu)," \
		"$(get bench.host.cores) cores, Linux $(get bench.host.kernel)," \
		"OpenSSL $(get bench.host.openssl); load average at start" \
		"$(get bench.host.loadavg_start), at end $(get bench.host.loadavg_end)."
	echo "Limits measured in the same run by gdoi-bench-limits" \
		"($(get limit.threads) threads, $(get limit.seconds) s each)." \
		"KS and load generator share the machine."
	echo
	echo "| metric | measured | limit / target | ratio |"
	echo "| --- | ---: | ---: | ---: |"
} > "$MD"

# (a) registration
for dh in $dhs; do
	n=$largest
	rate=$(get reg.$dh.n$n.lg.reg_rate)
	all=$(get limit.reg.$dh.all_cores_per_s)
	one=$(get limit.reg.$dh.one_core_per_s)
	row "Registration rate, $(dhname $dh), $n GMs (GMs/s; target ratio >= 0.80)" \
		"$(fmt "$rate")" "$(fmt "$all") (all cores)" "$(ratio "$rate" "$all")"
	row "Registration rate, $(dhname $dh), against one core (the KS is one thread)" \
		"$(fmt "$rate")" "$(fmt "$one") (one core)" "$(ratio "$rate" "$one")"
	cpu=$(get reg.$dh.n$n.ks_cpu_us_per_reg)
	row "KS CPU per registration, $(dhname $dh) (us; ratio = crypto share)" \
		"$(fmt "$cpu" %.1f)" "$(fmt "$(get limit.reg.$dh.one_core_us)" %.1f) (crypto only)" \
		"$(ratio "$(get limit.reg.$dh.one_core_us)" "$cpu")"
	row "Registrations failed, $(dhname $dh), $n GMs" \
		"$(get reg.$dh.n$n.lg.failed)" "0" "-"
done

# (b) unicast rekey, (d) memory
for n in $gms; do
	ios=$((5 * (1 + n / 50) * 1000))
	for dh in $dhs; do
		r=rekey.unicast.$dh.n$n
		ms=$(get $r.last_ack_ms)
		row "Unicast rekey to $n GMs ($(dhname $dh) run): start to last ACK (ms)" \
			"$(fmt "$ms")" "2000 (target)" "$(ratio "$ms" 2000)"
		row "Unicast rekey to $n GMs: same, against IOS's KEK budget 5*(1+N/50) s" \
			"$(fmt "$ms")" "$ios" "$(ratio "$ms" "$ios" %.4f)"
		row "Unicast rekey to $n GMs: retransmits / ACKs received / UDP drops KS+GMs" \
			"$(get $r.retransmits) / $(get $r.acks) / $(get $r.udp_drops_ks)+$(get $r.udp_drops_lg)" \
			"0 / $n / 0" "-"
		b=$(get mem.n$n.$dh.ks_bytes_per_gm)
		row "KS resident memory per registered GM, $n GMs, $(dhname $dh) (bytes)" \
			"$(fmt "$b")" "2048 (target)" "$(ratio "$b" 2048)"
	done
done

# (c) multicast rekey
dg=$(get rekey.mcast.datagrams)
row "Multicast rekey: signatures per rekey (one per copy: each has its own SEQ)" \
	"$(fmt "$dg")" "1 + retransmits = 3" "-"
row "Multicast rekey: octets on the wire per rekey (UDP payload, all copies)" \
	"$(fmt "$(get rekey.mcast.udp_payload_bytes)")" "-" "-"
row "Multicast rekey: command to first datagram on the wire (ms)" \
	"$(fmt "$(get rekey.mcast.first_ms)" %.1f)" "-" "-"
row "Rekey build at the KS (gdoi_push_build: sign + encrypt, us; limit = RSA sign alone)" \
	"$(fmt "$(get ks.push_build_us)" %.1f)" "$(fmt "$(get ks.rsa_sign_us)" %.1f)" \
	"$(ratio "$(get ks.rsa_sign_us)" "$(get ks.push_build_us)")"
row "Unicast rekey datagram with KEK and ACK request (octets) / ACK (octets)" \
	"$(get ks.push_bytes) / $(get ks.ack_bytes)" "-" "-"
row "ACK check at the KS (gdoi_ack_peek + gdoi_ack_verify, us)" \
	"$(fmt "$(get ks.ack_verify_us)" %.2f)" "-" "-"

# (e) GM rekey processing
open=$(get gm.push_open_us)
floor=$(awk "BEGIN { print $(get gm.rsa_verify_us) + $(get gm.push_decrypt_us) }")
row "GM rekey: gdoi_push_open (decrypt, verify, read) (us; limit = RSA verify + decrypt)" \
	"$(fmt "$open" %.1f)" "$(fmt "$floor" %.1f)" "$(ratio "$floor" "$open")"
row "GM rekey: XFRM batch build ($(get gm.xfrm_batch_msgs) requests, $(get gm.xfrm_batch_bytes) octets) (us)" \
	"$(fmt "$(get gm.xfrm_batch_us)" %.2f)" "-" "-"
row "GM rekey: ACK build (us)" "$(fmt "$(get gm.ack_build_us)" %.2f)" "-" "-"
row "GM rekey processing total (us)" "$(fmt "$(get gm.rekey_process_us)" %.1f)" \
	"$(fmt "$floor" %.1f)" "$(ratio "$floor" "$(get gm.rekey_process_us)")"

{
	echo
	echo "Ratios: measured / limit for rates and \"limit / measured\" for costs (1.00 ="
	echo "at the limit); for times and memory, measured / target (below 1 is within)."
	echo "Reproduce: \`make bench\` (as root; knobs BENCH_GMS, BENCH_DH, BENCH_SECONDS)."
} >> "$MD"

# ------------------------------------------------------------------
# The plot: registration against the limits; rekey time against GMs.
command -v gnuplot >/dev/null 2>&1 || { echo "report.sh: no gnuplot: no plot" >&2; exit 0; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
for dh in $dhs; do
	echo "$(dhname $dh) $(num "$(get reg.$dh.n$largest.lg.reg_rate)") \
$(num "$(get limit.reg.$dh.one_core_per_s)") $(num "$(get limit.reg.$dh.all_cores_per_s)")"
done > "$tmp/reg.dat"
for dh in $dhs; do
	for n in $(printf '%s\n' $gms | sort -n); do
		echo "$n $(num "$(get rekey.unicast.$dh.n$n.last_ack_ms)")"
	done > "$tmp/rekey-$dh.dat"
done
{
	echo "set terminal pngcairo size 1200,500 font 'sans,10'"
	echo "set output '$OUT/latest.png'"
	echo "set multiplot layout 1,2 title 'gdoi make bench, $(get bench.date)'"
	echo "set title 'Registration rate vs. limits (GMs/s)'"
	echo "set style data histogram; set style histogram clustered gap 1"
	echo "set style fill solid 0.8 border -1; set boxwidth 0.9; set yrange [0:*]"
	echo "set key top left; set grid ytics"
	echo "plot '$tmp/reg.dat' using 2:xtic(1) title 'measured (gdoi-ks)', \
'' using 3 title 'limit, one core', '' using 4 title 'limit, all cores'"
	echo "set style data linespoints; set title 'Unicast rekey: start to last ACK'"
	echo "set xlabel 'registered GMs'; set ylabel 'ms'; set logscale x; set xrange [*:*]"
	echo "set yrange [0:*]; set offsets 0, 0, graph 0.1, 0; set key top left"
	printf "plot 2000 title 'target 2 s' with lines dashtype 2 lw 2"
	for dh in $dhs; do
		printf ", '%s' using 1:2 title '%s' with linespoints lw 2 pt 7" "$tmp/rekey-$dh.dat" "$(dhname $dh) run"
	done
	echo
	echo "unset multiplot"
} > "$tmp/plot.gp"
gnuplot "$tmp/plot.gp" || { echo "report.sh: gnuplot failed" >&2; exit 1; }
