/*
 * Group policy <-> GDOI SA and KD payloads (see gdoi/policy.h).
 *
 * The KS side builds the codec structs of a GDOI SA (RFC 6407 5.1) and a
 * Key Download (RFC 6407 5.6) from one struct gdoi_gpolicy; the GM side
 * checks every item of a decoded SA / KD and rebuilds the policy.  Codec
 * layouts (and the ASCII diagrams) live in pl_gdoi.c and pl_kd.c; what is
 * decided here is which values go into them:
 *
 *   SA KEK   Protocol 17, SRC / DST = ID_IPV4_ADDR or ID_IPV6_ADDR of the
 *            rekey (port kek_port), SPI = kek_spi, the POP octets 0, and
 *            the attributes KEK_ALGORITHM, KEK_KEY_LENGTH (bits),
 *            KEK_KEY_LIFETIME (4 octets, remaining seconds),
 *            SIG_HASH_ALGORITHM, SIG_ALGORITHM, SIG_KEY_LENGTH (bits).
 *            KEK_MANAGEMENT_ALGORITHM is never sent (push-only, LKH).
 *   SA TEK   one per ACE, in ACL order (PROTOCOL-NOTES 1.2 layout).  A
 *            permit ACE: Protocol-ID ESP, Protocol / ports of the ACE,
 *            SRC / DST = ID_IPV4_ADDR_SUBNET (address | mask), or
 *            ID_IPV4_ADDR for a /32 (IPv6 likewise), the TEK's transform
 *            and SPI, and the RFC 2407 4.5 attributes SA Life Type
 *            (seconds), SA Life Duration (remaining seconds: TV when it
 *            fits 16 bits, else a 4-octet TLV), Encapsulation Mode
 *            (tunnel), Authentication Algorithm (CBC only: RFC 4106 8.1
 *            forbids it with GCM), Key Length, Address Preservation and
 *            SA Direction (RFC 6407 5.4.1).  A deny ACE: the same
 *            selectors with SPI 0, Transform ID 0 and no attributes.
 *   KD       one TEK key packet per TEK (TEK_ALGORITHM_KEY [,
 *            TEK_INTEGRITY_KEY]), then the KEK key packet
 *            (KEK_ALGORITHM_KEY = the key only, SIG_ALGORITHM_KEY = DER
 *            SubjectPublicKeyInfo), then one SID key packet per grant with
 *            the TEK's SPI (NUMBER_OF_SID_BITS, SID_VALUE in 4 octets).
 *
 * Ownership of deny ACEs on the wire.  A deny SAT names no TEK, so the
 * GM gives each deny ACE to the TEK of the next permit ACE, and the deny
 * ACEs after the last permit to the last TEK.  The KS writes every TEK's
 * run in order, so the ACL order is always kept; the run boundaries come
 * back exactly when no TEK's run ends in a deny ACE followed by another
 * TEK (IOS style: bypass entries first, then the permit entries).
 *
 * Defaults on decode: an absent Encapsulation Mode is tunnel; an absent
 * Address Preservation is source-and-destination and an absent SA
 * Direction symmetric (the GETVPN behaviour: KSs that predate RFC 6407
 * send neither).  On build, a 0 in tek_addr_pres / tek_dir writes those
 * same defaults.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "gdoi/buf.h"
#include "gdoi/policy.h"
#include "gdoi/push.h"
#include "gdoi/wire.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* The KEK SIG_KEY_LENGTH we accept (RSA modulus bits). */
#define SIG_BITS_MIN 1024
#define SIG_BITS_MAX 16384

/* ------------------------------------------------------------------ */
/* Prefixes and masks                                                   */

static size_t
af_len(uint8_t af)
{
	return af == 4 ? 4 : af == 6 ? 16 : 0;
}

/* The mask of a prefix length over alen octets. */
static void
plen_mask(uint8_t plen, size_t alen, uint8_t *mask)
{
	size_t i;

	for (i = 0; i < alen; i++) {
		unsigned bits = plen > i * 8 ? plen - (unsigned)(i * 8) : 0;

		mask[i] = bits >= 8 ? 0xff : (uint8_t)(0xff00u >> bits);
	}
}

/* Prefix length of a contiguous mask, or -1. */
static int
mask_plen(const uint8_t *mask, size_t alen)
{
	size_t i;
	int plen = 0, done = 0;

	for (i = 0; i < alen; i++) {
		uint8_t m = mask[i];

		if (done) {
			if (m != 0)
				return -1;
			continue;
		}
		while (m & 0x80) {
			plen++;
			m = (uint8_t)(m << 1);
		}
		if (m != 0)
			return -1;
		if (mask[i] != 0xff)
			done = 1;
	}
	return plen;
}

/* addr & mask(plen), in place. */
static void
apply_plen(uint8_t *addr, size_t alen, uint8_t plen)
{
	uint8_t mask[16];
	size_t i;

	plen_mask(plen, alen, mask);
	for (i = 0; i < alen; i++)
		addr[i] &= mask[i];
}

static int
is_multicast(uint8_t af, const uint8_t *a)
{
	return af == 4 ? (a[0] & 0xf0) == 0xe0 : a[0] == 0xff;
}

static int
ace_ok(const struct gdoi_ace *ace)
{
	size_t alen = af_len(ace->ace_af);

	return alen != 0 && ace->ace_permit <= 1 && ace->ace_src_plen <= alen * 8 &&
	    ace->ace_dst_plen <= alen * 8;
}

/* ------------------------------------------------------------------ */
/* Access-list text                                                     */

static const struct {
	uint8_t pn_proto;
	const char *pn_name;
} proto_names[] = {
	{ 1, "icmp" }, { 2, "igmp" }, { 4, "ipinip" }, { 6, "tcp" }, { 17, "udp" },
	{ 47, "gre" }, { 50, "esp" }, { 51, "ahp" }, { 88, "eigrp" }, { 89, "ospf" },
	{ 103, "pim" }, { 108, "pcp" },
};

/* Append to buf at *off; 0, or GDOI_E_TOOBIG when it does not fit. */
static int
app(char *buf, size_t cap, size_t *off, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
app(char *buf, size_t cap, size_t *off, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*off >= cap)
		return GDOI_E_TOOBIG;
	va_start(ap, fmt);
	n = vsnprintf(buf + *off, cap - *off, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= cap - *off)
		return GDOI_E_TOOBIG;
	*off += (size_t)n;
	return GDOI_OK;
}

/* " any", " host A", " A W" (IPv4 wildcard) or " A/len" (IPv6). */
static int
app_addr(char *buf, size_t cap, size_t *off, uint8_t af, const uint8_t *addr, uint8_t plen)
{
	char a[INET6_ADDRSTRLEN], w[INET_ADDRSTRLEN];
	uint8_t net[16], mask[16];
	size_t alen = af_len(af), i;

	if (plen == 0)
		return app(buf, cap, off, " any");
	memcpy(net, addr, alen);
	apply_plen(net, alen, plen);
	if (inet_ntop(af == 4 ? AF_INET : AF_INET6, net, a, sizeof(a)) == NULL)
		return GDOI_E_INVAL;
	if (plen == alen * 8)
		return app(buf, cap, off, " host %s", a);
	if (af == 6)
		return app(buf, cap, off, " %s/%u", a, plen);
	plen_mask(plen, alen, mask);
	for (i = 0; i < alen; i++)
		mask[i] = (uint8_t)~mask[i];
	if (inet_ntop(AF_INET, mask, w, sizeof(w)) == NULL)
		return GDOI_E_INVAL;
	return app(buf, cap, off, " %s %s", a, w);
}

int
gdoi_ace_format(const struct gdoi_ace *ace, char *buf, size_t cap)
{
	const char *pname = NULL;
	size_t off = 0, i;
	int err;

	if (ace == NULL || buf == NULL || cap == 0)
		return GDOI_E_INVAL;
	buf[0] = '\0';
	if (!ace_ok(ace))
		return GDOI_E_INVAL;
	if (ace->ace_proto == 0)
		pname = ace->ace_af == 6 ? "ipv6" : "ip";
	else if (ace->ace_af == 6 && ace->ace_proto == 58)
		pname = "icmp";
	for (i = 0; pname == NULL && i < NELEM(proto_names); i++)
		if (proto_names[i].pn_proto == ace->ace_proto)
			pname = proto_names[i].pn_name;
	if (pname)
		err = app(buf, cap, &off, "access-list %s %s", ace->ace_permit ? "permit" : "deny",
		    pname);
	else
		err = app(buf, cap, &off, "access-list %s %u", ace->ace_permit ? "permit" : "deny",
		    ace->ace_proto);
	if (err == 0)
		err = app_addr(buf, cap, &off, ace->ace_af, ace->ace_src, ace->ace_src_plen);
	if (err == 0 && ace->ace_sport)
		err = app(buf, cap, &off, " port = %u", ace->ace_sport);
	if (err == 0)
		err = app_addr(buf, cap, &off, ace->ace_af, ace->ace_dst, ace->ace_dst_plen);
	if (err == 0 && ace->ace_dport)
		err = app(buf, cap, &off, " port = %u", ace->ace_dport);
	if (err) {
		buf[0] = '\0';
		return err;
	}
	return (int)off;
}

/* ------------------------------------------------------------------ */
/* TEK transforms                                                       */

static int
is_gcm(const struct gdoi_tek_xform *x)
{
	return x->tx_esp == ESP_T_AES_GCM_16;
}

int
gdoi_tek_xform_ok(const struct gdoi_tek_xform *x)
{
	if (x == NULL || (x->tx_keybits != 128 && x->tx_keybits != 256))
		return GDOI_E_ATTR;
	if (x->tx_esp == ESP_T_AES_CBC)
		return x->tx_auth == IPSEC_AUTH_HMAC_SHA1 || x->tx_auth == IPSEC_AUTH_HMAC_SHA256 ?
		    GDOI_OK : GDOI_E_ATTR;
	if (is_gcm(x))
		return x->tx_auth == 0 ? GDOI_OK : GDOI_E_ATTR;
	return GDOI_E_ATTR;
}

size_t
gdoi_tek_enc_keylen(const struct gdoi_tek_xform *x)
{
	if (gdoi_tek_xform_ok(x) != 0)
		return 0;
	/* RFC 4106 8.1: the GCM keying material ends with a 4-octet salt. */
	return x->tx_keybits / 8u + (is_gcm(x) ? 4u : 0u);
}

size_t
gdoi_tek_int_keylen(const struct gdoi_tek_xform *x)
{
	if (gdoi_tek_xform_ok(x) != 0 || is_gcm(x))
		return 0;
	return x->tx_auth == IPSEC_AUTH_HMAC_SHA1 ? 20 : 32;
}

const char *
gdoi_tek_xform_name(const struct gdoi_tek_xform *x, char *buf, size_t cap)
{
	if (buf == NULL || cap == 0)
		return "";
	if (x == NULL)
		(void)snprintf(buf, cap, "unknown");
	else if (gdoi_tek_xform_ok(x) != 0)
		(void)snprintf(buf, cap, "unsupported (transform %u, %u bits, auth %u)", x->tx_esp,
		    x->tx_keybits, x->tx_auth);
	else if (is_gcm(x))
		(void)snprintf(buf, cap, "%s", x->tx_keybits == 128 ? "esp-gcm" : "esp-gcm 256");
	else
		(void)snprintf(buf, cap, "esp-%u-aes %s", x->tx_keybits,
		    x->tx_auth == IPSEC_AUTH_HMAC_SHA1 ? "esp-sha-hmac" : "esp-sha256-hmac");
	return buf;
}

/* ------------------------------------------------------------------ */
/* Life cycle                                                           */

void
gdoi_kek_clear(struct gdoi_kek *k)
{
	if (k == NULL)
		return;
	if (k->kek_pub) {
		OPENSSL_cleanse(k->kek_pub, k->kek_publen);
		free(k->kek_pub);
	}
	OPENSSL_cleanse(k, sizeof(*k));
}

int
gdoi_kek_copy(struct gdoi_kek *dst, const struct gdoi_kek *src)
{
	uint8_t *pub = NULL;

	if (dst == NULL || src == NULL)
		return GDOI_E_INVAL;
	if (dst == src)
		return GDOI_OK;
	if (src->kek_pub && src->kek_publen) {
		if ((pub = malloc(src->kek_publen)) == NULL)
			return GDOI_E_NOMEM;
		memcpy(pub, src->kek_pub, src->kek_publen);
	}
	memcpy(dst, src, sizeof(*dst));
	dst->kek_pub = pub;
	dst->kek_publen = pub ? src->kek_publen : 0;
	return GDOI_OK;
}

void
gdoi_gpolicy_clear(struct gdoi_gpolicy *p)
{
	if (p == NULL)
		return;
	gdoi_kek_clear(&p->gp_kek);
	OPENSSL_cleanse(p, sizeof(*p));
	memset(p, 0, sizeof(*p));
}

int
gdoi_gpolicy_copy(struct gdoi_gpolicy *dst, const struct gdoi_gpolicy *src)
{
	struct gdoi_kek k;
	int rc;

	if (dst == NULL || src == NULL)
		return GDOI_E_INVAL;
	if (dst == src)
		return GDOI_OK;
	if ((rc = gdoi_kek_copy(&k, &src->gp_kek)) != GDOI_OK)
		return rc;
	memcpy(dst, src, sizeof(*dst));
	dst->gp_kek = k;
	OPENSSL_cleanse(&k, sizeof(k));
	return GDOI_OK;
}

struct gdoi_tek *
gdoi_policy_tek(struct gdoi_gpolicy *p, uint32_t spi)
{
	size_t i;

	for (i = 0; p && i < p->gp_ntek && i < GDOI_TEK_MAX; i++)
		if (p->gp_tek[i].tek_spi == spi)
			return &p->gp_tek[i];
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Checks of a policy before it is written                              */

static int
kek_ok(const struct gdoi_kek *k)
{
	return k->kek_alg == KEK_ALG_AES &&
	    (k->kek_keybits == 128 || k->kek_keybits == 192 || k->kek_keybits == 256) &&
	    (k->kek_sig_hash == SIG_HASH_SHA1 || k->kek_sig_hash == SIG_HASH_SHA256) &&
	    k->kek_sig_alg == SIG_ALG_RSA && k->kek_sig_keybits >= SIG_BITS_MIN &&
	    k->kek_sig_keybits <= SIG_BITS_MAX && k->kek_pub != NULL && k->kek_publen > 0 &&
	    k->kek_publen <= 0xffff && af_len(k->kek_af) != 0 &&
	    (k->kek_multicast != 0) == is_multicast(k->kek_af, k->kek_dst);
}

/*
 * What the builders need: counts within bounds; every TEK with a
 * supported transform, a unique non-zero SPI, address preservation and
 * direction in range, and a run of ACEs that holds a permit; runs in TEK
 * order, back to back, covering the whole ACL (so the wire order is the
 * ACL order).
 */
static int
policy_ok(const struct gdoi_gpolicy *p)
{
	size_t i, j, next = 0;

	if (p->gp_ntek > GDOI_TEK_MAX || p->gp_nacl > GDOI_ACL_MAX)
		return GDOI_E_INVAL;
	if (p->gp_has_kek && !kek_ok(&p->gp_kek))
		return GDOI_E_INVAL;
	for (i = 0; i < p->gp_nacl; i++)
		if (!ace_ok(&p->gp_acl[i]))
			return GDOI_E_INVAL;
	for (i = 0; i < p->gp_ntek; i++) {
		const struct gdoi_tek *t = &p->gp_tek[i];
		int permit = 0;

		if (t->tek_spi == 0 || gdoi_tek_xform_ok(&t->tek_x) != 0 ||
		    t->tek_addr_pres > GDOI_AP_SRC_DST || t->tek_dir > GDOI_DIR_SYMMETRIC)
			return GDOI_E_INVAL;
		for (j = 0; j < i; j++)
			if (p->gp_tek[j].tek_spi == t->tek_spi)
				return GDOI_E_INVAL;
		if (t->tek_acl_n == 0 || t->tek_acl_first != next ||
		    (size_t)t->tek_acl_first + t->tek_acl_n > p->gp_nacl)
			return GDOI_E_INVAL;
		for (j = t->tek_acl_first; j < (size_t)t->tek_acl_first + t->tek_acl_n; j++)
			permit |= p->gp_acl[j].ace_permit;
		if (!permit)
			return GDOI_E_INVAL;
		next = (size_t)t->tek_acl_first + t->tek_acl_n;
	}
	return next == p->gp_nacl ? GDOI_OK : GDOI_E_INVAL;
}

/* Seconds left at now (rounded down, at least 1, at most 2^32-1). */
static uint32_t
remaining_s(uint64_t expiry_ms, uint64_t now_ms)
{
	uint64_t s;

	if (expiry_ms <= now_ms)
		return 1;
	s = (expiry_ms - now_ms) / 1000;
	if (s == 0)
		return 1;
	return s > UINT32_MAX ? UINT32_MAX : (uint32_t)s;
}

/* A copy of n octets in the arena (n may be 0). */
static const uint8_t *
adup(struct gdoi_arena *a, const void *src, size_t n)
{
	uint8_t *p = gdoi_arena_alloc(a, n ? n : 1);

	if (p && n)
		memcpy(p, src, n);
	return p;
}

static const uint8_t *
abe32(struct gdoi_arena *a, uint32_t v)
{
	uint8_t *p = gdoi_arena_alloc(a, 4);

	if (p)
		gdoi_put32(p, v);
	return p;
}

/* ------------------------------------------------------------------ */
/* SA payload                                                           */

/* A traffic selector: ADDR for a host prefix, else ADDR_SUBNET. */
static int
sel_build(struct gdoi_arena *a, uint8_t af, const uint8_t *addr, uint8_t plen, uint16_t port,
    struct gdoi_id *id)
{
	size_t alen = af_len(af);
	uint8_t *d;

	memset(id, 0, sizeof(*id));
	id->id_port = port;
	if (plen == alen * 8) {
		id->id_type = af == 4 ? ID_IPV4_ADDR : ID_IPV6_ADDR;
		if ((d = gdoi_arena_alloc(a, alen)) == NULL)
			return GDOI_E_NOMEM;
		memcpy(d, addr, alen);
		id->id_data.len = alen;
	} else {
		id->id_type = af == 4 ? ID_IPV4_ADDR_SUBNET : ID_IPV6_ADDR_SUBNET;
		if ((d = gdoi_arena_alloc(a, 2 * alen)) == NULL)
			return GDOI_E_NOMEM;
		memcpy(d, addr, alen);
		apply_plen(d, alen, plen);
		plen_mask(plen, alen, d + alen);
		id->id_data.len = 2 * alen;
	}
	id->id_data.ptr = d;
	return GDOI_OK;
}

static int
sak_build(const struct gdoi_kek *k, uint64_t now_ms, struct gdoi_arena *a,
    struct gdoi_sa_item *it)
{
	struct gdoi_sak *s = &it->i_u.sak;
	size_t alen = af_len(k->kek_af);
	struct gdoi_attr *at;
	const uint8_t *life, *src, *dst;

	at = gdoi_arena_calloc(a, 6, sizeof(*at));
	life = abe32(a, remaining_s(k->kek_expiry_ms, now_ms));
	src = adup(a, k->kek_src, alen);
	dst = adup(a, k->kek_dst, alen);
	if (at == NULL || life == NULL || src == NULL || dst == NULL)
		return GDOI_E_NOMEM;
	it->i_type = GDOI_PL_SAK;
	s->k_proto = 17;	/* UDP */
	s->k_src.id_type = s->k_dst.id_type = k->kek_af == 4 ? ID_IPV4_ADDR : ID_IPV6_ADDR;
	s->k_src.id_port = s->k_dst.id_port = k->kek_port;
	s->k_src.id_data.ptr = src;
	s->k_dst.id_data.ptr = dst;
	s->k_src.id_data.len = s->k_dst.id_data.len = alen;
	memcpy(s->k_spi, k->kek_spi, GDOI_KEK_SPI_LEN);
	at[0] = gdoi_attr_tv(KEK_ATTR_ALGORITHM, k->kek_alg);
	at[1] = gdoi_attr_tv(KEK_ATTR_KEY_LENGTH, k->kek_keybits);
	at[2] = gdoi_attr_tlv(KEK_ATTR_KEY_LIFETIME, life, 4);
	at[3] = gdoi_attr_tv(KEK_ATTR_SIG_HASH_ALGORITHM, k->kek_sig_hash);
	at[4] = gdoi_attr_tv(KEK_ATTR_SIG_ALGORITHM, k->kek_sig_alg);
	at[5] = gdoi_attr_tv(KEK_ATTR_SIG_KEY_LENGTH, k->kek_sig_keybits);
	s->k_attrs.v = at;
	s->k_attrs.n = 6;
	return GDOI_OK;
}

static int
sat_build(const struct gdoi_tek *t, const struct gdoi_ace *ace, uint64_t now_ms,
    struct gdoi_arena *a, struct gdoi_sa_item *it)
{
	struct gdoi_sat *s = &it->i_u.sat;
	struct gdoi_attr *at;
	uint32_t life;
	size_t n = 0;
	int err;

	it->i_type = GDOI_PL_SAT;
	s->t_proto_id = GDOI_TEK_PROTO_ESP;
	s->t_ip_proto = ace->ace_proto;
	if ((err = sel_build(a, ace->ace_af, ace->ace_src, ace->ace_src_plen, ace->ace_sport,
	    &s->t_src)) != 0 ||
	    (err = sel_build(a, ace->ace_af, ace->ace_dst, ace->ace_dst_plen, ace->ace_dport,
	    &s->t_dst)) != 0)
		return err;
	if (!ace->ace_permit)
		return GDOI_OK;	/* deny: SPI 0, Transform ID 0, no attributes */
	s->t_transform = t->tek_x.tx_esp;
	s->t_spi = t->tek_spi;
	if ((at = gdoi_arena_calloc(a, 7, sizeof(*at))) == NULL)
		return GDOI_E_NOMEM;
	life = remaining_s(t->tek_expiry_ms, now_ms);
	at[n++] = gdoi_attr_tv(IPSEC_ATTR_LIFE_TYPE, IKE_LIFE_SECONDS);
	if (life > 0xffff) {
		const uint8_t *v = abe32(a, life);

		if (v == NULL)
			return GDOI_E_NOMEM;
		at[n++] = gdoi_attr_tlv(IPSEC_ATTR_LIFE_DURATION, v, 4);
	} else
		at[n++] = gdoi_attr_tv(IPSEC_ATTR_LIFE_DURATION, (uint16_t)life);
	at[n++] = gdoi_attr_tv(IPSEC_ATTR_ENCAP_MODE, IPSEC_ENCAP_TUNNEL);
	if (!is_gcm(&t->tek_x))
		at[n++] = gdoi_attr_tv(IPSEC_ATTR_AUTH_ALG, t->tek_x.tx_auth);
	at[n++] = gdoi_attr_tv(IPSEC_ATTR_KEY_LENGTH, t->tek_x.tx_keybits);
	at[n++] = gdoi_attr_tv(IPSEC_ATTR_ADDR_PRESERVATION,
	    t->tek_addr_pres ? t->tek_addr_pres : GDOI_AP_SRC_DST);
	at[n++] = gdoi_attr_tv(IPSEC_ATTR_SA_DIRECTION, t->tek_dir ? t->tek_dir : GDOI_DIR_SYMMETRIC);
	s->t_attrs.v = at;
	s->t_attrs.n = n;
	return GDOI_OK;
}

int
gdoi_policy_sa_build(const struct gdoi_gpolicy *p, uint64_t now_ms, struct gdoi_arena *a,
    struct gdoi_payload *pl)
{
	struct gdoi_sa_item *items;
	size_t n, k = 0, i, j;
	int err;

	if (p == NULL || a == NULL || pl == NULL)
		return GDOI_E_INVAL;
	memset(pl, 0, sizeof(*pl));
	if ((err = policy_ok(p)) != 0)
		return err;
	n = (p->gp_has_kek ? 1 : 0) + p->gp_nacl;
	if (n == 0)
		return GDOI_E_INVAL;	/* an SA with nothing in it */
	if ((items = gdoi_arena_calloc(a, n, sizeof(*items))) == NULL)
		return GDOI_E_NOMEM;
	if (p->gp_has_kek && (err = sak_build(&p->gp_kek, now_ms, a, &items[k++])) != 0)
		return err;
	for (i = 0; i < p->gp_ntek; i++) {
		const struct gdoi_tek *t = &p->gp_tek[i];

		for (j = t->tek_acl_first; j < (size_t)t->tek_acl_first + t->tek_acl_n; j++)
			if ((err = sat_build(t, &p->gp_acl[j], now_ms, a, &items[k++])) != 0)
				return err;
	}
	pl->pl_type = ISAKMP_PL_SA;
	pl->pl_u.gsa.g_doi = GDOI_DOI_GDOI;
	pl->pl_u.gsa.g_situation = GDOI_SIT_NONE;
	pl->pl_u.gsa.g_items = items;
	pl->pl_u.gsa.g_nitems = k;
	return GDOI_OK;
}

/* ------------------------------------------------------------------ */
/* KD payload                                                           */

/* Index of the TEK with that SPI, or -1. */
static int
tek_index(const struct gdoi_gpolicy *p, uint32_t spi)
{
	size_t i;

	for (i = 0; i < p->gp_ntek && i < GDOI_TEK_MAX; i++)
		if (p->gp_tek[i].tek_spi == spi)
			return (int)i;
	return -1;
}

static int
sid_grant_ok(const struct gdoi_gpolicy *p, const struct gdoi_sid_grant *g)
{
	int ti = tek_index(p, g->sg_spi);
	const struct gdoi_tek *t = ti < 0 ? NULL : &p->gp_tek[ti];

	if (t == NULL || !is_gcm(&t->tek_x) || g->sg_bits == 0 || g->sg_bits > 32)
		return 0;
	return g->sg_bits == 32 || g->sg_sid < (UINT32_C(1) << g->sg_bits);
}

int
gdoi_policy_kd_build(const struct gdoi_gpolicy *p, const struct gdoi_sid_grant *sids,
    size_t nsids, struct gdoi_arena *a, struct gdoi_payload *pl)
{
	struct gdoi_keypkt *kp;
	struct gdoi_attr *at;
	const uint8_t *spi, *k1, *k2;
	size_t n, k = 0, i, j;
	int err;

	if (p == NULL || a == NULL || pl == NULL || (nsids && sids == NULL))
		return GDOI_E_INVAL;
	memset(pl, 0, sizeof(*pl));
	if ((err = policy_ok(p)) != 0)
		return err;
	if (nsids > GDOI_TEK_MAX)
		return GDOI_E_INVAL;
	for (i = 0; i < nsids; i++) {
		if (!sid_grant_ok(p, &sids[i]))
			return GDOI_E_INVAL;
		for (j = 0; j < i; j++)
			if (sids[j].sg_spi == sids[i].sg_spi)
				return GDOI_E_INVAL;
	}
	n = p->gp_ntek + (p->gp_has_kek ? 1 : 0) + nsids;
	if (n == 0)
		return GDOI_E_INVAL;
	if ((kp = gdoi_arena_calloc(a, n, sizeof(*kp))) == NULL)
		return GDOI_E_NOMEM;
	for (i = 0; i < p->gp_ntek; i++) {
		const struct gdoi_tek *t = &p->gp_tek[i];
		size_t el = gdoi_tek_enc_keylen(&t->tek_x), il = gdoi_tek_int_keylen(&t->tek_x);

		spi = abe32(a, t->tek_spi);
		at = gdoi_arena_calloc(a, 2, sizeof(*at));
		k1 = adup(a, t->tek_enc, el);
		k2 = adup(a, t->tek_int, il);
		if (spi == NULL || at == NULL || k1 == NULL || k2 == NULL)
			return GDOI_E_NOMEM;
		at[0] = gdoi_attr_tlv(TEK_KEY_ALGORITHM_KEY, k1, el);
		if (il)
			at[1] = gdoi_attr_tlv(TEK_KEY_INTEGRITY_KEY, k2, il);
		kp[k].kp_type = KD_TYPE_TEK;
		kp[k].kp_spi.ptr = spi;
		kp[k].kp_spi.len = GDOI_TEK_SPI_LEN;
		kp[k].kp_attrs.v = at;
		kp[k].kp_attrs.n = il ? 2 : 1;
		k++;
	}
	if (p->gp_has_kek) {
		const struct gdoi_kek *kk = &p->gp_kek;

		spi = adup(a, kk->kek_spi, GDOI_KEK_SPI_LEN);
		at = gdoi_arena_calloc(a, 2, sizeof(*at));
		k1 = adup(a, kk->kek_key, kk->kek_keybits / 8u);
		k2 = adup(a, kk->kek_pub, kk->kek_publen);
		if (spi == NULL || at == NULL || k1 == NULL || k2 == NULL)
			return GDOI_E_NOMEM;
		at[0] = gdoi_attr_tlv(KEK_KEY_ALGORITHM_KEY, k1, kk->kek_keybits / 8u);
		at[1] = gdoi_attr_tlv(KEK_KEY_SIG_ALGORITHM_KEY, k2, kk->kek_publen);
		kp[k].kp_type = KD_TYPE_KEK;
		kp[k].kp_spi.ptr = spi;
		kp[k].kp_spi.len = GDOI_KEK_SPI_LEN;
		kp[k].kp_attrs.v = at;
		kp[k].kp_attrs.n = 2;
		k++;
	}
	for (i = 0; i < nsids; i++) {
		spi = abe32(a, sids[i].sg_spi);
		k1 = abe32(a, sids[i].sg_sid);
		at = gdoi_arena_calloc(a, 2, sizeof(*at));
		if (spi == NULL || k1 == NULL || at == NULL)
			return GDOI_E_NOMEM;
		at[0] = gdoi_attr_tv(SID_ATTR_NUMBER_OF_SID_BITS, sids[i].sg_bits);
		at[1] = gdoi_attr_tlv(SID_ATTR_SID_VALUE, k1, 4);
		kp[k].kp_type = KD_TYPE_SID;
		kp[k].kp_spi.ptr = spi;
		kp[k].kp_spi.len = GDOI_TEK_SPI_LEN;
		kp[k].kp_attrs.v = at;
		kp[k].kp_attrs.n = 2;
		k++;
	}
	pl->pl_type = GDOI_PL_KD;
	pl->pl_u.kd.kd_pkts = kp;
	pl->pl_u.kd.kd_n = k;
	return GDOI_OK;
}

/* ------------------------------------------------------------------ */
/* GM side: the SA payload                                              */

#define FAIL(d, err, type, ...) gdoi_diag_set((d), (err), 0, (type), __VA_ARGS__)

/* A numeric attribute value that fits 32 bits. */
static int
attr_u32(const struct gdoi_attr *at, uint32_t *v)
{
	uint64_t x;

	if (gdoi_attr_uint(at, &x) != 0 || x > UINT32_MAX)
		return GDOI_E_ATTR;
	*v = (uint32_t)x;
	return GDOI_OK;
}

/* One address of the SA KEK: ID_IPV4_ADDR or ID_IPV6_ADDR only. */
static int
kek_addr(const struct gdoi_id *id, uint8_t *af, uint8_t *addr)
{
	if (id->id_type == ID_IPV4_ADDR && id->id_data.len == 4 && id->id_data.ptr)
		*af = 4;
	else if (id->id_type == ID_IPV6_ADDR && id->id_data.len == 16 && id->id_data.ptr)
		*af = 6;
	else
		return GDOI_E_ID;
	memcpy(addr, id->id_data.ptr, id->id_data.len);
	return GDOI_OK;
}

/* SA KEK (RFC 6407 5.3) into k. */
static int
sak_parse(const struct gdoi_sak *s, uint64_t now_ms, struct gdoi_kek *k, struct gdoi_diag *d)
{
	uint8_t saf = 0, daf = 0;
	uint32_t seen = 0, v, life = 0;
	size_t i;

	if (s->k_proto != 17)
		return FAIL(d, GDOI_E_PROTO, GDOI_PL_SAK, "SA KEK protocol %u (only UDP)",
		    s->k_proto);
	if (kek_addr(&s->k_src, &saf, k->kek_src) || kek_addr(&s->k_dst, &daf, k->kek_dst) ||
	    saf != daf)
		return FAIL(d, GDOI_E_ID, GDOI_PL_SAK,
		    "SA KEK IDs must be two addresses of one family (types %u, %u)",
		    s->k_src.id_type, s->k_dst.id_type);
	k->kek_af = saf;
	k->kek_port = s->k_src.id_port ? s->k_src.id_port : s->k_dst.id_port;
	k->kek_multicast = (uint8_t)is_multicast(saf, k->kek_dst);
	memcpy(k->kek_spi, s->k_spi, GDOI_KEK_SPI_LEN);
	if (s->k_attrs.n && s->k_attrs.v == NULL)
		return FAIL(d, GDOI_E_ATTR, GDOI_PL_SAK, "attributes missing");
	for (i = 0; i < s->k_attrs.n; i++) {
		const struct gdoi_attr *at = &s->k_attrs.v[i];
		uint16_t t = at->a_type;

		switch (t) {
		case KEK_ATTR_ALGORITHM:
		case KEK_ATTR_KEY_LENGTH:
		case KEK_ATTR_KEY_LIFETIME:
		case KEK_ATTR_SIG_HASH_ALGORITHM:
		case KEK_ATTR_SIG_ALGORITHM:
		case KEK_ATTR_SIG_KEY_LENGTH:
			break;
		default:
			/* KEK_MANAGEMENT_ALGORITHM (LKH), KE_OAKLEY_GROUP, ... */
			return FAIL(d, GDOI_E_ATTR, GDOI_PL_SAK, "KEK attribute %u not supported",
			    t);
		}
		if (seen & (1u << t))
			return FAIL(d, GDOI_E_ATTR, GDOI_PL_SAK, "KEK attribute %u twice", t);
		seen |= 1u << t;
		if (attr_u32(at, &v) != 0)
			return FAIL(d, GDOI_E_ATTR, GDOI_PL_SAK, "KEK attribute %u: bad value", t);
		switch (t) {
		case KEK_ATTR_ALGORITHM:
			if (v != KEK_ALG_AES)
				return FAIL(d, GDOI_E_ATTR, GDOI_PL_SAK, "KEK algorithm %u (only AES)", v);
			k->kek_alg = (uint8_t)v;
			break;
		case KEK_ATTR_KEY_LENGTH:
			if (v != 128 && v != 192 && v != 256)
				return FAIL(d, GDOI_E_ATTR, GDOI_PL_SAK, "KEK key length %u", v);
			k->kek_keybits = (uint16_t)v;
			break;
		case KEK_ATTR_KEY_LIFETIME:
			if (v == 0)
				return FAIL(d, GDOI_E_ATTR, GDOI_PL_SAK, "KEK lifetime 0");
			life = v;
			break;
		case KEK_ATTR_SIG_HASH_ALGORITHM:
			if (v != SIG_HASH_SHA1 && v != SIG_HASH_SHA256)
				return FAIL(d, GDOI_E_ATTR, GDOI_PL_SAK, "SIG hash %u", v);
			k->kek_sig_hash = (uint8_t)v;
			break;
		case KEK_ATTR_SIG_ALGORITHM:
			if (v != SIG_ALG_RSA)
				return FAIL(d, GDOI_E_ATTR, GDOI_PL_SAK, "SIG algorithm %u", v);
			k->kek_sig_alg = (uint8_t)v;
			break;
		default:
			if (v < SIG_BITS_MIN || v > SIG_BITS_MAX)
				return FAIL(d, GDOI_E_ATTR, GDOI_PL_SAK, "SIG key length %u", v);
			k->kek_sig_keybits = (uint16_t)v;
			break;
		}
	}
	if (seen != ((1u << KEK_ATTR_ALGORITHM) | (1u << KEK_ATTR_KEY_LENGTH) |
	    (1u << KEK_ATTR_KEY_LIFETIME) | (1u << KEK_ATTR_SIG_HASH_ALGORITHM) |
	    (1u << KEK_ATTR_SIG_ALGORITHM) | (1u << KEK_ATTR_SIG_KEY_LENGTH)))
		return FAIL(d, GDOI_E_ATTR, GDOI_PL_SAK, "KEK attributes missing (have 0x%x)",
		    seen);
	k->kek_life_s = life;
	k->kek_expiry_ms = now_ms + (uint64_t)life * 1000;
	return GDOI_OK;
}

/* A traffic selector of an SA TEK: one address or a subnet. */
static int
sel_parse(const struct gdoi_id *id, uint8_t *af, uint8_t *addr, uint8_t *plen)
{
	size_t alen;
	int pl;

	switch (id->id_type) {
	case ID_IPV4_ADDR:
	case ID_IPV4_ADDR_SUBNET:
		*af = 4;
		break;
	case ID_IPV6_ADDR:
	case ID_IPV6_ADDR_SUBNET:
		*af = 6;
		break;
	default:
		return GDOI_E_ID;	/* ranges, names: not supported */
	}
	alen = af_len(*af);
	if (id->id_data.ptr == NULL)
		return GDOI_E_ID;
	if (id->id_type == ID_IPV4_ADDR || id->id_type == ID_IPV6_ADDR) {
		if (id->id_data.len != alen)
			return GDOI_E_ID;
		memcpy(addr, id->id_data.ptr, alen);
		*plen = (uint8_t)(alen * 8);
		return GDOI_OK;
	}
	if (id->id_data.len != 2 * alen || (pl = mask_plen(id->id_data.ptr + alen, alen)) < 0)
		return GDOI_E_ID;
	memcpy(addr, id->id_data.ptr, alen);
	apply_plen(addr, alen, (uint8_t)pl);
	*plen = (uint8_t)pl;
	return GDOI_OK;
}

/* The RFC 2407 attributes of a permit SA TEK. */
struct sat_attrs {
	uint32_t sa_life;
	uint16_t sa_keybits;
	uint16_t sa_auth;
	uint8_t sa_ap;
	uint8_t sa_dir;
};

static int
sat_attrs_parse(const struct gdoi_attrs *as, struct sat_attrs *o, struct gdoi_diag *d)
{
	uint32_t seen = 0, v, life_type = 0, types_seen = 0;
	size_t i;

	memset(o, 0, sizeof(*o));
	if (as->n && as->v == NULL)
		return FAIL(d, GDOI_E_ATTR, GDOI_PL_SAT, "attributes missing");
	for (i = 0; i < as->n; i++) {
		const struct gdoi_attr *at = &as->v[i];
		uint16_t t = at->a_type;

		if (attr_u32(at, &v) != 0)
			return FAIL(d, GDOI_E_ATTR, GDOI_PL_SAT, "TEK attribute %u: bad value", t);
		switch (t) {
		case IPSEC_ATTR_LIFE_TYPE:
			/* RFC 2407 4.5: a type, then its duration; seconds and
			 * kilobytes may both appear, once each. */
			if ((v != IKE_LIFE_SECONDS && v != IKE_LIFE_KILOBYTES) || life_type ||
			    (types_seen & (1u << v)))
				return FAIL(d, GDOI_E_ATTR, GDOI_PL_SAT, "SA Life Type %u here", v);
			types_seen |= 1u << v;
			life_type = v;
			continue;
		case IPSEC_ATTR_LIFE_DURATION:
			if (life_type == 0 || v == 0)
				return FAIL(d, GDOI_E_ATTR, GDOI_PL_SAT,
				    "SA Life Duration %u without its type", v);
			if (life_type == IKE_LIFE_SECONDS)
				o->sa_life = v;
			life_type = 0;	/* a kilobyte limit is not enforced */
			continue;
		case IPSEC_ATTR_ENCAP_MODE:
		case IPSEC_ATTR_AUTH_ALG:
		case IPSEC_ATTR_KEY_LENGTH:
		case IPSEC_ATTR_ADDR_PRESERVATION:
		case IPSEC_ATTR_SA_DIRECTION:
			break;
		default:
			return FAIL(d, GDOI_E_ATTR, GDOI_PL_SAT, "TEK attribute %u not supported", t);
		}
		if (life_type)
			return FAIL(d, GDOI_E_ATTR, GDOI_PL_SAT, "SA Life Type without duration");
		if (seen & (1u << t))
			return FAIL(d, GDOI_E_ATTR, GDOI_PL_SAT, "TEK attribute %u twice", t);
		seen |= 1u << t;
		switch (t) {
		case IPSEC_ATTR_ENCAP_MODE:
			if (v != IPSEC_ENCAP_TUNNEL)
				return FAIL(d, GDOI_E_ATTR, GDOI_PL_SAT,
				    "Encapsulation Mode %u (only tunnel)", v);
			break;
		case IPSEC_ATTR_AUTH_ALG:
			if (v == 0 || v > 0xffff)
				return FAIL(d, GDOI_E_ATTR, GDOI_PL_SAT, "Auth Alg %u", v);
			o->sa_auth = (uint16_t)v;
			break;
		case IPSEC_ATTR_KEY_LENGTH:
			if (v == 0 || v > 0xffff)
				return FAIL(d, GDOI_E_ATTR, GDOI_PL_SAT, "Key Length %u", v);
			o->sa_keybits = (uint16_t)v;
			break;
		case IPSEC_ATTR_ADDR_PRESERVATION:
			if (v < GDOI_AP_NONE || v > GDOI_AP_SRC_DST)
				return FAIL(d, GDOI_E_ATTR, GDOI_PL_SAT, "Address Preservation %u", v);
			o->sa_ap = (uint8_t)v;
			break;
		default:
			if (v < GDOI_DIR_SENDER || v > GDOI_DIR_SYMMETRIC)
				return FAIL(d, GDOI_E_ATTR, GDOI_PL_SAT, "SA Direction %u", v);
			o->sa_dir = (uint8_t)v;
			break;
		}
	}
	if (life_type)
		return FAIL(d, GDOI_E_ATTR, GDOI_PL_SAT, "SA Life Type without duration");
	if (o->sa_life == 0)
		return FAIL(d, GDOI_E_ATTR, GDOI_PL_SAT, "no lifetime in seconds");
	if (o->sa_keybits == 0)
		return FAIL(d, GDOI_E_ATTR, GDOI_PL_SAT, "no Key Length");
	if (o->sa_ap == 0)
		o->sa_ap = GDOI_AP_SRC_DST;
	if (o->sa_dir == 0)
		o->sa_dir = GDOI_DIR_SYMMETRIC;
	return GDOI_OK;
}

/* One SA TEK: an ACE, and for a permit its TEK (new or the current one). */
static int
sat_parse(struct gdoi_gpolicy *p, const struct gdoi_sat *s, uint64_t now_ms, size_t *owned,
    struct gdoi_diag *d)
{
	struct gdoi_ace ace;
	struct gdoi_tek *t;
	struct gdoi_tek_xform x;
	struct sat_attrs sa;
	uint8_t daf = 0;
	size_t idx;
	int ti, err;

	if (s->t_proto_id != GDOI_TEK_PROTO_ESP)
		return FAIL(d, GDOI_E_PROTO, GDOI_PL_SAT, "SA TEK Protocol-ID %u (only ESP)",
		    s->t_proto_id);
	memset(&ace, 0, sizeof(ace));
	if (sel_parse(&s->t_src, &ace.ace_af, ace.ace_src, &ace.ace_src_plen) ||
	    sel_parse(&s->t_dst, &daf, ace.ace_dst, &ace.ace_dst_plen) || daf != ace.ace_af)
		return FAIL(d, GDOI_E_ID, GDOI_PL_SAT,
		    "SA TEK selectors: types %u and %u (need one family, address or subnet)",
		    s->t_src.id_type, s->t_dst.id_type);
	ace.ace_proto = s->t_ip_proto;
	ace.ace_sport = s->t_src.id_port;
	ace.ace_dport = s->t_dst.id_port;
	if (p->gp_nacl >= GDOI_ACL_MAX)
		return FAIL(d, GDOI_E_NESTING, GDOI_PL_SAT, "more than %d ACEs", GDOI_ACL_MAX);
	if (s->t_spi == 0) {
		/* A deny ACE (see gdoi/policy.h): nothing else may come with it. */
		if (s->t_attrs.n)
			return FAIL(d, GDOI_E_ATTR, GDOI_PL_SAT, "SPI 0 with %zu attributes",
			    s->t_attrs.n);
		p->gp_acl[p->gp_nacl++] = ace;
		return GDOI_OK;
	}
	if (s->t_attrs.n == 0)
		return FAIL(d, GDOI_E_ATTR, GDOI_PL_SAT, "SPI 0x%08x without attributes",
		    s->t_spi);
	if ((err = sat_attrs_parse(&s->t_attrs, &sa, d)) != 0)
		return err;
	memset(&x, 0, sizeof(x));
	x.tx_esp = s->t_transform;
	x.tx_keybits = sa.sa_keybits;
	x.tx_auth = sa.sa_auth;
	if (gdoi_tek_xform_ok(&x) != 0)
		return FAIL(d, GDOI_E_ATTR, GDOI_PL_SAT,
		    "transform %u with %u bits and auth %u not supported", x.tx_esp,
		    x.tx_keybits, x.tx_auth);
	if ((ti = tek_index(p, s->t_spi)) < 0) {
		if (p->gp_ntek >= GDOI_TEK_MAX)
			return FAIL(d, GDOI_E_NESTING, GDOI_PL_SAT, "more than %d TEKs",
			    GDOI_TEK_MAX);
		t = &p->gp_tek[p->gp_ntek++];
		t->tek_spi = s->t_spi;
		t->tek_x = x;
		t->tek_life_s = sa.sa_life;
		t->tek_expiry_ms = now_ms + (uint64_t)sa.sa_life * 1000;
		t->tek_addr_pres = sa.sa_ap;
		t->tek_dir = sa.sa_dir;
		t->tek_acl_first = (uint16_t)*owned;
	} else {
		t = &p->gp_tek[ti];
		if ((size_t)ti + 1 != p->gp_ntek)
			return FAIL(d, GDOI_E_PROTO, GDOI_PL_SAT,
			    "SA TEKs of SPI 0x%08x are not together", s->t_spi);
		if (memcmp(&t->tek_x, &x, sizeof(x)) != 0 || t->tek_life_s != sa.sa_life ||
		    t->tek_addr_pres != sa.sa_ap || t->tek_dir != sa.sa_dir)
			return FAIL(d, GDOI_E_ATTR, GDOI_PL_SAT,
			    "SA TEKs of SPI 0x%08x disagree", s->t_spi);
	}
	ace.ace_permit = 1;
	idx = p->gp_nacl++;
	p->gp_acl[idx] = ace;
	t->tek_acl_n = (uint16_t)(idx + 1 - t->tek_acl_first);
	*owned = idx + 1;
	return GDOI_OK;
}

/* GAP in an SA: the activation delays are accepted (not used yet). */
static int
gap_parse(const struct gdoi_gap *g, struct gdoi_diag *d)
{
	size_t i;
	uint32_t v;

	if (g->g_attrs.n && g->g_attrs.v == NULL)
		return FAIL(d, GDOI_E_ATTR, GDOI_PL_GAP, "attributes missing");
	for (i = 0; i < g->g_attrs.n; i++) {
		const struct gdoi_attr *at = &g->g_attrs.v[i];

		if ((at->a_type != GAP_ATTR_ACTIVATION_TIME_DELAY &&
		    at->a_type != GAP_ATTR_DEACTIVATION_TIME_DELAY) || attr_u32(at, &v) != 0)
			return FAIL(d, GDOI_E_ATTR, GDOI_PL_GAP, "GAP attribute %u in an SA",
			    at->a_type);
	}
	return GDOI_OK;
}

static int
from_sa(struct gdoi_gpolicy *p, const struct gdoi_gsa *sa, uint64_t now_ms,
    struct gdoi_diag *d)
{
	size_t i, owned = 0;
	int err;

	if (sa->g_doi != GDOI_DOI_GDOI)
		return FAIL(d, GDOI_E_DOI, ISAKMP_PL_SA, "DOI %u", sa->g_doi);
	if (sa->g_situation != GDOI_SIT_NONE)
		return FAIL(d, GDOI_E_SITUATION, ISAKMP_PL_SA, "situation %u", sa->g_situation);
	if (sa->g_nitems == 0 || sa->g_items == NULL)
		return FAIL(d, GDOI_E_PROTO, ISAKMP_PL_SA, "empty SA");
	if (sa->g_nitems > GDOI_MAX_SA_ITEMS)
		return FAIL(d, GDOI_E_NESTING, ISAKMP_PL_SA, "%zu SA items", sa->g_nitems);
	for (i = 0; i < sa->g_nitems; i++) {
		const struct gdoi_sa_item *it = &sa->g_items[i];

		switch (it->i_type) {
		case GDOI_PL_SAK:
			if (p->gp_has_kek)
				return FAIL(d, GDOI_E_NESTING, GDOI_PL_SAK, "two SA KEKs");
			if ((err = sak_parse(&it->i_u.sak, now_ms, &p->gp_kek, d)) != 0)
				return err;
			p->gp_has_kek = 1;
			break;
		case GDOI_PL_SAT:
			if ((err = sat_parse(p, &it->i_u.sat, now_ms, &owned, d)) != 0)
				return err;
			break;
		case GDOI_PL_GAP:
			if ((err = gap_parse(&it->i_u.gap, d)) != 0)
				return err;
			break;
		default:
			return FAIL(d, GDOI_E_PAYLOAD, it->i_type, "payload %u in an SA",
			    it->i_type);
		}
	}
	if (p->gp_ntek)
		p->gp_tek[p->gp_ntek - 1].tek_acl_n =
		    (uint16_t)(p->gp_nacl - p->gp_tek[p->gp_ntek - 1].tek_acl_first);
	else if (p->gp_nacl)
		return FAIL(d, GDOI_E_PROTO, GDOI_PL_SAT, "deny entries but no TEK");
	return GDOI_OK;
}

int
gdoi_policy_from_sa(struct gdoi_gpolicy *p, const struct gdoi_gsa *sa, uint64_t now_ms,
    struct gdoi_diag *d)
{
	int err;

	if (p == NULL || sa == NULL)
		return GDOI_E_INVAL;
	gdoi_gpolicy_clear(p);
	if ((err = from_sa(p, sa, now_ms, d)) != 0)
		gdoi_gpolicy_clear(p);
	return err;
}

/* ------------------------------------------------------------------ */
/* GM side: the KD payload                                              */

/* A DER SubjectPublicKeyInfo holding an RSA key of bits bits, nothing more. */
static int
spki_ok(const uint8_t *der, size_t len, unsigned bits)
{
	EVP_PKEY *k;
	int ok;

	if (der == NULL || len == 0 || len > 0xffff)
		return 0;
	/* parsed once per distinct key (push.c's cache): every rekey with
	 * ACKs announces the same KEK key again */
	k = gdoi_push_pubkey(der, len);
	ok = k != NULL && EVP_PKEY_get_bits(k) == (int)bits;
	EVP_PKEY_free(k);
	return ok;
}

/* A TLV key attribute of exactly want octets. */
static int
key_attr(const struct gdoi_attr *at, size_t want)
{
	return !at->a_tv && at->a_data.len == want && at->a_data.ptr != NULL && want > 0;
}

static int
tek_keys(struct gdoi_tek *t, const struct gdoi_attrs *as, struct gdoi_diag *d)
{
	size_t el = gdoi_tek_enc_keylen(&t->tek_x), il = gdoi_tek_int_keylen(&t->tek_x), i;
	int have_enc = 0, have_int = 0;

	for (i = 0; i < as->n; i++) {
		const struct gdoi_attr *at = &as->v[i];

		if (at->a_type == TEK_KEY_ALGORITHM_KEY && !have_enc) {
			if (!key_attr(at, el))
				return FAIL(d, GDOI_E_ATTR, GDOI_PL_KD,
				    "TEK 0x%08x: algorithm key of %zu octets, want %zu", t->tek_spi,
				    at->a_data.len, el);
			memcpy(t->tek_enc, at->a_data.ptr, el);
			have_enc = 1;
		} else if (at->a_type == TEK_KEY_INTEGRITY_KEY && !have_int && il) {
			if (!key_attr(at, il))
				return FAIL(d, GDOI_E_ATTR, GDOI_PL_KD,
				    "TEK 0x%08x: integrity key of %zu octets, want %zu", t->tek_spi,
				    at->a_data.len, il);
			memcpy(t->tek_int, at->a_data.ptr, il);
			have_int = 1;
		} else
			return FAIL(d, GDOI_E_ATTR, GDOI_PL_KD,
			    "TEK 0x%08x: key attribute %u unexpected", t->tek_spi, at->a_type);
	}
	if (!have_enc || (il && !have_int))
		return FAIL(d, GDOI_E_ATTR, GDOI_PL_KD, "TEK 0x%08x: keys missing", t->tek_spi);
	return GDOI_OK;
}

static int
kek_keys(struct gdoi_kek *k, const struct gdoi_attrs *as, struct gdoi_diag *d)
{
	const struct gdoi_attr *key = NULL, *pub = NULL;
	size_t kl = k->kek_keybits / 8u, i;
	uint8_t *copy;

	for (i = 0; i < as->n; i++) {
		const struct gdoi_attr *at = &as->v[i];

		if (at->a_type == KEK_KEY_ALGORITHM_KEY && key == NULL)
			key = at;
		else if (at->a_type == KEK_KEY_SIG_ALGORITHM_KEY && pub == NULL)
			pub = at;
		else
			return FAIL(d, GDOI_E_ATTR, GDOI_PL_KD, "KEK key attribute %u unexpected",
			    at->a_type);
	}
	if (key == NULL || pub == NULL)
		return FAIL(d, GDOI_E_ATTR, GDOI_PL_KD, "KEK keys missing");
	/* KEK_ALGORITHM_KEY is the key only (see gdoi/pull.h). */
	if (!key_attr(key, kl))
		return FAIL(d, GDOI_E_ATTR, GDOI_PL_KD, "KEK key of %zu octets, want %zu",
		    key->a_data.len, kl);
	if (pub->a_tv || !spki_ok(pub->a_data.ptr, pub->a_data.len, k->kek_sig_keybits))
		return FAIL(d, GDOI_E_ATTR, GDOI_PL_KD,
		    "SIG_ALGORITHM_KEY is not an RSA-%u SubjectPublicKeyInfo", k->kek_sig_keybits);
	if ((copy = malloc(pub->a_data.len)) == NULL)
		return GDOI_E_NOMEM;
	memcpy(copy, pub->a_data.ptr, pub->a_data.len);
	if (k->kek_pub) {
		OPENSSL_cleanse(k->kek_pub, k->kek_publen);
		free(k->kek_pub);
	}
	k->kek_pub = copy;
	k->kek_publen = pub->a_data.len;
	memcpy(k->kek_key, key->a_data.ptr, kl);
	return GDOI_OK;
}

/* SID key packet (RFC 6407 5.6.4; RFC 6054 Sender IDs). */
static int
sid_keys(struct gdoi_tek *t, const struct gdoi_attrs *as, struct gdoi_diag *d)
{
	const struct gdoi_attr *bits = NULL, *val = NULL;
	uint32_t b, v;
	size_t i;

	for (i = 0; i < as->n; i++) {
		const struct gdoi_attr *at = &as->v[i];

		if (at->a_type == SID_ATTR_NUMBER_OF_SID_BITS && bits == NULL)
			bits = at;
		else if (at->a_type == SID_ATTR_SID_VALUE && val == NULL)
			val = at;
		else
			return FAIL(d, GDOI_E_ATTR, GDOI_PL_KD, "SID attribute %u unexpected",
			    at->a_type);
	}
	if (bits == NULL || val == NULL || attr_u32(bits, &b) != 0 || attr_u32(val, &v) != 0 ||
	    b == 0 || b > 32 || (b < 32 && v >= (UINT32_C(1) << b)))
		return FAIL(d, GDOI_E_ATTR, GDOI_PL_KD, "SID for TEK 0x%08x malformed",
		    t->tek_spi);
	t->tek_has_sid = 1;
	t->tek_sid_bits = (uint8_t)b;
	t->tek_sid = v;
	return GDOI_OK;
}

static int
from_kd(struct gdoi_gpolicy *p, const struct gdoi_kd *kd, struct gdoi_diag *d)
{
	uint32_t got_tek = 0, got_sid = 0;
	int got_kek = 0, ti, err;
	size_t i;

	if (kd->kd_n > GDOI_MAX_KEYPKTS || (kd->kd_n && kd->kd_pkts == NULL))
		return FAIL(d, GDOI_E_NESTING, GDOI_PL_KD, "%zu key packets", kd->kd_n);
	for (i = 0; i < kd->kd_n; i++) {
		const struct gdoi_keypkt *kp = &kd->kd_pkts[i];
		uint32_t spi;

		if (kp->kp_attrs.n && kp->kp_attrs.v == NULL)
			return FAIL(d, GDOI_E_ATTR, GDOI_PL_KD, "attributes missing");
		switch (kp->kp_type) {
		case KD_TYPE_TEK:
		case KD_TYPE_SID:
			if (kp->kp_spi.len != GDOI_TEK_SPI_LEN || kp->kp_spi.ptr == NULL)
				return FAIL(d, GDOI_E_SPI_SIZE, GDOI_PL_KD,
				    "key packet type %u with a %zu-octet SPI", kp->kp_type,
				    kp->kp_spi.len);
			spi = gdoi_be32(kp->kp_spi.ptr);
			if ((ti = tek_index(p, spi)) < 0)
				return FAIL(d, GDOI_E_INVAL, GDOI_PL_KD,
				    "key packet for unknown SPI 0x%08x", spi);
			if (kp->kp_type == KD_TYPE_TEK) {
				if (got_tek & (1u << ti))
					return FAIL(d, GDOI_E_ATTR, GDOI_PL_KD,
					    "two key packets for TEK 0x%08x", spi);
				got_tek |= 1u << ti;
				err = tek_keys(&p->gp_tek[ti], &kp->kp_attrs, d);
			} else {
				if (!is_gcm(&p->gp_tek[ti].tek_x))
					return FAIL(d, GDOI_E_INVAL, GDOI_PL_KD,
					    "Sender ID for TEK 0x%08x, not a counter mode", spi);
				if (got_sid & (1u << ti))
					return FAIL(d, GDOI_E_ATTR, GDOI_PL_KD,
					    "two Sender IDs for TEK 0x%08x", spi);
				got_sid |= 1u << ti;
				err = sid_keys(&p->gp_tek[ti], &kp->kp_attrs, d);
			}
			if (err)
				return err;
			break;
		case KD_TYPE_KEK:
			if (!p->gp_has_kek || kp->kp_spi.len != GDOI_KEK_SPI_LEN ||
			    kp->kp_spi.ptr == NULL ||
			    memcmp(kp->kp_spi.ptr, p->gp_kek.kek_spi, GDOI_KEK_SPI_LEN) != 0)
				return FAIL(d, GDOI_E_INVAL, GDOI_PL_KD,
				    "KEK key packet does not match the SA KEK");
			if (got_kek)
				return FAIL(d, GDOI_E_ATTR, GDOI_PL_KD, "two KEK key packets");
			got_kek = 1;
			if ((err = kek_keys(&p->gp_kek, &kp->kp_attrs, d)) != 0)
				return err;
			break;
		default:
			return FAIL(d, GDOI_E_PROTO, GDOI_PL_KD, "key packet type %u not supported",
			    kp->kp_type);
		}
	}
	for (i = 0; i < p->gp_ntek; i++)
		if (!(got_tek & (1u << i)))
			return FAIL(d, GDOI_E_ATTR, GDOI_PL_KD, "no keys for TEK 0x%08x",
			    p->gp_tek[i].tek_spi);
	if (p->gp_has_kek && !got_kek)
		return FAIL(d, GDOI_E_ATTR, GDOI_PL_KD, "no keys for the KEK");
	return GDOI_OK;
}

int
gdoi_policy_from_kd(struct gdoi_gpolicy *p, const struct gdoi_kd *kd, struct gdoi_diag *d)
{
	struct gdoi_gpolicy tmp;
	int err;

	if (p == NULL || kd == NULL || p->gp_ntek > GDOI_TEK_MAX)
		return GDOI_E_INVAL;
	/* Work on a copy, so a refused KD leaves p as it was. */
	if ((err = gdoi_gpolicy_copy(&tmp, p)) != 0)
		return err;
	if ((err = from_kd(&tmp, kd, d)) != 0) {
		gdoi_gpolicy_clear(&tmp);
		return err;
	}
	gdoi_gpolicy_clear(p);
	memcpy(p, &tmp, sizeof(*p));
	OPENSSL_cleanse(&tmp, sizeof(tmp));
	return GDOI_OK;
}
