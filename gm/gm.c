/*
 * gdoi-gm: the group member.  Per group: Main Mode with the first server
 * of its list, GROUPKEY-PULL under that SA, the downloaded policy kept
 * with its lifetimes, re-registration before the keys run out, and the
 * next server of the list (then a back-off) when a registration fails.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "gdoi/ctl.h"
#include "gdoi/names.h"
#include "gdoi/sched.h"
#include "gdoi/wire.h"
#include "gm.h"
#include "gm_dp.h"

#define GM_BACKOFF_FIRST_S 10
#define GM_BACKOFF_MAX_S 300

uint64_t
gm_now(const struct gm *m)
{
	return gdoi_rt_now(&m->m_rt);
}

/* A random draw: below n, or any 32-bit value for n = 0 (sched.c's draws). */
static uint32_t
rnd(uint32_t n)
{
	uint32_t v = 0;

	(void)RAND_bytes((unsigned char *)&v, sizeof(v));
	return n == 0 ? v : v % n;
}

static void
gm_send(struct gm *m, const struct gm_group *g, const uint8_t *msg, size_t len)
{
	char who[64];
	int fd = gdoi_rt_udp_fd(&m->m_rt, g->g_ks.pa_alen == 16 ? 6 : 4);
	int rc;

	if (len == 0)
		return;
	rc = fd < 0 ? -EAFNOSUPPORT : gdoi_udp_send(fd, &g->g_ks, msg, len);
	if (rc < 0)
		gdoi_log_rl(&m->m_rl_bad, gm_now(m), "GDOI", GDOI_LOG_WARNING, "SEND_FAILED",
		    "sending %zu octets to %s: %s", len, gdoi_peer_str(&g->g_ks, who, sizeof(who)),
		    strerror(-rc));
	else
		m->m_tx++;
}

static void
gm_drop_exchange(struct gm_group *g)
{
	gdoi_pull_free(g->g_pull);
	g->g_pull = NULL;
	gdoi_p1_sa_free(g->g_p1);
	g->g_p1 = NULL;
}

/* A group's state goes (a group dropped by a reload, or at exit). */
static void
gm_group_clear(struct gm *m, struct gm_group *g)
{
	gm_dp_group_gone(m, g);
	gm_drop_exchange(g);
	gm_mcast_leave(m, g);
	gdoi_gpolicy_clear(&g->g_pol);
	gm_prev_kek_clear(g);
	OPENSSL_cleanse(g->g_prev, sizeof(g->g_prev));
}

/* Start a registration with server g_srv of the list. */
static void
gm_register(struct gm *m, struct gm_group *g)
{
	static struct gdoi_p1_out o;
	const struct gdoi_conf_group *c = g->g_conf;
	char ks[64], me[64];
	int rc;

	gm_drop_exchange(g);
	if (g->g_srv >= c->g_nserver)
		g->g_srv = 0;
	memset(&g->g_ks, 0, sizeof(g->g_ks));
	g->g_ks.pa_alen = c->g_server[g->g_srv].sv_af == 6 ? 16 : 4;
	memcpy(g->g_ks.pa_addr, c->g_server[g->g_srv].sv_addr, g->g_ks.pa_alen);
	g->g_ks.pa_port = m->m_conf->c_port != 0 ? m->m_conf->c_port : 848;
	g->g_local_af = c->g_server[g->g_srv].sv_af == 6 ? 6 : 4;
	if (gdoi_udp_local_for(&g->g_ks, g->g_local) < 0)
		memset(g->g_local, 0, sizeof(g->g_local));
	gdoi_peer_str(&g->g_ks, ks, sizeof(ks));
	gdoi_addr_str(g->g_local, g->g_local_af, me, sizeof(me));
	g->g_ctx = m->m_p1;
	if (g->g_ctx.x_local_id.id_type == 0 && g->g_ctx.x_cert == NULL) {
		g->g_ctx.x_local_id.id_type = g->g_local_af == 6 ? ID_IPV6_ADDR : ID_IPV4_ADDR;
		g->g_ctx.x_local_id.id_data.ptr = g->g_local;
		g->g_ctx.x_local_id.id_data.len = g->g_local_af == 6 ? 16 : 4;
	}
	gdoi_log("CRYPTO", GDOI_LOG_NOTICE, "GM_REGSTER",
	    "Start registration to KS %s for group %s using address %s", ks, g->g_name, me);
	g->g_attempted++;
	memset(&o, 0, offsetof(struct gdoi_p1_out, o_msg));
	rc = gdoi_p1_initiate(&g->g_ctx, &g->g_ks, gm_now(m), &g->g_p1, &o);
	if (rc < 0) {
		snprintf(g->g_last_fail, sizeof(g->g_last_fail), "Phase 1 not started: %s",
		    gdoi_strerror(rc));
		gdoi_log("GDOI", GDOI_LOG_WARNING, "GM_REGS_FAIL",
		    "Registration to KS %s for group %s failed: %s", ks, g->g_name,
		    g->g_last_fail);
		g->g_state = GM_BACKOFF;
		g->g_wake_ms = gm_now(m) + GM_BACKOFF_FIRST_S * 1000;
		return;
	}
	g->g_state = GM_P1;
	gm_send(m, g, o.o_msg, o.o_len);
}

/* The registration with the current server failed: try the next one, or back off. */
static void
gm_fail(struct gm *m, struct gm_group *g, uint16_t notify, const char *stage)
{
	char ks[64], nb[48];
	uint32_t backoff;

	gdoi_peer_str(&g->g_ks, ks, sizeof(ks));
	if (notify != 0)
		snprintf(g->g_last_fail, sizeof(g->g_last_fail), "%s",
		    gdoi_name_buf(GDOI_NS_NOTIFY, notify, nb, sizeof(nb)));
	else
		snprintf(g->g_last_fail, sizeof(g->g_last_fail), "no answer in %s", stage);
	gdoi_log("GDOI", GDOI_LOG_WARNING, "GM_REGS_FAIL",
	    "Registration to KS %s for group %s failed: %s", ks, g->g_name, g->g_last_fail);
	gm_drop_exchange(g);
	if (g->g_srv + 1 < g->g_conf->g_nserver) {
		g->g_srv++;
		gm_register(m, g);
		return;
	}
	g->g_srv = 0;
	backoff = (uint32_t)(gdoi_sched_backoff_ms(GM_BACKOFF_FIRST_S * 1000,
	    GM_BACKOFF_MAX_S * 1000, g->g_fail_rounds) / 1000);
	g->g_fail_rounds++;
	/* a little jitter so that many members refused together do not return together */
	g->g_wake_ms = gm_now(m) + (uint64_t)backoff * 1000 + rnd(backoff * 250 + 1);
	g->g_state = GM_BACKOFF;
}

/*
 * When to register again: sched.c's rules (gdoi_sched_gm_next) over the
 * keys held.  For the TEKs no rekey replaces, a random moment 60..90 s
 * before the first of them expires (at its expiry when the member got it
 * later than that).  The KEK is deleted when it expires (after a grace of
 * the KS's retransmit span when the KS is known to rekey it only at
 * expiry), and the registration follows in [expiry, expiry + 80 s].
 * With kek-reregistration="naive" the member also registers when the KEK
 * has GDOI_SCHED_LEGACY_EVIDENCE_S left and no rekey replaced it, as a
 * new-behaviour member that does not adapt to an old KS would.
 */
#define GM_KS_RETX_COUNT 2   /* the KS's retransmits, IOS defaults, for the grace */
#define GM_KS_RETX_IVL_S 10

static struct gdoi_sched_gm_in
gm_sched_in(const struct gm_group *g, uint64_t now)
{
	struct gdoi_sched_gm_in in;
	size_t i;

	memset(&in, 0, sizeof(in));
	in.now_ms = now;
	in.tek_expiry_ms = GDOI_SCHED_NEVER;
	for (i = 0; i < g->g_pol.gp_ntek; i++)
		if (g->g_pol.gp_tek[i].tek_expiry_ms < in.tek_expiry_ms)
			in.tek_expiry_ms = g->g_pol.gp_tek[i].tek_expiry_ms;
	if (g->g_pol.gp_has_kek)
		in.kek_expiry_ms = g->g_pol.gp_kek.kek_expiry_ms;
	else if (g->g_kek_deleted)
		in.kek_expiry_ms = g->g_deleted_kek_expiry;
	else
		in.kek_expiry_ms = GDOI_SCHED_NEVER;
	in.kek_grace_ms = g->g_conf->g_gm_naive ? 0 :
	    gdoi_sched_legacy_grace_ms(&g->g_legacy, GM_KS_RETX_COUNT, GM_KS_RETX_IVL_S);
	in.rnd_tek = g->g_rnd_tek;
	in.rnd_kek = g->g_rnd_kek;
	return in;
}

/* kek-reregistration naive: the pre-expiry registration, or NEVER. */
static uint64_t
gm_probe_at(const struct gm_group *g)
{
	const struct gdoi_kek *k = &g->g_pol.gp_kek;

	if (!g->g_conf->g_gm_naive || !g->g_pol.gp_has_kek ||
	    memcmp(g->g_probe_spi, k->kek_spi, GDOI_KEK_SPI_LEN) == 0)
		return GDOI_SCHED_NEVER;
	return gdoi_sched_gm_naive_probe_ms(k->kek_expiry_ms);
}

/* The next wake (display 0: gdoi_sched_gm_next) or the "Re-registers in"
 * moment (display 1: gdoi_sched_gm_rereg_at), with the naive probe. */
static uint64_t
gm_rereg_pick(struct gm *m, const struct gm_group *g, int display)
{
	struct gdoi_sched_gm_in in = gm_sched_in(g, gm_now(m));
	struct gdoi_sched_wake w = display ? gdoi_sched_gm_rereg_at(&in) : gdoi_sched_gm_next(&in);
	uint64_t probe = gm_probe_at(g);

	if (probe < in.now_ms)
		probe = in.now_ms;
	return probe < w.at_ms ? probe : w.at_ms;
}

static uint64_t
gm_rereg_time(struct gm *m, const struct gm_group *g)
{
	return gm_rereg_pick(m, g, 0);
}

uint64_t
gm_rereg_display(struct gm *m, const struct gm_group *g)
{
	return gm_rereg_pick(m, g, 1);
}

/* New draws for the re-registration moments of the keys now held. */
static void
gm_redraw(struct gm_group *g)
{
	g->g_rnd_tek = rnd(0);
	g->g_rnd_kek = rnd(0);
}

static void
gm_installed(struct gm *m, struct gm_group *g)
{
	const struct gdoi_gpolicy *p = gdoi_pull_policy(g->g_pull);
	uint8_t prev_spi[GDOI_KEK_SPI_LEN];
	int had_kek = 0;
	uint64_t now = gm_now(m);
	char ks[64], me[64];

	/* the KEK held (or deleted at expiry) before: an old-behaviour KS
	 * returns it again with little life left (sched.c) */
	if (g->g_has_pol && g->g_pol.gp_has_kek) {
		memcpy(prev_spi, g->g_pol.gp_kek.kek_spi, sizeof(prev_spi));
		had_kek = 1;
	} else if (g->g_kek_deleted) {
		memcpy(prev_spi, g->g_deleted_kek_spi, sizeof(prev_spi));
		had_kek = 1;
	}
	gdoi_gpolicy_clear(&g->g_pol);
	if (p == NULL || gdoi_gpolicy_copy(&g->g_pol, p) < 0) {
		g->g_has_pol = 0;
		gm_fail(m, g, 0, "installing the policy");
		return;
	}
	g->g_has_pol = 1;
	g->g_kek_deleted = 0;
	if (g->g_pol.gp_has_kek && !g->g_conf->g_gm_naive &&
	    gdoi_sched_gm_note_registration(&g->g_legacy, g->g_pol.gp_kek.kek_spi,
	    had_kek ? prev_spi : NULL, g->g_pol.gp_kek.kek_expiry_ms > now ?
	    g->g_pol.gp_kek.kek_expiry_ms - now : 0) == 1)
		gdoi_log("GDOI", GDOI_LOG_NOTICE, "GM_KS_LEGACY_KEK_REKEY",
		    "Group %s: the KS returned the KEK we hold with little life left: it rekeys "
		    "the KEK only at expiry; the expiring KEK is kept for receiving its rekey",
		    g->g_name);
	g->g_reg_ks = g->g_ks;
	g->g_reg_time = time(NULL);
	g->g_succeeded++;
	g->g_fail_rounds = 0;
	g->g_last_fail[0] = '\0';
	gdoi_peer_str(&g->g_ks, ks, sizeof(ks));
	gdoi_addr_str(g->g_local, g->g_local_af, me, sizeof(me));
	if (g->g_pol.gp_has_kek)
		gdoi_log("GDOI", GDOI_LOG_NOTICE, "SA_KEK_UPDATED", "SA KEK was updated");
	gdoi_log("GDOI", GDOI_LOG_NOTICE, "SA_TEK_UPDATED", "SA TEK was updated");
	gdoi_log("GDOI", GDOI_LOG_NOTICE, "GM_REGS_COMPL",
	    "Registration to KS %s complete for group %s using address %s", ks, g->g_name, me);
	gdoi_log("GDOI", GDOI_LOG_NOTICE, "GM_INSTALL_POLICIES_SUCCESS",
	    "SUCCESS: Installation of Reg/Rekey policies from KS %s for group %s & gm identity %s",
	    ks, g->g_name, me);
	gdoi_pull_free(g->g_pull);
	g->g_pull = NULL;
	g->g_state = GM_REGISTERED;
	g->g_rekeys_since_reg = 0;
	gm_mcast_update(m, g);
	if (g->g_pol.gp_has_kek && !g->g_pol.gp_kek.kek_multicast)
		gdoi_log("GDOI", GDOI_LOG_NOTICE, "GM_REKEY_TRANS_2_UNI",
		    "Group %s transitioned to Unicast Rekey.", g->g_name);
	gm_redraw(g);
	g->g_dp_rereg = 0;
	g->g_wake_ms = gm_rereg_time(m, g);
	gm_dp_sync(m, g);
}

/* After a rekey: the kernel gets the new keys; the next re-registration
 * from the keys now held. */
void
gm_schedule(struct gm *m, struct gm_group *g)
{
	gm_redraw(g);
	g->g_dp_rereg = 0;
	if (g->g_state == GM_REGISTERED)
		g->g_wake_ms = gm_rereg_time(m, g);
	gm_dp_sync(m, g);
}

/* ------------------------------------------------------------------ */
/* Datagrams                                                            */

static void
gm_pull_out(struct gm *m, struct gm_group *g, const struct gdoi_pull_out *o)
{
	gm_send(m, g, o->o_msg, o->o_len);
	if (o->o_events & GDOI_PULL_EV_DONE)
		gm_installed(m, g);
	else if (o->o_events & GDOI_PULL_EV_FAILED)
		gm_fail(m, g, o->o_notify, "GROUPKEY-PULL");
}

static void
gm_start_pull(struct gm *m, struct gm_group *g)
{
	static struct gdoi_pull_out o;
	struct gdoi_pull_gm_cfg cfg;
	int rc;

	memset(&cfg, 0, sizeof(cfg));
	cfg.gc_group = g->g_conf->g_identity;
	cfg.gc_sid_request = g->g_conf->g_gm_sid_request ? 1 : 0;
	memset(&o, 0, offsetof(struct gdoi_pull_out, o_msg));
	rc = gdoi_pull_initiate(g->g_p1, &cfg, gm_now(m), &g->g_pull, &o);
	if (rc < 0) {
		gm_fail(m, g, 0, "starting GROUPKEY-PULL");
		return;
	}
	g->g_state = GM_PULL;
	gm_pull_out(m, g, &o);
}

static void
gm_p1_out(struct gm *m, struct gm_group *g, const struct gdoi_p1_out *o)
{
	static struct gdoi_pull_out po;
	char line[256];

	gm_send(m, g, o->o_msg, o->o_len);
	if (o->o_events & GDOI_P1_EV_ESTABLISHED) {
		if (m->m_rt.rt_keylog != NULL &&
		    gdoi_p1_keylog_line(g->g_p1, line, sizeof(line)) > 0)
			(void)gdoi_keylog_write(m->m_rt.rt_keylog, line);
		gdoi_debug("p1", "group %s: Phase 1 established", g->g_name);
		if (g->g_state == GM_P1)
			gm_start_pull(m, g);
		return;
	}
	if (o->o_events & GDOI_P1_EV_FAILED) {
		gm_fail(m, g, o->o_notify, "Main Mode");
		return;
	}
	if ((o->o_events & GDOI_P1_EV_NOTIFY) && g->g_state == GM_PULL && g->g_pull != NULL) {
		/* the KS refused the registration with an encrypted notify */
		memset(&po, 0, offsetof(struct gdoi_pull_out, o_msg));
		gdoi_pull_abort(g->g_pull, o->o_notify, &po);
		gm_pull_out(m, g, &po);
		return;
	}
	if (o->o_events & (GDOI_P1_EV_EXPIRED | GDOI_P1_EV_DELETED)) {
		gdoi_debug("p1", "group %s: Phase 1 SA %s", g->g_name,
		    (o->o_events & GDOI_P1_EV_EXPIRED) ? "expired" : "deleted by the KS");
		if (g->g_state == GM_P1 || g->g_state == GM_PULL)
			gm_fail(m, g, 0, "a Phase 1 SA that went away");
		else {
			gdoi_p1_sa_free(g->g_p1);
			g->g_p1 = NULL;
		}
	}
}

static void
gm_bad(struct gm *m, const struct gdoi_p1_peer *peer, const char *why)
{
	char who[64];

	m->m_rx_bad++;
	gdoi_log_rl(&m->m_rl_bad, gm_now(m), "CRYPTO", GDOI_LOG_WARNING, "IKMP_BAD_MESSAGE",
	    "IKE message from %s failed its sanity check or is malformed (%s)",
	    gdoi_peer_str(peer, who, sizeof(who)), why);
}

static void
gm_input(struct gm *m, const struct gdoi_p1_peer *peer, const uint8_t *msg, size_t len)
{
	static struct gdoi_p1_out o;
	static struct gdoi_pull_out po;
	struct gm_group *g = NULL;
	struct isakmp_hdr h;
	struct gdoi_rd rd;
	uint32_t msgid;
	size_t i;
	int rc;

	m->m_rx++;
	gdoi_rd_init(&rd, msg, len);
	if ((rc = gdoi_hdr_decode(&rd, &h, NULL)) < 0) {
		gm_bad(m, peer, gdoi_strerror(rc));
		return;
	}
	if (h.h_exchange == GDOI_EX_PUSH) {
		gm_rekey_input(m, peer, msg, len);
		return;
	}
	for (i = 0; i < m->m_ngroups; i++) {
		struct gm_group *c = &m->m_groups[i];

		if (c->g_p1 != NULL && c->g_ks.pa_alen == peer->pa_alen &&
		    memcmp(c->g_ks.pa_addr, peer->pa_addr, peer->pa_alen) == 0 &&
		    memcmp(gdoi_p1_icookie(c->g_p1), msg, ISAKMP_COOKIE_LEN) == 0) {
			g = c;
			break;
		}
	}
	if (g == NULL) {
		gm_bad(m, peer, "no SA with these cookies");
		return;
	}
	msgid = h.h_msgid;
	switch (h.h_exchange) {
	case ISAKMP_EX_MAIN:
	case ISAKMP_EX_INFO:
		memset(&o, 0, offsetof(struct gdoi_p1_out, o_msg));
		rc = gdoi_p1_input(g->g_p1, msg, len, gm_now(m), &o);
		if (rc < 0 && o.o_len == 0 && o.o_events == 0)
			gm_bad(m, peer, gdoi_strerror(rc));
		gm_p1_out(m, g, &o);
		break;
	case GDOI_EX_PULL:
		if (g->g_pull == NULL || gdoi_pull_msgid(g->g_pull) != msgid) {
			gm_bad(m, peer, "GROUPKEY-PULL of no exchange of ours");
			break;
		}
		memset(&po, 0, offsetof(struct gdoi_pull_out, o_msg));
		rc = gdoi_pull_input(g->g_pull, msg, len, gm_now(m), &po);
		if (rc < 0 && po.o_len == 0 && po.o_events == 0)
			gm_bad(m, peer, gdoi_strerror(rc));
		gm_pull_out(m, g, &po);
		break;
	default:
		gm_bad(m, peer, "unexpected exchange type");
		break;
	}
}

/* ------------------------------------------------------------------ */
/* Timers                                                               */

void
gm_rearm(struct gm *m)
{
	uint64_t next = gm_dp_next_ms(m), d;
	size_t i;

	for (i = 0; i < m->m_ngroups; i++) {
		const struct gm_group *g = &m->m_groups[i];

		if (g->g_p1 != NULL && (d = gdoi_p1_next_deadline(g->g_p1)) < next)
			next = d;
		if (g->g_pull != NULL && (d = gdoi_pull_next_deadline(g->g_pull)) < next)
			next = d;
		if ((g->g_state == GM_BACKOFF || g->g_state == GM_REGISTERED) &&
		    g->g_wake_ms < next)
			next = g->g_wake_ms;
	}
	gdoi_rt_timer_at(&m->m_rt, next);
}

static void
gm_wake(struct gm *m, struct gm_group *g, uint64_t now)
{
	struct gdoi_sched_gm_in in;
	struct gdoi_sched_wake w;
	uint64_t probe;

	if (g->g_state == GM_BACKOFF) {
		gm_register(m, g);
		return;
	}
	if (g->g_dp_rereg) {
		/* the kernel reported a limit of a current TEK's SA (gm_dp.c) */
		g->g_dp_rereg = 0;
		g->g_srv = 0;
		gm_register(m, g);
		return;
	}
	/* GM_REGISTERED: a key is about to run out and no rekey replaced it */
	in = gm_sched_in(g, now);
	w = gdoi_sched_gm_next(&in);
	probe = gm_probe_at(g);
	if (probe <= now && probe <= w.at_ms) {
		/* naive: expected the KEK rekey by now; ask the KS for it */
		memcpy(g->g_probe_spi, g->g_pol.gp_kek.kek_spi, GDOI_KEK_SPI_LEN);
		g->g_regs_kek_probe++;
	} else if (w.at_ms > now || w.why == GDOI_SCHED_IDLE) {
		g->g_wake_ms = gm_rereg_time(m, g); /* woken early (a rekey moved it) */
		return;
	} else if (w.why == GDOI_SCHED_DELETE_KEK) {
		memcpy(g->g_deleted_kek_spi, g->g_pol.gp_kek.kek_spi, GDOI_KEK_SPI_LEN);
		g->g_deleted_kek_expiry = g->g_pol.gp_kek.kek_expiry_ms;
		g->g_kek_deleted = 1;
		OPENSSL_cleanse(g->g_pol.gp_kek.kek_key, sizeof(g->g_pol.gp_kek.kek_key));
		g->g_pol.gp_has_kek = 0;
		gm_prev_kek_clear(g);
		gdoi_log("GDOI", GDOI_LOG_NOTICE, "GM_DELETE_EXPIRED_KEK",
		    "KEK expired for group %s and was deleted", g->g_name);
		g->g_wake_ms = gm_rereg_time(m, g);
		return;
	}
	gdoi_log("GDOI", GDOI_LOG_WARNING, "GM_RE_REGISTER",
	    "The IPSec SA created for group %s may have expired/been cleared, or didn't go "
	    "through. Re-register to KS.", g->g_name);
	g->g_srv = 0;
	gm_register(m, g);
}

static void
gm_timer(void *arg)
{
	static struct gdoi_p1_out o;
	static struct gdoi_pull_out po;
	struct gm *m = arg;
	uint64_t now = gm_now(m);
	size_t i;

	for (i = 0; i < m->m_ngroups; i++) {
		struct gm_group *g = &m->m_groups[i];

		if (g->g_pull != NULL && gdoi_pull_next_deadline(g->g_pull) <= now) {
			memset(&po, 0, offsetof(struct gdoi_pull_out, o_msg));
			gdoi_pull_tick(g->g_pull, now, &po);
			gm_pull_out(m, g, &po);
		}
		if (g->g_p1 != NULL && gdoi_p1_next_deadline(g->g_p1) <= now) {
			memset(&o, 0, offsetof(struct gdoi_p1_out, o_msg));
			gdoi_p1_tick(g->g_p1, now, &o);
			gm_p1_out(m, g, &o);
		}
		if ((g->g_state == GM_BACKOFF || g->g_state == GM_REGISTERED) &&
		    g->g_wake_ms <= now)
			gm_wake(m, g, now);
	}
	if (gm_dp_next_ms(m) <= now)
		gm_dp_tick(m, now);
}

/* ------------------------------------------------------------------ */
/* Configuration and life cycle                                         */

int
gm_check_conf(const struct gdoi_conf *c, char *err, size_t cap)
{
	size_t i;

	for (i = 0; i < c->c_ngroup; i++)
		if (c->c_group[i].g_nserver == 0) {
			snprintf(err, cap, "%s:%u: group %s has no server address: a group member "
			    "configuration needs one", c->c_file, c->c_group[i].g_line,
			    c->c_group[i].g_name);
			return -1;
		}
	if (c->c_nike == 0) {
		snprintf(err, cap, "%s: no isakmp policy", c->c_file);
		return -1;
	}
	return 0;
}

/* Groups of c: one kept by name and identity keeps its state and policy. */
static int
gm_apply_groups(struct gm *m, struct gdoi_conf *c)
{
	struct gm_group *ng = calloc(c->c_ngroup != 0 ? c->c_ngroup : 1, sizeof(*ng));
	size_t i, j;

	if (ng == NULL)
		return -1;
	for (i = 0; i < c->c_ngroup; i++) {
		struct gm_group *g = &ng[i];

		snprintf(g->g_name, sizeof(g->g_name), "%s", c->c_group[i].g_name);
		for (j = 0; j < m->m_ngroups; j++) {
			struct gm_group *og = &m->m_groups[j];

			if (og->g_conf != NULL && strcmp(og->g_name, g->g_name) == 0 &&
			    og->g_conf->g_identity == c->c_group[i].g_identity) {
				*g = *og;
				memset(og, 0, sizeof(*og));
				break;
			}
		}
		g->g_conf = &c->c_group[i];
		if (g->g_srv >= g->g_conf->g_nserver)
			g->g_srv = 0;
	}
	for (j = 0; j < m->m_ngroups; j++)
		gm_group_clear(m, &m->m_groups[j]);
	free(m->m_groups);
	m->m_groups = ng;
	m->m_ngroups = c->c_ngroup;
	return 0;
}

int
gm_reload(struct gm *m)
{
	struct gdoi_conf *c = NULL;
	char err[1024];
	size_t i;

	if (gdoi_conf_load(m->m_opts.o_conf, &c, err, sizeof(err)) < 0 ||
	    gm_check_conf(c, err, sizeof(err)) < 0) {
		gdoi_log("GDOI", GDOI_LOG_ERR, "CONFIG_ERROR",
		    "%s; keeping the running configuration", err);
		gdoi_conf_free(c);
		return -1;
	}
	if (gm_apply_groups(m, c) < 0) {
		gdoi_conf_free(c);
		return -1;
	}
	if (gdoi_daemon_p1_ctx(&m->m_p1, c) < 0)
		gdoi_log("GDOI", GDOI_LOG_ERR, "CONFIG_ERROR",
		    "certificates of %s not loaded; signature authentication is off", c->c_file);
	gdoi_conf_free(m->m_conf);
	m->m_conf = c;
	gdoi_log("GDOI", GDOI_LOG_NOTICE, "CONFIG_RELOADED", "Configuration %s reloaded",
	    c->c_file);
	for (i = 0; i < m->m_ngroups; i++)
		if (m->m_groups[i].g_state == GM_IDLE)
			gm_register(m, &m->m_groups[i]);
	gm_rearm(m);
	return 0;
}

void
gm_clear(struct gm *m)
{
	size_t i;

	for (i = 0; i < m->m_ngroups; i++) {
		struct gm_group *g = &m->m_groups[i];

		gdoi_log("GDOI", GDOI_LOG_NOTICE, "GM_CLEAR_REGISTER",
		    "Config: GM cleared gdoi configuration for the group %s.", g->g_name);
		gdoi_gpolicy_clear(&g->g_pol);
		g->g_has_pol = 0;
		gm_dp_sync(m, g);
		g->g_srv = 0;
		gm_register(m, g);
	}
	gm_rearm(m);
}

static void
gm_datagram(void *arg, int fd, const struct gdoi_p1_peer *peer, const uint8_t *msg, size_t len)
{
	(void)fd;
	gm_input(arg, peer, msg, len);
}

static void
gm_oversize(void *arg, const struct gdoi_p1_peer *peer)
{
	gm_bad(arg, peer, "datagram larger than 64 KiB");
}

static void
gm_rearm_cb(void *arg)
{
	gm_rearm(arg);
}

static int
gm_reload_cb(void *arg)
{
	return gm_reload(arg);
}

/* Once running: every group starts registering. */
static void
gm_start(void *arg)
{
	struct gm *m = arg;
	size_t i;

	for (i = 0; i < m->m_ngroups; i++)
		gm_register(m, &m->m_groups[i]);
}

static const struct gdoi_rt_ops gm_rt_ops = {
	.ro_name = "Group member",
	.ro_stop = "GM_STOP",
	.ro_ctl = gm_ctl,
	.ro_datagram = gm_datagram,
	.ro_oversize = gm_oversize,
	.ro_timer = gm_timer,
	.ro_rearm = gm_rearm_cb,
	.ro_reload = gm_reload_cb,
	.ro_start = gm_start,
};

int
gm_init(struct gm *m, const struct gdoi_daemon_opts *o)
{
	char err[1024];

	memset(m, 0, sizeof(*m));
	m->m_opts = *o;
	if (gdoi_rt_init(&m->m_rt, &gm_rt_ops, m) < 0)
		return -1;
	if (gdoi_conf_load(o->o_conf, &m->m_conf, err, sizeof(err)) < 0 ||
	    gm_check_conf(m->m_conf, err, sizeof(err)) < 0) {
		gdoi_log("GDOI", GDOI_LOG_ERR, "CONFIG_ERROR", "%s", err);
		return -1;
	}
	if (gdoi_daemon_p1_ctx(&m->m_p1, m->m_conf) < 0 || gm_apply_groups(m, m->m_conf) < 0)
		return -1;
	if (gdoi_rt_listen(&m->m_rt, m->m_conf) < 0)
		return -1;
	if (gdoi_rt_open(&m->m_rt, o, m->m_conf, "/run/gdoi/gm.sock") < 0)
		return -1;
	/* without it the GM still registers and takes rekeys (logged) */
	(void)gm_dp_start(m);
	return 0;
}

void
gm_free(struct gm *m)
{
	size_t i;

	for (i = 0; i < m->m_ngroups; i++)
		gm_group_clear(m, &m->m_groups[i]);
	gm_dp_stop(m);
	free(m->m_groups);
	gdoi_rt_free(&m->m_rt);
	gdoi_p1_ctx_free_certs(&m->m_p1);
	gdoi_conf_free(m->m_conf);
	memset(m, 0, sizeof(*m));
}
