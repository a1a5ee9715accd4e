/* cli_check.c - probes through the tunnel and the reports of `sstp check`. */
#include "cli_check.h"

#include <inttypes.h>
#include <string.h>

#include "exit_codes.h"
#include "plat_sock.h"

int sstp_probes_run(const struct sstp_probe *probes, size_t n, struct sstp_probe_result *res)
{
	int rc = 0;

	for (size_t i = 0; i < n; i++) {
		int r;

		if (probes[i].icmp)
			r = plat_probe_icmp(probes[i].host, SSTP_PROBE_TIMEOUT_MS, &res[i].rtt_ms,
					    res[i].err, sizeof(res[i].err));
		else
			r = plat_probe_tcp(probes[i].host, probes[i].port, SSTP_PROBE_TIMEOUT_MS,
					   &res[i].rtt_ms, res[i].err, sizeof(res[i].err));
		res[i].ok = r == 0;
		res[i].done = 1;
		if (r)
			rc = SSTP_EXIT_PROBE;
	}
	return rc;
}

static void target(char *buf, size_t len, const struct sstp_probe *p)
{
	if (p->icmp)
		snprintf(buf, len, "icmp %s", p->host);
	else if (strchr(p->host, ':'))
		snprintf(buf, len, "tcp [%s]:%u", p->host, p->port);
	else
		snprintf(buf, len, "tcp %s:%u", p->host, p->port);
}

void sstp_check_report_text(FILE *out, const struct sstp_probe *probes, size_t n,
			    const struct sstp_probe_result *res, bool connected)
{
	size_t failed = 0;
	char t[300];

	for (size_t i = 0; i < n; i++) {
		target(t, sizeof(t), &probes[i]);
		if (!connected || !res[i].done)
			fprintf(out, "skip  %s (not connected)\n", t);
		else if (res[i].ok)
			fprintf(out, "ok    %s (%u ms)\n", t, res[i].rtt_ms);
		else
			fprintf(out, "FAIL  %s: %s\n", t, res[i].err);
		if (!connected || !res[i].done || !res[i].ok)
			failed++;
	}
	fprintf(out, "%zu of %zu probes answered\n", n - failed, n);
}

void sstp_check_report_json(FILE *out, const char *name, const struct sstp_conn_status *st,
			    bool connected, int code, const char *error,
			    const struct sstp_probe *probes, size_t n,
			    const struct sstp_probe_result *res)
{
	char t[300];

	fprintf(out, "{\"schema\":%d,\"name\":", SSTP_JSON_SCHEMA);
	sstp_json_string(out, name);
	fprintf(out, ",\"connected\":%s,\"exit_code\":%d,\"error\":", connected ? "true" : "false",
		code);
	if (error && error[0])
		sstp_json_string(out, error);
	else
		fputs("null", out);
	fputs(",\"status\":", out);
	if (st)
		sstp_status_print_json(out, st);
	else
		fputs("null", out);
	fputs(",\"probes\":[", out);
	for (size_t i = 0; i < n; i++) {
		const char *result = !connected || !res[i].done ? "skipped" : res[i].ok ? "ok" : "failed";

		target(t, sizeof(t), &probes[i]);
		fputs(i ? ",{\"target\":" : "{\"target\":", out);
		sstp_json_string(out, probes[i].spec ? probes[i].spec : t);
		fprintf(out, ",\"type\":\"%s\",\"host\":", probes[i].icmp ? "icmp" : "tcp");
		sstp_json_string(out, probes[i].host);
		if (!probes[i].icmp)
			fprintf(out, ",\"port\":%u", probes[i].port);
		fprintf(out, ",\"result\":\"%s\",\"ok\":%s", result,
			connected && res[i].done && res[i].ok ? "true" : "false");
		if (connected && res[i].done && res[i].ok)
			fprintf(out, ",\"rtt_ms\":%u", res[i].rtt_ms);
		fputs(",\"error\":", out);
		if (connected && res[i].done && !res[i].ok)
			sstp_json_string(out, res[i].err);
		else
			fputs("null", out);
		fputc('}', out);
	}
	fputs("]}\n", out);
}

static void xml_text(FILE *out, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '&': fputs("&amp;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&apos;", out); break;
		default:
			if ((unsigned char)*s >= 0x20 || *s == '\t')
				fputc(*s, out);
		}
	}
}

int sstp_check_report_junit(const char *path, const char *name, bool connected,
			    const char *error, const struct sstp_probe *probes, size_t n,
			    const struct sstp_probe_result *res)
{
	FILE *out = fopen(path, "we");
	size_t failures = connected ? 0 : 1, skipped = 0;
	char t[300];

	if (!out)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (!connected || !res[i].done)
			skipped++;
		else if (!res[i].ok)
			failures++;
	}
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"sstp check ", out);
	xml_text(out, name);
	fprintf(out, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"%zu\">\n", n + 1,
		failures, skipped);
	fputs("  <testcase classname=\"sstp.check.", out);
	xml_text(out, name);
	fputs("\" name=\"connect\"", out);
	if (connected) {
		fputs("/>\n", out);
	} else {
		fputs("><failure message=\"", out);
		xml_text(out, error ? error : "not connected");
		fputs("\"/></testcase>\n", out);
	}
	for (size_t i = 0; i < n; i++) {
		target(t, sizeof(t), &probes[i]);
		fputs("  <testcase classname=\"sstp.check.", out);
		xml_text(out, name);
		fputs("\" name=\"", out);
		xml_text(out, t);
		fprintf(out, "\" time=\"%.3f\"", connected && res[i].done ? res[i].rtt_ms / 1000.0 : 0.0);
		if (!connected || !res[i].done) {
			fputs("><skipped/></testcase>\n", out);
		} else if (res[i].ok) {
			fputs("/>\n", out);
		} else {
			fputs("><failure message=\"", out);
			xml_text(out, res[i].err);
			fputs("\"/></testcase>\n", out);
		}
	}
	fputs("</testsuite>\n", out);
	return fclose(out) == 0 ? 0 : -1;
}
