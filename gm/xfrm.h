/*
 * XFRM (kernel IPsec) programming for the group member, over NETLINK_XFRM
 * with libmnl.
 *
 * Two halves:
 *  - pure builders: gdoi_xfrm_sa_add() & co. append one netlink request
 *    (with NLM_F_ACK) to a struct gdoi_xfrm_batch.  They touch no socket,
 *    so check_xfrm.c asserts the exact bytes.  Every write is bounded by
 *    the batch buffer; a request that does not fit is not committed and
 *    leaves a sticky GDOI_XFRM_E_NOSPC.
 *  - a socket: gdoi_xfrm_send() sends a whole batch in one sendmsg and
 *    reads one ACK per request, mapping each errno to a distinct result
 *    and logging the kernel's extended-ACK text (NETLINK_EXT_ACK).
 *
 * What is ours: SAs with our reqid (xc_reqid), policies whose priority
 * lies in our band [xc_prio_base, xc_prio_base + GDOI_XFRM_PRIO_SPAN)
 * (and whose template, if any, carries our reqid).  A mark is NOT the
 * ownership tag: a policy with XFRMA_MARK v/m only matches packets whose
 * skb mark satisfies (mark & m) == v, so tagging ours that way would
 * leave all unmarked traffic unprotected.  An operator may still
 * configure a mark (xc_mask != 0): then every object carries it and only
 * traffic so marked is covered.  The kernel's XFRM_MSG_FLUSHSA/
 * FLUSHPOLICY cannot select by reqid or priority, so gdoi_xfrm_flush() is
 * dump + delete of ours.
 *
 * Choices (group SAs, RFC 6407 / DESIGN.md):
 *  - SA: ESP, tunnel mode, replay window 0 (many senders share the SA),
 *    reqid cfg.xc_reqid, hard time limit = remaining TEK lifetime (whole
 *    seconds, rounded down), soft = 90% of it (at least 1 s), soft packet
 *    limit 3864526848 (0.9 * 4293918720), hard 4293918720, bytes unlimited.
 *    AES-CBC: "cbc(aes)" + "hmac(sha1)"/96 or "hmac(sha256)"/128
 *    (XFRMA_ALG_AUTH_TRUNC).  AES-GCM-16: "rfc4106(gcm(aes))", ICV 128,
 *    key = AES key || 4-octet salt (key length in bits includes the salt).
 *  - policy: one per ACE and direction, priority cfg.xc_prio_base + order
 *    (the ACE's index in the ACL: earlier = lower number = wins).  permit:
 *    XFRM_POLICY_ALLOW with one ESP tunnel template (reqid); deny:
 *    XFRM_POLICY_ALLOW with no template (bypass).
 *
 * Events: gdoi_xfrm_ev_open() subscribes to XFRMNLGRP_EXPIRE and
 * XFRMNLGRP_ACQUIRE on a second socket; gdoi_xfrm_ev_read() parses what
 * arrived (ENOBUFS = events lost: the caller resynchronises).
 */
#ifndef GDOI_GM_XFRM_H
#define GDOI_GM_XFRM_H

#include <stddef.h>
#include <stdint.h>

#include "gdoi/policy.h"

/** Results: 0 or one of these (negative). */
enum gdoi_xfrm_res {
	GDOI_XFRM_OK = 0,
	GDOI_XFRM_E_EXIST = -1,   /**< EEXIST: SA/policy already there */
	GDOI_XFRM_E_SRCH = -2,    /**< ESRCH: no such SA (DELSA) */
	GDOI_XFRM_E_NOENT = -3,   /**< ENOENT: no such policy (DELPOLICY) */
	GDOI_XFRM_E_NOPROTO = -4, /**< EPROTONOSUPPORT: "Requested type not found" (no ESP in the kernel) */
	GDOI_XFRM_E_NOALG = -5,   /**< ENOSYS: "Requested ... algorithm not found" */
	GDOI_XFRM_E_INVAL = -6,   /**< bad argument (ours) or EINVAL (kernel) */
	GDOI_XFRM_E_NOSPC = -7,   /**< batch buffer / request slots full */
	GDOI_XFRM_E_KERNEL = -8,  /**< any other errno from the kernel */
	GDOI_XFRM_E_SYS = -9,     /**< socket error, timeout, short or bad reply */
	GDOI_XFRM_E_PERM = -10,   /**< EPERM: no CAP_NET_ADMIN */
};
const char *gdoi_xfrm_strerror(int res);
/** Map a positive errno from an NLMSG_ERROR to a result. */
int gdoi_xfrm_errno_res(int err);

/** What marks and numbers our objects. */
struct gdoi_xfrm_cfg {
	uint32_t xc_mark;       /**< XFRMA_MARK value (only with xc_mask) */
	uint32_t xc_mask;       /**< XFRMA_MARK mask; 0 = no mark (the default) */
	uint32_t xc_reqid;      /**< SA reqid = template reqid */
	uint32_t xc_prio_base;  /**< policy priority of ACE 0 */
	/* Scoping to the WAN side (both 0: policies apply everywhere):
	 * out policies match only packets leaving through xc_out_ifindex
	 * (selector ifindex); in and fwd policies carry the mark bit(s)
	 * xc_in_mark (value and mask, on top of xc_mark/xc_mask), which the
	 * GM's nftables table sets on packets arriving from the WAN. */
	uint32_t xc_out_ifindex;
	uint32_t xc_in_mark;
};

/** An address (network order), v4 in the first 4 octets. */
struct gdoi_xfrm_addr {
	uint8_t xa_af;          /**< 4 or 6 */
	uint8_t xa_addr[16];
};

#define GDOI_XFRM_PRIO_SPAN 65536u /**< priorities of one GM: base .. base+span-1 */
#define GDOI_XFRM_BUF 65536     /**< batch buffer octets */
#define GDOI_XFRM_BATCH_MAX 256 /**< requests per batch */

/** Directions (values of XFRM_POLICY_IN/OUT/FWD). */
#define GDOI_XFRM_DIR_IN 0
#define GDOI_XFRM_DIR_OUT 1
#define GDOI_XFRM_DIR_FWD 2

/** One batch of requests.  Holds key material: free with _batch_free. */
struct gdoi_xfrm_batch {
	struct gdoi_xfrm_cfg xb_cfg;
	struct mnl_nlmsg_batch *xb_b;
	uint32_t xb_seq;                        /**< seq of the next request */
	size_t xb_n;                            /**< requests */
	uint32_t xb_reqseq[GDOI_XFRM_BATCH_MAX];
	uint16_t xb_reqtype[GDOI_XFRM_BATCH_MAX];
	int xb_res[GDOI_XFRM_BATCH_MAX];        /**< per request, after send */
	char xb_msg[160];                        /**< ext-ACK text of the first error */
	int xb_err;                             /**< sticky builder error */
	uint8_t *xb_buf;                        /**< GDOI_XFRM_BUF octets (owned) */
};

/** New empty batch; seq numbers start at seq0 (send renumbers). NULL on ENOMEM. */
struct gdoi_xfrm_batch *gdoi_xfrm_batch_new(const struct gdoi_xfrm_cfg *cfg, uint32_t seq0);
/** Wipe (keys) and free.  NULL is a no-op. */
void gdoi_xfrm_batch_free(struct gdoi_xfrm_batch *b);
/** Empty the batch (wiped) for reuse. */
void gdoi_xfrm_batch_reset(struct gdoi_xfrm_batch *b);
/** The requests built so far (borrowed) and their total length. */
const void *gdoi_xfrm_batch_data(const struct gdoi_xfrm_batch *b, size_t *len);

/**
 * XFRM_MSG_NEWSA for tek: ESP tunnel src -> dst, SPI tek_spi, keys from
 * tek_enc/tek_int per tek_x, limits from tek_expiry_ms - now_ms.
 * GDOI_XFRM_E_INVAL for an unsupported transform, an expired TEK, or
 * mixed address families.
 */
int gdoi_xfrm_sa_add(struct gdoi_xfrm_batch *b, const struct gdoi_tek *tek,
    const struct gdoi_xfrm_addr *src, const struct gdoi_xfrm_addr *dst, uint64_t now_ms);
/** XFRM_MSG_DELSA of (dst, spi, ESP) with our mark. */
int gdoi_xfrm_sa_del(struct gdoi_xfrm_batch *b, const struct gdoi_xfrm_addr *dst, uint32_t spi);

/**
 * XFRM_MSG_NEWPOLICY for one ACE: selector from ace (src/dst swapped, and
 * the ports, when mirror is 1, for inbound policies of a symmetric ACL),
 * direction dir, priority xc_prio_base + order.  A permit ACE gets an ESP
 * tunnel template tsrc -> tdst with reqid xc_reqid (tsrc/tdst may be NULL
 * for "any"); a deny ACE gets none.
 */
int gdoi_xfrm_pol_add(struct gdoi_xfrm_batch *b, const struct gdoi_ace *ace, int mirror,
    int dir, unsigned order, const struct gdoi_xfrm_addr *tsrc, const struct gdoi_xfrm_addr *tdst);
/** XFRM_MSG_DELPOLICY by the same selector and direction, with our mark. */
int gdoi_xfrm_pol_del(struct gdoi_xfrm_batch *b, const struct gdoi_ace *ace, int mirror, int dir);
/** XFRM_MSG_DELPOLICY by kernel index and direction, with our mark. */
int gdoi_xfrm_pol_del_index(struct gdoi_xfrm_batch *b, uint32_t index, int dir);

/** A policy as read back by the dump. */
struct gdoi_xfrm_pol {
	struct gdoi_ace xp_sel;   /**< ace_permit = has an ESP template */
	uint8_t xp_dir;
	uint8_t xp_action;        /**< XFRM_POLICY_ALLOW / _BLOCK */
	uint32_t xp_priority;
	uint32_t xp_index;
	uint8_t xp_has_mark;
	uint32_t xp_mark, xp_mask;
	uint8_t xp_ntmpl;
	uint32_t xp_reqid;        /**< of the first template */
	uint8_t xp_tmpl_mode;     /**< XFRM_MODE_* of the first template */
	uint8_t xp_tmpl_proto;    /**< IPPROTO_ESP ... */
};

/** Is p one of ours (priority band, template reqid, mark)? */
int gdoi_xfrm_pol_ours(const struct gdoi_xfrm_cfg *c, const struct gdoi_xfrm_pol *p);

/** The socket. */
struct gdoi_xfrm {
	struct mnl_socket *x_nl;
	uint32_t x_portid;
	uint32_t x_seq;
	struct gdoi_xfrm_cfg x_cfg;
	uint8_t *x_rbuf;          /**< receive buffer, GDOI_XFRM_BUF octets */
};

/** Open a NETLINK_XFRM socket (EXT_ACK and CAP_ACK on, 2 s receive timeout). */
struct gdoi_xfrm *gdoi_xfrm_open(const struct gdoi_xfrm_cfg *cfg);
void gdoi_xfrm_close(struct gdoi_xfrm *x);

/**
 * Send b in one message and read every ACK: b->xb_res[i] gets each
 * request's result, b->xb_msg the extended ACK text of the first failure.
 * Returns 0 if all succeeded, else the first failure's result.
 */
int gdoi_xfrm_send(struct gdoi_xfrm *x, struct gdoi_xfrm_batch *b);

#define GDOI_XFRM_DUMP_OURS 0  /**< only policies whose mark/mask equal ours */
#define GDOI_XFRM_DUMP_ALL 1
/**
 * XFRM_MSG_GETPOLICY dump into out[0..cap), sorted by (direction,
 * priority, index).  *n is the number found (may exceed cap: then
 * GDOI_XFRM_E_NOSPC with the first cap stored).
 */
int gdoi_xfrm_pol_dump(struct gdoi_xfrm *x, int which, struct gdoi_xfrm_pol *out, size_t cap,
    size_t *n);

/** Delete every policy and SA of ours.  *ndel: objects removed (may be NULL). */
int gdoi_xfrm_flush(struct gdoi_xfrm *x, size_t *ndel);

/** Kernel events about our SAs. */
enum gdoi_xfrm_ev_type {
	GDOI_XFRM_EV_SOFT = 1,  /**< soft limit reached (time or packets) */
	GDOI_XFRM_EV_HARD = 2,  /**< hard limit: the kernel deleted the SA */
	GDOI_XFRM_EV_ACQUIRE = 3,
	GDOI_XFRM_EV_LOST = 4,  /**< ENOBUFS: events were dropped; resync */
};
struct gdoi_xfrm_ev {
	uint8_t ev_type;
	uint32_t ev_spi;        /**< host order (SOFT/HARD) */
	uint32_t ev_reqid;
	struct gdoi_xfrm_addr ev_dst;
	uint64_t ev_packets;    /**< packets counted on the SA (SOFT/HARD) */
};
/** Event socket (XFRMNLGRP_EXPIRE + ACQUIRE), non-blocking.  NULL on failure. */
struct gdoi_xfrm *gdoi_xfrm_ev_open(const struct gdoi_xfrm_cfg *cfg);
/** The socket's fd, for the event loop. */
int gdoi_xfrm_fd(const struct gdoi_xfrm *x);
/**
 * Read what is pending (non-blocking) into ev[0..cap); only events for
 * our reqid are kept.  Returns the number stored, 0 when nothing is
 * pending, or a negative result on a socket error.  On ENOBUFS a
 * GDOI_XFRM_EV_LOST event is stored and the receive buffer is doubled
 * (up to 4 MiB).
 */
int gdoi_xfrm_ev_read(struct gdoi_xfrm *x, struct gdoi_xfrm_ev *ev, size_t cap);
/**
 * Parse one netlink message (XFRM_MSG_EXPIRE / _ACQUIRE) into ev; 1 if it
 * is an event of ours, 0 if not ours or not an event, -1 malformed.
 */
int gdoi_xfrm_ev_parse(const struct gdoi_xfrm_cfg *cfg, const void *msg, size_t len,
    struct gdoi_xfrm_ev *ev);

/**
 * Test hook (message loss): when set to N > 0, gdoi_xfrm_send() drops
 * the ACK-wait for the Nth next batch and reports GDOI_XFRM_E_SYS as if
 * the reply was lost (the batch itself is sent).  Counted down per send.
 */
extern unsigned gdoi_xfrm_test_lose;

#endif
