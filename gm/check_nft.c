/*
 * check_nft: the nftables module of the GM (gm/nft.c).
 *
 * Without arguments: the builders, parsing the built messages back with
 * libnftnl and comparing them with the bytecode that nft(8) prints for
 * the same rules (no socket).  With "--netns": the kernel tests, meant to
 * run as root inside a fresh network namespace (nft_check.sh).  With
 * "--cmd TABLE REQID LOCAL WANIF WANMARK OP [SPI...]": one API call for
 * the script (WANIF an interface name or index, 0 for none), OP being
 * install, add, del, remove or counters (prints "pre=N stash=N outer=N
 * wan=N"); exit status 0 or 1.  With "--send SRC DST
 * SPI LOCAL": one raw ESP packet (see send_esp()).
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <net/if.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>
#include <libnftnl/chain.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>

#include "gdoi/log.h"
#include "nft.h"

static struct gdoi_nft_cfg cfg = { .nc_table = "gdoi_gm", .nc_reqid = 0x4d01 };

/* The WAN: an ifindex no namespace of the tests has, a mark not symmetric in its octets. */
#define WAN_IFINDEX 7
#define WAN_MARK 0x00a00000u

static void
cfg_setup(void)
{
	strcpy(cfg.nc_table, "gdoi_gm");
	cfg.nc_reqid = 0x4d01;
	ck_assert_int_eq(inet_pton(AF_INET, "10.97.0.1", &cfg.nc_local), 1);
	cfg.nc_wan_ifindex = WAN_IFINDEX;
	cfg.nc_wan_mark = WAN_MARK;
}

static char last_log[512];

static void
log_hook(void *arg, int sev, const char *line)
{
	(void)arg;
	(void)sev;
	snprintf(last_log, sizeof(last_log), "%s", line);
}

/* The messages of a batch: msgs[0] batch begin .. msgs[n-1] batch end. */
static size_t
split(const struct gdoi_nft_batch *b, const struct nlmsghdr **msgs, size_t cap)
{
	size_t len, n = 0;
	const struct nlmsghdr *nlh = gdoi_nft_batch_data(b, &len);
	int rem = (int)len;

	for (; mnl_nlmsg_ok(nlh, rem); nlh = mnl_nlmsg_next(nlh, &rem)) {
		ck_assert_uint_lt(n, cap);
		msgs[n++] = nlh;
	}
	ck_assert_int_eq(rem, 0);
	return n;
}

static void
check_hdr(const struct nlmsghdr *nlh, uint16_t type, uint16_t flags, uint32_t seq)
{
	const struct nfgenmsg *g = mnl_nlmsg_get_payload(nlh);

	ck_assert_uint_eq(nlh->nlmsg_type, (NFNL_SUBSYS_NFTABLES << 8) | type);
	ck_assert_uint_eq(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK | flags);
	ck_assert_uint_eq(nlh->nlmsg_seq, seq);
	ck_assert_uint_eq(g->nfgen_family, NFPROTO_IPV4);
}

static void
check_batch_marker(const struct nlmsghdr *nlh, uint16_t type, uint32_t seq)
{
	const struct nfgenmsg *g = mnl_nlmsg_get_payload(nlh);

	ck_assert_uint_eq(nlh->nlmsg_type, type);
	ck_assert_uint_eq(nlh->nlmsg_flags, NLM_F_REQUEST);
	ck_assert_uint_eq(nlh->nlmsg_seq, seq);
	ck_assert_uint_eq(ntohs(g->res_id), NFNL_SUBSYS_NFTABLES);
}

/* nftnl's text of a parsed rule message, as `nft --debug=netlink` prints it. */
static void
rule_text(const struct nlmsghdr *nlh, char *buf, size_t cap)
{
	struct nftnl_rule *r = nftnl_rule_alloc();

	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(nftnl_rule_nlmsg_parse(nlh, r), 0);
	ck_assert_int_gt(nftnl_rule_snprintf(buf, cap, r, NFTNL_OUTPUT_DEFAULT, 0), 0);
	nftnl_rule_free(r);
}

/*
 * nftnl prints register data as host-order words: 10.97.0.1 is
 * 0x0100610a, reqid 0x4d01 0x00004d01 (on a little-endian host, like the
 * userdata below).
 */
static const char pre_text[] =
    "ip gdoi_gm pre\n"
    "  [ meta load l4proto => reg 1 ]\n"
    "  [ cmp eq reg 1 0x00000032 ]\n"
    "  [ payload load 4b @ transport header + 0 => reg 1 ]\n"
    "  [ lookup reg 1 set spi ]\n"
    "  [ counter pkts 0 bytes 0 ]\n"
    "  [ immediate reg 1 0x0100610a ]\n"
    "  [ payload write reg 1 => 4b @ network header + 16 csum_type 1 csum_off 10 csum_flags 0x0 ]\n";
static const char stash_text[] =
    "ip gdoi_gm stash\n"
    "  [ xfrm load out 0 reqid => reg 1 ]\n"
    "  [ cmp eq reg 1 0x00004d01 ]\n"
    "  [ counter pkts 0 bytes 0 ]\n"
    "  [ payload load 4b @ network header + 16 => reg 1 ]\n"
    "  [ meta set mark with reg 1 ]\n"
    "  [ payload load 4b @ network header + 12 => reg 1 ]\n"
    "  [ meta set priority with reg 1 ]\n";
static const char outer_text[] =
    "ip gdoi_gm outer\n"
    "  [ meta load l4proto => reg 1 ]\n"
    "  [ cmp eq reg 1 0x00000032 ]\n"
    "  [ payload load 4b @ transport header + 0 => reg 1 ]\n"
    "  [ lookup reg 1 set spi ]\n"
    "  [ meta load mark => reg 1 ]\n"
    "  [ cmp neq reg 1 0x00000000 ]\n"
    "  [ counter pkts 0 bytes 0 ]\n"
    "  [ payload write reg 1 => 4b @ network header + 16 csum_type 1 csum_off 10 csum_flags 0x0 ]\n"
    "  [ meta load priority => reg 1 ]\n"
    "  [ payload write reg 1 => 4b @ network header + 12 csum_type 1 csum_off 10 csum_flags 0x0 ]\n"
    "  [ immediate reg 1 0x00000000 ]\n"
    "  [ meta set mark with reg 1 ]\n"
    "  [ meta set priority with reg 1 ]\n";

static const char wan_text[] =
    "ip gdoi_gm wan\n"
    "  [ meta load iif => reg 1 ]\n"
    "  [ cmp eq reg 1 0x00000007 ]\n"
    "  [ counter pkts 0 bytes 0 ]\n"
    "  [ meta load mark => reg 1 ]\n"
    "  [ bitwise reg 1 = ( reg 1 & 0xff5fffff ) ^ 0x00a00000 ]\n"
    "  [ meta set mark with reg 1 ]\n";

/* The set userdata nft 1.0.6 sends for "typeof esp spi" (nft --debug=mnl). */
static const uint8_t typeof_esp_spi[] = {
	0x00, 0x04, 0x02, 0x00, 0x00, 0x00,        /* key byte order: big endian */
	0x03, 0x1a,                                /* key typeof: */
	0x00, 0x04, 0x07, 0x00, 0x00, 0x00,        /*   expression: payload */
	0x01, 0x12,                                /*   data: */
	0x00, 0x04, 0x02, 0x00, 0x00, 0x00,        /*     protocol: esp */
	0x01, 0x04, 0x01, 0x00, 0x00, 0x00,        /*     field: spi */
	0x04, 0x04, 0x20, 0x00, 0x00, 0x00,        /*     32 bits */
};

static void
check_chain(const struct nlmsghdr *nlh, const char *name, const char *type, uint32_t hook,
    int32_t prio)
{
	struct nftnl_chain *c = nftnl_chain_alloc();

	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(nftnl_chain_nlmsg_parse(nlh, c), 0);
	ck_assert_str_eq(nftnl_chain_get_str(c, NFTNL_CHAIN_TABLE), "gdoi_gm");
	ck_assert_str_eq(nftnl_chain_get_str(c, NFTNL_CHAIN_NAME), name);
	ck_assert_str_eq(nftnl_chain_get_str(c, NFTNL_CHAIN_TYPE), type);
	ck_assert_uint_eq(nftnl_chain_get_u32(c, NFTNL_CHAIN_HOOKNUM), hook);
	ck_assert_int_eq(nftnl_chain_get_s32(c, NFTNL_CHAIN_PRIO), prio);
	ck_assert_uint_eq(nftnl_chain_get_u32(c, NFTNL_CHAIN_POLICY), NF_ACCEPT);
	nftnl_chain_free(c);
}

static void
check_table(const struct nlmsghdr *nlh)
{
	struct nftnl_table *t = nftnl_table_alloc();

	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(nftnl_table_nlmsg_parse(nlh, t), 0);
	ck_assert_str_eq(nftnl_table_get_str(t, NFTNL_TABLE_NAME), "gdoi_gm");
	nftnl_table_free(t);
}

/* Attribute type of the nest a (NULL: none). */
static const struct nlattr *
nest_get(const struct nlattr *a, uint16_t type)
{
	const struct nlattr *x;

	mnl_attr_for_each_nested(x, a)
		if (mnl_attr_get_type(x) == type)
			return x;
	return NULL;
}

/* The NFTA_EXPR_DATA of expression i (named name) of a NEWRULE message. */
static const struct nlattr *
rule_expr(const struct nlmsghdr *nlh, unsigned i, const char *name)
{
	const struct nlattr *a, *el, *x;

	mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg)) {
		if (mnl_attr_get_type(a) != NFTA_RULE_EXPRESSIONS)
			continue;
		mnl_attr_for_each_nested(el, a) {
			if (i-- > 0)
				continue;
			ck_assert_uint_eq(mnl_attr_get_type(el), NFTA_LIST_ELEM);
			x = nest_get(el, NFTA_EXPR_NAME);
			ck_assert_ptr_nonnull(x);
			ck_assert_str_eq(mnl_attr_get_str(x), name);
			x = nest_get(el, NFTA_EXPR_DATA);
			ck_assert_ptr_nonnull(x);
			return x;
		}
	}
	ck_abort_msg("rule has no expression %s", name);
	return NULL;
}

/* The big-endian u32 attribute type of the nest d. */
static uint32_t
be32_of(const struct nlattr *d, uint16_t type)
{
	const struct nlattr *x = nest_get(d, type);

	ck_assert_ptr_nonnull(x);
	ck_assert_uint_eq(mnl_attr_get_payload_len(x), 4);
	return ntohl(mnl_attr_get_u32(x));
}

/* The 4 octets of the NFTA_DATA_VALUE in attribute type of the nest d equal v's. */
static void
check_value(const struct nlattr *d, uint16_t type, uint32_t v)
{
	const struct nlattr *x = nest_get(d, type), *val;

	ck_assert_ptr_nonnull(x);
	val = nest_get(x, NFTA_DATA_VALUE);
	ck_assert_ptr_nonnull(val);
	ck_assert_uint_eq(mnl_attr_get_payload_len(val), 4);
	ck_assert_mem_eq(mnl_attr_get_payload(val), &v, 4);
}

static void
check_meta(const struct nlattr *d, uint32_t key, uint16_t reg_attr)
{
	ck_assert_uint_eq(be32_of(d, NFTA_META_KEY), key);
	ck_assert_uint_eq(be32_of(d, reg_attr), NFT_REG_1);
}

/*
 * The wan rule, octet by octet: iif and mark are host-order words in the
 * kernel, so the compared ifindex and the mask / xor are the uint32s
 * themselves; no NFTA_BITWISE_OP (the kernel's default is mask-and-xor).
 */
static void
check_wan_bytes(const struct nlmsghdr *nlh)
{
	const struct nlattr *d;

	check_meta(rule_expr(nlh, 0, "meta"), NFT_META_IIF, NFTA_META_DREG);
	d = rule_expr(nlh, 1, "cmp");
	ck_assert_uint_eq(be32_of(d, NFTA_CMP_SREG), NFT_REG_1);
	ck_assert_uint_eq(be32_of(d, NFTA_CMP_OP), NFT_CMP_EQ);
	check_value(d, NFTA_CMP_DATA, WAN_IFINDEX);
	(void)rule_expr(nlh, 2, "counter");
	check_meta(rule_expr(nlh, 3, "meta"), NFT_META_MARK, NFTA_META_DREG);
	d = rule_expr(nlh, 4, "bitwise");
	ck_assert_uint_eq(be32_of(d, NFTA_BITWISE_SREG), NFT_REG_1);
	ck_assert_uint_eq(be32_of(d, NFTA_BITWISE_DREG), NFT_REG_1);
	ck_assert_uint_eq(be32_of(d, NFTA_BITWISE_LEN), 4);
	check_value(d, NFTA_BITWISE_MASK, ~WAN_MARK);
	check_value(d, NFTA_BITWISE_XOR, WAN_MARK);
	ck_assert_ptr_null(nest_get(d, NFTA_BITWISE_OP));
	check_meta(rule_expr(nlh, 5, "meta"), NFT_META_MARK, NFTA_META_SREG);
}

START_TEST(build_install)
{
	struct gdoi_nft_batch *b;
	const struct nlmsghdr *m[16];
	struct nftnl_set *s;
	const void *ud;
	uint32_t udlen;
	char text[2048];
	size_t i, n;

	cfg_setup();
	b = gdoi_nft_build_install(&cfg, 100);
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(gdoi_nft_batch_count(b), 12);
	n = split(b, m, 16);
	ck_assert_uint_eq(n, 14);
	check_batch_marker(m[0], NFNL_MSG_BATCH_BEGIN, 100);
	check_batch_marker(m[13], NFNL_MSG_BATCH_END, 113);
	/* add (no EXCL) + delete + add: replaces a table that may not exist */
	check_hdr(m[1], NFT_MSG_NEWTABLE, NLM_F_CREATE, 101);
	check_hdr(m[2], NFT_MSG_DELTABLE, 0, 102);
	check_hdr(m[3], NFT_MSG_NEWTABLE, NLM_F_CREATE, 103);
	for (i = 1; i <= 3; i++)
		check_table(m[i]);
	check_hdr(m[4], NFT_MSG_NEWSET, NLM_F_CREATE, 104);
	s = nftnl_set_alloc();
	ck_assert_int_eq(nftnl_set_nlmsg_parse(m[4], s), 0);
	ck_assert_str_eq(nftnl_set_get_str(s, NFTNL_SET_TABLE), "gdoi_gm");
	ck_assert_str_eq(nftnl_set_get_str(s, NFTNL_SET_NAME), "spi");
	ck_assert_uint_eq(nftnl_set_get_u32(s, NFTNL_SET_KEY_LEN), 4);
	ck_assert_uint_eq(nftnl_set_get_u32(s, NFTNL_SET_FLAGS), 0);
	ck_assert(!nftnl_set_is_set(s, NFTNL_SET_DATA_LEN));
	ud = nftnl_set_get_data(s, NFTNL_SET_USERDATA, &udlen);
	ck_assert_ptr_nonnull(ud);
	ck_assert_uint_eq(udlen, sizeof(typeof_esp_spi));
	ck_assert_mem_eq(ud, typeof_esp_spi, sizeof(typeof_esp_spi));
	nftnl_set_free(s);
	for (i = 5; i <= 8; i++)
		check_hdr(m[i], NFT_MSG_NEWCHAIN, NLM_F_CREATE, (uint32_t)(100 + i));
	check_chain(m[5], "pre", "filter", NF_INET_PRE_ROUTING, -300);
	check_chain(m[6], "stash", "filter", NF_INET_POST_ROUTING, -300);
	check_chain(m[7], "outer", "route", NF_INET_LOCAL_OUT, -150);
	check_chain(m[8], "wan", "filter", NF_INET_PRE_ROUTING, -350);
	for (i = 9; i <= 12; i++)
		check_hdr(m[i], NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND, (uint32_t)(100 + i));
	rule_text(m[9], text, sizeof(text));
	ck_assert_str_eq(text, pre_text);
	rule_text(m[10], text, sizeof(text));
	ck_assert_str_eq(text, stash_text);
	rule_text(m[11], text, sizeof(text));
	ck_assert_str_eq(text, outer_text);
	rule_text(m[12], text, sizeof(text));
	ck_assert_str_eq(text, wan_text);
	check_wan_bytes(m[12]);
	gdoi_nft_batch_free(b);
}
END_TEST

/* No WAN interface or no WAN mark: the table of before, without the wan chain. */
START_TEST(build_install_no_wan)
{
	struct gdoi_nft_batch *b;
	const struct nlmsghdr *m[16];
	char text[2048];
	size_t i;
	int v;

	for (v = 0; v < 2; v++) {
		cfg_setup();
		if (v == 0)
			cfg.nc_wan_ifindex = 0;
		else
			cfg.nc_wan_mark = 0;
		b = gdoi_nft_build_install(&cfg, 100);
		ck_assert_ptr_nonnull(b);
		ck_assert_uint_eq(gdoi_nft_batch_count(b), 10);
		ck_assert_uint_eq(split(b, m, 16), 12);
		check_batch_marker(m[11], NFNL_MSG_BATCH_END, 111);
		check_hdr(m[4], NFT_MSG_NEWSET, NLM_F_CREATE, 104);
		for (i = 5; i <= 7; i++)
			check_hdr(m[i], NFT_MSG_NEWCHAIN, NLM_F_CREATE, (uint32_t)(100 + i));
		check_chain(m[5], "pre", "filter", NF_INET_PRE_ROUTING, -300);
		check_chain(m[6], "stash", "filter", NF_INET_POST_ROUTING, -300);
		check_chain(m[7], "outer", "route", NF_INET_LOCAL_OUT, -150);
		for (i = 8; i <= 10; i++)
			check_hdr(m[i], NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND,
			    (uint32_t)(100 + i));
		rule_text(m[8], text, sizeof(text));
		ck_assert_str_eq(text, pre_text);
		rule_text(m[9], text, sizeof(text));
		ck_assert_str_eq(text, stash_text);
		rule_text(m[10], text, sizeof(text));
		ck_assert_str_eq(text, outer_text);
		gdoi_nft_batch_free(b);
	}
}
END_TEST

/* The keys of a NEWSETELEM/DELSETELEM message, read with libmnl alone. */
static size_t
elem_keys(const struct nlmsghdr *nlh, uint32_t *keys, size_t cap)
{
	const struct nlattr *a, *el, *k, *v;
	const char *set = NULL, *table = NULL;
	size_t n = 0;

	mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg)) {
		switch (mnl_attr_get_type(a)) {
		case NFTA_SET_ELEM_LIST_TABLE:
			table = mnl_attr_get_str(a);
			break;
		case NFTA_SET_ELEM_LIST_SET:
			set = mnl_attr_get_str(a);
			break;
		case NFTA_SET_ELEM_LIST_ELEMENTS:
			mnl_attr_for_each_nested(el, a) {
				/* libnftnl numbers the elements 1, 2, ..., not
				 * NFTA_LIST_ELEM; the kernel ignores the type */
				mnl_attr_for_each_nested(k, el) {
					if (mnl_attr_get_type(k) != NFTA_SET_ELEM_KEY)
						continue;
					v = mnl_attr_get_payload(k);
					ck_assert_uint_eq(mnl_attr_get_type(v), NFTA_DATA_VALUE);
					ck_assert_uint_eq(mnl_attr_get_payload_len(v), 4);
					ck_assert_uint_lt(n, cap);
					memcpy(&keys[n++], mnl_attr_get_payload(v), 4);
				}
			}
			break;
		}
	}
	ck_assert_ptr_nonnull(table);
	ck_assert_str_eq(table, "gdoi_gm");
	ck_assert_ptr_nonnull(set);
	ck_assert_str_eq(set, "spi");
	return n;
}

START_TEST(build_spi)
{
	struct gdoi_nft_batch *b;
	const struct nlmsghdr *m[8];
	uint32_t spi[130], keys[64];
	static const uint8_t wire[4] = { 0x12, 0x34, 0x56, 0x78 };
	size_t i, j, n, done = 0;
	int op;

	cfg_setup();
	for (i = 0; i < 130; i++)
		spi[i] = 0x12345678 + (uint32_t)i;
	for (op = GDOI_NFT_OP_ADD; op <= GDOI_NFT_OP_DEL; op++) {
		b = gdoi_nft_build_spi(&cfg, 7, op, spi, 130);
		ck_assert_ptr_nonnull(b);
		/* 64 SPIs per message */
		ck_assert_uint_eq(gdoi_nft_batch_count(b), 3);
		n = split(b, m, 8);
		ck_assert_uint_eq(n, 5);
		check_batch_marker(m[0], NFNL_MSG_BATCH_BEGIN, 7);
		check_batch_marker(m[4], NFNL_MSG_BATCH_END, 11);
		for (i = 1, done = 0; i <= 3; i++) {
			/* no NLM_F_EXCL: adding an SPI that is there is no error */
			check_hdr(m[i], op == GDOI_NFT_OP_ADD ? NFT_MSG_NEWSETELEM : NFT_MSG_DELSETELEM,
			    op == GDOI_NFT_OP_ADD ? NLM_F_CREATE : 0, (uint32_t)(7 + i));
			n = elem_keys(m[i], keys, 64);
			ck_assert_uint_eq(n, i < 3 ? 64 : 2);
			for (j = 0; j < n; j++, done++)
				ck_assert_uint_eq(ntohl(keys[j]), spi[done]);
		}
		ck_assert_uint_eq(done, 130);
		/* the first key as on the wire */
		n = elem_keys(m[1], keys, 64);
		ck_assert_mem_eq(&keys[0], wire, 4);
		gdoi_nft_batch_free(b);
	}
}
END_TEST

START_TEST(build_remove_bad)
{
	struct gdoi_nft_batch *b;
	const struct nlmsghdr *m[4];
	struct gdoi_nft_cfg bad;
	uint32_t spi[GDOI_NFT_SPI_MAX + 1] = { 0 };

	cfg_setup();
	b = gdoi_nft_build_remove(&cfg, 1);
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(gdoi_nft_batch_count(b), 1);
	ck_assert_uint_eq(split(b, m, 4), 3);
	check_hdr(m[1], NFT_MSG_DELTABLE, 0, 2);
	check_table(m[1]);
	gdoi_nft_batch_free(b);

	/* empty / unterminated table names, no SPIs, too many, bad op */
	bad = cfg;
	bad.nc_table[0] = '\0';
	errno = 0;
	ck_assert_ptr_null(gdoi_nft_build_install(&bad, 1));
	ck_assert_int_eq(errno, EINVAL);
	memset(bad.nc_table, 'x', sizeof(bad.nc_table));
	ck_assert_ptr_null(gdoi_nft_build_remove(&bad, 1));
	ck_assert_ptr_null(gdoi_nft_build_spi(&cfg, 1, GDOI_NFT_OP_ADD, spi, 0));
	ck_assert_ptr_null(gdoi_nft_build_spi(&cfg, 1, GDOI_NFT_OP_ADD, spi, GDOI_NFT_SPI_MAX + 1));
	ck_assert_ptr_null(gdoi_nft_build_spi(&cfg, 1, 2, spi, 1));
	ck_assert_int_eq(errno, EINVAL);
	/* the largest call fits */
	b = gdoi_nft_build_spi(&cfg, 1, GDOI_NFT_OP_DEL, spi, GDOI_NFT_SPI_MAX);
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(gdoi_nft_batch_count(b), GDOI_NFT_SPI_MAX / 64);
	gdoi_nft_batch_free(b);
	gdoi_log_set_hook(log_hook, NULL);
	ck_assert_ptr_null(gdoi_nft_open(&bad));
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_str_eq(last_log, "%GDOI-3-NFT: bad table name");
	gdoi_log_set_hook(NULL, NULL);
}
END_TEST

/* ---- kernel (root, fresh namespace) ---- */

START_TEST(ns_install_spi_remove)
{
	struct gdoi_nft *n, *o;
	struct gdoi_nft_cfg other;
	uint32_t ab[2] = { 0x1000, 0x2000 }, ac[2] = { 0x1000, 0x3000 };
	uint32_t missing[3] = { 0x2000, 0x4000, 0x3000 };
	uint64_t pkts[GDOI_NFT_NCHAIN];

	cfg_setup();
	gdoi_log_set_hook(log_hook, NULL);
	n = gdoi_nft_open(&cfg);
	ck_assert_ptr_nonnull(n);
	/* nothing there yet: remove is no error, counters are */
	ck_assert_int_eq(gdoi_nft_remove(n), 0);
	ck_assert_int_eq(gdoi_nft_counters(n, pkts), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_str_eq(last_log, "%GDOI-4-NFT: table gdoi_gm: no counter in chain pre");

	ck_assert_int_eq(gdoi_nft_install(n), 0);
	memset(pkts, 0xff, sizeof(pkts));
	ck_assert_int_eq(gdoi_nft_counters(n, pkts), 0);
	ck_assert_uint_eq(pkts[GDOI_NFT_PRE] + pkts[GDOI_NFT_STASH] + pkts[GDOI_NFT_OUTER] +
	    pkts[GDOI_NFT_WAN], 0);
	ck_assert_int_eq(gdoi_nft_spi_add(n, ab, 2), 0);
	/* 0x1000 is there already */
	ck_assert_int_eq(gdoi_nft_spi_add(n, ac, 2), 0);
	/* 0x4000 is not in the set: the others still go */
	last_log[0] = '\0';
	ck_assert_int_eq(gdoi_nft_spi_del(n, missing, 3), 0);
	ck_assert_str_eq(last_log, "");
	ck_assert_int_eq(gdoi_nft_spi_del(n, missing, 3), 0);
	/* again: replaces the table (the script checks there is one) */
	ck_assert_int_eq(gdoi_nft_install(n), 0);
	ck_assert_int_eq(gdoi_nft_counters(n, pkts), 0);

	/* without a WAN mark: no wan chain, and its counter is 0 */
	other = cfg;
	other.nc_wan_mark = 0;
	o = gdoi_nft_open(&other);
	ck_assert_ptr_nonnull(o);
	ck_assert_int_eq(gdoi_nft_install(o), 0);
	memset(pkts, 0xff, sizeof(pkts));
	ck_assert_int_eq(gdoi_nft_counters(o, pkts), 0);
	ck_assert_uint_eq(pkts[GDOI_NFT_PRE] + pkts[GDOI_NFT_STASH] + pkts[GDOI_NFT_OUTER] +
	    pkts[GDOI_NFT_WAN], 0);
	/* a handle with the WAN configured misses the chain */
	ck_assert_int_eq(gdoi_nft_counters(n, pkts), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_str_eq(last_log, "%GDOI-4-NFT: table gdoi_gm: no counter in chain wan");
	gdoi_nft_close(o);
	ck_assert_int_eq(gdoi_nft_install(n), 0);
	ck_assert_int_eq(gdoi_nft_counters(n, pkts), 0);

	/* another instance's table: errors name it, remove leaves ours */
	other = cfg;
	strcpy(other.nc_table, "gdoi_other");
	o = gdoi_nft_open(&other);
	ck_assert_ptr_nonnull(o);
	ck_assert_int_eq(gdoi_nft_spi_add(o, ab, 1), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_str_eq(last_log,
	    "%GDOI-4-NFT: table gdoi_other: NEWSETELEM #0: No such file or directory (errno 2)");
	ck_assert_int_eq(gdoi_nft_install(o), 0);
	ck_assert_int_eq(gdoi_nft_remove(o), 0);
	ck_assert_int_eq(gdoi_nft_remove(o), 0);
	ck_assert_int_eq(gdoi_nft_counters(n, pkts), 0);
	gdoi_nft_close(o);

	/* the SPIs the script's functional test expects */
	ck_assert_int_eq(gdoi_nft_spi_add(n, ab, 2), 0);
	gdoi_log_set_hook(NULL, NULL);
	gdoi_nft_close(n);
}
END_TEST

static uint16_t
ip_csum(const uint8_t *h, size_t len)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(h[i] << 8 | h[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/*
 * --send SRC DST SPI LOCAL: one IPv4 ESP packet SRC -> DST with SPI (and
 * sequence number 1, 16 octets of payload) from a raw socket.  Prints
 * the header checksum the packet has, then the one it has once its
 * destination is rewritten to LOCAL, as decimal numbers.
 */
static int
send_esp(int argc, char **argv)
{
	uint8_t pkt[20 + 8 + 16];
	struct sockaddr_in to;
	uint32_t spi, seq = htonl(1);
	uint16_t c1, c2;
	struct in_addr src, dst, local;
	int fd;

	if (argc != 4 || inet_pton(AF_INET, argv[0], &src) != 1 ||
	    inet_pton(AF_INET, argv[1], &dst) != 1 || inet_pton(AF_INET, argv[3], &local) != 1) {
		fprintf(stderr, "usage: check_nft --send SRC DST SPI LOCAL\n");
		return 2;
	}
	spi = htonl((uint32_t)strtoul(argv[2], NULL, 0));
	memset(pkt, 0xa5, sizeof(pkt));
	memset(pkt, 0, 20);
	pkt[0] = 0x45;
	pkt[2] = 0;
	pkt[3] = sizeof(pkt);
	pkt[4] = 0x12;  /* id: not 0, so that the kernel keeps it */
	pkt[5] = 0x34;
	pkt[8] = 64;
	pkt[9] = IPPROTO_ESP;
	memcpy(pkt + 12, &src, 4);
	memcpy(pkt + 16, &dst, 4);
	memcpy(pkt + 20, &spi, 4);
	memcpy(pkt + 24, &seq, 4);
	c1 = ip_csum(pkt, 20);  /* the kernel fills it in the same way */
	memcpy(pkt + 16, &local, 4);
	c2 = ip_csum(pkt, 20);
	memcpy(pkt + 16, &dst, 4);
	memset(&to, 0, sizeof(to));
	to.sin_family = AF_INET;
	to.sin_addr = dst;
	if ((fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW)) < 0 ||
	    sendto(fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&to, sizeof(to)) != sizeof(pkt)) {
		perror("check_nft: raw ESP send");
		return 1;
	}
	close(fd);
	printf("%u %u\n", c1, c2);
	return 0;
}

/* --cmd TABLE REQID LOCAL WANIF WANMARK OP [SPI...] */
static int
cmd(int argc, char **argv)
{
	struct gdoi_nft_cfg c;
	struct gdoi_nft *n;
	uint32_t spi[GDOI_NFT_SPI_MAX];
	uint64_t pkts[GDOI_NFT_NCHAIN];
	const char *op;
	size_t k = 0;
	char *end;
	int i, rc = -1;

	if (argc < 6 || strlen(argv[0]) >= sizeof(c.nc_table) || argc - 6 > GDOI_NFT_SPI_MAX) {
		fprintf(stderr,
		    "usage: check_nft --cmd TABLE REQID LOCAL WANIF WANMARK OP [SPI...]\n");
		return 2;
	}
	memset(&c, 0, sizeof(c));
	strcpy(c.nc_table, argv[0]);
	c.nc_reqid = (uint32_t)strtoul(argv[1], NULL, 0);
	if (inet_pton(AF_INET, argv[2], &c.nc_local) != 1)
		return 2;
	/* an index, or the name of an interface of this namespace */
	c.nc_wan_ifindex = (uint32_t)strtoul(argv[3], &end, 0);
	if (*end != '\0' && (c.nc_wan_ifindex = if_nametoindex(argv[3])) == 0) {
		fprintf(stderr, "check_nft: no interface %s\n", argv[3]);
		return 2;
	}
	c.nc_wan_mark = (uint32_t)strtoul(argv[4], &end, 0);
	if (*end != '\0')
		return 2;
	op = argv[5];
	for (i = 6; i < argc; i++) {
		spi[k++] = (uint32_t)strtoul(argv[i], &end, 0);
		if (*end != '\0')
			return 2;
	}
	gdoi_log_open("check_nft", GDOI_LOG_STDERR);
	if ((n = gdoi_nft_open(&c)) == NULL)
		return 1;
	if (strcmp(op, "install") == 0)
		rc = gdoi_nft_install(n);
	else if (strcmp(op, "add") == 0)
		rc = gdoi_nft_spi_add(n, spi, k);
	else if (strcmp(op, "del") == 0)
		rc = gdoi_nft_spi_del(n, spi, k);
	else if (strcmp(op, "remove") == 0)
		rc = gdoi_nft_remove(n);
	else if (strcmp(op, "counters") == 0 && (rc = gdoi_nft_counters(n, pkts)) == 0)
		printf("pre=%llu stash=%llu outer=%llu wan=%llu\n",
		    (unsigned long long)pkts[GDOI_NFT_PRE],
		    (unsigned long long)pkts[GDOI_NFT_STASH],
		    (unsigned long long)pkts[GDOI_NFT_OUTER],
		    (unsigned long long)pkts[GDOI_NFT_WAN]);
	gdoi_nft_close(n);
	gdoi_log_close();
	return rc == 0 ? 0 : 1;
}

int
main(int argc, char **argv)
{
	Suite *s;
	TCase *tc;
	SRunner *sr;
	int nf;

	if (argc > 1 && strcmp(argv[1], "--cmd") == 0)
		return cmd(argc - 2, argv + 2);
	if (argc > 1 && strcmp(argv[1], "--send") == 0)
		return send_esp(argc - 2, argv + 2);
	s = suite_create("nft");
	if (argc > 1 && strcmp(argv[1], "--netns") == 0) {
		tc = tcase_create("kernel");
		tcase_add_test(tc, ns_install_spi_remove);
		suite_add_tcase(s, tc);
	} else {
		tc = tcase_create("build");
		tcase_add_test(tc, build_install);
		tcase_add_test(tc, build_install_no_wan);
		tcase_add_test(tc, build_spi);
		tcase_add_test(tc, build_remove_bad);
		suite_add_tcase(s, tc);
	}
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
