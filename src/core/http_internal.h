/* core/http_internal.h — shared internals of the client (client.c,
 * request.c, http.c, async.c, url.c). Not installed; tests may include it. */
#ifndef STIGMEM_CORE_HTTP_INTERNAL_H
#define STIGMEM_CORE_HTTP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <curl/curl.h>
#include <pthread.h>

#include "stigmem/arena.h"
#include "stigmem/buf.h"
#include "stigmem/client.h"
#include "stigmem/status.h"

/* ---- url.c -------------------------------------------------------------- */

/* Append s percent-encoded for a path segment or query value: RFC 3986
 * unreserved bytes (ALPHA DIGIT - . _ ~) are kept, every other byte
 * becomes %XX (upper-case hex), so '+' -> %2B, ' ' -> %20, ':' -> %3A,
 * '/' -> %2F, '|' -> %7C, UTF-8 bytes one by one. False on OOM. */
bool stg_url_encode(struct stg_buf *b, const char *s);

/* Host part of an http(s) URL copied into host[cap] (IPv6 without
 * brackets, lower-cased); scheme into *is_https. False when the URL is not
 * http:// or https:// with a non-empty host, or the host does not fit. */
bool stg_url_split(const char *url, bool *is_https, char *host, size_t cap);

/* true for "localhost" (optionally with a trailing dot), IPv4 127.0.0.0/8,
 * IPv6 ::1 and IPv4-mapped ::ffff:127.x.y.z. Host as from stg_url_split(). */
bool stg_url_host_is_loopback(const char *host);

/* Query-string builder: appends "?k=v" / "&k=v" with k and v encoded. */
struct stg_query {
	struct stg_buf *b;
	bool any;
};
void stg_query_str(struct stg_query *q, const char *key, const char *val);   /* NULL val: skipped */
void stg_query_int(struct stg_query *q, const char *key, long long val);
void stg_query_double(struct stg_query *q, const char *key, double val);
void stg_query_bool(struct stg_query *q, const char *key, bool val);
void stg_query_opt_bool(struct stg_query *q, const char *key, enum stg_opt_bool v); /* UNSET skipped */

/* Shortest text of a double that reads back exactly, with ".0" added to
 * integral values ("1.0", "0.35", "1e-05"); false for NaN/Inf. */
bool stg_format_double(double x, char *out, size_t cap);

/* ---- request.c ---------------------------------------------------------- */

struct stg_request {
	enum stg_method method;
	char *target;                  /* path + encoded query, starts with '/' */
	char *body;                    /* JSON or NULL */
	size_t body_len;
	char *session_id;              /* Stigmem-Session or NULL */
	bool verify_full;              /* Stigmem-Verify: full */
	enum stg_decoder_kind kind;
	bool has_decode_flags;
	unsigned decode_flags;
};

/* ---- client.c ------------------------------------------------------------ */

struct stg_client {
	char *base_url;                /* no trailing '/' */
	char *auth_header;             /* "Authorization: Bearer <key>" or NULL; wiped on free */
	size_t auth_header_len;
	const char *key;               /* points into auth_header (the key text) */
	size_t key_len;
	long connect_timeout_ms;
	long timeout_ms;
	char *ca_file;
	char *ca_dir;
	bool insecure;
	bool allow_insecure_key;
	bool is_https;
	bool is_loopback;
	size_t max_response;
	char *user_agent;
	unsigned decode_flags;
	/* Connection cache shared by the blocking calls (keep-alive across
	 * calls); one lock per kind of shared data (libcurl may hold one kind
	 * while taking another), so blocking calls may still run from several
	 * threads at once. NULL when it could not be set up. The async engine
	 * keeps its own cache in its multi handle. */
	CURLSH *share;
	pthread_mutex_t share_lock[CURL_LOCK_DATA_LAST];
	bool share_lock_ok;
	/* One easy handle kept between blocking calls (reset before reuse and
	 * when put back), so that a call does not build libcurl's per-handle
	 * machinery again (curl_easy_perform's own multi handle and its
	 * wake-up socket pair: a third of a loopback call's CPU). Taken with
	 * a trylock; a concurrent call makes its own handle. */
	CURL *idle_easy;
	pthread_mutex_t idle_lock;
	bool idle_lock_ok;
};

/* ---- http.c ---------------------------------------------------------------- */

/* One transfer: an easy handle configured from a client and a request,
 * plus what the callbacks collected. Embedded; stg_http_xfer_done() frees. */
struct stg_http_xfer {
	CURL *easy;
	struct curl_slist *headers;
	char *url;
	struct stg_buf body;
	size_t cap;
	bool too_large;
	long http_status;              /* from the last status line seen */
	bool has_total_count;
	long long total_count;
	char retry_after[64];          /* Retry-After header text, "" when absent */
	enum stg_decoder_kind kind;
	unsigned decode_flags;
	const char *key;               /* borrowed from the client, for scrubbing */
	size_t key_len;
	double start_ms;               /* monotonic clock at setup */
	char errbuf[CURL_ERROR_SIZE];
};

/* Monotonic clock in milliseconds. */
double stg_http_now_ms(void);

/* Prepare x for `req` on `c` (both borrowed; c must outlive x). Fails with
 * STG_ERR_INSECURE (key over plain http to a non-loopback host; no handle
 * is created), STG_ERR_NOMEM or STG_ERR_TRANSPORT. On failure x is still
 * safe to pass to stg_http_xfer_done(). */
enum stg_status stg_http_xfer_setup(struct stg_http_xfer *x, struct stg_client *c,
				    const struct stg_request *req, struct stg_error *err);
/* The same on `easy` (a handle of the caller's, reset here; owned by x
 * from now on, as if x had created it), or on a new handle when NULL. */
enum stg_status stg_http_xfer_setup_on(struct stg_http_xfer *x, struct stg_client *c,
				       const struct stg_request *req, CURL *easy,
				       struct stg_error *err);

/* The common finish path: map the curl result and HTTP status, copy the
 * raw body into `arena` for info (when info != NULL), decode 2xx bodies
 * with x->kind into *out, render error bodies. Never leaks the key into err. */
enum stg_status stg_http_xfer_finish(struct stg_http_xfer *x, CURLcode rc,
				     struct stg_arena *arena, void **out,
				     struct stg_call_info *info, struct stg_error *err);

/* Free the handle, header list and buffers. Safe on a zeroed or failed x. */
void stg_http_xfer_done(struct stg_http_xfer *x);

/* Run the codec.h decoder of `kind` on body; *out = model or NULL. */
enum stg_status stg_http_decode(enum stg_decoder_kind kind, unsigned flags, const char *body,
				size_t len, struct stg_arena *arena, void **out,
				struct stg_error *err);

/* Replace every occurrence of key[0..key_len) in s with "***" (in place). */
void stg_http_scrub(char *s, const char *key, size_t key_len);

#endif
