/*
 * GROUPKEY-PUSH acknowledgement (RFC 8263) as pure logic: the GM builds
 * the ACK of a PUSH it accepted, the KS reads it (peek, without a key, to
 * find the group by SPI and the member by ID) and authenticates it
 * (verify, under the KEK that protected the PUSH).  No sockets, no clock,
 * no state, no allocation.
 *
 *   GM -> KS   HDR, HASH, SEQ, ID          (not encrypted)
 *
 * Research (sources; the RFC 8263 text itself could NOT be read here: only
 * the abstract of RFC 8263 and of draft-weis-gdoi-rekey-ack were
 * reachable.  What follows comes from an IEC 62351-9 (8.6, figure 44)
 * summary of RFC 8263 and the IETF secdir review of the draft.  Every
 * point is UNVERIFIED against the RFC and marked with the place that
 * decides it in ack.c):
 *
 * (a) Request.  The KS asks for ACKs with KEK_ACK_REQUESTED (wire.h: 9,
 *     itself unverified) in the SA KEK of a PUSH (push.h (d)).  Its value
 *     selects the ACK prf and the ack_key length L: the IEC summary pairs
 *     SIG_HASH SHA-256 with value 1 and L = 512 and SHA-512 with value 3
 *     and L = 1024.  We read: 1 = HMAC-SHA-256, L = 512; 3 = HMAC-SHA-512,
 *     L = 1024; anything else is refused.  UNVERIFIED (ack.c: ack_alg).
 * (b) HDR.  I-cookie | R-cookie = the 16-octet SPI of the KEK that
 *     protected the PUSH acknowledged; next payload HASH; version 0x10;
 *     exchange GROUPKEY-PUSH-ACK (wire.h: 35, unverified); flags 0;
 *     M-ID 0.  The IEC summary says the SPI is the "I-Cookie+R-Cookie from
 *     PULL"; we read that as the KEK SPI (which the PULL installs), not
 *     the Phase 1 cookies.  UNVERIFIED.
 * (c) ack_key = prf+(K, S) truncated to L/8 octets, with K the KEK key
 *     (KEK_ALGORITHM_KEY, kek_keybits / 8 octets), S = "GROUPKEY-PUSH
 *     ACK" (17 octets, no NUL) | SPI (16) | L (4 octets, big-endian), and
 *     prf+ as RFC 7296 2.13: T1 = prf(K, S | 0x01), Tn = prf(K, Tn-1 | S |
 *     n).  The summary writes "prf(base_key, ...)" and does not name the
 *     base key: K = the KEK key and the prf+ expansion to L are our
 *     reading.  UNVERIFIED (ack.c: ack_key_derive).
 * (d) HASH = prf(ack_key, SEQ | ID), SEQ and ID whole payloads (generic
 *     headers included) as they appear in the message: the GDOI
 *     convention for HASH(n) in GROUPKEY-PULL.  Its length is the prf
 *     output (32 or 64 octets).  UNVERIFIED (ack.c: hashed part).
 * (e) SEQ = the SEQ of the PUSH acknowledged.  ID = the GM identity: any
 *     ID type with data of the size that type demands (ID_IPV4_ADDR /
 *     ID_IPV6_ADDR normally), protocol 0, port 0 (we send 0 and accept
 *     only 0).
 *
 * Parsing is strict: exactly HASH, SEQ, ID in that order, exchange 35,
 * version 0x10, flags 0, M-ID 0, RESERVED octets 0, the header length
 * equal to the datagram, HASH of 32 or 64 octets (of the prf's length in
 * gdoi_ack_verify), ID protocol and port 0, 1..GDOI_ACK_ID_MAX octets of
 * ID data.  The header is not covered by HASH: verify checks its every
 * field, and the cookies against the KEK SPI (they are in ack_key too).
 *
 * Errors (err.h has no authentication code):
 *   GDOI_E_INVAL   verify: the HASH does not verify, or the cookies are
 *                  not this KEK's SPI; any function: bad arguments (NULL,
 *                  unsupported ack type, KEK without a usable key).
 *                  A malformed message never returns GDOI_E_INVAL.
 *   GDOI_E_TOOBIG  build: cap too small.
 *   malformed      the codec's codes (GDOI_E_TRUNC, _LENGTH, _VERSION,
 *                  _ID, _TRAILING, ...), GDOI_E_ORDER (payloads not
 *                  exactly HASH, SEQ, ID), GDOI_E_PAYLOAD (header exchange
 *                  / flags / M-ID not an ACK's, or a RESERVED octet set),
 *                  GDOI_E_ENCRYPTED (E flag set), GDOI_E_TRAILING (octets
 *                  after the header length), GDOI_E_LENGTH (a HASH of the
 *                  wrong size), GDOI_E_ID (ID type, data, protocol, port).
 */
#ifndef GDOI_ACK_H
#define GDOI_ACK_H

#include <stddef.h>
#include <stdint.h>

#include "gdoi/err.h"
#include "gdoi/policy.h"

#define GDOI_ACK_LABEL "GROUPKEY-PUSH ACK" /**< S prefix, sent without NUL */
#define GDOI_ACK_HMAC_SHA256 1   /**< KEK_ACK_REQUESTED: HMAC-SHA-256, L = 512 */
#define GDOI_ACK_HMAC_SHA512 3   /**< KEK_ACK_REQUESTED: HMAC-SHA-512, L = 1024 */
#define GDOI_ACK_KEY_MAX 128     /**< longest ack_key (L = 1024 bits) */
#define GDOI_ACK_ID_MAX 64       /**< longest ID data we send or accept */
/** Largest ACK: HDR 28 + HASH 4+64 + SEQ 4+4 + ID 8+GDOI_ACK_ID_MAX = 176. */
#define GDOI_ACK_MSG_MAX 256

/**
 * Length of the HASH (the prf output) for an ack type: 32 for
 * GDOI_ACK_HMAC_SHA256, 64 for GDOI_ACK_HMAC_SHA512, 0 if unsupported.
 */
size_t gdoi_ack_hash_len(uint16_t ack_type);

/**
 * ack_key of a KEK (research (c)): L/8 octets (64 or 128) into key.
 *
 * @param kek     borrowed; kek_spi and kek_key (kek_keybits / 8 octets,
 *                a whole number of octets, 1..GDOI_KEK_KEY_MAX) are used
 * @param key     caller buffer of cap octets (GDOI_ACK_KEY_MAX suffices);
 *                the caller wipes it (OPENSSL_cleanse) after use
 * @param keylen  set to L/8 (may be NULL)
 * GDOI_E_INVAL for an unsupported ack_type, an unusable KEK or a short
 * buffer (nothing written), GDOI_E_NOMEM if OpenSSL fails (key wiped).
 */
int gdoi_ack_key(const struct gdoi_kek *kek, uint16_t ack_type, uint8_t *key, size_t cap,
    size_t *keylen);

/** GM input of one ACK.  Everything is borrowed for the call. */
struct gdoi_ack_in {
	const struct gdoi_kek *ai_kek;  /**< the KEK that protected the PUSH */
	uint16_t ai_type;               /**< KEK_ACK_REQUESTED value of that PUSH */
	uint32_t ai_seq;                /**< SEQ of that PUSH */
	uint8_t ai_id_type;             /**< ID_IPV4_ADDR, ID_IPV6_ADDR, ... (not 0) */
	const uint8_t *ai_id;           /**< ID data, ai_idlen octets */
	size_t ai_idlen;                /**< 1..GDOI_ACK_ID_MAX, as ai_id_type demands */
};

/**
 * Build the ACK datagram into out (cap octets, GDOI_ACK_MSG_MAX
 * suffices); *len is its length (0 on failure, out then holds nothing
 * useful).  ack_key is derived, used and wiped inside the call.
 */
int gdoi_ack_build(const struct gdoi_ack_in *in, uint8_t *out, size_t cap, size_t *len);

/** What an ACK says (no secrets: caller-owned, plain memory). */
struct gdoi_ack_rx {
	uint8_t ar_spi[GDOI_KEK_SPI_LEN];  /**< HDR cookies: the KEK SPI */
	uint32_t ar_seq;                   /**< SEQ acknowledged */
	uint8_t ar_id_type;                /**< ID type of the GM */
	uint8_t ar_id[GDOI_ACK_ID_MAX];    /**< ID data (copied) */
	size_t ar_idlen;
};

/**
 * Parse an ACK without the key (the KS finds the group by ar_spi and the
 * member by ar_id first).  NOTHING is authenticated: use the result only
 * to choose the KEK for gdoi_ack_verify.  rx is overwritten (zeroed on
 * failure); d (optional) says where a parse failed.
 */
int gdoi_ack_peek(const uint8_t *msg, size_t len, struct gdoi_ack_rx *rx,
    struct gdoi_diag *d);

/**
 * Parse and authenticate an ACK under kek with ack_type (the values the
 * PUSH was sent with): 0, or a negative gdoi_err (see Errors above;
 * GDOI_E_INVAL = not authentic).  rx is filled only on success (zeroed
 * on failure).  ack_key and the computed hash are wiped before return.
 */
int gdoi_ack_verify(const struct gdoi_kek *kek, uint16_t ack_type, const uint8_t *msg,
    size_t len, struct gdoi_ack_rx *rx, struct gdoi_diag *d);

#endif
