/* lite_internal.h — the contract between the files of stigmem-lite.
 *
 * Threading and locking rule: one event-loop thread (server.c) runs
 * libmicrohttpd and every route handler; it holds node->lock while it
 * processes a round of ready connections, so handlers, and everything they
 * call, run single-threaded with exclusive use of node->db and never lock
 * themselves. The dataset loader runs before the loop starts, or
 * (load_in_background) on its own thread holding the lock for the whole
 * load; a handler that runs first waits on load_cond. Write transactions:
 * lite_tx_begin()/lite_tx_commit()/lite_tx_rollback() (BEGIN IMMEDIATE;
 * nesting is counted, only the outermost commits). A 201 is sent only after
 * the outermost COMMIT.
 *
 * Group commit: the POST /v1/facts requests read in one round of the event
 * loop share one SQLite transaction. server.c sets node->batch_req for such
 * a request; lite_tx_begin() then opens (or joins) the batch transaction and
 * wraps the request's own work in SAVEPOINT lite_req, so a failing request
 * rolls back only itself. A request that wrote into the batch is parked
 * (its connection suspended, its response kept) until the batch commits:
 * at the end of the round (or of the group-commit wait, see batch_wait in
 * server.c), before any other route runs (so reads never see
 * unacknowledged writes), or at LITE_BATCH_MAX members
 * (lite_batch_commit). Then the parked requests are answered, all with 500
 * if that COMMIT failed. A lone writer (no other connection writing) is
 * committed and answered at once, without parking.
 *
 * JSON: responses are cJSON trees handed to the lite_resp_* helpers which
 * take ownership. Floats are written Python-style ("1.0", "0.28") through
 * lite_json_float() (a cJSON raw item); integers through cJSON numbers.
 *
 * Route handlers owned by other files (implemented there, dispatched from
 * server.c):  lite_route_recall, lite_route_card, lite_route_neighbors.
 * Hooks owned by other files: lite_chain_schema, lite_chain_on_insert,
 * lite_card_schema, lite_card_mark_stale. */
#ifndef STIGMEM_LITE_INTERNAL_H
#define STIGMEM_LITE_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>
#include <sqlite3.h>

#include "node/lite.h"
#include "stigmem/buf.h"

#define LITE_SCHEMA_VERSION 4
#define LITE_ID_MAX 48       /* a fact id: uuid4 (36) + NUL, with room */
#define LITE_CONFLICT_ID_MAX 64
#define LITE_TS_MAX 40       /* "YYYY-MM-DDTHH:MM:SS.ffffff+00:00" + NUL */
#define LITE_HLC_MAX 40
#define LITE_URI_MAX 512
#define LITE_TENANT_MAX 64

/* Permission bits of a principal (§2). */
enum {
	LITE_PERM_READ = 1u << 0,
	LITE_PERM_WRITE = 1u << 1,
	LITE_PERM_FEDERATE = 1u << 2,
	LITE_PERM_ADMIN = 1u << 3,
	LITE_PERM_INSTRUCTION_WRITE = 1u << 4,
	LITE_PERM_ADMIN_FEDERATION = 1u << 5,
	LITE_PERM_AUDIT_READ = 1u << 6
};

/* The authenticated caller of a request. anon:trusted when auth is none
 * and no valid key was sent. */
struct lite_principal {
	char entity_uri[LITE_URI_MAX];
	char tenant_id[LITE_TENANT_MAX];
	unsigned perms;              /* LITE_PERM_* bits */
	bool anonymous;
};

/* The node. Fields are read freely by node files; only store.c/server.c
 * write them (except through the documented functions). */
struct lite_node {
	sqlite3 *db;                 /* the one connection; use only under `lock` */
	pthread_mutex_t lock;        /* see the locking rule above */
	/* Background dataset load (opt.load_in_background): the loader
	 * thread holds `lock` while it loads; requests that got the lock
	 * first wait on load_cond while `loading`. */
	bool loading;
	bool loader_started;
	pthread_t loader;
	pthread_cond_t load_cond;
	char load_error[160];        /* non-empty: the load failed; requests get 503 */
	struct lite_options opt;     /* copy; strings below are owned copies */
	char *host, *db_path, *tl_path, *peers_file, *node_url;
	char *bootstrap_entity;
	bool auth_required;          /* resolved auth mode */
	char node_id[80];            /* "stigmem:node:<uuid4>", persisted in the db */
	char tenant_id[LITE_TENANT_MAX]; /* default tenant: "default" */
	long checkpoint_interval;    /* --checkpoint-interval (default 1000) */
	long checkpoint_max_age_s;   /* --checkpoint-max-age (default 60) */
	unsigned char key_salt[32];  /* node-wide salt for API key hashes (persisted) */
	int tx_depth;                /* nesting of lite_tx_begin */
	char last_ts[LITE_TS_MAX];   /* last timestamp handed out (monotonic) */
	long long hlc_wall, hlc_counter; /* last HLC */
	uint64_t rng;                /* xorshift state for fault rates (under lock) */
	int port;                    /* bound port */
	void *daemon;                /* struct MHD_Daemon * */
	void *chain_state;           /* free for chain.c (owned there; NULL at start) */
	void *card_state;            /* free for card.c */
	void *recall_state;          /* free for recall.c */
	struct {
		const char *sql;     /* key (pointer to the literal) */
		sqlite3_stmt *st;
	} stmt_cache[128];           /* see lite_stmt() */
	int n_stmt_cache;
	/* Group commit (see the top of this file); all under `lock`. */
	bool batch_req;              /* the running handler may join the batch */
	bool batch_open;             /* the batch transaction is open */
	bool fts_ready;              /* schema v3 in place: index lazily */
	long fts_pending;            /* facts inserted since the last index sync
				      * (an upper bound: rollbacks keep it) */
	bool batch_joined;           /* the running handler wrote into the batch */
	void *loop;                  /* server.c's event-loop state (owned there) */
	void *session_state;         /* session.c's table (NULL at start; lite_session_free) */
	void *quota_state;           /* quota.c's buckets (NULL at start; lite_quota_free) */
	void *delivery_state;        /* delivery.c's thread (NULL when not running) */
};

/* walvfs.c: the name of the VFS that writes each WAL commit in one
 * system call (registered on first use), or NULL when it could not be
 * registered (then open with the default VFS). */
#define LITE_WALVFS_NAME "stigmem-lite-wal"
const char *lite_walvfs(void);

/* Most requests answered by one group COMMIT. */
#define LITE_BATCH_MAX 64
/* How long an open batch may wait for the next assert of a connection that
 * just had one answered (see batch_wait in server.c): at most
 * LITE_GROUP_WAIT_US after its first member and LITE_GROUP_GAP_US after its
 * latest; and how long such a connection counts as coming back. Measured
 * with bench_node, 8 keep-alive clients: no wait 3.9 asserts per commit,
 * 5,100-5,900/s; these values 7.9-8.0 per commit, 7,500-8,000/s. */
#define LITE_GROUP_WAIT_US 1000
#define LITE_GROUP_GAP_US 200
#define LITE_WRITER_BACK_US 2000
/* Facts that may wait for the lexical index before a commit indexes them. */
#define LITE_FTS_LAG 256

/* ---- request / response ------------------------------------------------ */

#define LITE_MAX_SEGS 16

/* One request as handed to a route handler. All strings are borrowed and
 * live until the handler returns. */
struct lite_req {
	struct lite_node *node;
	const char *method;           /* "GET", "POST", ... */
	const char *path;             /* percent-decoded path, e.g. "/v1/cards/stigmem://a/b/c" */
	char *seg[LITE_MAX_SEGS];     /* percent-decoded segments of the path ("v1","facts",...) */
	size_t n_seg;
	const char *body;             /* request body, NUL-terminated (NULL when empty) */
	size_t body_len;
	struct lite_principal who;    /* authenticated caller */
	void *conn;                   /* struct MHD_Connection * (server.c only) */
};

/* Decoded query-string value of `name`, or NULL when absent. Borrowed. */
const char *lite_req_query(const struct lite_req *rq, const char *name);
/* Request header value (case-insensitive name), or NULL. Borrowed. */
const char *lite_req_header(const struct lite_req *rq, const char *name);

#define LITE_MAX_HDRS 8

/* A response under construction. Initialised by server.c; handlers fill it
 * via the helpers. body is owned by the response. */
struct lite_resp {
	int status;
	struct stg_buf body;
	const char *content_type;     /* static string; default "application/json" */
	char *hdr_name[LITE_MAX_HDRS];  /* owned */
	char *hdr_value[LITE_MAX_HDRS]; /* owned */
	int n_hdr;
};

/* Route handler: fill `rs` (status + body). Always returns 0; an internal
 * failure is reported with lite_resp_internal(). */
typedef int (*lite_handler)(struct lite_req *rq, struct lite_resp *rs);

/* Add a response header (copied). */
void lite_resp_header(struct lite_resp *rs, const char *name, const char *value);
/* Respond with JSON: takes ownership of `json` (freed here). */
void lite_resp_json(struct lite_resp *rs, int status, cJSON *json);
/* {"detail": "<msg>"} */
void lite_resp_detail(struct lite_resp *rs, int status, const char *msg);
/* {"detail": {"code": code, "message": message, ...extra members}}; takes
 * ownership of `extra` (an object whose members are moved in; may be NULL). */
void lite_resp_detail_code(struct lite_resp *rs, int status, const char *code,
			   const char *message, cJSON *extra);
/* 422 {"detail": items}; takes ownership of the array `items`. */
void lite_resp_422(struct lite_resp *rs, cJSON *items);
/* 413 {"detail":"request body too large"}. */
void lite_resp_413(struct lite_resp *rs);
/* 500 text/plain "Internal Server Error" (plus a log line with `why`). Use
 * only for real internal failures (SQLite I/O, OOM), never for bad input. */
void lite_resp_internal(struct lite_resp *rs, const char *why);
/* 404 {"detail":"Not Found"} / 405 {"detail":"Method Not Allowed"} + Allow. */
void lite_resp_not_found(struct lite_resp *rs);
void lite_resp_method(struct lite_resp *rs, const char *allow);

/* Append one FastAPI-shaped validation item to `items`:
 * {"type","loc":[loc0, loc1...],"msg","input","ctx"?}. loc1 (and loc2) may
 * be NULL; loc_index >= 0 appends an integer location instead of loc1 when
 * loc1 is NULL. Takes ownership of input and ctx (either may be NULL:
 * input NULL => JSON null; ctx NULL => no "ctx" key). */
void lite_verr_add(cJSON *items, const char *type, const char *loc0, const char *loc1,
		   const char *loc2, int loc_index, const char *msg, cJSON *input, cJSON *ctx);

/* Permission guard: true when `who` holds `perm`; otherwise fills a 403
 * {"detail":"<name> permission required"} and returns false. */
bool lite_require(struct lite_req *rq, struct lite_resp *rs, unsigned perm, const char *name);

/* Query parameter parsers. Absent => *out = def and true. Malformed or out
 * of range => a 422 item like FastAPI's (loc ["query", name]) in rs and
 * false. Booleans accept true/false/1/0/yes/no/on/off. */
bool lite_query_int(struct lite_req *rq, struct lite_resp *rs, const char *name, long def,
		    long min, long max, long *out);
bool lite_query_float(struct lite_req *rq, struct lite_resp *rs, const char *name, double def,
		      double min, double max, double *out);
bool lite_query_bool(struct lite_req *rq, struct lite_resp *rs, const char *name, bool def,
		     bool *out);

/* Parse the request body as a JSON object. On failure fills rs with the
 * FastAPI 422 (json_invalid with char offset, or model_attributes_type for
 * a non-object) and returns NULL. Caller owns the returned tree. */
cJSON *lite_req_json_object(struct lite_req *rq, struct lite_resp *rs);

/* Parse JSON text (n bytes). Number items written as integer literals (no
 * '.', 'e', 'E') carry their exact decimal text in `valuestring`, so the
 * write-side encoding keeps "42" and "9007199254740993" (§3.2). Returns
 * NULL on a syntax error with the byte offset in *err_off. The tree is
 * freed with cJSON_Delete as usual. */
cJSON *lite_json_parse_marked(const char *s, size_t n, size_t *err_off);
/* Drop the integer-literal texts (optional). */
void lite_json_unmark(cJSON *j);

/* Unpadded base64url of n bytes appended to out / decoded from s (false on
 * a character outside the alphabet). For opaque cursors. */
void lite_b64url_encode(const char *s, size_t n, struct stg_buf *out);
bool lite_b64url_decode(const char *s, struct stg_buf *out);

/* A Python-style float as a cJSON raw number ("1.0", "1e-05"); NaN/Inf =>
 * JSON null. Caller owns the item (add it to a tree). */
cJSON *lite_json_float(double x);
/* Add helpers (NULL string => JSON null). */
void lite_json_add_str(cJSON *obj, const char *key, const char *s);
void lite_json_add_float(cJSON *obj, const char *key, double x);

/* ---- facts ------------------------------------------------------------- */

/* Column list matching lite_fact_row_load(); use as
 * "SELECT " LITE_FACT_COLS " FROM facts WHERE ...". */
#define LITE_FACT_COLS                                                            \
	"facts.seq, facts.id, facts.entity, facts.relation, facts.value_type, "      \
	"facts.value_v, facts.interpret_as, facts.source, facts.timestamp, "         \
	"facts.hlc, facts.received_from, facts.valid_until, facts.confidence, "      \
	"facts.scope, facts.attested_key_id, facts.garden_id, facts.cid, "           \
	"facts.derived_from, facts.tenant_id"

/* One stored fact. Strings are borrowed (from a sqlite3 statement or from
 * the writer) and valid until the statement steps again / is finalized.
 * value_v may hold U+0000 (value_v_len). NULL = SQL NULL. */
struct lite_fact_row {
	sqlite3_int64 seq;           /* rowid; chain/insert order */
	const char *id;
	const char *entity, *relation, *value_type;
	const char *value_v;
	size_t value_v_len;
	const char *interpret_as;    /* "content" | "instruction" */
	const char *source, *timestamp, *hlc, *received_from, *valid_until;
	double confidence;
	const char *scope;
	const char *attested_key_id, *garden_id, *cid;
	const char *derived_from;    /* JSON array text as written ("[]" default) */
	const char *tenant_id;
};

/* Fill `row` from the current row of a statement that selected
 * LITE_FACT_COLS starting at column `col0`. */
void lite_fact_row_load(sqlite3_stmt *st, int col0, struct lite_fact_row *row);

/* Load one fact by UUID id, in tenant (NULL = any). Returns 1 found, 0 not
 * found, -1 SQL error. *st_out is the statement holding the row's strings:
 * sqlite3_finalize() it when done with `row`. */
int lite_fact_get(struct lite_node *n, const char *id, const char *tenant,
		  struct lite_fact_row *row, sqlite3_stmt **st_out);

/* FactRecord writer options (§3.1). */
enum {
	LITE_FJ_READ = 1u << 0,       /* read pipeline: sanitize value (§3.3), fill source_trust/effective_confidence */
	LITE_FJ_CONTRADICTED = 1u << 1 /* "contradicted": true */
};

/* Build the FactRecord JSON of `row` (all keys always present). `warnings`
 * may be NULL (=> []); takes ownership of it when non-NULL. Caller owns
 * the result. */
cJSON *lite_fact_json(struct lite_node *n, const struct lite_fact_row *row, unsigned flags,
		      cJSON *warnings);

/* Decode a stored (value_type, value_v) into the wire "v" (number => float,
 * boolean => bool, null => null; read pipeline blanking is NOT applied). */
cJSON *lite_value_v_json(const char *type, const char *v, size_t v_len);

/* Read-path sanitizer for string/text values (§3.3): removes C0 controls
 * except TAB/LF/CR, the bidi/zero-width set U+200B–U+200F, U+202A–U+202E,
 * U+2066–U+2069, U+FEFF, and folds a small set of compatibility characters
 * (ligatures, fullwidth ASCII, circled digits). Returns a malloc'd copy;
 * caller frees. *out_len receives the length. */
char *lite_sanitize_text(const char *s, size_t n, size_t *out_len);

/* Append to the array `arr` the pattern text of every prompt-injection
 * sentinel that matches `text` (sanitizer mode warn, §3.3). */
void lite_sanitizer_warnings(const char *text, cJSON *arr);

/* Live source trust of `source` (0..1) used on read routes. */
double lite_source_trust(struct lite_node *n, const char *source);

/* Validate a POST /v1/facts body (§4.2) and assert it as `who`. On
 * success returns 201 with the FactRecord JSON in *out_json (caller owns;
 * pass out_json NULL to skip building it);
 * otherwise fills rs with the 4xx and returns its status. ts_override may
 * be NULL. Used by the route and by the demo loader. */
int lite_facts_post_body(struct lite_node *n, const cJSON *body, const struct lite_principal *who,
			 const char *ts_override, struct lite_resp *rs, cJSON **out_json,
			 char id_out[LITE_ID_MAX]);

/* Input of an internal assert (POST /v1/facts body after validation). All
 * strings borrowed. */
struct lite_fact_in {
	const char *entity;          /* raw; normalized by lite_fact_assert */
	const char *relation;
	const char *value_type;
	const char *value_v;         /* write-side encoded text (§3.2): "42", "true", "None", "null" */
	size_t value_v_len;          /* (size_t)-1 => strlen */
	const char *interpret_as;    /* NULL => "content" */
	const char *source;          /* raw; normalized */
	double confidence;
	const char *scope;           /* NULL => "local" */
	const char *valid_until;     /* may be NULL */
	const char *derived_from;    /* JSON array text; NULL => "[]" */
	const char *write_mode;      /* NULL => "assert" */
	const char *tenant_id;       /* NULL => "default" */
	const char *principal;       /* for the audit event; NULL => "anon:trusted" */
	const char *timestamp;       /* NULL => now (demo may pin times) */
};

/* Result of lite_fact_assert. */
struct lite_fact_out {
	char id[LITE_ID_MAX];        /* the new or the pre-existing fact id */
	long long seq;               /* its row (facts.seq), for a read-back by rowid */
	bool deduplicated;           /* an existing fact with the same CID was returned */
	bool contradicted;           /* at least one conflict recorded */
	int n_conflicts;
};

/* The whole §3.5 write path minus HTTP: normalize, CID, de-dup, insert,
 * alias, audit, edge, chain hook, conflicts + meta-facts, card stale mark,
 * subscription events — one transaction. Returns 0, or -1 with a message
 * in err (then nothing was stored). */
int lite_fact_assert(struct lite_node *n, const struct lite_fact_in *in,
		     struct lite_fact_out *out, char *err, size_t err_cap);

/* Resolve a conflict (§7.2). new_type/new_v (write-encoded) take precedence
 * over winning_fact_id. Returns HTTP-ish status: 200 ok (resolution id in
 * out_id), 404 not found, 409 already resolved, 422 neither winner nor new
 * value given, 423 winner is not one of the two facts (the route answers
 * 422 with its own text), 500 error. */
int lite_conflict_resolve(struct lite_node *n, const char *conflict_id,
			  const char *winning_fact_id, const char *new_type,
			  const char *new_v, const char *principal,
			  char out_id[LITE_ID_MAX]);

/* Encode a request `value` object's v the write way (§3.2/§10.2) into a
 * malloc'd string (caller frees). Returns NULL and sets *bad when a number
 * is not numeric. */
char *lite_value_encode(const char *type, const cJSON *v, bool *bad);

/* ---- normalization (normalize.c) ---------------------------------------- */

/* §3.4: trim, formal/informal lowercase + whitespace runs to '-', then the
 * alias table. Returns a malloc'd string, or NULL when empty after trim. */
char *lite_normalize_uri(struct lite_node *n, const char *s);
/* True when s is one of local, team, company, public. */
bool lite_scope_valid(const char *s);
/* True for ref values that create graph edges (contain "://" or start "urn:"). */
bool lite_ref_is_formal(const char *v);

/* ---- store (store.c) ---------------------------------------------------- */

int lite_store_open(struct lite_node *n, char *err, size_t err_cap);
void lite_store_close(struct lite_node *n);
int lite_tx_begin(struct lite_node *n);
int lite_tx_commit(struct lite_node *n);
void lite_tx_rollback(struct lite_node *n);
/* Commit the open group-commit batch, if any (nothing to do => 0). Returns
 * 0, or -1 when the batch was rolled back (its members must not answer
 * 2xx). Clears batch_open; the caller wakes the members. */
int lite_batch_commit(struct lite_node *n);
/* Bring the FTS5 lexical index up to date (schema v3 indexes lazily: at a
 * commit once LITE_FTS_LAG facts wait, and here). Call before any
 * facts_fts query. Joins an open transaction, else runs its own. 0 or -1. */
int lite_fts_catch_up(struct lite_node *n);
/* Run SQL with no result rows. Returns 0 or -1 (logged). */
int lite_exec(struct lite_node *n, const char *sql);
/* Prepare or return NULL (logged). Caller finalizes. */
sqlite3_stmt *lite_prepare(struct lite_node *n, const char *sql);
/* Cached prepared statement for hot paths, keyed by the SQL text (pass a
 * string literal). NOT to be finalized: call lite_stmt_done() when done.
 * Must not be used re-entrantly (the same SQL while still stepping). The
 * cache holds 128 statements; use it only for a fixed set of literals. */
sqlite3_stmt *lite_stmt(struct lite_node *n, const char *sql);
void lite_stmt_done(sqlite3_stmt *st);

/* Node time "YYYY-MM-DDTHH:MM:SS.ffffff+00:00" (fraction omitted when 0),
 * strictly increasing across calls. */
void lite_now(struct lite_node *n, char out[LITE_TS_MAX]);
/* Current wall time in the same format without the monotonic bump. */
void lite_wall_now(char out[LITE_TS_MAX]);
/* Wall-clock time plus delta_us, in the same format (not monotonic). */
void lite_wall_after(long long delta_us, char out[LITE_TS_MAX]);
/* HLC tick "<wall_ms>.<counter>". */
void lite_hlc(struct lite_node *n, char out[LITE_HLC_MAX]);
/* Random UUIDv4 text. */
void lite_uuid4(char out[37]);
/* Log a line on stderr unless quiet. */
void lite_log(struct lite_node *n, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* faults.c: true when rule f fires for a request on `path` (under lock). */
bool lite_fault_hit(struct lite_node *n, const struct lite_fault *f, const char *path);

/* ---- auth (auth.c) ------------------------------------------------------ */

/* Resolve the caller from the Authorization header. Returns true with
 * rq->who filled, or false with a 401 in rs. */
bool lite_auth_resolve(struct lite_req *rq, struct lite_resp *rs);
/* Insert an API key (hashed). perms: LITE_PERM_* bits. Returns 0 / -1. */
int lite_auth_add_key(struct lite_node *n, const char *raw_key, const char *entity_uri,
		      unsigned perms, const char *description, const char *tenant,
		      char out_id[37], char created_at[LITE_TS_MAX], char expires_at[LITE_TS_MAX]);
/* Install the bootstrap admin key from opt.bootstrap_key_file (refused when
 * group/other readable) or opt.bootstrap_key, if given. 0 / -1 + err. */
int lite_auth_bootstrap(struct lite_node *n, char *err, size_t err_cap);
/* Permission bit of a name ("read" ...), 0 when unknown. */
unsigned lite_perm_bit(const char *name);
/* Sorted permission names of bits into a new cJSON array. */
cJSON *lite_perms_json(unsigned perms);

/* ---- routes --------------------------------------------------------------- */

/* Owned by routes_facts.c / routes_conflicts.c / routes_misc.c. */
int lite_route_facts_post(struct lite_req *rq, struct lite_resp *rs);
int lite_route_facts_list(struct lite_req *rq, struct lite_resp *rs);
int lite_route_fact_get(struct lite_req *rq, struct lite_resp *rs);      /* seg[2] = id or cid */
int lite_route_fact_provenance(struct lite_req *rq, struct lite_resp *rs);
int lite_route_fact_verify_cid(struct lite_req *rq, struct lite_resp *rs);
int lite_route_conflicts_list(struct lite_req *rq, struct lite_resp *rs);
int lite_route_conflict_resolve(struct lite_req *rq, struct lite_resp *rs); /* seg[2] = conflict id */
int lite_route_wellknown(struct lite_req *rq, struct lite_resp *rs);
int lite_route_healthz(struct lite_req *rq, struct lite_resp *rs);
int lite_route_me(struct lite_req *rq, struct lite_resp *rs);
int lite_route_doctor(struct lite_req *rq, struct lite_resp *rs);
int lite_route_openapi(struct lite_req *rq, struct lite_resp *rs);
int lite_route_peers(struct lite_req *rq, struct lite_resp *rs);
int lite_route_audit(struct lite_req *rq, struct lite_resp *rs);
int lite_route_auth_keys(struct lite_req *rq, struct lite_resp *rs);
int lite_route_subs_create(struct lite_req *rq, struct lite_resp *rs);
int lite_route_subs_list(struct lite_req *rq, struct lite_resp *rs);
int lite_route_sub_get(struct lite_req *rq, struct lite_resp *rs);       /* seg[2] = id */
int lite_route_sub_delete(struct lite_req *rq, struct lite_resp *rs);
int lite_route_sub_events(struct lite_req *rq, struct lite_resp *rs);
/* routes_discovery.c: GET /v1/scopes/{scope}/synthesize and
 * GET /v1/entities/resolve (entity discovery helpers of the reference). */
int lite_route_synthesize(struct lite_req *rq, struct lite_resp *rs);
int lite_route_entity_resolve(struct lite_req *rq, struct lite_resp *rs);


/* Subscription fan-out for a new local fact (inside the insert tx). */
int lite_subs_on_insert(struct lite_node *n, const struct lite_fact_row *row);
/* The payload of a stored subscription event (its JSON text, may be NULL)
 * as served and delivered: string/text values sanitized, with
 * sanitizer_warnings when anything was changed. Caller cJSON_Delete()s. */
cJSON *lite_sub_payload(const char *ptxt);

/* delivery.c: subscription event delivery, as the reference node's sweep.
 * Every opt.delivery_interval_ms (<= 0: never) a thread takes up to 100
 * due pending events (subscription circuit closed, retry time reached),
 * delivers them without the node lock (webhook: POST to the delivery
 * address, 10 s timeout; wake: one JSON line on stderr) and records the
 * outcome: 2xx/3xx delivered; 410 deletes the subscription; anything else
 * retries after min(2^attempts, 300) s, and the subscription's 10th
 * failure in a row opens its circuit (that event: failed).
 * lite_delivery_schema: its table (idempotent, every open). start/stop:
 * from lite_node_start/lite_node_stop (stop joins the thread; a delivery
 * in flight is abandoned and retried on the next start). */
int lite_delivery_schema(struct lite_node *n);
int lite_delivery_start(struct lite_node *n);
void lite_delivery_stop(struct lite_node *n);

/* server.c: commit the open group-commit batch and let its parked requests
 * be answered (under the lock; for work that needs its own transaction
 * outside a request). */
void lite_loop_flush(struct lite_node *n);

/* Implemented by recall.c: POST /v1/recall (§5). */
int lite_route_recall(struct lite_req *rq, struct lite_resp *rs);
/* Implemented by card.c: GET /v1/cards/{entity} (§6). The entity is the
 * decoded path after "/v1/cards/" (rq->path + strlen("/v1/cards/")). */
int lite_route_card(struct lite_req *rq, struct lite_resp *rs);
/* Implemented by chain.c: GET /v1/graph/neighbors (§8.2). */
int lite_route_neighbors(struct lite_req *rq, struct lite_resp *rs);

/* ---- hooks implemented by the other node files ---------------------------- */

/* chain.c: create/migrate the chain, checkpoint and TL tables (called once
 * by lite_store_open inside the schema transaction). 0 / -1. */
int lite_chain_schema(struct lite_node *n);
/* chain.c: append the chain entry for a newly inserted local fact (CID
 * non-NULL) and cut a checkpoint when due (interval / max age), writing the
 * local TL file. Called inside the insert transaction; -1 aborts it. */
int lite_chain_on_insert(struct lite_node *n, const struct lite_fact_row *row);
/* card.c: create the cards table (like lite_chain_schema). */
int lite_card_schema(struct lite_node *n);
/* card.c: mark the card of (entity, scope, tenant) stale (inside the tx). */
int lite_card_mark_stale(struct lite_node *n, const char *entity, const char *scope,
			 const char *tenant);
/* ---- session guard (session.c) and quotas (quota.c) --------------------------- */

#define LITE_SESSION_ID_MAX 128  /* Stigmem-Session length limit after trim (400 beyond) */
#define LITE_SESSION_CAP 4096    /* (session, principal, tenant) entries kept; LRU eviction */
#define LITE_QUOTA_CAP 4096      /* principals with a bucket; LRU eviction */

/* The trimmed Stigmem-Session header into out ("" when absent or empty).
 * 0, or -1 when longer than LITE_SESSION_ID_MAX (out is then ""). */
int lite_session_header(const struct lite_req *rq, char out[LITE_SESSION_ID_MAX + 1]);
/* With a Stigmem-Session header: record, for (session, rq->who, tenant),
 * the scope of every FactRecord-shaped object in `tree` (a read response
 * about to be sent; borrowed). No header => nothing. */
void lite_session_record_json(struct lite_req *rq, const cJSON *tree);
/* Feedback-loop guard for a write of `scope` (§4.2.4): true when allowed;
 * otherwise fills the 403 feedback_loop_provenance_required and returns
 * false. sid NULL or "" => always allowed. derived_from may be NULL. */
bool lite_session_guard(struct lite_node *n, const char *sid, const struct lite_principal *who,
			const char *scope, const char *write_mode, const cJSON *derived_from,
			struct lite_resp *rs);
void lite_session_free(struct lite_node *n);
/* Per-key quota for an authenticated request (§1.3), called by dispatch()
 * after auth: true to go on, false with the 429 filled in rs. */
bool lite_quota_check(struct lite_req *rq, struct lite_resp *rs);
void lite_quota_free(struct lite_node *n);

/* --demo / --generate: server.c runs lite_demo_run()/lite_generate_run()
 * (node/demo.h) with a sink that feeds each body through the POST /v1/facts
 * validation + lite_fact_assert() and each resolution through
 * lite_conflict_resolve(), before serving. */

#endif
