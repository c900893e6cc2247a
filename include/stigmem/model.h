/* stigmem/model.h — what a Stigmem node sends, as C structs.
 *
 * Ownership: every struct here is produced by a decoder (stigmem/codec.h)
 * into a caller-supplied struct stg_arena. All pointers (strings, arrays,
 * nested structs) point into that arena and die with stg_arena_done().
 * Nothing in a model is freed on its own.
 *
 * Conventions:
 *  - strings are NUL-terminated UTF-8 exactly as received (NOT sanitized:
 *    pass through stg_text_sanitize() before display); NULL = JSON null or
 *    absent. Strings that may hold U+0000 also carry a _len.
 *  - optional numbers have a `has_` flag; arrays are pointer + n_ count.
 *  - tri-state booleans (bool or null) use enum stg_tristate.
 * The wire reference is stigmem-api.md; section numbers below refer to it. */
#ifndef STIGMEM_MODEL_H
#define STIGMEM_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum stg_tristate { STG_NULL = -1, STG_FALSE = 0, STG_TRUE = 1 };

/* §3.2 value types. STG_VT_UNKNOWN keeps an unrecognised type name. */
enum stg_value_type {
	STG_VT_STRING,
	STG_VT_TEXT,
	STG_VT_NUMBER,
	STG_VT_BOOLEAN,
	STG_VT_DATETIME,
	STG_VT_REF,
	STG_VT_NULL,
	STG_VT_UNKNOWN
};

enum stg_interpret { STG_INTERPRET_CONTENT, STG_INTERPRET_INSTRUCTION };

/* Wire name of a value type ("string", …); "unknown" for STG_VT_UNKNOWN. */
const char *stg_value_type_name(enum stg_value_type t);
/* Parse a wire name; STG_VT_UNKNOWN when not one of the seven. */
enum stg_value_type stg_value_type_parse(const char *name);

/* §3.2 the typed value union. */
struct stg_value {
	enum stg_value_type type;
	const char *type_name;       /* as received (also for unknown types) */
	bool is_null;                /* v was JSON null or absent */
	const char *str;             /* string/text/datetime/ref (and unknown-type text); NULL if null */
	size_t str_len;              /* bytes in str (may contain U+0000) */
	double num;                  /* number */
	bool boolean;                /* boolean */
	enum stg_interpret interpret_as;
	bool has_interpret_as;       /* false when the key was absent */
};

/* Constructors for request values, like the SDK's value helpers. The
 * strings are borrowed: they must outlive the value's use. */
struct stg_value stg_value_string(const char *s);
struct stg_value stg_value_text(const char *s);
struct stg_value stg_value_number(double x);
struct stg_value stg_value_boolean(bool b);
struct stg_value stg_value_datetime(const char *iso8601);
struct stg_value stg_value_ref(const char *uri);
struct stg_value stg_value_null(void);

/* One element of `derived_from` (free-form objects, §4.2). */
struct stg_derived {
	const char *fact_id;         /* "fact_id" member when a string, else NULL */
	const char *hash;            /* "hash" member when a string, else NULL */
	const char *json;            /* the whole element as compact JSON */
};

/* §3.1 FactRecord. */
struct stg_fact {
	const char *id;
	const char *entity;
	const char *relation;
	struct stg_value value;
	const char *source;
	const char *timestamp;
	const char *hlc;             /* "<wall_ms>.<counter>"; use stg_hlc_parse() */
	const char *received_from;
	const char *valid_until;
	double confidence;
	const char *scope;
	const char *attested_key_id;
	const char *origin_node_id;
	const char **origin_allowed_scopes;
	size_t n_origin_allowed_scopes;
	bool has_origin_allowed_scopes;  /* false when null */
	const char *garden_id;
	enum stg_tristate attested;
	bool contradicted;
	const char **warnings;
	size_t n_warnings;
	bool has_source_trust;
	double source_trust;
	const char *quarantine_status;
	const char *quarantine_garden_id;
	bool has_effective_confidence;
	double effective_confidence;
	const char **sanitizer_warnings;
	size_t n_sanitizer_warnings;
	bool sanitizer_redacted;
	const char *cid;
	struct stg_derived *derived_from;
	size_t n_derived_from;
	const char *raw_json;        /* compact JSON of the fact object; only with STG_DECODE_KEEP_RAW */
};

/* Parse an HLC "<wall_ms>.<counter>" into two integers; false if malformed. */
bool stg_hlc_parse(const char *hlc, uint64_t *wall_ms, uint64_t *counter);
/* Order two HLC strings as integer pairs (<0, 0, >0); NULL/malformed sort first. */
int stg_hlc_compare(const char *a, const char *b);

/* §4.3 GET /v1/facts page. */
struct stg_fact_page {
	struct stg_fact *facts;
	size_t n_facts;
	bool has_total;
	long long total;             /* facts in THIS page (not a match count) */
	const char *cursor;          /* unsound on the reference node: a hint only */
	size_t n_tombstone_notices;
};

/* §4.1 GET /.well-known/stigmem. */
struct stg_node_info {
	const char *version;
	const char *node_id;
	const char *node_url;
	const char *auth;                /* "required" | "none" */
	const char *federation;          /* "enabled" | "disabled" */
	const char *source_attestation;  /* "off" | "warn" | "enforce" */
	const char **namespaces;
	size_t n_namespaces;
	const char *spec;
	enum stg_tristate cors_dev_localhost;
	enum stg_tristate cors_configured;
	const char *federation_pubkey;
	const char *federation_version;
	const char *federation_peers_endpoint;
	const char *federation_facts_endpoint;
	const char *federation_push_endpoint;
};

/* §8.4 GET /v1/me. */
struct stg_me {
	const char *entity_uri;
	const char **permissions;
	size_t n_permissions;
	const char *oidc_sub;
	const char *tenant_id;
};

/* §8.4 GET /healthz. */
struct stg_health {
	const char *status;
};

/* §8.1 federation peers. */
struct stg_peer {
	const char *peer_id;
	const char *node_id;
	const char *node_url;
	const char *status;
	const char **allowed_scopes;
	size_t n_allowed_scopes;
	const char *established_at;
};

struct stg_peer_list {
	struct stg_peer *peers;
	size_t n_peers;
};

/* §7.1 conflicts. */
struct stg_conflict {
	const char *conflict_id;
	struct stg_fact *fact_a;     /* NULL when the node sent null */
	struct stg_fact *fact_b;
	const char *status;          /* "unresolved" | "resolved" */
	const char *resolved_by;
	const char *detected_at;
};

struct stg_conflict_page {
	struct stg_conflict *conflicts;
	size_t n_conflicts;
	const char *cursor;
	bool has_more;
};

/* §7.2 resolve result. */
struct stg_resolution {
	const char *resolution_fact_id;
	const char *conflict_status;
};

/* §5.1 recall weights; stg_recall_weights_default() gives the node defaults. */
struct stg_recall_weights {
	double lexical, semantic, graph, source_trust, recency;
};

/* §5.2 score_breakdown. */
struct stg_score_breakdown {
	double lexical, semantic, graph, source_trust, recency, weighted_total;
};

struct stg_scored_fact {
	struct stg_fact fact;
	double score;
	struct stg_score_breakdown breakdown;
	int hop_distance;
	long long token_estimate;
	bool from_card;
};

/* §11.3 checkpoint payload inside tl_raw (local backend). */
struct stg_checkpoint_payload {
	const char *chain_hash;
	long long covered_chain_seq;
	const char *created_at;
	const char *kind;
	const char *tenant_id;
	long long version;
	const char *json;            /* the payload object as compact JSON (for re-canonicalizing) */
};

/* §11.2 FactChainCheckpointProof. */
struct stg_checkpoint {
	const char *id;
	const char *tenant_id;
	long long covered_chain_seq;
	const char *chain_hash;
	const char *status;          /* "pending" | "submitted" */
	long long attempt_count;
	const char *created_at;
	const char *submitted_at;
	const char *last_error;
	const char *tl_backend;      /* "local" | "rekor" | "off" */
	const char *tl_log_id;
	const char *tl_leaf_hash;
	bool has_tl_log_index;
	long long tl_log_index;
	bool has_tl_integrated_time;
	long long tl_integrated_time;
	const char *tl_inclusion_proof_json; /* compact JSON, NULL if absent/null */
	const char *tl_raw_json;             /* compact JSON, NULL if absent/null */
	/* Members of tl_raw when it is an object (local backend line). */
	const char *tl_raw_leaf_hash;
	const char *tl_raw_prev_hash;
	const char *tl_raw_chain_hash;
	bool has_tl_raw_index;
	long long tl_raw_index;
	struct stg_checkpoint_payload *tl_raw_payload; /* NULL unless tl_raw.payload is an object */
};

/* §11.4 chain_proof. */
struct stg_chain_proof {
	const char *tenant_id;
	long long checked_entries;
	const char *head_hash;       /* NULL only for an empty chain */
	struct stg_checkpoint *checkpoint; /* NULL when null */
};

/* §5.2 recall response. */
struct stg_recall_response {
	const char *recall_id;
	const char *query_hash;
	struct stg_scored_fact *facts;
	size_t n_facts;
	bool has_channels;           /* false with legacy_format (no content/instructions keys) */
	struct stg_scored_fact *content;
	size_t n_content;
	struct stg_scored_fact *instructions;
	size_t n_instructions;
	bool has_total_scored;
	long long total_scored;
	long long token_budget;
	long long tokens_used;
	bool truncated;
	size_t n_tombstone_notices;
	struct stg_chain_proof *chain_proof; /* NULL unless Stigmem-Verify: full */
};

/* §6 memory card. */
struct stg_card {
	const char *entity_uri;
	const char *scope;
	const char *summary;
	const char **fact_hashes;    /* hex sha256(fact id), no prefix */
	size_t n_fact_hashes;
	double avg_confidence;
	const char *refreshed_at;
	bool is_stale;
	bool has_contradictions;
};

/* §4.5 provenance. */
struct stg_provenance_entry {
	const char *hash;
	const char *fact_id;
	const char *entity;
	bool exists;
};

struct stg_provenance {
	const char *fact_id;
	const char *cid;
	struct stg_provenance_entry *derived_from;
	size_t n_derived_from;
};

/* §4.6 verify-cid. */
struct stg_verify_cid_result {
	bool cid_valid;
	const char *computed_cid;
	const char *stored_cid;
	const char *mismatch_reason;
};

/* §8.2 graph neighbours. */
struct stg_neighbor {
	const char *entity;
	const char *relation;
	int hops;
	double confidence;
	bool has_source_trust;
	double source_trust;
	const char **path;
	size_t n_path;
};

struct stg_neighbors {
	const char *entity;
	int depth;
	struct stg_neighbor *neighbors;
	size_t n_neighbors;
	const char *next_cursor;
	long long total_hint;
};

/* §9 audit log entry (GET /v1/audit). */
struct stg_audit_entry {
	const char *id;
	const char *fact_id;
	const char *event_type;
	const char *entity_uri;      /* the writer */
	const char *oidc_sub;
	const char *source;
	const char *attested_key_id;
	const char *ts;
	const char *attested_key_entity_uri;
	const char *attested_key_description;
	const char *fact_entity;
	const char *fact_relation;
	const char *fact_value_type;
	const char *fact_value_v;
	const char *fact_scope;
};

struct stg_audit_page {
	struct stg_audit_entry *entries;
	size_t n_entries;
	bool has_total;
	long long total;
	const char *cursor;          /* "<ts>|<id>" keyset cursor, NULL on the last page */
};

/* §8.3 subscriptions. */
struct stg_subscription {
	const char *id;
	const char *subscriber_identity;
	const char *target;
	const char *target_kind;     /* "scope" | "entity" */
	const char *on_change;       /* "webhook" | "wake" */
	const char *delivery_address;
	const char *idempotency_key;
	const char *created_at;
	const char *last_delivered_at;
	bool circuit_open;
	long long consecutive_failures;
};

struct stg_subscription_list {
	struct stg_subscription *subscriptions;
	size_t n_subscriptions;
	long long total;
};

/* Event payload (fact_asserted), or {fact_id, redacted:true}. */
struct stg_event_payload {
	bool redacted;
	const char *id;              /* "id", or "fact_id" when redacted */
	const char *entity;
	const char *relation;
	const char *value_type;
	const char *value_v;
	const char *source;
	const char *timestamp;
	const char *scope;
	bool has_confidence;
	double confidence;
	const char *garden_id;
	const char **sanitizer_warnings;
	size_t n_sanitizer_warnings;
};

struct stg_event {
	const char *id;
	const char *subscription_id;
	const char *event_type;
	const char *entity_uri;
	const char *fact_id;
	struct stg_event_payload payload;
	const char *created_at;
	const char *delivered_at;
	const char *delivery_status;
	long long delivery_attempts;
};

struct stg_event_page {
	struct stg_event *events;
	size_t n_events;
	long long total;
	const char *cursor;          /* decimal rowid, NULL on the last page */
};

/* POST /v1/auth/keys response (the raw key is never echoed). */
struct stg_api_key_info {
	const char *id;
	const char *entity_uri;
	const char **permissions;
	size_t n_permissions;
	const char *description;
	const char *created_at;
	const char *expires_at;
	const char *tenant_id;
};

#endif
