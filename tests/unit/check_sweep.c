/*
 * Robustness sweep over whole messages: every lab sample (lab/samples.c)
 * and every whole-message golden vector (vectors.c) is
 *
 *   - decoded as is (must succeed);
 *   - truncated to every shorter length, each cut copied into a heap block
 *     of exactly that size so that a sanitizer catches any over-read (the
 *     decode must fail and leave *out NULL);
 *   - mutated one bit at a time (every bit of every octet): the decoder
 *     must return GDOI_OK or one of its own error codes, and a message it
 *     accepts must re-encode to something it accepts again;
 *   - cut after the header and fed to gdoi_chain_decode() in both SA
 *     contexts, with and without allow_trailing (must not crash; must
 *     succeed in the message's own context).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "gdoi/payload.h"
#include "samples.h"
#include "vectors.h"

/* One valid message under test (owned copy). */
struct sweep_msg {
	char name[48];
	uint8_t *data;
	size_t len;
};

static struct sweep_msg *msgs;
static size_t nmsgs;

/* Totals over the bit-flip sweep, checked by the last test. */
static unsigned long flips_ok, flips_err, flips_reenc;

static void
add_msg(const char *prefix, const char *name, const uint8_t *p, size_t len)
{
	struct sweep_msg *m;

	msgs = realloc(msgs, (nmsgs + 1) * sizeof(*msgs));
	ck_assert_ptr_nonnull(msgs);
	m = &msgs[nmsgs++];
	snprintf(m->name, sizeof(m->name), "%s%s", prefix, name);
	m->data = malloc(len ? len : 1);
	ck_assert_ptr_nonnull(m->data);
	memcpy(m->data, p, len);
	m->len = len;
}

/* Build the list: every sample, then every whole-message golden vector. */
static void
setup(void)
{
	struct gdoi_wr w;
	size_t i;

	msgs = NULL;
	nmsgs = 0;
	for (i = 0; i < gdoi_samples_count(); i++) {
		gdoi_wr_init(&w, 0);
		ck_assert_msg(gdoi_sample_build(i, &w) == GDOI_OK,
		    "sample %zu (%s) does not build", i, gdoi_sample_name(i));
		add_msg("sample:", gdoi_sample_name(i), gdoi_wr_data(&w), gdoi_wr_len(&w));
		gdoi_wr_free(&w);
	}
	for (i = 0; i < gv_nmessages; i++)
		add_msg("vector:", gv_messages[i].v_name, gv_messages[i].v_data,
		    gv_messages[i].v_len);
}

static void
teardown(void)
{
	size_t i;

	for (i = 0; i < nmsgs; i++)
		free(msgs[i].data);
	free(msgs);
	msgs = NULL;
	nmsgs = 0;
}

/* Copy p[0..len) into a heap block of exactly len octets. */
static uint8_t *
exact_copy(const uint8_t *p, size_t len)
{
	uint8_t *c = malloc(len ? len : 1);

	ck_assert_ptr_nonnull(c);
	if (len)
		memcpy(c, p, len);
	return c;
}

/* Decode an exact-size copy; the copy is returned through *copy. */
static int
decode_copy(const uint8_t *p, size_t len, uint8_t **copy, struct gdoi_msg **out,
    struct gdoi_diag *d)
{
	*copy = exact_copy(p, len);
	memset(d, 0, sizeof(*d));
	*out = (struct gdoi_msg *)0x1;	/* must be overwritten */
	return gdoi_msg_decode(*copy, len, out, d);
}

/* The message's declared length (octets 24..27). */
static size_t
hdr_length(const struct sweep_msg *m)
{
	ck_assert_uint_ge(m->len, ISAKMP_HDR_LEN);
	return gdoi_be32(m->data + 24);
}

/* ------------------------------------------------------------------ */
/* (a) every message decodes                                           */

START_TEST(valid_messages_decode)
{
	size_t i;

	ck_assert_uint_ge(nmsgs, gdoi_samples_count());
	ck_assert_uint_ge(gdoi_samples_count(), 11);
	for (i = 0; i < nmsgs; i++) {
		struct sweep_msg *sm = &msgs[i];
		struct gdoi_diag d;
		struct gdoi_msg *m;
		uint8_t *copy;
		int err;

		err = decode_copy(sm->data, sm->len, &copy, &m, &d);
		ck_assert_msg(err == GDOI_OK, "%s: %s at %zu (%s)", sm->name,
		    gdoi_errname(err), d.off, d.detail);
		ck_assert_ptr_nonnull(m);
		ck_assert_uint_eq(m->m_hdr.h_length, hdr_length(sm));
		ck_assert_uint_eq(m->m_hdr.h_length, sm->len);
		ck_assert_uint_eq(m->m_trailing, 0);
		ck_assert_uint_eq(m->m_body.len, sm->len - ISAKMP_HDR_LEN);
		if (m->m_hdr.h_flags & ISAKMP_FLAG_E)
			ck_assert_uint_eq(m->m_npl, 0);
		else
			ck_assert_uint_gt(m->m_npl, 0);
		gdoi_msg_free(m);
		free(copy);
	}
}
END_TEST

/* ------------------------------------------------------------------ */
/* (b) every truncation fails, without reading past the cut            */

START_TEST(truncations_fail)
{
	size_t i, cut, total = 0;

	for (i = 0; i < nmsgs; i++) {
		struct sweep_msg *sm = &msgs[i];

		for (cut = 0; cut < sm->len; cut++) {
			struct gdoi_diag d;
			struct gdoi_msg *m;
			uint8_t *copy;
			int err;

			err = decode_copy(sm->data, cut, &copy, &m, &d);
			ck_assert_msg(err != GDOI_OK, "%s cut at %zu/%zu decoded",
			    sm->name, cut, sm->len);
			ck_assert_msg(m == NULL, "%s cut at %zu: *out not NULL",
			    sm->name, cut);
			ck_assert_msg(strcmp(gdoi_errname(err), "GDOI_E_UNKNOWN") != 0,
			    "%s cut at %zu: foreign code %d", sm->name, cut, err);
			ck_assert_msg(err == GDOI_E_TRUNC,
			    "%s cut at %zu: %s, want GDOI_E_TRUNC", sm->name, cut,
			    gdoi_errname(err));
			ck_assert_msg(d.err == err, "%s cut at %zu: diag err %d != %d",
			    sm->name, cut, d.err, err);
			free(copy);
			total++;
		}
	}
	ck_assert_uint_gt(total, 0);
}
END_TEST

/* ------------------------------------------------------------------ */
/* (c) bit flips                                                       */

/*
 * Re-encode an accepted message and decode the result, which must
 * succeed; encoding that second tree again must give the same octets
 * (the encoder's normalisation is a fixed point).
 */
static void
reencode_check(const char *name, size_t byte, int bit, const struct gdoi_msg *m)
{
	struct gdoi_wr w, w2;
	struct gdoi_diag d;
	struct gdoi_msg *m2;
	uint8_t *copy;
	int err;

	gdoi_wr_init(&w, 0);
	err = gdoi_msg_encode(&w, &m->m_hdr, m->m_pl, m->m_npl);
	ck_assert_msg(err == GDOI_OK, "%s flip %zu.%d: re-encode: %s", name, byte, bit,
	    gdoi_errname(err));
	err = decode_copy(gdoi_wr_data(&w), gdoi_wr_len(&w), &copy, &m2, &d);
	ck_assert_msg(err == GDOI_OK, "%s flip %zu.%d: re-encoding rejected: %s at %zu (%s)",
	    name, byte, bit, gdoi_errname(err), d.off, d.detail);
	ck_assert_uint_eq(m2->m_npl, m->m_npl);
	gdoi_wr_init(&w2, 0);
	err = gdoi_msg_encode(&w2, &m2->m_hdr, m2->m_pl, m2->m_npl);
	ck_assert_msg(err == GDOI_OK, "%s flip %zu.%d: second re-encode: %s", name, byte,
	    bit, gdoi_errname(err));
	ck_assert_uint_eq(gdoi_wr_len(&w2), gdoi_wr_len(&w));
	ck_assert_msg(memcmp(gdoi_wr_data(&w2), gdoi_wr_data(&w), gdoi_wr_len(&w)) == 0,
	    "%s flip %zu.%d: re-encoding is not a fixed point", name, byte, bit);
	gdoi_wr_free(&w2);
	gdoi_msg_free(m2);
	free(copy);
	gdoi_wr_free(&w);
}

START_TEST(bit_flips)
{
	size_t i, byte;
	int bit;

	flips_ok = flips_err = flips_reenc = 0;
	for (i = 0; i < nmsgs; i++) {
		struct sweep_msg *sm = &msgs[i];
		unsigned long ok = 0, bad = 0;

		for (byte = 0; byte < sm->len; byte++) {
			for (bit = 0; bit < 8; bit++) {
				struct gdoi_diag d;
				struct gdoi_msg *m;
				uint8_t *copy;
				int err;

				sm->data[byte] ^= (uint8_t)(1u << bit);
				err = decode_copy(sm->data, sm->len, &copy, &m, &d);
				sm->data[byte] ^= (uint8_t)(1u << bit);
				ck_assert_msg(strcmp(gdoi_errname(err), "GDOI_E_UNKNOWN") != 0,
				    "%s flip %zu.%d: foreign code %d", sm->name, byte, bit, err);
				if (err != GDOI_OK) {
					ck_assert_msg(m == NULL, "%s flip %zu.%d: *out set on error",
					    sm->name, byte, bit);
					ck_assert_int_eq(d.err, err);
					bad++;
					free(copy);
					continue;
				}
				ck_assert_ptr_nonnull(m);
				ok++;
				if (!(m->m_hdr.h_flags & ISAKMP_FLAG_E)) {
					reencode_check(sm->name, byte, bit, m);
					flips_reenc++;
				}
				gdoi_msg_free(m);
				free(copy);
			}
		}
		if (getenv("SWEEP_VERBOSE"))
			fprintf(stderr, "sweep %-24s %5zu octets: %6lu flips ok, %6lu rejected\n",
			    sm->name, sm->len, ok, bad);
		flips_ok += ok;
		flips_err += bad;
	}
	fprintf(stderr, "check_sweep: %zu messages, %lu flips decoded (%lu re-encoded), "
	    "%lu rejected\n", nmsgs, flips_ok, flips_reenc, flips_err);
	/* The sweep cannot pass vacuously: both outcomes must occur. */
	ck_assert_uint_gt(flips_ok, 0);
	ck_assert_uint_gt(flips_err, 0);
	ck_assert_uint_gt(flips_reenc, 0);
}
END_TEST

/* ------------------------------------------------------------------ */
/* (d) the payload chain alone, in both contexts                       */

/* Decode an exact-size copy of body[0..len) as a chain; returns the code. */
static int
chain_copy(enum gdoi_ctx ctx, uint8_t np, const uint8_t *body, size_t len, int trailing,
    size_t *nout, size_t *consumed)
{
	struct gdoi_arena *a = gdoi_arena_new();
	struct gdoi_payload *pl = (struct gdoi_payload *)0x1;
	struct gdoi_diag d;
	uint8_t *copy = exact_copy(body, len);
	int err;

	ck_assert_ptr_nonnull(a);
	memset(&d, 0, sizeof(d));
	*nout = 0;
	*consumed = 0;
	err = gdoi_chain_decode(ctx, np, copy, len, ISAKMP_HDR_LEN, trailing, a, &pl, nout,
	    consumed, &d);
	ck_assert(strcmp(gdoi_errname(err), "GDOI_E_UNKNOWN") != 0);
	if (err)
		ck_assert_int_eq(d.err, err);
	else if (*nout)
		ck_assert_ptr_nonnull(pl);
	gdoi_arena_free(a);
	free(copy);
	return err;
}

START_TEST(chain_contexts)
{
	static const enum gdoi_ctx ctxs[] = { GDOI_CTX_PHASE1, GDOI_CTX_GDOI };
	size_t i, c, runs = 0;
	int t;

	for (i = 0; i < nmsgs; i++) {
		struct sweep_msg *sm = &msgs[i];
		const uint8_t *body = sm->data + ISAKMP_HDR_LEN;
		size_t blen = hdr_length(sm) - ISAKMP_HDR_LEN, nout, used, cut;
		enum gdoi_ctx own = gdoi_ctx_for_exchange(sm->data[18]);
		uint8_t np = sm->data[16];
		uint8_t *padded;
		int err;

		if (sm->data[19] & ISAKMP_FLAG_E)
			continue;	/* ciphertext: no chain to decode */
		for (c = 0; c < 2; c++) {
			for (t = 0; t < 2; t++) {
				err = chain_copy(ctxs[c], np, body, blen, t, &nout, &used);
				runs++;
				if (ctxs[c] != own)
					continue;
				ck_assert_msg(err == GDOI_OK, "%s ctx %d trailing %d: %s",
				    sm->name, (int)ctxs[c], t, gdoi_errname(err));
				ck_assert_uint_gt(nout, 0);
				ck_assert_uint_eq(used, blen);
			}
		}
		/* Padding after the chain: only allowed with allow_trailing. */
		padded = malloc(blen + 16);
		ck_assert_ptr_nonnull(padded);
		memcpy(padded, body, blen);
		memset(padded + blen, 0x0f, 16);
		err = chain_copy(own, np, padded, blen + 16, 1, &nout, &used);
		ck_assert_msg(err == GDOI_OK, "%s padded: %s", sm->name, gdoi_errname(err));
		ck_assert_uint_eq(used, blen);
		err = chain_copy(own, np, padded, blen + 16, 0, &nout, &used);
		ck_assert_int_eq(err, GDOI_E_TRAILING);
		free(padded);
		/* Every cut body fails in its own context, whatever allow_trailing. */
		for (cut = 0; cut < blen; cut++) {
			for (c = 0; c < 2; c++) {
				for (t = 0; t < 2; t++) {
					err = chain_copy(ctxs[c], np, body, cut, t, &nout, &used);
					runs++;
					if (ctxs[c] == own)
						ck_assert_msg(err != GDOI_OK,
						    "%s body cut at %zu (trailing %d) decoded",
						    sm->name, cut, t);
				}
			}
		}
	}
	ck_assert_uint_gt(runs, 0);
}
END_TEST

static Suite *
sweep_suite(void)
{
	Suite *s = suite_create("sweep");
	TCase *tc;

	tc = tcase_create("messages");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, valid_messages_decode);
	tcase_add_test(tc, truncations_fail);
	tcase_add_test(tc, bit_flips);
	tcase_add_test(tc, chain_contexts);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(sweep_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
