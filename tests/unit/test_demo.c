/* test_demo.c — the --demo and --generate datasets: determinism, promised
 * content, valid bodies, and conflicts counted independently of the
 * generator with the node's value-blind rule (stigmem-api.md §3.6). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "node/demo.h"
#include "stigmem/buf.h"
#include "stigmem/cid.h"

#include "../lib/testdata.h"

/* ---- a recording sink ------------------------------------------------- */

struct rec_fact {
	char *body;
	char id[LITE_DEMO_ID_MAX];
	int age_days;
	const char *tag;
};

struct rec_resolve {
	char a[LITE_DEMO_ID_MAX], b[LITE_DEMO_ID_MAX], winner[LITE_DEMO_ID_MAX];
	char *new_value;
};

struct sink_state {
	struct stg_buf stream;       /* every operation, serialised */
	struct rec_fact *facts;
	size_t n, cap;
	struct rec_resolve *res;
	size_t n_res, cap_res;
	size_t fail_at;              /* return 7 on this assert (1-based); 0 = never */
};

static int
rec_assert(void *ctx, const struct lite_demo_fact *f, char *id_out, size_t id_cap)
{
	struct sink_state *s = ctx;
	struct rec_fact *r;

	if (s->fail_at && s->n + 1 == s->fail_at)
		return 7;
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 256;
		s->facts = realloc(s->facts, s->cap * sizeof *s->facts);
		assert_non_null(s->facts);
	}
	r = &s->facts[s->n];
	assert_int_equal(strlen(f->body), f->len);
	r->body = strdup(f->body);
	assert_non_null(r->body);
	snprintf(r->id, sizeof r->id, "fact-%05zu", s->n);
	r->age_days = f->age_days;
	r->tag = f->tag;
	snprintf(id_out, id_cap, "%s", r->id);
	stg_buf_printf(&s->stream, "A|%d|%s|", f->age_days, f->tag ? f->tag : "");
	stg_buf_append(&s->stream, f->body, f->len);
	stg_buf_putc(&s->stream, '\n');
	s->n++;
	return 0;
}

static int
rec_resolve(void *ctx, const struct lite_demo_resolve *r)
{
	struct sink_state *s = ctx;
	struct rec_resolve *o;

	if (s->n_res == s->cap_res) {
		s->cap_res = s->cap_res ? s->cap_res * 2 : 16;
		s->res = realloc(s->res, s->cap_res * sizeof *s->res);
		assert_non_null(s->res);
	}
	o = &s->res[s->n_res++];
	memset(o, 0, sizeof *o);
	assert_non_null(r->fact_a_id);
	assert_non_null(r->fact_b_id);
	assert_true((r->winner_id == NULL) != (r->new_value_json == NULL));
	snprintf(o->a, sizeof o->a, "%s", r->fact_a_id);
	snprintf(o->b, sizeof o->b, "%s", r->fact_b_id);
	if (r->winner_id)
		snprintf(o->winner, sizeof o->winner, "%s", r->winner_id);
	if (r->new_value_json)
		o->new_value = strdup(r->new_value_json);
	stg_buf_printf(&s->stream, "R|%s|%s|%s|%s\n", r->fact_a_id, r->fact_b_id,
		       r->winner_id ? r->winner_id : "", r->new_value_json ? r->new_value_json : "");
	return 0;
}

static void
sink_init(struct sink_state *s)
{
	memset(s, 0, sizeof *s);
	stg_buf_init(&s->stream);
}

static void
sink_done(struct sink_state *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->facts[i].body);
	for (i = 0; i < s->n_res; i++)
		free(s->res[i].new_value);
	free(s->facts);
	free(s->res);
	stg_buf_done(&s->stream);
}

static int
run_demo(struct sink_state *s, struct lite_demo_stats *st)
{
	struct lite_demo_sink sink = {s, rec_assert, rec_resolve};

	sink_init(s);
	return lite_demo_run(&sink, st);
}

/* ---- body checks ------------------------------------------------------ */

static bool
valid_utf8(const unsigned char *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned char c = p[i];
		size_t len, k;
		uint32_t cp;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF) {
			len = 2;
			cp = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			len = 3;
			cp = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			len = 4;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (i + len > n)
			return false;
		for (k = 1; k < len; k++) {
			if ((p[i + k] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (p[i + k] & 0x3F);
		}
		if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
		    (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		i += len;
	}
	return true;
}

static const char *const type_names[7] = {"string", "text", "number", "boolean",
					  "datetime", "ref", "null"};
static const char *const scopes[4] = {"local", "team", "company", "public"};

static int
index_of(const char *const *tab, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s && strcmp(tab[i], s) == 0)
			return (int)i;
	return -1;
}

/* Parse and check one body; returns the tree (caller deletes). */
static cJSON *
check_body(const char *body)
{
	const unsigned char *p = (const unsigned char *)body;
	size_t i, n = strlen(body);
	cJSON *j, *v, *t, *c, *sc;
	const char *req[] = {"entity", "relation", "source"};

	for (i = 0; i < n; i++)
		if (p[i] < 0x20)
			fail_msg("raw control byte 0x%02x in body: %.80s", p[i], body);
	assert_true(valid_utf8(p, n));
	j = cJSON_ParseWithLength(body, n);
	if (!j)
		fail_msg("not JSON: %.120s", body);
	assert_true(cJSON_IsObject(j));
	for (i = 0; i < 3; i++) {
		cJSON *it = cJSON_GetObjectItemCaseSensitive(j, req[i]);

		assert_true(cJSON_IsString(it));
		assert_true(strlen(it->valuestring) > 0);
	}
	v = cJSON_GetObjectItemCaseSensitive(j, "value");
	assert_true(cJSON_IsObject(v));
	t = cJSON_GetObjectItemCaseSensitive(v, "type");
	assert_true(cJSON_IsString(t));
	assert_true(index_of(type_names, 7, t->valuestring) >= 0);
	if (strcmp(t->valuestring, "null") != 0) {
		cJSON *vv = cJSON_GetObjectItemCaseSensitive(v, "v");

		assert_non_null(vv);
		if (strcmp(t->valuestring, "number") == 0)
			assert_true(cJSON_IsNumber(vv));
		else if (strcmp(t->valuestring, "boolean") == 0)
			assert_true(cJSON_IsBool(vv));
		else
			assert_true(cJSON_IsString(vv));
	}
	c = cJSON_GetObjectItemCaseSensitive(j, "confidence");
	assert_true(cJSON_IsNumber(c));
	{
		/* Numbers are tidy decimals (no 0.30000000000000004). */
		char f[STG_PYFLOAT_MAX];
		cJSON *vv = cJSON_GetObjectItemCaseSensitive(v, "v");

		assert_true(stg_pyfloat_format(c->valuedouble, f) <= 6);
		if (cJSON_IsNumber(vv) && stg_pyfloat_format(vv->valuedouble, f) > 9)
			fail_msg("untidy number %s in %.80s", f, body);
	}
	assert_true(c->valuedouble >= 0.0 && c->valuedouble <= 1.0);
	sc = cJSON_GetObjectItemCaseSensitive(j, "scope");
	assert_true(cJSON_IsString(sc));
	assert_true(index_of(scopes, 4, sc->valuestring) >= 0);
	return j;
}

/* Simple linear-probe string table for the independent counts. */
struct tab {
	char **k;
	size_t *v;
	size_t cap;
};

/* Slot of key in t: where it is, or the empty slot where it would go. */
static size_t
tab_slot(const struct tab *t, const char *key)
{
	uint64_t h = 1469598103934665603ULL;
	const char *p;
	size_t j;

	for (p = key; *p; p++) {
		h ^= (unsigned char)*p;
		h *= 1099511628211ULL;
	}
	j = (size_t)(h % t->cap);
	while (t->k[j] && strcmp(t->k[j], key) != 0)
		j = (j + 1) % t->cap;
	return j;
}

static size_t *
tab_get(struct tab *t, const char *key, bool *created)
{
	size_t j = tab_slot(t, key);

	if (t->k[j]) {
		*created = false;
		return &t->v[j];
	}
	t->k[j] = strdup(key);
	t->v[j] = 0;
	*created = true;
	return &t->v[j];
}

static bool
tab_has(const struct tab *t, const char *key)
{
	return t->k[tab_slot(t, key)] != NULL;
}

static void
tab_init(struct tab *t, size_t cap)
{
	t->cap = cap;
	t->k = calloc(cap, sizeof *t->k);
	t->v = calloc(cap, sizeof *t->v);
	assert_true(t->k && t->v);
}

static void
tab_free(struct tab *t)
{
	size_t i;

	for (i = 0; i < t->cap; i++)
		free(t->k[i]);
	free(t->k);
	free(t->v);
}

struct summary {
	size_t types[7], scopes[4], entities, conflicts, retractions, instructions;
	size_t refs, refs_known, past, future, cid_dupes, long_text, formal_src, informal_src;
	size_t sources, non_ascii_entities, max_value_len;
	bool ansi, osc52, osc0, bidi, zwsp, c1csi, cr;
};

/* The key of a fact as the node builds it for conflict detection. */
static void
key_of(const cJSON *j, char *out, size_t cap)
{
	snprintf(out, cap, "%s\x1f%s\x1f%s", tst_str(j, "entity"), tst_str(j, "relation"),
		 tst_str(j, "scope"));
}

static void
summarise(const struct sink_state *s, struct summary *m, char ***keys_out)
{
	struct tab keys, ents, cids, srcs;
	size_t i;
	char key[4096];
	char **keylist = calloc(s->n ? s->n : 1, sizeof *keylist);
	char **refs = calloc(s->n ? s->n : 1, sizeof *refs);
	size_t n_refs = 0;

	assert_non_null(keylist);
	assert_non_null(refs);
	memset(m, 0, sizeof *m);
	tab_init(&keys, 8 * s->n + 64);
	tab_init(&ents, 8 * s->n + 64);
	tab_init(&cids, 8 * s->n + 64);
	tab_init(&srcs, 1024);
	for (i = 0; i < s->n; i++) {
		cJSON *j = check_body(s->facts[i].body);
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, "value");
		const cJSON *vv = cJSON_GetObjectItemCaseSensitive(v, "v");
		const char *ent = tst_str(j, "entity"), *type = tst_str(v, "type"), *vs;
		const char *src = tst_str(j, "source"), *vu = tst_str(j, "valid_until");
		double conf = cJSON_GetObjectItemCaseSensitive(j, "confidence")->valuedouble;
		size_t *live;
		bool created;
		char *vtext;

		m->types[index_of(type_names, 7, type)]++;
		m->scopes[index_of(scopes, 4, tst_str(j, "scope"))]++;
		tab_get(&ents, ent, &created);
		if (created) {
			m->entities++;
			for (const char *p = ent; *p; p++)
				if ((unsigned char)*p >= 0x80) {
					m->non_ascii_entities++;
					break;
				}
		}
		tab_get(&srcs, src, &created);
		if (created) {
			m->sources++;
			if (strncmp(src, "stigmem://", 10) == 0)
				m->formal_src++;
			else if (strncmp(src, "agent:", 6) == 0)
				m->informal_src++;
		}
		/* Value-blind conflicts: every earlier same-key fact with
		 * confidence > 0. */
		key_of(j, key, sizeof key);
		keylist[i] = strdup(key);
		live = tab_get(&keys, key, &created);
		m->conflicts += *live;
		if (conf > 0.0)
			(*live)++;
		else
			m->retractions++;
		/* CID duplicates: same entity, relation, value, source,
		 * confidence, scope would be de-duplicated by the node. */
		vtext = vv ? cJSON_PrintUnformatted(vv) : strdup("null");
		snprintf(key, sizeof key, "%s\x1f%s\x1f%s\x1f%.3000s\x1f%s\x1f%.17g\x1f%s", ent,
			 tst_str(j, "relation"), type, vtext, src, conf, tst_str(j, "scope"));
		free(vtext);
		tab_get(&cids, key, &created);
		if (!created)
			m->cid_dupes++;
		if (strcmp(tst_str(v, "interpret_as") ? tst_str(v, "interpret_as") : "", "instruction") == 0)
			m->instructions++;
		if (vu && strcmp(vu, "2026-01-01") < 0)
			m->past++;
		if (vu && strcmp(vu, "2027-01-01") > 0)
			m->future++;
		vs = cJSON_IsString(vv) ? vv->valuestring : "";
		if (strlen(vs) > m->max_value_len)
			m->max_value_len = strlen(vs);
		if (strlen(vs) >= 10000)
			m->long_text++;
		if (strcmp(type, "ref") == 0) {
			m->refs++;
			refs[n_refs++] = strdup(vs);
		}
#define HAS(x) (strstr(vs, x) || strstr(tst_str(j, "relation"), x) || strstr(src, x))
		m->ansi |= HAS("\x1b[31m");
		m->osc52 |= HAS("\x1b]52;");
		m->osc0 |= HAS("\x1b]0;");
		m->bidi |= HAS("\xe2\x80\xae");
		m->zwsp |= HAS("\xe2\x80\x8b");
		m->c1csi |= HAS("\xc2\x9b");
		m->cr |= HAS("\r");
#undef HAS
		cJSON_Delete(j);
	}
	/* Known target: an entity asserted anywhere in the stream. */
	for (i = 0; i < n_refs; i++) {
		if (tab_has(&ents, refs[i]))
			m->refs_known++;
		free(refs[i]);
	}
	free(refs);
	tab_free(&keys);
	tab_free(&ents);
	tab_free(&cids);
	tab_free(&srcs);
	*keys_out = keylist;
}

static void
free_keys(char **keys, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(keys[i]);
	free(keys);
}

static size_t
find_id(const struct sink_state *s, const char *id)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->facts[i].id, id) == 0)
			return i;
	fail_msg("unknown fact id %s", id);
	return 0;
}

/* ---- tests ------------------------------------------------------------ */

static void
test_demo_deterministic(void **state)
{
	struct sink_state a, b;
	struct lite_demo_stats sa, sb;
	char ha[STG_HEX_MAX], hb[STG_HEX_MAX];

	(void)state;
	assert_int_equal(run_demo(&a, &sa), 0);
	assert_int_equal(run_demo(&b, &sb), 0);
	assert_true(a.stream.len > 500000);
	stg_sha256_hex(a.stream.data, a.stream.len, ha);
	stg_sha256_hex(b.stream.data, b.stream.len, hb);
	assert_string_equal(ha, hb);
	assert_memory_equal(&sa, &sb, sizeof sa);
	sink_done(&a);
	sink_done(&b);
}

static void
test_demo_content(void **state)
{
	struct sink_state s;
	struct lite_demo_stats st;
	struct summary m;
	char **keys;
	size_t i;

	(void)state;
	assert_int_equal(run_demo(&s, &st), 0);
	summarise(&s, &m, &keys);

	assert_int_equal(s.n, 2000);
	assert_int_equal(st.n_facts, s.n);
	assert_true(m.entities >= 140 && m.entities <= 160);
	assert_int_equal(st.n_entities, m.entities);
	for (i = 0; i < 7; i++) {
		if (m.types[i] < 5)
			fail_msg("value type %s: only %zu facts", type_names[i], m.types[i]);
		assert_int_equal(st.n_by_type[i], m.types[i]);
	}
	for (i = 0; i < 4; i++) {
		assert_true(m.scopes[i] >= 10);
		assert_int_equal(st.n_by_scope[i], m.scopes[i]);
	}
	/* Conflicts counted here with the node's rule. */
	assert_true(m.conflicts >= 25 && m.conflicts <= 40);
	assert_int_equal(st.n_conflicts, m.conflicts);
	assert_true(m.retractions >= 5);
	assert_int_equal(st.n_retractions, m.retractions);
	assert_int_equal(m.cid_dupes, 0);
	assert_true(m.instructions >= 3);
	assert_true(m.past >= 5 && m.future >= 5);
	assert_int_equal(st.n_expired, m.past);
	assert_int_equal(st.n_future_expiry, m.future);
	assert_true(m.long_text >= 2);
	assert_true(m.non_ascii_entities >= 10);
	assert_true(m.sources >= 8);
	assert_true(m.formal_src >= 3 && m.informal_src >= 5);
	/* A graph: many refs, almost all to entities of the dataset. */
	assert_true(m.refs >= 200);
	assert_true(m.refs_known * 100 >= m.refs * 95);
	/* Hostile strings. */
	assert_true(m.ansi && m.osc52 && m.osc0 && m.bidi && m.zwsp && m.c1csi && m.cr);
	assert_true(st.n_hostile >= 8);
	/* Enough writes for several checkpoints at the demo interval. */
	assert_true(s.n / LITE_DEMO_CHECKPOINT_INTERVAL >= 4);

	/* Resolutions name a recorded conflict: fact_a newer than fact_b,
	 * same key; winners are one of the two. */
	assert_true(st.n_resolved_winner >= 3 && st.n_resolved_new_value >= 3);
	assert_int_equal(s.n_res, st.n_resolved_winner + st.n_resolved_new_value);
	assert_true(s.n_res < m.conflicts); /* some stay unresolved */
	for (i = 0; i < s.n_res; i++) {
		size_t ia = find_id(&s, s.res[i].a), ib = find_id(&s, s.res[i].b);

		assert_true(ia > ib);
		assert_string_equal(keys[ia], keys[ib]);
		if (s.res[i].new_value) {
			cJSON *v = cJSON_Parse(s.res[i].new_value);

			assert_non_null(v);
			assert_true(index_of(type_names, 7, tst_str(v, "type")) >= 0);
			cJSON_Delete(v);
		} else {
			assert_true(strcmp(s.res[i].winner, s.res[i].a) == 0 ||
				    strcmp(s.res[i].winner, s.res[i].b) == 0);
		}
	}
	/* Entity URIs: formal, one of the six types. */
	for (i = 0; i < s.n; i++) {
		cJSON *j = cJSON_Parse(s.facts[i].body);
		const char *e = tst_str(j, "entity");
		const char *t = e + strlen("stigmem://acme.example/");

		assert_true(strncmp(e, "stigmem://acme.example/", 23) == 0);
		assert_true(strncmp(t, "user/", 5) == 0 || strncmp(t, "agent/", 6) == 0 ||
			    strncmp(t, "project/", 8) == 0 || strncmp(t, "doc/", 4) == 0 ||
			    strncmp(t, "team/", 5) == 0 || strncmp(t, "meeting/", 8) == 0);
		assert_true(s.facts[i].age_days >= 0 && s.facts[i].age_days <= 1000);
		cJSON_Delete(j);
	}
	free_keys(keys, s.n);
	sink_done(&s);
}

static void
test_sink_error_stops(void **state)
{
	struct sink_state s;
	struct lite_demo_sink sink = {&s, rec_assert, NULL};
	struct lite_demo_stats st;

	(void)state;
	sink_init(&s);
	s.fail_at = 11;
	assert_int_equal(lite_demo_run(&sink, &st), 7);
	assert_int_equal(s.n, 10);
	assert_int_equal(st.n_facts, 10);
	sink_done(&s);
	sink_init(&s);
	s.fail_at = 6;
	assert_int_equal(lite_generate_run(100, &sink, NULL), 7);
	assert_int_equal(s.n, 5);
	sink_done(&s);
	assert_int_equal(lite_demo_run(NULL, NULL), -1);
	sink.assert_fact = NULL;
	assert_int_equal(lite_generate_run(10, &sink, NULL), -1);
}

static void
test_generate(void **state)
{
	struct sink_state a, b;
	struct lite_demo_sink sa = {&a, rec_assert, NULL}, sb = {&b, rec_assert, NULL};
	struct lite_demo_stats st, st2;
	struct summary m;
	char **keys;
	char ha[STG_HEX_MAX], hb[STG_HEX_MAX];
	size_t i;

	(void)state;
	sink_init(&a);
	sink_init(&b);
	assert_int_equal(lite_generate_run(3000, &sa, &st), 0);
	assert_int_equal(lite_generate_run(3000, &sb, &st2), 0);
	stg_sha256_hex(a.stream.data, a.stream.len, ha);
	stg_sha256_hex(b.stream.data, b.stream.len, hb);
	assert_string_equal(ha, hb);
	assert_int_equal(a.n, 3000);
	summarise(&a, &m, &keys);
	assert_true(m.entities >= 270 && m.entities <= 300); /* ~N/10 */
	assert_int_equal(st.n_entities, m.entities);
	for (i = 0; i < 7; i++)
		assert_true(m.types[i] >= 30);
	assert_int_equal(m.cid_dupes, 0);
	assert_int_equal(st.n_conflicts, m.conflicts);
	assert_true(m.conflicts >= 20 && m.conflicts <= 200); /* ~2% re-assertions */
	assert_true(m.refs >= 300 && m.refs_known * 100 >= m.refs * 90);
	free_keys(keys, a.n);
	sink_done(&a);
	sink_done(&b);

	/* A different N is a different (still valid) dataset. */
	sink_init(&a);
	assert_int_equal(lite_generate_run(25, &sa, &st), 0);
	assert_int_equal(a.n, 25);
	assert_int_equal(st.n_entities, 2); /* 25 / 10 */
	for (i = 0; i < a.n; i++)
		cJSON_Delete(check_body(a.facts[i].body));
	sink_done(&a);
}

/* A sink that only hands out ids (for large runs checked by the stats). */
static int
count_assert(void *ctx, const struct lite_demo_fact *f, char *id_out, size_t id_cap)
{
	size_t *n = ctx;

	(void)f;
	snprintf(id_out, id_cap, "fact-%zu", (*n)++);
	return 0;
}

static void
stream_hash(uint64_t n, uint64_t m, bool spread, char *hex, struct lite_demo_stats *st)
{
	struct sink_state s;
	struct lite_demo_sink sink = {&s, rec_assert, NULL};

	sink_init(&s);
	if (spread)
		assert_int_equal(lite_generate_run_spread(n, m, &sink, st), 0);
	else
		assert_int_equal(lite_generate_run(n, &sink, st), 0);
	assert_int_equal(s.n, n);
	stg_sha256_hex(s.stream.data, s.stream.len, hex);
	sink_done(&s);
}

static void
test_generate_spread(void **state)
{
	struct sink_state a;
	struct lite_demo_sink sa = {&a, rec_assert, NULL};
	struct lite_demo_stats st, st2;
	struct summary m;
	char **keys;
	char h1[STG_HEX_MAX], h2[STG_HEX_MAX], h0[STG_HEX_MAX];
	size_t i, counted = 0;

	(void)state;
	/* Deterministic; m = 0 is the default dataset byte for byte; a
	 * spread is a different dataset. */
	stream_hash(3000, 1000, true, h1, &st);
	stream_hash(3000, 1000, true, h2, &st2);
	assert_string_equal(h1, h2);
	assert_int_equal(st.n_entities, st2.n_entities);
	stream_hash(3000, 0, true, h1, NULL);
	stream_hash(3000, 0, false, h0, NULL);
	assert_string_equal(h1, h0);
	stream_hash(3000, 1000, true, h1, NULL);
	assert_string_not_equal(h1, h0);
	stream_hash(3000, 1001, true, h2, NULL);
	assert_string_not_equal(h1, h2);

	/* 3 facts per entity: exactly m entities, counted from the bodies,
	 * with every value type, valid bodies, no CID duplicates, ~2%
	 * re-assertions, and refs that all point at asserted entities. */
	sink_init(&a);
	assert_int_equal(lite_generate_run_spread(3000, 1000, &sa, &st), 0);
	assert_int_equal(a.n, 3000);
	summarise(&a, &m, &keys);
	assert_int_equal(m.entities, 1000);
	assert_int_equal(st.n_entities, 1000);
	for (i = 0; i < 7; i++)
		assert_true(m.types[i] >= 30);
	assert_int_equal(m.cid_dupes, 0);
	assert_int_equal(st.n_conflicts, m.conflicts);
	assert_true(m.conflicts >= 10 && m.conflicts <= 150);
	assert_true(m.refs >= 300);
	assert_int_equal(m.refs_known, m.refs);
	/* The first m facts are one per entity, in entity order. */
	for (i = 0; i < 1000; i++) {
		cJSON *j = cJSON_Parse(a.facts[i].body);
		char want[32];
		const char *e = tst_str(j, "entity");

		snprintf(want, sizeof want, "-%zu", i);
		assert_true(strlen(e) > strlen(want));
		assert_string_equal(e + strlen(e) - strlen(want), want);
		cJSON_Delete(j);
	}
	free_keys(keys, a.n);
	sink_done(&a);

	/* Fewer entities than n/10: relations repeat as re-assertions
	 * (conflicts), never as CID duplicates. */
	sink_init(&a);
	assert_int_equal(lite_generate_run_spread(3000, 50, &sa, &st), 0);
	summarise(&a, &m, &keys);
	assert_int_equal(m.entities, 50);
	assert_int_equal(st.n_entities, 50);
	assert_int_equal(m.cid_dupes, 0);
	assert_int_equal(st.n_conflicts, m.conflicts);
	assert_true(m.conflicts >= 2500);
	free_keys(keys, a.n);
	sink_done(&a);

	/* More entities than facts: one fact each. */
	sink_init(&a);
	assert_int_equal(lite_generate_run_spread(25, 100, &sa, &st), 0);
	assert_int_equal(a.n, 25);
	assert_int_equal(st.n_entities, 25);
	summarise(&a, &m, &keys);
	assert_int_equal(m.entities, 25);
	free_keys(keys, a.n);
	sink_done(&a);

	/* The benchmark's scale: 250,000 facts over exactly 100,000 entities. */
	{
		struct lite_demo_sink sc = {&counted, count_assert, NULL};

		assert_int_equal(lite_generate_run_spread(250000, 100000, &sc, &st), 0);
		assert_int_equal(counted, 250000);
		assert_int_equal(st.n_facts, 250000);
		assert_int_equal(st.n_entities, 100000);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_demo_deterministic),
		cmocka_unit_test(test_demo_content),
		cmocka_unit_test(test_sink_error_stops),
		cmocka_unit_test(test_generate),
		cmocka_unit_test(test_generate_spread),
	};

	return cmocka_run_group_tests_name("demo", tests, NULL, NULL);
}
