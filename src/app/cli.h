/* app/cli.h — command-line front end of stigmem-tui (verbs and the UI launch). */
#ifndef APP_CLI_H
#define APP_CLI_H

/* Exit codes (documented in stigmem-tui(1)). */
enum cli_exit { CLI_EXIT_OK = 0, CLI_EXIT_FAIL = 1, CLI_EXIT_USAGE = 2 };

/* Parse argv, run the verb (or the UI), return the process exit code. */
int cli_main(int argc, char **argv);

#endif
