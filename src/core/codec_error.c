/* codec_error.c — error bodies of a failed exchange into struct stg_error (§1.1). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/codec_internal.h"

/* Bounded text builder over a fixed buffer: appends stop at the capacity
 * without splitting a UTF-8 sequence; the buffer stays NUL-terminated. */
struct sbuf {
	char *p;
	size_t cap, len;
};

static void
sb_init(struct sbuf *b, char *p, size_t cap)
{
	b->p = p;
	b->cap = cap;
	b->len = 0;
	p[0] = '\0';
}

static void
sb_addn(struct sbuf *b, const char *s, size_t n)
{
	size_t room;

	if (b->len + 1 >= b->cap)
		return;
	room = b->cap - 1 - b->len;
	if (n > room) {
		n = room;
		/* Back up to the start of a UTF-8 sequence. */
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
sb_add(struct sbuf *b, const char *s)
{
	sb_addn(b, s, strlen(s));
}

/* A JSON scalar as display text (strings raw, integers without ".0"). */
static void
sb_json(struct sbuf *b, const cJSON *it)
{
	char num[64];
	char *s;

	if (cJSON_IsString(it)) {
		sb_add(b, it->valuestring);
	} else if (cJSON_IsNumber(it)) {
		double d = it->valuedouble;

		if (d == floor(d) && fabs(d) < 1e15) {
			snprintf(num, sizeof num, "%.0f", d);
		} else {
			int prec;

			/* Shortest text that reads back as d. */
			for (prec = 15; prec <= 17; prec++) {
				snprintf(num, sizeof num, "%.*g", prec, d);
				if (strtod(num, NULL) == d)
					break;
			}
		}
		sb_add(b, num);
	} else {
		s = cJSON_PrintUnformatted(it);
		if (s != NULL) {
			sb_add(b, s);
			cJSON_free(s);
		}
	}
}

static const char *
http_reason(long code)
{
	switch (code) {
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 409: return "Conflict";
	case 413: return "Content Too Large";
	case 421: return "Misdirected Request";
	case 422: return "Unprocessable Content";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	default: return NULL;
	}
}

static void
copy_code(struct stg_error *err, const cJSON *it)
{
	if (cJSON_IsString(it)) {
		struct sbuf b;

		sb_init(&b, err->code, sizeof err->code);
		sb_add(&b, it->valuestring);
	}
}

/* {code, message, …extra}: "message (key: value, …)". */
static void
render_object_detail(struct sbuf *b, const cJSON *d, struct stg_error *err)
{
	const cJSON *msg = cJSON_GetObjectItemCaseSensitive(d, "message");
	const cJSON *code = cJSON_GetObjectItemCaseSensitive(d, "code");
	const cJSON *it;
	bool first = true;

	copy_code(err, code);
	if (cJSON_IsString(msg))
		sb_add(b, msg->valuestring);
	else if (cJSON_IsString(code))
		sb_add(b, code->valuestring);
	cJSON_ArrayForEach(it, d) {
		if (it->string == NULL || strcmp(it->string, "message") == 0 ||
		    strcmp(it->string, "code") == 0)
			continue;
		sb_add(b, first ? (b->len > 0 ? " (" : "(") : ", ");
		first = false;
		sb_add(b, it->string);
		sb_add(b, ": ");
		sb_json(b, it);
	}
	if (!first)
		sb_add(b, ")");
}

/* 422 list: "body.confidence: Input should be …; query.limit: …". */
static void
render_list_detail(struct sbuf *b, const cJSON *d)
{
	const cJSON *item, *loc, *part, *msg;
	bool first = true;

	cJSON_ArrayForEach(item, d) {
		if (!first)
			sb_add(b, "; ");
		first = false;
		if (!cJSON_IsObject(item)) {
			sb_json(b, item);
			continue;
		}
		loc = cJSON_GetObjectItemCaseSensitive(item, "loc");
		msg = cJSON_GetObjectItemCaseSensitive(item, "msg");
		if (cJSON_IsArray(loc) && cJSON_GetArraySize(loc) > 0) {
			bool dot = false;

			cJSON_ArrayForEach(part, loc) {
				if (dot)
					sb_add(b, ".");
				dot = true;
				sb_json(b, part);
			}
			sb_add(b, ": ");
		}
		if (cJSON_IsString(msg))
			sb_add(b, msg->valuestring);
		else if (msg != NULL)
			sb_json(b, msg);
		else
			sb_json(b, item);
	}
}

/* First non-empty line of a text body, bounded by len and any NUL. */
static bool
render_text(struct sbuf *b, const char *body, size_t len)
{
	size_t i = 0, start, end;

	if (body == NULL)
		return false;
	while (i < len && body[i] != '\0') {
		while (i < len && (body[i] == ' ' || body[i] == '\t' || body[i] == '\r' ||
				   body[i] == '\n'))
			i++;
		start = i;
		while (i < len && body[i] != '\0' && body[i] != '\n' && body[i] != '\r')
			i++;
		end = i;
		while (end > start && (body[end - 1] == ' ' || body[end - 1] == '\t'))
			end--;
		if (end > start) {
			sb_addn(b, body + start, end - start);
			return true;
		}
	}
	return false;
}

static double
parse_retry_header(const char *h)
{
	char *end;
	double d;

	if (h == NULL)
		return 0;
	while (*h == ' ' || *h == '\t')
		h++;
	d = strtod(h, &end);
	if (end == h || !isfinite(d) || d < 0)
		return 0;
	return d;
}

void
stg_decode_error_body(long http_status, const char *body, size_t len,
		      const char *retry_after_header, struct stg_error *err)
{
	struct sbuf b;
	cJSON *root = NULL;
	const char *end = NULL;
	const cJSON *d;
	enum stg_status st;
	size_t i;

	if (err == NULL)
		return;
	stg_error_clear(err);
	st = stg_status_from_http(http_status);
	err->status = st != STG_OK ? st : STG_ERR_HTTP;
	err->http_status = http_status;
	sb_init(&b, err->detail, sizeof err->detail);

	if (body != NULL && len > 0) {
		root = cJSON_ParseWithLengthOpts(body, len, &end, 0);
		if (root != NULL && end != NULL) {
			for (i = (size_t)(end - body); i < len; i++)
				if (body[i] != ' ' && body[i] != '\t' && body[i] != '\n' &&
				    body[i] != '\r')
					break;
			if (i < len) {
				cJSON_Delete(root);
				root = NULL;
			}
		}
	}
	if (cJSON_IsObject(root) && (d = cJSON_GetObjectItemCaseSensitive(root, "detail")) != NULL) {
		if (cJSON_IsString(d))
			sb_add(&b, d->valuestring);
		else if (cJSON_IsObject(d))
			render_object_detail(&b, d, err);
		else if (cJSON_IsArray(d))
			render_list_detail(&b, d);
		else if (!cJSON_IsNull(d))
			sb_json(&b, d);
	} else if (cJSON_IsObject(root) && cJSON_IsString(cJSON_GetObjectItemCaseSensitive(root, "error"))) {
		/* 429 quota and other non-detail objects: {error, …extra}. */
		const cJSON *it;
		bool first = true;

		copy_code(err, cJSON_GetObjectItemCaseSensitive(root, "error"));
		sb_add(&b, cJSON_GetObjectItemCaseSensitive(root, "error")->valuestring);
		cJSON_ArrayForEach(it, root) {
			if (it->string == NULL || strcmp(it->string, "error") == 0)
				continue;
			sb_add(&b, first ? " (" : ", ");
			first = false;
			sb_add(&b, it->string);
			sb_add(&b, ": ");
			sb_json(&b, it);
		}
		if (!first)
			sb_add(&b, ")");
	} else if (cJSON_IsObject(root) && cJSON_IsString(cJSON_GetObjectItemCaseSensitive(root, "message"))) {
		sb_add(&b, cJSON_GetObjectItemCaseSensitive(root, "message")->valuestring);
	} else if (root != NULL && !cJSON_IsNull(root)) {
		sb_json(&b, root);
	} else if (root == NULL) {
		render_text(&b, body, len);
	}

	if (b.len == 0) {
		const char *reason = http_reason(http_status);

		if (reason != NULL)
			sb_add(&b, reason);
		else {
			char tmp[32];

			snprintf(tmp, sizeof tmp, "HTTP %ld", http_status);
			sb_add(&b, tmp);
		}
	}

	if (http_status == 429 || http_status == 503) {
		const cJSON *ra = cJSON_IsObject(root)
					  ? cJSON_GetObjectItemCaseSensitive(root, "retry_after")
					  : NULL;

		if (cJSON_IsNumber(ra) && isfinite(ra->valuedouble) && ra->valuedouble >= 0)
			err->retry_after = ra->valuedouble;
		else
			err->retry_after = parse_retry_header(retry_after_header);
	}
	cJSON_Delete(root);
}
