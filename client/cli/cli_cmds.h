/* cli_cmds.h - the implementation of each `sstp` subcommand; main.c dispatches to these. Each
 * returns an exit code (exit_codes.h) and prints its one-sentence error itself. */
#ifndef SSTP_CLI_CMDS_H
#define SSTP_CLI_CMDS_H

#include "cli.h"

int sstp_cmd_connect(struct sstp_cli *cli);  /* also run and check (cli->cmd says which) */
int sstp_cmd_status(const struct sstp_cli *cli);
int sstp_cmd_disconnect(const struct sstp_cli *cli);
int sstp_cmd_cleanup(const struct sstp_cli *cli);
int sstp_cmd_import(const struct sstp_cli *cli);
int sstp_cmd_package_show(const struct sstp_cli *cli);
int sstp_cmd_cert(const struct sstp_cli *cli);

/* The state directory in effect (--state-dir or the platform default). */
const char *sstp_cli_state_dir(const struct sstp_cli *cli);

#endif
