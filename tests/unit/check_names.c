/*
 * Unit tests: wire-number names (gdoi/names.h).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "gdoi/err.h"
#include "gdoi/names.h"

static void
name_is(enum gdoi_ns ns, unsigned v, const char *want)
{
	const char *got = gdoi_name(ns, v);

	ck_assert_msg(got != NULL, "ns %s value %u has no name", gdoi_ns_name(ns), v);
	ck_assert_str_eq(got, want);
}

/* ------------------------------------------------------------------ */
/* Known pairs                                                         */

START_TEST(known_payloads)
{
	name_is(GDOI_NS_PAYLOAD, 1, "Security Association");
	name_is(GDOI_NS_PAYLOAD, 8, "Hash");
	name_is(GDOI_NS_PAYLOAD, 15, "SA KEK");
	name_is(GDOI_NS_PAYLOAD, 16, "SA TEK");
	name_is(GDOI_NS_PAYLOAD, 17, "Key Download");
	name_is(GDOI_NS_PAYLOAD, 18, "Sequence Number");
	name_is(GDOI_NS_PAYLOAD, 22, "Group Associated Policy");
	ck_assert_int_eq(GDOI_PL_SAK, 15);
	ck_assert_int_eq(GDOI_PL_SAT, 16);
	ck_assert_int_eq(GDOI_PL_KD, 17);
	ck_assert_int_eq(GDOI_PL_SEQ, 18);
	ck_assert_int_eq(GDOI_PL_GAP, 22);
}
END_TEST

START_TEST(known_exchanges)
{
	name_is(GDOI_NS_EXCHANGE, 2, "Identity Protection (Main Mode)");
	name_is(GDOI_NS_EXCHANGE, 5, "Informational");
	name_is(GDOI_NS_EXCHANGE, 32, "GROUPKEY-PULL");
	name_is(GDOI_NS_EXCHANGE, 33, "GROUPKEY-PUSH");
	ck_assert_int_eq(GDOI_EX_PULL, 32);
	ck_assert_int_eq(GDOI_EX_PUSH, 33);
}
END_TEST

START_TEST(known_notifies)
{
	name_is(GDOI_NS_NOTIFY, 14, "NO-PROPOSAL-CHOSEN");
	name_is(GDOI_NS_NOTIFY, 18, "INVALID-ID-INFORMATION");
	name_is(GDOI_NS_NOTIFY, 23, "INVALID-HASH-INFORMATION");
	name_is(GDOI_NS_NOTIFY, 24, "AUTHENTICATION-FAILED");
	name_is(GDOI_NS_NOTIFY, 25, "INVALID-SIGNATURE");
	name_is(GDOI_NS_NOTIFY, 24578, "INITIAL-CONTACT");
}
END_TEST

START_TEST(known_gdoi_numbers)
{
	name_is(GDOI_NS_KD_TYPE, 1, "TEK");
	name_is(GDOI_NS_KD_TYPE, 2, "KEK");
	name_is(GDOI_NS_KD_TYPE, 3, "LKH");
	name_is(GDOI_NS_KD_TYPE, 4, "SID");
	/* SIG_HASH uses its own numbering: SHA256 is 3 (the IKE value is 4) */
	name_is(GDOI_NS_SIG_HASH, 3, "SIG_HASH_SHA256");
	name_is(GDOI_NS_IKE_HASH, 4, "SHA2-256");
	name_is(GDOI_NS_KEK_ALG, 3, "KEK_ALG_AES");
	name_is(GDOI_NS_KEK_ATTR, 5, "SIG_HASH_ALGORITHM");
	name_is(GDOI_NS_TEK_KEY_ATTR, 1, "TEK_ALGORITHM_KEY");
	name_is(GDOI_NS_KEK_KEY_ATTR, 2, "SIG_ALGORITHM_KEY");
	name_is(GDOI_NS_SID_ATTR, 1, "NUMBER_OF_SID_BITS");
	name_is(GDOI_NS_GAP_ATTR, 1, "ACTIVATION_TIME_DELAY");
	name_is(GDOI_NS_TEK_PROTO, 1, "GDOI_PROTO_IPSEC_ESP");
	name_is(GDOI_NS_TEK_PROTO, 2, "GDOI_PROTO_IPSEC_AH");
	name_is(GDOI_NS_DOI, 2, "GDOI");
}
END_TEST

START_TEST(known_ipsec_numbers)
{
	name_is(GDOI_NS_ESP_TRANSFORM, 3, "ESP_3DES");
	name_is(GDOI_NS_ESP_TRANSFORM, 12, "ESP_AES-CBC");
	name_is(GDOI_NS_ESP_TRANSFORM, 20, "ESP_AES-GCM_16");
	name_is(GDOI_NS_ID_TYPE, 1, "ID_IPV4_ADDR");
	name_is(GDOI_NS_ID_TYPE, 4, "ID_IPV4_ADDR_SUBNET");
	name_is(GDOI_NS_ID_TYPE, 11, "ID_KEY_ID");
	name_is(GDOI_NS_IPSEC_ATTR, 14, "Address-Preservation");
	name_is(GDOI_NS_IPSEC_ATTR, 15, "SA-Direction");
	name_is(GDOI_NS_ADDR_PRESERVATION, 4, "Source-and-Destination");
	name_is(GDOI_NS_SA_DIRECTION, 3, "Symmetric");
	name_is(GDOI_NS_IKE_ENC, 7, "AES-CBC");
	name_is(GDOI_NS_IKE_AUTH, 1, "Pre-Shared Key");
	name_is(GDOI_NS_IKE_GROUP, 14, "2048-bit MODP group");
	name_is(GDOI_NS_PROTO, 3, "PROTO_IPSEC_ESP");
}
END_TEST

/* ------------------------------------------------------------------ */
/* Unknown values                                                      */

START_TEST(unknown_values)
{
	char buf[32];
	const char *s;

	ck_assert_ptr_null(gdoi_name(GDOI_NS_PAYLOAD, 14));
	ck_assert_ptr_null(gdoi_name(GDOI_NS_PAYLOAD, 200));
	ck_assert_ptr_null(gdoi_name(GDOI_NS_EXCHANGE, 34));
	ck_assert_ptr_null(gdoi_name(GDOI_NS_NOTIFY, 0));
	ck_assert_ptr_null(gdoi_name(GDOI_NS_KD_TYPE, 5));
	ck_assert_ptr_null(gdoi_name(GDOI_NS_SIG_HASH, 0));
	ck_assert_ptr_null(gdoi_name(GDOI_NS_ID_TYPE, 12));
	ck_assert_ptr_null(gdoi_name(GDOI_NS_ESP_TRANSFORM, 17));
	ck_assert_ptr_null(gdoi_name(GDOI_NS_PAYLOAD, 0xffffffffu));

	s = gdoi_name_buf(GDOI_NS_PAYLOAD, 200, buf, sizeof(buf));
	ck_assert_str_eq(s, "Unknown (200)");
	s = gdoi_name_buf(GDOI_NS_NOTIFY, 65535, buf, sizeof(buf));
	ck_assert_str_eq(s, "Unknown (65535)");
	s = gdoi_name_buf(GDOI_NS_KD_TYPE, 0, buf, sizeof(buf));
	ck_assert_str_eq(s, "Unknown (0)");
	/* known values give the name, not the buffer text */
	s = gdoi_name_buf(GDOI_NS_PAYLOAD, 17, buf, sizeof(buf));
	ck_assert_str_eq(s, "Key Download");
	/* a short buffer is never overrun and stays terminated */
	memset(buf, 'z', sizeof(buf));
	s = gdoi_name_buf(GDOI_NS_PAYLOAD, 123456, buf, 6);
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_le(strlen(s), 5);
	ck_assert_int_eq(buf[6], 'z');
}
END_TEST

/* ------------------------------------------------------------------ */
/* Reverse lookup                                                      */

START_TEST(reverse_lookup)
{
	unsigned v = 0;

	ck_assert_int_eq(gdoi_name_value(GDOI_NS_PAYLOAD, "SA KEK", &v), GDOI_OK);
	ck_assert_uint_eq(v, 15);
	v = 0;
	ck_assert_int_eq(gdoi_name_value(GDOI_NS_PAYLOAD, "sa tek", &v), GDOI_OK);
	ck_assert_uint_eq(v, 16);
	ck_assert_int_eq(gdoi_name_value(GDOI_NS_PAYLOAD, "KEY DOWNLOAD", &v), GDOI_OK);
	ck_assert_uint_eq(v, 17);
	ck_assert_int_eq(gdoi_name_value(GDOI_NS_EXCHANGE, "groupkey-pull", &v), GDOI_OK);
	ck_assert_uint_eq(v, 32);
	ck_assert_int_eq(gdoi_name_value(GDOI_NS_EXCHANGE, "GroupKey-Push", &v), GDOI_OK);
	ck_assert_uint_eq(v, 33);
	ck_assert_int_eq(gdoi_name_value(GDOI_NS_NOTIFY, "initial-contact", &v), GDOI_OK);
	ck_assert_uint_eq(v, 24578);
	ck_assert_int_eq(gdoi_name_value(GDOI_NS_SIG_HASH, "sig_hash_sha256", &v), GDOI_OK);
	ck_assert_uint_eq(v, 3);
	ck_assert_int_eq(gdoi_name_value(GDOI_NS_ESP_TRANSFORM, "esp_aes-cbc", &v), GDOI_OK);
	ck_assert_uint_eq(v, 12);

	/* unknown names, names from another space, prefixes */
	v = 777;
	ck_assert_int_eq(gdoi_name_value(GDOI_NS_PAYLOAD, "no such payload", &v), GDOI_E_INVAL);
	ck_assert_uint_eq(v, 777);
	ck_assert_int_eq(gdoi_name_value(GDOI_NS_PAYLOAD, "GROUPKEY-PULL", &v), GDOI_E_INVAL);
	ck_assert_int_eq(gdoi_name_value(GDOI_NS_PAYLOAD, "SA", &v), GDOI_E_INVAL);
	ck_assert_int_eq(gdoi_name_value(GDOI_NS_PAYLOAD, "", &v), GDOI_E_INVAL);
	ck_assert_int_eq(gdoi_name_value(GDOI_NS_PAYLOAD, "SA KEK ", &v), GDOI_E_INVAL);
	ck_assert_uint_eq(v, 777);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Every name space against the tables of wire.h                        */

struct tab_row {
	unsigned v;
	const char *name;
};

#define ROW(sym, val, name) { (val), (name) },
#define TABDEF(id, X) static const struct tab_row id[] = { X(ROW) };
TABDEF(r_payload, GDOI_TAB_PAYLOAD)
TABDEF(r_exchange, GDOI_TAB_EXCHANGE)
TABDEF(r_doi, GDOI_TAB_DOI)
TABDEF(r_proto, GDOI_TAB_PROTO)
TABDEF(r_tek_proto, GDOI_TAB_TEK_PROTO)
TABDEF(r_ike_transform, GDOI_TAB_IKE_TRANSFORM)
TABDEF(r_ike_attr, GDOI_TAB_IKE_ATTR)
TABDEF(r_ike_enc, GDOI_TAB_IKE_ENC)
TABDEF(r_ike_hash, GDOI_TAB_IKE_HASH)
TABDEF(r_ike_auth, GDOI_TAB_IKE_AUTH)
TABDEF(r_ike_group, GDOI_TAB_IKE_GROUP)
TABDEF(r_life_type, GDOI_TAB_LIFE_TYPE)
TABDEF(r_ipsec_attr, GDOI_TAB_IPSEC_ATTR)
TABDEF(r_encap, GDOI_TAB_ENCAP)
TABDEF(r_ipsec_auth, GDOI_TAB_IPSEC_AUTH)
TABDEF(r_esp_transform, GDOI_TAB_ESP_TRANSFORM)
TABDEF(r_ah_transform, GDOI_TAB_AH_TRANSFORM)
TABDEF(r_addr_pres, GDOI_TAB_ADDR_PRESERVATION)
TABDEF(r_sa_dir, GDOI_TAB_SA_DIRECTION)
TABDEF(r_kek_attr, GDOI_TAB_KEK_ATTR)
TABDEF(r_kek_mgmt, GDOI_TAB_KEK_MGMT)
TABDEF(r_kek_alg, GDOI_TAB_KEK_ALG)
TABDEF(r_sig_hash, GDOI_TAB_SIG_HASH)
TABDEF(r_sig_alg, GDOI_TAB_SIG_ALG)
TABDEF(r_gap_attr, GDOI_TAB_GAP_ATTR)
TABDEF(r_kd_type, GDOI_TAB_KD_TYPE)
TABDEF(r_tek_key_attr, GDOI_TAB_TEK_KEY_ATTR)
TABDEF(r_kek_key_attr, GDOI_TAB_KEK_KEY_ATTR)
TABDEF(r_lkh_attr, GDOI_TAB_LKH_ATTR)
TABDEF(r_sid_attr, GDOI_TAB_SID_ATTR)
TABDEF(r_notify, GDOI_TAB_NOTIFY)
TABDEF(r_id_type, GDOI_TAB_ID_TYPE)
TABDEF(r_cert_enc, GDOI_TAB_CERT_ENC)
#undef TABDEF
#undef ROW

#define T(tab) { tab, sizeof(tab) / sizeof(tab[0]) }
static const struct {
	const struct tab_row *t;
	size_t n;
} wire_tabs[GDOI_NS__COUNT] = {
	[GDOI_NS_PAYLOAD] = T(r_payload),
	[GDOI_NS_EXCHANGE] = T(r_exchange),
	[GDOI_NS_DOI] = T(r_doi),
	[GDOI_NS_PROTO] = T(r_proto),
	[GDOI_NS_TEK_PROTO] = T(r_tek_proto),
	[GDOI_NS_IKE_TRANSFORM] = T(r_ike_transform),
	[GDOI_NS_IKE_ATTR] = T(r_ike_attr),
	[GDOI_NS_IKE_ENC] = T(r_ike_enc),
	[GDOI_NS_IKE_HASH] = T(r_ike_hash),
	[GDOI_NS_IKE_AUTH] = T(r_ike_auth),
	[GDOI_NS_IKE_GROUP] = T(r_ike_group),
	[GDOI_NS_LIFE_TYPE] = T(r_life_type),
	[GDOI_NS_IPSEC_ATTR] = T(r_ipsec_attr),
	[GDOI_NS_ENCAP] = T(r_encap),
	[GDOI_NS_IPSEC_AUTH] = T(r_ipsec_auth),
	[GDOI_NS_ESP_TRANSFORM] = T(r_esp_transform),
	[GDOI_NS_AH_TRANSFORM] = T(r_ah_transform),
	[GDOI_NS_ADDR_PRESERVATION] = T(r_addr_pres),
	[GDOI_NS_SA_DIRECTION] = T(r_sa_dir),
	[GDOI_NS_KEK_ATTR] = T(r_kek_attr),
	[GDOI_NS_KEK_MGMT] = T(r_kek_mgmt),
	[GDOI_NS_KEK_ALG] = T(r_kek_alg),
	[GDOI_NS_SIG_HASH] = T(r_sig_hash),
	[GDOI_NS_SIG_ALG] = T(r_sig_alg),
	[GDOI_NS_GAP_ATTR] = T(r_gap_attr),
	[GDOI_NS_KD_TYPE] = T(r_kd_type),
	[GDOI_NS_TEK_KEY_ATTR] = T(r_tek_key_attr),
	[GDOI_NS_KEK_KEY_ATTR] = T(r_kek_key_attr),
	[GDOI_NS_LKH_ATTR] = T(r_lkh_attr),
	[GDOI_NS_SID_ATTR] = T(r_sid_attr),
	[GDOI_NS_NOTIFY] = T(r_notify),
	[GDOI_NS_ID_TYPE] = T(r_id_type),
	[GDOI_NS_CERT_ENC] = T(r_cert_enc),
};
#undef T

/* Loop test: _i is the name space. */
START_TEST(ns_consistent)
{
	enum gdoi_ns ns = (enum gdoi_ns)_i;
	size_t n = gdoi_ns_count(ns), i, j;
	const char *label = gdoi_ns_name(ns);

	ck_assert_ptr_nonnull(wire_tabs[ns].t);
	ck_assert_ptr_nonnull(label);
	ck_assert_uint_gt(strlen(label), 0);
	ck_assert_uint_gt(n, 0);
	ck_assert_uint_eq(n, wire_tabs[ns].n);

	for (i = 0; i < n; i++) {
		unsigned v = 0, back = 0;
		const char *name = NULL;

		ck_assert_int_eq(gdoi_ns_entry(ns, i, &v, &name), GDOI_OK);
		ck_assert_ptr_nonnull(name);
		ck_assert_uint_gt(strlen(name), 0);
		/* the entry is the one wire.h declares, in table order */
		ck_assert_uint_eq(v, wire_tabs[ns].t[i].v);
		ck_assert_str_eq(name, wire_tabs[ns].t[i].name);
		/* forward and reverse lookup agree */
		ck_assert_str_eq(gdoi_name(ns, v), name);
		ck_assert_int_eq(gdoi_name_value(ns, name, &back), GDOI_OK);
		ck_assert_uint_eq(back, v);
		/* no value and no name twice within one name space */
		for (j = 0; j < i; j++) {
			ck_assert_msg(wire_tabs[ns].t[j].v != v, "%s: value %u twice", label, v);
			ck_assert_msg(strcmp(wire_tabs[ns].t[j].name, name) != 0, "%s: name %s twice",
			    label, name);
		}
	}
	ck_assert_int_eq(gdoi_ns_entry(ns, n, NULL, NULL), GDOI_E_INVAL);
	/* labels of different name spaces differ */
	for (j = 0; j < (size_t)ns; j++)
		ck_assert_str_ne(gdoi_ns_name((enum gdoi_ns)j), label);
}
END_TEST

START_TEST(ns_out_of_range)
{
	unsigned v;

	ck_assert_ptr_null(gdoi_name(GDOI_NS__COUNT, 1));
	ck_assert_uint_eq(gdoi_ns_count(GDOI_NS__COUNT), 0);
	ck_assert_ptr_nonnull(gdoi_ns_name(GDOI_NS__COUNT));
	ck_assert_int_eq(gdoi_ns_entry(GDOI_NS__COUNT, 0, &v, NULL), GDOI_E_INVAL);
	ck_assert_int_eq(gdoi_name_value(GDOI_NS__COUNT, "SA KEK", &v), GDOI_E_INVAL);
	ck_assert_str_eq(gdoi_ns_name(GDOI_NS_PAYLOAD), "payload");
}
END_TEST

/* ------------------------------------------------------------------ */
/* Attribute value name spaces                                          */

START_TEST(attr_value_ns)
{
	/* Phase 1 (RFC 2409 appendix A) */
	ck_assert_int_eq(gdoi_attr_value_ns(GDOI_NS_IKE_ATTR, IKE_ATTR_ENC), GDOI_NS_IKE_ENC);
	ck_assert_int_eq(gdoi_attr_value_ns(GDOI_NS_IKE_ATTR, IKE_ATTR_HASH), GDOI_NS_IKE_HASH);
	ck_assert_int_eq(gdoi_attr_value_ns(GDOI_NS_IKE_ATTR, IKE_ATTR_AUTH), GDOI_NS_IKE_AUTH);
	ck_assert_int_eq(gdoi_attr_value_ns(GDOI_NS_IKE_ATTR, IKE_ATTR_GROUP), GDOI_NS_IKE_GROUP);
	ck_assert_int_eq(gdoi_attr_value_ns(GDOI_NS_IKE_ATTR, IKE_ATTR_LIFE_TYPE), GDOI_NS_LIFE_TYPE);
	ck_assert_int_eq(gdoi_attr_value_ns(GDOI_NS_IKE_ATTR, IKE_ATTR_LIFE_DURATION), GDOI_NS__COUNT);
	ck_assert_int_eq(gdoi_attr_value_ns(GDOI_NS_IKE_ATTR, IKE_ATTR_KEY_LENGTH), GDOI_NS__COUNT);
	/* IPsec DOI, as used in the SA TEK */
	ck_assert_int_eq(gdoi_attr_value_ns(GDOI_NS_IPSEC_ATTR, IPSEC_ATTR_LIFE_TYPE), GDOI_NS_LIFE_TYPE);
	ck_assert_int_eq(gdoi_attr_value_ns(GDOI_NS_IPSEC_ATTR, IPSEC_ATTR_ENCAP_MODE), GDOI_NS_ENCAP);
	ck_assert_int_eq(gdoi_attr_value_ns(GDOI_NS_IPSEC_ATTR, IPSEC_ATTR_AUTH_ALG), GDOI_NS_IPSEC_AUTH);
	ck_assert_int_eq(gdoi_attr_value_ns(GDOI_NS_IPSEC_ATTR, IPSEC_ATTR_ADDR_PRESERVATION),
	    GDOI_NS_ADDR_PRESERVATION);
	ck_assert_int_eq(gdoi_attr_value_ns(GDOI_NS_IPSEC_ATTR, IPSEC_ATTR_SA_DIRECTION),
	    GDOI_NS_SA_DIRECTION);
	ck_assert_int_eq(gdoi_attr_value_ns(GDOI_NS_IPSEC_ATTR, IPSEC_ATTR_KEY_LENGTH), GDOI_NS__COUNT);
	ck_assert_int_eq(gdoi_attr_value_ns(GDOI_NS_IPSEC_ATTR, IPSEC_ATTR_LIFE_DURATION), GDOI_NS__COUNT);
	/* SA KEK (RFC 6407 5.3) */
	ck_assert_int_eq(gdoi_attr_value_ns(GDOI_NS_KEK_ATTR, KEK_ATTR_MANAGEMENT_ALGORITHM),
	    GDOI_NS_KEK_MGMT);
	ck_assert_int_eq(gdoi_attr_value_ns(GDOI_NS_KEK_ATTR, KEK_ATTR_ALGORITHM), GDOI_NS_KEK_ALG);
	ck_assert_int_eq(gdoi_attr_value_ns(GDOI_NS_KEK_ATTR, KEK_ATTR_SIG_HASH_ALGORITHM),
	    GDOI_NS_SIG_HASH);
	ck_assert_int_eq(gdoi_attr_value_ns(GDOI_NS_KEK_ATTR, KEK_ATTR_SIG_ALGORITHM), GDOI_NS_SIG_ALG);
	ck_assert_int_eq(gdoi_attr_value_ns(GDOI_NS_KEK_ATTR, KEK_ATTR_KEY_LENGTH), GDOI_NS__COUNT);
	ck_assert_int_eq(gdoi_attr_value_ns(GDOI_NS_KEK_ATTR, KEK_ATTR_KEY_LIFETIME), GDOI_NS__COUNT);
	/* name spaces that are not attribute spaces, and unknown types */
	ck_assert_int_eq(gdoi_attr_value_ns(GDOI_NS_PAYLOAD, 1), GDOI_NS__COUNT);
	ck_assert_int_eq(gdoi_attr_value_ns(GDOI_NS_GAP_ATTR, GAP_ATTR_ACTIVATION_TIME_DELAY),
	    GDOI_NS__COUNT);
	ck_assert_int_eq(gdoi_attr_value_ns(GDOI_NS_IKE_ATTR, 0x7fff), GDOI_NS__COUNT);
}
END_TEST

START_TEST(attr_ns_for_keypkt)
{
	ck_assert_int_eq(gdoi_attr_ns_for_keypkt(KD_TYPE_TEK), GDOI_NS_TEK_KEY_ATTR);
	ck_assert_int_eq(gdoi_attr_ns_for_keypkt(KD_TYPE_KEK), GDOI_NS_KEK_KEY_ATTR);
	ck_assert_int_eq(gdoi_attr_ns_for_keypkt(KD_TYPE_LKH), GDOI_NS_LKH_ATTR);
	ck_assert_int_eq(gdoi_attr_ns_for_keypkt(KD_TYPE_SID), GDOI_NS_SID_ATTR);
	ck_assert_int_eq(gdoi_attr_ns_for_keypkt(0), GDOI_NS__COUNT);
	ck_assert_int_eq(gdoi_attr_ns_for_keypkt(99), GDOI_NS__COUNT);
}
END_TEST

static Suite *
names_suite(void)
{
	Suite *s = suite_create("names");
	TCase *tc;

	tc = tcase_create("known");
	tcase_add_test(tc, known_payloads);
	tcase_add_test(tc, known_exchanges);
	tcase_add_test(tc, known_notifies);
	tcase_add_test(tc, known_gdoi_numbers);
	tcase_add_test(tc, known_ipsec_numbers);
	suite_add_tcase(s, tc);

	tc = tcase_create("unknown");
	tcase_add_test(tc, unknown_values);
	suite_add_tcase(s, tc);

	tc = tcase_create("reverse");
	tcase_add_test(tc, reverse_lookup);
	suite_add_tcase(s, tc);

	tc = tcase_create("namespaces");
	tcase_add_loop_test(tc, ns_consistent, 0, GDOI_NS__COUNT);
	tcase_add_test(tc, ns_out_of_range);
	suite_add_tcase(s, tc);

	tc = tcase_create("attr_ns");
	tcase_add_test(tc, attr_value_ns);
	tcase_add_test(tc, attr_ns_for_keypkt);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(names_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
