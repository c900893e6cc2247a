/* pane_entities.c — the entity browser. The node has no entity listing
 * (stigmem-api.md §9): entities are discovered in the background from
 * GET /v1/audit keyset pages (fact_write events), de-duplicated by fact id,
 * counted per entity, and listed with system entities (conflicts,
 * resolutions, bare fact ids, other stigmem: names) grouped apart.
 *
 * When /v1/audit fails (403, 404, 500, a malformed body, a timeout: any
 * error but a cancel or a node that cannot be reached) discovery falls
 * back to a crawl: GET /v1/facts pages (include_contradicted and
 * include_expired, cursor followed only while a page brings new fact ids,
 * since the reference node's facts cursor is unsound), then a closure over
 * the user entities found: GET /v1/facts?entity=E for each (its facts,
 * scopes and ref values) and GET /v1/graph/neighbors per entity and scope;
 * a name reached through a ref or an edge is listed only once a fact for
 * it is seen, so both sources list the entities that have facts. Up to
 * CRAWL_PARALLEL crawl requests are in flight; nothing blocks.
 *
 * The contradictions sort counts, per entity, the unresolved conflicts of
 * GET /v1/conflicts?status=unresolved whose fact_a or fact_b belongs to it
 * (each conflict once per entity); it is fetched when that sort is chosen. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stigmem/sanitize.h"
#include "ui/ui.h"

enum ent_kind { EK_USER, EK_CONFLICT, EK_RESOLUTION, EK_FACT_ID, EK_SYSTEM };
enum sort_mode { SORT_NAME, SORT_LAST, SORT_FACTS, SORT_CONTRA, SORT_COUNT };

/* Request tags; crawl requests use TAG_CRAWL + their in-flight slot. */
enum { TAG_AUDIT, TAG_FACTS, TAG_CONFLICTS, TAG_CRAWL };
enum job_kind { JOB_ENTITY, JOB_NEIGHBORS };
enum disc_source { SRC_AUDIT, SRC_CRAWL };
enum conf_state { CONF_NONE, CONF_LOADING, CONF_DONE, CONF_FAILED };

#define CRAWL_PARALLEL 4       /* crawl requests in flight at once */
#define CRAWL_FACTS_LIMIT 500  /* GET /v1/facts page size (node maximum) */
#define CRAWL_NEIGHBOR_PAGE 200
#define CRAWL_SEED_PAGES 100   /* pages followed per entity query or neighbour seed */

/* One crawl request to make (queued) or in flight (slot). */
struct job {
	enum job_kind kind;
	char *entity;          /* owned */
	char *scope;           /* owned; neighbours only */
	char *cursor;          /* owned; NULL = first page */
	size_t pages;          /* pages of this entity/scope fetched before */
};

struct ent {
	char *name;            /* raw node bytes (owned) */
	size_t facts;          /* distinct fact ids written for it */
	char last[40];         /* newest write ts (raw, ASCII-clamped) */
	enum ent_kind kind;
	size_t suspicious;     /* sanitizer findings in the name */
	size_t contra;         /* open conflicts on its facts (contradictions sort) */
};

/* Open-addressing set of strings mapping to an index. */
struct strmap {
	char **keys;           /* borrowed or owned per `owns` */
	size_t *vals;
	size_t cap, n;
	bool owns;
};

struct ents {
	struct ent *e;
	size_t n, cap;
	struct strmap by_name;   /* name -> index (keys borrowed from e[].name) */
	char *ftext;             /* owned: folded names in sorted order (see build_filter_text) */
	size_t *foff;            /* owned: entity index -> offset in ftext, SIZE_MAX if not listed */
	size_t n_foff;
	struct strmap fact_ids;  /* seen fact ids (owned keys) */
	size_t *order;
	size_t cap_order;
	struct ui_list list;
	enum sort_mode sort;
	bool show_system;
	bool need_rebuild;
	bool need_sort;              /* entities, sort mode or system toggle changed */
	size_t *sorted;              /* owned: cached sorted item order (no header) */
	size_t n_sorted;
	/* discovery */
	bool started, done, failed;
	char *cursor;            /* owned: next audit cursor */
	size_t pages, writes, dupes;
	char error[512];         /* clean text */
	bool auth_error;         /* the failure was 401/403 */
	char header_id[4];
	/* fallback crawl (source SRC_CRAWL) */
	enum disc_source source;
	char audit_why[64];      /* why /v1/audit failed (clean text) */
	bool closure;            /* facts pages done, crawling per entity */
	struct job *queue;       /* owned: jobs not yet sent, from queue_head on */
	size_t n_queue, cap_queue, queue_head;
	struct job slot[CRAWL_PARALLEL];
	bool slot_used[CRAWL_PARALLEL];
	size_t inflight;         /* crawl requests in flight */
	size_t requests;         /* crawl requests sent */
	size_t crawl_errors;     /* crawl requests that failed */
	struct strmap probed;    /* names queued for GET /v1/facts?entity= (owned) */
	struct strmap nb_seen;   /* "entity\x1fscope" neighbour seeds queued (owned) */
	/* contradictions sort */
	enum conf_state conf;
	char *conf_cursor;       /* owned */
	size_t conf_pages, conf_open;
	struct strmap conf_ids;  /* conflict ids seen (owned) */
	struct strmap contra_by; /* entity -> open conflicts (owned keys) */
};

static uint64_t
hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

static bool
map_grow(struct strmap *m)
{
	size_t ncap = m->cap ? m->cap * 2 : 256;
	char **nk = calloc(ncap, sizeof(*nk));
	size_t *nv = calloc(ncap, sizeof(*nv));
	if (nk == NULL || nv == NULL) {
		free(nk);
		free(nv);
		return false;
	}
	for (size_t i = 0; i < m->cap; i++) {
		if (m->keys[i] == NULL)
			continue;
		size_t j = hash_str(m->keys[i]) & (ncap - 1);
		while (nk[j])
			j = (j + 1) & (ncap - 1);
		nk[j] = m->keys[i];
		nv[j] = m->vals[i];
	}
	free(m->keys);
	free(m->vals);
	m->keys = nk;
	m->vals = nv;
	m->cap = ncap;
	return true;
}

/* Find `key`; when absent and `insert` is set, add it with value `val`
 * (owned copy when m->owns). Returns a pointer to the value or NULL. */
static size_t *
map_get(struct strmap *m, const char *key, bool insert, size_t val, bool *added)
{
	if (added)
		*added = false;
	if (m->cap == 0 || (m->n + 1) * 2 > m->cap) {
		if (!insert) {
			if (m->cap == 0)
				return NULL;
		} else if (!map_grow(m) && (m->cap == 0 || m->n + 1 >= m->cap)) {
			return NULL;
		}
	}
	size_t j = hash_str(key) & (m->cap - 1);
	while (m->keys[j]) {
		if (strcmp(m->keys[j], key) == 0)
			return &m->vals[j];
		j = (j + 1) & (m->cap - 1);
	}
	if (!insert)
		return NULL;
	char *k = m->owns ? strdup(key) : (char *)key;
	if (k == NULL)
		return NULL;
	m->keys[j] = k;
	m->vals[j] = val;
	m->n++;
	if (added)
		*added = true;
	return &m->vals[j];
}

static void
map_free(struct strmap *m)
{
	if (m->owns)
		for (size_t i = 0; i < m->cap; i++)
			free(m->keys[i]);
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

static bool
is_uuid(const char *s)
{
	if (strlen(s) != 36)
		return false;
	for (int i = 0; i < 36; i++) {
		char c = s[i];
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (c != '-')
				return false;
		} else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
			return false;
		}
	}
	return true;
}

static enum ent_kind classify(const char *name);

const char *
pane_entities_kind(const char *name)
{
	static const char *const names[] = {"user", "conflict", "resolution", "fact-id", "system"};
	return names[classify(name)];
}

static enum ent_kind
classify(const char *name)
{
	if (strncmp(name, "stigmem:conflict:", 17) == 0)
		return EK_CONFLICT;
	if (strncmp(name, "stigmem:resolution:", 19) == 0)
		return EK_RESOLUTION;
	if (is_uuid(name))
		return EK_FACT_ID;
	/* "stigmem://host/..." is a user URI; "stigmem:kind:..." is the node's own. */
	if ((strncmp(name, "stigmem:", 8) == 0 && strncmp(name, "stigmem://", 10) != 0) ||
	    strncmp(name, "card:", 5) == 0)
		return EK_SYSTEM;
	return EK_USER;
}

static const char *const kind_label[] = {"", "conflict", "resolution", "fact id", "system"};

/* ---- list callbacks -------------------------------------------------------- */

static const char *
ent_id(void *ctx, size_t i)
{
	struct ents *s = ctx;
	return i < s->n ? s->e[i].name : s->header_id;
}

static const char *
ent_text(void *ctx, size_t i)
{
	struct ents *s = ctx;
	return i < s->n ? s->e[i].name : "";
}

static const char *
ent_folded(void *ctx, size_t i)
{
	struct ents *s = ctx;
	return i < s->n_foff && s->foff[i] != SIZE_MAX ? s->ftext + s->foff[i] : "";
}

/* The filter's text: every listed name, ASCII-lowercased, one contiguous
 * buffer laid out in the sorted order, so filtering 100k entities reads
 * memory front to back instead of chasing 100k separate allocations.
 * Rebuilt with the sort. */
static void
build_filter_text(struct ents *s)
{
	size_t total = 0;
	for (size_t k = 0; k < s->n_sorted; k++)
		total += strlen(s->e[s->sorted[k]].name) + 1;
	char *t = malloc(total ? total : 1);
	size_t *off = malloc((s->n ? s->n : 1) * sizeof(*off));
	if (t == NULL || off == NULL) {
		free(t);
		free(off);
		return; /* keep the previous buffer; ent_folded stays in bounds */
	}
	for (size_t i = 0; i < s->n; i++)
		off[i] = SIZE_MAX;
	size_t pos = 0;
	for (size_t k = 0; k < s->n_sorted; k++) {
		size_t idx = s->sorted[k];
		off[idx] = pos;
		for (const char *c = s->e[idx].name; *c; c++)
			t[pos++] = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
		t[pos++] = '\0';
	}
	free(s->ftext);
	free(s->foff);
	s->ftext = t;
	s->foff = off;
	s->n_foff = s->n;
}

static size_t
ent_find(void *ctx, const char *id)
{
	struct ents *s = ctx;
	if (strcmp(id, s->header_id) == 0)
		return s->n;
	size_t *idx = map_get(&s->by_name, id, false, 0, NULL);
	return idx ? *idx : SIZE_MAX;
}

static int
ents_init(struct pane *p)
{
	struct ents *s = calloc(1, sizeof(*s));
	if (s == NULL)
		return -1;
	s->fact_ids.owns = true;
	s->probed.owns = s->nb_seen.owns = s->conf_ids.owns = s->contra_by.owns = true;
	const struct ui_settings *set = ui_settings(p->ui);
	s->sort = (enum sort_mode)(set->entity_sort >= 0 && set->entity_sort < SORT_COUNT ? set->entity_sort : 0);
	s->show_system = set->show_system;
	s->header_id[0] = '\x01';
	ui_list_init(&s->list, (struct ui_list_src){.ctx = s, .id = ent_id, .text = ent_text, .folded = ent_folded, .find = ent_find});
	p->priv = s;
	return 0;
}

static void
job_free(struct job *j)
{
	free(j->entity);
	free(j->scope);
	free(j->cursor);
	memset(j, 0, sizeof(*j));
}

static void
ents_reset(struct ents *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->e[i].name);
	free(s->e);
	free(s->ftext);
	free(s->foff);
	s->ftext = NULL;
	s->foff = NULL;
	s->n_foff = 0;
	s->e = NULL;
	s->n = s->cap = 0;
	map_free(&s->by_name);
	map_free(&s->fact_ids);
	s->fact_ids.owns = true;
	free(s->cursor);
	s->cursor = NULL;
	s->pages = s->writes = s->dupes = 0;
	s->done = s->failed = false;
	s->error[0] = '\0';
	s->auth_error = false;
	s->source = SRC_AUDIT;
	s->audit_why[0] = '\0';
	s->closure = false;
	for (size_t i = s->queue_head; i < s->n_queue; i++)
		job_free(&s->queue[i]);
	free(s->queue);
	s->queue = NULL;
	s->n_queue = s->cap_queue = s->queue_head = 0;
	for (size_t i = 0; i < CRAWL_PARALLEL; i++) {
		job_free(&s->slot[i]);
		s->slot_used[i] = false;
	}
	s->inflight = s->requests = s->crawl_errors = 0;
	map_free(&s->probed);
	map_free(&s->nb_seen);
	map_free(&s->conf_ids);
	map_free(&s->contra_by);
	s->probed.owns = s->nb_seen.owns = s->conf_ids.owns = s->contra_by.owns = true;
	free(s->conf_cursor);
	s->conf_cursor = NULL;
	s->conf = CONF_NONE;
	s->conf_pages = s->conf_open = 0;
	s->need_rebuild = true;
	s->need_sort = true;
}

static void
ents_free(struct pane *p)
{
	struct ents *s = p->priv;
	if (s == NULL)
		return;
	ents_reset(s);
	free(s->order);
	free(s->sorted);
	ui_list_done(&s->list);
	free(s);
	p->priv = NULL;
}

/* ---- discovery ---------------------------------------------------------------- */

static void request_conflicts(struct pane *p);

static void
request_page(struct pane *p)
{
	struct ents *s = p->priv;
	struct stg_error err;
	stg_error_clear(&err);
	struct stg_audit_params ap = {0};
	ap.limit = ui_settings(p->ui)->audit_page_size;
	ap.cursor = s->cursor;
	struct stg_request *req = stg_request_audit(&ap, &err);
	if (req == NULL) {
		ui_log_error(p->ui, "GET /v1/audit", &err);
		s->failed = true;
		return;
	}
	ui_submit(p->ui, p, req, TAG_AUDIT);
}

static void
start_discovery(struct pane *p)
{
	struct ents *s = p->priv;
	p->gen++;
	ents_reset(s);
	s->started = true;
	request_page(p);
	if (s->sort == SORT_CONTRA)
		request_conflicts(p);
	ui_pane_dirty(p);
}

static void
ents_show(struct pane *p)
{
	struct ents *s = p->priv;
	if (!s->started)
		start_discovery(p);
}

/* Record one fact (id may be NULL) of `entity` written at `ts`. Returns
 * false when the fact id was seen before. */
static bool
note_fact(struct ents *s, const char *fact_id, const char *entity, const char *ts)
{
	if (fact_id) {
		bool added;
		if (map_get(&s->fact_ids, fact_id, true, 0, &added) == NULL)
			return false;
		if (!added) {
			s->dupes++;
			return false;
		}
	}
	s->writes++;
	size_t *idx = map_get(&s->by_name, entity, false, 0, NULL);
	struct ent *e;
	if (idx == NULL) {
		if (s->n == s->cap) {
			size_t ncap = s->cap ? s->cap * 2 : 256;
			struct ent *ne = realloc(s->e, ncap * sizeof(*ne));
			if (ne == NULL)
				return true;
			s->e = ne;
			s->cap = ncap;
		}
		e = &s->e[s->n];
		memset(e, 0, sizeof(*e));
		e->name = strdup(entity);
		if (e->name == NULL)
			return true;
		e->kind = classify(e->name);
		struct stg_text_report rep;
		char one[4];
		stg_text_sanitize(e->name, strlen(e->name), NULL, one, sizeof(one), &rep);
		e->suspicious = stg_text_report_suspicious(&rep);
		if (map_get(&s->by_name, e->name, true, s->n, NULL) == NULL) {
			free(e->name);
			return true;
		}
		s->n++;
	} else {
		e = &s->e[*idx];
	}
	e->facts++;
	if (ts && strcmp(ts, e->last) > 0) {
		size_t n = strlen(ts);
		if (n >= sizeof(e->last))
			n = sizeof(e->last) - 1;
		memcpy(e->last, ts, n);
		e->last[n] = '\0';
		/* The timestamp is node text: keep printable ASCII only. */
		for (char *c = e->last; *c; c++)
			if (*c < 0x20 || *c > 0x7e)
				*c = '?';
	}
	s->need_rebuild = true;
	s->need_sort = true;
	return true;
}

static void
add_write(struct ents *s, const struct stg_audit_entry *a)
{
	if (a->event_type && strcmp(a->event_type, "fact_write") != 0)
		return;
	if (a->fact_entity == NULL)
		return;
	note_fact(s, a->fact_id, a->fact_entity, a->ts);
}

/* "HTTP 403 forbidden: detail" or "timeout: detail" (clean text). */
static void
describe_error(const struct stg_async_result *res, char *buf, size_t size)
{
	char detail[300];
	stg_text_sanitize(res->error.detail, strnlen(res->error.detail, sizeof(res->error.detail)), NULL,
			  detail, sizeof(detail), NULL);
	if (res->error.http_status)
		snprintf(buf, size, "HTTP %ld %s%s%s", res->error.http_status, stg_status_message(res->status),
			 detail[0] ? ": " : "", detail);
	else
		snprintf(buf, size, "%s%s%s", stg_status_message(res->status), detail[0] ? ": " : "", detail);
}

static void
stop_discovery(struct pane *p, const struct stg_async_result *res)
{
	struct ents *s = p->priv;
	if (res->status == STG_ERR_CANCELLED)
		snprintf(s->error, sizeof(s->error), "discovery cancelled (r restarts it)");
	else
		describe_error(res, s->error, sizeof(s->error));
	s->failed = true;
	s->auth_error = res->status == STG_ERR_AUTH;
}

/* ---- fallback crawl ----------------------------------------------------------- */

static bool
enqueue(struct ents *s, enum job_kind kind, const char *entity, const char *scope, const char *cursor,
	size_t pages)
{
	if (s->n_queue == s->cap_queue) {
		if (s->queue_head > 0) {
			/* Reuse the space of jobs already sent. */
			memmove(s->queue, s->queue + s->queue_head,
				(s->n_queue - s->queue_head) * sizeof(*s->queue));
			s->n_queue -= s->queue_head;
			s->queue_head = 0;
		} else {
			size_t ncap = s->cap_queue ? s->cap_queue * 2 : 256;
			struct job *nq = realloc(s->queue, ncap * sizeof(*nq));
			if (nq == NULL)
				return false;
			s->queue = nq;
			s->cap_queue = ncap;
		}
	}
	struct job *j = &s->queue[s->n_queue];
	memset(j, 0, sizeof(*j));
	j->kind = kind;
	j->pages = pages;
	j->entity = strdup(entity);
	j->scope = scope ? strdup(scope) : NULL;
	j->cursor = cursor ? strdup(cursor) : NULL;
	if (j->entity == NULL || (scope && j->scope == NULL) || (cursor && j->cursor == NULL)) {
		job_free(j);
		return false;
	}
	s->n_queue++;
	return true;
}

/* Queue GET /v1/facts?entity=NAME once per user-entity name. */
static void
probe(struct ents *s, const char *name)
{
	if (name == NULL || name[0] == '\0' || classify(name) != EK_USER)
		return;
	bool added;
	if (map_get(&s->probed, name, true, 0, &added) != NULL && added)
		enqueue(s, JOB_ENTITY, name, NULL, NULL, 0);
}

static void crawl_pump(struct pane *p);

static void
crawl_done(struct pane *p)
{
	struct ents *s = p->priv;
	s->done = true;
	char failed[48] = "";
	if (s->crawl_errors)
		snprintf(failed, sizeof(failed), ", %zu failed", s->crawl_errors);
	ui_log(p->ui, UI_LOG_INFO,
	       "Entity discovery done from /v1/facts crawl: %zu entities from %zu facts (%zu requests%s)", s->n,
	       s->writes, s->requests + s->pages, failed);
}

static void
crawl_pump(struct pane *p)
{
	struct ents *s = p->priv;
	while (!s->failed && s->inflight < CRAWL_PARALLEL && s->queue_head < s->n_queue) {
		size_t k = 0;
		while (s->slot_used[k])
			k++;
		struct job *j = &s->slot[k];
		*j = s->queue[s->queue_head++];
		struct stg_error err;
		stg_error_clear(&err);
		struct stg_request *req;
		if (j->kind == JOB_ENTITY) {
			struct stg_query_params q = {0};
			q.entity = j->entity;
			q.include_contradicted = STG_OPT_TRUE;
			q.include_expired = STG_OPT_TRUE;
			q.limit = CRAWL_FACTS_LIMIT;
			q.cursor = j->cursor;
			req = stg_request_query(&q, &err);
		} else {
			struct stg_neighbors_params q = {0};
			q.entity = j->entity;
			q.scope = j->scope;
			q.depth = 1;
			q.has_min_confidence = true;
			q.min_confidence = 0.0;
			q.page_size = CRAWL_NEIGHBOR_PAGE;
			q.cursor = j->cursor;
			req = stg_request_neighbors(&q, &err);
		}
		s->requests++;
		s->inflight++;
		s->slot_used[k] = true;
		if (req == NULL || ui_submit(p->ui, p, req, TAG_CRAWL + (int)k) == 0) {
			if (req == NULL)
				ui_log_error(p->ui, "entity crawl request", &err);
			s->crawl_errors++;
			s->inflight--;
			s->slot_used[k] = false;
			job_free(j);
		}
	}
	if (s->queue_head == s->n_queue)
		s->queue_head = s->n_queue = 0;
	if (!s->failed && !s->done && s->closure && s->inflight == 0 && s->n_queue == 0)
		crawl_done(p);
}

static void
start_closure(struct pane *p)
{
	struct ents *s = p->priv;
	s->closure = true;
	for (size_t i = 0; i < s->n; i++)
		probe(s, s->e[i].name);
	crawl_pump(p);
}

static void
request_facts_page(struct pane *p)
{
	struct ents *s = p->priv;
	struct stg_error err;
	stg_error_clear(&err);
	struct stg_query_params q = {0};
	q.include_contradicted = STG_OPT_TRUE;
	q.include_expired = STG_OPT_TRUE;
	q.limit = CRAWL_FACTS_LIMIT;
	q.cursor = s->cursor;
	struct stg_request *req = stg_request_query(&q, &err);
	if (req == NULL) {
		ui_log_error(p->ui, "GET /v1/facts", &err);
		start_closure(p);
		return;
	}
	if (ui_submit(p->ui, p, req, TAG_FACTS) == 0)
		start_closure(p);
}

/* /v1/audit failed: say so, then crawl /v1/facts and the graph. */
static void
start_fallback(struct pane *p, const struct stg_async_result *res)
{
	struct ents *s = p->priv;
	if (res->error.http_status)
		snprintf(s->audit_why, sizeof(s->audit_why), "HTTP %ld", res->error.http_status);
	else
		snprintf(s->audit_why, sizeof(s->audit_why), "%s", stg_status_message(res->status));
	ui_log(p->ui, UI_LOG_WARN, "GET /v1/audit failed (%s): entity discovery falls back to the /v1/facts crawl",
	       s->audit_why);
	s->source = SRC_CRAWL;
	free(s->cursor);
	s->cursor = NULL;
	s->pages = 0;
	request_facts_page(p);
}

/* The facts of one GET /v1/facts page; returns how many were new. For an
 * entity query (`seed` set) also queue its ref values and its scopes'
 * neighbour queries. */
static size_t
crawl_facts(struct ents *s, const struct stg_fact_page *pg, const char *seed)
{
	size_t fresh = 0;
	const char *scopes[16];
	size_t n_scopes = 0;
	for (size_t i = 0; pg && i < pg->n_facts; i++) {
		const struct stg_fact *f = &pg->facts[i];
		if (f->entity == NULL)
			continue;
		if (note_fact(s, f->id, f->entity, f->timestamp))
			fresh++;
		if (!s->closure)
			continue;
		probe(s, f->entity);
		if (f->value.type == STG_VT_REF && f->value.str && !f->value.is_null &&
		    strlen(f->value.str) == f->value.str_len)
			probe(s, f->value.str);
		if (seed && f->scope && f->scope[0]) {
			size_t k = 0;
			while (k < n_scopes && strcmp(scopes[k], f->scope) != 0)
				k++;
			if (k == n_scopes && n_scopes < sizeof(scopes) / sizeof(scopes[0]))
				scopes[n_scopes++] = f->scope;
		}
	}
	for (size_t k = 0; seed && k < n_scopes; k++) {
		char key[1024];
		int len = snprintf(key, sizeof(key), "%s\x1f%s", seed, scopes[k]);
		if (len < 0 || (size_t)len >= sizeof(key))
			continue;
		bool added;
		if (map_get(&s->nb_seen, key, true, 0, &added) != NULL && added)
			enqueue(s, JOB_NEIGHBORS, seed, scopes[k], NULL, 0);
	}
	return fresh;
}

/* A cursor is worth following when the page brought new rows and the
 * cursor moved (the reference node's facts cursor is unsound). */
static bool
follow(const char *next, const char *prev, size_t fresh)
{
	return next && next[0] && fresh > 0 && (prev == NULL || strcmp(next, prev) != 0);
}

static void
crawl_response(struct pane *p, size_t k, struct stg_async_result *res)
{
	struct ents *s = p->priv;
	struct job j = s->slot[k];
	memset(&s->slot[k], 0, sizeof(s->slot[k]));
	s->slot_used[k] = false;
	if (s->inflight > 0)
		s->inflight--;
	if (s->failed || s->done) {
		/* Stopped (cancelled) meanwhile: drop the rest. */
	} else if (res->status == STG_ERR_CANCELLED) {
		stop_discovery(p, res);
	} else if (res->status != STG_OK) {
		if (s->crawl_errors++ == 0)
			ui_log_error(p->ui,
				     j.kind == JOB_ENTITY ? "GET /v1/facts?entity= (entity crawl)"
							  : "GET /v1/graph/neighbors (entity crawl)",
				     &res->error);
	} else if (j.kind == JOB_ENTITY) {
		const struct stg_fact_page *pg = res->value;
		size_t fresh = crawl_facts(s, pg, j.entity);
		if (pg && j.pages + 1 < CRAWL_SEED_PAGES && follow(pg->cursor, j.cursor, fresh))
			enqueue(s, JOB_ENTITY, j.entity, NULL, pg->cursor, j.pages + 1);
	} else {
		const struct stg_neighbors *nb = res->value;
		for (size_t i = 0; nb && i < nb->n_neighbors; i++)
			probe(s, nb->neighbors[i].entity);
		if (nb && nb->n_neighbors > 0 && j.pages + 1 < CRAWL_SEED_PAGES && nb->next_cursor &&
		    nb->next_cursor[0] &&
		    (j.cursor == NULL || strcmp(nb->next_cursor, j.cursor) != 0))
			enqueue(s, JOB_NEIGHBORS, j.entity, j.scope, nb->next_cursor, j.pages + 1);
	}
	job_free(&j);
	stg_async_result_free(res);
	if (!s->failed)
		crawl_pump(p);
	ui_pane_dirty(p);
}

static void
facts_page_response(struct pane *p, struct stg_async_result *res)
{
	struct ents *s = p->priv;
	if (res->status != STG_OK) {
		if (res->status == STG_ERR_CANCELLED || s->n == 0) {
			if (res->status != STG_ERR_CANCELLED)
				ui_log_error(p->ui, "GET /v1/facts (entity crawl)", &res->error);
			stop_discovery(p, res);
		} else {
			/* Entities from audit pages seen before: crawl from those. */
			ui_log_error(p->ui, "GET /v1/facts (entity crawl)", &res->error);
			s->crawl_errors++;
			start_closure(p);
		}
		stg_async_result_free(res);
		ui_pane_dirty(p);
		return;
	}
	const struct stg_fact_page *pg = res->value;
	s->pages++;
	size_t fresh = crawl_facts(s, pg, NULL);
	bool more = pg && follow(pg->cursor, s->cursor, fresh);
	char *next = more ? strdup(pg->cursor) : NULL;
	free(s->cursor);
	s->cursor = next;
	stg_async_result_free(res);
	if (next)
		request_facts_page(p);
	else
		start_closure(p);
	ui_pane_dirty(p);
}

static void
audit_response(struct pane *p, struct stg_async_result *res)
{
	struct ents *s = p->priv;
	if (res->status != STG_OK) {
		/* A node that cannot be reached (or a key that must not be sent)
		 * fails every route alike: no crawl then. */
		bool unreachable = res->status == STG_ERR_CANCELLED || res->status == STG_ERR_CONNECT ||
				   res->status == STG_ERR_TLS || res->status == STG_ERR_INSECURE;
		if (res->status != STG_ERR_CANCELLED)
			ui_log_error(p->ui, "GET /v1/audit (entity discovery)", &res->error);
		if (unreachable)
			stop_discovery(p, res);
		else
			start_fallback(p, res);
		stg_async_result_free(res);
		ui_pane_dirty(p);
		return;
	}
	const struct stg_audit_page *pg = res->value;
	s->pages++;
	for (size_t i = 0; pg && i < pg->n_entries; i++)
		add_write(s, &pg->entries[i]);
	free(s->cursor);
	s->cursor = NULL;
	bool more = pg && pg->cursor && pg->cursor[0] && pg->n_entries > 0;
	if (more)
		s->cursor = strdup(pg->cursor);
	stg_async_result_free(res);
	if (more && s->cursor) {
		request_page(p);
	} else {
		s->done = true;
		ui_log(p->ui, UI_LOG_INFO, "Entity discovery done: %zu entities from %zu writes (%zu pages)",
		       s->n, s->writes, s->pages);
	}
	ui_pane_dirty(p);
}

/* ---- open conflicts per entity (contradictions sort) ------------------------ */

static void
request_conflicts(struct pane *p)
{
	struct ents *s = p->priv;
	struct stg_error err;
	stg_error_clear(&err);
	struct stg_conflict_params q = {.status = "unresolved", .cursor = s->conf_cursor, .limit = 500};
	struct stg_request *req = stg_request_conflicts(&q, &err);
	s->conf = CONF_LOADING;
	if (req == NULL) {
		ui_log_error(p->ui, "GET /v1/conflicts", &err);
		s->conf = CONF_FAILED;
		return;
	}
	if (ui_submit(p->ui, p, req, TAG_CONFLICTS) == 0)
		s->conf = CONF_FAILED;
}

static void
bump_contra(struct ents *s, const char *entity)
{
	size_t *v = map_get(&s->contra_by, entity, true, 0, NULL);
	if (v)
		++*v;
}

static void
conflicts_response(struct pane *p, struct stg_async_result *res)
{
	struct ents *s = p->priv;
	if (res->status != STG_OK) {
		if (res->status != STG_ERR_CANCELLED)
			ui_log_error(p->ui, "GET /v1/conflicts (contradictions sort)", &res->error);
		s->conf = CONF_FAILED;
		stg_async_result_free(res);
		ui_pane_dirty(p);
		return;
	}
	const struct stg_conflict_page *pg = res->value;
	s->conf_pages++;
	size_t fresh = 0;
	for (size_t i = 0; pg && i < pg->n_conflicts; i++) {
		const struct stg_conflict *c = &pg->conflicts[i];
		bool added = true;
		if (c->conflict_id && (map_get(&s->conf_ids, c->conflict_id, true, 0, &added) == NULL || !added))
			continue;
		if (c->status && strcmp(c->status, "unresolved") != 0)
			continue;
		fresh++;
		s->conf_open++;
		const char *a = c->fact_a ? c->fact_a->entity : NULL;
		const char *b = c->fact_b ? c->fact_b->entity : NULL;
		if (a)
			bump_contra(s, a);
		if (b && (a == NULL || strcmp(a, b) != 0))
			bump_contra(s, b);
	}
	bool more = pg && pg->has_more && follow(pg->cursor, s->conf_cursor, fresh);
	char *next = more ? strdup(pg->cursor) : NULL;
	free(s->conf_cursor);
	s->conf_cursor = next;
	stg_async_result_free(res);
	if (next) {
		request_conflicts(p);
	} else {
		s->conf = CONF_DONE;
		ui_log(p->ui, UI_LOG_INFO, "Open conflicts: %zu unresolved on %zu entities (%zu pages)",
		       s->conf_open, s->contra_by.n, s->conf_pages);
	}
	s->need_rebuild = true;
	s->need_sort = true;
	ui_pane_dirty(p);
}

static void
ents_response(struct pane *p, int tag, struct stg_async_result *res)
{
	if (tag == TAG_AUDIT)
		audit_response(p, res);
	else if (tag == TAG_FACTS)
		facts_page_response(p, res);
	else if (tag == TAG_CONFLICTS)
		conflicts_response(p, res);
	else if (tag >= TAG_CRAWL && tag < TAG_CRAWL + CRAWL_PARALLEL)
		crawl_response(p, (size_t)(tag - TAG_CRAWL), res);
	else
		stg_async_result_free(res);
}

/* ---- sorting and view ----------------------------------------------------------- */

static const struct ents *sort_ctx;

static int
cmp_ent(const void *a, const void *b)
{
	const struct ents *s = sort_ctx;
	const struct ent *x = &s->e[*(const size_t *)a], *y = &s->e[*(const size_t *)b];
	bool xs = x->kind != EK_USER, ys = y->kind != EK_USER;
	if (xs != ys)
		return xs ? 1 : -1;
	if (xs && x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	int c = 0;
	if (s->sort == SORT_LAST)
		c = -strcmp(x->last, y->last);
	else if (s->sort == SORT_FACTS)
		c = x->facts < y->facts ? 1 : x->facts > y->facts ? -1 : 0;
	else if (s->sort == SORT_CONTRA)
		c = x->contra < y->contra ? 1 : x->contra > y->contra ? -1 : 0;
	if (c == 0)
		c = strcmp(x->name, y->name);
	return c;
}

static void
rebuild(struct ents *s)
{
	size_t need = s->n + 1;
	if (need > s->cap_order) {
		size_t *no = realloc(s->order, (need + 256) * sizeof(*no));
		if (no == NULL)
			return;
		s->order = no;
		size_t *ns = realloc(s->sorted, (need + 256) * sizeof(*ns));
		if (ns == NULL)
			return;
		s->sorted = ns;
		s->cap_order = need + 256;
		s->need_sort = true;
	}
	/* Sorting does not depend on the filter: sort only when the entities,
	 * the sort mode or the system toggle changed, not on every keystroke
	 * of the filter (the list widget then filters the cached order). */
	if (s->need_sort || s->sorted == NULL) {
		if (s->sort == SORT_CONTRA)
			for (size_t i = 0; i < s->n; i++) {
				const size_t *v = map_get(&s->contra_by, s->e[i].name, false, 0, NULL);
				s->e[i].contra = v ? *v : 0;
			}
		size_t n = 0;
		for (size_t i = 0; i < s->n; i++)
			if (s->show_system || s->e[i].kind == EK_USER)
				s->sorted[n++] = i;
		sort_ctx = s;
		qsort(s->sorted, n, sizeof(size_t), cmp_ent);
		sort_ctx = NULL;
		s->n_sorted = n;
		s->need_sort = false;
		build_filter_text(s);
	}
	size_t k = s->n_sorted;
	memcpy(s->order, s->sorted, k * sizeof(size_t));
	/* Group header before the first system entity (not while filtering). */
	if (s->list.filter[0] == '\0') {
		for (size_t i = 0; i < k; i++) {
			if (s->e[s->order[i]].kind != EK_USER) {
				memmove(&s->order[i + 1], &s->order[i], (k - i) * sizeof(size_t));
				s->order[i] = s->n; /* header pseudo-item */
				k++;
				break;
			}
		}
	}
	ui_list_rebuild(&s->list, s->order, k);
	s->need_rebuild = false;
}

static size_t
count_kind(const struct ents *s, bool user)
{
	size_t c = 0;
	for (size_t i = 0; i < s->n; i++)
		if ((s->e[i].kind == EK_USER) == user)
			c++;
	return c;
}

static const char *const sort_names[] = {"name", "last write", "facts", "contradictions"};

static void
ents_draw(struct pane *p, WINDOW *w, int h, int width)
{
	struct ents *s = p->priv;
	struct ui *ui = p->ui;
	bool prompt = s->list.editing || s->list.filter[0];
	int rows = h - 2 - (prompt ? 1 : 0);
	s->list.rows = rows > 0 ? (size_t)rows : 1;
	if (s->need_rebuild)
		rebuild(s);

	/* Line 0: progress. */
	char line[512];
	size_t nuser = count_kind(s, true), nsys = s->n - nuser;
	if (!s->started)
		snprintf(line, sizeof(line), "Entities: not loaded (r loads)");
	else if (s->failed && s->source == SRC_CRAWL)
		snprintf(line, sizeof(line),
			 "Entities: %zu user, %zu system - discovery stopped (/v1/audit: %s; /v1/facts crawl stopped)",
			 nuser, nsys, s->audit_why);
	else if (s->failed)
		snprintf(line, sizeof(line), "Entities: %zu user, %zu system - discovery stopped", nuser, nsys);
	else if (s->source == SRC_CRAWL && !s->done)
		snprintf(line, sizeof(line),
			 "%s Discovering entities from /v1/facts crawl (/v1/audit: %s): %zu user, %zu system, %zu facts, %zu requests",
			 ui_spinner(ui), s->audit_why, nuser, nsys, s->writes, s->pages + s->requests);
	else if (s->source == SRC_CRAWL)
		snprintf(line, sizeof(line),
			 "Entities: %zu user, %zu system from %zu facts (from /v1/facts crawl; /v1/audit: %s)",
			 nuser, nsys, s->writes, s->audit_why);
	else if (!s->done)
		snprintf(line, sizeof(line), "%s Discovering entities from /v1/audit: %zu user, %zu system, %zu writes, page %zu",
			 ui_spinner(ui), nuser, nsys, s->writes, s->pages + 1);
	else
		snprintf(line, sizeof(line), "Entities: %zu user, %zu system from %zu writes (%zu pages)",
			 nuser, nsys, s->writes, s->pages);
	ui_draw_text(ui, w, 0, 1, width - 1, s->failed ? UI_ROLE_LOG_ERROR : UI_ROLE_NORMAL, line);
	if (s->failed && s->error[0] && width > 40) {
		/* Error detail on the header line would be cut; it goes in the list area. */
	}

	/* Line 1: column header. */
	/* The contradictions sort adds an "Open" column (open conflicts). */
	bool contra = s->sort == SORT_CONTRA;
	int factw = 7, lastw = 20, openw = 6;
	int namew = width - factw - lastw - 6 - (contra ? openw + 2 : 0);
	if (namew < 10)
		namew = 10;
	ui_fill_row(ui, w, 1, 0, width, UI_ROLE_LIST_HEADER);
	char head[256];
	if (contra)
		snprintf(head, sizeof(head), "%-*s %*s  %*s  %-*s", namew + 2, "Entity", factw, "Facts", openw,
			 "Open v", lastw, "Last write");
	else
		snprintf(head, sizeof(head), "%-*s %*s  %-*s", namew + 2,
			 s->sort == SORT_NAME ? "Entity v" : "Entity", factw,
			 s->sort == SORT_FACTS ? "Facts v" : "Facts", lastw,
			 s->sort == SORT_LAST ? "Last write v" : "Last write");
	ui_draw_text(ui, w, 1, 1, width - 1, UI_ROLE_LIST_HEADER, head);

	int y0 = 2;
	if (s->failed && s->error[0] && rows > 2) {
		ui_draw_text(ui, w, y0, 2, width - 2, UI_ROLE_LOG_ERROR, s->error);
		ui_draw_text(ui, w, y0 + 1, 2, width - 2, UI_ROLE_LIST_DIM,
			     !s->auth_error ? "r retries; 1 shows the node overview; 0 shows the log."
			     : s->source == SRC_CRAWL
				     ? "Discovery needs read access to GET /v1/audit or GET /v1/facts. r retries; 0 shows the log."
				     : "Discovery needs read access to GET /v1/audit. r retries; 0 shows the log.");
		y0 += 2;
		rows -= 2;
	}
	if (s->list.n_view == 0 && rows > 0) {
		const char *msg = !s->started ? "" : s->list.filter[0] ? "no entity matches the filter"
					       : s->done ? "no entities on this node"
					       : s->failed ? ""
							 : "waiting for the first page...";
		ui_draw_text(ui, w, y0, 2, width - 2, UI_ROLE_LIST_DIM, msg);
	}
	for (int r = 0; r < rows && s->list.top + (size_t)r < s->list.n_view; r++) {
		size_t vi = s->list.top + (size_t)r;
		size_t i = s->list.view[vi];
		int y = y0 + r;
		bool sel = vi == s->list.cursor;
		if (i >= s->n) {
			char g[128];
			snprintf(g, sizeof(g), "-- system entities (%zu): conflicts, resolutions, fact ids --", nsys);
			ui_draw_text(ui, w, y, 1, width - 1, sel ? UI_ROLE_CURSOR : UI_ROLE_LIST_GROUP, g);
			continue;
		}
		const struct ent *e = &s->e[i];
		enum ui_role base = sel ? UI_ROLE_CURSOR : (e->kind == EK_USER ? UI_ROLE_NORMAL : UI_ROLE_LIST_DIM);
		if (sel)
			ui_fill_row(ui, w, y, 0, width, UI_ROLE_CURSOR);
		int x = 1;
		/* A '!' flags names holding escapes, bidi or invisible characters. */
		x += ui_draw_text(ui, w, y, x, 2, e->suspicious ? UI_ROLE_MARKER_ESCAPE : base,
				  e->suspicious ? "!" : " ");
		x += 1;
		int nw = namew;
		if (e->kind != EK_USER) {
			char tag[24];
			snprintf(tag, sizeof(tag), "[%s] ", kind_label[e->kind]);
			int tw = ui_draw_text(ui, w, y, x, nw, base, tag);
			x += tw;
			nw -= tw;
		}
		ui_draw_node_text(ui, w, y, x, nw, base, e->name, strlen(e->name), NULL);
		x = 1 + 2 + namew + 1;
		char num[32];
		snprintf(num, sizeof(num), "%*zu", factw, e->facts);
		ui_draw_text(ui, w, y, x, factw, base, num);
		x += factw + 2;
		if (contra) {
			/* "..." while GET /v1/conflicts runs, "?" when it failed. */
			if (s->conf == CONF_DONE)
				snprintf(num, sizeof(num), "%*zu", openw, e->contra);
			else
				snprintf(num, sizeof(num), "%*s", openw, s->conf == CONF_LOADING ? "..." : "?");
			ui_draw_text(ui, w, y, x, openw, base, num);
			x += openw + 2;
		}
		char last[24];
		snprintf(last, sizeof(last), "%.19s", e->last);
		for (char *c = last; *c; c++)
			if (*c == 'T')
				*c = ' ';
		ui_draw_text(ui, w, y, x, width - x, base, last);
	}
	if (prompt)
		ui_list_draw_prompt(ui, &s->list, w, h - 1, width);
}

static void
select_entity(struct pane *p, bool open)
{
	struct ents *s = p->priv;
	size_t i = ui_list_selected(&s->list);
	if (i == SIZE_MAX || i >= s->n)
		return;
	struct ui_shared *sh = ui_shared(p->ui);
	if (strcmp(sh->selected_entity, s->e[i].name) != 0) {
		snprintf(sh->selected_entity, sizeof(sh->selected_entity), "%s", s->e[i].name);
		sh->selected_gen++;
	}
	if (open) {
		struct pane *fp = ui_find_pane(p->ui, &pane_facts_ops);
		if (fp)
			ui_focus_pane(p->ui, fp);
	}
}

static unsigned
ents_key(struct pane *p, int key, enum ui_action a)
{
	struct ents *s = p->priv;
	bool changed = false;
	unsigned r = ui_list_key(&s->list, key, a, &changed);
	if (changed)
		s->need_rebuild = true;
	if (r & UI_HANDLED) {
		/* While the filter is being typed the cursor row changes on every
		 * character: publish the selection (which makes the facts and
		 * card panes fetch) only once the typing stops. */
		if (!(changed && s->list.editing))
			select_entity(p, false);
		return r;
	}
	switch (a) {
	case UI_ACTION_OPEN:
		select_entity(p, true);
		return UI_HANDLED;
	case UI_ACTION_SORT:
		s->sort = (enum sort_mode)((s->sort + 1) % SORT_COUNT);
		s->need_rebuild = true;
		s->need_sort = true;
		if (s->sort == SORT_CONTRA)
			ui_log(p->ui, UI_LOG_INFO, "Entities sorted by contradictions (open conflicts on their facts)");
		else
			ui_log(p->ui, UI_LOG_INFO, "Entities sorted by %s", sort_names[s->sort]);
		if (s->sort == SORT_CONTRA && s->started && (s->conf == CONF_NONE || s->conf == CONF_FAILED)) {
			free(s->conf_cursor);
			s->conf_cursor = NULL;
			request_conflicts(p);
		}
		return UI_HANDLED;
	case UI_ACTION_TOGGLE_SYSTEM:
		s->show_system = !s->show_system;
		s->need_rebuild = true;
		s->need_sort = true;
		ui_log(p->ui, UI_LOG_INFO, "System entities %s", s->show_system ? "shown" : "hidden");
		return UI_HANDLED;
	case UI_ACTION_REFRESH:
		start_discovery(p);
		return UI_HANDLED;
	default:
		return UI_UNHANDLED;
	}
}

static unsigned
ents_click(struct pane *p, int y, int x)
{
	struct ents *s = p->priv;
	(void)x;
	if (y < 2)
		return 0;
	size_t vi = s->list.top + (size_t)(y - 2);
	if (vi < s->list.n_view) {
		s->list.cursor = vi;
		select_entity(p, false);
		return UI_REDRAW;
	}
	return 0;
}

static void
ents_summary(struct pane *p, char *buf, size_t size)
{
	struct ents *s = p->priv;
	snprintf(buf, size, "%zu entities%s  sort:%s", s->n,
		 s->done ? "" : s->failed ? " (stopped)" : " ...", sort_names[s->sort]);
}

static bool
ents_raw(struct pane *p, const char **label, const char **data, size_t *len)
{
	struct ents *s = p->priv;
	size_t i = ui_list_selected(&s->list);
	if (i == SIZE_MAX || i >= s->n)
		return false;
	*label = "entity name";
	*data = s->e[i].name;
	*len = strlen(s->e[i].name);
	return true;
}

static bool
ents_text_input(struct pane *p)
{
	const struct ents *s = p->priv;
	return s != NULL && s->list.editing;
}

const struct pane_ops pane_entities_ops = {
	.text_input = ents_text_input,
	.name = "entities",
	.title = "Entities",
	.tab_key = "2",
	.init = ents_init,
	.free = ents_free,
	.show = ents_show,
	.draw = ents_draw,
	.on_key = ents_key,
	.on_response = ents_response,
	.summary = ents_summary,
	.raw_value = ents_raw,
	.on_click = ents_click,
	.help = "Entities are discovered from GET /v1/audit pages in the background; when /v1/audit\n"
		"fails, from a crawl of GET /v1/facts pages and graph neighbours.\n"
		"Sort by contradictions: most open conflicts (GET /v1/conflicts) on an entity's facts first.\n"
		"A '!' before a name: it holds escapes, bidi or invisible characters (R shows the bytes).",
};
