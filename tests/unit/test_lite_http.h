/* test_lite_http.h — helpers shared by the stigmem-lite test binaries:
 * start a node in-process on 127.0.0.1:0 and talk real HTTP with libcurl.
 * Header-only (static functions) so each test binary stays one file. */
#ifndef TEST_LITE_HTTP_H
#define TEST_LITE_HTTP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cJSON.h>
#include <curl/curl.h>

#include "node/lite.h"
#include "stigmem/buf.h"

#define TH_UNUSED __attribute__((unused))

struct th_resp {
	long status;
	struct stg_buf body;
	struct stg_buf headers; /* raw header block, lowercased names not guaranteed */
	cJSON *json;            /* parsed body or NULL */
	CURLcode rc;
};

TH_UNUSED static size_t
th_write(char *p, size_t sz, size_t nm, void *ud)
{
	stg_buf_append(ud, p, sz * nm);
	return sz * nm;
}

TH_UNUSED static void
th_resp_free(struct th_resp *r)
{
	stg_buf_done(&r->body);
	stg_buf_done(&r->headers);
	cJSON_Delete(r->json);
	memset(r, 0, sizeof *r);
}

/* Perform a request. hdrs: NULL-terminated list of "Name: value". body may
 * be NULL. path is appended to http://127.0.0.1:<port>. */
TH_UNUSED static struct th_resp
th_req(int port, const char *method, const char *path, const char *body, const char *const *hdrs)
{
	struct th_resp r;
	memset(&r, 0, sizeof r);
	stg_buf_init(&r.body);
	stg_buf_init(&r.headers);
	CURL *c = curl_easy_init();
	char url[4096];
	snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, th_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &r.body);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, th_write);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &r.headers);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
	struct curl_slist *sl = NULL;
	if (body) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
		sl = curl_slist_append(sl, "Content-Type: application/json");
	}
	sl = curl_slist_append(sl, "Expect:");
	for (size_t i = 0; hdrs && hdrs[i]; i++)
		sl = curl_slist_append(sl, hdrs[i]);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, sl);
	r.rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
	curl_slist_free_all(sl);
	curl_easy_cleanup(c);
	if (r.body.data)
		r.json = cJSON_ParseWithLength(r.body.data, r.body.len);
	return r;
}

TH_UNUSED static struct th_resp
th_get(int port, const char *path)
{
	return th_req(port, "GET", path, NULL, NULL);
}

TH_UNUSED static struct th_resp
th_post(int port, const char *path, const char *body)
{
	return th_req(port, "POST", path, body, NULL);
}

/* printf-style path builder into a static-size buffer owned by caller. */
TH_UNUSED static const char *
th_fmt(char *buf, size_t cap, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, cap, fmt, ap);
	va_end(ap);
	return buf;
}

TH_UNUSED static const char *
th_str(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Header value (case-insensitive) from the raw block, copied into out. */
TH_UNUSED static bool
th_header(const struct th_resp *r, const char *name, char *out, size_t cap)
{
	if (!r->headers.data)
		return false;
	size_t nl = strlen(name);
	const char *p = r->headers.data;
	while (p && *p) {
		if (strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
			const char *v = p + nl + 1;
			while (*v == ' ')
				v++;
			size_t k = strcspn(v, "\r\n");
			if (k >= cap)
				k = cap - 1;
			memcpy(out, v, k);
			out[k] = 0;
			return true;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return false;
}

/* Start a node on 127.0.0.1:0 with a fresh database file named db in the
 * current directory (removed first). */
TH_UNUSED static struct lite_node *
th_start(const char *db, struct lite_options *o_in)
{
	struct lite_options o;
	if (o_in)
		o = *o_in;
	else
		lite_options_init(&o);
	o.host = "127.0.0.1";
	o.port = 0;
	o.quiet = true;
	if (db) {
		char p[512];
		unlink(db);
		snprintf(p, sizeof p, "%s-wal", db);
		unlink(p);
		snprintf(p, sizeof p, "%s-shm", db);
		unlink(p);
		o.db_path = db;
		/* Keep each node's transparency log apart from other tests'. */
		static char tl[8][520];
		static int tl_i;
		char *t = tl[tl_i++ % 8];
		snprintf(t, sizeof tl[0], "%s.tl.jsonl", db);
		if (!o_in || !o_in->tl_path || strcmp(o_in->tl_path, "stigmem_tl.jsonl") == 0) {
			unlink(t);
			o.tl_path = t;
		}
	}
	char err[256];
	struct lite_node *n = lite_node_start(&o, err, sizeof err);
	if (!n)
		fprintf(stderr, "node start failed: %s\n", err);
	return n;
}

#endif
