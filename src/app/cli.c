/* cli.c — argument parsing and verb dispatch (placeholder until verbs land). */
#include <stdio.h>
#include <string.h>

#include "app/cli.h"
#include "stigmem/stigmem.h"

static void
usage(FILE *f)
{
	fprintf(f, "usage: stigmem-tui [--url URL] [VERB ...]\n"
		   "       stigmem-tui --help | --version\n");
}

int
cli_main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--version") == 0) {
		printf("stigmem-tui %s\n", stg_version());
		return CLI_EXIT_OK;
	}
	if (argc > 1 && strcmp(argv[1], "--help") == 0) {
		usage(stdout);
		return CLI_EXIT_OK;
	}
	usage(stderr);
	return CLI_EXIT_USAGE;
}
