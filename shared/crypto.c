/*
 * Cryptographic primitives of IKEv1 Phase 1 over OpenSSL 3 EVP (see
 * gdoi/crypto.h).
 *
 * Each call fetches what it needs and frees it before returning, so there
 * is no state between calls.  OpenSSL errors raised inside a call are
 * popped before it returns (ERR_set_mark / ERR_pop_to_mark): a rejected
 * peer value is an ordinary result here, not something for the caller to
 * find in the thread's error queue later.
 */
#include <limits.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/dh.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include "gdoi/crypto.h"
#include "gdoi/err.h"
#include "gdoi/wire.h"

/* Wipe the first min(cap, n) octets of a caller buffer after an error. */
static void
wipe_out(void *out, size_t cap, size_t n)
{
	if (out != NULL)
		OPENSSL_cleanse(out, cap < n ? cap : n);
}

/* ------------------------------------------------------------------ */
/* Hash and prf                                                        */

struct hash_alg {
	unsigned ha_ike;
	const char *ha_name; /* OpenSSL digest name */
	size_t ha_len;
};

static const struct hash_alg hash_algs[] = {
	{ IKE_HASH_SHA1, "SHA1", 20 },
	{ IKE_HASH_SHA256, "SHA2-256", 32 },
	{ IKE_HASH_SHA384, "SHA2-384", 48 },
	{ IKE_HASH_SHA512, "SHA2-512", 64 },
};

static const struct hash_alg *
hash_find(unsigned ike_hash)
{
	size_t i;

	for (i = 0; i < sizeof(hash_algs) / sizeof(hash_algs[0]); i++)
		if (hash_algs[i].ha_ike == ike_hash)
			return &hash_algs[i];
	return NULL;
}

size_t
gdoi_hash_len(unsigned ike_hash)
{
	const struct hash_alg *h = hash_find(ike_hash);

	return h ? h->ha_len : 0;
}

/* Every part must have a pointer unless it is empty. */
static int
parts_ok(const struct gdoi_bytes *parts, size_t nparts)
{
	size_t i;

	if (nparts > 0 && parts == NULL)
		return 0;
	for (i = 0; i < nparts; i++)
		if (parts[i].len > 0 && parts[i].ptr == NULL)
			return 0;
	return 1;
}

int
gdoi_hash(unsigned ike_hash, const struct gdoi_bytes *parts, size_t nparts,
    uint8_t *out, size_t outcap, size_t *outlen)
{
	const struct hash_alg *h = hash_find(ike_hash);
	EVP_MD *md = NULL;
	EVP_MD_CTX *ctx = NULL;
	unsigned int len = 0;
	size_t i;
	int rc = GDOI_E_NOMEM;

	if (h == NULL || out == NULL || outcap < h->ha_len ||
	    !parts_ok(parts, nparts))
		return GDOI_E_INVAL;
	ERR_set_mark();
	if ((md = EVP_MD_fetch(NULL, h->ha_name, NULL)) == NULL ||
	    (ctx = EVP_MD_CTX_new()) == NULL ||
	    !EVP_DigestInit_ex2(ctx, md, NULL))
		goto done;
	for (i = 0; i < nparts; i++)
		if (parts[i].len > 0 &&
		    !EVP_DigestUpdate(ctx, parts[i].ptr, parts[i].len))
			goto done;
	if (!EVP_DigestFinal_ex(ctx, out, &len) || len != h->ha_len)
		goto done;
	if (outlen != NULL)
		*outlen = len;
	rc = GDOI_OK;
done:
	if (rc != GDOI_OK)
		wipe_out(out, outcap, h->ha_len);
	EVP_MD_CTX_free(ctx);
	EVP_MD_free(md);
	ERR_pop_to_mark();
	return rc;
}

int
gdoi_prf(unsigned ike_hash, const uint8_t *key, size_t keylen,
    const struct gdoi_bytes *parts, size_t nparts, uint8_t *out, size_t outcap,
    size_t *outlen)
{
	static const uint8_t nokey[1];
	const struct hash_alg *h = hash_find(ike_hash);
	EVP_MAC *mac = NULL;
	EVP_MAC_CTX *ctx = NULL;
	OSSL_PARAM params[2];
	char mdname[16];
	size_t i, len = 0;
	int rc = GDOI_E_NOMEM;

	if (h == NULL || out == NULL || outcap < h->ha_len ||
	    (key == NULL && keylen > 0) || !parts_ok(parts, nparts))
		return GDOI_E_INVAL;
	/* HMAC reads a NULL key as "keep the previous one": pass a real one. */
	if (key == NULL)
		key = nokey;
	/* OSSL_PARAM wants a mutable string. */
	strncpy(mdname, h->ha_name, sizeof(mdname) - 1);
	mdname[sizeof(mdname) - 1] = '\0';
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    mdname, 0);
	params[1] = OSSL_PARAM_construct_end();

	ERR_set_mark();
	if ((mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL ||
	    (ctx = EVP_MAC_CTX_new(mac)) == NULL ||
	    !EVP_MAC_init(ctx, key, keylen, params))
		goto done;
	for (i = 0; i < nparts; i++)
		if (parts[i].len > 0 &&
		    !EVP_MAC_update(ctx, parts[i].ptr, parts[i].len))
			goto done;
	if (!EVP_MAC_final(ctx, out, &len, outcap) || len != h->ha_len)
		goto done;
	if (outlen != NULL)
		*outlen = len;
	rc = GDOI_OK;
done:
	if (rc != GDOI_OK)
		wipe_out(out, outcap, h->ha_len);
	EVP_MAC_CTX_free(ctx); /* wipes the key schedule */
	EVP_MAC_free(mac);
	ERR_pop_to_mark();
	return rc;
}

int
gdoi_ct_equal(const void *a, const void *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n) == 0;
}

/* ------------------------------------------------------------------ */
/* Diffie-Hellman                                                      */

enum dh_kind { DH_MODP, DH_ECP };

struct dh_group {
	unsigned dg_ike;
	enum dh_kind dg_kind;
	const char *dg_name; /* OpenSSL group name */
	size_t dg_flen;      /* modulus / field length in octets */
};

static const struct dh_group dh_groups[] = {
	{ IKE_GROUP_MODP2048, DH_MODP, "modp_2048", 256 }, /* RFC 3526 3 */
	{ IKE_GROUP_MODP3072, DH_MODP, "modp_3072", 384 }, /* RFC 3526 4 */
	{ IKE_GROUP_ECP256, DH_ECP, "P-256", 32 },         /* RFC 5903 3.1 */
	{ IKE_GROUP_ECP384, DH_ECP, "P-384", 48 },         /* RFC 5903 3.2 */
	{ IKE_GROUP_ECP521, DH_ECP, "P-521", 66 },         /* RFC 5903 3.3 */
};

struct gdoi_dh {
	const struct dh_group *dh_g;
	EVP_PKEY *dh_key;            /* our key pair */
	BIGNUM *dh_pm1;              /* MODP: p - 1, upper bound of the range check */
	uint8_t dh_pub[GDOI_DH_MAX]; /* KE payload value */
	size_t dh_publen;
};

static const struct dh_group *
dh_find(unsigned ike_group)
{
	size_t i;

	for (i = 0; i < sizeof(dh_groups) / sizeof(dh_groups[0]); i++)
		if (dh_groups[i].dg_ike == ike_group)
			return &dh_groups[i];
	return NULL;
}

static const char *
dh_keytype(const struct dh_group *g)
{
	return g->dg_kind == DH_MODP ? "DH" : "EC";
}

size_t
gdoi_dh_public_len(unsigned ike_group)
{
	const struct dh_group *g = dh_find(ike_group);

	if (g == NULL)
		return 0;
	return g->dg_kind == DH_MODP ? g->dg_flen : 2 * g->dg_flen;
}

size_t
gdoi_dh_secret_len(unsigned ike_group)
{
	const struct dh_group *g = dh_find(ike_group);

	return g ? g->dg_flen : 0;
}

unsigned
gdoi_dh_group(const struct gdoi_dh *dh)
{
	return dh->dh_g->dg_ike;
}

/* Fill dh_pub (and dh_pm1 for MODP) from the freshly generated key. */
static int
dh_export(struct gdoi_dh *dh)
{
	const struct dh_group *g = dh->dh_g;
	uint8_t pt[1 + 2 * 66];
	BIGNUM *bn = NULL;
	size_t len = 0;
	int ok = 0;

	if (g->dg_kind == DH_MODP) {
		if (!EVP_PKEY_get_bn_param(dh->dh_key, OSSL_PKEY_PARAM_FFC_P,
		    &dh->dh_pm1) ||
		    (size_t)BN_num_bytes(dh->dh_pm1) != g->dg_flen ||
		    !BN_sub_word(dh->dh_pm1, 1))
			goto done;
		if (!EVP_PKEY_get_bn_param(dh->dh_key, OSSL_PKEY_PARAM_PUB_KEY,
		    &bn) ||
		    BN_bn2binpad(bn, dh->dh_pub, (int)g->dg_flen) !=
		    (int)g->dg_flen)
			goto done;
		dh->dh_publen = g->dg_flen;
	} else {
		/* 0x04 | x | y, each coordinate padded to the field size. */
		if (!EVP_PKEY_get_octet_string_param(dh->dh_key,
		    OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, pt, sizeof(pt), &len) ||
		    len != 1 + 2 * g->dg_flen || pt[0] != 0x04)
			goto done;
		memcpy(dh->dh_pub, pt + 1, len - 1);
		dh->dh_publen = len - 1;
	}
	ok = 1;
done:
	BN_free(bn);
	return ok;
}

/* Where gdoi_dh_new() looks first (a daemon's pool of precomputed pairs). */
static gdoi_dh_source_fn dh_source;

void
gdoi_dh_set_source(gdoi_dh_source_fn fn)
{
	dh_source = fn;
}

int
gdoi_dh_new(unsigned ike_group, struct gdoi_dh **out)
{
	if (out != NULL && dh_source != NULL && dh_source(ike_group, out) == 0 && *out != NULL)
		return GDOI_OK;
	return gdoi_dh_generate(ike_group, out);
}

int
gdoi_dh_generate(unsigned ike_group, struct gdoi_dh **out)
{
	const struct dh_group *g = dh_find(ike_group);
	EVP_PKEY_CTX *pctx = NULL;
	struct gdoi_dh *dh = NULL;
	int rc = GDOI_E_NOMEM;

	if (out == NULL)
		return GDOI_E_INVAL;
	*out = NULL;
	if (g == NULL)
		return GDOI_E_INVAL;
	ERR_set_mark();
	if ((dh = OPENSSL_zalloc(sizeof(*dh))) == NULL)
		goto done;
	dh->dh_g = g;
	if ((pctx = EVP_PKEY_CTX_new_from_name(NULL, dh_keytype(g),
	    NULL)) == NULL ||
	    EVP_PKEY_keygen_init(pctx) <= 0 ||
	    EVP_PKEY_CTX_set_group_name(pctx, g->dg_name) <= 0 ||
	    EVP_PKEY_generate(pctx, &dh->dh_key) <= 0 ||
	    !dh_export(dh))
		goto done;
	*out = dh;
	dh = NULL;
	rc = GDOI_OK;
done:
	gdoi_dh_free(dh);
	EVP_PKEY_CTX_free(pctx);
	ERR_pop_to_mark();
	return rc;
}

int
gdoi_dh_public(const struct gdoi_dh *dh, uint8_t *out, size_t outcap,
    size_t *outlen)
{
	if (dh == NULL || out == NULL || outcap < dh->dh_publen)
		return GDOI_E_INVAL;
	memcpy(out, dh->dh_pub, dh->dh_publen);
	if (outlen != NULL)
		*outlen = dh->dh_publen;
	return GDOI_OK;
}

/*
 * The peer's public key as an EVP_PKEY in our group: y for MODP (already
 * range-checked), the uncompressed point 0x04 | x | y for ECP, which
 * OpenSSL refuses unless it is on the curve.  NULL on failure.
 */
static EVP_PKEY *
dh_peer_key(const struct dh_group *g, const BIGNUM *y, const uint8_t *peer,
    size_t peerlen)
{
	uint8_t pt[1 + 2 * 66];
	OSSL_PARAM_BLD *bld = NULL;
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *pctx = NULL;
	EVP_PKEY *pk = NULL;
	int ok;

	if ((bld = OSSL_PARAM_BLD_new()) == NULL ||
	    !OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
	    g->dg_name, 0))
		goto done;
	if (g->dg_kind == DH_MODP)
		ok = OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PUB_KEY, y);
	else {
		pt[0] = 0x04;
		memcpy(pt + 1, peer, peerlen);
		ok = OSSL_PARAM_BLD_push_octet_string(bld,
		    OSSL_PKEY_PARAM_PUB_KEY, pt, 1 + peerlen);
	}
	if (!ok || (params = OSSL_PARAM_BLD_to_param(bld)) == NULL ||
	    (pctx = EVP_PKEY_CTX_new_from_name(NULL, dh_keytype(g),
	    NULL)) == NULL ||
	    EVP_PKEY_fromdata_init(pctx) <= 0 ||
	    EVP_PKEY_fromdata(pctx, &pk, EVP_PKEY_PUBLIC_KEY, params) <= 0) {
		EVP_PKEY_free(pk);
		pk = NULL;
	}
done:
	EVP_PKEY_CTX_free(pctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	return pk;
}

int
gdoi_dh_derive(struct gdoi_dh *dh, const uint8_t *peer, size_t peerlen,
    uint8_t *secret, size_t cap, size_t *secretlen)
{
	const struct dh_group *g;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *pk = NULL;
	BIGNUM *y = NULL;
	size_t slen, len;
	int rc = GDOI_E_INVAL;

	if (dh == NULL || peer == NULL || secret == NULL)
		return GDOI_E_INVAL;
	g = dh->dh_g;
	slen = g->dg_flen;
	if (cap < slen)
		return GDOI_E_INVAL;
	if (peerlen != (g->dg_kind == DH_MODP ? slen : 2 * slen)) {
		wipe_out(secret, cap, slen);
		return GDOI_E_INVAL;
	}
	ERR_set_mark();
	if (g->dg_kind == DH_MODP) {
		/*
		 * 1 < y < p-1.  With a safe prime p = 2q + 1 this rules out
		 * the only small subgroups (orders 1 and 2); a y of order 2q
		 * rather than q leaks at most one bit of an ephemeral
		 * exponent.  That is the whole validation IKE needs, so
		 * OpenSSL's y^q mod p check is not run (see DESIGN.md).
		 */
		if ((y = BN_bin2bn(peer, (int)peerlen, NULL)) == NULL) {
			rc = GDOI_E_NOMEM;
			goto done;
		}
		if (BN_cmp(y, BN_value_one()) <= 0 ||
		    BN_cmp(y, dh->dh_pm1) >= 0)
			goto done; /* GDOI_E_INVAL */
	}
	if ((pk = dh_peer_key(g, y, peer, peerlen)) == NULL) {
		/* For ECP, mostly a point off the curve. */
		rc = g->dg_kind == DH_MODP ? GDOI_E_NOMEM : GDOI_E_INVAL;
		goto done;
	}
	if ((ctx = EVP_PKEY_CTX_new_from_pkey(NULL, dh->dh_key,
	    NULL)) == NULL ||
	    EVP_PKEY_derive_init(ctx) <= 0) {
		rc = GDOI_E_NOMEM;
		goto done;
	}
	if (g->dg_kind == DH_MODP) {
		/* Secret left-padded to the modulus length (RFC 2409 5). */
		if (EVP_PKEY_CTX_set_dh_pad(ctx, 1) <= 0) {
			rc = GDOI_E_NOMEM;
			goto done;
		}
		if (EVP_PKEY_derive_set_peer_ex(ctx, pk, 0) <= 0)
			goto done;
	} else if (EVP_PKEY_derive_set_peer_ex(ctx, pk, 1) <= 0)
		goto done;
	len = slen;
	if (EVP_PKEY_derive(ctx, secret, &len) <= 0 || len == 0 || len > slen)
		goto done;
	if (len < slen) {
		/* Should not happen with the padding above; be sure anyway. */
		memmove(secret + (slen - len), secret, len);
		memset(secret, 0, slen - len);
	}
	if (secretlen != NULL)
		*secretlen = slen;
	rc = GDOI_OK;
done:
	if (rc != GDOI_OK)
		wipe_out(secret, cap, slen);
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(pk);
	BN_free(y);
	ERR_pop_to_mark();
	return rc;
}

void
gdoi_dh_free(struct gdoi_dh *dh)
{
	if (dh == NULL)
		return;
	EVP_PKEY_free(dh->dh_key); /* clears the private value */
	BN_free(dh->dh_pm1);
	OPENSSL_clear_free(dh, sizeof(*dh));
}

/* ------------------------------------------------------------------ */
/* IKEv1 key derivation                                                */

int
gdoi_skeyid_psk(unsigned ike_hash, const uint8_t *psk, size_t psklen,
    const struct gdoi_bytes *ni_b, const struct gdoi_bytes *nr_b,
    uint8_t *out, size_t cap, size_t *outlen)
{
	struct gdoi_bytes parts[2];

	if (ni_b == NULL || nr_b == NULL)
		return GDOI_E_INVAL;
	parts[0] = *ni_b;
	parts[1] = *nr_b;
	return gdoi_prf(ike_hash, psk, psklen, parts, 2, out, cap, outlen);
}

int
gdoi_skeyid_sig(unsigned ike_hash, const struct gdoi_bytes *ni_b,
    const struct gdoi_bytes *nr_b, const struct gdoi_bytes *gxy,
    uint8_t *out, size_t cap, size_t *outlen)
{
	uint8_t key[GDOI_NONCES_MAX];
	int rc;

	if (ni_b == NULL || nr_b == NULL || gxy == NULL ||
	    !parts_ok(ni_b, 1) || !parts_ok(nr_b, 1) ||
	    ni_b->len > sizeof(key) || nr_b->len > sizeof(key) - ni_b->len)
		return GDOI_E_INVAL;
	if (ni_b->len > 0)
		memcpy(key, ni_b->ptr, ni_b->len);
	if (nr_b->len > 0)
		memcpy(key + ni_b->len, nr_b->ptr, nr_b->len);
	rc = gdoi_prf(ike_hash, key, ni_b->len + nr_b->len, gxy, 1, out, cap,
	    outlen);
	OPENSSL_cleanse(key, sizeof(key));
	return rc;
}

int
gdoi_cipher_keylen_ok(unsigned ike_enc, size_t keylen)
{
	switch (ike_enc) {
	case IKE_ENC_AES_CBC:
		return keylen == 16 || keylen == 24 || keylen == 32;
	case IKE_ENC_3DES_CBC:
		return keylen == 24;
	default:
		return 0;
	}
}

/*
 * SKEYID_x = prf(SKEYID, [prev |] g^xy | CKY-I | CKY-R | n), into out
 * (GDOI_HASH_MAX octets).
 */
static int
skeyid_x(unsigned ike_hash, const uint8_t *skeyid, size_t skeyid_len,
    const uint8_t *prev, size_t prevlen, const struct gdoi_bytes *gxy,
    const uint8_t *cky_i, const uint8_t *cky_r, uint8_t n, uint8_t *out,
    size_t *outlen)
{
	struct gdoi_bytes parts[5];

	parts[0].ptr = prev;
	parts[0].len = prevlen;
	parts[1] = *gxy;
	parts[2].ptr = cky_i;
	parts[2].len = ISAKMP_COOKIE_LEN;
	parts[3].ptr = cky_r;
	parts[3].len = ISAKMP_COOKIE_LEN;
	parts[4].ptr = &n;
	parts[4].len = 1;
	return gdoi_prf(ike_hash, skeyid, skeyid_len, parts, 5, out,
	    GDOI_HASH_MAX, outlen);
}

/* RFC 2409 appendix B: the cipher key from SKEYID_e. */
static int
enc_key(unsigned ike_hash, const uint8_t *skeyid_e, size_t elen,
    uint8_t *key, size_t keylen)
{
	uint8_t ka[GDOI_CIPHER_KEY_MAX + GDOI_HASH_MAX];
	uint8_t zero = 0;
	struct gdoi_bytes part;
	size_t have = 0, kn;
	int rc = GDOI_OK;

	if (elen >= keylen) {
		memcpy(key, skeyid_e, keylen);
		return GDOI_OK;
	}
	/* K1 = prf(SKEYID_e, 0), Kn = prf(SKEYID_e, Kn-1), Ka = K1 | K2 ... */
	part.ptr = &zero;
	part.len = 1;
	while (have < keylen) {
		rc = gdoi_prf(ike_hash, skeyid_e, elen, &part, 1, ka + have,
		    sizeof(ka) - have, &kn);
		if (rc != GDOI_OK)
			break;
		part.ptr = ka + have;
		part.len = kn;
		have += kn;
	}
	if (rc == GDOI_OK)
		memcpy(key, ka, keylen);
	OPENSSL_cleanse(ka, sizeof(ka));
	return rc;
}

int
gdoi_p1keys_derive(unsigned ike_hash, unsigned ike_enc,
    size_t enc_keylen_bytes, const uint8_t *skeyid, size_t skeyid_len,
    const struct gdoi_bytes *gxy, const uint8_t cky_i[8],
    const uint8_t cky_r[8], const struct gdoi_bytes *gxi,
    const struct gdoi_bytes *gxr, struct gdoi_p1keys *k)
{
	uint8_t iv[GDOI_HASH_MAX];
	struct gdoi_bytes ke[2];
	size_t blk = gdoi_cipher_block(ike_enc);
	int rc = GDOI_E_INVAL;

	if (k == NULL)
		return GDOI_E_INVAL;
	memset(k, 0, sizeof(*k));
	if (gdoi_hash_len(ike_hash) == 0 || blk == 0 ||
	    !gdoi_cipher_keylen_ok(ike_enc, enc_keylen_bytes) ||
	    skeyid == NULL || skeyid_len == 0 || skeyid_len > GDOI_HASH_MAX ||
	    gxy == NULL || !parts_ok(gxy, 1) || cky_i == NULL ||
	    cky_r == NULL || gxi == NULL || !parts_ok(gxi, 1) || gxr == NULL ||
	    !parts_ok(gxr, 1))
		return GDOI_E_INVAL;

	memcpy(k->k_skeyid, skeyid, skeyid_len);
	k->k_skeyid_len = skeyid_len;
	if ((rc = skeyid_x(ike_hash, skeyid, skeyid_len, NULL, 0, gxy, cky_i,
	    cky_r, 0, k->k_skeyid_d, &k->k_skeyid_d_len)) != GDOI_OK ||
	    (rc = skeyid_x(ike_hash, skeyid, skeyid_len, k->k_skeyid_d,
	    k->k_skeyid_d_len, gxy, cky_i, cky_r, 1, k->k_skeyid_a,
	    &k->k_skeyid_a_len)) != GDOI_OK ||
	    (rc = skeyid_x(ike_hash, skeyid, skeyid_len, k->k_skeyid_a,
	    k->k_skeyid_a_len, gxy, cky_i, cky_r, 2, k->k_skeyid_e,
	    &k->k_skeyid_e_len)) != GDOI_OK)
		goto fail;
	if ((rc = enc_key(ike_hash, k->k_skeyid_e, k->k_skeyid_e_len, k->k_enc,
	    enc_keylen_bytes)) != GDOI_OK)
		goto fail;
	k->k_enc_len = enc_keylen_bytes;

	/* Phase 1 IV = hash(g^xi | g^xr), truncated to the block. */
	ke[0] = *gxi;
	ke[1] = *gxr;
	if ((rc = gdoi_hash(ike_hash, ke, 2, iv, sizeof(iv), NULL)) != GDOI_OK)
		goto fail;
	memcpy(k->k_iv, iv, blk);
	k->k_iv_len = blk;
	OPENSSL_cleanse(iv, sizeof(iv));
	return GDOI_OK;
fail:
	gdoi_p1keys_wipe(k);
	return rc;
}

void
gdoi_p1keys_wipe(struct gdoi_p1keys *k)
{
	if (k != NULL)
		OPENSSL_cleanse(k, sizeof(*k));
}

int
gdoi_p2_iv(unsigned ike_hash, const uint8_t *last_p1_block, size_t blk,
    uint32_t msgid, uint8_t *iv, size_t blocklen)
{
	uint8_t md[GDOI_HASH_MAX], mid[4];
	struct gdoi_bytes parts[2];
	int rc;

	if (last_p1_block == NULL || blk == 0 || iv == NULL || blocklen == 0 ||
	    blocklen > gdoi_hash_len(ike_hash))
		return GDOI_E_INVAL;
	gdoi_put32(mid, msgid);
	parts[0].ptr = last_p1_block;
	parts[0].len = blk;
	parts[1].ptr = mid;
	parts[1].len = sizeof(mid);
	if ((rc = gdoi_hash(ike_hash, parts, 2, md, sizeof(md), NULL)) ==
	    GDOI_OK)
		memcpy(iv, md, blocklen);
	OPENSSL_cleanse(md, sizeof(md));
	return rc;
}

/* ------------------------------------------------------------------ */
/* CBC ciphers                                                         */

size_t
gdoi_cipher_block(unsigned ike_enc)
{
	switch (ike_enc) {
	case IKE_ENC_AES_CBC:
		return 16;
	case IKE_ENC_3DES_CBC:
		return 8;
	default:
		return 0;
	}
}

static const char *
cbc_name(unsigned ike_enc, size_t keylen)
{
	if (!gdoi_cipher_keylen_ok(ike_enc, keylen))
		return NULL;
	if (ike_enc == IKE_ENC_3DES_CBC)
		return "DES-EDE3-CBC";
	switch (keylen) {
	case 16:
		return "AES-128-CBC";
	case 24:
		return "AES-192-CBC";
	default:
		return "AES-256-CBC";
	}
}

static int
cbc_run(unsigned ike_enc, const uint8_t *key, size_t keylen, uint8_t *iv,
    const uint8_t *in, size_t len, uint8_t *out, int enc)
{
	const char *name = cbc_name(ike_enc, keylen);
	size_t blk = gdoi_cipher_block(ike_enc);
	uint8_t last[GDOI_CIPHER_BLOCK_MAX];
	EVP_CIPHER *cipher = NULL;
	EVP_CIPHER_CTX *ctx = NULL;
	int outl = 0, finl = 0;
	int rc = GDOI_E_NOMEM;

	if (name == NULL || key == NULL || iv == NULL || len % blk != 0 ||
	    len > INT_MAX || (len > 0 && (in == NULL || out == NULL)))
		return GDOI_E_INVAL;
	if (len == 0)
		return GDOI_OK;
	/* The next IV: the last ciphertext block, which in-place decryption
	 * is about to overwrite. */
	if (!enc)
		memcpy(last, in + len - blk, blk);
	ERR_set_mark();
	if ((cipher = EVP_CIPHER_fetch(NULL, name, NULL)) == NULL ||
	    (ctx = EVP_CIPHER_CTX_new()) == NULL ||
	    !EVP_CipherInit_ex2(ctx, cipher, key, iv, enc, NULL) ||
	    !EVP_CIPHER_CTX_set_padding(ctx, 0) ||
	    !EVP_CipherUpdate(ctx, out, &outl, in, (int)len) ||
	    (size_t)outl != len ||
	    !EVP_CipherFinal_ex(ctx, out + outl, &finl) || finl != 0)
		goto done;
	memcpy(iv, enc ? out + len - blk : last, blk);
	rc = GDOI_OK;
done:
	if (rc != GDOI_OK)
		OPENSSL_cleanse(out, len);
	EVP_CIPHER_CTX_free(ctx); /* wipes the key schedule */
	EVP_CIPHER_free(cipher);
	ERR_pop_to_mark();
	return rc;
}

int
gdoi_cbc_encrypt(unsigned ike_enc, const uint8_t *key, size_t keylen,
    uint8_t *iv, const uint8_t *in, size_t len, uint8_t *out)
{
	return cbc_run(ike_enc, key, keylen, iv, in, len, out, 1);
}

int
gdoi_cbc_decrypt(unsigned ike_enc, const uint8_t *key, size_t keylen,
    uint8_t *iv, const uint8_t *in, size_t len, uint8_t *out)
{
	return cbc_run(ike_enc, key, keylen, iv, in, len, out, 0);
}
