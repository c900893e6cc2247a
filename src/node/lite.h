/* lite.h — embedding API of stigmem-lite, a Stigmem-compatible node.
 *
 * Start a node inside any process (tests, `stigmem-tui --demo`, the
 * `stigmem-lite` binary), serve HTTP on HOST:PORT from libmicrohttpd's own
 * threads, stop it. The options struct mirrors the command-line flags of
 * stigmem-lite(1). */
#ifndef STIGMEM_LITE_H
#define STIGMEM_LITE_H

#include <stdbool.h>
#include <stddef.h>

struct lite_node;

enum lite_auth_mode {
	LITE_AUTH_DEFAULT = 0, /* none on a loopback listen address, required otherwise */
	LITE_AUTH_NONE,
	LITE_AUTH_REQUIRED
};

/* One fault-injection rule (--fault-*): applies to requests whose path
 * matches `route` (fnmatch(3) glob, NULL or "" = every route) with
 * probability `rate` (0..1; 0 disables the rule). */
struct lite_fault {
	double rate;
	const char *route;     /* borrowed */
	long value;            /* delay ms for delay, HTTP status for status; unused otherwise */
};

struct lite_options {
	const char *host;              /* listen address, default "127.0.0.1" (borrowed) */
	int port;                      /* default 8765; 0 = ephemeral (see lite_node_port) */
	const char *db_path;           /* default "stigmem-lite.db"; ":memory:" allowed (borrowed) */
	enum lite_auth_mode auth;
	bool allow_open_nonloopback;   /* permit auth none on a non-loopback address */
	const char *bootstrap_key_file;/* file holding the bootstrap admin key; refused when group/other readable */
	const char *bootstrap_key;     /* raw bootstrap key (e.g. from STIGMEM_LITE_BOOTSTRAP_KEY); borrowed */
	const char *bootstrap_entity;  /* principal of the bootstrap key, default "agent:admin" */
	const char *peers_file;        /* JSON peers list for GET /v1/federation/peers; NULL = none */
	const char *tl_path;           /* local transparency-log file, default "stigmem_tl.jsonl" */
	const char *node_url;          /* advertised URL; NULL = http://HOST:PORT */
	long checkpoint_interval;      /* default 1000 */
	long checkpoint_max_age_s;     /* default 60 */
	bool demo;                     /* load the --demo dataset on start (only into an empty db) */
	long generate;                 /* > 0: load --generate N synthetic facts on start */
	long generate_entities;        /* > 0: spread the generated facts over this many
					  entities (--generate-entities M); 0 = about N/10 */
	bool load_in_background;       /* serve at once and load the demo/generated data on a
					  thread; requests wait until it is loaded (lets an
					  embedding program draw before the data is in) */
	size_t max_body;               /* request body cap in bytes, default 1 MiB; larger => 413 */
	int threads;                   /* ignored: one event-loop thread serves every request
					  (kept so that older callers still build) */
	bool sync_full;                /* PRAGMA synchronous=FULL (fsync on every commit). Default
					  NORMAL: in WAL mode a committed write survives a crash or
					  kill -9 of the process; only an OS crash/power loss may drop
					  the last commits (the database stays consistent). */
	bool scratch;                  /* a throwaway database (the embedded demo's temporary
					  file): never synced to disk (PRAGMA synchronous=OFF) */
	bool sync_normal;              /* kept for callers written against the first header:
					  NORMAL is the default anyway; ignored */
	bool quiet;                    /* no log lines on stderr */
	bool embeddings;               /* semantic recall stage on (a small deterministic local
					  embedding, hashed character 3-grams; not a language
					  model). Off by default, like the reference node. */
	struct lite_fault fault_delay;   /* --fault-delay-ms MS[,RATE[,ROUTE]] */
	struct lite_fault fault_status;  /* --fault-status CODE[,RATE[,ROUTE]] */
	struct lite_fault fault_garbage; /* --fault-garbage RATE[,ROUTE] : non-JSON body, status 200 */
	struct lite_fault fault_truncate;/* --fault-truncate RATE[,ROUTE] : body cut in half */
	long quota_read_per_hour;      /* --quota-read N: fact_read bucket of each API key
					  (capacity and refill per hour), default 5000; 0 = unlimited */
	long quota_write_per_hour;     /* --quota-write N: fact_write bucket, default 1000; 0 = unlimited */
	long delivery_interval_ms;     /* --delivery-interval SEC: subscription event delivery sweep
					  (webhook POST / wake line on stderr) every this many ms,
					  default 30000 as the reference; <= 0 = no delivery */
};

/* Fill `o` with the defaults above. */
void lite_options_init(struct lite_options *o);

/* Open the database (creating/migrating it), load demo/generated data if
 * asked, and start serving. Returns a node to pass to lite_node_stop(), or
 * NULL with a message in err (err may be NULL). The options' strings are
 * copied; `o` may be discarded after the call. */
struct lite_node *lite_node_start(const struct lite_options *o, char *err, size_t err_cap);

/* The bound TCP port (the ephemeral one when port 0 was asked). */
int lite_node_port(const struct lite_node *n);

/* Stop serving, close the database, free the node. NULL is a no-op. */
void lite_node_stop(struct lite_node *n);

/* Parse "HOST:PORT" (also "[v6]:PORT" and ":PORT") into host (caller
 * frees *host) and port. Returns false on a malformed value. */
bool lite_parse_listen(const char *s, char **host, int *port);

/* Parse a fault spec "A[,RATE[,ROUTE]]" (first field a number: ms or
 * status; for garbage/truncate pass has_value=false and the spec is
 * "RATE[,ROUTE]"). `route` points into `spec` storage that the caller
 * keeps alive. Returns false when malformed. */
bool lite_parse_fault(char *spec, bool has_value, struct lite_fault *out);

#endif
