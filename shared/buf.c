/*
 * Bounded reader and growable writer (see gdoi/buf.h).
 */
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>

#include "gdoi/buf.h"
#include "gdoi/err.h"

void
gdoi_rd_init(struct gdoi_rd *r, const void *p, size_t len)
{
	r->rd_p = p;
	r->rd_len = p ? len : 0;
	r->rd_off = 0;
	r->rd_base = 0;
}

int
gdoi_rd_ptr(struct gdoi_rd *r, size_t n, const uint8_t **out)
{
	if (n > gdoi_rd_left(r))
		return GDOI_E_TRUNC;
	/* An empty reader may have no buffer at all: never offset NULL. */
	*out = r->rd_p ? r->rd_p + r->rd_off : NULL;
	r->rd_off += n;
	return GDOI_OK;
}

int
gdoi_rd_u8(struct gdoi_rd *r, uint8_t *v)
{
	const uint8_t *p;

	if (gdoi_rd_ptr(r, 1, &p))
		return GDOI_E_TRUNC;
	*v = p[0];
	return GDOI_OK;
}

int
gdoi_rd_u16(struct gdoi_rd *r, uint16_t *v)
{
	const uint8_t *p;

	if (gdoi_rd_ptr(r, 2, &p))
		return GDOI_E_TRUNC;
	*v = gdoi_be16(p);
	return GDOI_OK;
}

int
gdoi_rd_u32(struct gdoi_rd *r, uint32_t *v)
{
	const uint8_t *p;

	if (gdoi_rd_ptr(r, 4, &p))
		return GDOI_E_TRUNC;
	*v = gdoi_be32(p);
	return GDOI_OK;
}

int
gdoi_rd_u64(struct gdoi_rd *r, uint64_t *v)
{
	const uint8_t *p;

	if (gdoi_rd_ptr(r, 8, &p))
		return GDOI_E_TRUNC;
	*v = (uint64_t)gdoi_be32(p) << 32 | gdoi_be32(p + 4);
	return GDOI_OK;
}

int
gdoi_rd_bytes(struct gdoi_rd *r, void *dst, size_t n)
{
	const uint8_t *p;

	if (gdoi_rd_ptr(r, n, &p))
		return GDOI_E_TRUNC;
	if (n)
		memcpy(dst, p, n);
	return GDOI_OK;
}

int
gdoi_rd_skip(struct gdoi_rd *r, size_t n)
{
	const uint8_t *p;

	return gdoi_rd_ptr(r, n, &p);
}

int
gdoi_rd_sub(struct gdoi_rd *r, size_t n, struct gdoi_rd *sub)
{
	size_t at = r->rd_off;
	const uint8_t *p;

	if (gdoi_rd_ptr(r, n, &p))
		return GDOI_E_TRUNC;
	sub->rd_p = p;
	sub->rd_len = n;
	sub->rd_off = 0;
	sub->rd_base = r->rd_base + at;
	return GDOI_OK;
}

/* ------------------------------------------------------------------ */

void
gdoi_wr_init(struct gdoi_wr *w, size_t hint)
{
	memset(w, 0, sizeof(*w));
	w->wr_max = GDOI_WR_MAX;
	if (hint > GDOI_WR_MAX)
		hint = GDOI_WR_MAX;
	if (hint) {
		w->wr_buf = malloc(hint);
		if (w->wr_buf == NULL)
			w->wr_err = GDOI_E_NOMEM;
		else
			w->wr_cap = hint;
	}
}

void
gdoi_wr_init_fixed(struct gdoi_wr *w, void *buf, size_t cap)
{
	memset(w, 0, sizeof(*w));
	w->wr_buf = buf;
	w->wr_cap = cap;
	w->wr_max = cap;
	w->wr_fixed = 1;
}

void
gdoi_wr_free(struct gdoi_wr *w)
{
	if (w->wr_buf && w->wr_cap)
		OPENSSL_cleanse(w->wr_buf, w->wr_cap);
	if (!w->wr_fixed)
		free(w->wr_buf);
	w->wr_buf = NULL;
	w->wr_len = w->wr_cap = 0;
	w->wr_err = 0;
}

void
gdoi_wr_reset(struct gdoi_wr *w)
{
	if (w->wr_buf && w->wr_len)
		OPENSSL_cleanse(w->wr_buf, w->wr_len);
	w->wr_len = 0;
	w->wr_err = 0;
}

void
gdoi_wr_fail(struct gdoi_wr *w, int err)
{
	if (w->wr_err == 0)
		w->wr_err = err;
}

/* Make room for n more bytes; returns a pointer to them or NULL (error set). */
static uint8_t *
wr_room(struct gdoi_wr *w, size_t n)
{
	size_t need, ncap;
	uint8_t *nb;

	if (w->wr_err)
		return NULL;
	if (n > w->wr_max - w->wr_len) {
		gdoi_wr_fail(w, GDOI_E_TOOBIG);
		return NULL;
	}
	need = w->wr_len + n;
	if (need > w->wr_cap) {
		if (w->wr_fixed) {
			gdoi_wr_fail(w, GDOI_E_TOOBIG);
			return NULL;
		}
		ncap = w->wr_cap ? w->wr_cap : 256;
		while (ncap < need)
			ncap *= 2;
		if (ncap > w->wr_max)
			ncap = w->wr_max;
		/* Never realloc: the old buffer may hold keys and must be wiped. */
		nb = malloc(ncap);
		if (nb == NULL) {
			gdoi_wr_fail(w, GDOI_E_NOMEM);
			return NULL;
		}
		if (w->wr_buf) {
			memcpy(nb, w->wr_buf, w->wr_len);
			OPENSSL_cleanse(w->wr_buf, w->wr_cap);
			free(w->wr_buf);
		}
		w->wr_buf = nb;
		w->wr_cap = ncap;
	}
	nb = w->wr_buf + w->wr_len;
	w->wr_len += n;
	return nb;
}

void
gdoi_wr_u8(struct gdoi_wr *w, uint8_t v)
{
	uint8_t *p = wr_room(w, 1);

	if (p)
		p[0] = v;
}

void
gdoi_wr_u16(struct gdoi_wr *w, uint16_t v)
{
	uint8_t *p = wr_room(w, 2);

	if (p)
		gdoi_put16(p, v);
}

void
gdoi_wr_u32(struct gdoi_wr *w, uint32_t v)
{
	uint8_t *p = wr_room(w, 4);

	if (p)
		gdoi_put32(p, v);
}

void
gdoi_wr_u64(struct gdoi_wr *w, uint64_t v)
{
	uint8_t *p = wr_room(w, 8);

	if (p) {
		gdoi_put32(p, (uint32_t)(v >> 32));
		gdoi_put32(p + 4, (uint32_t)v);
	}
}

void
gdoi_wr_bytes(struct gdoi_wr *w, const void *src, size_t n)
{
	uint8_t *p;

	if (n && src == NULL) {
		gdoi_wr_fail(w, GDOI_E_INVAL);
		return;
	}
	p = wr_room(w, n);
	if (p && n)
		memcpy(p, src, n);
}

void
gdoi_wr_zero(struct gdoi_wr *w, size_t n)
{
	uint8_t *p = wr_room(w, n);

	if (p && n)
		memset(p, 0, n);
}

static uint8_t *
wr_at(struct gdoi_wr *w, size_t off, size_t n)
{
	if (w->wr_err)
		return NULL;
	if (off > w->wr_len || n > w->wr_len - off) {
		gdoi_wr_fail(w, GDOI_E_INVAL);
		return NULL;
	}
	return w->wr_buf + off;
}

void
gdoi_wr_set_u8(struct gdoi_wr *w, size_t off, uint8_t v)
{
	uint8_t *p = wr_at(w, off, 1);

	if (p)
		p[0] = v;
}

void
gdoi_wr_set_u16(struct gdoi_wr *w, size_t off, uint16_t v)
{
	uint8_t *p = wr_at(w, off, 2);

	if (p)
		gdoi_put16(p, v);
}

void
gdoi_wr_set_u32(struct gdoi_wr *w, size_t off, uint32_t v)
{
	uint8_t *p = wr_at(w, off, 4);

	if (p)
		gdoi_put32(p, v);
}

int
gdoi_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

void
gdoi_hex_put(char *out, const uint8_t *p, size_t n, int upper)
{
	const char *hex = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hex[p[i] >> 4];
		out[2 * i + 1] = hex[p[i] & 15];
	}
}

char *
gdoi_hex_str(char *out, size_t cap, const uint8_t *p, size_t n, int upper)
{
	if (n > (cap - 1) / 2)
		n = (cap - 1) / 2;
	gdoi_hex_put(out, p, n, upper);
	out[2 * n] = '\0';
	return out;
}
