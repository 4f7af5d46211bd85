/*
 * Unit tests: the payload codec (payload.h): ISAKMP header, every payload
 * body, the payload chain and whole messages.
 *
 * Each payload has three kinds of test: decode its golden vector
 * (vectors.c) and check every field; encode a struct with the same values
 * and compare byte for byte with the vector; encode other values, decode
 * them again and compare the fields.  Then the decoder's refusals, each
 * with its exact error code and a filled-in struct gdoi_diag, and the
 * whole-message API (gdoi_msg_*).
 *
 * Every input is copied to an exact-size heap block first, so an
 * over-read shows up under AddressSanitizer.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "gdoi/payload.h"
#include "vectors.h"

static struct gdoi_arena *arena;

/* Heap copies of the inputs of one test, freed by the fixture. */
#define MAX_COPIES 32
static uint8_t *copies[MAX_COPIES];
static size_t ncopies;

static void
setup(void)
{
	arena = gdoi_arena_new();
	ck_assert_ptr_nonnull(arena);
	ncopies = 0;
}

static void
teardown(void)
{
	size_t i;

	for (i = 0; i < ncopies; i++)
		free(copies[i]);
	ncopies = 0;
	gdoi_arena_free(arena);
	arena = NULL;
}

/* An exact-size heap copy of buf that lives until teardown. */
static const uint8_t *
dup_input(const uint8_t *buf, size_t len)
{
	uint8_t *p;

	ck_assert_uint_lt(ncopies, MAX_COPIES);
	p = malloc(len ? len : 1);
	ck_assert_ptr_nonnull(p);
	if (len)
		memcpy(p, buf, len);
	copies[ncopies++] = p;
	return p;
}

/* Decode a chain starting with first_np; *d is zeroed first. */
static int
chain_dec(enum gdoi_ctx ctx, uint8_t first_np, const uint8_t *buf, size_t len,
    int allow_trailing, struct gdoi_payload **pl, size_t *n, size_t *consumed,
    struct gdoi_diag *d)
{
	const uint8_t *copy = dup_input(buf, len);

	memset(d, 0, sizeof(*d));
	return gdoi_chain_decode(ctx, first_np, copy, len, 0, allow_trailing, arena, pl, n,
	    consumed, d);
}

/* Decode a vector that must hold exactly one payload of type np. */
static const struct gdoi_payload *
dec_one(enum gdoi_ctx ctx, uint8_t np, const uint8_t *buf, size_t len)
{
	struct gdoi_payload *pl = NULL;
	struct gdoi_diag d;
	size_t n = 99, consumed = 0;
	int err;

	err = chain_dec(ctx, np, buf, len, 0, &pl, &n, &consumed, &d);
	ck_assert_msg(err == GDOI_OK, "decode: %s at %zu: %s", gdoi_errname(err), d.off,
	    d.detail);
	ck_assert_uint_eq(n, 1);
	ck_assert_ptr_nonnull(pl);
	ck_assert_uint_eq(consumed, len);
	ck_assert_uint_eq(pl[0].pl_type, np);
	ck_assert_uint_eq(pl[0].pl_reserved, 0);
	ck_assert_uint_eq(pl[0].pl_off, 0);
	ck_assert_uint_eq(pl[0].pl_raw.len, len);
	return &pl[0];
}

/* Decode that must fail with err; checks the diagnostic too. */
static void
dec_fail(enum gdoi_ctx ctx, uint8_t np, const uint8_t *buf, size_t len, int want,
    struct gdoi_diag *d)
{
	struct gdoi_payload *pl = (struct gdoi_payload *)1;
	size_t n = 99, consumed = 99;
	int err;

	err = chain_dec(ctx, np, buf, len, 0, &pl, &n, &consumed, d);
	ck_assert_msg(err == want, "want %s, got %s (%s)", gdoi_errname(want),
	    gdoi_errname(err), d->detail);
	ck_assert_int_eq(d->err, want);
	ck_assert_msg(d->detail[0] != '\0', "diag detail empty");
	ck_assert_uint_le(d->off, len);
	ck_assert_ptr_null(pl);
	ck_assert_uint_eq(n, 0);
}

/* Encode a chain and compare with want. */
static void
enc_eq(enum gdoi_ctx ctx, const struct gdoi_payload *pl, size_t n, const uint8_t *want,
    size_t len)
{
	struct gdoi_wr w;
	uint8_t first = 0xee;

	gdoi_wr_init(&w, 0);
	gdoi_chain_encode(&w, ctx, pl, n, &first);
	ck_assert_msg(gdoi_wr_error(&w) == GDOI_OK, "encode: %s",
	    gdoi_errname(gdoi_wr_error(&w)));
	ck_assert_uint_eq(first, n ? pl[0].pl_type : 0);
	ck_assert_uint_eq(gdoi_wr_len(&w), len);
	ck_assert_mem_eq(gdoi_wr_data(&w), want, len);
	gdoi_wr_free(&w);
}

/* Encode one payload, then decode it again (for round trips). */
static const struct gdoi_payload *
round_trip(enum gdoi_ctx ctx, const struct gdoi_payload *in)
{
	const struct gdoi_payload *out;
	struct gdoi_wr w;
	uint8_t first = 0;

	gdoi_wr_init(&w, 0);
	gdoi_chain_encode(&w, ctx, in, 1, &first);
	ck_assert_msg(gdoi_wr_error(&w) == GDOI_OK, "encode: %s",
	    gdoi_errname(gdoi_wr_error(&w)));
	ck_assert_uint_eq(first, in->pl_type);
	/* Generic header: next payload 0, length = everything written. */
	ck_assert_uint_ge(gdoi_wr_len(&w), 4);
	ck_assert_uint_eq(gdoi_wr_data(&w)[0], 0);
	ck_assert_uint_eq(gdoi_be16(gdoi_wr_data(&w) + 2), gdoi_wr_len(&w));
	out = dec_one(ctx, in->pl_type, gdoi_wr_data(&w), gdoi_wr_len(&w));
	gdoi_wr_free(&w);	/* out borrows from the heap copy, not from w */
	return out;
}

static void
bytes_eq(const struct gdoi_bytes *b, const void *want, size_t len)
{
	ck_assert_uint_eq(b->len, len);
	if (len) {
		ck_assert_ptr_nonnull(b->ptr);
		ck_assert_mem_eq(b->ptr, want, len);
	}
}

static void
tv_eq(const struct gdoi_attr *a, uint16_t type, uint16_t val)
{
	ck_assert_uint_eq(a->a_type, type);
	ck_assert_uint_eq(a->a_tv, 1);
	ck_assert_uint_eq(a->a_val, val);
}

static void
tlv_eq(const struct gdoi_attr *a, uint16_t type, const void *data, size_t len)
{
	ck_assert_uint_eq(a->a_type, type);
	ck_assert_uint_eq(a->a_tv, 0);
	bytes_eq(&a->a_data, data, len);
}

static struct gdoi_bytes
B(const void *p, size_t len)
{
	struct gdoi_bytes b = { p, len };

	return b;
}

/* Values of the golden vectors. */
static const uint8_t ick[8] = { 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8 };
static const uint8_t rck[8] = { 0xb1, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8 };
static const uint8_t kekspi[16] = { 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8,
	0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8 };
static const uint8_t u32_86400[4] = { 0x00, 0x01, 0x51, 0x80 };

/* ------------------------------------------------------------------ */
/* ISAKMP header                                                       */

START_TEST(hdr_golden)
{
	const uint8_t *in = dup_input(gv_hdr, gv_hdr_len);
	struct isakmp_hdr h;
	struct gdoi_diag d = { 0 };
	struct gdoi_rd r;
	struct gdoi_wr w;

	memset(&h, 0x55, sizeof(h));
	gdoi_rd_init(&r, in, gv_hdr_len);
	ck_assert_int_eq(gdoi_hdr_decode(&r, &h, &d), GDOI_OK);
	ck_assert_int_eq(d.err, 0);
	ck_assert_uint_eq(gdoi_rd_left(&r), 0);
	ck_assert_mem_eq(h.h_icookie, ick, 8);
	ck_assert_mem_eq(h.h_rcookie, rck, 8);
	ck_assert_uint_eq(h.h_np, ISAKMP_PL_HASH);
	ck_assert_uint_eq(h.h_version, 0x10);
	ck_assert_uint_eq(h.h_exchange, GDOI_EX_PULL);
	ck_assert_uint_eq(h.h_flags, ISAKMP_FLAG_E);
	ck_assert_uint_eq(h.h_msgid, 0x5e6f7081u);
	ck_assert_uint_eq(h.h_length, 76);

	/* Encode writes every field as given. */
	gdoi_wr_init(&w, 0);
	gdoi_hdr_encode(&w, &h);
	ck_assert_int_eq(gdoi_wr_error(&w), GDOI_OK);
	ck_assert_uint_eq(gdoi_wr_len(&w), ISAKMP_HDR_LEN);
	ck_assert_mem_eq(gdoi_wr_data(&w), gv_hdr, gv_hdr_len);
	gdoi_wr_free(&w);
}
END_TEST

START_TEST(hdr_round_trip)
{
	struct isakmp_hdr h, h2;
	struct gdoi_diag d = { 0 };
	struct gdoi_rd r;
	struct gdoi_wr w;
	const uint8_t *in;

	memset(&h, 0, sizeof(h));
	memcpy(h.h_icookie, kekspi, 8);
	memcpy(h.h_rcookie, kekspi + 8, 8);
	h.h_np = GDOI_PL_SEQ;
	h.h_version = 0x1f;	/* minor versions pass */
	h.h_exchange = GDOI_EX_PUSH;
	h.h_flags = ISAKMP_FLAG_C | ISAKMP_FLAG_A;
	h.h_msgid = 0xfedcba98u;
	h.h_length = 0x01020304u;
	gdoi_wr_init(&w, 0);
	gdoi_hdr_encode(&w, &h);
	ck_assert_uint_eq(gdoi_wr_len(&w), 28);
	in = dup_input(gdoi_wr_data(&w), gdoi_wr_len(&w));
	gdoi_wr_free(&w);
	ck_assert_uint_eq(in[16], GDOI_PL_SEQ);
	ck_assert_uint_eq(in[17], 0x1f);
	ck_assert_uint_eq(in[18], 33);
	ck_assert_uint_eq(in[19], 0x06);
	ck_assert_uint_eq(gdoi_be32(in + 20), 0xfedcba98u);
	ck_assert_uint_eq(gdoi_be32(in + 24), 0x01020304u);

	memset(&h2, 0, sizeof(h2));
	gdoi_rd_init(&r, in, 28);
	ck_assert_int_eq(gdoi_hdr_decode(&r, &h2, &d), GDOI_OK);
	ck_assert_mem_eq(h2.h_icookie, kekspi, 8);
	ck_assert_mem_eq(h2.h_rcookie, kekspi + 8, 8);
	ck_assert_uint_eq(h2.h_np, GDOI_PL_SEQ);
	ck_assert_uint_eq(h2.h_version, 0x1f);
	ck_assert_uint_eq(h2.h_exchange, GDOI_EX_PUSH);
	ck_assert_uint_eq(h2.h_flags, 0x06);
	ck_assert_uint_eq(h2.h_msgid, 0xfedcba98u);
	ck_assert_uint_eq(h2.h_length, 0x01020304u);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Phase 1 SA                                                          */

static const uint8_t u16_28800[2] = { 0x70, 0x80 };

/* The SA of gv_pl_sa_p1, built by hand. */
static struct gdoi_attr p1_t1_attrs[7];
static struct gdoi_attr p1_t2_attrs[6];
static struct gdoi_transform p1_t[2];
static struct gdoi_proposal p1_p;

static void
build_p1sa(struct gdoi_payload *pl, uint32_t doi)
{
	p1_t1_attrs[0] = gdoi_attr_tv(IKE_ATTR_ENC, IKE_ENC_AES_CBC);
	p1_t1_attrs[1] = gdoi_attr_tv(IKE_ATTR_KEY_LENGTH, 128);
	p1_t1_attrs[2] = gdoi_attr_tv(IKE_ATTR_HASH, IKE_HASH_SHA256);
	p1_t1_attrs[3] = gdoi_attr_tv(IKE_ATTR_AUTH, IKE_AUTH_PSK);
	p1_t1_attrs[4] = gdoi_attr_tv(IKE_ATTR_GROUP, IKE_GROUP_MODP2048);
	p1_t1_attrs[5] = gdoi_attr_tv(IKE_ATTR_LIFE_TYPE, IKE_LIFE_SECONDS);
	p1_t1_attrs[6] = gdoi_attr_tlv(IKE_ATTR_LIFE_DURATION, u32_86400, 4);
	p1_t2_attrs[0] = gdoi_attr_tv(IKE_ATTR_ENC, IKE_ENC_3DES_CBC);
	p1_t2_attrs[1] = gdoi_attr_tv(IKE_ATTR_HASH, IKE_HASH_SHA1);
	p1_t2_attrs[2] = gdoi_attr_tv(IKE_ATTR_AUTH, IKE_AUTH_RSA_SIG);
	p1_t2_attrs[3] = gdoi_attr_tv(IKE_ATTR_GROUP, IKE_GROUP_MODP1024);
	p1_t2_attrs[4] = gdoi_attr_tv(IKE_ATTR_LIFE_TYPE, IKE_LIFE_SECONDS);
	p1_t2_attrs[5] = gdoi_attr_tlv(IKE_ATTR_LIFE_DURATION, u16_28800, 2);
	memset(p1_t, 0, sizeof(p1_t));
	p1_t[0].t_num = 1;
	p1_t[0].t_id = IKE_TRANSFORM_KEY_IKE;
	p1_t[0].t_attrs.v = p1_t1_attrs;
	p1_t[0].t_attrs.n = 7;
	p1_t[1].t_num = 2;
	p1_t[1].t_id = IKE_TRANSFORM_KEY_IKE;
	p1_t[1].t_attrs.v = p1_t2_attrs;
	p1_t[1].t_attrs.n = 6;
	memset(&p1_p, 0, sizeof(p1_p));
	p1_p.p_num = 1;
	p1_p.p_proto = ISAKMP_PROTO_ISAKMP;
	p1_p.p_t = p1_t;
	p1_p.p_nt = 2;
	memset(pl, 0, sizeof(*pl));
	pl->pl_type = ISAKMP_PL_SA;
	pl->pl_u.p1sa.sa_doi = doi;
	pl->pl_u.p1sa.sa_situation = IPSEC_SIT_IDENTITY_ONLY;
	pl->pl_u.p1sa.sa_p = &p1_p;
	pl->pl_u.p1sa.sa_np = 1;
}

/* Every field of the SA in gv_pl_sa_p1 (DOI as given). */
static void
check_p1sa_golden(const struct gdoi_p1sa *sa, uint32_t doi)
{
	const struct gdoi_proposal *p;
	const struct gdoi_transform *t;
	static const uint8_t l2[2] = { 0x70, 0x80 };

	ck_assert_uint_eq(sa->sa_doi, doi);
	ck_assert_uint_eq(sa->sa_situation, IPSEC_SIT_IDENTITY_ONLY);
	ck_assert_uint_eq(sa->sa_np, 1);
	p = &sa->sa_p[0];
	ck_assert_uint_eq(p->p_num, 1);
	ck_assert_uint_eq(p->p_proto, ISAKMP_PROTO_ISAKMP);
	ck_assert_uint_eq(p->p_spi.len, 0);
	ck_assert_uint_eq(p->p_nt, 2);
	t = &p->p_t[0];
	ck_assert_uint_eq(t->t_num, 1);
	ck_assert_uint_eq(t->t_id, IKE_TRANSFORM_KEY_IKE);
	ck_assert_uint_eq(t->t_attrs.n, 7);
	tv_eq(&t->t_attrs.v[0], IKE_ATTR_ENC, 7);
	tv_eq(&t->t_attrs.v[1], IKE_ATTR_KEY_LENGTH, 128);
	tv_eq(&t->t_attrs.v[2], IKE_ATTR_HASH, 4);
	tv_eq(&t->t_attrs.v[3], IKE_ATTR_AUTH, 1);
	tv_eq(&t->t_attrs.v[4], IKE_ATTR_GROUP, 14);
	tv_eq(&t->t_attrs.v[5], IKE_ATTR_LIFE_TYPE, 1);
	tlv_eq(&t->t_attrs.v[6], IKE_ATTR_LIFE_DURATION, u32_86400, 4);
	t = &p->p_t[1];
	ck_assert_uint_eq(t->t_num, 2);
	ck_assert_uint_eq(t->t_id, IKE_TRANSFORM_KEY_IKE);
	ck_assert_uint_eq(t->t_attrs.n, 6);
	tv_eq(&t->t_attrs.v[0], IKE_ATTR_ENC, 5);
	tv_eq(&t->t_attrs.v[1], IKE_ATTR_HASH, 2);
	tv_eq(&t->t_attrs.v[2], IKE_ATTR_AUTH, 3);
	tv_eq(&t->t_attrs.v[3], IKE_ATTR_GROUP, 2);
	tv_eq(&t->t_attrs.v[4], IKE_ATTR_LIFE_TYPE, 1);
	tlv_eq(&t->t_attrs.v[5], IKE_ATTR_LIFE_DURATION, l2, 2);
}

START_TEST(p1sa_decode_golden)
{
	const struct gdoi_payload *pl;

	pl = dec_one(GDOI_CTX_PHASE1, ISAKMP_PL_SA, gv_pl_sa_p1, gv_pl_sa_p1_len);
	check_p1sa_golden(&pl->pl_u.p1sa, GDOI_DOI_IPSEC);
}
END_TEST

START_TEST(p1sa_encode_golden)
{
	struct gdoi_payload pl;
	const struct gdoi_payload *dec;

	build_p1sa(&pl, GDOI_DOI_IPSEC);
	enc_eq(GDOI_CTX_PHASE1, &pl, 1, gv_pl_sa_p1, gv_pl_sa_p1_len);
	/* The decoded struct encodes to the same bytes. */
	dec = dec_one(GDOI_CTX_PHASE1, ISAKMP_PL_SA, gv_pl_sa_p1, gv_pl_sa_p1_len);
	enc_eq(GDOI_CTX_PHASE1, dec, 1, gv_pl_sa_p1, gv_pl_sa_p1_len);
}
END_TEST

START_TEST(p1sa_round_trip)
{
	static const uint8_t spi[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	static const uint8_t big[5] = { 9, 8, 7, 6, 5 };
	struct gdoi_attr a1[2], a2[1];
	struct gdoi_transform t[3];
	struct gdoi_proposal p[2];
	struct gdoi_payload pl;
	const struct gdoi_payload *out;
	const struct gdoi_p1sa *sa;

	memset(t, 0, sizeof(t));
	memset(p, 0, sizeof(p));
	a1[0] = gdoi_attr_tv(IKE_ATTR_ENC, IKE_ENC_AES_CBC);
	a1[1] = gdoi_attr_tlv(IKE_ATTR_GROUP_PRIME, big, sizeof(big));
	a2[0] = gdoi_attr_tv(IKE_ATTR_HASH, IKE_HASH_SHA512);
	t[0].t_num = 7;
	t[0].t_id = IKE_TRANSFORM_KEY_IKE;
	t[0].t_attrs.v = a1;
	t[0].t_attrs.n = 2;
	t[1].t_num = 9;
	t[1].t_id = 3;	/* no attributes */
	t[2].t_num = 1;
	t[2].t_id = 12;
	t[2].t_attrs.v = a2;
	t[2].t_attrs.n = 1;
	p[0].p_num = 1;
	p[0].p_proto = ISAKMP_PROTO_ISAKMP;
	p[0].p_t = t;
	p[0].p_nt = 2;
	p[1].p_num = 2;
	p[1].p_proto = ISAKMP_PROTO_ESP;
	p[1].p_spi = B(spi, sizeof(spi));
	p[1].p_t = &t[2];
	p[1].p_nt = 1;
	memset(&pl, 0, sizeof(pl));
	pl.pl_type = ISAKMP_PL_SA;
	pl.pl_u.p1sa.sa_doi = GDOI_DOI_GDOI;
	pl.pl_u.p1sa.sa_situation = 0;
	pl.pl_u.p1sa.sa_p = p;
	pl.pl_u.p1sa.sa_np = 2;

	out = round_trip(GDOI_CTX_PHASE1, &pl);
	sa = &out->pl_u.p1sa;
	ck_assert_uint_eq(sa->sa_doi, 2);
	ck_assert_uint_eq(sa->sa_situation, 0);
	ck_assert_uint_eq(sa->sa_np, 2);
	ck_assert_uint_eq(sa->sa_p[0].p_num, 1);
	ck_assert_uint_eq(sa->sa_p[0].p_proto, ISAKMP_PROTO_ISAKMP);
	ck_assert_uint_eq(sa->sa_p[0].p_spi.len, 0);
	ck_assert_uint_eq(sa->sa_p[0].p_nt, 2);
	ck_assert_uint_eq(sa->sa_p[0].p_t[0].t_num, 7);
	ck_assert_uint_eq(sa->sa_p[0].p_t[0].t_id, 1);
	ck_assert_uint_eq(sa->sa_p[0].p_t[0].t_attrs.n, 2);
	tv_eq(&sa->sa_p[0].p_t[0].t_attrs.v[0], IKE_ATTR_ENC, IKE_ENC_AES_CBC);
	tlv_eq(&sa->sa_p[0].p_t[0].t_attrs.v[1], IKE_ATTR_GROUP_PRIME, big, sizeof(big));
	ck_assert_uint_eq(sa->sa_p[0].p_t[1].t_num, 9);
	ck_assert_uint_eq(sa->sa_p[0].p_t[1].t_id, 3);
	ck_assert_uint_eq(sa->sa_p[0].p_t[1].t_attrs.n, 0);
	ck_assert_uint_eq(sa->sa_p[1].p_num, 2);
	ck_assert_uint_eq(sa->sa_p[1].p_proto, ISAKMP_PROTO_ESP);
	bytes_eq(&sa->sa_p[1].p_spi, spi, sizeof(spi));
	ck_assert_uint_eq(sa->sa_p[1].p_nt, 1);
	ck_assert_uint_eq(sa->sa_p[1].p_t[0].t_num, 1);
	ck_assert_uint_eq(sa->sa_p[1].p_t[0].t_id, 12);
	ck_assert_uint_eq(sa->sa_p[1].p_t[0].t_attrs.n, 1);
	tv_eq(&sa->sa_p[1].p_t[0].t_attrs.v[0], IKE_ATTR_HASH, IKE_HASH_SHA512);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Opaque data payloads: KE, HASH, SIG, NONCE, VID                     */

/* Decode the vector, check its data, encode it back and round-trip other data. */
static void
check_data_payload(uint8_t type, const uint8_t *vec, size_t len)
{
	static const uint8_t other[3] = { 0x00, 0xff, 0x7e };
	const struct gdoi_payload *out;
	struct gdoi_payload pl;

	out = dec_one(GDOI_CTX_GDOI, type, vec, len);
	bytes_eq(&out->pl_u.data, vec + 4, len - 4);
	ck_assert_ptr_eq(out->pl_raw.ptr + 4, out->pl_u.data.ptr);	/* borrowed */

	memset(&pl, 0, sizeof(pl));
	pl.pl_type = type;
	pl.pl_u.data = B(vec + 4, len - 4);
	enc_eq(GDOI_CTX_GDOI, &pl, 1, vec, len);
	enc_eq(GDOI_CTX_PHASE1, &pl, 1, vec, len);

	pl.pl_u.data = B(other, sizeof(other));
	out = round_trip(GDOI_CTX_PHASE1, &pl);
	bytes_eq(&out->pl_u.data, other, sizeof(other));
}

/* The opaque-data payloads: each golden vector and the data it carries. */
static const uint8_t data_ke[16] = { 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37,
	0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f };
static const uint8_t data_hash[20] = { 0x48, 0x41, 0x53, 0x48, 0x00, 0x01, 0x02, 0x03, 0x04,
	0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f };
static const uint8_t data_sig[16] = { 0x53, 0x49, 0x47, 0x21, 0xf0, 0xe1, 0xd2, 0xc3,
	0xb4, 0xa5, 0x96, 0x87, 0x78, 0x69, 0x5a, 0x4b };
static const uint8_t data_nonce[16] = { 0x4e, 0x4f, 0x4e, 0x43, 0x45, 0x10, 0x20, 0x30,
	0x40, 0x50, 0x60, 0x70, 0x80, 0x90, 0xa0, 0xb0 };

static const struct {
	enum gdoi_ctx ctx;
	uint8_t type;
	const uint8_t *vec;
	const size_t *vec_len;
	const void *data;
	size_t data_len;
} data_cases[] = {
	{ GDOI_CTX_PHASE1, ISAKMP_PL_KE, gv_pl_ke, &gv_pl_ke_len, data_ke, 16 },
	{ GDOI_CTX_GDOI, ISAKMP_PL_HASH, gv_pl_hash, &gv_pl_hash_len, data_hash, 20 },
	{ GDOI_CTX_GDOI, ISAKMP_PL_SIG, gv_pl_sig, &gv_pl_sig_len, data_sig, 16 },
	{ GDOI_CTX_GDOI, ISAKMP_PL_NONCE, gv_pl_nonce, &gv_pl_nonce_len, data_nonce, 16 },
	{ GDOI_CTX_PHASE1, ISAKMP_PL_VID, gv_pl_vid, &gv_pl_vid_len, "gdoi-test-vendor", 16 },
};

START_TEST(data_golden)
{
	const struct gdoi_payload *pl;

	pl = dec_one(data_cases[_i].ctx, data_cases[_i].type, data_cases[_i].vec,
	    *data_cases[_i].vec_len);
	bytes_eq(&pl->pl_u.data, data_cases[_i].data, data_cases[_i].data_len);
	check_data_payload(data_cases[_i].type, data_cases[_i].vec, *data_cases[_i].vec_len);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Identification                                                      */

START_TEST(id_keyid_golden)
{
	static const uint8_t g[4] = { 0x00, 0x00, 0x04, 0xd2 };
	const struct gdoi_payload *pl;
	struct gdoi_payload e;
	uint32_t group = 0;

	pl = dec_one(GDOI_CTX_GDOI, ISAKMP_PL_ID, gv_pl_id_keyid, gv_pl_id_keyid_len);
	ck_assert_uint_eq(pl->pl_u.id.id_type, ID_KEY_ID);
	ck_assert_uint_eq(pl->pl_u.id.id_proto, 0);
	ck_assert_uint_eq(pl->pl_u.id.id_port, 0);
	bytes_eq(&pl->pl_u.id.id_data, g, 4);
	ck_assert_int_eq(gdoi_id_group_number(&pl->pl_u.id, &group), GDOI_OK);
	ck_assert_uint_eq(group, 1234);

	memset(&e, 0, sizeof(e));
	e.pl_type = ISAKMP_PL_ID;
	e.pl_u.id.id_type = ID_KEY_ID;
	e.pl_u.id.id_data = B(g, 4);
	enc_eq(GDOI_CTX_GDOI, &e, 1, gv_pl_id_keyid, gv_pl_id_keyid_len);
}
END_TEST

START_TEST(id_group_number_refusals)
{
	static const uint8_t five[5] = { 0, 0, 0, 4, 0xd2 };
	static const uint8_t v4[4] = { 10, 0, 0, 1 };
	struct gdoi_id id;
	uint32_t group = 77;

	memset(&id, 0, sizeof(id));
	id.id_type = ID_KEY_ID;
	id.id_data = B(five, 5);
	ck_assert_int_eq(gdoi_id_group_number(&id, &group), GDOI_E_ID);
	id.id_type = ID_IPV4_ADDR;
	id.id_data = B(v4, 4);
	ck_assert_int_eq(gdoi_id_group_number(&id, &group), GDOI_E_ID);
	ck_assert_uint_eq(group, 77);
	id.id_type = ID_KEY_ID;
	ck_assert_int_eq(gdoi_id_group_number(&id, &group), GDOI_OK);
	ck_assert_uint_eq(group, 0x0a000001u);
}
END_TEST

struct id_case {
	const uint8_t *vec;
	const size_t *len;
	uint8_t type, proto;
	uint16_t port;
};

static const struct id_case id_cases[] = {
	{ gv_pl_id_ipv4, &gv_pl_id_ipv4_len, ID_IPV4_ADDR, 17, 500 },
	{ gv_pl_id_ipv4_subnet, &gv_pl_id_ipv4_subnet_len, ID_IPV4_ADDR_SUBNET, 0, 0 },
	{ gv_pl_id_ipv6, &gv_pl_id_ipv6_len, ID_IPV6_ADDR, 6, 179 },
	{ gv_pl_id_ipv4_range, &gv_pl_id_ipv4_range_len, ID_IPV4_ADDR_RANGE, 0, 0 },
	{ gv_pl_id_ipv6_subnet, &gv_pl_id_ipv6_subnet_len, ID_IPV6_ADDR_SUBNET, 0, 0 },
};

/* Looped over id_cases. */
START_TEST(id_addr_golden)
{
	static const uint8_t v4[4] = { 0xc0, 0x00, 0x02, 0x01 };
	static const uint8_t v4sub[8] = { 10, 1, 0, 0, 255, 255, 0, 0 };
	static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
	static const uint8_t v4range[8] = { 10, 0, 0, 1, 10, 0, 0, 254 };
	static const uint8_t v6sub[32] = { 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x0a, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t *const data[] = { v4, v4sub, v6, v4range, v6sub };
	static const size_t dlen[] = { 4, 8, 16, 8, 32 };
	const struct id_case *c = &id_cases[_i];
	const struct gdoi_payload *pl;
	struct gdoi_payload e;
	uint32_t group;

	pl = dec_one(GDOI_CTX_PHASE1, ISAKMP_PL_ID, c->vec, *c->len);
	ck_assert_uint_eq(pl->pl_u.id.id_type, c->type);
	ck_assert_uint_eq(pl->pl_u.id.id_proto, c->proto);
	ck_assert_uint_eq(pl->pl_u.id.id_port, c->port);
	bytes_eq(&pl->pl_u.id.id_data, data[_i], dlen[_i]);
	ck_assert_int_eq(gdoi_id_check(c->type, &pl->pl_u.id.id_data), GDOI_OK);
	ck_assert_int_eq(gdoi_id_group_number(&pl->pl_u.id, &group), GDOI_E_ID);

	memset(&e, 0, sizeof(e));
	e.pl_type = ISAKMP_PL_ID;
	e.pl_u.id.id_type = c->type;
	e.pl_u.id.id_proto = c->proto;
	e.pl_u.id.id_port = c->port;
	e.pl_u.id.id_data = B(data[_i], dlen[_i]);
	enc_eq(GDOI_CTX_PHASE1, &e, 1, c->vec, *c->len);
}
END_TEST

START_TEST(id_round_trip)
{
	static const char fqdn[] = "gm1.example.net";
	static const uint8_t v6r[32] = { 0xfe, 0x80, [15] = 1, [16] = 0xfe, [17] = 0x80, [31] = 0xff };
	const struct gdoi_payload *out;
	struct gdoi_payload pl;

	memset(&pl, 0, sizeof(pl));
	pl.pl_type = ISAKMP_PL_ID;
	pl.pl_u.id.id_type = ID_FQDN;
	pl.pl_u.id.id_proto = 17;
	pl.pl_u.id.id_port = 848;
	pl.pl_u.id.id_data = B(fqdn, strlen(fqdn));
	out = round_trip(GDOI_CTX_GDOI, &pl);
	ck_assert_uint_eq(out->pl_u.id.id_type, ID_FQDN);
	ck_assert_uint_eq(out->pl_u.id.id_proto, 17);
	ck_assert_uint_eq(out->pl_u.id.id_port, 848);
	bytes_eq(&out->pl_u.id.id_data, fqdn, strlen(fqdn));

	pl.pl_u.id.id_type = ID_IPV6_ADDR_RANGE;
	pl.pl_u.id.id_proto = 0;
	pl.pl_u.id.id_port = 0xffff;
	pl.pl_u.id.id_data = B(v6r, 32);
	out = round_trip(GDOI_CTX_PHASE1, &pl);
	ck_assert_uint_eq(out->pl_u.id.id_type, ID_IPV6_ADDR_RANGE);
	ck_assert_uint_eq(out->pl_u.id.id_proto, 0);
	ck_assert_uint_eq(out->pl_u.id.id_port, 0xffff);
	bytes_eq(&out->pl_u.id.id_data, v6r, 32);

	/* NAT-OA shares the layout. */
	pl.pl_type = ISAKMP_PL_NAT_OA;
	pl.pl_u.id.id_type = ID_IPV4_ADDR;
	pl.pl_u.id.id_data = B(v6r, 4);
	out = round_trip(GDOI_CTX_PHASE1, &pl);
	ck_assert_uint_eq(out->pl_u.id.id_type, ID_IPV4_ADDR);
	bytes_eq(&out->pl_u.id.id_data, v6r, 4);
}
END_TEST

/* Data of the wrong size for its type -> GDOI_E_ID. */
START_TEST(id_wrong_length)
{
	static const struct {
		uint8_t type;
		size_t len;
	} bad[] = {
		{ ID_IPV4_ADDR, 5 }, { ID_IPV4_ADDR, 3 }, { ID_IPV4_ADDR_SUBNET, 4 },
		{ ID_IPV4_ADDR_RANGE, 9 }, { ID_IPV6_ADDR, 4 }, { ID_IPV6_ADDR_SUBNET, 16 },
		{ ID_IPV6_ADDR_RANGE, 31 }, { ID_KEY_ID, 0 }, { ID_FQDN, 0 },
	};
	uint8_t buf[4 + 4 + 40];
	struct gdoi_diag d;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t len = 8 + bad[i].len;

		memset(buf, 0x0a, sizeof(buf));
		buf[0] = 0;
		buf[1] = 0;
		gdoi_put16(buf + 2, (uint16_t)len);
		buf[4] = bad[i].type;
		buf[5] = 0;
		gdoi_put16(buf + 6, 0);
		dec_fail(GDOI_CTX_PHASE1, ISAKMP_PL_ID, buf, len, GDOI_E_ID, &d);
		ck_assert_uint_eq(d.pl_type, ISAKMP_PL_ID);
		ck_assert_uint_ge(d.off, 8);
	}
}
END_TEST

/* ------------------------------------------------------------------ */
/* CERT and CR                                                         */

START_TEST(cert_golden)
{
	static const uint8_t der[7] = { 0x30, 0x05, 0x02, 0x01, 0x07, 0x05, 0x00 };
	const struct gdoi_payload *pl;
	struct gdoi_payload e;

	pl = dec_one(GDOI_CTX_PHASE1, ISAKMP_PL_CERT, gv_pl_cert, gv_pl_cert_len);
	ck_assert_uint_eq(pl->pl_u.cert.c_enc, CERT_X509_SIG);
	bytes_eq(&pl->pl_u.cert.c_data, der, 7);

	memset(&e, 0, sizeof(e));
	e.pl_type = ISAKMP_PL_CERT;
	e.pl_u.cert.c_enc = CERT_X509_SIG;
	e.pl_u.cert.c_data = B(der, 7);
	enc_eq(GDOI_CTX_PHASE1, &e, 1, gv_pl_cert, gv_pl_cert_len);
}
END_TEST

START_TEST(cr_golden)
{
	static const uint8_t dn[2] = { 0x30, 0x00 };
	const struct gdoi_payload *pl;
	struct gdoi_payload e;

	pl = dec_one(GDOI_CTX_PHASE1, ISAKMP_PL_CR, gv_pl_cr, gv_pl_cr_len);
	ck_assert_uint_eq(pl->pl_u.cert.c_enc, CERT_X509_SIG);
	bytes_eq(&pl->pl_u.cert.c_data, dn, 2);

	memset(&e, 0, sizeof(e));
	e.pl_type = ISAKMP_PL_CR;
	e.pl_u.cert.c_enc = CERT_X509_SIG;
	e.pl_u.cert.c_data = B(dn, 2);
	enc_eq(GDOI_CTX_PHASE1, &e, 1, gv_pl_cr, gv_pl_cr_len);
}
END_TEST

START_TEST(cert_cr_round_trip)
{
	static const uint8_t blob[9] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	const struct gdoi_payload *out;
	struct gdoi_payload pl;

	memset(&pl, 0, sizeof(pl));
	pl.pl_type = ISAKMP_PL_CERT;
	pl.pl_u.cert.c_enc = CERT_CRL;
	pl.pl_u.cert.c_data = B(blob, 9);
	out = round_trip(GDOI_CTX_GDOI, &pl);
	ck_assert_uint_eq(out->pl_u.cert.c_enc, CERT_CRL);
	bytes_eq(&out->pl_u.cert.c_data, blob, 9);

	/* A CR with no CA name: just the type octet. */
	pl.pl_type = ISAKMP_PL_CR;
	pl.pl_u.cert.c_enc = CERT_PKCS7;
	pl.pl_u.cert.c_data = B(NULL, 0);
	out = round_trip(GDOI_CTX_PHASE1, &pl);
	ck_assert_uint_eq(out->pl_raw.len, 5);
	ck_assert_uint_eq(out->pl_u.cert.c_enc, CERT_PKCS7);
	ck_assert_uint_eq(out->pl_u.cert.c_data.len, 0);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Notify and Delete                                                   */

START_TEST(notify_golden)
{
	static const uint8_t spi[4] = { 0x11, 0x22, 0x33, 0x44 };
	static const uint8_t data[5] = { 0xde, 0xad, 0xbe, 0xef, 0x01 };
	uint8_t cookies[16];
	const struct gdoi_payload *pl;
	struct gdoi_payload e;

	memcpy(cookies, ick, 8);
	memcpy(cookies + 8, rck, 8);
	pl = dec_one(GDOI_CTX_PHASE1, ISAKMP_PL_N, gv_pl_n_initial_contact,
	    gv_pl_n_initial_contact_len);
	ck_assert_uint_eq(pl->pl_u.n.n_doi, GDOI_DOI_IPSEC);
	ck_assert_uint_eq(pl->pl_u.n.n_proto, ISAKMP_PROTO_ISAKMP);
	ck_assert_uint_eq(pl->pl_u.n.n_type, N_INITIAL_CONTACT);
	bytes_eq(&pl->pl_u.n.n_spi, cookies, 16);
	ck_assert_uint_eq(pl->pl_u.n.n_data.len, 0);

	memset(&e, 0, sizeof(e));
	e.pl_type = ISAKMP_PL_N;
	e.pl_u.n.n_doi = 1;
	e.pl_u.n.n_proto = ISAKMP_PROTO_ISAKMP;
	e.pl_u.n.n_type = N_INITIAL_CONTACT;
	e.pl_u.n.n_spi = B(cookies, 16);
	enc_eq(GDOI_CTX_PHASE1, &e, 1, gv_pl_n_initial_contact, gv_pl_n_initial_contact_len);

	pl = dec_one(GDOI_CTX_GDOI, ISAKMP_PL_N, gv_pl_n_data, gv_pl_n_data_len);
	ck_assert_uint_eq(pl->pl_u.n.n_doi, GDOI_DOI_GDOI);
	ck_assert_uint_eq(pl->pl_u.n.n_proto, ISAKMP_PROTO_ESP);
	ck_assert_uint_eq(pl->pl_u.n.n_type, N_NO_PROPOSAL_CHOSEN);
	bytes_eq(&pl->pl_u.n.n_spi, spi, 4);
	bytes_eq(&pl->pl_u.n.n_data, data, 5);

	memset(&e, 0, sizeof(e));
	e.pl_type = ISAKMP_PL_N;
	e.pl_u.n.n_doi = 2;
	e.pl_u.n.n_proto = ISAKMP_PROTO_ESP;
	e.pl_u.n.n_type = N_NO_PROPOSAL_CHOSEN;
	e.pl_u.n.n_spi = B(spi, 4);
	e.pl_u.n.n_data = B(data, 5);
	enc_eq(GDOI_CTX_GDOI, &e, 1, gv_pl_n_data, gv_pl_n_data_len);
}
END_TEST

START_TEST(notify_round_trip)
{
	static const uint8_t data[3] = { 0xaa, 0xbb, 0xcc };
	const struct gdoi_payload *out;
	struct gdoi_payload pl;

	memset(&pl, 0, sizeof(pl));
	pl.pl_type = ISAKMP_PL_N;
	pl.pl_u.n.n_doi = 0;
	pl.pl_u.n.n_proto = 0;
	pl.pl_u.n.n_type = N_R_U_THERE_ACK;	/* > 32767: all 16 bits kept */
	pl.pl_u.n.n_data = B(data, 3);
	out = round_trip(GDOI_CTX_PHASE1, &pl);
	ck_assert_uint_eq(out->pl_u.n.n_doi, 0);
	ck_assert_uint_eq(out->pl_u.n.n_proto, 0);
	ck_assert_uint_eq(out->pl_u.n.n_type, 36137);
	ck_assert_uint_eq(out->pl_u.n.n_spi.len, 0);
	bytes_eq(&out->pl_u.n.n_data, data, 3);
}
END_TEST

START_TEST(delete_golden)
{
	static const uint8_t spis[8] = { 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88 };
	const struct gdoi_payload *pl;
	struct gdoi_payload e;

	pl = dec_one(GDOI_CTX_PHASE1, ISAKMP_PL_D, gv_pl_d_esp, gv_pl_d_esp_len);
	ck_assert_uint_eq(pl->pl_u.d.d_doi, GDOI_DOI_IPSEC);
	ck_assert_uint_eq(pl->pl_u.d.d_proto, ISAKMP_PROTO_ESP);
	ck_assert_uint_eq(pl->pl_u.d.d_spi_size, 4);
	ck_assert_uint_eq(pl->pl_u.d.d_nspi, 2);
	bytes_eq(&pl->pl_u.d.d_spis, spis, 8);

	memset(&e, 0, sizeof(e));
	e.pl_type = ISAKMP_PL_D;
	e.pl_u.d.d_doi = 1;
	e.pl_u.d.d_proto = ISAKMP_PROTO_ESP;
	e.pl_u.d.d_spi_size = 4;
	e.pl_u.d.d_nspi = 2;
	e.pl_u.d.d_spis = B(spis, 8);
	enc_eq(GDOI_CTX_PHASE1, &e, 1, gv_pl_d_esp, gv_pl_d_esp_len);

	pl = dec_one(GDOI_CTX_GDOI, ISAKMP_PL_D, gv_pl_d_kek, gv_pl_d_kek_len);
	ck_assert_uint_eq(pl->pl_u.d.d_doi, GDOI_DOI_GDOI);
	ck_assert_uint_eq(pl->pl_u.d.d_proto, ISAKMP_PROTO_ISAKMP);
	ck_assert_uint_eq(pl->pl_u.d.d_spi_size, 16);
	ck_assert_uint_eq(pl->pl_u.d.d_nspi, 1);
	bytes_eq(&pl->pl_u.d.d_spis, kekspi, 16);

	memset(&e, 0, sizeof(e));
	e.pl_type = ISAKMP_PL_D;
	e.pl_u.d.d_doi = 2;
	e.pl_u.d.d_proto = ISAKMP_PROTO_ISAKMP;
	e.pl_u.d.d_spi_size = 16;
	e.pl_u.d.d_nspi = 1;
	e.pl_u.d.d_spis = B(kekspi, 16);
	enc_eq(GDOI_CTX_GDOI, &e, 1, gv_pl_d_kek, gv_pl_d_kek_len);
}
END_TEST

START_TEST(delete_round_trip)
{
	static const uint8_t spis[6] = { 1, 2, 3, 4, 5, 6 };
	const struct gdoi_payload *out;
	struct gdoi_payload pl;

	memset(&pl, 0, sizeof(pl));
	pl.pl_type = ISAKMP_PL_D;
	pl.pl_u.d.d_doi = 1;
	pl.pl_u.d.d_proto = ISAKMP_PROTO_IPCOMP;
	pl.pl_u.d.d_spi_size = 2;
	pl.pl_u.d.d_nspi = 3;
	pl.pl_u.d.d_spis = B(spis, 6);
	out = round_trip(GDOI_CTX_PHASE1, &pl);
	ck_assert_uint_eq(out->pl_u.d.d_doi, 1);
	ck_assert_uint_eq(out->pl_u.d.d_proto, ISAKMP_PROTO_IPCOMP);
	ck_assert_uint_eq(out->pl_u.d.d_spi_size, 2);
	ck_assert_uint_eq(out->pl_u.d.d_nspi, 3);
	bytes_eq(&out->pl_u.d.d_spis, spis, 6);
}
END_TEST

/* ------------------------------------------------------------------ */
/* GDOI SA with SA KEK, SA TEK and GAP                                 */

static const uint8_t ip_ks[4] = { 192, 0, 2, 1 };
static const uint8_t ip_mc[4] = { 239, 1, 1, 1 };
static const uint8_t sub_src[8] = { 10, 1, 0, 0, 255, 255, 0, 0 };
static const uint8_t sub_dst[8] = { 10, 2, 0, 0, 255, 255, 0, 0 };
static const uint8_t ah_src[4] = { 10, 1, 0, 1 };
static const uint8_t ah_dst[4] = { 10, 2, 0, 1 };
static const uint8_t u32_3600[4] = { 0x00, 0x00, 0x0e, 0x10 };

static struct gdoi_attr sak_attrs[6], esp_attrs[7], ah_attrs[4], gap_attrs[2];
static struct gdoi_sa_item gsa_items[4];

static struct gdoi_id
sel(uint8_t type, uint16_t port, const void *data, size_t len)
{
	struct gdoi_id id;

	memset(&id, 0, sizeof(id));
	id.id_type = type;
	id.id_port = port;
	id.id_data = B(data, len);
	return id;
}

/* The SA of gv_pl_sa_gdoi, built by hand. */
static void
build_gsa(struct gdoi_payload *pl)
{
	struct gdoi_sak *k = &gsa_items[0].i_u.sak;
	struct gdoi_sat *t;

	memset(gsa_items, 0, sizeof(gsa_items));
	gsa_items[0].i_type = GDOI_PL_SAK;
	k->k_proto = 17;
	k->k_src = sel(ID_IPV4_ADDR, 848, ip_ks, 4);
	k->k_dst = sel(ID_IPV4_ADDR, 848, ip_mc, 4);
	memcpy(k->k_spi, kekspi, 16);
	sak_attrs[0] = gdoi_attr_tv(KEK_ATTR_ALGORITHM, KEK_ALG_AES);
	sak_attrs[1] = gdoi_attr_tv(KEK_ATTR_KEY_LENGTH, 128);
	sak_attrs[2] = gdoi_attr_tlv(KEK_ATTR_KEY_LIFETIME, u32_86400, 4);
	sak_attrs[3] = gdoi_attr_tv(KEK_ATTR_SIG_HASH_ALGORITHM, SIG_HASH_SHA256);
	sak_attrs[4] = gdoi_attr_tv(KEK_ATTR_SIG_ALGORITHM, SIG_ALG_RSA);
	sak_attrs[5] = gdoi_attr_tv(KEK_ATTR_SIG_KEY_LENGTH, 2048);
	k->k_attrs.v = sak_attrs;
	k->k_attrs.n = 6;

	gsa_items[1].i_type = GDOI_PL_SAT;
	t = &gsa_items[1].i_u.sat;
	t->t_proto_id = GDOI_TEK_PROTO_ESP;
	t->t_ip_proto = 0;
	t->t_src = sel(ID_IPV4_ADDR_SUBNET, 0, sub_src, 8);
	t->t_dst = sel(ID_IPV4_ADDR_SUBNET, 0, sub_dst, 8);
	t->t_transform = ESP_T_AES_CBC;
	t->t_spi = 0x11223344u;
	esp_attrs[0] = gdoi_attr_tv(IPSEC_ATTR_LIFE_TYPE, IKE_LIFE_SECONDS);
	esp_attrs[1] = gdoi_attr_tlv(IPSEC_ATTR_LIFE_DURATION, u32_3600, 4);
	esp_attrs[2] = gdoi_attr_tv(IPSEC_ATTR_ENCAP_MODE, IPSEC_ENCAP_TUNNEL);
	esp_attrs[3] = gdoi_attr_tv(IPSEC_ATTR_AUTH_ALG, IPSEC_AUTH_HMAC_SHA256);
	esp_attrs[4] = gdoi_attr_tv(IPSEC_ATTR_KEY_LENGTH, 256);
	esp_attrs[5] = gdoi_attr_tv(IPSEC_ATTR_ADDR_PRESERVATION, GDOI_AP_SRC_DST);
	esp_attrs[6] = gdoi_attr_tv(IPSEC_ATTR_SA_DIRECTION, GDOI_DIR_SYMMETRIC);
	t->t_attrs.v = esp_attrs;
	t->t_attrs.n = 7;

	gsa_items[2].i_type = GDOI_PL_SAT;
	t = &gsa_items[2].i_u.sat;
	t->t_proto_id = GDOI_TEK_PROTO_AH;
	t->t_ip_proto = 6;
	t->t_src = sel(ID_IPV4_ADDR, 80, ah_src, 4);
	t->t_dst = sel(ID_IPV4_ADDR, 0, ah_dst, 4);
	t->t_transform = AH_T_SHA2_256;
	t->t_spi = 0x55667788u;
	ah_attrs[0] = gdoi_attr_tv(IPSEC_ATTR_LIFE_TYPE, IKE_LIFE_SECONDS);
	ah_attrs[1] = gdoi_attr_tv(IPSEC_ATTR_LIFE_DURATION, 3600);
	ah_attrs[2] = gdoi_attr_tv(IPSEC_ATTR_ENCAP_MODE, IPSEC_ENCAP_TUNNEL);
	ah_attrs[3] = gdoi_attr_tv(IPSEC_ATTR_AUTH_ALG, IPSEC_AUTH_HMAC_SHA256);
	t->t_attrs.v = ah_attrs;
	t->t_attrs.n = 4;

	gsa_items[3].i_type = GDOI_PL_GAP;
	gap_attrs[0] = gdoi_attr_tv(GAP_ATTR_ACTIVATION_TIME_DELAY, 15);
	gap_attrs[1] = gdoi_attr_tv(GAP_ATTR_DEACTIVATION_TIME_DELAY, 30);
	gsa_items[3].i_u.gap.g_attrs.v = gap_attrs;
	gsa_items[3].i_u.gap.g_attrs.n = 2;

	memset(pl, 0, sizeof(*pl));
	pl->pl_type = ISAKMP_PL_SA;
	pl->pl_u.gsa.g_doi = GDOI_DOI_GDOI;
	pl->pl_u.gsa.g_situation = GDOI_SIT_NONE;
	pl->pl_u.gsa.g_items = gsa_items;
	pl->pl_u.gsa.g_nitems = 4;
}

static void
sel_eq(const struct gdoi_id *id, uint8_t type, uint16_t port, const void *data, size_t len)
{
	ck_assert_uint_eq(id->id_type, type);
	ck_assert_uint_eq(id->id_port, port);
	bytes_eq(&id->id_data, data, len);
}

/* Every field of the SA in gv_pl_sa_gdoi. */
static void
check_gsa_golden(const struct gdoi_gsa *sa)
{
	const struct gdoi_sak *k;
	const struct gdoi_sat *t;
	const struct gdoi_gap *g;

	ck_assert_uint_eq(sa->g_doi, GDOI_DOI_GDOI);
	ck_assert_uint_eq(sa->g_situation, 0);
	ck_assert_uint_eq(sa->g_nitems, 4);
	ck_assert_uint_eq(sa->g_items[0].i_type, GDOI_PL_SAK);
	ck_assert_uint_eq(sa->g_items[1].i_type, GDOI_PL_SAT);
	ck_assert_uint_eq(sa->g_items[2].i_type, GDOI_PL_SAT);
	ck_assert_uint_eq(sa->g_items[3].i_type, GDOI_PL_GAP);

	k = &sa->g_items[0].i_u.sak;
	ck_assert_uint_eq(k->k_proto, 17);
	sel_eq(&k->k_src, ID_IPV4_ADDR, 848, ip_ks, 4);
	sel_eq(&k->k_dst, ID_IPV4_ADDR, 848, ip_mc, 4);
	ck_assert_mem_eq(k->k_spi, kekspi, 16);
	ck_assert_uint_eq(k->k_pop_alg, 0);
	ck_assert_uint_eq(k->k_pop_keylen, 0);
	ck_assert_uint_eq(k->k_attrs.n, 6);
	tv_eq(&k->k_attrs.v[0], KEK_ATTR_ALGORITHM, KEK_ALG_AES);
	tv_eq(&k->k_attrs.v[1], KEK_ATTR_KEY_LENGTH, 128);
	tlv_eq(&k->k_attrs.v[2], KEK_ATTR_KEY_LIFETIME, u32_86400, 4);
	tv_eq(&k->k_attrs.v[3], KEK_ATTR_SIG_HASH_ALGORITHM, SIG_HASH_SHA256);
	tv_eq(&k->k_attrs.v[4], KEK_ATTR_SIG_ALGORITHM, SIG_ALG_RSA);
	tv_eq(&k->k_attrs.v[5], KEK_ATTR_SIG_KEY_LENGTH, 2048);

	t = &sa->g_items[1].i_u.sat;
	ck_assert_uint_eq(t->t_proto_id, GDOI_TEK_PROTO_ESP);
	ck_assert_uint_eq(t->t_ip_proto, 0);
	sel_eq(&t->t_src, ID_IPV4_ADDR_SUBNET, 0, sub_src, 8);
	sel_eq(&t->t_dst, ID_IPV4_ADDR_SUBNET, 0, sub_dst, 8);
	ck_assert_uint_eq(t->t_transform, ESP_T_AES_CBC);
	ck_assert_uint_eq(t->t_spi, 0x11223344u);
	ck_assert_uint_eq(t->t_attrs.n, 7);
	tv_eq(&t->t_attrs.v[0], IPSEC_ATTR_LIFE_TYPE, 1);
	tlv_eq(&t->t_attrs.v[1], IPSEC_ATTR_LIFE_DURATION, u32_3600, 4);
	tv_eq(&t->t_attrs.v[2], IPSEC_ATTR_ENCAP_MODE, IPSEC_ENCAP_TUNNEL);
	tv_eq(&t->t_attrs.v[3], IPSEC_ATTR_AUTH_ALG, 5);
	tv_eq(&t->t_attrs.v[4], IPSEC_ATTR_KEY_LENGTH, 256);
	tv_eq(&t->t_attrs.v[5], IPSEC_ATTR_ADDR_PRESERVATION, 4);
	tv_eq(&t->t_attrs.v[6], IPSEC_ATTR_SA_DIRECTION, 3);
	ck_assert_uint_eq(t->t_other.len, 0);

	t = &sa->g_items[2].i_u.sat;
	ck_assert_uint_eq(t->t_proto_id, GDOI_TEK_PROTO_AH);
	ck_assert_uint_eq(t->t_ip_proto, 6);
	sel_eq(&t->t_src, ID_IPV4_ADDR, 80, ah_src, 4);
	sel_eq(&t->t_dst, ID_IPV4_ADDR, 0, ah_dst, 4);
	ck_assert_uint_eq(t->t_transform, AH_T_SHA2_256);
	ck_assert_uint_eq(t->t_spi, 0x55667788u);
	ck_assert_uint_eq(t->t_attrs.n, 4);
	tv_eq(&t->t_attrs.v[0], IPSEC_ATTR_LIFE_TYPE, 1);
	tv_eq(&t->t_attrs.v[1], IPSEC_ATTR_LIFE_DURATION, 3600);
	tv_eq(&t->t_attrs.v[2], IPSEC_ATTR_ENCAP_MODE, 1);
	tv_eq(&t->t_attrs.v[3], IPSEC_ATTR_AUTH_ALG, 5);

	g = &sa->g_items[3].i_u.gap;
	ck_assert_uint_eq(g->g_attrs.n, 2);
	tv_eq(&g->g_attrs.v[0], GAP_ATTR_ACTIVATION_TIME_DELAY, 15);
	tv_eq(&g->g_attrs.v[1], GAP_ATTR_DEACTIVATION_TIME_DELAY, 30);
}

START_TEST(gsa_decode_golden)
{
	const struct gdoi_payload *pl;

	pl = dec_one(GDOI_CTX_GDOI, ISAKMP_PL_SA, gv_pl_sa_gdoi, gv_pl_sa_gdoi_len);
	/* The SA length covers the nested payloads. */
	ck_assert_uint_eq(pl->pl_raw.len, 211);
	check_gsa_golden(&pl->pl_u.gsa);
}
END_TEST

START_TEST(gsa_encode_golden)
{
	struct gdoi_payload pl;
	const struct gdoi_payload *dec;
	struct gdoi_wr w;
	const uint8_t *o;

	build_gsa(&pl);
	enc_eq(GDOI_CTX_GDOI, &pl, 1, gv_pl_sa_gdoi, gv_pl_sa_gdoi_len);

	/* Field widths in what the encoder wrote, checked one by one. */
	gdoi_wr_init(&w, 0);
	gdoi_chain_encode(&w, GDOI_CTX_GDOI, &pl, 1, NULL);
	ck_assert_int_eq(gdoi_wr_error(&w), GDOI_OK);
	o = gdoi_wr_data(&w);
	ck_assert_uint_eq(gdoi_be16(o + 2), 211);	/* SA length incl. nested */
	ck_assert_uint_eq(gdoi_be16(o + 12), GDOI_PL_SAK); /* SA Attribute NP: 2 octets */
	ck_assert_uint_eq(gdoi_be16(o + 14), 0);	/* RESERVED */
	ck_assert_uint_eq(o[16], GDOI_PL_SAT);	/* SAK generic header */
	ck_assert_uint_eq(gdoi_be16(o + 18), 69);
	ck_assert_uint_eq(o[20], 17);	/* Protocol */
	ck_assert_uint_eq(o[24], 4);	/* SRC ID Data Len: 1 octet */
	ck_assert_uint_eq(o[32], 4);	/* DST ID Data Len: 1 octet */
	ck_assert_mem_eq(o + 37, kekspi, 16);
	ck_assert_uint_eq(gdoi_be32(o + 53), 0);	/* POP alg + key length */
	ck_assert_uint_eq(o[85], GDOI_PL_SAT);	/* SAT(ESP) generic header */
	ck_assert_uint_eq(o[89], GDOI_TEK_PROTO_ESP);
	ck_assert_uint_eq(gdoi_be16(o + 94), 8);	/* SRC ID Data Len: 2 octets */
	ck_assert_uint_eq(o[117], ESP_T_AES_CBC);	/* Transform ID: 1 octet */
	ck_assert_uint_eq(gdoi_be32(o + 118), 0x11223344u); /* SPI: 4 octets */
	ck_assert_uint_eq(o[154], GDOI_PL_GAP);	/* SAT(AH) -> GAP */
	ck_assert_uint_eq(o[199], 0);	/* GAP is last */
	ck_assert_uint_eq(gdoi_be16(o + 201), 12);
	gdoi_wr_free(&w);

	dec = dec_one(GDOI_CTX_GDOI, ISAKMP_PL_SA, gv_pl_sa_gdoi, gv_pl_sa_gdoi_len);
	enc_eq(GDOI_CTX_GDOI, dec, 1, gv_pl_sa_gdoi, gv_pl_sa_gdoi_len);
}
END_TEST

START_TEST(gsa_round_trip)
{
	static const uint8_t v6a[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x0a };
	static const uint8_t v6sub[32] = { 0xff, 0x05, [16] = 0xff, 0xff, 0xff, 0xff };
	static const uint8_t fqdn[] = { 'k', 's' };
	static const uint8_t spi16[16] = { 0xee, [15] = 0x11 };
	static const uint8_t other[6] = { 0x10, 0x20, 0x30, 0x40, 0x50, 0x60 };
	struct gdoi_attr ka[1], ta[2];
	struct gdoi_sa_item it[3];
	struct gdoi_payload pl;
	const struct gdoi_payload *out;
	const struct gdoi_gsa *sa;

	memset(it, 0, sizeof(it));
	it[0].i_type = GDOI_PL_SAT;
	it[0].i_u.sat.t_proto_id = GDOI_TEK_PROTO_ESP;
	it[0].i_u.sat.t_ip_proto = 17;
	it[0].i_u.sat.t_src = sel(ID_IPV6_ADDR, 5000, v6a, 16);
	it[0].i_u.sat.t_dst = sel(ID_IPV6_ADDR_SUBNET, 5001, v6sub, 32);
	it[0].i_u.sat.t_transform = ESP_T_AES_GCM_16;
	it[0].i_u.sat.t_spi = 0xdeadbeefu;
	ta[0] = gdoi_attr_tv(IPSEC_ATTR_KEY_LENGTH, 128);
	ta[1] = gdoi_attr_tlv(IPSEC_ATTR_LIFE_DURATION, u32_86400, 4);
	it[0].i_u.sat.t_attrs.v = ta;
	it[0].i_u.sat.t_attrs.n = 2;
	it[1].i_type = GDOI_PL_SAK;
	it[1].i_u.sak.k_proto = 6;
	it[1].i_u.sak.k_src = sel(ID_FQDN, 1, fqdn, 2);
	it[1].i_u.sak.k_dst = sel(ID_IPV4_ADDR, 2, ip_mc, 4);
	memcpy(it[1].i_u.sak.k_spi, spi16, 16);
	it[1].i_u.sak.k_pop_alg = 0x0102;
	it[1].i_u.sak.k_pop_keylen = 0x0304;
	ka[0] = gdoi_attr_tv(KEK_ATTR_ALGORITHM, KEK_ALG_3DES);
	it[1].i_u.sak.k_attrs.v = ka;
	it[1].i_u.sak.k_attrs.n = 1;
	it[2].i_type = GDOI_PL_SAT;	/* Protocol-ID 3: body kept undecoded */
	it[2].i_u.sat.t_proto_id = GDOI_TEK_PROTO_IEC61850;
	it[2].i_u.sat.t_other = B(other, 6);
	memset(&pl, 0, sizeof(pl));
	pl.pl_type = ISAKMP_PL_SA;
	pl.pl_u.gsa.g_doi = GDOI_DOI_GDOI;
	pl.pl_u.gsa.g_situation = 0;
	pl.pl_u.gsa.g_items = it;
	pl.pl_u.gsa.g_nitems = 3;

	out = round_trip(GDOI_CTX_GDOI, &pl);
	/* SA Attribute Next Payload = first item; SAT -> SAK -> SAT -> 0 */
	ck_assert_uint_eq(gdoi_be16(out->pl_raw.ptr + 12), GDOI_PL_SAT);
	sa = &out->pl_u.gsa;
	ck_assert_uint_eq(sa->g_doi, 2);
	ck_assert_uint_eq(sa->g_nitems, 3);
	ck_assert_uint_eq(sa->g_items[0].i_type, GDOI_PL_SAT);
	ck_assert_uint_eq(sa->g_items[0].i_u.sat.t_proto_id, GDOI_TEK_PROTO_ESP);
	ck_assert_uint_eq(sa->g_items[0].i_u.sat.t_ip_proto, 17);
	sel_eq(&sa->g_items[0].i_u.sat.t_src, ID_IPV6_ADDR, 5000, v6a, 16);
	sel_eq(&sa->g_items[0].i_u.sat.t_dst, ID_IPV6_ADDR_SUBNET, 5001, v6sub, 32);
	ck_assert_uint_eq(sa->g_items[0].i_u.sat.t_transform, ESP_T_AES_GCM_16);
	ck_assert_uint_eq(sa->g_items[0].i_u.sat.t_spi, 0xdeadbeefu);
	ck_assert_uint_eq(sa->g_items[0].i_u.sat.t_attrs.n, 2);
	tv_eq(&sa->g_items[0].i_u.sat.t_attrs.v[0], IPSEC_ATTR_KEY_LENGTH, 128);
	tlv_eq(&sa->g_items[0].i_u.sat.t_attrs.v[1], IPSEC_ATTR_LIFE_DURATION, u32_86400, 4);
	ck_assert_uint_eq(sa->g_items[1].i_type, GDOI_PL_SAK);
	ck_assert_uint_eq(sa->g_items[1].i_u.sak.k_proto, 6);
	sel_eq(&sa->g_items[1].i_u.sak.k_src, ID_FQDN, 1, fqdn, 2);
	sel_eq(&sa->g_items[1].i_u.sak.k_dst, ID_IPV4_ADDR, 2, ip_mc, 4);
	ck_assert_mem_eq(sa->g_items[1].i_u.sak.k_spi, spi16, 16);
	ck_assert_uint_eq(sa->g_items[1].i_u.sak.k_pop_alg, 0x0102);
	ck_assert_uint_eq(sa->g_items[1].i_u.sak.k_pop_keylen, 0x0304);
	ck_assert_uint_eq(sa->g_items[1].i_u.sak.k_attrs.n, 1);
	tv_eq(&sa->g_items[1].i_u.sak.k_attrs.v[0], KEK_ATTR_ALGORITHM, KEK_ALG_3DES);
	ck_assert_uint_eq(sa->g_items[2].i_type, GDOI_PL_SAT);
	ck_assert_uint_eq(sa->g_items[2].i_u.sat.t_proto_id, 3);
	bytes_eq(&sa->g_items[2].i_u.sat.t_other, other, 6);
	ck_assert_uint_eq(sa->g_items[2].i_u.sat.t_attrs.n, 0);
}
END_TEST

/* A GDOI SA with one SA TEK of Protocol-ID 3 (RFC 8052), written here. */
static const uint8_t sa_sat_other[] = {
	0x00, 0x00, 0x00, 0x1b,   /* generic header, length 27 */
	0x00, 0x00, 0x00, 0x02,   /* DOI 2 */
	0x00, 0x00, 0x00, 0x00,   /* Situation 0 */
	0x00, 0x10, 0x00, 0x00,   /* SA Attribute Next Payload 16, RESERVED */
	0x00, 0x00, 0x00, 0x0b,   /* SA TEK, last, length 11 */
	0x03,                     /* Protocol-ID 3 GDOI_PROTO_IEC61850 */
	0x01, 0x02, 0x03, 0x04, 0x05, 0x06, /* opaque body */
};

START_TEST(sat_other_proto)
{
	static const uint8_t body[6] = { 1, 2, 3, 4, 5, 6 };
	const struct gdoi_payload *pl;
	const struct gdoi_sat *t;
	struct gdoi_sa_item it;
	struct gdoi_payload e;

	pl = dec_one(GDOI_CTX_GDOI, ISAKMP_PL_SA, sa_sat_other, sizeof(sa_sat_other));
	ck_assert_uint_eq(pl->pl_u.gsa.g_nitems, 1);
	ck_assert_uint_eq(pl->pl_u.gsa.g_items[0].i_type, GDOI_PL_SAT);
	t = &pl->pl_u.gsa.g_items[0].i_u.sat;
	ck_assert_uint_eq(t->t_proto_id, GDOI_TEK_PROTO_IEC61850);
	bytes_eq(&t->t_other, body, 6);
	ck_assert_uint_eq(t->t_attrs.n, 0);
	ck_assert_uint_eq(t->t_spi, 0);

	memset(&it, 0, sizeof(it));
	it.i_type = GDOI_PL_SAT;
	it.i_u.sat.t_proto_id = 3;
	it.i_u.sat.t_other = B(body, 6);
	memset(&e, 0, sizeof(e));
	e.pl_type = ISAKMP_PL_SA;
	e.pl_u.gsa.g_doi = 2;
	e.pl_u.gsa.g_items = &it;
	e.pl_u.gsa.g_nitems = 1;
	enc_eq(GDOI_CTX_GDOI, &e, 1, sa_sat_other, sizeof(sa_sat_other));
}
END_TEST

/* A GDOI SA with no item: SA Attribute Next Payload 0. */
START_TEST(gsa_empty_and_gap_top)
{
	static const uint8_t empty_sa[] = { 0x00, 0x00, 0x00, 0x10, 0, 0, 0, 2, 0, 0, 0, 0,
		0, 0, 0, 0 };
	static const uint8_t gap_top[] = { 0x00, 0x00, 0x00, 0x08, 0x80, 0x03, 0x00, 0x01 };
	const struct gdoi_payload *pl;
	struct gdoi_payload e;
	struct gdoi_attr a = gdoi_attr_tv(GAP_ATTR_SENDER_ID_REQUEST, 1);

	pl = dec_one(GDOI_CTX_GDOI, ISAKMP_PL_SA, empty_sa, sizeof(empty_sa));
	ck_assert_uint_eq(pl->pl_u.gsa.g_doi, 2);
	ck_assert_uint_eq(pl->pl_u.gsa.g_nitems, 0);
	memset(&e, 0, sizeof(e));
	e.pl_type = ISAKMP_PL_SA;
	e.pl_u.gsa.g_doi = 2;
	enc_eq(GDOI_CTX_GDOI, &e, 1, empty_sa, sizeof(empty_sa));

	/* GAP at top level (GROUPKEY-PULL message 3). */
	pl = dec_one(GDOI_CTX_GDOI, GDOI_PL_GAP, gap_top, sizeof(gap_top));
	ck_assert_uint_eq(pl->pl_u.gap.g_attrs.n, 1);
	tv_eq(&pl->pl_u.gap.g_attrs.v[0], GAP_ATTR_SENDER_ID_REQUEST, 1);
	memset(&e, 0, sizeof(e));
	e.pl_type = GDOI_PL_GAP;
	e.pl_u.gap.g_attrs.v = &a;
	e.pl_u.gap.g_attrs.n = 1;
	enc_eq(GDOI_CTX_GDOI, &e, 1, gap_top, sizeof(gap_top));
}
END_TEST

/* ------------------------------------------------------------------ */
/* Key Download and SEQ                                                */

static uint8_t key_tek_alg[32], key_tek_int[32], key_kek_alg[32];
static const uint8_t kek_sig_key[10] = { 0x30, 0x08, 0x02, 0x03, 0x01, 0x00, 0x01, 0x02,
	0x01, 0x03 };
static const uint8_t tek_spi[4] = { 0x11, 0x22, 0x33, 0x44 };
static const uint8_t sid_val[4] = { 0, 0, 0, 1 };
static struct gdoi_attr kd_a_tek[2], kd_a_kek[2], kd_a_sid[2];
static struct gdoi_keypkt kd_pkts[3];

static void
build_kd(struct gdoi_payload *pl)
{
	size_t i;

	for (i = 0; i < 32; i++) {
		key_tek_alg[i] = (uint8_t)(0x40 + i);
		key_tek_int[i] = (uint8_t)(0x60 + i);
		key_kek_alg[i] = (uint8_t)(0x80 + i);
	}
	memset(kd_pkts, 0, sizeof(kd_pkts));
	kd_a_tek[0] = gdoi_attr_tlv(TEK_KEY_ALGORITHM_KEY, key_tek_alg, 32);
	kd_a_tek[1] = gdoi_attr_tlv(TEK_KEY_INTEGRITY_KEY, key_tek_int, 32);
	kd_pkts[0].kp_type = KD_TYPE_TEK;
	kd_pkts[0].kp_spi = B(tek_spi, 4);
	kd_pkts[0].kp_attrs.v = kd_a_tek;
	kd_pkts[0].kp_attrs.n = 2;
	kd_a_kek[0] = gdoi_attr_tlv(KEK_KEY_ALGORITHM_KEY, key_kek_alg, 32);
	kd_a_kek[1] = gdoi_attr_tlv(KEK_KEY_SIG_ALGORITHM_KEY, kek_sig_key, 10);
	kd_pkts[1].kp_type = KD_TYPE_KEK;
	kd_pkts[1].kp_spi = B(kekspi, 16);
	kd_pkts[1].kp_attrs.v = kd_a_kek;
	kd_pkts[1].kp_attrs.n = 2;
	kd_a_sid[0] = gdoi_attr_tv(SID_ATTR_NUMBER_OF_SID_BITS, 8);
	kd_a_sid[1] = gdoi_attr_tlv(SID_ATTR_SID_VALUE, sid_val, 4);
	kd_pkts[2].kp_type = KD_TYPE_SID;
	kd_pkts[2].kp_spi = B(NULL, 0);
	kd_pkts[2].kp_attrs.v = kd_a_sid;
	kd_pkts[2].kp_attrs.n = 2;
	memset(pl, 0, sizeof(*pl));
	pl->pl_type = GDOI_PL_KD;
	pl->pl_u.kd.kd_pkts = kd_pkts;
	pl->pl_u.kd.kd_n = 3;
}

START_TEST(kd_decode_golden)
{
	const struct gdoi_payload *pl;
	const struct gdoi_keypkt *kp;
	struct gdoi_payload unused;

	build_kd(&unused);	/* fills the key arrays */
	pl = dec_one(GDOI_CTX_GDOI, GDOI_PL_KD, gv_pl_kd, gv_pl_kd_len);
	ck_assert_uint_eq(pl->pl_u.kd.kd_n, 3);
	kp = &pl->pl_u.kd.kd_pkts[0];
	ck_assert_uint_eq(kp->kp_type, KD_TYPE_TEK);
	bytes_eq(&kp->kp_spi, tek_spi, 4);
	ck_assert_uint_eq(kp->kp_attrs.n, 2);
	tlv_eq(&kp->kp_attrs.v[0], TEK_KEY_ALGORITHM_KEY, key_tek_alg, 32);
	tlv_eq(&kp->kp_attrs.v[1], TEK_KEY_INTEGRITY_KEY, key_tek_int, 32);
	kp = &pl->pl_u.kd.kd_pkts[1];
	ck_assert_uint_eq(kp->kp_type, KD_TYPE_KEK);
	bytes_eq(&kp->kp_spi, kekspi, 16);
	ck_assert_uint_eq(kp->kp_attrs.n, 2);
	tlv_eq(&kp->kp_attrs.v[0], KEK_KEY_ALGORITHM_KEY, key_kek_alg, 32);
	tlv_eq(&kp->kp_attrs.v[1], KEK_KEY_SIG_ALGORITHM_KEY, kek_sig_key, 10);
	kp = &pl->pl_u.kd.kd_pkts[2];
	ck_assert_uint_eq(kp->kp_type, KD_TYPE_SID);
	ck_assert_uint_eq(kp->kp_spi.len, 0);
	ck_assert_uint_eq(kp->kp_attrs.n, 2);
	tv_eq(&kp->kp_attrs.v[0], SID_ATTR_NUMBER_OF_SID_BITS, 8);
	tlv_eq(&kp->kp_attrs.v[1], SID_ATTR_SID_VALUE, sid_val, 4);
}
END_TEST

START_TEST(kd_encode_golden)
{
	struct gdoi_payload pl;
	const struct gdoi_payload *dec;
	struct gdoi_wr w;
	const uint8_t *o;

	build_kd(&pl);
	enc_eq(GDOI_CTX_GDOI, &pl, 1, gv_pl_kd, gv_pl_kd_len);

	/* KD Length counts the whole key packet, its 4-octet header included. */
	gdoi_wr_init(&w, 0);
	gdoi_chain_encode(&w, GDOI_CTX_GDOI, &pl, 1, NULL);
	ck_assert_int_eq(gdoi_wr_error(&w), GDOI_OK);
	o = gdoi_wr_data(&w);
	ck_assert_uint_eq(gdoi_be16(o + 4), 3);	/* Number of Key Packets */
	ck_assert_uint_eq(o[8], KD_TYPE_TEK);
	ck_assert_uint_eq(gdoi_be16(o + 10), 81);
	ck_assert_uint_eq(o[12], 4);	/* SPI Size */
	ck_assert_uint_eq(o[8 + 81], KD_TYPE_KEK);
	ck_assert_uint_eq(gdoi_be16(o + 8 + 81 + 2), 71);
	ck_assert_uint_eq(o[8 + 81 + 4], 16);
	ck_assert_uint_eq(o[8 + 81 + 71], KD_TYPE_SID);
	ck_assert_uint_eq(gdoi_be16(o + 8 + 81 + 71 + 2), 17);
	ck_assert_uint_eq(8 + 81 + 71 + 17, gdoi_wr_len(&w));
	gdoi_wr_free(&w);

	dec = dec_one(GDOI_CTX_GDOI, GDOI_PL_KD, gv_pl_kd, gv_pl_kd_len);
	enc_eq(GDOI_CTX_GDOI, dec, 1, gv_pl_kd, gv_pl_kd_len);
}
END_TEST

START_TEST(kd_round_trip)
{
	static const uint8_t lkh_spi[2] = { 0xab, 0xcd };
	static const uint8_t k7[7] = { 7, 6, 5, 4, 3, 2, 1 };
	static const uint8_t spi[4] = { 0xca, 0xfe, 0xba, 0xbe };
	struct gdoi_attr a[2];
	struct gdoi_keypkt kp[2];
	struct gdoi_payload pl;
	const struct gdoi_payload *out;

	memset(kp, 0, sizeof(kp));
	kp[0].kp_type = KD_TYPE_LKH;
	kp[0].kp_spi = B(lkh_spi, 2);	/* LKH: any SPI size */
	a[0] = gdoi_attr_tlv(LKH_ATTR_DOWNLOAD_ARRAY, k7, 7);
	kp[0].kp_attrs.v = a;
	kp[0].kp_attrs.n = 1;
	kp[1].kp_type = KD_TYPE_TEK;
	kp[1].kp_spi = B(spi, 4);	/* a TEK packet with no attributes */
	memset(&pl, 0, sizeof(pl));
	pl.pl_type = GDOI_PL_KD;
	pl.pl_u.kd.kd_pkts = kp;
	pl.pl_u.kd.kd_n = 2;
	out = round_trip(GDOI_CTX_GDOI, &pl);
	ck_assert_uint_eq(out->pl_raw.len, 4 + 4 + (5 + 2 + 11) + (5 + 4));
	ck_assert_uint_eq(out->pl_u.kd.kd_n, 2);
	ck_assert_uint_eq(out->pl_u.kd.kd_pkts[0].kp_type, KD_TYPE_LKH);
	bytes_eq(&out->pl_u.kd.kd_pkts[0].kp_spi, lkh_spi, 2);
	ck_assert_uint_eq(out->pl_u.kd.kd_pkts[0].kp_attrs.n, 1);
	tlv_eq(&out->pl_u.kd.kd_pkts[0].kp_attrs.v[0], LKH_ATTR_DOWNLOAD_ARRAY, k7, 7);
	ck_assert_uint_eq(out->pl_u.kd.kd_pkts[1].kp_type, KD_TYPE_TEK);
	bytes_eq(&out->pl_u.kd.kd_pkts[1].kp_spi, spi, 4);
	ck_assert_uint_eq(out->pl_u.kd.kd_pkts[1].kp_attrs.n, 0);

	/* No key packet at all. */
	pl.pl_u.kd.kd_n = 0;
	pl.pl_u.kd.kd_pkts = NULL;
	out = round_trip(GDOI_CTX_GDOI, &pl);
	ck_assert_uint_eq(out->pl_raw.len, 8);
	ck_assert_uint_eq(out->pl_u.kd.kd_n, 0);
}
END_TEST

START_TEST(seq_golden)
{
	const struct gdoi_payload *pl;
	struct gdoi_payload e;

	pl = dec_one(GDOI_CTX_GDOI, GDOI_PL_SEQ, gv_pl_seq, gv_pl_seq_len);
	ck_assert_uint_eq(pl->pl_u.seq, 5);
	memset(&e, 0, sizeof(e));
	e.pl_type = GDOI_PL_SEQ;
	e.pl_u.seq = 5;
	enc_eq(GDOI_CTX_GDOI, &e, 1, gv_pl_seq, gv_pl_seq_len);
	e.pl_u.seq = 0xfffffffeu;
	pl = round_trip(GDOI_CTX_GDOI, &e);
	ck_assert_uint_eq(pl->pl_raw.len, 8);
	ck_assert_uint_eq(pl->pl_u.seq, 0xfffffffeu);
}
END_TEST

/* An unknown payload type is kept raw; so is NAT-D. */
START_TEST(unknown_type_raw)
{
	static const uint8_t vec[] = {
		0x14, 0x00, 0x00, 0x07, 0xaa, 0xbb, 0xcc,   /* type 200, next NAT-D */
		0x00, 0x00, 0x00, 0x06, 0x01, 0x02,         /* NAT-D, last */
	};
	struct gdoi_payload *pl = NULL, e[2];
	struct gdoi_diag d;
	size_t n = 0, consumed = 0;

	ck_assert_int_eq(chain_dec(GDOI_CTX_GDOI, 200, vec, sizeof(vec), 0, &pl, &n, &consumed,
	    &d), GDOI_OK);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(consumed, sizeof(vec));
	ck_assert_uint_eq(pl[0].pl_type, 200);
	ck_assert_uint_eq(pl[0].pl_off, 0);
	bytes_eq(&pl[0].pl_u.data, vec + 4, 3);
	bytes_eq(&pl[0].pl_raw, vec, 7);
	ck_assert_uint_eq(pl[1].pl_type, ISAKMP_PL_NAT_D);
	ck_assert_uint_eq(pl[1].pl_off, 7);
	bytes_eq(&pl[1].pl_u.data, vec + 11, 2);

	memset(e, 0, sizeof(e));
	e[0].pl_type = 200;
	e[0].pl_u.data = B(vec + 4, 3);
	e[1].pl_type = ISAKMP_PL_NAT_D;
	e[1].pl_u.data = B(vec + 11, 2);
	enc_eq(GDOI_CTX_GDOI, e, 2, vec, sizeof(vec));
}
END_TEST

/* A chain of several payloads: next payloads and offsets. */
START_TEST(chain_multi)
{
	uint8_t buf[256];
	struct gdoi_payload *pl = NULL, e[3];
	struct gdoi_diag d;
	size_t n = 0, consumed = 0, len;

	len = 0;
	memcpy(buf, gv_pl_hash, gv_pl_hash_len);
	buf[0] = GDOI_PL_SEQ;
	len += gv_pl_hash_len;
	memcpy(buf + len, gv_pl_seq, gv_pl_seq_len);
	buf[len] = GDOI_PL_KD;
	len += gv_pl_seq_len;
	memcpy(buf + len, gv_pl_kd, gv_pl_kd_len);
	len += gv_pl_kd_len;
	ck_assert_int_eq(chain_dec(GDOI_CTX_GDOI, ISAKMP_PL_HASH, buf, len, 0, &pl, &n,
	    &consumed, &d), GDOI_OK);
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(pl[0].pl_type, ISAKMP_PL_HASH);
	ck_assert_uint_eq(pl[1].pl_type, GDOI_PL_SEQ);
	ck_assert_uint_eq(pl[1].pl_off, gv_pl_hash_len);
	ck_assert_uint_eq(pl[1].pl_u.seq, 5);
	ck_assert_uint_eq(pl[2].pl_type, GDOI_PL_KD);
	ck_assert_uint_eq(pl[2].pl_off, gv_pl_hash_len + gv_pl_seq_len);
	ck_assert_uint_eq(pl[2].pl_u.kd.kd_n, 3);
	memcpy(e, pl, sizeof(e));
	enc_eq(GDOI_CTX_GDOI, e, 3, buf, len);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Decoder refusals                                                    */

START_TEST(err_payload_length_short)
{
	static const uint8_t v3[] = { 0x00, 0x00, 0x00, 0x03, 0x00, 0x00 };
	static const uint8_t v0[] = { 0x00, 0x00, 0x00, 0x00 };
	uint8_t two[12 + 3];
	struct gdoi_diag d;

	dec_fail(GDOI_CTX_PHASE1, ISAKMP_PL_KE, v3, sizeof(v3), GDOI_E_LENGTH, &d);
	ck_assert_uint_eq(d.off, 0);
	ck_assert_uint_eq(d.pl_type, ISAKMP_PL_KE);
	dec_fail(GDOI_CTX_GDOI, GDOI_PL_SEQ, v0, sizeof(v0), GDOI_E_LENGTH, &d);
	ck_assert_uint_eq(d.off, 0);

	/* Second payload of a chain: the offset points at it. */
	memcpy(two, gv_pl_id_keyid, 12);
	two[0] = ISAKMP_PL_NONCE;
	memcpy(two + 12, v3, 3);
	two[12 + 3 - 1] = 0x02;
	dec_fail(GDOI_CTX_GDOI, ISAKMP_PL_ID, two, sizeof(two), GDOI_E_TRUNC, &d);
	ck_assert_uint_eq(d.off, 12);	/* 3 octets: not even a header */
}
END_TEST

START_TEST(err_payload_length_past_end)
{
	static const uint8_t v[] = { 0x00, 0x00, 0x00, 0x10, 0xaa, 0xbb, 0xcc, 0xdd };
	uint8_t cut[64];
	struct gdoi_diag d;

	dec_fail(GDOI_CTX_PHASE1, ISAKMP_PL_NONCE, v, sizeof(v), GDOI_E_TRUNC, &d);
	ck_assert_uint_eq(d.off, 0);
	ck_assert_uint_eq(d.pl_type, ISAKMP_PL_NONCE);
	/* The golden SEQ, one octet short. */
	memcpy(cut, gv_pl_seq, gv_pl_seq_len);
	dec_fail(GDOI_CTX_GDOI, GDOI_PL_SEQ, cut, gv_pl_seq_len - 1, GDOI_E_TRUNC, &d);
	ck_assert_uint_eq(d.pl_type, GDOI_PL_SEQ);
	/* A header cut to 2 octets. */
	dec_fail(GDOI_CTX_GDOI, GDOI_PL_SEQ, cut, 2, GDOI_E_TRUNC, &d);
	ck_assert_uint_eq(d.off, 0);
}
END_TEST

START_TEST(err_seq_length)
{
	static const uint8_t s3[] = { 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x05 };
	static const uint8_t s5[] = { 0x00, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00, 0x05, 0x00 };
	struct gdoi_diag d;

	dec_fail(GDOI_CTX_GDOI, GDOI_PL_SEQ, s3, sizeof(s3), GDOI_E_LENGTH, &d);
	ck_assert_uint_eq(d.pl_type, GDOI_PL_SEQ);
	ck_assert_uint_ge(d.off, 4);
	dec_fail(GDOI_CTX_GDOI, GDOI_PL_SEQ, s5, sizeof(s5), GDOI_E_LENGTH, &d);
	ck_assert_uint_eq(d.pl_type, GDOI_PL_SEQ);
}
END_TEST

/* gv_pl_kd with one octet changed. */
static const uint8_t *
kd_patched(size_t off, uint8_t v)
{
	static uint8_t buf[0xb1];

	ck_assert_uint_eq(gv_pl_kd_len, sizeof(buf));
	memcpy(buf, gv_pl_kd, sizeof(buf));
	buf[off] = v;
	return buf;
}

START_TEST(err_kd_count)
{
	struct gdoi_diag d;

	/* 4 announced, 3 present. */
	dec_fail(GDOI_CTX_GDOI, GDOI_PL_KD, kd_patched(5, 4), gv_pl_kd_len, GDOI_E_COUNT, &d);
	ck_assert_uint_eq(d.pl_type, GDOI_PL_KD);
	ck_assert_uint_eq(d.off, gv_pl_kd_len);
	/* 2 announced, 3 present: the third is left over. */
	dec_fail(GDOI_CTX_GDOI, GDOI_PL_KD, kd_patched(5, 2), gv_pl_kd_len, GDOI_E_COUNT, &d);
	ck_assert_uint_eq(d.pl_type, GDOI_PL_KD);
	ck_assert_uint_eq(d.off, 8 + 81 + 71);
	/* 60 announced: cannot fit in 169 octets. */
	dec_fail(GDOI_CTX_GDOI, GDOI_PL_KD, kd_patched(5, 60), gv_pl_kd_len, GDOI_E_COUNT, &d);
	/* 0 announced with key packets present. */
	dec_fail(GDOI_CTX_GDOI, GDOI_PL_KD, kd_patched(5, 0), gv_pl_kd_len, GDOI_E_COUNT, &d);
}
END_TEST

START_TEST(err_kd_length)
{
	struct gdoi_diag d;

	/* TEK key packet with KD Length 4 (header only, no SPI Size octet). */
	dec_fail(GDOI_CTX_GDOI, GDOI_PL_KD, kd_patched(11, 4), gv_pl_kd_len, GDOI_E_LENGTH, &d);
	ck_assert_uint_eq(d.pl_type, GDOI_PL_KD);
	ck_assert_uint_ge(d.off, 8);
	ck_assert_uint_le(d.off, 12);
	dec_fail(GDOI_CTX_GDOI, GDOI_PL_KD, kd_patched(11, 0), gv_pl_kd_len, GDOI_E_LENGTH, &d);
	/* SID key packet (the last) with KD Length 18: one past the KD. */
	dec_fail(GDOI_CTX_GDOI, GDOI_PL_KD, kd_patched(8 + 81 + 71 + 3, 18), gv_pl_kd_len,
	    GDOI_E_TRUNC, &d);
	ck_assert_uint_eq(d.pl_type, GDOI_PL_KD);
	ck_assert_uint_ge(d.off, 8 + 81 + 71);
	/* TEK KD Length 0xff: far past. */
	dec_fail(GDOI_CTX_GDOI, GDOI_PL_KD, kd_patched(11, 0xff), gv_pl_kd_len, GDOI_E_TRUNC, &d);
}
END_TEST

START_TEST(err_kd_spi_size)
{
	/* One TEK key packet carrying a 16-octet SPI. */
	static const uint8_t tek16[] = {
		0x00, 0x00, 0x00, 0x1d,   /* KD, length 29 */
		0x00, 0x01, 0x00, 0x00,   /* 1 key packet */
		0x01, 0x00, 0x00, 0x15,   /* TEK, KD Length 21 */
		0x10,                     /* SPI Size 16 */
		0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8,
		0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8,
	};
	/* One KEK key packet carrying a 4-octet SPI. */
	static const uint8_t kek4[] = {
		0x00, 0x00, 0x00, 0x11,   /* KD, length 17 */
		0x00, 0x01, 0x00, 0x00,
		0x02, 0x00, 0x00, 0x09,   /* KEK, KD Length 9 */
		0x04, 0x11, 0x22, 0x33, 0x44,
	};
	struct gdoi_diag d;
	struct gdoi_payload *pl;
	size_t n, consumed;
	uint8_t ok[sizeof(tek16)];

	dec_fail(GDOI_CTX_GDOI, GDOI_PL_KD, tek16, sizeof(tek16), GDOI_E_SPI_SIZE, &d);
	ck_assert_uint_eq(d.pl_type, GDOI_PL_KD);
	ck_assert_uint_ge(d.off, 12);
	dec_fail(GDOI_CTX_GDOI, GDOI_PL_KD, kek4, sizeof(kek4), GDOI_E_SPI_SIZE, &d);
	/* The same 16-octet SPI is fine in a KEK packet. */
	memcpy(ok, tek16, sizeof(ok));
	ok[8] = KD_TYPE_KEK;
	ck_assert_int_eq(chain_dec(GDOI_CTX_GDOI, GDOI_PL_KD, ok, sizeof(ok), 0, &pl, &n,
	    &consumed, &d), GDOI_OK);
	ck_assert_uint_eq(pl[0].pl_u.kd.kd_pkts[0].kp_type, KD_TYPE_KEK);
	bytes_eq(&pl[0].pl_u.kd.kd_pkts[0].kp_spi, kekspi, 16);
}
END_TEST

START_TEST(err_p1_transform_count)
{
	uint8_t sa[0x5e];
	struct gdoi_diag d;

	ck_assert_uint_eq(gv_pl_sa_p1_len, sizeof(sa));
	memcpy(sa, gv_pl_sa_p1, sizeof(sa));
	sa[19] = 3;	/* # of Transforms 3, two present */
	dec_fail(GDOI_CTX_PHASE1, ISAKMP_PL_SA, sa, sizeof(sa), GDOI_E_COUNT, &d);
	ck_assert_uint_eq(d.pl_type, ISAKMP_PL_P);
	ck_assert_uint_ge(d.off, 16);
	sa[19] = 1;	/* 1 announced, two present */
	dec_fail(GDOI_CTX_PHASE1, ISAKMP_PL_SA, sa, sizeof(sa), GDOI_E_COUNT, &d);
	ck_assert_uint_eq(d.pl_type, ISAKMP_PL_P);
	sa[19] = 0;
	dec_fail(GDOI_CTX_PHASE1, ISAKMP_PL_SA, sa, sizeof(sa), GDOI_E_COUNT, &d);
}
END_TEST

/* A DOI 2 SA in Main Mode is read with the Phase 1 layout (RFC 6407 2.1). */
START_TEST(sa_doi2_in_main_mode)
{
	const uint8_t *in = dup_input(gv_msg_mm1_doi2, gv_msg_mm1_doi2_len);
	struct gdoi_diag d = { 0 };
	struct gdoi_msg *m = NULL;
	const struct gdoi_payload *sa;

	ck_assert_int_eq(gdoi_ctx_for_exchange(ISAKMP_EX_MAIN), GDOI_CTX_PHASE1);
	ck_assert_int_eq(gdoi_msg_decode(in, gv_msg_mm1_doi2_len, &m, &d), GDOI_OK);
	ck_assert_ptr_nonnull(m);
	ck_assert_uint_eq(m->m_hdr.h_exchange, ISAKMP_EX_MAIN);
	ck_assert_uint_eq(m->m_npl, 2);
	sa = gdoi_msg_find(m, ISAKMP_PL_SA, 0);
	ck_assert_ptr_nonnull(sa);
	ck_assert_uint_eq(sa->pl_off, 28);
	check_p1sa_golden(&sa->pl_u.p1sa, GDOI_DOI_GDOI);
	ck_assert_uint_eq(m->m_pl[1].pl_type, ISAKMP_PL_VID);
	bytes_eq(&m->m_pl[1].pl_u.data, "gdoi-test-vendor", 16);
	gdoi_msg_free(m);
}
END_TEST

/* A GDOI SA with DOI 1 in GROUPKEY-PULL is refused. */
START_TEST(err_gsa_doi1_in_pull)
{
	uint8_t msg[0x11b];
	struct gdoi_diag d;
	struct gdoi_msg *m = (struct gdoi_msg *)1;
	const uint8_t *in;

	ck_assert_uint_eq(gv_msg_pull2_len, sizeof(msg));
	memcpy(msg, gv_msg_pull2, sizeof(msg));
	ck_assert_uint_eq(msg[72], 0);	/* SA: next payload 0 */
	ck_assert_uint_eq(msg[79], 2);	/* SA DOI */
	msg[79] = 1;
	in = dup_input(msg, sizeof(msg));
	memset(&d, 0, sizeof(d));
	ck_assert_int_eq(gdoi_msg_decode(in, sizeof(msg), &m, &d), GDOI_E_DOI);
	ck_assert_ptr_null(m);
	ck_assert_int_eq(d.err, GDOI_E_DOI);
	ck_assert_uint_eq(d.pl_type, ISAKMP_PL_SA);
	ck_assert_msg(d.detail[0] != '\0', "diag detail empty");
	ck_assert_uint_ge(d.off, 76);
	ck_assert_uint_le(d.off, 88);

	/* The same bytes as a single payload in the GDOI context. */
	dec_fail(GDOI_CTX_GDOI, ISAKMP_PL_SA, msg + 72, 211, GDOI_E_DOI, &d);
}
END_TEST

/* Nested-only types at top level. */
START_TEST(err_nested_only_top)
{
	static const uint8_t t[] = { GDOI_PL_SAT, ISAKMP_PL_P, ISAKMP_PL_T, GDOI_PL_SAK };
	uint8_t buf[8 + 69];
	struct gdoi_diag d;
	size_t i;

	/* The body of the golden SA TEK (ESP), as if it stood alone. */
	memcpy(buf, gv_pl_sa_gdoi + 85, 69);
	buf[0] = 0;
	for (i = 0; i < sizeof(t); i++) {
		dec_fail(GDOI_CTX_GDOI, t[i], buf, 69, GDOI_E_PAYLOAD, &d);
		ck_assert_uint_eq(d.pl_type, t[i]);
		ck_assert_uint_eq(d.off, 0);
		dec_fail(GDOI_CTX_PHASE1, t[i], buf, 69, GDOI_E_PAYLOAD, &d);
	}
	/* Second in a chain: SEQ then SA TEK. */
	memcpy(buf, gv_pl_seq, 8);
	buf[0] = GDOI_PL_SAT;
	memcpy(buf + 8, gv_pl_sa_gdoi + 85, 69);
	buf[8] = 0;
	dec_fail(GDOI_CTX_GDOI, GDOI_PL_SEQ, buf, 8 + 69, GDOI_E_PAYLOAD, &d);
	ck_assert_uint_eq(d.off, 8);
	ck_assert_uint_eq(d.pl_type, GDOI_PL_SAT);
}
END_TEST

/* A Notify inside a GDOI SA. */
START_TEST(err_notify_in_gsa)
{
	uint8_t sa[0xd3];
	struct gdoi_diag d;

	memcpy(sa, gv_pl_sa_gdoi, sizeof(sa));
	sa[16] = ISAKMP_PL_N;	/* SA KEK followed by "Notify" */
	dec_fail(GDOI_CTX_GDOI, ISAKMP_PL_SA, sa, sizeof(sa), GDOI_E_PAYLOAD, &d);
	ck_assert_uint_eq(d.off, 16 + 69);
	ck_assert_uint_eq(d.pl_type, ISAKMP_PL_N);

	memcpy(sa, gv_pl_sa_gdoi, sizeof(sa));
	sa[13] = ISAKMP_PL_N;	/* SA Attribute Next Payload: Notify */
	dec_fail(GDOI_CTX_GDOI, ISAKMP_PL_SA, sa, sizeof(sa), GDOI_E_PAYLOAD, &d);
	ck_assert_uint_eq(d.pl_type, ISAKMP_PL_SA);
	sa[12] = 0x01;	/* 0x010f: more than one octet */
	sa[13] = GDOI_PL_SAK;
	dec_fail(GDOI_CTX_GDOI, ISAKMP_PL_SA, sa, sizeof(sa), GDOI_E_PAYLOAD, &d);
}
END_TEST

START_TEST(err_trailing)
{
	uint8_t buf[8 + 3];
	struct gdoi_payload *pl = NULL;
	struct gdoi_diag d;
	size_t n = 0, consumed = 0;

	memcpy(buf, gv_pl_seq, 8);
	buf[8] = 0x01;
	buf[9] = 0x02;
	buf[10] = 0x03;
	dec_fail(GDOI_CTX_GDOI, GDOI_PL_SEQ, buf, sizeof(buf), GDOI_E_TRAILING, &d);
	ck_assert_uint_eq(d.off, 8);

	/* Allowed (CBC padding after a decrypted chain): consumed says where it ended. */
	ck_assert_int_eq(chain_dec(GDOI_CTX_GDOI, GDOI_PL_SEQ, buf, sizeof(buf), 1, &pl, &n,
	    &consumed, &d), GDOI_OK);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(consumed, 8);
	ck_assert_uint_eq(pl[0].pl_u.seq, 5);
	ck_assert_int_eq(d.err, 0);

	/* KE and NONCE followed by 7 octets of padding. */
	{
		uint8_t m[0x44 - 28 + 7];
		size_t body = 0x44 - 28;

		memcpy(m, gv_msg_mm3 + 28, body);
		memset(m + body, 0x07, 7);
		ck_assert_int_eq(chain_dec(GDOI_CTX_PHASE1, ISAKMP_PL_KE, m, sizeof(m), 1, &pl, &n,
		    &consumed, &d), GDOI_OK);
		ck_assert_uint_eq(n, 2);
		ck_assert_uint_eq(consumed, body);
	}
}
END_TEST

/* ------------------------------------------------------------------ */
/* Whole messages: decoding                                            */

/* Decode a datagram (heap copy); *d zeroed first. */
static int
msg_dec(const uint8_t *buf, size_t len, struct gdoi_msg **m, struct gdoi_diag *d)
{
	const uint8_t *in = dup_input(buf, len);

	memset(d, 0, sizeof(*d));
	*m = (struct gdoi_msg *)1;
	return gdoi_msg_decode(in, len, m, d);
}

static void
msg_fail(const uint8_t *buf, size_t len, int want, struct gdoi_diag *d)
{
	struct gdoi_msg *m;
	int err = msg_dec(buf, len, &m, d);

	ck_assert_msg(err == want, "want %s, got %s (%s)", gdoi_errname(want),
	    gdoi_errname(err), d->detail);
	ck_assert_ptr_null(m);
	ck_assert_int_eq(d->err, want);
	ck_assert_msg(d->detail[0] != '\0', "diag detail empty");
	ck_assert_uint_le(d->off, len);
}

START_TEST(msg_encrypted)
{
	struct gdoi_msg *m;
	struct gdoi_diag d;
	size_t i;

	ck_assert_int_eq(msg_dec(gv_msg_encrypted, gv_msg_encrypted_len, &m, &d), GDOI_OK);
	ck_assert_ptr_nonnull(m);
	ck_assert_uint_eq(m->m_hdr.h_flags, ISAKMP_FLAG_E);
	ck_assert_uint_eq(m->m_hdr.h_np, ISAKMP_PL_HASH);
	ck_assert_uint_eq(m->m_hdr.h_exchange, GDOI_EX_PULL);
	ck_assert_uint_eq(m->m_hdr.h_msgid, 0x5e6f7081u);
	ck_assert_uint_eq(m->m_hdr.h_length, 60);
	ck_assert_uint_eq(m->m_npl, 0);
	ck_assert_ptr_null(gdoi_msg_find(m, ISAKMP_PL_HASH, 0));
	ck_assert_uint_eq(m->m_body.len, 32);
	ck_assert_ptr_eq(m->m_body.ptr, m->m_raw.ptr + 28);
	for (i = 0; i < 32; i++)
		ck_assert_uint_eq(m->m_body.ptr[i], 0xe0 + i);
	ck_assert_uint_eq(m->m_raw.len, 60);
	ck_assert_uint_eq(m->m_trailing, 0);
	gdoi_msg_free(m);
}
END_TEST

START_TEST(err_hdr_length)
{
	uint8_t msg[0x44];
	struct gdoi_diag d;

	memcpy(msg, gv_msg_mm3, sizeof(msg));
	msg[27] = 27;	/* h_length < 28 */
	msg_fail(msg, sizeof(msg), GDOI_E_LENGTH, &d);
	ck_assert_uint_eq(d.pl_type, 0);
	msg[27] = 0;
	msg_fail(msg, sizeof(msg), GDOI_E_LENGTH, &d);
	msg[27] = 0x45;	/* one more than the datagram */
	msg_fail(msg, sizeof(msg), GDOI_E_TRUNC, &d);
	ck_assert_uint_eq(d.pl_type, 0);
	msg[24] = 0x80;	/* 2 GB */
	msg_fail(msg, sizeof(msg), GDOI_E_TRUNC, &d);
	/* Shorter than a header. */
	msg_fail(gv_msg_mm3, 27, GDOI_E_TRUNC, &d);
	msg_fail(gv_msg_mm3, 0, GDOI_E_TRUNC, &d);
	/* h_length says 60: the NONCE (20) runs past the 12 octets left for it. */
	memcpy(msg, gv_msg_mm3, sizeof(msg));
	msg[27] = 60;
	msg_fail(msg, sizeof(msg), GDOI_E_TRUNC, &d);
	ck_assert_uint_eq(d.pl_type, ISAKMP_PL_NONCE);
	ck_assert_uint_eq(d.off, 48);
}
END_TEST

START_TEST(err_hdr_version)
{
	uint8_t msg[0x44];
	struct gdoi_diag d;

	memcpy(msg, gv_msg_mm3, sizeof(msg));
	msg[17] = 0x20;
	msg_fail(msg, sizeof(msg), GDOI_E_VERSION, &d);
	ck_assert_uint_eq(d.off, 0);
	msg[17] = 0x00;
	msg_fail(msg, sizeof(msg), GDOI_E_VERSION, &d);
	msg[17] = 0x1a;	/* minor version is not checked */
	{
		struct gdoi_msg *m;

		ck_assert_int_eq(msg_dec(msg, sizeof(msg), &m, &d), GDOI_OK);
		ck_assert_uint_eq(m->m_hdr.h_version, 0x1a);
		gdoi_msg_free(m);
	}
}
END_TEST

START_TEST(msg_trailing_datagram)
{
	uint8_t msg[0x44 + 5];
	struct gdoi_msg *m;
	struct gdoi_diag d;

	memcpy(msg, gv_msg_mm3, 0x44);
	memset(msg + 0x44, 0xff, 5);
	ck_assert_int_eq(msg_dec(msg, sizeof(msg), &m, &d), GDOI_OK);
	ck_assert_uint_eq(m->m_trailing, 5);
	ck_assert_uint_eq(m->m_raw.len, sizeof(msg));
	ck_assert_uint_eq(m->m_body.len, 0x44 - 28);
	ck_assert_uint_eq(m->m_npl, 2);
	ck_assert_uint_eq(m->m_pl[0].pl_type, ISAKMP_PL_KE);
	ck_assert_uint_eq(m->m_pl[0].pl_off, 28);
	ck_assert_uint_eq(m->m_pl[1].pl_type, ISAKMP_PL_NONCE);
	ck_assert_uint_eq(m->m_pl[1].pl_off, 48);
	gdoi_msg_free(m);

	/* Without extra octets m_trailing is 0. */
	ck_assert_int_eq(msg_dec(gv_msg_mm3, gv_msg_mm3_len, &m, &d), GDOI_OK);
	ck_assert_uint_eq(m->m_trailing, 0);
	gdoi_msg_free(m);
}
END_TEST

/* Every golden message decodes, with the payload count expected. */
START_TEST(msg_golden_all)
{
	static const size_t npl[] = { 2, 2, 2, 5, 3, 3, 3, 4, 3, 3, 0 };
	const struct gv_vec *v = &gv_messages[_i];
	struct gdoi_msg *m;
	struct gdoi_diag d;
	int err;

	ck_assert_uint_eq(gv_nmessages, sizeof(npl) / sizeof(npl[0]));
	err = msg_dec(v->v_data, v->v_len, &m, &d);
	ck_assert_msg(err == GDOI_OK, "%s: %s at %zu: %s", v->v_name, gdoi_errname(err), d.off,
	    d.detail);
	ck_assert_uint_eq(m->m_npl, npl[_i]);
	ck_assert_uint_eq(m->m_hdr.h_length, v->v_len);
	ck_assert_uint_eq(m->m_trailing, 0);
	if (m->m_npl)
		ck_assert_uint_eq(m->m_pl[0].pl_type, m->m_hdr.h_np);
	gdoi_msg_free(m);
}
END_TEST

START_TEST(msg_push_fields)
{
	struct gdoi_msg *m;
	struct gdoi_diag d;
	const struct gdoi_payload *p;

	ck_assert_int_eq(msg_dec(gv_msg_push, gv_msg_push_len, &m, &d), GDOI_OK);
	ck_assert_mem_eq(m->m_hdr.h_icookie, kekspi, 8);
	ck_assert_mem_eq(m->m_hdr.h_rcookie, kekspi + 8, 8);
	ck_assert_uint_eq(m->m_hdr.h_exchange, GDOI_EX_PUSH);
	ck_assert_uint_eq(m->m_npl, 4);
	p = gdoi_msg_find(m, GDOI_PL_SEQ, 0);
	ck_assert_ptr_eq(p, &m->m_pl[0]);
	ck_assert_uint_eq(p->pl_u.seq, 5);
	p = gdoi_msg_find(m, ISAKMP_PL_SA, 0);
	ck_assert_ptr_eq(p, &m->m_pl[1]);
	ck_assert_uint_eq(p->pl_off, 36);
	check_gsa_golden(&p->pl_u.gsa);
	p = gdoi_msg_find(m, GDOI_PL_KD, 0);
	ck_assert_ptr_eq(p, &m->m_pl[2]);
	ck_assert_uint_eq(p->pl_off, 36 + 211);
	ck_assert_uint_eq(p->pl_u.kd.kd_n, 3);
	p = gdoi_msg_find(m, ISAKMP_PL_SIG, 0);
	ck_assert_ptr_eq(p, &m->m_pl[3]);
	ck_assert_uint_eq(p->pl_u.data.len, 16);
	gdoi_msg_free(m);
}
END_TEST

START_TEST(msg_find)
{
	struct gdoi_msg *m;
	struct gdoi_diag d;
	const struct gdoi_payload *p;

	ck_assert_int_eq(msg_dec(gv_msg_info2, gv_msg_info2_len, &m, &d), GDOI_OK);
	ck_assert_uint_eq(m->m_npl, 3);
	p = gdoi_msg_find(m, ISAKMP_PL_N, 0);
	ck_assert_ptr_eq(p, &m->m_pl[0]);
	ck_assert_uint_eq(p->pl_u.n.n_type, N_INITIAL_CONTACT);
	p = gdoi_msg_find(m, ISAKMP_PL_N, 1);
	ck_assert_ptr_eq(p, &m->m_pl[1]);
	ck_assert_uint_eq(p->pl_u.n.n_type, N_NO_PROPOSAL_CHOSEN);
	ck_assert_uint_eq(p->pl_off, 28 + 28);
	ck_assert_ptr_null(gdoi_msg_find(m, ISAKMP_PL_N, 2));
	p = gdoi_msg_find(m, ISAKMP_PL_D, 0);
	ck_assert_ptr_eq(p, &m->m_pl[2]);
	ck_assert_uint_eq(p->pl_u.d.d_nspi, 2);
	ck_assert_ptr_null(gdoi_msg_find(m, ISAKMP_PL_D, 1));
	ck_assert_ptr_null(gdoi_msg_find(m, ISAKMP_PL_HASH, 0));
	ck_assert_ptr_null(gdoi_msg_find(NULL, ISAKMP_PL_N, 0));
	gdoi_msg_free(m);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Whole messages: encoding                                            */

static void
hdr_init(struct isakmp_hdr *h, uint8_t exchange, uint32_t msgid)
{
	memset(h, 0, sizeof(*h));
	memcpy(h->h_icookie, ick, 8);
	memcpy(h->h_rcookie, rck, 8);
	h->h_version = ISAKMP_VERSION;
	h->h_exchange = exchange;
	h->h_msgid = msgid;
	h->h_np = 0x77;	/* derived: must be overwritten */
	h->h_length = 0xdeadbeefu;
}

START_TEST(msg_encode_pull4)
{
	struct gdoi_payload pl[3];
	struct isakmp_hdr h;
	struct gdoi_wr w;
	const uint8_t *o;

	memset(pl, 0, sizeof(pl));
	pl[0].pl_type = ISAKMP_PL_HASH;
	pl[0].pl_u.data = B(gv_pl_hash + 4, gv_pl_hash_len - 4);
	pl[1].pl_type = GDOI_PL_SEQ;
	pl[1].pl_u.seq = 5;
	build_kd(&pl[2]);
	hdr_init(&h, GDOI_EX_PULL, 0x5e6f7081u);

	gdoi_wr_init(&w, 0);
	gdoi_wr_bytes(&w, "xyz", 3);	/* appends at the current position */
	ck_assert_int_eq(gdoi_msg_encode(&w, &h, pl, 3), GDOI_OK);
	o = gdoi_wr_data(&w) + 3;
	ck_assert_uint_eq(gdoi_wr_len(&w), 3 + gv_msg_pull4_len);
	ck_assert_uint_eq(o[16], ISAKMP_PL_HASH);	/* h_np derived */
	ck_assert_uint_eq(gdoi_be32(o + 24), gv_msg_pull4_len); /* h_length derived */
	ck_assert_mem_eq(o, gv_msg_pull4, gv_msg_pull4_len);
	ck_assert_uint_eq(h.h_np, 0x77);	/* the caller's header is untouched */
	gdoi_wr_free(&w);
}
END_TEST

START_TEST(msg_encode_push_and_mm1)
{
	struct gdoi_payload pl[4];
	struct isakmp_hdr h;
	struct gdoi_wr w;
	const uint8_t *o;

	/* GROUPKEY-PUSH: SEQ, SA (GDOI layout from the exchange), KD, SIG. */
	memset(pl, 0, sizeof(pl));
	pl[0].pl_type = GDOI_PL_SEQ;
	pl[0].pl_u.seq = 5;
	build_gsa(&pl[1]);
	build_kd(&pl[2]);
	pl[3].pl_type = ISAKMP_PL_SIG;
	pl[3].pl_u.data = B(gv_pl_sig + 4, gv_pl_sig_len - 4);
	hdr_init(&h, GDOI_EX_PUSH, 0);
	memcpy(h.h_icookie, kekspi, 8);
	memcpy(h.h_rcookie, kekspi + 8, 8);
	gdoi_wr_init(&w, 0);
	ck_assert_int_eq(gdoi_msg_encode(&w, &h, pl, 4), GDOI_OK);
	o = gdoi_wr_data(&w);
	ck_assert_uint_eq(o[16], GDOI_PL_SEQ);
	ck_assert_uint_eq(gdoi_be32(o + 24), 444);
	ck_assert_uint_eq(gdoi_wr_len(&w), gv_msg_push_len);
	ck_assert_mem_eq(o, gv_msg_push, gv_msg_push_len);
	gdoi_wr_free(&w);

	/* Main Mode 1: SA in the Phase 1 layout, then VID. */
	memset(pl, 0, sizeof(pl));
	build_p1sa(&pl[0], GDOI_DOI_IPSEC);
	pl[1].pl_type = ISAKMP_PL_VID;
	pl[1].pl_u.data = B("gdoi-test-vendor", 16);
	hdr_init(&h, ISAKMP_EX_MAIN, 0);
	memset(h.h_rcookie, 0, 8);
	gdoi_wr_init(&w, 0);
	ck_assert_int_eq(gdoi_msg_encode(&w, &h, pl, 2), GDOI_OK);
	o = gdoi_wr_data(&w);
	ck_assert_uint_eq(o[16], ISAKMP_PL_SA);
	ck_assert_uint_eq(gdoi_be32(o + 24), 142);
	ck_assert_uint_eq(gdoi_wr_len(&w), gv_msg_mm1_len);
	ck_assert_mem_eq(o, gv_msg_mm1, gv_msg_mm1_len);
	gdoi_wr_free(&w);

	/* No payload: h_np 0, h_length 28. */
	gdoi_wr_init(&w, 0);
	ck_assert_int_eq(gdoi_msg_encode(&w, &h, NULL, 0), GDOI_OK);
	ck_assert_uint_eq(gdoi_wr_len(&w), 28);
	ck_assert_uint_eq(gdoi_wr_data(&w)[16], 0);
	ck_assert_uint_eq(gdoi_be32(gdoi_wr_data(&w) + 24), 28);
	gdoi_wr_free(&w);
}
END_TEST

/* Every golden message: decode, encode the decoded payloads, same bytes. */
START_TEST(msg_reencode_all)
{
	const struct gv_vec *v = &gv_messages[_i];
	struct gdoi_msg *m;
	struct gdoi_diag d;
	struct gdoi_wr w;

	ck_assert_int_eq(msg_dec(v->v_data, v->v_len, &m, &d), GDOI_OK);
	if (m->m_hdr.h_flags & ISAKMP_FLAG_E) {
		gdoi_msg_free(m);
		return;
	}
	gdoi_wr_init(&w, 0);
	ck_assert_int_eq(gdoi_msg_encode(&w, &m->m_hdr, m->m_pl, m->m_npl), GDOI_OK);
	ck_assert_uint_eq(gdoi_wr_len(&w), v->v_len);
	ck_assert_mem_eq(gdoi_wr_data(&w), v->v_data, v->v_len);
	gdoi_wr_free(&w);
	gdoi_msg_free(m);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Encoder refusals                                                    */

/* Encode a chain that must fail with want. */
static void
enc_fail(enum gdoi_ctx ctx, const struct gdoi_payload *pl, size_t n, int want)
{
	struct gdoi_wr w;

	gdoi_wr_init(&w, 0);
	gdoi_chain_encode(&w, ctx, pl, n, NULL);
	ck_assert_msg(gdoi_wr_error(&w) == want, "want %s, got %s", gdoi_errname(want),
	    gdoi_errname(gdoi_wr_error(&w)));
	gdoi_wr_free(&w);
}

START_TEST(enc_delete_mismatch)
{
	static const uint8_t spis[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct gdoi_payload pl;
	struct isakmp_hdr h;
	struct gdoi_wr w;

	memset(&pl, 0, sizeof(pl));
	pl.pl_type = ISAKMP_PL_D;
	pl.pl_u.d.d_doi = 1;
	pl.pl_u.d.d_proto = ISAKMP_PROTO_ESP;
	pl.pl_u.d.d_spi_size = 4;
	pl.pl_u.d.d_nspi = 3;	/* 12 != 8 */
	pl.pl_u.d.d_spis = B(spis, 8);
	enc_fail(GDOI_CTX_PHASE1, &pl, 1, GDOI_E_INVAL);
	pl.pl_u.d.d_nspi = 1;	/* 4 != 8 */
	enc_fail(GDOI_CTX_PHASE1, &pl, 1, GDOI_E_INVAL);
	pl.pl_u.d.d_nspi = 2;
	pl.pl_u.d.d_spi_size = 0;	/* 0 != 8 */
	enc_fail(GDOI_CTX_PHASE1, &pl, 1, GDOI_E_INVAL);

	hdr_init(&h, ISAKMP_EX_INFO, 1);
	gdoi_wr_init(&w, 0);
	ck_assert_int_eq(gdoi_msg_encode(&w, &h, &pl, 1), GDOI_E_INVAL);
	ck_assert_int_eq(gdoi_wr_error(&w), GDOI_E_INVAL);
	gdoi_wr_free(&w);

	pl.pl_u.d.d_spi_size = 4;	/* consistent again */
	enc_eq(GDOI_CTX_PHASE1, &pl, 1, (const uint8_t[]){ 0, 0, 0, 0x14, 0, 0, 0, 1, 3, 4,
	    0, 2, 1, 2, 3, 4, 5, 6, 7, 8 }, 20);
}
END_TEST

START_TEST(enc_nested_only_top)
{
	static const uint8_t t[] = { ISAKMP_PL_P, ISAKMP_PL_T, GDOI_PL_SAK, GDOI_PL_SAT,
		ISAKMP_PL_NONE };
	struct gdoi_payload pl[2];
	struct isakmp_hdr h;
	struct gdoi_wr w;
	size_t i;

	for (i = 0; i < sizeof(t); i++) {
		memset(pl, 0, sizeof(pl));
		pl[0].pl_type = t[i];
		enc_fail(GDOI_CTX_GDOI, pl, 1, GDOI_E_INVAL);
		enc_fail(GDOI_CTX_PHASE1, pl, 1, GDOI_E_INVAL);
		/* Second in a chain. */
		pl[0].pl_type = GDOI_PL_SEQ;
		pl[1].pl_type = t[i];
		enc_fail(GDOI_CTX_GDOI, pl, 2, GDOI_E_INVAL);
		hdr_init(&h, GDOI_EX_PUSH, 0);
		gdoi_wr_init(&w, 0);
		ck_assert_int_eq(gdoi_msg_encode(&w, &h, pl, 2), GDOI_E_INVAL);
		gdoi_wr_free(&w);
	}
}
END_TEST

START_TEST(enc_other_refusals)
{
	static uint8_t big[300];
	struct gdoi_payload pl;
	struct gdoi_sa_item it;

	/* A GDOI SA item that is not SAK, SAT or GAP. */
	memset(&it, 0, sizeof(it));
	it.i_type = ISAKMP_PL_N;
	memset(&pl, 0, sizeof(pl));
	pl.pl_type = ISAKMP_PL_SA;
	pl.pl_u.gsa.g_doi = 2;
	pl.pl_u.gsa.g_items = &it;
	pl.pl_u.gsa.g_nitems = 1;
	enc_fail(GDOI_CTX_GDOI, &pl, 1, GDOI_E_INVAL);
	/* SA KEK selector data longer than its 1-octet length. */
	it.i_type = GDOI_PL_SAK;
	it.i_u.sak.k_src = sel(ID_FQDN, 0, big, 256);
	it.i_u.sak.k_dst = sel(ID_IPV4_ADDR, 0, ip_mc, 4);
	enc_fail(GDOI_CTX_GDOI, &pl, 1, GDOI_E_INVAL);
	/* A Phase 1 SA with no proposal. */
	memset(&pl, 0, sizeof(pl));
	pl.pl_type = ISAKMP_PL_SA;
	pl.pl_u.p1sa.sa_doi = 1;
	enc_fail(GDOI_CTX_PHASE1, &pl, 1, GDOI_E_INVAL);
	/* A notify SPI longer than 255. */
	memset(&pl, 0, sizeof(pl));
	pl.pl_type = ISAKMP_PL_N;
	pl.pl_u.n.n_spi = B(big, 256);
	enc_fail(GDOI_CTX_PHASE1, &pl, 1, GDOI_E_INVAL);
	/* A payload over 65535 octets. */
	{
		uint8_t *huge = calloc(1, 70000);
		struct gdoi_payload hp;

		ck_assert_ptr_nonnull(huge);
		memset(&hp, 0, sizeof(hp));
		hp.pl_type = ISAKMP_PL_VID;
		hp.pl_u.data = B(huge, 70000);
		enc_fail(GDOI_CTX_PHASE1, &hp, 1, GDOI_E_TOOBIG);
		free(huge);
	}
}
END_TEST

START_TEST(enc_fixed_too_small)
{
	struct gdoi_payload pl[4];
	struct isakmp_hdr h;
	struct gdoi_wr w;
	uint8_t buf[444];

	memset(pl, 0, sizeof(pl));
	pl[0].pl_type = GDOI_PL_SEQ;
	pl[0].pl_u.seq = 5;
	build_gsa(&pl[1]);
	build_kd(&pl[2]);
	pl[3].pl_type = ISAKMP_PL_SIG;
	pl[3].pl_u.data = B(gv_pl_sig + 4, gv_pl_sig_len - 4);
	hdr_init(&h, GDOI_EX_PUSH, 0);
	memcpy(h.h_icookie, kekspi, 8);
	memcpy(h.h_rcookie, kekspi + 8, 8);

	/* One octet short. */
	gdoi_wr_init_fixed(&w, buf, sizeof(buf) - 1);
	ck_assert_int_eq(gdoi_msg_encode(&w, &h, pl, 4), GDOI_E_TOOBIG);
	ck_assert_int_eq(gdoi_wr_error(&w), GDOI_E_TOOBIG);
	gdoi_wr_free(&w);
	/* Too small even for the header. */
	gdoi_wr_init_fixed(&w, buf, 20);
	ck_assert_int_eq(gdoi_msg_encode(&w, &h, pl, 4), GDOI_E_TOOBIG);
	gdoi_wr_free(&w);
	/* Exactly the right size. */
	gdoi_wr_init_fixed(&w, buf, sizeof(buf));
	ck_assert_int_eq(gdoi_msg_encode(&w, &h, pl, 4), GDOI_OK);
	ck_assert_uint_eq(gdoi_wr_len(&w), 444);
	ck_assert_ptr_eq(gdoi_wr_data(&w), buf);
	ck_assert_mem_eq(buf, gv_msg_push, gv_msg_push_len);
	gdoi_wr_free(&w);
}
END_TEST

/* ------------------------------------------------------------------ */

static TCase *
tc_new(Suite *s, const char *name)
{
	TCase *tc = tcase_create(name);

	tcase_add_checked_fixture(tc, setup, teardown);
	suite_add_tcase(s, tc);
	return tc;
}

static Suite *
codec_suite(void)
{
	Suite *s = suite_create("codec");
	TCase *tc;

	tc = tc_new(s, "header");
	tcase_add_test(tc, hdr_golden);
	tcase_add_test(tc, hdr_round_trip);

	tc = tc_new(s, "phase1_sa");
	tcase_add_test(tc, p1sa_decode_golden);
	tcase_add_test(tc, p1sa_encode_golden);
	tcase_add_test(tc, p1sa_round_trip);

	tc = tc_new(s, "data_payloads");
	tcase_add_loop_test(tc, data_golden, 0, (int)(sizeof(data_cases) / sizeof(data_cases[0])));
	tcase_add_test(tc, unknown_type_raw);
	tcase_add_test(tc, chain_multi);

	tc = tc_new(s, "id");
	tcase_add_test(tc, id_keyid_golden);
	tcase_add_test(tc, id_group_number_refusals);
	tcase_add_loop_test(tc, id_addr_golden, 0, (int)(sizeof(id_cases) / sizeof(id_cases[0])));
	tcase_add_test(tc, id_round_trip);
	tcase_add_test(tc, id_wrong_length);

	tc = tc_new(s, "cert_notify_delete");
	tcase_add_test(tc, cert_golden);
	tcase_add_test(tc, cr_golden);
	tcase_add_test(tc, cert_cr_round_trip);
	tcase_add_test(tc, notify_golden);
	tcase_add_test(tc, notify_round_trip);
	tcase_add_test(tc, delete_golden);
	tcase_add_test(tc, delete_round_trip);

	tc = tc_new(s, "gdoi_sa");
	tcase_add_test(tc, gsa_decode_golden);
	tcase_add_test(tc, gsa_encode_golden);
	tcase_add_test(tc, gsa_round_trip);
	tcase_add_test(tc, sat_other_proto);
	tcase_add_test(tc, gsa_empty_and_gap_top);

	tc = tc_new(s, "kd_seq");
	tcase_add_test(tc, kd_decode_golden);
	tcase_add_test(tc, kd_encode_golden);
	tcase_add_test(tc, kd_round_trip);
	tcase_add_test(tc, seq_golden);

	tc = tc_new(s, "decode_errors");
	tcase_add_test(tc, err_payload_length_short);
	tcase_add_test(tc, err_payload_length_past_end);
	tcase_add_test(tc, err_seq_length);
	tcase_add_test(tc, err_kd_count);
	tcase_add_test(tc, err_kd_length);
	tcase_add_test(tc, err_kd_spi_size);
	tcase_add_test(tc, err_p1_transform_count);
	tcase_add_test(tc, sa_doi2_in_main_mode);
	tcase_add_test(tc, err_gsa_doi1_in_pull);
	tcase_add_test(tc, err_nested_only_top);
	tcase_add_test(tc, err_notify_in_gsa);
	tcase_add_test(tc, err_trailing);

	tc = tc_new(s, "message_decode");
	tcase_add_test(tc, msg_encrypted);
	tcase_add_test(tc, err_hdr_length);
	tcase_add_test(tc, err_hdr_version);
	tcase_add_test(tc, msg_trailing_datagram);
	tcase_add_loop_test(tc, msg_golden_all, 0, (int)gv_nmessages);
	tcase_add_test(tc, msg_push_fields);
	tcase_add_test(tc, msg_find);

	tc = tc_new(s, "message_encode");
	tcase_add_test(tc, msg_encode_pull4);
	tcase_add_test(tc, msg_encode_push_and_mm1);
	tcase_add_loop_test(tc, msg_reencode_all, 0, (int)gv_nmessages);

	tc = tc_new(s, "encode_errors");
	tcase_add_test(tc, enc_delete_mismatch);
	tcase_add_test(tc, enc_nested_only_top);
	tcase_add_test(tc, enc_other_refusals);
	tcase_add_test(tc, enc_fixed_too_small);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(codec_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
