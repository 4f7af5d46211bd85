/*
 * gdoi-ks rekeys: when each group's TEKs and KEK are replaced (sched.c),
 * the GROUPKEY-PUSH that announces them (push.c), its delivery by
 * multicast to the group address or by unicast to every registered
 * member, retransmissions, RFC 8263 acknowledgements (ack.c) and the
 * SEQ high-water mark kept on disk.
 *
 * A TEK rekey replaces every TEK whose rekey time has come and announces
 * the group's whole TEK set (the unchanged TEKs again, with their
 * remaining lifetimes).  A KEK rekey also announces the new KEK; it is
 * encrypted and signed under the KEK it replaces, and every later rekey
 * under the new one.  A policy rekey (the configuration changed under
 * SIGHUP) announces the TEKs made for the new policy at once.  Each
 * retransmission carries a new SEQ (as IOS does: "Sent seq num" lists
 * them), so a member that got the first copy takes a retransmission as a
 * repeat of what it holds, never as a replay.
 *
 * Acknowledgements (unicast, acknowledgement="true"): the rekey's SA KEK
 * carries KEK_ACK_REQUESTED, so every rekey announces the KEK (the
 * current one again when it does not change).  Retransmissions go only
 * to the members that have not acknowledged yet; one interval after the
 * last one the rekey is closed, and a member that acknowledged none of
 * its copies has missed it.  Three missed in a row remove the member
 * (KS_NACK_GM_EJECT, IOS's rule): it gets no more rekeys and stays in the
 * member list as removed until it registers again, which it does when its
 * keys run out.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "gdoi/ack.h"
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
/* SEQs reserved per write of the high-water mark */
#define KS_SEQ_BLOCK 64
/* consecutive unacknowledged rekeys that remove a member */
#define KS_ACK_EJECT 3

static uint32_t
retx_count(const struct ks_group *g)
{
	uint32_t n = g->g_conf->g_rekey.rk_retx_count;

	return n < KS_TX_SEQ_MAX ? n : KS_TX_SEQ_MAX - 1;
}

static uint32_t
retx_interval(const struct ks_group *g)
{
	return g->g_conf->g_rekey.rk_retx_interval != 0 ? g->g_conf->g_rekey.rk_retx_interval : 10;
}

static int
unicast_acks(const struct ks_group *g)
{
	return g->g_conf->g_rekey.rk_ack && !g->g_conf->g_rekey.rk_multicast;
}

/* Members that still get rekeys (not removed for missed ACKs). */
size_t
ks_group_active(const struct ks_group *g)
{
	/* the timer asks after every event: a count, not a walk of the members */
	return g->g_nmembers - g->g_nremoved;
}

/* When the scheduler replaces TEK tk of g (NEVER without a rekey SA). */
uint64_t
ks_tek_rekey_at(const struct ks_group *g, const struct gdoi_tek *tk)
{
	uint64_t lead = gdoi_sched_tek_lead_s(KS_TEK_LEAD_S, retx_count(g), retx_interval(g));

	if (!g->g_pol.gp_has_kek || g->g_sigkey == NULL)
		return GDOI_SCHED_NEVER;
	return gdoi_sched_tek_rekey_at(tk->tek_expiry_ms - (uint64_t)tk->tek_life_s * 1000,
	    tk->tek_life_s, lead);
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
	for (i = 0; i < p->gp_ntek; i++)
		if ((t = ks_tek_rekey_at(g, &p->gp_tek[i])) < best)
			best = t;
	lead = gdoi_sched_kek_lead_s(retx_count(g), retx_interval(g),
	    (uint32_t)ks_group_active(g), !p->gp_kek.kek_multicast);
	t = gdoi_sched_kek_rekey_at(g->g_kek_created_ms, p->gp_kek.kek_life_s, lead,
	    g->g_conf->g_rekey.rk_legacy);
	*kek_at = t;
	if (g->g_policy_pending || g->g_policy_kek || g->g_force_pending)
		best = 0; /* a configuration change or an operator's rekey: due now */
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
	g->g_tx_final = 0;
}

/* ------------------------------------------------------------------ */
/* SEQ high-water mark                                                 */

/*
 * Continue above the high-water mark a previous run left: g_seq starts
 * there, so the first SEQ sent (or handed out in a registration) is above
 * every one ever sent.  No file: a first start.
 */
int
ks_seq_load(struct ks *k, struct ks_group *g)
{
	/* the state file: ks.c (ks_state_paths) sets it beside the key */
	const char *path = g->g_seqpath;
	char line[64];
	unsigned long v;
	char *end;
	FILE *f;

	(void)k;
	if (path == NULL)
		return 0;
	f = fopen(path, "r");
	if (f == NULL) {
		if (errno == ENOENT)
			return 0;
		gdoi_log("GDOI", GDOI_LOG_ERR, "KS_SEQ_STATE", "Group %s: cannot read %s: %s",
		    g->g_name, path, strerror(errno));
		return -1;
	}
	if (fgets(line, sizeof(line), f) == NULL || strncmp(line, "seq ", 4) != 0 ||
	    (errno = 0, v = strtoul(line + 4, &end, 10), errno != 0) || end == line + 4 ||
	    (*end != '\n' && *end != '\0') || v > UINT32_MAX) {
		fclose(f);
		gdoi_log("GDOI", GDOI_LOG_ERR, "KS_SEQ_STATE",
		    "Group %s: %s is not a sequence number state file; refusing to guess",
		    g->g_name, path);
		return -1;
	}
	fclose(f);
	g->g_seq = g->g_seq_hw = (uint32_t)v;
	gdoi_log("GDOI", GDOI_LOG_INFO, "KS_SEQ_STATE",
	    "Group %s: rekey sequence numbers continue above %u (%s)", g->g_name, g->g_seq_hw,
	    path);
	return 0;
}

/* Write hw to the state file: a temporary file, fsync, rename. */
static int
seq_store(struct ks_group *g, uint32_t hw)
{
	const char *path = g->g_seqpath;
	char tmp[4300], line[32];
	int fd, n, ok;

	if (path == NULL)
		return -1;
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if (gdoi_mkdir_for(tmp) < 0)
		goto fail;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		goto fail;
	n = snprintf(line, sizeof(line), "seq %u\n", hw);
	ok = write(fd, line, (size_t)n) == n && fsync(fd) == 0;
	if (close(fd) != 0 || !ok || rename(tmp, path) != 0)
		goto fail;
	g->g_seq_hw = hw;
	return 0;
fail:
	gdoi_log("GDOI", GDOI_LOG_ERR, "KS_SEQ_STATE",
	    "Group %s: cannot store the sequence number in %s: %s; no rekey is sent", g->g_name,
	    path, strerror(errno));
	(void)unlink(tmp);
	return -1;
}

/* The next SEQ, with the high-water mark on disk first; 0 on failure. */
static uint32_t
seq_next(struct ks_group *g)
{
	if (g->g_seq == UINT32_MAX)
		return 0;
	if (g->g_seq + 1 > g->g_seq_hw) {
		uint32_t hw = g->g_seq > UINT32_MAX - KS_SEQ_BLOCK ? UINT32_MAX :
		    g->g_seq + KS_SEQ_BLOCK;

		if (seq_store(g, hw) < 0)
			return 0;
	}
	return ++g->g_seq;
}

/* ------------------------------------------------------------------ */
/* Sending                                                             */

/* The rekey destination (af, addr) on our port. */
static void
rekey_peer(const struct ks *k, uint8_t af, const uint8_t *addr, struct gdoi_p1_peer *to)
{
	memset(to, 0, sizeof(*to));
	to->pa_alen = af == 6 ? 16 : 4;
	memcpy(to->pa_addr, addr, to->pa_alen);
	to->pa_port = k->k_conf->c_port != 0 ? k->k_conf->c_port : 848;
}

static int
send_one(struct ks *k, uint8_t af, const uint8_t *addr, const uint8_t *msg, size_t len)
{
	struct gdoi_p1_peer to;
	int fd;

	rekey_peer(k, af, addr, &to);
	fd = gdoi_rt_udp_fd(&k->k_rt, af);
	return fd >= 0 && gdoi_udp_send(fd, &to, msg, len) == 0 ? 0 : -1;
}

/* Multicast: one datagram to the group address, from port 848. */
static size_t
send_multicast(struct ks *k, struct ks_group *g, const uint8_t *msg, size_t len)
{
	const struct gdoi_conf_rekey *rk = &g->g_conf->g_rekey;
	int fd = gdoi_rt_udp_fd(&k->k_rt, rk->rk_af), rc;
	char a[64];

	if (fd < 0 || (rc = gdoi_udp_mcast_out(fd, rk->rk_af, g->g_conf->g_local_addr,
	    rk->rk_ttl)) < 0 || send_one(k, rk->rk_af, rk->rk_addr, msg, len) < 0) {
		gdoi_log_rl(&k->k_rl_bad, ks_now(k), "GDOI", GDOI_LOG_WARNING, "SEND_FAILED",
		    "Group %s: multicast rekey to %s not sent: %s", g->g_name,
		    gdoi_addr_str(rk->rk_addr, rk->rk_af, a, sizeof(a)), strerror(errno));
		return 0;
	}
	return 1;
}

/* The members of one sendmmsg batch (same address family, same bytes). */
struct uc_batch {
	struct ks_member *ub_m[GDOI_UDP_BATCH];
	struct gdoi_p1_peer ub_to[GDOI_UDP_BATCH];
	uint8_t ub_sent[GDOI_UDP_BATCH];
	size_t ub_n;
	uint8_t ub_af;
};

static size_t
uc_flush(struct ks *k, struct uc_batch *b, const uint8_t *msg, size_t len, int first)
{
	int fd = gdoi_rt_udp_fd(&k->k_rt, b->ub_af);
	size_t i, n = 0;

	if (b->ub_n == 0)
		return 0;
	if (fd >= 0)
		n = gdoi_udp_send_many(fd, b->ub_to, b->ub_n, msg, len, b->ub_sent);
	for (i = 0; fd >= 0 && i < b->ub_n; i++) {
		if (!b->ub_sent[i])
			continue;
		if (first)
			b->ub_m[i]->m_rekeys_sent++;
		else
			b->ub_m[i]->m_rekey_retries++;
	}
	b->ub_n = 0;
	return n;
}

/*
 * Unicast: to every target of this rekey (that has not acknowledged).
 * The same bytes go to every member: GDOI_UDP_BATCH members per sendmmsg.
 */
static size_t
send_unicast(struct ks *k, struct ks_group *g, const uint8_t *msg, size_t len, int first)
{
	static struct uc_batch b;
	struct ks_member *m;
	size_t n = 0;

	b.ub_n = 0;
	for (m = g->g_members; m != NULL; m = m->m_next) {
		if (!m->m_in_tx || (g->g_tx_ack && m->m_tx_acked))
			continue;
		if (b.ub_n > 0 && (b.ub_af != m->m_af || b.ub_n == GDOI_UDP_BATCH))
			n += uc_flush(k, &b, msg, len, first);
		b.ub_af = m->m_af;
		rekey_peer(k, m->m_af, m->m_addr, &b.ub_to[b.ub_n]);
		b.ub_m[b.ub_n++] = m;
	}
	n += uc_flush(k, &b, msg, len, first);
	return n;
}

/* Close the rekey in flight: count what was not acknowledged. */
static void
ks_rekey_finish(struct ks *k, struct ks_group *g, uint64_t now, int count)
{
	struct ks_member *m;
	char a[64];

	for (m = g->g_members; m != NULL; m = m->m_next) {
		if (!m->m_in_tx)
			continue;
		m->m_in_tx = 0;
		if (!count || !g->g_tx_ack || m->m_tx_acked)
			continue;
		m->m_acks_missed++;
		if (++m->m_missed_run < KS_ACK_EJECT || m->m_ejected) {
			gdoi_log_rl(&k->k_rl_ack, now, "GDOI", GDOI_LOG_NOTICE, "KS_GM_ACK_MISSED",
			    "Group %s: member %s did not acknowledge the rekey with seq # %u (%u in "
			    "a row)", g->g_name, gdoi_addr_str(m->m_addr, m->m_af, a, sizeof(a)),
			    g->g_tx_seq[0], m->m_missed_run);
			continue;
		}
		m->m_ejected = 1;
		g->g_nremoved++;
		g->g_ejected++;
		gdoi_log("GDOI", GDOI_LOG_WARNING, "KS_NACK_GM_EJECT",
		    "Group %s: member %s did not acknowledge %u rekeys in a row and was removed; "
		    "it gets no more rekeys until it registers again", g->g_name,
		    gdoi_addr_str(m->m_addr, m->m_af, a, sizeof(a)), m->m_missed_run);
	}
	g->g_last_rekey_dur_ms = now - g->g_tx_start_ms;
	ks_rekey_clear(g);
}

/* Build the rekey in flight with a new SEQ and send it. */
static void
ks_rekey_send(struct ks *k, struct ks_group *g, uint64_t now)
{
	static uint8_t msg[GDOI_PULL_MSG_MAX];
	const struct gdoi_conf_rekey *rk = &g->g_conf->g_rekey;
	struct gdoi_push_ks in;
	char a[64], b[64];
	size_t len = 0, n;
	int rc, first = g->g_tx_sent == 0;

	memset(&in, 0, sizeof(in));
	in.ks_kek = &g->g_tx_kek;
	in.ks_sign = g->g_sigkey;
	in.ks_sig_hash = g->g_pol.gp_kek.kek_sig_hash;
	in.ks_pol = &g->g_tx_pol;
	in.ks_now_ms = now;
	in.ks_ack = g->g_tx_ack;
	if ((in.ks_seq = seq_next(g)) == 0) {
		ks_rekey_finish(k, g, now, 0);
		return;
	}
	rc = gdoi_push_build(&in, msg, sizeof(msg), &len);
	if (rc < 0) {
		gdoi_log("GDOI", GDOI_LOG_ERR, "KS_REKEY_FAILED",
		    "Group %s: cannot build the rekey: %s", g->g_name, gdoi_strerror(rc));
		ks_rekey_finish(k, g, now, 0);
		return;
	}
	if (g->g_tx_sent < KS_TX_SEQ_MAX)
		g->g_tx_seq[g->g_tx_sent] = in.ks_seq;
	n = rk->rk_multicast ? send_multicast(k, g, msg, len) : send_unicast(k, g, msg, len, first);
	k->k_tx += n;
	if (first) {
		g->g_rekeys_sent++;
		if (rk->rk_multicast)
			gdoi_log("GDOI", GDOI_LOG_NOTICE, "KS_SEND_MCAST_REKEY",
			    "Sending Multicast Rekey for group %s from address %s to %s with seq # %u",
			    g->g_name, gdoi_addr_str(g->g_conf->g_local_addr,
				g->g_conf->g_local_af != 0 ? g->g_conf->g_local_af : 4, a, sizeof(a)),
			    gdoi_addr_str(rk->rk_addr, rk->rk_af, b, sizeof(b)), in.ks_seq);
		else
			gdoi_log("GDOI", GDOI_LOG_NOTICE, "KS_SEND_UNICAST_REKEY",
			    "Sending Unicast Rekey for group %s from address %s with seq # %u to "
			    "%zu member%s", g->g_name, gdoi_addr_str(g->g_conf->g_local_addr,
				g->g_conf->g_local_af != 0 ? g->g_conf->g_local_af : 4, a, sizeof(a)),
			    in.ks_seq, n, n == 1 ? "" : "s");
	} else {
		g->g_retx_sent++;
		g->g_last_retx++;
		gdoi_debug("rekey", "group %s: retransmission %u, seq %u, %zu datagram%s", g->g_name,
		    g->g_tx_sent, in.ks_seq, n, n == 1 ? "" : "s");
	}
	g->g_tx_sent++;
	g->g_last_rekey_ms = now;
	if (g->g_tx_sent <= retx_count(g)) {
		g->g_tx_next_ms = gdoi_sched_retx_at(now, 1, retx_interval(g));
	} else if (g->g_tx_ack) {
		/* wait one interval for the acknowledgements of the last copy */
		g->g_tx_final = 1;
		g->g_tx_next_ms = gdoi_sched_retx_at(now, 1, retx_interval(g));
	} else {
		ks_rekey_finish(k, g, now, 1);
	}
}

/* Replace what is due in g and start announcing it. */
static void
ks_rekey_start(struct ks *k, struct ks_group *g, uint64_t now, int kek_due)
{
	struct gdoi_gpolicy *p = &g->g_pol;
	struct ks_member *m;
	int new_teks = g->g_policy_pending, policy = new_teks || g->g_policy_kek;
	int force = g->g_force_pending;
	size_t i;
	unsigned nt = 0;

	if (g->g_tx_active)
		ks_rekey_finish(k, g, now, 1); /* a new rekey overtakes the one in flight */
	/* the rekey travels under the KEK the members hold now */
	memcpy(g->g_tx_kek.kek_spi, p->gp_kek.kek_spi, sizeof(g->g_tx_kek.kek_spi));
	memcpy(g->g_tx_kek.kek_key, p->gp_kek.kek_key, sizeof(g->g_tx_kek.kek_key));
	g->g_tx_kek.kek_alg = p->gp_kek.kek_alg;
	g->g_tx_kek.kek_keybits = p->gp_kek.kek_keybits;
	g->g_tx_kek.kek_sig_hash = p->gp_kek.kek_sig_hash;
	for (i = 0; i < p->gp_ntek; i++) {
		struct gdoi_tek *tk = &p->gp_tek[i];

		if (new_teks) { /* made for the new policy by ks_apply_groups */
			nt++;
			continue;
		}
		if (!force && ks_tek_rekey_at(g, tk) > now)
			continue;
		if (ks_new_tek(g, tk, now) < 0)
			return;
		nt++;
	}
	kek_due = kek_due || g->g_policy_kek;
	g->g_policy_pending = g->g_policy_kek = g->g_force_pending = 0;
	if (kek_due && ks_new_kek(k, g, now) < 0)
		return;
	if (gdoi_gpolicy_copy(&g->g_tx_pol, p) < 0)
		return;
	g->g_tx_ack = unicast_acks(g) ? GDOI_ACK_HMAC_SHA256 : 0;
	/* KEK_ACK_REQUESTED travels in the SA KEK: with acknowledgements the
	 * KEK is announced in every rekey (the held one again when it stays) */
	if (!kek_due && !g->g_tx_ack)
		g->g_tx_pol.gp_has_kek = 0;
	g->g_tek_rekeys += nt > 0 && !policy;
	g->g_kek_rekeys += kek_due != 0;
	g->g_policy_rekeys += policy != 0;
	gdoi_log("GDOI", GDOI_LOG_NOTICE, "KS_REKEY",
	    "Group %s: %srekey with %u new TEK%s%s", g->g_name, policy ? "policy change " :
	    force ? "operator's " : "", nt, nt == 1 ? "" : "s", kek_due ? " and a new KEK" : "");
	g->g_tx_pending = 0;
	for (m = g->g_members; m != NULL; m = m->m_next) {
		m->m_in_tx = !m->m_ejected;
		m->m_tx_acked = 0;
		g->g_tx_pending += m->m_in_tx;
	}
	g->g_tx_active = 1;
	g->g_tx_sent = 0;
	g->g_tx_final = 0;
	g->g_last_retx = 0;
	g->g_tx_start_ms = now;
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
		else if (g->g_tx_active && g->g_tx_next_ms <= now) {
			if (g->g_tx_final)
				ks_rekey_finish(k, g, now, 1);
			else
				ks_rekey_send(k, g, now);
		}
	}
}

/* ------------------------------------------------------------------ */
/* Acknowledgements                                                    */

static int
seq_of_rekey(const struct ks_group *g, uint32_t seq)
{
	uint32_t i;

	for (i = 0; i < g->g_tx_sent && i < KS_TX_SEQ_MAX; i++)
		if (g->g_tx_seq[i] == seq)
			return 1;
	return 0;
}

/* The member at addr whose ID (an address) is that address too. */
static struct ks_member *
member_for_ack(struct ks_group *g, const struct gdoi_p1_peer *peer,
    const struct gdoi_ack_rx *rx)
{
	if (rx->ar_idlen != peer->pa_alen || memcmp(rx->ar_id, peer->pa_addr, peer->pa_alen) != 0)
		return NULL;
	return ks_member_find(g, peer->pa_alen == 16 ? 6 : 4, peer->pa_addr);
}

void
ks_rekey_ack_input(struct ks *k, const struct gdoi_p1_peer *peer, const uint8_t *msg,
    size_t len)
{
	struct gdoi_ack_rx rx;
	struct ks_group *g = NULL;
	struct ks_member *m = NULL;
	const char *why = NULL;
	char from[64];
	uint64_t now = ks_now(k);
	size_t i;

	gdoi_peer_str(peer, from, sizeof(from));
	memset(&rx, 0, sizeof(rx));
	if (gdoi_ack_peek(msg, len, &rx, NULL) < 0) {
		k->k_rx_bad++;
		gdoi_log_rl(&k->k_rl_bad, now, "GDOI", GDOI_LOG_WARNING, "KS_BAD_ACK",
		    "Rekey acknowledgement from %s dropped: malformed", from);
		return;
	}
	for (i = 0; i < k->k_ngroups && g == NULL; i++)
		if (k->k_groups[i].g_tx_active && k->k_groups[i].g_tx_ack &&
		    memcmp(k->k_groups[i].g_tx_kek.kek_spi, rx.ar_spi, GDOI_KEK_SPI_LEN) == 0)
			g = &k->k_groups[i];
	if (g == NULL)
		why = "no rekey awaits acknowledgements under its KEK (late or unsolicited)";
	else if (gdoi_ack_verify(&g->g_tx_kek, g->g_tx_ack, msg, len, &rx, NULL) < 0)
		why = "its hash does not verify";
	else if ((m = member_for_ack(g, peer, &rx)) == NULL)
		why = "not from a registered member (or its ID is not its address)";
	else if (!seq_of_rekey(g, rx.ar_seq))
		why = "its sequence number is not one of the rekey's";
	if (why != NULL) {
		if (g != NULL)
			g->g_acks_bad++;
		k->k_rx_bad++;
		gdoi_log_rl(&k->k_rl_bad, now, "GDOI", GDOI_LOG_WARNING, "KS_UNSOL_ACK",
		    "Rekey acknowledgement from %s dropped: %s", from, why);
		return;
	}
	if (m->m_tx_acked || !m->m_in_tx)
		return; /* a second copy, or a member added after the rekey started */
	m->m_tx_acked = 1;
	m->m_acks_rcvd++;
	m->m_missed_run = 0;
	m->m_last_ack_seq = rx.ar_seq;
	g->g_acks_rcvd++;
	if (g->g_tx_pending > 0)
		g->g_tx_pending--;
	gdoi_debug("rekey", "group %s: %s acknowledged seq %u", g->g_name, from, rx.ar_seq);
	if (g->g_tx_pending == 0) /* every target has it: no retransmission needed */
		ks_rekey_finish(k, g, now, 1);
}

/*
 * "crypto gdoi ks rekey": replace every TEK of g (new SPIs and keys) and
 * announce them at once, as a scheduled TEK rekey would.  0, or -1 when g
 * has no rekey SA (its members get new keys only by registering).
 */
int
ks_rekey_force(struct ks *k, struct ks_group *g)
{
	(void)k;
	if (!g->g_pol.gp_has_kek || g->g_sigkey == NULL)
		return -1;
	g->g_force_pending = 1;
	return 0;
}
