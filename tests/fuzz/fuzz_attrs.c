/*
 * libFuzzer harness: gdoi_attrs_decode() over the whole input (a raw
 * data attribute list, RFC 2408 3.3, no payload header).
 *
 * An accepted list is encoded again with gdoi_attrs_encode(): the AF bit
 * is kept per attribute, so the encoding must give back the input octets.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gdoi/payload.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gdoi_attrs as = { NULL, 0 };
	struct gdoi_arena *a;
	struct gdoi_diag d;
	struct gdoi_rd r;
	struct gdoi_wr w;
	uint8_t *copy;
	int err;

	/* An exact-size copy, so that any over-read leaves the block. */
	if ((copy = malloc(size ? size : 1)) == NULL || (a = gdoi_arena_new()) == NULL)
		abort();
	if (size)
		memcpy(copy, data, size);
	gdoi_rd_init(&r, copy, size);
	memset(&d, 0, sizeof(d));
	err = gdoi_attrs_decode(&r, a, &as, ISAKMP_PL_T, &d);
	if (err == GDOI_OK) {
		if (as.n > GDOI_MAX_ATTRS || (as.n && as.v == NULL))
			__builtin_trap();
		gdoi_wr_init(&w, 0);
		gdoi_attrs_encode(&w, &as);
		if (gdoi_wr_error(&w) != GDOI_OK || gdoi_wr_len(&w) != size ||
		    (size && memcmp(gdoi_wr_data(&w), copy, size) != 0))
			__builtin_trap();
		gdoi_wr_free(&w);
	} else if (d.err != err) {
		__builtin_trap();
	}
	gdoi_arena_free(a);
	free(copy);
	return 0;
}
