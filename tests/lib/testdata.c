/* tests/lib/testdata.c — test data loading (see testdata.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "stigmem/buf.h"
#include "testdata.h"

char *
tst_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct stg_buf b;
	char tmp[65536];
	size_t k;

	if (f == NULL)
		return NULL;
	stg_buf_init(&b);
	while ((k = fread(tmp, 1, sizeof tmp, f)) > 0)
		stg_buf_append(&b, tmp, k);
	fclose(f);
	if (len != NULL)
		*len = b.len;
	return stg_buf_take(&b);
}

char *
tst_read_shared(const char *rel, size_t *len)
{
	const char *dir = getenv("STG_SHARED_DIR");
	char path[1024];
	char *s;

	if (dir == NULL || dir[0] == '\0')
		fail_msg("STG_SHARED_DIR is not set");
	snprintf(path, sizeof path, "%s/%s", dir, rel);
	s = tst_read_file(path, len);
	if (s == NULL)
		fail_msg("cannot open %s", path);
	return s;
}

cJSON *
tst_load_json(const char *rel)
{
	char *s = tst_read_shared(rel, NULL);
	cJSON *j = cJSON_Parse(s);

	free(s);
	if (j == NULL)
		fail_msg("%s is not JSON", rel);
	return j;
}

char *
tst_read_fixture(const char *name, size_t *len)
{
	char rel[512];

	snprintf(rel, sizeof rel, "fixtures/reference-node/%s", name);
	return tst_read_shared(rel, len);
}

cJSON *
tst_fixture(const char *name)
{
	char rel[512];

	snprintf(rel, sizeof rel, "fixtures/reference-node/%s", name);
	return tst_load_json(rel);
}

const cJSON *
tst_jget(const cJSON *o, const char *k)
{
	return cJSON_GetObjectItemCaseSensitive(o, k);
}

const char *
tst_str(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

const char *
tst_jstr(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	if (!cJSON_IsString(v))
		fail_msg("member %s is not a string", k);
	return v->valuestring;
}

double
tst_jnum(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	if (!cJSON_IsNumber(v))
		fail_msg("member %s is not a number", k);
	return v->valuedouble;
}
