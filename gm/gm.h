/*
 * gdoi-gm internals.  One struct gm per process: the configuration, the
 * Phase 1 context, and per group the registration state machine with the
 * policy it downloaded.
 */
#ifndef GDOI_GM_H
#define GDOI_GM_H

#include <stdint.h>
#include <time.h>

#include "gdoi/config.h"
#include "gdoi/daemon.h"
#include "gdoi/event.h"
#include "gdoi/keylog.h"
#include "gdoi/log.h"
#include "gdoi/pull.h"
#include "gdoi/sched.h"
#include "gdoi/tree.h"

/* gm.c */

enum gm_state {
	GM_IDLE = 0,     /* not started */
	GM_P1,           /* Main Mode with a KS */
	GM_PULL,         /* GROUPKEY-PULL under it */
	GM_REGISTERED,   /* policy installed; waiting for re-registration */
	GM_BACKOFF,      /* every server failed; retrying later */
};

struct gm_group {
	char g_name[GDOI_CONF_NAME_MAX];
	const struct gdoi_conf_group *g_conf; /* into gm.m_conf */
	enum gm_state g_state;
	size_t g_srv;                /* server list index being tried */
	struct gdoi_p1_peer g_ks;    /* that server, port 848 */
	uint8_t g_local[16];         /* our address towards it */
	uint8_t g_local_af;
	/* Phase 1 context of this group: the daemon's, with our address as
	 * the identity (ID_IPV4_ADDR/ID_IPV6_ADDR of g_local) unless the
	 * configuration names one or certificates give the DN */
	struct gdoi_p1_ctx g_ctx;
	struct gdoi_p1_sa *g_p1;
	struct gdoi_pull *g_pull;
	uint8_t g_has_pol;
	struct gdoi_gpolicy g_pol;   /* GM clock expiries */
	struct gdoi_p1_peer g_reg_ks; /* registered with */
	time_t g_reg_time;
	unsigned g_succeeded, g_attempted;
	unsigned g_fail_rounds;      /* consecutive rounds where every server failed */
	char g_last_fail[192];
	uint64_t g_wake_ms;          /* BACKOFF: retry; REGISTERED: re-register */
	/* rekeys (gm_rekey.c) */
	struct gdoi_tek g_prev[GDOI_TEK_MAX]; /* replaced TEKs, kept for inbound until expiry */
	size_t g_nprev;
	/* the KEK a KEK rekey replaced: retransmissions of that rekey still
	 * come under it, so it is kept for receiving until it expires */
	uint8_t g_has_prev_kek;
	struct gdoi_kek g_prev_kek;
	unsigned g_rekeys, g_rekeys_since_reg, g_unicast_rekeys, g_rekey_repeats;
	unsigned g_mcast_rekeys, g_acks_sent;
	/* re-registration timers (sched.c): draws kept until the keys change,
	 * so "Re-registers in" does not jump */
	uint32_t g_rnd_tek, g_rnd_kek;
	/* the KEK deleted at expiry (no rekey came), until a registration */
	uint8_t g_kek_deleted;
	uint64_t g_deleted_kek_expiry;
	uint8_t g_deleted_kek_spi[GDOI_KEK_SPI_LEN];
	/* old-behaviour KS handling (DESIGN.md) */
	struct gdoi_sched_legacy g_legacy;
	unsigned g_legacy_grace_used;     /* KEK rekeys taken in the grace */
	/* kek-reregistration naive: the KEK for which the probe was made */
	uint8_t g_probe_spi[GDOI_KEK_SPI_LEN];
	unsigned g_regs_kek_probe;        /* registrations by that probe */
	unsigned g_naive_model;           /* registrations a naive member would have
					     made for the KEK rekeys taken (sched.c) */
	/* multicast rekeys: the group joined on our socket */
	uint8_t g_mcast_af;
	uint8_t g_mcast_addr[16];
	int g_mcast_fd;
	struct gdoi_p1_peer g_last_rekey_from;
	time_t g_last_rekey_time;
	unsigned g_rejected[16];     /* per enum gdoi_push_reason */
	/* the kernel datapath (gm_dp.c): what is installed; a limit reached */
	struct gm_dp_grp *g_dp;
	uint8_t g_dp_rereg;
};

struct gm {
	struct gdoi_daemon_opts m_opts;
	struct gdoi_conf *m_conf;
	struct gdoi_p1_ctx m_p1;
	struct gm_group *m_groups;
	size_t m_ngroups;
	struct gdoi_rt m_rt;           /* loop, sockets, timer, control, keylog */
	struct gdoi_ratelimit m_rl_bad;
	uint64_t m_rx, m_rx_bad, m_tx;
	struct gm_dp *m_dp;            /* NULL: no datapath */
};

int gm_init(struct gm *m, const struct gdoi_daemon_opts *o);
void gm_free(struct gm *m);
int gm_reload(struct gm *m);
/* the group member's own checks of a loaded configuration (gdoi-gm -n, start, reload) */
int gm_check_conf(const struct gdoi_conf *c, char *err, size_t cap);
uint64_t gm_now(const struct gm *m);
/* clear crypto gdoi: register every group again now */
void gm_clear(struct gm *m);

/* gm.c, for gm_rekey.c */
void gm_schedule(struct gm *m, struct gm_group *g);
/* gm.c: the loop's timer from every deadline (gm_dp.c after events) */
void gm_rearm(struct gm *m);

/* gm.c, for gm_show.c: the "Re-registers in" moment */
uint64_t gm_rereg_display(struct gm *m, const struct gm_group *g);

/* gm_rekey.c */
void gm_prev_kek_clear(struct gm_group *g);
/* join the multicast group of the KEK held (leave the previous one) */
void gm_mcast_update(struct gm *m, struct gm_group *g);
void gm_mcast_leave(struct gm *m, struct gm_group *g);
void gm_rekey_input(struct gm *m, const struct gdoi_p1_peer *peer, const uint8_t *msg,
    size_t len);

/* gm_show.c */
int gm_ctl(void *arg, uint8_t type, const char *cmd, struct gdoi_tree *t, char *err,
    size_t errcap);
const char *gm_state_text(enum gm_state st);

#endif
