/* tests/lib/testnode.c — in-process stigmem-lite and libcurl requests for
 * the test suites (see testnode.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <cmocka.h>

#include "testdata.h"
#include "testnode.h"

static size_t
on_data(char *p, size_t sz, size_t nm, void *ud)
{
	stg_buf_append(ud, p, sz * nm);
	return sz * nm;
}

void
tst_resp_free(struct tst_resp *r)
{
	stg_buf_done(&r->body);
	stg_buf_done(&r->headers);
	cJSON_Delete(r->json);
	memset(r, 0, sizeof *r);
}

/* One exchange on handle c (kept by the caller, so its connection stays
 * open between calls). */
static struct tst_resp
req_on(CURL *c, int port, const char *method, const char *path, const char *body,
       const char *const *hdrs)
{
	struct tst_resp r;
	char url[4096], tc[64];
	struct curl_slist *sl = NULL;

	memset(&r, 0, sizeof r);
	stg_buf_init(&r.body);
	stg_buf_init(&r.headers);
	snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &r.body);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &r.headers);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
	if (body != NULL) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
		sl = curl_slist_append(sl, "Content-Type: application/json");
	} else {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, NULL);
		curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	}
	sl = curl_slist_append(sl, "Expect:");
	for (size_t i = 0; hdrs != NULL && hdrs[i] != NULL; i++)
		sl = curl_slist_append(sl, hdrs[i]);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, sl);
	r.rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
	curl_slist_free_all(sl);
	if (r.body.len > 0)
		r.json = cJSON_ParseWithLength(r.body.data, r.body.len);
	if (tst_header(&r, "x-total-count", tc, sizeof tc)) {
		size_t k = 0;

		for (size_t i = 0; tc[i] != '\0' && k + 1 < sizeof r.total_count; i++)
			if (tc[i] >= '0' && tc[i] <= '9')
				r.total_count[k++] = tc[i];
		r.total_count[k] = '\0';
	}
	return r;
}

struct tst_resp
tst_req(int port, const char *method, const char *path, const char *body, const char *const *hdrs)
{
	struct tst_resp r;
	CURL *c = curl_easy_init();

	if (c == NULL) {
		memset(&r, 0, sizeof r);
		stg_buf_init(&r.body);
		stg_buf_init(&r.headers);
		r.rc = CURLE_FAILED_INIT;
		return r;
	}
	r = req_on(c, port, method, path, body, hdrs);
	curl_easy_cleanup(c);
	return r;
}

struct tst_resp
tst_req_keep(CURL *c, int port, const char *method, const char *path, const char *body,
	     const char *const *hdrs)
{
	return req_on(c, port, method, path, body, hdrs);
}

struct tst_resp
tst_get(int port, const char *path)
{
	return tst_req(port, "GET", path, NULL, NULL);
}

struct tst_resp
tst_post(int port, const char *path, const char *body)
{
	return tst_req(port, "POST", path, body, NULL);
}

bool
tst_header(const struct tst_resp *r, const char *name, char *out, size_t cap)
{
	size_t nl = strlen(name);
	const char *p = r->headers.data;

	if (p == NULL || cap == 0)
		return false;
	while (p != NULL && *p != '\0') {
		if (strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
			const char *v = p + nl + 1;
			size_t k;

			while (*v == ' ')
				v++;
			k = strcspn(v, "\r\n");
			if (k >= cap)
				k = cap - 1;
			memcpy(out, v, k);
			out[k] = '\0';
			return true;
		}
		p = strchr(p, '\n');
		if (p != NULL)
			p++;
	}
	return false;
}

const char *
tst_fmt(char *buf, size_t cap, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, cap, fmt, ap);
	va_end(ap);
	return buf;
}

struct lite_node *
tst_start(const char *db, const struct lite_options *o_in)
{
	struct lite_options o;
	char tl[520], err[256];
	struct lite_node *n;

	if (o_in != NULL)
		o = *o_in;
	else
		lite_options_init(&o);
	o.host = "127.0.0.1";
	o.port = 0;
	o.quiet = true;
	if (db != NULL) {
		char p[512];

		unlink(db);
		snprintf(p, sizeof p, "%s-wal", db);
		unlink(p);
		snprintf(p, sizeof p, "%s-shm", db);
		unlink(p);
		o.db_path = db;
		/* Keep each node's transparency log apart from other tests'
		 * (lite_node_start copies the path). */
		snprintf(tl, sizeof tl, "%s.tl.jsonl", db);
		if (o_in == NULL || o_in->tl_path == NULL ||
		    strcmp(o_in->tl_path, "stigmem_tl.jsonl") == 0) {
			unlink(tl);
			o.tl_path = tl;
		}
	}
	n = lite_node_start(&o, err, sizeof err);
	if (n == NULL)
		fprintf(stderr, "node start failed: %s\n", err);
	return n;
}

void
tst_node_paths(struct tst_node *t)
{
	snprintf(t->db, sizeof t->db, "%s/node.db", t->dir);
	snprintf(t->tl, sizeof t->tl, "%s/tl.jsonl", t->dir);
}

void
tst_node_start(struct tst_node *t, long interval, long max_age)
{
	struct lite_options o;
	char err[256] = "";

	if (t->dir[0] == '\0') {
		snprintf(t->dir, sizeof t->dir, "lite-XXXXXX");
		assert_non_null(mkdtemp(t->dir));
	}
	tst_node_paths(t);
	lite_options_init(&o);
	o.host = "127.0.0.1";
	o.port = 0;
	o.db_path = t->db;
	o.tl_path = t->tl;
	o.auth = t->bootstrap_key ? LITE_AUTH_REQUIRED : LITE_AUTH_NONE;
	o.bootstrap_key = t->bootstrap_key;
	o.quiet = true;
	o.checkpoint_interval = interval;
	o.checkpoint_max_age_s = max_age;
	t->node = lite_node_start(&o, err, sizeof err);
	if (t->node == NULL)
		fail_msg("lite_node_start: %s", err);
	t->port = lite_node_port(t->node);
	assert_true(t->port > 0);
}

void
tst_node_stop(struct tst_node *t)
{
	lite_node_stop(t->node);
	t->node = NULL;
}

void
tst_http(const struct tst_node *t, const char *method, const char *path, const char *body,
	 const char *hdr, struct tst_resp *r)
{
	char lines[16][1024];
	const char *list[17];
	size_t n = 0;

	for (const char *p = hdr; p != NULL && *p != '\0';) {
		const char *e = strchr(p, '\n');
		size_t l = e != NULL ? (size_t)(e - p) : strlen(p);

		assert_true(n < 16);
		snprintf(lines[n], sizeof lines[n], "%.*s", (int)l, p);
		list[n] = lines[n];
		n++;
		p = e != NULL ? e + 1 : p + l;
	}
	list[n] = NULL;
	*r = tst_req(t->port, method, path, body, list);
	if (r->rc != CURLE_OK)
		fail_msg("curl %s %s: %s", method, path, curl_easy_strerror(r->rc));
}

void
tst_post_fact(const struct tst_node *t, const char *json, char out[64])
{
	struct tst_resp r;
	const cJSON *id;

	tst_http(t, "POST", "/v1/facts", json, NULL, &r);
	if (r.status != 201)
		fail_msg("POST /v1/facts %ld: %s", r.status, r.body.data ? r.body.data : "");
	id = cJSON_GetObjectItemCaseSensitive(r.json, "id");
	assert_true(cJSON_IsString(id));
	if (out != NULL)
		snprintf(out, 64, "%s", id->valuestring);
	tst_resp_free(&r);
}

cJSON *
tst_replay_seed(const struct tst_node *t, int upto)
{
	cJSON *seed = tst_fixture("seed-requests.json");
	cJSON *ids = cJSON_CreateObject();
	const cJSON *s;

	cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(seed, "seeds"))
	{
		int step = cJSON_GetObjectItemCaseSensitive(s, "step")->valueint;
		const char *path = cJSON_GetObjectItemCaseSensitive(s, "path")->valuestring;
		const cJSON *b;
		const char *ref;
		struct stg_buf out;
		char *txt;
		char id[64];

		if (step > upto)
			break;
		if (strcmp(path, "/v1/facts") != 0)
			continue;
		b = cJSON_GetObjectItemCaseSensitive(s, "body_template");
		if (b == NULL)
			b = cJSON_GetObjectItemCaseSensitive(s, "body");
		txt = cJSON_PrintUnformatted(b);
		/* Substitute ${fact:<ref>} with the ids seen so far. */
		stg_buf_init(&out);
		for (const char *p = txt; *p != '\0';) {
			if (strncmp(p, "${fact:", 7) == 0 && strchr(p, '}') != NULL) {
				const char *e = strchr(p, '}');
				char rf[128];
				const cJSON *known;

				snprintf(rf, sizeof rf, "%.*s", (int)(e - p - 7), p + 7);
				known = cJSON_GetObjectItemCaseSensitive(ids, rf);
				assert_non_null(known);
				stg_buf_puts(&out, known->valuestring);
				p = e + 1;
			} else {
				stg_buf_putc(&out, *p++);
			}
		}
		tst_post_fact(t, out.data, id);
		ref = cJSON_GetObjectItemCaseSensitive(s, "ref")->valuestring;
		if (cJSON_GetObjectItemCaseSensitive(ids, ref) == NULL)
			cJSON_AddStringToObject(ids, ref, id);
		stg_buf_done(&out);
		free(txt);
	}
	cJSON_Delete(seed);
	return ids;
}

cJSON *
tst_node_start_seeded(struct tst_node *t, long interval, long max_age, int upto)
{
	memset(t, 0, sizeof *t);
	tst_node_start(t, interval, max_age);
	return tst_replay_seed(t, upto);
}
