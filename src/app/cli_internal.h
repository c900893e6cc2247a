/* app/cli_internal.h — shared state and helpers of the headless verbs.
 *
 * struct cli_ctx lives on cli_main()'s stack; verbs borrow it. Strings in
 * it point into argv or into heap copies owned by the context (freed by
 * cli_ctx_done). Node text is printed only through cli_print_text() and
 * friends, which sanitize it. */
#ifndef APP_CLI_INTERNAL_H
#define APP_CLI_INTERNAL_H

#include <stdbool.h>
#include <stdio.h>

#include "stigmem/client.h"
#include "stigmem/status.h"

struct cli_ctx {
	const char *url;          /* resolved base URL (flag > STIGMEM_URL > default) */
	char *api_key;            /* heap copy (wiped on done) or NULL */
	const char *ca_file;
	const char *ca_dir;
	bool insecure;
	bool allow_insecure_key;
	long timeout_ms;
	bool json;                /* --json */
	bool read_only;           /* --read-only */
	int width;                /* columns for human output (COLUMNS or 100) */
	struct stg_client *client;/* created on first use by cli_client() */
};

/* Client for ctx (created lazily); NULL after printing the error. */
struct stg_client *cli_client(struct cli_ctx *ctx);

/* Print an error from a call: "stigmem-tui: WHAT: message (HTTP n, code): detail",
 * detail sanitized. Returns the exit code for it (1). */
int cli_report_error(const char *what, const struct stg_error *err);

/* Print node text sanitized on one line, clipped to `max_width` cells
 * (0 = unlimited). */
void cli_print_text(FILE *f, const char *s, size_t max_width);
/* Same for text that may hold U+0000 (explicit length). */
void cli_print_textn(FILE *f, const char *s, size_t len, size_t max_width);
/* Node text sanitized, clipped and padded with spaces to exactly `width` cells. */
void cli_print_padded(FILE *f, const char *s, size_t width);
/* Multi-line node text, every line prefixed with `indent`. */
void cli_print_block(FILE *f, const char *s, const char *indent);

/* Read a whole file ("-" = stdin) into a heap buffer (caller frees).
 * Caps at 256 MiB. NULL with a message printed on failure. */
char *cli_read_input(const char *path, size_t *len);

struct cJSON;
/* Replace every number in the tree by its exact shortest round-trip text
 * (cJSON's own printer rounds to 15 significant digits). Then print. */
void cli_json_exact(struct cJSON *node);
/* Print `doc` compactly with exact numbers, newline-terminated, to stdout,
 * and free it. Returns an exit code (1 on allocation failure). */
int cli_emit_json(struct cJSON *doc);

struct stg_chain_proof;
struct stg_proof_report;
/* Human proof output: summary lines (tenant, entries, head, checkpoint and
 * lag) and one line per named check, all node text sanitized. */
void cli_print_proof_summary(const struct stg_chain_proof *p, const struct stg_proof_report *r);
void cli_print_proof_checks(const struct stg_proof_report *r, const char *indent);
/* {"valid","mode","require_checkpoint","checks":[…],"checkpoint_lag",
 * "checked_entries","head_hash"}; proof may be NULL. Caller owns the tree. */
struct cJSON *cli_proof_json(const struct stg_proof_report *rep,
			     const struct stg_chain_proof *proof);

/* Parse "l,s,g,t,r" into weights; false on malformed text. */
bool cli_parse_weights(const char *s, struct stg_recall_weights *w);

/* Verbs: argc/argv start at the verb's first argument. Return exit codes. */
int cli_verb_cid(struct cli_ctx *ctx, int argc, char **argv);
int cli_verb_verify_proof(struct cli_ctx *ctx, int argc, char **argv);
int cli_verb_info(struct cli_ctx *ctx, int argc, char **argv);
int cli_verb_facts(struct cli_ctx *ctx, int argc, char **argv);
int cli_verb_card(struct cli_ctx *ctx, int argc, char **argv);
int cli_verb_recall(struct cli_ctx *ctx, int argc, char **argv);
int cli_verb_conflicts(struct cli_ctx *ctx, int argc, char **argv);
int cli_verb_resolve(struct cli_ctx *ctx, int argc, char **argv);
int cli_verb_verify(struct cli_ctx *ctx, int argc, char **argv);

/* Usage error for a verb: prints "stigmem-tui VERB: msg" and a hint; returns 2. */
int cli_usage_error(const char *verb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
