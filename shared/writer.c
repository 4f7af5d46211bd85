/*
 * The writers behind gdoi_tree_write() (see gdoi/tree.h): one walker over
 * the tree and one backend per format, each a table of start (section,
 * and the invisible root at depth 0), attr, end and finish.  Nothing here
 * interprets the tree: what a show command displays is decided where the
 * tree is built.
 *
 * TEXT, the IOS layout:
 *  - a section with a label prints the label on a line of its own at the
 *    current indent, and its children are indented 4 spaces further; a
 *    section without a label prints nothing and adds no indent;
 *  - a heading at indent 0 is preceded by an empty line unless it is the
 *    first line of output, and followed by one unless it ends in ':'
 *    ("GROUP INFORMATION" then a blank line, "KEK POLICY:" then its
 *    attributes at once), as IOS does;
 *  - an attribute prints "<indent><label>", spaces up to column
 *    GDOI_TEXT_COLON (29, counting from 0), then ": <value>": the colons
 *    of all levels line up as in IOS ("    Group Name               : G1",
 *    "       Local addr/port       : 10.0.0.1/848"); a longer label is
 *    followed by ": " at once; leading spaces in a label count as part of
 *    it, which is how IOS's odd indents (" Group Server list") come out;
 *  - a label ending in ':' prints as "<indent><label> <value>", unpadded
 *    ("spi: 0x1234ABCD(305441741)");
 *  - a label made only of spaces prints as "<indent><label><value>": a
 *    line with the value alone, indented by the label's spaces further
 *    (list entries: ACL lines under "ACL Downloaded From KS ...:");
 *  - an attribute without a label (NULL or "", the same on the wire) is
 *    not printed: it exists for the machine formats only;
 *  - an empty value prints no trailing space;
 *  - a value with newlines continues on the next lines aligned under its
 *    first character (the IOS server list);
 *  - control characters, C1 controls and invalid UTF-8 in labels and
 *    values print as '?': values may carry peer data, and a terminal must
 *    never receive escape sequences from the network.
 *
 * KEYVALUE: one line per attribute, "<key>.<key>...<key>=<value>", the
 * keys of the enclosing sections then the attribute's own.  The value is
 * verbatim except for backslash (\\), newline (\n), carriage return (\r),
 * tab (\t) and other control characters (\xHH), so that one attribute is
 * always one line.  Sections without attributes print nothing.
 *
 * JSON: one compact object and a newline; a section is an object member,
 * an attribute a string member.  Strings escape '"', '\\' and every
 * control character as \u00XX; each byte that does not start a valid
 * UTF-8 sequence becomes U+FFFD.
 *
 * XML (libxml2 xmlTextWriter, indented by 2): root <gdoi>; a section or
 * attribute is an element named by its key when the key is an XML name
 * (ASCII letter or '_', then letters, digits, '_', '-', '.', and not
 * beginning with "xml"), otherwise <section key="..."> or <attr key="...">;
 * a label is a label="..." attribute; an attribute's value is the
 * element's text.  Characters XML cannot carry become U+FFFD.
 *
 * A tree whose builder failed (gdoi_tree_error) is not written; one with
 * sections still open is written as far as it goes.  A failed output
 * stream is reported as GDOI_E_INVAL.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/xmlwriter.h>

#include "gdoi/err.h"
#include "gdoi/tree.h"

#define GDOI_TEXT_COLON 29
#define GDOI_TEXT_STEP 4
#define GDOI_WR_DEPTH 34	/* the root, 32 levels, and one to spare */

struct wctx;

struct wr_ops {
	/* A section (depth 0: the root). */
	int (*start)(struct wctx *, const struct gdoi_node *, unsigned depth);
	int (*attr)(struct wctx *, const struct gdoi_node *, unsigned depth);
	int (*end)(struct wctx *, const struct gdoi_node *, unsigned depth);
	int (*finish)(struct wctx *);
};

struct wctx {
	FILE *w_f;
	/* text */
	unsigned w_indent[GDOI_WR_DEPTH];  /* indent of the children at depth */
	int w_lines;                       /* a line was printed */
	/* keyvalue */
	const char *w_path[GDOI_WR_DEPTH];
	/* json */
	int w_first[GDOI_WR_DEPTH];
	/* xml */
	xmlBufferPtr w_xbuf;
	xmlTextWriterPtr w_xw;
};

int
gdoi_fmt_parse(const char *s)
{
	if (s == NULL)
		return -1;
	if (strcmp(s, "text") == 0)
		return GDOI_FMT_TEXT;
	if (strcmp(s, "keyvalue") == 0)
		return GDOI_FMT_KEYVALUE;
	if (strcmp(s, "json") == 0)
		return GDOI_FMT_JSON;
	if (strcmp(s, "xml") == 0)
		return GDOI_FMT_XML;
	return -1;
}

/*
 * Length (1..4) of the valid UTF-8 sequence at p, with its code point, or
 * 0: overlong forms, surrogates and values above U+10FFFF are invalid.
 */
static size_t
utf8_seq(const unsigned char *p, size_t left, uint32_t *cp)
{
	uint32_t c = p[0], min;
	size_t n, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		c &= 0x1f;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		c &= 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		c &= 0x07;
		min = 0x10000;
	} else
		return 0;
	if (left < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

static int
stream_error(FILE *f)
{
	if (fflush(f) != 0 || ferror(f))
		return GDOI_E_INVAL;	/* the output stream failed */
	return GDOI_OK;
}

/* ---- text ---------------------------------------------------------- */

static void
text_spaces(FILE *f, unsigned n)
{
	while (n-- > 0)
		fputc(' ', f);
}

/*
 * Print s with controls and invalid UTF-8 as '?'.  A newline (values only:
 * cont != 0) starts a new line indented by cont spaces.  Returns the width
 * in columns of what was printed on the last line.
 */
static unsigned
text_put(FILE *f, const char *s, unsigned cont)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t left = strlen(s), n;
	unsigned width = 0;
	uint32_t cp;

	while (left > 0) {
		n = utf8_seq(p, left, &cp);
		if (n == 1 && cp == '\n' && cont) {
			fputc('\n', f);
			text_spaces(f, cont);
			width = 0;
		} else if (n == 0 || cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0)) {
			fputc('?', f);
			width++;
			if (n == 0)
				n = 1;
		} else {
			fwrite(p, 1, n, f);
			width++;
		}
		p += n;
		left -= n;
	}
	return width;
}

static int
label_ends_colon(const char *label)
{
	size_t n = strlen(label);

	return n > 0 && label[n - 1] == ':';
}

static int
label_blank(const char *label)
{
	return label[strspn(label, " ")] == '\0';
}

static int
text_start(struct wctx *c, const struct gdoi_node *n, unsigned depth)
{
	unsigned ind = depth ? c->w_indent[depth - 1] : 0;

	if (depth == 0 || n->n_label == NULL) {
		c->w_indent[depth] = ind;
		return GDOI_OK;
	}
	if (ind == 0 && c->w_lines)
		fputc('\n', c->w_f);
	text_spaces(c->w_f, ind);
	text_put(c->w_f, n->n_label, 0);
	fputc('\n', c->w_f);
	if (ind == 0 && !label_ends_colon(n->n_label))
		fputc('\n', c->w_f);
	c->w_lines = 1;
	c->w_indent[depth] = ind + GDOI_TEXT_STEP;
	return GDOI_OK;
}

static int
text_attr(struct wctx *c, const struct gdoi_node *n, unsigned depth)
{
	unsigned ind = c->w_indent[depth - 1], col;

	if (n->n_label == NULL)
		return GDOI_OK;
	text_spaces(c->w_f, ind);
	col = ind + text_put(c->w_f, n->n_label, 0);
	if (label_blank(n->n_label))
		text_put(c->w_f, n->n_value, col);
	else if (label_ends_colon(n->n_label)) {
		if (*n->n_value != '\0') {
			fputc(' ', c->w_f);
			text_put(c->w_f, n->n_value, col + 1);
		}
	} else {
		if (col < GDOI_TEXT_COLON) {
			text_spaces(c->w_f, GDOI_TEXT_COLON - col);
			col = GDOI_TEXT_COLON;
		}
		fputc(':', c->w_f);
		if (*n->n_value != '\0') {
			fputc(' ', c->w_f);
			text_put(c->w_f, n->n_value, col + 2);
		}
	}
	fputc('\n', c->w_f);
	c->w_lines = 1;
	return GDOI_OK;
}

/* The end of a section, for formats that do not mark it. */
static int
noop_end(struct wctx *c, const struct gdoi_node *n, unsigned depth)
{
	return GDOI_OK;
}

/* Finish for the formats printed straight to the stream. */
static int
stream_finish(struct wctx *c)
{
	return stream_error(c->w_f);
}

static const struct wr_ops text_ops = { text_start, text_attr, noop_end, stream_finish };


/* ---- keyvalue ------------------------------------------------------ */

static int
kv_start(struct wctx *c, const struct gdoi_node *n, unsigned depth)
{
	c->w_path[depth] = n->n_key;
	return GDOI_OK;
}

static void
kv_value(FILE *f, const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		switch (*p) {
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(f, "\\x%02x", *p);
			else
				fputc(*p, f);
		}
	}
}

static int
kv_attr(struct wctx *c, const struct gdoi_node *n, unsigned depth)
{
	unsigned i;

	/* w_path[0] is the root's empty key. */
	for (i = 1; i < depth; i++) {
		fputs(c->w_path[i], c->w_f);
		fputc('.', c->w_f);
	}
	fputs(n->n_key, c->w_f);
	fputc('=', c->w_f);
	kv_value(c->w_f, n->n_value);
	fputc('\n', c->w_f);
	return GDOI_OK;
}

static const struct wr_ops kv_ops = { kv_start, kv_attr, noop_end, stream_finish };

/* ---- JSON ---------------------------------------------------------- */

static void
json_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t left = strlen(s), n;
	uint32_t cp;

	fputc('"', f);
	while (left > 0) {
		n = utf8_seq(p, left, &cp);
		if (n == 0) {
			fputs("\xef\xbf\xbd", f);	/* U+FFFD */
			n = 1;
		} else if (cp == '"' || cp == '\\') {
			fputc('\\', f);
			fputc((int)cp, f);
		} else if (cp < 0x20 || cp == 0x7f)
			fprintf(f, "\\u%04x", (unsigned)cp);
		else
			fwrite(p, 1, n, f);
		p += n;
		left -= n;
	}
	fputc('"', f);
}

/* The separator before a member at depth, and the member's name. */
static void
json_member(struct wctx *c, const struct gdoi_node *n, unsigned depth)
{
	if (!c->w_first[depth - 1])
		fputc(',', c->w_f);
	c->w_first[depth - 1] = 0;
	json_string(c->w_f, n->n_key);
	fputc(':', c->w_f);
}

static int
json_start(struct wctx *c, const struct gdoi_node *n, unsigned depth)
{
	if (depth > 0)
		json_member(c, n, depth);
	fputc('{', c->w_f);
	c->w_first[depth] = 1;
	return GDOI_OK;
}

static int
json_attr(struct wctx *c, const struct gdoi_node *n, unsigned depth)
{
	json_member(c, n, depth);
	json_string(c->w_f, n->n_value);
	return GDOI_OK;
}

static int
json_end(struct wctx *c, const struct gdoi_node *n, unsigned depth)
{
	fputc('}', c->w_f);
	if (depth == 0)
		fputc('\n', c->w_f);
	return GDOI_OK;
}

static const struct wr_ops json_ops = { json_start, json_attr, json_end, stream_finish };

/* ---- XML ----------------------------------------------------------- */

static int
xml_name_ok(const char *s)
{
	const char *p;

	if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_'))
		return 0;
	if (strncasecmp(s, "xml", 3) == 0)
		return 0;
	for (p = s + 1; *p != '\0'; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '_' || *p == '-' || *p == '.'))
			return 0;
	}
	return 1;
}

/* A copy of s holding only characters XML 1.0 allows (others: U+FFFD). */
static xmlChar *
xml_clean(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t left = strlen(s), n, o = 0;
	xmlChar *out;
	uint32_t cp;

	/* A replaced byte grows to three. */
	if ((out = malloc(left * 3 + 1)) == NULL)
		return NULL;
	while (left > 0) {
		n = utf8_seq(p, left, &cp);
		if (n == 0 || (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') ||
		    cp == 0xfffe || cp == 0xffff) {
			memcpy(out + o, "\xef\xbf\xbd", 3);
			o += 3;
			if (n == 0)
				n = 1;
		} else {
			memcpy(out + o, p, n);
			o += n;
		}
		p += n;
		left -= n;
	}
	out[o] = '\0';
	return out;
}

/* Open the element of a node, with its key and label attributes. */
static int
xml_open(struct wctx *c, const struct gdoi_node *n, const char *fallback)
{
	xmlChar *label = NULL;
	int named = xml_name_ok(n->n_key), rc;

	rc = xmlTextWriterStartElement(c->w_xw,
	    (const xmlChar *)(named ? n->n_key : fallback));
	if (rc >= 0 && !named)
		rc = xmlTextWriterWriteAttribute(c->w_xw, (const xmlChar *)"key",
		    (const xmlChar *)n->n_key);
	if (rc >= 0 && n->n_label != NULL) {
		if ((label = xml_clean(n->n_label)) == NULL)
			return GDOI_E_NOMEM;
		rc = xmlTextWriterWriteAttribute(c->w_xw, (const xmlChar *)"label", label);
		free(label);
	}
	return rc < 0 ? GDOI_E_NOMEM : GDOI_OK;
}

static int
xml_start(struct wctx *c, const struct gdoi_node *n, unsigned depth)
{
	if (depth > 0)
		return xml_open(c, n, "section");
	if (xmlTextWriterSetIndent(c->w_xw, 1) < 0 ||
	    xmlTextWriterSetIndentString(c->w_xw, (const xmlChar *)"  ") < 0 ||
	    xmlTextWriterStartDocument(c->w_xw, NULL, "UTF-8", NULL) < 0 ||
	    xmlTextWriterStartElement(c->w_xw, (const xmlChar *)"gdoi") < 0)
		return GDOI_E_NOMEM;
	return GDOI_OK;
}

static int
xml_attr(struct wctx *c, const struct gdoi_node *n, unsigned depth)
{
	xmlChar *v;
	int err, rc;

	if ((err = xml_open(c, n, "attr")) != GDOI_OK)
		return err;
	if ((v = xml_clean(n->n_value)) == NULL)
		return GDOI_E_NOMEM;
	rc = xmlTextWriterWriteString(c->w_xw, v);
	free(v);
	if (rc < 0 || xmlTextWriterEndElement(c->w_xw) < 0)
		return GDOI_E_NOMEM;
	return GDOI_OK;
}

static int
xml_end(struct wctx *c, const struct gdoi_node *n, unsigned depth)
{
	if (xmlTextWriterEndElement(c->w_xw) < 0)
		return GDOI_E_NOMEM;
	if (depth == 0 && xmlTextWriterEndDocument(c->w_xw) < 0)
		return GDOI_E_NOMEM;
	return GDOI_OK;
}

static int
xml_finish(struct wctx *c)
{
	/* Freeing the writer flushes it into the buffer. */
	xmlFreeTextWriter(c->w_xw);
	c->w_xw = NULL;
	fwrite(xmlBufferContent(c->w_xbuf), 1, (size_t)xmlBufferLength(c->w_xbuf), c->w_f);
	return stream_error(c->w_f);
}

static const struct wr_ops xml_ops = { xml_start, xml_attr, xml_end, xml_finish };

/* ---- the walker ---------------------------------------------------- */

static int
walk(struct wctx *c, const struct wr_ops *ops, const struct gdoi_node *sec, unsigned depth)
{
	const struct gdoi_node *n;
	int err;

	if (depth + 1 >= GDOI_WR_DEPTH)
		return GDOI_E_NESTING;	/* trees are built 32 deep at most */
	if ((err = ops->start(c, sec, depth)) != GDOI_OK)
		return err;
	for (n = sec->n_child; n != NULL; n = n->n_next) {
		if (n->n_kind == GDOI_NODE_SECTION)
			err = walk(c, ops, n, depth + 1);
		else
			err = ops->attr(c, n, depth + 1);
		if (err != GDOI_OK)
			return err;
	}
	return ops->end(c, sec, depth);
}

int
gdoi_tree_write(const struct gdoi_tree *t, enum gdoi_fmt fmt, FILE *f)
{
	const struct wr_ops *ops;
	struct wctx c;
	int err;

	if (f == NULL)
		return GDOI_E_INVAL;
	if ((err = gdoi_tree_error(t)) != GDOI_OK)
		return err;
	memset(&c, 0, sizeof(c));
	c.w_f = f;
	switch (fmt) {
	case GDOI_FMT_TEXT:
		ops = &text_ops;
		break;
	case GDOI_FMT_KEYVALUE:
		ops = &kv_ops;
		break;
	case GDOI_FMT_JSON:
		ops = &json_ops;
		break;
	case GDOI_FMT_XML:
		ops = &xml_ops;
		if ((c.w_xbuf = xmlBufferCreate()) == NULL)
			return GDOI_E_NOMEM;
		if ((c.w_xw = xmlNewTextWriterMemory(c.w_xbuf, 0)) == NULL) {
			xmlBufferFree(c.w_xbuf);
			return GDOI_E_NOMEM;
		}
		break;
	default:
		return GDOI_E_INVAL;
	}
	err = walk(&c, ops, gdoi_tree_root(t), 0);
	if (err == GDOI_OK)
		err = ops->finish(&c);
	if (c.w_xw != NULL)
		xmlFreeTextWriter(c.w_xw);
	if (c.w_xbuf != NULL)
		xmlBufferFree(c.w_xbuf);
	return err;
}
