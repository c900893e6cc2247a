/* test_url.c — percent-encoding, URL host split, loopback detection,
 * query-string building and double rendering (src/core/url.c). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/http_internal.h"

static void
check_encode(const char *in, const char *want)
{
	struct stg_buf b;

	stg_buf_init(&b);
	assert_true(stg_url_encode(&b, in));
	assert_string_equal(b.data, want);
	stg_buf_done(&b);
}

static void
test_encode_reserved(void **state)
{
	(void)state;
	/* RFC 3986 unreserved kept verbatim */
	check_encode("AZaz09-._~", "AZaz09-._~");
	/* '+' must not reach the node raw (it would decode to a space, §1) */
	check_encode("2026-11-21T04:39:42.204835+00:00", "2026-11-21T04%3A39%3A42.204835%2B00%3A00");
	check_encode("a b", "a%20b");
	check_encode("ts|id", "ts%7Cid");
	check_encode("stigmem://acme.example/user/alice",
		     "stigmem%3A%2F%2Facme.example%2Fuser%2Falice");
	check_encode("sha256:ab", "sha256%3Aab");
	check_encode("%&=?#", "%25%26%3D%3F%23");
	check_encode("", "");
}

static void
test_encode_non_ascii(void **state)
{
	(void)state;
	/* UTF-8 bytes one by one, upper-case hex */
	check_encode("\xe6\x9d\xb1\xe4\xba\xac", "%E6%9D%B1%E4%BA%AC");     /* 東京 */
	check_encode("caf\xc3\xa9", "caf%C3%A9");
	check_encode("\x7f\x01", "%7F%01");
}

static void
test_split(void **state)
{
	char host[64];
	bool https = true;

	(void)state;
	assert_true(stg_url_split("http://LocalHost:8765/x", &https, host, sizeof host));
	assert_false(https);
	assert_string_equal(host, "localhost");
	assert_true(stg_url_split("https://user:pw@node.example", &https, host, sizeof host));
	assert_true(https);
	assert_string_equal(host, "node.example");
	assert_true(stg_url_split("http://[::1]:9/", &https, host, sizeof host));
	assert_string_equal(host, "::1");
	assert_true(stg_url_split("HTTP://127.0.0.1?x", &https, host, sizeof host));
	assert_string_equal(host, "127.0.0.1");
	assert_false(stg_url_split("ftp://example.org/", &https, host, sizeof host));
	assert_false(stg_url_split("http://", &https, host, sizeof host));
	assert_false(stg_url_split("http://:80/", &https, host, sizeof host));
	assert_false(stg_url_split("localhost:8765", &https, host, sizeof host));
	assert_false(stg_url_split("http://[::1/", &https, host, sizeof host));
}

static void
test_loopback(void **state)
{
	(void)state;
	assert_true(stg_url_host_is_loopback("localhost"));
	assert_true(stg_url_host_is_loopback("localhost."));
	assert_true(stg_url_host_is_loopback("127.0.0.1"));
	assert_true(stg_url_host_is_loopback("127.255.3.4"));
	assert_true(stg_url_host_is_loopback("::1"));
	assert_true(stg_url_host_is_loopback("::ffff:127.0.0.2"));
	assert_false(stg_url_host_is_loopback("128.0.0.1"));
	assert_false(stg_url_host_is_loopback("192.0.2.1"));
	assert_false(stg_url_host_is_loopback("::2"));
	assert_false(stg_url_host_is_loopback("::ffff:10.0.0.1"));
	assert_false(stg_url_host_is_loopback("localhost.example.com"));
	assert_false(stg_url_host_is_loopback("127.0.0.1.nip.io"));
	assert_false(stg_url_host_is_loopback(""));
}

static void
test_format_double(void **state)
{
	char out[40];

	(void)state;
	assert_true(stg_format_double(1.0, out, sizeof out));
	assert_string_equal(out, "1.0");
	assert_true(stg_format_double(0.0, out, sizeof out));
	assert_string_equal(out, "0.0");
	assert_true(stg_format_double(0.35, out, sizeof out));
	assert_string_equal(out, "0.35");
	assert_true(stg_format_double(0.1, out, sizeof out));
	assert_string_equal(out, "0.1");
	assert_true(stg_format_double(42.0, out, sizeof out));
	assert_string_equal(out, "42.0");
	assert_true(stg_format_double(1e-05, out, sizeof out));
	assert_string_equal(out, "1e-05");
	assert_true(stg_format_double(0.1 + 0.2, out, sizeof out));
	assert_string_equal(out, "0.30000000000000004");
	assert_false(stg_format_double(NAN, out, sizeof out));
	assert_false(stg_format_double(INFINITY, out, sizeof out));
}

static void
test_query_builder(void **state)
{
	struct stg_buf b;
	struct stg_query q;

	(void)state;
	stg_buf_init(&b);
	stg_buf_puts(&b, "/v1/x");
	q.b = &b;
	q.any = false;
	stg_query_str(&q, "a", NULL);
	stg_query_str(&q, "after", "2026-01-01T00:00:00+00:00");
	stg_query_int(&q, "limit", 500);
	stg_query_double(&q, "min_confidence", 0.5);
	stg_query_opt_bool(&q, "attested", STG_OPT_UNSET);
	stg_query_opt_bool(&q, "include_expired", STG_OPT_FALSE);
	stg_query_bool(&q, "refresh", true);
	assert_false(b.oom);
	assert_string_equal(b.data, "/v1/x?after=2026-01-01T00%3A00%3A00%2B00%3A00&limit=500"
				    "&min_confidence=0.5&include_expired=false&refresh=true");
	stg_buf_done(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode_reserved),
		cmocka_unit_test(test_encode_non_ascii),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_loopback),
		cmocka_unit_test(test_format_double),
		cmocka_unit_test(test_query_builder),
	};
	return cmocka_run_group_tests_name("url", tests, NULL, NULL);
}
