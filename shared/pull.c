/*
 * GROUPKEY-PULL (RFC 6407 section 3.2; hashes as in PROTOCOL-NOTES 1.3):
 * registration of a group member under an established Phase 1 SA, both
 * roles, as pure logic (see gdoi/pull.h for the message flow).
 *
 *   1  GM -> KS  HDR*, HASH(1), Ni, ID(ID_KEY_ID, 4-octet group, proto 0,
 *                port 0)
 *   2  KS -> GM  HDR*, HASH(2), Nr, SA(SAK?, SAT+)
 *   3  GM -> KS  HDR*, HASH(3) [, GAP(SENDER_ID_REQUEST)]
 *   4  KS -> GM  HDR*, HASH(4), SEQ, KD
 *
 * Every message: exchange 32, E flag, the Phase 1 cookies, the GM's M-ID.
 * HASH(n) = prf(SKEYID_a, M-ID | prefix | payloads after HASH) with the
 * prefix empty, Ni_b, Ni_b | Nr_b, Ni_b | Nr_b for n = 1..4.  Each side
 * keeps one CBC chain per exchange: message 1 starts from
 * gdoi_p1_p2_iv(M-ID), every later message from the last ciphertext block
 * of the message before it.  A received message is decrypted from a copy
 * of the chain value, which is committed only once its HASH verified, so
 * a forged or damaged datagram leaves the exchange as it was.
 *
 * Choices this module makes (pull.h leaves them open):
 *
 * - GM, message 2 refused.  An SA that authenticates but that we cannot
 *   run (gdoi_policy_from_sa fails) or a message 2 without exactly one Nr
 *   and one SA: the GM sends an encrypted Informational notify under the
 *   Phase 1 SA and reports FAILED with that type: ATTRIBUTES-NOT-SUPPORTED
 *   (13) for attributes we do not support, INVALID-PROTOCOL-ID (10) for a
 *   TEK Protocol-ID other than ESP or a KEK protocol other than UDP,
 *   INVALID-ID-INFORMATION (18) for selectors we cannot express,
 *   PAYLOAD-MALFORMED (16) for a missing payload or a bad nonce, and
 *   NO-PROPOSAL-CHOSEN (14) for the rest (too many TEKs or ACEs, ...).
 *   The same for message 4: INVALID-SPI (11) for a KD naming SPIs the SA
 *   did not carry, ATTRIBUTES-NOT-SUPPORTED for bad keys, PAYLOAD-MALFORMED
 *   when SEQ or KD is missing.  RFC 2408 5 leaves the choice of notify to
 *   the implementation; a notify lets the KS log why.  The notification
 *   data is the 4-octet group number.
 * - Counter mode without a Sender ID.  A GCM TEK is given its keys even
 *   when the GM did not ask for a Sender ID, when the KS has no
 *   sid_alloc, or when the grants do not cover it: such a GM can only
 *   receive on that TEK (RFC 6054 3: a sender needs a SID).  The GM
 *   reports DONE; tek_has_sid tells the daemon which TEKs it may send on.
 *   A sid_alloc that reports exhaustion (an N_* code negated) refuses the
 *   registration with that notify.
 * - KS waiting for message 3.  The exchange fails (FAILED, notify 0)
 *   when no message 3 arrives within the whole retransmission span of the
 *   Phase 1 context's schedule, like a half-open Phase 1 responder.
 * - A bad HASH(3) at the KS is answered with INVALID-HASH-INFORMATION but
 *   does not end the exchange: the genuine message 3 can still follow.
 * - Notifies and refusals report o_notify; an internal failure (memory,
 *   a policy the builders refuse) reports FAILED with o_notify 0 and
 *   sends nothing, except that a policy that cannot be written into
 *   message 2 is refused with NO-PROPOSAL-CHOSEN so the GM stops at once.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "gdoi/buf.h"
#include "gdoi/crypto.h"
#include "gdoi/pull.h"
#include "gdoi/wire.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

#define PULL_NONCE_LEN 16   /* what we send */
#define PULL_NONCE_MIN 8    /* RFC 2408 3.13 */
#define PULL_NONCE_MAX 256
#define PULL_NOTIFY_DATA_MAX 256
#define DIGEST_LEN 32

enum pull_state {
	PS_GM_WAIT2 = 1,	/* GM: message 1 sent */
	PS_GM_WAIT4,		/* GM: message 3 sent */
	PS_KS_WAIT3,		/* KS: message 2 sent */
	PS_DONE,
	PS_FAILED,
	PS_EXPIRED,		/* KS: linger over */
};

/* A datagram we answered and the answer (duplicates get it again). */
struct pull_cache {
	uint8_t c_rx[DIGEST_LEN];	/* SHA-256 of the datagram answered */
	int c_valid;
	uint8_t *c_tx;			/* the answer (owned) */
	size_t c_txlen;
};

/* What the exchange needs until it is done (about 4 KiB). */
struct pull_work {
	uint8_t w_ni[PULL_NONCE_MAX];
	uint8_t w_nr[PULL_NONCE_MAX];
	struct gdoi_gpolicy w_pol;
	struct gdoi_pull_ks_ops w_ops;
	struct gdoi_pull_gm_cfg w_cfg;
	uint8_t w_iv[GDOI_CIPHER_BLOCK_MAX];	/* the exchange's CBC chain */
	size_t w_blk;
	struct gdoi_sid_grant w_sids[GDOI_TEK_MAX];
	size_t w_nsids;
};

struct gdoi_pull {
	struct gdoi_p1_sa *px_p1;	/* borrowed */
	int px_gm;
	enum pull_state px_state;
	uint32_t px_msgid;
	uint32_t px_group;
	/* into px_w (owned): the KS frees it when message 4 is out, keeping
	 * only what answers a retransmitted message 3 */
	struct pull_work *px_w;
	uint8_t *px_ni;
	size_t px_ni_len;
	uint8_t *px_nr;
	size_t px_nr_len;
	struct gdoi_gpolicy *px_pol;	/* GM: received; KS: copy taken at message 2 */
	/* GM: [0] message 1, [1] message 2 -> message 3.
	 * KS: [0] message 1 -> message 2, [1] message 3 -> message 4. */
	struct pull_cache px_c[2];
	uint64_t px_at;			/* next timer, 0 = none */
	uint32_t px_rtx_n;		/* GM: resends of the current message */
};

/* ------------------------------------------------------------------ */
/* Small helpers                                                        */

static void
out_reset(struct gdoi_pull_out *out)
{
	out->o_events = 0;
	out->o_notify = 0;
	out->o_len = 0;
}

static int
p1_ready(const struct gdoi_p1_sa *p1)
{
	return p1 != NULL && gdoi_p1_state(p1) == GDOI_P1_ESTABLISHED && gdoi_p1_keys(p1) != NULL;
}

static void
digest(const uint8_t *msg, size_t len, uint8_t out[DIGEST_LEN])
{
	struct gdoi_bytes b = { msg, len };

	if (gdoi_hash(IKE_HASH_SHA256, &b, 1, out, DIGEST_LEN, NULL) != 0)
		memset(out, 0, DIGEST_LEN);
}

/* Wipe and free the answer, keep the digest: a copy of the message is
 * still recognised (and answered with nothing). */
static void
cache_drop_tx(struct pull_cache *c)
{
	if (c->c_tx) {
		OPENSSL_cleanse(c->c_tx, c->c_txlen);
		free(c->c_tx);
	}
	c->c_tx = NULL;
	c->c_txlen = 0;
}

/* Forget the message and the answer. */
static void
cache_drop(struct pull_cache *c)
{
	cache_drop_tx(c);
	memset(c, 0, sizeof(*c));
}

/* Remember out as the answer to rx (rx NULL: nothing answered yet). */
static int
cache_set(struct pull_cache *c, const uint8_t *rx, size_t rxlen, const struct gdoi_pull_out *out)
{
	uint8_t *p;

	if ((p = malloc(out->o_len ? out->o_len : 1)) == NULL)
		return GDOI_E_NOMEM;
	memcpy(p, out->o_msg, out->o_len);
	cache_drop(c);
	c->c_tx = p;
	c->c_txlen = out->o_len;
	if (rx) {
		digest(rx, rxlen, c->c_rx);
		c->c_valid = 1;
	}
	return GDOI_OK;
}

static void
cache_send(const struct pull_cache *c, struct gdoi_pull_out *out)
{
	if (c->c_tx && c->c_txlen <= sizeof(out->o_msg)) {
		memcpy(out->o_msg, c->c_tx, c->c_txlen);
		out->o_len = c->c_txlen;
	}
}

static int
random_nonzero32(uint32_t *v)
{
	uint8_t b[4];

	do {
		if (RAND_bytes(b, sizeof(b)) != 1)
			return GDOI_E_NOMEM;
		*v = gdoi_be32(b);
	} while (*v == 0);
	return GDOI_OK;
}

static size_t
n_counter_mode(const struct gdoi_gpolicy *p)
{
	size_t i, n = 0;

	for (i = 0; i < p->gp_ntek && i < GDOI_TEK_MAX; i++)
		if (p->gp_tek[i].tek_x.tx_esp == ESP_T_AES_GCM_16)
			n++;
	return n;
}

/* ------------------------------------------------------------------ */
/* Retransmission: the Phase 1 context's schedule (gdoi/p1.h)           */

static void
arm_rtx(struct gdoi_pull *ex, uint64_t now)
{
	ex->px_rtx_n = 0;
	ex->px_at = now + gdoi_p1_rtx_interval(gdoi_p1_rtx(ex->px_p1), 0);
}

/* ------------------------------------------------------------------ */
/* Hashes, encryption and decryption                                    */

/* prf(SKEYID_a, M-ID | pre[0] | ... | rest). */
static int
pull_hash(const struct gdoi_p1_sa *p1, uint32_t msgid, const struct gdoi_bytes *pre,
    size_t npre, const uint8_t *rest, size_t restlen, uint8_t *out, size_t *outlen)
{
	const struct gdoi_p1keys *k = gdoi_p1_keys(p1);
	struct gdoi_bytes parts[4];
	uint8_t mid[4];
	size_t i;

	if (k == NULL || npre > 2)
		return GDOI_E_INVAL;
	gdoi_put32(mid, msgid);
	parts[0].ptr = mid;
	parts[0].len = sizeof(mid);
	for (i = 0; i < npre; i++)
		parts[1 + i] = pre[i];
	parts[1 + npre].ptr = rest;
	parts[1 + npre].len = restlen;
	return gdoi_prf(gdoi_p1_hash_alg(p1), k->k_skeyid_a, k->k_skeyid_a_len, parts, npre + 2,
	    out, GDOI_HASH_MAX, outlen);
}

/* The nonce bodies that HASH(n) covers after the M-ID (n = 1..4). */
static size_t
hash_prefix(const struct gdoi_pull *ex, int n, struct gdoi_bytes pre[2])
{
	if (n <= 1)
		return 0;
	pre[0].ptr = ex->px_ni;
	pre[0].len = ex->px_ni_len;
	if (n == 2)
		return 1;
	pre[1].ptr = ex->px_nr;
	pre[1].len = ex->px_nr_len;
	return 2;
}

/*
 * HDR*, HASH, pl[0..n) into out: the chain is encoded with a zero HASH,
 * the hash is computed over the payloads after it and written in place,
 * the body is zero-padded to the block size (the header length counts
 * the padding) and CBC-encrypted from iv, which then holds the last
 * ciphertext block.
 */
static int
send_msg(struct gdoi_p1_sa *p1, uint32_t msgid, const struct gdoi_bytes *pre, size_t npre,
    uint8_t *iv, const struct gdoi_payload *pl, size_t n, struct gdoi_pull_out *out)
{
	static const uint8_t zero[GDOI_HASH_MAX];
	const struct gdoi_p1keys *k = gdoi_p1_keys(p1);
	struct gdoi_payload all[4];
	struct isakmp_hdr h;
	struct gdoi_wr w;
	uint8_t hv[GDOI_HASH_MAX], first = 0;
	size_t hlen = gdoi_hash_len(gdoi_p1_hash_alg(p1)), klen = 0, blk, start, body, pad, hl = 0;
	unsigned enc = gdoi_p1_cipher(p1, &klen);
	int err;

	out->o_len = 0;
	blk = gdoi_cipher_block(enc);
	if (k == NULL || hlen == 0 || blk == 0 || n + 1 > NELEM(all))
		return GDOI_E_INVAL;
	memset(all, 0, sizeof(all));
	all[0].pl_type = ISAKMP_PL_HASH;
	all[0].pl_u.data.ptr = zero;
	all[0].pl_u.data.len = hlen;
	memcpy(&all[1], pl, n * sizeof(*pl));
	memset(&h, 0, sizeof(h));
	memcpy(h.h_icookie, gdoi_p1_icookie(p1), ISAKMP_COOKIE_LEN);
	memcpy(h.h_rcookie, gdoi_p1_rcookie(p1), ISAKMP_COOKIE_LEN);
	h.h_version = ISAKMP_VERSION;
	h.h_exchange = GDOI_EX_PULL;
	h.h_flags = ISAKMP_FLAG_E;
	h.h_msgid = msgid;
	gdoi_wr_init_fixed(&w, out->o_msg, sizeof(out->o_msg));
	gdoi_hdr_encode(&w, &h);
	gdoi_chain_encode(&w, GDOI_CTX_GDOI, all, n + 1, &first);
	if ((err = gdoi_wr_error(&w)) != 0)
		goto fail;
	start = ISAKMP_HDR_LEN + ISAKMP_GEN_HDR_LEN + hlen;
	err = pull_hash(p1, msgid, pre, npre, out->o_msg + start, gdoi_wr_len(&w) - start, hv,
	    &hl);
	if (err)
		goto fail;
	memcpy(out->o_msg + ISAKMP_HDR_LEN + ISAKMP_GEN_HDR_LEN, hv, hlen);
	body = gdoi_wr_len(&w) - ISAKMP_HDR_LEN;
	pad = (blk - body % blk) % blk;
	gdoi_wr_zero(&w, pad);
	gdoi_wr_set_u8(&w, 16, first);
	gdoi_wr_set_u32(&w, 24, (uint32_t)gdoi_wr_len(&w));
	if ((err = gdoi_wr_error(&w)) != 0)
		goto fail;
	err = gdoi_cbc_encrypt(enc, k->k_enc, k->k_enc_len, iv, out->o_msg + ISAKMP_HDR_LEN,
	    body + pad, out->o_msg + ISAKMP_HDR_LEN);
	if (err)
		goto fail;
	out->o_len = gdoi_wr_len(&w);
	return GDOI_OK;
fail:
	OPENSSL_cleanse(out->o_msg, sizeof(out->o_msg) < gdoi_wr_len(&w) ? sizeof(out->o_msg) :
	    gdoi_wr_len(&w));
	return err;
}

/* A received, decrypted, hash-checked message. */
struct pull_rx {
	struct gdoi_msg *r_m;
	uint8_t *r_plain;		/* owned, wiped on free */
	size_t r_plainlen;
	struct gdoi_arena *r_a;
	struct gdoi_payload *r_pl;	/* r_pl[0] is the HASH */
	size_t r_npl;
	const uint8_t *r_rest;		/* the payloads after HASH */
	size_t r_restlen;
	uint8_t r_iv[GDOI_CIPHER_BLOCK_MAX]; /* last ciphertext block */
};

static void
rx_free(struct pull_rx *r)
{
	gdoi_arena_free(r->r_a);
	if (r->r_plain) {
		OPENSSL_cleanse(r->r_plain, r->r_plainlen);
		free(r->r_plain);
	}
	gdoi_msg_free(r->r_m);
	memset(r, 0, sizeof(*r));
}

/*
 * Decode the header of a datagram for p1's exchange msgid (0: any
 * non-zero M-ID): exchange 32, E flag, the Phase 1 cookies.  Anything
 * else is GDOI_E_INVAL (dropped without an answer).
 */
static int
rx_header(const struct gdoi_p1_sa *p1, const uint8_t *msg, size_t len, uint32_t msgid,
    struct pull_rx *r)
{
	const struct isakmp_hdr *h;
	int err;

	memset(r, 0, sizeof(*r));
	if ((err = gdoi_msg_decode(msg, len, &r->r_m, NULL)) != 0)
		return err;
	h = &r->r_m->m_hdr;
	if (h->h_exchange != GDOI_EX_PULL || !(h->h_flags & ISAKMP_FLAG_E) || h->h_msgid == 0 ||
	    (msgid != 0 && h->h_msgid != msgid) ||
	    memcmp(h->h_icookie, gdoi_p1_icookie(p1), ISAKMP_COOKIE_LEN) != 0 ||
	    memcmp(h->h_rcookie, gdoi_p1_rcookie(p1), ISAKMP_COOKIE_LEN) != 0) {
		rx_free(r);
		return GDOI_E_INVAL;
	}
	return GDOI_OK;
}

/*
 * Decrypt r's body from a copy of iv, decode the chain and check HASH(n)
 * with the prefix pre.  GDOI_E_LENGTH: the ciphertext is not whole blocks
 * (not worth an answer); GDOI_E_NOMEM; GDOI_E_INVAL: it does not
 * authenticate (bad hash, or not a chain starting with HASH, which is
 * what a wrong key or IV gives).
 */
static int
rx_open(const struct gdoi_p1_sa *p1, const uint8_t *iv, const struct gdoi_bytes *pre,
    size_t npre, struct pull_rx *r)
{
	const struct gdoi_p1keys *k = gdoi_p1_keys(p1);
	const struct gdoi_bytes *body = &r->r_m->m_body;
	size_t klen = 0, blk, consumed = 0, hl = 0;
	unsigned enc = gdoi_p1_cipher(p1, &klen);
	uint8_t hv[GDOI_HASH_MAX];
	int err;

	blk = gdoi_cipher_block(enc);
	if (k == NULL || blk == 0)
		return GDOI_E_INVAL;
	if (body->len == 0 || body->len % blk != 0)
		return GDOI_E_LENGTH;
	if ((r->r_plain = malloc(body->len)) == NULL)
		return GDOI_E_NOMEM;
	r->r_plainlen = body->len;
	memcpy(r->r_iv, iv, blk);
	if ((err = gdoi_cbc_decrypt(enc, k->k_enc, k->k_enc_len, r->r_iv, body->ptr, body->len,
	    r->r_plain)) != 0)
		return err;
	if ((r->r_a = gdoi_arena_new()) == NULL)
		return GDOI_E_NOMEM;
	err = gdoi_chain_decode(GDOI_CTX_GDOI, r->r_m->m_hdr.h_np, r->r_plain, r->r_plainlen,
	    ISAKMP_HDR_LEN, 1, r->r_a, &r->r_pl, &r->r_npl, &consumed, NULL);
	if (err == GDOI_E_NOMEM)
		return err;
	if (err || r->r_npl == 0 || r->r_pl[0].pl_type != ISAKMP_PL_HASH)
		return GDOI_E_INVAL;
	r->r_rest = r->r_pl[0].pl_raw.ptr + r->r_pl[0].pl_raw.len;
	r->r_restlen = (size_t)(r->r_plain + consumed - r->r_rest);
	if ((err = pull_hash(p1, r->r_m->m_hdr.h_msgid, pre, npre, r->r_rest, r->r_restlen, hv,
	    &hl)) != 0)
		return err;
	if (r->r_pl[0].pl_u.data.len != hl || !gdoi_ct_equal(hv, r->r_pl[0].pl_u.data.ptr, hl))
		return GDOI_E_INVAL;
	return GDOI_OK;
}

/*
 * The payloads after HASH: each of types[] at most once (exactly once
 * when its bit is in need), nothing else.  found[i] is set or NULL.
 */
static int
rx_pick(const struct pull_rx *r, const uint8_t *types, size_t ntypes, unsigned need,
    const struct gdoi_payload **found)
{
	size_t i, j;

	for (j = 0; j < ntypes; j++)
		found[j] = NULL;
	for (i = 1; i < r->r_npl; i++) {
		for (j = 0; j < ntypes && r->r_pl[i].pl_type != types[j]; j++)
			;
		if (j == ntypes || found[j] != NULL)
			return GDOI_E_ORDER;
		found[j] = &r->r_pl[i];
	}
	for (j = 0; j < ntypes; j++)
		if ((need & (1u << j)) && found[j] == NULL)
			return GDOI_E_ORDER;
	return GDOI_OK;
}

/* The first payload of a type after HASH, or NULL. */
static const struct gdoi_payload *
rx_find(const struct pull_rx *r, uint8_t type)
{
	size_t i;

	for (i = 1; i < r->r_npl; i++)
		if (r->r_pl[i].pl_type == type)
			return &r->r_pl[i];
	return NULL;
}

/* An encrypted Informational notify under p1 into out (events untouched). */
static void
send_notify(struct gdoi_p1_sa *p1, uint16_t type, const uint8_t *data, size_t len,
    struct gdoi_pull_out *out)
{
	struct gdoi_p1_out *po;

	out->o_len = 0;
	if (type == 0 || (po = malloc(sizeof(*po))) == NULL)
		return;
	memset(po, 0, sizeof(*po));
	if (len > PULL_NOTIFY_DATA_MAX)
		len = PULL_NOTIFY_DATA_MAX;
	if (gdoi_p1_info_notify(p1, type, data, len, po) == 0 && po->o_len <= sizeof(out->o_msg)) {
		memcpy(out->o_msg, po->o_msg, po->o_len);
		out->o_len = po->o_len;
	}
	free(po);
}

/* ------------------------------------------------------------------ */
/* Exchange life cycle                                                  */

static struct gdoi_pull *
ex_new(struct gdoi_p1_sa *p1, int gm, uint32_t msgid)
{
	struct gdoi_pull *ex = calloc(1, sizeof(*ex));
	size_t klen = 0;

	if (ex == NULL)
		return NULL;
	if ((ex->px_w = calloc(1, sizeof(*ex->px_w))) == NULL) {
		free(ex);
		return NULL;
	}
	ex->px_ni = ex->px_w->w_ni;
	ex->px_nr = ex->px_w->w_nr;
	ex->px_pol = &ex->px_w->w_pol;
	ex->px_p1 = p1;
	ex->px_gm = gm;
	ex->px_msgid = msgid;
	ex->px_w->w_blk = gdoi_cipher_block(gdoi_p1_cipher(p1, &klen));
	return ex;
}

/* Wipe and free the work area: nonces, policy. */
static void
work_drop(struct gdoi_pull *ex)
{
	if (ex->px_w != NULL) {
		gdoi_gpolicy_clear(&ex->px_w->w_pol);
		OPENSSL_cleanse(ex->px_w, sizeof(*ex->px_w));
		free(ex->px_w);
		ex->px_w = NULL;
	}
	ex->px_ni = ex->px_nr = NULL;
	ex->px_ni_len = ex->px_nr_len = 0;
	ex->px_pol = NULL;
}

void
gdoi_pull_free(struct gdoi_pull *ex)
{
	if (ex == NULL)
		return;
	work_drop(ex);
	cache_drop(&ex->px_c[0]);
	cache_drop(&ex->px_c[1]);
	OPENSSL_cleanse(ex, sizeof(*ex));
	free(ex);
}

/*
 * The exchange failed: send notify (when not 0) under the Phase 1 SA with
 * the group number as data, report FAILED, stop the timers and wipe the
 * policy.
 */
static int
ex_fail(struct gdoi_pull *ex, uint16_t notify, struct gdoi_pull_out *out, int err)
{
	uint8_t gid[4];

	gdoi_put32(gid, ex->px_group);
	send_notify(ex->px_p1, notify, gid, sizeof(gid), out);
	out->o_events |= GDOI_PULL_EV_FAILED;
	out->o_notify = notify;
	ex->px_state = PS_FAILED;
	ex->px_at = 0;
	gdoi_gpolicy_clear(ex->px_pol);
	if (ex->px_w != NULL)
		ex->px_w->w_nsids = 0;
	return err;
}

/* The GM's notify when a policy from message 2 (sa) or 4 (kd) is refused. */
static uint16_t
notify_for_policy(int err, int kd)
{
	switch (err) {
	case GDOI_E_NOMEM:
		return 0;
	case GDOI_E_ATTR:
		return N_ATTRIBUTES_NOT_SUPPORTED;
	case GDOI_E_PROTO:
		return N_INVALID_PROTOCOL_ID;
	case GDOI_E_ID:
		return N_INVALID_ID_INFORMATION;
	case GDOI_E_INVAL:
	case GDOI_E_SPI_SIZE:
		return kd ? N_INVALID_SPI : N_NO_PROPOSAL_CHOSEN;
	default:
		return kd ? N_PAYLOAD_MALFORMED : N_NO_PROPOSAL_CHOSEN;
	}
}

/* ------------------------------------------------------------------ */
/* GM: message 1                                                        */

int
gdoi_pull_initiate(struct gdoi_p1_sa *p1, const struct gdoi_pull_gm_cfg *cfg, uint64_t now_ms,
    struct gdoi_pull **exp, struct gdoi_pull_out *out)
{
	struct gdoi_payload pl[2];
	struct gdoi_pull *ex = NULL;
	uint8_t gid[4];
	uint32_t msgid;
	int err;

	if (exp)
		*exp = NULL;
	if (out == NULL)
		return GDOI_E_INVAL;
	out_reset(out);
	if (!p1_ready(p1) || cfg == NULL || exp == NULL)
		return GDOI_E_INVAL;
	if ((err = random_nonzero32(&msgid)) != 0)
		return err;
	if ((ex = ex_new(p1, 1, msgid)) == NULL)
		return GDOI_E_NOMEM;
	ex->px_w->w_cfg = *cfg;
	ex->px_group = cfg->gc_group;
	if (RAND_bytes(ex->px_ni, PULL_NONCE_LEN) != 1) {
		err = GDOI_E_NOMEM;
		goto fail;
	}
	ex->px_ni_len = PULL_NONCE_LEN;
	if ((err = gdoi_p1_p2_iv(p1, msgid, ex->px_w->w_iv, sizeof(ex->px_w->w_iv))) != 0)
		goto fail;
	gdoi_put32(gid, cfg->gc_group);
	memset(pl, 0, sizeof(pl));
	pl[0].pl_type = ISAKMP_PL_NONCE;
	pl[0].pl_u.data.ptr = ex->px_ni;
	pl[0].pl_u.data.len = ex->px_ni_len;
	pl[1].pl_type = ISAKMP_PL_ID;
	pl[1].pl_u.id.id_type = ID_KEY_ID;
	pl[1].pl_u.id.id_data.ptr = gid;
	pl[1].pl_u.id.id_data.len = sizeof(gid);
	if ((err = send_msg(p1, msgid, NULL, 0, ex->px_w->w_iv, pl, 2, out)) != 0 ||
	    (err = cache_set(&ex->px_c[0], NULL, 0, out)) != 0)
		goto fail;
	ex->px_state = PS_GM_WAIT2;
	arm_rtx(ex, now_ms);
	*exp = ex;
	return GDOI_OK;
fail:
	out_reset(out);
	gdoi_pull_free(ex);
	return err;
}

/* ------------------------------------------------------------------ */
/* KS: message 1 -> message 2                                           */

/* Refuse a message 1 (no exchange): the notify under p1, FAILED. */
static int
refuse(struct gdoi_p1_sa *p1, uint16_t type, const struct gdoi_payload *idp,
    struct gdoi_pull_out *out, int err)
{
	send_notify(p1, type, idp ? idp->pl_u.id.id_data.ptr : NULL,
	    idp ? idp->pl_u.id.id_data.len : 0, out);
	out->o_events |= GDOI_PULL_EV_FAILED;
	out->o_notify = type;
	return err;
}

int
gdoi_pull_respond(struct gdoi_p1_sa *p1, const struct gdoi_pull_ks_ops *ops,
    const uint8_t *msg, size_t len, uint64_t now_ms, struct gdoi_pull **exp,
    struct gdoi_pull_out *out)
{
	static const uint8_t types[] = { ISAKMP_PL_NONCE, ISAKMP_PL_ID };
	const struct gdoi_payload *found[2], *idp;
	const struct gdoi_gpolicy *pol = NULL;
	struct gdoi_payload pl[2];
	struct gdoi_bytes pre[2];
	struct gdoi_arena *a = NULL;
	struct gdoi_pull *ex = NULL;
	struct pull_rx r;
	uint8_t iv[GDOI_CIPHER_BLOCK_MAX];
	uint32_t group;
	int err, code;

	if (exp)
		*exp = NULL;
	if (out == NULL)
		return GDOI_E_INVAL;
	out_reset(out);
	if (!p1_ready(p1) || ops == NULL || ops->lookup == NULL || msg == NULL || exp == NULL)
		return GDOI_E_INVAL;
	if ((err = rx_header(p1, msg, len, 0, &r)) != 0)
		return err;
	if ((err = gdoi_p1_p2_iv(p1, r.r_m->m_hdr.h_msgid, iv, sizeof(iv))) != 0)
		goto done;
	if ((err = rx_open(p1, iv, NULL, 0, &r)) != 0) {
		if (err == GDOI_E_INVAL)
			send_notify(p1, N_INVALID_HASH_INFORMATION, NULL, 0, out);
		goto done;
	}
	/* Authenticated from here: refusals are notified. */
	if (rx_pick(&r, types, NELEM(types), 3, found) != 0) {
		err = refuse(p1, N_PAYLOAD_MALFORMED, rx_find(&r, ISAKMP_PL_ID), out, GDOI_E_ORDER);
		goto done;
	}
	idp = found[1];
	if (found[0]->pl_u.data.len < PULL_NONCE_MIN || found[0]->pl_u.data.len > PULL_NONCE_MAX) {
		err = refuse(p1, N_PAYLOAD_MALFORMED, idp, out, GDOI_E_LENGTH);
		goto done;
	}
	if (gdoi_id_group_number(&idp->pl_u.id, &group) != 0) {
		err = refuse(p1, N_INVALID_ID_INFORMATION, idp, out, GDOI_E_ID);
		goto done;
	}
	code = ops->lookup(ops->arg, p1, group, &pol);
	if (code > 0) {
		err = refuse(p1, code > 0xffff ? N_INVALID_ID_INFORMATION : (uint16_t)code, idp, out,
		    GDOI_E_INVAL);
		goto done;
	}
	if (code < 0 || pol == NULL) {
		err = GDOI_E_INVAL;	/* the callback broke its contract: stay silent */
		goto done;
	}
	if ((ex = ex_new(p1, 0, r.r_m->m_hdr.h_msgid)) == NULL) {
		err = GDOI_E_NOMEM;
		goto done;
	}
	ex->px_w->w_ops = *ops;
	ex->px_group = group;
	if ((err = gdoi_gpolicy_copy(ex->px_pol, pol)) != 0)
		goto done;
	memcpy(ex->px_ni, found[0]->pl_u.data.ptr, found[0]->pl_u.data.len);
	ex->px_ni_len = found[0]->pl_u.data.len;
	if (RAND_bytes(ex->px_nr, PULL_NONCE_LEN) != 1) {
		err = GDOI_E_NOMEM;
		goto done;
	}
	ex->px_nr_len = PULL_NONCE_LEN;
	if ((a = gdoi_arena_new()) == NULL) {
		err = GDOI_E_NOMEM;
		goto done;
	}
	memset(pl, 0, sizeof(pl));
	pl[0].pl_type = ISAKMP_PL_NONCE;
	pl[0].pl_u.data.ptr = ex->px_nr;
	pl[0].pl_u.data.len = ex->px_nr_len;
	memcpy(ex->px_w->w_iv, r.r_iv, ex->px_w->w_blk);
	if ((err = gdoi_policy_sa_build(ex->px_pol, now_ms, a, &pl[1])) != 0 ||
	    (err = send_msg(p1, ex->px_msgid, pre, hash_prefix(ex, 2, pre), ex->px_w->w_iv, pl, 2,
	    out)) != 0) {
		if (err != GDOI_E_NOMEM)
			err = refuse(p1, N_NO_PROPOSAL_CHOSEN, idp, out, err);
		goto done;
	}
	if ((err = cache_set(&ex->px_c[0], msg, len, out)) != 0)
		goto done;
	ex->px_state = PS_KS_WAIT3;
	ex->px_at = now_ms + gdoi_p1_rtx_span(gdoi_p1_rtx(p1));
	*exp = ex;
	ex = NULL;
done:
	if (ex != NULL && err != 0 && !(out->o_events & GDOI_PULL_EV_FAILED))
		out_reset(out);
	gdoi_pull_free(ex);
	gdoi_arena_free(a);
	rx_free(&r);
	return err;
}

/* ------------------------------------------------------------------ */
/* GM: message 2 -> message 3, message 4                                */

static int
gm_msg2(struct gdoi_pull *ex, const uint8_t *msg, size_t len, struct pull_rx *r, uint64_t now,
    struct gdoi_pull_out *out)
{
	static const uint8_t types[] = { ISAKMP_PL_NONCE, ISAKMP_PL_SA };
	const struct gdoi_payload *found[2];
	struct gdoi_attr gap_attr;
	struct gdoi_payload pl[1];
	struct gdoi_bytes pre[2];
	size_t npl = 0;
	int err;

	if ((err = rx_open(ex->px_p1, ex->px_w->w_iv, pre, hash_prefix(ex, 2, pre), r)) != 0)
		return err;	/* forged or damaged: keep waiting */
	if (rx_pick(r, types, NELEM(types), 3, found) != 0)
		return ex_fail(ex, N_PAYLOAD_MALFORMED, out, GDOI_E_ORDER);
	if (found[0]->pl_u.data.len < PULL_NONCE_MIN || found[0]->pl_u.data.len > PULL_NONCE_MAX)
		return ex_fail(ex, N_PAYLOAD_MALFORMED, out, GDOI_E_LENGTH);
	if ((err = gdoi_policy_from_sa(ex->px_pol, &found[1]->pl_u.gsa, now, NULL)) != 0)
		return ex_fail(ex, notify_for_policy(err, 0), out, err);
	ex->px_pol->gp_group = ex->px_group;
	memcpy(ex->px_nr, found[0]->pl_u.data.ptr, found[0]->pl_u.data.len);
	ex->px_nr_len = found[0]->pl_u.data.len;
	memcpy(ex->px_w->w_iv, r->r_iv, ex->px_w->w_blk);
	/* Message 3: ask for Sender IDs only when a counter-mode TEK came. */
	memset(pl, 0, sizeof(pl));
	if (ex->px_w->w_cfg.gc_sid_request && n_counter_mode(ex->px_pol)) {
		gap_attr = gdoi_attr_tv(GAP_ATTR_SENDER_ID_REQUEST,
		    ex->px_w->w_cfg.gc_sid_request > 0xffff ? 0xffff : (uint16_t)ex->px_w->w_cfg.gc_sid_request);
		pl[0].pl_type = GDOI_PL_GAP;
		pl[0].pl_u.gap.g_attrs.v = &gap_attr;
		pl[0].pl_u.gap.g_attrs.n = 1;
		npl = 1;
	}
	if ((err = send_msg(ex->px_p1, ex->px_msgid, pre, hash_prefix(ex, 3, pre), ex->px_w->w_iv, pl,
	    npl, out)) != 0 || (err = cache_set(&ex->px_c[1], msg, len, out)) != 0)
		return ex_fail(ex, 0, out, err);
	ex->px_state = PS_GM_WAIT4;
	arm_rtx(ex, now);
	return GDOI_OK;
}

static int
gm_msg4(struct gdoi_pull *ex, struct pull_rx *r, struct gdoi_pull_out *out)
{
	static const uint8_t types[] = { GDOI_PL_SEQ, GDOI_PL_KD };
	const struct gdoi_payload *found[2];
	struct gdoi_bytes pre[2];
	int err;

	if ((err = rx_open(ex->px_p1, ex->px_w->w_iv, pre, hash_prefix(ex, 4, pre), r)) != 0)
		return err;
	if (rx_pick(r, types, NELEM(types), 3, found) != 0)
		return ex_fail(ex, N_PAYLOAD_MALFORMED, out, GDOI_E_ORDER);
	if ((err = gdoi_policy_from_kd(ex->px_pol, &found[1]->pl_u.kd, NULL)) != 0)
		return ex_fail(ex, notify_for_policy(err, 1), out, err);
	ex->px_pol->gp_has_seq = 1;
	ex->px_pol->gp_seq = found[0]->pl_u.seq;
	memcpy(ex->px_w->w_iv, r->r_iv, ex->px_w->w_blk);
	ex->px_state = PS_DONE;
	ex->px_at = 0;
	cache_drop(&ex->px_c[0]);
	cache_drop(&ex->px_c[1]);
	out->o_events |= GDOI_PULL_EV_DONE;
	return GDOI_OK;
}

/* ------------------------------------------------------------------ */
/* KS: message 3 -> message 4                                           */

static int
ks_msg3(struct gdoi_pull *ex, const uint8_t *msg, size_t len, struct pull_rx *r, uint64_t now,
    struct gdoi_pull_out *out)
{
	static const uint8_t types[] = { GDOI_PL_GAP };
	const struct gdoi_payload *found[1];
	const struct gdoi_pull_ks_ops *ops = &ex->px_w->w_ops;
	struct gdoi_payload pl[2];
	struct gdoi_bytes pre[2];
	struct gdoi_arena *a;
	uint64_t want = 0;
	size_t i, ncm;
	int err, k;

	if ((err = rx_open(ex->px_p1, ex->px_w->w_iv, pre, hash_prefix(ex, 3, pre), r)) != 0) {
		if (err == GDOI_E_INVAL)
			send_notify(ex->px_p1, N_INVALID_HASH_INFORMATION, NULL, 0, out);
		return err;	/* the genuine message 3 may still come */
	}
	if (rx_pick(r, types, NELEM(types), 0, found) != 0)
		return ex_fail(ex, N_PAYLOAD_MALFORMED, out, GDOI_E_ORDER);
	for (i = 0; found[0] && i < found[0]->pl_u.gap.g_attrs.n; i++) {
		const struct gdoi_attr *at = &found[0]->pl_u.gap.g_attrs.v[i];

		if (at->a_type != GAP_ATTR_SENDER_ID_REQUEST || gdoi_attr_uint(at, &want) != 0)
			return ex_fail(ex, N_ATTRIBUTES_NOT_SUPPORTED, out, GDOI_E_ATTR);
	}
	ex->px_w->w_nsids = 0;
	ncm = n_counter_mode(ex->px_pol);
	if (want && ops->sid_alloc && ncm) {
		k = ops->sid_alloc(ops->arg, ex->px_p1, ex->px_group,
		    want > UINT32_MAX ? UINT32_MAX : (unsigned)want, ex->px_w->w_sids, ncm);
		if (k < 0)
			return ex_fail(ex, -k <= 0xffff ? (uint16_t)-k : 0, out, GDOI_E_INVAL);
		if ((size_t)k > ncm)
			return ex_fail(ex, 0, out, GDOI_E_INVAL);
		ex->px_w->w_nsids = (size_t)k;
	}
	memset(pl, 0, sizeof(pl));
	pl[0].pl_type = GDOI_PL_SEQ;
	pl[0].pl_u.seq = ops->seq ? ops->seq(ops->arg, ex->px_group) : 0;
	if ((a = gdoi_arena_new()) == NULL)
		return ex_fail(ex, 0, out, GDOI_E_NOMEM);
	memcpy(ex->px_w->w_iv, r->r_iv, ex->px_w->w_blk);
	err = gdoi_policy_kd_build(ex->px_pol, ex->px_w->w_sids, ex->px_w->w_nsids, a, &pl[1]);
	if (err == 0)
		err = send_msg(ex->px_p1, ex->px_msgid, pre, hash_prefix(ex, 4, pre), ex->px_w->w_iv, pl,
		    2, out);
	gdoi_arena_free(a);	/* wipes the key copies */
	if (err == 0)
		err = cache_set(&ex->px_c[1], msg, len, out);
	if (err)
		return ex_fail(ex, 0, out, err);
	/* The keys went out: the policy copy is wiped now; the rest of the
	 * work area (the Sender IDs granted) goes with gdoi_pull_compact.
	 * The exchange keeps the encrypted answer to message 3 and the digest
	 * of message 1 (a late copy is dropped quietly: the GM had message 2
	 * when it sent message 3). */
	gdoi_gpolicy_clear(ex->px_pol);
	cache_drop_tx(&ex->px_c[0]);
	ex->px_state = PS_DONE;
	ex->px_at = now + GDOI_PULL_LINGER_MS;
	out->o_events |= GDOI_PULL_EV_DONE;
	return GDOI_OK;
}

/* ------------------------------------------------------------------ */
/* Input, timers                                                        */

int
gdoi_pull_input(struct gdoi_pull *ex, const uint8_t *msg, size_t len, uint64_t now_ms,
    struct gdoi_pull_out *out)
{
	struct pull_rx r;
	uint8_t dig[DIGEST_LEN];
	size_t i;
	int err;

	if (out == NULL)
		return GDOI_E_INVAL;
	out_reset(out);
	if (ex == NULL || msg == NULL || !p1_ready(ex->px_p1))
		return GDOI_E_INVAL;
	if (ex->px_state != PS_GM_WAIT2 && ex->px_state != PS_GM_WAIT4 &&
	    ex->px_state != PS_KS_WAIT3 && !(ex->px_state == PS_DONE && !ex->px_gm))
		return GDOI_E_ORDER;	/* nothing expected: drop */
	if ((err = rx_header(ex->px_p1, msg, len, ex->px_msgid, &r)) != 0)
		return err;
	/* A copy of a datagram we answered: answer it again. */
	digest(msg, len, dig);
	for (i = 0; i < NELEM(ex->px_c); i++) {
		const struct pull_cache *c = &ex->px_c[i];

		if (c->c_valid && memcmp(c->c_rx, dig, sizeof(dig)) == 0) {
			cache_send(c, out);	/* nothing when the answer was dropped */
			out->o_events |= GDOI_PULL_EV_DUPLICATE;
			rx_free(&r);
			return GDOI_OK;
		}
	}
	switch (ex->px_state) {
	case PS_GM_WAIT2:
		err = gm_msg2(ex, msg, len, &r, now_ms, out);
		break;
	case PS_GM_WAIT4:
		err = gm_msg4(ex, &r, out);
		break;
	case PS_KS_WAIT3:
		err = ks_msg3(ex, msg, len, &r, now_ms, out);
		break;
	default:
		err = GDOI_E_ORDER;	/* KS after DONE: only duplicates are answered */
		break;
	}
	rx_free(&r);
	return err;
}

void
gdoi_pull_tick(struct gdoi_pull *ex, uint64_t now_ms, struct gdoi_pull_out *out)
{
	const struct gdoi_p1_rtx *rt;

	if (out == NULL)
		return;
	out_reset(out);
	if (ex == NULL || ex->px_at == 0 || now_ms < ex->px_at)
		return;
	switch (ex->px_state) {
	case PS_GM_WAIT2:
	case PS_GM_WAIT4:
		rt = gdoi_p1_rtx(ex->px_p1);
		if (ex->px_rtx_n < gdoi_p1_rtx_max(rt)) {
			cache_send(&ex->px_c[ex->px_state == PS_GM_WAIT2 ? 0 : 1], out);
			ex->px_rtx_n++;
			ex->px_at = now_ms + gdoi_p1_rtx_interval(rt, ex->px_rtx_n);
			out->o_events |= GDOI_PULL_EV_RETRANSMIT;
			return;
		}
		(void)ex_fail(ex, 0, out, GDOI_OK);	/* timeout: nobody to tell */
		return;
	case PS_KS_WAIT3:
		(void)ex_fail(ex, 0, out, GDOI_OK);
		return;
	case PS_DONE:
		ex->px_state = PS_EXPIRED;
		ex->px_at = 0;
		if (!ex->px_gm)
			work_drop(ex);
		cache_drop(&ex->px_c[0]);
		cache_drop(&ex->px_c[1]);
		out->o_events |= GDOI_PULL_EV_EXPIRED;
		return;
	default:
		ex->px_at = 0;
		return;
	}
}

uint64_t
gdoi_pull_next_deadline(const struct gdoi_pull *ex)
{
	return ex && ex->px_at ? ex->px_at : UINT64_MAX;
}

void
gdoi_pull_abort(struct gdoi_pull *ex, uint16_t notify, struct gdoi_pull_out *out)
{
	if (out == NULL)
		return;
	out_reset(out);
	if (ex == NULL || ex->px_state == PS_DONE || ex->px_state == PS_FAILED ||
	    ex->px_state == PS_EXPIRED)
		return;
	/* The peer already knows: report without sending anything. */
	(void)ex_fail(ex, 0, out, GDOI_OK);
	out->o_notify = notify;
}

void
gdoi_pull_compact(struct gdoi_pull *ex)
{
	if (ex != NULL && !ex->px_gm && gdoi_pull_done(ex))
		work_drop(ex);
}

/* ------------------------------------------------------------------ */
/* Accessors                                                            */

uint32_t
gdoi_pull_msgid(const struct gdoi_pull *ex)
{
	return ex ? ex->px_msgid : 0;
}

uint32_t
gdoi_pull_group(const struct gdoi_pull *ex)
{
	return ex ? ex->px_group : 0;
}

struct gdoi_p1_sa *
gdoi_pull_p1(const struct gdoi_pull *ex)
{
	return ex ? ex->px_p1 : NULL;
}

int
gdoi_pull_done(const struct gdoi_pull *ex)
{
	return ex != NULL && (ex->px_state == PS_DONE || ex->px_state == PS_EXPIRED);
}

const struct gdoi_gpolicy *
gdoi_pull_policy(const struct gdoi_pull *ex)
{
	return ex && ex->px_gm && ex->px_state == PS_DONE ? ex->px_pol : NULL;
}

size_t
gdoi_pull_sids(const struct gdoi_pull *ex, const struct gdoi_sid_grant **g)
{
	if (g)
		*g = ex && ex->px_w ? ex->px_w->w_sids : NULL;
	if (ex == NULL || ex->px_gm || !gdoi_pull_done(ex) || ex->px_w == NULL)
		return 0;
	return ex->px_w->w_nsids;
}
