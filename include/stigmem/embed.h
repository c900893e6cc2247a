/* stigmem/embed.h — a small deterministic local text embedding used as
 * stigmem-lite's "semantic" recall signal.
 *
 * This is NOT a language model and knows nothing about meaning: it is a
 * bag of hashed character 3-grams, a local stand-in that makes the
 * semantic stage of recall produce real, reproducible numbers (spelling
 * variants and shared word pieces score high, unrelated text low).
 *
 * Algorithm (stable; stored vectors depend on it):
 *  1. decode UTF-8 (invalid bytes become U+FFFD); lowercase ASCII, Latin-1,
 *     Latin Extended-A, Greek and Cyrillic capitals (simple case mapping);
 *  2. every run of characters that are not letters/digits (ASCII
 *     punctuation, whitespace, controls, format characters) becomes one
 *     space; the text is padded with one space at each end;
 *  3. each window of 3 consecutive code points is hashed with 32-bit
 *     FNV-1a over its UTF-8 bytes and counted in dimension hash % 256;
 *  4. the count vector is L2-normalised (an all-zero vector stays zero).
 * Cosine similarity of two such vectors lies in [0, 1] (counts are never
 * negative); a zero vector has similarity 0 with everything.
 *
 * Pure functions, no globals, no allocation. */
#ifndef STIGMEM_EMBED_H
#define STIGMEM_EMBED_H

#include <stddef.h>

#define STG_EMBED_DIM 256

/* One embedding, embedded by value; 1 KiB. Storable as a BLOB as is
 * (native float layout, STG_EMBED_DIM floats). */
struct stg_embedding {
	float v[STG_EMBED_DIM];
};

/* Embed n bytes of UTF-8 text (may contain U+0000). s may be NULL when
 * n == 0. */
void stg_embed_text(const char *s, size_t n, struct stg_embedding *out);

/* Cosine similarity of two embeddings, clamped to [0, 1]. */
double stg_embed_cosine(const struct stg_embedding *a, const struct stg_embedding *b);

/* Convenience: cosine similarity of two texts (embeds both). */
double stg_embed_similarity(const char *a, size_t na, const char *b, size_t nb);

#endif
