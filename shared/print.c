/*
 * Human-readable printing of decoded ISAKMP / IKEv1 / GDOI messages
 * (print.h).
 *
 * Everything printed here comes from the decoded structs of payload.h: no
 * packet byte is reinterpreted.  Numbers are named from the tables of
 * wire.h through names.h, unknown numbers print as "Unknown (N)".
 *
 * Key material is never printed.  Inside a Key Download payload every
 * attribute is treated as secret unless it is known to be public (the KS
 * signature public key, the SID attributes); a secret prints as
 * "<N octets of key material>", and the raw dump of a KD payload
 * (GDOI_PRINT_HEX) shows its bytes as "**".
 *
 * Layout: two spaces per indentation level, plain ASCII.
 */
#include <sys/socket.h>
#include <arpa/inet.h>

#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gdoi/names.h"
#include "gdoi/print.h"

#define PR_INDENT_WIDTH 2
#define PR_INDENT_MAX 32    /* deeper levels print at this depth */
#define PR_INLINE_HEX 32    /* longer blobs get a hex dump block instead */
#define PR_DUMP_WIDTH 16

/* Room for "<longest table name> (4294967295)". */
struct pr_name {
	char s[96];
};

static void pr_line(FILE *, int, const char *, ...)
    __attribute__((format(printf, 3, 4)));

static void
pr_indent(FILE *f, int lvl)
{
	if (lvl < 0)
		lvl = 0;
	if (lvl > PR_INDENT_MAX)
		lvl = PR_INDENT_MAX;
	fprintf(f, "%*s", lvl * PR_INDENT_WIDTH, "");
}

/* One indented line; the format supplies no newline. */
static void
pr_line(FILE *f, int lvl, const char *fmt, ...)
{
	va_list ap;

	pr_indent(f, lvl);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
}

/* "Name (v)" for a known number, "Unknown (v)" otherwise. */
static const char *
pr_named(enum gdoi_ns ns, unsigned v, struct pr_name *b)
{
	const char *s = NULL;

	if ((unsigned)ns < (unsigned)GDOI_NS__COUNT)
		s = gdoi_name(ns, v);
	if (s != NULL)
		snprintf(b->s, sizeof(b->s), "%s (%u)", s, v);
	else if ((unsigned)ns < (unsigned)GDOI_NS__COUNT)
		gdoi_name_buf(ns, v, b->s, sizeof(b->s));
	else
		snprintf(b->s, sizeof(b->s), "Unknown (%u)", v);
	return b->s;
}

/* The bare name ("Unknown (v)" when it has none): attribute types. */
static const char *
pr_bare(enum gdoi_ns ns, unsigned v, struct pr_name *b)
{
	if ((unsigned)ns < (unsigned)GDOI_NS__COUNT)
		return gdoi_name_buf(ns, v, b->s, sizeof(b->s));
	snprintf(b->s, sizeof(b->s), "Unknown (%u)", v);
	return b->s;
}

static void
pr_hex_inline(FILE *f, const uint8_t *p, size_t n, int upper)
{
	size_t i;

	for (i = 0; i < n; i++)
		fprintf(f, upper ? "%02X" : "%02x", p[i]);
}

/*
 * The hex dump behind gdoi_print_hex: offset, 16 octets in two groups of 8,
 * ASCII column.  Octets whose mask byte is non-zero print as "**" / '*'.
 */
static void
pr_dump(FILE *f, const uint8_t *p, size_t n, int lvl, const uint8_t *mask)
{
	size_t off, i;

	for (off = 0; off < n; off += PR_DUMP_WIDTH) {
		size_t row = n - off < PR_DUMP_WIDTH ? n - off : PR_DUMP_WIDTH;

		pr_indent(f, lvl);
		fprintf(f, "%04zx ", off);
		for (i = 0; i < PR_DUMP_WIDTH; i++) {
			if (i == PR_DUMP_WIDTH / 2)
				fputc(' ', f);
			if (i >= row)
				fputs("   ", f);
			else if (mask != NULL && mask[off + i])
				fputs(" **", f);
			else
				fprintf(f, " %02x", p[off + i]);
		}
		fputs("  |", f);
		for (i = 0; i < row; i++) {
			uint8_t c = p[off + i];

			if (mask != NULL && mask[off + i])
				fputc('*', f);
			else
				fputc(c >= 0x20 && c < 0x7f ? (int)c : '.', f);
		}
		fputs("|\n", f);
	}
}

void
gdoi_print_hex(FILE *f, const uint8_t *p, size_t n, int indent)
{
	if (f == NULL || p == NULL || n == 0)
		return;
	pr_dump(f, p, n, indent, NULL);
}

void
gdoi_print_hex_masked(FILE *f, const uint8_t *p, size_t n, const uint8_t *mask, int indent)
{
	if (f == NULL || p == NULL || n == 0)
		return;
	pr_dump(f, p, n, indent, mask);
}

static void
pr_mask_range(uint8_t *mask, size_t n, size_t from, size_t to)
{
	if (to > n)
		to = n;
	if (from < to)
		memset(mask + from, 1, to - from);
}

/* Exchanges that never carry a Key Download (Phase 1 and Informational). */
static int
pr_exchange_without_kd(uint8_t ex)
{
	return ex >= ISAKMP_EX_BASE && ex <= ISAKMP_EX_INFO;
}

/*
 * Which octets of a datagram are key material (see print.h): the body of
 * every Key Download payload.  With a decoded message the payloads are
 * known; without one (malformed), the generic payload headers are walked,
 * and when the walk breaks off in an exchange that may carry keys,
 * everything after the broken payload header is masked too.
 */
void
gdoi_key_mask(uint8_t *mask, const uint8_t *isa, size_t n, const struct gdoi_msg *m)
{
	size_t i, off, len;
	uint8_t np;

	if (m != NULL) {
		if (m->m_hdr.h_flags & ISAKMP_FLAG_E)
			return;
		for (i = 0; i < m->m_npl; i++) {
			const struct gdoi_payload *pl = &m->m_pl[i];

			if (pl->pl_type == GDOI_PL_KD)
				pr_mask_range(mask, n, pl->pl_off + ISAKMP_GEN_HDR_LEN,
				    pl->pl_off + pl->pl_raw.len);
		}
		return;
	}
	if (n < ISAKMP_HDR_LEN) {
		/* Not even a header: nothing can be recognised, show it all. */
		return;
	}
	if (isa[19] & ISAKMP_FLAG_E)
		return; /* ciphertext */
	np = isa[16];
	off = ISAKMP_HDR_LEN;
	while (np != ISAKMP_PL_NONE) {
		if (n - off < ISAKMP_GEN_HDR_LEN)
			break;
		len = gdoi_be16(isa + off + 2);
		if (len < ISAKMP_GEN_HDR_LEN || len > n - off)
			break;
		if (np == GDOI_PL_KD)
			pr_mask_range(mask, n, off + ISAKMP_GEN_HDR_LEN, off + len);
		np = isa[off];
		off += len;
	}
	if (np != ISAKMP_PL_NONE && !pr_exchange_without_kd(isa[18]))
		pr_mask_range(mask, n, off + ISAKMP_GEN_HDR_LEN, n);
}


/*
 * "label: N octets", followed by the bytes when show is set: inline when
 * short, as a dump block one level down otherwise.
 */
static void
pr_blob(FILE *f, int lvl, const char *label, const struct gdoi_bytes *b, int show)
{
	size_t n = b->ptr != NULL ? b->len : 0;

	pr_indent(f, lvl);
	fprintf(f, "%s: %zu octet%s", label, b->len, b->len == 1 ? "" : "s");
	if (show && n > 0 && n <= PR_INLINE_HEX) {
		fputs(": ", f);
		pr_hex_inline(f, b->ptr, n, 0);
	}
	fputc('\n', f);
	if (show && n > PR_INLINE_HEX)
		pr_dump(f, b->ptr, n, lvl + 1, NULL);
}

/* An SPI of any size: "none", "0x1A2B3C4D (439041101)" or "0x<hex>". */
static void
pr_spi(FILE *f, const uint8_t *p, size_t n)
{
	if (p == NULL || n == 0) {
		fputs("none", f);
		return;
	}
	fputs("0x", f);
	pr_hex_inline(f, p, n, 1);
	if (n == 4)
		fprintf(f, " (%" PRIu32 ")", gdoi_be32(p));
}

static const char *
pr_ip_proto_name(unsigned p)
{
	switch (p) {
	case 0:
		return "any";
	case 1:
		return "ICMP";
	case 2:
		return "IGMP";
	case 4:
		return "IPIP";
	case 6:
		return "TCP";
	case 17:
		return "UDP";
	case 41:
		return "IPv6";
	case 47:
		return "GRE";
	case 50:
		return "ESP";
	case 51:
		return "AH";
	case 58:
		return "ICMPv6";
	case 89:
		return "OSPF";
	case 103:
		return "PIM";
	case 112:
		return "VRRP";
	case 132:
		return "SCTP";
	default:
		return NULL;
	}
}

static void
pr_ip_proto(FILE *f, unsigned p)
{
	const char *s = pr_ip_proto_name(p);

	if (s != NULL)
		fprintf(f, "%s (%u)", s, p);
	else
		fprintf(f, "%u", p);
}

static void
pr_ipv4(FILE *f, const uint8_t *p)
{
	fprintf(f, "%u.%u.%u.%u", p[0], p[1], p[2], p[3]);
}

static void
pr_ipv6(FILE *f, const uint8_t *p)
{
	char s[INET6_ADDRSTRLEN];

	if (inet_ntop(AF_INET6, p, s, sizeof(s)) != NULL)
		fputs(s, f);
	else
		pr_hex_inline(f, p, 16, 0);
}

/* Prefix length of a contiguous mask, or -1. */
static int
pr_prefixlen(const uint8_t *m, size_t n)
{
	size_t i;
	int bits = 0, done = 0;

	for (i = 0; i < n; i++) {
		unsigned b = m[i], k;

		for (k = 0x80; k != 0; k >>= 1) {
			if (b & k) {
				if (done)
					return -1;
				bits++;
			} else
				done = 1;
		}
	}
	return bits;
}

static void
pr_quoted(FILE *f, const uint8_t *p, size_t n)
{
	size_t i;

	fputc('"', f);
	for (i = 0; i < n; i++) {
		if (p[i] == '"' || p[i] == '\\')
			fprintf(f, "\\%c", p[i]);
		else if (p[i] >= 0x20 && p[i] < 0x7f)
			fputc(p[i], f);
		else
			fprintf(f, "\\x%02x", p[i]);
	}
	fputc('"', f);
}

/*
 * The identification data of an ID payload or a KEK/TEK selector, rendered
 * by type, continuing the current line.  Returns 1 when it wants a hex
 * block below (long opaque data), 0 otherwise.
 */
static int
pr_id_data(FILE *f, const struct gdoi_id *id)
{
	const uint8_t *p = id->id_data.ptr;
	size_t n = p != NULL ? id->id_data.len : 0;
	uint32_t group;
	int plen;

	switch (id->id_type) {
	case ID_IPV4_ADDR:
		if (n != 4)
			break;
		pr_ipv4(f, p);
		return 0;
	case ID_IPV4_ADDR_SUBNET:
		if (n != 8)
			break;
		pr_ipv4(f, p);
		fputc('/', f);
		pr_ipv4(f, p + 4);
		return 0;
	case ID_IPV4_ADDR_RANGE:
		if (n != 8)
			break;
		pr_ipv4(f, p);
		fputc('-', f);
		pr_ipv4(f, p + 4);
		return 0;
	case ID_IPV6_ADDR:
		if (n != 16)
			break;
		pr_ipv6(f, p);
		return 0;
	case ID_IPV6_ADDR_SUBNET:
		if (n != 32)
			break;
		pr_ipv6(f, p);
		plen = pr_prefixlen(p + 16, 16);
		if (plen >= 0)
			fprintf(f, "/%d", plen);
		else {
			fputc('/', f);
			pr_ipv6(f, p + 16);
		}
		return 0;
	case ID_IPV6_ADDR_RANGE:
		if (n != 32)
			break;
		pr_ipv6(f, p);
		fputc('-', f);
		pr_ipv6(f, p + 16);
		return 0;
	case ID_FQDN:
	case ID_USER_FQDN:
		pr_quoted(f, p, n);
		return 0;
	case ID_KEY_ID:
		if (n == 0)
			break;
		if (n <= PR_INLINE_HEX) {
			fputs("0x", f);
			pr_hex_inline(f, p, n, 1);
		} else
			fprintf(f, "%zu octets", n);
		if (n == 4 && gdoi_id_group_number(id, &group) == 0)
			fprintf(f, " (group %" PRIu32 ")", group);
		return n > PR_INLINE_HEX;
	default:
		break;
	}
	/* Opaque (DN, GN, OID, unknown type) or a size its type forbids. */
	if (gdoi_id_check(id->id_type, &id->id_data) != 0)
		fputs("invalid for its type, ", f);
	fprintf(f, "%zu octet%s", id->id_data.len, id->id_data.len == 1 ? "" : "s");
	if (n > 0 && n <= PR_INLINE_HEX) {
		fputs(": ", f);
		pr_hex_inline(f, p, n, 0);
	}
	return n > PR_INLINE_HEX;
}

/* "label: TYPE (n), [protocol P, ]port N: data" */
static void
pr_id(FILE *f, int lvl, const char *label, const struct gdoi_id *id, int with_proto)
{
	struct pr_name b;

	pr_indent(f, lvl);
	fprintf(f, "%s: %s, ", label, pr_named(GDOI_NS_ID_TYPE, id->id_type, &b));
	if (with_proto) {
		fputs("protocol ", f);
		pr_ip_proto(f, id->id_proto);
		fputs(", ", f);
	}
	fprintf(f, "port %u: ", id->id_port);
	if (pr_id_data(f, id)) {
		fputc('\n', f);
		pr_dump(f, id->id_data.ptr, id->id_data.len, lvl + 1, NULL);
	} else
		fputc('\n', f);
}

/* ------------------------------------------------------------------ */
/* Data attributes                                                     */

/* Attribute spaces whose values may be secret (Key Download only). */
enum pr_attr_mode {
	PR_ATTR_PLAIN,   /* SA / transform / KEK / GAP policy: print values */
	PR_ATTR_KEYPKT,  /* KD key packet: secret unless known public */
};

/*
 * Key Download attributes: everything is key material except the KEK's
 * SIG_ALGORITHM_KEY (the KS public key) and the SID attributes.  Unknown
 * key packet types and unknown attribute types count as secret.
 */
static int
pr_kd_attr_secret(enum gdoi_ns ns, const struct gdoi_attr *at)
{
	switch (ns) {
	case GDOI_NS_SID_ATTR:
		return 0;
	case GDOI_NS_KEK_KEY_ATTR:
		return at->a_type != KEK_KEY_SIG_ALGORITHM_KEY;
	default:
		return 1;
	}
}

static void
pr_attr_value(FILE *f, int lvl, enum gdoi_ns vns, const struct gdoi_attr *at)
{
	struct pr_name b;
	uint64_t v;

	if (at->a_tv) {
		if (vns != GDOI_NS__COUNT)
			fprintf(f, "%s\n", pr_named(vns, at->a_val, &b));
		else
			fprintf(f, "%u\n", at->a_val);
		return;
	}
	if (at->a_data.len == 0 || at->a_data.ptr == NULL) {
		fprintf(f, "<empty>\n");
		return;
	}
	if (at->a_data.len <= 8 && gdoi_attr_uint(at, &v) == 0) {
		if (vns != GDOI_NS__COUNT && v <= UINT_MAX)
			fprintf(f, "%s\n", pr_named(vns, (unsigned)v, &b));
		else
			fprintf(f, "%" PRIu64 "\n", v);
		return;
	}
	fprintf(f, "%zu octets", at->a_data.len);
	if (at->a_data.len <= PR_INLINE_HEX) {
		fputs(": ", f);
		pr_hex_inline(f, at->a_data.ptr, at->a_data.len, 0);
		fputc('\n', f);
	} else {
		fputc('\n', f);
		pr_dump(f, at->a_data.ptr, at->a_data.len, lvl + 1, NULL);
	}
}

static void
pr_attrs(FILE *f, int lvl, enum gdoi_ns ns, const struct gdoi_attrs *as,
    enum pr_attr_mode mode, unsigned flags)
{
	struct pr_name b;
	size_t i;

	if (as->v == NULL)
		return;
	for (i = 0; i < as->n; i++) {
		const struct gdoi_attr *at = &as->v[i];
		enum gdoi_ns vns = GDOI_NS__COUNT;

		pr_indent(f, lvl);
		fprintf(f, "%s = ", pr_bare(ns, at->a_type, &b));
		if (mode == PR_ATTR_KEYPKT && pr_kd_attr_secret(ns, at)) {
			fprintf(f, "<%zu octets of key material>\n",
			    at->a_tv ? (size_t)2 : at->a_data.len);
			continue;
		}
		if (mode == PR_ATTR_KEYPKT && ns == GDOI_NS_KEK_KEY_ATTR &&
		    at->a_type == KEK_KEY_SIG_ALGORITHM_KEY && !at->a_tv) {
			/* The KS public key: length, bytes with the flag. */
			fprintf(f, "%zu octets (public key)\n", at->a_data.len);
			if ((flags & GDOI_PRINT_HEX) && at->a_data.ptr != NULL)
				pr_dump(f, at->a_data.ptr, at->a_data.len, lvl + 1, NULL);
			continue;
		}
		if ((unsigned)ns < (unsigned)GDOI_NS__COUNT)
			vns = gdoi_attr_value_ns(ns, at->a_type);
		if ((unsigned)vns > (unsigned)GDOI_NS__COUNT)
			vns = GDOI_NS__COUNT;
		pr_attr_value(f, lvl, vns, at);
	}
}

/* ------------------------------------------------------------------ */
/* Raw payload dumps                                                   */

/* Mark the octets of [p, p+n) that lie in raw; 0 when they all do. */
static int
pr_mask_span(uint8_t *mask, const struct gdoi_bytes *raw, const uint8_t *p, size_t n)
{
	uintptr_t base = (uintptr_t)raw->ptr, at = (uintptr_t)p;
	size_t off;

	if (n == 0)
		return 0;
	if (p == NULL || at < base || at - base > raw->len)
		return -1;
	off = (size_t)(at - base);
	if (n > raw->len - off)
		return -1;
	memset(mask + off, 1, n);
	return 0;
}

/*
 * Dump a KD payload with every secret attribute value masked.  When a
 * secret cannot be located inside the raw bytes (a TV-form secret, or
 * data that does not borrow from them), the whole body is masked.
 */
static void
pr_dump_kd(FILE *f, int lvl, const struct gdoi_payload *pl)
{
	const struct gdoi_bytes *raw = &pl->pl_raw;
	const struct gdoi_kd *kd = &pl->pl_u.kd;
	uint8_t *mask;
	size_t i, j;
	int whole = 0;

	mask = calloc(raw->len, 1);
	if (mask == NULL) {
		pr_line(f, lvl, "(%zu octets not shown: key material, out of memory)", raw->len);
		return;
	}
	for (i = 0; kd->kd_pkts != NULL && i < kd->kd_n && !whole; i++) {
		const struct gdoi_keypkt *kp = &kd->kd_pkts[i];
		enum gdoi_ns ns = gdoi_attr_ns_for_keypkt(kp->kp_type);

		if (kp->kp_attrs.v == NULL)
			continue;
		for (j = 0; j < kp->kp_attrs.n; j++) {
			const struct gdoi_attr *at = &kp->kp_attrs.v[j];

			if (!pr_kd_attr_secret(ns, at))
				continue;
			if (at->a_tv ||
			    pr_mask_span(mask, raw, at->a_data.ptr, at->a_data.len) != 0) {
				whole = 1;
				break;
			}
		}
	}
	if (whole && raw->len > ISAKMP_GEN_HDR_LEN)
		memset(mask + ISAKMP_GEN_HDR_LEN, 1, raw->len - ISAKMP_GEN_HDR_LEN);
	pr_dump(f, raw->ptr, raw->len, lvl, mask);
	free(mask);
}

static void
pr_raw(FILE *f, int lvl, const struct gdoi_payload *pl)
{
	if (pl->pl_raw.ptr == NULL || pl->pl_raw.len == 0)
		return;
	pr_line(f, lvl, "raw (%zu octets):", pl->pl_raw.len);
	if (pl->pl_type == GDOI_PL_KD)
		pr_dump_kd(f, lvl + 1, pl);
	else
		pr_dump(f, pl->pl_raw.ptr, pl->pl_raw.len, lvl + 1, NULL);
}

/* ------------------------------------------------------------------ */
/* Payloads                                                            */

static void
pr_situation(FILE *f, int lvl, uint32_t doi, uint32_t sit)
{
	pr_indent(f, lvl);
	fprintf(f, "situation: 0x%08" PRIx32, sit);
	if (doi == GDOI_DOI_IPSEC && sit != 0) {
		const char *sep = " [";

		if (sit & IPSEC_SIT_IDENTITY_ONLY) {
			fprintf(f, "%sSIT_IDENTITY_ONLY", sep);
			sep = ",";
		}
		if (sit & IPSEC_SIT_SECRECY) {
			fprintf(f, "%sSIT_SECRECY", sep);
			sep = ",";
		}
		if (sit & IPSEC_SIT_INTEGRITY) {
			fprintf(f, "%sSIT_INTEGRITY", sep);
			sep = ",";
		}
		if (sit & ~(uint32_t)(IPSEC_SIT_IDENTITY_ONLY | IPSEC_SIT_SECRECY |
		    IPSEC_SIT_INTEGRITY))
			fprintf(f, "%sother bits", sep);
		fputc(']', f);
	}
	fputc('\n', f);
}

static void
pr_p1sa(FILE *f, int lvl, const struct gdoi_p1sa *sa)
{
	struct pr_name b;
	size_t i, j;

	pr_line(f, lvl, "DOI: %s", pr_named(GDOI_NS_DOI, (unsigned)sa->sa_doi, &b));
	pr_situation(f, lvl, sa->sa_doi, sa->sa_situation);
	for (i = 0; sa->sa_p != NULL && i < sa->sa_np; i++) {
		const struct gdoi_proposal *p = &sa->sa_p[i];
		enum gdoi_ns tns, ans;

		switch (p->p_proto) {
		case ISAKMP_PROTO_ISAKMP:
			tns = GDOI_NS_IKE_TRANSFORM;
			ans = GDOI_NS_IKE_ATTR;
			break;
		case ISAKMP_PROTO_ESP:
			tns = GDOI_NS_ESP_TRANSFORM;
			ans = GDOI_NS_IPSEC_ATTR;
			break;
		case ISAKMP_PROTO_AH:
			tns = GDOI_NS_AH_TRANSFORM;
			ans = GDOI_NS_IPSEC_ATTR;
			break;
		default:
			tns = GDOI_NS__COUNT;
			ans = GDOI_NS_IPSEC_ATTR;
			break;
		}
		pr_indent(f, lvl);
		fprintf(f, "Proposal #%u: protocol %s, SPI ", p->p_num,
		    pr_named(GDOI_NS_PROTO, p->p_proto, &b));
		pr_spi(f, p->p_spi.ptr, p->p_spi.len);
		fprintf(f, ", %zu transform%s\n", p->p_nt, p->p_nt == 1 ? "" : "s");
		for (j = 0; p->p_t != NULL && j < p->p_nt; j++) {
			const struct gdoi_transform *t = &p->p_t[j];

			pr_line(f, lvl + 1, "Transform #%u: %s", t->t_num,
			    pr_named(tns, t->t_id, &b));
			pr_attrs(f, lvl + 2, ans, &t->t_attrs, PR_ATTR_PLAIN, 0);
		}
	}
}

static void
pr_sak(FILE *f, int lvl, const struct gdoi_sak *k, unsigned flags)
{
	pr_indent(f, lvl);
	fputs("protocol: ", f);
	pr_ip_proto(f, k->k_proto);
	fputc('\n', f);
	pr_id(f, lvl, "source", &k->k_src, 0);
	pr_id(f, lvl, "destination", &k->k_dst, 0);
	pr_indent(f, lvl);
	fputs("SPI: 0x", f);
	pr_hex_inline(f, k->k_spi, sizeof(k->k_spi), 1);
	fputc('\n', f);
	pr_line(f, lvl, "POP algorithm: %u, POP key length: %u", k->k_pop_alg,
	    k->k_pop_keylen);
	pr_attrs(f, lvl, GDOI_NS_KEK_ATTR, &k->k_attrs, PR_ATTR_PLAIN, flags);
}

static void
pr_sat(FILE *f, int lvl, const struct gdoi_sat *t, unsigned flags)
{
	struct pr_name b;
	enum gdoi_ns tns;

	pr_line(f, lvl, "protocol ID: %s", pr_named(GDOI_NS_TEK_PROTO, t->t_proto_id, &b));
	switch (t->t_proto_id) {
	case GDOI_TEK_PROTO_ESP:
		tns = GDOI_NS_ESP_TRANSFORM;
		break;
	case GDOI_TEK_PROTO_AH:
		tns = GDOI_NS_AH_TRANSFORM;
		break;
	default:
		pr_blob(f, lvl, "body", &t->t_other, 1);
		return;
	}
	pr_indent(f, lvl);
	fputs("IP protocol: ", f);
	pr_ip_proto(f, t->t_ip_proto);
	fputc('\n', f);
	pr_id(f, lvl, "source", &t->t_src, 0);
	pr_id(f, lvl, "destination", &t->t_dst, 0);
	pr_line(f, lvl, "transform: %s", pr_named(tns, t->t_transform, &b));
	pr_line(f, lvl, "SPI: 0x%08" PRIX32 " (%" PRIu32 ")", t->t_spi, t->t_spi);
	pr_attrs(f, lvl, GDOI_NS_IPSEC_ATTR, &t->t_attrs, PR_ATTR_PLAIN, flags);
}

static void
pr_gsa(FILE *f, int lvl, const struct gdoi_gsa *g, unsigned flags)
{
	struct pr_name b;
	size_t i;

	pr_line(f, lvl, "DOI: %s", pr_named(GDOI_NS_DOI, (unsigned)g->g_doi, &b));
	pr_situation(f, lvl, g->g_doi, g->g_situation);
	for (i = 0; g->g_items != NULL && i < g->g_nitems; i++) {
		const struct gdoi_sa_item *it = &g->g_items[i];

		pr_line(f, lvl, "%s", pr_named(GDOI_NS_PAYLOAD, it->i_type, &b));
		switch (it->i_type) {
		case GDOI_PL_SAK:
			pr_sak(f, lvl + 1, &it->i_u.sak, flags);
			break;
		case GDOI_PL_SAT:
			pr_sat(f, lvl + 1, &it->i_u.sat, flags);
			break;
		case GDOI_PL_GAP:
			pr_attrs(f, lvl + 1, GDOI_NS_GAP_ATTR, &it->i_u.gap.g_attrs,
			    PR_ATTR_PLAIN, flags);
			break;
		default:
			break;
		}
	}
}

static void
pr_kd(FILE *f, int lvl, const struct gdoi_kd *kd, unsigned flags)
{
	struct pr_name b;
	size_t i;

	pr_line(f, lvl, "key packets: %zu", kd->kd_n);
	for (i = 0; kd->kd_pkts != NULL && i < kd->kd_n; i++) {
		const struct gdoi_keypkt *kp = &kd->kd_pkts[i];

		pr_indent(f, lvl);
		fprintf(f, "Key packet #%zu: %s, SPI ", i + 1,
		    pr_named(GDOI_NS_KD_TYPE, kp->kp_type, &b));
		pr_spi(f, kp->kp_spi.ptr, kp->kp_spi.len);
		fputc('\n', f);
		pr_attrs(f, lvl + 1, gdoi_attr_ns_for_keypkt(kp->kp_type), &kp->kp_attrs,
		    PR_ATTR_KEYPKT, flags);
	}
}

static void
pr_notify(FILE *f, int lvl, const struct gdoi_notify *n, unsigned flags)
{
	struct pr_name b;

	pr_line(f, lvl, "DOI: %s", pr_named(GDOI_NS_DOI, (unsigned)n->n_doi, &b));
	pr_line(f, lvl, "protocol: %s", pr_named(GDOI_NS_PROTO, n->n_proto, &b));
	pr_line(f, lvl, "type: %s", pr_named(GDOI_NS_NOTIFY, n->n_type, &b));
	pr_indent(f, lvl);
	fputs("SPI: ", f);
	pr_spi(f, n->n_spi.ptr, n->n_spi.len);
	fprintf(f, " (size %zu)\n", n->n_spi.len);
	pr_blob(f, lvl, "data", &n->n_data, (flags & GDOI_PRINT_HEX) != 0);
}

static void
pr_delete(FILE *f, int lvl, const struct gdoi_delete *d)
{
	struct pr_name b;
	size_t i, sz = d->d_spi_size;

	pr_line(f, lvl, "DOI: %s", pr_named(GDOI_NS_DOI, (unsigned)d->d_doi, &b));
	pr_line(f, lvl, "protocol: %s", pr_named(GDOI_NS_PROTO, d->d_proto, &b));
	pr_line(f, lvl, "SPI size: %zu, SPIs: %u", sz, d->d_nspi);
	if (sz == 0 || d->d_spis.ptr == NULL)
		return;
	for (i = 0; i < d->d_nspi && i < d->d_spis.len / sz; i++) {
		pr_indent(f, lvl);
		fputs("SPI: ", f);
		pr_spi(f, d->d_spis.ptr + i * sz, sz);
		fputc('\n', f);
	}
	if ((size_t)d->d_nspi > d->d_spis.len / sz)
		pr_line(f, lvl, "(%zu octets for %u SPIs of %zu octets)", d->d_spis.len,
		    d->d_nspi, sz);
}

static void
pr_payload(FILE *f, enum gdoi_ctx ctx, const struct gdoi_payload *pl, unsigned flags,
    int lvl)
{
	const int hex = (flags & GDOI_PRINT_HEX) != 0;
	struct pr_name b;
	int want_raw = hex;

	pr_indent(f, lvl);
	fputs(pr_named(GDOI_NS_PAYLOAD, pl->pl_type, &b), f);
	if (pl->pl_raw.ptr != NULL)
		fprintf(f, ", length %zu", pl->pl_raw.len);
	fputc('\n', f);
	lvl++;

	switch (pl->pl_type) {
	case ISAKMP_PL_SA:
		if (ctx == GDOI_CTX_GDOI)
			pr_gsa(f, lvl, &pl->pl_u.gsa, flags);
		else
			pr_p1sa(f, lvl, &pl->pl_u.p1sa);
		break;
	case ISAKMP_PL_ID:
		pr_id(f, lvl, "identification", &pl->pl_u.id, 1);
		break;
	case ISAKMP_PL_NAT_OA:
		pr_id(f, lvl, "original address", &pl->pl_u.id, 1);
		break;
	case ISAKMP_PL_CERT:
	case ISAKMP_PL_CR:
		pr_line(f, lvl, "encoding: %s", pr_named(GDOI_NS_CERT_ENC,
		    pl->pl_u.cert.c_enc, &b));
		pr_blob(f, lvl, pl->pl_type == ISAKMP_PL_CR ? "authority" : "data",
		    &pl->pl_u.cert.c_data, hex);
		want_raw = 0;
		break;
	case ISAKMP_PL_N:
		pr_notify(f, lvl, &pl->pl_u.n, flags);
		break;
	case ISAKMP_PL_D:
		pr_delete(f, lvl, &pl->pl_u.d);
		break;
	case GDOI_PL_KD:
		pr_kd(f, lvl, &pl->pl_u.kd, flags);
		break;
	case GDOI_PL_SEQ:
		pr_line(f, lvl, "sequence number: %" PRIu32, pl->pl_u.seq);
		break;
	case GDOI_PL_GAP:
		/* Top level: GROUPKEY-PULL message 3. */
		pr_attrs(f, lvl, GDOI_NS_GAP_ATTR, &pl->pl_u.gap.g_attrs, PR_ATTR_PLAIN, flags);
		break;
	case ISAKMP_PL_KE:
	case ISAKMP_PL_HASH:
	case ISAKMP_PL_SIG:
	case ISAKMP_PL_NONCE:
	case ISAKMP_PL_VID:
	case ISAKMP_PL_NAT_D:
	case GDOI_PL_POP:
		pr_blob(f, lvl, "data", &pl->pl_u.data, hex);
		want_raw = 0;
		break;
	default:
		/* Not parsed: the body is in pl_u.data. */
		pr_blob(f, lvl, "body", &pl->pl_u.data, hex);
		want_raw = 0;
		break;
	}
	if (want_raw)
		pr_raw(f, lvl, pl);
}

void
gdoi_print_chain(FILE *f, enum gdoi_ctx ctx, const struct gdoi_payload *pl, size_t n,
    unsigned flags, int indent)
{
	size_t i;

	if (f == NULL || pl == NULL)
		return;
	for (i = 0; i < n; i++)
		pr_payload(f, ctx, &pl[i], flags, indent);
}

void
gdoi_print_msg(FILE *f, const struct gdoi_msg *m, unsigned flags)
{
	static const struct {
		uint8_t bit;
		const char *name;
	} fl[] = {
		{ ISAKMP_FLAG_E, "E" },
		{ ISAKMP_FLAG_C, "C" },
		{ ISAKMP_FLAG_A, "A" },
	};
	const struct isakmp_hdr *h;
	struct pr_name b;
	const char *sep = "";
	unsigned rest;
	size_t i;

	if (f == NULL || m == NULL)
		return;
	h = &m->m_hdr;
	fputs("ISAKMP I-cookie ", f);
	pr_hex_inline(f, h->h_icookie, sizeof(h->h_icookie), 0);
	fputs(", R-cookie ", f);
	pr_hex_inline(f, h->h_rcookie, sizeof(h->h_rcookie), 0);
	fprintf(f, ", version %u.%u, exchange %s, flags 0x%02x [", h->h_version >> 4,
	    h->h_version & 0x0f, pr_named(GDOI_NS_EXCHANGE, h->h_exchange, &b),
	    h->h_flags);
	rest = h->h_flags;
	for (i = 0; i < sizeof(fl) / sizeof(fl[0]); i++) {
		if (h->h_flags & fl[i].bit) {
			fprintf(f, "%s%s", sep, fl[i].name);
			sep = ",";
			rest &= ~(unsigned)fl[i].bit;
		}
	}
	if (rest != 0)
		fprintf(f, "%s0x%02x", sep, rest);
	else if (h->h_flags == 0)
		fputs("none", f);
	fprintf(f, "], message ID 0x%08" PRIx32 ", length %" PRIu32 "\n", h->h_msgid,
	    h->h_length);

	if (h->h_flags & ISAKMP_FLAG_E) {
		pr_line(f, 1, "encrypted body: %zu octets", m->m_body.len);
		if ((flags & GDOI_PRINT_HEX) && m->m_body.ptr != NULL)
			pr_dump(f, m->m_body.ptr, m->m_body.len, 2, NULL);
	} else if (m->m_npl == 0)
		pr_line(f, 1, "no payloads");
	else
		gdoi_print_chain(f, gdoi_ctx_for_exchange(h->h_exchange), m->m_pl, m->m_npl,
		    flags, 1);
	if (m->m_trailing > 0)
		pr_line(f, 1, "%zu octet%s trail the message (ignored)", m->m_trailing,
		    m->m_trailing == 1 ? "" : "s");
}
