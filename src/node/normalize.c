/* normalize.c — entity/source normalization (§3.4), value encoding
 * (§3.2/§10.2) and the read-path text sanitizer (§3.3) of stigmem-lite. */
#include <ctype.h>
#include <locale.h>
#include <pthread.h>
#include <wctype.h>
#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node/lite_internal.h"
#include "stigmem/cid.h"

static bool
is_ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Unicode lowercasing like Python's str.lower() for single code points,
 * through the C.UTF-8 locale's towlower (independent of the process
 * locale). Without that locale only ASCII is lowercased. */
static locale_t utf8_loc;
static pthread_once_t utf8_once = PTHREAD_ONCE_INIT;

static void
utf8_loc_init(void)
{
	utf8_loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
}

static size_t utf8_dec(const unsigned char *s, size_t n, unsigned *cp);

static void
put_cp(struct stg_buf *b, unsigned cp)
{
	char t[4];
	size_t k;
	if (cp < 0x80) {
		t[0] = (char)cp;
		k = 1;
	} else if (cp < 0x800) {
		t[0] = (char)(0xC0 | (cp >> 6));
		t[1] = (char)(0x80 | (cp & 0x3F));
		k = 2;
	} else if (cp < 0x10000) {
		t[0] = (char)(0xE0 | (cp >> 12));
		t[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		t[2] = (char)(0x80 | (cp & 0x3F));
		k = 3;
	} else {
		t[0] = (char)(0xF0 | (cp >> 18));
		t[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		t[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		t[3] = (char)(0x80 | (cp & 0x3F));
		k = 4;
	}
	stg_buf_append(b, t, k);
}

/* Lowercase and (when dash) replace whitespace runs with '-', appending
 * s[0..n) to b. Invalid UTF-8 bytes are copied unchanged. */
static void
lower_dash(struct stg_buf *b, const char *s, size_t n, bool dash)
{
	pthread_once(&utf8_once, utf8_loc_init);
	size_t i = 0;
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		if (dash && is_ws(c)) {
			while (i < n && is_ws((unsigned char)s[i]))
				i++;
			stg_buf_putc(b, '-');
			continue;
		}
		if (c < 0x80) {
			stg_buf_putc(b, (char)((c >= 'A' && c <= 'Z') ? c + 32 : c));
			i++;
			continue;
		}
		unsigned cp;
		size_t k = utf8_dec((const unsigned char *)s + i, n - i, &cp);
		if (cp == 0xFFFD && k == 1) {
			stg_buf_putc(b, (char)c);
			i++;
			continue;
		}
		unsigned lc = utf8_loc ? (unsigned)towlower_l((wint_t)cp, utf8_loc) : cp;
		if (lc == cp)
			stg_buf_append(b, s + i, k);
		else
			put_cp(b, lc);
		i += k;
	}
}

char *
lite_normalize_uri(struct lite_node *n, const char *s)
{
	if (!s)
		return NULL;
	size_t len = strlen(s);
	size_t a = 0;
	while (a < len && is_ws((unsigned char)s[a]))
		a++;
	while (len > a && is_ws((unsigned char)s[len - 1]))
		len--;
	if (len == a)
		return NULL;
	const char *t = s + a;
	size_t tn = len - a;
	struct stg_buf b;
	stg_buf_init(&b);
	bool formal = false;
	if (tn > 10 && memcmp(t, "stigmem://", 10) == 0) {
		const char *auth = t + 10;
		const char *end = t + tn;
		const char *s1 = memchr(auth, '/', (size_t)(end - auth));
		if (s1 && s1 > auth) {
			const char *typ = s1 + 1;
			const char *s2 = memchr(typ, '/', (size_t)(end - typ));
			if (s2 && s2 > typ && s2 + 1 < end) {
				formal = true;
				stg_buf_puts(&b, "stigmem://");
				lower_dash(&b, auth, (size_t)(s1 - auth), false);
				stg_buf_putc(&b, '/');
				lower_dash(&b, typ, (size_t)(s2 - typ), false);
				stg_buf_putc(&b, '/');
				lower_dash(&b, s2 + 1, (size_t)(end - s2 - 1), true);
			}
		}
	}
	if (!formal)
		lower_dash(&b, t, tn, true);
	char *out = stg_buf_take(&b);
	stg_buf_done(&b);
	if (!out)
		return NULL;
	/* Operator alias table. */
	if (n && n->db) {
		sqlite3_stmt *st = lite_stmt(n, "SELECT canonical FROM entity_aliases WHERE alias=?");
		if (st) {
			sqlite3_bind_text(st, 1, out, -1, SQLITE_TRANSIENT);
			if (sqlite3_step(st) == SQLITE_ROW) {
				const char *c = (const char *)sqlite3_column_text(st, 0);
				if (c && *c) {
					char *dup = strdup(c);
					if (dup) {
						free(out);
						out = dup;
					}
				}
			}
			lite_stmt_done(st);
		}
	}
	return out;
}

bool
lite_scope_valid(const char *s)
{
	return s && (strcmp(s, "local") == 0 || strcmp(s, "team") == 0 ||
		     strcmp(s, "company") == 0 || strcmp(s, "public") == 0);
}

bool
lite_ref_is_formal(const char *v)
{
	return v && (strstr(v, "://") != NULL || strncmp(v, "urn:", 4) == 0);
}

/* Python str() of a decoded JSON number: an integer literal keeps its
 * exact text (int_text, from lite_json_parse_marked), floats use repr. */
static char *
number_text(double x, const char *int_text)
{
	if (int_text)
		return strdup(int_text);
	char f[STG_PYFLOAT_MAX];
	stg_pyfloat_format(x, f);
	if (strcmp(f, "Infinity") == 0)
		return strdup("inf");
	if (strcmp(f, "-Infinity") == 0)
		return strdup("-inf");
	if (strcmp(f, "NaN") == 0)
		return strdup("nan");
	return strdup(f);
}

/* The integer literal text of a number item, or NULL for a float literal
 * (or a tree that did not come from lite_json_parse_marked). */
static const char *
int_literal(const cJSON *v)
{
	return v->valuestring;
}

static bool
parse_numeric_string(const char *s, double *out)
{
	/* Python float(): surrounding whitespace allowed, inf/nan accepted. */
	while (*s && is_ws((unsigned char)*s))
		s++;
	if (!*s)
		return false;
	char *end;
	double x = strtod(s, &end);
	if (end == s)
		return false;
	while (*end && is_ws((unsigned char)*end))
		end++;
	if (*end)
		return false;
	/* Reject hex floats ("0x1p3"), which Python does not accept. */
	for (const char *p = s; p < end; p++)
		if (*p == 'x' || *p == 'X')
			return false;
	*out = x;
	return true;
}

/* Python str() of an arbitrary JSON value (for string-ish types given a
 * non-string v): a best effort repr. */
static char *
python_str(const cJSON *v)
{
	if (cJSON_IsString(v))
		return strdup(v->valuestring ? v->valuestring : "");
	if (cJSON_IsBool(v))
		return strdup(cJSON_IsTrue(v) ? "True" : "False");
	if (cJSON_IsNull(v))
		return strdup("None");
	if (cJSON_IsNumber(v))
		return number_text(v->valuedouble, int_literal(v));
	char *p = cJSON_PrintUnformatted(v);
	return p ? p : strdup("");
}

static bool
truthy(const cJSON *v)
{
	if (!v || cJSON_IsNull(v) || cJSON_IsFalse(v))
		return false;
	if (cJSON_IsTrue(v))
		return true;
	if (cJSON_IsNumber(v))
		return v->valuedouble != 0.0;
	if (cJSON_IsString(v))
		return v->valuestring && v->valuestring[0];
	if (cJSON_IsArray(v) || cJSON_IsObject(v))
		return v->child != NULL;
	return true;
}

char *
lite_value_encode(const char *type, const cJSON *v, bool *bad)
{
	*bad = false;
	if (strcmp(type, "null") == 0)
		return strdup("null");
	if (strcmp(type, "boolean") == 0) {
		if (!v)
			return strdup("false");
		return strdup(truthy(v) ? "true" : "false");
	}
	if (!v || cJSON_IsNull(v))
		return strdup("None");
	if (strcmp(type, "number") == 0) {
		if (cJSON_IsNumber(v))
			return number_text(v->valuedouble, int_literal(v));
		if (cJSON_IsString(v)) {
			/* A numeric string is stored as sent (Python str() of a str):
			 * "1e3" stays "1e3"; only its numeric-ness is checked. */
			double x;
			if (!parse_numeric_string(v->valuestring, &x)) {
				*bad = true;
				return NULL;
			}
			return strdup(v->valuestring);
		}
		*bad = true;
		return NULL;
	}
	return python_str(v);
}

cJSON *
lite_value_v_json(const char *type, const char *v, size_t v_len)
{
	if (!type || strcmp(type, "null") == 0 || !v)
		return cJSON_CreateNull();
	if (strcmp(type, "number") == 0) {
		double x;
		if (!parse_numeric_string(v, &x))
			return cJSON_CreateNull();
		return lite_json_float(x);
	}
	if (strcmp(type, "boolean") == 0)
		return cJSON_CreateBool(strcmp(v, "true") == 0 || strcmp(v, "True") == 0);
	if (v_len != strlen(v)) {
		/* Embedded U+0000: cJSON strings are NUL-terminated, so emit a raw
		 * JSON string item written by the Python-compatible escaper. */
		struct stg_buf b;
		stg_buf_init(&b);
		stg_json_put_pystring(&b, v, v_len);
		cJSON *r = b.data ? cJSON_CreateRaw(b.data) : cJSON_CreateString("");
		stg_buf_done(&b);
		return r;
	}
	return cJSON_CreateString(v);
}

/* ---- sanitizer ---------------------------------------------------------- */

/* Decode one UTF-8 sequence; returns its length (1 on invalid, with
 * *cp = 0xFFFD). */
static size_t
utf8_dec(const unsigned char *s, size_t n, unsigned *cp)
{
	unsigned c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	size_t need;
	unsigned v;
	if ((c & 0xE0) == 0xC0) {
		need = 2;
		v = c & 0x1F;
	} else if ((c & 0xF0) == 0xE0) {
		need = 3;
		v = c & 0x0F;
	} else if ((c & 0xF8) == 0xF0) {
		need = 4;
		v = c & 0x07;
	} else {
		*cp = 0xFFFD;
		return 1;
	}
	if (need > n) {
		*cp = 0xFFFD;
		return 1;
	}
	for (size_t i = 1; i < need; i++) {
		if ((s[i] & 0xC0) != 0x80) {
			*cp = 0xFFFD;
			return 1;
		}
		v = (v << 6) | (s[i] & 0x3F);
	}
	*cp = v;
	return need;
}

static bool
removed_cp(unsigned cp)
{
	if (cp < 0x20)
		return cp != '\t' && cp != '\n' && cp != '\r';
	return (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) ||
	       (cp >= 0x2066 && cp <= 0x2069) || cp == 0xFEFF;
}

/* The NFKC subset folded here: fullwidth ASCII, the Latin ligatures
 * U+FB00–U+FB06, circled digits ①–⑨, U+00A0 and a few spaces. */
static const char *
nfkc_fold(unsigned cp, char tmp[2])
{
	static const char *const lig[] = {"ff", "fi", "fl", "ffi", "ffl", "st", "st"};
	if (cp >= 0xFF01 && cp <= 0xFF5E) {
		tmp[0] = (char)(cp - 0xFF01 + 0x21);
		tmp[1] = 0;
		return tmp;
	}
	if (cp >= 0xFB00 && cp <= 0xFB06)
		return lig[cp - 0xFB00];
	if (cp >= 0x2460 && cp <= 0x2468) {
		tmp[0] = (char)('1' + (cp - 0x2460));
		tmp[1] = 0;
		return tmp;
	}
	if (cp == 0x00A0 || cp == 0x3000 || (cp >= 0x2000 && cp <= 0x200A))
		return " ";
	return NULL;
}

char *
lite_sanitize_text(const char *s, size_t n, size_t *out_len)
{
	struct stg_buf b;
	stg_buf_init(&b);
	stg_buf_reserve(&b, n + 1);
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		unsigned cp;
		size_t k = utf8_dec(p + i, n - i, &cp);
		if (cp == 0xFFFD && k == 1 && p[i] >= 0x80) {
			i++;
			continue; /* drop invalid bytes */
		}
		if (!removed_cp(cp)) {
			char tmp[2];
			const char *f = nfkc_fold(cp, tmp);
			if (f)
				stg_buf_puts(&b, f);
			else
				stg_buf_append(&b, p + i, k);
		}
		i += k;
	}
	if (!b.data)
		stg_buf_append(&b, "", 0);
	*out_len = b.len;
	char *r = stg_buf_take(&b);
	stg_buf_done(&b);
	if (!r) {
		r = calloc(1, 1);
		*out_len = 0;
	}
	return r;
}

/* Prompt-injection sentinels (sanitizer mode warn): the pattern text as the
 * reference reports it, and a POSIX ERE equivalent. */
static const struct {
	const char *report;
	const char *ere;
} sentinels[] = {
	{"\\bignore\\s+(all\\s+)?previous\\s+instructions?\\b",
	 "(^|[^[:alnum:]_])ignore[[:space:]]+(all[[:space:]]+)?previous[[:space:]]+instructions?([^[:alnum:]_]|$)"},
	{"\\bsystem\\s+prompt\\s*:\\s*",
	 "(^|[^[:alnum:]_])system[[:space:]]+prompt[[:space:]]*:"},
	{"\\bdisregard\\s+(all\\s+)?(prior|previous)\\s+instructions?\\b",
	 "(^|[^[:alnum:]_])disregard[[:space:]]+(all[[:space:]]+)?(prior|previous)[[:space:]]+instructions?([^[:alnum:]_]|$)"},
};
#define N_SENTINELS (sizeof sentinels / sizeof sentinels[0])

static regex_t sentinel_re[N_SENTINELS];
static bool sentinel_ok[N_SENTINELS];
static pthread_once_t sentinel_once = PTHREAD_ONCE_INIT;

static void
sentinel_init(void)
{
	for (size_t i = 0; i < N_SENTINELS; i++)
		sentinel_ok[i] = regcomp(&sentinel_re[i], sentinels[i].ere,
					 REG_EXTENDED | REG_ICASE | REG_NOSUB) == 0;
}

void
lite_sanitizer_warnings(const char *text, cJSON *arr)
{
	pthread_once(&sentinel_once, sentinel_init);
	for (size_t i = 0; i < N_SENTINELS; i++)
		if (sentinel_ok[i] && regexec(&sentinel_re[i], text, 0, NULL, 0) == 0)
			cJSON_AddItemToArray(arr, cJSON_CreateString(sentinels[i].report));
}
