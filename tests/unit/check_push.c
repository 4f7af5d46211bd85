/*
 * Unit tests of shared/push.c: GROUPKEY-PUSH build (KS) and open (GM).
 *
 * A PUSH announcing a new KEK and a new TEK, withdrawing a TEK and the
 * old KEK, is built with a real RSA-2048 key under the current KEK, then
 * opened on the GM side: the announced policy must come back byte for
 * byte.  Then replay, a wrong signer, a wrong KEK, truncations and bit
 * flips are refused with their reasons.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "gdoi/err.h"
#include "gdoi/payload.h"
#include "gdoi/policy.h"
#include "gdoi/push.h"
#include "gdoi/wire.h"
#include "testkey.h"

#define NEW_TEK 0x0a0b0c0du
#define OLD_TEK 0xdeadbeefu
#define NOW_MS 1000000u
#define MSG_CAP 8192

static EVP_PKEY *ks_key, *other_key;
static uint8_t *ks_spki;
static size_t ks_spki_len;

static void
make_keys(void)
{
	ks_key = testkey_rsa("check_push", 2048, &ks_spki, &ks_spki_len);
	other_key = testkey_rsa("check_push", 2048, NULL, NULL);
}

/* A KEK: AES-256, RSA-2048 (ks_key) with hash h, SPI and key from seeds. */
static void
make_kek(struct gdoi_kek *k, uint8_t spi_seed, uint8_t key_seed, uint8_t h)
{
	static const uint8_t src[4] = { 10, 0, 0, 1 }, dst[4] = { 239, 192, 1, 1 };

	testkey_kek(k, 256, spi_seed, key_seed, h, NOW_MS + 86400000u, ks_spki, ks_spki_len);
	memcpy(k->kek_src, src, 4);
	memcpy(k->kek_dst, dst, 4);
	k->kek_multicast = 1;
}

static void
free_kek(struct gdoi_kek *k)
{
	free(k->kek_pub);
	memset(k, 0, sizeof(*k));
}

/* The announced policy: new KEK (SPI seed 0x51) and one CBC TEK. */
static void
make_policy(struct gdoi_gpolicy *p, int with_kek)
{
	struct gdoi_tek *t = &p->gp_tek[0];
	struct gdoi_ace *a = &p->gp_acl[0];

	memset(p, 0, sizeof(*p));
	p->gp_group = 1001;
	if (with_kek) {
		p->gp_has_kek = 1;
		make_kek(&p->gp_kek, 0x51, 0x77, SIG_HASH_SHA256);
	}
	a->ace_permit = 1;
	a->ace_af = 4;
	a->ace_src[0] = 10;
	a->ace_src[1] = 98;
	a->ace_src_plen = 16;
	a->ace_dst[0] = 10;
	a->ace_dst[1] = 98;
	a->ace_dst_plen = 16;
	p->gp_nacl = 1;
	testkey_tek(t, NEW_TEK, NOW_MS + 3600000u, 0, 1);
	p->gp_ntek = 1;
}

/* The fixture: current KEK, policy, and a KS input pointing at them. */
struct fx {
	struct gdoi_kek cur;
	struct gdoi_gpolicy pol;
	uint32_t del[1];
	struct gdoi_push_ks ks;
	uint8_t msg[MSG_CAP];
	size_t len;
};

static void
fx_init(struct fx *f, uint8_t h)
{
	memset(f, 0, sizeof(*f));
	make_kek(&f->cur, 0x31, 0xc8, h);
	make_policy(&f->pol, 1);
	f->del[0] = OLD_TEK;
	f->ks.ks_kek = &f->cur;
	f->ks.ks_sign = ks_key;
	f->ks.ks_sig_hash = h;
	f->ks.ks_seq = 5;
	f->ks.ks_pol = &f->pol;
	f->ks.ks_now_ms = NOW_MS;
	f->ks.ks_del_tek = f->del;
	f->ks.ks_ndel_tek = 1;
	f->ks.ks_del_kek = 1;
	memcpy(f->ks.ks_del_kek_spi, f->cur.kek_spi, GDOI_KEK_SPI_LEN);
	f->ks.ks_ack = 1;
}

static void
fx_build(struct fx *f)
{
	ck_assert_int_eq(gdoi_push_build(&f->ks, f->msg, sizeof(f->msg), &f->len), 0);
	ck_assert_uint_gt(f->len, ISAKMP_HDR_LEN + 16);
}

static void
fx_free(struct fx *f)
{
	free_kek(&f->cur);
	gdoi_gpolicy_clear(&f->pol);
}

/* Open f's message (or m/len) and return the reason. */
static enum gdoi_push_reason
open_reason(const struct gdoi_kek *k, const uint8_t *m, size_t len, uint32_t last, int have)
{
	struct gdoi_push_rx rx;
	struct gdoi_diag d = { 0 };
	enum gdoi_push_reason r;
	int err;

	err = gdoi_push_open(k, m, len, last, have, NOW_MS + 500, &rx, &d);
	r = rx.rx_reason;
	ck_assert((err == 0) == (r == PUSH_OK));
	gdoi_push_rx_clear(&rx);
	return r;
}

/* ------------------------------------------------------------------ */

START_TEST(test_roundtrip)
{
	struct fx f;
	struct gdoi_push_rx rx;
	struct gdoi_diag d = { 0 };
	const struct gdoi_tek *a, *b;

	fx_init(&f, SIG_HASH_SHA256);
	fx_build(&f);
	ck_assert_int_eq(gdoi_push_open(&f.cur, f.msg, f.len, 4, 1, NOW_MS + 500, &rx, &d), 0);
	ck_assert_int_eq(rx.rx_reason, PUSH_OK);
	ck_assert_uint_eq(rx.rx_seq, 5);
	ck_assert_uint_eq(rx.rx_has_sa, 1);
	ck_assert_uint_eq(rx.rx_ack, 1);
	ck_assert_uint_eq(rx.rx_sig_raw, 0);
	ck_assert_uint_eq(rx.rx_ndel_tek, 1);
	ck_assert_uint_eq(rx.rx_del_tek[0], OLD_TEK);
	ck_assert_uint_eq(rx.rx_del_kek, 1);
	ck_assert_mem_eq(rx.rx_del_kek_spi, f.cur.kek_spi, GDOI_KEK_SPI_LEN);
	/* New KEK, byte-identical keys. */
	ck_assert_uint_eq(rx.rx_pol.gp_has_kek, 1);
	ck_assert_mem_eq(rx.rx_pol.gp_kek.kek_spi, f.pol.gp_kek.kek_spi, GDOI_KEK_SPI_LEN);
	ck_assert_uint_eq(rx.rx_pol.gp_kek.kek_keybits, 256);
	ck_assert_mem_eq(rx.rx_pol.gp_kek.kek_key, f.pol.gp_kek.kek_key, 32);
	ck_assert_uint_eq(rx.rx_pol.gp_kek.kek_publen, f.pol.gp_kek.kek_publen);
	ck_assert_mem_eq(rx.rx_pol.gp_kek.kek_pub, f.pol.gp_kek.kek_pub, f.pol.gp_kek.kek_publen);
	ck_assert_uint_eq(rx.rx_pol.gp_kek.kek_sig_hash, SIG_HASH_SHA256);
	ck_assert_mem_eq(rx.rx_pol.gp_kek.kek_dst, f.pol.gp_kek.kek_dst, 4);
	/* Remaining lifetime: built at NOW_MS, read at NOW_MS + 500. */
	ck_assert_uint_eq(rx.rx_pol.gp_kek.kek_life_s, 86400);
	/* New TEK. */
	ck_assert_uint_eq(rx.rx_pol.gp_ntek, 1);
	a = &rx.rx_pol.gp_tek[0];
	b = &f.pol.gp_tek[0];
	ck_assert_uint_eq(a->tek_spi, NEW_TEK);
	ck_assert_uint_eq(a->tek_x.tx_esp, b->tek_x.tx_esp);
	ck_assert_uint_eq(a->tek_x.tx_keybits, b->tek_x.tx_keybits);
	ck_assert_uint_eq(a->tek_x.tx_auth, b->tek_x.tx_auth);
	ck_assert_mem_eq(a->tek_enc, b->tek_enc, 32);
	ck_assert_mem_eq(a->tek_int, b->tek_int, 32);
	ck_assert_uint_eq(a->tek_addr_pres, GDOI_AP_SRC_DST);
	ck_assert_uint_eq(rx.rx_pol.gp_nacl, 1);
	ck_assert_mem_eq(&rx.rx_pol.gp_acl[0], &f.pol.gp_acl[0], sizeof(struct gdoi_ace));
	ck_assert_uint_eq(rx.rx_pol.gp_has_seq, 1);
	ck_assert_uint_eq(rx.rx_pol.gp_seq, 5);
	gdoi_push_rx_clear(&rx);
	fx_free(&f);
}
END_TEST

/* The datagram and its decrypted form both decode with gdoi_msg_decode. */
START_TEST(test_decode)
{
	static const uint8_t want[] = { GDOI_PL_SEQ, ISAKMP_PL_D, ISAKMP_PL_D, ISAKMP_PL_SA,
		GDOI_PL_KD, ISAKMP_PL_SIG };
	struct fx f;
	struct gdoi_msg *m = NULL;
	struct gdoi_diag d = { 0 };
	uint8_t *plain = NULL;
	size_t plainlen = 0, i;
	const struct gdoi_payload *sak;

	fx_init(&f, SIG_HASH_SHA256);
	fx_build(&f);
	ck_assert_int_eq(gdoi_msg_decode(f.msg, f.len, &m, &d), 0);
	ck_assert_uint_eq(m->m_hdr.h_exchange, GDOI_EX_PUSH);
	ck_assert_uint_eq(m->m_hdr.h_flags, ISAKMP_FLAG_E);
	ck_assert_uint_eq(m->m_hdr.h_msgid, 0);
	ck_assert_uint_eq(m->m_hdr.h_np, GDOI_PL_SEQ);
	ck_assert_uint_eq(m->m_hdr.h_length, f.len);
	ck_assert_mem_eq(m->m_hdr.h_icookie, f.cur.kek_spi, 8);
	ck_assert_mem_eq(m->m_hdr.h_rcookie, f.cur.kek_spi + 8, 8);
	ck_assert_uint_eq((m->m_body.len - 16) % 16, 0);	/* IV + whole blocks */
	gdoi_msg_free(m);

	ck_assert_int_eq(gdoi_push_decrypt(&f.cur, f.msg, f.len, &plain, &plainlen), 0);
	ck_assert_int_eq(gdoi_msg_decode(plain, plainlen, &m, &d), 0);
	ck_assert_uint_eq(m->m_npl, sizeof(want));
	for (i = 0; i < sizeof(want); i++)
		ck_assert_uint_eq(m->m_pl[i].pl_type, want[i]);
	ck_assert_uint_eq(m->m_pl[0].pl_u.seq, 5);
	ck_assert_uint_eq(m->m_pl[5].pl_u.data.len, 256);	/* RSA-2048 */
	ck_assert_uint_lt(m->m_trailing, 16);			/* CBC padding */
	/* KEK_ACK_REQUESTED sits in the SA KEK. */
	sak = &m->m_pl[3];
	ck_assert_uint_eq(sak->pl_u.gsa.g_items[0].i_type, GDOI_PL_SAK);
	ck_assert_ptr_nonnull(gdoi_attrs_find(&sak->pl_u.gsa.g_items[0].i_u.sak.k_attrs,
	    KEK_ATTR_ACK_REQUESTED));
	/* Deletes: TEK (size 4) and KEK (size 16). */
	ck_assert_uint_eq(m->m_pl[1].pl_u.d.d_spi_size, 4);
	ck_assert_uint_eq(m->m_pl[2].pl_u.d.d_spi_size, 16);
	gdoi_msg_free(m);
	OPENSSL_cleanse(plain, plainlen);
	free(plain);

	/* Two builds use different IVs. */
	{
		uint8_t m2[MSG_CAP];
		size_t l2 = 0;

		ck_assert_int_eq(gdoi_push_build(&f.ks, m2, sizeof(m2), &l2), 0);
		ck_assert_uint_eq(l2, f.len);
		ck_assert(memcmp(m2 + ISAKMP_HDR_LEN, f.msg + ISAKMP_HDR_LEN, 16) != 0);
	}
	fx_free(&f);
}
END_TEST

START_TEST(test_replay)
{
	struct fx f;

	fx_init(&f, SIG_HASH_SHA256);
	fx_build(&f);
	ck_assert_int_eq(open_reason(&f.cur, f.msg, f.len, 5, 1), PUSH_REPLAY);
	ck_assert_int_eq(open_reason(&f.cur, f.msg, f.len, 9, 1), PUSH_REPLAY);
	ck_assert_int_eq(open_reason(&f.cur, f.msg, f.len, 9, 0), PUSH_OK);
	ck_assert_int_eq(open_reason(&f.cur, f.msg, f.len, 4, 1), PUSH_OK);
	fx_free(&f);
}
END_TEST

START_TEST(test_wrong_signer)
{
	struct fx f;

	fx_init(&f, SIG_HASH_SHA256);
	f.ks.ks_sign = other_key;
	fx_build(&f);
	ck_assert_int_eq(open_reason(&f.cur, f.msg, f.len, 0, 0), PUSH_BAD_SIG);
	/* The signature is checked before SEQ: a forged old SEQ is BAD_SIG. */
	ck_assert_int_eq(open_reason(&f.cur, f.msg, f.len, 9, 1), PUSH_BAD_SIG);
	fx_free(&f);
}
END_TEST

START_TEST(test_wrong_kek)
{
	struct fx f;
	struct gdoi_kek k;
	enum gdoi_push_reason r;

	fx_init(&f, SIG_HASH_SHA256);
	fx_build(&f);
	/* Same SPI, different key. */
	k = f.cur;
	k.kek_key[0] ^= 0x01;
	r = open_reason(&k, f.msg, f.len, 0, 0);
	ck_assert(r == PUSH_DECRYPT || r == PUSH_MALFORMED || r == PUSH_BAD_SIG);
	/* Different SPI. */
	k = f.cur;
	k.kek_spi[15] ^= 0x80;
	ck_assert_int_eq(open_reason(&k, f.msg, f.len, 0, 0), PUSH_WRONG_KEK);
	/* Not exchange 33. */
	f.msg[18] = GDOI_EX_PULL;
	ck_assert_int_eq(open_reason(&f.cur, f.msg, f.len, 0, 0), PUSH_BAD_HDR);
	fx_free(&f);
}
END_TEST

/*
 * The parsed public key is cached by its DER octets: a KEK with another
 * public key is never verified with the cached one, more keys than the
 * cache holds still work, and a flush changes nothing but speed.
 */
START_TEST(test_key_cache)
{
	struct fx f;
	struct gdoi_kek k;
	EVP_PKEY *extra[6];
	uint8_t *spki[6];
	size_t spki_len[6], i;

	fx_init(&f, SIG_HASH_SHA256);
	fx_build(&f);
	ck_assert_int_eq(open_reason(&f.cur, f.msg, f.len, 0, 0), PUSH_OK);
	ck_assert_int_eq(open_reason(&f.cur, f.msg, f.len, 0, 0), PUSH_OK); /* cached */
	/* the same KEK but the announced public key of another signer */
	for (i = 0; i < 6; i++) {
		extra[i] = testkey_rsa("check_push", 1024, &spki[i], &spki_len[i]);
		k = f.cur;
		k.kek_pub = spki[i];
		k.kek_publen = spki_len[i];
		ck_assert_int_eq(open_reason(&k, f.msg, f.len, 0, 0), PUSH_BAD_SIG);
	}
	/* the right key again, after the others pushed it out of the cache */
	ck_assert_int_eq(open_reason(&f.cur, f.msg, f.len, 0, 0), PUSH_OK);
	gdoi_push_key_cache_flush();
	ck_assert_int_eq(open_reason(&f.cur, f.msg, f.len, 0, 0), PUSH_OK);
	gdoi_push_key_cache_flush();
	for (i = 0; i < 6; i++) {
		EVP_PKEY_free(extra[i]);
		free(spki[i]);
	}
	fx_free(&f);
}
END_TEST

/* SHA-1 signatures, and the raw (no DigestInfo) form. */
START_TEST(test_sig_variants)
{
	struct fx f;
	struct gdoi_push_rx rx;

	fx_init(&f, SIG_HASH_SHA1);
	fx_build(&f);
	ck_assert_int_eq(gdoi_push_open(&f.cur, f.msg, f.len, 0, 0, NOW_MS, &rx, NULL), 0);
	ck_assert_uint_eq(rx.rx_sig_raw, 0);
	gdoi_push_rx_clear(&rx);
	/* A GM expecting SHA-256 does not accept it. */
	f.cur.kek_sig_hash = SIG_HASH_SHA256;
	ck_assert_int_eq(open_reason(&f.cur, f.msg, f.len, 0, 0), PUSH_BAD_SIG);
	fx_free(&f);

	fx_init(&f, SIG_HASH_SHA256);
	f.ks.ks_sig_raw = 1;
	fx_build(&f);
	ck_assert_int_eq(gdoi_push_open(&f.cur, f.msg, f.len, 0, 0, NOW_MS, &rx, NULL), 0);
	ck_assert_uint_eq(rx.rx_sig_raw, 1);
	gdoi_push_rx_clear(&rx);
	fx_free(&f);
}
END_TEST

/* TEK-only and delete-only messages; build refusals. */
START_TEST(test_shapes)
{
	struct fx f;
	struct gdoi_push_rx rx;
	struct gdoi_gpolicy tek_only;
	size_t len = 0;

	fx_init(&f, SIG_HASH_SHA256);
	make_policy(&tek_only, 0);
	f.ks.ks_pol = &tek_only;
	f.ks.ks_ack = 0;
	fx_build(&f);
	ck_assert_int_eq(gdoi_push_open(&f.cur, f.msg, f.len, 0, 0, NOW_MS, &rx, NULL), 0);
	ck_assert_uint_eq(rx.rx_has_sa, 1);
	ck_assert_uint_eq(rx.rx_pol.gp_has_kek, 0);
	ck_assert_uint_eq(rx.rx_pol.gp_ntek, 1);
	ck_assert_uint_eq(rx.rx_ack, 0);
	gdoi_push_rx_clear(&rx);

	/* KEK_ACK_REQUESTED needs an SA KEK. */
	f.ks.ks_ack = 1;
	ck_assert_int_eq(gdoi_push_build(&f.ks, f.msg, sizeof(f.msg), &len), GDOI_E_INVAL);

	/* Delete only. */
	f.ks.ks_ack = 0;
	f.ks.ks_pol = NULL;
	fx_build(&f);
	ck_assert_int_eq(gdoi_push_open(&f.cur, f.msg, f.len, 0, 0, NOW_MS, &rx, NULL), 0);
	ck_assert_uint_eq(rx.rx_has_sa, 0);
	ck_assert_uint_eq(rx.rx_ndel_tek, 1);
	gdoi_push_rx_clear(&rx);

	/* Neither SA nor D: built, but the GM refuses it as malformed. */
	f.ks.ks_ndel_tek = 0;
	f.ks.ks_del_kek = 0;
	fx_build(&f);
	ck_assert_int_eq(open_reason(&f.cur, f.msg, f.len, 0, 0), PUSH_MALFORMED);

	/* Refusals. */
	f.ks.ks_pol = &f.pol;
	ck_assert_int_eq(gdoi_push_build(&f.ks, f.msg, 100, &len), GDOI_E_TOOBIG);
	ck_assert_uint_eq(len, 0);
	f.ks.ks_ndel_tek = GDOI_PUSH_DEL_MAX + 1;
	ck_assert_int_eq(gdoi_push_build(&f.ks, f.msg, sizeof(f.msg), &len), GDOI_E_INVAL);
	f.ks.ks_ndel_tek = 0;
	f.ks.ks_sig_hash = SIG_HASH_MD5;
	ck_assert_int_eq(gdoi_push_build(&f.ks, f.msg, sizeof(f.msg), &len), GDOI_E_INVAL);
	gdoi_gpolicy_clear(&tek_only);
	fx_free(&f);
}
END_TEST

/* Every truncation is refused. */
START_TEST(test_truncation)
{
	struct fx f;
	size_t n;
	uint8_t *copy;

	fx_init(&f, SIG_HASH_SHA256);
	fx_build(&f);
	for (n = 0; n < f.len; n++) {
		/* An exact-size heap copy, so valgrind sees any over-read. */
		copy = malloc(n ? n : 1);
		ck_assert_ptr_nonnull(copy);
		memcpy(copy, f.msg, n);
		ck_assert_int_ne(open_reason(&f.cur, copy, n, 0, 0), PUSH_OK);
		free(copy);
	}
	/* A datagram shortened with its header length adjusted. */
	for (n = ISAKMP_HDR_LEN; n < f.len; n += 16) {
		memcpy(f.msg + 24, (uint8_t[]){ 0, 0, (uint8_t)(n >> 8), (uint8_t)n }, 4);
		ck_assert_int_ne(open_reason(&f.cur, f.msg, n, 0, 0), PUSH_OK);
	}
	fx_free(&f);
}
END_TEST

/*
 * Bit flips: one bit in every octet.  A flip is accepted only when it
 * changes nothing but CBC padding (not signed, push.h (b)): the
 * authenticated plaintext must then be the original.
 */
START_TEST(test_bitflips)
{
	struct fx f;
	uint8_t *orig = NULL, *p = NULL;
	size_t olen = 0, plen = 0, i, accepted = 0;
	uint32_t end;

	fx_init(&f, SIG_HASH_SHA256);
	fx_build(&f);
	ck_assert_int_eq(gdoi_push_decrypt(&f.cur, f.msg, f.len, &orig, &olen), 0);
	end = (uint32_t)orig[24] << 24 | (uint32_t)orig[25] << 16 | (uint32_t)orig[26] << 8 |
	    orig[27];
	for (i = 0; i < f.len; i++) {
		f.msg[i] ^= (uint8_t)(1u << (i % 8));
		if (open_reason(&f.cur, f.msg, f.len, 0, 0) == PUSH_OK) {
			accepted++;
			ck_assert_int_eq(gdoi_push_decrypt(&f.cur, f.msg, f.len, &p, &plen), 0);
			ck_assert_uint_eq(plen, olen);
			ck_assert_mem_eq(p + ISAKMP_HDR_LEN, orig + ISAKMP_HDR_LEN,
			    end - ISAKMP_HDR_LEN);
			/* Only the block before the last can reach the padding. */
			ck_assert_uint_ge(i, f.len - 32);
			ck_assert_uint_lt(i, f.len - 16);
			free(p);
		}
		f.msg[i] ^= (uint8_t)(1u << (i % 8));
	}
	ck_assert_uint_lt(accepted, 16);
	ck_assert_int_eq(open_reason(&f.cur, f.msg, f.len, 0, 0), PUSH_OK);
	free(orig);
	fx_free(&f);
}
END_TEST

START_TEST(test_reason_names)
{
	ck_assert_str_eq(gdoi_push_reason_name(PUSH_REPLAY), "replay");
	ck_assert_str_eq(gdoi_push_reason_name(PUSH_BAD_SIG), "bad-signature");
	ck_assert_str_eq(gdoi_push_reason_name((enum gdoi_push_reason)99), "unknown");
}
END_TEST

static Suite *
push_suite(void)
{
	Suite *s = suite_create("push");
	TCase *tc;

	tc = tcase_create("push");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_roundtrip);
	tcase_add_test(tc, test_decode);
	tcase_add_test(tc, test_replay);
	tcase_add_test(tc, test_wrong_signer);
	tcase_add_test(tc, test_wrong_kek);
	tcase_add_test(tc, test_key_cache);
	tcase_add_test(tc, test_sig_variants);
	tcase_add_test(tc, test_shapes);
	tcase_add_test(tc, test_truncation);
	tcase_add_test(tc, test_bitflips);
	tcase_add_test(tc, test_reason_names);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	int rc;

	make_keys();
	rc = testkey_run(push_suite());
	EVP_PKEY_free(ks_key);
	EVP_PKEY_free(other_key);
	free(ks_spki);
	return rc;
}
