/*
 * The reply tree of the control protocol (see gdoi/tree.h): building,
 * serialization and lookup.  The writers live in writer.c.
 *
 * Rules the builder enforces (the first violation is the sticky error
 * that gdoi_tree_error() reports, and every later call is a no-op):
 *  - a key is 1..GDOI_TREE_KEYMAX bytes of printable ASCII other than
 *    space and '=' (GDOI_E_INVAL otherwise): keys become keyvalue paths,
 *    JSON member names and XML element names;
 *  - keys are unique among siblings: opening a section or adding an
 *    attribute whose key a sibling already has is GDOI_E_INVAL (JSON
 *    objects and keyvalue paths need unique names);
 *  - sections nest at most GDOI_TREE_DEPTH deep (GDOI_E_NESTING);
 *  - a close without an open section is GDOI_E_INVAL;
 *  - a label is at most 65535 bytes and a value at most GDOI_CTL_MAX
 *    (GDOI_E_TOOBIG); an empty label is the same as no label.
 * gdoi_tree_decode() applies the same rules to what it reads, so a
 * decoded tree always satisfies them.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gdoi/buf.h"
#include "gdoi/ctl.h"
#include "gdoi/err.h"
#include "gdoi/tree.h"

#define GDOI_TREE_DEPTH 32
#define GDOI_TREE_KEYMAX 1024
#define GDOI_TREE_LABELMAX 0xffffu

static char empty_key[1];

#define TREC_OPEN 1
#define TREC_CLOSE 2
#define TREC_ATTR 3

/* A node as allocated: the public part first, so the two convert. */
struct tnode {
	struct gdoi_node tn_n;
	struct tnode *tn_parent;
	struct tnode *tn_last;   /* sections: last child, for appending */
	uint32_t tn_hash;        /* of (parent, key), for the sibling table */
};

struct gdoi_tree {
	struct tnode t_root;
	struct tnode *t_cur;     /* the open section new nodes go into */
	unsigned t_depth;
	int t_err;
	struct tnode **t_tab;    /* open addressing on tn_hash: sibling keys */
	size_t t_tabsz;          /* power of two, or 0 */
	size_t t_count;
};

struct gdoi_tree *
gdoi_tree_new(void)
{
	struct gdoi_tree *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return NULL;
	t->t_root.tn_n.n_kind = GDOI_NODE_SECTION;
	t->t_root.tn_n.n_key = empty_key;
	t->t_cur = &t->t_root;
	return t;
}

static void
node_free_list(struct gdoi_node *n)
{
	struct gdoi_node *next;

	/* Recursion is bounded by GDOI_TREE_DEPTH. */
	for (; n != NULL; n = next) {
		next = n->n_next;
		node_free_list(n->n_child);
		free(n);
	}
}

void
gdoi_tree_free(struct gdoi_tree *t)
{
	if (t == NULL)
		return;
	node_free_list(t->t_root.tn_n.n_child);
	free(t->t_tab);
	free(t);
}

int
gdoi_tree_error(const struct gdoi_tree *t)
{
	if (t == NULL)
		return GDOI_E_NOMEM;	/* gdoi_tree_new() failed */
	return t->t_err;
}

static void
tree_fail(struct gdoi_tree *t, int err)
{
	if (t->t_err == 0)
		t->t_err = err;
}

static int
key_valid(const char *key, size_t len)
{
	size_t i;

	if (len == 0 || len > GDOI_TREE_KEYMAX)
		return 0;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)key[i];

		if (c <= 0x20 || c >= 0x7f || c == '=')
			return 0;
	}
	return 1;
}

static uint32_t
key_hash(const struct tnode *parent, const char *key, size_t len)
{
	return gdoi_fnv1a(gdoi_fnv1a(GDOI_FNV1A_INIT, &parent, sizeof(parent)), key, len);
}

/* Is there a sibling under parent with this key? */
static int
tab_has(const struct gdoi_tree *t, const struct tnode *parent, const char *key,
    size_t len, uint32_t h)
{
	size_t mask = t->t_tabsz - 1, i;
	const struct tnode *n;

	if (t->t_tabsz == 0)
		return 0;
	for (i = h & mask; (n = t->t_tab[i]) != NULL; i = (i + 1) & mask) {
		if (n->tn_hash == h && n->tn_parent == parent &&
		    strncmp(n->tn_n.n_key, key, len) == 0 && n->tn_n.n_key[len] == '\0')
			return 1;
	}
	return 0;
}

static void
tab_put(struct tnode **tab, size_t sz, struct tnode *n)
{
	size_t mask = sz - 1, i;

	for (i = n->tn_hash & mask; tab[i] != NULL; i = (i + 1) & mask)
		;
	tab[i] = n;
}

/* Room for one more entry, keeping the load under one half. */
static int
tab_grow(struct gdoi_tree *t)
{
	struct tnode **nt;
	size_t nsz, i;

	if (t->t_tabsz != 0 && (t->t_count + 1) * 2 <= t->t_tabsz)
		return GDOI_OK;
	nsz = t->t_tabsz ? t->t_tabsz * 2 : 64;
	nt = calloc(nsz, sizeof(*nt));
	if (nt == NULL)
		return GDOI_E_NOMEM;
	for (i = 0; i < t->t_tabsz; i++)
		if (t->t_tab[i] != NULL)
			tab_put(nt, nsz, t->t_tab[i]);
	free(t->t_tab);
	t->t_tab = nt;
	t->t_tabsz = nsz;
	return GDOI_OK;
}

/*
 * Append a node under the open section.  Strings come with their lengths
 * (the decoder's are not NUL-terminated); they are copied into the same
 * allocation as the node.
 */
static struct tnode *
node_add(struct gdoi_tree *t, enum gdoi_node_kind kind, const char *key, size_t klen,
    const char *label, size_t llen, const char *value, size_t vlen)
{
	struct tnode *n, *parent = t->t_cur;
	uint32_t h;
	char *p;

	if (t->t_err)
		return NULL;
	if (!key_valid(key, klen)) {
		tree_fail(t, GDOI_E_INVAL);
		return NULL;
	}
	if (llen > GDOI_TREE_LABELMAX || vlen > GDOI_CTL_MAX) {
		tree_fail(t, GDOI_E_TOOBIG);
		return NULL;
	}
	if (kind == GDOI_NODE_SECTION && t->t_depth >= GDOI_TREE_DEPTH) {
		tree_fail(t, GDOI_E_NESTING);
		return NULL;
	}
	h = key_hash(parent, key, klen);
	if (tab_has(t, parent, key, klen, h)) {
		tree_fail(t, GDOI_E_INVAL);
		return NULL;
	}
	if (tab_grow(t) != GDOI_OK ||
	    (n = calloc(1, sizeof(*n) + klen + 1 + llen + 1 + vlen + 1)) == NULL) {
		tree_fail(t, GDOI_E_NOMEM);
		return NULL;
	}
	p = (char *)(n + 1);
	n->tn_n.n_kind = kind;
	n->tn_n.n_key = p;
	memcpy(p, key, klen);
	p += klen + 1;
	if (llen > 0) {
		n->tn_n.n_label = p;
		memcpy(p, label, llen);
	}
	p += llen + 1;
	if (kind == GDOI_NODE_ATTR) {
		n->tn_n.n_value = p;
		if (vlen > 0)
			memcpy(p, value, vlen);
	}
	n->tn_parent = parent;
	n->tn_hash = h;
	if (parent->tn_last != NULL)
		parent->tn_last->tn_n.n_next = &n->tn_n;
	else
		parent->tn_n.n_child = &n->tn_n;
	parent->tn_last = n;
	tab_put(t->t_tab, t->t_tabsz, n);
	t->t_count++;
	return n;
}

static void
section_open(struct gdoi_tree *t, const char *key, size_t klen, const char *label,
    size_t llen)
{
	struct tnode *n = node_add(t, GDOI_NODE_SECTION, key, klen, label, llen, NULL, 0);

	if (n != NULL) {
		t->t_cur = n;
		t->t_depth++;
	}
}

void
gdoi_tree_open(struct gdoi_tree *t, const char *key, const char *label)
{
	if (t == NULL)
		return;
	if (key == NULL) {
		tree_fail(t, GDOI_E_INVAL);
		return;
	}
	section_open(t, key, strlen(key), label, label ? strlen(label) : 0);
}

void
gdoi_tree_close(struct gdoi_tree *t)
{
	if (t == NULL || t->t_err)
		return;
	if (t->t_depth == 0) {
		tree_fail(t, GDOI_E_INVAL);
		return;
	}
	t->t_cur = t->t_cur->tn_parent;
	t->t_depth--;
}

void
gdoi_tree_attr(struct gdoi_tree *t, const char *key, const char *label, const char *fmt, ...)
{
	va_list ap;
	char small[256], *v = small;
	int n;

	if (t == NULL || t->t_err)
		return;
	if (key == NULL || fmt == NULL) {
		tree_fail(t, GDOI_E_INVAL);
		return;
	}
	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0) {
		tree_fail(t, GDOI_E_INVAL);
		return;
	}
	if ((size_t)n > GDOI_CTL_MAX) {
		tree_fail(t, GDOI_E_TOOBIG);
		return;
	}
	if ((size_t)n >= sizeof(small)) {
		if ((v = malloc((size_t)n + 1)) == NULL) {
			tree_fail(t, GDOI_E_NOMEM);
			return;
		}
		va_start(ap, fmt);
		vsnprintf(v, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	node_add(t, GDOI_NODE_ATTR, key, strlen(key), label, label ? strlen(label) : 0, v,
	    (size_t)n);
	if (v != small)
		free(v);
}

const struct gdoi_node *
gdoi_tree_root(const struct gdoi_tree *t)
{
	return t ? &t->t_root.tn_n : NULL;
}

/*
 * Serialization.  Each node is one record (a section also ends with a
 * close record):
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |     kind      |          key length           |  key ...      ~
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |         label length          |  label ...                    ~
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                         value length                          |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |  value ...                                                    ~
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * kind 1 open (value length 0), 2 close (all lengths 0), 3 attribute.
 * No label is a label length of 0.  The records of a tree end exactly at
 * the end of the buffer with every section closed.
 */
static void
rec_put(struct gdoi_wr *w, uint8_t kind, const char *key, const char *label,
    const char *value)
{
	size_t kl = key ? strlen(key) : 0, ll = label ? strlen(label) : 0;
	size_t vl = value ? strlen(value) : 0;

	gdoi_wr_u8(w, kind);
	gdoi_wr_u16(w, (uint16_t)kl);
	gdoi_wr_bytes(w, key, kl);
	gdoi_wr_u16(w, (uint16_t)ll);
	gdoi_wr_bytes(w, label, ll);
	gdoi_wr_u32(w, (uint32_t)vl);
	gdoi_wr_bytes(w, value, vl);
}

static void
encode_list(struct gdoi_wr *w, const struct gdoi_node *n)
{
	/* Recursion is bounded by GDOI_TREE_DEPTH. */
	for (; n != NULL && gdoi_wr_error(w) == 0; n = n->n_next) {
		if (n->n_kind == GDOI_NODE_ATTR) {
			rec_put(w, TREC_ATTR, n->n_key, n->n_label, n->n_value);
			continue;
		}
		rec_put(w, TREC_OPEN, n->n_key, n->n_label, NULL);
		encode_list(w, n->n_child);
		rec_put(w, TREC_CLOSE, NULL, NULL, NULL);
	}
}

int
gdoi_tree_encode(const struct gdoi_tree *t, uint8_t **buf, size_t *len)
{
	struct gdoi_wr w;
	int err;

	*buf = NULL;
	*len = 0;
	if ((err = gdoi_tree_error(t)) != 0)
		return err;
	if (t->t_depth != 0)
		return GDOI_E_INVAL;	/* a section is still open */
	gdoi_wr_init(&w, 1024);
	w.wr_max = GDOI_CTL_MAX;
	encode_list(&w, t->t_root.tn_n.n_child);
	if ((err = gdoi_wr_error(&w)) != 0) {
		gdoi_wr_free(&w);
		return err;
	}
	if (w.wr_buf == NULL && (w.wr_buf = malloc(1)) == NULL)
		return GDOI_E_NOMEM;
	*buf = w.wr_buf;
	*len = w.wr_len;
	return GDOI_OK;
}

int
gdoi_tree_decode(const uint8_t *buf, size_t len, struct gdoi_tree **out)
{
	struct gdoi_tree *t;
	struct gdoi_rd r;
	const uint8_t *key, *label, *value;
	uint16_t klen, llen;
	uint32_t vlen;
	uint8_t kind;
	int err = GDOI_OK;

	*out = NULL;
	if ((t = gdoi_tree_new()) == NULL)
		return GDOI_E_NOMEM;
	gdoi_rd_init(&r, buf, len);
	while (gdoi_rd_left(&r) > 0) {
		if (gdoi_rd_u8(&r, &kind) || gdoi_rd_u16(&r, &klen) ||
		    gdoi_rd_ptr(&r, klen, &key) || gdoi_rd_u16(&r, &llen) ||
		    gdoi_rd_ptr(&r, llen, &label) || gdoi_rd_u32(&r, &vlen) ||
		    gdoi_rd_ptr(&r, vlen, &value)) {
			err = GDOI_E_TRUNC;
			goto fail;
		}
		/* Labels and values are C strings once decoded. */
		if ((llen && memchr(label, '\0', llen)) || (vlen && memchr(value, '\0', vlen))) {
			err = GDOI_E_INVAL;
			goto fail;
		}
		switch (kind) {
		case TREC_OPEN:
			if (vlen != 0) {
				err = GDOI_E_LENGTH;
				goto fail;
			}
			section_open(t, (const char *)key, klen, (const char *)label, llen);
			break;
		case TREC_CLOSE:
			if (klen != 0 || llen != 0 || vlen != 0) {
				err = GDOI_E_LENGTH;
				goto fail;
			}
			if (t->t_depth == 0) {
				err = GDOI_E_ORDER;
				goto fail;
			}
			gdoi_tree_close(t);
			break;
		case TREC_ATTR:
			node_add(t, GDOI_NODE_ATTR, (const char *)key, klen, (const char *)label,
			    llen, (const char *)value, vlen);
			break;
		default:
			err = GDOI_E_PAYLOAD;
			goto fail;
		}
		if ((err = t->t_err) != 0)
			goto fail;
	}
	if (t->t_depth != 0) {
		err = GDOI_E_TRUNC;	/* sections left open: the end is missing */
		goto fail;
	}
	*out = t;
	return GDOI_OK;
fail:
	gdoi_tree_free(t);
	return err;
}

/*
 * Keys may contain dots themselves (an address as an instance key), so
 * every child whose key matches the next part of the path up to a dot
 * is tried.
 */
static const char *
get_in(const struct gdoi_node *n, const char *path)
{
	const char *v;
	size_t kl;

	for (; n != NULL; n = n->n_next) {
		kl = strlen(n->n_key);
		if (strncmp(path, n->n_key, kl) != 0)
			continue;
		if (path[kl] == '\0' && n->n_kind == GDOI_NODE_ATTR)
			return n->n_value;
		if (path[kl] == '.' && n->n_kind == GDOI_NODE_SECTION &&
		    (v = get_in(n->n_child, path + kl + 1)) != NULL)
			return v;
	}
	return NULL;
}

const char *
gdoi_tree_get(const struct gdoi_tree *t, const char *path)
{
	if (t == NULL || path == NULL)
		return NULL;
	return get_in(t->t_root.tn_n.n_child, path);
}
