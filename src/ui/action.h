/* ui/action.h — every user verb of the inspector, declared once.
 *
 * UI_ACTION_LIST(X) is X(ID, "config-name", "default keys", "help line").
 * It produces enum ui_action, the names `bind` accepts in the config file,
 * the `?` overlay and the `:` palette. Default keys are space-separated key
 * specs (see ui/keymap.h). Order = order of the help overlay. */
#ifndef UI_ACTION_H
#define UI_ACTION_H

#include <stddef.h>

#define UI_ACTION_LIST(X)                                                               \
	X(NONE, "none", "", "Unbind a key (bind KEY none)")                             \
	X(HELP, "help", "? <F1>", "Show keys and actions (type to search)")             \
	X(PALETTE, "palette", ":", "Run any action by name")                            \
	X(QUIT, "quit", "q", "Quit (cancels the request in flight first)")              \
	X(INTERRUPT, "interrupt", "<C-c>", "Cancel the request in flight; press twice to quit") \
	X(CANCEL, "cancel", "<Esc>", "Cancel the request in flight, close an overlay or clear the filter") \
	X(MOVE_DOWN, "move-down", "j <Down>", "Move the cursor down")                    \
	X(MOVE_UP, "move-up", "k <Up>", "Move the cursor up")                           \
	X(PAGE_DOWN, "page-down", "<PgDn> <C-f>", "Scroll one page down")               \
	X(PAGE_UP, "page-up", "<PgUp> <C-b>", "Scroll one page up")                     \
	X(HALF_PAGE_DOWN, "half-page-down", "<C-d>", "Scroll half a page down")         \
	X(HALF_PAGE_UP, "half-page-up", "<C-u>", "Scroll half a page up")               \
	X(FIRST, "first", "g <Home>", "Jump to the first item")                         \
	X(LAST, "last", "G <End>", "Jump to the last item")                             \
	X(OPEN, "open", "<Enter> l <Right>", "Open the selected item")                  \
	X(BACK, "back", "h <Left> <Backspace>", "Go back to the previous pane")          \
	X(SEARCH, "search", "/", "Filter the list as you type")                         \
	X(SEARCH_NEXT, "search-next", "n", "Next match of the filter")                  \
	X(SEARCH_PREV, "search-prev", "N", "Previous match of the filter")              \
	X(NEXT_PANE, "next-pane", "<Tab>", "Focus the next pane")                       \
	X(PREV_PANE, "prev-pane", "<S-Tab>", "Focus the previous pane")                 \
	X(VIEW_OVERVIEW, "view-overview", "1", "Show the node overview")                \
	X(VIEW_ENTITIES, "view-entities", "2", "Show the entity browser")               \
	X(VIEW_FACTS, "view-facts", "3", "Show the facts of the selected entity")       \
	X(VIEW_CARD, "view-card", "4", "Show the memory card of the selected entity")    \
	X(VIEW_RECALL, "view-recall", "5", "Open the recall lab")                        \
	X(VIEW_CONFLICTS, "view-conflicts", "6", "Open the conflict queue")              \
	X(VIEW_VERIFY, "view-verify", "7", "Open the integrity view (chain proof, CID audit)") \
	X(VIEW_LOG, "view-log", "0 L", "Show the message log")                          \
	X(REFRESH, "refresh", "r <F5> <C-r>", "Reload the focused pane from the node")  \
	X(SORT, "sort", "s", "Cycle the sort order (name, last write, facts, contradictions)") \
	X(TOGGLE_SYSTEM, "toggle-system", "S", "Show or hide system entities")          \
	X(RAW, "raw", "R", "Show the exact bytes of the focused value (hex + escapes)") \
	X(PROFILE, "profile", "P", "Connect elsewhere: a profile, the demo node or a URL")                    \
	X(REDRAW, "redraw", "<C-l>", "Repaint the whole screen")                        \
	X(SUSPEND, "suspend", "<C-z>", "Suspend to the shell (fg resumes)")             \
	X(CARD_SCOPE, "card-scope", "c", "Memory card: show the next scope (local, team, company, public)") \
	X(CONFLICT_FILTER, "conflict-filter", "f", "Conflicts: cycle the queue filter (unresolved, resolved, all)") \
	X(NEXT_UNRESOLVED, "next-unresolved", "u", "Conflicts: jump to the next unresolved conflict") \
	X(RESOLVE_A, "resolve-a", "a", "Conflicts: resolve with fact A as the winner (asks first; write)") \
	X(RESOLVE_B, "resolve-b", "b", "Conflicts: resolve with fact B as the winner (asks first; write)") \
	X(RESOLVE_VALUE, "resolve-value", "e", "Conflicts: resolve with a new typed value and a note (asks first; write)") \
	X(VERIFY_RUN, "verify-run", "v", "Verify: run recall with Stigmem-Verify: full and check the chain proof") \
	X(VERIFY_CID, "verify-cid", "V", "Verify: ask the node's verify-cid for the selected fact") \
	X(TOGGLE_READ_ONLY, "toggle-read-only", "W", "Switch read-only mode on or off (hides every write action)")

enum ui_action {
#define UI_X_ENUM(id, name, keys, help) UI_ACTION_##id,
	UI_ACTION_LIST(UI_X_ENUM)
#undef UI_X_ENUM
	UI_ACTION_COUNT
};

/* True for the actions that write to the node: they are hidden from the
 * help overlay and the palette, and do nothing, in read-only mode. */
static inline int
ui_action_is_write(enum ui_action a)
{
	return a == UI_ACTION_RESOLVE_A || a == UI_ACTION_RESOLVE_B || a == UI_ACTION_RESOLVE_VALUE;
}

/* Config name of an action ("move-down"); "" for out-of-range. Static. */
const char *ui_action_name(enum ui_action a);
/* Help line of an action; "" for out-of-range. Static. */
const char *ui_action_help(enum ui_action a);
/* Default key specs ("j <Down>"); "" for none. Static. */
const char *ui_action_default_keys(enum ui_action a);
/* Look an action up by config name (exact, case-sensitive); returns false
 * when unknown. */
int ui_action_lookup(const char *name, enum ui_action *out);

#endif
