/*
 * libFuzzer harness: gdoi_msg_decode() on one datagram.
 *
 * A message the decoder accepts (and that is not encrypted) is encoded
 * again with gdoi_msg_encode(); the encoder must accept the tree and the
 * decoder must accept its output.  Anything else traps.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gdoi/payload.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
reencode(const struct gdoi_msg *m)
{
	struct gdoi_msg *m2 = NULL;
	struct gdoi_diag d;
	struct gdoi_wr w;
	uint8_t *copy;
	size_t len;

	gdoi_wr_init(&w, 0);
	if (gdoi_msg_encode(&w, &m->m_hdr, m->m_pl, m->m_npl) != GDOI_OK)
		__builtin_trap();
	len = gdoi_wr_len(&w);
	if ((copy = malloc(len ? len : 1)) == NULL)
		abort();
	memcpy(copy, gdoi_wr_data(&w), len);
	memset(&d, 0, sizeof(d));
	if (gdoi_msg_decode(copy, len, &m2, &d) != GDOI_OK || m2 == NULL)
		__builtin_trap();
	if (m2->m_npl != m->m_npl)
		__builtin_trap();
	gdoi_msg_free(m2);
	free(copy);
	gdoi_wr_free(&w);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gdoi_msg *m = NULL;
	struct gdoi_diag d;
	uint8_t *copy;
	int err;

	/* An exact-size copy, so that any over-read leaves the block. */
	if ((copy = malloc(size ? size : 1)) == NULL)
		abort();
	if (size)
		memcpy(copy, data, size);
	memset(&d, 0, sizeof(d));
	err = gdoi_msg_decode(copy, size, &m, &d);
	if (err == GDOI_OK) {
		if (m == NULL)
			__builtin_trap();
		if (!(m->m_hdr.h_flags & ISAKMP_FLAG_E))
			reencode(m);
		gdoi_msg_free(m);
	} else if (m != NULL || d.err != err) {
		__builtin_trap();
	}
	free(copy);
	return 0;
}
