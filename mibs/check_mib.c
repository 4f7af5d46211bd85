/*
 * check_mib: GDOI-LINUX-MIB rows from fixed reply trees (gdoi_mib.c),
 * without net-snmp or snmpd.
 *
 * The fixtures are built with the same keys as ks_show.c ("show crypto
 * gdoi ks members") and gm_show.c ("show crypto gdoi"), and go through
 * gdoi_tree_encode/decode as on the control socket.  Checked: the OID
 * of every object (against the MIB text's numbers), SNMP order (column
 * by column, tables in MIB order), GET values and types, sparse columns,
 * GETNEXT from before, inside, between and after the rows, a full walk,
 * the group indexes of several daemons (and the range kept for one that
 * did not answer), and values that do not parse.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gdoi/err.h"
#include "gdoi/tree.h"
#include "gdoi_mib.h"

/* ------------------------------------------------------------------ */
/* Fixtures                                                             */

static struct gdoi_tree *
roundtrip(struct gdoi_tree *t)
{
	struct gdoi_tree *out = NULL;
	uint8_t *buf;
	size_t len;

	ck_assert_int_eq(gdoi_tree_error(t), 0);
	ck_assert_int_eq(gdoi_tree_encode(t, &buf, &len), 0);
	ck_assert_int_eq(gdoi_tree_decode(buf, len, &out), 0);
	free(buf);
	gdoi_tree_free(t);
	return out;
}

static void
kek(struct gdoi_tree *t, const char *spi, unsigned life)
{
	gdoi_tree_open(t, "kek", "KEK POLICY:");
	gdoi_tree_attr(t, "transport", "Rekey Transport Type", "Unicast");
	gdoi_tree_attr(t, "spi", "SPI", "%s", spi);
	gdoi_tree_attr(t, "lifetime", "Lifetime (secs)", "%u", life);
	gdoi_tree_attr(t, "initial_lifetime", "Initial Lifetime (secs)", "86400");
	gdoi_tree_attr(t, "encrypt_algorithm", "Encrypt Algorithm", "AES");
	gdoi_tree_attr(t, "key_size", "Key Size", "256");
	gdoi_tree_close(t);
}

static void
tek(struct gdoi_tree *t, const char *key, unsigned spi, unsigned left)
{
	gdoi_tree_open(t, key, "IPsec SA:");
	gdoi_tree_attr(t, "spi", "spi:", "0x%08X", spi);
	gdoi_tree_attr(t, "spi_dec", "spi (decimal):", "%u", spi);
	gdoi_tree_attr(t, "transform", "transform:", "esp-256-aes esp-sha256-hmac");
	gdoi_tree_attr(t, "remaining", "remaining:", "%u", left);
	gdoi_tree_attr(t, "initial_lifetime", "initial:", "3600");
	gdoi_tree_open(t, "acl", NULL);
	gdoi_tree_attr(t, "0", " ", "permit ip 10.98.0.0 0.0.255.255 10.98.0.0 0.0.255.255");
	gdoi_tree_close(t);
	gdoi_tree_close(t);
}

static void
member(struct gdoi_tree *t, const char *key, const char *addr, const char *state,
    unsigned sent)
{
	gdoi_tree_open(t, key, "");
	gdoi_tree_attr(t, "address", "Group Member ID", "%s", addr);
	gdoi_tree_attr(t, "identity", "Identity", "%s", addr);
	gdoi_tree_attr(t, "version", "GM Version", "unknown");
	gdoi_tree_attr(t, "state", "GM State", "%s", state);
	gdoi_tree_attr(t, "registered", "Registered at", "2026-11-23 10:00:00");
	gdoi_tree_attr(t, "registrations", "Registrations", "1");
	gdoi_tree_attr(t, "rekeys_sent", "Rekeys sent", "%u", sent);
	gdoi_tree_attr(t, "rekey_retries", "Rekeys retries", "0");
	gdoi_tree_attr(t, "acks_rcvd", "Rekey Acks Rcvd", "%u", sent);
	gdoi_tree_attr(t, "acks_missed", "Rekey Acks missed", "0");
	gdoi_tree_attr(t, "rcvd_seq", "Rcvd seq num", "7");
	gdoi_tree_close(t);
}

static void
ks_group(struct gdoi_tree *t, const char *name, unsigned id, int full)
{
	gdoi_tree_open(t, name, NULL);
	gdoi_tree_attr(t, "name", "Group Name", "%s", name);
	gdoi_tree_attr(t, "identity", "Group Identity", "%u", id);
	gdoi_tree_attr(t, "type", "Group Type", "GDOI (ISAKMP)");
	gdoi_tree_attr(t, "members", "Group Members", "%u", full ? 1u : 0u);
	gdoi_tree_attr(t, "members_removed", "Group Members removed", "%u", full ? 1u : 0u);
	gdoi_tree_attr(t, "seq", "Seq num", "7");
	gdoi_tree_attr(t, "registrations", "Registrations completed", "2");
	gdoi_tree_attr(t, "refused", "Registrations refused", "0");
	gdoi_tree_attr(t, "rekeys_sent", "Number of rekeys sent", "6");
	gdoi_tree_attr(t, "retransmits", "Number of rekey retransmits", "1");
	gdoi_tree_attr(t, "tek_rekeys", "TEK rekeys", "5");
	gdoi_tree_attr(t, "kek_rekeys", "KEK rekeys", "1");
	gdoi_tree_attr(t, "policy_rekeys", "Policy change rekeys", "0");
	gdoi_tree_attr(t, "transport", "Rekey Transport Type", full ? "Unicast" : "Multicast");
	gdoi_tree_attr(t, "acks_rcvd", "Rekey Acks Rcvd", "9");
	gdoi_tree_attr(t, "members_ejected", "Members removed for missed ACKs", "1");
	if (full)	/* G2 has no rekey scheduled: a sparse column */
		gdoi_tree_attr(t, "time_to_rekey", "Time to rekey (secs)", "120");
	gdoi_tree_attr(t, "sent_seq", "Sent seq num", "7 6 5 4");
	if (full)
		kek(t, "00112233445566778899AABBCCDDEEFF", 86000);
	gdoi_tree_open(t, "tek", "TEK POLICY:");
	tek(t, "0", full ? 0x1234ABCDu : 0x0A0B0C0Du, 3000);
	if (full)
		tek(t, "1", 0xFFFFFFFFu, 10);
	gdoi_tree_close(t);
	gdoi_tree_open(t, "member", "Group Member Information:");
	if (full) {
		member(t, "0", "10.99.0.11", "Registered", 6);
		member(t, "1", "2001:db8::12", "Removed (rekeys not acknowledged)", 3);
	}
	gdoi_tree_close(t);
	gdoi_tree_close(t);
}

/* A key server with G1 (1234: a KEK, 2 TEKs, 2 members, one of them
 * removed) and G2 (99: multicast, no KEK, 1 TEK, no member, no rekey
 * scheduled). */
static struct gdoi_tree *
ks_tree(void)
{
	struct gdoi_tree *t = gdoi_tree_new();

	gdoi_tree_open(t, "ks", NULL);
	gdoi_tree_attr(t, "members_total", "Total", "2");
	gdoi_tree_close(t);
	gdoi_tree_open(t, "group", "Key Server Information For Group:");
	ks_group(t, "G1", 1234, 1);
	ks_group(t, "G2", 99, 0);
	gdoi_tree_close(t);
	return roundtrip(t);
}

/* A group member with G1 (registered with 10.99.0.1, a KEK and a TEK)
 * and G9 (still registering: no policy, no re-registration time). */
static struct gdoi_tree *
gm_tree(void)
{
	struct gdoi_tree *t = gdoi_tree_new();

	gdoi_tree_open(t, "group", "GROUP INFORMATION");
	gdoi_tree_open(t, "G1", NULL);
	gdoi_tree_attr(t, "name", "Group Name", "G1");
	gdoi_tree_attr(t, "identity", "Group Identity", "1234");
	gdoi_tree_attr(t, "rekeys_received", "Rekeys received", "4");
	gdoi_tree_attr(t, "registration_status", "Registration status", "Registered");
	gdoi_tree_attr(t, "registered_with", "Registered with", "10.99.0.1");
	gdoi_tree_attr(t, "reregisters_in", "Re-registers in", "3100 sec");
	gdoi_tree_attr(t, "succeeded_registrations", "Succeeded registration", "1");
	gdoi_tree_attr(t, "attempted_registrations", "Attempted registration", "2");
	gdoi_tree_attr(t, "last_rekey_seq", "Last rekey seq num", "7");
	gdoi_tree_attr(t, "rekey_acks_sent", "Rekey ACKs sent", "4");
	gdoi_tree_open(t, "rekeys", "Rekeys cumulative");
	gdoi_tree_attr(t, "total", "Total received", "4");
	gdoi_tree_attr(t, "rejected_sig", "Rejected: bad signature", "1");
	gdoi_tree_attr(t, "rejected_replay", "Rejected: replayed SEQ", "2");
	gdoi_tree_attr(t, "rejected_malformed", "Rejected: malformed", "3");
	gdoi_tree_close(t);
	gdoi_tree_open(t, "acl", "ACL Downloaded From KS 10.99.0.1:");
	gdoi_tree_attr(t, "0", " ", "permit ip any any");
	gdoi_tree_close(t);
	kek(t, "FFEEDDCCBBAA99887766554433221100", 500);
	gdoi_tree_open(t, "tek", "TEK POLICY for the current KS-Policy ACEs Downloaded:");
	tek(t, "0", 0x1234ABCDu, 2999);
	gdoi_tree_close(t);
	gdoi_tree_close(t);
	gdoi_tree_open(t, "G9", NULL);
	gdoi_tree_attr(t, "name", "Group Name", "G9");
	gdoi_tree_attr(t, "identity", "Group Identity", "9");
	gdoi_tree_attr(t, "rekeys_received", "Rekeys received", "0");
	gdoi_tree_attr(t, "registration_status", "Registration status", "Registering");
	gdoi_tree_attr(t, "registered_with", "Registered with", "-");
	gdoi_tree_attr(t, "succeeded_registrations", "Succeeded registration", "0");
	gdoi_tree_attr(t, "attempted_registrations", "Attempted registration", "1");
	gdoi_tree_attr(t, "last_rekey_seq", "Last rekey seq num", "0");
	gdoi_tree_attr(t, "rekey_acks_sent", "Rekey ACKs sent", "0");
	gdoi_tree_close(t);
	gdoi_tree_close(t);
	gdoi_tree_open(t, "gm", NULL);
	gdoi_tree_attr(t, "rx", "Datagrams received", "12");
	gdoi_tree_close(t);
	return roundtrip(t);
}

/* The table of both fixtures, finished. */
static struct gdoi_mib *
both(void)
{
	struct gdoi_mib *m = gdoi_mib_new();
	struct gdoi_tree *k = ks_tree(), *g = gm_tree();

	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(gdoi_mib_add_ks(m, k), 0);
	ck_assert_int_eq(gdoi_mib_add_gm(m, g), 0);
	ck_assert_int_eq(gdoi_mib_finish(m), 0);
	gdoi_tree_free(k);
	gdoi_tree_free(g);
	return m;
}

/* ------------------------------------------------------------------ */
/* OID helpers                                                          */

/* "1.1.1.1.2.1" under gdoiLinuxMIB into oid; its length. */
static size_t
rel(const char *s, uint32_t *oid)
{
	size_t n = GDOI_MIB_ROOT_LEN;
	char *end;

	memcpy(oid, gdoi_mib_root, sizeof(gdoi_mib_root));
	while (*s != '\0') {
		ck_assert_uint_lt(n, GDOI_MIB_OID_MAX);
		oid[n++] = (uint32_t)strtoul(s, &end, 10);
		s = *end == '.' ? end + 1 : end;
	}
	return n;
}

/* The row's OID under gdoiLinuxMIB, dotted. */
static const char *
rel_str(const struct gdoi_mib_row *r, char *buf, size_t cap)
{
	ck_assert_uint_gt(r->r_oidlen, GDOI_MIB_ROOT_LEN);
	ck_assert_int_eq(gdoi_mib_oidcmp(r->r_oid, GDOI_MIB_ROOT_LEN, gdoi_mib_root,
	    GDOI_MIB_ROOT_LEN), 0);
	return gdoi_mib_oid_str(r->r_oid + GDOI_MIB_ROOT_LEN, r->r_oidlen - GDOI_MIB_ROOT_LEN,
	    buf, cap);
}

static const struct gdoi_mib_row *
get(const struct gdoi_mib *m, const char *s)
{
	uint32_t oid[GDOI_MIB_OID_MAX];

	return gdoi_mib_get(m, oid, rel(s, oid));
}

/* GETNEXT from s: the relative OID of the answer, or "" at the end. */
static const char *
next(const struct gdoi_mib *m, const char *s, char *buf, size_t cap)
{
	uint32_t oid[GDOI_MIB_OID_MAX];
	const struct gdoi_mib_row *r = gdoi_mib_next(m, oid, rel(s, oid));

	if (r == NULL) {
		buf[0] = '\0';
		return buf;
	}
	return rel_str(r, buf, cap);
}

static void
num_is(const struct gdoi_mib *m, const char *s, enum gdoi_mib_type type, uint32_t v)
{
	const struct gdoi_mib_row *r = get(m, s);

	ck_assert_msg(r != NULL, "no row %s", s);
	ck_assert_msg(r->r_type == type, "%s: type 0x%x, want 0x%x", s, r->r_type, type);
	ck_assert_msg(r->r_num == v, "%s: %u, want %u", s, r->r_num, v);
}

static void
str_is(const struct gdoi_mib *m, const char *s, const void *v, size_t len)
{
	const struct gdoi_mib_row *r = get(m, s);

	ck_assert_msg(r != NULL, "no row %s", s);
	ck_assert_int_eq(r->r_type, GDOI_MIB_OCTETS);
	ck_assert_uint_eq(r->r_strlen, len);
	ck_assert_msg(len == 0 || memcmp(r->r_str, v, len) == 0, "%s: wrong octets", s);
}

/* ------------------------------------------------------------------ */
/* Object OIDs from the MIB text                                        */

#ifndef MIB_FILE
#define MIB_FILE "GDOI-LINUX-MIB.txt"
#endif

static char *mib_text;

static void
mib_load(void)
{
	FILE *f = fopen(MIB_FILE, "r");
	long n;

	ck_assert_msg(f != NULL, "cannot open %s", MIB_FILE);
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	ck_assert_int_gt(n, 0);
	rewind(f);
	mib_text = calloc(1, (size_t)n + 1);
	ck_assert_ptr_nonnull(mib_text);
	ck_assert_uint_eq(fread(mib_text, 1, (size_t)n, f), (size_t)n);
	fclose(f);
}

static void
mib_unload(void)
{
	free(mib_text);
	mib_text = NULL;
}

/*
 * The OID of a descriptor under gdoiLinuxMIB, dotted, from the MIB text:
 * its definition starts a line ("name OBJECT-TYPE", "name OBJECT
 * IDENTIFIER"), and its first "::= { parent n }" gives the arc.
 */
static void
mib_oid(const char *name, char *out, size_t cap)
{
	char pat[96], parent[64], tail[128];
	const char *p, *q;
	unsigned arc;

	if (strcmp(name, "gdoiLinuxMIB") == 0) {
		out[0] = '\0';
		return;
	}
	snprintf(pat, sizeof(pat), "\n%s ", name);
	for (p = strstr(mib_text, pat); p != NULL; p = strstr(p + 1, pat)) {
		q = p + strlen(pat);
		while (*q == ' ')
			q++;
		if (strncmp(q, "OBJECT-TYPE", 11) == 0 || strncmp(q, "OBJECT IDENTIFIER", 17) == 0)
			break;
	}
	ck_assert_msg(p != NULL, "%s is not defined in %s", name, MIB_FILE);
	q = strstr(p, "::=");
	ck_assert_ptr_nonnull(q);
	ck_assert_int_eq(sscanf(q, "::= { %63s %u }", parent, &arc), 2);
	mib_oid(parent, tail, sizeof(tail));
	snprintf(out, cap, "%s%s%u", tail, tail[0] ? "." : "", arc);
}

/* The relative OID of an instance: object name plus index suffix. */
static const char *
inst(const char *name, const char *index, char *buf, size_t cap)
{
	char o[128];

	mib_oid(name, o, sizeof(o));
	snprintf(buf, cap, "%s.%s", o, index);
	return buf;
}

static void
obj_num(const struct gdoi_mib *m, const char *name, const char *index,
    enum gdoi_mib_type type, uint32_t v)
{
	char b[160];

	num_is(m, inst(name, index, b, sizeof(b)), type, v);
}

static void
obj_str(const struct gdoi_mib *m, const char *name, const char *index, const char *v)
{
	char b[160];

	str_is(m, inst(name, index, b, sizeof(b)), v, strlen(v));
}

static int
obj_absent(const struct gdoi_mib *m, const char *name, const char *index)
{
	char b[160];

	return get(m, inst(name, index, b, sizeof(b))) == NULL;
}

/* ------------------------------------------------------------------ */
/* Layout and order                                                     */

/* Every row of the fixtures, in SNMP order (relative to gdoiLinuxMIB). */
static const char walk_want[] =
	"1.1.1.1.2.1 1.1.1.1.2.2 1.1.1.1.3.1 1.1.1.1.3.2 1.1.1.1.4.1 1.1.1.1.4.2 1.1.1.1.5.1 "
	"1.1.1.1.5.2 1.1.1.1.6.1 1.1.1.1.6.2 1.1.1.1.7.1 1.1.1.1.7.2 1.1.1.1.8.1 1.1.1.1.8.2 "
	"1.1.1.1.9.1 1.1.1.1.9.2 1.1.1.1.10.1 1.1.1.1.10.2 1.1.1.1.11.1 1.1.1.1.11.2 "
	"1.1.1.1.12.1 1.1.1.1.12.2 1.1.1.1.13.1 1.1.1.1.13.2 1.1.1.1.14.1 1.1.1.1.14.2 "
	"1.1.1.1.15.1 1.1.1.1.15.2 1.1.1.1.16.1 1.1.1.1.17.1 1.1.1.1.17.2 1.1.2.1.2.1.1 "
	"1.1.2.1.2.1.2 1.1.2.1.3.1.1 1.1.2.1.3.1.2 1.1.2.1.4.1.1 1.1.2.1.4.1.2 1.1.2.1.5.1.1 "
	"1.1.2.1.5.1.2 1.1.2.1.6.1.1 1.1.2.1.6.1.2 1.1.2.1.7.1.1 1.1.2.1.7.1.2 1.1.2.1.8.1.1 "
	"1.1.2.1.8.1.2 1.1.2.1.9.1.1 1.1.2.1.9.1.2 1.1.2.1.10.1.1 1.1.2.1.10.1.2 1.1.2.1.11.1.1 "
	"1.1.2.1.11.1.2 1.2.1.1.2.1 1.2.1.1.2.2 1.2.1.1.3.1 1.2.1.1.3.2 1.2.1.1.4.1 1.2.1.1.4.2 "
	"1.2.1.1.5.1 1.2.1.1.5.2 1.2.1.1.6.1 1.2.1.1.6.2 1.2.1.1.7.1 1.2.1.1.8.1 1.2.1.1.8.2 "
	"1.2.1.1.9.1 1.2.1.1.9.2 1.2.1.1.10.1 1.2.1.1.10.2 1.2.1.1.11.1 1.2.1.1.11.2 "
	"1.2.1.1.12.1 1.2.1.1.13.1 1.2.1.1.14.1 1.2.1.1.15.1 1.2.1.1.15.2 1.3.1.1.3.1.1 "
	"1.3.1.1.3.2.1 1.3.1.1.4.1.1 1.3.1.1.4.2.1 1.3.1.1.5.1.1 1.3.1.1.5.2.1 1.3.1.1.6.1.1 "
	"1.3.1.1.6.2.1 1.3.1.1.7.1.1 1.3.1.1.7.2.1 1.3.2.1.4.1.1.1 1.3.2.1.4.1.1.2 "
	"1.3.2.1.4.1.2.1 1.3.2.1.4.2.1.1 1.3.2.1.5.1.1.1 1.3.2.1.5.1.1.2 1.3.2.1.5.1.2.1 "
	"1.3.2.1.5.2.1.1 1.3.2.1.6.1.1.1 1.3.2.1.6.1.1.2 1.3.2.1.6.1.2.1 1.3.2.1.6.2.1.1 "
	"1.3.2.1.7.1.1.1 1.3.2.1.7.1.1.2 1.3.2.1.7.1.2.1 1.3.2.1.7.2.1.1 ";

START_TEST(test_order_rows)
{
	struct gdoi_mib *m = both();
	char got[4096], b[128];
	size_t i, off = 0;

	for (i = 0; i < gdoi_mib_count(m); i++) {
		const struct gdoi_mib_row *r = gdoi_mib_row(m, i);

		if (i > 0) {
			const struct gdoi_mib_row *p = gdoi_mib_row(m, i - 1);

			ck_assert_int_lt(gdoi_mib_oidcmp(p->r_oid, p->r_oidlen, r->r_oid,
			    r->r_oidlen), 0);
		}
		off += (size_t)snprintf(got + off, sizeof(got) - off, "%s ",
		    rel_str(r, b, sizeof(b)));
		ck_assert_uint_lt(off, sizeof(got));
	}
	ck_assert_str_eq(got, walk_want);
	ck_assert_uint_eq(gdoi_mib_row(m, gdoi_mib_count(m)) == NULL, 1);
	gdoi_mib_free(m);
}
END_TEST

/* GETNEXT from gdoiLinuxMIB itself, repeated, visits every row. */
START_TEST(test_order_walk)
{
	struct gdoi_mib *m = both();
	uint32_t oid[GDOI_MIB_OID_MAX];
	const struct gdoi_mib_row *r;
	size_t len = GDOI_MIB_ROOT_LEN, n = 0;

	memcpy(oid, gdoi_mib_root, sizeof(gdoi_mib_root));
	while ((r = gdoi_mib_next(m, oid, len)) != NULL) {
		ck_assert_ptr_eq(r, gdoi_mib_row(m, n));
		memcpy(oid, r->r_oid, r->r_oidlen * sizeof(oid[0]));
		len = r->r_oidlen;
		n++;
	}
	ck_assert_uint_eq(n, gdoi_mib_count(m));
	ck_assert_uint_eq(n, 101);
	gdoi_mib_free(m);
}
END_TEST

/* The arcs used by gdoi_mib.c are the ones the MIB text assigns. */
START_TEST(test_order_mib_text)
{
	static const struct { const char *name, *oid; } objs[] = {
		{ "gdoiMIBObjects", "1" },
		{ "gdoiKsGroupName", "1.1.1.1.2" },
		{ "gdoiKsGroupTimeToRekey", "1.1.1.1.16" },
		{ "gdoiKsGroupRekeyTransport", "1.1.1.1.17" },
		{ "gdoiKsMemberAddressType", "1.1.2.1.2" },
		{ "gdoiKsMemberLastAckSeqNum", "1.1.2.1.11" },
		{ "gdoiGmGroupName", "1.2.1.1.2" },
		{ "gdoiGmGroupAcksSent", "1.2.1.1.15" },
		{ "gdoiKekSpi", "1.3.1.1.3" },
		{ "gdoiKekLifetimeInitial", "1.3.1.1.7" },
		{ "gdoiTekSpi", "1.3.2.1.4" },
		{ "gdoiTekLifetimeInitial", "1.3.2.1.7" },
	};
	char o[128];
	size_t i;

	for (i = 0; i < sizeof(objs) / sizeof(objs[0]); i++) {
		mib_oid(objs[i].name, o, sizeof(o));
		ck_assert_str_eq(o, objs[i].oid);
	}
	ck_assert_uint_eq(GDOI_MIB_ROOT_LEN, 10);
	ck_assert_uint_eq(gdoi_mib_root[6], 8072);	/* netSnmp */
	ck_assert_uint_eq(gdoi_mib_root[9], 848);
	ck_assert_msg(strstr(mib_text, "::= { netSnmpPlaypen 848 }") != NULL,
	    "gdoiLinuxMIB is not netSnmpPlaypen.848");
}
END_TEST

/* ------------------------------------------------------------------ */
/* GET                                                                  */

START_TEST(test_get_ks)
{
	struct gdoi_mib *m = both();
	static const uint8_t v4[] = { 10, 99, 0, 11 };
	static const uint8_t v6[] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12 };
	char b[160];

	obj_str(m, "gdoiKsGroupName", "1", "G1");
	obj_str(m, "gdoiKsGroupName", "2", "G2");
	obj_num(m, "gdoiKsGroupIdentity", "1", GDOI_MIB_GAUGE, 1234);
	obj_num(m, "gdoiKsGroupMembersActive", "1", GDOI_MIB_GAUGE, 1);
	obj_num(m, "gdoiKsGroupMembersRemoved", "1", GDOI_MIB_GAUGE, 1);
	obj_num(m, "gdoiKsGroupRegistrations", "1", GDOI_MIB_COUNTER, 2);
	obj_num(m, "gdoiKsGroupRekeysSent", "1", GDOI_MIB_COUNTER, 6);
	obj_num(m, "gdoiKsGroupRetransmits", "1", GDOI_MIB_COUNTER, 1);
	obj_num(m, "gdoiKsGroupTekRekeys", "1", GDOI_MIB_COUNTER, 5);
	obj_num(m, "gdoiKsGroupKekRekeys", "1", GDOI_MIB_COUNTER, 1);
	obj_num(m, "gdoiKsGroupAcksRcvd", "1", GDOI_MIB_COUNTER, 9);
	obj_num(m, "gdoiKsGroupMembersEjected", "1", GDOI_MIB_COUNTER, 1);
	obj_num(m, "gdoiKsGroupSeqNum", "1", GDOI_MIB_GAUGE, 7);
	obj_num(m, "gdoiKsGroupTimeToRekey", "1", GDOI_MIB_GAUGE, 120);
	ck_assert(obj_absent(m, "gdoiKsGroupTimeToRekey", "2"));
	obj_num(m, "gdoiKsGroupRekeyTransport", "1", GDOI_MIB_INTEGER, 1);
	obj_num(m, "gdoiKsGroupRekeyTransport", "2", GDOI_MIB_INTEGER, 2);

	obj_num(m, "gdoiKsMemberAddressType", "1.1", GDOI_MIB_INTEGER, 1);
	str_is(m, inst("gdoiKsMemberAddress", "1.1", b, sizeof(b)), v4, sizeof(v4));
	obj_num(m, "gdoiKsMemberAddressType", "1.2", GDOI_MIB_INTEGER, 2);
	str_is(m, inst("gdoiKsMemberAddress", "1.2", b, sizeof(b)), v6, sizeof(v6));
	obj_str(m, "gdoiKsMemberIdentity", "1.1", "10.99.0.11");
	obj_num(m, "gdoiKsMemberState", "1.1", GDOI_MIB_INTEGER, 1);
	obj_num(m, "gdoiKsMemberState", "1.2", GDOI_MIB_INTEGER, 2);
	obj_num(m, "gdoiKsMemberRekeysSent", "1.1", GDOI_MIB_COUNTER, 6);
	obj_num(m, "gdoiKsMemberAcksRcvd", "1.2", GDOI_MIB_COUNTER, 3);
	obj_num(m, "gdoiKsMemberAcksMissed", "1.1", GDOI_MIB_COUNTER, 0);
	obj_num(m, "gdoiKsMemberLastAckSeqNum", "1.1", GDOI_MIB_GAUGE, 7);
	ck_assert(obj_absent(m, "gdoiKsMemberState", "2.1"));
	ck_assert(obj_absent(m, "gdoiKsMemberState", "1.3"));
	gdoi_mib_free(m);
}
END_TEST

START_TEST(test_get_gm)
{
	struct gdoi_mib *m = both();
	static const uint8_t ks[] = { 10, 99, 0, 1 };
	char b[160];

	obj_str(m, "gdoiGmGroupName", "1", "G1");
	obj_str(m, "gdoiGmGroupName", "2", "G9");
	obj_num(m, "gdoiGmGroupIdentity", "2", GDOI_MIB_GAUGE, 9);
	obj_num(m, "gdoiGmGroupRegStatus", "1", GDOI_MIB_INTEGER, 3);
	obj_num(m, "gdoiGmGroupRegStatus", "2", GDOI_MIB_INTEGER, 2);
	obj_num(m, "gdoiGmGroupRegisteredWithType", "1", GDOI_MIB_INTEGER, 1);
	str_is(m, inst("gdoiGmGroupRegisteredWith", "1", b, sizeof(b)), ks, sizeof(ks));
	obj_num(m, "gdoiGmGroupRegisteredWithType", "2", GDOI_MIB_INTEGER, 0);
	obj_str(m, "gdoiGmGroupRegisteredWith", "2", "");
	obj_num(m, "gdoiGmGroupReregistersIn", "1", GDOI_MIB_GAUGE, 3100);
	ck_assert(obj_absent(m, "gdoiGmGroupReregistersIn", "2"));
	obj_num(m, "gdoiGmGroupRegistrations", "1", GDOI_MIB_COUNTER, 1);
	obj_num(m, "gdoiGmGroupRegAttempts", "1", GDOI_MIB_COUNTER, 2);
	obj_num(m, "gdoiGmGroupRekeysRcvd", "1", GDOI_MIB_COUNTER, 4);
	obj_num(m, "gdoiGmGroupLastRekeySeqNum", "1", GDOI_MIB_GAUGE, 7);
	obj_num(m, "gdoiGmGroupRejectedSig", "1", GDOI_MIB_COUNTER, 1);
	obj_num(m, "gdoiGmGroupRejectedReplay", "1", GDOI_MIB_COUNTER, 2);
	obj_num(m, "gdoiGmGroupRejectedMalformed", "1", GDOI_MIB_COUNTER, 3);
	ck_assert(obj_absent(m, "gdoiGmGroupRejectedSig", "2"));
	obj_num(m, "gdoiGmGroupAcksSent", "1", GDOI_MIB_COUNTER, 4);
	gdoi_mib_free(m);
}
END_TEST

START_TEST(test_get_sa)
{
	struct gdoi_mib *m = both();
	static const uint8_t ks_spi[16] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
		0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff };
	static const uint8_t gm_spi[16] = { 0xff, 0xee, 0xdd, 0xcc, 0xbb, 0xaa, 0x99, 0x88,
		0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, 0x00 };
	char b[160];

	/* KEK: index role.group */
	str_is(m, inst("gdoiKekSpi", "1.1", b, sizeof(b)), ks_spi, 16);
	str_is(m, inst("gdoiKekSpi", "2.1", b, sizeof(b)), gm_spi, 16);
	ck_assert(obj_absent(m, "gdoiKekSpi", "1.2"));	/* G2 has no KEK */
	obj_num(m, "gdoiKekEncryptAlgorithm", "1.1", GDOI_MIB_INTEGER, 3);
	obj_num(m, "gdoiKekKeySize", "1.1", GDOI_MIB_GAUGE, 256);
	obj_num(m, "gdoiKekLifetimeRemaining", "1.1", GDOI_MIB_GAUGE, 86000);
	obj_num(m, "gdoiKekLifetimeRemaining", "2.1", GDOI_MIB_GAUGE, 500);
	obj_num(m, "gdoiKekLifetimeInitial", "2.1", GDOI_MIB_GAUGE, 86400);
	/* TEK: index role.group.position */
	obj_num(m, "gdoiTekSpi", "1.1.1", GDOI_MIB_GAUGE, 0x1234ABCDu);
	obj_num(m, "gdoiTekSpi", "1.1.2", GDOI_MIB_GAUGE, 0xFFFFFFFFu);
	obj_num(m, "gdoiTekSpi", "1.2.1", GDOI_MIB_GAUGE, 0x0A0B0C0Du);
	obj_num(m, "gdoiTekSpi", "2.1.1", GDOI_MIB_GAUGE, 0x1234ABCDu);
	obj_str(m, "gdoiTekTransform", "2.1.1", "esp-256-aes esp-sha256-hmac");
	obj_num(m, "gdoiTekLifetimeRemaining", "2.1.1", GDOI_MIB_GAUGE, 2999);
	obj_num(m, "gdoiTekLifetimeRemaining", "1.1.2", GDOI_MIB_GAUGE, 10);
	obj_num(m, "gdoiTekLifetimeInitial", "1.1.1", GDOI_MIB_GAUGE, 3600);
	ck_assert(obj_absent(m, "gdoiTekSpi", "2.2.1"));	/* G9 holds no policy */
	gdoi_mib_free(m);
}
END_TEST

/* A failed GET names an instance of a column (noSuchInstance) or not. */
START_TEST(test_get_is_object)
{
	uint32_t oid[GDOI_MIB_OID_MAX];
	char b[160];

	ck_assert_int_eq(gdoi_mib_is_object(oid, rel(inst("gdoiKsGroupName", "7", b,
	    sizeof(b)), oid)), 1);
	ck_assert_int_eq(gdoi_mib_is_object(oid, rel(inst("gdoiTekSpi", "2.1.9", b,
	    sizeof(b)), oid)), 1);
	ck_assert_int_eq(gdoi_mib_is_object(oid, rel("1.1.1.1.1.1", oid)), 0);  /* index */
	ck_assert_int_eq(gdoi_mib_is_object(oid, rel("1.1.1.1.18.1", oid)), 0); /* no column */
	ck_assert_int_eq(gdoi_mib_is_object(oid, rel("1.3.1.1.2.1.1", oid)), 0);
	ck_assert_int_eq(gdoi_mib_is_object(oid, rel("1.3.2.1.3.1.1.1", oid)), 0);
	ck_assert_int_eq(gdoi_mib_is_object(oid, rel("1.4", oid)), 0);
	ck_assert_int_eq(gdoi_mib_is_object(oid, rel("1.1.1.1", oid)), 0);
	ck_assert_int_eq(gdoi_mib_is_object(oid, rel("", oid)), 0);
	ck_assert_int_eq(gdoi_mib_is_object(gdoi_mib_root, 6), 0);
}
END_TEST

/* ------------------------------------------------------------------ */
/* GETNEXT                                                              */

START_TEST(test_next_points)
{
	struct gdoi_mib *m = both();
	uint32_t oid[GDOI_MIB_OID_MAX] = { 1, 3, 6, 1, 4, 1, 8072 };
	const struct gdoi_mib_row *r;
	char b[128];

	/* before the module: the first row */
	r = gdoi_mib_next(m, oid, 7);
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(rel_str(r, b, sizeof(b)), "1.1.1.1.2.1");
	oid[0] = 0;
	ck_assert_str_eq(rel_str(gdoi_mib_next(m, oid, 1), b, sizeof(b)), "1.1.1.1.2.1");
	ck_assert_ptr_eq(gdoi_mib_next(m, oid, 0), gdoi_mib_row(m, 0));
	/* the table, the entry, the index column, a column: its first instance */
	ck_assert_str_eq(next(m, "1.1.1", b, sizeof(b)), "1.1.1.1.2.1");
	ck_assert_str_eq(next(m, "1.1.1.1.1", b, sizeof(b)), "1.1.1.1.2.1");
	ck_assert_str_eq(next(m, "1.1.1.1.2", b, sizeof(b)), "1.1.1.1.2.1");
	ck_assert_str_eq(next(m, "1.1.2", b, sizeof(b)), "1.1.2.1.2.1.1");
	ck_assert_str_eq(next(m, "1.3.2.1.4", b, sizeof(b)), "1.3.2.1.4.1.1.1");
	/* an instance: the next one in the column, then the next column */
	ck_assert_str_eq(next(m, "1.1.1.1.2.1", b, sizeof(b)), "1.1.1.1.2.2");
	ck_assert_str_eq(next(m, "1.1.1.1.2.2", b, sizeof(b)), "1.1.1.1.3.1");
	/* a sparse column: G2's TimeToRekey does not exist */
	ck_assert_str_eq(next(m, "1.1.1.1.16.1", b, sizeof(b)), "1.1.1.1.17.1");
	/* between instances, and below one (longer OIDs) */
	ck_assert_str_eq(next(m, "1.1.1.1.2.1.0", b, sizeof(b)), "1.1.1.1.2.2");
	ck_assert_str_eq(next(m, "1.1.2.1.2.1", b, sizeof(b)), "1.1.2.1.2.1.1");
	ck_assert_str_eq(next(m, "1.1.2.1.2.1.1.5.5.5.5.5", b, sizeof(b)), "1.1.2.1.2.1.2");
	ck_assert_str_eq(next(m, "1.1.1.1.2.4294967295", b, sizeof(b)), "1.1.1.1.3.1");
	/* from the end of one table to the next table */
	ck_assert_str_eq(next(m, "1.1.1.1.17.2", b, sizeof(b)), "1.1.2.1.2.1.1");
	ck_assert_str_eq(next(m, "1.1.2.1.11.1.2", b, sizeof(b)), "1.2.1.1.2.1");
	ck_assert_str_eq(next(m, "1.2.1.1.15.2", b, sizeof(b)), "1.3.1.1.3.1.1");
	/* KEK: key server's before group member's in each column */
	ck_assert_str_eq(next(m, "1.3.1.1.3.1.1", b, sizeof(b)), "1.3.1.1.3.2.1");
	ck_assert_str_eq(next(m, "1.3.1.1.7.2.1", b, sizeof(b)), "1.3.2.1.4.1.1.1");
	/* the last row, and after it: nothing (the agent moves on) */
	ck_assert_str_eq(next(m, "1.3.2.1.7.1.2.1", b, sizeof(b)), "1.3.2.1.7.2.1.1");
	ck_assert_str_eq(next(m, "1.3.2.1.7.2.1.1", b, sizeof(b)), "");
	ck_assert_str_eq(next(m, "1.3.3", b, sizeof(b)), "");
	ck_assert_str_eq(next(m, "2", b, sizeof(b)), "");
	oid[0] = 2;
	ck_assert_ptr_null(gdoi_mib_next(m, oid, 1));
	gdoi_mib_free(m);
}
END_TEST

/* GET and GETNEXT agree: GETNEXT of the row before gives each row. */
START_TEST(test_next_get_agree)
{
	struct gdoi_mib *m = both();
	const struct gdoi_mib_row *r, *p;
	size_t i;

	for (i = 0; i < gdoi_mib_count(m); i++) {
		r = gdoi_mib_row(m, i);
		ck_assert_ptr_eq(gdoi_mib_get(m, r->r_oid, r->r_oidlen), r);
		if (i > 0) {
			p = gdoi_mib_row(m, i - 1);
			ck_assert_ptr_eq(gdoi_mib_next(m, p->r_oid, p->r_oidlen), r);
		}
		/* a prefix of the row is not a row */
		ck_assert_ptr_null(gdoi_mib_get(m, r->r_oid, r->r_oidlen - 1));
	}
	gdoi_mib_free(m);
}
END_TEST

START_TEST(test_next_empty)
{
	struct gdoi_mib *m = gdoi_mib_new();
	struct gdoi_tree *t = gdoi_tree_new();

	/* a reply without a group section (an idle or foreign daemon) */
	gdoi_tree_attr(t, "reload", "Reload", "ok");
	ck_assert_int_eq(gdoi_mib_add_ks(m, t), 0);
	ck_assert_int_eq(gdoi_mib_add_gm(m, t), 0);
	ck_assert_int_eq(gdoi_mib_finish(m), 0);
	ck_assert_uint_eq(gdoi_mib_count(m), 0);
	ck_assert_ptr_null(gdoi_mib_next(m, gdoi_mib_root, GDOI_MIB_ROOT_LEN));
	ck_assert_ptr_null(gdoi_mib_get(m, gdoi_mib_root, GDOI_MIB_ROOT_LEN));
	gdoi_tree_free(t);
	gdoi_mib_free(m);
	gdoi_mib_free(NULL);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Several daemons, values that do not parse                            */

START_TEST(test_multi_indexes)
{
	struct gdoi_mib *m = gdoi_mib_new();
	struct gdoi_tree *k = ks_tree(), *g = gm_tree();

	/* KS 1 answers (groups 1, 2), KS 2 answered once with 3 groups and
	 * now does not (3..5 kept), KS 3 answers (6, 7); GM 1 answers (1, 2) */
	ck_assert_int_eq(gdoi_mib_add_ks(m, k), 0);
	ck_assert_uint_eq(gdoi_mib_groups(m, GDOI_MIB_ROLE_KS), 2);
	gdoi_mib_reserve(m, GDOI_MIB_ROLE_KS, 3);
	ck_assert_int_eq(gdoi_mib_add_ks(m, k), 0);
	ck_assert_uint_eq(gdoi_mib_groups(m, GDOI_MIB_ROLE_KS), 7);
	ck_assert_int_eq(gdoi_mib_add_gm(m, g), 0);
	ck_assert_uint_eq(gdoi_mib_groups(m, GDOI_MIB_ROLE_GM), 2);
	ck_assert_int_eq(gdoi_mib_finish(m), 0);

	obj_str(m, "gdoiKsGroupName", "2", "G2");
	ck_assert(obj_absent(m, "gdoiKsGroupName", "3"));
	obj_str(m, "gdoiKsGroupName", "6", "G1");
	obj_str(m, "gdoiKsGroupName", "7", "G2");
	obj_num(m, "gdoiKsMemberState", "6.2", GDOI_MIB_INTEGER, 2);
	obj_num(m, "gdoiTekSpi", "1.7.1", GDOI_MIB_GAUGE, 0x0A0B0C0Du);
	obj_num(m, "gdoiTekSpi", "2.1.1", GDOI_MIB_GAUGE, 0x1234ABCDu);
	obj_str(m, "gdoiGmGroupName", "2", "G9");
	{
		char b[128];

		ck_assert_str_eq(next(m, "1.1.1.1.2.2", b, sizeof(b)), "1.1.1.1.2.6");
		ck_assert_str_eq(next(m, "1.3.2.1.4.1.2.1", b, sizeof(b)), "1.3.2.1.4.1.6.1");
	}
	gdoi_tree_free(k);
	gdoi_tree_free(g);
	gdoi_mib_free(m);
}
END_TEST

START_TEST(test_bad_values)
{
	struct gdoi_mib *m = gdoi_mib_new();
	struct gdoi_tree *t = gdoi_tree_new();
	char name[300];

	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	gdoi_tree_open(t, "group", NULL);
	gdoi_tree_open(t, "X", NULL);
	gdoi_tree_attr(t, "name", "Group Name", "%s", name);	/* cut to 255 */
	gdoi_tree_attr(t, "identity", "Group Identity", "-1");
	gdoi_tree_attr(t, "members", "Group Members", "4294967296");
	gdoi_tree_attr(t, "members_removed", "Group Members removed", "12abc");
	gdoi_tree_attr(t, "seq", "Seq num", "4294967295");
	gdoi_tree_attr(t, "time_to_rekey", "Time to rekey (secs)", "%s", "");
	gdoi_tree_attr(t, "transport", "Rekey Transport Type", "Carrier pigeon");
	gdoi_tree_open(t, "kek", NULL);
	gdoi_tree_attr(t, "spi", "SPI", "0011");	/* too short */
	gdoi_tree_attr(t, "encrypt_algorithm", "Encrypt Algorithm", "unknown");
	gdoi_tree_close(t);
	gdoi_tree_open(t, "tek", NULL);
	gdoi_tree_open(t, "0", NULL);
	gdoi_tree_attr(t, "spi", "spi:", "0x123456789");	/* 36 bits */
	gdoi_tree_close(t);
	gdoi_tree_open(t, "x", NULL);	/* not a list position */
	gdoi_tree_attr(t, "spi", "spi:", "0x00000001");
	gdoi_tree_close(t);
	gdoi_tree_open(t, "1", NULL);
	gdoi_tree_attr(t, "spi", "spi:", "12345678");	/* no 0x */
	gdoi_tree_close(t);
	gdoi_tree_open(t, "2", NULL);
	gdoi_tree_attr(t, "spi", "spi:", "0x0x12");
	gdoi_tree_close(t);
	gdoi_tree_open(t, "3", NULL);
	gdoi_tree_attr(t, "spi", "spi:", "0x-1");
	gdoi_tree_close(t);
	gdoi_tree_close(t);
	gdoi_tree_open(t, "member", NULL);
	gdoi_tree_open(t, "0", NULL);
	gdoi_tree_attr(t, "address", "Group Member ID", "?");
	gdoi_tree_attr(t, "state", "GM State", "Dazed");
	gdoi_tree_close(t);
	gdoi_tree_close(t);
	gdoi_tree_close(t);
	gdoi_tree_attr(t, "stray", "Stray", "attribute among the groups");
	gdoi_tree_close(t);

	ck_assert_int_eq(gdoi_mib_add_ks(m, t), 0);
	ck_assert_int_eq(gdoi_mib_finish(m), 0);
	{
		const struct gdoi_mib_row *r = get(m, "1.1.1.1.2.1");

		ck_assert_ptr_nonnull(r);
		ck_assert_uint_eq(r->r_strlen, 255);
	}
	ck_assert(obj_absent(m, "gdoiKsGroupIdentity", "1"));
	ck_assert(obj_absent(m, "gdoiKsGroupMembersActive", "1"));
	ck_assert(obj_absent(m, "gdoiKsGroupMembersRemoved", "1"));
	obj_num(m, "gdoiKsGroupSeqNum", "1", GDOI_MIB_GAUGE, 4294967295u);
	ck_assert(obj_absent(m, "gdoiKsGroupTimeToRekey", "1"));
	ck_assert(obj_absent(m, "gdoiKsGroupRekeyTransport", "1"));
	ck_assert(obj_absent(m, "gdoiKekSpi", "1.1"));
	obj_num(m, "gdoiKekEncryptAlgorithm", "1.1", GDOI_MIB_INTEGER, 0);	/* other */
	ck_assert(obj_absent(m, "gdoiTekSpi", "1.1.1"));
	ck_assert(obj_absent(m, "gdoiTekSpi", "1.1.2"));
	ck_assert(obj_absent(m, "gdoiTekSpi", "1.1.3"));
	ck_assert(obj_absent(m, "gdoiTekSpi", "1.1.4"));
	obj_num(m, "gdoiKsMemberAddressType", "1.1", GDOI_MIB_INTEGER, 0);
	obj_str(m, "gdoiKsMemberAddress", "1.1", "");
	ck_assert(obj_absent(m, "gdoiKsMemberState", "1.1"));
	/* name, seq, KEK algorithm, member address type and address */
	ck_assert_uint_eq(gdoi_mib_count(m), 5);
	gdoi_tree_free(t);
	gdoi_mib_free(m);
}
END_TEST

/* ------------------------------------------------------------------ */

static Suite *
mib_suite(void)
{
	Suite *s = suite_create("mib");
	TCase *tc;

	tc = tcase_create("order");
	tcase_add_checked_fixture(tc, mib_load, mib_unload);
	tcase_add_test(tc, test_order_rows);
	tcase_add_test(tc, test_order_walk);
	tcase_add_test(tc, test_order_mib_text);
	suite_add_tcase(s, tc);

	tc = tcase_create("get");
	tcase_add_checked_fixture(tc, mib_load, mib_unload);
	tcase_add_test(tc, test_get_ks);
	tcase_add_test(tc, test_get_gm);
	tcase_add_test(tc, test_get_sa);
	tcase_add_test(tc, test_get_is_object);
	suite_add_tcase(s, tc);

	tc = tcase_create("getnext");
	tcase_add_test(tc, test_next_points);
	tcase_add_test(tc, test_next_get_agree);
	tcase_add_test(tc, test_next_empty);
	suite_add_tcase(s, tc);

	tc = tcase_create("robustness");
	tcase_add_checked_fixture(tc, mib_load, mib_unload);
	tcase_add_test(tc, test_multi_indexes);
	tcase_add_test(tc, test_bad_values);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(mib_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
