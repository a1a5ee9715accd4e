/* cli_exit.h - the one place that turns an error kind (sstp_err.h) into the exit code of `sstp`
 * (exit_codes.h, README "Exit codes"). The libraries below the CLI return kinds. */
#ifndef SSTP_CLI_EXIT_H
#define SSTP_CLI_EXIT_H

#include "exit_codes.h"
#include "sstp_err.h"

/* The exit code for kind: 0 for SSTP_ERR_NONE, SSTP_EXIT_ERROR for a value outside the enum. */
int sstp_cli_exit_code(int kind);

#endif
