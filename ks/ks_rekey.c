/*
 * gdoi-ks rekeys: when each group's TEKs and KEK are replaced (sched.c),
 * the GROUPKEY-PUSH that announces them (push.c) and its delivery by
 * unicast to every registered member, with retransmissions.
 *
 * A TEK rekey replaces every TEK whose rekey time has come and announces
 * the group's whole TEK set (the unchanged TEKs again, with their
 * remaining lifetimes).  A KEK rekey also announces the new KEK; it is
 * encrypted and signed under the KEK it replaces, and every later rekey
 * under the new one.  Each retransmission carries a new SEQ (as IOS
 * does: "Sent seq num" lists them), so a member that got the first copy
 * takes a retransmission as a repeat of what it holds, never as a replay.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "gdoi/push.h"
#include "gdoi/sched.h"
#include "gdoi/wire.h"
#include "ks.h"

/*
 * The TEK rekey goes out 100 s before expiry: ahead of the members' own
 * re-registration window (60-90 s before expiry), so a member never
 * registers for a TEK a rekey is about to replace.
 */
#define KS_TEK_LEAD_S 100

static uint32_t
retx_count(const struct ks_group *g)
{
	return g->g_conf->g_rekey.rk_retx_count;
}

static uint32_t
retx_interval(const struct ks_group *g)
{
	return g->g_conf->g_rekey.rk_retx_interval != 0 ? g->g_conf->g_rekey.rk_retx_interval : 10;
}

/* The earliest rekey of g; *kek_at is when the KEK's is. */
uint64_t
ks_group_rekey_at(const struct ks *k, const struct ks_group *g, uint64_t *kek_at)
{
	const struct gdoi_gpolicy *p = &g->g_pol;
	uint64_t best = GDOI_SCHED_NEVER, t, lead;
	size_t i;

	(void)k;
	*kek_at = GDOI_SCHED_NEVER;
	if (!p->gp_has_kek || g->g_sigkey == NULL)
		return GDOI_SCHED_NEVER; /* no rekey SA: members re-register */
	lead = gdoi_sched_tek_lead_s(KS_TEK_LEAD_S, retx_count(g), retx_interval(g));
	for (i = 0; i < p->gp_ntek; i++) {
		const struct gdoi_tek *tk = &p->gp_tek[i];
		uint64_t created = tk->tek_expiry_ms - (uint64_t)tk->tek_life_s * 1000;

		t = gdoi_sched_tek_rekey_at(created, tk->tek_life_s, lead);
		if (t < best)
			best = t;
	}
	lead = gdoi_sched_kek_lead_s(retx_count(g), retx_interval(g), (uint32_t)g->g_nmembers,
	    !p->gp_kek.kek_multicast);
	t = gdoi_sched_kek_rekey_at(g->g_kek_created_ms, p->gp_kek.kek_life_s, lead, 0);
	*kek_at = t;
	return t < best ? t : best;
}

uint64_t
ks_rekey_deadline(struct ks *k)
{
	uint64_t next = GDOI_SCHED_NEVER, t, kek;
	size_t i;

	for (i = 0; i < k->k_ngroups; i++) {
		const struct ks_group *g = &k->k_groups[i];

		t = ks_group_rekey_at(k, g, &kek);
		if (t < next)
			next = t;
		if (g->g_tx_active && g->g_tx_next_ms < next)
			next = g->g_tx_next_ms;
	}
	return next;
}

void
ks_rekey_clear(struct ks_group *g)
{
	gdoi_gpolicy_clear(&g->g_tx_pol);
	OPENSSL_cleanse(&g->g_tx_kek, sizeof(g->g_tx_kek));
	g->g_tx_active = 0;
}

/* Build the rekey in flight with a new SEQ and send it to every member. */
static void
ks_rekey_send(struct ks *k, struct ks_group *g, uint64_t now)
{
	static uint8_t msg[GDOI_PULL_MSG_MAX];
	struct gdoi_push_ks in;
	const struct ks_member *m;
	struct gdoi_p1_peer to;
	char a[64];
	size_t len = 0, n = 0;
	int rc, fd;

	memset(&in, 0, sizeof(in));
	in.ks_kek = &g->g_tx_kek;
	in.ks_sign = g->g_sigkey;
	in.ks_sig_hash = g->g_pol.gp_kek.kek_sig_hash;
	in.ks_seq = ++g->g_seq;
	in.ks_pol = &g->g_tx_pol;
	in.ks_now_ms = now;
	rc = gdoi_push_build(&in, msg, sizeof(msg), &len);
	if (rc < 0) {
		gdoi_log("GDOI", GDOI_LOG_ERR, "KS_REKEY_FAILED",
		    "Group %s: cannot build the rekey: %s", g->g_name, gdoi_strerror(rc));
		ks_rekey_clear(g);
		return;
	}
	if (g->g_tx_sent < 4)
		g->g_tx_seq[g->g_tx_sent] = in.ks_seq;
	for (m = g->g_members; m != NULL; m = m->m_next) {
		memset(&to, 0, sizeof(to));
		to.pa_alen = m->m_af == 6 ? 16 : 4;
		memcpy(to.pa_addr, m->m_addr, to.pa_alen);
		to.pa_port = k->k_conf->c_port != 0 ? k->k_conf->c_port : 848;
		fd = gdoi_rt_udp_fd(&k->k_rt, m->m_af);
		if (fd >= 0 && gdoi_udp_send(fd, &to, msg, len) == 0)
			n++;
	}
	k->k_tx += n;
	if (g->g_tx_sent == 0) {
		g->g_rekeys_sent++;
		gdoi_log("GDOI", GDOI_LOG_NOTICE, "KS_SEND_UNICAST_REKEY",
		    "Sending Unicast Rekey for group %s from address %s with seq # %u to %zu member%s",
		    g->g_name, gdoi_addr_str(g->g_conf->g_local_addr,
			g->g_conf->g_local_af != 0 ? g->g_conf->g_local_af : 4, a, sizeof(a)),
		    in.ks_seq, n, n == 1 ? "" : "s");
	} else {
		g->g_retx_sent++;
		gdoi_debug("rekey", "group %s: retransmission %u, seq %u", g->g_name, g->g_tx_sent,
		    in.ks_seq);
	}
	g->g_tx_sent++;
	g->g_last_rekey_ms = now;
	if (g->g_tx_sent > retx_count(g))
		ks_rekey_clear(g);
	else
		g->g_tx_next_ms = gdoi_sched_retx_at(now, 1, retx_interval(g));
}

/* Replace what is due in g and start announcing it. */
static void
ks_rekey_start(struct ks *k, struct ks_group *g, uint64_t now, int kek_due)
{
	struct gdoi_gpolicy *p = &g->g_pol;
	uint64_t lead = gdoi_sched_tek_lead_s(KS_TEK_LEAD_S, retx_count(g), retx_interval(g));
	size_t i;
	unsigned nt = 0;

	ks_rekey_clear(g);
	/* the rekey travels under the KEK the members hold now */
	memcpy(g->g_tx_kek.kek_spi, p->gp_kek.kek_spi, sizeof(g->g_tx_kek.kek_spi));
	memcpy(g->g_tx_kek.kek_key, p->gp_kek.kek_key, sizeof(g->g_tx_kek.kek_key));
	g->g_tx_kek.kek_alg = p->gp_kek.kek_alg;
	g->g_tx_kek.kek_keybits = p->gp_kek.kek_keybits;
	for (i = 0; i < p->gp_ntek; i++) {
		struct gdoi_tek *tk = &p->gp_tek[i];
		uint64_t created = tk->tek_expiry_ms - (uint64_t)tk->tek_life_s * 1000;

		if (gdoi_sched_tek_rekey_at(created, tk->tek_life_s, lead) > now)
			continue;
		if (ks_new_tek(g, tk, now) < 0)
			return;
		nt++;
	}
	if (kek_due && ks_new_kek(k, g, now) < 0)
		return;
	if (gdoi_gpolicy_copy(&g->g_tx_pol, p) < 0)
		return;
	if (!kek_due)
		g->g_tx_pol.gp_has_kek = 0;
	g->g_tek_rekeys += nt > 0;
	g->g_kek_rekeys += kek_due != 0;
	gdoi_log("GDOI", GDOI_LOG_NOTICE, "KS_REKEY",
	    "Group %s: rekey with %u new TEK%s%s", g->g_name, nt, nt == 1 ? "" : "s",
	    kek_due ? " and a new KEK" : "");
	g->g_tx_active = 1;
	g->g_tx_sent = 0;
	memset(g->g_tx_seq, 0, sizeof(g->g_tx_seq));
	ks_rekey_send(k, g, now);
}

void
ks_rekey_tick(struct ks *k, uint64_t now)
{
	uint64_t kek;
	size_t i;

	for (i = 0; i < k->k_ngroups; i++) {
		struct ks_group *g = &k->k_groups[i];

		if (ks_group_rekey_at(k, g, &kek) <= now)
			ks_rekey_start(k, g, now, kek <= now);
		else if (g->g_tx_active && g->g_tx_next_ms <= now)
			ks_rekey_send(k, g, now);
	}
}
