/*
 * check_gm_dp: which SAs the group member wants in the kernel, over a
 * TEK rekey (gm_dp_plan): the new TEK inbound at once, outbound only
 * outbound-switch seconds before the old one expires, the old one
 * inbound until it expires; a GCM TEK receive-only; SA direction.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "gm.h"
#include "gm_dp.h"

static struct gm m;
static struct gdoi_conf conf;
static struct gm_group g;

static void
tek_set(struct gdoi_tek *t, uint32_t spi, uint64_t expiry_s, uint8_t esp)
{
	memset(t, 0, sizeof(*t));
	t->tek_spi = spi;
	t->tek_expiry_ms = expiry_s * 1000;
	t->tek_x.tx_esp = esp;
	t->tek_x.tx_keybits = 128;
	t->tek_x.tx_auth = esp == ESP_T_AES_CBC ? IPSEC_AUTH_HMAC_SHA256 : 0;
	t->tek_dir = GDOI_DIR_SYMMETRIC;
	t->tek_addr_pres = GDOI_AP_SRC_DST;
	t->tek_acl_first = 0;
	t->tek_acl_n = 1;
}

static void
setup(void)
{
	memset(&m, 0, sizeof(m));
	memset(&conf, 0, sizeof(conf));
	memset(&g, 0, sizeof(g));
	conf.c_dp.dp_on = 1;
	conf.c_dp.dp_switch_s = 30;
	m.m_conf = &conf;
	snprintf(g.g_name, sizeof(g.g_name), "G1");
	g.g_has_pol = 1;
	g.g_pol.gp_ntek = 1;
	g.g_pol.gp_nacl = 1;
	/* new TEK B (expires at 1000 s); the replaced A expires at 200 s */
	tek_set(&g.g_pol.gp_tek[0], 0xB, 1000, ESP_T_AES_CBC);
	tek_set(&g.g_prev[0], 0xA, 200, ESP_T_AES_CBC);
	g.g_nprev = 1;
}

/* The plan at now_s as "in:SPI out:SPI ..." */
static const char *
plan(uint64_t now_s)
{
	static char buf[256];
	uint32_t spi[16];
	uint8_t out[16];
	size_t n, i, off = 0;

	n = gm_dp_plan(&m, &g, now_s * 1000, spi, out, 16);
	buf[0] = '\0';
	for (i = 0; i < n && i < 16; i++)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s%s:%X", i ? " " : "",
		    out[i] ? "out" : "in", spi[i]);
	return buf;
}

START_TEST(overlap_switch)
{
	/* right after the rekey: B in at once, A still out, A in */
	ck_assert_str_eq(plan(100), "in:B out:A in:A");
	/* the switch moment: 30 s before A expires */
	ck_assert_str_eq(plan(169), "in:B out:A in:A");
	ck_assert_str_eq(plan(170), "in:B out:B in:A");
	/* A expired: gone both ways */
	ck_assert_str_eq(plan(200), "in:B out:B");
	/* B expired without a rekey: nothing */
	ck_assert_str_eq(plan(1000), "");
}
END_TEST

START_TEST(overlap_late_rekey)
{
	/* the rekey came after the switch moment: outbound moves at once */
	ck_assert_str_eq(plan(185), "in:B out:B in:A");
}
END_TEST

START_TEST(switch_zero)
{
	conf.c_dp.dp_switch_s = 0;
	ck_assert_str_eq(plan(199), "in:B out:A in:A");
	ck_assert_str_eq(plan(200), "in:B out:B");
}
END_TEST

START_TEST(gcm_receive_only)
{
	tek_set(&g.g_pol.gp_tek[0], 0xC, 1000, ESP_T_AES_GCM_16);
	g.g_nprev = 0;
	ck_assert_str_eq(plan(100), "in:C");
	/* CBC old TEK, GCM new one: out stays on A, then nothing is sent */
	tek_set(&g.g_prev[0], 0xA, 200, ESP_T_AES_CBC);
	g.g_nprev = 1;
	ck_assert_str_eq(plan(100), "in:C out:A in:A");
	ck_assert_str_eq(plan(170), "in:C in:A");
}
END_TEST

START_TEST(direction)
{
	g.g_nprev = 0;
	g.g_pol.gp_tek[0].tek_dir = GDOI_DIR_RECEIVER;
	ck_assert_str_eq(plan(100), "in:B");
	g.g_pol.gp_tek[0].tek_dir = GDOI_DIR_SENDER;
	ck_assert_str_eq(plan(100), "out:B");
}
END_TEST

START_TEST(two_slots)
{
	/* a second TEK on another ACL entry: its own outbound, not A's */
	g.g_pol.gp_ntek = 2;
	g.g_pol.gp_nacl = 2;
	tek_set(&g.g_pol.gp_tek[1], 0xD, 900, ESP_T_AES_CBC);
	g.g_pol.gp_tek[1].tek_acl_first = 1;
	ck_assert_str_eq(plan(100), "in:B out:A in:D out:D in:A");
	g.g_has_pol = 0;
	ck_assert_str_eq(plan(100), "");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("gm_dp");
	TCase *tc = tcase_create("plan");
	SRunner *sr;
	int nf;

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, overlap_switch);
	tcase_add_test(tc, overlap_late_rekey);
	tcase_add_test(tc, switch_zero);
	tcase_add_test(tc, gcm_receive_only);
	tcase_add_test(tc, direction);
	tcase_add_test(tc, two_slots);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
