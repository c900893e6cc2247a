/* url.c — percent-encoding, URL host extraction, loopback test, query strings. */
#include <arpa/inet.h>
#include <ctype.h>
#include <math.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/http_internal.h"

static bool
is_unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '.' || c == '_' || c == '~';
}

bool
stg_url_encode(struct stg_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;

	if (s == NULL)
		return !b->oom;
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (is_unreserved(*p)) {
			stg_buf_putc(b, (char)*p);
		} else {
			char esc[3] = {'%', hex[*p >> 4], hex[*p & 0xF]};
			stg_buf_append(b, esc, sizeof esc);
		}
	}
	/* Make sure data is non-NULL and terminated even for an empty string. */
	if (stg_buf_reserve(b, 1))
		b->data[b->len] = '\0';
	return !b->oom;
}

bool
stg_url_split(const char *url, bool *is_https, char *host, size_t cap)
{
	const char *p, *end, *at, *h, *he;
	size_t n, i;

	if (url == NULL || cap == 0)
		return false;
	if (strncasecmp(url, "http://", 7) == 0) {
		*is_https = false;
		p = url + 7;
	} else if (strncasecmp(url, "https://", 8) == 0) {
		*is_https = true;
		p = url + 8;
	} else {
		return false;
	}
	end = p + strcspn(p, "/?#");
	/* userinfo */
	at = NULL;
	for (const char *q = p; q < end; q++)
		if (*q == '@')
			at = q;
	if (at != NULL)
		p = at + 1;
	if (p < end && *p == '[') {
		h = p + 1;
		he = memchr(h, ']', (size_t)(end - h));
		if (he == NULL)
			return false;
	} else {
		h = p;
		he = memchr(h, ':', (size_t)(end - h));
		if (he == NULL)
			he = end;
	}
	n = (size_t)(he - h);
	if (n == 0 || n >= cap)
		return false;
	for (i = 0; i < n; i++)
		host[i] = (char)tolower((unsigned char)h[i]);
	host[n] = '\0';
	return true;
}

bool
stg_url_host_is_loopback(const char *host)
{
	struct in_addr a4;
	struct in6_addr a6;

	if (host == NULL)
		return false;
	if (strcasecmp(host, "localhost") == 0 || strcasecmp(host, "localhost.") == 0)
		return true;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, host, &a6) == 1) {
		static const unsigned char v4mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
		if (IN6_IS_ADDR_LOOPBACK(&a6))
			return true;
		return memcmp(a6.s6_addr, v4mapped, 12) == 0 && a6.s6_addr[12] == 127;
	}
	return false;
}

bool
stg_format_double(double x, char *out, size_t cap)
{
	int prec;

	if (!isfinite(x) || cap < 32)
		return false;
	for (prec = 15; prec <= 17; prec++) {
		snprintf(out, cap, "%.*g", prec, x);
		if (strtod(out, NULL) == x)
			break;
	}
	if (strpbrk(out, ".eEn") == NULL) {
		size_t n = strlen(out);
		if (n + 3 > cap)
			return false;
		memcpy(out + n, ".0", 3);
	}
	return true;
}

static void
query_key(struct stg_query *q, const char *key)
{
	stg_buf_putc(q->b, q->any ? '&' : '?');
	q->any = true;
	stg_url_encode(q->b, key);
	stg_buf_putc(q->b, '=');
}

void
stg_query_str(struct stg_query *q, const char *key, const char *val)
{
	if (val == NULL)
		return;
	query_key(q, key);
	stg_url_encode(q->b, val);
}

void
stg_query_int(struct stg_query *q, const char *key, long long val)
{
	query_key(q, key);
	stg_buf_printf(q->b, "%lld", val);
}

void
stg_query_double(struct stg_query *q, const char *key, double val)
{
	char txt[40];

	if (!stg_format_double(val, txt, sizeof txt)) {
		q->b->oom = true; /* poison: caller reports STG_ERR_USAGE */
		return;
	}
	query_key(q, key);
	stg_url_encode(q->b, txt);
}

void
stg_query_bool(struct stg_query *q, const char *key, bool val)
{
	query_key(q, key);
	stg_buf_puts(q->b, val ? "true" : "false");
}

void
stg_query_opt_bool(struct stg_query *q, const char *key, enum stg_opt_bool v)
{
	if (v == STG_OPT_UNSET)
		return;
	stg_query_bool(q, key, v == STG_OPT_TRUE);
}
