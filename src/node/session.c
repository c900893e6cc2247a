/* session.c — the Stigmem-Session feedback-loop guard (§4.2.4).
 *
 * Reads that carry a Stigmem-Session header (GET /v1/facts, GET
 * /v1/facts/{id}, POST /v1/recall) record, per (session, caller principal,
 * tenant), the set of scopes of the facts they returned. A POST /v1/facts
 * with the same header into one of those scopes is refused with 403
 * feedback_loop_provenance_required unless write_mode is
 * summarize_with_provenance and derived_from names an existing fact of the
 * caller's tenant (by fact_id, or by hash = its CID) in the target scope.
 *
 * State: a table owned by the node (node->session_state), kept in memory
 * only (a restart forgets every session). It holds at most LITE_SESSION_CAP
 * entries; recording a new entry into a full table evicts the least
 * recently used one. All functions run under the node lock (route handlers). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node/lite_internal.h"

struct sess_ent {
	char sid[LITE_SESSION_ID_MAX + 1];
	char principal[LITE_URI_MAX];
	char tenant[LITE_TENANT_MAX];
	unsigned scopes;             /* bit i: scope_names[i] was read */
	uint64_t used;               /* last use (table tick) */
};

struct sess_table {
	struct sess_ent *v;
	size_t n, cap;
	uint64_t tick;
};

static const char *const scope_names[] = {"local", "team", "company", "public"};

static unsigned
scope_bit(const char *s)
{
	for (unsigned i = 0; s && i < 4; i++)
		if (strcmp(s, scope_names[i]) == 0)
			return 1u << i;
	return 0;
}

int
lite_session_header(const struct lite_req *rq, char out[LITE_SESSION_ID_MAX + 1])
{
	out[0] = 0;
	const char *s = lite_req_header(rq, "Stigmem-Session");
	if (!s)
		return 0;
	while (isspace((unsigned char)*s))
		s++;
	size_t l = strlen(s);
	while (l && isspace((unsigned char)s[l - 1]))
		l--;
	if (l > LITE_SESSION_ID_MAX)
		return -1;
	memcpy(out, s, l);
	out[l] = 0;
	return 0;
}

static const char *
tenant_of(const struct lite_principal *who)
{
	return who->tenant_id[0] ? who->tenant_id : "default";
}

static struct sess_ent *
find(struct sess_table *t, const char *sid, const struct lite_principal *who)
{
	for (size_t i = 0; t && i < t->n; i++) {
		struct sess_ent *e = &t->v[i];
		if (strcmp(e->sid, sid) == 0 && strcmp(e->principal, who->entity_uri) == 0 &&
		    strcmp(e->tenant, tenant_of(who)) == 0)
			return e;
	}
	return NULL;
}

static void
record_scope(struct lite_node *n, const char *sid, const struct lite_principal *who,
	     unsigned bit)
{
	struct sess_table *t = n->session_state;
	if (!t) {
		t = calloc(1, sizeof *t);
		if (!t)
			return;
		n->session_state = t;
	}
	struct sess_ent *e = find(t, sid, who);
	if (!e) {
		if (t->n == t->cap && t->cap < LITE_SESSION_CAP) {
			size_t nc = t->cap ? t->cap * 2 : 16;
			if (nc > LITE_SESSION_CAP)
				nc = LITE_SESSION_CAP;
			struct sess_ent *nv = realloc(t->v, nc * sizeof *nv);
			if (!nv)
				return;
			t->v = nv;
			t->cap = nc;
		}
		if (t->n < t->cap) {
			e = &t->v[t->n++];
		} else { /* full: evict the least recently used */
			e = &t->v[0];
			for (size_t i = 1; i < t->n; i++)
				if (t->v[i].used < e->used)
					e = &t->v[i];
		}
		memset(e, 0, sizeof *e);
		snprintf(e->sid, sizeof e->sid, "%s", sid);
		snprintf(e->principal, sizeof e->principal, "%s", who->entity_uri);
		snprintf(e->tenant, sizeof e->tenant, "%s", tenant_of(who));
	}
	e->scopes |= bit;
	e->used = ++t->tick;
}

/* Record the scope of every FactRecord-shaped object (id, entity, relation
 * and a string scope) in the tree. */
static void
walk(struct lite_node *n, const char *sid, const struct lite_principal *who, const cJSON *j)
{
	if (!j)
		return;
	if (cJSON_IsObject(j)) {
		const cJSON *sc = cJSON_GetObjectItemCaseSensitive(j, "scope");
		if (cJSON_IsString(sc) && cJSON_GetObjectItemCaseSensitive(j, "id") &&
		    cJSON_GetObjectItemCaseSensitive(j, "entity") &&
		    cJSON_GetObjectItemCaseSensitive(j, "relation")) {
			unsigned b = scope_bit(sc->valuestring);
			if (b)
				record_scope(n, sid, who, b);
		}
	}
	if (cJSON_IsObject(j) || cJSON_IsArray(j))
		for (const cJSON *c = j->child; c; c = c->next)
			walk(n, sid, who, c);
}

void
lite_session_record_json(struct lite_req *rq, const cJSON *tree)
{
	char sid[LITE_SESSION_ID_MAX + 1];
	if (lite_session_header(rq, sid) != 0 || !sid[0])
		return;
	walk(rq->node, sid, &rq->who, tree);
}

/* The scope of a fact of `tenant` by id (by_cid false) or CID; false when
 * there is none. */
static bool
fact_scope(struct lite_node *n, const char *key, bool by_cid, const char *tenant, char *out,
	   size_t cap)
{
	sqlite3_stmt *st =
		by_cid ? lite_stmt(n, "SELECT scope FROM facts WHERE cid=? AND tenant_id=? LIMIT 1")
		       : lite_stmt(n, "SELECT scope FROM facts WHERE id=? AND tenant_id=? LIMIT 1");
	if (!st)
		return false;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, tenant, -1, SQLITE_TRANSIENT);
	bool found = false;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)) {
		snprintf(out, cap, "%s", (const char *)sqlite3_column_text(st, 0));
		found = true;
	}
	lite_stmt_done(st);
	return found;
}

bool
lite_session_guard(struct lite_node *n, const char *sid, const struct lite_principal *who,
		   const char *scope, const char *write_mode, const cJSON *derived_from,
		   struct lite_resp *rs)
{
	if (!sid || !sid[0])
		return true;
	struct sess_ent *e = find(n->session_state, sid, who);
	unsigned bit = scope_bit(scope);
	if (!e || !(e->scopes & bit))
		return true;
	if (write_mode && strcmp(write_mode, "summarize_with_provenance") == 0 &&
	    cJSON_IsArray(derived_from)) {
		for (const cJSON *d = derived_from->child; d; d = d->next) {
			if (!cJSON_IsObject(d))
				continue;
			const cJSON *fid = cJSON_GetObjectItemCaseSensitive(d, "fact_id");
			const cJSON *h = cJSON_GetObjectItemCaseSensitive(d, "hash");
			char sc[32];
			if (cJSON_IsString(fid) &&
			    fact_scope(n, fid->valuestring, false, tenant_of(who), sc, sizeof sc) &&
			    strcmp(sc, scope) == 0)
				return true;
			if (cJSON_IsString(h) && strncmp(h->valuestring, "sha256:", 7) == 0 &&
			    fact_scope(n, h->valuestring, true, tenant_of(who), sc, sizeof sc) &&
			    strcmp(sc, scope) == 0)
				return true;
		}
	}
	char msg[200];
	snprintf(msg, sizeof msg,
		 "scope '%s' was read in this session; writing into it requires "
		 "write_mode=summarize_with_provenance and derived_from naming a fact of that scope",
		 scope);
	cJSON *x = cJSON_CreateObject();
	cJSON_AddStringToObject(x, "session_id", sid);
	cJSON_AddStringToObject(x, "scope", scope);
	lite_resp_detail_code(rs, 403, "feedback_loop_provenance_required", msg, x);
	return false;
}

void
lite_session_free(struct lite_node *n)
{
	struct sess_table *t = n->session_state;
	if (t) {
		free(t->v);
		free(t);
	}
	n->session_state = NULL;
}
