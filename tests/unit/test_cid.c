/* test_cid.c — CIDs, Python JSON strings, chain/checkpoint hashes and the
 * canonicalizer: worked examples of stigmem-api.md §10.5/§11.1/§11.3 and
 * every vector of fixtures/vectors/cid-vectors.json. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>
#include <cmocka.h>

#include "stigmem/buf.h"
#include "stigmem/cid.h"
#include "stigmem/model.h"
#include "stigmem/verify.h"

#include "../lib/testdata.h"

/* A struct stg_fact from the vector's "fact" object (strings borrowed). */
static void
fact_from_json(const cJSON *j, struct stg_fact *f)
{
	const cJSON *val = cJSON_GetObjectItemCaseSensitive(j, "value");
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(val, "v");

	memset(f, 0, sizeof *f);
	f->id = tst_str(j, "id");
	f->entity = tst_str(j, "entity");
	f->relation = tst_str(j, "relation");
	f->source = tst_str(j, "source");
	f->scope = tst_str(j, "scope");
	f->timestamp = tst_str(j, "timestamp");
	f->confidence = cJSON_GetObjectItemCaseSensitive(j, "confidence")->valuedouble;
	f->value.type_name = tst_str(val, "type");
	f->value.type = stg_value_type_parse(f->value.type_name);
	f->value.is_null = v == NULL || cJSON_IsNull(v);
	if (cJSON_IsString(v)) {
		f->value.str = v->valuestring;
		f->value.str_len = strlen(v->valuestring);
	} else if (cJSON_IsNumber(v)) {
		f->value.num = v->valuedouble;
	} else if (cJSON_IsBool(v)) {
		f->value.boolean = cJSON_IsTrue(v);
	}
}

/* ---- worked examples ---------------------------------------------------- */

struct example {
	const char *name;
	struct stg_cid_input in;
	const char *canonical;
	const char *cid;
};

static void
check_example(const struct example *ex)
{
	struct stg_buf b;
	char cid[STG_HASH_MAX];

	stg_buf_init(&b);
	assert_true(stg_cid_canonical(&ex->in, &b));
	if (strcmp(b.data, ex->canonical) != 0)
		fail_msg("%s canonical:\n got %s\nwant %s", ex->name, b.data, ex->canonical);
	assert_true(stg_cid_compute(&ex->in, cid));
	if (strcmp(cid, ex->cid) != 0)
		fail_msg("%s cid: got %s want %s", ex->name, cid, ex->cid);
	assert_true(stg_cid_is_wellformed(cid));
	stg_buf_done(&b);
}

#define ALICE "stigmem://testnode/user/alice"
#define TSRC "stigmem://testnode/agent/test"
#define NL ((size_t)-1)

static void
test_worked_examples(void **state)
{
	static const struct example ex[] = {
		{ "A", { 1.0, "stigmem://testnode/user/cid-subject", "memory:role", "local", TSRC,
			 "string", "cid-conformance-test-value", NL },
		  "{\"confidence\":1.0,\"entity\":\"stigmem://testnode/user/cid-subject\",\"relation\":\"memory:role\",\"scope\":\"local\",\"source\":\"stigmem://testnode/agent/test\",\"value_type\":\"string\",\"value_v\":\"cid-conformance-test-value\"}",
		  "sha256:34f271dac8194bddb60b645e4683443426373b9f7628f75443db1f1a0d1e750f" },
		{ "B", { 0.9, ALICE, "memory:score", "company", TSRC, "number", "42.5", NL },
		  "{\"confidence\":0.9,\"entity\":\"stigmem://testnode/user/alice\",\"relation\":\"memory:score\",\"scope\":\"company\",\"source\":\"stigmem://testnode/agent/test\",\"value_type\":\"number\",\"value_v\":\"42.5\"}",
		  "sha256:8f3ac4181b2d02ba5dabfe336f4c0643d2a29dc6bcfe4222af524feba5f8bd66" },
		{ "C", { 0.75, "stigmem://company.example/user/zo\xc3\xab", "preference:city", "team",
			 "stigmem://company.example/agent/assistant", "string",
			 "Z\xc3\xbcrich \xe2\x80\x94 \xe6\x9d\xb1\xe4\xba\xac", NL },
		  "{\"confidence\":0.75,\"entity\":\"stigmem://company.example/user/zo\xc3\xab\",\"relation\":\"preference:city\",\"scope\":\"team\",\"source\":\"stigmem://company.example/agent/assistant\",\"value_type\":\"string\",\"value_v\":\"Z\xc3\xbcrich \xe2\x80\x94 \xe6\x9d\xb1\xe4\xba\xac\"}",
		  "sha256:1a9fe71bd01c60a7f05bdf5f19cf9c17d4fa963dbd0fd2ff21a2c03d89799836" },
		{ "D", { 1.0, "issue:proj-42", "acme:completed", "public", "agent:my-agent", "boolean",
			 "true", NL },
		  "{\"confidence\":1.0,\"entity\":\"issue:proj-42\",\"relation\":\"acme:completed\",\"scope\":\"public\",\"source\":\"agent:my-agent\",\"value_type\":\"boolean\",\"value_v\":\"true\"}",
		  "sha256:b4552e22328ef1244846eb0e96303d2b45bf435d75b49ab6ca374f36ccfd1a55" },
		{ "E", { 1.0, ALICE, "memory:alias", "company", TSRC, "null", "null", NL },
		  "{\"confidence\":1.0,\"entity\":\"stigmem://testnode/user/alice\",\"relation\":\"memory:alias\",\"scope\":\"company\",\"source\":\"stigmem://testnode/agent/test\",\"value_type\":\"null\",\"value_v\":\"null\"}",
		  "sha256:9647f6d851da6c034b1764f4bb7ba67a0355a9efb540b7f1ba6a79206c828026" },
		{ "F", { 0.0, ALICE, "memory:role", "company", TSRC, "string", "retracted", NL },
		  "{\"confidence\":0.0,\"entity\":\"stigmem://testnode/user/alice\",\"relation\":\"memory:role\",\"scope\":\"company\",\"source\":\"stigmem://testnode/agent/test\",\"value_type\":\"string\",\"value_v\":\"retracted\"}",
		  "sha256:3678581e1126ad50dac419d153147969e8d2ebe3ab82f9b49518a325b8c02dbf" },
		{ "G", { 0.5, "stigmem://testnode/note/esc", "memory:note", "local", TSRC, "text",
			 "line1\n\"q\" \\ tab\t \xf0\x9f\x98\x80 /", NL },
		  "{\"confidence\":0.5,\"entity\":\"stigmem://testnode/note/esc\",\"relation\":\"memory:note\",\"scope\":\"local\",\"source\":\"stigmem://testnode/agent/test\",\"value_type\":\"text\",\"value_v\":\"line1\\n\\\"q\\\" \\\\ tab\\t \xf0\x9f\x98\x80 /\"}",
		  "sha256:f4218a8a1a2b81abb2bc8d369c90825b7d8d4d9b732ac58b3ac62024cf9a6bfd" },
		{ "H1", { 1.0, ALICE, "memory:count", "local", TSRC, "number", "42", NL },
		  "{\"confidence\":1.0,\"entity\":\"stigmem://testnode/user/alice\",\"relation\":\"memory:count\",\"scope\":\"local\",\"source\":\"stigmem://testnode/agent/test\",\"value_type\":\"number\",\"value_v\":\"42\"}",
		  "sha256:bfe8d0037adc8f78eab2b2a0f54ad1deefa5c84aa0993e28133ef90368c4aaf1" },
		{ "H2", { 1.0, ALICE, "memory:count", "local", TSRC, "number", "42.0", NL },
		  "{\"confidence\":1.0,\"entity\":\"stigmem://testnode/user/alice\",\"relation\":\"memory:count\",\"scope\":\"local\",\"source\":\"stigmem://testnode/agent/test\",\"value_type\":\"number\",\"value_v\":\"42.0\"}",
		  "sha256:d3d2b42c858349e8fd1f3f6aee406f19d598eecd2e70107cc755606b918f84bb" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof ex / sizeof ex[0]; i++)
		check_example(&ex[i]);
}

/* H1/H2 through a decoded fact: the SDK rule gives H2, the integer retry H1. */
static void
test_worked_example_h_verdict(void **state)
{
	struct stg_fact f;
	struct stg_fact_cid_check chk;

	(void)state;
	memset(&f, 0, sizeof f);
	f.entity = ALICE;
	f.relation = "memory:count";
	f.source = TSRC;
	f.scope = "local";
	f.confidence = 1.0;
	f.value.type = STG_VT_NUMBER;
	f.value.type_name = "number";
	f.value.num = 42.0;
	f.cid = "sha256:bfe8d0037adc8f78eab2b2a0f54ad1deefa5c84aa0993e28133ef90368c4aaf1";
	assert_true(stg_verify_fact_cid(&f, &chk));
	assert_int_equal(chk.verdict, STG_CID_VERIFIED_INTEGER_SPELLING);
	assert_string_equal(chk.computed_cid,
			    "sha256:d3d2b42c858349e8fd1f3f6aee406f19d598eecd2e70107cc755606b918f84bb");
	assert_true(chk.has_integer_cid);
	assert_string_equal(chk.integer_cid, f.cid);
	assert_false(chk.possibly_sanitized);
}

/* §10.4: a JCS canonicalizer writes 1 for 1.0 and gets a different CID. */
static void
test_jcs_spelling_differs(void **state)
{
	static const char jcs[] =
		"{\"confidence\":1,\"entity\":\"stigmem://testnode/user/cid-subject\",\"relation\":\"memory:role\",\"scope\":\"local\",\"source\":\"stigmem://testnode/agent/test\",\"value_type\":\"string\",\"value_v\":\"cid-conformance-test-value\"}";
	char h[STG_HASH_MAX];

	(void)state;
	stg_sha256_prefixed(jcs, strlen(jcs), h);
	assert_string_equal(h, "sha256:e7650428d8b6de2584cc67f555f7c7cc3feb42e9c9a2b98ab2ff5312c213e67e");
	assert_string_not_equal(h, "sha256:34f271dac8194bddb60b645e4683443426373b9f7628f75443db1f1a0d1e750f");
}

static void
test_chain_and_checkpoint_examples(void **state)
{
	struct stg_chain_event ev = {
		"sha256:34f271dac8194bddb60b645e4683443426373b9f7628f75443db1f1a0d1e750f", 1.0,
		"stigmem://testnode/user/cid-subject", "11111111-1111-4111-8111-111111111111",
		"memory:role", "local", TSRC, "default", "string", "cid-conformance-test-value", NL,
	};
	struct stg_chain_link ln = {
		1, "2026-05-21T12:00:00.000001+00:00",
		"sha256:fbd94dc9d0888c7843587bdecb643c5627bbd2968b38305f477fbb6efa3c4b2b",
		"11111111-1111-4111-8111-111111111111", NULL, "default",
	};
	struct stg_buf b;
	char h[STG_HASH_MAX], leaf[STG_HEX_MAX], tl[STG_HEX_MAX];

	(void)state;
	stg_buf_init(&b);
	assert_true(stg_chain_event_canonical(&ev, &b));
	assert_string_equal(b.data,
		"{\"cid\":\"sha256:34f271dac8194bddb60b645e4683443426373b9f7628f75443db1f1a0d1e750f\",\"confidence\":1.0,\"entity\":\"stigmem://testnode/user/cid-subject\",\"fact_id\":\"11111111-1111-4111-8111-111111111111\",\"relation\":\"memory:role\",\"scope\":\"local\",\"source\":\"stigmem://testnode/agent/test\",\"tenant_id\":\"default\",\"value_type\":\"string\",\"value_v\":\"cid-conformance-test-value\"}");
	assert_true(stg_chain_event_hash(&ev, h));
	assert_string_equal(h, "sha256:fbd94dc9d0888c7843587bdecb643c5627bbd2968b38305f477fbb6efa3c4b2b");
	stg_buf_reset(&b);
	assert_true(stg_chain_link_canonical(&ln, &b));
	assert_string_equal(b.data,
		"{\"chain_seq\":1,\"created_at\":\"2026-05-21T12:00:00.000001+00:00\",\"event_hash\":\"sha256:fbd94dc9d0888c7843587bdecb643c5627bbd2968b38305f477fbb6efa3c4b2b\",\"fact_id\":\"11111111-1111-4111-8111-111111111111\",\"previous_hash\":null,\"tenant_id\":\"default\"}");
	assert_true(stg_chain_link_hash(&ln, h));
	assert_string_equal(h, "sha256:7bd1da04b8481ccddf3257334e0757516708f4dd7c539a5fb7bb40bc519e30da");

	stg_buf_reset(&b);
	assert_true(stg_checkpoint_payload_canonical(h, 1, "2026-05-21T12:01:05.123456+00:00",
						     "default", &b));
	assert_string_equal(b.data,
		"{\"chain_hash\":\"sha256:7bd1da04b8481ccddf3257334e0757516708f4dd7c539a5fb7bb40bc519e30da\",\"covered_chain_seq\":1,\"created_at\":\"2026-05-21T12:01:05.123456+00:00\",\"kind\":\"stigmem.fact_chain_checkpoint\",\"tenant_id\":\"default\",\"version\":1}");
	assert_true(stg_checkpoint_leaf_hash(h, 1, "2026-05-21T12:01:05.123456+00:00", "default",
					     leaf));
	assert_string_equal(leaf, "8ce9c1e5b9027d88e193cf91968df14d0b01b380c60ff1922075cf85ed9f4523");
	stg_tl_chain_hash("0000000000000000000000000000000000000000000000000000000000000000", leaf,
			  tl);
	assert_string_equal(tl, "553377ce30aeffc39e385feec2ab82cfe093135a1c9e85d87969fa6bca441f2c");
	stg_buf_done(&b);
}

/* ---- strings, hashes, well-formedness ---------------------------------- */

static void
test_pystring_escapes(void **state)
{
	static const struct {
		const char *in;
		size_t n;
		const char *want;
	} c[] = {
		{ "plain", 5, "\"plain\"" },
		{ "\"\\", 2, "\"\\\"\\\\\"" },
		{ "\b\f\n\r\t", 5, "\"\\b\\f\\n\\r\\t\"" },
		{ "\x01\x07\x0b\x1b\x1f", 5, "\"\\u0001\\u0007\\u000b\\u001b\\u001f\"" },
		{ "a\0b", 3, "\"a\\u0000b\"" },
		{ "/\x7f", 2, "\"/\x7f\"" },
		{ "\xc2\x85\xc2\x9b", 4, "\"\xc2\x85\xc2\x9b\"" },           /* C1 raw */
		{ "\xe2\x80\xa8\xe2\x80\xa9", 6, "\"\xe2\x80\xa8\xe2\x80\xa9\"" }, /* U+2028/9 raw */
		{ "\xef\xbb\xbf\xe2\x80\x8b", 6, "\"\xef\xbb\xbf\xe2\x80\x8b\"" }, /* BOM, ZWSP raw */
		{ "\xf0\x9f\x98\x80", 4, "\"\xf0\x9f\x98\x80\"" },
		{ "", 0, "\"\"" },
	};
	struct stg_buf b;
	size_t i;

	(void)state;
	stg_buf_init(&b);
	for (i = 0; i < sizeof c / sizeof c[0]; i++) {
		stg_buf_reset(&b);
		assert_true(stg_json_put_pystring(&b, c[i].in, c[i].n));
		assert_int_equal(b.len, strlen(c[i].want));
		assert_memory_equal(b.data, c[i].want, b.len);
	}
	/* a long run crosses the internal staging buffer */
	{
		char big[5000];
		size_t k;

		for (k = 0; k < sizeof big; k++)
			big[k] = (k % 97 == 0) ? '\n' : (char)('a' + k % 26);
		stg_buf_reset(&b);
		assert_true(stg_json_put_pystring(&b, big, sizeof big));
		assert_int_equal(b.len, sizeof big + 2 + (sizeof big + 96) / 97);
	}
	stg_buf_done(&b);
}

/* Reference escaper straight from the §10.3 table, byte by byte. */
static void
ref_pystring(struct stg_buf *b, const unsigned char *s, size_t n)
{
	size_t i;

	stg_buf_putc(b, '"');
	for (i = 0; i < n; i++) {
		switch (s[i]) {
		case '"': stg_buf_puts(b, "\\\""); break;
		case '\\': stg_buf_puts(b, "\\\\"); break;
		case '\b': stg_buf_puts(b, "\\b"); break;
		case '\f': stg_buf_puts(b, "\\f"); break;
		case '\n': stg_buf_puts(b, "\\n"); break;
		case '\r': stg_buf_puts(b, "\\r"); break;
		case '\t': stg_buf_puts(b, "\\t"); break;
		default:
			if (s[i] < 0x20)
				stg_buf_printf(b, "\\u%04x", s[i]);
			else
				stg_buf_putc(b, (char)s[i]);
		}
	}
	stg_buf_putc(b, '"');
}

static uint64_t
xs(uint64_t *st)
{
	*st ^= *st << 13;
	*st ^= *st >> 7;
	*st ^= *st << 17;
	return *st;
}

/* Every length 0..3000 and density of special bytes against the reference,
 * through the string writer and through a whole CID object. */
static void
test_pystring_differential(void **state)
{
	static const unsigned char pool[] = "abc \"\\\n\t\x01\x1f\x7f\xc3\xa9/\x00";
	unsigned char *src = malloc(3001);
	struct stg_buf got, want;
	uint64_t st = 0x1234567;
	size_t n, i, rounds;

	(void)state;
	assert_non_null(src);
	stg_buf_init(&got);
	stg_buf_init(&want);
	for (rounds = 0; rounds < 4; rounds++) {
		for (n = 0; n <= 3000; n += (n < 80 ? 1 : 37)) {
			unsigned density = (unsigned)(xs(&st) % 5); /* 0: none .. 4: many */

			for (i = 0; i < n; i++) {
				uint64_t r = xs(&st);

				src[i] = (density == 0 || r % (1u << (2 * (5 - density))) != 0)
						 ? (unsigned char)('a' + r % 26)
						 : pool[(r >> 20) % (sizeof pool - 1)];
			}
			stg_buf_reset(&got);
			stg_buf_reset(&want);
			/* a prefix in the buffer so writes start at odd offsets */
			stg_buf_append(&got, "xyz", rounds);
			stg_buf_append(&want, "xyz", rounds);
			assert_true(stg_json_put_pystring(&got, (const char *)src, n));
			ref_pystring(&want, src, n);
			if (got.len != want.len || memcmp(got.data, want.data, got.len) != 0)
				fail_msg("length %zu density %u differs", n, density);

			/* the same text as value_v and entity of a CID body */
			if (memchr(src, 0, n) == NULL) {
				struct stg_cid_input in = { 0.5, NULL, "r", "team", "s", "text", NULL, n };
				char *ent = malloc(n + 1);

				assert_non_null(ent);
				memcpy(ent, src, n);
				ent[n] = '\0';
				in.entity = ent;
				in.value_v = ent;
				stg_buf_reset(&got);
				stg_buf_reset(&want);
				assert_true(stg_cid_canonical(&in, &got));
				stg_buf_puts(&want, "{\"confidence\":0.5,\"entity\":");
				ref_pystring(&want, src, n);
				stg_buf_puts(&want, ",\"relation\":\"r\",\"scope\":\"team\",\"source\":\"s\","
					     "\"value_type\":\"text\",\"value_v\":");
				ref_pystring(&want, src, n);
				stg_buf_putc(&want, '}');
				if (got.len != want.len || memcmp(got.data, want.data, got.len) != 0)
					fail_msg("CID body, length %zu density %u differs", n, density);
				/* hashing streams the same bytes */
				{
					char h1[STG_HASH_MAX], h2[STG_HASH_MAX];

					assert_true(stg_cid_compute(&in, h1));
					stg_sha256_prefixed(want.data, want.len, h2);
					assert_string_equal(h1, h2);
				}
				free(ent);
			}
		}
	}
	stg_buf_done(&got);
	stg_buf_done(&want);
	free(src);
}

static void
test_sha256_and_wellformed(void **state)
{
	char hex[STG_HEX_MAX], pre[STG_HASH_MAX];

	(void)state;
	stg_sha256_hex("", 0, hex);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	stg_sha256_prefixed("abc", 3, pre);
	assert_string_equal(pre, "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_true(stg_cid_is_wellformed(pre));
	assert_false(stg_cid_is_wellformed(NULL));
	assert_false(stg_cid_is_wellformed(""));
	assert_false(stg_cid_is_wellformed(hex));
	assert_false(stg_cid_is_wellformed(
		"sha256:BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"));
	assert_false(stg_cid_is_wellformed(
		"sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a"));
	assert_false(stg_cid_is_wellformed(
		"sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015add"));
	assert_false(stg_cid_is_wellformed(
		"sha512:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
	assert_false(stg_cid_is_wellformed(
		"sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a "));
}

static void
test_value_v_with_nul_and_null(void **state)
{
	struct stg_cid_input in = { 1.0, "e", "r", "local", "s", "string", "a\0b", 3 };
	struct stg_buf b;

	(void)state;
	stg_buf_init(&b);
	assert_true(stg_cid_canonical(&in, &b));
	assert_string_equal(b.data,
		"{\"confidence\":1.0,\"entity\":\"e\",\"relation\":\"r\",\"scope\":\"local\",\"source\":\"s\",\"value_type\":\"string\",\"value_v\":\"a\\u0000b\"}");
	stg_buf_reset(&b);
	in.value_v = NULL;
	in.confidence = -0.0;
	assert_true(stg_cid_canonical(&in, &b));
	assert_string_equal(b.data,
		"{\"confidence\":-0.0,\"entity\":\"e\",\"relation\":\"r\",\"scope\":\"local\",\"source\":\"s\",\"value_type\":\"string\",\"value_v\":\"\"}");
	/* bytes Python could not encode (a lone surrogate as CESU-8, invalid
	 * UTF-8) are hashed as given, without failing or reading past them */
	stg_buf_reset(&b);
	in.value_v = "\xed\xa0\x80\xff";
	in.value_v_len = (size_t)-1;
	assert_true(stg_cid_canonical(&in, &b));
	assert_non_null(strstr(b.data, "\"value_v\":\"\xed\xa0\x80\xff\"}"));
	stg_buf_done(&b);
}

/* ---- canonicalizer ------------------------------------------------------ */

/* input -> CPython json.dumps(json.loads(input), sort_keys=True,
 * separators=(",", ":"), ensure_ascii=False), generated with CPython. */
static const struct {
	const char *in;
	const char *want;
} canon_cases[] = {
	{ "{\"b\":1,\"a\":2}",
	  "{\"a\":2,\"b\":1}" },
	{ "{\"version\":1,\"kind\":\"k\",\"covered_chain_seq\":61,\"chain_hash\":\"sha256:ab\",\"tenant_id\":\"t\\u00fc\",\"created_at\":\"2026\"}",
	  "{\"chain_hash\":\"sha256:ab\",\"covered_chain_seq\":61,\"created_at\":\"2026\",\"kind\":\"k\",\"tenant_id\":\"t\xc3""\xbc""\",\"version\":1}" },
	{ "[1, 1.0, -0, -0.0, 1e2, 1E-5, 2.5e-7, 0.1, 123456789012345678901234567890, 1.5e300, 3.0e16]",
	  "[1,1.0,0,-0.0,100.0,1e-05,2.5e-07,0.1,123456789012345678901234567890,1.5e+300,3e+16]" },
	{ "{\"z\": {\"y\": [true, false, null], \"x\": \"a\\\"b\\\\c\\/d\\n\\t\\u0001\\u001f\\u007f\\u2028\\ud83d\\ude00\"}, \"a\": {}}",
	  "{\"a\":{},\"z\":{\"x\":\"a\\\"b\\\\c/d\\n\\t\\u0001\\u001f\x7f""\xe2""\x80""\xa8""\xf0""\x9f""\x98""\x80""\",\"y\":[true,false,null]}}" },
	{ "{\"dup\": 1, \"dup\": 2, \"a\": [], \"\\u00e9\": 0, \"e\": 0, \"E\": 0}",
	  "{\"E\":0,\"a\":[],\"dup\":2,\"e\":0,\"\xc3""\xa9""\":0}" },
	{ " { \"k\" : [ ] , \"j\" : \"caf\xc3""\xa9"" \xe6""\x9d""\xb1""\xe4""\xba""\xac""\" } ",
	  "{\"j\":\"caf\xc3""\xa9"" \xe6""\x9d""\xb1""\xe4""\xba""\xac""\",\"k\":[]}" },
	{ "\"plain\"",
	  "\"plain\"" },
	{ "{\"\\u0000x\": 1, \"\": 2}",
	  "{\"\":2,\"\\u0000x\":1}" },
	{ "[1e400, -1e400]",
	  "[Infinity,-Infinity]" },
	{ "{\"n\":[0.5,100,-7,1e16,9999999999999998.0,1e-4,0.00001]}",
	  "{\"n\":[0.5,100,-7,1e+16,9999999999999998.0,0.0001,1e-05]}" },
};

static void
test_canonicalize(void **state)
{
	static const char *const bad[] = {
		"", "{", "[1,]", "{\"a\":1,}", "01", "1.", "[1e]", "\"\\ud800\"", "\"\\udc00x\"",
		"\"\\ud83d\\u0041\"", "\"a\nb\"", "{\"a\" 1}", "tru", "[1] x", "\"\\x\"", "-",
		"{1:2}",
	};
	struct stg_buf b;
	size_t i;

	(void)state;
	stg_buf_init(&b);
	for (i = 0; i < sizeof canon_cases / sizeof canon_cases[0]; i++) {
		stg_buf_reset(&b);
		if (!stg_json_canonicalize(canon_cases[i].in, strlen(canon_cases[i].in), &b))
			fail_msg("case %zu rejected: %s", i, canon_cases[i].in);
		if (strcmp(b.data, canon_cases[i].want) != 0)
			fail_msg("case %zu:\n got %s\nwant %s", i, b.data, canon_cases[i].want);
	}
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		stg_buf_reset(&b);
		assert_true(stg_buf_puts(&b, "keep"));
		if (stg_json_canonicalize(bad[i], strlen(bad[i]), &b))
			fail_msg("accepted bad JSON %s -> %s", bad[i], b.data);
		assert_string_equal(b.data, "keep");
	}
	/* nesting deeper than any payload is refused, not a stack overflow */
	{
		char deep[4002];

		memset(deep, '[', 2000);
		memset(deep + 2000, ']', 2000);
		deep[4000] = '\0';
		stg_buf_reset(&b);
		assert_false(stg_json_canonicalize(deep, 4000, &b));
	}
	stg_buf_done(&b);
}

/* ---- cid-vectors.json ---------------------------------------------------- */

static int
is_integer_literal(const char *s)
{
	if (*s == '-')
		s++;
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

static void
test_cid_vectors(void **state)
{
	cJSON *root = tst_load_json("fixtures/vectors/cid-vectors.json");
	const cJSON *vecs = cJSON_GetObjectItemCaseSensitive(root, "vectors"), *v;
	struct stg_buf b;
	int n = 0, n_sdk = 0, n_node = 0, n_int = 0, n_mis = 0, n_ascii = 0;

	(void)state;
	stg_buf_init(&b);
	assert_int_equal(cJSON_GetArraySize(vecs),
			 cJSON_GetObjectItemCaseSensitive(root, "count")->valueint);
	cJSON_ArrayForEach(v, vecs) {
		const char *name = tst_str(v, "name");
		const cJSON *fj = cJSON_GetObjectItemCaseSensitive(v, "fact");
		const cJSON *node = cJSON_GetObjectItemCaseSensitive(v, "node");
		const cJSON *agree = cJSON_GetObjectItemCaseSensitive(v, "agree");
		const char *canonical = tst_str(v, "canonical"), *cid = tst_str(v, "cid");
		struct stg_fact f;
		struct stg_cid_input in;
		struct stg_fact_cid_check chk;
		char scratch[STG_PYFLOAT_MAX], got[STG_HASH_MAX];

		n++;
		if (fj == NULL) {
			/* lone-surrogate case: only ASCII JSON text; must not crash */
			const char *txt = tst_str(v, "fact_json_ascii");
			cJSON *parsed;

			assert_non_null(txt);
			n_ascii++;
			stg_buf_reset(&b);
			(void)stg_json_canonicalize(txt, strlen(txt), &b);
			parsed = cJSON_Parse(txt);
			if (parsed != NULL) {
				fact_from_json(parsed, &f);
				if (f.entity && f.relation && f.source && f.scope && f.value.type_name)
					assert_true(stg_verify_fact_cid(&f, &chk));
				cJSON_Delete(parsed);
			}
			continue;
		}
		fact_from_json(fj, &f);
		stg_fact_cid_input(&f, &in, scratch);
		if (canonical != NULL) {
			stg_buf_reset(&b);
			assert_true(stg_cid_canonical(&in, &b));
			if (b.len != strlen(canonical) || memcmp(b.data, canonical, b.len) != 0)
				fail_msg("%s canonical:\n got %s\nwant %s", name, b.data, canonical);
			assert_true(stg_cid_compute(&in, got));
			if (strcmp(got, cid) != 0)
				fail_msg("%s cid: got %s want %s", name, got, cid);
			n_sdk++;
		}
		/* the node side: same fields, the stored value_v text */
		if (node != NULL && tst_str(node, "value_v") != NULL && tst_str(node, "cid") != NULL) {
			in.value_v = tst_str(node, "value_v");
			in.value_v_len = strlen(in.value_v);
			stg_buf_reset(&b);
			assert_true(stg_cid_canonical(&in, &b));
			if (strcmp(b.data, tst_str(node, "canonical")) != 0)
				fail_msg("%s node canonical:\n got %s\nwant %s", name, b.data,
					 tst_str(node, "canonical"));
			assert_true(stg_cid_compute(&in, got));
			assert_string_equal(got, tst_str(node, "cid"));
			n_node++;

			/* the verdict on the fact as a node returns it (stored cid = node.cid) */
			f.cid = tst_str(node, "cid");
			assert_true(stg_verify_fact_cid(&f, &chk));
			if (cJSON_IsTrue(agree)) {
				if (chk.verdict != STG_CID_VERIFIED)
					fail_msg("%s: verdict %s", name, stg_cid_verdict_name(chk.verdict));
			} else if (cJSON_IsFalse(agree)) {
				assert_string_equal(chk.computed_cid, cid);
				if (is_integer_literal(in.value_v)) {
					if (chk.verdict != STG_CID_VERIFIED_INTEGER_SPELLING)
						fail_msg("%s: verdict %s", name,
							 stg_cid_verdict_name(chk.verdict));
					assert_string_equal(chk.integer_cid, f.cid);
					n_int++;
				} else {
					assert_int_equal(chk.verdict, STG_CID_MISMATCH);
					n_mis++;
				}
			}
			/* the same fact with the cid blanked / value redacted */
			f.cid = NULL;
			assert_true(stg_verify_fact_cid(&f, &chk));
			assert_int_equal(chk.verdict, STG_CID_NO_CID);
			f.cid = tst_str(node, "cid");
			f.sanitizer_redacted = true;
			assert_true(stg_verify_fact_cid(&f, &chk));
			assert_int_equal(chk.verdict, STG_CID_UNVERIFIABLE_REDACTED);
		}
	}
	/* every vector was seen; the disagreement ones are all JSON integers here */
	assert_int_equal(n, 197);
	assert_int_equal(n_sdk + n_ascii, n);
	assert_int_equal(n_node, n);
	assert_int_equal(n_int + n_mis, 8);
	assert_int_equal(n_int, 8);
	stg_buf_done(&b);
	cJSON_Delete(root);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_worked_examples),
		cmocka_unit_test(test_worked_example_h_verdict),
		cmocka_unit_test(test_jcs_spelling_differs),
		cmocka_unit_test(test_chain_and_checkpoint_examples),
		cmocka_unit_test(test_pystring_escapes),
		cmocka_unit_test(test_pystring_differential),
		cmocka_unit_test(test_sha256_and_wellformed),
		cmocka_unit_test(test_value_v_with_nul_and_null),
		cmocka_unit_test(test_canonicalize),
		cmocka_unit_test(test_cid_vectors),
	};

	return cmocka_run_group_tests_name("cid", tests, NULL, NULL);
}
