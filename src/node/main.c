/* main.c — the stigmem-lite command (see man/stigmem-lite.1). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "node/demo.h"
#include "node/lite.h"

static volatile sig_atomic_t stop_flag;

static void
on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

static void
usage(FILE *f)
{
	fputs("usage: stigmem-lite [options]\n"
	      "  --listen HOST:PORT          listen address (default 127.0.0.1:8765; port 0 = ephemeral)\n"
	      "  --db PATH                   SQLite database (default stigmem-lite.db; :memory: allowed)\n"
	      "  --auth none|required        authentication (default: none on loopback, else required)\n"
	      "  --bootstrap-key-file PATH   admin key file (must not be group/other readable)\n"
	      "                              (or STIGMEM_LITE_BOOTSTRAP_KEY in the environment)\n"
	      "  --bootstrap-entity URI      principal of the bootstrap key (default agent:admin)\n"
	      "  --peers FILE                JSON list served by GET /v1/federation/peers\n"
	      "  --demo                      load the demo dataset into an empty database\n"
	      "  --embeddings                semantic recall stage on (local hashed 3-gram embedding)\n"
	      "  --generate N                load N deterministic synthetic facts\n"
	      "  --generate-entities M       spread the --generate facts over M entities\n"
	      "  --checkpoint-interval N     facts per fact-chain checkpoint (default 1000)\n"
	      "  --checkpoint-max-age SEC    cut a checkpoint when the last is older (default 60)\n"
	      "  --tl-file PATH              local transparency log (default stigmem_tl.jsonl)\n"
	      "  --max-body BYTES            request body cap, larger => 413 (default 1048576)\n"
	      "  --threads N                 ignored; kept for old scripts (one event loop)\n"
	      "  --sync normal|full          SQLite synchronous mode (default normal)\n"
	      "  --fault-delay-ms MS[,RATE[,ROUTE]]   delay matching requests\n"
	      "  --fault-status CODE[,RATE[,ROUTE]]   answer CODE instead\n"
	      "  --fault-garbage RATE[,ROUTE]         answer a non-JSON body\n"
	      "  --fault-truncate RATE[,ROUTE]        cut the body in half and close\n"
	      "  --quota-read N              fact_read requests per hour per API key (default 5000; 0 = unlimited)\n"
	      "  --quota-write N             fact_write requests per hour per API key (default 1000; 0 = unlimited)\n"
	      "  --delivery-interval SEC     deliver subscription events every SEC seconds (default 30;\n"
	      "                              decimals allowed; 0 = never)\n"
	      "  --quiet                     no log lines\n"
	      "  --help, --version\n",
	      f);
}

static long
num_arg(const char *opt, const char *v, long min)
{
	char *end;
	errno = 0;
	long x = v ? strtol(v, &end, 10) : 0;
	if (!v || !*v || *end || errno || x < min) {
		fprintf(stderr, "stigmem-lite: %s needs a number >= %ld\n", opt, min);
		exit(2);
	}
	return x;
}

int
main(int argc, char **argv)
{
	struct lite_options o;
	lite_options_init(&o);
	char *host = NULL;
	bool demo_interval_set = false;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
#define NEEDV()                                                                      \
	do {                                                                         \
		if (!v) {                                                            \
			fprintf(stderr, "stigmem-lite: %s needs a value\n", a);      \
			return 2;                                                    \
		}                                                                    \
		i++;                                                                 \
	} while (0)
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			return 0;
		} else if (strcmp(a, "--version") == 0) {
			printf("stigmem-lite %s\n", STG_VERSION);
			return 0;
		} else if (strcmp(a, "--listen") == 0) {
			NEEDV();
			free(host);
			host = NULL;
			if (!lite_parse_listen(v, &host, &o.port)) {
				fprintf(stderr, "stigmem-lite: bad --listen %s (HOST:PORT)\n", v);
				return 2;
			}
			o.host = host;
		} else if (strcmp(a, "--db") == 0) {
			NEEDV();
			o.db_path = v;
		} else if (strcmp(a, "--auth") == 0) {
			NEEDV();
			if (strcmp(v, "none") == 0)
				o.auth = LITE_AUTH_NONE;
			else if (strcmp(v, "required") == 0)
				o.auth = LITE_AUTH_REQUIRED;
			else {
				fprintf(stderr, "stigmem-lite: --auth none|required\n");
				return 2;
			}
		} else if (strcmp(a, "--bootstrap-key-file") == 0) {
			NEEDV();
			o.bootstrap_key_file = v;
		} else if (strcmp(a, "--bootstrap-entity") == 0) {
			NEEDV();
			o.bootstrap_entity = v;
		} else if (strcmp(a, "--peers") == 0) {
			NEEDV();
			o.peers_file = v;
		} else if (strcmp(a, "--demo") == 0) {
			o.demo = true;
		} else if (strcmp(a, "--generate") == 0) {
			NEEDV();
			o.generate = num_arg(a, v, 1);
		} else if (strcmp(a, "--generate-entities") == 0) {
			NEEDV();
			o.generate_entities = num_arg(a, v, 1);
		} else if (strcmp(a, "--checkpoint-interval") == 0) {
			NEEDV();
			o.checkpoint_interval = num_arg(a, v, 1);
			demo_interval_set = true;
		} else if (strcmp(a, "--checkpoint-max-age") == 0) {
			NEEDV();
			o.checkpoint_max_age_s = num_arg(a, v, 1);
		} else if (strcmp(a, "--tl-file") == 0) {
			NEEDV();
			o.tl_path = v;
		} else if (strcmp(a, "--max-body") == 0) {
			NEEDV();
			o.max_body = (size_t)num_arg(a, v, 64);
		} else if (strcmp(a, "--threads") == 0) {
			NEEDV();
			o.threads = (int)num_arg(a, v, 1);
		} else if (strcmp(a, "--sync") == 0) {
			NEEDV();
			o.sync_full = strcmp(v, "full") == 0;
		} else if (strcmp(a, "--quota-read") == 0) {
			NEEDV();
			o.quota_read_per_hour = num_arg(a, v, 0);
		} else if (strcmp(a, "--delivery-interval") == 0) {
			NEEDV();
			char *end;
			errno = 0;
			double sec = strtod(v, &end);
			if (!*v || *end || errno || !(sec >= 0) || sec > 86400) {
				fprintf(stderr, "stigmem-lite: --delivery-interval needs seconds"
						" between 0 and 86400\n");
				return 2;
			}
			o.delivery_interval_ms = sec > 0 && sec < 0.001 ? 1 : (long)(sec * 1000.0);
		} else if (strcmp(a, "--quota-write") == 0) {
			NEEDV();
			o.quota_write_per_hour = num_arg(a, v, 0);
		} else if (strcmp(a, "--quiet") == 0) {
			o.quiet = true;
		} else if (strcmp(a, "--embeddings") == 0) {
			o.embeddings = true;
		} else if (strcmp(a, "--fault-delay-ms") == 0 || strcmp(a, "--fault-status") == 0 ||
			   strcmp(a, "--fault-garbage") == 0 || strcmp(a, "--fault-truncate") == 0) {
			NEEDV();
			struct lite_fault *f = strcmp(a, "--fault-delay-ms") == 0 ? &o.fault_delay
					       : strcmp(a, "--fault-status") == 0 ? &o.fault_status
					       : strcmp(a, "--fault-garbage") == 0 ? &o.fault_garbage
										  : &o.fault_truncate;
			bool has_value = f == &o.fault_delay || f == &o.fault_status;
			if (!lite_parse_fault(argv[i], has_value, f)) {
				fprintf(stderr, "stigmem-lite: bad %s value\n", a);
				return 2;
			}
		} else {
			fprintf(stderr, "stigmem-lite: unknown option %s\n", a);
			usage(stderr);
			return 2;
		}
#undef NEEDV
	}
	if (o.demo && !demo_interval_set)
		o.checkpoint_interval = LITE_DEMO_CHECKPOINT_INTERVAL;
	if (!o.bootstrap_key_file)
		o.bootstrap_key = getenv("STIGMEM_LITE_BOOTSTRAP_KEY");

	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	char err[512];
	struct lite_node *n = lite_node_start(&o, err, sizeof err);
	if (!n) {
		fprintf(stderr, "stigmem-lite: %s\n", err);
		free(host);
		return 1;
	}
	printf("stigmem-lite listening on %s:%d\n", o.host, lite_node_port(n));
	fflush(stdout);
	while (!stop_flag)
		pause();
	lite_node_stop(n);
	free(host);
	if (!o.quiet)
		fprintf(stderr, "stigmem-lite: stopped\n");
	return 0;
}
