/*
 * gm_dp.c: the group member's kernel datapath (see gm_dp.h for the model).
 *
 * Address preservation (RFC 5374 section 3.1, RFC 6407 SA TEK attribute
 * 14): GETVPN's ESP carries the inner hosts' addresses in the outer
 * header.  Two Linux facts shape what we do:
 *  1. XFRM input looks an SA up by (outer daddr, SPI, proto) and only for
 *     packets routed to a local address.  ESP from another member is
 *     addressed to a host behind us, so it would be forwarded untouched.
 *     We considered a local route for the LAN prefixes (it would also
 *     swallow the plaintext), per-host SAs (unbounded, unknown hosts) and
 *     policy routing on protocol 50 (still needs an SA per destination
 *     address); instead an nftables prerouting rule rewrites the
 *     destination of ESP carrying one of the group's SPIs to our local
 *     address L, stateless, before the routing decision.  The kernel then
 *     delivers it locally, the inbound SA (dst L) decrypts it, and the
 *     inner packet, with its own addresses, is forwarded (fwd policy).
 *  2. XFRM tunnel mode writes the outer addresses from the SA.  Our
 *     outbound SA points at a loopback anchor; nftables keeps the inner
 *     addresses of the plaintext (skb mark and priority, postrouting,
 *     only for packets our reqid encrypts) and writes them into the outer
 *     header after encryption in a route-type output chain, which makes
 *     the kernel route the ESP packet to the real destination.
 * The kernel objects are ours by reqid and priority band (gm/xfrm.h), the
 * nftables table by name; all are removed at start (a crash leaves them)
 * and at exit.
 *
 * Counter modes (RFC 6054): with one group SA and many senders, every
 * sender must use its own IV space (the KS-assigned Sender ID in the IV's
 * top bits).  Linux builds the ESP IV itself (seqiv: sequence number
 * mixed with a per-SA random salt), so it cannot honour a Sender ID, and
 * two members' IVs can collide.  A GCM TEK is therefore installed for
 * receiving only, whether or not we hold a Sender ID, and we say so once
 * per TEK (GM_DP_CTR_RECV_ONLY); its ACL's outbound policy still points
 * at it, so matching traffic is held back (ACQUIRE), never sent in clear.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "gdoi/buf.h"
#include "gdoi/keylog.h"
#include "gdoi/sched.h"
#include "gm.h"
#include "gm_dp.h"
#include "nft.h"
#include "xfrm.h"

#define DP_GROUPS 64            /* anchors 127.128.gi.x, priority bands */
#define DP_PRIO_PER_GROUP 1024  /* > GDOI_ACL_MAX: ACEs of one group */
#define DP_SA_MAX (GDOI_TEK_MAX * 4)

struct dp_sa {
	uint32_t ds_spi;
	uint8_t ds_out;         /* 1: outbound SA (dst anchor), 0: inbound (dst L) */
	uint8_t ds_slot;        /* TEK index: the anchor */
};

struct gm_dp_grp {
	unsigned dg_gi;                 /* 0..DP_GROUPS-1 */
	struct dp_sa dg_sa[DP_SA_MAX];  /* installed */
	size_t dg_nsa;
	struct gdoi_ace dg_acl[GDOI_ACL_MAX]; /* policies installed, in order */
	uint8_t dg_slot[GDOI_ACL_MAX];
	size_t dg_nacl;
	uint32_t dg_ctr_logged[GDOI_TEK_MAX]; /* GCM SPIs already reported */
};

struct gm_dp {
	struct gdoi_xfrm *d_x, *d_ev;
	struct gdoi_ev_io *d_io;
	struct gdoi_nft *d_nft;
	uint32_t d_nft_local;           /* L of the nftables table, 0: none yet */
	struct gdoi_keylog *d_keylog;
	struct gdoi_xfrm_cfg d_cfg;
	uint8_t d_used[DP_GROUPS];
	uint8_t d_dirty;                /* a batch failed: flush and rebuild */
	uint8_t d_bypass;               /* the GDOI bypass policies are in */
	uint64_t d_last_tick;           /* moments up to here are done */
	unsigned long d_batches, d_failures, d_soft, d_hard, d_acquire, d_lost;
};

static const struct gdoi_ace dp_bypass = {
	.ace_af = 4, .ace_proto = 17, .ace_sport = 848,
};

static struct gdoi_xfrm_addr
v4addr(uint32_t a_net)
{
	struct gdoi_xfrm_addr a = { .xa_af = 4 };

	memcpy(a.xa_addr, &a_net, 4);
	return a;
}

/* The outbound anchor of TEK slot k of group gi. */
static struct gdoi_xfrm_addr
anchor(unsigned gi, unsigned k)
{
	return v4addr(htonl(0x7f800000u | (gi & 0xff) << 8 | ((k + 1) & 0xff)));
}

/* L: the configured local address, else ours toward the KS (IPv4 only). */
static uint32_t
local_of(const struct gm *m, const struct gm_group *g)
{
	uint32_t a = 0;

	if (m->m_conf->c_dp.dp_local_af == 4)
		memcpy(&a, m->m_conf->c_dp.dp_local, 4);
	else if (g->g_local_af == 4)
		memcpy(&a, g->g_local, 4);
	return a;
}

static int
is_ctr(const struct gdoi_tek *t)
{
	return t->tek_x.tx_esp == ESP_T_AES_GCM_16;
}

/*
 * One ESP SA for Wireshark's esp_sa table (Preferences > Protocols > ESP,
 * the strongSwan save-keys layout): protocol, source, destination (both
 * "*": a group SA is used between any members), SPI, encryption and its
 * key, authentication and its key.
 */
static void
keylog_sa(struct gm_dp *d, const struct gdoi_tek *t)
{
	char line[400], ek[2 * GDOI_TEK_ENC_MAX + 1], ik[2 * GDOI_TEK_INT_MAX + 1];
	const struct gdoi_tek_xform *x = &t->tek_x;
	size_t el = gdoi_tek_enc_keylen(x), il = gdoi_tek_int_keylen(x);

	if (d->d_keylog == NULL || el == 0 || el > GDOI_TEK_ENC_MAX || il > GDOI_TEK_INT_MAX)
		return;
	gdoi_hex_str(ek, sizeof(ek), t->tek_enc, el, 0);
	gdoi_hex_str(ik, sizeof(ik), t->tek_int, il, 0);
	if (is_ctr(t))
		snprintf(line, sizeof(line), "\"IPv4\",\"*\",\"*\",\"0x%08x\","
		    "\"AES-GCM with 16 octet ICV [RFC4106]\",\"0x%s\",\"NULL\",\"\"",
		    t->tek_spi, ek);
	else
		snprintf(line, sizeof(line), "\"IPv4\",\"*\",\"*\",\"0x%08x\",\"AES-CBC [RFC3602]\","
		    "\"0x%s\",\"%s\",\"0x%s\"", t->tek_spi, ek,
		    x->tx_auth == IPSEC_AUTH_HMAC_SHA1 ? "HMAC-SHA-1-96 [RFC2404]" :
		    "HMAC-SHA-256-128 [RFC4868]", ik);
	(void)gdoi_keylog_write(d->d_keylog, line);
	OPENSSL_cleanse(ek, sizeof(ek));
	OPENSSL_cleanse(ik, sizeof(ik));
	OPENSSL_cleanse(line, sizeof(line));
}

/* What the kernel should hold for group g now. */
struct dp_want {
	const struct gdoi_tek *w_tek;
	struct dp_sa w_sa;
};

static int
same_slot(const struct gdoi_tek *a, const struct gdoi_tek *b)
{
	return a->tek_acl_first == b->tek_acl_first && a->tek_acl_n == b->tek_acl_n;
}

static void
ctr_note(struct gm_dp_grp *dg, const struct gm_group *g, const struct gdoi_tek *t)
{
	size_t i;

	for (i = 0; i < GDOI_TEK_MAX; i++)
		if (dg->dg_ctr_logged[i] == t->tek_spi)
			return;
	memmove(&dg->dg_ctr_logged[1], &dg->dg_ctr_logged[0],
	    (GDOI_TEK_MAX - 1) * sizeof(dg->dg_ctr_logged[0]));
	dg->dg_ctr_logged[0] = t->tek_spi;
	gdoi_log("GDOI", GDOI_LOG_WARNING, "GM_DP_CTR_RECV_ONLY",
	    "Group %s: TEK 0x%08X uses AES-GCM: installed for receiving only; the kernel builds "
	    "ESP IVs itself and cannot keep them unique across group members (no Sender ID "
	    "in the IV, RFC 6054), so this member does not send under it", g->g_name, t->tek_spi);
}

static size_t
dp_want(const struct gm *m, const struct gm_group *g, struct gm_dp_grp *dg, uint64_t now,
    struct dp_want *w)
{
	const struct gdoi_gpolicy *p = &g->g_pol;
	uint32_t sw_s = m->m_conf->c_dp.dp_switch_s;
	size_t n = 0, k, j;

	if (!g->g_has_pol)
		return 0;
	for (k = 0; k < p->gp_ntek && n + 2 <= DP_SA_MAX; k++) {
		const struct gdoi_tek *t = &p->gp_tek[k], *out = t;

		if (t->tek_expiry_ms <= now)
			continue;
		if (t->tek_dir != GDOI_DIR_SENDER) {
			w[n].w_tek = t;
			w[n++].w_sa = (struct dp_sa){ t->tek_spi, 0, (uint8_t)k };
		}
		/* outbound: the oldest TEK of this slot not yet due to switch
		 * (sched.c's rule) */
		for (j = 0; j < g->g_nprev; j++) {
			const struct gdoi_tek *o = &g->g_prev[j];

			if (same_slot(o, t) &&
			    now < gdoi_sched_gm_tek_switch_ms(o->tek_expiry_ms, sw_s) &&
			    o->tek_expiry_ms < out->tek_expiry_ms)
				out = o;
		}
		if (out->tek_dir == GDOI_DIR_RECEIVER)
			continue;
		if (is_ctr(out)) {
			ctr_note(dg, g, out);
			continue;
		}
		w[n].w_tek = out;
		w[n++].w_sa = (struct dp_sa){ out->tek_spi, 1, (uint8_t)k };
	}
	/* replaced TEKs: inbound until they expire */
	for (j = 0; j < g->g_nprev && n < DP_SA_MAX; j++) {
		const struct gdoi_tek *o = &g->g_prev[j];

		if (o->tek_expiry_ms <= now || o->tek_dir == GDOI_DIR_SENDER)
			continue;
		for (k = 0; k < n; k++)
			if (!w[k].w_sa.ds_out && w[k].w_sa.ds_spi == o->tek_spi)
				break;
		if (k == n) {
			w[n].w_tek = o;
			w[n++].w_sa = (struct dp_sa){ o->tek_spi, 0, 0 };
		}
	}
	return n;
}

static int
sa_eq(const struct dp_sa *a, const struct dp_sa *b)
{
	return a->ds_spi == b->ds_spi && a->ds_out == b->ds_out &&
	    (!a->ds_out || a->ds_slot == b->ds_slot);
}

static struct gm_dp_grp *
dg_get(struct gm_dp *d, struct gm_group *g)
{
	unsigned gi;

	if (g->g_dp != NULL)
		return g->g_dp;
	for (gi = 0; gi < DP_GROUPS && d->d_used[gi]; gi++)
		;
	if (gi == DP_GROUPS || (g->g_dp = calloc(1, sizeof(*g->g_dp))) == NULL) {
		gdoi_log("GDOI", GDOI_LOG_ERR, "GM_DP_FAIL", "Group %s: no datapath slot", g->g_name);
		return NULL;
	}
	d->d_used[gi] = 1;
	g->g_dp->dg_gi = gi;
	return g->g_dp;
}

/*
 * The WAN interface: configured, else the one holding L.  The group ACL is
 * scoped to it: out policies match only packets leaving through it, and
 * in/fwd policies only packets arriving through it (the nftables wan chain
 * marks those).  Without the scoping a symmetric ACL would also demand ESP
 * of the plaintext between the GM and its LAN hosts.  0 if not found.
 */
static unsigned
wan_ifindex(const struct gm *m, uint32_t L)
{
	const struct gdoi_conf_dp *c = &m->m_conf->c_dp;
	struct ifaddrs *ifa, *i;
	unsigned idx = 0;

	if (c->dp_ifname[0] != '\0')
		return if_nametoindex(c->dp_ifname);
	if (getifaddrs(&ifa) != 0)
		return 0;
	for (i = ifa; i != NULL && idx == 0; i = i->ifa_next)
		if (i->ifa_addr != NULL && i->ifa_addr->sa_family == AF_INET &&
		    ((const struct sockaddr_in *)(const void *)i->ifa_addr)->sin_addr.s_addr == L)
			idx = if_nametoindex(i->ifa_name);
	freeifaddrs(ifa);
	return idx;
}

/* nftables table with local address L (re)installed when L changes. */
static int
nft_ensure(struct gm *m, uint32_t L)
{
	struct gm_dp *d = m->m_dp;
	struct gdoi_nft_cfg nc;

	if (d->d_nft != NULL && d->d_nft_local == L)
		return 0;
	gdoi_nft_close(d->d_nft);
	d->d_nft = NULL;
	memset(&nc, 0, sizeof(nc));
	snprintf(nc.nc_table, sizeof(nc.nc_table), "%s", m->m_conf->c_dp.dp_table);
	nc.nc_reqid = d->d_cfg.xc_reqid;
	nc.nc_local = L;
	nc.nc_wan_ifindex = d->d_cfg.xc_out_ifindex;
	nc.nc_wan_mark = d->d_cfg.xc_in_mark;
	if ((d->d_nft = gdoi_nft_open(&nc)) == NULL || gdoi_nft_install(d->d_nft) != 0) {
		gdoi_nft_close(d->d_nft);
		d->d_nft = NULL;
		return -1;
	}
	d->d_nft_local = L;
	/* the new table's set is empty: the SPIs of the inbound SAs in place */
	{
		uint32_t spi[DP_SA_MAX * 4];
		size_t i, k, n = 0;

		for (i = 0; i < m->m_ngroups; i++)
			for (k = 0; m->m_groups[i].g_dp != NULL && k < m->m_groups[i].g_dp->dg_nsa &&
			    n < sizeof(spi) / sizeof(spi[0]); k++)
				if (!m->m_groups[i].g_dp->dg_sa[k].ds_out)
					spi[n++] = m->m_groups[i].g_dp->dg_sa[k].ds_spi;
		if (n > 0)
			(void)gdoi_nft_spi_add(d->d_nft, spi, n);
	}
	return 0;
}

/* The group's ACEs in order, each with its TEK slot. */
static size_t
want_acl(const struct gm_group *g, struct gdoi_ace *acl, uint8_t *slot)
{
	const struct gdoi_gpolicy *p = &g->g_pol;
	size_t n = 0, k, i;

	if (!g->g_has_pol)
		return 0;
	for (k = 0; k < p->gp_ntek; k++)
		for (i = p->gp_tek[k].tek_acl_first;
		    i < (size_t)p->gp_tek[k].tek_acl_first + p->gp_tek[k].tek_acl_n &&
		    i < p->gp_nacl && n < GDOI_ACL_MAX; i++) {
			acl[n] = p->gp_acl[i];
			slot[n++] = (uint8_t)k;
		}
	return n;
}

/* One ACE's three policies (out as written, in and fwd mirrored). */
static void
pol_add3(struct gdoi_xfrm_batch *b, const struct gdoi_ace *e, unsigned order, unsigned gi,
    unsigned k)
{
	struct gdoi_xfrm_addr o = anchor(gi, k);

	(void)gdoi_xfrm_pol_add(b, e, 0, GDOI_XFRM_DIR_OUT, order, NULL, &o);
	(void)gdoi_xfrm_pol_add(b, e, 1, GDOI_XFRM_DIR_IN, order, NULL, NULL);
	(void)gdoi_xfrm_pol_add(b, e, 1, GDOI_XFRM_DIR_FWD, order, NULL, NULL);
}

static void
pol_del3(struct gdoi_xfrm_batch *b, const struct gdoi_ace *e)
{
	(void)gdoi_xfrm_pol_del(b, e, 0, GDOI_XFRM_DIR_OUT);
	(void)gdoi_xfrm_pol_del(b, e, 1, GDOI_XFRM_DIR_IN);
	(void)gdoi_xfrm_pol_del(b, e, 1, GDOI_XFRM_DIR_FWD);
}

/* The SA's kernel lifetime: the TEK's, in real seconds under -T. */
static void
sa_add_scaled(struct gdoi_xfrm_batch *b, const struct gdoi_tek *t, const struct gdoi_xfrm_addr *dst,
    uint64_t now)
{
	static const struct gdoi_xfrm_addr any = { .xa_af = 4 };
	struct gdoi_tek c = *t;

	if (c.tek_expiry_ms > now)
		c.tek_expiry_ms = now + gdoi_sched_scale(c.tek_expiry_ms - now, gdoi_ev_timescale());
	if (c.tek_expiry_ms < now + 1000)
		c.tek_expiry_ms = now + 1000;
	(void)gdoi_xfrm_sa_add(b, &c, &any, dst, now);
	OPENSSL_cleanse(&c, sizeof(c));
}

static int bypass_install(struct gm_dp *d);

enum { RQ_NEWSA, RQ_DELSA, RQ_POL };

void
gm_dp_sync(struct gm *m, struct gm_group *g)
{
	struct gm_dp *d = m->m_dp;
	struct gm_dp_grp *dg;
	struct dp_want w[DP_SA_MAX];
	struct gdoi_ace acl[GDOI_ACL_MAX];
	uint8_t slot[GDOI_ACL_MAX], rq[GDOI_XFRM_BATCH_MAX];
	size_t rqi[GDOI_XFRM_BATCH_MAX];
	uint32_t add_spi[DP_SA_MAX], del_spi[DP_SA_MAX];
	size_t nw, nacl, i, j, nadd = 0, ndel = 0;
	struct gdoi_xfrm_batch *b;
	struct gdoi_xfrm_addr dst;
	uint64_t now = gm_now(m);
	uint32_t L;
	int pol_changed, rc;

	if (d == NULL || (dg = dg_get(d, g)) == NULL)
		return;
	if ((L = local_of(m, g)) == 0) {
		gdoi_log("GDOI", GDOI_LOG_ERR, "GM_DP_FAIL", "Group %s: no local IPv4 address for "
		    "inbound group ESP (set <datapath local-address>)", g->g_name);
		return;
	}
	if (d->d_cfg.xc_out_ifindex == 0) {
		char ifn[IF_NAMESIZE] = "?";

		if ((d->d_cfg.xc_out_ifindex = wan_ifindex(m, L)) == 0) {
			gdoi_log("GDOI", GDOI_LOG_ERR, "GM_DP_FAIL", "Group %s: no WAN interface (%s): "
			    "set <datapath interface>", g->g_name, m->m_conf->c_dp.dp_ifname[0] ?
			    m->m_conf->c_dp.dp_ifname : "none holds the local address");
			return;
		}
		(void)if_indextoname(d->d_cfg.xc_out_ifindex, ifn);
		gdoi_log("GDOI", GDOI_LOG_NOTICE, "GM_DP_WAN", "Group ACL applied on %s (ifindex %u): "
		    "out through it, in from it (mark 0x%x)", ifn, d->d_cfg.xc_out_ifindex,
		    d->d_cfg.xc_in_mark);
	}
	if (!d->d_bypass && bypass_install(d) != 0)
		return;
	if (nft_ensure(m, L) != 0)
		gdoi_log("GDOI", GDOI_LOG_ERR, "GM_DP_FAIL", "Group %s: nftables table %s not "
		    "installed: group ESP is neither redirected in nor re-addressed out",
		    g->g_name, m->m_conf->c_dp.dp_table);
	nw = dp_want(m, g, dg, now, w);
	nacl = want_acl(g, acl, slot);
	pol_changed = nacl != dg->dg_nacl ||
	    memcmp(acl, dg->dg_acl, nacl * sizeof(acl[0])) != 0 ||
	    memcmp(slot, dg->dg_slot, nacl) != 0;
	if ((b = gdoi_xfrm_batch_new(&d->d_cfg, 1)) == NULL)
		return;
	/* 1. new SAs: inbound first, so a peer already on the new SPI is heard */
	for (j = 0; j < 2; j++)
		for (i = 0; i < nw; i++) {
			size_t k;

			if (w[i].w_sa.ds_out != j)
				continue;
			for (k = 0; k < dg->dg_nsa && !sa_eq(&dg->dg_sa[k], &w[i].w_sa); k++)
				;
			if (k < dg->dg_nsa)
				continue;
			dst = j ? anchor(dg->dg_gi, w[i].w_sa.ds_slot) : v4addr(L);
			rq[b->xb_n] = RQ_NEWSA;
			rqi[b->xb_n] = i;
			sa_add_scaled(b, w[i].w_tek, &dst, now);
			if (!j) {
				add_spi[nadd++] = w[i].w_sa.ds_spi;
				keylog_sa(d, w[i].w_tek);
			}
		}
	/* 2. policies: the old set out, the new set in (same batch) */
	if (pol_changed) {
		for (i = 0; i < dg->dg_nacl; i++) {
			rq[b->xb_n] = rq[b->xb_n + 1] = rq[b->xb_n + 2] = RQ_POL;
			pol_del3(b, &dg->dg_acl[i]);
		}
		for (i = 0; i < nacl; i++) {
			rq[b->xb_n] = rq[b->xb_n + 1] = rq[b->xb_n + 2] = RQ_POL;
			pol_add3(b, &acl[i], dg->dg_gi * DP_PRIO_PER_GROUP + 1 + (unsigned)i,
			    dg->dg_gi, slot[i]);
		}
	}
	/* 3. SAs no longer wanted */
	for (i = 0; i < dg->dg_nsa; i++) {
		for (j = 0; j < nw && !sa_eq(&dg->dg_sa[i], &w[j].w_sa); j++)
			;
		if (j < nw)
			continue;
		dst = dg->dg_sa[i].ds_out ? anchor(dg->dg_gi, dg->dg_sa[i].ds_slot) : v4addr(L);
		rq[b->xb_n] = RQ_DELSA;
		rqi[b->xb_n] = i;
		(void)gdoi_xfrm_sa_del(b, &dst, dg->dg_sa[i].ds_spi);
		if (!dg->dg_sa[i].ds_out)
			del_spi[ndel++] = dg->dg_sa[i].ds_spi;
	}
	if (b->xb_err != 0) {
		gdoi_log("GDOI", GDOI_LOG_ERR, "GM_DP_FAIL", "Group %s: XFRM batch not built: %s",
		    g->g_name, gdoi_xfrm_strerror(b->xb_err));
		gdoi_xfrm_batch_free(b);
		return;
	}
	if (nadd > 0 && d->d_nft != NULL)
		(void)gdoi_nft_spi_add(d->d_nft, add_spi, nadd);
	rc = gdoi_xfrm_send(d->d_x, b);
	d->d_batches += b->xb_n > 0;
	if (rc == GDOI_XFRM_E_SYS) {
		/* the replies are lost: what the kernel holds is unknown */
		d->d_dirty = 1;
		d->d_failures++;
	}
	/* What is installed now: per request result. */
	{
		struct dp_sa nsa[DP_SA_MAX];
		size_t nn = 0;
		uint8_t gone[DP_SA_MAX] = { 0 };

		for (i = 0; i < b->xb_n; i++) {
			int r = b->xb_res[i];

			if (rq[i] == RQ_NEWSA && (r == 0 || r == GDOI_XFRM_E_EXIST) && nn < DP_SA_MAX)
				nsa[nn++] = w[rqi[i]].w_sa;
			else if (rq[i] == RQ_NEWSA && !w[rqi[i]].w_sa.ds_out && ndel < DP_SA_MAX)
				del_spi[ndel++] = w[rqi[i]].w_sa.ds_spi;  /* not in: not redirected */
			else if (rq[i] == RQ_DELSA && (r == 0 || r == GDOI_XFRM_E_SRCH))
				gone[rqi[i]] = 1;
			if (r != 0 && r != GDOI_XFRM_E_EXIST && r != GDOI_XFRM_E_SRCH &&
			    r != GDOI_XFRM_E_NOENT && r != 1)
				d->d_failures++;
		}
		for (i = 0; i < dg->dg_nsa && nn < DP_SA_MAX; i++)
			if (!gone[i])
				nsa[nn++] = dg->dg_sa[i];
		memcpy(dg->dg_sa, nsa, nn * sizeof(nsa[0]));
		dg->dg_nsa = nn;
	}
	if (pol_changed) {
		memcpy(dg->dg_acl, acl, nacl * sizeof(acl[0]));
		memcpy(dg->dg_slot, slot, nacl);
		dg->dg_nacl = nacl;
	}
	if (ndel > 0 && d->d_nft != NULL)
		(void)gdoi_nft_spi_del(d->d_nft, del_spi, ndel);
	gdoi_xfrm_batch_free(b);
	OPENSSL_cleanse(w, sizeof(w));
}

/* ---- moments: outbound switch and end of a replaced TEK ---- */

uint64_t
gm_dp_next_ms(const struct gm *m)
{
	const struct gm_dp *d = m->m_dp;
	uint64_t next = GDOI_SCHED_NEVER, t;
	uint32_t sw_s;
	size_t i, j, k;

	if (d == NULL)
		return next;
	if (d->d_dirty)
		return d->d_last_tick + 1000;  /* retry the rebuild once a second */
	sw_s = m->m_conf->c_dp.dp_switch_s;
	for (i = 0; i < m->m_ngroups; i++) {
		const struct gm_group *g = &m->m_groups[i];

		if (g->g_dp == NULL || !g->g_has_pol)
			continue;
		for (j = 0; j < g->g_nprev; j++) {
			t = gdoi_sched_gm_tek_next_ms(g->g_prev[j].tek_expiry_ms, sw_s, 1,
			    d->d_last_tick);
			next = t < next ? t : next;
		}
		for (k = 0; k < g->g_pol.gp_ntek; k++) {
			t = gdoi_sched_gm_tek_next_ms(g->g_pol.gp_tek[k].tek_expiry_ms, sw_s, 0,
			    d->d_last_tick);
			next = t < next ? t : next;
		}
	}
	return next;
}

static int
bypass_install(struct gm_dp *d)
{
	struct gdoi_xfrm_batch *b = gdoi_xfrm_batch_new(&d->d_cfg, 1);
	int rc;

	if (b == NULL)
		return -1;
	pol_add3(b, &dp_bypass, 0, 0, 0);
	rc = gdoi_xfrm_send(d->d_x, b);
	gdoi_xfrm_batch_free(b);
	if (rc != 0 && rc != GDOI_XFRM_E_EXIST)
		return -1;
	d->d_bypass = 1;
	return 0;
}

/* Remove every object of ours; forget what was installed. */
static void
dp_flush(struct gm *m)
{
	struct gm_dp *d = m->m_dp;
	size_t i, n = 0;

	if (gdoi_xfrm_flush(d->d_x, &n) != 0)
		gdoi_log("GDOI", GDOI_LOG_ERR, "GM_DP_FAIL", "XFRM objects of ours not all removed");
	else if (n > 0)
		gdoi_log("GDOI", GDOI_LOG_NOTICE, "GM_DP_FLUSH",
		    "Removed %zu XFRM SAs and policies of ours (reqid %u, priorities %u..%u)", n,
		    d->d_cfg.xc_reqid, d->d_cfg.xc_prio_base,
		    d->d_cfg.xc_prio_base + GDOI_XFRM_PRIO_SPAN - 1);
	for (i = 0; i < m->m_ngroups; i++)
		if (m->m_groups[i].g_dp != NULL) {
			m->m_groups[i].g_dp->dg_nsa = 0;
			m->m_groups[i].g_dp->dg_nacl = 0;
		}
	d->d_bypass = 0;
}

void
gm_dp_tick(struct gm *m, uint64_t now)
{
	struct gm_dp *d = m->m_dp;
	size_t i;

	if (d == NULL)
		return;
	d->d_last_tick = now;
	if (d->d_dirty) {
		gdoi_log("GDOI", GDOI_LOG_WARNING, "GM_DP_RESYNC",
		    "XFRM state unknown (lost replies or events): rebuilding it");
		dp_flush(m);
		d->d_dirty = 0;
		if (d->d_nft != NULL && gdoi_nft_install(d->d_nft) != 0)
			d->d_nft_local = 0;  /* nft_ensure retries */
	}
	for (i = 0; i < m->m_ngroups; i++)
		if (m->m_groups[i].g_dp != NULL)
			gm_dp_sync(m, &m->m_groups[i]);
}

/* ---- kernel events ---- */

/* Group and TEK index holding spi as a current TEK, or NULL. */
static struct gm_group *
current_owner(struct gm *m, uint32_t spi)
{
	size_t i, k;

	for (i = 0; i < m->m_ngroups; i++) {
		struct gm_group *g = &m->m_groups[i];

		for (k = 0; g->g_has_pol && k < g->g_pol.gp_ntek; k++)
			if (g->g_pol.gp_tek[k].tek_spi == spi)
				return g;
	}
	return NULL;
}

static void
forget_sa(struct gm *m, uint32_t spi)
{
	size_t i, k, o;

	for (i = 0; i < m->m_ngroups; i++) {
		struct gm_dp_grp *dg = m->m_groups[i].g_dp;

		if (dg == NULL)
			continue;
		for (k = o = 0; k < dg->dg_nsa; k++)
			if (dg->dg_sa[k].ds_spi != spi)
				dg->dg_sa[o++] = dg->dg_sa[k];
		dg->dg_nsa = o;
	}
}

static void
dp_event(struct gm *m, const struct gdoi_xfrm_ev *e)
{
	struct gm_dp *d = m->m_dp;
	struct gm_group *g;

	switch (e->ev_type) {
	case GDOI_XFRM_EV_LOST:
		d->d_lost++;
		d->d_dirty = 1;
		return;
	case GDOI_XFRM_EV_ACQUIRE:
		d->d_acquire++;
		return;
	case GDOI_XFRM_EV_SOFT:
		d->d_soft++;
		break;
	case GDOI_XFRM_EV_HARD:
		d->d_hard++;
		forget_sa(m, e->ev_spi);
		break;
	default:
		return;
	}
	/* A limit of a TEK no rekey has replaced: its keys are running out
	 * (time) or its sequence numbers are (packets): register again now. */
	if ((g = current_owner(m, e->ev_spi)) == NULL || g->g_state != GM_REGISTERED ||
	    g->g_dp_rereg)
		return;
	gdoi_log("GDOI", GDOI_LOG_WARNING, "GM_DP_SA_LIMIT",
	    "Group %s: the kernel reports the %s limit of SA 0x%08X reached (%llu packets); "
	    "registering again", g->g_name, e->ev_type == GDOI_XFRM_EV_HARD ? "hard" : "soft",
	    e->ev_spi, (unsigned long long)e->ev_packets);
	g->g_dp_rereg = 1;
	g->g_wake_ms = gm_now(m);
}

static void
dp_io(struct gdoi_ev_io *w, int fd, void *arg)
{
	struct gm *m = arg;
	struct gdoi_xfrm_ev ev[32];
	int n, i;

	(void)w;
	(void)fd;
	if ((n = gdoi_xfrm_ev_read(m->m_dp->d_ev, ev, 32)) <= 0)
		return;
	for (i = 0; i < n; i++)
		dp_event(m, &ev[i]);
	gm_rearm(m);
}

/* ---- life cycle ---- */

int
gm_dp_start(struct gm *m)
{
	const struct gdoi_conf_dp *c = &m->m_conf->c_dp;
	struct gm_dp *d;
	struct gdoi_nft_cfg nc;

	if (!c->dp_on || !c->dp_xfrm) {
		gdoi_log("GDOI", GDOI_LOG_NOTICE, "GM_DP_OFF", "No datapath configured: group "
		    "keys are not programmed into the kernel");
		return 0;
	}
	if ((d = m->m_dp = calloc(1, sizeof(*d))) == NULL)
		return -1;
	d->d_cfg.xc_reqid = c->dp_reqid;
	d->d_cfg.xc_prio_base = c->dp_priority;
	d->d_cfg.xc_mark = c->dp_mark;
	d->d_cfg.xc_mask = c->dp_mask;
	d->d_cfg.xc_in_mark = c->dp_wan_mark;
	if ((d->d_x = gdoi_xfrm_open(&d->d_cfg)) == NULL ||
	    (d->d_ev = gdoi_xfrm_ev_open(&d->d_cfg)) == NULL)
		goto fail;
	if (c->dp_esp_keylog != NULL &&
	    gdoi_keylog_open(c->dp_esp_keylog, &d->d_keylog) != 0) {
		gdoi_log("GDOI", GDOI_LOG_ERR, "GM_DP_FAIL", "ESP key log %s: %s",
		    c->dp_esp_keylog, strerror(errno));
		goto fail;
	}
	/* what a previous run left (crash): ours by reqid, priority, table name */
	dp_flush(m);
	memset(&nc, 0, sizeof(nc));
	snprintf(nc.nc_table, sizeof(nc.nc_table), "%s", c->dp_table);
	nc.nc_reqid = c->dp_reqid;
	nc.nc_local = htonl(0x7f000001u);
	{
		struct gdoi_nft *n = gdoi_nft_open(&nc);

		if (n != NULL)
			(void)gdoi_nft_remove(n);
		gdoi_nft_close(n);
	}
	if ((d->d_io = gdoi_ev_io_new(m->m_rt.rt_loop, gdoi_xfrm_fd(d->d_ev), dp_io, m)) == NULL)
		goto fail;
	gdoi_log("GDOI", GDOI_LOG_NOTICE, "GM_DP_ON", "Datapath: XFRM reqid %u, policy "
	    "priorities from %u, nftables table %s, outbound switch %u s before expiry",
	    c->dp_reqid, c->dp_priority, c->dp_table, c->dp_switch_s);
	return 0;
fail:
	gdoi_log("GDOI", GDOI_LOG_ERR, "GM_DP_FAIL", "Datapath not started");
	gm_dp_stop(m);
	return -1;
}

void
gm_dp_group_gone(struct gm *m, struct gm_group *g)
{
	struct gm_dp *d = m->m_dp;

	if (g->g_dp == NULL)
		return;
	if (d != NULL) {
		g->g_has_pol = 0;  /* the caller clears the policy: want nothing */
		gm_dp_sync(m, g);
		d->d_used[g->g_dp->dg_gi] = 0;
	}
	free(g->g_dp);
	g->g_dp = NULL;
}

void
gm_dp_stop(struct gm *m)
{
	struct gm_dp *d = m->m_dp;

	if (d == NULL)
		return;
	if (d->d_x != NULL)
		dp_flush(m);
	if (d->d_nft != NULL)
		(void)gdoi_nft_remove(d->d_nft);
	gdoi_nft_close(d->d_nft);
	gdoi_ev_io_free(d->d_io);
	gdoi_xfrm_close(d->d_ev);
	gdoi_xfrm_close(d->d_x);
	gdoi_keylog_close(d->d_keylog);
	free(d);
	m->m_dp = NULL;
}

/* ---- show crypto gdoi gm dataplane ---- */

void
gm_dp_show(struct gm *m, struct gdoi_tree *t)
{
	struct gm_dp *d = m->m_dp;
	uint64_t pk[GDOI_NFT_NCHAIN];
	char key[16];
	size_t i, k;

	gdoi_tree_open(t, "dataplane", "GDOI GM dataplane");
	gdoi_tree_attr(t, "state", "Datapath", "%s", d != NULL ? "XFRM" : "off");
	if (d == NULL) {
		gdoi_tree_close(t);
		return;
	}
	gdoi_tree_attr(t, "reqid", "XFRM reqid", "%u", d->d_cfg.xc_reqid);
	gdoi_tree_attr(t, "priority", "XFRM policy priorities from", "%u", d->d_cfg.xc_prio_base);
	gdoi_tree_attr(t, "batches", "XFRM batches sent", "%lu", d->d_batches);
	gdoi_tree_attr(t, "failures", "XFRM requests failed", "%lu", d->d_failures);
	gdoi_tree_attr(t, "soft_expires", "SA soft limits reported", "%lu", d->d_soft);
	gdoi_tree_attr(t, "hard_expires", "SA hard limits reported", "%lu", d->d_hard);
	gdoi_tree_attr(t, "acquires", "Packets held for want of an SA (ACQUIRE)", "%lu",
	    d->d_acquire);
	gdoi_tree_attr(t, "events_lost", "Kernel events lost (resync)", "%lu", d->d_lost);
	gdoi_tree_attr(t, "nft_table", "nftables table", "%s",
	    d->d_nft != NULL ? m->m_conf->c_dp.dp_table : "none");
	if (d->d_nft != NULL && gdoi_nft_counters(d->d_nft, pk) == 0) {
		gdoi_tree_attr(t, "esp_redirected", "Group ESP redirected in", "%llu",
		    (unsigned long long)pk[GDOI_NFT_PRE]);
		gdoi_tree_attr(t, "plain_stashed", "Packets to encrypt, addresses kept", "%llu",
		    (unsigned long long)pk[GDOI_NFT_STASH]);
		gdoi_tree_attr(t, "esp_readdressed", "Group ESP re-addressed out", "%llu",
		    (unsigned long long)pk[GDOI_NFT_OUTER]);
	}
	gdoi_tree_open(t, "group", "");
	for (i = 0; i < m->m_ngroups; i++) {
		const struct gm_dp_grp *dg = m->m_groups[i].g_dp;

		if (dg == NULL)
			continue;
		gdoi_tree_open(t, m->m_groups[i].g_name, NULL);
		gdoi_tree_attr(t, "policies", "ACL entries installed", "%zu", dg->dg_nacl);
		gdoi_tree_open(t, "sa", "SAs installed");
		for (k = 0; k < dg->dg_nsa; k++) {
			snprintf(key, sizeof(key), "%zu", k);
			gdoi_tree_open(t, key, NULL);
			gdoi_tree_attr(t, "spi", "SPI", "0x%08X", dg->dg_sa[k].ds_spi);
			gdoi_tree_attr(t, "dir", "Direction", "%s", dg->dg_sa[k].ds_out ? "out" : "in");
			gdoi_tree_close(t);
		}
		gdoi_tree_close(t);
		gdoi_tree_close(t);
	}
	gdoi_tree_close(t);
	gdoi_tree_close(t);
}

size_t
gm_dp_plan(const struct gm *m, const struct gm_group *g, uint64_t now, uint32_t *spi,
    uint8_t *out, size_t cap)
{
	struct gm_dp_grp dg;
	struct dp_want w[DP_SA_MAX];
	size_t n, i;

	memset(&dg, 0, sizeof(dg));
	n = dp_want(m, g, &dg, now, w);
	for (i = 0; i < n && i < cap; i++) {
		spi[i] = w[i].w_sa.ds_spi;
		out[i] = w[i].w_sa.ds_out;
	}
	return n;
}
