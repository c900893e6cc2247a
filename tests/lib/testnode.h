/* tests/lib/testnode.h — stigmem-lite started in-process on 127.0.0.1:0 and
 * real HTTP requests to it over libcurl, for the test_lite_* suites.
 *
 * Two ways to start a node:
 *   - tst_start(): a node over a database file named in the current
 *     directory, options as the caller sets them; stop with lite_node_stop().
 *   - struct tst_node + tst_node_start()/tst_node_stop(): a node in its own
 *     scratch directory (mkdtemp "lite-XXXXXX" below the current directory)
 *     with the checkpoint policy and optional bootstrap admin key.
 *
 * Failure: functions documented as "fails the test" call cmocka's
 * fail_msg()/assert_*(); call them only from a running cmocka test, setup or
 * teardown.
 *
 * Ownership: a struct tst_resp owns its body, header block and parsed JSON
 * until tst_resp_free(); strings passed in are borrowed for the call. */
#ifndef STIGMEM_TESTS_TESTNODE_H
#define STIGMEM_TESTS_TESTNODE_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>

#include "node/lite.h"
#include "stigmem/buf.h"

/* One HTTP exchange. */
struct tst_resp {
	long status;                 /* HTTP status, 0 when nothing came back */
	CURLcode rc;                 /* transport result */
	struct stg_buf body;         /* raw body (data NULL when empty) */
	struct stg_buf headers;      /* raw response header block, as received */
	cJSON *json;                 /* parsed body, NULL when empty or not JSON */
	char total_count[32];        /* digits of X-Total-Count, "" when absent */
};

/* Release what r owns and zero it (a zeroed r is fine). */
void tst_resp_free(struct tst_resp *r);

/* One request to http://127.0.0.1:<port><path> (the path is sent as is).
 * body may be NULL; with a body, "Content-Type: application/json" is sent.
 * hdrs: NULL-terminated list of extra "Name: value" lines, or NULL. Never
 * fails the test: transport errors show in .rc. Free with tst_resp_free(). */
struct tst_resp tst_req(int port, const char *method, const char *path, const char *body,
			const char *const *hdrs);
/* tst_req on the caller's handle c (from curl_easy_init(), cleaned up by
 * the caller), so consecutive calls reuse one keep-alive connection, as
 * the SDK does. */
struct tst_resp tst_req_keep(CURL *c, int port, const char *method, const char *path,
			     const char *body, const char *const *hdrs);
/* tst_req(port, "GET", path, NULL, NULL). */
struct tst_resp tst_get(int port, const char *path);
/* tst_req(port, "POST", path, body, NULL). */
struct tst_resp tst_post(int port, const char *path, const char *body);

/* Value of response header `name` (case-insensitive), copied into
 * out[cap] (truncated); false when absent. */
bool tst_header(const struct tst_resp *r, const char *name, char *out, size_t cap);

/* printf into buf[cap] (caller's storage); returns buf. */
const char *tst_fmt(char *buf, size_t cap, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Start a node on 127.0.0.1:0 over database file `db` in the current
 * directory (db, db-wal and db-shm are removed first; the transparency log
 * is "<db>.tl.jsonl", also removed, unless o_in names another one than the
 * default). o_in (borrowed, may be NULL for defaults) gives the other
 * options; host, port and quiet are forced. NULL (message on stderr) on
 * failure. The caller stops it with lite_node_stop(). */
struct lite_node *tst_start(const char *db, const struct lite_options *o_in);

/* A node in its own scratch directory. Embedded; zero it before the first
 * tst_node_start(). */
struct tst_node {
	struct lite_node *node;      /* owned; NULL when stopped */
	char dir[256];               /* scratch directory of this node */
	char db[320];                /* <dir>/node.db */
	char tl[320];                /* <dir>/tl.jsonl */
	int port;
	const char *bootstrap_key;   /* borrowed; set => auth required with this admin key */
};

/* Fill t->db and t->tl from t->dir. */
void tst_node_paths(struct tst_node *t);
/* Start t's node: creates t->dir when empty (else reuses it, e.g. for a
 * restart over the same files), checkpoint every `interval` facts or
 * `max_age` seconds. Fails the test when the node does not start. */
void tst_node_start(struct tst_node *t, long interval, long max_age);
/* Stop t's node (keeps its directory and files). */
void tst_node_stop(struct tst_node *t);

/* One request to t's node and fill r (release with tst_resp_free()). hdr:
 * extra header lines separated by '\n', or NULL. Fails the test on a
 * transport error. */
void tst_http(const struct tst_node *t, const char *method, const char *path, const char *body,
	      const char *hdr, struct tst_resp *r);

/* POST /v1/facts with `json`; fails the test unless 201. The new fact id
 * is copied into out (when not NULL). */
void tst_post_fact(const struct tst_node *t, const char *json, char out[64]);

/* Replay the fact writes of the recorded seed-requests.json (steps <= upto)
 * against t, substituting ${fact:<ref>} with the ids seen so far. Returns an
 * object ref -> fact id (caller cJSON_Delete()s). Fails the test on error. */
cJSON *tst_replay_seed(const struct tst_node *t, int upto);

/* Zero t, start it (tst_node_start with interval and max_age) and replay
 * the seed writes up to step `upto` (tst_replay_seed). Returns the ref -> id
 * object (caller cJSON_Delete()s); stop t with tst_node_stop(). Fails the
 * test on error. */
cJSON *tst_node_start_seeded(struct tst_node *t, long interval, long max_age, int upto);

#endif
