/*
 * In-memory Main Mode driver for the Phase 1 unit tests (see p1_drive.h).
 */
#include <check.h>
#include <string.h>

#include "gdoi/payload.h"
#include "p1_drive.h"

void
p1_save(struct p1_dgram *d, const struct gdoi_p1_out *o)
{
	ck_assert_uint_gt(o->o_len, 0);
	memcpy(d->b, o->o_msg, o->o_len);
	d->n = o->o_len;
}

void
p1_run_to(struct p1_run *x, struct gdoi_p1_ctx *ic, const struct gdoi_p1_peer *ip,
    struct gdoi_p1_ctx *rc, const struct gdoi_p1_peer *rp, int upto, uint64_t now,
    struct gdoi_p1_out *out)
{
	int k;

	memset(x, 0, sizeof(*x));
	ck_assert_int_eq(gdoi_p1_initiate(ic, ip, now, &x->i, out), 0);
	ck_assert_ptr_nonnull(x->i);
	p1_save(&x->m[1], out);
	for (k = 2; k <= upto; k++) {
		if (k == 2) {
			ck_assert_int_eq(gdoi_p1_respond(rc, rp, x->m[1].b, x->m[1].n, now,
			    &x->r, out), 0);
			ck_assert_ptr_nonnull(x->r);
		} else
			ck_assert_int_eq(gdoi_p1_input(k % 2 ? x->i : x->r, x->m[k - 1].b,
			    x->m[k - 1].n, now, out), 0);
		p1_save(&x->m[k], out);
	}
}

void
p1_run_full(struct p1_run *x, struct gdoi_p1_ctx *ic, const struct gdoi_p1_peer *ip,
    struct gdoi_p1_ctx *rc, const struct gdoi_p1_peer *rp, uint64_t now,
    struct gdoi_p1_out *out)
{
	p1_run_to(x, ic, ip, rc, rp, 6, now, out);
	ck_assert(out->o_events & GDOI_P1_EV_ESTABLISHED);
	ck_assert_int_eq(gdoi_p1_input(x->i, x->m[6].b, x->m[6].n, now, out), 0);
	ck_assert_uint_eq(out->o_events, GDOI_P1_EV_ESTABLISHED);
	ck_assert_uint_eq(out->o_len, 0);
}

void
p1_run_free(struct p1_run *x)
{
	gdoi_p1_sa_free(x->i);
	gdoi_p1_sa_free(x->r);
	x->i = x->r = NULL;
}

uint16_t
p1_notify_type(const uint8_t *b, size_t n)
{
	struct gdoi_msg *m = NULL;
	const struct gdoi_payload *p;
	uint16_t t;

	ck_assert_int_eq(gdoi_msg_decode(b, n, &m, NULL), 0);
	ck_assert_uint_eq(m->m_hdr.h_exchange, ISAKMP_EX_INFO);
	ck_assert_uint_eq(m->m_hdr.h_flags & ISAKMP_FLAG_E, 0);
	p = gdoi_msg_find(m, ISAKMP_PL_N, 0);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(p->pl_u.n.n_proto, ISAKMP_PROTO_ISAKMP);
	ck_assert_uint_eq(p->pl_u.n.n_spi.len, 16);
	t = p->pl_u.n.n_type;
	gdoi_msg_free(m);
	return t;
}
