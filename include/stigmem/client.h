/* stigmem/client.h — the libstigmem HTTP client: one handle per node,
 * request builders for every route, and a blocking call per SDK method.
 *
 * Process rule: call stg_global_init() once at program start, before any
 * other thread exists and before the first stg_client_new(); call
 * stg_global_cleanup() once at exit. Nothing else in libstigmem keeps
 * process-wide state.
 *
 * Layers:
 *  1. struct stg_client   — connection settings (base URL, key, TLS, caps).
 *  2. struct stg_request  — one described request (method, path+query,
 *     JSON body, headers, decoder). Built by the stg_request_*() builders,
 *     shared by the blocking calls here and the async engine (async.h).
 *  3. blocking calls      — stg_client_execute() (generic) and one typed
 *     call per route (stg_client_query(), stg_client_recall(), …), each
 *     = builder + execute.
 *
 * Results: decoded models live in a caller-provided struct stg_arena (see
 * arena.h/model.h); `*out` is set only on STG_OK. The per-call facts
 * (HTTP status, latency, X-Total-Count, Retry-After, raw body) go into an
 * optional struct stg_call_info.
 *
 * Errors (struct stg_error, status.h):
 *  - node answered >= 400: status class from stg_status_from_http()
 *    (401/403 AUTH, 404 NOT_FOUND, 409 CONFLICT, 429 RATE_LIMITED with
 *    retry_after, 5xx SERVER, else HTTP), code/detail from the body via
 *    stg_decode_error_body(); http_status set.
 *  - 2xx whose body does not decode: STG_ERR_DECODE, err->where names the field.
 *  - transport: could not resolve/connect -> STG_ERR_CONNECT; timeout ->
 *    STG_ERR_TIMEOUT; TLS/certificate -> STG_ERR_TLS; body above the cap ->
 *    STG_ERR_TOO_LARGE (transfer aborted); anything else -> STG_ERR_TRANSPORT.
 *  - the API key would travel over plain http:// to a host that is not
 *    loopback (127.0.0.0/8, ::1, localhost) and allow_insecure_key is off:
 *    STG_ERR_INSECURE before any connection is attempted.
 * The API key never appears in any error text, log line or call info.
 *
 * Transport policy: redirects are never followed; only http and https;
 * TLS peer and host verification on unless `insecure`; TLS >= 1.2. */
#ifndef STIGMEM_CLIENT_H
#define STIGMEM_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stigmem/arena.h"
#include "stigmem/model.h"
#include "stigmem/status.h"

/* ---- process setup ---------------------------------------------------- */

/* Initialise libcurl for the process (curl_global_init). Call once, from the
 * main thread, before any other thread is started. */
enum stg_status stg_global_init(struct stg_error *err);
/* Release libcurl's global state. Call once at exit, after every client
 * and async engine has been freed. */
void stg_global_cleanup(void);

/* ---- client handle ---------------------------------------------------- */

#define STG_DEFAULT_CONNECT_TIMEOUT_MS 5000L
#define STG_DEFAULT_TIMEOUT_MS 30000L
#define STG_DEFAULT_MAX_RESPONSE ((size_t)64 * 1024 * 1024)

/* Settings for stg_client_new(). All strings are borrowed for the duration
 * of stg_client_new() only: the client keeps its own copies. Start from
 * stg_client_options_init() so new members get their defaults. */
struct stg_client_options {
	const char *base_url;          /* "http://localhost:8765" (required; trailing '/' ok) */
	const char *api_key;           /* Bearer key or NULL/"" for none; copied, wiped on free */
	long connect_timeout_ms;       /* <= 0: STG_DEFAULT_CONNECT_TIMEOUT_MS */
	long timeout_ms;               /* whole-transfer limit; <= 0: STG_DEFAULT_TIMEOUT_MS */
	const char *ca_file;           /* PEM bundle (CURLOPT_CAINFO) or NULL; must exist */
	const char *ca_dir;            /* hashed CA directory (CURLOPT_CAPATH) or NULL; must exist */
	bool insecure;                 /* skip TLS peer/host verification (show a loud badge) */
	bool allow_insecure_key;       /* permit the key over plain http to non-loopback hosts */
	size_t max_response_bytes;     /* body cap; 0: STG_DEFAULT_MAX_RESPONSE */
	const char *user_agent;        /* NULL: "stigmem-tui/<version>" */
	unsigned decode_flags;         /* enum stg_decode_flags (codec.h) for typed calls, e.g. KEEP_RAW */
};

/* Fill `o` with defaults (everything zero/NULL, base_url "http://localhost:8765"). */
void stg_client_options_init(struct stg_client_options *o);

/* A client is immutable after creation: blocking calls on one client may
 * run concurrently from several threads (each call uses its own handle). */
struct stg_client;

/* Create a client. Fails with STG_ERR_USAGE for a missing/unparsable base
 * URL or a scheme other than http/https, STG_ERR_IO when ca_file/ca_dir
 * does not exist, STG_ERR_NOMEM. Free with stg_client_free(). */
struct stg_client *stg_client_new(const struct stg_client_options *opts,
				  struct stg_error *err);
/* Wipe the key copy and free the client. NULL ok. Async engines using the
 * client must be freed first. */
void stg_client_free(struct stg_client *c);

/* Borrowed views of the settings in effect (valid until stg_client_free). */
const char *stg_client_base_url(const struct stg_client *c); /* without trailing '/' */
bool stg_client_tls_insecure(const struct stg_client *c);    /* the `insecure` flag */
bool stg_client_is_https(const struct stg_client *c);
bool stg_client_has_key(const struct stg_client *c);
/* true when the base URL's host is loopback (127.0.0.0/8, ::1, localhost). */
bool stg_client_is_loopback(const struct stg_client *c);
/* true when requests would be refused with STG_ERR_INSECURE
 * (key set, plain http, non-loopback host, allow_insecure_key off). */
bool stg_client_key_refused(const struct stg_client *c);

/* ---- per-call information --------------------------------------------- */

/* Filled by every call that is given one (may be NULL). Zeroed at start. */
struct stg_call_info {
	long http_status;              /* 0 when no response arrived */
	double latency_ms;             /* submit/start to completion, wall clock */
	bool has_total_count;
	long long total_count;         /* X-Total-Count header */
	bool has_retry_after;
	double retry_after;            /* Retry-After header, seconds */
	const char *body;              /* raw response body, NUL-terminated, in the call's
	                                  arena (NULL when none arrived or no arena was
	                                  given); raw node text, never sanitized */
	size_t body_len;
};

/* ---- request descriptions --------------------------------------------- */

enum stg_method { STG_METHOD_GET, STG_METHOD_POST, STG_METHOD_DELETE };

/* Which codec.h decoder turns a 2xx body into a model; `void *value`
 * results point to the struct named in the comment. */
enum stg_decoder_kind {
	STG_KIND_NONE,             /* no decoding (value NULL; e.g. DELETE 204, raw routes) */
	STG_KIND_FACT,             /* struct stg_fact */
	STG_KIND_FACT_PAGE,        /* struct stg_fact_page */
	STG_KIND_NODE_INFO,        /* struct stg_node_info */
	STG_KIND_ME,               /* struct stg_me */
	STG_KIND_HEALTH,           /* struct stg_health */
	STG_KIND_PEER_LIST,        /* struct stg_peer_list */
	STG_KIND_CONFLICT_PAGE,    /* struct stg_conflict_page */
	STG_KIND_RESOLUTION,       /* struct stg_resolution */
	STG_KIND_RECALL,           /* struct stg_recall_response */
	STG_KIND_CARD,             /* struct stg_card */
	STG_KIND_PROVENANCE,       /* struct stg_provenance */
	STG_KIND_VERIFY_CID,       /* struct stg_verify_cid_result */
	STG_KIND_NEIGHBORS,        /* struct stg_neighbors */
	STG_KIND_AUDIT_PAGE,       /* struct stg_audit_page */
	STG_KIND_SUBSCRIPTION,     /* struct stg_subscription */
	STG_KIND_SUBSCRIPTION_LIST,/* struct stg_subscription_list */
	STG_KIND_EVENT_PAGE,       /* struct stg_event_page */
	STG_KIND_API_KEY_INFO,     /* struct stg_api_key_info */
	STG_KIND_COUNT
};

/* Optional boolean parameter: zero-initialised = not sent. */
enum stg_opt_bool { STG_OPT_UNSET = 0, STG_OPT_FALSE, STG_OPT_TRUE };

/* One request, independent of any client. Opaque; heap object from a
 * builder below, freed with stg_request_free() (or handed to
 * stg_async_submit(), which takes ownership). Builders copy every string
 * they are given; they fail (NULL + err) with STG_ERR_USAGE for a missing
 * required parameter and STG_ERR_NOMEM. */
struct stg_request;

void stg_request_free(struct stg_request *r);                 /* NULL ok */
enum stg_method stg_request_method(const struct stg_request *r);
/* Path plus encoded query ("/v1/facts?entity=…"); borrowed from r. */
const char *stg_request_target(const struct stg_request *r);
/* JSON body or NULL; borrowed from r. */
const char *stg_request_body(const struct stg_request *r, size_t *len);
enum stg_decoder_kind stg_request_decoder(const struct stg_request *r);
/* Override decode flags (enum stg_decode_flags) for this request only;
 * without a call the client's decode_flags apply. */
void stg_request_set_decode_flags(struct stg_request *r, unsigned flags);
/* Stigmem-Session header for this request (copied; NULL/"" removes it). */
enum stg_status stg_request_set_session(struct stg_request *r, const char *session_id,
					struct stg_error *err);

/* Any route: method, path ("/v1/doctor", must start with '/', sent as
 * given — encode components yourself), optional JSON body text (copied),
 * decoder kind. */
struct stg_request *stg_request_raw(enum stg_method m, const char *path, const char *json_body,
				    enum stg_decoder_kind kind, struct stg_error *err);

/* §4.2 POST /v1/facts. Strings NULL = member not sent (node default). */
struct stg_assert_params {
	const char *entity;            /* required */
	const char *relation;          /* required */
	struct stg_value value;        /* type + payload + interpret_as (has_interpret_as) */
	const char *source;            /* required */
	bool has_confidence;           /* false: node default 1.0 */
	double confidence;
	const char *scope;             /* NULL: node default "local" (the SDK would send "company") */
	const char *valid_until;
	const char *garden_id;         /* garden URI */
	const char *write_mode;        /* "assert" | "summarize_with_provenance" */
	const char *derived_from_json; /* JSON array text (e.g. [{"fact_id":"…"}]); validated */
	const char *attestation_key_id;    /* both or neither */
	const char *attestation_signature; /* base64url Ed25519 */
	const char *session_id;        /* Stigmem-Session header */
};
struct stg_request *stg_request_assert(const struct stg_assert_params *p, struct stg_error *err);

/* SDK retract(): asserts value string "retracted" with confidence 0.0.
 * Scope: the SDK's assert default is "company" (§12.17); here NULL sends
 * "local", the node default, so the retraction lands where a default
 * assertion landed. Pass the original fact's scope to retract elsewhere. */
struct stg_retract_params {
	const char *entity;            /* required */
	const char *relation;          /* required */
	const char *source;            /* required */
	const char *scope;             /* NULL: "local" */
	const char *session_id;
};
struct stg_request *stg_request_retract(const struct stg_retract_params *p, struct stg_error *err);

/* §4.4 GET /v1/facts/{id} (UUID or sha256: CID); session_id may be NULL. */
struct stg_request *stg_request_get_fact(const char *id_or_cid, const char *session_id,
					 struct stg_error *err);

/* §4.3 GET /v1/facts. NULL/zero/UNSET members are not sent. */
struct stg_query_params {
	const char *entity;
	const char *relation;
	const char *source;
	const char *scope;
	bool has_min_confidence;
	double min_confidence;
	enum stg_opt_bool include_contradicted;
	enum stg_opt_bool include_expired;
	const char *after;             /* ISO time; '+' is sent as %2B */
	const char *cursor;
	int limit;                     /* 0: node default 50 */
	const char *garden_id;
	enum stg_opt_bool attested;
	enum stg_opt_bool include_low_trust;
	const char *as_of;
	const char *session_id;
};
struct stg_request *stg_request_query(const struct stg_query_params *p, struct stg_error *err);

/* §5 POST /v1/recall. */
struct stg_recall_params {
	const char *query;             /* required */
	const char *scope;             /* NULL: node default "local" */
	int token_budget;              /* 0: node default 4000 */
	int depth;                     /* 0: node default 2 */
	bool has_weights;              /* send all five weights */
	struct stg_recall_weights weights;
	bool has_min_confidence;
	double min_confidence;
	enum stg_opt_bool include_neighbors;
	int limit;                     /* 0: node default 100 */
	const char *as_of;
	bool verify_full;              /* header Stigmem-Verify: full (chain_proof) */
	const char *session_id;
	bool legacy_format;            /* query ?legacy_format=true */
};
struct stg_request *stg_request_recall(const struct stg_recall_params *p, struct stg_error *err);

/* §6 GET /v1/cards/{entity_uri}; scope NULL = node default. */
struct stg_request *stg_request_card(const char *entity_uri, const char *scope, bool refresh,
				     struct stg_error *err);

/* §7.1 GET /v1/conflicts; status NULL = all (the SDK would send "unresolved"). */
struct stg_conflict_params {
	const char *status;            /* "unresolved" | "resolved" | NULL */
	const char *cursor;
	int limit;                     /* 0: node default 50 */
};
struct stg_request *stg_request_conflicts(const struct stg_conflict_params *p,
					  struct stg_error *err);

/* §7.2 POST /v1/conflicts/{id}/resolve: winning_fact_id or new_value
 * (non-NULL; the node prefers new_value when both are given). */
struct stg_resolve_params {
	const char *conflict_id;       /* required, "stigmem:conflict:<uuid>" */
	const char *winning_fact_id;
	const struct stg_value *new_value;
	const char *resolution_note;   /* accepted and discarded by the node */
};
struct stg_request *stg_request_resolve(const struct stg_resolve_params *p, struct stg_error *err);

/* §4.1, §8.4, §8.1: no parameters. The SDK's federation_status() is the
 * peer list (GET /v1/federation/peers). */
struct stg_request *stg_request_node_info(struct stg_error *err);
struct stg_request *stg_request_me(struct stg_error *err);
struct stg_request *stg_request_healthz(struct stg_error *err);
struct stg_request *stg_request_peers(struct stg_error *err);

/* §4.5 GET /v1/facts/{id}/provenance; §4.6 POST /v1/facts/{id}/verify-cid. */
struct stg_request *stg_request_provenance(const char *fact_id, struct stg_error *err);
struct stg_request *stg_request_verify_cid(const char *fact_id, struct stg_error *err);

/* §8.2 GET /v1/graph/neighbors. */
struct stg_neighbors_params {
	const char *entity;            /* required */
	const char *scope;             /* required */
	int depth;                     /* 0: node default 1 */
	const char *relation_filter;   /* exact or "prefix*" */
	bool has_min_confidence;
	double min_confidence;
	bool has_min_trust;
	double min_trust;
	int page_size;                 /* 0: node default 20 */
	const char *cursor;
};
struct stg_request *stg_request_neighbors(const struct stg_neighbors_params *p,
					  struct stg_error *err);

/* §9 GET /v1/audit. */
struct stg_audit_params {
	int limit;                     /* 0: node default */
	const char *cursor;            /* "<ts>|<id>" as received */
	const char *entity_uri;        /* the writer */
	const char *source;
	const char *fact_id;
	const char *oidc_sub;
	enum stg_opt_bool attested;
};
struct stg_request *stg_request_audit(const struct stg_audit_params *p, struct stg_error *err);

/* §8.3 subscriptions. */
struct stg_subscription_params {
	const char *target;            /* required: scope name or entity URI */
	const char *on_change;         /* required: "webhook" | "wake" */
	const char *delivery_address;  /* required */
	const char *idempotency_key;   /* optional */
};
struct stg_request *stg_request_subscription_create(const struct stg_subscription_params *p,
						    struct stg_error *err);
struct stg_request *stg_request_subscription_list(struct stg_error *err);
struct stg_request *stg_request_subscription_get(const char *id, struct stg_error *err);
struct stg_request *stg_request_subscription_delete(const char *id, struct stg_error *err);

struct stg_events_params {
	const char *subscription_id;   /* required */
	const char *since;
	const char *cursor;            /* decimal row number */
	int limit;                     /* 0: node default 50 */
};
struct stg_request *stg_request_subscription_events(const struct stg_events_params *p,
						    struct stg_error *err);

/* ---- blocking calls ------------------------------------------------------ */

/* Run `req` (borrowed; reusable) on `c` and decode a 2xx body with the
 * request's decoder into `arena`: *out receives the model (type per
 * enum stg_decoder_kind; NULL for STG_KIND_NONE). `out` and `info` may be
 * NULL; `arena` may be NULL only for STG_KIND_NONE. Blocks up to the
 * client's timeouts. */
enum stg_status stg_client_execute(struct stg_client *c, const struct stg_request *req,
				   struct stg_arena *arena, void **out,
				   struct stg_call_info *info, struct stg_error *err);

/* Typed calls: builder + stg_client_execute. Everything *out points to
 * lives in `arena`. `info` may be NULL. */
enum stg_status stg_client_node_info(struct stg_client *c, struct stg_arena *arena,
				     struct stg_node_info **out, struct stg_call_info *info,
				     struct stg_error *err);
/* The SDK's federation_status(): the node's federation peers
 * (GET /v1/federation/peers, needs `federate`); same as stg_client_peers. */
enum stg_status stg_client_federation_status(struct stg_client *c, struct stg_arena *arena,
					     struct stg_peer_list **out,
					     struct stg_call_info *info, struct stg_error *err);
enum stg_status stg_client_me(struct stg_client *c, struct stg_arena *arena, struct stg_me **out,
			      struct stg_call_info *info, struct stg_error *err);
enum stg_status stg_client_healthz(struct stg_client *c, struct stg_arena *arena,
				   struct stg_health **out, struct stg_call_info *info,
				   struct stg_error *err);
enum stg_status stg_client_assert_fact(struct stg_client *c, const struct stg_assert_params *p,
				       struct stg_arena *arena, struct stg_fact **out,
				       struct stg_call_info *info, struct stg_error *err);
enum stg_status stg_client_retract(struct stg_client *c, const struct stg_retract_params *p,
				   struct stg_arena *arena, struct stg_fact **out,
				   struct stg_call_info *info, struct stg_error *err);
enum stg_status stg_client_get_fact(struct stg_client *c, const char *id_or_cid,
				    const char *session_id, struct stg_arena *arena,
				    struct stg_fact **out, struct stg_call_info *info,
				    struct stg_error *err);
enum stg_status stg_client_query(struct stg_client *c, const struct stg_query_params *p,
				 struct stg_arena *arena, struct stg_fact_page **out,
				 struct stg_call_info *info, struct stg_error *err);
enum stg_status stg_client_recall(struct stg_client *c, const struct stg_recall_params *p,
				  struct stg_arena *arena, struct stg_recall_response **out,
				  struct stg_call_info *info, struct stg_error *err);
enum stg_status stg_client_get_card(struct stg_client *c, const char *entity_uri,
				    const char *scope, bool refresh, struct stg_arena *arena,
				    struct stg_card **out, struct stg_call_info *info,
				    struct stg_error *err);
enum stg_status stg_client_list_conflicts(struct stg_client *c,
					  const struct stg_conflict_params *p,
					  struct stg_arena *arena, struct stg_conflict_page **out,
					  struct stg_call_info *info, struct stg_error *err);
enum stg_status stg_client_resolve_conflict(struct stg_client *c,
					    const struct stg_resolve_params *p,
					    struct stg_arena *arena, struct stg_resolution **out,
					    struct stg_call_info *info, struct stg_error *err);
enum stg_status stg_client_peers(struct stg_client *c, struct stg_arena *arena,
				 struct stg_peer_list **out, struct stg_call_info *info,
				 struct stg_error *err);
enum stg_status stg_client_provenance(struct stg_client *c, const char *fact_id,
				      struct stg_arena *arena, struct stg_provenance **out,
				      struct stg_call_info *info, struct stg_error *err);
enum stg_status stg_client_verify_cid(struct stg_client *c, const char *fact_id,
				      struct stg_arena *arena,
				      struct stg_verify_cid_result **out,
				      struct stg_call_info *info, struct stg_error *err);
enum stg_status stg_client_neighbors(struct stg_client *c, const struct stg_neighbors_params *p,
				     struct stg_arena *arena, struct stg_neighbors **out,
				     struct stg_call_info *info, struct stg_error *err);
enum stg_status stg_client_audit(struct stg_client *c, const struct stg_audit_params *p,
				 struct stg_arena *arena, struct stg_audit_page **out,
				 struct stg_call_info *info, struct stg_error *err);
enum stg_status stg_client_subscription_create(struct stg_client *c,
					       const struct stg_subscription_params *p,
					       struct stg_arena *arena,
					       struct stg_subscription **out,
					       struct stg_call_info *info, struct stg_error *err);
enum stg_status stg_client_subscription_list(struct stg_client *c, struct stg_arena *arena,
					     struct stg_subscription_list **out,
					     struct stg_call_info *info, struct stg_error *err);
enum stg_status stg_client_subscription_get(struct stg_client *c, const char *id,
					    struct stg_arena *arena, struct stg_subscription **out,
					    struct stg_call_info *info, struct stg_error *err);
/* DELETE: STG_OK on 204; nothing decoded. */
enum stg_status stg_client_subscription_delete(struct stg_client *c, const char *id,
					       struct stg_arena *arena,
					       struct stg_call_info *info, struct stg_error *err);
enum stg_status stg_client_subscription_events(struct stg_client *c,
					       const struct stg_events_params *p,
					       struct stg_arena *arena, struct stg_event_page **out,
					       struct stg_call_info *info, struct stg_error *err);

#endif
