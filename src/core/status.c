/* status.c — status names, messages and the error record. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "stigmem/status.h"

static const char *const status_messages[] = {
#define STG_X_MSG(name, msg) msg,
	STG_STATUS_LIST(STG_X_MSG)
#undef STG_X_MSG
};

static const char *const status_names[] = {
#define STG_X_NAME(name, msg) #name,
	STG_STATUS_LIST(STG_X_NAME)
#undef STG_X_NAME
};

const char *
stg_status_message(enum stg_status st)
{
	if ((unsigned)st >= STG_STATUS_COUNT)
		return "unknown status";
	return status_messages[st];
}

const char *
stg_status_name(enum stg_status st)
{
	if ((unsigned)st >= STG_STATUS_COUNT)
		return "STG_ERR_UNKNOWN";
	return status_names[st];
}

void
stg_error_clear(struct stg_error *err)
{
	if (err == NULL)
		return;
	memset(err, 0, sizeof *err);
	err->status = STG_OK;
}

enum stg_status
stg_error_set(struct stg_error *err, enum stg_status st, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return st;
	err->status = st;
	if (fmt == NULL) {
		snprintf(err->detail, sizeof err->detail, "%s", stg_status_message(st));
		return st;
	}
	va_start(ap, fmt);
	vsnprintf(err->detail, sizeof err->detail, fmt, ap);
	va_end(ap);
	return st;
}

enum stg_status
stg_status_from_http(long http_status)
{
	if (http_status < 400)
		return STG_OK;
	switch (http_status) {
	case 401:
	case 403:
		return STG_ERR_AUTH;
	case 404:
		return STG_ERR_NOT_FOUND;
	case 409:
		return STG_ERR_CONFLICT;
	case 429:
		return STG_ERR_RATE_LIMITED;
	default:
		return http_status >= 500 ? STG_ERR_SERVER : STG_ERR_HTTP;
	}
}
