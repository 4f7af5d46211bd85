/*
 * IKEv1 Phase 1 Main Mode state machine (RFC 2409 section 5) with
 * pre-shared keys, the Informational exchange under the Phase 1 SA,
 * retransmission, duplicates, expiry and the keylog line.  See gdoi/p1.h
 * for the design; message pieces are in p1_msg.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include "gdoi/buf.h"
#include "gdoi/err.h"
#include "gdoi/sched.h"
#include "gdoi/wire.h"
#include "p1_int.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const char *const state_names[] = {
	[GDOI_P1_MM_I1] = "MM_I1",
	[GDOI_P1_MM_I2] = "MM_I2",
	[GDOI_P1_MM_I3] = "MM_I3",
	[GDOI_P1_MM_R1] = "MM_R1",
	[GDOI_P1_MM_R2] = "MM_R2",
	[GDOI_P1_ESTABLISHED] = "ESTABLISHED",
	[GDOI_P1_FAILED] = "FAILED",
	[GDOI_P1_EXPIRED] = "EXPIRED",
	[GDOI_P1_DELETED] = "DELETED",
};

const char *
gdoi_p1_state_name(enum gdoi_p1_state st)
{
	if ((size_t)st < NELEM(state_names) && state_names[st])
		return state_names[st];
	return "UNKNOWN";
}

int
gdoi_p1_psk_table_lookup(void *arg, const struct gdoi_p1_peer *peer, uint8_t *psk, size_t cap,
    size_t *len)
{
	const struct gdoi_p1_psk_table *t = arg;
	const struct gdoi_p1_psk_entry *hit = NULL;
	size_t i;

	for (i = 0; t && i < t->pt_n && hit == NULL; i++) {
		const struct gdoi_p1_psk_entry *e = &t->pt_e[i];

		if (e->pe_alen && e->pe_alen == peer->pa_alen &&
		    memcmp(e->pe_addr, peer->pa_addr, e->pe_alen) == 0)
			hit = e;
	}
	for (i = 0; t && i < t->pt_n && hit == NULL; i++)
		if (t->pt_e[i].pe_alen == 0)
			hit = &t->pt_e[i];
	if (hit == NULL || hit->pe_psklen > cap)
		return GDOI_E_INVAL;
	memcpy(psk, hit->pe_psk, hit->pe_psklen);
	*len = hit->pe_psklen;
	return GDOI_OK;
}

/* ------------------------------------------------------------------ */
/* Cookies                                                              */

int
gdoi_p1_cookie(const uint8_t secret[32], const struct gdoi_p1_peer *peer,
    const uint8_t icookie[ISAKMP_COOKIE_LEN], uint8_t rcookie[ISAKMP_COOKIE_LEN])
{
	uint8_t port[2], mac[GDOI_HASH_MAX];
	struct gdoi_bytes parts[3];
	static const uint8_t zero[ISAKMP_COOKIE_LEN];
	int err;

	if (peer->pa_alen > sizeof(peer->pa_addr))
		return GDOI_E_INVAL;
	gdoi_put16(port, peer->pa_port);
	parts[0].ptr = peer->pa_addr;
	parts[0].len = peer->pa_alen;
	parts[1].ptr = port;
	parts[1].len = 2;
	parts[2].ptr = icookie;
	parts[2].len = ISAKMP_COOKIE_LEN;
	err = gdoi_prf(IKE_HASH_SHA256, secret, 32, parts, 3, mac, sizeof(mac), NULL);
	if (err)
		return err;
	memcpy(rcookie, mac, ISAKMP_COOKIE_LEN);
	if (memcmp(rcookie, zero, ISAKMP_COOKIE_LEN) == 0)
		rcookie[ISAKMP_COOKIE_LEN - 1] = 1;
	return GDOI_OK;
}

int
gdoi_p1_cookie_ok(const struct gdoi_p1_ctx *ctx, const struct gdoi_p1_peer *peer,
    const uint8_t icookie[ISAKMP_COOKIE_LEN], const uint8_t rcookie[ISAKMP_COOKIE_LEN])
{
	uint8_t want[ISAKMP_COOKIE_LEN];

	if (gdoi_p1_cookie(ctx->x_cookie_secret, peer, icookie, want))
		return 0;
	return gdoi_ct_equal(want, rcookie, ISAKMP_COOKIE_LEN);
}

/* ------------------------------------------------------------------ */
/* SA life cycle                                                        */

uint32_t
gdoi_p1_rtx_max(const struct gdoi_p1_rtx *r)
{
	return r->rt_max ? r->rt_max : 5;
}

uint32_t
gdoi_p1_rtx_interval(const struct gdoi_p1_rtx *r, uint32_t k)
{
	return (uint32_t)gdoi_sched_backoff_ms(r->rt_base_ms ? r->rt_base_ms : 1000,
	    r->rt_cap_ms ? r->rt_cap_ms : 32000, k);
}

uint64_t
gdoi_p1_rtx_span(const struct gdoi_p1_rtx *r)
{
	return gdoi_sched_backoff_span_ms(r->rt_base_ms ? r->rt_base_ms : 1000,
	    r->rt_cap_ms ? r->rt_cap_ms : 32000, gdoi_p1_rtx_max(r));
}

static unsigned
halfopen_max(const struct gdoi_p1_ctx *c)
{
	return c->x_halfopen_max ? c->x_halfopen_max : 256;
}

/* A new message went out (or arrived, for a responder): restart timers. */
static void
arm(struct gdoi_p1_sa *sa, uint64_t now)
{
	sa->sa_last_ms = now;
	sa->sa_rtx_n = 0;
	if (sa->sa_initiator) {
		sa->sa_rtx_int = gdoi_p1_rtx_interval(&sa->sa_ctx->x_rtx, 0);
		sa->sa_rtx_at = now + sa->sa_rtx_int;
	} else {
		sa->sa_rtx_int = 0;
		sa->sa_rtx_at = now + gdoi_p1_rtx_span(&sa->sa_ctx->x_rtx);
	}
}

static void
release_halfopen(struct gdoi_p1_sa *sa)
{
	if (sa->sa_halfopen) {
		sa->sa_halfopen = 0;
		if (sa->sa_ctx->x_halfopen > 0)
			sa->sa_ctx->x_halfopen--;
	}
}

static void
out_reset(struct gdoi_p1_out *out)
{
	out->o_events = 0;
	out->o_notify = 0;
	out->o_len = 0;
}

static void
drop_dh(struct gdoi_p1_sa *sa)
{
	gdoi_dh_free(sa->sa_dh);
	sa->sa_dh = NULL;
}

/*
 * Main Mode is over: wipe and free what only its messages needed (the DH
 * public values, the nonces, the initiator's SA body).  An established SA
 * keeps its keys, the CBC chain, the peer's identity and the last message
 * sent (retransmission answers), for the Phase 1 lifetime.
 */
static void
drop_mm(struct gdoi_p1_sa *sa)
{
	if (sa->sa_mm != NULL) {
		OPENSSL_cleanse(sa->sa_mm, sizeof(*sa->sa_mm));
		free(sa->sa_mm);
		sa->sa_mm = NULL;
	}
	sa->sa_gxi = sa->sa_gxr = sa->sa_ni = sa->sa_nr = NULL;
	sa->sa_gxi_len = sa->sa_gxr_len = sa->sa_ni_len = sa->sa_nr_len = 0;
	if (sa->sa_sai_b != NULL) {
		OPENSSL_cleanse(sa->sa_sai_b, sa->sa_sai_len);
		free(sa->sa_sai_b);
		sa->sa_sai_b = NULL;
	}
	sa->sa_sai_len = 0;
}

/*
 * The negotiation failed: report it, send notify (when not 0) in the
 * clear, drop the DH state and the retransmission cache.
 */
static int
fail(struct gdoi_p1_sa *sa, struct gdoi_p1_out *out, uint16_t notify, int send, int err)
{
	out->o_len = 0;
	if (send && notify)
		(void)p1_notify_plain(sa->sa_icookie, sa->sa_rcookie, sa->sa_doi, notify, out);
	out->o_events |= GDOI_P1_EV_FAILED;
	out->o_notify = notify;
	sa->sa_state = GDOI_P1_FAILED;
	sa->sa_rtx_at = 0;
	sa->sa_rx_valid = 0;
	drop_dh(sa);
	drop_mm(sa);
	release_halfopen(sa);
	return err;
}

static void
established(struct gdoi_p1_sa *sa, uint64_t now, struct gdoi_p1_out *out)
{
	sa->sa_state = GDOI_P1_ESTABLISHED;
	sa->sa_rtx_at = 0;
	sa->sa_expire_at = now + (uint64_t)p1_life(&sa->sa_xf) * 1000;
	out->o_events |= GDOI_P1_EV_ESTABLISHED;
	drop_dh(sa);
	drop_mm(sa);
	release_halfopen(sa);
}

static struct gdoi_p1_sa *
sa_new(struct gdoi_p1_ctx *ctx, const struct gdoi_p1_peer *peer, int initiator)
{
	struct gdoi_p1_sa *sa = calloc(1, sizeof(*sa));

	if (sa == NULL)
		return NULL;
	if ((sa->sa_mm = calloc(1, sizeof(*sa->sa_mm))) == NULL) {
		free(sa);
		return NULL;
	}
	sa->sa_gxi = sa->sa_mm->mm_gxi;
	sa->sa_gxr = sa->sa_mm->mm_gxr;
	sa->sa_ni = sa->sa_mm->mm_ni;
	sa->sa_nr = sa->sa_mm->mm_nr;
	sa->sa_ctx = ctx;
	sa->sa_peer = *peer;
	sa->sa_initiator = initiator;
	return sa;
}

void
gdoi_p1_sa_free(struct gdoi_p1_sa *sa)
{
	if (sa == NULL)
		return;
	release_halfopen(sa);
	drop_dh(sa);
	drop_mm(sa);
	if (sa->sa_tx) {
		OPENSSL_cleanse(sa->sa_tx, sa->sa_txlen);
		free(sa->sa_tx);
	}
	free(sa->sa_peer_idbuf);
	X509_free(sa->sa_peer_cert);
	gdoi_p1keys_wipe(&sa->sa_keys);
	OPENSSL_cleanse(sa, sizeof(*sa));
	free(sa);
}

/* A policy entry we can run: supported cipher, key length, hash, group. */
static int
policy_ok(const struct gdoi_p1_policy *p)
{
	size_t kl = p1_keylen_bytes(p);

	if (p->pp_enc == IKE_ENC_3DES_CBC && p->pp_keylen != 0 && p->pp_keylen != 192)
		return 0;
	return gdoi_cipher_block(p->pp_enc) != 0 && gdoi_cipher_keylen_ok(p->pp_enc, kl) &&
	    gdoi_hash_len(p->pp_hash) != 0 && gdoi_dh_public_len(p->pp_group) != 0 &&
	    (p->pp_auth == IKE_AUTH_PSK || p->pp_auth == IKE_AUTH_RSA_SIG);
}

static int
ctx_ok(const struct gdoi_p1_ctx *ctx)
{
	size_t i;

	if (ctx == NULL || ctx->x_policy == NULL || ctx->x_npolicy == 0 ||
	    ctx->x_npolicy > GDOI_P1_MAX_POLICY)
		return 0;
	for (i = 0; i < ctx->x_npolicy; i++) {
		if (!policy_ok(&ctx->x_policy[i]))
			return 0;
		/* RSA signatures need our key and certificate and a trust store. */
		if (ctx->x_policy[i].pp_auth == IKE_AUTH_RSA_SIG &&
		    (ctx->x_key == NULL || ctx->x_cert == NULL || ctx->x_ca == NULL ||
		    EVP_PKEY_get_base_id(ctx->x_key) != EVP_PKEY_RSA))
			return 0;
	}
	if (ctx->x_local_id.id_type == 0)
		return ctx->x_cert != NULL &&
		    (ctx->x_doi == 0 || ctx->x_doi == GDOI_DOI_IPSEC || ctx->x_doi == GDOI_DOI_GDOI);
	if (gdoi_id_check(ctx->x_local_id.id_type, &ctx->x_local_id.id_data) ||
	    ctx->x_local_id.id_data.len > P1_ID_MAX)
		return 0;
	return ctx->x_doi == 0 || ctx->x_doi == GDOI_DOI_IPSEC || ctx->x_doi == GDOI_DOI_GDOI;
}

static int
random_nonzero(uint8_t *p, size_t n)
{
	static const uint8_t zero[8];

	do {
		if (RAND_bytes(p, (int)n) != 1)
			return GDOI_E_NOMEM;
	} while (n <= sizeof(zero) && memcmp(p, zero, n) == 0);
	return GDOI_OK;
}

int
gdoi_p1_initiate(struct gdoi_p1_ctx *ctx, const struct gdoi_p1_peer *peer, uint64_t now_ms,
    struct gdoi_p1_sa **sap, struct gdoi_p1_out *out)
{
	struct gdoi_transform t[GDOI_P1_MAX_POLICY];
	struct gdoi_attr at[GDOI_P1_MAX_POLICY][7];
	uint8_t life[GDOI_P1_MAX_POLICY][4];
	struct gdoi_proposal prop;
	struct gdoi_payload pl;
	struct gdoi_p1_sa *sa;
	size_t i, sal;
	int err;

	*sap = NULL;
	out_reset(out);
	if (!ctx_ok(ctx) || peer == NULL)
		return GDOI_E_INVAL;
	if ((sa = sa_new(ctx, peer, 1)) == NULL)
		return GDOI_E_NOMEM;
	if ((err = random_nonzero(sa->sa_icookie, ISAKMP_COOKIE_LEN)) != 0)
		goto fail;
	sa->sa_doi = ctx->x_doi ? ctx->x_doi : GDOI_DOI_GDOI;
	sa->sa_sit = sa->sa_doi == GDOI_DOI_IPSEC ? IPSEC_SIT_IDENTITY_ONLY : GDOI_SIT_NONE;
	memset(t, 0, sizeof(t));
	for (i = 0; i < ctx->x_npolicy; i++) {
		t[i].t_num = (uint8_t)(i + 1);
		t[i].t_id = IKE_TRANSFORM_KEY_IKE;
		t[i].t_attrs.v = at[i];
		t[i].t_attrs.n = p1_xform_attrs(&ctx->x_policy[i], at[i], life[i]);
	}
	memset(&prop, 0, sizeof(prop));
	prop.p_num = 1;
	prop.p_proto = ISAKMP_PROTO_ISAKMP;
	prop.p_t = t;
	prop.p_nt = ctx->x_npolicy;
	memset(&pl, 0, sizeof(pl));
	pl.pl_type = ISAKMP_PL_SA;
	pl.pl_u.p1sa.sa_doi = sa->sa_doi;
	pl.pl_u.p1sa.sa_situation = sa->sa_sit;
	pl.pl_u.p1sa.sa_p = &prop;
	pl.pl_u.p1sa.sa_np = 1;
	if ((err = p1_send_plain(sa, &pl, 1, out)) != 0)
		goto fail;
	/* SAi_b: the SA payload body, right after the header and its own
	 * generic header. */
	sal = gdoi_be16(out->o_msg + ISAKMP_HDR_LEN + 2);
	sa->sa_sai_len = sal - ISAKMP_GEN_HDR_LEN;
	if ((sa->sa_sai_b = malloc(sa->sa_sai_len)) == NULL) {
		err = GDOI_E_NOMEM;
		goto fail;
	}
	memcpy(sa->sa_sai_b, out->o_msg + ISAKMP_HDR_LEN + ISAKMP_GEN_HDR_LEN, sa->sa_sai_len);
	sa->sa_state = GDOI_P1_MM_I1;
	arm(sa, now_ms);
	*sap = sa;
	return GDOI_OK;
fail:
	out_reset(out);
	gdoi_p1_sa_free(sa);
	return err;
}

/* The notify for a message that does not decode (RFC 2408 3.14.1). */
static uint16_t
notify_for(int err)
{
	switch (err) {
	case GDOI_E_DOI:
		return N_DOI_NOT_SUPPORTED;
	case GDOI_E_SITUATION:
		return N_SITUATION_NOT_SUPPORTED;
	case GDOI_E_PAYLOAD:
		return N_INVALID_PAYLOAD_TYPE;
	case GDOI_E_NOMEM:
		return 0;
	default:
		return N_PAYLOAD_MALFORMED;
	}
}

/*
 * The responder's choice: the first initiator transform, in proposal and
 * transform order, equal to a policy entry we can run.
 */
static int
choose(const struct gdoi_p1_ctx *ctx, const struct gdoi_p1sa *sa, size_t *pi, size_t *ti,
    struct gdoi_p1_policy *xf)
{
	struct gdoi_p1_policy got;
	size_t i, j, k;

	for (i = 0; i < sa->sa_np; i++) {
		const struct gdoi_proposal *p = &sa->sa_p[i];

		if (p->p_proto != ISAKMP_PROTO_ISAKMP || p->p_spi.len > 16)
			continue;
		for (j = 0; j < p->p_nt; j++) {
			if (p1_xform_parse(&p->p_t[j], &got))
				continue;
			for (k = 0; k < ctx->x_npolicy; k++) {
				const struct gdoi_p1_policy *mine = &ctx->x_policy[k];

				if (!p1_xform_same(&got, mine, 0) || !policy_ok(mine))
					continue;
				*xf = got;
				/* No lifetime given (absent or 0): ours applies. */
				xf->pp_life_s = got.pp_life_s == 0 ? p1_life(mine) :
				    p1_life(&got) < p1_life(mine) ? p1_life(&got) : p1_life(mine);
				*pi = i;
				*ti = j;
				return GDOI_OK;
			}
		}
	}
	return GDOI_E_INVAL;
}

int
gdoi_p1_respond(struct gdoi_p1_ctx *ctx, const struct gdoi_p1_peer *peer, const uint8_t *msg,
    size_t len, uint64_t now_ms, struct gdoi_p1_sa **sap, struct gdoi_p1_out *out)
{
	static const uint8_t zero[ISAKMP_COOKIE_LEN];
	const struct gdoi_payload *sapl;
	const struct gdoi_proposal *ip;
	struct gdoi_p1_policy xf;
	struct gdoi_proposal prop;
	struct gdoi_payload pl;
	struct gdoi_p1_sa *sa = NULL;
	struct gdoi_msg *m = NULL;
	struct isakmp_hdr h;
	struct gdoi_rd r;
	uint8_t rcky[ISAKMP_COOKIE_LEN];
	size_t pi = 0, ti = 0;
	int err;

	*sap = NULL;
	out_reset(out);
	if (!ctx_ok(ctx) || peer == NULL || msg == NULL)
		return GDOI_E_INVAL;
	/* Header first: junk and non-message-1 traffic get nothing back. */
	gdoi_rd_init(&r, msg, len);
	if ((err = gdoi_hdr_decode(&r, &h, NULL)) != 0)
		return err;
	if (h.h_exchange != ISAKMP_EX_MAIN || h.h_msgid != 0 || (h.h_flags & ISAKMP_FLAG_E) ||
	    memcmp(h.h_rcookie, zero, ISAKMP_COOKIE_LEN) != 0 ||
	    memcmp(h.h_icookie, zero, ISAKMP_COOKIE_LEN) == 0 || h.h_length > len)
		return GDOI_E_INVAL;
	if (ctx->x_halfopen >= halfopen_max(ctx))
		return GDOI_E_NOMEM;
	if ((err = gdoi_p1_cookie(ctx->x_cookie_secret, peer, h.h_icookie, rcky)) != 0)
		return err;
	if ((err = gdoi_msg_decode(msg, len, &m, NULL)) != 0) {
		if (notify_for(err))
			(void)p1_notify_plain(h.h_icookie, rcky, GDOI_DOI_IPSEC, notify_for(err), out);
		return err;
	}
	if ((sapl = gdoi_msg_find(m, ISAKMP_PL_SA, 0)) == NULL) {
		(void)p1_notify_plain(h.h_icookie, rcky, GDOI_DOI_IPSEC, N_PAYLOAD_MALFORMED, out);
		err = GDOI_E_ORDER;
		goto done;
	}
	if (sapl->pl_u.p1sa.sa_doi != GDOI_DOI_IPSEC && sapl->pl_u.p1sa.sa_doi != GDOI_DOI_GDOI) {
		(void)p1_notify_plain(h.h_icookie, rcky, GDOI_DOI_IPSEC, N_DOI_NOT_SUPPORTED, out);
		err = GDOI_E_DOI;
		goto done;
	}
	if (choose(ctx, &sapl->pl_u.p1sa, &pi, &ti, &xf) != 0) {
		(void)p1_notify_plain(h.h_icookie, rcky, sapl->pl_u.p1sa.sa_doi,
		    N_NO_PROPOSAL_CHOSEN, out);
		err = GDOI_E_INVAL;
		goto done;
	}
	if ((sa = sa_new(ctx, peer, 0)) == NULL) {
		err = GDOI_E_NOMEM;
		goto done;
	}
	memcpy(sa->sa_icookie, h.h_icookie, ISAKMP_COOKIE_LEN);
	memcpy(sa->sa_rcookie, rcky, ISAKMP_COOKIE_LEN);
	sa->sa_doi = sapl->pl_u.p1sa.sa_doi;
	sa->sa_sit = sapl->pl_u.p1sa.sa_situation;
	sa->sa_xf = xf;
	sa->sa_keylen = p1_keylen_bytes(&xf);
	sa->sa_blk = gdoi_cipher_block(xf.pp_enc);
	sa->sa_sai_len = sapl->pl_raw.len - ISAKMP_GEN_HDR_LEN;
	if ((sa->sa_sai_b = malloc(sa->sa_sai_len ? sa->sa_sai_len : 1)) == NULL) {
		err = GDOI_E_NOMEM;
		goto done;
	}
	memcpy(sa->sa_sai_b, sapl->pl_raw.ptr + ISAKMP_GEN_HDR_LEN, sa->sa_sai_len);
	/* Message 2: the chosen proposal with the chosen transform, copied. */
	ip = &sapl->pl_u.p1sa.sa_p[pi];
	memset(&prop, 0, sizeof(prop));
	prop.p_num = ip->p_num;
	prop.p_proto = ip->p_proto;
	prop.p_spi = ip->p_spi;
	prop.p_t = &ip->p_t[ti];
	prop.p_nt = 1;
	memset(&pl, 0, sizeof(pl));
	pl.pl_type = ISAKMP_PL_SA;
	pl.pl_u.p1sa.sa_doi = sa->sa_doi;
	pl.pl_u.p1sa.sa_situation = sa->sa_sit;
	pl.pl_u.p1sa.sa_p = &prop;
	pl.pl_u.p1sa.sa_np = 1;
	if ((err = p1_send_plain(sa, &pl, 1, out)) != 0)
		goto done;
	p1_digest(msg, len, sa->sa_rx_digest);
	sa->sa_rx_valid = 1;
	sa->sa_state = GDOI_P1_MM_R1;
	sa->sa_halfopen = 1;
	ctx->x_halfopen++;
	arm(sa, now_ms);
	*sap = sa;
	sa = NULL;
done:
	if (sa) {
		out_reset(out);
		gdoi_p1_sa_free(sa);
	}
	gdoi_msg_free(m);
	return err;
}

/* ------------------------------------------------------------------ */
/* Main Mode steps                                                      */

/* KE and nonce of message 3 or 4: 0 or the notify that refuses them. */
static uint16_t
get_ke_nonce(const struct gdoi_p1_sa *sa, const struct gdoi_msg *m, struct gdoi_bytes *ke,
    struct gdoi_bytes *nonce)
{
	const struct gdoi_payload *k = gdoi_msg_find(m, ISAKMP_PL_KE, 0);
	const struct gdoi_payload *n = gdoi_msg_find(m, ISAKMP_PL_NONCE, 0);

	if (k == NULL || n == NULL)
		return N_PAYLOAD_MALFORMED;
	if (n->pl_u.data.len < P1_NONCE_MIN || n->pl_u.data.len > P1_NONCE_MAX)
		return N_PAYLOAD_MALFORMED;
	if (k->pl_u.data.len != gdoi_dh_public_len(sa->sa_xf.pp_group))
		return N_INVALID_KEY_INFORMATION;
	*ke = k->pl_u.data;
	*nonce = n->pl_u.data;
	return 0;
}

/* Our KE and nonce payloads (pl[2]) from a fresh key pair. */
static int
make_ke_nonce(struct gdoi_p1_sa *sa, uint8_t *pub, size_t *publen, uint8_t *nonce,
    struct gdoi_payload *pl)
{
	int err;

	if (sa->sa_dh == NULL && (err = gdoi_dh_new(sa->sa_xf.pp_group, &sa->sa_dh)) != 0)
		return err;
	if ((err = gdoi_dh_public(sa->sa_dh, pub, GDOI_DH_MAX, publen)) != 0)
		return err;
	if (RAND_bytes(nonce, P1_NONCE_LEN) != 1)
		return GDOI_E_NOMEM;
	memset(pl, 0, 2 * sizeof(*pl));
	pl[0].pl_type = ISAKMP_PL_KE;
	pl[0].pl_u.data.ptr = pub;
	pl[0].pl_u.data.len = *publen;
	pl[1].pl_type = ISAKMP_PL_NONCE;
	pl[1].pl_u.data.ptr = nonce;
	pl[1].pl_u.data.len = P1_NONCE_LEN;
	return GDOI_OK;
}

/* g^xy with the peer's KE value, then SKEYID and the keys. 0 or a notify. */
static uint16_t
derive(struct gdoi_p1_sa *sa, const struct gdoi_bytes *peer_ke, int *errp)
{
	uint8_t gxy[GDOI_DH_MAX];
	size_t gxylen = 0;
	int err;

	err = gdoi_dh_derive(sa->sa_dh, peer_ke->ptr, peer_ke->len, gxy, sizeof(gxy), &gxylen);
	if (err == 0)
		err = p1_skeyid(sa, gxy, gxylen);
	OPENSSL_cleanse(gxy, sizeof(gxy));
	*errp = err;
	switch (err) {
	case GDOI_OK:
		return 0;
	case GDOI_E_INVAL:
		return N_INVALID_KEY_INFORMATION;
	case GDOI_E_ID:
		return N_AUTHENTICATION_FAILED;
	default:
		return 0;
	}
}

/* Initiator, message 2: the responder's choice must be one we offered. */
static int
in_msg2(struct gdoi_p1_sa *sa, const struct gdoi_msg *m, uint64_t now, struct gdoi_p1_out *out)
{
	static const uint8_t zero[ISAKMP_COOKIE_LEN];
	const struct gdoi_payload *sapl = gdoi_msg_find(m, ISAKMP_PL_SA, 0);
	const struct gdoi_p1sa *rsa;
	const struct gdoi_p1_policy *hit = NULL;
	struct gdoi_p1_policy got;
	struct gdoi_payload pl[2];
	uint8_t pub[GDOI_DH_MAX];
	size_t i, publen = 0;
	int err;

	if (memcmp(m->m_hdr.h_rcookie, zero, ISAKMP_COOKIE_LEN) == 0)
		return GDOI_E_INVAL;	/* not a reply: drop */
	memcpy(sa->sa_rcookie, m->m_hdr.h_rcookie, ISAKMP_COOKIE_LEN);
	if (sapl == NULL)
		return fail(sa, out, N_PAYLOAD_MALFORMED, 1, GDOI_E_ORDER);
	rsa = &sapl->pl_u.p1sa;
	if (rsa->sa_doi != sa->sa_doi)
		return fail(sa, out, N_DOI_NOT_SUPPORTED, 1, GDOI_E_DOI);
	if (rsa->sa_np != 1 || rsa->sa_p[0].p_nt != 1 ||
	    rsa->sa_p[0].p_proto != ISAKMP_PROTO_ISAKMP || rsa->sa_p[0].p_num != 1 ||
	    p1_xform_parse(&rsa->sa_p[0].p_t[0], &got) != 0)
		return fail(sa, out, N_NO_PROPOSAL_CHOSEN, 1, GDOI_E_INVAL);
	for (i = 0; i < sa->sa_ctx->x_npolicy && hit == NULL; i++)
		if (p1_xform_same(&got, &sa->sa_ctx->x_policy[i], got.pp_life_s != 0))
			hit = &sa->sa_ctx->x_policy[i];
	if (hit == NULL)
		return fail(sa, out, N_NO_PROPOSAL_CHOSEN, 1, GDOI_E_INVAL);
	sa->sa_xf = *hit;
	sa->sa_xf.pp_life_s = p1_life(hit);
	sa->sa_keylen = p1_keylen_bytes(hit);
	sa->sa_blk = gdoi_cipher_block(hit->pp_enc);
	/* Message 3: HDR, KE, Ni. */
	if ((err = make_ke_nonce(sa, pub, &publen, sa->sa_ni, pl)) != 0)
		return fail(sa, out, 0, 0, err);
	memcpy(sa->sa_gxi, pub, publen);
	sa->sa_gxi_len = publen;
	sa->sa_ni_len = P1_NONCE_LEN;
	if ((err = p1_send_plain(sa, pl, 2, out)) != 0)
		return fail(sa, out, 0, 0, err);
	sa->sa_state = GDOI_P1_MM_I2;
	arm(sa, now);
	return GDOI_OK;
}

/* Responder, message 3: KE and Ni; answer with KE, Nr; keys follow. */
static int
in_msg3(struct gdoi_p1_sa *sa, const struct gdoi_msg *m, uint64_t now, struct gdoi_p1_out *out)
{
	struct gdoi_bytes ke, nonce;
	struct gdoi_payload pl[2];
	uint8_t pub[GDOI_DH_MAX];
	size_t publen = 0;
	uint16_t n;
	int err = GDOI_E_INVAL;

	if ((n = get_ke_nonce(sa, m, &ke, &nonce)) != 0)
		return fail(sa, out, n, 1, GDOI_E_INVAL);
	memcpy(sa->sa_gxi, ke.ptr, ke.len);
	sa->sa_gxi_len = ke.len;
	memcpy(sa->sa_ni, nonce.ptr, nonce.len);
	sa->sa_ni_len = nonce.len;
	if ((err = make_ke_nonce(sa, pub, &publen, sa->sa_nr, pl)) != 0)
		return fail(sa, out, 0, 0, err);
	memcpy(sa->sa_gxr, pub, publen);
	sa->sa_gxr_len = publen;
	sa->sa_nr_len = P1_NONCE_LEN;
	if ((n = derive(sa, &ke, &err)) != 0 || err)
		return fail(sa, out, n, 1, err);
	drop_dh(sa);
	if ((err = p1_send_plain(sa, pl, 2, out)) != 0)
		return fail(sa, out, 0, 0, err);
	sa->sa_state = GDOI_P1_MM_R2;
	arm(sa, now);
	return GDOI_OK;
}

/* Messages 5 and 6: HDR*, ID, HASH or CERT, SIG; continuing sa_iv. */
static int
send_auth(struct gdoi_p1_sa *sa, struct gdoi_p1_out *out)
{
	uint8_t idbuf[4 + P1_ID_MAX];
	struct gdoi_payload pl[3];
	struct p1_authbuf ab;
	struct gdoi_bytes idb;
	size_t n = 0;
	int err;

	if ((err = p1_local_id(sa, &pl[0], idbuf, sizeof(idbuf), &idb)) != 0)
		return err;
	if ((err = p1_auth_build(sa, &idb, &ab, &pl[1], &n)) == 0)
		err = p1_send_enc(sa, ISAKMP_EX_MAIN, 0, sa->sa_iv, pl, 1 + n, out, 1);
	p1_authbuf_free(&ab);
	return err;
}

/*
 * Messages 5 and 6 in: decrypt from sa_iv, find ID and the authentication
 * payloads, check them (p1_auth_verify).  0 on success (sa_iv then
 * continues the chain and the peer's identity is kept), GDOI_E_LENGTH for
 * a ciphertext that is not whole blocks (dropped by the caller); anything
 * else refuses with *notify.
 */
static int
check_auth(struct gdoi_p1_sa *sa, const struct gdoi_msg *m, uint16_t *notify)
{
	uint8_t iv[GDOI_CIPHER_BLOCK_MAX];
	const struct gdoi_payload *idp = NULL;
	struct gdoi_payload *pl = NULL;
	struct gdoi_arena *a = NULL;
	uint8_t *plain = NULL;
	size_t plainlen = 0, npl = 0, i;
	X509 *cert = NULL;
	int psk = sa->sa_xf.pp_auth == IKE_AUTH_PSK;
	int err;

	*notify = N_INVALID_HASH_INFORMATION;
	memcpy(iv, sa->sa_iv, sa->sa_blk);
	if ((err = p1_decrypt(sa, m, iv, &plain, &plainlen)) != 0)
		return err;
	if ((a = gdoi_arena_new()) == NULL) {
		err = GDOI_E_NOMEM;
		goto done;
	}
	err = gdoi_chain_decode(GDOI_CTX_PHASE1, m->m_hdr.h_np, plain, plainlen,
	    ISAKMP_HDR_LEN, 1, a, &pl, &npl, NULL, NULL);
	if (err) {
		/* Pre-shared keys: a wrong key makes random plaintext. */
		if (!psk)
			*notify = N_PAYLOAD_MALFORMED;
		err = GDOI_E_INVAL;
		goto done;
	}
	err = GDOI_E_INVAL;
	for (i = 0; i < npl && idp == NULL; i++)
		if (pl[i].pl_type == ISAKMP_PL_ID)
			idp = &pl[i];
	if (idp == NULL) {
		if (!psk)
			*notify = N_PAYLOAD_MALFORMED;
		goto done;
	}
	if ((*notify = p1_auth_verify(sa, pl, npl, idp, &cert)) != 0)
		goto done;
	free(sa->sa_peer_idbuf);
	if ((sa->sa_peer_idbuf = malloc(idp->pl_u.id.id_data.len + 1)) == NULL) {
		X509_free(cert);
		err = GDOI_E_NOMEM;
		goto done;
	}
	memcpy(sa->sa_peer_idbuf, idp->pl_u.id.id_data.ptr, idp->pl_u.id.id_data.len);
	sa->sa_peer_id = idp->pl_u.id;
	sa->sa_peer_id.id_data.ptr = sa->sa_peer_idbuf;
	sa->sa_have_peer_id = 1;
	X509_free(sa->sa_peer_cert);
	sa->sa_peer_cert = cert;
	memcpy(sa->sa_iv, iv, sa->sa_blk);
	err = GDOI_OK;
done:
	gdoi_arena_free(a);
	if (plain) {
		OPENSSL_cleanse(plain, plainlen);
		free(plain);
	}
	return err;
}

/* Initiator, message 4: KE and Nr; keys; send message 5. */
static int
in_msg4(struct gdoi_p1_sa *sa, const struct gdoi_msg *m, uint64_t now, struct gdoi_p1_out *out)
{
	struct gdoi_bytes ke, nonce;
	uint16_t n;
	int err = GDOI_E_INVAL;

	if ((n = get_ke_nonce(sa, m, &ke, &nonce)) != 0)
		return fail(sa, out, n, 1, GDOI_E_INVAL);
	memcpy(sa->sa_gxr, ke.ptr, ke.len);
	sa->sa_gxr_len = ke.len;
	memcpy(sa->sa_nr, nonce.ptr, nonce.len);
	sa->sa_nr_len = nonce.len;
	if ((n = derive(sa, &ke, &err)) != 0 || err)
		return fail(sa, out, n, 1, err);
	drop_dh(sa);
	if ((err = send_auth(sa, out)) != 0)
		return fail(sa, out, 0, 0, err);
	sa->sa_state = GDOI_P1_MM_I3;
	arm(sa, now);
	return GDOI_OK;
}

/* Responder, message 5: authenticate the initiator, send message 6. */
static int
in_msg5(struct gdoi_p1_sa *sa, const struct gdoi_msg *m, uint64_t now, struct gdoi_p1_out *out)
{
	uint16_t n = 0;
	int err;

	if (!(m->m_hdr.h_flags & ISAKMP_FLAG_E))
		return GDOI_E_ENCRYPTED;	/* must be encrypted: drop */
	if ((err = check_auth(sa, m, &n)) == GDOI_E_LENGTH)
		return err;
	if (err)
		return fail(sa, out, n, 1, err);
	if ((err = send_auth(sa, out)) != 0)
		return fail(sa, out, 0, 0, err);
	established(sa, now, out);
	return GDOI_OK;
}

/* Initiator, message 6: authenticate the responder. */
static int
in_msg6(struct gdoi_p1_sa *sa, const struct gdoi_msg *m, uint64_t now, struct gdoi_p1_out *out)
{
	uint16_t n = 0;
	int err;

	if (!(m->m_hdr.h_flags & ISAKMP_FLAG_E))
		return GDOI_E_ENCRYPTED;
	if ((err = check_auth(sa, m, &n)) == GDOI_E_LENGTH)
		return err;
	if (err)
		return fail(sa, out, n, 1, err);
	established(sa, now, out);
	return GDOI_OK;
}

/* ------------------------------------------------------------------ */
/* Informational exchange (RFC 2409 5.7)                                */

/* HASH(1) = prf(SKEYID_a, M-ID | payloads after HASH). */
static int
info_hash(const struct gdoi_p1_sa *sa, uint32_t msgid, const uint8_t *p, size_t n, uint8_t *out,
    size_t *outlen)
{
	uint8_t mid[4];
	struct gdoi_bytes parts[2];

	gdoi_put32(mid, msgid);
	parts[0].ptr = mid;
	parts[0].len = 4;
	parts[1].ptr = p;
	parts[1].len = n;
	return gdoi_prf(sa->sa_xf.pp_hash, sa->sa_keys.k_skeyid_a, sa->sa_keys.k_skeyid_a_len,
	    parts, 2, out, GDOI_HASH_MAX, outlen);
}

int
gdoi_p1_info_build(struct gdoi_p1_sa *sa, const struct gdoi_payload *pl, uint32_t msgid,
    struct gdoi_p1_out *out)
{
	uint8_t h[GDOI_HASH_MAX], iv[GDOI_CIPHER_BLOCK_MAX], mid[4];
	uint8_t body[GDOI_P1_MSG_MAX];
	struct gdoi_payload two[2];
	struct gdoi_wr w;
	size_t hlen = 0;
	int err;

	out->o_len = 0;
	if (sa == NULL || pl == NULL || sa->sa_state != GDOI_P1_ESTABLISHED)
		return GDOI_E_INVAL;
	if (pl->pl_type != ISAKMP_PL_N && pl->pl_type != ISAKMP_PL_D)
		return GDOI_E_INVAL;
	while (msgid == 0) {
		if (RAND_bytes(mid, sizeof(mid)) != 1)
			return GDOI_E_NOMEM;
		msgid = gdoi_be32(mid);
	}
	gdoi_wr_init_fixed(&w, body, sizeof(body));
	gdoi_chain_encode(&w, GDOI_CTX_PHASE1, pl, 1, NULL);
	if ((err = gdoi_wr_error(&w)) != 0)
		return err;
	if ((err = info_hash(sa, msgid, body, gdoi_wr_len(&w), h, &hlen)) != 0)
		return err;
	memset(&two[0], 0, sizeof(two[0]));
	two[0].pl_type = ISAKMP_PL_HASH;
	two[0].pl_u.data.ptr = h;
	two[0].pl_u.data.len = hlen;
	two[1] = *pl;
	if ((err = gdoi_p1_p2_iv(sa, msgid, iv, sizeof(iv))) != 0)
		return err;
	return p1_send_enc(sa, ISAKMP_EX_INFO, msgid, iv, two, 2, out, 0);
}

/* The Phase 1 SA's SPI (I-cookie | R-cookie) for a notify or delete
 * about it, and a zeroed payload of that type. */
static void
sa_spi(const struct gdoi_p1_sa *sa, uint8_t spi[2 * ISAKMP_COOKIE_LEN],
    struct gdoi_payload *pl, uint8_t type)
{
	memcpy(spi, sa->sa_icookie, ISAKMP_COOKIE_LEN);
	memcpy(spi + ISAKMP_COOKIE_LEN, sa->sa_rcookie, ISAKMP_COOKIE_LEN);
	memset(pl, 0, sizeof(*pl));
	pl->pl_type = type;
}

int
gdoi_p1_info_notify(struct gdoi_p1_sa *sa, uint16_t type, const uint8_t *data, size_t datalen,
    struct gdoi_p1_out *out)
{
	uint8_t spi[2 * ISAKMP_COOKIE_LEN];
	struct gdoi_payload pl;

	if (sa == NULL)
		return GDOI_E_INVAL;
	sa_spi(sa, spi, &pl, ISAKMP_PL_N);
	pl.pl_u.n.n_doi = sa->sa_doi;
	pl.pl_u.n.n_proto = ISAKMP_PROTO_ISAKMP;
	pl.pl_u.n.n_type = type;
	pl.pl_u.n.n_spi.ptr = spi;
	pl.pl_u.n.n_spi.len = sizeof(spi);
	pl.pl_u.n.n_data.ptr = data;
	pl.pl_u.n.n_data.len = data ? datalen : 0;
	return gdoi_p1_info_build(sa, &pl, 0, out);
}

int
gdoi_p1_info_delete(struct gdoi_p1_sa *sa, struct gdoi_p1_out *out)
{
	uint8_t spi[2 * ISAKMP_COOKIE_LEN];
	struct gdoi_payload pl;

	if (sa == NULL)
		return GDOI_E_INVAL;
	sa_spi(sa, spi, &pl, ISAKMP_PL_D);
	pl.pl_u.d.d_doi = sa->sa_doi;
	pl.pl_u.d.d_proto = ISAKMP_PROTO_ISAKMP;
	pl.pl_u.d.d_spi_size = sizeof(spi);
	pl.pl_u.d.d_nspi = 1;
	pl.pl_u.d.d_spis.ptr = spi;
	pl.pl_u.d.d_spis.len = sizeof(spi);
	return gdoi_p1_info_build(sa, &pl, 0, out);
}

void
gdoi_p1_info_free(struct gdoi_p1_info *info)
{
	if (info == NULL)
		return;
	gdoi_arena_free(info->i_arena);
	if (info->i_plain) {
		OPENSSL_cleanse(info->i_plain, info->i_plainlen);
		free(info->i_plain);
	}
	memset(info, 0, sizeof(*info));
}

static int
cookies_match(const struct gdoi_p1_sa *sa, const struct isakmp_hdr *h)
{
	return memcmp(h->h_icookie, sa->sa_icookie, ISAKMP_COOKIE_LEN) == 0 &&
	    memcmp(h->h_rcookie, sa->sa_rcookie, ISAKMP_COOKIE_LEN) == 0;
}

static int
info_decode_msg(const struct gdoi_p1_sa *sa, const struct gdoi_msg *m, struct gdoi_p1_info *info)
{
	uint8_t iv[GDOI_CIPHER_BLOCK_MAX], h[GDOI_HASH_MAX];
	struct gdoi_payload *pl = NULL;
	size_t npl = 0, consumed = 0, start, hlen = 0;
	int err;

	memset(info, 0, sizeof(*info));
	if (sa->sa_state != GDOI_P1_ESTABLISHED || m->m_hdr.h_exchange != ISAKMP_EX_INFO ||
	    !(m->m_hdr.h_flags & ISAKMP_FLAG_E) || m->m_hdr.h_msgid == 0 ||
	    !cookies_match(sa, &m->m_hdr))
		return GDOI_E_INVAL;
	if ((err = gdoi_p1_p2_iv(sa, m->m_hdr.h_msgid, iv, sizeof(iv))) != 0)
		return err;
	if ((err = p1_decrypt(sa, m, iv, &info->i_plain, &info->i_plainlen)) != 0)
		goto fail;
	if ((info->i_arena = gdoi_arena_new()) == NULL) {
		err = GDOI_E_NOMEM;
		goto fail;
	}
	err = gdoi_chain_decode(GDOI_CTX_PHASE1, m->m_hdr.h_np, info->i_plain, info->i_plainlen,
	    0, 1, info->i_arena, &pl, &npl, &consumed, NULL);
	if (err)
		goto fail;
	err = GDOI_E_ORDER;
	if (npl < 2 || pl[0].pl_type != ISAKMP_PL_HASH)
		goto fail;
	start = pl[0].pl_off + pl[0].pl_raw.len;
	if ((err = info_hash(sa, m->m_hdr.h_msgid, info->i_plain + start, consumed - start, h,
	    &hlen)) != 0)
		goto fail;
	if (pl[0].pl_u.data.len != hlen || !gdoi_ct_equal(h, pl[0].pl_u.data.ptr, hlen)) {
		err = GDOI_E_INVAL;
		goto fail;
	}
	info->i_msgid = m->m_hdr.h_msgid;
	info->i_pl = pl + 1;
	info->i_npl = npl - 1;
	return GDOI_OK;
fail:
	gdoi_p1_info_free(info);
	return err;
}

int
gdoi_p1_info_decode(const struct gdoi_p1_sa *sa, const uint8_t *msg, size_t len,
    struct gdoi_p1_info *info)
{
	struct gdoi_msg *m = NULL;
	int err;

	memset(info, 0, sizeof(*info));
	if (sa == NULL || msg == NULL)
		return GDOI_E_INVAL;
	if ((err = gdoi_msg_decode(msg, len, &m, NULL)) != 0)
		return err;
	err = info_decode_msg(sa, m, info);
	gdoi_msg_free(m);
	return err;
}

/* An authenticated Informational on an established SA: report it. */
static int
in_info_enc(struct gdoi_p1_sa *sa, const struct gdoi_msg *m, struct gdoi_p1_out *out)
{
	struct gdoi_p1_info info;
	size_t i;
	int err;

	if ((err = info_decode_msg(sa, m, &info)) != 0)
		return err;
	for (i = 0; i < info.i_npl; i++) {
		const struct gdoi_payload *p = &info.i_pl[i];

		if (p->pl_type == ISAKMP_PL_N) {
			out->o_events |= GDOI_P1_EV_NOTIFY;
			out->o_notify = p->pl_u.n.n_type;
		} else if (p->pl_type == ISAKMP_PL_D && p->pl_u.d.d_proto == ISAKMP_PROTO_ISAKMP &&
		    p->pl_u.d.d_spi_size == 2 * ISAKMP_COOKIE_LEN) {
			size_t k;

			for (k = 0; k < p->pl_u.d.d_nspi; k++) {
				const uint8_t *s = p->pl_u.d.d_spis.ptr + k * 2 * ISAKMP_COOKIE_LEN;

				if (memcmp(s, sa->sa_icookie, ISAKMP_COOKIE_LEN) == 0 &&
				    memcmp(s + ISAKMP_COOKIE_LEN, sa->sa_rcookie,
				    ISAKMP_COOKIE_LEN) == 0) {
					sa->sa_state = GDOI_P1_DELETED;
					sa->sa_expire_at = 0;
					out->o_events |= GDOI_P1_EV_DELETED;
				}
			}
		}
	}
	gdoi_p1_info_free(&info);
	return GDOI_OK;
}

/* An unprotected Informational: an error notify ends a negotiation. */
static int
in_info_plain(struct gdoi_p1_sa *sa, const struct gdoi_msg *m, struct gdoi_p1_out *out)
{
	const struct gdoi_payload *n = gdoi_msg_find(m, ISAKMP_PL_N, 0);

	if (sa->sa_state == GDOI_P1_ESTABLISHED || n == NULL || n->pl_u.n.n_type == 0 ||
	    n->pl_u.n.n_type >= N_CONNECTED)
		return GDOI_E_INVAL;
	return fail(sa, out, n->pl_u.n.n_type, 0, GDOI_OK);
}

/* ------------------------------------------------------------------ */
/* Input and timers                                                     */

static int
negotiating(const struct gdoi_p1_sa *sa)
{
	return sa->sa_state >= GDOI_P1_MM_I1 && sa->sa_state <= GDOI_P1_MM_R2;
}

static void
resend(const struct gdoi_p1_sa *sa, struct gdoi_p1_out *out)
{
	if (sa->sa_tx && sa->sa_txlen <= sizeof(out->o_msg)) {
		memcpy(out->o_msg, sa->sa_tx, sa->sa_txlen);
		out->o_len = sa->sa_txlen;
	}
}

static int
in_main(struct gdoi_p1_sa *sa, const struct gdoi_msg *m, uint64_t now, struct gdoi_p1_out *out)
{
	int enc = (m->m_hdr.h_flags & ISAKMP_FLAG_E) != 0;

	if (m->m_hdr.h_msgid != 0)
		return GDOI_E_INVAL;
	switch (sa->sa_state) {
	case GDOI_P1_MM_I1:
		return enc ? GDOI_E_ENCRYPTED : in_msg2(sa, m, now, out);
	case GDOI_P1_MM_R1:
		return enc ? GDOI_E_ENCRYPTED : in_msg3(sa, m, now, out);
	case GDOI_P1_MM_I2:
		return enc ? GDOI_E_ENCRYPTED : in_msg4(sa, m, now, out);
	case GDOI_P1_MM_R2:
		return in_msg5(sa, m, now, out);
	case GDOI_P1_MM_I3:
		return in_msg6(sa, m, now, out);
	default:
		return GDOI_E_ORDER;	/* nothing expected: drop */
	}
}

int
gdoi_p1_input(struct gdoi_p1_sa *sa, const uint8_t *msg, size_t len, uint64_t now_ms,
    struct gdoi_p1_out *out)
{
	uint8_t dig[32];
	struct gdoi_msg *m = NULL;
	int err;

	out_reset(out);
	if (sa == NULL || msg == NULL)
		return GDOI_E_INVAL;
	if (!negotiating(sa) && sa->sa_state != GDOI_P1_ESTABLISHED)
		return GDOI_E_INVAL;
	if ((err = gdoi_msg_decode(msg, len, &m, NULL)) != 0)
		return err;
	err = GDOI_E_INVAL;
	if (memcmp(m->m_hdr.h_icookie, sa->sa_icookie, ISAKMP_COOKIE_LEN) != 0)
		goto done;
	/* A copy of the message we last answered: answer it again. */
	p1_digest(msg, len, dig);
	if (sa->sa_rx_valid && sa->sa_tx && memcmp(dig, sa->sa_rx_digest, sizeof(dig)) == 0) {
		resend(sa, out);
		out->o_events |= GDOI_P1_EV_DUPLICATE;
		err = GDOI_OK;
		goto done;
	}
	if (sa->sa_state != GDOI_P1_MM_I1 && !cookies_match(sa, &m->m_hdr))
		goto done;
	switch (m->m_hdr.h_exchange) {
	case ISAKMP_EX_INFO:
		if (m->m_hdr.h_flags & ISAKMP_FLAG_E)
			err = in_info_enc(sa, m, out);
		else
			err = in_info_plain(sa, m, out);
		break;
	case ISAKMP_EX_MAIN:
		err = in_main(sa, m, now_ms, out);
		if (err == GDOI_OK) {
			/* Remember what we answered; message 6 needs no answer. */
			sa->sa_rx_valid = out->o_len != 0;
			memcpy(sa->sa_rx_digest, dig, sizeof(dig));
		}
		break;
	default:
		break;
	}
done:
	gdoi_msg_free(m);
	return err;
}

void
gdoi_p1_tick(struct gdoi_p1_sa *sa, uint64_t now_ms, struct gdoi_p1_out *out)
{
	const struct gdoi_p1_ctx *c;

	out_reset(out);
	if (sa == NULL)
		return;
	c = sa->sa_ctx;
	if (sa->sa_state == GDOI_P1_ESTABLISHED) {
		if (sa->sa_expire_at && now_ms >= sa->sa_expire_at) {
			sa->sa_state = GDOI_P1_EXPIRED;
			out->o_events |= GDOI_P1_EV_EXPIRED;
		}
		return;
	}
	if (!negotiating(sa) || sa->sa_rtx_at == 0 || now_ms < sa->sa_rtx_at)
		return;
	if (sa->sa_initiator && sa->sa_rtx_n < gdoi_p1_rtx_max(&c->x_rtx) && sa->sa_tx) {
		resend(sa, out);
		sa->sa_rtx_n++;
		sa->sa_rtx_int = gdoi_p1_rtx_interval(&c->x_rtx, sa->sa_rtx_n);
		sa->sa_rtx_at = now_ms + sa->sa_rtx_int;
		out->o_events |= GDOI_P1_EV_RETRANSMIT;
		return;
	}
	(void)fail(sa, out, 0, 0, GDOI_OK);	/* timeout: nobody to tell */
}

uint64_t
gdoi_p1_next_deadline(const struct gdoi_p1_sa *sa)
{
	if (sa == NULL)
		return UINT64_MAX;
	if (negotiating(sa) && sa->sa_rtx_at)
		return sa->sa_rtx_at;
	if (sa->sa_state == GDOI_P1_ESTABLISHED && sa->sa_expire_at)
		return sa->sa_expire_at;
	return UINT64_MAX;
}

/* ------------------------------------------------------------------ */
/* Accessors                                                            */

enum gdoi_p1_state
gdoi_p1_state(const struct gdoi_p1_sa *sa)
{
	return sa->sa_state;
}

int
gdoi_p1_is_initiator(const struct gdoi_p1_sa *sa)
{
	return sa->sa_initiator;
}

const uint8_t *
gdoi_p1_icookie(const struct gdoi_p1_sa *sa)
{
	return sa->sa_icookie;
}

const uint8_t *
gdoi_p1_rcookie(const struct gdoi_p1_sa *sa)
{
	return sa->sa_rcookie;
}

const struct gdoi_p1_policy *
gdoi_p1_transform(const struct gdoi_p1_sa *sa)
{
	return sa->sa_state == GDOI_P1_MM_I1 ? NULL : &sa->sa_xf;
}

uint32_t
gdoi_p1_doi(const struct gdoi_p1_sa *sa)
{
	return sa->sa_doi;
}

static int
keyed(const struct gdoi_p1_sa *sa)
{
	return sa->sa_keys_ok && (sa->sa_state == GDOI_P1_ESTABLISHED ||
	    sa->sa_state == GDOI_P1_EXPIRED || sa->sa_state == GDOI_P1_DELETED);
}

const struct gdoi_p1keys *
gdoi_p1_keys(const struct gdoi_p1_sa *sa)
{
	return keyed(sa) ? &sa->sa_keys : NULL;
}

unsigned
gdoi_p1_hash_alg(const struct gdoi_p1_sa *sa)
{
	return sa->sa_xf.pp_hash;
}

unsigned
gdoi_p1_cipher(const struct gdoi_p1_sa *sa, size_t *keylen_bytes)
{
	if (keylen_bytes)
		*keylen_bytes = sa->sa_keylen;
	return sa->sa_xf.pp_enc;
}

const uint8_t *
gdoi_p1_last_block(const struct gdoi_p1_sa *sa, size_t *len)
{
	if (!keyed(sa))
		return NULL;
	if (len)
		*len = sa->sa_blk;
	return sa->sa_iv;
}

int
gdoi_p1_p2_iv(const struct gdoi_p1_sa *sa, uint32_t msgid, uint8_t *iv, size_t cap)
{
	if (sa == NULL || !keyed(sa) || cap < sa->sa_blk)
		return GDOI_E_INVAL;
	return gdoi_p2_iv(sa->sa_xf.pp_hash, sa->sa_iv, sa->sa_blk, msgid, iv, sa->sa_blk);
}

const struct gdoi_id *
gdoi_p1_peer_id(const struct gdoi_p1_sa *sa)
{
	return sa->sa_have_peer_id ? &sa->sa_peer_id : NULL;
}

const struct gdoi_p1_peer *
gdoi_p1_peer(const struct gdoi_p1_sa *sa)
{
	return &sa->sa_peer;
}

X509 *
gdoi_p1_peer_cert(const struct gdoi_p1_sa *sa)
{
	return sa->sa_peer_cert;
}

uint64_t
gdoi_p1_expiry(const struct gdoi_p1_sa *sa)
{
	return sa->sa_expire_at;
}

const struct gdoi_p1_rtx *
gdoi_p1_rtx(const struct gdoi_p1_sa *sa)
{
	return &sa->sa_ctx->x_rtx;
}

int
gdoi_p1_keylog_line(const struct gdoi_p1_sa *sa, char *buf, size_t cap)
{
	size_t need, o = 0;

	if (sa == NULL || buf == NULL || !keyed(sa))
		return GDOI_E_INVAL;
	need = 2 * ISAKMP_COOKIE_LEN + 1 + 2 * sa->sa_keys.k_enc_len + 1;
	if (cap < need + 1)
		return GDOI_E_TOOBIG;
	gdoi_hex_put(buf, sa->sa_icookie, ISAKMP_COOKIE_LEN, 0);
	o = 2 * ISAKMP_COOKIE_LEN;
	buf[o++] = ',';
	gdoi_hex_put(buf + o, sa->sa_keys.k_enc, sa->sa_keys.k_enc_len, 0);
	o += 2 * sa->sa_keys.k_enc_len;
	buf[o++] = '\n';
	buf[o] = '\0';
	return (int)o;
}

/* ------------------------------------------------------------------ */
/* Credentials for RSA signatures                                       */

static int
cred_err(char *err, size_t cap, const char *what, const char *file)
{
	if (err != NULL && cap > 0)
		(void)snprintf(err, cap, "%s: %s", file ? file : "(null)", what);
	return GDOI_E_INVAL;
}

int
gdoi_p1_ctx_load_certs(struct gdoi_p1_ctx *ctx, const char *key_pem, const char *cert_pem,
    const char *ca_pem, char *err, size_t errcap)
{
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	X509_STORE *st = NULL;
	FILE *f;
	int rc = GDOI_E_INVAL;

	if (err != NULL && errcap > 0)
		err[0] = '\0';
	if (ctx == NULL || key_pem == NULL || cert_pem == NULL || ca_pem == NULL)
		return cred_err(err, errcap, "missing argument", NULL);
	if ((f = fopen(key_pem, "r")) == NULL) {
		rc = cred_err(err, errcap, "cannot open private key file", key_pem);
		goto done;
	}
	key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	if (key == NULL) {
		rc = cred_err(err, errcap, "no PEM private key (or encrypted)", key_pem);
		goto done;
	}
	if (EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) {
		rc = cred_err(err, errcap, "private key is not RSA", key_pem);
		goto done;
	}
	if ((f = fopen(cert_pem, "r")) == NULL) {
		rc = cred_err(err, errcap, "cannot open certificate file", cert_pem);
		goto done;
	}
	cert = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	if (cert == NULL) {
		rc = cred_err(err, errcap, "no PEM certificate", cert_pem);
		goto done;
	}
	if (X509_check_private_key(cert, key) != 1) {
		rc = cred_err(err, errcap, "certificate does not match the private key",
		    cert_pem);
		goto done;
	}
	if ((st = X509_STORE_new()) == NULL) {
		rc = GDOI_E_NOMEM;
		goto done;
	}
	if (X509_STORE_load_file(st, ca_pem) != 1) {
		rc = cred_err(err, errcap, "cannot load CA certificates (PEM)", ca_pem);
		goto done;
	}
	ctx->x_key = key;
	ctx->x_cert = cert;
	ctx->x_ca = st;
	return GDOI_OK;
done:
	EVP_PKEY_free(key);
	X509_free(cert);
	X509_STORE_free(st);
	return rc;
}

void
gdoi_p1_ctx_free_certs(struct gdoi_p1_ctx *ctx)
{
	if (ctx == NULL)
		return;
	EVP_PKEY_free(ctx->x_key);
	X509_free(ctx->x_cert);
	X509_STORE_free(ctx->x_ca);
	ctx->x_key = NULL;
	ctx->x_cert = NULL;
	ctx->x_ca = NULL;
}
