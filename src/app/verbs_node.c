/* verbs_node.c — verbs that talk to a node: info, facts, card, recall,
 * conflicts. Human output sanitizes every node string; --json re-emits the
 * node's own JSON (escaped by the JSON writer) with our findings added. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "app/cli.h"
#include "app/cli_internal.h"
#include "stigmem/cid.h"
#include "stigmem/codec.h"
#include "stigmem/score.h"
#include "stigmem/verify.h"

/* ---- small helpers ------------------------------------------------------ */

/* The node's body as a JSON tree (NULL when absent or not JSON). */
static cJSON *
body_json(const struct stg_call_info *info)
{
	if (info->body == NULL)
		return NULL;
	return cJSON_ParseWithLength(info->body, info->body_len);
}

static cJSON *
error_json(const struct stg_error *err)
{
	cJSON *e = cJSON_CreateObject();

	cJSON_AddStringToObject(e, "status", stg_status_name(err->status));
	cJSON_AddStringToObject(e, "message", stg_status_message(err->status));
	if (err->http_status)
		cJSON_AddNumberToObject(e, "http_status", (double)err->http_status);
	if (err->code[0])
		cJSON_AddStringToObject(e, "code", err->code);
	if (err->detail[0])
		cJSON_AddStringToObject(e, "detail", err->detail);
	if (err->retry_after > 0)
		cJSON_AddNumberToObject(e, "retry_after", err->retry_after);
	return e;
}

/* Raw display text of a value (node text: sanitize before printing). */
static const char *
value_text(const struct stg_value *v, char *scratch, size_t cap, size_t *len)
{
	char num[STG_PYFLOAT_MAX];

	switch (v->type) {
	case STG_VT_NUMBER:
		if (v->is_null)
			break;
		stg_pyfloat_format(v->num, num);
		snprintf(scratch, cap, "%s", num);
		*len = strlen(scratch);
		return scratch;
	case STG_VT_BOOLEAN:
		if (v->is_null)
			break;
		snprintf(scratch, cap, "%s", v->boolean ? "true" : "false");
		*len = strlen(scratch);
		return scratch;
	case STG_VT_NULL:
		break;
	default:
		if (v->str != NULL) {
			*len = v->str_len;
			return v->str;
		}
		break;
	}
	snprintf(scratch, cap, "null");
	*len = 4;
	return scratch;
}

static void
print_value(const struct stg_value *v, size_t width)
{
	char scratch[64];
	const char *s;
	size_t len;

	s = value_text(v, scratch, sizeof scratch, &len);
	if (v->type == STG_VT_REF && !v->is_null)
		fputs("-> ", stdout);
	cli_print_textn(stdout, s, len, width);
}

/* The node's "now" in its own timestamp format, for string comparison with
 * valid_until (the node compares strings, §1). */
static void
node_now(char out[40])
{
	struct timespec ts;
	struct tm tm;
	size_t n;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = strftime(out, 40, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out + n, 40 - n, ".%06u+00:00", (unsigned)(ts.tv_nsec / 1000) % 1000000u);
}

/* Markers shown next to a fact; letters so meaning never rests on colour. */
static void
fact_markers(const struct stg_fact *f, const char *now, char out[16])
{
	size_t n = 0;

	if (f->confidence == 0.0)
		out[n++] = 'R';
	if (f->valid_until && strcmp(f->valid_until, now) <= 0)
		out[n++] = 'E';
	if (f->contradicted)
		out[n++] = 'C';
	if (f->sanitizer_redacted)
		out[n++] = 'X';
	if (f->quarantine_status && strcmp(f->quarantine_status, "pending") == 0)
		out[n++] = 'Q';
	if (f->n_sanitizer_warnings)
		out[n++] = 'W';
	out[n] = '\0';
}

static const char *
cid_badge(const struct stg_fact *f, struct stg_fact_cid_check *chk)
{
	stg_verify_fact_cid(f, chk);
	if (chk->verdict == STG_CID_MISMATCH && chk->possibly_sanitized)
		return "unverifiable-possibly-sanitized";
	return stg_cid_verdict_name(chk->verdict);
}

static const char *
rel(const struct stg_fact *f)
{
	return f->relation ? f->relation : "";
}

/* Spec 15 winner rule: higher confidence, then higher HLC (integers). */
static bool
fact_beats(const struct stg_fact *a, const struct stg_fact *b)
{
	if (a->confidence != b->confidence)
		return a->confidence > b->confidence;
	return stg_hlc_compare(a->hlc, b->hlc) > 0;
}

/* ---- info --------------------------------------------------------------- */

int
cli_verb_info(struct cli_ctx *ctx, int argc, char **argv)
{
	struct stg_client *c;
	struct stg_arena arena;
	struct stg_error e_info, e_me, e_health;
	struct stg_call_info i_info, i_me, i_health;
	struct stg_node_info *ni = NULL;
	struct stg_me *me = NULL;
	struct stg_health *h = NULL;
	enum stg_status s_info, s_me, s_health;
	size_t k;
	int rc;

	if (argc > 0)
		return cli_usage_error("info", "unexpected argument %s", argv[0]);
	c = cli_client(ctx);
	if (c == NULL)
		return CLI_EXIT_FAIL;
	stg_arena_init(&arena);
	stg_error_clear(&e_info);
	stg_error_clear(&e_me);
	stg_error_clear(&e_health);
	s_info = stg_client_node_info(c, &arena, &ni, &i_info, &e_info);
	s_me = stg_client_me(c, &arena, &me, &i_me, &e_me);
	s_health = stg_client_healthz(c, &arena, &h, &i_health, &e_health);
	rc = (s_info == STG_OK && s_health == STG_OK) ? CLI_EXIT_OK : CLI_EXIT_FAIL;

	if (ctx->json) {
		cJSON *doc = cJSON_CreateObject(), *lat = cJSON_CreateObject();

		cJSON_AddStringToObject(doc, "url", stg_client_base_url(c));
		cJSON_AddStringToObject(doc, "tls",
					!stg_client_is_https(c) ? "none"
					: stg_client_tls_insecure(c) ? "unverified"
								     : "verified");
		cJSON_AddItemToObject(doc, "well_known",
				      s_info == STG_OK ? body_json(&i_info) : cJSON_CreateNull());
		cJSON_AddItemToObject(doc, "me", s_me == STG_OK ? body_json(&i_me) : cJSON_CreateNull());
		cJSON_AddItemToObject(doc, "health",
				      s_health == STG_OK ? body_json(&i_health) : cJSON_CreateNull());
		if (s_info != STG_OK)
			cJSON_AddItemToObject(doc, "well_known_error", error_json(&e_info));
		if (s_me != STG_OK)
			cJSON_AddItemToObject(doc, "me_error", error_json(&e_me));
		if (s_health != STG_OK)
			cJSON_AddItemToObject(doc, "health_error", error_json(&e_health));
		cJSON_AddNumberToObject(lat, "well_known", i_info.latency_ms);
		cJSON_AddNumberToObject(lat, "me", i_me.latency_ms);
		cJSON_AddNumberToObject(lat, "health", i_health.latency_ms);
		cJSON_AddItemToObject(doc, "latency_ms", lat);
		if (cli_emit_json(doc) != CLI_EXIT_OK)
			rc = CLI_EXIT_FAIL;
		stg_arena_done(&arena);
		return rc;
	}

	printf("node        %s  (TLS: %s)\n", stg_client_base_url(c),
	       !stg_client_is_https(c)	     ? "none, plain http"
	       : stg_client_tls_insecure(c) ? "NOT VERIFIED"
					     : "verified");
	if (s_info == STG_OK) {
		printf("node id     ");
		cli_print_text(stdout, ni->node_id, 0);
		printf("\nversion     ");
		cli_print_text(stdout, ni->version, 40);
		printf("\nauth        ");
		cli_print_text(stdout, ni->auth, 20);
		printf("\nfederation  ");
		cli_print_text(stdout, ni->federation, 20);
		printf("   attestation ");
		cli_print_text(stdout, ni->source_attestation, 20);
		printf("\nnamespaces  ");
		for (k = 0; k < ni->n_namespaces; k++) {
			if (k)
				printf(" ");
			cli_print_text(stdout, ni->namespaces[k], 40);
		}
		printf("\n");
	} else {
		cli_report_error("well-known", &e_info);
	}
	if (s_me == STG_OK) {
		printf("principal   ");
		cli_print_text(stdout, me->entity_uri, 0);
		printf("  tenant ");
		cli_print_text(stdout, me->tenant_id, 40);
		printf("\npermissions ");
		for (k = 0; k < me->n_permissions; k++) {
			if (k)
				printf(", ");
			cli_print_text(stdout, me->permissions[k], 40);
		}
		printf("\n");
	} else {
		printf("principal   (unknown: %s%s)\n", stg_status_message(e_me.status),
		       e_me.http_status == 401 ? "; set STIGMEM_API_KEY or --key-file" : "");
	}
	if (s_health == STG_OK) {
		printf("health      ");
		cli_print_text(stdout, h->status, 20);
		printf("  (%.1f ms)\n", i_health.latency_ms);
	} else {
		cli_report_error("healthz", &e_health);
	}
	stg_arena_done(&arena);
	return rc;
}

/* ---- facts -------------------------------------------------------------- */

static int
cmp_fact_rel(const void *a, const void *b)
{
	const struct stg_fact *const *x = a, *const *y = b;
	int r = strcmp((*x)->relation ? (*x)->relation : "", (*y)->relation ? (*y)->relation : "");

	if (r != 0)
		return r;
	/* Winner first inside a relation. */
	if (fact_beats(*x, *y))
		return -1;
	if (fact_beats(*y, *x))
		return 1;
	return strcmp((*x)->id ? (*x)->id : "", (*y)->id ? (*y)->id : "");
}

int
cli_verb_facts(struct cli_ctx *ctx, int argc, char **argv)
{
	struct stg_query_params q;
	struct stg_client *c;
	struct stg_arena arena;
	struct stg_error err;
	struct stg_call_info info;
	struct stg_fact_page *page = NULL;
	struct stg_fact **sorted = NULL;
	struct stg_fact_cid_check chk;
	char now[40], marks[16];
	size_t k, n = 0, nrel = 0;
	int i, rc = CLI_EXIT_OK;
	size_t vw;

	memset(&q, 0, sizeof q);
	q.include_contradicted = STG_OPT_TRUE; /* the truth, not the node's filtered view */
	q.include_expired = STG_OPT_TRUE;
	q.limit = 500;
	for (i = 0; i < argc; i++) {
		const char *a = argv[i];
		const char *v = (i + 1 < argc) ? argv[i + 1] : NULL;

#define TAKE(field)                                                                   \
	do {                                                                          \
		if (v == NULL)                                                        \
			return cli_usage_error("facts", "%s needs a value", a);       \
		q.field = v;                                                          \
		i++;                                                                  \
	} while (0)
		if (strcmp(a, "--entity") == 0)
			TAKE(entity);
		else if (strcmp(a, "--relation") == 0)
			TAKE(relation);
		else if (strcmp(a, "--source") == 0)
			TAKE(source);
		else if (strcmp(a, "--scope") == 0)
			TAKE(scope);
		else if (strcmp(a, "--after") == 0)
			TAKE(after);
		else if (strcmp(a, "--cursor") == 0)
			TAKE(cursor);
		else if (strcmp(a, "--min-confidence") == 0) {
			char *end;
			if (v == NULL)
				return cli_usage_error("facts", "%s needs a value", a);
			q.min_confidence = strtod(v, &end);
			if (*end || q.min_confidence < 0 || q.min_confidence > 1)
				return cli_usage_error("facts", "--min-confidence wants 0..1");
			q.has_min_confidence = true;
			i++;
		} else if (strcmp(a, "--limit") == 0) {
			if (v == NULL || atoi(v) < 1 || atoi(v) > 500)
				return cli_usage_error("facts", "--limit wants 1..500");
			q.limit = atoi(v);
			i++;
		} else if (strcmp(a, "--hide-contradicted") == 0)
			q.include_contradicted = STG_OPT_UNSET;
		else if (strcmp(a, "--hide-expired") == 0)
			q.include_expired = STG_OPT_UNSET;
		else
			return cli_usage_error("facts", "unknown argument %s", a);
#undef TAKE
	}
	if (q.entity == NULL && q.relation == NULL && q.source == NULL && q.scope == NULL &&
	    q.after == NULL)
		return cli_usage_error("facts", "give --entity E (or another filter)");
	c = cli_client(ctx);
	if (c == NULL)
		return CLI_EXIT_FAIL;
	stg_arena_init(&arena);
	stg_error_clear(&err);
	if (stg_client_query(c, &q, &arena, &page, &info, &err) != STG_OK) {
		rc = cli_report_error("facts", &err);
		goto out;
	}
	node_now(now);

	if (ctx->json) {
		cJSON *doc = body_json(&info), *arr, *item;

		if (doc == NULL) {
			rc = CLI_EXIT_FAIL;
			goto out;
		}
		arr = cJSON_GetObjectItemCaseSensitive(doc, "facts");
		k = 0;
		cJSON_ArrayForEach(item, arr)
		{
			if (k >= page->n_facts)
				break;
			cJSON_AddStringToObject(item, "cid_check", cid_badge(&page->facts[k], &chk));
			k++;
		}
		cJSON_AddBoolToObject(doc, "more_exist", page->cursor != NULL);
		rc = cli_emit_json(doc);
		goto out;
	}

	sorted = calloc(page->n_facts ? page->n_facts : 1, sizeof *sorted);
	if (sorted == NULL) {
		rc = CLI_EXIT_FAIL;
		goto out;
	}
	/* De-duplicate by id (a node's cursor may repeat rows). */
	for (k = 0; k < page->n_facts; k++) {
		size_t j;
		bool dup = false;

		for (j = 0; j < n && !dup; j++)
			dup = page->facts[k].id && sorted[j]->id &&
			      strcmp(page->facts[k].id, sorted[j]->id) == 0;
		if (!dup)
			sorted[n++] = &page->facts[k];
	}
	qsort(sorted, n, sizeof *sorted, cmp_fact_rel);
	for (k = 0; k < n; k++)
		if (k == 0 || strcmp(rel(sorted[k]), rel(sorted[k - 1])) != 0)
			nrel++;
	if (q.entity)
		cli_print_text(stdout, q.entity, 0);
	else
		printf("query");
	printf(" — %zu fact%s, %zu relation%s\n", n, n == 1 ? "" : "s", nrel, nrel == 1 ? "" : "s");
	vw = ctx->width > 70 ? (size_t)ctx->width - 62 : 10;
	for (k = 0; k < n; k++) {
		const struct stg_fact *f = sorted[k];
		bool first = k == 0 || strcmp(rel(f), rel(sorted[k - 1])) != 0;

		if (first) {
			size_t cnt = 1;

			while (k + cnt < n && strcmp(rel(sorted[k + cnt]), rel(f)) == 0)
				cnt++;
			printf("\n");
			cli_print_text(stdout, f->relation, 60);
			if (cnt > 1)
				printf("  (%zu values)", cnt);
			printf("\n");
		}
		fact_markers(f, now, marks);
		printf("  %s ", first ? "*" : " ");
		print_value(&f->value, vw);
		printf("\n      conf %.2f  ", f->confidence);
		cli_print_text(stdout, f->scope, 10);
		printf("  ");
		cli_print_text(stdout, f->source, 40);
		printf("  ");
		cli_print_text(stdout, f->timestamp, 32);
		printf("  cid:%s", cid_badge(f, &chk));
		if (marks[0])
			printf("  [%s]", marks);
		printf("\n");
	}
	printf("\n* = winner per relation (higher confidence, then later HLC). Markers: "
	       "R retracted, E expired, C contradicted, X redacted by the node, "
	       "Q pending quarantine, W sanitizer warnings.\n");
	if (page->cursor)
		printf("More facts match than one page holds (limit %d): narrow the filters.\n",
		       q.limit);
out:
	free(sorted);
	stg_arena_done(&arena);
	return rc;
}

/* ---- card --------------------------------------------------------------- */

int
cli_verb_card(struct cli_ctx *ctx, int argc, char **argv)
{
	const char *entity = NULL, *scope = NULL;
	bool refresh = false;
	struct stg_client *c;
	struct stg_arena arena;
	struct stg_error err, qerr;
	struct stg_call_info info, qinfo;
	struct stg_card *card = NULL;
	struct stg_fact_page *page = NULL;
	struct stg_query_params q;
	char hex[STG_HEX_MAX];
	size_t k, j;
	int i, rc = CLI_EXIT_OK;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--scope") == 0 && i + 1 < argc)
			scope = argv[++i];
		else if (strcmp(argv[i], "--refresh") == 0)
			refresh = true;
		else if (argv[i][0] == '-')
			return cli_usage_error("card", "unknown argument %s", argv[i]);
		else if (entity == NULL)
			entity = argv[i];
		else
			return cli_usage_error("card", "one entity only");
	}
	if (entity == NULL)
		return cli_usage_error("card", "give the entity URI");
	c = cli_client(ctx);
	if (c == NULL)
		return CLI_EXIT_FAIL;
	stg_arena_init(&arena);
	stg_error_clear(&err);
	if (stg_client_get_card(c, entity, scope, refresh, &arena, &card, &info, &err) != STG_OK) {
		rc = cli_report_error("card", &err);
		goto out;
	}
	/* Map fact_hashes (sha256 of fact ids) back to facts. */
	memset(&q, 0, sizeof q);
	q.entity = card->entity_uri;
	q.scope = card->scope;
	q.include_contradicted = STG_OPT_TRUE;
	q.include_expired = STG_OPT_TRUE;
	q.limit = 500;
	stg_error_clear(&qerr);
	if (stg_client_query(c, &q, &arena, &page, &qinfo, &qerr) != STG_OK)
		page = NULL;

	if (ctx->json) {
		cJSON *doc = body_json(&info), *map = cJSON_CreateObject();

		for (k = 0; page && k < card->n_fact_hashes; k++) {
			for (j = 0; j < page->n_facts; j++) {
				if (page->facts[j].id == NULL)
					continue;
				stg_sha256_hex(page->facts[j].id, strlen(page->facts[j].id), hex);
				if (strcmp(hex, card->fact_hashes[k]) == 0) {
					cJSON_AddStringToObject(map, card->fact_hashes[k],
								page->facts[j].id);
					break;
				}
			}
		}
		cJSON_AddItemToObject(doc, "fact_ids", map);
		rc = cli_emit_json(doc);
		goto out;
	}
	printf("card of ");
	cli_print_text(stdout, card->entity_uri, 0);
	printf("  (scope ");
	cli_print_text(stdout, card->scope, 10);
	printf(")\n  avg_confidence %.6f   refreshed ", card->avg_confidence);
	cli_print_text(stdout, card->refreshed_at ? card->refreshed_at : "never", 40);
	printf("   %s\n", card->has_contradictions ? "HAS CONTRADICTIONS (a relation repeats)"
						     : "no contradictions");
	printf("summary:\n");
	cli_print_block(stdout, card->summary, "  | ");
	printf("fact_hashes (sha256 of fact ids):\n");
	for (k = 0; k < card->n_fact_hashes; k++) {
		const struct stg_fact *hit = NULL;

		for (j = 0; page && j < page->n_facts && hit == NULL; j++) {
			if (page->facts[j].id == NULL)
				continue;
			stg_sha256_hex(page->facts[j].id, strlen(page->facts[j].id), hex);
			if (strcmp(hex, card->fact_hashes[k]) == 0)
				hit = &page->facts[j];
		}
		printf("  %2zu ", k + 1);
		cli_print_text(stdout, card->fact_hashes[k], 16);
		if (hit) {
			printf("  -> ");
			cli_print_text(stdout, hit->id, 40);
			printf("  ");
			cli_print_text(stdout, hit->relation, 40);
		} else {
			printf("  -> (no matching fact found)");
		}
		printf("\n");
	}
out:
	stg_arena_done(&arena);
	return rc;
}

/* ---- recall ------------------------------------------------------------- */

/* Ids of a recall's results in rank order (pointers into the response). */
static const char **
result_ids(const struct stg_recall_response *r)
{
	const char **ids = calloc(r->n_facts ? r->n_facts : 1, sizeof *ids);
	size_t k;

	for (k = 0; ids && k < r->n_facts; k++)
		ids[k] = r->facts[k].fact.id ? r->facts[k].fact.id : "";
	return ids;
}

/* Short label of a result: "user/alice relation" or "[card] user/alice". */
static void
result_label(const struct stg_scored_fact *s, char *out, size_t cap)
{
	const char *e = s->fact.entity ? s->fact.entity : "";
	const char *tail = e;

	if (strncmp(e, "stigmem://", 10) == 0 && strchr(e + 10, '/'))
		tail = strchr(e + 10, '/') + 1;
	if (s->from_card)
		snprintf(out, cap, "[card] %s", tail);
	else
		snprintf(out, cap, "%s %s", tail, s->fact.relation ? s->fact.relation : "");
}

static void
print_weights(const char *label, const struct stg_recall_weights *w)
{
	printf("%s lexical %.2f  semantic %.2f  graph %.2f  source_trust %.2f  recency %.2f\n",
	       label, w->lexical, w->semantic, w->graph, w->source_trust, w->recency);
}

static cJSON *
ranking_json(const struct stg_recall_weights *w, const struct stg_recall_response *r)
{
	cJSON *o = cJSON_CreateObject(), *wj = cJSON_CreateObject(), *arr = cJSON_CreateArray();
	size_t k;

	cJSON_AddNumberToObject(wj, "lexical", w->lexical);
	cJSON_AddNumberToObject(wj, "semantic", w->semantic);
	cJSON_AddNumberToObject(wj, "graph", w->graph);
	cJSON_AddNumberToObject(wj, "source_trust", w->source_trust);
	cJSON_AddNumberToObject(wj, "recency", w->recency);
	cJSON_AddItemToObject(o, "weights", wj);
	for (k = 0; k < r->n_facts; k++) {
		const struct stg_scored_fact *s = &r->facts[k];
		cJSON *it = cJSON_CreateObject();

		cJSON_AddNumberToObject(it, "rank", (double)(k + 1));
		cJSON_AddStringToObject(it, "id", s->fact.id ? s->fact.id : "");
		cJSON_AddStringToObject(it, "entity", s->fact.entity ? s->fact.entity : "");
		cJSON_AddStringToObject(it, "relation", s->fact.relation ? s->fact.relation : "");
		cJSON_AddNumberToObject(it, "score", s->score);
		cJSON_AddBoolToObject(it, "from_card", s->from_card);
		cJSON_AddItemToArray(arr, it);
	}
	cJSON_AddItemToObject(o, "results", arr);
	cJSON_AddNumberToObject(o, "tokens_used", (double)r->tokens_used);
	cJSON_AddBoolToObject(o, "truncated", r->truncated);
	return o;
}

/* recall --compare A B: both rankings, moves of B against A, overlap@k and
 * rank-biased overlap. */
static int
recall_compare(struct cli_ctx *ctx, struct stg_client *c, struct stg_recall_params *p,
	       const struct stg_recall_weights *wa, const struct stg_recall_weights *wb)
{
	struct stg_recall_response *ra = NULL, *rb = NULL;
	struct stg_arena arena;
	struct stg_error err;
	const char **ia = NULL, **ib = NULL;
	long *delta = NULL;
	size_t k, n, gone = 0, kk;
	double ov, rbo;
	int rc = CLI_EXIT_OK;

	stg_arena_init(&arena);
	stg_error_clear(&err);
	p->has_weights = true;
	p->weights = *wa;
	if (stg_client_recall(c, p, &arena, &ra, NULL, &err) != STG_OK) {
		rc = cli_report_error("recall (A)", &err);
		goto out;
	}
	p->weights = *wb;
	if (stg_client_recall(c, p, &arena, &rb, NULL, &err) != STG_OK) {
		rc = cli_report_error("recall (B)", &err);
		goto out;
	}
	ia = result_ids(ra);
	ib = result_ids(rb);
	delta = calloc(rb->n_facts ? rb->n_facts : 1, sizeof *delta);
	if (ia == NULL || ib == NULL || delta == NULL) {
		rc = CLI_EXIT_FAIL;
		goto out;
	}
	stg_score_rank_changes(ia, ra->n_facts, ib, rb->n_facts, delta, &gone);
	kk = 10;
	ov = stg_score_overlap_at_k(ia, ra->n_facts, ib, rb->n_facts, kk);
	rbo = stg_score_rbo(ia, ra->n_facts, ib, rb->n_facts, STG_SCORE_RBO_P);
	if (ctx->json) {
		cJSON *doc = cJSON_CreateObject(), *moves = cJSON_CreateArray();

		cJSON_AddItemToObject(doc, "a", ranking_json(wa, ra));
		cJSON_AddItemToObject(doc, "b", ranking_json(wb, rb));
		for (k = 0; k < rb->n_facts; k++) {
			if (delta[k] == STG_SCORE_RANK_NEW)
				cJSON_AddItemToArray(moves, cJSON_CreateString("new"));
			else
				cJSON_AddItemToArray(moves, cJSON_CreateNumber((double)delta[k]));
		}
		cJSON_AddItemToObject(doc, "b_moves", moves);
		cJSON_AddNumberToObject(doc, "gone_from_a", (double)gone);
		cJSON_AddNumberToObject(doc, "overlap_k", (double)kk);
		cJSON_AddNumberToObject(doc, "overlap_at_k", ov);
		cJSON_AddNumberToObject(doc, "rbo", rbo);
		cJSON_AddNumberToObject(doc, "rbo_p", STG_SCORE_RBO_P);
		rc = cli_emit_json(doc);
		goto out;
	}
	print_weights("A:", wa);
	print_weights("B:", wb);
	printf("\n rank  %-44s  %s\n", "A", "B (move against A)");
	n = ra->n_facts > rb->n_facts ? ra->n_facts : rb->n_facts;
	for (k = 0; k < n; k++) {
		char label[512];

		printf("%4zu  ", k + 1);
		if (k < ra->n_facts) {
			result_label(&ra->facts[k], label, sizeof label);
			printf("%.4f ", ra->facts[k].score);
			cli_print_padded(stdout, label, 37);
		} else {
			cli_print_padded(stdout, "", 44);
		}
		printf("  ");
		if (k < rb->n_facts) {
			result_label(&rb->facts[k], label, sizeof label);
			printf("%.4f ", rb->facts[k].score);
			cli_print_padded(stdout, label, 37);
			if (delta[k] == STG_SCORE_RANK_NEW)
				printf(" new");
			else if (delta[k] > 0)
				printf(" up %ld", delta[k]);
			else if (delta[k] < 0)
				printf(" down %ld", -delta[k]);
			else
				printf(" =");
		}
		printf("\n");
	}
	printf("\nagreement: overlap@%zu %.3f, rank-biased overlap (p=%.1f) %.3f; "
	       "%zu of A's results gone in B\n",
	       kk, ov, STG_SCORE_RBO_P, rbo, gone);
out:
	free(ia);
	free(ib);
	free(delta);
	stg_arena_done(&arena);
	return rc;
}

int
cli_verb_recall(struct cli_ctx *ctx, int argc, char **argv)
{
	struct stg_recall_params p;
	struct stg_client *c;
	struct stg_arena arena;
	struct stg_error err;
	struct stg_call_info info;
	struct stg_recall_response *r = NULL;
	struct stg_fact_cid_check chk;
	struct stg_proof_report lag, sdk;
	struct stg_recall_weights wa, wb;
	bool compare = false;
	size_t k, vw;
	int i, rc = CLI_EXIT_OK;

	memset(&p, 0, sizeof p);
	for (i = 0; i < argc; i++) {
		const char *a = argv[i];
		const char *v = (i + 1 < argc) ? argv[i + 1] : NULL;
		char *end = NULL;

		if (strcmp(a, "--compare") == 0) {
			if (i + 2 >= argc || !cli_parse_weights(argv[i + 1], &wa) ||
			    !cli_parse_weights(argv[i + 2], &wb))
				return cli_usage_error("recall",
						       "--compare wants two weight sets, each five "
						       "numbers 0..1: lexical,semantic,graph,"
						       "source_trust,recency");
			compare = true;
			i += 2;
		} else if (strcmp(a, "--scope") == 0 && v) {
			p.scope = v;
			i++;
		} else if (strcmp(a, "--budget") == 0 && v) {
			long b = strtol(v, &end, 10);
			if (*end || b < 1 || b > 200000)
				return cli_usage_error("recall", "--budget wants 1..200000");
			p.token_budget = (int)b;
			i++;
		} else if (strcmp(a, "--depth") == 0 && v) {
			long d = strtol(v, &end, 10);
			if (*end || d < 1 || d > 3)
				return cli_usage_error("recall", "--depth wants 1..3");
			p.depth = (int)d;
			i++;
		} else if (strcmp(a, "--limit") == 0 && v) {
			long l = strtol(v, &end, 10);
			if (*end || l < 1 || l > 500)
				return cli_usage_error("recall", "--limit wants 1..500");
			p.limit = (int)l;
			i++;
		} else if (strcmp(a, "--min-confidence") == 0 && v) {
			p.min_confidence = strtod(v, &end);
			if (*end || p.min_confidence < 0 || p.min_confidence > 1)
				return cli_usage_error("recall", "--min-confidence wants 0..1");
			p.has_min_confidence = true;
			i++;
		} else if (strcmp(a, "--weights") == 0 && v) {
			if (!cli_parse_weights(v, &p.weights))
				return cli_usage_error("recall",
						       "--weights wants five numbers 0..1: "
						       "lexical,semantic,graph,source_trust,recency");
			p.has_weights = true;
			i++;
		} else if (strcmp(a, "--no-neighbors") == 0) {
			p.include_neighbors = STG_OPT_FALSE;
		} else if (strcmp(a, "--verify") == 0) {
			p.verify_full = true;
		} else if (a[0] == '-' && a[1] != '\0') {
			return cli_usage_error("recall", "unknown or incomplete option %s", a);
		} else if (p.query == NULL) {
			p.query = a;
		} else {
			return cli_usage_error("recall", "one query only (quote it)");
		}
	}
	if (p.query == NULL || p.query[0] == '\0')
		return cli_usage_error("recall", "give a query");
	c = cli_client(ctx);
	if (c == NULL)
		return CLI_EXIT_FAIL;
	if (compare) {
		if (p.has_weights)
			return cli_usage_error("recall", "--weights and --compare exclude each other");
		return recall_compare(ctx, c, &p, &wa, &wb);
	}
	stg_arena_init(&arena);
	stg_error_clear(&err);
	if (stg_client_recall(c, &p, &arena, &r, &info, &err) != STG_OK) {
		rc = cli_report_error("recall", &err);
		goto out;
	}
	if (p.verify_full) {
		stg_verify_chain_proof(r->chain_proof, STG_PROOF_LAG_AWARE, false, &lag);
		stg_verify_chain_proof(r->chain_proof, STG_PROOF_SDK, false, &sdk);
		if (!lag.valid)
			rc = CLI_EXIT_FAIL;
	}
	if (ctx->json) {
		cJSON *doc = body_json(&info), *arr, *item;

		arr = cJSON_GetObjectItemCaseSensitive(doc, "facts");
		k = 0;
		cJSON_ArrayForEach(item, arr)
		{
			cJSON *fact = cJSON_GetObjectItemCaseSensitive(item, "fact");

			if (k >= r->n_facts)
				break;
			if (fact)
				cJSON_AddStringToObject(fact, "cid_check",
							r->facts[k].from_card
								? "card"
								: cid_badge(&r->facts[k].fact, &chk));
			k++;
		}
		if (p.verify_full) {
			cJSON *v = cJSON_CreateObject();

			cJSON_AddBoolToObject(v, "lag_aware_valid", lag.valid);
			cJSON_AddBoolToObject(v, "sdk_valid", sdk.valid);
			if (lag.has_lag)
				cJSON_AddNumberToObject(v, "checkpoint_lag", (double)lag.lag);
			cJSON_AddItemToObject(doc, "verification", v);
		}
		if (cli_emit_json(doc) != CLI_EXIT_OK)
			rc = CLI_EXIT_FAIL;
		goto out;
	}
	vw = ctx->width > 80 ? (size_t)ctx->width - 60 : 20;
	printf("recall: %zu result%s, tokens %lld/%lld%s, %lld candidates scored\n", r->n_facts,
	       r->n_facts == 1 ? "" : "s", r->tokens_used, r->token_budget,
	       r->truncated ? " (truncated: some candidates did not fit)" : "",
	       r->has_total_scored ? r->total_scored : -1LL);
	printf("  #  score     lex    sem    graph  trust  rec   hop tok  entity / relation = value\n");
	for (k = 0; k < r->n_facts; k++) {
		const struct stg_scored_fact *s = &r->facts[k];

		printf("%3zu  %.6f  %.3f  %.3f  %.3f  %.3f  %.3f %3d %4lld  ", k + 1, s->score,
		       s->breakdown.lexical, s->breakdown.semantic, s->breakdown.graph,
		       s->breakdown.source_trust, s->breakdown.recency, s->hop_distance,
		       s->token_estimate);
		cli_print_text(stdout, s->fact.entity, 60);
		printf("\n     ");
		if (s->from_card) {
			printf("[memory card]  ");
			cli_print_text(stdout, s->fact.value.str, vw);
		} else {
			cli_print_text(stdout, s->fact.relation, 40);
			printf(" = ");
			print_value(&s->fact.value, vw);
			printf("  cid:%s", cid_badge(&s->fact, &chk));
		}
		if (s->fact.value.interpret_as == STG_INTERPRET_INSTRUCTION)
			printf("  [instruction]");
		printf("\n");
	}
	if (p.verify_full) {
		printf("chain proof: %s (lag-aware)", lag.valid ? "VALID" : "INVALID");
		if (lag.has_lag)
			printf(", checkpoint lags the head by %lld", lag.lag);
		printf("; the upstream SDK check would %s\n", sdk.valid ? "pass" : "FAIL");
		cli_print_proof_checks(&lag, "    ");
	}
out:
	stg_arena_done(&arena);
	return rc;
}

/* ---- conflicts ---------------------------------------------------------- */

static void
print_side(const char *label, const struct stg_fact *f, size_t vw)
{
	printf("    %s ", label);
	if (f == NULL) {
		printf("(fact missing)\n");
		return;
	}
	print_value(&f->value, vw);
	printf("\n        conf %.2f  source ", f->confidence);
	cli_print_text(stdout, f->source, 40);
	printf("  hlc ");
	cli_print_text(stdout, f->hlc ? f->hlc : "-", 24);
	printf("  id ");
	cli_print_text(stdout, f->id, 40);
	printf("\n");
}

int
cli_verb_conflicts(struct cli_ctx *ctx, int argc, char **argv)
{
	struct stg_conflict_params q;
	struct stg_client *c;
	struct stg_arena arena;
	struct stg_error err;
	struct stg_call_info info;
	struct stg_conflict_page *pg = NULL;
	size_t k, unresolved = 0, vw;
	int i, rc = CLI_EXIT_OK;

	memset(&q, 0, sizeof q);
	q.limit = 500;
	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--status") == 0 && i + 1 < argc) {
			q.status = argv[++i];
			if (strcmp(q.status, "unresolved") != 0 && strcmp(q.status, "resolved") != 0 &&
			    strcmp(q.status, "all") != 0)
				return cli_usage_error("conflicts",
						       "--status wants unresolved, resolved or all");
			if (strcmp(q.status, "all") == 0)
				q.status = NULL;
		} else if (strcmp(argv[i], "--limit") == 0 && i + 1 < argc) {
			q.limit = atoi(argv[++i]);
			if (q.limit < 1 || q.limit > 500)
				return cli_usage_error("conflicts", "--limit wants 1..500");
		} else {
			return cli_usage_error("conflicts", "unknown argument %s", argv[i]);
		}
	}
	c = cli_client(ctx);
	if (c == NULL)
		return CLI_EXIT_FAIL;
	stg_arena_init(&arena);
	stg_error_clear(&err);
	if (stg_client_list_conflicts(c, &q, &arena, &pg, &info, &err) != STG_OK) {
		rc = cli_report_error("conflicts", &err);
		goto out;
	}
	if (ctx->json) {
		cJSON *doc = body_json(&info), *arr, *item;

		arr = cJSON_GetObjectItemCaseSensitive(doc, "conflicts");
		k = 0;
		cJSON_ArrayForEach(item, arr)
		{
			const struct stg_conflict *cf;

			if (k >= pg->n_conflicts)
				break;
			cf = &pg->conflicts[k++];
			if (cf->fact_a && cf->fact_b)
				cJSON_AddStringToObject(item, "suggested_winner",
							fact_beats(cf->fact_b, cf->fact_a)
								? cf->fact_b->id
								: cf->fact_a->id);
		}
		rc = cli_emit_json(doc);
		goto out;
	}
	for (k = 0; k < pg->n_conflicts; k++)
		if (pg->conflicts[k].status && strcmp(pg->conflicts[k].status, "unresolved") == 0)
			unresolved++;
	printf("%zu conflict%s (%zu unresolved)%s\n", pg->n_conflicts,
	       pg->n_conflicts == 1 ? "" : "s", unresolved,
	       pg->has_more ? ", more exist beyond this page" : "");
	vw = ctx->width > 30 ? (size_t)ctx->width - 12 : 20;
	for (k = 0; k < pg->n_conflicts; k++) {
		const struct stg_conflict *cf = &pg->conflicts[k];
		const struct stg_fact *any = cf->fact_a ? cf->fact_a : cf->fact_b;

		printf("\n");
		cli_print_text(stdout, cf->conflict_id, 0);
		printf("  [");
		cli_print_text(stdout, cf->status, 12);
		printf("]  detected ");
		cli_print_text(stdout, cf->detected_at, 32);
		printf("\n");
		if (any) {
			printf("    ");
			cli_print_text(stdout, any->entity, 0);
			printf("  ");
			cli_print_text(stdout, any->relation, 40);
			printf("  scope ");
			cli_print_text(stdout, any->scope, 10);
			printf("\n");
		}
		print_side("a:", cf->fact_a, vw);
		print_side("b:", cf->fact_b, vw);
		if (cf->fact_a && cf->fact_b)
			printf("    suggested winner: %s (higher confidence, then later HLC)\n",
			       fact_beats(cf->fact_b, cf->fact_a) ? "b" : "a");
		if (cf->resolved_by) {
			printf("    resolved by fact ");
			cli_print_text(stdout, cf->resolved_by, 40);
			printf("\n");
		}
	}
out:
	stg_arena_done(&arena);
	return rc;
}
