/* canon.c — re-serialize JSON text the way Python's
 * json.dumps(json.loads(text), sort_keys=True, separators=(",", ":"),
 * ensure_ascii=False) does (see stigmem/cid.h, stg_json_canonicalize).
 *
 * A small recursive-descent reader writes the canonical form as it goes;
 * object members are collected, de-duplicated (last one wins, like a
 * Python dict) and sorted by key code points (= UTF-8 byte order).
 * Integers keep their decimal text ("-0" becomes "0"); numbers with a
 * fraction or exponent become doubles written by stg_pyfloat_format().
 * Fails on text Python's reader rejects (raw control characters in
 * strings, trailing garbage) and on lone surrogate escapes, which Python
 * cannot encode as UTF-8. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stigmem/cid.h"

#define CANON_MAX_DEPTH 200

struct reader {
	const char *p;
	const char *end;
	struct stg_buf tmp;          /* scratch for decoded strings */
};

static void
skip_ws(struct reader *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
		r->p++;
}

static int
hex4(const char *s, unsigned *out)
{
	unsigned v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		char c = s[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return 0;
	}
	*out = v;
	return 1;
}

static bool
put_utf8(struct stg_buf *b, unsigned cp)
{
	char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	return stg_buf_append(b, u, n);
}

/* Decode a JSON string at r->p (on the opening quote) into `b` (reset
 * first). Returns false on malformed text or a lone surrogate. */
static bool
read_string(struct reader *r, struct stg_buf *b)
{
	const char *s;
	unsigned cp, lo;

	stg_buf_reset(b);
	if (!stg_buf_reserve(b, 0))
		return false;
	r->p++; /* opening quote */
	for (;;) {
		s = r->p;
		while (r->p < r->end && *r->p != '"' && *r->p != '\\' &&
		       (unsigned char)*r->p >= 0x20)
			r->p++;
		if (r->p > s && !stg_buf_append(b, s, (size_t)(r->p - s)))
			return false;
		if (r->p >= r->end || (unsigned char)*r->p < 0x20)
			return false;
		if (*r->p == '"') {
			r->p++;
			return true;
		}
		/* backslash */
		if (r->end - r->p < 2)
			return false;
		switch (r->p[1]) {
		case '"': case '\\': case '/':
			if (!stg_buf_putc(b, r->p[1]))
				return false;
			r->p += 2;
			continue;
		case 'b': cp = 8; break;
		case 'f': cp = 12; break;
		case 'n': cp = 10; break;
		case 'r': cp = 13; break;
		case 't': cp = 9; break;
		case 'u':
			if (r->end - r->p < 6 || !hex4(r->p + 2, &cp))
				return false;
			r->p += 4;
			if (cp >= 0xdc00 && cp <= 0xdfff)
				return false; /* lone low surrogate */
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (r->end - r->p < 8 || r->p[2] != '\\' || r->p[3] != 'u' ||
				    !hex4(r->p + 4, &lo) || lo < 0xdc00 || lo > 0xdfff)
					return false; /* lone high surrogate */
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				r->p += 6;
			}
			break;
		default:
			return false;
		}
		r->p += 2;
		if (!put_utf8(b, cp))
			return false;
	}
}

static bool
lit(struct reader *r, const char *word, struct stg_buf *out, const char *emit)
{
	size_t n = strlen(word);

	if ((size_t)(r->end - r->p) < n || memcmp(r->p, word, n) != 0)
		return false;
	r->p += n;
	return stg_buf_puts(out, emit);
}

static bool
read_number(struct reader *r, struct stg_buf *out)
{
	const char *s = r->p;
	bool is_float = false;
	char tmp[512], f[STG_PYFLOAT_MAX];
	size_t n;

	if (r->p < r->end && *r->p == '-')
		r->p++;
	if (r->p < r->end && *r->p == 'I')
		return lit(r, "Infinity", out, s < r->p ? "-Infinity" : "Infinity");
	if (r->p >= r->end || *r->p < '0' || *r->p > '9')
		return false;
	if (*r->p == '0') {
		r->p++;
	} else {
		while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
			r->p++;
	}
	if (r->p < r->end && *r->p == '.' && r->end - r->p > 1 && r->p[1] >= '0' && r->p[1] <= '9') {
		is_float = true;
		r->p++;
		while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
			r->p++;
	}
	if (r->p < r->end && (*r->p == 'e' || *r->p == 'E')) {
		const char *save = r->p;

		r->p++;
		if (r->p < r->end && (*r->p == '+' || *r->p == '-'))
			r->p++;
		if (r->p < r->end && *r->p >= '0' && *r->p <= '9') {
			is_float = true;
			while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
				r->p++;
		} else {
			r->p = save; /* Python stops before a bare 'e' */
		}
	}
	n = (size_t)(r->p - s);
	if (!is_float) {
		if (n == 2 && s[0] == '-' && s[1] == '0')
			return stg_buf_putc(out, '0');
		return stg_buf_append(out, s, n);
	}
	if (n >= sizeof tmp) {
		char *heap = malloc(n + 1);
		bool ok;

		if (heap == NULL)
			return false;
		memcpy(heap, s, n);
		heap[n] = '\0';
		ok = stg_buf_append(out, f, stg_pyfloat_format(strtod(heap, NULL), f));
		free(heap);
		return ok;
	}
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	return stg_buf_append(out, f, stg_pyfloat_format(strtod(tmp, NULL), f));
}

static bool read_value(struct reader *r, struct stg_buf *out, int depth);

struct member {
	size_t key_off, key_len;     /* in keys */
	size_t val_off, val_len;     /* in vals */
	size_t order;                /* input position, for last-wins */
};

struct sort_ctx_member {
	struct member m;
	const char *keys;
};

static int
member_cmp(const void *a, const void *b)
{
	const struct sort_ctx_member *x = a, *y = b;
	size_t n = x->m.key_len < y->m.key_len ? x->m.key_len : y->m.key_len;
	int c = memcmp(x->keys + x->m.key_off, y->keys + y->m.key_off, n);

	if (c != 0)
		return c;
	if (x->m.key_len != y->m.key_len)
		return x->m.key_len < y->m.key_len ? -1 : 1;
	/* equal keys: later input first, so the first of a run wins */
	return x->m.order > y->m.order ? -1 : (x->m.order < y->m.order ? 1 : 0);
}

static bool
read_object(struct reader *r, struct stg_buf *out, int depth)
{
	struct stg_buf keys, vals;
	struct sort_ctx_member *ms = NULL, *grow;
	size_t n = 0, cap = 0, i;
	bool ok = false, first = true;

	stg_buf_init(&keys);
	stg_buf_init(&vals);
	r->p++; /* { */
	skip_ws(r);
	if (r->p < r->end && *r->p == '}') {
		r->p++;
		ok = stg_buf_puts(out, "{}");
		goto done;
	}
	for (;;) {
		struct member m;

		skip_ws(r);
		if (r->p >= r->end || *r->p != '"')
			goto done;
		if (!read_string(r, &r->tmp))
			goto done;
		m.key_off = keys.len;
		m.key_len = r->tmp.len;
		if (!stg_buf_append(&keys, r->tmp.data, r->tmp.len))
			goto done;
		skip_ws(r);
		if (r->p >= r->end || *r->p != ':')
			goto done;
		r->p++;
		skip_ws(r);
		m.val_off = vals.len;
		if (!read_value(r, &vals, depth + 1))
			goto done;
		m.val_len = vals.len - m.val_off;
		m.order = n;
		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			grow = realloc(ms, cap * sizeof *ms);
			if (grow == NULL)
				goto done;
			ms = grow;
		}
		ms[n++].m = m;
		skip_ws(r);
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			continue;
		}
		if (r->p < r->end && *r->p == '}') {
			r->p++;
			break;
		}
		goto done;
	}
	for (i = 0; i < n; i++)
		ms[i].keys = keys.data;
	qsort(ms, n, sizeof *ms, member_cmp);
	if (!stg_buf_putc(out, '{'))
		goto done;
	for (i = 0; i < n; i++) {
		if (i > 0 && ms[i].m.key_len == ms[i - 1].m.key_len &&
		    memcmp(keys.data + ms[i].m.key_off, keys.data + ms[i - 1].m.key_off,
			   ms[i].m.key_len) == 0)
			continue; /* duplicate key: the last one (sorted first) was kept */
		if (!first && !stg_buf_putc(out, ','))
			goto done;
		first = false;
		if (!stg_json_put_pystring(out, keys.data + ms[i].m.key_off, ms[i].m.key_len))
			goto done;
		if (!stg_buf_putc(out, ':'))
			goto done;
		if (!stg_buf_append(out, vals.data + ms[i].m.val_off, ms[i].m.val_len))
			goto done;
	}
	ok = stg_buf_putc(out, '}');
done:
	free(ms);
	stg_buf_done(&keys);
	stg_buf_done(&vals);
	return ok;
}

static bool
read_array(struct reader *r, struct stg_buf *out, int depth)
{
	bool first = true;

	r->p++; /* [ */
	if (!stg_buf_putc(out, '['))
		return false;
	skip_ws(r);
	if (r->p < r->end && *r->p == ']') {
		r->p++;
		return stg_buf_putc(out, ']');
	}
	for (;;) {
		skip_ws(r);
		if (!first && !stg_buf_putc(out, ','))
			return false;
		first = false;
		if (!read_value(r, out, depth + 1))
			return false;
		skip_ws(r);
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			continue;
		}
		if (r->p < r->end && *r->p == ']') {
			r->p++;
			return stg_buf_putc(out, ']');
		}
		return false;
	}
}

static bool
read_value(struct reader *r, struct stg_buf *out, int depth)
{
	if (depth > CANON_MAX_DEPTH)
		return false;
	skip_ws(r);
	if (r->p >= r->end)
		return false;
	switch (*r->p) {
	case '{':
		return read_object(r, out, depth);
	case '[':
		return read_array(r, out, depth);
	case '"':
		if (!read_string(r, &r->tmp))
			return false;
		return stg_json_put_pystring(out, r->tmp.data, r->tmp.len);
	case 't':
		return lit(r, "true", out, "true");
	case 'f':
		return lit(r, "false", out, "false");
	case 'n':
		return lit(r, "null", out, "null");
	case 'N':
		return lit(r, "NaN", out, "NaN");
	default:
		return read_number(r, out);
	}
}

bool
stg_json_canonicalize(const char *json, size_t n, struct stg_buf *out)
{
	struct reader r;
	size_t start;
	bool ok;

	if (json == NULL || out == NULL)
		return false;
	r.p = json;
	r.end = json + n;
	stg_buf_init(&r.tmp);
	start = out->len;
	ok = read_value(&r, out, 0);
	if (ok) {
		skip_ws(&r);
		ok = r.p == r.end;
	}
	stg_buf_done(&r.tmp);
	if (!ok && !out->oom && out->data != NULL) {
		/* leave `out` as it was */
		out->len = start;
		out->data[start] = '\0';
	}
	return ok && !out->oom;
}
