/* list.c — the shared list widget: view over an owner's items, cursor that
 * follows item ids, `/` incremental filter with n/N. */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "ui/ui.h"

void
ui_list_init(struct ui_list *l, struct ui_list_src src)
{
	memset(l, 0, sizeof(*l));
	l->src = src;
}

void
ui_list_done(struct ui_list *l)
{
	free(l->view);
	l->view = NULL;
	l->n_view = l->cap_view = 0;
}

bool
ui_list_match(const char *hay, const char *needle)
{
	/* ASCII case folding (bytes >= 0x80, i.e. UTF-8 sequences, compare as
	 * they are), the same as tolower() in the C and UTF-8 locales but
	 * without a call per byte: the filter runs over every item on every
	 * keystroke. */
	unsigned char nd[sizeof(((struct ui_list *)0)->filter)];
	size_t nl = 0;

	if (needle == NULL || *needle == '\0')
		return true;
	if (hay == NULL)
		return false;
	for (; needle[nl] && nl < sizeof(nd); nl++) {
		unsigned char c = (unsigned char)needle[nl];
		nd[nl] = (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
	}
	if (needle[nl] != '\0')
		return false; /* longer than any filter the prompt accepts */
	for (const unsigned char *h = (const unsigned char *)hay; *h; h++) {
		unsigned char c = *h;
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c + 32);
		if (c != nd[0])
			continue;
		size_t i = 1;
		for (; i < nl && h[i]; i++) {
			unsigned char d = h[i];
			if (d >= 'A' && d <= 'Z')
				d = (unsigned char)(d + 32);
			if (d != nd[i])
				break;
		}
		if (i == nl)
			return true;
	}
	return false;
}

size_t
ui_list_selected(const struct ui_list *l)
{
	if (l->n_view == 0 || l->cursor >= l->n_view)
		return SIZE_MAX;
	return l->view[l->cursor];
}

void
ui_list_remember(struct ui_list *l)
{
	size_t sel = ui_list_selected(l);
	l->saved_id[0] = '\0';
	if (sel != SIZE_MAX && l->src.id) {
		const char *id = l->src.id(l->src.ctx, sel);
		if (id) {
			size_t n = strlen(id);
			if (n >= sizeof(l->saved_id))
				n = sizeof(l->saved_id) - 1;
			memcpy(l->saved_id, id, n);
			l->saved_id[n] = '\0';
		}
	}
}

static void
clamp(struct ui_list *l)
{
	if (l->n_view == 0) {
		l->cursor = l->top = 0;
		return;
	}
	if (l->cursor >= l->n_view)
		l->cursor = l->n_view - 1;
	size_t rows = l->rows ? l->rows : 1;
	if (l->cursor < l->top)
		l->top = l->cursor;
	if (l->cursor >= l->top + rows)
		l->top = l->cursor - rows + 1;
	if (l->top + rows > l->n_view)
		l->top = l->n_view > rows ? l->n_view - rows : 0;
}

void
ui_list_rebuild(struct ui_list *l, const size_t *order, size_t n)
{
	if (l->saved_id[0] == '\0')
		ui_list_remember(l);
	char want[sizeof(l->saved_id)];
	memcpy(want, l->saved_id, sizeof(want));
	size_t old_cursor = l->cursor;
	if (n > l->cap_view) {
		size_t cap = n + n / 2 + 16;
		size_t *nv = realloc(l->view, cap * sizeof(*nv));
		if (nv == NULL)
			return;
		l->view = nv;
		l->cap_view = cap;
	}
	l->n_view = 0;
	if (l->filter[0] && l->src.folded) {
		/* Fold the needle once; each item is one strstr() on text the
		 * owner folded when it stored the item. */
		char nd[sizeof(l->filter)];
		size_t k = 0;
		for (; l->filter[k]; k++) {
			unsigned char c = (unsigned char)l->filter[k];
			nd[k] = (char)((c >= 'A' && c <= 'Z') ? c + 32 : c);
		}
		nd[k] = '\0';
		for (size_t i = 0; i < n; i++) {
			const char *h = l->src.folded(l->src.ctx, order[i]);
			if (h != NULL && strstr(h, nd) != NULL)
				l->view[l->n_view++] = order[i];
		}
	} else {
		for (size_t i = 0; i < n; i++) {
			size_t it = order[i];
			if (l->filter[0] && l->src.text &&
			    !ui_list_match(l->src.text(l->src.ctx, it), l->filter))
				continue;
			l->view[l->n_view++] = it;
		}
	}
	l->cursor = old_cursor;
	if (want[0] && l->src.find) {
		size_t idx = l->src.find(l->src.ctx, want);
		for (size_t i = 0; idx != SIZE_MAX && i < l->n_view; i++) {
			if (l->view[i] == idx) {
				size_t delta = l->cursor >= l->top ? l->cursor - l->top : 0;
				l->cursor = i;
				l->top = i >= delta ? i - delta : 0;
				break;
			}
		}
	} else if (want[0] && l->src.id) {
		for (size_t i = 0; i < l->n_view; i++) {
			const char *id = l->src.id(l->src.ctx, l->view[i]);
			if (id && strcmp(id, want) == 0) {
				/* Keep the row on screen where it was. */
				size_t delta = l->cursor >= l->top ? l->cursor - l->top : 0;
				l->cursor = i;
				l->top = i >= delta ? i - delta : 0;
				break;
			}
		}
	}
	clamp(l);
	l->saved_id[0] = '\0';
}

static void
move_by(struct ui_list *l, long d)
{
	if (l->n_view == 0)
		return;
	long c = (long)l->cursor + d;
	if (c < 0)
		c = 0;
	if (c >= (long)l->n_view)
		c = (long)l->n_view - 1;
	l->cursor = (size_t)c;
	clamp(l);
}

static void
filter_edit(struct ui_list *l, int key)
{
	size_t n = strlen(l->filter);
	if (key == UI_KEY_FN(KEY_BACKSPACE)) {
		while (n > 0 && ((unsigned char)l->filter[n - 1] & 0xC0) == 0x80)
			n--;
		if (n > 0)
			n--;
		l->filter[n] = '\0';
		return;
	}
	char mb[8];
	mbstate_t st;
	memset(&st, 0, sizeof(st));
	size_t k = wcrtomb(mb, (wchar_t)key, &st);
	if (k == (size_t)-1 || n + k + 1 > sizeof(l->filter))
		return;
	memcpy(l->filter + n, mb, k);
	l->filter[n + k] = '\0';
}

unsigned
ui_list_key(struct ui_list *l, int key, enum ui_action a, bool *changed)
{
	*changed = false;
	size_t rows = l->rows ? l->rows : 1;
	if (l->editing) {
		if (key == '\n') {
			l->editing = false;
			return UI_HANDLED;
		}
		if (key == 0x1b || key == 0x03) {
			l->editing = false;
			ui_list_remember(l);
			l->filter[0] = '\0';
			*changed = true;
			return UI_HANDLED;
		}
		if (key == UI_KEY_FN(KEY_UP) || key == UI_KEY_FN(KEY_DOWN)) {
			move_by(l, key == UI_KEY_FN(KEY_UP) ? -1 : 1);
			return UI_HANDLED;
		}
		if (key == UI_KEY_FN(KEY_BACKSPACE) && l->filter[0] == '\0') {
			l->editing = false;
			return UI_HANDLED;
		}
		if (key == UI_KEY_FN(KEY_BACKSPACE) ||
		    (key >= 0x20 && key != 0x7f && key < UI_KEY_FN_BASE)) {
			ui_list_remember(l);
			filter_edit(l, key);
			*changed = true;
			return UI_HANDLED;
		}
		return UI_HANDLED; /* swallow other keys while typing */
	}
	switch (a) {
	case UI_ACTION_MOVE_DOWN: move_by(l, 1); return UI_HANDLED;
	case UI_ACTION_MOVE_UP: move_by(l, -1); return UI_HANDLED;
	case UI_ACTION_PAGE_DOWN: move_by(l, (long)rows); return UI_HANDLED;
	case UI_ACTION_PAGE_UP: move_by(l, -(long)rows); return UI_HANDLED;
	case UI_ACTION_HALF_PAGE_DOWN: move_by(l, (long)(rows / 2 ? rows / 2 : 1)); return UI_HANDLED;
	case UI_ACTION_HALF_PAGE_UP: move_by(l, -(long)(rows / 2 ? rows / 2 : 1)); return UI_HANDLED;
	case UI_ACTION_FIRST: l->cursor = 0; clamp(l); return UI_HANDLED;
	case UI_ACTION_LAST: l->cursor = l->n_view ? l->n_view - 1 : 0; clamp(l); return UI_HANDLED;
	case UI_ACTION_SEARCH:
		l->editing = true;
		return UI_HANDLED;
	case UI_ACTION_SEARCH_NEXT:
	case UI_ACTION_SEARCH_PREV:
		if (l->n_view == 0)
			return UI_HANDLED;
		/* The view holds only matches: step through them, wrapping. */
		if (a == UI_ACTION_SEARCH_NEXT)
			l->cursor = (l->cursor + 1) % l->n_view;
		else
			l->cursor = (l->cursor + l->n_view - 1) % l->n_view;
		clamp(l);
		return UI_HANDLED;
	case UI_ACTION_CANCEL:
		if (l->filter[0]) {
			ui_list_remember(l);
			l->filter[0] = '\0';
			*changed = true;
			return UI_HANDLED;
		}
		return UI_UNHANDLED;
	default:
		return UI_UNHANDLED;
	}
}

void
ui_list_draw_prompt(struct ui *ui, struct ui_list *l, WINDOW *w, int y, int width)
{
	if (!l->editing && l->filter[0] == '\0')
		return;
	char line[256];
	snprintf(line, sizeof(line), "/%s%s", l->filter, l->editing ? "_" : "");
	ui_fill_row(ui, w, y, 0, width, UI_ROLE_NORMAL);
	int x = ui_draw_text(ui, w, y, 0, width, UI_ROLE_FILTER_PROMPT, line);
	char cnt[96];
	snprintf(cnt, sizeof(cnt), "  %zu match%s%s", l->n_view, l->n_view == 1 ? "" : "es",
		 l->editing ? "  (Enter keep, Esc clear)" : "  (n/N step, Esc clear)");
	ui_draw_text(ui, w, y, x, width - x, UI_ROLE_LIST_DIM, cnt);
}
