/* stigmem/verify.h — client-side checks of what a node returns:
 * fact CIDs (stigmem-api.md §10.6), chain_proof objects (§11.4, §11.5) and
 * whole fact chains (§11.1; used by stigmem-lite and the vector tests).
 *
 * Everything here is pure: inputs are borrowed, results go into
 * caller-owned structs made of fixed-size arrays (nothing to free). Only
 * the tl_raw.payload re-canonicalization of stg_verify_chain_proof() uses
 * temporary heap memory, released before it returns.
 * Detail strings may quote node text (ids, hashes, tenant names) raw: pass
 * them through stg_text_sanitize() before display. */
#ifndef STIGMEM_VERIFY_H
#define STIGMEM_VERIFY_H

#include <stdbool.h>
#include <stddef.h>

#include "stigmem/cid.h"
#include "stigmem/model.h"

/* ---- fact CIDs --------------------------------------------------------- */

/* Verdict of a client-side CID check. Order is stable (append only). */
enum stg_cid_verdict {
	STG_CID_VERIFIED,                  /* stored cid == CID of the response fields */
	STG_CID_VERIFIED_INTEGER_SPELLING, /* matched only with the integer spelling of an integral number (§10.6) */
	STG_CID_MISMATCH,                  /* neither spelling matches */
	STG_CID_NO_CID,                    /* cid is null: nothing to verify */
	STG_CID_UNVERIFIABLE_REDACTED,     /* sanitizer_redacted: the read path blanked v */
};

/* Stable display name: "verified", "verified-integer-spelling", "mismatch",
 * "no-cid", "unverifiable-redacted" (static string; "unknown" if out of range). */
const char *stg_cid_verdict_name(enum stg_cid_verdict v);

/* Result of stg_verify_fact_cid(). Embedded by value; nothing to free. */
struct stg_fact_cid_check {
	enum stg_cid_verdict verdict;
	/* Mismatch on a string/text fact: the read path may have rewritten v
	 * (NFKC, control/bidi stripping) without a trace; show "unverifiable,
	 * possibly sanitized — confirm with verify-cid". */
	bool possibly_sanitized;
	char computed_cid[STG_HASH_MAX];  /* CID from the response fields, SDK rule ("" on failure) */
	/* Set when computed_cid did not match (and cid/redaction allowed a
	 * check) on a number type holding an integral double. */
	bool has_integer_cid;
	char integer_cid[STG_HASH_MAX];   /* CID with the exact integer spelling, when has_integer_cid */
};

/* The SDK's read-side value_v of a decoded fact: "null" for the null type,
 * "true"/"false" for booleans, Python float repr for numbers, the string
 * itself otherwise, "" for a null v on a non-null type. The result points
 * either into the fact (borrowed) or into `scratch`; *len gets its length
 * (strings may hold U+0000). Never returns NULL. */
const char *stg_fact_value_v(const struct stg_fact *fact, char scratch[STG_PYFLOAT_MAX],
			     size_t *len);

/* Fill a CID input from a decoded fact (SDK rule, see stg_fact_value_v).
 * `in` borrows from `fact` and `scratch`, which must outlive its use. */
void stg_fact_cid_input(const struct stg_fact *fact, struct stg_cid_input *in,
			char scratch[STG_PYFLOAT_MAX]);

/* Check fact->cid against the response fields (§10.6 allowances: integer
 * spelling retry for integral numbers; redacted values are unverifiable;
 * string/text mismatches flagged possibly_sanitized). computed_cid is
 * filled in every case, integer_cid when the retry ran. Returns false only
 * if hashing failed (out is then a MISMATCH). */
bool stg_verify_fact_cid(const struct stg_fact *fact, struct stg_fact_cid_check *out);

/* ---- chain_proof (§11.4/§11.5) ----------------------------------------- */

enum stg_proof_mode {
	STG_PROOF_SDK,       /* the SDK's verify_fact_chain_proof, verdict for verdict */
	STG_PROOF_LAG_AWARE, /* lagging checkpoint accepted; local log link recomputed */
};

/* "sdk" / "lag-aware" (static). */
const char *stg_proof_mode_name(enum stg_proof_mode m);

#define STG_PROOF_CHECKS_MAX 16
#define STG_PROOF_DETAIL_MAX 256

/* One named check. `name` is a static stable identifier ("proof_present",
 * "checked_entries", "head_hash", "checkpoint_present", "checkpoint_tenant",
 * "checkpoint_head", "checkpoint_covered_seq", "checkpoint_submitted",
 * "tl_leaf_hash_present", "tl_log_index_present", "tl_payload_leaf_hash",
 * "tl_payload_fields", "tl_raw_leaf_hash", "tl_log_link"). A failed check's
 * detail is the SDK's error message where the SDK has one. */
struct stg_proof_check {
	const char *name;
	bool ok;
	char detail[STG_PROOF_DETAIL_MAX];
};

/* Result of stg_verify_chain_proof(). Embedded by value; nothing to free. */
struct stg_proof_report {
	bool valid;                  /* every check ok */
	enum stg_proof_mode mode;
	bool require_checkpoint;
	size_t n_checks;
	struct stg_proof_check checks[STG_PROOF_CHECKS_MAX];
	int first_failure;           /* index into checks[], -1 when valid */
	bool has_lag;                /* a checkpoint is present */
	long long lag;               /* checked_entries - covered_chain_seq */
};

/* Verify a chain_proof (NULL = absent: "proof_present" fails). Checks run
 * in the SDK's order; ones that do not apply (no checkpoint, no tl_raw
 * payload) are left out rather than reported as passing.
 * Mode STG_PROOF_SDK: valid exactly when the SDK's verify_fact_chain_proof
 * (proof, require_checkpoint=...) accepts the proof.
 * Mode STG_PROOF_LAG_AWARE: the same checks, except covered_chain_seq <
 * checked_entries passes (reported as lag), checkpoint.chain_hash must
 * equal head_hash only when covered_chain_seq == checked_entries, and for
 * tl_backend "local" tl_raw.leaf_hash == tl_leaf_hash and
 * sha256(tl_raw.prev_hash + tl_raw.leaf_hash) == tl_raw.chain_hash are
 * also required. Payload comparison is by canonical text, so a payload
 * spelling an integer as 1.0 fails here although Python's == would pass it. */
void stg_verify_chain_proof(const struct stg_chain_proof *proof, enum stg_proof_mode mode,
			    bool require_checkpoint, struct stg_proof_report *out);

/* ---- whole chains (§11.1; the node's verify_fact_chain) ---------------- */

/* The stored facts-table columns the event hash reads. All borrowed. */
struct stg_chain_fact_row {
	const char *id;
	const char *tenant_id;       /* NULL => the entry's tenant_id */
	const char *entity;
	const char *relation;
	const char *value_type;
	const char *value_v;         /* NULL or "" both hash as "" */
	size_t value_v_len;          /* (size_t)-1 => strlen */
	const char *source;
	double confidence;
	const char *scope;
	const char *cid;             /* NULL => JSON null */
};

/* One fact_chain row, joined with its fact row. All borrowed. */
struct stg_chain_entry {
	long long chain_seq;
	const char *created_at;
	const char *event_hash;
	const char *previous_hash;   /* NULL for chain_seq 1 */
	const char *chain_hash;
	const char *fact_id;
	const char *tenant_id;
	const struct stg_chain_fact_row *fact; /* NULL when the facts row is missing */
};

enum stg_chain_mismatch {
	STG_CHAIN_OK,
	STG_CHAIN_SEQ_GAP,
	STG_CHAIN_PREVIOUS_HASH_MISMATCH,
	STG_CHAIN_FACT_MISSING,
	STG_CHAIN_EVENT_HASH_MISMATCH,
	STG_CHAIN_HASH_MISMATCH,
};

/* Wire name ("chain_seq_gap", "previous_hash_mismatch", "fact_missing",
 * "event_hash_mismatch", "chain_hash_mismatch"); NULL for STG_CHAIN_OK. */
const char *stg_chain_mismatch_name(enum stg_chain_mismatch m);

/* One-line plain-English meaning of a wire mismatch_reason as the node
 * sends it in a 409 fact_chain_mismatch ("a stored fact no longer hashes to
 * its chain entry …"); "" for NULL or an unknown reason. Static string. */
const char *stg_chain_mismatch_meaning(const char *reason);

/* Result of stg_verify_chain_entries(), shaped like the node's
 * FactChainVerification. fact_id borrows from the entries. */
struct stg_chain_verification {
	bool valid;
	long long checked_entries;   /* entries verified before the first failure */
	enum stg_chain_mismatch mismatch;
	const char *fact_id;         /* failing entry's fact_id, NULL when valid */
	bool has_chain_seq;
	long long chain_seq;         /* failing entry's chain_seq */
	char head_hash[STG_HASH_MAX]; /* chain_hash of the last entry when valid ("" if none) */
};

/* Verify entries[0..n) (one tenant, ordered by chain_seq) exactly like the
 * node: sequence contiguous from 1, previous_hash == prior chain_hash,
 * facts row present, event_hash recomputed from the row, chain_hash
 * recomputed from the entry. Returns out->valid. */
bool stg_verify_chain_entries(const struct stg_chain_entry *entries, size_t n,
			      struct stg_chain_verification *out);

#endif
