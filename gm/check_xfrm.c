/*
 * check_xfrm: the XFRM netlink module of the GM (gm/xfrm.c).
 *
 * Without arguments: the builders, asserting the exact netlink bytes for
 * fixed TEKs and ACEs (no socket).  With "--netns": the kernel tests,
 * meant to run as root inside a fresh network namespace (xfrm_check.sh):
 * policies of a 3-entry ACL installed in one batch and read back, the ESP
 * SA add refused by this ESP-less kernel, flush of ours (reqid, priority band).
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/xfrm.h>

#include "gdoi/log.h"
#include "gdoi/wire.h"
#include "nl.h"
#include "xfrm.h"

/* The builders' tests use a configured mark (so the attribute shows);
 * the kernel test uses the default: no mark, ours = reqid + priority band. */
static const struct gdoi_xfrm_cfg cfg = {
	.xc_mark = 0x6d010000, .xc_mask = 0xffffffff, .xc_reqid = 0x4d01, .xc_prio_base = 1000,
};
static const struct gdoi_xfrm_cfg cfg_ns = {
	.xc_reqid = 0x4d01, .xc_prio_base = 1000,
};

static struct gdoi_xfrm_addr
v4(const char *s)
{
	struct gdoi_xfrm_addr a = { .xa_af = 4 };

	ck_assert_int_eq(inet_pton(AF_INET, s, a.xa_addr), 1);
	return a;
}

static struct gdoi_ace
ace4(int permit, uint8_t proto, const char *src, uint8_t splen, const char *dst, uint8_t dplen,
    uint16_t sport, uint16_t dport)
{
	struct gdoi_ace e;

	memset(&e, 0, sizeof(e));
	e.ace_permit = (uint8_t)permit;
	e.ace_proto = proto;
	e.ace_af = 4;
	ck_assert_int_eq(inet_pton(AF_INET, src, e.ace_src), 1);
	ck_assert_int_eq(inet_pton(AF_INET, dst, e.ace_dst), 1);
	e.ace_src_plen = splen;
	e.ace_dst_plen = dplen;
	e.ace_sport = sport;
	e.ace_dport = dport;
	return e;
}

/* The ACL of the tests: deny udp any any eq 848; permit ip 10.98/16 10.98/16; permit ip any any. */
static void
acl3(struct gdoi_ace acl[3])
{
	acl[0] = ace4(0, IPPROTO_UDP, "0.0.0.0", 0, "0.0.0.0", 0, 0, GDOI_UDP_PORT);
	acl[1] = ace4(1, 0, "10.98.0.0", 16, "10.98.0.0", 16, 0, 0);
	acl[2] = ace4(1, 0, "0.0.0.0", 0, "0.0.0.0", 0, 0, 0);
}

static void
tek_fill(struct gdoi_tek *t, uint32_t spi, uint8_t esp, uint16_t bits, uint16_t auth)
{
	size_t i;

	memset(t, 0, sizeof(*t));
	t->tek_spi = spi;
	t->tek_x.tx_esp = esp;
	t->tek_x.tx_keybits = bits;
	t->tek_x.tx_auth = auth;
	t->tek_life_s = 3600;
	t->tek_expiry_ms = 1000000 + 3600 * 1000;  /* now_ms = 1000000 in the tests */
	for (i = 0; i < GDOI_TEK_ENC_MAX; i++)
		t->tek_enc[i] = (uint8_t)(0x10 + i);
	for (i = 0; i < GDOI_TEK_INT_MAX; i++)
		t->tek_int[i] = (uint8_t)(0xa0 + i);
}

/* The i-th request of the batch. */
static const struct nlmsghdr *
req(struct gdoi_xfrm_batch *b, size_t i)
{
	size_t len;
	const uint8_t *p = gdoi_xfrm_batch_data(b, &len);
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)p;

	ck_assert_uint_lt(i, b->xb_n);
	while (i--)
		nlh = (const struct nlmsghdr *)((const uint8_t *)nlh + MNL_ALIGN(nlh->nlmsg_len));
	ck_assert((const uint8_t *)nlh + nlh->nlmsg_len <= p + len);
	return nlh;
}

/* Attribute k (0-based, in order) after a fixed header of hlen; asserts type and payload length. */
static const void *
attr(const struct nlmsghdr *nlh, size_t hlen, int k, uint16_t type, size_t plen)
{
	const struct nlattr *a;
	int i = 0;

	mnl_attr_for_each(a, nlh, hlen) {
		if (i++ == k) {
			ck_assert_uint_eq(mnl_attr_get_type(a), type);
			ck_assert_uint_eq(mnl_attr_get_payload_len(a), plen);
			return mnl_attr_get_payload(a);
		}
	}
	ck_abort_msg("attribute %d missing", k);
	return NULL;
}

static int
nattrs(const struct nlmsghdr *nlh, size_t hlen)
{
	const struct nlattr *a;
	int n = 0;

	mnl_attr_for_each(a, nlh, hlen)
		n++;
	return n;
}

static void
check_mark(const struct nlmsghdr *nlh, size_t hlen, int k)
{
	const struct xfrm_mark *m = attr(nlh, hlen, k, XFRMA_MARK, sizeof(*m));

	ck_assert_uint_eq(m->v, 0x6d010000);
	ck_assert_uint_eq(m->m, 0xffffffff);
}

static void
check_key(const uint8_t *key, size_t n, uint8_t first)
{
	size_t i;

	for (i = 0; i < n; i++)
		ck_assert_uint_eq(key[i], (uint8_t)(first + i));
}

/* Fixed headers copied out: netlink aligns to 4, these have u64 fields. */
static struct xfrm_usersa_info sa_copy;
static struct xfrm_userpolicy_info pol_copy;

static const struct xfrm_usersa_info *
sinfo(const struct nlmsghdr *nlh)
{
	ck_assert_uint_ge(nlh->nlmsg_len, MNL_NLMSG_HDRLEN + sizeof(sa_copy));
	memcpy(&sa_copy, mnl_nlmsg_get_payload(nlh), sizeof(sa_copy));
	return &sa_copy;
}

static const struct xfrm_userpolicy_info *
pinfo(const struct nlmsghdr *nlh)
{
	ck_assert_uint_ge(nlh->nlmsg_len, MNL_NLMSG_HDRLEN + sizeof(pol_copy));
	memcpy(&pol_copy, mnl_nlmsg_get_payload(nlh), sizeof(pol_copy));
	return &pol_copy;
}

/* SA header common to the three transforms. */
static const struct xfrm_usersa_info *
check_sa_hdr(const struct nlmsghdr *nlh, uint32_t len, uint32_t spi)
{
	const struct xfrm_usersa_info *sa = sinfo(nlh);
	struct gdoi_xfrm_addr s = v4("10.98.1.1"), d = v4("239.192.1.1");

	ck_assert_uint_eq(nlh->nlmsg_len, len);
	ck_assert_uint_eq(nlh->nlmsg_type, XFRM_MSG_NEWSA);
	ck_assert_uint_eq(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
	ck_assert_uint_eq(sa->id.spi, htonl(spi));
	ck_assert_uint_eq(sa->id.proto, IPPROTO_ESP);
	ck_assert_mem_eq(&sa->id.daddr, d.xa_addr, 4);
	ck_assert_mem_eq(&sa->saddr, s.xa_addr, 4);
	ck_assert_uint_eq(sa->family, AF_INET);
	ck_assert_uint_eq(sa->sel.family, AF_INET);
	ck_assert_uint_eq(sa->mode, XFRM_MODE_TUNNEL);
	ck_assert_uint_eq(sa->replay_window, 0);
	ck_assert_uint_eq(sa->flags, 0);
	ck_assert_uint_eq(sa->reqid, 0x4d01);
	/* 3600 s left at now: hard 3600, soft 90% = 3240 */
	ck_assert_uint_eq(sa->lft.hard_add_expires_seconds, 3600);
	ck_assert_uint_eq(sa->lft.soft_add_expires_seconds, 3240);
	ck_assert_uint_eq(sa->lft.hard_use_expires_seconds, 0);
	ck_assert_uint_eq(sa->lft.hard_packet_limit, 4293918720ULL);
	ck_assert_uint_eq(sa->lft.soft_packet_limit, 3864526848ULL);
	ck_assert_uint_eq(sa->lft.hard_byte_limit, XFRM_INF);
	ck_assert_uint_eq(sa->lft.soft_byte_limit, XFRM_INF);
	return sa;
}

static struct gdoi_xfrm_batch *
sa_batch(struct gdoi_tek *t)
{
	struct gdoi_xfrm_batch *b = gdoi_xfrm_batch_new(&cfg, 7);
	struct gdoi_xfrm_addr s = v4("10.98.1.1"), d = v4("239.192.1.1");

	ck_assert_ptr_nonnull(b);
	ck_assert_int_eq(gdoi_xfrm_sa_add(b, t, &s, &d, 1000000), 0);
	ck_assert_uint_eq(b->xb_n, 1);
	return b;
}

START_TEST(sa_cbc256_sha256)
{
	struct gdoi_tek t;
	struct gdoi_xfrm_batch *b;
	const struct nlmsghdr *nlh;
	const struct xfrm_algo *enc;
	const struct xfrm_algo_auth *au;
	size_t len;

	tek_fill(&t, 0x12345678, ESP_T_AES_CBC, 256, IPSEC_AUTH_HMAC_SHA256);
	b = sa_batch(&t);
	nlh = req(b, 0);
	ck_assert_uint_eq(nlh->nlmsg_seq, 7);
	/* 16 nlmsghdr + 224 usersa_info + (4+68+32) crypt + (4+72+32) auth + (4+8) mark */
	check_sa_hdr(nlh, 464, 0x12345678);
	ck_assert_int_eq(nattrs(nlh, sizeof(struct xfrm_usersa_info)), 3);
	enc = attr(nlh, sizeof(struct xfrm_usersa_info), 0, XFRMA_ALG_CRYPT, 68 + 32);
	ck_assert_str_eq(enc->alg_name, "cbc(aes)");
	ck_assert_uint_eq(enc->alg_key_len, 256);
	check_key((const uint8_t *)enc->alg_key, 32, 0x10);
	au = attr(nlh, sizeof(struct xfrm_usersa_info), 1, XFRMA_ALG_AUTH_TRUNC, 72 + 32);
	ck_assert_str_eq(au->alg_name, "hmac(sha256)");
	ck_assert_uint_eq(au->alg_key_len, 256);
	ck_assert_uint_eq(au->alg_trunc_len, 128);
	check_key((const uint8_t *)au->alg_key, 32, 0xa0);
	check_mark(nlh, sizeof(struct xfrm_usersa_info), 2);
	gdoi_xfrm_batch_data(b, &len);
	ck_assert_uint_eq(len, 464);
	gdoi_xfrm_batch_free(b);
}
END_TEST

START_TEST(sa_cbc128_sha1)
{
	struct gdoi_tek t;
	struct gdoi_xfrm_batch *b;
	const struct nlmsghdr *nlh;
	const struct xfrm_algo *enc;
	const struct xfrm_algo_auth *au;

	tek_fill(&t, 0xdeadbeef, ESP_T_AES_CBC, 128, IPSEC_AUTH_HMAC_SHA1);
	b = sa_batch(&t);
	nlh = req(b, 0);
	/* 240 + (4+68+16) + (4+72+20) + 12 */
	check_sa_hdr(nlh, 436, 0xdeadbeef);
	enc = attr(nlh, sizeof(struct xfrm_usersa_info), 0, XFRMA_ALG_CRYPT, 68 + 16);
	ck_assert_str_eq(enc->alg_name, "cbc(aes)");
	ck_assert_uint_eq(enc->alg_key_len, 128);
	check_key((const uint8_t *)enc->alg_key, 16, 0x10);
	au = attr(nlh, sizeof(struct xfrm_usersa_info), 1, XFRMA_ALG_AUTH_TRUNC, 72 + 20);
	ck_assert_str_eq(au->alg_name, "hmac(sha1)");
	ck_assert_uint_eq(au->alg_key_len, 160);
	ck_assert_uint_eq(au->alg_trunc_len, 96);
	check_key((const uint8_t *)au->alg_key, 20, 0xa0);
	check_mark(nlh, sizeof(struct xfrm_usersa_info), 2);
	gdoi_xfrm_batch_free(b);
}
END_TEST

START_TEST(sa_gcm256)
{
	struct gdoi_tek t;
	struct gdoi_xfrm_batch *b;
	const struct nlmsghdr *nlh;
	const struct xfrm_algo_aead *ae;

	tek_fill(&t, 0x0000abcd, ESP_T_AES_GCM_16, 256, 0);
	b = sa_batch(&t);
	nlh = req(b, 0);
	/* 240 + (4+72+36) + 12: key and salt in one attribute */
	check_sa_hdr(nlh, 364, 0x0000abcd);
	ck_assert_int_eq(nattrs(nlh, sizeof(struct xfrm_usersa_info)), 2);
	ae = attr(nlh, sizeof(struct xfrm_usersa_info), 0, XFRMA_ALG_AEAD, 72 + 36);
	ck_assert_str_eq(ae->alg_name, "rfc4106(gcm(aes))");
	ck_assert_uint_eq(ae->alg_key_len, 288);
	ck_assert_uint_eq(ae->alg_icv_len, 128);
	check_key((const uint8_t *)ae->alg_key, 36, 0x10);
	check_mark(nlh, sizeof(struct xfrm_usersa_info), 1);
	gdoi_xfrm_batch_free(b);
}
END_TEST

START_TEST(sa_lifetime_edges)
{
	struct gdoi_tek t;
	struct gdoi_xfrm_batch *b = gdoi_xfrm_batch_new(&cfg, 1);
	struct gdoi_xfrm_addr s = v4("10.98.1.1"), d = v4("239.192.1.1");
	struct gdoi_xfrm_addr d6 = { .xa_af = 6 };
	const struct xfrm_usersa_info *sa;

	tek_fill(&t, 1, ESP_T_AES_CBC, 128, IPSEC_AUTH_HMAC_SHA1);
	/* 1.5 s left: hard 1, soft at least 1 */
	t.tek_expiry_ms = 1001500;
	ck_assert_int_eq(gdoi_xfrm_sa_add(b, &t, &s, &d, 1000000), 0);
	sa = sinfo(req(b, 0));
	ck_assert_uint_eq(sa->lft.hard_add_expires_seconds, 1);
	ck_assert_uint_eq(sa->lft.soft_add_expires_seconds, 1);
	/* under a second left, expired, SPI 0, bad transform, mixed families */
	t.tek_expiry_ms = 1000999;
	ck_assert_int_eq(gdoi_xfrm_sa_add(b, &t, &s, &d, 1000000), GDOI_XFRM_E_INVAL);
	t.tek_expiry_ms = 1000000;
	ck_assert_int_eq(gdoi_xfrm_sa_add(b, &t, &s, &d, 1000000), GDOI_XFRM_E_INVAL);
	tek_fill(&t, 0, ESP_T_AES_CBC, 128, IPSEC_AUTH_HMAC_SHA1);
	ck_assert_int_eq(gdoi_xfrm_sa_add(b, &t, &s, &d, 1000000), GDOI_XFRM_E_INVAL);
	tek_fill(&t, 1, ESP_T_3DES, 192, IPSEC_AUTH_HMAC_SHA1);
	ck_assert_int_eq(gdoi_xfrm_sa_add(b, &t, &s, &d, 1000000), GDOI_XFRM_E_INVAL);
	tek_fill(&t, 1, ESP_T_AES_CBC, 128, IPSEC_AUTH_HMAC_SHA1);
	ck_assert_int_eq(gdoi_xfrm_sa_add(b, &t, &s, &d6, 1000000), GDOI_XFRM_E_INVAL);
	/* refused arguments neither add a request nor poison the batch */
	ck_assert_uint_eq(b->xb_n, 1);
	ck_assert_int_eq(b->xb_err, 0);
	gdoi_xfrm_batch_free(b);
}
END_TEST

START_TEST(sa_del)
{
	struct gdoi_xfrm_batch *b = gdoi_xfrm_batch_new(&cfg, 40);
	struct gdoi_xfrm_addr d = v4("239.192.1.1");
	const struct nlmsghdr *nlh;
	const struct xfrm_usersa_id *id;

	ck_assert_int_eq(gdoi_xfrm_sa_del(b, &d, 0x12345678), 0);
	nlh = req(b, 0);
	ck_assert_uint_eq(nlh->nlmsg_len, 16 + 24 + 12);
	ck_assert_uint_eq(nlh->nlmsg_type, XFRM_MSG_DELSA);
	ck_assert_uint_eq(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
	ck_assert_uint_eq(nlh->nlmsg_seq, 40);
	id = mnl_nlmsg_get_payload(nlh);
	ck_assert_mem_eq(&id->daddr, d.xa_addr, 4);
	ck_assert_uint_eq(id->spi, htonl(0x12345678));
	ck_assert_uint_eq(id->family, AF_INET);
	ck_assert_uint_eq(id->proto, IPPROTO_ESP);
	ck_assert_int_eq(nattrs(nlh, sizeof(*id)), 1);
	check_mark(nlh, sizeof(*id), 0);
	gdoi_xfrm_batch_free(b);
}
END_TEST

static void
check_sel(const struct xfrm_selector *s, const char *src, uint8_t splen, const char *dst,
    uint8_t dplen, uint8_t proto, uint16_t sport, uint16_t dport)
{
	struct gdoi_xfrm_addr a = v4(src), d = v4(dst);
	uint8_t zero[16] = { 0 };

	ck_assert_mem_eq(&s->saddr, a.xa_addr, 4);
	ck_assert_mem_eq((const uint8_t *)&s->saddr + 4, zero, 12);
	ck_assert_mem_eq(&s->daddr, d.xa_addr, 4);
	ck_assert_uint_eq(s->prefixlen_s, splen);
	ck_assert_uint_eq(s->prefixlen_d, dplen);
	ck_assert_uint_eq(s->family, AF_INET);
	ck_assert_uint_eq(s->proto, proto);
	ck_assert_uint_eq(s->sport, htons(sport));
	ck_assert_uint_eq(s->sport_mask, sport ? 0xffff : 0);
	ck_assert_uint_eq(s->dport, htons(dport));
	ck_assert_uint_eq(s->dport_mask, dport ? 0xffff : 0);
	ck_assert_int_eq(s->ifindex, 0);
	ck_assert_uint_eq(s->user, 0);
}

START_TEST(pol_acl_order)
{
	struct gdoi_ace acl[3];
	struct gdoi_xfrm_batch *b = gdoi_xfrm_batch_new(&cfg, 100);
	struct gdoi_xfrm_addr ts = v4("10.98.1.1"), td = v4("239.192.1.1");
	const struct nlmsghdr *nlh;
	const struct xfrm_userpolicy_info *p;
	const struct xfrm_user_tmpl *t;
	unsigned i;
	size_t len;

	acl3(acl);
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(gdoi_xfrm_pol_add(b, &acl[i], 0, GDOI_XFRM_DIR_OUT, i, &ts, &td), 0);
	ck_assert_uint_eq(b->xb_n, 3);
	for (i = 0; i < 3; i++) {
		nlh = req(b, i);
		p = pinfo(nlh);
		ck_assert_uint_eq(nlh->nlmsg_type, XFRM_MSG_NEWPOLICY);
		ck_assert_uint_eq(nlh->nlmsg_flags,
		    NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
		ck_assert_uint_eq(nlh->nlmsg_seq, 100 + i);
		ck_assert_uint_eq(p->priority, 1000 + i);  /* ACL order */
		ck_assert_uint_eq(p->dir, XFRM_POLICY_OUT);
		ck_assert_uint_eq(p->action, XFRM_POLICY_ALLOW);
		ck_assert_uint_eq(p->index, 0);
		ck_assert_uint_eq(p->lft.hard_packet_limit, XFRM_INF);
	}
	/* deny udp any any eq 848: bypass, no template: 16 + 168 + 12 */
	nlh = req(b, 0);
	ck_assert_uint_eq(nlh->nlmsg_len, 196);
	check_sel(&pinfo(nlh)->sel,
	    "0.0.0.0", 0, "0.0.0.0", 0, IPPROTO_UDP, 0, 848);
	ck_assert_int_eq(nattrs(nlh, sizeof(*p)), 1);
	check_mark(nlh, sizeof(*p), 0);
	/* permit 10.98/16 -> 10.98/16: ESP tunnel template: 16 + 168 + (4+64) + 12 */
	nlh = req(b, 1);
	ck_assert_uint_eq(nlh->nlmsg_len, 264);
	check_sel(&pinfo(nlh)->sel,
	    "10.98.0.0", 16, "10.98.0.0", 16, 0, 0, 0);
	ck_assert_int_eq(nattrs(nlh, sizeof(*p)), 2);
	t = attr(nlh, sizeof(*p), 0, XFRMA_TMPL, sizeof(*t));
	ck_assert_uint_eq(t->id.proto, IPPROTO_ESP);
	ck_assert_uint_eq(t->id.spi, 0);
	ck_assert_mem_eq(&t->id.daddr, td.xa_addr, 4);
	ck_assert_mem_eq(&t->saddr, ts.xa_addr, 4);
	ck_assert_uint_eq(t->family, AF_INET);
	ck_assert_uint_eq(t->reqid, 0x4d01);
	ck_assert_uint_eq(t->mode, XFRM_MODE_TUNNEL);
	ck_assert_uint_eq(t->optional, 0);
	ck_assert_uint_eq(t->ealgos, 0xffffffff);
	check_mark(nlh, sizeof(*p), 1);
	/* permit any */
	nlh = req(b, 2);
	ck_assert_uint_eq(nlh->nlmsg_len, 264);
	check_sel(&pinfo(nlh)->sel,
	    "0.0.0.0", 0, "0.0.0.0", 0, 0, 0, 0);
	gdoi_xfrm_batch_data(b, &len);
	ck_assert_uint_eq(len, 196 + 264 + 264);
	gdoi_xfrm_batch_free(b);
}
END_TEST

START_TEST(pol_mirror_del)
{
	struct gdoi_ace e = ace4(1, IPPROTO_TCP, "10.1.0.0", 16, "10.2.3.4", 32, 1234, 80);
	struct gdoi_xfrm_batch *b = gdoi_xfrm_batch_new(&cfg, 1);
	const struct nlmsghdr *nlh;
	const struct xfrm_userpolicy_id *id;
	const struct xfrm_user_tmpl *t;
	uint8_t zero[16] = { 0 };

	ck_assert_int_eq(gdoi_xfrm_pol_add(b, &e, 1, GDOI_XFRM_DIR_IN, 5, NULL, NULL), 0);
	nlh = req(b, 0);
	check_sel(&pinfo(nlh)->sel,
	    "10.2.3.4", 32, "10.1.0.0", 16, IPPROTO_TCP, 80, 1234);
	ck_assert_uint_eq(pinfo(nlh)->dir,
	    XFRM_POLICY_IN);
	ck_assert_uint_eq(pinfo(nlh)->priority,
	    1005);
	t = attr(nlh, sizeof(struct xfrm_userpolicy_info), 0, XFRMA_TMPL, sizeof(*t));
	ck_assert_mem_eq(&t->id.daddr, zero, 16);  /* NULL endpoints: any */
	ck_assert_mem_eq(&t->saddr, zero, 16);

	ck_assert_int_eq(gdoi_xfrm_pol_del(b, &e, 0, GDOI_XFRM_DIR_FWD), 0);
	nlh = req(b, 1);
	ck_assert_uint_eq(nlh->nlmsg_type, XFRM_MSG_DELPOLICY);
	ck_assert_uint_eq(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
	ck_assert_uint_eq(nlh->nlmsg_len, 16 + 64 + 12);
	id = mnl_nlmsg_get_payload(nlh);
	check_sel(&id->sel, "10.1.0.0", 16, "10.2.3.4", 32, IPPROTO_TCP, 1234, 80);
	ck_assert_uint_eq(id->dir, XFRM_POLICY_FWD);
	ck_assert_uint_eq(id->index, 0);
	check_mark(nlh, sizeof(*id), 0);

	ck_assert_int_eq(gdoi_xfrm_pol_del_index(b, 0x99, GDOI_XFRM_DIR_OUT), 0);
	id = mnl_nlmsg_get_payload(req(b, 2));
	ck_assert_uint_eq(id->index, 0x99);
	ck_assert_uint_eq(id->dir, XFRM_POLICY_OUT);

	/* bad: ports without TCP/UDP, prefix > 32, direction 3, index 0 */
	e = ace4(1, 0, "10.1.0.0", 16, "10.2.3.4", 32, 0, 80);
	ck_assert_int_eq(gdoi_xfrm_pol_add(b, &e, 0, 1, 0, NULL, NULL), GDOI_XFRM_E_INVAL);
	e = ace4(1, 0, "10.1.0.0", 33, "10.2.3.4", 32, 0, 0);
	ck_assert_int_eq(gdoi_xfrm_pol_add(b, &e, 0, 1, 0, NULL, NULL), GDOI_XFRM_E_INVAL);
	e = ace4(1, 0, "10.1.0.0", 16, "10.2.3.4", 32, 0, 0);
	ck_assert_int_eq(gdoi_xfrm_pol_add(b, &e, 0, 3, 0, NULL, NULL), GDOI_XFRM_E_INVAL);
	ck_assert_int_eq(gdoi_xfrm_pol_del_index(b, 0, 1), GDOI_XFRM_E_INVAL);
	ck_assert_uint_eq(b->xb_n, 3);
	gdoi_xfrm_batch_free(b);
}
END_TEST

START_TEST(batch_full_sticky)
{
	struct gdoi_ace e = ace4(0, 0, "0.0.0.0", 0, "0.0.0.0", 0, 0, 0);
	struct gdoi_xfrm_batch *b = gdoi_xfrm_batch_new(&cfg, 1);
	struct gdoi_xfrm_addr d = v4("239.192.1.1");
	size_t i, len;

	for (i = 0; i < GDOI_XFRM_BATCH_MAX; i++)
		ck_assert_int_eq(gdoi_xfrm_pol_add(b, &e, 0, 1, (unsigned)i, NULL, NULL), 0);
	ck_assert_int_eq(gdoi_xfrm_sa_del(b, &d, 1), GDOI_XFRM_E_NOSPC);
	/* sticky until reset */
	ck_assert_int_eq(gdoi_xfrm_pol_del_index(b, 1, 1), GDOI_XFRM_E_NOSPC);
	ck_assert_uint_eq(b->xb_n, GDOI_XFRM_BATCH_MAX);
	gdoi_xfrm_batch_data(b, &len);
	ck_assert_uint_eq(len, GDOI_XFRM_BATCH_MAX * 196);
	gdoi_xfrm_batch_reset(b);
	ck_assert_int_eq(gdoi_xfrm_sa_del(b, &d, 1), 0);
	ck_assert_uint_eq(b->xb_n, 1);
	gdoi_xfrm_batch_free(b);
}
END_TEST

START_TEST(errno_map)
{
	ck_assert_int_eq(gdoi_xfrm_errno_res(0), GDOI_XFRM_OK);
	ck_assert_int_eq(gdoi_xfrm_errno_res(EEXIST), GDOI_XFRM_E_EXIST);
	ck_assert_int_eq(gdoi_xfrm_errno_res(ESRCH), GDOI_XFRM_E_SRCH);
	ck_assert_int_eq(gdoi_xfrm_errno_res(ENOENT), GDOI_XFRM_E_NOENT);
	ck_assert_int_eq(gdoi_xfrm_errno_res(EPROTONOSUPPORT), GDOI_XFRM_E_NOPROTO);
	ck_assert_int_eq(gdoi_xfrm_errno_res(ENOSYS), GDOI_XFRM_E_NOALG);
	ck_assert_int_eq(gdoi_xfrm_errno_res(EPERM), GDOI_XFRM_E_PERM);
	ck_assert_int_eq(gdoi_xfrm_errno_res(EBUSY), GDOI_XFRM_E_KERNEL);
	ck_assert_str_eq(gdoi_xfrm_strerror(GDOI_XFRM_E_NOPROTO),
	    "IPsec protocol not supported by the kernel");
}
END_TEST

/* Scoped to the WAN: out policies carry the interface, in and fwd the
 * WAN mark bit (and no mark at all is configured besides). */
START_TEST(pol_wan_scope)
{
	static const struct gdoi_xfrm_cfg scfg = {
		.xc_reqid = 0x4d01, .xc_prio_base = 1000, .xc_out_ifindex = 7,
		.xc_in_mark = 0x40000000,
	};
	struct gdoi_ace acl[3];
	struct gdoi_xfrm_batch *b = gdoi_xfrm_batch_new(&scfg, 1);
	const struct nlmsghdr *nlh;
	const struct xfrm_mark *m;
	const struct xfrm_userpolicy_id *id;

	acl3(acl);
	ck_assert_int_eq(gdoi_xfrm_pol_add(b, &acl[1], 0, GDOI_XFRM_DIR_OUT, 1, NULL, NULL), 0);
	ck_assert_int_eq(gdoi_xfrm_pol_add(b, &acl[1], 1, GDOI_XFRM_DIR_IN, 1, NULL, NULL), 0);
	ck_assert_int_eq(gdoi_xfrm_pol_add(b, &acl[1], 1, GDOI_XFRM_DIR_FWD, 1, NULL, NULL), 0);
	ck_assert_int_eq(gdoi_xfrm_pol_del(b, &acl[1], 0, GDOI_XFRM_DIR_OUT), 0);
	ck_assert_int_eq(gdoi_xfrm_pol_del(b, &acl[1], 1, GDOI_XFRM_DIR_FWD), 0);
	/* out: ifindex 7, no mark */
	nlh = req(b, 0);
	ck_assert_int_eq(pinfo(nlh)->sel.ifindex, 7);
	ck_assert_int_eq(nattrs(nlh, sizeof(struct xfrm_userpolicy_info)), 1); /* the template */
	/* in and fwd: any interface, mark 0x40000000/0x40000000 */
	for (int i = 1; i <= 2; i++) {
		nlh = req(b, (size_t)i);
		ck_assert_int_eq(pinfo(nlh)->sel.ifindex, 0);
		m = attr(nlh, sizeof(struct xfrm_userpolicy_info), 1, XFRMA_MARK, sizeof(*m));
		ck_assert_uint_eq(m->v, 0x40000000);
		ck_assert_uint_eq(m->m, 0x40000000);
	}
	/* the deletes name the same selector and mark */
	nlh = req(b, 3);
	id = mnl_nlmsg_get_payload(nlh);
	ck_assert_int_eq(id->sel.ifindex, 7);
	ck_assert_int_eq(nattrs(nlh, sizeof(*id)), 0);
	nlh = req(b, 4);
	id = mnl_nlmsg_get_payload(nlh);
	ck_assert_int_eq(id->sel.ifindex, 0);
	m = attr(nlh, sizeof(*id), 0, XFRMA_MARK, sizeof(*m));
	ck_assert_uint_eq(m->v, 0x40000000);
	gdoi_xfrm_batch_free(b);
}
END_TEST

/* An XFRM_MSG_EXPIRE as the kernel sends it: ours (reqid) or not. */
static size_t
expire_msg(uint8_t *buf, size_t cap, uint32_t reqid, uint8_t hard, uint32_t spi)
{
	struct nlmsghdr *nlh;
	struct xfrm_user_expire ue;

	memset(buf, 0, cap);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = XFRM_MSG_EXPIRE;
	memset(&ue, 0, sizeof(ue));
	ue.state.id.spi = htonl(spi);
	ue.state.id.proto = IPPROTO_ESP;
	ue.state.family = AF_INET;
	ue.state.reqid = reqid;
	ue.state.curlft.packets = 3864526848u;
	ck_assert_int_eq(inet_pton(AF_INET, "172.16.0.11", &ue.state.id.daddr), 1);
	ue.hard = hard;
	memcpy(mnl_nlmsg_put_extra_header(nlh, sizeof(ue)), &ue, sizeof(ue));
	return nlh->nlmsg_len;
}

START_TEST(ev_expire_parse)
{
	uint8_t buf[512];
	struct gdoi_xfrm_ev ev;
	size_t len;

	len = expire_msg(buf, sizeof(buf), 0x4d01, 0, 0xa1b2c3d4);
	ck_assert_int_eq(gdoi_xfrm_ev_parse(&cfg, buf, len, &ev), 1);
	ck_assert_uint_eq(ev.ev_type, GDOI_XFRM_EV_SOFT);
	ck_assert_uint_eq(ev.ev_spi, 0xa1b2c3d4);
	ck_assert_uint_eq(ev.ev_packets, 3864526848u);
	ck_assert_uint_eq(ev.ev_dst.xa_af, 4);
	ck_assert_uint_eq(ev.ev_dst.xa_addr[3], 11);
	len = expire_msg(buf, sizeof(buf), 0x4d01, 1, 0x1000);
	ck_assert_int_eq(gdoi_xfrm_ev_parse(&cfg, buf, len, &ev), 1);
	ck_assert_uint_eq(ev.ev_type, GDOI_XFRM_EV_HARD);
	/* another reqid: not ours */
	len = expire_msg(buf, sizeof(buf), 7, 1, 0x1000);
	ck_assert_int_eq(gdoi_xfrm_ev_parse(&cfg, buf, len, &ev), 0);
	/* truncated: malformed */
	len = expire_msg(buf, sizeof(buf), 0x4d01, 1, 0x1000);
	((struct nlmsghdr *)buf)->nlmsg_len = MNL_NLMSG_HDRLEN + 8;
	ck_assert_int_eq(gdoi_xfrm_ev_parse(&cfg, buf, len, &ev), -1);
	ck_assert_int_eq(gdoi_xfrm_ev_parse(&cfg, buf, 4, &ev), -1);
	/* a length beyond the buffer: malformed */
	len = expire_msg(buf, sizeof(buf), 0x4d01, 1, 0x1000);
	ck_assert_int_eq(gdoi_xfrm_ev_parse(&cfg, buf, len - 1, &ev), -1);
}
END_TEST

/* An XFRM_MSG_ACQUIRE for a policy of priority prio. */
static size_t
acquire_msg(uint8_t *buf, size_t cap, uint32_t prio)
{
	struct nlmsghdr *nlh;
	struct xfrm_user_acquire ua;

	memset(buf, 0, cap);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = XFRM_MSG_ACQUIRE;
	memset(&ua, 0, sizeof(ua));
	ua.policy.priority = prio;
	ua.sel.family = AF_INET;
	ck_assert_int_eq(inet_pton(AF_INET, "10.1.0.10", &ua.sel.daddr), 1);
	memcpy(mnl_nlmsg_put_extra_header(nlh, sizeof(ua)), &ua, sizeof(ua));
	return nlh->nlmsg_len;
}

START_TEST(ev_acquire_parse)
{
	uint8_t buf[1024];
	struct gdoi_xfrm_ev ev;
	size_t len;

	/* ours: a policy in our priority band */
	len = acquire_msg(buf, sizeof(buf), 1000 + 5);
	ck_assert_int_eq(gdoi_xfrm_ev_parse(&cfg, buf, len, &ev), 1);
	ck_assert_uint_eq(ev.ev_type, GDOI_XFRM_EV_ACQUIRE);
	ck_assert_uint_eq(ev.ev_reqid, 0x4d01);
	ck_assert_uint_eq(ev.ev_dst.xa_af, 4);
	ck_assert_uint_eq(ev.ev_dst.xa_addr[3], 10);
	/* below and above the band: not ours */
	len = acquire_msg(buf, sizeof(buf), 999);
	ck_assert_int_eq(gdoi_xfrm_ev_parse(&cfg, buf, len, &ev), 0);
	len = acquire_msg(buf, sizeof(buf), 1000 + GDOI_XFRM_PRIO_SPAN);
	ck_assert_int_eq(gdoi_xfrm_ev_parse(&cfg, buf, len, &ev), 0);
	/* shorter than its fixed part: malformed */
	((struct nlmsghdr *)buf)->nlmsg_len = MNL_NLMSG_HDRLEN + 16;
	ck_assert_int_eq(gdoi_xfrm_ev_parse(&cfg, buf, len, &ev), -1);
}
END_TEST

/* An NLMSG_ERROR with extended-ACK text; uncapped, it echoes a request
 * whose header claims echo_len octets (8 of payload are there). */
static void
ack_msg(uint8_t *buf, size_t cap, int capped, uint32_t echo_len, const char *text)
{
	struct nlmsghdr *nlh;
	struct nlmsgerr *e;

	memset(buf, 0, cap);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_flags = NLM_F_ACK_TLVS | (capped ? NLM_F_CAPPED : 0);
	e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));
	e->error = -EINVAL;
	e->msg.nlmsg_len = echo_len;
	if (!capped)
		(void)mnl_nlmsg_put_extra_header(nlh, 8);
	mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, text);
}

START_TEST(ext_ack_text)
{
	uint8_t buf[256];
	char msg[64];

	ack_msg(buf, sizeof(buf), 1, 0, "Requested type not found");
	gdoi_nl_ext_ack((struct nlmsghdr *)buf, msg, sizeof(msg));
	ck_assert_str_eq(msg, "Requested type not found");
	ack_msg(buf, sizeof(buf), 0, MNL_NLMSG_HDRLEN + 8, "echoed");
	gdoi_nl_ext_ack((struct nlmsghdr *)buf, msg, sizeof(msg));
	ck_assert_str_eq(msg, "echoed");
	ck_assert_ptr_nonnull(gdoi_nl_err((struct nlmsghdr *)buf, 0));
	ck_assert_ptr_null(gdoi_nl_err((struct nlmsghdr *)buf, 1));  /* another port */
	/* an echoed length beyond the message, or under a header: no text */
	ack_msg(buf, sizeof(buf), 0, 0xfffffff0u, "echoed");
	strcpy(msg, "x");
	gdoi_nl_ext_ack((struct nlmsghdr *)buf, msg, sizeof(msg));
	ck_assert_str_eq(msg, "");
	ack_msg(buf, sizeof(buf), 0, 4, "echoed");
	gdoi_nl_ext_ack((struct nlmsghdr *)buf, msg, sizeof(msg));
	ck_assert_str_eq(msg, "");
	/* shorter than an nlmsgerr: no text, and not an ACK */
	ack_msg(buf, sizeof(buf), 1, 0, "short");
	((struct nlmsghdr *)buf)->nlmsg_len = MNL_NLMSG_HDRLEN + 8;
	gdoi_nl_ext_ack((struct nlmsghdr *)buf, msg, sizeof(msg));
	ck_assert_str_eq(msg, "");
	ck_assert_ptr_null(gdoi_nl_err((struct nlmsghdr *)buf, 0));
}
END_TEST

/* ---- kernel tests (root, fresh namespace; xfrm_check.sh) ---- */

static void
check_dumped(const struct gdoi_xfrm_pol *p, const struct gdoi_ace *e, int mirror, int dir,
    unsigned order)
{
	const uint8_t *src = mirror ? e->ace_dst : e->ace_src, *dst = mirror ? e->ace_src : e->ace_dst;

	ck_assert_uint_eq(p->xp_dir, dir);
	ck_assert_uint_eq(p->xp_priority, 1000 + order);
	ck_assert_uint_eq(p->xp_action, XFRM_POLICY_ALLOW);
	ck_assert_uint_eq(p->xp_sel.ace_af, 4);
	ck_assert_mem_eq(p->xp_sel.ace_src, src, 4);
	ck_assert_mem_eq(p->xp_sel.ace_dst, dst, 4);
	ck_assert_uint_eq(p->xp_sel.ace_src_plen, mirror ? e->ace_dst_plen : e->ace_src_plen);
	ck_assert_uint_eq(p->xp_sel.ace_dst_plen, mirror ? e->ace_src_plen : e->ace_dst_plen);
	ck_assert_uint_eq(p->xp_sel.ace_proto, e->ace_proto);
	ck_assert_uint_eq(p->xp_sel.ace_sport, mirror ? e->ace_dport : e->ace_sport);
	ck_assert_uint_eq(p->xp_sel.ace_dport, mirror ? e->ace_sport : e->ace_dport);
	ck_assert_uint_eq(p->xp_has_mark, 0);
	ck_assert_uint_eq(p->xp_sel.ace_permit, e->ace_permit);
	if (e->ace_permit) {
		ck_assert_uint_eq(p->xp_ntmpl, 1);
		ck_assert_uint_eq(p->xp_reqid, 0x4d01);
		ck_assert_uint_eq(p->xp_tmpl_mode, XFRM_MODE_TUNNEL);
		ck_assert_uint_eq(p->xp_tmpl_proto, IPPROTO_ESP);
	} else
		ck_assert_uint_eq(p->xp_ntmpl, 0);
}

static char last_log[512];

static void
log_hook(void *arg, int sev, const char *line)
{
	snprintf(last_log, sizeof(last_log), "%s", line);
}

START_TEST(ns_policies_sa_flush)
{
	struct gdoi_ace acl[3];
	struct gdoi_xfrm *x = gdoi_xfrm_open(&cfg_ns);
	struct gdoi_xfrm_cfg other = cfg_ns;
	struct gdoi_xfrm *y;
	struct gdoi_xfrm_batch *b;
	struct gdoi_xfrm_pol pol[16];
	struct gdoi_xfrm_addr ts = v4("10.98.1.1"), td = v4("239.192.1.1");
	struct gdoi_tek t;
	size_t n, nall, ndel, i;
	unsigned k;

	ck_assert_ptr_nonnull(x);
	gdoi_log_set_hook(log_hook, NULL);
	acl3(acl);
	/* The script added two policies that are not ours (priority 5; and
	 * priority 1001, in our band, but with another template reqid): both
	 * are in ALL, neither in OURS. */
	ck_assert_int_eq(gdoi_xfrm_pol_dump(x, GDOI_XFRM_DUMP_OURS, pol, 16, &n), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(gdoi_xfrm_pol_dump(x, GDOI_XFRM_DUMP_ALL, pol, 16, &nall), 0);
	ck_assert_uint_eq(nall, 2);
	ck_assert_uint_eq(pol[0].xp_has_mark, 0);

	/* One batch: out (as written) and in (mirrored) for each ACE. */
	b = gdoi_xfrm_batch_new(&cfg_ns, 1);
	for (k = 0; k < 3; k++) {
		ck_assert_int_eq(gdoi_xfrm_pol_add(b, &acl[k], 0, GDOI_XFRM_DIR_OUT, k, &ts, &td), 0);
		ck_assert_int_eq(gdoi_xfrm_pol_add(b, &acl[k], 1, GDOI_XFRM_DIR_IN, k, &td, &ts), 0);
	}
	ck_assert_int_eq(gdoi_xfrm_send(x, b), 0);
	for (i = 0; i < 6; i++)
		ck_assert_int_eq(b->xb_res[i], 0);

	/* Read back: in (dir 0) then out (dir 1), each in ACL order. */
	ck_assert_int_eq(gdoi_xfrm_pol_dump(x, GDOI_XFRM_DUMP_OURS, pol, 16, &n), 0);
	ck_assert_uint_eq(n, 6);
	for (k = 0; k < 3; k++) {
		check_dumped(&pol[k], &acl[k], 1, XFRM_POLICY_IN, k);
		check_dumped(&pol[3 + k], &acl[k], 0, XFRM_POLICY_OUT, k);
	}
	/* The same batch again: every request EEXIST. */
	ck_assert_int_eq(gdoi_xfrm_send(x, b), GDOI_XFRM_E_EXIST);
	for (i = 0; i < 6; i++)
		ck_assert_int_eq(b->xb_res[i], GDOI_XFRM_E_EXIST);

	/* Another instance (its own reqid and priority band): not ours. */
	other.xc_reqid = 0x4d02;
	other.xc_prio_base = 1000 + GDOI_XFRM_PRIO_SPAN;
	y = gdoi_xfrm_open(&other);
	ck_assert_ptr_nonnull(y);
	gdoi_xfrm_batch_free(b);
	b = gdoi_xfrm_batch_new(&other, 1);
	ck_assert_int_eq(gdoi_xfrm_pol_add(b, &acl[1], 0, GDOI_XFRM_DIR_FWD, 0, &ts, &td), 0);
	ck_assert_int_eq(gdoi_xfrm_send(y, b), 0);
	gdoi_xfrm_batch_free(b);

	/* ESP SA: this kernel has no ESP (MACHINE-NOTES 3). */
	b = gdoi_xfrm_batch_new(&cfg_ns, 1);
	tek_fill(&t, 0x12345678, ESP_T_AES_CBC, 256, IPSEC_AUTH_HMAC_SHA256);
	ck_assert_int_eq(gdoi_xfrm_sa_add(b, &t, &ts, &td, 1000000), 0);
	ck_assert_int_eq(gdoi_xfrm_send(x, b), GDOI_XFRM_E_NOPROTO);
	ck_assert_str_eq(b->xb_msg, "Requested type not found");
	ck_assert_str_eq(last_log,
	    "%GDOI-4-XFRM: NEWSA #0: IPsec protocol not supported by the kernel (errno 93): "
	    "Requested type not found");
	gdoi_xfrm_batch_reset(b);
	tek_fill(&t, 0x12345679, ESP_T_AES_GCM_16, 256, 0);
	ck_assert_int_eq(gdoi_xfrm_sa_add(b, &t, &ts, &td, 1000000), 0);
	ck_assert_int_eq(gdoi_xfrm_send(x, b), GDOI_XFRM_E_NOALG);
	ck_assert_str_eq(b->xb_msg, "Requested AEAD algorithm not found");
	/* Deletes of what is not there: ESRCH for the SA, ENOENT for the policy. */
	gdoi_xfrm_batch_reset(b);
	ck_assert_int_eq(gdoi_xfrm_sa_del(b, &td, 0x12345678), 0);
	ck_assert_int_eq(gdoi_xfrm_pol_del(b, &acl[0], 0, GDOI_XFRM_DIR_FWD), 0);
	ck_assert_int_eq(gdoi_xfrm_pol_del(b, &acl[0], 0, GDOI_XFRM_DIR_OUT), 0);
	ck_assert_int_eq(gdoi_xfrm_send(x, b), GDOI_XFRM_E_SRCH);
	ck_assert_int_eq(b->xb_res[0], GDOI_XFRM_E_SRCH);
	ck_assert_int_eq(b->xb_res[1], GDOI_XFRM_E_NOENT);
	ck_assert_int_eq(b->xb_res[2], 0);  /* the out deny policy did exist */
	gdoi_xfrm_batch_free(b);

	/* Message loss (test hook): the replies of one batch go unread; the
	 * next send reads its own replies, not the stale ones, and sees that
	 * the lost batch was applied. */
	b = gdoi_xfrm_batch_new(&cfg_ns, 1);
	ck_assert_int_eq(gdoi_xfrm_pol_add(b, &acl[2], 1, GDOI_XFRM_DIR_FWD, 2, &td, &ts), 0);
	gdoi_xfrm_test_lose = 1;
	ck_assert_int_eq(gdoi_xfrm_send(x, b), GDOI_XFRM_E_SYS);
	ck_assert_uint_eq(gdoi_xfrm_test_lose, 0);
	ck_assert_int_eq(gdoi_xfrm_send(x, b), GDOI_XFRM_E_EXIST);
	gdoi_xfrm_batch_free(b);

	/* Flush ours: 6 policies and the larval SA with our reqid the script
	 * made (spi 0x200); the foreign ones and the other instance's stay. */
	ck_assert_int_eq(gdoi_xfrm_flush(x, &ndel), 0);
	ck_assert_uint_eq(ndel, 7);
	ck_assert_int_eq(gdoi_xfrm_pol_dump(x, GDOI_XFRM_DUMP_OURS, pol, 16, &n), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(gdoi_xfrm_pol_dump(x, GDOI_XFRM_DUMP_ALL, pol, 16, &nall), 0);
	ck_assert_uint_eq(nall, 3);
	ck_assert_int_eq(gdoi_xfrm_flush(x, &ndel), 0);
	ck_assert_uint_eq(ndel, 0);
	/* the other instance flushes its own */
	ck_assert_int_eq(gdoi_xfrm_flush(y, &ndel), 0);
	ck_assert_uint_eq(ndel, 1);
	ck_assert_int_eq(gdoi_xfrm_pol_dump(x, GDOI_XFRM_DUMP_ALL, pol, 16, &nall), 0);
	ck_assert_uint_eq(nall, 2);
	ck_assert_uint_eq(pol[0].xp_priority, 5);
	ck_assert_uint_eq(pol[1].xp_priority, 1001);
	/* dump bound: cap 0 reports the count */
	ck_assert_int_eq(gdoi_xfrm_pol_dump(x, GDOI_XFRM_DUMP_ALL, pol, 0, &nall), GDOI_XFRM_E_NOSPC);
	ck_assert_uint_eq(nall, 2);
	gdoi_log_set_hook(NULL, NULL);
	gdoi_xfrm_close(y);
	gdoi_xfrm_close(x);
}
END_TEST

int
main(int argc, char **argv)
{
	Suite *s = suite_create("xfrm");
	TCase *tc;
	SRunner *sr;
	int nf;

	if (argc > 1 && strcmp(argv[1], "--netns") == 0) {
		tc = tcase_create("kernel");
		tcase_add_test(tc, ns_policies_sa_flush);
		suite_add_tcase(s, tc);
	} else {
		tc = tcase_create("sa");
		tcase_add_test(tc, sa_cbc256_sha256);
		tcase_add_test(tc, sa_cbc128_sha1);
		tcase_add_test(tc, sa_gcm256);
		tcase_add_test(tc, sa_lifetime_edges);
		tcase_add_test(tc, sa_del);
		suite_add_tcase(s, tc);
		tc = tcase_create("policy");
		tcase_add_test(tc, pol_acl_order);
		tcase_add_test(tc, pol_mirror_del);
		tcase_add_test(tc, pol_wan_scope);
		suite_add_tcase(s, tc);
		tc = tcase_create("batch");
		tcase_add_test(tc, batch_full_sticky);
		tcase_add_test(tc, errno_map);
		tcase_add_test(tc, ev_expire_parse);
		tcase_add_test(tc, ev_acquire_parse);
		tcase_add_test(tc, ext_ack_text);
		suite_add_tcase(s, tc);
	}
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
