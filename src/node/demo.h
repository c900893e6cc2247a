/* demo.h — stigmem-lite's deterministic datasets: `--demo` and
 * `--generate N`.
 *
 * A generator does not touch the store: it emits a sequence of operations
 * to a sink of callbacks, and the node executes them (POST /v1/facts logic
 * for an assert, the resolve logic of POST /v1/conflicts/{id}/resolve for a
 * resolution). The same seed gives the same operations, byte for byte, on
 * every run and every machine.
 *
 * Ownership: every string handed to a callback is borrowed for the
 * duration of that call only; copy what you keep. The generator allocates
 * internally and frees everything before returning. */
#ifndef STIGMEM_LITE_DEMO_H
#define STIGMEM_LITE_DEMO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Room for a fact id written by the sink (UUID, "sha256:…" or anything
 * shorter). */
#define LITE_DEMO_ID_MAX 80

/* The demo expects a small checkpoint interval so that its ~2,000 writes
 * cut several checkpoints; pass this as --checkpoint-interval under --demo. */
#define LITE_DEMO_CHECKPOINT_INTERVAL 250

/* Seeds of the two datasets (fixed; part of their definition). */
#define LITE_DEMO_SEED UINT64_C(0x5717A3E3D0C0FFEE)
#define LITE_GENERATE_SEED UINT64_C(0x9E3779B97F4A7C15)

/* One assert operation. */
struct lite_demo_fact {
	const char *body;        /* POST /v1/facts JSON body, NUL-terminated, valid UTF-8 JSON */
	size_t len;              /* bytes in body */
	int age_days;            /* suggested age of the fact's timestamp in days (0 = now); a
				    node may backdate the row by this much to give recency some
				    spread, or ignore it */
	const char *tag;         /* static label of what the fact demonstrates ("hostile:osc52",
				    "retraction", "conflict", "expired", …) or NULL */
};

/* One resolution: resolve the conflict recorded between fact_a (the newer
 * fact, whose write detected it) and fact_b (the older). Exactly one of
 * winner_id / new_value_json is non-NULL. */
struct lite_demo_resolve {
	const char *fact_a_id;
	const char *fact_b_id;
	const char *winner_id;       /* equals fact_a_id or fact_b_id, or NULL */
	const char *new_value_json;  /* FactValue JSON {"type":…,"v":…}, or NULL */
};

/* Callbacks. Each returns 0 to continue; anything else stops the run and
 * is returned by lite_demo_run()/lite_generate_run(). */
struct lite_demo_sink {
	void *ctx;
	/* Assert a fact. Write the id of the stored fact (NUL-terminated,
	 * < id_cap bytes) into id_out; later operations refer to it. */
	int (*assert_fact)(void *ctx, const struct lite_demo_fact *f, char *id_out, size_t id_cap);
	/* Resolve a conflict (may be NULL for --generate, which resolves nothing). */
	int (*resolve)(void *ctx, const struct lite_demo_resolve *r);
};

/* What a run emitted, counted by the generator itself. */
struct lite_demo_stats {
	size_t n_facts;              /* assert operations */
	size_t n_entities;           /* distinct entity URIs asserted */
	size_t n_by_type[7];         /* by value type in enum stg_value_type order
					(string, text, number, boolean, datetime, ref, null) */
	size_t n_by_scope[4];        /* local, team, company, public */
	size_t n_conflicts;          /* conflicts the node's value-blind rule records (§3.6) */
	size_t n_resolved_winner;
	size_t n_resolved_new_value;
	size_t n_retractions;        /* confidence 0.0 */
	size_t n_hostile;            /* facts carrying hostile terminal strings */
	size_t n_instructions;       /* interpret_as "instruction" */
	size_t n_expired;            /* valid_until in the past */
	size_t n_future_expiry;      /* valid_until in the future */
};

/* Emit the --demo dataset (about 150 entities, 2,000 facts, 25+ conflicts,
 * some resolved by winner and some by new value). stats may be NULL.
 * Returns 0, a callback's non-zero value, or -1 on OOM / a bad sink. */
int lite_demo_run(const struct lite_demo_sink *sink, struct lite_demo_stats *stats);

/* Emit n synthetic facts (deterministic for a given n) over about n/10
 * entities of six types, with type-appropriate relations and values, ref
 * links between entities and a few same-key re-assertions. Same return
 * convention as lite_demo_run(). */
int lite_generate_run(uint64_t n, const struct lite_demo_sink *sink,
		      struct lite_demo_stats *stats);

/* The same generator with the n facts spread over m entities instead
 * (--generate-entities M): exactly min(m, n) distinct entities, the first
 * m facts one per entity, then further relations of the same entities;
 * with more than 10 facts per entity the extra ones re-assert relations
 * (conflicts). Deterministic for a given (n, m); m == 0 is exactly
 * lite_generate_run(n, …). */
int lite_generate_run_spread(uint64_t n, uint64_t m, const struct lite_demo_sink *sink,
			     struct lite_demo_stats *stats);

#endif
