/* codec_json.c — decoding context, paths and typed member getters over cJSON. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/codec_internal.h"
#include "stigmem/buf.h"

void
stg_codec_ctx_init(struct codec_ctx *c, struct stg_arena *arena, struct stg_error *err,
		   unsigned flags)
{
	c->arena = arena;
	c->err = err;
	c->flags = flags;
	c->plen = 0;
	c->path[0] = '\0';
	c->nul_mapped = false;
}

static size_t
path_append(struct codec_ctx *c, const char *text)
{
	size_t old = c->plen;
	size_t n = strlen(text);

	if (n >= sizeof c->path - c->plen)
		n = sizeof c->path - c->plen - 1;
	memcpy(c->path + c->plen, text, n);
	c->plen += n;
	c->path[c->plen] = '\0';
	return old;
}

size_t
stg_codec_path_key(struct codec_ctx *c, const char *key)
{
	size_t old = c->plen;

	if (c->plen > 0)
		path_append(c, ".");
	path_append(c, key);
	return old;
}

size_t
stg_codec_path_index(struct codec_ctx *c, size_t i)
{
	char buf[32];

	snprintf(buf, sizeof buf, "[%zu]", i);
	return path_append(c, buf);
}

void
stg_codec_path_pop(struct codec_ctx *c, size_t len)
{
	if (len < sizeof c->path) {
		c->plen = len;
		c->path[len] = '\0';
	}
}

int
stg_codec_fail(struct codec_ctx *c, const char *member, const char *fmt, ...)
{
	va_list ap;
	size_t old;

	if (c->err == NULL)
		return -1;
	old = c->plen;
	if (member != NULL)
		stg_codec_path_key(c, member);
	c->err->status = STG_ERR_DECODE;
	snprintf(c->err->where, sizeof c->err->where, "%s", c->plen > 0 ? c->path : "$");
	va_start(ap, fmt);
	vsnprintf(c->err->detail, sizeof c->err->detail, fmt, ap);
	va_end(ap);
	stg_codec_path_pop(c, old);
	return -1;
}

int
stg_codec_nomem(struct codec_ctx *c)
{
	stg_error_set(c->err, STG_ERR_NOMEM, "out of memory while decoding");
	return -1;
}

const char *
stg_codec_cjson_type(const cJSON *item)
{
	if (item == NULL)
		return "absent";
	switch (item->type & 0xff) {
	case cJSON_False:
	case cJSON_True:
		return "boolean";
	case cJSON_NULL:
		return "null";
	case cJSON_Number:
		return "number";
	case cJSON_String:
		return "string";
	case cJSON_Array:
		return "array";
	case cJSON_Object:
		return "object";
	default:
		return "invalid";
	}
}

/* Walk the escapes of s[0..len): count (and, with `out`, rewrite to
 * "\\uFFFF") every "\\u0000". Escaped backslashes are consumed in pairs, so
 * "\\\\u0000" is not an escape. */
static size_t
nul_escapes(const char *s, size_t len, char *out)
{
	size_t i = 0, n = 0;

	while (i < len) {
		const char *b = memchr(s + i, '\\', len - i);

		if (b == NULL)
			break;
		i = (size_t)(b - s);
		if (i + 6 <= len && s[i + 1] == 'u' && memcmp(s + i + 2, "0000", 4) == 0) {
			if (out != NULL)
				memcpy(out + i + 2, "FFFF", 4);
			n++;
			i += 6;
		} else {
			i += 2;
		}
	}
	return n;
}

/* Does the text hold U+FFFF, raw or escaped? */
static bool
has_uffff(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i + 3 <= len; i++) {
		if ((unsigned char)s[i] == 0xef && (unsigned char)s[i + 1] == 0xbf &&
		    (unsigned char)s[i + 2] == 0xbf)
			return true;
		if (s[i] == '\\' && i + 6 <= len && s[i + 1] == 'u' &&
		    strchr("fF", s[i + 2]) && strchr("fF", s[i + 3]) && strchr("fF", s[i + 4]) &&
		    strchr("fF", s[i + 5]))
			return true;
	}
	return false;
}

cJSON *
stg_codec_parse(struct codec_ctx *c, const char *json, size_t len)
{
	const char *end = NULL;
	char *copy = NULL;
	const char *text = json;
	cJSON *root;
	size_t i;

	if (json == NULL || len == 0) {
		stg_codec_fail(c, NULL, "empty body (expected JSON)");
		return NULL;
	}
	/* cJSON ends strings at U+0000. Keep the length of value strings by
	 * parsing a copy where the escape is replaced with U+FFFF (absent from
	 * the text, checked), mapped back when strings are copied out. */
	if (nul_escapes(json, len, NULL) > 0 && !has_uffff(json, len)) {
		copy = malloc(len);
		if (copy == NULL) {
			stg_codec_nomem(c);
			return NULL;
		}
		memcpy(copy, json, len);
		nul_escapes(json, len, copy);
		text = copy;
		c->nul_mapped = true;
	}
	root = cJSON_ParseWithLengthOpts(text, len, &end, 0);
	if (root == NULL) {
		size_t off = end != NULL && end >= text && end <= text + len ? (size_t)(end - text) : 0;

		free(copy);
		stg_codec_fail(c, NULL, "not valid JSON (syntax error near byte %zu of %zu)", off,
			       len);
		return NULL;
	}
	for (i = end != NULL ? (size_t)(end - text) : len; i < len; i++) {
		char ch = text[i];

		if (ch != ' ' && ch != '\t' && ch != '\n' && ch != '\r') {
			cJSON_Delete(root);
			free(copy);
			stg_codec_fail(c, NULL, "trailing data after the JSON value (byte %zu)", i);
			return NULL;
		}
	}
	free(copy);
	return root;
}

/* Copy s into the arena; with nul_mapped, U+FFFF becomes U+0000 and
 * *out_len (if given) counts the whole string, else the copy ends at the
 * first U+0000. */
static int
strdup_mapped(struct codec_ctx *c, const char *s, const char **out, size_t *out_len)
{
	size_t n = strlen(s), i, j;
	char *d;

	d = stg_arena_strndup(c->arena, s, n);
	if (d == NULL)
		return stg_codec_nomem(c);
	if (c->nul_mapped) {
		for (i = 0, j = 0; i < n; i++) {
			if ((unsigned char)d[i] == 0xef && i + 2 < n &&
			    (unsigned char)d[i + 1] == 0xbf && (unsigned char)d[i + 2] == 0xbf) {
				if (out_len == NULL)
					break;
				d[j++] = '\0';
				i += 2;
				continue;
			}
			d[j++] = d[i];
		}
		d[j] = '\0';
		n = j;
	}
	*out = d;
	if (out_len != NULL)
		*out_len = n;
	return 0;
}

int
stg_codec_strdup(struct codec_ctx *c, const char *s, const char **out)
{
	if (s == NULL) {
		*out = NULL;
		return 0;
	}
	return strdup_mapped(c, s, out, NULL);
}

int
stg_codec_strdup_len(struct codec_ctx *c, const char *s, const char **out, size_t *len)
{
	if (s == NULL) {
		*out = NULL;
		*len = 0;
		return 0;
	}
	return strdup_mapped(c, s, out, len);
}

/* Member lookup; NULL when absent. Case-sensitive, first occurrence. */
static const cJSON *
member(const cJSON *obj, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(obj, key);
}

static int
absent_or_null(struct codec_ctx *c, const cJSON *it, const char *key, bool req,
	       const char *want)
{
	if (!req)
		return 0;
	if (it == NULL)
		return stg_codec_fail(c, key, "missing required member (expected %s)", want);
	return stg_codec_fail(c, key, "expected %s, got null", want);
}

int
stg_codec_get_str(struct codec_ctx *c, const cJSON *obj, const char *key, bool req,
		  const char **out)
{
	const cJSON *it = member(obj, key);

	*out = NULL;
	if (it == NULL || cJSON_IsNull(it))
		return absent_or_null(c, it, key, req, "string");
	if (!cJSON_IsString(it))
		return stg_codec_fail(c, key, "expected string, got %s", stg_codec_cjson_type(it));
	return stg_codec_strdup(c, it->valuestring, out);
}

int
stg_codec_get_num(struct codec_ctx *c, const cJSON *obj, const char *key, bool req,
		  double *out, bool *has)
{
	const cJSON *it = member(obj, key);

	*out = 0;
	if (has != NULL)
		*has = false;
	if (it == NULL || cJSON_IsNull(it))
		return absent_or_null(c, it, key, req, "number");
	if (!cJSON_IsNumber(it))
		return stg_codec_fail(c, key, "expected number, got %s", stg_codec_cjson_type(it));
	*out = it->valuedouble;
	if (has != NULL)
		*has = true;
	return 0;
}

int
stg_codec_num_to_ll(struct codec_ctx *c, const char *key, double d, long long *out)
{
	if (!(d >= -9007199254740992.0 && d <= 9007199254740992.0) || d != floor(d))
		return stg_codec_fail(c, key, "expected integer, got %.17g", d);
	*out = (long long)d;
	return 0;
}

int
stg_codec_get_ll(struct codec_ctx *c, const cJSON *obj, const char *key, bool req,
		 long long *out, bool *has)
{
	double d;
	bool h;

	*out = 0;
	if (has != NULL)
		*has = false;
	if (stg_codec_get_num(c, obj, key, req, &d, &h) != 0)
		return -1;
	if (!h)
		return 0;
	if (stg_codec_num_to_ll(c, key, d, out) != 0)
		return -1;
	if (has != NULL)
		*has = true;
	return 0;
}

int
stg_codec_get_int(struct codec_ctx *c, const cJSON *obj, const char *key, bool req, int *out)
{
	long long v;

	*out = 0;
	if (stg_codec_get_ll(c, obj, key, req, &v, NULL) != 0)
		return -1;
	if (v < -2147483647LL - 1 || v > 2147483647LL)
		return stg_codec_fail(c, key, "integer %lld out of range", v);
	*out = (int)v;
	return 0;
}

int
stg_codec_get_bool(struct codec_ctx *c, const cJSON *obj, const char *key, bool req,
		   bool *out)
{
	const cJSON *it = member(obj, key);

	*out = false;
	if (it == NULL || cJSON_IsNull(it))
		return absent_or_null(c, it, key, req, "boolean");
	if (!cJSON_IsBool(it))
		return stg_codec_fail(c, key, "expected boolean, got %s", stg_codec_cjson_type(it));
	*out = cJSON_IsTrue(it);
	return 0;
}

int
stg_codec_get_tristate(struct codec_ctx *c, const cJSON *obj, const char *key,
		       enum stg_tristate *out)
{
	const cJSON *it = member(obj, key);

	*out = STG_NULL;
	if (it == NULL || cJSON_IsNull(it))
		return 0;
	if (!cJSON_IsBool(it))
		return stg_codec_fail(c, key, "expected boolean or null, got %s",
				      stg_codec_cjson_type(it));
	*out = cJSON_IsTrue(it) ? STG_TRUE : STG_FALSE;
	return 0;
}

int
stg_codec_get_obj(struct codec_ctx *c, const cJSON *obj, const char *key, bool req,
		  const cJSON **out)
{
	const cJSON *it = member(obj, key);

	*out = NULL;
	if (it == NULL || cJSON_IsNull(it))
		return absent_or_null(c, it, key, req, "object");
	if (!cJSON_IsObject(it))
		return stg_codec_fail(c, key, "expected object, got %s", stg_codec_cjson_type(it));
	*out = it;
	return 0;
}

int
stg_codec_get_arr(struct codec_ctx *c, const cJSON *obj, const char *key, bool req,
		  const cJSON **out)
{
	const cJSON *it = member(obj, key);

	*out = NULL;
	if (it == NULL || cJSON_IsNull(it))
		return absent_or_null(c, it, key, req, "array");
	if (!cJSON_IsArray(it))
		return stg_codec_fail(c, key, "expected array, got %s", stg_codec_cjson_type(it));
	*out = it;
	return 0;
}

int
stg_codec_get_str_array(struct codec_ctx *c, const cJSON *obj, const char *key, bool req,
			const char ***out, size_t *n, bool *has)
{
	const cJSON *arr, *it;
	const char **v;
	size_t i = 0, count, old;

	*out = NULL;
	*n = 0;
	if (has != NULL)
		*has = false;
	if (stg_codec_get_arr(c, obj, key, req, &arr) != 0)
		return -1;
	if (arr == NULL)
		return 0;
	count = (size_t)cJSON_GetArraySize(arr);
	v = stg_arena_calloc(c->arena, count + 1, sizeof *v);
	if (v == NULL)
		return stg_codec_nomem(c);
	old = stg_codec_path_key(c, key);
	cJSON_ArrayForEach(it, arr) {
		if (!cJSON_IsString(it)) {
			stg_codec_path_index(c, i);
			stg_codec_fail(c, NULL, "expected string, got %s", stg_codec_cjson_type(it));
			stg_codec_path_pop(c, old);
			return -1;
		}
		if (stg_codec_strdup(c, it->valuestring, &v[i]) != 0) {
			stg_codec_path_pop(c, old);
			return -1;
		}
		i++;
	}
	stg_codec_path_pop(c, old);
	*out = v;
	*n = i;
	if (has != NULL)
		*has = true;
	return 0;
}

/* Shortest "%.*g" text that reads back as exactly d (cJSON's own printer
 * rounds, e.g. 0.25200000000000006 -> 0.252). Integral values up to 2^53
 * print without a fraction, like cJSON. Non-finite values print as null. */
static void
print_number(struct stg_buf *b, double d)
{
	char tmp[40];
	int prec;

	if (!isfinite(d)) {
		stg_buf_puts(b, "null");
		return;
	}
	if (d == floor(d) && fabs(d) <= 9007199254740992.0) {
		stg_buf_printf(b, "%.0f", d);
		return;
	}
	for (prec = 15; prec <= 17; prec++) {
		snprintf(tmp, sizeof tmp, "%.*g", prec, d);
		if (strtod(tmp, NULL) == d)
			break;
	}
	/* A comma-decimal locale would put ',' here; JSON needs '.'. */
	for (char *q = tmp; *q; q++)
		if (*q == ',')
			*q = '.';
	stg_buf_puts(b, tmp);
}

static void
print_string(struct stg_buf *b, const char *s, bool nul_mapped)
{
	const unsigned char *p = (const unsigned char *)s;

	stg_buf_putc(b, '"');
	for (; *p; p++) {
		switch (*p) {
		case '"': stg_buf_puts(b, "\\\""); break;
		case '\\': stg_buf_puts(b, "\\\\"); break;
		case '\n': stg_buf_puts(b, "\\n"); break;
		case '\r': stg_buf_puts(b, "\\r"); break;
		case '\t': stg_buf_puts(b, "\\t"); break;
		case '\b': stg_buf_puts(b, "\\b"); break;
		case '\f': stg_buf_puts(b, "\\f"); break;
		default:
			if (*p < 0x20) {
				stg_buf_printf(b, "\\u%04x", *p);
			} else if (nul_mapped && p[0] == 0xef && p[1] == 0xbf && p[2] == 0xbf) {
				stg_buf_puts(b, "\\u0000");
				p += 2;
			} else {
				stg_buf_putc(b, (char)*p);
			}
		}
	}
	stg_buf_putc(b, '"');
}

static void
print_item(struct stg_buf *b, const cJSON *it, bool nul_mapped)
{
	const cJSON *ch;
	bool first = true;

	switch (it->type & 0xff) {
	case cJSON_False: stg_buf_puts(b, "false"); break;
	case cJSON_True: stg_buf_puts(b, "true"); break;
	case cJSON_NULL: stg_buf_puts(b, "null"); break;
	case cJSON_Number: print_number(b, it->valuedouble); break;
	case cJSON_String: print_string(b, it->valuestring ? it->valuestring : "", nul_mapped); break;
	case cJSON_Array:
		stg_buf_putc(b, '[');
		cJSON_ArrayForEach(ch, it) {
			if (!first)
				stg_buf_putc(b, ',');
			first = false;
			print_item(b, ch, nul_mapped);
		}
		stg_buf_putc(b, ']');
		break;
	case cJSON_Object:
		stg_buf_putc(b, '{');
		cJSON_ArrayForEach(ch, it) {
			if (!first)
				stg_buf_putc(b, ',');
			first = false;
			print_string(b, ch->string ? ch->string : "", nul_mapped);
			stg_buf_putc(b, ':');
			print_item(b, ch, nul_mapped);
		}
		stg_buf_putc(b, '}');
		break;
	default:
		stg_buf_puts(b, "null");
		break;
	}
}

int
stg_codec_compact(struct codec_ctx *c, const cJSON *item, const char **out)
{
	struct stg_buf b;
	int rc = 0;

	*out = NULL;
	if (item == NULL || cJSON_IsNull(item))
		return 0;
	stg_buf_init(&b);
	print_item(&b, item, c->nul_mapped);
	if (b.oom || b.data == NULL)
		rc = stg_codec_nomem(c);
	else if ((*out = stg_arena_strndup(c->arena, b.data, b.len)) == NULL)
		rc = stg_codec_nomem(c);
	stg_buf_done(&b);
	return rc;
}
