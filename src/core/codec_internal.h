/* codec_internal.h — shared by the codec sources (src/core/codec*.c) and
 * their tests; not installed.
 *
 * Two decoding paths exist:
 *  - the general one: cJSON tree -> structs (codec.c, helpers in codec_json.c);
 *  - a single-pass reader for facts and the responses that embed them
 *    (codec_fast.c), which never builds a tree.
 * The public decoders of everything that carries facts (stg_decode_fact,
 * _fact_page, _recall_response, _conflict_page) use the single-pass reader,
 * so every fact is read the same way (U+0000 kept, raw_json spelled as
 * received); a recall's chain_proof is handed to the cJSON decoder. The
 * cJSON versions below stay as the reference the tests compare against.
 *
 * Known differences and limits:
 *  - U+0000: both paths keep it in value strings (stg_value.str_len); every
 *    other string ends at it. The cJSON path maps "\u0000" through U+FFFF
 *    while parsing, so when a body also holds U+FFFF it falls back to
 *    ending value strings at U+0000 too.
 *  - The single-pass reader is strict JSON: raw control characters in
 *    strings and lone surrogates are errors (cJSON accepts the former).
 *  - A member given twice: both keep the first.
 *  - Compact JSON: the reader copies the received text without whitespace
 *    (number spelling kept); the cJSON path prints the tree with exact
 *    shortest doubles (integral values without a fraction). */
#ifndef STG_CODEC_INTERNAL_H
#define STG_CODEC_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "stigmem/arena.h"
#include "stigmem/codec.h"
#include "stigmem/model.h"
#include "stigmem/status.h"

/* Decoding context: destination arena, error record, and the path of the
 * member being decoded ("facts[3].value"), kept as text for err->where. */
struct codec_ctx {
	struct stg_arena *arena;
	struct stg_error *err;
	unsigned flags;
	bool nul_mapped;     /* cJSON path: U+FFFF in parsed strings stands for U+0000 */
	size_t plen;
	char path[STG_ERROR_WHERE_MAX];
};

void stg_codec_ctx_init(struct codec_ctx *c, struct stg_arena *arena,
			struct stg_error *err, unsigned flags);
/* Append ".key" (or "key" at the root) / "[i]" to the path; return the old
 * length for stg_codec_path_pop(). Truncates silently when the path is full. */
size_t stg_codec_path_key(struct codec_ctx *c, const char *key);
size_t stg_codec_path_index(struct codec_ctx *c, size_t i);
void stg_codec_path_pop(struct codec_ctx *c, size_t len);

/* STG_ERR_DECODE at path(.member); printf-style detail. Returns -1. */
int stg_codec_fail(struct codec_ctx *c, const char *member, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* STG_ERR_NOMEM. Returns -1. */
int stg_codec_nomem(struct codec_ctx *c);

/* JSON type name of a cJSON item ("string", "number", …, "absent"). */
const char *stg_codec_cjson_type(const cJSON *item);

/* Parse `json` (len bytes, trailing whitespace only). NULL + error on failure. */
cJSON *stg_codec_parse(struct codec_ctx *c, const char *json, size_t len);

/* Member getters on a cJSON object. `req` = missing/null is an error.
 * All return 0 on success, -1 with the error set. */
int stg_codec_get_str(struct codec_ctx *c, const cJSON *obj, const char *key, bool req,
		      const char **out);
int stg_codec_get_num(struct codec_ctx *c, const cJSON *obj, const char *key, bool req,
		      double *out, bool *has);
int stg_codec_get_ll(struct codec_ctx *c, const cJSON *obj, const char *key, bool req,
		     long long *out, bool *has);
int stg_codec_get_int(struct codec_ctx *c, const cJSON *obj, const char *key, bool req, int *out);
int stg_codec_get_bool(struct codec_ctx *c, const cJSON *obj, const char *key, bool req,
		       bool *out);
int stg_codec_get_tristate(struct codec_ctx *c, const cJSON *obj, const char *key,
			   enum stg_tristate *out);
/* Array of strings; *has false when absent/null (then *out NULL, *n 0). */
int stg_codec_get_str_array(struct codec_ctx *c, const cJSON *obj, const char *key, bool req,
			    const char ***out, size_t *n, bool *has);
/* Object / array member (NULL when absent or null and !req). */
int stg_codec_get_obj(struct codec_ctx *c, const cJSON *obj, const char *key, bool req,
		      const cJSON **out);
int stg_codec_get_arr(struct codec_ctx *c, const cJSON *obj, const char *key, bool req,
		      const cJSON **out);
/* Compact JSON text of an item copied into the arena. */
int stg_codec_compact(struct codec_ctx *c, const cJSON *item, const char **out);
/* Copy a cJSON string value into the arena (ends at a U+0000). */
int stg_codec_strdup(struct codec_ctx *c, const char *s, const char **out);
/* Same, keeping U+0000 and reporting the length in bytes. */
int stg_codec_strdup_len(struct codec_ctx *c, const char *s, const char **out, size_t *len);
/* A JSON number that must be an integer (|x| <= 2^53) into *out. */
int stg_codec_num_to_ll(struct codec_ctx *c, const char *key, double d, long long *out);

/* cJSON decoders of one object (shared between routes). */
int stg_codec_fact_from(struct codec_ctx *c, const cJSON *obj, struct stg_fact *f);
int stg_codec_value_from(struct codec_ctx *c, const cJSON *obj, struct stg_value *v);

/* A chain_proof object (cJSON path), for the single-pass recall reader. */
int stg_codec_chain_proof_from(struct codec_ctx *c, const cJSON *obj, struct stg_chain_proof *p);

/* Reference (cJSON) versions of the decoders that embed facts; same
 * contract as stg_decode_fact(), stg_decode_fact_page(),
 * stg_decode_recall_response() and stg_decode_conflict_page(). */
enum stg_status stg_codec_fact_cjson(const char *json, size_t len, unsigned flags,
				     struct stg_arena *arena, struct stg_fact **out,
				     struct stg_error *err);
enum stg_status stg_codec_fact_page_cjson(const char *json, size_t len, unsigned flags,
					  struct stg_arena *arena, struct stg_fact_page **out,
					  struct stg_error *err);

enum stg_status stg_codec_recall_response_cjson(const char *json, size_t len, unsigned flags,
						struct stg_arena *arena,
						struct stg_recall_response **out,
						struct stg_error *err);
enum stg_status stg_codec_conflict_page_cjson(const char *json, size_t len, unsigned flags,
					      struct stg_arena *arena,
					      struct stg_conflict_page **out, struct stg_error *err);

/* Single-pass versions (codec_fast.c); the public decoders of the four. */
enum stg_status stg_codec_fact_fast(const char *json, size_t len, unsigned flags,
				    struct stg_arena *arena, struct stg_fact **out,
				    struct stg_error *err);
enum stg_status stg_codec_fact_page_fast(const char *json, size_t len, unsigned flags,
					 struct stg_arena *arena, struct stg_fact_page **out,
					 struct stg_error *err);
enum stg_status stg_codec_recall_response_fast(const char *json, size_t len, unsigned flags,
					       struct stg_arena *arena,
					       struct stg_recall_response **out,
					       struct stg_error *err);
enum stg_status stg_codec_conflict_page_fast(const char *json, size_t len, unsigned flags,
					     struct stg_arena *arena,
					     struct stg_conflict_page **out, struct stg_error *err);

#endif
