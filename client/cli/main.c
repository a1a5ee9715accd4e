/* main.c - the `sstp` executable: parse the command line, set up logging, dispatch to the
 * subcommand, and exit with its code (exit_codes.h; documented in doc/sstp.1). */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli_cmds.h"
#include "cli_helper.h"
#include "cli_profile.h"
#include "exit_codes.h"
#include "helper.h"
#include "log.h"
#include "plat_proc.h"

#ifndef SSTP_VERSION_STRING
#define SSTP_VERSION_STRING "0.1.0"
#endif

int main(int argc, char **argv)
{
	struct sstp_cli cli;
	char err[512];
	enum sstp_log_level level;
	int r;

	sstp_log_init("sstp", SSTP_LOG_INFO, SSTP_LOG_TO_STDERR);
	/* before any password or key is read: no core file, no ptrace by the same user */
	if (plat_no_core_dumps() < 0)
		sstp_dbg("core dumps could not be turned off");
	/* [helper] `sstp helper` is the privileged service, with options of its own (helper.h) */
	if (argc > 1 && strcmp(argv[1], "helper") == 0)
		return sstp_helper_main(argc - 1, argv + 1);
	r = sstp_cli_parse(argc, argv, &cli, err, sizeof(err));
	if (r) {
		fprintf(stderr, "%s\n", err);
		return r;
	}
	level = cli.verbosity < 0 ? SSTP_LOG_ERROR
		: cli.verbosity == 0 ? SSTP_LOG_INFO
		: cli.verbosity == 1 ? SSTP_LOG_DEBUG : SSTP_LOG_TRACE;
	/* Informational chatter would mix with machine-readable output on stdout: keep it terse. */
	if (cli.json && cli.verbosity == 0)
		level = SSTP_LOG_WARN;
	sstp_log_init("sstp", level, SSTP_LOG_TO_STDERR | (cli.syslog ? SSTP_LOG_TO_SYSLOG : 0));
	sstp_log_set_timestamps(cli.verbosity >= 1);

	/* [helper] not root: connect/disconnect/status go through the helper (cli_helper.h) */
	if (sstp_helper_client_wanted(&cli))
		return sstp_helper_client_run(&cli);

	switch (cli.cmd) {
	case SSTP_CMD_HELP:
		sstp_cli_usage(stdout, cli.help_for);
		return SSTP_EXIT_OK;
	case SSTP_CMD_VERSION:
		printf("sstp %s\n", SSTP_VERSION_STRING);
		return SSTP_EXIT_OK;
	case SSTP_CMD_CONNECT:
	case SSTP_CMD_RUN:
	case SSTP_CMD_CHECK:
		return sstp_cmd_connect(&cli);
	case SSTP_CMD_DISCONNECT: return sstp_cmd_disconnect(&cli);
	case SSTP_CMD_STATUS: return sstp_cmd_status(&cli);
	case SSTP_CMD_CLEANUP: return sstp_cmd_cleanup(&cli);
	case SSTP_CMD_IMPORT: return sstp_cmd_import(&cli);
	case SSTP_CMD_PACKAGE_SHOW: return sstp_cmd_package_show(&cli);
	case SSTP_CMD_CERT: return sstp_cmd_cert(&cli);
	case SSTP_CMD_LIST: return sstp_cmd_list(&cli);
	case SSTP_CMD_SHOW: return sstp_cmd_show(&cli);
	case SSTP_CMD_SET: return sstp_cmd_set(&cli);
	case SSTP_CMD_EDIT: return sstp_cmd_edit(&cli);
	case SSTP_CMD_REMOVE: return sstp_cmd_remove(&cli);
	default:
		sstp_cli_usage(stderr, SSTP_CMD_NONE);
		return SSTP_EXIT_USAGE;
	}
}
