/* http.c — one transfer: easy-handle setup from client + request, body cap,
 * header capture, and the finish path shared by blocking and async calls. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/http_internal.h"
#include "stigmem/codec.h"

double
stg_http_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static size_t
on_body(char *ptr, size_t size, size_t nmemb, void *ud)
{
	struct stg_http_xfer *x = ud;
	size_t n = size * nmemb;

	if (n > x->cap || x->body.len > x->cap - n) {
		x->too_large = true;
		return 0; /* aborts the transfer with CURLE_WRITE_ERROR */
	}
	if (!stg_buf_append(&x->body, ptr, n))
		return 0;
	return n;
}

/* Header value after "Name:" with surrounding blanks trimmed, or NULL. */
static const char *
header_value(const char *line, size_t n, const char *name, size_t *vlen)
{
	size_t k = strlen(name);
	const char *v, *e;

	if (n <= k || strncasecmp(line, name, k) != 0 || line[k] != ':')
		return NULL;
	v = line + k + 1;
	e = line + n;
	while (v < e && (*v == ' ' || *v == '\t'))
		v++;
	while (e > v && (e[-1] == '\r' || e[-1] == '\n' || e[-1] == ' ' || e[-1] == '\t'))
		e--;
	*vlen = (size_t)(e - v);
	return v;
}

static size_t
on_header(char *ptr, size_t size, size_t nmemb, void *ud)
{
	struct stg_http_xfer *x = ud;
	size_t n = size * nmemb, vlen;
	const char *v;

	if (n >= 5 && strncmp(ptr, "HTTP/", 5) == 0) {
		/* A new response (e.g. after 100 Continue): forget earlier headers. */
		x->has_total_count = false;
		x->retry_after[0] = '\0';
		return n;
	}
	if ((v = header_value(ptr, n, "X-Total-Count", &vlen)) != NULL) {
		char tmp[32];
		char *end;
		long long t;

		if (vlen > 0 && vlen < sizeof tmp) {
			memcpy(tmp, v, vlen);
			tmp[vlen] = '\0';
			errno = 0;
			t = strtoll(tmp, &end, 10);
			if (errno == 0 && *end == '\0') {
				x->has_total_count = true;
				x->total_count = t;
			}
		}
	} else if ((v = header_value(ptr, n, "Retry-After", &vlen)) != NULL) {
		if (vlen >= sizeof x->retry_after)
			vlen = sizeof x->retry_after - 1;
		memcpy(x->retry_after, v, vlen);
		x->retry_after[vlen] = '\0';
	}
	return n;
}

static bool
add_header(struct stg_http_xfer *x, const char *h)
{
	struct curl_slist *n = curl_slist_append(x->headers, h);

	if (n == NULL)
		return false;
	x->headers = n;
	return true;
}

enum stg_status
stg_http_xfer_setup(struct stg_http_xfer *x, struct stg_client *c, const struct stg_request *req,
		    struct stg_error *err)
{
	return stg_http_xfer_setup_on(x, c, req, NULL, err);
}

enum stg_status
stg_http_xfer_setup_on(struct stg_http_xfer *x, struct stg_client *c,
		       const struct stg_request *req, CURL *easy, struct stg_error *err)
{
	struct stg_buf url;
	bool ok = true;
	CURL *e;

	memset(x, 0, sizeof *x);
	stg_buf_init(&x->body);
	if (easy != NULL) {
		curl_easy_reset(easy);
		x->easy = easy;
	}
	x->start_ms = stg_http_now_ms();
	x->kind = req->kind;
	x->decode_flags = req->has_decode_flags ? req->decode_flags : c->decode_flags;
	x->cap = c->max_response;
	x->key = c->key;
	x->key_len = c->key_len;

	if (c->key != NULL && !c->is_https && !c->is_loopback && !c->allow_insecure_key)
		return stg_error_set(err, STG_ERR_INSECURE,
				     "refusing to send the API key over plain http to a non-loopback "
				     "host; use https:// or allow the insecure key explicitly");
	if (req->target == NULL || req->target[0] != '/')
		return stg_error_set(err, STG_ERR_USAGE, "request has no target path");

	stg_buf_init(&url);
	stg_buf_puts(&url, c->base_url);
	stg_buf_puts(&url, req->target);
	x->url = stg_buf_take(&url);
	if (x->url == NULL)
		return stg_error_set(err, STG_ERR_NOMEM, "out of memory");

	e = x->easy = x->easy != NULL ? x->easy : curl_easy_init();
	if (e == NULL)
		return stg_error_set(err, STG_ERR_TRANSPORT, "could not create a transfer handle");

	ok = ok && curl_easy_setopt(e, CURLOPT_URL, x->url) == CURLE_OK;
	ok = ok && curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L) == CURLE_OK;
	ok = ok && curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https") == CURLE_OK;
	ok = ok && curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https") == CURLE_OK;
	ok = ok && curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L) == CURLE_OK;
	ok = ok && curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, c->connect_timeout_ms) == CURLE_OK;
	ok = ok && curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, c->timeout_ms) == CURLE_OK;
	ok = ok && curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body) == CURLE_OK;
	ok = ok && curl_easy_setopt(e, CURLOPT_WRITEDATA, x) == CURLE_OK;
	ok = ok && curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header) == CURLE_OK;
	ok = ok && curl_easy_setopt(e, CURLOPT_HEADERDATA, x) == CURLE_OK;
	ok = ok && curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->errbuf) == CURLE_OK;
	ok = ok && curl_easy_setopt(e, CURLOPT_USERAGENT, c->user_agent) == CURLE_OK;
	ok = ok && curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)x->cap) == CURLE_OK;
	ok = ok && curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, c->insecure ? 0L : 1L) == CURLE_OK;
	ok = ok && curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, c->insecure ? 0L : 2L) == CURLE_OK;
	ok = ok && curl_easy_setopt(e, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2) == CURLE_OK;
	if (ok && c->ca_file != NULL)
		ok = curl_easy_setopt(e, CURLOPT_CAINFO, c->ca_file) == CURLE_OK;
	if (ok && c->ca_dir != NULL)
		ok = curl_easy_setopt(e, CURLOPT_CAPATH, c->ca_dir) == CURLE_OK;
	/* Never route loopback traffic (and its key) through an environment proxy. */
	if (ok && c->is_loopback)
		ok = curl_easy_setopt(e, CURLOPT_PROXY, "") == CURLE_OK;

	switch (req->method) {
	case STG_METHOD_POST:
		ok = ok && curl_easy_setopt(e, CURLOPT_POST, 1L) == CURLE_OK;
		ok = ok && curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
					    (curl_off_t)(req->body != NULL ? req->body_len : 0)) ==
				   CURLE_OK;
		ok = ok && curl_easy_setopt(e, CURLOPT_COPYPOSTFIELDS,
					    req->body != NULL ? req->body : "") == CURLE_OK;
		break;
	case STG_METHOD_DELETE:
		ok = ok && curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, "DELETE") == CURLE_OK;
		break;
	case STG_METHOD_GET:
		ok = ok && curl_easy_setopt(e, CURLOPT_HTTPGET, 1L) == CURLE_OK;
		break;
	}

	ok = ok && add_header(x, "Accept: application/json");
	ok = ok && add_header(x, "Expect:");
	if (req->method == STG_METHOD_POST)
		ok = ok && add_header(x, "Content-Type: application/json");
	if (c->auth_header != NULL)
		ok = ok && add_header(x, c->auth_header);
	if (req->session_id != NULL) {
		struct stg_buf h;
		char *s;

		stg_buf_init(&h);
		stg_buf_printf(&h, "Stigmem-Session: %s", req->session_id);
		s = stg_buf_take(&h);
		ok = ok && s != NULL && add_header(x, s);
		free(s);
	}
	if (req->verify_full)
		ok = ok && add_header(x, "Stigmem-Verify: full");
	ok = ok && curl_easy_setopt(e, CURLOPT_HTTPHEADER, x->headers) == CURLE_OK;
	if (!ok)
		return stg_error_set(err, STG_ERR_TRANSPORT, "could not configure the transfer");
	return STG_OK;
}

void
stg_http_scrub(char *s, const char *key, size_t key_len)
{
	char *p;

	if (s == NULL || key == NULL || key_len == 0)
		return;
	while ((p = strstr(s, key)) != NULL) {
		size_t rest = strlen(p + key_len);
		if (key_len >= 3) {
			memcpy(p, "***", 3);
			memmove(p + 3, p + key_len, rest + 1);
		} else {
			memset(p, '*', key_len);
		}
	}
}

static enum stg_status
map_curl(struct stg_http_xfer *x, CURLcode rc, struct stg_error *err)
{
	enum stg_status st;
	const char *what = curl_easy_strerror(rc);

	switch (rc) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_CONNECT:
		st = STG_ERR_CONNECT;
		break;
	case CURLE_OPERATION_TIMEDOUT:
		st = STG_ERR_TIMEOUT;
		break;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_SSL_SHUTDOWN_FAILED:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_CLIENTCERT:
	case CURLE_USE_SSL_FAILED:
		st = STG_ERR_TLS;
		break;
	case CURLE_FILESIZE_EXCEEDED:
		st = STG_ERR_TOO_LARGE;
		break;
	case CURLE_WRITE_ERROR:
		st = x->too_large ? STG_ERR_TOO_LARGE : x->body.oom ? STG_ERR_NOMEM : STG_ERR_TRANSPORT;
		break;
	case CURLE_OUT_OF_MEMORY:
		st = STG_ERR_NOMEM;
		break;
	default:
		st = STG_ERR_TRANSPORT;
		break;
	}
	if (st == STG_ERR_TOO_LARGE)
		return stg_error_set(err, st, "response larger than the %zu-byte cap; transfer aborted",
				     x->cap);
	if (x->errbuf[0] != '\0')
		return stg_error_set(err, st, "%s: %s", what, x->errbuf);
	return stg_error_set(err, st, "%s", what);
}

static bool
parse_retry_after(const char *s, double *out)
{
	char *end;
	double v;

	if (s == NULL || s[0] == '\0')
		return false;
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || v < 0)
		return false;
	*out = v;
	return true;
}

enum stg_status
stg_http_decode(enum stg_decoder_kind kind, unsigned flags, const char *body, size_t len,
		struct stg_arena *arena, void **out, struct stg_error *err)
{
	enum stg_status st;

	*out = NULL;
#define DEC(k, name, type)                                                             \
	case k: {                                                                      \
		type *v = NULL;                                                        \
		st = stg_decode_##name(body, len, flags, arena, &v, err);              \
		*out = v;                                                              \
		return st;                                                             \
	}
	switch (kind) {
	case STG_KIND_NONE:
	case STG_KIND_COUNT:
		return STG_OK;
	DEC(STG_KIND_FACT, fact, struct stg_fact)
	DEC(STG_KIND_FACT_PAGE, fact_page, struct stg_fact_page)
	DEC(STG_KIND_NODE_INFO, node_info, struct stg_node_info)
	DEC(STG_KIND_ME, me, struct stg_me)
	DEC(STG_KIND_HEALTH, health, struct stg_health)
	DEC(STG_KIND_PEER_LIST, peer_list, struct stg_peer_list)
	DEC(STG_KIND_CONFLICT_PAGE, conflict_page, struct stg_conflict_page)
	DEC(STG_KIND_RESOLUTION, resolution, struct stg_resolution)
	DEC(STG_KIND_RECALL, recall_response, struct stg_recall_response)
	DEC(STG_KIND_CARD, card, struct stg_card)
	DEC(STG_KIND_PROVENANCE, provenance, struct stg_provenance)
	DEC(STG_KIND_VERIFY_CID, verify_cid, struct stg_verify_cid_result)
	DEC(STG_KIND_NEIGHBORS, neighbors, struct stg_neighbors)
	DEC(STG_KIND_AUDIT_PAGE, audit_page, struct stg_audit_page)
	DEC(STG_KIND_SUBSCRIPTION, subscription, struct stg_subscription)
	DEC(STG_KIND_SUBSCRIPTION_LIST, subscription_list, struct stg_subscription_list)
	DEC(STG_KIND_EVENT_PAGE, event_page, struct stg_event_page)
	DEC(STG_KIND_API_KEY_INFO, api_key_info, struct stg_api_key_info)
	}
#undef DEC
	return stg_error_set(err, STG_ERR_USAGE, "unknown decoder kind");
}

enum stg_status
stg_http_xfer_finish(struct stg_http_xfer *x, CURLcode rc, struct stg_arena *arena, void **out,
		     struct stg_call_info *info, struct stg_error *err)
{
	struct stg_error local;
	enum stg_status st;
	long code = 0;
	double retry = 0;
	bool has_retry;
	void *value = NULL;

	if (err == NULL)
		err = &local;
	stg_error_clear(err);
	if (out != NULL)
		*out = NULL;
	if (x->easy != NULL)
		curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &code);
	has_retry = parse_retry_after(x->retry_after, &retry);
	if (info != NULL) {
		memset(info, 0, sizeof *info);
		info->http_status = code;
		info->latency_ms = stg_http_now_ms() - x->start_ms;
		info->has_total_count = x->has_total_count;
		info->total_count = x->total_count;
		info->has_retry_after = has_retry;
		info->retry_after = retry;
		if (arena != NULL && x->body.data != NULL && !x->body.oom) {
			info->body = stg_arena_strndup(arena, x->body.data, x->body.len);
			info->body_len = info->body != NULL ? x->body.len : 0;
		}
	}

	if (rc != CURLE_OK) {
		st = map_curl(x, rc, err);
		err->http_status = code;
	} else if (code >= 400 || code < 200) {
		stg_decode_error_body(code, x->body.data != NULL ? x->body.data : "", x->body.len,
				      x->retry_after[0] != '\0' ? x->retry_after : NULL, err);
		if (err->status == STG_OK) /* defensive: never report success for an error code */
			err->status = code >= 400 ? stg_status_from_http(code) : STG_ERR_HTTP;
		if (err->status == STG_ERR_RATE_LIMITED && err->retry_after <= 0 && has_retry)
			err->retry_after = retry;
		err->http_status = code;
		st = err->status;
	} else if (code >= 300) {
		st = stg_error_set(err, STG_ERR_HTTP, "HTTP %ld redirect not followed", code);
		err->http_status = code;
	} else if (arena == NULL && x->kind != STG_KIND_NONE) {
		st = stg_error_set(err, STG_ERR_USAGE, "no arena for the decoded response");
	} else {
		st = stg_http_decode(x->kind, x->decode_flags,
				     x->body.data != NULL ? x->body.data : "", x->body.len, arena,
				     &value, err);
		if (st != STG_OK) {
			if (err->status == STG_OK)
				err->status = st;
			err->http_status = code;
			value = NULL;
		} else if (out != NULL) {
			*out = value;
		}
	}
	if (st != STG_OK) {
		stg_http_scrub(err->detail, x->key, x->key_len);
		stg_http_scrub(err->code, x->key, x->key_len);
		stg_http_scrub(err->where, x->key, x->key_len);
	}
	return st;
}

void
stg_http_xfer_done(struct stg_http_xfer *x)
{
	struct curl_slist *h;

	if (x->easy != NULL)
		curl_easy_cleanup(x->easy);
	/* The header list holds a copy of the key: wipe before freeing. */
	for (h = x->headers; h != NULL; h = h->next)
		if (h->data != NULL)
			explicit_bzero(h->data, strlen(h->data));
	curl_slist_free_all(x->headers);
	free(x->url);
	stg_buf_done(&x->body);
	x->easy = NULL;
	x->headers = NULL;
	x->url = NULL;
}
