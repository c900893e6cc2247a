/* stigmem/buf.h — growable byte buffer.
 *
 * struct stg_buf is embedded by value: stg_buf_init() / stg_buf_done().
 * `data` is owned by the buffer, always NUL-terminated after any successful
 * append (len excludes the NUL). stg_buf_take() hands `data` to the caller
 * (free() it) and leaves the buffer empty. On allocation failure appends
 * return false and set `oom`; later appends are no-ops so callers may check once. */
#ifndef STIGMEM_BUF_H
#define STIGMEM_BUF_H

#include <stdbool.h>
#include <stddef.h>

struct stg_buf {
	char *data;
	size_t len;
	size_t cap;
	bool oom;
};

void stg_buf_init(struct stg_buf *b);
void stg_buf_done(struct stg_buf *b);
/* Forget the contents, keep the allocation. */
void stg_buf_reset(struct stg_buf *b);
bool stg_buf_reserve(struct stg_buf *b, size_t extra);
bool stg_buf_append(struct stg_buf *b, const void *p, size_t n);
bool stg_buf_puts(struct stg_buf *b, const char *s);
bool stg_buf_putc(struct stg_buf *b, char c);
bool stg_buf_printf(struct stg_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Detach the heap string (caller frees); returns NULL when empty-and-unallocated or oom. */
char *stg_buf_take(struct stg_buf *b);

#endif
