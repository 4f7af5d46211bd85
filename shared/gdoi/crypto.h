/*
 * Cryptographic primitives of IKEv1 Phase 1 (RFC 2409) over OpenSSL 3 EVP.
 *
 * Everything here is pure: no sockets, no globals, no event loop, no
 * logging.  Algorithms are named by their IKE numbers (gdoi/wire.h):
 *
 *   hash / prf   IKE_HASH_SHA1, _SHA256, _SHA384, _SHA512 (prf = HMAC).
 *                MD5 and Tiger are not supported.
 *   DH groups    14, 15 (RFC 3526 MODP-2048/3072) and 19, 20, 21
 *                (RFC 5903 ECP-256/384/521).
 *   ciphers      IKE_ENC_AES_CBC (16/24/32-octet keys) and
 *                IKE_ENC_3DES_CBC (24-octet keys), CBC without padding.
 *
 * Every fallible function returns 0 (GDOI_OK) or a negative gdoi_err:
 * GDOI_E_INVAL for an unsupported algorithm, a bad length, a short output
 * buffer or an invalid peer public value; GDOI_E_NOMEM when OpenSSL fails
 * for any other reason (in practice, allocation).  OpenSSL's error queue is
 * left as it was found.
 *
 * Secrets: every intermediate buffer is wiped before return.  A call
 * refused on its arguments alone (unsupported algorithm, bad length,
 * short buffer) writes nothing; a call that fails after it started
 * writing wipes the caller's output over the length it would have
 * written (a rejected DH peer value wipes the secret buffer).  Output
 * buffers are caller-owned; input buffers are borrowed for the duration
 * of the call only.  All functions are safe to
 * call from several threads on distinct objects.
 */
#ifndef GDOI_CRYPTO_H
#define GDOI_CRYPTO_H

#include <stddef.h>
#include <stdint.h>
#include "gdoi/payload.h" /* struct gdoi_bytes */

/** Largest digest / prf output (SHA2-512). */
#define GDOI_HASH_MAX 64
/** Largest DH public value and shared secret (MODP-3072). */
#define GDOI_DH_MAX 384
/** Largest cipher key (AES-256) and block (AES). */
#define GDOI_CIPHER_KEY_MAX 32
#define GDOI_CIPHER_BLOCK_MAX 16

/* ------------------------------------------------------------------ */
/* Hash and prf                                                        */

/** Digest length of an IKE hash, or 0 if it is not supported. */
size_t gdoi_hash_len(unsigned ike_hash);

/**
 * hash(parts[0] | parts[1] | ... | parts[nparts-1]).
 *
 * @param parts   borrowed; an element may have len 0 (and then ptr NULL)
 * @param out     caller buffer of outcap >= gdoi_hash_len() octets
 * @param outlen  set to the digest length (may be NULL)
 */
int gdoi_hash(unsigned ike_hash, const struct gdoi_bytes *parts, size_t nparts,
    uint8_t *out, size_t outcap, size_t *outlen);

/**
 * prf(key, parts[0] | ... | parts[nparts-1]) = HMAC with the IKE hash.
 * The key (borrowed) may be of any length, including 0.  Output as for
 * gdoi_hash().
 */
int gdoi_prf(unsigned ike_hash, const uint8_t *key, size_t keylen,
    const struct gdoi_bytes *parts, size_t nparts, uint8_t *out, size_t outcap,
    size_t *outlen);

/** 1 if the n octets at a and b are equal, else 0; time depends on n only. */
int gdoi_ct_equal(const void *a, const void *b, size_t n);

/* ------------------------------------------------------------------ */
/* Diffie-Hellman                                                      */

/** An ephemeral DH key pair (opaque; created by gdoi_dh_new()). */
struct gdoi_dh;

/**
 * Generate an ephemeral key pair in an IKE group (14, 15, 19, 20, 21).
 * On success *out is a new object that the caller frees with
 * gdoi_dh_free(); on failure *out is NULL.
 */
int gdoi_dh_new(unsigned ike_group, struct gdoi_dh **out);
/** The same, always generating the pair now (thread-safe; what a pool calls). */
int gdoi_dh_generate(unsigned ike_group, struct gdoi_dh **out);
/**
 * A source gdoi_dh_new() asks first: it returns 0 with *out set to a
 * fresh, never used pair of that group (the caller owns it), or nonzero
 * (then gdoi_dh_new() generates one).  NULL: none (the default).
 */
typedef int (*gdoi_dh_source_fn)(unsigned ike_group, struct gdoi_dh **out);
void gdoi_dh_set_source(gdoi_dh_source_fn fn);

/**
 * Length of the KE payload value of a group, or 0 if unsupported:
 * the modulus length for MODP (256, 384), x | y for ECP (64, 96, 132),
 * each coordinate left-padded to the field size (RFC 5903 section 7).
 */
size_t gdoi_dh_public_len(unsigned ike_group);

/**
 * Length of the shared secret g^xy of a group, or 0 if unsupported: the
 * modulus length for MODP (left-padded), the field size for ECP (x only).
 */
size_t gdoi_dh_secret_len(unsigned ike_group);

/** IKE group number of a key pair. */
unsigned gdoi_dh_group(const struct gdoi_dh *dh);

/**
 * Our public value, in KE payload form (see gdoi_dh_public_len()).
 * @param out  caller buffer of outcap >= gdoi_dh_public_len() octets
 */
int gdoi_dh_public(const struct gdoi_dh *dh, uint8_t *out, size_t outcap,
    size_t *outlen);

/**
 * Compute the shared secret with the peer's KE payload value.
 *
 * MODP: peer must be exactly the modulus length with 1 < y < p-1.  With
 * the RFC 3526 safe primes and an ephemeral private value this range
 * check is the validation IKE needs, so OpenSSL's full public-key check
 * (y^q mod p, about 1.6 ms for MODP-2048) is skipped.  The secret is
 * left-padded to the modulus length.
 *
 * ECP: peer must be exactly 2 * field size octets (x | y) and a point on
 * the curve (validated by OpenSSL).  The secret is the x coordinate of the
 * shared point, field size octets.
 *
 * An invalid peer value returns GDOI_E_INVAL.  The key pair may be used
 * for several derivations.
 *
 * @param peer    borrowed
 * @param secret  caller buffer of cap >= gdoi_dh_secret_len() octets;
 *                wiped on error
 */
int gdoi_dh_derive(struct gdoi_dh *dh, const uint8_t *peer, size_t peerlen,
    uint8_t *secret, size_t cap, size_t *secretlen);

/** Wipe and free the key pair.  NULL is a no-op. */
void gdoi_dh_free(struct gdoi_dh *dh);

/* ------------------------------------------------------------------ */
/* IKEv1 key derivation (RFC 2409 section 5, appendix B)               */

/**
 * SKEYID for pre-shared key authentication: prf(PSK, Ni_b | Nr_b).
 * ni_b and nr_b are the nonce payload bodies (borrowed).  out needs
 * gdoi_hash_len() octets.
 */
int gdoi_skeyid_psk(unsigned ike_hash, const uint8_t *psk, size_t psklen,
    const struct gdoi_bytes *ni_b, const struct gdoi_bytes *nr_b,
    uint8_t *out, size_t cap, size_t *outlen);

/** Longest Ni_b | Nr_b that gdoi_skeyid_sig() accepts (RFC 2409: 2 * 256). */
#define GDOI_NONCES_MAX 512

/**
 * SKEYID for signature authentication: prf(Ni_b | Nr_b, g^xy).
 * GDOI_E_INVAL if ni_b->len + nr_b->len > GDOI_NONCES_MAX.
 */
int gdoi_skeyid_sig(unsigned ike_hash, const struct gdoi_bytes *ni_b,
    const struct gdoi_bytes *nr_b, const struct gdoi_bytes *gxy,
    uint8_t *out, size_t cap, size_t *outlen);

/** The keying material of a Phase 1 SA.  Wipe with gdoi_p1keys_wipe(). */
struct gdoi_p1keys {
	uint8_t k_skeyid[GDOI_HASH_MAX];
	size_t k_skeyid_len;
	uint8_t k_skeyid_d[GDOI_HASH_MAX];   /**< keys Phase 2 / GDOI KEK and TEK material */
	size_t k_skeyid_d_len;
	uint8_t k_skeyid_a[GDOI_HASH_MAX];   /**< keys HASH(n) of Phase 2 / GROUPKEY-PULL */
	size_t k_skeyid_a_len;
	uint8_t k_skeyid_e[GDOI_HASH_MAX];
	size_t k_skeyid_e_len;
	uint8_t k_enc[GDOI_CIPHER_KEY_MAX];  /**< Phase 1 cipher key */
	size_t k_enc_len;
	uint8_t k_iv[GDOI_CIPHER_BLOCK_MAX]; /**< IV of Main Mode message 5 */
	size_t k_iv_len;
};

/**
 * Derive SKEYID_d, _a, _e, the cipher key and the Phase 1 IV:
 *
 *   SKEYID_d = prf(SKEYID, g^xy | CKY-I | CKY-R | 0)
 *   SKEYID_a = prf(SKEYID, SKEYID_d | g^xy | CKY-I | CKY-R | 1)
 *   SKEYID_e = prf(SKEYID, SKEYID_a | g^xy | CKY-I | CKY-R | 2)
 *   key      = the first enc_keylen_bytes of SKEYID_e, or of
 *              K1 | K2 | ... with K1 = prf(SKEYID_e, 0),
 *              Kn = prf(SKEYID_e, Kn-1) when SKEYID_e is shorter
 *   IV       = hash(g^xi | g^xr), truncated to the cipher block
 *
 * @param ike_enc           IKE_ENC_AES_CBC (key 16, 24 or 32) or
 *                          IKE_ENC_3DES_CBC (key 24)
 * @param skeyid            from gdoi_skeyid_psk() / _sig(), 1..64 octets
 * @param gxy               shared secret as from gdoi_dh_derive()
 * @param gxi, gxr          the initiator's and responder's KE values
 * @param k                 caller-owned; filled on success, wiped on error
 * All inputs are borrowed.
 */
int gdoi_p1keys_derive(unsigned ike_hash, unsigned ike_enc,
    size_t enc_keylen_bytes, const uint8_t *skeyid, size_t skeyid_len,
    const struct gdoi_bytes *gxy, const uint8_t cky_i[8],
    const uint8_t cky_r[8], const struct gdoi_bytes *gxi,
    const struct gdoi_bytes *gxr, struct gdoi_p1keys *k);

/** Wipe all key material in k (NULL is a no-op). */
void gdoi_p1keys_wipe(struct gdoi_p1keys *k);

/**
 * IV of a new Phase 2 (GROUPKEY-PULL, Informational) exchange:
 * hash(last Phase 1 CBC block | M-ID), M-ID in network order, truncated to
 * blocklen octets (1..gdoi_hash_len()).
 *
 * @param last_p1_block  borrowed, blk octets (the cipher block size)
 * @param iv             caller buffer of blocklen octets
 */
int gdoi_p2_iv(unsigned ike_hash, const uint8_t *last_p1_block, size_t blk,
    uint32_t msgid, uint8_t *iv, size_t blocklen);

/* ------------------------------------------------------------------ */
/* CBC ciphers                                                         */

/** Block size of an IKE cipher (16 AES, 8 3DES), or 0 if unsupported. */
size_t gdoi_cipher_block(unsigned ike_enc);

/** 1 if keylen octets is a valid key length for the IKE cipher, else 0. */
int gdoi_cipher_keylen_ok(unsigned ike_enc, size_t keylen);

/**
 * CBC-encrypt len octets (a multiple of the block size, possibly 0; the
 * caller pads, RFC 2409 style).  in == out is allowed; other overlap is
 * not.
 *
 * @param iv   in: the IV; out: the last ciphertext block, i.e. the IV that
 *             continues the chain (unchanged when len is 0)
 * @param out  caller buffer of len octets; wiped on error
 */
int gdoi_cbc_encrypt(unsigned ike_enc, const uint8_t *key, size_t keylen,
    uint8_t *iv, const uint8_t *in, size_t len, uint8_t *out);

/**
 * CBC-decrypt, as gdoi_cbc_encrypt(); iv out is the last ciphertext block
 * of the input (saved before an in-place decryption overwrites it).
 */
int gdoi_cbc_decrypt(unsigned ike_enc, const uint8_t *key, size_t keylen,
    uint8_t *iv, const uint8_t *in, size_t len, uint8_t *out);

#endif
