/* ui/value_editor.h — the typed value editor's parser: text typed by the
 * operator turned into a struct stg_value of one of the seven value types
 * (§3.2), validated like the node would before anything is sent. */
#ifndef UI_VALUE_EDITOR_H
#define UI_VALUE_EDITOR_H

#include <stdbool.h>
#include <stddef.h>

#include "stigmem/model.h"

/* The editor's types, in order: string, text, number, boolean, datetime,
 * ref, null. */
#define UI_VALUE_TYPES 7

/* Wire name of editor type `t` ("string"…"null"); "" when out of range.
 * Static string. */
const char *ui_value_type_name(int t);

/* Parse `text` (UTF-8, borrowed) as editor type `t` into *out. String
 * payloads of *out borrow `text`, which must outlive the value's use.
 * Rules: string/text take any text; number a finite decimal (strtod,
 * whole text); boolean exactly "true" or "false"; datetime ISO 8601
 * YYYY-MM-DDTHH:MM:SS[.f][Z|±HH:MM]; ref a URI with "://" or a "urn:"
 * prefix (the node blanks informal refs on read); null only empty text.
 * Returns false with a one-line reason in why (always NUL-terminated). */
bool ui_value_parse(int t, const char *text, struct stg_value *out, char *why, size_t why_size);

#endif
