/* buf.c — growable byte buffer (see stigmem/buf.h). */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stigmem/buf.h"

void
stg_buf_init(struct stg_buf *b)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->oom = false;
}

void
stg_buf_done(struct stg_buf *b)
{
	if (b == NULL)
		return;
	free(b->data);
	stg_buf_init(b);
}

void
stg_buf_reset(struct stg_buf *b)
{
	b->len = 0;
	b->oom = false;
	if (b->data != NULL)
		b->data[0] = '\0';
}

bool
stg_buf_reserve(struct stg_buf *b, size_t extra)
{
	size_t need, ncap;
	char *p;

	if (b->oom)
		return false;
	if (extra > SIZE_MAX - b->len - 1) {
		b->oom = true;
		return false;
	}
	need = b->len + extra + 1;
	if (need <= b->cap)
		return true;
	ncap = b->cap ? b->cap : 64;
	while (ncap < need)
		ncap = ncap > SIZE_MAX / 2 ? need : ncap * 2;
	p = realloc(b->data, ncap);
	if (p == NULL) {
		b->oom = true;
		return false;
	}
	b->data = p;
	b->cap = ncap;
	return true;
}

bool
stg_buf_append(struct stg_buf *b, const void *p, size_t n)
{
	if (!stg_buf_reserve(b, n))
		return false;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return true;
}

bool
stg_buf_puts(struct stg_buf *b, const char *s)
{
	return stg_buf_append(b, s, strlen(s));
}

bool
stg_buf_putc(struct stg_buf *b, char c)
{
	return stg_buf_append(b, &c, 1);
}

bool
stg_buf_printf(struct stg_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->oom)
		return false;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !stg_buf_reserve(b, (size_t)n))
		return false;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return true;
}

char *
stg_buf_take(struct stg_buf *b)
{
	char *p;

	if (b->oom) {
		stg_buf_done(b);
		return NULL;
	}
	if (b->data == NULL && !stg_buf_reserve(b, 0))
		return NULL;
	p = b->data;
	stg_buf_init(b);
	return p;
}
