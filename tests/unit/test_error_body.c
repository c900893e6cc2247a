/* test_error_body.c — stg_decode_error_body over every error shape of §1.1:
 * string detail, {code, message, …extra}, 422 lists, 429 quota + Retry-After,
 * text/plain, empty and garbage bodies; bounds and truncation. Bodies are
 * passed in exact-size heap buffers without a NUL so reading past len
 * shows up under ASan. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "stigmem/codec.h"

/* Decode `body` (copied to an unterminated buffer of exactly len bytes). */
static void
decode(long status, const char *body, size_t len, const char *retry, struct stg_error *err)
{
	char *copy = malloc(len ? len : 1);

	assert_non_null(copy);
	memcpy(copy, body, len);
	memset(err, 0x5a, sizeof *err); /* must be fully reset */
	stg_decode_error_body(status, copy, len, retry, err);
	free(copy);
	assert_non_null(memchr(err->detail, '\0', sizeof err->detail));
	assert_non_null(memchr(err->code, '\0', sizeof err->code));
	assert_int_equal(err->http_status, status);
}

#define DEC(status, lit, retry, err) decode(status, lit, strlen(lit), retry, err)

static void
test_string_detail(void **state)
{
	struct stg_error e;

	(void)state;
	DEC(404, "{\"detail\":\"fact not found\"}", NULL, &e);
	assert_int_equal(e.status, STG_ERR_NOT_FOUND);
	assert_string_equal(e.detail, "fact not found");
	assert_string_equal(e.code, "");
	assert_string_equal(e.where, "");
	assert_true(e.retry_after == 0);
	DEC(401, "{\"detail\":\"Authorization header required\"}", NULL, &e);
	assert_int_equal(e.status, STG_ERR_AUTH);
	DEC(403, "{\"detail\":\"write permission required\"}", NULL, &e);
	assert_int_equal(e.status, STG_ERR_AUTH);
	DEC(409, "{\"detail\":\"conflict already resolved\"}", NULL, &e);
	assert_int_equal(e.status, STG_ERR_CONFLICT);
	DEC(400, "{\"detail\":\"invalid_entity_uri: empty\"}", NULL, &e);
	assert_int_equal(e.status, STG_ERR_HTTP);
	assert_string_equal(e.detail, "invalid_entity_uri: empty");
	DEC(501, "{\"detail\":{\"code\":\"time_travel_plugin_not_loaded\",\"message\":\"as_of needs the plugin\"}}",
	    NULL, &e);
	assert_int_equal(e.status, STG_ERR_SERVER);
	assert_string_equal(e.code, "time_travel_plugin_not_loaded");
	assert_string_equal(e.detail, "as_of needs the plugin");
}

static void
test_object_detail_extras(void **state)
{
	struct stg_error e;

	(void)state;
	DEC(409,
	    "{\"detail\":{\"code\":\"fact_chain_mismatch\",\"message\":\"fact chain verification failed\","
	    "\"mismatch_reason\":\"event_hash_mismatch\",\"fact_id\":\"0d09c378\",\"chain_seq\":7}}",
	    NULL, &e);
	assert_int_equal(e.status, STG_ERR_CONFLICT);
	assert_string_equal(e.code, "fact_chain_mismatch");
	assert_string_equal(e.detail,
			    "fact chain verification failed (mismatch_reason: event_hash_mismatch, "
			    "fact_id: 0d09c378, chain_seq: 7)");
	DEC(403,
	    "{\"detail\":{\"code\":\"feedback_loop_provenance_required\",\"message\":\"m\","
	    "\"session_id\":\"s1\",\"scope\":\"team\"}}",
	    NULL, &e);
	assert_string_equal(e.detail, "m (session_id: s1, scope: team)");
	/* No message: the code stands in. */
	DEC(400, "{\"detail\":{\"code\":\"invalid_cursor\"}}", NULL, &e);
	assert_string_equal(e.detail, "invalid_cursor");
	assert_string_equal(e.code, "invalid_cursor");
	/* A code longer than the field is cut, still terminated. */
	{
		char body[400];

		memset(body, 0, sizeof body);
		strcpy(body, "{\"detail\":{\"code\":\"");
		memset(body + strlen(body), 'c', 200);
		strcat(body, "\",\"message\":\"x\"}}");
		DEC(400, body, NULL, &e);
		assert_int_equal(strlen(e.code), STG_ERROR_CODE_MAX - 1);
	}
}

static void
test_422_list(void **state)
{
	struct stg_error e;

	(void)state;
	DEC(422,
	    "{\"detail\":[\n"
	    "{\"type\":\"less_than_equal\",\"loc\":[\"body\",\"confidence\"],\"msg\":\"Input should be less than or equal to 1\",\"input\":1.5,\"ctx\":{\"le\":1.0}},\n"
	    "{\"type\":\"value_error\",\"loc\":[\"body\",\"scope\"],\"msg\":\"Value error, scope must be one of {...}\",\"input\":\"universe\",\"ctx\":{\"error\":{}}},\n"
	    "{\"type\":\"missing\",\"loc\":[\"body\",\"entity\"],\"msg\":\"Field required\",\"input\":{\"relation\":\"memory:role\"}},\n"
	    "{\"type\":\"less_than_equal\",\"loc\":[\"query\",\"limit\"],\"msg\":\"Input should be less than or equal to 500\",\"input\":\"1000\",\"ctx\":{\"le\":500}},\n"
	    "{\"type\":\"json_invalid\",\"loc\":[\"body\",17],\"msg\":\"JSON decode error\",\"input\":{},\"ctx\":{\"error\":\"Expecting value\"}}\n"
	    "]}",
	    NULL, &e);
	assert_int_equal(e.status, STG_ERR_HTTP);
	assert_string_equal(e.detail,
			    "body.confidence: Input should be less than or equal to 1; "
			    "body.scope: Value error, scope must be one of {...}; "
			    "body.entity: Field required; "
			    "query.limit: Input should be less than or equal to 500; "
			    "body.17: JSON decode error");
	/* 422 with a string detail (resolve without a winner). */
	DEC(422, "{\"detail\":\"provide winning_fact_id or new_value\"}", NULL, &e);
	assert_string_equal(e.detail, "provide winning_fact_id or new_value");
	/* Items without loc. */
	DEC(422, "{\"detail\":[{\"msg\":\"bad\"},\"odd\"]}", NULL, &e);
	assert_string_equal(e.detail, "bad; odd");
}

static void
test_429(void **state)
{
	struct stg_error e;

	(void)state;
	DEC(429,
	    "{\"error\":\"quota_exceeded\",\"dimension\":\"fact_read\",\"principal\":\"agent:x\","
	    "\"retry_after\":12.5}",
	    "13", &e);
	assert_int_equal(e.status, STG_ERR_RATE_LIMITED);
	assert_string_equal(e.code, "quota_exceeded");
	assert_true(e.retry_after == 12.5);
	assert_string_equal(e.detail,
			    "quota_exceeded (dimension: fact_read, principal: agent:x, retry_after: 12.5)");
	DEC(429, "{\"error\":\"quota_exceeded\",\"retry_after\":0.1}", NULL, &e);
	assert_string_equal(e.detail, "quota_exceeded (retry_after: 0.1)");
	assert_true(e.retry_after == 0.1);
	/* Header only. */
	DEC(429, "", "7", &e);
	assert_true(e.retry_after == 7.0);
	assert_string_equal(e.detail, "Too Many Requests");
	DEC(429, "{\"error\":\"quota_exceeded\"}", " 3", &e);
	assert_true(e.retry_after == 3.0);
	/* An HTTP-date header is not a number: 0. */
	DEC(429, "", "Wed, 21 Oct 2026 07:28:00 GMT", &e);
	assert_true(e.retry_after == 0);
	/* retry_after is only read for 429 (and 503). */
	DEC(400, "{\"detail\":\"x\",\"retry_after\":5}", "9", &e);
	assert_true(e.retry_after == 0);
}

static void
test_text_empty_garbage(void **state)
{
	struct stg_error e;

	(void)state;
	DEC(500, "Internal Server Error", NULL, &e);
	assert_int_equal(e.status, STG_ERR_SERVER);
	assert_string_equal(e.detail, "Internal Server Error");
	DEC(502, "", NULL, &e);
	assert_string_equal(e.detail, "Bad Gateway");
	DEC(418, "", NULL, &e);
	assert_int_equal(e.status, STG_ERR_HTTP);
	assert_string_equal(e.detail, "HTTP 418");
	DEC(503, "\r\n  \n<html>\n<body>upstream down</body>", NULL, &e);
	assert_string_equal(e.detail, "<html>");
	DEC(500, "{\"detail\":", NULL, &e);
	assert_string_equal(e.detail, "{\"detail\":");
	DEC(500, "{\"detail\":null}", NULL, &e);
	assert_string_equal(e.detail, "Internal Server Error");
	DEC(404, "{\"other\":1}", NULL, &e);
	assert_string_equal(e.detail, "{\"other\":1}");
	DEC(400, "\"just a string\"", NULL, &e);
	assert_string_equal(e.detail, "just a string");
	/* An embedded NUL ends the text; bytes past len are never read. */
	decode(500, "Bad\0thing", 9, NULL, &e);
	assert_string_equal(e.detail, "Bad");
	decode(500, "Internal Server Error", 8, NULL, &e);
	assert_string_equal(e.detail, "Internal");
	decode(404, "{\"detail\":\"fact not found\"}", 20, NULL, &e);
	assert_string_equal(e.detail, "{\"detail\":\"fact not");
	/* NULL body / NULL err. */
	stg_decode_error_body(404, NULL, 0, NULL, &e);
	assert_string_equal(e.detail, "Not Found");
	stg_decode_error_body(404, "x", 1, NULL, NULL);
	/* A 2xx/3xx passed by mistake still yields an error status. */
	DEC(302, "", NULL, &e);
	assert_int_equal(e.status, STG_ERR_HTTP);
}

static void
test_truncation(void **state)
{
	struct stg_error e;
	size_t n = 5000, i, len;
	char *body = malloc(n * 3 + 32);
	char *p;

	(void)state;
	assert_non_null(body);
	p = body + sprintf(body, "{\"detail\":\"");
	for (i = 0; i < n; i++) {
		memcpy(p, "\xe6\x9d\xb1", 3); /* 東, three bytes */
		p += 3;
	}
	strcpy(p, "\"}");
	decode(400, body, strlen(body), NULL, &e);
	len = strlen(e.detail);
	assert_true(len <= STG_ERROR_DETAIL_MAX - 1);
	assert_true(len >= STG_ERROR_DETAIL_MAX - 4);
	assert_int_equal(len % 3, 0); /* no split sequence */
	/* Plain text longer than the field. */
	memset(body, 'x', n);
	decode(500, body, n, NULL, &e);
	assert_int_equal(strlen(e.detail), STG_ERROR_DETAIL_MAX - 1);
	free(body);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_string_detail),
		cmocka_unit_test(test_object_detail_extras),
		cmocka_unit_test(test_422_list),
		cmocka_unit_test(test_429),
		cmocka_unit_test(test_text_empty_garbage),
		cmocka_unit_test(test_truncation),
	};

	return cmocka_run_group_tests_name("error_body", tests, NULL, NULL);
}
