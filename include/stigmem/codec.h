/* stigmem/codec.h — JSON bodies from a node into the structs of stigmem/model.h.
 *
 * Every decoder takes the body text (need not be NUL-terminated), decodes it
 * with cJSON, copies what it keeps into `arena` and frees the cJSON tree
 * before returning: the result (*out) and everything it points to belong
 * to `arena` and live until stg_arena_done(arena).
 *
 * Rules (stigmem-api.md): unknown members are ignored; absent optional
 * members and JSON null are accepted; a member of the wrong JSON type, a
 * missing required member, or text that is not JSON is STG_ERR_DECODE with
 * err->where naming the path ("facts[3].confidence") and err->detail saying
 * what was expected. On error *out is left NULL; the arena may hold partial
 * allocations (freed with it). */
#ifndef STIGMEM_CODEC_H
#define STIGMEM_CODEC_H

#include <stddef.h>

#include "stigmem/arena.h"
#include "stigmem/model.h"
#include "stigmem/status.h"

/* Flags for decoders. */
enum stg_decode_flags {
	STG_DECODE_KEEP_RAW = 1u << 0, /* fill stg_fact.raw_json (compact JSON per fact) */
};

#define STG_DECODER(name, type)                                                        \
	enum stg_status stg_decode_##name(const char *json, size_t len, unsigned flags, \
					  struct stg_arena *arena, type **out,         \
					  struct stg_error *err)

STG_DECODER(fact, struct stg_fact);                   /* FactRecord */
STG_DECODER(fact_page, struct stg_fact_page);         /* GET /v1/facts */
STG_DECODER(node_info, struct stg_node_info);         /* GET /.well-known/stigmem */
STG_DECODER(me, struct stg_me);                       /* GET /v1/me */
STG_DECODER(health, struct stg_health);               /* GET /healthz */
STG_DECODER(peer_list, struct stg_peer_list);         /* GET /v1/federation/peers */
STG_DECODER(conflict_page, struct stg_conflict_page); /* GET /v1/conflicts */
STG_DECODER(resolution, struct stg_resolution);       /* POST …/resolve */
STG_DECODER(recall_response, struct stg_recall_response); /* POST /v1/recall */
STG_DECODER(chain_proof, struct stg_chain_proof);     /* a bare chain_proof object */
STG_DECODER(checkpoint, struct stg_checkpoint);       /* a bare checkpoint object */
STG_DECODER(card, struct stg_card);                   /* GET /v1/cards/{entity} */
STG_DECODER(provenance, struct stg_provenance);       /* GET /v1/facts/{id}/provenance */
STG_DECODER(verify_cid, struct stg_verify_cid_result); /* POST /v1/facts/{id}/verify-cid */
STG_DECODER(neighbors, struct stg_neighbors);         /* GET /v1/graph/neighbors */
STG_DECODER(audit_page, struct stg_audit_page);       /* GET /v1/audit */
STG_DECODER(subscription, struct stg_subscription);   /* POST/GET /v1/subscriptions/{id} */
STG_DECODER(subscription_list, struct stg_subscription_list); /* GET /v1/subscriptions */
STG_DECODER(event_page, struct stg_event_page);       /* GET /v1/subscriptions/{id}/events */
STG_DECODER(api_key_info, struct stg_api_key_info);   /* POST /v1/auth/keys */

#undef STG_DECODER

/* Fill `err` from a failed HTTP exchange: status class from the HTTP code
 * (stg_status_from_http), `code` from an object detail's "code", and
 * `detail` rendered readably from any error shape (§1.1): a string detail;
 * {code, message, …extra}; a 422 list ("body.confidence: Input should be
 * less than or equal to 1; …"); a 429 {error, dimension, retry_after};
 * a text/plain or empty body (the first line of the text, or the HTTP
 * reason). retry_after comes from the body's retry_after, else from the
 * Retry-After header text (may be NULL). Never fails; never reads past len. */
void stg_decode_error_body(long http_status, const char *body, size_t len,
			   const char *retry_after_header, struct stg_error *err);

#endif
