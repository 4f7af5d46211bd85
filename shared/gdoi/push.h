/*
 * GROUPKEY-PUSH (the rekey message) as pure logic: build on the KS,
 * authenticate and read on the GM.  No sockets, no clock reads, no state:
 * the caller passes the time, the current KEK and the last SEQ accepted.
 *
 *   KS -> GMs  HDR*, SEQ, [D,]* [SA, KD,] SIG
 *
 * HDR: I-cookie | R-cookie = the 16-octet SPI of the KEK protecting the
 * message (the KEK the GM holds, not the one announced), exchange
 * GROUPKEY-PUSH (33), E flag, M-ID 0 (any M-ID is accepted: it is signed).
 * SEQ is the group's push counter.  SA and KD are built from a group
 * policy with gdoi_policy_sa_build / gdoi_policy_kd_build (an SA KEK and
 * the KEK key packet when the KEK is replaced, one SA TEK per ACE and one
 * TEK key packet per TEK).  D withdraws TEK SPIs or the KEK.  SIG is the
 * KS signature.
 *
 * Research (sources; "unverified" where the RFC text itself could not be
 * read here: only page openings of RFC 6407 / RFC 8263 mirrors were
 * reachable, PROTOCOL-NOTES 1.4 and 1.5):
 *
 * (a) KEK IV.  RFC 3547 5.5.2.1 put IV | key in KEK_ALGORITHM_KEY and the
 *     same static IV was reused for every rekey: the Cisco reference
 *     implementation (gdoid gdoi_rekey.c: "RFC 3547 specifies a static IV
 *     for the rekey") and DigiCert TrustCore's GDOI GM (its KD KEK parser
 *     splits KEK_ALGORITHM_KEY into IV then key) both do that.  Cisco's
 *     "show crypto gdoi" prints "crypto iv length : 16" (genieparser
 *     outputs).  How RFC 6407 (5.3.3 / 5.6.2.1) changed this could NOT be
 *     verified here: UNVERIFIED.  Our policy.h sends KEK_ALGORITHM_KEY as
 *     the key only, so the IV must travel in the message: we send a fresh
 *     random IV of one cipher block right after the HDR, in clear, counted
 *     in the HDR length, and the ciphertext follows.  A static IV reused
 *     under one key leaks equal message prefixes; an explicit random IV
 *     does not.  The layout is decided in one place (push.c, "IV layout");
 *     switching to RFC 3547's static IV also needs an IV in struct
 *     gdoi_kek and in policy.c's KD KEK packet.
 * (b) What is signed.  RFC 3547 4.7 (read on rfcinfo.com): the KS hashes
 *     "rekey" followed by the message already formed, signs, adds SIG,
 *     then encrypts the payloads after the HDR: the signature is over
 *     plaintext and never covers CBC padding.  Which value the signed HDR
 *     Length holds is not said (gdoid signs the unpadded length including
 *     SIG, then rewrites the length after padding).  Our choice: the HDR
 *     exactly as transmitted (E flag set, Length = the whole datagram with
 *     IV and padding), so the GM hashes the received header as it is and
 *     the length is bound.  Switch: PUSH_SIGNED_LEN in push.c (WIRE or
 *     PLAIN = 28 + payloads up to the end of SIG, unpadded, as gdoid).
 *     Signed data = "rekey" (5 octets, no NUL) | HDR | SEQ ... the payload
 *     before SIG, generic headers included.
 * (c) RSA form.  gdoid signs the raw hash with PKCS#1 v1.5 type-1 padding
 *     and no DigestInfo (IKEv1 style).  RFC 6407's SIG_ALG_RSA /
 *     SIG_HASH_ALGORITHM wording could not be read here: UNVERIFIED.
 *     We send RSASSA-PKCS1-v1_5 with DigestInfo (EMSA-PKCS1-v1_5, RFC
 *     8017 9.2) unless ks_sig_raw asks for the raw form, and the GM
 *     accepts either (the two cannot be confused: the recovered block is
 *     the bare hash or a DigestInfo) and reports which in rx_sig_raw.
 *     Hash: SIG_HASH_ALGORITHM of the KEK (SHA-256 = 3 or SHA-1 = 2).
 * (d) RFC 8263 ACK.  The KS asks for acknowledgements with the KEK
 *     attribute KEK_ACK_REQUESTED in the SA KEK of a PUSH (IETF secdir
 *     review of draft-weis-gdoi-rekey-ack; IEC 62351-9 8.6 summary).  Its
 *     number (wire.h says 9) and value meaning are UNVERIFIED: an IEC
 *     62351-9 summary pairs value 1 with SHA-256 and 3 with SHA-512 for
 *     the ACK key; we send the caller's value as a TV attribute.  The ACK
 *     message itself (HDR, HASH, SEQ, ID with a derived ACK key) is not
 *     built here: its key derivation could not be verified.
 * (e) Delete (UNVERIFIED, our encoding): DOI 2; a TEK: Protocol-ID
 *     GDOI_PROTO_IPSEC_ESP (1), SPI size 4; the KEK: Protocol-ID
 *     PROTO_ISAKMP (1), SPI size 16.  The GM tells them apart by SPI size.
 *
 * Errors: gdoi_push_build returns GDOI_E_INVAL (bad input: no KEK key,
 * not an RSA key, ACK asked without an SA KEK, more deletes than
 * GDOI_PUSH_DEL_MAX), GDOI_E_TOOBIG (cap too small), GDOI_E_NOMEM.
 * gdoi_push_open returns 0, or a negative gdoi_err with rx->rx_reason
 * saying why, for the daemon's counters and logs (gdoi_push_reason_name).
 */
#ifndef GDOI_PUSH_H
#define GDOI_PUSH_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "gdoi/err.h"
#include "gdoi/policy.h"

#define GDOI_PUSH_DEL_MAX 16         /**< TEK SPIs one PUSH may withdraw */
#define GDOI_PUSH_REKEY_STR "rekey"  /**< prefix of the signed data */

/** KS input of one PUSH. */
struct gdoi_push_ks {
	const struct gdoi_kek *ks_kek;      /**< current KEK: SPI = cookies, key encrypts */
	EVP_PKEY *ks_sign;                  /**< KS RSA private key (borrowed) */
	uint8_t ks_sig_hash;                /**< SIG_HASH_SHA256 (0 = that) or SIG_HASH_SHA1 */
	uint8_t ks_sig_raw;                 /**< 1: raw hash without DigestInfo (gdoid form) */
	uint32_t ks_seq;                    /**< SEQ of this message */
	const struct gdoi_gpolicy *ks_pol;  /**< announced: new KEK (gp_has_kek) and TEKs;
	                                         NULL or nothing in it: no SA / KD */
	uint64_t ks_now_ms;                 /**< for the remaining lifetimes */
	const uint32_t *ks_del_tek;         /**< TEK SPIs to withdraw */
	size_t ks_ndel_tek;
	uint8_t ks_del_kek;                 /**< 1: withdraw ks_del_kek_spi */
	uint8_t ks_del_kek_spi[GDOI_KEK_SPI_LEN];
	uint16_t ks_ack;                    /**< RFC 8263 KEK_ACK_REQUESTED value, 0 = none
	                                         (needs an SA KEK in ks_pol) */
};

/**
 * Build the datagram into out (cap octets); *len is its length.  The
 * signature is computed before encryption, the IV is fresh (RAND_bytes).
 */
int gdoi_push_build(const struct gdoi_push_ks *in, uint8_t *out, size_t cap, size_t *len);

/** Why gdoi_push_open refused a datagram (one counter each). */
enum gdoi_push_reason {
	PUSH_OK = 0,
	PUSH_BAD_HDR,     /**< not an ISAKMP header, not exchange 33, E flag clear */
	PUSH_WRONG_KEK,   /**< cookies are not our KEK SPI (another group or an old KEK) */
	PUSH_DECRYPT,     /**< body not IV + whole blocks, or plaintext not a payload
	                       chain: a wrong KEK key lands here */
	PUSH_MALFORMED,   /**< chain decodes, but payloads missing, misordered or wrong */
	PUSH_BAD_SIG,     /**< signature does not verify with the KS public key */
	PUSH_REPLAY,      /**< authentic, but SEQ <= the last one accepted */
	PUSH_POLICY,      /**< authentic, but SA / KD refused by gdoi_policy_from_* */
	PUSH_INTERNAL,    /**< out of memory, bad arguments, unusable KEK */
};
const char *gdoi_push_reason_name(enum gdoi_push_reason r);

/** GM result of one PUSH.  Clear with gdoi_push_rx_clear (wipes keys). */
struct gdoi_push_rx {
	enum gdoi_push_reason rx_reason;
	uint32_t rx_seq;
	uint8_t rx_has_sa;                  /**< SA and KD were present */
	struct gdoi_gpolicy rx_pol;         /**< announced policy (owned): gp_has_kek =
	                                         a new KEK, gp_tek the new TEKs */
	uint16_t rx_ack;                    /**< KEK_ACK_REQUESTED value, 0 = none */
	uint32_t rx_del_tek[GDOI_PUSH_DEL_MAX];
	size_t rx_ndel_tek;
	uint8_t rx_del_kek;
	uint8_t rx_del_kek_spi[GDOI_KEK_SPI_LEN];
	uint8_t rx_sig_raw;                 /**< 1: the signature had no DigestInfo */
};

/**
 * GM: authenticate and read a PUSH under kek (its key decrypts, kek_pub
 * verifies with kek_sig_hash).  SEQ must be above last_seq when have_seq.
 * Checks in order: header, decryption and chain, payload order, signature,
 * SEQ, deletes, SA / KD.  rx is overwritten (gdoi_push_rx_clear a previous
 * result first); on failure it holds only rx_reason (and rx_seq once the
 * signature verified).  d (optional) says where a decode failed.  CBC
 * padding is not authenticated (research (b)) and its content is not
 * checked: a changed padding octet leaves the signed content intact.
 */
int gdoi_push_open(const struct gdoi_kek *kek, const uint8_t *msg, size_t len,
    uint32_t last_seq, int have_seq, uint64_t now_ms, struct gdoi_push_rx *rx,
    struct gdoi_diag *d);

void gdoi_push_rx_clear(struct gdoi_push_rx *rx);

/**
 * gdoi_push_open keeps the last few KEK public keys it parsed (found by
 * their DER octets, so copies of a struct gdoi_kek need no care): drop
 * them all.  For tests and leak checkers; never needed for correctness.
 */
void gdoi_push_key_cache_flush(void);
/**
 * The RSA public key of a DER SubjectPublicKeyInfo (exactly len octets),
 * or NULL: through that cache, a new reference the caller frees
 * (EVP_PKEY_free).  policy.c checks announced KEK keys with it.
 */
EVP_PKEY *gdoi_push_pubkey(const uint8_t *der, size_t len);

/**
 * For tests and gdoidump: decrypt a PUSH under kek into a new buffer
 * holding HDR (with the E flag cleared and the length of the plaintext
 * form) followed by the plaintext payloads (padding included), which
 * gdoi_msg_decode reads.  *plain is malloc'd (free with free after
 * OPENSSL_cleanse).  GDOI_E_INVAL if it does not decrypt.
 */
int gdoi_push_decrypt(const struct gdoi_kek *kek, const uint8_t *msg, size_t len,
    uint8_t **plain, size_t *plainlen);

#endif
