/* server.c — HTTP front of stigmem-lite (libmicrohttpd): the event loop,
 * request collection, body cap, authentication, route dispatch, group
 * commit, fault injection, response helpers, start/stop and the demo
 * loader. */
#define _GNU_SOURCE /* ppoll: the event loop waits in microseconds */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <math.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "node/demo.h"
#include "node/recall.h"
#include "node/lite_internal.h"
#include "stigmem/cid.h"

/* Per-connection memory of libmicrohttpd (request line + headers + read
 * buffer; bodies are copied out as they arrive). Larger pools are mapped
 * and zeroed per connection by libmicrohttpd, which cost more than the
 * request itself on loopback. */
#define LITE_CONN_MEMORY (32 * 1024)

#if MHD_VERSION < 0x00097002
typedef int MHD_RESULT_T;
#else
typedef enum MHD_Result MHD_RESULT_T;
#endif

/* ---- response helpers ------------------------------------------------------ */

void
lite_resp_header(struct lite_resp *rs, const char *name, const char *value)
{
	if (rs->n_hdr >= LITE_MAX_HDRS)
		return;
	char *a = strdup(name), *b = strdup(value);
	if (!a || !b) {
		free(a);
		free(b);
		return;
	}
	rs->hdr_name[rs->n_hdr] = a;
	rs->hdr_value[rs->n_hdr] = b;
	rs->n_hdr++;
}

void
lite_resp_json(struct lite_resp *rs, int status, cJSON *json)
{
	stg_buf_reset(&rs->body);
	rs->status = status;
	rs->content_type = "application/json";
	char *txt = json ? cJSON_PrintUnformatted(json) : NULL;
	cJSON_Delete(json);
	if (!txt) {
		lite_resp_internal(rs, "out of memory printing JSON");
		return;
	}
	stg_buf_puts(&rs->body, txt);
	free(txt);
}

void
lite_resp_detail(struct lite_resp *rs, int status, const char *msg)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "detail", msg);
	lite_resp_json(rs, status, o);
}

void
lite_resp_detail_code(struct lite_resp *rs, int status, const char *code, const char *message,
		      cJSON *extra)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *d = cJSON_AddObjectToObject(o, "detail");
	cJSON_AddStringToObject(d, "code", code);
	cJSON_AddStringToObject(d, "message", message);
	if (extra) {
		cJSON *it = extra->child;
		while (it) {
			cJSON *next = it->next;
			cJSON *moved = cJSON_DetachItemViaPointer(extra, it);
			cJSON_AddItemToObject(d, moved->string, moved);
			it = next;
		}
		cJSON_Delete(extra);
	}
	lite_resp_json(rs, status, o);
}

void
lite_resp_422(struct lite_resp *rs, cJSON *items)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "detail", items);
	lite_resp_json(rs, 422, o);
}

void
lite_resp_413(struct lite_resp *rs)
{
	lite_resp_detail(rs, 413, "request body too large");
}

void
lite_resp_internal(struct lite_resp *rs, const char *why)
{
	(void)why;
	stg_buf_reset(&rs->body);
	rs->status = 500;
	rs->content_type = "text/plain; charset=utf-8";
	stg_buf_puts(&rs->body, "Internal Server Error");
}

void
lite_resp_not_found(struct lite_resp *rs)
{
	lite_resp_detail(rs, 404, "Not Found");
}

void
lite_resp_method(struct lite_resp *rs, const char *allow)
{
	lite_resp_detail(rs, 405, "Method Not Allowed");
	lite_resp_header(rs, "Allow", allow);
}

void
lite_verr_add(cJSON *items, const char *type, const char *loc0, const char *loc1, const char *loc2,
	      int loc_index, const char *msg, cJSON *input, cJSON *ctx)
{
	cJSON *it = cJSON_CreateObject();
	cJSON_AddStringToObject(it, "type", type);
	cJSON *loc = cJSON_AddArrayToObject(it, "loc");
	cJSON_AddItemToArray(loc, cJSON_CreateString(loc0));
	if (loc1)
		cJSON_AddItemToArray(loc, cJSON_CreateString(loc1));
	else if (loc_index >= 0)
		cJSON_AddItemToArray(loc, cJSON_CreateNumber(loc_index));
	if (loc2)
		cJSON_AddItemToArray(loc, cJSON_CreateString(loc2));
	cJSON_AddStringToObject(it, "msg", msg);
	cJSON_AddItemToObject(it, "input", input ? input : cJSON_CreateNull());
	if (ctx)
		cJSON_AddItemToObject(it, "ctx", ctx);
	cJSON_AddItemToArray(items, it);
}

bool
lite_require(struct lite_req *rq, struct lite_resp *rs, unsigned perm, const char *name)
{
	if (rq->who.perms & perm)
		return true;
	char msg[96];
	snprintf(msg, sizeof msg, "%s permission required", name);
	lite_resp_detail(rs, 403, msg);
	return false;
}

/* ---- JSON helpers ---------------------------------------------------------- */

cJSON *
lite_json_float(double x)
{
	if (!isfinite(x))
		return cJSON_CreateNull();
	char f[STG_PYFLOAT_MAX];
	stg_pyfloat_format(x, f);
	return cJSON_CreateRaw(f);
}

void
lite_json_add_str(cJSON *obj, const char *key, const char *s)
{
	if (s)
		cJSON_AddStringToObject(obj, key, s);
	else
		cJSON_AddNullToObject(obj, key);
}

void
lite_json_add_float(cJSON *obj, const char *key, double x)
{
	cJSON_AddItemToObject(obj, key, lite_json_float(x));
}

/* One JSON number literal of the source text. */
struct numlit {
	size_t off, len;
	bool is_int;
};

/* Collect, in document order, every JSON number literal in text. */
static size_t
scan_numbers(const char *s, size_t n, struct numlit **out)
{
	size_t cap = 16, cnt = 0;
	struct numlit *f = malloc(cap * sizeof *f);
	if (!f)
		return 0;
	size_t i = 0;
	while (i < n) {
		char c = s[i];
		if (c == '"') {
			i++;
			while (i < n && s[i] != '"') {
				if (s[i] == '\\')
					i++;
				i++;
			}
			i++;
			continue;
		}
		if (c == '-' || (c >= '0' && c <= '9')) {
			size_t st = i;
			bool is_int = true;
			while (i < n && (s[i] == '-' || s[i] == '+' || s[i] == '.' || s[i] == 'e' ||
					 s[i] == 'E' || (s[i] >= '0' && s[i] <= '9'))) {
				if (s[i] == '.' || s[i] == 'e' || s[i] == 'E')
					is_int = false;
				i++;
			}
			if (cnt == cap) {
				cap *= 2;
				struct numlit *p = realloc(f, cap * sizeof *f);
				if (!p)
					break;
				f = p;
			}
			f[cnt].off = st;
			f[cnt].len = i - st;
			f[cnt].is_int = is_int;
			cnt++;
			continue;
		}
		i++;
	}
	*out = f;
	return cnt;
}

/* Python str(int(literal)): sign kept unless the value is zero, leading
 * zeros dropped. */
static char *
int_literal_text(const char *p, size_t len)
{
	bool neg = len && p[0] == '-';
	size_t i = neg ? 1 : 0;
	while (i + 1 < len && p[i] == '0')
		i++;
	bool zero = i + 1 == len && p[i] == '0';
	char *r = malloc(len + 2);
	if (!r)
		return NULL;
	snprintf(r, len + 2, "%s%.*s", neg && !zero ? "-" : "", (int)(len - i), p + i);
	return r;
}

/* Integer literals keep their exact text in the number item's valuestring
 * (unused by cJSON for numbers; cJSON_Delete and cJSON_Duplicate handle it
 * like any string), so "9007199254740993" is not rounded through a double. */
static void
mark_ints(cJSON *it, const char *src, const struct numlit *lits, size_t nlits, size_t *k)
{
	for (; it; it = it->next) {
		if (cJSON_IsNumber(it)) {
			if (*k < nlits && lits[*k].is_int && !it->valuestring)
				it->valuestring = int_literal_text(src + lits[*k].off, lits[*k].len);
			(*k)++;
		}
		if (it->child)
			mark_ints(it->child, src, lits, nlits, k);
	}
}

static void
unmark_ints(cJSON *it)
{
	for (; it; it = it->next) {
		if (cJSON_IsNumber(it) && it->valuestring) {
			free(it->valuestring);
			it->valuestring = NULL;
		}
		if (it->child)
			unmark_ints(it->child);
	}
}

/* Python json-style syntax check used only to locate an error the way
 * json.loads reports it (character offset + message). Returns the offset of
 * the first error; *msg receives Python's message. */
struct pj {
	const char *s;
	size_t n, i;
	const char *msg;
	size_t err;
	int depth;
};

static void
pj_ws(struct pj *p)
{
	while (p->i < p->n && (p->s[p->i] == ' ' || p->s[p->i] == '\t' || p->s[p->i] == '\n' ||
			       p->s[p->i] == '\r'))
		p->i++;
}

static bool pj_value(struct pj *p);

static bool
pj_fail(struct pj *p, size_t at, const char *msg)
{
	p->err = at;
	p->msg = msg;
	return false;
}

static bool
pj_string(struct pj *p)
{
	size_t start = p->i++;
	while (p->i < p->n) {
		unsigned char c = (unsigned char)p->s[p->i];
		if (c == '"') {
			p->i++;
			return true;
		}
		if (c < 0x20)
			return pj_fail(p, p->i, "Invalid control character at");
		if (c == '\\') {
			p->i++;
			if (p->i >= p->n)
				break;
			char e = p->s[p->i];
			if (e == 'u') {
				for (int k = 1; k <= 4; k++)
					if (p->i + k >= p->n || !isxdigit((unsigned char)p->s[p->i + k]))
						return pj_fail(p, p->i - 1, "Invalid \\uXXXX escape");
				p->i += 5;
				continue;
			}
			if (!strchr("\"\\/bfnrt", e))
				return pj_fail(p, p->i - 1, "Invalid \\escape");
		}
		p->i++;
	}
	return pj_fail(p, start, "Unterminated string starting at");
}

static bool
pj_value(struct pj *p)
{
	pj_ws(p);
	if (p->i >= p->n)
		return pj_fail(p, p->i, "Expecting value");
	if (++p->depth > 900)
		return pj_fail(p, p->i, "Expecting value");
	char c = p->s[p->i];
	bool ok = true;
	if (c == '{') {
		p->i++;
		pj_ws(p);
		if (p->i < p->n && p->s[p->i] == '}') {
			p->i++;
		} else {
			for (;;) {
				pj_ws(p);
				if (p->i >= p->n || p->s[p->i] != '"') {
					ok = pj_fail(p, p->i, "Expecting property name enclosed in double quotes");
					break;
				}
				if (!(ok = pj_string(p)))
					break;
				pj_ws(p);
				if (p->i >= p->n || p->s[p->i] != ':') {
					ok = pj_fail(p, p->i, "Expecting ':' delimiter");
					break;
				}
				p->i++;
				if (!(ok = pj_value(p)))
					break;
				pj_ws(p);
				if (p->i < p->n && p->s[p->i] == ',') {
					p->i++;
					continue;
				}
				if (p->i < p->n && p->s[p->i] == '}') {
					p->i++;
					break;
				}
				ok = pj_fail(p, p->i, "Expecting ',' delimiter");
				break;
			}
		}
	} else if (c == '[') {
		p->i++;
		pj_ws(p);
		if (p->i < p->n && p->s[p->i] == ']') {
			p->i++;
		} else {
			for (;;) {
				if (!(ok = pj_value(p)))
					break;
				pj_ws(p);
				if (p->i < p->n && p->s[p->i] == ',') {
					p->i++;
					continue;
				}
				if (p->i < p->n && p->s[p->i] == ']') {
					p->i++;
					break;
				}
				ok = pj_fail(p, p->i, "Expecting ',' delimiter");
				break;
			}
		}
	} else if (c == '"') {
		ok = pj_string(p);
	} else if (c == '-' || (c >= '0' && c <= '9')) {
		size_t st = p->i;
		if (p->s[p->i] == '-')
			p->i++;
		size_t d = p->i;
		while (p->i < p->n && isdigit((unsigned char)p->s[p->i]))
			p->i++;
		if (p->i == d)
			ok = pj_fail(p, st, "Expecting value");
		else {
			if (p->i < p->n && p->s[p->i] == '.' && p->i + 1 < p->n &&
			    isdigit((unsigned char)p->s[p->i + 1])) {
				p->i++;
				while (p->i < p->n && isdigit((unsigned char)p->s[p->i]))
					p->i++;
			}
			if (p->i < p->n && (p->s[p->i] == 'e' || p->s[p->i] == 'E')) {
				size_t e = p->i + 1;
				if (e < p->n && (p->s[e] == '+' || p->s[e] == '-'))
					e++;
				if (e < p->n && isdigit((unsigned char)p->s[e])) {
					p->i = e;
					while (p->i < p->n && isdigit((unsigned char)p->s[p->i]))
						p->i++;
				}
			}
		}
	} else {
		static const char *const lit[] = {"true", "false", "null", "NaN", "Infinity",
						  "-Infinity"};
		ok = false;
		for (size_t k = 0; k < 6; k++) {
			size_t l = strlen(lit[k]);
			if (p->n - p->i >= l && memcmp(p->s + p->i, lit[k], l) == 0) {
				p->i += l;
				ok = true;
				break;
			}
		}
		if (!ok)
			pj_fail(p, p->i, "Expecting value");
	}
	p->depth--;
	return ok;
}

/* Locate a syntax error like Python's json.loads: returns true with the
 * offset and message when one is found. */
static bool
pyjson_error(const char *s, size_t n, size_t *off, const char **msg)
{
	struct pj p = {s, n, 0, NULL, 0, 0};
	if (!pj_value(&p)) {
		*off = p.err;
		*msg = p.msg;
		return true;
	}
	pj_ws(&p);
	if (p.i < n) {
		*off = p.i;
		*msg = "Extra data";
		return true;
	}
	return false;
}

cJSON *
lite_json_parse_marked(const char *s, size_t n, size_t *err_off)
{
	const char *end = NULL;
	cJSON *j = cJSON_ParseWithLengthOpts(s, n, &end, 0);
	if (!j) {
		const char *e = cJSON_GetErrorPtr();
		*err_off = (e && e >= s && e <= s + n) ? (size_t)(e - s) : 0;
		return NULL;
	}
	/* Trailing garbage other than whitespace is an error ("Extra data"). */
	size_t off = (size_t)(end - s);
	while (off < n && isspace((unsigned char)s[off]))
		off++;
	if (off < n) {
		cJSON_Delete(j);
		*err_off = off;
		return NULL;
	}
	struct numlit *lits = NULL;
	size_t nl = scan_numbers(s, n, &lits);
	size_t k = 0;
	mark_ints(j, s, lits, nl, &k);
	free(lits);
	return j;
}

void
lite_json_unmark(cJSON *j)
{
	if (j)
		unmark_ints(j);
}

/* Offset of the first invalid UTF-8 byte (overlongs, surrogates and
 * code points above U+10FFFF are invalid), or n when the text is valid. */
static size_t
utf8_invalid_at(const unsigned char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned c = s[i];
		size_t k;
		unsigned cp, min;
		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xE0) == 0xC0) {
			k = 2;
			cp = c & 0x1F;
			min = 0x80;
		} else if ((c & 0xF0) == 0xE0) {
			k = 3;
			cp = c & 0x0F;
			min = 0x800;
		} else if ((c & 0xF8) == 0xF0) {
			k = 4;
			cp = c & 0x07;
			min = 0x10000;
		} else {
			return i;
		}
		if (i + k > n)
			return i;
		for (size_t j = 1; j < k; j++) {
			if ((s[i + j] & 0xC0) != 0x80)
				return i;
			cp = (cp << 6) | (s[i + j] & 0x3F);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return i;
		i += k;
	}
	return n;
}

cJSON *
lite_req_json_object(struct lite_req *rq, struct lite_resp *rs)
{
	const char *s = rq->body ? rq->body : "";
	size_t n = rq->body ? rq->body_len : 0;
	size_t off = 0;
	size_t bad = utf8_invalid_at((const unsigned char *)s, n);
	if (bad < n) {
		cJSON *items = cJSON_CreateArray();
		cJSON *ctx = cJSON_CreateObject();
		cJSON_AddStringToObject(ctx, "error", "Invalid UTF-8 in request body");
		lite_verr_add(items, "json_invalid", "body", NULL, NULL, (int)bad, "JSON decode error",
			      cJSON_CreateObject(), ctx);
		lite_resp_422(rs, items);
		return NULL;
	}
	cJSON *j = n ? lite_json_parse_marked(s, n, &off) : NULL;
	if (!j) {
		cJSON *items = cJSON_CreateArray();
		if (n == 0) {
			lite_verr_add(items, "missing", "body", NULL, NULL, -1, "Field required",
				      NULL, NULL);
		} else {
			const char *msg = "Expecting value";
			size_t poff;
			if (pyjson_error(s, n, &poff, &msg))
				off = poff;
			cJSON *ctx = cJSON_CreateObject();
			cJSON_AddStringToObject(ctx, "error", msg);
			lite_verr_add(items, "json_invalid", "body", NULL, NULL, (int)off,
				      "JSON decode error", cJSON_CreateObject(), ctx);
		}
		lite_resp_422(rs, items);
		return NULL;
	}
	if (!cJSON_IsObject(j)) {
		cJSON *items = cJSON_CreateArray();
		lite_json_unmark(j);
		lite_verr_add(items, "model_attributes_type", "body", NULL, NULL, -1,
			      "Input should be a valid dictionary or object to extract fields from",
			      j, NULL);
		lite_resp_422(rs, items);
		return NULL;
	}
	return j;
}

/* ---- request accessors ----------------------------------------------------- */

const char *
lite_req_query(const struct lite_req *rq, const char *name)
{
	if (!rq->conn)
		return NULL;
	return MHD_lookup_connection_value((struct MHD_Connection *)rq->conn,
					   MHD_GET_ARGUMENT_KIND, name);
}

const char *
lite_req_header(const struct lite_req *rq, const char *name)
{
	if (!rq->conn)
		return NULL;
	return MHD_lookup_connection_value((struct MHD_Connection *)rq->conn, MHD_HEADER_KIND,
					   name);
}

static void
query_err(struct lite_resp *rs, const char *name, const char *type, const char *msg,
	  const char *raw, cJSON *ctx)
{
	cJSON *items = cJSON_CreateArray();
	lite_verr_add(items, type, "query", name, NULL, -1, msg, cJSON_CreateString(raw), ctx);
	lite_resp_422(rs, items);
}

bool
lite_query_int(struct lite_req *rq, struct lite_resp *rs, const char *name, long def, long min,
	       long max, long *out)
{
	const char *v = lite_req_query(rq, name);
	if (!v) {
		*out = def;
		return true;
	}
	char *end;
	errno = 0;
	const char *p = v;
	while (isspace((unsigned char)*p))
		p++;
	long x = strtol(p, &end, 10);
	while (*end && isspace((unsigned char)*end))
		end++;
	if (!*p || *end || errno) {
		query_err(rs, name, "int_parsing",
			  "Input should be a valid integer, unable to parse string as an integer",
			  v, NULL);
		return false;
	}
	char msg[96];
	if (x < min) {
		cJSON *ctx = cJSON_CreateObject();
		cJSON_AddNumberToObject(ctx, "ge", (double)min);
		snprintf(msg, sizeof msg, "Input should be greater than or equal to %ld", min);
		query_err(rs, name, "greater_than_equal", msg, v, ctx);
		return false;
	}
	if (x > max) {
		cJSON *ctx = cJSON_CreateObject();
		cJSON_AddNumberToObject(ctx, "le", (double)max);
		snprintf(msg, sizeof msg, "Input should be less than or equal to %ld", max);
		query_err(rs, name, "less_than_equal", msg, v, ctx);
		return false;
	}
	*out = x;
	return true;
}

bool
lite_query_float(struct lite_req *rq, struct lite_resp *rs, const char *name, double def,
		 double min, double max, double *out)
{
	const char *v = lite_req_query(rq, name);
	if (!v) {
		*out = def;
		return true;
	}
	char *end;
	const char *p = v;
	while (isspace((unsigned char)*p))
		p++;
	double x = strtod(p, &end);
	while (*end && isspace((unsigned char)*end))
		end++;
	if (!*p || *end || isnan(x) || strchr(p, 'x') || strchr(p, 'X')) {
		query_err(rs, name, "float_parsing",
			  "Input should be a valid number, unable to parse string as a number", v,
			  NULL);
		return false;
	}
	char msg[96], num[STG_PYFLOAT_MAX];
	if (x < min) {
		cJSON *ctx = cJSON_CreateObject();
		cJSON_AddItemToObject(ctx, "ge", lite_json_float(min));
		stg_pyfloat_format(min, num);
		snprintf(msg, sizeof msg, "Input should be greater than or equal to %s", num);
		query_err(rs, name, "greater_than_equal", msg, v, ctx);
		return false;
	}
	if (x > max) {
		cJSON *ctx = cJSON_CreateObject();
		cJSON_AddItemToObject(ctx, "le", lite_json_float(max));
		stg_pyfloat_format(max, num);
		snprintf(msg, sizeof msg, "Input should be less than or equal to %s", num);
		query_err(rs, name, "less_than_equal", msg, v, ctx);
		return false;
	}
	*out = x;
	return true;
}

bool
lite_query_bool(struct lite_req *rq, struct lite_resp *rs, const char *name, bool def, bool *out)
{
	const char *v = lite_req_query(rq, name);
	if (!v) {
		*out = def;
		return true;
	}
	static const char *const t[] = {"true", "1", "yes", "on", "t", "y"};
	static const char *const f[] = {"false", "0", "no", "off", "f", "n"};
	for (size_t i = 0; i < 6; i++) {
		if (strcasecmp(v, t[i]) == 0) {
			*out = true;
			return true;
		}
		if (strcasecmp(v, f[i]) == 0) {
			*out = false;
			return true;
		}
	}
	query_err(rs, name, "bool_parsing", "Input should be a valid boolean, unable to interpret input",
		  v, NULL);
	return false;
}

/* ---- faults ---------------------------------------------------------------- */


/* ---- dispatch -------------------------------------------------------------- */

/* Per-request state (the connection's con_cls): created when the headers
 * are in, freed by on_completed. */
enum cc_state {
	CC_NEW,                      /* body arriving, or complete and not yet run */
	CC_DELAYED,                  /* suspended for --fault-delay-ms */
	CC_READY,                    /* the delay is over: run the request */
	CC_PARKED,                   /* wrote into the group-commit batch: suspended
				      * until its COMMIT, response kept in rs */
	CC_ANSWER,                   /* resumed after the COMMIT: send rs */
};

/* Per-connection state (the socket context), for the group-commit wait:
 * a connection whose last request was an assert is likely to send the
 * next one soon. Linked in the loop's list while the connection is open. */
struct sock_ctx {
	struct sock_ctx *prev, *next;
	uint64_t writer_until_us;    /* answered an assert; expected back until then */
	bool in_batch;               /* a request of it is parked in the batch */
};

struct conn_ctx {
	struct sock_ctx *sock;       /* the connection's (NULL if unknown) */
	struct stg_buf body;
	bool too_large;
	enum cc_state state;
	bool f_status, garbage, truncate; /* faults, decided once per request */
	struct MHD_Connection *conn;
	struct conn_ctx *next;       /* in the loop's parked or delayed list */
	uint64_t wake_us;            /* CC_DELAYED: monotonic µs at which to resume */
	int commit_rc;               /* CC_ANSWER: result of the batch COMMIT */
	bool have_rs;                /* rs holds a kept response (freed with cc) */
	struct lite_resp rs;
};

/* The event loop (node->loop): one thread runs libmicrohttpd in external
 * epoll mode and every handler. The lists and batch fields are touched only
 * under the node lock: by that thread, by lite_loop_flush (the delivery
 * thread) and by lite_node_stop after joining both. */
struct loop {
	pthread_t thread;
	bool started;
	int wake_fd;                 /* eventfd written by lite_node_stop */
	int stopping;                /* atomic */
	struct conn_ctx *parked;     /* waiting for the batch COMMIT */
	int n_parked;
	struct conn_ctx *delayed;    /* waiting out a fault delay */
	int resumed;                 /* connections were resumed: run again at once (atomic:
				      * the delivery thread may resume through lite_loop_flush) */
	uint64_t batch_since_us;     /* when the open batch got its first member */
	uint64_t last_join_us;       /* when its latest member joined */
	struct sock_ctx *socks;      /* open connections */
};

static uint64_t
mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static bool
seg_is(const struct lite_req *rq, size_t i, const char *s)
{
	return i < rq->n_seg && strcmp(rq->seg[i], s) == 0;
}

/* Route a fully-read request. */
static void
dispatch(struct lite_req *rq, struct lite_resp *rs)
{
	const char *m = rq->method;
	bool get = strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0;
	bool post = strcmp(m, "POST") == 0;
	bool del = strcmp(m, "DELETE") == 0;
	size_t ns = rq->n_seg;

	/* Public routes. */
	if (ns == 2 && seg_is(rq, 0, ".well-known") && seg_is(rq, 1, "stigmem")) {
		if (!get)
			return lite_resp_method(rs, "GET");
		lite_route_wellknown(rq, rs);
		return;
	}
	if (ns == 1 && seg_is(rq, 0, "healthz")) {
		if (!get)
			return lite_resp_method(rs, "GET");
		lite_route_healthz(rq, rs);
		return;
	}
	if (ns == 1 && seg_is(rq, 0, "openapi.json")) {
		if (!get)
			return lite_resp_method(rs, "GET");
		lite_route_openapi(rq, rs);
		return;
	}
	if (ns == 2 && seg_is(rq, 0, "v1") && seg_is(rq, 1, "doctor")) {
		if (!get)
			return lite_resp_method(rs, "GET");
		lite_route_doctor(rq, rs);
		return;
	}
	if (ns == 0 || !seg_is(rq, 0, "v1"))
		return lite_resp_not_found(rs);

	/* Everything under /v1 resolves the caller first. Unknown paths are
	 * matched first so they answer 404 even without credentials? The
	 * reference authenticates inside each route, so an unknown path is a
	 * plain 404: check the route table before auth. */
	lite_handler h = NULL;
	const char *allow = NULL;
	const char *s1 = ns > 1 ? rq->seg[1] : "";
#define ROUTE(cond, meth_ok, handler, allowed)                                       \
	do {                                                                         \
		if (cond) {                                                          \
			allow = allowed;                                             \
			h = (meth_ok) ? handler : NULL;                              \
			goto matched;                                                \
		}                                                                    \
	} while (0)
	if (ns == 2 && strcmp(s1, "facts") == 0) {
		allow = "GET, POST";
		h = get ? lite_route_facts_list : post ? lite_route_facts_post : NULL;
		goto matched;
	}
	ROUTE(ns == 3 && strcmp(s1, "facts") == 0, get, lite_route_fact_get, "GET");
	ROUTE(ns == 4 && strcmp(s1, "facts") == 0 && seg_is(rq, 3, "provenance"), get,
	      lite_route_fact_provenance, "GET");
	ROUTE(ns == 4 && strcmp(s1, "facts") == 0 && seg_is(rq, 3, "verify-cid"), post,
	      lite_route_fact_verify_cid, "POST");
	ROUTE(ns == 2 && strcmp(s1, "recall") == 0, post, lite_route_recall, "POST");
	ROUTE(ns >= 3 && strcmp(s1, "cards") == 0, get, lite_route_card, "GET");
	ROUTE(ns == 2 && strcmp(s1, "conflicts") == 0, get, lite_route_conflicts_list, "GET");
	ROUTE(ns == 4 && strcmp(s1, "conflicts") == 0 && seg_is(rq, 3, "resolve"), post,
	      lite_route_conflict_resolve, "POST");
	ROUTE(ns == 3 && strcmp(s1, "federation") == 0 && seg_is(rq, 2, "peers"), get,
	      lite_route_peers, "GET");
	ROUTE(ns == 3 && strcmp(s1, "graph") == 0 && seg_is(rq, 2, "neighbors"), get,
	      lite_route_neighbors, "GET");
	if (ns == 2 && strcmp(s1, "subscriptions") == 0) {
		allow = "GET, POST";
		h = get ? lite_route_subs_list : post ? lite_route_subs_create : NULL;
		goto matched;
	}
	if (ns == 3 && strcmp(s1, "subscriptions") == 0) {
		allow = "DELETE, GET";
		h = get ? lite_route_sub_get : del ? lite_route_sub_delete : NULL;
		goto matched;
	}
	ROUTE(ns == 4 && strcmp(s1, "subscriptions") == 0 && seg_is(rq, 3, "events"), get,
	      lite_route_sub_events, "GET");
	ROUTE(ns == 3 && strcmp(s1, "entities") == 0 && seg_is(rq, 2, "resolve"), get,
	      lite_route_entity_resolve, "GET");
	ROUTE(ns == 4 && strcmp(s1, "scopes") == 0 && seg_is(rq, 3, "synthesize"), get,
	      lite_route_synthesize, "GET");
	ROUTE(ns == 2 && strcmp(s1, "me") == 0, get, lite_route_me, "GET");
	ROUTE(ns == 2 && strcmp(s1, "audit") == 0, get, lite_route_audit, "GET");
	ROUTE(ns == 3 && strcmp(s1, "admin") == 0 && seg_is(rq, 2, "audit"), get, lite_route_audit,
	      "GET");
	ROUTE(ns == 3 && strcmp(s1, "auth") == 0 && seg_is(rq, 2, "keys"), post,
	      lite_route_auth_keys, "POST");
#undef ROUTE
	return lite_resp_not_found(rs);
matched:
	if (!h)
		return lite_resp_method(rs, allow);
	if (!lite_auth_resolve(rq, rs))
		return;
	if (!lite_quota_check(rq, rs))
		return;
	h(rq, rs);
}

/* Split the decoded path into segments (in place in a copy). Consecutive
 * slashes give empty segments, so "/v1//facts" does not match. */
static char *
split_path(const char *url, struct lite_req *rq)
{
	char *copy = strdup(url);
	if (!copy)
		return NULL;
	rq->n_seg = 0;
	char *p = copy;
	if (*p == '/')
		p++;
	if (!*p)
		return copy;
	for (;;) {
		char *slash = strchr(p, '/');
		if (rq->n_seg < LITE_MAX_SEGS)
			rq->seg[rq->n_seg++] = p;
		else
			rq->n_seg = LITE_MAX_SEGS + 1; /* too deep: matches nothing */
		if (!slash)
			break;
		*slash = 0;
		p = slash + 1;
	}
	if (rq->n_seg > LITE_MAX_SEGS)
		rq->n_seg = LITE_MAX_SEGS; /* keep indexable; route table uses exact counts <= 4
					      except cards */
	return copy;
}

struct trunc_ctx {
	char *data;
	size_t len;
	size_t limit;
};

static ssize_t
trunc_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct trunc_ctx *t = cls;
	if (pos >= t->limit)
		return MHD_CONTENT_READER_END_WITH_ERROR;
	size_t n = t->limit - (size_t)pos;
	if (n > max)
		n = max;
	memcpy(buf, t->data + pos, n);
	return (ssize_t)n;
}

static void
trunc_free(void *cls)
{
	struct trunc_ctx *t = cls;
	free(t->data);
	free(t);
}

static MHD_RESULT_T
send_resp(struct MHD_Connection *conn, struct lite_resp *rs, bool truncate)
{
	struct MHD_Response *r;
	if (truncate && rs->body.len > 1) {
		struct trunc_ctx *t = calloc(1, sizeof *t);
		if (!t)
			return MHD_NO;
		t->len = rs->body.len;
		t->limit = rs->body.len / 2;
		t->data = stg_buf_take(&rs->body);
		r = MHD_create_response_from_callback(t->len, 4096, trunc_reader, t, trunc_free);
	} else {
		r = MHD_create_response_from_buffer(rs->body.len, rs->body.data ? rs->body.data : "",
						    MHD_RESPMEM_MUST_COPY);
	}
	if (!r)
		return MHD_NO;
	if (rs->status != 204)
		MHD_add_response_header(r, "Content-Type", rs->content_type);
	for (int i = 0; i < rs->n_hdr; i++)
		MHD_add_response_header(r, rs->hdr_name[i], rs->hdr_value[i]);
	MHD_RESULT_T ret = MHD_queue_response(conn, (unsigned)rs->status, r);
	MHD_destroy_response(r);
	return ret;
}

static void
resp_done(struct lite_resp *rs)
{
	stg_buf_done(&rs->body);
	for (int i = 0; i < rs->n_hdr; i++) {
		free(rs->hdr_name[i]);
		free(rs->hdr_value[i]);
	}
}

/* Commit the open batch and resume its parked requests, which are answered
 * in the loop's next round. Returns the COMMIT's result (0 when there was
 * nothing to commit). */
static int
batch_flush(struct lite_node *n)
{
	struct loop *lp = n->loop;
	if (!n->batch_open && !lp->parked)
		return 0;
	int rc = lite_batch_commit(n);
	struct conn_ctx *c = lp->parked;
	lp->parked = NULL;
	lp->n_parked = 0;
	lp->batch_since_us = 0;
	if (c)
		__atomic_store_n(&lp->resumed, 1, __ATOMIC_RELEASE);
	while (c) {
		struct conn_ctx *next = c->next;
		c->next = NULL;
		if (c->sock)
			c->sock->in_batch = false;
		c->commit_rc = rc;
		c->state = CC_ANSWER;
		MHD_resume_connection(c->conn);
		c = next;
	}
	return rc;
}

/* A 2xx whose write was lost with its batch becomes a 500. */
static void
commit_failed(struct lite_resp *rs, int rc)
{
	if (rc == 0 || rs->status >= 300)
		return;
	resp_done(rs);
	memset(rs, 0, sizeof *rs);
	stg_buf_init(&rs->body);
	rs->content_type = "application/json";
	lite_resp_internal(rs, "group commit failed");
}

/* Send rs with the request's output faults applied; rs stays the caller's. */
static MHD_RESULT_T
answer(struct MHD_Connection *conn, const struct conn_ctx *cc, const char *method,
       struct lite_resp *rs)
{
	if (cc->garbage) {
		stg_buf_reset(&rs->body);
		stg_buf_puts(&rs->body, "<html>\x01\xff garbage {\"not\": json");
		rs->status = 200;
	}
	if (strcmp(method, "HEAD") == 0)
		stg_buf_reset(&rs->body);
	return send_resp(conn, rs, cc->truncate);
}

/* Run a fully-read request (under the lock, in the loop thread). Fills rs;
 * returns true when the request wrote into the open batch. */
static bool
run_request(struct lite_node *n, struct conn_ctx *cc, const char *url, const char *method,
	    struct lite_resp *rs)
{
	struct lite_req rq;
	memset(&rq, 0, sizeof rq);
	rq.node = n;
	rq.method = method;
	rq.path = url;
	rq.conn = cc->conn;
	rq.body = cc->body.len ? cc->body.data : NULL;
	rq.body_len = cc->body.len;

	if (cc->too_large) {
		lite_resp_413(rs);
		return false;
	}
	if (cc->body.oom) {
		lite_resp_internal(rs, "out of memory reading body");
		return false;
	}
	if (cc->f_status) {
		char msg[64];
		snprintf(msg, sizeof msg, "injected fault %ld", n->opt.fault_status.value);
		lite_resp_detail(rs, (int)n->opt.fault_status.value, msg);
		if (n->opt.fault_status.value == 429)
			lite_resp_header(rs, "Retry-After", "1");
		return false;
	}
	char *pathcopy = split_path(url, &rq);
	if (!pathcopy) {
		lite_resp_internal(rs, "out of memory");
		return false;
	}
	bool batchable = strcmp(method, "POST") == 0 && strcmp(url, "/v1/facts") == 0;
	while (n->loading)
		pthread_cond_wait(&n->load_cond, &n->lock);
	if (!batchable)
		batch_flush(n); /* reads and other writes see only committed data */
	n->batch_req = batchable;
	n->batch_joined = false;
	if (n->load_error[0]) {
		char msg[sizeof n->load_error + 40];
		snprintf(msg, sizeof msg, "the dataset failed to load: %s", n->load_error);
		lite_resp_detail(rs, 503, msg);
	} else {
		dispatch(&rq, rs);
	}
	if (n->tx_depth > 0) {
		/* A handler left a transaction open: never keep it. */
		lite_tx_rollback(n);
	}
	n->batch_req = false;
	bool joined = n->batch_joined;
	n->batch_joined = false;
	free(pathcopy);
	return joined;
}

/* Another connection is uploading an assert or just had one answered (it
 * may join a batch), or has one parked. */
static bool
others_writing(const struct loop *lp, const struct sock_ctx *self, uint64_t now)
{
	for (const struct sock_ctx *k = lp->socks; k; k = k->next)
		if (k != self && (k->in_batch || k->writer_until_us > now))
			return true;
	return false;
}

static MHD_RESULT_T
on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
	   const char *version, const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	(void)version;
	struct lite_node *n = cls;
	struct loop *lp = n->loop;
	struct conn_ctx *cc = *con_cls;
	if (!cc) {
		cc = calloc(1, sizeof *cc);
		if (!cc)
			return MHD_NO;
		stg_buf_init(&cc->body);
		cc->conn = conn;
		const union MHD_ConnectionInfo *ci =
			MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
		cc->sock = ci ? ci->socket_context : NULL;
		if (cc->sock) {
			/* An assert still arriving is worth waiting for; any
			 * other request means this connection is no writer. */
			bool assert_req = strcmp(method, "POST") == 0 &&
					  strcmp(url, "/v1/facts") == 0;
			cc->sock->writer_until_us = assert_req ? mono_us() + LITE_WRITER_BACK_US : 0;
		}
		*con_cls = cc;
		const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
							     MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl && strtoull(cl, NULL, 10) > n->opt.max_body)
			cc->too_large = true;
		return MHD_YES;
	}
	if (*upload_data_size) {
		if (!cc->too_large) {
			if (cc->body.len + *upload_data_size > n->opt.max_body)
				cc->too_large = true;
			else
				stg_buf_append(&cc->body, upload_data, *upload_data_size);
		}
		*upload_data_size = 0;
		return MHD_YES;
	}

	switch (cc->state) {
	case CC_ANSWER: {
		commit_failed(&cc->rs, cc->commit_rc);
		if (cc->sock)
			cc->sock->writer_until_us = mono_us() + LITE_WRITER_BACK_US;
		MHD_RESULT_T ret = answer(conn, cc, method, &cc->rs);
		resp_done(&cc->rs);
		cc->have_rs = false;
		cc->state = CC_NEW;
		return ret;
	}
	case CC_DELAYED:
	case CC_PARKED:
		return MHD_YES; /* still waiting (not called while suspended) */
	case CC_NEW: {
		bool f_delay = lite_fault_hit(n, &n->opt.fault_delay, url);
		cc->f_status = lite_fault_hit(n, &n->opt.fault_status, url);
		cc->garbage = lite_fault_hit(n, &n->opt.fault_garbage, url);
		cc->truncate = lite_fault_hit(n, &n->opt.fault_truncate, url);
		if (f_delay && n->opt.fault_delay.value > 0) {
			/* Other requests go on while this one waits. */
			cc->state = CC_DELAYED;
			cc->wake_us = mono_us() + (uint64_t)n->opt.fault_delay.value * 1000u;
			cc->next = lp->delayed;
			lp->delayed = cc;
			MHD_suspend_connection(conn);
			return MHD_YES;
		}
		break;
	}
	case CC_READY:
		break;
	}
	cc->state = CC_NEW;

	struct lite_resp rs;
	memset(&rs, 0, sizeof rs);
	stg_buf_init(&rs.body);
	rs.status = 200;
	rs.content_type = "application/json";
	if (run_request(n, cc, url, method, &rs)) {
		uint64_t now = mono_us();
		if (lp->n_parked == 0 && !others_writing(lp, cc->sock, now)) {
			/* A lone writer: commit and answer at once (no suspend,
			 * no second round). */
			commit_failed(&rs, batch_flush(n));
			if (cc->sock)
				cc->sock->writer_until_us = now + LITE_WRITER_BACK_US;
		} else if (lp->n_parked + 1 < LITE_BATCH_MAX) {
			/* Answered after the batch COMMIT. */
			cc->rs = rs;
			cc->have_rs = true;
			cc->state = CC_PARKED;
			cc->next = lp->parked;
			lp->parked = cc;
			lp->last_join_us = now;
			if (lp->n_parked++ == 0)
				lp->batch_since_us = lp->last_join_us;
			if (cc->sock)
				cc->sock->in_batch = true;
			MHD_suspend_connection(conn);
			return MHD_YES;
		} else {
			commit_failed(&rs, batch_flush(n));
		}
	}
	MHD_RESULT_T ret = answer(conn, cc, method, &rs);
	resp_done(&rs);
	return ret;
}

static void
on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
	     enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)conn;
	(void)toe;
	struct conn_ctx *cc = *con_cls;
	if (cc) {
		if (cc->have_rs)
			resp_done(&cc->rs);
		stg_buf_done(&cc->body);
		free(cc);
		*con_cls = NULL;
	}
}

void
lite_loop_flush(struct lite_node *n)
{
	if (n->loop)
		batch_flush(n);
}

/* Resume the delayed requests whose time has come (all when `all`); returns
 * the microseconds until the next one is due, or -1 when none waits. */
static long long
resume_delayed(struct lite_node *n, bool all)
{
	struct loop *lp = n->loop;
	uint64_t now = mono_us();
	long long next = -1;
	struct conn_ctx **pp = &lp->delayed;
	while (*pp) {
		struct conn_ctx *c = *pp;
		if (all || c->wake_us <= now) {
			*pp = c->next;
			c->next = NULL;
			c->state = CC_READY;
			MHD_resume_connection(c->conn);
			__atomic_store_n(&lp->resumed, 1, __ATOMIC_RELEASE);
			continue;
		}
		long long left = (long long)(c->wake_us - now);
		if (next < 0 || left < next)
			next = left;
		pp = &c->next;
	}
	return next;
}

/* Group-commit wait: microseconds the open batch may still wait for more
 * asserts (0 = commit now). It waits only while some other connection
 * that just got an assert answered may send the next one, no longer than
 * LITE_GROUP_GAP_US after its latest member and LITE_GROUP_WAIT_US after
 * its first; a lone writer never waits. */
static long long
batch_wait(struct lite_node *n)
{
	struct loop *lp = n->loop;
	if (!lp->parked || lp->n_parked + 1 >= LITE_BATCH_MAX)
		return 0;
	uint64_t now = mono_us();
	uint64_t until = lp->batch_since_us + LITE_GROUP_WAIT_US;
	if (lp->last_join_us + LITE_GROUP_GAP_US < until)
		until = lp->last_join_us + LITE_GROUP_GAP_US;
	if (now >= until)
		return 0;
	for (struct sock_ctx *k = lp->socks; k; k = k->next)
		if (!k->in_batch && k->writer_until_us > now)
			return (long long)(until - now);
	return 0;
}

static void
on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
	      enum MHD_ConnectionNotificationCode toe)
{
	(void)conn;
	struct lite_node *n = cls;
	struct loop *lp = n->loop;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		struct sock_ctx *k = calloc(1, sizeof *k);
		if (k) {
			k->next = lp->socks;
			if (lp->socks)
				lp->socks->prev = k;
			lp->socks = k;
		}
		*socket_context = k;
	} else if (toe == MHD_CONNECTION_NOTIFY_CLOSED) {
		struct sock_ctx *k = *socket_context;
		if (k) {
			if (k->prev)
				k->prev->next = k->next;
			else
				lp->socks = k->next;
			if (k->next)
				k->next->prev = k->prev;
			free(k);
		}
		*socket_context = NULL;
	}
}

/* The event loop: wait for network activity, a delay coming due or a stop;
 * then, under the node lock, run one round of libmicrohttpd (every ready
 * request; asserts join one batch) and commit that round's batch. */
static void *
loop_main(void *arg)
{
	struct lite_node *n = arg;
	struct loop *lp = n->loop;
	struct MHD_Daemon *d = n->daemon;
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_EPOLL_FD);
	int epfd = di ? di->epoll_fd : -1;
	long long due = -1;  /* µs until a delayed request or the batch is due */
	while (!__atomic_load_n(&lp->stopping, __ATOMIC_ACQUIRE)) {
		long long timeout = -1;
		MHD_UNSIGNED_LONG_LONG mt;
		if (__atomic_load_n(&lp->resumed, __ATOMIC_ACQUIRE))
			timeout = 0;
		else if (MHD_get_timeout(d, &mt) == MHD_YES)
			timeout = mt > (MHD_UNSIGNED_LONG_LONG)INT_MAX ? (long long)INT_MAX * 1000
								    : (long long)mt * 1000;
		if (due >= 0 && (timeout < 0 || due < timeout))
			timeout = due;
		struct pollfd pf[2] = {{.fd = epfd, .events = POLLIN},
				       {.fd = lp->wake_fd, .events = POLLIN}};
		struct timespec ts = {(time_t)(timeout / 1000000), (long)(timeout % 1000000) * 1000};
		if (ppoll(pf, 2, timeout < 0 ? NULL : &ts, NULL) < 0 && errno != EINTR) {
			lite_log(n, "event loop: poll: %s", strerror(errno));
			struct timespec pause = {0, 10 * 1000000L};
			nanosleep(&pause, NULL);
		}
		if (__atomic_load_n(&lp->stopping, __ATOMIC_ACQUIRE))
			break;
		pthread_mutex_lock(&n->lock);
		__atomic_store_n(&lp->resumed, 0, __ATOMIC_RELEASE);
		resume_delayed(n, false);
		MHD_run(d);
		due = resume_delayed(n, false); /* and learn when the next is due */
		long long bw = batch_wait(n);
		if (bw == 0)
			batch_flush(n);
		else if (due < 0 || bw < due)
			due = bw;
		pthread_mutex_unlock(&n->lock);
	}
	/* Leave nothing suspended for MHD_stop_daemon: a parked write is
	 * committed (its client may not hear of it, as with any cut
	 * connection), delayed requests are dropped. */
	pthread_mutex_lock(&n->lock);
	batch_flush(n);
	resume_delayed(n, true);
	pthread_mutex_unlock(&n->lock);
	return NULL;
}

/* ---- demo loader --------------------------------------------------------- */

struct demo_ctx {
	struct lite_node *n;
	long count;
};

static int
demo_assert(void *ctx, const struct lite_demo_fact *f, char *id_out, size_t id_cap)
{
	struct demo_ctx *d = ctx;
	size_t off;
	cJSON *body = lite_json_parse_marked(f->body, f->len, &off);
	if (!body)
		return -1;
	struct lite_principal who;
	memset(&who, 0, sizeof who);
	snprintf(who.entity_uri, sizeof who.entity_uri, "anon:trusted");
	snprintf(who.tenant_id, sizeof who.tenant_id, "default");
	who.perms = LITE_PERM_READ | LITE_PERM_WRITE | LITE_PERM_INSTRUCTION_WRITE;
	char ts[LITE_TS_MAX];
	const char *tso = NULL;
	if (f->age_days > 0) {
		char now[LITE_TS_MAX];
		lite_now(d->n, now);
		time_t t = time(NULL) - (time_t)f->age_days * 86400 + (time_t)(d->count % 86400);
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
		snprintf(ts + strlen(ts), sizeof ts - strlen(ts), ".%06ld+00:00",
			 (long)(d->count % 999999) + 1);
		tso = ts;
	}
	struct lite_resp rs;
	memset(&rs, 0, sizeof rs);
	stg_buf_init(&rs.body);
	char id[LITE_ID_MAX];
	int st = lite_facts_post_body(d->n, body, &who, tso, &rs, NULL, id);
	cJSON_Delete(body);
	resp_done(&rs);
	d->count++;
	if (st != 201)
		return -1;
	snprintf(id_out, id_cap, "%s", id);
	return 0;
}

static int
demo_resolve(void *ctx, const struct lite_demo_resolve *r)
{
	struct demo_ctx *d = ctx;
	sqlite3_stmt *st = lite_prepare(
		d->n, "SELECT id FROM conflicts WHERE fact_a=? AND fact_b=? AND status='unresolved'");
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, r->fact_a_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, r->fact_b_id, -1, SQLITE_TRANSIENT);
	char cid[LITE_CONFLICT_ID_MAX];
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return 0; /* nothing to resolve: not fatal */
	}
	snprintf(cid, sizeof cid, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	char *vt = NULL, *vv = NULL;
	if (r->new_value_json) {
		size_t off;
		cJSON *v = lite_json_parse_marked(r->new_value_json, strlen(r->new_value_json), &off);
		cJSON *t = cJSON_GetObjectItemCaseSensitive(v, "type");
		if (cJSON_IsString(t)) {
			bool bad;
			vt = strdup(t->valuestring);
			vv = lite_value_encode(t->valuestring, cJSON_GetObjectItemCaseSensitive(v, "v"),
					       &bad);
		}
		lite_json_unmark(v);
		cJSON_Delete(v);
		if (!vt) {
			free(vv);
			return -1;
		}
	}
	char rid[LITE_ID_MAX];
	int s = lite_conflict_resolve(d->n, cid, r->winner_id, vt, vv, "anon:trusted", rid);
	free(vt);
	free(vv);
	return s == 200 ? 0 : -1;
}

static int
load_demo(struct lite_node *n, char *err, size_t err_cap)
{
	struct demo_ctx d = {n, 0};
	struct lite_demo_sink sink = {&d, demo_assert, demo_resolve};
	if (lite_tx_begin(n) != 0)
		return -1;
	sqlite3_stmt *st = lite_prepare(n, "SELECT count(*) FROM facts");
	long long have = 0;
	if (st && sqlite3_step(st) == SQLITE_ROW)
		have = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	int rc = 0;
	if (n->opt.demo && have == 0)
		rc = lite_demo_run(&sink, NULL);
	if (rc == 0 && n->opt.generate > 0)
		rc = lite_generate_run_spread((uint64_t)n->opt.generate,
					      (uint64_t)n->opt.generate_entities, &sink, NULL);
	if (rc != 0) {
		lite_tx_rollback(n);
		snprintf(err, err_cap, "loading the dataset failed");
		return -1;
	}
	return lite_tx_commit(n);
}

/* Background load: holds the node lock for the whole load, so requests
 * queue behind it; a failure is kept and answered as 503 from then on. */
static void *
loader_main(void *arg)
{
	struct lite_node *n = arg;
	char err[sizeof n->load_error];
	pthread_mutex_lock(&n->lock);
	if (load_demo(n, err, sizeof err) != 0) {
		snprintf(n->load_error, sizeof n->load_error, "%s", err[0] ? err : "load failed");
		lite_log(n, "dataset load failed: %s", n->load_error);
	}
	n->loading = false;
	pthread_cond_broadcast(&n->load_cond);
	pthread_mutex_unlock(&n->lock);
	return NULL;
}

/* ---- start / stop ---------------------------------------------------------- */

void
lite_options_init(struct lite_options *o)
{
	memset(o, 0, sizeof *o);
	o->host = "127.0.0.1";
	o->port = 8765;
	o->db_path = "stigmem-lite.db";
	o->bootstrap_entity = "agent:admin";
	o->tl_path = "stigmem_tl.jsonl";
	o->checkpoint_interval = 1000;
	o->checkpoint_max_age_s = 60;
	o->max_body = 1024 * 1024;
	o->quota_read_per_hour = 5000;
	o->quota_write_per_hour = 1000;
	o->delivery_interval_ms = 30000;
}

static char *
dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static bool
is_loopback(const char *host)
{
	return strcmp(host, "127.0.0.1") == 0 || strncmp(host, "127.", 4) == 0 ||
	       strcmp(host, "::1") == 0 || strcmp(host, "localhost") == 0;
}


struct lite_node *
lite_node_start(const struct lite_options *o, char *err, size_t err_cap)
{
	char dummy[8];
	if (!err) {
		err = dummy;
		err_cap = sizeof dummy;
	}
	err[0] = 0;
	struct lite_node *n = calloc(1, sizeof *n);
	if (!n) {
		snprintf(err, err_cap, "out of memory");
		return NULL;
	}
	n->opt = *o;
	if (!n->opt.max_body)
		n->opt.max_body = 1024 * 1024;
	pthread_mutex_init(&n->lock, NULL);
	pthread_cond_init(&n->load_cond, NULL);
	struct loop *lp = calloc(1, sizeof *lp);
	if (!lp) {
		pthread_mutex_destroy(&n->lock);
		pthread_cond_destroy(&n->load_cond);
		free(n);
		snprintf(err, err_cap, "out of memory");
		return NULL;
	}
	lp->wake_fd = -1;
	n->loop = lp;
	n->host = strdup(o->host ? o->host : "127.0.0.1");
	n->db_path = strdup(o->db_path ? o->db_path : "stigmem-lite.db");
	n->tl_path = strdup(o->tl_path ? o->tl_path : "stigmem_tl.jsonl");
	n->peers_file = dup_or_null(o->peers_file);
	n->bootstrap_entity = strdup(o->bootstrap_entity ? o->bootstrap_entity : "agent:admin");
	/* Strings inside opt must not dangle: point them at our copies. */
	n->opt.host = n->host;
	n->opt.db_path = n->db_path;
	n->opt.tl_path = n->tl_path;
	n->opt.peers_file = n->peers_file;
	n->opt.bootstrap_entity = n->bootstrap_entity;
	n->opt.bootstrap_key = NULL;
	n->opt.bootstrap_key_file = NULL;
	n->opt.node_url = NULL;
	/* Fault routes are copied too. */
	struct lite_fault *fs[] = {&n->opt.fault_delay, &n->opt.fault_status, &n->opt.fault_garbage,
				   &n->opt.fault_truncate};
	for (size_t i = 0; i < 4; i++)
		fs[i]->route = dup_or_null(fs[i]->route);
	snprintf(n->tenant_id, sizeof n->tenant_id, "default");
	n->checkpoint_interval = o->checkpoint_interval > 0 ? o->checkpoint_interval : 1000;
	n->checkpoint_max_age_s = o->checkpoint_max_age_s > 0 ? o->checkpoint_max_age_s : 60;
	n->rng = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32) ^ 0x9E3779B97F4A7C15ULL;
	if (!n->host || !n->db_path || !n->tl_path || !n->bootstrap_entity) {
		snprintf(err, err_cap, "out of memory");
		goto fail;
	}
	switch (o->auth) {
	case LITE_AUTH_NONE:
		if (!is_loopback(n->host) && !o->allow_open_nonloopback) {
			snprintf(err, err_cap,
				 "refusing --auth none on non-loopback address %s", n->host);
			goto fail;
		}
		n->auth_required = false;
		break;
	case LITE_AUTH_REQUIRED:
		n->auth_required = true;
		break;
	default:
		n->auth_required = !is_loopback(n->host);
		break;
	}
	if (lite_store_open(n, err, err_cap) != 0)
		goto fail;
	{
		struct lite_options tmp = *o;
		n->opt.bootstrap_key = tmp.bootstrap_key;
		n->opt.bootstrap_key_file = tmp.bootstrap_key_file;
		int rc = lite_auth_bootstrap(n, err, err_cap);
		n->opt.bootstrap_key = NULL;
		n->opt.bootstrap_key_file = NULL;
		if (rc != 0)
			goto fail;
	}
	lite_recall_set_embeddings(n, o->embeddings);
	bool bg_load = o->load_in_background && (o->demo || o->generate > 0);
	if (!bg_load && (o->demo || o->generate > 0) && load_demo(n, err, err_cap) != 0)
		goto fail;
	n->loading = bg_load;

	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof ss);
	if (MHD_is_feature_supported(MHD_FEATURE_EPOLL) != MHD_YES) {
		snprintf(err, err_cap, "this libmicrohttpd has no epoll support");
		goto fail;
	}
	/* One event loop of our own (loop_main): external epoll. */
	unsigned flags = MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME |
			 (o->quiet ? 0u : MHD_USE_ERROR_LOG);
	socklen_t sl;
	const char *h = n->host;
	if (strcmp(h, "localhost") == 0)
		h = "127.0.0.1";
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	if (inet_pton(AF_INET, h, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)o->port);
		sl = sizeof *s4;
	} else if (inet_pton(AF_INET6, h, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)o->port);
		sl = sizeof *s6;
		flags |= MHD_USE_IPv6;
	} else {
		snprintf(err, err_cap, "cannot parse listen address %s (use a numeric address)",
			 n->host);
		goto fail;
	}
	(void)sl;
	struct MHD_Daemon *d = MHD_start_daemon(
		flags, (uint16_t)o->port, NULL, NULL, on_request, n, MHD_OPTION_SOCK_ADDR, &ss,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, n, MHD_OPTION_NOTIFY_CONNECTION,
		on_connection, n, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)LITE_CONN_MEMORY, MHD_OPTION_END);
	if (!d) {
		snprintf(err, err_cap, "cannot listen on %s:%d", n->host, o->port);
		goto fail;
	}
	n->daemon = d;
	lp->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (lp->wake_fd < 0) {
		snprintf(err, err_cap, "cannot create the event loop's wake-up descriptor: %s",
			 strerror(errno));
		goto fail;
	}
	if (bg_load) {
		if (pthread_create(&n->loader, NULL, loader_main, n) != 0) {
			snprintf(err, err_cap, "cannot start the dataset loader thread");
			goto fail;
		}
		n->loader_started = true;
	}
	if (pthread_create(&lp->thread, NULL, loop_main, n) != 0) {
		snprintf(err, err_cap, "cannot start the event loop thread");
		goto fail;
	}
	lp->started = true;
	if (lite_delivery_start(n) != 0) {
		snprintf(err, err_cap, "cannot start the subscription delivery thread");
		goto fail;
	}
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	n->port = di ? di->port : o->port;
	if (o->node_url)
		n->node_url = strdup(o->node_url);
	else {
		char buf[300];
		bool v6 = strchr(n->host, ':') != NULL;
		snprintf(buf, sizeof buf, v6 ? "http://[%s]:%d" : "http://%s:%d", n->host, n->port);
		n->node_url = strdup(buf);
	}
	return n;
fail:
	lite_node_stop(n);
	return NULL;
}

int
lite_node_port(const struct lite_node *n)
{
	return n ? n->port : 0;
}

void
lite_node_stop(struct lite_node *n)
{
	if (!n)
		return;
	struct loop *lp = n->loop;
	if (n->loader_started)
		pthread_join(n->loader, NULL);
	lite_delivery_stop(n);
	if (lp && lp->started) {
		__atomic_store_n(&lp->stopping, 1, __ATOMIC_RELEASE);
		uint64_t one = 1;
		while (write(lp->wake_fd, &one, sizeof one) < 0 && errno == EINTR)
			;
		pthread_join(lp->thread, NULL);
	}
	if (n->daemon)
		MHD_stop_daemon((struct MHD_Daemon *)n->daemon);
	n->daemon = NULL;
	if (lp && lp->wake_fd >= 0)
		close(lp->wake_fd);
	free(lp);
	n->loop = NULL;
	lite_store_close(n);
	lite_session_free(n);
	lite_quota_free(n);
	pthread_cond_destroy(&n->load_cond);
	pthread_mutex_destroy(&n->lock);
	struct lite_fault *fs[] = {&n->opt.fault_delay, &n->opt.fault_status, &n->opt.fault_garbage,
				   &n->opt.fault_truncate};
	for (size_t i = 0; i < 4; i++)
		free((char *)fs[i]->route);
	free(n->host);
	free(n->db_path);
	free(n->tl_path);
	free(n->peers_file);
	free(n->node_url);
	free(n->bootstrap_entity);
	free(n);
}

bool
lite_parse_listen(const char *s, char **host, int *port)
{
	if (!s)
		return false;
	const char *colon;
	char h[256];
	if (s[0] == '[') {
		const char *rb = strchr(s, ']');
		if (!rb || rb[1] != ':' || (size_t)(rb - s - 1) >= sizeof h)
			return false;
		memcpy(h, s + 1, (size_t)(rb - s - 1));
		h[rb - s - 1] = 0;
		colon = rb + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon || (size_t)(colon - s) >= sizeof h)
			return false;
		memcpy(h, s, (size_t)(colon - s));
		h[colon - s] = 0;
		if (!h[0])
			snprintf(h, sizeof h, "127.0.0.1");
	}
	char *end;
	long p = strtol(colon + 1, &end, 10);
	if (!colon[1] || *end || p < 0 || p > 65535)
		return false;
	*host = strdup(h);
	*port = (int)p;
	return *host != NULL;
}
