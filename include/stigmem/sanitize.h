/* stigmem/sanitize.h — the one choke point for node text on its way to a
 * terminal, a log line or a CSV cell; display widths; the raw-bytes view.
 *
 * Everything here is pure: no globals, no locale, no allocation except into
 * a caller's struct stg_buf or a returned heap string. Widths come from a
 * built-in table (Unicode 14.0 General_Category and East_Asian_Width), so
 * results are the same under every locale.
 *
 * Rules of stg_text_sanitize() (in input order; nothing is dropped silently):
 *   - Input is raw bytes and may hold NUL. Ill-formed UTF-8 becomes U+FFFD,
 *     one per maximal ill-formed subpart (overlongs, encoded surrogates,
 *     code points above U+10FFFF, truncated sequences, stray continuation
 *     bytes, 0xC0/0xC1/0xF5..0xFF). All later rules act on code points.
 *   - Escape tokens (plain ASCII; counted in report.escapes):
 *       C0 U+0000..U+001F  -> caret notation "^@" .. "^_"  (ESC "^[", CR "^M",
 *                             BEL "^G", LF "^J" unless STG_TEXT_MULTILINE)
 *       DEL U+007F         -> "^?"
 *       C1 U+0080..U+009F  -> "\u{80}" .. "\u{9f}"  (two lowercase hex digits)
 *     TAB is not an escape: it becomes spaces up to the next multiple of
 *     tab_width, counted from the start of the output line.
 *   - Markers (plain ASCII "<U+XXXX>", 4..6 uppercase hex digits):
 *       bidi controls U+061C, U+200E, U+200F, U+202A..U+202E, U+2066..U+2069
 *         (report.bidi);
 *       invisible characters (report.invisible): every format character
 *         (General_Category Cf: U+00AD, U+200B..U+200D, U+2060..U+2064,
 *         U+FEFF, U+180E, tags U+E0000..U+E007F, ...), the fillers U+115F,
 *         U+1160, U+3164, U+FFA0, U+034F, U+17B4, U+17B5, U+180B..U+180F,
 *         unassigned default-ignorables (U+2065, U+FFF0..U+FFF8,
 *         U+E0000..U+E0FFF except the variation selectors U+E0100..U+E01EF),
 *         noncharacters (U+FDD0..U+FDEF, U+xxFFFE, U+xxFFFF), and
 *         U+2028/U+2029 (in multi-line mode the marker is followed by a line
 *         break).
 *   - Combining marks (width 0): at most max_combining per base character;
 *     the surplus of a run is replaced by one marker "<+N marks>"
 *     (report.marks_dropped counts the marks). A mark with no base (start of
 *     a line, or after a token/marker) gets a space as its base.
 *   - Width: East Asian Wide/Fullwidth (emoji with default emoji
 *     presentation included) = 2 cells, combining = 0, everything else 1
 *     (ambiguous width counts as 1). With max_width > 0 every output line is
 *     clipped on a cell boundary to at most max_width cells: when the line
 *     does not fit, it ends in "…" (U+2026, 1 cell) and as much as fits
 *     before it; a wide character, a token or a marker is never split.
 *   - Tokens and markers are for eyes only and are not reversible: literal
 *     text "^[" looks like an ESC token. The raw view (stg_text_escape_raw)
 *     shows the exact bytes; the segment callback tells tokens apart.
 *
 * INVARIANT of every output: valid UTF-8, NUL-terminated where a string is
 * produced, and free of bytes 0x00..0x1F (except LF in multi-line mode),
 * 0x7F, C1 code points, bidi controls and every invisible code point above;
 * each line's width by stg_text_width() is <= max_width when max_width > 0.
 * Report counts cover the whole input, also the part cut off by clipping or
 * by a small output buffer. */
#ifndef STIGMEM_SANITIZE_H
#define STIGMEM_SANITIZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stigmem/buf.h"

/* Option flags (struct stg_text_opts.flags). */
enum stg_text_flags {
	STG_TEXT_MULTILINE = 1u << 0, /* LF stays a line break; max_width applies per line */
	STG_TEXT_LOG = 1u << 1,       /* one line for a log file: forces single-line mode */
	STG_TEXT_CSV = 1u << 2,       /* STG_TEXT_LOG, and if the output would start with
				       * '=', '+', '-' or '@' (spreadsheet formula triggers)
				       * it is prefixed with '\'' (one more cell) */
};

#define STG_TEXT_TAB_DEFAULT 8
#define STG_TEXT_COMBINING_DEFAULT 4
#define STG_TEXT_COMBINING_MAX 16

/* Options; a NULL pointer means all defaults (all fields zero). */
struct stg_text_opts {
	size_t max_width;       /* cells per line; 0 = unlimited */
	unsigned tab_width;     /* tab stop distance; 0 = STG_TEXT_TAB_DEFAULT, capped at 64 */
	unsigned max_combining; /* marks per base; 0 = default 4, capped at 16 */
	unsigned flags;         /* enum stg_text_flags */
};

/* What sanitizing found; filled completely by every call that takes one
 * (may be NULL). Plain values: nothing to free. */
struct stg_text_report {
	size_t escapes;       /* C0 / DEL / C1 code points shown as escape tokens */
	size_t bidi;          /* bidi controls shown as markers */
	size_t invisible;     /* invisible / format characters shown as markers */
	size_t invalid;       /* ill-formed UTF-8 subparts replaced by U+FFFD */
	size_t marks_dropped; /* combining marks over the per-base cap */
	size_t width;         /* cells of the output (widest line) */
	size_t lines;         /* output lines: 1 + line breaks written */
	bool clipped;         /* max_width cut at least one line ("…" written) */
	bool truncated;       /* the output buffer was too small: output stops early */
};

/* Sum of the "suspicious" counters (escapes + bidi + invisible + invalid +
 * marks_dropped); 0 for plain text. `rep` may be NULL (returns 0). */
size_t stg_text_report_suspicious(const struct stg_text_report *rep);

/* Kind of a piece of sanitized output (for the segment callback). */
enum stg_text_seg {
	STG_TEXT_SEG_TEXT,     /* printable text copied from the input (or tab spaces);
				* one character, or a run of printable ASCII */
	STG_TEXT_SEG_INVALID,  /* U+FFFD standing for ill-formed input */
	STG_TEXT_SEG_ESCAPE,   /* a control token: "^[", "^?", "\u{9b}" */
	STG_TEXT_SEG_MARKER,   /* "<U+202E>", "<+3 marks>" */
	STG_TEXT_SEG_NEWLINE,  /* "\n" (multi-line mode only), width 0 */
	STG_TEXT_SEG_ELLIPSIS, /* "…" closing a clipped line */
	STG_TEXT_SEG_PREFIX,   /* "'" neutralising a CSV formula trigger */
};

/* Receives output in order. `s` holds `n` bytes of valid UTF-8 (not
 * NUL-terminated, borrowed for the call) occupying `width` cells. Return
 * false to stop output (report.truncated is then set; counting continues). */
typedef bool (*stg_text_sink_fn)(void *ctx, enum stg_text_seg kind, const char *s,
				 size_t n, size_t width);

/* Sanitize `len` bytes at `in` (may be NULL when len is 0) and hand the
 * output to `sink` piece by piece (for drawing tokens in another style). */
void stg_text_sanitize_cb(const char *in, size_t len, const struct stg_text_opts *opts,
			  stg_text_sink_fn sink, void *ctx, struct stg_text_report *rep);

/* Sanitize into the caller's buffer `out` of `out_size` bytes. The output
 * is always NUL-terminated when out_size > 0; when it does not fit, it ends
 * after the last whole character, token or marker that fits
 * (report.truncated), so it stays valid UTF-8 and a prefix of the full output.
 * `out` may be NULL (nothing written). Returns the output length in bytes
 * (excluding the NUL). */
size_t stg_text_sanitize(const char *in, size_t len, const struct stg_text_opts *opts,
			 char *out, size_t out_size, struct stg_text_report *rep);

/* Append the sanitized text to `b` (no size limit). False on allocation
 * failure (b->oom set; report.truncated set). */
bool stg_text_sanitize_buf(struct stg_buf *b, const char *in, size_t len,
			   const struct stg_text_opts *opts, struct stg_text_report *rep);

/* Sanitized copy as a heap string; caller frees. NULL on allocation failure. */
char *stg_text_sanitize_dup(const char *in, size_t len, const struct stg_text_opts *opts,
			    struct stg_text_report *rep);

/* Append `in` as one log-line field: single-line rules (LF -> "^J",
 * CR -> "^M"), no width limit, nothing else appended. False on OOM. */
bool stg_text_sanitize_log(struct stg_buf *b, const char *in, size_t len);

/* Append `in` as one CSV cell (RFC 4180): sanitized with STG_TEXT_CSV
 * (single line, formula triggers prefixed with '\''), then always enclosed
 * in double quotes with inner '"' doubled. False on OOM. */
bool stg_text_csv_cell(struct stg_buf *b, const char *in, size_t len);

/* Display cells of one code point: 2 wide, 1 normal, 0 combining, -1 for
 * what the sanitizer turns into a token or marker (controls, format and
 * invisible characters, surrogates, noncharacters, > U+10FFFF). */
int stg_text_cpwidth(uint32_t cp);

/* Display cells of sanitized text (the widest line when it holds LF).
 * Ill-formed bytes count 1 cell each; code points with cpwidth -1 count 0. */
size_t stg_text_width(const char *s, size_t len);

/* Append a `hexdump -C` style view of the exact bytes: lines of
 * "%08x  " offset, 16 bytes in hex (extra space after the 8th), and
 * "|text|" where bytes outside 0x20..0x7E are '.'; then a last line with
 * the total length in hex. Every line ends in LF; no '*' line squeezing.
 * Empty input appends nothing. False on OOM. */
bool stg_text_escape_raw(struct stg_buf *b, const void *data, size_t len);

/* Append the exact bytes as one line of escaped ASCII, C style: bytes
 * 0x20..0x7E as they are, except backslash which is doubled; TAB, LF, CR as
 * backslash-t, -n, -r; every other byte as backslash-x and two lowercase
 * hex digits ("\x1b"). False on OOM. */
bool stg_text_escape_bytes(struct stg_buf *b, const void *data, size_t len);

#endif
