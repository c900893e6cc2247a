/* card.h — memory cards of stigmem-lite (stigmem-api.md §6), shared by
 * GET /v1/cards/{entity} and recall's card fast path (§5.5). The hooks
 * lite_card_schema / lite_card_mark_stale are declared in lite_internal.h. */
#ifndef STIGMEM_LITE_CARD_H
#define STIGMEM_LITE_CARD_H

#include <stdbool.h>
#include <stddef.h>

#include <cJSON.h>

#include "node/lite_internal.h"

#define LITE_CARD_MAX_ROWS 20

/* One card. Embedded by value; lite_card_done() frees the heap members. */
struct lite_card {
	char *summary;               /* owned; may hold U+0000 from stored values (summary_len) */
	size_t summary_len;
	char *fact_hashes;           /* owned; JSON array text of hex sha256(fact id) */
	double avg_confidence;       /* rounded to 6 decimals */
	char refreshed_at[LITE_TS_MAX];
	bool has_contradictions;
};

/* Free the members of `c` (not c itself); c may be NULL. */
void lite_card_done(struct lite_card *c);

/* The card of (entity, scope, tenant), entity already normalized: the cached
 * one when fresh, else rebuilt and stored (also when `refresh`). Returns 1
 * with *card filled (caller calls lite_card_done), 0 when the entity has no
 * card rows ("no facts found for entity"), -1 on SQL failure/OOM. */
int lite_card_get(struct lite_node *n, const char *entity, const char *scope,
		  const char *tenant, bool refresh, struct lite_card *card);

/* The §6 response object of a card. Caller owns the result (NULL on OOM). */
cJSON *lite_card_json(const struct lite_card *c, const char *entity, const char *scope);

/* The summary text of a card built from rows (pure; for tests): appends
 * "Entity: <uri>\nFacts:" and one "\n  <relation>: <value_v> (conf=<x.xx>)"
 * line per row to `out`. values[i] may be NULL (written as "None"). */
bool lite_card_summary(const char *entity, size_t n_rows, const char *const *relations,
		       const char *const *values, const size_t *value_lens,
		       const double *confidences, struct stg_buf *out);

#endif
