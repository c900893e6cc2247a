/* fuzz_sanitize.c — libFuzzer target for stg_text_sanitize() and the raw views.
 *
 * Input: 8 option bytes (max width, tab width, combining cap, flags, output
 * buffer size), then the text. Aborts when any output breaks the invariant
 * of stigmem/sanitize.h, checked here with an independent decoder:
 *   valid UTF-8, no NUL, no C0 (LF only in multi-line mode), DEL, C1, bidi
 *   or zero-width/invisible code point, every line <= max width;
 * and when the bounded and unbounded outputs disagree (the bounded one must
 * be a prefix, with the same counts), when report.width differs from
 * stg_text_width(), or when sanitizing the output again changes it. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stigmem/sanitize.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                     \
	do {                                                                            \
		if (!(cond)) {                                                          \
			fprintf(stderr, "fuzz_sanitize: check failed: %s (line %d)\n",  \
				#cond, __LINE__);                                       \
			abort();                                                        \
		}                                                                       \
	} while (0)

static bool
forbidden(uint32_t cp, bool multi)
{
	if (cp == '\n')
		return !multi;
	return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || cp == 0x061C ||
	       cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
	       (cp >= 0x2066 && cp <= 0x2069) || (cp >= 0x200B && cp <= 0x200D) ||
	       (cp >= 0x2060 && cp <= 0x2064) || cp == 0xFEFF || cp == 0x180E ||
	       (cp >= 0xE0000 && cp <= 0xE007F) || cp == 0x2028 || cp == 0x2029 ||
	       (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF;
}

static void
check_invariant(const char *s, size_t n, bool multi, size_t max_width)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k, need, line = 0;
	uint32_t cp;

	CHECK(strlen(s) == n);
	while (i < n) {
		unsigned char c = p[i];

		if (c < 0x80) {
			cp = c;
			need = 0;
		} else if (c >= 0xC2 && c <= 0xDF) {
			cp = c & 0x1F;
			need = 1;
		} else if (c >= 0xE0 && c <= 0xEF) {
			cp = c & 0x0F;
			need = 2;
		} else {
			CHECK(c >= 0xF0 && c <= 0xF4);
			cp = c & 0x07;
			need = 3;
		}
		CHECK(i + need < n);
		for (k = 1; k <= need; k++) {
			CHECK((p[i + k] & 0xC0) == 0x80);
			cp = (cp << 6) | (p[i + k] & 0x3F);
		}
		CHECK(!(need == 1 && cp < 0x80));
		CHECK(!(need == 2 && cp < 0x800));
		CHECK(!(need == 3 && cp < 0x10000));
		CHECK(!forbidden(cp, multi));
		if (cp == '\n') {
			CHECK(max_width == 0 || stg_text_width(s + line, i - line) <= max_width);
			line = i + 1;
		}
		i += need + 1;
	}
	CHECK(max_width == 0 || stg_text_width(s + line, n - line) <= max_width);
}

static bool
same_counts(const struct stg_text_report *a, const struct stg_text_report *b)
{
	return a->escapes == b->escapes && a->bidi == b->bidi && a->invisible == b->invisible &&
	       a->invalid == b->invalid && a->marks_dropped == b->marks_dropped;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct stg_text_opts o;
	struct stg_text_report r1, r2, r3;
	const char *text;
	size_t len, out_size, n, i;
	char *full, *again, *bounded;
	struct stg_buf b;
	bool multi;

	if (size < 8)
		return 0;
	memset(&o, 0, sizeof(o));
	o.max_width = data[0] % 4 == 0 ? 0 : data[1];
	o.tab_width = data[2];
	o.max_combining = data[3] % 24;
	o.flags = data[4] & 7;
	out_size = ((size_t)data[5] << 8 | data[6]) % 4096;
	text = (const char *)data + 8;
	len = size - 8;
	multi = (o.flags & STG_TEXT_MULTILINE) && !(o.flags & (STG_TEXT_LOG | STG_TEXT_CSV));

	full = stg_text_sanitize_dup(text, len, &o, &r1);
	CHECK(full != NULL);
	n = strlen(full);
	check_invariant(full, n, multi, o.max_width);
	CHECK(r1.width == stg_text_width(full, n));
	CHECK(!r1.truncated);

	/* Bounded output: a prefix of the full one, same counts. */
	bounded = malloc(out_size + 1);
	CHECK(bounded != NULL);
	i = stg_text_sanitize(text, len, &o, bounded, out_size, &r2);
	if (out_size > 0) {
		CHECK(i < out_size);
		CHECK(bounded[i] == '\0');
		check_invariant(bounded, i, multi, o.max_width);
		CHECK(i <= n && memcmp(bounded, full, i) == 0);
		CHECK(r2.width == stg_text_width(bounded, i));
	} else {
		CHECK(i == 0);
	}
	CHECK(r2.truncated == (i < n));
	CHECK(same_counts(&r1, &r2));
	free(bounded);

	/* Sanitized text is a fixed point. */
	again = stg_text_sanitize_dup(full, n, &o, &r3);
	CHECK(again != NULL);
	CHECK(strcmp(again, full) == 0);
	CHECK(stg_text_report_suspicious(&r3) == 0);
	CHECK(!r3.clipped && r3.width == r1.width && r3.lines == r1.lines);
	free(again);
	free(full);

	/* Log line, CSV cell, raw views. */
	stg_buf_init(&b);
	CHECK(stg_text_sanitize_log(&b, text, len));
	check_invariant(b.data, b.len, false, 0);
	stg_buf_reset(&b);
	CHECK(stg_text_csv_cell(&b, text, len));
	check_invariant(b.data, b.len, false, 0);
	CHECK(b.len >= 2 && b.data[0] == '"' && b.data[b.len - 1] == '"');
	CHECK(!(b.len > 2 && (b.data[1] == '=' || b.data[1] == '+' || b.data[1] == '-' ||
			      b.data[1] == '@')));
	stg_buf_reset(&b);
	CHECK(stg_text_escape_bytes(&b, text, len));
	for (i = 0; i < b.len; i++)
		CHECK(b.data[i] >= 0x20 && b.data[i] < 0x7F);
	stg_buf_reset(&b);
	CHECK(stg_text_escape_raw(&b, text, len));
	CHECK(b.len == 0 ? len == 0 : b.data[b.len - 1] == '\n');
	for (i = 0; i < b.len; i++)
		CHECK(b.data[i] == '\n' || (b.data[i] >= 0x20 && b.data[i] < 0x7F));
	stg_buf_done(&b);
	return 0;
}
