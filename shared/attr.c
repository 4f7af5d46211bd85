/*
 * Data attributes (RFC 2408 3.3):
 *
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !A!       Attribute Type        !    AF=0  Attribute Length     !
 * !F!                             !    AF=1  Attribute Value      !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * .                   AF=0  Attribute Value                       .
 * .                   AF=1  Not Transmitted                       .
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * AF set: TV (basic), the 2-octet value follows the type.  AF clear: TLV.
 */
#include <string.h>

#include "codec.h"

/* One attribute; cursor unchanged on failure. */
static int
attr_read(struct gdoi_rd *r, struct gdoi_attr *at, unsigned pl_type, struct gdoi_diag *d)
{
	struct gdoi_rd save = *r;
	uint16_t type, v;
	const uint8_t *p;

	if (gdoi_rd_u16(r, &type) || gdoi_rd_u16(r, &v)) {
		*r = save;
		return GDOI_FAIL(d, GDOI_E_ATTR, r, pl_type,
		    "attribute header needs 4 octets, %zu left", gdoi_rd_left(r));
	}
	at->a_type = type & (uint16_t)~ISAKMP_ATTR_AF;
	if (type & ISAKMP_ATTR_AF) {
		at->a_tv = 1;
		at->a_val = v;
		at->a_data.ptr = NULL;
		at->a_data.len = 0;
		return GDOI_OK;
	}
	if (gdoi_rd_ptr(r, v, &p)) {
		int err = GDOI_FAIL(d, GDOI_E_TRUNC, r, pl_type,
		    "attribute %u length %u > %zu left", at->a_type, v, gdoi_rd_left(r));
		*r = save;
		return err;
	}
	at->a_tv = 0;
	at->a_val = 0;
	at->a_data.ptr = p;
	at->a_data.len = v;
	return GDOI_OK;
}

int
gdoi_attrs_decode(struct gdoi_rd *r, struct gdoi_arena *a, struct gdoi_attrs *out,
    unsigned pl_type, struct gdoi_diag *d)
{
	struct gdoi_rd probe = *r;
	struct gdoi_attr tmp;
	size_t n = 0, i;
	int err;

	out->v = NULL;
	out->n = 0;
	/* First pass: validate and count, so the array is allocated once. */
	while (gdoi_rd_left(&probe) > 0) {
		if ((err = attr_read(&probe, &tmp, pl_type, d)) != 0)
			return err;
		if (++n > GDOI_MAX_ATTRS)
			return GDOI_FAIL(d, GDOI_E_NESTING, &probe, pl_type,
			    "more than %d attributes", GDOI_MAX_ATTRS);
	}
	if (n == 0)
		return GDOI_OK;
	out->v = gdoi_arena_calloc(a, n, sizeof(*out->v));
	if (out->v == NULL)
		return GDOI_FAIL(d, GDOI_E_NOMEM, r, pl_type, "attributes");
	for (i = 0; i < n; i++)
		if ((err = attr_read(r, &out->v[i], pl_type, d)) != 0)
			return err;
	out->n = n;
	return GDOI_OK;
}

void
gdoi_attrs_encode(struct gdoi_wr *w, const struct gdoi_attrs *as)
{
	size_t i;

	for (i = 0; as && i < as->n; i++) {
		const struct gdoi_attr *at = &as->v[i];

		if (at->a_type & ISAKMP_ATTR_AF) {
			gdoi_wr_fail(w, GDOI_E_INVAL);
			return;
		}
		if (at->a_tv) {
			gdoi_wr_u16(w, at->a_type | ISAKMP_ATTR_AF);
			gdoi_wr_u16(w, at->a_val);
		} else {
			if (at->a_data.len > 0xffff) {
				gdoi_wr_fail(w, GDOI_E_TOOBIG);
				return;
			}
			gdoi_wr_u16(w, at->a_type);
			gdoi_wr_u16(w, (uint16_t)at->a_data.len);
			gdoi_wr_bytes(w, at->a_data.ptr, at->a_data.len);
		}
	}
}

const struct gdoi_attr *
gdoi_attrs_find(const struct gdoi_attrs *as, uint16_t type)
{
	size_t i;

	for (i = 0; as && i < as->n; i++)
		if (as->v[i].a_type == type)
			return &as->v[i];
	return NULL;
}

int
gdoi_attr_uint(const struct gdoi_attr *at, uint64_t *v)
{
	uint64_t x = 0;
	size_t i;

	if (at == NULL)
		return GDOI_E_INVAL;
	if (at->a_tv) {
		*v = at->a_val;
		return GDOI_OK;
	}
	if (at->a_data.len == 0 || at->a_data.len > 8)
		return GDOI_E_ATTR;
	for (i = 0; i < at->a_data.len; i++)
		x = x << 8 | at->a_data.ptr[i];
	*v = x;
	return GDOI_OK;
}

struct gdoi_attr
gdoi_attr_tv(uint16_t type, uint16_t val)
{
	struct gdoi_attr at;

	memset(&at, 0, sizeof(at));
	at.a_type = type;
	at.a_tv = 1;
	at.a_val = val;
	return at;
}

struct gdoi_attr
gdoi_attr_tlv(uint16_t type, const void *data, size_t len)
{
	struct gdoi_attr at;

	memset(&at, 0, sizeof(at));
	at.a_type = type;
	at.a_data.ptr = data;
	at.a_data.len = len;
	return at;
}
