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
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/xfrm.h>

#include "gdoi/log.h"
#include "gdoi/wire.h"
#include "xfrm.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK 10
#endif

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

static void
mark_put(struct xfrm_mark *m, const struct gdoi_xfrm_cfg *c)
{
	m->v = c->xc_mark;
	m->m = c->xc_mask;
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
	struct xfrm_usersa_info *sa;
	struct xfrm_mark mark;
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
	if ((nlh = req_start(b, XFRM_MSG_NEWSA, NLM_F_CREATE | NLM_F_EXCL, sizeof(*sa),
	    (void **)&sa, &room)) == NULL)
		return b->xb_err;
	sa->sel.family = (uint16_t)fam;
	memcpy(&sa->id.daddr, dst->xa_addr, af_len(dst->xa_af));
	memcpy(&sa->saddr, src->xa_addr, af_len(src->xa_af));
	sa->id.spi = htonl(tek->tek_spi);
	sa->id.proto = IPPROTO_ESP;
	sa->family = (uint16_t)fam;
	sa->mode = XFRM_MODE_TUNNEL;
	sa->replay_window = 0;
	sa->reqid = b->xb_cfg.xc_reqid;
	sa->lft.soft_byte_limit = XFRM_INF;
	sa->lft.hard_byte_limit = XFRM_INF;
	sa->lft.soft_packet_limit = XFRM_SOFT_PACKETS;
	sa->lft.hard_packet_limit = XFRM_HARD_PACKETS;
	sa->lft.hard_add_expires_seconds = left_s;
	sa->lft.soft_add_expires_seconds = left_s * 9 / 10 ? left_s * 9 / 10 : 1;

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
	mark_put(&mark, &b->xb_cfg);
	ok = ok && mnl_attr_put_check(nlh, room, XFRMA_MARK, sizeof(mark), &mark);
	return req_end(b, nlh, ok);
}

int
gdoi_xfrm_sa_del(struct gdoi_xfrm_batch *b, const struct gdoi_xfrm_addr *dst, uint32_t spi)
{
	struct nlmsghdr *nlh;
	struct xfrm_usersa_id *id;
	struct xfrm_mark mark;
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
	mark_put(&mark, &b->xb_cfg);
	return req_end(b, nlh, mnl_attr_put_check(nlh, room, XFRMA_MARK, sizeof(mark), &mark));
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
	struct xfrm_userpolicy_info *p;
	struct xfrm_user_tmpl t;
	struct xfrm_selector sel;
	struct xfrm_mark mark;
	size_t room;
	int ok = 1, err;

	if (b->xb_err)
		return b->xb_err;
	if (dir < GDOI_XFRM_DIR_IN || dir > GDOI_XFRM_DIR_FWD ||
	    order > UINT32_MAX - b->xb_cfg.xc_prio_base ||
	    (tsrc && tsrc->xa_af != ace->ace_af) || (tdst && tdst->xa_af != ace->ace_af))
		return GDOI_XFRM_E_INVAL;
	if ((err = sel_from_ace(&sel, ace, mirror)) != 0)
		return err;
	if ((nlh = req_start(b, XFRM_MSG_NEWPOLICY, NLM_F_CREATE | NLM_F_EXCL, sizeof(*p),
	    (void **)&p, &room)) == NULL)
		return b->xb_err;
	p->sel = sel;
	p->lft.soft_byte_limit = XFRM_INF;
	p->lft.hard_byte_limit = XFRM_INF;
	p->lft.soft_packet_limit = XFRM_INF;
	p->lft.hard_packet_limit = XFRM_INF;
	p->priority = b->xb_cfg.xc_prio_base + order;
	p->dir = (uint8_t)dir;
	p->action = XFRM_POLICY_ALLOW;
	p->share = XFRM_SHARE_ANY;
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
	mark_put(&mark, &b->xb_cfg);
	ok = ok && mnl_attr_put_check(nlh, room, XFRMA_MARK, sizeof(mark), &mark);
	return req_end(b, nlh, ok);
}

static int
pol_del(struct gdoi_xfrm_batch *b, const struct xfrm_selector *sel, uint32_t index, int dir)
{
	struct nlmsghdr *nlh;
	struct xfrm_userpolicy_id *id;
	struct xfrm_mark mark;
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
	mark_put(&mark, &b->xb_cfg);
	return req_end(b, nlh, mnl_attr_put_check(nlh, room, XFRMA_MARK, sizeof(mark), &mark));
}

int
gdoi_xfrm_pol_del(struct gdoi_xfrm_batch *b, const struct gdoi_ace *ace, int mirror, int dir)
{
	struct xfrm_selector sel;
	int err;

	if (b->xb_err)
		return b->xb_err;
	if ((err = sel_from_ace(&sel, ace, mirror)) != 0)
		return err;
	return pol_del(b, &sel, 0, dir);
}

int
gdoi_xfrm_pol_del_index(struct gdoi_xfrm_batch *b, uint32_t index, int dir)
{
	if (index == 0)
		return GDOI_XFRM_E_INVAL;
	return pol_del(b, NULL, index, dir);
}
