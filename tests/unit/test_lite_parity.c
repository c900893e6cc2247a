/* test_lite_parity.c — shape parity of stigmem-lite with the recorded
 * reference node. Replays $STG_SHARED_DIR/fixtures/reference-node/
 * seed-requests.json (substituting ${fact:…}, ${cid:…}, ${conflict:…}),
 * then every recorded exchange of the fixture set, and compares for each
 * response the status, the set of keys and the JSON types of the body with
 * the recording (values may differ). Recorded ids are mapped to ours. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "../lib/testdata.h"
#include "../lib/testnode.h"

/* ---- fixture loading ---------------------------------------------------------- */

static char fixdir[1024];

static cJSON *
load_fixture(const char *name)
{
	char p[1400];
	size_t len;
	snprintf(p, sizeof p, "%s/%s", fixdir, name);
	char *s = tst_read_file(p, &len);
	cJSON *j = s ? cJSON_ParseWithLength(s, len) : NULL;
	free(s);
	return j;
}

/* ---- id map: recorded string -> our string ---------------------------------------- */

#define MAP_MAX 4096
static char *map_from[MAP_MAX], *map_to[MAP_MAX];
static int map_n;

static void
map_add(const char *from, const char *to)
{
	if (!from || !to || !*from || strcmp(from, to) == 0 || map_n >= MAP_MAX)
		return;
	for (int i = 0; i < map_n; i++)
		if (strcmp(map_from[i], from) == 0) {
			/* The latest node's id wins (phases run on separate nodes). */
			char *t = strdup(to);
			free(map_to[i]);
			map_to[i] = t;
			return;
		}
	map_from[map_n] = strdup(from);
	map_to[map_n] = strdup(to);
	map_n++;
}

/* Replace every mapped id in s; returns a malloc'd string. */
static char *
map_apply(const char *s)
{
	struct stg_buf b;
	stg_buf_init(&b);
	size_t i = 0, n = strlen(s);
	while (i < n) {
		int hit = -1;
		size_t hl = 0;
		for (int k = 0; k < map_n; k++) {
			size_t l = strlen(map_from[k]);
			if (l > hl && strncmp(s + i, map_from[k], l) == 0) {
				hit = k;
				hl = l;
			}
		}
		if (hit >= 0) {
			stg_buf_puts(&b, map_to[hit]);
			i += hl;
		} else {
			stg_buf_putc(&b, s[i++]);
		}
	}
	if (!b.data)
		stg_buf_append(&b, "", 0);
	char *r = stg_buf_take(&b);
	stg_buf_done(&b);
	return r;
}

/* Walk two parallel trees (recorded, ours) and map recorded "id"-like
 * strings to ours: keys id, cid, resolution_fact_id, conflict_id. */
static void
map_from_bodies(const cJSON *rec, const cJSON *ours)
{
	if (!rec || !ours)
		return;
	if (cJSON_IsObject(rec) && cJSON_IsObject(ours)) {
		static const char *const keys[] = {"id", "cid", "resolution_fact_id", "conflict_id"};
		for (size_t i = 0; i < 4; i++) {
			const char *a = tst_str(rec, keys[i]), *b = tst_str(ours, keys[i]);
			if (a && b)
				map_add(a, b);
		}
		const cJSON *ra, *oa;
		const char *const sub[] = {"fact_a", "fact_b"};
		for (size_t i = 0; i < 2; i++) {
			ra = cJSON_GetObjectItem(rec, sub[i]);
			oa = cJSON_GetObjectItem(ours, sub[i]);
			map_from_bodies(ra, oa);
		}
	}
}

/* ---- shape comparison -------------------------------------------------------------- */

static int
jtype(const cJSON *j)
{
	if (!j || cJSON_IsNull(j))
		return 0;
	if (cJSON_IsBool(j))
		return 1;
	if (cJSON_IsNumber(j) || cJSON_IsRaw(j))
		return 2;
	if (cJSON_IsString(j))
		return 3;
	if (cJSON_IsArray(j))
		return 4;
	return 5;
}

static bool shape_eq(const cJSON *ours, const cJSON *rec, char *where, size_t cap);

static bool
shape_eq(const cJSON *ours, const cJSON *rec, char *where, size_t cap)
{
	int to = jtype(ours), tr = jtype(rec);
	if (to == 0 || tr == 0)
		return true; /* nullable either way: values may differ */
	if (to != tr) {
		snprintf(where + strlen(where), cap - strlen(where), ": type %d vs recorded %d", to, tr);
		return false;
	}
	if (to == 5) {
		const cJSON *k;
		cJSON_ArrayForEach(k, rec)
		{
			if (!cJSON_GetObjectItemCaseSensitive(ours, k->string)) {
				snprintf(where + strlen(where), cap - strlen(where), ": missing key '%s'",
					 k->string);
				return false;
			}
		}
		cJSON_ArrayForEach(k, ours)
		{
			const cJSON *r = cJSON_GetObjectItemCaseSensitive(rec, k->string);
			if (!r) {
				snprintf(where + strlen(where), cap - strlen(where), ": extra key '%s'",
					 k->string);
				return false;
			}
			size_t l = strlen(where);
			snprintf(where + l, cap - l, ".%s", k->string);
			if (!shape_eq(k, r, where, cap))
				return false;
			where[l] = 0;
		}
		return true;
	}
	if (to == 4 && cJSON_GetArraySize(rec) > 0) {
		const cJSON *e;
		int i = 0;
		cJSON_ArrayForEach(e, ours)
		{
			bool any = false;
			const cJSON *r;
			char tmp[512];
			int tried = 0;
			cJSON_ArrayForEach(r, rec)
			{
				tmp[0] = 0;
				if (shape_eq(e, r, tmp, sizeof tmp)) {
					any = true;
					break;
				}
				if (++tried > 60)
					break;
			}
			if (!any) {
				size_t l = strlen(where);
				snprintf(where + l, cap - l, "[%d]", i);
				/* Explain against the first recorded element. */
				shape_eq(e, cJSON_GetArrayItem(rec, 0), where, cap);
				return false;
			}
			i++;
		}
	}
	return true;
}

/* ---- exchange runner ---------------------------------------------------------------- */

static int n_compared, n_failed;
static char failures[16384];

static void
note_fail(const char *name, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	size_t l = strlen(failures);
	snprintf(failures + l, sizeof failures - l, "  %s: %s\n", name, line);
	n_failed++;
}

static const char *client_key = "client-key-0123456789abcdefghij";
static const char *reader_key = "reader-key-0123456789abcdefghij";
static const char *admin_key = "admin-key-0123456789abcdefghijkl";

/* Send `req` (a recorded request object) to port with ids mapped. */
static struct tst_resp
send_recorded(int port, const cJSON *req, const char *path_override, const char *body_override)
{
	const char *method = tst_str(req, "method");
	char *path = map_apply(path_override ? path_override : tst_str(req, "path"));
	char *body = NULL;
	if (body_override) {
		body = map_apply(body_override);
	} else {
		const cJSON *b = cJSON_GetObjectItem(req, "body");
		const char *raw = tst_str(req, "body_raw");
		if (raw)
			body = strdup(raw);
		else if (b) {
			char *t = cJSON_PrintUnformatted(b);
			body = map_apply(t);
			free(t);
		}
	}
	if (body) {
		/* Placeholder keys of the auth phase. */
		const char *ph[][2] = {{"<CLIENT_KEY>", client_key}, {"<READER_KEY>", reader_key},
				       {"<ADMIN_KEY>", admin_key}};
		for (int k = 0; k < 3; k++) {
			char *p = strstr(body, ph[k][0]);
			if (p) {
				struct stg_buf nb;
				stg_buf_init(&nb);
				stg_buf_append(&nb, body, (size_t)(p - body));
				stg_buf_puts(&nb, ph[k][1]);
				stg_buf_puts(&nb, p + strlen(ph[k][0]));
				free(body);
				body = stg_buf_take(&nb);
				stg_buf_done(&nb);
			}
		}
	}
	const char *hv[8];
	char hb[8][256];
	int nh = 0;
	const cJSON *h;
	cJSON_ArrayForEach(h, cJSON_GetObjectItem(req, "headers"))
	{
		if (nh >= 7 || !cJSON_IsString(h))
			continue;
		const char *v = h->valuestring;
		char vb[200];
		snprintf(vb, sizeof vb, "%s", v);
		const char *ph[][2] = {{"<CLIENT_KEY>", client_key}, {"<READER_KEY>", reader_key},
				       {"<ADMIN_KEY>", admin_key}};
		for (int k = 0; k < 3; k++) {
			char *p = strstr(vb, ph[k][0]);
			if (p) {
				char tail[200];
				snprintf(tail, sizeof tail, "%s", p + strlen(ph[k][0]));
				snprintf(p, sizeof vb - (size_t)(p - vb), "%s%s", ph[k][1], tail);
			}
		}
		snprintf(hb[nh], sizeof hb[nh], "%s: %s", h->string, vb);
		hv[nh] = hb[nh];
		nh++;
	}
	hv[nh] = NULL;
	struct tst_resp r = tst_req(port, method, path, body, hv);
	free(path);
	free(body);
	return r;
}

/* Compare our response with a recorded {status, headers, body}. */
static void
compare(const char *name, const struct tst_resp *r, const cJSON *rec_status, const cJSON *rec_headers,
	const cJSON *rec_body, bool body_is_json)
{
	n_compared++;
	long want = (long)cJSON_GetNumberValue(rec_status);
	if (r->status != want) {
		note_fail(name, "status %ld, recorded %ld (%.200s)", r->status, want,
			  r->body.data ? r->body.data : "");
		return;
	}
	static const char *const hk[] = {"x-total-count", "www-authenticate", "allow", "content-type"};
	for (size_t i = 0; rec_headers && i < 4; i++) {
		char v[128];
		if (cJSON_GetObjectItem(rec_headers, hk[i]) && !tst_header(r, hk[i], v, sizeof v))
			note_fail(name, "missing header %s", hk[i]);
	}
	if (!body_is_json)
		return;
	if (!r->json) {
		note_fail(name, "body is not JSON: %.120s", r->body.data ? r->body.data : "");
		return;
	}
	char where[1024] = "$";
	if (!shape_eq(r->json, rec_body, where, sizeof where))
		note_fail(name, "shape differs at %s", where);
}

/* ---- seeds ------------------------------------------------------------------------------ */

struct seedref {
	char ref[96];
	char id[64];
	char cid[80];
};
static struct seedref refs[256];
static int n_refs;

static const struct seedref *
find_ref(const char *ref)
{
	for (int i = 0; i < n_refs; i++)
		if (strcmp(refs[i].ref, ref) == 0)
			return &refs[i];
	return NULL;
}

/* Our conflict id between two of our fact ids (either order). */
static bool
find_conflict(int port, const char *a, const char *b, char out[128])
{
	struct tst_resp r = tst_get(port, "/v1/conflicts?limit=500");
	const cJSON *c;
	bool ok = false;
	cJSON_ArrayForEach(c, cJSON_GetObjectItem(r.json, "conflicts"))
	{
		const char *fa = tst_str(cJSON_GetObjectItem(c, "fact_a"), "id");
		const char *fb = tst_str(cJSON_GetObjectItem(c, "fact_b"), "id");
		if (fa && fb && ((!strcmp(fa, a) && !strcmp(fb, b)) || (!strcmp(fa, b) && !strcmp(fb, a)))) {
			snprintf(out, 128, "%s", tst_str(c, "conflict_id"));
			ok = true;
			break;
		}
	}
	tst_resp_free(&r);
	return ok;
}

/* Expand ${fact:x}, ${cid:x}, ${conflict:a|b}. */
static char *
expand(int port, const char *t)
{
	struct stg_buf b;
	stg_buf_init(&b);
	while (*t) {
		if (strncmp(t, "${", 2) == 0) {
			const char *end = strchr(t, '}');
			char inner[256];
			snprintf(inner, sizeof inner, "%.*s", (int)(end - t - 2), t + 2);
			char *colon = strchr(inner, ':');
			*colon = 0;
			const char *kind = inner, *arg = colon + 1;
			if (!strcmp(kind, "fact") && find_ref(arg))
				stg_buf_puts(&b, find_ref(arg)->id);
			else if (!strcmp(kind, "cid") && find_ref(arg))
				stg_buf_puts(&b, find_ref(arg)->cid);
			else if (!strcmp(kind, "conflict")) {
				char a[96], c[128];
				snprintf(a, sizeof a, "%s", arg);
				char *bar = strchr(a, '|');
				*bar = 0;
				const struct seedref *ra = find_ref(a), *rb = find_ref(bar + 1);
				if (ra && rb && find_conflict(port, ra->id, rb->id, c))
					stg_buf_puts(&b, c);
				else
					stg_buf_puts(&b, "stigmem:conflict:unmapped");
			} else {
				stg_buf_puts(&b, "unmapped");
			}
			t = end + 1;
		} else {
			stg_buf_putc(&b, *t++);
		}
	}
	char *r = stg_buf_take(&b);
	stg_buf_done(&b);
	return r;
}

static cJSON *seeds;

static void
replay_seeds(int port)
{
	const cJSON *s;
	cJSON_ArrayForEach(s, cJSON_GetObjectItem(seeds, "seeds"))
	{
		char name[160];
		snprintf(name, sizeof name, "seed %d %s", cJSON_GetObjectItem(s, "step")->valueint,
			 tst_str(s, "ref") ? tst_str(s, "ref") : "");
		const char *pt = tst_str(s, "path_template");
		char *path = pt ? expand(port, pt) : NULL;
		char *body = NULL;
		const cJSON *bt = cJSON_GetObjectItem(s, "body_template");
		if (bt) {
			char *t = cJSON_PrintUnformatted(bt);
			body = expand(port, t);
			free(t);
		}
		const cJSON *rec = cJSON_GetObjectItem(s, "recorded");
		/* The reference conflict id in the recorded path maps to ours. */
		if (pt && path)
			map_add(tst_str(s, "path"), path);
		struct tst_resp r = send_recorded(port, s, path, body);
		const cJSON *rb = cJSON_GetObjectItem(rec, "body");
		if (rb) {
			compare(name, &r, cJSON_GetObjectItem(rec, "status"), NULL, rb, true);
		} else {
			/* Summary recording: its members must exist in ours with the
			 * same JSON type. */
			compare(name, &r, cJSON_GetObjectItem(rec, "status"), NULL, NULL, true);
			const cJSON *k;
			cJSON_ArrayForEach(k, rec)
			{
				if (!strcmp(k->string, "status"))
					continue;
				if (!strcmp(k->string, "same_id_as")) {
					/* Recorder annotation: de-dup returned that ref's fact. */
					const struct seedref *sr =
						cJSON_IsString(k) ? find_ref(k->valuestring) : NULL;
					if (!sr || !tst_str(r.json, "id") || strcmp(sr->id, tst_str(r.json, "id")))
						note_fail(name, "de-dup did not return the fact of %s",
							  cJSON_IsString(k) ? k->valuestring : "?");
					continue;
				}
				const cJSON *o = cJSON_GetObjectItemCaseSensitive(r.json, k->string);
				if (!o || (jtype(o) && jtype(k) && jtype(o) != jtype(k)))
					note_fail(name, "summary key '%s' missing or of another type",
						  k->string);
			}
			rb = rec;
		}
		map_from_bodies(rb, r.json);
		if (pt && path) {
			/* map "stigmem:conflict:<ref uuid>" too */
			const char *rp = tst_str(s, "path"), *k1 = strstr(rp, "stigmem:conflict:"),
				   *k2 = strstr(path, "stigmem:conflict:");
			if (k1 && k2) {
				char a[64], b2[64];
				snprintf(a, sizeof a, "%.53s", k1);
				snprintf(b2, sizeof b2, "%.53s", k2);
				map_add(a, b2);
			}
		}
		const char *ref = tst_str(s, "ref");
		if (ref && n_refs < 256 && r.json && tst_str(r.json, "id")) {
			struct seedref *sr = &refs[n_refs++];
			snprintf(sr->ref, sizeof sr->ref, "%s", ref);
			snprintf(sr->id, sizeof sr->id, "%s", tst_str(r.json, "id"));
			snprintf(sr->cid, sizeof sr->cid, "%s",
				 tst_str(r.json, "cid") ? tst_str(r.json, "cid") : "");
		}
		tst_resp_free(&r);
		free(path);
		free(body);
	}
}

/* Map recorded system fact ids (meta-facts, resolution facts) through the
 * recorded full listing: find ours by entity+relation+value. */
static void
map_system_facts(int port)
{
	cJSON *all = load_fixture("facts-all.json");
	const cJSON *f;
	cJSON_ArrayForEach(f, cJSON_GetObjectItem(cJSON_GetObjectItem(all, "body"), "facts"))
	{
		const char *id = tst_str(f, "id");
		bool known = false;
		for (int i = 0; i < map_n && !known; i++)
			known = strcmp(map_from[i], id) == 0;
		if (known)
			continue;
		char *ent = map_apply(tst_str(f, "entity"));
		char *e = curl_easy_escape(NULL, ent, 0);
		char *rel = curl_easy_escape(NULL, tst_str(f, "relation"), 0);
		char path[2048];
		snprintf(path, sizeof path,
			 "/v1/facts?entity=%s&relation=%s&include_contradicted=true&include_expired=true&limit=500",
			 e, rel);
		curl_free(e);
		curl_free(rel);
		free(ent);
		struct tst_resp r = tst_get(port, path);
		if (getenv("PARITY_DEBUG"))
			fprintf(stderr, "map %s: %s -> %ld %.300s\n", id, path, r.status, r.body.data);
		const cJSON *v = cJSON_GetObjectItem(cJSON_GetObjectItem(f, "value"), "v");
		char *vs = cJSON_IsString(v) ? map_apply(v->valuestring) : NULL;
		const cJSON *o;
		cJSON_ArrayForEach(o, cJSON_GetObjectItem(r.json, "facts"))
		{
			const cJSON *ov = cJSON_GetObjectItem(cJSON_GetObjectItem(o, "value"), "v");
			bool same = vs ? (cJSON_IsString(ov) && strcmp(ov->valuestring, vs) == 0)
				       : (jtype(ov) == jtype(v));
			bool only = cJSON_GetArraySize(cJSON_GetObjectItem(r.json, "facts")) == 1;
			if ((same || only) && !strcmp(tst_str(o, "source"), tst_str(f, "source"))) {
				map_add(id, tst_str(o, "id"));
				break;
			}
		}
		free(vs);
		tst_resp_free(&r);
	}
	cJSON_Delete(all);
}

/* Map recorded conflict ids through a recorded conflicts listing. */
static void
map_conflicts(int port)
{
	cJSON *fx = load_fixture("conflicts-all-before-resolve.json");
	const cJSON *c;
	cJSON_ArrayForEach(c, cJSON_GetObjectItem(cJSON_GetObjectItem(fx, "body"), "conflicts"))
	{
		char *a = map_apply(tst_str(cJSON_GetObjectItem(c, "fact_a"), "id"));
		char *b = map_apply(tst_str(cJSON_GetObjectItem(c, "fact_b"), "id"));
		char ours[128];
		if (find_conflict(port, a, b, ours))
			map_add(tst_str(c, "conflict_id"), ours);
		free(a);
		free(b);
	}
	cJSON_Delete(fx);
}

/* ---- fixture walk ------------------------------------------------------------------------- */

/* Documented deviations: status we answer instead of the recorded one. */
static const struct {
	const char *file;
	long status;
} deviations[] = {
	{"error-500-number-not-numeric.json", 422},  /* never a 500 for bad input */
	{"error-500-subscription-events-cursor.json", 422},
	{"poison-facts-list-409.json", 200},          /* -0.0 is stored as 0.0: no poisoning */
};

static bool
is_seed_request(const cJSON *req)
{
	const cJSON *s;
	cJSON_ArrayForEach(s, cJSON_GetObjectItem(seeds, "seeds"))
	{
		if (strcmp(tst_str(s, "method"), tst_str(req, "method")) != 0 ||
		    strcmp(tst_str(s, "path"), tst_str(req, "path")) != 0)
			continue;
		const cJSON *a = cJSON_GetObjectItem(s, "body"), *b = cJSON_GetObjectItem(req, "body");
		if ((!a && !b) || (a && b && cJSON_Compare(a, b, 1)))
			return true;
	}
	return false;
}

/* Phase letter of each file from INDEX.md. */
static char
phase_of(const char *file)
{
	char p[1400];
	snprintf(p, sizeof p, "%s/INDEX.md", fixdir);
	FILE *f = fopen(p, "r");
	if (!f)
		return 0;
	char line[4096], pat[300];
	snprintf(pat, sizeof pat, "| `%s` | ", file);
	char ph = 0;
	while (fgets(line, sizeof line, f))
		if (strncmp(line, pat, strlen(pat)) == 0) {
			ph = line[strlen(pat)];
			break;
		}
	fclose(f);
	return ph;
}

static void
run_fixture(int port, const char *file, cJSON *fx)
{
	const cJSON *req = cJSON_GetObjectItem(fx, "request");
	struct tst_resp r = send_recorded(port, req, NULL, NULL);
	for (size_t i = 0; i < sizeof deviations / sizeof deviations[0]; i++)
		if (!strcmp(deviations[i].file, file)) {
			n_compared++;
			if (r.status != deviations[i].status)
				note_fail(file, "deviation status %ld, expected %ld", r.status,
					  deviations[i].status);
			tst_resp_free(&r);
			return;
		}
	const cJSON *bij = cJSON_GetObjectItem(fx, "body_is_json");
	compare(file, &r, cJSON_GetObjectItem(fx, "status"), cJSON_GetObjectItem(fx, "headers"),
		cJSON_GetObjectItem(fx, "body"), !cJSON_IsFalse(bij));
	map_from_bodies(cJSON_GetObjectItem(fx, "body"), r.json);
	tst_resp_free(&r);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
t_parity(void **state)
{
	(void)state;
	const char *sd = getenv("STG_SHARED_DIR");
	assert_non_null(sd);
	snprintf(fixdir, sizeof fixdir, "%s/fixtures/reference-node", sd);
	seeds = load_fixture("seed-requests.json");
	assert_non_null(seeds);

	DIR *d = opendir(fixdir);
	assert_non_null(d);
	char *files[512];
	int nf = 0;
	struct dirent *de;
	while ((de = readdir(d)) && nf < 512) {
		size_t l = strlen(de->d_name);
		if (l > 5 && !strcmp(de->d_name + l - 5, ".json") && strcmp(de->d_name, "seed-requests.json"))
			files[nf++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(files, (size_t)nf, sizeof *files, cmp_str);
	assert_true(nf >= 120);

	/* Phase A (+B): auth off, checkpoint interval 1. */
	struct lite_options o;
	lite_options_init(&o);
	o.checkpoint_interval = 1;
	o.tl_path = "parity_tl.jsonl";
	unlink("parity_tl.jsonl");
	struct lite_node *na = tst_start("parity-a.db", &o);
	assert_non_null(na);
	int pa = lite_node_port(na);
	replay_seeds(pa);
	map_conflicts(pa);
	map_system_facts(pa);
	int replayed = 0, skipped_seed = 0;
	for (int i = 0; i < nf; i++) {
		char ph = phase_of(files[i]);
		if (ph != 'A' && ph != 'B')
			continue;
		cJSON *fx = load_fixture(files[i]);
		assert_non_null(fx);
		if (is_seed_request(cJSON_GetObjectItem(fx, "request"))) {
			skipped_seed++;
			cJSON_Delete(fx);
			continue;
		}
		run_fixture(pa, files[i], fx);
		replayed++;
		cJSON_Delete(fx);
	}
	lite_node_stop(na);

	/* Phase E: auth required with a bootstrap admin key. */
	lite_options_init(&o);
	o.auth = LITE_AUTH_REQUIRED;
	o.bootstrap_key = admin_key;
	struct lite_node *ne = tst_start("parity-e.db", &o);
	assert_non_null(ne);
	int pe = lite_node_port(ne);
	{
		char body[256], hdr[128];
		snprintf(hdr, sizeof hdr, "Authorization: Bearer %s", admin_key);
		const char *h[] = {hdr, NULL};
		snprintf(body, sizeof body,
			 "{\"raw_key\":\"%s\",\"entity_uri\":\"agent:reader\",\"permissions\":[\"read\"]}",
			 reader_key);
		struct tst_resp r = tst_req(pe, "POST", "/v1/auth/keys", body, h);
		assert_int_equal(r.status, 201);
		tst_resp_free(&r);
	}
	const char *order_e[] = {"auth-wellknown.json",	"auth-key-create.json",
				 "auth-me-admin.json",	"error-401-no-key.json",
				 "error-401-bad-key.json", "error-403-non-admin-mint-key.json",
				 "error-403-audit-read-capability.json"};
	for (size_t i = 0; i < sizeof order_e / sizeof order_e[0]; i++) {
		cJSON *fx = load_fixture(order_e[i]);
		assert_non_null(fx);
		assert_int_equal(phase_of(order_e[i]), 'E');
		run_fixture(pe, order_e[i], fx);
		replayed++;
		cJSON_Delete(fx);
	}
	lite_node_stop(ne);

	/* Phase F: a fresh node and the -0.0 confidence write. */
	struct lite_node *nfn = tst_start("parity-f.db", NULL);
	int pf = lite_node_port(nfn);
	const char *order_f[] = {"poison-post-negative-zero-confidence.json",
				 "poison-facts-list-409.json", "poison-verify-cid.json"};
	for (size_t i = 0; i < 3; i++) {
		cJSON *fx = load_fixture(order_f[i]);
		assert_non_null(fx);
		run_fixture(pf, order_f[i], fx);
		replayed++;
		cJSON_Delete(fx);
	}
	lite_node_stop(nfn);

	fprintf(stderr, "parity: %d exchanges compared (%d fixtures replayed, %d covered by seeds), %d differ\n",
		n_compared, replayed, skipped_seed, n_failed);
	if (n_failed)
		fprintf(stderr, "%s", failures);
	for (int i = 0; i < nf; i++)
		free(files[i]);
	for (int i = 0; i < map_n; i++) {
		free(map_from[i]);
		free(map_to[i]);
	}
	cJSON_Delete(seeds);
	assert_true(n_compared >= 160);
	assert_int_equal(n_failed, 0);
}

/* The comparator itself must catch a differing key set and type. */
static void
t_shape_detects(void **state)
{
	(void)state;
	cJSON *a = cJSON_Parse("{\"a\":1,\"b\":[{\"x\":\"s\"}],\"c\":null}");
	cJSON *b = cJSON_Parse("{\"a\":2,\"b\":[{\"x\":\"t\"}],\"c\":\"z\"}");
	cJSON *c = cJSON_Parse("{\"a\":\"1\",\"b\":[],\"c\":null}");
	cJSON *d = cJSON_Parse("{\"a\":1,\"b\":[{\"y\":\"s\"}],\"c\":null}");
	cJSON *e = cJSON_Parse("{\"a\":1,\"b\":[]}");
	char w[256] = "$";
	assert_true(shape_eq(a, b, w, sizeof w));
	w[1] = 0;
	assert_false(shape_eq(c, a, w, sizeof w));
	w[1] = 0;
	assert_false(shape_eq(d, a, w, sizeof w));
	w[1] = 0;
	assert_false(shape_eq(e, a, w, sizeof w));
	cJSON_Delete(a);
	cJSON_Delete(b);
	cJSON_Delete(c);
	cJSON_Delete(d);
	cJSON_Delete(e);
}

int
main(void)
{
	curl_global_init(CURL_GLOBAL_ALL);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_shape_detects),
		cmocka_unit_test(t_parity),
	};
	int rc = cmocka_run_group_tests_name("lite_parity", tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
