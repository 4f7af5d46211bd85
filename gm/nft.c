/*
 * nftables module of the group member: see nft.h.
 *
 * libnftnl writes attributes with mnl_attr_put(), which is not bounded by
 * the buffer, so the bound is ours: every message gets MSG_ROOM
 * octets, which none can reach (the largest, the outer rule, is 612
 * octets with the table name "gdoi_gm", 636 with 31 characters; a
 * NEWSETELEM of ELEM_PER_MSG elements of 16 octets each is under 1.2 KiB),
 * and the buffer of a transaction is sized for its message count before
 * anything is built.  msg_end() aborts should one ever be larger.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/xfrm.h>
#include <libnftnl/common.h>
#include <libnftnl/table.h>
#include <libnftnl/chain.h>
#include <libnftnl/set.h>
#include <libnftnl/rule.h>
#include <libnftnl/expr.h>
#include <libnftnl/udata.h>

#include "gdoi/log.h"
#include "nft.h"
#include "nl.h"

#define MSG_ROOM 2048         /* octets reserved per message */
#define ELEM_PER_MSG 64       /* SPIs per NEWSETELEM/DELSETELEM */
#define RBUF_LEN 65536            /* receive buffer */
#define SPI_SET "spi"
#define SPI_SET_ID 1              /* NFTA_SET_ID: the set within its transaction */
/*
 * nft(8)'s userdata for the set ("typeof esp spi"), so that `nft list`
 * prints the SPIs as numbers; the kernel ignores it.  The numbers are
 * nftables' own, kept stable because they are stored in the kernel:
 * key byte order big-endian (enum byteorder), datatype integer (enum
 * datatypes), and the key expression: a payload expression (enum
 * expr_types) of protocol ESP (enum proto_desc_id), field SPI
 * (ESPHDR_SPI), 32 bits.
 */
#define UD_BYTEORDER_BE 2
#define UD_TYPE_INTEGER 4
#define UD_EXPR_PAYLOAD 7
#define UD_PAYLOAD_DESC 0      /* payload udata attributes */
#define UD_PAYLOAD_TYPE 1
#define UD_PAYLOAD_LEN 4
#define UD_PROTO_ESP 2
#define UD_ESPHDR_SPI 1

static const char *const chain_name[GDOI_NFT_NCHAIN] = { "pre", "stash", "outer", "wan" };

struct gdoi_nft_batch {
	uint8_t *nb_buf;
	size_t nb_cap;
	struct mnl_nlmsg_batch *nb_b;
	uint32_t nb_seq;          /* seq of the next message */
	size_t nb_n;              /* messages between begin and end */
	int nb_err;               /* sticky: ENOSPC / ENOMEM */
};

struct gdoi_nft {
	struct mnl_socket *n_nl;
	uint32_t n_portid;
	uint32_t n_seq;
	struct gdoi_nft_cfg n_cfg;
	uint8_t *n_rbuf;          /* RBUF_LEN octets */
};

static int
cfg_ok(const struct gdoi_nft_cfg *cfg)
{
	size_t len = strnlen(cfg->nc_table, sizeof(cfg->nc_table));

	return len > 0 && len < sizeof(cfg->nc_table);
}

/* Whether the wan chain is part of the table. */
static bool
wan_on(const struct gdoi_nft_cfg *cfg)
{
	return cfg->nc_wan_ifindex != 0 && cfg->nc_wan_mark != 0;
}

/* ---- batch ---- */

/* A batch for nmsg messages, with batch begin written. */
static struct gdoi_nft_batch *
batch_new(size_t nmsg, uint32_t seq)
{
	struct gdoi_nft_batch *b;

	if ((b = calloc(1, sizeof(*b))) == NULL)
		return NULL;
	b->nb_cap = (nmsg + 2) * MSG_ROOM;
	if ((b->nb_buf = calloc(1, b->nb_cap)) == NULL ||
	    (b->nb_b = mnl_nlmsg_batch_start(b->nb_buf, b->nb_cap)) == NULL) {
		free(b->nb_buf);
		free(b);
		errno = ENOMEM;
		return NULL;
	}
	nftnl_batch_begin(mnl_nlmsg_batch_current(b->nb_b), seq);
	mnl_nlmsg_batch_next(b->nb_b);
	b->nb_seq = seq + 1;
	return b;
}

void
gdoi_nft_batch_free(struct gdoi_nft_batch *b)
{
	if (b == NULL)
		return;
	if (b->nb_b)
		mnl_nlmsg_batch_stop(b->nb_b);
	free(b->nb_buf);
	free(b);
}

const void *
gdoi_nft_batch_data(const struct gdoi_nft_batch *b, size_t *len)
{
	*len = mnl_nlmsg_batch_size(b->nb_b);
	return mnl_nlmsg_batch_head(b->nb_b);
}

size_t
gdoi_nft_batch_count(const struct gdoi_nft_batch *b)
{
	return b->nb_n;
}

/* Header of the next message, or NULL (sticky ENOSPC) if its room is not there. */
static struct nlmsghdr *
msg_start(struct gdoi_nft_batch *b, uint16_t type, uint16_t flags)
{
	if (b->nb_err)
		return NULL;
	/* this message and batch end */
	if (b->nb_cap - mnl_nlmsg_batch_size(b->nb_b) < 2 * MSG_ROOM) {
		b->nb_err = ENOSPC;
		return NULL;
	}
	return nftnl_nlmsg_build_hdr(mnl_nlmsg_batch_current(b->nb_b), type, NFPROTO_IPV4,
	    flags | NLM_F_ACK, b->nb_seq);
}

static void
msg_end(struct gdoi_nft_batch *b, struct nlmsghdr *nlh)
{
	if (nlh->nlmsg_len > MSG_ROOM)  /* the reserve above was wrong */
		abort();
	b->nb_seq++;
	b->nb_n++;
	mnl_nlmsg_batch_next(b->nb_b);
}

/* Batch end; the batch, or NULL with errno (and b freed) after an error. */
static struct gdoi_nft_batch *
batch_end(struct gdoi_nft_batch *b)
{
	if (b->nb_err) {
		errno = b->nb_err;
		gdoi_nft_batch_free(b);
		return NULL;
	}
	nftnl_batch_end(mnl_nlmsg_batch_current(b->nb_b), b->nb_seq);
	mnl_nlmsg_batch_next(b->nb_b);
	return b;
}

/* ---- expressions: all through NFT_REG_1 ---- */

/* A new expression of kind name appended to r; NULL on ENOMEM. */
static struct nftnl_expr *
expr_add(struct nftnl_rule *r, const char *name)
{
	struct nftnl_expr *e;

	if ((e = nftnl_expr_alloc(name)) != NULL)
		nftnl_rule_add_expr(r, e);
	return e;
}

/* meta load key => reg 1 (sreg 0) or meta set key with reg 1 (sreg 1) */
static int
e_meta(struct nftnl_rule *r, uint32_t key, int set)
{
	struct nftnl_expr *e;

	if ((e = expr_add(r, "meta")) == NULL)
		return -1;
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
	nftnl_expr_set_u32(e, set ? NFTNL_EXPR_META_SREG : NFTNL_EXPR_META_DREG, NFT_REG_1);
	return 0;
}

static int
e_cmp(struct nftnl_rule *r, uint32_t op, const void *data, uint32_t len)
{
	struct nftnl_expr *e;

	if ((e = expr_add(r, "cmp")) == NULL)
		return -1;
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
	nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len);
	return 0;
}

/* payload load 4b @ base + off => reg 1 */
static int
e_load(struct nftnl_rule *r, uint32_t base, uint32_t off)
{
	struct nftnl_expr *e;

	if ((e = expr_add(r, "payload")) == NULL)
		return -1;
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, off);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, 4);
	return 0;
}

/*
 * payload write reg 1 => 4b @ network header + off, with the IPv4 header
 * checksum (offset 10) fixed up incrementally.  No L4 pseudo-header
 * flag: ESP has no checksum over the addresses.
 */
static int
e_write_nh(struct nftnl_rule *r, uint32_t off)
{
	struct nftnl_expr *e;

	if ((e = expr_add(r, "payload")) == NULL)
		return -1;
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, NFT_PAYLOAD_NETWORK_HEADER);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, off);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, 4);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_CSUM_TYPE, NFT_PAYLOAD_CSUM_INET);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_CSUM_OFFSET, 10);
	return 0;
}

/* lookup reg 1 set spi */
static int
e_lookup(struct nftnl_rule *r)
{
	struct nftnl_expr *e;

	if ((e = expr_add(r, "lookup")) == NULL)
		return -1;
	nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SREG, NFT_REG_1);
	nftnl_expr_set_str(e, NFTNL_EXPR_LOOKUP_SET, SPI_SET);
	nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SET_ID, SPI_SET_ID);
	return 0;
}

static int
e_counter(struct nftnl_rule *r)
{
	return expr_add(r, "counter") == NULL ? -1 : 0;
}

/* immediate reg 1 = 4 octets */
static int
e_imm(struct nftnl_rule *r, uint32_t v)
{
	struct nftnl_expr *e;

	if ((e = expr_add(r, "immediate")) == NULL)
		return -1;
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_1);
	nftnl_expr_set(e, NFTNL_EXPR_IMM_DATA, &v, sizeof(v));
	return 0;
}

/* reg 1 := (reg 1 & ~bits) ^ bits, on 4 octets: reg 1 |= bits */
static int
e_or(struct nftnl_rule *r, uint32_t bits)
{
	struct nftnl_expr *e;
	uint32_t mask = ~bits;

	if ((e = expr_add(r, "bitwise")) == NULL)
		return -1;
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, sizeof(bits));
	nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, &mask, sizeof(mask));
	nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, &bits, sizeof(bits));
	return 0;
}

/* xfrm load out 0 reqid => reg 1 */
static int
e_xfrm_reqid(struct nftnl_rule *r)
{
	struct nftnl_expr *e;

	if ((e = expr_add(r, "xfrm")) == NULL)
		return -1;
	nftnl_expr_set_u32(e, NFTNL_EXPR_XFRM_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_XFRM_KEY, NFT_XFRM_KEY_REQID);
	nftnl_expr_set_u8(e, NFTNL_EXPR_XFRM_DIR, XFRM_POLICY_OUT);
	nftnl_expr_set_u32(e, NFTNL_EXPR_XFRM_SPNUM, 0);
	return 0;
}

/* ---- rules ---- */

/* ESP whose SPI (@th,0,32) is in @spi */
static int
r_esp_spi(struct nftnl_rule *r)
{
	uint8_t esp = IPPROTO_ESP;

	return e_meta(r, NFT_META_L4PROTO, 0) || e_cmp(r, NFT_CMP_EQ, &esp, sizeof(esp)) ||
	    e_load(r, NFT_PAYLOAD_TRANSPORT_HEADER, 0) || e_lookup(r) ? -1 : 0;
}

static int
rule_pre(struct nftnl_rule *r, const struct gdoi_nft_cfg *cfg)
{
	return r_esp_spi(r) || e_counter(r) || e_imm(r, cfg->nc_local) || e_write_nh(r, 16) ?
	    -1 : 0;
}

static int
rule_stash(struct nftnl_rule *r, const struct gdoi_nft_cfg *cfg)
{
	uint32_t reqid = cfg->nc_reqid;  /* host order, as the kernel keeps it */

	return e_xfrm_reqid(r) || e_cmp(r, NFT_CMP_EQ, &reqid, sizeof(reqid)) || e_counter(r) ||
	    e_load(r, NFT_PAYLOAD_NETWORK_HEADER, 16) || e_meta(r, NFT_META_MARK, 1) ||
	    e_load(r, NFT_PAYLOAD_NETWORK_HEADER, 12) || e_meta(r, NFT_META_PRIORITY, 1) ? -1 : 0;
}

static int
rule_outer(struct nftnl_rule *r, const struct gdoi_nft_cfg *cfg)
{
	uint32_t zero = 0;

	(void)cfg;
	return r_esp_spi(r) || e_meta(r, NFT_META_MARK, 0) ||
	    e_cmp(r, NFT_CMP_NEQ, &zero, sizeof(zero)) || e_counter(r) || e_write_nh(r, 16) ||
	    e_meta(r, NFT_META_PRIORITY, 0) || e_write_nh(r, 12) || e_imm(r, 0) ||
	    e_meta(r, NFT_META_MARK, 1) || e_meta(r, NFT_META_PRIORITY, 1) ? -1 : 0;
}

static int
rule_wan(struct nftnl_rule *r, const struct gdoi_nft_cfg *cfg)
{
	uint32_t ifindex = cfg->nc_wan_ifindex;  /* host order, like the kernel's */

	return e_meta(r, NFT_META_IIF, 0) || e_cmp(r, NFT_CMP_EQ, &ifindex, sizeof(ifindex)) ||
	    e_counter(r) || e_meta(r, NFT_META_MARK, 0) || e_or(r, cfg->nc_wan_mark) ||
	    e_meta(r, NFT_META_MARK, 1) ? -1 : 0;
}

/*
 * ---- messages ----
 * The nftnl_*_set_str() calls copy short names; should one fail (ENOMEM)
 * the message lacks the attribute and the kernel refuses it (EINVAL).
 */

static void
msg_table(struct gdoi_nft_batch *b, const struct gdoi_nft_cfg *cfg, uint16_t type,
    uint16_t flags)
{
	struct nftnl_table *t;
	struct nlmsghdr *nlh;

	if ((nlh = msg_start(b, type, flags)) == NULL)
		return;
	if ((t = nftnl_table_alloc()) == NULL) {
		b->nb_err = ENOMEM;
		return;
	}
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, cfg->nc_table);
	nftnl_table_set_u32(t, NFTNL_TABLE_FLAGS, 0);
	nftnl_table_nlmsg_build_payload(nlh, t);
	nftnl_table_free(t);
	msg_end(b, nlh);
}

/* A set object naming ours (no elements); NULL on ENOMEM. */
static struct nftnl_set *
set_new(const struct gdoi_nft_cfg *cfg)
{
	struct nftnl_set *s;

	if ((s = nftnl_set_alloc()) == NULL)
		return NULL;
	nftnl_set_set_str(s, NFTNL_SET_TABLE, cfg->nc_table);
	nftnl_set_set_str(s, NFTNL_SET_NAME, SPI_SET);
	nftnl_set_set_u32(s, NFTNL_SET_FAMILY, NFPROTO_IPV4);
	return s;
}

/* The set's userdata (see UD_*) into ud; false if it does not fit. */
static bool
set_udata(struct nftnl_udata_buf *ud)
{
	struct nftnl_udata *typeof_, *data;

	if (!nftnl_udata_put_u32(ud, NFTNL_UDATA_SET_KEYBYTEORDER, UD_BYTEORDER_BE) ||
	    (typeof_ = nftnl_udata_nest_start(ud, NFTNL_UDATA_SET_KEY_TYPEOF)) == NULL ||
	    !nftnl_udata_put_u32(ud, NFTNL_UDATA_SET_TYPEOF_EXPR, UD_EXPR_PAYLOAD) ||
	    (data = nftnl_udata_nest_start(ud, NFTNL_UDATA_SET_TYPEOF_DATA)) == NULL ||
	    !nftnl_udata_put_u32(ud, UD_PAYLOAD_DESC, UD_PROTO_ESP) ||
	    !nftnl_udata_put_u32(ud, UD_PAYLOAD_TYPE, UD_ESPHDR_SPI) ||
	    !nftnl_udata_put_u32(ud, UD_PAYLOAD_LEN, 32))
		return false;
	nftnl_udata_nest_end(ud, data);
	nftnl_udata_nest_end(ud, typeof_);
	return true;
}

static void
msg_set(struct gdoi_nft_batch *b, const struct gdoi_nft_cfg *cfg)
{
	struct nftnl_set *s;
	struct nftnl_udata_buf *ud;
	struct nlmsghdr *nlh;

	if ((nlh = msg_start(b, NFT_MSG_NEWSET, NLM_F_CREATE)) == NULL)
		return;
	s = set_new(cfg);
	ud = nftnl_udata_buf_alloc(64);
	if (s == NULL || ud == NULL || !set_udata(ud)) {
		b->nb_err = ENOMEM;
		goto out;
	}
	nftnl_set_set_u32(s, NFTNL_SET_ID, SPI_SET_ID);
	nftnl_set_set_u32(s, NFTNL_SET_FLAGS, 0);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_TYPE, UD_TYPE_INTEGER);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_LEN, 4);
	nftnl_set_set_data(s, NFTNL_SET_USERDATA, nftnl_udata_buf_data(ud),
	    nftnl_udata_buf_len(ud));
	nftnl_set_nlmsg_build_payload(nlh, s);
	msg_end(b, nlh);
out:
	nftnl_udata_buf_free(ud);
	nftnl_set_free(s);
}

static void
msg_chain(struct gdoi_nft_batch *b, const struct gdoi_nft_cfg *cfg, const char *name,
    const char *type, uint32_t hook, int prio)
{
	struct nftnl_chain *c;
	struct nlmsghdr *nlh;

	if ((nlh = msg_start(b, NFT_MSG_NEWCHAIN, NLM_F_CREATE)) == NULL)
		return;
	if ((c = nftnl_chain_alloc()) == NULL) {
		b->nb_err = ENOMEM;
		return;
	}
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, cfg->nc_table);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name);
	nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, type);
	nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, hook);
	nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, prio);
	nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
	nftnl_chain_nlmsg_build_payload(nlh, c);
	nftnl_chain_free(c);
	msg_end(b, nlh);
}

static void
msg_rule(struct gdoi_nft_batch *b, const struct gdoi_nft_cfg *cfg, const char *chain,
    int (*fill)(struct nftnl_rule *, const struct gdoi_nft_cfg *))
{
	struct nftnl_rule *r;
	struct nlmsghdr *nlh;

	if ((nlh = msg_start(b, NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND)) == NULL)
		return;
	if ((r = nftnl_rule_alloc()) == NULL) {
		b->nb_err = ENOMEM;
		return;
	}
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, cfg->nc_table);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain);
	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, NFPROTO_IPV4);
	if (fill(r, cfg) != 0)
		b->nb_err = ENOMEM;
	else {
		nftnl_rule_nlmsg_build_payload(nlh, r);
		msg_end(b, nlh);
	}
	nftnl_rule_free(r);
}

/* NEWSETELEM / DELSETELEM of spi[0..count), count <= ELEM_PER_MSG */
static void
msg_elems(struct gdoi_nft_batch *b, const struct gdoi_nft_cfg *cfg, uint16_t type,
    const uint32_t *spi, size_t count)
{
	struct nftnl_set *s;
	struct nftnl_set_elem *e;
	struct nlmsghdr *nlh;
	uint32_t key;
	size_t i;

	/* no NLM_F_EXCL: an element already there is not an error */
	if ((nlh = msg_start(b, type, type == NFT_MSG_NEWSETELEM ? NLM_F_CREATE : 0)) == NULL)
		return;
	if ((s = set_new(cfg)) == NULL) {
		b->nb_err = ENOMEM;
		return;
	}
	for (i = 0; i < count; i++) {
		if ((e = nftnl_set_elem_alloc()) == NULL) {
			b->nb_err = ENOMEM;
			goto out;
		}
		key = htonl(spi[i]);
		nftnl_set_elem_add(s, e);
		if (nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, &key, sizeof(key)) < 0) {
			b->nb_err = ENOMEM;
			goto out;
		}
	}
	nftnl_set_elems_nlmsg_build_payload(nlh, s);
	msg_end(b, nlh);
out:
	nftnl_set_free(s);
}

/* ---- builders ---- */

struct gdoi_nft_batch *
gdoi_nft_build_install(const struct gdoi_nft_cfg *cfg, uint32_t seq)
{
	struct gdoi_nft_batch *b;

	if (!cfg_ok(cfg)) {
		errno = EINVAL;
		return NULL;
	}
	if ((b = batch_new(12, seq)) == NULL)
		return NULL;
	/* "add" (no EXCL) makes the delete safe when there is no table yet */
	msg_table(b, cfg, NFT_MSG_NEWTABLE, NLM_F_CREATE);
	msg_table(b, cfg, NFT_MSG_DELTABLE, 0);
	msg_table(b, cfg, NFT_MSG_NEWTABLE, NLM_F_CREATE);
	msg_set(b, cfg);
	msg_chain(b, cfg, chain_name[GDOI_NFT_PRE], "filter", NF_INET_PRE_ROUTING, -300);
	msg_chain(b, cfg, chain_name[GDOI_NFT_STASH], "filter", NF_INET_POST_ROUTING, -300);
	msg_chain(b, cfg, chain_name[GDOI_NFT_OUTER], "route", NF_INET_LOCAL_OUT, -150);
	if (wan_on(cfg))
		msg_chain(b, cfg, chain_name[GDOI_NFT_WAN], "filter", NF_INET_PRE_ROUTING, -350);
	msg_rule(b, cfg, chain_name[GDOI_NFT_PRE], rule_pre);
	msg_rule(b, cfg, chain_name[GDOI_NFT_STASH], rule_stash);
	msg_rule(b, cfg, chain_name[GDOI_NFT_OUTER], rule_outer);
	if (wan_on(cfg))
		msg_rule(b, cfg, chain_name[GDOI_NFT_WAN], rule_wan);
	return batch_end(b);
}

struct gdoi_nft_batch *
gdoi_nft_build_spi(const struct gdoi_nft_cfg *cfg, uint32_t seq, int op, const uint32_t *spi,
    size_t count)
{
	struct gdoi_nft_batch *b;
	size_t i, k;

	if (!cfg_ok(cfg) || (op != GDOI_NFT_OP_ADD && op != GDOI_NFT_OP_DEL) || count == 0 ||
	    count > GDOI_NFT_SPI_MAX) {
		errno = EINVAL;
		return NULL;
	}
	if ((b = batch_new((count + ELEM_PER_MSG - 1) / ELEM_PER_MSG, seq)) == NULL)
		return NULL;
	for (i = 0; i < count; i += k) {
		k = count - i < ELEM_PER_MSG ? count - i : ELEM_PER_MSG;
		msg_elems(b, cfg, op == GDOI_NFT_OP_ADD ? NFT_MSG_NEWSETELEM : NFT_MSG_DELSETELEM,
		    spi + i, k);
	}
	return batch_end(b);
}

struct gdoi_nft_batch *
gdoi_nft_build_remove(const struct gdoi_nft_cfg *cfg, uint32_t seq)
{
	struct gdoi_nft_batch *b;

	if (!cfg_ok(cfg)) {
		errno = EINVAL;
		return NULL;
	}
	if ((b = batch_new(1, seq)) == NULL)
		return NULL;
	msg_table(b, cfg, NFT_MSG_DELTABLE, 0);
	return batch_end(b);
}

/* ---- socket ---- */

struct gdoi_nft *
gdoi_nft_open(const struct gdoi_nft_cfg *cfg)
{
	struct gdoi_nft *n;
	int err;

	if (!cfg_ok(cfg)) {
		GLOG(ERR, "NFT", "bad table name");
		errno = EINVAL;
		return NULL;
	}
	if ((n = calloc(1, sizeof(*n))) == NULL)
		return NULL;
	n->n_cfg = *cfg;
	if ((n->n_rbuf = malloc(RBUF_LEN)) == NULL)
		goto fail;
	if ((n->n_nl = gdoi_nl_open(NETLINK_NETFILTER, "NFT", "netfilter", &n->n_portid)) == NULL)
		goto fail;
	n->n_seq = 1;
	return n;
fail:
	err = errno;
	gdoi_nft_close(n);
	errno = err;
	return NULL;
}

void
gdoi_nft_close(struct gdoi_nft *n)
{
	if (n == NULL)
		return;
	if (n->n_nl)
		mnl_socket_close(n->n_nl);
	free(n->n_rbuf);
	free(n);
}

/* One datagram into n_rbuf (flags: MSG_DONTWAIT or 0); its length or -1 (errno). */
static ssize_t
rx(struct gdoi_nft *n, int flags)
{
	return gdoi_nl_recv(n->n_nl, n->n_rbuf, RBUF_LEN, flags);
}

static const char *
msg_name(uint16_t type)
{
	switch (type & 0xff) {
	case NFT_MSG_NEWTABLE: return "NEWTABLE";
	case NFT_MSG_DELTABLE: return "DELTABLE";
	case NFT_MSG_NEWCHAIN: return "NEWCHAIN";
	case NFT_MSG_NEWSET: return "NEWSET";
	case NFT_MSG_NEWRULE: return "NEWRULE";
	case NFT_MSG_NEWSETELEM: return "NEWSETELEM";
	case NFT_MSG_DELSETELEM: return "DELSETELEM";
	}
	return "request";
}

/* Type of message i (0 = the first after batch begin) of b. */
static uint16_t
msg_type(const struct gdoi_nft_batch *b, size_t i)
{
	size_t len;
	const struct nlmsghdr *nlh = gdoi_nft_batch_data(b, &len);
	int rem = (int)len;

	for (nlh = mnl_nlmsg_next(nlh, &rem); i > 0 && mnl_nlmsg_ok(nlh, rem); i--)
		nlh = mnl_nlmsg_next(nlh, &rem);
	return mnl_nlmsg_ok(nlh, rem) ? nlh->nlmsg_type : 0;
}

#define RES_PENDING (-1)

/*
 * Log the error err of message i (i == SIZE_MAX: the batch as a whole,
 * reported against batch begin).
 */
static void
log_err(struct gdoi_nft *n, const struct gdoi_nft_batch *b, size_t i, int err,
    const char *ext)
{
	if (i == SIZE_MAX)
		gdoi_log("GDOI", GDOI_LOG_WARNING, "NFT", "table %s: transaction: %s (errno %d)%s%s",
		    n->n_cfg.nc_table, strerror(err), err, ext[0] ? ": " : "", ext);
	else
		gdoi_log("GDOI", GDOI_LOG_WARNING, "NFT", "table %s: %s #%zu: %s (errno %d)%s%s",
		    n->n_cfg.nc_table, msg_name(msg_type(b, i)), i, strerror(err), err,
		    ext[0] ? ": " : "", ext);
}

/*
 * Send the transaction b (built with seq n->n_seq) and read the ACK of
 * every message.  An error against batch begin (no CAP_NET_ADMIN, commit
 * failure) fails the whole transaction; the kernel handles the batch in
 * our sendmsg(), so its replies are queued by then and the rest is
 * drained without waiting.  0, or -1 with errno = the first error in
 * message order (the batch-wide one last).  Errors equal to quiet are
 * not logged.  Frees b.
 */
static int
txn(struct gdoi_nft *n, struct gdoi_nft_batch *b, int quiet)
{
	const struct nlmsghdr *nlh;
	const struct nlmsgerr *e;
	const void *data;
	char ext[160];
	size_t len, cnt, acked = 0, i;
	uint32_t seq0 = n->n_seq;
	int *res = NULL, batch_err = 0, rcv_flags = 0, rem, err = 0;
	ssize_t got;

	if (b == NULL) {
		err = errno;
		GLOG(WARNING, "NFT", "table %s: building the transaction: %s", n->n_cfg.nc_table,
		    strerror(err));
		goto out;
	}
	data = gdoi_nft_batch_data(b, &len);
	cnt = gdoi_nft_batch_count(b);
	n->n_seq += (uint32_t)cnt + 2;
	if ((res = malloc(cnt * sizeof(*res))) == NULL) {
		err = errno;
		goto out;
	}
	for (i = 0; i < cnt; i++)
		res[i] = RES_PENDING;
	if (mnl_socket_sendto(n->n_nl, data, len) != (ssize_t)len) {
		err = errno;
		GLOG(ERR, "NFT", "netlink netfilter send: %s", strerror(err));
		goto out;
	}
	while (acked < cnt) {
		if ((got = rx(n, rcv_flags)) < 0) {
			if (batch_err && (errno == EAGAIN || errno == EWOULDBLOCK))
				break;
			err = errno;
			GLOG(ERR, "NFT", "netlink netfilter receive: %s", strerror(err));
			goto out;
		}
		rem = (int)got;
		for (nlh = (const struct nlmsghdr *)n->n_rbuf; mnl_nlmsg_ok(nlh, rem);
		    nlh = mnl_nlmsg_next(nlh, &rem)) {
			if ((e = gdoi_nl_err(nlh, n->n_portid)) == NULL)
				continue;
			if (nlh->nlmsg_seq == seq0) {
				if (e->error != 0 && batch_err == 0) {
					batch_err = -e->error;
					rcv_flags = MSG_DONTWAIT;
					gdoi_nl_ext_ack(nlh, ext, sizeof(ext));
					if (batch_err != quiet)
						log_err(n, b, SIZE_MAX, batch_err, ext);
				}
				continue;
			}
			i = nlh->nlmsg_seq - seq0 - 1;
			if (i >= cnt || res[i] != RES_PENDING)
				continue;
			res[i] = -e->error;
			acked++;
			if (res[i] != 0 && res[i] != quiet) {
				gdoi_nl_ext_ack(nlh, ext, sizeof(ext));
				log_err(n, b, i, res[i], ext);
			}
		}
	}
	for (i = 0; i < cnt && err == 0; i++)
		if (res[i] != RES_PENDING && res[i] != 0)
			err = res[i];
	if (err == 0)
		err = batch_err;
out:
	free(res);
	gdoi_nft_batch_free(b);
	if (err == 0)
		return 0;
	errno = err;
	return -1;
}

/* ---- the API ---- */

int
gdoi_nft_install(struct gdoi_nft *n)
{
	if (txn(n, gdoi_nft_build_install(&n->n_cfg, n->n_seq), 0) != 0)
		return -1;
	gdoi_debug("nft", "table ip %s installed", n->n_cfg.nc_table);
	return 0;
}

int
gdoi_nft_spi_add(struct gdoi_nft *n, const uint32_t *spi, size_t count)
{
	if (count == 0)
		return 0;
	return txn(n, gdoi_nft_build_spi(&n->n_cfg, n->n_seq, GDOI_NFT_OP_ADD, spi, count), 0);
}

int
gdoi_nft_spi_del(struct gdoi_nft *n, const uint32_t *spi, size_t count)
{
	size_t i;

	if (count == 0)
		return 0;
	if (txn(n, gdoi_nft_build_spi(&n->n_cfg, n->n_seq, GDOI_NFT_OP_DEL, spi, count),
	    ENOENT) == 0)
		return 0;
	if (errno != ENOENT)
		return -1;
	/* One missing SPI aborted the lot: one by one, missing ones ignored. */
	gdoi_debug("nft", "table %s: an SPI to delete is not in the set, deleting one by one",
	    n->n_cfg.nc_table);
	for (i = 0; i < count; i++)
		if (txn(n, gdoi_nft_build_spi(&n->n_cfg, n->n_seq, GDOI_NFT_OP_DEL, spi + i, 1),
		    ENOENT) != 0 && errno != ENOENT)
			return -1;
	return 0;
}

int
gdoi_nft_remove(struct gdoi_nft *n)
{
	if (txn(n, gdoi_nft_build_remove(&n->n_cfg, n->n_seq), ENOENT) != 0 && errno != ENOENT)
		return -1;
	return 0;
}

/* The packets of the first counter of rule r into pkts[chain of r]. */
static void
rule_counter(const struct nftnl_rule *r, uint64_t pkts[GDOI_NFT_NCHAIN], int found[])
{
	struct nftnl_expr_iter *it;
	struct nftnl_expr *e;
	const char *chain = nftnl_rule_get_str(r, NFTNL_RULE_CHAIN);
	int k;

	for (k = 0; k < GDOI_NFT_NCHAIN; k++)
		if (chain && strcmp(chain, chain_name[k]) == 0)
			break;
	if (k == GDOI_NFT_NCHAIN || found[k] || (it = nftnl_expr_iter_create(r)) == NULL)
		return;
	while ((e = nftnl_expr_iter_next(it)) != NULL)
		if (strcmp(nftnl_expr_get_str(e, NFTNL_EXPR_NAME), "counter") == 0) {
			pkts[k] = nftnl_expr_get_u64(e, NFTNL_EXPR_CTR_PACKETS);
			found[k] = 1;
			break;
		}
	nftnl_expr_iter_destroy(it);
}

int
gdoi_nft_counters(struct gdoi_nft *n, uint64_t pkts[GDOI_NFT_NCHAIN])
{
	union {
		struct nlmsghdr h;      /* aligned */
		char b[MSG_ROOM];
	} req;
	struct nftnl_rule *r;
	struct nlmsghdr *nlh;
	uint32_t seq = n->n_seq++;
	unsigned rounds;
	int found[GDOI_NFT_NCHAIN] = { 0 }, k, rem, err = 0;
	ssize_t got;

	memset(pkts, 0, GDOI_NFT_NCHAIN * sizeof(*pkts));
	if ((r = nftnl_rule_alloc()) == NULL)
		return -1;
	/* a dump of the rules of our table only */
	nlh = nftnl_nlmsg_build_hdr(req.b, NFT_MSG_GETRULE, NFPROTO_IPV4, NLM_F_DUMP, seq);
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, n->n_cfg.nc_table);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
	if (mnl_socket_sendto(n->n_nl, nlh, nlh->nlmsg_len) != (ssize_t)nlh->nlmsg_len) {
		err = errno;
		GLOG(ERR, "NFT", "netlink netfilter dump: %s", strerror(err));
		goto out;
	}
	/* bounded: our table has four rules at most */
	for (rounds = 0; rounds < 1024; rounds++) {
		if ((got = rx(n, 0)) < 0) {
			err = errno;
			GLOG(ERR, "NFT", "netlink netfilter receive: %s", strerror(err));
			goto out;
		}
		rem = (int)got;
		for (nlh = (struct nlmsghdr *)n->n_rbuf; mnl_nlmsg_ok(nlh, rem);
		    nlh = mnl_nlmsg_next(nlh, &rem)) {
			if (nlh->nlmsg_seq != seq || nlh->nlmsg_pid != n->n_portid)
				continue;
			if (nlh->nlmsg_type == NLMSG_DONE)
				goto done;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = gdoi_nl_err(nlh, n->n_portid);

				err = e == NULL ? EPROTO : -e->error;
				GLOG(WARNING, "NFT", "table %s: rule dump: %s (errno %d)",
				    n->n_cfg.nc_table, strerror(err), err);
				goto out;
			}
			if (nlh->nlmsg_type != ((NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWRULE))
				continue;
			if ((r = nftnl_rule_alloc()) == NULL) {
				err = ENOMEM;
				goto out;
			}
			if (nftnl_rule_nlmsg_parse(nlh, r) == 0)
				rule_counter(r, pkts, found);
			nftnl_rule_free(r);
		}
	}
	err = EPROTO;
	GLOG(WARNING, "NFT", "table %s: rule dump without end", n->n_cfg.nc_table);
	goto out;
done:
	if (!wan_on(&n->n_cfg))  /* not ours to report, whatever the table holds */
		pkts[GDOI_NFT_WAN] = 0;
	for (k = 0; k < GDOI_NFT_NCHAIN; k++)
		if (!found[k] && (k != GDOI_NFT_WAN || wan_on(&n->n_cfg))) {
			err = ENOENT;
			GLOG(WARNING, "NFT", "table %s: no counter in chain %s", n->n_cfg.nc_table,
			    chain_name[k]);
			break;
		}
out:
	if (err == 0)
		return 0;
	errno = err;
	return -1;
}
