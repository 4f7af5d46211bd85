/*
 * The reply tree: building rules, serialization (round trip, truncation,
 * mutation, depth bomb), lookup by path, and the exact output of the four
 * writers.  The XML output is also parsed back with libxml2.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gdoi/err.h"
#include "gdoi/tree.h"

/* libxml2 for reading the XML output back. */
#include <libxml/parser.h>
#include <libxml/tree.h>
#define XFREE(p) xmlFree(p)

/* Render t in fmt into a malloc'd string. */
static char *
render(const struct gdoi_tree *t, enum gdoi_fmt fmt)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(gdoi_tree_write(t, fmt, f), GDOI_OK);
	ck_assert_int_eq(fclose(f), 0);
	return out;
}

/* The tree of a group member's "show crypto gdoi", cut down. */
static struct gdoi_tree *
gm_tree(void)
{
	struct gdoi_tree *t = gdoi_tree_new();

	ck_assert_ptr_nonnull(t);
	gdoi_tree_open(t, "group", "GROUP INFORMATION");
	gdoi_tree_open(t, "G1", NULL);
	gdoi_tree_attr(t, "name", "Group Name", "%s", "G1");
	gdoi_tree_attr(t, "identity", "Group Identity", "%u", 1234u);
	gdoi_tree_attr(t, "server_list", "Group Server list", "%s", "10.99.0.1");
	gdoi_tree_attr(t, "registration_status", "Registration status", "%s", "Registered");
	gdoi_tree_close(t);
	gdoi_tree_close(t);
	ck_assert_int_eq(gdoi_tree_error(t), GDOI_OK);
	return t;
}

/* A tree with every text rule in it. */
static struct gdoi_tree *
layout_tree(void)
{
	struct gdoi_tree *t = gdoi_tree_new();

	gdoi_tree_open(t, "group", "GROUP INFORMATION");
	gdoi_tree_open(t, "G1", NULL);
	gdoi_tree_attr(t, "name", "Group Name", "%s", "G1");
	gdoi_tree_attr(t, "servers", " Group Server list", "%s", "10.99.0.1\n10.99.0.2");
	gdoi_tree_attr(t, "raw_seconds", NULL, "%d", 81);
	gdoi_tree_attr(t, "reregisters_in", "Re-registers in", "%d sec", 81);
	gdoi_tree_attr(t, "long", "Rekey Retransmit Attempts", "%d", 2);
	gdoi_tree_attr(t, "longer", "A label that is longer than the column", "%s", "x");
	gdoi_tree_attr(t, "empty", "Empty", "%s", "");
	gdoi_tree_open(t, "member", "Group member:");
	gdoi_tree_attr(t, "local", "   Local addr/port", "%s", "10.0.0.1/848");
	gdoi_tree_attr(t, "spi", "spi:", "%s", "0x1234ABCD(305441741)");
	gdoi_tree_close(t);
	gdoi_tree_close(t);
	gdoi_tree_close(t);
	gdoi_tree_open(t, "kek", "KEK POLICY:");
	gdoi_tree_attr(t, "transport", "Rekey Transport Type", "%s", "Unicast");
	gdoi_tree_open(t, "acl", "ACL Downloaded From KS 10.99.0.1:");
	gdoi_tree_attr(t, "0", " ", "%s", "access-list deny udp any port = 848 any port = 848");
	gdoi_tree_attr(t, "1", " ", "%s", "access-list permit ip any any");
	gdoi_tree_close(t);
	gdoi_tree_close(t);
	ck_assert_int_eq(gdoi_tree_error(t), GDOI_OK);
	return t;
}

/* Values that need escaping in every format. */
static struct gdoi_tree *
escape_tree(void)
{
	struct gdoi_tree *t = gdoi_tree_new();

	gdoi_tree_open(t, "peer", "Peer");
	gdoi_tree_attr(t, "quote", "Quote", "%s", "say \"hi\" \\ <b>&amp;");
	gdoi_tree_attr(t, "ctl", "Control", "%s", "a\tb\x01" "c\x7f" "d\r\ne");
	/* 0xff and a lone continuation byte are invalid; U+00E9 is fine. */
	gdoi_tree_attr(t, "utf8", "UTF-8", "%s", "\xff" "x\x80" "\xc3\xa9" "\xe2\x82");
	gdoi_tree_close(t);
	ck_assert_int_eq(gdoi_tree_error(t), GDOI_OK);
	return t;
}

START_TEST(build_and_get)
{
	struct gdoi_tree *t = gdoi_tree_new();
	const struct gdoi_node *r, *n;

	gdoi_tree_open(t, "ks", NULL);
	gdoi_tree_open(t, "members", "Members");
	gdoi_tree_open(t, "10.0.0.1", "");
	gdoi_tree_attr(t, "state", "GM State", "%s", "Registered");
	gdoi_tree_close(t);
	gdoi_tree_open(t, "10.0.0", NULL);
	gdoi_tree_attr(t, "1.x", "odd", "%d", 7);
	gdoi_tree_close(t);
	gdoi_tree_close(t);
	gdoi_tree_attr(t, "total", "Total", "%zu", (size_t)1);
	gdoi_tree_close(t);
	ck_assert_int_eq(gdoi_tree_error(t), GDOI_OK);

	ck_assert_str_eq(gdoi_tree_get(t, "ks.total"), "1");
	/* A key with dots of its own is found. */
	ck_assert_str_eq(gdoi_tree_get(t, "ks.members.10.0.0.1.state"), "Registered");
	ck_assert_str_eq(gdoi_tree_get(t, "ks.members.10.0.0.1.x"), "7");
	ck_assert_ptr_null(gdoi_tree_get(t, "ks.members"));	/* a section */
	ck_assert_ptr_null(gdoi_tree_get(t, "ks.total.x"));
	ck_assert_ptr_null(gdoi_tree_get(t, "ks.tota"));
	ck_assert_ptr_null(gdoi_tree_get(t, ""));
	ck_assert_ptr_null(gdoi_tree_get(t, NULL));
	ck_assert_ptr_null(gdoi_tree_get(NULL, "ks.total"));

	/* The walking interface. */
	r = gdoi_tree_root(t);
	ck_assert_int_eq(r->n_kind, GDOI_NODE_SECTION);
	n = r->n_child;
	ck_assert_str_eq(n->n_key, "ks");
	ck_assert_ptr_null(n->n_label);
	ck_assert_ptr_null(n->n_next);
	n = n->n_child;
	ck_assert_str_eq(n->n_label, "Members");
	ck_assert_str_eq(n->n_next->n_key, "total");
	ck_assert_int_eq(n->n_next->n_kind, GDOI_NODE_ATTR);
	/* "" is no label. */
	ck_assert_ptr_null(n->n_child->n_label);
	ck_assert_ptr_null(gdoi_tree_root(NULL));
	gdoi_tree_free(t);
	gdoi_tree_free(NULL);
}
END_TEST

START_TEST(long_value)
{
	struct gdoi_tree *t = gdoi_tree_new();
	char *big = malloc(100001);

	memset(big, 'v', 100000);
	big[100000] = '\0';
	gdoi_tree_attr(t, "big", "Big", "%s-%d", big, 1);
	ck_assert_int_eq(gdoi_tree_error(t), GDOI_OK);
	ck_assert_uint_eq(strlen(gdoi_tree_get(t, "big")), 100002);
	ck_assert_int_eq(memcmp(gdoi_tree_get(t, "big"), big, 100000), 0);
	free(big);
	gdoi_tree_free(t);
}
END_TEST

START_TEST(builder_errors)
{
	struct gdoi_tree *t;
	uint8_t *buf;
	size_t len;
	int i;

	ck_assert_int_eq(gdoi_tree_error(NULL), GDOI_E_NOMEM);
	gdoi_tree_open(NULL, "a", NULL);	/* no-ops */
	gdoi_tree_attr(NULL, "a", NULL, "x");
	gdoi_tree_close(NULL);

	/* Unbalanced close: sticky, later calls do nothing. */
	t = gdoi_tree_new();
	gdoi_tree_close(t);
	ck_assert_int_eq(gdoi_tree_error(t), GDOI_E_INVAL);
	gdoi_tree_attr(t, "a", "A", "x");
	ck_assert_ptr_null(gdoi_tree_root(t)->n_child);
	ck_assert_int_eq(gdoi_tree_encode(t, &buf, &len), GDOI_E_INVAL);
	ck_assert_ptr_null(buf);
	ck_assert_int_eq(gdoi_tree_write(t, GDOI_FMT_TEXT, stdout), GDOI_E_INVAL);
	gdoi_tree_free(t);

	/* Duplicate keys among siblings; the same key elsewhere is fine. */
	t = gdoi_tree_new();
	gdoi_tree_open(t, "a", NULL);
	gdoi_tree_attr(t, "x", NULL, "1");
	gdoi_tree_close(t);
	gdoi_tree_attr(t, "x", NULL, "2");
	ck_assert_int_eq(gdoi_tree_error(t), GDOI_OK);
	gdoi_tree_open(t, "x", NULL);
	ck_assert_int_eq(gdoi_tree_error(t), GDOI_E_INVAL);
	gdoi_tree_free(t);

	/* Bad keys. */
	{
		static const char *const bad[] = { "", "a b", "a=b", "tab\t", "nl\n", "\xc3\xa9" };
		size_t k;

		for (k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
			t = gdoi_tree_new();
			gdoi_tree_attr(t, bad[k], "L", "v");
			ck_assert_int_eq(gdoi_tree_error(t), GDOI_E_INVAL);
			gdoi_tree_free(t);
			t = gdoi_tree_new();
			gdoi_tree_open(t, bad[k], "L");
			ck_assert_int_eq(gdoi_tree_error(t), GDOI_E_INVAL);
			gdoi_tree_free(t);
		}
		t = gdoi_tree_new();
		gdoi_tree_open(t, NULL, "L");
		ck_assert_int_eq(gdoi_tree_error(t), GDOI_E_INVAL);
		gdoi_tree_free(t);
	}

	/* 32 levels are allowed, the 33rd is not. */
	t = gdoi_tree_new();
	for (i = 0; i < 32; i++)
		gdoi_tree_open(t, "d", NULL);
	ck_assert_int_eq(gdoi_tree_error(t), GDOI_OK);
	/* Still open: neither encoded nor reported as an error yet. */
	ck_assert_int_eq(gdoi_tree_encode(t, &buf, &len), GDOI_E_INVAL);
	gdoi_tree_open(t, "d", NULL);
	ck_assert_int_eq(gdoi_tree_error(t), GDOI_E_NESTING);
	gdoi_tree_free(t);
}
END_TEST

START_TEST(encode_exact)
{
	static const uint8_t want[] = {
		0x01, 0x00, 0x01, 'a', 0x00, 0x01, 'A', 0x00, 0x00, 0x00, 0x00,	/* open a "A" */
		0x03, 0x00, 0x01, 'k', 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 'v', '1', /* k=v1 */
		0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,	/* close */
	};
	struct gdoi_tree *t = gdoi_tree_new(), *d;
	uint8_t *buf;
	size_t len;

	gdoi_tree_open(t, "a", "A");
	gdoi_tree_attr(t, "k", NULL, "v%d", 1);
	gdoi_tree_close(t);
	ck_assert_int_eq(gdoi_tree_encode(t, &buf, &len), GDOI_OK);
	ck_assert_uint_eq(len, sizeof(want));
	ck_assert_mem_eq(buf, want, len);
	free(buf);
	gdoi_tree_free(t);

	ck_assert_int_eq(gdoi_tree_decode(want, sizeof(want), &d), GDOI_OK);
	ck_assert_str_eq(gdoi_tree_get(d, "a.k"), "v1");
	ck_assert_str_eq(gdoi_tree_root(d)->n_child->n_label, "A");
	gdoi_tree_free(d);

	/* The empty tree is zero bytes, both ways. */
	t = gdoi_tree_new();
	ck_assert_int_eq(gdoi_tree_encode(t, &buf, &len), GDOI_OK);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(len, 0);
	free(buf);
	gdoi_tree_free(t);
	ck_assert_int_eq(gdoi_tree_decode(NULL, 0, &d), GDOI_OK);
	ck_assert_ptr_null(gdoi_tree_root(d)->n_child);
	gdoi_tree_free(d);
}
END_TEST

START_TEST(round_trip)
{
	struct gdoi_tree *trees[3], *d;
	uint8_t *a, *b;
	size_t alen, blen;
	enum gdoi_fmt f;
	char *x, *y;
	int i;

	trees[0] = gm_tree();
	trees[1] = layout_tree();
	trees[2] = escape_tree();
	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(gdoi_tree_encode(trees[i], &a, &alen), GDOI_OK);
		ck_assert_int_eq(gdoi_tree_decode(a, alen, &d), GDOI_OK);
		ck_assert_int_eq(gdoi_tree_encode(d, &b, &blen), GDOI_OK);
		ck_assert_uint_eq(alen, blen);
		ck_assert_mem_eq(a, b, alen);
		/* Every writer sees the same tree. */
		for (f = GDOI_FMT_TEXT; f <= GDOI_FMT_XML; f++) {
			x = render(trees[i], f);
			y = render(d, f);
			ck_assert_str_eq(x, y);
			free(x);
			free(y);
		}
		free(a);
		free(b);
		gdoi_tree_free(d);
		gdoi_tree_free(trees[i]);
	}
}
END_TEST

START_TEST(every_truncation_fails)
{
	struct gdoi_tree *trees[2], *d;
	uint8_t *buf, *cut;
	size_t len, n;
	int i;

	/* Trees with a single top-level section: a proper prefix either cuts
	 * a record or leaves a section open. */
	trees[0] = gm_tree();
	trees[1] = escape_tree();
	for (i = 0; i < 2; i++) {
		ck_assert_int_eq(gdoi_tree_encode(trees[i], &buf, &len), GDOI_OK);
		for (n = 1; n < len; n++) {
			/* A copy of exactly n bytes, so that valgrind sees any overread. */
			cut = malloc(n);
			memcpy(cut, buf, n);
			d = (struct gdoi_tree *)1;
			ck_assert_int_eq(gdoi_tree_decode(cut, n, &d), GDOI_E_TRUNC);
			ck_assert_ptr_null(d);
			free(cut);
		}
		/* A trailing partial record after a complete tree. */
		cut = malloc(len + 3);
		memcpy(cut, buf, len);
		memcpy(cut + len, "\x03\x00\x05", 3);
		ck_assert_int_eq(gdoi_tree_decode(cut, len + 3, &d), GDOI_E_TRUNC);
		free(cut);
		free(buf);
		gdoi_tree_free(trees[i]);
	}
}
END_TEST

START_TEST(every_mutation_is_safe)
{
	struct gdoi_tree *t = layout_tree(), *d;
	uint8_t *buf, *m;
	size_t len, i;
	unsigned bit, ok = 0, bad = 0;
	char *s;

	ck_assert_int_eq(gdoi_tree_encode(t, &buf, &len), GDOI_OK);
	m = malloc(len);
	for (i = 0; i < len; i++) {
		for (bit = 0; bit < 8; bit++) {
			memcpy(m, buf, len);
			m[i] ^= (uint8_t)(1u << bit);
			if (gdoi_tree_decode(m, len, &d) != GDOI_OK) {
				bad++;
				continue;
			}
			ok++;
			/* Whatever decodes also renders. */
			s = render(d, GDOI_FMT_JSON);
			free(s);
			gdoi_tree_free(d);
		}
	}
	ck_assert_uint_gt(bad, 0);
	ck_assert_uint_gt(ok, 0);	/* flips inside labels and values */
	free(m);
	free(buf);
	gdoi_tree_free(t);
}
END_TEST

/* Append one record to a byte buffer. */
static size_t
rec(uint8_t *p, uint8_t kind, const char *key, const char *label, const char *value,
    size_t vlen)
{
	size_t kl = strlen(key), ll = strlen(label), o = 0;

	p[o++] = kind;
	p[o++] = (uint8_t)(kl >> 8);
	p[o++] = (uint8_t)kl;
	memcpy(p + o, key, kl);
	o += kl;
	p[o++] = (uint8_t)(ll >> 8);
	p[o++] = (uint8_t)ll;
	memcpy(p + o, label, ll);
	o += ll;
	p[o++] = (uint8_t)(vlen >> 24);
	p[o++] = (uint8_t)(vlen >> 16);
	p[o++] = (uint8_t)(vlen >> 8);
	p[o++] = (uint8_t)vlen;
	memcpy(p + o, value, vlen);
	return o + vlen;
}

START_TEST(depth_bomb)
{
	size_t n = 100000, i, o = 0;
	uint8_t *p = malloc(n * 14 + 32 * 9);
	struct gdoi_tree *d;

	/* 32 levels decode. */
	for (i = 0; i < 32; i++)
		o += rec(p + o, 1, "d", "", "", 0);
	for (i = 0; i < 32; i++)
		o += rec(p + o, 2, "", "", "", 0);
	ck_assert_int_eq(gdoi_tree_decode(p, o, &d), GDOI_OK);
	gdoi_tree_free(d);
	/* 100000 opens stop at the 33rd. */
	for (i = 0, o = 0; i < n; i++)
		o += rec(p + o, 1, "d", "", "", 0);
	ck_assert_int_eq(gdoi_tree_decode(p, o, &d), GDOI_E_NESTING);
	ck_assert_ptr_null(d);
	free(p);
}
END_TEST

START_TEST(decode_malformed)
{
	uint8_t p[256];
	struct gdoi_tree *d;
	size_t o;

	/* Unknown record kind. */
	o = rec(p, 4, "a", "", "", 0);
	ck_assert_int_eq(gdoi_tree_decode(p, o, &d), GDOI_E_PAYLOAD);
	o = rec(p, 0, "a", "", "", 0);
	ck_assert_int_eq(gdoi_tree_decode(p, o, &d), GDOI_E_PAYLOAD);
	/* A close with no open section. */
	o = rec(p, 2, "", "", "", 0);
	ck_assert_int_eq(gdoi_tree_decode(p, o, &d), GDOI_E_ORDER);
	/* A close carrying a key, an open carrying a value. */
	o = rec(p, 1, "a", "", "", 0);
	o += rec(p + o, 2, "a", "", "", 0);
	ck_assert_int_eq(gdoi_tree_decode(p, o, &d), GDOI_E_LENGTH);
	o = rec(p, 1, "a", "", "v", 1);
	o += rec(p + o, 2, "", "", "", 0);
	ck_assert_int_eq(gdoi_tree_decode(p, o, &d), GDOI_E_LENGTH);
	/* Empty and invalid keys. */
	o = rec(p, 3, "", "L", "v", 1);
	ck_assert_int_eq(gdoi_tree_decode(p, o, &d), GDOI_E_INVAL);
	o = rec(p, 1, "a\nb", "", "", 0);
	o += rec(p + o, 2, "", "", "", 0);
	ck_assert_int_eq(gdoi_tree_decode(p, o, &d), GDOI_E_INVAL);
	/* A NUL inside a value or a label. */
	o = rec(p, 3, "k", "", "a\0b", 3);
	ck_assert_int_eq(gdoi_tree_decode(p, o, &d), GDOI_E_INVAL);
	{
		static const uint8_t nul_label[] = {
			0x03, 0x00, 0x01, 'k', 0x00, 0x02, 'L', 0x00, 0x00, 0x00, 0x00, 0x01, 'v',
		};

		ck_assert_int_eq(gdoi_tree_decode(nul_label, sizeof(nul_label), &d),
		    GDOI_E_INVAL);
	}
	/* Duplicate sibling keys. */
	o = rec(p, 3, "k", "", "1", 1);
	o += rec(p + o, 3, "k", "", "2", 1);
	ck_assert_int_eq(gdoi_tree_decode(p, o, &d), GDOI_E_INVAL);
	/* A value length running past the end. */
	o = rec(p, 3, "k", "", "12", 2);
	p[o - 3] = 3;
	ck_assert_int_eq(gdoi_tree_decode(p, o, &d), GDOI_E_TRUNC);
	/* A huge value length. */
	o = rec(p, 3, "k", "", "12", 2);
	p[o - 6] = 0xff;
	ck_assert_int_eq(gdoi_tree_decode(p, o, &d), GDOI_E_TRUNC);
	ck_assert_ptr_null(d);
}
END_TEST

START_TEST(fmt_parse)
{
	ck_assert_int_eq(gdoi_fmt_parse("text"), GDOI_FMT_TEXT);
	ck_assert_int_eq(gdoi_fmt_parse("keyvalue"), GDOI_FMT_KEYVALUE);
	ck_assert_int_eq(gdoi_fmt_parse("json"), GDOI_FMT_JSON);
	ck_assert_int_eq(gdoi_fmt_parse("xml"), GDOI_FMT_XML);
	ck_assert_int_eq(gdoi_fmt_parse("JSON"), -1);
	ck_assert_int_eq(gdoi_fmt_parse(""), -1);
	ck_assert_int_eq(gdoi_fmt_parse(NULL), -1);
	ck_assert_int_eq(gdoi_tree_write(NULL, GDOI_FMT_TEXT, stdout), GDOI_E_NOMEM);
}
END_TEST

START_TEST(text_ios_layout)
{
	struct gdoi_tree *t = gm_tree();
	char *s = render(t, GDOI_FMT_TEXT);

	/* The colons at column 29, as IOS prints "show crypto gdoi". */
	ck_assert_str_eq(s,
	    "GROUP INFORMATION\n"
	    "\n"
	    "    Group Name               : G1\n"
	    "    Group Identity           : 1234\n"
	    "    Group Server list        : 10.99.0.1\n"
	    "    Registration status      : Registered\n");
	free(s);
	gdoi_tree_free(t);
}
END_TEST

START_TEST(text_rules)
{
	struct gdoi_tree *t = layout_tree();
	char *s = render(t, GDOI_FMT_TEXT);

	ck_assert_str_eq(s,
	    "GROUP INFORMATION\n"
	    "\n"
	    "    Group Name               : G1\n"
	    /* leading space in the label; a second line aligned under the value */
	    "     Group Server list       : 10.99.0.1\n"
	    "                               10.99.0.2\n"
	    /* raw_seconds has no label: not printed */
	    "    Re-registers in          : 81 sec\n"
	    "    Rekey Retransmit Attempts: 2\n"
	    "    A label that is longer than the column: x\n"
	    "    Empty                    :\n"
	    "    Group member:\n"
	    "           Local addr/port   : 10.0.0.1/848\n"
	    "        spi: 0x1234ABCD(305441741)\n"
	    "\n"
	    "KEK POLICY:\n"
	    "    Rekey Transport Type     : Unicast\n"
	    "    ACL Downloaded From KS 10.99.0.1:\n"
	    "         access-list deny udp any port = 848 any port = 848\n"
	    "         access-list permit ip any any\n");
	free(s);
	gdoi_tree_free(t);
}
END_TEST

START_TEST(text_sanitized)
{
	struct gdoi_tree *t = escape_tree();
	char *s = render(t, GDOI_FMT_TEXT);

	ck_assert_str_eq(s,
	    "Peer\n"
	    "\n"
	    "    Quote                    : say \"hi\" \\ <b>&amp;\n"
	    "    Control                  : a?b?c?d?\n"
	    "                               e\n"
	    "    UTF-8                    : ?x?\xc3\xa9??\n");
	free(s);
	gdoi_tree_free(t);
}
END_TEST

START_TEST(keyvalue_exact)
{
	struct gdoi_tree *t = layout_tree();
	char *s = render(t, GDOI_FMT_KEYVALUE);

	ck_assert_str_eq(s,
	    "group.G1.name=G1\n"
	    "group.G1.servers=10.99.0.1\\n10.99.0.2\n"
	    "group.G1.raw_seconds=81\n"
	    "group.G1.reregisters_in=81 sec\n"
	    "group.G1.long=2\n"
	    "group.G1.longer=x\n"
	    "group.G1.empty=\n"
	    "group.G1.member.local=10.0.0.1/848\n"
	    "group.G1.member.spi=0x1234ABCD(305441741)\n"
	    "kek.transport=Unicast\n"
	    "kek.acl.0=access-list deny udp any port = 848 any port = 848\n"
	    "kek.acl.1=access-list permit ip any any\n");
	free(s);
	gdoi_tree_free(t);

	t = escape_tree();
	s = render(t, GDOI_FMT_KEYVALUE);
	ck_assert_str_eq(s,
	    "peer.quote=say \"hi\" \\\\ <b>&amp;\n"
	    "peer.ctl=a\\tb\\x01c\\x7fd\\r\\ne\n"
	    "peer.utf8=\xff" "x\x80\xc3\xa9\xe2\x82\n");
	free(s);
	gdoi_tree_free(t);

	t = gm_tree();
	s = render(t, GDOI_FMT_KEYVALUE);
	ck_assert_str_eq(s,
	    "group.G1.name=G1\n"
	    "group.G1.identity=1234\n"
	    "group.G1.server_list=10.99.0.1\n"
	    "group.G1.registration_status=Registered\n");
	free(s);
	gdoi_tree_free(t);
}
END_TEST

START_TEST(json_exact)
{
	struct gdoi_tree *t = gm_tree();
	char *s = render(t, GDOI_FMT_JSON);

	ck_assert_str_eq(s,
	    "{\"group\":{\"G1\":{\"name\":\"G1\",\"identity\":\"1234\","
	    "\"server_list\":\"10.99.0.1\",\"registration_status\":\"Registered\"}}}\n");
	free(s);
	gdoi_tree_free(t);

	t = escape_tree();
	s = render(t, GDOI_FMT_JSON);
	ck_assert_str_eq(s,
	    "{\"peer\":{\"quote\":\"say \\\"hi\\\" \\\\ <b>&amp;\","
	    "\"ctl\":\"a\\u0009b\\u0001c\\u007fd\\u000d\\u000ae\","
	    /* 0xff, 0x80 and the two bytes of a cut 3-byte sequence: U+FFFD each */
	    "\"utf8\":\"\xef\xbf\xbd" "x\xef\xbf\xbd\xc3\xa9\xef\xbf\xbd\xef\xbf\xbd\"}}\n");
	free(s);
	gdoi_tree_free(t);

	/* Sections without members, and the empty tree. */
	t = gdoi_tree_new();
	s = render(t, GDOI_FMT_JSON);
	ck_assert_str_eq(s, "{}\n");
	free(s);
	gdoi_tree_open(t, "a", NULL);
	gdoi_tree_close(t);
	gdoi_tree_open(t, "b", NULL);
	gdoi_tree_open(t, "c", NULL);
	gdoi_tree_close(t);
	gdoi_tree_attr(t, "d", NULL, "%s", "");
	gdoi_tree_close(t);
	s = render(t, GDOI_FMT_JSON);
	ck_assert_str_eq(s, "{\"a\":{},\"b\":{\"c\":{},\"d\":\"\"}}\n");
	free(s);
	s = render(t, GDOI_FMT_KEYVALUE);
	ck_assert_str_eq(s, "b.d=\n");
	free(s);
	s = render(t, GDOI_FMT_TEXT);
	ck_assert_str_eq(s, "");
	free(s);
	gdoi_tree_free(t);
}
END_TEST

/*
 * One line per element of a parsed XML document:
 *   path [key=K] [label=L] [= text of a leaf]
 */
static void
xml_flatten(xmlNode *n, char *out, size_t cap)
{
	xmlChar *path, *key, *label, *text;
	xmlNode *c;
	size_t o;

	for (; n != NULL; n = xmlNextElementSibling(n)) {
		path = xmlGetNodePath(n);
		key = xmlGetProp(n, (const xmlChar *)"key");
		label = xmlGetProp(n, (const xmlChar *)"label");
		c = xmlFirstElementChild(n);
		text = c == NULL ? xmlNodeGetContent(n) : NULL;
		o = strlen(out);
		snprintf(out + o, cap - o, "%s%s%s%s%s%s%s\n", (const char *)path,
		    key ? " key=" : "", key ? (const char *)key : "",
		    label ? " label=" : "", label ? (const char *)label : "",
		    text ? " = " : "", text ? (const char *)text : "");
		XFREE(path);
		XFREE(key);
		XFREE(label);
		XFREE(text);
		if (c != NULL)
			xml_flatten(c, out, cap);
	}
}

static char *
xml_parse_flat(const char *s)
{
	static char flat[4096];
	xmlDoc *doc = xmlReadMemory(s, (int)strlen(s), "reply.xml", NULL, 0);

	ck_assert_ptr_nonnull(doc);
	flat[0] = '\0';
	xml_flatten(xmlDocGetRootElement(doc), flat, sizeof(flat));
	xmlFreeDoc(doc);
	return flat;
}

START_TEST(xml_exact_and_parsed)
{
	struct gdoi_tree *t = gm_tree();
	char *s = render(t, GDOI_FMT_XML);

	ck_assert_str_eq(s,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<gdoi>\n"
	    "  <group label=\"GROUP INFORMATION\">\n"
	    "    <G1>\n"
	    "      <name label=\"Group Name\">G1</name>\n"
	    "      <identity label=\"Group Identity\">1234</identity>\n"
	    "      <server_list label=\"Group Server list\">10.99.0.1</server_list>\n"
	    "      <registration_status label=\"Registration status\">Registered"
	    "</registration_status>\n"
	    "    </G1>\n"
	    "  </group>\n"
	    "</gdoi>\n");
	ck_assert_str_eq(xml_parse_flat(s),
	    "/gdoi\n"
	    "/gdoi/group label=GROUP INFORMATION\n"
	    "/gdoi/group/G1\n"
	    "/gdoi/group/G1/name label=Group Name = G1\n"
	    "/gdoi/group/G1/identity label=Group Identity = 1234\n"
	    "/gdoi/group/G1/server_list label=Group Server list = 10.99.0.1\n"
	    "/gdoi/group/G1/registration_status label=Registration status = Registered\n");
	free(s);
	gdoi_tree_free(t);

	/* Keys that are not XML names. */
	t = layout_tree();
	s = render(t, GDOI_FMT_XML);
	ck_assert_ptr_nonnull(strstr(s,
	    "    <acl label=\"ACL Downloaded From KS 10.99.0.1:\">\n"
	    "      <attr key=\"0\" label=\" \">access-list deny udp any port = 848 any port = 848"
	    "</attr>\n"
	    "      <attr key=\"1\" label=\" \">access-list permit ip any any</attr>\n"
	    "    </acl>\n"));
	ck_assert_ptr_nonnull(strstr(xml_parse_flat(s),
	    "/gdoi/kek/acl label=ACL Downloaded From KS 10.99.0.1:\n"
	    "/gdoi/kek/acl/attr[1] key=0 label=  = access-list deny udp any port = 848 any "
	    "port = 848\n"
	    "/gdoi/kek/acl/attr[2] key=1 label=  = access-list permit ip any any\n"));
	free(s);
	gdoi_tree_free(t);

	t = gdoi_tree_new();
	gdoi_tree_open(t, "10.0.0.1", "Member");
	gdoi_tree_attr(t, "xmlish", NULL, "1");
	gdoi_tree_attr(t, "9lives", NULL, "2");
	gdoi_tree_attr(t, "a:b", NULL, "3");
	gdoi_tree_attr(t, "ok_name-1.x", NULL, "4");
	gdoi_tree_close(t);
	s = render(t, GDOI_FMT_XML);
	ck_assert_str_eq(xml_parse_flat(s),
	    "/gdoi\n"
	    "/gdoi/section key=10.0.0.1 label=Member\n"
	    "/gdoi/section/attr[1] key=xmlish = 1\n"
	    "/gdoi/section/attr[2] key=9lives = 2\n"
	    "/gdoi/section/attr[3] key=a:b = 3\n"
	    "/gdoi/section/ok_name-1.x = 4\n");
	free(s);
	gdoi_tree_free(t);

	/* Values come back as they were, except what XML cannot carry. */
	t = escape_tree();
	s = render(t, GDOI_FMT_XML);
	ck_assert_str_eq(xml_parse_flat(s),
	    "/gdoi\n"
	    "/gdoi/peer label=Peer\n"
	    "/gdoi/peer/quote label=Quote = say \"hi\" \\ <b>&amp;\n"
	    "/gdoi/peer/ctl label=Control = a\tb\xef\xbf\xbd" "c\x7f" "d\r\ne\n"
	    "/gdoi/peer/utf8 label=UTF-8 = \xef\xbf\xbd" "x\xef\xbf\xbd\xc3\xa9"
	    "\xef\xbf\xbd\xef\xbf\xbd\n");
	free(s);
	gdoi_tree_free(t);
	xmlCleanupParser();
}
END_TEST

static Suite *
tree_suite(void)
{
	Suite *s = suite_create("tree");
	TCase *tc;

	tc = tcase_create("build");
	tcase_add_test(tc, build_and_get);
	tcase_add_test(tc, long_value);
	tcase_add_test(tc, builder_errors);
	suite_add_tcase(s, tc);

	tc = tcase_create("serialize");
	tcase_add_test(tc, encode_exact);
	tcase_add_test(tc, round_trip);
	tcase_add_test(tc, every_truncation_fails);
	tcase_add_test(tc, every_mutation_is_safe);
	tcase_add_test(tc, depth_bomb);
	tcase_add_test(tc, decode_malformed);
	suite_add_tcase(s, tc);

	tc = tcase_create("writers");
	tcase_add_test(tc, fmt_parse);
	tcase_add_test(tc, text_ios_layout);
	tcase_add_test(tc, text_rules);
	tcase_add_test(tc, text_sanitized);
	tcase_add_test(tc, keyvalue_exact);
	tcase_add_test(tc, json_exact);
	tcase_add_test(tc, xml_exact_and_parsed);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(tree_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
