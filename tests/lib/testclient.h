/* tests/lib/testclient.h — glue between libstigmem clients and the scripted
 * responder (responder.h) for the client and async test suites.
 *
 * Failure: functions documented as "fails the test" call cmocka's
 * fail_msg()/assert_*(); call them only from a running cmocka test, setup or
 * teardown. */
#ifndef STIGMEM_TESTS_TESTCLIENT_H
#define STIGMEM_TESTS_TESTCLIENT_H

#include <stddef.h>

#include "responder.h"
#include "stigmem/client.h"

/* Milliseconds on CLOCK_MONOTONIC. */
double tst_now_ms(void);

/* A client for base URL `url` with API key `key` (both borrowed for the
 * call; NULL key: none), request timeout timeout_ms, connect timeout 2 s and
 * body cap `cap` (0: the library default). Caller stg_client_free()s. Fails
 * the test when stg_client_new() refuses. */
struct stg_client *tst_client_new(const char *url, const char *key, long timeout_ms, size_t cap);

/* Script r to answer `repeat` requests (0 or 1: one) with the recorded
 * reference-node fixture `name` (its status, headers and raw body). Fails the
 * test when the fixture is missing or r refuses the step. */
void tst_add_fixture(struct responder *r, const char *name, int repeat);

#endif
