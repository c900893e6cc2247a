/* codec_fast.c — single-pass decoding of facts and of the responses that
 * carry them (fact pages, recall, conflicts).
 *
 * A strict JSON reader (RFC 8259: no trailing commas, no comments, no raw
 * control characters in strings, no lone surrogates) walks the text once and
 * writes straight into the model structs; no tree is built. It follows the
 * same rules and error texts as the cJSON decoders in codec.c, which the
 * tests compare it against on every fixture and on mutated bodies.
 * Differences: syntax errors carry the byte offset and the path reached;
 * compact JSON (derived_from[].json, raw_json) is the received text with
 * whitespace outside strings removed, so numbers keep their spelling. */
#include <float.h>
#include <locale.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/codec_internal.h"

#define MAX_DEPTH 1000
#define MAX_FRAMES 8

/* One level of the path, formatted only when an error is reported. */
struct frame {
	const char *key; /* NULL for an array index */
	size_t index;
};

struct rd {
	const char *start, *p, *end;
	struct codec_ctx *c;
	struct frame frames[MAX_FRAMES];
	int nframes;
	char decimal_point; /* of the current C locale, for strtod */
};

/* ---- errors ------------------------------------------------------------- */

static void
build_path(struct rd *r, const char *member)
{
	int i;

	stg_codec_path_pop(r->c, 0);
	for (i = 0; i < r->nframes && i < MAX_FRAMES; i++) {
		if (r->frames[i].key != NULL)
			stg_codec_path_key(r->c, r->frames[i].key);
		else
			stg_codec_path_index(r->c, r->frames[i].index);
	}
	if (member != NULL)
		stg_codec_path_key(r->c, member);
}

/* STG_ERR_DECODE at the current path + member; returns -1. */
static int __attribute__((format(printf, 3, 4)))
rfail(struct rd *r, const char *member, const char *fmt, ...)
{
	va_list ap;
	char buf[STG_ERROR_DETAIL_MAX];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	build_path(r, member);
	return stg_codec_fail(r->c, NULL, "%s", buf);
}

static int
syntax(struct rd *r, const char *what)
{
	if (r->p >= r->end)
		return rfail(r, NULL, "not valid JSON: %s at byte %zu (unexpected end of text)", what,
			     (size_t)(r->end - r->start));
	return rfail(r, NULL, "not valid JSON: %s at byte %zu", what, (size_t)(r->p - r->start));
}

static void
push_key(struct rd *r, const char *key)
{
	if (r->nframes < MAX_FRAMES)
		r->frames[r->nframes].key = key;
	r->nframes++;
}

static void
push_index(struct rd *r, size_t i)
{
	if (r->nframes < MAX_FRAMES) {
		r->frames[r->nframes].key = NULL;
		r->frames[r->nframes].index = i;
	}
	r->nframes++;
}

static void
set_index(struct rd *r, size_t i)
{
	if (r->nframes - 1 < MAX_FRAMES)
		r->frames[r->nframes - 1].index = i;
}

static void
pop(struct rd *r)
{
	r->nframes--;
}

/* ---- lexical ------------------------------------------------------------ */

static inline void
ws(struct rd *r)
{
	while (r->p < r->end) {
		char ch = *r->p;

		if (ch != ' ' && ch != '\n' && ch != '\r' && ch != '\t')
			return;
		r->p++;
	}
}

static inline int
peek(struct rd *r)
{
	return r->p < r->end ? (unsigned char)*r->p : -1;
}

/* JSON type name of the value starting at r->p. */
static const char *
type_at(struct rd *r)
{
	switch (peek(r)) {
	case '"': return "string";
	case '{': return "object";
	case '[': return "array";
	case 't':
	case 'f': return "boolean";
	case 'n': return "null";
	case '-':
	case '0': case '1': case '2': case '3': case '4':
	case '5': case '6': case '7': case '8': case '9': return "number";
	default: return "invalid";
	}
}

static int
literal(struct rd *r, const char *word, size_t n)
{
	if ((size_t)(r->end - r->p) < n || memcmp(r->p, word, n) != 0)
		return syntax(r, "invalid literal");
	r->p += n;
	return 0;
}

/* Is the next value `null`? Consumes it when it is. */
static int
take_null(struct rd *r, bool *was_null)
{
	*was_null = false;
	if (peek(r) != 'n')
		return 0;
	if (literal(r, "null", 4) != 0)
		return -1;
	*was_null = true;
	return 0;
}

static int
hex4(struct rd *r, const char *p, unsigned *out)
{
	unsigned v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		char ch = p[i];

		v <<= 4;
		if (ch >= '0' && ch <= '9')
			v |= (unsigned)(ch - '0');
		else if (ch >= 'a' && ch <= 'f')
			v |= (unsigned)(ch - 'a' + 10);
		else if (ch >= 'A' && ch <= 'F')
			v |= (unsigned)(ch - 'A' + 10);
		else
			return syntax(r, "invalid \\u escape");
	}
	*out = v;
	return 0;
}

#define SWAR_ONES UINT64_C(0x0101010101010101)
#define SWAR_HIGH UINT64_C(0x8080808080808080)

/* Does any byte of v equal '"' or '\\', or lie below 0x20? (May report a
 * byte after a real hit too; never misses one.) */
static inline bool
swar_special(uint64_t v)
{
	uint64_t q = v ^ (SWAR_ONES * '"');
	uint64_t b = v ^ (SWAR_ONES * '\\');

	return (((q - SWAR_ONES) & ~q) | ((b - SWAR_ONES) & ~b) | ((v - SWAR_ONES * 0x20) & ~v)) &
	       SWAR_HIGH;
}

/* Scan a string at r->p (the opening quote): sets *body and *blen to the raw
 * contents, *esc when escapes occur, and moves past the closing quote. */
static int
scan_string(struct rd *r, const char **body, size_t *blen, bool *esc)
{
	const unsigned char *p = (const unsigned char *)r->p + 1;
	const unsigned char *end = (const unsigned char *)r->end;

	*esc = false;
	for (;;) {
		/* Eight bytes at a time while none is '"', '\\' or < 0x20. */
		while (end - p >= 8) {
			uint64_t v;

			memcpy(&v, p, 8);
			if (swar_special(v))
				break;
			p += 8;
		}
		while (p < end && *p != '"' && *p != '\\' && *p >= 0x20)
			p++;
		if (p >= end) {
			r->p = (const char *)p;
			return syntax(r, "unterminated string");
		}
		if (*p == '"')
			break;
		if (*p < 0x20) {
			r->p = (const char *)p;
			return syntax(r, "control character in string");
		}
		*esc = true;
		p++;
		if (p >= end) {
			r->p = (const char *)p;
			return syntax(r, "unterminated string");
		}
		if (*p == 'u') {
			if (end - p < 5) {
				r->p = (const char *)p;
				return syntax(r, "truncated \\u escape");
			}
			p += 5;
		} else {
			p++;
		}
	}
	*body = r->p + 1;
	*blen = (size_t)((const char *)p - (r->p + 1));
	r->p = (const char *)p + 1;
	return 0;
}

static size_t
put_utf8(char *d, unsigned cp)
{
	if (cp < 0x80) {
		d[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		d[0] = (char)(0xc0 | (cp >> 6));
		d[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		d[0] = (char)(0xe0 | (cp >> 12));
		d[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		d[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	d[0] = (char)(0xf0 | (cp >> 18));
	d[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	d[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	d[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Decode escapes of s[0..n) into d (room for n bytes); returns the length. */
static int
unescape(struct rd *r, const char *s, size_t n, char *d, size_t *out_len)
{
	size_t i = 0, j = 0;

	while (i < n) {
		unsigned cp, lo;

		if (s[i] != '\\') {
			d[j++] = s[i++];
			continue;
		}
		i++;
		switch (s[i]) {
		case '"': d[j++] = '"'; break;
		case '\\': d[j++] = '\\'; break;
		case '/': d[j++] = '/'; break;
		case 'b': d[j++] = '\b'; break;
		case 'f': d[j++] = '\f'; break;
		case 'n': d[j++] = '\n'; break;
		case 'r': d[j++] = '\r'; break;
		case 't': d[j++] = '\t'; break;
		case 'u':
			if (hex4(r, s + i + 1, &cp) != 0)
				return -1;
			i += 4;
			if (cp >= 0xdc00 && cp <= 0xdfff)
				return syntax(r, "lone low surrogate in \\u escape");
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (n - i < 7 || s[i + 1] != '\\' || s[i + 2] != 'u')
					return syntax(r, "lone high surrogate in \\u escape");
				if (hex4(r, s + i + 3, &lo) != 0)
					return -1;
				if (lo < 0xdc00 || lo > 0xdfff)
					return syntax(r, "invalid surrogate pair in \\u escape");
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				i += 6;
			}
			j += put_utf8(d + j, cp);
			break;
		default:
			return syntax(r, "invalid escape in string");
		}
		i++;
	}
	*out_len = j;
	return 0;
}

/* A string value into the arena (NUL-terminated; may hold U+0000). */
static int
read_string(struct rd *r, const char **out, size_t *len)
{
	const char *body;
	size_t blen, n;
	bool esc;
	char *d;

	if (scan_string(r, &body, &blen, &esc) != 0)
		return -1;
	d = stg_arena_alloc(r->c->arena, blen + 1);
	if (d == NULL)
		return stg_codec_nomem(r->c);
	if (!esc) {
		memcpy(d, body, blen);
		n = blen;
	} else if (unescape(r, body, blen, d, &n) != 0) {
		return -1;
	}
	d[n] = '\0';
	*out = d;
	if (len != NULL)
		*len = n;
	return 0;
}

/* A member name: points into the text when unescaped, else decoded into
 * buf (names longer than buf are reported as "" and so never match). */
static int
read_key(struct rd *r, char *buf, size_t cap, const char **key, size_t *klen)
{
	const char *body;
	size_t blen;
	bool esc;

	if (peek(r) != '"')
		return syntax(r, "expected a member name");
	if (scan_string(r, &body, &blen, &esc) != 0)
		return -1;
	if (!esc) {
		*key = body;
		*klen = blen;
		return 0;
	}
	if (blen >= cap) {
		*key = "";
		*klen = 0;
		return 0;
	}
	if (unescape(r, body, blen, buf, klen) != 0)
		return -1;
	*key = buf;
	return 0;
}

/* Exact powers of ten representable as doubles. */
static const double pow10_exact[] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

/* Clinger's fast path for a validated number text [s, e): when the decimal
 * digits fit in 2^53 and the power of ten is exact (|k| <= 22), one IEEE
 * multiplication or division gives the correctly rounded value, the same
 * double strtod returns. False when the text needs strtod. */
static bool
fast_double(const char *s, const char *e, double *out)
{
	uint64_t m = 0;
	int digits = 0, frac = 0, exp10 = 0, esign = 1;
	bool neg = false, in_frac = false;
	double d;

#if !defined(FLT_EVAL_METHOD) || FLT_EVAL_METHOD != 0
	return false; /* extended-precision evaluation would round twice */
#endif
	if (*s == '-') {
		neg = true;
		s++;
	}
	for (; s < e; s++) {
		if (*s == '.') {
			in_frac = true;
			continue;
		}
		if (*s == 'e' || *s == 'E') {
			s++;
			if (*s == '+' || *s == '-')
				esign = *s++ == '-' ? -1 : 1;
			for (; s < e; s++) {
				if (exp10 > 1000)
					return false;
				exp10 = exp10 * 10 + (*s - '0');
			}
			break;
		}
		if (m == 0 && *s == '0') {
			if (in_frac)
				frac++;
			continue;
		}
		if (++digits > 19)
			return false;
		m = m * 10 + (uint64_t)(*s - '0');
		if (in_frac)
			frac++;
	}
	if (m > (UINT64_C(1) << 53))
		return false;
	exp10 = esign * exp10 - frac;
	d = (double)m;
	if (m == 0)
		d = 0.0;
	else if (exp10 < 0 && exp10 >= -22)
		d /= pow10_exact[-exp10];
	else if (exp10 >= 0 && exp10 <= 22)
		d *= pow10_exact[exp10];
	else
		return false;
	*out = neg ? -d : d;
	return true;
}

/* Strict number at r->p; value via strtod of the exact text. */
static int
read_number(struct rd *r, double *out)
{
	const char *s = r->p, *p = r->p, *e = r->end;
	char small[64], *buf = small;
	size_t n, i;

	if (p < e && *p == '-')
		p++;
	if (p < e && *p == '0') {
		p++;
	} else if (p < e && *p >= '1' && *p <= '9') {
		while (p < e && *p >= '0' && *p <= '9')
			p++;
	} else {
		return syntax(r, "invalid number");
	}
	if (p < e && *p == '.') {
		p++;
		if (p >= e || *p < '0' || *p > '9') {
			r->p = p;
			return syntax(r, "invalid number");
		}
		while (p < e && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < e && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < e && (*p == '+' || *p == '-'))
			p++;
		if (p >= e || *p < '0' || *p > '9') {
			r->p = p;
			return syntax(r, "invalid number");
		}
		while (p < e && *p >= '0' && *p <= '9')
			p++;
	}
	r->p = p;
	if (fast_double(s, p, out))
		return 0;
	n = (size_t)(p - s);
	if (n >= sizeof small) {
		buf = malloc(n + 1);
		if (buf == NULL)
			return stg_codec_nomem(r->c);
	}
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (r->decimal_point != '.')
		for (i = 0; i < n; i++)
			if (buf[i] == '.')
				buf[i] = r->decimal_point;
	*out = strtod(buf, NULL);
	if (buf != small)
		free(buf);
	return 0;
}

/* Skip any value (validating it). */
static int
skip_value(struct rd *r, int depth)
{
	const char *body;
	size_t blen;
	bool esc;
	double d;

	if (depth > MAX_DEPTH)
		return syntax(r, "nesting deeper than 1000 levels");
	ws(r);
	switch (peek(r)) {
	case '"':
		if (scan_string(r, &body, &blen, &esc) != 0)
			return -1;
		if (esc) {
			/* Validate escapes without keeping the text. */
			char *tmp = malloc(blen + 1);
			size_t n;
			int rc;

			if (tmp == NULL)
				return stg_codec_nomem(r->c);
			rc = unescape(r, body, blen, tmp, &n);
			free(tmp);
			return rc;
		}
		return 0;
	case '{':
		r->p++;
		ws(r);
		if (peek(r) == '}') {
			r->p++;
			return 0;
		}
		for (;;) {
			ws(r);
			if (peek(r) != '"')
				return syntax(r, "expected a member name");
			if (scan_string(r, &body, &blen, &esc) != 0)
				return -1;
			ws(r);
			if (peek(r) != ':')
				return syntax(r, "expected ':'");
			r->p++;
			if (skip_value(r, depth + 1) != 0)
				return -1;
			ws(r);
			if (peek(r) == ',') {
				r->p++;
				continue;
			}
			if (peek(r) == '}') {
				r->p++;
				return 0;
			}
			return syntax(r, "expected ',' or '}'");
		}
	case '[':
		r->p++;
		ws(r);
		if (peek(r) == ']') {
			r->p++;
			return 0;
		}
		for (;;) {
			if (skip_value(r, depth + 1) != 0)
				return -1;
			ws(r);
			if (peek(r) == ',') {
				r->p++;
				continue;
			}
			if (peek(r) == ']') {
				r->p++;
				return 0;
			}
			return syntax(r, "expected ',' or ']'");
		}
	case 't':
		return literal(r, "true", 4);
	case 'f':
		return literal(r, "false", 5);
	case 'n':
		return literal(r, "null", 4);
	default:
		return read_number(r, &d);
	}
}

/* Compact copy of text[start, end) (whitespace outside strings removed).
 * Copies runs with memcpy: the node's own text is compact already. */
static int
compact_span(struct rd *r, const char *s, const char *e, const char **out)
{
	char *d = stg_arena_alloc(r->c->arena, (size_t)(e - s) + 1);
	size_t j = 0;

	if (d == NULL)
		return stg_codec_nomem(r->c);
	while (s < e) {
		const char *q = s;

		/* outside strings: up to whitespace or a quote */
		while (q < e && *q != '"' && *q != ' ' && *q != '\n' && *q != '\r' && *q != '\t')
			q++;
		memcpy(d + j, s, (size_t)(q - s));
		j += (size_t)(q - s);
		s = q;
		if (s >= e)
			break;
		if (*s != '"') {
			s++; /* whitespace */
			continue;
		}
		/* a string, escapes included, up to its closing quote */
		q = s + 1;
		for (;;) {
			while (q < e && *q != '"' && *q != '\\')
				q++;
			if (q >= e)
				break;
			if (*q == '\\') {
				q = e - q >= 2 ? q + 2 : e;
				continue;
			}
			q++; /* closing quote */
			break;
		}
		memcpy(d + j, s, (size_t)(q - s));
		j += (size_t)(q - s);
		s = q;
	}
	d[j] = '\0';
	*out = d;
	return 0;
}

/* ---- typed members ------------------------------------------------------ */

static int
m_str(struct rd *r, const char *key, bool req, const char **out)
{
	bool null;

	if (take_null(r, &null) != 0)
		return -1;
	if (null) {
		*out = NULL;
		return req ? rfail(r, key, "expected string, got null") : 0;
	}
	if (peek(r) != '"')
		return rfail(r, key, "expected string, got %s", type_at(r));
	return read_string(r, out, NULL);
}

static int
m_num(struct rd *r, const char *key, bool req, double *out, bool *has)
{
	bool null;

	if (take_null(r, &null) != 0)
		return -1;
	if (null) {
		*out = 0;
		if (has != NULL)
			*has = false;
		return req ? rfail(r, key, "expected number, got null") : 0;
	}
	if (strcmp(type_at(r), "number") != 0)
		return rfail(r, key, "expected number, got %s", type_at(r));
	if (has != NULL)
		*has = true;
	return read_number(r, out);
}

static int
m_bool(struct rd *r, const char *key, bool *out)
{
	bool null;

	if (take_null(r, &null) != 0)
		return -1;
	if (null) {
		*out = false;
		return 0;
	}
	if (peek(r) == 't') {
		*out = true;
		return literal(r, "true", 4);
	}
	if (peek(r) == 'f') {
		*out = false;
		return literal(r, "false", 5);
	}
	return rfail(r, key, "expected boolean, got %s", type_at(r));
}

static int
m_tristate(struct rd *r, const char *key, enum stg_tristate *out)
{
	bool b, null;

	if (take_null(r, &null) != 0)
		return -1;
	if (null) {
		*out = STG_NULL;
		return 0;
	}
	if (peek(r) != 't' && peek(r) != 'f')
		return rfail(r, key, "expected boolean or null, got %s", type_at(r));
	if (m_bool(r, key, &b) != 0)
		return -1;
	*out = b ? STG_TRUE : STG_FALSE;
	return 0;
}

/* Array of strings: counted in a first pass, then decoded. */
static int
m_strs(struct rd *r, const char *key, const char ***out, size_t *n, bool *has)
{
	const char *save, **v;
	size_t count = 0, i;
	bool null;

	*out = NULL;
	*n = 0;
	if (has != NULL)
		*has = false;
	if (take_null(r, &null) != 0)
		return -1;
	if (null)
		return 0;
	if (peek(r) != '[')
		return rfail(r, key, "expected array, got %s", type_at(r));
	r->p++;
	ws(r);
	save = r->p;
	if (peek(r) != ']') {
		for (;;) {
			if (skip_value(r, 1) != 0)
				return -1;
			count++;
			ws(r);
			if (peek(r) == ',') {
				r->p++;
				continue;
			}
			if (peek(r) == ']')
				break;
			return syntax(r, "expected ',' or ']'");
		}
	}
	v = stg_arena_calloc(r->c->arena, count + 1, sizeof *v);
	if (v == NULL)
		return stg_codec_nomem(r->c);
	r->p = save;
	push_key(r, key);
	for (i = 0; i < count; i++) {
		ws(r);
		if (peek(r) != '"') {
			push_index(r, i);
			rfail(r, NULL, "expected string, got %s", type_at(r));
			return -1;
		}
		if (read_string(r, &v[i], NULL) != 0)
			return -1;
		ws(r);
		r->p++; /* ',' or ']' (checked in the first pass) */
	}
	pop(r);
	if (count == 0)
		r->p++; /* ']' */
	*out = v;
	*n = count;
	if (has != NULL)
		*has = true;
	return 0;
}

/* Member-name dispatch helpers. FIRST() also marks member number n as seen
 * in `once`, so a repeated member is skipped: the first one counts, as
 * with cJSON. */
#define KEY_IS(lit) (klen == sizeof(lit) - 1 && memcmp(key, lit, sizeof(lit) - 1) == 0)
#define FIRST(n, lit) (KEY_IS(lit) && first_time(&once, n))

static inline bool
first_time(unsigned *once, unsigned n)
{
	if (*once & (1u << n))
		return false;
	*once |= 1u << n;
	return true;
}

/* §3.2 value object. */
static int
read_value(struct rd *r, struct stg_value *v)
{
	char kbuf[64];
	const char *key, *ia = NULL, *vstart = NULL;
	size_t klen;
	bool has_type = false;
	unsigned once = 0;

	memset(v, 0, sizeof *v);
	r->p++; /* '{' */
	ws(r);
	if (peek(r) == '}') {
		r->p++;
		return rfail(r, "type", "missing required member (expected string)");
	}
	for (;;) {
		ws(r);
		if (read_key(r, kbuf, sizeof kbuf, &key, &klen) != 0)
			return -1;
		ws(r);
		if (peek(r) != ':')
			return syntax(r, "expected ':'");
		r->p++;
		ws(r);
		if (FIRST(0, "type")) {
			if (m_str(r, "type", true, &v->type_name) != 0)
				return -1;
			has_type = true;
		} else if (FIRST(1, "interpret_as")) {
			if (m_str(r, "interpret_as", false, &ia) != 0)
				return -1;
		} else if (FIRST(2, "v")) {
			/* Decoded once the type is known (it may come later). */
			vstart = r->p;
			if (skip_value(r, 1) != 0)
				return -1;
		} else if (skip_value(r, 1) != 0) {
			return -1;
		}
		ws(r);
		if (peek(r) == ',') {
			r->p++;
			continue;
		}
		if (peek(r) == '}') {
			r->p++;
			break;
		}
		return syntax(r, "expected ',' or '}'");
	}
	if (!has_type)
		return rfail(r, "type", "missing required member (expected string)");
	v->type = stg_value_type_parse(v->type_name);
	if (ia != NULL) {
		v->has_interpret_as = true;
		v->interpret_as = strcmp(ia, "instruction") == 0 ? STG_INTERPRET_INSTRUCTION
								: STG_INTERPRET_CONTENT;
	}
	if (vstart == NULL || v->type == STG_VT_NULL || *vstart == 'n') {
		v->is_null = true;
		return 0;
	}
	{
		const char *resume = r->p;
		int rc = 0;

		r->p = vstart;
		switch (v->type) {
		case STG_VT_STRING:
		case STG_VT_TEXT:
		case STG_VT_DATETIME:
		case STG_VT_REF:
			if (*vstart != '"')
				rc = rfail(r, "v", "expected string or null for type %s, got %s",
					   v->type_name, type_at(r));
			else
				rc = read_string(r, &v->str, &v->str_len);
			break;
		case STG_VT_NUMBER:
			if (strcmp(type_at(r), "number") != 0)
				rc = rfail(r, "v", "expected number or null for type number, got %s",
					   type_at(r));
			else
				rc = read_number(r, &v->num);
			break;
		case STG_VT_BOOLEAN:
			if (*vstart != 't' && *vstart != 'f')
				rc = rfail(r, "v", "expected boolean or null for type boolean, got %s",
					   type_at(r));
			else
				v->boolean = *vstart == 't';
			break;
		default:
			if (*vstart == '"') {
				rc = read_string(r, &v->str, &v->str_len);
			} else {
				const char *s = r->p;

				rc = skip_value(r, 1);
				if (rc == 0)
					rc = compact_span(r, s, r->p, &v->str);
				if (rc == 0)
					v->str_len = strlen(v->str);
			}
			break;
		}
		r->p = resume;
		return rc;
	}
}

/* derived_from: free-form elements; fact_id/hash picked from objects. */
static int
read_derived(struct rd *r, struct stg_fact *f)
{
	const char *save;
	size_t count = 0, i;
	bool null;

	if (take_null(r, &null) != 0)
		return -1;
	if (null)
		return 0;
	if (peek(r) != '[')
		return rfail(r, "derived_from", "expected array, got %s", type_at(r));
	r->p++;
	ws(r);
	save = r->p;
	if (peek(r) == ']') {
		r->p++;
		f->derived_from = stg_arena_alloc(r->c->arena, sizeof *f->derived_from);
		return f->derived_from != NULL ? 0 : stg_codec_nomem(r->c);
	}
	for (;;) {
		if (skip_value(r, 1) != 0)
			return -1;
		count++;
		ws(r);
		if (peek(r) == ',') {
			r->p++;
			continue;
		}
		if (peek(r) == ']')
			break;
		return syntax(r, "expected ',' or ']'");
	}
	f->derived_from = stg_arena_calloc(r->c->arena, count, sizeof *f->derived_from);
	if (f->derived_from == NULL)
		return stg_codec_nomem(r->c);
	r->p = save;
	for (i = 0; i < count; i++) {
		struct stg_derived *d = &f->derived_from[i];
		const char *s;

		ws(r);
		s = r->p;
		if (peek(r) == '{') {
			char kbuf[64];
			const char *key;
			size_t klen;
			unsigned once = 0;

			r->p++;
			ws(r);
			if (peek(r) == '}')
				r->p++;
			else
				for (;;) {
					ws(r);
					if (read_key(r, kbuf, sizeof kbuf, &key, &klen) != 0)
						return -1;
					ws(r);
					r->p++; /* ':' (validated by the first pass) */
					ws(r);
					if ((FIRST(0, "fact_id") || FIRST(1, "hash")) && peek(r) == '"') {
						const char **dst = KEY_IS("hash") ? &d->hash : &d->fact_id;

						if (read_string(r, dst, NULL) != 0)
							return -1;
					} else if (skip_value(r, 2) != 0) {
						return -1;
					}
					ws(r);
					if (*r->p++ == '}')
						break;
				}
		} else if (skip_value(r, 1) != 0) {
			return -1;
		}
		if (compact_span(r, s, r->p, &d->json) != 0)
			return -1;
		ws(r);
		r->p++; /* ',' or ']' */
	}
	f->n_derived_from = count;
	return 0;
}

enum {
	REQ_ID = 1 << 0,
	REQ_ENTITY = 1 << 1,
	REQ_RELATION = 1 << 2,
	REQ_VALUE = 1 << 3,
	REQ_SOURCE = 1 << 4,
	REQ_TIMESTAMP = 1 << 5,
	REQ_CONFIDENCE = 1 << 6,
	REQ_SCOPE = 1 << 7,
	REQ_ALL = (1 << 8) - 1
};

/* §3.1 FactRecord at r->p (an object). */
static int
read_fact(struct rd *r, struct stg_fact *f)
{
	static const struct {
		unsigned bit;
		const char *name;
		const char *want;
	} required[] = {
		{ REQ_ID, "id", "string" },
		{ REQ_ENTITY, "entity", "string" },
		{ REQ_RELATION, "relation", "string" },
		{ REQ_VALUE, "value", "object" },
		{ REQ_SOURCE, "source", "string" },
		{ REQ_TIMESTAMP, "timestamp", "string" },
		{ REQ_CONFIDENCE, "confidence", "number" },
		{ REQ_SCOPE, "scope", "string" },
	};
	const char *obj_start = r->p, *key;
	char kbuf[64];
	unsigned seen = 0, once = 0, i;
	size_t klen;
	int rc;

	memset(f, 0, sizeof *f);
	f->attested = STG_NULL;
	r->p++; /* '{' */
	ws(r);
	if (peek(r) == '}') {
		r->p++;
	} else {
		for (;;) {
			ws(r);
			if (read_key(r, kbuf, sizeof kbuf, &key, &klen) != 0)
				return -1;
			ws(r);
			if (peek(r) != ':')
				return syntax(r, "expected ':'");
			r->p++;
			ws(r);
			rc = 0;
			switch (klen) {
			case 2:
				if (FIRST(0, "id")) {
					rc = m_str(r, "id", true, &f->id);
					seen |= REQ_ID;
				} else
					goto unknown;
				break;
			case 3:
				if (FIRST(1, "hlc"))
					rc = m_str(r, "hlc", false, &f->hlc);
				else if (FIRST(2, "cid"))
					rc = m_str(r, "cid", false, &f->cid);
				else
					goto unknown;
				break;
			case 5:
				if (FIRST(3, "value")) {
					bool null;

					if (take_null(r, &null) != 0)
						return -1;
					if (null)
						return rfail(r, "value", "expected object, got null");
					if (peek(r) != '{')
						return rfail(r, "value", "expected object, got %s",
							     type_at(r));
					push_key(r, "value");
					rc = read_value(r, &f->value);
					pop(r);
					seen |= REQ_VALUE;
				} else if (FIRST(4, "scope")) {
					rc = m_str(r, "scope", true, &f->scope);
					seen |= REQ_SCOPE;
				} else
					goto unknown;
				break;
			case 6:
				if (FIRST(5, "entity")) {
					rc = m_str(r, "entity", true, &f->entity);
					seen |= REQ_ENTITY;
				} else if (FIRST(6, "source")) {
					rc = m_str(r, "source", true, &f->source);
					seen |= REQ_SOURCE;
				} else
					goto unknown;
				break;
			case 8:
				if (FIRST(7, "relation")) {
					rc = m_str(r, "relation", true, &f->relation);
					seen |= REQ_RELATION;
				} else if (FIRST(8, "warnings"))
					rc = m_strs(r, "warnings", &f->warnings, &f->n_warnings, NULL);
				else if (FIRST(9, "attested"))
					rc = m_tristate(r, "attested", &f->attested);
				else
					goto unknown;
				break;
			case 9:
				if (FIRST(10, "timestamp")) {
					rc = m_str(r, "timestamp", true, &f->timestamp);
					seen |= REQ_TIMESTAMP;
				} else if (FIRST(11, "garden_id"))
					rc = m_str(r, "garden_id", false, &f->garden_id);
				else
					goto unknown;
				break;
			case 10:
				if (FIRST(12, "confidence")) {
					rc = m_num(r, "confidence", true, &f->confidence, NULL);
					seen |= REQ_CONFIDENCE;
				} else
					goto unknown;
				break;
			case 11:
				if (FIRST(13, "valid_until"))
					rc = m_str(r, "valid_until", false, &f->valid_until);
				else
					goto unknown;
				break;
			case 12:
				if (FIRST(14, "contradicted"))
					rc = m_bool(r, "contradicted", &f->contradicted);
				else if (FIRST(15, "source_trust"))
					rc = m_num(r, "source_trust", false, &f->source_trust,
						   &f->has_source_trust);
				else if (FIRST(16, "derived_from"))
					rc = read_derived(r, f);
				else
					goto unknown;
				break;
			case 13:
				if (FIRST(17, "received_from"))
					rc = m_str(r, "received_from", false, &f->received_from);
				else
					goto unknown;
				break;
			case 14:
				if (FIRST(18, "origin_node_id"))
					rc = m_str(r, "origin_node_id", false, &f->origin_node_id);
				else
					goto unknown;
				break;
			case 15:
				if (FIRST(19, "attested_key_id"))
					rc = m_str(r, "attested_key_id", false, &f->attested_key_id);
				else
					goto unknown;
				break;
			case 17:
				if (FIRST(20, "quarantine_status"))
					rc = m_str(r, "quarantine_status", false, &f->quarantine_status);
				else
					goto unknown;
				break;
			case 18:
				if (FIRST(21, "sanitizer_warnings"))
					rc = m_strs(r, "sanitizer_warnings", &f->sanitizer_warnings,
						    &f->n_sanitizer_warnings, NULL);
				else if (FIRST(22, "sanitizer_redacted"))
					rc = m_bool(r, "sanitizer_redacted", &f->sanitizer_redacted);
				else
					goto unknown;
				break;
			case 20:
				if (FIRST(23, "quarantine_garden_id"))
					rc = m_str(r, "quarantine_garden_id", false,
						   &f->quarantine_garden_id);
				else if (FIRST(24, "effective_confidence"))
					rc = m_num(r, "effective_confidence", false,
						   &f->effective_confidence,
						   &f->has_effective_confidence);
				else
					goto unknown;
				break;
			case 21:
				if (FIRST(25, "origin_allowed_scopes"))
					rc = m_strs(r, "origin_allowed_scopes", &f->origin_allowed_scopes,
						    &f->n_origin_allowed_scopes,
						    &f->has_origin_allowed_scopes);
				else
					goto unknown;
				break;
			default:
			unknown:
				rc = skip_value(r, 1);
				break;
			}
			if (rc != 0)
				return -1;
			ws(r);
			if (peek(r) == ',') {
				r->p++;
				continue;
			}
			if (peek(r) == '}') {
				r->p++;
				break;
			}
			return syntax(r, "expected ',' or '}'");
		}
	}
	if (seen != REQ_ALL)
		for (i = 0; i < sizeof required / sizeof required[0]; i++)
			if (!(seen & required[i].bit))
				return rfail(r, required[i].name,
					     "missing required member (expected %s)", required[i].want);
	if (r->c->flags & STG_DECODE_KEEP_RAW)
		return compact_span(r, obj_start, r->p, &f->raw_json);
	return 0;
}

/* ---- entry points ------------------------------------------------------- */

static enum stg_status
begin(struct rd *r, struct codec_ctx *c, const char *json, size_t len, unsigned flags,
      struct stg_arena *arena, bool have_out, struct stg_error *err)
{
	const char *dp = localeconv()->decimal_point;

	stg_error_clear(err);
	stg_codec_ctx_init(c, arena, err, flags);
	memset(r, 0, sizeof *r);
	r->c = c;
	r->start = r->p = json;
	r->end = json != NULL ? json + len : json;
	r->decimal_point = dp != NULL && dp[0] != '\0' ? dp[0] : '.';
	if (arena == NULL || !have_out)
		return stg_error_set(err, STG_ERR_USAGE, "decoder needs an arena and an out pointer");
	if (json == NULL || len == 0) {
		stg_codec_fail(c, NULL, "empty body (expected JSON)");
		return STG_ERR_DECODE;
	}
	ws(r);
	if (peek(r) != '{') {
		if (peek(r) == -1 || strcmp(type_at(r), "invalid") == 0) {
			syntax(r, "expected a JSON value");
			return STG_ERR_DECODE;
		}
		/* Report a well-formed non-object like the cJSON path does. */
		{
			const char *t = type_at(r);

			if (skip_value(r, 0) != 0)
				return STG_ERR_DECODE;
			ws(r);
			if (r->p != r->end) {
				syntax(r, "trailing data after the JSON value");
				return STG_ERR_DECODE;
			}
			stg_codec_fail(c, NULL, "expected object, got %s", t);
		}
		return STG_ERR_DECODE;
	}
	return STG_OK;
}

static enum stg_status
finish(struct rd *r)
{
	ws(r);
	if (r->p != r->end) {
		syntax(r, "trailing data after the JSON value");
		return STG_ERR_DECODE;
	}
	return STG_OK;
}

static enum stg_status
status_of(struct codec_ctx *c)
{
	return c->err != NULL && c->err->status != STG_OK ? c->err->status : STG_ERR_DECODE;
}

enum stg_status
stg_codec_fact_fast(const char *json, size_t len, unsigned flags, struct stg_arena *arena,
		    struct stg_fact **out, struct stg_error *err)
{
	struct codec_ctx c;
	struct rd r;
	struct stg_fact *f;
	enum stg_status st;

	if (out != NULL)
		*out = NULL;
	st = begin(&r, &c, json, len, flags, arena, out != NULL, err);
	if (st != STG_OK)
		return st;
	f = stg_arena_alloc(arena, sizeof *f);
	if (f == NULL) {
		stg_codec_nomem(&c);
		return STG_ERR_NOMEM;
	}
	if (read_fact(&r, f) != 0)
		return status_of(&c);
	st = finish(&r);
	if (st == STG_OK)
		*out = f;
	return st;
}

/* facts: decoded into a heap array that grows, then copied into the arena. */
static int
read_facts(struct rd *r, struct stg_fact_page *p)
{
	struct stg_fact *v = NULL, *nv;
	size_t n = 0, cap = 0, i;
	bool null;

	if (take_null(r, &null) != 0)
		return -1;
	if (null)
		return rfail(r, "facts", "expected array, got null");
	if (peek(r) != '[')
		return rfail(r, "facts", "expected array, got %s", type_at(r));
	r->p++;
	ws(r);
	push_key(r, "facts");
	push_index(r, 0);
	if (peek(r) == ']') {
		r->p++;
	} else {
		/* First guess from the text size (~700 bytes a fact on the wire). */
		cap = (size_t)(r->end - r->p) / 512 + 4;
		v = malloc(cap * sizeof *v);
		if (v == NULL)
			return stg_codec_nomem(r->c);
		for (;;) {
			ws(r);
			set_index(r, n);
			if (peek(r) != '{') {
				if (strcmp(type_at(r), "invalid") == 0)
					syntax(r, "expected a JSON value");
				else
					rfail(r, NULL, "expected object, got %s", type_at(r));
				free(v);
				return -1;
			}
			if (n == cap) {
				cap *= 2;
				nv = realloc(v, cap * sizeof *v);
				if (nv == NULL) {
					free(v);
					return stg_codec_nomem(r->c);
				}
				v = nv;
			}
			if (read_fact(r, &v[n]) != 0) {
				free(v);
				return -1;
			}
			n++;
			ws(r);
			if (peek(r) == ',') {
				r->p++;
				continue;
			}
			if (peek(r) == ']') {
				r->p++;
				break;
			}
			free(v);
			return syntax(r, "expected ',' or ']'");
		}
	}
	pop(r);
	pop(r);
	p->facts = stg_arena_calloc(r->c->arena, n ? n : 1, sizeof *p->facts);
	if (p->facts == NULL) {
		free(v);
		return stg_codec_nomem(r->c);
	}
	for (i = 0; i < n; i++)
		p->facts[i] = v[i];
	free(v);
	p->n_facts = n;
	return 0;
}

/* Count the elements of an array (skipping them); null counts 0. */
static int
count_array(struct rd *r, const char *key, size_t *n)
{
	bool null;

	*n = 0;
	if (take_null(r, &null) != 0)
		return -1;
	if (null)
		return 0;
	if (peek(r) != '[')
		return rfail(r, key, "expected array, got %s", type_at(r));
	r->p++;
	ws(r);
	if (peek(r) == ']') {
		r->p++;
		return 0;
	}
	for (;;) {
		if (skip_value(r, 1) != 0)
			return -1;
		(*n)++;
		ws(r);
		if (peek(r) == ',') {
			r->p++;
			continue;
		}
		if (peek(r) == ']') {
			r->p++;
			return 0;
		}
		return syntax(r, "expected ',' or ']'");
	}
}

enum stg_status
stg_codec_fact_page_fast(const char *json, size_t len, unsigned flags,
			 struct stg_arena *arena, struct stg_fact_page **out,
			 struct stg_error *err)
{
	struct codec_ctx c;
	struct rd r;
	struct stg_fact_page *p;
	enum stg_status st;
	char kbuf[64];
	const char *key;
	size_t klen;
	bool have_facts = false;
	unsigned once = 0;

	if (out != NULL)
		*out = NULL;
	st = begin(&r, &c, json, len, flags, arena, out != NULL, err);
	if (st != STG_OK)
		return st;
	p = stg_arena_alloc(arena, sizeof *p);
	if (p == NULL) {
		stg_codec_nomem(&c);
		return STG_ERR_NOMEM;
	}
	r.p++; /* '{' */
	ws(&r);
	if (peek(&r) == '}') {
		r.p++;
	} else {
		for (;;) {
			int rc = 0;

			ws(&r);
			if (read_key(&r, kbuf, sizeof kbuf, &key, &klen) != 0)
				return status_of(&c);
			ws(&r);
			if (peek(&r) != ':') {
				syntax(&r, "expected ':'");
				return STG_ERR_DECODE;
			}
			r.p++;
			ws(&r);
			if (FIRST(0, "facts")) {
				rc = read_facts(&r, p);
				have_facts = true;
			} else if (FIRST(1, "total")) {
				double d;

				rc = m_num(&r, "total", false, &d, &p->has_total);
				if (rc == 0 && p->has_total)
					rc = stg_codec_num_to_ll(&c, "total", d, &p->total);
			} else if (FIRST(2, "cursor")) {
				rc = m_str(&r, "cursor", false, &p->cursor);
			} else if (FIRST(3, "tombstone_notices")) {
				rc = count_array(&r, "tombstone_notices", &p->n_tombstone_notices);
			} else {
				rc = skip_value(&r, 1);
			}
			if (rc != 0)
				return status_of(&c);
			ws(&r);
			if (peek(&r) == ',') {
				r.p++;
				continue;
			}
			if (peek(&r) == '}') {
				r.p++;
				break;
			}
			syntax(&r, "expected ',' or '}'");
			return STG_ERR_DECODE;
		}
	}
	if (!have_facts) {
		stg_codec_fail(&c, "facts", "missing required member (expected array)");
		return STG_ERR_DECODE;
	}
	st = finish(&r);
	if (st == STG_OK)
		*out = p;
	return st;
}

/* ---- recall and conflicts ------------------------------------------------ */

/* Next member of an object whose '{' was consumed: 1 with key/klen set and
 * r->p at the value, 0 at the closing '}', -1 on error. */
static int
obj_next(struct rd *r, bool *first, char *kbuf, size_t cap, const char **key, size_t *klen)
{
	ws(r);
	if (*first) {
		*first = false;
		if (peek(r) == '}') {
			r->p++;
			return 0;
		}
	} else if (peek(r) == ',') {
		r->p++;
		ws(r);
	} else if (peek(r) == '}') {
		r->p++;
		return 0;
	} else {
		return syntax(r, "expected ',' or '}'");
	}
	if (read_key(r, kbuf, cap, key, klen) != 0)
		return -1;
	ws(r);
	if (peek(r) != ':')
		return syntax(r, "expected ':'");
	r->p++;
	ws(r);
	return 1;
}

/* An integer member (a JSON number with an integral value, |x| <= 2^53). */
static int
m_ll(struct rd *r, const char *key, bool req, long long *out, bool *has)
{
	double d;
	bool h;

	*out = 0;
	if (has != NULL)
		*has = false;
	if (m_num(r, key, req, &d, &h) != 0)
		return -1;
	if (!h)
		return 0;
	if (!(d >= -9007199254740992.0 && d <= 9007199254740992.0) || d != (double)(long long)d)
		return rfail(r, key, "expected integer, got %.17g", d);
	*out = (long long)d;
	if (has != NULL)
		*has = true;
	return 0;
}

typedef int (*elem_fn)(struct rd *r, void *dst);

/* Array member of objects, each decoded by fn into esz-byte slots (heap
 * while growing, then one arena copy). *present false when null and !req. */
static int
read_obj_array(struct rd *r, const char *key, bool req, size_t esz, elem_fn fn, void **out,
	       size_t *n, bool *present)
{
	unsigned char *v = NULL, *nv;
	size_t count = 0, cap = 0;
	bool null;

	*out = NULL;
	*n = 0;
	if (present != NULL)
		*present = false;
	if (take_null(r, &null) != 0)
		return -1;
	if (null)
		return req ? rfail(r, key, "expected array, got null") : 0;
	if (peek(r) != '[')
		return rfail(r, key, "expected array, got %s", type_at(r));
	r->p++;
	ws(r);
	push_key(r, key);
	push_index(r, 0);
	if (peek(r) == ']') {
		r->p++;
	} else {
		for (;;) {
			ws(r);
			set_index(r, count);
			if (peek(r) != '{') {
				if (strcmp(type_at(r), "invalid") == 0)
					syntax(r, "expected a JSON value");
				else
					rfail(r, NULL, "expected object, got %s", type_at(r));
				free(v);
				return -1;
			}
			if (count == cap) {
				cap = cap ? cap * 2 : 16;
				nv = realloc(v, cap * esz);
				if (nv == NULL) {
					free(v);
					return stg_codec_nomem(r->c);
				}
				v = nv;
			}
			memset(v + count * esz, 0, esz);
			if (fn(r, v + count * esz) != 0) {
				free(v);
				return -1;
			}
			count++;
			ws(r);
			if (peek(r) == ',') {
				r->p++;
				continue;
			}
			if (peek(r) == ']') {
				r->p++;
				break;
			}
			free(v);
			return syntax(r, "expected ',' or ']'");
		}
	}
	pop(r);
	pop(r);
	*out = stg_arena_calloc(r->c->arena, count ? count : 1, esz);
	if (*out == NULL) {
		free(v);
		return stg_codec_nomem(r->c);
	}
	if (count > 0)
		memcpy(*out, v, count * esz);
	free(v);
	*n = count;
	if (present != NULL)
		*present = true;
	return 0;
}

/* A fact member that is an object or (when !req) null: *out NULL for null. */
static int
m_fact(struct rd *r, const char *key, bool req, struct stg_fact **out)
{
	bool null;
	int rc;

	*out = NULL;
	if (take_null(r, &null) != 0)
		return -1;
	if (null)
		return req ? rfail(r, key, "expected object, got null") : 0;
	if (peek(r) != '{')
		return rfail(r, key, "expected object, got %s", type_at(r));
	*out = stg_arena_alloc(r->c->arena, sizeof **out);
	if (*out == NULL)
		return stg_codec_nomem(r->c);
	push_key(r, key);
	rc = read_fact(r, *out);
	pop(r);
	return rc;
}

static int
read_breakdown(struct rd *r, struct stg_score_breakdown *b)
{
	char kbuf[64];
	const char *key;
	size_t klen;
	bool first = true, null;
	int more, rc;
	unsigned once = 0;

	if (take_null(r, &null) != 0)
		return -1;
	if (null)
		return 0;
	if (peek(r) != '{')
		return rfail(r, "score_breakdown", "expected object, got %s", type_at(r));
	r->p++;
	push_key(r, "score_breakdown");
	while ((more = obj_next(r, &first, kbuf, sizeof kbuf, &key, &klen)) == 1) {
		if (FIRST(0, "lexical"))
			rc = m_num(r, "lexical", false, &b->lexical, NULL);
		else if (FIRST(1, "semantic"))
			rc = m_num(r, "semantic", false, &b->semantic, NULL);
		else if (FIRST(2, "graph"))
			rc = m_num(r, "graph", false, &b->graph, NULL);
		else if (FIRST(3, "source_trust"))
			rc = m_num(r, "source_trust", false, &b->source_trust, NULL);
		else if (FIRST(4, "recency"))
			rc = m_num(r, "recency", false, &b->recency, NULL);
		else if (FIRST(5, "weighted_total"))
			rc = m_num(r, "weighted_total", false, &b->weighted_total, NULL);
		else
			rc = skip_value(r, 1);
		if (rc != 0)
			return -1;
	}
	pop(r);
	return more;
}

/* §5.2 ScoredFact. */
static int
read_scored(struct rd *r, void *dst)
{
	struct stg_scored_fact *s = dst;
	char kbuf[64];
	const char *key;
	size_t klen;
	bool first = true, have_fact = false, have_score = false;
	long long ll;
	int more, rc;
	unsigned once = 0;

	r->p++; /* '{' */
	while ((more = obj_next(r, &first, kbuf, sizeof kbuf, &key, &klen)) == 1) {
		if (FIRST(0, "fact")) {
			bool null;

			if (take_null(r, &null) != 0)
				return -1;
			if (null)
				return rfail(r, "fact", "expected object, got null");
			if (peek(r) != '{')
				return rfail(r, "fact", "expected object, got %s", type_at(r));
			push_key(r, "fact");
			rc = read_fact(r, &s->fact);
			pop(r);
			have_fact = true;
		} else if (FIRST(1, "score")) {
			rc = m_num(r, "score", true, &s->score, NULL);
			have_score = true;
		} else if (FIRST(2, "score_breakdown")) {
			rc = read_breakdown(r, &s->breakdown);
		} else if (FIRST(3, "hop_distance")) {
			rc = m_ll(r, "hop_distance", false, &ll, NULL);
			if (rc == 0 && (ll < -2147483647LL || ll > 2147483647LL))
				rc = rfail(r, "hop_distance", "integer %lld out of range", ll);
			s->hop_distance = (int)ll;
		} else if (FIRST(4, "token_estimate")) {
			rc = m_ll(r, "token_estimate", false, &s->token_estimate, NULL);
		} else if (FIRST(5, "from_card")) {
			rc = m_bool(r, "from_card", &s->from_card);
		} else {
			rc = skip_value(r, 1);
		}
		if (rc != 0)
			return -1;
	}
	if (more != 0)
		return -1;
	if (!have_fact)
		return rfail(r, "fact", "missing required member (expected object)");
	if (!have_score)
		return rfail(r, "score", "missing required member (expected number)");
	return 0;
}

/* chain_proof: the object's text goes to the cJSON decoder. */
static int
read_chain_proof(struct rd *r, struct stg_chain_proof **out)
{
	const char *s;
	struct codec_ctx sub;
	cJSON *root;
	bool null;
	int rc;

	*out = NULL;
	if (take_null(r, &null) != 0)
		return -1;
	if (null)
		return 0;
	if (peek(r) != '{')
		return rfail(r, "chain_proof", "expected object, got %s", type_at(r));
	s = r->p;
	if (skip_value(r, 1) != 0)
		return -1;
	stg_codec_ctx_init(&sub, r->c->arena, r->c->err, r->c->flags);
	stg_codec_path_key(&sub, "chain_proof");
	root = stg_codec_parse(&sub, s, (size_t)(r->p - s));
	if (root == NULL)
		return -1;
	*out = stg_arena_alloc(r->c->arena, sizeof **out);
	if (*out == NULL) {
		cJSON_Delete(root);
		return stg_codec_nomem(r->c);
	}
	rc = stg_codec_chain_proof_from(&sub, root, *out);
	cJSON_Delete(root);
	return rc;
}

enum stg_status
stg_codec_recall_response_fast(const char *json, size_t len, unsigned flags,
			       struct stg_arena *arena, struct stg_recall_response **out,
			       struct stg_error *err)
{
	struct codec_ctx c;
	struct rd r;
	struct stg_recall_response *rr;
	enum stg_status st;
	char kbuf[64];
	const char *key;
	size_t klen;
	bool first = true, have_facts = false, has_content = false, has_instr = false;
	int more;
	unsigned once = 0;
	void *v;

	if (out != NULL)
		*out = NULL;
	st = begin(&r, &c, json, len, flags, arena, out != NULL, err);
	if (st != STG_OK)
		return st;
	rr = stg_arena_alloc(arena, sizeof *rr);
	if (rr == NULL) {
		stg_codec_nomem(&c);
		return STG_ERR_NOMEM;
	}
	r.p++; /* '{' */
	while ((more = obj_next(&r, &first, kbuf, sizeof kbuf, &key, &klen)) == 1) {
		int rc;

		if (FIRST(0, "recall_id")) {
			rc = m_str(&r, "recall_id", false, &rr->recall_id);
		} else if (FIRST(1, "query_hash")) {
			rc = m_str(&r, "query_hash", false, &rr->query_hash);
		} else if (FIRST(2, "facts")) {
			rc = read_obj_array(&r, "facts", true, sizeof *rr->facts, read_scored, &v,
					    &rr->n_facts, NULL);
			rr->facts = v;
			have_facts = true;
		} else if (FIRST(3, "content")) {
			rc = read_obj_array(&r, "content", false, sizeof *rr->content, read_scored, &v,
					    &rr->n_content, &has_content);
			rr->content = v;
		} else if (FIRST(4, "instructions")) {
			rc = read_obj_array(&r, "instructions", false, sizeof *rr->instructions,
					    read_scored, &v, &rr->n_instructions, &has_instr);
			rr->instructions = v;
		} else if (FIRST(5, "total_scored")) {
			rc = m_ll(&r, "total_scored", false, &rr->total_scored, &rr->has_total_scored);
		} else if (FIRST(6, "token_budget")) {
			rc = m_ll(&r, "token_budget", false, &rr->token_budget, NULL);
		} else if (FIRST(7, "tokens_used")) {
			rc = m_ll(&r, "tokens_used", false, &rr->tokens_used, NULL);
		} else if (FIRST(8, "truncated")) {
			rc = m_bool(&r, "truncated", &rr->truncated);
		} else if (FIRST(9, "tombstone_notices")) {
			rc = count_array(&r, "tombstone_notices", &rr->n_tombstone_notices);
		} else if (FIRST(10, "chain_proof")) {
			rc = read_chain_proof(&r, &rr->chain_proof);
		} else {
			rc = skip_value(&r, 1);
		}
		if (rc != 0)
			return status_of(&c);
	}
	if (more != 0)
		return status_of(&c);
	if (!have_facts) {
		stg_codec_fail(&c, "facts", "missing required member (expected array)");
		return STG_ERR_DECODE;
	}
	rr->has_channels = has_content || has_instr;
	st = finish(&r);
	if (st == STG_OK)
		*out = rr;
	return st;
}

/* §7.1 conflict. */
static int
read_conflict(struct rd *r, void *dst)
{
	struct stg_conflict *k = dst;
	char kbuf[64];
	const char *key;
	size_t klen;
	bool first = true, have_id = false;
	int more, rc;
	unsigned once = 0;

	r->p++; /* '{' */
	while ((more = obj_next(r, &first, kbuf, sizeof kbuf, &key, &klen)) == 1) {
		if (FIRST(0, "conflict_id")) {
			rc = m_str(r, "conflict_id", true, &k->conflict_id);
			have_id = true;
		} else if (FIRST(1, "fact_a")) {
			rc = m_fact(r, "fact_a", false, &k->fact_a);
		} else if (FIRST(2, "fact_b")) {
			rc = m_fact(r, "fact_b", false, &k->fact_b);
		} else if (FIRST(3, "status")) {
			rc = m_str(r, "status", false, &k->status);
		} else if (FIRST(4, "resolved_by")) {
			rc = m_str(r, "resolved_by", false, &k->resolved_by);
		} else if (FIRST(5, "detected_at")) {
			rc = m_str(r, "detected_at", false, &k->detected_at);
		} else {
			rc = skip_value(r, 1);
		}
		if (rc != 0)
			return -1;
	}
	if (more != 0)
		return -1;
	if (!have_id)
		return rfail(r, "conflict_id", "missing required member (expected string)");
	return 0;
}

enum stg_status
stg_codec_conflict_page_fast(const char *json, size_t len, unsigned flags,
			     struct stg_arena *arena, struct stg_conflict_page **out,
			     struct stg_error *err)
{
	struct codec_ctx c;
	struct rd r;
	struct stg_conflict_page *p;
	enum stg_status st;
	char kbuf[64];
	const char *key;
	size_t klen;
	bool first = true, have_list = false;
	int more;
	unsigned once = 0;
	void *v;

	if (out != NULL)
		*out = NULL;
	st = begin(&r, &c, json, len, flags, arena, out != NULL, err);
	if (st != STG_OK)
		return st;
	p = stg_arena_alloc(arena, sizeof *p);
	if (p == NULL) {
		stg_codec_nomem(&c);
		return STG_ERR_NOMEM;
	}
	r.p++; /* '{' */
	while ((more = obj_next(&r, &first, kbuf, sizeof kbuf, &key, &klen)) == 1) {
		int rc;

		if (FIRST(0, "conflicts")) {
			rc = read_obj_array(&r, "conflicts", true, sizeof *p->conflicts, read_conflict,
					    &v, &p->n_conflicts, NULL);
			p->conflicts = v;
			have_list = true;
		} else if (FIRST(1, "cursor")) {
			rc = m_str(&r, "cursor", false, &p->cursor);
		} else if (FIRST(2, "has_more")) {
			rc = m_bool(&r, "has_more", &p->has_more);
		} else {
			rc = skip_value(&r, 1);
		}
		if (rc != 0)
			return status_of(&c);
	}
	if (more != 0)
		return status_of(&c);
	if (!have_list) {
		stg_codec_fail(&c, "conflicts", "missing required member (expected array)");
		return STG_ERR_DECODE;
	}
	st = finish(&r);
	if (st == STG_OK)
		*out = p;
	return st;
}
