/* main.c — stigmem-lite entry point (placeholder until the node lands). */
#include <stdio.h>
#include <string.h>

int
main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--version") == 0) {
		printf("stigmem-lite %s\n", STG_VERSION);
		return 0;
	}
	fprintf(stderr, "stigmem-lite: not built yet\n");
	return 2;
}
