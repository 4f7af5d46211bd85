/*
 * Bump allocator for decoded messages (see gdoi/arena.h).  Chunks are
 * chained; everything is wiped and freed at once.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>

#include "gdoi/arena.h"

#define ARENA_CHUNK 4096
#define ARENA_ALIGN 16

struct arena_chunk {
	struct arena_chunk *c_next;
	size_t c_size;    /* usable bytes in c_mem */
	size_t c_used;
	_Alignas(ARENA_ALIGN) unsigned char c_mem[];
};

struct gdoi_arena {
	struct arena_chunk *a_head;
	size_t a_used;
};

struct gdoi_arena *
gdoi_arena_new(void)
{
	return calloc(1, sizeof(struct gdoi_arena));
}

void *
gdoi_arena_alloc(struct gdoi_arena *a, size_t n)
{
	struct arena_chunk *c;
	size_t sz, rounded;
	void *p;

	if (a == NULL)
		return NULL;
	if (n > SIZE_MAX - ARENA_ALIGN - ARENA_CHUNK)
		return NULL;
	rounded = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	if (rounded == 0)
		rounded = ARENA_ALIGN;
	c = a->a_head;
	if (c == NULL || c->c_size - c->c_used < rounded) {
		sz = rounded > ARENA_CHUNK ? rounded : ARENA_CHUNK;
		c = malloc(sizeof(*c) + sz);
		if (c == NULL)
			return NULL;
		c->c_size = sz;
		c->c_used = 0;
		c->c_next = a->a_head;
		a->a_head = c;
	}
	p = c->c_mem + c->c_used;
	c->c_used += rounded;
	a->a_used += rounded;
	memset(p, 0, rounded);
	return p;
}

void *
gdoi_arena_calloc(struct gdoi_arena *a, size_t n, size_t sz)
{
	if (sz && n > SIZE_MAX / sz)
		return NULL;
	return gdoi_arena_alloc(a, n * sz);
}

void
gdoi_arena_free(struct gdoi_arena *a)
{
	struct arena_chunk *c, *next;

	if (a == NULL)
		return;
	for (c = a->a_head; c; c = next) {
		next = c->c_next;
		OPENSSL_cleanse(c->c_mem, c->c_used);
		free(c);
	}
	free(a);
}

size_t
gdoi_arena_used(const struct gdoi_arena *a)
{
	return a ? a->a_used : 0;
}
