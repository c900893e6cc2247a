/* async.c — the curl_multi engine behind stigmem/async.h. Every request gets
 * exactly one callback; callbacks run only in stg_async_perform() and
 * stg_async_free(). Transfers share http.c's setup and finish path. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "core/http_internal.h"
#include "stigmem/async.h"

enum areq_state {
	AREQ_RUNNING,                  /* easy handle is in the multi handle */
	AREQ_DONE,                     /* finished/failed/cancelled; callback pending */
};

struct areq {
	struct areq *next;
	uint64_t id;
	struct stg_request *req;       /* owned */
	stg_async_cb cb;
	void *userdata;
	struct stg_http_xfer xfer;
	enum areq_state state;
	uint64_t done_seq;             /* order in which requests became DONE */
	bool cancelled;
	bool setup_failed;             /* error already in `pre` (e.g. STG_ERR_INSECURE) */
	CURLcode rc;
	struct stg_error pre;
	struct stg_async_result *res; /* allocated at submit: delivery cannot fail */
};

struct stg_async {
	struct stg_client *client;     /* borrowed */
	CURLM *multi;
	struct areq *head;             /* submit order */
	struct areq *tail;
	uint64_t next_id;
	uint64_t done_counter;
	unsigned n_pending;
	unsigned n_done;
};

void
stg_async_result_free(struct stg_async_result *res)
{
	if (res == NULL)
		return;
	stg_arena_done(&res->arena);
	free(res);
}

struct stg_async *
stg_async_new(struct stg_client *client, struct stg_error *err)
{
	struct stg_async *eng;

	if (client == NULL) {
		stg_error_set(err, STG_ERR_USAGE, "no client");
		return NULL;
	}
	eng = calloc(1, sizeof *eng);
	if (eng == NULL) {
		stg_error_set(err, STG_ERR_NOMEM, "out of memory");
		return NULL;
	}
	eng->multi = curl_multi_init();
	if (eng->multi == NULL) {
		free(eng);
		stg_error_set(err, STG_ERR_TRANSPORT, "could not create a multi handle");
		return NULL;
	}
	/* At most STG_ASYNC_MAX_HOST_CONNECTIONS parallel connections to the
	 * node; further requests queue inside libcurl. */
	curl_multi_setopt(eng->multi, CURLMOPT_MAX_HOST_CONNECTIONS,
			  (long)STG_ASYNC_MAX_HOST_CONNECTIONS);
	eng->client = client;
	eng->next_id = 1;
	return eng;
}

static void
mark_done(struct stg_async *eng, struct areq *r)
{
	if (r->state == AREQ_DONE)
		return;
	r->state = AREQ_DONE;
	r->done_seq = ++eng->done_counter;
	eng->n_done++;
}

static void
unlink_req(struct stg_async *eng, struct areq *r)
{
	struct areq **pp, *prev = NULL;

	for (pp = &eng->head; *pp != NULL; prev = *pp, pp = &(*pp)->next) {
		if (*pp == r) {
			*pp = r->next;
			if (eng->tail == r)
				eng->tail = prev;
			r->next = NULL;
			return;
		}
	}
}

/* Build the result, free the request, run the callback. r is unlinked. */
static void
deliver(struct stg_async *eng, struct areq *r)
{
	struct stg_async_result *res = r->res;
	stg_async_cb cb = r->cb;
	void *ud = r->userdata;

	eng->n_pending--;
	eng->n_done--;
	stg_arena_init(&res->arena);
	res->id = r->id;
	res->kind = r->req->kind;
	res->method = r->req->method;
	res->target = stg_arena_strdup(&res->arena, r->req->target);
	if (r->cancelled) {
		stg_error_clear(&res->error);
		stg_error_set(&res->error, STG_ERR_CANCELLED, "request cancelled");
		res->info.latency_ms = stg_http_now_ms() - r->xfer.start_ms;
	} else if (r->setup_failed) {
		res->error = r->pre;
	} else {
		stg_http_xfer_finish(&r->xfer, r->rc, &res->arena, &res->value, &res->info,
				     &res->error);
	}
	res->status = res->error.status;
	if (res->status != STG_OK)
		res->value = NULL;
	stg_http_xfer_done(&r->xfer);
	stg_request_free(r->req);
	free(r);
	cb(res, ud);
}

uint64_t
stg_async_submit(struct stg_async *eng, struct stg_request *req, stg_async_cb cb, void *userdata,
		 struct stg_error *err)
{
	struct areq *r;

	if (eng == NULL || req == NULL || cb == NULL) {
		stg_request_free(req);
		stg_error_set(err, STG_ERR_USAGE, "no engine, request or callback");
		return 0;
	}
	r = calloc(1, sizeof *r);
	if (r != NULL)
		r->res = calloc(1, sizeof *r->res);
	if (r == NULL || r->res == NULL) {
		free(r);
		stg_request_free(req);
		stg_error_set(err, STG_ERR_NOMEM, "out of memory");
		return 0;
	}
	r->id = eng->next_id++;
	r->req = req;
	r->cb = cb;
	r->userdata = userdata;
	r->state = AREQ_RUNNING;
	stg_error_clear(&r->pre);
	if (stg_http_xfer_setup(&r->xfer, eng->client, req, &r->pre) != STG_OK) {
		r->setup_failed = true;
	} else {
		curl_easy_setopt(r->xfer.easy, CURLOPT_PRIVATE, (void *)r);
		if (curl_multi_add_handle(eng->multi, r->xfer.easy) != CURLM_OK) {
			r->setup_failed = true;
			stg_error_set(&r->pre, STG_ERR_TRANSPORT, "could not start the transfer");
		}
	}
	if (eng->tail != NULL)
		eng->tail->next = r;
	else
		eng->head = r;
	eng->tail = r;
	eng->n_pending++;
	if (r->setup_failed)
		mark_done(eng, r);
	return r->id;
}

bool
stg_async_cancel(struct stg_async *eng, uint64_t id)
{
	struct areq *r;

	if (eng == NULL || id == 0)
		return false;
	for (r = eng->head; r != NULL; r = r->next) {
		if (r->id != id)
			continue;
		if (r->cancelled)
			return true;
		if (r->state == AREQ_RUNNING && r->xfer.easy != NULL)
			curl_multi_remove_handle(eng->multi, r->xfer.easy);
		r->cancelled = true;
		mark_done(eng, r);
		return true;
	}
	return false;
}

static void
collect_finished(struct stg_async *eng)
{
	CURLMsg *msg;
	int left;

	while ((msg = curl_multi_info_read(eng->multi, &left)) != NULL) {
		struct areq *r;
		char *priv = NULL;

		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &priv);
		curl_multi_remove_handle(eng->multi, msg->easy_handle);
		if (priv == NULL)
			continue;
		r = (struct areq *)(void *)priv;
		r->rc = msg->data.result;
		mark_done(eng, r);
	}
}

int
stg_async_perform(struct stg_async *eng, struct stg_error *err)
{
	int running = 0, ran = 0;
	uint64_t horizon;
	CURLMcode mc;

	if (eng == NULL) {
		stg_error_set(err, STG_ERR_USAGE, "no engine");
		return -1;
	}
	mc = curl_multi_perform(eng->multi, &running);
	if (mc != CURLM_OK) {
		stg_error_set(err, STG_ERR_TRANSPORT, "curl_multi_perform: %s",
			      curl_multi_strerror(mc));
		return -1;
	}
	collect_finished(eng);
	/* Deliver what is done now; requests finishing inside callbacks
	 * (e.g. refused submissions) wait for the next call. */
	horizon = eng->done_counter;
	for (;;) {
		struct areq *r, *pick = NULL;

		for (r = eng->head; r != NULL; r = r->next)
			if (r->state == AREQ_DONE && r->done_seq <= horizon &&
			    (pick == NULL || r->done_seq < pick->done_seq))
				pick = r;
		if (pick == NULL)
			break;
		unlink_req(eng, pick);
		deliver(eng, pick);
		ran++;
	}
	return ran;
}

int
stg_async_wait(struct stg_async *eng, struct stg_pollfd *extra, unsigned n, int timeout_ms,
	       struct stg_error *err)
{
	struct curl_waitfd stackfds[8], *wfds = stackfds;
	unsigned i;
	int numfds = 0, ready = 0, t;
	CURLMcode mc;

	if (eng == NULL || (n > 0 && extra == NULL)) {
		stg_error_set(err, STG_ERR_USAGE, "no engine or fds");
		return -1;
	}
	if (n > 8) {
		wfds = calloc(n, sizeof *wfds);
		if (wfds == NULL) {
			stg_error_set(err, STG_ERR_NOMEM, "out of memory");
			return -1;
		}
	}
	for (i = 0; i < n; i++) {
		wfds[i].fd = extra[i].fd;
		wfds[i].events = (short)(((extra[i].events & STG_POLLIN) ? CURL_WAIT_POLLIN : 0) |
					 ((extra[i].events & STG_POLLPRI) ? CURL_WAIT_POLLPRI : 0) |
					 ((extra[i].events & STG_POLLOUT) ? CURL_WAIT_POLLOUT : 0));
		wfds[i].revents = 0;
		extra[i].revents = 0;
	}
	t = timeout_ms < 0 ? INT_MAX : timeout_ms;
	if (eng->n_done > 0)
		t = 0; /* callbacks are queued: do not sleep */
	mc = curl_multi_poll(eng->multi, wfds, n, t, &numfds);
	if (mc != CURLM_OK) {
		if (wfds != stackfds)
			free(wfds);
		stg_error_set(err, STG_ERR_TRANSPORT, "curl_multi_poll: %s", curl_multi_strerror(mc));
		return -1;
	}
	for (i = 0; i < n; i++) {
		short rv = wfds[i].revents;
		extra[i].revents = (short)(((rv & CURL_WAIT_POLLIN) ? STG_POLLIN : 0) |
					   ((rv & CURL_WAIT_POLLPRI) ? STG_POLLPRI : 0) |
					   ((rv & CURL_WAIT_POLLOUT) ? STG_POLLOUT : 0));
		if (rv != 0 && extra[i].revents == 0)
			extra[i].revents = STG_POLLIN; /* error/hangup: let the reader notice */
		if (extra[i].revents != 0)
			ready++;
	}
	if (wfds != stackfds)
		free(wfds);
	return ready;
}

long
stg_async_timeout_ms(struct stg_async *eng)
{
	long t = -1;

	if (eng == NULL || eng->n_pending == 0)
		return -1;
	if (eng->n_done > 0)
		return 0;
	if (curl_multi_timeout(eng->multi, &t) != CURLM_OK)
		return 0;
	return t;
}

unsigned
stg_async_pending(const struct stg_async *eng)
{
	return eng != NULL ? eng->n_pending : 0;
}

void
stg_async_wakeup(struct stg_async *eng)
{
	if (eng != NULL)
		curl_multi_wakeup(eng->multi);
}

void
stg_async_free(struct stg_async *eng)
{
	struct areq *r;

	if (eng == NULL)
		return;
	/* Cancel everything still pending; callbacks may submit more, which
	 * are cancelled in turn. */
	while ((r = eng->head) != NULL) {
		if (r->state == AREQ_RUNNING && r->xfer.easy != NULL)
			curl_multi_remove_handle(eng->multi, r->xfer.easy);
		mark_done(eng, r);
		r->cancelled = true;
		unlink_req(eng, r);
		deliver(eng, r);
	}
	curl_multi_cleanup(eng->multi);
	free(eng);
}
