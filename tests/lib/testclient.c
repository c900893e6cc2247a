/* tests/lib/testclient.c — client/responder glue for tests (see testclient.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <cmocka.h>

#include "testclient.h"

double
tst_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

struct stg_client *
tst_client_new(const char *url, const char *key, long timeout_ms, size_t cap)
{
	struct stg_client_options o;
	struct stg_error err;
	struct stg_client *c;

	stg_client_options_init(&o);
	o.base_url = url;
	o.api_key = key;
	o.timeout_ms = timeout_ms;
	o.connect_timeout_ms = 2000;
	o.max_response_bytes = cap;
	c = stg_client_new(&o, &err);
	if (c == NULL)
		fail_msg("stg_client_new: %s", err.detail);
	return c;
}

void
tst_add_fixture(struct responder *r, const char *name, int repeat)
{
	char path[1024];
	struct responder_step s = {0};

	assert_true(responder_fixture_path(name, path, sizeof path));
	s.fixture = path;
	s.repeat = repeat;
	assert_true(responder_add(r, &s));
}
