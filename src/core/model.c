/* model.c — value type names, request value constructors, HLC parsing. */
#include <stdint.h>
#include <string.h>

#include "stigmem/model.h"

static const char *const value_type_names[] = {
	[STG_VT_STRING] = "string",
	[STG_VT_TEXT] = "text",
	[STG_VT_NUMBER] = "number",
	[STG_VT_BOOLEAN] = "boolean",
	[STG_VT_DATETIME] = "datetime",
	[STG_VT_REF] = "ref",
	[STG_VT_NULL] = "null",
	[STG_VT_UNKNOWN] = "unknown",
};

const char *
stg_value_type_name(enum stg_value_type t)
{
	if ((unsigned)t > STG_VT_UNKNOWN)
		return "unknown";
	return value_type_names[t];
}

enum stg_value_type
stg_value_type_parse(const char *name)
{
	unsigned t;

	if (name == NULL)
		return STG_VT_UNKNOWN;
	for (t = 0; t < STG_VT_UNKNOWN; t++)
		if (strcmp(name, value_type_names[t]) == 0)
			return (enum stg_value_type)t;
	return STG_VT_UNKNOWN;
}

static struct stg_value
value_of(enum stg_value_type t)
{
	struct stg_value v;

	memset(&v, 0, sizeof v);
	v.type = t;
	v.type_name = value_type_names[t];
	v.interpret_as = STG_INTERPRET_CONTENT;
	return v;
}

static struct stg_value
value_str(enum stg_value_type t, const char *s)
{
	struct stg_value v = value_of(t);

	v.str = s;
	v.str_len = s != NULL ? strlen(s) : 0;
	v.is_null = s == NULL;
	return v;
}

struct stg_value
stg_value_string(const char *s)
{
	return value_str(STG_VT_STRING, s);
}

struct stg_value
stg_value_text(const char *s)
{
	return value_str(STG_VT_TEXT, s);
}

struct stg_value
stg_value_number(double x)
{
	struct stg_value v = value_of(STG_VT_NUMBER);

	v.num = x;
	return v;
}

struct stg_value
stg_value_boolean(bool b)
{
	struct stg_value v = value_of(STG_VT_BOOLEAN);

	v.boolean = b;
	return v;
}

struct stg_value
stg_value_datetime(const char *iso8601)
{
	return value_str(STG_VT_DATETIME, iso8601);
}

struct stg_value
stg_value_ref(const char *uri)
{
	return value_str(STG_VT_REF, uri);
}

struct stg_value
stg_value_null(void)
{
	struct stg_value v = value_of(STG_VT_NULL);

	v.is_null = true;
	return v;
}

/* Decimal digits into *out; false on empty, non-digit or overflow. */
static bool
parse_u64(const char *s, size_t n, uint64_t *out)
{
	uint64_t x = 0;
	size_t i;

	if (n == 0)
		return false;
	for (i = 0; i < n; i++) {
		unsigned d = (unsigned char)s[i] - '0';

		if (d > 9)
			return false;
		if (x > (UINT64_MAX - d) / 10)
			return false;
		x = x * 10 + d;
	}
	*out = x;
	return true;
}

bool
stg_hlc_parse(const char *hlc, uint64_t *wall_ms, uint64_t *counter)
{
	const char *dot;
	uint64_t w, c;

	if (hlc == NULL)
		return false;
	dot = strchr(hlc, '.');
	if (dot == NULL)
		return false;
	if (!parse_u64(hlc, (size_t)(dot - hlc), &w) ||
	    !parse_u64(dot + 1, strlen(dot + 1), &c))
		return false;
	if (wall_ms != NULL)
		*wall_ms = w;
	if (counter != NULL)
		*counter = c;
	return true;
}

int
stg_hlc_compare(const char *a, const char *b)
{
	uint64_t aw, ac, bw, bc;
	bool av = stg_hlc_parse(a, &aw, &ac);
	bool bv = stg_hlc_parse(b, &bw, &bc);

	if (!av || !bv)
		return (int)av - (int)bv;
	if (aw != bw)
		return aw < bw ? -1 : 1;
	if (ac != bc)
		return ac < bc ? -1 : 1;
	return 0;
}
