/*
 * Unit tests: data attributes (RFC 2408 3.3), gdoi_attrs_* in payload.h.
 *
 *   | AF [1 bit] + Attribute Type [15 bits] | AF=1: Value [2] / AF=0: Length [2] |
 *   ~ AF=0: Value [Length]                                                  ~
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "gdoi/payload.h"
#include "vectors.h"

static struct gdoi_arena *arena;

static void
setup(void)
{
	arena = gdoi_arena_new();
	ck_assert_ptr_nonnull(arena);
}

static void
teardown(void)
{
	gdoi_arena_free(arena);
	arena = NULL;
}

/* Decode buf (copied to an exact-size heap block) as an attribute list. */
static int
decode(const uint8_t *buf, size_t len, uint8_t **copy, struct gdoi_attrs *out,
    struct gdoi_diag *d)
{
	struct gdoi_rd r;

	*copy = malloc(len ? len : 1);
	ck_assert_ptr_nonnull(*copy);
	if (len)
		memcpy(*copy, buf, len);
	gdoi_rd_init(&r, *copy, len);
	if (d)
		memset(d, 0, sizeof(*d));
	return gdoi_attrs_decode(&r, arena, out, ISAKMP_PL_T, d);
}

static void
encode_eq(const struct gdoi_attrs *as, const uint8_t *want, size_t len)
{
	struct gdoi_wr w;

	gdoi_wr_init(&w, 0);
	gdoi_attrs_encode(&w, as);
	ck_assert_int_eq(gdoi_wr_error(&w), GDOI_OK);
	ck_assert_uint_eq(gdoi_wr_len(&w), len);
	ck_assert_mem_eq(gdoi_wr_data(&w), want, len);
	gdoi_wr_free(&w);
}

/* ------------------------------------------------------------------ */
/* Encode                                                              */

START_TEST(encode_tv)
{
	/* AF set, type 1, value 7 */
	static const uint8_t want[] = { 0x80, 0x01, 0x00, 0x07, 0xff, 0xff, 0xfe, 0xdc };
	struct gdoi_attr v[2];
	struct gdoi_attrs as = { v, 2 };

	v[0] = gdoi_attr_tv(1, 7);
	v[1] = gdoi_attr_tv(0x7fff, 0xfedc);
	ck_assert_uint_eq(v[0].a_tv, 1);
	ck_assert_uint_eq(v[0].a_type, 1);
	ck_assert_uint_eq(v[0].a_val, 7);
	encode_eq(&as, want, sizeof(want));
}
END_TEST

START_TEST(encode_tlv)
{
	static const uint8_t val[] = { 0x00, 0x01, 0x51, 0x80 };
	/* AF clear, type 12, length 4, value; then an empty TLV of type 3 */
	static const uint8_t want[] = {
		0x00, 0x0c, 0x00, 0x04, 0x00, 0x01, 0x51, 0x80,
		0x00, 0x03, 0x00, 0x00,
	};
	struct gdoi_attr v[2];
	struct gdoi_attrs as = { v, 2 };

	v[0] = gdoi_attr_tlv(12, val, sizeof(val));
	v[1] = gdoi_attr_tlv(3, NULL, 0);
	ck_assert_uint_eq(v[0].a_tv, 0);
	ck_assert_ptr_eq(v[0].a_data.ptr, val);
	ck_assert_uint_eq(v[0].a_data.len, 4);
	encode_eq(&as, want, sizeof(want));
}
END_TEST

START_TEST(encode_mixed_golden)
{
	static const uint8_t d86400[] = { 0x00, 0x01, 0x51, 0x80 };
	static const uint8_t d9[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	struct gdoi_attr v[5];
	struct gdoi_attrs as = { v, 5 };

	v[0] = gdoi_attr_tv(1, 7);
	v[1] = gdoi_attr_tlv(12, d86400, 4);
	v[2] = gdoi_attr_tlv(16, NULL, 0);
	v[3] = gdoi_attr_tv(0x7fff, 0xabcd);
	v[4] = gdoi_attr_tlv(3, d9, 9);
	encode_eq(&as, gv_attrs_mixed, gv_attrs_mixed_len);
}
END_TEST

START_TEST(encode_empty_list)
{
	struct gdoi_attrs as = { NULL, 0 };
	struct gdoi_wr w;

	gdoi_wr_init(&w, 0);
	gdoi_attrs_encode(&w, &as);
	ck_assert_int_eq(gdoi_wr_error(&w), GDOI_OK);
	ck_assert_uint_eq(gdoi_wr_len(&w), 0);
	gdoi_wr_free(&w);
}
END_TEST

START_TEST(encode_rejects_bad_input)
{
	static uint8_t big[70000];
	struct gdoi_attr v;
	struct gdoi_attrs as = { &v, 1 };
	struct gdoi_wr w;

	/* a type with the AF bit cannot be encoded: the bit is the format */
	v = gdoi_attr_tv(0x8001, 1);
	gdoi_wr_init(&w, 0);
	gdoi_attrs_encode(&w, &as);
	ck_assert_int_ne(gdoi_wr_error(&w), GDOI_OK);
	gdoi_wr_free(&w);

	/* a TLV value longer than the 16-bit length field */
	v = gdoi_attr_tlv(1, big, sizeof(big));
	gdoi_wr_init(&w, 0);
	gdoi_attrs_encode(&w, &as);
	ck_assert_int_ne(gdoi_wr_error(&w), GDOI_OK);
	gdoi_wr_free(&w);

	/* 65535 octets is the largest TLV and is fine */
	v = gdoi_attr_tlv(1, big, 65535);
	gdoi_wr_init(&w, 0);
	gdoi_attrs_encode(&w, &as);
	ck_assert_int_eq(gdoi_wr_error(&w), GDOI_OK);
	ck_assert_uint_eq(gdoi_wr_len(&w), 65539);
	ck_assert_uint_eq(gdoi_wr_data(&w)[2], 0xff);
	ck_assert_uint_eq(gdoi_wr_data(&w)[3], 0xff);
	gdoi_wr_free(&w);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Decode                                                              */

START_TEST(decode_mixed)
{
	struct gdoi_attrs as;
	uint8_t *copy;

	ck_assert_int_eq(decode(gv_attrs_mixed, gv_attrs_mixed_len, &copy, &as, NULL), GDOI_OK);
	ck_assert_uint_eq(as.n, 5);

	ck_assert_uint_eq(as.v[0].a_tv, 1);
	ck_assert_uint_eq(as.v[0].a_type, 1);
	ck_assert_uint_eq(as.v[0].a_val, 7);

	ck_assert_uint_eq(as.v[1].a_tv, 0);
	ck_assert_uint_eq(as.v[1].a_type, 12);
	ck_assert_uint_eq(as.v[1].a_data.len, 4);
	ck_assert_ptr_eq(as.v[1].a_data.ptr, copy + 8); /* borrowed from the input */

	ck_assert_uint_eq(as.v[2].a_tv, 0);
	ck_assert_uint_eq(as.v[2].a_type, 16);
	ck_assert_uint_eq(as.v[2].a_data.len, 0);

	/* type 0x7fff with AF: the AF bit is stripped from the type */
	ck_assert_uint_eq(as.v[3].a_tv, 1);
	ck_assert_uint_eq(as.v[3].a_type, 0x7fff);
	ck_assert_uint_eq(as.v[3].a_val, 0xabcd);

	ck_assert_uint_eq(as.v[4].a_tv, 0);
	ck_assert_uint_eq(as.v[4].a_type, 3);
	ck_assert_uint_eq(as.v[4].a_data.len, 9);
	ck_assert_mem_eq(as.v[4].a_data.ptr, gv_attrs_mixed + 24, 9);

	/* and back to the same bytes */
	encode_eq(&as, gv_attrs_mixed, gv_attrs_mixed_len);
	free(copy);
}
END_TEST

START_TEST(decode_af_bit)
{
	/* same type number 5 in both forms: TV 0x8005 and TLV 0x0005 */
	static const uint8_t in[] = {
		0x80, 0x05, 0x00, 0x02,
		0x00, 0x05, 0x00, 0x02, 0x12, 0x34,
	};
	struct gdoi_attrs as;
	uint8_t *copy;

	ck_assert_int_eq(decode(in, sizeof(in), &copy, &as, NULL), GDOI_OK);
	ck_assert_uint_eq(as.n, 2);
	ck_assert_uint_eq(as.v[0].a_type, 5);
	ck_assert_uint_eq(as.v[0].a_tv, 1);
	ck_assert_uint_eq(as.v[0].a_val, 2);
	ck_assert_uint_eq(as.v[1].a_type, 5);
	ck_assert_uint_eq(as.v[1].a_tv, 0);
	ck_assert_uint_eq(as.v[1].a_data.len, 2);
	ck_assert_uint_eq(as.v[1].a_data.ptr[0], 0x12);
	free(copy);
}
END_TEST

START_TEST(decode_empty)
{
	struct gdoi_attrs as = { (struct gdoi_attr *)1, 99 };
	uint8_t *copy;

	ck_assert_int_eq(decode(NULL, 0, &copy, &as, NULL), GDOI_OK);
	ck_assert_uint_eq(as.n, 0);
	free(copy);
}
END_TEST

START_TEST(decode_zero_length_tlv_only)
{
	static const uint8_t in[] = { 0x00, 0x02, 0x00, 0x00 };
	struct gdoi_attrs as;
	uint8_t *copy;

	ck_assert_int_eq(decode(in, sizeof(in), &copy, &as, NULL), GDOI_OK);
	ck_assert_uint_eq(as.n, 1);
	ck_assert_uint_eq(as.v[0].a_tv, 0);
	ck_assert_uint_eq(as.v[0].a_data.len, 0);
	free(copy);
}
END_TEST

START_TEST(decode_tlv_past_end)
{
	/* TLV says 5 octets, 4 present */
	static const uint8_t in[] = { 0x80, 0x01, 0x00, 0x01, 0x00, 0x02, 0x00, 0x05, 1, 2, 3, 4 };
	struct gdoi_attrs as;
	struct gdoi_diag d;
	uint8_t *copy;

	ck_assert_int_eq(decode(in, sizeof(in), &copy, &as, &d), GDOI_E_TRUNC);
	ck_assert_int_eq(d.err, GDOI_E_TRUNC);
	ck_assert_uint_eq(d.pl_type, ISAKMP_PL_T);
	free(copy);

	/* a length of 0xffff with nothing after it */
	{
		static const uint8_t in2[] = { 0x00, 0x02, 0xff, 0xff };

		ck_assert_int_eq(decode(in2, sizeof(in2), &copy, &as, NULL), GDOI_E_TRUNC);
		free(copy);
	}
}
END_TEST

START_TEST(decode_tv_cut)
{
	/* a complete TV, then half of a second one; each cut of one header */
	static const uint8_t in[] = { 0x80, 0x01, 0x00, 0x07, 0x80, 0x02, 0x00, 0x04 };
	struct gdoi_attrs as;
	struct gdoi_diag d;
	uint8_t *copy;
	size_t cut;
	int err;

	for (cut = 5; cut < sizeof(in); cut++) {
		err = decode(in, cut, &copy, &as, &d);
		ck_assert_msg(err == GDOI_E_ATTR || err == GDOI_E_TRUNC,
		    "cut at %zu gave %s", cut, gdoi_errname(err));
		ck_assert_int_eq(d.err, err);
		free(copy);
	}
	for (cut = 1; cut < 4; cut++) {
		err = decode(in, cut, &copy, &as, NULL);
		ck_assert_msg(err == GDOI_E_ATTR || err == GDOI_E_TRUNC,
		    "cut at %zu gave %s", cut, gdoi_errname(err));
		free(copy);
	}
	ck_assert_int_eq(decode(in, 4, &copy, &as, NULL), GDOI_OK);
	ck_assert_uint_eq(as.n, 1);
	free(copy);
	ck_assert_int_eq(decode(in, 8, &copy, &as, NULL), GDOI_OK);
	ck_assert_uint_eq(as.n, 2);
	free(copy);
}
END_TEST

START_TEST(decode_too_many)
{
	/* GDOI_MAX_ATTRS TV attributes decode; one more is refused */
	size_t n = GDOI_MAX_ATTRS + 1, i;
	uint8_t *in = malloc(n * 4);
	struct gdoi_attrs as;
	uint8_t *copy;

	for (i = 0; i < n; i++) {
		in[i * 4] = 0x80;
		in[i * 4 + 1] = 0x01;
		in[i * 4 + 2] = 0x00;
		in[i * 4 + 3] = (uint8_t)i;
	}
	ck_assert_int_eq(decode(in, (n - 1) * 4, &copy, &as, NULL), GDOI_OK);
	ck_assert_uint_eq(as.n, GDOI_MAX_ATTRS);
	ck_assert_uint_eq(as.v[GDOI_MAX_ATTRS - 1].a_val, (GDOI_MAX_ATTRS - 1) & 0xff);
	free(copy);
	ck_assert_int_eq(decode(in, n * 4, &copy, &as, NULL), GDOI_E_NESTING);
	free(copy);
	free(in);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Values                                                              */

START_TEST(attr_uint_tv)
{
	struct gdoi_attr at = gdoi_attr_tv(2, 0xfffe);
	uint64_t v = 0;

	ck_assert_int_eq(gdoi_attr_uint(&at, &v), GDOI_OK);
	ck_assert(v == 0xfffe);
	at = gdoi_attr_tv(2, 0);
	ck_assert_int_eq(gdoi_attr_uint(&at, &v), GDOI_OK);
	ck_assert(v == 0);
}
END_TEST

START_TEST(attr_uint_tlv_sizes)
{
	static const uint8_t bytes[9] = { 0x81, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09 };
	static const uint64_t want[9] = {
		0,
		UINT64_C(0x81),
		UINT64_C(0x8102),
		UINT64_C(0x810203),
		UINT64_C(0x81020304),
		UINT64_C(0x8102030405),
		UINT64_C(0x810203040506),
		UINT64_C(0x81020304050607),
		UINT64_C(0x8102030405060708),
	};
	struct gdoi_attr at;
	uint64_t v;
	size_t n;

	for (n = 1; n <= 8; n++) {
		at = gdoi_attr_tlv(4, bytes, n);
		v = 0;
		ck_assert_int_eq(gdoi_attr_uint(&at, &v), GDOI_OK);
		ck_assert_msg(v == want[n], "%zu octets", n);
	}
	/* more than 8 octets do not fit a uint64_t */
	at = gdoi_attr_tlv(4, bytes, 9);
	v = 12345;
	ck_assert_int_ne(gdoi_attr_uint(&at, &v), GDOI_OK);
	/* an empty TLV carries no number */
	at = gdoi_attr_tlv(4, bytes, 0);
	ck_assert_int_ne(gdoi_attr_uint(&at, &v), GDOI_OK);
}
END_TEST

START_TEST(attr_uint_decoded)
{
	struct gdoi_attrs as;
	uint8_t *copy;
	uint64_t v;

	ck_assert_int_eq(decode(gv_attrs_mixed, gv_attrs_mixed_len, &copy, &as, NULL), GDOI_OK);
	ck_assert_int_eq(gdoi_attr_uint(&as.v[0], &v), GDOI_OK);
	ck_assert(v == 7);
	ck_assert_int_eq(gdoi_attr_uint(&as.v[1], &v), GDOI_OK);
	ck_assert(v == 86400);
	ck_assert_int_ne(gdoi_attr_uint(&as.v[2], &v), GDOI_OK); /* zero length */
	ck_assert_int_eq(gdoi_attr_uint(&as.v[3], &v), GDOI_OK);
	ck_assert(v == 0xabcd);
	ck_assert_int_ne(gdoi_attr_uint(&as.v[4], &v), GDOI_OK); /* 9 octets */
	free(copy);
}
END_TEST

START_TEST(attrs_find)
{
	static const uint8_t in[] = {
		0x80, 0x01, 0x00, 0x07,   /* type 1 = 7 */
		0x80, 0x02, 0x00, 0x04,   /* type 2 = 4 */
		0x80, 0x01, 0x00, 0x05,   /* type 1 again = 5 */
		0x00, 0x04, 0x00, 0x01, 0x09,
	};
	struct gdoi_attrs as, none = { NULL, 0 };
	const struct gdoi_attr *at;
	uint8_t *copy;

	ck_assert_int_eq(decode(in, sizeof(in), &copy, &as, NULL), GDOI_OK);
	ck_assert_uint_eq(as.n, 4);
	at = gdoi_attrs_find(&as, 1);
	ck_assert_ptr_eq(at, &as.v[0]);   /* the first one wins */
	ck_assert_uint_eq(at->a_val, 7);
	at = gdoi_attrs_find(&as, 2);
	ck_assert_ptr_eq(at, &as.v[1]);
	at = gdoi_attrs_find(&as, 4);
	ck_assert_ptr_eq(at, &as.v[3]);
	ck_assert_uint_eq(at->a_data.ptr[0], 9);
	ck_assert_ptr_null(gdoi_attrs_find(&as, 3));
	ck_assert_ptr_null(gdoi_attrs_find(&as, 0x8001)); /* AF is not part of the type */
	ck_assert_ptr_null(gdoi_attrs_find(&none, 1));
	free(copy);
}
END_TEST

START_TEST(round_trip_varied)
{
	static const uint8_t key[32] = { 0xaa, 0xbb, [31] = 0xcc };
	struct gdoi_attr v[6];
	struct gdoi_attrs as = { v, 6 }, back;
	struct gdoi_wr w;
	struct gdoi_rd r;
	size_t i;

	v[0] = gdoi_attr_tv(0, 0);
	v[1] = gdoi_attr_tv(0x7fff, 0xffff);
	v[2] = gdoi_attr_tlv(0x7ffe, key, sizeof(key));
	v[3] = gdoi_attr_tlv(1, key, 1);
	v[4] = gdoi_attr_tlv(0, NULL, 0);
	v[5] = gdoi_attr_tv(0x1234, 0x8000);

	gdoi_wr_init(&w, 0);
	gdoi_attrs_encode(&w, &as);
	ck_assert_int_eq(gdoi_wr_error(&w), GDOI_OK);
	ck_assert_uint_eq(gdoi_wr_len(&w), 4 + 4 + 36 + 5 + 4 + 4);
	gdoi_rd_init(&r, gdoi_wr_data(&w), gdoi_wr_len(&w));
	ck_assert_int_eq(gdoi_attrs_decode(&r, arena, &back, GDOI_PL_SAK, NULL), GDOI_OK);
	ck_assert_uint_eq(gdoi_rd_left(&r), 0);
	ck_assert_uint_eq(back.n, 6);
	for (i = 0; i < 6; i++) {
		ck_assert_uint_eq(back.v[i].a_type, v[i].a_type);
		ck_assert_uint_eq(back.v[i].a_tv, v[i].a_tv);
		if (v[i].a_tv) {
			ck_assert_uint_eq(back.v[i].a_val, v[i].a_val);
		} else {
			ck_assert_uint_eq(back.v[i].a_data.len, v[i].a_data.len);
			if (v[i].a_data.len)
				ck_assert_mem_eq(back.v[i].a_data.ptr, v[i].a_data.ptr, v[i].a_data.len);
		}
	}
	gdoi_wr_free(&w);
}
END_TEST

static Suite *
attr_suite(void)
{
	Suite *s = suite_create("attr");
	TCase *tc;

	tc = tcase_create("encode");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, encode_tv);
	tcase_add_test(tc, encode_tlv);
	tcase_add_test(tc, encode_mixed_golden);
	tcase_add_test(tc, encode_empty_list);
	tcase_add_test(tc, encode_rejects_bad_input);
	suite_add_tcase(s, tc);

	tc = tcase_create("decode");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, decode_mixed);
	tcase_add_test(tc, decode_af_bit);
	tcase_add_test(tc, decode_empty);
	tcase_add_test(tc, decode_zero_length_tlv_only);
	tcase_add_test(tc, round_trip_varied);
	suite_add_tcase(s, tc);

	tc = tcase_create("decode_errors");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, decode_tlv_past_end);
	tcase_add_test(tc, decode_tv_cut);
	tcase_add_test(tc, decode_too_many);
	suite_add_tcase(s, tc);

	tc = tcase_create("values");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, attr_uint_tv);
	tcase_add_test(tc, attr_uint_tlv_sizes);
	tcase_add_test(tc, attr_uint_decoded);
	tcase_add_test(tc, attrs_find);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(attr_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
