/*
 * GDOI-LINUX-MIB as a sorted table of OID rows, built from the control
 * socket replies of the daemons (tree.h).  Pure: no sockets, no net-snmp,
 * no clock, so check_mib.c tests the OID layout, the order and GET/GETNEXT
 * on fixed trees without an snmpd.
 *
 *   m = gdoi_mib_new();
 *   gdoi_mib_add_ks(m, ks_tree);     "show crypto gdoi ks members" reply
 *   gdoi_mib_add_gm(m, gm_tree);     "show crypto gdoi" reply of a GM
 *   gdoi_mib_finish(m);              sorts; then get/next
 *   r = gdoi_mib_next(m, oid, len);
 *   gdoi_mib_free(m);
 *
 * Layout (all under gdoiLinuxMIB = GDOI_MIB_ROOT; C = column):
 *   .1.1.1.1.C.g          gdoiKsGroupTable   (C 2..17)
 *   .1.1.2.1.C.g.m        gdoiKsMemberTable  (C 2..11)
 *   .1.2.1.1.C.g          gdoiGmGroupTable   (C 2..15)
 *   .1.3.1.1.C.r.g        gdoiKekTable       (C 3..7)
 *   .1.3.2.1.C.r.g.t      gdoiTekTable       (C 4..7)
 * g: the group's position, from 1, over every key server (or group
 * member) added, in the order added; m and t: member and TEK position
 * in the group, from 1 (the tree's key N + 1); r: 1 key server, 2 group
 * member.  A value missing from a reply (or one that does not parse) is
 * an instance that does not exist, never a made-up value.
 */
#ifndef GDOI_MIB_H
#define GDOI_MIB_H

#include <stddef.h>
#include <stdint.h>

#include "gdoi/tree.h"

/** gdoiLinuxMIB: netSnmpPlaypen.848 */
#define GDOI_MIB_ROOT 1, 3, 6, 1, 4, 1, 8072, 9999, 9999, 848
#define GDOI_MIB_ROOT_LEN 10
/** Longest OID of a row (root + 5 + 4 index sub-identifiers), with room. */
#define GDOI_MIB_OID_MAX 24

extern const uint32_t gdoi_mib_root[GDOI_MIB_ROOT_LEN];

/** Value types, numbered as their ASN.1 BER tags. */
enum gdoi_mib_type {
	GDOI_MIB_INTEGER = 0x02,  /**< INTEGER and enumerations */
	GDOI_MIB_OCTETS = 0x04,   /**< OCTET STRING, DisplayString, InetAddress */
	GDOI_MIB_COUNTER = 0x41,  /**< Counter32 */
	GDOI_MIB_GAUGE = 0x42,    /**< Gauge32 and Unsigned32 */
};

/** Roles, the GdoiRole index of the KEK and TEK tables. */
enum { GDOI_MIB_ROLE_KS = 1, GDOI_MIB_ROLE_GM = 2 };

struct gdoi_mib_row {
	uint32_t r_oid[GDOI_MIB_OID_MAX];
	size_t r_oidlen;
	enum gdoi_mib_type r_type;
	uint32_t r_num;     /**< INTEGER, COUNTER, GAUGE */
	uint8_t *r_str;     /**< OCTETS (owned by the table; may hold NULs) */
	size_t r_strlen;
};

struct gdoi_mib;

/** An empty table; NULL when out of memory. */
struct gdoi_mib *gdoi_mib_new(void);
/** Frees m and its rows; NULL is a no-op. */
void gdoi_mib_free(struct gdoi_mib *m);

/**
 * Add the rows of one key server's reply to "show crypto gdoi ks members"
 * (the KS group, member, KEK and TEK rows); its groups take the next KS
 * group indexes.  t is borrowed.  0, or GDOI_E_NOMEM (m is then unusable
 * except for gdoi_mib_free).
 */
int gdoi_mib_add_ks(struct gdoi_mib *m, const struct gdoi_tree *t);
/** The same for one group member's reply to "show crypto gdoi". */
int gdoi_mib_add_gm(struct gdoi_mib *m, const struct gdoi_tree *t);
/** Group indexes handed out so far for a role (GDOI_MIB_ROLE_*). */
uint32_t gdoi_mib_groups(const struct gdoi_mib *m, int role);
/**
 * Skip n group indexes of a role: the groups of a daemon that did not
 * answer keep their range, so the daemons added after it keep theirs.
 */
void gdoi_mib_reserve(struct gdoi_mib *m, int role, uint32_t n);
/**
 * Sort the rows; needed once after the last add, before get/next.
 * GDOI_E_INVAL if two rows have the same OID (two daemons' replies can
 * not collide: each group has its own index).
 */
int gdoi_mib_finish(struct gdoi_mib *m);

/** Number of rows, and row i (0-based, in OID order after finish). */
size_t gdoi_mib_count(const struct gdoi_mib *m);
const struct gdoi_mib_row *gdoi_mib_row(const struct gdoi_mib *m, size_t i);

/** GET: the row whose OID is exactly oid, or NULL. */
const struct gdoi_mib_row *gdoi_mib_get(const struct gdoi_mib *m, const uint32_t *oid,
    size_t len);
/** GETNEXT: the first row whose OID is greater than oid, or NULL. */
const struct gdoi_mib_row *gdoi_mib_next(const struct gdoi_mib *m, const uint32_t *oid,
    size_t len);

/**
 * Whether oid names an instance of a readable object of the module (a
 * column of one of the tables), i.e. whether a failed GET is
 * noSuchInstance (1) rather than noSuchObject (0).
 */
int gdoi_mib_is_object(const uint32_t *oid, size_t len);

/** Compare two OIDs in SNMP order: <0, 0, >0. */
int gdoi_mib_oidcmp(const uint32_t *a, size_t alen, const uint32_t *b, size_t blen);
/** Dotted form ("1.3.6..."), truncated to cap; returns buf. */
char *gdoi_mib_oid_str(const uint32_t *oid, size_t len, char *buf, size_t cap);

#endif
