/* tests/lib/testdata.h — reading test data for the cmocka suites: whole
 * files, files under $STG_SHARED_DIR (fixtures, vectors) parsed as JSON, and
 * small cJSON accessors.
 *
 * Failure: the functions documented as "fails the test" call cmocka's
 * fail_msg()/assert_*() and so may only be called from inside a running
 * cmocka test, setup or teardown (include <cmocka.h> in the test file).
 *
 * Ownership: returned `char *` is heap memory the caller free()s; returned
 * `cJSON *` is a tree the caller cJSON_Delete()s; returned `const` pointers
 * borrow from the object passed in and live as long as it does. */
#ifndef STIGMEM_TESTS_TESTDATA_H
#define STIGMEM_TESTS_TESTDATA_H

#include <stddef.h>

#include <cjson/cJSON.h>

/* The whole file at `path` as a NUL-terminated heap string (caller frees);
 * *len (when len is not NULL) gets its length. NULL when the file cannot be
 * opened or memory runs out; never fails the test. */
char *tst_read_file(const char *path, size_t *len);

/* The whole file "$STG_SHARED_DIR/<rel>" (caller frees); *len (when len is
 * not NULL) gets its length. Fails the test when STG_SHARED_DIR is unset or
 * empty or the file cannot be read. */
char *tst_read_shared(const char *rel, size_t *len);

/* The raw text of the reference-node recording
 * "$STG_SHARED_DIR/fixtures/reference-node/<name>" (caller frees); *len
 * (when len is not NULL) gets its length. Fails the test as tst_read_shared. */
char *tst_read_fixture(const char *name, size_t *len);

/* "$STG_SHARED_DIR/<rel>" parsed as JSON (caller cJSON_Delete()s). Fails
 * the test when the file is missing or not JSON. */
cJSON *tst_load_json(const char *rel);

/* The reference-node recording "$STG_SHARED_DIR/fixtures/reference-node/<name>"
 * parsed as JSON (caller cJSON_Delete()s). Fails the test when missing or
 * not JSON. */
cJSON *tst_fixture(const char *name);

/* Member `k` of object `o` (borrowed from o), NULL when absent or o is NULL. */
const cJSON *tst_jget(const cJSON *o, const char *k);

/* Member `k` as a string (borrowed from o); NULL when absent or not a
 * string — never fails the test. */
const char *tst_str(const cJSON *o, const char *k);

/* Member `k` as a string (borrowed from o); fails the test when it is
 * absent or not a string. */
const char *tst_jstr(const cJSON *o, const char *k);

/* Member `k` as a number; fails the test when absent or not a number. */
double tst_jnum(const cJSON *o, const char *k);

#endif
