/* client.c — client handle and the blocking calls (builder + execute). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/http_internal.h"
#include "stigmem/stigmem.h"

enum stg_status
stg_global_init(struct stg_error *err)
{
	CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);

	if (rc != CURLE_OK)
		return stg_error_set(err, STG_ERR_TRANSPORT, "curl_global_init: %s",
				     curl_easy_strerror(rc));
	return STG_OK;
}

void
stg_global_cleanup(void)
{
	curl_global_cleanup();
}

void
stg_client_options_init(struct stg_client_options *o)
{
	memset(o, 0, sizeof *o);
	o->base_url = "http://localhost:8765";
}

static char *
dup_or_null(const char *s, bool *oom)
{
	char *d;

	if (s == NULL)
		return NULL;
	d = strdup(s);
	if (d == NULL)
		*oom = true;
	return d;
}

static void
share_lock(CURL *h, curl_lock_data data, curl_lock_access access, void *ud)
{
	struct stg_client *c = ud;

	(void)h;
	(void)access;
	if ((unsigned)data < CURL_LOCK_DATA_LAST)
		pthread_mutex_lock(&c->share_lock[data]);
}

static void
share_unlock(CURL *h, curl_lock_data data, void *ud)
{
	struct stg_client *c = ud;

	(void)h;
	if ((unsigned)data < CURL_LOCK_DATA_LAST)
		pthread_mutex_unlock(&c->share_lock[data]);
}

/* A share handle holding the connection and DNS caches of the blocking
 * calls. Failure only costs keep-alive, so it is not an error. */
static void
share_setup(struct stg_client *c)
{
	pthread_mutexattr_t attr;
	int i;

	/* Recursive: libcurl may take a kind of data it already holds. */
	if (pthread_mutexattr_init(&attr) != 0)
		return;
	if (pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE) != 0) {
		pthread_mutexattr_destroy(&attr);
		return;
	}
	for (i = 0; i < CURL_LOCK_DATA_LAST; i++) {
		if (pthread_mutex_init(&c->share_lock[i], &attr) != 0) {
			while (i-- > 0)
				pthread_mutex_destroy(&c->share_lock[i]);
			pthread_mutexattr_destroy(&attr);
			return;
		}
	}
	pthread_mutexattr_destroy(&attr);
	c->share_lock_ok = true;
	c->share = curl_share_init();
	if (c->share == NULL)
		return;
	if (curl_share_setopt(c->share, CURLSHOPT_LOCKFUNC, share_lock) != CURLSHE_OK ||
	    curl_share_setopt(c->share, CURLSHOPT_UNLOCKFUNC, share_unlock) != CURLSHE_OK ||
	    curl_share_setopt(c->share, CURLSHOPT_USERDATA, c) != CURLSHE_OK ||
	    curl_share_setopt(c->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS) != CURLSHE_OK ||
	    curl_share_setopt(c->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT) != CURLSHE_OK) {
		curl_share_cleanup(c->share);
		c->share = NULL;
	}
}

void
stg_client_free(struct stg_client *c)
{
	if (c == NULL)
		return;
	if (c->idle_easy != NULL)
		curl_easy_cleanup(c->idle_easy);
	if (c->idle_lock_ok)
		pthread_mutex_destroy(&c->idle_lock);
	if (c->share != NULL)
		curl_share_cleanup(c->share);
	if (c->share_lock_ok)
		for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
			pthread_mutex_destroy(&c->share_lock[i]);
	if (c->auth_header != NULL) {
		explicit_bzero(c->auth_header, c->auth_header_len);
		free(c->auth_header);
	}
	free(c->base_url);
	free(c->ca_file);
	free(c->ca_dir);
	free(c->user_agent);
	free(c);
}

struct stg_client *
stg_client_new(const struct stg_client_options *opts, struct stg_error *err)
{
	struct stg_client *c;
	struct stat sb;
	char host[256];
	bool https = false, oom = false;
	size_t n;

	if (opts == NULL || opts->base_url == NULL) {
		stg_error_set(err, STG_ERR_USAGE, "no base URL");
		return NULL;
	}
	if (strpbrk(opts->base_url, " \t\r\n?#") != NULL ||
	    !stg_url_split(opts->base_url, &https, host, sizeof host)) {
		stg_error_set(err, STG_ERR_USAGE,
			      "base URL must be http://host[:port][/path] or https://…");
		return NULL;
	}
	if (opts->api_key != NULL && strpbrk(opts->api_key, "\r\n") != NULL) {
		stg_error_set(err, STG_ERR_USAGE, "API key contains a line break");
		return NULL;
	}
	if (opts->ca_file != NULL && (stat(opts->ca_file, &sb) != 0 || !S_ISREG(sb.st_mode))) {
		stg_error_set(err, STG_ERR_IO, "CA file not found: %s", opts->ca_file);
		return NULL;
	}
	if (opts->ca_dir != NULL && (stat(opts->ca_dir, &sb) != 0 || !S_ISDIR(sb.st_mode))) {
		stg_error_set(err, STG_ERR_IO, "CA directory not found: %s", opts->ca_dir);
		return NULL;
	}
	c = calloc(1, sizeof *c);
	if (c == NULL) {
		stg_error_set(err, STG_ERR_NOMEM, "out of memory");
		return NULL;
	}
	c->base_url = dup_or_null(opts->base_url, &oom);
	if (c->base_url != NULL) {
		n = strlen(c->base_url);
		while (n > 0 && c->base_url[n - 1] == '/')
			c->base_url[--n] = '\0';
	}
	if (opts->api_key != NULL && opts->api_key[0] != '\0') {
		static const char prefix[] = "Authorization: Bearer ";
		size_t kl = strlen(opts->api_key);

		c->auth_header_len = sizeof prefix - 1 + kl + 1;
		c->auth_header = malloc(c->auth_header_len);
		if (c->auth_header == NULL) {
			oom = true;
		} else {
			memcpy(c->auth_header, prefix, sizeof prefix - 1);
			memcpy(c->auth_header + sizeof prefix - 1, opts->api_key, kl + 1);
			c->key = c->auth_header + sizeof prefix - 1;
			c->key_len = kl;
		}
	}
	c->ca_file = dup_or_null(opts->ca_file, &oom);
	c->ca_dir = dup_or_null(opts->ca_dir, &oom);
	if (opts->user_agent != NULL) {
		c->user_agent = dup_or_null(opts->user_agent, &oom);
	} else {
		char ua[64];
		snprintf(ua, sizeof ua, "stigmem-tui/%s", stg_version());
		c->user_agent = dup_or_null(ua, &oom);
	}
	if (oom) {
		stg_client_free(c);
		stg_error_set(err, STG_ERR_NOMEM, "out of memory");
		return NULL;
	}
	share_setup(c);
	c->idle_lock_ok = pthread_mutex_init(&c->idle_lock, NULL) == 0;
	c->connect_timeout_ms =
		opts->connect_timeout_ms > 0 ? opts->connect_timeout_ms : STG_DEFAULT_CONNECT_TIMEOUT_MS;
	c->timeout_ms = opts->timeout_ms > 0 ? opts->timeout_ms : STG_DEFAULT_TIMEOUT_MS;
	c->insecure = opts->insecure;
	c->allow_insecure_key = opts->allow_insecure_key;
	c->is_https = https;
	c->is_loopback = stg_url_host_is_loopback(host);
	c->max_response = opts->max_response_bytes > 0 ? opts->max_response_bytes
						       : STG_DEFAULT_MAX_RESPONSE;
	c->decode_flags = opts->decode_flags;
	return c;
}

const char *
stg_client_base_url(const struct stg_client *c)
{
	return c->base_url;
}

bool
stg_client_tls_insecure(const struct stg_client *c)
{
	return c->insecure;
}

bool
stg_client_is_https(const struct stg_client *c)
{
	return c->is_https;
}

bool
stg_client_has_key(const struct stg_client *c)
{
	return c->key != NULL;
}

bool
stg_client_is_loopback(const struct stg_client *c)
{
	return c->is_loopback;
}

bool
stg_client_key_refused(const struct stg_client *c)
{
	return c->key != NULL && !c->is_https && !c->is_loopback && !c->allow_insecure_key;
}

/* The kept easy handle, or NULL (none kept, or another call has it). */
static CURL *
idle_take(struct stg_client *c)
{
	CURL *e = NULL;

	if (c->idle_lock_ok && pthread_mutex_trylock(&c->idle_lock) == 0) {
		e = c->idle_easy;
		c->idle_easy = NULL;
		pthread_mutex_unlock(&c->idle_lock);
	}
	return e;
}

/* Keep e for the next blocking call (reset now: it must not point at the
 * finished call's header list), or clean it up when one is kept already. */
static void
idle_put(struct stg_client *c, CURL *e)
{
	if (e == NULL)
		return;
	curl_easy_reset(e);
	if (c->idle_lock_ok && pthread_mutex_trylock(&c->idle_lock) == 0) {
		if (c->idle_easy == NULL) {
			c->idle_easy = e;
			e = NULL;
		}
		pthread_mutex_unlock(&c->idle_lock);
	}
	if (e != NULL)
		curl_easy_cleanup(e);
}

enum stg_status
stg_client_execute(struct stg_client *c, const struct stg_request *req, struct stg_arena *arena,
		   void **out, struct stg_call_info *info, struct stg_error *err)
{
	struct stg_http_xfer x;
	enum stg_status st;
	CURLcode rc;

	stg_error_clear(err);
	if (out != NULL)
		*out = NULL;
	if (info != NULL)
		memset(info, 0, sizeof *info);
	if (c == NULL || req == NULL)
		return stg_error_set(err, STG_ERR_USAGE, "no client or request");
	st = stg_http_xfer_setup_on(&x, c, req, idle_take(c), err);
	if (st != STG_OK) {
		stg_http_xfer_done(&x);
		return st;
	}
	if (c->share != NULL)
		curl_easy_setopt(x.easy, CURLOPT_SHARE, c->share);
	rc = curl_easy_perform(x.easy);
	st = stg_http_xfer_finish(&x, rc, arena, out, info, err);
	CURL *e = x.easy;
	x.easy = NULL;
	stg_http_xfer_done(&x);
	idle_put(c, e);
	return st;
}

/* Run a freshly built request (consumed) and hand back the typed model. */
static enum stg_status
run(struct stg_client *c, struct stg_request *req, struct stg_arena *arena, void **out,
    struct stg_call_info *info, struct stg_error *err)
{
	enum stg_status st;

	if (req == NULL) {
		if (out != NULL)
			*out = NULL;
		if (info != NULL)
			memset(info, 0, sizeof *info);
		return err != NULL ? err->status : STG_ERR_USAGE;
	}
	st = stg_client_execute(c, req, arena, out, info, err);
	stg_request_free(req);
	return st;
}

/* Each typed call: a builder, then run() through a void * temporary. */
#define TYPED(type, builder_call)                                          \
	do {                                                               \
		void *v = NULL;                                            \
		enum stg_status st_;                                       \
		stg_error_clear(err);                                      \
		st_ = run(c, builder_call, arena, &v, info, err);          \
		if (out != NULL)                                           \
			*out = st_ == STG_OK ? (type *)v : NULL;           \
		return st_;                                                \
	} while (0)

enum stg_status
stg_client_node_info(struct stg_client *c, struct stg_arena *arena, struct stg_node_info **out,
		     struct stg_call_info *info, struct stg_error *err)
{
	TYPED(struct stg_node_info, stg_request_node_info(err));
}

enum stg_status
stg_client_federation_status(struct stg_client *c, struct stg_arena *arena,
			     struct stg_peer_list **out, struct stg_call_info *info,
			     struct stg_error *err)
{
	TYPED(struct stg_peer_list, stg_request_peers(err));
}

enum stg_status
stg_client_me(struct stg_client *c, struct stg_arena *arena, struct stg_me **out,
	      struct stg_call_info *info, struct stg_error *err)
{
	TYPED(struct stg_me, stg_request_me(err));
}

enum stg_status
stg_client_healthz(struct stg_client *c, struct stg_arena *arena, struct stg_health **out,
		   struct stg_call_info *info, struct stg_error *err)
{
	TYPED(struct stg_health, stg_request_healthz(err));
}

enum stg_status
stg_client_assert_fact(struct stg_client *c, const struct stg_assert_params *p,
		       struct stg_arena *arena, struct stg_fact **out, struct stg_call_info *info,
		       struct stg_error *err)
{
	TYPED(struct stg_fact, stg_request_assert(p, err));
}

enum stg_status
stg_client_retract(struct stg_client *c, const struct stg_retract_params *p,
		   struct stg_arena *arena, struct stg_fact **out, struct stg_call_info *info,
		   struct stg_error *err)
{
	TYPED(struct stg_fact, stg_request_retract(p, err));
}

enum stg_status
stg_client_get_fact(struct stg_client *c, const char *id_or_cid, const char *session_id,
		    struct stg_arena *arena, struct stg_fact **out, struct stg_call_info *info,
		    struct stg_error *err)
{
	TYPED(struct stg_fact, stg_request_get_fact(id_or_cid, session_id, err));
}

enum stg_status
stg_client_query(struct stg_client *c, const struct stg_query_params *p, struct stg_arena *arena,
		 struct stg_fact_page **out, struct stg_call_info *info, struct stg_error *err)
{
	TYPED(struct stg_fact_page, stg_request_query(p, err));
}

enum stg_status
stg_client_recall(struct stg_client *c, const struct stg_recall_params *p,
		  struct stg_arena *arena, struct stg_recall_response **out,
		  struct stg_call_info *info, struct stg_error *err)
{
	TYPED(struct stg_recall_response, stg_request_recall(p, err));
}

enum stg_status
stg_client_get_card(struct stg_client *c, const char *entity_uri, const char *scope, bool refresh,
		    struct stg_arena *arena, struct stg_card **out, struct stg_call_info *info,
		    struct stg_error *err)
{
	TYPED(struct stg_card, stg_request_card(entity_uri, scope, refresh, err));
}

enum stg_status
stg_client_list_conflicts(struct stg_client *c, const struct stg_conflict_params *p,
			  struct stg_arena *arena, struct stg_conflict_page **out,
			  struct stg_call_info *info, struct stg_error *err)
{
	TYPED(struct stg_conflict_page, stg_request_conflicts(p, err));
}

enum stg_status
stg_client_resolve_conflict(struct stg_client *c, const struct stg_resolve_params *p,
			    struct stg_arena *arena, struct stg_resolution **out,
			    struct stg_call_info *info, struct stg_error *err)
{
	TYPED(struct stg_resolution, stg_request_resolve(p, err));
}

enum stg_status
stg_client_peers(struct stg_client *c, struct stg_arena *arena, struct stg_peer_list **out,
		 struct stg_call_info *info, struct stg_error *err)
{
	TYPED(struct stg_peer_list, stg_request_peers(err));
}

enum stg_status
stg_client_provenance(struct stg_client *c, const char *fact_id, struct stg_arena *arena,
		      struct stg_provenance **out, struct stg_call_info *info,
		      struct stg_error *err)
{
	TYPED(struct stg_provenance, stg_request_provenance(fact_id, err));
}

enum stg_status
stg_client_verify_cid(struct stg_client *c, const char *fact_id, struct stg_arena *arena,
		      struct stg_verify_cid_result **out, struct stg_call_info *info,
		      struct stg_error *err)
{
	TYPED(struct stg_verify_cid_result, stg_request_verify_cid(fact_id, err));
}

enum stg_status
stg_client_neighbors(struct stg_client *c, const struct stg_neighbors_params *p,
		     struct stg_arena *arena, struct stg_neighbors **out,
		     struct stg_call_info *info, struct stg_error *err)
{
	TYPED(struct stg_neighbors, stg_request_neighbors(p, err));
}

enum stg_status
stg_client_audit(struct stg_client *c, const struct stg_audit_params *p, struct stg_arena *arena,
		 struct stg_audit_page **out, struct stg_call_info *info, struct stg_error *err)
{
	TYPED(struct stg_audit_page, stg_request_audit(p, err));
}

enum stg_status
stg_client_subscription_create(struct stg_client *c, const struct stg_subscription_params *p,
			       struct stg_arena *arena, struct stg_subscription **out,
			       struct stg_call_info *info, struct stg_error *err)
{
	TYPED(struct stg_subscription, stg_request_subscription_create(p, err));
}

enum stg_status
stg_client_subscription_list(struct stg_client *c, struct stg_arena *arena,
			     struct stg_subscription_list **out, struct stg_call_info *info,
			     struct stg_error *err)
{
	TYPED(struct stg_subscription_list, stg_request_subscription_list(err));
}

enum stg_status
stg_client_subscription_get(struct stg_client *c, const char *id, struct stg_arena *arena,
			    struct stg_subscription **out, struct stg_call_info *info,
			    struct stg_error *err)
{
	TYPED(struct stg_subscription, stg_request_subscription_get(id, err));
}

enum stg_status
stg_client_subscription_delete(struct stg_client *c, const char *id, struct stg_arena *arena,
			       struct stg_call_info *info, struct stg_error *err)
{
	stg_error_clear(err);
	return run(c, stg_request_subscription_delete(id, err), arena, NULL, info, err);
}

enum stg_status
stg_client_subscription_events(struct stg_client *c, const struct stg_events_params *p,
			       struct stg_arena *arena, struct stg_event_page **out,
			       struct stg_call_info *info, struct stg_error *err)
{
	TYPED(struct stg_event_page, stg_request_subscription_events(p, err));
}
