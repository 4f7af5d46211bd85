/*
 * Bounded reader and growable writer: the only way libgdoi touches wire
 * bytes.
 *
 * Reader: every gdoi_rd_* call checks the remaining length first; on
 * underflow it returns GDOI_E_TRUNC and leaves the cursor where it was.
 * Nothing is ever read by casting packet bytes to a struct.
 *
 * Writer: appends big-endian fields; the first failure (size limit or
 * allocation) is sticky, later calls are no-ops, and gdoi_wr_error() reports
 * it once at the end.  Lengths are back-patched by offset (gdoi_wr_set_*),
 * never through pointers held across a reallocation.  The buffer may hold
 * key material: it is wiped whenever it is moved or freed.
 */
#ifndef GDOI_BUF_H
#define GDOI_BUF_H

#include <stddef.h>
#include <stdint.h>

struct gdoi_rd {
	const uint8_t *rd_p;  /**< start of the readable window (borrowed) */
	size_t rd_len;        /**< window length */
	size_t rd_off;        /**< cursor */
	size_t rd_base;       /**< offset of rd_p in the outermost buffer (for diagnostics) */
};

void gdoi_rd_init(struct gdoi_rd *r, const void *p, size_t len);
static inline size_t gdoi_rd_left(const struct gdoi_rd *r) { return r->rd_len - r->rd_off; }
/** Absolute offset of the cursor in the outermost buffer. */
static inline size_t gdoi_rd_pos(const struct gdoi_rd *r) { return r->rd_base + r->rd_off; }
/** Pointer to the cursor (borrowed; valid while the input lives). */
static inline const uint8_t *gdoi_rd_cur(const struct gdoi_rd *r) { return r->rd_p ? r->rd_p + r->rd_off : NULL; }
int gdoi_rd_u8(struct gdoi_rd *r, uint8_t *v);
int gdoi_rd_u16(struct gdoi_rd *r, uint16_t *v);
int gdoi_rd_u32(struct gdoi_rd *r, uint32_t *v);
int gdoi_rd_u64(struct gdoi_rd *r, uint64_t *v);
/** Copy n bytes out. */
int gdoi_rd_bytes(struct gdoi_rd *r, void *dst, size_t n);
/** Borrow n bytes: *out points into the input. */
int gdoi_rd_ptr(struct gdoi_rd *r, size_t n, const uint8_t **out);
int gdoi_rd_skip(struct gdoi_rd *r, size_t n);
/** Split off the next n bytes as a sub-reader and advance past them. */
int gdoi_rd_sub(struct gdoi_rd *r, size_t n, struct gdoi_rd *sub);

/** Largest message the writer will build (ISAKMP allows 2^32-1; we do not). */
#define GDOI_WR_MAX (1u << 20)

struct gdoi_wr {
	uint8_t *wr_buf;
	size_t wr_len;
	size_t wr_cap;
	size_t wr_max;   /**< hard limit (GDOI_WR_MAX or the fixed buffer size) */
	int wr_err;      /**< sticky gdoi_err */
	int wr_fixed;    /**< caller-owned buffer, never reallocated or freed */
};

/** Growable heap writer; hint is the initial capacity (0 for a default). */
void gdoi_wr_init(struct gdoi_wr *w, size_t hint);
/** Writer over a caller buffer of cap bytes; overflow sets GDOI_E_TOOBIG. */
void gdoi_wr_init_fixed(struct gdoi_wr *w, void *buf, size_t cap);
/** Wipe and free (heap writers); the writer is empty afterwards. */
void gdoi_wr_free(struct gdoi_wr *w);
/** Drop the contents but keep the buffer (wiped); clears the error. */
void gdoi_wr_reset(struct gdoi_wr *w);

void gdoi_wr_u8(struct gdoi_wr *w, uint8_t v);
void gdoi_wr_u16(struct gdoi_wr *w, uint16_t v);
void gdoi_wr_u32(struct gdoi_wr *w, uint32_t v);
void gdoi_wr_u64(struct gdoi_wr *w, uint64_t v);
void gdoi_wr_bytes(struct gdoi_wr *w, const void *p, size_t n);
void gdoi_wr_zero(struct gdoi_wr *w, size_t n);
/** Back-patch fields already written; out of range sets GDOI_E_INVAL. */
void gdoi_wr_set_u8(struct gdoi_wr *w, size_t off, uint8_t v);
void gdoi_wr_set_u16(struct gdoi_wr *w, size_t off, uint16_t v);
void gdoi_wr_set_u32(struct gdoi_wr *w, size_t off, uint32_t v);
/** Record an error (first one wins). */
void gdoi_wr_fail(struct gdoi_wr *w, int err);

static inline size_t gdoi_wr_off(const struct gdoi_wr *w) { return w->wr_len; }
static inline int gdoi_wr_error(const struct gdoi_wr *w) { return w->wr_err; }
/** The bytes written so far (borrowed; moves on the next append). */
static inline const uint8_t *gdoi_wr_data(const struct gdoi_wr *w) { return w->wr_buf; }
static inline size_t gdoi_wr_len(const struct gdoi_wr *w) { return w->wr_len; }

/** Big-endian helpers on plain memory (bounds are the caller's). */
static inline uint16_t gdoi_be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static inline uint32_t gdoi_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static inline void gdoi_put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static inline void gdoi_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}

/** FNV-1a: fold the n octets at p into h (start with GDOI_FNV1A_INIT).
 *  For in-memory hash tables only, never for anything an attacker's
 *  collisions could hurt beyond a longer chain. */
#define GDOI_FNV1A_INIT 2166136261u
static inline uint32_t gdoi_fnv1a(uint32_t h, const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n--)
		h = (h ^ *b++) * 16777619u;
	return h;
}

/** The value of hex digit c (either case), or -1. */
int gdoi_hexval(int c);
/** The n octets at p as 2 n hex digits at out (upper: A-F, else a-f); no
 *  NUL; out holds 2 n characters. */
void gdoi_hex_put(char *out, const uint8_t *p, size_t n, int upper);
/** The same as a string: as many whole octets as fit in cap with the NUL
 *  (cap >= 1).  Returns out. */
char *gdoi_hex_str(char *out, size_t cap, const uint8_t *p, size_t n, int upper);

#endif
