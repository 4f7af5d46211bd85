/*
 * GDOI-LINUX-MIB rows from the daemons' reply trees (see gdoi_mib.h).
 *
 * Each table is described once (tables[]): its arc under gdoiMIBObjects,
 * its readable columns and its number of index sub-identifiers.  The
 * builders map reply keys (the keyvalue contract of ks_show.c and
 * gm_show.c) to columns with one table per section (ks_cols[], gm_cols[],
 * kek_cols[], tek_cols[], member_cols[]), so the mapping reads as a list.
 * Rows are appended in any order and sorted once by gdoi_mib_finish();
 * GET and GETNEXT are binary searches.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gdoi/buf.h"
#include "gdoi/err.h"
#include "gdoi_mib.h"

const uint32_t gdoi_mib_root[GDOI_MIB_ROOT_LEN] = { GDOI_MIB_ROOT };

/* The tables, as their OIDs are built: root.1.SUB.TBL.1.COL.index... */
enum { T_KS_GROUP, T_KS_MEMBER, T_GM_GROUP, T_KEK, T_TEK, T_COUNT };

static const struct table {
	uint32_t t_sub, t_tbl;      /* gdoiMIBObjects.SUB.TBL */
	uint32_t t_first, t_last;   /* readable columns */
	size_t t_nidx;              /* index sub-identifiers */
} tables[T_COUNT] = {
	[T_KS_GROUP] = { 1, 1, 2, 17, 1 },
	[T_KS_MEMBER] = { 1, 2, 2, 11, 2 },
	[T_GM_GROUP] = { 2, 1, 2, 15, 1 },
	[T_KEK] = { 3, 1, 3, 7, 2 },
	[T_TEK] = { 3, 2, 4, 7, 3 },
};

struct gdoi_mib {
	struct gdoi_mib_row *m_rows;
	size_t m_n, m_cap;
	uint32_t m_ks_groups, m_gm_groups;  /* group indexes handed out */
	int m_err;
};

/* How a reply attribute becomes a value. */
enum conv {
	C_STR,       /* DisplayString, at most 255 octets */
	C_U32,       /* decimal -> Unsigned32/Gauge32 */
	C_CNT,       /* decimal -> Counter32 */
	C_SECS,      /* "N" or "N sec" -> Unsigned32 */
	C_HEX32,     /* "0x1234ABCD" -> Unsigned32 */
	C_SPI16,     /* 32 hex digits -> OCTET STRING (SIZE(16)) */
	C_TRANSPORT, /* Unicast / Multicast -> GdoiRekeyTransport */
	C_MSTATE,    /* KS member state -> registered / removed */
	C_REGSTATE,  /* GM registration status -> enumeration */
	C_KEKALG,    /* Encrypt Algorithm -> GdoiKekAlgorithm */
};

struct col {
	const char *c_key;   /* dotted path under the section */
	uint32_t c_col;
	enum conv c_conv;
};

static const struct col ks_cols[] = {
	{ "name", 2, C_STR },
	{ "identity", 3, C_U32 },
	{ "members", 4, C_U32 },
	{ "members_removed", 5, C_U32 },
	{ "registrations", 6, C_CNT },
	{ "refused", 7, C_CNT },
	{ "rekeys_sent", 8, C_CNT },
	{ "retransmits", 9, C_CNT },
	{ "tek_rekeys", 10, C_CNT },
	{ "kek_rekeys", 11, C_CNT },
	{ "policy_rekeys", 12, C_CNT },
	{ "acks_rcvd", 13, C_CNT },
	{ "members_ejected", 14, C_CNT },
	{ "seq", 15, C_U32 },
	{ "time_to_rekey", 16, C_SECS },
	{ "transport", 17, C_TRANSPORT },
	{ NULL, 0, 0 }
};

/* Columns 2 and 3 (address type and address) come from "address". */
static const struct col member_cols[] = {
	{ "identity", 4, C_STR },
	{ "state", 5, C_MSTATE },
	{ "registrations", 6, C_CNT },
	{ "rekeys_sent", 7, C_CNT },
	{ "rekey_retries", 8, C_CNT },
	{ "acks_rcvd", 9, C_CNT },
	{ "acks_missed", 10, C_CNT },
	{ "rcvd_seq", 11, C_U32 },
	{ NULL, 0, 0 }
};

/* Columns 5 and 6 (registered-with type and address) come from
 * "registered_with". */
static const struct col gm_cols[] = {
	{ "name", 2, C_STR },
	{ "identity", 3, C_U32 },
	{ "registration_status", 4, C_REGSTATE },
	{ "reregisters_in", 7, C_SECS },
	{ "succeeded_registrations", 8, C_CNT },
	{ "attempted_registrations", 9, C_CNT },
	{ "rekeys_received", 10, C_CNT },
	{ "last_rekey_seq", 11, C_U32 },
	{ "rekeys.rejected_sig", 12, C_CNT },
	{ "rekeys.rejected_replay", 13, C_CNT },
	{ "rekeys.rejected_malformed", 14, C_CNT },
	{ "rekey_acks_sent", 15, C_CNT },
	{ NULL, 0, 0 }
};

static const struct col kek_cols[] = {
	{ "spi", 3, C_SPI16 },
	{ "encrypt_algorithm", 4, C_KEKALG },
	{ "key_size", 5, C_U32 },
	{ "lifetime", 6, C_SECS },
	{ "initial_lifetime", 7, C_SECS },
	{ NULL, 0, 0 }
};

static const struct col tek_cols[] = {
	{ "spi", 4, C_HEX32 },
	{ "transform", 5, C_STR },
	{ "remaining", 6, C_SECS },
	{ "initial_lifetime", 7, C_SECS },
	{ NULL, 0, 0 }
};

/* ------------------------------------------------------------------ */
/* OIDs                                                                 */

int
gdoi_mib_oidcmp(const uint32_t *a, size_t alen, const uint32_t *b, size_t blen)
{
	size_t i, n = alen < blen ? alen : blen;

	for (i = 0; i < n; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return alen < blen ? -1 : alen > blen ? 1 : 0;
}

char *
gdoi_mib_oid_str(const uint32_t *oid, size_t len, char *buf, size_t cap)
{
	size_t i, off = 0;
	int n;

	if (cap == 0)
		return buf;
	buf[0] = '\0';
	for (i = 0; i < len && off < cap; i++) {
		n = snprintf(buf + off, cap - off, "%s%u", i ? "." : "", oid[i]);
		if (n < 0)
			break;
		off += (size_t)n;
	}
	return buf;
}

/* The prefix root.1.SUB.TBL.1 of table t, in oid; its length. */
static size_t
entry_prefix(int t, uint32_t *oid)
{
	memcpy(oid, gdoi_mib_root, sizeof(gdoi_mib_root));
	oid[GDOI_MIB_ROOT_LEN] = 1;
	oid[GDOI_MIB_ROOT_LEN + 1] = tables[t].t_sub;
	oid[GDOI_MIB_ROOT_LEN + 2] = tables[t].t_tbl;
	oid[GDOI_MIB_ROOT_LEN + 3] = 1;
	return GDOI_MIB_ROOT_LEN + 4;
}

int
gdoi_mib_is_object(const uint32_t *oid, size_t len)
{
	uint32_t pre[GDOI_MIB_OID_MAX];
	size_t plen;
	int t;

	for (t = 0; t < T_COUNT; t++) {
		plen = entry_prefix(t, pre);
		if (len > plen && gdoi_mib_oidcmp(oid, plen, pre, plen) == 0)
			return oid[plen] >= tables[t].t_first && oid[plen] <= tables[t].t_last;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Building                                                             */

struct gdoi_mib *
gdoi_mib_new(void)
{
	return calloc(1, sizeof(struct gdoi_mib));
}

void
gdoi_mib_free(struct gdoi_mib *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->m_n; i++)
		free(m->m_rows[i].r_str);
	free(m->m_rows);
	free(m);
}

/* Append a row of table t, column col, with the index sub-identifiers
 * idx (tables[t].t_nidx of them); NULL on allocation failure (sticky). */
static struct gdoi_mib_row *
row_add(struct gdoi_mib *m, int t, uint32_t col, const uint32_t *idx, enum gdoi_mib_type type)
{
	struct gdoi_mib_row *r;
	size_t len, i;

	if (m->m_err)
		return NULL;
	if (m->m_n == m->m_cap) {
		size_t ncap = m->m_cap ? m->m_cap * 2 : 64;

		if ((r = realloc(m->m_rows, ncap * sizeof(*r))) == NULL) {
			m->m_err = GDOI_E_NOMEM;
			return NULL;
		}
		m->m_rows = r;
		m->m_cap = ncap;
	}
	r = &m->m_rows[m->m_n];
	memset(r, 0, sizeof(*r));
	len = entry_prefix(t, r->r_oid);
	r->r_oid[len++] = col;
	for (i = 0; i < tables[t].t_nidx; i++)
		r->r_oid[len++] = idx[i];
	r->r_oidlen = len;
	r->r_type = type;
	m->m_n++;
	return r;
}

static void
row_num(struct gdoi_mib *m, int t, uint32_t col, const uint32_t *idx, enum gdoi_mib_type type,
    uint32_t v)
{
	struct gdoi_mib_row *r = row_add(m, t, col, idx, type);

	if (r != NULL)
		r->r_num = v;
}

static void
row_str(struct gdoi_mib *m, int t, uint32_t col, const uint32_t *idx, const void *p, size_t n)
{
	struct gdoi_mib_row *r = row_add(m, t, col, idx, GDOI_MIB_OCTETS);

	if (r == NULL)
		return;
	/* one more byte, so an empty string is not a NULL pointer */
	if ((r->r_str = malloc(n + 1)) == NULL) {
		m->m_n--;
		m->m_err = GDOI_E_NOMEM;
		return;
	}
	if (n > 0)
		memcpy(r->r_str, p, n);
	r->r_str[n] = '\0';
	r->r_strlen = n;
}

/* Strict unsigned decimal, optionally followed by suffix; 0 or -1. */
static int
parse_u32(const char *s, const char *suffix, uint32_t *out)
{
	unsigned long long v = 0;
	const char *p = s;

	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (unsigned)(*p - '0');
		if (v > UINT32_MAX)
			return -1;
	}
	if (*p != '\0' && (suffix == NULL || strcmp(p, suffix) != 0))
		return -1;
	*out = (uint32_t)v;
	return 0;
}

/* Exactly n octets of hex digits (no separators); 0 or -1. */
static int
parse_hex(const char *s, uint8_t *out, size_t n)
{
	size_t i;
	int hi, lo;

	if (strlen(s) != 2 * n)
		return -1;
	for (i = 0; i < n; i++) {
		if ((hi = gdoi_hexval(s[2 * i])) < 0 || (lo = gdoi_hexval(s[2 * i + 1])) < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

/* "0x" and 1 to 8 hex digits; 0 or -1. */
static int
parse_hex32(const char *s, uint32_t *out)
{
	uint32_t v = 0;
	size_t i;
	int d;

	if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X') || s[2] == '\0' || strlen(s) > 10)
		return -1;
	for (i = 2; s[i] != '\0'; i++) {
		if ((d = gdoi_hexval(s[i])) < 0)
			return -1;
		v = v << 4 | (uint32_t)d;
	}
	*out = v;
	return 0;
}

struct name_num {
	const char *nn_name;
	uint32_t nn_num;
};

static const struct name_num transports[] = {
	{ "Unicast", 1 }, { "Multicast", 2 }, { NULL, 0 }
};
static const struct name_num mstates[] = {
	{ "Registered", 1 }, { "Removed (rekeys not acknowledged)", 2 }, { NULL, 0 }
};
static const struct name_num regstates[] = {
	{ "Not started", 1 }, { "Registering", 2 }, { "Registered", 3 },
	{ "Not registered", 4 }, { NULL, 0 }
};
/* RFC 6407 KEK_ALGORITHM numbers; anything else is other(0). */
static const struct name_num kekalgs[] = {
	{ "DES", 1 }, { "3DES", 2 }, { "AES", 3 }, { NULL, 0 }
};

/* An enumeration by exact name; 0 or -1 (unknown name, no instance). */
static int
lookup(const struct name_num *tab, const char *s, uint32_t *out)
{
	for (; tab->nn_name != NULL; tab++)
		if (strcmp(tab->nn_name, s) == 0) {
			*out = tab->nn_num;
			return 0;
		}
	return -1;
}

/* The child of section sec with this key (the first len bytes of key). */
static const struct gdoi_node *
child(const struct gdoi_node *sec, const char *key, size_t len)
{
	const struct gdoi_node *n;

	if (sec == NULL || sec->n_kind != GDOI_NODE_SECTION)
		return NULL;
	for (n = sec->n_child; n != NULL; n = n->n_next)
		if (strncmp(n->n_key, key, len) == 0 && n->n_key[len] == '\0')
			return n;
	return NULL;
}

static const struct gdoi_node *
section(const struct gdoi_node *sec, const char *key)
{
	const struct gdoi_node *n = child(sec, key, strlen(key));

	return n != NULL && n->n_kind == GDOI_NODE_SECTION ? n : NULL;
}

/* The value of the attribute at a dotted path under sec, or NULL. */
static const char *
attr(const struct gdoi_node *sec, const char *path)
{
	const char *dot;

	while ((dot = strchr(path, '.')) != NULL) {
		sec = child(sec, path, (size_t)(dot - path));
		if (sec == NULL || sec->n_kind != GDOI_NODE_SECTION)
			return NULL;
		path = dot + 1;
	}
	sec = child(sec, path, strlen(path));
	return sec != NULL && sec->n_kind == GDOI_NODE_ATTR ? sec->n_value : NULL;
}

/* One row per column of cols whose attribute is present and parses. */
static void
add_cols(struct gdoi_mib *m, int t, const uint32_t *idx, const struct gdoi_node *sec,
    const struct col *cols)
{
	const struct name_num *tab;
	const char *v;
	uint8_t spi[16];
	uint32_t n;
	size_t len;

	for (; cols->c_key != NULL; cols++) {
		if ((v = attr(sec, cols->c_key)) == NULL)
			continue;
		tab = NULL;
		switch (cols->c_conv) {
		case C_STR:
			len = strlen(v);
			row_str(m, t, cols->c_col, idx, v, len > 255 ? 255 : len);
			continue;
		case C_U32:
		case C_CNT:
			if (parse_u32(v, NULL, &n) == 0)
				row_num(m, t, cols->c_col, idx,
				    cols->c_conv == C_CNT ? GDOI_MIB_COUNTER : GDOI_MIB_GAUGE, n);
			continue;
		case C_SECS:
			if (parse_u32(v, " sec", &n) == 0)
				row_num(m, t, cols->c_col, idx, GDOI_MIB_GAUGE, n);
			continue;
		case C_HEX32:
			if (parse_hex32(v, &n) == 0)
				row_num(m, t, cols->c_col, idx, GDOI_MIB_GAUGE, n);
			continue;
		case C_SPI16:
			if (parse_hex(v, spi, sizeof(spi)) == 0)
				row_str(m, t, cols->c_col, idx, spi, sizeof(spi));
			continue;
		case C_KEKALG:
			if (lookup(kekalgs, v, &n) != 0)
				n = 0;	/* other(0) */
			row_num(m, t, cols->c_col, idx, GDOI_MIB_INTEGER, n);
			continue;
		case C_TRANSPORT:
			tab = transports;
			break;
		case C_MSTATE:
			tab = mstates;
			break;
		case C_REGSTATE:
			tab = regstates;
			break;
		}
		if (tab != NULL && lookup(tab, v, &n) == 0)
			row_num(m, t, cols->c_col, idx, GDOI_MIB_INTEGER, n);
	}
}

/* An InetAddressType / InetAddress pair in columns col, col + 1: the
 * address text of a reply, or unknown(0) and "" for "-" or nothing. */
static void
add_inet(struct gdoi_mib *m, int t, uint32_t col, const uint32_t *idx, const char *v)
{
	uint8_t a[16];

	if (v != NULL && inet_pton(AF_INET, v, a) == 1) {
		row_num(m, t, col, idx, GDOI_MIB_INTEGER, 1);
		row_str(m, t, col + 1, idx, a, 4);
	} else if (v != NULL && inet_pton(AF_INET6, v, a) == 1) {
		row_num(m, t, col, idx, GDOI_MIB_INTEGER, 2);
		row_str(m, t, col + 1, idx, a, 16);
	} else {
		row_num(m, t, col, idx, GDOI_MIB_INTEGER, 0);
		row_str(m, t, col + 1, idx, "", 0);
	}
}

/* A section key "N" (decimal, as the daemons number lists) as N + 1. */
static int
list_pos(const char *key, uint32_t *pos)
{
	uint32_t n;

	if (parse_u32(key, NULL, &n) != 0 || n == UINT32_MAX)
		return -1;
	*pos = n + 1;
	return 0;
}

/* The KEK and TEK rows of group section g (index gidx) of a role. */
static void
add_sas(struct gdoi_mib *m, uint32_t role, uint32_t gidx, const struct gdoi_node *g)
{
	const struct gdoi_node *kek = section(g, "kek"), *tek = section(g, "tek"), *n;
	uint32_t idx[3] = { role, gidx, 0 };

	if (kek != NULL)
		add_cols(m, T_KEK, idx, kek, kek_cols);
	for (n = tek ? tek->n_child : NULL; n != NULL; n = n->n_next)
		if (n->n_kind == GDOI_NODE_SECTION && list_pos(n->n_key, &idx[2]) == 0)
			add_cols(m, T_TEK, idx, n, tek_cols);
}

int
gdoi_mib_add_ks(struct gdoi_mib *m, const struct gdoi_tree *t)
{
	const struct gdoi_node *groups = section(gdoi_tree_root(t), "group"), *g, *mem, *n;
	uint32_t idx[2];

	for (g = groups ? groups->n_child : NULL; g != NULL && !m->m_err; g = g->n_next) {
		if (g->n_kind != GDOI_NODE_SECTION)
			continue;
		if (m->m_ks_groups == UINT32_MAX)
			break;
		idx[0] = ++m->m_ks_groups;
		add_cols(m, T_KS_GROUP, idx, g, ks_cols);
		mem = section(g, "member");
		for (n = mem ? mem->n_child : NULL; n != NULL; n = n->n_next) {
			if (n->n_kind != GDOI_NODE_SECTION || list_pos(n->n_key, &idx[1]) != 0)
				continue;
			if (attr(n, "address") != NULL)
				add_inet(m, T_KS_MEMBER, 2, idx, attr(n, "address"));
			add_cols(m, T_KS_MEMBER, idx, n, member_cols);
		}
		add_sas(m, GDOI_MIB_ROLE_KS, idx[0], g);
	}
	return m->m_err;
}

int
gdoi_mib_add_gm(struct gdoi_mib *m, const struct gdoi_tree *t)
{
	const struct gdoi_node *groups = section(gdoi_tree_root(t), "group"), *g;
	const char *ks;
	uint32_t idx[1];

	for (g = groups ? groups->n_child : NULL; g != NULL && !m->m_err; g = g->n_next) {
		if (g->n_kind != GDOI_NODE_SECTION)
			continue;
		if (m->m_gm_groups == UINT32_MAX)
			break;
		idx[0] = ++m->m_gm_groups;
		add_cols(m, T_GM_GROUP, idx, g, gm_cols);
		if ((ks = attr(g, "registered_with")) != NULL)
			add_inet(m, T_GM_GROUP, 5, idx, strcmp(ks, "-") == 0 ? NULL : ks);
		add_sas(m, GDOI_MIB_ROLE_GM, idx[0], g);
	}
	return m->m_err;
}

uint32_t
gdoi_mib_groups(const struct gdoi_mib *m, int role)
{
	return role == GDOI_MIB_ROLE_KS ? m->m_ks_groups : m->m_gm_groups;
}

void
gdoi_mib_reserve(struct gdoi_mib *m, int role, uint32_t n)
{
	uint32_t *c = role == GDOI_MIB_ROLE_KS ? &m->m_ks_groups : &m->m_gm_groups;

	*c = *c > UINT32_MAX - n ? UINT32_MAX : *c + n;
}

/* ------------------------------------------------------------------ */
/* Lookup                                                               */

static int
row_cmp(const void *a, const void *b)
{
	const struct gdoi_mib_row *x = a, *y = b;

	return gdoi_mib_oidcmp(x->r_oid, x->r_oidlen, y->r_oid, y->r_oidlen);
}

int
gdoi_mib_finish(struct gdoi_mib *m)
{
	size_t i;

	if (m->m_err)
		return m->m_err;
	if (m->m_n > 1)
		qsort(m->m_rows, m->m_n, sizeof(*m->m_rows), row_cmp);
	for (i = 1; i < m->m_n; i++)
		if (row_cmp(&m->m_rows[i - 1], &m->m_rows[i]) == 0)
			return GDOI_E_INVAL;
	return GDOI_OK;
}

size_t
gdoi_mib_count(const struct gdoi_mib *m)
{
	return m->m_n;
}

const struct gdoi_mib_row *
gdoi_mib_row(const struct gdoi_mib *m, size_t i)
{
	return i < m->m_n ? &m->m_rows[i] : NULL;
}

/* The first row whose OID is >= oid (strict: > oid): its position. */
static size_t
lower_bound(const struct gdoi_mib *m, const uint32_t *oid, size_t len, int strict)
{
	size_t lo = 0, hi = m->m_n, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = gdoi_mib_oidcmp(m->m_rows[mid].r_oid, m->m_rows[mid].r_oidlen, oid, len);
		if (c < 0 || (strict && c == 0))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct gdoi_mib_row *
gdoi_mib_get(const struct gdoi_mib *m, const uint32_t *oid, size_t len)
{
	size_t i = lower_bound(m, oid, len, 0);

	if (i < m->m_n && gdoi_mib_oidcmp(m->m_rows[i].r_oid, m->m_rows[i].r_oidlen, oid, len) == 0)
		return &m->m_rows[i];
	return NULL;
}

const struct gdoi_mib_row *
gdoi_mib_next(const struct gdoi_mib *m, const uint32_t *oid, size_t len)
{
	size_t i = lower_bound(m, oid, len, 1);

	return i < m->m_n ? &m->m_rows[i] : NULL;
}
