/* tests/lib/responder.c — scripted loopback HTTP/1.1 server (see responder.h). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "responder.h"
#include "testdata.h"

struct rstep {
	char method[16];
	bool any_method;
	char *path_prefix;
	int status;
	char *headers;                 /* extra header lines, may be "" */
	char *body;
	size_t body_len;
	int delay_ms;
	enum responder_fault fault;
	size_t huge_bytes;
	int remaining;
	int index;
};

struct conn {
	struct responder *r;
	int fd;
	pthread_t th;
	struct conn *next;
};

struct responder {
	int listen_fd;
	int stop_pipe[2];
	int port;
	char url[64];
	pthread_t accept_th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct rstep *steps;
	int n_steps, cap_steps, next_step;
	struct responder_request **reqs;
	int n_reqs, cap_reqs;
	int n_conns;
	int active, max_active;         /* connections being served now / at most */
	struct conn *conns;
};

static char *
xstrdup(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

bool
responder_fixture_path(const char *name, char *out, size_t cap)
{
	const char *dir = getenv("STG_SHARED_DIR");
	struct stat sb;

	if (dir == NULL || dir[0] == '\0') {
		fprintf(stderr, "STG_SHARED_DIR is not set\n");
		return false;
	}
	snprintf(out, cap, "%s/fixtures/reference-node/%s", dir, name);
	if (stat(out, &sb) != 0) {
		fprintf(stderr, "fixture missing: %s\n", out);
		return false;
	}
	return true;
}

/* Load body_raw, status and response headers from a fixture file. */
static bool
load_fixture(struct rstep *s, const char *path)
{
	size_t len = 0;
	char *txt = tst_read_file(path, &len);
	cJSON *root, *raw, *st, *hdrs, *h;
	size_t hcap = 1, hlen = 0;

	if (txt == NULL)
		return false;
	root = cJSON_ParseWithLength(txt, len);
	free(txt);
	if (root == NULL)
		return false;
	raw = cJSON_GetObjectItemCaseSensitive(root, "body_raw");
	st = cJSON_GetObjectItemCaseSensitive(root, "status");
	hdrs = cJSON_GetObjectItemCaseSensitive(root, "headers");
	if (!cJSON_IsString(raw) || !cJSON_IsNumber(st)) {
		cJSON_Delete(root);
		return false;
	}
	free(s->body);
	s->body = strdup(raw->valuestring);
	s->body_len = strlen(raw->valuestring);
	if (s->status == 0)
		s->status = st->valueint;
	cJSON_ArrayForEach(h, hdrs) {
		if (cJSON_IsString(h))
			hcap += strlen(h->string) + strlen(h->valuestring) + 4;
	}
	{
		char *extra = malloc(hcap + strlen(s->headers) + 1);
		if (extra == NULL) {
			cJSON_Delete(root);
			return false;
		}
		hlen = (size_t)sprintf(extra, "%s", s->headers);
		cJSON_ArrayForEach(h, hdrs) {
			if (!cJSON_IsString(h) || strcasecmp(h->string, "content-length") == 0 ||
			    strcasecmp(h->string, "transfer-encoding") == 0 ||
			    strcasecmp(h->string, "connection") == 0)
				continue;
			hlen += (size_t)sprintf(extra + hlen, "%s: %s\r\n", h->string, h->valuestring);
		}
		free(s->headers);
		s->headers = extra;
	}
	cJSON_Delete(root);
	return s->body != NULL;
}

bool
responder_add(struct responder *r, const struct responder_step *in)
{
	struct rstep s;

	memset(&s, 0, sizeof s);
	if (in->method != NULL)
		snprintf(s.method, sizeof s.method, "%s", in->method);
	s.any_method = in->method == NULL;
	s.path_prefix = xstrdup(in->path_prefix);
	s.status = in->status;
	s.headers = strdup(in->headers != NULL ? in->headers : "");
	s.delay_ms = in->delay_ms;
	s.fault = in->fault;
	s.huge_bytes = in->huge_bytes;
	s.remaining = in->repeat > 0 ? in->repeat : 1;
	if (in->body != NULL) {
		s.body = strdup(in->body);
		s.body_len = strlen(in->body);
	} else if (in->body_file != NULL) {
		s.body = tst_read_file(in->body_file, &s.body_len);
		if (s.body == NULL)
			goto fail;
	}
	if (in->fixture != NULL && !load_fixture(&s, in->fixture))
		goto fail;
	if (s.status == 0)
		s.status = 200;
	if (s.headers == NULL)
		goto fail;
	pthread_mutex_lock(&r->mu);
	if (r->n_steps == r->cap_steps) {
		int nc = r->cap_steps ? r->cap_steps * 2 : 16;
		struct rstep *ns = realloc(r->steps, (size_t)nc * sizeof *ns);
		if (ns == NULL) {
			pthread_mutex_unlock(&r->mu);
			goto fail;
		}
		r->steps = ns;
		r->cap_steps = nc;
	}
	s.index = r->n_steps;
	r->steps[r->n_steps++] = s;
	pthread_mutex_unlock(&r->mu);
	return true;
fail:
	free(s.path_prefix);
	free(s.headers);
	free(s.body);
	return false;
}

static bool
send_all(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n > 0) {
		ssize_t k = send(fd, c, n, MSG_NOSIGNAL);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return false;
		}
		c += k;
		n -= (size_t)k;
	}
	return true;
}

/* Wait for fd readable or stop; returns 1 readable, 0 timeout, -1 stop/error. */
static int
wait_readable(struct responder *r, int fd, int timeout_ms)
{
	struct pollfd p[2] = {{fd, POLLIN, 0}, {r->stop_pipe[0], POLLIN, 0}};
	int n = fd >= 0 ? 2 : 1;
	struct pollfd *pp = fd >= 0 ? p : p + 1;
	int k;

	do
		k = poll(pp, (nfds_t)n, timeout_ms);
	while (k < 0 && errno == EINTR);
	if (k < 0 || p[1].revents != 0)
		return -1;
	return k == 0 ? 0 : 1;
}

static void
sleep_ms(struct responder *r, int ms)
{
	if (ms > 0)
		wait_readable(r, -1, ms);
}

static const char *
reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 422: return "Unprocessable Entity";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	default: return "Status";
	}
}

/* Read one request; fills rq. False when the client went away. */
static bool
read_request(struct responder *r, int fd, struct responder_request *rq)
{
	size_t cap = 4096, len = 0, hlen = 0, need = 0;
	char *buf = malloc(cap);
	long clen = 0;

	if (buf == NULL)
		return false;
	while (hlen == 0 || len < need) {
		ssize_t k;

		if (len + 1 >= cap) {
			char *nb = realloc(buf, cap * 2);
			if (nb == NULL)
				goto fail;
			buf = nb;
			cap *= 2;
		}
		if (wait_readable(r, fd, 10000) != 1)
			goto fail;
		k = recv(fd, buf + len, cap - len - 1, 0);
		if (k <= 0)
			goto fail;
		len += (size_t)k;
		buf[len] = '\0';
		if (buf[0] < 'A' || buf[0] > 'Z')
			goto fail; /* not HTTP (e.g. a TLS ClientHello): hang up */
		if (hlen == 0) {
			char *e = strstr(buf, "\r\n\r\n");
			if (e != NULL) {
				char *cl;
				hlen = (size_t)(e - buf) + 4;
				*e = '\0';
				cl = strcasestr(buf, "\r\nContent-Length:");
				if (cl != NULL)
					clen = strtol(cl + 17, NULL, 10);
				*e = '\r';
				need = hlen + (size_t)(clen > 0 ? clen : 0);
			}
		}
	}
	{
		char *line_end = strstr(buf, "\r\n");
		char *sp1, *sp2, *hstart;

		*line_end = '\0';
		sp1 = strchr(buf, ' ');
		sp2 = sp1 != NULL ? strchr(sp1 + 1, ' ') : NULL;
		if (sp1 == NULL || sp2 == NULL)
			goto fail;
		snprintf(rq->method, sizeof rq->method, "%.*s", (int)(sp1 - buf), buf);
		rq->target = strndup(sp1 + 1, (size_t)(sp2 - sp1 - 1));
		hstart = line_end + 2;
		rq->headers = strndup(hstart, (size_t)(buf + hlen - 2 - hstart));
		rq->body_len = need - hlen;
		rq->body = malloc(rq->body_len + 1);
		if (rq->body != NULL) {
			memcpy(rq->body, buf + hlen, rq->body_len);
			rq->body[rq->body_len] = '\0';
		}
	}
	free(buf);
	return rq->target != NULL && rq->headers != NULL && rq->body != NULL;
fail:
	free(buf);
	return false;
}

static void
serve(struct responder *r, int fd)
{
	struct responder_request *rq = calloc(1, sizeof *rq);
	struct rstep step;
	bool have = false;
	char head[512];
	int n;

	if (rq == NULL)
		return;
	rq->step = -1;
	if (!read_request(r, fd, rq)) {
		free(rq->target);
		free(rq->headers);
		free(rq->body);
		free(rq);
		return;
	}
	memset(&step, 0, sizeof step);
	pthread_mutex_lock(&r->mu);
	while (r->next_step < r->n_steps && r->steps[r->next_step].remaining <= 0)
		r->next_step++;
	if (r->next_step < r->n_steps) {
		struct rstep *s = &r->steps[r->next_step];
		s->remaining--;
		step = *s; /* shallow: strings stay owned by the script */
		have = true;
		rq->step = s->index;
		rq->matched = (s->any_method || strcmp(s->method, rq->method) == 0) &&
			      (s->path_prefix == NULL ||
			       strncmp(rq->target, s->path_prefix, strlen(s->path_prefix)) == 0);
	}
	if (r->n_reqs == r->cap_reqs) {
		int nc = r->cap_reqs ? r->cap_reqs * 2 : 32;
		struct responder_request **nr = realloc(r->reqs, (size_t)nc * sizeof *nr);
		if (nr != NULL) {
			r->reqs = nr;
			r->cap_reqs = nc;
		}
	}
	if (r->n_reqs < r->cap_reqs) {
		r->reqs[r->n_reqs++] = rq;
	} else {
		free(rq->target);
		free(rq->headers);
		free(rq->body);
		free(rq);
	}
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);

	if (!have) {
		static const char msg[] = "HTTP/1.1 599 Status\r\nContent-Type: text/plain\r\n"
					  "Content-Length: 17\r\nConnection: close\r\n\r\n"
					  "no scripted step\n";
		send_all(fd, msg, sizeof msg - 1);
		return;
	}
	sleep_ms(r, step.delay_ms);
	switch (step.fault) {
	case RESPONDER_CLOSE:
		return;
	case RESPONDER_GARBAGE: {
		static const char junk[] = "\x16\x03\x01\xff\xfe garbage, not HTTP at all \x00\x01\r\n\r\n";
		send_all(fd, junk, sizeof junk - 1);
		return;
	}
	case RESPONDER_HANG:
		/* Until the client hangs up or the responder stops. */
		for (;;) {
			char tmp[256];
			if (wait_readable(r, fd, -1) != 1)
				return;
			if (recv(fd, tmp, sizeof tmp, 0) <= 0)
				return;
		}
	case RESPONDER_HUGE:
	case RESPONDER_HUGE_DECLARED: {
		static char chunk[16384];
		size_t sent = 0;

		memset(chunk, ' ', sizeof chunk);
		if (step.fault == RESPONDER_HUGE_DECLARED)
			n = snprintf(head, sizeof head,
				     "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
				     "Content-Length: %zu\r\nConnection: close\r\n\r\n",
				     step.huge_bytes);
		else
			n = snprintf(head, sizeof head,
				     "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
				     "Connection: close\r\n\r\n");
		if (!send_all(fd, head, (size_t)n))
			return;
		while (sent < step.huge_bytes) {
			size_t k = step.huge_bytes - sent < sizeof chunk ? step.huge_bytes - sent
									 : sizeof chunk;
			if (!send_all(fd, chunk, k))
				return;
			sent += k;
		}
		return;
	}
	case RESPONDER_OK:
	case RESPONDER_TRUNCATE:
		break;
	}
	n = snprintf(head, sizeof head, "HTTP/1.1 %d %s\r\nContent-Length: %zu\r\nConnection: close\r\n",
		     step.status, reason(step.status), step.body_len);
	if (!send_all(fd, head, (size_t)n))
		return;
	if (strcasestr(step.headers, "content-type:") == NULL && step.body_len > 0)
		send_all(fd, "Content-Type: application/json\r\n", 32);
	send_all(fd, step.headers, strlen(step.headers));
	send_all(fd, "\r\n", 2);
	if (step.body_len > 0)
		send_all(fd, step.body,
			 step.fault == RESPONDER_TRUNCATE ? step.body_len / 2 : step.body_len);
}

static void *
conn_main(void *arg)
{
	struct conn *c = arg;

	struct responder *r = c->r;

	pthread_mutex_lock(&r->mu);
	if (++r->active > r->max_active)
		r->max_active = r->active;
	pthread_mutex_unlock(&r->mu);
	serve(r, c->fd);
	shutdown(c->fd, SHUT_RDWR);
	close(c->fd);
	pthread_mutex_lock(&r->mu);
	r->active--;
	pthread_mutex_unlock(&r->mu);
	return NULL;
}

static void *
accept_main(void *arg)
{
	struct responder *r = arg;

	for (;;) {
		struct conn *c;
		int fd;

		if (wait_readable(r, r->listen_fd, -1) != 1)
			return NULL;
		fd = accept(r->listen_fd, NULL, NULL);
		if (fd < 0)
			continue;
		c = calloc(1, sizeof *c);
		if (c == NULL) {
			close(fd);
			continue;
		}
		c->r = r;
		c->fd = fd;
		pthread_mutex_lock(&r->mu);
		r->n_conns++;
		c->next = r->conns;
		r->conns = c;
		pthread_mutex_unlock(&r->mu);
		if (pthread_create(&c->th, NULL, conn_main, c) != 0) {
			close(fd);
			c->fd = -1;
		}
	}
}

struct responder *
responder_start(void)
{
	struct responder *r = calloc(1, sizeof *r);
	struct sockaddr_in sa;
	socklen_t sl = sizeof sa;
	int one = 1;

	if (r == NULL)
		return NULL;
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->cv, NULL);
	r->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (r->listen_fd < 0 || pipe(r->stop_pipe) != 0)
		goto fail;
	setsockopt(r->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = 0;
	if (bind(r->listen_fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
	    listen(r->listen_fd, 128) != 0 ||
	    getsockname(r->listen_fd, (struct sockaddr *)&sa, &sl) != 0)
		goto fail;
	r->port = ntohs(sa.sin_port);
	snprintf(r->url, sizeof r->url, "http://127.0.0.1:%d", r->port);
	if (pthread_create(&r->accept_th, NULL, accept_main, r) != 0)
		goto fail;
	return r;
fail:
	if (r->listen_fd >= 0)
		close(r->listen_fd);
	free(r);
	return NULL;
}

void
responder_free(struct responder *r)
{
	struct conn *c, *next;
	int i;

	if (r == NULL)
		return;
	if (write(r->stop_pipe[1], "x", 1) != 1)
		perror("responder stop");
	pthread_join(r->accept_th, NULL);
	for (c = r->conns; c != NULL; c = next) {
		next = c->next;
		if (c->fd >= 0)
			pthread_join(c->th, NULL);
		free(c);
	}
	close(r->listen_fd);
	close(r->stop_pipe[0]);
	close(r->stop_pipe[1]);
	for (i = 0; i < r->n_steps; i++) {
		free(r->steps[i].path_prefix);
		free(r->steps[i].headers);
		free(r->steps[i].body);
	}
	free(r->steps);
	for (i = 0; i < r->n_reqs; i++) {
		free(r->reqs[i]->target);
		free(r->reqs[i]->headers);
		free(r->reqs[i]->body);
		free(r->reqs[i]);
	}
	free(r->reqs);
	pthread_mutex_destroy(&r->mu);
	pthread_cond_destroy(&r->cv);
	free(r);
}

const char *
responder_url(const struct responder *r)
{
	return r->url;
}

int
responder_port(const struct responder *r)
{
	return r->port;
}

int
responder_count(struct responder *r)
{
	int n;

	pthread_mutex_lock(&r->mu);
	n = r->n_reqs;
	pthread_mutex_unlock(&r->mu);
	return n;
}

int
responder_connections(struct responder *r)
{
	int n;

	pthread_mutex_lock(&r->mu);
	n = r->n_conns;
	pthread_mutex_unlock(&r->mu);
	return n;
}

int
responder_max_active(struct responder *r)
{
	int n;

	pthread_mutex_lock(&r->mu);
	n = r->max_active;
	pthread_mutex_unlock(&r->mu);
	return n;
}

const struct responder_request *
responder_request(struct responder *r, int i)
{
	const struct responder_request *rq = NULL;

	pthread_mutex_lock(&r->mu);
	if (i >= 0 && i < r->n_reqs)
		rq = r->reqs[i];
	pthread_mutex_unlock(&r->mu);
	return rq;
}

bool
responder_header(const struct responder_request *rq, const char *name, char *out, size_t cap)
{
	const char *p = rq->headers;
	size_t k = strlen(name);

	while (p != NULL && *p != '\0') {
		const char *e = strstr(p, "\r\n");
		size_t n = e != NULL ? (size_t)(e - p) : strlen(p);

		if (n > k && strncasecmp(p, name, k) == 0 && p[k] == ':') {
			const char *v = p + k + 1;
			while (*v == ' ' || *v == '\t')
				v++;
			snprintf(out, cap, "%.*s", (int)(n - (size_t)(v - p)), v);
			return true;
		}
		p = e != NULL ? e + 2 : NULL;
	}
	return false;
}

bool
responder_wait_requests(struct responder *r, int n, int timeout_ms)
{
	struct timespec ts;
	bool ok;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += timeout_ms / 1000;
	ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&r->mu);
	while (r->n_reqs < n)
		if (pthread_cond_timedwait(&r->cv, &r->mu, &ts) != 0)
			break;
	ok = r->n_reqs >= n;
	pthread_mutex_unlock(&r->mu);
	return ok;
}
