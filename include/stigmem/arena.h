/* stigmem/arena.h — bump allocator owning everything one decoded response holds.
 *
 * A struct stg_arena is embedded by value (stg_arena_init/stg_arena_done).
 * Every pointer handed out stays valid until stg_arena_done(), which frees
 * them all at once; nothing allocated from an arena is freed individually. */
#ifndef STIGMEM_ARENA_H
#define STIGMEM_ARENA_H

#include <stddef.h>

struct stg_arena_chunk;

struct stg_arena {
	struct stg_arena_chunk *head; /* newest chunk first; owned */
	size_t chunk_size;            /* default size of new chunks */
	size_t used;                  /* bytes handed out, for statistics */
};

/* Prepare an empty arena. No allocation happens until first use. */
void stg_arena_init(struct stg_arena *a);
/* Free every chunk; the arena can be reused after stg_arena_init(). NULL ok. */
void stg_arena_done(struct stg_arena *a);

/* Zeroed block of n bytes aligned for any type; NULL on OOM or overflow.
 * n == 0 returns a valid unique pointer. */
void *stg_arena_alloc(struct stg_arena *a, size_t n);
/* Zeroed array of count elements of size bytes; NULL on overflow/OOM. */
void *stg_arena_calloc(struct stg_arena *a, size_t count, size_t size);
/* Copy of a NUL-terminated string (NULL in, NULL out). */
char *stg_arena_strdup(struct stg_arena *a, const char *s);
/* Copy of n bytes plus a NUL terminator (embedded NULs are kept). */
char *stg_arena_strndup(struct stg_arena *a, const char *s, size_t n);

#endif
