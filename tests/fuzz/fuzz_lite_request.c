/* fuzz_lite_request.c — libFuzzer target: arbitrary request bodies and
 * query strings against a running stigmem-lite over real HTTP.
 *
 * The first input byte picks a route, the rest is the POST body (sent as
 * is) or the query string / path segment (bytes outside a safe set are
 * percent-encoded, so '&' and '=' still split parameters and '%' escapes,
 * broken ones included, reach the node). Nothing
 * malformed may crash the node, make it drop the connection, or answer
 * 500: any of these aborts the run with the input saved. The node lives
 * for the whole run (in-memory database, no delivery, no quotas), so inputs
 * also meet the state earlier ones left behind. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "node/lite.h"
#include "stigmem/buf.h"

static struct lite_node *node;
static CURL *h;
static char base[64];

static const struct {
	const char *method, *path;
	int tail;                    /* 0 = body, 1 = query string, 2 = path segment */
} routes[] = {
	{"POST", "/v1/facts", 0},
	{"POST", "/v1/recall", 0},
	{"POST", "/v1/subscriptions", 0},
	{"POST", "/v1/conflicts/stigmem:conflict:00000000-0000-0000-0000-000000000000/resolve", 0},
	{"POST", "/v1/auth/keys", 0},
	{"POST", "/v1/facts/00000000-0000-0000-0000-000000000000/verify-cid", 0},
	{"GET", "/v1/facts?", 1},
	{"GET", "/v1/entities/resolve?", 1},
	{"GET", "/v1/graph/neighbors?", 1},
	{"GET", "/v1/conflicts?", 1},
	{"GET", "/v1/audit?", 1},
	{"GET", "/v1/scopes/team/synthesize?", 1},
	{"GET", "/v1/cards/", 2},
	{"GET", "/v1/facts/", 2},
};
#define N_ROUTES (sizeof routes / sizeof routes[0])

static size_t
sink(char *p, size_t sz, size_t n, void *ud)
{
	(void)p;
	(void)ud;
	return sz * n;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	char err[256];
	struct lite_options o;
	curl_global_init(CURL_GLOBAL_ALL);
	lite_options_init(&o);
	o.port = 0;
	o.db_path = ":memory:";
	o.tl_path = "/dev/null";
	o.quiet = true;
	o.delivery_interval_ms = 0;
	o.quota_read_per_hour = 0;
	o.quota_write_per_hour = 0;
	o.checkpoint_interval = 50;
	node = lite_node_start(&o, err, sizeof err);
	if (!node) {
		fprintf(stderr, "fuzz_lite_request: node: %s\n", err);
		abort();
	}
	snprintf(base, sizeof base, "http://127.0.0.1:%d", lite_node_port(node));
	h = curl_easy_init();
	if (!h)
		abort();
	return 0;
}

/* Append d[0..n) with bytes outside `keep` percent-encoded. */
static void
encode(struct stg_buf *b, const uint8_t *d, size_t n, const char *keep)
{
	for (size_t i = 0; i < n; i++) {
		unsigned c = d[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    (c && strchr(keep, (int)c)))
			stg_buf_putc(b, (char)c);
		else
			stg_buf_printf(b, "%%%02X", c);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t r = data[0] % N_ROUTES;
	const uint8_t *rest = data + 1;
	size_t n = size - 1;
	struct stg_buf url;
	stg_buf_init(&url);
	stg_buf_puts(&url, base);
	stg_buf_puts(&url, routes[r].path);
	if (routes[r].tail == 1)
		encode(&url, rest, n, "-._~&=:/%+"); /* '%' kept: broken escapes are inputs too */
	else if (routes[r].tail == 2)
		encode(&url, rest, n, "-._~:");
	char *u = stg_buf_take(&url);
	if (!u)
		return 0;
	struct curl_slist *hd = curl_slist_append(NULL, "Content-Type: application/json");
	hd = curl_slist_append(hd, "Expect:");
	curl_easy_reset(h);
	curl_easy_setopt(h, CURLOPT_URL, u);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hd);
	if (routes[r].tail == 0) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)n);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, n ? (const char *)rest : "");
	}
	CURLcode rc = curl_easy_perform(h);
	long code = 0;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	curl_slist_free_all(hd);
	/* 501 (as_of: no time-travel plugin) is a documented answer; 500 never is. */
	if (rc != CURLE_OK || code == 0 || code == 500) {
		fprintf(stderr, "fuzz_lite_request: %s %s -> curl %d, HTTP %ld\n", routes[r].method,
			u, (int)rc, code);
		free(u);
		abort();
	}
	free(u);
	return 0;
}
