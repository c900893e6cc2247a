/* stigmem/async.h — non-blocking requests on libcurl's multi interface, for
 * a single-threaded UI loop.
 *
 * The loop waits in ONE place:
 *
 *     for (;;) {
 *             struct stg_pollfd fds[2] = {{STDIN_FILENO, STG_POLLIN, 0},
 *                                         {sigpipe_rd, STG_POLLIN, 0}};
 *             int ui_ms = next_ui_timer_ms();
 *             stg_async_wait(eng, fds, 2, ui_ms, NULL);
 *             if (fds[0].revents) read_keys();
 *             if (fds[1].revents) drain_signals();
 *             stg_async_perform(eng, NULL);   // advances transfers, runs callbacks
 *             repaint();
 *     }
 *
 * Requests are described with the builders of client.h (the same ones the
 * blocking calls use) and run with the client's base URL, key, TLS
 * settings, connect/total timeouts and body cap; decoding is the same code
 * path as stg_client_execute().
 *
 * Callback contract: every request that stg_async_submit() accepted (nonzero
 * id) gets EXACTLY ONE callback — on success, on failure (including
 * STG_ERR_INSECURE, which is reported without any connection attempt), on
 * stg_async_cancel() (status STG_ERR_CANCELLED) and from stg_async_free()
 * for requests still pending (STG_ERR_CANCELLED). Callbacks run only inside
 * stg_async_perform() and stg_async_free(), never inside submit, cancel or
 * wait. A callback may submit or cancel other requests, but must not call
 * stg_async_free(). Requests are never retried automatically.
 *
 * Threads: all functions must be called from the thread that owns the
 * engine, except stg_async_wakeup(), which any thread may call. */
#ifndef STIGMEM_ASYNC_H
#define STIGMEM_ASYNC_H

#include <stdbool.h>
#include <stdint.h>

#include "stigmem/arena.h"
#include "stigmem/client.h"
#include "stigmem/status.h"

struct stg_async;

/* Parallel connections an engine opens to its node; more requests queue
 * (their total timeout keeps running while queued). */
#define STG_ASYNC_MAX_HOST_CONNECTIONS 8

/* The outcome of one request, handed to the callback. The callback takes
 * ownership and must eventually call stg_async_result_free() (immediately,
 * or later if a pane keeps showing the models). Everything `value` and
 * `info.body` point to lives in `arena` and dies with the result. */
struct stg_async_result {
	uint64_t id;                   /* the id stg_async_submit() returned */
	enum stg_decoder_kind kind;    /* decoder of the request; type of *value */
	enum stg_method method;        /* of the request, for message logs */
	const char *target;            /* path + encoded query as sent (in arena; no key) */
	enum stg_status status;        /* == error.status */
	struct stg_error error;        /* details when status != STG_OK */
	void *value;                   /* decoded model (see enum stg_decoder_kind), NULL on
	                                  error or for STG_KIND_NONE */
	struct stg_call_info info;     /* http status, latency, X-Total-Count, Retry-After,
	                                  raw body (for the raw-JSON view) */
	struct stg_arena arena;        /* owns value, info.body and everything they point to */
};

/* Frees the result, its arena and all models in it. NULL ok. */
void stg_async_result_free(struct stg_async_result *res);

/* Completion callback; owns `res` (never NULL) from now on (see above). */
typedef void (*stg_async_cb)(struct stg_async_result *res, void *userdata);

/* Create an engine for `client` (borrowed: it must outlive the engine).
 * NULL + err on failure. */
struct stg_async *stg_async_new(struct stg_client *client, struct stg_error *err);
/* Cancel every pending request (their callbacks run with
 * STG_ERR_CANCELLED, from inside this call), then free the engine. NULL ok. */
void stg_async_free(struct stg_async *eng);

/* Start `req` (takes ownership, also on failure). Returns a nonzero id, or
 * 0 with `err` set when the request was not accepted (NULL req or cb,
 * out of memory) — then no callback will follow. The transfer starts at
 * the next stg_async_perform(). `cb` is called once with `userdata`. */
uint64_t stg_async_submit(struct stg_async *eng, struct stg_request *req, stg_async_cb cb,
			  void *userdata, struct stg_error *err);

/* Stop a request: the transfer is aborted at once and its callback runs
 * with STG_ERR_CANCELLED in the next stg_async_perform(). Returns false
 * when the id is unknown or its callback already ran (then nothing happens). */
bool stg_async_cancel(struct stg_async *eng, uint64_t id);

/* Extra descriptors for stg_async_wait(). events/revents are STG_POLL* bits. */
#define STG_POLLIN 0x0001
#define STG_POLLPRI 0x0002
#define STG_POLLOUT 0x0004
struct stg_pollfd {
	int fd;
	short events;                  /* in */
	short revents;                 /* out: ready conditions, 0 if none */
};

/* Block until a transfer socket is ready, one of `extra` (n entries, may be
 * 0/NULL) is ready, stg_async_wakeup() was called, or timeout_ms passed
 * (< 0: no UI limit). The wait is additionally bounded by libcurl's own
 * timers, and returns at once when callbacks are queued. Fills
 * extra[i].revents. Returns the number of ready extra fds (>= 0), or -1
 * with `err` set when polling failed. */
int stg_async_wait(struct stg_async *eng, struct stg_pollfd *extra, unsigned n, int timeout_ms,
		   struct stg_error *err);

/* Advance every transfer without blocking and run the callbacks of all
 * finished or cancelled requests. Returns the number of callbacks run, or
 * -1 with `err` set on an engine failure. */
int stg_async_perform(struct stg_async *eng, struct stg_error *err);

/* Milliseconds until stg_async_perform() has timer work to do: 0 when
 * callbacks are queued or transfers are due, -1 when nothing is pending.
 * Useful when the loop waits elsewhere. */
long stg_async_timeout_ms(struct stg_async *eng);

/* Requests accepted whose callback has not run yet. */
unsigned stg_async_pending(const struct stg_async *eng);

/* Make a concurrent or future stg_async_wait() return early. Safe from any
 * thread (not from a signal handler: use a self-pipe fd for signals). */
void stg_async_wakeup(struct stg_async *eng);

#endif
