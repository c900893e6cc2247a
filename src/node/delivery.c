/* delivery.c — subscription event delivery: the reference node's sweep
 * (see lite_internal.h for the rules). One thread per node; it takes the
 * node lock only to read the due events and to record outcomes, never
 * while it talks to a webhook. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>

#include "node/lite_internal.h"

#define DELIVERY_BATCH 100
#define DELIVERY_TIMEOUT_MS 10000L
#define CIRCUIT_THRESHOLD 10
#define BACKOFF_MAX_S 300

struct delivery {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cond;
	bool stop;                   /* under mu */
	int stop_flag;               /* the same, read atomically during a POST */
	bool curl_ready;
};

enum outcome {
	OUT_DELIVERED,
	OUT_GONE,                    /* 410: cancel the subscription */
	OUT_FAILED,
	OUT_ABORTED,                 /* cut short by the node's stop: not recorded */
};

struct due_event {
	char *id, *sub_id, *event_type, *payload, *on_change, *address, *subscriber;
	int attempts;
	enum outcome out;
};

int
lite_delivery_schema(struct lite_node *n)
{
	return lite_exec(n, "CREATE TABLE IF NOT EXISTS sub_retry("
			    " event_id TEXT PRIMARY KEY, next_retry_at TEXT NOT NULL) WITHOUT ROWID;"
			    "CREATE INDEX IF NOT EXISTS sub_events_pending ON sub_events(created_at, seq)"
			    " WHERE delivery_status = 'pending';");
}

static char *
col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return strdup(t ? (const char *)t : "");
}

static void
due_free(struct due_event *e, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(e[i].id);
		free(e[i].sub_id);
		free(e[i].event_type);
		free(e[i].payload);
		free(e[i].on_change);
		free(e[i].address);
		free(e[i].subscriber);
	}
	free(e);
}

/* The due events (under the node lock). */
static struct due_event *
take_due(struct lite_node *n, size_t *count)
{
	*count = 0;
	char now[LITE_TS_MAX];
	lite_wall_now(now);
	sqlite3_stmt *st = lite_prepare(
		n, "SELECT e.id, e.subscription_id, e.event_type, e.payload, e.delivery_attempts,"
		   " s.on_change, s.delivery_address, s.subscriber_identity"
		   " FROM sub_events e JOIN subscriptions s ON s.id = e.subscription_id"
		   " LEFT JOIN sub_retry r ON r.event_id = e.id"
		   " WHERE e.delivery_status = 'pending' AND s.circuit_open = 0"
		   " AND (r.next_retry_at IS NULL OR r.next_retry_at <= ?1)"
		   " ORDER BY e.created_at, e.seq LIMIT ?2");
	if (!st)
		return NULL;
	sqlite3_bind_text(st, 1, now, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 2, DELIVERY_BATCH);
	struct due_event *ev = calloc(DELIVERY_BATCH, sizeof *ev);
	size_t k = 0;
	while (ev && k < DELIVERY_BATCH && sqlite3_step(st) == SQLITE_ROW) {
		struct due_event *e = &ev[k++];
		e->id = col_dup(st, 0);
		e->sub_id = col_dup(st, 1);
		e->event_type = col_dup(st, 2);
		e->payload = col_dup(st, 3);
		e->attempts = sqlite3_column_int(st, 4);
		e->on_change = col_dup(st, 5);
		e->address = col_dup(st, 6);
		e->subscriber = col_dup(st, 7);
		if (!e->id || !e->sub_id || !e->event_type || !e->payload || !e->on_change ||
		    !e->address || !e->subscriber) {
			due_free(ev, k);
			sqlite3_finalize(st);
			return NULL;
		}
	}
	sqlite3_finalize(st);
	*count = k;
	return ev;
}

/* JSON text with every non-ASCII character (and DEL) written as \uXXXX,
 * as Python's json.dumps does: the wake line is safe on any terminal.
 * Caller frees. */
static char *
ascii_json(const char *s)
{
	struct stg_buf b;
	stg_buf_init(&b);
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		unsigned c = *p;
		if (c < 0x7f) {
			stg_buf_append(&b, (const char *)p, 1);
			p++;
			continue;
		}
		unsigned cp = 0xFFFD;
		int len = 1;
		if (c >= 0xC2 && c <= 0xDF && (p[1] & 0xC0) == 0x80) {
			cp = (c & 0x1Fu) << 6 | (p[1] & 0x3Fu);
			len = 2;
		} else if (c >= 0xE0 && c <= 0xEF && (p[1] & 0xC0) == 0x80 &&
			   (p[2] & 0xC0) == 0x80) {
			cp = (c & 0x0Fu) << 12 | (p[1] & 0x3Fu) << 6 | (p[2] & 0x3Fu);
			len = 3;
		} else if (c >= 0xF0 && c <= 0xF4 && (p[1] & 0xC0) == 0x80 &&
			   (p[2] & 0xC0) == 0x80 && (p[3] & 0xC0) == 0x80) {
			cp = (c & 0x07u) << 18 | (p[1] & 0x3Fu) << 12 | (p[2] & 0x3Fu) << 6 |
			     (p[3] & 0x3Fu);
			len = 4;
		}
		if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) ||
		    (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000))
			cp = 0xFFFD;
		if (cp >= 0x10000) {
			cp -= 0x10000;
			stg_buf_printf(&b, "\\u%04x\\u%04x", 0xD800 + (cp >> 10), 0xDC00 + (cp & 0x3FF));
		} else {
			stg_buf_printf(&b, "\\u%04x", cp);
		}
		p += len;
	}
	return stg_buf_take(&b);
}

static void
wake(const struct due_event *e, cJSON *fact)
{
	char ts[LITE_TS_MAX];
	lite_wall_now(ts);
	cJSON *o = cJSON_CreateObject();
	cJSON *w = cJSON_AddObjectToObject(o, "stigmem_wake");
	cJSON_AddStringToObject(w, "event_id", e->id);
	cJSON_AddStringToObject(w, "subscription_id", e->sub_id);
	cJSON_AddStringToObject(w, "subscriber_identity", e->subscriber);
	cJSON_AddStringToObject(w, "delivery_address", e->address);
	cJSON_AddStringToObject(w, "event_type", e->event_type);
	cJSON_AddItemToObject(w, "fact", fact);
	cJSON_AddStringToObject(w, "ts", ts);
	char *txt = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	char *line = txt ? ascii_json(txt) : NULL;
	free(txt);
	if (line) {
		fprintf(stderr, "%s\n", line);
		fflush(stderr);
	}
	free(line);
}

static size_t
discard(char *p, size_t sz, size_t nm, void *ud)
{
	(void)p;
	(void)ud;
	return sz * nm;
}

static int
abort_on_stop(void *ud, curl_off_t a, curl_off_t b, curl_off_t c, curl_off_t d)
{
	(void)a;
	(void)b;
	(void)c;
	(void)d;
	struct delivery *dl = ud;
	return __atomic_load_n(&dl->stop_flag, __ATOMIC_ACQUIRE) ? 1 : 0;
}

static enum outcome
webhook(struct delivery *dl, const struct due_event *e, cJSON *fact)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "event_id", e->id);
	cJSON_AddStringToObject(o, "idempotency_key", e->id);
	cJSON_AddStringToObject(o, "subscription_id", e->sub_id);
	cJSON_AddStringToObject(o, "event_type", e->event_type);
	cJSON_AddItemToObject(o, "fact", fact);
	char *body = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	CURL *h = body ? curl_easy_init() : NULL;
	char idh[120];
	snprintf(idh, sizeof idh, "X-Stigmem-Event-Id: %s", e->id);
	struct curl_slist *hd = curl_slist_append(NULL, "Content-Type: application/json");
	struct curl_slist *hd2 = hd ? curl_slist_append(hd, idh) : NULL;
	struct curl_slist *hd3 = hd2 ? curl_slist_append(hd2, "Expect:") : NULL;
	enum outcome out = OUT_FAILED;
	if (h && hd3) {
		curl_easy_setopt(h, CURLOPT_URL, e->address);
		curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
		curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
		curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, DELIVERY_TIMEOUT_MS);
		curl_easy_setopt(h, CURLOPT_USERAGENT, "stigmem-lite/" STG_VERSION);
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, hd3);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
		curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
		curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
		curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, abort_on_stop);
		curl_easy_setopt(h, CURLOPT_XFERINFODATA, dl);
		long code = 0;
		CURLcode cc = curl_easy_perform(h);
		if (cc == CURLE_ABORTED_BY_CALLBACK)
			out = OUT_ABORTED;
		else if (cc == CURLE_OK &&
			 curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code) == CURLE_OK) {
			if (code == 410)
				out = OUT_GONE;
			else if (code >= 200 && code < 400)
				out = OUT_DELIVERED;
		}
	}
	curl_slist_free_all(hd3 ? hd3 : hd2 ? hd2 : hd);
	if (h)
		curl_easy_cleanup(h);
	free(body);
	return out;
}

static int
exec_bound(struct lite_node *n, const char *sql, const char *a, const char *b)
{
	sqlite3_stmt *st = lite_prepare(n, sql);
	if (!st)
		return -1;
	if (a)
		sqlite3_bind_text(st, 1, a, -1, SQLITE_TRANSIENT);
	if (b)
		sqlite3_bind_text(st, 2, b, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	sqlite3_finalize(st);
	return rc;
}

static int
record(struct lite_node *n, const struct due_event *e)
{
	char now[LITE_TS_MAX];
	lite_wall_now(now);
	int rc = 0;
	switch (e->out) {
	case OUT_DELIVERED:
		rc |= exec_bound(n, "UPDATE sub_events SET delivered_at=?2, delivery_status='delivered',"
				    " delivery_attempts=delivery_attempts+1 WHERE id=?1", e->id, now);
		rc |= exec_bound(n, "DELETE FROM sub_retry WHERE event_id=?1", e->id, NULL);
		rc |= exec_bound(n, "UPDATE subscriptions SET last_delivered_at=?2,"
				    " consecutive_failures=0 WHERE id=?1", e->sub_id, now);
		break;
	case OUT_GONE:
		rc |= exec_bound(n, "DELETE FROM sub_retry WHERE event_id IN"
				    " (SELECT id FROM sub_events WHERE subscription_id=?1)",
				 e->sub_id, NULL);
		rc |= exec_bound(n, "DELETE FROM sub_events WHERE subscription_id=?1", e->sub_id, NULL);
		rc |= exec_bound(n, "DELETE FROM subscriptions WHERE id=?1", e->sub_id, NULL);
		lite_log(n, "subscription %s cancelled: its webhook answered 410", e->sub_id);
		break;
	case OUT_ABORTED:
		break;
	case OUT_FAILED: {
		int attempts = e->attempts + 1;
		long backoff = attempts >= 9 ? BACKOFF_MAX_S : 1L << attempts;
		if (backoff > BACKOFF_MAX_S)
			backoff = BACKOFF_MAX_S;
		char next[LITE_TS_MAX];
		lite_wall_after((long long)backoff * 1000000LL, next);
		rc |= exec_bound(n, "UPDATE sub_events SET delivery_attempts=delivery_attempts+1"
				    " WHERE id=?1", e->id, NULL);
		rc |= exec_bound(n, "INSERT OR REPLACE INTO sub_retry(event_id, next_retry_at)"
				    " VALUES (?1, ?2)", e->id, next);
		rc |= exec_bound(n, "UPDATE subscriptions SET consecutive_failures="
				    "consecutive_failures+1 WHERE id=?1", e->sub_id, NULL);
		sqlite3_stmt *st = lite_prepare(n, "SELECT consecutive_failures FROM subscriptions"
						   " WHERE id=?");
		int fails = 0;
		if (st) {
			sqlite3_bind_text(st, 1, e->sub_id, -1, SQLITE_TRANSIENT);
			if (sqlite3_step(st) == SQLITE_ROW)
				fails = sqlite3_column_int(st, 0);
			sqlite3_finalize(st);
		}
		if (fails >= CIRCUIT_THRESHOLD) {
			rc |= exec_bound(n, "UPDATE subscriptions SET circuit_open=1 WHERE id=?1",
					 e->sub_id, NULL);
			rc |= exec_bound(n, "UPDATE sub_events SET delivery_status='failed' WHERE id=?1",
					 e->id, NULL);
			rc |= exec_bound(n, "DELETE FROM sub_retry WHERE event_id=?1", e->id, NULL);
			lite_log(n, "subscription %s: circuit open after %d failed deliveries",
				 e->sub_id, fails);
		}
		break;
	}
	}
	return rc;
}

/* One sweep: take the due events, deliver them, record the outcomes. */
static void
sweep(struct lite_node *n, struct delivery *dl)
{
	size_t count = 0;
	pthread_mutex_lock(&n->lock);
	struct due_event *ev = n->load_error[0] || n->loading ? NULL : take_due(n, &count);
	pthread_mutex_unlock(&n->lock);
	if (!ev)
		return;
	size_t done = 0;
	for (; done < count && !__atomic_load_n(&dl->stop_flag, __ATOMIC_ACQUIRE); done++) {
		struct due_event *e = &ev[done];
		cJSON *fact = lite_sub_payload(e->payload);
		if (strcmp(e->on_change, "wake") == 0) {
			wake(e, fact);
			e->out = OUT_DELIVERED;
		} else {
			e->out = webhook(dl, e, fact);
		}
	}
	pthread_mutex_lock(&n->lock);
	lite_loop_flush(n);
	if (done > 0 && lite_tx_begin(n) == 0) {
		int rc = 0;
		for (size_t i = 0; i < done; i++)
			rc |= record(n, &ev[i]);
		if (rc != 0 || lite_tx_commit(n) != 0) {
			lite_tx_rollback(n);
			lite_log(n, "delivery: could not record %zu outcomes", done);
		}
	}
	pthread_mutex_unlock(&n->lock);
	due_free(ev, count);
}

static void *
delivery_main(void *arg)
{
	struct lite_node *n = arg;
	struct delivery *dl = n->delivery_state;
	long ms = n->opt.delivery_interval_ms;
	pthread_mutex_lock(&dl->mu);
	while (!dl->stop) {
		struct timespec until;
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += ms / 1000;
		until.tv_nsec += (ms % 1000) * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		while (!dl->stop && pthread_cond_timedwait(&dl->cond, &dl->mu, &until) == 0)
			;
		if (dl->stop)
			break;
		pthread_mutex_unlock(&dl->mu);
		sweep(n, dl);
		pthread_mutex_lock(&dl->mu);
	}
	pthread_mutex_unlock(&dl->mu);
	return NULL;
}

int
lite_delivery_start(struct lite_node *n)
{
	if (n->opt.delivery_interval_ms <= 0)
		return 0;
	struct delivery *dl = calloc(1, sizeof *dl);
	if (!dl)
		return -1;
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_mutex_init(&dl->mu, NULL);
	pthread_cond_init(&dl->cond, &ca);
	pthread_condattr_destroy(&ca);
	dl->curl_ready = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
	n->delivery_state = dl;
	if (!dl->curl_ready || pthread_create(&dl->thread, NULL, delivery_main, n) != 0) {
		if (dl->curl_ready)
			curl_global_cleanup();
		pthread_cond_destroy(&dl->cond);
		pthread_mutex_destroy(&dl->mu);
		free(dl);
		n->delivery_state = NULL;
		return -1;
	}
	return 0;
}

void
lite_delivery_stop(struct lite_node *n)
{
	struct delivery *dl = n->delivery_state;
	if (!dl)
		return;
	pthread_mutex_lock(&dl->mu);
	dl->stop = true;
	__atomic_store_n(&dl->stop_flag, 1, __ATOMIC_RELEASE);
	pthread_cond_broadcast(&dl->cond);
	pthread_mutex_unlock(&dl->mu);
	pthread_join(dl->thread, NULL);
	curl_global_cleanup();
	pthread_cond_destroy(&dl->cond);
	pthread_mutex_destroy(&dl->mu);
	free(dl);
	n->delivery_state = NULL;
}
