/* auth.c — API keys and request authentication of stigmem-lite (§2).
 * Keys are stored as HMAC-SHA256(node salt, raw key); raw keys are never
 * stored or logged. */
#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "node/lite_internal.h"

static const struct {
	const char *name;
	unsigned bit;
} perm_names[] = {
	/* sorted by name */
	{"admin", LITE_PERM_ADMIN},
	{"admin:federation", LITE_PERM_ADMIN_FEDERATION},
	{"audit.read", LITE_PERM_AUDIT_READ},
	{"federate", LITE_PERM_FEDERATE},
	{"instruction:write", LITE_PERM_INSTRUCTION_WRITE},
	{"read", LITE_PERM_READ},
	{"write", LITE_PERM_WRITE},
};

unsigned
lite_perm_bit(const char *name)
{
	for (size_t i = 0; i < sizeof perm_names / sizeof perm_names[0]; i++)
		if (strcmp(perm_names[i].name, name) == 0)
			return perm_names[i].bit;
	return 0;
}

cJSON *
lite_perms_json(unsigned perms)
{
	cJSON *a = cJSON_CreateArray();
	for (size_t i = 0; i < sizeof perm_names / sizeof perm_names[0]; i++)
		if (perms & perm_names[i].bit)
			cJSON_AddItemToArray(a, cJSON_CreateString(perm_names[i].name));
	return a;
}

static void
key_hash(const struct lite_node *n, const char *raw, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	HMAC(EVP_sha256(), n->key_salt, (int)sizeof n->key_salt, (const unsigned char *)raw,
	     strlen(raw), md, &mdlen);
	for (unsigned i = 0; i < 32 && i < mdlen; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	out[64] = 0;
}

static void
ts_seconds(time_t t, char out[LITE_TS_MAX])
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, LITE_TS_MAX, "%Y-%m-%dT%H:%M:%S+00:00", &tm);
}

int
lite_auth_add_key(struct lite_node *n, const char *raw_key, const char *entity_uri,
		  unsigned perms, const char *description, const char *tenant, char out_id[37],
		  char created_at[LITE_TS_MAX], char expires_at[LITE_TS_MAX])
{
	char h[65];
	key_hash(n, raw_key, h);
	time_t now = time(NULL);
	lite_uuid4(out_id);
	ts_seconds(now, created_at);
	if (expires_at)
		ts_seconds(now + 90 * 86400, expires_at);
	sqlite3_stmt *st = lite_prepare(
		n, "INSERT INTO api_keys(id, key_hash, entity_uri, permissions, description,"
		   " created_at, expires_at, tenant_id) VALUES (?,?,?,?,?,?,?,?)");
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, out_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, h, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, entity_uri, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, (int)perms);
	if (description)
		sqlite3_bind_text(st, 5, description, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, created_at, -1, SQLITE_STATIC);
	if (expires_at)
		sqlite3_bind_text(st, 7, expires_at, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, tenant ? tenant : "default", -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_CONSTRAINT)
		return 1; /* the same key is already registered */
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Look the raw key up. Returns 1 found (who filled), 0 not found. */
static int
key_lookup(struct lite_node *n, const char *raw, struct lite_principal *who)
{
	char h[65];
	key_hash(n, raw, h);
	char now[LITE_TS_MAX];
	ts_seconds(time(NULL), now);
	sqlite3_stmt *st = lite_prepare(
		n, "SELECT entity_uri, permissions, tenant_id FROM api_keys WHERE key_hash=?"
		   " AND revoked=0 AND (expires_at IS NULL OR expires_at > ?)");
	if (!st)
		return 0;
	sqlite3_bind_text(st, 1, h, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
	int found = 0;
	if (sqlite3_step(st) == SQLITE_ROW) {
		memset(who, 0, sizeof *who);
		snprintf(who->entity_uri, sizeof who->entity_uri, "%s",
			 (const char *)sqlite3_column_text(st, 0));
		who->perms = (unsigned)sqlite3_column_int(st, 1);
		snprintf(who->tenant_id, sizeof who->tenant_id, "%s",
			 (const char *)sqlite3_column_text(st, 2));
		found = 1;
	}
	sqlite3_finalize(st);
	return found;
}

static void
anon(struct lite_principal *who)
{
	memset(who, 0, sizeof *who);
	snprintf(who->entity_uri, sizeof who->entity_uri, "anon:trusted");
	snprintf(who->tenant_id, sizeof who->tenant_id, "default");
	who->perms = LITE_PERM_READ | LITE_PERM_WRITE | LITE_PERM_FEDERATE;
	who->anonymous = true;
}

bool
lite_auth_resolve(struct lite_req *rq, struct lite_resp *rs)
{
	struct lite_node *n = rq->node;
	const char *h = lite_req_header(rq, "Authorization");
	const char *tok = NULL;
	if (h) {
		while (*h == ' ')
			h++;
		if (strncasecmp(h, "bearer", 6) == 0 && (h[6] == ' ' || h[6] == '\t')) {
			tok = h + 7;
			while (*tok == ' ' || *tok == '\t')
				tok++;
			if (!*tok)
				tok = NULL;
		}
	}
	char tokbuf[1024];
	if (tok) {
		snprintf(tokbuf, sizeof tokbuf, "%s", tok);
		size_t l = strlen(tokbuf);
		while (l && isspace((unsigned char)tokbuf[l - 1]))
			tokbuf[--l] = 0;
		tok = tokbuf;
	}
	if (tok && key_lookup(n, tok, &rq->who))
		return true;
	if (!n->auth_required) {
		anon(&rq->who);
		return true;
	}
	lite_resp_detail(rs, 401, tok ? "Invalid or expired API key" : "Authorization header required");
	lite_resp_header(rs, "WWW-Authenticate", "Bearer");
	return false;
}

int
lite_auth_bootstrap(struct lite_node *n, char *err, size_t err_cap)
{
	char key[1024];
	key[0] = 0;
	if (n->opt.bootstrap_key_file) {
		int fd = open(n->opt.bootstrap_key_file, O_RDONLY | O_CLOEXEC);
		struct stat sb;
		if (fd < 0 || fstat(fd, &sb) != 0) {
			snprintf(err, err_cap, "cannot read bootstrap key file %s",
				 n->opt.bootstrap_key_file);
			if (fd >= 0)
				close(fd);
			return -1;
		}
		if (sb.st_mode & (S_IRWXG | S_IRWXO)) {
			snprintf(err, err_cap,
				 "bootstrap key file %s is accessible by group/other; chmod 600 it",
				 n->opt.bootstrap_key_file);
			close(fd);
			return -1;
		}
		ssize_t r = read(fd, key, sizeof key - 1);
		close(fd);
		if (r < 0)
			r = 0;
		key[r] = 0;
	} else if (n->opt.bootstrap_key) {
		snprintf(key, sizeof key, "%s", n->opt.bootstrap_key);
	} else {
		return 0;
	}
	size_t l = strlen(key);
	while (l && isspace((unsigned char)key[l - 1]))
		key[--l] = 0;
	if (l < 16) {
		OPENSSL_cleanse(key, sizeof key);
		snprintf(err, err_cap, "bootstrap key must be at least 16 characters");
		return -1;
	}
	char id[37], c[LITE_TS_MAX];
	int rc = lite_auth_add_key(n, key, n->bootstrap_entity,
				   LITE_PERM_ADMIN | LITE_PERM_READ | LITE_PERM_WRITE, "bootstrap",
				   "default", id, c, NULL);
	OPENSSL_cleanse(key, sizeof key);
	if (rc < 0) {
		snprintf(err, err_cap, "cannot store the bootstrap key");
		return -1;
	}
	return 0;
}
