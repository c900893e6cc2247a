/* test_codec.c — decoder rules on synthetic bodies: wrong types name the
 * field, missing required members, nulls, unknown members, truncated and
 * garbage text, deep nesting, empty input, huge strings, exact numbers,
 * U+0000 in strings; both fact decoding paths; the model helpers. */
#include <locale.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/codec_internal.h"
#include "stigmem/codec.h"

/* A complete POST-response fact; %s slots let tests replace members. */
#define FACT_HEAD                                                                          \
	"{\"id\":\"481506c5-4d0a-46ef-a928-c6bf9c34685b\","                                  \
	"\"entity\":\"stigmem://acme.example/user/alice\",\"relation\":\"memory:name\","    \
	"\"value\":{\"type\":\"string\",\"v\":\"Alice Martin\",\"interpret_as\":\"content\"}," \
	"\"source\":\"agent:hr-bot\",\"timestamp\":\"2026-11-21T04:39:42.204835+00:00\","    \
	"\"hlc\":\"1795235982204.0\",\"received_from\":null,\"valid_until\":null,"
#define FACT_TAIL                                                                          \
	"\"scope\":\"team\",\"attested_key_id\":null,\"origin_node_id\":null,"                \
	"\"origin_allowed_scopes\":null,\"garden_id\":null,\"attested\":null,"                \
	"\"contradicted\":false,\"warnings\":[],\"source_trust\":null,"                       \
	"\"quarantine_status\":null,\"quarantine_garden_id\":null,"                           \
	"\"effective_confidence\":null,\"sanitizer_warnings\":[],"                            \
	"\"sanitizer_redacted\":false,"                                                       \
	"\"cid\":\"sha256:676149bc23b11ada4393123b3b2b0614c950a5d00e2a58d59ff9c1b76bd1690f\"," \
	"\"derived_from\":[]}"
#define FACT FACT_HEAD "\"confidence\":1.0," FACT_TAIL

typedef enum stg_status (*fact_fn)(const char *, size_t, unsigned, struct stg_arena *,
				   struct stg_fact **, struct stg_error *);
static const fact_fn fact_paths[2] = { stg_codec_fact_fast, stg_codec_fact_cjson };
static const char *const path_names[2] = { "fast", "cjson" };

/* Decode `json` as a fact with both paths; expect `want`. On error both
 * must name the same field. Returns the fast path's fact (arena a). */
static struct stg_fact *
fact_both(struct stg_arena *a, const char *json, size_t len, unsigned flags,
	  enum stg_status want, const char *where, const char *detail)
{
	struct stg_fact *res = NULL;
	int i;

	for (i = 0; i < 2; i++) {
		struct stg_fact *f = NULL;
		struct stg_error err;
		enum stg_status st = fact_paths[i](json, len, flags, a, &f, &err);

		if (st != want)
			fail_msg("%s path: status %s (%s at '%s'), want %s", path_names[i],
				 stg_status_name(st), err.detail, err.where, stg_status_name(want));
		assert_int_equal(err.status, want);
		if (want == STG_OK) {
			assert_non_null(f);
			if (i == 0)
				res = f;
		} else {
			assert_null(f);
			if (where != NULL && strcmp(err.where, where) != 0)
				fail_msg("%s path: where '%s', want '%s' (%s)", path_names[i], err.where,
					 where, err.detail);
			if (detail != NULL && strstr(err.detail, detail) == NULL)
				fail_msg("%s path: detail '%s' lacks '%s'", path_names[i], err.detail,
					 detail);
		}
	}
	return res;
}

#define FACT_OK(a, s) fact_both(a, s, strlen(s), 0, STG_OK, NULL, NULL)
#define FACT_BAD(a, s, w, d) fact_both(a, s, strlen(s), 0, STG_ERR_DECODE, w, d)

/* Replace the first occurrence of `from` in FACT with `to`. */
static char *
fact_with(const char *from, const char *to)
{
	const char *base = FACT, *p = strstr(base, from);
	char *s;

	assert_non_null(p);
	s = malloc(strlen(base) - strlen(from) + strlen(to) + 1);
	assert_non_null(s);
	memcpy(s, base, (size_t)(p - base));
	strcpy(s + (p - base), to);
	strcat(s, p + strlen(from));
	return s;
}

static void
test_fact_ok(void **state)
{
	struct stg_arena a;
	struct stg_fact *f;
	uint64_t w, c;

	(void)state;
	stg_arena_init(&a);
	f = FACT_OK(&a, FACT);
	assert_string_equal(f->id, "481506c5-4d0a-46ef-a928-c6bf9c34685b");
	assert_string_equal(f->value.str, "Alice Martin");
	assert_int_equal(f->value.str_len, 12);
	assert_int_equal(f->value.type, STG_VT_STRING);
	assert_string_equal(f->value.type_name, "string");
	assert_true(f->value.has_interpret_as);
	assert_int_equal(f->value.interpret_as, STG_INTERPRET_CONTENT);
	assert_true(f->confidence == 1.0);
	assert_int_equal(f->attested, STG_NULL);
	assert_false(f->has_source_trust);
	assert_null(f->raw_json);
	assert_true(stg_hlc_parse(f->hlc, &w, &c));
	assert_true(w == 1795235982204ULL && c == 0);
	stg_arena_done(&a);
}

static void
test_wrong_types_name_the_field(void **state)
{
	static const struct {
		const char *from, *to, *where, *detail;
	} cases[] = {
		{ "\"confidence\":1.0", "\"confidence\":\"high\"", "confidence",
		  "expected number, got string" },
		{ "\"id\":\"481506c5-4d0a-46ef-a928-c6bf9c34685b\"", "\"id\":7", "id",
		  "expected string, got number" },
		{ "\"scope\":\"team\"", "\"scope\":[\"team\"]", "scope", "expected string, got array" },
		{ "\"hlc\":\"1795235982204.0\"", "\"hlc\":1795235982204.0", "hlc",
		  "expected string, got number" },
		{ "\"contradicted\":false", "\"contradicted\":\"false\"", "contradicted",
		  "expected boolean, got string" },
		{ "\"attested\":null", "\"attested\":1", "attested", "expected boolean or null, got number" },
		{ "\"warnings\":[]", "\"warnings\":{}", "warnings", "expected array, got object" },
		{ "\"warnings\":[]", "\"warnings\":[\"ok\",3]", "warnings[1]", "expected string, got number" },
		{ "\"source_trust\":null", "\"source_trust\":true", "source_trust",
		  "expected number, got boolean" },
		{ "\"derived_from\":[]", "\"derived_from\":\"x\"", "derived_from",
		  "expected array, got string" },
		{ "\"v\":\"Alice Martin\"", "\"v\":12", "value.v",
		  "expected string or null for type string, got number" },
		{ "\"type\":\"string\"", "\"type\":null", "value.type", "expected string, got null" },
		{ "\"value\":{", "\"value\":[{", "value", "expected object, got array" },
	};
	struct stg_arena a;
	size_t i;

	(void)state;
	stg_arena_init(&a);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *s = fact_with(cases[i].from, cases[i].to);

		if (strcmp(cases[i].where, "value") == 0) {
			/* "[{…}" needs its closing bracket after the value object. */
			char *t = fact_with("\"value\":{\"type\":\"string\",\"v\":\"Alice Martin\","
					    "\"interpret_as\":\"content\"}",
					    "\"value\":[{\"type\":\"string\"}]");
			free(s);
			s = t;
		}
		FACT_BAD(&a, s, cases[i].where, cases[i].detail);
		free(s);
	}
	/* Type-specific v: number and boolean. */
	{
		char *s = fact_with("{\"type\":\"string\",\"v\":\"Alice Martin\"",
				    "{\"type\":\"number\",\"v\":\"42\"");
		FACT_BAD(&a, s, "value.v", "expected number or null for type number, got string");
		free(s);
		s = fact_with("{\"type\":\"string\",\"v\":\"Alice Martin\"",
			      "{\"type\":\"boolean\",\"v\":\"false\"");
		FACT_BAD(&a, s, "value.v", "expected boolean or null for type boolean, got string");
		free(s);
	}
	stg_arena_done(&a);
}

static void
test_page_paths(void **state)
{
	struct stg_arena a;
	struct stg_error err;
	struct stg_fact_page *p;
	char *bad = fact_with("\"confidence\":1.0", "\"confidence\":\"1.0\"");
	char *json = malloc(strlen(FACT) * 3 + strlen(bad) + 64);
	int i;

	(void)state;
	assert_non_null(json);
	sprintf(json, "{\"facts\":[%s,%s,%s,%s],\"total\":4}", FACT, FACT, FACT, bad);
	stg_arena_init(&a);
	for (i = 0; i < 2; i++) {
		enum stg_status st = i == 0 ? stg_decode_fact_page(json, strlen(json), 0, &a, &p, &err)
					    : stg_codec_fact_page_cjson(json, strlen(json), 0, &a, &p, &err);

		assert_int_equal(st, STG_ERR_DECODE);
		assert_null(p);
		assert_string_equal(err.where, "facts[3].confidence");
		assert_string_equal(err.detail, "expected number, got string");
	}
	/* facts must be an array of objects */
	sprintf(json, "{\"facts\":[%s,17]}", FACT);
	for (i = 0; i < 2; i++) {
		enum stg_status st = i == 0 ? stg_decode_fact_page(json, strlen(json), 0, &a, &p, &err)
					    : stg_codec_fact_page_cjson(json, strlen(json), 0, &a, &p, &err);

		assert_int_equal(st, STG_ERR_DECODE);
		assert_string_equal(err.where, "facts[1]");
		assert_string_equal(err.detail, "expected object, got number");
	}
	/* total must be an integer; null total is fine */
	sprintf(json, "{\"facts\":[],\"total\":1.5}");
	assert_int_equal(stg_decode_fact_page(json, strlen(json), 0, &a, &p, &err), STG_ERR_DECODE);
	assert_string_equal(err.where, "total");
	sprintf(json, "{\"facts\":[],\"total\":null,\"cursor\":\"abc\",\"tombstone_notices\":[{},{}]}");
	for (i = 0; i < 2; i++) {
		enum stg_status st = i == 0 ? stg_decode_fact_page(json, strlen(json), 0, &a, &p, &err)
					    : stg_codec_fact_page_cjson(json, strlen(json), 0, &a, &p, &err);

		assert_int_equal(st, STG_OK);
		assert_int_equal(p->n_facts, 0);
		assert_false(p->has_total);
		assert_string_equal(p->cursor, "abc");
		assert_int_equal(p->n_tombstone_notices, 2);
	}
	free(json);
	free(bad);
	stg_arena_done(&a);
}

static void
test_missing_required(void **state)
{
	static const char *const req[][2] = {
		{ "\"id\":\"481506c5-4d0a-46ef-a928-c6bf9c34685b\",", "id" },
		{ "\"entity\":\"stigmem://acme.example/user/alice\",", "entity" },
		{ "\"relation\":\"memory:name\",", "relation" },
		{ "\"source\":\"agent:hr-bot\",", "source" },
		{ "\"timestamp\":\"2026-11-21T04:39:42.204835+00:00\",", "timestamp" },
		{ "\"confidence\":1.0,", "confidence" },
		{ "\"scope\":\"team\",", "scope" },
		{ "\"type\":\"string\",", "value.type" },
	};
	struct stg_arena a;
	size_t i;
	struct stg_fact_page *p;
	struct stg_error err;

	(void)state;
	stg_arena_init(&a);
	for (i = 0; i < sizeof req / sizeof req[0]; i++) {
		char *s = fact_with(req[i][0], "");

		FACT_BAD(&a, s, req[i][1], "missing required member");
		free(s);
	}
	{
		char *s = fact_with("\"value\":{\"type\":\"string\",\"v\":\"Alice Martin\","
				    "\"interpret_as\":\"content\"},", "");
		FACT_BAD(&a, s, "value", "missing required member (expected object)");
		free(s);
	}
	assert_int_equal(stg_decode_fact_page("{\"total\":0}", 11, 0, &a, &p, &err), STG_ERR_DECODE);
	assert_string_equal(err.where, "facts");
	assert_int_equal(stg_codec_fact_page_cjson("{\"total\":0}", 11, 0, &a, &p, &err),
			 STG_ERR_DECODE);
	assert_string_equal(err.where, "facts");
	/* other decoders */
	{
		struct stg_card *c;
		struct stg_checkpoint *k;
		struct stg_chain_proof *cp;
		const char *card = "{\"scope\":\"team\",\"summary\":\"x\"}";
		const char *ck = "{\"id\":\"chaincp_1\",\"chain_hash\":\"sha256:00\"}";
		const char *proof = "{\"tenant_id\":\"default\",\"head_hash\":null,\"checkpoint\":null}";

		assert_int_equal(stg_decode_card(card, strlen(card), 0, &a, &c, &err), STG_ERR_DECODE);
		assert_string_equal(err.where, "entity_uri");
		assert_int_equal(stg_decode_checkpoint(ck, strlen(ck), 0, &a, &k, &err), STG_ERR_DECODE);
		assert_string_equal(err.where, "covered_chain_seq");
		assert_string_equal(err.detail, "missing required member (expected number)");
		assert_int_equal(stg_decode_chain_proof(proof, strlen(proof), 0, &a, &cp, &err),
				 STG_ERR_DECODE);
		assert_string_equal(err.where, "checked_entries");
	}
	stg_arena_done(&a);
}

static void
test_nulls_and_unknown_members(void **state)
{
	struct stg_arena a;
	struct stg_fact *f;
	char *s;

	(void)state;
	stg_arena_init(&a);
	/* Optional members null or absent. */
	s = fact_with("\"hlc\":\"1795235982204.0\",\"received_from\":null,\"valid_until\":null,", "");
	f = FACT_OK(&a, s);
	assert_null(f->hlc);
	assert_int_equal(stg_hlc_compare(f->hlc, "1.0"), -1);
	free(s);
	s = fact_with("\"warnings\":[],", "\"warnings\":null,");
	f = FACT_OK(&a, s);
	assert_int_equal(f->n_warnings, 0);
	free(s);
	/* v null / absent; ref redacted */
	s = fact_with("{\"type\":\"string\",\"v\":\"Alice Martin\"", "{\"type\":\"ref\",\"v\":null");
	f = FACT_OK(&a, s);
	assert_int_equal(f->value.type, STG_VT_REF);
	assert_true(f->value.is_null);
	assert_null(f->value.str);
	free(s);
	s = fact_with("{\"type\":\"string\",\"v\":\"Alice Martin\",\"interpret_as\":\"content\"}",
		      "{\"type\":\"number\"}");
	f = FACT_OK(&a, s);
	assert_true(f->value.is_null);
	assert_false(f->value.has_interpret_as);
	free(s);
	/* Unknown members of every JSON type, nested, are skipped. */
	s = fact_with("\"scope\":\"team\",",
		      "\"scope\":\"team\",\"zz_future\":{\"a\":[1,2,{\"b\":null}],\"c\":\"\\u00e9\"},"
		      "\"n\":-0.5e+3,\"t\":true,\"nil\":null,\"s\":\"x\\\"y\",");
	f = FACT_OK(&a, s);
	assert_string_equal(f->scope, "team");
	free(s);
	s = fact_with("\"interpret_as\":\"content\"",
		      "\"interpret_as\":\"instruction\",\"weight\":[1,{}]");
	f = FACT_OK(&a, s);
	assert_int_equal(f->value.interpret_as, STG_INTERPRET_INSTRUCTION);
	free(s);
	/* Unknown value type keeps text, and non-strings as compact JSON. */
	s = fact_with("{\"type\":\"string\",\"v\":\"Alice Martin\"",
		      "{\"type\":\"vector\",\"v\":[1, 2]");
	f = FACT_OK(&a, s);
	assert_int_equal(f->value.type, STG_VT_UNKNOWN);
	assert_string_equal(f->value.type_name, "vector");
	assert_string_equal(f->value.str, "[1,2]");
	free(s);
	stg_arena_done(&a);
}

static void
test_truncated_and_garbage(void **state)
{
	static const char *const garbage[] = {
		"", " ", "nul", "{", "}", "[", "{\"id\":}", "{\"id\" \"x\"}", "{\"id\":\"x\",}",
		"{'id':'x'}", "\xff\xfe{", "{\"id\":\"x\"} trailing", "{\"a\":01}", "{\"a\":1.}",
		"{\"a\":-}", "{\"a\":tru}", "{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}",
	};
	struct stg_arena a;
	struct stg_error err;
	struct stg_fact *f;
	size_t i, n = strlen(FACT);

	(void)state;
	stg_arena_init(&a);
	/* Every proper prefix of a valid fact fails cleanly on both paths. */
	for (i = 0; i < n; i++) {
		int k;

		for (k = 0; k < 2; k++) {
			f = (struct stg_fact *)&err;
			assert_int_equal(fact_paths[k](FACT, i, 0, &a, &f, &err), STG_ERR_DECODE);
			assert_null(f);
			assert_true(err.detail[0] != '\0');
		}
	}
	for (i = 0; i < sizeof garbage / sizeof garbage[0]; i++) {
		assert_int_equal(stg_decode_fact(garbage[i], strlen(garbage[i]), 0, &a, &f, &err),
				 STG_ERR_DECODE);
		assert_int_equal(stg_codec_fact_cjson(garbage[i], strlen(garbage[i]), 0, &a, &f, &err),
				 STG_ERR_DECODE);
	}
	/* Non-object roots are named. */
	assert_int_equal(stg_decode_fact("[1,2]", 5, 0, &a, &f, &err), STG_ERR_DECODE);
	assert_string_equal(err.detail, "expected object, got array");
	assert_int_equal(stg_decode_me("\"x\"", 3, 0, &a, (struct stg_me **)&f, &err),
			 STG_ERR_DECODE);
	assert_string_equal(err.detail, "expected object, got string");
	/* Empty input and NULL. */
	assert_int_equal(stg_decode_fact(NULL, 0, 0, &a, &f, &err), STG_ERR_DECODE);
	assert_string_equal(err.detail, "empty body (expected JSON)");
	assert_int_equal(stg_decode_health("", 0, 0, &a, (struct stg_health **)&f, &err),
			 STG_ERR_DECODE);
	/* Usage errors. */
	assert_int_equal(stg_decode_fact(FACT, n, 0, NULL, &f, &err), STG_ERR_USAGE);
	assert_int_equal(stg_decode_card(FACT, n, 0, NULL, (struct stg_card **)&f, &err),
			 STG_ERR_USAGE);
	/* The reader never looks past len: a valid fact followed by junk bytes. */
	{
		char *buf = malloc(n + 8);

		memcpy(buf, FACT, n);
		memcpy(buf + n, "garbage", 8);
		assert_non_null(fact_both(&a, buf, n, 0, STG_OK, NULL, NULL));
		free(buf);
	}
	stg_arena_done(&a);
}

static void
test_deep_nesting(void **state)
{
	struct stg_arena a;
	size_t depth, i;

	(void)state;
	stg_arena_init(&a);
	for (depth = 200; depth <= 100000; depth *= 500) {
		const char *anchor = "\"scope\":\"team\",";
		char *s = malloc(strlen(FACT) + depth * 2 + 32), *p;
		const char *at = strstr(FACT, anchor) + strlen(anchor);

		memcpy(s, FACT, (size_t)(at - FACT));
		p = s + (at - FACT);
		p += sprintf(p, "\"deep\":");
		for (i = 0; i < depth; i++)
			*p++ = '[';
		for (i = 0; i < depth; i++)
			*p++ = ']';
		*p++ = ',';
		strcpy(p, at);
		if (depth == 200)
			assert_non_null(FACT_OK(&a, s)); /* within both limits */
		else
			FACT_BAD(&a, s, NULL, NULL); /* refused, no stack overflow */
		free(s);
	}
	stg_arena_done(&a);
}

static void
test_huge_strings(void **state)
{
	struct stg_arena a;
	size_t n = 8u * 1024u * 1024u, i;
	char *big = malloc(n + 1), *s;
	struct stg_fact *f;
	const char *from = "\"v\":\"Alice Martin\"";
	const char *at = strstr(FACT, from);

	(void)state;
	assert_non_null(big);
	for (i = 0; i < n; i++)
		big[i] = (char)('a' + i % 26);
	big[n - 2] = '\\';
	big[n - 1] = 'n';
	big[n] = '\0';
	s = malloc(strlen(FACT) + n + 16);
	memcpy(s, FACT, (size_t)(at - FACT));
	sprintf(s + (at - FACT), "\"v\":\"%s\"%s", big, at + strlen(from));
	stg_arena_init(&a);
	f = FACT_OK(&a, s);
	assert_int_equal(f->value.str_len, n - 1);
	assert_int_equal(f->value.str[n - 2], '\n');
	assert_memory_equal(f->value.str, big, n - 2);
	stg_arena_done(&a);
	free(s);
	free(big);
}

static void
test_numbers_exact(void **state)
{
	static const char *const texts[] = {
		"2.5e-7", "2.5e-07", "1e-05", "0.00001", "0.1", "5e-324", "1.7976931348623157e308",
		"0.22000000000000003", "-0.0", "42", "42.0", "1E2", "123456789012345678901234567890",
		"1234567890123456789012345678901234567890123456789012345678901234567890.125e-3",
	};
	struct stg_arena a;
	size_t i;

	(void)state;
	stg_arena_init(&a);
	for (i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		char v[160], conf[160], *s, *t;
		struct stg_fact *f;
		struct stg_error err;
		double want = strtod(texts[i], NULL);
		int k;

		snprintf(v, sizeof v, "{\"type\":\"number\",\"v\":%s", texts[i]);
		snprintf(conf, sizeof conf, "\"confidence\":%s", texts[i]);
		s = fact_with("{\"type\":\"string\",\"v\":\"Alice Martin\"", v);
		t = fact_with("\"confidence\":1.0", conf);
		for (k = 0; k < 2; k++) {
			assert_int_equal(fact_paths[k](s, strlen(s), 0, &a, &f, &err), STG_OK);
			assert_memory_equal(&f->value.num, &want, sizeof want);
			assert_int_equal(fact_paths[k](t, strlen(t), 0, &a, &f, &err), STG_OK);
			assert_memory_equal(&f->confidence, &want, sizeof want);
		}
		free(s);
		free(t);
	}
	/* Spot values written out. */
	assert_true(strtod("2.5e-7", NULL) == 2.5e-07);
	stg_arena_done(&a);
}

/* Random decimal texts: the decoders' doubles are bit-identical to strtod. */
static void
test_numbers_random(void **state)
{
	struct stg_arena a;
	unsigned long long seed = 0x243f6a8885a308d3ULL;
	char *base = fact_with("{\"type\":\"string\",\"v\":\"Alice Martin\"",
			       "{\"type\":\"number\",\"v\":@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@");
	char *at = strchr(base, '@');
	int i, k;

	(void)state;
	stg_arena_init(&a);
	for (i = 0; i < 20000; i++) {
		char num[64], *p = num, *s;
		int ndig, dot, j;
		struct stg_fact *f = NULL;
		struct stg_error err;
		double want;

		seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
		ndig = 1 + (int)(seed % 21);
		dot = (int)((seed >> 8) % (unsigned)(ndig + 1));
		if ((seed >> 16) & 1)
			*p++ = '-';
		for (j = 0; j < ndig; j++) {
			if (j == dot && j > 0)
				*p++ = '.';
			seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
			*p++ = (char)('0' + (j == 0 && ndig > 1 && dot != 1 ? 1 + seed % 9 : seed % 10));
		}
		if ((seed >> 24) % 3 == 0)
			p += sprintf(p, "e%d", (int)((seed >> 32) % 70) - 35);
		*p = '\0';
		s = malloc(strlen(base) + 64);
		memcpy(s, base, (size_t)(at - base));
		sprintf(s + (at - base), "%s%s", num, at + 44);
		want = strtod(num, NULL);
		for (k = 0; k < 2; k++) {
			if (fact_paths[k](s, strlen(s), 0, &a, &f, &err) != STG_OK)
				fail_msg("%s: %s (%s)", num, err.detail, path_names[k]);
			if (memcmp(&f->value.num, &want, sizeof want) != 0)
				fail_msg("%s path: %s -> %.17g, strtod %.17g", path_names[k], num,
					 f->value.num, want);
		}
		free(s);
		if (i % 1000 == 999) {
			stg_arena_done(&a);
			stg_arena_init(&a);
		}
	}
	free(base);
	stg_arena_done(&a);
}

static void
test_numbers_locale(void **state)
{
	struct stg_arena a;
	struct stg_fact *f;
	const char *loc;
	char *s;

	(void)state;
	/* A comma-decimal locale must not change what "0.75" means. Uses the first
	 * such locale installed; the C locale run covers the rest. */
	loc = setlocale(LC_NUMERIC, "de_DE.UTF-8");
	if (loc == NULL)
		loc = setlocale(LC_NUMERIC, "fr_FR.UTF-8");
	stg_arena_init(&a);
	s = fact_with("\"confidence\":1.0", "\"confidence\":0.75");
	f = FACT_OK(&a, s);
	assert_true(f->confidence == 0.75);
	free(s);
	setlocale(LC_NUMERIC, "C");
	stg_arena_done(&a);
}

static void
test_strings_escapes_and_nul(void **state)
{
	struct stg_arena a;
	struct stg_fact *f;
	char *s;

	(void)state;
	stg_arena_init(&a);
	s = fact_with("\"v\":\"Alice Martin\"", "\"v\":\"a\\u0000b\\n\\\"\\u00e9\\ud83d\\ude00/\\/\"");
	f = FACT_OK(&a, s);
	assert_int_equal(f->value.str_len, 3 + 1 + 1 + 2 + 4 + 2);
	assert_memory_equal(f->value.str, "a\0b\n\"\xc3\xa9\xf0\x9f\x98\x80//", f->value.str_len + 1);
	{
		/* The cJSON path keeps the U+0000 too. */
		struct stg_fact *g;
		struct stg_error err;

		assert_int_equal(stg_codec_fact_cjson(s, strlen(s), STG_DECODE_KEEP_RAW, &a, &g, &err),
				 STG_OK);
		assert_int_equal(g->value.str_len, f->value.str_len);
		assert_memory_equal(g->value.str, f->value.str, f->value.str_len + 1);
		assert_non_null(strstr(g->raw_json, "a\\u0000b"));
	}
	free(s);
	/* An escaped backslash followed by "u0000" is text, not U+0000. */
	s = fact_with("\"v\":\"Alice Martin\"", "\"v\":\"x\\\\u0000y\"");
	f = FACT_OK(&a, s);
	assert_string_equal(f->value.str, "x\\u0000y");
	assert_int_equal(f->value.str_len, 8);
	{
		struct stg_fact *g;
		struct stg_error err;

		assert_int_equal(stg_codec_fact_cjson(s, strlen(s), 0, &a, &g, &err), STG_OK);
		assert_string_equal(g->value.str, "x\\u0000y");
	}
	free(s);
	/* Many U+0000 in one large value: linear time on both paths. */
	{
		size_t n = 200000, k;
		char *v = malloc(n * 6 + 16), *q = v;
		struct stg_fact *g;
		struct stg_error err;

		q += sprintf(q, "\"v\":\"");
		for (k = 0; k < n; k++)
			q += sprintf(q, "\\u0000");
		strcpy(q, "\"");
		s = fact_with("\"v\":\"Alice Martin\"", v);
		f = FACT_OK(&a, s);
		assert_int_equal(f->value.str_len, n);
		assert_int_equal(stg_codec_fact_cjson(s, strlen(s), 0, &a, &g, &err), STG_OK);
		assert_int_equal(g->value.str_len, n);
		assert_int_equal(g->value.str[n - 1], '\0');
		free(s);
		free(v);
	}
	/* ...also when the text already holds U+FFFF (then a U+0000 ends the string). */
	s = fact_with("\"v\":\"Alice Martin\"", "\"v\":\"\\uffffa\\u0000b\"");
	f = FACT_OK(&a, s);
	assert_int_equal(f->value.str_len, 3 + 1 + 1 + 1);
	free(s);
	/* A U+0000 in a plain string field ends the C string. */
	s = fact_with("\"source\":\"agent:hr-bot\"", "\"source\":\"agent\\u0000hidden\"");
	f = FACT_OK(&a, s);
	assert_string_equal(f->source, "agent");
	free(s);
	/* Lone surrogates and raw control characters are not JSON. */
	s = fact_with("\"v\":\"Alice Martin\"", "\"v\":\"\\ud800x\"");
	FACT_BAD(&a, s, NULL, NULL);
	free(s);
	s = fact_with("\"v\":\"Alice Martin\"", "\"v\":\"a\\udc00\"");
	FACT_BAD(&a, s, NULL, NULL);
	free(s);
	{
		struct stg_error err;

		s = fact_with("\"v\":\"Alice Martin\"", "\"v\":\"tab\there\"");
		assert_int_equal(stg_decode_fact(s, strlen(s), 0, &a, &f, &err), STG_ERR_DECODE);
		assert_non_null(strstr(err.detail, "control character"));
		free(s);
	}
	/* Raw UTF-8 passes through untouched. */
	s = fact_with("\"v\":\"Alice Martin\"", "\"v\":\"kickoff-東京 \xe2\x80\xae\\u001b[31m\"");
	f = FACT_OK(&a, s);
	assert_string_equal(f->value.str, "kickoff-東京 \xe2\x80\xae\x1b[31m");
	free(s);
	stg_arena_done(&a);
}

static void
test_keep_raw_and_derived(void **state)
{
	struct stg_arena a;
	struct stg_fact *f;
	struct stg_error err;
	char *s;
	const char *pretty;

	(void)state;
	stg_arena_init(&a);
	s = fact_with("\"derived_from\":[]",
		      "\"derived_from\":[{\"fact_id\":\"a36f\",\"why\":[1, 2.50]}, "
		      "{\"hash\":\"sha256:00\"}, \"loose\", {\"fact_id\":null}]");
	f = fact_both(&a, s, strlen(s), STG_DECODE_KEEP_RAW, STG_OK, NULL, NULL);
	assert_int_equal(f->n_derived_from, 4);
	assert_string_equal(f->derived_from[0].fact_id, "a36f");
	assert_null(f->derived_from[0].hash);
	assert_string_equal(f->derived_from[0].json, "{\"fact_id\":\"a36f\",\"why\":[1,2.50]}");
	assert_string_equal(f->derived_from[1].hash, "sha256:00");
	assert_string_equal(f->derived_from[2].json, "\"loose\"");
	assert_null(f->derived_from[2].fact_id);
	assert_null(f->derived_from[3].fact_id);
	assert_non_null(f->raw_json);
	assert_non_null(strstr(f->raw_json, "\"confidence\":1.0,"));
	free(s);
	/* raw_json is compact even when the input is pretty-printed. */
	pretty = "{ \"id\" : \"x\",\n \"entity\": \"e\", \"relation\": \"r\", \"value\": "
		 "{\"type\": \"text\", \"v\": \"a \\\" b\\\\\"}, \"source\": \"s\", \"timestamp\": \"t\", "
		 "\"confidence\": 0.5, \"scope\": \"local\" }";
	assert_int_equal(stg_decode_fact(pretty, strlen(pretty), STG_DECODE_KEEP_RAW, &a, &f, &err),
			 STG_OK);
	assert_string_equal(f->raw_json,
			    "{\"id\":\"x\",\"entity\":\"e\",\"relation\":\"r\",\"value\":{\"type\":"
			    "\"text\",\"v\":\"a \\\" b\\\\\"},\"source\":\"s\",\"timestamp\":\"t\","
			    "\"confidence\":0.5,\"scope\":\"local\"}");
	assert_int_equal(f->n_derived_from, 0);
	assert_int_equal(f->attested, STG_NULL);
	/* The cJSON path's compact text keeps every double exactly. */
	s = fact_with("\"effective_confidence\":null",
		      "\"effective_confidence\":0.25200000000000006");
	assert_int_equal(stg_codec_fact_cjson(s, strlen(s), STG_DECODE_KEEP_RAW, &a, &f, &err),
			 STG_OK);
	assert_non_null(strstr(f->raw_json, "\"effective_confidence\":0.25200000000000006,"));
	assert_non_null(strstr(f->raw_json, "\"confidence\":1,"));
	assert_non_null(strstr(f->raw_json, "{\"id\":\"481506c5-"));
	free(s);
	s = fact_with("\"derived_from\":[]", "\"derived_from\":[{\"w\":[2.5e-7,1e400,\"a\\tb\\u0001\"]}]");
	assert_int_equal(stg_codec_fact_cjson(s, strlen(s), 0, &a, &f, &err), STG_OK);
	assert_string_equal(f->derived_from[0].json, "{\"w\":[2.5e-07,null,\"a\\tb\\u0001\"]}");
	free(s);
	stg_arena_done(&a);
}

static void
test_other_decoders(void **state)
{
	struct stg_arena a;
	struct stg_error err;

	(void)state;
	stg_arena_init(&a);
	{
		/* Rekor-style tl_raw: no payload; local members absent. */
		const char *ck = "{\"id\":\"chaincp_9\",\"tenant_id\":\"default\",\"covered_chain_seq\":5,"
				 "\"chain_hash\":\"sha256:aa\",\"status\":\"submitted\",\"attempt_count\":2,"
				 "\"tl_backend\":\"rekor\",\"tl_log_index\":null,"
				 "\"tl_inclusion_proof\":{\"hashes\":[\"x\"]},"
				 "\"tl_raw\":{\"body\":\"eyJ9\",\"integratedTime\":1700000000,\"logIndex\":7}}";
		struct stg_checkpoint *k;

		assert_int_equal(stg_decode_checkpoint(ck, strlen(ck), 0, &a, &k, &err), STG_OK);
		assert_int_equal(k->covered_chain_seq, 5);
		assert_int_equal(k->attempt_count, 2);
		assert_false(k->has_tl_log_index);
		assert_false(k->has_tl_integrated_time);
		assert_null(k->tl_raw_payload);
		assert_null(k->tl_raw_leaf_hash);
		assert_false(k->has_tl_raw_index);
		assert_string_equal(k->tl_raw_json,
				    "{\"body\":\"eyJ9\",\"integratedTime\":1700000000,\"logIndex\":7}");
		assert_string_equal(k->tl_inclusion_proof_json, "{\"hashes\":[\"x\"]}");
	}
	{
		const char *ck = "{\"id\":\"c\",\"covered_chain_seq\":1.5,\"chain_hash\":\"h\"}";
		struct stg_checkpoint *k;

		assert_int_equal(stg_decode_checkpoint(ck, strlen(ck), 0, &a, &k, &err), STG_ERR_DECODE);
		assert_string_equal(err.where, "covered_chain_seq");
		assert_non_null(strstr(err.detail, "expected integer"));
	}
	{
		const char *cp = "{\"tenant_id\":\"default\",\"checked_entries\":3,\"head_hash\":\"h\","
				 "\"checkpoint\":{\"id\":\"c\",\"covered_chain_seq\":\"3\",\"chain_hash\":\"h\"}}";
		struct stg_chain_proof *p;

		assert_int_equal(stg_decode_chain_proof(cp, strlen(cp), 0, &a, &p, &err), STG_ERR_DECODE);
		assert_string_equal(err.where, "checkpoint.covered_chain_seq");
		assert_string_equal(err.detail, "expected number, got string");
	}
	{
		const char *rr = "{\"recall_id\":\"r\",\"facts\":[{\"fact\":" FACT ",\"score\":\"hi\"}]}";
		struct stg_recall_response *r;

		assert_int_equal(stg_decode_recall_response(rr, strlen(rr), 0, &a, &r, &err),
				 STG_ERR_DECODE);
		assert_string_equal(err.where, "facts[0].score");
	}
	{
		const char *rr = "{\"recall_id\":\"r\",\"facts\":[{\"fact\":" FACT ",\"score\":0.5,"
				 "\"hop_distance\":2,\"from_card\":false}],\"token_budget\":40,"
				 "\"tokens_used\":7,\"truncated\":true,\"total_scored\":null}";
		struct stg_recall_response *r;

		assert_int_equal(stg_decode_recall_response(rr, strlen(rr), 0, &a, &r, &err), STG_OK);
		assert_false(r->has_channels);
		assert_false(r->has_total_scored);
		assert_true(r->truncated);
		assert_int_equal(r->facts[0].hop_distance, 2);
		assert_null(r->chain_proof);
	}
	{
		const char *ev = "{\"events\":[{\"id\":\"e\",\"payload\":{\"fact_id\":\"f1\",\"redacted\":true}}],"
				 "\"total\":1,\"cursor\":10}";
		struct stg_event_page *p;

		assert_int_equal(stg_decode_event_page(ev, strlen(ev), 0, &a, &p, &err), STG_OK);
		assert_string_equal(p->cursor, "10");
		assert_true(p->events[0].payload.redacted);
		assert_string_equal(p->events[0].payload.id, "f1");
		assert_false(p->events[0].payload.has_confidence);
	}
	{
		const char *nb = "{\"entity\":\"e\",\"depth\":1,\"neighbors\":[{\"entity\":\"x\",\"hops\":1.5}]}";
		struct stg_neighbors *n;

		assert_int_equal(stg_decode_neighbors(nb, strlen(nb), 0, &a, &n, &err), STG_ERR_DECODE);
		assert_string_equal(err.where, "neighbors[0].hops");
	}
	{
		const char *cf = "{\"conflicts\":[{\"conflict_id\":\"c\",\"fact_a\":null,\"fact_b\":null,"
				 "\"status\":\"unresolved\"}],\"has_more\":true}";
		struct stg_conflict_page *p;

		assert_int_equal(stg_decode_conflict_page(cf, strlen(cf), 0, &a, &p, &err), STG_OK);
		assert_null(p->conflicts[0].fact_a);
		assert_null(p->conflicts[0].fact_b);
		assert_true(p->has_more);
	}
	{
		const char *wk = "{\"node_id\":\"n\",\"federation\":\"enabled\",\"federation_pubkey\":\"pk\","
				 "\"federation_endpoints\":{\"peers\":\"/p\",\"facts\":\"/f\",\"push\":null},"
				 "\"cors\":{\"dev_localhost\":true}}";
		struct stg_node_info *n;

		assert_int_equal(stg_decode_node_info(wk, strlen(wk), 0, &a, &n, &err), STG_OK);
		assert_string_equal(n->federation_peers_endpoint, "/p");
		assert_null(n->federation_push_endpoint);
		assert_int_equal(n->cors_dev_localhost, STG_TRUE);
		assert_int_equal(n->cors_configured, STG_NULL);
	}
	{
		const char *pl = "{\"peers\":[{\"peer_id\":\"p\",\"status\":\"pending_tl_proof\","
				 "\"allowed_scopes\":[\"public\"],\"established_at\":null}]}";
		struct stg_peer_list *l;

		assert_int_equal(stg_decode_peer_list(pl, strlen(pl), 0, &a, &l, &err), STG_OK);
		assert_int_equal(l->n_peers, 1);
		assert_string_equal(l->peers[0].allowed_scopes[0], "public");
	}
	stg_arena_done(&a);
}

/* Recall and conflict bodies: both paths report the same field. */
static void
test_recall_conflict_paths(void **state)
{
	static const struct {
		bool recall;
		const char *body, *where, *detail;
	} cases[] = {
		{ true, "{\"facts\":[{\"fact\":" FACT ",\"score\":\"hi\"}]}", "facts[0].score",
		  "expected number, got string" },
		{ true, "{\"facts\":[{\"score\":1}]}", "facts[0].fact", "missing required member" },
		{ true, "{\"facts\":[{\"fact\":" FACT ",\"score\":1,\"hop_distance\":0.5}]}",
		  "facts[0].hop_distance", "expected integer" },
		{ true, "{\"facts\":[],\"content\":[{\"fact\":{\"id\":1},\"score\":1}]}",
		  "content[0].fact.id", "expected string, got number" },
		{ true, "{\"facts\":[{\"fact\":" FACT ",\"score\":1,\"score_breakdown\":{\"graph\":\"x\"}}]}",
		  "facts[0].score_breakdown.graph", "expected number, got string" },
		{ true, "{\"facts\":[],\"chain_proof\":{\"checked_entries\":\"3\"}}",
		  "chain_proof.checked_entries", "expected number, got string" },
		{ true, "{\"facts\":[],\"chain_proof\":[]}", "chain_proof", "expected object, got array" },
		{ true, "{\"facts\":[],\"total_scored\":2.5}", "total_scored", "expected integer" },
		{ true, "{\"content\":[]}", "facts", "missing required member (expected array)" },
		{ false, "{\"conflicts\":[{\"conflict_id\":\"c\",\"fact_a\":" FACT
			 ",\"fact_b\":{\"id\":\"x\"}}]}", "conflicts[0].fact_b.entity", "missing required member" },
		{ false, "{\"conflicts\":[{\"fact_a\":null}]}", "conflicts[0].conflict_id",
		  "missing required member" },
		{ false, "{\"conflicts\":[{\"conflict_id\":\"c\",\"fact_a\":7}]}", "conflicts[0].fact_a",
		  "expected object, got number" },
		{ false, "{\"conflicts\":{}}", "conflicts", "expected array, got object" },
		{ false, "{\"conflicts\":[],\"has_more\":1}", "has_more", "expected boolean, got number" },
	};
	struct stg_arena a;
	size_t i;
	int k;

	(void)state;
	stg_arena_init(&a);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		for (k = 0; k < 2; k++) {
			struct stg_error err;
			enum stg_status st;
			const char *b = cases[i].body;

			if (cases[i].recall) {
				struct stg_recall_response *r = NULL;

				st = k == 0 ? stg_decode_recall_response(b, strlen(b), 0, &a, &r, &err)
					    : stg_codec_recall_response_cjson(b, strlen(b), 0, &a, &r, &err);
				assert_null(r);
			} else {
				struct stg_conflict_page *p = NULL;

				st = k == 0 ? stg_decode_conflict_page(b, strlen(b), 0, &a, &p, &err)
					    : stg_codec_conflict_page_cjson(b, strlen(b), 0, &a, &p, &err);
				assert_null(p);
			}
			if (st != STG_ERR_DECODE || strcmp(err.where, cases[i].where) != 0 ||
			    strstr(err.detail, cases[i].detail) == NULL)
				fail_msg("case %zu %s path: %s at '%s': %s", i, path_names[k],
					 stg_status_name(st), err.where, err.detail);
		}
	}
	stg_arena_done(&a);
}

static void
test_model_helpers(void **state)
{
	struct stg_value v;
	uint64_t w = 0, c = 0;
	int t;

	(void)state;
	for (t = STG_VT_STRING; t <= STG_VT_UNKNOWN; t++)
		assert_int_equal(stg_value_type_parse(stg_value_type_name((enum stg_value_type)t)), t);
	assert_string_equal(stg_value_type_name(STG_VT_DATETIME), "datetime");
	assert_int_equal(stg_value_type_parse("String"), STG_VT_UNKNOWN);
	assert_int_equal(stg_value_type_parse(NULL), STG_VT_UNKNOWN);
	assert_string_equal(stg_value_type_name((enum stg_value_type)99), "unknown");

	v = stg_value_string("Alice");
	assert_int_equal(v.type, STG_VT_STRING);
	assert_string_equal(v.type_name, "string");
	assert_int_equal(v.str_len, 5);
	assert_false(v.is_null);
	assert_int_equal(v.interpret_as, STG_INTERPRET_CONTENT);
	v = stg_value_number(42.0);
	assert_true(v.num == 42.0 && v.type == STG_VT_NUMBER && !v.is_null);
	v = stg_value_boolean(true);
	assert_true(v.boolean && v.type == STG_VT_BOOLEAN);
	v = stg_value_null();
	assert_true(v.is_null && v.type == STG_VT_NULL);
	assert_string_equal(stg_value_ref("urn:x").type_name, "ref");
	assert_string_equal(stg_value_text("t").type_name, "text");
	assert_string_equal(stg_value_datetime("2026-01-01").type_name, "datetime");

	assert_true(stg_hlc_parse("1747000000123.12", &w, &c));
	assert_true(w == 1747000000123ULL && c == 12);
	assert_false(stg_hlc_parse("1747000000123", &w, &c));
	assert_false(stg_hlc_parse(".1", &w, &c));
	assert_false(stg_hlc_parse("1.", &w, &c));
	assert_false(stg_hlc_parse("1.2.3", &w, &c));
	assert_false(stg_hlc_parse("-1.2", &w, &c));
	assert_false(stg_hlc_parse("99999999999999999999.0", &w, &c));
	assert_false(stg_hlc_parse(NULL, &w, &c));
	/* Counter not zero-padded: .9 sorts before .10 */
	assert_true(stg_hlc_compare("1747000000123.9", "1747000000123.10") < 0);
	assert_true(stg_hlc_compare("1747000000124.0", "1747000000123.99") > 0);
	assert_int_equal(stg_hlc_compare("5.5", "5.5"), 0);
	assert_true(stg_hlc_compare(NULL, "1.0") < 0);
	assert_true(stg_hlc_compare("1.0", "garbage") > 0);
	assert_int_equal(stg_hlc_compare(NULL, "x"), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fact_ok),
		cmocka_unit_test(test_wrong_types_name_the_field),
		cmocka_unit_test(test_page_paths),
		cmocka_unit_test(test_missing_required),
		cmocka_unit_test(test_nulls_and_unknown_members),
		cmocka_unit_test(test_truncated_and_garbage),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_huge_strings),
		cmocka_unit_test(test_numbers_exact),
		cmocka_unit_test(test_numbers_random),
		cmocka_unit_test(test_numbers_locale),
		cmocka_unit_test(test_strings_escapes_and_nul),
		cmocka_unit_test(test_keep_raw_and_derived),
		cmocka_unit_test(test_other_decoders),
		cmocka_unit_test(test_recall_conflict_paths),
		cmocka_unit_test(test_model_helpers),
	};

	return cmocka_run_group_tests_name("codec", tests, NULL, NULL);
}
