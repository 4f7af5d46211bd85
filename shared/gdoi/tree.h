/*
 * The reply tree of the control protocol, and the writers that render it.
 *
 * A daemon answers a show command by building a tree of sections and
 * attributes.  Every node has a key (stable, lower case, [a-z0-9_.-]:
 * what the keyvalue, JSON and XML outputs use and what scripts assert on)
 * and a label (what the IOS-style text output prints, e.g. "Group Name").
 * A section with an empty label prints its children without a heading.
 *
 *   t = gdoi_tree_new();
 *   gdoi_tree_open(t, "group", "GROUP INFORMATION");
 *   gdoi_tree_open(t, "G1", NULL);                 instance key, no heading
 *   gdoi_tree_attr(t, "name", "Group Name", "%s", "G1");
 *   gdoi_tree_close(t); gdoi_tree_close(t);
 *
 * keyvalue:  group.G1.name=G1
 * JSON:      {"group":{"G1":{"name":"G1"}}}
 * XML:       <gdoi><group><G1 ...> (keys that are not XML names become
 *            <section key="..."> / <attr key="...">)
 * text:      GROUP INFORMATION
 *                Group Name                   : G1
 *            (the colon in column 29 at every depth, four spaces of indent
 *             per level, as IOS prints it; a label of spaces only prints
 *             the value alone;
 *             a label ending in ':' or a leading-space label printed as
 *             is, to reproduce the IOS layout exactly)
 *
 * Serialization (the control-socket payload): a sequence of records
 *   kind(1: 1 open, 2 close, 3 attr) | keylen(2) key | labellen(2) label |
 *   vallen(4) value        (open/close carry vallen 0; close has no key)
 * All lengths big-endian; gdoi_tree_decode() checks every length and the
 * nesting (at most 32 deep), so a broken reply is an error, never a crash.
 */
#ifndef GDOI_TREE_H
#define GDOI_TREE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct gdoi_tree;

struct gdoi_tree *gdoi_tree_new(void);
void gdoi_tree_free(struct gdoi_tree *t);
/** Open a section (label may be NULL = no heading). */
void gdoi_tree_open(struct gdoi_tree *t, const char *key, const char *label);
void gdoi_tree_close(struct gdoi_tree *t);
/** An attribute; value formatted printf-style. */
void gdoi_tree_attr(struct gdoi_tree *t, const char *key, const char *label, const char *fmt,
    ...) __attribute__((format(printf, 4, 5)));
/** Sticky error (allocation, unbalanced close): 0 or a negative gdoi_err. */
int gdoi_tree_error(const struct gdoi_tree *t);

/** Serialize; *buf malloc'd (caller frees). */
int gdoi_tree_encode(const struct gdoi_tree *t, uint8_t **buf, size_t *len);
/** Parse a serialized tree. */
int gdoi_tree_decode(const uint8_t *buf, size_t len, struct gdoi_tree **out);

/** Walking (for writers and tests). */
enum gdoi_node_kind { GDOI_NODE_SECTION = 1, GDOI_NODE_ATTR = 3 };
struct gdoi_node {
	enum gdoi_node_kind n_kind;
	char *n_key;
	char *n_label;              /**< NULL = none */
	char *n_value;              /**< attributes only */
	struct gdoi_node *n_child;  /**< sections: first child */
	struct gdoi_node *n_next;   /**< next sibling */
};
/** The (invisible) root section; its children are the top-level nodes. */
const struct gdoi_node *gdoi_tree_root(const struct gdoi_tree *t);
/** Value of the attribute at a dotted key path ("group.G1.name"), or NULL. */
const char *gdoi_tree_get(const struct gdoi_tree *t, const char *path);

/** Output formats. */
enum gdoi_fmt { GDOI_FMT_TEXT, GDOI_FMT_KEYVALUE, GDOI_FMT_JSON, GDOI_FMT_XML };
/** Parse "text", "keyvalue", "json", "xml"; -1 if unknown. */
int gdoi_fmt_parse(const char *s);
/** Render t to f in fmt.  0 or a negative gdoi_err. */
int gdoi_tree_write(const struct gdoi_tree *t, enum gdoi_fmt fmt, FILE *f);

#endif
