/* tests/lib/responder.h — scripted HTTP/1.1 server on 127.0.0.1:<ephemeral>
 * for client fault tests. One accept thread plus one thread per connection
 * (plain sockets); every response closes its connection.
 *
 * Each incoming request consumes the next scripted step (in arrival order;
 * a step with `repeat` = N answers N requests). Requests beyond the script
 * get 599 "no scripted step". Every request is recorded (request line,
 * raw header block, body) for assertions. */
#ifndef STIGMEM_TESTS_RESPONDER_H
#define STIGMEM_TESTS_RESPONDER_H

#include <stdbool.h>
#include <stddef.h>

enum responder_fault {
	RESPONDER_OK = 0,              /* normal response */
	RESPONDER_TRUNCATE,            /* Content-Length of the full body, half sent, then close */
	RESPONDER_GARBAGE,             /* non-HTTP bytes instead of a response, then close */
	RESPONDER_HANG,                /* read the request, never answer (until the client leaves) */
	RESPONDER_HUGE,                /* 200 with huge_bytes of body, no Content-Length */
	RESPONDER_HUGE_DECLARED,       /* as HUGE but with Content-Length: huge_bytes */
	RESPONDER_CLOSE,               /* close without sending anything */
};

/* One scripted answer. Strings are copied by responder_add(). */
struct responder_step {
	const char *method;            /* expected method, recorded as a mismatch if different; NULL any */
	const char *path_prefix;       /* expected target prefix; NULL any */
	int status;                    /* 0: the fixture's status, else 200 */
	const char *headers;           /* extra "Name: value\r\n" lines, or NULL */
	const char *body;              /* body text, or NULL */
	const char *body_file;         /* body read from this file, or NULL */
	const char *fixture;           /* reference-node fixture (*.json): body_raw, status and
	                                  its response headers; path absolute */
	int delay_ms;                  /* wait before sending the status line */
	enum responder_fault fault;
	size_t huge_bytes;             /* for RESPONDER_HUGE* */
	int repeat;                    /* answers this many requests (0 = 1) */
};

/* One received request. Strings are NUL-terminated heap copies owned by the
 * responder (valid until responder_free). */
struct responder_request {
	char method[16];
	char *target;                  /* as sent: "/v1/facts?entity=…" */
	char *headers;                 /* raw header lines after the request line */
	char *body;
	size_t body_len;
	int step;                      /* index of the step that answered, -1 none */
	bool matched;                  /* method and path prefix were as expected */
};

struct responder;

/* Start listening on 127.0.0.1:0. NULL on failure. */
struct responder *responder_start(void);
/* Stop every thread (hanging connections are closed) and free. NULL ok. */
void responder_free(struct responder *r);
/* Append a step (false on OOM or unreadable body_file/fixture). Thread-safe. */
bool responder_add(struct responder *r, const struct responder_step *step);
/* "http://127.0.0.1:<port>" (borrowed). */
const char *responder_url(const struct responder *r);
int responder_port(const struct responder *r);
/* Number of requests received / connections accepted so far. */
int responder_count(struct responder *r);
int responder_connections(struct responder *r);
/* Most connections that were being served at the same time. */
int responder_max_active(struct responder *r);
/* The i-th received request (arrival order), or NULL. Borrowed. */
const struct responder_request *responder_request(struct responder *r, int i);
/* Copy the value of header `name` (case-insensitive) from a recorded
 * request into out[cap]; false when absent. */
bool responder_header(const struct responder_request *rq, const char *name, char *out,
		      size_t cap);
/* Wait until at least n requests arrived (or timeout_ms passed). */
bool responder_wait_requests(struct responder *r, int n, int timeout_ms);

/* "$STG_SHARED_DIR/fixtures/reference-node/<name>" into out; false (and a
 * message on stderr) when STG_SHARED_DIR is unset or the file is missing. */
bool responder_fixture_path(const char *name, char *out, size_t cap);

#endif
