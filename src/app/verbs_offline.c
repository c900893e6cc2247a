/* verbs_offline.c — verbs that need no node: `cid` and `verify-proof`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "app/cli.h"
#include "app/cli_internal.h"
#include "stigmem/cid.h"
#include "stigmem/codec.h"
#include "stigmem/verify.h"

/* A recorded exchange {"request", "status", "body": {...}} holds the fact
 * in "body": return that object's text (heap, cJSON_free) or NULL. */
static char *
unwrap_exchange(const char *text, size_t len)
{
	cJSON *root = cJSON_ParseWithLength(text, len), *body;
	char *out = NULL;

	if (root == NULL)
		return NULL;
	body = cJSON_GetObjectItemCaseSensitive(root, "body");
	if (cJSON_IsObject(root) && cJSON_IsObject(body) &&
	    cJSON_HasObjectItem(root, "status") && cJSON_HasObjectItem(root, "request")) {
		/* body_raw is the exact text received: number spelling intact. */
		cJSON *raw = cJSON_GetObjectItemCaseSensitive(root, "body_raw");

		if (cJSON_IsString(raw)) {
			out = cJSON_malloc(strlen(raw->valuestring) + 1);
			if (out != NULL)
				strcpy(out, raw->valuestring);
		} else {
			cli_json_exact(body);
			out = cJSON_PrintUnformatted(body);
		}
	}
	cJSON_Delete(root);
	return out;
}

int
cli_verb_cid(struct cli_ctx *ctx, int argc, char **argv)
{
	const char *path = NULL;
	bool verify = false;
	struct stg_arena arena;
	struct stg_error err;
	struct stg_fact *fact = NULL;
	struct stg_cid_input in;
	struct stg_fact_cid_check chk;
	char scratch[STG_PYFLOAT_MAX];
	char cid[STG_HASH_MAX];
	struct stg_buf canon;
	char *text, *inner;
	size_t len;
	int i, rc = CLI_EXIT_OK;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--verify") == 0)
			verify = true;
		else if (argv[i][0] == '-' && argv[i][1] != '\0')
			return cli_usage_error("cid", "unknown option %s", argv[i]);
		else if (path == NULL)
			path = argv[i];
		else
			return cli_usage_error("cid", "only one input file");
	}
	text = cli_read_input(path, &len);
	if (text == NULL)
		return CLI_EXIT_USAGE;
	inner = unwrap_exchange(text, len);
	if (inner != NULL) {
		free(text);
		len = strlen(inner);
		text = malloc(len + 1);
		if (text != NULL)
			memcpy(text, inner, len + 1);
		cJSON_free(inner);
		if (text == NULL)
			return CLI_EXIT_FAIL;
	}
	stg_arena_init(&arena);
	stg_error_clear(&err);
	stg_buf_init(&canon);
	if (stg_decode_fact(text, len, 0, &arena, &fact, &err) != STG_OK) {
		cli_report_error(path ? path : "stdin", &err);
		rc = CLI_EXIT_USAGE;
		goto out;
	}
	stg_fact_cid_input(fact, &in, scratch);
	if (!stg_cid_canonical(&in, &canon) || !stg_cid_compute(&in, cid)) {
		fprintf(stderr, "stigmem-tui: out of memory\n");
		rc = CLI_EXIT_FAIL;
		goto out;
	}
	if (verify) {
		stg_verify_fact_cid(fact, &chk);
		if (chk.verdict == STG_CID_MISMATCH)
			rc = CLI_EXIT_FAIL;
	}
	if (ctx->json) {
		cJSON *doc = cJSON_CreateObject();

		cJSON_AddStringToObject(doc, "cid", cid);
		cJSON_AddItemToObject(doc, "canonical",
				      cJSON_CreateString(canon.data ? canon.data : ""));
		if (verify) {
			if (fact->cid)
				cJSON_AddStringToObject(doc, "stored_cid", fact->cid);
			else
				cJSON_AddNullToObject(doc, "stored_cid");
			cJSON_AddStringToObject(doc, "verdict", stg_cid_verdict_name(chk.verdict));
			if (chk.has_integer_cid)
				cJSON_AddStringToObject(doc, "integer_cid", chk.integer_cid);
			cJSON_AddBoolToObject(doc, "possibly_sanitized", chk.possibly_sanitized);
		}
		if (cli_emit_json(doc) != CLI_EXIT_OK)
			rc = CLI_EXIT_FAIL;
	} else {
		printf("%s\n", cid);
		if (verify) {
			printf("stored:  ");
			if (fact->cid)
				cli_print_text(stdout, fact->cid, 80);
			else
				printf("(none)");
			printf("\nverdict: %s", stg_cid_verdict_name(chk.verdict));
			if (chk.verdict == STG_CID_VERIFIED_INTEGER_SPELLING)
				printf(" (the node hashed the integer spelling; %s)", chk.integer_cid);
			else if (chk.verdict == STG_CID_MISMATCH && chk.possibly_sanitized)
				printf(" (possibly rewritten by the node's read path; confirm with "
				       "the node's verify-cid)");
			printf("\n");
		}
	}
out:
	stg_buf_done(&canon);
	stg_arena_done(&arena);
	free(text);
	return rc;
}

/* Find the chain_proof in a recall response, a recorded exchange
 * ({"body": {...}}), or take the document as a bare proof. *absent is set
 * when the document says chain_proof is null/missing. */
static char *
extract_proof(const char *text, size_t len, bool *absent, bool *bad)
{
	cJSON *root, *node, *body;
	char *out = NULL;

	*absent = false;
	*bad = false;
	root = cJSON_ParseWithLength(text, len);
	if (root == NULL || !cJSON_IsObject(root)) {
		*bad = true;
		cJSON_Delete(root);
		return NULL;
	}
	node = root;
	body = cJSON_GetObjectItemCaseSensitive(root, "body");
	if (cJSON_IsObject(body) && cJSON_GetObjectItemCaseSensitive(root, "status"))
		node = body;
	if (cJSON_GetObjectItemCaseSensitive(node, "recall_id") ||
	    cJSON_HasObjectItem(node, "chain_proof")) {
		node = cJSON_GetObjectItemCaseSensitive(node, "chain_proof");
		if (node == NULL || cJSON_IsNull(node)) {
			*absent = true;
			cJSON_Delete(root);
			return NULL;
		}
	}
	cli_json_exact(node);
	out = cJSON_PrintUnformatted(node);
	cJSON_Delete(root);
	return out;
}

void
cli_print_proof_summary(const struct stg_chain_proof *p, const struct stg_proof_report *r)
{
	const struct stg_checkpoint *cp;

	printf("  tenant ");
	cli_print_text(stdout, p->tenant_id, 60);
	printf(", %lld chain entries, head ", p->checked_entries);
	if (p->head_hash)
		cli_print_text(stdout, p->head_hash, 80);
	else
		printf("(empty chain)");
	printf("\n");
	cp = p->checkpoint;
	if (cp == NULL) {
		printf("  no checkpoint\n");
		return;
	}
	printf("  checkpoint ");
	cli_print_text(stdout, cp->id, 60);
	printf(" covers seq %lld", cp->covered_chain_seq);
	if (r->has_lag && r->lag > 0)
		printf(" (lags the head by %lld %s)", r->lag, r->lag == 1 ? "entry" : "entries");
	else if (r->has_lag && r->lag == 0)
		printf(" (at the head)");
	printf(", status ");
	cli_print_text(stdout, cp->status, 20);
	printf(", backend ");
	cli_print_text(stdout, cp->tl_backend, 20);
	if (cp->has_tl_log_index)
		printf(", log index %lld", cp->tl_log_index);
	if (cp->has_tl_integrated_time)
		printf(", integrated %lld", cp->tl_integrated_time);
	printf("\n");
}

void
cli_print_proof_checks(const struct stg_proof_report *r, const char *indent)
{
	size_t k;

	for (k = 0; k < r->n_checks; k++) {
		printf("%s[%s] %s", indent, r->checks[k].ok ? " ok " : "FAIL", r->checks[k].name);
		if (r->checks[k].detail[0]) {
			printf(": ");
			cli_print_text(stdout, r->checks[k].detail, 0);
		}
		printf("\n");
	}
}

cJSON *
cli_proof_json(const struct stg_proof_report *rep, const struct stg_chain_proof *proof)
{
	cJSON *doc = cJSON_CreateObject(), *checks = cJSON_CreateArray();
	size_t k;

	cJSON_AddBoolToObject(doc, "valid", rep->valid);
	cJSON_AddStringToObject(doc, "mode", stg_proof_mode_name(rep->mode));
	cJSON_AddBoolToObject(doc, "require_checkpoint", rep->require_checkpoint);
	for (k = 0; k < rep->n_checks; k++) {
		cJSON *c = cJSON_CreateObject();

		cJSON_AddStringToObject(c, "name", rep->checks[k].name);
		cJSON_AddBoolToObject(c, "ok", rep->checks[k].ok);
		cJSON_AddStringToObject(c, "detail", rep->checks[k].detail);
		cJSON_AddItemToArray(checks, c);
	}
	cJSON_AddItemToObject(doc, "checks", checks);
	if (rep->has_lag)
		cJSON_AddNumberToObject(doc, "checkpoint_lag", (double)rep->lag);
	if (proof != NULL) {
		cJSON_AddNumberToObject(doc, "checked_entries", (double)proof->checked_entries);
		if (proof->head_hash)
			cJSON_AddStringToObject(doc, "head_hash", proof->head_hash);
		else
			cJSON_AddNullToObject(doc, "head_hash");
	}
	return doc;
}

int
cli_verb_verify_proof(struct cli_ctx *ctx, int argc, char **argv)
{
	const char *path = NULL;
	enum stg_proof_mode mode = STG_PROOF_LAG_AWARE;
	bool require_cp = false, absent, bad;
	struct stg_chain_proof *proof = NULL;
	struct stg_proof_report rep;
	struct stg_arena arena;
	struct stg_error err;
	char *text, *ptext = NULL;
	size_t len;
	int i, rc;

	for (i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--require-checkpoint") == 0) {
			require_cp = true;
		} else if (strcmp(a, "--mode") == 0 || strncmp(a, "--mode=", 7) == 0) {
			const char *v = a[6] == '=' ? a + 7 : (i + 1 < argc ? argv[++i] : NULL);

			if (v && strcmp(v, "sdk") == 0)
				mode = STG_PROOF_SDK;
			else if (v && strcmp(v, "lag-aware") == 0)
				mode = STG_PROOF_LAG_AWARE;
			else
				return cli_usage_error("verify-proof", "--mode wants sdk or lag-aware");
		} else if (a[0] == '-' && a[1] != '\0') {
			return cli_usage_error("verify-proof", "unknown option %s", a);
		} else if (path == NULL) {
			path = a;
		} else {
			return cli_usage_error("verify-proof", "only one input file");
		}
	}
	text = cli_read_input(path, &len);
	if (text == NULL)
		return CLI_EXIT_USAGE;
	stg_arena_init(&arena);
	stg_error_clear(&err);
	ptext = extract_proof(text, len, &absent, &bad);
	if (bad) {
		fprintf(stderr, "stigmem-tui verify-proof: %s: not a JSON object\n",
			path ? path : "stdin");
		rc = CLI_EXIT_USAGE;
		goto out;
	}
	if (!absent) {
		if (ptext == NULL) {
			fprintf(stderr, "stigmem-tui: out of memory\n");
			rc = CLI_EXIT_FAIL;
			goto out;
		}
		if (stg_decode_chain_proof(ptext, strlen(ptext), 0, &arena, &proof, &err) !=
		    STG_OK) {
			cli_report_error(path ? path : "stdin", &err);
			rc = CLI_EXIT_USAGE;
			goto out;
		}
	}
	stg_verify_chain_proof(proof, mode, require_cp, &rep);
	rc = rep.valid ? CLI_EXIT_OK : CLI_EXIT_FAIL;
	if (ctx->json) {
		if (cli_emit_json(cli_proof_json(&rep, proof)) != CLI_EXIT_OK)
			rc = CLI_EXIT_FAIL;
	} else {
		printf("chain proof: %s (mode %s%s)\n", rep.valid ? "VALID" : "INVALID",
		       stg_proof_mode_name(mode), require_cp ? ", checkpoint required" : "");
		if (proof != NULL)
			cli_print_proof_summary(proof, &rep);
		cli_print_proof_checks(&rep, "  ");
	}
out:
	cJSON_free(ptext);
	stg_arena_done(&arena);
	free(text);
	return rc;
}
