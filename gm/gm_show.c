/*
 * gdoi-gm control requests: "show crypto gdoi [gm [rekey detail]]" and
 * "clear crypto gdoi" (reload and debug are the runtime's, daemon.c).
 * Keys of the reply tree are the stable contract
 * (gdoictl -f keyvalue); labels follow the IOS group member output.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "gdoi/buf.h"
#include "gdoi/ctl.h"
#include "gdoi/push.h"
#include "gdoi/wire.h"
#include "gm.h"
#include "gm_dp.h"

const char *
gm_state_text(enum gm_state st)
{
	switch (st) {
	case GM_REGISTERED: return "Registered";
	case GM_P1:
	case GM_PULL: return "Registering";
	case GM_BACKOFF: return "Not registered";
	default: return "Not started";
	}
}

static void
show_group(struct gm *m, struct gdoi_tree *t, const struct gm_group *g, uint64_t now)
{
	const struct gdoi_conf_group *c = g->g_conf;
	const struct gdoi_gpolicy *p = &g->g_pol;
	char a[64], list[512], key[24], line[192], label[128];
	size_t i, off = 0;

	list[0] = '\0';
	for (i = 0; i < c->g_nserver; i++)
		off += (size_t)snprintf(list + off, off < sizeof(list) ? sizeof(list) - off : 0,
		    "%s%s", i ? ", " : "",
		    gdoi_addr_str(c->g_server[i].sv_addr, c->g_server[i].sv_af, a, sizeof(a)));
	gdoi_tree_open(t, g->g_name, NULL);
	gdoi_tree_attr(t, "name", "Group Name", "%s", g->g_name);
	gdoi_tree_attr(t, "identity", "Group Identity", "%u", c->g_identity);
	gdoi_tree_attr(t, "type", "Group Type", "%s", "GDOI (ISAKMP)");
	gdoi_tree_attr(t, "crypto_path", "Crypto Path", "%s",
	    g->g_local_af == 6 ? "ipv6" : "ipv4");
	gdoi_tree_attr(t, "km_path", "Key Management Path", "%s",
	    g->g_local_af == 6 ? "ipv6" : "ipv4");
	gdoi_tree_attr(t, "rekeys_received", "Rekeys received", "%u", g->g_rekeys);
	gdoi_tree_attr(t, "sa_direction", "IPSec SA Direction", "%s", "Both");
	gdoi_tree_attr(t, "server_list", "Group Server list", "%s", list);
	gdoi_tree_attr(t, "local_address", "Group member", "%s  vrf: None",
	    gdoi_addr_str(g->g_local, g->g_local_af != 0 ? g->g_local_af : 4, a, sizeof(a)));
	gdoi_tree_attr(t, "version", "Version", "%s", PACKAGE_VERSION);
	gdoi_tree_attr(t, "registration_status", "Registration status", "%s",
	    gm_state_text(g->g_state));
	gdoi_tree_attr(t, "registered_with", "Registered with", "%s",
	    g->g_has_pol ? gdoi_peer_str(&g->g_reg_ks, a, sizeof(a)) : "-");
	if (g->g_state == GM_REGISTERED || g->g_state == GM_BACKOFF)
		gdoi_tree_attr(t, "reregisters_in", "Re-registers in", "%u sec",
		    gdoi_remaining_s(gm_rereg_display(m, g), now));
	gdoi_tree_attr(t, "succeeded_registrations", "Succeeded registration", "%u",
	    g->g_succeeded);
	gdoi_tree_attr(t, "attempted_registrations", "Attempted registration", "%u",
	    g->g_attempted);
	gdoi_tree_attr(t, "last_rekey_from", "Last rekey from", "%s",
	    g->g_rekeys > 0 ? gdoi_peer_str(&g->g_last_rekey_from, a, sizeof(a)) : "0.0.0.0");
	gdoi_tree_attr(t, "last_rekey_seq", "Last rekey seq num", "%u", p->gp_seq);
	gdoi_tree_attr(t, "unicast_rekeys_received", "Unicast rekey received", "%u",
	    g->g_unicast_rekeys);
	gdoi_tree_attr(t, "multicast_rekeys_received", "Multicast rekey received", "%u",
	    g->g_mcast_rekeys);
	gdoi_tree_attr(t, "rekey_acks_sent", "Rekey ACKs sent", "%u", g->g_acks_sent);
	gdoi_tree_attr(t, "ks_kek_rekey", "KS KEK rekey", "%s",
	    g->g_legacy.old_ks ? "at expiry (old behaviour)" : "before expiry");
	gdoi_tree_attr(t, "kek_reregistration", "KEK re-registration", "%s",
	    c->g_gm_naive ? "naive" : "adaptive");
	gdoi_tree_open(t, "rekeys", "Rekeys cumulative");
	gdoi_tree_attr(t, "total", "Total received", "%u", g->g_rekeys);
	gdoi_tree_attr(t, "after_register", "After latest register", "%u", g->g_rekeys_since_reg);
	gdoi_tree_attr(t, "repeats", "Retransmissions of held keys", "%u", g->g_rekey_repeats);
	gdoi_tree_attr(t, "kek_in_grace", "KEK rekeys taken after expiry (old KS)", "%u",
	    g->g_legacy_grace_used);
	gdoi_tree_attr(t, "kek_probe_registrations", "Registrations for a late KEK rekey", "%u",
	    g->g_regs_kek_probe);
	gdoi_tree_attr(t, "naive_model", "Registrations a naive member would have made",
	    "%u", g->g_naive_model);
	gdoi_tree_attr(t, "rejected_sig", "Rejected: bad signature", "%u", g->g_rejected[PUSH_BAD_SIG]);
	gdoi_tree_attr(t, "rejected_replay", "Rejected: replayed SEQ", "%u",
	    g->g_rejected[PUSH_REPLAY]);
	gdoi_tree_attr(t, "rejected_malformed", "Rejected: malformed", "%u",
	    g->g_rejected[PUSH_BAD_HDR] + g->g_rejected[PUSH_DECRYPT] +
	    g->g_rejected[PUSH_MALFORMED] + g->g_rejected[PUSH_POLICY]);
	gdoi_tree_close(t);
	gdoi_tree_attr(t, "previous_teks", "TEKs kept for inbound", "%zu", g->g_nprev);
	if (g->g_kek_deleted)
		gdoi_tree_attr(t, "kek_deleted", "KEK", "%s", "expired and deleted");
	if (g->g_last_fail[0] != '\0')
		gdoi_tree_attr(t, "last_failure", "Last registration failure", "%s",
		    g->g_last_fail);
	if (g->g_has_pol) {
		snprintf(label, sizeof(label), "ACL Downloaded From KS %s:",
		    gdoi_peer_str(&g->g_reg_ks, a, sizeof(a)));
		gdoi_tree_open(t, "acl", label);
		for (i = 0; i < p->gp_nacl; i++) {
			snprintf(key, sizeof(key), "%zu", i);
			gdoi_ace_format(&p->gp_acl[i], line, sizeof(line));
			gdoi_tree_attr(t, key, " ", "%s", line);
		}
		gdoi_tree_close(t);
		if (p->gp_has_kek)
			gdoi_show_kek(t, &p->gp_kek, now, UINT64_MAX);
		gdoi_tree_open(t, "tek", "TEK POLICY for the current KS-Policy ACEs Downloaded:");
		for (i = 0; i < p->gp_ntek; i++)
			gdoi_show_tek(t, p, i, now, UINT64_MAX);
		gdoi_tree_close(t);
	}
	gdoi_tree_close(t);
	(void)m;
}

/* One KEK SA of "show crypto gdoi gm rekey detail": its cookies and life. */
static void
show_kek_sa(struct gdoi_tree *t, const char *key, const char *label, const uint8_t *spi,
    uint64_t expiry, uint64_t now)
{
	char ic[2 * ISAKMP_COOKIE_LEN + 1], rc[2 * ISAKMP_COOKIE_LEN + 1];

	gdoi_hex_str(ic, sizeof(ic), spi, ISAKMP_COOKIE_LEN, 1);
	gdoi_hex_str(rc, sizeof(rc), spi + ISAKMP_COOKIE_LEN, ISAKMP_COOKIE_LEN, 1);
	gdoi_tree_open(t, key, label);
	gdoi_tree_attr(t, "my_cookie", "my-cookie", "%s", ic);
	gdoi_tree_attr(t, "his_cookie", "his-cookie", "%s", rc);
	gdoi_tree_attr(t, "remaining", "Remaining lifetime (secs)", "%u",
	    gdoi_remaining_s(expiry, now));
	gdoi_tree_close(t);
}

static void
show_rekey_detail(struct gdoi_tree *t, const struct gm_group *g, uint64_t now)
{
	const struct gdoi_kek *k = &g->g_pol.gp_kek;
	char a[64], tb[32];
	struct tm tm;

	gdoi_tree_open(t, g->g_name, NULL);
	gdoi_tree_attr(t, "group", "Group", "%s (%s)", g->g_name,
	    g->g_has_pol && g->g_pol.gp_has_kek && k->kek_multicast ? "Multicast" : "Unicast");
	gdoi_tree_attr(t, "rekeys_received", "Number of Rekeys received (cumulative)", "%u",
	    g->g_rekeys);
	gdoi_tree_attr(t, "after_register", "Number of Rekeys received after registration", "%u",
	    g->g_rekeys_since_reg);
	gdoi_tree_attr(t, "acks_sent", "Number of Rekey Acks sent", "%u", g->g_acks_sent);
	gdoi_tree_attr(t, "last_rekey_seq", "Last rekey seq num", "%u",
	    g->g_has_pol ? g->g_pol.gp_seq : 0);
	gdoi_tree_attr(t, "last_rekey_from", "Last rekey from", "%s",
	    g->g_rekeys > 0 ? gdoi_peer_str(&g->g_last_rekey_from, a, sizeof(a)) : "0.0.0.0");
	if (g->g_rekeys > 0) {
		localtime_r(&g->g_last_rekey_time, &tm);
		strftime(tb, sizeof(tb), "%Y-%m-%d %H:%M:%S", &tm);
	}
	gdoi_tree_attr(t, "last_rekey_time", "Rekey Received", "%s", g->g_rekeys > 0 ? tb : "never");
	gdoi_tree_open(t, "kek", "Rekey (KEK) SA information :");
	if (g->g_has_pol && g->g_pol.gp_has_kek)
		show_kek_sa(t, "current", "KEK SA (current)", k->kek_spi, k->kek_expiry_ms, now);
	if (g->g_has_prev_kek && g->g_prev_kek.kek_expiry_ms > now)
		show_kek_sa(t, "previous", "KEK SA (previous, receive only)", g->g_prev_kek.kek_spi,
		    g->g_prev_kek.kek_expiry_ms, now);
	if (g->g_kek_deleted)
		show_kek_sa(t, "deleted", "KEK SA (expired, deleted)", g->g_deleted_kek_spi,
		    g->g_deleted_kek_expiry, now);
	gdoi_tree_close(t);
	gdoi_tree_close(t);
}

static int
gm_cmd_show(void *ctx, const char *arg, struct gdoi_tree *t, char *err, size_t cap)
{
	struct gm *m = ctx;
	uint64_t now = gm_now(m);
	size_t i;

	(void)arg, (void)err, (void)cap;
	gdoi_tree_open(t, "group", "GROUP INFORMATION");
	for (i = 0; i < m->m_ngroups; i++)
		show_group(m, t, &m->m_groups[i], now);
	gdoi_tree_close(t);
	gdoi_tree_open(t, "gm", NULL);
	gdoi_tree_attr(t, "rx", "Datagrams received", "%llu", (unsigned long long)m->m_rx);
	gdoi_tree_attr(t, "rx_bad", "Datagrams dropped as malformed", "%llu",
	    (unsigned long long)m->m_rx_bad);
	gdoi_tree_close(t);
	return 0;
}

static int
gm_cmd_rekey_detail(void *ctx, const char *arg, struct gdoi_tree *t, char *err, size_t cap)
{
	struct gm *m = ctx;
	uint64_t now = gm_now(m);
	size_t i;

	(void)arg, (void)err, (void)cap;
	gdoi_tree_open(t, "group", "");
	for (i = 0; i < m->m_ngroups; i++)
		show_rekey_detail(t, &m->m_groups[i], now);
	gdoi_tree_close(t);
	return 0;
}

static int
gm_cmd_clear(void *ctx, const char *arg, struct gdoi_tree *t, char *err, size_t cap)
{
	(void)arg, (void)err, (void)cap;
	gm_clear(ctx);
	gdoi_tree_attr(t, "clear", "Clear", "%s", "registering again");
	return 0;
}

static int
gm_cmd_dataplane(void *ctx, const char *arg, struct gdoi_tree *t, char *err, size_t cap)
{
	(void)arg, (void)err, (void)cap;
	gm_dp_show(ctx, t);
	return 0;
}

static const struct gdoi_ctl_cmd gm_cmds[] = {
	{ GDOI_CTL_SHOW, "crypto gdoi", 0, gm_cmd_show },
	{ GDOI_CTL_SHOW, "crypto gdoi gm", 0, gm_cmd_show },
	{ GDOI_CTL_SHOW, "crypto gdoi gm rekey detail", 0, gm_cmd_rekey_detail },
	{ GDOI_CTL_SHOW, "crypto gdoi gm dataplane", 0, gm_cmd_dataplane },
	{ GDOI_CTL_CLEAR, "crypto gdoi", 0, gm_cmd_clear },
};

int
gm_ctl(void *arg, uint8_t type, const char *cmd, struct gdoi_tree *t, char *err, size_t errcap)
{
	return gdoi_ctl_dispatch(gm_cmds, sizeof(gm_cmds) / sizeof(gm_cmds[0]), arg, type, cmd, t,
	    err, errcap, "group member");
}
