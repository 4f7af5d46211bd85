/*
 * Unit tests: bounded reader, writer, error names, diagnostics, arena
 * (gdoi/buf.h, gdoi/err.h, gdoi/arena.h).
 */
#include <check.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gdoi/arena.h"
#include "gdoi/buf.h"
#include "gdoi/err.h"

static const uint8_t seq8[8] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08 };

/* Reader positioned so that exactly `left` octets of seq8 remain. */
static void
rd_left(struct gdoi_rd *r, size_t left)
{
	gdoi_rd_init(r, seq8, sizeof(seq8));
	ck_assert_int_eq(gdoi_rd_skip(r, sizeof(seq8) - left), GDOI_OK);
	ck_assert_uint_eq(gdoi_rd_left(r), left);
}

/* ------------------------------------------------------------------ */
/* Reader                                                              */

START_TEST(rd_init_state)
{
	struct gdoi_rd r;

	gdoi_rd_init(&r, seq8, sizeof(seq8));
	ck_assert_ptr_eq(r.rd_p, seq8);
	ck_assert_uint_eq(r.rd_len, 8);
	ck_assert_uint_eq(r.rd_off, 0);
	ck_assert_uint_eq(r.rd_base, 0);
	ck_assert_uint_eq(gdoi_rd_left(&r), 8);
	ck_assert_uint_eq(gdoi_rd_pos(&r), 0);
	ck_assert_ptr_eq(gdoi_rd_cur(&r), seq8);
}
END_TEST

START_TEST(rd_u8_boundary)
{
	struct gdoi_rd r;
	uint8_t v = 0xee;

	rd_left(&r, 1);
	ck_assert_int_eq(gdoi_rd_u8(&r, &v), GDOI_OK);
	ck_assert_uint_eq(v, 0x08);
	ck_assert_uint_eq(gdoi_rd_left(&r), 0);

	v = 0xee;
	ck_assert_int_eq(gdoi_rd_u8(&r, &v), GDOI_E_TRUNC);
	ck_assert_uint_eq(r.rd_off, 8);
	ck_assert_uint_eq(v, 0xee);
}
END_TEST

START_TEST(rd_u16_boundary)
{
	struct gdoi_rd r;
	uint16_t v = 0;

	rd_left(&r, 2);
	ck_assert_int_eq(gdoi_rd_u16(&r, &v), GDOI_OK);
	ck_assert_uint_eq(v, 0x0708);
	ck_assert_uint_eq(gdoi_rd_left(&r), 0);

	rd_left(&r, 1);
	v = 0xeeee;
	ck_assert_int_eq(gdoi_rd_u16(&r, &v), GDOI_E_TRUNC);
	ck_assert_uint_eq(r.rd_off, 7);
	ck_assert_uint_eq(v, 0xeeee);
}
END_TEST

START_TEST(rd_u32_boundary)
{
	struct gdoi_rd r;
	uint32_t v = 0;

	rd_left(&r, 4);
	ck_assert_int_eq(gdoi_rd_u32(&r, &v), GDOI_OK);
	ck_assert_uint_eq(v, 0x05060708);
	ck_assert_uint_eq(gdoi_rd_left(&r), 0);

	rd_left(&r, 3);
	ck_assert_int_eq(gdoi_rd_u32(&r, &v), GDOI_E_TRUNC);
	ck_assert_uint_eq(r.rd_off, 5);
}
END_TEST

START_TEST(rd_u64_boundary)
{
	struct gdoi_rd r;
	uint64_t v = 0;

	rd_left(&r, 8);
	ck_assert_int_eq(gdoi_rd_u64(&r, &v), GDOI_OK);
	ck_assert(v == UINT64_C(0x0102030405060708));
	ck_assert_uint_eq(gdoi_rd_left(&r), 0);

	rd_left(&r, 7);
	ck_assert_int_eq(gdoi_rd_u64(&r, &v), GDOI_E_TRUNC);
	ck_assert_uint_eq(r.rd_off, 1);
}
END_TEST

START_TEST(rd_big_endian_high_bits)
{
	static const uint8_t hi[8] = { 0xff, 0xfe, 0xfd, 0xfc, 0x80, 0x00, 0x00, 0x01 };
	struct gdoi_rd r;
	uint16_t v16;
	uint32_t v32;
	uint64_t v64;

	gdoi_rd_init(&r, hi, sizeof(hi));
	ck_assert_int_eq(gdoi_rd_u16(&r, &v16), GDOI_OK);
	ck_assert_uint_eq(v16, 0xfffe);
	gdoi_rd_init(&r, hi, sizeof(hi));
	ck_assert_int_eq(gdoi_rd_u32(&r, &v32), GDOI_OK);
	ck_assert_uint_eq(v32, 0xfffefdfcu);
	gdoi_rd_init(&r, hi, sizeof(hi));
	ck_assert_int_eq(gdoi_rd_u64(&r, &v64), GDOI_OK);
	ck_assert(v64 == UINT64_C(0xfffefdfc80000001));
	ck_assert_uint_eq(gdoi_be16(hi), 0xfffe);
	ck_assert_uint_eq(gdoi_be32(hi + 4), 0x80000001u);
}
END_TEST

START_TEST(rd_bytes_boundary)
{
	struct gdoi_rd r;
	uint8_t out[8];

	memset(out, 0xee, sizeof(out));
	rd_left(&r, 5);
	ck_assert_int_eq(gdoi_rd_bytes(&r, out, 5), GDOI_OK);
	ck_assert_mem_eq(out, seq8 + 3, 5);
	ck_assert_uint_eq(gdoi_rd_left(&r), 0);

	memset(out, 0xee, sizeof(out));
	rd_left(&r, 5);
	ck_assert_int_eq(gdoi_rd_bytes(&r, out, 6), GDOI_E_TRUNC);
	ck_assert_uint_eq(r.rd_off, 3);
	ck_assert_uint_eq(out[0], 0xee);

	/* zero octets always succeed, even at the end */
	rd_left(&r, 0);
	ck_assert_int_eq(gdoi_rd_bytes(&r, out, 0), GDOI_OK);
	ck_assert_uint_eq(r.rd_off, 8);
}
END_TEST

START_TEST(rd_skip_boundary)
{
	struct gdoi_rd r;

	rd_left(&r, 3);
	ck_assert_int_eq(gdoi_rd_skip(&r, 4), GDOI_E_TRUNC);
	ck_assert_uint_eq(r.rd_off, 5);
	ck_assert_int_eq(gdoi_rd_skip(&r, 3), GDOI_OK);
	ck_assert_uint_eq(r.rd_off, 8);
	/* a huge count must not wrap the cursor */
	rd_left(&r, 7);
	ck_assert_int_eq(gdoi_rd_skip(&r, SIZE_MAX), GDOI_E_TRUNC);
	ck_assert_int_eq(gdoi_rd_skip(&r, SIZE_MAX - 3), GDOI_E_TRUNC);
	ck_assert_uint_eq(r.rd_off, 1);
}
END_TEST

START_TEST(rd_ptr_borrows)
{
	struct gdoi_rd r;
	const uint8_t *p = NULL;

	gdoi_rd_init(&r, seq8, sizeof(seq8));
	ck_assert_int_eq(gdoi_rd_skip(&r, 2), GDOI_OK);
	ck_assert_int_eq(gdoi_rd_ptr(&r, 6, &p), GDOI_OK);
	ck_assert_ptr_eq(p, seq8 + 2);   /* points into the input, no copy */
	ck_assert_uint_eq(gdoi_rd_left(&r), 0);

	gdoi_rd_init(&r, seq8, sizeof(seq8));
	ck_assert_int_eq(gdoi_rd_skip(&r, 2), GDOI_OK);
	p = NULL;
	ck_assert_int_eq(gdoi_rd_ptr(&r, 7, &p), GDOI_E_TRUNC);
	ck_assert_ptr_null(p);
	ck_assert_uint_eq(r.rd_off, 2);
}
END_TEST

START_TEST(rd_empty_input)
{
	struct gdoi_rd r;
	uint8_t v8;

	gdoi_rd_init(&r, NULL, 0);
	ck_assert_uint_eq(gdoi_rd_left(&r), 0);
	ck_assert_int_eq(gdoi_rd_u8(&r, &v8), GDOI_E_TRUNC);
	ck_assert_int_eq(gdoi_rd_skip(&r, 0), GDOI_OK);
}
END_TEST

START_TEST(rd_sub_bounds)
{
	struct gdoi_rd r, sub, sub2;
	uint16_t v;

	gdoi_rd_init(&r, seq8, sizeof(seq8));
	ck_assert_int_eq(gdoi_rd_skip(&r, 1), GDOI_OK);
	ck_assert_int_eq(gdoi_rd_sub(&r, 4, &sub), GDOI_OK);
	/* parent moved past the sub-window */
	ck_assert_uint_eq(r.rd_off, 5);
	ck_assert_uint_eq(gdoi_rd_left(&r), 3);
	/* the sub-window covers octets 1..4 and knows where it sits */
	ck_assert_ptr_eq(sub.rd_p, seq8 + 1);
	ck_assert_uint_eq(sub.rd_len, 4);
	ck_assert_uint_eq(sub.rd_off, 0);
	ck_assert_uint_eq(sub.rd_base, 1);
	ck_assert_uint_eq(gdoi_rd_pos(&sub), 1);
	ck_assert_int_eq(gdoi_rd_u16(&sub, &v), GDOI_OK);
	ck_assert_uint_eq(v, 0x0203);
	ck_assert_uint_eq(gdoi_rd_pos(&sub), 3);
	/* reads cannot escape the window although the parent has more */
	ck_assert_int_eq(gdoi_rd_skip(&sub, 3), GDOI_E_TRUNC);
	ck_assert_uint_eq(sub.rd_off, 2);

	/* a sub of a sub: positions stay absolute */
	ck_assert_int_eq(gdoi_rd_skip(&sub, 1), GDOI_OK);
	ck_assert_int_eq(gdoi_rd_sub(&sub, 1, &sub2), GDOI_OK);
	ck_assert_uint_eq(sub2.rd_base, 4);
	ck_assert_uint_eq(gdoi_rd_pos(&sub2), 4);
	ck_assert_ptr_eq(gdoi_rd_cur(&sub2), seq8 + 4);

	/* too long: error, parent unchanged */
	ck_assert_int_eq(gdoi_rd_sub(&r, 4, &sub), GDOI_E_TRUNC);
	ck_assert_uint_eq(r.rd_off, 5);
	ck_assert_int_eq(gdoi_rd_sub(&r, SIZE_MAX, &sub), GDOI_E_TRUNC);
	ck_assert_uint_eq(r.rd_off, 5);
	/* exact fit and empty sub-windows are fine */
	ck_assert_int_eq(gdoi_rd_sub(&r, 3, &sub), GDOI_OK);
	ck_assert_uint_eq(sub.rd_len, 3);
	ck_assert_uint_eq(gdoi_rd_left(&r), 0);
	ck_assert_int_eq(gdoi_rd_sub(&r, 0, &sub), GDOI_OK);
	ck_assert_uint_eq(sub.rd_len, 0);
	ck_assert_uint_eq(gdoi_rd_pos(&sub), 8);
}
END_TEST

START_TEST(rd_sequence)
{
	struct gdoi_rd r;
	uint8_t a;
	uint16_t b;
	uint32_t c;

	gdoi_rd_init(&r, seq8, sizeof(seq8));
	ck_assert_int_eq(gdoi_rd_u8(&r, &a), GDOI_OK);
	ck_assert_int_eq(gdoi_rd_u16(&r, &b), GDOI_OK);
	ck_assert_int_eq(gdoi_rd_u32(&r, &c), GDOI_OK);
	ck_assert_uint_eq(a, 0x01);
	ck_assert_uint_eq(b, 0x0203);
	ck_assert_uint_eq(c, 0x04050607);
	ck_assert_uint_eq(gdoi_rd_pos(&r), 7);
	ck_assert_int_eq(gdoi_rd_u16(&r, &b), GDOI_E_TRUNC);
	ck_assert_uint_eq(gdoi_rd_pos(&r), 7);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Writer                                                              */

START_TEST(wr_big_endian)
{
	static const uint8_t want[] = {
		0xab,
		0x01, 0x02,
		0x01, 0x02, 0x03, 0x04,
		0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
		'x', 'y', 'z',
		0x00, 0x00, 0x00,
		0xff, 0xfe,
	};
	struct gdoi_wr w;

	gdoi_wr_init(&w, 0);
	ck_assert_uint_eq(gdoi_wr_len(&w), 0);
	gdoi_wr_u8(&w, 0xab);
	gdoi_wr_u16(&w, 0x0102);
	gdoi_wr_u32(&w, 0x01020304);
	gdoi_wr_u64(&w, UINT64_C(0x0102030405060708));
	gdoi_wr_bytes(&w, "xyz", 3);
	gdoi_wr_zero(&w, 3);
	gdoi_wr_u16(&w, 0xfffe);
	ck_assert_int_eq(gdoi_wr_error(&w), GDOI_OK);
	ck_assert_uint_eq(gdoi_wr_len(&w), sizeof(want));
	ck_assert_uint_eq(gdoi_wr_off(&w), sizeof(want));
	ck_assert_mem_eq(gdoi_wr_data(&w), want, sizeof(want));
	gdoi_wr_free(&w);
	ck_assert_uint_eq(gdoi_wr_len(&w), 0);
}
END_TEST

START_TEST(wr_fixed_overflow_sticky)
{
	uint8_t buf[10];
	struct gdoi_wr w;

	memset(buf, 0xee, sizeof(buf));
	gdoi_wr_init_fixed(&w, buf, 8);
	ck_assert_ptr_eq(gdoi_wr_data(&w), buf);
	gdoi_wr_u32(&w, 0x11223344);
	gdoi_wr_u16(&w, 0x5566);
	ck_assert_int_eq(gdoi_wr_error(&w), GDOI_OK);
	ck_assert_uint_eq(gdoi_wr_len(&w), 6);
	/* 4 octets do not fit in the 2 left: nothing is written */
	gdoi_wr_u32(&w, 0x778899aa);
	ck_assert_int_eq(gdoi_wr_error(&w), GDOI_E_TOOBIG);
	ck_assert_uint_eq(gdoi_wr_len(&w), 6);
	ck_assert_uint_eq(buf[6], 0xee);
	ck_assert_uint_eq(buf[7], 0xee);
	/* sticky: a write that would fit is now a no-op */
	gdoi_wr_u8(&w, 0x01);
	gdoi_wr_bytes(&w, "a", 1);
	gdoi_wr_zero(&w, 1);
	ck_assert_uint_eq(gdoi_wr_len(&w), 6);
	ck_assert_uint_eq(buf[6], 0xee);
	ck_assert_int_eq(gdoi_wr_error(&w), GDOI_E_TOOBIG);
	/* later failures do not replace the first one */
	gdoi_wr_fail(&w, GDOI_E_NOMEM);
	ck_assert_int_eq(gdoi_wr_error(&w), GDOI_E_TOOBIG);
	/* the octets before the failure are intact; nothing past cap touched */
	ck_assert_uint_eq(buf[0], 0x11);
	ck_assert_uint_eq(buf[5], 0x66);
	ck_assert_uint_eq(buf[8], 0xee);
	ck_assert_uint_eq(buf[9], 0xee);
}
END_TEST

START_TEST(wr_fixed_exact_fit)
{
	uint8_t buf[4];
	struct gdoi_wr w;

	gdoi_wr_init_fixed(&w, buf, sizeof(buf));
	gdoi_wr_u32(&w, 0xdeadbeef);
	ck_assert_int_eq(gdoi_wr_error(&w), GDOI_OK);
	ck_assert_uint_eq(gdoi_wr_len(&w), 4);
	ck_assert_uint_eq(buf[0], 0xde);
	ck_assert_uint_eq(buf[3], 0xef);
	gdoi_wr_u8(&w, 0);
	ck_assert_int_eq(gdoi_wr_error(&w), GDOI_E_TOOBIG);
	ck_assert_uint_eq(gdoi_wr_len(&w), 4);
	/* reset clears the error and lets the buffer be reused */
	gdoi_wr_reset(&w);
	ck_assert_int_eq(gdoi_wr_error(&w), GDOI_OK);
	ck_assert_uint_eq(gdoi_wr_len(&w), 0);
	gdoi_wr_u16(&w, 0x4142);
	ck_assert_int_eq(gdoi_wr_error(&w), GDOI_OK);
	ck_assert_ptr_eq(gdoi_wr_data(&w), buf);
	ck_assert_uint_eq(buf[0], 0x41);
	ck_assert_uint_eq(buf[1], 0x42);
}
END_TEST

START_TEST(wr_backpatch)
{
	static const uint8_t want[] = { 0x00, 0xab, 0xcd, 0x00, 0x7f, 0x01, 0x02, 0x03, 0x04 };
	struct gdoi_wr w;

	gdoi_wr_init(&w, 0);
	gdoi_wr_zero(&w, 9);
	gdoi_wr_set_u16(&w, 1, 0xabcd);
	gdoi_wr_set_u8(&w, 4, 0x7f);
	gdoi_wr_set_u32(&w, 5, 0x01020304); /* ends exactly at the end */
	ck_assert_int_eq(gdoi_wr_error(&w), GDOI_OK);
	ck_assert_uint_eq(gdoi_wr_len(&w), 9);
	ck_assert_mem_eq(gdoi_wr_data(&w), want, sizeof(want));
	gdoi_wr_free(&w);
}
END_TEST

START_TEST(wr_backpatch_out_of_range)
{
	struct gdoi_wr w;
	int which;

	for (which = 0; which < 6; which++) {
		gdoi_wr_init(&w, 0);
		gdoi_wr_u32(&w, 0x01020304);
		switch (which) {
		case 0: gdoi_wr_set_u16(&w, 3, 0xffff); break; /* one octet past */
		case 1: gdoi_wr_set_u32(&w, 1, 0xffffffff); break;
		case 2: gdoi_wr_set_u8(&w, 4, 0xff); break;
		case 3: gdoi_wr_set_u16(&w, SIZE_MAX, 0xffff); break; /* no wrap */
		case 4: gdoi_wr_set_u32(&w, SIZE_MAX - 1, 0xffffffff); break;
		default: gdoi_wr_set_u8(&w, 100, 0xff); break;
		}
		ck_assert_int_eq(gdoi_wr_error(&w), GDOI_E_INVAL);
		ck_assert_uint_eq(gdoi_wr_len(&w), 4);
		ck_assert_uint_eq(gdoi_wr_data(&w)[0], 0x01);
		ck_assert_uint_eq(gdoi_wr_data(&w)[3], 0x04);
		/* the error is sticky for appends too */
		gdoi_wr_u8(&w, 0x55);
		ck_assert_uint_eq(gdoi_wr_len(&w), 4);
		gdoi_wr_free(&w);
	}
	/* back-patching an empty writer is out of range */
	gdoi_wr_init(&w, 16);
	gdoi_wr_set_u8(&w, 0, 1);
	ck_assert_int_eq(gdoi_wr_error(&w), GDOI_E_INVAL);
	gdoi_wr_free(&w);
}
END_TEST

START_TEST(wr_growth_keeps_content)
{
	struct gdoi_wr w;
	size_t i;

	gdoi_wr_init(&w, 4);
	for (i = 0; i < 5000; i++)
		gdoi_wr_u8(&w, (uint8_t)(i * 7 + 3));
	gdoi_wr_set_u16(&w, 4998, 0xbeef);
	ck_assert_int_eq(gdoi_wr_error(&w), GDOI_OK);
	ck_assert_uint_eq(gdoi_wr_len(&w), 5000);
	for (i = 0; i < 4998; i++)
		ck_assert_uint_eq(gdoi_wr_data(&w)[i], (uint8_t)(i * 7 + 3));
	ck_assert_uint_eq(gdoi_wr_data(&w)[4998], 0xbe);
	ck_assert_uint_eq(gdoi_wr_data(&w)[4999], 0xef);
	gdoi_wr_free(&w);

	/* a large single append from an empty default writer */
	gdoi_wr_init(&w, 0);
	gdoi_wr_u8(&w, 0x5a);
	gdoi_wr_zero(&w, 70000);
	gdoi_wr_u8(&w, 0xa5);
	ck_assert_int_eq(gdoi_wr_error(&w), GDOI_OK);
	ck_assert_uint_eq(gdoi_wr_len(&w), 70002);
	ck_assert_uint_eq(gdoi_wr_data(&w)[0], 0x5a);
	ck_assert_uint_eq(gdoi_wr_data(&w)[35000], 0x00);
	ck_assert_uint_eq(gdoi_wr_data(&w)[70001], 0xa5);
	gdoi_wr_free(&w);
}
END_TEST

START_TEST(wr_max_limit)
{
	struct gdoi_wr w;

	/* exactly GDOI_WR_MAX octets is the largest message */
	gdoi_wr_init(&w, 0);
	gdoi_wr_zero(&w, GDOI_WR_MAX - 1);
	gdoi_wr_u8(&w, 0x77);
	ck_assert_int_eq(gdoi_wr_error(&w), GDOI_OK);
	ck_assert_uint_eq(gdoi_wr_len(&w), GDOI_WR_MAX);
	ck_assert_uint_eq(gdoi_wr_data(&w)[GDOI_WR_MAX - 1], 0x77);
	gdoi_wr_u8(&w, 0);
	ck_assert_int_eq(gdoi_wr_error(&w), GDOI_E_TOOBIG);
	ck_assert_uint_eq(gdoi_wr_len(&w), GDOI_WR_MAX);
	gdoi_wr_free(&w);

	/* one big append past the limit writes nothing */
	gdoi_wr_init(&w, 0);
	gdoi_wr_u16(&w, 0x0102);
	gdoi_wr_zero(&w, GDOI_WR_MAX);
	ck_assert_int_eq(gdoi_wr_error(&w), GDOI_E_TOOBIG);
	ck_assert_uint_eq(gdoi_wr_len(&w), 2);
	gdoi_wr_free(&w);

	/* a size that would overflow len + n */
	gdoi_wr_init(&w, 0);
	gdoi_wr_u8(&w, 1);
	gdoi_wr_zero(&w, SIZE_MAX);
	ck_assert_int_eq(gdoi_wr_error(&w), GDOI_E_TOOBIG);
	ck_assert_uint_eq(gdoi_wr_len(&w), 1);
	gdoi_wr_free(&w);

	/* a hint above the limit does not raise it */
	gdoi_wr_init(&w, (size_t)GDOI_WR_MAX * 4);
	gdoi_wr_zero(&w, GDOI_WR_MAX + 1);
	ck_assert_int_eq(gdoi_wr_error(&w), GDOI_E_TOOBIG);
	ck_assert_uint_eq(gdoi_wr_len(&w), 0);
	gdoi_wr_free(&w);
}
END_TEST

START_TEST(wr_reset_heap)
{
	struct gdoi_wr w;

	gdoi_wr_init(&w, 8);
	gdoi_wr_u32(&w, 1);
	gdoi_wr_set_u8(&w, 10, 0);
	ck_assert_int_eq(gdoi_wr_error(&w), GDOI_E_INVAL);
	gdoi_wr_reset(&w);
	ck_assert_int_eq(gdoi_wr_error(&w), GDOI_OK);
	ck_assert_uint_eq(gdoi_wr_len(&w), 0);
	gdoi_wr_u16(&w, 0x0a0b);
	ck_assert_int_eq(gdoi_wr_error(&w), GDOI_OK);
	ck_assert_uint_eq(gdoi_wr_len(&w), 2);
	ck_assert_uint_eq(gdoi_wr_data(&w)[0], 0x0a);
	ck_assert_uint_eq(gdoi_wr_data(&w)[1], 0x0b);
	gdoi_wr_free(&w);
	/* free twice is harmless */
	gdoi_wr_free(&w);
}
END_TEST

START_TEST(wr_fail_first_wins)
{
	struct gdoi_wr w;

	gdoi_wr_init(&w, 0);
	gdoi_wr_fail(&w, GDOI_E_ATTR);
	gdoi_wr_fail(&w, GDOI_E_TOOBIG);
	ck_assert_int_eq(gdoi_wr_error(&w), GDOI_E_ATTR);
	gdoi_wr_u32(&w, 5);
	ck_assert_uint_eq(gdoi_wr_len(&w), 0);
	gdoi_wr_free(&w);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Error names                                                         */

struct err_row {
	int code;
	const char *sym;
	const char *text;
};

static const struct err_row err_rows[] = {
#define ROW(sym, val, text) { val, #sym, text },
	GDOI_ERRORS(ROW)
#undef ROW
};
#define N_ERR_ROWS (sizeof(err_rows) / sizeof(err_rows[0]))

START_TEST(err_every_code)
{
	size_t i, j;

	ck_assert_uint_eq(N_ERR_ROWS, 19);
	for (i = 0; i < N_ERR_ROWS; i++) {
		const char *name = gdoi_errname(err_rows[i].code);
		const char *text = gdoi_strerror(err_rows[i].code);

		ck_assert_ptr_nonnull(name);
		ck_assert_ptr_nonnull(text);
		ck_assert_str_eq(name, err_rows[i].sym);
		ck_assert_str_eq(text, err_rows[i].text);
		ck_assert_uint_gt(strlen(text), 0);
		ck_assert_str_ne(text, "unknown error");
		for (j = 0; j < i; j++) {
			ck_assert_str_ne(name, gdoi_errname(err_rows[j].code));
			ck_assert_int_ne(err_rows[i].code, err_rows[j].code);
		}
	}
	/* the codes are the documented values */
	ck_assert_int_eq(GDOI_OK, 0);
	ck_assert_int_eq(GDOI_E_TRUNC, -1);
	ck_assert_int_eq(GDOI_E_ORDER, -18);
	ck_assert_str_eq(gdoi_errname(GDOI_E_TRUNC), "GDOI_E_TRUNC");
	ck_assert_str_eq(gdoi_errname(GDOI_E_TRAILING), "GDOI_E_TRAILING");
}
END_TEST

START_TEST(err_foreign_code)
{
	static const int foreign[] = { 1, 7, -19, -100, INT_MIN, INT_MAX };
	size_t i, j;

	for (i = 0; i < sizeof(foreign) / sizeof(foreign[0]); i++) {
		const char *name = gdoi_errname(foreign[i]);

		ck_assert_str_eq(gdoi_strerror(foreign[i]), "unknown error");
		ck_assert_ptr_nonnull(name);
		for (j = 0; j < N_ERR_ROWS; j++)
			ck_assert_str_ne(name, err_rows[j].sym);
	}
}
END_TEST

/* ------------------------------------------------------------------ */
/* Diagnostics                                                         */

START_TEST(diag_first_wins)
{
	struct gdoi_diag d;

	memset(&d, 0, sizeof(d));
	ck_assert_int_eq(gdoi_diag_set(&d, GDOI_E_TRUNC, 42, 17, "KD length %u > %d", 9u, 3),
	    GDOI_E_TRUNC);
	ck_assert_int_eq(d.err, GDOI_E_TRUNC);
	ck_assert_uint_eq(d.off, 42);
	ck_assert_uint_eq(d.pl_type, 17);
	ck_assert_str_eq(d.detail, "KD length 9 > 3");

	/* the second failure returns its own code but changes nothing */
	ck_assert_int_eq(gdoi_diag_set(&d, GDOI_E_COUNT, 7, 1, "later"), GDOI_E_COUNT);
	ck_assert_int_eq(d.err, GDOI_E_TRUNC);
	ck_assert_uint_eq(d.off, 42);
	ck_assert_uint_eq(d.pl_type, 17);
	ck_assert_str_eq(d.detail, "KD length 9 > 3");

	/* no record at all is fine */
	ck_assert_int_eq(gdoi_diag_set(NULL, GDOI_E_ID, 0, 5, "x"), GDOI_E_ID);
}
END_TEST

START_TEST(diag_detail_truncated)
{
	struct gdoi_diag d;
	char longs[400];

	memset(longs, 'q', sizeof(longs) - 1);
	longs[sizeof(longs) - 1] = '\0';
	memset(&d, 0, sizeof(d));
	gdoi_diag_set(&d, GDOI_E_ATTR, 1, 2, "%s", longs);
	ck_assert_int_eq(d.err, GDOI_E_ATTR);
	ck_assert_uint_eq(strlen(d.detail), sizeof(d.detail) - 1);
	ck_assert_int_eq(d.detail[0], 'q');
}
END_TEST

/* ------------------------------------------------------------------ */
/* Arena                                                               */

START_TEST(arena_zeroed_aligned)
{
	struct gdoi_arena *a = gdoi_arena_new();
	size_t sizes[] = { 1, 3, 7, 8, 13, 16, 31, 100, 4000, 5000, 70000 };
	size_t i, j, used = 0;

	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(gdoi_arena_used(a), 0);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint8_t *p = gdoi_arena_alloc(a, sizes[i]);

		ck_assert_ptr_nonnull(p);
		ck_assert_uint_eq((uintptr_t)p % _Alignof(max_align_t), 0);
		for (j = 0; j < sizes[i]; j++)
			ck_assert_uint_eq(p[j], 0);
		memset(p, 0xa5, sizes[i]); /* must be writable in full (ASan checks) */
		used += sizes[i];
		ck_assert_uint_ge(gdoi_arena_used(a), used);
	}
	/* n == 0 still gives a valid pointer */
	ck_assert_ptr_nonnull(gdoi_arena_alloc(a, 0));
	gdoi_arena_free(a);
	gdoi_arena_free(NULL);
	ck_assert_uint_eq(gdoi_arena_used(NULL), 0);
}
END_TEST

START_TEST(arena_distinct_blocks)
{
	struct gdoi_arena *a = gdoi_arena_new();
	uint32_t *p[200];
	size_t i;

	for (i = 0; i < 200; i++) {
		p[i] = gdoi_arena_alloc(a, sizeof(uint32_t) * 10);
		ck_assert_ptr_nonnull(p[i]);
		p[i][0] = (uint32_t)i;
		p[i][9] = (uint32_t)(i * 3);
	}
	for (i = 0; i < 200; i++) {
		ck_assert_uint_eq(p[i][0], i);
		ck_assert_uint_eq(p[i][9], i * 3);
	}
	gdoi_arena_free(a);
}
END_TEST

START_TEST(arena_calloc_overflow)
{
	struct gdoi_arena *a = gdoi_arena_new();
	uint64_t *v;
	size_t i;

	ck_assert_ptr_null(gdoi_arena_calloc(a, SIZE_MAX / 2 + 1, 2));
	ck_assert_ptr_null(gdoi_arena_calloc(a, SIZE_MAX, SIZE_MAX));
	ck_assert_ptr_null(gdoi_arena_calloc(a, 3, SIZE_MAX / 2));
	ck_assert_ptr_null(gdoi_arena_alloc(a, SIZE_MAX));
	ck_assert_ptr_null(gdoi_arena_alloc(a, SIZE_MAX - 8));
	v = gdoi_arena_calloc(a, 6, sizeof(*v));
	ck_assert_ptr_nonnull(v);
	for (i = 0; i < 6; i++)
		ck_assert(v[i] == 0);
	ck_assert_uint_eq((uintptr_t)v % _Alignof(max_align_t), 0);
	ck_assert_ptr_nonnull(gdoi_arena_calloc(a, 0, 8));
	gdoi_arena_free(a);
}
END_TEST

START_TEST(hex_encode_decode)
{
	static const uint8_t p[] = { 0x00, 0x9f, 0xa5, 0xff };
	char out[16];
	int c;

	memset(out, 'x', sizeof(out));
	gdoi_hex_put(out, p, sizeof(p), 0);
	ck_assert_mem_eq(out, "009fa5ffx", 9);	/* no NUL written */
	ck_assert_str_eq(gdoi_hex_str(out, sizeof(out), p, sizeof(p), 1), "009FA5FF");
	/* whole octets that fit with the NUL: cap 6 holds two */
	ck_assert_str_eq(gdoi_hex_str(out, 6, p, sizeof(p), 0), "009f");
	ck_assert_str_eq(gdoi_hex_str(out, 1, p, sizeof(p), 0), "");
	for (c = 0; c < 256; c++) {
		int want = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
		    c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;

		ck_assert_int_eq(gdoi_hexval(c), want);
	}
}
END_TEST

static Suite *
buf_suite(void)
{
	Suite *s = suite_create("buf");
	TCase *tc;

	tc = tcase_create("reader");
	tcase_add_test(tc, rd_init_state);
	tcase_add_test(tc, rd_u8_boundary);
	tcase_add_test(tc, rd_u16_boundary);
	tcase_add_test(tc, rd_u32_boundary);
	tcase_add_test(tc, rd_u64_boundary);
	tcase_add_test(tc, rd_big_endian_high_bits);
	tcase_add_test(tc, rd_bytes_boundary);
	tcase_add_test(tc, rd_skip_boundary);
	tcase_add_test(tc, rd_ptr_borrows);
	tcase_add_test(tc, rd_empty_input);
	tcase_add_test(tc, rd_sequence);
	suite_add_tcase(s, tc);

	tc = tcase_create("reader_sub");
	tcase_add_test(tc, rd_sub_bounds);
	suite_add_tcase(s, tc);

	tc = tcase_create("writer");
	tcase_add_test(tc, wr_big_endian);
	tcase_add_test(tc, wr_fixed_overflow_sticky);
	tcase_add_test(tc, wr_fixed_exact_fit);
	tcase_add_test(tc, wr_fail_first_wins);
	tcase_add_test(tc, wr_reset_heap);
	suite_add_tcase(s, tc);

	tc = tcase_create("writer_backpatch");
	tcase_add_test(tc, wr_backpatch);
	tcase_add_test(tc, wr_backpatch_out_of_range);
	suite_add_tcase(s, tc);

	tc = tcase_create("writer_growth");
	tcase_add_test(tc, wr_growth_keeps_content);
	tcase_add_test(tc, wr_max_limit);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_test(tc, err_every_code);
	tcase_add_test(tc, err_foreign_code);
	suite_add_tcase(s, tc);

	tc = tcase_create("diag");
	tcase_add_test(tc, diag_first_wins);
	tcase_add_test(tc, diag_detail_truncated);
	suite_add_tcase(s, tc);

	tc = tcase_create("arena");
	tcase_add_test(tc, arena_zeroed_aligned);
	tcase_add_test(tc, arena_distinct_blocks);
	tcase_add_test(tc, arena_calloc_overflow);
	suite_add_tcase(s, tc);

	tc = tcase_create("hex");
	tcase_add_test(tc, hex_encode_decode);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(buf_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
