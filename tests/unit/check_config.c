/*
 * Configuration loader: the shipped examples load with the values the
 * demo relies on; every class of error names the file, the line and the
 * reason; defaults; sorting; pre-shared key lookup by longest prefix;
 * authorization of Phase 1 identities; libxml2 stays silent.
 */
#include <arpa/inet.h>
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/x509.h>
/* The caller's libxml2 handler must survive a load. */
#include <libxml/xmlerror.h>

#include "gdoi/config.h"
#include "gdoi/err.h"
#include "gdoi/wire.h"

static char errbuf[512];

/* Load xml (as "t.xml"); fail the test with the message if it does not. */
static struct gdoi_conf *
load_ok(const char *xml)
{
	struct gdoi_conf *c = NULL;
	int rc;

	rc = gdoi_conf_load_mem("t.xml", xml, strlen(xml), &c, errbuf, sizeof(errbuf));
	ck_assert_msg(rc == GDOI_OK, "load failed: %s", errbuf);
	ck_assert_ptr_nonnull(c);
	return c;
}

static struct gdoi_conf *
load_example(const char *file)
{
	const char *top = getenv("top_srcdir");
	char path[1024];
	struct gdoi_conf *c = NULL;
	int rc;

	snprintf(path, sizeof(path), "%s/etc/%s", top ? top : "../..", file);
	rc = gdoi_conf_load(path, &c, errbuf, sizeof(errbuf));
	ck_assert_msg(rc == GDOI_OK, "load of %s failed: %s", path, errbuf);
	ck_assert_ptr_nonnull(c);
	ck_assert_str_eq(c->c_file, path);
	return c;
}

static void
a4(uint8_t out[16], const char *s)
{
	memset(out, 0, 16);
	ck_assert_int_eq(inet_pton(AF_INET, s, out), 1);
}

static void
a6(uint8_t out[16], const char *s)
{
	memset(out, 0, 16);
	ck_assert_int_eq(inet_pton(AF_INET6, s, out), 1);
}

static void
ck_addr4(const uint8_t *got, const char *want)
{
	uint8_t w[16];

	a4(w, want);
	ck_assert_mem_eq(got, w, 4);
}

/* ------------------------------------------------------------------ */
/* The shipped examples                                                 */

START_TEST(example_ks)
{
	struct gdoi_conf *c = load_example("ks.xml");
	const struct gdoi_conf_group *g;
	const struct gdoi_conf_acl *acl;
	const struct gdoi_conf_profile *pr;
	const struct gdoi_conf_rekey *rk;
	const struct gdoi_p1_policy *p;
	uint8_t a[16];

	/* crypto isakmp */
	ck_assert_uint_eq(c->c_nike, 1);
	p = &c->c_ike[0];
	ck_assert_uint_eq(p->pp_enc, IKE_ENC_AES_CBC);
	ck_assert_uint_eq(p->pp_keylen, 256);
	ck_assert_uint_eq(p->pp_hash, IKE_HASH_SHA256);
	ck_assert_uint_eq(p->pp_auth, IKE_AUTH_PSK);
	ck_assert_uint_eq(p->pp_group, 14);
	ck_assert_uint_eq(p->pp_life_s, 86400);
	ck_assert_uint_eq(c->c_npsk, 1);
	ck_assert_uint_eq(c->c_psk[0].ck_af, 4);
	ck_assert_uint_eq(c->c_psk[0].ck_plen, 0);
	ck_addr4(c->c_psk[0].ck_addr, "0.0.0.0");
	ck_assert_uint_eq(c->c_psk[0].ck_secretlen, strlen("gdoi-demo-secret"));
	ck_assert_mem_eq(c->c_psk[0].ck_secret, "gdoi-demo-secret", 16);
	ck_assert_ptr_null(c->c_cert_key);
	ck_assert_uint_eq(c->c_local_id.id_type, 0);

	/* ip access-list extended getvpn-acl */
	ck_assert_uint_eq(c->c_nacl, 1);
	acl = &c->c_acl[0];
	ck_assert_str_eq(acl->acl_name, "getvpn-acl");
	ck_assert_uint_eq(acl->acl_n, 2);
	ck_assert_uint_eq(acl->acl_e[0].ace_permit, 0);
	ck_assert_uint_eq(acl->acl_e[0].ace_proto, 17);
	ck_assert_uint_eq(acl->acl_e[0].ace_af, 4);
	ck_assert_uint_eq(acl->acl_e[0].ace_src_plen, 0);
	ck_assert_uint_eq(acl->acl_e[0].ace_dst_plen, 0);
	ck_assert_uint_eq(acl->acl_e[0].ace_sport, 848);
	ck_assert_uint_eq(acl->acl_e[0].ace_dport, 848);
	ck_assert_uint_eq(acl->acl_e[1].ace_permit, 1);
	ck_assert_uint_eq(acl->acl_e[1].ace_proto, 0);
	ck_assert_uint_eq(acl->acl_e[1].ace_af, 4);
	ck_addr4(acl->acl_e[1].ace_src, "10.98.0.0");
	ck_assert_uint_eq(acl->acl_e[1].ace_src_plen, 16);
	ck_addr4(acl->acl_e[1].ace_dst, "10.98.0.0");
	ck_assert_uint_eq(acl->acl_e[1].ace_dst_plen, 16);
	ck_assert_uint_eq(acl->acl_e[1].ace_sport, 0);
	ck_assert_uint_eq(acl->acl_e[1].ace_dport, 0);

	/* crypto ipsec transform-set / profile */
	ck_assert_uint_eq(c->c_nprofile, 1);
	pr = &c->c_profile[0];
	ck_assert_str_eq(pr->pr_name, "gdoi-profile");
	ck_assert_uint_eq(pr->pr_x.tx_esp, ESP_T_AES_CBC);
	ck_assert_uint_eq(pr->pr_x.tx_keybits, 256);
	ck_assert_uint_eq(pr->pr_x.tx_auth, IPSEC_AUTH_HMAC_SHA256);
	ck_assert_uint_eq(pr->pr_life_s, 3600);

	/* crypto gdoi group G1 */
	ck_assert_uint_eq(c->c_ngroup, 1);
	g = &c->c_group[0];
	ck_assert_str_eq(g->g_name, "G1");
	ck_assert_uint_eq(g->g_identity, 1234);
	ck_assert_uint_eq(g->g_server_local, 1);
	ck_assert_uint_eq(g->g_nserver, 0);
	ck_assert_uint_eq(g->g_local_af, 4);
	ck_addr4(g->g_local_addr, "10.99.0.1");
	ck_assert_uint_eq(g->g_sid_bits, 8);
	rk = &g->g_rekey;
	ck_assert_uint_eq(rk->rk_multicast, 0);
	ck_assert_uint_eq(rk->rk_af, 0);
	ck_assert_uint_eq(rk->rk_life_s, 86400);
	ck_assert_uint_eq(rk->rk_retx_interval, 10);
	ck_assert_uint_eq(rk->rk_retx_count, 2);
	ck_assert_uint_eq(rk->rk_keybits, 256);
	ck_assert_uint_eq(rk->rk_sig_hash, SIG_HASH_SHA256);
	ck_assert_str_eq(rk->rk_key_path, "/var/lib/gdoi/ks-rekey.pem");
	ck_assert_uint_eq(rk->rk_key_bits, 2048);
	ck_assert_uint_eq(rk->rk_ack, 0);
	ck_assert_uint_eq(g->g_nsa, 1);
	ck_assert_uint_eq(g->g_sa[0].sa_seq, 1);
	ck_assert_uint_eq(g->g_sa[0].sa_profile, 0);
	ck_assert_uint_eq(g->g_sa[0].sa_acl, 0);
	ck_assert_uint_eq(g->g_nauthz, 1);
	ck_assert_int_eq(g->g_authz[0].az_type, GDOI_AUTHZ_ADDRESS);
	ck_assert_uint_eq(g->g_authz[0].az_af, 4);
	ck_addr4(g->g_authz[0].az_addr, "10.99.0.0");
	ck_assert_uint_eq(g->g_authz[0].az_plen, 26);
	ck_assert_ptr_eq(gdoi_conf_group_by_name(c, "G1"), g);
	ck_assert_ptr_eq(gdoi_conf_group_by_id(c, 1234), g);
	ck_assert_ptr_null(gdoi_conf_group_by_name(c, "G2"));
	ck_assert_ptr_null(gdoi_conf_group_by_id(c, 1235));

	/* daemon settings */
	ck_assert_str_eq(c->c_ctl_socket, "/run/gdoi/ks.sock");
	ck_assert_str_eq(c->c_pid_file, "/run/gdoi/ks.pid");
	ck_assert_str_eq(c->c_state_dir, "/var/lib/gdoi");
	ck_assert_ptr_null(c->c_keylog);
	ck_assert_uint_eq(c->c_nlisten, 0);
	ck_assert_uint_eq(c->c_port, 848);

	/* the demo's authorization: 10.99.0.11 may register, 10.99.0.100 not */
	{
		struct gdoi_id id = { .id_type = ID_IPV4_ADDR };

		a4(a, "10.99.0.11");
		id.id_data.ptr = a;
		id.id_data.len = 4;
		ck_assert_int_eq(gdoi_conf_authorized(g, &id, NULL), 1);
		a4(a, "10.99.0.100");
		ck_assert_int_eq(gdoi_conf_authorized(g, &id, NULL), 0);
	}
	gdoi_conf_free(c);
}
END_TEST

static void
check_gm_example(const char *file, const char *sock, const char *pid)
{
	struct gdoi_conf *c = load_example(file);
	const struct gdoi_conf_group *g;
	uint8_t a[16];
	struct gdoi_p1_peer peer = { .pa_alen = 4, .pa_port = 848 };
	uint8_t psk[GDOI_P1_PSK_MAX];
	size_t len = 0;

	ck_assert_uint_eq(c->c_nike, 1);
	ck_assert_uint_eq(c->c_ike[0].pp_enc, IKE_ENC_AES_CBC);
	ck_assert_uint_eq(c->c_ike[0].pp_keylen, 256);
	ck_assert_uint_eq(c->c_ike[0].pp_hash, IKE_HASH_SHA256);
	ck_assert_uint_eq(c->c_ike[0].pp_auth, IKE_AUTH_PSK);
	ck_assert_uint_eq(c->c_ike[0].pp_group, 14);
	ck_assert_uint_eq(c->c_ike[0].pp_life_s, 86400);
	ck_assert_uint_eq(c->c_npsk, 1);
	ck_assert_uint_eq(c->c_psk[0].ck_af, 4);
	ck_assert_uint_eq(c->c_psk[0].ck_plen, 32);
	ck_addr4(c->c_psk[0].ck_addr, "10.99.0.1");
	ck_assert_uint_eq(c->c_nacl, 0);
	ck_assert_uint_eq(c->c_nprofile, 0);
	ck_assert_uint_eq(c->c_ngroup, 1);
	g = &c->c_group[0];
	ck_assert_str_eq(g->g_name, "G1");
	ck_assert_uint_eq(g->g_identity, 1234);
	ck_assert_uint_eq(g->g_server_local, 0);
	ck_assert_uint_eq(g->g_nsa, 0);
	ck_assert_uint_eq(g->g_nserver, 1);
	ck_assert_uint_eq(g->g_server[0].sv_af, 4);
	ck_addr4(g->g_server[0].sv_addr, "10.99.0.1");
	ck_assert_uint_eq(g->g_gm_sid_request, 1);
	ck_assert_uint_eq(g->g_gm_naive, 0);
	ck_assert_str_eq(c->c_ctl_socket, sock);
	ck_assert_str_eq(c->c_pid_file, pid);
	ck_assert_ptr_null(c->c_state_dir);
	ck_assert_uint_eq(c->c_port, 848);

	/* the KS's key is found; nobody else has one */
	a4(a, "10.99.0.1");
	memcpy(peer.pa_addr, a, 4);
	ck_assert_int_eq(gdoi_conf_psk_lookup(c, &peer, psk, sizeof(psk), &len), GDOI_OK);
	ck_assert_uint_eq(len, 16);
	ck_assert_mem_eq(psk, "gdoi-demo-secret", 16);
	a4(a, "10.99.0.2");
	memcpy(peer.pa_addr, a, 4);
	ck_assert_int_lt(gdoi_conf_psk_lookup(c, &peer, psk, sizeof(psk), &len), 0);
	gdoi_conf_free(c);
}

START_TEST(example_gm1)
{
	check_gm_example("gm1.xml", "/run/gdoi/gm1.sock", "/run/gdoi/gm1.pid");
}
END_TEST

START_TEST(example_gm2)
{
	check_gm_example("gm2.xml", "/run/gdoi/gm2.sock", "/run/gdoi/gm2.pid");
}
END_TEST

/* ------------------------------------------------------------------ */
/* Defaults and the whole vocabulary                                    */

/* Lines 1..5 of most test documents; a KS group follows on line 6. */
#define HDR                                                                      \
	"<gdoi>\n"                                                               \
	"<isakmp><policy priority=\"10\" encryption=\"aes\" hash=\"sha\""        \
	" authentication=\"pre-share\" group=\"14\"/>"                           \
	"<key address=\"0.0.0.0/0\" secret=\"s\"/></isakmp>\n"                   \
	"<access-list name=\"acl\"><permit protocol=\"ip\" source=\"any\""       \
	" destination=\"any\"/></access-list>\n"                                 \
	"<transform-set name=\"ts\" esp=\"esp-aes\" hmac=\"esp-sha-hmac\"/>\n"   \
	"<ipsec-profile name=\"p\" transform-set=\"ts\"/>\n"
#define SA1 "<sa-ipsec number=\"1\" profile=\"p\" match-address=\"acl\"/>"
#define KS(body)                                                                 \
	"<group name=\"G\" identity=\"1\"><server-local>" body                   \
	"</server-local></group>\n</gdoi>\n"
#define RK "<rekey authentication-key=\"/k.pem\"/>"

START_TEST(defaults)
{
	struct gdoi_conf *c = load_ok(HDR KS(SA1 RK));
	const struct gdoi_conf_group *g = &c->c_group[0];

	ck_assert_uint_eq(c->c_ike[0].pp_keylen, 128);	/* encryption aes */
	ck_assert_uint_eq(c->c_ike[0].pp_hash, IKE_HASH_SHA1);
	ck_assert_uint_eq(c->c_ike[0].pp_life_s, 86400);
	ck_assert_uint_eq(c->c_profile[0].pr_life_s, 3600);
	ck_assert_uint_eq(c->c_profile[0].pr_x.tx_keybits, 128);
	ck_assert_uint_eq(c->c_profile[0].pr_x.tx_auth, IPSEC_AUTH_HMAC_SHA1);
	ck_assert_uint_eq(c->c_port, 848);
	ck_assert_ptr_null(c->c_ctl_socket);
	ck_assert_ptr_null(c->c_pid_file);
	ck_assert_ptr_null(c->c_state_dir);
	ck_assert_uint_eq(g->g_local_af, 0);
	ck_assert_uint_eq(g->g_sid_bits, 8);
	ck_assert_uint_eq(g->g_nauthz, 0);
	ck_assert_uint_eq(g->g_rekey.rk_multicast, 0);
	ck_assert_uint_eq(g->g_rekey.rk_life_s, 86400);
	ck_assert_uint_eq(g->g_rekey.rk_retx_interval, 10);
	ck_assert_uint_eq(g->g_rekey.rk_retx_count, 2);
	ck_assert_uint_eq(g->g_rekey.rk_keybits, 128);
	ck_assert_uint_eq(g->g_rekey.rk_sig_hash, SIG_HASH_SHA256);
	ck_assert_uint_eq(g->g_rekey.rk_key_bits, 2048);
	ck_assert_uint_eq(g->g_rekey.rk_ack, 0);
	ck_assert_uint_eq(g->g_rekey.rk_ttl, 16);
	ck_assert_uint_eq(g->g_rekey.rk_legacy, 0);
	ck_assert_str_eq(g->g_rekey.rk_key_path, "/k.pem");
	gdoi_conf_free(c);

	/* multicast TTL and the old KEK rekey timing */
	c = load_ok(HDR KS(SA1 "<rekey address=\"239.1.1.1\" ttl=\"3\" kek-rekey=\"at-expiry\""
	    " authentication-key=\"/k.pem\"/>"));
	g = &c->c_group[0];
	ck_assert_uint_eq(g->g_rekey.rk_multicast, 1);
	ck_assert_uint_eq(g->g_rekey.rk_ttl, 3);
	ck_assert_uint_eq(g->g_rekey.rk_legacy, 1);
	gdoi_conf_free(c);

	/* no rekey element: no rekey SA (no key path), defaults still set */
	c = load_ok(HDR KS(SA1));
	g = &c->c_group[0];
	ck_assert_ptr_null(g->g_rekey.rk_key_path);
	ck_assert_uint_eq(g->g_rekey.rk_life_s, 86400);
	ck_assert_uint_eq(g->g_rekey.rk_keybits, 128);
	gdoi_conf_free(c);
}
END_TEST

static const char full_xml[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<!-- elements in any order -->\n"
	"<gdoi>\n"
	"  <group name=\"GM-side\" identity=\"77\" sender-id-request=\"false\"\n"
	"         kek-reregistration=\"naive\">\n"
	"    <server address=\"192.0.2.2\"/>\n"
	"    <server address=\"2001:db8::2\"/>\n"
	"    <server address=\"192.0.2.1\"/>\n"
	"  </group>\n"
	"  <ipsec-profile name=\"gcm\" transform-set=\"ts-gcm\" lifetime=\"900\"/>\n"
	"  <transform-set name=\"ts-gcm\" esp=\"esp-gcm\" key-length=\"256\"/>\n"
	"  <transform-set name=\"ts-cbc\" esp=\"esp-aes\" hmac=\"esp-sha256-hmac\"/>\n"
	"  <ipsec-profile name=\"cbc\" transform-set=\"ts-cbc\"/>\n"
	"  <daemon control-socket=\"/tmp/s\" pid-file=\"/tmp/p\" state-dir=\"/tmp/d\"\n"
	"          keylog=\"/tmp/k\" port=\"1848\">\n"
	"    <listen address=\"192.0.2.1\"/><listen address=\"2001:db8::1\"/>\n"
	"  </daemon>\n"
	"  <isakmp>\n"
	"    <identity type=\"hostname\" value=\"ks.example.net\"/>\n"
	"    <policy priority=\"30\" encryption=\"3des\" hash=\"sha\"\n"
	"            authentication=\"pre-share\" group=\"14\" lifetime=\"3600\"/>\n"
	"    <policy priority=\"5\" encryption=\"aes\" key-length=\"192\" hash=\"sha512\"\n"
	"            authentication=\"rsa-sig\" group=\"21\"/>\n"
	"    <policy priority=\"20\" encryption=\"aes\" key-length=\"256\" hash=\"sha384\"\n"
	"            authentication=\"pre-share\" group=\"19\"/>\n"
	"    <key address=\"0.0.0.0/0\" secret=\"any4\"/>\n"
	"    <key address=\"192.0.2.0\" mask=\"255.255.255.0\" secret=\"net24\"/>\n"
	"    <key address=\"192.0.2.7\" secret=\"host7\"/>\n"
	"    <key address=\"::/0\" secret=\"any6\"/>\n"
	"    <key address=\"2001:db8::/32\" secret=\"doc6\"/>\n"
	"    <certificates key=\"/k.pem\" cert=\"/c.pem\" ca=\"/ca.pem\"/>\n"
	"  </isakmp>\n"
	"  <access-list name=\"acl-a\">\n"
	"    <deny protocol=\"ospf\" source=\"any\" destination=\"any\"/>\n"
	"    <deny protocol=\"tcp\" source=\"host 10.0.0.1\" destination=\"10.1.0.0 0.0.255.255\"\n"
	"          destination-port=\"22\"/>\n"
	"    <permit protocol=\"47\" source=\"10.2.0.0/16\" destination=\"any\"/>\n"
	"  </access-list>\n"
	"  <access-list name=\"acl-b\">\n"
	"    <permit protocol=\"udp\" source=\"2001:db8:1::/48\" destination=\"any\"\n"
	"            source-port=\"5000\"/>\n"
	"  </access-list>\n"
	"  <group name=\"KS-side\" identity=\"4294967295\">\n"
	"    <server-local address=\"192.0.2.1\" sender-id-bits=\"12\">\n"
	"      <authorization>\n"
	"        <address prefix=\"192.0.2.0/28\"/>\n"
	"        <fqdn name=\"GM1.Example.NET\"/>\n"
	"        <user-fqdn name=\"Ops@Example.net\"/>\n"
	"        <dn name=\"CN=gm2, O=Example\"/>\n"
	"        <key-id name=\"gm3-key\"/>\n"
	"        <address prefix=\"2001:db8:5::/64\"/>\n"
	"      </authorization>\n"
	"      <sa-ipsec number=\"20\" profile=\"cbc\" match-address=\"acl-b\"/>\n"
	"      <rekey address=\"239.192.1.1\" lifetime=\"600\" retransmit-interval=\"5\"\n"
	"             retransmit-number=\"3\" algorithm=\"aes\" key-length=\"192\"\n"
	"             authentication-key=\"/var/lib/gdoi/r.pem\"\n"
	"             authentication-key-bits=\"3072\" signature-hash=\"sha\"/>\n"
	"      <sa-ipsec number=\"3\" profile=\"gcm\" match-address=\"acl-a\"/>\n"
	"    </server-local>\n"
	"  </group>\n"
	"</gdoi>\n";

START_TEST(vocabulary)
{
	struct gdoi_conf *c = load_ok(full_xml);
	const struct gdoi_conf_group *g;
	const struct gdoi_conf_acl *a;
	const struct gdoi_conf_profile *pr;
	uint8_t w[16];

	/* policies sorted by priority */
	ck_assert_uint_eq(c->c_nike, 3);
	ck_assert_uint_eq(c->c_ike[0].pp_auth, IKE_AUTH_RSA_SIG);
	ck_assert_uint_eq(c->c_ike[0].pp_keylen, 192);
	ck_assert_uint_eq(c->c_ike[0].pp_hash, IKE_HASH_SHA512);
	ck_assert_uint_eq(c->c_ike[0].pp_group, 21);
	ck_assert_uint_eq(c->c_ike[1].pp_hash, IKE_HASH_SHA384);
	ck_assert_uint_eq(c->c_ike[1].pp_group, 19);
	ck_assert_uint_eq(c->c_ike[2].pp_enc, IKE_ENC_3DES_CBC);
	ck_assert_uint_eq(c->c_ike[2].pp_keylen, 0);
	ck_assert_uint_eq(c->c_ike[2].pp_life_s, 3600);
	/* keys */
	ck_assert_uint_eq(c->c_npsk, 5);
	ck_assert_uint_eq(c->c_psk[1].ck_plen, 24);
	ck_assert_uint_eq(c->c_psk[3].ck_af, 6);
	ck_assert_uint_eq(c->c_psk[3].ck_plen, 0);
	ck_assert_uint_eq(c->c_psk[4].ck_plen, 32);
	ck_assert_str_eq(c->c_cert_key, "/k.pem");
	ck_assert_str_eq(c->c_cert, "/c.pem");
	ck_assert_str_eq(c->c_cert_ca, "/ca.pem");
	ck_assert_uint_eq(c->c_local_id.id_type, ID_FQDN);
	ck_assert_uint_eq(c->c_local_id.id_data.len, 14);
	ck_assert_mem_eq(c->c_local_id.id_data.ptr, "ks.example.net", 14);
	/* daemon */
	ck_assert_str_eq(c->c_ctl_socket, "/tmp/s");
	ck_assert_str_eq(c->c_pid_file, "/tmp/p");
	ck_assert_str_eq(c->c_state_dir, "/tmp/d");
	ck_assert_str_eq(c->c_keylog, "/tmp/k");
	ck_assert_uint_eq(c->c_port, 1848);
	ck_assert_uint_eq(c->c_nlisten, 2);
	ck_assert_uint_eq(c->c_listen[0].la_af, 4);
	ck_assert_uint_eq(c->c_listen[1].la_af, 6);
	a6(w, "2001:db8::1");
	ck_assert_mem_eq(c->c_listen[1].la_addr, w, 16);
	/* access lists, in order */
	ck_assert_uint_eq(c->c_nacl, 2);
	a = &c->c_acl[0];
	ck_assert_uint_eq(a->acl_n, 3);
	ck_assert_uint_eq(a->acl_e[0].ace_proto, 89);
	ck_assert_uint_eq(a->acl_e[0].ace_permit, 0);
	ck_assert_uint_eq(a->acl_e[1].ace_proto, 6);
	ck_addr4(a->acl_e[1].ace_src, "10.0.0.1");
	ck_assert_uint_eq(a->acl_e[1].ace_src_plen, 32);
	ck_addr4(a->acl_e[1].ace_dst, "10.1.0.0");
	ck_assert_uint_eq(a->acl_e[1].ace_dst_plen, 16);
	ck_assert_uint_eq(a->acl_e[1].ace_dport, 22);
	ck_assert_uint_eq(a->acl_e[2].ace_permit, 1);
	ck_assert_uint_eq(a->acl_e[2].ace_proto, 47);
	a = &c->c_acl[1];
	ck_assert_uint_eq(a->acl_e[0].ace_af, 6);
	ck_assert_uint_eq(a->acl_e[0].ace_src_plen, 48);
	ck_assert_uint_eq(a->acl_e[0].ace_dst_plen, 0);
	ck_assert_uint_eq(a->acl_e[0].ace_sport, 5000);
	/* profiles in document order, transform sets resolved */
	ck_assert_uint_eq(c->c_nprofile, 2);
	pr = &c->c_profile[0];
	ck_assert_str_eq(pr->pr_name, "gcm");
	ck_assert_uint_eq(pr->pr_x.tx_esp, ESP_T_AES_GCM_16);
	ck_assert_uint_eq(pr->pr_x.tx_keybits, 256);
	ck_assert_uint_eq(pr->pr_x.tx_auth, 0);
	ck_assert_uint_eq(pr->pr_life_s, 900);
	ck_assert_uint_eq(c->c_profile[1].pr_x.tx_auth, IPSEC_AUTH_HMAC_SHA256);
	/* the GM group: servers in order */
	g = gdoi_conf_group_by_name(c, "GM-side");
	ck_assert_ptr_nonnull(g);
	ck_assert_uint_eq(g->g_server_local, 0);
	ck_assert_uint_eq(g->g_gm_sid_request, 0);
	ck_assert_uint_eq(g->g_gm_naive, 1);
	ck_assert_uint_eq(g->g_nserver, 3);
	ck_addr4(g->g_server[0].sv_addr, "192.0.2.2");
	ck_assert_uint_eq(g->g_server[1].sv_af, 6);
	ck_addr4(g->g_server[2].sv_addr, "192.0.2.1");
	/* the KS group: sa-ipsec sorted by number */
	g = gdoi_conf_group_by_id(c, 4294967295u);
	ck_assert_ptr_nonnull(g);
	ck_assert_str_eq(g->g_name, "KS-side");
	ck_assert_uint_eq(g->g_sid_bits, 12);
	ck_assert_uint_eq(g->g_nsa, 2);
	ck_assert_uint_eq(g->g_sa[0].sa_seq, 3);
	ck_assert_uint_eq(g->g_sa[0].sa_profile, 0);
	ck_assert_uint_eq(g->g_sa[0].sa_acl, 0);
	ck_assert_uint_eq(g->g_sa[1].sa_seq, 20);
	ck_assert_uint_eq(g->g_sa[1].sa_profile, 1);
	ck_assert_uint_eq(g->g_sa[1].sa_acl, 1);
	ck_assert_uint_eq(g->g_rekey.rk_multicast, 1);
	ck_assert_uint_eq(g->g_rekey.rk_af, 4);
	ck_addr4(g->g_rekey.rk_addr, "239.192.1.1");
	ck_assert_uint_eq(g->g_rekey.rk_life_s, 600);
	ck_assert_uint_eq(g->g_rekey.rk_retx_interval, 5);
	ck_assert_uint_eq(g->g_rekey.rk_retx_count, 3);
	ck_assert_uint_eq(g->g_rekey.rk_keybits, 192);
	ck_assert_uint_eq(g->g_rekey.rk_key_bits, 3072);
	ck_assert_uint_eq(g->g_rekey.rk_sig_hash, SIG_HASH_SHA1);
	ck_assert_str_eq(g->g_rekey.rk_key_path, "/var/lib/gdoi/r.pem");
	ck_assert_uint_eq(g->g_nauthz, 6);
	ck_assert_int_eq(g->g_authz[1].az_type, GDOI_AUTHZ_FQDN);
	ck_assert_str_eq(g->g_authz[1].az_name, "GM1.Example.NET");
	ck_assert_int_eq(g->g_authz[2].az_type, GDOI_AUTHZ_USER_FQDN);
	ck_assert_int_eq(g->g_authz[3].az_type, GDOI_AUTHZ_DN);
	ck_assert_int_eq(g->g_authz[4].az_type, GDOI_AUTHZ_KEY_ID);
	ck_assert_uint_eq(g->g_authz[5].az_af, 6);
	ck_assert_uint_eq(g->g_authz[5].az_plen, 64);
	gdoi_conf_free(c);
}
END_TEST

START_TEST(identity_address)
{
	struct gdoi_conf *c = load_ok(
	    "<gdoi><isakmp><identity type=\"address\" value=\"192.0.2.9\"/>"
	    "<policy priority=\"1\" encryption=\"aes\" hash=\"sha\""
	    " authentication=\"pre-share\" group=\"14\"/>"
	    "<key address=\"192.0.2.1\" secret=\"x\"/></isakmp>"
	    "<group name=\"G\" identity=\"1\"><server address=\"192.0.2.1\"/></group></gdoi>");
	uint8_t w[16];

	a4(w, "192.0.2.9");
	ck_assert_uint_eq(c->c_local_id.id_type, ID_IPV4_ADDR);
	ck_assert_uint_eq(c->c_local_id.id_data.len, 4);
	ck_assert_mem_eq(c->c_local_id.id_data.ptr, w, 4);
	gdoi_conf_free(c);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Errors: file, line and reason                                        */

#define POL(prio, auth)                                                          \
	"<policy priority=\"" prio "\" encryption=\"aes\" hash=\"sha\""          \
	" authentication=\"" auth "\" group=\"14\"/>"
#define GM "<group name=\"G\" identity=\"1\"><server address=\"10.0.0.1\"/></group>\n"
#define END "</gdoi>\n"

static const struct bad {
	const char *what;
	const char *xml;
	int line;
	const char *reason;
} bad[] = {
	/* schema */
	{ "unknown attribute",
	  HDR KS(SA1 "<rekey bogus=\"1\" authentication-key=\"/k\"/>"),
	  6, "rekey: unknown attribute bogus" },
	{ "unknown element", HDR KS(SA1 "<bogus/>"), 6, "bogus: not expected inside server-local" },
	{ "element out of place",
	  HDR "<group name=\"G\" identity=\"1\">\n<server address=\"10.0.0.1\"/>\n"
	  "<sa-ipsec number=\"1\" profile=\"p\" match-address=\"acl\"/>\n</group>\n" END,
	  8, "sa-ipsec: not expected inside group" },
	{ "element in a namespace",
	  HDR KS(SA1 "\n<x:rekey xmlns:x=\"urn:x\" authentication-key=\"/k\"/>"), 7,
	  "rekey: element in namespace urn:x: the configuration has none" },
	{ "attribute value outside the schema",
	  "<gdoi>\n<isakmp><policy priority=\"1\" encryption=\"aes\" hash=\"md5\""
	  " authentication=\"pre-share\" group=\"14\"/></isakmp>\n" GM END,
	  2, "policy: hash=\"md5\" is not one of sha, sha256, sha384, sha512" },
	{ "required attribute missing",
	  HDR KS("<sa-ipsec number=\"1\" profile=\"p\"/>"), 6,
	  "sa-ipsec: match-address is missing" },
	{ "no isakmp", "<gdoi>\n" GM END, 1, "does not match the schema" },
	{ "no group", "<gdoi>\n<isakmp>" POL("1", "pre-share")
	  "<key address=\"0.0.0.0/0\" secret=\"x\"/></isakmp>\n" END, 1,
	  "does not match the schema" },
	/* well-formedness */
	{ "tag mismatch", "<gdoi>\n<isakmp>\n</gdoi>\n", 3,
	  "Opening and ending tag mismatch: isakmp line 2 and gdoi" },
	{ "not XML", "hello\n", 1, "Start tag expected" },
	{ "unclosed attribute", "<gdoi>\n\n<group name=\"G\n", 4, "" },
	{ "text in a group",
	  HDR "<group name=\"G\" identity=\"1\">\n<server address=\"10.0.0.1\"/>\noops\n"
	  "</group>\n" END, 8, "text is not expected inside group" },
	{ "DOCTYPE", "<?xml version=\"1.0\"?>\n"
	  "<!DOCTYPE gdoi [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>\n<gdoi>&e;</gdoi>\n",
	  2, "a DOCTYPE is not accepted" },
	/* references */
	{ "unknown profile",
	  HDR KS("<sa-ipsec number=\"1\" profile=\"nope\" match-address=\"acl\"/>"), 6,
	  "sa-ipsec: sa-ipsec 1: unknown ipsec-profile \"nope\"" },
	{ "unknown access-list",
	  HDR KS("<sa-ipsec number=\"1\" profile=\"p\" match-address=\"nope\"/>"), 6,
	  "sa-ipsec: sa-ipsec 1: unknown access-list \"nope\"" },
	{ "unknown transform-set",
	  HDR "<ipsec-profile name=\"q\" transform-set=\"zz\"/>\n" KS(SA1), 6,
	  "ipsec-profile: unknown transform-set \"zz\"" },
	/* duplicates */
	{ "access-list twice",
	  HDR "<access-list name=\"acl\"><deny protocol=\"ip\" source=\"any\""
	  " destination=\"any\"/></access-list>\n" KS(SA1), 6,
	  "access-list: access-list \"acl\" already defined at line 3" },
	{ "transform-set twice",
	  HDR "<transform-set name=\"ts\" esp=\"esp-gcm\"/>\n" KS(SA1), 6,
	  "transform-set \"ts\" already defined at line 4" },
	{ "profile twice", HDR "<ipsec-profile name=\"p\" transform-set=\"ts\"/>\n" KS(SA1),
	  6, "ipsec-profile \"p\" already defined at line 5" },
	{ "group identity twice",
	  HDR "<group name=\"A\" identity=\"5\"><server address=\"10.0.0.1\"/></group>\n"
	  "<group name=\"B\" identity=\"5\"><server address=\"10.0.0.1\"/></group>\n" END,
	  7, "group: group B: identity 5 already used by group A (line 6)" },
	{ "group name twice",
	  HDR "<group name=\"A\" identity=\"5\"><server address=\"10.0.0.1\"/></group>\n"
	  "<group name=\"A\" identity=\"6\"><server address=\"10.0.0.1\"/></group>\n" END,
	  7, "group A already defined at line 6" },
	{ "sa-ipsec twice", HDR KS(SA1 SA1), 6, "sa-ipsec 1 given twice in group G" },
	{ "priority twice",
	  "<gdoi>\n<isakmp>\n" POL("1", "pre-share") "\n" POL("1", "pre-share")
	  "\n<key address=\"0.0.0.0/0\" secret=\"x\"/></isakmp>\n" GM END,
	  4, "policy: priority 1 already used at line 3" },
	{ "key twice",
	  "<gdoi>\n<isakmp>" POL("1", "pre-share") "\n<key address=\"10.0.0.0/8\" secret=\"x\"/>\n"
	  "<key address=\"10.0.0.0\" mask=\"255.0.0.0\" secret=\"y\"/></isakmp>\n" GM END,
	  4, "key: a key for 10.0.0.0 was already given at line 3" },
	{ "server twice",
	  HDR "<group name=\"G\" identity=\"1\">\n<server address=\"10.0.0.1\"/>\n"
	  "<server address=\"10.0.0.1\"/></group>\n" END,
	  8, "server: 10.0.0.1 listed twice in group G" },
	/* addresses and prefixes */
	{ "host bits beyond prefix",
	  HDR "<access-list name=\"b\"><permit protocol=\"ip\" source=\"10.1.1.0/16\""
	  " destination=\"any\"/></access-list>\n" KS(SA1), 6,
	  "permit: source \"10.1.1.0/16\" has host bits set beyond the prefix length" },
	{ "prefix length above 32",
	  HDR KS(SA1 "<authorization><address prefix=\"10.0.0.0/33\"/></authorization>"), 6,
	  "address: prefix \"10.0.0.0/33\" has a prefix length above 32" },
	{ "bad address",
	  HDR "<group name=\"G\" identity=\"1\"><server address=\"10.0.0.256\"/></group>\n" END,
	  6, "server: address \"10.0.0.256\" is not an IPv4 or IPv6 address" },
	{ "bad wildcard",
	  HDR "<access-list name=\"b\"><permit protocol=\"ip\" source=\"10.0.0.0 0.255.0.255\""
	  " destination=\"any\"/></access-list>\n" KS(SA1), 6,
	  "wildcard mask that is not contiguous" },
	{ "bad netmask",
	  "<gdoi>\n<isakmp>" POL("1", "pre-share")
	  "\n<key address=\"10.0.0.0\" mask=\"255.0.255.0\" secret=\"y\"/></isakmp>\n" GM END,
	  3, "key: mask \"255.0.255.0\" is not a contiguous IPv4 netmask" },
	{ "mixed families",
	  HDR "<access-list name=\"b\"><permit protocol=\"ip\" source=\"10.0.0.0/8\""
	  " destination=\"2001:db8::/32\"/></access-list>\n" KS(SA1), 6,
	  "source and destination are of different address families" },
	{ "rekey address not multicast",
	  HDR KS(SA1 "<rekey address=\"10.0.0.1\" authentication-key=\"/k\"/>"), 6,
	  "rekey: address 10.0.0.1 is not a multicast group" },
	/* transforms */
	{ "GCM with hmac",
	  HDR "<transform-set name=\"g\" esp=\"esp-gcm\" hmac=\"esp-sha-hmac\"/>\n" KS(SA1), 6,
	  "transform-set: esp-gcm takes no hmac" },
	{ "CBC without hmac", HDR "<transform-set name=\"g\" esp=\"esp-aes\"/>\n" KS(SA1), 6,
	  "transform-set: esp-aes needs an hmac" },
	{ "esp key length 192",
	  HDR "<transform-set name=\"g\" esp=\"esp-gcm\" key-length=\"192\"/>\n" KS(SA1), 6,
	  "key-length 192: esp takes 128 or 256" },
	{ "3des with key length",
	  "<gdoi>\n<isakmp>\n<policy priority=\"1\" encryption=\"3des\" key-length=\"128\""
	  " hash=\"sha\" authentication=\"pre-share\" group=\"14\"/>"
	  "<key address=\"0.0.0.0/0\" secret=\"x\"/></isakmp>\n" GM END,
	  3, "policy: key-length is for aes only" },
	/* group kinds */
	{ "neither server kind", HDR "<group name=\"G\" identity=\"1\"/>\n" END, 6,
	  "group: group G has neither server-local (key server) nor server" },
	{ "both server kinds",
	  HDR "<group name=\"G\" identity=\"1\"><server address=\"10.0.0.1\"/>"
	  "<server-local>" SA1 "</server-local></group>\n" END,
	  6, "group G has both server-local and server" },
	{ "two server-local",
	  HDR "<group name=\"G\" identity=\"1\"><server-local>" SA1 "</server-local>"
	  "<server-local>" SA1 "</server-local></group>\n" END,
	  6, "group G has more than one server-local" },
	{ "KS group without sa-ipsec", HDR KS(RK), 6,
	  "server-local: group G: at least one sa-ipsec is needed" },
	{ "sender-id-request on a KS group",
	  HDR "<group name=\"G\" identity=\"1\" sender-id-request=\"true\"><server-local>" SA1
	  "</server-local></group>\n" END,
	  6, "sender-id-request is for group members" },
	/* ranges */
	{ "TEK lifetime too short",
	  HDR "<ipsec-profile name=\"q\" transform-set=\"ts\" lifetime=\"60\"/>\n" KS(SA1), 6,
	  "ipsec-profile: lifetime 60 out of range 120..2592000" },
	{ "rekey lifetime too short",
	  HDR KS(SA1 "<rekey lifetime=\"299\" authentication-key=\"/k\"/>"), 6,
	  "rekey: lifetime 299 out of range 300..2592000" },
	{ "rekey lifetime below retransmissions",
	  HDR KS(SA1 "<rekey lifetime=\"400\" retransmit-interval=\"60\""
	  " retransmit-number=\"10\" authentication-key=\"/k\"/>"), 6,
	  "rekey: lifetime 400 must exceed 200 + retransmit-number * retransmit-interval (800)" },
	{ "retransmit interval", HDR KS(SA1 "<rekey retransmit-interval=\"0\""
	  " authentication-key=\"/k\"/>"), 6, "retransmit-interval 0 out of range 1..60" },
	{ "isakmp lifetime",
	  "<gdoi>\n<isakmp><policy priority=\"1\" encryption=\"aes\" hash=\"sha\""
	  " authentication=\"pre-share\" group=\"14\" lifetime=\"86401\"/></isakmp>\n" GM END,
	  2, "policy: lifetime 86401 out of range 60..86400" },
	{ "number too large", HDR KS("<sa-ipsec number=\"99999999999\" profile=\"p\""
	  " match-address=\"acl\"/>"), 6,
	  "does not match the schema: Type unsignedInt doesn't allow value '99999999999'" },
	{ "control-group unknown",
	  "<gdoi>\n<daemon control-group=\"no-such-group-gdoi\"/>\n<isakmp>" POL("1", "pre-share")
	  "<key address=\"0.0.0.0/0\" secret=\"x\"/></isakmp>\n" GM END, 2,
	  "daemon: control-group: no group no-such-group-gdoi on this system" },
	{ "ttl out of range",
	  HDR KS(SA1 "<rekey address=\"239.1.1.1\" ttl=\"0\" authentication-key=\"/k\"/>"), 6,
	  "rekey: ttl 0 out of range 1..255" },
	{ "kek-rekey keyword",
	  HDR KS(SA1 "<rekey kek-rekey=\"never\" authentication-key=\"/k\"/>"), 6,
	  "does not match the schema" },
	/* combinations */
	{ "ttl without a multicast address",
	  HDR KS(SA1 "<rekey ttl=\"4\" authentication-key=\"/k\"/>"), 6,
	  "rekey: ttl is for multicast rekeys (give the address)" },
	{ "kek-reregistration on a key server",
	  HDR "<group name=\"G\" identity=\"1\" kek-reregistration=\"naive\"><server-local>"
	  SA1 "</server-local></group>\n</gdoi>\n", 6,
	  "group G: kek-reregistration is for group members (server)" },
	{ "acknowledgement with multicast",
	  HDR KS(SA1 "<rekey address=\"239.1.1.1\" acknowledgement=\"true\""
	  " authentication-key=\"/k\"/>"), 6,
	  "rekey: acknowledgement is for unicast rekeys only" },
	{ "ports without tcp or udp",
	  HDR "<access-list name=\"b\"><permit protocol=\"ip\" source=\"any\""
	  " destination=\"any\" source-port=\"80\"/></access-list>\n" KS(SA1), 6,
	  "permit: ports need protocol tcp or udp" },
	{ "unknown protocol",
	  HDR "<access-list name=\"b\"><permit protocol=\"foo\" source=\"any\""
	  " destination=\"any\"/></access-list>\n" KS(SA1), 6,
	  "permit: protocol=\"foo\" is not one of ip, icmp" },
	{ "protocol number too large",
	  HDR "<access-list name=\"b\"><permit protocol=\"256\" source=\"any\""
	  " destination=\"any\"/></access-list>\n" KS(SA1), 6,
	  "permit: protocol 256 out of range 0..255" },
	{ "pre-share without key",
	  "<gdoi>\n<isakmp>" POL("1", "pre-share") "</isakmp>\n" GM END, 2,
	  "isakmp: a pre-share policy needs at least one key" },
	{ "rsa-sig without certificates",
	  "<gdoi>\n<isakmp>" POL("1", "rsa-sig") "</isakmp>\n" GM END, 2,
	  "isakmp: an rsa-sig policy needs certificates" },
	{ "identity dn without certificates",
	  "<gdoi>\n<isakmp>" POL("1", "pre-share") "<key address=\"0.0.0.0/0\" secret=\"x\"/>"
	  "<identity type=\"dn\"/></isakmp>\n" GM END, 2,
	  "isakmp: identity dn needs certificates" },
	{ "identity without value",
	  "<gdoi>\n<isakmp>" POL("1", "pre-share") "<key address=\"0.0.0.0/0\" secret=\"x\"/>"
	  "\n<identity type=\"fqdn\"/></isakmp>\n" GM END, 3, "identity: value is missing" },
	{ "secret too long",
	  "<gdoi>\n<isakmp>" POL("1", "pre-share") "\n<key address=\"0.0.0.0/0\" secret=\""
	  "0123456789012345678901234567890123456789012345678901234567890123"
	  "0123456789012345678901234567890123456789012345678901234567890123"
	  "0123456789012345678901234567890123456789012345678901234567890123"
	  "0123456789012345678901234567890123456789012345678901234567890123"
	  "X\"/></isakmp>\n" GM END, 3, "" },
};

START_TEST(errors)
{
	const struct bad *b = &bad[_i];
	struct gdoi_conf *c = (struct gdoi_conf *)1;
	char want[32];
	int rc;

	memset(errbuf, 'Z', sizeof(errbuf));
	rc = gdoi_conf_load_mem("t.xml", b->xml, strlen(b->xml), &c, errbuf, sizeof(errbuf));
	ck_assert_msg(rc < 0, "%s: loaded", b->what);
	ck_assert_ptr_null(c);
	snprintf(want, sizeof(want), "t.xml:%d: ", b->line);
	ck_assert_msg(strncmp(errbuf, want, strlen(want)) == 0, "%s: want \"%s...\", got \"%s\"",
	    b->what, want, errbuf);
	ck_assert_msg(strstr(errbuf, b->reason) != NULL, "%s: want \"%s\" in \"%s\"", b->what,
	    b->reason, errbuf);
	ck_assert_msg(strchr(errbuf, '\n') == NULL, "%s: newline in \"%s\"", b->what, errbuf);
}
END_TEST

START_TEST(missing_file)
{
	struct gdoi_conf *c = (struct gdoi_conf *)1;

	ck_assert_int_lt(gdoi_conf_load("/nonexistent/gdoi.xml", &c, errbuf, sizeof(errbuf)), 0);
	ck_assert_ptr_null(c);
	ck_assert_str_eq(errbuf, "/nonexistent/gdoi.xml: cannot open: No such file or directory");
	/* a directory is not a config */
	ck_assert_int_lt(gdoi_conf_load("/", &c, errbuf, sizeof(errbuf)), 0);
	ck_assert_str_eq(errbuf, "/: not a regular file");
	ck_assert_int_lt(gdoi_conf_load_mem("e.xml", "", 0, &c, errbuf, sizeof(errbuf)), 0);
	ck_assert_str_eq(errbuf, "e.xml: empty");
}
END_TEST

START_TEST(error_buffer)
{
	static const char xml[] = HDR KS(RK);
	struct gdoi_conf *c;
	char small[12];

	/* truncated, NUL-terminated */
	memset(small, 'Z', sizeof(small));
	ck_assert_int_lt(gdoi_conf_load_mem("t.xml", xml, strlen(xml), &c, small,
	    sizeof(small)), 0);
	ck_assert_str_eq(small, "t.xml:6: se");
	/* no buffer at all */
	ck_assert_int_lt(gdoi_conf_load_mem("t.xml", xml, strlen(xml), &c, NULL, 0), 0);
	ck_assert_ptr_null(c);
	/* success clears it */
	c = load_ok(HDR KS(SA1));
	ck_assert_str_eq(errbuf, "");
	gdoi_conf_free(c);
	gdoi_conf_free(NULL);
}
END_TEST

static int foreign_calls;

static void
#if LIBXML_VERSION >= 21200
foreign_handler(void *arg, const xmlError *e)
#else
foreign_handler(void *arg, xmlError *e)
#endif
{
	(void)arg;
	(void)e;
	foreign_calls++;
}

/* libxml2 writes nothing to stderr, and the caller's handler is restored. */
START_TEST(libxml2_silent)
{
	static const char *docs[] = {
		"<gdoi>\n<isakmp>\n</gdoi>\n",
		HDR KS(SA1 "<bogus/>"),
		"<?xml version=\"1.0\"?>\n<!DOCTYPE gdoi [<!ENTITY e \"x\">]>\n<gdoi>&e;</gdoi>\n",
	};
	char path[] = "/tmp/check_config_XXXXXX", buf[64];
	struct gdoi_conf *c;
	int fd, saved;
	size_t i;
	ssize_t n;

	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	unlink(path);
	fflush(stderr);
	saved = dup(2);
	ck_assert_int_ge(saved, 0);
	ck_assert_int_eq(dup2(fd, 2), 2);
	xmlSetStructuredErrorFunc(NULL, foreign_handler);
	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++)
		ck_assert_int_lt(gdoi_conf_load_mem("t.xml", docs[i], strlen(docs[i]), &c,
		    errbuf, sizeof(errbuf)), 0);
	ck_assert_ptr_eq(xmlStructuredError, foreign_handler);
	xmlSetStructuredErrorFunc(NULL, NULL);
	ck_assert_int_eq(foreign_calls, 0);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	n = pread(fd, buf, sizeof(buf), 0);
	close(fd);
	ck_assert_int_eq(n, 0);
}
END_TEST

START_TEST(schema_compiled_in)
{
	ck_assert_ptr_nonnull(strstr(gdoi_conf_schema, "<grammar"));
	ck_assert_ptr_nonnull(strstr(gdoi_conf_schema, "name=\"server-local\""));
}
END_TEST

/* ------------------------------------------------------------------ */
/* Pre-shared keys                                                      */

static void
ck_psk(const struct gdoi_conf *c, const char *addr, const char *want)
{
	const struct gdoi_conf_psk *k;
	uint8_t a[16];
	int six = strchr(addr, ':') != NULL;

	if (six)
		a6(a, addr);
	else
		a4(a, addr);
	k = gdoi_conf_psk_find(c, a, six ? 6 : 4);
	if (want == NULL) {
		ck_assert_msg(k == NULL, "%s: a key was found", addr);
		return;
	}
	ck_assert_msg(k != NULL, "%s: no key", addr);
	ck_assert_uint_eq(k->ck_secretlen, strlen(want));
	ck_assert_mem_eq(k->ck_secret, want, strlen(want));
}

START_TEST(psk_longest_prefix)
{
	struct gdoi_conf *c = load_ok(full_xml);
	struct gdoi_p1_peer peer = { .pa_port = 848 };
	uint8_t psk[8];
	size_t len;

	ck_psk(c, "192.0.2.7", "host7");
	ck_psk(c, "192.0.2.8", "net24");
	ck_psk(c, "192.0.3.8", "any4");
	ck_psk(c, "2001:db8::99", "doc6");
	ck_psk(c, "2001:db9::1", "any6");
	/* by the callback: IPv4, IPv6, IPv4-mapped IPv6 */
	peer.pa_alen = 4;
	a4(peer.pa_addr, "192.0.2.7");
	ck_assert_int_eq(gdoi_conf_psk_lookup(c, &peer, psk, sizeof(psk), &len), GDOI_OK);
	ck_assert_uint_eq(len, 5);
	ck_assert_mem_eq(psk, "host7", 5);
	peer.pa_alen = 16;
	a6(peer.pa_addr, "2001:db8::5");
	ck_assert_int_eq(gdoi_conf_psk_lookup(c, &peer, psk, sizeof(psk), &len), GDOI_OK);
	ck_assert_mem_eq(psk, "doc6", 4);
	gdoi_conf_free(c);

	/* no IPv6 keys: a mapped IPv4 peer uses the IPv4 key; too small a buffer fails */
	c = load_ok(HDR KS(SA1));
	peer.pa_alen = 16;
	a6(peer.pa_addr, "::ffff:10.1.2.3");
	ck_assert_int_eq(gdoi_conf_psk_lookup(c, &peer, psk, sizeof(psk), &len), GDOI_OK);
	ck_assert_uint_eq(len, 1);
	ck_assert_mem_eq(psk, "s", 1);
	a6(peer.pa_addr, "2001:db8::5");
	ck_assert_int_lt(gdoi_conf_psk_lookup(c, &peer, psk, sizeof(psk), &len), 0);
	peer.pa_alen = 4;
	a4(peer.pa_addr, "10.1.2.3");
	ck_assert_int_lt(gdoi_conf_psk_lookup(c, &peer, psk, 0, &len), 0);
	ck_psk(c, "10.1.2.3", "s");
	ck_psk(c, "2001:db8::1", NULL);
	gdoi_conf_free(c);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Authorization                                                        */

static int
authz(const struct gdoi_conf_group *g, uint8_t type, const void *data, size_t len,
    const char *cert_dn)
{
	struct gdoi_id id = { .id_type = type };

	id.id_data.ptr = data;
	id.id_data.len = len;
	return gdoi_conf_authorized(g, &id, cert_dn);
}

static int
authz_txt(const struct gdoi_conf_group *g, uint8_t type, const char *s)
{
	return authz(g, type, s, strlen(s), NULL);
}

/* An ID_DER_ASN1_DN of the given (C, O, CN) in that order; caller frees. */
static unsigned char *
der_dn(const char *o, const char *cn, int *len)
{
	X509_NAME *nm = X509_NAME_new();
	unsigned char *der = NULL;

	ck_assert_ptr_nonnull(nm);
	ck_assert_int_eq(X509_NAME_add_entry_by_txt(nm, "C", MBSTRING_ASC,
	    (const unsigned char *)"US", -1, -1, 0), 1);
	ck_assert_int_eq(X509_NAME_add_entry_by_txt(nm, "O", MBSTRING_UTF8,
	    (const unsigned char *)o, -1, -1, 0), 1);
	ck_assert_int_eq(X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_UTF8,
	    (const unsigned char *)cn, -1, -1, 0), 1);
	*len = i2d_X509_NAME(nm, &der);
	ck_assert_int_gt(*len, 0);
	X509_NAME_free(nm);
	return der;
}

START_TEST(authorization)
{
	struct gdoi_conf *c = load_ok(full_xml);
	const struct gdoi_conf_group *g = gdoi_conf_group_by_name(c, "KS-side");
	uint8_t a[16];
	unsigned char *der;
	int len;

	/* address prefixes, by family */
	a4(a, "192.0.2.15");
	ck_assert_int_eq(authz(g, ID_IPV4_ADDR, a, 4, NULL), 1);
	a4(a, "192.0.2.16");
	ck_assert_int_eq(authz(g, ID_IPV4_ADDR, a, 4, NULL), 0);
	ck_assert_int_eq(authz(g, ID_IPV4_ADDR_SUBNET, a, 8, NULL), 0);
	a6(a, "2001:db8:5::77");
	ck_assert_int_eq(authz(g, ID_IPV6_ADDR, a, 16, NULL), 1);
	ck_assert_int_eq(authz(g, ID_IPV4_ADDR, a, 4, NULL), 0);
	a6(a, "2001:db8:6::77");
	ck_assert_int_eq(authz(g, ID_IPV6_ADDR, a, 16, NULL), 0);
	/* FQDN without regard to case; never as another type */
	ck_assert_int_eq(authz_txt(g, ID_FQDN, "gm1.example.net"), 1);
	ck_assert_int_eq(authz_txt(g, ID_FQDN, "gm1.example.ne"), 0);
	ck_assert_int_eq(authz_txt(g, ID_FQDN, "gm1.example.net.x"), 0);
	ck_assert_int_eq(authz_txt(g, ID_KEY_ID, "gm1.example.net"), 0);
	ck_assert_int_eq(authz(g, ID_FQDN, "gm1.example.net\0", 16, NULL), 0);
	/* user FQDN: local part exact, domain without case */
	ck_assert_int_eq(authz_txt(g, ID_USER_FQDN, "Ops@EXAMPLE.NET"), 1);
	ck_assert_int_eq(authz_txt(g, ID_USER_FQDN, "ops@example.net"), 0);
	/* key id: the octets */
	ck_assert_int_eq(authz_txt(g, ID_KEY_ID, "gm3-key"), 1);
	ck_assert_int_eq(authz_txt(g, ID_KEY_ID, "GM3-KEY"), 0);
	ck_assert_int_eq(authz_txt(g, ID_KEY_ID, "gm3-ke"), 0);
	/* DN: from the certificate when given, else the DER ID */
	ck_assert_int_eq(authz_txt(g, ID_FQDN, "nobody"), 0);
	ck_assert_int_eq(authz(g, ID_FQDN, "x", 1, "CN=gm2,O=Example"), 1);
	ck_assert_int_eq(authz(g, ID_FQDN, "x", 1, " cn = GM2 ,  o=example "), 1);
	ck_assert_int_eq(authz(g, ID_FQDN, "x", 1, "CN=gm2,O=Example,C=US"), 0);
	ck_assert_int_eq(authz(g, ID_FQDN, "x", 1, "CN=gm2\\,O=Example"), 0);
	ck_assert_int_eq(authz(g, ID_FQDN, "x", 1, "CN=gm\\32,O=Example"), 1);
	der = der_dn("Example", "gm2", &len);
	/* the entry says CN=gm2,O=Example: a DN with C=US is another DN */
	ck_assert_int_eq(authz(g, ID_DER_ASN1_DN, der, (size_t)len, NULL), 0);
	OPENSSL_free(der);
	ck_assert_int_eq(authz(g, ID_DER_ASN1_DN, "\x30\x03\x31", 3, NULL), 0);
	ck_assert_int_eq(gdoi_conf_authorized(g, NULL, NULL), 0);
	gdoi_conf_free(c);

	/* DER DN text is RFC 4514 (last RDN first), UTF-8 kept, escapes equal */
	c = load_ok(HDR KS(SA1 "<authorization><dn name=\"CN=gm\\,4,O=Société,C=US\"/>"
	    "</authorization>"));
	g = &c->c_group[0];
	der = der_dn("Société", "gm,4", &len);
	ck_assert_int_eq(authz(g, ID_DER_ASN1_DN, der, (size_t)len, NULL), 1);
	ck_assert_int_eq(authz(g, ID_DER_ASN1_DN, der, (size_t)len - 1, NULL), 0);
	OPENSSL_free(der);
	der = der_dn("Société", "gm", &len);
	ck_assert_int_eq(authz(g, ID_DER_ASN1_DN, der, (size_t)len, NULL), 0);
	OPENSSL_free(der);
	ck_assert_int_eq(authz(g, ID_FQDN, "x", 1, "CN=gm\\2C4,O=Soci\\C3\\A9t\\C3\\A9,C=US"), 1);
	gdoi_conf_free(c);

	/* no entries: everyone */
	c = load_ok(HDR KS(SA1));
	g = &c->c_group[0];
	ck_assert_int_eq(authz_txt(g, ID_FQDN, "anyone"), 1);
	a4(a, "203.0.113.1");
	ck_assert_int_eq(authz(g, ID_IPV4_ADDR, a, 4, NULL), 1);
	ck_assert_int_eq(gdoi_conf_authorized(NULL, NULL, NULL), 0);
	gdoi_conf_free(c);
}
END_TEST

static Suite *
config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc;

	tc = tcase_create("examples");
	tcase_add_test(tc, example_ks);
	tcase_add_test(tc, example_gm1);
	tcase_add_test(tc, example_gm2);
	suite_add_tcase(s, tc);

	tc = tcase_create("vocabulary");
	tcase_add_test(tc, defaults);
	tcase_add_test(tc, vocabulary);
	tcase_add_test(tc, identity_address);
	tcase_add_test(tc, schema_compiled_in);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_loop_test(tc, errors, 0, (int)(sizeof(bad) / sizeof(bad[0])));
	tcase_add_test(tc, missing_file);
	tcase_add_test(tc, error_buffer);
	tcase_add_test(tc, libxml2_silent);
	suite_add_tcase(s, tc);

	tc = tcase_create("psk");
	tcase_add_test(tc, psk_longest_prefix);
	suite_add_tcase(s, tc);

	tc = tcase_create("authorization");
	tcase_add_test(tc, authorization);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(config_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
