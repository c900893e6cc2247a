/* stigmem/cid.h — content ids, Python-compatible number text, canonical JSON
 * and the fact-chain / checkpoint / transparency-log hashes (stigmem-api.md
 * §10 and §11). Shared by the client's verifiers and by stigmem-lite.
 *
 * All functions are pure; inputs are borrowed. Output strings go into
 * caller-provided fixed arrays or a caller-owned struct stg_buf. */
#ifndef STIGMEM_CID_H
#define STIGMEM_CID_H

#include <stdbool.h>
#include <stddef.h>

#include "stigmem/buf.h"

#define STG_PYFLOAT_MAX 32  /* enough for any double's repr + NUL */
#define STG_HASH_MAX 72     /* "sha256:" + 64 hex + NUL */
#define STG_HEX_MAX 65      /* 64 hex + NUL */

/* Python repr() of a double (json.dumps float text): "1.0", "1e-05",
 * "1e+16", "-0.0", shortest round-trip digits (§10.4). Returns the length.
 * NaN/Inf render as "NaN"/"Infinity"/"-Infinity" like Python json. */
size_t stg_pyfloat_format(double x, char out[STG_PYFLOAT_MAX]);

/* Python str() of a JSON integer given as decimal text is the text itself;
 * this gives the exact decimal integer spelling of an integral double
 * ("42", "10000000000000000", "9007199254740992"). Returns false when x is
 * not integral or not finite. */
bool stg_pyint_format(double x, char *out, size_t cap);

/* Append s (n bytes, may contain U+0000) as a JSON string the way Python's
 * json.dumps(..., ensure_ascii=False) writes it (§10.3). */
bool stg_json_put_pystring(struct stg_buf *b, const char *s, size_t n);

/* Hex SHA-256 of bytes (64 lowercase hex + NUL). */
void stg_sha256_hex(const void *data, size_t n, char out[STG_HEX_MAX]);
/* "sha256:" + hex SHA-256 of bytes. */
void stg_sha256_prefixed(const void *data, size_t n, char out[STG_HASH_MAX]);

/* The seven CID members (§10.1). value_v_len lets value_v hold U+0000;
 * pass (size_t)-1 to use strlen(value_v). NULL value_v hashes as "". */
struct stg_cid_input {
	double confidence;
	const char *entity;
	const char *relation;
	const char *scope;
	const char *source;
	const char *value_type;
	const char *value_v;
	size_t value_v_len;
};

/* Canonical JSON text hashed for a CID, appended to `out`. */
bool stg_cid_canonical(const struct stg_cid_input *in, struct stg_buf *out);
/* "sha256:<hex>" of the canonical text. Returns false on OOM. */
bool stg_cid_compute(const struct stg_cid_input *in, char out[STG_HASH_MAX]);
/* True when s is "sha256:" + exactly 64 lowercase hex digits. */
bool stg_cid_is_wellformed(const char *s);

/* §11.1 chain event: canon of {cid, confidence, entity, fact_id, relation,
 * scope, source, tenant_id, value_type, value_v}. cid NULL => JSON null;
 * value_v NULL => "". */
struct stg_chain_event {
	const char *cid;
	double confidence;
	const char *entity;
	const char *fact_id;
	const char *relation;
	const char *scope;
	const char *source;
	const char *tenant_id;
	const char *value_type;
	const char *value_v;
	size_t value_v_len;         /* (size_t)-1 => strlen */
};

bool stg_chain_event_canonical(const struct stg_chain_event *ev, struct stg_buf *out);
bool stg_chain_event_hash(const struct stg_chain_event *ev, char out[STG_HASH_MAX]);

/* §11.1 chain link: canon of {chain_seq, created_at, event_hash, fact_id,
 * previous_hash (NULL => JSON null), tenant_id}. */
struct stg_chain_link {
	long long chain_seq;
	const char *created_at;
	const char *event_hash;
	const char *fact_id;
	const char *previous_hash;
	const char *tenant_id;
};

bool stg_chain_link_canonical(const struct stg_chain_link *ln, struct stg_buf *out);
bool stg_chain_link_hash(const struct stg_chain_link *ln, char out[STG_HASH_MAX]);

/* §11.2/§11.3 checkpoint payload {chain_hash, covered_chain_seq, created_at,
 * kind:"stigmem.fact_chain_checkpoint", tenant_id, version:1}: canonical
 * text and its leaf hash (hex, no prefix). */
bool stg_checkpoint_payload_canonical(const char *chain_hash, long long covered_chain_seq,
				      const char *created_at, const char *tenant_id,
				      struct stg_buf *out);
bool stg_checkpoint_leaf_hash(const char *chain_hash, long long covered_chain_seq,
			      const char *created_at, const char *tenant_id,
			      char out[STG_HEX_MAX]);

/* §11.3 local transparency-log link: hex SHA-256 of the ASCII text
 * prev_hex + leaf_hex. */
void stg_tl_chain_hash(const char *prev_hex, const char *leaf_hex, char out[STG_HEX_MAX]);

/* Canonicalize arbitrary JSON text the way Python json.dumps(sort_keys=True,
 * separators=(",", ":"), ensure_ascii=False) would re-serialize it (floats via
 * stg_pyfloat_format, integers kept as integers). Used for tl_raw.payload. */
bool stg_json_canonicalize(const char *json, size_t n, struct stg_buf *out);

#endif
