/*
 * gdoi-loadgen internals: many simulated group members in one process,
 * one event loop (shared/event.c).  Each member has its own UDP socket
 * bound to (its address, the KS port) with IP_FREEBIND, its own Phase 1
 * (Main Mode, initiator) and GROUPKEY-PULL, then takes rekeys
 * (GROUPKEY-PUSH: decrypt, signature, SEQ) and acknowledges them
 * (RFC 8263) when the KS asks.  No XFRM, no re-registration.
 *
 * loadgen.c        options, configuration, loop, pacing, stop rules
 * loadgen_gm.c     one member: registration, datagrams, rekeys, ACKs
 * loadgen_stats.c  counters, failure reasons, SEQ table, summary
 */
#ifndef GDOI_LOADGEN_H
#define GDOI_LOADGEN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "gdoi/config.h"
#include "gdoi/daemon.h"
#include "gdoi/event.h"
#include "gdoi/p1.h"
#include "gdoi/policy.h"
#include "gdoi/pull.h"

/* loadgen_gm.c */

enum lg_state {
	LG_IDLE = 0,    /* not started */
	LG_P1,          /* Main Mode */
	LG_PULL,        /* GROUPKEY-PULL */
	LG_DONE,        /* registered: takes rekeys */
	LG_FAILED,      /* counted under a reason; never retried */
};

struct lg;

struct lg_gm {
	struct lg *gm_lg;
	uint32_t gm_idx;
	uint8_t gm_addr[4];          /* source address, network order */
	int gm_fd;
	struct gdoi_ev_io *gm_io;
	enum lg_state gm_state;
	uint32_t gm_slot;            /* index in lg.l_inprog while registering */
	/* Phase 1 context: the process's, with our address as identity
	 * (the SA borrows it, so it lives here) */
	struct gdoi_p1_ctx gm_ctx;
	struct gdoi_p1_sa *gm_p1;
	struct gdoi_pull *gm_pull;
	uint64_t gm_start_us;        /* real clock, for the statistics */
	uint64_t gm_deadline_ms;     /* registration timeout (protocol clock) */
	/* rekey state: the KEK held and the one a KEK rekey replaced (its
	 * retransmissions still come under it) */
	uint8_t gm_has_kek, gm_has_prev, gm_has_seq;
	uint32_t gm_seq;
	struct gdoi_kek gm_kek, gm_prev;
	uint32_t gm_rekeys, gm_rejected, gm_acks;
};

/* Start gm's registration (LG_IDLE -> LG_P1, or LG_FAILED). */
void lg_gm_start(struct lg *l, struct lg_gm *gm);
/* Retransmissions and the registration timeout of a registering gm. */
void lg_gm_tick(struct lg *l, struct lg_gm *gm, uint64_t now);
/* A datagram on gm's socket. */
void lg_gm_input(struct lg *l, struct lg_gm *gm, const struct gdoi_p1_peer *peer,
    const uint8_t *msg, size_t len);
/* A GROUPKEY-PUSH for gm (its socket, or the multicast socket). */
void lg_gm_push(struct lg *l, struct lg_gm *gm, const struct gdoi_p1_peer *peer,
    const uint8_t *msg, size_t len);
/* The end of a registration still under way (stop): failed as reason. */
void lg_gm_abandon(struct lg *l, struct lg_gm *gm, const char *reason);
/* Wipe and free gm's keys and exchanges (not its socket). */
void lg_gm_clear(struct lg_gm *gm);
/* gm's bound UDP socket (IP_FREEBIND): fd or -errno. */
int lg_gm_socket(const uint8_t *addr, uint16_t port);

/* loadgen_stats.c */

#define LG_REASON_MAX 32
#define LG_REASON_LEN 24
#define LG_SEQ_SLOTS 1024

struct lg_reason {
	char r_name[LG_REASON_LEN];
	uint32_t r_n;
};

struct lg_seq {
	uint32_t sq_seq;
	uint8_t sq_used;
	uint64_t sq_first_us, sq_last_us;
};

struct lg_stats {
	uint32_t st_registered, st_failed;
	struct lg_reason st_reason[LG_REASON_MAX];
	size_t st_nreason;
	double *st_lat_ms;           /* per registered GM, st_registered entries */
	uint64_t st_first_start_us, st_last_done_us;
	uint64_t st_rekeys, st_rejected, st_acks, st_acks_dropped, st_ack_asked;
	uint64_t st_rekey_msgs;      /* distinct SEQs */
	struct lg_seq st_seq[LG_SEQ_SLOTS];
	uint8_t st_has_last;
	uint32_t st_last_seq;        /* highest SEQ seen */
	uint64_t st_max_spread_us;   /* max over SEQs of last - first */
	uint32_t st_at_k;            /* GMs with --exit-after-rekeys rekeys */
};

int lg_stats_init(struct lg_stats *s, uint32_t count);
void lg_stats_free(struct lg_stats *s);
void lg_stats_fail(struct lg_stats *s, const char *reason);
void lg_stats_registered(struct lg_stats *s, uint64_t start_us, uint64_t done_us);
void lg_stats_seq(struct lg_stats *s, uint32_t seq, uint64_t now_us);
/* Should the next ACK be skipped (--drop-acks, spread evenly)? */
int lg_stats_drop_ack(struct lg_stats *s, unsigned pct);
void lg_stats_summary(const struct lg_stats *s, uint32_t gms, int kv, FILE *f);

/*
 * A GROUPKEY-PUSH opened once (loadgen_gm.c): the KS sends the same bytes
 * to every member (unicast fan-out, or one multicast datagram), so a
 * member holding the same KEK (key and public key equal) takes the
 * result of the first member's gdoi_push_open after comparing the
 * datagram byte for byte, then applies its own SEQ check and builds its
 * own ACK.  --verify-each switches this off.
 */
#define LG_MEMO_SLOTS 4

struct lg_memo {
	uint8_t mo_used;
	uint8_t *mo_msg;             /* copy of the datagram (owned) */
	size_t mo_len;
	struct gdoi_kek mo_kek;      /* the KEK that opened it (owns kek_pub) */
	uint32_t mo_seq;
	uint16_t mo_ack;
	uint8_t mo_has_kek;          /* it announced a KEK: */
	struct gdoi_kek mo_newkek;   /* (owns kek_pub) */
};

void lg_memo_clear(struct lg_memo *m);

/* loadgen.c */

#define LG_MCAST_MAX 4
/* --linger default: above IOS's (and gdoi-ks's) 10 s rekey retransmit interval */
#define LG_LINGER_S 12

struct lg {
	/* options */
	struct gdoi_p1_peer l_ks;
	uint32_t l_count;
	uint32_t l_base;             /* host order */
	uint32_t l_group;
	double l_rate;               /* registrations started per second, 0 = no pacing */
	uint32_t l_conc;
	uint32_t l_duration_s;       /* 0 = none */
	uint32_t l_reg_timeout_s;
	unsigned l_drop_pct;
	uint32_t l_exit_rekeys;      /* 0 = not asked */
	uint32_t l_linger_s;         /* --linger: quiet time before stopping after K */
	int l_quiet, l_kv, l_progress;
	/* configuration (built from the options, loaded by config.c) */
	struct gdoi_conf *l_conf;
	struct gdoi_p1_ctx l_p1;
	/* runtime */
	struct gdoi_ev_loop *l_loop;
	struct gdoi_ev_timer *l_timer;
	struct gdoi_ev_signal *l_sig[2];
	struct lg_gm *l_gm;
	struct lg_gm **l_inprog;     /* registering GMs, l_ninprog of l_conc */
	uint32_t l_ninprog;
	uint32_t l_next;             /* next GM to start */
	uint64_t l_t0_us, l_t0_ms;
	uint64_t l_next_progress_ms;
	int l_stop;
	int l_mcast_fd[LG_MCAST_MAX];
	uint8_t l_mcast_addr[LG_MCAST_MAX][4];
	struct gdoi_ev_io *l_mcast_io[LG_MCAST_MAX];
	size_t l_nmcast;
	struct lg_stats l_st;
	uint64_t l_rx_bad;
	int l_verify_each;
	struct lg_memo l_memo[LG_MEMO_SLOTS];
	size_t l_memo_next;
	uint64_t l_memo_hits;
	uint64_t l_last_push_ms;     /* the latest rekey datagram (any member) */
	int l_lingering;             /* K reached: waiting for quiet (--linger) */
	uint32_t l_at_k1;            /* members that accepted K + 1 rekeys */
};

uint64_t lg_now_ms(const struct lg *l);
uint64_t lg_now_us(void);
/* gm left the registering set (registered or failed). */
void lg_inprog_remove(struct lg *l, struct lg_gm *gm);
/* Join the multicast rekey group of a KEK, once per process. */
void lg_mcast_join(struct lg *l, const struct gdoi_kek *kek);
/* Something counted changed: stop when the run is complete. */
void lg_check_done(struct lg *l);

#endif
