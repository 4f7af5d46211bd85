/*
 * Unit tests of shared/p1.c: IKEv1 Main Mode (RFC 2409) with pre-shared
 * keys, both roles talking to each other in memory, with a fake clock.
 *
 * Every exchange is driven by hand: the initiator's output is fed to the
 * responder and back, so each test can drop, duplicate, corrupt or rewrite
 * any message on the way.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>

#include "gdoi/crypto.h"
#include "gdoi/err.h"
#include "gdoi/p1.h"
#include "p1_drive.h"
#include "gdoi/payload.h"
#include "gdoi/wire.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const uint8_t addr_i[4] = { 10, 0, 0, 1 };	/* the GM */
static const uint8_t addr_r[4] = { 10, 0, 0, 2 };	/* the KS */
static const uint8_t psk_good[] = "gdoi-test-psk";
static const uint8_t psk_bad[] = "not-the-psk";

/* One role: context, policy, PSK table, peer address. */
struct role {
	struct gdoi_p1_ctx ctx;
	struct gdoi_p1_policy pol[8];
	struct gdoi_p1_psk_entry psk;
	struct gdoi_p1_psk_table tab;
	struct gdoi_p1_peer peer;	/* the other side's address */
};

static struct role I, R;
static struct gdoi_p1_out out;

static void
role_init(struct role *ro, const uint8_t *self, const uint8_t *other, const uint8_t *psk,
    size_t psklen)
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
	ro->psk.pe_psklen = psklen;
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

static void
setup(void)
{
	role_init(&I, addr_i, addr_r, psk_good, sizeof(psk_good) - 1);
	role_init(&R, addr_r, addr_i, psk_good, sizeof(psk_good) - 1);
}

static void
teardown(void)
{
}

/* The shared driver (p1_drive.c), bound to this file's two roles. */
static void
run_to(struct p1_run *x, int upto, uint64_t now)
{
	p1_run_to(x, &I.ctx, &I.peer, &R.ctx, &R.peer, upto, now, &out);
}

static void
run_full(struct p1_run *x, uint64_t now)
{
	p1_run_full(x, &I.ctx, &I.peer, &R.ctx, &R.peer, now, &out);
}

/* ------------------------------------------------------------------ */
/* Happy path over every group x cipher x hash                           */

static const unsigned groups[] = { 14, 15, 19, 20, 21 };
static const struct {
	uint16_t enc, bits;
	size_t keylen, blk;
} ciphers[] = {
	{ IKE_ENC_AES_CBC, 128, 16, 16 },
	{ IKE_ENC_AES_CBC, 192, 24, 16 },
	{ IKE_ENC_AES_CBC, 256, 32, 16 },
	{ IKE_ENC_3DES_CBC, 0, 24, 8 },
};
static const struct {
	uint16_t hash;
	size_t len;
} hashes[] = {
	{ IKE_HASH_SHA1, 20 },
	{ IKE_HASH_SHA256, 32 },
	{ IKE_HASH_SHA384, 48 },
	{ IKE_HASH_SHA512, 64 },
};
#define NCOMBO (NELEM(groups) * NELEM(ciphers) * NELEM(hashes))

static void
set_policy(struct role *ro, int i)
{
	size_t g = (size_t)i / (NELEM(ciphers) * NELEM(hashes));
	size_t c = ((size_t)i / NELEM(hashes)) % NELEM(ciphers);
	size_t h = (size_t)i % NELEM(hashes);

	ro->pol[0].pp_group = (uint16_t)groups[g];
	ro->pol[0].pp_enc = ciphers[c].enc;
	ro->pol[0].pp_keylen = ciphers[c].bits;
	ro->pol[0].pp_hash = hashes[h].hash;
}

/* Both keys structs hold the same, well-sized material. */
static void
expect_same_keys(const struct gdoi_p1keys *a, const struct gdoi_p1keys *b, size_t hlen,
    size_t klen)
{
	ck_assert_uint_eq(a->k_skeyid_len, hlen);
	ck_assert_uint_eq(a->k_skeyid_d_len, hlen);
	ck_assert_uint_eq(a->k_skeyid_a_len, hlen);
	ck_assert_uint_eq(a->k_skeyid_e_len, hlen);
	ck_assert_uint_eq(a->k_enc_len, klen);
	ck_assert_uint_eq(b->k_skeyid_d_len, hlen);
	ck_assert_uint_eq(b->k_enc_len, klen);
	ck_assert_mem_eq(a->k_skeyid, b->k_skeyid, hlen);
	ck_assert_mem_eq(a->k_skeyid_d, b->k_skeyid_d, hlen);
	ck_assert_mem_eq(a->k_skeyid_a, b->k_skeyid_a, hlen);
	ck_assert_mem_eq(a->k_skeyid_e, b->k_skeyid_e, hlen);
	ck_assert_mem_eq(a->k_enc, b->k_enc, klen);
	ck_assert(memcmp(a->k_skeyid_a, a->k_skeyid_d, hlen) != 0);
}

START_TEST(test_matrix)
{
	size_t c = ((size_t)_i / NELEM(hashes)) % NELEM(ciphers);
	size_t h = (size_t)_i % NELEM(hashes);
	const uint8_t *lbi, *lbr;
	size_t bi = 0, br = 0, kl = 0;
	struct p1_run x;

	set_policy(&I, _i);
	set_policy(&R, _i);
	run_full(&x, 1000);
	ck_assert_int_eq(gdoi_p1_state(x.i), GDOI_P1_ESTABLISHED);
	ck_assert_int_eq(gdoi_p1_state(x.r), GDOI_P1_ESTABLISHED);
	expect_same_keys(gdoi_p1_keys(x.i), gdoi_p1_keys(x.r), hashes[h].len,
	    ciphers[c].keylen);
	ck_assert_uint_eq(gdoi_p1_hash_alg(x.i), hashes[h].hash);
	ck_assert_uint_eq(gdoi_p1_cipher(x.r, &kl), ciphers[c].enc);
	ck_assert_uint_eq(kl, ciphers[c].keylen);
	/* The Phase 2 IV rule starts from the last block of message 6. */
	lbi = gdoi_p1_last_block(x.i, &bi);
	lbr = gdoi_p1_last_block(x.r, &br);
	ck_assert_uint_eq(bi, ciphers[c].blk);
	ck_assert_uint_eq(br, bi);
	ck_assert_mem_eq(lbi, lbr, bi);
	ck_assert_mem_eq(lbi, x.m[6].b + x.m[6].n - bi, bi);
	/* Messages 5 and 6 are encrypted and whole blocks. */
	ck_assert_uint_eq(x.m[5].b[19] & ISAKMP_FLAG_E, ISAKMP_FLAG_E);
	ck_assert_uint_eq(x.m[6].b[19] & ISAKMP_FLAG_E, ISAKMP_FLAG_E);
	ck_assert_uint_eq((x.m[5].n - 28) % bi, 0);
	/* Both sides know who the other is. */
	ck_assert_ptr_nonnull(gdoi_p1_peer_id(x.r));
	ck_assert_uint_eq(gdoi_p1_peer_id(x.r)->id_type, ID_IPV4_ADDR);
	ck_assert_mem_eq(gdoi_p1_peer_id(x.r)->id_data.ptr, addr_i, 4);
	ck_assert_mem_eq(gdoi_p1_peer_id(x.i)->id_data.ptr, addr_r, 4);
	ck_assert_int_eq(R.ctx.x_halfopen, 0);
	p1_run_free(&x);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Refusals                                                             */

/* Re-encode a plain message with the data of payload `type' replaced. */
static void
rewrite_data(struct p1_dgram *d, uint8_t type, const uint8_t *data, size_t len)
{
	struct gdoi_msg *m = NULL;
	uint8_t buf[GDOI_P1_MSG_MAX];
	struct gdoi_payload pl[8];
	struct gdoi_wr w;
	size_t i;

	ck_assert_int_eq(gdoi_msg_decode(d->b, d->n, &m, NULL), 0);
	ck_assert_uint_le(m->m_npl, NELEM(pl));
	for (i = 0; i < m->m_npl; i++) {
		pl[i] = m->m_pl[i];
		if (pl[i].pl_type == type) {
			pl[i].pl_u.data.ptr = data;
			pl[i].pl_u.data.len = len;
		}
	}
	gdoi_wr_init_fixed(&w, buf, sizeof(buf));
	ck_assert_int_eq(gdoi_msg_encode(&w, &m->m_hdr, pl, m->m_npl), 0);
	memcpy(d->b, buf, gdoi_wr_len(&w));
	d->n = gdoi_wr_len(&w);
	gdoi_msg_free(m);
}

/* A message 1 with one proposal of the given transforms (attribute lists). */
static void
craft_msg1(struct p1_dgram *d, uint32_t doi, uint8_t proto, struct gdoi_transform *t, size_t nt)
{
	struct gdoi_proposal p;
	struct gdoi_payload pl;
	struct isakmp_hdr h;
	struct gdoi_wr w;

	memset(&h, 0, sizeof(h));
	memset(h.h_icookie, 0xc1, 8);
	h.h_version = ISAKMP_VERSION;
	h.h_exchange = ISAKMP_EX_MAIN;
	memset(&p, 0, sizeof(p));
	p.p_num = 1;
	p.p_proto = proto;
	p.p_t = t;
	p.p_nt = nt;
	memset(&pl, 0, sizeof(pl));
	pl.pl_type = ISAKMP_PL_SA;
	pl.pl_u.p1sa.sa_doi = doi;
	pl.pl_u.p1sa.sa_situation = 1;
	pl.pl_u.p1sa.sa_p = &p;
	pl.pl_u.p1sa.sa_np = 1;
	gdoi_wr_init_fixed(&w, d->b, sizeof(d->b));
	ck_assert_int_eq(gdoi_msg_encode(&w, &h, &pl, 1), 0);
	d->n = gdoi_wr_len(&w);
}

START_TEST(test_wrong_psk)
{
	struct p1_run x;
	int err;

	R.psk.pe_psk = psk_bad;
	R.psk.pe_psklen = sizeof(psk_bad) - 1;
	run_to(&x, 5, 0);
	err = gdoi_p1_input(x.r, x.m[5].b, x.m[5].n, 0, &out);
	ck_assert_int_lt(err, 0);
	ck_assert_uint_eq(out.o_events, GDOI_P1_EV_FAILED);
	ck_assert_uint_eq(out.o_notify, N_INVALID_HASH_INFORMATION);
	ck_assert_uint_eq(p1_notify_type(out.o_msg, out.o_len), N_INVALID_HASH_INFORMATION);
	ck_assert_int_eq(gdoi_p1_state(x.r), GDOI_P1_FAILED);
	ck_assert_ptr_null(gdoi_p1_keys(x.r));
	ck_assert_int_eq(R.ctx.x_halfopen, 0);
	/* The initiator takes the notify and fails with it. */
	ck_assert_int_eq(gdoi_p1_input(x.i, out.o_msg, out.o_len, 0, &out), 0);
	ck_assert_uint_eq(out.o_events, GDOI_P1_EV_FAILED);
	ck_assert_uint_eq(out.o_notify, N_INVALID_HASH_INFORMATION);
	ck_assert_int_eq(gdoi_p1_state(x.i), GDOI_P1_FAILED);
	ck_assert_uint_eq(gdoi_p1_next_deadline(x.i), UINT64_MAX);
	p1_run_free(&x);
}
END_TEST

/* No pre-shared key for the peer's address: AUTHENTICATION-FAILED. */
START_TEST(test_no_psk_for_peer)
{
	struct p1_run x;

	R.psk.pe_addr[3] = 99;	/* the table no longer knows the initiator */
	run_to(&x, 2, 0);
	ck_assert_int_eq(gdoi_p1_input(x.i, x.m[2].b, x.m[2].n, 0, &out), 0);
	p1_save(&x.m[3], &out);
	ck_assert_int_lt(gdoi_p1_input(x.r, x.m[3].b, x.m[3].n, 0, &out), 0);
	ck_assert_uint_eq(out.o_events, GDOI_P1_EV_FAILED);
	ck_assert_uint_eq(out.o_notify, N_AUTHENTICATION_FAILED);
	ck_assert_uint_eq(p1_notify_type(out.o_msg, out.o_len), N_AUTHENTICATION_FAILED);
	p1_run_free(&x);
}
END_TEST

START_TEST(test_no_proposal)
{
	struct gdoi_p1_sa *r = NULL;
	struct p1_run x;

	R.pol[0].pp_hash = IKE_HASH_SHA512;	/* initiator offers SHA-256 only */
	memset(&x, 0, sizeof(x));
	ck_assert_int_eq(gdoi_p1_initiate(&I.ctx, &I.peer, 0, &x.i, &out), 0);
	p1_save(&x.m[1], &out);
	ck_assert_int_lt(gdoi_p1_respond(&R.ctx, &R.peer, x.m[1].b, x.m[1].n, 0, &r, &out), 0);
	ck_assert_ptr_null(r);
	ck_assert_int_eq(R.ctx.x_halfopen, 0);
	ck_assert_uint_eq(p1_notify_type(out.o_msg, out.o_len), N_NO_PROPOSAL_CHOSEN);
	ck_assert_int_eq(gdoi_p1_input(x.i, out.o_msg, out.o_len, 0, &out), 0);
	ck_assert_uint_eq(out.o_events, GDOI_P1_EV_FAILED);
	ck_assert_uint_eq(out.o_notify, N_NO_PROPOSAL_CHOSEN);
	p1_run_free(&x);
}
END_TEST

/* The first initiator transform (in order) that the responder accepts wins. */
START_TEST(test_choice_order)
{
	const struct gdoi_p1_policy *t;
	struct p1_run x;

	I.pol[1] = I.pol[0];
	I.pol[2] = I.pol[0];
	I.pol[0].pp_group = IKE_GROUP_ECP521;	/* not in R's list */
	I.pol[1].pp_enc = IKE_ENC_3DES_CBC;
	I.pol[1].pp_keylen = 0;
	I.pol[1].pp_life_s = 70000;		/* TLV life duration */
	I.pol[2].pp_hash = IKE_HASH_SHA1;
	I.ctx.x_npolicy = 3;
	R.pol[0] = I.pol[2];
	R.pol[1] = I.pol[1];
	R.pol[1].pp_life_s = 3600;
	R.ctx.x_npolicy = 2;
	run_full(&x, 0);
	t = gdoi_p1_transform(x.r);
	ck_assert_uint_eq(t->pp_enc, IKE_ENC_3DES_CBC);
	ck_assert_uint_eq(t->pp_hash, IKE_HASH_SHA256);
	ck_assert_uint_eq(t->pp_life_s, 3600);	/* min(70000, 3600) */
	t = gdoi_p1_transform(x.i);
	ck_assert_uint_eq(t->pp_enc, IKE_ENC_3DES_CBC);
	ck_assert_uint_eq(t->pp_life_s, 70000);
	ck_assert_uint_eq(gdoi_p1_expiry(x.r), 3600u * 1000);
	ck_assert_uint_eq(gdoi_p1_expiry(x.i), 70000u * 1000);
	p1_run_free(&x);
}
END_TEST

/* Transforms the responder must not accept, each alone in message 1. */
START_TEST(test_bad_transforms)
{
	struct gdoi_attr base[] = {
		gdoi_attr_tv(IKE_ATTR_ENC, IKE_ENC_AES_CBC),
		gdoi_attr_tv(IKE_ATTR_KEY_LENGTH, 256),
		gdoi_attr_tv(IKE_ATTR_HASH, IKE_HASH_SHA256),
		gdoi_attr_tv(IKE_ATTR_AUTH, IKE_AUTH_PSK),
		gdoi_attr_tv(IKE_ATTR_GROUP, IKE_GROUP_ECP256),
		gdoi_attr_tv(IKE_ATTR_LIFE_TYPE, IKE_LIFE_SECONDS),
		gdoi_attr_tv(IKE_ATTR_LIFE_DURATION, 600),
	};
	struct gdoi_attr at[8];
	struct gdoi_transform t;
	struct gdoi_p1_sa *r = NULL;
	struct p1_dgram d;
	int k;

	/* k = -1: the base transform is accepted (the control case). */
	for (k = -1; k < 6; k++) {
		size_t n = NELEM(base);

		memcpy(at, base, sizeof(base));
		switch (k) {
		case 0: /* AES without a key length */
			at[1] = at[--n];
			break;
		case 1: /* a PRF attribute */
			at[n++] = gdoi_attr_tv(IKE_ATTR_PRF, 1);
			break;
		case 2: /* an unsupported group */
			at[4] = gdoi_attr_tv(IKE_ATTR_GROUP, IKE_GROUP_MODP1024);
			break;
		case 3: /* RSA signatures: not offered by R */
			at[3] = gdoi_attr_tv(IKE_ATTR_AUTH, IKE_AUTH_RSA_SIG);
			break;
		case 4: /* AES-64 */
			at[1] = gdoi_attr_tv(IKE_ATTR_KEY_LENGTH, 64);
			break;
		case 5: /* no hash */
			at[2] = at[--n];
			break;
		}
		memset(&t, 0, sizeof(t));
		t.t_num = 1;
		t.t_id = IKE_TRANSFORM_KEY_IKE;
		t.t_attrs.v = at;
		t.t_attrs.n = n;
		craft_msg1(&d, GDOI_DOI_IPSEC, ISAKMP_PROTO_ISAKMP, &t, 1);
		if (k < 0) {
			ck_assert_int_eq(gdoi_p1_respond(&R.ctx, &R.peer, d.b, d.n, 0, &r, &out), 0);
			ck_assert_ptr_nonnull(r);
			ck_assert_uint_eq(gdoi_p1_transform(r)->pp_life_s, 600);
			gdoi_p1_sa_free(r);
			r = NULL;
			continue;
		}
		ck_assert_msg(gdoi_p1_respond(&R.ctx, &R.peer, d.b, d.n, 0, &r, &out) < 0,
		    "case %d accepted", k);
		ck_assert_ptr_null(r);
		ck_assert_uint_eq(p1_notify_type(out.o_msg, out.o_len), N_NO_PROPOSAL_CHOSEN);
		ck_assert_uint_eq(out.o_notify, N_NO_PROPOSAL_CHOSEN);
	}
	/* A proposal for another protocol (ESP) is no Phase 1 proposal. */
	memcpy(at, base, sizeof(base));
	t.t_attrs.n = NELEM(base);
	craft_msg1(&d, GDOI_DOI_IPSEC, ISAKMP_PROTO_ESP, &t, 1);
	ck_assert_int_lt(gdoi_p1_respond(&R.ctx, &R.peer, d.b, d.n, 0, &r, &out), 0);
	ck_assert_uint_eq(p1_notify_type(out.o_msg, out.o_len), N_NO_PROPOSAL_CHOSEN);
	/* DOI 0: DOI-NOT-SUPPORTED. */
	craft_msg1(&d, GDOI_DOI_ISAKMP, ISAKMP_PROTO_ISAKMP, &t, 1);
	out.o_notify = 0;
	ck_assert_int_lt(gdoi_p1_respond(&R.ctx, &R.peer, d.b, d.n, 0, &r, &out), 0);
	ck_assert_uint_eq(p1_notify_type(out.o_msg, out.o_len), N_DOI_NOT_SUPPORTED);
	ck_assert_uint_eq(out.o_notify, N_DOI_NOT_SUPPORTED);
	/* DOI 3: the codec refuses it, the notify is the same. */
	craft_msg1(&d, 3, ISAKMP_PROTO_ISAKMP, &t, 1);
	ck_assert_int_lt(gdoi_p1_respond(&R.ctx, &R.peer, d.b, d.n, 0, &r, &out), 0);
	ck_assert_uint_eq(p1_notify_type(out.o_msg, out.o_len), N_DOI_NOT_SUPPORTED);
	ck_assert_ptr_null(r);
	ck_assert_int_eq(R.ctx.x_halfopen, 0);
}
END_TEST

/*
 * A Seconds lifetime of 0 (strongSwan with rekey_time = 0) is no lifetime
 * given: the responder applies its policy entry; an initiator accepts a
 * message 2 that carries it; a kilobyte lifetime with 0 s stays refused.
 */
START_TEST(test_life_zero)
{
	struct gdoi_attr at[] = {
		gdoi_attr_tv(IKE_ATTR_ENC, IKE_ENC_AES_CBC),
		gdoi_attr_tv(IKE_ATTR_KEY_LENGTH, 256),
		gdoi_attr_tv(IKE_ATTR_HASH, IKE_HASH_SHA256),
		gdoi_attr_tv(IKE_ATTR_AUTH, IKE_AUTH_PSK),
		gdoi_attr_tv(IKE_ATTR_GROUP, IKE_GROUP_ECP256),
		gdoi_attr_tv(IKE_ATTR_LIFE_TYPE, IKE_LIFE_SECONDS),
		gdoi_attr_tv(IKE_ATTR_LIFE_DURATION, 0),
		gdoi_attr_tv(IKE_ATTR_LIFE_TYPE, IKE_LIFE_KILOBYTES),
		gdoi_attr_tv(IKE_ATTR_LIFE_DURATION, 1000),
	};
	struct gdoi_transform t;
	struct gdoi_p1_policy got;
	struct gdoi_p1_sa *r = NULL;
	struct p1_dgram d;
	struct p1_run x;

	memset(&t, 0, sizeof(t));
	t.t_num = 1;
	t.t_id = IKE_TRANSFORM_KEY_IKE;
	t.t_attrs.v = at;
	t.t_attrs.n = 7;
	craft_msg1(&d, GDOI_DOI_IPSEC, ISAKMP_PROTO_ISAKMP, &t, 1);
	R.pol[0].pp_life_s = 7200;
	ck_assert_int_eq(gdoi_p1_respond(&R.ctx, &R.peer, d.b, d.n, 0, &r, &out), 0);
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(gdoi_p1_transform(r)->pp_life_s, 7200);
	gdoi_p1_sa_free(r);
	r = NULL;
	/* Seconds 0 plus kilobytes: a kilobyte-only lifetime, refused. */
	t.t_attrs.n = 9;
	craft_msg1(&d, GDOI_DOI_IPSEC, ISAKMP_PROTO_ISAKMP, &t, 1);
	ck_assert_int_lt(gdoi_p1_respond(&R.ctx, &R.peer, d.b, d.n, 0, &r, &out), 0);
	ck_assert_uint_eq(p1_notify_type(out.o_msg, out.o_len), N_NO_PROPOSAL_CHOSEN);
	ck_assert_ptr_null(r);
	/* Message 2 echoing our transform with 0 s: the initiator goes on. */
	run_to(&x, 2, 0);
	t.t_attrs.n = 7;
	{
		struct gdoi_msg *m = NULL;
		struct gdoi_payload pl;
		struct gdoi_proposal p;
		struct gdoi_wr w;

		ck_assert_int_eq(gdoi_msg_decode(x.m[2].b, x.m[2].n, &m, NULL), 0);
		pl = m->m_pl[0];
		p = pl.pl_u.p1sa.sa_p[0];
		t.t_num = p.p_t[0].t_num;
		p.p_t = &t;
		pl.pl_u.p1sa.sa_p = &p;
		gdoi_wr_init_fixed(&w, d.b, sizeof(d.b));
		ck_assert_int_eq(gdoi_msg_encode(&w, &m->m_hdr, &pl, 1), 0);
		d.n = gdoi_wr_len(&w);
		gdoi_msg_free(m);
	}
	ck_assert_int_eq(gdoi_p1_input(x.i, d.b, d.n, 0, &out), 0);
	ck_assert_int_eq(gdoi_p1_state(x.i), GDOI_P1_MM_I2);
	got = *gdoi_p1_transform(x.i);
	ck_assert_uint_eq(got.pp_life_s, 86400);	/* what we proposed */
	p1_run_free(&x);
}
END_TEST

/* DOI 1 and 2 both work; the responder answers with the DOI it got. */
START_TEST(test_doi)
{
	struct gdoi_msg *m = NULL;
	uint32_t doi;
	struct p1_run x;

	for (doi = 1; doi <= 2; doi++) {
		I.ctx.x_doi = doi;
		run_full(&x, 0);
		ck_assert_uint_eq(gdoi_p1_doi(x.r), doi);
		ck_assert_int_eq(gdoi_msg_decode(x.m[2].b, x.m[2].n, &m, NULL), 0);
		ck_assert_uint_eq(gdoi_msg_find(m, ISAKMP_PL_SA, 0)->pl_u.p1sa.sa_doi, doi);
		ck_assert_uint_eq(gdoi_msg_find(m, ISAKMP_PL_SA, 0)->pl_u.p1sa.sa_p[0].p_nt, 1);
		gdoi_msg_free(m);
		p1_run_free(&x);
	}
}
END_TEST

/* Message 2 naming a transform the initiator never offered. */
START_TEST(test_msg2_not_offered)
{
	struct gdoi_msg *m = NULL;
	struct gdoi_payload pl;
	struct gdoi_attr at[8];
	struct gdoi_proposal p;
	struct gdoi_transform t;
	struct gdoi_wr w;
	struct p1_dgram d;
	struct p1_run x;
	size_t i;

	run_to(&x, 2, 0);
	ck_assert_int_eq(gdoi_msg_decode(x.m[2].b, x.m[2].n, &m, NULL), 0);
	pl = *gdoi_msg_find(m, ISAKMP_PL_SA, 0);
	p = pl.pl_u.p1sa.sa_p[0];
	t = p.p_t[0];
	ck_assert_uint_le(t.t_attrs.n, NELEM(at));
	for (i = 0; i < t.t_attrs.n; i++) {
		at[i] = t.t_attrs.v[i];
		if (at[i].a_type == IKE_ATTR_HASH)
			at[i].a_val = IKE_HASH_SHA1;
	}
	t.t_attrs.v = at;
	p.p_t = &t;
	pl.pl_u.p1sa.sa_p = &p;
	gdoi_wr_init_fixed(&w, d.b, sizeof(d.b));
	ck_assert_int_eq(gdoi_msg_encode(&w, &m->m_hdr, &pl, 1), 0);
	d.n = gdoi_wr_len(&w);
	gdoi_msg_free(m);
	ck_assert_int_lt(gdoi_p1_input(x.i, d.b, d.n, 0, &out), 0);
	ck_assert_uint_eq(out.o_events, GDOI_P1_EV_FAILED);
	ck_assert_uint_eq(out.o_notify, N_NO_PROPOSAL_CHOSEN);
	ck_assert_uint_eq(p1_notify_type(out.o_msg, out.o_len), N_NO_PROPOSAL_CHOSEN);
	p1_run_free(&x);
}
END_TEST

/* Invalid KE values in message 3 (to R) and message 4 (to I). */
static void
bad_ke_case(unsigned group, const uint8_t *ke, size_t len, int to_initiator)
{
	struct p1_run x;
	int k = to_initiator ? 4 : 3;

	I.pol[0].pp_group = (uint16_t)group;
	R.pol[0].pp_group = (uint16_t)group;
	run_to(&x, k, 0);
	rewrite_data(&x.m[k], ISAKMP_PL_KE, ke, len);
	ck_assert_int_lt(gdoi_p1_input(to_initiator ? x.i : x.r, x.m[k].b, x.m[k].n, 0, &out),
	    0);
	ck_assert_uint_eq(out.o_events, GDOI_P1_EV_FAILED);
	ck_assert_uint_eq(out.o_notify, N_INVALID_KEY_INFORMATION);
	ck_assert_uint_eq(p1_notify_type(out.o_msg, out.o_len), N_INVALID_KEY_INFORMATION);
	ck_assert_int_eq(gdoi_p1_state(to_initiator ? x.i : x.r), GDOI_P1_FAILED);
	ck_assert_int_eq(R.ctx.x_halfopen, to_initiator ? 1 : 0);
	p1_run_free(&x);
}

START_TEST(test_invalid_ke)
{
	uint8_t v[GDOI_DH_MAX];
	BIGNUM *p = BN_get_rfc3526_prime_2048(NULL);
	int side;

	ck_assert_ptr_nonnull(p);
	for (side = 0; side < 2; side++) {
		memset(v, 0, sizeof(v));
		bad_ke_case(14, v, 256, side);		/* 0 */
		v[255] = 1;
		bad_ke_case(14, v, 256, side);		/* 1 */
		ck_assert_int_eq(BN_bn2binpad(p, v, 256), 256);
		v[255] -= 1;
		bad_ke_case(14, v, 256, side);		/* p - 1 */
		v[255] += 1;
		bad_ke_case(14, v, 256, side);		/* p */
		memset(v, 0xff, 256);
		bad_ke_case(14, v, 256, side);		/* > p */
		bad_ke_case(14, v, 255, side);		/* short */
		memset(v, 0, sizeof(v));
		bad_ke_case(19, v, 64, side);		/* (0, 0) */
		v[31] = 1;
		v[63] = 1;
		bad_ke_case(19, v, 64, side);		/* (1, 1): not on P-256 */
		bad_ke_case(19, v, 65, side);		/* 65 octets */
		memset(v, 0x41, 96);
		bad_ke_case(20, v, 96, side);		/* not on P-384 */
		memset(v, 0xff, 132);
		bad_ke_case(21, v, 132, side);		/* coordinates >= p */
	}
	BN_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Duplicates, retransmission, half-open bound, expiry                  */

START_TEST(test_duplicates)
{
	struct p1_run x;
	unsigned ho;

	run_to(&x, 4, 0);
	ho = R.ctx.x_halfopen;
	ck_assert_uint_eq(ho, 1);
	/* Message 3 again: the stored message 4, no new state. */
	ck_assert_int_eq(gdoi_p1_input(x.r, x.m[3].b, x.m[3].n, 10, &out), 0);
	ck_assert_uint_eq(out.o_events, GDOI_P1_EV_DUPLICATE);
	ck_assert_uint_eq(out.o_len, x.m[4].n);
	ck_assert_mem_eq(out.o_msg, x.m[4].b, x.m[4].n);
	ck_assert_int_eq(gdoi_p1_state(x.r), GDOI_P1_MM_R2);
	ck_assert_uint_eq(R.ctx.x_halfopen, ho);
	/* Message 1 again: message 2 again (not the latest reply). */
	ck_assert_int_eq(gdoi_p1_input(x.r, x.m[1].b, x.m[1].n, 10, &out), GDOI_E_INVAL);
	ck_assert_uint_eq(out.o_len, 0);
	/* Finish; then message 5 again: the stored message 6. */
	ck_assert_int_eq(gdoi_p1_input(x.i, x.m[4].b, x.m[4].n, 0, &out), 0);
	p1_save(&x.m[5], &out);
	ck_assert_int_eq(gdoi_p1_input(x.r, x.m[5].b, x.m[5].n, 0, &out), 0);
	p1_save(&x.m[6], &out);
	ck_assert_int_eq(gdoi_p1_input(x.r, x.m[5].b, x.m[5].n, 0, &out), 0);
	ck_assert_uint_eq(out.o_events, GDOI_P1_EV_DUPLICATE);
	ck_assert_mem_eq(out.o_msg, x.m[6].b, x.m[6].n);
	ck_assert_int_eq(gdoi_p1_state(x.r), GDOI_P1_ESTABLISHED);
	/* The initiator takes message 6 once; a copy is dropped. */
	ck_assert_int_eq(gdoi_p1_input(x.i, x.m[6].b, x.m[6].n, 0, &out), 0);
	ck_assert_uint_eq(out.o_events, GDOI_P1_EV_ESTABLISHED);
	ck_assert_int_lt(gdoi_p1_input(x.i, x.m[6].b, x.m[6].n, 0, &out), 0);
	ck_assert_uint_eq(out.o_events, 0);
	ck_assert_uint_eq(out.o_len, 0);
	p1_run_free(&x);
}
END_TEST

START_TEST(test_dup_msg1)
{
	struct p1_run x;

	run_to(&x, 2, 0);
	ck_assert_int_eq(gdoi_p1_input(x.r, x.m[1].b, x.m[1].n, 5, &out), 0);
	ck_assert_uint_eq(out.o_events, GDOI_P1_EV_DUPLICATE);
	ck_assert_mem_eq(out.o_msg, x.m[2].b, x.m[2].n);
	ck_assert_uint_eq(R.ctx.x_halfopen, 1);
	/* The initiator sees message 2 twice: the second gets message 3 again. */
	ck_assert_int_eq(gdoi_p1_input(x.i, x.m[2].b, x.m[2].n, 0, &out), 0);
	p1_save(&x.m[3], &out);
	ck_assert_int_eq(gdoi_p1_input(x.i, x.m[2].b, x.m[2].n, 0, &out), 0);
	ck_assert_uint_eq(out.o_events, GDOI_P1_EV_DUPLICATE);
	ck_assert_mem_eq(out.o_msg, x.m[3].b, x.m[3].n);
	p1_run_free(&x);
}
END_TEST

START_TEST(test_retransmit)
{
	static const uint64_t at[] = { 1000, 3000, 7000, 15000, 31000 };
	struct gdoi_p1_sa *i = NULL;
	struct p1_dgram m1, m3;
	struct gdoi_p1_sa *r = NULL;
	size_t k;

	ck_assert_int_eq(gdoi_p1_initiate(&I.ctx, &I.peer, 0, &i, &out), 0);
	p1_save(&m1, &out);
	ck_assert_uint_eq(gdoi_p1_next_deadline(i), 1000);
	gdoi_p1_tick(i, 999, &out);
	ck_assert_uint_eq(out.o_events, 0);
	ck_assert_uint_eq(out.o_len, 0);
	for (k = 0; k < NELEM(at); k++) {
		ck_assert_uint_eq(gdoi_p1_next_deadline(i), at[k]);
		gdoi_p1_tick(i, at[k], &out);
		ck_assert_uint_eq(out.o_events, GDOI_P1_EV_RETRANSMIT);
		ck_assert_uint_eq(out.o_len, m1.n);
		ck_assert_mem_eq(out.o_msg, m1.b, m1.n);
		gdoi_p1_tick(i, at[k] + 1, &out);	/* early: nothing */
		ck_assert_uint_eq(out.o_events, 0);
	}
	ck_assert_uint_eq(gdoi_p1_next_deadline(i), 63000);	/* 31 s + 32 s (cap) */
	gdoi_p1_tick(i, 62999, &out);
	ck_assert_uint_eq(out.o_events, 0);
	gdoi_p1_tick(i, 63000, &out);
	ck_assert_uint_eq(out.o_events, GDOI_P1_EV_FAILED);
	ck_assert_uint_eq(out.o_notify, 0);
	ck_assert_uint_eq(out.o_len, 0);
	ck_assert_int_eq(gdoi_p1_state(i), GDOI_P1_FAILED);
	gdoi_p1_sa_free(i);

	/* A reply restarts the schedule; the configured base is honoured. */
	I.ctx.x_rtx.rt_base_ms = 500;
	I.ctx.x_rtx.rt_max = 2;
	ck_assert_int_eq(gdoi_p1_initiate(&I.ctx, &I.peer, 0, &i, &out), 0);
	p1_save(&m1, &out);
	gdoi_p1_tick(i, 500, &out);
	ck_assert_uint_eq(out.o_events, GDOI_P1_EV_RETRANSMIT);
	ck_assert_int_eq(gdoi_p1_respond(&R.ctx, &R.peer, m1.b, m1.n, 600, &r, &out), 0);
	ck_assert_int_eq(gdoi_p1_input(i, out.o_msg, out.o_len, 700, &out), 0);
	p1_save(&m3, &out);
	ck_assert_uint_eq(gdoi_p1_next_deadline(i), 1200);
	gdoi_p1_tick(i, 1200, &out);
	ck_assert_uint_eq(out.o_events, GDOI_P1_EV_RETRANSMIT);
	ck_assert_mem_eq(out.o_msg, m3.b, m3.n);
	gdoi_p1_tick(i, 2200, &out);
	ck_assert_uint_eq(out.o_events, GDOI_P1_EV_RETRANSMIT);
	gdoi_p1_tick(i, 4200, &out);
	ck_assert_uint_eq(out.o_events, GDOI_P1_EV_FAILED);
	gdoi_p1_sa_free(i);
	gdoi_p1_sa_free(r);
	ck_assert_uint_eq(R.ctx.x_halfopen, 0);
}
END_TEST

START_TEST(test_halfopen)
{
	struct gdoi_p1_sa *r[3] = { NULL, NULL, NULL }, *i[4], *extra = NULL;
	struct p1_dgram m1[4];
	size_t k;

	R.ctx.x_halfopen_max = 2;
	for (k = 0; k < 4; k++) {
		ck_assert_int_eq(gdoi_p1_initiate(&I.ctx, &I.peer, 0, &i[k], &out), 0);
		p1_save(&m1[k], &out);
	}
	ck_assert_int_eq(gdoi_p1_respond(&R.ctx, &R.peer, m1[0].b, m1[0].n, 0, &r[0], &out), 0);
	ck_assert_int_eq(gdoi_p1_respond(&R.ctx, &R.peer, m1[1].b, m1[1].n, 0, &r[1], &out), 0);
	ck_assert_uint_eq(R.ctx.x_halfopen, 2);
	ck_assert_int_eq(gdoi_p1_respond(&R.ctx, &R.peer, m1[2].b, m1[2].n, 0, &extra, &out),
	    GDOI_E_NOMEM);
	ck_assert_ptr_null(extra);
	ck_assert_uint_eq(out.o_len, 0);	/* no reply, no state */
	/* A half-open SA times out after the initiator's whole span (63 s). */
	ck_assert_uint_eq(gdoi_p1_next_deadline(r[0]), 63000);
	gdoi_p1_tick(r[0], 62999, &out);
	ck_assert_uint_eq(out.o_events, 0);
	gdoi_p1_tick(r[0], 63000, &out);
	ck_assert_uint_eq(out.o_events, GDOI_P1_EV_FAILED);
	ck_assert_uint_eq(out.o_len, 0);	/* the responder never retransmits */
	ck_assert_uint_eq(R.ctx.x_halfopen, 1);
	ck_assert_int_eq(gdoi_p1_respond(&R.ctx, &R.peer, m1[2].b, m1[2].n, 0, &r[2], &out), 0);
	ck_assert_uint_eq(R.ctx.x_halfopen, 2);
	gdoi_p1_sa_free(r[1]);	/* freeing releases the slot once */
	gdoi_p1_sa_free(r[0]);
	ck_assert_uint_eq(R.ctx.x_halfopen, 1);
	gdoi_p1_sa_free(r[2]);
	ck_assert_uint_eq(R.ctx.x_halfopen, 0);
	for (k = 0; k < 4; k++)
		gdoi_p1_sa_free(i[k]);
}
END_TEST

START_TEST(test_cookie)
{
	static const uint8_t secret[32] = { 1, 2, 3 };
	uint8_t ic[8] = { 0xde, 0xad, 0xbe, 0xef, 0, 1, 2, 3 }, a[8], b[8];
	struct gdoi_p1_peer p = R.peer;
	struct p1_run x;

	ck_assert_int_eq(gdoi_p1_cookie(secret, &p, ic, a), 0);
	ck_assert_int_eq(gdoi_p1_cookie(secret, &p, ic, b), 0);
	ck_assert_mem_eq(a, b, 8);
	p.pa_port = 4500;
	ck_assert_int_eq(gdoi_p1_cookie(secret, &p, ic, b), 0);
	ck_assert(memcmp(a, b, 8) != 0);
	p = R.peer;
	p.pa_addr[3] ^= 1;
	ck_assert_int_eq(gdoi_p1_cookie(secret, &p, ic, b), 0);
	ck_assert(memcmp(a, b, 8) != 0);
	ic[7] ^= 1;
	ck_assert_int_eq(gdoi_p1_cookie(secret, &R.peer, ic, b), 0);
	ck_assert(memcmp(a, b, 8) != 0);
	/* The responder's R-cookie is exactly that function. */
	run_to(&x, 2, 0);
	ck_assert_int_eq(gdoi_p1_cookie(R.ctx.x_cookie_secret, &R.peer, gdoi_p1_icookie(x.r), a),
	    0);
	ck_assert_mem_eq(a, gdoi_p1_rcookie(x.r), 8);
	ck_assert_mem_eq(x.m[2].b + 8, a, 8);
	ck_assert_int_eq(gdoi_p1_cookie_ok(&R.ctx, &R.peer, gdoi_p1_icookie(x.r), a), 1);
	a[0] ^= 0x80;
	ck_assert_int_eq(gdoi_p1_cookie_ok(&R.ctx, &R.peer, gdoi_p1_icookie(x.r), a), 0);
	p1_run_free(&x);
}
END_TEST

START_TEST(test_expiry)
{
	struct p1_run x;

	I.pol[0].pp_life_s = 600;
	R.pol[0].pp_life_s = 300;
	run_full(&x, 5000);
	ck_assert_uint_eq(gdoi_p1_expiry(x.i), 5000 + 600000);
	ck_assert_uint_eq(gdoi_p1_expiry(x.r), 5000 + 300000);
	ck_assert_uint_eq(gdoi_p1_next_deadline(x.r), 305000);
	gdoi_p1_tick(x.r, 304999, &out);
	ck_assert_uint_eq(out.o_events, 0);
	gdoi_p1_tick(x.r, 305000, &out);
	ck_assert_uint_eq(out.o_events, GDOI_P1_EV_EXPIRED);
	ck_assert_int_eq(gdoi_p1_state(x.r), GDOI_P1_EXPIRED);
	ck_assert_uint_eq(gdoi_p1_next_deadline(x.r), UINT64_MAX);
	gdoi_p1_tick(x.i, 305000, &out);
	ck_assert_uint_eq(out.o_events, 0);
	gdoi_p1_tick(x.i, 605000, &out);
	ck_assert_uint_eq(out.o_events, GDOI_P1_EV_EXPIRED);
	/* An expired SA takes no more input. */
	ck_assert_int_lt(gdoi_p1_input(x.r, x.m[5].b, x.m[5].n, 605001, &out), 0);
	ck_assert_uint_eq(out.o_len, 0);
	p1_run_free(&x);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Informational, keylog, damaged message 5, wire format                */

START_TEST(test_info)
{
	static const uint8_t data[] = { 0xab, 0xcd };
	struct gdoi_p1_info info;
	struct gdoi_msg *m = NULL;
	uint8_t iv[16], want[16];
	struct p1_dgram n;
	size_t blk = 0;
	uint32_t mid;
	struct p1_run x;

	ck_assert_int_lt(gdoi_p1_info_notify(NULL, N_INITIAL_CONTACT, NULL, 0, &out), 0);
	run_to(&x, 2, 0);	/* not established: refused */
	ck_assert_int_eq(gdoi_p1_info_delete(x.r, &out), GDOI_E_INVAL);
	p1_run_free(&x);

	run_full(&x, 0);
	ck_assert_int_eq(gdoi_p1_info_notify(x.i, N_INITIAL_CONTACT, data, sizeof(data), &out),
	    0);
	p1_save(&n, &out);
	ck_assert_int_eq(gdoi_msg_decode(n.b, n.n, &m, NULL), 0);
	ck_assert_uint_eq(m->m_hdr.h_exchange, ISAKMP_EX_INFO);
	ck_assert_uint_eq(m->m_hdr.h_flags, ISAKMP_FLAG_E);
	ck_assert_uint_eq(m->m_hdr.h_np, ISAKMP_PL_HASH);
	ck_assert_uint_ne(m->m_hdr.h_msgid, 0);
	mid = m->m_hdr.h_msgid;
	gdoi_msg_free(m);
	/* The peer decodes it ... */
	ck_assert_int_eq(gdoi_p1_info_decode(x.r, n.b, n.n, &info), 0);
	ck_assert_uint_eq(info.i_msgid, mid);
	ck_assert_uint_eq(info.i_npl, 1);
	ck_assert_uint_eq(info.i_pl[0].pl_type, ISAKMP_PL_N);
	ck_assert_uint_eq(info.i_pl[0].pl_u.n.n_type, N_INITIAL_CONTACT);
	ck_assert_uint_eq(info.i_pl[0].pl_u.n.n_doi, gdoi_p1_doi(x.r));
	ck_assert_uint_eq(info.i_pl[0].pl_u.n.n_data.len, 2);
	ck_assert_mem_eq(info.i_pl[0].pl_u.n.n_data.ptr, data, 2);
	ck_assert_mem_eq(info.i_pl[0].pl_u.n.n_spi.ptr, gdoi_p1_icookie(x.r), 8);
	gdoi_p1_info_free(&info);
	/* ... and the state machine reports it, without a reply. */
	ck_assert_int_eq(gdoi_p1_input(x.r, n.b, n.n, 0, &out), 0);
	ck_assert_uint_eq(out.o_events, GDOI_P1_EV_NOTIFY);
	ck_assert_uint_eq(out.o_notify, N_INITIAL_CONTACT);
	ck_assert_uint_eq(out.o_len, 0);
	/* The IV is the Phase 2 rule: hash(last block of message 6 | M-ID). */
	ck_assert_int_eq(gdoi_p1_p2_iv(x.r, mid, iv, sizeof(iv)), 0);
	ck_assert_ptr_nonnull(gdoi_p1_last_block(x.r, &blk));
	ck_assert_int_eq(gdoi_p2_iv(gdoi_p1_hash_alg(x.r), x.m[6].b + x.m[6].n - blk, blk, mid,
	    want, blk), 0);
	ck_assert_mem_eq(iv, want, blk);
	/* A flipped ciphertext bit or a wrong M-ID fails HASH(1). */
	n.b[n.n - 20] ^= 0x01;
	ck_assert_int_lt(gdoi_p1_info_decode(x.r, n.b, n.n, &info), 0);
	ck_assert_ptr_null(info.i_plain);
	n.b[n.n - 20] ^= 0x01;
	n.b[23] ^= 0x01;
	ck_assert_int_lt(gdoi_p1_input(x.r, n.b, n.n, 0, &out), 0);
	ck_assert_uint_eq(out.o_events, 0);
	/* Delete from the responder ends the SA on the initiator. */
	ck_assert_int_eq(gdoi_p1_info_delete(x.r, &out), 0);
	p1_save(&n, &out);
	ck_assert_int_eq(gdoi_p1_info_decode(x.i, n.b, n.n, &info), 0);
	ck_assert_uint_eq(info.i_pl[0].pl_type, ISAKMP_PL_D);
	ck_assert_uint_eq(info.i_pl[0].pl_u.d.d_proto, ISAKMP_PROTO_ISAKMP);
	ck_assert_uint_eq(info.i_pl[0].pl_u.d.d_nspi, 1);
	ck_assert_mem_eq(info.i_pl[0].pl_u.d.d_spis.ptr + 8, gdoi_p1_rcookie(x.i), 8);
	gdoi_p1_info_free(&info);
	ck_assert_int_eq(gdoi_p1_input(x.i, n.b, n.n, 0, &out), 0);
	ck_assert_uint_eq(out.o_events, GDOI_P1_EV_DELETED);
	ck_assert_int_eq(gdoi_p1_state(x.i), GDOI_P1_DELETED);
	ck_assert_uint_eq(gdoi_p1_next_deadline(x.i), UINT64_MAX);
	/* The IV chain of Phase 1 is untouched by Informationals. */
	ck_assert_mem_eq(gdoi_p1_last_block(x.r, &blk), x.m[6].b + x.m[6].n - blk, blk);
	p1_run_free(&x);
}
END_TEST

START_TEST(test_keylog)
{
	char line[160], want[160];
	const struct gdoi_p1keys *k;
	struct p1_run x;
	size_t i, o = 0;
	int n;

	run_to(&x, 4, 0);
	ck_assert_int_eq(gdoi_p1_keylog_line(x.r, line, sizeof(line)), GDOI_E_INVAL);
	p1_run_free(&x);
	run_full(&x, 0);	/* AES-256: 64 hex digits of key */
	n = gdoi_p1_keylog_line(x.i, line, sizeof(line));
	ck_assert_int_eq(n, 16 + 1 + 64 + 1);
	ck_assert_uint_eq(strlen(line), (size_t)n);
	k = gdoi_p1_keys(x.i);
	for (i = 0; i < 8; i++)
		o += (size_t)snprintf(want + o, sizeof(want) - o, "%02x", gdoi_p1_icookie(x.i)[i]);
	want[o++] = ',';
	for (i = 0; i < k->k_enc_len; i++)
		o += (size_t)snprintf(want + o, sizeof(want) - o, "%02x", k->k_enc[i]);
	want[o++] = '\n';
	want[o] = '\0';
	ck_assert_str_eq(line, want);
	ck_assert_int_eq(gdoi_p1_keylog_line(x.r, want, sizeof(want)), n);
	ck_assert_str_eq(line, want);	/* both sides log the same line */
	ck_assert_int_eq(line[16], ',');
	ck_assert_int_eq(gdoi_p1_keylog_line(x.i, line, (size_t)n), GDOI_E_TOOBIG);
	p1_run_free(&x);
}
END_TEST

/* Truncated or corrupted message 5: errors, never a crash. */
START_TEST(test_damaged_msg5)
{
	struct p1_dgram d;
	struct p1_run x;
	size_t cut;

	run_to(&x, 5, 0);
	/* Every truncation: dropped (header length past the datagram). */
	for (cut = 0; cut < x.m[5].n; cut++) {
		ck_assert_int_lt(gdoi_p1_input(x.r, x.m[5].b, cut, 0, &out), 0);
		ck_assert_uint_eq(out.o_len, 0);
		ck_assert_uint_eq(out.o_events, 0);
	}
	/* Truncated with a consistent header: not whole blocks, dropped. */
	d = x.m[5];
	d.n -= 3;
	gdoi_put32(d.b + 24, (uint32_t)d.n);
	ck_assert_int_eq(gdoi_p1_input(x.r, d.b, d.n, 0, &out), GDOI_E_LENGTH);
	ck_assert_uint_eq(out.o_len, 0);
	/* Just a header: dropped. */
	gdoi_put32(d.b + 24, 28);
	ck_assert_int_lt(gdoi_p1_input(x.r, d.b, 28, 0, &out), 0);
	ck_assert_uint_eq(out.o_len, 0);
	/* Sent in the clear: dropped. */
	d = x.m[5];
	d.b[19] &= (uint8_t)~ISAKMP_FLAG_E;
	ck_assert_int_lt(gdoi_p1_input(x.r, d.b, d.n, 0, &out), 0);
	ck_assert_uint_eq(out.o_len, 0);
	ck_assert_int_eq(gdoi_p1_state(x.r), GDOI_P1_MM_R2);
	/* Whole blocks missing: the plaintext no longer authenticates. */
	d = x.m[5];
	d.n -= 16;
	gdoi_put32(d.b + 24, (uint32_t)d.n);
	ck_assert_int_lt(gdoi_p1_input(x.r, d.b, d.n, 0, &out), 0);
	ck_assert_uint_eq(out.o_notify, N_INVALID_HASH_INFORMATION);
	ck_assert_int_eq(gdoi_p1_state(x.r), GDOI_P1_FAILED);
	p1_run_free(&x);

	/* One flipped bit in the last ciphertext block: HASH_I differs. */
	run_to(&x, 5, 0);
	x.m[5].b[x.m[5].n - 1] ^= 0x10;
	ck_assert_int_lt(gdoi_p1_input(x.r, x.m[5].b, x.m[5].n, 0, &out), 0);
	ck_assert_uint_eq(out.o_events, GDOI_P1_EV_FAILED);
	ck_assert_uint_eq(out.o_notify, N_INVALID_HASH_INFORMATION);
	ck_assert_uint_eq(p1_notify_type(out.o_msg, out.o_len), N_INVALID_HASH_INFORMATION);
	p1_run_free(&x);

	/* Message 6 damaged: the initiator refuses it the same way. */
	run_to(&x, 6, 0);
	x.m[6].b[40] ^= 0xff;
	ck_assert_int_lt(gdoi_p1_input(x.i, x.m[6].b, x.m[6].n, 0, &out), 0);
	ck_assert_uint_eq(out.o_notify, N_INVALID_HASH_INFORMATION);
	ck_assert_int_eq(gdoi_p1_state(x.i), GDOI_P1_FAILED);
	ck_assert_ptr_null(gdoi_p1_keys(x.i));
	p1_run_free(&x);
}
END_TEST

/* Message 5 on the wire: IV = hash(g^xi | g^xr), IDii then HASH_I, zero pad. */
START_TEST(test_msg5_format)
{
	const struct gdoi_p1keys *k;
	struct gdoi_payload *pl = NULL;
	struct gdoi_arena *a;
	uint8_t plain[GDOI_P1_MSG_MAX], iv[16];
	size_t n, npl = 0, used = 0, i;
	struct p1_run x;

	I.pol[0].pp_hash = IKE_HASH_SHA1;
	R.pol[0].pp_hash = IKE_HASH_SHA1;
	run_full(&x, 0);
	k = gdoi_p1_keys(x.i);
	n = x.m[5].n - 28;
	memcpy(iv, k->k_iv, 16);
	ck_assert_int_eq(gdoi_cbc_decrypt(IKE_ENC_AES_CBC, k->k_enc, k->k_enc_len, iv,
	    x.m[5].b + 28, n, plain), 0);
	ck_assert_ptr_nonnull(a = gdoi_arena_new());
	ck_assert_int_eq(gdoi_chain_decode(GDOI_CTX_PHASE1, x.m[5].b[16], plain, n, 28, 1, a,
	    &pl, &npl, &used, NULL), 0);
	ck_assert_uint_eq(npl, 2);
	ck_assert_uint_eq(pl[0].pl_type, ISAKMP_PL_ID);
	ck_assert_uint_eq(pl[0].pl_u.id.id_type, ID_IPV4_ADDR);
	ck_assert_mem_eq(pl[0].pl_u.id.id_data.ptr, addr_i, 4);
	ck_assert_uint_eq(pl[1].pl_type, ISAKMP_PL_HASH);
	ck_assert_uint_eq(pl[1].pl_u.data.len, 20);
	ck_assert_uint_eq(used, 8 + 4 + 24);	/* ID(8+4) + HASH(4+20) */
	ck_assert_uint_eq(n, 48);		/* padded to 3 AES blocks */
	for (i = used; i < n; i++)
		ck_assert_uint_eq(plain[i], 0);
	ck_assert_uint_eq(gdoi_be32(x.m[5].b + 24), x.m[5].n);
	/* Recompute SKEYID and HASH_I from the wire, independently of p1.c. */
	{
		struct gdoi_msg *m1 = NULL, *m3 = NULL, *m4 = NULL;
		struct gdoi_bytes parts[6], ni, nr;
		uint8_t h[GDOI_HASH_MAX];
		size_t hl = 0;

		ck_assert_int_eq(gdoi_msg_decode(x.m[1].b, x.m[1].n, &m1, NULL), 0);
		ck_assert_int_eq(gdoi_msg_decode(x.m[3].b, x.m[3].n, &m3, NULL), 0);
		ck_assert_int_eq(gdoi_msg_decode(x.m[4].b, x.m[4].n, &m4, NULL), 0);
		ni = gdoi_msg_find(m3, ISAKMP_PL_NONCE, 0)->pl_u.data;
		nr = gdoi_msg_find(m4, ISAKMP_PL_NONCE, 0)->pl_u.data;
		ck_assert_uint_eq(ni.len, 32);
		parts[0] = ni;
		parts[1] = nr;
		ck_assert_int_eq(gdoi_prf(IKE_HASH_SHA1, psk_good, sizeof(psk_good) - 1, parts, 2,
		    h, sizeof(h), &hl), 0);
		ck_assert_uint_eq(hl, 20);
		ck_assert_mem_eq(h, k->k_skeyid, 20);
		parts[0] = gdoi_msg_find(m3, ISAKMP_PL_KE, 0)->pl_u.data;
		parts[1] = gdoi_msg_find(m4, ISAKMP_PL_KE, 0)->pl_u.data;
		ck_assert_uint_eq(parts[0].len, 64);
		parts[2].ptr = x.m[5].b;		/* CKY-I */
		parts[2].len = 8;
		parts[3].ptr = x.m[5].b + 8;		/* CKY-R */
		parts[3].len = 8;
		parts[4] = gdoi_msg_find(m1, ISAKMP_PL_SA, 0)->pl_raw;
		parts[4].ptr += 4;			/* SAi_b: no generic header */
		parts[4].len -= 4;
		parts[5].ptr = pl[0].pl_raw.ptr + 4;	/* IDii_b */
		parts[5].len = pl[0].pl_raw.len - 4;
		ck_assert_int_eq(gdoi_prf(IKE_HASH_SHA1, k->k_skeyid, 20, parts, 6, h, sizeof(h),
		    &hl), 0);
		ck_assert_mem_eq(h, pl[1].pl_u.data.ptr, 20);
		/* HASH_R in message 6, whose IV is the last block of message 5. */
		{
			struct gdoi_payload *p6 = NULL;
			struct gdoi_bytes t;
			size_t n6 = x.m[6].n - 28, np6 = 0;

			memcpy(iv, x.m[5].b + x.m[5].n - 16, 16);
			ck_assert_int_eq(gdoi_cbc_decrypt(IKE_ENC_AES_CBC, k->k_enc, k->k_enc_len,
			    iv, x.m[6].b + 28, n6, plain), 0);
			ck_assert_int_eq(gdoi_chain_decode(GDOI_CTX_PHASE1, x.m[6].b[16], plain, n6,
			    28, 1, a, &p6, &np6, NULL, NULL), 0);
			ck_assert_uint_eq(np6, 2);
			ck_assert_mem_eq(p6[0].pl_u.id.id_data.ptr, addr_r, 4);
			t = parts[0];
			parts[0] = parts[1];
			parts[1] = t;
			t = parts[2];
			parts[2] = parts[3];
			parts[3] = t;
			parts[5].ptr = p6[0].pl_raw.ptr + 4;	/* IDir_b */
			parts[5].len = p6[0].pl_raw.len - 4;
			ck_assert_int_eq(gdoi_prf(IKE_HASH_SHA1, k->k_skeyid, 20, parts, 6, h,
			    sizeof(h), &hl), 0);
			ck_assert_mem_eq(h, p6[1].pl_u.data.ptr, 20);
		}
		gdoi_msg_free(m1);
		gdoi_msg_free(m3);
		gdoi_msg_free(m4);
	}
	gdoi_arena_free(a);
	p1_run_free(&x);
}
END_TEST
/* SUITE */
static Suite *
p1_suite(void)
{
	Suite *s = suite_create("p1");
	TCase *tc;

	tc = tcase_create("matrix");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_loop_test(tc, test_matrix, 0, (int)NCOMBO);
	suite_add_tcase(s, tc);

	tc = tcase_create("refusals");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_wrong_psk);
	tcase_add_test(tc, test_no_psk_for_peer);
	tcase_add_test(tc, test_no_proposal);
	tcase_add_test(tc, test_choice_order);
	tcase_add_test(tc, test_bad_transforms);
	tcase_add_test(tc, test_life_zero);
	tcase_add_test(tc, test_doi);
	tcase_add_test(tc, test_msg2_not_offered);
	tcase_add_test(tc, test_invalid_ke);
	suite_add_tcase(s, tc);

	tc = tcase_create("timers");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_duplicates);
	tcase_add_test(tc, test_dup_msg1);
	tcase_add_test(tc, test_retransmit);
	tcase_add_test(tc, test_halfopen);
	tcase_add_test(tc, test_cookie);
	tcase_add_test(tc, test_expiry);
	suite_add_tcase(s, tc);

	tc = tcase_create("info");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_info);
	tcase_add_test(tc, test_keylog);
	tcase_add_test(tc, test_damaged_msg5);
	tcase_add_test(tc, test_msg5_format);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(p1_suite());
	int nf;

	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
