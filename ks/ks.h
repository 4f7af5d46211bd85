/*
 * gdoi-ks internals.  One struct ks per process: the configuration, the
 * Phase 1 context, the groups with their policy (KEK, TEKs, ACL) and
 * member registry, the Phase 1 SAs with their GROUPKEY-PULL exchanges,
 * the sockets and the timer.
 */
#ifndef GDOI_KS_H
#define GDOI_KS_H

#include <stdint.h>
#include <time.h>

#include <openssl/types.h>

#include "gdoi/config.h"
#include "gdoi/daemon.h"
#include "gdoi/event.h"
#include "gdoi/keylog.h"
#include "gdoi/log.h"
#include "gdoi/pull.h"
#include "gdoi/tree.h"

/* ks.c */

#define KS_TX_SEQ_MAX 11 /* a rekey and up to 10 retransmissions */

struct ks_member {
	uint8_t m_af;
	uint8_t m_addr[16];
	char *m_ident;            /* Phase 1 identity as text (owned, right-sized) */
	time_t m_first;           /* wall clock of the first registration */
	time_t m_last;            /* ... and of the latest */
	unsigned m_regs;          /* registrations completed */
	unsigned m_sids;          /* sender IDs granted at the latest */
	/* rekeys (ks_rekey.c), counted as IOS "show crypto gdoi ks members" */
	unsigned m_rekeys_sent;   /* rekeys addressed to it (first sends) */
	unsigned m_rekey_retries; /* retransmissions addressed to it */
	unsigned m_acks_rcvd, m_acks_missed;
	unsigned m_missed_run;    /* consecutive rekeys left unacknowledged */
	uint32_t m_last_ack_seq;
	uint8_t m_ejected;        /* removed: no more rekeys until it registers */
	uint8_t m_in_tx;          /* a target of the rekey in flight */
	uint8_t m_tx_acked;       /* ... and it acknowledged it */
	struct ks_member *m_next;
	struct ks_member *m_hnext; /* chain of its g_mhash bucket */
};

struct ks_group {
	char g_name[GDOI_CONF_NAME_MAX];
	const struct gdoi_conf_group *g_conf; /* into ks.k_conf */
	struct gdoi_gpolicy g_pol;  /* KS clock expiries */
	EVP_PKEY *g_sigkey;         /* rekey signing key */
	char *g_keypath;
	char *g_seqpath;            /* SEQ high-water mark file (ks_rekey.c) */
	uint32_t g_seq;
	uint32_t g_sid_next;        /* next sender ID to hand out */
	struct ks_member *g_members;
	struct ks_member *g_mtail;      /* last of g_members (registration order) */
	struct ks_member **g_mhash;     /* by address: g_mhash_n buckets (power of 2) */
	size_t g_mhash_n;
	size_t g_nmembers;
	size_t g_nremoved;              /* of them, m_ejected (ks_group_active in O(1)) */
	size_t g_tx_pending;            /* targets of the rekey in flight not yet ACKed */
	unsigned g_regs_ok, g_regs_refused;
	/* rekeys (ks_rekey.c) */
	uint64_t g_kek_created_ms;
	struct gdoi_gpolicy g_tx_pol;  /* what the rekey in flight announces */
	struct gdoi_kek g_tx_kek;      /* ... under this KEK (key fields only) */
	uint8_t g_tx_active;
	uint32_t g_tx_sent;            /* sends of it so far (1 + retransmits) */
	uint64_t g_tx_next_ms;         /* next retransmission */
	uint32_t g_tx_seq[KS_TX_SEQ_MAX]; /* SEQs of the latest rekey and its retransmits */
	uint16_t g_tx_ack;             /* KEK_ACK_REQUESTED of it, 0 = none */
	uint8_t g_tx_final;            /* all sent; waiting for the last ACKs */
	unsigned g_rekeys_sent, g_retx_sent;
	unsigned g_tek_rekeys, g_kek_rekeys, g_policy_rekeys;
	unsigned g_acks_rcvd, g_acks_bad, g_ejected;
	unsigned g_last_retx;          /* retransmissions of the latest rekey */
	uint64_t g_last_rekey_ms;
	uint64_t g_last_rekey_dur_ms;  /* first send to the end of the latest rekey */
	uint64_t g_tx_start_ms;
	/* a configuration change to announce (SIGHUP): TEKs made for the new
	 * policy (pending), a KEK to replace (kek) */
	uint8_t g_policy_pending, g_policy_kek;
	uint8_t g_force_pending;       /* crypto gdoi ks rekey: replace every TEK now */
	/* SEQ high-water mark: every SEQ sent is <= it, and it is on disk
	 * before a SEQ above the previous one goes out */
	uint32_t g_seq_hw;
};

struct ks_pull {
	struct gdoi_pull *x_pull;
	struct ks_pull *x_next;
};

/*
 * A Phase 1 SA and its exchanges.  Found by a hash of the initiator cookie
 * (k_sahash), timed by a binary min-heap of the SAs' next deadlines
 * (k_heap): an event touches only its own SA, never a walk of all of them.
 */
struct ks_sa {
	struct gdoi_p1_sa *s_p1;
	struct gdoi_p1_peer s_peer;
	int s_fd;                   /* the socket it arrived on */
	struct ks_pull *s_pulls;
	struct ks_sa *s_next, *s_prev; /* k_sas */
	struct ks_sa *s_hnext;      /* chain of its k_sahash bucket */
	uint64_t s_due;             /* earliest deadline of the SA and its exchanges */
	size_t s_heap;              /* index in k_heap, KS_NO_HEAP when not there */
};

#define KS_NO_HEAP ((size_t)-1)

struct ks {
	struct gdoi_daemon_opts k_opts;
	struct gdoi_conf *k_conf;
	struct gdoi_p1_ctx k_p1;
	uint8_t k_local_id[16];     /* our address as Phase 1 identity */
	struct ks_group *k_groups;
	size_t k_ngroups;
	struct ks_sa *k_sas;
	size_t k_nsas;
	struct ks_sa **k_sahash;       /* by initiator cookie: k_sahash_n buckets (power of 2) */
	size_t k_sahash_n;
	struct ks_sa **k_heap;         /* min-heap on s_due of the SAs with a deadline */
	size_t k_heap_n, k_heap_cap;
	struct gdoi_rt k_rt;           /* loop, sockets, timer, control, keylog */
	struct gdoi_ratelimit k_rl_bad;
	struct gdoi_ratelimit k_rl_ack;   /* KS_GM_ACK_MISSED */
	time_t k_started;
	/* counters */
	uint64_t k_rx, k_rx_bad, k_tx, k_p1_ok, k_p1_fail;
};

int ks_init(struct ks *k, const struct gdoi_daemon_opts *o);
void ks_free(struct ks *k);
int ks_reload(struct ks *k);
/* the key server's (group member's) own checks of a loaded configuration */
int ks_check_conf(const struct gdoi_conf *c, char *err, size_t cap);
/* the member at (af, addr), or NULL: O(1), by a hash of the address */
struct ks_member *ks_member_find(const struct ks_group *g, uint8_t af, const uint8_t *addr);
uint64_t ks_now(const struct ks *k);

int ks_new_kek(struct ks *k, struct ks_group *g, uint64_t now);
int ks_new_tek(struct ks_group *g, struct gdoi_tek *t, uint64_t now);

/* ks_rekey.c */
size_t ks_group_active(const struct ks_group *g);
int ks_seq_load(struct ks *k, struct ks_group *g);
void ks_rekey_ack_input(struct ks *k, const struct gdoi_p1_peer *peer, const uint8_t *msg,
    size_t len);
uint64_t ks_rekey_deadline(struct ks *k);
int ks_rekey_force(struct ks *k, struct ks_group *g);
void ks_rekey_tick(struct ks *k, uint64_t now);
void ks_rekey_clear(struct ks_group *g);
uint64_t ks_tek_rekey_at(const struct ks_group *g, const struct gdoi_tek *tk);
uint64_t ks_group_rekey_at(const struct ks *k, const struct ks_group *g, uint64_t *kek_at);

/* ks_show.c */
int ks_ctl(void *arg, uint8_t type, const char *cmd, struct gdoi_tree *t, char *err,
    size_t errcap);

#endif
