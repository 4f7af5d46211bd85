/*
 * The configuration loader (see gdoi/config.h; the format is gdoi.rng).
 *
 * Three steps over one document, the first error winning:
 *   1. libxml2 parses it: no network, no entity substitution, and a
 *      document with a DOCTYPE is refused outright, so nothing outside the
 *      text can enter it;
 *   2. RelaxNG validation against the schema compiled into the library;
 *   3. a walk of the tree that converts every element into struct
 *      gdoi_conf and checks what the schema cannot say.
 * libxml2 reports through a structured error handler installed for the
 * duration of one load (and restored after), so it never writes to stderr.
 * Every message is "file:line: reason"; reasons from step 3 start with the
 * element they are about.
 *
 * Ranges the loader enforces (IOS-like; see the comment of gdoi.rng):
 *   isakmp policy priority 1..10000, lifetime 60..86400 s (default 86400)
 *   ipsec-profile lifetime 120..2592000 s (30 days; default 3600)
 *   rekey lifetime 300..2592000 s (default 86400), and more than
 *     200 + retransmit-number * retransmit-interval, so a KEK rekey can
 *     start after the KEK was made
 *   rekey retransmit-interval 1..60 s (default 10), retransmit-number
 *     0..10 (default 2)
 *   sender-id-bits 1..24 (default 8); sa-ipsec number 1..65535, at most
 *   GDOI_TEK_MAX per group, GDOI_ACL_MAX access-list entries per group.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <grp.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlversion.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/x509.h>

#include "gdoi/buf.h"
#include "gdoi/config.h"
#include "gdoi/err.h"
#include "gdoi/wire.h"

/* libxml2 2.12 made the error of a structured handler const. */
#if LIBXML_VERSION >= 21200
#define XML_ERR_CONST const
#else
#define XML_ERR_CONST
#endif

#define CONF_FILE_MAX (4u << 20)	/* a larger file is not a config */

#define IKE_PRIO_MIN 1
#define IKE_PRIO_MAX 10000
#define IKE_LIFE_MIN 60
#define IKE_LIFE_MAX 86400
#define IKE_LIFE_DEF 86400
#define TEK_LIFE_MIN 120
#define TEK_LIFE_MAX 2592000
#define TEK_LIFE_DEF 3600
#define KEK_LIFE_MIN 300
#define KEK_LIFE_MAX 2592000
#define KEK_LIFE_DEF 86400
#define KEK_LIFE_MARGIN 200	/* DESIGN.md: KEK rekey start */
#define RETX_IVL_MIN 1
#define RETX_IVL_MAX 60
#define RETX_IVL_DEF 10
#define RETX_NUM_MAX 10
#define RETX_NUM_DEF 2
#define RK_TTL_DEF 16      /* multicast rekey TTL */
#define SID_BITS_MIN 1
#define SID_BITS_MAX 24
#define SID_BITS_DEF 8
#define SA_SEQ_MIN 1
#define SA_SEQ_MAX 65535
#define RK_KEYBITS_DEF 128
#define RK_RSA_BITS_DEF 2048
#define PORT_DEF 848

/* A transform-set: only profiles keep its transform. */
struct ld_ts {
	char ts_name[GDOI_CONF_NAME_MAX];
	struct gdoi_tek_xform ts_x;
	unsigned ts_line;
};

/* One load. */
struct ld {
	const char *l_name;	/* file name for messages */
	char *l_err;
	size_t l_errcap;
	int l_failed;
	int l_rc;		/* gdoi_err of the first failure */
	long l_line;		/* its line, 0 if none */
	char l_pending[512];	/* a schema error without a line, in reserve */
	struct gdoi_conf *l_c;
	unsigned *l_prio;	/* parallel to c_ike until sorted */
	unsigned *l_ike_line;
	struct ld_ts *l_ts;
	size_t l_nts;
	xmlChar **l_strs;	/* attribute values handed out by attr() */
	size_t l_nstrs, l_capstrs;
};

/* ------------------------------------------------------------------ */
/* Errors                                                               */

static void
ld_vset(struct ld *l, int rc, long line, const char *what, const char *fmt, va_list ap)
{
	int n;

	if (l->l_failed)
		return;
	l->l_failed = 1;
	l->l_rc = rc;
	l->l_line = line;
	if (l->l_err == NULL || l->l_errcap == 0)
		return;
	if (line > 0)
		n = snprintf(l->l_err, l->l_errcap, "%s:%ld: %s%s", l->l_name, line,
		    what ? what : "", what ? ": " : "");
	else
		n = snprintf(l->l_err, l->l_errcap, "%s: %s%s", l->l_name, what ? what : "",
		    what ? ": " : "");
	if (n >= 0 && (size_t)n < l->l_errcap)
		vsnprintf(l->l_err + n, l->l_errcap - (size_t)n, fmt, ap);
}

/* Fail about element n: "file:line: element: reason". */
static int __attribute__((format(printf, 3, 4)))
ld_fail(struct ld *l, const xmlNode *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ld_vset(l, GDOI_E_INVAL, n ? xmlGetLineNo(n) : 0, n ? (const char *)n->name : NULL,
	    fmt, ap);
	va_end(ap);
	return GDOI_E_INVAL;
}

/* Fail at a line without an element (parser and schema messages). */
static int __attribute__((format(printf, 4, 5)))
ld_failx(struct ld *l, int rc, long line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ld_vset(l, rc, line, NULL, fmt, ap);
	va_end(ap);
	return rc;
}

static int
ld_nomem(struct ld *l, const xmlNode *n)
{
	if (!l->l_failed) {
		ld_fail(l, n, "out of memory");
		l->l_rc = GDOI_E_NOMEM;
	}
	return GDOI_E_NOMEM;
}

/*
 * The structured error handler of one load: keeps the first error (not
 * warnings) of the parser or of the validator, without its final newline.
 */
static void
ld_xml_error(void *arg, XML_ERR_CONST xmlError *e)
{
	struct ld *l = arg;
	char msg[512];
	size_t n;
	long line;

	if (e == NULL || e->level < XML_ERR_ERROR || l->l_failed)
		return;
	snprintf(msg, sizeof(msg), "%s", e->message ? e->message : "error");
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	line = e->line;
	if (line <= 0 && e->node != NULL)
		line = xmlGetLineNo((xmlNodePtr)e->node);
	if (line <= 0 && e->domain == XML_FROM_RELAXNGV) {
		/* Some validity errors come without a place ("Extra element X in
		 * interleave"); a later one usually has it: keep this in reserve. */
		if (l->l_pending[0] == '\0')
			snprintf(l->l_pending, sizeof(l->l_pending), "%s", msg);
		return;
	}
	ld_failx(l, GDOI_E_INVAL, line, "%s%s", e->domain == XML_FROM_RELAXNGV ?
	    "does not match the schema: " : "", msg);
}

/* libxml2's generic handler, silenced while we load. */
static void __attribute__((format(printf, 2, 3)))
ld_xml_silent(void *arg, const char *fmt, ...)
{
	(void)arg;
	(void)fmt;
}

/* ------------------------------------------------------------------ */
/* Attributes                                                           */

/* The value of attribute a of n (owned by the load), or NULL if absent. */
static const char *
attr(struct ld *l, const xmlNode *n, const char *a)
{
	xmlChar *v;

	if (xmlHasNsProp(n, (const xmlChar *)a, NULL) == NULL)
		return NULL;
	if (l->l_nstrs == l->l_capstrs) {
		size_t cap = l->l_capstrs ? 2 * l->l_capstrs : 64;
		xmlChar **p = realloc(l->l_strs, cap * sizeof(*p));

		if (p == NULL) {
			ld_nomem(l, n);
			return NULL;
		}
		l->l_strs = p;
		l->l_capstrs = cap;
	}
	v = xmlGetNoNsProp(n, (const xmlChar *)a);
	if (v == NULL) {
		ld_nomem(l, n);
		return NULL;
	}
	l->l_strs[l->l_nstrs++] = v;
	return (const char *)v;
}

/*
 * Attribute a of n with surrounding white space removed, copied into buf.
 * 1 if present, 0 if absent, -1 on failure (too long, no memory).
 */
static int
attr_tok(struct ld *l, const xmlNode *n, const char *a, char *buf, size_t cap)
{
	const char *v = attr(l, n, a);
	size_t len;

	if (v == NULL)
		return l->l_failed ? -1 : 0;
	while (*v == ' ' || *v == '\t' || *v == '\n' || *v == '\r')
		v++;
	len = strlen(v);
	while (len > 0 && (v[len - 1] == ' ' || v[len - 1] == '\t' || v[len - 1] == '\n' ||
	    v[len - 1] == '\r'))
		len--;
	if (len >= cap) {
		ld_fail(l, n, "%s is too long", a);
		return -1;
	}
	memcpy(buf, v, len);
	buf[len] = '\0';
	return 1;
}

/* A decimal number in lo..hi; def when absent (req: absent is an error). */
static int
attr_uint(struct ld *l, const xmlNode *n, const char *a, unsigned long lo, unsigned long hi,
    int req, unsigned long def, unsigned long *out)
{
	char buf[32], *end;
	unsigned long v;
	int r;

	r = attr_tok(l, n, a, buf, sizeof(buf));
	if (r < 0)
		return -1;
	if (r == 0) {
		if (req)
			return ld_fail(l, n, "%s is missing", a);
		*out = def;
		return 0;
	}
	errno = 0;
	v = strtoul(buf, &end, 10);
	if (buf[0] < '0' || buf[0] > '9' || *end != '\0' || errno != 0)
		return ld_fail(l, n, "%s=\"%s\" is not a number", a, buf);
	if (v < lo || v > hi)
		return ld_fail(l, n, "%s %lu out of range %lu..%lu", a, v, lo, hi);
	*out = v;
	return 0;
}

static int
attr_bool(struct ld *l, const xmlNode *n, const char *a, int def, uint8_t *out)
{
	char buf[8];
	int r;

	r = attr_tok(l, n, a, buf, sizeof(buf));
	if (r < 0)
		return -1;
	if (r == 0)
		*out = (uint8_t)def;
	else if (strcmp(buf, "true") == 0)
		*out = 1;
	else if (strcmp(buf, "false") == 0)
		*out = 0;
	else
		return ld_fail(l, n, "%s=\"%s\" is neither true nor false", a, buf);
	return 0;
}

struct kw {
	const char *kw_name;
	unsigned kw_val;
};

/* One of the keywords of tab (NULL-terminated); def when absent. */
static int
attr_kw(struct ld *l, const xmlNode *n, const char *a, const struct kw *tab, int req,
    unsigned def, unsigned *out)
{
	const struct kw *k;
	char buf[32], list[160] = "";
	size_t len;
	int r;

	r = attr_tok(l, n, a, buf, sizeof(buf));
	if (r < 0)
		return -1;
	if (r == 0) {
		if (req)
			return ld_fail(l, n, "%s is missing", a);
		*out = def;
		return 0;
	}
	for (k = tab; k->kw_name != NULL; k++)
		if (strcmp(buf, k->kw_name) == 0) {
			*out = k->kw_val;
			return 0;
		}
	for (k = tab; k->kw_name != NULL; k++) {
		len = strlen(list);
		snprintf(list + len, sizeof(list) - len, "%s%s", k == tab ? "" : ", ",
		    k->kw_name);
	}
	return ld_fail(l, n, "%s=\"%s\" is not one of %s", a, buf, list);
}

/* A copy of attribute a (as written) into *dst; NULL when absent. */
static int
attr_dup(struct ld *l, const xmlNode *n, const char *a, int req, char **dst)
{
	const char *v = attr(l, n, a);

	if (v == NULL) {
		if (l->l_failed)
			return -1;
		if (req)
			return ld_fail(l, n, "%s is missing", a);
		return 0;
	}
	if (*v == '\0')
		return ld_fail(l, n, "%s is empty", a);
	if ((*dst = strdup(v)) == NULL)
		return ld_nomem(l, n);
	return 0;
}

/* A name (access-list, transform-set, ...): 1..GDOI_CONF_NAME_MAX-1 octets. */
static int
attr_name(struct ld *l, const xmlNode *n, const char *a, char dst[GDOI_CONF_NAME_MAX])
{
	int r = attr_tok(l, n, a, dst, GDOI_CONF_NAME_MAX);

	if (r < 0)
		return -1;
	if (r == 0 || dst[0] == '\0')
		return ld_fail(l, n, "%s is missing", a);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Addresses and prefixes                                               */

static unsigned
af_bits(uint8_t af)
{
	return af == 6 ? 128 : 32;
}

/* 1 if the first plen bits of a and p agree. */
static int
prefix_match(const uint8_t *a, const uint8_t *p, unsigned plen)
{
	unsigned full = plen / 8, rest = plen % 8;

	if (memcmp(a, p, full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	return ((a[full] ^ p[full]) & (uint8_t)(0xff << (8 - rest))) == 0;
}

/* 1 if no bit of a beyond plen is set. */
static int
host_bits_zero(const uint8_t *a, uint8_t af, unsigned plen)
{
	unsigned i, bits = af_bits(af);

	for (i = plen; i < bits; i++)
		if (a[i / 8] & (0x80 >> (i % 8)))
			return 0;
	return 1;
}

/* A plain IPv4 or IPv6 address. */
static int
parse_addr(const char *s, uint8_t *af, uint8_t addr[16])
{
	memset(addr, 0, 16);
	if (inet_pton(AF_INET, s, addr) == 1) {
		*af = 4;
		return 0;
	}
	if (inet_pton(AF_INET6, s, addr) == 1) {
		*af = 6;
		return 0;
	}
	return -1;
}

/* An IPv4 netmask (contiguous ones) or, inverted, a wildcard; plen out. */
static int
parse_mask(const char *s, int wildcard, uint8_t *plen)
{
	uint8_t m[16], af;
	uint32_t v;
	unsigned n;

	if (parse_addr(s, &af, m) != 0 || af != 4)
		return -1;
	v = (uint32_t)m[0] << 24 | (uint32_t)m[1] << 16 | (uint32_t)m[2] << 8 | m[3];
	if (wildcard)
		v = ~v;
	for (n = 0; n < 32 && (v & (0x80000000u >> n)); n++)
		;
	if (n < 32 && (v << n) != 0)
		return -1;	/* not contiguous */
	*plen = (uint8_t)n;
	return 0;
}

/*
 * "A" (one host) or "A/LEN".  On failure returns the reason.
 */
static const char *
parse_prefix(const char *s, uint8_t *af, uint8_t addr[16], uint8_t *plen)
{
	char buf[INET6_ADDRSTRLEN + 8], *slash, *end;
	unsigned long len;

	if (strlen(s) >= sizeof(buf))
		return "is not an address or prefix";
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash != NULL)
		*slash++ = '\0';
	if (parse_addr(buf, af, addr) != 0)
		return "is not an address or prefix";
	if (slash == NULL) {
		*plen = (uint8_t)af_bits(*af);
		return NULL;
	}
	errno = 0;
	len = strtoul(slash, &end, 10);
	if (*slash < '0' || *slash > '9' || *end != '\0' || errno != 0)
		return "has a bad prefix length";
	if (len > af_bits(*af))
		return *af == 4 ? "has a prefix length above 32" : "has a prefix length above 128";
	*plen = (uint8_t)len;
	if (!host_bits_zero(addr, *af, *plen))
		return "has host bits set beyond the prefix length";
	return NULL;
}

/* An address attribute: one host, no prefix. */
static int
attr_addr(struct ld *l, const xmlNode *n, const char *a, int req, uint8_t *af, uint8_t addr[16])
{
	char buf[128];
	int r;

	r = attr_tok(l, n, a, buf, sizeof(buf));
	if (r < 0)
		return -1;
	if (r == 0) {
		*af = 0;
		memset(addr, 0, 16);
		return req ? ld_fail(l, n, "%s is missing", a) : 0;
	}
	if (parse_addr(buf, af, addr) != 0)
		return ld_fail(l, n, "%s \"%s\" is not an IPv4 or IPv6 address", a, buf);
	return 0;
}

/* A prefix attribute ("A" or "A/LEN"). */
static int
attr_prefix(struct ld *l, const xmlNode *n, const char *a, uint8_t *af, uint8_t addr[16],
    uint8_t *plen)
{
	char buf[128];
	const char *why;
	int r;

	r = attr_tok(l, n, a, buf, sizeof(buf));
	if (r < 0)
		return -1;
	if (r == 0)
		return ld_fail(l, n, "%s is missing", a);
	if ((why = parse_prefix(buf, af, addr, plen)) != NULL)
		return ld_fail(l, n, "%s \"%s\" %s", a, buf, why);
	return 0;
}

/*
 * An access-list operand: "any", "host A", "A WILDCARD" (IPv4), "A/LEN" or
 * "A".  af 0 for any.  On failure returns the reason.
 */
static const char *
parse_operand(const char *s, uint8_t *af, uint8_t addr[16], uint8_t *plen)
{
	char buf[128], *sp;
	const char *why;

	memset(addr, 0, 16);
	if (strcmp(s, "any") == 0) {
		*af = 0;
		*plen = 0;
		return NULL;
	}
	if (strncmp(s, "host", 4) == 0 && (s[4] == ' ' || s[4] == '\t')) {
		for (s += 4; *s == ' ' || *s == '\t'; s++)
			;
		if (parse_addr(s, af, addr) != 0)
			return "is not \"host\" and an address";
		*plen = (uint8_t)af_bits(*af);
		return NULL;
	}
	if (strlen(s) >= sizeof(buf))
		return "is too long";
	strcpy(buf, s);
	sp = strpbrk(buf, " \t");
	if (sp != NULL) {	/* A WILDCARD */
		*sp++ = '\0';
		while (*sp == ' ' || *sp == '\t')
			sp++;
		if (parse_addr(buf, af, addr) != 0 || *af != 4)
			return "is not an IPv4 address and wildcard mask";
		if (parse_mask(sp, 1, plen) != 0)
			return "has a wildcard mask that is not contiguous";
		if (!host_bits_zero(addr, *af, *plen))
			return "has address bits set outside the wildcard mask";
		return NULL;
	}
	if ((why = parse_prefix(buf, af, addr, plen)) != NULL)
		return strcmp(why, "is not an address or prefix") == 0 ?
		    "is not any, host A, A/LEN or A WILDCARD" : why;
	return NULL;
}

static int
is_multicast(uint8_t af, const uint8_t *a)
{
	return af == 4 ? (a[0] & 0xf0) == 0xe0 : a[0] == 0xff;
}

/* Address text for messages. */
static const char *
addr_str(uint8_t af, const uint8_t *a, char *buf, size_t cap)
{
	if (inet_ntop(af == 6 ? AF_INET6 : AF_INET, a, buf, (socklen_t)cap) == NULL)
		snprintf(buf, cap, "?");
	return buf;
}

/* Children of n that are elements called name (NULL: all elements). */
static size_t
count_children(const xmlNode *n, const char *name)
{
	const xmlNode *k;
	size_t cnt = 0;

	for (k = n->children; k != NULL; k = k->next)
		if (k->type == XML_ELEMENT_NODE &&
		    (name == NULL || xmlStrEqual(k->name, (const xmlChar *)name)))
			cnt++;
	return cnt;
}

static int
is_elem(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && xmlStrEqual(n->name, (const xmlChar *)name);
}

/* ------------------------------------------------------------------ */
/* datapath (GM)                                                        */

static int
ld_datapath(struct ld *l, const xmlNode *n)
{
	struct gdoi_conf_dp *d = &l->l_c->c_dp;
	unsigned long v, mark = 0, mask = 0;
	char buf[40], *end;
	int r;

	if (d->dp_on)
		return ld_fail(l, n, "given twice");
	d->dp_on = 1;
	d->dp_line = (unsigned)xmlGetLineNo(n);
	if (attr_bool(l, n, "xfrm", 1, &d->dp_xfrm) != 0 ||
	    attr_addr(l, n, "local-address", 0, &d->dp_local_af, d->dp_local) != 0 ||
	    attr_uint(l, n, "outbound-switch", 0, 3600, 0, GDOI_DP_SWITCH_DEF, &v) != 0)
		return -1;
	d->dp_switch_s = (uint32_t)v;
	if (attr_uint(l, n, "reqid", 1, 0xffff0000ul, 0, GDOI_DP_REQID_DEF, &v) != 0)
		return -1;
	d->dp_reqid = (uint32_t)v;
	if (attr_uint(l, n, "priority", 1, 0xfffe0000ul, 0, GDOI_DP_PRIORITY_DEF, &v) != 0)
		return -1;
	d->dp_priority = (uint32_t)v;
	if ((r = attr_tok(l, n, "mark", buf, sizeof(buf))) < 0)
		return -1;
	if (r > 0) {
		/* V or V/M, each decimal or 0x hex; M defaults to 0xffffffff */
		errno = 0;
		mark = strtoul(buf, &end, 0);
		mask = 0xffffffffu;
		if (*end == '/')
			mask = strtoul(end + 1, &end, 0);
		if (*end != '\0' || errno != 0 || mark > 0xffffffffu || mask > 0xffffffffu ||
		    mask == 0 || (mark & ~mask) != 0)
			return ld_fail(l, n, "mark=\"%s\": want VALUE or VALUE/MASK, VALUE within MASK",
			    buf);
	}
	d->dp_mark = (uint32_t)mark;
	d->dp_mask = (uint32_t)mask;
	if ((r = attr_tok(l, n, "wan-mark", buf, sizeof(buf))) < 0)
		return -1;
	d->dp_wan_mark = GDOI_DP_WAN_MARK_DEF;
	if (r > 0) {
		errno = 0;
		v = strtoul(buf, &end, 0);
		if (*end != '\0' || errno != 0 || v == 0 || v > 0xffffffffu)
			return ld_fail(l, n, "wan-mark=\"%s\": want a non-zero 32-bit value", buf);
		d->dp_wan_mark = (uint32_t)v;
	}
	if ((d->dp_wan_mark & d->dp_mask) != 0)
		return ld_fail(l, n, "wan-mark 0x%x overlaps the mark mask 0x%x", d->dp_wan_mark,
		    d->dp_mask);
	if (attr_tok(l, n, "interface", d->dp_ifname, sizeof(d->dp_ifname)) < 0)
		return -1;
	if ((r = attr_tok(l, n, "nft-table", d->dp_table, sizeof(d->dp_table))) < 0)
		return -1;
	if (r == 0)
		snprintf(d->dp_table, sizeof(d->dp_table), "gdoi_gm");
	return attr_dup(l, n, "esp-keylog", 0, &d->dp_esp_keylog);
}

/* ------------------------------------------------------------------ */
/* daemon                                                               */

static int
ld_daemon(struct ld *l, const xmlNode *n)
{
	struct gdoi_conf *c = l->l_c;
	const xmlNode *k;
	unsigned long port, workers;
	size_t i;

	if (c->c_ctl_socket != NULL || c->c_pid_file != NULL || c->c_state_dir != NULL ||
	    c->c_keylog != NULL || c->c_nlisten != 0)
		return ld_fail(l, n, "given twice");
	if (attr_dup(l, n, "control-socket", 0, &c->c_ctl_socket) != 0 ||
	    attr_dup(l, n, "pid-file", 0, &c->c_pid_file) != 0 ||
	    attr_dup(l, n, "state-dir", 0, &c->c_state_dir) != 0 ||
	    attr_dup(l, n, "keylog", 0, &c->c_keylog) != 0 ||
	    attr_dup(l, n, "control-group", 0, &c->c_ctl_group) != 0 ||
	    attr_uint(l, n, "port", 1, 65535, 0, PORT_DEF, &port) != 0 ||
	    attr_uint(l, n, "dh-workers", 0, 8, 0, 1000, &workers) != 0)
		return -1;
	c->c_dh_workers = workers == 1000 ? -1 : (int)workers;
	if (c->c_ctl_group != NULL && getgrnam(c->c_ctl_group) == NULL)
		return ld_fail(l, n, "control-group: no group %s on this system", c->c_ctl_group);
	c->c_port = (uint16_t)port;
	i = count_children(n, "listen");
	if (i == 0)
		return 0;
	if ((c->c_listen = calloc(i, sizeof(*c->c_listen))) == NULL)
		return ld_nomem(l, n);
	for (k = n->children; k != NULL; k = k->next) {
		if (!is_elem(k, "listen"))
			continue;
		if (attr_addr(l, k, "address", 1, &c->c_listen[c->c_nlisten].la_af,
		    c->c_listen[c->c_nlisten].la_addr) != 0)
			return -1;
		for (i = 0; i < c->c_nlisten; i++)
			if (c->c_listen[i].la_af == c->c_listen[c->c_nlisten].la_af &&
			    memcmp(c->c_listen[i].la_addr, c->c_listen[c->c_nlisten].la_addr,
			    16) == 0)
				return ld_fail(l, k, "address given twice");
		c->c_nlisten++;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* crypto isakmp                                                        */

static const struct kw kw_ike_enc[] = {
	{ "aes", IKE_ENC_AES_CBC }, { "3des", IKE_ENC_3DES_CBC }, { NULL, 0 } };
static const struct kw kw_ike_hash[] = {
	{ "sha", IKE_HASH_SHA1 }, { "sha256", IKE_HASH_SHA256 }, { "sha384", IKE_HASH_SHA384 },
	{ "sha512", IKE_HASH_SHA512 }, { NULL, 0 } };
static const struct kw kw_ike_auth[] = {
	{ "pre-share", IKE_AUTH_PSK }, { "rsa-sig", IKE_AUTH_RSA_SIG }, { NULL, 0 } };
static const struct kw kw_ike_group[] = {
	{ "14", 14 }, { "15", 15 }, { "19", 19 }, { "20", 20 }, { "21", 21 }, { NULL, 0 } };
static const struct kw kw_aes_bits[] = {
	{ "128", 128 }, { "192", 192 }, { "256", 256 }, { NULL, 0 } };

static int
ld_ike_policy(struct ld *l, const xmlNode *n)
{
	struct gdoi_conf *c = l->l_c;
	struct gdoi_p1_policy *p = &c->c_ike[c->c_nike];
	unsigned long prio, life;
	unsigned enc, bits, hash, auth, grp;
	size_t i;

	if (attr_uint(l, n, "priority", IKE_PRIO_MIN, IKE_PRIO_MAX, 1, 0, &prio) != 0 ||
	    attr_kw(l, n, "encryption", kw_ike_enc, 1, 0, &enc) != 0 ||
	    attr_kw(l, n, "key-length", kw_aes_bits, 0, 0, &bits) != 0 ||
	    attr_kw(l, n, "hash", kw_ike_hash, 1, 0, &hash) != 0 ||
	    attr_kw(l, n, "authentication", kw_ike_auth, 1, 0, &auth) != 0 ||
	    attr_kw(l, n, "group", kw_ike_group, 1, 0, &grp) != 0 ||
	    attr_uint(l, n, "lifetime", IKE_LIFE_MIN, IKE_LIFE_MAX, 0, IKE_LIFE_DEF, &life) != 0)
		return -1;
	for (i = 0; i < c->c_nike; i++)
		if (l->l_prio[i] == prio)
			return ld_fail(l, n, "priority %lu already used at line %u", prio,
			    l->l_ike_line[i]);
	if (enc == IKE_ENC_3DES_CBC && bits != 0)
		return ld_fail(l, n, "key-length is for aes only");
	if (enc == IKE_ENC_AES_CBC && bits == 0)
		bits = 128;
	p->pp_enc = (uint16_t)enc;
	p->pp_keylen = (uint16_t)bits;
	p->pp_hash = (uint16_t)hash;
	p->pp_auth = (uint16_t)auth;
	p->pp_group = (uint16_t)grp;
	p->pp_life_s = (uint32_t)life;
	l->l_prio[c->c_nike] = (unsigned)prio;
	l->l_ike_line[c->c_nike] = (unsigned)xmlGetLineNo(n);
	c->c_nike++;
	return 0;
}

static int
ld_ike_key(struct ld *l, const xmlNode *n)
{
	struct gdoi_conf *c = l->l_c;
	struct gdoi_conf_psk *k = &c->c_psk[c->c_npsk];
	char abuf[128], mbuf[64];
	const char *secret, *why;
	size_t i, len;
	int r;

	if (attr_tok(l, n, "address", abuf, sizeof(abuf)) <= 0)
		return l->l_failed ? -1 : ld_fail(l, n, "address is missing");
	if ((r = attr_tok(l, n, "mask", mbuf, sizeof(mbuf))) < 0)
		return -1;
	if (r > 0) {
		if (strchr(abuf, '/') != NULL)
			return ld_fail(l, n, "give either a mask or a prefix length");
		if (parse_addr(abuf, &k->ck_af, k->ck_addr) != 0 || k->ck_af != 4)
			return ld_fail(l, n, "address \"%s\" is not an IPv4 address (mask given)",
			    abuf);
		if (parse_mask(mbuf, 0, &k->ck_plen) != 0)
			return ld_fail(l, n, "mask \"%s\" is not a contiguous IPv4 netmask", mbuf);
		if (!host_bits_zero(k->ck_addr, 4, k->ck_plen))
			return ld_fail(l, n, "address \"%s\" has host bits set beyond the mask",
			    abuf);
	} else if ((why = parse_prefix(abuf, &k->ck_af, k->ck_addr, &k->ck_plen)) != NULL)
		return ld_fail(l, n, "address \"%s\" %s", abuf, why);
	if ((secret = attr(l, n, "secret")) == NULL)
		return l->l_failed ? -1 : ld_fail(l, n, "secret is missing");
	len = strlen(secret);
	if (len == 0 || len > GDOI_P1_PSK_MAX)
		return ld_fail(l, n, "secret must have 1..%d octets", GDOI_P1_PSK_MAX);
	for (i = 0; i < c->c_npsk; i++)
		if (c->c_psk[i].ck_af == k->ck_af && c->c_psk[i].ck_plen == k->ck_plen &&
		    memcmp(c->c_psk[i].ck_addr, k->ck_addr, 16) == 0)
			return ld_fail(l, n, "a key for %s was already given at line %u", abuf,
			    c->c_psk[i].ck_line);
	if ((k->ck_secret = malloc(len)) == NULL)
		return ld_nomem(l, n);
	memcpy(k->ck_secret, secret, len);
	k->ck_secretlen = len;
	k->ck_line = (unsigned)xmlGetLineNo(n);
	c->c_npsk++;
	return 0;
}

static int
ld_ike_certs(struct ld *l, const xmlNode *n)
{
	struct gdoi_conf *c = l->l_c;

	if (c->c_cert_key != NULL)
		return ld_fail(l, n, "given twice");
	if (attr_dup(l, n, "key", 1, &c->c_cert_key) != 0 ||
	    attr_dup(l, n, "cert", 1, &c->c_cert) != 0 ||
	    attr_dup(l, n, "ca", 1, &c->c_cert_ca) != 0)
		return -1;
	return 0;
}

static const struct kw kw_ident[] = {
	{ "address", 1 }, { "dn", 2 }, { "hostname", 3 }, { "fqdn", 3 }, { "user-fqdn", 4 },
	{ "key-id", 5 }, { NULL, 0 } };

static int
ld_ike_identity(struct ld *l, const xmlNode *n, int *want_dn)
{
	struct gdoi_id *id = &l->l_c->c_local_id;
	const char *v;
	unsigned type;
	uint8_t af, addr[16], *data;
	size_t len;

	if (attr_kw(l, n, "type", kw_ident, 1, 0, &type) != 0)
		return -1;
	v = attr(l, n, "value");
	if (v == NULL && l->l_failed)
		return -1;
	if (type == 2) {	/* dn: our certificate's subject */
		if (v != NULL)
			return ld_fail(l, n, "type dn takes no value (the certificate subject is "
			    "sent)");
		*want_dn = 1;
		return 0;
	}
	if (v == NULL || *v == '\0')
		return ld_fail(l, n, "value is missing");
	if (type == 1) {
		if (attr_addr(l, n, "value", 1, &af, addr) != 0)
			return -1;
		id->id_type = af == 4 ? ID_IPV4_ADDR : ID_IPV6_ADDR;
		len = af == 4 ? 4 : 16;
		v = (const char *)addr;
	} else {
		if (type == 4 && strchr(v, '@') == NULL)
			return ld_fail(l, n, "user-fqdn \"%s\" has no '@'", v);
		id->id_type = type == 3 ? ID_FQDN : type == 4 ? ID_USER_FQDN : ID_KEY_ID;
		len = strlen(v);
	}
	if ((data = malloc(len)) == NULL)
		return ld_nomem(l, n);
	memcpy(data, v, len);
	id->id_data.ptr = data;
	id->id_data.len = len;
	return 0;
}

/* Sort c_ike (and the parallel arrays) by priority. */
static void
ld_sort_ike(struct ld *l)
{
	struct gdoi_conf *c = l->l_c;
	size_t i, j;

	for (i = 1; i < c->c_nike; i++) {
		struct gdoi_p1_policy p = c->c_ike[i];
		unsigned prio = l->l_prio[i], line = l->l_ike_line[i];

		for (j = i; j > 0 && l->l_prio[j - 1] > prio; j--) {
			c->c_ike[j] = c->c_ike[j - 1];
			l->l_prio[j] = l->l_prio[j - 1];
			l->l_ike_line[j] = l->l_ike_line[j - 1];
		}
		c->c_ike[j] = p;
		l->l_prio[j] = prio;
		l->l_ike_line[j] = line;
	}
}

static int
ld_isakmp(struct ld *l, const xmlNode *n)
{
	struct gdoi_conf *c = l->l_c;
	const xmlNode *k;
	size_t np, nk, i;
	int psk = 0, rsa = 0, want_dn = 0, have_id = 0;

	if (c->c_ike != NULL)
		return ld_fail(l, n, "given twice");
	np = count_children(n, "policy");
	nk = count_children(n, "key");
	if (np == 0)
		return ld_fail(l, n, "at least one policy is needed");
	if (np > GDOI_P1_MAX_POLICY)
		return ld_fail(l, n, "more than %d policies", GDOI_P1_MAX_POLICY);
	c->c_ike = calloc(np, sizeof(*c->c_ike));
	l->l_prio = calloc(np, sizeof(*l->l_prio));
	l->l_ike_line = calloc(np, sizeof(*l->l_ike_line));
	if (c->c_ike == NULL || l->l_prio == NULL || l->l_ike_line == NULL)
		return ld_nomem(l, n);
	if (nk > 0 && (c->c_psk = calloc(nk, sizeof(*c->c_psk))) == NULL)
		return ld_nomem(l, n);
	for (k = n->children; k != NULL; k = k->next) {
		if (k->type != XML_ELEMENT_NODE)
			continue;
		if (is_elem(k, "policy")) {
			if (ld_ike_policy(l, k) != 0)
				return -1;
		} else if (is_elem(k, "key")) {
			if (ld_ike_key(l, k) != 0)
				return -1;
		} else if (is_elem(k, "certificates")) {
			if (ld_ike_certs(l, k) != 0)
				return -1;
		} else if (is_elem(k, "identity")) {
			if (have_id++)
				return ld_fail(l, k, "given twice");
			if (ld_ike_identity(l, k, &want_dn) != 0)
				return -1;
		} else
			return ld_fail(l, k, "unknown element in isakmp");
	}
	for (i = 0; i < c->c_nike; i++) {
		psk |= c->c_ike[i].pp_auth == IKE_AUTH_PSK;
		rsa |= c->c_ike[i].pp_auth == IKE_AUTH_RSA_SIG;
	}
	if (psk && c->c_npsk == 0)
		return ld_fail(l, n, "a pre-share policy needs at least one key");
	if (rsa && c->c_cert_key == NULL)
		return ld_fail(l, n, "an rsa-sig policy needs certificates");
	if (want_dn && c->c_cert_key == NULL)
		return ld_fail(l, n, "identity dn needs certificates");
	ld_sort_ike(l);
	return 0;
}

/* ------------------------------------------------------------------ */
/* ip access-list extended                                              */

static const struct kw kw_proto[] = {
	{ "ip", 0 }, { "icmp", 1 }, { "igmp", 2 }, { "tcp", 6 }, { "udp", 17 }, { "gre", 47 },
	{ "esp", 50 }, { "ahp", 51 }, { "eigrp", 88 }, { "ospf", 89 }, { "pim", 103 },
	{ NULL, 0 } };

static int
ld_ace(struct ld *l, const xmlNode *n, struct gdoi_ace *e)
{
	char buf[128];
	const char *why;
	unsigned long v;
	uint8_t saf, daf;
	int r;

	memset(e, 0, sizeof(*e));
	e->ace_permit = is_elem(n, "permit");
	if ((r = attr_tok(l, n, "protocol", buf, sizeof(buf))) <= 0)
		return r < 0 ? -1 : ld_fail(l, n, "protocol is missing");
	if (buf[0] >= '0' && buf[0] <= '9') {
		if (attr_uint(l, n, "protocol", 0, 255, 1, 0, &v) != 0)
			return -1;
		e->ace_proto = (uint8_t)v;
	} else {
		unsigned p;

		if (attr_kw(l, n, "protocol", kw_proto, 1, 0, &p) != 0)
			return -1;
		e->ace_proto = (uint8_t)p;
	}
	if ((r = attr_tok(l, n, "source", buf, sizeof(buf))) <= 0)
		return r < 0 ? -1 : ld_fail(l, n, "source is missing");
	if ((why = parse_operand(buf, &saf, e->ace_src, &e->ace_src_plen)) != NULL)
		return ld_fail(l, n, "source \"%s\" %s", buf, why);
	if ((r = attr_tok(l, n, "destination", buf, sizeof(buf))) <= 0)
		return r < 0 ? -1 : ld_fail(l, n, "destination is missing");
	if ((why = parse_operand(buf, &daf, e->ace_dst, &e->ace_dst_plen)) != NULL)
		return ld_fail(l, n, "destination \"%s\" %s", buf, why);
	if (saf != 0 && daf != 0 && saf != daf)
		return ld_fail(l, n, "source and destination are of different address families");
	e->ace_af = saf ? saf : daf ? daf : 4;
	if (attr_uint(l, n, "source-port", 1, 65535, 0, 0, &v) != 0)
		return -1;
	e->ace_sport = (uint16_t)v;
	if (attr_uint(l, n, "destination-port", 1, 65535, 0, 0, &v) != 0)
		return -1;
	e->ace_dport = (uint16_t)v;
	if ((e->ace_sport || e->ace_dport) && e->ace_proto != 6 && e->ace_proto != 17)
		return ld_fail(l, n, "ports need protocol tcp or udp");
	return 0;
}

static int
ld_acl(struct ld *l, const xmlNode *n)
{
	struct gdoi_conf *c = l->l_c;
	struct gdoi_conf_acl *a = &c->c_acl[c->c_nacl];
	const xmlNode *k;
	size_t i, ne;

	if (attr_name(l, n, "name", a->acl_name) != 0)
		return -1;
	a->acl_line = (unsigned)xmlGetLineNo(n);
	for (i = 0; i < c->c_nacl; i++)
		if (strcmp(c->c_acl[i].acl_name, a->acl_name) == 0)
			return ld_fail(l, n, "access-list \"%s\" already defined at line %u",
			    a->acl_name, c->c_acl[i].acl_line);
	ne = count_children(n, NULL);
	if (ne == 0)
		return ld_fail(l, n, "\"%s\" has no entries", a->acl_name);
	if (ne > GDOI_ACL_MAX)
		return ld_fail(l, n, "\"%s\" has more than %d entries", a->acl_name,
		    GDOI_ACL_MAX);
	c->c_nacl++;	/* from here on, freed with the config */
	if ((a->acl_e = calloc(ne, sizeof(*a->acl_e))) == NULL)
		return ld_nomem(l, n);
	for (k = n->children; k != NULL; k = k->next) {
		if (k->type != XML_ELEMENT_NODE)
			continue;
		if (!is_elem(k, "permit") && !is_elem(k, "deny"))
			return ld_fail(l, k, "not permit or deny");
		if (ld_ace(l, k, &a->acl_e[a->acl_n]) != 0)
			return -1;
		a->acl_n++;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* crypto ipsec transform-set / profile                                 */

static const struct kw kw_esp[] = {
	{ "esp-aes", ESP_T_AES_CBC }, { "esp-gcm", ESP_T_AES_GCM_16 }, { NULL, 0 } };
static const struct kw kw_hmac[] = {
	{ "esp-sha-hmac", IPSEC_AUTH_HMAC_SHA1 }, { "esp-sha256-hmac", IPSEC_AUTH_HMAC_SHA256 },
	{ NULL, 0 } };

static int
ld_ts(struct ld *l, const xmlNode *n)
{
	struct ld_ts *t = &l->l_ts[l->l_nts];
	unsigned esp, bits, hmac;
	size_t i;

	if (attr_name(l, n, "name", t->ts_name) != 0 ||
	    attr_kw(l, n, "esp", kw_esp, 1, 0, &esp) != 0 ||
	    attr_kw(l, n, "key-length", kw_aes_bits, 0, 128, &bits) != 0 ||
	    attr_kw(l, n, "hmac", kw_hmac, 0, 0, &hmac) != 0)
		return -1;
	for (i = 0; i < l->l_nts; i++)
		if (strcmp(l->l_ts[i].ts_name, t->ts_name) == 0)
			return ld_fail(l, n, "transform-set \"%s\" already defined at line %u",
			    t->ts_name, l->l_ts[i].ts_line);
	if (bits != 128 && bits != 256)
		return ld_fail(l, n, "key-length %u: esp takes 128 or 256", bits);
	if (esp == ESP_T_AES_GCM_16 && hmac != 0)
		return ld_fail(l, n, "esp-gcm takes no hmac (GCM authenticates by itself)");
	if (esp == ESP_T_AES_CBC && hmac == 0)
		return ld_fail(l, n, "esp-aes needs an hmac (esp-sha-hmac or esp-sha256-hmac)");
	t->ts_x.tx_esp = (uint8_t)esp;
	t->ts_x.tx_keybits = (uint16_t)bits;
	t->ts_x.tx_auth = (uint16_t)hmac;
	t->ts_line = (unsigned)xmlGetLineNo(n);
	l->l_nts++;
	return 0;
}

static int
ld_profile(struct ld *l, const xmlNode *n)
{
	struct gdoi_conf *c = l->l_c;
	struct gdoi_conf_profile *p = &c->c_profile[c->c_nprofile];
	char ts[GDOI_CONF_NAME_MAX];
	unsigned long life;
	size_t i;

	if (attr_name(l, n, "name", p->pr_name) != 0 ||
	    attr_name(l, n, "transform-set", ts) != 0 ||
	    attr_uint(l, n, "lifetime", TEK_LIFE_MIN, TEK_LIFE_MAX, 0, TEK_LIFE_DEF, &life) != 0)
		return -1;
	p->pr_line = (unsigned)xmlGetLineNo(n);
	for (i = 0; i < c->c_nprofile; i++)
		if (strcmp(c->c_profile[i].pr_name, p->pr_name) == 0)
			return ld_fail(l, n, "ipsec-profile \"%s\" already defined at line %u",
			    p->pr_name, c->c_profile[i].pr_line);
	for (i = 0; i < l->l_nts; i++)
		if (strcmp(l->l_ts[i].ts_name, ts) == 0)
			break;
	if (i == l->l_nts)
		return ld_fail(l, n, "unknown transform-set \"%s\"", ts);
	p->pr_x = l->l_ts[i].ts_x;
	p->pr_life_s = (uint32_t)life;
	c->c_nprofile++;
	return 0;
}

/* ------------------------------------------------------------------ */
/* crypto gdoi group                                                    */

static const struct kw kw_sig_hash[] = {
	{ "sha256", SIG_HASH_SHA256 }, { "sha", SIG_HASH_SHA1 }, { NULL, 0 } };
static const struct kw kw_rsa_bits[] = {
	{ "2048", 2048 }, { "3072", 3072 }, { "4096", 4096 }, { NULL, 0 } };
static const struct kw kw_rekey_alg[] = { { "aes", 1 }, { NULL, 0 } };
/* before-expiry: IOS 15.2(1)T and later; at-expiry: the old behaviour */
static const struct kw kw_kek_rekey[] = {
	{ "before-expiry", 0 }, { "at-expiry", 1 }, { NULL, 0 } };
/* adaptive: ours (DESIGN.md); naive: a new-behaviour GM that does not
 * adapt to an old KS (two registrations per KEK cycle against it) */
static const struct kw kw_kek_rereg[] = {
	{ "adaptive", 0 }, { "naive", 1 }, { NULL, 0 } };

/* Defaults of a rekey block (also when there is none). */
static void
rekey_defaults(struct gdoi_conf_rekey *rk)
{
	memset(rk, 0, sizeof(*rk));
	rk->rk_life_s = KEK_LIFE_DEF;
	rk->rk_retx_interval = RETX_IVL_DEF;
	rk->rk_retx_count = RETX_NUM_DEF;
	rk->rk_keybits = RK_KEYBITS_DEF;
	rk->rk_sig_hash = SIG_HASH_SHA256;
	rk->rk_key_bits = RK_RSA_BITS_DEF;
	rk->rk_ttl = RK_TTL_DEF;
}

static int
ld_rekey(struct ld *l, const xmlNode *n, struct gdoi_conf_group *g)
{
	struct gdoi_conf_rekey *rk = &g->g_rekey;
	unsigned long life, ivl, num, ttl;
	unsigned alg, bits, hash, rsa, legacy;
	char buf[64];

	if (rk->rk_key_path != NULL)
		return ld_fail(l, n, "given twice");
	if (attr_addr(l, n, "address", 0, &rk->rk_af, rk->rk_addr) != 0 ||
	    attr_uint(l, n, "lifetime", KEK_LIFE_MIN, KEK_LIFE_MAX, 0, KEK_LIFE_DEF, &life) != 0 ||
	    attr_uint(l, n, "retransmit-interval", RETX_IVL_MIN, RETX_IVL_MAX, 0, RETX_IVL_DEF,
	    &ivl) != 0 ||
	    attr_uint(l, n, "retransmit-number", 0, RETX_NUM_MAX, 0, RETX_NUM_DEF, &num) != 0 ||
	    attr_kw(l, n, "algorithm", kw_rekey_alg, 0, 1, &alg) != 0 ||
	    attr_kw(l, n, "key-length", kw_aes_bits, 0, RK_KEYBITS_DEF, &bits) != 0 ||
	    attr_kw(l, n, "authentication-key-bits", kw_rsa_bits, 0, RK_RSA_BITS_DEF, &rsa) != 0 ||
	    attr_kw(l, n, "signature-hash", kw_sig_hash, 0, SIG_HASH_SHA256, &hash) != 0 ||
	    attr_bool(l, n, "acknowledgement", 0, &rk->rk_ack) != 0 ||
	    attr_uint(l, n, "ttl", 1, 255, 0, RK_TTL_DEF, &ttl) != 0 ||
	    attr_kw(l, n, "kek-rekey", kw_kek_rekey, 0, 0, &legacy) != 0)
		return -1;
	(void)alg;	/* aes is the only one */
	rk->rk_ttl = (uint8_t)ttl;
	rk->rk_legacy = (uint8_t)legacy;
	if (rk->rk_af == 0 && xmlHasNsProp(n, (const xmlChar *)"ttl", NULL) != NULL)
		return ld_fail(l, n, "ttl is for multicast rekeys (give the address)");
	if (rk->rk_af != 0) {
		if (!is_multicast(rk->rk_af, rk->rk_addr))
			return ld_fail(l, n, "address %s is not a multicast group (for unicast "
			    "rekeys leave it out)", addr_str(rk->rk_af, rk->rk_addr, buf,
			    sizeof(buf)));
		if (g->g_local_af != 0 && g->g_local_af != rk->rk_af)
			return ld_fail(l, n, "address is not of the family of the server-local "
			    "address");
		rk->rk_multicast = 1;
		if (rk->rk_ack)
			return ld_fail(l, n, "acknowledgement is for unicast rekeys only");
	}
	if (life <= KEK_LIFE_MARGIN + num * ivl)
		return ld_fail(l, n, "lifetime %lu must exceed %d + retransmit-number * "
		    "retransmit-interval (%lu)", life, KEK_LIFE_MARGIN, KEK_LIFE_MARGIN + num * ivl);
	rk->rk_life_s = (uint32_t)life;
	rk->rk_retx_interval = (uint32_t)ivl;
	rk->rk_retx_count = (uint32_t)num;
	rk->rk_keybits = (uint16_t)bits;
	rk->rk_sig_hash = (uint8_t)hash;
	rk->rk_key_bits = (uint16_t)rsa;
	return attr_dup(l, n, "authentication-key", 1, &rk->rk_key_path);
}

static int
ld_sa(struct ld *l, const xmlNode *n, struct gdoi_conf_group *g, size_t *nace)
{
	struct gdoi_conf *c = l->l_c;
	struct gdoi_conf_sa *sa = &g->g_sa[g->g_nsa];
	char prof[GDOI_CONF_NAME_MAX], acl[GDOI_CONF_NAME_MAX];
	unsigned long seq;
	size_t i;

	if (attr_uint(l, n, "number", SA_SEQ_MIN, SA_SEQ_MAX, 1, 0, &seq) != 0 ||
	    attr_name(l, n, "profile", prof) != 0 || attr_name(l, n, "match-address", acl) != 0)
		return -1;
	for (i = 0; i < g->g_nsa; i++)
		if (g->g_sa[i].sa_seq == seq)
			return ld_fail(l, n, "sa-ipsec %lu given twice in group %s", seq,
			    g->g_name);
	sa->sa_seq = (unsigned)seq;
	for (i = 0; i < c->c_nprofile; i++)
		if (strcmp(c->c_profile[i].pr_name, prof) == 0)
			break;
	if (i == c->c_nprofile)
		return ld_fail(l, n, "sa-ipsec %lu: unknown ipsec-profile \"%s\"", seq, prof);
	sa->sa_profile = i;
	for (i = 0; i < c->c_nacl; i++)
		if (strcmp(c->c_acl[i].acl_name, acl) == 0)
			break;
	if (i == c->c_nacl)
		return ld_fail(l, n, "sa-ipsec %lu: unknown access-list \"%s\"", seq, acl);
	sa->sa_acl = i;
	*nace += c->c_acl[i].acl_n;
	if (*nace > GDOI_ACL_MAX)
		return ld_fail(l, n, "group %s: more than %d access-list entries over all "
		    "sa-ipsec", g->g_name, GDOI_ACL_MAX);
	g->g_nsa++;
	return 0;
}

static int
ld_authz(struct ld *l, const xmlNode *n, struct gdoi_conf_authz *az)
{
	const char *v;

	az->az_line = (unsigned)xmlGetLineNo(n);
	if (is_elem(n, "address")) {
		az->az_type = GDOI_AUTHZ_ADDRESS;
		return attr_prefix(l, n, "prefix", &az->az_af, az->az_addr, &az->az_plen);
	}
	if (is_elem(n, "fqdn"))
		az->az_type = GDOI_AUTHZ_FQDN;
	else if (is_elem(n, "user-fqdn"))
		az->az_type = GDOI_AUTHZ_USER_FQDN;
	else if (is_elem(n, "dn"))
		az->az_type = GDOI_AUTHZ_DN;
	else if (is_elem(n, "key-id"))
		az->az_type = GDOI_AUTHZ_KEY_ID;
	else
		return ld_fail(l, n, "unknown element in authorization");
	if (attr_dup(l, n, "name", 1, &az->az_name) != 0)
		return -1;
	v = az->az_name;
	if (az->az_type == GDOI_AUTHZ_USER_FQDN && strchr(v, '@') == NULL)
		return ld_fail(l, n, "\"%s\" has no '@'", v);
	if (az->az_type == GDOI_AUTHZ_DN && strchr(v, '=') == NULL)
		return ld_fail(l, n, "\"%s\" is not a DN in RFC 4514 text (CN=...,O=...)", v);
	return 0;
}

static int
sa_cmp(const void *a, const void *b)
{
	const struct gdoi_conf_sa *x = a, *y = b;

	return x->sa_seq < y->sa_seq ? -1 : x->sa_seq > y->sa_seq;
}

static int
ld_server_local(struct ld *l, const xmlNode *n, struct gdoi_conf_group *g)
{
	const xmlNode *k, *a;
	unsigned long sid;
	size_t nsa, naz, nace = 0;

	g->g_server_local = 1;
	if (attr_addr(l, n, "address", 0, &g->g_local_af, g->g_local_addr) != 0 ||
	    attr_uint(l, n, "sender-id-bits", SID_BITS_MIN, SID_BITS_MAX, 0, SID_BITS_DEF,
	    &sid) != 0)
		return -1;
	g->g_sid_bits = (uint8_t)sid;
	nsa = count_children(n, "sa-ipsec");
	if (nsa == 0)
		return ld_fail(l, n, "group %s: at least one sa-ipsec is needed", g->g_name);
	if (nsa > GDOI_TEK_MAX)
		return ld_fail(l, n, "group %s: more than %d sa-ipsec", g->g_name, GDOI_TEK_MAX);
	if ((g->g_sa = calloc(nsa, sizeof(*g->g_sa))) == NULL)
		return ld_nomem(l, n);
	naz = 0;
	for (k = n->children; k != NULL; k = k->next)
		if (is_elem(k, "authorization"))
			naz += count_children(k, NULL);
	if (naz > 0 && (g->g_authz = calloc(naz, sizeof(*g->g_authz))) == NULL)
		return ld_nomem(l, n);
	for (k = n->children; k != NULL; k = k->next) {
		if (k->type != XML_ELEMENT_NODE)
			continue;
		if (is_elem(k, "rekey")) {
			if (ld_rekey(l, k, g) != 0)
				return -1;
		} else if (is_elem(k, "sa-ipsec")) {
			if (ld_sa(l, k, g, &nace) != 0)
				return -1;
		} else if (is_elem(k, "authorization")) {
			for (a = k->children; a != NULL; a = a->next) {
				if (a->type != XML_ELEMENT_NODE)
					continue;
				g->g_nauthz++;	/* freed with the config from here */
				if (ld_authz(l, a, &g->g_authz[g->g_nauthz - 1]) != 0)
					return -1;
			}
		} else
			return ld_fail(l, k, "unknown element in server-local");
	}
	qsort(g->g_sa, g->g_nsa, sizeof(*g->g_sa), sa_cmp);
	return 0;
}

static int
ld_group(struct ld *l, const xmlNode *n)
{
	struct gdoi_conf *c = l->l_c;
	struct gdoi_conf_group *g = &c->c_group[c->c_ngroup];
	const xmlNode *k;
	unsigned long id;
	size_t i, nloc, nsrv;
	char buf[64];
	uint8_t req;
	unsigned naive;

	rekey_defaults(&g->g_rekey);
	g->g_sid_bits = SID_BITS_DEF;
	g->g_line = (unsigned)xmlGetLineNo(n);
	c->c_ngroup++;	/* from here on, freed with the config */
	if (attr_name(l, n, "name", g->g_name) != 0 ||
	    attr_uint(l, n, "identity", 0, UINT32_MAX, 1, 0, &id) != 0 ||
	    attr_bool(l, n, "sender-id-request", 1, &req) != 0 ||
	    attr_kw(l, n, "kek-reregistration", kw_kek_rereg, 0, 0, &naive) != 0)
		return -1;
	g->g_identity = (uint32_t)id;
	g->g_gm_sid_request = req;
	g->g_gm_naive = (uint8_t)naive;
	for (i = 0; i + 1 < c->c_ngroup; i++) {
		if (strcmp(c->c_group[i].g_name, g->g_name) == 0)
			return ld_fail(l, n, "group %s already defined at line %u", g->g_name,
			    c->c_group[i].g_line);
		if (c->c_group[i].g_identity == g->g_identity)
			return ld_fail(l, n, "group %s: identity %lu already used by group %s "
			    "(line %u)", g->g_name, id, c->c_group[i].g_name,
			    c->c_group[i].g_line);
	}
	nloc = count_children(n, "server-local");
	nsrv = count_children(n, "server");
	if (nloc == 0 && nsrv == 0)
		return ld_fail(l, n, "group %s has neither server-local (key server) nor server "
		    "(group member)", g->g_name);
	if (nloc != 0 && nsrv != 0)
		return ld_fail(l, n, "group %s has both server-local and server: a group is "
		    "served here or by others, not both", g->g_name);
	if (nloc > 1)
		return ld_fail(l, n, "group %s has more than one server-local", g->g_name);
	if (nloc != 0 && xmlHasNsProp(n, (const xmlChar *)"sender-id-request", NULL) != NULL)
		return ld_fail(l, n, "group %s: sender-id-request is for group members (server)",
		    g->g_name);
	if (nloc != 0 && xmlHasNsProp(n, (const xmlChar *)"kek-reregistration", NULL) != NULL)
		return ld_fail(l, n, "group %s: kek-reregistration is for group members (server)",
		    g->g_name);
	if (nsrv > 0 && (g->g_server = calloc(nsrv, sizeof(*g->g_server))) == NULL)
		return ld_nomem(l, n);
	for (k = n->children; k != NULL; k = k->next) {
		if (k->type != XML_ELEMENT_NODE)
			continue;
		if (is_elem(k, "server-local")) {
			if (ld_server_local(l, k, g) != 0)
				return -1;
		} else if (is_elem(k, "server")) {
			uint8_t *af = &g->g_server[g->g_nserver].sv_af;
			uint8_t *addr = g->g_server[g->g_nserver].sv_addr;

			if (attr_addr(l, k, "address", 1, af, addr) != 0)
				return -1;
			for (i = 0; i < g->g_nserver; i++)
				if (g->g_server[i].sv_af == *af &&
				    memcmp(g->g_server[i].sv_addr, addr, 16) == 0)
					return ld_fail(l, k, "%s listed twice in group %s",
					    addr_str(*af, addr, buf, sizeof(buf)), g->g_name);
			g->g_nserver++;
		} else
			return ld_fail(l, k, "unknown element in group");
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* The document                                                         */

/*
 * Convert the validated tree.  Elements may come in any order, so it goes
 * in passes: settings, isakmp and access lists, then transform sets, then
 * profiles (which name transform sets), then groups (which name profiles
 * and access lists).
 */
static int
ld_doc(struct ld *l, const xmlNode *root)
{
	struct gdoi_conf *c = l->l_c;
	const xmlNode *k;
	size_t n;

	if (!is_elem(root, "gdoi"))
		return ld_fail(l, root, "the document element must be gdoi");
	if ((n = count_children(root, "access-list")) > 0 &&
	    (c->c_acl = calloc(n, sizeof(*c->c_acl))) == NULL)
		return ld_nomem(l, root);
	if ((n = count_children(root, "transform-set")) > 0 &&
	    (l->l_ts = calloc(n, sizeof(*l->l_ts))) == NULL)
		return ld_nomem(l, root);
	if ((n = count_children(root, "ipsec-profile")) > 0 &&
	    (c->c_profile = calloc(n, sizeof(*c->c_profile))) == NULL)
		return ld_nomem(l, root);
	if ((n = count_children(root, "group")) == 0)
		return ld_fail(l, root, "at least one group is needed");
	if ((c->c_group = calloc(n, sizeof(*c->c_group))) == NULL)
		return ld_nomem(l, root);
	if (count_children(root, "isakmp") == 0)
		return ld_fail(l, root, "isakmp is missing");
	c->c_port = PORT_DEF;
	c->c_dh_workers = -1;

	for (k = root->children; k != NULL; k = k->next) {
		if (k->type != XML_ELEMENT_NODE)
			continue;
		if (is_elem(k, "daemon")) {
			if (ld_daemon(l, k) != 0)
				return -1;
		} else if (is_elem(k, "isakmp")) {
			if (ld_isakmp(l, k) != 0)
				return -1;
		} else if (is_elem(k, "access-list")) {
			if (ld_acl(l, k) != 0)
				return -1;
		} else if (is_elem(k, "datapath")) {
			if (ld_datapath(l, k) != 0)
				return -1;
		} else if (!is_elem(k, "transform-set") && !is_elem(k, "ipsec-profile") &&
		    !is_elem(k, "group"))
			return ld_fail(l, k, "unknown element");
	}
	for (k = root->children; k != NULL; k = k->next)
		if (is_elem(k, "transform-set") && ld_ts(l, k) != 0)
			return -1;
	for (k = root->children; k != NULL; k = k->next)
		if (is_elem(k, "ipsec-profile") && ld_profile(l, k) != 0)
			return -1;
	for (k = root->children; k != NULL; k = k->next)
		if (is_elem(k, "group") && ld_group(l, k) != 0)
			return -1;
	return 0;
}

/* The line of the first occurrence of needle in buf (1-based), or 0. */
static long
line_of(const char *buf, size_t len, const char *needle)
{
	size_t nl = strlen(needle), i;
	long line = 1;

	for (i = 0; i + nl <= len; i++) {
		if (memcmp(buf + i, needle, nl) == 0)
			return line;
		if (buf[i] == '\n')
			line++;
	}
	return 0;
}

static void
ld_done(struct ld *l)
{
	size_t i;

	for (i = 0; i < l->l_nstrs; i++) {
		/* attribute values may be secrets */
		OPENSSL_cleanse(l->l_strs[i], strlen((const char *)l->l_strs[i]));
		xmlFree(l->l_strs[i]);
	}
	free(l->l_strs);
	free(l->l_prio);
	free(l->l_ike_line);
	free(l->l_ts);
}

/* Overwrite the text content of every attribute (secrets) before freeing. */
static void
wipe_tree(xmlNode *n)
{
	xmlAttr *a;
	xmlNode *t;

	for (; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		for (a = n->properties; a != NULL; a = a->next)
			for (t = a->children; t != NULL; t = t->next)
				if (t->type == XML_TEXT_NODE && t->content != NULL)
					OPENSSL_cleanse(t->content, strlen((char *)t->content));
		wipe_tree(n->children);
	}
}

/*
 * What each element may hold, for messages only: libxml2 often reports an
 * unknown attribute or child inside an interleave as "Element X failed to
 * validate content" at the parent.  Consulted only after the schema has
 * refused the document, so it can sharpen a message but never changes
 * what is accepted.  It mirrors gdoi.rng (element names are unique there,
 * "address" being the authorization entry).
 */
static const struct {
	const char *r_elem, *r_attrs, *r_children;
} ld_rules[] = {
	{ "gdoi", "", "daemon isakmp datapath access-list transform-set ipsec-profile group" },
	{ "datapath", "xfrm interface local-address outbound-switch reqid priority mark "
	  "wan-mark nft-table esp-keylog", "" },
	{ "daemon", "control-socket control-group pid-file state-dir keylog port dh-workers",
	  "listen" },
	{ "listen", "address", "" },
	{ "isakmp", "", "policy key certificates identity" },
	{ "policy", "priority encryption key-length hash authentication group lifetime", "" },
	{ "key", "address mask secret", "" },
	{ "certificates", "key cert ca", "" },
	{ "identity", "type value", "" },
	{ "access-list", "name", "permit deny" },
	{ "permit", "protocol source destination source-port destination-port", "" },
	{ "deny", "protocol source destination source-port destination-port", "" },
	{ "transform-set", "name esp key-length hmac", "" },
	{ "ipsec-profile", "name transform-set lifetime", "" },
	{ "group", "name identity sender-id-request kek-reregistration", "server-local server" },
	{ "server", "address", "" },
	{ "server-local", "address sender-id-bits", "rekey sa-ipsec authorization" },
	{ "rekey", "address lifetime retransmit-interval retransmit-number algorithm "
	  "key-length authentication-key authentication-key-bits signature-hash "
	  "acknowledgement ttl kek-rekey", "" },
	{ "sa-ipsec", "number profile match-address", "" },
	{ "authorization", "", "address fqdn user-fqdn dn key-id" },
	{ "address", "prefix", "" },
	{ "fqdn", "name", "" },
	{ "user-fqdn", "name", "" },
	{ "dn", "name", "" },
	{ "key-id", "name", "" },
};

/* 1 if word is one of the space-separated words of list. */
static int
word_in(const char *list, const char *word)
{
	size_t n = strlen(word);
	const char *p;

	for (p = list; (p = strstr(p, word)) != NULL; p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return 1;
	return 0;
}

/* The first unknown attribute or misplaced child in document order. */
static int
ld_structure(struct ld *l, const xmlNode *n)
{
	const xmlAttr *a;
	const xmlNode *k;
	size_t i;

	for (i = 0; i < sizeof(ld_rules) / sizeof(ld_rules[0]); i++)
		if (xmlStrEqual(n->name, (const xmlChar *)ld_rules[i].r_elem))
			break;
	if (n->ns != NULL && n->ns->href != NULL)
		return ld_fail(l, n, "element in namespace %s: the configuration has none",
		    (const char *)n->ns->href);
	if (i == sizeof(ld_rules) / sizeof(ld_rules[0]))
		return ld_fail(l, n, "unknown element");
	for (a = n->properties; a != NULL; a = a->next)
		if (a->ns != NULL || !word_in(ld_rules[i].r_attrs, (const char *)a->name))
			return ld_fail(l, n, "unknown attribute %s", (const char *)a->name);
	for (k = n->children; k != NULL; k = k->next) {
		if ((k->type == XML_TEXT_NODE || k->type == XML_CDATA_SECTION_NODE) &&
		    !xmlIsBlankNode(k)) {
			/* libxml2 gives a text node the line where it ends: go
			 * back to its first visible character */
			const char *t = (const char *)k->content;
			long line = xmlGetLineNo(k);

			t += strspn(t, " \t\r\n");
			for (; *t != '\0'; t++)
				line -= *t == '\n';
			return ld_failx(l, GDOI_E_INVAL, line > 0 ? line : xmlGetLineNo(n),
			    "text is not expected inside %s", (const char *)n->name);
		}
		if (k->type != XML_ELEMENT_NODE)
			continue;
		if (!word_in(ld_rules[i].r_children, (const char *)k->name))
			return ld_fail(l, k, "not expected inside %s", (const char *)n->name);
		if (ld_structure(l, k) != 0)
			return -1;
	}
	return 0;
}

/*
 * Sharpen a schema error.  First the structure rules above: an unknown
 * attribute or a child out of place is named precisely.  Then, since
 * libxml2 says only "Element X failed to validate attributes" for a bad
 * attribute value, the conversion, which names the attribute and the
 * value, runs over the (invalid) tree; when it stops on the same line, its
 * message replaces the schema's.  It checks everything it reads and sizes
 * every array by counting the same tree, so an invalid tree is safe to
 * walk.
 */
static void
ld_explain(struct ld *l, xmlDocPtr doc)
{
	struct ld l2;
	char msg[512];

	if (l->l_err == NULL || l->l_errcap == 0)
		return;
	memset(&l2, 0, sizeof(l2));
	l2.l_name = l->l_name;
	l2.l_err = msg;
	l2.l_errcap = sizeof(msg);
	if (ld_structure(&l2, xmlDocGetRootElement(doc)) != 0) {
		snprintf(l->l_err, l->l_errcap, "%s", msg);
		return;
	}
	if (l->l_line <= 0 || strstr(l->l_err, "failed to validate attributes") == NULL)
		return;
	if ((l2.l_c = calloc(1, sizeof(*l2.l_c))) != NULL &&
	    ld_doc(&l2, xmlDocGetRootElement(doc)) != 0 && l2.l_line == l->l_line &&
	    l2.l_rc == GDOI_E_INVAL)
		snprintf(l->l_err, l->l_errcap, "%s", msg);
	ld_done(&l2);
	gdoi_conf_free(l2.l_c);
}

int
gdoi_conf_load_mem(const char *name, const char *xml, size_t len, struct gdoi_conf **out,
    char *err, size_t errcap)
{
	xmlStructuredErrorFunc old_serr;
	xmlGenericErrorFunc old_gerr;
	void *old_sctx, *old_gctx;
	xmlRelaxNGParserCtxtPtr pctx = NULL;
	xmlRelaxNGValidCtxtPtr vctx = NULL;
	xmlRelaxNGPtr rng = NULL;
	xmlDocPtr doc = NULL;
	struct ld l;
	long line;
	int rc;

	if (out != NULL)
		*out = NULL;
	if (err != NULL && errcap > 0)
		err[0] = '\0';
	memset(&l, 0, sizeof(l));
	l.l_name = name != NULL ? name : "(config)";
	l.l_err = err;
	l.l_errcap = errcap;
	if (out == NULL || xml == NULL)
		return ld_failx(&l, GDOI_E_INVAL, 0, "nothing to load");
	if (len > CONF_FILE_MAX)
		return ld_failx(&l, GDOI_E_INVAL, 0, "larger than %u octets", CONF_FILE_MAX);
	if (len == 0)
		return ld_failx(&l, GDOI_E_INVAL, 0, "empty");

	xmlInitParser();
	old_serr = xmlStructuredError;
	old_sctx = xmlStructuredErrorContext;
	old_gerr = xmlGenericError;
	old_gctx = xmlGenericErrorContext;
	xmlSetStructuredErrorFunc(&l, ld_xml_error);
	xmlSetGenericErrorFunc(&l, ld_xml_silent);

	/* 1. well-formed, with nothing from outside */
	doc = xmlReadMemory(xml, (int)len, l.l_name, NULL,
	    XML_PARSE_NONET | XML_PARSE_NOWARNING | XML_PARSE_BIG_LINES);
	if (doc == NULL || l.l_failed) {
		ld_failx(&l, GDOI_E_INVAL, 0, "not well-formed XML");
		goto fail;
	}
	if (doc->intSubset != NULL || doc->extSubset != NULL) {
		line = line_of(xml, len, "<!DOCTYPE");
		ld_failx(&l, GDOI_E_INVAL, line ? line : 1, "a DOCTYPE is not accepted");
		goto fail;
	}
	if (xmlDocGetRootElement(doc) == NULL) {
		ld_failx(&l, GDOI_E_INVAL, 0, "empty document");
		goto fail;
	}

	/* 2. the schema */
	pctx = xmlRelaxNGNewMemParserCtxt(gdoi_conf_schema, (int)strlen(gdoi_conf_schema));
	if (pctx == NULL) {
		ld_failx(&l, GDOI_E_NOMEM, 0, "out of memory");
		goto fail;
	}
	xmlRelaxNGSetParserStructuredErrors(pctx, ld_xml_error, &l);
	rng = xmlRelaxNGParse(pctx);
	if (rng == NULL || l.l_failed) {
		l.l_failed = 0;	/* our fault, not the file's: say so */
		ld_failx(&l, GDOI_E_INVAL, 0, "the compiled-in schema does not load");
		goto fail;
	}
	if ((vctx = xmlRelaxNGNewValidCtxt(rng)) == NULL) {
		ld_failx(&l, GDOI_E_NOMEM, 0, "out of memory");
		goto fail;
	}
	xmlRelaxNGSetValidStructuredErrors(vctx, ld_xml_error, &l);
	rc = xmlRelaxNGValidateDoc(vctx, doc);
	if (rc != 0 || l.l_failed) {
		if (l.l_pending[0] != '\0')
			ld_failx(&l, GDOI_E_INVAL, 0, "does not match the schema: %s",
			    l.l_pending);
		ld_failx(&l, GDOI_E_INVAL, 0, "does not match the schema");
		ld_explain(&l, doc);
		goto fail;
	}

	/* 3. conversion and the checks the schema cannot make */
	if ((l.l_c = calloc(1, sizeof(*l.l_c))) == NULL ||
	    (l.l_c->c_file = strdup(l.l_name)) == NULL) {
		ld_failx(&l, GDOI_E_NOMEM, 0, "out of memory");
		goto fail;
	}
	if (ld_doc(&l, xmlDocGetRootElement(doc)) != 0 || l.l_failed)
		goto fail;
	*out = l.l_c;
	l.l_c = NULL;

fail:
	if (vctx != NULL)
		xmlRelaxNGFreeValidCtxt(vctx);
	if (rng != NULL)
		xmlRelaxNGFree(rng);
	if (pctx != NULL)
		xmlRelaxNGFreeParserCtxt(pctx);
	if (doc != NULL) {
		wipe_tree(xmlDocGetRootElement(doc));
		xmlFreeDoc(doc);
	}
	xmlSetStructuredErrorFunc(old_sctx, old_serr);
	xmlSetGenericErrorFunc(old_gctx, old_gerr);
	ld_done(&l);
	gdoi_conf_free(l.l_c);
	return l.l_failed ? (l.l_rc ? l.l_rc : GDOI_E_INVAL) : GDOI_OK;
}

int
gdoi_conf_load(const char *path, struct gdoi_conf **out, char *err, size_t errcap)
{
	struct ld l;
	struct stat st;
	char *buf = NULL;
	size_t got = 0;
	ssize_t r;
	int fd, rc;

	if (out != NULL)
		*out = NULL;
	if (err != NULL && errcap > 0)
		err[0] = '\0';
	memset(&l, 0, sizeof(l));
	l.l_name = path != NULL ? path : "(null)";
	l.l_err = err;
	l.l_errcap = errcap;
	if (path == NULL || out == NULL)
		return ld_failx(&l, GDOI_E_INVAL, 0, "no file given");
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0)
		return ld_failx(&l, GDOI_E_INVAL, 0, "cannot open: %s", strerror(errno));
	if (fstat(fd, &st) != 0) {
		rc = ld_failx(&l, GDOI_E_INVAL, 0, "cannot stat: %s", strerror(errno));
		goto done;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = ld_failx(&l, GDOI_E_INVAL, 0, "not a regular file");
		goto done;
	}
	if (st.st_size > (off_t)CONF_FILE_MAX) {
		rc = ld_failx(&l, GDOI_E_INVAL, 0, "larger than %u octets", CONF_FILE_MAX);
		goto done;
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		rc = ld_failx(&l, GDOI_E_NOMEM, 0, "out of memory");
		goto done;
	}
	while (got < (size_t)st.st_size) {
		r = read(fd, buf + got, (size_t)st.st_size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = ld_failx(&l, GDOI_E_INVAL, 0, "cannot read: %s", strerror(errno));
			goto done;
		}
		if (r == 0)
			break;	/* shrank meanwhile: take what is there */
		got += (size_t)r;
	}
	buf[got] = '\0';
	rc = gdoi_conf_load_mem(path, buf, got, out, err, errcap);
done:
	close(fd);
	if (buf != NULL) {
		OPENSSL_cleanse(buf, got);	/* holds the secrets */
		free(buf);
	}
	return rc;
}

void
gdoi_conf_free(struct gdoi_conf *c)
{
	size_t i, j;

	if (c == NULL)
		return;
	free(c->c_file);
	free(c->c_ike);
	for (i = 0; i < c->c_npsk; i++) {
		if (c->c_psk[i].ck_secret != NULL) {
			OPENSSL_cleanse(c->c_psk[i].ck_secret, c->c_psk[i].ck_secretlen);
			free(c->c_psk[i].ck_secret);
		}
	}
	free(c->c_psk);
	free(c->c_cert_key);
	free(c->c_cert);
	free(c->c_cert_ca);
	free((void *)(uintptr_t)c->c_local_id.id_data.ptr);
	for (i = 0; i < c->c_nacl; i++)
		free(c->c_acl[i].acl_e);
	free(c->c_acl);
	free(c->c_profile);
	for (i = 0; i < c->c_ngroup; i++) {
		struct gdoi_conf_group *g = &c->c_group[i];

		free(g->g_rekey.rk_key_path);
		free(g->g_sa);
		for (j = 0; j < g->g_nauthz; j++)
			free(g->g_authz[j].az_name);
		free(g->g_authz);
		free(g->g_server);
	}
	free(c->c_group);
	free(c->c_ctl_socket);
	free(c->c_ctl_group);
	free(c->c_pid_file);
	free(c->c_state_dir);
	free(c->c_keylog);
	free(c->c_dp.dp_esp_keylog);
	free(c->c_listen);
	OPENSSL_cleanse(c, sizeof(*c));
	free(c);
}

/* ------------------------------------------------------------------ */
/* Lookups                                                              */

const struct gdoi_conf_psk *
gdoi_conf_psk_find(const struct gdoi_conf *c, const uint8_t *addr, uint8_t af)
{
	const struct gdoi_conf_psk *best = NULL;
	size_t i;

	if (af == AF_INET)
		af = 4;
	else if (af == AF_INET6)
		af = 6;
	if (c == NULL || addr == NULL || (af != 4 && af != 6))
		return NULL;
	for (i = 0; i < c->c_npsk; i++) {
		const struct gdoi_conf_psk *k = &c->c_psk[i];

		if (k->ck_af == af && prefix_match(addr, k->ck_addr, k->ck_plen) &&
		    (best == NULL || k->ck_plen > best->ck_plen))
			best = k;
	}
	return best;
}

int
gdoi_conf_psk_lookup(void *arg, const struct gdoi_p1_peer *peer, uint8_t *psk, size_t cap,
    size_t *len)
{
	static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	const struct gdoi_conf *c = arg;
	const struct gdoi_conf_psk *k = NULL;

	if (c == NULL || peer == NULL || psk == NULL || len == NULL)
		return GDOI_E_INVAL;
	if (peer->pa_alen == 4)
		k = gdoi_conf_psk_find(c, peer->pa_addr, 4);
	else if (peer->pa_alen == 16) {
		k = gdoi_conf_psk_find(c, peer->pa_addr, 6);
		if (k == NULL && memcmp(peer->pa_addr, v4mapped, 12) == 0)
			k = gdoi_conf_psk_find(c, peer->pa_addr + 12, 4);
	}
	if (k == NULL || k->ck_secretlen > cap)
		return GDOI_E_INVAL;
	memcpy(psk, k->ck_secret, k->ck_secretlen);
	*len = k->ck_secretlen;
	return GDOI_OK;
}

const struct gdoi_conf_group *
gdoi_conf_group_by_name(const struct gdoi_conf *c, const char *n)
{
	size_t i;

	for (i = 0; c != NULL && n != NULL && i < c->c_ngroup; i++)
		if (strcmp(c->c_group[i].g_name, n) == 0)
			return &c->c_group[i];
	return NULL;
}

const struct gdoi_conf_group *
gdoi_conf_group_by_id(const struct gdoi_conf *c, uint32_t id)
{
	size_t i;

	for (i = 0; c != NULL && i < c->c_ngroup; i++)
		if (c->c_group[i].g_identity == id)
			return &c->c_group[i];
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Authorization                                                        */

static int
dn_special(int ch)
{
	return ch != '\0' && strchr(",+=\"\\<>;# ", ch) != NULL;
}

/*
 * A DN in RFC 4514 text, normalised for comparison: white space around the
 * separators "," "+" "=" and at both ends dropped, ASCII letters lowered,
 * "\XX" hex escapes decoded, and every escaped character that is special
 * kept as "\c" (so an escaped comma never equals a separator).  Caller
 * frees; NULL on no memory or an embedded NUL.
 */
static char *
dn_norm(const char *s)
{
	size_t o = 0, keep = 0;	/* keep: length up to the last significant char */
	char *out;
	int hi, lo, ch;

	if ((out = malloc(2 * strlen(s) + 1)) == NULL)
		return NULL;
	while (*s == ' ')
		s++;
	while (*s != '\0') {
		if (*s == '\\' && s[1] != '\0') {
			if ((hi = gdoi_hexval(s[1])) >= 0 && s[2] != '\0' && (lo = gdoi_hexval(s[2])) >= 0) {
				ch = hi << 4 | lo;
				s += 3;
				if (ch == 0) {
					free(out);
					return NULL;
				}
			} else {
				ch = (unsigned char)s[1];
				s += 2;
			}
			if (dn_special(ch))
				out[o++] = '\\';
			out[o++] = (char)(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
			keep = o;
			continue;
		}
		if (*s == ',' || *s == '+' || *s == '=') {
			o = keep;	/* drop the spaces before */
			out[o++] = *s++;
			while (*s == ' ')
				s++;
			keep = o;
			continue;
		}
		ch = (unsigned char)*s++;
		out[o++] = (char)(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
		if (ch != ' ')
			keep = o;
	}
	out[keep] = '\0';
	return out;
}

static int
dn_equal(const char *a, const char *b)
{
	char *x = dn_norm(a), *y = dn_norm(b);
	int eq = x != NULL && y != NULL && strcmp(x, y) == 0;

	free(x);
	free(y);
	return eq;
}

/*
 * The RFC 4514 text of an ID_DER_ASN1_DN: X509_NAME_print_ex() with
 * XN_FLAG_RFC2253 but UTF-8 left unescaped.  Caller frees; NULL if the
 * data is not exactly one DER Name.
 */
static char *
der_dn_text(const uint8_t *der, size_t len)
{
	const unsigned char *p = der;
	X509_NAME *nm;
	BIO *bio = NULL;
	char *txt = NULL, *data;
	long n;

	if (len == 0 || len > LONG_MAX)
		return NULL;
	nm = d2i_X509_NAME(NULL, &p, (long)len);
	if (nm == NULL)
		return NULL;
	if (p != der + len || (bio = BIO_new(BIO_s_mem())) == NULL)
		goto out;
	if (X509_NAME_print_ex(bio, nm, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) < 0)
		goto out;
	n = BIO_get_mem_data(bio, &data);
	if (n < 0 || memchr(data, '\0', (size_t)n) != NULL)
		goto out;
	if ((txt = malloc((size_t)n + 1)) != NULL) {
		memcpy(txt, data, (size_t)n);
		txt[n] = '\0';
	}
out:
	BIO_free(bio);
	X509_NAME_free(nm);
	return txt;
}

/* id is of type t and its data equals name (case-insensitive if nocase). */
static int
id_text_equal(const struct gdoi_id *id, uint8_t t, const char *name, int nocase)
{
	size_t n = strlen(name);

	if (id == NULL || id->id_type != t || id->id_data.len != n || id->id_data.ptr == NULL)
		return 0;
	if (memchr(id->id_data.ptr, '\0', n) != NULL)
		return 0;
	return nocase ? strncasecmp((const char *)id->id_data.ptr, name, n) == 0 :
	    memcmp(id->id_data.ptr, name, n) == 0;
}

/* user@domain: the local part exactly, the domain without case. */
static int
id_user_fqdn_equal(const struct gdoi_id *id, const char *name)
{
	const char *at = strrchr(name, '@');
	size_t n = strlen(name), local;

	if (at == NULL || id == NULL || id->id_type != ID_USER_FQDN || id->id_data.len != n ||
	    id->id_data.ptr == NULL || memchr(id->id_data.ptr, '\0', n) != NULL)
		return 0;
	local = (size_t)(at - name) + 1;	/* with the '@' */
	return memcmp(id->id_data.ptr, name, local) == 0 &&
	    strncasecmp((const char *)id->id_data.ptr + local, at + 1, n - local) == 0;
}

static int
id_in_prefix(const struct gdoi_id *id, const struct gdoi_conf_authz *az)
{
	if (id == NULL || id->id_data.ptr == NULL)
		return 0;
	if (az->az_af == 4 && id->id_type == ID_IPV4_ADDR && id->id_data.len == 4)
		return prefix_match(id->id_data.ptr, az->az_addr, az->az_plen);
	if (az->az_af == 6 && id->id_type == ID_IPV6_ADDR && id->id_data.len == 16)
		return prefix_match(id->id_data.ptr, az->az_addr, az->az_plen);
	return 0;
}

/*
 * DN entries compare against cert_dn when the caller gives it (the subject
 * of the verified peer certificate: authoritative), else against the
 * decoded ID_DER_ASN1_DN the peer sent.
 */
int
gdoi_conf_authorized(const struct gdoi_conf_group *g, const struct gdoi_id *id,
    const char *cert_dn)
{
	char *id_dn = NULL;
	int tried = 0, ok = 0;
	size_t i;

	if (g == NULL)
		return 0;
	if (g->g_nauthz == 0)
		return 1;
	for (i = 0; i < g->g_nauthz && !ok; i++) {
		const struct gdoi_conf_authz *az = &g->g_authz[i];

		switch (az->az_type) {
		case GDOI_AUTHZ_ADDRESS:
			ok = id_in_prefix(id, az);
			break;
		case GDOI_AUTHZ_FQDN:
			ok = id_text_equal(id, ID_FQDN, az->az_name, 1);
			break;
		case GDOI_AUTHZ_USER_FQDN:
			ok = id_user_fqdn_equal(id, az->az_name);
			break;
		case GDOI_AUTHZ_KEY_ID:
			ok = id_text_equal(id, ID_KEY_ID, az->az_name, 0);
			break;
		case GDOI_AUTHZ_DN:
			if (cert_dn != NULL) {
				ok = dn_equal(cert_dn, az->az_name);
				break;
			}
			if (!tried && id != NULL && id->id_type == ID_DER_ASN1_DN &&
			    id->id_data.ptr != NULL)
				id_dn = der_dn_text(id->id_data.ptr, id->id_data.len);
			tried = 1;
			ok = id_dn != NULL && dn_equal(id_dn, az->az_name);
			break;
		}
	}
	free(id_dn);
	return ok;
}
