/*
 * gdoi-ks control requests: "show crypto gdoi [ks [members|policy]]" and
 * "crypto gdoi ks rekey [group NAME]" (reload and debug are the runtime's,
 * daemon.c).  The reply is a tree (tree.h); keys are the stable contract
 * (gdoictl -f keyvalue), labels follow the IOS key server output.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "gdoi/ctl.h"
#include "gdoi/names.h"
#include "gdoi/wire.h"
#include "ks.h"

static const char *
wall(time_t t, char *buf, size_t cap)
{
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(buf, cap, "%Y-%m-%d %H:%M:%S", &tm);
	return buf;
}

/*
 * How many members the overview ("show crypto gdoi", "... ks") lists: the
 * reply stays small however many members there are.  "show crypto gdoi ks
 * members" lists them all (about 600 octets each: GDOI_CTL_MAX carries
 * 50,000 and more).
 */
#define KS_SHOW_MEMBERS 100

/* members: how many to list (SIZE_MAX: all) */
static void
show_group(struct ks *k, struct gdoi_tree *t, const struct ks_group *g, size_t members,
    uint64_t now)
{
	const struct gdoi_conf_group *c = g->g_conf;
	const struct ks_member *m;
	char a[64], key[24], tb[32];
	uint64_t kek_at = UINT64_MAX;
	size_t i;

	gdoi_tree_open(t, g->g_name, NULL);
	gdoi_tree_attr(t, "name", "Group Name", "%s", g->g_name);
	gdoi_tree_attr(t, "identity", "Group Identity", "%u", c->g_identity);
	gdoi_tree_attr(t, "type", "Group Type", "%s", "GDOI (ISAKMP)");
	gdoi_tree_attr(t, "members", "Group Members", "%zu", ks_group_active(g));
	gdoi_tree_attr(t, "members_removed", "Group Members removed", "%zu",
	    g->g_nmembers - ks_group_active(g));
	gdoi_tree_attr(t, "rekey_ack", "Rekey Acknowledgement Cfg", "%s",
	    c->g_rekey.rk_ack ? "RFC 8263" : "Disabled");
	gdoi_tree_attr(t, "sa_direction", "IPSec SA Direction", "%s", "Symmetric");
	gdoi_tree_attr(t, "acl", "ACL Configured", "%s",
	    c->g_nsa > 0 ? k->k_conf->c_acl[c->g_sa[0].sa_acl].acl_name : "-");
	gdoi_tree_attr(t, "local_address", "Local Address", "%s",
	    gdoi_addr_str(c->g_local_addr, c->g_local_af != 0 ? c->g_local_af : 4, a, sizeof(a)));
	gdoi_tree_attr(t, "seq", "Seq num", "%u", g->g_seq);
	gdoi_tree_attr(t, "registrations", "Registrations completed", "%u", g->g_regs_ok);
	gdoi_tree_attr(t, "refused", "Registrations refused", "%u", g->g_regs_refused);
	gdoi_tree_attr(t, "rekey_key", "Rekey key file", "%s",
	    g->g_keypath != NULL ? g->g_keypath : "-");
	{
		uint64_t at = ks_group_rekey_at(k, g, &kek_at);

		gdoi_tree_attr(t, "rekeys_sent", "Number of rekeys sent", "%u", g->g_rekeys_sent);
		gdoi_tree_attr(t, "retransmits", "Number of rekey retransmits", "%u", g->g_retx_sent);
		gdoi_tree_attr(t, "tek_rekeys", "TEK rekeys", "%u", g->g_tek_rekeys);
		gdoi_tree_attr(t, "kek_rekeys", "KEK rekeys", "%u", g->g_kek_rekeys);
		gdoi_tree_attr(t, "policy_rekeys", "Policy change rekeys", "%u", g->g_policy_rekeys);
		gdoi_tree_attr(t, "last_retransmits", "Number of retransmits during the last rekey",
		    "%u", g->g_last_retx);
		gdoi_tree_attr(t, "last_duration_ms", "Duration of the last rekey (msec)", "%llu",
		    (unsigned long long)g->g_last_rekey_dur_ms);
		gdoi_tree_attr(t, "transport", "Rekey Transport Type", "%s",
		    c->g_rekey.rk_multicast ? "Multicast" : "Unicast");
		gdoi_tree_attr(t, "kek_rekey_timing", "KEK rekey", "%s",
		    c->g_rekey.rk_legacy ? "at expiry (legacy)" : "before expiry");
		gdoi_tree_attr(t, "acks_rcvd", "Rekey Acks Rcvd", "%u", g->g_acks_rcvd);
		gdoi_tree_attr(t, "acks_bad", "Rekey Acks dropped", "%u", g->g_acks_bad);
		gdoi_tree_attr(t, "members_ejected", "Members removed for missed ACKs", "%u",
		    g->g_ejected);
		if (at != UINT64_MAX)
			gdoi_tree_attr(t, "time_to_rekey", "Time to rekey (secs)", "%u",
			    gdoi_remaining_s(at, now));
		gdoi_tree_attr(t, "sent_seq", "Sent seq num", "%u %u %u %u", g->g_tx_seq[0],
		    g->g_tx_seq[1], g->g_tx_seq[2], g->g_tx_seq[3]);
	}
	if (g->g_pol.gp_has_kek)
		gdoi_show_kek(t, &g->g_pol.gp_kek, now, kek_at);
	gdoi_tree_open(t, "tek", "TEK POLICY:");
	for (i = 0; i < g->g_pol.gp_ntek; i++)
		gdoi_show_tek(t, &g->g_pol, i, now, ks_tek_rekey_at(g, &g->g_pol.gp_tek[i]));
	gdoi_tree_close(t);
	if (members > 0) {
		gdoi_tree_open(t, "member", "Group Member Information:");
		for (i = 0, m = g->g_members; m != NULL && i < members; m = m->m_next, i++) {
			snprintf(key, sizeof(key), "%zu", i);
			gdoi_tree_open(t, key, "");
			gdoi_tree_attr(t, "address", "Group Member ID", "%s",
			    gdoi_addr_str(m->m_addr, m->m_af, a, sizeof(a)));
			gdoi_tree_attr(t, "identity", "Identity", "%s",
			    m->m_ident != NULL ? m->m_ident : "-");
			gdoi_tree_attr(t, "version", "GM Version", "%s", "unknown");
			gdoi_tree_attr(t, "state", "GM State", "%s",
			    m->m_ejected ? "Removed (rekeys not acknowledged)" : "Registered");
			gdoi_tree_attr(t, "registered", "Registered at", "%s",
			    wall(m->m_last, tb, sizeof(tb)));
			gdoi_tree_attr(t, "registrations", "Registrations", "%u", m->m_regs);
			gdoi_tree_attr(t, "rekeys_sent", "Rekeys sent", "%u", m->m_rekeys_sent);
			gdoi_tree_attr(t, "rekey_retries", "Rekeys retries", "%u", m->m_rekey_retries);
			gdoi_tree_attr(t, "acks_rcvd", "Rekey Acks Rcvd", "%u", m->m_acks_rcvd);
			gdoi_tree_attr(t, "acks_missed", "Rekey Acks missed", "%u", m->m_acks_missed);
			gdoi_tree_attr(t, "rcvd_seq", "Rcvd seq num", "%u", m->m_last_ack_seq);
			gdoi_tree_close(t);
		}
		if (g->g_nmembers > i)
			gdoi_tree_attr(t, "not_listed", "More members (show crypto gdoi ks members)",
			    "%zu", g->g_nmembers - i);
		gdoi_tree_close(t);
	}
	gdoi_tree_close(t);
}

static void
show(struct ks *k, struct gdoi_tree *t, size_t members)
{
	uint64_t now = ks_now(k);
	size_t i, total = 0;

	for (i = 0; i < k->k_ngroups; i++)
		total += k->k_groups[i].g_nmembers;
	gdoi_tree_open(t, "ks", NULL);
	gdoi_tree_attr(t, "members_total", "Total group members registered to this box", "%zu",
	    total);
	gdoi_tree_attr(t, "phase1_sas", "Phase 1 SAs", "%zu", k->k_nsas);
	gdoi_tree_attr(t, "rx", "Datagrams received", "%llu", (unsigned long long)k->k_rx);
	gdoi_tree_attr(t, "rx_bad", "Datagrams dropped as malformed", "%llu",
	    (unsigned long long)k->k_rx_bad);
	gdoi_tree_close(t);
	gdoi_tree_open(t, "group", "Key Server Information For Group:");
	for (i = 0; i < k->k_ngroups; i++)
		show_group(k, t, &k->k_groups[i], members, now);
	gdoi_tree_close(t);
}

/* crypto gdoi ks rekey [group NAME]: arg is NAME or "" for every group */
static int
ks_cmd_rekey(void *ctx, const char *arg, struct gdoi_tree *t, char *err, size_t cap)
{
	struct ks *k = ctx;
	const char *name = arg[0] != '\0' ? arg : NULL;
	size_t i, n = 0;

	for (i = 0; i < k->k_ngroups; i++) {
		struct ks_group *g = &k->k_groups[i];

		if (name != NULL && strcmp(g->g_name, name) != 0)
			continue;
		if (ks_rekey_force(k, g) == 0) {
			gdoi_tree_attr(t, g->g_name, g->g_name, "%s", "rekey started");
			n++;
		} else if (name != NULL) {
			snprintf(err, cap, "group %s has no rekey SA: its members get new keys by "
			    "registering", name);
			return -1;
		}
	}
	if (n == 0) {
		if (name != NULL)
			snprintf(err, cap, "no group %s on this key server", name);
		else
			snprintf(err, cap, "no group with a rekey SA on this key server");
		return -1;
	}
	gdoi_log("GDOI", GDOI_LOG_NOTICE, "KS_REKEY_FORCED",
	    "Rekey of %s requested by the operator", name != NULL ? name : "every group");
	return 0;
}

/* show crypto gdoi [ks]: the overview, with the first KS_SHOW_MEMBERS members */
static int
ks_cmd_show(void *ctx, const char *arg, struct gdoi_tree *t, char *err, size_t cap)
{
	(void)arg, (void)err, (void)cap;
	show(ctx, t, KS_SHOW_MEMBERS);
	return 0;
}

/* show crypto gdoi ks members: every member */
static int
ks_cmd_show_members(void *ctx, const char *arg, struct gdoi_tree *t, char *err, size_t cap)
{
	(void)arg, (void)err, (void)cap;
	show(ctx, t, SIZE_MAX);
	return 0;
}

static int
ks_cmd_show_policy(void *ctx, const char *arg, struct gdoi_tree *t, char *err, size_t cap)
{
	(void)arg, (void)err, (void)cap;
	show(ctx, t, 0);
	return 0;
}

static const struct gdoi_ctl_cmd ks_cmds[] = {
	{ GDOI_CTL_SHOW, "crypto gdoi", 0, ks_cmd_show },
	{ GDOI_CTL_SHOW, "crypto gdoi ks", 0, ks_cmd_show },
	{ GDOI_CTL_SHOW, "crypto gdoi ks members", 0, ks_cmd_show_members },
	{ GDOI_CTL_SHOW, "crypto gdoi ks policy", 0, ks_cmd_show_policy },
	{ GDOI_CTL_EXEC, "crypto gdoi ks rekey", 0, ks_cmd_rekey },
	{ GDOI_CTL_EXEC, "crypto gdoi ks rekey group", 1, ks_cmd_rekey },
};

int
ks_ctl(void *arg, uint8_t type, const char *cmd, struct gdoi_tree *t, char *err, size_t errcap)
{
	return gdoi_ctl_dispatch(ks_cmds, sizeof(ks_cmds) / sizeof(ks_cmds[0]), arg, type, cmd, t,
	    err, errcap, "key server");
}
