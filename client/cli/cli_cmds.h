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

/* Prints the session list of `sstp status` (text blocks a blank line apart, or the JSON list
 * when cli->json); "no sessions are running" for an empty text list. 0, or
 * SSTP_EXIT_NOT_CONNECTED when n is 0. Used with and without the helper. */
struct sstp_conn_status;
int sstp_cli_print_sessions(const struct sstp_cli *cli, const struct sstp_conn_status *const *list,
			    size_t n);

/* The state directory in effect (--state-dir or the platform default). */
const char *sstp_cli_state_dir(const struct sstp_cli *cli);

#endif
