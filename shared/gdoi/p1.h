/*
 * IKEv1 Phase 1: Main Mode (RFC 2409 section 5) with pre-shared keys or
 * RSA signatures, and the Informational exchange under an established
 * Phase 1 SA.
 *
 * Pure logic: nothing here opens a socket, reads a clock or arms a timer.
 * The caller feeds datagrams (gdoi_p1_input), the time in milliseconds of
 * its own clock, and timer calls (gdoi_p1_tick); every call returns what to
 * send and what happened in a struct gdoi_p1_out.
 *
 *   Initiator (GM)                           Responder (KS)
 *   gdoi_p1_initiate  ->  1 HDR, SA          gdoi_p1_respond (new SA)
 *                     <-  2 HDR, SA          gdoi_p1_input ...
 *                     ->  3 HDR, KE, Ni
 *                     <-  4 HDR, KE, Nr
 *                     ->  5 HDR*, IDii, HASH_I    (RSA: IDii, CERT, SIG_I)
 *                     <-  6 HDR*, IDir, HASH_R    (RSA: IDir, CERT, SIG_R)
 *
 * Negotiation.  The initiator offers one proposal (PROTO_ISAKMP) holding one
 * KEY_IKE transform per policy entry, in policy order.  The responder walks
 * the initiator's proposals and transforms in order; the first transform
 * that equals one of its policy entries on cipher, key length, hash,
 * authentication method and group wins (the lifetime does not take part).
 * Message 2 carries that transform copied.  Unknown attributes, a PRF
 * attribute, private groups and kilobyte-only lifetimes make a transform
 * unacceptable.  The Phase 1 SA may carry DOI 1 (IPsec) or 2 (GDOI); the
 * responder answers with the DOI it received.  Lifetime: the initiator uses
 * what it proposed (the responder echoes it), the responder uses the
 * smaller of the proposal and its policy entry (RFC 2409 leaves this to
 * local policy; we never keep an SA longer than our own policy says).
 * A policy entry without lifetime: 28800 s (see Lifetimes below for a
 * transform without one).
 *
 * Authentication: pre-shared keys.  Main Mode encrypts the identities, so
 * the responder must pick the key before it sees IDii: the PSK callback is
 * keyed by the peer address (struct gdoi_p1_peer); the identity the peer
 * then claims is available through gdoi_p1_peer_id() for authorisation.
 *
 * Authentication: RSA signatures (IKE_AUTH_RSA_SIG, RFC 2409 section 5.1).
 * SKEYID = prf(Ni_b | Nr_b, g^xy).  Messages 5/6 are HDR*, ID, CERT, SIG:
 * CERT holds our certificate (encoding 4, X.509 Certificate - Signature,
 * DER), SIG the RSA PKCS#1 v1.5 type 1 signature of HASH_I / HASH_R
 * itself (no DigestInfo, as IKEv1 implementations do).  Our ID is
 * x_local_id, or, when its type is 0, ID_DER_ASN1_DN with the subject of
 * x_cert.  The peer must send its end-entity certificate in the first
 * X.509 CERT payload (further X.509 CERTs are taken as untrusted
 * intermediates); it must verify against x_ca with X509_verify_cert() at
 * the current wall-clock time (the one place this module reads a clock;
 * no CRL or OCSP check yet), carry an RSA key, and match the ID payload:
 * ID_DER_ASN1_DN equal to its subject (X509_NAME_cmp), ID_IPV4_ADDR /
 * ID_IPV6_ADDR equal to a subjectAltName iPAddress, ID_FQDN to a
 * subjectAltName dNSName, ID_USER_FQDN to an rfc822Name (the subject CN is
 * never used); any other ID type does not match.  The verified
 * certificate is available through gdoi_p1_peer_cert().  No CR payload is
 * sent: a peer that sends its certificate only when asked (strongSwan's
 * send_cert = ifasked) must be told to always send it.  DSS and ECDSA
 * methods are refused by the policy check.
 *
 * Lifetimes: a Seconds duration of 0 in the peer's transform (strongSwan
 * sends it with rekey_time = 0) is taken as no lifetime given, the same
 * as an absent one: the responder then applies its own policy entry's
 * lifetime, and an initiator accepts it in message 2 as the echo of its
 * offer.
 *
 * Refusals and their notifies (sent unencrypted, M-ID 0, as RFC 2409
 * section 5.7 allows before the keys are up; the SA then reports FAILED):
 *   no acceptable transform in message 1      NO-PROPOSAL-CHOSEN (14)
 *   message 2 not one of the offered ones      NO-PROPOSAL-CHOSEN (14)
 *   DOI other than 1 or 2                      DOI-NOT-SUPPORTED (2)
 *   SA syntax errors, missing payloads,
 *   a nonce outside 8..256 octets              PAYLOAD-MALFORMED (16)
 *   KE of the wrong length or invalid value
 *   (MODP y <= 1 or >= p-1, point not on the
 *   curve)                                     INVALID-KEY-INFORMATION (17)
 *   message 5/6 does not authenticate (PSK)    INVALID-HASH-INFORMATION (23)
 *   no pre-shared key for the peer             AUTHENTICATION-FAILED (24)
 * With RSA signatures, message 5/6 refusals are finer (RFC 2408 5.x):
 *   body not a payload chain, ID or SIG absent PAYLOAD-MALFORMED (16)
 *   no X.509 CERT payload (we keep no
 *   certificates of peers)                     AUTHENTICATION-FAILED (24)
 *   CERT of another encoding only              CERT-TYPE-UNSUPPORTED (21)
 *   certificate unparsable, not verifying
 *   against x_ca (unknown CA, expired, not yet
 *   valid, bad CA signature) or not RSA        INVALID-CERTIFICATE (20)
 *   ID does not match the certificate          INVALID-ID-INFORMATION (18)
 *   SIG does not verify with its key           INVALID-SIGNATURE (25)
 * RFC 2408 section 5.5 says a certificate that is not valid gets
 * INVALID-CERTIFICATE; AUTHENTICATION-FAILED is kept for the case where no
 * verifiable evidence was sent at all.
 * Message 5/6 uses INVALID-HASH-INFORMATION, per RFC 2408 section 5.11
 * (the HASH payload check): whether the decrypted body is not a valid
 * ID + HASH chain or HASH_I/HASH_R differs, the cause is the same (with a
 * pre-shared-key mismatch SKEYID_e differs, so the plaintext is random),
 * and one notify keeps the outcome deterministic.
 * Datagrams that cannot be parsed at all (short header, header length past
 * the datagram, ciphertext not a whole number of blocks, wrong exchange or
 * state) are dropped: the call returns an error, out is empty, the SA is
 * unchanged, so junk cannot kill a negotiation; the peer's retransmission
 * recovers a damaged datagram.  An unencrypted Informational carrying an
 * error notify ends a negotiation that is not established yet (FAILED with
 * that type); it is ignored on an established SA.
 *
 * Responder cookies and the half-open bound.  The R-cookie is
 * HMAC-SHA256(secret, peer address | port | I-cookie) truncated to 8
 * octets (gdoi_p1_cookie): a retransmitted message 1 maps to the same
 * R-cookie, and a later message whose R-cookie does not verify for its
 * source (gdoi_p1_cookie_ok) can be dropped before any table lookup.
 * A fully stateless responder until message 3 is not possible in Main
 * Mode: HASH_I and HASH_R cover SAi_b, which only message 1 carries, so
 * message 1 does create a small SA holding SAi_b and the chosen transform.
 * It costs no Diffie-Hellman: the key pair is generated on message 3.
 * Those SAs are bounded: ctx->x_halfopen_max responder SAs may be
 * half-open at once (counted in ctx->x_halfopen, maintained by this
 * module); past it gdoi_p1_respond() refuses without state or reply.  A
 * half-open responder SA fails when no progress arrives within the
 * retransmission span of the peer (gdoi_p1_tick).
 *
 * Encryption (messages 5 and 6, RFC 2409 appendix B): the IV of message 5
 * is hash(g^xi | g^xr) truncated to the block; each message continues the
 * chain from the previous message's last ciphertext block; the plaintext is
 * padded with zero octets to the block size and the header length counts
 * the padding.  The last block of message 6 is kept for the Phase 2 IV rule
 * (gdoi_p2_iv): every Informational and GROUPKEY-PULL exchange starts from
 * hash(that block | M-ID) and chains within its own exchange only.
 *
 * Retransmission: the initiator resends its last message at t+base,
 * t+base+2*base, ... (each interval doubled, capped at rt_cap_ms) until
 * rt_max resends have gone out, then fails one interval later.  A reply
 * restarts the schedule.  The responder never resends on its own: it
 * answers a datagram identical to the last one it processed with its
 * cached reply (event DUPLICATE), without touching any state.
 *
 * Ownership: the context, policy and PSK callback are the caller's and
 * must outlive every SA made with them.  So are x_key, x_cert and x_ca
 * (gdoi_p1_ctx_load_certs() fills them, gdoi_p1_ctx_free_certs() frees
 * them); this module only borrows them.  An SA is owned by the caller and
 * freed with gdoi_p1_sa_free(), which wipes its secrets.
 */
#ifndef GDOI_P1_H
#define GDOI_P1_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/types.h>

#include "gdoi/crypto.h"
#include "gdoi/payload.h"

/** One acceptable Phase 1 transform. */
struct gdoi_p1_policy {
	uint16_t pp_enc;     /**< IKE_ENC_AES_CBC or IKE_ENC_3DES_CBC */
	uint16_t pp_keylen;  /**< key bits: 128/192/256 for AES, 0 (or 192) for 3DES */
	uint16_t pp_hash;    /**< IKE_HASH_SHA1, _SHA256, _SHA384, _SHA512 */
	uint16_t pp_auth;    /**< IKE_AUTH_PSK or IKE_AUTH_RSA_SIG */
	uint16_t pp_group;   /**< 14, 15, 19, 20, 21 */
	uint32_t pp_life_s;  /**< lifetime in seconds; 0 means 28800 */
};

/** Upper bound on the policy list (bounds message 1). */
#define GDOI_P1_MAX_POLICY 32
/** Largest datagram this module builds. */
#define GDOI_P1_MSG_MAX 4096
/** Default lifetime (RFC 2407 4.5 suggests 8 hours for the ISAKMP SA). */
#define GDOI_P1_LIFE_DEFAULT 28800

/** The peer's transport address, opaque except for the lengths. */
struct gdoi_p1_peer {
	uint8_t pa_addr[16]; /**< IPv4 (4 octets) or IPv6 (16), network order */
	uint8_t pa_alen;     /**< 4 or 16 */
	uint16_t pa_port;    /**< host order */
};

/**
 * Pre-shared key lookup.  Copy the key for peer into psk (cap octets) and
 * set *len; return 0, or a negative gdoi_err when there is none.
 */
typedef int (*gdoi_p1_psk_fn)(void *arg, const struct gdoi_p1_peer *peer, uint8_t *psk,
    size_t cap, size_t *len);

/** A ready-made table for gdoi_p1_psk_table_lookup(). */
struct gdoi_p1_psk_entry {
	uint8_t pe_addr[16];  /**< peer address, network order */
	uint8_t pe_alen;      /**< 4 or 16; 0 = any peer (wildcard) */
	const uint8_t *pe_psk; /**< borrowed */
	size_t pe_psklen;
};
struct gdoi_p1_psk_table {
	const struct gdoi_p1_psk_entry *pt_e; /**< borrowed */
	size_t pt_n;
};
/**
 * gdoi_p1_psk_fn over a struct gdoi_p1_psk_table (arg): the first entry
 * with the peer's address, else the first wildcard entry.
 */
int gdoi_p1_psk_table_lookup(void *arg, const struct gdoi_p1_peer *peer, uint8_t *psk,
    size_t cap, size_t *len);

/** Longest pre-shared key accepted. */
#define GDOI_P1_PSK_MAX 256

/** Retransmission schedule (zeros select the defaults in brackets). */
struct gdoi_p1_rtx {
	uint32_t rt_base_ms;  /**< first interval [1000] */
	uint32_t rt_cap_ms;   /**< largest interval [32000] */
	uint32_t rt_max;      /**< resends before giving up [5] */
};

/**
 * Everything a role needs, owned by the caller, shared by its SAs.
 * x_halfopen is the only field this module writes.
 */
struct gdoi_p1_ctx {
	const struct gdoi_p1_policy *x_policy; /**< borrowed, x_npolicy entries */
	size_t x_npolicy;
	gdoi_p1_psk_fn x_psk;
	void *x_psk_arg;
	/** Our identity in messages 5/6: ID_IPV4_ADDR (the local address) by
	 *  default, or ID_FQDN / ID_USER_FQDN / ID_KEY_ID.  Data borrowed.
	 *  Type 0 (only with x_cert): ID_DER_ASN1_DN of x_cert's subject. */
	struct gdoi_id x_local_id;
	/** RSA signatures (needed when a policy entry uses them): our private
	 *  key, our certificate (sent in CERT) and the CAs we trust.  All
	 *  borrowed: the caller owns them. */
	EVP_PKEY *x_key;
	X509 *x_cert;
	X509_STORE *x_ca;
	uint32_t x_doi;        /**< DOI of the SA we propose: 1 or 2 [0 = 2] */
	uint8_t x_cookie_secret[32]; /**< responder cookie secret (random) */
	unsigned x_halfopen_max;     /**< bound on half-open responder SAs [0 = 256] */
	unsigned x_halfopen;         /**< current count (maintained here) */
	struct gdoi_p1_rtx x_rtx;
};

/**
 * Load our RSA private key and certificate (PEM files) and a trust store
 * from a PEM file of CA certificates into ctx->x_key, x_cert and x_ca.
 * Checks that the key is RSA and belongs to the certificate.  Returns 0,
 * or GDOI_E_INVAL with ctx untouched; when err is not NULL it gets a
 * message naming the file and the cause (errcap octets, NUL-terminated).
 * The caller owns the results: gdoi_p1_ctx_free_certs().
 */
int gdoi_p1_ctx_load_certs(struct gdoi_p1_ctx *ctx, const char *key_pem, const char *cert_pem,
    const char *ca_pem, char *err, size_t errcap);
/** Free and clear x_key, x_cert and x_ca. */
void gdoi_p1_ctx_free_certs(struct gdoi_p1_ctx *ctx);

/** The retransmission schedule of r (defaults filled in): interval k
 *  (0-based), resends before giving up, and the whole span. */
uint32_t gdoi_p1_rtx_interval(const struct gdoi_p1_rtx *r, uint32_t k);
uint32_t gdoi_p1_rtx_max(const struct gdoi_p1_rtx *r);
uint64_t gdoi_p1_rtx_span(const struct gdoi_p1_rtx *r);

/** States.  I1..I3: initiator waiting for message 2, 4, 6; R1, R2:
 *  responder waiting for message 3, 5. */
enum gdoi_p1_state {
	GDOI_P1_MM_I1 = 1,
	GDOI_P1_MM_I2,
	GDOI_P1_MM_I3,
	GDOI_P1_MM_R1,
	GDOI_P1_MM_R2,
	GDOI_P1_ESTABLISHED,
	GDOI_P1_FAILED,
	GDOI_P1_EXPIRED,
	GDOI_P1_DELETED,
};

/** Name of a state ("MM_I1", "ESTABLISHED", ...). */
const char *gdoi_p1_state_name(enum gdoi_p1_state st);

/* Events reported in gdoi_p1_out.o_events (a bit set). */
#define GDOI_P1_EV_ESTABLISHED 0x01 /**< the SA is up (keys available) */
#define GDOI_P1_EV_FAILED 0x02      /**< negotiation failed; o_notify says why
                                         (sent or received; 0 = timeout) */
#define GDOI_P1_EV_DUPLICATE 0x04   /**< a duplicate was answered with the cached reply */
#define GDOI_P1_EV_RETRANSMIT 0x08  /**< o_msg is a retransmission */
#define GDOI_P1_EV_EXPIRED 0x10     /**< lifetime over; delete the SA */
#define GDOI_P1_EV_NOTIFY 0x20      /**< an authenticated notify arrived (o_notify) */
#define GDOI_P1_EV_DELETED 0x40     /**< the peer deleted this Phase 1 SA */

/** What one call asks the caller to do. */
struct gdoi_p1_out {
	uint32_t o_events;              /**< GDOI_P1_EV_* */
	uint16_t o_notify;              /**< N_* for FAILED / NOTIFY, else 0 */
	size_t o_len;                   /**< 0: nothing to send */
	uint8_t o_msg[GDOI_P1_MSG_MAX]; /**< the datagram to send to the peer */
};

/** One Phase 1 SA (opaque). */
struct gdoi_p1_sa;

/**
 * Start Main Mode as initiator: a new SA in state MM_I1 and message 1 in
 * out.  ctx must hold 1..GDOI_P1_MAX_POLICY policy entries.
 * @param peer  copied; handed to the PSK callback
 * @param sap   set to the new SA (caller frees) on success, else NULL
 */
int gdoi_p1_initiate(struct gdoi_p1_ctx *ctx, const struct gdoi_p1_peer *peer,
    uint64_t now_ms, struct gdoi_p1_sa **sap, struct gdoi_p1_out *out);

/**
 * Answer a message 1 (R-cookie zero) as responder.  On success *sap is a
 * new SA in state MM_R1 and out holds message 2.  A refused proposal
 * returns a negative gdoi_err with *sap NULL and out holding the notify
 * (NO-PROPOSAL-CHOSEN, ...), its type in o_notify.  Past the half-open bound, GDOI_E_NOMEM with
 * nothing to send.  Anything that is not a message 1: an error, nothing
 * to send.  The caller must first look its SA table up by (peer, I-cookie)
 * and give a retransmitted message 1 to gdoi_p1_input() instead.
 */
int gdoi_p1_respond(struct gdoi_p1_ctx *ctx, const struct gdoi_p1_peer *peer,
    const uint8_t *msg, size_t len, uint64_t now_ms, struct gdoi_p1_sa **sap,
    struct gdoi_p1_out *out);

/**
 * Process a datagram for sa (the caller matched it by cookies).  Returns 0
 * when the message advanced the exchange or was answered as a duplicate,
 * else a negative gdoi_err.  In both cases out is what to do: a refusal
 * comes with its notify in o_msg and GDOI_P1_EV_FAILED; a datagram that is
 * simply dropped leaves out empty and the SA unchanged.  Main Mode
 * messages and Informational exchanges (encrypted once established) are
 * both accepted here.
 */
int gdoi_p1_input(struct gdoi_p1_sa *sa, const uint8_t *msg, size_t len, uint64_t now_ms,
    struct gdoi_p1_out *out);

/**
 * Timers: retransmission, give-up, half-open timeout and expiry.  Call at
 * (or after) gdoi_p1_next_deadline(); calling early is harmless.
 */
void gdoi_p1_tick(struct gdoi_p1_sa *sa, uint64_t now_ms, struct gdoi_p1_out *out);
/** When gdoi_p1_tick() has work next (UINT64_MAX: never). */
uint64_t gdoi_p1_next_deadline(const struct gdoi_p1_sa *sa);

/** Wipe and free; NULL is a no-op.  Releases a half-open slot. */
void gdoi_p1_sa_free(struct gdoi_p1_sa *sa);

/**
 * The responder cookie: the first 8 octets of
 * HMAC-SHA256(secret, address | port (network order) | I-cookie).
 * Never all zero (a zero result is replaced by 1).
 */
int gdoi_p1_cookie(const uint8_t secret[32], const struct gdoi_p1_peer *peer,
    const uint8_t icookie[ISAKMP_COOKIE_LEN], uint8_t rcookie[ISAKMP_COOKIE_LEN]);
/** 1 if rcookie is ours for (peer, icookie) under ctx's secret, else 0. */
int gdoi_p1_cookie_ok(const struct gdoi_p1_ctx *ctx, const struct gdoi_p1_peer *peer,
    const uint8_t icookie[ISAKMP_COOKIE_LEN], const uint8_t rcookie[ISAKMP_COOKIE_LEN]);

/* ------------------------------------------------------------------ */
/* Informational exchange under the Phase 1 SA (RFC 2409 section 5.7)  */

/**
 * Build HDR*, HASH(1), N or D with HASH(1) = prf(SKEYID_a, M-ID | N/D),
 * encrypted with the Phase 2 IV rule.  Needs an ESTABLISHED SA.
 * @param pl     one notify or delete payload (borrowed)
 * @param msgid  0 picks a random non-zero M-ID
 * @param out    o_msg / o_len filled, events untouched
 */
int gdoi_p1_info_build(struct gdoi_p1_sa *sa, const struct gdoi_payload *pl, uint32_t msgid,
    struct gdoi_p1_out *out);
/** A notify (proto ISAKMP, SPI = I-cookie | R-cookie) of type with data. */
int gdoi_p1_info_notify(struct gdoi_p1_sa *sa, uint16_t type, const uint8_t *data,
    size_t datalen, struct gdoi_p1_out *out);
/** A delete of this Phase 1 SA (proto ISAKMP, SPI = I-cookie | R-cookie). */
int gdoi_p1_info_delete(struct gdoi_p1_sa *sa, struct gdoi_p1_out *out);

/** A decrypted, verified Informational. */
struct gdoi_p1_info {
	uint32_t i_msgid;
	struct gdoi_payload *i_pl;  /**< the payloads after HASH(1) */
	size_t i_npl;
	uint8_t *i_plain;           /**< owns the plaintext the payloads borrow */
	size_t i_plainlen;
	struct gdoi_arena *i_arena;
};
/**
 * Decrypt and check an Informational for an ESTABLISHED sa.  On success
 * info holds the payloads until gdoi_p1_info_free().  A bad HASH(1) is
 * GDOI_E_INVAL.  The Phase 1 IV chain is not touched.
 */
int gdoi_p1_info_decode(const struct gdoi_p1_sa *sa, const uint8_t *msg, size_t len,
    struct gdoi_p1_info *info);
void gdoi_p1_info_free(struct gdoi_p1_info *info);

/* ------------------------------------------------------------------ */
/* Accessors (borrowed pointers, valid while sa lives)                  */

enum gdoi_p1_state gdoi_p1_state(const struct gdoi_p1_sa *sa);
int gdoi_p1_is_initiator(const struct gdoi_p1_sa *sa);
/** I-cookie and R-cookie (8 octets each). */
const uint8_t *gdoi_p1_icookie(const struct gdoi_p1_sa *sa);
const uint8_t *gdoi_p1_rcookie(const struct gdoi_p1_sa *sa);
/** The negotiated transform (lifetime: the one this side applies). */
const struct gdoi_p1_policy *gdoi_p1_transform(const struct gdoi_p1_sa *sa);
/** DOI of the SA payload (1 or 2). */
uint32_t gdoi_p1_doi(const struct gdoi_p1_sa *sa);
/** Keys (SKEYID, _d, _a, _e, cipher key); NULL until ESTABLISHED. */
const struct gdoi_p1keys *gdoi_p1_keys(const struct gdoi_p1_sa *sa);
/** IKE hash number (prf) and cipher of the SA. */
unsigned gdoi_p1_hash_alg(const struct gdoi_p1_sa *sa);
unsigned gdoi_p1_cipher(const struct gdoi_p1_sa *sa, size_t *keylen_bytes);
/** Last Phase 1 CBC block (message 6), *len = the block size; NULL until
 *  ESTABLISHED.  Input of gdoi_p2_iv(). */
const uint8_t *gdoi_p1_last_block(const struct gdoi_p1_sa *sa, size_t *len);
/** The Phase 2 IV for M-ID msgid (iv needs the block size). */
int gdoi_p1_p2_iv(const struct gdoi_p1_sa *sa, uint32_t msgid, uint8_t *iv, size_t cap);
/** The identity the peer sent in message 5/6 (NULL before). */
const struct gdoi_id *gdoi_p1_peer_id(const struct gdoi_p1_sa *sa);
const struct gdoi_p1_peer *gdoi_p1_peer(const struct gdoi_p1_sa *sa);
/** The peer's verified certificate (RSA signatures), else NULL. */
X509 *gdoi_p1_peer_cert(const struct gdoi_p1_sa *sa);
/** Expiry time (ms of the caller's clock), 0 until ESTABLISHED. */
uint64_t gdoi_p1_expiry(const struct gdoi_p1_sa *sa);
/** The retransmission schedule of the SA's context (zeros = defaults);
 *  GROUPKEY-PULL under this SA follows it too. */
const struct gdoi_p1_rtx *gdoi_p1_rtx(const struct gdoi_p1_sa *sa);

/**
 * The keylog line of an ESTABLISHED SA in the form Wireshark's "IKEv1
 * Decryption Table" reads: 16 hex digits of the I-cookie, a comma, the
 * cipher key in hex, a newline.  Returns the length written (without the
 * NUL) or a negative gdoi_err (not established, buffer too small).
 */
int gdoi_p1_keylog_line(const struct gdoi_p1_sa *sa, char *buf, size_t cap);

#endif
