/*
 * XFRM netlink module of the group member: see xfrm.h.
 *
 * Requests are built in place in one mnl_nlmsg_batch buffer.  Each
 * builder first checks that its fixed part fits, then adds attributes
 * with mnl_attr_put_check() bounded by the room left; only a complete
 * request is committed with mnl_nlmsg_batch_next().
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/xfrm.h>

#include "gdoi/log.h"
#include "gdoi/wire.h"
#include "nl.h"
#include "xfrm.h"

#define XFRM_HARD_PACKETS 4293918720ULL                  /* 2^32 - 2^20 */
#define XFRM_SOFT_PACKETS (XFRM_HARD_PACKETS / 10 * 9)   /* 3864526848 */

const char *
gdoi_xfrm_strerror(int res)
{
	switch (res) {
	case GDOI_XFRM_OK: return "success";
	case GDOI_XFRM_E_EXIST: return "already exists";
	case GDOI_XFRM_E_SRCH: return "no such SA";
	case GDOI_XFRM_E_NOENT: return "no such policy";
	case GDOI_XFRM_E_NOPROTO: return "IPsec protocol not supported by the kernel";
	case GDOI_XFRM_E_NOALG: return "algorithm not supported by the kernel";
	case GDOI_XFRM_E_INVAL: return "invalid argument";
	case GDOI_XFRM_E_NOSPC: return "batch full";
	case GDOI_XFRM_E_KERNEL: return "kernel error";
	case GDOI_XFRM_E_SYS: return "netlink socket error";
	case GDOI_XFRM_E_PERM: return "permission denied";
	}
	return "unknown error";
}

int
gdoi_xfrm_errno_res(int err)
{
	switch (err) {
	case 0: return GDOI_XFRM_OK;
	case EEXIST: return GDOI_XFRM_E_EXIST;
	case ESRCH: return GDOI_XFRM_E_SRCH;
	case ENOENT: return GDOI_XFRM_E_NOENT;
	case EPROTONOSUPPORT: return GDOI_XFRM_E_NOPROTO;
	case ENOSYS: return GDOI_XFRM_E_NOALG;
	case EINVAL: return GDOI_XFRM_E_INVAL;
	case EPERM: return GDOI_XFRM_E_PERM;
	}
	return GDOI_XFRM_E_KERNEL;
}

/* ---- batch ---- */

struct gdoi_xfrm_batch *
gdoi_xfrm_batch_new(const struct gdoi_xfrm_cfg *cfg, uint32_t seq0)
{
	struct gdoi_xfrm_batch *b;

	if ((b = calloc(1, sizeof(*b))) == NULL)
		return NULL;
	if ((b->xb_buf = calloc(1, GDOI_XFRM_BUF)) == NULL) {
		free(b);
		return NULL;
	}
	b->xb_cfg = *cfg;
	b->xb_seq = seq0;
	if ((b->xb_b = mnl_nlmsg_batch_start(b->xb_buf, GDOI_XFRM_BUF)) == NULL) {
		free(b->xb_buf);
		free(b);
		return NULL;
	}
	return b;
}

void
gdoi_xfrm_batch_reset(struct gdoi_xfrm_batch *b)
{
	explicit_bzero(b->xb_buf, GDOI_XFRM_BUF);
	mnl_nlmsg_batch_reset(b->xb_b);
	b->xb_n = 0;
	b->xb_err = 0;
	b->xb_msg[0] = '\0';
	memset(b->xb_res, 0, sizeof(b->xb_res));
}

void
gdoi_xfrm_batch_free(struct gdoi_xfrm_batch *b)
{
	if (b == NULL)
		return;
	explicit_bzero(b->xb_buf, GDOI_XFRM_BUF);
	mnl_nlmsg_batch_stop(b->xb_b);
	free(b->xb_buf);
	free(b);
}

const void *
gdoi_xfrm_batch_data(const struct gdoi_xfrm_batch *b, size_t *len)
{
	*len = mnl_nlmsg_batch_size(b->xb_b);
	return mnl_nlmsg_batch_head(b->xb_b);
}

/*
 * Start a request of type with a fixed header of hlen octets (zeroed).
 * NULL (sticky NOSPC) if the header does not fit or the slots are used up.
 */
static struct nlmsghdr *
req_start(struct gdoi_xfrm_batch *b, uint16_t type, uint16_t flags, size_t hlen, void **hdr,
    size_t *room)
{
	struct nlmsghdr *nlh;
	size_t left = GDOI_XFRM_BUF - mnl_nlmsg_batch_size(b->xb_b);

	if (b->xb_err)
		return NULL;
	if (b->xb_n >= GDOI_XFRM_BATCH_MAX || left < MNL_NLMSG_HDRLEN + MNL_ALIGN(hlen)) {
		b->xb_err = GDOI_XFRM_E_NOSPC;
		return NULL;
	}
	nlh = mnl_nlmsg_put_header(mnl_nlmsg_batch_current(b->xb_b));
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = b->xb_seq;
	*hdr = mnl_nlmsg_put_extra_header(nlh, hlen);
	*room = left;
	return nlh;
}

/* Commit the request, or drop it (NOSPC) if an attribute did not fit. */
static int
req_end(struct gdoi_xfrm_batch *b, struct nlmsghdr *nlh, int ok)
{
	if (!ok) {
		explicit_bzero(nlh, GDOI_XFRM_BUF - mnl_nlmsg_batch_size(b->xb_b));
		b->xb_err = GDOI_XFRM_E_NOSPC;
		return GDOI_XFRM_E_NOSPC;
	}
	b->xb_reqseq[b->xb_n] = nlh->nlmsg_seq;
	b->xb_reqtype[b->xb_n] = nlh->nlmsg_type;
	b->xb_res[b->xb_n] = 0;
	b->xb_n++;
	b->xb_seq++;
	mnl_nlmsg_batch_next(b->xb_b);
	return 0;
}

/*
 * XFRMA_MARK only when a mark is configured (xc_mask != 0): a policy with
 * mark v/m matches only packets with (skb->mark & m) == v, so a mark
 * cannot double as our ownership tag without fencing off unmarked
 * traffic.  Returns the "fits" flag like mnl_attr_put_check.
 */
static int
mark_put(struct nlmsghdr *nlh, size_t room, uint32_t v, uint32_t m)
{
	struct xfrm_mark xm = { .v = v, .m = m };

	if (m == 0)
		return 1;
	return mnl_attr_put_check(nlh, room, XFRMA_MARK, sizeof(xm), &xm);
}

static int
mark_attr(struct nlmsghdr *nlh, size_t room, const struct gdoi_xfrm_cfg *c)
{
	return mark_put(nlh, room, c->xc_mark, c->xc_mask);
}

/* The mark of a policy of direction dir: in and fwd also carry xc_in_mark. */
static void
pol_mark(const struct gdoi_xfrm_cfg *c, int dir, uint32_t *v, uint32_t *m)
{
	*v = c->xc_mark;
	*m = c->xc_mask;
	if (dir != GDOI_XFRM_DIR_OUT) {
		*v |= c->xc_in_mark;
		*m |= c->xc_in_mark;
	}
}

/* Does an object's mark (has, v, m) equal the configured one? */
static int
mark_ours(const struct gdoi_xfrm_cfg *c, int has, uint32_t v, uint32_t m)
{
	if (c->xc_mask == 0)
		return !has || m == 0;
	return has && v == c->xc_mark && m == c->xc_mask;
}

int
gdoi_xfrm_pol_ours(const struct gdoi_xfrm_cfg *c, const struct gdoi_xfrm_pol *p)
{
	struct gdoi_xfrm_cfg pc = *c;

	pol_mark(c, p->xp_dir, &pc.xc_mark, &pc.xc_mask);
	return p->xp_priority >= c->xc_prio_base &&
	    p->xp_priority - c->xc_prio_base < GDOI_XFRM_PRIO_SPAN &&
	    (!p->xp_ntmpl || p->xp_reqid == c->xc_reqid) &&
	    mark_ours(&pc, p->xp_has_mark, p->xp_mark, p->xp_mask);
}

static int
af_family(uint8_t af)
{
	return af == 4 ? AF_INET : af == 6 ? AF_INET6 : -1;
}

static size_t
af_len(uint8_t af)
{
	return af == 6 ? 16 : 4;
}

/* ---- SA ---- */

int
gdoi_xfrm_sa_add(struct gdoi_xfrm_batch *b, const struct gdoi_tek *tek,
    const struct gdoi_xfrm_addr *src, const struct gdoi_xfrm_addr *dst, uint64_t now_ms)
{
	struct nlmsghdr *nlh;
	struct xfrm_usersa_info sa;
	void *hdr;
	const struct gdoi_tek_xform *x = &tek->tek_x;
	size_t room, ekey = gdoi_tek_enc_keylen(x), ikey = gdoi_tek_int_keylen(x);
	uint64_t left_s;
	int fam = af_family(src->xa_af), ok = 1;
	/* xfrm_algo / xfrm_algo_auth / xfrm_algo_aead with the key after */
	union {
		struct xfrm_algo a;
		struct xfrm_algo_auth au;
		struct xfrm_algo_aead ae;
		uint8_t raw[sizeof(struct xfrm_algo_auth) + GDOI_TEK_ENC_MAX + GDOI_TEK_INT_MAX];
	} alg;

	if (b->xb_err)
		return b->xb_err;
	if (gdoi_tek_xform_ok(x) != 0 || tek->tek_spi == 0 || fam < 0 ||
	    dst->xa_af != src->xa_af || ekey == 0 || ekey > GDOI_TEK_ENC_MAX ||
	    ikey > GDOI_TEK_INT_MAX || tek->tek_expiry_ms <= now_ms)
		return GDOI_XFRM_E_INVAL;
	if ((left_s = (tek->tek_expiry_ms - now_ms) / 1000) == 0)
		return GDOI_XFRM_E_INVAL;
	if ((nlh = req_start(b, XFRM_MSG_NEWSA, NLM_F_CREATE | NLM_F_EXCL, sizeof(sa),
	    &hdr, &room)) == NULL)
		return b->xb_err;
	/* built aside: netlink aligns to 4, the struct has u64 fields */
	memset(&sa, 0, sizeof(sa));
	sa.sel.family = (uint16_t)fam;
	memcpy(&sa.id.daddr, dst->xa_addr, af_len(dst->xa_af));
	memcpy(&sa.saddr, src->xa_addr, af_len(src->xa_af));
	sa.id.spi = htonl(tek->tek_spi);
	sa.id.proto = IPPROTO_ESP;
	sa.family = (uint16_t)fam;
	sa.mode = XFRM_MODE_TUNNEL;
	sa.replay_window = 0;
	sa.reqid = b->xb_cfg.xc_reqid;
	sa.lft.soft_byte_limit = XFRM_INF;
	sa.lft.hard_byte_limit = XFRM_INF;
	sa.lft.soft_packet_limit = XFRM_SOFT_PACKETS;
	sa.lft.hard_packet_limit = XFRM_HARD_PACKETS;
	sa.lft.hard_add_expires_seconds = left_s;
	sa.lft.soft_add_expires_seconds = left_s * 9 / 10 ? left_s * 9 / 10 : 1;
	memcpy(hdr, &sa, sizeof(sa));

	memset(&alg, 0, sizeof(alg));
	if (x->tx_esp == ESP_T_AES_GCM_16) {
		/* RFC 4106: key || 4-octet salt, length in bits over both */
		strncpy(alg.ae.alg_name, "rfc4106(gcm(aes))", sizeof(alg.ae.alg_name) - 1);
		alg.ae.alg_key_len = (unsigned)(ekey * 8);
		alg.ae.alg_icv_len = 128;
		memcpy(alg.ae.alg_key, tek->tek_enc, ekey);
		ok = mnl_attr_put_check(nlh, room, XFRMA_ALG_AEAD, sizeof(alg.ae) + ekey, &alg);
	} else {
		strncpy(alg.a.alg_name, "cbc(aes)", sizeof(alg.a.alg_name) - 1);
		alg.a.alg_key_len = (unsigned)(ekey * 8);
		memcpy(alg.a.alg_key, tek->tek_enc, ekey);
		ok = mnl_attr_put_check(nlh, room, XFRMA_ALG_CRYPT, sizeof(alg.a) + ekey, &alg);
		memset(&alg, 0, sizeof(alg));
		strncpy(alg.au.alg_name,
		    x->tx_auth == IPSEC_AUTH_HMAC_SHA1 ? "hmac(sha1)" : "hmac(sha256)",
		    sizeof(alg.au.alg_name) - 1);
		alg.au.alg_key_len = (unsigned)(ikey * 8);
		alg.au.alg_trunc_len = x->tx_auth == IPSEC_AUTH_HMAC_SHA1 ? 96 : 128;
		memcpy(alg.au.alg_key, tek->tek_int, ikey);
		ok = ok && mnl_attr_put_check(nlh, room, XFRMA_ALG_AUTH_TRUNC,
		    sizeof(alg.au) + ikey, &alg);
	}
	explicit_bzero(&alg, sizeof(alg));
	ok = ok && mark_attr(nlh, room, &b->xb_cfg);
	return req_end(b, nlh, ok);
}

int
gdoi_xfrm_sa_del(struct gdoi_xfrm_batch *b, const struct gdoi_xfrm_addr *dst, uint32_t spi)
{
	struct nlmsghdr *nlh;
	struct xfrm_usersa_id *id;
	size_t room;
	int fam = af_family(dst->xa_af);

	if (b->xb_err)
		return b->xb_err;
	if (fam < 0)
		return GDOI_XFRM_E_INVAL;
	if ((nlh = req_start(b, XFRM_MSG_DELSA, 0, sizeof(*id), (void **)&id, &room)) == NULL)
		return b->xb_err;
	memcpy(&id->daddr, dst->xa_addr, af_len(dst->xa_af));
	id->spi = htonl(spi);
	id->family = (uint16_t)fam;
	id->proto = IPPROTO_ESP;
	return req_end(b, nlh, mark_attr(nlh, room, &b->xb_cfg));
}

/* ---- policy ---- */

/* Selector from an ACE; 0 or GDOI_XFRM_E_INVAL. */
static int
sel_from_ace(struct xfrm_selector *s, const struct gdoi_ace *ace, int mirror)
{
	int fam = af_family(ace->ace_af);
	size_t alen = af_len(ace->ace_af);
	const uint8_t *sa = mirror ? ace->ace_dst : ace->ace_src;
	const uint8_t *da = mirror ? ace->ace_src : ace->ace_dst;
	uint8_t splen = mirror ? ace->ace_dst_plen : ace->ace_src_plen;
	uint8_t dplen = mirror ? ace->ace_src_plen : ace->ace_dst_plen;
	uint16_t sport = mirror ? ace->ace_dport : ace->ace_sport;
	uint16_t dport = mirror ? ace->ace_sport : ace->ace_dport;

	if (fam < 0 || splen > alen * 8 || dplen > alen * 8)
		return GDOI_XFRM_E_INVAL;
	if ((sport || dport) && ace->ace_proto != IPPROTO_TCP && ace->ace_proto != IPPROTO_UDP &&
	    ace->ace_proto != IPPROTO_SCTP)
		return GDOI_XFRM_E_INVAL;
	memset(s, 0, sizeof(*s));
	memcpy(&s->saddr, sa, alen);
	memcpy(&s->daddr, da, alen);
	s->prefixlen_s = splen;
	s->prefixlen_d = dplen;
	s->family = (uint16_t)fam;
	s->proto = ace->ace_proto;
	if (sport) {
		s->sport = htons(sport);
		s->sport_mask = 0xffff;
	}
	if (dport) {
		s->dport = htons(dport);
		s->dport_mask = 0xffff;
	}
	return 0;
}

int
gdoi_xfrm_pol_add(struct gdoi_xfrm_batch *b, const struct gdoi_ace *ace, int mirror,
    int dir, unsigned order, const struct gdoi_xfrm_addr *tsrc, const struct gdoi_xfrm_addr *tdst)
{
	struct nlmsghdr *nlh;
	struct xfrm_userpolicy_info p;
	void *hdr;
	struct xfrm_user_tmpl t;
	struct xfrm_selector sel;
	size_t room;
	uint32_t mv, mm;
	int ok = 1, err;

	if (b->xb_err)
		return b->xb_err;
	if (dir < GDOI_XFRM_DIR_IN || dir > GDOI_XFRM_DIR_FWD ||
	    order > UINT32_MAX - b->xb_cfg.xc_prio_base ||
	    (tsrc && tsrc->xa_af != ace->ace_af) || (tdst && tdst->xa_af != ace->ace_af))
		return GDOI_XFRM_E_INVAL;
	if ((err = sel_from_ace(&sel, ace, mirror)) != 0)
		return err;
	if (dir == GDOI_XFRM_DIR_OUT)
		sel.ifindex = (int)b->xb_cfg.xc_out_ifindex;
	if ((nlh = req_start(b, XFRM_MSG_NEWPOLICY, NLM_F_CREATE | NLM_F_EXCL, sizeof(p),
	    &hdr, &room)) == NULL)
		return b->xb_err;
	memset(&p, 0, sizeof(p));  /* built aside: u64 fields */
	p.sel = sel;
	p.lft.soft_byte_limit = XFRM_INF;
	p.lft.hard_byte_limit = XFRM_INF;
	p.lft.soft_packet_limit = XFRM_INF;
	p.lft.hard_packet_limit = XFRM_INF;
	p.priority = b->xb_cfg.xc_prio_base + order;
	p.dir = (uint8_t)dir;
	p.action = XFRM_POLICY_ALLOW;
	p.share = XFRM_SHARE_ANY;
	memcpy(hdr, &p, sizeof(p));
	if (ace->ace_permit) {
		memset(&t, 0, sizeof(t));
		if (tdst)
			memcpy(&t.id.daddr, tdst->xa_addr, af_len(tdst->xa_af));
		if (tsrc)
			memcpy(&t.saddr, tsrc->xa_addr, af_len(tsrc->xa_af));
		t.id.proto = IPPROTO_ESP;
		t.family = sel.family;
		t.reqid = b->xb_cfg.xc_reqid;
		t.mode = XFRM_MODE_TUNNEL;
		t.share = XFRM_SHARE_ANY;
		t.aalgos = t.ealgos = t.calgos = ~0u;
		ok = mnl_attr_put_check(nlh, room, XFRMA_TMPL, sizeof(t), &t);
	}
	pol_mark(&b->xb_cfg, dir, &mv, &mm);
	ok = ok && mark_put(nlh, room, mv, mm);
	return req_end(b, nlh, ok);
}

static int
pol_del(struct gdoi_xfrm_batch *b, const struct xfrm_selector *sel, uint32_t index, int dir,
    uint32_t mv, uint32_t mm)
{
	struct nlmsghdr *nlh;
	struct xfrm_userpolicy_id *id;
	size_t room;

	if (b->xb_err)
		return b->xb_err;
	if (dir < GDOI_XFRM_DIR_IN || dir > GDOI_XFRM_DIR_FWD)
		return GDOI_XFRM_E_INVAL;
	if ((nlh = req_start(b, XFRM_MSG_DELPOLICY, 0, sizeof(*id), (void **)&id, &room)) == NULL)
		return b->xb_err;
	if (sel)
		id->sel = *sel;
	id->index = index;
	id->dir = (uint8_t)dir;
	return req_end(b, nlh, mark_put(nlh, room, mv, mm));
}

int
gdoi_xfrm_pol_del(struct gdoi_xfrm_batch *b, const struct gdoi_ace *ace, int mirror, int dir)
{
	struct xfrm_selector sel;
	uint32_t mv, mm;
	int err;

	if (b->xb_err)
		return b->xb_err;

	if ((err = sel_from_ace(&sel, ace, mirror)) != 0)
		return err;
	if (dir == GDOI_XFRM_DIR_OUT)
		sel.ifindex = (int)b->xb_cfg.xc_out_ifindex;
	pol_mark(&b->xb_cfg, dir, &mv, &mm);
	return pol_del(b, &sel, 0, dir, mv, mm);
}

int
gdoi_xfrm_pol_del_index(struct gdoi_xfrm_batch *b, uint32_t index, int dir)
{
	uint32_t mv, mm;

	if (index == 0)
		return GDOI_XFRM_E_INVAL;
	pol_mark(&b->xb_cfg, dir, &mv, &mm);
	return pol_del(b, NULL, index, dir, mv, mm);
}

/* ---- socket ---- */

struct gdoi_xfrm *
gdoi_xfrm_open(const struct gdoi_xfrm_cfg *cfg)
{
	struct gdoi_xfrm *x;

	if ((x = calloc(1, sizeof(*x))) == NULL)
		return NULL;
	x->x_cfg = *cfg;
	if ((x->x_rbuf = malloc(GDOI_XFRM_BUF)) == NULL)
		goto fail;
	/* capped ACKs (nl.c): the kernel does not echo our keys back */
	if ((x->x_nl = gdoi_nl_open(NETLINK_XFRM, "XFRM", "xfrm", &x->x_portid)) == NULL)
		goto fail;
	x->x_seq = 1;
	return x;
fail:
	gdoi_xfrm_close(x);
	return NULL;
}

void
gdoi_xfrm_close(struct gdoi_xfrm *x)
{
	if (x == NULL)
		return;
	if (x->x_nl)
		mnl_socket_close(x->x_nl);
	if (x->x_rbuf)
		explicit_bzero(x->x_rbuf, GDOI_XFRM_BUF);
	free(x->x_rbuf);
	free(x);
}

/* One datagram into x_rbuf; its length, or -1 (E_SYS logged). */
static ssize_t
rx(struct gdoi_xfrm *x)
{
	ssize_t n = gdoi_nl_recv(x->x_nl, x->x_rbuf, GDOI_XFRM_BUF, 0);

	if (n < 0 && errno == EMSGSIZE)
		gdoi_log("GDOI", GDOI_LOG_ERR, "XFRM", "netlink xfrm reply truncated (> %d)",
		    GDOI_XFRM_BUF);
	else if (n < 0)
		gdoi_log("GDOI", GDOI_LOG_ERR, "XFRM", "netlink xfrm receive: %s", strerror(errno));
	return n;
}

static const char *
req_name(uint16_t type)
{
	switch (type) {
	case XFRM_MSG_NEWSA: return "NEWSA";
	case XFRM_MSG_DELSA: return "DELSA";
	case XFRM_MSG_NEWPOLICY: return "NEWPOLICY";
	case XFRM_MSG_DELPOLICY: return "DELPOLICY";
	}
	return "request";
}

int
gdoi_xfrm_send(struct gdoi_xfrm *x, struct gdoi_xfrm_batch *b)
{
	struct nlmsghdr *nlh;
	size_t len, i, acked = 0;
	uint8_t *data;
	uint32_t seq0 = x->x_seq;
	int first = 0, rem;
	ssize_t n;

	if (b->xb_err)
		return b->xb_err;
	if (b->xb_n == 0)
		return 0;
	data = mnl_nlmsg_batch_head(b->xb_b);
	len = mnl_nlmsg_batch_size(b->xb_b);
	/* Renumber: the socket owns the sequence space. */
	for (i = 0, nlh = (struct nlmsghdr *)data; i < b->xb_n; i++) {
		nlh->nlmsg_seq = b->xb_reqseq[i] = x->x_seq++;
		b->xb_res[i] = 1;  /* pending */
		nlh = (struct nlmsghdr *)((uint8_t *)nlh + MNL_ALIGN(nlh->nlmsg_len));
	}
	b->xb_msg[0] = '\0';
	if (mnl_socket_sendto(x->x_nl, data, len) != (ssize_t)len) {
		gdoi_log("GDOI", GDOI_LOG_ERR, "XFRM", "netlink xfrm send: %s", strerror(errno));
		return GDOI_XFRM_E_SYS;
	}
	/* Test hook: the replies of this batch are "lost" (left unread). */
	if (gdoi_xfrm_test_lose > 0 && --gdoi_xfrm_test_lose == 0) {
		gdoi_log("GDOI", GDOI_LOG_WARNING, "XFRM", "test hook: replies of %zu requests dropped",
		    b->xb_n);
		return GDOI_XFRM_E_SYS;
	}
	while (acked < b->xb_n) {
		if ((n = rx(x)) < 0)
			return GDOI_XFRM_E_SYS;
		rem = (int)n;
		for (nlh = (struct nlmsghdr *)x->x_rbuf; mnl_nlmsg_ok(nlh, rem);
		    nlh = mnl_nlmsg_next(nlh, &rem)) {
			const struct nlmsgerr *e;
			char msg[sizeof(b->xb_msg)];
			int res;

			if ((e = gdoi_nl_err(nlh, x->x_portid)) == NULL ||
			    nlh->nlmsg_seq - seq0 >= b->xb_n)
				continue;
			i = nlh->nlmsg_seq - seq0;
			if (b->xb_res[i] != 1)
				continue;
			res = gdoi_xfrm_errno_res(-e->error);
			b->xb_res[i] = res;
			acked++;
			if (res == 0)
				continue;
			gdoi_nl_ext_ack(nlh, msg, sizeof(msg));
			gdoi_log("GDOI", GDOI_LOG_WARNING, "XFRM", "%s #%zu: %s (errno %d)%s%s",
			    req_name(b->xb_reqtype[i]), i, gdoi_xfrm_strerror(res), -e->error,
			    msg[0] ? ": " : "", msg);
			if (first == 0) {
				first = res;
				snprintf(b->xb_msg, sizeof(b->xb_msg), "%s", msg);
			}
		}
	}
	/* First failure in request order. */
	for (i = 0; i < b->xb_n; i++)
		if (b->xb_res[i] != 0)
			return b->xb_res[i];
	return first;
}

/* ---- dumps ---- */

static int
pol_attr_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	uint16_t t = mnl_attr_get_type(a);

	if (t <= XFRMA_MAX)
		tb[t] = a;
	return MNL_CB_OK;
}

/* One dumped policy message into p; 0 or -1 (malformed). */
static int
pol_parse(const struct nlmsghdr *nlh, struct gdoi_xfrm_pol *p)
{
	const struct nlattr *tb[XFRMA_MAX + 1] = { 0 };
	struct xfrm_userpolicy_info pi;
	const struct xfrm_selector *s = &pi.sel;
	size_t alen;

	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(pi))
		return -1;
	memcpy(&pi, mnl_nlmsg_get_payload(nlh), sizeof(pi));
	if (mnl_attr_parse(nlh, sizeof(pi), pol_attr_cb, tb) < 0)
		return -1;
	memset(p, 0, sizeof(*p));
	p->xp_sel.ace_af = s->family == AF_INET6 ? 6 : 4;
	alen = af_len(p->xp_sel.ace_af);
	memcpy(p->xp_sel.ace_src, &s->saddr, alen);
	memcpy(p->xp_sel.ace_dst, &s->daddr, alen);
	p->xp_sel.ace_src_plen = s->prefixlen_s;
	p->xp_sel.ace_dst_plen = s->prefixlen_d;
	p->xp_sel.ace_proto = s->proto;
	p->xp_sel.ace_sport = s->sport_mask ? ntohs(s->sport) : 0;
	p->xp_sel.ace_dport = s->dport_mask ? ntohs(s->dport) : 0;
	p->xp_dir = pi.dir;
	p->xp_action = pi.action;
	p->xp_priority = pi.priority;
	p->xp_index = pi.index;
	if (tb[XFRMA_MARK] && mnl_attr_get_payload_len(tb[XFRMA_MARK]) >= sizeof(struct xfrm_mark)) {
		struct xfrm_mark m;

		memcpy(&m, mnl_attr_get_payload(tb[XFRMA_MARK]), sizeof(m));
		p->xp_has_mark = 1;
		p->xp_mark = m.v;
		p->xp_mask = m.m;
	}
	if (tb[XFRMA_TMPL]) {
		size_t tl = mnl_attr_get_payload_len(tb[XFRMA_TMPL]);
		struct xfrm_user_tmpl t;

		if (tl < sizeof(t))
			return -1;
		memcpy(&t, mnl_attr_get_payload(tb[XFRMA_TMPL]), sizeof(t));
		p->xp_ntmpl = (uint8_t)(tl / sizeof(t));
		p->xp_reqid = t.reqid;
		p->xp_tmpl_mode = t.mode;
		p->xp_tmpl_proto = t.id.proto;
		p->xp_sel.ace_permit = 1;
	}
	return 0;
}

static int
pol_cmp(const void *a, const void *b)
{
	const struct gdoi_xfrm_pol *x = a, *y = b;

	if (x->xp_dir != y->xp_dir)
		return x->xp_dir < y->xp_dir ? -1 : 1;
	if (x->xp_priority != y->xp_priority)
		return x->xp_priority < y->xp_priority ? -1 : 1;
	if (x->xp_index != y->xp_index)
		return x->xp_index < y->xp_index ? -1 : 1;
	return 0;
}

/*
 * Run a dump of type (header hlen octets, zero) and call cb for every
 * message of the dump.  0, or E_SYS / the kernel's error.
 */
static int dump1(struct gdoi_xfrm *, uint16_t, size_t,
    int (*)(const struct nlmsghdr *, void *), void *);

/* SA dumps carry keys: the receive buffer is wiped after every dump. */
static int
dump(struct gdoi_xfrm *x, uint16_t type, size_t hlen,
    int (*cb)(const struct nlmsghdr *, void *), void *arg)
{
	int err = dump1(x, type, hlen, cb, arg);

	explicit_bzero(x->x_rbuf, GDOI_XFRM_BUF);
	return err;
}

static int
dump1(struct gdoi_xfrm *x, uint16_t type, size_t hlen,
    int (*cb)(const struct nlmsghdr *, void *), void *arg)
{
	union {
		struct nlmsghdr h;      /* aligned */
		uint8_t b[MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct xfrm_usersa_info))];
	} req;
	struct nlmsghdr *nlh;
	uint32_t seq = x->x_seq++;
	unsigned rounds;
	int rem;
	ssize_t n;

	memset(&req, 0, sizeof(req));
	nlh = mnl_nlmsg_put_header(req.b);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	(void)mnl_nlmsg_put_extra_header(nlh, hlen);
	if (mnl_socket_sendto(x->x_nl, nlh, nlh->nlmsg_len) != (ssize_t)nlh->nlmsg_len) {
		gdoi_log("GDOI", GDOI_LOG_ERR, "XFRM", "netlink xfrm dump: %s", strerror(errno));
		return GDOI_XFRM_E_SYS;
	}
	/* Bounded: 65536 datagrams are far more than GDOI_ACL_MAX * 3 policies. */
	for (rounds = 0; rounds < 65536; rounds++) {
		if ((n = rx(x)) < 0)
			return GDOI_XFRM_E_SYS;
		rem = (int)n;
		for (nlh = (struct nlmsghdr *)x->x_rbuf; mnl_nlmsg_ok(nlh, rem);
		    nlh = mnl_nlmsg_next(nlh, &rem)) {
			if (nlh->nlmsg_seq != seq || nlh->nlmsg_pid != x->x_portid)
				continue;
			if (nlh->nlmsg_type == NLMSG_DONE)
				return 0;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = gdoi_nl_err(nlh, x->x_portid);

				return e == NULL ? GDOI_XFRM_E_SYS : gdoi_xfrm_errno_res(-e->error);
			}
			if (cb(nlh, arg) != 0)
				return GDOI_XFRM_E_SYS;
		}
	}
	return GDOI_XFRM_E_SYS;
}

struct pol_dump_arg {
	const struct gdoi_xfrm_cfg *cfg;
	int which;
	struct gdoi_xfrm_pol *out;
	size_t cap, n;
};

static int
pol_dump_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct pol_dump_arg *d = arg;
	struct gdoi_xfrm_pol p;

	if (nlh->nlmsg_type != XFRM_MSG_NEWPOLICY)
		return 0;
	if (pol_parse(nlh, &p) != 0)
		return -1;
	if (d->which == GDOI_XFRM_DUMP_OURS && !gdoi_xfrm_pol_ours(d->cfg, &p))
		return 0;
	if (d->n < d->cap)
		d->out[d->n] = p;
	d->n++;
	return 0;
}

int
gdoi_xfrm_pol_dump(struct gdoi_xfrm *x, int which, struct gdoi_xfrm_pol *out, size_t cap,
    size_t *n)
{
	struct pol_dump_arg d = { &x->x_cfg, which, out, cap, 0 };
	int err;

	*n = 0;
	if ((err = dump(x, XFRM_MSG_GETPOLICY, sizeof(struct xfrm_userpolicy_id), pol_dump_cb,
	    &d)) != 0)
		return err;
	*n = d.n;
	qsort(out, d.n < cap ? d.n : cap, sizeof(*out), pol_cmp);
	return d.n > cap ? GDOI_XFRM_E_NOSPC : 0;
}

/* ---- flush ours: policies in our priority band, SAs with our reqid ---- */

struct flush_arg {
	const struct gdoi_xfrm_cfg *cfg;
	struct gdoi_xfrm_batch *b;
	size_t n;      /* requests added */
	int full;      /* batch filled: dump again after sending */
};

static int
flush_pol_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct flush_arg *f = arg;
	struct gdoi_xfrm_pol p;

	if (nlh->nlmsg_type != XFRM_MSG_NEWPOLICY)
		return 0;
	if (pol_parse(nlh, &p) != 0)
		return -1;
	if (!gdoi_xfrm_pol_ours(f->cfg, &p))
		return 0;
	if (f->b->xb_n >= GDOI_XFRM_BATCH_MAX) {
		f->full = 1;
		return 0;
	}
	if (gdoi_xfrm_pol_del_index(f->b, p.xp_index, p.xp_dir) != 0)
		return -1;
	f->n++;
	return 0;
}

static int
flush_sa_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct flush_arg *f = arg;
	const struct nlattr *tb[XFRMA_MAX + 1] = { 0 };
	struct xfrm_usersa_info si;
	struct xfrm_usersa_id *id;
	struct xfrm_mark m = { 0, 0 };
	struct nlmsghdr *req;
	size_t room;

	if (nlh->nlmsg_type != XFRM_MSG_NEWSA)
		return 0;
	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(si))
		return -1;
	memcpy(&si, mnl_nlmsg_get_payload(nlh), sizeof(si));
	if (mnl_attr_parse(nlh, sizeof(si), pol_attr_cb, tb) < 0)
		return -1;
	if (tb[XFRMA_MARK] && mnl_attr_get_payload_len(tb[XFRMA_MARK]) >= sizeof(m))
		memcpy(&m, mnl_attr_get_payload(tb[XFRMA_MARK]), sizeof(m));
	/* ours: our reqid (and our mark, when one is configured); not the
	 * kernel's larval ACQUIRE states (SPI 0): no DELSA names them, and
	 * they expire by themselves */
	if (si.reqid != f->cfg->xc_reqid || si.id.proto != IPPROTO_ESP || si.id.spi == 0 ||
	    !mark_ours(f->cfg, tb[XFRMA_MARK] != NULL, m.v, m.m))
		return 0;
	if (f->b->xb_n >= GDOI_XFRM_BATCH_MAX) {
		f->full = 1;
		return 0;
	}
	if ((req = req_start(f->b, XFRM_MSG_DELSA, 0, sizeof(*id), (void **)&id, &room)) == NULL)
		return -1;
	id->daddr = si.id.daddr;
	id->spi = si.id.spi;
	id->family = si.family;
	id->proto = si.id.proto;
	if (req_end(f->b, req, mark_attr(req, room, f->cfg)) != 0)
		return -1;
	f->n++;
	return 0;
}

int
gdoi_xfrm_flush(struct gdoi_xfrm *x, size_t *ndel)
{
	struct gdoi_xfrm_batch *b;
	struct flush_arg f;
	size_t total = 0;
	unsigned round;
	int err = 0, kind;

	if ((b = gdoi_xfrm_batch_new(&x->x_cfg, 0)) == NULL)
		return GDOI_XFRM_E_SYS;
	for (kind = 0; kind < 2 && err == 0; kind++) {
		/* GDOI_ACL_MAX * 3 policies, GDOI_TEK_MAX * 2 SAs: a few rounds at most. */
		for (round = 0; round < 64; round++) {
			memset(&f, 0, sizeof(f));
			f.cfg = &x->x_cfg;
			f.b = b;
			gdoi_xfrm_batch_reset(b);
			err = kind == 0 ?
			    dump(x, XFRM_MSG_GETPOLICY, sizeof(struct xfrm_userpolicy_id),
				flush_pol_cb, &f) :
			    dump(x, XFRM_MSG_GETSA, sizeof(struct xfrm_usersa_info), flush_sa_cb, &f);
			if (err != 0 || f.n == 0)
				break;
			err = gdoi_xfrm_send(x, b);
			/* Raced with an expiry: already gone is fine. */
			if (err == GDOI_XFRM_E_NOENT || err == GDOI_XFRM_E_SRCH)
				err = 0;
			total += f.n;
			if (err != 0 || !f.full)
				break;
		}
	}
	gdoi_xfrm_batch_free(b);
	if (ndel)
		*ndel = total;
	return err;
}

/* ---- events: XFRMNLGRP_EXPIRE / XFRMNLGRP_ACQUIRE ---- */

unsigned gdoi_xfrm_test_lose;

struct gdoi_xfrm *
gdoi_xfrm_ev_open(const struct gdoi_xfrm_cfg *cfg)
{
	struct gdoi_xfrm *x;
	int fd, flags;
	unsigned grp;

	if ((x = calloc(1, sizeof(*x))) == NULL)
		return NULL;
	x->x_cfg = *cfg;
	if ((x->x_rbuf = malloc(GDOI_XFRM_BUF)) == NULL)
		goto fail;
	if ((x->x_nl = mnl_socket_open(NETLINK_XFRM)) == NULL ||
	    mnl_socket_bind(x->x_nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		gdoi_log("GDOI", GDOI_LOG_ERR, "XFRM", "netlink xfrm event socket: %s",
		    strerror(errno));
		goto fail;
	}
	for (grp = XFRMNLGRP_ACQUIRE; grp <= XFRMNLGRP_EXPIRE; grp++)
		if (mnl_socket_setsockopt(x->x_nl, NETLINK_ADD_MEMBERSHIP, &grp, sizeof(grp)) < 0) {
			gdoi_log("GDOI", GDOI_LOG_ERR, "XFRM", "netlink xfrm join group %u: %s",
			    grp, strerror(errno));
			goto fail;
		}
	fd = mnl_socket_get_fd(x->x_nl);
	if ((flags = fcntl(fd, F_GETFL)) < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
		goto fail;
	x->x_portid = mnl_socket_get_portid(x->x_nl);
	return x;
fail:
	gdoi_xfrm_close(x);
	return NULL;
}

int
gdoi_xfrm_fd(const struct gdoi_xfrm *x)
{
	return mnl_socket_get_fd(x->x_nl);
}

int
gdoi_xfrm_ev_parse(const struct gdoi_xfrm_cfg *cfg, const void *msg, size_t len,
    struct gdoi_xfrm_ev *ev)
{
	const struct nlmsghdr *nlh = msg;

	if (len < MNL_NLMSG_HDRLEN || nlh->nlmsg_len > len)
		return -1;
	memset(ev, 0, sizeof(*ev));
	if (nlh->nlmsg_type == XFRM_MSG_EXPIRE) {
		struct xfrm_user_expire ue;

		if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(ue))
			return -1;
		memcpy(&ue, mnl_nlmsg_get_payload(nlh), sizeof(ue));
		if (ue.state.reqid != cfg->xc_reqid || ue.state.id.proto != IPPROTO_ESP)
			return 0;
		ev->ev_type = ue.hard ? GDOI_XFRM_EV_HARD : GDOI_XFRM_EV_SOFT;
		ev->ev_spi = ntohl(ue.state.id.spi);
		ev->ev_reqid = ue.state.reqid;
		ev->ev_packets = ue.state.curlft.packets;
		ev->ev_dst.xa_af = ue.state.family == AF_INET6 ? 6 : 4;
		memcpy(ev->ev_dst.xa_addr, &ue.state.id.daddr, af_len(ev->ev_dst.xa_af));
		return 1;
	}
	if (nlh->nlmsg_type == XFRM_MSG_ACQUIRE) {
		struct xfrm_user_acquire ua;

		if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(ua))
			return -1;
		memcpy(&ua, mnl_nlmsg_get_payload(nlh), sizeof(ua));
		if (ua.policy.priority < cfg->xc_prio_base ||
		    ua.policy.priority - cfg->xc_prio_base >= GDOI_XFRM_PRIO_SPAN)
			return 0;
		ev->ev_type = GDOI_XFRM_EV_ACQUIRE;
		ev->ev_reqid = cfg->xc_reqid;
		ev->ev_dst.xa_af = ua.sel.family == AF_INET6 ? 6 : 4;
		memcpy(ev->ev_dst.xa_addr, &ua.sel.daddr, af_len(ev->ev_dst.xa_af));
		return 1;
	}
	return 0;
}

int
gdoi_xfrm_ev_read(struct gdoi_xfrm *x, struct gdoi_xfrm_ev *ev, size_t cap)
{
	size_t n = 0;
	unsigned rounds;
	int rem, rcvbuf;
	socklen_t sl = sizeof(rcvbuf);
	ssize_t len;
	struct nlmsghdr *nlh;

	/* Bounded: at most 64 datagrams per call; the loop calls again. */
	for (rounds = 0; rounds < 64 && n < cap; rounds++) {
		/* MSG_PEEK|MSG_TRUNC: the datagram's real size before taking it. */
		len = recv(gdoi_xfrm_fd(x), x->x_rbuf, 1, MSG_PEEK | MSG_TRUNC);
		if (len < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (len < 0 && errno == ENOBUFS) {
			/* The kernel dropped events: grow the buffer, tell the caller. */
			if (getsockopt(gdoi_xfrm_fd(x), SOL_SOCKET, SO_RCVBUF, &rcvbuf, &sl) == 0 &&
			    rcvbuf < 4 << 20) {
				rcvbuf *= 2;
				(void)setsockopt(gdoi_xfrm_fd(x), SOL_SOCKET, SO_RCVBUFFORCE,
				    &rcvbuf, sizeof(rcvbuf));
			}
			memset(&ev[n], 0, sizeof(ev[n]));
			ev[n++].ev_type = GDOI_XFRM_EV_LOST;
			continue;
		}
		if (len < 0) {
			gdoi_log("GDOI", GDOI_LOG_ERR, "XFRM", "netlink xfrm events: %s",
			    strerror(errno));
			return GDOI_XFRM_E_SYS;
		}
		if (len > GDOI_XFRM_BUF) {
			/* Too big for us (never for EXPIRE/ACQUIRE): take it and drop it. */
			(void)recv(gdoi_xfrm_fd(x), x->x_rbuf, GDOI_XFRM_BUF, 0);
			continue;
		}
		if ((len = recv(gdoi_xfrm_fd(x), x->x_rbuf, GDOI_XFRM_BUF, 0)) <= 0)
			break;
		rem = (int)len;
		for (nlh = (struct nlmsghdr *)x->x_rbuf; mnl_nlmsg_ok(nlh, rem) && n < cap;
		    nlh = mnl_nlmsg_next(nlh, &rem))
			if (gdoi_xfrm_ev_parse(&x->x_cfg, nlh, nlh->nlmsg_len, &ev[n]) == 1)
				n++;
	}
	explicit_bzero(x->x_rbuf, GDOI_XFRM_BUF);
	return (int)n;
}
