/* verbs_triage.c — operator verbs: `resolve` (a write, refused in
 * read-only mode and without --yes) and `verify` (the node's whole fact
 * chain through recall with Stigmem-Verify: full). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "app/cli.h"
#include "app/cli_internal.h"
#include "stigmem/codec.h"
#include "stigmem/verify.h"

/* ---- resolve ------------------------------------------------------------ */

/* Parse --value JSON into a typed value, validated like the node would:
 * {"type": one of the seven, "v": matching JSON type} ("null": no v).
 * Strings point into `tree`, which must outlive the value. */
static bool
parse_new_value(cJSON *tree, struct stg_value *out, char *why, size_t cap)
{
	cJSON *type = cJSON_GetObjectItemCaseSensitive(tree, "type");
	cJSON *v = cJSON_GetObjectItemCaseSensitive(tree, "v");
	enum stg_value_type t;

	if (!cJSON_IsObject(tree) || !cJSON_IsString(type)) {
		snprintf(why, cap, "--value wants a JSON object {\"type\": …, \"v\": …}");
		return false;
	}
	t = stg_value_type_parse(type->valuestring);
	switch (t) {
	case STG_VT_STRING:
	case STG_VT_TEXT:
	case STG_VT_DATETIME:
	case STG_VT_REF:
		if (!cJSON_IsString(v)) {
			snprintf(why, cap, "a %s value needs a string \"v\"", type->valuestring);
			return false;
		}
		if (t == STG_VT_REF && strstr(v->valuestring, "://") == NULL &&
		    strncmp(v->valuestring, "urn:", 4) != 0) {
			snprintf(why, cap, "a ref value must be a URI with :// or urn: (the node "
					   "blanks informal refs on read)");
			return false;
		}
		*out = t == STG_VT_STRING	? stg_value_string(v->valuestring)
		       : t == STG_VT_TEXT	? stg_value_text(v->valuestring)
		       : t == STG_VT_DATETIME ? stg_value_datetime(v->valuestring)
					      : stg_value_ref(v->valuestring);
		return true;
	case STG_VT_NUMBER:
		if (!cJSON_IsNumber(v)) {
			snprintf(why, cap, "a number value needs a numeric \"v\"");
			return false;
		}
		*out = stg_value_number(v->valuedouble);
		return true;
	case STG_VT_BOOLEAN:
		if (!cJSON_IsBool(v)) {
			snprintf(why, cap, "a boolean value needs \"v\": true or false");
			return false;
		}
		*out = stg_value_boolean(cJSON_IsTrue(v));
		return true;
	case STG_VT_NULL:
		if (v != NULL && !cJSON_IsNull(v)) {
			snprintf(why, cap, "a null value takes no \"v\"");
			return false;
		}
		*out = stg_value_null();
		return true;
	default:
		snprintf(why, cap,
			 "unknown value type; use string, text, number, boolean, datetime, ref or null");
		return false;
	}
}

/* The two fact ids of a conflict from its meta-fact
 * `<conflict> stigmem:conflict:between "<fact_a> <fact_b>"` (§3.6). */
static bool
conflict_facts(struct stg_client *c, const char *conflict_id, struct stg_arena *arena,
	       char a[64], char b[64], struct stg_error *err)
{
	struct stg_query_params q;
	struct stg_fact_page *pg = NULL;
	const char *text, *sp;
	size_t k;

	memset(&q, 0, sizeof q);
	q.entity = conflict_id;
	q.relation = "stigmem:conflict:between";
	q.include_contradicted = STG_OPT_TRUE;
	q.include_expired = STG_OPT_TRUE;
	q.limit = 10;
	if (stg_client_query(c, &q, arena, &pg, NULL, err) != STG_OK)
		return false;
	for (k = 0; k < pg->n_facts; k++) {
		text = pg->facts[k].value.str;
		if (text == NULL || (sp = strchr(text, ' ')) == NULL)
			continue;
		if ((size_t)(sp - text) >= 64 || strlen(sp + 1) >= 64)
			continue;
		memcpy(a, text, (size_t)(sp - text));
		a[sp - text] = '\0';
		snprintf(b, 64, "%s", sp + 1);
		return true;
	}
	stg_error_set(err, STG_ERR_NOT_FOUND, "no conflict %s on this node", conflict_id);
	return false;
}

/* After a 409: who resolved it, and to what. */
static void
explain_already_resolved(struct stg_client *c, const char *conflict_id, struct stg_arena *arena)
{
	struct stg_conflict_params q;
	struct stg_conflict_page *pg = NULL;
	struct stg_fact *res = NULL;
	struct stg_error err;
	size_t k;

	memset(&q, 0, sizeof q);
	q.status = "resolved";
	q.limit = 500;
	stg_error_clear(&err);
	if (stg_client_list_conflicts(c, &q, arena, &pg, NULL, &err) != STG_OK)
		return;
	for (k = 0; k < pg->n_conflicts; k++) {
		const struct stg_conflict *cf = &pg->conflicts[k];

		if (cf->conflict_id == NULL || strcmp(cf->conflict_id, conflict_id) != 0 ||
		    cf->resolved_by == NULL)
			continue;
		fprintf(stderr, "  already resolved by fact ");
		cli_print_text(stderr, cf->resolved_by, 40);
		if (stg_client_get_fact(c, cf->resolved_by, NULL, arena, &res, NULL, &err) ==
		    STG_OK) {
			fprintf(stderr, "\n  who:  ");
			cli_print_text(stderr, res->source, 0);
			fprintf(stderr, "\n  what: ");
			if (res->value.str)
				cli_print_text(stderr, res->value.str, 80);
			else if (res->value.type == STG_VT_NUMBER && !res->value.is_null)
				fprintf(stderr, "%.17g", res->value.num);
			else if (res->value.type == STG_VT_BOOLEAN && !res->value.is_null)
				fprintf(stderr, "%s", res->value.boolean ? "true" : "false");
			else
				fprintf(stderr, "null");
			fprintf(stderr, "  (at ");
			cli_print_text(stderr, res->timestamp, 40);
			fprintf(stderr, ")");
		}
		fprintf(stderr, "\n");
		return;
	}
}

int
cli_verb_resolve(struct cli_ctx *ctx, int argc, char **argv)
{
	const char *id = NULL, *winner = NULL, *value_json = NULL, *note = NULL;
	bool yes = false;
	struct stg_resolve_params rp;
	struct stg_value nv;
	struct stg_client *c;
	struct stg_request *req = NULL;
	struct stg_resolution *res = NULL;
	struct stg_arena arena;
	struct stg_error err;
	struct stg_call_info info;
	cJSON *vtree = NULL;
	char a[64], b[64], why[160];
	const char *body;
	size_t blen;
	int i, rc = CLI_EXIT_OK;

	for (i = 0; i < argc; i++) {
		const char *o = argv[i];
		const char *v = (i + 1 < argc) ? argv[i + 1] : NULL;

		if (strcmp(o, "--winner") == 0 && v) {
			winner = v;
			i++;
		} else if (strcmp(o, "--value") == 0 && v) {
			value_json = v;
			i++;
		} else if (strcmp(o, "--note") == 0 && v) {
			note = v;
			i++;
		} else if (strcmp(o, "--yes") == 0 || strcmp(o, "-y") == 0) {
			yes = true;
		} else if (o[0] == '-' && o[1] != '\0') {
			return cli_usage_error("resolve", "unknown or incomplete option %s", o);
		} else if (id == NULL) {
			id = o;
		} else {
			return cli_usage_error("resolve", "one conflict id only");
		}
	}
	if (ctx->read_only) {
		fprintf(stderr, "stigmem-tui resolve: refused: read-only mode removes every write\n");
		return CLI_EXIT_USAGE;
	}
	if (id == NULL || strncmp(id, "stigmem:conflict:", 17) != 0)
		return cli_usage_error("resolve", "give the conflict id (stigmem:conflict:<uuid>)");
	if ((winner == NULL) == (value_json == NULL))
		return cli_usage_error("resolve", "give exactly one of --winner a|b|FACT_ID and "
						  "--value JSON");
	memset(&rp, 0, sizeof rp);
	rp.conflict_id = id;
	rp.resolution_note = note;
	if (value_json != NULL) {
		vtree = cJSON_Parse(value_json);
		if (vtree == NULL || !parse_new_value(vtree, &nv, why, sizeof why)) {
			cJSON_Delete(vtree);
			return cli_usage_error("resolve", "%s",
					       vtree ? why : "--value is not valid JSON");
		}
		rp.new_value = &nv;
	}
	c = cli_client(ctx);
	if (c == NULL) {
		cJSON_Delete(vtree);
		return CLI_EXIT_FAIL;
	}
	stg_arena_init(&arena);
	stg_error_clear(&err);
	if (winner != NULL) {
		if (strcmp(winner, "a") == 0 || strcmp(winner, "b") == 0) {
			if (!conflict_facts(c, id, &arena, a, b, &err)) {
				rc = cli_report_error("resolve", &err);
				goto out;
			}
			rp.winning_fact_id = winner[0] == 'a' ? a : b;
		} else {
			rp.winning_fact_id = winner;
		}
	}
	req = stg_request_resolve(&rp, &err);
	if (req == NULL) {
		rc = cli_report_error("resolve", &err);
		goto out;
	}
	body = stg_request_body(req, &blen);
	if (!yes) {
		/* Show exactly what would be sent, then stop. */
		printf("would send: POST ");
		cli_print_text(stdout, stg_request_target(req), 0);
		printf("\n            ");
		cli_print_textn(stdout, body ? body : "", body ? blen : 0, 0);
		printf("\nnothing sent: add --yes to resolve.\n");
		rc = CLI_EXIT_USAGE;
		goto out;
	}
	if (stg_client_execute(c, req, &arena, (void **)&res, &info, &err) != STG_OK) {
		rc = cli_report_error("resolve", &err);
		if (err.http_status == 409)
			explain_already_resolved(c, id, &arena);
		goto out;
	}
	if (ctx->json) {
		cJSON *doc = cJSON_ParseWithLength(info.body, info.body_len);

		if (doc == NULL)
			doc = cJSON_CreateObject();
		rc = cli_emit_json(doc);
	} else {
		printf("resolved ");
		cli_print_text(stdout, id, 0);
		printf(": resolution fact ");
		cli_print_text(stdout, res->resolution_fact_id, 40);
		printf(" (status ");
		cli_print_text(stdout, res->conflict_status, 20);
		printf(")\n");
	}
out:
	stg_request_free(req);
	cJSON_Delete(vtree);
	stg_arena_done(&arena);
	return rc;
}

/* ---- verify ------------------------------------------------------------- */

/* 409 fact_chain_mismatch: print (or return as JSON) the reason, the chain
 * position and the fact as served now. */
static int
report_tamper(struct cli_ctx *ctx, struct stg_client *c, const struct stg_call_info *info,
	      struct stg_arena *arena)
{
	cJSON *doc = info->body ? cJSON_ParseWithLength(info->body, info->body_len) : NULL;
	cJSON *detail = cJSON_GetObjectItemCaseSensitive(doc, "detail");
	cJSON *reason = cJSON_GetObjectItemCaseSensitive(detail, "mismatch_reason");
	cJSON *fid = cJSON_GetObjectItemCaseSensitive(detail, "fact_id");
	cJSON *seq = cJSON_GetObjectItemCaseSensitive(detail, "chain_seq");
	struct stg_fact *f = NULL;
	struct stg_error err;
	const char *r = cJSON_IsString(reason) ? reason->valuestring : NULL;

	stg_error_clear(&err);
	if (cJSON_IsString(fid))
		stg_client_get_fact(c, fid->valuestring, NULL, arena, &f, NULL, &err);
	if (ctx->json) {
		cJSON *out = cJSON_CreateObject();

		cJSON_AddBoolToObject(out, "valid", false);
		cJSON_AddStringToObject(out, "error", "fact_chain_mismatch");
		if (detail)
			cJSON_AddItemToObject(out, "detail", cJSON_Duplicate(detail, true));
		if (f != NULL) {
			cJSON *fj = cJSON_CreateObject();

			cJSON_AddStringToObject(fj, "entity", f->entity ? f->entity : "");
			cJSON_AddStringToObject(fj, "relation", f->relation ? f->relation : "");
			cJSON_AddItemToObject(out, "fact", fj);
		}
		cJSON_Delete(doc);
		cli_emit_json(out);
		return CLI_EXIT_FAIL;
	}
	printf("fact chain: TAMPERED (fact_chain_mismatch)\n");
	printf("  reason   ");
	cli_print_text(stdout, r ? r : "(not given)", 40);
	if (*stg_chain_mismatch_meaning(r))
		printf(" — %s", stg_chain_mismatch_meaning(r));
	printf("\n");
	if (cJSON_IsNumber(seq))
		printf("  seq      %.0f\n", seq->valuedouble);
	if (cJSON_IsString(fid)) {
		printf("  fact     ");
		cli_print_text(stdout, fid->valuestring, 40);
		printf("\n");
	}
	if (f != NULL) {
		printf("  now      ");
		cli_print_text(stdout, f->entity, 60);
		printf("  ");
		cli_print_text(stdout, f->relation, 40);
		printf("\n  inspect  stigmem-tui facts --entity ");
		cli_print_text(stdout, f->entity, 0);
		printf("\n");
	} else if (cJSON_IsString(fid)) {
		printf("  (the fact cannot be read back: %s)\n", stg_status_message(err.status));
	}
	cJSON_Delete(doc);
	return CLI_EXIT_FAIL;
}

int
cli_verb_verify(struct cli_ctx *ctx, int argc, char **argv)
{
	enum stg_proof_mode mode = STG_PROOF_LAG_AWARE;
	bool require_cp = false;
	struct stg_recall_params p;
	struct stg_recall_response *r = NULL;
	struct stg_proof_report rep, other;
	struct stg_client *c;
	struct stg_arena arena;
	struct stg_error err;
	struct stg_call_info info;
	int i, rc;

	memset(&p, 0, sizeof p);
	for (i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--require-checkpoint") == 0) {
			require_cp = true;
		} else if (strcmp(a, "--mode") == 0 && i + 1 < argc) {
			const char *v = argv[++i];

			if (strcmp(v, "sdk") == 0)
				mode = STG_PROOF_SDK;
			else if (strcmp(v, "lag-aware") == 0)
				mode = STG_PROOF_LAG_AWARE;
			else
				return cli_usage_error("verify", "--mode wants sdk or lag-aware");
		} else if (strcmp(a, "--scope") == 0 && i + 1 < argc) {
			p.scope = argv[++i];
		} else {
			return cli_usage_error("verify", "unknown argument %s", a);
		}
	}
	c = cli_client(ctx);
	if (c == NULL)
		return CLI_EXIT_FAIL;
	/* The node re-verifies the caller's whole chain on any recall with the
	 * header; keep the recall itself as small as possible. */
	p.query = "stigmem-tui-verify";
	p.verify_full = true;
	p.token_budget = 1;
	p.limit = 1;
	p.include_neighbors = STG_OPT_FALSE;
	stg_arena_init(&arena);
	stg_error_clear(&err);
	if (stg_client_recall(c, &p, &arena, &r, &info, &err) != STG_OK) {
		if (err.http_status == 409 && strcmp(err.code, "fact_chain_mismatch") == 0)
			rc = report_tamper(ctx, c, &info, &arena);
		else
			rc = cli_report_error("verify", &err);
		stg_arena_done(&arena);
		return rc;
	}
	stg_verify_chain_proof(r->chain_proof, mode, require_cp, &rep);
	stg_verify_chain_proof(r->chain_proof,
			       mode == STG_PROOF_SDK ? STG_PROOF_LAG_AWARE : STG_PROOF_SDK,
			       require_cp, &other);
	rc = rep.valid ? CLI_EXIT_OK : CLI_EXIT_FAIL;
	if (ctx->json) {
		cJSON *doc = cli_proof_json(&rep, r->chain_proof);

		cJSON_AddBoolToObject(doc, mode == STG_PROOF_SDK ? "lag_aware_valid" : "sdk_valid",
				      other.valid);
		if (cli_emit_json(doc) != CLI_EXIT_OK)
			rc = CLI_EXIT_FAIL;
	} else {
		printf("fact chain: %s (mode %s%s); the %s check would %s\n",
		       rep.valid ? "VALID" : "INVALID", stg_proof_mode_name(mode),
		       require_cp ? ", checkpoint required" : "",
		       mode == STG_PROOF_SDK ? "lag-aware" : "upstream SDK",
		       other.valid ? "pass" : "FAIL");
		if (r->chain_proof != NULL)
			cli_print_proof_summary(r->chain_proof, &rep);
		cli_print_proof_checks(&rep, "  ");
	}
	stg_arena_done(&arena);
	return rc;
}
