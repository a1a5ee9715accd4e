/* cli_check.h - the probes of `sstp check` and `connect --check` (run in a child process while
 * the session keeps moving packets) and their reports: text, JSON, JUnit XML. */
#ifndef SSTP_CLI_CHECK_H
#define SSTP_CLI_CHECK_H

#include <stdbool.h>
#include <stdio.h>

#include "cli.h"
#include "status.h"

#define SSTP_PROBE_TIMEOUT_MS 5000

struct sstp_probe_result {
	int done;            /* the child got to this probe */
	int ok;
	unsigned rtt_ms;
	char err[160];
};

/* Run every probe (blocking, each bounded by SSTP_PROBE_TIMEOUT_MS) and fill results[i].
 * Returns 0 when all answered, SSTP_EXIT_PROBE otherwise. Called in the probe child. */
int sstp_probes_run(const struct sstp_probe *probes, size_t n, struct sstp_probe_result *results);

/* Reports. st: the session status when the tunnel was up (NULL when it never came up); code and
 * error: the outcome of the connection (0 / NULL when it was up). */
void sstp_check_report_text(FILE *out, const struct sstp_probe *probes, size_t n,
			    const struct sstp_probe_result *res, bool connected);
void sstp_check_report_json(FILE *out, const char *name, const struct sstp_conn_status *st,
			    bool connected, int code, const char *error,
			    const struct sstp_probe *probes, size_t n,
			    const struct sstp_probe_result *res);
/* 0 or -1 when the file cannot be written. */
int sstp_check_report_junit(const char *path, const char *name, bool connected,
			    const char *error, const struct sstp_probe *probes, size_t n,
			    const struct sstp_probe_result *res);

#endif
