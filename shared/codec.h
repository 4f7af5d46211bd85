/*
 * libgdoi internal: the body codecs of each payload, shared between the
 * chain walker (chain.c) and the payload modules.  Not installed.
 *
 * Every *_decode takes a reader over exactly the payload body (after the
 * 4-octet generic header) and must consume all of it; leftovers are an
 * error.  Every *_encode appends the body only.
 */
#ifndef GDOI_CODEC_H
#define GDOI_CODEC_H

#include "gdoi/payload.h"

/* Generic payload header (RFC 2408 3.2):
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ! Next Payload  !   RESERVED    !         Payload Length        !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * Payload Length counts the generic header.
 */
int gdoi_genhdr_read(struct gdoi_rd *r, unsigned pl_type, uint8_t *np, uint8_t *reserved,
    struct gdoi_rd *body, struct gdoi_diag *d);
/** Write a generic header with a length placeholder; returns its offset. */
size_t gdoi_genhdr_begin(struct gdoi_wr *w, uint8_t np);
/** Patch the length of the payload that starts at off (fails if > 65535). */
void gdoi_genhdr_end(struct gdoi_wr *w, size_t off);

/* Fail helper: records the diagnostic and returns err. */
#define GDOI_FAIL(d, err, r, type, ...) gdoi_diag_set((d), (err), gdoi_rd_pos(r), (type), __VA_ARGS__)

/* Require that the body was consumed completely. */
int gdoi_body_done(struct gdoi_rd *r, unsigned pl_type, struct gdoi_diag *d);

int gdoi_p1sa_decode(struct gdoi_rd *r, struct gdoi_arena *a, struct gdoi_p1sa *sa, struct gdoi_diag *d);
void gdoi_p1sa_encode(struct gdoi_wr *w, const struct gdoi_p1sa *sa);

int gdoi_gsa_decode(struct gdoi_rd *r, struct gdoi_arena *a, struct gdoi_gsa *sa, struct gdoi_diag *d);
void gdoi_gsa_encode(struct gdoi_wr *w, const struct gdoi_gsa *sa);
int gdoi_gap_decode(struct gdoi_rd *r, struct gdoi_arena *a, struct gdoi_gap *g, struct gdoi_diag *d);
void gdoi_gap_encode(struct gdoi_wr *w, const struct gdoi_gap *g);

int gdoi_kd_decode(struct gdoi_rd *r, struct gdoi_arena *a, struct gdoi_kd *kd, struct gdoi_diag *d);
void gdoi_kd_encode(struct gdoi_wr *w, const struct gdoi_kd *kd);

int gdoi_id_decode(struct gdoi_rd *r, unsigned pl_type, struct gdoi_id *id, struct gdoi_diag *d);
void gdoi_id_encode(struct gdoi_wr *w, const struct gdoi_id *id);

int gdoi_data_decode(struct gdoi_rd *r, unsigned pl_type, struct gdoi_bytes *b, struct gdoi_diag *d);
int gdoi_cert_decode(struct gdoi_rd *r, unsigned pl_type, struct gdoi_cert *c, struct gdoi_diag *d);
void gdoi_cert_encode(struct gdoi_wr *w, const struct gdoi_cert *c);
int gdoi_notify_decode(struct gdoi_rd *r, struct gdoi_notify *n, struct gdoi_diag *d);
void gdoi_notify_encode(struct gdoi_wr *w, const struct gdoi_notify *n);
int gdoi_delete_decode(struct gdoi_rd *r, struct gdoi_delete *dl, struct gdoi_diag *d);
void gdoi_delete_encode(struct gdoi_wr *w, const struct gdoi_delete *dl);
int gdoi_seq_decode(struct gdoi_rd *r, uint32_t *seq, struct gdoi_diag *d);

#endif
