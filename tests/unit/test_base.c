/* test_base.c — arena, buffer and status/error record. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "stigmem/stigmem.h"

static void
test_arena_alloc_zeroed_aligned(void **state)
{
	struct stg_arena a;
	unsigned char *p;
	size_t i, n;

	(void)state;
	stg_arena_init(&a);
	for (n = 0; n < 5000; n += 37) {
		p = stg_arena_alloc(&a, n);
		assert_non_null(p);
		assert_int_equal((uintptr_t)p % 16, 0);
		for (i = 0; i < n; i++)
			assert_int_equal(p[i], 0);
		memset(p, 0xab, n);
	}
	/* A block larger than a chunk gets its own chunk. */
	p = stg_arena_alloc(&a, 3u * 1024u * 1024u);
	assert_non_null(p);
	assert_int_equal(p[3u * 1024u * 1024u - 1], 0);
	assert_null(stg_arena_alloc(&a, SIZE_MAX - 3));
	assert_null(stg_arena_calloc(&a, SIZE_MAX / 2, 4));
	stg_arena_done(&a);
	stg_arena_done(NULL);
}

static void
test_arena_strings(void **state)
{
	struct stg_arena a;
	char *s;

	(void)state;
	stg_arena_init(&a);
	s = stg_arena_strdup(&a, "entity");
	assert_string_equal(s, "entity");
	s = stg_arena_strndup(&a, "a\0b", 3);
	assert_memory_equal(s, "a\0b\0", 4);
	assert_null(stg_arena_strdup(&a, NULL));
	stg_arena_done(&a);
}

static void
test_buf(void **state)
{
	struct stg_buf b;
	char *s;
	int i;

	(void)state;
	stg_buf_init(&b);
	for (i = 0; i < 1000; i++)
		assert_true(stg_buf_printf(&b, "%d,", i));
	assert_int_equal(strncmp(b.data, "0,1,2,", 6), 0);
	assert_int_equal(b.data[b.len], '\0');
	stg_buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_true(stg_buf_puts(&b, "x"));
	assert_true(stg_buf_putc(&b, 'y'));
	s = stg_buf_take(&b);
	assert_string_equal(s, "xy");
	assert_null(b.data);
	free(s);
	stg_buf_done(&b);
}

static void
test_status(void **state)
{
	struct stg_error e;

	(void)state;
	stg_error_clear(&e);
	assert_int_equal(e.status, STG_OK);
	assert_int_equal(stg_error_set(&e, STG_ERR_DECODE, "bad %s", "field"), STG_ERR_DECODE);
	assert_string_equal(e.detail, "bad field");
	assert_string_equal(stg_status_name(STG_ERR_AUTH), "STG_ERR_AUTH");
	assert_string_equal(stg_status_message(STG_OK), "ok");
	assert_string_equal(stg_status_message((enum stg_status)999), "unknown status");
	assert_int_equal(stg_status_from_http(401), STG_ERR_AUTH);
	assert_int_equal(stg_status_from_http(403), STG_ERR_AUTH);
	assert_int_equal(stg_status_from_http(404), STG_ERR_NOT_FOUND);
	assert_int_equal(stg_status_from_http(409), STG_ERR_CONFLICT);
	assert_int_equal(stg_status_from_http(429), STG_ERR_RATE_LIMITED);
	assert_int_equal(stg_status_from_http(422), STG_ERR_HTTP);
	assert_int_equal(stg_status_from_http(500), STG_ERR_SERVER);
	assert_int_equal(stg_status_from_http(200), STG_OK);
	/* Long details are truncated, never overflow. */
	char big[4000];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	stg_error_set(&e, STG_ERR_HTTP, "%s", big);
	assert_int_equal(strlen(e.detail), STG_ERROR_DETAIL_MAX - 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arena_alloc_zeroed_aligned),
		cmocka_unit_test(test_arena_strings),
		cmocka_unit_test(test_buf),
		cmocka_unit_test(test_status),
	};
	return cmocka_run_group_tests_name("base", tests, NULL, NULL);
}
