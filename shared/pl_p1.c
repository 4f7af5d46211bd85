/*
 * Phase 1 Security Association (RFC 2408 3.4-3.6, RFC 2407 4.6.1).
 *
 * SA payload body:
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !              Domain of Interpretation  (DOI)                  !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !                           Situation                           !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                 Proposal payloads (Next Payload 2 / 0)        ~
 *
 * Proposal payload (RFC 2408 3.5):
 * ! Next Payload  !   RESERVED    !         Payload Length        !
 * !  Proposal #   !  Protocol-Id  !    SPI Size   !# of Transforms!
 * ~                        SPI (variable)                         ~
 * ~                 Transform payloads (Next Payload 3 / 0)       ~
 *
 * Transform payload (RFC 2408 3.6):
 * ! Next Payload  !   RESERVED    !         Payload Length        !
 * !  Transform #  !  Transform-Id !           RESERVED2           !
 * ~                        SA Attributes                          ~
 *
 * For the IPsec DOI the situation is 4 octets; SIT_SECRECY and
 * SIT_INTEGRITY append labelled-domain data we do not support
 * (RFC 2407 4.6.1), so those are refused.  RFC 6407 2.1 puts DOI 2 here
 * with no situation bits; DOI 0 (ISAKMP) is accepted the same way.
 */
#include "codec.h"

static int
transform_decode(struct gdoi_rd *r, struct gdoi_arena *a, struct gdoi_transform *t,
    struct gdoi_diag *d)
{
	uint16_t res2;

	if (gdoi_rd_u8(r, &t->t_num) || gdoi_rd_u8(r, &t->t_id) || gdoi_rd_u16(r, &res2))
		return GDOI_FAIL(d, GDOI_E_TRUNC, r, ISAKMP_PL_T, "transform needs 4 octets");
	return gdoi_attrs_decode(r, a, &t->t_attrs, ISAKMP_PL_T, d);
}

/* Count the payloads of a nested chain of one type (validation is the caller's). */
static size_t
chain_count(struct gdoi_rd probe, uint8_t want_np)
{
	uint8_t np = want_np, nnp, res;
	struct gdoi_rd body;
	size_t n = 0;

	while (np != 0 && n <= GDOI_MAX_TRANSFORMS + GDOI_MAX_PROPOSALS) {
		if (gdoi_genhdr_read(&probe, np, &nnp, &res, &body, NULL))
			break;
		n++;
		np = nnp;
	}
	return n;
}

static int
proposal_decode(struct gdoi_rd *r, struct gdoi_arena *a, struct gdoi_proposal *p,
    struct gdoi_diag *d)
{
	uint8_t spisz, nt, np, res;
	struct gdoi_rd body;
	size_t n, i;
	int err;

	if (gdoi_rd_u8(r, &p->p_num) || gdoi_rd_u8(r, &p->p_proto) || gdoi_rd_u8(r, &spisz) ||
	    gdoi_rd_u8(r, &nt))
		return GDOI_FAIL(d, GDOI_E_TRUNC, r, ISAKMP_PL_P, "proposal needs 4 octets");
	p->p_spi.len = spisz;
	if (gdoi_rd_ptr(r, spisz, &p->p_spi.ptr))
		return GDOI_FAIL(d, GDOI_E_TRUNC, r, ISAKMP_PL_P, "SPI size %u > %zu left", spisz,
		    gdoi_rd_left(r));
	if (nt == 0)
		return GDOI_FAIL(d, GDOI_E_COUNT, r, ISAKMP_PL_P, "proposal with no transform");
	n = chain_count(*r, ISAKMP_PL_T);
	if (n != nt)
		return GDOI_FAIL(d, GDOI_E_COUNT, r, ISAKMP_PL_P,
		    "# of Transforms %u but %zu transform payloads", nt, n);
	p->p_t = gdoi_arena_calloc(a, n, sizeof(*p->p_t));
	if (p->p_t == NULL)
		return GDOI_FAIL(d, GDOI_E_NOMEM, r, ISAKMP_PL_P, "transforms");
	for (i = 0; i < n; i++) {
		if ((err = gdoi_genhdr_read(r, ISAKMP_PL_T, &np, &res, &body, d)) != 0)
			return err;
		if (np != (i + 1 < n ? ISAKMP_PL_T : ISAKMP_PL_NONE))
			return GDOI_FAIL(d, GDOI_E_PAYLOAD, r, ISAKMP_PL_T,
			    "transform followed by payload type %u", np);
		if ((err = transform_decode(&body, a, &p->p_t[i], d)) != 0)
			return err;
	}
	p->p_nt = n;
	return gdoi_body_done(r, ISAKMP_PL_P, d);
}

int
gdoi_p1sa_decode(struct gdoi_rd *r, struct gdoi_arena *a, struct gdoi_p1sa *sa,
    struct gdoi_diag *d)
{
	uint8_t np, res;
	struct gdoi_rd body;
	size_t n, i;
	int err;

	if (gdoi_rd_u32(r, &sa->sa_doi) || gdoi_rd_u32(r, &sa->sa_situation))
		return GDOI_FAIL(d, GDOI_E_TRUNC, r, ISAKMP_PL_SA, "SA needs DOI and situation");
	if (sa->sa_doi > GDOI_DOI_GDOI)
		return GDOI_FAIL(d, GDOI_E_DOI, r, ISAKMP_PL_SA, "DOI %u", sa->sa_doi);
	if (sa->sa_situation & (IPSEC_SIT_SECRECY | IPSEC_SIT_INTEGRITY))
		return GDOI_FAIL(d, GDOI_E_SITUATION, r, ISAKMP_PL_SA,
		    "labelled-domain situation 0x%x", sa->sa_situation);
	n = chain_count(*r, ISAKMP_PL_P);
	if (n == 0)
		return GDOI_FAIL(d, GDOI_E_COUNT, r, ISAKMP_PL_SA, "SA with no valid proposal");
	if (n > GDOI_MAX_PROPOSALS)
		return GDOI_FAIL(d, GDOI_E_NESTING, r, ISAKMP_PL_SA, "more than %d proposals",
		    GDOI_MAX_PROPOSALS);
	sa->sa_p = gdoi_arena_calloc(a, n, sizeof(*sa->sa_p));
	if (sa->sa_p == NULL)
		return GDOI_FAIL(d, GDOI_E_NOMEM, r, ISAKMP_PL_SA, "proposals");
	for (i = 0; i < n; i++) {
		if ((err = gdoi_genhdr_read(r, ISAKMP_PL_P, &np, &res, &body, d)) != 0)
			return err;
		if (np != (i + 1 < n ? ISAKMP_PL_P : ISAKMP_PL_NONE))
			return GDOI_FAIL(d, GDOI_E_PAYLOAD, r, ISAKMP_PL_P,
			    "proposal followed by payload type %u", np);
		if ((err = proposal_decode(&body, a, &sa->sa_p[i], d)) != 0)
			return err;
	}
	sa->sa_np = n;
	return gdoi_body_done(r, ISAKMP_PL_SA, d);
}

void
gdoi_p1sa_encode(struct gdoi_wr *w, const struct gdoi_p1sa *sa)
{
	size_t i, j, off, toff;

	if (sa->sa_np == 0 || sa->sa_np > GDOI_MAX_PROPOSALS) {
		gdoi_wr_fail(w, GDOI_E_INVAL);
		return;
	}
	gdoi_wr_u32(w, sa->sa_doi);
	gdoi_wr_u32(w, sa->sa_situation);
	for (i = 0; i < sa->sa_np; i++) {
		const struct gdoi_proposal *p = &sa->sa_p[i];

		if (p->p_nt == 0 || p->p_nt > 255 || p->p_spi.len > 255) {
			gdoi_wr_fail(w, GDOI_E_INVAL);
			return;
		}
		off = gdoi_genhdr_begin(w, i + 1 < sa->sa_np ? ISAKMP_PL_P : ISAKMP_PL_NONE);
		gdoi_wr_u8(w, p->p_num);
		gdoi_wr_u8(w, p->p_proto);
		gdoi_wr_u8(w, (uint8_t)p->p_spi.len);
		gdoi_wr_u8(w, (uint8_t)p->p_nt);
		gdoi_wr_bytes(w, p->p_spi.ptr, p->p_spi.len);
		for (j = 0; j < p->p_nt; j++) {
			const struct gdoi_transform *t = &p->p_t[j];

			toff = gdoi_genhdr_begin(w, j + 1 < p->p_nt ? ISAKMP_PL_T : ISAKMP_PL_NONE);
			gdoi_wr_u8(w, t->t_num);
			gdoi_wr_u8(w, t->t_id);
			gdoi_wr_u16(w, 0);
			gdoi_attrs_encode(w, &t->t_attrs);
			gdoi_genhdr_end(w, toff);
		}
		gdoi_genhdr_end(w, off);
	}
}
