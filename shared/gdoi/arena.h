/*
 * A bump allocator for decoded messages: every element of one decoded
 * message lives in one arena and is released (and wiped) by one call.
 */
#ifndef GDOI_ARENA_H
#define GDOI_ARENA_H

#include <stddef.h>

struct gdoi_arena;

/** A new empty arena, or NULL when out of memory. */
struct gdoi_arena *gdoi_arena_new(void);
/** Zeroed memory aligned for any type, or NULL (n == 0 gives a valid pointer). */
void *gdoi_arena_alloc(struct gdoi_arena *a, size_t n);
/** Allocate an array of n elements of size sz, with overflow check. */
void *gdoi_arena_calloc(struct gdoi_arena *a, size_t n, size_t sz);
/** Wipe and free everything; NULL is a no-op. */
void gdoi_arena_free(struct gdoi_arena *a);
/** Bytes handed out so far (for tests and limits). */
size_t gdoi_arena_used(const struct gdoi_arena *a);

#endif
