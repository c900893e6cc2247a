/* fuzz_codec.c — libFuzzer target for every decoder of stigmem/codec.h and
 * stg_decode_error_body().
 *
 * The input is a response body as the node would send it (the fixtures
 * under fixtures/reference-node make good seeds). Every decoder runs on it,
 * with and without STG_DECODE_KEEP_RAW, from an exactly-sized copy that is
 * not NUL-terminated, so a read past `len` is an ASan error. Aborts when a
 * decoder breaks its contract: a result and an error at once, an error
 * without a status, or unterminated error strings. Leaks are reported by
 * LeakSanitizer. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stigmem/arena.h"
#include "stigmem/codec.h"
#include "stigmem/status.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                     \
	do {                                                                            \
		if (!(cond)) {                                                          \
			fprintf(stderr, "fuzz_codec: check failed: %s (line %d)\n",     \
				#cond, __LINE__);                                       \
			abort();                                                        \
		}                                                                       \
	} while (0)

static void
check_error_strings(const struct stg_error *err)
{
	CHECK(memchr(err->code, '\0', sizeof(err->code)) != NULL);
	CHECK(memchr(err->where, '\0', sizeof(err->where)) != NULL);
	CHECK(memchr(err->detail, '\0', sizeof(err->detail)) != NULL);
	CHECK((int)err->status >= 0 && err->status < STG_STATUS_COUNT);
}

#define RUN_DECODER(name, type)                                                         \
	do {                                                                            \
		unsigned f_;                                                            \
		for (f_ = 0; f_ < 2; f_++) {                                            \
			struct stg_arena a_;                                            \
			struct stg_error e_;                                            \
			type *out_ = NULL;                                              \
			enum stg_status st_;                                            \
                                                                                        \
			stg_arena_init(&a_);                                            \
			stg_error_clear(&e_);                                           \
			st_ = stg_decode_##name(json, len,                              \
						f_ ? STG_DECODE_KEEP_RAW : 0u, &a_,     \
						&out_, &e_);                            \
			if (st_ == STG_OK) {                                            \
				CHECK(out_ != NULL);                                    \
			} else {                                                        \
				CHECK(out_ == NULL);                                    \
				CHECK(e_.status == st_);                                \
			}                                                               \
			check_error_strings(&e_);                                       \
			stg_arena_done(&a_);                                            \
		}                                                                       \
	} while (0)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const long statuses[] = { 400, 401, 403, 404, 409, 422, 429, 500, 503, 418 };
	char *json;
	size_t len = size;
	struct stg_error err;
	char header[16];

	/* Exactly-sized copy: no NUL after the body. */
	json = malloc(size ? size : 1);
	CHECK(json != NULL);
	if (size)
		memcpy(json, data, size);

	RUN_DECODER(fact, struct stg_fact);
	RUN_DECODER(fact_page, struct stg_fact_page);
	RUN_DECODER(node_info, struct stg_node_info);
	RUN_DECODER(me, struct stg_me);
	RUN_DECODER(health, struct stg_health);
	RUN_DECODER(peer_list, struct stg_peer_list);
	RUN_DECODER(conflict_page, struct stg_conflict_page);
	RUN_DECODER(resolution, struct stg_resolution);
	RUN_DECODER(recall_response, struct stg_recall_response);
	RUN_DECODER(chain_proof, struct stg_chain_proof);
	RUN_DECODER(checkpoint, struct stg_checkpoint);
	RUN_DECODER(card, struct stg_card);
	RUN_DECODER(provenance, struct stg_provenance);
	RUN_DECODER(verify_cid, struct stg_verify_cid_result);
	RUN_DECODER(neighbors, struct stg_neighbors);
	RUN_DECODER(audit_page, struct stg_audit_page);
	RUN_DECODER(subscription, struct stg_subscription);
	RUN_DECODER(subscription_list, struct stg_subscription_list);
	RUN_DECODER(event_page, struct stg_event_page);
	RUN_DECODER(api_key_info, struct stg_api_key_info);

	/* Error bodies: the status and Retry-After header come from the input's
	 * first bytes, the body is the whole input. */
	stg_error_clear(&err);
	stg_decode_error_body(statuses[size ? data[0] % 10 : 0], json, len, NULL, &err);
	check_error_strings(&err);
	CHECK(err.status != STG_OK);
	memset(header, 0, sizeof(header));
	if (size > 1)
		memcpy(header, data + 1, size - 1 < sizeof(header) - 1 ? size - 1 : sizeof(header) - 1);
	stg_error_clear(&err);
	stg_decode_error_body(429, json, len, header, &err);
	check_error_strings(&err);
	CHECK(err.status == STG_ERR_RATE_LIMITED);
	stg_decode_error_body(500, NULL, 0, NULL, &err);
	check_error_strings(&err);

	free(json);
	return 0;
}
