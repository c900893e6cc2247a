/* test_value_editor.c — the typed value editor's parser (ui/value_editor.h):
 * each of the seven types accepts its valid spellings and refuses the
 * rest before anything is sent, and a parsed value produces the exact
 * resolve body (§7.2) the confirmation shows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "stigmem/client.h"
#include "ui/value_editor.h"

enum { T_STRING, T_TEXT, T_NUMBER, T_BOOLEAN, T_DATETIME, T_REF, T_NULL };

static void
accept(int t, const char *text, struct stg_value *out)
{
	char why[128] = "unset";
	if (!ui_value_parse(t, text, out, why, sizeof(why)))
		fail_msg("type %s refused '%s': %s", ui_value_type_name(t), text, why);
	assert_string_equal(why, "");
}

static void
refuse(int t, const char *text, const char *reason_part)
{
	struct stg_value v;
	char why[128] = "";
	if (ui_value_parse(t, text, &v, why, sizeof(why)))
		fail_msg("type %s accepted '%s'", ui_value_type_name(t), text);
	assert_non_null(strstr(why, reason_part));
}

static void
test_type_names(void **state)
{
	(void)state;
	static const char *const want[] = {"string",   "text", "number", "boolean",
					   "datetime", "ref",  "null"};
	assert_int_equal(UI_VALUE_TYPES, 7);
	for (int t = 0; t < UI_VALUE_TYPES; t++)
		assert_string_equal(ui_value_type_name(t), want[t]);
	assert_string_equal(ui_value_type_name(7), "");
	assert_string_equal(ui_value_type_name(-1), "");
}

static void
test_strings(void **state)
{
	(void)state;
	struct stg_value v;
	accept(T_STRING, "settled by the operator", &v);
	assert_int_equal(v.type, STG_VT_STRING);
	assert_string_equal(v.str, "settled by the operator");
	accept(T_STRING, "", &v);
	assert_string_equal(v.str, "");
	accept(T_TEXT, "a longer\ttext", &v);
	assert_int_equal(v.type, STG_VT_TEXT);
}

static void
test_numbers(void **state)
{
	(void)state;
	struct stg_value v;
	accept(T_NUMBER, "42", &v);
	assert_int_equal(v.type, STG_VT_NUMBER);
	assert_true(v.num == 42.0);
	accept(T_NUMBER, "-0.25", &v);
	assert_true(v.num == -0.25);
	accept(T_NUMBER, "1e3", &v);
	assert_true(v.num == 1000.0);
	refuse(T_NUMBER, "many", "finite decimal");
	refuse(T_NUMBER, "", "finite decimal");
	refuse(T_NUMBER, "42x", "finite decimal");
	refuse(T_NUMBER, " 42", "finite decimal");
	refuse(T_NUMBER, "inf", "finite decimal");
	refuse(T_NUMBER, "nan", "finite decimal");
	refuse(T_NUMBER, "1e999", "finite decimal");
}

static void
test_booleans(void **state)
{
	(void)state;
	struct stg_value v;
	accept(T_BOOLEAN, "true", &v);
	assert_int_equal(v.type, STG_VT_BOOLEAN);
	assert_true(v.boolean);
	accept(T_BOOLEAN, "false", &v);
	assert_false(v.boolean);
	refuse(T_BOOLEAN, "yes", "true or false");
	refuse(T_BOOLEAN, "True", "true or false");
	refuse(T_BOOLEAN, "", "true or false");
}

static void
test_datetimes(void **state)
{
	(void)state;
	struct stg_value v;
	accept(T_DATETIME, "2026-11-21T06:12:36", &v);
	assert_int_equal(v.type, STG_VT_DATETIME);
	accept(T_DATETIME, "2026-11-21T06:12:36Z", &v);
	accept(T_DATETIME, "2026-11-21T06:12:36.935448+00:00", &v);
	accept(T_DATETIME, "2026-11-21T06:12:36-05:30", &v);
	refuse(T_DATETIME, "2026-11-21", "ISO 8601");
	refuse(T_DATETIME, "2026-11-21 06:12:36", "ISO 8601");
	refuse(T_DATETIME, "2026-11-21T06:12:36.", "ISO 8601");
	refuse(T_DATETIME, "2026-11-21T06:12:36+0000", "ISO 8601");
	refuse(T_DATETIME, "2026-11-21T06:12:36Zjunk", "ISO 8601");
	refuse(T_DATETIME, "yesterday", "ISO 8601");
}

static void
test_refs_and_null(void **state)
{
	(void)state;
	struct stg_value v;
	accept(T_REF, "stigmem://acme.example/user/bob-ng", &v);
	assert_int_equal(v.type, STG_VT_REF);
	accept(T_REF, "urn:isbn:0451450523", &v);
	refuse(T_REF, "user:bob", "URI");
	refuse(T_REF, "", "URI");
	accept(T_NULL, "", &v);
	assert_int_equal(v.type, STG_VT_NULL);
	refuse(T_NULL, "x", "no text");
	refuse(42, "", "unknown");
}

/* The exact body the confirmation shows for a typed value and a note. */
static void
test_resolve_body(void **state)
{
	(void)state;
	struct stg_value v;
	struct stg_error err;
	size_t len = 0;
	accept(T_NUMBER, "42", &v);
	struct stg_resolve_params rp = {
		.conflict_id = "stigmem:conflict:30615840-00f8-4e9b-aa44-3bf3e666fd18",
		.new_value = &v,
		.resolution_note = "checked",
	};
	stg_error_clear(&err);
	struct stg_request *r = stg_request_resolve(&rp, &err);
	assert_non_null(r);
	assert_int_equal(stg_request_method(r), STG_METHOD_POST);
	assert_string_equal(stg_request_target(r),
			    "/v1/conflicts/stigmem%3Aconflict%3A30615840-00f8-4e9b-aa44-3bf3e666fd18"
			    "/resolve");
	const char *body = stg_request_body(r, &len);
	assert_non_null(body);
	assert_string_equal(body,
			    "{\"new_value\":{\"type\":\"number\",\"v\":42.0},\"resolution_note\":\"checked\"}");
	stg_request_free(r);

	accept(T_REF, "urn:x:1", &v);
	rp.resolution_note = NULL;
	r = stg_request_resolve(&rp, &err);
	assert_non_null(r);
	assert_string_equal(stg_request_body(r, &len),
			    "{\"new_value\":{\"type\":\"ref\",\"v\":\"urn:x:1\"}}");
	stg_request_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_type_names),   cmocka_unit_test(test_strings),
		cmocka_unit_test(test_numbers),      cmocka_unit_test(test_booleans),
		cmocka_unit_test(test_datetimes),    cmocka_unit_test(test_refs_and_null),
		cmocka_unit_test(test_resolve_body),
	};
	return cmocka_run_group_tests_name("value_editor", tests, NULL, NULL);
}
