/* cli_helper.h - the CLI's `sstp connect|disconnect|status|run|check` through the helper (used
 * when not root, or when asked), with the same output and exit codes as without it. The
 * connection itself is ctl/helper_client.h. */
#ifndef SSTP_CLI_HELPER_H
#define SSTP_CLI_HELPER_H

#include <stdbool.h>

struct sstp_cli;

/* Whether main() should send this command through the helper: connect, disconnect, status and
 * run when the process is not root, or always when $SSTP_USE_HELPER is "1" (never when "0"). */
bool sstp_helper_client_wanted(const struct sstp_cli *cli);
/* Run cli->cmd (CONNECT, DISCONNECT, STATUS or RUN) through the helper: prints what the direct
 * command prints and returns its exit code. Options the helper cannot take (certificates, keys,
 * routes, ...: see sstp_helper_option_check) and servers that are not profile names give
 * SSTP_EXIT_PERMISSION (they need root) with a sentence. */
int sstp_helper_client_run(const struct sstp_cli *cli);

#endif
