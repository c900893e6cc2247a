/* arena.c — chunked bump allocator (see stigmem/arena.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stigmem/arena.h"

#define ARENA_ALIGN 16u
#define ARENA_DEFAULT_CHUNK (64u * 1024u)

struct stg_arena_chunk {
	struct stg_arena_chunk *next;
	size_t cap;  /* bytes usable in data[] */
	size_t off;  /* bytes used in data[] */
	_Alignas(16) unsigned char data[];
};

void
stg_arena_init(struct stg_arena *a)
{
	a->head = NULL;
	a->chunk_size = ARENA_DEFAULT_CHUNK;
	a->used = 0;
}

void
stg_arena_done(struct stg_arena *a)
{
	struct stg_arena_chunk *c, *next;

	if (a == NULL)
		return;
	for (c = a->head; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	a->head = NULL;
	a->used = 0;
}

void *
stg_arena_alloc(struct stg_arena *a, size_t n)
{
	struct stg_arena_chunk *c = a->head;
	size_t need, cap;
	void *p;

	if (n > SIZE_MAX - ARENA_ALIGN)
		return NULL;
	need = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	if (need == 0)
		need = ARENA_ALIGN;
	if (c == NULL || c->cap - c->off < need) {
		cap = a->chunk_size ? a->chunk_size : ARENA_DEFAULT_CHUNK;
		if (need > cap / 4) {
			/* Big block: own chunk, linked behind the current one so the
			 * current chunk's free space stays usable. */
			if (need > SIZE_MAX - sizeof *c)
				return NULL;
			c = malloc(sizeof *c + need);
			if (c == NULL)
				return NULL;
			c->cap = need;
			c->off = need;
			if (a->head != NULL) {
				c->next = a->head->next;
				a->head->next = c;
			} else {
				c->next = NULL;
				a->head = c;
			}
			memset(c->data, 0, need);
			a->used += need;
			return c->data;
		}
		c = malloc(sizeof *c + cap);
		if (c == NULL)
			return NULL;
		c->cap = cap;
		c->off = 0;
		c->next = a->head;
		a->head = c;
		/* Grow chunks geometrically up to 1 MiB to keep chunk counts low. */
		if (a->chunk_size < 1024u * 1024u)
			a->chunk_size = cap * 2;
	}
	p = c->data + c->off;
	c->off += need;
	a->used += need;
	memset(p, 0, need);
	return p;
}

void *
stg_arena_calloc(struct stg_arena *a, size_t count, size_t size)
{
	if (size != 0 && count > SIZE_MAX / size)
		return NULL;
	return stg_arena_alloc(a, count * size);
}

char *
stg_arena_strndup(struct stg_arena *a, const char *s, size_t n)
{
	char *p;

	if (s == NULL)
		return NULL;
	if (n == SIZE_MAX)
		return NULL;
	p = stg_arena_alloc(a, n + 1);
	if (p == NULL)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
stg_arena_strdup(struct stg_arena *a, const char *s)
{
	if (s == NULL)
		return NULL;
	return stg_arena_strndup(a, s, strlen(s));
}
