/* ui/recall_store.h — the recall lab's files: named weight presets in the
 * config directory and exports of a recall (curl command, Python SDK call).
 * No curses here; everything is testable on its own.
 *
 * Ownership: strings passed in are borrowed for the call; output goes to
 * caller-owned buffers / struct stg_buf; nothing returned needs freeing. */
#ifndef UI_RECALL_STORE_H
#define UI_RECALL_STORE_H

#include <stdbool.h>
#include <stddef.h>

#include "stigmem/buf.h"
#include "stigmem/client.h"
#include "stigmem/model.h"

#define RECALL_PRESET_NAME_MAX 64  /* bytes incl. NUL; names are [A-Za-z0-9._-]+ */
#define RECALL_PRESETS_MAX 64      /* presets kept in one file */

struct recall_preset {
	char name[RECALL_PRESET_NAME_MAX];
	struct stg_recall_weights w;
};

/* Path of the presets file: $XDG_CONFIG_HOME/stigmem-tui/presets, else
 * $HOME/.config/stigmem-tui/presets, written into buf. False when neither
 * variable is set or the path does not fit. */
bool recall_presets_path(char *buf, size_t size);

/* True when `name` is a valid preset name (1..63 bytes of [A-Za-z0-9._-]). */
bool recall_preset_name_ok(const char *name);

/* Read the presets file at `path` (lines "name lexical semantic graph
 * source_trust recency"; '#' comments and malformed lines skipped) into
 * out[0..max). Returns the number read; 0 when the file does not exist;
 * -1 on a read error. */
int recall_presets_load(const char *path, struct recall_preset *out, size_t max);

/* Add or replace preset `name` with `w` in the file at `path`: creates the
 * directory (mode 0700) when missing, writes "<path>.tmp.<pid>" and renames
 * it over `path` (atomic). Returns 0, or -1 with a message in msg. */
int recall_presets_save(const char *path, const char *name, const struct stg_recall_weights *w,
			char *msg, size_t msgsize);

/* Find preset `name` in the file at `path`; false when absent. */
bool recall_presets_get(const char *path, const char *name, struct stg_recall_weights *w);

/* The request `p` as a curl command line to base_url (trailing '/'
 * tolerated). The key is never included: the command sends
 * "Authorization: Bearer $STIGMEM_API_KEY". The body is the exact JSON the
 * client would send (stg_request_recall), shell-quoted. Appends to out;
 * false on OOM or when the request cannot be built. */
bool recall_export_curl(const struct stg_recall_params *p, const char *base_url,
			struct stg_buf *out);

/* The request `p` as a Python script calling the SDK client's recall()
 * with the same parameters (keyword names = body members); the key is read
 * from os.environ["STIGMEM_API_KEY"]. Appends to out; false on OOM. */
bool recall_export_python(const struct stg_recall_params *p, const char *base_url,
			  struct stg_buf *out);

/* Write `len` bytes to `path` atomically (temp file + rename, mode 0600).
 * Returns 0, or -1 with a message in msg. */
int recall_write_file(const char *path, const char *data, size_t len, char *msg,
		      size_t msgsize);

#endif
