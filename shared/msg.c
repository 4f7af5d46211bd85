/*
 * Whole ISAKMP/GDOI messages: header plus payload chain.
 */
#include <stdlib.h>

#include "codec.h"

int
gdoi_msg_decode(const uint8_t *buf, size_t len, struct gdoi_msg **out, struct gdoi_diag *d)
{
	struct gdoi_arena *a;
	struct gdoi_msg *m;
	struct gdoi_rd r;
	int err;

	*out = NULL;
	if (buf == NULL && len)
		return gdoi_diag_set(d, GDOI_E_INVAL, 0, 0, "no buffer for %zu octets", len);
	gdoi_rd_init(&r, buf, len);
	if ((a = gdoi_arena_new()) == NULL)
		return gdoi_diag_set(d, GDOI_E_NOMEM, 0, 0, "arena");
	if ((m = gdoi_arena_alloc(a, sizeof(*m))) == NULL) {
		gdoi_arena_free(a);
		return gdoi_diag_set(d, GDOI_E_NOMEM, 0, 0, "message");
	}
	m->m_arena = a;
	m->m_raw.ptr = buf;
	m->m_raw.len = len;
	if ((err = gdoi_hdr_decode(&r, &m->m_hdr, d)) != 0)
		goto fail;
	if (m->m_hdr.h_length > len) {
		err = gdoi_diag_set(d, GDOI_E_TRUNC, 0, 0,
		    "header length %u > %zu octets received", m->m_hdr.h_length, len);
		goto fail;
	}
	m->m_trailing = len - m->m_hdr.h_length;
	m->m_body.ptr = buf + ISAKMP_HDR_LEN;
	m->m_body.len = m->m_hdr.h_length - ISAKMP_HDR_LEN;
	if (m->m_hdr.h_flags & ISAKMP_FLAG_E) {
		/* Ciphertext: the caller decrypts and decodes the chain itself. */
		*out = m;
		return GDOI_OK;
	}
	err = gdoi_chain_decode(gdoi_ctx_for_exchange(m->m_hdr.h_exchange), m->m_hdr.h_np,
	    m->m_body.ptr, m->m_body.len, ISAKMP_HDR_LEN, 0, a, &m->m_pl, &m->m_npl, NULL, d);
	if (err)
		goto fail;
	*out = m;
	return GDOI_OK;
fail:
	gdoi_arena_free(a);
	return err;
}

void
gdoi_msg_free(struct gdoi_msg *m)
{
	if (m)
		gdoi_arena_free(m->m_arena);	/* m lives in its own arena */
}

int
gdoi_msg_encode(struct gdoi_wr *w, const struct isakmp_hdr *hdr, const struct gdoi_payload *pl,
    size_t n)
{
	size_t start = gdoi_wr_off(w), len;
	uint8_t first = 0;

	gdoi_hdr_encode(w, hdr);
	gdoi_chain_encode(w, gdoi_ctx_for_exchange(hdr->h_exchange), pl, n, &first);
	if (gdoi_wr_error(w))
		return gdoi_wr_error(w);
	len = gdoi_wr_off(w) - start;
	if (len > UINT32_MAX) {
		gdoi_wr_fail(w, GDOI_E_TOOBIG);
		return GDOI_E_TOOBIG;
	}
	gdoi_wr_set_u8(w, start + 16, first);
	gdoi_wr_set_u32(w, start + 24, (uint32_t)len);
	return gdoi_wr_error(w);
}

const struct gdoi_payload *
gdoi_msg_find(const struct gdoi_msg *m, uint8_t type, size_t i)
{
	size_t k;

	for (k = 0; m && k < m->m_npl; k++)
		if (m->m_pl[k].pl_type == type && i-- == 0)
			return &m->m_pl[k];
	return NULL;
}
