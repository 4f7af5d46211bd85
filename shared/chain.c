/*
 * The payload chain: generic headers, the next-payload walk and the
 * dispatch to each payload's body codec.
 */
#include "codec.h"

int
gdoi_genhdr_read(struct gdoi_rd *r, unsigned pl_type, uint8_t *np, uint8_t *reserved,
    struct gdoi_rd *body, struct gdoi_diag *d)
{
	struct gdoi_rd save = *r;
	uint16_t len;

	if (gdoi_rd_left(r) < ISAKMP_GEN_HDR_LEN)
		return GDOI_FAIL(d, GDOI_E_TRUNC, r, pl_type,
		    "payload header needs 4 octets, %zu left", gdoi_rd_left(r));
	(void)gdoi_rd_u8(r, np);
	(void)gdoi_rd_u8(r, reserved);
	(void)gdoi_rd_u16(r, &len);
	if (len < ISAKMP_GEN_HDR_LEN) {
		*r = save;
		return GDOI_FAIL(d, GDOI_E_LENGTH, r, pl_type, "payload length %u < 4", len);
	}
	if (gdoi_rd_sub(r, len - ISAKMP_GEN_HDR_LEN, body)) {
		*r = save;
		return GDOI_FAIL(d, GDOI_E_TRUNC, r, pl_type, "payload length %u > %zu left", len,
		    gdoi_rd_left(r));
	}
	return GDOI_OK;
}

size_t
gdoi_genhdr_begin(struct gdoi_wr *w, uint8_t np)
{
	size_t off = gdoi_wr_off(w);

	gdoi_wr_u8(w, np);
	gdoi_wr_u8(w, 0);
	gdoi_wr_u16(w, 0);
	return off;
}

void
gdoi_genhdr_end(struct gdoi_wr *w, size_t off)
{
	size_t len;

	if (gdoi_wr_error(w))
		return;
	len = gdoi_wr_off(w) - off;
	if (len > 0xffff) {
		gdoi_wr_fail(w, GDOI_E_TOOBIG);
		return;
	}
	gdoi_wr_set_u16(w, off + 2, (uint16_t)len);
}

int
gdoi_body_done(struct gdoi_rd *r, unsigned pl_type, struct gdoi_diag *d)
{
	if (gdoi_rd_left(r) == 0)
		return GDOI_OK;
	return GDOI_FAIL(d, GDOI_E_LENGTH, r, pl_type, "%zu unexplained octets at the end of "
	    "the payload", gdoi_rd_left(r));
}

enum gdoi_ctx
gdoi_ctx_for_exchange(uint8_t exchange)
{
	switch (exchange) {
	case GDOI_EX_PULL:
	case GDOI_EX_PUSH:
	case GDOI_EX_PUSH_ACK:
		return GDOI_CTX_GDOI;
	default:
		return GDOI_CTX_PHASE1;
	}
}

/* Payload types that are only valid nested inside another payload. */
static int
nested_only(uint8_t t)
{
	return t == ISAKMP_PL_P || t == ISAKMP_PL_T || t == GDOI_PL_SAK || t == GDOI_PL_SAT;
}

static int
body_decode(enum gdoi_ctx ctx, struct gdoi_rd *r, struct gdoi_arena *a, struct gdoi_payload *pl,
    struct gdoi_diag *d)
{
	int err;

	switch (pl->pl_type) {
	case ISAKMP_PL_SA:
		if (ctx == GDOI_CTX_GDOI)
			err = gdoi_gsa_decode(r, a, &pl->pl_u.gsa, d);
		else
			err = gdoi_p1sa_decode(r, a, &pl->pl_u.p1sa, d);
		break;
	case ISAKMP_PL_ID:
	case ISAKMP_PL_NAT_OA:
		err = gdoi_id_decode(r, pl->pl_type, &pl->pl_u.id, d);
		break;
	case ISAKMP_PL_CERT:
	case ISAKMP_PL_CR:
		err = gdoi_cert_decode(r, pl->pl_type, &pl->pl_u.cert, d);
		break;
	case ISAKMP_PL_N:
		err = gdoi_notify_decode(r, &pl->pl_u.n, d);
		break;
	case ISAKMP_PL_D:
		err = gdoi_delete_decode(r, &pl->pl_u.d, d);
		break;
	case GDOI_PL_KD:
		err = gdoi_kd_decode(r, a, &pl->pl_u.kd, d);
		break;
	case GDOI_PL_SEQ:
		err = gdoi_seq_decode(r, &pl->pl_u.seq, d);
		break;
	case GDOI_PL_GAP:
		err = gdoi_gap_decode(r, a, &pl->pl_u.gap, d);
		break;
	default:
		/* KE, HASH, SIG, NONCE, VID, NAT-D, POP and unknown types. */
		err = gdoi_data_decode(r, pl->pl_type, &pl->pl_u.data, d);
		break;
	}
	return err ? err : gdoi_body_done(r, pl->pl_type, d);
}

int
gdoi_chain_decode(enum gdoi_ctx ctx, uint8_t first_np, const uint8_t *buf, size_t len,
    size_t base, int allow_trailing, struct gdoi_arena *a, struct gdoi_payload **out,
    size_t *nout, size_t *consumed, struct gdoi_diag *d)
{
	struct gdoi_rd r, probe, body;
	struct gdoi_payload *pl = NULL;
	uint8_t np, nnp, res;
	size_t n = 0, i;
	int err;

	*out = NULL;
	*nout = 0;
	if (consumed)
		*consumed = 0;
	gdoi_rd_init(&r, buf, len);
	r.rd_base = base;

	/* Count pass over the generic headers, so the array is allocated once. */
	probe = r;
	for (np = first_np; np != 0 && n <= GDOI_MAX_PAYLOADS; np = nnp) {
		if (gdoi_genhdr_read(&probe, np, &nnp, &res, &body, NULL))
			break;
		n++;
	}
	if (n > GDOI_MAX_PAYLOADS)
		return GDOI_FAIL(d, GDOI_E_NESTING, &r, first_np, "more than %d payloads",
		    GDOI_MAX_PAYLOADS);
	if (n) {
		pl = gdoi_arena_calloc(a, n, sizeof(*pl));
		if (pl == NULL)
			return GDOI_FAIL(d, GDOI_E_NOMEM, &r, first_np, "payload array");
	}

	for (i = 0, np = first_np; np != 0; i++, np = nnp) {
		size_t at = gdoi_rd_pos(&r);
		const uint8_t *start = gdoi_rd_cur(&r);

		if (nested_only(np))
			return GDOI_FAIL(d, GDOI_E_PAYLOAD, &r, np,
			    "payload type %u may only appear nested", np);
		if ((err = gdoi_genhdr_read(&r, np, &nnp, &res, &body, d)) != 0)
			return err;
		if (i >= n)
			return GDOI_FAIL(d, GDOI_E_NESTING, &r, np, "payload count changed");
		pl[i].pl_type = np;
		pl[i].pl_reserved = res;
		pl[i].pl_off = at;
		pl[i].pl_raw.ptr = start;
		pl[i].pl_raw.len = gdoi_rd_pos(&r) - at;
		if ((err = body_decode(ctx, &body, a, &pl[i], d)) != 0)
			return err;
	}
	if (gdoi_rd_left(&r) && !allow_trailing)
		return GDOI_FAIL(d, GDOI_E_TRAILING, &r, 0, "%zu octets after the last payload",
		    gdoi_rd_left(&r));
	if (consumed)
		*consumed = r.rd_off;
	*out = pl;
	*nout = i;
	return GDOI_OK;
}

static void
body_encode(struct gdoi_wr *w, enum gdoi_ctx ctx, const struct gdoi_payload *pl)
{
	switch (pl->pl_type) {
	case ISAKMP_PL_SA:
		if (ctx == GDOI_CTX_GDOI)
			gdoi_gsa_encode(w, &pl->pl_u.gsa);
		else
			gdoi_p1sa_encode(w, &pl->pl_u.p1sa);
		break;
	case ISAKMP_PL_ID:
	case ISAKMP_PL_NAT_OA:
		gdoi_id_encode(w, &pl->pl_u.id);
		break;
	case ISAKMP_PL_CERT:
	case ISAKMP_PL_CR:
		gdoi_cert_encode(w, &pl->pl_u.cert);
		break;
	case ISAKMP_PL_N:
		gdoi_notify_encode(w, &pl->pl_u.n);
		break;
	case ISAKMP_PL_D:
		gdoi_delete_encode(w, &pl->pl_u.d);
		break;
	case GDOI_PL_KD:
		gdoi_kd_encode(w, &pl->pl_u.kd);
		break;
	case GDOI_PL_SEQ:
		gdoi_wr_u32(w, pl->pl_u.seq);
		break;
	case GDOI_PL_GAP:
		gdoi_gap_encode(w, &pl->pl_u.gap);
		break;
	default:
		gdoi_wr_bytes(w, pl->pl_u.data.ptr, pl->pl_u.data.len);
		break;
	}
}

void
gdoi_chain_encode(struct gdoi_wr *w, enum gdoi_ctx ctx, const struct gdoi_payload *pl, size_t n,
    uint8_t *first_np)
{
	size_t i, off;

	if (first_np)
		*first_np = n ? pl[0].pl_type : ISAKMP_PL_NONE;
	if (n > GDOI_MAX_PAYLOADS) {
		gdoi_wr_fail(w, GDOI_E_INVAL);
		return;
	}
	for (i = 0; i < n; i++) {
		if (pl[i].pl_type == ISAKMP_PL_NONE || nested_only(pl[i].pl_type)) {
			gdoi_wr_fail(w, GDOI_E_INVAL);
			return;
		}
		off = gdoi_genhdr_begin(w, i + 1 < n ? pl[i + 1].pl_type : ISAKMP_PL_NONE);
		body_encode(w, ctx, &pl[i]);
		gdoi_genhdr_end(w, off);
	}
}
