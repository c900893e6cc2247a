/* stigmem/status.h — status codes and the error record of libstigmem.
 *
 * Every fallible call returns an enum stg_status and, where it takes one,
 * fills a caller-owned struct stg_error with details for display.
 * struct stg_error holds fixed-size buffers only: nothing to free.
 * Text copied from a node into `detail` is raw (not sanitized): pass it
 * through stg_text_sanitize() before showing it anywhere. */
#ifndef STIGMEM_STATUS_H
#define STIGMEM_STATUS_H

#include <stddef.h>

/* X(name, message). The order is part of the ABI; append only. */
#define STG_STATUS_LIST(X)                                                   \
	X(STG_OK, "ok")                                                      \
	X(STG_ERR_NOMEM, "out of memory")                                    \
	X(STG_ERR_USAGE, "invalid argument")                                 \
	X(STG_ERR_IO, "I/O error")                                           \
	X(STG_ERR_DECODE, "malformed response")                              \
	X(STG_ERR_TOO_LARGE, "response larger than the configured cap")      \
	X(STG_ERR_CONNECT, "could not connect to the node")                  \
	X(STG_ERR_TIMEOUT, "request timed out")                              \
	X(STG_ERR_TLS, "TLS error")                                          \
	X(STG_ERR_TRANSPORT, "transport error")                              \
	X(STG_ERR_CANCELLED, "request cancelled")                            \
	X(STG_ERR_INSECURE, "refusing to send the API key over plain HTTP")  \
	X(STG_ERR_HTTP, "HTTP error")                                        \
	X(STG_ERR_AUTH, "not authorized")                                    \
	X(STG_ERR_NOT_FOUND, "not found")                                    \
	X(STG_ERR_CONFLICT, "conflict")                                      \
	X(STG_ERR_RATE_LIMITED, "rate limited")                              \
	X(STG_ERR_VERIFY, "verification failed")                             \
	X(STG_ERR_SERVER, "node internal error")

enum stg_status {
#define STG_X_ENUM(name, msg) name,
	STG_STATUS_LIST(STG_X_ENUM)
#undef STG_X_ENUM
	STG_STATUS_COUNT
};

/* Static English message for a status; never NULL. */
const char *stg_status_message(enum stg_status st);
/* Static symbolic name ("STG_ERR_AUTH"); never NULL. */
const char *stg_status_name(enum stg_status st);

#define STG_ERROR_DETAIL_MAX 1024
#define STG_ERROR_CODE_MAX 64
#define STG_ERROR_WHERE_MAX 192

/* Details of a failure. Embedded by value; init with stg_error_clear(). */
struct stg_error {
	enum stg_status status;
	long http_status;                  /* 0 when no HTTP response was received */
	double retry_after;                /* seconds, 429 only (body or Retry-After); else 0 */
	char code[STG_ERROR_CODE_MAX];     /* stable node code ("cid_mismatch"), or "" */
	char where[STG_ERROR_WHERE_MAX];   /* decode errors: path of the bad field ("facts[3].confidence") */
	char detail[STG_ERROR_DETAIL_MAX]; /* human text: node detail rendered readably, or our message */
};

/* Reset to STG_OK with empty strings. `err` may be NULL (no-op). */
void stg_error_clear(struct stg_error *err);

/* Set status and a printf-style detail; returns `st` so callers can
 * `return stg_error_set(err, ...)`. `err` may be NULL. Truncates safely. */
enum stg_status stg_error_set(struct stg_error *err, enum stg_status st,
			      const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Map an HTTP status >= 400 to the error class the SDK uses:
 * 401/403 AUTH, 404 NOT_FOUND, 409 CONFLICT, 429 RATE_LIMITED, 5xx SERVER,
 * anything else HTTP. */
enum stg_status stg_status_from_http(long http_status);

#endif
