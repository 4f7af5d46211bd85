/*
 * Unit tests of shared/policy.c: group policy <-> GDOI SA and KD payloads.
 *
 * A policy with a KEK (real RSA-2048 SubjectPublicKeyInfo), a CBC TEK and
 * a GCM TEK and deny + permit ACEs is written into an SA and a KD,
 * encoded with the GDOI codec, decoded, and read back; then each check of
 * the decoder is hit with a payload changed in one place.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "gdoi/arena.h"
#include "gdoi/buf.h"
#include "gdoi/err.h"
#include "gdoi/payload.h"
#include "gdoi/policy.h"
#include "gdoi/wire.h"
#include "testkey.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* One RSA-2048 key for the whole run (generation is slow). */
static uint8_t *spki;
static size_t spki_len;

static void
make_spki(void)
{
	EVP_PKEY_free(testkey_rsa("check_policy", 2048, &spki, &spki_len));
}

static struct gdoi_ace
ace4(int permit, uint8_t proto, const char *src, uint8_t splen, uint16_t sport,
    const char *dst, uint8_t dplen, uint16_t dport)
{
	struct gdoi_ace a;
	unsigned s[4], d[4];

	memset(&a, 0, sizeof(a));
	ck_assert_int_eq(sscanf(src, "%u.%u.%u.%u", &s[0], &s[1], &s[2], &s[3]), 4);
	ck_assert_int_eq(sscanf(dst, "%u.%u.%u.%u", &d[0], &d[1], &d[2], &d[3]), 4);
	a.ace_permit = (uint8_t)permit;
	a.ace_proto = proto;
	a.ace_af = 4;
	for (int i = 0; i < 4; i++) {
		a.ace_src[i] = (uint8_t)s[i];
		a.ace_dst[i] = (uint8_t)d[i];
	}
	a.ace_src_plen = splen;
	a.ace_dst_plen = dplen;
	a.ace_sport = sport;
	a.ace_dport = dport;
	return a;
}

/* 2001:db8::/32 -> 2001:db8:1::/48, any protocol. */
static struct gdoi_ace
ace6(void)
{
	static const uint8_t s[16] = { 0x20, 0x01, 0x0d, 0xb8 };
	static const uint8_t d[16] = { 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01 };
	struct gdoi_ace a;

	memset(&a, 0, sizeof(a));
	a.ace_permit = 1;
	a.ace_af = 6;
	memcpy(a.ace_src, s, 16);
	memcpy(a.ace_dst, d, 16);
	a.ace_src_plen = 32;
	a.ace_dst_plen = 48;
	return a;
}

#define T0_SPI 0x11223344u
#define T1_SPI 0x55667788u

/*
 * The test policy, created at t = 0:
 *   KEK  AES-256, 86400 s, RSA-2048 / SHA-256, 10.0.0.1 -> 239.192.1.1:848
 *   TEK0 esp-256-aes esp-sha256-hmac, 3600 s:
 *        deny udp any port = 848 any port = 848
 *        permit ip 10.98.0.0/16 10.98.0.0/16
 *   TEK1 esp-gcm 256, 100000 s (a TLV lifetime):
 *        deny ospf any any
 *        permit tcp 10.1.0.0/24 host 10.2.0.5 port = 443
 *        permit ipv6 2001:db8::/32 2001:db8:1::/48
 *        deny icmp any any
 */
static void
make_policy(struct gdoi_gpolicy *p)
{
	static const uint8_t src[4] = { 10, 0, 0, 1 }, dst[4] = { 239, 192, 1, 1 };
	struct gdoi_tek *t;

	memset(p, 0, sizeof(*p));
	p->gp_group = 1001;
	p->gp_has_kek = 1;
	testkey_kek(&p->gp_kek, 256, 0x31, 0xc8, SIG_HASH_SHA256, 86400000, spki, spki_len);
	memcpy(p->gp_kek.kek_src, src, 4);
	memcpy(p->gp_kek.kek_dst, dst, 4);
	p->gp_kek.kek_multicast = 1;

	p->gp_acl[0] = ace4(0, 17, "0.0.0.0", 0, 848, "0.0.0.0", 0, 848);
	p->gp_acl[1] = ace4(1, 0, "10.98.0.0", 16, 0, "10.98.0.0", 16, 0);
	p->gp_acl[2] = ace4(0, 89, "0.0.0.0", 0, 0, "0.0.0.0", 0, 0);
	p->gp_acl[3] = ace4(1, 6, "10.1.0.0", 24, 0, "10.2.0.5", 32, 443);
	p->gp_acl[4] = ace6();
	p->gp_acl[5] = ace4(0, 1, "0.0.0.0", 0, 0, "0.0.0.0", 0, 0);
	p->gp_nacl = 6;

	t = &p->gp_tek[0];
	testkey_tek(t, T0_SPI, 3600000, 0, 2);

	t = &p->gp_tek[1];
	t->tek_spi = T1_SPI;
	t->tek_x.tx_esp = ESP_T_AES_GCM_16;
	t->tek_x.tx_keybits = 256;
	t->tek_life_s = 100000;
	t->tek_expiry_ms = 100000000;
	testkey_pattern(t->tek_enc, 36, 0x10);
	t->tek_addr_pres = GDOI_AP_SRC_DST;
	t->tek_dir = GDOI_DIR_SYMMETRIC;
	t->tek_acl_first = 2;
	t->tek_acl_n = 4;
	p->gp_ntek = 2;
}

/* Build SA and KD at build_ms, encode, decode: rt holds the decoded pair. */
struct rt {
	struct gdoi_arena *a;      /* build */
	struct gdoi_arena *da;     /* decode */
	struct gdoi_wr w;
	struct gdoi_payload *pl;   /* pl[0] SA, pl[1] KD */
	size_t npl;
};

static void
rt_run(struct rt *rt, const struct gdoi_gpolicy *p, const struct gdoi_sid_grant *g, size_t ng,
    uint64_t build_ms)
{
	struct gdoi_payload two[2];
	struct gdoi_diag d = { 0 };
	uint8_t first = 0;
	size_t consumed = 0;

	memset(rt, 0, sizeof(*rt));
	rt->a = gdoi_arena_new();
	rt->da = gdoi_arena_new();
	ck_assert_ptr_nonnull(rt->a);
	ck_assert_ptr_nonnull(rt->da);
	ck_assert_int_eq(gdoi_policy_sa_build(p, build_ms, rt->a, &two[0]), 0);
	ck_assert_int_eq(gdoi_policy_kd_build(p, g, ng, rt->a, &two[1]), 0);
	gdoi_wr_init(&rt->w, 0);
	gdoi_chain_encode(&rt->w, GDOI_CTX_GDOI, two, 2, &first);
	ck_assert_int_eq(gdoi_wr_error(&rt->w), 0);
	ck_assert_uint_eq(first, ISAKMP_PL_SA);
	ck_assert_int_eq(gdoi_chain_decode(GDOI_CTX_GDOI, first, gdoi_wr_data(&rt->w),
	    gdoi_wr_len(&rt->w), 0, 0, rt->da, &rt->pl, &rt->npl, &consumed, &d), 0);
	ck_assert_uint_eq(rt->npl, 2);
	ck_assert_uint_eq(rt->pl[0].pl_type, ISAKMP_PL_SA);
	ck_assert_uint_eq(rt->pl[1].pl_type, GDOI_PL_KD);
}

static void
rt_free(struct rt *rt)
{
	gdoi_arena_free(rt->a);
	gdoi_arena_free(rt->da);
	gdoi_wr_free(&rt->w);
}

static struct gdoi_gsa *
rt_sa(struct rt *rt)
{
	return &rt->pl[0].pl_u.gsa;
}

static struct gdoi_kd *
rt_kd(struct rt *rt)
{
	return &rt->pl[1].pl_u.kd;
}

static void
expect_ace(const struct gdoi_ace *a, const struct gdoi_ace *b)
{
	size_t alen = a->ace_af == 4 ? 4 : 16;

	ck_assert_uint_eq(a->ace_permit, b->ace_permit);
	ck_assert_uint_eq(a->ace_proto, b->ace_proto);
	ck_assert_uint_eq(a->ace_af, b->ace_af);
	ck_assert_mem_eq(a->ace_src, b->ace_src, alen);
	ck_assert_mem_eq(a->ace_dst, b->ace_dst, alen);
	ck_assert_uint_eq(a->ace_src_plen, b->ace_src_plen);
	ck_assert_uint_eq(a->ace_dst_plen, b->ace_dst_plen);
	ck_assert_uint_eq(a->ace_sport, b->ace_sport);
	ck_assert_uint_eq(a->ace_dport, b->ace_dport);
}

/* ------------------------------------------------------------------ */
/* Round trip                                                           */

#define BUILD_MS 10500u	/* 10.5 s after the policy was made */
#define DECODE_MS 20000u

START_TEST(test_roundtrip)
{
	struct gdoi_gpolicy p, g;
	struct gdoi_diag d = { 0 };
	struct rt rt;
	size_t i;

	make_policy(&p);
	rt_run(&rt, &p, NULL, 0, BUILD_MS);
	memset(&g, 0x5a, sizeof(g));	/* from_sa clears it first */
	g.gp_kek.kek_pub = NULL;
	ck_assert_int_eq(gdoi_policy_from_sa(&g, rt_sa(&rt), DECODE_MS, &d), 0);
	/* After the SA only: structure, no keys yet. */
	ck_assert_uint_eq(g.gp_ntek, 2);
	ck_assert_ptr_null(g.gp_kek.kek_pub);
	ck_assert_int_eq(gdoi_policy_from_kd(&g, rt_kd(&rt), &d), 0);

	/* KEK: remaining lifetime at BUILD_MS, rounded down. */
	ck_assert_uint_eq(g.gp_has_kek, 1);
	ck_assert_mem_eq(g.gp_kek.kek_spi, p.gp_kek.kek_spi, GDOI_KEK_SPI_LEN);
	ck_assert_uint_eq(g.gp_kek.kek_alg, KEK_ALG_AES);
	ck_assert_uint_eq(g.gp_kek.kek_keybits, 256);
	ck_assert_mem_eq(g.gp_kek.kek_key, p.gp_kek.kek_key, 32);
	ck_assert_uint_eq(g.gp_kek.kek_life_s, 86389);
	ck_assert_uint_eq(g.gp_kek.kek_expiry_ms, DECODE_MS + 86389000ull);
	ck_assert_uint_eq(g.gp_kek.kek_sig_hash, SIG_HASH_SHA256);
	ck_assert_uint_eq(g.gp_kek.kek_sig_alg, SIG_ALG_RSA);
	ck_assert_uint_eq(g.gp_kek.kek_sig_keybits, 2048);
	ck_assert_uint_eq(g.gp_kek.kek_publen, spki_len);
	ck_assert_mem_eq(g.gp_kek.kek_pub, spki, spki_len);
	ck_assert_uint_eq(g.gp_kek.kek_af, 4);
	ck_assert_mem_eq(g.gp_kek.kek_src, p.gp_kek.kek_src, 4);
	ck_assert_mem_eq(g.gp_kek.kek_dst, p.gp_kek.kek_dst, 4);
	ck_assert_uint_eq(g.gp_kek.kek_port, GDOI_UDP_PORT);
	ck_assert_uint_eq(g.gp_kek.kek_multicast, 1);

	/* TEKs */
	ck_assert_uint_eq(g.gp_ntek, 2);
	for (i = 0; i < 2; i++) {
		const struct gdoi_tek *a = &g.gp_tek[i], *b = &p.gp_tek[i];
		uint32_t left = (uint32_t)((b->tek_expiry_ms - BUILD_MS) / 1000);

		ck_assert_uint_eq(a->tek_spi, b->tek_spi);
		ck_assert_uint_eq(a->tek_x.tx_esp, b->tek_x.tx_esp);
		ck_assert_uint_eq(a->tek_x.tx_keybits, b->tek_x.tx_keybits);
		ck_assert_uint_eq(a->tek_x.tx_auth, b->tek_x.tx_auth);
		ck_assert_uint_eq(a->tek_life_s, left);
		ck_assert_uint_eq(a->tek_expiry_ms, DECODE_MS + (uint64_t)left * 1000);
		ck_assert_mem_eq(a->tek_enc, b->tek_enc, gdoi_tek_enc_keylen(&b->tek_x));
		ck_assert_mem_eq(a->tek_int, b->tek_int, gdoi_tek_int_keylen(&b->tek_x));
		ck_assert_uint_eq(a->tek_addr_pres, GDOI_AP_SRC_DST);
		ck_assert_uint_eq(a->tek_dir, GDOI_DIR_SYMMETRIC);
		ck_assert_uint_eq(a->tek_acl_first, b->tek_acl_first);
		ck_assert_uint_eq(a->tek_acl_n, b->tek_acl_n);
		ck_assert_uint_eq(a->tek_has_sid, 0);
	}
	ck_assert_uint_eq(g.gp_tek[0].tek_life_s, 3589);
	ck_assert_uint_eq(g.gp_tek[1].tek_life_s, 99989);
	/* ACL: order, permit/deny, selectors. */
	ck_assert_uint_eq(g.gp_nacl, p.gp_nacl);
	for (i = 0; i < p.gp_nacl; i++)
		expect_ace(&g.gp_acl[i], &p.gp_acl[i]);
	ck_assert_ptr_eq(gdoi_policy_tek(&g, T1_SPI), &g.gp_tek[1]);
	ck_assert_ptr_null(gdoi_policy_tek(&g, 0x12345678));
	rt_free(&rt);
	gdoi_gpolicy_clear(&g);
	gdoi_gpolicy_clear(&p);
	ck_assert_ptr_null(p.gp_kek.kek_pub);
	ck_assert_uint_eq(p.gp_ntek, 0);
}
END_TEST

/* What goes on the wire: items, selector types, attribute forms. */
START_TEST(test_wire_layout)
{
	struct gdoi_gpolicy p;
	struct rt rt;
	const struct gdoi_gsa *sa;
	const struct gdoi_sat *t;
	const struct gdoi_sak *k;
	const struct gdoi_attr *at;
	const struct gdoi_kd *kd;

	make_policy(&p);
	rt_run(&rt, &p, NULL, 0, BUILD_MS);
	sa = rt_sa(&rt);
	ck_assert_uint_eq(sa->g_doi, GDOI_DOI_GDOI);
	ck_assert_uint_eq(sa->g_nitems, 1 + 6);
	ck_assert_uint_eq(sa->g_items[0].i_type, GDOI_PL_SAK);
	k = &sa->g_items[0].i_u.sak;
	ck_assert_uint_eq(k->k_proto, 17);
	ck_assert_uint_eq(k->k_src.id_type, ID_IPV4_ADDR);
	ck_assert_uint_eq(k->k_dst.id_port, 848);
	ck_assert_uint_eq(k->k_attrs.n, 6);
	ck_assert_ptr_null(gdoi_attrs_find(&k->k_attrs, KEK_ATTR_MANAGEMENT_ALGORITHM));
	at = gdoi_attrs_find(&k->k_attrs, KEK_ATTR_KEY_LIFETIME);
	ck_assert_ptr_nonnull(at);
	ck_assert_uint_eq(at->a_tv, 0);
	ck_assert_uint_eq(at->a_data.len, 4);
	ck_assert_uint_eq(gdoi_be32(at->a_data.ptr), 86389);
	/* deny udp any port = 848 any port = 848: SPI 0, no attributes */
	t = &sa->g_items[1].i_u.sat;
	ck_assert_uint_eq(t->t_proto_id, GDOI_TEK_PROTO_ESP);
	ck_assert_uint_eq(t->t_spi, 0);
	ck_assert_uint_eq(t->t_attrs.n, 0);
	ck_assert_uint_eq(t->t_ip_proto, 17);
	ck_assert_uint_eq(t->t_src.id_type, ID_IPV4_ADDR_SUBNET);
	ck_assert_uint_eq(t->t_src.id_port, 848);
	/* permit ip 10.98/16: CBC attributes, TV lifetime */
	t = &sa->g_items[2].i_u.sat;
	ck_assert_uint_eq(t->t_spi, T0_SPI);
	ck_assert_uint_eq(t->t_transform, ESP_T_AES_CBC);
	ck_assert_uint_eq(t->t_attrs.n, 7);
	at = gdoi_attrs_find(&t->t_attrs, IPSEC_ATTR_LIFE_DURATION);
	ck_assert_uint_eq(at->a_tv, 1);
	ck_assert_uint_eq(at->a_val, 3589);
	ck_assert_uint_eq(gdoi_attrs_find(&t->t_attrs, IPSEC_ATTR_AUTH_ALG)->a_val,
	    IPSEC_AUTH_HMAC_SHA256);
	ck_assert_uint_eq(gdoi_attrs_find(&t->t_attrs, IPSEC_ATTR_ENCAP_MODE)->a_val,
	    IPSEC_ENCAP_TUNNEL);
	ck_assert_uint_eq(gdoi_attrs_find(&t->t_attrs, IPSEC_ATTR_ADDR_PRESERVATION)->a_val,
	    GDOI_AP_SRC_DST);
	ck_assert_uint_eq(gdoi_attrs_find(&t->t_attrs, IPSEC_ATTR_SA_DIRECTION)->a_val,
	    GDOI_DIR_SYMMETRIC);
	/* the GCM TEK: no Auth Alg, a 4-octet lifetime, host destination */
	t = &sa->g_items[4].i_u.sat;
	ck_assert_uint_eq(t->t_spi, T1_SPI);
	ck_assert_uint_eq(t->t_transform, ESP_T_AES_GCM_16);
	ck_assert_uint_eq(t->t_attrs.n, 6);
	ck_assert_ptr_null(gdoi_attrs_find(&t->t_attrs, IPSEC_ATTR_AUTH_ALG));
	at = gdoi_attrs_find(&t->t_attrs, IPSEC_ATTR_LIFE_DURATION);
	ck_assert_uint_eq(at->a_tv, 0);
	ck_assert_uint_eq(at->a_data.len, 4);
	ck_assert_uint_eq(gdoi_be32(at->a_data.ptr), 99989);
	ck_assert_uint_eq(gdoi_attrs_find(&t->t_attrs, IPSEC_ATTR_KEY_LENGTH)->a_val, 256);
	ck_assert_uint_eq(t->t_dst.id_type, ID_IPV4_ADDR);
	ck_assert_uint_eq(t->t_dst.id_port, 443);
	t = &sa->g_items[5].i_u.sat;
	ck_assert_uint_eq(t->t_src.id_type, ID_IPV6_ADDR_SUBNET);
	ck_assert_uint_eq(t->t_src.id_data.len, 32);
	/* KD: TEK, TEK, KEK */
	kd = rt_kd(&rt);
	ck_assert_uint_eq(kd->kd_n, 3);
	ck_assert_uint_eq(kd->kd_pkts[0].kp_type, KD_TYPE_TEK);
	ck_assert_uint_eq(kd->kd_pkts[0].kp_attrs.n, 2);
	ck_assert_uint_eq(kd->kd_pkts[1].kp_attrs.n, 1);
	ck_assert_uint_eq(kd->kd_pkts[1].kp_attrs.v[0].a_data.len, 36);
	ck_assert_uint_eq(kd->kd_pkts[2].kp_type, KD_TYPE_KEK);
	ck_assert_uint_eq(kd->kd_pkts[2].kp_spi.len, GDOI_KEK_SPI_LEN);
	ck_assert_uint_eq(kd->kd_pkts[2].kp_attrs.v[0].a_data.len, 32);	/* key only */
	ck_assert_uint_eq(kd->kd_pkts[2].kp_attrs.v[1].a_data.len, spki_len);
	rt_free(&rt);
	gdoi_gpolicy_clear(&p);
}
END_TEST

/* Sender IDs: a SID key packet per grant, read into tek_sid. */
START_TEST(test_sid)
{
	struct gdoi_gpolicy p, g;
	struct gdoi_sid_grant sg = { T1_SPI, 8, 42 }, bad;
	struct gdoi_arena *a = gdoi_arena_new();
	struct gdoi_payload pl;
	struct rt rt;

	make_policy(&p);
	rt_run(&rt, &p, &sg, 1, BUILD_MS);
	ck_assert_uint_eq(rt_kd(&rt)->kd_n, 4);
	ck_assert_uint_eq(rt_kd(&rt)->kd_pkts[3].kp_type, KD_TYPE_SID);
	memset(&g, 0, sizeof(g));
	ck_assert_int_eq(gdoi_policy_from_sa(&g, rt_sa(&rt), DECODE_MS, NULL), 0);
	ck_assert_int_eq(gdoi_policy_from_kd(&g, rt_kd(&rt), NULL), 0);
	ck_assert_uint_eq(g.gp_tek[1].tek_has_sid, 1);
	ck_assert_uint_eq(g.gp_tek[1].tek_sid_bits, 8);
	ck_assert_uint_eq(g.gp_tek[1].tek_sid, 42);
	ck_assert_uint_eq(g.gp_tek[0].tek_has_sid, 0);
	rt_free(&rt);
	gdoi_gpolicy_clear(&g);
	/* The builder refuses grants for a CBC TEK, an unknown SPI, a SID too
	 * wide for its bits, and two grants for one TEK. */
	bad = sg;
	bad.sg_spi = T0_SPI;
	ck_assert_int_eq(gdoi_policy_kd_build(&p, &bad, 1, a, &pl), GDOI_E_INVAL);
	bad.sg_spi = 0x99;
	ck_assert_int_eq(gdoi_policy_kd_build(&p, &bad, 1, a, &pl), GDOI_E_INVAL);
	bad = sg;
	bad.sg_sid = 256;
	ck_assert_int_eq(gdoi_policy_kd_build(&p, &bad, 1, a, &pl), GDOI_E_INVAL);
	{
		struct gdoi_sid_grant two[2] = { sg, sg };

		ck_assert_int_eq(gdoi_policy_kd_build(&p, two, 2, a, &pl), GDOI_E_INVAL);
	}
	gdoi_arena_free(a);
	gdoi_gpolicy_clear(&p);
}
END_TEST

START_TEST(test_copy)
{
	struct gdoi_gpolicy p, c;

	make_policy(&p);
	ck_assert_int_eq(gdoi_gpolicy_copy(&c, &p), 0);
	ck_assert_ptr_ne(c.gp_kek.kek_pub, p.gp_kek.kek_pub);
	ck_assert_mem_eq(c.gp_kek.kek_pub, p.gp_kek.kek_pub, spki_len);
	ck_assert_mem_eq(c.gp_tek[1].tek_enc, p.gp_tek[1].tek_enc, 36);
	ck_assert_int_eq(gdoi_gpolicy_copy(&p, &p), 0);
	gdoi_gpolicy_clear(&p);
	ck_assert_uint_eq(c.gp_ntek, 2);	/* the copy is independent */
	ck_assert_uint_eq(c.gp_kek.kek_pub[0], spki[0]);
	gdoi_gpolicy_clear(&c);
	gdoi_gpolicy_clear(NULL);
	ck_assert_int_eq(gdoi_gpolicy_copy(NULL, &c), GDOI_E_INVAL);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Decoder refusals                                                     */

/* Decode a fresh round trip, let mutate() change it, expect err. */
typedef void (*mutate_fn)(struct rt *rt, struct gdoi_arena *a);

static void
expect_sa_err(mutate_fn mutate, int err)
{
	struct gdoi_gpolicy p, g;
	struct gdoi_diag d = { 0 };
	struct rt rt;

	make_policy(&p);
	rt_run(&rt, &p, NULL, 0, BUILD_MS);
	mutate(&rt, rt.da);
	memset(&g, 0, sizeof(g));
	ck_assert_int_eq(gdoi_policy_from_sa(&g, rt_sa(&rt), DECODE_MS, &d), err);
	ck_assert_int_eq(d.err, err);
	ck_assert(d.detail[0] != '\0');
	ck_assert_uint_eq(g.gp_ntek, 0);	/* cleared on failure */
	ck_assert_ptr_null(g.gp_kek.kek_pub);
	rt_free(&rt);
	gdoi_gpolicy_clear(&p);
}

static struct gdoi_sat *
sat(struct rt *rt, size_t i)
{
	return &rt_sa(rt)->g_items[i].i_u.sat;
}

static struct gdoi_attr *
find_attr(struct gdoi_attrs *as, uint16_t type)
{
	size_t i;

	for (i = 0; i < as->n; i++)
		if (as->v[i].a_type == type)
			return &as->v[i];
	ck_abort_msg("attribute %u not found", type);
	return NULL;
}

static void m_3des(struct rt *rt, struct gdoi_arena *a) { (void)a; sat(rt, 2)->t_transform = ESP_T_3DES; }
static void m_md5(struct rt *rt, struct gdoi_arena *a)
{
	(void)a;
	find_attr(&sat(rt, 2)->t_attrs, IPSEC_ATTR_AUTH_ALG)->a_val = IPSEC_AUTH_HMAC_MD5;
}
static void m_keylen(struct rt *rt, struct gdoi_arena *a)
{
	(void)a;
	find_attr(&sat(rt, 2)->t_attrs, IPSEC_ATTR_KEY_LENGTH)->a_val = 192;
}
static void m_gcm_auth(struct rt *rt, struct gdoi_arena *a)
{
	(void)a;
	/* an Auth Alg with GCM (RFC 4106 8.1 forbids it) */
	find_attr(&sat(rt, 4)->t_attrs, IPSEC_ATTR_ENCAP_MODE)->a_type = IPSEC_ATTR_AUTH_ALG;
}
static void m_transport(struct rt *rt, struct gdoi_arena *a)
{
	(void)a;
	find_attr(&sat(rt, 2)->t_attrs, IPSEC_ATTR_ENCAP_MODE)->a_val = IPSEC_ENCAP_TRANSPORT;
}
static void m_esn(struct rt *rt, struct gdoi_arena *a)
{
	(void)a;
	find_attr(&sat(rt, 2)->t_attrs, IPSEC_ATTR_ENCAP_MODE)->a_type = IPSEC_ATTR_ESN;
}
static void m_kbytes(struct rt *rt, struct gdoi_arena *a)
{
	(void)a;
	find_attr(&sat(rt, 2)->t_attrs, IPSEC_ATTR_LIFE_TYPE)->a_val = IKE_LIFE_KILOBYTES;
}
static void m_no_attrs(struct rt *rt, struct gdoi_arena *a) { (void)a; sat(rt, 2)->t_attrs.n = 0; }
static void m_spi0_attrs(struct rt *rt, struct gdoi_arena *a) { (void)a; sat(rt, 2)->t_spi = 0; }
static void m_ah(struct rt *rt, struct gdoi_arena *a) { (void)a; sat(rt, 2)->t_proto_id = GDOI_TEK_PROTO_AH; }
static void m_mask(struct rt *rt, struct gdoi_arena *a)
{
	static const uint8_t d[8] = { 10, 98, 0, 0, 255, 0, 255, 0 };

	(void)a;
	sat(rt, 2)->t_src.id_data.ptr = d;
}
static void m_range(struct rt *rt, struct gdoi_arena *a) { (void)a; sat(rt, 2)->t_src.id_type = ID_IPV4_ADDR_RANGE; }
static void m_family(struct rt *rt, struct gdoi_arena *a)
{
	(void)a;
	sat(rt, 5)->t_dst = sat(rt, 2)->t_dst;	/* IPv6 source, IPv4 destination */
}
static void m_two_sak(struct rt *rt, struct gdoi_arena *a) { (void)a; rt_sa(rt)->g_items[1] = rt_sa(rt)->g_items[0]; }
static void m_disagree(struct rt *rt, struct gdoi_arena *a)
{
	(void)a;
	find_attr(&sat(rt, 5)->t_attrs, IPSEC_ATTR_KEY_LENGTH)->a_val = 128;
}
static void m_apart(struct rt *rt, struct gdoi_arena *a)
{
	(void)a;
	/* a second permit of TEK0 after TEK1's */
	sat(rt, 5)->t_transform = sat(rt, 2)->t_transform;
	sat(rt, 5)->t_spi = sat(rt, 2)->t_spi;
	sat(rt, 5)->t_attrs = sat(rt, 2)->t_attrs;
}
static void m_deny_only(struct rt *rt, struct gdoi_arena *a)
{
	(void)a;
	rt_sa(rt)->g_items[0] = rt_sa(rt)->g_items[1];
	rt_sa(rt)->g_nitems = 1;
}
static void m_empty(struct rt *rt, struct gdoi_arena *a) { (void)a; rt_sa(rt)->g_nitems = 0; }
static void m_kek_alg(struct rt *rt, struct gdoi_arena *a)
{
	(void)a;
	find_attr(&rt_sa(rt)->g_items[0].i_u.sak.k_attrs, KEK_ATTR_ALGORITHM)->a_val = KEK_ALG_3DES;
}
static void m_kek_mgmt(struct rt *rt, struct gdoi_arena *a)
{
	(void)a;
	find_attr(&rt_sa(rt)->g_items[0].i_u.sak.k_attrs, KEK_ATTR_ALGORITHM)->a_type =
	    KEK_ATTR_MANAGEMENT_ALGORITHM;
}
static void m_kek_nosigbits(struct rt *rt, struct gdoi_arena *a)
{
	(void)a;
	rt_sa(rt)->g_items[0].i_u.sak.k_attrs.n--;	/* drop SIG_KEY_LENGTH */
}
static void m_kek_proto(struct rt *rt, struct gdoi_arena *a) { (void)a; rt_sa(rt)->g_items[0].i_u.sak.k_proto = 6; }
static void m_kek_id(struct rt *rt, struct gdoi_arena *a) { (void)a; rt_sa(rt)->g_items[0].i_u.sak.k_src.id_type = ID_FQDN; }
/* nine SPIs: TEK_MAX + 1 */
static void m_nine(struct rt *rt, struct gdoi_arena *a)
{
	struct gdoi_gsa *sa = rt_sa(rt);
	struct gdoi_sa_item *it = gdoi_arena_calloc(a, 9, sizeof(*it));
	size_t i;

	ck_assert_ptr_nonnull(it);
	for (i = 0; i < 9; i++) {
		it[i] = sa->g_items[2];
		it[i].i_u.sat.t_spi = 0x1000 + (uint32_t)i;
	}
	sa->g_items = it;
	sa->g_nitems = 9;
}

START_TEST(test_sa_refusals)
{
	expect_sa_err(m_3des, GDOI_E_ATTR);
	expect_sa_err(m_md5, GDOI_E_ATTR);
	expect_sa_err(m_keylen, GDOI_E_ATTR);
	expect_sa_err(m_gcm_auth, GDOI_E_ATTR);
	expect_sa_err(m_transport, GDOI_E_ATTR);
	expect_sa_err(m_esn, GDOI_E_ATTR);
	expect_sa_err(m_kbytes, GDOI_E_ATTR);
	expect_sa_err(m_no_attrs, GDOI_E_ATTR);
	expect_sa_err(m_spi0_attrs, GDOI_E_ATTR);
	expect_sa_err(m_ah, GDOI_E_PROTO);
	expect_sa_err(m_mask, GDOI_E_ID);
	expect_sa_err(m_range, GDOI_E_ID);
	expect_sa_err(m_family, GDOI_E_ID);
	expect_sa_err(m_two_sak, GDOI_E_NESTING);
	expect_sa_err(m_disagree, GDOI_E_ATTR);
	expect_sa_err(m_apart, GDOI_E_PROTO);
	expect_sa_err(m_deny_only, GDOI_E_PROTO);
	expect_sa_err(m_empty, GDOI_E_PROTO);
	expect_sa_err(m_kek_alg, GDOI_E_ATTR);
	expect_sa_err(m_kek_mgmt, GDOI_E_ATTR);
	expect_sa_err(m_kek_nosigbits, GDOI_E_ATTR);
	expect_sa_err(m_kek_proto, GDOI_E_PROTO);
	expect_sa_err(m_kek_id, GDOI_E_ID);
	expect_sa_err(m_nine, GDOI_E_NESTING);
}
END_TEST

/* Eight TEKs, one ACE each: the most a policy may hold, and it decodes. */
START_TEST(test_eight_teks)
{
	struct gdoi_gpolicy p, g;
	struct rt rt;
	size_t i;

	make_policy(&p);
	for (i = 0; i < GDOI_TEK_MAX; i++) {
		p.gp_tek[i] = p.gp_tek[0];
		p.gp_tek[i].tek_spi = 0x2000 + (uint32_t)i;
		p.gp_tek[i].tek_acl_first = (uint16_t)i;
		p.gp_tek[i].tek_acl_n = 1;
		p.gp_acl[i] = p.gp_acl[1];
	}
	p.gp_ntek = GDOI_TEK_MAX;
	p.gp_nacl = GDOI_TEK_MAX;
	rt_run(&rt, &p, NULL, 0, BUILD_MS);
	memset(&g, 0, sizeof(g));
	ck_assert_int_eq(gdoi_policy_from_sa(&g, rt_sa(&rt), DECODE_MS, NULL), 0);
	ck_assert_int_eq(gdoi_policy_from_kd(&g, rt_kd(&rt), NULL), 0);
	ck_assert_uint_eq(g.gp_ntek, GDOI_TEK_MAX);
	ck_assert_mem_eq(g.gp_tek[7].tek_int, p.gp_tek[7].tek_int, 32);
	rt_free(&rt);
	gdoi_gpolicy_clear(&g);
	gdoi_gpolicy_clear(&p);
}
END_TEST

/* A KD changed by mutate() must be refused with err and leave g as it was. */
static void
expect_kd_err(mutate_fn mutate, int sig_bits, int err)
{
	static const uint8_t zero[GDOI_TEK_ENC_MAX];
	struct gdoi_gpolicy p, g;
	struct gdoi_diag d = { 0 };
	struct rt rt;

	make_policy(&p);
	if (sig_bits)
		p.gp_kek.kek_sig_keybits = (uint16_t)sig_bits;
	rt_run(&rt, &p, NULL, 0, BUILD_MS);
	if (mutate)
		mutate(&rt, rt.da);
	memset(&g, 0, sizeof(g));
	ck_assert_int_eq(gdoi_policy_from_sa(&g, rt_sa(&rt), DECODE_MS, NULL), 0);
	ck_assert_int_eq(gdoi_policy_from_kd(&g, rt_kd(&rt), &d), err);
	ck_assert_int_eq(d.err, err);
	ck_assert_mem_eq(g.gp_tek[0].tek_enc, zero, sizeof(zero));
	ck_assert_mem_eq(g.gp_tek[1].tek_enc, zero, sizeof(zero));
	ck_assert_ptr_null(g.gp_kek.kek_pub);
	rt_free(&rt);
	gdoi_gpolicy_clear(&g);
	gdoi_gpolicy_clear(&p);
}

static struct gdoi_keypkt *
kp(struct rt *rt, size_t i)
{
	return &rt_kd(rt)->kd_pkts[i];
}

static void k_enc_short(struct rt *rt, struct gdoi_arena *a) { (void)a; kp(rt, 0)->kp_attrs.v[0].a_data.len--; }
static void k_int_sha1(struct rt *rt, struct gdoi_arena *a) { (void)a; kp(rt, 0)->kp_attrs.v[1].a_data.len = 20; }
static void k_gcm_nosalt(struct rt *rt, struct gdoi_arena *a) { (void)a; kp(rt, 1)->kp_attrs.v[0].a_data.len = 32; }
static void k_kek_long(struct rt *rt, struct gdoi_arena *a) { (void)a; kp(rt, 2)->kp_attrs.v[0].a_data.len = 36; }
static void k_no_int(struct rt *rt, struct gdoi_arena *a) { (void)a; kp(rt, 0)->kp_attrs.n = 1; }
static void k_spi(struct rt *rt, struct gdoi_arena *a)
{
	static const uint8_t other[4] = { 0xde, 0xad, 0xbe, 0xef };

	(void)a;
	kp(rt, 1)->kp_spi.ptr = other;
}
static void k_kek_spi(struct rt *rt, struct gdoi_arena *a)
{
	static const uint8_t other[16] = { 1 };

	(void)a;
	kp(rt, 2)->kp_spi.ptr = other;
}
static void k_missing(struct rt *rt, struct gdoi_arena *a)
{
	(void)a;
	rt_kd(rt)->kd_pkts++;	/* drop TEK0's key packet */
	rt_kd(rt)->kd_n--;
}
static void k_no_kek(struct rt *rt, struct gdoi_arena *a) { (void)a; rt_kd(rt)->kd_n--; }
static void k_twice(struct rt *rt, struct gdoi_arena *a) { (void)a; *kp(rt, 1) = *kp(rt, 0); }
static void k_lkh(struct rt *rt, struct gdoi_arena *a) { (void)a; kp(rt, 2)->kp_type = KD_TYPE_LKH; }
static void k_sid_cbc(struct rt *rt, struct gdoi_arena *a)
{
	(void)a;
	kp(rt, 0)->kp_type = KD_TYPE_SID;	/* a SID for the CBC TEK */
}
static void k_bad_spki(struct rt *rt, struct gdoi_arena *a)
{
	(void)a;
	kp(rt, 2)->kp_attrs.v[1].a_data.len -= 1;	/* truncated DER */
}

START_TEST(test_kd_refusals)
{
	expect_kd_err(k_enc_short, 0, GDOI_E_ATTR);
	expect_kd_err(k_int_sha1, 0, GDOI_E_ATTR);
	expect_kd_err(k_gcm_nosalt, 0, GDOI_E_ATTR);
	expect_kd_err(k_kek_long, 0, GDOI_E_ATTR);
	expect_kd_err(k_no_int, 0, GDOI_E_ATTR);
	expect_kd_err(k_spi, 0, GDOI_E_INVAL);
	expect_kd_err(k_kek_spi, 0, GDOI_E_INVAL);
	expect_kd_err(k_missing, 0, GDOI_E_ATTR);
	expect_kd_err(k_no_kek, 0, GDOI_E_ATTR);
	expect_kd_err(k_twice, 0, GDOI_E_ATTR);
	expect_kd_err(k_lkh, 0, GDOI_E_PROTO);
	expect_kd_err(k_sid_cbc, 0, GDOI_E_INVAL);
	expect_kd_err(k_bad_spki, 0, GDOI_E_ATTR);
	/* SIG_KEY_LENGTH says 3072, the key has 2048 bits */
	expect_kd_err(NULL, 3072, GDOI_E_ATTR);
}
END_TEST

/* The builders refuse policies they cannot write faithfully. */
START_TEST(test_build_refusals)
{
	struct gdoi_arena *a = gdoi_arena_new();
	struct gdoi_gpolicy p;
	struct gdoi_payload pl;
	int k;

	for (k = 0; k < 10; k++) {
		make_policy(&p);
		switch (k) {
		case 0: p.gp_tek[0].tek_spi = 0; break;
		case 1: p.gp_tek[1].tek_spi = T0_SPI; break;
		case 2: p.gp_acl[1].ace_permit = 0; break;	/* TEK0 has no permit */
		case 3: p.gp_tek[1].tek_acl_n = 3; break;	/* last ACE owned by nobody */
		case 4: p.gp_tek[0].tek_acl_first = 1; break;	/* runs overlap */
		case 5: p.gp_tek[0].tek_x.tx_esp = ESP_T_3DES; break;
		case 6: p.gp_kek.kek_alg = KEK_ALG_3DES; break;
		case 7: p.gp_kek.kek_multicast = 0; break;	/* 239/8 is multicast */
		case 8: p.gp_ntek = GDOI_TEK_MAX + 1; break;
		default: p.gp_acl[3].ace_src_plen = 33; break;
		}
		ck_assert_msg(gdoi_policy_sa_build(&p, BUILD_MS, a, &pl) == GDOI_E_INVAL, "case %d", k);
		ck_assert_msg(gdoi_policy_kd_build(&p, NULL, 0, a, &pl) == GDOI_E_INVAL, "case %d", k);
		gdoi_gpolicy_clear(&p);
	}
	/* Lifetimes already over are written as 1 second. */
	make_policy(&p);
	ck_assert_int_eq(gdoi_policy_sa_build(&p, 200000000, a, &pl), 0);
	ck_assert_uint_eq(gdoi_attrs_find(&pl.pl_u.gsa.g_items[2].i_u.sat.t_attrs,
	    IPSEC_ATTR_LIFE_DURATION)->a_val, 1);
	gdoi_gpolicy_clear(&p);
	gdoi_arena_free(a);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Text                                                                 */

static void
expect_ace_text(const struct gdoi_ace *a, const char *want)
{
	char buf[128];

	ck_assert_int_eq(gdoi_ace_format(a, buf, sizeof(buf)), (int)strlen(want));
	ck_assert_str_eq(buf, want);
}

START_TEST(test_ace_format)
{
	struct gdoi_gpolicy p;
	struct gdoi_ace a;
	char small[20];

	make_policy(&p);
	expect_ace_text(&p.gp_acl[0], "access-list deny udp any port = 848 any port = 848");
	expect_ace_text(&p.gp_acl[1],
	    "access-list permit ip 10.98.0.0 0.0.255.255 10.98.0.0 0.0.255.255");
	expect_ace_text(&p.gp_acl[2], "access-list deny ospf any any");
	expect_ace_text(&p.gp_acl[3],
	    "access-list permit tcp 10.1.0.0 0.0.0.255 host 10.2.0.5 port = 443");
	expect_ace_text(&p.gp_acl[4], "access-list permit ipv6 2001:db8::/32 2001:db8:1::/48");
	expect_ace_text(&p.gp_acl[5], "access-list deny icmp any any");
	a = ace4(1, 0, "0.0.0.0", 0, 0, "0.0.0.0", 0, 0);
	expect_ace_text(&a, "access-list permit ip any any");
	a = ace4(0, 88, "0.0.0.0", 0, 0, "0.0.0.0", 0, 0);
	expect_ace_text(&a, "access-list deny eigrp any any");
	a = ace4(1, 132, "192.168.1.77", 24, 0, "10.0.0.0", 8, 0);	/* host bits dropped */
	expect_ace_text(&a, "access-list permit 132 192.168.1.0 0.0.0.255 10.0.0.0 0.255.255.255");
	ck_assert_int_eq(gdoi_ace_format(&p.gp_acl[1], small, sizeof(small)), GDOI_E_TOOBIG);
	ck_assert_str_eq(small, "");
	a.ace_af = 5;
	ck_assert_int_eq(gdoi_ace_format(&a, small, sizeof(small)), GDOI_E_INVAL);
	gdoi_gpolicy_clear(&p);
}
END_TEST

START_TEST(test_xform)
{
	struct gdoi_tek_xform x = { ESP_T_AES_CBC, 256, IPSEC_AUTH_HMAC_SHA256 };
	char buf[64];

	ck_assert_int_eq(gdoi_tek_xform_ok(&x), 0);
	ck_assert_str_eq(gdoi_tek_xform_name(&x, buf, sizeof(buf)), "esp-256-aes esp-sha256-hmac");
	ck_assert_uint_eq(gdoi_tek_enc_keylen(&x), 32);
	ck_assert_uint_eq(gdoi_tek_int_keylen(&x), 32);
	x.tx_keybits = 128;
	x.tx_auth = IPSEC_AUTH_HMAC_SHA1;
	ck_assert_str_eq(gdoi_tek_xform_name(&x, buf, sizeof(buf)), "esp-128-aes esp-sha-hmac");
	ck_assert_uint_eq(gdoi_tek_enc_keylen(&x), 16);
	ck_assert_uint_eq(gdoi_tek_int_keylen(&x), 20);
	x.tx_esp = ESP_T_AES_GCM_16;
	ck_assert_int_eq(gdoi_tek_xform_ok(&x), GDOI_E_ATTR);	/* GCM takes no auth */
	x.tx_auth = 0;
	ck_assert_str_eq(gdoi_tek_xform_name(&x, buf, sizeof(buf)), "esp-gcm");
	ck_assert_uint_eq(gdoi_tek_enc_keylen(&x), 20);
	ck_assert_uint_eq(gdoi_tek_int_keylen(&x), 0);
	x.tx_keybits = 256;
	ck_assert_str_eq(gdoi_tek_xform_name(&x, buf, sizeof(buf)), "esp-gcm 256");
	ck_assert_uint_eq(gdoi_tek_enc_keylen(&x), 36);
	x.tx_keybits = 192;
	ck_assert_int_eq(gdoi_tek_xform_ok(&x), GDOI_E_ATTR);
	ck_assert_uint_eq(gdoi_tek_enc_keylen(&x), 0);
	x.tx_esp = ESP_T_3DES;
	x.tx_keybits = 128;
	ck_assert_int_eq(gdoi_tek_xform_ok(&x), GDOI_E_ATTR);
	ck_assert_ptr_nonnull(strstr(gdoi_tek_xform_name(&x, buf, sizeof(buf)), "unsupported"));
}
END_TEST

static Suite *
policy_suite(void)
{
	Suite *s = suite_create("policy");
	TCase *tc;

	tc = tcase_create("roundtrip");
	tcase_add_test(tc, test_roundtrip);
	tcase_add_test(tc, test_wire_layout);
	tcase_add_test(tc, test_sid);
	tcase_add_test(tc, test_copy);
	tcase_add_test(tc, test_eight_teks);
	suite_add_tcase(s, tc);

	tc = tcase_create("refusals");
	tcase_add_test(tc, test_sa_refusals);
	tcase_add_test(tc, test_kd_refusals);
	tcase_add_test(tc, test_build_refusals);
	suite_add_tcase(s, tc);

	tc = tcase_create("text");
	tcase_add_test(tc, test_ace_format);
	tcase_add_test(tc, test_xform);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	int rc;

	make_spki();
	rc = testkey_run(policy_suite());
	free(spki);
	return rc;
}
