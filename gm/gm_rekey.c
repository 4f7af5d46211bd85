/*
 * gdoi-gm rekeys: a GROUPKEY-PUSH is matched to its group by the KEK SPI
 * in its cookies, opened with push.c (decryption under the KEK, the KS
 * signature, SEQ above the last one), and what it announces installed:
 * a new KEK replaces ours, the announced TEKs become the group's TEKs,
 * and a TEK they replace stays in g_prev for inbound traffic until it
 * expires.  A refused datagram is counted by reason and logged (rate
 * limited).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "gdoi/ack.h"
#include "gdoi/push.h"
#include "gdoi/sched.h"
#include "gdoi/wire.h"
#include "gm.h"

/* ------------------------------------------------------------------ */
/* Multicast rekeys: the group address of the KEK held, joined on our  */
/* socket of its family                                                 */

void
gm_mcast_leave(struct gm *m, struct gm_group *g)
{
	(void)m;
	if (g->g_mcast_af == 0)
		return;
	(void)gdoi_udp_mcast_join(g->g_mcast_fd, g->g_mcast_af, g->g_mcast_addr, g->g_local, 0);
	g->g_mcast_af = 0;
}

void
gm_mcast_update(struct gm *m, struct gm_group *g)
{
	const struct gdoi_kek *k = &g->g_pol.gp_kek;
	size_t alen = k->kek_af == 6 ? 16 : 4;
	char a[64];
	int fd, rc;

	if (!g->g_has_pol || !g->g_pol.gp_has_kek || !k->kek_multicast) {
		gm_mcast_leave(m, g);
		return;
	}
	if (g->g_mcast_af == k->kek_af && memcmp(g->g_mcast_addr, k->kek_dst, alen) == 0)
		return;
	gm_mcast_leave(m, g);
	fd = gdoi_rt_udp_fd(&m->m_rt, k->kek_af);
	gdoi_addr_str(k->kek_dst, k->kek_af, a, sizeof(a));
	rc = fd < 0 ? -EAFNOSUPPORT : gdoi_udp_mcast_join(fd, k->kek_af, k->kek_dst, g->g_local, 1);
	if (rc < 0 && rc != -EADDRINUSE) {
		gdoi_log("GDOI", GDOI_LOG_WARNING, "GM_MCAST_JOIN_FAILED",
		    "Group %s: cannot join the rekey group %s: %s; rekeys will not arrive, the "
		    "member re-registers before its keys expire", g->g_name, a, strerror(-rc));
		return;
	}
	g->g_mcast_af = k->kek_af;
	memcpy(g->g_mcast_addr, k->kek_dst, sizeof(g->g_mcast_addr));
	g->g_mcast_fd = fd;
	gdoi_log("GDOI", GDOI_LOG_NOTICE, "GM_REKEY_TRANS_2_MULTI",
	    "Group %s transitioned to multicast rekey (group %s)", g->g_name, a);
}

/* ------------------------------------------------------------------ */
/* RFC 8263 acknowledgement                                             */

/* Build the ACK of seq under kek (the KEK that protected the PUSH). */
static size_t
ack_build(const struct gm_group *g, const struct gdoi_kek *kek, uint16_t type, uint32_t seq,
    uint8_t *out, size_t cap)
{
	struct gdoi_ack_in in;
	size_t len = 0;

	memset(&in, 0, sizeof(in));
	in.ai_kek = kek;
	in.ai_type = type;
	in.ai_seq = seq;
	in.ai_id_type = g->g_local_af == 6 ? ID_IPV6_ADDR : ID_IPV4_ADDR;
	in.ai_id = g->g_local;
	in.ai_idlen = g->g_local_af == 6 ? 16 : 4;
	return gdoi_ack_build(&in, out, cap, &len) < 0 ? 0 : len;
}

static void
ack_send(struct gm *m, struct gm_group *g, const struct gdoi_p1_peer *to, const uint8_t *msg,
    size_t len)
{
	int fd = gdoi_rt_udp_fd(&m->m_rt, to->pa_alen == 16 ? 6 : 4);
	char a[64];

	if (len == 0 || fd < 0 || gdoi_udp_send(fd, to, msg, len) < 0) {
		gdoi_log_rl(&m->m_rl_bad, gm_now(m), "GDOI", GDOI_LOG_WARNING, "SEND_FAILED",
		    "Group %s: rekey acknowledgement to %s not sent", g->g_name,
		    gdoi_peer_str(to, a, sizeof(a)));
		return;
	}
	m->m_tx++;
	g->g_acks_sent++;
}

/* The group and KEK a PUSH is for, by the KEK SPI in its cookies. */
static struct gm_group *
group_for_spi(struct gm *m, const uint8_t *spi, uint64_t now, const struct gdoi_kek **kek)
{
	size_t i;

	for (i = 0; i < m->m_ngroups; i++) {
		struct gm_group *g = &m->m_groups[i];

		if (!g->g_has_pol)
			continue;
		if (g->g_pol.gp_has_kek &&
		    memcmp(g->g_pol.gp_kek.kek_spi, spi, GDOI_KEK_SPI_LEN) == 0) {
			*kek = &g->g_pol.gp_kek;
			return g;
		}
		if (g->g_has_prev_kek && g->g_prev_kek.kek_expiry_ms > now &&
		    memcmp(g->g_prev_kek.kek_spi, spi, GDOI_KEK_SPI_LEN) == 0) {
			*kek = &g->g_prev_kek;
			return g;
		}
	}
	return NULL;
}

/*
 * A PUSH under the KEK we deleted at its expiry, shortly after: the KS
 * rekeys the KEK only when it expires (old behaviour).  It cannot be read
 * any more (the key is gone; the registration that follows brings the new
 * KEK), but from now on the expiring KEK is kept for the KS's retransmit
 * span, so that the next KEK rekey is taken without a registration.
 */
static int
late_for_deleted_kek(struct gm *m, const uint8_t *spi, uint64_t now)
{
	size_t i;

	for (i = 0; i < m->m_ngroups; i++) {
		struct gm_group *g = &m->m_groups[i];

		if (!g->g_kek_deleted || memcmp(g->g_deleted_kek_spi, spi, GDOI_KEK_SPI_LEN) != 0 ||
		    now > gdoi_sched_gm_deleted_kek_end_ms(g->g_deleted_kek_expiry))
			continue;
		if (!g->g_legacy.old_ks && !g->g_conf->g_gm_naive) {
			g->g_legacy.old_ks = 1;
			gdoi_log("GDOI", GDOI_LOG_NOTICE, "GM_KS_LEGACY_KEK_REKEY",
			    "Group %s: a KEK rekey arrived after the KEK expired: the KS rekeys the "
			    "KEK only at expiry; the expiring KEK will be kept for receiving it",
			    g->g_name);
		}
		g->g_rejected[PUSH_WRONG_KEK]++;
		gdoi_debug("rekey", "group %s: rekey under the deleted KEK dropped", g->g_name);
		return 1;
	}
	return 0;
}

void
gm_prev_kek_clear(struct gm_group *g)
{
	gdoi_kek_clear(&g->g_prev_kek);
	g->g_has_prev_kek = 0;
}

/* Keep the TEKs of the old policy that the new one drops, for inbound. */
static void
keep_previous(struct gm_group *g, const struct gdoi_gpolicy *np, uint64_t now)
{
	size_t i, j, o = 0;

	for (i = 0; i < g->g_nprev; i++)
		if (g->g_prev[i].tek_expiry_ms > now)
			g->g_prev[o++] = g->g_prev[i];
	/* the slots left behind held keys */
	OPENSSL_cleanse(&g->g_prev[o], (g->g_nprev - o) * sizeof(g->g_prev[0]));
	g->g_nprev = o;
	for (i = 0; i < g->g_pol.gp_ntek; i++) {
		const struct gdoi_tek *t = &g->g_pol.gp_tek[i];

		for (j = 0; j < np->gp_ntek; j++)
			if (np->gp_tek[j].tek_spi == t->tek_spi)
				break;
		if (j < np->gp_ntek || t->tek_expiry_ms <= now)
			continue;
		if (g->g_nprev == GDOI_TEK_MAX) {
			memmove(&g->g_prev[0], &g->g_prev[1], (GDOI_TEK_MAX - 1) * sizeof(g->g_prev[0]));
			g->g_nprev--;
			OPENSSL_cleanse(&g->g_prev[g->g_nprev], sizeof(g->g_prev[0]));
		}
		g->g_prev[g->g_nprev++] = *t;
	}
}

/* Does np announce anything we do not hold already? */
static int
is_repeat(const struct gm_group *g, const struct gdoi_gpolicy *np)
{
	size_t i, j;

	if (np->gp_has_kek && memcmp(np->gp_kek.kek_spi, g->g_pol.gp_kek.kek_spi,
	    GDOI_KEK_SPI_LEN) != 0)
		return 0;
	for (i = 0; i < np->gp_ntek; i++) {
		for (j = 0; j < g->g_pol.gp_ntek; j++)
			if (np->gp_tek[i].tek_spi == g->g_pol.gp_tek[j].tek_spi)
				break;
		if (j == g->g_pol.gp_ntek)
			return 0;
	}
	return 1;
}

/* The group's policy after rx: what rx announces, the rest as it was. */
static int
install(struct gm_group *g, struct gdoi_push_rx *rx, uint64_t now, int *new_kek, int *new_tek)
{
	const struct gdoi_gpolicy *a = &rx->rx_pol, *cur = &g->g_pol;
	struct gdoi_gpolicy np;

	/* with acknowledgements the KS announces the KEK in every rekey: the
	 * one we hold again is not a new one */
	*new_kek = a->gp_has_kek && (!cur->gp_has_kek ||
	    memcmp(a->gp_kek.kek_spi, cur->gp_kek.kek_spi, GDOI_KEK_SPI_LEN) != 0);
	*new_tek = a->gp_ntek > 0;
	memset(&np, 0, sizeof(np));
	if (gdoi_gpolicy_copy(&np, a) < 0)
		return -1;
	if (a->gp_ntek == 0) {
		memcpy(np.gp_tek, cur->gp_tek, sizeof(np.gp_tek));
		np.gp_ntek = cur->gp_ntek;
		memcpy(np.gp_acl, cur->gp_acl, sizeof(np.gp_acl));
		np.gp_nacl = cur->gp_nacl;
	}
	if (!a->gp_has_kek) {
		if (gdoi_kek_copy(&np.gp_kek, &cur->gp_kek) != GDOI_OK) {
			gdoi_gpolicy_clear(&np);
			return -1;
		}
		np.gp_has_kek = 1;
	}
	if (*new_kek && cur->gp_has_kek) {
		/* keep the replaced KEK (it owns its kek_pub from now on) */
		gm_prev_kek_clear(g);
		g->g_prev_kek = cur->gp_kek;
		g->g_has_prev_kek = 1;
		g->g_pol.gp_kek.kek_pub = NULL;
		g->g_pol.gp_kek.kek_publen = 0;
	}
	np.gp_group = cur->gp_group;
	np.gp_seq = rx->rx_seq;
	np.gp_has_seq = 1;
	keep_previous(g, &np, now);
	gdoi_gpolicy_clear(&g->g_pol);
	g->g_pol = np;
	return 0;
}

void
gm_rekey_input(struct gm *m, const struct gdoi_p1_peer *peer, const uint8_t *msg, size_t len)
{
	static struct gdoi_push_rx rx;
	static uint8_t ack[GDOI_ACK_MSG_MAX];
	size_t acklen = 0;
	int want_ack;
	uint64_t old_kek_expiry;
	struct gm_group *g = NULL;
	const struct gdoi_kek *kek = NULL;
	uint64_t now = gm_now(m);
	char from[64], me[64];
	int rc, nk = 0, nt = 0;
	size_t i;

	gdoi_peer_str(peer, from, sizeof(from));
	if (len < ISAKMP_HDR_LEN || (g = group_for_spi(m, msg, now, &kek)) == NULL) {
		if (len >= ISAKMP_HDR_LEN && late_for_deleted_kek(m, msg, now))
			return;
		m->m_rx_bad++;
		gdoi_log_rl(&m->m_rl_bad, now, "GDOI", GDOI_LOG_WARNING, "GM_REKEY_REJECTED",
		    "Rekey from %s dropped: %s", from,
		    len < ISAKMP_HDR_LEN ? "shorter than an ISAKMP header" :
		    "its KEK SPI is not one of ours");
		return;
	}
	memset(&rx, 0, sizeof(rx));
	rc = gdoi_push_open(kek, msg, len, g->g_pol.gp_seq, g->g_pol.gp_has_seq, now,
	    &rx, NULL);
	if (rc < 0) {
		if ((size_t)rx.rx_reason < sizeof(g->g_rejected) / sizeof(g->g_rejected[0]))
			g->g_rejected[rx.rx_reason]++;
		m->m_rx_bad++;
		gdoi_log_rl(&m->m_rl_bad, now, "GDOI", GDOI_LOG_WARNING, "GM_REKEY_REJECTED",
		    "Rekey for group %s from %s dropped: %s", g->g_name, from,
		    gdoi_push_reason_name(rx.rx_reason));
		gdoi_push_rx_clear(&rx);
		return;
	}
	g->g_rekeys++;
	g->g_rekeys_since_reg++;
	if (kek->kek_multicast)
		g->g_mcast_rekeys++;
	else
		g->g_unicast_rekeys++;
	g->g_last_rekey_from = *peer;
	g->g_last_rekey_time = time(NULL);
	/* RFC 8263: acknowledge, keyed by the KEK that protected it (built
	 * now: installing a new KEK replaces that one), to where it came from */
	if ((want_ack = rx.rx_ack != 0))
		acklen = ack_build(g, kek, rx.rx_ack, rx.rx_seq, ack, sizeof(ack));
	if (!rx.rx_has_sa || is_repeat(g, &rx.rx_pol)) {
		/* a retransmission of what we hold: only SEQ moves (acknowledged
		 * again: the KS retransmits because our first ACK was lost) */
		g->g_rekey_repeats++;
		g->g_pol.gp_seq = rx.rx_seq;
		g->g_pol.gp_has_seq = 1;
		gdoi_push_rx_clear(&rx);
		if (want_ack)
			ack_send(m, g, peer, ack, acklen);
		return;
	}
	old_kek_expiry = g->g_pol.gp_kek.kek_expiry_ms;
	if (install(g, &rx, now, &nk, &nt) < 0) {
		g->g_rejected[PUSH_INTERNAL]++;
		gdoi_push_rx_clear(&rx);
		return;
	}
	if (nk) /* what the naive policy would have needed for this KEK rekey */
		g->g_naive_model += gdoi_sched_gm_naive_regs(old_kek_expiry, now);
	if (nk && !g->g_conf->g_gm_naive) {
		/* when did it come?  after expiry: taken in the grace (old KS);
		 * within GDOI_SCHED_LEGACY_EVIDENCE_S of it: an old KS too */
		if (now >= old_kek_expiry)
			g->g_legacy_grace_used++;
		if (gdoi_sched_gm_kek_rekey_late(now, old_kek_expiry)) {
			if (!g->g_legacy.old_ks)
				gdoi_log("GDOI", GDOI_LOG_NOTICE, "GM_KS_LEGACY_KEK_REKEY",
				    "Group %s: the KEK rekey came at expiry: the KS rekeys the KEK "
				    "only then; the expiring KEK will be kept for receiving it",
				    g->g_name);
			g->g_legacy.old_ks = 1;
		} else if (gdoi_sched_gm_note_kek_rekey(&g->g_legacy, now, old_kek_expiry) == 1) {
			gdoi_log("GDOI", GDOI_LOG_NOTICE, "GM_KS_KEK_REKEY_EARLY",
			    "Group %s: the KS now rekeys the KEK before expiry", g->g_name);
		}
	}
	if (want_ack)
		ack_send(m, g, peer, ack, acklen);
	gm_mcast_update(m, g);
	for (i = 0; i < rx.rx_ndel_tek; i++)
		gdoi_debug("rekey", "group %s: the KS withdrew TEK 0x%08X", g->g_name,
		    rx.rx_del_tek[i]);
	gdoi_push_rx_clear(&rx);
	gdoi_addr_str(g->g_local, g->g_local_af, me, sizeof(me));
	gdoi_log("GDOI", GDOI_LOG_NOTICE, "GM_RECV_REKEY",
	    "Received Rekey for group %s from %s to %s with seq # %u", g->g_name, from, me,
	    g->g_pol.gp_seq);
	if (nk)
		gdoi_log("GDOI", GDOI_LOG_NOTICE, "SA_KEK_UPDATED", "SA KEK was updated");
	if (nt)
		gdoi_log("GDOI", GDOI_LOG_NOTICE, "SA_TEK_UPDATED", "SA TEK was updated");
	gm_schedule(m, g);
}
