/* chain.h — the per-tenant fact chain, its checkpoints and the local
 * transparency-log file of stigmem-lite (stigmem-api.md §11), as used by
 * recall's `Stigmem-Verify: full`. The write-side hooks (lite_chain_schema,
 * lite_chain_on_insert) are declared in lite_internal.h. */
#ifndef STIGMEM_LITE_CHAIN_H
#define STIGMEM_LITE_CHAIN_H

#include <cJSON.h>

#include "node/lite_internal.h"

/* Re-verify the whole chain of `tenant` against the CURRENT stored fact rows
 * (§11.4). Returns 0 with *proof set to a new chain_proof object
 * {tenant_id, checked_entries, head_hash, checkpoint} (caller owns it);
 * 1 when the chain does not verify — then rs holds the 409
 * {"detail":{"code":"fact_chain_mismatch",…}} and *proof is NULL; -1 on an
 * internal failure (rs holds a 500). */
int lite_chain_proof(struct lite_node *n, const char *tenant, struct lite_resp *rs,
		     cJSON **proof);

/* The latest checkpoint of `tenant` (by covered_chain_seq, any status) as a
 * FactChainCheckpointProof object, or a JSON null item when there is none.
 * Caller owns the result; NULL on SQL failure/OOM. */
cJSON *lite_chain_latest_checkpoint(struct lite_node *n, const char *tenant);

/* Number of chain entries of `tenant` (0 for none, -1 on SQL failure). */
long long lite_chain_length(struct lite_node *n, const char *tenant);

/* tl_log_id of a log path: first 16 hex of SHA-256 of its absolute path
 * (relative paths are joined to the current directory, "./" segments and
 * duplicate slashes dropped). out gets 16 hex + NUL. */
void lite_chain_tl_log_id(const char *path, char out[17]);

#endif
