/* embed.c — hashed character 3-gram embedding (see stigmem/embed.h for the
 * exact algorithm). A local stand-in for a semantic model, not one. */
#include "stigmem/embed.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define EMBED_SPACE 0x20u

/* Decode one UTF-8 sequence at s[*i]; invalid input yields U+FFFD and
 * advances by one byte. */
static uint32_t
utf8_next(const unsigned char *s, size_t n, size_t *i)
{
	unsigned char c = s[*i];
	uint32_t cp;
	size_t len, k;

	if (c < 0x80) {
		(*i)++;
		return c;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2;
		cp = c & 0x1Fu;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		cp = c & 0x0Fu;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		cp = c & 0x07u;
	} else {
		(*i)++;
		return 0xFFFDu;
	}
	if (*i + len > n) {
		(*i)++;
		return 0xFFFDu;
	}
	for (k = 1; k < len; k++) {
		unsigned char cc = s[*i + k];

		if ((cc & 0xC0) != 0x80) {
			(*i)++;
			return 0xFFFDu;
		}
		cp = (cp << 6) | (cc & 0x3Fu);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
	    (cp >= 0xD800 && cp <= 0xDFFF)) {
		(*i)++;
		return 0xFFFDu;
	}
	*i += len;
	return cp;
}

/* Simple lowercase mapping for the scripts the demo data uses. */
static uint32_t
lower_cp(uint32_t c)
{
	if (c >= 'A' && c <= 'Z')
		return c + 32;
	if (c >= 0xC0 && c <= 0xDE && c != 0xD7)
		return c + 32;
	if (c >= 0x100 && c <= 0x17F) {
		/* Latin Extended-A: mostly even = upper, odd = lower, except
		 * the 0x139..0x148 and 0x179..0x17E runs (odd upper). */
		if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E))
			return (c & 1u) ? c + 1 : c;
		if (c == 0x130 || c == 0x131 || c == 0x138 || c == 0x149 || c == 0x17F)
			return c;
		return (c & 1u) ? c : c + 1;
	}
	if (c >= 0x391 && c <= 0x3A9 && c != 0x3A2)
		return c + 32;
	if (c >= 0x410 && c <= 0x42F)
		return c + 32;
	if (c >= 0x400 && c <= 0x40F)
		return c + 80;
	return c;
}

/* Separator: ASCII non-alphanumerics, C0/C1 controls, Latin-1
 * punctuation, general punctuation and format characters. */
static bool
is_sep(uint32_t c)
{
	if (c < 0x80)
		return !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'));
	if (c <= 0xBF)
		return c != 0xAA && c != 0xB5 && c != 0xBA;
	if (c == 0xD7 || c == 0xF7)
		return true;
	if (c >= 0x2000 && c <= 0x206F)
		return true;
	if (c >= 0x3000 && c <= 0x3003)
		return true;
	if (c == 0xFEFF || c == 0xFFFD)
		return true;
	return false;
}

static size_t
utf8_put(uint32_t c, unsigned char *o)
{
	if (c < 0x80) {
		o[0] = (unsigned char)c;
		return 1;
	}
	if (c < 0x800) {
		o[0] = (unsigned char)(0xC0 | (c >> 6));
		o[1] = (unsigned char)(0x80 | (c & 0x3F));
		return 2;
	}
	if (c < 0x10000) {
		o[0] = (unsigned char)(0xE0 | (c >> 12));
		o[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
		o[2] = (unsigned char)(0x80 | (c & 0x3F));
		return 3;
	}
	o[0] = (unsigned char)(0xF0 | (c >> 18));
	o[1] = (unsigned char)(0x80 | ((c >> 12) & 0x3F));
	o[2] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
	o[3] = (unsigned char)(0x80 | (c & 0x3F));
	return 4;
}

static void
count_gram(const uint32_t g[3], double *acc)
{
	unsigned char bytes[12];
	size_t n = 0, k;
	uint32_t h = 2166136261u;

	for (k = 0; k < 3; k++)
		n += utf8_put(g[k], bytes + n);
	for (k = 0; k < n; k++) {
		h ^= bytes[k];
		h *= 16777619u;
	}
	acc[h % STG_EMBED_DIM] += 1.0;
}

void
stg_embed_text(const char *s, size_t n, struct stg_embedding *out)
{
	double acc[STG_EMBED_DIM];
	uint32_t win[3];
	size_t i = 0, filled = 0, k;
	bool prev_space = true;
	double norm = 0.0;
	const unsigned char *u = (const unsigned char *)s;

	memset(acc, 0, sizeof acc);
	/* Leading pad. */
	win[0] = EMBED_SPACE;
	filled = 1;
	while (s && i < n) {
		uint32_t c = utf8_next(u, n, &i);

		if (is_sep(c)) {
			if (prev_space)
				continue;
			c = EMBED_SPACE;
			prev_space = true;
		} else {
			c = lower_cp(c);
			prev_space = false;
		}
		if (filled < 3) {
			win[filled++] = c;
		} else {
			win[0] = win[1];
			win[1] = win[2];
			win[2] = c;
		}
		if (filled == 3)
			count_gram(win, acc);
	}
	/* Trailing pad (unless the text already ended in a separator). */
	if (!prev_space && filled >= 2) {
		if (filled < 3) {
			win[filled++] = EMBED_SPACE;
		} else {
			win[0] = win[1];
			win[1] = win[2];
			win[2] = EMBED_SPACE;
		}
		if (filled == 3)
			count_gram(win, acc);
	}
	for (k = 0; k < STG_EMBED_DIM; k++)
		norm += acc[k] * acc[k];
	norm = sqrt(norm);
	for (k = 0; k < STG_EMBED_DIM; k++)
		out->v[k] = norm > 0.0 ? (float)(acc[k] / norm) : 0.0f;
}

double
stg_embed_cosine(const struct stg_embedding *a, const struct stg_embedding *b)
{
	double dot = 0.0, na = 0.0, nb = 0.0;
	size_t k;

	for (k = 0; k < STG_EMBED_DIM; k++) {
		dot += (double)a->v[k] * b->v[k];
		na += (double)a->v[k] * a->v[k];
		nb += (double)b->v[k] * b->v[k];
	}
	if (na <= 0.0 || nb <= 0.0)
		return 0.0;
	dot /= sqrt(na) * sqrt(nb);
	if (dot < 0.0)
		return 0.0;
	return dot > 1.0 ? 1.0 : dot;
}

double
stg_embed_similarity(const char *a, size_t na, const char *b, size_t nb)
{
	struct stg_embedding ea, eb;

	stg_embed_text(a, na, &ea);
	stg_embed_text(b, nb, &eb);
	return stg_embed_cosine(&ea, &eb);
}
