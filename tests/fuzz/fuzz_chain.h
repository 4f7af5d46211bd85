/*
 * The body shared by the two chain harnesses (fuzz_chain_p1.c and
 * fuzz_chain_gdoi.c): each defines HARNESS_CTX, then includes this file.
 *
 * Input: octet 0 = type of the first payload, octet 1 bit 0 =
 * allow_trailing, the rest = the chain.  An accepted chain is encoded again
 * with gdoi_chain_encode(); that must succeed and decode again.
 */
#ifndef HARNESS_CTX
#error define HARNESS_CTX before including fuzz_chain.h
#endif
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gdoi/payload.h"


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
reencode(const struct gdoi_payload *pl, size_t n)
{
	struct gdoi_payload *pl2 = NULL;
	struct gdoi_arena *a;
	struct gdoi_diag d;
	struct gdoi_wr w;
	uint8_t first = 0, *copy;
	size_t len, n2 = 0, used = 0;

	gdoi_wr_init(&w, 0);
	gdoi_chain_encode(&w, HARNESS_CTX, pl, n, &first);
	if (gdoi_wr_error(&w) != GDOI_OK)
		__builtin_trap();
	len = gdoi_wr_len(&w);
	if ((copy = malloc(len ? len : 1)) == NULL || (a = gdoi_arena_new()) == NULL)
		abort();
	if (len)
		memcpy(copy, gdoi_wr_data(&w), len);
	memset(&d, 0, sizeof(d));
	if (gdoi_chain_decode(HARNESS_CTX, first, copy, len, 0, 0, a, &pl2, &n2, &used,
	    &d) != GDOI_OK || n2 != n || used != len)
		__builtin_trap();
	gdoi_arena_free(a);
	free(copy);
	gdoi_wr_free(&w);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gdoi_payload *pl = NULL;
	struct gdoi_arena *a;
	struct gdoi_diag d;
	uint8_t first_np, *copy;
	size_t len, n = 0, used = 0;
	int trailing, err;

	if (size < 2)
		return 0;
	first_np = data[0];
	trailing = data[1] & 1;
	len = size - 2;
	/* An exact-size copy, so that any over-read leaves the block. */
	if ((copy = malloc(len ? len : 1)) == NULL || (a = gdoi_arena_new()) == NULL)
		abort();
	if (len)
		memcpy(copy, data + 2, len);
	memset(&d, 0, sizeof(d));
	err = gdoi_chain_decode(HARNESS_CTX, first_np, copy, len, ISAKMP_HDR_LEN, trailing,
	    a, &pl, &n, &used, &d);
	if (err == GDOI_OK) {
		if (used > len || (!trailing && used != len) || (n && pl == NULL))
			__builtin_trap();
		reencode(pl, n);
	} else if (d.err != err) {
		__builtin_trap();
	}
	gdoi_arena_free(a);
	free(copy);
	return 0;
}
