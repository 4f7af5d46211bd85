/*
 * GROUPKEY-PULL (RFC 6407 section 3): registration of a group member,
 * protected by an established Phase 1 SA.
 *
 *   GM (initiator)                              KS (responder)
 *   gdoi_pull_initiate  -> 1 HDR*, HASH(1), Ni, ID(group)
 *                          gdoi_pull_respond: ops.lookup() authorizes
 *                       <- 2 HDR*, HASH(2), Nr, SA(KEK, TEKs)
 *   gdoi_pull_input     -> 3 HDR*, HASH(3) [, GAP(SENDER_ID_REQUEST)]
 *                          gdoi_pull_input: ops.sid_alloc() if asked
 *                       <- 4 HDR*, HASH(4), SEQ, KD
 *   gdoi_pull_input: DONE, policy via gdoi_pull_policy()
 *
 * Hashes (PROTOCOL-NOTES 1.3; prf = HMAC with the Phase 1 hash, key
 * SKEYID_a; M-ID = the 4 header octets; Ni_b / Nr_b = nonce bodies; "..."
 * = every payload after the HASH payload, generic headers included, CBC
 * padding excluded):
 *   HASH(1) = prf(SKEYID_a, M-ID | Ni | ID)            (Ni payload whole)
 *   HASH(2) = prf(SKEYID_a, M-ID | Ni_b | Nr | SA)
 *   HASH(3) = prf(SKEYID_a, M-ID | Ni_b | Nr_b [| GAP])
 *   HASH(4) = prf(SKEYID_a, M-ID | Ni_b | Nr_b | SEQ | KD)
 * HASH must be the first payload.  Encryption with the Phase 1 cipher key;
 * the IV of message 1 is gdoi_p1_p2_iv(M-ID), later messages chain from the
 * previous message's last ciphertext block in this exchange (both sides
 * track it).  Plaintext padded with zero octets, header length counts the
 * padding.  M-ID random and non-zero, chosen by the GM.  Nonces 16 octets
 * of RAND_bytes; a received nonce must be 8..256 octets.
 *
 * Authorization.  gdoi_pull_respond() calls ops.lookup() with the Phase 1
 * SA (peer identity, certificate) and the group number from ID.  A refusal
 * (lookup returns an N_* code > 0) sends an encrypted Informational notify
 * of that type under the Phase 1 SA (gdoi_p1_info_notify) with the group
 * ID payload's data as notification data, and reports FAILED with o_notify.
 * A group ID that is not a 4-octet ID_KEY_ID: INVALID-ID-INFORMATION too.
 * A bad HASH(n) is answered with INVALID-HASH-INFORMATION (23) by the KS
 * and dropped silently by the GM (it keeps waiting: a forged datagram must
 * not end a registration).
 *
 * Retransmission: the GM resends its last message (1 or 3) on the
 * struct gdoi_p1_rtx schedule of the Phase 1 context and fails with
 * o_notify 0 after the last one.  The KS never resends on its own; a
 * datagram identical to the one it last processed is answered with its
 * cached reply (EV_DUPLICATE).  After DONE the KS exchange answers a
 * retransmitted message 3 with message 4 until gdoi_pull_next_deadline(),
 * GDOI_PULL_LINGER_MS after completion, when tick() reports EV_EXPIRED.
 *
 * Ownership: an exchange borrows its Phase 1 SA, which must outlive it;
 * the caller owns the exchange (gdoi_pull_free wipes it).
 */
#ifndef GDOI_PULL_H
#define GDOI_PULL_H

#include <stddef.h>
#include <stdint.h>

#include "gdoi/p1.h"
#include "gdoi/policy.h"

#define GDOI_PULL_MSG_MAX 8192
#define GDOI_PULL_LINGER_MS 30000

#define GDOI_PULL_EV_DONE 0x01       /**< GM: policy ready; KS: message 4 sent */
#define GDOI_PULL_EV_FAILED 0x02     /**< refused (o_notify sent or received) or timed out (0) */
#define GDOI_PULL_EV_DUPLICATE 0x04  /**< a duplicate was answered from the cache */
#define GDOI_PULL_EV_RETRANSMIT 0x08 /**< o_msg is a retransmission (GM) */
#define GDOI_PULL_EV_EXPIRED 0x10    /**< KS: linger over, free the exchange */

struct gdoi_pull_out {
	uint32_t o_events;
	uint16_t o_notify;               /**< N_* with FAILED, else 0 */
	size_t o_len;                    /**< 0: nothing to send */
	uint8_t o_msg[GDOI_PULL_MSG_MAX];
};

/** KS callbacks. */
struct gdoi_pull_ks_ops {
	/**
	 * Authorize the Phase 1 peer for group and give its policy.  Return 0
	 * and set *pol (borrowed; must stay valid until message 4 is built;
	 * the exchange copies what it needs), or an N_* code > 0 to refuse
	 * (INVALID-ID-INFORMATION for an unknown group or an identity not
	 * allowed in it).
	 */
	int (*lookup)(void *arg, const struct gdoi_p1_sa *p1, uint32_t group,
	    const struct gdoi_gpolicy **pol);
	/**
	 * Sender IDs for a GM that asked (GAP SENDER_ID_REQUEST = n): fill up
	 * to cap grants (one per counter-mode TEK), return how many, or an
	 * N_* code negated on exhaustion.  NULL: requests are ignored.
	 */
	int (*sid_alloc)(void *arg, const struct gdoi_p1_sa *p1, uint32_t group, unsigned n,
	    struct gdoi_sid_grant *g, size_t cap);
	/** SEQ to put in message 4 (the group's current push counter). */
	uint32_t (*seq)(void *arg, uint32_t group);
	void *arg;
};

/** GM parameters. */
struct gdoi_pull_gm_cfg {
	uint32_t gc_group;          /**< identity number, sent as 4-octet ID_KEY_ID */
	unsigned gc_sid_request;    /**< SENDER_ID_REQUEST value (0 = never ask);
	                                 sent only when message 2 has a counter-mode TEK */
};

struct gdoi_pull;

/** GM: start; *exp is the new exchange, out holds message 1. */
int gdoi_pull_initiate(struct gdoi_p1_sa *p1, const struct gdoi_pull_gm_cfg *cfg,
    uint64_t now_ms, struct gdoi_pull **exp, struct gdoi_pull_out *out);

/**
 * KS: a GROUPKEY-PULL datagram whose M-ID matches no exchange of p1.  On
 * success *exp is the new exchange and out holds message 2; on refusal out
 * holds the notify, events FAILED, *exp NULL and the return is negative.
 * A datagram that does not decrypt or verify: an error, nothing to send
 * except the INVALID-HASH-INFORMATION notify when the hash was wrong.
 */
int gdoi_pull_respond(struct gdoi_p1_sa *p1, const struct gdoi_pull_ks_ops *ops,
    const uint8_t *msg, size_t len, uint64_t now_ms, struct gdoi_pull **exp,
    struct gdoi_pull_out *out);

/** Either role: the next datagram of this exchange (same cookies and M-ID). */
int gdoi_pull_input(struct gdoi_pull *ex, const uint8_t *msg, size_t len, uint64_t now_ms,
    struct gdoi_pull_out *out);

/** Retransmission (GM) and linger (KS) timers. */
void gdoi_pull_tick(struct gdoi_pull *ex, uint64_t now_ms, struct gdoi_pull_out *out);
uint64_t gdoi_pull_next_deadline(const struct gdoi_pull *ex);

/** GM: the peer refused us (a notify arrived under the Phase 1 SA):
 *  mark the exchange FAILED with that notify; nothing to send. */
void gdoi_pull_abort(struct gdoi_pull *ex, uint16_t notify, struct gdoi_pull_out *out);

uint32_t gdoi_pull_msgid(const struct gdoi_pull *ex);
uint32_t gdoi_pull_group(const struct gdoi_pull *ex);
struct gdoi_p1_sa *gdoi_pull_p1(const struct gdoi_pull *ex);
int gdoi_pull_done(const struct gdoi_pull *ex);
/** GM after DONE: the policy received (borrowed; move it out with
 *  gdoi_gpolicy_copy + the exchange's free). */
const struct gdoi_gpolicy *gdoi_pull_policy(const struct gdoi_pull *ex);
/** KS after DONE: the sender IDs granted (may be none), until gdoi_pull_compact. */
size_t gdoi_pull_sids(const struct gdoi_pull *ex, const struct gdoi_sid_grant **g);
/**
 * KS after DONE, once the sender IDs were read: free (wiped) everything
 * but what answers a retransmitted message 3 while the exchange lingers.
 * No-op otherwise (a GM keeps its policy until gdoi_pull_free).
 */
void gdoi_pull_compact(struct gdoi_pull *ex);

void gdoi_pull_free(struct gdoi_pull *ex);

#endif
