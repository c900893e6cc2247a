/* sanitize.c — node text to terminal-, log- and CSV-safe text, and the
 * raw-bytes views (see stigmem/sanitize.h for the rules).
 *
 * Three layers, each feeding the next:
 *   decode   strict UTF-8 -> code points (ill-formed subparts -> U+FFFD);
 *   classify code point -> text / escape token / marker / combining mark /
 *            tab / line break, with the per-base combining cap;
 *   line     width accounting and clipping: a unit that would end exactly at
 *            the limit is held back until the line is known to fit, else the
 *            held units are dropped and "…" is written instead.
 * The line layer hands finished units to a sink (caller callback, fixed
 * buffer or struct stg_buf). */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stigmem/sanitize.h"

#define BAD_CP 0xFFFFFFFFu
#define UNIT_MAX 32 /* longest unit: "<+18446744073709551615 marks>" */
#define PEND_MAX (STG_TEXT_COMBINING_MAX + 2)
#define TAB_MAX 64

static const char ellipsis[] = "\xE2\x80\xA6";   /* U+2026 */
static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */

struct unit {
	enum stg_text_seg kind;
	size_t n;
	size_t w;
	char s[UNIT_MAX];
};

/* Output target: returns how many of the `n` bytes it took. All or nothing,
 * except for a run of printable ASCII (`run`), which it may cut anywhere. */
typedef size_t (*out_fn)(void *ctx, enum stg_text_seg kind, const char *s, size_t n, size_t w,
			 bool run);

struct san {
	size_t max_width;
	unsigned tab;
	unsigned maxc;
	bool multi;
	bool csv;
	out_fn out;      /* output target */
	void *ctx;
	struct stg_text_report *rep;

	bool stopped;    /* the sink refused a unit: no more output */
	size_t out_col;  /* cells the sink accepted on this line */
	bool first;      /* nothing passed to the line layer yet */

	size_t col;      /* cells committed on this line */
	size_t pend_w;   /* cells held back */
	size_t npend;
	bool clipped;    /* this line was clipped: drop units until a line break */
	struct unit pend[PEND_MAX];

	bool have_base;  /* a combining mark may follow without a space base */
	unsigned ncomb;  /* marks on the current base */
	size_t excess;   /* marks over the cap, not yet reported by a marker */
};

size_t
stg_text_report_suspicious(const struct stg_text_report *rep)
{
	if (rep == NULL)
		return 0;
	return rep->escapes + rep->bidi + rep->invisible + rep->invalid + rep->marks_dropped;
}

/* ---- decode ---- */

/* Strict UTF-8: returns bytes used (>= 1). On an ill-formed sequence *cp is
 * BAD_CP and the return value is the length of its maximal subpart. */
static size_t
decode_strict(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xBF;
	size_t need, i;
	uint32_t v;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		need = 1;
		v = c & 0x1Fu;
	} else if (c >= 0xE0 && c <= 0xEF) {
		need = 2;
		v = c & 0x0Fu;
		if (c == 0xE0)
			lo = 0xA0; /* no overlongs */
		else if (c == 0xED)
			hi = 0x9F; /* no surrogates */
	} else if (c >= 0xF0 && c <= 0xF4) {
		need = 3;
		v = c & 0x07u;
		if (c == 0xF0)
			lo = 0x90; /* no overlongs */
		else if (c == 0xF4)
			hi = 0x8F; /* nothing above U+10FFFF */
	} else {
		*cp = BAD_CP;
		return 1;
	}
	for (i = 1; i <= need; i++) {
		if (i >= n || s[i] < lo || s[i] > hi) {
			*cp = BAD_CP;
			return i;
		}
		v = (v << 6) | (s[i] & 0x3Fu);
		lo = 0x80;
		hi = 0xBF;
	}
	*cp = v;
	return need + 1;
}

/* ---- sink and line layer ---- */

static void
commit_any(struct san *st, enum stg_text_seg kind, const char *s, size_t n, size_t w, bool run)
{
	size_t took;

	if (st->stopped)
		return;
	took = st->out(st->ctx, kind, s, n, w, run);
	if (took < n) {
		st->stopped = true;
		st->rep->truncated = true;
		if (!run)
			return;
		w = took;
	}
	if (kind == STG_TEXT_SEG_NEWLINE) {
		st->rep->lines++;
		st->out_col = 0;
		return;
	}
	st->out_col += w;
	if (st->out_col > st->rep->width)
		st->rep->width = st->out_col;
}

static void
commit(struct san *st, enum stg_text_seg kind, const char *s, size_t n, size_t w)
{
	commit_any(st, kind, s, n, w, false);
}

static void
flush_pending(struct san *st)
{
	size_t i;

	for (i = 0; i < st->npend; i++)
		commit(st, st->pend[i].kind, st->pend[i].s, st->pend[i].n, st->pend[i].w);
	st->col += st->pend_w;
	st->npend = 0;
	st->pend_w = 0;
}

static bool
is_formula_trigger(char c)
{
	return c == '=' || c == '+' || c == '-' || c == '@';
}

/* One unit of a line (never a line break). */
static void
line_put(struct san *st, enum stg_text_seg kind, const char *s, size_t n, size_t w)
{
	struct unit *u;

	if (st->clipped)
		return;
	if (st->first) {
		st->first = false;
		if (st->csv && kind == STG_TEXT_SEG_TEXT && n > 0 && is_formula_trigger(s[0]))
			line_put(st, STG_TEXT_SEG_PREFIX, "'", 1, 1);
		if (st->clipped)
			return;
	}
	if (st->max_width == 0) {
		commit(st, kind, s, n, w);
		st->col += w;
		return;
	}
	/* Fits with room left for an ellipsis: final. */
	if (st->npend == 0 && w < st->max_width && st->col + w + 1 <= st->max_width) {
		commit(st, kind, s, n, w);
		st->col += w;
		return;
	}
	/* Fits only if the line ends here: hold it back. */
	if (w <= st->max_width - st->col - st->pend_w && st->npend < PEND_MAX && n <= UNIT_MAX) {
		u = &st->pend[st->npend++];
		u->kind = kind;
		u->n = n;
		u->w = w;
		memcpy(u->s, s, n);
		st->pend_w += w;
		return;
	}
	/* Does not fit: drop what was held back, close with an ellipsis. */
	st->npend = 0;
	st->pend_w = 0;
	commit(st, STG_TEXT_SEG_ELLIPSIS, ellipsis, sizeof(ellipsis) - 1, 1);
	st->col += 1;
	st->clipped = true;
	st->rep->clipped = true;
}

/* A run of printable ASCII (one cell per byte): committed in one piece as
 * far as it surely fits, the rest byte by byte through line_put(). */
static void
line_put_run(struct san *st, const char *s, size_t n)
{
	size_t take;

	if (st->clipped || n == 0)
		return;
	if (st->first) {
		st->first = false;
		if (st->csv && is_formula_trigger(s[0]))
			line_put(st, STG_TEXT_SEG_PREFIX, "'", 1, 1);
	}
	while (n > 0 && !st->clipped) {
		if (st->max_width == 0) {
			take = n;
		} else if (st->npend == 0 && st->col + 1 < st->max_width) {
			take = st->max_width - 1 - st->col;
			if (take > n)
				take = n;
		} else {
			line_put(st, STG_TEXT_SEG_TEXT, s, 1, 1);
			s++;
			n--;
			continue;
		}
		commit_any(st, STG_TEXT_SEG_TEXT, s, take, take, true);
		st->col += take;
		s += take;
		n -= take;
	}
}

/* ---- classify ---- */

static void
flush_excess(struct san *st)
{
	char t[UNIT_MAX];
	int n;

	if (st->excess == 0)
		return;
	n = snprintf(t, sizeof(t), "<+%zu marks>", st->excess);
	st->excess = 0;
	if (n > 0 && (size_t)n < sizeof(t))
		line_put(st, STG_TEXT_SEG_MARKER, t, (size_t)n, (size_t)n);
	st->have_base = false;
	st->ncomb = 0;
}

/* A unit that is not a combining mark; `base` says whether a combining mark
 * may attach to it. */
static void
put_unit(struct san *st, enum stg_text_seg kind, const char *s, size_t n, size_t w, bool base)
{
	flush_excess(st);
	line_put(st, kind, s, n, w);
	st->have_base = base;
	st->ncomb = 0;
}

static void
put_ascii_run(struct san *st, const char *s, size_t n)
{
	flush_excess(st);
	line_put_run(st, s, n);
	st->have_base = true;
	st->ncomb = 0;
}

static void
put_marker(struct san *st, uint32_t cp)
{
	char t[UNIT_MAX];
	int n;

	n = snprintf(t, sizeof(t), "<U+%04lX>", (unsigned long)cp);
	put_unit(st, STG_TEXT_SEG_MARKER, t, (size_t)n, (size_t)n, false);
}

static void
put_combining(struct san *st, const char *s, size_t n)
{
	if (!st->have_base) {
		flush_excess(st);
		line_put(st, STG_TEXT_SEG_TEXT, " ", 1, 1);
		st->have_base = true;
		st->ncomb = 0;
	}
	if (st->ncomb < st->maxc) {
		line_put(st, STG_TEXT_SEG_TEXT, s, n, 0);
		st->ncomb++;
	} else {
		st->excess++;
		st->rep->marks_dropped++;
	}
}

static void
put_newline(struct san *st)
{
	flush_excess(st);
	flush_pending(st);
	commit(st, STG_TEXT_SEG_NEWLINE, "\n", 1, 0);
	st->col = 0;
	st->clipped = false;
	st->have_base = false;
	st->ncomb = 0;
}

static void
put_tab(struct san *st)
{
	size_t k = st->tab - (st->col + st->pend_w) % st->tab;

	while (k-- > 0 && !st->clipped)
		put_unit(st, STG_TEXT_SEG_TEXT, " ", 1, 1, true);
}

static bool
is_bidi(uint32_t cp)
{
	return cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

static void
sanitize(const char *in, size_t len, const struct stg_text_opts *opts, out_fn out, void *ctx,
	 struct stg_text_report *rep)
{
	static const struct stg_text_opts defaults;
	const unsigned char *p = (const unsigned char *)in;
	struct stg_text_report local;
	struct san st;
	char t[UNIT_MAX];
	size_t i, k;
	uint32_t cp;
	int w;

	if (opts == NULL)
		opts = &defaults;
	if (rep == NULL)
		rep = &local;
	memset(rep, 0, sizeof(*rep));
	rep->lines = 1;
	memset(&st, 0, sizeof(st));
	st.max_width = opts->max_width;
	st.tab = opts->tab_width ? opts->tab_width : STG_TEXT_TAB_DEFAULT;
	if (st.tab > TAB_MAX)
		st.tab = TAB_MAX;
	st.maxc = opts->max_combining ? opts->max_combining : STG_TEXT_COMBINING_DEFAULT;
	if (st.maxc > STG_TEXT_COMBINING_MAX)
		st.maxc = STG_TEXT_COMBINING_MAX;
	st.csv = (opts->flags & STG_TEXT_CSV) != 0;
	st.multi = (opts->flags & STG_TEXT_MULTILINE) && !(opts->flags & (STG_TEXT_LOG | STG_TEXT_CSV));
	st.out = out;
	st.ctx = ctx;
	st.rep = rep;
	st.first = true;
	if (p == NULL)
		len = 0;

	for (i = 0; i < len; i += k) {
		if (p[i] >= 0x20 && p[i] < 0x7F) {
			for (k = 1; i + k < len && p[i + k] >= 0x20 && p[i + k] < 0x7F; k++)
				;
			put_ascii_run(&st, (const char *)p + i, k);
			continue;
		}
		k = decode_strict(p + i, len - i, &cp);
		if (cp == BAD_CP) {
			rep->invalid++;
			put_unit(&st, STG_TEXT_SEG_INVALID, replacement, sizeof(replacement) - 1, 1, true);
		} else if (cp == '\t') {
			put_tab(&st);
		} else if (cp == '\n' && st.multi) {
			put_newline(&st);
		} else if (cp < 0x20 || cp == 0x7F) {
			rep->escapes++;
			t[0] = '^';
			t[1] = cp == 0x7F ? '?' : (char)('@' + cp);
			put_unit(&st, STG_TEXT_SEG_ESCAPE, t, 2, 2, false);
		} else if (cp >= 0x80 && cp <= 0x9F) {
			rep->escapes++;
			snprintf(t, sizeof(t), "\\u{%02lx}", (unsigned long)cp);
			put_unit(&st, STG_TEXT_SEG_ESCAPE, t, 6, 6, false);
		} else if (is_bidi(cp)) {
			rep->bidi++;
			put_marker(&st, cp);
		} else if (cp == 0x2028 || cp == 0x2029) {
			rep->invisible++;
			put_marker(&st, cp);
			if (st.multi)
				put_newline(&st);
		} else if ((w = stg_text_cpwidth(cp)) < 0) {
			rep->invisible++;
			put_marker(&st, cp);
		} else if (w == 0) {
			put_combining(&st, (const char *)p + i, k);
		} else {
			put_unit(&st, STG_TEXT_SEG_TEXT, (const char *)p + i, k, (size_t)w, true);
		}
	}
	flush_excess(&st);
	flush_pending(&st);
}

/* ---- output targets ---- */

struct cb_out {
	stg_text_sink_fn sink;
	void *ctx;
};

static size_t
cb_out(void *ctx, enum stg_text_seg kind, const char *s, size_t n, size_t w, bool run)
{
	struct cb_out *c = ctx;

	(void)run;
	return c->sink(c->ctx, kind, s, n, w) ? n : 0;
}

void
stg_text_sanitize_cb(const char *in, size_t len, const struct stg_text_opts *opts,
		     stg_text_sink_fn sink, void *ctx, struct stg_text_report *rep)
{
	struct cb_out c = { sink, ctx };

	sanitize(in, len, opts, cb_out, &c, rep);
}

struct fixed_out {
	char *out;
	size_t size;
	size_t len;
};

static size_t
fixed_out(void *ctx, enum stg_text_seg kind, const char *s, size_t n, size_t w, bool run)
{
	struct fixed_out *f = ctx;
	size_t room = f->size > f->len ? f->size - 1 - f->len : 0;

	(void)kind;
	(void)w;
	if (n > room) {
		if (!run)
			return 0;
		n = room;
	}
	if (n == 0)
		return 0;
	memcpy(f->out + f->len, s, n);
	f->len += n;
	return n;
}

size_t
stg_text_sanitize(const char *in, size_t len, const struct stg_text_opts *opts, char *out,
		  size_t out_size, struct stg_text_report *rep)
{
	struct fixed_out f = { out, out == NULL ? 0 : out_size, 0 };

	sanitize(in, len, opts, fixed_out, &f, rep);
	if (f.size > 0)
		out[f.len] = '\0';
	return f.len;
}

static size_t
buf_out(void *ctx, enum stg_text_seg kind, const char *s, size_t n, size_t w, bool run)
{
	(void)kind;
	(void)w;
	(void)run;
	return stg_buf_append(ctx, s, n) ? n : 0;
}

bool
stg_text_sanitize_buf(struct stg_buf *b, const char *in, size_t len,
		      const struct stg_text_opts *opts, struct stg_text_report *rep)
{
	struct stg_text_report local;

	if (rep == NULL)
		rep = &local;
	sanitize(in, len, opts, buf_out, b, rep);
	if (!stg_buf_append(b, "", 0)) /* NUL-terminated even when empty */
		rep->truncated = true;
	return !b->oom;
}

char *
stg_text_sanitize_dup(const char *in, size_t len, const struct stg_text_opts *opts,
		      struct stg_text_report *rep)
{
	struct stg_buf b;

	stg_buf_init(&b);
	if (!stg_text_sanitize_buf(&b, in, len, opts, rep)) {
		stg_buf_done(&b);
		return NULL;
	}
	return stg_buf_take(&b);
}

bool
stg_text_sanitize_log(struct stg_buf *b, const char *in, size_t len)
{
	const struct stg_text_opts o = { .flags = STG_TEXT_LOG };

	return stg_text_sanitize_buf(b, in, len, &o, NULL);
}

bool
stg_text_csv_cell(struct stg_buf *b, const char *in, size_t len)
{
	const struct stg_text_opts o = { .flags = STG_TEXT_CSV };
	struct stg_buf t;
	size_t i, from;
	bool ok;

	stg_buf_init(&t);
	ok = stg_text_sanitize_buf(&t, in, len, &o, NULL);
	ok = ok && stg_buf_putc(b, '"');
	for (i = from = 0; ok && i < t.len; i++) {
		if (t.data[i] != '"')
			continue;
		ok = stg_buf_append(b, t.data + from, i + 1 - from) && stg_buf_putc(b, '"');
		from = i + 1;
	}
	if (ok && t.len > from)
		ok = stg_buf_append(b, t.data + from, t.len - from);
	ok = ok && stg_buf_putc(b, '"');
	stg_buf_done(&t);
	return ok;
}

/* ---- raw views ---- */

bool
stg_text_escape_raw(struct stg_buf *b, const void *data, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = data;
	char line[96];
	size_t off, i, n, k;
	int m;

	for (off = 0; off < len; off += 16) {
		n = len - off < 16 ? len - off : 16;
		m = snprintf(line, sizeof(line), "%08zx  ", off);
		k = m > 0 ? (size_t)m : 0;
		for (i = 0; i < 16; i++) {
			if (i < n) {
				line[k++] = hex[p[off + i] >> 4];
				line[k++] = hex[p[off + i] & 15];
			} else {
				line[k++] = ' ';
				line[k++] = ' ';
			}
			line[k++] = ' ';
			if (i == 7)
				line[k++] = ' ';
		}
		line[k++] = ' ';
		line[k++] = '|';
		for (i = 0; i < n; i++) {
			unsigned char c = p[off + i];
			line[k++] = c >= 0x20 && c < 0x7F ? (char)c : '.';
		}
		line[k++] = '|';
		line[k++] = '\n';
		if (!stg_buf_append(b, line, k))
			return false;
	}
	if (len == 0)
		return stg_buf_append(b, "", 0);
	return stg_buf_printf(b, "%08zx\n", len);
}

bool
stg_text_escape_bytes(struct stg_buf *b, const void *data, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = data;
	char t[4];
	size_t i;
	bool ok = stg_buf_append(b, "", 0);

	for (i = 0; ok && i < len; i++) {
		unsigned char c = p[i];

		if (c == '\\')
			ok = stg_buf_append(b, "\\\\", 2);
		else if (c == '\t')
			ok = stg_buf_append(b, "\\t", 2);
		else if (c == '\n')
			ok = stg_buf_append(b, "\\n", 2);
		else if (c == '\r')
			ok = stg_buf_append(b, "\\r", 2);
		else if (c >= 0x20 && c < 0x7F)
			ok = stg_buf_putc(b, (char)c);
		else {
			t[0] = '\\';
			t[1] = 'x';
			t[2] = hex[c >> 4];
			t[3] = hex[c & 15];
			ok = stg_buf_append(b, t, 4);
		}
	}
	return ok;
}
