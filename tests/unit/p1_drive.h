/*
 * In-memory Main Mode driver shared by the Phase 1 unit tests
 * (check_p1.c: pre-shared keys, check_p1sig.c: signatures).
 */
#ifndef P1_DRIVE_H
#define P1_DRIVE_H

#include <stddef.h>
#include <stdint.h>
#include "gdoi/p1.h"

/* A saved datagram. */
struct p1_dgram {
	uint8_t b[GDOI_P1_MSG_MAX];
	size_t n;
};

/* The six messages of one run, and the two SAs. */
struct p1_run {
	struct gdoi_p1_sa *i, *r;
	struct p1_dgram m[7];	/* m[1]..m[6] */
};

/* Copy the datagram of out into d (asserting there is one). */
void p1_save(struct p1_dgram *d, const struct gdoi_p1_out *o);
/* Drive Main Mode between the two contexts up to and including message
 * upto (1..6); *out holds what the last step returned. */
void p1_run_to(struct p1_run *x, struct gdoi_p1_ctx *ic, const struct gdoi_p1_peer *ip,
    struct gdoi_p1_ctx *rc, const struct gdoi_p1_peer *rp, int upto, uint64_t now,
    struct gdoi_p1_out *out);
/* Messages 1..6, then message 6 into the initiator: both ESTABLISHED. */
void p1_run_full(struct p1_run *x, struct gdoi_p1_ctx *ic, const struct gdoi_p1_peer *ip,
    struct gdoi_p1_ctx *rc, const struct gdoi_p1_peer *rp, uint64_t now,
    struct gdoi_p1_out *out);
void p1_run_free(struct p1_run *x);
/* The notify type of an unencrypted Phase 1 Informational datagram. */
uint16_t p1_notify_type(const uint8_t *b, size_t n);

#endif
