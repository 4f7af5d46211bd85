/*
 * Names for every wire number, generated from the tables in wire.h.
 */
#ifndef GDOI_NAMES_H
#define GDOI_NAMES_H

#include <stddef.h>
#include <stdint.h>
#include "gdoi/wire.h"

/** The name of v in ns, or NULL when the number has no name. */
const char *gdoi_name(enum gdoi_ns ns, unsigned v);
/** Like gdoi_name but never NULL: unknown numbers print as "Unknown (v)" into buf. */
const char *gdoi_name_buf(enum gdoi_ns ns, unsigned v, char *buf, size_t len);
/** Reverse lookup, case-insensitive; 0 and *v set on success, GDOI_E_INVAL otherwise. */
int gdoi_name_value(enum gdoi_ns ns, const char *name, unsigned *v);
/** The name of the name space itself, e.g. "payload" (never NULL). */
const char *gdoi_ns_name(enum gdoi_ns ns);
/** Number of entries in ns, and the i-th entry (for tests and completions). */
size_t gdoi_ns_count(enum gdoi_ns ns);
int gdoi_ns_entry(enum gdoi_ns ns, size_t i, unsigned *v, const char **name);

/** The name space of the attributes of a Key Download key packet of type
 * kd_type (KD_TYPE_*), or GDOI_NS__COUNT for unknown types. */
enum gdoi_ns gdoi_attr_ns_for_keypkt(unsigned kd_type);
/** The name space of the values of attribute type in attribute space ns, or
 * GDOI_NS__COUNT when the value is a plain number. */
enum gdoi_ns gdoi_attr_value_ns(enum gdoi_ns attr_ns, unsigned type);

#endif
