/*
 * Unit tests of shared/pull.c: GROUPKEY-PULL between a GM and a KS in
 * memory, over two Phase 1 SAs established with pre-shared keys by the
 * Main Mode driver (p1_drive.c), with a fake clock.
 *
 * Besides the state machines, this file frames messages on its own
 * (forge() and open_msg() below: header written by hand, hash over the
 * raw bytes, CBC), so that the four HASH(n) formulas and the IV chain
 * are checked against a second implementation, and so that a KS can be
 * made to say things ours never would.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "gdoi/arena.h"
#include "gdoi/buf.h"
#include "gdoi/crypto.h"
#include "gdoi/err.h"
#include "gdoi/p1.h"
#include "gdoi/payload.h"
#include "gdoi/policy.h"
#include "gdoi/pull.h"
#include "gdoi/wire.h"
#include "p1_drive.h"
#include "testkey.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const uint8_t addr_i[4] = { 10, 0, 0, 1 };	/* the GM */
static const uint8_t addr_r[4] = { 10, 0, 0, 2 };	/* the KS */
static const uint8_t psk[] = "gdoi-test-psk";

#define GROUP 1001
#define SEQ 77
#define T0_SPI 0x11223344u	/* esp-256-aes esp-sha256-hmac */
#define T1_SPI 0x55667788u	/* esp-gcm 256 */

/* One Phase 1 role (as in check_p1.c). */
struct role {
	struct gdoi_p1_ctx ctx;
	struct gdoi_p1_policy pol[1];
	struct gdoi_p1_psk_entry psk;
	struct gdoi_p1_psk_table tab;
	struct gdoi_p1_peer peer;
};

static struct role I, R;
static struct p1_run x;			/* x.i: the GM's SA, x.r: the KS's */
static struct gdoi_p1_out p1out;
static struct gdoi_pull_out out;
static struct gdoi_gpolicy kspol;	/* the group's policy at the KS */
static uint8_t *spki;
static size_t spki_len;

/* The KS callbacks and what they saw. */
static struct ks_state {
	int ks_refuse;			/* lookup returns this when > 0 */
	int ks_lookups;
	uint32_t ks_group;
	int ks_sid_calls;
	unsigned ks_sid_n;
	size_t ks_sid_cap;
	int ks_sid_ret;			/* < 0: exhaustion */
	int ks_seq_calls;
} ks;

static int
ks_lookup(void *arg, const struct gdoi_p1_sa *p1, uint32_t group, const struct gdoi_gpolicy **pol)
{
	struct ks_state *s = arg;

	ck_assert_ptr_eq(p1, x.r);
	s->ks_lookups++;
	s->ks_group = group;
	if (s->ks_refuse)
		return s->ks_refuse;
	*pol = &kspol;
	return 0;
}

static int
ks_sid_alloc(void *arg, const struct gdoi_p1_sa *p1, uint32_t group, unsigned n,
    struct gdoi_sid_grant *g, size_t cap)
{
	struct ks_state *s = arg;

	ck_assert_ptr_eq(p1, x.r);
	ck_assert_uint_eq(group, GROUP);
	s->ks_sid_calls++;
	s->ks_sid_n = n;
	s->ks_sid_cap = cap;
	if (s->ks_sid_ret < 0)
		return s->ks_sid_ret;
	ck_assert_uint_ge(cap, 1);
	g[0].sg_spi = T1_SPI;
	g[0].sg_bits = 8;
	g[0].sg_sid = 42;
	return 1;
}

static uint32_t
ks_seq(void *arg, uint32_t group)
{
	struct ks_state *s = arg;

	ck_assert_uint_eq(group, GROUP);
	s->ks_seq_calls++;
	return SEQ;
}

static struct gdoi_pull_ks_ops ops = { ks_lookup, ks_sid_alloc, ks_seq, &ks };
static struct gdoi_pull_gm_cfg gmcfg = { GROUP, 0 };

static void
role_init(struct role *ro, const uint8_t *self, const uint8_t *other)
{
	memset(ro, 0, sizeof(*ro));
	ro->pol[0].pp_enc = IKE_ENC_AES_CBC;
	ro->pol[0].pp_keylen = 256;
	ro->pol[0].pp_hash = IKE_HASH_SHA256;
	ro->pol[0].pp_auth = IKE_AUTH_PSK;
	ro->pol[0].pp_group = IKE_GROUP_ECP256;
	ro->pol[0].pp_life_s = 86400;
	ro->ctx.x_policy = ro->pol;
	ro->ctx.x_npolicy = 1;
	memcpy(ro->psk.pe_addr, other, 4);
	ro->psk.pe_alen = 4;
	ro->psk.pe_psk = psk;
	ro->psk.pe_psklen = sizeof(psk) - 1;
	ro->tab.pt_e = &ro->psk;
	ro->tab.pt_n = 1;
	ro->ctx.x_psk = gdoi_p1_psk_table_lookup;
	ro->ctx.x_psk_arg = &ro->tab;
	ro->ctx.x_local_id.id_type = ID_IPV4_ADDR;
	ro->ctx.x_local_id.id_data.ptr = self;
	ro->ctx.x_local_id.id_data.len = 4;
	memset(ro->ctx.x_cookie_secret, 0x5a, sizeof(ro->ctx.x_cookie_secret));
	memcpy(ro->peer.pa_addr, other, 4);
	ro->peer.pa_alen = 4;
	ro->peer.pa_port = GDOI_UDP_PORT;
}

static struct gdoi_ace
ace_any(int permit, uint8_t proto, uint16_t port)
{
	struct gdoi_ace a;

	memset(&a, 0, sizeof(a));
	a.ace_permit = (uint8_t)permit;
	a.ace_proto = proto;
	a.ace_af = 4;
	a.ace_sport = a.ace_dport = port;
	return a;
}

/* KEK + a CBC TEK (deny IKE, permit 10.98/16) [+ a GCM TEK (permit any)]. */
static void
make_policy(struct gdoi_gpolicy *p, int with_gcm)
{
	static const uint8_t src[4] = { 10, 0, 0, 2 };
	struct gdoi_tek *t;

	memset(p, 0, sizeof(*p));
	p->gp_group = GROUP;
	p->gp_has_kek = 1;
	testkey_kek(&p->gp_kek, 128, 0x31, 0xc8, SIG_HASH_SHA256, 86400000, spki, spki_len);
	memcpy(p->gp_kek.kek_src, src, 4);	/* unicast rekeys: destination 0.0.0.0 */

	p->gp_acl[0] = ace_any(0, 17, 848);
	p->gp_acl[1] = ace_any(1, 0, 0);
	p->gp_acl[1].ace_src[0] = p->gp_acl[1].ace_dst[0] = 10;
	p->gp_acl[1].ace_src[1] = p->gp_acl[1].ace_dst[1] = 98;
	p->gp_acl[1].ace_src_plen = p->gp_acl[1].ace_dst_plen = 16;
	p->gp_nacl = 2;
	t = &p->gp_tek[0];
	testkey_tek(t, T0_SPI, 3600000, 0, 2);
	p->gp_ntek = 1;
	if (!with_gcm)
		return;
	p->gp_acl[2] = ace_any(1, 0, 0);
	p->gp_nacl = 3;
	t = &p->gp_tek[1];
	t->tek_spi = T1_SPI;
	t->tek_x.tx_esp = ESP_T_AES_GCM_16;
	t->tek_x.tx_keybits = 256;
	t->tek_life_s = 3600;
	t->tek_expiry_ms = 3600000;
	testkey_pattern(t->tek_enc, 36, 0x10);
	t->tek_addr_pres = GDOI_AP_SRC_DST;
	t->tek_dir = GDOI_DIR_SYMMETRIC;
	t->tek_acl_first = 2;
	t->tek_acl_n = 1;
	p->gp_ntek = 2;
}

static void
setup(void)
{
	role_init(&I, addr_i, addr_r);
	role_init(&R, addr_r, addr_i);
	memset(&ks, 0, sizeof(ks));
	ops.sid_alloc = ks_sid_alloc;
	gmcfg.gc_group = GROUP;
	gmcfg.gc_sid_request = 0;
	make_policy(&kspol, 0);
	p1_run_full(&x, &I.ctx, &I.peer, &R.ctx, &R.peer, 0, &p1out);
}

static void
teardown(void)
{
	p1_run_free(&x);
	gdoi_gpolicy_clear(&kspol);
}

/* A saved datagram. */
struct dg {
	uint8_t b[GDOI_PULL_MSG_MAX];
	size_t n;
};

static void
save(struct dg *d, const struct gdoi_pull_out *o)
{
	ck_assert_uint_gt(o->o_len, 0);
	memcpy(d->b, o->o_msg, o->o_len);
	d->n = o->o_len;
}

/* Every message of the exchange: an encrypted GROUPKEY-PULL under the
 * Phase 1 cookies, whole blocks after the header. */
static void
expect_pull_msg(const struct dg *d, uint32_t msgid)
{
	struct gdoi_msg *m = NULL;

	ck_assert_int_eq(gdoi_msg_decode(d->b, d->n, &m, NULL), 0);
	ck_assert_uint_eq(m->m_hdr.h_exchange, GDOI_EX_PULL);
	ck_assert_uint_eq(m->m_hdr.h_flags, ISAKMP_FLAG_E);
	ck_assert_uint_eq(m->m_hdr.h_np, ISAKMP_PL_HASH);
	ck_assert_uint_eq(m->m_hdr.h_version, ISAKMP_VERSION);
	ck_assert_uint_eq(m->m_hdr.h_msgid, msgid);
	ck_assert_uint_eq(m->m_hdr.h_length, d->n);
	ck_assert_mem_eq(m->m_hdr.h_icookie, gdoi_p1_icookie(x.i), 8);
	ck_assert_mem_eq(m->m_hdr.h_rcookie, gdoi_p1_rcookie(x.i), 8);
	ck_assert_uint_eq(m->m_body.len % 16, 0);
	ck_assert_uint_eq(m->m_trailing, 0);
	gdoi_msg_free(m);
}

/* ------------------------------------------------------------------ */
/* Independent framing                                                  */

/* Decrypt a message from iv (then the last ciphertext block); returns
 * the plaintext length. */
static size_t
open_msg(const struct gdoi_p1_sa *p1, uint8_t *iv, const struct dg *d, uint8_t *plain)
{
	const struct gdoi_p1keys *k = gdoi_p1_keys(p1);
	size_t n = d->n - ISAKMP_HDR_LEN;

	ck_assert_ptr_nonnull(k);
	ck_assert_int_eq(gdoi_cbc_decrypt(IKE_ENC_AES_CBC, k->k_enc, k->k_enc_len, iv,
	    d->b + ISAKMP_HDR_LEN, n, plain), 0);
	return n;
}

/* End of the payload chain that starts at plain[0] with type first. */
static size_t
chain_end(const uint8_t *plain, size_t n, uint8_t first)
{
	size_t off = 0;
	uint8_t np = first;

	while (np != 0) {
		ck_assert_uint_le(off + 4, n);
		np = plain[off];
		off += gdoi_be16(plain + off + 2);
		ck_assert_uint_le(off, n);
	}
	return off;
}

/* prf(SKEYID_a, M-ID | pre... | rest) with the keys of p1. */
static void
ref_hash(const struct gdoi_p1_sa *p1, uint32_t mid, const struct gdoi_bytes *pre, size_t npre,
    const uint8_t *rest, size_t restlen, uint8_t *h, size_t *hlen)
{
	const struct gdoi_p1keys *k = gdoi_p1_keys(p1);
	struct gdoi_bytes parts[4];
	uint8_t m[4];
	size_t i;

	gdoi_put32(m, mid);
	parts[0].ptr = m;
	parts[0].len = 4;
	for (i = 0; i < npre; i++)
		parts[1 + i] = pre[i];
	parts[1 + npre].ptr = rest;
	parts[1 + npre].len = restlen;
	ck_assert_int_eq(gdoi_prf(IKE_HASH_SHA256, k->k_skeyid_a, k->k_skeyid_a_len, parts,
	    npre + 2, h, GDOI_HASH_MAX, hlen), 0);
}

/* Check HASH(n) of a decrypted message: first payload HASH, over M-ID |
 * pre | the payloads after it.  Returns the offset where they start. */
static size_t
check_hash(const struct gdoi_p1_sa *p1, uint32_t mid, const struct gdoi_bytes *pre, size_t npre,
    const uint8_t *plain, size_t n)
{
	uint8_t h[GDOI_HASH_MAX];
	size_t hlen = 0, start, end;

	ck_assert_uint_ge(n, 4 + 32);
	ck_assert_uint_eq(gdoi_be16(plain + 2), 4 + 32);
	start = 4 + 32;
	end = chain_end(plain, n, ISAKMP_PL_HASH);
	ck_assert_uint_lt(n - end, 16);	/* padding only */
	ref_hash(p1, mid, pre, npre, plain + start, end - start, h, &hlen);
	ck_assert_uint_eq(hlen, 32);
	ck_assert_mem_eq(plain + 4, h, 32);
	return start;
}

/*
 * Frame a GROUPKEY-PULL message ourselves: header by hand, HASH, the
 * payloads pl (encoded with the codec), zero padding, CBC under p1's key
 * from iv (then the last ciphertext block).
 */
static void
forge(const struct gdoi_p1_sa *p1, uint32_t mid, uint8_t *iv, const struct gdoi_bytes *pre,
    size_t npre, const struct gdoi_payload *pl, size_t n, struct dg *d)
{
	const struct gdoi_p1keys *k = gdoi_p1_keys(p1);
	struct gdoi_wr w;
	uint8_t first = 0, h[GDOI_HASH_MAX];
	size_t hlen = 0, len;

	gdoi_wr_init(&w, 0);
	gdoi_chain_encode(&w, GDOI_CTX_GDOI, pl, n, &first);
	ck_assert_int_eq(gdoi_wr_error(&w), 0);
	ref_hash(p1, mid, pre, npre, gdoi_wr_data(&w), gdoi_wr_len(&w), h, &hlen);
	memset(d, 0, sizeof(*d));
	memcpy(d->b, gdoi_p1_icookie(p1), 8);
	memcpy(d->b + 8, gdoi_p1_rcookie(p1), 8);
	d->b[16] = ISAKMP_PL_HASH;
	d->b[17] = ISAKMP_VERSION;
	d->b[18] = GDOI_EX_PULL;
	d->b[19] = ISAKMP_FLAG_E;
	gdoi_put32(d->b + 20, mid);
	d->b[28] = first;
	gdoi_put16(d->b + 30, (uint16_t)(4 + hlen));
	memcpy(d->b + 32, h, hlen);
	len = 32 + hlen;
	ck_assert_uint_lt(len + gdoi_wr_len(&w) + 16, sizeof(d->b));
	memcpy(d->b + len, gdoi_wr_data(&w), gdoi_wr_len(&w));
	len += gdoi_wr_len(&w);
	len += (16 - (len - ISAKMP_HDR_LEN) % 16) % 16;	/* zeros: memset above */
	gdoi_put32(d->b + 24, (uint32_t)len);
	ck_assert_int_eq(gdoi_cbc_encrypt(IKE_ENC_AES_CBC, k->k_enc, k->k_enc_len, iv,
	    d->b + ISAKMP_HDR_LEN, len - ISAKMP_HDR_LEN, d->b + ISAKMP_HDR_LEN), 0);
	d->n = len;
	gdoi_wr_free(&w);
}

/* The notify type and data of an encrypted Informational, decoded by p1. */
static uint16_t
notify_of(const struct gdoi_p1_sa *p1, const uint8_t *b, size_t n, struct dg *data)
{
	struct gdoi_p1_info info;
	uint16_t t;

	ck_assert_int_eq(gdoi_p1_info_decode(p1, b, n, &info), 0);
	ck_assert_uint_eq(info.i_npl, 1);
	ck_assert_uint_eq(info.i_pl[0].pl_type, ISAKMP_PL_N);
	t = info.i_pl[0].pl_u.n.n_type;
	if (data) {
		data->n = info.i_pl[0].pl_u.n.n_data.len;
		memcpy(data->b, info.i_pl[0].pl_u.n.n_data.ptr, data->n);
	}
	gdoi_p1_info_free(&info);
	return t;
}

/* ------------------------------------------------------------------ */
/* A registration driven step by step                                   */

struct reg {
	struct gdoi_pull *gm, *ks;
	struct dg m[5];		/* m[1]..m[4] */
};

/* Produce messages 1..upto (4 = message 4 made); upto 5 also gives
 * message 4 to the GM.  All at time now. */
static void
reg_to(struct reg *r, int upto, uint64_t now)
{
	memset(r, 0, sizeof(*r));
	ck_assert_int_eq(gdoi_pull_initiate(x.i, &gmcfg, now, &r->gm, &out), 0);
	ck_assert_ptr_nonnull(r->gm);
	ck_assert_uint_eq(out.o_events, 0);
	save(&r->m[1], &out);
	if (upto < 2)
		return;
	ck_assert_int_eq(gdoi_pull_respond(x.r, &ops, r->m[1].b, r->m[1].n, now, &r->ks, &out), 0);
	ck_assert_ptr_nonnull(r->ks);
	ck_assert_uint_eq(out.o_events, 0);
	save(&r->m[2], &out);
	if (upto < 3)
		return;
	ck_assert_int_eq(gdoi_pull_input(r->gm, r->m[2].b, r->m[2].n, now, &out), 0);
	ck_assert_uint_eq(out.o_events, 0);
	save(&r->m[3], &out);
	if (upto < 4)
		return;
	ck_assert_int_eq(gdoi_pull_input(r->ks, r->m[3].b, r->m[3].n, now, &out), 0);
	ck_assert_uint_eq(out.o_events, GDOI_PULL_EV_DONE);
	save(&r->m[4], &out);
	if (upto < 5)
		return;
	ck_assert_int_eq(gdoi_pull_input(r->gm, r->m[4].b, r->m[4].n, now, &out), 0);
	ck_assert_uint_eq(out.o_events, GDOI_PULL_EV_DONE);
	ck_assert_uint_eq(out.o_len, 0);
}

static void
reg_free(struct reg *r)
{
	gdoi_pull_free(r->gm);
	gdoi_pull_free(r->ks);
	r->gm = r->ks = NULL;
}

/* The GM's policy equals the KS's: same KEK, TEKs, keys, ACL. */
static void
expect_same_policy(const struct gdoi_gpolicy *g, const struct gdoi_gpolicy *k)
{
	size_t i;

	ck_assert_uint_eq(g->gp_group, k->gp_group);
	ck_assert_uint_eq(g->gp_has_kek, k->gp_has_kek);
	ck_assert_mem_eq(g->gp_kek.kek_spi, k->gp_kek.kek_spi, GDOI_KEK_SPI_LEN);
	ck_assert_uint_eq(g->gp_kek.kek_keybits, k->gp_kek.kek_keybits);
	ck_assert_mem_eq(g->gp_kek.kek_key, k->gp_kek.kek_key, k->gp_kek.kek_keybits / 8);
	ck_assert_uint_eq(g->gp_kek.kek_publen, k->gp_kek.kek_publen);
	ck_assert_mem_eq(g->gp_kek.kek_pub, k->gp_kek.kek_pub, k->gp_kek.kek_publen);
	ck_assert_uint_eq(g->gp_kek.kek_multicast, 0);
	ck_assert_uint_eq(g->gp_ntek, k->gp_ntek);
	for (i = 0; i < k->gp_ntek; i++) {
		const struct gdoi_tek *a = &g->gp_tek[i], *b = &k->gp_tek[i];

		ck_assert_uint_eq(a->tek_spi, b->tek_spi);
		ck_assert_uint_eq(a->tek_x.tx_esp, b->tek_x.tx_esp);
		ck_assert_uint_eq(a->tek_x.tx_keybits, b->tek_x.tx_keybits);
		ck_assert_uint_eq(a->tek_x.tx_auth, b->tek_x.tx_auth);
		ck_assert_mem_eq(a->tek_enc, b->tek_enc, gdoi_tek_enc_keylen(&b->tek_x));
		ck_assert_mem_eq(a->tek_int, b->tek_int, gdoi_tek_int_keylen(&b->tek_x));
		ck_assert_uint_eq(a->tek_acl_first, b->tek_acl_first);
		ck_assert_uint_eq(a->tek_acl_n, b->tek_acl_n);
	}
	ck_assert_uint_eq(g->gp_nacl, k->gp_nacl);
	for (i = 0; i < k->gp_nacl; i++) {
		ck_assert_uint_eq(g->gp_acl[i].ace_permit, k->gp_acl[i].ace_permit);
		ck_assert_uint_eq(g->gp_acl[i].ace_proto, k->gp_acl[i].ace_proto);
		ck_assert_uint_eq(g->gp_acl[i].ace_sport, k->gp_acl[i].ace_sport);
		ck_assert_uint_eq(g->gp_acl[i].ace_src_plen, k->gp_acl[i].ace_src_plen);
	}
}

START_TEST(test_register)
{
	const struct gdoi_gpolicy *g;
	const struct gdoi_sid_grant *sg = NULL;
	struct reg r;
	uint32_t mid;
	int k;

	reg_to(&r, 5, 1000);
	mid = gdoi_pull_msgid(r.gm);
	ck_assert_uint_ne(mid, 0);
	ck_assert_uint_eq(gdoi_pull_msgid(r.ks), mid);
	for (k = 1; k <= 4; k++)
		expect_pull_msg(&r.m[k], mid);
	ck_assert_int_eq(ks.ks_lookups, 1);
	ck_assert_uint_eq(ks.ks_group, GROUP);
	ck_assert_int_eq(ks.ks_seq_calls, 1);
	ck_assert_int_eq(ks.ks_sid_calls, 0);
	ck_assert_uint_eq(gdoi_pull_group(r.gm), GROUP);
	ck_assert_uint_eq(gdoi_pull_group(r.ks), GROUP);
	ck_assert_ptr_eq(gdoi_pull_p1(r.gm), x.i);
	ck_assert_ptr_eq(gdoi_pull_p1(r.ks), x.r);
	ck_assert(gdoi_pull_done(r.gm));
	ck_assert(gdoi_pull_done(r.ks));
	g = gdoi_pull_policy(r.gm);
	ck_assert_ptr_nonnull(g);
	expect_same_policy(g, &kspol);
	ck_assert_uint_eq(g->gp_has_seq, 1);
	ck_assert_uint_eq(g->gp_seq, SEQ);
	ck_assert_uint_eq(g->gp_tek[0].tek_expiry_ms, 1000 + 3599000ull);
	ck_assert_ptr_null(gdoi_pull_policy(r.ks));
	ck_assert_uint_eq(gdoi_pull_sids(r.ks, &sg), 0);
	/* Timers: nothing for the GM, the linger for the KS. */
	ck_assert_uint_eq(gdoi_pull_next_deadline(r.gm), UINT64_MAX);
	ck_assert_uint_eq(gdoi_pull_next_deadline(r.ks), 1000 + GDOI_PULL_LINGER_MS);
	reg_free(&r);
}
END_TEST

/* HASH(1)..HASH(4) and the IV chain, checked with our own framing. */
START_TEST(test_hashes)
{
	uint8_t plain[GDOI_PULL_MSG_MAX], iv[16], ni[256], nr[256];
	struct gdoi_bytes pre[2];
	size_t n, s, ni_len, nr_len, blk = 0;
	struct reg r;
	uint32_t mid;

	reg_to(&r, 5, 0);
	mid = gdoi_pull_msgid(r.gm);
	/* Message 1 with the KS's keys: IV = hash(last Phase 1 block | M-ID). */
	ck_assert_ptr_nonnull(gdoi_p1_last_block(x.r, &blk));
	ck_assert_uint_eq(blk, 16);
	ck_assert_int_eq(gdoi_p2_iv(IKE_HASH_SHA256, gdoi_p1_last_block(x.r, &blk), 16, mid, iv,
	    16), 0);
	n = open_msg(x.r, iv, &r.m[1], plain);
	s = check_hash(x.r, mid, NULL, 0, plain, n);
	/* Ni, then ID(ID_KEY_ID, proto 0, port 0, 4-octet big-endian group). */
	ck_assert_uint_eq(plain[0], ISAKMP_PL_NONCE);
	ni_len = gdoi_be16(plain + s + 2) - 4u;
	ck_assert_uint_eq(ni_len, 16);
	memcpy(ni, plain + s + 4, ni_len);
	ck_assert_uint_eq(plain[s], ISAKMP_PL_ID);
	s += 4 + ni_len;
	ck_assert_uint_eq(gdoi_be16(plain + s + 2), 4 + 4 + 4);
	ck_assert_uint_eq(plain[s + 4], ID_KEY_ID);
	ck_assert_uint_eq(plain[s + 5], 0);
	ck_assert_uint_eq(gdoi_be16(plain + s + 6), 0);
	ck_assert_uint_eq(gdoi_be32(plain + s + 8), GROUP);
	ck_assert_mem_eq(iv, r.m[1].b + r.m[1].n - 16, 16);
	/* Message 2: from the last block of message 1; M-ID | Ni_b | Nr | SA. */
	pre[0].ptr = ni;
	pre[0].len = ni_len;
	n = open_msg(x.i, iv, &r.m[2], plain);
	s = check_hash(x.i, mid, pre, 1, plain, n);
	ck_assert_uint_eq(plain[0], ISAKMP_PL_NONCE);
	ck_assert_uint_eq(plain[s], ISAKMP_PL_SA);
	nr_len = gdoi_be16(plain + s + 2) - 4u;
	memcpy(nr, plain + s + 4, nr_len);
	pre[1].ptr = nr;
	pre[1].len = nr_len;
	/* Message 3: M-ID | Ni_b | Nr_b, and no GAP (nothing asked). */
	n = open_msg(x.r, iv, &r.m[3], plain);
	s = check_hash(x.r, mid, pre, 2, plain, n);
	ck_assert_uint_eq(plain[0], 0);
	ck_assert_uint_eq(s, 36);
	/* Message 4: M-ID | Ni_b | Nr_b | SEQ | KD. */
	n = open_msg(x.i, iv, &r.m[4], plain);
	s = check_hash(x.i, mid, pre, 2, plain, n);
	ck_assert_uint_eq(plain[0], GDOI_PL_SEQ);
	ck_assert_uint_eq(gdoi_be16(plain + s + 2), 8);
	ck_assert_uint_eq(gdoi_be32(plain + s + 4), SEQ);
	ck_assert_uint_eq(plain[s], GDOI_PL_KD);
	reg_free(&r);
}
END_TEST

/* A KS we frame ourselves: the GM takes a correct message 2 and 4. */
START_TEST(test_forged_ks)
{
	uint8_t plain[GDOI_PULL_MSG_MAX], iv[16], ni[16], nr[16];
	struct gdoi_payload pl[2];
	struct gdoi_bytes pre[2];
	struct gdoi_arena *a = gdoi_arena_new();
	struct gdoi_pull *gm = NULL;
	struct dg m1, m2, m3, m4;
	const struct gdoi_gpolicy *g;
	size_t n, blk = 0;
	uint32_t mid;

	ck_assert_int_eq(gdoi_pull_initiate(x.i, &gmcfg, 0, &gm, &out), 0);
	save(&m1, &out);
	mid = gdoi_pull_msgid(gm);
	ck_assert_int_eq(gdoi_p2_iv(IKE_HASH_SHA256, gdoi_p1_last_block(x.r, &blk), 16, mid, iv,
	    16), 0);
	n = open_msg(x.r, iv, &m1, plain);
	(void)check_hash(x.r, mid, NULL, 0, plain, n);
	memcpy(ni, plain + 36 + 4, 16);
	testkey_pattern(nr, sizeof(nr), 0x77);
	pre[0].ptr = ni;
	pre[0].len = 16;
	pre[1].ptr = nr;
	pre[1].len = 16;
	memset(pl, 0, sizeof(pl));
	pl[0].pl_type = ISAKMP_PL_NONCE;
	pl[0].pl_u.data.ptr = nr;
	pl[0].pl_u.data.len = sizeof(nr);
	ck_assert_int_eq(gdoi_policy_sa_build(&kspol, 0, a, &pl[1]), 0);
	forge(x.r, mid, iv, pre, 1, pl, 2, &m2);
	ck_assert_int_eq(gdoi_pull_input(gm, m2.b, m2.n, 0, &out), 0);
	ck_assert_uint_eq(out.o_events, 0);
	save(&m3, &out);
	n = open_msg(x.r, iv, &m3, plain);
	(void)check_hash(x.r, mid, pre, 2, plain, n);
	pl[0].pl_type = GDOI_PL_SEQ;
	pl[0].pl_u.seq = 1234;
	ck_assert_int_eq(gdoi_policy_kd_build(&kspol, NULL, 0, a, &pl[1]), 0);
	forge(x.r, mid, iv, pre, 2, pl, 2, &m4);
	ck_assert_int_eq(gdoi_pull_input(gm, m4.b, m4.n, 0, &out), 0);
	ck_assert_uint_eq(out.o_events, GDOI_PULL_EV_DONE);
	g = gdoi_pull_policy(gm);
	ck_assert_ptr_nonnull(g);
	expect_same_policy(g, &kspol);
	ck_assert_uint_eq(g->gp_seq, 1234);
	gdoi_pull_free(gm);
	gdoi_arena_free(a);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Refusals                                                             */

START_TEST(test_refused)
{
	struct gdoi_pull *gm = NULL, *kx = NULL;
	struct dg m1, note, data;

	ks.ks_refuse = N_INVALID_ID_INFORMATION;
	ck_assert_int_eq(gdoi_pull_initiate(x.i, &gmcfg, 0, &gm, &out), 0);
	save(&m1, &out);
	ck_assert_int_lt(gdoi_pull_respond(x.r, &ops, m1.b, m1.n, 10, &kx, &out), 0);
	ck_assert_ptr_null(kx);
	ck_assert_uint_eq(out.o_events, GDOI_PULL_EV_FAILED);
	ck_assert_uint_eq(out.o_notify, N_INVALID_ID_INFORMATION);
	save(&note, &out);
	/* The GM's Phase 1 SA reads it: type 18, data = the group ID data. */
	ck_assert_uint_eq(notify_of(x.i, note.b, note.n, &data), N_INVALID_ID_INFORMATION);
	ck_assert_uint_eq(data.n, 4);
	ck_assert_uint_eq(gdoi_be32(data.b), GROUP);
	ck_assert_int_eq(gdoi_p1_input(x.i, note.b, note.n, 20, &p1out), 0);
	ck_assert_uint_eq(p1out.o_events, GDOI_P1_EV_NOTIFY);
	ck_assert_uint_eq(p1out.o_notify, N_INVALID_ID_INFORMATION);
	/* ... and the daemon ends the exchange with it. */
	gdoi_pull_abort(gm, p1out.o_notify, &out);
	ck_assert_uint_eq(out.o_events, GDOI_PULL_EV_FAILED);
	ck_assert_uint_eq(out.o_notify, N_INVALID_ID_INFORMATION);
	ck_assert_uint_eq(out.o_len, 0);
	ck_assert(!gdoi_pull_done(gm));
	ck_assert_uint_eq(gdoi_pull_next_deadline(gm), UINT64_MAX);
	gdoi_pull_tick(gm, 1000000, &out);
	ck_assert_uint_eq(out.o_events, 0);
	gdoi_pull_abort(gm, 14, &out);	/* once only */
	ck_assert_uint_eq(out.o_events, 0);
	ck_assert_int_lt(gdoi_pull_input(gm, m1.b, m1.n, 30, &out), 0);
	gdoi_pull_free(gm);
}
END_TEST

/* A group ID that is not a 4-octet ID_KEY_ID: INVALID-ID-INFORMATION. */
START_TEST(test_refused_id)
{
	static const uint8_t name[] = "group-a";
	uint8_t iv[16], ni[16];
	struct gdoi_payload pl[2];
	struct gdoi_pull *kx = NULL;
	struct dg m1, data;
	size_t blk = 0;
	const uint32_t mid = 0x01020304;

	ck_assert_int_eq(gdoi_p2_iv(IKE_HASH_SHA256, gdoi_p1_last_block(x.i, &blk), 16, mid, iv,
	    16), 0);
	testkey_pattern(ni, sizeof(ni), 1);
	memset(pl, 0, sizeof(pl));
	pl[0].pl_type = ISAKMP_PL_NONCE;
	pl[0].pl_u.data.ptr = ni;
	pl[0].pl_u.data.len = sizeof(ni);
	pl[1].pl_type = ISAKMP_PL_ID;
	pl[1].pl_u.id.id_type = ID_FQDN;
	pl[1].pl_u.id.id_data.ptr = name;
	pl[1].pl_u.id.id_data.len = sizeof(name) - 1;
	forge(x.i, mid, iv, NULL, 0, pl, 2, &m1);
	ck_assert_int_lt(gdoi_pull_respond(x.r, &ops, m1.b, m1.n, 0, &kx, &out), 0);
	ck_assert_ptr_null(kx);
	ck_assert_uint_eq(out.o_events, GDOI_PULL_EV_FAILED);
	ck_assert_uint_eq(out.o_notify, N_INVALID_ID_INFORMATION);
	ck_assert_uint_eq(notify_of(x.i, out.o_msg, out.o_len, &data), N_INVALID_ID_INFORMATION);
	ck_assert_uint_eq(data.n, sizeof(name) - 1);
	ck_assert_int_eq(ks.ks_lookups, 0);
	/* Message 1 without its nonce: PAYLOAD-MALFORMED. */
	pl[0] = pl[1];
	ck_assert_int_eq(gdoi_p2_iv(IKE_HASH_SHA256, gdoi_p1_last_block(x.i, &blk), 16, mid, iv,
	    16), 0);
	forge(x.i, mid, iv, NULL, 0, pl, 1, &m1);
	ck_assert_int_lt(gdoi_pull_respond(x.r, &ops, m1.b, m1.n, 0, &kx, &out), 0);
	ck_assert_uint_eq(out.o_notify, N_PAYLOAD_MALFORMED);
	ck_assert_uint_eq(notify_of(x.i, out.o_msg, out.o_len, NULL), N_PAYLOAD_MALFORMED);
}
END_TEST

/* The GM refuses an SA it cannot run (AH TEK) with a notify. */
START_TEST(test_gm_refuses_sa)
{
	uint8_t plain[GDOI_PULL_MSG_MAX], iv[16], ni[16], nr[16];
	struct gdoi_payload pl[2];
	struct gdoi_bytes pre[1];
	struct gdoi_arena *a = gdoi_arena_new();
	struct gdoi_pull *gm = NULL;
	struct dg m1, m2, data;
	size_t blk = 0;
	uint32_t mid;

	ck_assert_int_eq(gdoi_pull_initiate(x.i, &gmcfg, 0, &gm, &out), 0);
	save(&m1, &out);
	mid = gdoi_pull_msgid(gm);
	ck_assert_int_eq(gdoi_p2_iv(IKE_HASH_SHA256, gdoi_p1_last_block(x.r, &blk), 16, mid, iv,
	    16), 0);
	(void)open_msg(x.r, iv, &m1, plain);
	memcpy(ni, plain + 36 + 4, 16);
	testkey_pattern(nr, sizeof(nr), 0x77);
	pre[0].ptr = ni;
	pre[0].len = 16;
	memset(pl, 0, sizeof(pl));
	pl[0].pl_type = ISAKMP_PL_NONCE;
	pl[0].pl_u.data.ptr = nr;
	pl[0].pl_u.data.len = sizeof(nr);
	ck_assert_int_eq(gdoi_policy_sa_build(&kspol, 0, a, &pl[1]), 0);
	pl[1].pl_u.gsa.g_items[2].i_u.sat.t_proto_id = GDOI_TEK_PROTO_AH;
	forge(x.r, mid, iv, pre, 1, pl, 2, &m2);
	ck_assert_int_eq(gdoi_pull_input(gm, m2.b, m2.n, 0, &out), GDOI_E_PROTO);
	ck_assert_uint_eq(out.o_events, GDOI_PULL_EV_FAILED);
	ck_assert_uint_eq(out.o_notify, N_INVALID_PROTOCOL_ID);
	ck_assert_uint_eq(notify_of(x.r, out.o_msg, out.o_len, &data), N_INVALID_PROTOCOL_ID);
	ck_assert_uint_eq(data.n, 4);
	ck_assert_uint_eq(gdoi_be32(data.b), GROUP);
	ck_assert_uint_eq(gdoi_pull_next_deadline(gm), UINT64_MAX);
	ck_assert_ptr_null(gdoi_pull_policy(gm));
	gdoi_pull_free(gm);
	gdoi_arena_free(a);
}
END_TEST

/* A KD the GM refuses (SIG_KEY_LENGTH does not match the key): notify. */
START_TEST(test_gm_refuses_kd)
{
	struct gdoi_pull *gm = NULL, *kx = NULL;
	struct dg m1, m2, m3;

	kspol.gp_kek.kek_sig_keybits = 4096;
	ck_assert_int_eq(gdoi_pull_initiate(x.i, &gmcfg, 0, &gm, &out), 0);
	save(&m1, &out);
	ck_assert_int_eq(gdoi_pull_respond(x.r, &ops, m1.b, m1.n, 0, &kx, &out), 0);
	save(&m2, &out);
	ck_assert_int_eq(gdoi_pull_input(gm, m2.b, m2.n, 0, &out), 0);
	save(&m3, &out);
	ck_assert_int_eq(gdoi_pull_input(kx, m3.b, m3.n, 0, &out), 0);
	ck_assert_int_eq(gdoi_pull_input(gm, out.o_msg, out.o_len, 0, &out), GDOI_E_ATTR);
	ck_assert_uint_eq(out.o_events, GDOI_PULL_EV_FAILED);
	ck_assert_uint_eq(out.o_notify, N_ATTRIBUTES_NOT_SUPPORTED);
	ck_assert_uint_eq(notify_of(x.r, out.o_msg, out.o_len, NULL), N_ATTRIBUTES_NOT_SUPPORTED);
	ck_assert_ptr_null(gdoi_pull_policy(gm));
	gdoi_pull_free(gm);
	gdoi_pull_free(kx);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Damaged and repeated datagrams                                       */

START_TEST(test_bad_hash)
{
	struct reg r;
	struct dg bad;
	struct gdoi_pull *kx = NULL;

	reg_to(&r, 1, 0);
	/* A flipped ciphertext bit in message 1: INVALID-HASH, no exchange. */
	bad = r.m[1];
	bad.b[bad.n - 5] ^= 0x40;
	ck_assert_int_lt(gdoi_pull_respond(x.r, &ops, bad.b, bad.n, 0, &kx, &out), 0);
	ck_assert_ptr_null(kx);
	ck_assert_uint_eq(out.o_events, 0);
	ck_assert_uint_eq(out.o_notify, 0);
	ck_assert_uint_eq(notify_of(x.i, out.o_msg, out.o_len, NULL), N_INVALID_HASH_INFORMATION);
	ck_assert_int_eq(ks.ks_lookups, 0);
	/* Not whole blocks (header length fixed up): dropped, nothing sent. */
	bad = r.m[1];
	bad.n -= 1;
	gdoi_put32(bad.b + 24, (uint32_t)bad.n);
	ck_assert_int_eq(gdoi_pull_respond(x.r, &ops, bad.b, bad.n, 0, &kx, &out), GDOI_E_LENGTH);
	ck_assert_uint_eq(out.o_len, 0);
	/* Other exchange, other cookies: dropped. */
	bad = r.m[1];
	bad.b[18] = ISAKMP_EX_INFO;
	ck_assert_int_lt(gdoi_pull_respond(x.r, &ops, bad.b, bad.n, 0, &kx, &out), 0);
	ck_assert_uint_eq(out.o_len, 0);
	bad = r.m[1];
	bad.b[3] ^= 1;
	ck_assert_int_lt(gdoi_pull_respond(x.r, &ops, bad.b, bad.n, 0, &kx, &out), 0);
	ck_assert_uint_eq(out.o_len, 0);

	/* The genuine message 1 still works. */
	ck_assert_int_eq(gdoi_pull_respond(x.r, &ops, r.m[1].b, r.m[1].n, 0, &r.ks, &out), 0);
	save(&r.m[2], &out);
	/* The GM drops a tampered message 2 silently and keeps waiting. */
	bad = r.m[2];
	bad.b[40] ^= 0x01;
	ck_assert_int_lt(gdoi_pull_input(r.gm, bad.b, bad.n, 0, &out), 0);
	ck_assert_uint_eq(out.o_events, 0);
	ck_assert_uint_eq(out.o_len, 0);
	ck_assert_uint_eq(gdoi_pull_next_deadline(r.gm), 1000);
	ck_assert_int_eq(gdoi_pull_input(r.gm, r.m[2].b, r.m[2].n, 0, &out), 0);
	save(&r.m[3], &out);
	/* The KS answers a tampered message 3 with INVALID-HASH, then takes
	 * the genuine one. */
	bad = r.m[3];
	bad.b[bad.n - 1] ^= 0x80;
	ck_assert_int_eq(gdoi_pull_input(r.ks, bad.b, bad.n, 0, &out), GDOI_E_INVAL);
	ck_assert_uint_eq(out.o_events, 0);
	ck_assert_uint_eq(notify_of(x.i, out.o_msg, out.o_len, NULL), N_INVALID_HASH_INFORMATION);
	ck_assert_int_eq(gdoi_pull_input(r.ks, r.m[3].b, r.m[3].n, 0, &out), 0);
	ck_assert_uint_eq(out.o_events, GDOI_PULL_EV_DONE);
	save(&r.m[4], &out);
	/* The GM drops a tampered message 4, then completes. */
	bad = r.m[4];
	bad.b[bad.n - 17] ^= 0x02;
	ck_assert_int_lt(gdoi_pull_input(r.gm, bad.b, bad.n, 0, &out), 0);
	ck_assert_uint_eq(out.o_events, 0);
	ck_assert_uint_eq(out.o_len, 0);
	ck_assert_int_eq(gdoi_pull_input(r.gm, r.m[4].b, r.m[4].n, 0, &out), 0);
	ck_assert_uint_eq(out.o_events, GDOI_PULL_EV_DONE);
	expect_same_policy(gdoi_pull_policy(r.gm), &kspol);
	reg_free(&r);
}
END_TEST

START_TEST(test_duplicates)
{
	struct reg r;

	reg_to(&r, 3, 0);
	/* A retransmitted message 1: the same message 2, no new lookup. */
	ck_assert_int_eq(gdoi_pull_input(r.ks, r.m[1].b, r.m[1].n, 5, &out), 0);
	ck_assert_uint_eq(out.o_events, GDOI_PULL_EV_DUPLICATE);
	ck_assert_uint_eq(out.o_len, r.m[2].n);
	ck_assert_mem_eq(out.o_msg, r.m[2].b, r.m[2].n);
	ck_assert_int_eq(ks.ks_lookups, 1);
	/* Message 2 twice at the GM: message 3 again. */
	ck_assert_int_eq(gdoi_pull_input(r.gm, r.m[2].b, r.m[2].n, 6, &out), 0);
	ck_assert_uint_eq(out.o_events, GDOI_PULL_EV_DUPLICATE);
	ck_assert_mem_eq(out.o_msg, r.m[3].b, r.m[3].n);
	/* Message 3, then again: the same message 4, SEQ asked once. */
	ck_assert_int_eq(gdoi_pull_input(r.ks, r.m[3].b, r.m[3].n, 7, &out), 0);
	ck_assert_uint_eq(out.o_events, GDOI_PULL_EV_DONE);
	save(&r.m[4], &out);
	ck_assert_int_eq(gdoi_pull_input(r.ks, r.m[3].b, r.m[3].n, 8, &out), 0);
	ck_assert_uint_eq(out.o_events, GDOI_PULL_EV_DUPLICATE);
	ck_assert_uint_eq(out.o_len, r.m[4].n);
	ck_assert_mem_eq(out.o_msg, r.m[4].b, r.m[4].n);
	ck_assert_int_eq(ks.ks_seq_calls, 1);
	/* A late copy of message 1 after DONE: known, dropped quietly (the GM
	 * had message 2 when it sent message 3; the KS kept only its digest). */
	ck_assert_int_eq(gdoi_pull_input(r.ks, r.m[1].b, r.m[1].n, 9, &out), 0);
	ck_assert_uint_eq(out.o_events, GDOI_PULL_EV_DUPLICATE);
	ck_assert_uint_eq(out.o_len, 0);
	/* ... while message 3 still gets message 4 */
	ck_assert_int_eq(gdoi_pull_input(r.ks, r.m[3].b, r.m[3].n, 9, &out), 0);
	ck_assert_uint_eq(out.o_events, GDOI_PULL_EV_DUPLICATE);
	ck_assert_mem_eq(out.o_msg, r.m[4].b, r.m[4].n);
	/* The GM completes; a second message 4 is dropped. */
	ck_assert_int_eq(gdoi_pull_input(r.gm, r.m[4].b, r.m[4].n, 10, &out), 0);
	ck_assert_uint_eq(out.o_events, GDOI_PULL_EV_DONE);
	ck_assert_int_lt(gdoi_pull_input(r.gm, r.m[4].b, r.m[4].n, 11, &out), 0);
	ck_assert_uint_eq(out.o_events, 0);
	ck_assert_uint_eq(out.o_len, 0);
	ck_assert_uint_eq(gdoi_pull_policy(r.gm)->gp_seq, SEQ);
	gdoi_pull_compact(r.gm);	/* a GM keeps its policy */
	ck_assert_uint_eq(gdoi_pull_policy(r.gm)->gp_seq, SEQ);
	reg_free(&r);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Timers                                                               */

START_TEST(test_retransmit)
{
	static const uint64_t at[] = { 1000, 3000, 7000, 15000, 31000 };
	struct gdoi_pull *gm = NULL, *kx = NULL;
	struct dg m1, m3;
	size_t k;

	ck_assert_int_eq(gdoi_pull_initiate(x.i, &gmcfg, 0, &gm, &out), 0);
	save(&m1, &out);
	ck_assert_uint_eq(gdoi_pull_next_deadline(gm), 1000);
	gdoi_pull_tick(gm, 999, &out);
	ck_assert_uint_eq(out.o_events, 0);
	ck_assert_uint_eq(out.o_len, 0);
	for (k = 0; k < NELEM(at); k++) {
		ck_assert_uint_eq(gdoi_pull_next_deadline(gm), at[k]);
		gdoi_pull_tick(gm, at[k], &out);
		ck_assert_uint_eq(out.o_events, GDOI_PULL_EV_RETRANSMIT);
		ck_assert_uint_eq(out.o_len, m1.n);
		ck_assert_mem_eq(out.o_msg, m1.b, m1.n);
		gdoi_pull_tick(gm, at[k] + 1, &out);	/* early: nothing */
		ck_assert_uint_eq(out.o_events, 0);
	}
	ck_assert_uint_eq(gdoi_pull_next_deadline(gm), 63000);	/* 31 s + 32 s (cap) */
	gdoi_pull_tick(gm, 62999, &out);
	ck_assert_uint_eq(out.o_events, 0);
	gdoi_pull_tick(gm, 63000, &out);
	ck_assert_uint_eq(out.o_events, GDOI_PULL_EV_FAILED);
	ck_assert_uint_eq(out.o_notify, 0);
	ck_assert_uint_eq(out.o_len, 0);
	ck_assert_uint_eq(gdoi_pull_next_deadline(gm), UINT64_MAX);
	gdoi_pull_free(gm);

	/* The Phase 1 context's schedule applies, and a reply restarts it. */
	I.ctx.x_rtx.rt_base_ms = 500;
	I.ctx.x_rtx.rt_max = 2;
	ck_assert_int_eq(gdoi_pull_initiate(x.i, &gmcfg, 0, &gm, &out), 0);
	save(&m1, &out);
	gdoi_pull_tick(gm, 500, &out);
	ck_assert_uint_eq(out.o_events, GDOI_PULL_EV_RETRANSMIT);
	ck_assert_int_eq(gdoi_pull_respond(x.r, &ops, out.o_msg, out.o_len, 600, &kx, &out), 0);
	ck_assert_int_eq(gdoi_pull_input(gm, out.o_msg, out.o_len, 700, &out), 0);
	save(&m3, &out);
	ck_assert_uint_eq(gdoi_pull_next_deadline(gm), 1200);
	gdoi_pull_tick(gm, 1200, &out);
	ck_assert_uint_eq(out.o_events, GDOI_PULL_EV_RETRANSMIT);
	ck_assert_mem_eq(out.o_msg, m3.b, m3.n);
	/* The KS answers the resent message 3 like the first one. */
	ck_assert_int_eq(gdoi_pull_input(kx, out.o_msg, out.o_len, 1210, &out), 0);
	ck_assert_uint_eq(out.o_events, GDOI_PULL_EV_DONE);
	gdoi_pull_tick(gm, 2200, &out);
	ck_assert_uint_eq(out.o_events, GDOI_PULL_EV_RETRANSMIT);
	gdoi_pull_tick(gm, 4200, &out);
	ck_assert_uint_eq(out.o_events, GDOI_PULL_EV_FAILED);
	ck_assert_uint_eq(out.o_notify, 0);
	gdoi_pull_free(gm);
	gdoi_pull_free(kx);
}
END_TEST

/* The KS gives up on a GM that never sends message 3. */
START_TEST(test_ks_timeout)
{
	struct reg r;

	reg_to(&r, 2, 100);
	ck_assert_uint_eq(gdoi_pull_next_deadline(r.ks), 100 + 63000);
	gdoi_pull_tick(r.ks, 100 + 62999, &out);
	ck_assert_uint_eq(out.o_events, 0);
	gdoi_pull_tick(r.ks, 100 + 63000, &out);
	ck_assert_uint_eq(out.o_events, GDOI_PULL_EV_FAILED);
	ck_assert_uint_eq(out.o_notify, 0);
	ck_assert_uint_eq(out.o_len, 0);
	ck_assert_uint_eq(gdoi_pull_next_deadline(r.ks), UINT64_MAX);
	ck_assert_int_lt(gdoi_pull_input(r.ks, r.m[1].b, r.m[1].n, 100000, &out), 0);
	reg_free(&r);
}
END_TEST

START_TEST(test_linger)
{
	struct reg r;

	reg_to(&r, 4, 5000);
	/* what the KS does once it read the Sender IDs: the exchange keeps
	 * only the answer to message 3, which still works */
	gdoi_pull_compact(r.ks);
	ck_assert_uint_eq(gdoi_pull_sids(r.ks, NULL), 0);
	gdoi_pull_compact(r.gm);	/* no-op on a GM */
	ck_assert_uint_eq(gdoi_pull_next_deadline(r.ks), 5000 + GDOI_PULL_LINGER_MS);
	gdoi_pull_tick(r.ks, 5000 + GDOI_PULL_LINGER_MS - 1, &out);
	ck_assert_uint_eq(out.o_events, 0);
	ck_assert_int_eq(gdoi_pull_input(r.ks, r.m[3].b, r.m[3].n, 25000, &out), 0);
	ck_assert_uint_eq(out.o_events, GDOI_PULL_EV_DUPLICATE);
	ck_assert_mem_eq(out.o_msg, r.m[4].b, r.m[4].n);
	gdoi_pull_tick(r.ks, 5000 + GDOI_PULL_LINGER_MS, &out);
	ck_assert_uint_eq(out.o_events, GDOI_PULL_EV_EXPIRED);
	ck_assert_uint_eq(out.o_len, 0);
	ck_assert_uint_eq(gdoi_pull_next_deadline(r.ks), UINT64_MAX);
	ck_assert(gdoi_pull_done(r.ks));
	/* After the linger nothing is answered. */
	ck_assert_int_lt(gdoi_pull_input(r.ks, r.m[3].b, r.m[3].n, 40000, &out), 0);
	ck_assert_uint_eq(out.o_len, 0);
	reg_free(&r);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Sender IDs                                                           */

START_TEST(test_sid)
{
	const struct gdoi_sid_grant *sg = NULL;
	const struct gdoi_gpolicy *g;
	struct reg r;

	gdoi_gpolicy_clear(&kspol);
	make_policy(&kspol, 1);
	gmcfg.gc_sid_request = 1;
	reg_to(&r, 5, 0);
	ck_assert_int_eq(ks.ks_sid_calls, 1);
	ck_assert_uint_eq(ks.ks_sid_n, 1);
	ck_assert_uint_eq(ks.ks_sid_cap, 1);	/* one counter-mode TEK */
	g = gdoi_pull_policy(r.gm);
	expect_same_policy(g, &kspol);
	ck_assert_uint_eq(g->gp_tek[1].tek_has_sid, 1);
	ck_assert_uint_eq(g->gp_tek[1].tek_sid_bits, 8);
	ck_assert_uint_eq(g->gp_tek[1].tek_sid, 42);
	ck_assert_uint_eq(g->gp_tek[0].tek_has_sid, 0);
	ck_assert_uint_eq(gdoi_pull_sids(r.ks, &sg), 1);
	ck_assert_uint_eq(sg[0].sg_spi, T1_SPI);
	ck_assert_uint_eq(sg[0].sg_sid, 42);
	reg_free(&r);
}
END_TEST

/* No counter-mode TEK: the GM does not ask, even when configured to. */
START_TEST(test_sid_not_needed)
{
	struct reg r;

	gmcfg.gc_sid_request = 4;
	reg_to(&r, 5, 0);
	ck_assert_int_eq(ks.ks_sid_calls, 0);
	ck_assert_uint_eq(gdoi_pull_sids(r.ks, NULL), 0);
	reg_free(&r);
}
END_TEST

/* A GCM TEK without a Sender ID: keys anyway (receive-only GM). */
START_TEST(test_sid_receive_only)
{
	const struct gdoi_gpolicy *g;
	struct reg r;

	gdoi_gpolicy_clear(&kspol);
	make_policy(&kspol, 1);
	reg_to(&r, 5, 0);	/* the GM does not ask */
	g = gdoi_pull_policy(r.gm);
	expect_same_policy(g, &kspol);
	ck_assert_uint_eq(g->gp_tek[1].tek_has_sid, 0);
	ck_assert_int_eq(ks.ks_sid_calls, 0);
	reg_free(&r);
	/* The GM asks, the KS has no allocator. */
	gmcfg.gc_sid_request = 1;
	ops.sid_alloc = NULL;
	reg_to(&r, 5, 0);
	g = gdoi_pull_policy(r.gm);
	ck_assert_mem_eq(g->gp_tek[1].tek_enc, kspol.gp_tek[1].tek_enc, 36);
	ck_assert_uint_eq(g->gp_tek[1].tek_has_sid, 0);
	reg_free(&r);
}
END_TEST

/* Sender IDs exhausted: the KS refuses with the allocator's notify. */
START_TEST(test_sid_exhausted)
{
	struct reg r;

	gdoi_gpolicy_clear(&kspol);
	make_policy(&kspol, 1);
	gmcfg.gc_sid_request = 1;
	ks.ks_sid_ret = -N_NO_PROPOSAL_CHOSEN;
	reg_to(&r, 3, 0);
	ck_assert_int_lt(gdoi_pull_input(r.ks, r.m[3].b, r.m[3].n, 0, &out), 0);
	ck_assert_uint_eq(out.o_events, GDOI_PULL_EV_FAILED);
	ck_assert_uint_eq(out.o_notify, N_NO_PROPOSAL_CHOSEN);
	ck_assert_uint_eq(notify_of(x.i, out.o_msg, out.o_len, NULL), N_NO_PROPOSAL_CHOSEN);
	ck_assert(!gdoi_pull_done(r.ks));
	ck_assert_uint_eq(gdoi_pull_next_deadline(r.ks), UINT64_MAX);
	reg_free(&r);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Arguments                                                            */

START_TEST(test_args)
{
	struct gdoi_pull *ex = NULL;
	struct p1_run half;

	ck_assert_int_eq(gdoi_pull_initiate(NULL, &gmcfg, 0, &ex, &out), GDOI_E_INVAL);
	ck_assert_int_eq(gdoi_pull_initiate(x.i, NULL, 0, &ex, &out), GDOI_E_INVAL);
	ck_assert_int_eq(gdoi_pull_respond(x.r, NULL, out.o_msg, 0, 0, &ex, &out), GDOI_E_INVAL);
	ck_assert_ptr_null(ex);
	ck_assert_int_eq(gdoi_pull_input(NULL, out.o_msg, 0, 0, &out), GDOI_E_INVAL);
	gdoi_pull_tick(NULL, 0, &out);
	ck_assert_uint_eq(out.o_events, 0);
	ck_assert_uint_eq(gdoi_pull_next_deadline(NULL), UINT64_MAX);
	gdoi_pull_free(NULL);
	/* A Phase 1 SA that is not established yet. */
	p1_run_to(&half, &I.ctx, &I.peer, &R.ctx, &R.peer, 4, 0, &p1out);
	ck_assert_int_eq(gdoi_pull_initiate(half.i, &gmcfg, 0, &ex, &out), GDOI_E_INVAL);
	ck_assert_ptr_null(ex);
	ck_assert_uint_eq(out.o_len, 0);
	p1_run_free(&half);
}
END_TEST

static Suite *
pull_suite(void)
{
	Suite *s = suite_create("pull");
	TCase *tc;

	tc = tcase_create("exchange");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_register);
	tcase_add_test(tc, test_hashes);
	tcase_add_test(tc, test_forged_ks);
	tcase_add_test(tc, test_args);
	suite_add_tcase(s, tc);

	tc = tcase_create("refusals");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_refused);
	tcase_add_test(tc, test_refused_id);
	tcase_add_test(tc, test_gm_refuses_sa);
	tcase_add_test(tc, test_gm_refuses_kd);
	tcase_add_test(tc, test_bad_hash);
	tcase_add_test(tc, test_duplicates);
	suite_add_tcase(s, tc);

	tc = tcase_create("timers");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_retransmit);
	tcase_add_test(tc, test_ks_timeout);
	tcase_add_test(tc, test_linger);
	suite_add_tcase(s, tc);

	tc = tcase_create("sid");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_sid);
	tcase_add_test(tc, test_sid_not_needed);
	tcase_add_test(tc, test_sid_receive_only);
	tcase_add_test(tc, test_sid_exhausted);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	int rc;

	/* One RSA-2048 key for the KEK of every test. */
	EVP_PKEY_free(testkey_rsa("check_pull", 2048, &spki, &spki_len));
	rc = testkey_run(pull_suite());
	free(spki);
	return rc;
}
