/* value_editor.c — parsing and validation for the typed value editor. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/value_editor.h"

static const char *const type_names[UI_VALUE_TYPES] = {"string",   "text", "number", "boolean",
						       "datetime", "ref",  "null"};

const char *
ui_value_type_name(int t)
{
	return t >= 0 && t < UI_VALUE_TYPES ? type_names[t] : "";
}

static bool
valid_datetime(const char *s)
{
	static const char pat[] = "dddd-dd-ddTdd:dd:dd";
	size_t i;
	for (i = 0; pat[i]; i++) {
		if (pat[i] == 'd' ? !isdigit((unsigned char)s[i]) : s[i] != pat[i])
			return false;
	}
	s += i;
	if (*s == '.') {
		s++;
		if (!isdigit((unsigned char)*s))
			return false;
		while (isdigit((unsigned char)*s))
			s++;
	}
	if (*s == 'Z')
		return s[1] == '\0';
	if (*s == '+' || *s == '-')
		return isdigit((unsigned char)s[1]) && isdigit((unsigned char)s[2]) && s[3] == ':' &&
		       isdigit((unsigned char)s[4]) && isdigit((unsigned char)s[5]) && s[6] == '\0';
	return *s == '\0';
}

bool
ui_value_parse(int t, const char *s, struct stg_value *out, char *why, size_t why_size)
{
	if (why_size)
		why[0] = '\0';
	if (s == NULL)
		s = "";
	switch (t) {
	case 0:
		*out = stg_value_string(s);
		return true;
	case 1:
		*out = stg_value_text(s);
		return true;
	case 2: {
		char *end;
		double x = strtod(s, &end);
		if (*s == '\0' || isspace((unsigned char)*s) || *end != '\0' || !isfinite(x)) {
			snprintf(why, why_size, "a number value needs a finite decimal number");
			return false;
		}
		*out = stg_value_number(x);
		return true;
	}
	case 3:
		if (strcmp(s, "true") != 0 && strcmp(s, "false") != 0) {
			snprintf(why, why_size, "a boolean value is true or false");
			return false;
		}
		*out = stg_value_boolean(s[0] == 't');
		return true;
	case 4:
		if (!valid_datetime(s)) {
			snprintf(why, why_size,
				 "a datetime is ISO 8601: YYYY-MM-DDTHH:MM:SS[.f][Z|+HH:MM]");
			return false;
		}
		*out = stg_value_datetime(s);
		return true;
	case 5:
		if (strstr(s, "://") == NULL && strncmp(s, "urn:", 4) != 0) {
			snprintf(why, why_size, "a ref value must be a URI with :// or urn:");
			return false;
		}
		*out = stg_value_ref(s);
		return true;
	case 6:
		if (*s != '\0') {
			snprintf(why, why_size, "a null value takes no text");
			return false;
		}
		*out = stg_value_null();
		return true;
	default:
		snprintf(why, why_size, "unknown value type");
		return false;
	}
}
