/*
 * GROUPKEY-PUSH: build (KS) and authenticate / read (GM) the rekey
 * message, as pure logic (see gdoi/push.h for the message, the sources
 * and the choices made where RFC text could not be verified).
 *
 * Datagram layout (IV layout: the one place that decides it):
 *
 *   HDR (28, clear) | IV (one cipher block, clear) | CBC(KEK, IV,
 *   SEQ | [D]* | [SA | KD] | SIG | zero padding to the block)
 *
 * HDR Length counts everything (IV and padding included).  The signature
 * covers "rekey" | HDR' | SEQ ... the octet before SIG's generic header,
 * HDR' being the header with Length per PUSH_SIGNED_LEN below, and is
 * computed before encryption.  The GM decrypts, decodes the chain, checks
 * the payload order, verifies the signature, then SEQ, then reads the
 * deletes and rebuilds the announced policy: nothing of an unauthenticated
 * message reaches the caller except the reason it was refused.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "gdoi/arena.h"
#include "gdoi/buf.h"
#include "gdoi/crypto.h"
#include "gdoi/payload.h"
#include "gdoi/push.h"
#include "gdoi/wire.h"

/*
 * Which Length the signed HDR holds (push.h research (b)):
 *   PUSH_SIGNED_LEN_WIRE   the transmitted value (IV and padding included)
 *   PUSH_SIGNED_LEN_PLAIN  28 + the payloads up to the end of SIG, unpadded,
 *                          without IV (what gdoid's sender signs)
 */
#define PUSH_SIGNED_LEN_WIRE 0
#define PUSH_SIGNED_LEN_PLAIN 1
#define PUSH_SIGNED_LEN PUSH_SIGNED_LEN_WIRE

#define PUSH_MAX_PL 8 /* SEQ, 2 x D, SA, KD, CERT, SIG */
#define REKEY_LEN (sizeof(GDOI_PUSH_REKEY_STR) - 1)

/* ------------------------------------------------------------------ */
/* Small helpers                                                        */

const char *
gdoi_push_reason_name(enum gdoi_push_reason r)
{
	switch (r) {
	case PUSH_OK: return "ok";
	case PUSH_BAD_HDR: return "bad-header";
	case PUSH_WRONG_KEK: return "wrong-kek";
	case PUSH_DECRYPT: return "decrypt";
	case PUSH_MALFORMED: return "malformed";
	case PUSH_BAD_SIG: return "bad-signature";
	case PUSH_REPLAY: return "replay";
	case PUSH_POLICY: return "policy";
	case PUSH_INTERNAL: return "internal";
	}
	return "unknown";
}

/* The KEK's CBC cipher: IKE cipher number and key length, or 0. */
static unsigned
kek_cipher(const struct gdoi_kek *k, size_t *keylen)
{
	size_t kl;

	if (k == NULL || k->kek_alg != KEK_ALG_AES)
		return 0;
	kl = k->kek_keybits / 8u;
	if (k->kek_keybits % 8u || !gdoi_cipher_keylen_ok(IKE_ENC_AES_CBC, kl) ||
	    kl > sizeof(k->kek_key))
		return 0;
	*keylen = kl;
	return IKE_ENC_AES_CBC;
}

/* SIG_HASH_* -> IKE hash for gdoi_hash and the EVP digest; 0 if unsupported. */
static unsigned
sig_hash(uint8_t h, const EVP_MD **md)
{
	switch (h) {
	case 0:
	case SIG_HASH_SHA256:
		*md = EVP_sha256();
		return IKE_HASH_SHA256;
	case SIG_HASH_SHA1:
		*md = EVP_sha1();
		return IKE_HASH_SHA1;
	default:
		return 0;
	}
}

/* hash("rekey" | hdr | rest) */
static int
signed_digest(unsigned ike_hash, const uint8_t hdr[ISAKMP_HDR_LEN], const uint8_t *rest,
    size_t restlen, uint8_t *out, size_t *outlen)
{
	struct gdoi_bytes parts[3] = {
		{ (const uint8_t *)GDOI_PUSH_REKEY_STR, REKEY_LEN },
		{ hdr, ISAKMP_HDR_LEN },
		{ rest, restlen },
	};

	return gdoi_hash(ike_hash, parts, 3, out, GDOI_HASH_MAX, outlen);
}

/*
 * RSA PKCS#1 v1.5 type-1 signature of a digest: with DigestInfo
 * (RSASSA-PKCS1-v1_5) unless raw.  sig has exactly siglen octets.
 */
static int
rsa_sign(EVP_PKEY *k, const EVP_MD *md, int raw, const uint8_t *dg, size_t dglen, uint8_t *sig,
    size_t siglen)
{
	EVP_PKEY_CTX *c;
	size_t n = siglen;
	int ok;

	ERR_set_mark();
	c = EVP_PKEY_CTX_new(k, NULL);
	ok = c != NULL && EVP_PKEY_sign_init(c) == 1 &&
	    EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_PADDING) == 1 &&
	    (raw || EVP_PKEY_CTX_set_signature_md(c, md) == 1) &&
	    EVP_PKEY_sign(c, sig, &n, dg, dglen) == 1 && n == siglen;
	EVP_PKEY_CTX_free(c);
	ERR_pop_to_mark();
	return ok ? GDOI_OK : GDOI_E_INVAL;
}

/* 1 if sig verifies in the given form, else 0. */
static int
rsa_verify1(EVP_PKEY *k, const EVP_MD *md, int raw, const uint8_t *dg, size_t dglen,
    const uint8_t *sig, size_t siglen)
{
	EVP_PKEY_CTX *c;
	int ok;

	ERR_set_mark();
	c = EVP_PKEY_CTX_new(k, NULL);
	ok = c != NULL && EVP_PKEY_verify_init(c) == 1 &&
	    EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_PADDING) == 1 &&
	    (raw || EVP_PKEY_CTX_set_signature_md(c, md) == 1) &&
	    EVP_PKEY_verify(c, sig, siglen, dg, dglen) == 1;
	EVP_PKEY_CTX_free(c);
	ERR_pop_to_mark();
	return ok;
}

/*
 * The KEK's public key, parsed.  Decoding a DER SubjectPublicKeyInfo goes
 * through OpenSSL's decoder framework, which costs far more than the RSA
 * verification itself (~400 us against ~25 us), and every rekey under a
 * KEK carries the same key: the last PUB_CACHE_SLOTS keys parsed are kept
 * here, found by their DER octets (compared in full).  A cache by value,
 * not a pointer in struct gdoi_kek, so the KEK structs that callers copy
 * by assignment never share or leak an EVP_PKEY.  Public keys only;
 * callers in several threads (gdoi-bench-limits) share it under a lock.
 */
#define PUB_CACHE_SLOTS 4

struct pub_slot {
	uint8_t *ps_der;          /* owned */
	size_t ps_len;
	EVP_PKEY *ps_key;         /* one reference held by the cache */
	uint64_t ps_used;
};

static struct pub_slot pub_cache[PUB_CACHE_SLOTS];
static uint64_t pub_tick;
static CRYPTO_ONCE pub_once = CRYPTO_ONCE_STATIC_INIT;
static CRYPTO_RWLOCK *pub_lock;

static void
pub_lock_init(void)
{
	pub_lock = CRYPTO_THREAD_lock_new();
}

static int
pub_cache_lock(void)
{
	return CRYPTO_THREAD_run_once(&pub_once, pub_lock_init) == 1 && pub_lock != NULL &&
	    CRYPTO_THREAD_write_lock(pub_lock) == 1;
}

/* A new reference to the cached key of der, or NULL.  Under the lock. */
static EVP_PKEY *
pub_cache_get(const uint8_t *der, size_t len)
{
	size_t i;

	for (i = 0; i < PUB_CACHE_SLOTS; i++) {
		struct pub_slot *ps = &pub_cache[i];

		if (ps->ps_key != NULL && ps->ps_len == len && memcmp(ps->ps_der, der, len) == 0) {
			if (EVP_PKEY_up_ref(ps->ps_key) != 1)
				return NULL;
			ps->ps_used = ++pub_tick;
			return ps->ps_key;
		}
	}
	return NULL;
}

/* Keep k (parsed from der) in the least recently used slot.  Under the lock. */
static void
pub_cache_put(const uint8_t *der, size_t len, EVP_PKEY *k)
{
	struct pub_slot *ps = &pub_cache[0];
	uint8_t *copy;
	size_t i;

	for (i = 1; i < PUB_CACHE_SLOTS; i++)
		if (pub_cache[i].ps_used < ps->ps_used)
			ps = &pub_cache[i];
	if ((copy = malloc(len)) == NULL || EVP_PKEY_up_ref(k) != 1) {
		free(copy);
		return;
	}
	memcpy(copy, der, len);
	free(ps->ps_der);
	EVP_PKEY_free(ps->ps_key);
	ps->ps_der = copy;
	ps->ps_len = len;
	ps->ps_key = k;
	ps->ps_used = ++pub_tick;
}

void
gdoi_push_key_cache_flush(void)
{
	size_t i;

	if (!pub_cache_lock())
		return;
	for (i = 0; i < PUB_CACHE_SLOTS; i++) {
		free(pub_cache[i].ps_der);
		EVP_PKEY_free(pub_cache[i].ps_key);
		memset(&pub_cache[i], 0, sizeof(pub_cache[i]));
	}
	CRYPTO_THREAD_unlock(pub_lock);
}

EVP_PKEY *
gdoi_push_pubkey(const uint8_t *der, size_t len)
{
	const unsigned char *q;
	EVP_PKEY *k;
	int locked;

	if (der == NULL || len == 0 || len > 0x10000)
		return NULL;
	if ((locked = pub_cache_lock())) {
		k = pub_cache_get(der, len);
		CRYPTO_THREAD_unlock(pub_lock);
		if (k != NULL)
			return k;
	}
	q = der;
	ERR_set_mark();
	k = d2i_PUBKEY(NULL, &q, (long)len);
	ERR_pop_to_mark();
	if (k != NULL && (EVP_PKEY_get_base_id(k) != EVP_PKEY_RSA || q != der + len)) {
		EVP_PKEY_free(k);
		k = NULL;
	}
	if (k != NULL && locked && pub_cache_lock()) {
		EVP_PKEY *again = pub_cache_get(der, len);

		if (again != NULL) /* another thread was first */
			EVP_PKEY_free(again);
		else
			pub_cache_put(der, len, k);
		CRYPTO_THREAD_unlock(pub_lock);
	}
	return k;
}

/* Our public key (DER SPKI), RSA only, or NULL; the caller frees it. */
static EVP_PKEY *
load_pub(const struct gdoi_kek *kek)
{
	return gdoi_push_pubkey(kek->kek_pub, kek->kek_publen);
}

/* ------------------------------------------------------------------ */
/* KS: build                                                            */

/* Append KEK_ACK_REQUESTED (TV) to the SA KEK of sa (copying the attrs). */
static int
sak_add_ack(struct gdoi_payload *sa, uint16_t ack, struct gdoi_arena *a)
{
	struct gdoi_gsa *g = &sa->pl_u.gsa;
	struct gdoi_attrs *as;
	struct gdoi_attr *v;
	size_t i;

	for (i = 0; i < g->g_nitems; i++) {
		if (g->g_items[i].i_type != GDOI_PL_SAK)
			continue;
		as = &g->g_items[i].i_u.sak.k_attrs;
		if ((v = gdoi_arena_calloc(a, as->n + 1, sizeof(*v))) == NULL)
			return GDOI_E_NOMEM;
		if (as->n)
			memcpy(v, as->v, as->n * sizeof(*v));
		v[as->n] = gdoi_attr_tv(KEK_ATTR_ACK_REQUESTED, ack);
		as->v = v;
		as->n++;
		return GDOI_OK;
	}
	return GDOI_E_INVAL;
}

/* The payloads before SIG into pl (n set); SIG's placeholder last. */
static int
build_payloads(const struct gdoi_push_ks *in, size_t siglen, struct gdoi_arena *a,
    struct gdoi_payload *pl, size_t *n)
{
	const struct gdoi_gpolicy *p = in->ks_pol;
	uint8_t *b;
	size_t i, k = 0;
	int err;

	memset(pl, 0, PUSH_MAX_PL * sizeof(*pl));
	pl[k].pl_type = GDOI_PL_SEQ;
	pl[k++].pl_u.seq = in->ks_seq;
	if (in->ks_ndel_tek) {
		if ((b = gdoi_arena_alloc(a, in->ks_ndel_tek * GDOI_TEK_SPI_LEN)) == NULL)
			return GDOI_E_NOMEM;
		for (i = 0; i < in->ks_ndel_tek; i++)
			gdoi_put32(b + i * GDOI_TEK_SPI_LEN, in->ks_del_tek[i]);
		pl[k].pl_type = ISAKMP_PL_D;
		pl[k].pl_u.d.d_doi = GDOI_DOI_GDOI;
		pl[k].pl_u.d.d_proto = GDOI_TEK_PROTO_ESP;
		pl[k].pl_u.d.d_spi_size = GDOI_TEK_SPI_LEN;
		pl[k].pl_u.d.d_nspi = (uint16_t)in->ks_ndel_tek;
		pl[k].pl_u.d.d_spis.ptr = b;
		pl[k++].pl_u.d.d_spis.len = in->ks_ndel_tek * GDOI_TEK_SPI_LEN;
	}
	if (in->ks_del_kek) {
		pl[k].pl_type = ISAKMP_PL_D;
		pl[k].pl_u.d.d_doi = GDOI_DOI_GDOI;
		pl[k].pl_u.d.d_proto = ISAKMP_PROTO_ISAKMP;
		pl[k].pl_u.d.d_spi_size = GDOI_KEK_SPI_LEN;
		pl[k].pl_u.d.d_nspi = 1;
		pl[k].pl_u.d.d_spis.ptr = in->ks_del_kek_spi;
		pl[k++].pl_u.d.d_spis.len = GDOI_KEK_SPI_LEN;
	}
	if (p != NULL && (p->gp_has_kek || p->gp_ntek)) {
		if ((err = gdoi_policy_sa_build(p, in->ks_now_ms, a, &pl[k])) != 0)
			return err;
		if (in->ks_ack && (err = sak_add_ack(&pl[k], in->ks_ack, a)) != 0)
			return err;
		k++;
		if ((err = gdoi_policy_kd_build(p, NULL, 0, a, &pl[k++])) != 0)
			return err;
	} else if (in->ks_ack) {
		return GDOI_E_INVAL;	/* KEK_ACK_REQUESTED lives in an SA KEK */
	}
	if ((b = gdoi_arena_alloc(a, siglen)) == NULL)
		return GDOI_E_NOMEM;
	pl[k].pl_type = ISAKMP_PL_SIG;
	pl[k].pl_u.data.ptr = b;
	pl[k++].pl_u.data.len = siglen;
	*n = k;
	return GDOI_OK;
}

int
gdoi_push_build(const struct gdoi_push_ks *in, uint8_t *out, size_t cap, size_t *len)
{
	const struct gdoi_kek *kek;
	struct gdoi_payload pl[PUSH_MAX_PL];
	struct gdoi_arena *a = NULL;
	struct isakmp_hdr h;
	struct gdoi_wr w;
	const EVP_MD *md = NULL;
	uint8_t *s = NULL, dg[GDOI_HASH_MAX], iv[GDOI_CIPHER_BLOCK_MAX], shdr[ISAKMP_HDR_LEN];
	size_t n = 0, keylen = 0, blk, siglen, plain, body, pad, wire, sig_off, dglen = 0;
	unsigned enc, ih;
	int err, ksize;

	if (len)
		*len = 0;
	if (in == NULL || out == NULL || len == NULL || (kek = in->ks_kek) == NULL ||
	    in->ks_sign == NULL || (enc = kek_cipher(kek, &keylen)) == 0 ||
	    (ih = sig_hash(in->ks_sig_hash, &md)) == 0 ||
	    EVP_PKEY_get_base_id(in->ks_sign) != EVP_PKEY_RSA ||
	    (ksize = EVP_PKEY_get_size(in->ks_sign)) <= 0 ||
	    in->ks_ndel_tek > GDOI_PUSH_DEL_MAX || (in->ks_ndel_tek && in->ks_del_tek == NULL))
		return GDOI_E_INVAL;
	blk = gdoi_cipher_block(enc);
	siglen = (size_t)ksize;
	if ((a = gdoi_arena_new()) == NULL || (s = malloc(cap ? cap : 1)) == NULL) {
		err = GDOI_E_NOMEM;
		goto done;
	}
	if ((err = build_payloads(in, siglen, a, pl, &n)) != 0)
		goto done;
	memset(&h, 0, sizeof(h));
	memcpy(h.h_icookie, kek->kek_spi, ISAKMP_COOKIE_LEN);
	memcpy(h.h_rcookie, kek->kek_spi + ISAKMP_COOKIE_LEN, ISAKMP_COOKIE_LEN);
	h.h_version = ISAKMP_VERSION;
	h.h_exchange = GDOI_EX_PUSH;
	h.h_flags = ISAKMP_FLAG_E;
	h.h_msgid = 0;
	gdoi_wr_init_fixed(&w, s, cap);
	if ((err = gdoi_msg_encode(&w, &h, pl, n)) != 0 || (err = gdoi_wr_error(&w)) != 0)
		goto done;
	plain = gdoi_wr_len(&w);
	body = plain - ISAKMP_HDR_LEN;
	pad = (blk - body % blk) % blk;
	wire = ISAKMP_HDR_LEN + blk + body + pad;
	if (wire > cap || wire > UINT32_MAX) {
		err = GDOI_E_TOOBIG;
		goto done;
	}
	sig_off = plain - ISAKMP_GEN_HDR_LEN - siglen;	/* SIG is the last payload */

	/* Sign "rekey" | HDR' | payloads before SIG, in clear. */
	memcpy(shdr, s, ISAKMP_HDR_LEN);
	gdoi_put32(shdr + 24, (uint32_t)(PUSH_SIGNED_LEN == PUSH_SIGNED_LEN_WIRE ? wire : plain));
	if ((err = signed_digest(ih, shdr, s + ISAKMP_HDR_LEN, sig_off - ISAKMP_HDR_LEN, dg,
	    &dglen)) != 0)
		goto done;
	if ((err = rsa_sign(in->ks_sign, md, in->ks_sig_raw, dg, dglen,
	    s + sig_off + ISAKMP_GEN_HDR_LEN, siglen)) != 0)
		goto done;

	/* HDR | IV | CBC(payloads | zero padding). */
	gdoi_put32(s + 24, (uint32_t)wire);
	if (RAND_bytes(iv, (int)blk) != 1) {
		err = GDOI_E_NOMEM;
		goto done;
	}
	memcpy(out, s, ISAKMP_HDR_LEN);
	memcpy(out + ISAKMP_HDR_LEN, iv, blk);
	memcpy(out + ISAKMP_HDR_LEN + blk, s + ISAKMP_HDR_LEN, body);
	memset(out + ISAKMP_HDR_LEN + blk + body, 0, pad);
	err = gdoi_cbc_encrypt(enc, kek->kek_key, keylen, iv, out + ISAKMP_HDR_LEN + blk,
	    body + pad, out + ISAKMP_HDR_LEN + blk);
	if (err == 0)
		*len = wire;
	else
		OPENSSL_cleanse(out, wire);
done:
	if (s) {
		OPENSSL_cleanse(s, cap);
		free(s);
	}
	OPENSSL_cleanse(dg, sizeof(dg));
	gdoi_arena_free(a);
	return err;
}

/* ------------------------------------------------------------------ */
/* GM: decrypt, decode                                                  */

/* A decrypted PUSH: plain = HDR (as received) | payloads | padding. */
struct push_plain {
	uint8_t *p_buf;			/* owned, wiped on free */
	size_t p_len;
	struct gdoi_arena *p_a;
	struct gdoi_payload *p_pl;
	size_t p_npl;
	size_t p_end;			/* offset in p_buf where the chain ended */
};

static void
plain_free(struct push_plain *pp)
{
	gdoi_arena_free(pp->p_a);
	if (pp->p_buf) {
		OPENSSL_cleanse(pp->p_buf, pp->p_len);
		free(pp->p_buf);
	}
	memset(pp, 0, sizeof(*pp));
}

/* Header checks, decryption and chain decode; the reason on failure. */
static int
plain_open(const struct gdoi_kek *kek, const uint8_t *msg, size_t len, struct push_plain *pp,
    enum gdoi_push_reason *why, struct gdoi_diag *d)
{
	struct gdoi_msg *m = NULL;
	const struct isakmp_hdr *h;
	uint8_t iv[GDOI_CIPHER_BLOCK_MAX];
	size_t keylen = 0, blk, ct, consumed = 0;
	unsigned enc;
	int err;

	memset(pp, 0, sizeof(*pp));
	*why = PUSH_INTERNAL;
	if (kek == NULL || (msg == NULL && len) || (enc = kek_cipher(kek, &keylen)) == 0)
		return GDOI_E_INVAL;
	blk = gdoi_cipher_block(enc);
	if ((err = gdoi_msg_decode(msg, len, &m, d)) != 0) {
		*why = err == GDOI_E_NOMEM ? PUSH_INTERNAL : PUSH_BAD_HDR;
		return err;
	}
	h = &m->m_hdr;
	if (h->h_exchange != GDOI_EX_PUSH || !(h->h_flags & ISAKMP_FLAG_E)) {
		err = gdoi_diag_set(d, GDOI_E_INVAL, 0, 0, "exchange %u flags 0x%02x: not a PUSH",
		    h->h_exchange, h->h_flags);
		gdoi_msg_free(m);
		*why = PUSH_BAD_HDR;
		return err;
	}
	if (memcmp(h->h_icookie, kek->kek_spi, ISAKMP_COOKIE_LEN) != 0 ||
	    memcmp(h->h_rcookie, kek->kek_spi + ISAKMP_COOKIE_LEN, ISAKMP_COOKIE_LEN) != 0) {
		gdoi_msg_free(m);
		*why = PUSH_WRONG_KEK;
		return gdoi_diag_set(d, GDOI_E_INVAL, 0, 0, "cookies are not our KEK SPI");
	}
	/* IV layout: one clear block, then whole cipher blocks. */
	if (m->m_body.len < 2 * blk || (m->m_body.len - blk) % blk != 0) {
		err = gdoi_diag_set(d, GDOI_E_LENGTH, ISAKMP_HDR_LEN, 0,
		    "body of %zu octets is not IV + whole blocks", m->m_body.len);
		gdoi_msg_free(m);
		*why = PUSH_DECRYPT;
		return err;
	}
	ct = m->m_body.len - blk;
	pp->p_len = ISAKMP_HDR_LEN + ct;
	if ((pp->p_buf = malloc(pp->p_len)) == NULL || (pp->p_a = gdoi_arena_new()) == NULL) {
		gdoi_msg_free(m);
		plain_free(pp);
		return GDOI_E_NOMEM;
	}
	memcpy(pp->p_buf, msg, ISAKMP_HDR_LEN);
	memcpy(iv, m->m_body.ptr, blk);
	err = gdoi_cbc_decrypt(enc, kek->kek_key, keylen, iv, m->m_body.ptr + blk, ct,
	    pp->p_buf + ISAKMP_HDR_LEN);
	if (err == 0)
		err = gdoi_chain_decode(GDOI_CTX_GDOI, h->h_np, pp->p_buf + ISAKMP_HDR_LEN, ct,
		    ISAKMP_HDR_LEN, 1, pp->p_a, &pp->p_pl, &pp->p_npl, &consumed, d);
	gdoi_msg_free(m);
	if (err) {
		*why = err == GDOI_E_NOMEM ? PUSH_INTERNAL : PUSH_DECRYPT;
		plain_free(pp);
		return err;
	}
	pp->p_end = ISAKMP_HDR_LEN + consumed;
	if (ct - consumed >= blk) {
		plain_free(pp);
		*why = PUSH_MALFORMED;
		return gdoi_diag_set(d, GDOI_E_TRAILING, ISAKMP_HDR_LEN + consumed, 0,
		    "%zu octets after the last payload", ct - consumed);
	}
	*why = PUSH_OK;
	return GDOI_OK;
}

int
gdoi_push_decrypt(const struct gdoi_kek *kek, const uint8_t *msg, size_t len, uint8_t **plain,
    size_t *plainlen)
{
	struct push_plain pp;
	enum gdoi_push_reason why;
	uint8_t *p;
	int err;

	if (plain == NULL || plainlen == NULL)
		return GDOI_E_INVAL;
	*plain = NULL;
	*plainlen = 0;
	if ((err = plain_open(kek, msg, len, &pp, &why, NULL)) != 0)
		return err == GDOI_E_NOMEM ? err : GDOI_E_INVAL;
	if ((p = malloc(pp.p_len)) == NULL) {
		plain_free(&pp);
		return GDOI_E_NOMEM;
	}
	memcpy(p, pp.p_buf, pp.p_len);
	p[19] &= (uint8_t)~ISAKMP_FLAG_E;
	gdoi_put32(p + 24, (uint32_t)pp.p_end);
	*plain = p;
	*plainlen = pp.p_len;
	plain_free(&pp);
	return GDOI_OK;
}

/* ------------------------------------------------------------------ */
/* GM: open                                                             */

/* Indexes of the payloads of a PUSH in order SEQ D* [SA KD] [CERT] SIG. */
struct push_layout {
	size_t l_ndel;
	size_t l_del[2];
	const struct gdoi_payload *l_seq, *l_sa, *l_kd, *l_sig;
};

static int
layout(const struct push_plain *pp, struct push_layout *l, struct gdoi_diag *d)
{
	const struct gdoi_payload *pl = pp->p_pl;
	size_t i = 0, n = pp->p_npl;

	memset(l, 0, sizeof(*l));
	if (n < 2 || pl[0].pl_type != GDOI_PL_SEQ || pl[n - 1].pl_type != ISAKMP_PL_SIG)
		goto bad;
	l->l_seq = &pl[i++];
	while (i < n - 1 && pl[i].pl_type == ISAKMP_PL_D) {
		if (l->l_ndel == 2)
			goto bad;
		l->l_del[l->l_ndel++] = i++;
	}
	if (i < n - 1 && pl[i].pl_type == ISAKMP_PL_SA) {
		if (i + 1 >= n - 1 || pl[i + 1].pl_type != GDOI_PL_KD)
			goto bad;
		l->l_sa = &pl[i];
		l->l_kd = &pl[i + 1];
		i += 2;
	}
	if (i < n - 1 && pl[i].pl_type == ISAKMP_PL_CERT)
		i++;
	if (i != n - 1 || (l->l_sa == NULL && l->l_ndel == 0))
		goto bad;
	l->l_sig = &pl[n - 1];
	return GDOI_OK;
bad:
	return gdoi_diag_set(d, GDOI_E_ORDER, ISAKMP_HDR_LEN, 0,
	    "payloads are not SEQ, [D], SA, KD, [CERT], SIG");
}

/* Verify SIG; *raw tells the form that verified. */
static int
check_sig(const struct gdoi_kek *kek, const struct push_plain *pp, const struct push_layout *l,
    uint8_t *raw, enum gdoi_push_reason *why)
{
	const struct gdoi_bytes *sig = &l->l_sig->pl_u.data;
	const EVP_MD *md = NULL;
	EVP_PKEY *pub;
	uint8_t hdr[ISAKMP_HDR_LEN], dg[GDOI_HASH_MAX];
	size_t dglen = 0;
	unsigned ih;
	int err = GDOI_E_INVAL;

	*why = PUSH_INTERNAL;
	if ((ih = sig_hash(kek->kek_sig_hash, &md)) == 0 ||
	    (kek->kek_sig_alg != 0 && kek->kek_sig_alg != SIG_ALG_RSA) ||
	    (pub = load_pub(kek)) == NULL)
		return GDOI_E_INVAL;
	memcpy(hdr, pp->p_buf, ISAKMP_HDR_LEN);
	if (PUSH_SIGNED_LEN == PUSH_SIGNED_LEN_PLAIN)
		gdoi_put32(hdr + 24, (uint32_t)(l->l_sig->pl_off + l->l_sig->pl_raw.len));
	if ((err = signed_digest(ih, hdr, pp->p_buf + ISAKMP_HDR_LEN,
	    l->l_sig->pl_off - ISAKMP_HDR_LEN, dg, &dglen)) != 0)
		goto out;
	*why = PUSH_BAD_SIG;
	err = GDOI_E_INVAL;
	if (sig->ptr == NULL || sig->len != (size_t)EVP_PKEY_get_size(pub))
		goto out;
	if (rsa_verify1(pub, md, 0, dg, dglen, sig->ptr, sig->len))
		*raw = 0;
	else if (rsa_verify1(pub, md, 1, dg, dglen, sig->ptr, sig->len))
		*raw = 1;
	else
		goto out;
	*why = PUSH_OK;
	err = GDOI_OK;
out:
	EVP_PKEY_free(pub);
	OPENSSL_cleanse(dg, sizeof(dg));
	return err;
}

static int
read_deletes(const struct push_plain *pp, const struct push_layout *l, struct gdoi_push_rx *rx,
    struct gdoi_diag *d)
{
	size_t i, j;

	for (i = 0; i < l->l_ndel; i++) {
		const struct gdoi_payload *p = &pp->p_pl[l->l_del[i]];
		const struct gdoi_delete *dl = &p->pl_u.d;

		if (dl->d_doi != GDOI_DOI_GDOI || dl->d_nspi == 0 || dl->d_spis.ptr == NULL)
			goto bad;
		if (dl->d_spi_size == GDOI_TEK_SPI_LEN && dl->d_proto == GDOI_TEK_PROTO_ESP) {
			for (j = 0; j < dl->d_nspi; j++) {
				if (rx->rx_ndel_tek == GDOI_PUSH_DEL_MAX)
					goto bad;
				rx->rx_del_tek[rx->rx_ndel_tek++] =
				    gdoi_be32(dl->d_spis.ptr + j * GDOI_TEK_SPI_LEN);
			}
		} else if (dl->d_spi_size == GDOI_KEK_SPI_LEN && dl->d_nspi == 1 &&
		    dl->d_proto == ISAKMP_PROTO_ISAKMP && !rx->rx_del_kek) {
			rx->rx_del_kek = 1;
			memcpy(rx->rx_del_kek_spi, dl->d_spis.ptr, GDOI_KEK_SPI_LEN);
		} else {
			goto bad;
		}
		continue;
bad:
		return gdoi_diag_set(d, GDOI_E_INVAL, p->pl_off, ISAKMP_PL_D,
		    "Delete DOI %u protocol %u SPI size %u x %u not understood", dl->d_doi,
		    dl->d_proto, dl->d_spi_size, dl->d_nspi);
	}
	return GDOI_OK;
}

/*
 * The SA with KEK_ACK_REQUESTED taken out of its SA KEK (policy.c refuses
 * attributes it does not run); the value goes to *ack.
 */
static int
strip_ack(const struct gdoi_gsa *in, struct gdoi_gsa *out, uint16_t *ack, struct gdoi_arena *a,
    struct gdoi_diag *d)
{
	struct gdoi_sa_item *it;
	size_t i, j, k;

	*out = *in;
	*ack = 0;
	if (in->g_nitems == 0 || in->g_items == NULL)
		return GDOI_OK;
	if ((it = gdoi_arena_calloc(a, in->g_nitems, sizeof(*it))) == NULL)
		return GDOI_E_NOMEM;
	memcpy(it, in->g_items, in->g_nitems * sizeof(*it));
	out->g_items = it;
	for (i = 0; i < in->g_nitems; i++) {
		struct gdoi_attrs *as = &it[i].i_u.sak.k_attrs;
		struct gdoi_attr *v;

		if (it[i].i_type != GDOI_PL_SAK || as->n == 0 || as->v == NULL)
			continue;
		if ((v = gdoi_arena_calloc(a, as->n, sizeof(*v))) == NULL)
			return GDOI_E_NOMEM;
		for (j = k = 0; j < as->n; j++) {
			if (as->v[j].a_type == KEK_ATTR_ACK_REQUESTED) {
				uint64_t x = 0;

				if (*ack || gdoi_attr_uint(&as->v[j], &x) != 0 || x == 0 ||
				    x > 0xffff)
					return gdoi_diag_set(d, GDOI_E_ATTR, 0, GDOI_PL_SAK,
					    "bad or repeated KEK_ACK_REQUESTED");
				*ack = (uint16_t)x;
				continue;
			}
			v[k++] = as->v[j];
		}
		as->v = v;
		as->n = k;
	}
	return GDOI_OK;
}

void
gdoi_push_rx_clear(struct gdoi_push_rx *rx)
{
	if (rx == NULL)
		return;
	gdoi_gpolicy_clear(&rx->rx_pol);
	OPENSSL_cleanse(rx, sizeof(*rx));
}

int
gdoi_push_open(const struct gdoi_kek *kek, const uint8_t *msg, size_t len, uint32_t last_seq,
    int have_seq, uint64_t now_ms, struct gdoi_push_rx *rx, struct gdoi_diag *d)
{
	struct push_plain pp;
	struct push_layout l;
	struct gdoi_gsa sa;
	enum gdoi_push_reason why = PUSH_INTERNAL;
	uint8_t raw = 0;
	uint16_t ack = 0;
	int err;

	if (rx == NULL)
		return GDOI_E_INVAL;
	memset(rx, 0, sizeof(*rx));
	if ((err = plain_open(kek, msg, len, &pp, &why, d)) != 0) {
		rx->rx_reason = why;
		return err;
	}
	if ((err = layout(&pp, &l, d)) != 0) {
		why = PUSH_MALFORMED;
		goto fail;
	}
	if ((err = check_sig(kek, &pp, &l, &raw, &why)) != 0) {
		gdoi_diag_set(d, err, l.l_sig->pl_off, ISAKMP_PL_SIG, "%s",
		    why == PUSH_BAD_SIG ? "signature does not verify" : "KEK cannot verify");
		goto fail;
	}
	rx->rx_seq = l.l_seq->pl_u.seq;
	rx->rx_sig_raw = raw;
	if (have_seq && rx->rx_seq <= last_seq) {
		why = PUSH_REPLAY;
		err = gdoi_diag_set(d, GDOI_E_INVAL, l.l_seq->pl_off, GDOI_PL_SEQ,
		    "SEQ %u <= last %u", rx->rx_seq, last_seq);
		goto fail;
	}
	why = PUSH_MALFORMED;
	if ((err = read_deletes(&pp, &l, rx, d)) != 0)
		goto fail;
	if (l.l_sa != NULL) {
		if ((err = strip_ack(&l.l_sa->pl_u.gsa, &sa, &ack, pp.p_a, d)) != 0) {
			why = err == GDOI_E_NOMEM ? PUSH_INTERNAL : PUSH_POLICY;
			goto fail;
		}
		why = PUSH_POLICY;
		if ((err = gdoi_policy_from_sa(&rx->rx_pol, &sa, now_ms, d)) != 0 ||
		    (err = gdoi_policy_from_kd(&rx->rx_pol, &l.l_kd->pl_u.kd, d)) != 0) {
			if (err == GDOI_E_NOMEM)
				why = PUSH_INTERNAL;
			goto fail;
		}
		if (ack && !rx->rx_pol.gp_has_kek)
			goto fail;
		rx->rx_has_sa = 1;
		rx->rx_ack = ack;
		rx->rx_pol.gp_has_seq = 1;
		rx->rx_pol.gp_seq = rx->rx_seq;
	}
	plain_free(&pp);
	rx->rx_reason = PUSH_OK;
	return GDOI_OK;
fail:
	plain_free(&pp);
	{
		uint32_t seq = rx->rx_seq;

		gdoi_push_rx_clear(rx);
		rx->rx_reason = why;
		rx->rx_seq = seq;
	}
	return err ? err : GDOI_E_INVAL;
}
