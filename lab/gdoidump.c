/*
 * gdoidump: decode ISAKMP / GDOI datagrams from a capture file or a live
 * interface and print every payload and attribute by name.
 *
 *   gdoidump [-x] [-v] [-c COUNT] (-r FILE | -i IFACE) [filter expression]
 *
 * Each packet is taken apart with bounded reads: link header (Ethernet with
 * VLAN tags, raw IP, BSD loopback, Linux cooked v1/v2), IPv4 or IPv6, UDP,
 * the RFC 3947 non-ESP marker on port 4500, then gdoi_msg_decode() and
 * gdoi_print_msg().  A datagram the codec refuses is reported as malformed
 * with the decoder's diagnostic, and reading goes on.
 *
 * Key material is never printed in clear: the decoder output masks it, and
 * the raw dump of -x shows the body of every Key Download payload as "**".
 *
 * Exit status: 0 when the input was read to its end (malformed packets are
 * data, not failures), 1 when the capture cannot be opened or breaks off,
 * 2 on a usage error.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/socket.h>
#include <arpa/inet.h>
#include <pcap/pcap.h>

#include "gdoi/buf.h"
#include "gdoi/err.h"
#include "gdoi/names.h"
#include "gdoi/payload.h"
#include "gdoi/print.h"

#define GD_PROG "gdoidump"
#define GD_DEFAULT_FILTER "udp port 848"
#define GD_SNAPLEN 262144
#define GD_LIVE_TIMEOUT_MS 250
#define GD_NATT_PORT 4500
#define GD_NON_ESP_MARKER 4

#define GD_ETH_HDR 14
#define GD_SLL_HDR 16
#define GD_SLL2_HDR 20
#define GD_NULL_HDR 4
#define GD_IP4_HDR 20
#define GD_IP6_HDR 40
#define GD_UDP_HDR 8

#define GD_ETHERTYPE_IPV4 0x0800
#define GD_ETHERTYPE_IPV6 0x86dd
#define GD_ETHERTYPE_VLAN 0x8100
#define GD_ETHERTYPE_QINQ 0x88a8
#define GD_ETHERTYPE_QINQ_OLD 0x9100
#define GD_MAX_VLAN_TAGS 4

#define GD_LINKTYPE_RAW 101 /* the file's linktype, should pcap not map it */

#define GD_IPPROTO_UDP 17

struct gd_opts {
	int o_hex;             /* -x */
	int o_verbose;         /* -v */
	unsigned long o_count; /* -c, 0 = no limit */
	const char *o_file;    /* -r */
	const char *o_iface;   /* -i */
	char *o_filter;        /* joined operands, or NULL for the default */
};

struct gd_stats {
	unsigned long s_packets;
	unsigned long s_decoded;
	unsigned long s_malformed;
	unsigned long s_skipped;
};

/* Where one datagram came from: addresses as text, UDP ports. */
struct gd_flow {
	char f_src[INET6_ADDRSTRLEN + 2];
	char f_dst[INET6_ADDRSTRLEN + 2];
	uint16_t f_sport;
	uint16_t f_dport;
	char f_detail[160]; /* link / IP / UDP facts for -v */
};

struct gd_ctx {
	struct gd_opts c_opts;
	struct gd_stats c_stats;
	int c_dlt;
	FILE *c_out;
};

static pcap_t *gd_pcap;                  /* for the signal handler only */
static volatile sig_atomic_t gd_stop;

static void
gd_on_signal(int sig)
{
	(void)sig;
	gd_stop = 1;
	if (gd_pcap != NULL)
		pcap_breakloop(gd_pcap);
}

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: " GD_PROG " [-x] [-v] [-c COUNT] (-r FILE | -i IFACE) [filter expression]\n"
	    "  -r FILE   read packets from a pcap or pcapng file (\"-\" = stdin)\n"
	    "  -i IFACE  capture live on an interface\n"
	    "  -c COUNT  stop after COUNT packets\n"
	    "  -x        add hex dumps (key material stays masked)\n"
	    "  -v        verbose: link, IP and UDP details, error names\n"
	    "  filter    a pcap filter expression (default: \"" GD_DEFAULT_FILTER "\")\n");
}

/* ------------------------------------------------------------------ */
/* Hex dump of the UDP payload with key material masked                */

static void
gd_dump_udp(struct gd_ctx *c, const uint8_t *udp, size_t ulen, size_t isa_off,
    const struct gdoi_msg *m)
{
	uint8_t *mask;
	size_t i, masked = 0;

	if (ulen == 0)
		return;
	mask = calloc(ulen, 1);
	if (mask == NULL) {
		fprintf(c->c_out, "  UDP payload: %zu octets (not shown: out of memory)\n", ulen);
		return;
	}
	if (isa_off <= ulen)
		gdoi_key_mask(mask + isa_off, udp + isa_off, ulen - isa_off, m);
	for (i = 0; i < ulen; i++)
		masked += mask[i] != 0;
	fprintf(c->c_out, "  UDP payload: %zu octets", ulen);
	if (masked)
		fprintf(c->c_out, " (%zu octets masked as **: possible key material)", masked);
	fputs(":\n", c->c_out);
	gdoi_print_hex_masked(c->c_out, udp, ulen, mask, 2);
	free(mask);
}

/* ------------------------------------------------------------------ */
/* Link, network and transport headers                                 */

enum gd_l3 {
	GD_L3_NONE,
	GD_L3_IPV4,
	GD_L3_IPV6,
};

static enum gd_l3
gd_l3_from_ethertype(uint16_t et)
{
	switch (et) {
	case GD_ETHERTYPE_IPV4:
		return GD_L3_IPV4;
	case GD_ETHERTYPE_IPV6:
		return GD_L3_IPV6;
	default:
		return GD_L3_NONE;
	}
}

/* BSD address families for IPv6 differ by OS; accept them all. */
static enum gd_l3
gd_l3_from_af(uint32_t af)
{
	switch (af) {
	case 2:
		return GD_L3_IPV4;
	case 10: /* Linux */
	case 24: /* NetBSD, OpenBSD */
	case 28: /* FreeBSD */
	case 30: /* Darwin */
		return GD_L3_IPV6;
	default:
		return GD_L3_NONE;
	}
}

static uint32_t
gd_swap32(uint32_t v)
{
	return (v >> 24) | ((v >> 8) & 0xff00) | ((v << 8) & 0xff0000) | (v << 24);
}

/*
 * Strip the link header.  Sets *off to the start of the network header and
 * returns its kind; GD_L3_NONE with *why set when the frame is not IP.
 */
static enum gd_l3
gd_link(int dlt, const uint8_t *p, size_t n, size_t *off, const char **why,
    char *whybuf, size_t whylen)
{
	enum gd_l3 l3;
	uint16_t et;
	uint32_t af;
	int tags;

	*off = 0;
	switch (dlt) {
	case DLT_EN10MB:
		if (n < GD_ETH_HDR) {
			*why = "short Ethernet header";
			return GD_L3_NONE;
		}
		et = gdoi_be16(p + 12);
		*off = GD_ETH_HDR;
		for (tags = 0; (et == GD_ETHERTYPE_VLAN || et == GD_ETHERTYPE_QINQ ||
		    et == GD_ETHERTYPE_QINQ_OLD) && tags < GD_MAX_VLAN_TAGS; tags++) {
			if (n - *off < 4) {
				*why = "short VLAN tag";
				return GD_L3_NONE;
			}
			et = gdoi_be16(p + *off + 2);
			*off += 4;
		}
		break;
	case DLT_LINUX_SLL:
		if (n < GD_SLL_HDR) {
			*why = "short Linux cooked header";
			return GD_L3_NONE;
		}
		et = gdoi_be16(p + 14);
		*off = GD_SLL_HDR;
		break;
#ifdef DLT_LINUX_SLL2
	case DLT_LINUX_SLL2:
		if (n < GD_SLL2_HDR) {
			*why = "short Linux cooked v2 header";
			return GD_L3_NONE;
		}
		et = gdoi_be16(p);
		*off = GD_SLL2_HDR;
		break;
#endif
	case DLT_NULL:
	case DLT_LOOP:
		if (n < GD_NULL_HDR) {
			*why = "short loopback header";
			return GD_L3_NONE;
		}
		/* DLT_NULL is in the writer's byte order, DLT_LOOP big-endian. */
		af = gdoi_be32(p);
		l3 = gd_l3_from_af(af);
		if (l3 == GD_L3_NONE)
			l3 = gd_l3_from_af(gd_swap32(af));
		*off = GD_NULL_HDR;
		if (l3 == GD_L3_NONE) {
			snprintf(whybuf, whylen, "address family 0x%08" PRIx32 " is not IP", af);
			*why = whybuf;
		}
		return l3;
	case DLT_RAW:
	case GD_LINKTYPE_RAW:
#ifdef DLT_IPV4
	case DLT_IPV4:
#endif
#ifdef DLT_IPV6
	case DLT_IPV6:
#endif
		if (n < 1) {
			*why = "empty packet";
			return GD_L3_NONE;
		}
		switch (p[0] >> 4) {
		case 4:
			return GD_L3_IPV4;
		case 6:
			return GD_L3_IPV6;
		default:
			snprintf(whybuf, whylen, "IP version %u", p[0] >> 4);
			*why = whybuf;
			return GD_L3_NONE;
		}
	default:
		*why = "unsupported link type";
		return GD_L3_NONE;
	}
	l3 = gd_l3_from_ethertype(et);
	if (l3 == GD_L3_NONE) {
		snprintf(whybuf, whylen, "ethertype 0x%04x is not IP", et);
		*why = whybuf;
	}
	return l3;
}

static int
gd_link_supported(int dlt)
{
	switch (dlt) {
	case DLT_EN10MB:
	case DLT_LINUX_SLL:
#ifdef DLT_LINUX_SLL2
	case DLT_LINUX_SLL2:
#endif
	case DLT_NULL:
	case DLT_LOOP:
	case DLT_RAW:
	case GD_LINKTYPE_RAW:
#ifdef DLT_IPV4
	case DLT_IPV4:
#endif
#ifdef DLT_IPV6
	case DLT_IPV6:
#endif
		return 1;
	default:
		return 0;
	}
}

/*
 * IPv4 or IPv6 header at p[0..n): on success returns 0 with the UDP
 * segment in *seg and *seglen (the IP payload, trimmed to the IP length so
 * link padding is dropped); otherwise -1 and *why.
 */
static int
gd_ip(enum gd_l3 l3, const uint8_t *p, size_t n, struct gd_flow *fl, const uint8_t **seg,
    size_t *seglen, const char **why, char *whybuf, size_t whylen)
{
	size_t ihl, total;
	uint16_t frag;
	uint8_t nh;

	if (l3 == GD_L3_IPV4) {
		if (n < GD_IP4_HDR || (p[0] >> 4) != 4) {
			*why = "short or bad IPv4 header";
			return -1;
		}
		ihl = (size_t)(p[0] & 0x0f) * 4;
		total = gdoi_be16(p + 2);
		if (ihl < GD_IP4_HDR || ihl > n || total < ihl || total > n) {
			snprintf(whybuf, whylen, "bad IPv4 lengths: header %zu, total %zu, "
			    "%zu captured", ihl, total, n);
			*why = whybuf;
			return -1;
		}
		inet_ntop(AF_INET, p + 12, fl->f_src, sizeof(fl->f_src));
		inet_ntop(AF_INET, p + 16, fl->f_dst, sizeof(fl->f_dst));
		frag = gdoi_be16(p + 6);
		snprintf(fl->f_detail, sizeof(fl->f_detail),
		    "IPv4 header %zu, total length %zu, id 0x%04x, ttl %u, protocol %u", ihl,
		    total, gdoi_be16(p + 4), p[8], p[9]);
		if ((frag & 0x2000) != 0 || (frag & 0x1fff) != 0) {
			snprintf(whybuf, whylen, "%s -> %s: fragment (offset %u%s), not decoded",
			    fl->f_src, fl->f_dst, (unsigned)(frag & 0x1fff) * 8,
			    (frag & 0x2000) ? ", more" : "");
			*why = whybuf;
			return -1;
		}
		if (p[9] != GD_IPPROTO_UDP) {
			snprintf(whybuf, whylen, "%s -> %s: IP protocol %u, not UDP", fl->f_src,
			    fl->f_dst, p[9]);
			*why = whybuf;
			return -1;
		}
		*seg = p + ihl;
		*seglen = total - ihl;
		return 0;
	}

	if (n < GD_IP6_HDR || (p[0] >> 4) != 6) {
		*why = "short or bad IPv6 header";
		return -1;
	}
	fl->f_src[0] = '[';
	inet_ntop(AF_INET6, p + 8, fl->f_src + 1, sizeof(fl->f_src) - 2);
	strcat(fl->f_src, "]");
	fl->f_dst[0] = '[';
	inet_ntop(AF_INET6, p + 24, fl->f_dst + 1, sizeof(fl->f_dst) - 2);
	strcat(fl->f_dst, "]");
	total = gdoi_be16(p + 4);
	nh = p[6];
	snprintf(fl->f_detail, sizeof(fl->f_detail),
	    "IPv6 payload length %zu, next header %u, hop limit %u", total, nh, p[7]);
	if (total == 0 || total > n - GD_IP6_HDR) {
		snprintf(whybuf, whylen, "%s -> %s: bad IPv6 payload length %zu (%zu captured)",
		    fl->f_src, fl->f_dst, total, n - GD_IP6_HDR);
		*why = whybuf;
		return -1;
	}
	switch (nh) {
	case GD_IPPROTO_UDP:
		break;
	case 44:
		snprintf(whybuf, whylen, "%s -> %s: fragment, not decoded", fl->f_src, fl->f_dst);
		*why = whybuf;
		return -1;
	case 0:   /* hop-by-hop */
	case 43:  /* routing */
	case 51:  /* AH */
	case 60:  /* destination options */
	case 135: /* mobility */
	case 139: /* HIP */
	case 140: /* shim6 */
		snprintf(whybuf, whylen, "%s -> %s: unsupported extension header %u, not decoded",
		    fl->f_src, fl->f_dst, nh);
		*why = whybuf;
		return -1;
	default:
		snprintf(whybuf, whylen, "%s -> %s: next header %u, not UDP", fl->f_src,
		    fl->f_dst, nh);
		*why = whybuf;
		return -1;
	}
	*seg = p + GD_IP6_HDR;
	*seglen = total;
	return 0;
}

static int
gd_udp(const uint8_t *p, size_t n, struct gd_flow *fl, const uint8_t **pay, size_t *paylen,
    const char **why, char *whybuf, size_t whylen)
{
	size_t ulen, used;

	if (n < GD_UDP_HDR) {
		snprintf(whybuf, whylen, "%s -> %s: short UDP header (%zu octets)", fl->f_src,
		    fl->f_dst, n);
		*why = whybuf;
		return -1;
	}
	fl->f_sport = gdoi_be16(p);
	fl->f_dport = gdoi_be16(p + 2);
	ulen = gdoi_be16(p + 4);
	if (ulen < GD_UDP_HDR || ulen > n) {
		snprintf(whybuf, whylen, "%s:%u -> %s:%u: bad UDP length %zu (%zu in the IP payload)",
		    fl->f_src, fl->f_sport, fl->f_dst, fl->f_dport, ulen, n);
		*why = whybuf;
		return -1;
	}
	used = strlen(fl->f_detail);
	if (used < sizeof(fl->f_detail))
		snprintf(fl->f_detail + used, sizeof(fl->f_detail) - used,
		    "; UDP length %zu, checksum 0x%04x", ulen, gdoi_be16(p + 6));
	*pay = p + GD_UDP_HDR;
	*paylen = ulen - GD_UDP_HDR;
	return 0;
}

/* ------------------------------------------------------------------ */
/* One packet                                                          */

static void
gd_prefix(struct gd_ctx *c, const struct pcap_pkthdr *h)
{
	fprintf(c->c_out, "#%lu %lld.%06ld ", c->c_stats.s_packets, (long long)h->ts.tv_sec,
	    (long)h->ts.tv_usec);
}

static void
gd_skip(struct gd_ctx *c, const struct pcap_pkthdr *h, const char *why)
{
	gd_prefix(c, h);
	fprintf(c->c_out, "%s, skipped\n\n", why);
	c->c_stats.s_skipped++;
}

static void
gd_malformed(struct gd_ctx *c, int err, const struct gdoi_diag *dg)
{
	char nbuf[64];
	const char *pname;
	int e = dg->err != 0 ? dg->err : err;

	if (dg->err == 0)
		pname = "ISAKMP header";
	else if (dg->pl_type == 0)
		pname = "ISAKMP header";
	else
		pname = gdoi_name_buf(GDOI_NS_PAYLOAD, dg->pl_type, nbuf, sizeof(nbuf));
	fprintf(c->c_out, "malformed: %s at offset %zu (payload %s): %s", gdoi_strerror(e),
	    dg->off, pname, dg->err != 0 && dg->detail[0] != '\0' ? dg->detail : "no detail");
	if (c->c_opts.o_verbose)
		fprintf(c->c_out, " [%s]", gdoi_errname(e));
	fputc('\n', c->c_out);
}

static void
gd_packet(struct gd_ctx *c, const struct pcap_pkthdr *h, const uint8_t *data)
{
	char whybuf[200];
	const char *why = NULL;
	struct gd_flow fl;
	const uint8_t *seg = NULL, *udp = NULL, *isa;
	size_t off, seglen = 0, ulen = 0, isa_off = 0, isa_len;
	struct gdoi_msg *m = NULL;
	struct gdoi_diag dg;
	enum gd_l3 l3;
	int err;

	c->c_stats.s_packets++;
	memset(&fl, 0, sizeof(fl));
	if (h->caplen < h->len) {
		snprintf(whybuf, sizeof(whybuf),
		    "truncated capture record (%u of %u octets captured), not decoded",
		    h->caplen, h->len);
		gd_skip(c, h, whybuf);
		return;
	}
	l3 = gd_link(c->c_dlt, data, h->caplen, &off, &why, whybuf, sizeof(whybuf));
	if (l3 == GD_L3_NONE) {
		gd_skip(c, h, why);
		return;
	}
	if (gd_ip(l3, data + off, h->caplen - off, &fl, &seg, &seglen, &why, whybuf,
	    sizeof(whybuf)) != 0 ||
	    gd_udp(seg, seglen, &fl, &udp, &ulen, &why, whybuf, sizeof(whybuf)) != 0) {
		gd_skip(c, h, why);
		return;
	}

	/* RFC 3947: on port 4500 IKE carries a 4-octet zero non-ESP marker. */
	if (fl.f_sport == GD_NATT_PORT || fl.f_dport == GD_NATT_PORT) {
		if (ulen == 1 && udp[0] == 0xff) {
			snprintf(whybuf, sizeof(whybuf), "%s:%u -> %s:%u: NAT-keepalive", fl.f_src,
			    fl.f_sport, fl.f_dst, fl.f_dport);
			gd_skip(c, h, whybuf);
			return;
		}
		if (ulen < GD_NON_ESP_MARKER || gdoi_be32(udp) != 0) {
			snprintf(whybuf, sizeof(whybuf), "%s:%u -> %s:%u: ESP in UDP, not ISAKMP",
			    fl.f_src, fl.f_sport, fl.f_dst, fl.f_dport);
			gd_skip(c, h, whybuf);
			return;
		}
		isa_off = GD_NON_ESP_MARKER;
	}
	isa = udp + isa_off;
	isa_len = ulen - isa_off;

	gd_prefix(c, h);
	fprintf(c->c_out, "%s:%u -> %s:%u UDP %zu octets%s\n", fl.f_src, fl.f_sport, fl.f_dst,
	    fl.f_dport, ulen, isa_off ? " (non-ESP marker)" : "");
	if (c->c_opts.o_verbose)
		fprintf(c->c_out, "  %s\n", fl.f_detail);

	memset(&dg, 0, sizeof(dg));
	err = gdoi_msg_decode(isa, isa_len, &m, &dg);
	if (err != 0 || m == NULL) {
		gd_malformed(c, err != 0 ? err : GDOI_E_INVAL, &dg);
		c->c_stats.s_malformed++;
		m = NULL;
	} else {
		gdoi_print_msg(c->c_out, m, c->c_opts.o_hex ? GDOI_PRINT_HEX : 0);
		c->c_stats.s_decoded++;
	}
	if (c->c_opts.o_hex)
		gd_dump_udp(c, udp, ulen, isa_off, m);
	gdoi_msg_free(m);
	fputc('\n', c->c_out);
}

/* ------------------------------------------------------------------ */
/* Capture setup and the read loop                                     */

static char *
gd_join(int argc, char **argv)
{
	size_t len = 1;
	char *s;
	int i;

	for (i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	if ((s = malloc(len)) == NULL)
		return NULL;
	s[0] = '\0';
	for (i = 0; i < argc; i++) {
		if (i > 0)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	return s;
}

static pcap_t *
gd_open_live(const char *iface)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_t *p;
	int rc;

	errbuf[0] = '\0';
	if ((p = pcap_create(iface, errbuf)) == NULL) {
		fprintf(stderr, GD_PROG ": %s: %s\n", iface, errbuf);
		return NULL;
	}
	(void)pcap_set_snaplen(p, GD_SNAPLEN);
	(void)pcap_set_promisc(p, 1);
	(void)pcap_set_timeout(p, GD_LIVE_TIMEOUT_MS);
	(void)pcap_set_immediate_mode(p, 1);
	(void)pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_MICRO);
	rc = pcap_activate(p);
	if (rc < 0) {
		const char *msg = pcap_geterr(p);

		const char *st = pcap_statustostr(rc);

		if (msg == NULL || msg[0] == '\0' || strcmp(msg, st) == 0)
			fprintf(stderr, GD_PROG ": %s: %s\n", iface, st);
		else
			fprintf(stderr, GD_PROG ": %s: %s: %s\n", iface, st, msg);
		pcap_close(p);
		return NULL;
	}
	if (rc > 0)
		fprintf(stderr, GD_PROG ": %s: warning: %s\n", iface, pcap_statustostr(rc));
	return p;
}

static int
gd_set_filter(pcap_t *p, const char *expr)
{
	struct bpf_program prog;

	if (pcap_compile(p, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		fprintf(stderr, GD_PROG ": bad filter \"%s\": %s\n", expr, pcap_geterr(p));
		return -1;
	}
	if (pcap_setfilter(p, &prog) != 0) {
		fprintf(stderr, GD_PROG ": cannot set filter \"%s\": %s\n", expr, pcap_geterr(p));
		pcap_freecode(&prog);
		return -1;
	}
	pcap_freecode(&prog);
	return 0;
}

static void
gd_summary(struct gd_ctx *c)
{
	fprintf(c->c_out, "%lu packets, %lu decoded, %lu malformed, %lu skipped\n",
	    c->c_stats.s_packets, c->c_stats.s_decoded, c->c_stats.s_malformed,
	    c->c_stats.s_skipped);
}

int
main(int argc, char **argv)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct gd_ctx ctx;
	struct sigaction sa;
	struct pcap_pkthdr *h;
	const u_char *data;
	const char *src, *expr, *dname;
	char *end;
	pcap_t *p;
	int ch, rc, status = 0;

	memset(&ctx, 0, sizeof(ctx));
	ctx.c_out = stdout;
	while ((ch = getopt(argc, argv, "+xvc:r:i:h")) != -1) {
		switch (ch) {
		case 'x':
			ctx.c_opts.o_hex = 1;
			break;
		case 'v':
			ctx.c_opts.o_verbose = 1;
			break;
		case 'c':
			errno = 0;
			ctx.c_opts.o_count = strtoul(optarg, &end, 10);
			if (errno != 0 || end == optarg || *end != '\0' || optarg[0] == '-' ||
			    ctx.c_opts.o_count == 0) {
				fprintf(stderr, GD_PROG ": -c needs a positive count, not \"%s\"\n",
				    optarg);
				return 2;
			}
			break;
		case 'r':
			ctx.c_opts.o_file = optarg;
			break;
		case 'i':
			ctx.c_opts.o_iface = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if ((ctx.c_opts.o_file == NULL) == (ctx.c_opts.o_iface == NULL)) {
		fprintf(stderr, GD_PROG ": give exactly one of -r FILE and -i IFACE\n");
		usage(stderr);
		return 2;
	}
	if (optind < argc) {
		ctx.c_opts.o_filter = gd_join(argc - optind, argv + optind);
		if (ctx.c_opts.o_filter == NULL) {
			fprintf(stderr, GD_PROG ": out of memory\n");
			return 1;
		}
	}
	expr = ctx.c_opts.o_filter != NULL ? ctx.c_opts.o_filter : GD_DEFAULT_FILTER;

	errbuf[0] = '\0';
	if (ctx.c_opts.o_file != NULL) {
		src = ctx.c_opts.o_file;
		p = pcap_open_offline_with_tstamp_precision(src, PCAP_TSTAMP_PRECISION_MICRO,
		    errbuf);
		if (p == NULL) {
			size_t sl = strlen(src);

			/* libpcap names the file itself in some messages. */
			if (strncmp(errbuf, src, sl) == 0 && errbuf[sl] == ':')
				fprintf(stderr, GD_PROG ": %s\n", errbuf);
			else
				fprintf(stderr, GD_PROG ": %s: %s\n", src, errbuf[0] ? errbuf :
				    "cannot open capture");
			free(ctx.c_opts.o_filter);
			return 1;
		}
	} else {
		src = ctx.c_opts.o_iface;
		if ((p = gd_open_live(src)) == NULL) {
			free(ctx.c_opts.o_filter);
			return 1;
		}
		setvbuf(stdout, NULL, _IOLBF, 0);
	}

	ctx.c_dlt = pcap_datalink(p);
	dname = pcap_datalink_val_to_name(ctx.c_dlt);
	if (!gd_link_supported(ctx.c_dlt)) {
		fprintf(stderr, GD_PROG ": %s: unsupported link type %s (%d)\n", src,
		    dname != NULL ? dname : "unknown", ctx.c_dlt);
		pcap_close(p);
		free(ctx.c_opts.o_filter);
		return 1;
	}
	if (gd_set_filter(p, expr) != 0) {
		pcap_close(p);
		free(ctx.c_opts.o_filter);
		return 2;
	}
	if (ctx.c_opts.o_verbose)
		fprintf(ctx.c_out, "%s %s, link-type %s (%d), snapshot length %d, filter \"%s\"\n\n",
		    ctx.c_opts.o_file != NULL ? "reading from file" : "listening on", src,
		    dname != NULL ? dname : "unknown", ctx.c_dlt, pcap_snapshot(p), expr);

	gd_pcap = p;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = gd_on_signal;
	sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGINT, &sa, NULL);
	(void)sigaction(SIGTERM, &sa, NULL);

	while (!gd_stop) {
		if (ctx.c_opts.o_count != 0 && ctx.c_stats.s_packets >= ctx.c_opts.o_count)
			break;
		rc = pcap_next_ex(p, &h, &data);
		if (rc == 1) {
			gd_packet(&ctx, h, data);
			continue;
		}
		if (rc == 0)
			continue; /* live capture: timeout */
		if (rc == PCAP_ERROR_BREAK)
			break;    /* end of file, or stopped by a signal */
		/* PCAP_ERROR: the file breaks off or is damaged mid-way. */
		fflush(ctx.c_out);
		gd_summary(&ctx);
		fflush(ctx.c_out);
		if (ctx.c_opts.o_file != NULL) {
			const char *msg = pcap_geterr(p);

			fprintf(stderr, GD_PROG ": %s: %s capture: %s (after %lu packets)\n", src,
			    msg != NULL && strstr(msg, "truncated") != NULL ? "truncated" :
			    "damaged", msg != NULL ? msg : "read error", ctx.c_stats.s_packets);
		} else
			fprintf(stderr, GD_PROG ": %s: capture failed: %s\n", src, pcap_geterr(p));
		status = 1;
		goto out;
	}
	gd_summary(&ctx);
out:
	gd_pcap = NULL;
	pcap_close(p);
	free(ctx.c_opts.o_filter);
	if (fflush(ctx.c_out) != 0 || ferror(ctx.c_out)) {
		fprintf(stderr, GD_PROG ": write error on standard output: %s\n", strerror(errno));
		return 1;
	}
	return status;
}
