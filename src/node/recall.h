/* recall.h — hybrid recall of stigmem-lite (stigmem-api.md §5): helpers
 * beyond lite_route_recall (declared in lite_internal.h). */
#ifndef STIGMEM_LITE_RECALL_H
#define STIGMEM_LITE_RECALL_H

#include <stdbool.h>
#include <stddef.h>

#include "node/lite_internal.h"

/* Turn the semantic stage on or off for this node (default off, like the
 * reference node whose embeddings are disabled unless configured). When on
 * and weights.semantic > 0, recall scores every live fact of the scope with
 * the deterministic hashed character-3-gram embedding of stigmem/embed.h
 * (cosine against the query) — a small local stand-in, not a language model.
 * Stores no heap state. */
void lite_recall_set_embeddings(struct lite_node *n, bool on);
bool lite_recall_embeddings(const struct lite_node *n);

/* §5.3 FTS query text: the query with each of " ( ) ^ * - : , replaced by
 * a space, otherwise unchanged. Returns a malloc'd string (caller frees). */
char *lite_recall_fts_query(const char *query);

/* §5.3 LIKE fallback words: up to `max` runs of >= 2 word characters
 * (letters, digits, '_', any non-ASCII character), in order. Fills
 * starts/lens (byte offsets into query); returns the count. */
size_t lite_recall_like_words(const char *query, size_t max, size_t *starts, size_t *lens);

#endif
