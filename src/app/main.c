/* main.c — stigmem-tui entry point: hands argv to the CLI dispatcher. */
#include "app/cli.h"

int
main(int argc, char **argv)
{
	return cli_main(argc, argv);
}
